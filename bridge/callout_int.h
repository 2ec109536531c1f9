/* Inside the call-out tracker: what its files share (bridge/callout*.c,
 * bridge/responder_fsm.c). Nothing outside the tracker includes this.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <osmocom/core/hashtable.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/timer.h>

#include "bridge/callout.h"

struct tb_bridge;
struct tb_callout_config;
struct tb_roster;

struct tb_callout_tracker {
	struct tb_bridge *bridge;
	struct tb_callout_store *store;
	struct llist_head board;	/* struct tb_callout, by id */
	unsigned n_open, n_board;
	uint64_t air_free_at[256];	/* wall us from which a call-out number may be used again; UINT64_MAX: in use */
	uint8_t air_next;		/* numbers are handed out in turn, 1..255 */
	struct osmo_timer_list sweep;	/* closed call-outs leave the board; retention */
	struct rate_ctr_group *ctrs;		/* enum tb_callout_ctr */
	struct osmo_stat_item_group *stats;	/* enum tb_callout_stat */
	/* Every responder on the board by SSI, and by the message id of its
	 * current alert: an input finds its responders without walking the
	 * board (bridge/callout_input.c). */
	DECLARE_HASHTABLE(by_ssi, 12);
	DECLARE_HASHTABLE(by_msg, 12);
};

/* The tracker's counters: a libosmocore rate counter group "callout" and a
 * stat item group of the same name (`show stats`, statsd; `show callouts`
 * and health checks through tb_callout_stats()). */
enum tb_callout_ctr {
	TB_CALLOUT_CTR_CREATED,
	TB_CALLOUT_CTR_TRANSITIONS,	/* call-out changes published */
	TB_CALLOUT_CTR_REFUSED_INPUTS,	/* inputs a call-out or responder state does not take */
	TB_CALLOUT_CTR_UNMATCHED,	/* answers from the radio that match no call-out */
};
enum tb_callout_stat {
	TB_CALLOUT_STAT_OPEN,
	TB_CALLOUT_STAT_ON_BOARD,
	TB_CALLOUT_STAT_ESCALATED,
	TB_CALLOUT_STAT_ALARMS,
	TB_CALLOUT_STAT_OVERDUE,
};
/* Set the stat items from the board (after it changed). */
void tb_callout_gauges_update(struct tb_callout_tracker *t);

/* Events of the responder FSM (bridge/responder_fsm.c). */
enum tb_r_event {
	R_EV_SENT,		/* the alert went over the air */
	R_EV_DELIVERED,		/* report: received */
	R_EV_READ,		/* report: consumed */
	R_EV_FAILED,		/* the send failed, a negative report, the radio offline */
	R_EV_ACCEPT,		/* answers: */
	R_EV_STANDBY,
	R_EV_DECLINE,
	R_EV_EN_ROUTE,
	R_EV_ON_SCENE,
	R_EV_HANDED_OVER,
	R_EV_DONE,
	R_EV_REALERT,		/* alert again (a command; the timer re-alerts by itself) */
	R_EV_CANCEL,		/* the call-out was cancelled or closed */
	R_EV_STAND_DOWN,	/* not needed any more */
	R_EV_SET,		/* set by hand: r_input.target */
};

/* What comes with a responder event. */
struct tb_r_input {
	const char *cause;	/* for people; NULL: the event's name */
	const char *by;		/* "radio", "timer", "<role>:<name>" */
	uint64_t input_seq;	/* the event that caused it (0: none) */
	tb_rstate target;	/* R_EV_SET */
};

void tb_responder_fsm_init(void);
/* A new responder in state QUEUED (no timer yet), added to co. */
struct tb_responder *tb_responder_alloc(struct tb_callout *co, const struct tetra_identity *id, bool is_group,
					uint8_t level);
/* Free the FSM instance and the responder (the call-out is being freed). */
void tb_responder_free(struct tb_responder *r);
/* The current alert's message id (0: none), in the tracker's index. */
void tb_responder_set_message(struct tb_responder *r, uint64_t message_id);
/* Whether the responder's state takes ev now. */
bool tb_responder_permits(const struct tb_responder *r, enum tb_r_event ev);
/* Dispatch ev. Returns 0 when taken, -EPERM (refused: not in the table
 * for the state; counted, logged at DEBUG, and published as IGNORED when it
 * is an answer). */
int tb_responder_input(struct tb_responder *r, enum tb_r_event ev, const struct tb_r_input *in);
/* Put a responder into state (a restart), its wait running until
 * deadline_us (fires at once when it passed). No event. */
void tb_responder_restore(struct tb_responder *r, tb_rstate state);
/* Send the first alert and start waiting for an answer (state QUEUED). */
void tb_responder_start(struct tb_responder *r);
const char *tb_r_event_name(enum tb_r_event ev);
/* An answer meaning as a responder event; -1 for none / available / auto-ack. */
int tb_r_event_of_meaning(Tetrabridge__V1__AnswerMeaning m);

/* States by what they mean for the call-out. */
bool tb_rstate_waiting(tb_rstate s);	/* queued .. read: no answer yet, timer running */
bool tb_rstate_accepted(tb_rstate s);	/* accepted, en route, on scene, handed over, done */
bool tb_rstate_final(tb_rstate s);	/* declined, done, no answer, failed, cancelled, stood down */
bool tb_rstate_on_scene(tb_rstate s);	/* on scene, handed over, done */

/* Events of the call-out FSM (bridge/callout_fsm.c). */
enum tb_c_event {
	C_EV_STAFFED,		/* `required` accepted */
	C_EV_UNSTAFFED,		/* fewer than `required` again (an accepted one declined) */
	C_EV_ON_SCENE,		/* a responder is on scene */
	C_EV_CLOSE,		/* data: struct tb_c_input */
	C_EV_CANCEL,
};

struct tb_c_input {
	const char *cause;
	const char *by;
	uint64_t input_seq;
};

void tb_callout_fsm_init(void);
/* Change fi's state with its timer (T) running until deadline_us (wall
 * clock; 1 ms when it passed): both state machines' deadlines. */
void tb_callout_fsm_state_until(struct osmo_fsm_inst *fi, uint32_t state, uint64_t deadline_us, int T);
int tb_callout_fsm_alloc(struct tb_callout *co);
/* Put the call-out into state (a restart), with its answer deadline. */
void tb_callout_fsm_restore(struct tb_callout *co, tb_cstate state);
int tb_callout_input(struct tb_callout *co, enum tb_c_event ev, const struct tb_c_input *in);
/* (Re)arm the answer deadline at co->answer_deadline_us (in state OPEN). */
void tb_callout_arm_deadline(struct tb_callout *co);

/* bridge/callout.c: what the state machines call. */
/* A responder changed state: publish it, store the call-out, then look at
 * the call-out as a whole (staffed? on scene? escalate?). */
void tb_callout_responder_changed(struct tb_responder *r, tb_rstate old, const struct tb_r_input *in,
				  Tetrabridge__V1__CalloutChange__Kind kind);
/* A change without a state change (REALERT, IGNORED, LATE ...): publish and store. */
void tb_callout_note_change(struct tb_callout *co, struct tb_responder *r, Tetrabridge__V1__CalloutChange__Kind kind,
			    const char *cause, const char *by, uint64_t input_seq);
/* The call-out changed state. */
void tb_callout_state_changed(struct tb_callout *co, tb_cstate old, const struct tb_c_input *in);
/* Send an alert to r (the first or again). Returns 0, or -errno when it
 * could not be queued (r is then failed by the caller). */
int tb_callout_send_alert(struct tb_responder *r, char **why);
/* Tell r over the radio that it is not needed any more (a text; no
 * report asked). why: "closed", "cancelled", "not needed". */
void tb_callout_send_stand_down(struct tb_responder *r, const char *why);
/* A member of a group responder answered: it joins the call-out. */
struct tb_responder *tb_callout_join_group(struct tb_callout *co, struct tb_responder *group,
					   const struct tetra_identity *member, uint64_t input_seq);
/* Remove texts, notes and positions of call-outs closed before the
 * retention time (bridge/callout_pb.c). */
void tb_callout_retention(struct tb_callout_tracker *t, uint64_t now_us);
/* The answer deadline of the call-out's current level passed. */
void tb_callout_deadline_passed(struct tb_callout *co);
/* bridge/callout_pb.c */
Tetrabridge__V1__Identity *tb_callout_identity_pb(const struct tb_callout_tracker *t, const struct tetra_identity *id,
						  void *ctx);
void tb_callout_identity_from_pb(const Tetrabridge__V1__Identity *in, struct tetra_identity *id);
/* A stored call-out back on the board, in its states, timers running. */
struct tb_callout *tb_callout_from_pb(struct tb_callout_tracker *t, const Tetrabridge__V1__Callout *p);

/* bridge/callout.c */
const struct tb_callout_config *tb_callout_cfg(const struct tb_callout_tracker *t);
/* Closed or cancelled. */
bool tb_callout_is_closed(const struct tb_callout *co);
/* A change of kind about co, with its cause, who and the input event. */
void tb_callout_change_init(Tetrabridge__V1__CalloutChange *ch, Tetrabridge__V1__CalloutChange__Kind kind,
			    const struct tb_callout *co, const char *cause, const char *by, uint64_t input_seq);
/* Publish ch with the call-out's snapshot (made under tmp), add it to the
 * history, store the call-out. */
void tb_callout_publish(struct tb_callout *co, Tetrabridge__V1__CalloutChange *ch, void *tmp);
/* The responder id in co (NULL: not in it). */
struct tb_responder *tb_callout_find_responder(struct tb_callout *co, const struct tetra_identity *id);
/* Add id to co at level (published as RESPONDER_ADDED, not alerted yet).
 * Returns 0 or -ENOMEM. */
int tb_callout_add_responder(struct tb_callout *co, const struct tetra_identity *id, uint8_t level, const char *by,
			     struct tb_responder **out);
/* A free 8-bit call-out number, now in use (-EBUSY: none); give it back
 * when the call-out ends (free again after X22). */
int tb_callout_air_take(struct tb_callout_tracker *t, uint8_t *n);
void tb_callout_air_release(struct tb_callout *co);
/* The overdue flag's timer at on_scene_due_us. */
void tb_callout_arm_overdue(struct tb_callout *co);
/* An empty call-out with this id on the board (FSM in OPEN, no timer). */
struct tb_callout *tb_callout_new_empty(struct tb_callout_tracker *t, uint64_t id);
/* Off the board and freed (its responders too). */
void tb_callout_free(struct tb_callout *co);
/* The same party: the same SSI, and the same network when both are TSIs
 * (an SSI alone matches that SSI in any network). */
bool tb_callout_same_party(const struct tetra_identity *a, const struct tetra_identity *b);
/* Re-alerts a responder gets before no answer (config `realerts`). */
unsigned tb_callout_realerts(const struct tb_callout_tracker *t);
/* Wall-clock now, microseconds. */
uint64_t tb_callout_now_us(void);
