/* The call-out tracker (bridge/callout*.c, bridge/responder_fsm.c) on a real
 * bridge: a simulated radio, the real outgoing queue and journal (SQLite in
 * a temporary directory), fake time for every timer.
 *
 * Inputs from the radios are published events, as the bridge sees them:
 * the test publishes a responder's status, text or position through
 * tb_bridge_publish() exactly as a radio would, and the outgoing steps of
 * an alert come from the real queue (the simulated terminal takes and sends
 * every SDS) or, for reports the simulated terminal does not give, as the
 * Outgoing event the queue would publish.
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
#include <osmocom/core/fsm.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/tdef.h>

#include "bridge/bridge.h"
#include "bridge/callout.h"
#include "bridge/callout_config.h"
#include "bridge/callout_int.h"
#include "bridge/journal.h"
#include "bridge/radio.h"
#include "bridge/roster.h"
#include "common/counters.h"
#include "common/logging.h"
#include "radio-drivers/radio_link.h"
#include "tests/lib/fake_time.h"
#include "tests/lib/group.h"
#include "tests/lib/log_capture.h"

#define ST(x) TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_##x
#define CST(x) TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_##x
#define KIND(x) TETRABRIDGE__V1__CALLOUT_CHANGE__KIND__##x
#define CODE(x) TETRABRIDGE__V1__REPLY__CODE__##x
#define MEANING(x) TETRABRIDGE__V1__ANSWER_MEANING__MEANING_##x

/* Health data the log must never show at INFO or above. */
#define SECRET_TEXT "Pasient Kari Nordmann brystsmerter"

static void *g_root;
static char g_dir[64];
static unsigned g_case;

struct fixture {
	void *ctx;
	char state_dir[128];
	struct tb_bridge *b;
	struct tb_callout_tracker *t;
};

static const struct tb_callout_who g_dispatcher = { .name = "amk-1", .role = "dispatcher" };

static struct tetra_identity ssi(uint32_t n)
{
	struct tetra_identity id = { .type = TETRA_ID_SSI, .ssi = n };

	return id;
}

static void roster_setup(struct tb_bridge *b)
{
	struct tb_roster *r = b->roster;
	struct tetra_identity g = ssi(9001), m1 = ssi(1001), m2 = ssi(1002);

	assert_int_equal(tb_roster_set_party(r, &m1, false, "Sykepleier Nord", 0), 0);
	assert_int_equal(tb_roster_set_party(r, &m2, false, "Sykepleier Sør", 0), 0);
	assert_int_equal(tb_roster_set_party(r, &g, true, "Hjemmesykepleien", 0), 0);
	assert_int_equal(tb_roster_add_member(r, &g, &m1), 0);
	assert_int_equal(tb_roster_add_member(r, &g, &m2), 0);
	assert_int_equal(tb_roster_set_status(r, 0x8000, "kommer", MEANING(ACCEPT), 0), 0);
	assert_int_equal(tb_roster_set_status(r, 0x8001, "kan ikke", MEANING(DECLINE), 0), 0);
	assert_int_equal(tb_roster_set_status(r, 0x8002, "på vei", MEANING(EN_ROUTE), 0), 0);
	assert_int_equal(tb_roster_set_status(r, 0x8003, "fremme", MEANING(ON_SCENE), 0), 0);
	assert_int_equal(tb_roster_set_status(r, 0x8004, "overlevert", MEANING(HANDED_OVER), 0), 0);
	assert_int_equal(tb_roster_set_status(r, 0x8005, "ferdig", MEANING(DONE), 0), 0);
	assert_int_equal(tb_roster_set_status(r, 0x8006, "auto", MEANING(AUTO_ACK), 0), 0);
	assert_int_equal(tb_roster_set_answer(r, false, "ja", MEANING(ACCEPT), 0, NULL, 0), 0);
}

/* A bridge with one simulated radio "r1", online. */
static void start(struct fixture *f)
{
	struct tb_radio *r;
	char endpoint[160], *errmsg = NULL;

	f->b = tb_bridge_alloc(f->ctx);
	assert_non_null(f->b);
	osmo_talloc_replace_string(f->b, &f->b->state_dir, f->state_dir);
	snprintf(endpoint, sizeof(endpoint), "ipc://%s/ev", f->state_dir);
	osmo_talloc_replace_string(f->b, &f->b->events_endpoint, endpoint);
	snprintf(endpoint, sizeof(endpoint), "ipc://%s/cmd", f->state_dir);
	osmo_talloc_replace_string(f->b, &f->b->commands_endpoint, endpoint);
	r = tb_radio_alloc(f->b, "r1");
	assert_non_null(r);
	r->transport = TB_RADIO_SIM;
	r->sim_identity = talloc_strdup(r, "02420001600003001");
	roster_setup(f->b);
	assert_int_equal(tb_bridge_start(f->b, &errmsg), 0);
	f->t = f->b->callouts;
	assert_non_null(f->t);
	/* The simulated terminal answers the init within a second. */
	for (int i = 0; i < 50 && !tb_radio_link_is_up(r->link); i++)
		tb_fake_time_advance_ms(100);
	assert_true(tb_radio_link_is_up(r->link));
}

static void stop(struct fixture *f)
{
	tb_bridge_stop(f->b);
	talloc_free(f->b);
	f->b = NULL;
	f->t = NULL;
}

static int setup(void **state)
{
	struct fixture *f = talloc_zero(g_root, struct fixture);

	f->ctx = talloc_named_const(f, 0, "case");
	snprintf(f->state_dir, sizeof(f->state_dir), "%s/case%u", g_dir, ++g_case);
	osmo_tdefs_reset(tb_callout_tdefs);
	start(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->b)
		stop(f);
	talloc_free(f);
	return 0;
}

static struct tb_callout *create(struct fixture *f, unsigned n, const uint32_t *ssis, unsigned required,
				 const char *plan)
{
	struct tetra_identity ids[8];
	struct tb_callout_new req = {
		.radio = "r1", .severity = 1, .text = SECRET_TEXT, .n_responders = n, .responders = ids,
		.required = required, .plan = plan,
	};
	struct tb_callout *co = NULL;
	char *errmsg = NULL;

	for (unsigned i = 0; i < n; i++)
		ids[i] = ssi(ssis[i]);
	assert_int_equal(tb_callout_create(f->t, &req, &g_dispatcher, &co, f->ctx, &errmsg), CODE(OK));
	assert_non_null(co);
	return co;
}

static struct tb_responder *responder(struct tb_callout *co, uint32_t n)
{
	struct tb_responder *r;

	llist_for_each_entry(r, &co->responders, entry)
		if (r->id.ssi == n)
			return r;
	fail_msg("responder %u is not in call-out %lu", n, (unsigned long)co->id);
	return NULL;
}

static tb_rstate rstate(struct tb_callout *co, uint32_t n)
{
	return responder(co, n)->fi->state;
}

/* A status from a responder, published as the radio would. */
static void status_from(struct fixture *f, uint32_t from, uint16_t value)
{
	Tetrabridge__V1__Event ev = TETRABRIDGE__V1__EVENT__INIT;
	Tetrabridge__V1__Status st = TETRABRIDGE__V1__STATUS__INIT;
	Tetrabridge__V1__Identity calling = TETRABRIDGE__V1__IDENTITY__INIT;

	calling.type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_SSI;
	calling.ssi = from;
	st.calling = &calling;
	st.value = value;
	ev.radio = (char *)"r1";
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_STATUS;
	ev.status = &st;
	assert_true(tb_bridge_publish(f->b, &ev) > 0);
}

static void text_from(struct fixture *f, uint32_t from, const char *text)
{
	Tetrabridge__V1__Event ev = TETRABRIDGE__V1__EVENT__INIT;
	Tetrabridge__V1__Text tx = TETRABRIDGE__V1__TEXT__INIT;
	Tetrabridge__V1__Identity calling = TETRABRIDGE__V1__IDENTITY__INIT;

	calling.type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_SSI;
	calling.ssi = from;
	tx.calling = &calling;
	tx.text = (char *)text;
	ev.radio = (char *)"r1";
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_TEXT;
	ev.text = &tx;
	assert_true(tb_bridge_publish(f->b, &ev) > 0);
}

static void position_from(struct fixture *f, uint32_t from, double lat, double lon)
{
	Tetrabridge__V1__Event ev = TETRABRIDGE__V1__EVENT__INIT;
	Tetrabridge__V1__Location l = TETRABRIDGE__V1__LOCATION__INIT;
	Tetrabridge__V1__Identity calling = TETRABRIDGE__V1__IDENTITY__INIT;

	calling.type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_SSI;
	calling.ssi = from;
	l.calling = &calling;
	l.has_position = true;
	l.latitude = lat;
	l.longitude = lon;
	ev.radio = (char *)"r1";
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_LOCATION;
	ev.location = &l;
	assert_true(tb_bridge_publish(f->b, &ev) > 0);
}

/* An outgoing step of the responder's alert (a report the simulated
 * terminal does not give), as the queue publishes it. */
static void outgoing(struct fixture *f, struct tb_responder *r, Tetrabridge__V1__Outgoing__State state,
		     const char *reason)
{
	Tetrabridge__V1__Event ev = TETRABRIDGE__V1__EVENT__INIT;
	Tetrabridge__V1__Outgoing o = TETRABRIDGE__V1__OUTGOING__INIT;

	assert_true(r->message_id > 0);
	o.message_id = r->message_id;
	o.state = state;
	o.reason = (char *)(reason ? reason : "");
	ev.radio = (char *)"r1";
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_OUTGOING;
	ev.outgoing = &o;
	assert_true(tb_bridge_publish(f->b, &ev) > 0);
}

/* ---- the kinds of CalloutChange events in the journal ------------------- */

struct kinds {
	uint64_t callout_id;
	unsigned n;
	int kind[256];
	int old_rs[256], new_rs[256];
	bool late[256];
};

static int kind_row(uint64_t seq, const uint8_t *body, size_t len, void *data)
{
	struct kinds *k = data;
	Tetrabridge__V1__Event *ev = tetrabridge__v1__event__unpack(NULL, len, body);

	assert_non_null(ev);
	if (ev->body_case == TETRABRIDGE__V1__EVENT__BODY_CALLOUT && ev->callout->callout_id == k->callout_id &&
	    k->n < 256) {
		k->kind[k->n] = ev->callout->kind;
		k->old_rs[k->n] = ev->callout->old_responder_state;
		k->new_rs[k->n] = ev->callout->new_responder_state;
		k->n++;
	}
	tetrabridge__v1__event__free_unpacked(ev, NULL);
	return 0;
}

static unsigned count_kind(struct fixture *f, uint64_t id, int kind)
{
	struct kinds k = { .callout_id = id };
	unsigned n = 0;

	assert_true(tb_journal_read(f->b->journal, 1, 100000, SIZE_MAX, kind_row, &k) >= 0);
	for (unsigned i = 0; i < k.n; i++)
		n += k.kind[i] == kind;
	return n;
}

/* ---- whole call-outs ------------------------------------------------------ */

/* Alert, sent, delivered, read, accepted (staffed), en route with a
 * position, on scene, handed over, done; closed. */
static void test_whole_callout(void **state)
{
	struct fixture *f = *state;
	const uint32_t who[] = { 1001 };
	struct tb_callout *co = create(f, 1, who, 1, NULL);
	struct tb_responder *r = responder(co, 1001);
	char *errmsg = NULL;

	assert_int_equal(co->fi->state, CST(OPEN));
	assert_int_equal(r->alerts, 1);
	assert_true(r->message_id > 0);
	/* The simulated terminal takes the alert and sends it. */
	tb_fake_time_advance_ms(500);
	assert_int_equal(rstate(co, 1001), ST(SENT));
	outgoing(f, r, TETRABRIDGE__V1__OUTGOING__STATE__DELIVERED, NULL);
	assert_int_equal(rstate(co, 1001), ST(DELIVERED));
	outgoing(f, r, TETRABRIDGE__V1__OUTGOING__STATE__CONSUMED, NULL);
	assert_int_equal(rstate(co, 1001), ST(READ));
	status_from(f, 1001, 0x8000);
	assert_int_equal(rstate(co, 1001), ST(ACCEPTED));
	assert_int_equal(co->fi->state, CST(STAFFED));
	status_from(f, 1001, 0x8002);
	assert_int_equal(rstate(co, 1001), ST(EN_ROUTE));
	position_from(f, 1001, 59.91, 10.75);
	assert_true(r->has_position);
	assert_true(r->lat > 59.9 && r->lat < 59.92);
	status_from(f, 1001, 0x8003);
	assert_int_equal(rstate(co, 1001), ST(ON_SCENE));
	assert_int_equal(co->fi->state, CST(ON_SCENE));
	status_from(f, 1001, 0x8004);
	assert_int_equal(rstate(co, 1001), ST(HANDED_OVER));
	status_from(f, 1001, 0x8005);
	assert_int_equal(rstate(co, 1001), ST(DONE));
	assert_int_equal(tb_callout_close(f->t, co->id, TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_TREATED_ON_SITE,
					  NULL, &g_dispatcher, &co, f->ctx, &errmsg), CODE(OK));
	assert_int_equal(co->fi->state, CST(CLOSED));
	assert_int_equal(count_kind(f, co->id, KIND(CREATED)), 1);
	assert_int_equal(count_kind(f, co->id, KIND(POSITION)), 1);
	/* sent, delivered, read, accepted, en route, on scene, handed over, done */
	assert_int_equal(count_kind(f, co->id, KIND(RESPONDER)), 8);
	/* staffed, on scene, closed */
	assert_int_equal(count_kind(f, co->id, KIND(STATE)), 3);
	/* closing a closed one says so */
	assert_int_equal(tb_callout_close(f->t, co->id, TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_NOT_NEEDED,
					  NULL, &g_dispatcher, &co, f->ctx, &errmsg), CODE(CONFLICT));
}

/* A call-out's own first answer deadline (deadline_s) replaces the
 * severity's; without one the severity's (X20 here) holds. */
static void test_own_answer_deadline(void **state)
{
	struct fixture *f = *state;
	struct tetra_identity id = ssi(1001), id2 = ssi(1002);
	struct tb_callout_new req = {
		.radio = "r1", .severity = 1, .text = SECRET_TEXT, .n_responders = 1, .responders = &id,
		.deadline_s = 45,
	};
	struct tb_callout *co = NULL, *plain;
	char *errmsg = NULL;

	assert_int_equal(tb_callout_create(f->t, &req, &g_dispatcher, &co, f->ctx, &errmsg), CODE(OK));
	assert_int_equal(co->answer_deadline_us - co->created_us, 45 * 1000000ull);
	req.deadline_s = 0;
	req.responders = &id2;
	assert_int_equal(tb_callout_create(f->t, &req, &g_dispatcher, &plain, f->ctx, &errmsg), CODE(OK));
	assert_int_equal(plain->answer_deadline_us - plain->created_us,
			 (uint64_t)tb_severity_deadline_s(tb_callout_cfg(f->t), 1) * 1000000ull);
	assert_true(tb_severity_deadline_s(tb_callout_cfg(f->t), 1) != 45);
}

/* No answer: re-alerted every X23 (2 times by default), then no answer;
 * at the deadline the plan's next level is alerted; after it the alarm
 * stays on until acknowledged. */
/* The tracker's stat items (what statsd gets; tb_callout_stats() counts
 * the same from the board). */
#define GAUGE(f, g) tb_stat_get((f)->t->stats, TB_CALLOUT_STAT_##g)

static void test_no_answer_escalates(void **state)
{
	struct fixture *f = *state;
	struct tb_callout_config *cfg = f->b->callout_cfg;
	struct tb_plan *plan = talloc_zero(cfg, struct tb_plan);
	const uint32_t who[] = { 1001 };
	struct tb_callout *co;
	char *errmsg = NULL;

	plan->name = talloc_strdup(plan, "red");
	plan->n_levels = 1;
	plan->levels[0].deadline_s = 60;
	plan->levels[0].n_responders = 1;
	plan->levels[0].responders[0] = ssi(1002);
	llist_add_tail(&plan->entry, &cfg->plans);
	co = create(f, 1, who, 1, "red");

	tb_fake_time_advance_ms(39000);
	assert_int_equal(responder(co, 1001)->alerts, 1);
	tb_fake_time_advance_ms(2000);		/* 41 s */
	assert_int_equal(responder(co, 1001)->alerts, 2);
	tb_fake_time_advance_ms(40000);		/* 81 s */
	assert_int_equal(responder(co, 1001)->alerts, 3);
	assert_int_equal(count_kind(f, co->id, KIND(REALERT)), 2);
	assert_false(co->escalated);
	tb_fake_time_advance_ms(40000);		/* 121 s: no answer, and the deadline */
	assert_int_equal(rstate(co, 1001), ST(NO_ANSWER));
	assert_true(co->escalated);
	assert_int_equal(co->level, 1);
	assert_int_equal(responder(co, 1002)->level, 1);
	assert_int_equal(responder(co, 1002)->alerts, 1);
	assert_false(co->alarm);
	assert_int_equal(GAUGE(f, OPEN), 1);
	assert_int_equal(GAUGE(f, ESCALATED), 1);
	assert_int_equal(GAUGE(f, ALARMS), 0);
	tb_fake_time_advance_ms(61000);		/* level 1's 60 s */
	assert_true(co->alarm);
	assert_int_equal(GAUGE(f, ALARMS), 1);
	assert_int_equal(count_kind(f, co->id, KIND(ALARM)), 1);
	assert_int_equal(tb_callout_ack(f->t, co->id, "ringt legevakten", &g_dispatcher, &co, f->ctx, &errmsg),
			 CODE(OK));
	assert_false(co->alarm);
	assert_int_equal(GAUGE(f, ALARMS), 0);
	assert_int_equal(tb_callout_ack(f->t, co->id, NULL, &g_dispatcher, &co, f->ctx, &errmsg), CODE(CONFLICT));
	/* A late answer is taken and flagged. */
	status_from(f, 1001, 0x8000);
	assert_int_equal(rstate(co, 1001), ST(ACCEPTED));
	assert_true(responder(co, 1001)->late);
	assert_int_equal(count_kind(f, co->id, KIND(LATE_ANSWER)), 1);
	assert_int_equal(co->fi->state, CST(STAFFED));
	/* the one not needed any more is stood down */
	assert_int_equal(rstate(co, 1002), ST(STOOD_DOWN));
}

/* Everyone declines before the deadline: escalation at once (no plan: the
 * alarm). */
static void test_all_decline(void **state)
{
	struct fixture *f = *state;
	const uint32_t who[] = { 1001, 1002 };
	struct tb_callout *co = create(f, 2, who, 1, NULL);

	status_from(f, 1001, 0x8001);
	assert_int_equal(rstate(co, 1001), ST(DECLINED));
	assert_false(co->alarm);
	status_from(f, 1002, 0x8001);
	assert_true(co->alarm);
	assert_int_equal(co->fi->state, CST(OPEN));
	/* nobody who declined is alerted again by a timer */
	tb_fake_time_advance_ms(200000);
	assert_int_equal(responder(co, 1001)->alerts, 1);
}

/* A failed send escalates at once. */
static void test_failed_send_escalates(void **state)
{
	struct fixture *f = *state;
	const uint32_t who[] = { 1001 };
	struct tb_callout *co = create(f, 1, who, 1, NULL);

	outgoing(f, responder(co, 1001), TETRABRIDGE__V1__OUTGOING__STATE__FAILED, "destination not reachable");
	assert_int_equal(rstate(co, 1001), ST(FAILED));
	assert_true(co->alarm);
}

/* A duplicate answer is refused and published as IGNORED; an answer that
 * fits no open call-out is UNMATCHED; the terminal's own timer is no
 * accept. */
static void test_duplicate_unmatched_auto_ack(void **state)
{
	struct fixture *f = *state;
	const uint32_t who[] = { 1001 };
	struct tb_callout *co = create(f, 1, who, 1, NULL);

	status_from(f, 1001, 0x8006);
	assert_int_equal(rstate(co, 1001), ST(QUEUED));
	assert_false(tb_rstate_accepted(rstate(co, 1001)));
	assert_int_equal(count_kind(f, co->id, KIND(IGNORED)), 1);
	status_from(f, 1001, 0x8000);
	status_from(f, 1001, 0x8000);
	assert_int_equal(rstate(co, 1001), ST(ACCEPTED));
	assert_int_equal(count_kind(f, co->id, KIND(IGNORED)), 2);
	/* 4711 is in no call-out */
	status_from(f, 4711, 0x8000);
	assert_int_equal(count_kind(f, 0, KIND(UNMATCHED)), 1);
	assert_int_equal(tb_ctr_get(f->t->ctrs, TB_CALLOUT_CTR_UNMATCHED), 1);
	/* an ordinary text from a responder is a note */
	text_from(f, 1001, "bilen står fast");
	assert_int_equal(responder(co, 1001)->n_notes, 1);
	/* an answer text */
	text_from(f, 4711, "ja");
	assert_int_equal(count_kind(f, 0, KIND(UNMATCHED)), 2);
}

/* A member of an alerted group joins with its answer. */
static void test_group_member_joins(void **state)
{
	struct fixture *f = *state;
	const uint32_t who[] = { 9001 };
	struct tb_callout *co = create(f, 1, who, 1, NULL);

	assert_true(responder(co, 9001)->is_group);
	status_from(f, 1002, 0x8000);
	assert_int_equal(rstate(co, 1002), ST(ACCEPTED));
	assert_true(responder(co, 1002)->via_group);
	assert_int_equal(co->fi->state, CST(STAFFED));
	/* the group itself is stood down: enough accepted */
	assert_int_equal(rstate(co, 9001), ST(STOOD_DOWN));
}

/* A responder accepted in one call-out is refused in another, unless
 * override. */
static void test_busy_elsewhere(void **state)
{
	struct fixture *f = *state;
	const uint32_t who[] = { 1001 };
	struct tetra_identity id = ssi(1001);
	struct tb_callout_new req = {
		.radio = "r1", .severity = 2, .text = "x", .n_responders = 1, .responders = &id,
	};
	struct tb_callout *co = create(f, 1, who, 1, NULL), *co2 = NULL;
	char *errmsg = NULL;

	status_from(f, 1001, 0x8000);
	assert_int_equal(tb_callout_create(f->t, &req, &g_dispatcher, &co2, f->ctx, &errmsg), CODE(CONFLICT));
	assert_non_null(strstr(errmsg, "override"));
	req.override = true;
	assert_int_equal(tb_callout_create(f->t, &req, &g_dispatcher, &co2, f->ctx, &errmsg), CODE(OK));
	assert_true(co2->override);
	/* the answer goes to the call-out whose state takes it */
	status_from(f, 1001, 0x8002);
	assert_int_equal(rstate(co, 1001), ST(EN_ROUTE));
	assert_int_equal(rstate(co2, 1001), ST(QUEUED));
}

/* A restart mid call-out resumes with the time that was left; a deadline
 * that passed while the daemon was down fires at once. */
static void test_restart_resumes(void **state)
{
	struct fixture *f = *state;
	const uint32_t who[] = { 1001, 1002 };
	struct tb_callout *co = create(f, 2, who, 1, NULL);
	uint64_t id = co->id;

	status_from(f, 1002, 0x8001);
	tb_fake_time_advance_ms(30000);		/* 10 s before the first re-alert */
	stop(f);
	start(f);				/* about 1 s for the radio to come up */
	co = tb_callout_find(f->t, id);
	assert_non_null(co);
	assert_int_equal(rstate(co, 1002), ST(DECLINED));
	assert_int_equal(responder(co, 1001)->alerts, 1);
	tb_fake_time_advance_ms(10000);
	assert_int_equal(responder(co, 1001)->alerts, 2);
	/* Down past the answer deadline: it fires at once after the start. */
	stop(f);
	tb_fake_time_advance_ms(200000);
	start(f);
	co = tb_callout_find(f->t, id);
	assert_non_null(co);
	/* the re-alert that was due went out at once, and the answer
	 * deadline (120 s) had passed: no plan, so the alarm */
	assert_int_equal(responder(co, 1001)->alerts, 3);
	assert_true(co->alarm);
	tb_fake_time_advance_ms(40000);
	assert_int_equal(rstate(co, 1001), ST(NO_ANSWER));
}

/* Call-out ids are never given twice, also after a restart. */
static void test_ids_not_reused(void **state)
{
	struct fixture *f = *state;
	const uint32_t who[] = { 1001 };
	struct tb_callout *co = create(f, 1, who, 1, NULL);
	uint64_t first = co->id;
	char *errmsg = NULL;

	assert_int_equal(tb_callout_cancel(f->t, first, "feil", &g_dispatcher, &co, f->ctx, &errmsg), CODE(OK));
	assert_int_equal(rstate(co, 1001), ST(CANCELLED));
	stop(f);
	start(f);
	co = create(f, 1, who, 1, NULL);
	assert_true(co->id > first);
}

/* The call-out text and identities never appear in the log at INFO or
 * above, whatever happens. */
static void test_privacy(void **state)
{
	struct fixture *f = *state;
	const uint32_t who[] = { 1001, 1002 };
	struct tb_callout *co;
	struct log_target *tgt = tb_log_capture_start(LOGL_INFO);

	log_set_category_filter(tgt, DCALLOUT, 1, LOGL_INFO);
	log_set_category_filter(tgt, DSDS, 1, LOGL_INFO);
	log_set_category_filter(tgt, DMAIN, 1, LOGL_INFO);
	co = create(f, 2, who, 1, NULL);
	status_from(f, 1001, 0x8000);
	text_from(f, 1002, SECRET_TEXT);
	tb_fake_time_advance_ms(200000);
	tb_assert_not_logged(SECRET_TEXT);
	tb_assert_not_logged("1001");
	tb_assert_not_logged("1002");
	tb_assert_not_logged("Sykepleier");
	assert_true(tb_log_capture_count("call-out") > 0);
	log_target_destroy(tgt);
	(void)co;
}

/* ---- the responder's table, every state against every event ------------- */

/* What the issue asks of each state, written here apart from the code's
 * table: the events each state takes. */
static const char *const takes[] = {
	[ST(QUEUED)] = "SENT DELIVERED READ FAILED ACCEPT STANDBY DECLINE EN_ROUTE ON_SCENE HANDED_OVER DONE "
		       "REALERT CANCEL STAND_DOWN SET",
	[ST(SENT)] = "DELIVERED READ FAILED ACCEPT STANDBY DECLINE EN_ROUTE ON_SCENE HANDED_OVER DONE REALERT CANCEL "
		     "STAND_DOWN SET",
	[ST(DELIVERED)] = "READ ACCEPT STANDBY DECLINE EN_ROUTE ON_SCENE HANDED_OVER DONE REALERT CANCEL STAND_DOWN SET",
	[ST(READ)] = "ACCEPT STANDBY DECLINE EN_ROUTE ON_SCENE HANDED_OVER DONE REALERT CANCEL STAND_DOWN SET",
	[ST(ACCEPTED)] = "DECLINE EN_ROUTE ON_SCENE HANDED_OVER DONE CANCEL STAND_DOWN SET",
	[ST(STANDBY)] = "ACCEPT DECLINE EN_ROUTE ON_SCENE REALERT CANCEL STAND_DOWN SET",
	[ST(DECLINED)] = "ACCEPT SET",
	[ST(EN_ROUTE)] = "ON_SCENE HANDED_OVER DONE CANCEL STAND_DOWN SET",
	[ST(ON_SCENE)] = "HANDED_OVER DONE CANCEL STAND_DOWN SET",
	[ST(HANDED_OVER)] = "DONE CANCEL STAND_DOWN SET",
	[ST(DONE)] = "SET",
	[ST(NO_ANSWER)] = "ACCEPT STANDBY DECLINE EN_ROUTE ON_SCENE HANDED_OVER DONE REALERT CANCEL STAND_DOWN SET",
	[ST(FAILED)] = "DELIVERED READ ACCEPT STANDBY DECLINE EN_ROUTE ON_SCENE HANDED_OVER DONE REALERT CANCEL "
		       "STAND_DOWN SET",
	[ST(CANCELLED)] = "SET",
	[ST(STOOD_DOWN)] = "SET",
};

static bool listed(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = strstr(list, word); p; p = strstr(p + 1, word))
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static void test_responder_table(void **state)
{
	struct fixture *f = *state;
	struct tetra_identity id = ssi(1001);
	struct tb_callout_new req = {
		.radio = "r1", .severity = 3, .text = "x", .n_responders = 1, .responders = &id, .override = true,
	};
	struct log_target *tgt = tb_log_capture_start(LOGL_DEBUG);

	log_set_category_filter(tgt, DCALLOUT, 1, LOGL_DEBUG);
	for (unsigned s = 0; s <= ST(STOOD_DOWN); s++) {
		for (unsigned e = R_EV_SENT; e <= R_EV_SET; e++) {
			struct tb_r_input in = { .cause = "test", .by = "test", .target = ST(EN_ROUTE) };
			struct tb_callout *co = NULL;
			struct tb_responder *r;
			char *errmsg = NULL;
			uint64_t refused;
			bool want = listed(takes[s], tb_r_event_name(e));
			int rc;

			assert_int_equal(tb_callout_create(f->t, &req, &g_dispatcher, &co, f->ctx, &errmsg), CODE(OK));
			r = responder(co, 1001);
			tb_responder_set_message(r, 0);	/* no outgoing step of the real queue may interfere */
			tb_responder_restore(r, s);
			refused = tb_ctr_get(f->t->ctrs, TB_CALLOUT_CTR_REFUSED_INPUTS);
			tb_log_capture_clear();
			rc = tb_responder_input(r, e, &in);
			if (want != (rc == 0))
				fail_msg("state %s, event %s: %s", tb_rstate_name(s), tb_r_event_name(e),
					 want ? "refused but the issue's table takes it" : "taken but not in the table");
			if (!want) {
				assert_int_equal(r->fi->state, s);
				assert_int_equal(tb_ctr_get(f->t->ctrs, TB_CALLOUT_CTR_REFUSED_INPUTS), refused + 1);
				assert_true(tb_log_capture_count("refused") > 0);
			}
			assert_int_equal(tb_callout_cancel(f->t, co->id, NULL, &g_dispatcher, &co, f->ctx, &errmsg),
					 CODE(OK));
		}
	}
	log_target_destroy(tgt);
}

/* `required` counts a group's members in the roster. */
static void test_required_counts_group_members(void **state)
{
	struct fixture *f = *state;
	struct tetra_identity id = ssi(9001);
	struct tb_callout_new req = {
		.radio = "r1", .severity = 1, .text = "x", .n_responders = 1, .responders = &id, .required = 2,
	};
	struct tb_callout *co = NULL;
	char *errmsg = NULL;

	assert_int_equal(tb_callout_create(f->t, &req, &g_dispatcher, &co, f->ctx, &errmsg), CODE(OK));
	req.required = 3;
	assert_int_equal(tb_callout_create(f->t, &req, &g_dispatcher, &co, f->ctx, &errmsg), CODE(INVALID_ARGUMENT));
	assert_non_null(strstr(errmsg, "3 must accept"));
}

/* A call-out PDU alert: the text must be Latin-1; the answer PDU quoting
 * the call-out number moves the responder; numbers are not given twice
 * while in use. */
static void test_callout_pdu_alert_and_answer(void **state)
{
	struct fixture *f = *state;
	struct tetra_identity id = ssi(1001);
	struct tb_callout_new req = {
		.radio = "r1", .severity = 4, .text = "Brystsmerter \xe2\x82\xac", .n_responders = 1, .responders = &id,
		.method = TETRABRIDGE__V1__ALERT_METHOD__ALERT_CALLOUT,
	};
	Tetrabridge__V1__Event ev = TETRABRIDGE__V1__EVENT__INIT;
	Tetrabridge__V1__CalloutPdu pdu = TETRABRIDGE__V1__CALLOUT_PDU__INIT;
	Tetrabridge__V1__Identity calling = TETRABRIDGE__V1__IDENTITY__INIT;
	struct tb_callout *co = NULL, *co2 = NULL;
	char *errmsg = NULL;

	/* the euro sign is not ISO 8859-1 */
	assert_int_equal(tb_callout_create(f->t, &req, &g_dispatcher, &co, f->ctx, &errmsg), CODE(INVALID_ARGUMENT));
	assert_non_null(strstr(errmsg, "ISO 8859-1"));
	req.text = "Brystsmerter, Storgata 5";
	assert_int_equal(tb_callout_create(f->t, &req, &g_dispatcher, &co, f->ctx, &errmsg), CODE(OK));
	assert_true(co->has_air_number);
	req.override = true;
	assert_int_equal(tb_callout_create(f->t, &req, &g_dispatcher, &co2, f->ctx, &errmsg), CODE(OK));
	assert_int_not_equal(co2->air_number, co->air_number);

	/* the answer to the first call-out, by its number */
	calling.type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_SSI;
	calling.ssi = 1001;
	pdu.calling = &calling;
	pdu.kind = 3;
	pdu.number = co->air_number;
	pdu.severity = 4;
	pdu.text = (char *)"ja";
	ev.radio = (char *)"r1";
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_CALLOUT_PDU;
	ev.callout_pdu = &pdu;
	assert_true(tb_bridge_publish(f->b, &ev) > 0);
	assert_int_equal(rstate(co, 1001), ST(ACCEPTED));
	assert_int_equal(rstate(co2, 1001), ST(QUEUED));
	/* an answer quoting a number no open call-out has */
	pdu.number = (co->air_number + 100) % 256;
	assert_true(tb_bridge_publish(f->b, &ev) > 0);
	assert_int_equal(count_kind(f, 0, KIND(UNMATCHED)), 1);
}

/* The call-out's own table: every state against every event. */
static void test_callout_table(void **state)
{
	static const char *const callout_takes[] = {
		[CST(OPEN)] = "STAFFED ON_SCENE CLOSE CANCEL",
		[CST(STAFFED)] = "UNSTAFFED ON_SCENE CLOSE CANCEL",
		[CST(ON_SCENE)] = "CLOSE CANCEL",
		[CST(CLOSED)] = "",
		[CST(CANCELLED)] = "",
	};
	static const char *const names[] = { "STAFFED", "UNSTAFFED", "ON_SCENE", "CLOSE", "CANCEL" };
	struct fixture *f = *state;
	const uint32_t who[] = { 1001 };

	for (unsigned s = 0; s <= CST(CANCELLED); s++) {
		for (unsigned e = C_EV_STAFFED; e <= C_EV_CANCEL; e++) {
			struct tb_c_input in = { .cause = "test", .by = "test" };
			struct tb_callout *co = create(f, 1, who, 1, NULL);
			uint64_t refused;
			bool want = listed(callout_takes[s], names[e]);
			int rc;

			co->override = true;
			tb_callout_fsm_restore(co, s);
			refused = tb_ctr_get(f->t->ctrs, TB_CALLOUT_CTR_REFUSED_INPUTS);
			rc = tb_callout_input(co, e, &in);
			if (want != (rc == 0))
				fail_msg("state %s, event %s: %s", tb_cstate_name(s), names[e],
					 want ? "refused but the issue's table takes it" : "taken but not in the table");
			if (!want) {
				assert_int_equal(co->fi->state, s);
				assert_int_equal(tb_ctr_get(f->t->ctrs, TB_CALLOUT_CTR_REFUSED_INPUTS), refused + 1);
			}
			/* out of the way of the next one (the responder is
			 * accepted nowhere: no override needed) */
			tb_callout_free(co);
			f->t->n_open--;
		}
	}
}

static int group_setup(void **state)
{
	g_root = tb_test_group_start("test_callout", g_dir, sizeof(g_dir));
	return g_root ? 0 : -1;
}

static int group_teardown(void **state)
{
	return tb_test_group_end(g_root, g_dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_whole_callout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_answer_escalates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_decline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_send_escalates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_unmatched_auto_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_member_joins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_elsewhere, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_resumes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ids_not_reused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_privacy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_own_answer_deadline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_responder_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callout_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_required_counts_group_members, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callout_pdu_alert_and_answer, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
