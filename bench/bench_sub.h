/* A ZeroMQ SUB socket read in a thread of its own, blocking in zmq_recv():
 * the subscriber of a benchmark, timed when a message's first frame (the
 * topic) is returned, away from the osmo_select loop of the main thread
 * (whose wake-ups would be in the latency otherwise).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One message, in the subscriber's thread: topic and body (its two
 * frames), t_us the tb_now_us() time when the topic frame was returned.
 * body is NULL (and body_len 0) for a message that is not a topic and a
 * body or does not fit (a topic longer than 64 bytes, a longer body than
 * bench_sub_start() was given). */
typedef void (*bench_sub_cb)(void *data, const char *topic, size_t topic_len, const uint8_t *body, size_t body_len,
			     int64_t t_us);

struct bench_sub {
	void *zctx, *sock;
	pthread_t th;
	bool started;
	bench_sub_cb cb;
	void *data;
	uint8_t *body;			/* the thread's (malloc'd) */
	size_t body_size;
};

/* Connect a SUB socket to endpoint (reconnecting every 10 ms: soon after
 * the daemon binds; no receive limit: count, do not drop), subscribed to
 * prefix, and start its thread, which calls cb(data, ...) for every
 * message, bodies up to body_size bytes. Returns 0 or -errno (ZeroMQ's:
 * zmq_strerror()); bench_sub_stop() either way. */
int bench_sub_start(struct bench_sub *s, const char *endpoint, const char *prefix, size_t body_size, bench_sub_cb cb,
		    void *data);
/* End the thread (its zmq_recv() returns ETERM) and join it: after this,
 * whatever cb wrote may be read. Closes the socket and its context. */
void bench_sub_stop(struct bench_sub *s);
