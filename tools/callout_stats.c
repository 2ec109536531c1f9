/* The response-time report's figures (see callout_stats.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tools/callout_stats.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const ctl_step_names[CTL_N_STEPS] = {
	"sent", "delivered", "first answer", "first accept", "en route", "on scene", "done",
};
const char *const ctl_step_keys[CTL_N_STEPS] = {
	"sent", "delivered", "first_answer", "first_accept", "en_route", "on_scene", "done",
};
const char *const ctl_count_names[CTL_N_COUNTS] = { "counted", "test", "cancelled early", "manual" };
const char *const ctl_weekday_names[7] = {
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
};

int64_t ctl_step_time(const Tetrabridge__V1__CalloutTimes *t, enum ctl_step s)
{
	if (!t)
		return -1;
	switch (s) {
	case CTL_STEP_SENT:
		return t->sent_s;
	case CTL_STEP_DELIVERED:
		return t->delivered_s;
	case CTL_STEP_ANSWER:
		return t->first_answer_s;
	case CTL_STEP_ACCEPT:
		return t->first_accept_s;
	case CTL_STEP_EN_ROUTE:
		return t->en_route_s;
	case CTL_STEP_ON_SCENE:
		return t->on_scene_s;
	case CTL_STEP_DONE:
		return t->done_s;
	default:
		return -1;
	}
}

enum ctl_count ctl_callout_count(const Tetrabridge__V1__CalloutReportRow *row)
{
	if (row->test)
		return CTL_APART_TEST;
	if (row->cancelled_early)
		return CTL_APART_CANCELLED_EARLY;
	if (row->manual)
		return CTL_APART_MANUAL;
	return CTL_COUNTED;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

int64_t ctl_percentile(int64_t *v, size_t n, unsigned p)
{
	size_t rank;

	if (!n)
		return -1;
	if (p < 1)
		p = 1;
	if (p > 100)
		p = 100;
	qsort(v, n, sizeof(*v), cmp_i64);
	rank = (p * n + 99) / 100;	/* ceil(p * n / 100), at least 1 */
	return v[rank - 1];
}

void ctl_local_hour_weekday(uint64_t created_us, int32_t utc_offset_s, int *hour, int *weekday)
{
	time_t t = (time_t)(created_us / 1000000u) + utc_offset_s;
	struct tm tm;

	if (!gmtime_r(&t, &tm)) {
		*hour = 0;
		*weekday = 0;
		return;
	}
	*hour = tm.tm_hour;
	*weekday = (tm.tm_wday + 6) % 7;	/* tm: 0 Sunday */
}

/* Whether a step came within a limit: a limit of 0 is none (the call-out
 * is not in the share's count). */
static void share_add(struct ctl_share *sh, int64_t t, uint32_t limit)
{
	if (!limit)
		return;
	sh->of++;
	if (t >= 0 && t <= (int64_t)limit)
		sh->within++;
}

typedef bool (*group_fn)(const Tetrabridge__V1__CalloutReportRow *row, int key);

/* The figures of the counted rows in group `key` (all: in_group NULL);
 * scratch holds n values. */
static void figures(const Tetrabridge__V1__CalloutReportRow *const *rows, size_t n, group_fn in_group, int key,
		    int64_t *scratch, struct ctl_figures *f)
{
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < n; i++) {
		const Tetrabridge__V1__CalloutReportRow *r = rows[i];
		if (ctl_callout_count(r) != CTL_COUNTED || (in_group && !in_group(r, key)))
			continue;
		f->n++;
		share_add(&f->answered, ctl_step_time(r->times, CTL_STEP_ANSWER), r->answer_deadline_s);
		share_add(&f->accepted, ctl_step_time(r->times, CTL_STEP_ACCEPT), r->answer_deadline_s);
		share_add(&f->on_scene, ctl_step_time(r->times, CTL_STEP_ON_SCENE), r->on_scene_target_s);
	}
	for (int s = 0; s < CTL_N_STEPS; s++) {
		size_t k = 0;
		for (size_t i = 0; i < n; i++) {
			const Tetrabridge__V1__CalloutReportRow *r = rows[i];
			int64_t t;
			if (ctl_callout_count(r) != CTL_COUNTED || (in_group && !in_group(r, key)))
				continue;
			t = ctl_step_time(r->times, (enum ctl_step)s);
			if (t >= 0)
				scratch[k++] = t;
		}
		f->reached[s] = (unsigned)k;
		f->p50[s] = ctl_percentile(scratch, k, 50);
		f->p90[s] = ctl_percentile(scratch, k, 90);
	}
}

static bool by_severity(const Tetrabridge__V1__CalloutReportRow *row, int key)
{
	int sev = row->severity >= 1 && row->severity <= 15 ? (int)row->severity : 0;

	return sev == key;
}

static bool by_hour(const Tetrabridge__V1__CalloutReportRow *row, int key)
{
	int hour, wday;

	ctl_local_hour_weekday(row->created_us, row->utc_offset_s, &hour, &wday);
	return hour == key;
}

static bool by_weekday(const Tetrabridge__V1__CalloutReportRow *row, int key)
{
	int hour, wday;

	ctl_local_hour_weekday(row->created_us, row->utc_offset_s, &hour, &wday);
	return wday == key;
}

int ctl_report_stats(const Tetrabridge__V1__CalloutReportRow *const *rows, size_t n, struct ctl_report_stats *st)
{
	int64_t *scratch = malloc((n ? n : 1) * sizeof(*scratch));

	memset(st, 0, sizeof(*st));
	if (!scratch)
		return -ENOMEM;
	st->total = (unsigned)n;
	for (size_t i = 0; i < n; i++)
		st->count[ctl_callout_count(rows[i])]++;
	figures(rows, n, NULL, 0, scratch, &st->all);
	for (int k = 0; k < 16; k++)
		figures(rows, n, by_severity, k, scratch, &st->severity[k]);
	for (int k = 0; k < 24; k++)
		figures(rows, n, by_hour, k, scratch, &st->hour[k]);
	for (int k = 0; k < 7; k++)
		figures(rows, n, by_weekday, k, scratch, &st->weekday[k]);
	free(scratch);
	return 0;
}
