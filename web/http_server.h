/* tetra-web's HTTP side: the libwebsockets context on the libuv loop
 * (web/uv_loop.h), one vhost (HTTPS, or plain HTTP on loopback with
 * `insecure`), the security headers on every response, the page's files
 * (lws mounts: GET only, files under the folder only, no listings), and
 * the routes: /api/... (web/api.c), /healthz and /metrics
 * (web/health_http.c), /ws (web/ws_clients.h).
 *
 * A request for a route is a struct tw_req: its handler answers at once or
 * later (an action waits for the bridge's reply) with tw_req_respond*(). A
 * browser that goes away before the answer ends the request: its cancel
 * hook runs, then it is freed.
 *
 * Ownership: struct tw_server is main's; requests and the server's own
 * state are talloc children of srv->ctx.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libwebsockets.h>

#include "web/web_config.h"

struct tw_board;
struct tw_bridge_link;
struct tw_login_limit;
struct tw_sessions;
struct tw_session;
struct tw_users;
struct tw_uv_loop;
struct tw_ws_clients;

/* Reply codes (Reply.Code) counted per action; a code beyond is "other". */
#define TW_ACTION_CODES 16

/* tetra-web's own numbers for /metrics. */
struct tw_counters {
	uint64_t logins_ok, logins_failed, logins_limited;
	uint64_t actions[TW_ACTION_CODES + 1];	/* by the bridge's reply code; [TW_ACTION_CODES]: other */
	uint64_t actions_refused;		/* 4xx before anything was sent */
	uint64_t actions_failed;		/* 502/504: the bridge did not answer */
	uint64_t ws_dropped;			/* messages dropped with a slow client */
	uint64_t ws_slow;			/* clients closed as too slow */
	uint64_t ws_refused;			/* handshakes refused */
};

struct tw_server {
	void *ctx;			/* talloc parent of what the server makes */
	const struct tw_web_config *cfg;
	struct tw_uv_loop *uv;
	struct lws_context *lws;
	struct tw_sessions *sessions;
	struct tw_users *users;
	struct tw_login_limit *limit;
	struct tw_board *board;
	struct tw_bridge_link *links[TW_MAX_BRIDGES];
	unsigned n_links;
	struct tw_ws_clients *ws;
	char *metrics_token;		/* NULL: /metrics only for admins */
	char *csp;			/* the Content-Security-Policy */
	unsigned port;			/* the port bound (listen 0: the kernel's choice) */
	struct tw_counters counters;
	void *priv;			/* http_server.c's */
};

enum tw_method { TW_GET, TW_POST, TW_OTHER };

struct tw_req {
	struct tw_server *srv;
	struct lws *wsi;
	enum tw_method method;
	char path[256];
	char addr[64];			/* the peer's address, for logs and the login limit */
	char *body;			/* POST: the body, NUL-terminated (at most TW_BODY_MAX) */
	size_t body_len;
	bool body_too_large;
	/* The answer (tw_req_respond*). */
	bool answered;
	unsigned status;
	const char *content_type;
	char *resp;			/* LWS_PRE bytes of room, then the body */
	size_t resp_len;
	char *set_cookie;		/* Set-Cookie value, or NULL */
	char *retry_after;		/* Retry-After value, or NULL */
	bool no_store;			/* Cache-Control: no-store (/api) */
	bool www_auth;			/* WWW-Authenticate: Bearer (/metrics) */
	bool headers_sent;
	/* A handler waiting for something: called when the browser goes away
	 * first. */
	void (*cancel)(struct tw_req *r);
	void *pending;
};

#define TW_BODY_MAX (64 * 1024)

/* Make the lws context and bind. 0, or -errno with *errmsg (under ctx). */
int tw_http_server_start(struct tw_server *srv, void *ctx, char **errmsg);
/* Close every connection (cancelling what waits) and the context. */
void tw_http_server_stop(struct tw_server *srv);

/* Answer r (once). body is copied; len may be 0. */
void tw_req_respond(struct tw_req *r, unsigned status, const char *content_type, const char *body, size_t len);
/* Answer with JSON (no-store); j is taken (decref'd). */
void tw_req_respond_json(struct tw_req *r, unsigned status, json_t *j);
/* {"error": why} with status. */
void tw_req_error(struct tw_req *r, unsigned status, const char *why);

/* A request header into buf ("" when absent or longer than len-1).
 * name: an lws token (WSI_TOKEN_...) or, for tw_req_custom_header, the
 * lower-case name with its colon ("x-csrf-token:"). */
const char *tw_req_header(struct lws *wsi, enum lws_token_indexes t, char *buf, size_t len);
const char *tw_req_custom_header(struct lws *wsi, const char *name, char *buf, size_t len);

/* The live session of the request's cookie (touch: count as use), or NULL. */
struct tw_session *tw_req_session(struct tw_server *srv, struct lws *wsi, bool touch);
