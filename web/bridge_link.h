/* tetra-web's link to one bridge: a SUB socket for the events and a DEALER
 * for commands, both CURVE with tetra-web's own key when the bridge's
 * public key is configured. In the osmo_select loop (ZMQ_FD, drained after
 * every send and receive).
 *
 * It keeps the board (web/board.h) whole: at start and after every seq gap
 * it asks Replay from the last seq it has, and holds live events until the
 * replay has caught up, so the board sees every event once, in order. It
 * asks ListRadios, RosterList and CalloutBoard at start and after the link
 * comes back, and Health every TW_LINK_HEARTBEAT_S as a heartbeat: no
 * reply within TW_LINK_TIMEOUT_S marks the bridge disconnected.
 *
 * Commands for pages: tw_bridge_link_command() sends one with the person
 * (Actor) and calls back once with the Reply, or with NULL and a sentence
 * when the bridge did not answer within TW_LINK_TIMEOUT_S or stopped
 * answering (then the command may or may not have run). At most TW_LINK_MAX_PENDING commands wait at once.
 *
 * While the bridge does not answer, events that follow on without a gap
 * still go on the board; a gap waits (in a bounded queue) for the bridge
 * to answer again. Live events are held at most TW_LINK_HOLD_EVENTS /
 * TW_LINK_HOLD_BYTES: beyond that the newest are dropped (they are in the
 * journal, and the next replay brings them).
 *
 * Ownership: a talloc child of ctx.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "ipc/clients_file.h"
#include "ipc/curve_keys.h"
#include "ipc/tetra_bridge.pb-c.h"

struct tw_board;

#define TW_LINK_HEARTBEAT_S 5
#define TW_LINK_TIMEOUT_S 10
#define TW_LINK_MAX_PENDING 256
#define TW_LINK_HOLD_EVENTS 20000
#define TW_LINK_HOLD_BYTES (32u << 20)

struct tw_bridge_conf {
	const char *name;		/* as on the board */
	const char *events;		/* ZeroMQ endpoint of the bridge's PUB */
	const char *commands;		/* ... and of its ROUTER */
	const char *server_key;		/* the bridge's public key file (tb_curve_key_load), NULL: plain */
	const struct tb_curve_keypair *client;	/* tetra-web's own key pair (when server_key) */
	/* 0: TW_LINK_HEARTBEAT_S and TW_LINK_TIMEOUT_S; tests make them short */
	unsigned heartbeat_ms;
	unsigned timeout_ms;
};

struct tw_bridge_link;

/* The reply to a command, or reply NULL and why (not connected, timeout,
 * the link destroyed). Called once, never from inside
 * tw_bridge_link_command; reply is valid during the call only. */
typedef void (*tw_reply_cb)(const Tetrabridge__V1__Reply *reply, const char *why, void *data);

/* Connect (ZeroMQ connects in the background). NULL with *errmsg. */
struct tw_bridge_link *tw_bridge_link_alloc(void *ctx, void *zmq_ctx, struct tw_board *board, unsigned board_index,
					    const struct tw_bridge_conf *conf, char **errmsg);
const char *tw_bridge_link_name(const struct tw_bridge_link *l);
bool tw_bridge_link_connected(const struct tw_bridge_link *l);

/* Send cmd (its request_id is set here) for actor (NULL: tetra-web's own,
 * e.g. StatsList). Returns an id for tw_bridge_link_cancel, or 0 when cb
 * will not be called: then *why says why (not connected, too many). */
uint64_t tw_bridge_link_command(struct tw_bridge_link *l, Tetrabridge__V1__Command *cmd,
				const Tetrabridge__V1__Actor *actor, tw_reply_cb cb, void *data, const char **why);
/* The caller is gone (a browser closed its request): cb is not called. */
void tw_bridge_link_cancel(struct tw_bridge_link *l, uint64_t id);

/* Counters for /metrics. */
struct tw_link_stats {
	uint64_t events_live;		/* events taken from the stream */
	uint64_t events_replayed;	/* events taken from the journal (Replay) */
	uint64_t replays;		/* Replay commands sent */
	uint64_t held_dropped;		/* live events dropped: the queue was full */
	uint64_t seqs_skipped;		/* seqs the journal could not give (lost, or given up) */
	uint64_t commands;		/* commands sent for pages */
	uint64_t timeouts;		/* of those: no reply in time */
};
void tw_bridge_link_get_stats(const struct tw_bridge_link *l, struct tw_link_stats *st);

/* Commands still waiting are answered (reply NULL, "closing") first. */
void tw_bridge_link_destroy(struct tw_bridge_link **l);
