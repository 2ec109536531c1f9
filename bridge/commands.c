/* The bridge's commands: send status / text / location request through a
 * radio's outgoing queue, list the radios, replay the journal; the
 * call-out commands are bridge/callout_commands.c's, Health
 * bridge/health.c's, Backup bridge/backup.c's, RosterList
 * bridge/commands_roster.c's and StatsList bridge/commands_stats.c's.
 *
 * Every error is a sentence a dispatcher can act on; nothing of a message's
 * content or destination goes into the log.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/commands.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <osmocom/core/talloc.h>

#include "bridge/backup.h"
#include "bridge/bridge.h"
#include "bridge/callout_commands.h"
#include "bridge/health.h"
#include "bridge/journal.h"
#include "bridge/outbox.h"
#include "bridge/radio.h"
#include "common/logging.h"
#include "radio-drivers/radio_link.h"

#define CODE(x) TETRABRIDGE__V1__REPLY__CODE__##x

void tb_reply_fail(Tetrabridge__V1__Reply *reply, void *tmp, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	reply->code = code;
	reply->error = talloc_vasprintf(tmp, fmt, ap);
	va_end(ap);
}

/* The proto's destination -> a TETRA identity the queue can address. */
static int destination(const Tetrabridge__V1__Identity *to, struct tetra_identity *id, const char **why)
{
	memset(id, 0, sizeof(*id));
	if (!to) {
		*why = "no destination: set `to` to an SSI or a TSI";
		return -EINVAL;
	}
	if (to->ssi == 0 || to->ssi > 0xffffff) {
		*why = "the destination's SSI must be 1-16777215";
		return -EINVAL;
	}
	switch (to->type) {
	case TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_SSI:
		id->type = TETRA_ID_SSI;
		break;
	case TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_TSI:
		if (to->mcc > 1023 || to->mnc > 16383) {
			*why = "the destination's TSI needs an MCC up to 1023 and an MNC up to 16383";
			return -EINVAL;
		}
		id->type = TETRA_ID_TSI;
		id->mcc = to->mcc;
		id->mnc = to->mnc;
		break;
	default:
		*why = "the destination must be an SSI or a TSI (identity type IDENTITY_SSI or IDENTITY_TSI)";
		return -EINVAL;
	}
	id->ssi = to->ssi;
	return 0;
}

/* The radio a send command names, ready to take it; NULL with the reply
 * filled when not. */
static struct tb_radio *sending_radio(struct tb_bridge *b, const char *name, bool queue_if_offline,
				      Tetrabridge__V1__Reply *reply, void *tmp)
{
	struct tb_radio *r = name && *name ? tb_radio_find(b, name) : NULL;

	if (!r) {
		tb_reply_fail(reply, tmp, CODE(UNKNOWN_RADIO), "this bridge has no radio named '%s'; `tetractl radios` lists "
		     "the radios it has", name ? name : "");
		return NULL;
	}
	if (!r->outbox) {
		tb_reply_fail(reply, tmp, CODE(INTERNAL), "radio %s cannot send: it has no outgoing queue", r->name);
		return NULL;
	}
	if (!queue_if_offline && !(r->link && tb_radio_link_is_up(r->link))) {
		const char *why = r->link ? tb_radio_link_last_error(r->link) : "";
		tb_reply_fail(reply, tmp, CODE(RADIO_OFFLINE), "radio %s is offline%s%s%s; nothing was queued. Send through "
		     "another radio, or ask with queue_if_offline to send when %s is back", r->name,
		     *why ? " (" : "", why, *why ? ")" : "", r->name);
		return NULL;
	}
	return r;
}

/* The radio a send command names and the destination it gives, both
 * checked; NULL with the reply filled when either is not right. */
static struct tb_radio *addressed(struct tb_bridge *b, const char *radio, const Tetrabridge__V1__Identity *to,
				  bool queue_if_offline, struct tb_out_request *req, Tetrabridge__V1__Reply *reply,
				  void *tmp)
{
	const char *why;

	if (destination(to, &req->to, &why) < 0) {
		tb_reply_fail(reply, tmp, CODE(INVALID_ARGUMENT), "%s", why);
		return NULL;
	}
	return sending_radio(b, radio, queue_if_offline, reply, tmp);
}

static void submit(struct tb_radio *r, const struct tb_out_request *req, Tetrabridge__V1__Reply *reply, void *tmp)
{
	struct tb_out_queued q = { 0 };
	char *errmsg = NULL;
	Tetrabridge__V1__Queued *qd;
	int code;

	code = tb_outbox_submit(r->outbox, tmp, req, &q, &errmsg);
	if (code != CODE(OK)) {
		tb_reply_fail(reply, tmp, code, "%s", errmsg ? errmsg : "the message was not queued");
		return;
	}
	qd = talloc_zero(tmp, Tetrabridge__V1__Queued);
	tetrabridge__v1__queued__init(qd);
	qd->message_id = q.message_id;
	qd->parts = q.parts;
	if (req->kind == TB_OUT_TEXT && q.parts) {
		qd->message_references = talloc_array(tmp, uint32_t, q.parts);
		for (unsigned i = 0; i < q.parts && i < 16; i++)
			qd->message_references[i] = q.msg_refs[i];
		qd->n_message_references = q.parts;
	}
	reply->result_case = TETRABRIDGE__V1__REPLY__RESULT_QUEUED;
	reply->queued = qd;
}

static void send_status(struct tb_bridge *b, const Tetrabridge__V1__SendStatus *c, const char *client,
			Tetrabridge__V1__Reply *reply, void *tmp)
{
	struct tb_out_request req = { .kind = TB_OUT_STATUS, .deadline_s = c->deadline_s, .client = client };
	struct tb_radio *r;

	if (c->value > 0xffff) {
		tb_reply_fail(reply, tmp, CODE(INVALID_ARGUMENT), "a status value is 0-65535 (0x0000-0xFFFF); %u is not",
		     c->value);
		return;
	}
	r = addressed(b, c->radio, c->to, c->queue_if_offline, &req, reply, tmp);
	if (!r)
		return;
	req.status_value = c->value;
	submit(r, &req, reply, tmp);
}

static void send_text(struct tb_bridge *b, const Tetrabridge__V1__SendText *c, const char *client,
		      Tetrabridge__V1__Reply *reply, void *tmp)
{
	struct tb_out_request req = { .kind = TB_OUT_TEXT, .deadline_s = c->deadline_s, .client = client };
	struct tb_radio *r;

	if (!c->text || !*c->text) {
		tb_reply_fail(reply, tmp, CODE(INVALID_ARGUMENT), "the text is empty; nothing was queued");
		return;
	}
	if ((unsigned)c->report > 3) {
		tb_reply_fail(reply, tmp, CODE(INVALID_ARGUMENT), "report must be none, received, consumed or both");
		return;
	}
	r = addressed(b, c->radio, c->to, c->queue_if_offline, &req, reply, tmp);
	if (!r)
		return;
	req.text = c->text;
	req.text_len = strlen(c->text);
	req.immediate = c->immediate;
	req.report_request = c->report;
	submit(r, &req, reply, tmp);
}

static void request_location(struct tb_bridge *b, const Tetrabridge__V1__RequestLocation *c, const char *client,
			     Tetrabridge__V1__Reply *reply, void *tmp)
{
	struct tb_out_request req = { .kind = TB_OUT_LOCATION_REQUEST, .deadline_s = c->deadline_s,
				      .client = client, .long_report = c->long_report };
	struct tb_radio *r;

	r = addressed(b, c->radio, c->to, c->queue_if_offline, &req, reply, tmp);
	if (!r)
		return;
	submit(r, &req, reply, tmp);
}

static void list_radios(struct tb_bridge *b, Tetrabridge__V1__Reply *reply, void *tmp)
{
	Tetrabridge__V1__RadioList *list = talloc_zero(tmp, Tetrabridge__V1__RadioList);
	struct tb_radio *r;
	size_t n = 0;

	tetrabridge__v1__radio_list__init(list);
	llist_for_each_entry(r, &b->radios, entry)
		n++;
	list->radios = talloc_zero_array(tmp, Tetrabridge__V1__RadioSummary *, n ? n : 1);
	llist_for_each_entry(r, &b->radios, entry) {
		Tetrabridge__V1__RadioSummary *s = talloc_zero(tmp, Tetrabridge__V1__RadioSummary);
		bool up = r->link && tb_radio_link_is_up(r->link);
		const struct tetra_identity *id = r->link ? tb_radio_link_identity(r->link) : NULL;

		tetrabridge__v1__radio_summary__init(s);
		s->name = r->name;
		s->state = up ? TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_ONLINE
			      : TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_OFFLINE;
		s->transport = (char *)tb_radio_transport_name(r->transport);
		if (id && id->type != TETRA_ID_NONE) {
			Tetrabridge__V1__Identity *pid = talloc_zero(tmp, Tetrabridge__V1__Identity);
			tetrabridge__v1__identity__init(pid);
			pid->type = id->type;
			pid->mcc = id->mcc;
			pid->mnc = id->mnc;
			pid->ssi = id->ssi;
			s->identity = pid;
		}
		s->online_since_us = up ? (uint64_t)tb_radio_link_up_since(r->link) * 1000000u : 0;
		s->outgoing_waiting = r->outbox ? tb_outbox_waiting(r->outbox) : 0;
		s->reason = (char *)(!up && r->link ? tb_radio_link_last_error(r->link) : "");
		list->radios[list->n_radios++] = s;
	}
	reply->result_case = TETRABRIDGE__V1__REPLY__RESULT_RADIOS;
	reply->radios = list;
}

/* protobuf-c allocations for unpacked replay events go to the reply's
 * talloc context, so they are freed with it. */
static void *pb_talloc_alloc(void *data, size_t size)
{
	return talloc_size(data, size);
}

static void pb_talloc_free(void *data, void *ptr)
{
	talloc_free(ptr);
}

struct replay_ctx {
	Tetrabridge__V1__ReplayBatch *batch;
	ProtobufCAllocator alloc;
	unsigned max;
	uint64_t next;
	int bad;		/* stored events that did not unpack */
};

static int replay_row(uint64_t seq, const uint8_t *body, size_t len, void *data)
{
	struct replay_ctx *rc = data;
	Tetrabridge__V1__Event *ev = tetrabridge__v1__event__unpack(&rc->alloc, len, body);

	rc->next = seq + 1;
	if (!ev) {
		rc->bad++;
		LOGP(DIPC, LOGL_ERROR, "journal: event seq %" PRIu64 " does not unpack; skipped in replay\n", seq);
		return 0;
	}
	rc->batch->events[rc->batch->n_events++] = ev;
	return 0;
}

struct lost_ctx {
	Tetrabridge__V1__ReplayBatch *batch;
	void *tmp;
	unsigned max;
};

static void lost_row(const struct tb_journal_lost *l, void *data)
{
	struct lost_ctx *lc = data;
	Tetrabridge__V1__ReplayBatch *batch = lc->batch;
	Tetrabridge__V1__SeqRange *r;

	if (batch->n_lost >= lc->max)
		return;
	r = talloc_zero(lc->tmp, Tetrabridge__V1__SeqRange);
	if (!r)
		return;
	tetrabridge__v1__seq_range__init(r);
	r->first_seq = l->first_seq;
	r->last_seq = l->last_seq;
	r->reason = talloc_strdup(lc->tmp, l->reason ? l->reason : "");
	batch->lost[batch->n_lost++] = r;
	/* A hole right where the batch ends: the next batch starts after it. */
	if (l->first_seq <= batch->next_seq && l->last_seq >= batch->next_seq)
		batch->next_seq = l->last_seq + 1;
}

/* The lost ranges among the seqs this batch covers: from `from` to its last
 * event when more follow, else to the last seq handed out. */
static int replay_lost(struct tb_bridge *b, Tetrabridge__V1__ReplayBatch *batch, uint64_t from, void *tmp)
{
	struct lost_ctx lc = { .batch = batch, .tmp = tmp, .max = TB_REPLAY_MAX_LOST };
	uint64_t end = batch->more ? batch->next_seq - 1 : tb_journal_next_seq(b->journal) - 1;

	batch->lost = talloc_zero_array(tmp, Tetrabridge__V1__SeqRange *, lc.max);
	if (!batch->lost)
		return -ENOMEM;
	return tb_journal_lost_ranges(b->journal, from, end, lost_row, &lc);
}

static void replay(struct tb_bridge *b, const Tetrabridge__V1__Replay *c, Tetrabridge__V1__Reply *reply, void *tmp)
{
	Tetrabridge__V1__ReplayBatch *batch = talloc_zero(tmp, Tetrabridge__V1__ReplayBatch);
	unsigned max = c->max_events ? c->max_events : TB_REPLAY_DEFAULT;
	struct replay_ctx rc = {
		.batch = batch,
		.alloc = { .alloc = pb_talloc_alloc, .free = pb_talloc_free, .allocator_data = tmp },
	};
	uint64_t from = c->from_seq ? c->from_seq : 1;
	int n;

	if (!b->journal) {
		tb_reply_fail(reply, tmp, CODE(BUSY), "the journal is not open; replay is not possible now");
		return;
	}
	if (max > TB_REPLAY_MAX)
		max = TB_REPLAY_MAX;
	tetrabridge__v1__replay_batch__init(batch);
	batch->first_seq = tb_journal_first_seq(b->journal);
	batch->last_seq = tb_journal_last_seq(b->journal);
	if (from < batch->first_seq)
		from = batch->first_seq;	/* older events are gone (retention): first_seq says so */
	batch->events = talloc_zero_array(tmp, Tetrabridge__V1__Event *, max);
	rc.max = max;
	rc.next = from;
	n = tb_journal_read(b->journal, from, max, TB_REPLAY_MAX_BYTES, replay_row, &rc);
	if (n < 0) {
		tb_reply_fail(reply, tmp, CODE(BUSY), "the journal cannot be read now (%s); try again", strerror(-n));
		return;
	}
	batch->next_seq = rc.next;
	batch->more = batch->last_seq >= rc.next;
	if (replay_lost(b, batch, from, tmp) < 0) {
		tb_reply_fail(reply, tmp, CODE(BUSY), "the journal cannot be read now; try again");
		return;
	}
	reply->result_case = TETRABRIDGE__V1__REPLY__RESULT_REPLAY;
	reply->replay = batch;
}

/* The ten call-out commands, with what they need of the bridge. */
static void callout(struct tb_bridge *b, const Tetrabridge__V1__Command *cmd, const struct tb_command_client *client,
		    Tetrabridge__V1__Reply *reply)
{
	struct tb_callout_cmd_env env = {
		.tracker = b->callouts,
		.config = b->callout_cfg,
		.state_dir = b->state_dir,
		.newest_seq = b->next_seq - 1,
	};

	tb_callout_command(&env, cmd, client, reply);
}

void tb_bridge_command(const Tetrabridge__V1__Command *cmd, const struct tb_command_client *client,
		       Tetrabridge__V1__Reply *reply, void *data)
{
	struct tb_bridge *b = data;
	const char *who = client->name ? client->name : "";

	switch (cmd->command_case) {
	case TETRABRIDGE__V1__COMMAND__COMMAND_SEND_STATUS:
		send_status(b, cmd->send_status, who, reply, client->tmp);
		break;
	case TETRABRIDGE__V1__COMMAND__COMMAND_SEND_TEXT:
		send_text(b, cmd->send_text, who, reply, client->tmp);
		break;
	case TETRABRIDGE__V1__COMMAND__COMMAND_REQUEST_LOCATION:
		request_location(b, cmd->request_location, who, reply, client->tmp);
		break;
	case TETRABRIDGE__V1__COMMAND__COMMAND_LIST_RADIOS:
		list_radios(b, reply, client->tmp);
		break;
	case TETRABRIDGE__V1__COMMAND__COMMAND_REPLAY:
		replay(b, cmd->replay, reply, client->tmp);
		break;
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_CREATE:
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_CANCEL:
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_ADD:
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_REALERT:
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_SET:
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_CLOSE:
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_ACK:
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_BOARD:
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_SHOW:
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_REPORT:
		callout(b, cmd, client, reply);
		break;
	case TETRABRIDGE__V1__COMMAND__COMMAND_HEALTH:
		tb_health_command(b, reply, client->tmp);
		break;
	case TETRABRIDGE__V1__COMMAND__COMMAND_BACKUP:
		tb_backup_command(b, cmd->backup, reply, client->tmp);
		break;
	case TETRABRIDGE__V1__COMMAND__COMMAND_ROSTER:
		tb_roster_command(b, reply, client->tmp);
		break;
	case TETRABRIDGE__V1__COMMAND__COMMAND_STATS:
		tb_stats_command(reply, client->tmp);
		break;
	default:
		tb_reply_fail(reply, client->tmp, CODE(UNKNOWN_COMMAND), "this bridge does not know that command");
		break;
	}
	LOGP(DIPC, reply->code ? LOGL_NOTICE : LOGL_INFO, "command %s #%" PRIu64 " from %s: %s\n",
	     tb_command_name(cmd->command_case), cmd->request_id, *who ? who : "(local)",
	     reply->code ? "refused" : "ok");
}
