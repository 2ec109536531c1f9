/* The health report (bridge/health.c) on a real bridge: simulated radios
 * and a tty radio whose device is missing, the real journal (SQLite in a
 * temporary directory) made to fail for real (PRAGMA max_page_count, as a
 * full disk), the real outgoing queue with a terminal that answers busy or
 * stops answering, the real call-out tracker; fake time for every timer.
 *
 * Each state is produced by what causes it, and the report must name it,
 * and get well again when the cause is gone.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <cmocka.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/timer.h>
#include <sqlite3.h>

#include "bridge/bridge.h"
#include "bridge/callout.h"
#include "bridge/callout_config.h"
#include "bridge/health.h"
#include "bridge/journal.h"
#include "bridge/outbox.h"
#include "bridge/radio.h"
#include "common/counters.h"
#include "common/logging.h"
#include "radio-drivers/radio_link.h"
#include "tests/lib/fake_time.h"
#include "tests/lib/group.h"
#include "tests/lib/tmpdir.h"

#define HS(x) TETRABRIDGE__V1__HEALTH_STATUS__HEALTH_##x
#define CODE(x) TETRABRIDGE__V1__REPLY__CODE__##x

/* Health data that must never be in a report. */
#define SECRET_TEXT "Pasient Kari Nordmann brystsmerter"
#define SECRET_SSI 1001

static void *g_root;
static char g_dir[64];
static unsigned g_case;

struct fixture {
	void *ctx;
	char state_dir[128];
	struct tb_bridge *b;
};

static const struct tb_callout_who g_dispatcher = { .name = "amk-1", .role = "dispatcher" };

/* Events waiting in memory because the journal cannot write. */
static uint64_t backlog(struct fixture *f)
{
	return (uint64_t)tb_stat_get(tb_journal_stat_items(f->b->journal), TB_JOURNAL_STAT_BACKLOG);
}

static uint64_t now_us(void)
{
	struct timeval tv;

	osmo_gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}

static struct tb_radio *sim_radio(struct fixture *f, const char *name, const char *scenario)
{
	struct tb_radio *r = tb_radio_alloc(f->b, name);

	assert_non_null(r);
	r->transport = TB_RADIO_SIM;
	r->sim_identity = talloc_strdup(r, "02420001600003001");
	if (scenario)
		r->scenario = talloc_strdup(r, tb_tmpdir_write(f->state_dir, "r.scn", scenario, strlen(scenario)));
	return r;
}

static struct tb_radio *missing_tty_radio(struct fixture *f, const char *name)
{
	struct tb_radio *r = tb_radio_alloc(f->b, name);

	assert_non_null(r);
	r->transport = TB_RADIO_TTY;
	r->tty_path = talloc_asprintf(r, "%s/no-such-tty", f->state_dir);
	return r;
}

static void bridge_new(struct fixture *f)
{
	char endpoint[160];

	f->b = tb_bridge_alloc(f->ctx);
	assert_non_null(f->b);
	osmo_talloc_replace_string(f->b, &f->b->state_dir, f->state_dir);
	snprintf(endpoint, sizeof(endpoint), "ipc://%s/ev", f->state_dir);
	osmo_talloc_replace_string(f->b, &f->b->events_endpoint, endpoint);
	snprintf(endpoint, sizeof(endpoint), "ipc://%s/cmd", f->state_dir);
	osmo_talloc_replace_string(f->b, &f->b->commands_endpoint, endpoint);
}

/* Start, and give the simulated terminals time to answer the init. */
static void bridge_start(struct fixture *f)
{
	char *errmsg = NULL;

	assert_int_equal(tb_bridge_start(f->b, &errmsg), 0);
	tb_fake_time_advance_ms(3000);
}

static Tetrabridge__V1__HealthReport *report(struct fixture *f)
{
	Tetrabridge__V1__HealthReport *hr = tb_health_report(f->b, now_us(), f->ctx);
	char buf[4096];
	size_t len;

	assert_non_null(hr);
	/* It fits the command server's room for a small reply. */
	len = tetrabridge__v1__health_report__get_packed_size(hr);
	assert_true(len < sizeof(buf));
	tetrabridge__v1__health_report__pack(hr, (uint8_t *)buf);
	/* Never health data. */
	for (size_t i = 0; i < hr->n_problems; i++) {
		assert_null(strstr(hr->problems[i]->text, "Nordmann"));
		assert_null(strstr(hr->problems[i]->text, "1001"));
	}
	return hr;
}

/* The report has exactly one problem, of this status and check, whose
 * sentence holds want. */
static void assert_one_problem(const Tetrabridge__V1__HealthReport *hr, int status, const char *check,
			       const char *want)
{
	if (hr->n_problems != 1)
		fail_msg("%zu problems, the first: %s", hr->n_problems,
			 hr->n_problems ? hr->problems[0]->text : "(none)");
	assert_int_equal(hr->status, status);
	assert_int_equal(hr->problems[0]->status, status);
	assert_string_equal(hr->problems[0]->check, check);
	if (!strstr(hr->problems[0]->text, want))
		fail_msg("'%s' not in '%s'", want, hr->problems[0]->text);
}

static void assert_ok(const Tetrabridge__V1__HealthReport *hr)
{
	if (hr->n_problems)
		fail_msg("a problem: %s", hr->problems[0]->text);
	assert_int_equal(hr->status, HS(OK));
}

static void publish_status(struct fixture *f, uint32_t value)
{
	Tetrabridge__V1__Event ev = TETRABRIDGE__V1__EVENT__INIT;
	Tetrabridge__V1__Status st = TETRABRIDGE__V1__STATUS__INIT;
	Tetrabridge__V1__Identity calling = TETRABRIDGE__V1__IDENTITY__INIT;

	calling.type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_SSI;
	calling.ssi = 2002;
	st.calling = &calling;
	st.value = value;
	ev.radio = (char *)"r1";
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_STATUS;
	ev.status = &st;
	assert_true(tb_bridge_publish(f->b, &ev) > 0);
}

static int setup(void **state)
{
	struct fixture *f = talloc_zero(g_root, struct fixture);

	f->ctx = talloc_named_const(f, 0, "case");
	snprintf(f->state_dir, sizeof(f->state_dir), "%s/case%u", g_dir, ++g_case);
	assert_int_equal(mkdir(f->state_dir, 0700), 0);
	osmo_tdefs_reset(tb_callout_tdefs);
	osmo_tdefs_reset(tb_outbox_tdefs);
	bridge_new(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tb_bridge_stop(f->b);
	talloc_free(f);
	return 0;
}

/* ---- radios ------------------------------------------------------------------ */

static void test_all_well(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__HealthReport *hr;

	sim_radio(f, "r1", NULL);
	bridge_start(f);
	hr = report(f);
	assert_ok(hr);
	assert_int_equal(hr->radios_configured, 1);
	assert_int_equal(hr->radios_online, 1);
	assert_true(hr->journal_open);
	assert_int_equal(hr->journal_backlog, 0);
	assert_true(hr->journal_last_seq >= 1);	/* the radio's online event */
	assert_string_equal(tb_health_status_name(hr->status), "OK");
}

/* One of two radios offline: WARNING, naming it and why. */
static void test_radio_offline_warns(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__HealthReport *hr;

	sim_radio(f, "r1", NULL);
	missing_tty_radio(f, "lvs-2");
	bridge_start(f);
	hr = report(f);
	assert_int_equal(hr->radios_configured, 2);
	assert_int_equal(hr->radios_online, 1);
	assert_one_problem(hr, HS(WARNING), "radios", "radio lvs-2 is offline (");
	assert_non_null(strstr(hr->problems[0]->text, "no-such-tty"));
}

/* No radio online at all: CRITICAL. */
static void test_no_radio_online_is_critical(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__HealthReport *hr;

	missing_tty_radio(f, "lvs-2");
	bridge_start(f);
	hr = report(f);
	assert_int_equal(hr->radios_configured, 1);
	assert_int_equal(hr->radios_online, 0);
	assert_one_problem(hr, HS(CRITICAL), "radios", "no radio is online");
}

/* ---- journal ------------------------------------------------------------------ */

/* The disk takes no more (the database may not grow): events wait in
 * memory, CRITICAL; once it takes them again, OK. */
static void test_journal_failing_is_critical(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__HealthReport *hr;
	sqlite3 *db;
	unsigned i;

	sim_radio(f, "r1", NULL);
	bridge_start(f);
	db = tb_journal_db(f->b->journal);
	/* No bigger than it is now (max_page_count never goes below the size). */
	assert_int_equal(sqlite3_exec(db, "PRAGMA max_page_count = 1", NULL, NULL, NULL), SQLITE_OK);
	for (i = 0; i < 200 && !backlog(f); i++)
		publish_status(f, 0x8000 + i);
	assert_true(backlog(f) > 0);
	hr = report(f);
	assert_int_equal(hr->journal_backlog, backlog(f));
	assert_one_problem(hr, HS(CRITICAL), "journal", "the journal cannot write");
	assert_non_null(strstr(hr->problems[0]->text, f->state_dir));

	assert_int_equal(sqlite3_exec(db, "PRAGMA max_page_count = 1000000", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(tb_journal_flush(f->b->journal), 0);
	assert_ok(report(f));
}

/* ---- outgoing ----------------------------------------------------------------- */

static uint64_t send_status(struct fixture *f, struct tb_radio *r, uint32_t deadline_s)
{
	struct tb_out_request req = {
		.kind = TB_OUT_STATUS, .to = { .type = TETRA_ID_SSI, .ssi = 2002 }, .status_value = 0x8001,
		.deadline_s = deadline_s, .client = "test",
	};
	struct tb_out_queued q;
	char *errmsg = NULL;

	assert_int_equal(tb_outbox_submit(r->outbox, f->ctx, &req, &q, &errmsg), CODE(OK));
	return q.message_id;
}

/* The terminal answers busy: the message retries, WARNING; when it is
 * sent at last, OK. */
static void test_retrying_warns(void **state)
{
	struct fixture *f = *state;
	struct tb_radio *r = sim_radio(f, "r1", "busy 3\n");
	Tetrabridge__V1__HealthReport *hr;
	unsigned i;

	bridge_start(f);
	send_status(f, r, 600);
	for (i = 0; i < 100; i++) {
		tb_fake_time_advance_ms(50);
		hr = report(f);
		if (hr->messages_retrying)
			break;
	}
	assert_int_equal(hr->messages_retrying, 1);
	assert_int_equal(hr->messages_waiting, 1);
	assert_one_problem(hr, HS(WARNING), "outgoing", "radio r1: 1 outgoing message retrying");
	/* three busy answers, then taken and sent (retries 0.5 + 1 + 2 s) */
	tb_fake_time_advance_ms(10000);
	hr = report(f);
	assert_int_equal(hr->messages_waiting, 0);
	assert_ok(hr);
}

/* A terminal that stops answering while a message is in flight: past its
 * deadline it is overdue (WARNING) until the queue gives up on it. */
static void test_in_flight_past_deadline_warns(void **state)
{
	struct fixture *f = *state;
	struct tb_radio *r = sim_radio(f, "r1", "wait 4000\nsilent\n");
	Tetrabridge__V1__HealthReport *hr = NULL;
	bool overdue_seen = false;
	unsigned i;

	bridge_start(f);			/* 3 s: online, still answering */
	tb_fake_time_advance_ms(1500);		/* silent now */
	assert_true(tb_radio_link_is_up(r->link));
	send_status(f, r, 1);
	for (i = 0; i < 100 && !overdue_seen; i++) {
		tb_fake_time_advance_ms(100);
		hr = report(f);
		overdue_seen = hr->messages_overdue == 1;
	}
	assert_true(overdue_seen);
	assert_int_equal(hr->status, HS(WARNING));
	assert_string_equal(hr->problems[0]->check, "outgoing");
	assert_non_null(strstr(hr->problems[0]->text, "past its deadline"));
	/* The AT timeout ends the attempt; past the deadline it fails. */
	tb_fake_time_advance_ms(10000);
	hr = report(f);
	assert_int_equal(hr->messages_waiting, 0);
	assert_int_equal(hr->messages_overdue, 0);
}

/* ---- call-outs ----------------------------------------------------------------- */

static struct tb_callout *create_callout(struct fixture *f)
{
	struct tetra_identity who = { .type = TETRA_ID_SSI, .ssi = SECRET_SSI };
	struct tb_callout_new req = {
		.radio = "r1", .severity = 1, .text = SECRET_TEXT, .n_responders = 1, .responders = &who,
	};
	struct tb_callout *co = NULL;
	char *errmsg = NULL;

	assert_int_equal(tb_callout_create(f->b->callouts, &req, &g_dispatcher, &co, f->ctx, &errmsg), CODE(OK));
	assert_non_null(co);
	return co;
}

/* Nobody answers: after the deadline the escalation alarm (no plan),
 * CRITICAL until acknowledged; later nobody is on scene within the target:
 * overdue, WARNING; closed: OK. */
static void test_callout_alarm_and_overdue(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__HealthReport *hr;
	struct tb_callout *co;
	char *errmsg = NULL;
	uint64_t id;

	sim_radio(f, "r1", NULL);
	f->b->callout_cfg->realerts = 0;
	bridge_start(f);
	co = create_callout(f);
	id = co->id;
	hr = report(f);
	assert_ok(hr);
	assert_int_equal(hr->callouts_open, 1);

	tb_fake_time_advance_ms(125000);	/* the answer deadline (X20, 120 s) */
	assert_true(co->alarm);
	hr = report(f);
	assert_int_equal(hr->callouts_alarms, 1);
	assert_one_problem(hr, HS(CRITICAL), "callouts", "escalation alarm is on and not acknowledged");
	assert_non_null(strstr(hr->problems[0]->text, "call-out "));
	assert_non_null(strstr(hr->problems[0]->text, "via r1"));

	assert_int_equal(tb_callout_ack(f->b->callouts, id, "seen", &g_dispatcher, &co, f->ctx, &errmsg), CODE(OK));
	hr = report(f);
	assert_int_equal(hr->callouts_alarms, 0);
	assert_ok(hr);

	tb_fake_time_advance_ms(1100000);	/* past the on-scene target (X21, 1200 s) */
	hr = report(f);
	assert_int_equal(hr->callouts_overdue, 1);
	assert_one_problem(hr, HS(WARNING), "callouts", "is overdue: nobody on scene within its target");

	assert_int_equal(tb_callout_close(f->b->callouts, id, TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_NOT_NEEDED,
					  "test", &g_dispatcher, &co, f->ctx, &errmsg), CODE(OK));
	assert_ok(report(f));
}

/* Worst first, and at most TB_HEALTH_MAX_PROBLEMS: the rest counted, a
 * CRITICAL never left out for a WARNING. */
static void test_worst_first_and_bounded(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__HealthReport *hr;
	char name[32];
	sqlite3 *db;
	unsigned i;

	sim_radio(f, "r1", NULL);
	for (i = 0; i < TB_HEALTH_MAX_PROBLEMS + 4; i++) {
		snprintf(name, sizeof(name), "off-%u", i);
		missing_tty_radio(f, name);
	}
	bridge_start(f);
	db = tb_journal_db(f->b->journal);
	assert_int_equal(sqlite3_exec(db, "PRAGMA max_page_count = 1", NULL, NULL, NULL), SQLITE_OK);
	for (i = 0; i < 200 && !backlog(f); i++)
		publish_status(f, 0x8000 + i);
	hr = report(f);
	assert_int_equal(hr->status, HS(CRITICAL));
	assert_int_equal(hr->n_problems, TB_HEALTH_MAX_PROBLEMS);
	assert_int_equal(hr->problems_left_out, 5);	/* 20 radios + the journal - 16 */
	assert_string_equal(hr->problems[0]->check, "journal");
	for (i = 1; i < hr->n_problems; i++)
		assert_int_equal(hr->problems[i]->status, HS(WARNING));
	assert_int_equal(sqlite3_exec(db, "PRAGMA max_page_count = 1000000", NULL, NULL, NULL), SQLITE_OK);
}

static int group_setup(void **state)
{
	g_root = tb_test_group_start("test_health", g_dir, sizeof(g_dir));
	return g_root ? 0 : -1;
}

static int group_teardown(void **state)
{
	return tb_test_group_end(g_root, g_dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_all_well, setup, teardown),
		cmocka_unit_test_setup_teardown(test_radio_offline_warns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_radio_online_is_critical, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_failing_is_critical, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retrying_warns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_flight_past_deadline_warns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callout_alarm_and_overdue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_worst_first_and_bounded, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
