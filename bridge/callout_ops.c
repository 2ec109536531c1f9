/* What dispatchers do to call-outs: create, cancel, close, acknowledge
 * the alarm, add, re-alert and set a responder (callout.h). Every refusal
 * is a sentence a dispatcher can act on; it may name a responder (the
 * reply goes to the dispatcher), never the log.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/callout.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/talloc.h>

#include "bridge/bridge.h"
#include "bridge/callout_config.h"
#include "bridge/callout_int.h"
#include "bridge/callout_store.h"
#include "bridge/radio.h"
#include "bridge/roster.h"
#include "codecs/text.h"
#include "common/logging.h"
#include "radio-drivers/radio_link.h"

#define ST(x) TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_##x
#define CST(x) TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_##x
#define KIND(x) TETRABRIDGE__V1__CALLOUT_CHANGE__KIND__##x
#define CODE(x) TETRABRIDGE__V1__REPLY__CODE__##x

static int fail(void *ctx, char **errmsg, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(void *ctx, char **errmsg, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*errmsg = talloc_vasprintf(ctx, fmt, ap);
	va_end(ap);
	return code;
}

/* An open call-out other than except in which id has accepted (or is
 * further on); NULL when none. */
static struct tb_callout *busy_elsewhere(struct tb_callout_tracker *t, const struct tetra_identity *id,
					 const struct tb_callout *except, struct tb_responder **which)
{
	struct tb_responder *r;

	hash_for_each_possible(t->by_ssi, r, by_ssi, id->ssi) {
		if (r->co == except || tb_callout_is_closed(r->co) || !tb_callout_same_party(&r->id, id))
			continue;
		if (tb_rstate_accepted(r->fi->state) && r->fi->state != ST(DONE)) {
			*which = r;
			return r->co;
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
	unsigned required = req->required ? req->required : tb_callout_cfg(t)->required, can = 0;

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
	const struct tb_callout_config *cfg = tb_callout_cfg(t);
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
			if (tb_callout_same_party(&req->responders[i], &req->responders[j]))
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
		if (tb_callout_air_take(t, &air) < 0)
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
	/* The person's own deadline for the first level, else the severity's. */
	co->answer_deadline_us = now + (uint64_t)(req->deadline_s ? req->deadline_s :
						 tb_severity_deadline_s(cfg, co->severity)) * 1000000u;
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
	rate_ctr_inc2(t->ctrs, TB_CALLOUT_CTR_CREATED);
	{
		void *tmp = talloc_new(NULL);
		Tetrabridge__V1__CalloutChange ch;

		tb_callout_change_init(&ch, KIND(CREATED), co, "created", by, 0);
		tb_callout_publish(co, &ch, tmp);
		talloc_free(tmp);
	}
	LOGP(DCALLOUT, LOGL_NOTICE, "call-out %" PRIu64 " created (severity %u, %u responders)\n", co->id,
	     co->severity, co->n_responders);
	tb_callout_arm_deadline(co);
	tb_callout_arm_overdue(co);
	offline = !(radio->link && tb_radio_link_is_up(radio->link));
	llist_for_each_entry(r, &co->responders, entry) {
		if (r->fi->state != ST(QUEUED) || r->alerts || r->level)
			continue;
		tb_responder_start(r);
		if (offline && r->fi->state == ST(QUEUED)) {
			struct tb_r_input in = { .cause = "the radio is offline", .by = "radio" };

			tb_responder_input(r, R_EV_FAILED, &in);
		}
		if (tb_callout_is_closed(co))
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
	if (tb_callout_is_closed(co)) {
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
	tb_callout_air_release(co);
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
	tb_callout_change_init(&ch, KIND(ALARM_ACK), co, reason && *reason ? reason : "acknowledged", by_of(ctx, who), 0);
	tb_callout_publish(co, &ch, ctx);
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
	if (tb_callout_find_responder(co, responder))
		return fail(ctx, errmsg, CODE(CONFLICT), "%s is in call-out %" PRIu64 " already; re-alert them "
			    "instead", party(ctx, t, responder), id);
	if (co->n_responders >= TB_CALLOUT_MAX_RESPONDERS)
		return fail(ctx, errmsg, CODE(INVALID_ARGUMENT), "call-out %" PRIu64 " has %u responders, the most "
			    "one call-out takes", id, TB_CALLOUT_MAX_RESPONDERS);
	if (!override && (code = check_busy(t, responder, 1, co, ctx, errmsg)) != CODE(OK))
		return code;
	if (tb_callout_add_responder(co, responder, co->level, by_of(ctx, who), &r) < 0)
		return fail(ctx, errmsg, CODE(INTERNAL), "out of memory");
	tb_responder_start(r);
	*out = co;
	return CODE(OK);
}

static struct tb_responder *responder_of(struct tb_callout *co, const struct tetra_identity *id, void *ctx,
					 char **errmsg, int *code)
{
	struct tb_responder *r = tb_callout_find_responder(co, id);

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
