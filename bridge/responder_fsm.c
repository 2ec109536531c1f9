/* One responder of a call-out: an osmo_fsm whose states are the proto's
 * ResponderState, so that what the table allows is what the stream shows.
 *
 *   QUEUED -> SENT -> DELIVERED -> READ        (the alert's outgoing steps)
 *      any of these -> ACCEPTED / STANDBY / DECLINED / EN_ROUTE / ...  (answers)
 *   ACCEPTED -> EN_ROUTE -> ON_SCENE -> HANDED_OVER -> DONE
 *   waiting (QUEUED..READ): every X23 without an answer the alert is sent
 *      again (same call-out number), `realerts` times; then NO_ANSWER
 *   FAILED: the send failed, a negative report, the radio offline
 *   CANCELLED / STOOD_DOWN: from any open state
 *   NO_ANSWER and FAILED still take answers: a late answer is recorded and
 *   flagged (late), not lost.
 *   SET: a dispatcher sets any state by hand, with a reason; recorded with
 *   who did it.
 *
 * An event that the table does not allow in a state is refused: counted,
 * logged at DEBUG (by call-out id and event name only) and, when it was an
 * answer, published as an IGNORED change so that the console sees it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/utils.h>

#include "bridge/bridge.h"
#include "bridge/callout_config.h"
#include "bridge/callout_int.h"
#include "common/logging.h"

#define ST(x) TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_##x
#define KIND(x) TETRABRIDGE__V1__CALLOUT_CHANGE__KIND__##x
#define S(x) (1u << (x))

static const struct value_string r_event_names[] = {
	{ R_EV_SENT, "SENT" },
	{ R_EV_DELIVERED, "DELIVERED" },
	{ R_EV_READ, "READ" },
	{ R_EV_FAILED, "FAILED" },
	{ R_EV_ACCEPT, "ACCEPT" },
	{ R_EV_STANDBY, "STANDBY" },
	{ R_EV_DECLINE, "DECLINE" },
	{ R_EV_EN_ROUTE, "EN_ROUTE" },
	{ R_EV_ON_SCENE, "ON_SCENE" },
	{ R_EV_HANDED_OVER, "HANDED_OVER" },
	{ R_EV_DONE, "DONE" },
	{ R_EV_REALERT, "REALERT" },
	{ R_EV_CANCEL, "CANCEL" },
	{ R_EV_STAND_DOWN, "STAND_DOWN" },
	{ R_EV_SET, "SET" },
	{ 0, NULL }
};

const char *tb_r_event_name(enum tb_r_event ev)
{
	return get_value_string(r_event_names, ev);
}

bool tb_rstate_waiting(tb_rstate s)
{
	return s == ST(QUEUED) || s == ST(SENT) || s == ST(DELIVERED) || s == ST(READ);
}

bool tb_rstate_accepted(tb_rstate s)
{
	return s == ST(ACCEPTED) || s == ST(EN_ROUTE) || s == ST(ON_SCENE) || s == ST(HANDED_OVER) || s == ST(DONE);
}

bool tb_rstate_on_scene(tb_rstate s)
{
	return s == ST(ON_SCENE) || s == ST(HANDED_OVER) || s == ST(DONE);
}

bool tb_rstate_final(tb_rstate s)
{
	return s == ST(DECLINED) || s == ST(DONE) || s == ST(NO_ANSWER) || s == ST(FAILED) || s == ST(CANCELLED) ||
	       s == ST(STOOD_DOWN);
}

int tb_r_event_of_meaning(Tetrabridge__V1__AnswerMeaning m)
{
	switch (m) {
	case TETRABRIDGE__V1__ANSWER_MEANING__MEANING_ACCEPT:
		return R_EV_ACCEPT;
	case TETRABRIDGE__V1__ANSWER_MEANING__MEANING_DECLINE:
		return R_EV_DECLINE;
	case TETRABRIDGE__V1__ANSWER_MEANING__MEANING_STANDBY:
		return R_EV_STANDBY;
	case TETRABRIDGE__V1__ANSWER_MEANING__MEANING_EN_ROUTE:
		return R_EV_EN_ROUTE;
	case TETRABRIDGE__V1__ANSWER_MEANING__MEANING_ON_SCENE:
		return R_EV_ON_SCENE;
	case TETRABRIDGE__V1__ANSWER_MEANING__MEANING_HANDED_OVER:
		return R_EV_HANDED_OVER;
	case TETRABRIDGE__V1__ANSWER_MEANING__MEANING_DONE:
		return R_EV_DONE;
	default:
		return -1;
	}
}

static bool is_answer(uint32_t ev)
{
	return ev >= R_EV_ACCEPT && ev <= R_EV_DONE;
}

/* The state an event leads to (R_EV_REALERT stays where it is). */
static tb_rstate target_of(const struct osmo_fsm_inst *fi, uint32_t ev, const struct tb_r_input *in)
{
	static const tb_rstate by_event[] = {
		[R_EV_SENT] = ST(SENT),
		[R_EV_DELIVERED] = ST(DELIVERED),
		[R_EV_READ] = ST(READ),
		[R_EV_FAILED] = ST(FAILED),
		[R_EV_ACCEPT] = ST(ACCEPTED),
		[R_EV_STANDBY] = ST(STANDBY),
		[R_EV_DECLINE] = ST(DECLINED),
		[R_EV_EN_ROUTE] = ST(EN_ROUTE),
		[R_EV_ON_SCENE] = ST(ON_SCENE),
		[R_EV_HANDED_OVER] = ST(HANDED_OVER),
		[R_EV_DONE] = ST(DONE),
		[R_EV_CANCEL] = ST(CANCELLED),
		[R_EV_STAND_DOWN] = ST(STOOD_DOWN),
	};

	if (ev == R_EV_SET)
		return in->target;
	if (ev == R_EV_REALERT)
		return fi->state;
	return by_event[ev];
}

static uint64_t realert_ms(void)
{
	return osmo_tdef_get(tb_callout_tdefs, TB_T_REALERT, OSMO_TDEF_MS, 40000);
}

/* Enter state with the wait timer running until r->deadline_us when the
 * state waits for an answer, else without a timer. */
static void enter(struct tb_responder *r, tb_rstate state)
{
	if (tb_rstate_waiting(state) && r->deadline_us)
		tb_callout_fsm_state_until(r->fi, state, r->deadline_us, TB_T_REALERT);
	else
		osmo_fsm_inst_state_chg(r->fi, state, 0, 0);
}

static void set_cause(struct tb_responder *r, const char *cause)
{
	talloc_free(r->cause);
	r->cause = cause ? talloc_strdup(r, cause) : NULL;
}

/* Send the alert (again) and wait X23 for an answer. */
static int alert(struct tb_responder *r)
{
	char *why = NULL;
	int rc;

	r->deadline_us = tb_callout_now_us() + realert_ms() * 1000;
	rc = tb_callout_send_alert(r, &why);
	if (rc < 0) {
		struct tb_r_input in = { .cause = why ? why : "the alert could not be queued", .by = "bridge" };

		r->deadline_us = 0;
		osmo_fsm_inst_dispatch(r->fi, R_EV_FAILED, &in);
		talloc_free(why);
		return rc;
	}
	r->alerts++;
	return 0;
}

static void r_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct tb_responder *r = fi->priv;
	const struct tb_r_input *in = data;
	tb_rstate old = fi->state, target = target_of(fi, event, in);
	Tetrabridge__V1__CalloutChange__Kind kind = KIND(RESPONDER);

	if (event == R_EV_REALERT) {
		/* A dispatcher's re-alert starts the count of re-alerts anew. */
		r->realerts_left = tb_callout_realerts(r->co->t);
		if (alert(r) < 0)
			return;
		tb_callout_note_change(r->co, r, KIND(REALERT), in->cause ? in->cause : "alerted again", in->by,
				       in->input_seq);
		if (!tb_rstate_waiting(old))
			target = ST(QUEUED);
		r->since_us = tb_callout_now_us();
		enter(r, target);
		if (target != old)
			tb_callout_responder_changed(r, old, in, KIND(RESPONDER));
		return;
	}
	if (is_answer(event) && (old == ST(NO_ANSWER) || r->late)) {
		r->late = true;
		kind = old == ST(NO_ANSWER) ? KIND(LATE_ANSWER) : KIND(RESPONDER);
	}
	if (!tb_rstate_waiting(target))
		r->deadline_us = 0;
	talloc_free(r->set_by);
	r->set_by = event == R_EV_SET ? talloc_strdup(r, in->by) : NULL;
	set_cause(r, in->cause ? in->cause : tb_r_event_name(event));
	r->since_us = tb_callout_now_us();
	enter(r, target);
	tb_callout_responder_changed(r, old, in, kind);
}

/* The wait for an answer ran out: alert again while re-alerts are left,
 * then no answer. */
static int r_timer_cb(struct osmo_fsm_inst *fi)
{
	struct tb_responder *r = fi->priv;
	struct tb_r_input in = { .by = "timer" };
	tb_rstate old = fi->state;

	if (r->realerts_left > 0) {
		r->realerts_left--;
		if (alert(r) < 0)
			return 0;
		tb_callout_note_change(r->co, r, KIND(REALERT), "no answer yet: alerted again", "timer", 0);
		enter(r, old);
		return 0;
	}
	r->deadline_us = 0;
	in.cause = talloc_asprintf(r, "no answer after %u alert%s", r->alerts, r->alerts == 1 ? "" : "s");
	set_cause(r, in.cause);
	r->since_us = tb_callout_now_us();
	enter(r, ST(NO_ANSWER));
	tb_callout_responder_changed(r, old, &in, KIND(RESPONDER));
	talloc_free((char *)in.cause);
	return 0;
}

#define ANSWERS (S(R_EV_ACCEPT) | S(R_EV_STANDBY) | S(R_EV_DECLINE) | S(R_EV_EN_ROUTE) | S(R_EV_ON_SCENE) | \
		 S(R_EV_HANDED_OVER) | S(R_EV_DONE))
#define ENDS (S(R_EV_CANCEL) | S(R_EV_STAND_DOWN) | S(R_EV_SET))
#define TO_ANSWERS (S(ST(ACCEPTED)) | S(ST(STANDBY)) | S(ST(DECLINED)) | S(ST(EN_ROUTE)) | S(ST(ON_SCENE)) | \
		    S(ST(HANDED_OVER)) | S(ST(DONE)))
#define TO_ENDS (S(ST(CANCELLED)) | S(ST(STOOD_DOWN)))
/* SET may lead anywhere but back to QUEUED. */
#define TO_ANY (0x7fffu & ~S(ST(QUEUED)))

#define STATE(st, events, outs) \
	[ST(st)] = { .name = #st, .in_event_mask = (events), .out_state_mask = (outs) | TO_ANY, .action = r_action }

static const struct osmo_fsm_state r_states[] = {
	STATE(QUEUED, S(R_EV_SENT) | S(R_EV_DELIVERED) | S(R_EV_READ) | S(R_EV_FAILED) | ANSWERS | S(R_EV_REALERT) | ENDS,
	      S(ST(QUEUED))),
	STATE(SENT, S(R_EV_DELIVERED) | S(R_EV_READ) | S(R_EV_FAILED) | ANSWERS | S(R_EV_REALERT) | ENDS,
	      S(ST(QUEUED))),
	STATE(DELIVERED, S(R_EV_READ) | ANSWERS | S(R_EV_REALERT) | ENDS, S(ST(QUEUED))),
	STATE(READ, ANSWERS | S(R_EV_REALERT) | ENDS, S(ST(QUEUED))),
	STATE(ACCEPTED, S(R_EV_DECLINE) | S(R_EV_EN_ROUTE) | S(R_EV_ON_SCENE) | S(R_EV_HANDED_OVER) | S(R_EV_DONE) | ENDS,
	      0),
	STATE(STANDBY, S(R_EV_ACCEPT) | S(R_EV_DECLINE) | S(R_EV_EN_ROUTE) | S(R_EV_ON_SCENE) | S(R_EV_REALERT) | ENDS,
	      S(ST(QUEUED))),
	STATE(DECLINED, S(R_EV_ACCEPT) | S(R_EV_SET), 0),
	STATE(EN_ROUTE, S(R_EV_ON_SCENE) | S(R_EV_HANDED_OVER) | S(R_EV_DONE) | ENDS, 0),
	STATE(ON_SCENE, S(R_EV_HANDED_OVER) | S(R_EV_DONE) | ENDS, 0),
	STATE(HANDED_OVER, S(R_EV_DONE) | ENDS, 0),
	STATE(DONE, S(R_EV_SET), 0),
	STATE(NO_ANSWER, ANSWERS | S(R_EV_REALERT) | ENDS, S(ST(QUEUED))),
	STATE(FAILED, ANSWERS | S(R_EV_DELIVERED) | S(R_EV_READ) | S(R_EV_REALERT) | ENDS, S(ST(QUEUED))),
	STATE(CANCELLED, S(R_EV_SET), 0),
	STATE(STOOD_DOWN, S(R_EV_SET), 0),
};

static struct osmo_fsm responder_fsm = {
	.name = "responder",
	.states = r_states,
	.num_states = ARRAY_SIZE(r_states),
	.event_names = r_event_names,
	.timer_cb = r_timer_cb,
	.log_subsys = DCALLOUT,
};

void tb_responder_fsm_init(void)
{
	OSMO_ASSERT(osmo_fsm_register(&responder_fsm) == 0);
}

struct tb_responder *tb_responder_alloc(struct tb_callout *co, const struct tetra_identity *id, bool is_group,
					uint8_t level)
{
	struct tb_responder *r = talloc_zero(co, struct tb_responder);

	if (!r)
		return NULL;
	r->fi = osmo_fsm_inst_alloc(&responder_fsm, r, r, LOGL_DEBUG, NULL);
	if (!r->fi) {
		talloc_free(r);
		return NULL;
	}
	/* The instance id names the call-out and the responder's place in it,
	 * never the identity (logs must not carry identities). */
	osmo_fsm_inst_update_id_f(r->fi, "co%" PRIu64 "-r%u", co->id, co->n_responders);
	r->co = co;
	r->id = *id;
	r->is_group = is_group;
	r->level = level;
	r->since_us = tb_callout_now_us();
	hash_add(co->t->by_ssi, &r->by_ssi, r->id.ssi);
	INIT_HLIST_NODE(&r->by_msg);
	llist_add_tail(&r->entry, &co->responders);
	co->n_responders++;
	return r;
}

void tb_responder_free(struct tb_responder *r)
{
	if (!r)
		return;
	llist_del(&r->entry);
	hash_del(&r->by_ssi);
	if (!hlist_unhashed(&r->by_msg))
		hash_del(&r->by_msg);
	r->co->n_responders--;
	osmo_fsm_inst_free(r->fi);
	talloc_free(r);
}

void tb_responder_set_message(struct tb_responder *r, uint64_t message_id)
{
	if (!hlist_unhashed(&r->by_msg))
		hash_del(&r->by_msg);
	r->message_id = message_id;
	if (message_id)
		hash_add(r->co->t->by_msg, &r->by_msg, message_id);
}

bool tb_responder_permits(const struct tb_responder *r, enum tb_r_event ev)
{
	return (r_states[r->fi->state].in_event_mask & S(ev)) != 0;
}

int tb_responder_input(struct tb_responder *r, enum tb_r_event ev, const struct tb_r_input *in)
{
	if (!tb_responder_permits(r, ev)) {
		rate_ctr_inc2(r->co->t->ctrs, TB_CALLOUT_CTR_REFUSED_INPUTS);
		LOGPFSML(r->fi, LOGL_DEBUG, "event %s refused in state %s\n", tb_r_event_name(ev),
			 osmo_fsm_inst_state_name(r->fi));
		if (is_answer(ev) || ev == R_EV_REALERT) {
			char *cause = talloc_asprintf(r, "%s refused: the responder is %s%s%s",
						      tb_r_event_name(ev), tb_rstate_name(r->fi->state),
						      in->cause ? "; " : "", in->cause ? in->cause : "");
			tb_callout_note_change(r->co, r, KIND(IGNORED), cause, in->by, in->input_seq);
			talloc_free(cause);
		}
		return -EPERM;
	}
	return osmo_fsm_inst_dispatch(r->fi, ev, (void *)in) < 0 ? -EPERM : 0;
}

void tb_responder_restore(struct tb_responder *r, tb_rstate state)
{
	/* A wait whose deadline passed while the daemon was down fires at
	 * once: enter() arms it with 1 ms. */
	enter(r, state);
}

void tb_responder_start(struct tb_responder *r)
{
	r->realerts_left = tb_callout_realerts(r->co->t);
	if (alert(r) < 0)
		return;
	enter(r, ST(QUEUED));
}
