/* The ZAP handler in the osmo_select loop (see zap.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ipc/zap.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/select.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/utils.h>
#include <osmocom/core/timer.h>
#include <talloc.h>
#include <zmq.h>

#include "common/counters.h"
#include "common/logging.h"
#include "ipc/security_int.h"

#define TB_ZAP_ENDPOINT		"inproc://zeromq.zap.01"
/* After the role in the User-Id of a gateway key. */
#define TB_ZAP_GATEWAY_MARK	"+gateway"
/* ZAP requests handled per wakeup before yielding to the rest of the loop
 * (a connection flood must not starve the radios). */
#define TB_ZAP_BATCH		100
/* ZAP request frames kept; libzmq sends 7 for CURVE. */
#define TB_ZAP_MAX_FRAMES	8

struct tb_zap {
	void *sock;			/* REP on inproc://zeromq.zap.01 */
	struct osmo_fd ofd;		/* ZMQ_FD of sock */
	struct osmo_timer_list resume;	/* continues a drain cut at TB_ZAP_BATCH */
	struct tb_client_list *clients;	/* ours (a talloc child) */
	struct rate_ctr_group *ctrs;	/* enum zap_ctr */
	struct osmo_stat_item_group *stats;	/* enum zap_stat */
};

/* Counted per connection attempt, on both sockets (one handler serves
 * them): `show stats`, statsd, `show bridge`. */
enum zap_ctr {
	ZAP_CTR_ADMITTED,
	ZAP_CTR_REFUSED,
	ZAP_CTR_UNKNOWN_KEY,
};

static const struct rate_ctr_desc zap_ctr_desc[] = {
	[ZAP_CTR_ADMITTED] = { "admitted", "Connections admitted (a listed CURVE key)" },
	[ZAP_CTR_REFUSED] = { "refused", "Connections refused (any reason)" },
	[ZAP_CTR_UNKNOWN_KEY] = { "refused:unknown_key", "Connections refused: a CURVE key not in the clients file" },
};

static const struct rate_ctr_group_desc zap_ctrg_desc = {
	.group_name_prefix = "zap",
	.group_description = "CURVE clients checked by ZAP (both sockets)",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(zap_ctr_desc),
	.ctr_desc = zap_ctr_desc,
};

enum zap_stat {
	ZAP_STAT_CLIENTS,
};

static const struct osmo_stat_item_desc zap_stat_desc[] = {
	[ZAP_STAT_CLIENTS] = { "clients", "Client keys in the clients file", "", 0, 0 },
};

static const struct osmo_stat_item_group_desc zap_statg_desc = {
	.group_name_prefix = "zap",
	.group_description = "CURVE clients checked by ZAP (both sockets)",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_items = ARRAY_SIZE(zap_stat_desc),
	.item_desc = zap_stat_desc,
};

enum tb_role tb_role_from_user_id(const char *uid, const char **name, bool *gateway)
{
	const char *colon;
	size_t role_len;
	bool gw = false;
	enum tb_role r;

	if (name)
		*name = "";
	if (gateway)
		*gateway = false;
	if (!uid)
		return TB_ROLE_NONE;
	colon = strchr(uid, ':');
	role_len = colon ? (size_t)(colon - uid) : strlen(uid);
	if (role_len > strlen(TB_ZAP_GATEWAY_MARK) &&
	    !memcmp(uid + role_len - strlen(TB_ZAP_GATEWAY_MARK), TB_ZAP_GATEWAY_MARK, strlen(TB_ZAP_GATEWAY_MARK))) {
		role_len -= strlen(TB_ZAP_GATEWAY_MARK);
		gw = true;
	}
	r = tb_role_parse_n(uid, role_len);
	if (r == TB_ROLE_NONE)
		return r;
	if (name && colon)
		*name = colon + 1;
	if (gateway)
		*gateway = gw;
	return r;
}

/* ---- the ZAP handler (RFC 27) ------------------------------------------- */

/* A frame as a printable string for logs: at most 63 characters, anything
 * unprintable replaced (peer addresses and mechanism names only). */
static const char *frame_str(zmq_msg_t *m, char *buf, size_t size)
{
	size_t len = m ? zmq_msg_size(m) : 0, i;
	const unsigned char *d = m ? zmq_msg_data(m) : NULL;

	if (len > size - 1)
		len = size - 1;
	for (i = 0; i < len; i++)
		buf[i] = isprint(d[i]) ? (char)d[i] : '?';
	buf[i] = '\0';
	return buf;
}

static bool frame_is(zmq_msg_t *m, const char *s)
{
	size_t len = strlen(s);
	return zmq_msg_size(m) == len && !memcmp(zmq_msg_data(m), s, len);
}

static void zap_send(void *sock, const void *req_id, size_t req_id_len, const char *code, const char *text,
		     const char *user_id)
{
	/* version, request id, status code, status text, user id, metadata */
	if (zmq_send(sock, "1.0", 3, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
	    zmq_send(sock, req_id, req_id_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
	    zmq_send(sock, code, strlen(code), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
	    zmq_send(sock, text, strlen(text), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
	    zmq_send(sock, user_id, strlen(user_id), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
	    zmq_send(sock, "", 0, ZMQ_DONTWAIT) < 0)
		LOGP(DIPC, LOGL_DEBUG, "ZAP reply not sent: %s\n", zmq_strerror(zmq_errno()));
}

/* Receive the frames of one request: the first TB_ZAP_MAX_FRAMES into f
 * (*n of them, for the caller to close), the rest dropped. Returns how
 * many frames the request had (0: nothing received, *rc then says why). */
static unsigned zap_recv(struct tb_zap *z, zmq_msg_t f[TB_ZAP_MAX_FRAMES], unsigned *n, int *rc)
{
	zmq_msg_t extra;
	unsigned total = 0;
	int more;

	*n = 0;
	*rc = 0;
	do {
		zmq_msg_t *m = *n < TB_ZAP_MAX_FRAMES ? &f[*n] : &extra;

		zmq_msg_init(m);
		if (zmq_msg_recv(m, z->sock, ZMQ_DONTWAIT) < 0) {
			*rc = -zmq_errno();
			zmq_msg_close(m);
			break;
		}
		more = zmq_msg_more(m);
		if (*n < TB_ZAP_MAX_FRAMES)
			(*n)++;
		else
			zmq_msg_close(m);
		total++;
	} while (more);
	return total;
}

/* Answer 400 with text, echoing the request id frame (NULL: none). */
static void zap_refuse(struct tb_zap *z, zmq_msg_t *req_id, const char *text)
{
	rate_ctr_inc2(z->ctrs, ZAP_CTR_REFUSED);
	zap_send(z->sock, req_id ? zmq_msg_data(req_id) : "", req_id ? zmq_msg_size(req_id) : 0, "400", text, "");
}

/* Answer the request in f (n frames kept of total). */
static void zap_answer(struct tb_zap *z, zmq_msg_t *f, unsigned n, unsigned total)
{
	char addr[64], mech[32], uid[TB_CLIENT_NAME_MAX + 32];
	const struct tb_client_key *k;

	/* REP must answer whatever it received, so even garbage gets a 400
	 * (echoing the request id when there is one). */
	if (n < 6 || total > TB_ZAP_MAX_FRAMES || !frame_is(&f[0], "1.0")) {
		LOGP(DIPC, LOGL_NOTICE, "refused a malformed ZAP request (%u frames)\n", total);
		zap_refuse(z, n >= 2 ? &f[1] : NULL, "malformed ZAP request");
		return;
	}

	/* 0 version, 1 request id, 2 domain, 3 address, 4 routing id,
	 * 5 mechanism, 6.. credentials */
	frame_str(&f[3], addr, sizeof(addr));
	frame_str(&f[5], mech, sizeof(mech));
	if (!frame_is(&f[2], TB_ZAP_DOMAIN)) {
		LOGP(DIPC, LOGL_NOTICE, "refused a %s client from %s: not in ZAP domain " TB_ZAP_DOMAIN "\n",
		     mech, addr);
		zap_refuse(z, &f[1], "wrong domain");
		return;
	}
	if (!frame_is(&f[5], "CURVE")) {
		LOGP(DIPC, LOGL_NOTICE, "refused a %s client from %s (only CURVE with a listed key is accepted)\n",
		     mech, addr);
		zap_refuse(z, &f[1], "CURVE only");
		return;
	}
	if (n != 7 || zmq_msg_size(&f[6]) != TB_CURVE_KEY_BYTES) {
		LOGP(DIPC, LOGL_NOTICE, "refused a CURVE client from %s: malformed ZAP credentials\n", addr);
		zap_refuse(z, &f[1], "CURVE only");
		return;
	}
	k = tb_clients_find(z->clients, zmq_msg_data(&f[6]));
	if (!k) {
		LOGP(DIPC, LOGL_NOTICE, "refused a CURVE client with an unknown key from %s\n", addr);
		rate_ctr_inc2(z->ctrs, ZAP_CTR_UNKNOWN_KEY);
		zap_refuse(z, &f[1], "unknown key");
		return;
	}
	snprintf(uid, sizeof(uid), "%s%s:%s", tb_role_name(k->role), k->gateway ? TB_ZAP_GATEWAY_MARK : "", k->name);
	LOGP(DIPC, LOGL_INFO, "admitted CURVE client %s (%s%s) from %s\n", k->name, tb_role_name(k->role),
	     k->gateway ? ", gateway" : "", addr);
	rate_ctr_inc2(z->ctrs, ZAP_CTR_ADMITTED);
	zap_send(z->sock, zmq_msg_data(&f[1]), zmq_msg_size(&f[1]), "200", "OK", uid);
}

/* Receive one request and answer it. Returns 0, or -errno when nothing
 * could be received. */
static int zap_handle_one(struct tb_zap *z)
{
	zmq_msg_t f[TB_ZAP_MAX_FRAMES];
	unsigned n, total;
	int rc;

	total = zap_recv(z, f, &n, &rc);
	if (total == 0)
		return rc;
	zap_answer(z, f, n, total);
	for (unsigned i = 0; i < n; i++)
		zmq_msg_close(&f[i]);
	return 0;
}

/* ZMQ_FD is edge-triggered: handle requests until ZMQ_EVENTS says there is
 * none left, at most TB_ZAP_BATCH, then continue from a zero-delay timer. */
static void zap_drain(struct tb_zap *z)
{
	for (unsigned i = 0; i < TB_ZAP_BATCH; i++) {
		int events = 0;
		size_t len = sizeof(events);

		if (zmq_getsockopt(z->sock, ZMQ_EVENTS, &events, &len) < 0) {
			LOGP(DIPC, LOGL_ERROR, "ZAP handler: cannot read socket events: %s\n",
			     zmq_strerror(zmq_errno()));
			return;
		}
		if (!(events & ZMQ_POLLIN))
			return;
		if (zap_handle_one(z) < 0)
			return;
	}
	osmo_timer_schedule(&z->resume, 0, 0);
}

static int zap_fd_cb(struct osmo_fd *ofd, unsigned int what)
{
	zap_drain(ofd->data);
	return 0;
}

static void zap_resume_cb(void *data)
{
	zap_drain(data);
}

/* ---- start / stop ------------------------------------------------------- */

static int zap_destructor(struct tb_zap *z)
{
	osmo_timer_del(&z->resume);
	if (z->ofd.fd >= 0 && osmo_fd_is_registered(&z->ofd))
		osmo_fd_unregister(&z->ofd);	/* the fd belongs to libzmq: not closed */
	if (z->sock) {
		/* zmq_close frees the inproc name only later, in libzmq's reaper
		 * thread; unbinding frees it now, so that a handler can be
		 * started again on the same context at once. */
		zmq_unbind(z->sock, TB_ZAP_ENDPOINT);
		zmq_close(z->sock);
		z->sock = NULL;
	}
	return 0;
}

struct tb_zap *tb_zap_start(void *ctx, void *errctx, void *zmq_ctx, struct tb_client_list *clients,
			    char **errmsg)
{
	int linger = 0, unlimited = 0, fd = -1;
	size_t fd_len = sizeof(fd);
	struct tb_zap *z;

	z = talloc_zero(ctx, struct tb_zap);
	if (!z) {
		tb_clients_destroy(&clients);
		tb_sec_set_err(errctx, errmsg, "out of memory");
		return NULL;
	}
	z->ofd.fd = -1;
	osmo_timer_setup(&z->resume, zap_resume_cb, z);
	talloc_set_destructor(z, zap_destructor);
	z->clients = talloc_steal(z, clients);
	z->ctrs = tb_ctr_group_alloc(z, &zap_ctrg_desc, NULL);
	z->stats = tb_stat_group_alloc(z, &zap_statg_desc, NULL);
	if (!z->ctrs || !z->stats) {
		tb_sec_set_err(errctx, errmsg, "out of memory");
		goto fail;
	}
	tb_stat_set(z->stats, ZAP_STAT_CLIENTS, tb_clients_count(clients));

	z->sock = zmq_socket(zmq_ctx, ZMQ_REP);
	if (!z->sock) {
		tb_sec_set_err(errctx, errmsg, "cannot start the ZAP handler: %s", zmq_strerror(zmq_errno()));
		goto fail;
	}
	zmq_setsockopt(z->sock, ZMQ_LINGER, &linger, sizeof(linger));
	/* A reply cut short by a full queue would leave REP stuck mid-reply
	 * and every later client waiting in its handshake: never refuse a
	 * send (replies are small, one per connection attempt). */
	zmq_setsockopt(z->sock, ZMQ_SNDHWM, &unlimited, sizeof(unlimited));
	if (zmq_bind(z->sock, TB_ZAP_ENDPOINT) < 0) {
		int e = zmq_errno();
		tb_sec_set_err(errctx, errmsg, e == EADDRINUSE ?
			"cannot start the ZAP handler: another one already runs on this ZeroMQ context" :
			"cannot start the ZAP handler on " TB_ZAP_ENDPOINT ": %s", zmq_strerror(e));
		goto fail;
	}
	if (zmq_getsockopt(z->sock, ZMQ_FD, &fd, &fd_len) < 0) {
		tb_sec_set_err(errctx, errmsg, "cannot start the ZAP handler: %s", zmq_strerror(zmq_errno()));
		goto fail;
	}
	osmo_fd_setup(&z->ofd, fd, OSMO_FD_READ, zap_fd_cb, z, 0);
	if (osmo_fd_register(&z->ofd) < 0) {
		z->ofd.fd = -1;
		tb_sec_set_err(errctx, errmsg, "cannot start the ZAP handler: the event loop refused its socket");
		goto fail;
	}
	/* Requests may already be queued (the edge came before we listened). */
	zap_drain(z);
	return z;

fail:
	talloc_free(z);
	return NULL;
}

void tb_zap_set_clients(struct tb_zap *z, struct tb_client_list *clients)
{
	tb_clients_destroy(&z->clients);
	z->clients = talloc_steal(z, clients);
	tb_stat_set(z->stats, ZAP_STAT_CLIENTS, tb_clients_count(clients));
}

const struct tb_client_list *tb_zap_clients(const struct tb_zap *z)
{
	return z ? z->clients : NULL;
}

unsigned long tb_zap_admitted(const struct tb_zap *z)
{
	return z ? tb_ctr_get(z->ctrs, ZAP_CTR_ADMITTED) : 0;
}

unsigned long tb_zap_refused(const struct tb_zap *z)
{
	return z ? tb_ctr_get(z->ctrs, ZAP_CTR_REFUSED) : 0;
}

void tb_zap_destroy(struct tb_zap **z)
{
	if (z)
		TALLOC_FREE(*z);	/* the destructor closes the socket */
}
