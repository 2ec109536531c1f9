/* The pages' WebSockets (ws_clients.h).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "web/ws_clients.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/talloc.h>

#include "common/logging.h"
#include "web/board.h"
#include "web/http_server.h"
#include "web/session.h"
#include "web/uv_loop.h"

/* One message, shared by the queues it is in. */
struct ws_msg {
	unsigned refs;
	size_t len;
	uint8_t data[];		/* LWS_PRE bytes for lws, then the text */
};

struct ws_entry {
	struct llist_head list;
	struct ws_msg *msg;
};

enum ws_closing { WS_OPEN, WS_SLOW, WS_EXPIRED };

/* lws's per-session data of a client. */
struct ws_client {
	struct llist_head list;		/* in tw_ws_clients.clients */
	struct lws *wsi;
	struct llist_head queue;	/* struct ws_entry, oldest first */
	size_t bytes;
	unsigned count;
	enum ws_closing closing;
	bool registered;
	char session[TW_SESSION_TOKEN_LEN + 1];
	char user[64];
	char addr[64];
};

struct tw_ws_clients {
	struct tw_server *srv;
	struct llist_head clients;
	unsigned count;
};

static const char expired_text[] = "{\"type\":\"session\",\"expired\":true}";

static struct ws_msg *msg_new(const char *text, size_t len)
{
	struct ws_msg *m = malloc(sizeof(*m) + LWS_PRE + len);

	if (!m)
		return NULL;
	m->refs = 0;
	m->len = len;
	memcpy(m->data + LWS_PRE, text, len);
	return m;
}

static void msg_unref(struct ws_msg *m)
{
	if (--m->refs == 0)
		free(m);
}

static void queue_drop(struct ws_client *c)
{
	struct ws_entry *e, *tmp;

	llist_for_each_entry_safe(e, tmp, &c->queue, list) {
		llist_del(&e->list);
		msg_unref(e->msg);
		free(e);
	}
	c->bytes = 0;
	c->count = 0;
}

static void wake(struct tw_ws_clients *w, struct ws_client *c)
{
	lws_callback_on_writable(c->wsi);
	tw_uv_loop_kick(w->srv->uv);
}

/* Queue m for c. bounded: over the client's bound the client is closed as
 * too slow. The first message of an empty queue always fits (a snapshot
 * may be larger than the bound). */
static void enqueue(struct tw_ws_clients *w, struct ws_client *c, struct ws_msg *m, bool bounded)
{
	const struct tw_web_config *cfg = w->srv->cfg;
	struct ws_entry *e;

	if (c->closing != WS_OPEN)
		return;
	if (bounded && c->count &&
	    (c->count + 1 > cfg->ws_queue_count || c->bytes + m->len > cfg->ws_queue_bytes)) {
		w->srv->counters.ws_dropped += c->count + 1;
		w->srv->counters.ws_slow++;
		LOGP(DWEB, LOGL_NOTICE, "WebSocket of %s from %s is too slow (%u messages, %zu bytes waiting): "
		     "closed, the page reconnects\n", c->user, c->addr, c->count, c->bytes);
		queue_drop(c);
		c->closing = WS_SLOW;
		wake(w, c);
		return;
	}
	e = malloc(sizeof(*e));
	if (!e)
		return;
	e->msg = m;
	m->refs++;
	llist_add_tail(&e->list, &c->queue);
	c->bytes += m->len;
	c->count++;
	wake(w, c);
}

void tw_ws_clients_broadcast(struct tw_ws_clients *w, const char *text, size_t len)
{
	struct ws_client *c;
	struct ws_msg *m;

	if (!w || llist_empty(&w->clients))
		return;
	m = msg_new(text, len);
	if (!m)
		return;
	m->refs = 1;	/* ours, while queueing */
	llist_for_each_entry(c, &w->clients, list)
		enqueue(w, c, m, true);
	msg_unref(m);
}

void tw_ws_clients_check_sessions(struct tw_ws_clients *w)
{
	struct ws_client *c;

	if (!w)
		return;
	llist_for_each_entry(c, &w->clients, list) {
		struct ws_msg *m;

		if (c->closing != WS_OPEN || tw_session_find(w->srv->sessions, c->session, false))
			continue;
		m = msg_new(expired_text, sizeof(expired_text) - 1);
		if (m) {
			m->refs = 1;
			enqueue(w, c, m, false);
			msg_unref(m);
		}
		c->closing = WS_EXPIRED;
		LOGP(DWEB, LOGL_INFO, "WebSocket of %s from %s: the session ended, closing\n", c->user, c->addr);
		wake(w, c);
	}
}

unsigned tw_ws_clients_count(const struct tw_ws_clients *w)
{
	return w ? w->count : 0;
}

struct tw_ws_clients *tw_ws_clients_alloc(struct tw_server *srv)
{
	struct tw_ws_clients *w = talloc_zero(srv->ctx, struct tw_ws_clients);

	if (!w)
		return NULL;
	w->srv = srv;
	INIT_LLIST_HEAD(&w->clients);
	return w;
}

/* ---- lws ------------------------------------------------------------------ */

/* Whether the handshake may become a client; why not into *why. */
static bool admit(struct tw_server *srv, struct lws *wsi, const char **why)
{
	char path[64], origin[512], host[256], want[300];

	if (strcmp(tw_req_header(wsi, WSI_TOKEN_GET_URI, path, sizeof(path)), "/ws")) {
		*why = "not /ws";
		return false;
	}
	tw_req_header(wsi, WSI_TOKEN_ORIGIN, origin, sizeof(origin));
	tw_req_header(wsi, WSI_TOKEN_HOST, host, sizeof(host));
	snprintf(want, sizeof(want), "%s://%s", srv->cfg->insecure ? "http" : "https", host);
	if (!host[0] || strcmp(origin, want)) {
		*why = "its Origin is not this server's";
		return false;
	}
	if (!tw_req_session(srv, wsi, true)) {
		*why = "no live session";
		return false;
	}
	if (srv->ws->count >= srv->cfg->max_clients) {
		*why = "max-clients reached";
		return false;
	}
	return true;
}

static int ws_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct tw_server *srv = lws_context_user(lws_get_context(wsi));
	struct tw_ws_clients *w = srv->ws;
	struct ws_client *c = user;

	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION: {
		const char *why = NULL;
		char addr[64];

		if (admit(srv, wsi, &why))
			return 0;
		srv->counters.ws_refused++;
		lws_get_peer_simple(wsi, addr, sizeof(addr));
		LOGP(DWEB, LOGL_INFO, "WebSocket from %s refused: %s\n", addr, why);
		return -1;
	}
	case LWS_CALLBACK_ESTABLISHED: {
		char cookie[1024];
		struct tw_session *ss;
		json_t *snap;
		char *text;
		struct ws_msg *m;

		memset(c, 0, sizeof(*c));
		c->wsi = wsi;
		INIT_LLIST_HEAD(&c->queue);
		tw_req_header(wsi, WSI_TOKEN_HTTP_COOKIE, cookie, sizeof(cookie));
		if (!tw_session_cookie_id(cookie, c->session) ||
		    !(ss = tw_session_find(srv->sessions, c->session, false)))
			return -1;
		snprintf(c->user, sizeof(c->user), "%s", ss->user);
		lws_get_peer_simple(wsi, c->addr, sizeof(c->addr));
		llist_add_tail(&c->list, &w->clients);
		c->registered = true;
		w->count++;
		LOGP(DWEB, LOGL_INFO, "WebSocket of %s from %s open (%u clients)\n", c->user, c->addr, w->count);
		snap = tw_board_snapshot(srv->board);
		text = snap ? json_dumps(snap, JSON_COMPACT) : NULL;
		json_decref(snap);
		if (!text)
			return -1;
		m = msg_new(text, strlen(text));
		free(text);
		if (!m)
			return -1;
		m->refs = 1;
		enqueue(w, c, m, false);
		msg_unref(m);
		return 0;
	}
	case LWS_CALLBACK_SERVER_WRITEABLE: {
		struct ws_entry *e;
		int n;

		if (c->closing == WS_SLOW) {
			lws_close_reason(wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, (unsigned char *)"too slow", 8);
			return -1;
		}
		if (llist_empty(&c->queue)) {
			if (c->closing == WS_EXPIRED) {
				lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, (unsigned char *)"session expired", 15);
				return -1;
			}
			return 0;
		}
		/* As many as the socket takes now, not one per turn of the loop:
		 * lws keeps what a write could not send and says the pipe is
		 * choked until it is out. */
		do {
			e = llist_first_entry(&c->queue, struct ws_entry, list);
			llist_del(&e->list);
			c->bytes -= e->msg->len;
			c->count--;
			n = lws_write(wsi, e->msg->data + LWS_PRE, e->msg->len, LWS_WRITE_TEXT);
			msg_unref(e->msg);
			free(e);
			if (n < 0)
				return -1;
		} while (!llist_empty(&c->queue) && !lws_send_pipe_choked(wsi));
		if (!llist_empty(&c->queue) || c->closing != WS_OPEN)
			lws_callback_on_writable(wsi);
		return 0;
	}
	case LWS_CALLBACK_RECEIVE:
		return 0;	/* the page says nothing on this socket */
	case LWS_CALLBACK_CLOSED:
		if (c->registered) {
			llist_del(&c->list);
			c->registered = false;
			w->count--;
			queue_drop(c);
			LOGP(DWEB, LOGL_INFO, "WebSocket of %s from %s closed (%u clients)\n", c->user, c->addr,
			     w->count);
		}
		return 0;
	default:
		break;
	}
	return 0;
}

void tw_ws_protocol(struct lws_protocols *p)
{
	*p = (struct lws_protocols){
		.name = "tetra-web.v1",
		.callback = ws_cb,
		.per_session_data_size = sizeof(struct ws_client),
		.rx_buffer_size = 1024,
	};
}
