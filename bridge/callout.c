/* The call-out tracker: the board, the commands, and what a change of one
 * responder means for the call-out as a whole (staffed, on scene,
 * escalation). See callout.h.
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
#include <osmocom/core/talloc.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/timer.h>

#include "bridge/bridge.h"
#include "bridge/callout_config.h"
#include "bridge/callout_int.h"
#include "bridge/callout_store.h"
#include "bridge/journal.h"
#include "bridge/radio.h"
#include "bridge/roster.h"
#include "codecs/text.h"
#include "common/logging.h"
#include "radio-drivers/radio_link.h"

#define ST(x) TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_##x
#define CST(x) TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_##x
#define KIND(x) TETRABRIDGE__V1__CALLOUT_CHANGE__KIND__##x
#define CODE(x) TETRABRIDGE__V1__REPLY__CODE__##x

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

static const struct tb_callout_config *cfg_of(const struct tb_callout_tracker *t)
{
	return t->bridge->callout_cfg;
}

unsigned tb_callout_realerts(const struct tb_callout_tracker *t)
{
	return cfg_of(t)->realerts;
}

static bool is_closed(const struct tb_callout *co)
{
	return co->fi->state == CST(CLOSED) || co->fi->state == CST(CANCELLED);
}

static int fail(void *ctx, char **errmsg, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(void *ctx, char **errmsg, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*errmsg = talloc_vasprintf(ctx, fmt, ap);
	va_end(ap);
	return code;
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
	tb_callout_store_save(t->store, co->id, !is_closed(co), co->closed_us, buf, len);
out:
	talloc_free(buf);
}

/* Publish ch (its snapshot is made here), add it to the history, store
 * the call-out. */
static void publish(struct tb_callout *co, Tetrabridge__V1__CalloutChange *ch, void *tmp)
{
	struct tb_callout_tracker *t = co->t;
	Tetrabridge__V1__Event ev = TETRABRIDGE__V1__EVENT__INIT;
	Tetrabridge__V1__Callout *snap = tb_callout_to_pb(co, tmp);
	uint64_t seq = 0;

	if (!snap) {
		LOGP(DCALLOUT, LOGL_ERROR, "call-out %" PRIu64 ": out of memory; a change was not published\n", co->id);
		return;
	}
	t->stats.transitions++;
	ch->callout_id = co->id;
	ch->callout = snap;
	ev.radio = co->radio;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_CALLOUT;
	ev.callout = ch;
	seq = tb_bridge_publish(t->bridge, &ev);
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
	save(co, snap);
}

static void change_init(Tetrabridge__V1__CalloutChange *ch, Tetrabridge__V1__CalloutChange__Kind kind,
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

	change_init(&ch, kind, co, cause, by, input_seq);
	if (r) {
		ch.responder = tb_callout_identity_pb(co->t, &r->id, tmp);
		ch.old_responder_state = r->fi->state;
		ch.new_responder_state = r->fi->state;
	}
	publish(co, &ch, tmp);
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

static struct tb_responder *find_responder(struct tb_callout *co, const struct tetra_identity *id);
static bool same_party(const struct tetra_identity *a, const struct tetra_identity *b);
static int add_responder(struct tb_callout *co, const struct tetra_identity *id, uint8_t level, const char *by,
			 struct tb_responder **out);
static void escalate(struct tb_callout *co, const char *cause);

/* Look at the call-out after one of its responders changed. */
static void evaluate(struct tb_callout *co, const char *by, uint64_t input_seq)
{
	struct tb_c_input in = { .by = by, .input_seq = input_seq };
	struct counts c;

	if (is_closed(co) || co->ending)
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

	change_init(&ch, kind, co, in->cause ? in->cause : r->cause, in->by, in->input_seq);
	ch.responder = tb_callout_identity_pb(co->t, &r->id, tmp);
	ch.old_responder_state = old;
	ch.new_responder_state = r->fi->state;
	publish(co, &ch, tmp);
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

	change_init(&ch, KIND(STATE), co, in->cause, in->by, in->input_seq);
	ch.old_state = old;
	publish(co, &ch, tmp);
	talloc_free(tmp);

	count(co, &c);
	if (co->fi->state == CST(ON_SCENE) || is_closed(co))
		osmo_timer_del(&co->overdue_timer);
	if ((co->fi->state == CST(STAFFED) || co->fi->state == CST(ON_SCENE)) && c.accepted >= co->required)
		stand_down_unneeded(co, in->by);
	if (co->fi->state == CST(OPEN) && old == CST(STAFFED) && !co->answer_deadline_us)
		escalate(co, "an accepted responder dropped out after the answer deadline");
}

/* Alert the plan's next level, or turn the alarm on after the last. */
static void escalate(struct tb_callout *co, const char *cause)
{
	const struct tb_callout_config *cfg = cfg_of(co->t);
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
		change_init(&ch, KIND(LEVEL), co, cause, "timer", 0);
		publish(co, &ch, tmp);
		for (unsigned i = 0; i < lv->n_responders; i++) {
			/* Nobody already in the call-out is alerted again:
			 * not who answered, not who declined. */
			if (find_responder(co, &lv->responders[i]))
				continue;
			if (co->n_responders >= TB_CALLOUT_MAX_RESPONDERS)
				break;
			if (add_responder(co, &lv->responders[i], co->level, "timer", &added[n]) == 0)
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
		change_init(&ch, KIND(ALARM), co, cause, "timer", 0);
		publish(co, &ch, tmp);
		LOGP(DCALLOUT, LOGL_NOTICE, "call-out %" PRIu64 ": escalation alarm on\n", co->id);
	}
	talloc_free(tmp);
}

void tb_callout_deadline_passed(struct tb_callout *co)
{
	struct counts c;
	char *cause;

	count(co, &c);
	if (is_closed(co) || c.accepted >= co->required)
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

	if (is_closed(co) || co->fi->state == CST(ON_SCENE) || co->overdue)
		return;
	co->overdue = true;
	tmp = talloc_new(NULL);
	change_init(&ch, KIND(OVERDUE), co, "nobody on scene within the target", "timer", 0);
	publish(co, &ch, tmp);
	talloc_free(tmp);
}

static void arm_overdue(struct tb_callout *co)
{
	uint64_t now = tb_callout_now_us(), wait;

	if (!co->on_scene_due_us || co->overdue || is_closed(co) || co->fi->state == CST(ON_SCENE))
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

	*s = t->stats;
	s->open = s->on_board = s->escalated = s->alarms = s->overdue = 0;
	llist_for_each_entry(co, &t->board, entry) {
		s->on_board++;
		if (is_closed(co))
			continue;
		s->open++;
		s->escalated += co->escalated;
		s->alarms += co->alarm;
		s->overdue += co->overdue;
	}
}

static bool same_party(const struct tetra_identity *a, const struct tetra_identity *b)
{
	if (a->ssi != b->ssi)
		return false;
	if (a->type == TETRA_ID_TSI && b->type == TETRA_ID_TSI)
		return a->mcc == b->mcc && a->mnc == b->mnc;
	return true;
}

static struct tb_responder *find_responder(struct tb_callout *co, const struct tetra_identity *id)
{
	struct tb_responder *r;

	llist_for_each_entry(r, &co->responders, entry)
		if (same_party(&r->id, id))
			return r;
	return NULL;
}

/* An open call-out other than except in which id has accepted (or is
 * further on); NULL when none. */
static struct tb_callout *busy_elsewhere(struct tb_callout_tracker *t, const struct tetra_identity *id,
					 const struct tb_callout *except, struct tb_responder **which)
{
	struct tb_callout *co;

	llist_for_each_entry(co, &t->board, entry) {
		struct tb_responder *r;

		if (co == except || is_closed(co))
			continue;
		r = find_responder(co, id);
		if (r && tb_rstate_accepted(r->fi->state) && r->fi->state != ST(DONE)) {
			*which = r;
			return co;
		}
	}
	return NULL;
}

/* "Sykepleier Nord (1001)" or "1001": for replies to dispatchers, never logs. */
static char *party(void *ctx, const struct tb_callout_tracker *t, const struct tetra_identity *id)
{
	const char *name = t->bridge->roster ? tb_roster_name(t->bridge->roster, id) : NULL;

	return name ? talloc_asprintf(ctx, "%s (%u)", name, id->ssi) : talloc_asprintf(ctx, "%u", id->ssi);
}

static int add_responder(struct tb_callout *co, const struct tetra_identity *id, uint8_t level, const char *by,
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
	change_init(&ch, KIND(RESPONDER_ADDED), co, level ? "alerted by the escalation plan" : "added", by, 0);
	ch.responder = tb_callout_identity_pb(co->t, id, tmp);
	publish(co, &ch, tmp);
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

static int air_number_take(struct tb_callout_tracker *t, uint8_t *n)
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

static void air_number_release(struct tb_callout *co)
{
	uint64_t grace = osmo_tdef_get(tb_callout_tdefs, TB_T_AIR_NUMBER_GRACE, OSMO_TDEF_US, 3600000000ull);

	if (co->has_air_number)
		co->t->air_free_at[co->air_number] = co->closed_us + grace;
}

/* ---- commands ----------------------------------------------------------- */

static const char *by_of(void *ctx, const struct tb_callout_who *who)
{
	return talloc_asprintf(ctx, "%s:%s", who->role ? who->role : "", who->name ? who->name : "");
}

/* Refuse responders that are busy in another open call-out (unless
 * override). */
static int check_busy(struct tb_callout_tracker *t, const struct tetra_identity *ids, unsigned n,
		      const struct tb_callout *except, void *ctx, char **errmsg)
{
	for (unsigned i = 0; i < n; i++) {
		struct tb_responder *r;
		struct tb_callout *other = busy_elsewhere(t, &ids[i], except, &r);

		if (other)
			return fail(ctx, errmsg, CODE(CONFLICT),
				    "%s is %s in call-out %" PRIu64 "; nothing was alerted. Say override to alert "
				    "them all the same", party(ctx, t, &ids[i]), tb_rstate_name(r->fi->state),
				    other->id);
	}
	return CODE(OK);
}

static struct tb_radio *radio_for(struct tb_callout_tracker *t, const char *name, bool queue_if_offline, void *ctx,
				  char **errmsg, int *code)
{
	struct tb_radio *radio = name && *name ? tb_radio_find(t->bridge, name) : NULL;

	if (!radio || !radio->outbox) {
		*code = fail(ctx, errmsg, CODE(UNKNOWN_RADIO), "this bridge has no radio named '%s' that can send; "
			     "`tetractl radios` lists the radios it has", name ? name : "");
		return NULL;
	}
	if (!queue_if_offline && !(radio->link && tb_radio_link_is_up(radio->link))) {
		*code = fail(ctx, errmsg, CODE(RADIO_OFFLINE), "radio %s is offline; nothing was alerted. Alert "
			     "through another radio, or say queue_if_offline to alert when it is back (the call-out "
			     "then escalates at once: the alerts cannot go out now)", radio->name);
		return NULL;
	}
	return radio;
}

/* As many as must accept can: the responders named, a group counting its
 * members in the roster. */
static int check_required(struct tb_callout_tracker *t, const struct tb_callout_new *req, void *ctx, char **errmsg)
{
	const struct tb_roster *roster = t->bridge->roster;
	unsigned required = req->required ? req->required : cfg_of(t)->required, can = 0;

	for (unsigned i = 0; i < req->n_responders; i++) {
		const struct tetra_identity *members;

		if (roster && tb_roster_is_group(roster, &req->responders[i]))
			can += tb_roster_members(roster, &req->responders[i], &members);
		else
			can++;
	}
	if (required > can)
		return fail(ctx, errmsg, CODE(INVALID_ARGUMENT), "%u must accept, but the responders named (a "
			    "group with the members the roster lists) are %u: ask for at most %u, or name more",
			    required, can, can);
	return CODE(OK);
}

int tb_callout_create(struct tb_callout_tracker *t, const struct tb_callout_new *req,
		      const struct tb_callout_who *who, struct tb_callout **out, void *ctx, char **errmsg)
{
	const struct tb_callout_config *cfg = cfg_of(t);
	struct tb_radio *radio;
	struct tb_callout *co;
	struct tb_responder *r;
	uint64_t id, now = tb_callout_now_us();
	uint32_t on_scene;
	const char *plan = req->plan && *req->plan ? req->plan : NULL;
	const char *by = by_of(ctx, who);
	Tetrabridge__V1__AlertMethod method;
	bool offline;
	int code = CODE(OK);
	uint8_t air = 0;

	if (!t->store)
		return fail(ctx, errmsg, CODE(INTERNAL), "call-outs cannot be stored now (the journal is not open)");
	if (t->n_open >= TB_CALLOUT_MAX_OPEN)
		return fail(ctx, errmsg, CODE(BUSY), "%u call-outs are open, the most this bridge keeps; close "
			    "some first", TB_CALLOUT_MAX_OPEN);
	if (req->severity < 1 || req->severity > TB_SEVERITY_MAX)
		return fail(ctx, errmsg, CODE(INVALID_ARGUMENT), "severity must be 1-15");
	if (!req->n_responders || req->n_responders > TB_CALLOUT_MAX_RESPONDERS)
		return fail(ctx, errmsg, CODE(INVALID_ARGUMENT), "a call-out needs 1-%u responders",
			    TB_CALLOUT_MAX_RESPONDERS);
	for (unsigned i = 0; i < req->n_responders; i++)
		for (unsigned j = 0; j < i; j++)
			if (same_party(&req->responders[i], &req->responders[j]))
				return fail(ctx, errmsg, CODE(INVALID_ARGUMENT), "%s is named twice",
					    party(ctx, t, &req->responders[i]));
	if ((code = check_required(t, req, ctx, errmsg)) != CODE(OK))
		return code;
	if (plan && !tb_callout_plan(cfg, plan))
		return fail(ctx, errmsg, CODE(INVALID_ARGUMENT), "there is no escalation plan '%s' in the config; "
			    "`show callout config` in the VTY lists them", plan);
	if (!plan && cfg->severity[req->severity].plan)
		plan = cfg->severity[req->severity].plan;
	radio = radio_for(t, req->radio, req->queue_if_offline, ctx, errmsg, &code);
	if (!radio)
		return code;
	if (!req->override && (code = check_busy(t, req->responders, req->n_responders, NULL, ctx, errmsg)) != CODE(OK))
		return code;
	method = req->method != TETRABRIDGE__V1__ALERT_METHOD__ALERT_DEFAULT ? req->method : cfg->method;
	if (method == TETRABRIDGE__V1__ALERT_METHOD__ALERT_CALLOUT) {
		uint8_t latin1[TB_CALLOUT_TEXT_MAX];
		size_t bits;

		if (tetra_text_from_utf8(req->text ? req->text : "", req->text ? strlen(req->text) : 0,
					 TETRA_TEXT_8859_1, latin1, sizeof(latin1), &bits) < 0)
			return fail(ctx, errmsg, CODE(INVALID_ARGUMENT), "a call-out PDU carries at most %u "
				    "characters of ISO 8859-1 (Latin-1); write the text without other characters, or "
				    "alert by text (method text)", TB_CALLOUT_TEXT_MAX);
		if (air_number_take(t, &air) < 0)
			return fail(ctx, errmsg, CODE(BUSY), "all 255 call-out numbers are in use or in their grace "
				    "period (timer callout X22); alert by text (method text) or close call-outs");
	}
	if (tb_callout_store_new(t->store, now, &id) < 0) {
		if (air)
			t->air_free_at[air] = 0;
		return fail(ctx, errmsg, CODE(BUSY), "the call-out could not be stored (see the daemon's log); "
			    "nothing was alerted, try again");
	}
	co = tb_callout_new_empty(t, id);
	if (!co) {
		if (air)
			t->air_free_at[air] = 0;
		return fail(ctx, errmsg, CODE(INTERNAL), "out of memory");
	}
	co->severity = (uint8_t)req->severity;
	co->text = talloc_strdup(co, req->text ? req->text : "");
	co->radio = talloc_strdup(co, radio->name);
	co->method = method;
	co->required = req->required ? req->required : cfg->required;
	co->plan = plan ? talloc_strdup(co, plan) : NULL;
	co->test = req->test;
	co->override = req->override;
	co->created_by = talloc_strdup(co, who->name ? who->name : "");
	co->created_role = talloc_strdup(co, who->role ? who->role : "");
	co->created_us = now;
	co->has_air_number = air != 0;
	co->air_number = air;
	co->answer_deadline_us = now + (uint64_t)tb_severity_deadline_s(cfg, co->severity) * 1000000u;
	on_scene = tb_severity_on_scene_s(cfg, co->severity);
	co->on_scene_due_us = on_scene ? now + (uint64_t)on_scene * 1000000u : 0;
	for (unsigned i = 0; i < req->n_responders; i++) {
		const struct tb_roster *roster = t->bridge->roster;

		if (!tb_responder_alloc(co, &req->responders[i],
					roster && tb_roster_is_group(roster, &req->responders[i]), 0)) {
			tb_callout_free(co);
			return fail(ctx, errmsg, CODE(INTERNAL), "out of memory");
		}
	}
	t->n_open++;
	t->stats.created++;
	{
		void *tmp = talloc_new(NULL);
		Tetrabridge__V1__CalloutChange ch;

		change_init(&ch, KIND(CREATED), co, "created", by, 0);
		publish(co, &ch, tmp);
		talloc_free(tmp);
	}
	LOGP(DCALLOUT, LOGL_NOTICE, "call-out %" PRIu64 " created (severity %u, %u responders)\n", co->id,
	     co->severity, co->n_responders);
	tb_callout_arm_deadline(co);
	arm_overdue(co);
	offline = !(radio->link && tb_radio_link_is_up(radio->link));
	llist_for_each_entry(r, &co->responders, entry) {
		if (r->fi->state != ST(QUEUED) || r->alerts || r->level)
			continue;
		tb_responder_start(r);
		if (offline && r->fi->state == ST(QUEUED)) {
			struct tb_r_input in = { .cause = "the radio is offline", .by = "radio" };

			tb_responder_input(r, R_EV_FAILED, &in);
		}
		if (is_closed(co))
			break;
	}
	*out = co;
	return CODE(OK);
}

static struct tb_callout *open_callout(struct tb_callout_tracker *t, uint64_t id, void *ctx, char **errmsg, int *code)
{
	struct tb_callout *co = tb_callout_find(t, id);

	if (!co) {
		*code = fail(ctx, errmsg, CODE(UNKNOWN_CALLOUT), "there is no call-out %" PRIu64 " on the board; "
			     "`tetractl callout board` lists them", id);
		return NULL;
	}
	if (is_closed(co)) {
		*code = fail(ctx, errmsg, CODE(CONFLICT), "call-out %" PRIu64 " is %s already", id,
			     tb_cstate_name(co->fi->state));
		return NULL;
	}
	return co;
}

/* End a call-out: every responder still open is cancelled or stood down
 * (and told so over the radio), then the call-out itself. */
static void end_callout(struct tb_callout *co, enum tb_c_event ev, const char *cause, const char *by)
{
	struct tb_c_input cin = { .cause = cause, .by = by };
	struct tb_r_input rin = { .cause = cause, .by = by };
	enum tb_r_event rev = ev == C_EV_CANCEL ? R_EV_CANCEL : R_EV_STAND_DOWN;
	struct tb_responder *r, *tmp;

	co->ending = true;
	co->closed_us = tb_callout_now_us();
	co->closed_by = talloc_strdup(co, by);
	co->alarm = false;
	co->answer_deadline_us = 0;
	llist_for_each_entry_safe(r, tmp, &co->responders, entry) {
		tb_rstate s = r->fi->state;
		bool tell = r->alerts && !tb_rstate_final(s);

		if (s == ST(NO_ANSWER))
			tell = true;	/* its radio may still be in call-out mode */
		if (!tb_rstate_final(s))
			tb_responder_input(r, rev, &rin);
		if (tell)
			tb_callout_send_stand_down(r, ev == C_EV_CANCEL ? "cancelled" : "closed");
	}
	tb_callout_input(co, ev, &cin);
	co->ending = false;
	air_number_release(co);
	co->t->n_open--;
	LOGP(DCALLOUT, LOGL_NOTICE, "call-out %" PRIu64 " %s\n", co->id, tb_cstate_name(co->fi->state));
}

int tb_callout_cancel(struct tb_callout_tracker *t, uint64_t id, const char *reason,
		      const struct tb_callout_who *who, struct tb_callout **out, void *ctx, char **errmsg)
{
	int code = CODE(OK);
	struct tb_callout *co = open_callout(t, id, ctx, errmsg, &code);
	char *cause;

	if (!co)
		return code;
	cause = talloc_asprintf(ctx, "cancelled%s%s", reason && *reason ? ": " : "", reason ? reason : "");
	end_callout(co, C_EV_CANCEL, cause, by_of(ctx, who));
	*out = co;
	return CODE(OK);
}

int tb_callout_close(struct tb_callout_tracker *t, uint64_t id, Tetrabridge__V1__CalloutOutcome outcome,
		     const char *reason, const struct tb_callout_who *who, struct tb_callout **out, void *ctx,
		     char **errmsg)
{
	int code = CODE(OK);
	struct tb_callout *co;
	char *cause;

	if (outcome == TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_NONE ||
	    outcome > TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_NOT_NEEDED)
		return fail(ctx, errmsg, CODE(INVALID_ARGUMENT), "closing needs an outcome: treated on site, handed "
			    "over to ambulance, to the doctor, transported, or not needed");
	co = open_callout(t, id, ctx, errmsg, &code);
	if (!co)
		return code;
	co->outcome = outcome;
	cause = talloc_asprintf(ctx, "closed: %s%s%s", tb_outcome_name(outcome), reason && *reason ? "; " : "",
				reason ? reason : "");
	end_callout(co, C_EV_CLOSE, cause, by_of(ctx, who));
	*out = co;
	return CODE(OK);
}

int tb_callout_ack(struct tb_callout_tracker *t, uint64_t id, const char *reason, const struct tb_callout_who *who,
		   struct tb_callout **out, void *ctx, char **errmsg)
{
	int code = CODE(OK);
	struct tb_callout *co = tb_callout_find(t, id);
	Tetrabridge__V1__CalloutChange ch;

	if (!co)
		return fail(ctx, errmsg, CODE(UNKNOWN_CALLOUT), "there is no call-out %" PRIu64 " on the board", id);
	if (!co->alarm)
		return fail(ctx, errmsg, CODE(CONFLICT), "call-out %" PRIu64 " has no escalation alarm on", id);
	co->alarm = false;
	change_init(&ch, KIND(ALARM_ACK), co, reason && *reason ? reason : "acknowledged", by_of(ctx, who), 0);
	publish(co, &ch, ctx);
	LOGP(DCALLOUT, LOGL_NOTICE, "call-out %" PRIu64 ": escalation alarm acknowledged\n", co->id);
	*out = co;
	return code;
}

int tb_callout_add(struct tb_callout_tracker *t, uint64_t id, const struct tetra_identity *responder, bool override,
		   const struct tb_callout_who *who, struct tb_callout **out, void *ctx, char **errmsg)
{
	int code = CODE(OK);
	struct tb_callout *co = open_callout(t, id, ctx, errmsg, &code);
	struct tb_responder *r;

	if (!co)
		return code;
	if (find_responder(co, responder))
		return fail(ctx, errmsg, CODE(CONFLICT), "%s is in call-out %" PRIu64 " already; re-alert them "
			    "instead", party(ctx, t, responder), id);
	if (co->n_responders >= TB_CALLOUT_MAX_RESPONDERS)
		return fail(ctx, errmsg, CODE(INVALID_ARGUMENT), "call-out %" PRIu64 " has %u responders, the most "
			    "one call-out takes", id, TB_CALLOUT_MAX_RESPONDERS);
	if (!override && (code = check_busy(t, responder, 1, co, ctx, errmsg)) != CODE(OK))
		return code;
	if (add_responder(co, responder, co->level, by_of(ctx, who), &r) < 0)
		return fail(ctx, errmsg, CODE(INTERNAL), "out of memory");
	tb_responder_start(r);
	*out = co;
	return CODE(OK);
}

static struct tb_responder *responder_of(struct tb_callout *co, const struct tetra_identity *id, void *ctx,
					 char **errmsg, int *code)
{
	struct tb_responder *r = find_responder(co, id);

	if (!r)
		*code = fail(ctx, errmsg, CODE(INVALID_ARGUMENT), "%s is not a responder of call-out %" PRIu64,
			     party(ctx, co->t, id), co->id);
	return r;
}

int tb_callout_realert(struct tb_callout_tracker *t, uint64_t id, const struct tetra_identity *responder,
		       const struct tb_callout_who *who, struct tb_callout **out, void *ctx, char **errmsg)
{
	int code = CODE(OK);
	struct tb_callout *co = open_callout(t, id, ctx, errmsg, &code);
	struct tb_responder *r = co ? responder_of(co, responder, ctx, errmsg, &code) : NULL;
	struct tb_r_input in = { .cause = "alerted again by hand", .by = by_of(ctx, who) };

	if (!r)
		return code;
	if (tb_responder_input(r, R_EV_REALERT, &in) < 0)
		return fail(ctx, errmsg, CODE(CONFLICT), "%s is %s: an alert again makes no sense now",
			    party(ctx, t, responder), tb_rstate_name(r->fi->state));
	*out = co;
	return CODE(OK);
}

int tb_callout_set(struct tb_callout_tracker *t, uint64_t id, const struct tetra_identity *responder,
		   tb_rstate state, const char *reason, const struct tb_callout_who *who,
		   struct tb_callout **out, void *ctx, char **errmsg)
{
	int code = CODE(OK);
	struct tb_callout *co;
	struct tb_responder *r;
	struct tb_r_input in = { .by = by_of(ctx, who), .target = state };

	if (!reason || !*reason)
		return fail(ctx, errmsg, CODE(INVALID_ARGUMENT), "setting a state by hand needs a reason, e.g. "
			    "\"confirmed by phone\"");
	if (state == ST(QUEUED) || state > ST(STOOD_DOWN))
		return fail(ctx, errmsg, CODE(INVALID_ARGUMENT), "a responder cannot be set to %s by hand; re-alert "
			    "them to send the alert again", tb_rstate_name(state));
	co = open_callout(t, id, ctx, errmsg, &code);
	r = co ? responder_of(co, responder, ctx, errmsg, &code) : NULL;
	if (!r)
		return code;
	in.cause = talloc_asprintf(ctx, "set by hand: %s", reason);
	if (tb_responder_input(r, R_EV_SET, &in) < 0)
		return fail(ctx, errmsg, CODE(CONFLICT), "%s is %s and cannot be set to %s",
			    party(ctx, t, responder), tb_rstate_name(r->fi->state), tb_rstate_name(state));
	*out = co;
	return CODE(OK);
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
	if (is_closed(co)) {
		air_number_release(co);
	} else {
		t->n_open++;
		if (co->has_air_number)
			t->air_free_at[co->air_number] = UINT64_MAX;
		arm_overdue(co);
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
	uint64_t keep = (uint64_t)cfg_of(t)->board_keep_s * 1000000u;
	struct tb_callout *co, *tmp;

	llist_for_each_entry_safe(co, tmp, &t->board, entry)
		if (is_closed(co) && co->closed_us + keep <= now)
			tb_callout_free(co);
	tb_callout_retention(t, now);
}

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
	t->bridge = b;
	INIT_LLIST_HEAD(&t->board);
	t->air_next = 1;
	osmo_timer_setup(&t->sweep, sweep_cb, t);
	return t;
}

int tb_callout_tracker_start(struct tb_callout_tracker *t, char **errmsg)
{
	const struct tb_callout_config *cfg = cfg_of(t);
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
