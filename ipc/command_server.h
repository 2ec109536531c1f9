/* Command server: a ZeroMQ ROUTER socket in the osmo_select loop (through
 * ZMQ_FD, edge-triggered: after every receive or send the socket's
 * ZMQ_EVENTS are drained). Clients use DEALER or REQ and send one frame, a
 * packed Command; every message gets exactly one Reply with the client's
 * envelope (REQ's empty delimiter included), within the bounds below:
 *
 *   - not a Command (bad protobuf, no frame, extra frames)  -> MALFORMED
 *   - larger than TB_COMMAND_MAX_BYTES                       -> TOO_LARGE
 *   - no command set, or one this bridge does not know       -> UNKNOWN_COMMAND
 *   - not allowed for the client's role                      -> NOT_ALLOWED
 *   - the client's or all clients' replies not read yet fill
 *     their queue (the command is not run)                   -> BUSY
 *   - otherwise the handler fills the reply.
 *
 * Where "exactly one Reply" ends (each bound keeps the daemon's memory
 * bounded whatever clients do):
 *   - a message larger than TB_COMMAND_MAX_MESSAGE: libzmq drops the
 *     connection on reading its size; no Reply, the command is not run;
 *   - a client with TB_COMMAND_CLIENT_REPLIES replies, or replies close to
 *     TB_COMMAND_CLIENT_QUEUE bytes, not read: further replies to it are
 *     dropped and counted (a BUSY reply first, while it fits), and the
 *     commands are not run;
 *   - a client that went away before its reply was sent.
 * A client that reads its replies before it has that many outstanding (a
 * REQ client always does) gets exactly one for every command.
 *
 * Roles: with CURVE the ZAP handler (ipc/security.h) gives each connection
 * a User-Id "<role>:<name>" ("<role>+gateway:<name>" for a gateway key);
 * without CURVE (a loopback-only bridge) every client is TB_ROLE_ADMIN.
 * observer: ListRadios, Replay, CalloutBoard, CalloutShow, CalloutReport
 * (the handler refuses its names to all but admin), Health, RosterList,
 * StatsList; dispatcher: also SendStatus, SendText, RequestLocation and the
 * call-out commands (CalloutCreate ... CalloutAck); admin: everything
 * (Backup, which names a file on the bridge's machine).
 *
 * Gateways: a console that logs its own users in (tetra-web) sends their
 * commands with Command.on_behalf_of = { name, role }. Only a key marked
 * `gateway` in the clients file may (any other key: NOT_ALLOWED, nothing
 * run); without CURVE every client counts as a gateway, as it is a trusted
 * admin anyway. The name must be 1-63 letters, digits, - _ . and the role
 * observer, dispatcher or admin (else INVALID_ARGUMENT). The command is
 * then checked and run as the person: struct tb_command_client says the
 * lower of the key's and the person's role, and the name
 * "<person>@<key name>" ("<person>@local" without CURVE), so call-out
 * history says "<role>:<person>@<key name>", e.g.
 * "dispatcher:kari@tetra-web".
 *
 * Nothing here blocks the loop: a reply that cannot be sent at once is
 * dropped and counted, and a flood of commands is handled in slices.
 *
 * Health data: commands are logged by kind, request id and client name only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdint.h>

#include "ipc/security.h"
#include "ipc/tetra_bridge.pb-c.h"

#define TB_DEFAULT_COMMANDS_ENDPOINT "tcp://127.0.0.1:5561"
/* Commands up to this size are read; larger ones get TOO_LARGE. */
#define TB_COMMAND_MAX_BYTES (64 * 1024)
/* Messages larger than this never reach the bridge: libzmq drops the
 * connection (ZMQ_MAXMSGSIZE), without a reply. */
#define TB_COMMAND_MAX_MESSAGE (128 * 1024)
/* The largest Reply a handler may make (a Replay batch: 256 KiB of events,
 * one event beyond it, and the framing). A handler whose reply is larger
 * breaks the bounds below by the difference. */
#define TB_COMMAND_MAX_REPLY (320 * 1024)
/* Replies queued for one client that does not read them: at most this many
 * bytes, and TB_COMMAND_CLIENT_REPLIES replies (ZMQ_SNDHWM). */
#define TB_COMMAND_CLIENT_QUEUE (1024 * 1024)
#define TB_COMMAND_CLIENT_REPLIES 1000
/* Replies queued for all clients together, in bytes. */
#define TB_COMMAND_QUEUE (16 * 1024 * 1024)

struct tb_command_server;

/* Who sent a command (for a gateway's person: the person, see above). */
struct tb_command_client {
	enum tb_role role;	/* the key's; for a person the lower of it and theirs */
	const char *name;	/* the key's name from the clients file, "" without CURVE;
				 * for a person "<person>@<key name>" */
	void *tmp;		/* talloc context freed after the reply is sent: put the
				 * reply's strings and sub-messages here */
};

/* Fill reply (already initialised, request_id set, code OK) for cmd, which
 * has passed the checks above. Set reply->code and reply->error (a sentence)
 * on failure, or the result oneof on success. Runs synchronously; it must
 * not destroy the server. cmd and client->name are valid during the call. */
typedef void (*tb_command_handler)(const Tetrabridge__V1__Command *cmd, const struct tb_command_client *client,
				   Tetrabridge__V1__Reply *reply, void *data);

/* The server's counters: a libosmocore rate counter group "commands" and a
 * stat item group of the same name (`show stats`, statsd, `show bridge`).
 * Every message received gets one reply or is counted as dropped:
 * received = replies + replies dropped. */
enum tb_command_ctr {
	TB_CMD_CTR_RECEIVED,	/* messages received */
	TB_CMD_CTR_REPLIES,	/* replies sent */
	TB_CMD_CTR_DROPPED,	/* messages that got no reply */
	/* Replies sent by their code: TB_CMD_CTR_CODE + the Reply code (OK
	 * ... CONFLICT), in the order of tetra_bridge.proto. */
	TB_CMD_CTR_CODE,
	TB_CMD_CTR_CODE_LAST = TB_CMD_CTR_CODE + TETRABRIDGE__V1__REPLY__CODE__CONFLICT,
};
enum tb_command_stat {
	TB_CMD_STAT_QUEUED_PEAK,	/* the most reply bytes queued at once, all clients */
};
struct rate_ctr_group;
struct osmo_stat_item_group;

/* Bind a ROUTER socket on endpoint; sec NULL: plain (every client admin),
 * else CURVE + ZAP through sec. Returns NULL with *err = -errno and a
 * sentence in *errmsg (talloc'ed under ctx) on failure.
 * Ownership: a talloc child of ctx; tb_command_server_destroy() frees it,
 * and so does freeing ctx. */
struct tb_command_server *tb_command_server_alloc(void *ctx, void *zmq_ctx, const char *endpoint,
						  const struct tb_security *sec, tb_command_handler handler,
						  void *data, int *err, char **errmsg);

/* The endpoint actually bound ("tcp://127.0.0.1:*" resolved to its port). */
const char *tb_command_server_endpoint(const struct tb_command_server *cs);
/* The counters (enum tb_command_ctr; tb_ctr_get()) and stat items (enum
 * tb_command_stat; tb_stat_get()); NULL for cs NULL. */
const struct rate_ctr_group *tb_command_server_ctrs(const struct tb_command_server *cs);
const struct osmo_stat_item_group *tb_command_server_stat_items(const struct tb_command_server *cs);
/* Reply bytes queued now for clients that have not read them yet (they
 * leave the count when libzmq hands them to the kernel, or drops them with
 * a client that went away). */
size_t tb_command_server_queued(const struct tb_command_server *cs);

/* Whether role may run this command case (cases this file does not know
 * are admin-only; TB_ROLE_NONE may run nothing). */
bool tb_command_allowed(enum tb_role role, Tetrabridge__V1__Command__CommandCase c);
/* "send_status", "list_radios", ... "unknown" (for logs and errors). */
const char *tb_command_name(Tetrabridge__V1__Command__CommandCase c);

/* Close the socket (linger 0); frees the server and sets *cs to NULL.
 * cs and *cs may be NULL. */
void tb_command_server_destroy(struct tb_command_server **cs);
