/* Command server: a ZeroMQ ROUTER socket in the osmo_select loop (through
 * ZMQ_FD, edge-triggered: after every receive or send the socket's
 * ZMQ_EVENTS are drained). Clients use DEALER or REQ and send one frame, a
 * packed Command; every message gets exactly one Reply with the client's
 * envelope (REQ's empty delimiter included):
 *
 *   - not a Command (bad protobuf, no frame, extra frames)  -> MALFORMED
 *   - larger than TB_COMMAND_MAX_BYTES                       -> TOO_LARGE
 *   - no command set, or one this bridge does not know       -> UNKNOWN_COMMAND
 *   - not allowed for the client's role                      -> NOT_ALLOWED
 *   - otherwise the handler fills the reply.
 *
 * Roles: with CURVE the ZAP handler (ipc/security.h) gives each connection
 * a User-Id "<role>:<name>"; without CURVE (a loopback-only bridge) every
 * client is TB_ROLE_ADMIN. observer: ListRadios, Replay; dispatcher:
 * also SendStatus, SendText, RequestLocation; admin: everything.
 *
 * A Reply that cannot be sent at once (the client's queue is full, it went
 * away) is dropped and counted: ROUTER never blocks the loop.
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
#define TB_COMMAND_MAX_BYTES (64 * 1024)

struct tb_command_server;

/* Who sent a command. */
struct tb_command_client {
	enum tb_role role;
	const char *name;	/* the key's name from the clients file; "" without CURVE */
	void *tmp;		/* talloc context freed after the reply is sent: put the
				 * reply's strings and sub-messages here */
};

/* Fill reply (already initialised, request_id set, code OK) for cmd, which
 * has passed the checks above. Set reply->code and reply->error (a sentence)
 * on failure, or the result oneof on success. Runs synchronously; it must
 * not destroy the server. cmd and client->name are valid during the call. */
typedef void (*tb_command_handler)(const Tetrabridge__V1__Command *cmd, const struct tb_command_client *client,
				   Tetrabridge__V1__Reply *reply, void *data);

struct tb_command_stats {
	uint64_t commands;	/* messages received */
	uint64_t replies;	/* replies sent */
	uint64_t malformed;	/* MALFORMED, TOO_LARGE and UNKNOWN_COMMAND replies */
	uint64_t refused;	/* NOT_ALLOWED replies */
	uint64_t reply_drops;	/* replies that could not be sent */
};

/* Bind a ROUTER socket on endpoint; sec NULL: plain (every client admin),
 * else CURVE + ZAP through sec. Returns NULL with *err = -errno and a
 * sentence in *errmsg (talloc'ed under ctx) on failure. */
struct tb_command_server *tb_command_server_alloc(void *ctx, void *zmq_ctx, const char *endpoint,
						  const struct tb_security *sec, tb_command_handler handler,
						  void *data, int *err, char **errmsg);

/* The endpoint actually bound ("tcp://127.0.0.1:*" resolved to its port). */
const char *tb_command_server_endpoint(const struct tb_command_server *cs);
const struct tb_command_stats *tb_command_server_stats(const struct tb_command_server *cs);

/* Whether role may run this command case (cases this file does not know
 * are admin-only; TB_ROLE_NONE may run nothing). */
bool tb_command_allowed(enum tb_role role, Tetrabridge__V1__Command__CommandCase c);
/* "send_status", "list_radios", ... "unknown" (for logs and errors). */
const char *tb_command_name(Tetrabridge__V1__Command__CommandCase c);

/* Close (linger 0) and free; sets *cs to NULL. */
void tb_command_server_destroy(struct tb_command_server **cs);
