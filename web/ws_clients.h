/* The pages' WebSockets (/ws, subprotocol tetra-web.v1), server to page
 * only: a snapshot of the board first, then every update (web/board.h).
 *
 * The handshake needs a live session (its cookie) and an Origin equal to
 * the page's own (https://<Host>, http:// with `insecure`), and is
 * refused beyond `max-clients`. Each client has a bounded queue (`ws-queue
 * BYTES COUNT`): a client that cannot keep up is closed (1008 "too slow");
 * its page reconnects and gets a fresh snapshot, so it never shows a hole.
 * A message is shared by all the clients it is queued for (one copy).
 * A WebSocket does not keep its session alive: when the session ends
 * (idle, lifetime, sign-out) the page gets {"type":"session",
 * "expired":true} and the socket is closed.
 *
 * Ownership: a talloc child of the server; the per-client state is lws's
 * per-session data.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stddef.h>

#include <libwebsockets.h>

struct tw_server;
struct tw_ws_clients;

struct tw_ws_clients *tw_ws_clients_alloc(struct tw_server *srv);
/* Fill p with the "tetra-web.v1" protocol. */
void tw_ws_protocol(struct lws_protocols *p);
/* Queue one message (JSON text) for every client. */
void tw_ws_clients_broadcast(struct tw_ws_clients *w, const char *text, size_t len);
/* Close the clients whose session has ended (every second). */
void tw_ws_clients_check_sessions(struct tw_ws_clients *w);
unsigned tw_ws_clients_count(const struct tw_ws_clients *w);
