/* tetra-web's HTTP side (http_server.h).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "web/http_server.h"

#include <errno.h>
#include <string.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "common/logging.h"
#include "web/api.h"
#include "web/session.h"
#include "web/uv_loop.h"
#include "web/ws_clients.h"

struct http_priv {
	struct lws_protocol_vhost_options headers[5];
	struct lws_protocol_vhost_options mimetypes[6];
	struct lws_http_mount mounts[5];
	struct lws_protocols protocols[3];
	struct osmo_timer_list housekeeping;
	void *uv_loops[1];
};

/* Per HTTP connection (lws zeroes it; kept over keep-alive requests). */
struct http_pss {
	struct tw_req *req;
};

static struct tw_server *server_of(struct lws *wsi)
{
	return lws_context_user(lws_get_context(wsi));
}

/* ---- requests --------------------------------------------------------------- */

const char *tw_req_header(struct lws *wsi, enum lws_token_indexes t, char *buf, size_t len)
{
	int n = lws_hdr_total_length(wsi, t);

	buf[0] = '\0';
	if (n <= 0 || (size_t)n >= len || lws_hdr_copy(wsi, buf, len, t) < 0)
		buf[0] = '\0';
	return buf;
}

const char *tw_req_custom_header(struct lws *wsi, const char *name, char *buf, size_t len)
{
	int nlen = strlen(name);
	int n = lws_hdr_custom_length(wsi, name, nlen);

	buf[0] = '\0';
	if (n <= 0 || (size_t)n >= len || lws_hdr_custom_copy(wsi, buf, len, name, nlen) < 0)
		buf[0] = '\0';
	return buf;
}

struct tw_session *tw_req_session(struct tw_server *srv, struct lws *wsi, bool touch)
{
	char cookie[1024], id[TW_SESSION_TOKEN_LEN + 1];

	if (!*tw_req_header(wsi, WSI_TOKEN_HTTP_COOKIE, cookie, sizeof(cookie)))
		return NULL;
	if (!tw_session_cookie_id(cookie, id))
		return NULL;
	return tw_session_find(srv->sessions, id, touch);
}

void tw_req_respond(struct tw_req *r, unsigned status, const char *content_type, const char *body, size_t len)
{
	if (r->answered)
		return;
	r->answered = true;
	r->status = status;
	r->content_type = content_type;
	r->resp = talloc_size(r, LWS_PRE + len + 1);
	if (r->resp && len)
		memcpy(r->resp + LWS_PRE, body, len);
	r->resp_len = r->resp ? len : 0;
	lws_callback_on_writable(r->wsi);
	/* From a ZeroMQ callback libuv must turn to see the new interest. */
	tw_uv_loop_kick(r->srv->uv);
}

void tw_req_respond_json(struct tw_req *r, unsigned status, json_t *j)
{
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

	r->no_store = true;
	if (!text)
		tw_req_respond(r, 500, "application/json", "{\"error\":\"out of memory\"}", 25);
	else
		tw_req_respond(r, status, "application/json", text, strlen(text));
	free(text);
	json_decref(j);
}

void tw_req_error(struct tw_req *r, unsigned status, const char *why)
{
	tw_req_respond_json(r, status, json_pack("{s:s}", "error", why));
}

static int req_free(struct tw_req *r)
{
	if (r->cancel)
		r->cancel(r);
	r->cancel = NULL;
	return 0;
}

static struct tw_req *req_new(struct tw_server *srv, struct lws *wsi)
{
	struct tw_req *r = talloc_zero(srv->ctx, struct tw_req);

	if (!r)
		return NULL;
	talloc_set_destructor(r, req_free);
	r->srv = srv;
	r->wsi = wsi;
	if (*tw_req_header(wsi, WSI_TOKEN_GET_URI, r->path, sizeof(r->path)))
		r->method = TW_GET;
	else if (*tw_req_header(wsi, WSI_TOKEN_POST_URI, r->path, sizeof(r->path)))
		r->method = TW_POST;
	else
		r->method = TW_OTHER;
	lws_get_peer_simple(wsi, r->addr, sizeof(r->addr));
	return r;
}

static void dispatch(struct tw_req *r)
{
	if (!strncmp(r->path, "/api/", 5))
		tw_api_handle(r);
	else if (!strcmp(r->path, "/healthz") || !strcmp(r->path, "/metrics"))
		tw_health_handle(r);
	else
		tw_req_error(r, 404, "no such page");
}

/* Headers, then (on the next writeable) the body; then the connection
 * is free for the next request. */
static int write_response(struct http_pss *pss, struct lws *wsi)
{
	struct tw_req *r = pss->req;

	if (!r || !r->answered)
		return 0;
	if (!r->headers_sent) {
		uint8_t buf[LWS_PRE + 2048], *start = buf + LWS_PRE, *p = start, *end = buf + sizeof(buf) - 1;

		if (lws_add_http_common_headers(wsi, r->status, r->content_type, r->resp_len, &p, end))
			return -1;
		if (r->no_store &&
		    lws_add_http_header_by_name(wsi, (const uint8_t *)"cache-control:", (const uint8_t *)"no-store", 8,
						&p, end))
			return -1;
		if (r->set_cookie && lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_SET_COOKIE,
								  (const uint8_t *)r->set_cookie,
								  strlen(r->set_cookie), &p, end))
			return -1;
		if (r->retry_after && lws_add_http_header_by_name(wsi, (const uint8_t *)"retry-after:",
								  (const uint8_t *)r->retry_after,
								  strlen(r->retry_after), &p, end))
			return -1;
		if (r->www_auth && lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_WWW_AUTHENTICATE,
								(const uint8_t *)"Bearer", 6, &p, end))
			return -1;
		if (lws_finalize_write_http_header(wsi, start, &p, end))
			return -1;
		r->headers_sent = true;
		if (r->resp_len) {
			lws_callback_on_writable(wsi);
			return 0;
		}
	} else if (lws_write(wsi, (uint8_t *)r->resp + LWS_PRE, r->resp_len, LWS_WRITE_HTTP_FINAL) !=
		   (int)r->resp_len) {
		return -1;
	}
	pss->req = NULL;
	talloc_free(r);
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

static bool is_route(const char *path)
{
	return !strncmp(path, "/api/", 5) || !strcmp(path, "/healthz") || !strcmp(path, "/metrics");
}

static int http_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct http_pss *pss = user;
	struct tw_server *srv = server_of(wsi);
	char buf[64];

	switch (reason) {
	case LWS_CALLBACK_FILTER_HTTP_CONNECTION: {
		/* The page's files are GET only; the routes say for themselves. */
		char path[256];

		if (*tw_req_header(wsi, WSI_TOKEN_GET_URI, path, sizeof(path)) || is_route((const char *)in))
			return 0;
		lws_return_http_status(wsi, 405, NULL);
		return -1;
	}
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		/* A WebSocket without our subprotocol lands here. */
		srv->counters.ws_refused++;
		return -1;
	case LWS_CALLBACK_HTTP:
		talloc_free(pss->req);
		pss->req = req_new(srv, wsi);
		if (!pss->req)
			return -1;
		if (pss->req->method == TW_POST) {
			long cl = atol(tw_req_header(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH, buf, sizeof(buf)));

			if (cl > TW_BODY_MAX) {
				tw_req_error(pss->req, 413, "the request is too large");
				return 0;
			}
			if (cl > 0 || lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0)
				return 0;	/* the body follows */
		}
		dispatch(pss->req);
		return 0;
	case LWS_CALLBACK_HTTP_BODY: {
		struct tw_req *r = pss->req;

		if (!r || r->answered)
			return 0;
		if (r->body_len + len > TW_BODY_MAX) {
			tw_req_error(r, 413, "the request is too large");
			return 0;
		}
		r->body = talloc_realloc_size(r, r->body, r->body_len + len + 1);
		if (!r->body)
			return -1;
		memcpy(r->body + r->body_len, in, len);
		r->body_len += len;
		r->body[r->body_len] = '\0';
		return 0;
	}
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (pss->req && !pss->req->answered && !pss->req->cancel)
			dispatch(pss->req);
		return 0;
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return write_response(pss, wsi);
	case LWS_CALLBACK_CLOSED_HTTP:
		/* The browser went away: what waits for it is cancelled. */
		TALLOC_FREE(pss->req);
		return 0;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* ---- lws's own log ------------------------------------------------------ */

static void lws_log_emit(int level, const char *line)
{
	size_t n = strlen(line);

	/* lws ends its lines with '\n' and prefixes a time; keep the words. */
	while (n && line[n - 1] == '\n')
		n--;
	LOGP(DWEB, level == LLL_ERR ? LOGL_ERROR : LOGL_NOTICE, "lws: %.*s\n", (int)n, line);
}

/* ---- housekeeping --------------------------------------------------------- */

static void housekeeping_cb(void *data)
{
	struct tw_server *srv = data;
	struct http_priv *priv = srv->priv;

	tw_sessions_expire(srv->sessions);
	tw_ws_clients_check_sessions(srv->ws);
	osmo_timer_schedule(&priv->housekeeping, 1, 0);
}

/* ---- start and stop --------------------------------------------------------- */

/* img-src: the tile server's origin (https://host[:port]) besides our own. */
static char *make_csp(void *ctx, const char *tile_server)
{
	char *origin = NULL, *csp;

	if (tile_server) {
		const char *host = tile_server + strlen("https://");
		size_t n = strcspn(host, "/");

		origin = talloc_asprintf(ctx, " https://%.*s", (int)n, host);
	}
	csp = talloc_asprintf(ctx,
			      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:%s; "
			      "connect-src 'self'; media-src 'self'; font-src 'self'; form-action 'self'; "
			      "frame-ancestors 'none'; base-uri 'none'",
			      origin ? origin : "");
	talloc_free(origin);
	return csp;
}

static void setup_headers(struct tw_server *srv, struct http_priv *p)
{
	static const char *names[] = { "content-security-policy:", "x-content-type-options:", "referrer-policy:",
				       "x-frame-options:", "cross-origin-opener-policy:" };
	const char *values[] = { srv->csp, "nosniff", "no-referrer", "DENY", "same-origin" };

	for (unsigned i = 0; i < 5; i++) {
		p->headers[i].name = names[i];
		p->headers[i].value = values[i];
		p->headers[i].next = i + 1 < 5 ? &p->headers[i + 1] : NULL;
	}
	/* lws knows html, js, css, svg, png ...; the rest the page may use: */
	static const char *ext[][2] = { { ".json", "application/json" },
					{ ".mjs", "text/javascript" },
					{ ".ogg", "audio/ogg" },
					{ ".wav", "audio/wav" },
					{ ".mp3", "audio/mpeg" },
					{ ".woff2", "font/woff2" } };
	for (unsigned i = 0; i < 6; i++) {
		p->mimetypes[i].name = ext[i][0];
		p->mimetypes[i].value = ext[i][1];
		p->mimetypes[i].next = i + 1 < 6 ? &p->mimetypes[i + 1] : NULL;
	}
}

static void setup_mounts(struct tw_server *srv, struct http_priv *p)
{
	static const char *routes[] = { "/api", "/healthz", "/metrics" };
	struct lws_http_mount *m = p->mounts;

	/* The routes first: a callback to the "http" protocol. */
	for (unsigned i = 0; i < 3; i++, m++) {
		m->mountpoint = routes[i];
		m->mountpoint_len = strlen(routes[i]);
		m->origin = "http";
		m->origin_protocol = LWSMPRO_CALLBACK;
		m->mount_next = m + 1;
	}
	m->mountpoint = "/leaflet";
	m->mountpoint_len = strlen(m->mountpoint);
	m->origin = srv->cfg->leaflet_dir;
	m->origin_protocol = LWSMPRO_FILE;
	m->extra_mimetypes = p->mimetypes;
	m->mount_next = m + 1;
	m++;
	m->mountpoint = "/";
	m->mountpoint_len = 1;
	m->origin = srv->cfg->static_dir;
	m->def = "index.html";
	m->origin_protocol = LWSMPRO_FILE;
	m->extra_mimetypes = p->mimetypes;
}

int tw_http_server_start(struct tw_server *srv, void *ctx, char **errmsg)
{
	const struct tw_web_config *c = srv->cfg;
	struct lws_context_creation_info info;
	struct http_priv *p = talloc_zero(srv->ctx, struct http_priv);
	struct lws_vhost *vh;

	if (!p)
		return -ENOMEM;
	srv->priv = p;
	srv->csp = make_csp(srv->ctx, c->tile_server);
	setup_headers(srv, p);
	setup_mounts(srv, p);
	p->protocols[0] = (struct lws_protocols){ .name = "http", .callback = http_cb,
						  .per_session_data_size = sizeof(struct http_pss) };
	tw_ws_protocol(&p->protocols[1]);
	p->uv_loops[0] = tw_uv_loop_uv(srv->uv);

	lws_set_log_level(LLL_ERR | LLL_WARN, lws_log_emit);
	memset(&info, 0, sizeof(info));
	info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_VALIDATE_UTF8 |
		       LWS_SERVER_OPTION_DISABLE_IPV6 * !strchr(c->listen_addr, ':');
	info.foreign_loops = p->uv_loops;
	info.port = c->listen_port;	/* 0: the kernel picks one (tests) */
	info.iface = c->listen_addr;
	info.protocols = p->protocols;
	info.mounts = p->mounts;
	info.headers = p->headers;
	info.user = srv;
	info.pcontext = &srv->lws;	/* NULL when lws has wholly finished */
	info.vhost_name = "tetra-web";
	info.server_string = "tetra-web";
	info.alpn = "http/1.1";	/* HTTP/1.1 only: one request per connection at a time */
	info.timeout_secs = 30;
	info.keepalive_timeout = 60;
	info.max_http_header_data = 8192;
	if (!c->insecure) {
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.ssl_cert_filepath = c->certificate;
		info.ssl_private_key_filepath = c->private_key;
		/* Mozilla's "intermediate": TLS 1.2 with forward secrecy, 1.3. */
		info.ssl_cipher_list = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
				       "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
				       "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
		info.ssl_options_set = SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1;
	}
	srv->lws = lws_create_context(&info);
	if (!srv->lws) {
		*errmsg = talloc_asprintf(ctx, "cannot serve %s %s port %u: is the address this machine's, the port "
					  "free%s? (lws says more above)",
					  c->insecure ? "HTTP on" : "HTTPS on", c->listen_addr, c->listen_port,
					  c->insecure ? "" : ", the certificate and key PEM files that match");
		return -EINVAL;
	}
	vh = lws_get_vhost_by_name(srv->lws, "tetra-web");
	srv->port = vh ? (unsigned)lws_get_vhost_listen_port(vh) : c->listen_port;
	tw_uv_loop_run(srv->uv);

	osmo_timer_setup(&p->housekeeping, housekeeping_cb, srv);
	osmo_timer_schedule(&p->housekeeping, 1, 0);
	return 0;
}

void tw_http_server_stop(struct tw_server *srv)
{
	struct http_priv *p = srv->priv;

	if (p)
		osmo_timer_del(&p->housekeeping);
	/* With a foreign loop lws closes its handles on libuv's next turns,
	 * and finishes (srv->lws = NULL, info.pcontext) when it is called
	 * again after them. */
	for (unsigned i = 0; srv->lws && i < 3; i++) {
		lws_context_destroy(srv->lws);
		tw_uv_loop_settle(srv->uv);
	}
}
