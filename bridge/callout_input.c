/* What the radios say about call-outs: the tracker reads every event the
 * bridge publishes (after it is stored) and turns those about responders
 * into inputs of their state machines.
 *
 *   outgoing (an alert's message id)  -> sent / delivered / read / failed
 *   status (mapped meaning)           -> accept, decline, en route, ...
 *   text (mapped answer, else a note) -> the same, or a note (health data)
 *   callout_pdu answer (air number)   -> the same, or a note
 *   location                          -> the responder's position
 *   radio offline                     -> alerts not sent yet fail
 *
 * The responder is found by identity in the open call-outs, newest first,
 * preferring one whose state takes the input; a member of a group that was
 * alerted joins the call-out with its answer. An answer nobody waits for is
 * an UNMATCHED change, never dropped. A status or text that means
 * "auto-ack" (the terminal's own acknowledgement timer) is recorded as
 * IGNORED: it is not a person's answer.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>
#include <string.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/talloc.h>

#include "bridge/bridge.h"
#include "bridge/callout_int.h"
#include "bridge/roster.h"
#include "codecs/text.h"
#include "common/log_context.h"
#include "common/logging.h"
#include "ipc/event_kind.h"

#define ST(x) TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_##x
#define CST(x) TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_##x
#define KIND(x) TETRABRIDGE__V1__CALLOUT_CHANGE__KIND__##x
#define MEANING(x) TETRABRIDGE__V1__ANSWER_MEANING__MEANING_##x
#define OUTST(x) TETRABRIDGE__V1__OUTGOING__STATE__##x

static bool open_co(const struct tb_callout *co)
{
	return co->fi->state != CST(CLOSED) && co->fi->state != CST(CANCELLED) && !co->ending;
}

/* Whether r is where ev most likely belongs: progress (en route, on
 * scene, handed over, done) to a call-out the responder accepted, a first
 * answer to one that waits for it. */
static bool likely(const struct tb_responder *r, int ev)
{
	tb_rstate s = r->fi->state;

	switch (ev) {
	case R_EV_EN_ROUTE:
	case R_EV_ON_SCENE:
	case R_EV_HANDED_OVER:
	case R_EV_DONE:
		return tb_rstate_accepted(s);
	case R_EV_ACCEPT:
	case R_EV_DECLINE:
	case R_EV_STANDBY:
		return tb_rstate_waiting(s) || s == ST(STANDBY) || s == ST(NO_ANSWER);
	default:
		return true;
	}
}

/* The responder id in the open call-outs, newest first: one where ev most
 * likely belongs, else one whose state takes ev (ev < 0: any), else the
 * newest at all (its FSM will refuse ev); else, when a group it belongs to
 * was alerted in an open call-out (of the given air number, when >= 0), it
 * joins that call-out. NULL: nobody. */
/* Keep the one in the newer call-out. */
static void newest(struct tb_responder **best, struct tb_responder *r)
{
	if (!*best || r->co->id > (*best)->co->id)
		*best = r;
}

static struct tb_responder *match(struct tb_callout_tracker *t, const struct tetra_identity *id, int ev,
				  int air_number, uint64_t input_seq, bool join)
{
	const struct tb_roster *roster = t->bridge->roster;
	struct tb_responder *first = NULL, *taker = NULL, *likeliest = NULL, *r;
	struct tb_callout *co;

	hash_for_each_possible(t->by_ssi, r, by_ssi, id->ssi) {
		co = r->co;
		if (r->is_group || !tb_callout_same_party(&r->id, id) || !open_co(co))
			continue;
		if (air_number >= 0 && (!co->has_air_number || co->air_number != air_number))
			continue;
		if (ev >= 0 && tb_responder_permits(r, ev)) {
			if (likely(r, ev))
				newest(&likeliest, r);
			else
				newest(&taker, r);
		}
		newest(&first, r);
	}
	if (ev < 0)
		return first;
	if (likeliest)
		return likeliest;
	if (taker)
		return taker;
	if (first || !join || !roster)
		return first;
	llist_for_each_entry_reverse(co, &t->board, entry) {
		if (!open_co(co))
			continue;
		if (air_number >= 0 && (!co->has_air_number || co->air_number != air_number))
			continue;
		llist_for_each_entry(r, &co->responders, entry)
			if (r->is_group && tb_roster_is_member(roster, &r->id, id))
				return tb_callout_join_group(co, r, id, input_seq);
	}
	return NULL;
}

static void unmatched(struct tb_callout_tracker *t, const Tetrabridge__V1__Event *in, const Tetrabridge__V1__Identity *who,
		      const char *cause)
{
	Tetrabridge__V1__Event ev = TETRABRIDGE__V1__EVENT__INIT;
	Tetrabridge__V1__CalloutChange ch = TETRABRIDGE__V1__CALLOUT_CHANGE__INIT;
	uint64_t seq;

	rate_ctr_inc2(t->ctrs, TB_CALLOUT_CTR_UNMATCHED);
	ch.kind = KIND(UNMATCHED);
	ch.responder = (Tetrabridge__V1__Identity *)who;
	ch.cause = (char *)cause;
	ch.by = (char *)"radio";
	ch.input_seq = in->seq;
	ev.radio = in->radio;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_CALLOUT;
	ev.callout = &ch;
	seq = tb_bridge_publish(t->bridge, &ev);
	TB_LOG_EVENT_SCOPE(in->radio, seq, tb_event_kind(&ev));
	/* Like every event: its seq in the log, its contents not. */
	LOGP(DCALLOUT, LOGL_INFO, "%s: an answer that matches no open call-out: event seq %" PRIu64 "\n", in->radio,
	     seq);
}

/* An answer of a given meaning from who (cause describes it for people). */
static void answer(struct tb_callout_tracker *t, const Tetrabridge__V1__Event *ev, const Tetrabridge__V1__Identity *who,
		   Tetrabridge__V1__AnswerMeaning meaning, int air_number, const char *cause)
{
	struct tetra_identity id;
	struct tb_responder *r;
	int rev = tb_r_event_of_meaning(meaning);
	struct tb_r_input in = { .cause = cause, .by = "radio", .input_seq = ev->seq };

	tb_callout_identity_from_pb(who, &id);
	if (meaning == MEANING(AUTO_ACK)) {
		r = match(t, &id, -1, air_number, ev->seq, false);
		if (r)
			tb_callout_note_change(r->co, r, KIND(IGNORED),
					       "the terminal's own acknowledgement timer: not a person's answer", "radio",
					       ev->seq);
		return;
	}
	if (rev < 0)
		return;
	r = match(t, &id, rev, air_number, ev->seq, true);
	if (!r) {
		unmatched(t, ev, who, cause);
		return;
	}
	tb_responder_input(r, rev, &in);
}

/* Keep a text from a responder with their open call-out (newest). */
static bool note(struct tb_callout_tracker *t, const Tetrabridge__V1__Event *ev, const Tetrabridge__V1__Identity *who,
		 const char *text, int air_number)
{
	struct tetra_identity id;
	struct tb_responder *r;
	size_t len;

	tb_callout_identity_from_pb(who, &id);
	r = match(t, &id, -1, air_number, ev->seq, true);
	if (!r || !text)
		return false;
	if (r->n_notes == TB_CALLOUT_MAX_NOTES) {
		talloc_free(r->notes[0]);
		memmove(&r->notes[0], &r->notes[1], sizeof(r->notes[0]) * (TB_CALLOUT_MAX_NOTES - 1));
		r->n_notes--;
	}
	/* Cut at a character boundary within the bound. */
	len = strlen(text);
	if (len > TB_CALLOUT_NOTE_MAX) {
		size_t cut = 0, n;

		while (cut < len && (n = tetra_utf8_seq_len(text + cut, len - cut)) && cut + n <= TB_CALLOUT_NOTE_MAX)
			cut += n;
		len = cut;
	}
	r->notes[r->n_notes++] = talloc_strndup(r, text, len);
	tb_callout_note_change(r->co, r, KIND(NOTE), "a text from the responder", "radio", ev->seq);
	return true;
}

static void on_outgoing(struct tb_callout_tracker *t, const Tetrabridge__V1__Event *ev)
{
	const Tetrabridge__V1__Outgoing *o = ev->outgoing;
	struct tb_r_input in = { .by = "radio", .input_seq = ev->seq };
	struct tb_responder *r;
	enum tb_r_event rev;

	switch (o->state) {
	case OUTST(SENT):
		rev = R_EV_SENT;
		break;
	case OUTST(DELIVERED):
		rev = R_EV_DELIVERED;
		break;
	case OUTST(CONSUMED):
		rev = R_EV_READ;
		break;
	case OUTST(FAILED):
		rev = R_EV_FAILED;
		in.cause = o->reason;
		break;
	default:
		return;
	}
	hash_for_each_possible(t->by_msg, r, by_msg, o->message_id) {
		if (r->message_id != o->message_id || !open_co(r->co))
			continue;
		tb_responder_input(r, rev, &in);
		return;
	}
}

static void on_location(struct tb_callout_tracker *t, const Tetrabridge__V1__Event *ev)
{
	const Tetrabridge__V1__Location *l = ev->location;
	struct tetra_identity id;
	struct tb_responder *r;

	if (!l->has_position || !l->calling)
		return;
	tb_callout_identity_from_pb(l->calling, &id);
	/* Positions attach only while the call-out is open, to a responder
	 * that is still in it. */
	hash_for_each_possible(t->by_ssi, r, by_ssi, id.ssi) {
		tb_rstate s = r->fi->state;

		if (!open_co(r->co) || r->is_group || !tb_callout_same_party(&r->id, &id) || s == ST(DECLINED) ||
		    s == ST(CANCELLED) || s == ST(STOOD_DOWN) || s == ST(DONE))
			continue;
		r->has_position = true;
		r->lat = l->latitude;
		r->lon = l->longitude;
		r->pos_time_us = ev->time_us;
		r->pos_seq = ev->seq;
		tb_callout_note_change(r->co, r, KIND(POSITION), "position report", "radio", ev->seq);
	}
}

static void on_radio(struct tb_callout_tracker *t, const Tetrabridge__V1__Event *ev)
{
	struct tb_r_input in = { .cause = "the radio went offline before the alert was sent", .by = "radio",
				 .input_seq = ev->seq };
	struct tb_callout *co;
	struct tb_responder *r, *tmp;

	if (ev->radio_state->state != TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_OFFLINE)
		return;
	llist_for_each_entry(co, &t->board, entry) {
		if (!open_co(co) || strcmp(co->radio, ev->radio))
			continue;
		llist_for_each_entry_safe(r, tmp, &co->responders, entry)
			if (r->fi->state == ST(QUEUED) && r->alerts)
				tb_responder_input(r, R_EV_FAILED, &in);
	}
}

static char *status_cause(void *ctx, const Tetrabridge__V1__Status *s)
{
	return talloc_asprintf(ctx, "status 0x%04x%s%s", s->value, s->name && *s->name ? " " : "",
			       s->name ? s->name : "");
}

void tb_callout_on_event(struct tb_callout_tracker *t, const Tetrabridge__V1__Event *ev)
{
	void *tmp;

	if (!t || !ev)
		return;
	switch (ev->body_case) {
	case TETRABRIDGE__V1__EVENT__BODY_OUTGOING:
		on_outgoing(t, ev);
		break;
	case TETRABRIDGE__V1__EVENT__BODY_STATUS:
		if (!ev->status->calling || ev->status->meaning == MEANING(NONE) ||
		    ev->status->meaning == MEANING(AVAILABLE))
			break;
		tmp = talloc_new(NULL);
		answer(t, ev, ev->status->calling, ev->status->meaning, -1, status_cause(tmp, ev->status));
		talloc_free(tmp);
		break;
	case TETRABRIDGE__V1__EVENT__BODY_TEXT:
		if (!ev->text->calling)
			break;
		if (ev->text->meaning != MEANING(NONE))
			answer(t, ev, ev->text->calling, ev->text->meaning, -1, "an answer text");
		else
			note(t, ev, ev->text->calling, ev->text->text, -1);
		break;
	case TETRABRIDGE__V1__EVENT__BODY_CALLOUT_PDU: {
		const Tetrabridge__V1__CalloutPdu *p = ev->callout_pdu;

		if (p->kind != 3 || !p->calling)	/* answers only */
			break;
		if (p->meaning != MEANING(NONE))
			answer(t, ev, p->calling, p->meaning, (int)p->number, "a call-out answer");
		else if (!note(t, ev, p->calling, p->text, (int)p->number))
			unmatched(t, ev, p->calling, "a call-out answer for no open call-out");
		break;
	}
	case TETRABRIDGE__V1__EVENT__BODY_LOCATION:
		on_location(t, ev);
		break;
	case TETRABRIDGE__V1__EVENT__BODY_RADIO_STATE:
		on_radio(t, ev);
		break;
	default:
		break;
	}
}
