/* The response-time report's figures, from the rows the bridge gives
 * (CalloutReportRow): shares within the deadline and the target, p50 and
 * p90 of each time, for all counted call-outs and by severity, local hour
 * of day and weekday. Pure: no I/O, no clock, no time zone (the rows carry
 * their offset).
 *
 * The rule (CTL_CALLOUT_RULE says it for people, under every report):
 *   - counted apart, each under the first that applies: test call-outs;
 *     call-outs cancelled before anybody accepted; manual ones (a
 *     responder's state set by hand, or created with override). All the
 *     others are counted, and only they make the figures.
 *   - answered / accepted within the deadline: the call-out's first answer
 *     / first accept came at most answer_deadline_s after its creation;
 *     of the counted call-outs whose severity has a deadline. Never
 *     answered is not within.
 *   - on scene within the target: likewise with on_scene_target_s, of the
 *     counted call-outs whose severity has a target.
 *   - p50 / p90: nearest rank (the smallest time at least that share of
 *     them reached it by), over the counted call-outs that reached the step.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ipc/tetra_bridge.pb-c.h"

enum ctl_step {
	CTL_STEP_SENT,
	CTL_STEP_DELIVERED,
	CTL_STEP_ANSWER,
	CTL_STEP_ACCEPT,
	CTL_STEP_EN_ROUTE,
	CTL_STEP_ON_SCENE,
	CTL_STEP_DONE,
	CTL_N_STEPS,
};

/* "sent", "delivered", "first answer", "first accept", "en route",
 * "on scene", "done". */
extern const char *const ctl_step_names[CTL_N_STEPS];
/* The same as JSON keys: "sent" ... "first_answer" ... "done". */
extern const char *const ctl_step_keys[CTL_N_STEPS];

/* A step's time (s after creation; -1: never; also when t is NULL). */
int64_t ctl_step_time(const Tetrabridge__V1__CalloutTimes *t, enum ctl_step s);

/* How a call-out counts: in the figures, or apart and why. */
enum ctl_count {
	CTL_COUNTED,
	CTL_APART_TEST,
	CTL_APART_CANCELLED_EARLY,
	CTL_APART_MANUAL,
	CTL_N_COUNTS,
};
enum ctl_count ctl_callout_count(const Tetrabridge__V1__CalloutReportRow *row);
/* "counted", "test", "cancelled early", "manual". */
extern const char *const ctl_count_names[CTL_N_COUNTS];

struct ctl_share {
	unsigned within;
	unsigned of;		/* 0: no call-out had a deadline / target */
};

struct ctl_figures {
	unsigned n;				/* counted call-outs in the group */
	struct ctl_share answered;		/* first answer within the deadline */
	struct ctl_share accepted;		/* first accept within the deadline */
	struct ctl_share on_scene;		/* on scene within the target */
	unsigned reached[CTL_N_STEPS];		/* call-outs that reached the step */
	int64_t p50[CTL_N_STEPS], p90[CTL_N_STEPS];	/* -1: none reached it */
};

struct ctl_report_stats {
	unsigned total;				/* rows */
	unsigned count[CTL_N_COUNTS];		/* rows by how they count */
	struct ctl_figures all;
	struct ctl_figures severity[16];	/* [1..15]; [0]: a severity outside 1-15 */
	struct ctl_figures hour[24];		/* local hour of the creation */
	struct ctl_figures weekday[7];		/* local weekday: [0] Monday .. [6] Sunday */
};

/* Figures of n rows into *st. Returns 0 or -ENOMEM. */
int ctl_report_stats(const Tetrabridge__V1__CalloutReportRow *const *rows, size_t n, struct ctl_report_stats *st);

/* The p-th percentile (1-100) of n values by nearest rank: the
 * ceil(p * n / 100)-th smallest; -1 when n is 0. Sorts v. */
int64_t ctl_percentile(int64_t *v, size_t n, unsigned p);

/* The local hour (0-23) and weekday (0 Monday .. 6 Sunday) of a creation
 * time with the offset the bridge gave. */
void ctl_local_hour_weekday(uint64_t created_us, int32_t utc_offset_s, int *hour, int *weekday);

/* "Monday" ... "Sunday" for 0-6. */
extern const char *const ctl_weekday_names[7];

/* The rule, for people, in lines of at most 78 characters. */
#define CTL_CALLOUT_RULE \
	"Counted apart, each under the first that applies: test call-outs; call-outs\n" \
	"cancelled before anybody accepted; manual call-outs (a responder's state set\n" \
	"by hand, or created with override). Only the other call-outs make the figures.\n" \
	"Answered / accepted within the deadline: the call-out's first answer / first\n" \
	"accept came at most its severity's answer deadline after it was created (the\n" \
	"deadline as configured now); on scene within the target likewise. A call-out\n" \
	"that never reached the step is not within. p50 / p90: nearest rank over the\n" \
	"call-outs that reached the step. A step skipped (on scene with no en route)\n" \
	"counts at the later step's time. Hour and weekday: the bridge's local time.\n"
