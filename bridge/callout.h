/* The call-out tracker: alerts field responders through a radio, follows
 * each of them from the alert to done, escalates when nobody answers.
 *
 * A call-out (struct tb_callout) has an osmo_fsm instance of its own
 * (bridge/callout_fsm.c: open -> staffed -> on scene -> closed / cancelled)
 * and one per responder (bridge/responder_fsm.c: queued -> sent ->
 * delivered -> read -> accepted / standby / declined -> en route -> on
 * scene -> handed over -> done; no answer; failed; cancelled; stood down).
 *
 * Inputs: the events the bridge publishes (tb_callout_on_event(): outgoing
 * steps of an alert, statuses, texts, call-out answers and positions from a
 * responder, a radio going offline), the commands (bridge/callout_commands.c)
 * and the timers (group "callout", bridge/callout_config.h). Outputs: one
 * CalloutChange event per change, alerts and stand-downs through the
 * radio's outgoing queue, the stored call-out (bridge/callout_store.h).
 *
 * Health data: the call-out text, notes, positions and identities are
 * never logged at INFO or above; logs name call-outs by id and events by seq.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/timer.h>

#include "codecs/tetra_prim.h"
#include "ipc/tetra_bridge.pb-c.h"

struct tb_bridge;
struct osmo_fsm_inst;
struct tb_callout_tracker;
struct tb_callout_store;

typedef Tetrabridge__V1__ResponderState tb_rstate;
typedef Tetrabridge__V1__CalloutState tb_cstate;

/* Bounds: a command beyond them is refused with a sentence. */
#define TB_CALLOUT_TEXT_MAX 94		/* characters */
#define TB_CALLOUT_MAX_RESPONDERS 64	/* per call-out, all levels and joined group members */
#define TB_CALLOUT_MAX_OPEN 2000	/* call-outs open at once */
#define TB_CALLOUT_MAX_NOTES 20		/* texts kept per responder (the oldest go first) */
#define TB_CALLOUT_NOTE_MAX 200		/* bytes kept per note */
#define TB_CALLOUT_REASON_MAX 200	/* bytes of a reason given with a command */

struct tb_responder {
	struct llist_head entry;	/* in tb_callout.responders */
	struct hlist_node by_ssi;	/* in the tracker's index by SSI */
	struct hlist_node by_msg;	/* in the tracker's index by message_id (when not 0) */
	struct tb_callout *co;
	struct osmo_fsm_inst *fi;	/* responder FSM; its state is a tb_rstate */
	struct tetra_identity id;
	bool is_group;			/* a GSSI alerted as one */
	bool via_group;			/* joined by answering an alert to `group` */
	struct tetra_identity group;
	uint8_t level;
	uint8_t alerts;			/* alerts sent (the first and re-alerts) */
	uint8_t realerts_left;
	uint64_t deadline_us;		/* wall clock: the current wait ends (0: none) */
	uint64_t since_us;		/* entered its state */
	uint64_t message_id;		/* the current alert in the outgoing queue (0: none) */
	bool late;			/* answered after no answer */
	char *cause;			/* why it is in its state */
	char *set_by;			/* who set it by hand; NULL: radio / timer */
	bool has_position;
	double lat, lon;
	uint64_t pos_time_us, pos_seq;
	unsigned n_notes;
	char *notes[TB_CALLOUT_MAX_NOTES];
};

struct tb_callout {
	struct llist_head entry;	/* in the tracker's list, by id */
	struct tb_callout_tracker *t;
	struct osmo_fsm_inst *fi;	/* call-out FSM; its state is a tb_cstate */
	uint64_t id;
	uint8_t severity;
	char *text;
	char *radio;
	Tetrabridge__V1__AlertMethod method;	/* TEXT or CALLOUT */
	uint32_t required;
	char *plan;			/* NULL: none */
	uint8_t level;
	bool escalated, overdue, alarm, test, override;
	char *created_by, *created_role, *closed_by;
	uint64_t created_us, closed_us;
	Tetrabridge__V1__CalloutOutcome outcome;
	bool has_air_number;
	uint8_t air_number;
	uint64_t answer_deadline_us;	/* the current level's deadline (0: none running) */
	uint64_t on_scene_due_us;	/* 0: no target */
	struct osmo_timer_list overdue_timer;	/* at on_scene_due_us */
	bool ending;			/* being closed or cancelled: its responders' changes escalate nothing */
	unsigned n_responders;
	struct llist_head responders;	/* struct tb_responder */
};

/* Who gave a command. */
struct tb_callout_who {
	const char *name;		/* the key's name ("" without CURVE) */
	const char *role;		/* "observer", "dispatcher", "admin" */
};

/* A new call-out as a command asks for it. */
struct tb_callout_new {
	const char *radio;
	unsigned severity;
	const char *text;		/* UTF-8 */
	unsigned n_responders;
	const struct tetra_identity *responders;
	unsigned required;		/* 0: the config's */
	const char *plan;		/* NULL / "": the severity's */
	Tetrabridge__V1__AlertMethod method;	/* DEFAULT: the config's */
	bool override, test, queue_if_offline;
	unsigned deadline_s;		/* the first answer deadline (10-86400 s); 0: the severity's */
};

/* Ownership: a talloc child of ctx; tb_callout_tracker_destroy() frees it. */
struct tb_callout_tracker *tb_callout_tracker_alloc(void *ctx, struct tb_bridge *b);
/* Open its tables in the journal's database and bring back the call-outs
 * that were open (with the time their timers had left; a deadline that
 * passed while the daemon was down fires at once). Returns 0 or -errno
 * with a sentence in *errmsg. */
int tb_callout_tracker_start(struct tb_callout_tracker *t, char **errmsg);
/* Stop timers (the daemon stops; everything stays stored). Frees the
 * tracker and sets *t to NULL; t and *t may be NULL. */
void tb_callout_tracker_destroy(struct tb_callout_tracker **t);

/* Every event the bridge published (seq set), after it was stored. */
void tb_callout_on_event(struct tb_callout_tracker *t, const Tetrabridge__V1__Event *ev);

/* Commands. Each returns a Reply code (OK, INVALID_ARGUMENT,
 * UNKNOWN_CALLOUT, UNKNOWN_RADIO, RADIO_OFFLINE, CONFLICT, BUSY, INTERNAL)
 * and, when not OK, a sentence a dispatcher can act on in *errmsg
 * (talloc'ed under ctx). On OK *co (when asked) is the call-out after the
 * change; its events have been published. */
int tb_callout_create(struct tb_callout_tracker *t, const struct tb_callout_new *req,
		      const struct tb_callout_who *who, struct tb_callout **co, void *ctx, char **errmsg);
int tb_callout_cancel(struct tb_callout_tracker *t, uint64_t id, const char *reason,
		      const struct tb_callout_who *who, struct tb_callout **co, void *ctx, char **errmsg);
int tb_callout_add(struct tb_callout_tracker *t, uint64_t id, const struct tetra_identity *responder, bool override,
		   const struct tb_callout_who *who, struct tb_callout **co, void *ctx, char **errmsg);
int tb_callout_realert(struct tb_callout_tracker *t, uint64_t id, const struct tetra_identity *responder,
		       const struct tb_callout_who *who, struct tb_callout **co, void *ctx, char **errmsg);
int tb_callout_set(struct tb_callout_tracker *t, uint64_t id, const struct tetra_identity *responder,
		   tb_rstate state, const char *reason, const struct tb_callout_who *who,
		   struct tb_callout **co, void *ctx, char **errmsg);
int tb_callout_close(struct tb_callout_tracker *t, uint64_t id, Tetrabridge__V1__CalloutOutcome outcome,
		     const char *reason, const struct tb_callout_who *who, struct tb_callout **co, void *ctx,
		     char **errmsg);
int tb_callout_ack(struct tb_callout_tracker *t, uint64_t id, const char *reason, const struct tb_callout_who *who,
		   struct tb_callout **co, void *ctx, char **errmsg);

/* A call-out on the board (open, or closed within board-keep), NULL when not. */
struct tb_callout *tb_callout_find(struct tb_callout_tracker *t, uint64_t id);
/* The board: call-outs by id, oldest first (struct tb_callout.entry). */
struct llist_head *tb_callout_board(struct tb_callout_tracker *t);
/* Counts for `show callouts`, health checks and benchmarks: the tracker's
 * rate counters (created ... unmatched) and the board as it is now (the
 * same the stat items "callout" report). */
struct tb_callout_stats {
	unsigned open, on_board, escalated, alarms, overdue;
	uint64_t created, transitions, refused_inputs, unmatched;
};
void tb_callout_stats(const struct tb_callout_tracker *t, struct tb_callout_stats *s);
/* The tracker's store (for Show and Report), NULL before start. */
struct tb_callout_store *tb_callout_tracker_store(struct tb_callout_tracker *t);

/* The call-out as the proto has it: strings and sub-messages talloc'ed
 * under ctx (or pointing into co: pack it before co changes). */
Tetrabridge__V1__Callout *tb_callout_to_pb(const struct tb_callout *co, void *ctx);

/* "queued", "sent", ... "stood down"; "open", "staffed", ...; outcome
 * names ("treated on site" ...); "text" / "callout". */
const char *tb_rstate_name(tb_rstate s);
const char *tb_cstate_name(tb_cstate s);
const char *tb_outcome_name(Tetrabridge__V1__CalloutOutcome o);
