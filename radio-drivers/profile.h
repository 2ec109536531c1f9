/* Device profiles: what differs between terminal makes, kept as data.
 * A profile names the PEI init sequence a terminal needs (which services
 * to route to the PEI with AT+CTSP, how to ask its identity) and its quirks.
 * USB identities (VID:PID, interfaces) are in radio-drivers/usb_profile.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct tb_init_step {
	const char *cmd;	/* without CR */
	bool required;		/* an error answer stops the init (a timeout always does) */
};

struct tb_profile {
	const char *name;
	const char *description;
	const struct tb_init_step *init;	/* terminated by { NULL } */
};

/* The built-in profiles, terminated by { NULL }. */
extern const struct tb_profile tb_profiles[];

/* Find a profile by name; NULL when there is none. */
const struct tb_profile *tb_profile_find(const char *name);

/* The profile used when the config names none. */
const struct tb_profile *tb_profile_default(void);

/* Routes the TCCA Simple Call-Out service (SDS-TL PID 195 = 0xC3) to the
 * PEI: a terminal delivers call-out PDUs (answers, alerts) to the PEI only
 * when registered for them (docs/protocol.md §4.1, §9). */
#define TB_CTSP_CALLOUT "AT+CTSP=1,3,195"

/*! base with the call-out registration (TB_CTSP_CALLOUT, an optional step:
 *  a terminal without the service still serves the rest) after its last
 *  AT+CTSP step, for radios configured with `callout-service`. Every
 *  profile gets it, motorola too (profile.c says why). Name and
 *  description are base's.
 *  Ownership: a talloc child of ctx, its step table a child of it; the
 *  strings are base's (static). NULL when out of memory. */
struct tb_profile *tb_profile_with_callout(void *ctx, const struct tb_profile *base);
