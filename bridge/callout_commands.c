/* The call-out commands (see callout_commands.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "bridge/callout_commands.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "bridge/callout.h"
#include "bridge/callout_args.h"
#include "bridge/callout_config.h"
#include "bridge/callout_report.h"
#include "bridge/callout_store.h"
#include "bridge/commands.h"
#include "bridge/pseudonym.h"
#include "ipc/clients_file.h"

#define CODE(x) TETRABRIDGE__V1__REPLY__CODE__##x
#define CMD(x) TETRABRIDGE__V1__COMMAND__COMMAND_##x

/* protobuf-c allocations of unpacked snapshots go to the reply's talloc
 * context, freed with it. */
static void *pb_talloc_alloc(void *data, size_t size)
{
	return talloc_size(data, size);
}

static void pb_talloc_free(void *data, void *ptr)
{
	talloc_free(ptr);
}

#define PB_TALLOC(ctx) ((ProtobufCAllocator){ .alloc = pb_talloc_alloc, .free = pb_talloc_free, \
					      .allocator_data = (ctx) })

/* The sentence for a refusal the tracker gave without one. */
static const char *code_sentence(int code)
{
	switch (code) {
	case CODE(UNKNOWN_CALLOUT):
		return "there is no open call-out with that id; `tetractl callout board` lists the open ones";
	case CODE(UNKNOWN_RADIO):
		return "this bridge has no radio of that name; `tetractl radios` lists the radios it has";
	case CODE(RADIO_OFFLINE):
		return "the radio is offline; use another radio, or ask with queue_if_offline";
	case CODE(CONFLICT):
		return "the call-out's state does not allow that now; `tetractl callout show` shows its state";
	case CODE(BUSY):
		return "the bridge cannot take that now; try again";
	case CODE(INVALID_ARGUMENT):
		return "the command's arguments are not right";
	default:
		return "the bridge could not do that (an internal error; its log says more)";
	}
}

/* ---- changes: reply with the call-out after the change ------------------ */

static void changed(Tetrabridge__V1__Reply *reply, void *tmp, int code, struct tb_callout *co, const char *errmsg)
{
	Tetrabridge__V1__Callout *pb;

	if (code != CODE(OK)) {
		tb_reply_fail(reply, tmp, code, "%s", errmsg && errmsg[0] ? errmsg : code_sentence(code));
		return;
	}
	pb = co ? tb_callout_to_pb(co, tmp) : NULL;
	if (!pb) {
		tb_reply_fail(reply, tmp, CODE(INTERNAL), "the change was made, but the call-out cannot be shown now; "
		     "`tetractl callout show` shows it");
		return;
	}
	reply->result_case = TETRABRIDGE__V1__REPLY__RESULT_CALLOUT;
	reply->callout = pb;
}

/* Each change checks its arguments (REFUSED: INVALID_ARGUMENT, *why says
 * which), then returns the tracker's code with *co the call-out after it. */
#define REFUSED (-1)

static int create(struct tb_callout_tracker *t, const Tetrabridge__V1__CalloutCreate *c,
		  const struct tb_callout_who *who, struct tb_callout **co, void *tmp, char **why)
{
	struct tetra_identity ids[TB_CALLOUT_MAX_RESPONDERS];
	struct tb_callout_new req;

	if (tb_callout_arg_create(c, &req, ids, tmp, why)) {
		*why = talloc_asprintf(tmp, "%s; no call-out was made", *why);
		return REFUSED;
	}
	return tb_callout_create(t, &req, who, co, tmp, why);
}

static int cancel(struct tb_callout_tracker *t, const Tetrabridge__V1__CalloutCancel *c,
		  const struct tb_callout_who *who, struct tb_callout **co, void *tmp, char **why)
{
	if (tb_callout_arg_id(c->id, tmp, why) || tb_callout_arg_reason(c->reason, false, tmp, why))
		return REFUSED;
	return tb_callout_cancel(t, c->id, c->reason, who, co, tmp, why);
}

static int add(struct tb_callout_tracker *t, const Tetrabridge__V1__CalloutAddResponder *c,
	       const struct tb_callout_who *who, struct tb_callout **co, void *tmp, char **why)
{
	struct tetra_identity id;

	if (tb_callout_arg_id(c->id, tmp, why) ||
	    tb_callout_arg_identity(c->responder, "the responder", &id, tmp, why))
		return REFUSED;
	return tb_callout_add(t, c->id, &id, c->override, who, co, tmp, why);
}

static int realert(struct tb_callout_tracker *t, const Tetrabridge__V1__CalloutRealert *c,
		   const struct tb_callout_who *who, struct tb_callout **co, void *tmp, char **why)
{
	struct tetra_identity id;

	if (tb_callout_arg_id(c->id, tmp, why) ||
	    tb_callout_arg_identity(c->responder, "the responder", &id, tmp, why))
		return REFUSED;
	return tb_callout_realert(t, c->id, &id, who, co, tmp, why);
}

static int set_state(struct tb_callout_tracker *t, const Tetrabridge__V1__CalloutSetState *c,
		     const struct tb_callout_who *who, struct tb_callout **co, void *tmp, char **why)
{
	struct tetra_identity id;

	if (tb_callout_arg_set(c, &id, tmp, why))
		return REFUSED;
	return tb_callout_set(t, c->id, &id, c->state, c->reason, who, co, tmp, why);
}

static int close_callout(struct tb_callout_tracker *t, const Tetrabridge__V1__CalloutClose *c,
			 const struct tb_callout_who *who, struct tb_callout **co, void *tmp, char **why)
{
	if (tb_callout_arg_close(c, tmp, why))
		return REFUSED;
	return tb_callout_close(t, c->id, c->outcome, c->reason, who, co, tmp, why);
}

static int ack(struct tb_callout_tracker *t, const Tetrabridge__V1__CalloutAck *c,
	       const struct tb_callout_who *who, struct tb_callout **co, void *tmp, char **why)
{
	if (tb_callout_arg_id(c->id, tmp, why) || tb_callout_arg_reason(c->reason, false, tmp, why))
		return REFUSED;
	return tb_callout_ack(t, c->id, c->reason, who, co, tmp, why);
}

/* ---- the board ------------------------------------------------------------ */

static void board(const struct tb_callout_cmd_env *env, const Tetrabridge__V1__CalloutBoard *c,
		  Tetrabridge__V1__Reply *reply, void *tmp)
{
	Tetrabridge__V1__CalloutBoardPage *page = talloc_zero(tmp, Tetrabridge__V1__CalloutBoardPage);
	struct tb_callout_page p = { .max_bytes = TB_REPLAY_MAX_BYTES, .max_n = TB_CALLOUT_BOARD_PAGE_MAX };
	struct llist_head *list = tb_callout_board(env->tracker);
	struct tb_callout *co;

	if (!page)
		goto nomem;
	tetrabridge__v1__callout_board_page__init(page);
	page->seq = env->newest_seq;
	page->callouts = talloc_zero_array(tmp, Tetrabridge__V1__Callout *, TB_CALLOUT_BOARD_PAGE_MAX);
	if (!page->callouts)
		goto nomem;
	llist_for_each_entry(co, list, entry) {
		Tetrabridge__V1__Callout *pb;

		if (co->id <= c->after_id)
			continue;
		pb = tb_callout_to_pb(co, tmp);
		if (!pb)
			goto nomem;
		if (!tb_callout_page_take(&p, tetrabridge__v1__callout__get_packed_size(pb))) {
			page->more = true;
			break;
		}
		page->callouts[page->n_callouts++] = pb;
	}
	reply->result_case = TETRABRIDGE__V1__REPLY__RESULT_BOARD;
	reply->board = page;
	return;
nomem:
	tb_reply_fail(reply, tmp, CODE(BUSY), "the bridge is short of memory for the board; try again");
}

/* ---- one call-out and its history --------------------------------------- */

struct snapshot_ctx {
	void *tmp;
	Tetrabridge__V1__Callout *co;
};

static int snapshot_row(uint64_t id, const uint8_t *snapshot, size_t len, void *data)
{
	struct snapshot_ctx *sc = data;
	ProtobufCAllocator a = PB_TALLOC(sc->tmp);

	sc->co = tetrabridge__v1__callout__unpack(&a, len, snapshot);
	return sc->co ? 0 : -EBADMSG;
}

struct history_ctx {
	void *tmp;
	Tetrabridge__V1__CalloutHistoryEntry **entries;
	unsigned n, max;
	int bad;
};

static int history_row(uint64_t seq, uint64_t time_us, const uint8_t *change, size_t len, void *data)
{
	struct history_ctx *hc = data;
	ProtobufCAllocator a = PB_TALLOC(hc->tmp);
	Tetrabridge__V1__CalloutHistoryEntry *e;
	Tetrabridge__V1__CalloutChange *ch;

	if (hc->n >= hc->max)
		return 1;
	ch = tetrabridge__v1__callout_change__unpack(&a, len, change);
	if (!ch) {
		hc->bad++;
		return 0;
	}
	e = talloc_zero(hc->tmp, Tetrabridge__V1__CalloutHistoryEntry);
	if (!e)
		return -ENOMEM;
	tetrabridge__v1__callout_history_entry__init(e);
	e->seq = seq;
	e->time_us = time_us;
	e->change = ch;
	hc->entries[hc->n++] = e;
	return 0;
}

static void show(const struct tb_callout_cmd_env *env, const Tetrabridge__V1__CalloutShow *c,
		 Tetrabridge__V1__Reply *reply, void *tmp)
{
	struct tb_callout_store *store = tb_callout_tracker_store(env->tracker);
	Tetrabridge__V1__CalloutDetail *d = talloc_zero(tmp, Tetrabridge__V1__CalloutDetail);
	struct history_ctx hc = { .tmp = tmp, .max = TB_CALLOUT_SHOW_HISTORY };
	struct tb_callout *co;
	size_t bytes;
	unsigned first;
	char *why = NULL;
	int rc;

	if (tb_callout_arg_id(c->id, tmp, &why)) {
		tb_reply_fail(reply, tmp, CODE(INVALID_ARGUMENT), "%s", why);
		return;
	}
	if (!store) {
		tb_reply_fail(reply, tmp, CODE(BUSY), "the call-out store is not open yet; try again");
		return;
	}
	if (!d)
		goto nomem;
	tetrabridge__v1__callout_detail__init(d);
	co = tb_callout_find(env->tracker, c->id);
	if (co) {
		d->callout = tb_callout_to_pb(co, tmp);
		if (!d->callout)
			goto nomem;
	} else {
		struct snapshot_ctx sc = { .tmp = tmp };
		rc = tb_callout_store_get(store, c->id, snapshot_row, &sc);
		if (rc == -ENOENT) {
			tb_reply_fail(reply, tmp, CODE(UNKNOWN_CALLOUT), "there is no call-out %" PRIu64 "; `tetractl callout "
			     "board` lists the open ones, `tetractl callout report` the past ones", c->id);
			return;
		}
		if (rc || !sc.co) {
			tb_reply_fail(reply, tmp, CODE(BUSY), "call-out %" PRIu64 " cannot be read from the store now; try "
			     "again", c->id);
			return;
		}
		d->callout = sc.co;
	}

	hc.entries = talloc_zero_array(tmp, Tetrabridge__V1__CalloutHistoryEntry *, hc.max);
	if (!hc.entries)
		goto nomem;
	rc = tb_callout_store_history(store, c->id, hc.max, history_row, &hc);
	if (rc < 0) {
		tb_reply_fail(reply, tmp, CODE(BUSY), "the history of call-out %" PRIu64 " cannot be read now; try again",
		     c->id);
		return;
	}
	/* Within the reply's bound: the newest lines are kept, the oldest go. */
	bytes = tb_callout_page_cost(tetrabridge__v1__callout__get_packed_size(d->callout));
	first = hc.n;
	while (first > 0) {
		size_t cost = tb_callout_page_cost(
			tetrabridge__v1__callout_history_entry__get_packed_size(hc.entries[first - 1]));
		if (bytes + cost > TB_REPLAY_MAX_BYTES)
			break;
		bytes += cost;
		first--;
	}
	d->history = hc.entries + first;
	d->n_history = hc.n - first;
	reply->result_case = TETRABRIDGE__V1__REPLY__RESULT_CALLOUT_DETAIL;
	reply->callout_detail = d;
	return;
nomem:
	tb_reply_fail(reply, tmp, CODE(BUSY), "the bridge is short of memory to show the call-out; try again");
}

/* ---- the response-time report -------------------------------------------- */

struct range_ctx {
	void *tmp;
	Tetrabridge__V1__Callout **snaps;
	unsigned n, max;
	bool more;
	int bad;
};

static int range_row(uint64_t id, const uint8_t *snapshot, size_t len, void *data)
{
	struct range_ctx *rc = data;
	ProtobufCAllocator a = PB_TALLOC(rc->tmp);
	Tetrabridge__V1__Callout *co;

	if (rc->n >= rc->max) {
		rc->more = true;
		return 1;
	}
	co = tetrabridge__v1__callout__unpack(&a, len, snapshot);
	if (!co) {
		rc->bad++;
		return 0;
	}
	co->id = id;
	rc->snaps[rc->n++] = co;
	return 0;
}

/* History lines straight into the row, one at a time: a long history
 * costs no memory. */
static int report_history_row(uint64_t seq, uint64_t time_us, const uint8_t *change, size_t len, void *data)
{
	struct tb_callout_report_build *b = data;
	Tetrabridge__V1__CalloutChange *ch = tetrabridge__v1__callout_change__unpack(NULL, len, change);

	if (ch) {
		tb_callout_report_history(b, time_us, ch);
		tetrabridge__v1__callout_change__free_unpacked(ch, NULL);
	}
	return 0;
}

static void report(const struct tb_callout_cmd_env *env, const Tetrabridge__V1__CalloutReport *c,
		   const struct tb_command_client *client, Tetrabridge__V1__Reply *reply, void *tmp)
{
	struct tb_callout_store *store = tb_callout_tracker_store(env->tracker);
	Tetrabridge__V1__CalloutReportPage *page = talloc_zero(tmp, Tetrabridge__V1__CalloutReportPage);
	struct range_ctx rc = { .tmp = tmp, .max = TB_CALLOUT_REPORT_PAGE_MAX };
	struct tb_callout_page p = { .max_bytes = TB_REPLAY_MAX_BYTES };
	uint8_t key[TB_PSEUDONYM_KEY_LEN];
	uint64_t until = c->until_us;
	char *why = NULL;
	int n;

	if (c->names && client->role < TB_ROLE_ADMIN) {
		tb_reply_fail(reply, tmp, CODE(NOT_ALLOWED), "responders by name are for admin keys only; your key's role "
		     "%s gets pseudonyms: ask without names, or ask the bridge's admin", tb_role_name(client->role));
		return;
	}
	if (!until) {
		struct timeval now;
		osmo_gettimeofday(&now, NULL);
		until = (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_usec + 1;
	}
	if (c->since_us >= until) {
		tb_reply_fail(reply, tmp, CODE(INVALID_ARGUMENT), "since must be before until: nothing lies between them");
		return;
	}
	if (!store) {
		tb_reply_fail(reply, tmp, CODE(BUSY), "the call-out store is not open yet; try again");
		return;
	}
	if (!c->names && tb_pseudonym_key(env->state_dir, key, tmp, &why) < 0) {
		tb_reply_fail(reply, tmp, CODE(INTERNAL), "%s", why);
		return;
	}
	if (!page)
		goto nomem;
	tetrabridge__v1__callout_report_page__init(page);
	rc.snaps = talloc_zero_array(tmp, Tetrabridge__V1__Callout *, rc.max);
	page->rows = talloc_zero_array(tmp, Tetrabridge__V1__CalloutReportRow *, rc.max);
	if (!rc.snaps || !page->rows)
		goto nomem;
	n = tb_callout_store_range(store, c->since_us, until, c->after_id, range_row, &rc);
	if (n < 0) {
		tb_reply_fail(reply, tmp, CODE(BUSY), "the call-out store cannot be read now; try again");
		return;
	}
	for (unsigned i = 0; i < rc.n; i++) {
		const Tetrabridge__V1__Callout *co = rc.snaps[i];
		unsigned sev = co->severity;
		struct tb_callout_report_params params = {
			.severity_name = env->config && sev <= TB_SEVERITY_MAX ? env->config->severity[sev].name : NULL,
			.answer_deadline_s = env->config ? tb_severity_deadline_s(env->config, sev) : 0,
			.on_scene_target_s = env->config ? tb_severity_on_scene_s(env->config, sev) : 0,
			.names = c->names,
			.key = key,
		};
		struct tb_callout_report_build *b = tb_callout_report_begin(tmp, co, &params);
		Tetrabridge__V1__CalloutReportRow *row;

		if (b && tb_callout_store_history(store, co->id, 0, report_history_row, b) < 0) {
			talloc_free(b);
			tb_reply_fail(reply, tmp, CODE(BUSY), "the history of call-out %" PRIu64 " cannot be read now; try "
			     "again", co->id);
			return;
		}
		row = tb_callout_report_end(b);
		if (!row)
			goto nomem;
		if (!tb_callout_page_take(&p, tetrabridge__v1__callout_report_row__get_packed_size(row))) {
			rc.more = true;
			break;
		}
		page->rows[page->n_rows++] = row;
	}
	page->more = rc.more;
	reply->result_case = TETRABRIDGE__V1__REPLY__RESULT_REPORT;
	reply->report = page;
	return;
nomem:
	tb_reply_fail(reply, tmp, CODE(BUSY), "the bridge is short of memory for the report; ask for a shorter time");
}

/* ---- dispatch ------------------------------------------------------------- */

bool tb_callout_command_case(Tetrabridge__V1__Command__CommandCase c)
{
	switch (c) {
	case CMD(CALLOUT_CREATE):
	case CMD(CALLOUT_CANCEL):
	case CMD(CALLOUT_ADD):
	case CMD(CALLOUT_REALERT):
	case CMD(CALLOUT_SET):
	case CMD(CALLOUT_CLOSE):
	case CMD(CALLOUT_ACK):
	case CMD(CALLOUT_BOARD):
	case CMD(CALLOUT_SHOW):
	case CMD(CALLOUT_REPORT):
		return true;
	default:
		return false;
	}
}

void tb_callout_command(const struct tb_callout_cmd_env *env, const Tetrabridge__V1__Command *cmd,
			const struct tb_command_client *client, Tetrabridge__V1__Reply *reply)
{
	struct tb_callout_who who = { .name = client->name ? client->name : "", .role = tb_role_name(client->role) };
	struct tb_callout_tracker *t = env->tracker;
	void *tmp = client->tmp;
	struct tb_callout *co = NULL;
	char *why = NULL;
	int code;

	if (!t) {
		tb_reply_fail(reply, tmp, CODE(BUSY), "call-out tracking is not running on this bridge (yet); try again, or "
		     "look at its log");
		return;
	}
	/* Every member of the oneof shares one pointer: a case without its
	 * message (a foreign client) is refused rather than followed. */
	if (!cmd->callout_create) {
		tb_reply_fail(reply, tmp, CODE(INVALID_ARGUMENT), "the command is empty");
		return;
	}
	switch (cmd->command_case) {
	case CMD(CALLOUT_CREATE):
		code = create(t, cmd->callout_create, &who, &co, tmp, &why);
		break;
	case CMD(CALLOUT_CANCEL):
		code = cancel(t, cmd->callout_cancel, &who, &co, tmp, &why);
		break;
	case CMD(CALLOUT_ADD):
		code = add(t, cmd->callout_add, &who, &co, tmp, &why);
		break;
	case CMD(CALLOUT_REALERT):
		code = realert(t, cmd->callout_realert, &who, &co, tmp, &why);
		break;
	case CMD(CALLOUT_SET):
		code = set_state(t, cmd->callout_set, &who, &co, tmp, &why);
		break;
	case CMD(CALLOUT_CLOSE):
		code = close_callout(t, cmd->callout_close, &who, &co, tmp, &why);
		break;
	case CMD(CALLOUT_ACK):
		code = ack(t, cmd->callout_ack, &who, &co, tmp, &why);
		break;
	case CMD(CALLOUT_BOARD):
		board(env, cmd->callout_board, reply, tmp);
		return;
	case CMD(CALLOUT_SHOW):
		show(env, cmd->callout_show, reply, tmp);
		return;
	case CMD(CALLOUT_REPORT):
		report(env, cmd->callout_report, client, reply, tmp);
		return;
	default:
		tb_reply_fail(reply, tmp, CODE(UNKNOWN_COMMAND), "this bridge does not know that command");
		return;
	}
	if (code == REFUSED)
		tb_reply_fail(reply, tmp, CODE(INVALID_ARGUMENT), "%s", why);
	else
		changed(reply, tmp, code, co, why);
}
