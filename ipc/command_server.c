/* Command server: a ZeroMQ ROUTER socket in the osmo_select loop. See
 * command_server.h.
 *
 * Socket options: ZMQ_LINGER 0 (replies to clients are not worth delaying a
 * shutdown for), ZMQ_SNDHWM/RCVHWM 1000 messages per client,
 * ZMQ_ROUTER_MANDATORY (a reply that cannot be routed fails instead of
 * vanishing, so it is counted), ZMQ_MAXMSGSIZE 1 MiB: libzmq disconnects a
 * peer sending more than that in one frame; anything between
 * TB_COMMAND_MAX_BYTES and 1 MiB still reaches us and gets TOO_LARGE, which
 * tells a person what went wrong.
 *
 * Health data: commands are logged by kind, request id and client name at
 * DEBUG; their contents never.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ipc/command_server.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>
#include <talloc.h>
#include <zmq.h>

#include "common/logging.h"
#include "ipc/pb_utf8.h"

#define TB_CMD_LINGER_MS	0
#define TB_CMD_HWM		1000
#define TB_CMD_MAXMSGSIZE	(1024 * 1024)
/* Messages handled per wakeup; the rest continue from a zero-delay timer so
 * that a flood of commands cannot starve the radios. */
#define TB_CMD_BATCH		200
/* Frames of one message kept (routing id, envelope, body); more are read
 * and dropped (such a message is MALFORMED anyway). */
#define TB_CMD_MAX_FRAMES	16
/* Replies up to this size are packed on the stack. */
#define TB_CMD_STACK_BUF	1024

struct tb_command_server {
	void *sock;
	struct osmo_fd ofd;		/* ZMQ_FD of sock (libzmq's fd: never closed here) */
	struct osmo_timer_list resume;	/* continues a drain cut at TB_CMD_BATCH */
	char *endpoint;			/* as bound, after ZMQ_LAST_ENDPOINT */
	const struct tb_security *sec;
	tb_command_handler handler;
	void *data;
	struct tb_command_stats stats;
};

/* ---- roles and names ---------------------------------------------------- */

/* The least role that may run c. Commands added later are admin-only until
 * someone decides otherwise here. */
static enum tb_role min_role(Tetrabridge__V1__Command__CommandCase c)
{
	switch (c) {
	case TETRABRIDGE__V1__COMMAND__COMMAND_LIST_RADIOS:
	case TETRABRIDGE__V1__COMMAND__COMMAND_REPLAY:
		return TB_ROLE_OBSERVER;
	case TETRABRIDGE__V1__COMMAND__COMMAND_SEND_STATUS:
	case TETRABRIDGE__V1__COMMAND__COMMAND_SEND_TEXT:
	case TETRABRIDGE__V1__COMMAND__COMMAND_REQUEST_LOCATION:
		return TB_ROLE_DISPATCHER;
	default:
		return TB_ROLE_ADMIN;
	}
}

bool tb_command_allowed(enum tb_role role, Tetrabridge__V1__Command__CommandCase c)
{
	if (role < TB_ROLE_OBSERVER || role > TB_ROLE_ADMIN)
		return false;
	return role >= min_role(c);
}

const char *tb_command_name(Tetrabridge__V1__Command__CommandCase c)
{
	switch (c) {
	case TETRABRIDGE__V1__COMMAND__COMMAND_SEND_STATUS:
		return "send_status";
	case TETRABRIDGE__V1__COMMAND__COMMAND_SEND_TEXT:
		return "send_text";
	case TETRABRIDGE__V1__COMMAND__COMMAND_REQUEST_LOCATION:
		return "request_location";
	case TETRABRIDGE__V1__COMMAND__COMMAND_LIST_RADIOS:
		return "list_radios";
	case TETRABRIDGE__V1__COMMAND__COMMAND_REPLAY:
		return "replay";
	default:
		return "unknown";
	}
}

/* ---- one message -------------------------------------------------------- */

/* A received message: the first frames kept, the total counted. */
struct rx_msg {
	zmq_msg_t f[TB_CMD_MAX_FRAMES];
	unsigned n;		/* frames kept */
	unsigned total;		/* frames received */
	unsigned env;		/* envelope frames (routing id .. first empty frame) */
};

static void rx_close(struct rx_msg *m)
{
	for (unsigned i = 0; i < m->n; i++)
		zmq_msg_close(&m->f[i]);
	m->n = 0;
}

/* Receive one whole message. Returns 0, or -errno (-EAGAIN: none). */
static int rx_recv(void *sock, struct rx_msg *m)
{
	zmq_msg_t extra;
	int more;

	m->n = m->total = 0;
	do {
		zmq_msg_t *f = m->n < TB_CMD_MAX_FRAMES ? &m->f[m->n] : &extra;

		zmq_msg_init(f);
		if (zmq_msg_recv(f, sock, ZMQ_DONTWAIT) < 0) {
			int e = zmq_errno();
			zmq_msg_close(f);
			/* multipart messages arrive whole: this is only ever
			 * before the first frame */
			return -e;
		}
		more = zmq_msg_more(f);
		if (m->n < TB_CMD_MAX_FRAMES)
			m->n++;
		else
			zmq_msg_close(f);
		m->total++;
	} while (more);

	/* Frame 0 is the routing id ROUTER puts first (never empty). The
	 * envelope runs up to and including the first empty frame (REQ's
	 * delimiter); without one (a DEALER sending just the body) it is the
	 * routing id alone. */
	m->env = 1;
	for (unsigned i = 1; i < m->n; i++) {
		if (zmq_msg_size(&m->f[i]) == 0) {
			m->env = i + 1;
			break;
		}
	}
	return 0;
}

/* Send the envelope and one body frame; counts the result. */
static void reply_send(struct tb_command_server *cs, struct rx_msg *m, const Tetrabridge__V1__Reply *reply,
		       void *tmp)
{
	uint8_t stack[TB_CMD_STACK_BUF];
	uint8_t *buf;
	/* An error may quote what the client sent: valid UTF-8 goes out. */
	long packed = tb_pb_pack_utf8(&reply->base, tmp, stack, sizeof(stack), &buf, NULL);
	size_t len;
	int rc = 0;

	if (packed < 0) {
		cs->stats.reply_drops++;
		LOGP(DIPC, LOGL_ERROR, "reply to request %" PRIu64 " dropped: out of memory\n", reply->request_id);
		return;
	}
	len = (size_t)packed;

	for (unsigned i = 0; i < m->env && rc == 0; i++) {
		if (zmq_send(cs->sock, zmq_msg_data(&m->f[i]), zmq_msg_size(&m->f[i]),
			     ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
			rc = -zmq_errno();
	}
	if (rc == 0 && zmq_send(cs->sock, buf, len, ZMQ_DONTWAIT) < 0)
		rc = -zmq_errno();

	if (rc == 0) {
		cs->stats.replies++;
	} else {
		/* EHOSTUNREACH: the client went away; EAGAIN: it does not
		 * read its replies. Either way not ours to wait for. */
		cs->stats.reply_drops++;
		LOGP(DIPC, LOGL_DEBUG, "reply to request %" PRIu64 " dropped: %s\n", reply->request_id,
		     zmq_strerror(-rc));
	}
}

static void reply_error(struct tb_command_server *cs, Tetrabridge__V1__Reply *reply,
			Tetrabridge__V1__Reply__Code code, const char *error)
{
	reply->code = code;
	reply->error = (char *)error;
	if (code == TETRABRIDGE__V1__REPLY__CODE__NOT_ALLOWED)
		cs->stats.refused++;
	else
		cs->stats.malformed++;
}

/* The User-Id the ZAP handler gave this connection, from any frame (libzmq
 * attaches the connection's properties to each). */
static const char *user_id(struct rx_msg *m)
{
	for (unsigned i = m->n; i-- > 0;) {
		const char *uid = zmq_msg_gets(&m->f[i], "User-Id");
		if (uid)
			return uid;
	}
	return NULL;
}

static void handle(struct tb_command_server *cs, struct rx_msg *m)
{
	Tetrabridge__V1__Reply reply = TETRABRIDGE__V1__REPLY__INIT;
	Tetrabridge__V1__Command *cmd = NULL;
	struct tb_command_client client = { .role = TB_ROLE_ADMIN, .name = "" };
	unsigned body_frames = m->total - m->env;
	zmq_msg_t *body = &m->f[m->env < m->n ? m->env : 0];	/* used only when env < n */
	void *tmp;

	cs->stats.commands++;
	tmp = talloc_named_const(cs, 0, "command");

	if (cs->sec)
		client.role = tb_role_from_user_id(user_id(m), &client.name);
	client.tmp = tmp;

	if (body_frames != 1 || m->env >= m->n) {
		/* (m->env >= m->n: an envelope so long that the body was not
		 * kept; no client needs that many hops) */
		LOGP(DIPC, LOGL_DEBUG, "malformed command from '%s': %u body frames\n", client.name, body_frames);
		reply_error(cs, &reply, TETRABRIDGE__V1__REPLY__CODE__MALFORMED, body_frames == 0 ?
			    "the message has no command frame; send one frame, a packed tetrabridge.v1.Command" :
			    "the message has more than one frame after the envelope; send one frame, a packed "
			    "tetrabridge.v1.Command");
		goto send;
	}
	if (zmq_msg_size(body) > TB_COMMAND_MAX_BYTES) {
		LOGP(DIPC, LOGL_DEBUG, "command from '%s' too large: %zu bytes\n", client.name, zmq_msg_size(body));
		reply_error(cs, &reply, TETRABRIDGE__V1__REPLY__CODE__TOO_LARGE,
			    talloc_asprintf(tmp, "the command is %zu bytes; at most %u are accepted (send long "
					    "texts as several commands)", zmq_msg_size(body),
					    (unsigned)TB_COMMAND_MAX_BYTES));
		goto send;
	}
	cmd = tetrabridge__v1__command__unpack(NULL, zmq_msg_size(body), zmq_msg_data(body));
	if (!cmd) {
		LOGP(DIPC, LOGL_DEBUG, "malformed command from '%s': not a Command (%zu bytes)\n", client.name,
		     zmq_msg_size(body));
		reply_error(cs, &reply, TETRABRIDGE__V1__REPLY__CODE__MALFORMED,
			    "the message is not a tetrabridge.v1.Command; check that tetractl and the bridge "
			    "speak the same protocol version");
		goto send;
	}
	reply.request_id = cmd->request_id;
	LOGP(DIPC, LOGL_DEBUG, "command %s request %" PRIu64 " from '%s' (%s)\n",
	     tb_command_name(cmd->command_case), cmd->request_id, client.name, tb_role_name(client.role));

	if (cmd->command_case == TETRABRIDGE__V1__COMMAND__COMMAND__NOT_SET) {
		reply_error(cs, &reply, TETRABRIDGE__V1__REPLY__CODE__UNKNOWN_COMMAND,
			    "this bridge does not know that command; update tetractl or check the protocol "
			    "version");
		goto send;
	}
	if (!tb_command_allowed(client.role, cmd->command_case)) {
		const char *role = tb_role_name(client.role);
		reply_error(cs, &reply, TETRABRIDGE__V1__REPLY__CODE__NOT_ALLOWED,
			    talloc_asprintf(tmp, "your key's role %s may not %s; ask the bridge's admin for "
					    "%s %s key", role, tb_command_name(cmd->command_case),
					    min_role(cmd->command_case) == TB_ROLE_DISPATCHER ? "a" : "an",
					    tb_role_name(min_role(cmd->command_case))));
		LOGP(DIPC, LOGL_DEBUG, "command %s request %" PRIu64 " from '%s' not allowed for role %s\n",
		     tb_command_name(cmd->command_case), cmd->request_id, client.name, role);
		goto send;
	}

	if (cs->handler) {
		cs->handler(cmd, &client, &reply, cs->data);
	} else {
		reply.code = TETRABRIDGE__V1__REPLY__CODE__INTERNAL;
		reply.error = "this bridge has no command handler; report it to its maintainers";
	}

send:
	/* a sentence that could not be allocated must not become NULL */
	if (!reply.error)
		reply.error = "";
	reply_send(cs, m, &reply, tmp);
	if (cmd)
		tetrabridge__v1__command__free_unpacked(cmd, NULL);
	talloc_free(tmp);
}

/* ZMQ_FD is edge-triggered: handle messages until ZMQ_EVENTS says there is
 * none left. After TB_CMD_BATCH the rest continue from a zero-delay timer:
 * the edge has been consumed, so without the timer they would wait for the
 * next message. */
static void drain(struct tb_command_server *cs)
{
	for (unsigned i = 0; i < TB_CMD_BATCH; i++) {
		struct rx_msg m;
		int events = 0, rc;
		size_t len = sizeof(events);

		if (zmq_getsockopt(cs->sock, ZMQ_EVENTS, &events, &len) < 0) {
			LOGP(DIPC, LOGL_ERROR, "commands socket: cannot read its events: %s\n",
			     zmq_strerror(zmq_errno()));
			return;
		}
		if (!(events & ZMQ_POLLIN))
			return;
		rc = rx_recv(cs->sock, &m);
		if (rc < 0) {
			if (rc != -EAGAIN && rc != -EINTR)
				LOGP(DIPC, LOGL_ERROR, "commands socket: cannot receive: %s\n", zmq_strerror(-rc));
			if (rc == -EINTR)
				continue;
			return;
		}
		handle(cs, &m);
		rx_close(&m);
	}
	osmo_timer_schedule(&cs->resume, 0, 0);
}

static int fd_cb(struct osmo_fd *ofd, unsigned int what)
{
	drain(ofd->data);
	return 0;
}

static void resume_cb(void *data)
{
	drain(data);
}

/* ---- life cycle --------------------------------------------------------- */

static int cs_destructor(struct tb_command_server *cs)
{
	osmo_timer_del(&cs->resume);
	if (cs->ofd.fd >= 0 && osmo_fd_is_registered(&cs->ofd))
		osmo_fd_unregister(&cs->ofd);
	if (cs->sock) {
		zmq_close(cs->sock);
		cs->sock = NULL;
	}
	return 0;
}

/* "cannot <action> commands socket <endpoint>: <reason>" */
static void set_error(void *ctx, int *err, char **errmsg, int e, const char *action, const char *endpoint)
{
	if (err)
		*err = -e;
	if (errmsg)
		*errmsg = talloc_asprintf(ctx, "cannot %s commands socket %s: %s", action,
					  endpoint ? endpoint : "(null)", zmq_strerror(e));
}

struct tb_command_server *tb_command_server_alloc(void *ctx, void *zmq_ctx, const char *endpoint,
						  const struct tb_security *sec, tb_command_handler handler,
						  void *data, int *err, char **errmsg)
{
	struct tb_command_server *cs;
	int linger = TB_CMD_LINGER_MS, hwm = TB_CMD_HWM, one = 1, fd = -1;
	int64_t maxmsg = TB_CMD_MAXMSGSIZE;
	size_t fd_len = sizeof(fd);
	char last[256];
	size_t last_len = sizeof(last);
	int e;

	if (err)
		*err = 0;
	if (errmsg)
		*errmsg = NULL;
	if (!zmq_ctx || !endpoint || !*endpoint) {
		set_error(ctx, err, errmsg, EINVAL, "bind", endpoint);
		return NULL;
	}

	cs = talloc_zero(ctx, struct tb_command_server);
	if (!cs) {
		set_error(ctx, err, errmsg, ENOMEM, "bind", endpoint);
		return NULL;
	}
	cs->ofd.fd = -1;
	cs->sec = sec;
	cs->handler = handler;
	cs->data = data;
	osmo_timer_setup(&cs->resume, resume_cb, cs);
	talloc_set_destructor(cs, cs_destructor);

	cs->sock = zmq_socket(zmq_ctx, ZMQ_ROUTER);
	if (!cs->sock) {
		set_error(ctx, err, errmsg, zmq_errno(), "create", endpoint);
		goto fail;
	}
	if (zmq_setsockopt(cs->sock, ZMQ_LINGER, &linger, sizeof(linger)) < 0 ||
	    zmq_setsockopt(cs->sock, ZMQ_SNDHWM, &hwm, sizeof(hwm)) < 0 ||
	    zmq_setsockopt(cs->sock, ZMQ_RCVHWM, &hwm, sizeof(hwm)) < 0 ||
	    zmq_setsockopt(cs->sock, ZMQ_MAXMSGSIZE, &maxmsg, sizeof(maxmsg)) < 0 ||
	    zmq_setsockopt(cs->sock, ZMQ_ROUTER_MANDATORY, &one, sizeof(one)) < 0) {
		set_error(ctx, err, errmsg, zmq_errno(), "configure", endpoint);
		goto fail;
	}
	if (sec && (e = -tb_security_apply(sec, cs->sock)) != 0) {
		set_error(ctx, err, errmsg, e, "secure", endpoint);
		goto fail;
	}
	if (zmq_bind(cs->sock, endpoint) < 0) {
		set_error(ctx, err, errmsg, zmq_errno(), "bind", endpoint);
		goto fail;
	}
	if (zmq_getsockopt(cs->sock, ZMQ_LAST_ENDPOINT, last, &last_len) == 0 && last_len > 0) {
		last[sizeof(last) - 1] = '\0';
		cs->endpoint = talloc_strdup(cs, last);
	} else {
		cs->endpoint = talloc_strdup(cs, endpoint);
	}
	if (!cs->endpoint) {
		set_error(ctx, err, errmsg, ENOMEM, "bind", endpoint);
		goto fail;
	}
	if (zmq_getsockopt(cs->sock, ZMQ_FD, &fd, &fd_len) < 0) {
		set_error(ctx, err, errmsg, zmq_errno(), "watch", endpoint);
		goto fail;
	}
	osmo_fd_setup(&cs->ofd, fd, OSMO_FD_READ, fd_cb, cs, 0);
	if (osmo_fd_register(&cs->ofd) < 0) {
		cs->ofd.fd = -1;
		set_error(ctx, err, errmsg, EBADF, "watch", endpoint);
		goto fail;
	}

	LOGP(DIPC, LOGL_NOTICE, "accepting commands on %s%s\n", cs->endpoint, sec ? " (CURVE)" : "");
	return cs;

fail:
	talloc_free(cs);
	return NULL;
}

const char *tb_command_server_endpoint(const struct tb_command_server *cs)
{
	return cs ? cs->endpoint : NULL;
}

const struct tb_command_stats *tb_command_server_stats(const struct tb_command_server *cs)
{
	return cs ? &cs->stats : NULL;
}

void tb_command_server_destroy(struct tb_command_server **cs)
{
	if (!cs || !*cs)
		return;
	talloc_free(*cs);	/* the destructor closes the socket */
	*cs = NULL;
}
