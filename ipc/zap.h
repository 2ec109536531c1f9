/* The ZAP handler (ZeroMQ RFC 27): a REP socket on inproc://zeromq.zap.01,
 * run in the osmo_select loop, that answers libzmq's requests for domain
 * "tetra-bridge". A CURVE key in the clients list gets 200 with User-Id
 * "<role>:<name>" ("<role>+gateway:<name>" for a key the clients file
 * marks `gateway`, e.g. "dispatcher+gateway:tetra-web"); anything else 400 (the connection is refused: no events,
 * no replies). Refusals are logged at NOTICE with the mechanism and peer
 * address only. A flood of connection attempts is answered in batches so
 * that it cannot starve the rest of the loop.
 *
 * Ownership: the handler is a talloc child of the ctx given to
 * tb_zap_start(); it owns the client list it answers from (see
 * tb_zap_start / tb_zap_set_clients). tb_zap_destroy() frees it, and so
 * does freeing ctx.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>

#include "ipc/clients_file.h"

#define TB_ZAP_DOMAIN "tetra-bridge"

/* The role, name and gateway mark in a ZAP User-Id "<role>:<name>" or
 * "<role>+gateway:<name>" (as libzmq hands it over in the message property
 * "User-Id"). name and gateway may be NULL; on return *name points into
 * uid after the colon ("" when uid has none) and *gateway says whether the
 * role carried "+gateway". TB_ROLE_NONE (and no gateway) when uid is NULL
 * or not of that form. */
enum tb_role tb_role_from_user_id(const char *uid, const char **name, bool *gateway);

struct tb_zap;

/* Start the handler on zmq_ctx (only one per ZeroMQ context), under ctx.
 * clients becomes the handler's (talloc_steal; freed with it, also when the
 * start fails). Returns NULL with a sentence in *errmsg talloc'ed under
 * errctx (so that it outlives a ctx freed on failure). */
struct tb_zap *tb_zap_start(void *ctx, void *errctx, void *zmq_ctx, struct tb_client_list *clients,
			    char **errmsg);

/* Answer new requests from clients instead (taken over like in
 * tb_zap_start); the old list is freed. Connections admitted before keep
 * their role. */
void tb_zap_set_clients(struct tb_zap *z, struct tb_client_list *clients);

/* The list it answers from (owned by z); connections admitted / refused
 * (read from its counters, the rate counter group "zap"). */
const struct tb_client_list *tb_zap_clients(const struct tb_zap *z);
unsigned long tb_zap_admitted(const struct tb_zap *z);
unsigned long tb_zap_refused(const struct tb_zap *z);

/* Close the socket; frees the handler (with the list) and sets *z to NULL.
 * z and *z may be NULL. */
void tb_zap_destroy(struct tb_zap **z);
