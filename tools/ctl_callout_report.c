/* tetractl callout report: response times over a period, per call-out and
 * summed up (tools/callout_stats.h), readable, as CSV or as JSON; the rule
 * of what counts printed with every form but CSV (whose `counted` column
 * says it per call-out).
 *
 * The bridge gives one row per call-out in pages; all are fetched. Rows
 * never hold the call-out's text; responders are pseudonyms ("R-3f9a1c")
 * unless an admin key asks with --names.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "ipc/pb_json.h"
#include "tools/callout_names.h"
#include "tools/callout_stats.h"
#include "tools/ctl_callout.h"
#include "tools/ctl_dates.h"

enum {
	OPT_SINCE = CTL_OPT_FIRST_FREE,
	OPT_UNTIL,
	OPT_CSV,
	OPT_NAMES,
	OPT_RESPONDERS,
};

/* Pages fetched at most (each up to 500 rows): a bound on what one report
 * holds in memory. */
#define REPORT_MAX_PAGES 1000

static void usage_report(FILE *out)
{
	fprintf(out,
		"Usage: %s callout report --since DATE [--until DATE] [--json|--csv]\n"
		"                        [--names] [--responders] [options]\n"
		"\n"
		"Response times of the call-outs created in [--since, --until): per\n"
		"call-out the time from its creation to the alert being sent, delivered,\n"
		"the first answer, the first accept, en route, on scene and done (the\n"
		"first responder to reach each); then the share answered and accepted\n"
		"within the severity's answer deadline and on scene within its target,\n"
		"with p50 and p90 of each time, for all counted call-outs and by severity,\n"
		"hour of day and weekday (the bridge's local time). The rule of what\n"
		"counts is printed under the figures. Times print as m:ss (h:mm:ss).\n"
		"\n"
		"The call-out's text is never in a report. Responders are pseudonyms\n"
		"(\"R-\" and 6 hex digits, the same in every report of this bridge) unless\n"
		"--names is given by an admin key.\n"
		"\n"
		"DATE is local time unless it says its offset: 2024-05-01 (as --until: the\n"
		"whole day), 2024-05-01T08:00, 2024-05-01 08:00:30, 2024-05-01T06:00Z,\n"
		"2024-05-01T08:00+02:00.\n"
		"\n"
		"      --since DATE      the first call-outs to count (required)\n"
		"      --until DATE      created before this (default: now)\n"
		"  -j, --json            one JSON object: the period, the rule, the rows\n"
		"                        (CalloutReportRow, proto3 JSON) and the figures\n"
		"      --csv             one line per call-out (or per responder with\n"
		"                        --responders), times in seconds, -1 for never;\n"
		"                        the column `counted` says whether it makes the\n"
		"                        figures or why not\n"
		"      --names           responders by name and number (admin keys only)\n"
		"      --responders      also one line per responder and its own times\n"
		CTL_REQUEST_HELP
		"\n"
		"Example: %s callout report --since 2024-05-01 --until 2024-05-31\n"
		"\n"
		"Exit status: 0 ok, 1 refused (NOT_ALLOWED: --names without an admin key)\n"
		"or no reply, 64 usage error.\n",
		ctl_progname, ctl_progname);
}

struct report_opts {
	struct ctl_callout_opts o;
	uint64_t since, until;
	bool have_since, csv, names, responders;
};

/* A time in seconds as m:ss or h:mm:ss; "-" for never. */
static const char *fmt_s(int64_t s, char *buf, size_t len)
{
	if (s < 0)
		snprintf(buf, len, "-");
	else if (s < 3600)
		snprintf(buf, len, "%" PRId64 ":%02" PRId64, s / 60, s % 60);
	else
		snprintf(buf, len, "%" PRId64 ":%02" PRId64 ":%02" PRId64, s / 3600, s / 60 % 60, s % 60);
	return buf;
}

/* Local date and time of a row's creation, with the offset the bridge gave. */
static const char *fmt_local(const Tetrabridge__V1__CalloutReportRow *r, char *buf, size_t len)
{
	time_t t = (time_t)(r->created_us / 1000000u) + r->utc_offset_s;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M", &tm))
		snprintf(buf, len, "?");
	return buf;
}

static const char *fmt_period(uint64_t us, char *buf, size_t len)
{
	time_t t = (time_t)(us / 1000000u);
	struct tm tm;

	if (!localtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S %z", &tm))
		snprintf(buf, len, "?");
	return buf;
}

static const char *flags_of(const Tetrabridge__V1__CalloutReportRow *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", r->test ? "test " : "", r->cancelled_early ? "cancelled-early " : "",
		 r->manual ? "manual " : "", r->escalated ? "escalated " : "");
	if (buf[0])
		buf[strlen(buf) - 1] = '\0';
	return buf;
}

/* ---- readable --------------------------------------------------------------- */

static void print_share(const char *what, const struct ctl_share *sh)
{
	if (sh->of)
		printf("  %-34s %5u of %-5u %5.1f %%\n", what, sh->within, sh->of, 100.0 * sh->within / sh->of);
	else
		printf("  %-34s (no call-out had one)\n", what);
}

static void print_figures(const struct ctl_figures *f)
{
	char a[24], b[24];

	print_share("answered within the deadline", &f->answered);
	print_share("accepted within the deadline", &f->accepted);
	print_share("on scene within the target", &f->on_scene);
	printf("  %-14s %8s %9s %9s\n", "STEP", "REACHED", "P50", "P90");
	for (int s = 0; s < CTL_N_STEPS; s++)
		printf("  %-14s %8u %9s %9s\n", ctl_step_names[s], f->reached[s], fmt_s(f->p50[s], a, sizeof(a)),
		       fmt_s(f->p90[s], b, sizeof(b)));
}

/* One group on two lines: its shares, then p50/p90 of every step. */
static void print_group(const char *name, const struct ctl_figures *f)
{
	char a[24], b[24];

	if (!f->n)
		return;
	fputs("  ", stdout);
	ctl_print_col(stdout, name, 12);
	printf(" %4u call-out%s; answered in time ", f->n, f->n == 1 ? "" : "s");
	if (f->answered.of)
		printf("%u/%u", f->answered.within, f->answered.of);
	else
		printf("-");
	printf(", accepted in time ");
	if (f->accepted.of)
		printf("%u/%u", f->accepted.within, f->accepted.of);
	else
		printf("-");
	printf(", on scene in time ");
	if (f->on_scene.of)
		printf("%u/%u\n", f->on_scene.within, f->on_scene.of);
	else
		printf("-\n");
	printf("  %-12s p50/p90:", "");
	for (int s = 0; s < CTL_N_STEPS; s++)
		printf(" %s %s/%s", ctl_step_keys[s], fmt_s(f->p50[s], a, sizeof(a)), fmt_s(f->p90[s], b, sizeof(b)));
	putchar('\n');
}

/* The severity's name as the rows give it (the first row that has one). */
static const char *severity_name(const Tetrabridge__V1__CalloutReportRow *const *rows, size_t n, unsigned sev)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i]->severity == sev && rows[i]->severity_name && rows[i]->severity_name[0])
			return rows[i]->severity_name;
	return "";
}

static void print_readable(const struct report_opts *ro, const Tetrabridge__V1__CalloutReportRow *const *rows,
			   size_t n, const struct ctl_report_stats *st)
{
	char a[40], b[40], t[CTL_N_STEPS][24], flags[64];

	printf("Call-outs created from %s until %s: %zu\n\n", fmt_period(ro->since, a, sizeof(a)),
	       fmt_period(ro->until, b, sizeof(b)), n);
	printf("%-8s %-16s %-14s %-10s %-19s %7s %7s %7s %7s %8s %8s %8s  %s\n", "ID", "CREATED", "SEVERITY", "STATE",
	       "OUTCOME", "SENT", "DELIV", "ANSWER", "ACCEPT", "EN ROUTE", "ON SCENE", "DONE", "COUNTED");
	for (size_t i = 0; i < n; i++) {
		const Tetrabridge__V1__CalloutReportRow *r = rows[i];
		char sev[48], counted[80];

		snprintf(sev, sizeof(sev), "%u %s", r->severity, r->severity_name ? r->severity_name : "");
		for (int s = 0; s < CTL_N_STEPS; s++)
			fmt_s(ctl_step_time(r->times, (enum ctl_step)s), t[s], sizeof(t[s]));
		flags_of(r, flags, sizeof(flags));
		snprintf(counted, sizeof(counted), "%s%s%s", ctl_callout_count(r) == CTL_COUNTED ? "yes" : "no: ",
			 ctl_callout_count(r) == CTL_COUNTED ? "" : ctl_count_names[ctl_callout_count(r)],
			 r->escalated ? " (escalated)" : "");
		printf("%-8" PRIu64 " %-16s ", r->id, fmt_local(r, a, sizeof(a)));
		ctl_print_col(stdout, sev, 14);
		printf(" %-10s %-19s %7s %7s %7s %7s %8s %8s %8s  %s\n", ctl_cstate_name(r->state),
		       ctl_outcome_name(r->outcome), t[0], t[1], t[2], t[3], t[4], t[5], t[6], counted);
		for (size_t k = 0; ro->responders && k < r->n_responders; k++) {
			const Tetrabridge__V1__CalloutReportRow__ResponderRow *rr = r->responders[k];
			char st_name[48];
			for (int s = 0; s < CTL_N_STEPS; s++)
				fmt_s(ctl_step_time(rr->times, (enum ctl_step)s), t[s], sizeof(t[s]));
			snprintf(st_name, sizeof(st_name), "%s%s", ctl_rstate_name(rr->state), rr->late ? " (late)" : "");
			/* under the call-out's columns: who up to its outcome, then the times */
			fputs("  ", stdout);
			ctl_print_col(stdout, rr->who ? rr->who : "", 49);
			printf(" %-19s %7s %7s %7s %7s %8s %8s %8s\n", st_name, t[0], t[1], t[2], t[3], t[4], t[5],
			       t[6]);
		}
	}
	printf("\nCounted: %u of %u call-outs. Apart: %u test, %u cancelled early, %u manual.\n",
	       st->count[CTL_COUNTED], st->total, st->count[CTL_APART_TEST], st->count[CTL_APART_CANCELLED_EARLY],
	       st->count[CTL_APART_MANUAL]);
	printf("\nAll counted call-outs (%u):\n", st->all.n);
	print_figures(&st->all);
	printf("\nBy severity:\n");
	for (unsigned s = 0; s < 16; s++) {
		char name[64];
		if (s == 0)
			snprintf(name, sizeof(name), "other");
		else
			snprintf(name, sizeof(name), "%u %s", s, severity_name(rows, n, s));
		print_group(name, &st->severity[s]);
	}
	printf("\nBy hour of day:\n");
	for (int h = 0; h < 24; h++) {
		char name[16];
		snprintf(name, sizeof(name), "%02d:00", h);
		print_group(name, &st->hour[h]);
	}
	printf("\nBy weekday:\n");
	for (int d = 0; d < 7; d++)
		print_group(ctl_weekday_names[d], &st->weekday[d]);
	printf("\nThe rule:\n%s", CTL_CALLOUT_RULE);
}

/* ---- CSV ------------------------------------------------------------------- */

/* A CSV field: quoted when it holds a comma, a quote or a line end. */
static void csv_field(const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static void csv_times(const Tetrabridge__V1__CalloutTimes *t)
{
	for (int s = 0; s < CTL_N_STEPS; s++)
		printf(",%" PRId64, ctl_step_time(t, (enum ctl_step)s));
}

static void print_csv(const struct report_opts *ro, const Tetrabridge__V1__CalloutReportRow *const *rows, size_t n)
{
	char when[40];

	if (ro->responders)
		printf("callout_id,who,state,late");
	else
		printf("id,created_local,utc_offset_s,severity,severity_name,state,outcome,counted,test,cancelled_early,"
		       "manual,escalated,answer_deadline_s,on_scene_target_s");
	for (int s = 0; s < CTL_N_STEPS; s++)
		printf(",%s_s", ctl_step_keys[s]);
	printf("%s\n", ro->responders ? "" : ",responders");
	for (size_t i = 0; i < n; i++) {
		const Tetrabridge__V1__CalloutReportRow *r = rows[i];

		if (ro->responders) {
			for (size_t k = 0; k < r->n_responders; k++) {
				printf("%" PRIu64 ",", r->id);
				csv_field(r->responders[k]->who ? r->responders[k]->who : "");
				printf(",");
				csv_field(ctl_rstate_name(r->responders[k]->state));
				printf(",%d", r->responders[k]->late ? 1 : 0);
				csv_times(r->responders[k]->times);
				putchar('\n');
			}
			continue;
		}
		printf("%" PRIu64 ",%s,%d,%u,", r->id, fmt_local(r, when, sizeof(when)), r->utc_offset_s, r->severity);
		csv_field(r->severity_name ? r->severity_name : "");
		printf(",");
		csv_field(ctl_cstate_name(r->state));
		printf(",");
		csv_field(ctl_outcome_name(r->outcome));
		printf(",");
		csv_field(ctl_count_names[ctl_callout_count(r)]);
		printf(",%d,%d,%d,%d,%u,%u", r->test, r->cancelled_early, r->manual, r->escalated, r->answer_deadline_s,
		       r->on_scene_target_s);
		csv_times(r->times);
		printf(",%zu\n", r->n_responders);
	}
}

/* ---- JSON ------------------------------------------------------------------ */

static json_t *share_json(const struct ctl_share *sh)
{
	return json_pack("{s:i,s:i,s:o}", "within", (json_int_t)sh->within, "of", (json_int_t)sh->of, "share",
			 sh->of ? json_real((double)sh->within / sh->of) : json_null());
}

static json_t *figures_json(const struct ctl_figures *f)
{
	json_t *steps = json_object();

	for (int s = 0; s < CTL_N_STEPS; s++)
		json_object_set_new(steps, ctl_step_keys[s],
				    json_pack("{s:i,s:o,s:o}", "reached", (json_int_t)f->reached[s], "p50_s",
					      f->p50[s] < 0 ? json_null() : json_integer(f->p50[s]), "p90_s",
					      f->p90[s] < 0 ? json_null() : json_integer(f->p90[s])));
	return json_pack("{s:i,s:o,s:o,s:o,s:o}", "callouts", (json_int_t)f->n, "answered_within_deadline",
			 share_json(&f->answered), "accepted_within_deadline", share_json(&f->accepted),
			 "on_scene_within_target", share_json(&f->on_scene), "steps", steps);
}

static int print_json(const struct report_opts *ro, const Tetrabridge__V1__CalloutReportRow *const *rows, size_t n,
		      const struct ctl_report_stats *st)
{
	json_t *j = json_object(), *jrows = json_array(), *sev = json_array(), *hour = json_array(),
	       *wday = json_array();
	char since[32], until[32];
	char *s;

	snprintf(since, sizeof(since), "%" PRIu64, ro->since);
	snprintf(until, sizeof(until), "%" PRIu64, ro->until);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(jrows, tb_pb_to_json(&rows[i]->base));
	for (unsigned k = 1; k < 16; k++) {
		json_t *g;
		if (!st->severity[k].n)
			continue;
		g = figures_json(&st->severity[k]);
		json_object_set_new(g, "severity", json_integer(k));
		json_object_set_new(g, "severity_name", json_string(severity_name(rows, n, k)));
		json_array_append_new(sev, g);
	}
	for (int k = 0; k < 24; k++) {
		json_t *g;
		if (!st->hour[k].n)
			continue;
		g = figures_json(&st->hour[k]);
		json_object_set_new(g, "hour", json_integer(k));
		json_array_append_new(hour, g);
	}
	for (int k = 0; k < 7; k++) {
		json_t *g;
		if (!st->weekday[k].n)
			continue;
		g = figures_json(&st->weekday[k]);
		json_object_set_new(g, "weekday", json_string(ctl_weekday_names[k]));
		json_array_append_new(wday, g);
	}
	json_object_set_new(j, "sinceUs", json_string(since));
	json_object_set_new(j, "untilUs", json_string(until));
	json_object_set_new(j, "rows", jrows);
	json_object_set_new(j, "counted", json_integer(st->count[CTL_COUNTED]));
	json_object_set_new(j, "apart",
			    json_pack("{s:i,s:i,s:i}", "test", (json_int_t)st->count[CTL_APART_TEST], "cancelled_early",
				      (json_int_t)st->count[CTL_APART_CANCELLED_EARLY], "manual",
				      (json_int_t)st->count[CTL_APART_MANUAL]));
	json_object_set_new(j, "figures",
			    json_pack("{s:o,s:o,s:o,s:o}", "all", figures_json(&st->all), "by_severity", sev, "by_hour",
				      hour, "by_weekday", wday));
	json_object_set_new(j, "rule", json_string(CTL_CALLOUT_RULE));
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!s) {
		fprintf(stderr, "%s: out of memory formatting JSON\n", ctl_progname);
		return EXIT_FAILURE;
	}
	printf("%s\n", s);
	free(s);
	return EXIT_SUCCESS;
}

/* ---- the subcommand --------------------------------------------------------- */

static int report_args(const char *cmd, int argc, char **argv, struct report_opts *ro)
{
	static const struct option long_opts[] = {
		CTL_CONN_LONG_OPTS,
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "names", no_argument, NULL, OPT_NAMES },
		{ "responders", no_argument, NULL, OPT_RESPONDERS },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jT:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage_report(stdout);
			return -1;
		case 'j':
			ro->o.json = true;
			break;
		case OPT_CSV:
			ro->csv = true;
			break;
		case OPT_NAMES:
			ro->names = true;
			break;
		case OPT_RESPONDERS:
			ro->responders = true;
			break;
		case OPT_SINCE:
		case OPT_UNTIL:
			if (!ctl_parse_date(optarg, c == OPT_UNTIL, c == OPT_SINCE ? &ro->since : &ro->until))
				return ctl_usage_error(cmd, "--%s wants a date such as 2024-05-01 or "
						       "2024-05-01T08:00 (local time), not \"%s\"",
						       c == OPT_SINCE ? "since" : "until", optarg);
			ro->have_since |= c == OPT_SINCE;
			break;
		default:
			if ((rc = ctl_conn_opt_or_error(&ro->o.conn, cmd, c, argv)) != 1)
				return rc;
			break;
		}
	}
	if ((rc = ctl_no_more_args(cmd, argc, argv)))
		return rc;
	if (!ro->have_since)
		return ctl_usage_error(cmd, "from when? --since DATE is missing (e.g. --since 2024-05-01)");
	if (ro->o.json && ro->csv)
		return ctl_usage_error(cmd, "--json or --csv, not both");
	if (!ro->until) {
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		ro->until = (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000u + 1;
	}
	if (ro->since >= ro->until)
		return ctl_usage_error(cmd, "--since must be before --until");
	return 0;
}

int ctl_callout_report(int argc, char **argv)
{
	static const char cmd[] = "callout report";
	struct report_opts ro = { 0 };
	struct ctl_client cl = CTL_CLIENT_INIT;
	Tetrabridge__V1__Reply **pages = NULL;
	const Tetrabridge__V1__CalloutReportRow **rows = NULL;
	struct ctl_report_stats st;
	unsigned n_pages = 0;
	size_t n = 0, cap = 0;
	uint64_t after = 0;
	int rc;

	if ((rc = report_args(cmd, argc, argv, &ro)))
		return rc < 0 ? EXIT_SUCCESS : rc;
	pages = calloc(REPORT_MAX_PAGES, sizeof(*pages));
	if (!pages) {
		fprintf(stderr, "%s: out of memory\n", ctl_progname);
		return EXIT_FAILURE;
	}
	rc = ctl_connect(&cl, &ro.o.conn, cmd);
	while (!rc) {
		Tetrabridge__V1__Command c = TETRABRIDGE__V1__COMMAND__INIT;
		Tetrabridge__V1__CalloutReport r = TETRABRIDGE__V1__CALLOUT_REPORT__INIT;
		const Tetrabridge__V1__CalloutReportPage *page;

		r.since_us = ro.since;
		r.until_us = ro.until;
		r.names = ro.names;
		r.after_id = after;
		c.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_REPORT;
		c.callout_report = &r;
		if ((rc = ctl_callout_call(&cl, &c, TETRABRIDGE__V1__REPLY__RESULT_REPORT, &pages[n_pages])))
			break;
		page = pages[n_pages++]->report;
		if (n + page->n_rows > cap) {
			size_t ncap = (n + page->n_rows) * 2;
			const Tetrabridge__V1__CalloutReportRow **nr = realloc(rows, ncap * sizeof(*rows));
			if (!nr) {
				fprintf(stderr, "%s: out of memory\n", ctl_progname);
				rc = EXIT_FAILURE;
				break;
			}
			rows = nr;
			cap = ncap;
		}
		for (size_t i = 0; i < page->n_rows; i++)
			rows[n++] = page->rows[i];
		if (!page->more || !page->n_rows)
			break;
		after = page->rows[page->n_rows - 1]->id;
		if (n_pages == REPORT_MAX_PAGES) {
			fprintf(stderr, "%s: more than %u pages of rows; ask for a shorter period\n", ctl_progname,
				REPORT_MAX_PAGES);
			rc = EXIT_FAILURE;
		}
	}
	if (!rc && ctl_report_stats(rows, n, &st) < 0) {
		fprintf(stderr, "%s: out of memory\n", ctl_progname);
		rc = EXIT_FAILURE;
	}
	if (!rc) {
		if (ro.o.json)
			rc = print_json(&ro, rows, n, &st);
		else if (ro.csv)
			print_csv(&ro, rows, n);
		else
			print_readable(&ro, rows, n, &st);
	}
	for (unsigned p = 0; p < n_pages; p++)
		tetrabridge__v1__reply__free_unpacked(pages[p], NULL);
	free(pages);
	free(rows);
	ctl_disconnect(&cl);
	return rc;
}
