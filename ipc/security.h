/* CURVE security for the bridge's sockets: the one header the rest of the
 * code includes. It puts together
 *
 *   ipc/curve_keys.h    key pair files (zcert format): keygen, load
 *   ipc/clients_file.h  the clients file: who may connect, with which role
 *   ipc/zap.h           the ZAP handler that admits only listed keys, and
 *                       the User-Id "<role>:<name>" it gives them
 *                       ("<role>+gateway:<name>" for a gateway key)
 *
 * and adds the server side (the bridge's own key pair, the clients file and
 * the ZAP handler as one object) and the rule that a socket outside this
 * machine is never plain.
 *
 * Ownership: struct tb_security is a talloc child of the ctx given to
 * tb_security_start(); it owns the ZAP handler and the client list, and
 * wipes the secret key when freed. tb_security_destroy() frees it, and so
 * does freeing ctx.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "ipc/clients_file.h"
#include "ipc/curve_keys.h"
#include "ipc/zap.h"

/* ---- the server side ---------------------------------------------------- */

struct tb_security;

/* Load the server's key pair (must contain the secret key) and the clients
 * file, and start the ZAP handler on zmq_ctx. Returns NULL with a sentence
 * in *errmsg (talloc'ed under ctx) on failure. */
struct tb_security *tb_security_start(void *ctx, void *zmq_ctx, const char *server_key_file,
				      const char *clients_file, char **errmsg);

/* Make sock a CURVE server with the bridge's key, checked by the ZAP handler.
 * Call before zmq_bind(). Returns 0 or -errno. */
int tb_security_apply(const struct tb_security *s, void *sock);

/* Read the clients file again (e.g. on SIGHUP): new connections are checked
 * against the new list, connected clients keep their role. On error the old
 * list stays and *errmsg (talloc'ed under s's parent) says why.
 * Returns 0 or -EINVAL. */
int tb_security_reload(struct tb_security *s, char **errmsg);

/* Number of client keys listed, and connections admitted / refused. */
unsigned tb_security_clients(const struct tb_security *s);
unsigned long tb_security_admitted(const struct tb_security *s);
unsigned long tb_security_refused(const struct tb_security *s);
const char *tb_security_public_key(const struct tb_security *s);

/* Stop the ZAP handler (close its socket); frees s and sets *s to NULL.
 * s and *s may be NULL.
 * Close the sockets secured with s first: a CURVE socket left open without
 * a handler refuses new clients only where libzmq has
 * ZMQ_ZAP_ENFORCE_DOMAIN (set by tb_security_apply when available; older
 * builds would admit any key). Only one handler per ZeroMQ context. */
void tb_security_destroy(struct tb_security **s);

/* tb_endpoint_is_local(): ipc/endpoint.h. */
