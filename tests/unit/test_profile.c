/* radio-drivers/profile: the built-in init sequences, and the copy with
 * the call-out service's registration (`callout-service`): where the step
 * goes, that it is optional, that the base stays as it was, who owns the
 * copy; and that a link with it comes up on the
 * simulated terminal, which takes AT+CTSP=1,3,195 (and that a refusal
 * would have been seen: the link logs it).
 *
 * Fake time (tests/lib/fake_time.h) drives the link; waits are for a
 * state, bounded.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>

#include "common/logging.h"
#include "radio-drivers/profile.h"
#include "radio-drivers/radio_link.h"
#include "radio-drivers/sim_terminal.h"
#include "radio-drivers/transport.h"
#include "tests/lib/fake_time.h"
#include "tests/lib/log_capture.h"

#define TSI "09011638300023404"

static void *g_root;

static size_t steps(const struct tb_init_step *s)
{
	size_t n = 0;

	while (s[n].cmd)
		n++;
	return n;
}

static void test_with_callout(void **state)
{
	void *ctx = talloc_named_const(g_root, 0, "ctx");

	for (const struct tb_profile *base = tb_profiles; base->name; base++) {
		size_t n = steps(base->init), last_ctsp = 0, i;
		const struct tb_init_step *first = base->init;
		struct tb_profile *p = tb_profile_with_callout(ctx, base);

		assert_non_null(p);
		assert_string_equal(p->name, base->name);
		assert_string_equal(p->description, base->description);
		assert_int_equal(steps(p->init), n + 1);
		for (i = 0; i < n; i++)
			if (!strncmp(base->init[i].cmd, "AT+CTSP=", 8))
				last_ctsp = i;
		assert_true(last_ctsp > 0);	/* every built-in profile registers something */
		/* Right after the last registration, optional; the rest as it was. */
		for (i = 0; i <= last_ctsp; i++) {
			assert_string_equal(p->init[i].cmd, base->init[i].cmd);
			assert_int_equal(p->init[i].required, base->init[i].required);
		}
		assert_string_equal(p->init[last_ctsp + 1].cmd, "AT+CTSP=1,3,195");
		assert_false(p->init[last_ctsp + 1].required);
		for (i = last_ctsp + 1; i < n; i++) {
			assert_string_equal(p->init[i + 1].cmd, base->init[i].cmd);
			assert_int_equal(p->init[i + 1].required, base->init[i].required);
		}
		assert_null(p->init[n + 1].cmd);
		/* The motorola profile gets it too, after its range registrations. */
		if (!strcmp(base->name, "motorola"))
			assert_string_equal(p->init[last_ctsp].cmd, "AT+CTSP=1,3,25");
		/* The built-in one is untouched. */
		assert_ptr_equal(base->init, first);
		assert_int_equal(steps(base->init), n);
		assert_ptr_equal(talloc_parent(p), ctx);
		assert_ptr_equal(talloc_parent(p->init), p);
	}
	assert_int_equal(strcmp(TB_CTSP_CALLOUT, "AT+CTSP=1,3,195"), 0);
	talloc_free(ctx);
}

/* What the simulated terminal was sent, and whether it refuses 195. */
static bool g_saw_callout;
static bool g_refuse;

static void cmd_cb(const char *cmd, const char *user_data, void *data)
{
	if (user_data || strcmp(cmd, TB_CTSP_CALLOUT))
		return;
	g_saw_callout = true;
	if (g_refuse)
		tb_sim_inject(data, "+CME ERROR: 35");	/* taken as the answer; the real OK is stray */
}

static void prim_cb(struct tb_radio_link *rl, const struct tetra_prim *prim, void *data)
{
}

static void link_with_callout(const char *profile, bool refuse)
{
	static const struct tb_radio_link_callbacks cbs = { .prim = prim_cb };
	void *ctx = talloc_named_const(g_root, 0, "ctx");
	struct tb_transport *t = tb_transport_sim_alloc(ctx, TSI, NULL);
	struct tb_profile *p = tb_profile_with_callout(ctx, tb_profile_find(profile));
	struct tb_radio_link *rl;
	struct tb_sim_terminal *sim;

	assert_non_null(t);
	assert_non_null(p);
	rl = tb_radio_link_alloc(ctx, "r1", t, p, &cbs, NULL);
	assert_non_null(rl);
	g_saw_callout = false;
	g_refuse = refuse;
	tb_log_capture_clear();
	tb_radio_link_start(rl);
	sim = tb_sim_find(TSI);
	assert_non_null(sim);
	tb_sim_set_cmd_cb(sim, cmd_cb, sim);
	for (int i = 0; i < 200 && !tb_radio_link_is_up(rl); i++)
		tb_fake_time_advance_ms(10);
	assert_true(tb_radio_link_is_up(rl));
	assert_true(g_saw_callout);
	if (refuse)
		assert_non_null(strstr(tb_log_capture_text(), "refuses optional AT+CTSP=1,3,195"));
	else
		assert_null(strstr(tb_log_capture_text(), "refuses optional"));
	tb_radio_link_stop(rl, NULL);
	tb_fake_time_run_due();
	tb_radio_link_destroy(&rl);
	tb_fake_time_run_due();
	talloc_free(ctx);
}

static void test_link_registers(void **state)
{
	link_with_callout("generic", false);
	link_with_callout("motorola", false);
	link_with_callout("sepura", false);
	/* A terminal without the service: the link comes up all the same. */
	link_with_callout("generic", true);
}

static int group_setup(void **state)
{
	struct log_target *t;

	g_root = talloc_named_const(NULL, 0, "test_profile");
	tb_logging_init(g_root);
	log_set_log_level(osmo_stderr_target, LOGL_FATAL);
	t = tb_log_capture_start(LOGL_DEBUG);
	for (unsigned i = 0; i < tb_log_info.num_cat; i++)
		log_set_category_filter(t, i, 1, LOGL_INFO);
	log_set_log_level(t, LOGL_INFO);
	tb_fake_time_start();
	return 0;
}

static int group_teardown(void **state)
{
	log_fini();
	talloc_free(g_root);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_with_callout),
		cmocka_unit_test(test_link_registers),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
