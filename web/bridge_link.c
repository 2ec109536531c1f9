/* tetra-web's link to one bridge (see bridge_link.h).
 *
 * The stream: next_seq is the seq the board wants next. A live event
 * with that seq goes on the board at once; one beyond it (a gap) is held,
 * and Replay asks the journal from next_seq until it has nothing more;
 * then the held events follow, those the replay already gave dropped. A
 * replay that brings nothing for a gap is tried again a few times (the
 * journal may be behind the stream while the disk is full) before the
 * board goes on without those seqs.
 *
 * A sync, at the first answer of the bridge and whenever it answers again
 * after a silence: ListRadios, RosterList, CalloutBoard (every page), and
 * only then the replay from next_seq (at the start: the last
 * TW_BOARD_EVENTS events of the journal, whose end Health tells). The
 * bridge answers a DEALER's commands in order, so the radios and the
 * call-outs the board gets are from before every event replayed after
 * them: each event after the fetched state brings it up to date.
 *
 * Liveness: Health every heartbeat; no reply of any kind within the
 * timeout, or the Health itself unanswered, marks the bridge
 * disconnected. The DEALER is then made anew (with ZMQ_IMMEDIATE,
 * commands are only queued on a live connection), so that nothing sent
 * into the silence runs later, when the page was long told it failed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "web/bridge_link.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>
#include <talloc.h>
#include <zmq.h>

#include "common/logging.h"
#include "web/board.h"

#define REPLAY_MAX_EVENTS 1000	/* the bridge's cap per Reply */
#define DRAIN_BATCH 256		/* messages per socket before the loop gets a turn */
#define GAP_TRIES 5		/* replays of a gap that bring nothing, before it is given up */
#define BOARD_MAX_PAGES 1000
#define MAX_MSG_BYTES (8 << 20)
#define RECONNECT_POLL_MS 250	/* Health while no connection takes it */

enum req_kind {
	REQ_PAGE,	/* a page's command */
	REQ_HEALTH,
	REQ_RADIOS,
	REQ_ROSTER,
	REQ_BOARD,
	REQ_REPLAY,
};

struct pending {
	struct llist_head entry;
	struct tw_bridge_link *l;
	uint64_t id;
	enum req_kind kind;
	tw_reply_cb cb;		/* REQ_PAGE */
	void *data;
	struct osmo_timer_list timeout;
};

struct held {
	struct llist_head entry;
	Tetrabridge__V1__Event *ev;
	size_t bytes;
};

struct tw_bridge_link {
	char *name, *events, *commands;
	bool curve;
	struct tb_curve_keypair me, server;
	void *zctx;
	struct tw_board *board;
	unsigned bi;
	unsigned heartbeat_ms, timeout_ms;

	void *sub, *dealer;
	struct osmo_fd sub_ofd, dealer_ofd;
	struct osmo_timer_list kick;		/* drain both sockets from the loop */
	struct osmo_timer_list heartbeat;
	struct osmo_timer_list retry;		/* a replay again, later */

	bool connected;
	struct timespec last_reply;
	uint64_t next_id;
	struct llist_head pending;
	unsigned n_page_pending;
	bool health_pending;

	/* the sync */
	unsigned fetching;			/* fetch replies still to come */
	Tetrabridge__V1__Reply **board_pages;	/* talloc array of CalloutBoard replies */
	size_t n_board_pages, n_board_callouts;
	uint64_t journal_last;			/* the last Health's */
	bool replaying;
	bool replay_refused;			/* the bridge will not replay for us: live only */

	/* the stream */
	uint64_t next_seq;			/* 0: not known yet */
	struct llist_head held;
	size_t n_held, held_bytes;
	uint64_t gap_from;			/* next_seq when the gap's replay was asked */
	unsigned gap_tries;

	struct tw_link_stats stats;
};

static void kick(struct tw_bridge_link *l)
{
	osmo_timer_schedule(&l->kick, 0, 0);
}

static void schedule_ms(struct osmo_timer_list *t, unsigned ms)
{
	osmo_timer_schedule(t, ms / 1000, (ms % 1000) * 1000);
}

static int64_t elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	osmo_clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

/* ---- sockets ------------------------------------------------------------ */

static int sock_fd_cb(struct osmo_fd *ofd, unsigned int what)
{
	kick(ofd->data);
	return 0;
}

static void *open_socket(struct tw_bridge_link *l, int type, const char *endpoint, struct osmo_fd *ofd,
			 char **errmsg, void *ctx)
{
	void *s = zmq_socket(l->zctx, type);
	int linger = 0, one = 1, hwm = TW_LINK_HOLD_EVENTS, fd;
	int64_t maxmsg = MAX_MSG_BYTES;
	size_t fd_len = sizeof(fd);

	if (!s) {
		*errmsg = talloc_asprintf(ctx, "cannot make a socket for bridge %s: %s", l->name,
					  zmq_strerror(zmq_errno()));
		return NULL;
	}
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
	zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &maxmsg, sizeof(maxmsg));
	if (type == ZMQ_SUB) {
		zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof(hwm));
		zmq_setsockopt(s, ZMQ_SUBSCRIBE, "", 0);
	} else {
		zmq_setsockopt(s, ZMQ_IMMEDIATE, &one, sizeof(one));
	}
	if (l->curve && (zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, l->server.public_key, TB_Z85_KEY_LEN) < 0 ||
			 zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, l->me.public_key, TB_Z85_KEY_LEN) < 0 ||
			 zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, l->me.secret_key, TB_Z85_KEY_LEN) < 0)) {
		*errmsg = talloc_asprintf(ctx, "cannot set the CURVE keys for bridge %s: %s", l->name,
					  zmq_strerror(zmq_errno()));
		goto fail;
	}
	if (zmq_connect(s, endpoint) < 0) {
		*errmsg = talloc_asprintf(ctx, "cannot connect to %s of bridge %s: %s", endpoint, l->name,
					  zmq_strerror(zmq_errno()));
		goto fail;
	}
	if (zmq_getsockopt(s, ZMQ_FD, &fd, &fd_len) < 0) {
		*errmsg = talloc_asprintf(ctx, "cannot watch the socket for bridge %s: %s", l->name,
					  zmq_strerror(zmq_errno()));
		goto fail;
	}
	osmo_fd_setup(ofd, fd, OSMO_FD_READ, sock_fd_cb, l, 0);
	if (osmo_fd_register(ofd) < 0) {
		*errmsg = talloc_asprintf(ctx, "cannot watch the socket for bridge %s", l->name);
		goto fail;
	}
	return s;
fail:
	zmq_close(s);
	return NULL;
}

static void close_socket(void **s, struct osmo_fd *ofd)
{
	if (ofd->fd >= 0 && osmo_fd_is_registered(ofd))
		osmo_fd_unregister(ofd);
	ofd->fd = -1;
	if (*s)
		zmq_close(*s);
	*s = NULL;
}

/* ---- requests ------------------------------------------------------------ */

static void pending_timeout_cb(void *data);

static void pending_free(struct pending *p)
{
	osmo_timer_del(&p->timeout);
	llist_del(&p->entry);
	if (p->kind == REQ_PAGE)
		p->l->n_page_pending--;
	if (p->kind == REQ_HEALTH)
		p->l->health_pending = false;
	talloc_free(p);
}

/* Send cmd with a new request id; NULL (and *why) when it cannot go. */
static struct pending *send_command(struct tw_bridge_link *l, Tetrabridge__V1__Command *cmd, enum req_kind kind,
				    const char **why)
{
	struct pending *p;
	size_t len;
	uint8_t *buf;
	int rc;

	if (!l->dealer) {
		*why = "the bridge is not connected";
		return NULL;
	}
	p = talloc_zero(l, struct pending);
	if (!p) {
		*why = "out of memory";
		return NULL;
	}
	cmd->request_id = ++l->next_id;
	len = tetrabridge__v1__command__get_packed_size(cmd);
	buf = talloc_size(p, len ? len : 1);
	if (!buf) {
		talloc_free(p);
		*why = "out of memory";
		return NULL;
	}
	tetrabridge__v1__command__pack(cmd, buf);
	rc = zmq_send(l->dealer, buf, len, ZMQ_DONTWAIT);
	talloc_free(buf);
	kick(l);	/* a send may consume ZMQ_FD's edge */
	if (rc < 0) {
		*why = zmq_errno() == EAGAIN ? "the bridge is not connected" : "the command could not be sent";
		talloc_free(p);
		return NULL;
	}
	p->l = l;
	p->id = cmd->request_id;
	p->kind = kind;
	llist_add_tail(&p->entry, &l->pending);
	if (kind == REQ_PAGE)
		l->n_page_pending++;
	if (kind == REQ_HEALTH)
		l->health_pending = true;
	osmo_timer_setup(&p->timeout, pending_timeout_cb, p);
	schedule_ms(&p->timeout, l->timeout_ms);
	return p;
}

static bool send_internal(struct tw_bridge_link *l, Tetrabridge__V1__Command *cmd, enum req_kind kind)
{
	const char *why;

	return send_command(l, cmd, kind, &why) != NULL;
}

static void free_board_pages(struct tw_bridge_link *l)
{
	for (size_t i = 0; i < l->n_board_pages; i++)
		tetrabridge__v1__reply__free_unpacked(l->board_pages[i], NULL);
	TALLOC_FREE(l->board_pages);
	l->n_board_pages = l->n_board_callouts = 0;
}

/* Forget the sync's requests: their replies, if they come, are ignored. */
static void drop_sync_requests(struct tw_bridge_link *l)
{
	struct pending *p, *tmp;

	llist_for_each_entry_safe(p, tmp, &l->pending, entry)
		if (p->kind != REQ_PAGE && p->kind != REQ_HEALTH)
			pending_free(p);
	l->fetching = 0;
	l->replaying = false;
	free_board_pages(l);
}

/* ---- the stream ------------------------------------------------------------ */

static void put_on_board(struct tw_bridge_link *l, const Tetrabridge__V1__Event *ev)
{
	tw_board_event(l->board, l->bi, ev);
	l->next_seq = ev->seq + 1;
}

static void send_replay(struct tw_bridge_link *l)
{
	Tetrabridge__V1__Command cmd;
	Tetrabridge__V1__Replay rp;

	if (!l->connected || l->replaying || l->fetching || l->replay_refused || osmo_timer_pending(&l->retry))
		return;
	tetrabridge__v1__command__init(&cmd);
	tetrabridge__v1__replay__init(&rp);
	if (!l->next_seq)
		l->next_seq = l->journal_last >= TW_BOARD_EVENTS ? l->journal_last - TW_BOARD_EVENTS + 1 : 1;
	rp.from_seq = l->next_seq;
	rp.max_events = REPLAY_MAX_EVENTS;
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_REPLAY;
	cmd.replay = &rp;
	if (send_internal(l, &cmd, REQ_REPLAY)) {
		l->replaying = true;
		l->stats.replays++;
	}
}

static void held_free(struct tw_bridge_link *l, struct held *h)
{
	llist_del(&h->entry);
	l->n_held--;
	l->held_bytes -= h->bytes;
	tetrabridge__v1__event__free_unpacked(h->ev, NULL);
	talloc_free(h);
}

/* The held events that follow on; at a gap, a replay (or, when the journal
 * has brought nothing for it GAP_TRIES times, the board goes on without). */
static void release_held(struct tw_bridge_link *l)
{
	while (!llist_empty(&l->held) && !l->replaying && !l->fetching) {
		struct held *h = llist_first_entry(&l->held, struct held, entry);
		uint64_t seq = h->ev->seq;

		if (!l->next_seq)
			return;	/* the start's replay comes first */
		if (seq < l->next_seq) {
			held_free(l, h);	/* the replay gave it */
			continue;
		}
		if (seq == l->next_seq) {
			put_on_board(l, h->ev);
			held_free(l, h);
			continue;
		}
		/* a gap */
		if (l->replay_refused || l->gap_tries >= GAP_TRIES) {
			LOGP(DIPC, LOGL_NOTICE, "bridge %s: events %" PRIu64 "-%" PRIu64 " cannot be replayed; "
			     "the board goes on without them\n", l->name, l->next_seq, seq - 1);
			l->stats.seqs_skipped += seq - l->next_seq;
			l->next_seq = seq;
			l->gap_tries = 0;
			continue;
		}
		if (!l->connected || osmo_timer_pending(&l->retry))
			return;	/* until the bridge answers again, or the retry */
		if (l->gap_from == l->next_seq) {
			/* the last replay brought nothing for this gap: later */
			l->gap_tries++;
			schedule_ms(&l->retry, 200 * l->gap_tries);
			return;
		}
		l->gap_from = l->next_seq;
		send_replay(l);
		return;
	}
	if (llist_empty(&l->held))
		l->gap_tries = 0;
}

static void hold(struct tw_bridge_link *l, Tetrabridge__V1__Event *ev, size_t bytes)
{
	struct held *h;

	if (l->n_held >= TW_LINK_HOLD_EVENTS || l->held_bytes + bytes > TW_LINK_HOLD_BYTES ||
	    !(h = talloc_zero(l, struct held))) {
		l->stats.held_dropped++;	/* in the journal: the next replay brings it */
		tetrabridge__v1__event__free_unpacked(ev, NULL);
		return;
	}
	h->ev = ev;
	h->bytes = bytes;
	llist_add_tail(&h->entry, &l->held);
	l->n_held++;
	l->held_bytes += bytes;
}

/* Takes ev. */
static void live_event(struct tw_bridge_link *l, Tetrabridge__V1__Event *ev, size_t bytes)
{
	l->stats.events_live++;
	if (l->next_seq && ev->seq < l->next_seq) {
		/* given by a replay already */
		tetrabridge__v1__event__free_unpacked(ev, NULL);
		return;
	}
	if (l->next_seq && ev->seq == l->next_seq && llist_empty(&l->held) && !l->replaying && !l->fetching) {
		put_on_board(l, ev);
		tetrabridge__v1__event__free_unpacked(ev, NULL);
		return;
	}
	if (!l->next_seq && l->replay_refused)
		l->next_seq = ev->seq;	/* no journal for us: the board starts with what comes */
	hold(l, ev, bytes);
	release_held(l);
}

static void replay_reply(struct tw_bridge_link *l, const Tetrabridge__V1__Reply *r)
{
	const Tetrabridge__V1__ReplayBatch *b = r->replay;
	uint64_t before = l->next_seq;

	l->replaying = false;
	if (r->code != TETRABRIDGE__V1__REPLY__CODE__OK || r->result_case != TETRABRIDGE__V1__REPLY__RESULT_REPLAY ||
	    !b) {
		if (r->code == TETRABRIDGE__V1__REPLY__CODE__NOT_ALLOWED ||
		    r->code == TETRABRIDGE__V1__REPLY__CODE__UNKNOWN_COMMAND) {
			LOGP(DIPC, LOGL_NOTICE, "bridge %s: Replay refused (%s): gaps cannot be filled\n", l->name,
			     r->error ? r->error : "");
			l->replay_refused = true;
			if (!llist_empty(&l->held) &&
			    (!l->next_seq || llist_first_entry(&l->held, struct held, entry)->ev->seq < l->next_seq))
				l->next_seq = llist_first_entry(&l->held, struct held, entry)->ev->seq;
		} else {
			schedule_ms(&l->retry, 1000);
		}
		release_held(l);
		return;
	}
	for (size_t i = 0; i < b->n_events; i++) {
		const Tetrabridge__V1__Event *ev = b->events[i];

		if (!ev || ev->seq < l->next_seq)
			continue;
		if (ev->seq > l->next_seq)
			l->stats.seqs_skipped += ev->seq - l->next_seq;	/* gone from the journal */
		l->stats.events_replayed++;
		put_on_board(l, ev);
	}
	if (b->next_seq > l->next_seq) {
		/* lost (SeqLost), or no longer kept: they never come */
		l->stats.seqs_skipped += b->next_seq - l->next_seq;
		l->next_seq = b->next_seq;
	}
	if (b->more && l->next_seq > before) {
		send_replay(l);
		if (l->replaying)
			return;
	}
	release_held(l);
}

static void retry_cb(void *data)
{
	struct tw_bridge_link *l = data;

	l->gap_from = 0;	/* ask the journal again */
	release_held(l);
	if (!l->replaying && !l->fetching && llist_empty(&l->held))
		send_replay(l);
}

/* ---- the sync ------------------------------------------------------------------ */

static void fetch_done(struct tw_bridge_link *l)
{
	if (!l->fetching || --l->fetching)
		return;
	if (l->next_seq)
		release_held(l);
	/* the start's replay; or, nothing held, the stream may have moved on
	 * while nobody listened */
	if (!l->replaying && !l->fetching && llist_empty(&l->held))
		send_replay(l);
	else if (!l->next_seq)
		send_replay(l);
}

static bool ask_board_page(struct tw_bridge_link *l, uint64_t after_id)
{
	Tetrabridge__V1__Command cmd;
	Tetrabridge__V1__CalloutBoard cb;

	tetrabridge__v1__command__init(&cmd);
	tetrabridge__v1__callout_board__init(&cb);
	cb.after_id = after_id;
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_BOARD;
	cmd.callout_board = &cb;
	return send_internal(l, &cmd, REQ_BOARD);
}

static void board_done(struct tw_bridge_link *l, bool whole)
{
	if (whole) {
		Tetrabridge__V1__Callout **all = talloc_array(l, Tetrabridge__V1__Callout *,
							      l->n_board_callouts ? l->n_board_callouts : 1);
		size_t n = 0;

		for (size_t i = 0; all && i < l->n_board_pages; i++) {
			const Tetrabridge__V1__CalloutBoardPage *pg = l->board_pages[i]->board;
			for (size_t k = 0; k < pg->n_callouts; k++)
				all[n++] = pg->callouts[k];
		}
		if (all)
			tw_board_callouts(l->board, l->bi, all, n);
		talloc_free(all);
	}
	free_board_pages(l);
	fetch_done(l);
}

/* Takes r (a CalloutBoard page; NULL: it did not come). */
static void board_reply(struct tw_bridge_link *l, Tetrabridge__V1__Reply *r)
{
	const Tetrabridge__V1__CalloutBoardPage *pg;
	Tetrabridge__V1__Reply **pages;

	if (!r || r->code != TETRABRIDGE__V1__REPLY__CODE__OK ||
	    r->result_case != TETRABRIDGE__V1__REPLY__RESULT_BOARD || !r->board) {
		/* the board keeps what it has: events keep it current */
		if (r)
			tetrabridge__v1__reply__free_unpacked(r, NULL);
		board_done(l, false);
		return;
	}
	pg = r->board;
	pages = talloc_realloc(l, l->board_pages, Tetrabridge__V1__Reply *, l->n_board_pages + 1);
	if (!pages) {
		tetrabridge__v1__reply__free_unpacked(r, NULL);
		board_done(l, false);
		return;
	}
	l->board_pages = pages;
	pages[l->n_board_pages++] = r;
	l->n_board_callouts += pg->n_callouts;
	if (pg->more && pg->n_callouts && l->n_board_callouts <= TW_BOARD_MAX_CALLOUTS &&
	    l->n_board_pages < BOARD_MAX_PAGES && ask_board_page(l, pg->callouts[pg->n_callouts - 1]->id))
		return;	/* still fetching */
	board_done(l, true);
}

static void start_sync(struct tw_bridge_link *l)
{
	Tetrabridge__V1__Command cmd;
	Tetrabridge__V1__ListRadios lr;
	Tetrabridge__V1__RosterList rl;

	drop_sync_requests(l);
	osmo_timer_del(&l->retry);
	l->gap_from = 0;
	l->gap_tries = 0;

	tetrabridge__v1__command__init(&cmd);
	tetrabridge__v1__list_radios__init(&lr);
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_LIST_RADIOS;
	cmd.list_radios = &lr;
	l->fetching += send_internal(l, &cmd, REQ_RADIOS);

	tetrabridge__v1__command__init(&cmd);
	tetrabridge__v1__roster_list__init(&rl);
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_ROSTER;
	cmd.roster = &rl;
	l->fetching += send_internal(l, &cmd, REQ_ROSTER);

	l->fetching += ask_board_page(l, 0);
	if (!l->fetching) {
		/* nothing went out: the next Health answered starts again */
		l->connected = false;
		tw_board_link(l->board, l->bi, false);
	}
}

/* Every page's command waiting gets reply NULL and why. One at a time:
 * a callback may cancel another. */
static void fail_pages(struct tw_bridge_link *l, const char *why)
{
	for (;;) {
		struct pending *p, *found = NULL;
		tw_reply_cb cb;
		void *cb_data;

		llist_for_each_entry(p, &l->pending, entry) {
			if (p->kind == REQ_PAGE) {
				found = p;
				break;
			}
		}
		if (!found)
			return;
		cb = found->cb;
		cb_data = found->data;
		pending_free(found);
		l->stats.timeouts++;
		cb(NULL, why, cb_data);
	}
}

static void set_disconnected(struct tw_bridge_link *l, const char *why)
{
	struct pending *p, *tmp;
	char *err = NULL;

	if (!l->connected)
		return;
	LOGP(DIPC, LOGL_NOTICE, "bridge %s: disconnected (%s)\n", l->name, why);
	l->connected = false;
	drop_sync_requests(l);
	tw_board_link(l->board, l->bi, false);
	/* a new DEALER: nothing sent into the silence runs later; and no
	 * reply comes to the old one, so the pages hear it now */
	close_socket(&l->dealer, &l->dealer_ofd);
	l->dealer = open_socket(l, ZMQ_DEALER, l->commands, &l->dealer_ofd, &err, l);
	if (!l->dealer)
		LOGP(DIPC, LOGL_ERROR, "%s\n", err ? err : "cannot make a new command socket");
	talloc_free(err);
	llist_for_each_entry_safe(p, tmp, &l->pending, entry)
		if (p->kind == REQ_HEALTH)
			pending_free(p);
	fail_pages(l, "the bridge stopped answering; the command may or may not have run");
}

static void health_reply(struct tw_bridge_link *l, const Tetrabridge__V1__Reply *r)
{
	uint64_t journal_last = r->health ? r->health->journal_last_seq : 0;

	if (r->code != TETRABRIDGE__V1__REPLY__CODE__OK || r->result_case != TETRABRIDGE__V1__REPLY__RESULT_HEALTH)
		LOGP(DIPC, LOGL_NOTICE, "bridge %s: Health refused: %s\n", l->name, r->error ? r->error : "");
	if (!l->connected) {
		l->journal_last = journal_last;
		l->connected = true;
		LOGP(DIPC, LOGL_NOTICE, "bridge %s: connected\n", l->name);
		tw_board_link(l->board, l->bi, true);
		start_sync(l);
		return;
	}
	/* An event the journal had at the last heartbeat that the board has
	 * not yet: the stream lost it and nothing after it showed the gap (a
	 * bridge restarted between two heartbeats, then quiet). */
	if (l->next_seq && l->next_seq <= l->journal_last && llist_empty(&l->held))
		send_replay(l);
	l->journal_last = journal_last;
}

static void heartbeat_cb(void *data)
{
	struct tw_bridge_link *l = data;
	Tetrabridge__V1__Command cmd;
	Tetrabridge__V1__Health h;
	unsigned next_ms = l->heartbeat_ms;

	if (l->connected && elapsed_ms(&l->last_reply) >= l->timeout_ms)
		set_disconnected(l, "no reply");
	if (!l->health_pending) {
		tetrabridge__v1__command__init(&cmd);
		tetrabridge__v1__health__init(&h);
		cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_HEALTH;
		cmd.health = &h;
		/* not sent (no connection yet): soon again, the bridge may be
		 * just starting */
		if (!send_internal(l, &cmd, REQ_HEALTH) && next_ms > RECONNECT_POLL_MS)
			next_ms = RECONNECT_POLL_MS;
	}
	schedule_ms(&l->heartbeat, next_ms);
}

static void pending_timeout_cb(void *data)
{
	struct pending *p = data;
	struct tw_bridge_link *l = p->l;
	enum req_kind kind = p->kind;
	tw_reply_cb cb = p->cb;
	void *cb_data = p->data;

	pending_free(p);
	switch (kind) {
	case REQ_PAGE:
		l->stats.timeouts++;
		cb(NULL, "the bridge did not answer in time", cb_data);
		break;
	case REQ_HEALTH:
		set_disconnected(l, "no reply to Health");
		break;
	case REQ_RADIOS:
	case REQ_ROSTER:
		fetch_done(l);
		break;
	case REQ_BOARD:
		board_reply(l, NULL);
		break;
	case REQ_REPLAY:
		l->replaying = false;
		schedule_ms(&l->retry, 1000);
		break;
	}
}

/* ---- receiving ---------------------------------------------------------------- */

/* Takes r. */
static void on_reply(struct tw_bridge_link *l, Tetrabridge__V1__Reply *r)
{
	struct pending *p, *found = NULL;
	enum req_kind kind;
	tw_reply_cb cb;
	void *cb_data;

	osmo_clock_gettime(CLOCK_MONOTONIC, &l->last_reply);
	llist_for_each_entry(p, &l->pending, entry) {
		if (p->id == r->request_id) {
			found = p;
			break;
		}
	}
	if (!found) {
		/* cancelled, timed out, or of a sync given up */
		tetrabridge__v1__reply__free_unpacked(r, NULL);
		return;
	}
	kind = found->kind;
	cb = found->cb;
	cb_data = found->data;
	pending_free(found);

	switch (kind) {
	case REQ_PAGE:
		cb(r, NULL, cb_data);
		break;
	case REQ_HEALTH:
		health_reply(l, r);
		break;
	case REQ_RADIOS:
		if (r->code == TETRABRIDGE__V1__REPLY__CODE__OK && r->result_case == TETRABRIDGE__V1__REPLY__RESULT_RADIOS)
			tw_board_radios(l->board, l->bi, r->radios);
		fetch_done(l);
		break;
	case REQ_ROSTER:
		/* a bridge without RosterList answers UNKNOWN_COMMAND: no roster then */
		if (r->code == TETRABRIDGE__V1__REPLY__CODE__OK && r->result_case == TETRABRIDGE__V1__REPLY__RESULT_ROSTER)
			tw_board_roster(l->board, l->bi, r->roster);
		fetch_done(l);
		break;
	case REQ_BOARD:
		board_reply(l, r);
		return;	/* it took r */
	case REQ_REPLAY:
		replay_reply(l, r);
		break;
	}
	tetrabridge__v1__reply__free_unpacked(r, NULL);
}

/* One message: its first two frames (the rest dropped) in frames, their
 * count in *n; or -errno (-EAGAIN: none waits). */
static int recv_msg(void *s, zmq_msg_t *frames, unsigned *n)
{
	int more;
	size_t ml = sizeof(more);

	*n = 0;
	for (;;) {
		zmq_msg_t m;

		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, s, ZMQ_DONTWAIT) < 0) {
			int e = zmq_errno();
			zmq_msg_close(&m);
			for (unsigned i = 0; i < *n; i++)
				zmq_msg_close(&frames[i]);
			*n = 0;
			return -e;
		}
		more = 0;
		zmq_getsockopt(s, ZMQ_RCVMORE, &more, &ml);
		if (*n < 2)
			frames[(*n)++] = m;
		else
			zmq_msg_close(&m);
		if (!more)
			return 0;
	}
}

/* ZMQ_EVENTS: also what re-arms ZMQ_FD's edge. */
static bool readable(void *s)
{
	int events = 0;
	size_t len = sizeof(events);

	return s && zmq_getsockopt(s, ZMQ_EVENTS, &events, &len) == 0 && (events & ZMQ_POLLIN);
}

/* Returns true when more may wait. */
static bool drain_sub(struct tw_bridge_link *l)
{
	for (unsigned i = 0; i < DRAIN_BATCH; i++) {
		zmq_msg_t f[2];
		unsigned n;
		Tetrabridge__V1__Event *ev;

		if (!readable(l->sub) || recv_msg(l->sub, f, &n) < 0)
			return false;
		ev = n == 2 ? tetrabridge__v1__event__unpack(NULL, zmq_msg_size(&f[1]), zmq_msg_data(&f[1])) : NULL;
		if (ev)
			live_event(l, ev, zmq_msg_size(&f[1]));
		for (unsigned k = 0; k < n; k++)
			zmq_msg_close(&f[k]);
	}
	return true;
}

static bool drain_dealer(struct tw_bridge_link *l)
{
	for (unsigned i = 0; i < DRAIN_BATCH; i++) {
		zmq_msg_t f[2];
		unsigned n;
		Tetrabridge__V1__Reply *r;

		/* l->dealer each time: a reply's handling may make a new one */
		if (!readable(l->dealer) || recv_msg(l->dealer, f, &n) < 0)
			return false;
		r = n >= 1 ? tetrabridge__v1__reply__unpack(NULL, zmq_msg_size(&f[0]), zmq_msg_data(&f[0])) : NULL;
		for (unsigned k = 0; k < n; k++)
			zmq_msg_close(&f[k]);
		if (r)
			on_reply(l, r);
	}
	return true;
}

static void kick_cb(void *data)
{
	struct tw_bridge_link *l = data;
	bool more = drain_dealer(l);

	more |= drain_sub(l);
	if (more)
		kick(l);
}

/* ---- the API ------------------------------------------------------------------ */

uint64_t tw_bridge_link_command(struct tw_bridge_link *l, Tetrabridge__V1__Command *cmd,
				const Tetrabridge__V1__Actor *actor, tw_reply_cb cb, void *data, const char **why)
{
	Tetrabridge__V1__Actor *saved = cmd->on_behalf_of;
	struct pending *p;
	const char *dummy;

	if (!why)
		why = &dummy;
	if (!l->connected) {
		*why = "the bridge is not connected";
		return 0;
	}
	if (l->n_page_pending >= TW_LINK_MAX_PENDING) {
		*why = "too many commands are waiting for the bridge";
		return 0;
	}
	cmd->on_behalf_of = (Tetrabridge__V1__Actor *)actor;
	p = send_command(l, cmd, REQ_PAGE, why);
	cmd->on_behalf_of = saved;
	if (!p)
		return 0;
	p->cb = cb;
	p->data = data;
	l->stats.commands++;
	return p->id;
}

void tw_bridge_link_cancel(struct tw_bridge_link *l, uint64_t id)
{
	struct pending *p;

	llist_for_each_entry(p, &l->pending, entry) {
		if (p->kind == REQ_PAGE && p->id == id) {
			pending_free(p);
			return;
		}
	}
}

const char *tw_bridge_link_name(const struct tw_bridge_link *l)
{
	return l->name;
}

bool tw_bridge_link_connected(const struct tw_bridge_link *l)
{
	return l->connected;
}

void tw_bridge_link_get_stats(const struct tw_bridge_link *l, struct tw_link_stats *st)
{
	*st = l->stats;
}

static int link_destructor(struct tw_bridge_link *l)
{
	struct pending *p, *tmp;
	struct held *h, *htmp;

	osmo_timer_del(&l->kick);
	osmo_timer_del(&l->heartbeat);
	osmo_timer_del(&l->retry);
	l->connected = false;	/* a callback's new command is refused */
	fail_pages(l, "tetra-web is closing its link to the bridge");
	llist_for_each_entry_safe(p, tmp, &l->pending, entry)
		pending_free(p);
	free_board_pages(l);
	llist_for_each_entry_safe(h, htmp, &l->held, entry)
		held_free(l, h);
	close_socket(&l->sub, &l->sub_ofd);
	close_socket(&l->dealer, &l->dealer_ofd);
	explicit_bzero(&l->me, sizeof(l->me));
	return 0;
}

struct tw_bridge_link *tw_bridge_link_alloc(void *ctx, void *zmq_ctx, struct tw_board *board, unsigned board_index,
					    const struct tw_bridge_conf *conf, char **errmsg)
{
	struct tw_bridge_link *l = talloc_zero(ctx, struct tw_bridge_link);
	char *err = NULL;

	if (!l) {
		*errmsg = talloc_strdup(ctx, "out of memory");
		return NULL;
	}
	INIT_LLIST_HEAD(&l->pending);
	INIT_LLIST_HEAD(&l->held);
	osmo_timer_setup(&l->kick, kick_cb, l);
	osmo_timer_setup(&l->heartbeat, heartbeat_cb, l);
	osmo_timer_setup(&l->retry, retry_cb, l);
	l->sub_ofd.fd = l->dealer_ofd.fd = -1;
	talloc_set_destructor(l, link_destructor);
	l->name = talloc_strdup(l, conf->name ? conf->name : "");
	l->events = talloc_strdup(l, conf->events ? conf->events : "");
	l->commands = talloc_strdup(l, conf->commands ? conf->commands : "");
	l->zctx = zmq_ctx;
	l->board = board;
	l->bi = board_index;
	l->heartbeat_ms = conf->heartbeat_ms ? conf->heartbeat_ms : TW_LINK_HEARTBEAT_S * 1000;
	l->timeout_ms = conf->timeout_ms ? conf->timeout_ms : TW_LINK_TIMEOUT_S * 1000;

	if (conf->server_key) {
		if (!conf->client || !conf->client->secret_key[0]) {
			*errmsg = talloc_asprintf(ctx, "bridge %s: its server key needs a key pair of tetra-web's own",
						  l->name);
			goto fail;
		}
		if (tb_curve_key_load(l, conf->server_key, &l->server, &err) < 0) {
			*errmsg = talloc_asprintf(ctx, "bridge %s: %s", l->name, err ? err : "cannot read its key");
			goto fail;
		}
		l->me = *conf->client;
		l->curve = true;
	}
	l->sub = open_socket(l, ZMQ_SUB, l->events, &l->sub_ofd, errmsg, ctx);
	if (!l->sub)
		goto fail;
	l->dealer = open_socket(l, ZMQ_DEALER, l->commands, &l->dealer_ofd, errmsg, ctx);
	if (!l->dealer)
		goto fail;
	osmo_clock_gettime(CLOCK_MONOTONIC, &l->last_reply);
	osmo_timer_schedule(&l->heartbeat, 0, 0);	/* the first Health at once */
	return l;
fail:
	talloc_free(l);
	return NULL;
}

void tw_bridge_link_destroy(struct tw_bridge_link **l)
{
	if (l)
		TALLOC_FREE(*l);
}
