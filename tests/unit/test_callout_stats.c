/* tools/callout_stats.c: the figures of tetractl's response-time report.
 *
 * Nearest-rank percentiles worked by hand; shares within the deadline and
 * the target (never answered is not within; no deadline is not counted);
 * test, cancelled-early and manual call-outs counted apart (each once,
 * under the first that applies) and kept out of every figure; grouping by
 * severity, local hour and weekday from the offset each row carries.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <talloc.h>

#include "tools/callout_stats.h"

/* 2024-05-06 (a Monday) 00:00:00 UTC */
#define MON0 1714953600ull
#define H(x) ((uint64_t)(x) * 3600u)

static int64_t pct(const int64_t *in, size_t n, unsigned p)
{
	int64_t v[32];

	if (n)
		memcpy(v, in, n * sizeof(*v));
	return ctl_percentile(v, n, p);
}

static void test_percentile_nearest_rank(void **state)
{
	const int64_t ten[] = { 100, 10, 90, 20, 80, 30, 70, 40, 60, 50 };
	const int64_t one[] = { 7 };
	const int64_t four[] = { 4, 1, 3, 2 };

	assert_int_equal(pct(ten, 10, 50), 50);		/* rank 5 */
	assert_int_equal(pct(ten, 10, 90), 90);		/* rank 9 */
	assert_int_equal(pct(ten, 10, 91), 100);	/* rank ceil(9.1) = 10 */
	assert_int_equal(pct(ten, 10, 100), 100);
	assert_int_equal(pct(ten, 10, 1), 10);
	assert_int_equal(pct(one, 1, 50), 7);
	assert_int_equal(pct(one, 1, 90), 7);
	assert_int_equal(pct(four, 4, 50), 2);		/* rank 2, not the mean 2.5 */
	assert_int_equal(pct(four, 4, 90), 4);		/* rank ceil(3.6) = 4 */
	assert_int_equal(pct(four, 3, 50), 3);		/* {4,1,3}: rank 2 */
	assert_int_equal(pct(NULL, 0, 50), -1);
}

static void test_local_hour_weekday(void **state)
{
	int h, w;

	ctl_local_hour_weekday(MON0 * 1000000u, 0, &h, &w);
	assert_int_equal(h, 0);
	assert_int_equal(w, 0);
	assert_string_equal(ctl_weekday_names[w], "Monday");
	/* 23:30 UTC on Monday is 01:30 on Tuesday at +2 h */
	ctl_local_hour_weekday((MON0 + H(23) + 1800) * 1000000u, 7200, &h, &w);
	assert_int_equal(h, 1);
	assert_int_equal(w, 1);
	/* 00:30 UTC Monday is Sunday 20:30 at -4 h */
	ctl_local_hour_weekday((MON0 + 1800) * 1000000u, -4 * 3600, &h, &w);
	assert_int_equal(h, 20);
	assert_int_equal(w, 6);
}

struct rows {
	void *ctx;
	Tetrabridge__V1__CalloutReportRow *r[64];
	size_t n;
};

/* A row: created at MON0 + at_s (UTC, offset 0 unless changed), times as
 * given (answer, accept, on scene; the others from them). */
static Tetrabridge__V1__CalloutReportRow *row(struct rows *rs, unsigned sev, uint64_t at_s, int64_t answer,
					     int64_t accept, int64_t on_scene)
{
	Tetrabridge__V1__CalloutReportRow *r = talloc_zero(rs->ctx, Tetrabridge__V1__CalloutReportRow);
	Tetrabridge__V1__CalloutTimes *t = talloc_zero(rs->ctx, Tetrabridge__V1__CalloutTimes);

	tetrabridge__v1__callout_report_row__init(r);
	tetrabridge__v1__callout_times__init(t);
	r->id = rs->n + 1;
	r->severity = sev;
	r->created_us = (MON0 + at_s) * 1000000u;
	r->answer_deadline_s = 120;
	r->on_scene_target_s = 1200;
	t->sent_s = answer >= 0 ? 2 : 3;
	t->delivered_s = -1;
	t->first_answer_s = answer;
	t->first_accept_s = accept;
	t->en_route_s = accept >= 0 ? accept + 10 : -1;
	t->on_scene_s = on_scene;
	t->done_s = -1;
	r->times = t;
	rs->r[rs->n++] = r;
	return r;
}

static void test_shares_and_rule(void **state)
{
	struct rows rs = { .ctx = talloc_new(NULL) };
	struct ctl_report_stats st;

	/* counted: four */
	row(&rs, 1, H(8), 30, 40, 600);		/* all within */
	row(&rs, 1, H(8), 120, 200, 1300);	/* answered at the deadline exactly: within; accept late */
	row(&rs, 1, H(9), -1, -1, -1);		/* never answered: not within */
	row(&rs, 2, H(9), 60, 60, 1200)->on_scene_target_s = 0;	/* no on-scene target */
	/* apart, and out of every figure whatever their times */
	row(&rs, 1, H(8), 1, 1, 1)->test = true;
	row(&rs, 1, H(8), 1, -1, -1)->cancelled_early = true;
	row(&rs, 1, H(8), 1, 1, 1)->manual = true;
	/* test and manual: counted apart once, as test */
	Tetrabridge__V1__CalloutReportRow *both = row(&rs, 1, H(8), 1, 1, 1);
	both->test = true;
	both->manual = true;
	both->cancelled_early = true;

	assert_int_equal(ctl_report_stats((const Tetrabridge__V1__CalloutReportRow *const *)rs.r, rs.n, &st), 0);
	assert_int_equal(st.total, 8);
	assert_int_equal(st.count[CTL_COUNTED], 4);
	assert_int_equal(st.count[CTL_APART_TEST], 2);
	assert_int_equal(st.count[CTL_APART_CANCELLED_EARLY], 1);
	assert_int_equal(st.count[CTL_APART_MANUAL], 1);

	assert_int_equal(st.all.n, 4);
	assert_int_equal(st.all.answered.within, 3);
	assert_int_equal(st.all.answered.of, 4);
	assert_int_equal(st.all.accepted.within, 2);
	assert_int_equal(st.all.accepted.of, 4);
	assert_int_equal(st.all.on_scene.within, 1);	/* 600; 1300 is late; -1 never */
	assert_int_equal(st.all.on_scene.of, 3);	/* one has no target */

	/* answers 30, 60, 120 reached (one never): p50 rank 2 = 60, p90 rank 3 = 120 */
	assert_int_equal(st.all.reached[CTL_STEP_ANSWER], 3);
	assert_int_equal(st.all.p50[CTL_STEP_ANSWER], 60);
	assert_int_equal(st.all.p90[CTL_STEP_ANSWER], 120);
	/* sent: 2, 2, 3, 2 */
	assert_int_equal(st.all.reached[CTL_STEP_SENT], 4);
	assert_int_equal(st.all.p50[CTL_STEP_SENT], 2);
	assert_int_equal(st.all.p90[CTL_STEP_SENT], 3);
	/* nobody delivered or done */
	assert_int_equal(st.all.reached[CTL_STEP_DELIVERED], 0);
	assert_int_equal(st.all.p50[CTL_STEP_DELIVERED], -1);
	assert_int_equal(st.all.p90[CTL_STEP_DONE], -1);

	assert_int_equal(ctl_callout_count(rs.r[4]), CTL_APART_TEST);
	assert_int_equal(ctl_callout_count(rs.r[5]), CTL_APART_CANCELLED_EARLY);
	assert_int_equal(ctl_callout_count(rs.r[6]), CTL_APART_MANUAL);
	assert_int_equal(ctl_callout_count(rs.r[0]), CTL_COUNTED);
	assert_string_equal(ctl_count_names[CTL_APART_CANCELLED_EARLY], "cancelled early");
	talloc_free(rs.ctx);
}

static void test_grouping(void **state)
{
	struct rows rs = { .ctx = talloc_new(NULL) };
	struct ctl_report_stats st;

	row(&rs, 1, H(8), 30, 30, 600);			/* Monday 08 */
	row(&rs, 1, H(8) + 3599, 200, 200, 600);	/* Monday 08:59:59 */
	row(&rs, 3, H(24 + 22), 10, 10, 100);		/* Tuesday 22 */
	/* Sunday 23:30 UTC, Monday 01:30 at +2 h: grouped by local time */
	row(&rs, 3, H(6 * 24 + 23) + 1800, 50, 50, 100)->utc_offset_s = 7200;
	row(&rs, 16, H(10), 10, 10, 10);		/* outside 1-15: group 0 */
	row(&rs, 3, H(8), 1, 1, 1)->test = true;	/* apart: in no group */

	assert_int_equal(ctl_report_stats((const Tetrabridge__V1__CalloutReportRow *const *)rs.r, rs.n, &st), 0);
	assert_int_equal(st.all.n, 5);
	assert_int_equal(st.severity[1].n, 2);
	assert_int_equal(st.severity[1].answered.within, 1);
	assert_int_equal(st.severity[1].answered.of, 2);
	assert_int_equal(st.severity[1].p50[CTL_STEP_ANSWER], 30);
	assert_int_equal(st.severity[1].p90[CTL_STEP_ANSWER], 200);
	assert_int_equal(st.severity[3].n, 2);
	assert_int_equal(st.severity[3].answered.within, 2);
	assert_int_equal(st.severity[2].n, 0);
	assert_int_equal(st.severity[2].p50[CTL_STEP_ANSWER], -1);
	assert_int_equal(st.severity[0].n, 1);

	assert_int_equal(st.hour[8].n, 2);
	assert_int_equal(st.hour[22].n, 1);
	assert_int_equal(st.hour[1].n, 1);
	assert_int_equal(st.hour[23].n, 0);
	assert_int_equal(st.hour[10].n, 1);
	assert_int_equal(st.weekday[0].n, 4);	/* Monday: 08, 08, 01:30 local, 10 */
	assert_int_equal(st.weekday[1].n, 1);	/* Tuesday */
	assert_int_equal(st.weekday[6].n, 0);	/* the Sunday one is Monday locally */

	unsigned sum = 0;
	for (int h = 0; h < 24; h++)
		sum += st.hour[h].n;
	assert_int_equal(sum, st.all.n);
	talloc_free(rs.ctx);
}

static void test_empty(void **state)
{
	struct ctl_report_stats st;

	assert_int_equal(ctl_report_stats(NULL, 0, &st), 0);
	assert_int_equal(st.total, 0);
	assert_int_equal(st.all.n, 0);
	assert_int_equal(st.all.answered.of, 0);
	for (int s = 0; s < CTL_N_STEPS; s++)
		assert_int_equal(st.all.p50[s], -1);
	assert_int_equal(ctl_step_time(NULL, CTL_STEP_ANSWER), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentile_nearest_rank),
		cmocka_unit_test(test_local_hour_weekday),
		cmocka_unit_test(test_shares_and_rule),
		cmocka_unit_test(test_grouping),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
