/* radio-drivers/radio_link: whose terminal this is comes from the answer to
 * AT+CNUMF? only. A +CNUMF the terminal prints unasked (during the init or
 * later) is passed on as a primitive (published as a reported identity)
 * and changes neither the radio's identity nor the one in LINK_UP /
 * LINK_DOWN; an answer whose identity does not decode is no identity. And
 * a result code with a party that does not decode is delivered, not
 * counted as a decode error.
 *
 * A simulated terminal on the sim transport answers the init; fake time
 * (tests/lib/fake_time.h) drives the link. Waits are for a state, bounded.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <osmocom/core/talloc.h>

#include "common/counters.h"
#include "codecs/pei_urc.h"
#include "common/logging.h"
#include "ipc/event_build.h"
#include "radio-drivers/radio_link.h"
#include "radio-drivers/sim_terminal.h"
#include "radio-drivers/transport.h"
#include "tests/lib/fake_time.h"
#include "tests/lib/group.h"
#include "tests/lib/tmpdir.h"

#define TSI_A "09011638300023404"	/* the terminal's own, as it answers AT+CNUMF? */
#define TSI_B "242100109876543"		/* what it prints unasked (Norwegian 15-digit form) */

static void *g_root;
static void *g_ctx;
static char g_dir[64];

/* What the link delivered, in order. */
struct rec {
	unsigned n;			/* primitives */
	unsigned up_at, own_at;		/* 1-based position of the first LINK_UP / own identity */
	unsigned n_up, n_down, n_own;
	struct tetra_identity up_own, down_own, reported;
	struct tetra_prim last;		/* the last TNSDS/TNMM primitive */
};

static void prim_cb(struct tb_radio_link *rl, const struct tetra_prim *p, void *data)
{
	struct rec *r = data;

	r->n++;
	if (p->oph.sap == TETRA_SAP_LINK && p->oph.primitive == TETRA_LINK_UP) {
		if (!r->n_up++)
			r->up_at = r->n;
		r->up_own = p->u.link.own;
	} else if (p->oph.sap == TETRA_SAP_LINK && p->oph.primitive == TETRA_LINK_DOWN) {
		r->n_down++;
		r->down_own = p->u.link.own;
	} else {
		if (p->oph.sap == TETRA_SAP_TNMM && p->oph.primitive == TETRA_TNMM_OWN_IDENTITY) {
			if (!r->n_own++)
				r->own_at = r->n;
			r->reported = p->u.own_identity.id;
		}
		r->last = *p;
	}
}

/* A link to a simulated terminal whose own identity is tsi, started and
 * online (at most 2 s of fake time). */
static struct tb_radio_link *online_link(const char *tsi, const char *scenario, struct rec *r)
{
	static const struct tb_radio_link_callbacks cbs = { .prim = prim_cb };
	struct tb_transport *t = tb_transport_sim_alloc(g_ctx, tsi, scenario);
	struct tb_radio_link *rl;

	assert_non_null(t);
	memset(r, 0, sizeof(*r));
	rl = tb_radio_link_alloc(g_ctx, "r1", t, NULL, &cbs, r);
	assert_non_null(rl);
	tb_radio_link_start(rl);
	for (int i = 0; i < 200 && !tb_radio_link_is_up(rl); i++)
		tb_fake_time_advance_ms(10);
	assert_true(tb_radio_link_is_up(rl));
	assert_int_equal(r->n_up, 1);
	return rl;
}

static void expect_tsi(const struct tetra_identity *id, unsigned mcc, unsigned mnc, unsigned ssi)
{
	assert_int_equal(id->type, TETRA_ID_TSI);
	assert_int_equal(id->mcc, mcc);
	assert_int_equal(id->mnc, mnc);
	assert_int_equal(id->ssi, ssi);
}

static void stop_link(struct tb_radio_link *rl)
{
	tb_radio_link_stop(rl, NULL);
	tb_fake_time_run_due();
	tb_radio_link_destroy(&rl);
	tb_fake_time_run_due();
}

/* Online: a +CNUMF printed unasked is delivered (and published as a
 * reported identity), the radio's identity stays the answer's. */
static void test_unsolicited_after_online(void **state)
{
	struct rec r;
	struct tb_radio_link *rl = online_link(TSI_A, NULL, &r);
	struct tb_sim_terminal *sim = tb_sim_find(TSI_A);
	struct tb_event_buf b;

	expect_tsi(tb_radio_link_identity(rl), 901, 16383, 23404);
	expect_tsi(&r.up_own, 901, 16383, 23404);
	assert_int_equal(r.n_own, 0);	/* the answer is no primitive */

	assert_non_null(sim);
	tb_sim_inject(sim, "+CNUMF: 6," TSI_B);
	tb_fake_time_advance_ms(10);
	assert_int_equal(r.n_own, 1);
	expect_tsi(&r.reported, 242, 1001, 9876543);
	expect_tsi(tb_radio_link_identity(rl), 901, 16383, 23404);
	assert_int_equal(tb_ctr_get(tb_radio_link_ctrs(rl), TB_RL_CTR_DECODE_ERRORS), 0);

	/* what the daemon publishes for it */
	tb_event_buf_init(&b);
	assert_int_equal(tb_event_from_prim(&b, &r.last, "sim", NULL), 0);
	assert_int_equal(b.ev.radio_info->info_case, TETRABRIDGE__V1__RADIO_INFO__INFO_REPORTED_IDENTITY);
	assert_int_equal(b.ev.radio_info->reported_identity->identity->ssi, 9876543);

	/* one that does not decode changes nothing either */
	tb_sim_inject(sim, "+CNUMF: 6,123456789");
	tb_fake_time_advance_ms(10);
	assert_int_equal(r.n_own, 2);
	assert_int_equal(r.reported.type, TETRA_ID_UNDECODED);
	expect_tsi(tb_radio_link_identity(rl), 901, 16383, 23404);

	/* the link going down still names the answered identity */
	tb_radio_link_stop(rl, NULL);
	tb_fake_time_run_due();
	assert_int_equal(r.n_down, 1);
	expect_tsi(&r.down_own, 901, 16383, 23404);
	tb_radio_link_destroy(&rl);
	tb_fake_time_run_due();
}

/* A +CNUMF printed while the init runs (not answering AT+CNUMF?, which
 * comes last) is held, delivered after LINK_UP, and does not replace the
 * answer; with `match identity` the terminal is still this radio's. */
static void test_unsolicited_during_init(void **state)
{
	static const char text[] = "+CNUMF: 6," TSI_B "\nwait 3600000\n";
	const char *scn = tb_tmpdir_write(g_dir, "cnumf.scn", text, sizeof(text) - 1);
	static const struct tb_radio_link_callbacks cbs = { .prim = prim_cb };
	struct tetra_identity want;
	struct tb_radio_link *rl;
	struct tb_transport *t;
	struct rec r;

	assert_non_null(scn);
	assert_int_equal(tetra_identity_parse(TSI_A, strlen(TSI_A), TETRA_ID_TSI, &want), 0);
	t = tb_transport_sim_alloc(g_ctx, TSI_A, scn);
	assert_non_null(t);
	memset(&r, 0, sizeof(r));
	rl = tb_radio_link_alloc(g_ctx, "r1", t, NULL, &cbs, &r);
	assert_non_null(rl);
	tb_radio_link_match_identity(rl, &want);
	tb_radio_link_start(rl);
	for (int i = 0; i < 200 && !tb_radio_link_is_up(rl); i++)
		tb_fake_time_advance_ms(10);
	assert_true(tb_radio_link_is_up(rl));
	tb_fake_time_advance_ms(10);

	assert_int_equal(tb_ctr_get(tb_radio_link_ctrs(rl), TB_RL_CTR_WRONG_TERMINAL), 0);
	expect_tsi(tb_radio_link_identity(rl), 901, 16383, 23404);
	expect_tsi(&r.up_own, 901, 16383, 23404);
	assert_int_equal(r.n_own, 1);
	assert_true(r.up_at < r.own_at);	/* online first, then what it said */
	expect_tsi(&r.reported, 242, 1001, 9876543);
	stop_link(rl);
}

/* An answer to AT+CNUMF? whose identity does not decode: no identity (not
 * a half-decoded one in `show radios` or the radio list). */
static void test_answer_undecoded(void **state)
{
	struct rec r;
	struct tb_radio_link *rl = online_link("123456789", NULL, &r);

	assert_int_equal(tb_radio_link_identity(rl)->type, TETRA_ID_NONE);
	assert_int_equal(r.up_own.type, TETRA_ID_NONE);
	stop_link(rl);
}

/* A status whose calling identity does not decode is delivered with the
 * field kept, not counted and dropped as a decode error. */
static void test_undecoded_party_delivered(void **state)
{
	struct rec r;
	struct tb_radio_link *rl = online_link(TSI_A, NULL, &r);
	struct tb_sim_terminal *sim = tb_sim_find(TSI_A);
	uint64_t urcs = tb_ctr_get(tb_radio_link_ctrs(rl), TB_RL_CTR_URCS);

	tb_sim_inject(sim, "+CTSDSR: 13,10241638300023404,1,2345678,0,16");
	tb_sim_inject(sim, "8004");
	tb_fake_time_advance_ms(10);
	assert_int_equal(r.last.oph.sap, TETRA_SAP_TNSDS);
	assert_int_equal(r.last.oph.primitive, TETRA_TNSDS_STATUS);
	assert_int_equal(r.last.u.status.value, 0x8004);
	assert_int_equal(r.last.u.status.hdr.calling.type, TETRA_ID_UNDECODED);
	assert_string_equal(r.last.u.status.hdr.calling.digits, "10241638300023404");
	assert_int_equal(tb_ctr_get(tb_radio_link_ctrs(rl), TB_RL_CTR_URCS), urcs + 1);
	assert_int_equal(tb_ctr_get(tb_radio_link_ctrs(rl), TB_RL_CTR_DECODE_ERRORS), 0);
	stop_link(rl);
}

static int group_setup(void **state)
{
	/* expected errors stay quiet */
	g_root = tb_test_group_start("test_radio_link_identity", g_dir, sizeof(g_dir));
	if (!g_root)
		return -1;
	g_ctx = talloc_named_const(g_root, 0, "objects");
	return 0;
}

static int group_teardown(void **state)
{
	if (tb_tmpdir_remove(g_dir) != 0)
		return -1;
	if (talloc_total_blocks(g_ctx) != 1) {
		talloc_report_full(g_ctx, stderr);
		return -1;
	}
	talloc_free(g_root);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unsolicited_after_online),
		cmocka_unit_test(test_unsolicited_during_init),
		cmocka_unit_test(test_answer_undecoded),
		cmocka_unit_test(test_undecoded_party_delivered),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
