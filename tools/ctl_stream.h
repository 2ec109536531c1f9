/* A gap-free event stream for tetractl: live events from the PUB socket,
 * with holes filled from the journal (Replay on the command socket) -- the
 * ZeroMQ guide's "Clone" pattern.
 *
 * Per bridge (seq is per bridge) the last seq handed on is kept. A live
 * event with seq > last + 1 first has the missing range replayed (in
 * batches) and handed on in order; an event already handed on (seq <= last,
 * a replay overlapping what was queued live) is dropped. With a start seq
 * the journal is replayed from there first while the SUB socket queues what
 * arrives live (it is subscribed before the first Replay), then the two are
 * merged by seq. When the journal cannot help (no reply, a refusal, events
 * older than its retention) the missing range is reported on stderr as
 * "gap: missed events A-B (why)" and the stream goes on.
 *
 * With --no-replay nothing is asked: gaps are only reported.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "ipc/tetra_bridge.pb-c.h"
#include "tools/ctl_client.h"

/* Returned by a ctl_event_fn to go on; anything else ends the stream with that exit status. */
#define CTL_CONTINUE		(-1)
/* ctl_stream_run's own endings (besides an exit status >= 0). */
#define CTL_STREAM_TIMEOUT	(-2)	/* idle_timeout_s without an event, or deadline_ms passed */
#define CTL_STREAM_SIGNAL	(-3)	/* SIGINT or SIGTERM */

/* Called once per event, in seq order per bridge; ev is freed after the call. */
typedef int (*ctl_event_fn)(const Tetrabridge__V1__Event *ev, void *data);

struct ctl_stream_opts {
	const char *const *topics;	/* only events whose "<kind>.<radio>" starts with one of these */
	unsigned n_topics;		/* 0: every event */
	bool no_replay;			/* only report gaps; topics then filter at the publisher */
	bool have_from;
	uint64_t from;			/* start with the journal from this seq */
	double idle_timeout_s;		/* CTL_STREAM_TIMEOUT after this long without an event; 0: never */
	int64_t deadline_ms;		/* CLOCK_MONOTONIC ms at which to end with CTL_STREAM_TIMEOUT; 0: none */
	ctl_event_fn fn;
	void *data;
};

/* Run the stream until fn returns an exit status, a timeout or a signal.
 * Returns that exit status (>= 0; 1 or EX_USAGE when the socket could not be
 * set up, the reason printed), CTL_STREAM_TIMEOUT or CTL_STREAM_SIGNAL. */
int ctl_stream_run(struct ctl_client *cl, const struct ctl_stream_opts *o);
