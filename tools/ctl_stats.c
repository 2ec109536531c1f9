/* tetractl stats: every counter and gauge of the bridge (StatsList), one
 * "name=value" line each.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tools/ctl_commands.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "tools/ctl_client.h"

static void usage_stats(FILE *out)
{
	fprintf(out,
		"Usage: %s stats [--json] [options]\n"
		"\n"
		"Print every rate counter and stat item of the bridge, one line each:\n"
		"<group>.<group name or index>.<name>=<value>, as statsd names them (e.g.\n"
		"commands.0.received=12, pei.lvs-1.at:timeouts=0).\n"
		"\n"
		"  -j, --json            the StatsReport as one JSON object (with descriptions)\n"
		CTL_REQUEST_HELP,
		ctl_progname);
}

static void print_stats(const Tetrabridge__V1__StatsReport *s)
{
	for (size_t i = 0; i < s->n_values; i++) {
		const Tetrabridge__V1__StatsValue *v = s->values[i];

		if (v->group_name && v->group_name[0])
			printf("%s.%s.%s=%" PRId64 "\n", v->group, v->group_name, v->name, v->value);
		else
			printf("%s.%u.%s=%" PRId64 "\n", v->group, v->index, v->name, v->value);
	}
}

int ctl_cmd_stats(int argc, char **argv)
{
	static const struct option long_opts[] = {
		CTL_CONN_LONG_OPTS,
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	Tetrabridge__V1__Command cmd = TETRABRIDGE__V1__COMMAND__INIT;
	Tetrabridge__V1__StatsList sl = TETRABRIDGE__V1__STATS_LIST__INIT;
	Tetrabridge__V1__Reply *reply = NULL;
	struct ctl_conn_opts conn = { 0 };
	struct ctl_client cl = CTL_CLIENT_INIT;
	bool json = false;
	int c, rc;

	optind = 0;	/* 0: GNU getopt starts afresh (main parsed with "+") */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jT:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			usage_stats(stdout);
			return EXIT_SUCCESS;
		default:
			if ((rc = ctl_conn_opt_or_error(&conn, "stats", c, argv)) != 1)
				return rc;
			break;
		}
	}
	if ((rc = ctl_no_more_args("stats", argc, argv)))
		return rc;

	rc = ctl_connect(&cl, &conn, "stats");
	if (rc)
		goto out;
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_STATS;
	cmd.stats = &sl;
	rc = ctl_call(&cl, &cmd, &reply);
	if (rc)
		goto out;
	if (reply->result_case != TETRABRIDGE__V1__REPLY__RESULT_STATS || !reply->stats) {
		fprintf(stderr, "%s: the bridge's reply holds no counters: is it a tetra-bridged?\n", ctl_progname);
		rc = EXIT_FAILURE;
		goto out;
	}
	if (reply->error && reply->error[0])
		fprintf(stderr, "%s: %s\n", ctl_progname, reply->error);	/* cut to the reply's bound */
	if (json) {
		rc = ctl_print_json(&reply->stats->base) ? EXIT_FAILURE : EXIT_SUCCESS;
	} else {
		print_stats(reply->stats);
		rc = EXIT_SUCCESS;
	}
out:
	if (reply)
		tetrabridge__v1__reply__free_unpacked(reply, NULL);
	ctl_disconnect(&cl);
	return rc;
}
