/* The response-time report: one CalloutReportRow per call-out, computed
 * from its stored snapshot and its history (bridge/callout_store.h), never
 * from the live tracker, so a report gives the same rows before and after
 * a restart.
 *
 * Times are whole seconds from the call-out's creation (rounded down; -1:
 * never), per responder its own, per call-out the first responder's to
 * reach each step. A responder's steps are ordered: sent -> delivered
 * (radio reports) and answered -> accepted -> en route -> on scene -> done
 * (answers). A step that was skipped (an "on scene" status with no
 * "en route" before it) counts as reached when a later one was, at that
 * later time: the time is an upper bound, never an invention of a faster
 * one. Sent and delivered count only what the radio reported (delivered
 * or read implies sent); an answer implies neither.
 *
 *   answer:  accepted, standby, declined, or any later step
 *   accept:  accepted, en route, on scene, handed over, done
 *
 * Flags: test (created as a test), cancelled_early (cancelled while
 * nobody had accepted), manual (a responder's state set by hand, or
 * created with override). answer_deadline_s / on_scene_target_s are the
 * config's at report time; utc_offset_s is the local time zone's offset at
 * the creation (the hour of day and weekday a reader groups by).
 *
 * Pure but for the local time zone (tb_callout_utc_offset()): the caller
 * reads the store, the config and the pseudonym key.
 *
 * Health data: a row never holds the call-out's text, notes, causes or
 * positions; responders are pseudonyms (bridge/pseudonym.h) unless names
 * were asked (admin).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "bridge/pseudonym.h"
#include "ipc/tetra_bridge.pb-c.h"

struct tb_callout_report_params {
	const char *severity_name;	/* the config's now; NULL or "": the snapshot's */
	uint32_t answer_deadline_s;	/* the severity's, from the config */
	uint32_t on_scene_target_s;	/* 0: none */
	bool names;			/* responders by name (admin); else pseudonyms */
	const uint8_t *key;		/* TB_PSEUDONYM_KEY_LEN bytes; needed unless names */
};

struct tb_callout_report_build;

/* Start the row of one call-out from its snapshot. The row copies what it
 * keeps: snap may be freed after this call. Ownership: the builder is a
 * talloc child of ctx until tb_callout_report_end() frees it. */
struct tb_callout_report_build *tb_callout_report_begin(void *ctx, const Tetrabridge__V1__Callout *snap,
							const struct tb_callout_report_params *p);

/* One line of the call-out's history, oldest first (time_us: when the
 * change happened). Lines about other call-outs are ignored. */
void tb_callout_report_history(struct tb_callout_report_build *b, uint64_t time_us,
			       const Tetrabridge__V1__CalloutChange *ch);

/* The row, complete, a talloc child of the ctx given to begin; frees the
 * builder (b may be NULL: a begin that failed). NULL when memory ran out. */
Tetrabridge__V1__CalloutReportRow *tb_callout_report_end(struct tb_callout_report_build *b);

/* Whether a change's `by` is a person's command ("<role>:<key name>")
 * rather than the radio's or a timer's. */
bool tb_callout_by_hand(const char *by);

/* The local time zone's offset from UTC (s, east positive) at us. */
int32_t tb_callout_utc_offset(uint64_t us);
