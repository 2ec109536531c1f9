/* tetractl callout board and show, and a call-out for people.
 *
 * The readable form is for a dispatcher at a console: it shows the
 * call-out's text (and with `show` the responders' notes), as the board a
 * console draws would.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "ipc/pb_json.h"
#include "tools/callout_names.h"
#include "tools/ctl_callout.h"
#include "tools/event_print.h"

/* ---- a call-out for people ------------------------------------------------ */

const char *ctl_fmt_when(uint64_t us, char *buf, size_t len)
{
	time_t t = (time_t)(us / 1000000u), now = time(NULL);
	struct tm tm, today;

	if (!us) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (!localtime_r(&t, &tm) || !localtime_r(&now, &today)) {
		snprintf(buf, len, "?");
		return buf;
	}
	if (tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday)
		strftime(buf, len, "%H:%M:%S", &tm);
	else
		strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

void ctl_print_quoted(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02X", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* "1001 (Sykepleier Nord)" (flat: one line whatever the name holds). */
static void fmt_responder(const Tetrabridge__V1__Identity *id, char *buf, size_t len)
{
	size_t n;

	tb_fmt_identity(id, buf, len);
	for (n = 0; buf[n]; n++)
		if ((unsigned char)buf[n] < 0x20)
			buf[n] = '?';
}

/* Characters (not bytes) of UTF-8 s: for columns that hold names. */
int ctl_text_width(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

void ctl_print_col(FILE *out, const char *s, int w)
{
	fputs(s, out);
	for (int n = ctl_text_width(s); n < w; n++)
		fputc(' ', out);
}

static void print_responders(FILE *out, const Tetrabridge__V1__Callout *co, bool notes)
{
	char who[128], state[48], since[32], deadline[32];
	int w = (int)strlen("RESPONDER");

	for (size_t i = 0; i < co->n_responders; i++) {
		if (!co->responders[i])
			continue;
		fmt_responder(co->responders[i]->identity, who, sizeof(who));
		if (ctl_text_width(who) > w)
			w = ctl_text_width(who);
	}
	fputs("  ", out);
	ctl_print_col(out, "RESPONDER", w);
	fprintf(out, "  %-18s %-19s %6s  %-19s %s\n", "STATE", "SINCE", "ALERTS", "ANSWER BY", "CAUSE");
	for (size_t i = 0; i < co->n_responders; i++) {
		const Tetrabridge__V1__Responder *r = co->responders[i];

		if (!r)
			continue;
		fmt_responder(r->identity, who, sizeof(who));
		snprintf(state, sizeof(state), "%s%s", ctl_rstate_name(r->state), r->late ? " (late)" : "");
		fputs("  ", out);
		ctl_print_col(out, who, w);
		fprintf(out, "  %-18s %-19s %6u  %-19s ", state, ctl_fmt_when(r->since_us, since, sizeof(since)),
			r->alerts, ctl_fmt_when(r->deadline_us, deadline, sizeof(deadline)));
		ctl_print_quoted(out, r->cause && r->cause[0] ? r->cause : "");
		if (r->set_by && r->set_by[0])
			fprintf(out, " (set by %s)", r->set_by);
		if (r->level)
			fprintf(out, " (level %u)", r->level);
		if (r->is_group)
			fputs(" (group)", out);
		if (r->group) {
			fmt_responder(r->group, who, sizeof(who));
			fprintf(out, " (via group %s)", who);
		}
		fputc('\n', out);
		if (r->position) {
			const Tetrabridge__V1__ResponderPosition *p = r->position;
			fprintf(out, "      position %.5f %c %.5f %c at %s\n", fabs(p->latitude), p->latitude < 0 ? 'S' : 'N',
				fabs(p->longitude), p->longitude < 0 ? 'W' : 'E',
				ctl_fmt_when(p->time_us, since, sizeof(since)));
		}
		for (size_t k = 0; notes && k < r->n_notes; k++) {
			fputs("      note ", out);
			ctl_print_quoted(out, r->notes[k]);
			fputc('\n', out);
		}
	}
}

void ctl_print_callout(FILE *out, const Tetrabridge__V1__Callout *co, bool notes)
{
	char when[32], deadline[32];
	bool flags;

	fprintf(out, "call-out %" PRIu64 ": %s", co->id, ctl_cstate_name(co->state));
	if (co->severity_name && co->severity_name[0])
		fprintf(out, ", %s (severity %u)", co->severity_name, co->severity);
	else
		fprintf(out, ", severity %u", co->severity);
	fprintf(out, ", via %s\n  ", co->radio && co->radio[0] ? co->radio : "-");
	ctl_print_quoted(out, co->text);
	fprintf(out, "\n  created %s by %s (%s), alert by %s", ctl_fmt_when(co->created_us, when, sizeof(when)),
		co->created_by && co->created_by[0] ? co->created_by : "-",
		co->created_role && co->created_role[0] ? co->created_role : "-", ctl_method_name(co->method));
	if (co->has_air_number)
		fprintf(out, ", call-out number %u", co->air_number);
	fprintf(out, "\n  %u of %u required accepted", co->accepted, co->required);
	if (co->plan && co->plan[0])
		fprintf(out, ", plan %s at level %u", co->plan, co->level);
	if (co->answer_deadline_us)
		fprintf(out, ", answers by %s", ctl_fmt_when(co->answer_deadline_us, deadline, sizeof(deadline)));
	fputc('\n', out);
	flags = co->alarm || co->escalated || co->overdue || co->test || co->override;
	if (flags) {
		fputs(" ", out);
		if (co->alarm)
			fputs(" ESCALATION ALARM (not acknowledged)", out);
		if (co->escalated)
			fputs(" escalated", out);
		if (co->overdue)
			fputs(" overdue (nobody on scene in time)", out);
		if (co->test)
			fputs(" test", out);
		if (co->override)
			fputs(" override", out);
		fputc('\n', out);
	}
	if (co->closed_us)
		fprintf(out, "  %s %s by %s: %s\n",
			co->state == TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_CANCELLED ? "cancelled" : "closed",
			ctl_fmt_when(co->closed_us, when, sizeof(when)), co->closed_by && co->closed_by[0] ? co->closed_by : "-",
			ctl_outcome_name(co->outcome));
	print_responders(out, co, notes);
}

/* ---- board ---------------------------------------------------------------- */

static void usage_board(FILE *out)
{
	fprintf(out,
		"Usage: %s callout board [--json] [options]\n"
		"\n"
		"The bridge's board: every open call-out (and those closed within the\n"
		"config's board-keep time), oldest first, with their responders: state,\n"
		"since when, alerts sent, until when an answer is awaited, why. The bridge\n"
		"gives it in pages; all are fetched.\n"
		"\n"
		"The first line names the seq the board reflects: a console that draws it\n"
		"follows the event stream after it ('%s watch --from SEQ+1 --topic callout.').\n"
		"\n"
		"  -j, --json            one JSON object: {\"seq\": ..., \"callouts\": [...]}\n"
		"                        (proto3 JSON mapping of CalloutBoardPage)\n"
		CTL_REQUEST_HELP
		"\n"
		"Exit status: 0 ok, 1 refused or no reply, 64 usage error.\n",
		ctl_progname, ctl_progname);
}

/* Pages fetched: kept until printed. */
#define BOARD_MAX_PAGES 64

int ctl_callout_board(int argc, char **argv)
{
	static const char cmd[] = "callout board";
	struct ctl_callout_opts o = { 0 };
	struct ctl_client cl = CTL_CLIENT_INIT;
	Tetrabridge__V1__Reply *pages[BOARD_MAX_PAGES];
	unsigned n_pages = 0;
	size_t total = 0;
	uint64_t after = 0;
	int rc;

	if ((rc = ctl_conn_only_args(cmd, argc, argv, usage_board, &o.conn, &o.json)) != 1)
		return rc;
	if ((rc = ctl_no_more_args(cmd, argc, argv)))
		return rc;
	rc = ctl_connect(&cl, &o.conn, cmd);
	while (!rc) {
		Tetrabridge__V1__Command c = TETRABRIDGE__V1__COMMAND__INIT;
		Tetrabridge__V1__CalloutBoard b = TETRABRIDGE__V1__CALLOUT_BOARD__INIT;
		const Tetrabridge__V1__CalloutBoardPage *page;

		b.after_id = after;
		c.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_BOARD;
		c.callout_board = &b;
		if ((rc = ctl_callout_call(&cl, &c, TETRABRIDGE__V1__REPLY__RESULT_BOARD, &pages[n_pages])))
			break;
		page = pages[n_pages++]->board;
		total += page->n_callouts;
		if (!page->more || !page->n_callouts)
			break;
		after = page->callouts[page->n_callouts - 1]->id;
		if (n_pages == BOARD_MAX_PAGES) {
			fprintf(stderr, "%s: the board has more than %u pages; showing the first ones\n", ctl_progname,
				BOARD_MAX_PAGES);
			break;
		}
	}
	if (!rc && o.json) {
		/* one object: the first page's seq (the oldest: follow the stream
		 * after it and nothing is missed), every page's call-outs */
		json_t *j = tb_pb_to_json(&pages[0]->board->base), *all = j ? json_object_get(j, "callouts") : NULL;
		char *s;
		for (unsigned p = 1; all && p < n_pages; p++) {
			json_t *more = tb_pb_to_json(&pages[p]->board->base);
			json_array_extend(all, json_object_get(more, "callouts"));
			json_decref(more);
		}
		if (j)
			json_object_set_new(j, "more", json_false());
		s = j ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		if (!s) {
			fprintf(stderr, "%s: out of memory formatting JSON\n", ctl_progname);
			rc = EXIT_FAILURE;
		} else {
			printf("%s\n", s);
			free(s);
		}
	} else if (!rc) {
		printf("board at seq %" PRIu64 ": %zu call-out%s\n", pages[0]->board->seq, total, total == 1 ? "" : "s");
		for (unsigned p = 0; p < n_pages; p++)
			for (size_t i = 0; i < pages[p]->board->n_callouts; i++) {
				putchar('\n');
				ctl_print_callout(stdout, pages[p]->board->callouts[i], false);
			}
	}
	for (unsigned p = 0; p < n_pages; p++)
		tetrabridge__v1__reply__free_unpacked(pages[p], NULL);
	ctl_disconnect(&cl);
	return rc;
}

/* ---- show ----------------------------------------------------------------- */

static void usage_show(FILE *out)
{
	fprintf(out,
		"Usage: %s callout show ID [--json] [options]\n"
		"\n"
		"Call-out ID as the board shows it, with its responders' notes, and its\n"
		"history, oldest first (at most the newest 1000 lines): every change, when,\n"
		"why and by whom (the radio, a timer, or a key's role and name). Closed\n"
		"call-outs come from the bridge's store; their texts, notes and positions\n"
		"are gone after the config's retention time.\n"
		"\n"
		"  -j, --json            the CalloutDetail as one JSON object\n"
		CTL_REQUEST_HELP
		"\n"
		"Exit status: 0 ok, 1 refused (UNKNOWN_CALLOUT: no such call-out) or no\n"
		"reply, 64 usage error.\n",
		ctl_progname);
}

int ctl_callout_show(int argc, char **argv)
{
	static const char cmd[] = "callout show";
	Tetrabridge__V1__Command c = TETRABRIDGE__V1__COMMAND__INIT;
	Tetrabridge__V1__CalloutShow s = TETRABRIDGE__V1__CALLOUT_SHOW__INIT;
	Tetrabridge__V1__Reply *reply = NULL;
	struct ctl_callout_opts o = { 0 };
	struct ctl_client cl = CTL_CLIENT_INIT;
	const Tetrabridge__V1__CalloutDetail *d;
	int rc;

	if ((rc = ctl_conn_only_args(cmd, argc, argv, usage_show, &o.conn, &o.json)) != 1)
		return rc;
	if (argc - optind < 1)
		return ctl_usage_error(cmd, "which call-out? ID is missing");
	if ((rc = ctl_callout_id_arg(cmd, argv[optind], &s.id)))
		return rc;
	optind++;
	if ((rc = ctl_no_more_args(cmd, argc, argv)))
		return rc;
	c.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_SHOW;
	c.callout_show = &s;
	rc = ctl_connect(&cl, &o.conn, cmd);
	if (!rc)
		rc = ctl_callout_call(&cl, &c, TETRABRIDGE__V1__REPLY__RESULT_CALLOUT_DETAIL, &reply);
	if (!rc) {
		d = reply->callout_detail;
		if (o.json) {
			rc = ctl_print_json(&d->base) ? EXIT_FAILURE : EXIT_SUCCESS;
		} else if (!d->callout) {
			fprintf(stderr, "%s: the bridge's reply holds no call-out\n", ctl_progname);
			rc = EXIT_FAILURE;
		} else {
			ctl_print_callout(stdout, d->callout, true);
			printf("\nhistory (%zu line%s, oldest first):\n", d->n_history, d->n_history == 1 ? "" : "s");
			for (size_t i = 0; i < d->n_history; i++) {
				char when[32];
				if (!d->history[i] || !d->history[i]->change)
					continue;
				printf("  %s #%" PRIu64, ctl_fmt_when(d->history[i]->time_us, when, sizeof(when)),
				       d->history[i]->seq);
				tb_print_callout_change(stdout, d->history[i]->change);
				putchar('\n');
			}
		}
	}
	if (reply)
		tetrabridge__v1__reply__free_unpacked(reply, NULL);
	ctl_disconnect(&cl);
	return rc;
}
