/* The outgoing queue of one radio; see outbox.h.
 *
 * One SDS is in flight per terminal (o->cur, one part of one message): the
 * radio layer sends it (a TNSDS-SEND.req to the link, radio-drivers/
 * sds_send.h) and answers with TNSDS-SEND.conf primitives: taken, then sent
 * or failed. Which failures are tried again, and when, is decided here.
 *
 * Everything that sends runs from the one timer (o->timer), never from a
 * primitive handler: a confirm may come from inside the AT engine (e.g. its
 * link-down callbacks), and the queue's order stays simple. The timer is
 * armed at the nearest thing due: the next send, a retry, a deadline, a
 * report wait.
 *
 * Health data: logs name messages by id and state; destinations and texts
 * never appear, not even at DEBUG.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/outbox.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "bridge/outbox_store.h"
#include "codecs/lip.h"
#include "codecs/sds_encode.h"
#include "codecs/sds_tl.h"
#include "codecs/tetra_names.h"
#include "common/counters.h"
#include "common/log_context.h"
#include "common/logging.h"
#include "radio-drivers/radio_link.h"

struct osmo_tdef tb_outbox_tdefs[] = {
	{ .T = TB_T_SEND_DEADLINE, .default_val = 300, .unit = OSMO_TDEF_S,
	  .desc = "Time a message has to be taken by the terminal when the client gave no deadline; "
		  "then it fails" },
	{ .T = TB_T_REPORT_WAIT, .default_val = 120, .unit = OSMO_TDEF_S,
	  .desc = "Time to wait, after a text was sent, for the delivery report it asked for; then it fails" },
	{ .T = TB_T_BUSY_RETRY_MIN, .default_val = 500, .unit = OSMO_TDEF_MS,
	  .desc = "First delay before sending again when the terminal was busy or did not answer "
		  "(doubles with each retry)" },
	{ .T = TB_T_BUSY_RETRY_MAX, .default_val = 8000, .unit = OSMO_TDEF_MS,
	  .desc = "Longest delay between two retries of a message" },
	{ .T = TB_T_AIR_WAIT, .default_val = 30, .unit = OSMO_TDEF_S,
	  .desc = "Time the terminal has to report that a message it took went over the air; then it "
		  "counts as sent and the next message goes" },
	{}
};

static __attribute__((constructor)) void outbox_tdefs_reset(void)
{
	osmo_tdefs_reset(tb_outbox_tdefs);
}

/* Answers to incoming messages waiting at once; more are dropped (a flood
 * of incoming texts must not grow memory without bound). */
#define OUTBOX_MAX_ANSWERS 64

#define ST(x) TETRABRIDGE__V1__OUTGOING__STATE__##x
#define RC(x) TETRABRIDGE__V1__REPLY__CODE__##x

struct out_msg {
	struct llist_head list;		/* in o->msgs or o->answers */
	struct tb_outbox_row r;		/* r.text, r.payload and r.client point to talloc children */
	bool answer;			/* an SDS-REPORT answering an incoming message */
	uint8_t answer_pid;
	uint8_t answer_ref;
	uint64_t retry_at_us;		/* not before this (0: now) */
	unsigned retry_ms;		/* the last retry delay, 0: none yet */
	uint16_t air_unknown;		/* parts taken before a restart: their air result is lost */
	uint64_t air_unknown_due_us;
};

struct tb_outbox {
	char *name;
	struct tb_outbox_store *store;
	tb_outbox_publish_cb publish;
	void *publish_data;
	struct tb_radio_link *link;

	struct llist_head msgs;		/* client messages, id order */
	struct llist_head answers;	/* SDS-REPORTs to send, arrival order */
	unsigned n_msgs, n_answers;
	uint64_t next_local_id;		/* ids without a store */
	uint8_t next_ref;		/* SDS-TL message reference of the next part */
	bool stopped;
	struct osmo_timer_list timer;

	/* The SDS in flight: part cur_part of cur, the link's request
	 * cur_handle (NULL: none). */
	struct out_msg *cur;
	unsigned cur_part;
	uint64_t cur_handle;
	uint64_t next_handle;

	struct rate_ctr_group *ctrs;		/* enum tb_outbox_ctr */
	struct osmo_stat_item_group *stats;	/* enum tb_outbox_stat */
};

static const struct rate_ctr_desc outbox_ctr_desc[] = {
	[TB_OUTBOX_CTR_QUEUED] = { "queued", "Messages clients queued" },
	[TB_OUTBOX_CTR_RETRIES] = { "retries", "Messages to be sent again (terminal busy, no answer, link lost)" },
	[TB_OUTBOX_CTR_SENT] = { "final:sent",
				 "Messages done: sent (statuses, location requests, texts without a report)" },
	[TB_OUTBOX_CTR_DELIVERED] = { "final:delivered", "Messages done: delivered (report: received)" },
	[TB_OUTBOX_CTR_CONSUMED] = { "final:consumed", "Messages done: consumed (report: read)" },
	[TB_OUTBOX_CTR_FAILED] = { "final:failed", "Messages done: failed" },
	[TB_OUTBOX_CTR_ANSWERS] = { "answers", "Delivery reports sent for incoming messages that asked" },
	[TB_OUTBOX_CTR_ANSWERS_FAILED] = { "answers:failed", "Delivery reports for incoming messages not sent" },
};

static const struct rate_ctr_group_desc outbox_ctrg_desc = {
	.group_name_prefix = "outgoing",
	.group_description = "Outgoing queue of a radio",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(outbox_ctr_desc),
	.ctr_desc = outbox_ctr_desc,
};

static const struct osmo_stat_item_desc outbox_stat_desc[] = {
	[TB_OUTBOX_STAT_WAITING] = { "waiting", "Messages queued, in flight or waiting for their reports",
				     "messages", 0, 0 },
};

static const struct osmo_stat_item_group_desc outbox_statg_desc = {
	.group_name_prefix = "outgoing",
	.group_description = "Outgoing queue of a radio",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_items = ARRAY_SIZE(outbox_stat_desc),
	.item_desc = outbox_stat_desc,
};

/* The number of client messages changed. */
static void waiting_changed(struct tb_outbox *o)
{
	tb_stat_set(o->stats, TB_OUTBOX_STAT_WAITING, o->n_msgs);
}

static void schedule(struct tb_outbox *o);

/* ---- helpers -------------------------------------------------------------- */

static uint64_t now_us(void)
{
	struct timeval tv;

	/* osmo_gettimeofday: what osmo_timer runs on, and what tests fake. */
	osmo_gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}

static unsigned long tdef_ms(int T)
{
	return osmo_tdef_get(tb_outbox_tdefs, T, OSMO_TDEF_MS, -1);
}

static unsigned long tdef_s(int T)
{
	return osmo_tdef_get(tb_outbox_tdefs, T, OSMO_TDEF_S, -1);
}

static uint16_t all_parts(const struct out_msg *m)
{
	return (uint16_t)((1u << m->r.parts) - 1);
}

static const char *state_name(unsigned s)
{
	static const struct value_string names[] = {
		{ ST(QUEUED), "queued" }, { ST(TAKEN), "taken" }, { ST(SENT), "sent" },
		{ ST(DELIVERED), "delivered" }, { ST(CONSUMED), "consumed" }, { ST(FAILED), "failed" },
		{ ST(RETRYING), "retrying" }, { 0, NULL }
	};
	return get_value_string(names, s);
}

/* How far a state is along the way; QUEUED and RETRYING are the start. */
static int rank(unsigned state)
{
	switch (state) {
	case ST(TAKEN):
		return 1;
	case ST(SENT):
		return 2;
	case ST(DELIVERED):
		return 3;
	case ST(CONSUMED):
		return 4;
	default:
		return 0;
	}
}

/* Kinds sent as SDS-TL TRANSFERs of the bridge's own: they have message
 * references, may ask for delivery reports, and reports are matched to them. */
static bool is_sds_tl(uint8_t kind)
{
	return kind == TB_OUT_TEXT || kind == TB_OUT_CALLOUT;
}

/* The state at which a message is done. */
static unsigned final_state(const struct out_msg *m)
{
	if (!is_sds_tl(m->r.kind) || m->r.report_request == 0)
		return ST(SENT);
	if (m->r.report_request == 1)
		return ST(DELIVERED);
	return ST(CONSUMED);
}

static bool wants_report(const struct out_msg *m)
{
	return is_sds_tl(m->r.kind) && m->r.report_request != 0;
}

/* Lowest part not yet taken, or -1. */
static int next_part(const struct out_msg *m)
{
	for (unsigned i = 0; i < m->r.parts; i++)
		if (!(m->r.taken & (1u << i)))
			return (int)i;
	return -1;
}

/* Nothing is in flight any more for the queue; the link is told that no
 * answer about the SDS it may still be busy with is wanted. */
static void flight_release(struct tb_outbox *o)
{
	struct tetra_prim prim;

	if (!o->cur)
		return;
	o->cur = NULL;
	if (!o->link)
		return;
	memset(&prim, 0, sizeof(prim));
	osmo_prim_init(&prim.oph, TETRA_SAP_TNSDS, TETRA_TNSDS_SEND_RELEASE, PRIM_OP_REQUEST, NULL);
	prim.u.sds_send_release.handle = o->cur_handle;
	tb_radio_link_prim_down(o->link, &prim);
}

/* ---- events and the store -------------------------------------------------- */

static void publish(struct tb_outbox *o, const struct out_msg *m, unsigned state, const char *reason,
		    unsigned delivery_status, int cme, bool final)
{
	Tetrabridge__V1__Event ev = TETRABRIDGE__V1__EVENT__INIT;
	Tetrabridge__V1__Outgoing og = TETRABRIDGE__V1__OUTGOING__INIT;
	Tetrabridge__V1__Identity to = TETRABRIDGE__V1__IDENTITY__INIT;
	uint32_t refs[TB_OUTBOX_MAX_PARTS];

	if (m->answer)
		return;
	to.type = (Tetrabridge__V1__IdentityType)m->r.to.type;
	to.mcc = m->r.to.mcc;
	to.mnc = m->r.to.mnc;
	to.ssi = m->r.to.ssi;
	og.message_id = m->r.id;
	og.kind = (Tetrabridge__V1__Outgoing__Kind)m->r.kind;
	og.state = (Tetrabridge__V1__Outgoing__State)state;
	og.to = &to;
	if (is_sds_tl(m->r.kind)) {
		for (unsigned i = 0; i < m->r.parts; i++)
			refs[i] = m->r.msg_refs[i];
		og.n_message_references = m->r.parts;
		og.message_references = refs;
	}
	og.parts = m->r.parts;
	og.reason = (char *)(reason ? reason : "");
	og.attempts = m->r.attempts;
	og.client = (char *)(m->r.client ? m->r.client : "");
	og.final = final;
	og.delivery_status = delivery_status;
	og.has_cme_error = cme >= 0;
	og.cme_error = cme >= 0 ? cme : 0;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_OUTGOING;
	ev.outgoing = &og;
	if (o->publish)
		o->publish(&ev, o->publish_data);
}

static void store_progress(struct tb_outbox *o, struct out_msg *m)
{
	if (m->answer || !o->store)
		return;
	/* A failure is logged by the store; the message goes on in memory. */
	tb_outbox_store_update(o->store, &m->r);
}

static void msg_free(struct tb_outbox *o, struct out_msg *m)
{
	if (o->cur == m)
		flight_release(o);
	llist_del(&m->list);
	if (m->answer) {
		o->n_answers--;
	} else {
		o->n_msgs--;
		waiting_changed(o);
	}
	talloc_free(m);
}

static void count_final(struct tb_outbox *o, unsigned state)
{
	switch (state) {
	case ST(SENT):
		rate_ctr_inc2(o->ctrs, TB_OUTBOX_CTR_SENT);
		break;
	case ST(DELIVERED):
		rate_ctr_inc2(o->ctrs, TB_OUTBOX_CTR_DELIVERED);
		break;
	case ST(CONSUMED):
		rate_ctr_inc2(o->ctrs, TB_OUTBOX_CTR_CONSUMED);
		break;
	default:
		rate_ctr_inc2(o->ctrs, TB_OUTBOX_CTR_FAILED);
		break;
	}
}

/* The message is done: its final event, out of the store, out of memory. */
static void msg_final(struct tb_outbox *o, struct out_msg *m, unsigned state, const char *reason,
		      unsigned delivery_status, int cme)
{
	m->r.state = state;
	if (!m->answer) {
		LOGP(DSDS, LOGL_INFO, "%s: message %" PRIu64 " %s (final)\n", o->name, m->r.id, state_name(state));
		count_final(o, state);
		publish(o, m, state, reason, delivery_status, cme, true);
		if (o->store)
			tb_outbox_store_delete(o->store, m->r.id);
	}
	msg_free(o, m);
}

static void msg_fail(struct tb_outbox *o, struct out_msg *m, const char *reason, unsigned delivery_status,
		     int cme)
{
	if (m->answer) {
		LOGP(DSDS, LOGL_NOTICE, "%s: a delivery report answering an incoming message was not sent: %s\n",
		     o->name, reason);
		rate_ctr_inc2(o->ctrs, TB_OUTBOX_CTR_ANSWERS_FAILED);
		msg_free(o, m);
		return;
	}
	LOGP(DSDS, LOGL_NOTICE, "%s: message %" PRIu64 " failed: %s\n", o->name, m->r.id, reason);
	msg_final(o, m, ST(FAILED), reason, delivery_status, cme);
}

/* After a part moved: publish the message's new state, if it has one. */
static void msg_advance(struct tb_outbox *o, struct out_msg *m, unsigned delivery_status)
{
	uint16_t full = all_parts(m);
	unsigned st;

	if (m->answer) {
		if ((m->r.sent & full) == full) {
			rate_ctr_inc2(o->ctrs, TB_OUTBOX_CTR_ANSWERS);
			msg_free(o, m);
		}
		return;
	}
	if ((m->r.consumed & full) == full)
		st = ST(CONSUMED);
	else if ((m->r.delivered & full) == full)
		st = ST(DELIVERED);
	else if ((m->r.sent & full) == full)
		st = ST(SENT);
	else if ((m->r.taken & full) == full)
		st = ST(TAKEN);
	else {
		store_progress(o, m);	/* a part moved, the message did not */
		return;
	}
	if (rank(st) <= rank(m->r.state)) {
		store_progress(o, m);
		return;
	}
	if (rank(st) >= rank(final_state(m))) {
		msg_final(o, m, st, NULL, rank(st) >= rank(ST(DELIVERED)) ? delivery_status : 0, -1);
		return;
	}
	m->r.state = st;
	if (rank(st) >= rank(ST(SENT)) && wants_report(m) && !m->r.report_due_us)
		m->r.report_due_us = now_us() + tdef_ms(TB_T_REPORT_WAIT) * 1000u;
	LOGP(DSDS, LOGL_INFO, "%s: message %" PRIu64 " %s\n", o->name, m->r.id, state_name(st));
	publish(o, m, st, NULL, rank(st) >= rank(ST(DELIVERED)) ? delivery_status : 0, -1, false);
	store_progress(o, m);
}

/* Busy, no answer, link lost: try again later. */
static void msg_retry(struct tb_outbox *o, struct out_msg *m, const char *reason, int cme, bool wait)
{
	uint64_t now = now_us();

	if (now >= m->r.deadline_us) {
		char why[96];

		snprintf(why, sizeof(why), "not sent within %" PRIu64 " s (deadline)",
			 (m->r.deadline_us - m->r.created_us + 500000u) / 1000000u);
		msg_fail(o, m, why, 0, -1);
		return;
	}
	if (wait) {
		unsigned long min = tdef_ms(TB_T_BUSY_RETRY_MIN), max = tdef_ms(TB_T_BUSY_RETRY_MAX);

		m->retry_ms = m->retry_ms ? m->retry_ms * 2 : min;
		if (m->retry_ms > max)
			m->retry_ms = max;
		if (m->retry_ms < min)
			m->retry_ms = min;
		m->retry_at_us = now + (uint64_t)m->retry_ms * 1000u;
	} else {
		m->retry_at_us = 0;	/* as soon as the link is up */
	}
	if (m->answer) {
		LOGP(DSDS, LOGL_DEBUG, "%s: delivery report answer: %s; again later\n", o->name, reason);
		return;
	}
	LOGP(DSDS, LOGL_INFO, "%s: message %" PRIu64 " retrying: %s\n", o->name, m->r.id, reason);
	rate_ctr_inc2(o->ctrs, TB_OUTBOX_CTR_RETRIES);
	m->r.state = ST(RETRYING);
	publish(o, m, ST(RETRYING), reason, 0, cme, false);
	store_progress(o, m);
}

/* ---- sending ----------------------------------------------------------------- */

/* A text message's PDUs, immediate or not, starting at message reference
 * ref (also its concatenation reference). Returns the number of parts or a
 * codec error (tetra_sds_encode_text()). */
static int encode_text(const struct tb_outbox_row *r, uint8_t ref, struct tetra_sds_pdu *pdus)
{
	if (r->immediate)
		return tetra_sds_encode_immediate_text(r->text, r->text_len, ref, r->report_request, ref, pdus,
						       TB_OUTBOX_MAX_PARTS);
	return tetra_sds_encode_text(r->text, r->text_len, ref, r->report_request, ref, pdus, TB_OUTBOX_MAX_PARTS);
}

/* A part's user data as a send request: fills req's ai_service, bits and
 * data. Returns NULL or a sentence. */
static const char *encode_part(struct tb_outbox *o, const struct out_msg *m, unsigned part,
			       struct tetra_sds_send_req *req)
{
	struct tetra_sds_pdu *pdus = NULL, one;
	const struct tetra_sds_pdu *p = &one;
	const char *why = NULL;
	int rc;

	memset(&one, 0, sizeof(one));
	req->ai_service = TETRA_AI_SDS_TYPE4;
	if (m->answer) {
		rc = tetra_sds_encode_report(m->answer_pid, TETRA_SDS_ST_RECEIVED, m->answer_ref, &one);
		if (rc < 0)
			return "the report could not be encoded";
	} else {
		switch (m->r.kind) {
		case TB_OUT_STATUS:
			if (tetra_status_encode(m->r.status_value, &one) < 0)
				return "the status could not be encoded";
			req->ai_service = TETRA_AI_STATUS;
			break;
		case TB_OUT_LOCATION_REQUEST: {
			size_t bits = 0;

			one.data[0] = 0x0A;	/* PID: LIP */
			rc = tetra_lip_encode_immediate_request(m->r.long_report ? TETRA_LIP_REPORT_LONG
										 : TETRA_LIP_REPORT_SHORT,
								one.data + 1, sizeof(one.data) - 1, &bits);
			if (rc < 0)
				return "the location request could not be encoded";
			one.bits = (uint16_t)(8 + bits);
			break;
		}
		case TB_OUT_TEXT:
			/* Encoded again for each part: deterministic, and only one
			 * message's parts are in memory at a time. */
			pdus = talloc_array(o, struct tetra_sds_pdu, TB_OUTBOX_MAX_PARTS);
			if (!pdus)
				return "out of memory";
			rc = encode_text(&m->r, m->r.msg_refs[0], pdus);
			if (rc != (int)m->r.parts) {
				why = "the text no longer encodes as it did when it was queued";
				goto out;
			}
			p = &pdus[part];
			break;
		case TB_OUT_CALLOUT:
			/* Short form report bit 0, as in the captured alert. */
			if (tetra_sds_encode_transfer(TB_OUT_CALLOUT_PID, m->r.report_request, false, m->r.msg_refs[0],
						      m->r.payload, m->r.payload_len, &one) < 0 || !m->r.payload)
				return "the call-out PDU could not be encoded";
			break;
		default:
			return "unknown kind of message";
		}
	}
	if (p->bits == 0 || p->bits > 8 * TETRA_SDS_MAX_BYTES) {
		why = "the message could not be encoded";
		goto out;
	}
	req->bits = p->bits;
	memcpy(req->data, p->data, sizeof(req->data));
out:
	talloc_free(pdus);
	return why;
}

/* The radio layer's answer about the part in flight. */
static void on_send_cnf(struct tb_outbox *o, const struct tetra_sds_send_cnf *c)
{
	struct out_msg *m = o->cur;
	unsigned part = o->cur_part;

	if (!m || c->handle != o->cur_handle) {
		LOGP(DSDS, LOGL_DEBUG, "%s: a send confirm for no message in flight\n", o->name);
		return;
	}
	if (c->submitted && c->state != TETRA_SDS_SEND_SENT)
		m->r.attempts++;	/* one AT+CMGS, counted once: taken, or failed */
	switch (c->state) {
	case TETRA_SDS_SEND_TAKEN:
		m->retry_ms = 0;
		m->r.taken |= 1u << part;
		if (m->answer)
			LOGP(DSDS, LOGL_DEBUG, "%s: delivery report answer taken (instance %d)\n", o->name,
			     c->sds_inst);
		else
			LOGP(DSDS, LOGL_INFO, "%s: message %" PRIu64 " part %u/%u taken (instance %d)\n", o->name,
			     m->r.id, part + 1, m->r.parts, c->sds_inst);
		msg_advance(o, m, 0);	/* may publish TAKEN; never final here */
		break;
	case TETRA_SDS_SEND_SENT:
		o->cur = NULL;
		if (c->assumed && !m->answer)
			LOGP(DSDS, LOGL_NOTICE, "%s: message %" PRIu64 ": %s; counted as sent\n", o->name, m->r.id,
			     c->reason);
		m->r.sent |= 1u << part;
		msg_advance(o, m, 0);
		break;
	case TETRA_SDS_SEND_FAILED:
	default:
		o->cur = NULL;
		switch (c->cause) {
		case TETRA_SDS_SEND_BUSY:
			msg_retry(o, m, c->reason, c->cme, true);
			break;
		case TETRA_SDS_SEND_NO_ANSWER:
			msg_retry(o, m, c->reason, -1, true);
			break;
		case TETRA_SDS_SEND_LINK_LOST:
			msg_retry(o, m, c->reason, -1, false);
			break;
		default:	/* refused, or failed on the air */
			msg_fail(o, m, c->reason, 0, c->cme);
			break;
		}
		break;
	}
	schedule(o);
}

/* Hand part `part` of m to the radio layer. */
static void send_part(struct tb_outbox *o, struct out_msg *m, unsigned part)
{
	struct tetra_prim prim;
	struct tetra_sds_send_req *req = &prim.u.sds_send_req;
	const char *why;
	int rc;

	memset(&prim, 0, sizeof(prim));
	osmo_prim_init(&prim.oph, TETRA_SAP_TNSDS, TETRA_TNSDS_SEND, PRIM_OP_REQUEST, NULL);
	why = encode_part(o, m, part, req);
	if (why) {
		msg_fail(o, m, why, 0, -1);
		return;
	}
	req->to = m->r.to;
	req->handle = ++o->next_handle;
	/* Set before the request: a write that fails at once is confirmed
	 * from inside it. */
	o->cur = m;
	o->cur_part = part;
	o->cur_handle = req->handle;
	if (m->answer)
		LOGP(DSDS, LOGL_DEBUG, "%s: sending a delivery report answer\n", o->name);
	else
		LOGP(DSDS, LOGL_DEBUG, "%s: message %" PRIu64 " part %u/%u: sending\n", o->name, m->r.id, part + 1,
		     m->r.parts);
	rc = tb_radio_link_prim_down(o->link, &prim);
	if (rc < 0 && o->cur == m && o->cur_handle == req->handle) {
		o->cur = NULL;
		if (rc == -EINVAL)	/* a request the radio layer can never send */
			msg_fail(o, m, "the message cannot be sent through this radio (the radio layer refused it)",
				 0, -1);
		else
			msg_retry(o, m, rc == -ENOMEM ? "the bridge is out of memory" : "the radio is busy or down",
				  -1, true);
	}
}

/* The message the queue would send next (answers first, then client
 * messages in order), or NULL. */
static struct out_msg *head(struct tb_outbox *o)
{
	struct out_msg *m;

	if (!llist_empty(&o->answers))
		return llist_first_entry(&o->answers, struct out_msg, list);
	llist_for_each_entry(m, &o->msgs, list)
		if (next_part(m) >= 0)
			return m;
	return NULL;
}

static bool can_send(const struct tb_outbox *o)
{
	return !o->stopped && !o->cur && o->link && tb_radio_link_can_send(o->link);
}

static void deadline_fail(struct tb_outbox *o, struct out_msg *m)
{
	char why[96];

	if (m->answer) {
		msg_fail(o, m, "its deadline passed", 0, -1);
		return;
	}
	snprintf(why, sizeof(why), "not sent within %" PRIu64 " s (deadline)",
		 (m->r.deadline_us - m->r.created_us + 500000u) / 1000000u);
	msg_fail(o, m, why, 0, -1);
}

static void report_wait_fail(struct tb_outbox *o, struct out_msg *m)
{
	char why[128];
	unsigned long s = tdef_s(TB_T_REPORT_WAIT);

	if (m->r.state == ST(DELIVERED))
		snprintf(why, sizeof(why), "no delivery report from the destination within %lu s saying it "
			 "was read (it was received)", s);
	else
		snprintf(why, sizeof(why), "no delivery report from the destination within %lu s", s);
	msg_fail(o, m, why, 0, -1);
}

/* Parts whose air result is unknown (taken before a restart, or the
 * terminal never said): count them as sent. */
static void assume_sent(struct tb_outbox *o, struct out_msg *m, uint16_t parts)
{
	m->r.sent |= parts;
	msg_advance(o, m, 0);
}

static void timer_cb(void *data)
{
	struct tb_outbox *o = data;
	struct out_msg *m, *m2;
	uint64_t now = now_us();
	TB_LOG_RADIO_SCOPE(o->name);

	if (o->stopped)
		return;
	llist_for_each_entry_safe(m, m2, &o->answers, list)
		if (m != o->cur && now >= m->r.deadline_us)
			deadline_fail(o, m);
	llist_for_each_entry_safe(m, m2, &o->msgs, list) {
		if (m == o->cur)
			continue;
		if (next_part(m) >= 0 && now >= m->r.deadline_us) {
			deadline_fail(o, m);
			continue;
		}
		if (m->air_unknown && now >= m->air_unknown_due_us) {
			uint16_t p = m->air_unknown;

			m->air_unknown = 0;
			assume_sent(o, m, p);
			continue;	/* it may be gone */
		}
		if (m->r.report_due_us && now >= m->r.report_due_us && (m->r.sent & all_parts(m)) == all_parts(m))
			report_wait_fail(o, m);
	}
	if (can_send(o)) {
		m = head(o);
		if (m && m->retry_at_us <= now)
			send_part(o, m, (unsigned)next_part(m));
	}
	schedule(o);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Arm the timer at the nearest thing due (or stop it). */
static void schedule(struct tb_outbox *o)
{
	uint64_t due = UINT64_MAX, now;
	struct out_msg *m;

	if (o->stopped) {
		osmo_timer_del(&o->timer);
		return;
	}
	llist_for_each_entry(m, &o->answers, list)
		if (m != o->cur)
			due = min_u64(due, m->r.deadline_us);
	llist_for_each_entry(m, &o->msgs, list) {
		if (m == o->cur)
			continue;
		if (next_part(m) >= 0)
			due = min_u64(due, m->r.deadline_us);
		if (m->air_unknown)
			due = min_u64(due, m->air_unknown_due_us);
		if (m->r.report_due_us)
			due = min_u64(due, m->r.report_due_us);
	}
	if (can_send(o) && (m = head(o)))
		due = min_u64(due, m->retry_at_us);
	if (due == UINT64_MAX) {
		osmo_timer_del(&o->timer);
		return;
	}
	now = now_us();
	due = due > now ? due - now : 0;
	osmo_timer_schedule(&o->timer, (int)(due / 1000000u), (int)(due % 1000000u));
}

/* ---- primitives ------------------------------------------------------------ */

/* A report about part with reference ref from the party with SSI ssi.
 * level: 1 received, 2 consumed, -1 failed. */
static void on_report(struct tb_outbox *o, uint32_t ssi, uint8_t ref, int level, uint8_t status,
		      const char *failure)
{
	struct out_msg *m;

	llist_for_each_entry(m, &o->msgs, list) {
		if (!is_sds_tl(m->r.kind) || m->r.to.ssi != ssi)
			continue;
		for (unsigned i = 0; i < m->r.parts; i++) {
			uint16_t bit = 1u << i;

			if (m->r.msg_refs[i] != ref || !(m->r.taken & bit))
				continue;
			if (level == 1 && (m->r.delivered & bit))
				continue;	/* a repeat, or another message with the same reference */
			if (level == 2 && (m->r.consumed & bit))
				continue;
			if (level < 0) {
				char why[128];

				snprintf(why, sizeof(why), "the destination reports: %s", failure);
				msg_fail(o, m, why, status, -1);
				schedule(o);
				return;
			}
			/* A report means it went over the air, whatever the terminal said. */
			m->r.sent |= bit;
			m->r.delivered |= bit;
			if (level == 2)
				m->r.consumed |= bit;
			if (o->cur == m && o->cur_part == i)
				flight_release(o);	/* no need to wait for the air result */
			msg_advance(o, m, status);
			schedule(o);
			return;
		}
	}
	LOGP(DSDS, LOGL_DEBUG, "%s: a delivery report matches no message waiting\n", o->name);
}

static void on_sds_report(struct tb_outbox *o, const struct tetra_report_param *p)
{
	if (p->kind != TETRA_REPORT_SDS_REPORT || p->hdr.calling.type == TETRA_ID_NONE)
		return;
	switch (p->status) {
	case TETRA_SDS_ST_RECEIVED:
	case TETRA_SDS_ST_CONCAT_PART_RECEIVED:
		on_report(o, p->hdr.calling.ssi, p->msg_ref, 1, p->status, NULL);
		return;
	case TETRA_SDS_ST_CONSUMED:
		on_report(o, p->hdr.calling.ssi, p->msg_ref, 2, p->status, NULL);
		return;
	}
	if (tetra_sds_status_class(p->status) == TETRA_SDS_CLASS_FAILED || p->status == 0x60)
		on_report(o, p->hdr.calling.ssi, p->msg_ref, -1, p->status, tetra_sds_status_name(p->status));
	/* Temporary errors and flow control: the message may still arrive. */
}

static void on_short_report(struct tb_outbox *o, const struct tetra_short_report_param *p)
{
	if (p->hdr.calling.type == TETRA_ID_NONE)
		return;
	switch (p->report_type) {
	case 2:
		on_report(o, p->hdr.calling.ssi, p->msg_ref, 1, TETRA_SDS_ST_RECEIVED, NULL);
		break;
	case 3:
		on_report(o, p->hdr.calling.ssi, p->msg_ref, 2, TETRA_SDS_ST_CONSUMED, NULL);
		break;
	case 0:
		on_report(o, p->hdr.calling.ssi, p->msg_ref, -1, TETRA_SDS_ST_PROTOCOL_NOT_SUPPORTED,
			  "protocol not supported");
		break;
	default:
		on_report(o, p->hdr.calling.ssi, p->msg_ref, -1, 0x60, "destination memory full");
		break;
	}
}

/* An incoming SDS-TL message asking for a "received" report: answer it. */
static void answer(struct tb_outbox *o, const struct tetra_sds_header *hdr, uint8_t pid, uint8_t ref)
{
	struct out_msg *m;
	uint64_t now = now_us();

	if (hdr->calling.type != TETRA_ID_SSI && hdr->calling.type != TETRA_ID_TSI) {
		LOGP(DSDS, LOGL_DEBUG, "%s: an incoming message asks for a report but names no sender\n", o->name);
		return;
	}
	if (o->n_answers >= OUTBOX_MAX_ANSWERS) {
		LOGP(DSDS, LOGL_NOTICE, "%s: too many delivery reports waiting to be sent; one incoming message "
		     "is not answered\n", o->name);
		return;
	}
	m = talloc_zero(o, struct out_msg);
	if (!m)
		return;
	m->answer = true;
	m->answer_pid = pid;
	m->answer_ref = ref;
	m->r.to = hdr->calling;
	m->r.to.digits[0] = '\0';
	m->r.parts = 1;
	m->r.created_us = now;
	m->r.deadline_us = now + tdef_ms(TB_T_SEND_DEADLINE) * 1000u;
	m->r.client = "";
	llist_add_tail(&m->list, &o->answers);
	o->n_answers++;
	LOGP(DSDS, LOGL_DEBUG, "%s: an incoming message asks for a report: queued\n", o->name);
	schedule(o);
}

void tb_outbox_on_prim(struct tb_outbox *o, const struct tetra_prim *prim)
{
	struct out_msg *m;

	if (!o || !prim)
		return;
	if (prim->oph.sap == TETRA_SAP_LINK) {
		if (prim->oph.primitive == TETRA_LINK_UP) {
			/* A fresh link: whatever waited for it goes now. */
			llist_for_each_entry(m, &o->answers, list)
				m->retry_at_us = 0, m->retry_ms = 0;
			llist_for_each_entry(m, &o->msgs, list)
				m->retry_at_us = 0, m->retry_ms = 0;
			schedule(o);
		}
		return;
	}
	if (prim->oph.sap != TETRA_SAP_TNSDS)
		return;
	switch (prim->oph.primitive) {
	case TETRA_TNSDS_SEND:
		if (prim->oph.operation == PRIM_OP_CONFIRM)
			on_send_cnf(o, &prim->u.sds_send_cnf);
		break;
	case TETRA_TNSDS_REPORT:
		on_sds_report(o, &prim->u.report);
		break;
	case TETRA_TNSDS_SHORT_REPORT:
		on_short_report(o, &prim->u.short_report);
		break;
	case TETRA_TNSDS_TEXT:
		if (prim->u.text.tl.present && (prim->u.text.tl.report_request & 1))
			answer(o, &prim->u.text.hdr, prim->u.text.pid, prim->u.text.tl.msg_ref);
		break;
	case TETRA_TNSDS_LOCATION:
		if (prim->u.location.tl.present && (prim->u.location.tl.report_request & 1))
			answer(o, &prim->u.location.hdr, prim->u.location.pid, prim->u.location.tl.msg_ref);
		break;
	case TETRA_TNSDS_CALLOUT:
		/* A responder's terminal that asked may send its answer again
		 * until it hears "received"; alerts to us are answered alike. */
		if (prim->u.callout.tl.present && (prim->u.callout.tl.report_request & 1))
			answer(o, &prim->u.callout.hdr, TB_OUT_CALLOUT_PID, prim->u.callout.tl.msg_ref);
		break;
	}
}

/* ---- the queue's life ---------------------------------------------------------- */

static int outbox_destructor(struct tb_outbox *o)
{
	osmo_timer_del(&o->timer);
	flight_release(o);
	return 0;
}

struct tb_outbox *tb_outbox_alloc(void *ctx, const char *radio_name, struct tb_outbox_store *store,
				  tb_outbox_publish_cb publish_cb, void *publish_data)
{
	struct tb_outbox *o = talloc_zero(ctx, struct tb_outbox);

	if (!o)
		return NULL;
	o->name = talloc_strdup(o, radio_name ? radio_name : "");
	o->ctrs = tb_ctr_group_alloc(o, &outbox_ctrg_desc, radio_name && radio_name[0] ? radio_name : NULL);
	o->stats = tb_stat_group_alloc(o, &outbox_statg_desc, radio_name && radio_name[0] ? radio_name : NULL);
	if (!o->name || !o->ctrs || !o->stats) {
		talloc_free(o);
		return NULL;
	}
	o->store = store;
	o->publish = publish_cb;
	o->publish_data = publish_data;
	o->next_local_id = 1;
	INIT_LLIST_HEAD(&o->msgs);
	INIT_LLIST_HEAD(&o->answers);
	osmo_timer_setup(&o->timer, timer_cb, o);
	talloc_set_destructor(o, outbox_destructor);
	return o;
}

void tb_outbox_destroy(struct tb_outbox **o)
{
	if (o)
		TALLOC_FREE(*o);
}

void tb_outbox_set_link(struct tb_outbox *o, struct tb_radio_link *link)
{
	if (link == o->link)
		return;
	/* What was in flight on the old link is sent again on the new one;
	 * a part the terminal took stays taken, and counts as sent after the
	 * air wait unless its report comes first (as after a restart). */
	if (o->cur) {
		struct out_msg *m = o->cur;
		uint16_t bit = 1u << o->cur_part;

		flight_release(o);
		if ((m->r.taken & bit) && !(m->r.sent & bit)) {
			m->air_unknown |= bit;
			m->air_unknown_due_us = now_us() + tdef_ms(TB_T_AIR_WAIT) * 1000u;
		}
	}
	o->link = link;
	if (link) {
		o->stopped = false;
		tb_radio_link_set_send_tdefs(link, tb_outbox_tdefs);
	}
	schedule(o);
}

static struct out_msg *find_id(struct tb_outbox *o, uint64_t id)
{
	struct out_msg *m;

	llist_for_each_entry(m, &o->msgs, list)
		if (m->r.id == id)
			return m;
	return NULL;
}

struct restore_ctx {
	struct tb_outbox *o;
	uint64_t now;
	int n;
	bool have_ref;
	uint8_t ref;
};

static int restore_row(const struct tb_outbox_row *row, void *data)
{
	struct restore_ctx *rc = data;
	struct tb_outbox *o = rc->o;
	struct out_msg *m;
	uint16_t full;

	if (is_sds_tl(row->kind)) {
		/* Continue past the newest message's references. */
		rc->ref = (uint8_t)(row->msg_refs[row->parts - 1] + 1);
		rc->have_ref = true;
	}
	if (find_id(o, row->id))
		return 0;	/* restored already */
	if (row->kind != TB_OUT_STATUS && row->kind != TB_OUT_TEXT && row->kind != TB_OUT_LOCATION_REQUEST &&
	    row->kind != TB_OUT_CALLOUT) {
		LOGP(DSDS, LOGL_ERROR, "%s: stored message %" PRIu64 " is of an unknown kind; skipped\n", o->name,
		     row->id);
		return 0;
	}
	m = talloc_zero(o, struct out_msg);
	if (!m)
		return -ENOMEM;
	m->r = *row;
	if (row->state == ST(FAILED) || rank(row->state) >= rank(final_state(m))) {
		/* Done before the restart, but its row was not deleted then. */
		talloc_free(m);
		tb_outbox_store_delete(o->store, row->id);
		return 0;
	}
	m->r.text = NULL;
	m->r.payload = NULL;
	m->r.client = talloc_strdup(m, row->client ? row->client : "");
	if (row->text) {
		char *t = talloc_memdup(m, row->text, row->text_len + 1);

		if (t)
			t[row->text_len] = '\0';
		m->r.text = t;
	}
	if (row->payload && row->payload_len)
		m->r.payload = talloc_memdup(m, row->payload, row->payload_len);
	else
		m->r.payload_len = 0;
	if (!m->r.client || (row->text && !m->r.text) || (row->payload_len && !m->r.payload)) {
		talloc_free(m);
		return -ENOMEM;
	}
	full = all_parts(m);
	m->r.taken &= full;
	m->r.sent &= m->r.taken;
	m->r.delivered &= full;
	m->r.consumed &= full;
	/* Taken before the restart, but nobody heard whether it went over the
	 * air: count it as sent after the air wait. */
	m->air_unknown = m->r.taken & ~m->r.sent & ~m->r.delivered;
	if (m->air_unknown)
		m->air_unknown_due_us = rc->now + tdef_ms(TB_T_AIR_WAIT) * 1000u;
	if (wants_report(m) && (m->r.sent & full) == full && !m->r.report_due_us)
		m->r.report_due_us = rc->now + tdef_ms(TB_T_REPORT_WAIT) * 1000u;
	llist_add_tail(&m->list, &o->msgs);
	o->n_msgs++;
	waiting_changed(o);
	rc->n++;
	return 0;
}

int tb_outbox_restore(struct tb_outbox *o)
{
	struct restore_ctx rc = { .o = o, .now = now_us() };
	int r;

	if (!o->store)
		return 0;
	r = tb_outbox_store_load(o->store, o->name, restore_row, &rc);
	if (r < 0) {
		LOGP(DSDS, LOGL_ERROR, "%s: the stored outgoing messages could not be read%s\n", o->name,
		     r == -ENOMEM ? " (out of memory)" : "");
		schedule(o);
		return -EIO;
	}
	if (rc.have_ref && rc.n > 0)
		o->next_ref = rc.ref;
	if (rc.n)
		LOGP(DSDS, LOGL_INFO, "%s: %d stored outgoing messages restored\n", o->name, rc.n);
	schedule(o);
	return rc.n;
}

static int invalid(void *ctx, char **errmsg, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int invalid(void *ctx, char **errmsg, int code, const char *fmt, ...)
{
	va_list ap;

	if (errmsg) {
		va_start(ap, fmt);
		*errmsg = talloc_vasprintf(ctx, fmt, ap);
		va_end(ap);
	}
	return code;
}

/* Is req a message that can be sent? Returns RC(OK), or a code with a
 * sentence in *errmsg. */
static int check_request(void *ctx, const struct tb_out_request *req, char **errmsg)
{
	if (!req)
		return invalid(ctx, errmsg, RC(INVALID_ARGUMENT), "no message given");
	if (req->to.type != TETRA_ID_SSI && req->to.type != TETRA_ID_TSI)
		return invalid(ctx, errmsg, RC(INVALID_ARGUMENT),
			       "the destination must be an SSI or a TSI (other identity types cannot be sent to)");
	if (req->to.ssi == 0 || req->to.ssi > 16777215)
		return invalid(ctx, errmsg, RC(INVALID_ARGUMENT),
			       "the destination's SSI must be 1-16777215; check the number");
	if (req->to.type == TETRA_ID_TSI && (req->to.mcc > 1023 || req->to.mnc > 16383))
		return invalid(ctx, errmsg, RC(INVALID_ARGUMENT),
			       "the destination's TSI needs an MCC of 0-1023 and an MNC of 0-16383; check the number");
	switch (req->kind) {
	case TB_OUT_STATUS:
		if (tetra_sds_is_short_report(req->status_value))
			return invalid(ctx, errmsg, RC(INVALID_ARGUMENT),
				       "status values 0x7C00-0x7FFF are SDS-TL short reports, not statuses; "
				       "choose another value");
		return RC(OK);
	case TB_OUT_LOCATION_REQUEST:
		return RC(OK);
	case TB_OUT_TEXT:
		if (!req->text || req->text_len == 0)
			return invalid(ctx, errmsg, RC(INVALID_ARGUMENT),
				       "the text is empty; there is nothing to send");
		if (req->report_request > 3)
			return invalid(ctx, errmsg, RC(INVALID_ARGUMENT),
				       "the report request must be none, received, consumed or both");
		return RC(OK);
	case TB_OUT_CALLOUT:
		if (!req->payload || req->payload_len == 0)
			return invalid(ctx, errmsg, RC(INVALID_ARGUMENT),
				       "the call-out PDU is empty; there is nothing to send");
		if (req->report_request > 3)
			return invalid(ctx, errmsg, RC(INVALID_ARGUMENT),
				       "the report request must be none, received, consumed or both");
		if (req->payload_len > TETRA_SDS_TRANSFER_MAX_OCTETS)
			return invalid(ctx, errmsg, RC(TEXT_TOO_LONG),
				       "the call-out PDU is %zu octets and one SDS carries at most %u after the SDS-TL "
				       "header; shorten its text", req->payload_len, TETRA_SDS_TRANSFER_MAX_OCTETS);
		return RC(OK);
	default:
		return invalid(ctx, errmsg, RC(INVALID_ARGUMENT),
			       "unknown kind of message: a status, a text, a location request or a call-out PDU "
			       "can be sent");
	}
}

/* How many SDS a text takes (into *parts), encoded as it will be sent.
 * Returns RC(OK), or a code with a sentence in *errmsg. */
static int count_text_parts(struct tb_outbox *o, void *ctx, const struct tb_out_request *req, unsigned *parts,
			    char **errmsg)
{
	struct tetra_sds_pdu *pdus = talloc_array(ctx, struct tetra_sds_pdu, TB_OUTBOX_MAX_PARTS);
	const struct tb_outbox_row r = { .text = req->text, .text_len = req->text_len, .immediate = req->immediate,
					 .report_request = req->report_request };
	int rc;

	if (!pdus)
		return invalid(ctx, errmsg, RC(BUSY), "the bridge is out of memory; try again later");
	rc = encode_text(&r, o->next_ref, pdus);
	talloc_free(pdus);
	if (rc == TETRA_E_TOO_LONG)
		return invalid(ctx, errmsg, RC(TEXT_TOO_LONG),
			       "the text needs more than %u SDS messages; shorten it (about 3900 characters fit, or "
			       "about 1950 when it has characters outside Latin-9)", TB_OUTBOX_MAX_PARTS);
	if (rc == TETRA_E_UNENCODABLE)
		return invalid(ctx, errmsg, RC(INVALID_ARGUMENT),
			       "the text is not valid UTF-8 or contains a NUL character; send it as UTF-8");
	if (rc < 1)
		return invalid(ctx, errmsg, RC(INVALID_ARGUMENT), "the text cannot be encoded (%s)",
			       tetra_codec_strerror(rc));
	*parts = (unsigned)rc;
	return RC(OK);
}

/* A new message for a checked request (its id is given when stored), or
 * NULL when memory is out. */
static struct out_msg *msg_new(struct tb_outbox *o, const struct tb_out_request *req, unsigned parts)
{
	struct out_msg *m = talloc_zero(o, struct out_msg);
	uint64_t now = now_us();

	if (!m)
		return NULL;
	m->r.kind = (uint8_t)req->kind;
	m->r.to = req->to;
	m->r.to.digits[0] = '\0';
	if (m->r.to.type == TETRA_ID_SSI)
		m->r.to.mcc = m->r.to.mnc = 0;
	m->r.status_value = req->kind == TB_OUT_STATUS ? req->status_value : 0;
	if (req->kind == TB_OUT_TEXT) {
		char *t = talloc_memdup(m, req->text, req->text_len + 1);

		if (!t)
			goto nomem;
		t[req->text_len] = '\0';
		m->r.text = t;
		m->r.text_len = req->text_len;
		m->r.immediate = req->immediate;
		m->r.report_request = req->report_request;
		for (unsigned i = 0; i < parts; i++)
			m->r.msg_refs[i] = (uint8_t)(o->next_ref + i);
	}
	if (req->kind == TB_OUT_CALLOUT) {
		uint8_t *p = talloc_memdup(m, req->payload, req->payload_len);

		if (!p)
			goto nomem;
		m->r.payload = p;
		m->r.payload_len = req->payload_len;
		m->r.report_request = req->report_request;
		m->r.msg_refs[0] = o->next_ref;
	}
	m->r.long_report = req->kind == TB_OUT_LOCATION_REQUEST && req->long_report;
	m->r.created_us = now;
	m->r.deadline_us = now + (req->deadline_s ? (uint64_t)req->deadline_s * 1000u
						  : (uint64_t)tdef_ms(TB_T_SEND_DEADLINE)) * 1000u;
	m->r.client = talloc_strdup(m, req->client ? req->client : "");
	if (!m->r.client)
		goto nomem;
	m->r.state = ST(QUEUED);
	m->r.parts = (uint8_t)parts;
	return m;

nomem:
	talloc_free(m);
	return NULL;
}

int tb_outbox_submit(struct tb_outbox *o, void *ctx, const struct tb_out_request *req,
		     struct tb_out_queued *q, char **errmsg)
{
	struct out_msg *m;
	unsigned parts = 1;
	int code;
	TB_LOG_RADIO_SCOPE(o->name);	/* a client's message for this radio */

	if (errmsg)
		*errmsg = NULL;
	code = check_request(ctx, req, errmsg);
	if (code != RC(OK))
		return code;
	if (o->n_msgs >= TB_OUTBOX_MAX)
		return invalid(ctx, errmsg, RC(BUSY),
			       "the radio's outgoing queue is full (%u messages waiting); try again when some "
			       "have been sent", TB_OUTBOX_MAX);
	if (req->kind == TB_OUT_TEXT && (code = count_text_parts(o, ctx, req, &parts, errmsg)) != RC(OK))
		return code;
	m = msg_new(o, req, parts);
	if (!m)
		return invalid(ctx, errmsg, RC(BUSY), "the bridge is out of memory; try again later");

	/* Stored before the client hears "queued": a restart loses nothing
	 * the client was told about. */
	if (o->store) {
		if (tb_outbox_store_insert(o->store, o->name, &m->r) < 0) {
			talloc_free(m);
			return invalid(ctx, errmsg, RC(BUSY),
				       "the bridge cannot store the message (disk full?); nothing was queued");
		}
	} else {
		m->r.id = o->next_local_id++;
	}
	if (is_sds_tl(req->kind))
		o->next_ref = (uint8_t)(o->next_ref + parts);
	llist_add_tail(&m->list, &o->msgs);
	o->n_msgs++;
	waiting_changed(o);
	rate_ctr_inc2(o->ctrs, TB_OUTBOX_CTR_QUEUED);

	LOGP(DSDS, LOGL_INFO, "%s: message %" PRIu64 " queued (%u part%s)\n", o->name, m->r.id, parts,
	     parts == 1 ? "" : "s");
	publish(o, m, ST(QUEUED), NULL, 0, -1, false);
	if (q) {
		memset(q, 0, sizeof(*q));
		q->message_id = m->r.id;
		q->parts = parts;
		memcpy(q->msg_refs, m->r.msg_refs, sizeof(q->msg_refs));
		q->immediate = m->r.kind == TB_OUT_TEXT && m->r.immediate && parts == 1;
	}
	schedule(o);
	return RC(OK);
}

unsigned tb_outbox_waiting(const struct tb_outbox *o)
{
	return o ? o->n_msgs : 0;
}

const struct rate_ctr_group *tb_outbox_ctrs(const struct tb_outbox *o)
{
	return o->ctrs;
}

const struct osmo_stat_item_group *tb_outbox_stat_items(const struct tb_outbox *o)
{
	return o->stats;
}

void tb_outbox_health(const struct tb_outbox *o, uint64_t now, struct tb_outbox_health *h)
{
	const struct out_msg *m;

	memset(h, 0, sizeof(*h));
	if (!o)
		return;
	h->waiting = o->n_msgs;
	llist_for_each_entry(m, &o->msgs, list) {
		if (m->r.state == ST(RETRYING))
			h->retrying++;
		if ((next_part(m) >= 0 && now >= m->r.deadline_us) || (m->r.report_due_us && now >= m->r.report_due_us))
			h->overdue++;
	}
}

void tb_outbox_stop(struct tb_outbox *o)
{
	if (!o)
		return;
	o->stopped = true;
	osmo_timer_del(&o->timer);
}
