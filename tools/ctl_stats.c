/* tetractl stats: every counter and gauge of the bridge (StatsList), one
 * "name=value" line each.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tools/ctl_commands.h"

#include <inttypes.h>
#include <stdio.h>

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

static void print_stats(const ProtobufCMessage *result)
{
	const Tetrabridge__V1__StatsReport *s = (const Tetrabridge__V1__StatsReport *)result;

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
	static const struct ctl_query q = {
		.cmd = "stats",
		.usage = usage_stats,
		.result = TETRABRIDGE__V1__REPLY__RESULT_STATS,
		.missing = "no counters",
		.print = print_stats,
	};
	Tetrabridge__V1__Command cmd = TETRABRIDGE__V1__COMMAND__INIT;
	Tetrabridge__V1__StatsList sl = TETRABRIDGE__V1__STATS_LIST__INIT;

	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_STATS;
	cmd.stats = &sl;
	return ctl_query_run(&q, &cmd, argc, argv);
}
