/* Command server: a ZeroMQ ROUTER socket in the osmo_select loop. See
 * command_server.h.
 *
 * Socket options: ZMQ_LINGER 0 (replies to clients are not worth delaying a
 * shutdown for); ZMQ_SNDHWM TB_COMMAND_CLIENT_REPLIES per client;
 * ZMQ_RCVHWM 8 per client (commands wait in the client's own queue, not
 * ours: nothing is lost, the client is slowed down); ZMQ_MAXMSGSIZE
 * TB_COMMAND_MAX_MESSAGE (libzmq disconnects a peer announcing more in one
 * frame; anything between TB_COMMAND_MAX_BYTES and that still reaches us
 * and gets TOO_LARGE, which tells a person what went wrong);
 * ZMQ_ROUTER_MANDATORY (a reply that cannot be queued fails instead of
 * vanishing, so it is counted).
 *
 * Memory: what a client can make the daemon hold is (RCVHWM + 1) commands
 * of at most TB_COMMAND_MAX_MESSAGE being received, and its replies not
 * read yet. Replies are counted in bytes: each is handed to libzmq
 * zero-copy (zmq_msg_init_data) and its free function, run by libzmq's I/O
 * thread once the bytes are in the kernel's socket buffer (or the client
 * is gone), takes it off the count again. A command whose reply might not
 * fit the client's queue (TB_COMMAND_CLIENT_QUEUE) or everyone's
 * (TB_COMMAND_QUEUE) is answered BUSY without being run, so its work is not
 * done either; a reply that does not fit even so, or that libzmq refuses
 * (TB_COMMAND_CLIENT_REPLIES not read), is dropped and counted; the command
 * is not run then. The routing id and the envelope are queued first: if
 * they are refused, nothing was run (a client that is gone still has its
 * command run, as before: it may not need the reply).
 *
 * Time: a wakeup handles at most TB_CMD_BATCH messages or TB_CMD_SLICE_US
 * of work, then lets the loop serve the radios before it continues.
 *
 * Health data: commands are logged by kind, request id and client name at
 * DEBUG; their contents never.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _POSIX_C_SOURCE 200809L	/* clock_gettime */
#include "ipc/command_server.h"

#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/select.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/utils.h>
#include <osmocom/core/timer.h>
#include <talloc.h>
#include <zmq.h>

#include "common/counters.h"
#include "common/logging.h"
#include "ipc/pb_utf8.h"

#define TB_CMD_LINGER_MS	0
#define TB_CMD_RCVHWM		8
/* Messages handled per wakeup, and the longest a wakeup works; the rest
 * continue from a zero-delay timer, after the loop has served the radios,
 * so that a flood of commands cannot starve them. */
#define TB_CMD_BATCH		200
#define TB_CMD_SLICE_US		5000
/* Frames of one message kept (routing id, envelope, body); more are read
 * and dropped (such a message is MALFORMED anyway). */
#define TB_CMD_MAX_FRAMES	16
/* What a queued reply costs besides its bytes: libzmq's message headers
 * for the envelope and the body, the malloc headers. */
#define TB_CMD_REPLY_OVERHEAD	256
/* Room kept for a reply before its command is run: replies other than
 * Replay and ListRadios are small (an error sentence, a message id);
 * ListRadios says about 150 bytes per radio. A reply larger than its room
 * passes the bounds by the difference. */
#define TB_CMD_SMALL_REPLY	(4 * 1024)
#define TB_CMD_LIST_REPLY	(64 * 1024)

/* ---- reply queues ------------------------------------------------------- */

/* The reply bytes libzmq holds, all clients together. Shared with libzmq's
 * I/O thread (reply_free()): atomics, and freed by whoever lets go last. */
struct queue_total {
	atomic_size_t bytes;
	atomic_uint refs;	/* the server, and every reply in libzmq's hands */
};

/* The reply bytes libzmq holds for one client (by routing id). In
 * cs->clients while the server lives; freed by whoever lets go last. */
struct client_queue {
	struct llist_head entry;	/* main thread only */
	atomic_size_t bytes;
	atomic_uint refs;		/* cs->clients, and every reply in libzmq's hands */
	size_t id_len;
	uint8_t id[];			/* the routing id */
};

/* A reply handed to libzmq: its bytes follow. malloc'ed: it is freed in
 * libzmq's I/O thread, where talloc must not be used. */
struct reply_buf {
	struct queue_total *total;
	struct client_queue *client;
	size_t cost;
	uint8_t data[];
};

static void total_put(struct queue_total *t)
{
	if (atomic_fetch_sub(&t->refs, 1) == 1)
		free(t);
}

static void client_put(struct client_queue *q)
{
	if (atomic_fetch_sub(&q->refs, 1) == 1)
		free(q);
}

/* libzmq is done with a reply (any thread). */
static void reply_free(void *data, void *hint)
{
	struct reply_buf *rb = hint;

	atomic_fetch_sub(&rb->client->bytes, rb->cost);
	atomic_fetch_sub(&rb->total->bytes, rb->cost);
	client_put(rb->client);
	total_put(rb->total);
	free(rb);
}

struct tb_command_server {
	void *sock;
	struct osmo_fd ofd;		/* ZMQ_FD of sock (libzmq's fd: never closed here) */
	struct osmo_timer_list resume;	/* continues a drain cut at TB_CMD_BATCH */
	char *endpoint;			/* as bound, after ZMQ_LAST_ENDPOINT */
	struct queue_total *total;	/* malloc'ed, shared with libzmq's I/O thread */
	struct llist_head clients;	/* struct client_queue: clients with replies queued */
	const struct tb_security *sec;
	tb_command_handler handler;
	void *data;
	struct rate_ctr_group *ctrs;		/* enum tb_command_ctr */
	struct osmo_stat_item_group *stats;	/* enum tb_command_stat */
};

#define CODE_CTR(name, what) [TB_CMD_CTR_CODE + TETRABRIDGE__V1__REPLY__CODE__##name] = { "replies:" what, \
	"Replies with code " #name }
static const struct rate_ctr_desc cmd_ctr_desc[] = {
	[TB_CMD_CTR_RECEIVED] = { "received", "Commands received" },
	[TB_CMD_CTR_REPLIES] = { "replies", "Replies sent" },
	[TB_CMD_CTR_DROPPED] = { "replies:dropped", "Commands that got no reply (the client went away or does "
						     "not read its replies)" },
	CODE_CTR(OK, "ok"),
	CODE_CTR(MALFORMED, "malformed"),
	CODE_CTR(UNKNOWN_COMMAND, "unknown_command"),
	CODE_CTR(NOT_ALLOWED, "not_allowed"),
	CODE_CTR(UNKNOWN_RADIO, "unknown_radio"),
	CODE_CTR(RADIO_OFFLINE, "radio_offline"),
	CODE_CTR(TEXT_TOO_LONG, "text_too_long"),
	CODE_CTR(INVALID_ARGUMENT, "invalid_argument"),
	CODE_CTR(BUSY, "busy"),
	CODE_CTR(TOO_LARGE, "too_large"),
	CODE_CTR(INTERNAL, "internal"),
	CODE_CTR(UNKNOWN_CALLOUT, "unknown_callout"),
	CODE_CTR(CONFLICT, "conflict"),
};
#undef CODE_CTR

static const struct rate_ctr_group_desc cmd_ctrg_desc = {
	.group_name_prefix = "commands",
	.group_description = "Command socket (ZeroMQ ROUTER)",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(cmd_ctr_desc),
	.ctr_desc = cmd_ctr_desc,
};

static const struct osmo_stat_item_desc cmd_stat_desc[] = {
	[TB_CMD_STAT_QUEUED_PEAK] = { "replies:queued_peak", "The most reply bytes queued at once for clients "
				      "that had not read them", "bytes", 0, 0 },
};

static const struct osmo_stat_item_group_desc cmd_statg_desc = {
	.group_name_prefix = "commands",
	.group_description = "Command socket (ZeroMQ ROUTER)",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_items = ARRAY_SIZE(cmd_stat_desc),
	.item_desc = cmd_stat_desc,
};

/* A reply sent, by its code. */
static void count_reply(struct tb_command_server *cs, Tetrabridge__V1__Reply__Code code)
{
	rate_ctr_inc2(cs->ctrs, TB_CMD_CTR_REPLIES);
	if ((unsigned)code <= TETRABRIDGE__V1__REPLY__CODE__CONFLICT)
		rate_ctr_inc2(cs->ctrs, TB_CMD_CTR_CODE + code);
}

/* ---- roles and names ---------------------------------------------------- */

/* The least role that may run c. Commands added later are admin-only until
 * someone decides otherwise here. */
static enum tb_role min_role(Tetrabridge__V1__Command__CommandCase c)
{
	switch (c) {
	case TETRABRIDGE__V1__COMMAND__COMMAND_LIST_RADIOS:
	case TETRABRIDGE__V1__COMMAND__COMMAND_REPLAY:
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_BOARD:
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_SHOW:
	/* pseudonymous for observers; names are the handler's check (admin) */
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_REPORT:
	case TETRABRIDGE__V1__COMMAND__COMMAND_HEALTH:	/* numbers and sentences, no health data */
	case TETRABRIDGE__V1__COMMAND__COMMAND_ROSTER:	/* staff names and settings, as events carry them */
	case TETRABRIDGE__V1__COMMAND__COMMAND_STATS:	/* numbers only */
		return TB_ROLE_OBSERVER;
	case TETRABRIDGE__V1__COMMAND__COMMAND_SEND_STATUS:
	case TETRABRIDGE__V1__COMMAND__COMMAND_SEND_TEXT:
	case TETRABRIDGE__V1__COMMAND__COMMAND_REQUEST_LOCATION:
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_CREATE:
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_CANCEL:
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_ADD:
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_REALERT:
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_SET:
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_CLOSE:
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_ACK:
		return TB_ROLE_DISPATCHER;
	case TETRABRIDGE__V1__COMMAND__COMMAND_BACKUP:	/* writes a file on the bridge's machine */
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
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_CREATE:
		return "callout_create";
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_CANCEL:
		return "callout_cancel";
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_ADD:
		return "callout_add";
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_REALERT:
		return "callout_realert";
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_SET:
		return "callout_set";
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_CLOSE:
		return "callout_close";
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_ACK:
		return "callout_ack";
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_BOARD:
		return "callout_board";
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_SHOW:
		return "callout_show";
	case TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_REPORT:
		return "callout_report";
	case TETRABRIDGE__V1__COMMAND__COMMAND_HEALTH:
		return "health";
	case TETRABRIDGE__V1__COMMAND__COMMAND_BACKUP:
		return "backup";
	case TETRABRIDGE__V1__COMMAND__COMMAND_ROSTER:
		return "roster";
	case TETRABRIDGE__V1__COMMAND__COMMAND_STATS:
		return "stats";
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

/* The queue of the client with this routing id, made if there is none.
 * Clients with nothing queued any more are forgotten on the way (only the
 * list holds them: no reply of theirs is in libzmq's hands). NULL when out
 * of memory. */
static struct client_queue *client_queue(struct tb_command_server *cs, const zmq_msg_t *routing_id)
{
	const void *id = zmq_msg_data((zmq_msg_t *)routing_id);
	size_t len = zmq_msg_size((zmq_msg_t *)routing_id);
	struct client_queue *q, *tmp, *found = NULL;

	llist_for_each_entry_safe(q, tmp, &cs->clients, entry) {
		if (!found && q->id_len == len && !memcmp(q->id, id, len)) {
			found = q;
		} else if (atomic_load(&q->refs) == 1) {
			llist_del(&q->entry);
			client_put(q);
		}
	}
	if (found)
		return found;
	q = malloc(sizeof(*q) + len);
	if (!q)
		return NULL;
	atomic_init(&q->bytes, 0);
	atomic_init(&q->refs, 1);
	q->id_len = len;
	memcpy(q->id, id, len);
	llist_add_tail(&q->entry, &cs->clients);
	return q;
}

/* Whether cost more bytes fit the client's queue and everyone's. */
static bool queue_fits(const struct tb_command_server *cs, struct client_queue *q, size_t cost)
{
	return atomic_load(&q->bytes) + cost <= TB_COMMAND_CLIENT_QUEUE &&
	       atomic_load(&cs->total->bytes) + cost <= TB_COMMAND_QUEUE;
}

/* Room kept for the reply to c before it is run. */
static size_t reply_room(Tetrabridge__V1__Command__CommandCase c)
{
	switch (c) {
	case TETRABRIDGE__V1__COMMAND__COMMAND_REPLAY:
	case TETRABRIDGE__V1__COMMAND__COMMAND_ROSTER:
	case TETRABRIDGE__V1__COMMAND__COMMAND_STATS:
		return TB_COMMAND_MAX_REPLY + TB_CMD_REPLY_OVERHEAD;
	case TETRABRIDGE__V1__COMMAND__COMMAND_LIST_RADIOS:
		return TB_CMD_LIST_REPLY + TB_CMD_REPLY_OVERHEAD;
	default:
		return TB_CMD_SMALL_REPLY + TB_CMD_REPLY_OVERHEAD;
	}
}

/* Queue the routing id and the rest of the envelope (the body follows).
 * Returns 0, -EAGAIN (the client has TB_COMMAND_CLIENT_REPLIES replies
 * not read) or -EHOSTUNREACH (it is gone). Once the routing id is taken,
 * the rest of the message is too: libzmq checks the client's queue only
 * at a message's first frame. */
static int envelope_send(struct tb_command_server *cs, struct rx_msg *m)
{
	for (unsigned i = 0; i < m->env; i++) {
		if (zmq_send(cs->sock, zmq_msg_data(&m->f[i]), zmq_msg_size(&m->f[i]), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
			return -zmq_errno();
	}
	return 0;
}

/* Room for a packed reply of len bytes, after its bookkeeping. */
static uint8_t *reply_buf_alloc(size_t len, void *data)
{
	struct reply_buf **rb = data;

	*rb = malloc(sizeof(**rb) + (len ? len : 1));
	return *rb ? (*rb)->data : NULL;
}

/* Pack reply into a buffer of its own, count it on q and the total, and
 * queue it as the body after the envelope. Returns 0 or -errno. */
static int body_send(struct tb_command_server *cs, struct client_queue *q, const Tetrabridge__V1__Reply *reply)
{
	struct reply_buf *rb = NULL;
	size_t queued;
	zmq_msg_t msg;
	long len;

	/* An error may quote what the client sent: valid UTF-8 goes out. */
	len = tb_pb_pack_utf8_to(&reply->base, reply_buf_alloc, &rb, NULL);
	if (len < 0) {
		free(rb);
		return -ENOMEM;
	}
	rb->cost = (size_t)len + TB_CMD_REPLY_OVERHEAD;
	rb->total = cs->total;
	rb->client = q;
	atomic_fetch_add(&q->refs, 1);
	atomic_fetch_add(&cs->total->refs, 1);
	atomic_fetch_add(&q->bytes, rb->cost);
	queued = atomic_fetch_add(&cs->total->bytes, rb->cost) + rb->cost;
	if (queued > (size_t)tb_stat_get(cs->stats, TB_CMD_STAT_QUEUED_PEAK))
		tb_stat_set(cs->stats, TB_CMD_STAT_QUEUED_PEAK, queued);
	if (zmq_msg_init_data(&msg, rb->data, (size_t)len, reply_free, rb) < 0) {
		reply_free(NULL, rb);
		return -ENOMEM;
	}
	if (zmq_msg_send(&msg, cs->sock, ZMQ_DONTWAIT) < 0) {
		int e = zmq_errno();
		zmq_msg_close(&msg);	/* calls reply_free() */
		return -e;
	}
	return 0;
}

/* A reply that got nowhere. */
static void reply_dropped(struct tb_command_server *cs, const Tetrabridge__V1__Reply *reply, const char *why)
{
	rate_ctr_inc2(cs->ctrs, TB_CMD_CTR_DROPPED);
	LOGP(DIPC, LOGL_DEBUG, "reply to request %" PRIu64 " dropped: %s\n", reply->request_id, why);
}

static void reply_error(struct tb_command_server *cs, Tetrabridge__V1__Reply *reply,
			Tetrabridge__V1__Reply__Code code, const char *error)
{
	reply->code = code;
	reply->error = (char *)error;
}

/* BUSY: a reply of room bytes might not fit the queues. */
static void reply_busy(struct tb_command_server *cs, struct client_queue *q, size_t room,
		       Tetrabridge__V1__Reply *reply, void *tmp)
{
	size_t mine = atomic_load(&q->bytes), all = atomic_load(&cs->total->bytes);

	if (mine + room > TB_COMMAND_CLIENT_QUEUE)
		reply_error(cs, reply, TETRABRIDGE__V1__REPLY__CODE__BUSY,
			    talloc_asprintf(tmp, "%zu KiB of replies to you are not read yet; read them before "
					    "you ask for more (the command was not run)", mine / 1024));
	else
		reply_error(cs, reply, TETRABRIDGE__V1__REPLY__CODE__BUSY,
			    talloc_asprintf(tmp, "the bridge holds %zu MiB of replies that clients have not "
					    "read; try again in a moment (the command was not run)",
					    all / (1024 * 1024)));
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

/* Whether s is a person's name a gateway may give: 1 to
 * TB_CLIENT_NAME_MAX letters, digits, - _ . (no '@': it separates the
 * person from the key's name). */
static bool actor_name_valid(const char *s)
{
	size_t len = s ? strlen(s) : 0;

	if (len == 0 || len > TB_CLIENT_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') && c != '-' &&
		    c != '_' && c != '.')
			return false;
	}
	return true;
}

/* Command.on_behalf_of: a gateway's person. From a gateway key, client
 * becomes the person: the lower of the two roles, the name
 * "<person>@<key name>" ("<person>@local" without CURVE). Returns false
 * with the reply filled when the key may not act for anyone or the actor
 * is not valid. */
static bool act_for(struct tb_command_server *cs, const Tetrabridge__V1__Command *cmd, bool gateway,
		    struct tb_command_client *client, Tetrabridge__V1__Reply *reply)
{
	const Tetrabridge__V1__Actor *a = cmd->on_behalf_of;
	enum tb_role role;

	if (!gateway) {
		reply_error(cs, reply, TETRABRIDGE__V1__REPLY__CODE__NOT_ALLOWED,
			    talloc_asprintf(client->tmp, "your key '%s' may not act on behalf of a person; only a key "
					    "marked 'gateway' in the bridge's clients file may (leave on_behalf_of "
					    "out)", client->name));
		return false;
	}
	if (!actor_name_valid(a->name)) {
		reply_error(cs, reply, TETRABRIDGE__V1__REPLY__CODE__INVALID_ARGUMENT,
			    "on_behalf_of.name must be 1 to 63 letters, digits, - _ or . (the person's user name "
			    "at the gateway)");
		return false;
	}
	if (a->role < TETRABRIDGE__V1__ROLE__ROLE_OBSERVER || a->role > TETRABRIDGE__V1__ROLE__ROLE_ADMIN) {
		reply_error(cs, reply, TETRABRIDGE__V1__REPLY__CODE__INVALID_ARGUMENT,
			    "on_behalf_of.role must be ROLE_OBSERVER, ROLE_DISPATCHER or ROLE_ADMIN");
		return false;
	}
	_Static_assert((int)TETRABRIDGE__V1__ROLE__ROLE_ADMIN == (int)TB_ROLE_ADMIN &&
		       (int)TETRABRIDGE__V1__ROLE__ROLE_OBSERVER == (int)TB_ROLE_OBSERVER,
		       "the proto's Role and enum tb_role are numbered alike");
	role = (enum tb_role)a->role;
	if (role < client->role)
		client->role = role;
	client->name = talloc_asprintf(client->tmp, "%s@%s", a->name, *client->name ? client->name : "local");
	if (!client->name) {
		client->name = "";
		reply_error(cs, reply, TETRABRIDGE__V1__REPLY__CODE__INTERNAL, "out of memory");
		return false;
	}
	return true;
}

/* Check one message: NULL with the reply filled (an error) or the
 * Command to run (free_unpacked by the caller). A command on behalf of a
 * person turns client into that person (act_for()). */
static Tetrabridge__V1__Command *check(struct tb_command_server *cs, struct rx_msg *m, bool gateway,
				       struct tb_command_client *client, Tetrabridge__V1__Reply *reply)
{
	Tetrabridge__V1__Command *cmd;
	unsigned body_frames = m->total - m->env;
	zmq_msg_t *body = &m->f[m->env < m->n ? m->env : 0];	/* used only when env < n */
	void *tmp = client->tmp;

	if (body_frames != 1 || m->env >= m->n) {
		/* (m->env >= m->n: an envelope so long that the body was not
		 * kept; no client needs that many hops) */
		LOGP(DIPC, LOGL_DEBUG, "malformed command from '%s': %u body frames\n", client->name, body_frames);
		reply_error(cs, reply, TETRABRIDGE__V1__REPLY__CODE__MALFORMED, body_frames == 0 ?
			    "the message has no command frame; send one frame, a packed tetrabridge.v1.Command" :
			    "the message has more than one frame after the envelope; send one frame, a packed "
			    "tetrabridge.v1.Command");
		return NULL;
	}
	if (zmq_msg_size(body) > TB_COMMAND_MAX_BYTES) {
		LOGP(DIPC, LOGL_DEBUG, "command from '%s' too large: %zu bytes\n", client->name, zmq_msg_size(body));
		reply_error(cs, reply, TETRABRIDGE__V1__REPLY__CODE__TOO_LARGE,
			    talloc_asprintf(tmp, "the command is %zu bytes; at most %u are accepted (send long "
					    "texts as several commands)", zmq_msg_size(body),
					    (unsigned)TB_COMMAND_MAX_BYTES));
		return NULL;
	}
	cmd = tetrabridge__v1__command__unpack(NULL, zmq_msg_size(body), zmq_msg_data(body));
	if (!cmd) {
		LOGP(DIPC, LOGL_DEBUG, "malformed command from '%s': not a Command (%zu bytes)\n", client->name,
		     zmq_msg_size(body));
		reply_error(cs, reply, TETRABRIDGE__V1__REPLY__CODE__MALFORMED,
			    "the message is not a tetrabridge.v1.Command; check that tetractl and the bridge "
			    "speak the same protocol version");
		return NULL;
	}
	reply->request_id = cmd->request_id;
	LOGP(DIPC, LOGL_DEBUG, "command %s request %" PRIu64 " from '%s' (%s)\n",
	     tb_command_name(cmd->command_case), cmd->request_id, client->name, tb_role_name(client->role));

	if (cmd->command_case == TETRABRIDGE__V1__COMMAND__COMMAND__NOT_SET) {
		reply_error(cs, reply, TETRABRIDGE__V1__REPLY__CODE__UNKNOWN_COMMAND,
			    "this bridge does not know that command; update tetractl or check the protocol "
			    "version");
	} else if (cmd->on_behalf_of && !act_for(cs, cmd, gateway, client, reply)) {
		LOGP(DIPC, LOGL_DEBUG, "command %s request %" PRIu64 " from '%s' refused: on behalf of\n",
		     tb_command_name(cmd->command_case), cmd->request_id, client->name);
	} else if (!tb_command_allowed(client->role, cmd->command_case)) {
		const char *role = tb_role_name(client->role);
		const char *need = tb_role_name(min_role(cmd->command_case));
		const char *a = min_role(cmd->command_case) == TB_ROLE_DISPATCHER ? "a" : "an";

		reply_error(cs, reply, TETRABRIDGE__V1__REPLY__CODE__NOT_ALLOWED, cmd->on_behalf_of ?
			    talloc_asprintf(tmp, "%s acts as %s here (the lower of the gateway key's role and "
					    "theirs), which may not %s; that needs %s %s", client->name, role,
					    tb_command_name(cmd->command_case), a, need) :
			    talloc_asprintf(tmp, "your key's role %s may not %s; ask the bridge's admin for "
					    "%s %s key", role, tb_command_name(cmd->command_case), a, need));
		LOGP(DIPC, LOGL_DEBUG, "command %s request %" PRIu64 " from '%s' not allowed for role %s\n",
		     tb_command_name(cmd->command_case), cmd->request_id, client->name, role);
	} else {
		return cmd;
	}
	tetrabridge__v1__command__free_unpacked(cmd, NULL);
	return NULL;
}

static void handle(struct tb_command_server *cs, struct rx_msg *m)
{
	Tetrabridge__V1__Reply reply = TETRABRIDGE__V1__REPLY__INIT;
	Tetrabridge__V1__Command *cmd;
	struct tb_command_client client = { .role = TB_ROLE_ADMIN, .name = "" };
	struct client_queue *q;
	/* Without CURVE every client is a trusted admin, so a gateway too. */
	bool gone = false, gateway = true;
	int rc;

	rate_ctr_inc2(cs->ctrs, TB_CMD_CTR_RECEIVED);
	client.tmp = talloc_named_const(cs, 0, "command");
	if (cs->sec)
		client.role = tb_role_from_user_id(user_id(m), &client.name, &gateway);

	cmd = check(cs, m, gateway, &client, &reply);
	q = client_queue(cs, &m->f[0]);
	if (!q) {
		reply_dropped(cs, &reply, "out of memory");
		goto out;
	}
	/* Room for the reply in the queues before anything is run; an error
	 * reply is small, and sent while it fits at all. */
	if (cmd && !queue_fits(cs, q, reply_room(cmd->command_case))) {
		reply_busy(cs, q, reply_room(cmd->command_case), &reply, client.tmp);
		LOGP(DIPC, LOGL_DEBUG, "command %s request %" PRIu64 " from '%s' not run: %s\n",
		     tb_command_name(cmd->command_case), cmd->request_id, client.name, reply.error);
		tetrabridge__v1__command__free_unpacked(cmd, NULL);
		cmd = NULL;
	}
	if (!reply.error)
		reply.error = "";	/* a sentence that could not be allocated must not become NULL */
	if (!cmd && !queue_fits(cs, q, tetrabridge__v1__reply__get_packed_size(&reply) + TB_CMD_REPLY_OVERHEAD)) {
		reply_dropped(cs, &reply, "the client's replies are not read");
		goto out;
	}

	rc = envelope_send(cs, m);
	if (rc == -EHOSTUNREACH) {
		gone = true;	/* run it all the same: the client may not need the reply */
	} else if (rc < 0) {
		/* EAGAIN: TB_COMMAND_CLIENT_REPLIES replies not read */
		reply_dropped(cs, &reply, zmq_strerror(-rc));
		goto out;
	}

	if (cmd) {
		if (cs->handler) {
			cs->handler(cmd, &client, &reply, cs->data);
		} else {
			reply.code = TETRABRIDGE__V1__REPLY__CODE__INTERNAL;
			reply.error = "this bridge has no command handler; report it to its maintainers";
		}
		if (!reply.error)
			reply.error = "";
	}
	if (gone) {
		reply_dropped(cs, &reply, "the client went away");
		goto out;
	}
	rc = body_send(cs, q, &reply);
	if (rc < 0) {
		/* Only ENOMEM gets here, with the envelope taken: the message
		 * must be ended. A reply this short is kept inside libzmq's
		 * message header (no allocation), so it cannot fail. */
		Tetrabridge__V1__Reply oom = TETRABRIDGE__V1__REPLY__INIT;
		uint8_t buf[32];

		oom.request_id = reply.request_id;
		oom.code = TETRABRIDGE__V1__REPLY__CODE__INTERNAL;
		oom.error = "out of memory";
		if (tetrabridge__v1__reply__get_packed_size(&oom) <= sizeof(buf) &&
		    zmq_send(cs->sock, buf, tetrabridge__v1__reply__pack(&oom, buf), ZMQ_DONTWAIT) >= 0) {
			count_reply(cs, oom.code);
		} else {
			reply_dropped(cs, &reply, zmq_strerror(-rc));
		}
		LOGP(DIPC, LOGL_ERROR, "reply to request %" PRIu64 ": out of memory; INTERNAL sent instead\n",
		     reply.request_id);
		goto out;
	}
	count_reply(cs, reply.code);
out:
	if (cmd)
		tetrabridge__v1__command__free_unpacked(cmd, NULL);
	talloc_free(client.tmp);
}

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ZMQ_FD is edge-triggered: handle messages until ZMQ_EVENTS says there is
 * none left. After TB_CMD_BATCH messages or TB_CMD_SLICE_US the rest
 * continue from a zero-delay timer: the edge has been consumed, so without
 * the timer they would wait for the next message. */
static void drain(struct tb_command_server *cs)
{
	int64_t end = mono_us() + TB_CMD_SLICE_US;

	for (unsigned i = 0; i < TB_CMD_BATCH && (i == 0 || mono_us() < end); i++) {
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
	struct client_queue *q, *tmp;

	osmo_timer_del(&cs->resume);
	if (cs->ofd.fd >= 0 && osmo_fd_is_registered(&cs->ofd))
		osmo_fd_unregister(&cs->ofd);
	if (cs->sock) {
		zmq_close(cs->sock);
		cs->sock = NULL;
	}
	/* Replies still in libzmq's hands hold their queues until it frees
	 * them (at the latest in zmq_ctx_term()). */
	llist_for_each_entry_safe(q, tmp, &cs->clients, entry) {
		llist_del(&q->entry);
		client_put(q);
	}
	if (cs->total)
		total_put(cs->total);
	cs->total = NULL;
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
	int linger = TB_CMD_LINGER_MS, sndhwm = TB_COMMAND_CLIENT_REPLIES, rcvhwm = TB_CMD_RCVHWM, one = 1, fd = -1;
	int64_t maxmsg = TB_COMMAND_MAX_MESSAGE;
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
	INIT_LLIST_HEAD(&cs->clients);
	cs->sec = sec;
	cs->handler = handler;
	cs->data = data;
	osmo_timer_setup(&cs->resume, resume_cb, cs);
	talloc_set_destructor(cs, cs_destructor);
	cs->ctrs = tb_ctr_group_alloc(cs, &cmd_ctrg_desc, NULL);
	cs->stats = tb_stat_group_alloc(cs, &cmd_statg_desc, NULL);
	cs->total = malloc(sizeof(*cs->total));
	if (!cs->ctrs || !cs->stats || !cs->total) {
		set_error(ctx, err, errmsg, ENOMEM, "bind", endpoint);
		goto fail;
	}
	atomic_init(&cs->total->bytes, 0);
	atomic_init(&cs->total->refs, 1);

	cs->sock = zmq_socket(zmq_ctx, ZMQ_ROUTER);
	if (!cs->sock) {
		set_error(ctx, err, errmsg, zmq_errno(), "create", endpoint);
		goto fail;
	}
	if (zmq_setsockopt(cs->sock, ZMQ_LINGER, &linger, sizeof(linger)) < 0 ||
	    zmq_setsockopt(cs->sock, ZMQ_SNDHWM, &sndhwm, sizeof(sndhwm)) < 0 ||
	    zmq_setsockopt(cs->sock, ZMQ_RCVHWM, &rcvhwm, sizeof(rcvhwm)) < 0 ||
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

const struct rate_ctr_group *tb_command_server_ctrs(const struct tb_command_server *cs)
{
	return cs ? cs->ctrs : NULL;
}

const struct osmo_stat_item_group *tb_command_server_stat_items(const struct tb_command_server *cs)
{
	return cs ? cs->stats : NULL;
}

size_t tb_command_server_queued(const struct tb_command_server *cs)
{
	return cs && cs->total ? atomic_load(&cs->total->bytes) : 0;
}

void tb_command_server_destroy(struct tb_command_server **cs)
{
	if (cs)
		TALLOC_FREE(*cs);	/* the destructor closes the socket */
}
