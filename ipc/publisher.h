/* Event publisher: a ZeroMQ PUB socket sending two frames per event, the
 * topic "<kind>.<radio>" and the serialized Event. Sending never blocks the
 * event loop (ZMQ_DONTWAIT); a subscriber too slow to keep up loses events
 * at the high-water mark and sees the gap in seq (then it replays them
 * from the journal: the command socket's Replay).
 *
 * Memory: each subscriber has its own queue of at most TB_PUBLISHER_HWM
 * events; an event in it costs two libzmq message headers (64 bytes each;
 * a topic of up to 33 bytes is kept inside its header) and a share of the
 * body, one allocation for every subscriber that holds the event. A
 * subscriber that has stopped reading holds about 128 bytes x
 * TB_PUBLISHER_HWM = 125 KiB, plus the bodies of the events it stopped at
 * (shared with every subscriber that stopped at the same time).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdint.h>
#include "ipc/tetra_bridge.pb-c.h"

/* Events queued per subscriber. Enough for a subscriber that pauses (0.5 s
 * at 2 000 events/s, 20 s at 50/s, and the kernel's socket buffer on top);
 * one that falls further behind replays, which costs it one or two
 * Replay batches. */
#define TB_PUBLISHER_HWM 1000

struct tb_publisher;

/* The publisher's counters: a libosmocore rate counter group "pub"
 * (`show stats`, statsd, `show bridge`). */
enum tb_publisher_ctr {
	TB_PUB_CTR_SENT,	/* events handed to the socket */
	TB_PUB_CTR_DROPPED,	/* events not sent: zmq_send failed, or no memory */
};
struct rate_ctr_group;

/* Bind a PUB socket on endpoint (e.g. "tcp://127.0.0.1:5560" or
 * "ipc:///run/tetra-bridge/events"). zmq_ctx is owned by the caller.
 * sec NULL: plain; else a CURVE server checked by its ZAP handler (only
 * listed client keys receive events).
 * Returns NULL and sets *err to -errno (and errmsg, if not NULL, to a
 * sentence for people, talloc'ed under ctx) on failure.
 * Ownership: a talloc child of ctx; tb_publisher_destroy() frees it, and so
 * does freeing ctx. */
struct tb_security;
struct tb_publisher *tb_publisher_alloc(void *ctx, void *zmq_ctx, const char *endpoint,
					const struct tb_security *sec, int *err, char **errmsg);

/* Publish one event under the topic "<kind>.<ev->radio>".
 * Returns 0 or -errno. The event is not modified. */
int tb_publisher_send(struct tb_publisher *p, const Tetrabridge__V1__Event *ev);

/* The same with the Event already packed (the bridge packs once for the
 * journal and the socket): topic "<kind>.<radio>". Returns 0 or -errno. */
int tb_publisher_send_packed(struct tb_publisher *p, const char *kind, const char *radio, uint64_t seq,
			     const uint8_t *body, size_t len);

/* The endpoint actually bound (resolves "tcp://127.0.0.1:*" to the port). */
const char *tb_publisher_endpoint(const struct tb_publisher *p);

/* The counters (enum tb_publisher_ctr; read them with tb_ctr_get()), NULL
 * for p NULL. */
const struct rate_ctr_group *tb_publisher_ctrs(const struct tb_publisher *p);

/* Close the socket (lingering up to 1 s for queued events); frees the
 * publisher and sets *p to NULL. p and *p may be NULL. */
void tb_publisher_destroy(struct tb_publisher **p);
