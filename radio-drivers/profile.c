/* Built-in device profiles. Facts from docs/protocol.md §4:
 * AT+CTSP=<profile>,<layer1>[,<layer2>] routes a service to the PEI;
 * "2,0,0" call signalling, "1,2,20" status ("2,2,20" to terminal and PEI on
 * some models), "1,3,<PID>" one SDS-TL protocol, "1,3,24"/"1,3,25" all SDS
 * type 4 PIDs 0-127/128-255 on the models that support it.
 * Sepura terminals reboot on ATZ: no profile sends it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "radio-drivers/profile.h"

#include <string.h>
#include <osmocom/core/talloc.h>

/* Registrations that are model dependent are optional: a terminal that
 * refuses one still serves the rest. The call-out service (PID 195) is
 * registered only for radios that want it: tb_profile_with_callout(). */
static const struct tb_init_step motorola_init[] = {
	{ "AT", true },
	{ "ATE0", true },
	{ "AT+CTSP=2,0,0", false },	/* call signalling */
	{ "AT+CTSP=1,2,20", false },	/* status */
	{ "AT+CTSP=1,3,24", false },	/* SDS type 4, PIDs 0-127 */
	{ "AT+CTSP=1,3,25", false },	/* SDS type 4, PIDs 128-255 */
	{ "AT+CNUMF?", false },		/* own identity */
	{ 0 }
};

static const struct tb_init_step per_pid_init[] = {
	{ "AT", true },
	{ "ATE0", true },
	{ "AT+CTSP=2,0,0", false },	/* call signalling */
	{ "AT+CTSP=2,2,20", false },	/* status to terminal and PEI */
	{ "AT+CTSP=1,3,2", false },	/* simple text */
	{ "AT+CTSP=1,3,9", false },	/* simple immediate text */
	{ "AT+CTSP=1,3,10", false },	/* LIP */
	{ "AT+CTSP=1,3,130", false },	/* text messaging (SDS-TL) */
	{ "AT+CTSP=1,3,137", false },	/* immediate text (SDS-TL) */
	{ "AT+CTSP=1,3,138", false },	/* message with user data header */
	{ "AT+CNUMF?", false },
	{ 0 }
};

const struct tb_profile tb_profiles[] = {
	{ "motorola", "Motorola MTP/MXP/MTM PEI: all SDS type 4 PIDs in two registrations", motorola_init },
	{ "sepura", "Sepura STP/SC PEI: one registration per SDS-TL protocol, never ATZ", per_pid_init },
	{ "generic", "Any ETSI PEI terminal: one registration per SDS-TL protocol", per_pid_init },
	{ 0 }
};

const struct tb_profile *tb_profile_find(const char *name)
{
	for (const struct tb_profile *p = tb_profiles; p->name; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

const struct tb_profile *tb_profile_default(void)
{
	return &tb_profiles[2];
}

struct tb_profile *tb_profile_with_callout(void *ctx, const struct tb_profile *base)
{
	static const struct tb_init_step callout = { TB_CTSP_CALLOUT, false };
	struct tb_profile *p;
	struct tb_init_step *steps;
	size_t n = 0, at = 0;

	/* Every profile gets the registration, motorola too, although its
	 * AT+CTSP=1,3,25 routes all of PIDs 128-255 already: that step is
	 * optional and only some models have it (docs/protocol.md §4.1), and
	 * when it is refused the init goes on and PID 195 would never reach
	 * the PEI. Registering 195 again where the range was taken is
	 * redundant at worst, and a refusal costs nothing. */
	while (base->init[n].cmd) {
		if (!strncmp(base->init[n].cmd, "AT+CTSP=", 8))
			at = n + 1;
		n++;
	}
	if (at == 0)
		at = n;
	p = talloc_zero(ctx, struct tb_profile);
	if (!p)
		return NULL;
	steps = talloc_array(p, struct tb_init_step, n + 2);
	if (!steps) {
		talloc_free(p);
		return NULL;
	}
	memcpy(steps, base->init, at * sizeof(*steps));
	steps[at] = callout;
	memcpy(steps + at + 1, base->init + at, (n - at) * sizeof(*steps));
	steps[n + 1] = (struct tb_init_step){ 0 };
	p->name = base->name;
	p->description = base->description;
	p->init = steps;
	return p;
}
