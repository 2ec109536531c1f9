/* ZeroMQ sockets in tests: a socket watched by the osmo_select loop, and
 * the events a subscriber receives.
 *
 * A ZeroMQ socket's ZMQ_FD is edge-triggered: the watch reads ZMQ_EVENTS
 * each time it fires so that the next change fires again, which is all a
 * test needs to wake osmo_select_main(0) when a client has something.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "ipc/tetra_bridge.pb-c.h"

struct tb_zmq_watch {
	void *sock;		/* the socket watched; closed by tb_zmq_watch_destroy() */
};

/* Watch sock in the loop (and set its linger to 0). Ownership: a talloc
 * child of ctx; tb_zmq_watch_destroy() unwatches, closes the socket and
 * frees it. Aborts on failure (a test cannot go on without it). */
struct tb_zmq_watch *tb_zmq_watch_new(void *ctx, void *sock);
void tb_zmq_watch_destroy(struct tb_zmq_watch **w);

/* A message waits on sock now (no waiting). */
bool tb_zmq_readable(void *sock);

/* One event from a SUB socket: two frames, the topic (copied into topic,
 * tsize bytes; topic may be NULL) and the Event. Waits at most timeout_ms
 * (-1: for ever). Returns the unpacked Event (free it with
 * tetrabridge__v1__event__free_unpacked), or NULL when none came in time.
 * Aborts on a message that is not two frames or not an Event, and on an
 * Event with a string that is not valid UTF-8: every event a test sees is
 * checked (ipc/pb_utf8.h). */
Tetrabridge__V1__Event *tb_zmq_recv_event(void *sub, char *topic, size_t tsize, int timeout_ms);
