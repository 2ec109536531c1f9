/* bridge/callout_report.c: one report row per call-out from its snapshot
 * and history, built here as protos (the shapes the store keeps).
 *
 * The call-out's times are the first responder's to reach each step, a
 * responder's its own; a skipped step counts at the later step's time;
 * sent and delivered only from radio reports; flags test, cancelled early
 * (not after an accept), manual (set by hand or override; not a cancel by
 * a dispatcher); pseudonyms unless names; the text and notes never in a
 * row; the local offset from the time zone at the creation.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE	/* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <talloc.h>

#include "bridge/callout_report.h"

#define RS(x) TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_##x
#define KIND(x) TETRABRIDGE__V1__CALLOUT_CHANGE__KIND__##x
#define T0 1700000000000000ull	/* 2023-11-14 22:13:20 UTC */
#define S(x) ((uint64_t)(x) * 1000000u)
#define TEXT "Brystsmerter, Storgata 5"
#define NOTE "Pasienten er 83 år"

static const uint8_t key[TB_PSEUDONYM_KEY_LEN] = { 1, 2, 3 };

struct fixture {
	void *ctx;
	Tetrabridge__V1__Callout co;
	Tetrabridge__V1__Responder *r[8];
	unsigned n;
	struct tb_callout_report_params p;
	struct tb_callout_report_build *b;
};

static Tetrabridge__V1__Identity *identity(void *ctx, uint32_t ssi, const char *name)
{
	Tetrabridge__V1__Identity *id = talloc_zero(ctx, Tetrabridge__V1__Identity);

	tetrabridge__v1__identity__init(id);
	id->ssi = ssi;
	id->name = (char *)(name ? name : "");
	return id;
}

static void responder(struct fixture *f, uint32_t ssi, const char *name, Tetrabridge__V1__ResponderState last)
{
	Tetrabridge__V1__Responder *r = talloc_zero(f->ctx, Tetrabridge__V1__Responder);
	static char *notes[] = { NOTE };

	tetrabridge__v1__responder__init(r);
	r->identity = identity(f->ctx, ssi, name);
	r->state = last;
	r->cause = "status 0x8002 på vei";
	r->notes = notes;
	r->n_notes = 1;
	f->r[f->n++] = r;
	f->co.responders = f->r;
	f->co.n_responders = f->n;
}

static int setup(void **state)
{
	struct fixture *f = talloc_zero(NULL, struct fixture);

	f->ctx = f;
	tetrabridge__v1__callout__init(&f->co);
	f->co.id = 42;
	f->co.severity = 1;
	f->co.severity_name = "rød";
	f->co.text = TEXT;
	f->co.radio = "lvs-1";
	f->co.created_us = T0;
	f->co.state = TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_CLOSED;
	f->co.outcome = TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_TREATED_ON_SITE;
	f->p = (struct tb_callout_report_params){ .answer_deadline_s = 120, .on_scene_target_s = 1200, .key = key };
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	talloc_free(*state);
	return 0;
}

static void begin(struct fixture *f)
{
	f->b = tb_callout_report_begin(f->ctx, &f->co, &f->p);
	assert_non_null(f->b);
}

/* One history line: a responder's change at T0 + s seconds (+ us). */
static void change_at(struct fixture *f, uint64_t at_us, Tetrabridge__V1__CalloutChange__Kind kind, uint32_t ssi,
		      Tetrabridge__V1__ResponderState to, const char *by)
{
	Tetrabridge__V1__CalloutChange ch = TETRABRIDGE__V1__CALLOUT_CHANGE__INIT;

	ch.callout_id = f->co.id;
	ch.kind = kind;
	ch.responder = ssi ? identity(f->ctx, ssi, NULL) : NULL;
	ch.new_responder_state = to;
	ch.cause = NOTE;	/* a cause may quote anything: never in a row */
	ch.by = (char *)by;
	tb_callout_report_history(f->b, at_us, &ch);
}

static void change(struct fixture *f, unsigned s, uint32_t ssi, Tetrabridge__V1__ResponderState to)
{
	change_at(f, T0 + S(s), KIND(RESPONDER), ssi, to, "radio");
}

static Tetrabridge__V1__CalloutReportRow *end(struct fixture *f)
{
	Tetrabridge__V1__CalloutReportRow *row = tb_callout_report_end(f->b);
	uint8_t *buf;
	size_t len;

	assert_non_null(row);
	/* health data never in a row, whatever the snapshot and history held */
	len = tetrabridge__v1__callout_report_row__get_packed_size(row);
	buf = talloc_size(f->ctx, len);
	tetrabridge__v1__callout_report_row__pack(row, buf);
	assert_null(memmem(buf, len, "Storgata", 8));
	assert_null(memmem(buf, len, "83 år", 6));
	assert_null(memmem(buf, len, "på vei", 7));
	return row;
}

static void assert_times(const Tetrabridge__V1__CalloutTimes *t, int64_t sent, int64_t delivered, int64_t answer,
			 int64_t accept, int64_t en_route, int64_t on_scene, int64_t done)
{
	assert_non_null(t);
	assert_int_equal(t->sent_s, sent);
	assert_int_equal(t->delivered_s, delivered);
	assert_int_equal(t->first_answer_s, answer);
	assert_int_equal(t->first_accept_s, accept);
	assert_int_equal(t->en_route_s, en_route);
	assert_int_equal(t->on_scene_s, on_scene);
	assert_int_equal(t->done_s, done);
}

/* Two responders: one declines first, the other accepts and goes through
 * to done; the call-out's times are the first to reach each step. */
static void test_whole_callout(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__CalloutReportRow *row;

	responder(f, 1001, "Sykepleier Nord", RS(DONE));
	responder(f, 1002, "Legevakt 2", RS(DECLINED));
	begin(f);
	change(f, 0, 1001, RS(QUEUED));
	change(f, 0, 1002, RS(QUEUED));
	change(f, 3, 1002, RS(SENT));
	change(f, 4, 1001, RS(SENT));
	change(f, 9, 1001, RS(DELIVERED));
	change(f, 15, 1002, RS(DELIVERED));
	change(f, 20, 1002, RS(DECLINED));
	change(f, 45, 1001, RS(READ));
	change(f, 61, 1001, RS(ACCEPTED));
	change(f, 70, 1001, RS(EN_ROUTE));
	change(f, 900, 1001, RS(ON_SCENE));
	change(f, 2400, 1001, RS(HANDED_OVER));
	change(f, 3000, 1001, RS(DONE));
	row = end(f);

	assert_int_equal(row->id, 42);
	assert_int_equal(row->severity, 1);
	assert_string_equal(row->severity_name, "rød");
	assert_int_equal(row->created_us, T0);
	assert_int_equal(row->state, TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_CLOSED);
	assert_int_equal(row->outcome, TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_TREATED_ON_SITE);
	assert_int_equal(row->answer_deadline_s, 120);
	assert_int_equal(row->on_scene_target_s, 1200);
	assert_false(row->test || row->cancelled_early || row->manual || row->escalated);
	assert_times(row->times, 3, 9, 20, 61, 70, 900, 3000);
	assert_int_equal(row->n_responders, 2);
	assert_times(row->responders[0]->times, 4, 9, 61, 61, 70, 900, 3000);
	assert_int_equal(row->responders[0]->state, RS(DONE));
	assert_times(row->responders[1]->times, 3, 15, 20, -1, -1, -1, -1);
	assert_int_equal(row->responders[1]->state, RS(DECLINED));
	assert_false(row->responders[0]->late || row->responders[1]->late);
}

/* Steps skipped on the way count at the later step's time; an answer
 * without reports leaves sent and delivered unknown; seconds round down. */
static void test_skipped_steps(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__CalloutReportRow *row;

	responder(f, 1001, NULL, RS(ON_SCENE));
	responder(f, 1002, NULL, RS(DONE));
	responder(f, 1003, NULL, RS(READ));
	begin(f);
	change_at(f, T0 + S(500) + 999999, KIND(RESPONDER), 1001, RS(ON_SCENE), "radio");
	change(f, 30, 1002, RS(EN_ROUTE));
	change(f, 4000, 1002, RS(DONE));
	change(f, 12, 1003, RS(READ));
	row = end(f);
	assert_times(row->responders[0]->times, -1, -1, 500, 500, 500, 500, -1);
	assert_times(row->responders[1]->times, -1, -1, 30, 30, 30, 4000, 4000);
	assert_times(row->responders[2]->times, 12, 12, -1, -1, -1, -1, -1);
	assert_times(row->times, 12, 12, 30, 30, 30, 500, 4000);
}

/* A later change never moves a step back: the first time counts; a clock
 * before the creation counts as 0. */
static void test_first_time_counts(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__CalloutReportRow *row;

	responder(f, 1001, NULL, RS(ACCEPTED));
	begin(f);
	change_at(f, T0 - S(5), KIND(RESPONDER), 1001, RS(SENT), "radio");
	change(f, 40, 1001, RS(ACCEPTED));
	change(f, 50, 1001, RS(STANDBY));
	change(f, 60, 1001, RS(ACCEPTED));
	/* another call-out's line is not this one's */
	Tetrabridge__V1__CalloutChange other = TETRABRIDGE__V1__CALLOUT_CHANGE__INIT;
	other.callout_id = 43;
	other.kind = KIND(RESPONDER);
	other.responder = identity(f->ctx, 1001, NULL);
	other.new_responder_state = RS(DONE);
	tb_callout_report_history(f->b, T0 + S(70), &other);
	row = end(f);
	assert_times(row->times, 0, -1, 40, 40, -1, -1, -1);
}

static void test_cancelled_early_or_not(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__CalloutReportRow *row;

	f->co.state = TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_CANCELLED;
	f->co.outcome = TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_NONE;
	responder(f, 1001, NULL, RS(CANCELLED));
	responder(f, 1002, NULL, RS(CANCELLED));
	begin(f);
	change(f, 2, 1001, RS(SENT));
	change(f, 20, 1002, RS(DECLINED));
	change_at(f, T0 + S(30), KIND(RESPONDER), 1001, RS(CANCELLED), "dispatcher:amk-1");
	change_at(f, T0 + S(30), KIND(RESPONDER), 1002, RS(CANCELLED), "dispatcher:amk-1");
	row = end(f);
	assert_true(row->cancelled_early);
	/* a cancel by a dispatcher is not a state set by hand */
	assert_false(row->manual);
	assert_times(row->times, 2, -1, 20, -1, -1, -1, -1);

	/* cancelled after somebody accepted: not early */
	begin(f);
	change(f, 40, 1001, RS(ACCEPTED));
	change_at(f, T0 + S(50), KIND(RESPONDER), 1001, RS(CANCELLED), "dispatcher:amk-1");
	row = end(f);
	assert_false(row->cancelled_early);

	/* closed without an accept is not cancelled */
	f->co.state = TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_CLOSED;
	begin(f);
	row = end(f);
	assert_false(row->cancelled_early);
}

static void test_manual_and_test(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__CalloutReportRow *row;

	responder(f, 1001, NULL, RS(ACCEPTED));
	/* by the radio or a timer: not manual */
	begin(f);
	change(f, 40, 1001, RS(ACCEPTED));
	change_at(f, T0 + S(130), KIND(RESPONDER), 1001, RS(NO_ANSWER), "timer");
	assert_false(end(f)->manual);

	/* a state set by hand (SetState's by: role and key name) */
	begin(f);
	change_at(f, T0 + S(40), KIND(RESPONDER), 1001, RS(ACCEPTED), "dispatcher:amk-1");
	row = end(f);
	assert_true(row->manual);
	assert_times(row->times, -1, -1, 40, 40, -1, -1, -1);	/* the times still count */
	/* ... without CURVE the key has no name */
	begin(f);
	change_at(f, T0 + S(40), KIND(RESPONDER), 1001, RS(EN_ROUTE), "admin:");
	assert_true(end(f)->manual);
	/* ... or the snapshot says who set it */
	f->r[0]->set_by = "dispatcher:amk-1";
	begin(f);
	assert_true(end(f)->manual);
	f->r[0]->set_by = "";

	/* created with override */
	f->co.override = true;
	begin(f);
	assert_true(end(f)->manual);
	f->co.override = false;

	f->co.test = true;
	f->co.escalated = true;
	begin(f);
	row = end(f);
	assert_true(row->test);
	assert_true(row->escalated);
	assert_false(row->manual);

	assert_false(tb_callout_by_hand(NULL));
	assert_false(tb_callout_by_hand(""));
	assert_false(tb_callout_by_hand("radio"));
	assert_false(tb_callout_by_hand("timer"));
	assert_true(tb_callout_by_hand("observer:x"));
}

static void test_late_answer(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__CalloutReportRow *row;

	responder(f, 1001, NULL, RS(ACCEPTED));
	responder(f, 1002, NULL, RS(NO_ANSWER));
	begin(f);
	change(f, 3, 1001, RS(SENT));
	change(f, 200, 1001, RS(NO_ANSWER));
	change_at(f, T0 + S(260), KIND(LATE_ANSWER), 1001, RS(ACCEPTED), "radio");
	row = end(f);
	assert_true(row->responders[0]->late);
	assert_false(row->responders[1]->late);
	assert_times(row->responders[0]->times, 3, -1, 260, 260, -1, -1, -1);

	/* the snapshot's flag alone */
	f->r[1]->late = true;
	begin(f);
	assert_true(end(f)->responders[1]->late);
}

static void test_pseudonyms_and_names(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__CalloutReportRow *row;
	char a[TB_PSEUDONYM_BUF], b[TB_PSEUDONYM_BUF];

	responder(f, 1001, "Sykepleier Nord", RS(ACCEPTED));
	responder(f, 1002, NULL, RS(SENT));
	f->r[1]->identity->type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_TSI;
	f->r[1]->identity->mcc = 242;
	f->r[1]->identity->mnc = 1;
	begin(f);
	row = end(f);
	assert_string_equal(row->responders[0]->who, tb_pseudonym(key, 1001, a));
	assert_string_equal(row->responders[1]->who, tb_pseudonym(key, 1002, b));
	assert_string_not_equal(a, b);
	assert_int_equal(strlen(a), 8);
	assert_int_equal(strncmp(a, "R-", 2), 0);
	assert_int_equal(strspn(a + 2, "0123456789abcdef"), 6);
	/* nothing of the name or the number */
	for (size_t i = 0; i < row->n_responders; i++) {
		assert_null(strstr(row->responders[i]->who, "Nord"));
	}

	f->p.names = true;
	f->p.key = NULL;
	begin(f);
	row = end(f);
	assert_string_equal(row->responders[0]->who, "Sykepleier Nord (1001)");
	assert_string_equal(row->responders[1]->who, "02420000100001002");
}

/* A responder that only the history names (joined from a group, say)
 * still gets its row; one named twice in the snapshot gets one row. */
static void test_history_only_responder(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__CalloutReportRow *row;

	responder(f, 1001, NULL, RS(SENT));
	responder(f, 1001, NULL, RS(SENT));
	begin(f);
	change(f, 30, 2001, RS(ACCEPTED));
	row = end(f);
	assert_int_equal(row->n_responders, 2);
	assert_int_equal(row->responders[1]->state, RS(ACCEPTED));
	assert_times(row->times, -1, -1, 30, 30, -1, -1, -1);
	/* changes of the call-out itself (no responder) change no responder */
	begin(f);
	change_at(f, T0 + S(5), KIND(STATE), 0, RS(DONE), "radio");
	change_at(f, T0 + S(5), KIND(CREATED), 1001, RS(DONE), "dispatcher:a");
	row = end(f);
	assert_times(row->times, -1, -1, -1, -1, -1, -1, -1);
}

/* The severity name is the config's now when given, else the snapshot's. */
static void test_severity_name(void **state)
{
	struct fixture *f = *state;

	f->p.severity_name = "akutt";
	begin(f);
	assert_string_equal(end(f)->severity_name, "akutt");
	f->p.severity_name = "";
	begin(f);
	assert_string_equal(end(f)->severity_name, "rød");
	f->co.severity_name = NULL;
	begin(f);
	assert_string_equal(end(f)->severity_name, "");
}

/* The offset of the local zone at the creation: winter and summer time. */
static void test_utc_offset(void **state)
{
	struct fixture *f = *state;
	char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;

	setenv("TZ", "Europe/Oslo", 1);
	tzset();
	assert_int_equal(tb_callout_utc_offset(T0), 3600);		/* November */
	assert_int_equal(tb_callout_utc_offset(1688000000000000ull), 7200);	/* June */
	begin(f);
	assert_int_equal(end(f)->utc_offset_s, 3600);
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(tb_callout_utc_offset(T0), 0);
	if (old)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(old);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_whole_callout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_skipped_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_time_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancelled_early_or_not, setup, teardown),
		cmocka_unit_test_setup_teardown(test_manual_and_test, setup, teardown),
		cmocka_unit_test_setup_teardown(test_late_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pseudonyms_and_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_only_responder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_severity_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_utc_offset, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
