/* The call-out tracker: the board, publishing and storing changes, and
 * what a change of one responder means for the call-out as a whole
 * (staffed, on scene, escalation). See callout.h; the commands are
 * callout_ops.c's.
 *
 * Escalation: a call-out escalates when its level's answer deadline passes
 * with fewer than `required` accepted, or at once when the responders that
 * accepted plus those that still may (waiting for an answer, standby) are
 * fewer than `required` (everyone declined, failed or did not answer).
 * Escalating alerts the plan's next level (its own responders and
 * deadline; nobody already in the call-out is alerted again); after the
 * last level the escalation alarm goes on and stays on until an operator
 * acknowledges it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/callout.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "bridge/bridge.h"
#include "bridge/callout_config.h"
#include "bridge/callout_int.h"
#include "bridge/callout_store.h"
#include "bridge/journal.h"
#include "bridge/roster.h"
#include "common/counters.h"
#include "common/log_context.h"
#include "common/logging.h"
#include "ipc/event_kind.h"

#define ST(x) TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_##x
#define CST(x) TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_##x
#define KIND(x) TETRABRIDGE__V1__CALLOUT_CHANGE__KIND__##x

/* Closed call-outs leave the board, and retention runs, this often. */
#define TB_CALLOUT_SWEEP_S 60
/* Call-outs whose texts one sweep removes at most (the rest next time). */
#define TB_CALLOUT_SCRUB_BATCH 200

uint64_t tb_callout_now_us(void)
{
	struct timeval tv;

	osmo_gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}

const struct tb_callout_config *tb_callout_cfg(const struct tb_callout_tracker *t)
{
	return t->bridge->callout_cfg;
}

unsigned tb_callout_realerts(const struct tb_callout_tracker *t)
{
	return tb_callout_cfg(t)->realerts;
}

bool tb_callout_is_closed(const struct tb_callout *co)
{
	return co->fi->state == CST(CLOSED) || co->fi->state == CST(CANCELLED);
}

/* ---- publishing and storing ----------------------------------------- */

static void save(struct tb_callout *co, const Tetrabridge__V1__Callout *snap)
{
	struct tb_callout_tracker *t = co->t;
	size_t len = tetrabridge__v1__callout__get_packed_size(snap);
	uint8_t *buf = talloc_size(NULL, len ? len : 1);

	if (!buf || !t->store)
		goto out;
	tetrabridge__v1__callout__pack(snap, buf);
	tb_callout_store_save(t->store, co->id, !tb_callout_is_closed(co), co->closed_us, buf, len);
out:
	talloc_free(buf);
}

/* Store the call-out, publish ch (its snapshot is made here), add it to
 * the history. */
void tb_callout_publish(struct tb_callout *co, Tetrabridge__V1__CalloutChange *ch, void *tmp)
{
	struct tb_callout_tracker *t = co->t;
	Tetrabridge__V1__Event ev = TETRABRIDGE__V1__EVENT__INIT;
	Tetrabridge__V1__Callout *snap = tb_callout_to_pb(co, tmp);
	uint64_t seq = 0;

	if (!snap) {
		LOGP(DCALLOUT, LOGL_ERROR, "call-out %" PRIu64 ": out of memory; a change was not published\n", co->id);
		return;
	}
	rate_ctr_inc2(t->ctrs, TB_CALLOUT_CTR_TRANSITIONS);
	ch->callout_id = co->id;
	ch->callout = snap;
	/* Stored before it is published: a kill -9 between the two leaves
	 * the tracker with the change a console may not have seen yet (the
	 * next change carries it), never behind what consoles saw (an accept
	 * lost that way would escalate for nothing). */
	save(co, snap);
	ev.radio = co->radio;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_CALLOUT;
	ev.callout = ch;
	seq = tb_bridge_publish(t->bridge, &ev);
	TB_LOG_EVENT_SCOPE(co->radio, seq, tb_event_kind(&ev));
	LOGP(DCALLOUT, LOGL_INFO, "call-out %" PRIu64 ": event seq %" PRIu64 "\n", co->id, seq);
	if (t->store) {
		/* The history line is the change without the snapshot. */
		size_t len;
		uint8_t *buf;

		ch->callout = NULL;
		len = tetrabridge__v1__callout_change__get_packed_size(ch);
		buf = talloc_size(tmp, len ? len : 1);
		if (buf) {
			tetrabridge__v1__callout_change__pack(ch, buf);
			tb_callout_store_history_add(t->store, co->id, seq, ev.time_us, buf, len);
		}
		ch->callout = snap;
	}
	/* The gauges count call-outs (open, escalated, alarms, overdue):
	 * only changes of a call-out itself move them, and counting walks
	 * the board, so a responder's change (most of them) does not. */
	switch (ch->kind) {
	case KIND(CREATED):
	case KIND(STATE):
	case KIND(LEVEL):
	case KIND(ALARM):
	case KIND(ALARM_ACK):
	case KIND(OVERDUE):
		tb_callout_gauges_update(t);
		break;
	default:
		break;
	}
}

void tb_callout_change_init(Tetrabridge__V1__CalloutChange *ch, Tetrabridge__V1__CalloutChange__Kind kind,
			const struct tb_callout *co, const char *cause, const char *by, uint64_t input_seq)
{
	tetrabridge__v1__callout_change__init(ch);
	ch->kind = kind;
	ch->old_state = co->fi->state;
	ch->new_state = co->fi->state;
	ch->cause = (char *)(cause ? cause : "");
	ch->by = (char *)(by ? by : "");
	ch->input_seq = input_seq;
}

void tb_callout_note_change(struct tb_callout *co, struct tb_responder *r, Tetrabridge__V1__CalloutChange__Kind kind,
			    const char *cause, const char *by, uint64_t input_seq)
{
	void *tmp = talloc_new(NULL);
	Tetrabridge__V1__CalloutChange ch;

	tb_callout_change_init(&ch, kind, co, cause, by, input_seq);
	if (r) {
		ch.responder = tb_callout_identity_pb(co->t, &r->id, tmp);
		ch.old_responder_state = r->fi->state;
		ch.new_responder_state = r->fi->state;
	}
	tb_callout_publish(co, &ch, tmp);
	talloc_free(tmp);
}

/* ---- the call-out as a whole ---------------------------------------- */

struct counts {
	unsigned accepted, on_scene, possible;
};

static void count(const struct tb_callout *co, struct counts *c)
{
	const struct tb_responder *r;

	memset(c, 0, sizeof(*c));
	llist_for_each_entry(r, &co->responders, entry) {
		tb_rstate s = r->fi->state;

		if (tb_rstate_accepted(s))
			c->accepted++;
		if (tb_rstate_on_scene(s))
			c->on_scene++;
		if (tb_rstate_waiting(s) || s == ST(STANDBY))
			c->possible++;
	}
}

static void escalate(struct tb_callout *co, const char *cause);

/* Look at the call-out after one of its responders changed. */
static void evaluate(struct tb_callout *co, const char *by, uint64_t input_seq)
{
	struct tb_c_input in = { .by = by, .input_seq = input_seq };
	struct counts c;

	if (tb_callout_is_closed(co) || co->ending)
		return;
	count(co, &c);
	if (c.on_scene && co->fi->state != CST(ON_SCENE)) {
		in.cause = "a responder is on scene";
		tb_callout_input(co, C_EV_ON_SCENE, &in);
		return;
	}
	if (c.accepted >= co->required && co->fi->state == CST(OPEN)) {
		in.cause = "enough responders accepted";
		tb_callout_input(co, C_EV_STAFFED, &in);
		return;
	}
	if (c.accepted < co->required && co->fi->state == CST(STAFFED)) {
		in.cause = "fewer responders than required have accepted";
		tb_callout_input(co, C_EV_UNSTAFFED, &in);
		return;
	}
	if (co->fi->state == CST(OPEN) && c.accepted + c.possible < co->required && !co->alarm)
		escalate(co, "everyone alerted has declined, failed or not answered");
}

void tb_callout_responder_changed(struct tb_responder *r, tb_rstate old, const struct tb_r_input *in,
				  Tetrabridge__V1__CalloutChange__Kind kind)
{
	struct tb_callout *co = r->co;
	void *tmp = talloc_new(NULL);
	Tetrabridge__V1__CalloutChange ch;

	tb_callout_change_init(&ch, kind, co, in->cause ? in->cause : r->cause, in->by, in->input_seq);
	ch.responder = tb_callout_identity_pb(co->t, &r->id, tmp);
	ch.old_responder_state = old;
	ch.new_responder_state = r->fi->state;
	tb_callout_publish(co, &ch, tmp);
	talloc_free(tmp);
	evaluate(co, in->by, in->input_seq);
}

/* Stand down the responders that are not needed: still waiting for an
 * answer, or on standby. */
static void stand_down_unneeded(struct tb_callout *co, const char *by)
{
	struct tb_responder *r, *tmp;
	struct tb_r_input in = { .cause = "not needed: enough responders accepted", .by = by };

	llist_for_each_entry_safe(r, tmp, &co->responders, entry) {
		tb_rstate s = r->fi->state;

		if (!tb_rstate_waiting(s) && s != ST(STANDBY))
			continue;
		if (tb_responder_input(r, R_EV_STAND_DOWN, &in) == 0 && r->alerts)
			tb_callout_send_stand_down(r, "not needed");
	}
}

void tb_callout_state_changed(struct tb_callout *co, tb_cstate old, const struct tb_c_input *in)
{
	void *tmp = talloc_new(NULL);
	Tetrabridge__V1__CalloutChange ch;
	struct counts c;

	tb_callout_change_init(&ch, KIND(STATE), co, in->cause, in->by, in->input_seq);
	ch.old_state = old;
	tb_callout_publish(co, &ch, tmp);
	talloc_free(tmp);

	count(co, &c);
	if (co->fi->state == CST(ON_SCENE) || tb_callout_is_closed(co))
		osmo_timer_del(&co->overdue_timer);
	if ((co->fi->state == CST(STAFFED) || co->fi->state == CST(ON_SCENE)) && c.accepted >= co->required)
		stand_down_unneeded(co, in->by);
	if (co->fi->state == CST(OPEN) && old == CST(STAFFED) && !co->answer_deadline_us)
		escalate(co, "an accepted responder dropped out after the answer deadline");
}

/* Alert the plan's next level, or turn the alarm on after the last. */
static void escalate(struct tb_callout *co, const char *cause)
{
	const struct tb_callout_config *cfg = tb_callout_cfg(co->t);
	const struct tb_plan *plan = co->plan ? tb_callout_plan(cfg, co->plan) : NULL;
	void *tmp = talloc_new(NULL);
	Tetrabridge__V1__CalloutChange ch;

	while (plan && co->level < plan->n_levels) {
		const struct tb_plan_level *lv = &plan->levels[co->level];
		struct tb_responder *added[TB_PLAN_MAX_RESPONDERS];
		unsigned n = 0;

		co->level++;
		co->escalated = true;
		co->answer_deadline_us = tb_callout_now_us() + (uint64_t)lv->deadline_s * 1000000u;
		tb_callout_change_init(&ch, KIND(LEVEL), co, cause, "timer", 0);
		tb_callout_publish(co, &ch, tmp);
		for (unsigned i = 0; i < lv->n_responders; i++) {
			/* Nobody already in the call-out is alerted again:
			 * not who answered, not who declined. */
			if (tb_callout_find_responder(co, &lv->responders[i]))
				continue;
			if (co->n_responders >= TB_CALLOUT_MAX_RESPONDERS)
				break;
			if (tb_callout_add_responder(co, &lv->responders[i], co->level, "timer", &added[n]) == 0)
				n++;
		}
		for (unsigned i = 0; i < n; i++)
			if (added[i]->fi->state == ST(QUEUED) && !added[i]->alerts)
				tb_responder_start(added[i]);
		tb_callout_arm_deadline(co);
		if (n) {
			talloc_free(tmp);
			/* This level may have failed at once (radio offline). */
			evaluate(co, "timer", 0);
			return;
		}
		cause = "the plan's level had nobody new to alert";
	}
	if (!co->alarm) {
		co->alarm = true;
		co->answer_deadline_us = 0;
		tb_callout_arm_deadline(co);
		tb_callout_change_init(&ch, KIND(ALARM), co, cause, "timer", 0);
		tb_callout_publish(co, &ch, tmp);
		LOGP(DCALLOUT, LOGL_NOTICE, "call-out %" PRIu64 ": escalation alarm on\n", co->id);
	}
	talloc_free(tmp);
}

void tb_callout_deadline_passed(struct tb_callout *co)
{
	struct counts c;
	char *cause;

	count(co, &c);
	if (tb_callout_is_closed(co) || c.accepted >= co->required)
		return;
	cause = talloc_asprintf(co, "answer deadline passed with %u of %u accepted", c.accepted, co->required);
	escalate(co, cause);
	talloc_free(cause);
}

static void overdue_cb(void *data)
{
	struct tb_callout *co = data;
	void *tmp;
	Tetrabridge__V1__CalloutChange ch;

	if (tb_callout_is_closed(co) || co->fi->state == CST(ON_SCENE) || co->overdue)
		return;
	co->overdue = true;
	tmp = talloc_new(NULL);
	tb_callout_change_init(&ch, KIND(OVERDUE), co, "nobody on scene within the target", "timer", 0);
	tb_callout_publish(co, &ch, tmp);
	talloc_free(tmp);
}

void tb_callout_arm_overdue(struct tb_callout *co)
{
	uint64_t now = tb_callout_now_us(), wait;

	if (!co->on_scene_due_us || co->overdue || tb_callout_is_closed(co) || co->fi->state == CST(ON_SCENE))
		return;
	wait = co->on_scene_due_us > now ? co->on_scene_due_us - now : 1000;
	osmo_timer_schedule(&co->overdue_timer, (long)(wait / 1000000u), (long)(wait % 1000000u));
}

/* ---- the board -------------------------------------------------------- */

struct tb_callout *tb_callout_new_empty(struct tb_callout_tracker *t, uint64_t id)
{
	struct tb_callout *co = talloc_zero(t, struct tb_callout);

	if (!co)
		return NULL;
	co->t = t;
	co->id = id;
	INIT_LLIST_HEAD(&co->responders);
	osmo_timer_setup(&co->overdue_timer, overdue_cb, co);
	if (tb_callout_fsm_alloc(co) < 0) {
		talloc_free(co);
		return NULL;
	}
	llist_add_tail(&co->entry, &t->board);
	t->n_board++;
	return co;
}

void tb_callout_free(struct tb_callout *co)
{
	struct tb_responder *r, *tmp;

	osmo_timer_del(&co->overdue_timer);
	llist_for_each_entry_safe(r, tmp, &co->responders, entry)
		tb_responder_free(r);
	osmo_fsm_inst_free(co->fi);
	llist_del(&co->entry);
	co->t->n_board--;
	tb_callout_gauges_update(co->t);
	talloc_free(co);
}

struct tb_callout *tb_callout_find(struct tb_callout_tracker *t, uint64_t id)
{
	struct tb_callout *co;

	llist_for_each_entry(co, &t->board, entry)
		if (co->id == id)
			return co;
	return NULL;
}

struct llist_head *tb_callout_board(struct tb_callout_tracker *t)
{
	return &t->board;
}

struct tb_callout_store *tb_callout_tracker_store(struct tb_callout_tracker *t)
{
	return t->store;
}

void tb_callout_stats(const struct tb_callout_tracker *t, struct tb_callout_stats *s)
{
	const struct tb_callout *co;

	memset(s, 0, sizeof(*s));
	s->created = tb_ctr_get(t->ctrs, TB_CALLOUT_CTR_CREATED);
	s->transitions = tb_ctr_get(t->ctrs, TB_CALLOUT_CTR_TRANSITIONS);
	s->refused_inputs = tb_ctr_get(t->ctrs, TB_CALLOUT_CTR_REFUSED_INPUTS);
	s->unmatched = tb_ctr_get(t->ctrs, TB_CALLOUT_CTR_UNMATCHED);
	llist_for_each_entry(co, &t->board, entry) {
		s->on_board++;
		if (tb_callout_is_closed(co))
			continue;
		s->open++;
		s->escalated += co->escalated;
		s->alarms += co->alarm;
		s->overdue += co->overdue;
	}
}

void tb_callout_gauges_update(struct tb_callout_tracker *t)
{
	struct tb_callout_stats s;

	tb_callout_stats(t, &s);
	tb_stat_set(t->stats, TB_CALLOUT_STAT_OPEN, s.open);
	tb_stat_set(t->stats, TB_CALLOUT_STAT_ON_BOARD, s.on_board);
	tb_stat_set(t->stats, TB_CALLOUT_STAT_ESCALATED, s.escalated);
	tb_stat_set(t->stats, TB_CALLOUT_STAT_ALARMS, s.alarms);
	tb_stat_set(t->stats, TB_CALLOUT_STAT_OVERDUE, s.overdue);
}

bool tb_callout_same_party(const struct tetra_identity *a, const struct tetra_identity *b)
{
	if (a->ssi != b->ssi)
		return false;
	if (a->type == TETRA_ID_TSI && b->type == TETRA_ID_TSI)
		return a->mcc == b->mcc && a->mnc == b->mnc;
	return true;
}

struct tb_responder *tb_callout_find_responder(struct tb_callout *co, const struct tetra_identity *id)
{
	struct tb_responder *r;

	llist_for_each_entry(r, &co->responders, entry)
		if (tb_callout_same_party(&r->id, id))
			return r;
	return NULL;
}

int tb_callout_add_responder(struct tb_callout *co, const struct tetra_identity *id, uint8_t level, const char *by,
			 struct tb_responder **out)
{
	const struct tb_roster *roster = co->t->bridge->roster;
	bool group = roster && tb_roster_is_group(roster, id);
	struct tb_responder *r = tb_responder_alloc(co, id, group, level);
	void *tmp;
	Tetrabridge__V1__CalloutChange ch;

	if (!r)
		return -ENOMEM;
	tmp = talloc_new(NULL);
	tb_callout_change_init(&ch, KIND(RESPONDER_ADDED), co, level ? "alerted by the escalation plan" : "added", by, 0);
	ch.responder = tb_callout_identity_pb(co->t, id, tmp);
	tb_callout_publish(co, &ch, tmp);
	talloc_free(tmp);
	if (out)
		*out = r;
	return 0;
}

struct tb_responder *tb_callout_join_group(struct tb_callout *co, struct tb_responder *group,
					   const struct tetra_identity *member, uint64_t input_seq)
{
	struct tb_responder *r;

	if (co->n_responders >= TB_CALLOUT_MAX_RESPONDERS)
		return NULL;
	r = tb_responder_alloc(co, member, false, group->level);
	if (!r)
		return NULL;
	r->via_group = true;
	r->group = group->id;
	/* It got the group's alert: it waits for nothing more from us. */
	tb_callout_note_change(co, r, KIND(RESPONDER_ADDED), "answered the alert to its group", "radio", input_seq);
	return r;
}

/* ---- air numbers -------------------------------------------------------- */

int tb_callout_air_take(struct tb_callout_tracker *t, uint8_t *n)
{
	uint64_t now = tb_callout_now_us();

	for (unsigned i = 0; i < 255; i++) {
		uint8_t c = t->air_next;

		t->air_next = (uint8_t)(t->air_next % 255 + 1);
		if (t->air_free_at[c] <= now) {
			t->air_free_at[c] = UINT64_MAX;
			*n = c;
			return 0;
		}
	}
	return -EBUSY;
}

void tb_callout_air_release(struct tb_callout *co)
{
	uint64_t grace = osmo_tdef_get(tb_callout_tdefs, TB_T_AIR_NUMBER_GRACE, OSMO_TDEF_US, 3600000000ull);

	if (co->has_air_number)
		co->t->air_free_at[co->air_number] = co->closed_us + grace;
}

/* ---- life of the tracker ---------------------------------------------- */

static int restore_row(uint64_t id, const uint8_t *snapshot, size_t len, void *data)
{
	struct tb_callout_tracker *t = data;
	Tetrabridge__V1__Callout *p = tetrabridge__v1__callout__unpack(NULL, len, snapshot);
	struct tb_callout *co;

	if (!p) {
		LOGP(DCALLOUT, LOGL_ERROR, "call-out %" PRIu64 ": its stored state does not decode; left out\n", id);
		return 0;
	}
	co = tb_callout_from_pb(t, p);
	tetrabridge__v1__callout__free_unpacked(p, NULL);
	if (!co) {
		LOGP(DCALLOUT, LOGL_ERROR, "call-out %" PRIu64 ": cannot bring it back (out of memory)\n", id);
		return 0;
	}
	if (tb_callout_is_closed(co)) {
		tb_callout_air_release(co);
	} else {
		t->n_open++;
		if (co->has_air_number)
			t->air_free_at[co->air_number] = UINT64_MAX;
		tb_callout_arm_overdue(co);
	}
	return 0;
}

/* Closed call-outs leave the board after board-keep; texts, notes and
 * positions of call-outs closed before the retention time are removed. */
static void sweep(struct tb_callout_tracker *t);

static void sweep_cb(void *data)
{
	struct tb_callout_tracker *t = data;

	sweep(t);
	osmo_timer_schedule(&t->sweep, TB_CALLOUT_SWEEP_S, 0);
}

static void sweep(struct tb_callout_tracker *t)
{
	uint64_t now = tb_callout_now_us();
	uint64_t keep = (uint64_t)tb_callout_cfg(t)->board_keep_s * 1000000u;
	struct tb_callout *co, *tmp;

	llist_for_each_entry_safe(co, tmp, &t->board, entry)
		if (tb_callout_is_closed(co) && co->closed_us + keep <= now)
			tb_callout_free(co);
	tb_callout_retention(t, now);
}

static const struct rate_ctr_desc callout_ctr_desc[] = {
	[TB_CALLOUT_CTR_CREATED] = { "created", "Call-outs created" },
	[TB_CALLOUT_CTR_TRANSITIONS] = { "transitions", "Call-out changes published" },
	[TB_CALLOUT_CTR_REFUSED_INPUTS] = { "refused_inputs", "Inputs a call-out or responder state does not take" },
	[TB_CALLOUT_CTR_UNMATCHED] = { "unmatched", "Answers from radios that match no call-out" },
};

static const struct rate_ctr_group_desc callout_ctrg_desc = {
	.group_name_prefix = "callout",
	.group_description = "Call-out tracking",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(callout_ctr_desc),
	.ctr_desc = callout_ctr_desc,
};

static const struct osmo_stat_item_desc callout_stat_desc[] = {
	[TB_CALLOUT_STAT_OPEN] = { "open", "Call-outs open", "call-outs", 0, 0 },
	[TB_CALLOUT_STAT_ON_BOARD] = { "on_board", "Call-outs on the board (open, or closed within board-keep)",
				       "call-outs", 0, 0 },
	[TB_CALLOUT_STAT_ESCALATED] = { "escalated", "Open call-outs escalated to a further level", "call-outs", 0, 0 },
	[TB_CALLOUT_STAT_ALARMS] = { "alarms", "Open call-outs with the escalation alarm on", "call-outs", 0, 0 },
	[TB_CALLOUT_STAT_OVERDUE] = { "overdue", "Open call-outs with nobody on scene within the target",
				      "call-outs", 0, 0 },
};

static const struct osmo_stat_item_group_desc callout_statg_desc = {
	.group_name_prefix = "callout",
	.group_description = "Call-out tracking",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_items = ARRAY_SIZE(callout_stat_desc),
	.item_desc = callout_stat_desc,
};

struct tb_callout_tracker *tb_callout_tracker_alloc(void *ctx, struct tb_bridge *b)
{
	static bool registered;
	struct tb_callout_tracker *t = talloc_zero(ctx, struct tb_callout_tracker);

	if (!t)
		return NULL;
	if (!registered) {
		tb_responder_fsm_init();
		tb_callout_fsm_init();
		registered = true;
	}
	t->ctrs = tb_ctr_group_alloc(t, &callout_ctrg_desc, NULL);
	t->stats = tb_stat_group_alloc(t, &callout_statg_desc, NULL);
	if (!t->ctrs || !t->stats) {
		talloc_free(t);
		return NULL;
	}
	t->bridge = b;
	INIT_LLIST_HEAD(&t->board);
	t->air_next = 1;
	osmo_timer_setup(&t->sweep, sweep_cb, t);
	return t;
}

int tb_callout_tracker_start(struct tb_callout_tracker *t, char **errmsg)
{
	const struct tb_callout_config *cfg = tb_callout_cfg(t);
	uint64_t now = tb_callout_now_us();
	uint64_t grace = osmo_tdef_get(tb_callout_tdefs, TB_T_AIR_NUMBER_GRACE, OSMO_TDEF_US, 3600000000ull);
	uint64_t keep = (uint64_t)cfg->board_keep_s * 1000000u;
	uint64_t back = grace > keep ? grace : keep;
	int rc;

	t->store = tb_callout_store_open(t, tb_journal_db(t->bridge->journal), errmsg);
	if (!t->store)
		return -EIO;
	rc = tb_callout_store_load_board(t->store, now > back ? now - back : 0, restore_row, t);
	if (rc < 0) {
		*errmsg = talloc_strdup(t, "cannot read the stored call-outs; see the log");
		return rc;
	}
	if (t->n_board)
		LOGP(DCALLOUT, LOGL_NOTICE, "%u call-out(s) brought back, %u open\n", t->n_board, t->n_open);
	sweep(t);
	tb_callout_gauges_update(t);
	osmo_timer_schedule(&t->sweep, TB_CALLOUT_SWEEP_S, 0);
	return 0;
}

void tb_callout_tracker_destroy(struct tb_callout_tracker **tp)
{
	struct tb_callout_tracker *t;
	struct tb_callout *co, *tmp;

	if (!tp || !*tp)
		return;
	t = *tp;
	osmo_timer_del(&t->sweep);
	llist_for_each_entry_safe(co, tmp, &t->board, entry)
		tb_callout_free(co);
	tb_callout_store_destroy(&t->store);
	talloc_free(t);
	*tp = NULL;
}
