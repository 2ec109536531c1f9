/* tetractl radios: the bridge's radios as a table or JSON.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tools/ctl_commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools/ctl_client.h"
#include "tools/event_print.h"

static void usage_radios(FILE *out)
{
	fprintf(out,
		"Usage: %s radios [--json] [options]\n"
		"\n"
		"List the bridge's radios: name, state, transport, the terminal's identity,\n"
		"online since (local time), messages waiting to be sent, and why a radio\n"
		"is offline.\n"
		"\n"
		"  -j, --json            the RadioList as one JSON object (proto3 JSON mapping)\n"
		CTL_REQUEST_HELP,
		ctl_progname);
}

static void print_radios(const ProtobufCMessage *result)
{
	static const char *const head[] = { "NAME", "STATE", "TRANSPORT", "IDENTITY", "ONLINE SINCE", "WAITING",
					    "REASON" };
	const Tetrabridge__V1__RadioList *l = (const Tetrabridge__V1__RadioList *)result;
	enum { NCOL = 7 };
	int w[NCOL];
	size_t i;
	int c;

	char (*cells)[NCOL][64] = calloc(l->n_radios ? l->n_radios : 1, sizeof(*cells));
	if (!cells) {
		fprintf(stderr, "%s: out of memory\n", ctl_progname);
		return;
	}
	for (c = 0; c < NCOL; c++)
		w[c] = (int)strlen(head[c]);
	for (i = 0; i < l->n_radios; i++) {
		const Tetrabridge__V1__RadioSummary *r = l->radios[i];
		char *row[NCOL];

		for (c = 0; c < NCOL; c++)
			row[c] = cells[i][c];
		snprintf(row[0], 64, "%s", r->name ? r->name : "");
		snprintf(row[1], 64, "%s", tb_radio_state_name(r->state));
		snprintf(row[2], 64, "%s", r->transport && r->transport[0] ? r->transport : "-");
		tb_fmt_identity(r->identity, row[3], 64);
		if (r->online_since_us) {
			time_t t = (time_t)(r->online_since_us / 1000000u);
			struct tm tm;
			if (!localtime_r(&t, &tm) || !strftime(row[4], 64, "%Y-%m-%d %H:%M:%S", &tm))
				snprintf(row[4], 64, "?");
		} else {
			snprintf(row[4], 64, "-");
		}
		snprintf(row[5], 64, "%u", r->outgoing_waiting);
		snprintf(row[6], 64, "%s", r->reason && r->reason[0] ? r->reason : "-");
		for (c = 0; c < NCOL - 1; c++)
			if ((int)strlen(row[c]) > w[c])
				w[c] = (int)strlen(row[c]);
	}
	printf("%-*s  %-*s  %-*s  %-*s  %-*s  %*s  %s\n", w[0], head[0], w[1], head[1], w[2], head[2], w[3],
	       head[3], w[4], head[4], w[5], head[5], head[6]);
	for (i = 0; i < l->n_radios; i++)
		printf("%-*s  %-*s  %-*s  %-*s  %-*s  %*s  %s\n", w[0], cells[i][0], w[1], cells[i][1], w[2],
		       cells[i][2], w[3], cells[i][3], w[4], cells[i][4], w[5], cells[i][5], cells[i][6]);
	if (!l->n_radios)
		printf("(the bridge has no radios configured)\n");
	free(cells);
}

int ctl_cmd_radios(int argc, char **argv)
{
	static const struct ctl_query q = {
		.cmd = "radios",
		.usage = usage_radios,
		.result = TETRABRIDGE__V1__REPLY__RESULT_RADIOS,
		.missing = "no radio list",
		.print = print_radios,
	};
	Tetrabridge__V1__Command cmd = TETRABRIDGE__V1__COMMAND__INIT;
	Tetrabridge__V1__ListRadios lr = TETRABRIDGE__V1__LIST_RADIOS__INIT;

	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_LIST_RADIOS;
	cmd.list_radios = &lr;
	return ctl_query_run(&q, &cmd, argc, argv);
}
