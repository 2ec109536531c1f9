/* bridge/outbox.c and bridge/outbox_store.c: the outgoing queue of a radio:
 * statuses, texts (immediate or not), location requests, call-out PDUs.
 *
 * Two real radio links (A and B) over the in-process simulated transport:
 * the simulated terminals share one simulated air, so what A sends reaches
 * B's terminal, B's link decodes it and B's outbox answers the delivery
 * report requests. A real SQLite file (WAL) in a mkdtemp() directory holds
 * A's queue. Each link's primitives are forwarded to its outbox as the
 * bridge does; the publish callback collects the Outgoing events.
 *
 * Fake time (osmo_clock_override + osmo_gettimeofday_override) drives every
 * timer; waits are for a condition, bounded in fake time, never sleeps.
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
#include <time.h>
#include <sys/time.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/timer.h>

#include "common/counters.h"
#include "bridge/outbox.h"
#include "bridge/outbox_store.h"
#include "codecs/sds_tl.h"
#include "common/logging.h"
#include "radio-drivers/radio_link.h"
#include "radio-drivers/sim_terminal.h"
#include "tests/lib/fake_time.h"
#include "tests/lib/group.h"
#include "tests/lib/log_capture.h"
#include "tests/lib/tmpdir.h"

#define TSI_A "09011638300765401"
#define TSI_B "09011638307654321"
#define SSI_B 7654321
#define SSI_NOBODY 4242424
#define SECRET "Kvalme og feber hos pasient Ola"	/* health data: never in logs */

#define ST(x) TETRABRIDGE__V1__OUTGOING__STATE__##x
#define RC(x) TETRABRIDGE__V1__REPLY__CODE__##x

static void *g_root;
static char g_dir[64];
static unsigned g_db_no;

/* ---- events and primitives ---------------------------------------------------- */

struct evrec {
	char radio;
	uint64_t id;
	unsigned kind;
	unsigned state;
	bool final;
	char reason[200];
	unsigned parts, n_refs, attempts, delivery_status, cme;
	unsigned reports_seen;	/* REPORT primitives radio A had when it was published */
};

#define MAX_EV 4096
static struct evrec g_ev[MAX_EV];
static unsigned g_nev;

struct radio {
	char tag;
	const char *tsi;
	struct tb_radio_link *link;
	struct tb_outbox *ob;
	bool up;
	unsigned n_status, n_text, n_report, n_send_result, n_loc_control, n_callout;
	uint8_t last_loc_request;
	uint16_t last_status;
	uint8_t last_text_pid;
	bool last_text_immediate;
};

static struct radio A = { .tag = 'A', .tsi = TSI_A }, B = { .tag = 'B', .tsi = TSI_B };
static struct tb_outbox_store *g_store;
static sqlite3 *g_db;
static void *g_ctx;

static int g_outstanding;	/* an AT+CMGS the host has not seen the air result of */

static void publish_cb(Tetrabridge__V1__Event *ev, void *data)
{
	struct radio *r = data;
	const Tetrabridge__V1__Outgoing *og = ev->outgoing;
	struct evrec *e;

	assert_int_equal(ev->body_case, TETRABRIDGE__V1__EVENT__BODY_OUTGOING);
	assert_non_null(og);
	assert_true(g_nev < MAX_EV);
	e = &g_ev[g_nev++];
	memset(e, 0, sizeof(*e));
	e->radio = r->tag;
	e->id = og->message_id;
	e->kind = og->kind;
	e->state = og->state;
	e->final = og->final;
	snprintf(e->reason, sizeof(e->reason), "%s", og->reason ? og->reason : "");
	e->parts = og->parts;
	e->n_refs = og->n_message_references;
	e->attempts = og->attempts;
	e->delivery_status = og->delivery_status;
	e->cme = og->cme_error;
	e->reports_seen = A.n_report;
	assert_non_null(og->to);
}

static void prim_cb(struct tb_radio_link *rl, const struct tetra_prim *prim, void *data)
{
	struct radio *r = data;

	if (prim->oph.sap == TETRA_SAP_LINK && prim->oph.primitive == TETRA_LINK_UP)
		r->up = true;
	if (prim->oph.sap == TETRA_SAP_LINK && prim->oph.primitive == TETRA_LINK_DOWN)
		r->up = false;
	if (prim->oph.sap == TETRA_SAP_TNSDS) {
		switch (prim->oph.primitive) {
		case TETRA_TNSDS_STATUS:
			r->n_status++;
			r->last_status = prim->u.status.value;
			break;
		case TETRA_TNSDS_TEXT:
			r->n_text++;
			r->last_text_pid = prim->u.text.pid;
			r->last_text_immediate = prim->u.text.immediate;
			break;
		case TETRA_TNSDS_REPORT:
			r->n_report++;
			break;
		case TETRA_TNSDS_CALLOUT:
			r->n_callout++;
			break;
		case TETRA_TNSDS_LOCATION_CONTROL:
			r->n_loc_control++;
			r->last_loc_request = prim->u.location_control.request_type;
			break;
		case TETRA_TNSDS_SEND_RESULT:
			r->n_send_result++;
			if (prim->u.send_result.has_status && r == &A)
				g_outstanding = 0;	/* test_one_in_flight: the next may go */
			break;
		}
	}
	/* As the bridge does: every primitive, after its own event. */
	if (r->ob)
		tb_outbox_on_prim(r->ob, prim);
}

/* ---- fake time ----------------------------------------------------------------- */

/* Run what is due, then fake time in 10 ms steps until cond() holds; fail
 * after max_ms of fake time (a cap only to fail rather than hang). */
#define RUN_UNTIL(cond, max_ms)                                                         \
	do {                                                                            \
		uint64_t _end = tb_fake_time_ms() + (max_ms);                           \
		tb_fake_time_advance_ms(0);                                             \
		while (!(cond)) {                                                       \
			if (tb_fake_time_ms() >= _end)                                  \
				fail_msg("not within %u ms: %s", (unsigned)(max_ms), #cond);  \
			tb_fake_time_advance_ms(10);                                    \
		}                                                                       \
	} while (0)

/* ---- event queries ------------------------------------------------------------ */

static const struct evrec *last_ev(uint64_t id)
{
	for (unsigned i = g_nev; i-- > 0;)
		if (g_ev[i].radio == 'A' && g_ev[i].id == id)
			return &g_ev[i];
	return NULL;
}

static bool is_final(uint64_t id)
{
	const struct evrec *e = last_ev(id);
	return e && e->final;
}

/* The states message id went through, e.g. "QUEUED TAKEN SENT*" (* final). */
static const char *states(uint64_t id)
{
	static const char *const names[] = { "QUEUED", "TAKEN", "SENT", "DELIVERED", "CONSUMED", "FAILED",
					     "RETRYING" };
	static char buf[512];
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < g_nev; i++) {
		if (g_ev[i].radio != 'A' || g_ev[i].id != id)
			continue;
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s%s", len ? " " : "",
				g_ev[i].state < 7 ? names[g_ev[i].state] : "?", g_ev[i].final ? "*" : "");
	}
	return buf;
}

static unsigned events_of(char radio)
{
	unsigned n = 0;

	for (unsigned i = 0; i < g_nev; i++)
		n += g_ev[i].radio == radio;
	return n;
}

/* ---- fixture ------------------------------------------------------------------ */

static void open_db(const char *path)
{
	char *err = NULL;

	assert_int_equal(sqlite3_open_v2(path, &g_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(g_db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", NULL, NULL, NULL),
			 SQLITE_OK);
	g_store = tb_outbox_store_open(g_ctx, g_db, &err);
	if (!g_store)
		fail_msg("store: %s", err);
}

static void close_db(void)
{
	tb_outbox_store_destroy(&g_store);
	assert_null(g_store);
	assert_int_equal(sqlite3_close(g_db), SQLITE_OK);
	g_db = NULL;
}

static char g_db_path[128];

static void radio_new(struct radio *r, struct tb_outbox_store *store)
{
	static const struct tb_radio_link_callbacks cbs = { .prim = prim_cb };
	struct tb_transport *t = tb_transport_sim_alloc(g_ctx, r->tsi, NULL);
	char name[16];

	snprintf(name, sizeof(name), "radio-%c", r->tag);
	assert_non_null(t);
	r->link = tb_radio_link_alloc(g_ctx, name, t, NULL, &cbs, r);
	assert_non_null(r->link);
	r->ob = tb_outbox_alloc(g_ctx, name, store, publish_cb, r);
	assert_non_null(r->ob);
	tb_outbox_set_link(r->ob, r->link);
	tb_radio_link_start(r->link);
}

static int setup(void **state)
{
	char *err = NULL;

	g_ctx = talloc_named_const(g_root, 0, "test");
	g_nev = 0;
	A.up = B.up = false;
	A.n_status = A.n_text = A.n_report = A.n_send_result = A.n_loc_control = A.n_callout = 0;
	B.n_status = B.n_text = B.n_report = B.n_send_result = B.n_loc_control = B.n_callout = 0;
	snprintf(g_db_path, sizeof(g_db_path), "%s/bridge-%u.db", g_dir, g_db_no++);
	open_db(g_db_path);
	(void)err;
	osmo_tdefs_reset(tb_outbox_tdefs);
	/* Short report wait: the tests run it out in fake time. */
	assert_int_equal(osmo_tdef_set(tb_outbox_tdefs, TB_T_REPORT_WAIT, 5, OSMO_TDEF_S), 0);
	radio_new(&A, g_store);
	radio_new(&B, NULL);
	RUN_UNTIL(A.up && B.up, 10000);
	tb_log_capture_clear();
	return 0;
}

static int teardown(void **state)
{
	/* The links first (their stop runs callbacks into the outboxes). */
	if (A.link)
		tb_radio_link_stop(A.link, NULL);
	if (B.link)
		tb_radio_link_stop(B.link, NULL);
	tb_outbox_destroy(&A.ob);
	tb_outbox_destroy(&B.ob);
	tb_radio_link_destroy(&A.link);
	tb_radio_link_destroy(&B.link);
	if (g_store)
		close_db();
	tb_fake_time_advance_ms(1000);	/* nothing left may fire */
	if (talloc_total_blocks(g_ctx) != 1) {
		talloc_report_full(g_ctx, stderr);
		fail_msg("memory left behind");
	}
	talloc_free(g_ctx);
	osmo_tdefs_reset(tb_outbox_tdefs);
	/* No health data in the log at INFO or above, whatever happened. */
	tb_assert_not_logged(SECRET);
	tb_assert_not_logged("7654321");
	tb_assert_not_logged("4242424");
	return 0;
}

static uint64_t submit_ok(struct tb_outbox *o, const struct tb_out_request *req, struct tb_out_queued *q)
{
	struct tb_out_queued qq;
	char *err = NULL;
	int rc = tb_outbox_submit(o, g_ctx, req, q ? q : &qq, &err);

	if (rc != RC(OK))
		fail_msg("submit: %d %s", rc, err ? err : "");
	assert_null(err);
	return (q ? q : &qq)->message_id;
}

static struct tb_out_request status_req(uint32_t ssi, uint16_t value)
{
	struct tb_out_request r = { .kind = TB_OUT_STATUS, .status_value = value, .client = "dispatch" };

	r.to.type = TETRA_ID_SSI;
	r.to.ssi = ssi;
	return r;
}

static struct tb_out_request text_req(uint32_t ssi, const char *text, uint8_t report)
{
	struct tb_out_request r = { .kind = TB_OUT_TEXT, .text = text, .text_len = strlen(text),
				    .report_request = report, .client = "lvs" };

	r.to.type = TETRA_ID_SSI;
	r.to.ssi = ssi;
	return r;
}

static int64_t stored(void)
{
	return tb_outbox_store_count(g_store);
}

/* ---- tests -------------------------------------------------------------------- */

static void test_status(void **state)
{
	struct tb_out_request req = status_req(SSI_B, 0x8004);
	uint64_t id = submit_ok(A.ob, &req, NULL);
	const struct evrec *e;

	assert_true(id > 0);
	assert_int_equal(stored(), 1);
	assert_int_equal(tb_outbox_waiting(A.ob), 1);
	RUN_UNTIL(is_final(id), 10000);
	assert_string_equal(states(id), "QUEUED TAKEN SENT*");
	e = last_ev(id);
	assert_int_equal(e->attempts, 1);
	assert_int_equal(e->parts, 1);
	assert_int_equal(e->n_refs, 0);
	assert_string_equal(e->reason, "");
	/* B's terminal received it over the simulated air. */
	RUN_UNTIL(B.n_status == 1, 1000);
	assert_int_equal(B.last_status, 0x8004);
	assert_int_equal(stored(), 0);
	assert_int_equal(tb_outbox_waiting(A.ob), 0);

	/* To B's TSI as well. */
	req.to.type = TETRA_ID_TSI;
	req.to.mcc = 901;
	req.to.mnc = 16383;
	req.status_value = 0x8001;
	id = submit_ok(A.ob, &req, NULL);
	RUN_UNTIL(is_final(id), 10000);
	assert_string_equal(states(id), "QUEUED TAKEN SENT*");
	RUN_UNTIL(B.n_status == 2, 1000);
	assert_int_equal(B.last_status, 0x8001);
}

static void test_location_request(void **state)
{
	struct tb_out_request req = { .kind = TB_OUT_LOCATION_REQUEST, .long_report = true };
	uint64_t id;

	req.to.type = TETRA_ID_SSI;
	req.to.ssi = SSI_B;
	id = submit_ok(A.ob, &req, NULL);
	RUN_UNTIL(is_final(id), 10000);
	assert_string_equal(states(id), "QUEUED TAKEN SENT*");
	assert_int_equal(last_ev(id)->n_refs, 0);
	/* B's terminal got a LIP immediate location request. */
	RUN_UNTIL(B.n_loc_control == 1, 1000);
	assert_int_equal(stored(), 0);
}

/* A queue's counters (bridge/outbox.h). */
#define OB_CTR(r, c) tb_ctr_get(tb_outbox_ctrs((r).ob), TB_OUTBOX_CTR_##c)
#define OB_WAITING(r) tb_stat_get(tb_outbox_stat_items((r).ob), TB_OUTBOX_STAT_WAITING)

static void test_text_received(void **state)
{
	struct tb_out_request req = text_req(SSI_B, SECRET, 1);
	struct tb_out_queued q;
	uint64_t id = submit_ok(A.ob, &req, &q);
	const struct evrec *e;

	assert_int_equal(q.parts, 1);
	assert_int_equal(OB_WAITING(A), 1);
	RUN_UNTIL(is_final(id), 10000);
	assert_string_equal(states(id), "QUEUED TAKEN SENT DELIVERED*");
	/* Counted by its final state; B's answer is counted by B. */
	assert_int_equal(OB_CTR(A, QUEUED), 1);
	assert_int_equal(OB_CTR(A, DELIVERED), 1);
	assert_int_equal(OB_CTR(A, SENT) + OB_CTR(A, CONSUMED) + OB_CTR(A, FAILED), 0);
	assert_int_equal(OB_WAITING(A), 0);
	assert_int_equal(OB_CTR(B, ANSWERS), 1);
	assert_int_equal(OB_CTR(B, QUEUED), 0);
	e = last_ev(id);
	assert_int_equal(e->delivery_status, 0);
	assert_int_equal(e->n_refs, 1);
	assert_int_equal(B.n_text, 1);
	assert_int_equal(B.last_text_pid, 0x82);
	assert_false(B.last_text_immediate);
	assert_int_equal(A.n_report, 1);
	/* B answered without events of its own and without its store. */
	assert_int_equal(events_of('B'), 0);
	assert_int_equal(tb_outbox_waiting(B.ob), 0);
	assert_int_equal(stored(), 0);
}

static void test_text_consumed_times_out(void **state)
{
	struct tb_out_request req = text_req(SSI_B, SECRET, 3);
	uint64_t id = submit_ok(A.ob, &req, NULL);
	const struct evrec *e;

	RUN_UNTIL(last_ev(id)->state == ST(DELIVERED), 10000);
	assert_false(last_ev(id)->final);
	assert_int_equal(stored(), 1);
	/* The simulator never reads it: no "consumed" within X12 (5 s). */
	RUN_UNTIL(is_final(id), 6000);
	assert_string_equal(states(id), "QUEUED TAKEN SENT DELIVERED FAILED*");
	assert_int_equal(OB_CTR(A, FAILED), 1);
	assert_int_equal(OB_CTR(A, DELIVERED), 0);
	e = last_ev(id);
	assert_non_null(strstr(e->reason, "no delivery report from the destination within 5 s"));
	assert_int_equal(stored(), 0);
}

static void test_text_to_nobody(void **state)
{
	struct tb_out_request req = text_req(SSI_NOBODY, SECRET, 1);
	uint64_t id = submit_ok(A.ob, &req, NULL);
	uint64_t t0;

	RUN_UNTIL(last_ev(id)->state == ST(SENT), 10000);
	assert_false(last_ev(id)->final);
	t0 = tb_fake_time_ms();
	RUN_UNTIL(is_final(id), 6000);
	assert_true(tb_fake_time_ms() - t0 >= 4900);
	assert_string_equal(states(id), "QUEUED TAKEN SENT FAILED*");
	assert_string_equal(last_ev(id)->reason, "no delivery report from the destination within 5 s");
	assert_int_equal(B.n_text, 0);
}

static void test_busy(void **state)
{
	struct tb_out_request req = status_req(SSI_B, 0x8004);
	struct tb_sim_terminal *sim = tb_sim_find(TSI_A);
	uint64_t id;
	const struct evrec *e;
	unsigned n = 0;

	assert_non_null(sim);
	tb_sim_set_busy(sim, 2);
	id = submit_ok(A.ob, &req, NULL);
	RUN_UNTIL(is_final(id), 20000);
	assert_string_equal(states(id), "QUEUED RETRYING RETRYING TAKEN SENT*");
	assert_int_equal(OB_CTR(A, RETRIES), 2);
	assert_int_equal(OB_CTR(A, SENT), 1);
	for (unsigned i = 0; i < g_nev; i++) {
		if (g_ev[i].id != id || g_ev[i].state != ST(RETRYING))
			continue;
		assert_string_equal(g_ev[i].reason, "the terminal is busy transmitting");
		assert_int_equal(g_ev[i].cme, 42);
		assert_int_equal(g_ev[i].attempts, ++n);
	}
	e = last_ev(id);
	assert_int_equal(e->attempts, 3);
	RUN_UNTIL(B.n_status == 1, 1000);
}

static void test_airfail(void **state)
{
	struct tb_out_request req = status_req(SSI_B, 0x8004);
	uint64_t id;

	tb_sim_set_airfail(tb_sim_find(TSI_A), 1);
	id = submit_ok(A.ob, &req, NULL);
	RUN_UNTIL(is_final(id), 10000);
	assert_string_equal(states(id), "QUEUED TAKEN FAILED*");
	assert_string_equal(last_ev(id)->reason, "the terminal could not send it over the air");
	tb_fake_time_advance_ms(1000);
	assert_int_equal(B.n_status, 0);
	assert_int_equal(stored(), 0);
}

/* The terminal answers AT+CTSDS with "+CME ERROR: 35" (the real OK that
 * follows is a stray line the AT engine ignores). */
static void cme_cb(const char *cmd, const char *user_data, void *data)
{
	if (!strncmp(cmd, "AT+CTSDS=", 9))
		tb_sim_inject(data, "+CME ERROR: 35");
}

static void test_cme_error(void **state)
{
	struct tb_out_request req = status_req(SSI_B, 0x8004);
	struct tb_sim_terminal *sim = tb_sim_find(TSI_A);
	uint64_t id;

	tb_sim_set_cmd_cb(sim, cme_cb, sim);
	id = submit_ok(A.ob, &req, NULL);
	RUN_UNTIL(is_final(id), 10000);
	assert_string_equal(states(id), "QUEUED FAILED*");
	assert_int_equal(last_ev(id)->cme, 35);
	assert_non_null(strstr(last_ev(id)->reason, "the terminal refused it"));
	assert_non_null(strstr(last_ev(id)->reason, "+CME ERROR 35"));
	tb_sim_set_cmd_cb(sim, NULL, NULL);

	/* The queue goes on. */
	id = submit_ok(A.ob, &req, NULL);
	RUN_UNTIL(is_final(id), 10000);
	assert_string_equal(states(id), "QUEUED TAKEN SENT*");
}

static void test_long_text(void **state)
{
	char text[700];
	struct tb_out_request req;
	struct tb_out_queued q;
	const struct evrec *e;
	uint64_t id;

	for (size_t i = 0; i < sizeof(text) - 1; i++)
		text[i] = 'a' + i % 26;
	text[sizeof(text) - 1] = '\0';
	memcpy(text, SECRET, strlen(SECRET));
	req = text_req(SSI_B, text, 1);
	id = submit_ok(A.ob, &req, &q);
	assert_int_equal(q.parts, 3);
	assert_int_equal((uint8_t)(q.msg_refs[0] + 1), q.msg_refs[1]);
	assert_int_equal((uint8_t)(q.msg_refs[1] + 1), q.msg_refs[2]);
	RUN_UNTIL(is_final(id), 20000);
	assert_string_equal(states(id), "QUEUED TAKEN SENT DELIVERED*");
	e = last_ev(id);
	assert_int_equal(e->parts, 3);
	assert_int_equal(e->n_refs, 3);
	/* DELIVERED only when every part was reported. */
	assert_int_equal(e->reports_seen, 3);
	assert_int_equal(B.n_text, 3);
	assert_int_equal(stored(), 0);
}

static void test_reports_by_hand(void **state)
{
	struct tb_out_request req = text_req(SSI_B, SECRET, 3);
	struct tetra_prim p;
	struct tb_out_queued q;
	uint64_t id = submit_ok(A.ob, &req, &q);

	RUN_UNTIL(last_ev(id)->state == ST(DELIVERED), 10000);
	/* A short report "consumed" from B with the message's reference. */
	memset(&p, 0, sizeof(p));
	osmo_prim_init(&p.oph, TETRA_SAP_TNSDS, TETRA_TNSDS_SHORT_REPORT, PRIM_OP_INDICATION, NULL);
	p.u.short_report.hdr.calling.type = TETRA_ID_SSI;
	p.u.short_report.hdr.calling.ssi = SSI_B;
	p.u.short_report.report_type = 3;
	p.u.short_report.msg_ref = (uint8_t)(q.msg_refs[0] + 1);	/* not ours: ignored */
	tb_outbox_on_prim(A.ob, &p);
	assert_false(is_final(id));
	p.u.short_report.msg_ref = q.msg_refs[0];
	p.u.short_report.hdr.calling.ssi = SSI_NOBODY;	/* not from the destination: ignored */
	tb_outbox_on_prim(A.ob, &p);
	assert_false(is_final(id));
	p.u.short_report.hdr.calling.ssi = SSI_B;
	tb_outbox_on_prim(A.ob, &p);
	assert_true(is_final(id));
	assert_string_equal(states(id), "QUEUED TAKEN SENT DELIVERED CONSUMED*");
	assert_int_equal(last_ev(id)->delivery_status, TETRA_SDS_ST_CONSUMED);

	/* A failure report: "not registered". */
	req = text_req(SSI_NOBODY, SECRET, 1);
	id = submit_ok(A.ob, &req, &q);
	RUN_UNTIL(last_ev(id)->state == ST(SENT), 10000);
	memset(&p, 0, sizeof(p));
	osmo_prim_init(&p.oph, TETRA_SAP_TNSDS, TETRA_TNSDS_REPORT, PRIM_OP_INDICATION, NULL);
	p.u.report.hdr.calling.type = TETRA_ID_TSI;
	p.u.report.hdr.calling.mcc = 901;
	p.u.report.hdr.calling.mnc = 16383;
	p.u.report.hdr.calling.ssi = SSI_NOBODY;
	p.u.report.pid = 0x82;
	p.u.report.kind = TETRA_REPORT_SDS_REPORT;
	p.u.report.status = 0x4B;
	p.u.report.msg_ref = q.msg_refs[0];
	tb_outbox_on_prim(A.ob, &p);
	assert_true(is_final(id));
	assert_string_equal(states(id), "QUEUED TAKEN SENT FAILED*");
	assert_int_equal(last_ev(id)->delivery_status, 0x4B);
	assert_non_null(strstr(last_ev(id)->reason, "not registered"));
	assert_int_equal(stored(), 0);
}

static void test_deadline_link_down(void **state)
{
	struct tb_out_request req = status_req(SSI_B, 0x8004);
	uint64_t id;

	tb_radio_link_stop(A.link, NULL);
	assert_false(A.up);
	req.deadline_s = 2;
	id = submit_ok(A.ob, &req, NULL);
	tb_fake_time_advance_ms(1900);
	assert_string_equal(states(id), "QUEUED");
	RUN_UNTIL(is_final(id), 200);
	assert_string_equal(states(id), "QUEUED FAILED*");
	assert_string_equal(last_ev(id)->reason, "not sent within 2 s (deadline)");
	assert_int_equal(stored(), 0);
}

static void test_link_down_then_up(void **state)
{
	struct tb_out_request s = status_req(SSI_B, 0x8004);
	struct tb_out_request t = text_req(SSI_B, SECRET, 1);
	uint64_t id1, id2;

	tb_radio_link_stop(A.link, NULL);
	id1 = submit_ok(A.ob, &s, NULL);
	id2 = submit_ok(A.ob, &t, NULL);
	assert_true(id2 > id1);
	tb_fake_time_advance_ms(3000);
	assert_string_equal(states(id1), "QUEUED");
	assert_string_equal(states(id2), "QUEUED");
	tb_radio_link_start(A.link);
	RUN_UNTIL(is_final(id1) && is_final(id2), 20000);
	assert_string_equal(states(id1), "QUEUED TAKEN SENT*");
	assert_string_equal(states(id2), "QUEUED TAKEN SENT DELIVERED*");
}

static bool g_cmgs_seen;

/* The terminal dies when it gets the user data of an AT+CMGS: no answer. */
static void cmgs_die_cb(const char *cmd, const char *user_data, void *data)
{
	if (user_data && !g_cmgs_seen) {
		g_cmgs_seen = true;
		tb_sim_set_silent(data, true);
	}
}

/* The link goes down while AT+CMGS waits: RETRYING, sent again when up. */
static void test_link_lost_in_flight(void **state)
{
	struct tb_out_request s = status_req(SSI_B, 0x8004);
	uint64_t id;

	g_cmgs_seen = false;
	tb_sim_set_cmd_cb(tb_sim_find(TSI_A), cmgs_die_cb, tb_sim_find(TSI_A));
	id = submit_ok(A.ob, &s, NULL);
	/* The terminal got the AT+CMGS and will not answer. */
	RUN_UNTIL(g_cmgs_seen, 5000);
	assert_string_equal(states(id), "QUEUED");
	/* The link is closed (the terminal is a new one when it reopens). */
	tb_radio_link_stop(A.link, NULL);
	assert_string_equal(states(id), "QUEUED RETRYING");
	assert_string_equal(last_ev(id)->reason, "the link to the terminal was lost");
	tb_fake_time_advance_ms(1000);
	tb_radio_link_start(A.link);
	RUN_UNTIL(is_final(id), 10000);
	assert_string_equal(states(id), "QUEUED RETRYING TAKEN SENT*");
	assert_int_equal(last_ev(id)->attempts, 2);
}

/* The terminal stops answering in the middle of an AT+CMGS: RETRYING "did
 * not answer" until the link's keep-alive finds it dead; after the reopen
 * the message goes out. */
static void test_no_answer(void **state)
{
	struct tb_out_request s = status_req(SSI_B, 0x8004);
	uint64_t id;
	unsigned first = 0;

	g_cmgs_seen = false;
	tb_sim_set_cmd_cb(tb_sim_find(TSI_A), cmgs_die_cb, tb_sim_find(TSI_A));
	id = submit_ok(A.ob, &s, NULL);
	RUN_UNTIL(is_final(id), 120000);
	for (unsigned i = 0; i < g_nev; i++)
		if (g_ev[i].id == id && g_ev[i].state == ST(RETRYING)) {
			first = i;
			break;
		}
	assert_true(first > 0);
	assert_string_equal(g_ev[first].reason, "the terminal did not answer");
	assert_int_equal(last_ev(id)->state, ST(SENT));
	assert_true(tb_ctr_get(tb_radio_link_ctrs(A.link), TB_RL_CTR_LINK_LOSSES) >= 1);
	RUN_UNTIL(B.n_status == 1, 1000);
}

/* Only one SDS in flight: the terminal never gets an AT+CMGS before the
 * host has seen the one before answered and reported on the air. */
static unsigned g_cmgs_count;

static void one_at_a_time_cb(const char *cmd, const char *user_data, void *data)
{
	if (!user_data)
		return;
	assert_int_equal(g_outstanding, 0);
	g_outstanding = 1;
	g_cmgs_count++;
}

static void test_one_in_flight(void **state)
{
	struct tb_out_request s = status_req(SSI_B, 0x8004);
	struct tb_out_request t = text_req(SSI_B, SECRET, 1);
	uint64_t ids[6];

	g_outstanding = 0;
	g_cmgs_count = 0;
	tb_sim_set_cmd_cb(tb_sim_find(TSI_A), one_at_a_time_cb, NULL);
	for (unsigned i = 0; i < 6; i++)
		ids[i] = submit_ok(A.ob, i % 2 ? &t : &s, NULL);
	for (unsigned i = 1; i < 6; i++)
		assert_true(ids[i] > ids[i - 1]);
	RUN_UNTIL(is_final(ids[0]) && is_final(ids[1]) && is_final(ids[2]) && is_final(ids[3]) &&
		  is_final(ids[4]) && is_final(ids[5]), 30000);
	assert_int_equal(g_cmgs_count, 6);
	/* In the order they were queued. */
	for (unsigned i = 0; i < g_nev; i++)
		if (g_ev[i].state == ST(TAKEN))
			for (unsigned j = i + 1; j < g_nev; j++)
				if (g_ev[j].state == ST(TAKEN))
					assert_true(g_ev[j].id > g_ev[i].id);
}

static void test_restart(void **state)
{
	struct tb_out_request s = status_req(SSI_B, 0x8004);
	struct tb_out_request t = text_req(SSI_B, SECRET, 1);
	struct tb_out_request n = text_req(SSI_NOBODY, SECRET, 1);
	struct tb_out_queued q1, q2;
	uint64_t done, id1, id2, id3, id4;

	/* One message done (its row deleted), one waiting for a report, two
	 * not sent yet. */
	done = submit_ok(A.ob, &s, NULL);
	RUN_UNTIL(is_final(done), 10000);
	id3 = submit_ok(A.ob, &n, &q1);
	RUN_UNTIL(last_ev(id3)->state == ST(SENT), 10000);
	tb_radio_link_stop(A.link, NULL);
	id1 = submit_ok(A.ob, &s, NULL);
	id2 = submit_ok(A.ob, &t, &q2);
	assert_int_equal(stored(), 3);

	/* The bridge goes away and comes back. */
	tb_outbox_destroy(&A.ob);
	close_db();
	open_db(g_db_path);
	A.ob = tb_outbox_alloc(g_ctx, "radio-A", g_store, publish_cb, &A);
	assert_non_null(A.ob);
	assert_int_equal(tb_outbox_restore(A.ob), 3);
	assert_int_equal(tb_outbox_waiting(A.ob), 3);
	assert_int_equal(tb_outbox_restore(A.ob), 0);	/* twice: nothing doubled */
	assert_int_equal(tb_outbox_waiting(A.ob), 3);
	tb_outbox_set_link(A.ob, A.link);
	tb_radio_link_start(A.link);
	RUN_UNTIL(is_final(id1) && is_final(id2) && is_final(id3), 20000);
	assert_string_equal(states(id1), "QUEUED TAKEN SENT*");
	assert_string_equal(states(id2), "QUEUED TAKEN SENT DELIVERED*");
	/* Waiting for its report across the restart, then X12 ran out. */
	assert_string_equal(states(id3), "QUEUED TAKEN SENT FAILED*");
	assert_int_equal(stored(), 0);

	/* Ids go on; none is used twice, not even the deleted ones. */
	id4 = submit_ok(A.ob, &t, &q1);
	assert_true(id4 > id2 && id4 > id3 && id2 > id1 && id1 > done);
	/* Message references go on after those in use. */
	assert_int_equal(q1.msg_refs[0], (uint8_t)(q2.msg_refs[0] + 1));
	RUN_UNTIL(is_final(id4), 10000);
}

/* ---- immediate texts and call-out PDUs ------------------------------------------ */

#define KIND_CALLOUT TETRABRIDGE__V1__OUTGOING__KIND__CALLOUT

/* A call-out PDU's octets after the SDS-TL header, as codecs/callout.h
 * builds them (here the captured alert's fields of docs/protocol.md §9),
 * then a text: health data, never logged. */
static size_t callout_payload(uint8_t *out)
{
	static const uint8_t head[] = { 0x0D, 0x16, 0x57, 0x11, 0x11, 0x04, 0x14, 0x4C, 0x15, 0x5D, 0xFF };

	memcpy(out, head, sizeof(head));
	memcpy(out + sizeof(head), SECRET, strlen(SECRET));
	return sizeof(head) + strlen(SECRET);
}

static struct tb_out_request callout_req(uint32_t ssi, const uint8_t *payload, size_t len, uint8_t report)
{
	struct tb_out_request r = { .kind = TB_OUT_CALLOUT, .payload = payload, .payload_len = len,
				    .report_request = report, .client = "callout" };

	r.to.type = TETRA_ID_SSI;
	r.to.ssi = ssi;
	return r;
}

/* What A's terminal is given with AT+CMGS, in order (hex digits). */
static char g_sent[8][600];
static unsigned g_nsent;

static void capture_cb(const char *cmd, const char *user_data, void *data)
{
	if (user_data && g_nsent < 8)
		snprintf(g_sent[g_nsent++], sizeof(g_sent[0]), "%s", user_data);
}

static void capture_start(void)
{
	g_nsent = 0;
	tb_sim_set_cmd_cb(tb_sim_find(TSI_A), capture_cb, NULL);
}

/* The SDS a call-out PDU must be: C3 | flags | message reference | payload. */
static const char *callout_sds(uint8_t flags, uint8_t ref, const uint8_t *payload, size_t n)
{
	static char buf[600];
	int k = snprintf(buf, sizeof(buf), "C3%02X%02X", flags, ref);

	for (size_t i = 0; i < n; i++)
		k += snprintf(buf + k, sizeof(buf) - (size_t)k, "%02X", payload[i]);
	return buf;
}

/* An SDS-REPORT to A from SSI from with status and reference. */
static void inject_report(uint32_t from, uint8_t status, uint8_t ref)
{
	struct tetra_prim p;

	memset(&p, 0, sizeof(p));
	osmo_prim_init(&p.oph, TETRA_SAP_TNSDS, TETRA_TNSDS_REPORT, PRIM_OP_INDICATION, NULL);
	p.u.report.hdr.calling.type = TETRA_ID_SSI;
	p.u.report.hdr.calling.ssi = from;
	p.u.report.pid = TB_OUT_CALLOUT_PID;
	p.u.report.kind = TETRA_REPORT_SDS_REPORT;
	p.u.report.status = status;
	p.u.report.msg_ref = ref;
	tb_outbox_on_prim(A.ob, &p);
}

static void inject_short_report(uint32_t from, uint8_t type, uint8_t ref)
{
	struct tetra_prim p;

	memset(&p, 0, sizeof(p));
	osmo_prim_init(&p.oph, TETRA_SAP_TNSDS, TETRA_TNSDS_SHORT_REPORT, PRIM_OP_INDICATION, NULL);
	p.u.short_report.hdr.calling.type = TETRA_ID_SSI;
	p.u.short_report.hdr.calling.ssi = from;
	p.u.short_report.report_type = type;
	p.u.short_report.msg_ref = ref;
	tb_outbox_on_prim(A.ob, &p);
}

static void assert_all_kind(uint64_t id, unsigned kind)
{
	unsigned n = 0;

	for (unsigned i = 0; i < g_nev; i++)
		if (g_ev[i].radio == 'A' && g_ev[i].id == id) {
			assert_int_equal(g_ev[i].kind, kind);
			n++;
		}
	assert_true(n > 0);
}

static void test_immediate_text(void **state)
{
	struct tb_out_request req = text_req(SSI_B, SECRET, 1);
	struct tb_out_queued q;
	char text[700];
	uint64_t id;

	req.immediate = true;
	id = submit_ok(A.ob, &req, &q);
	assert_true(q.immediate);
	assert_int_equal(q.parts, 1);
	assert_int_equal(OB_WAITING(A), 1);
	RUN_UNTIL(is_final(id), 10000);
	assert_string_equal(states(id), "QUEUED TAKEN SENT DELIVERED*");
	/* Counted by its final state; B's answer is counted by B. */
	assert_int_equal(OB_CTR(A, QUEUED), 1);
	assert_int_equal(OB_CTR(A, DELIVERED), 1);
	assert_int_equal(OB_CTR(A, SENT) + OB_CTR(A, CONSUMED) + OB_CTR(A, FAILED), 0);
	assert_int_equal(OB_WAITING(A), 0);
	assert_int_equal(OB_CTR(B, ANSWERS), 1);
	assert_int_equal(OB_CTR(B, QUEUED), 0);
	assert_all_kind(id, TETRABRIDGE__V1__OUTGOING__KIND__TEXT);
	/* B's terminal got it as immediate text (and B answered "received"). */
	assert_int_equal(B.n_text, 1);
	assert_int_equal(B.last_text_pid, 0x89);
	assert_true(B.last_text_immediate);

	/* Too long for one SDS: the ordinary 0x8A parts, and q says so. */
	for (size_t i = 0; i < sizeof(text) - 1; i++)
		text[i] = 'a' + i % 26;
	text[sizeof(text) - 1] = '\0';
	req = text_req(SSI_B, text, 1);
	req.immediate = true;
	id = submit_ok(A.ob, &req, &q);
	assert_false(q.immediate);
	assert_int_equal(q.parts, 3);
	RUN_UNTIL(is_final(id), 20000);
	assert_string_equal(states(id), "QUEUED TAKEN SENT DELIVERED*");
	assert_int_equal(B.n_text, 4);
	assert_int_equal(B.last_text_pid, 0x8A);
	assert_false(B.last_text_immediate);

	/* Not asked: PID 0x82. */
	req = text_req(SSI_B, SECRET, 0);
	id = submit_ok(A.ob, &req, &q);
	assert_false(q.immediate);
	RUN_UNTIL(is_final(id), 10000);
	RUN_UNTIL(B.n_text == 5, 1000);
	assert_int_equal(B.last_text_pid, 0x82);
	assert_false(B.last_text_immediate);
}

/* Queued, taken, sent, delivered, consumed: the reports come by hand from
 * a destination no simulated terminal plays, so only they move it. */
static void test_callout(void **state)
{
	uint8_t payload[64], want[64];
	size_t n = callout_payload(payload);
	struct tb_out_request req = callout_req(SSI_NOBODY, payload, n, 3);
	struct tb_out_queued q, q2;
	sqlite3_stmt *st;
	uint64_t id, id2;

	callout_payload(want);
	capture_start();
	id = submit_ok(A.ob, &req, &q);
	memset(payload, 0, sizeof(payload));	/* the queue has its own copy */
	assert_int_equal(q.parts, 1);
	assert_false(q.immediate);
	assert_string_equal(states(id), "QUEUED");
	assert_int_equal(last_ev(id)->n_refs, 1);

	/* Stored with its payload as a BLOB. */
	assert_int_equal(sqlite3_prepare_v2(g_db, "SELECT kind, payload, report_request FROM outbox WHERE id = ?1",
					    -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), TB_OUT_CALLOUT);
	assert_int_equal(sqlite3_column_type(st, 1), SQLITE_BLOB);
	assert_int_equal(sqlite3_column_bytes(st, 1), n);
	assert_memory_equal(sqlite3_column_blob(st, 1), want, n);
	assert_int_equal(sqlite3_column_int(st, 2), 3);
	sqlite3_finalize(st);

	RUN_UNTIL(last_ev(id)->state == ST(SENT), 10000);
	/* One SDS-TL TRANSFER: C3, "received" and "consumed" asked (0C), the
	 * queue's message reference, the payload. */
	assert_int_equal(g_nsent, 1);
	assert_string_equal(g_sent[0], callout_sds(0x0C, q.msg_refs[0], want, n));
	assert_false(is_final(id));

	/* Reports with another reference or from another party are not its. */
	inject_report(SSI_NOBODY, TETRA_SDS_ST_RECEIVED, (uint8_t)(q.msg_refs[0] + 1));
	inject_report(SSI_B, TETRA_SDS_ST_RECEIVED, q.msg_refs[0]);
	assert_int_equal(last_ev(id)->state, ST(SENT));
	inject_report(SSI_NOBODY, TETRA_SDS_ST_RECEIVED, q.msg_refs[0]);
	assert_int_equal(last_ev(id)->state, ST(DELIVERED));
	assert_false(is_final(id));
	assert_int_equal(stored(), 1);
	inject_short_report(SSI_NOBODY, 3, q.msg_refs[0]);
	assert_true(is_final(id));
	assert_string_equal(states(id), "QUEUED TAKEN SENT DELIVERED CONSUMED*");
	assert_int_equal(last_ev(id)->delivery_status, TETRA_SDS_ST_CONSUMED);
	assert_all_kind(id, KIND_CALLOUT);
	assert_int_equal(stored(), 0);

	/* No report asked: done when sent; flags 00 as in the captured alert;
	 * the message reference is the next one. */
	n = callout_payload(payload);
	req = callout_req(SSI_B, payload, n, 0);
	id2 = submit_ok(A.ob, &req, &q2);
	assert_true(id2 > id);
	assert_int_equal(q2.msg_refs[0], (uint8_t)(q.msg_refs[0] + 1));
	RUN_UNTIL(is_final(id2), 10000);
	assert_string_equal(states(id2), "QUEUED TAKEN SENT*");
	assert_int_equal(g_nsent, 2);
	assert_string_equal(g_sent[1], callout_sds(0x00, q2.msg_refs[0], want, n));
	assert_all_kind(id2, KIND_CALLOUT);
	tb_sim_set_cmd_cb(tb_sim_find(TSI_A), NULL, NULL);
}

/* A call-out PDU to B asking "received": B's terminal hears a call-out,
 * B's outbox answers with an SDS-REPORT (PID 0xC3, status received, the
 * PDU's reference), so A's ends at DELIVERED, as a text would. Asking for
 * "consumed" only gets no answer from the bridge. */
static void test_callout_received(void **state)
{
	uint8_t payload[64];
	size_t n = callout_payload(payload);
	struct tb_out_request req = callout_req(SSI_B, payload, n, 1);
	struct tb_out_queued q;
	const struct evrec *e;
	uint64_t id = submit_ok(A.ob, &req, &q);

	RUN_UNTIL(is_final(id), 10000);
	assert_string_equal(states(id), "QUEUED TAKEN SENT DELIVERED*");
	e = last_ev(id);
	assert_int_equal(e->delivery_status, TETRA_SDS_ST_RECEIVED);
	assert_int_equal(e->n_refs, 1);
	assert_all_kind(id, KIND_CALLOUT);
	assert_int_equal(B.n_callout, 1);
	assert_int_equal(A.n_report, 1);
	/* B answered without events of its own and without its store. */
	assert_int_equal(events_of('B'), 0);
	assert_int_equal(tb_outbox_waiting(B.ob), 0);
	assert_int_equal(stored(), 0);

	req = callout_req(SSI_B, payload, n, 2);
	id = submit_ok(A.ob, &req, &q);
	RUN_UNTIL(is_final(id), 20000);
	assert_string_equal(states(id), "QUEUED TAKEN SENT FAILED*");
	assert_string_equal(last_ev(id)->reason, "no delivery report from the destination within 5 s");
	assert_int_equal(B.n_callout, 2);
	assert_int_equal(A.n_report, 1);
}

/* A negative report fails it at once, with the report's status; so does
 * "protocol not supported" (a terminal without the call-out service); no
 * report within X12 too. */
static void test_callout_failed(void **state)
{
	uint8_t payload[64];
	size_t n = callout_payload(payload);
	struct tb_out_request req = callout_req(SSI_NOBODY, payload, n, 1);
	struct tb_out_queued q;
	uint64_t id;

	id = submit_ok(A.ob, &req, &q);
	RUN_UNTIL(last_ev(id)->state == ST(SENT), 10000);
	inject_report(SSI_NOBODY, 0x4B, q.msg_refs[0]);
	assert_true(is_final(id));
	assert_string_equal(states(id), "QUEUED TAKEN SENT FAILED*");
	assert_int_equal(last_ev(id)->delivery_status, 0x4B);
	assert_non_null(strstr(last_ev(id)->reason, "not registered"));
	assert_all_kind(id, KIND_CALLOUT);

	id = submit_ok(A.ob, &req, &q);
	RUN_UNTIL(last_ev(id)->state == ST(SENT), 10000);
	inject_short_report(SSI_NOBODY, 0, q.msg_refs[0]);
	assert_true(is_final(id));
	assert_string_equal(states(id), "QUEUED TAKEN SENT FAILED*");
	assert_int_equal(last_ev(id)->delivery_status, TETRA_SDS_ST_PROTOCOL_NOT_SUPPORTED);
	assert_non_null(strstr(last_ev(id)->reason, "protocol not supported"));

	id = submit_ok(A.ob, &req, &q);
	RUN_UNTIL(is_final(id), 20000);
	assert_string_equal(states(id), "QUEUED TAKEN SENT FAILED*");
	assert_string_equal(last_ev(id)->reason, "no delivery report from the destination within 5 s");
	assert_int_equal(stored(), 0);
}

/* Across a restart: a call-out PDU waiting for its report, one not sent
 * yet, an immediate text not sent yet. */
static void test_callout_restart(void **state)
{
	uint8_t payload[64];
	size_t n = callout_payload(payload);
	struct tb_out_request c1 = callout_req(SSI_NOBODY, payload, n, 1);
	struct tb_out_request c2 = callout_req(SSI_NOBODY, payload, n, 2);
	struct tb_out_request t = text_req(SSI_B, SECRET, 1);
	struct tb_out_queued q1, q2, qt, q4;
	uint64_t id1, id2, idt, id4;

	t.immediate = true;
	id1 = submit_ok(A.ob, &c1, &q1);
	RUN_UNTIL(last_ev(id1)->state == ST(SENT), 10000);
	tb_radio_link_stop(A.link, NULL);
	id2 = submit_ok(A.ob, &c2, &q2);
	idt = submit_ok(A.ob, &t, &qt);
	assert_int_equal(stored(), 3);

	tb_outbox_destroy(&A.ob);
	close_db();
	memset(payload, 0, sizeof(payload));
	open_db(g_db_path);
	A.ob = tb_outbox_alloc(g_ctx, "radio-A", g_store, publish_cb, &A);
	assert_non_null(A.ob);
	assert_int_equal(tb_outbox_restore(A.ob), 3);
	/* The link first: its simulated terminal exists only while it is open. */
	tb_radio_link_start(A.link);
	RUN_UNTIL(A.up, 10000);
	capture_start();
	tb_outbox_set_link(A.ob, A.link);
	RUN_UNTIL(last_ev(id2)->state == ST(SENT) && is_final(idt), 20000);
	/* The stored payload, as it was queued; "consumed" asked: flags 08. */
	n = callout_payload(payload);
	assert_int_equal(g_nsent, 2);
	assert_string_equal(g_sent[0], callout_sds(0x08, q2.msg_refs[0], payload, n));
	assert_string_equal(states(idt), "QUEUED TAKEN SENT DELIVERED*");
	assert_int_equal(B.last_text_pid, 0x89);

	/* Reports still find both call-outs. */
	inject_report(SSI_NOBODY, TETRA_SDS_ST_RECEIVED, q1.msg_refs[0]);
	assert_string_equal(states(id1), "QUEUED TAKEN SENT DELIVERED*");
	inject_report(SSI_NOBODY, TETRA_SDS_ST_CONSUMED, q2.msg_refs[0]);
	assert_string_equal(states(id2), "QUEUED TAKEN SENT CONSUMED*");
	assert_all_kind(id1, KIND_CALLOUT);
	assert_all_kind(id2, KIND_CALLOUT);
	assert_int_equal(stored(), 0);

	/* References go on after the newest stored message's. */
	assert_int_equal(q2.msg_refs[0], (uint8_t)(q1.msg_refs[0] + 1));
	id4 = submit_ok(A.ob, &c1, &q4);
	assert_true(id4 > idt);
	assert_int_equal(q4.msg_refs[0], (uint8_t)(qt.msg_refs[0] + 1));
	RUN_UNTIL(last_ev(id4)->state == ST(SENT), 10000);
	tb_sim_set_cmd_cb(tb_sim_find(TSI_A), NULL, NULL);
}

/* The outbox table as the version before call-outs created it. */
static const char old_schema[] =
	"CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, radio TEXT NOT NULL, kind INTEGER NOT NULL,"
	" to_type INTEGER NOT NULL, to_mcc INTEGER NOT NULL DEFAULT 0, to_mnc INTEGER NOT NULL DEFAULT 0,"
	" to_ssi INTEGER NOT NULL, status_value INTEGER NOT NULL DEFAULT 0, text TEXT,"
	" report_request INTEGER NOT NULL DEFAULT 0, long_report INTEGER NOT NULL DEFAULT 0,"
	" deadline_us INTEGER NOT NULL, created_us INTEGER NOT NULL, client TEXT NOT NULL DEFAULT '',"
	" state INTEGER NOT NULL, parts INTEGER NOT NULL, msg_refs BLOB, taken INTEGER NOT NULL DEFAULT 0,"
	" sent INTEGER NOT NULL DEFAULT 0, delivered INTEGER NOT NULL DEFAULT 0,"
	" consumed INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,"
	" report_due_us INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX outbox_radio ON outbox(radio, id);";

static int count_columns(const char *names)
{
	char sql[200];
	sqlite3_stmt *st;
	int n;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pragma_table_info('outbox') WHERE name IN (%s)", names);
	assert_int_equal(sqlite3_prepare_v2(g_db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* A database the previous version wrote, with a text waiting in it: it
 * opens, the table gets the new columns, the text goes out. */
static void test_store_from_older_version(void **state)
{
	uint8_t payload[64];
	size_t n = callout_payload(payload);
	struct tb_out_request c = callout_req(SSI_B, payload, n, 0);
	char path[160];
	sqlite3 *db;
	sqlite3_stmt *st;
	struct timeval tv;
	uint64_t now, id;

	snprintf(path, sizeof(path), "%s/old-%u.db", g_dir, g_db_no++);
	osmo_gettimeofday(&tv, NULL);
	now = (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, old_schema, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO outbox (radio, kind, to_type, to_ssi, text, report_request,"
					    " deadline_us, created_us, client, state, parts, msg_refs) VALUES ('radio-A',"
					    " 1, 0, ?1, ?2, 1, ?3, ?4, 'lvs', 0, 1, X'2A')", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, SSI_B);
	sqlite3_bind_text(st, 2, SECRET, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)(now + 300000000u));
	sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);

	/* This version starts on it. */
	tb_outbox_destroy(&A.ob);
	close_db();
	open_db(path);
	assert_int_equal(count_columns("'immediate', 'payload'"), 2);
	assert_non_null(strstr(tb_log_capture_text(), "gets column payload"));
	assert_int_equal(stored(), 1);
	A.ob = tb_outbox_alloc(g_ctx, "radio-A", g_store, publish_cb, &A);
	assert_non_null(A.ob);
	assert_int_equal(tb_outbox_restore(A.ob), 1);
	tb_outbox_set_link(A.ob, A.link);
	RUN_UNTIL(is_final(1), 10000);
	assert_string_equal(states(1), "TAKEN SENT DELIVERED*");
	assert_int_equal(B.last_text_pid, 0x82);

	/* A call-out PDU is stored in it; opening it again changes nothing. */
	tb_radio_link_stop(A.link, NULL);
	id = submit_ok(A.ob, &c, NULL);
	assert_int_equal(id, 2);
	tb_outbox_destroy(&A.ob);
	close_db();
	tb_log_capture_clear();
	open_db(path);
	assert_null(strstr(tb_log_capture_text(), "gets column"));
	assert_int_equal(count_columns("'immediate', 'payload'"), 2);
	A.ob = tb_outbox_alloc(g_ctx, "radio-A", g_store, publish_cb, &A);
	assert_int_equal(tb_outbox_restore(A.ob), 1);
	tb_radio_link_start(A.link);
	RUN_UNTIL(A.up, 10000);
	capture_start();
	tb_outbox_set_link(A.ob, A.link);
	RUN_UNTIL(is_final(id), 10000);
	assert_string_equal(states(id), "QUEUED TAKEN SENT*");
	assert_int_equal(g_nsent, 1);
	assert_string_equal(g_sent[0], callout_sds(0x00, 0x2B, payload, n));
	assert_int_equal(stored(), 0);
	tb_sim_set_cmd_cb(tb_sim_find(TSI_A), NULL, NULL);
}

static void expect_error(struct tb_outbox *o, const struct tb_out_request *req, int code, const char *words)
{
	struct tb_out_queued q;
	unsigned nev = g_nev;
	char *err = NULL;
	int rc = tb_outbox_submit(o, g_ctx, req, &q, &err);

	assert_int_equal(rc, code);
	assert_non_null(err);
	if (!strstr(err, words))
		fail_msg("'%s' does not say '%s'", err, words);
	/* Never the text in the sentence. */
	assert_null(strstr(err, SECRET));
	assert_int_equal(g_nev, nev);	/* nothing published */
	talloc_free(err);
}

static void test_submit_errors(void **state)
{
	static char big[5000];
	struct tb_out_request r;
	struct tb_outbox *mem;
	int64_t before = stored();

	memset(big, 'x', sizeof(big) - 1);
	r = text_req(SSI_B, big, 0);
	expect_error(A.ob, &r, RC(TEXT_TOO_LONG), "shorten it");
	r = text_req(SSI_B, "", 0);
	expect_error(A.ob, &r, RC(INVALID_ARGUMENT), "empty");
	r = text_req(SSI_B, "bad \xff utf-8", 0);
	expect_error(A.ob, &r, RC(INVALID_ARGUMENT), "UTF-8");
	r = text_req(SSI_B, SECRET, 4);
	expect_error(A.ob, &r, RC(INVALID_ARGUMENT), "report request");
	r = status_req(SSI_B, 0x7C05);
	expect_error(A.ob, &r, RC(INVALID_ARGUMENT), "short reports");
	r = status_req(0, 0x8004);
	expect_error(A.ob, &r, RC(INVALID_ARGUMENT), "SSI");
	r = status_req(16777216, 0x8004);
	expect_error(A.ob, &r, RC(INVALID_ARGUMENT), "SSI");
	r = status_req(SSI_B, 0x8004);
	r.to.type = TETRA_ID_SNA;
	expect_error(A.ob, &r, RC(INVALID_ARGUMENT), "SSI or a TSI");
	memset(big, 'x', sizeof(big) - 1);
	r = callout_req(SSI_B, (const uint8_t *)big, 0, 0);
	expect_error(A.ob, &r, RC(INVALID_ARGUMENT), "empty");
	r = callout_req(SSI_B, NULL, 5, 0);
	expect_error(A.ob, &r, RC(INVALID_ARGUMENT), "empty");
	r = callout_req(SSI_B, (const uint8_t *)big, 253, 0);
	expect_error(A.ob, &r, RC(TEXT_TOO_LONG), "at most 252");
	r = callout_req(SSI_B, (const uint8_t *)big, 10, 4);
	expect_error(A.ob, &r, RC(INVALID_ARGUMENT), "report request");
	r = status_req(SSI_B, 0x8004);
	r.kind = (enum tb_out_kind)9;
	expect_error(A.ob, &r, RC(INVALID_ARGUMENT), "call-out PDU");
	assert_int_equal(stored(), before);
	assert_int_equal(tb_outbox_waiting(A.ob), 0);

	/* Queue full (an outbox without a store: fast). */
	mem = tb_outbox_alloc(g_ctx, "mem", NULL, publish_cb, &B);
	r = status_req(SSI_B, 0x8004);
	for (unsigned i = 0; i < TB_OUTBOX_MAX; i++)
		assert_int_equal(submit_ok(mem, &r, NULL), i + 1);
	expect_error(mem, &r, RC(BUSY), "full");
	assert_int_equal(tb_outbox_waiting(mem), TB_OUTBOX_MAX);
	tb_outbox_destroy(&mem);

	/* 252 octets are one SDS. */
	mem = tb_outbox_alloc(g_ctx, "mem", NULL, publish_cb, &B);
	r = callout_req(SSI_B, (const uint8_t *)big, 252, 0);
	assert_int_equal(submit_ok(mem, &r, NULL), 1);
	tb_outbox_destroy(&mem);

	/* The store fails: BUSY, nothing queued. */
	assert_int_equal(sqlite3_exec(g_db, "DROP TABLE outbox", NULL, NULL, NULL), SQLITE_OK);
	expect_error(A.ob, &r, RC(BUSY), "the bridge cannot store the message (disk full?); nothing was queued");
	assert_int_equal(tb_outbox_waiting(A.ob), 0);
}

static void test_tdefs(void **state)
{
	static const struct { int T; unsigned long val; enum osmo_tdef_unit unit; } want[] = {
		{ TB_T_SEND_DEADLINE, 300, OSMO_TDEF_S }, { TB_T_REPORT_WAIT, 120, OSMO_TDEF_S },
		{ TB_T_BUSY_RETRY_MIN, 500, OSMO_TDEF_MS }, { TB_T_BUSY_RETRY_MAX, 8000, OSMO_TDEF_MS },
		{ TB_T_AIR_WAIT, 30, OSMO_TDEF_S },
	};

	osmo_tdefs_reset(tb_outbox_tdefs);
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct osmo_tdef *t = osmo_tdef_get_entry(tb_outbox_tdefs, want[i].T);

		assert_non_null(t);
		assert_int_equal(t->default_val, want[i].val);
		assert_int_equal(t->unit, want[i].unit);
		assert_non_null(t->desc);
		assert_true(strlen(t->desc) > 20);
	}
}

static void test_log_privacy(void **state)
{
	struct tb_out_request t = text_req(SSI_B, SECRET, 1);
	uint64_t id = submit_ok(A.ob, &t, NULL);

	RUN_UNTIL(is_final(id), 10000);
	/* Something was logged at INFO, by id. */
	assert_non_null(strstr(tb_log_capture_text(), "queued"));
	tb_assert_not_logged(SECRET);
	tb_assert_not_logged("7654321");
}

static int group_setup(void **state)
{
	struct log_target *t;

	g_root = tb_test_group_start("test_outbox", g_dir, sizeof(g_dir));
	if (!g_root)
		return -1;
	/* Everything at INFO and above, to check it carries no health data. */
	t = tb_log_capture_start(LOGL_DEBUG);
	for (unsigned i = 0; i < tb_log_info.num_cat; i++)
		log_set_category_filter(t, i, 1, LOGL_INFO);
	log_set_log_level(t, LOGL_INFO);
	return 0;
}

static int group_teardown(void **state)
{
	if (tb_tmpdir_remove(g_dir) != 0)
		return -1;
	log_fini();
	talloc_free(g_root);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tdefs),
		cmocka_unit_test_setup_teardown(test_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_location_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_received, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_consumed_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_to_nobody, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_airfail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cme_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reports_by_hand, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadline_link_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_down_then_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_lost_in_flight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_in_flight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_immediate_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callout_received, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callout_failed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callout_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_from_older_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_submit_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_privacy, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
