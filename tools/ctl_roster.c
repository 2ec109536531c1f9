/* tetractl roster: the bridge's roster and call-out names (RosterList),
 * as a console sees them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tools/ctl_commands.h"

#include <ctype.h>
#include <stdio.h>

#include "tools/ctl_client.h"
#include "tools/event_print.h"

static void usage_roster(FILE *out)
{
	fprintf(out,
		"Usage: %s roster [--json] [options]\n"
		"\n"
		"Print the bridge's roster: each identity and group with its name (a group\n"
		"with its members), the status values with their names and meanings, the\n"
		"call-out severities and plans, and the radios.\n"
		"\n"
		"  -j, --json            the Roster as one JSON object (proto3 JSON mapping)\n"
		CTL_REQUEST_HELP,
		ctl_progname);
}

/* "en-route" for MEANING_EN_ROUTE (the config's spelling) into buf; ""
 * for MEANING_NONE. */
static const char *meaning(Tetrabridge__V1__AnswerMeaning m, char *buf, size_t len)
{
	const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
		&tetrabridge__v1__answer_meaning__descriptor, m);
	size_t i = 0;

	if (v && m != TETRABRIDGE__V1__ANSWER_MEANING__MEANING_NONE) {
		for (const char *p = v->name + sizeof("MEANING_") - 1; *p && i + 1 < len; p++)
			buf[i++] = *p == '_' ? '-' : (char)tolower((unsigned char)*p);
	}
	buf[i] = '\0';
	return buf;
}

static void print_roster(const ProtobufCMessage *result)
{
	const Tetrabridge__V1__Roster *ro = (const Tetrabridge__V1__Roster *)result;
	char buf[48];

	printf("identities:\n");
	for (size_t i = 0; i < ro->n_identities; i++) {
		const Tetrabridge__V1__RosterEntry *e = ro->identities[i];

		/* the identity with its name: "1002 (Lege i vakt)" */
		printf("  %s%s", tb_fmt_identity(e->identity, buf, sizeof(buf)), e->group ? "  group" : "");
		for (size_t m = 0; e->group && m < e->n_members; m++)
			printf("%s%s", m ? ", " : ": ", tb_fmt_identity(e->members[m], buf, sizeof(buf)));
		printf("\n");
	}
	printf("statuses:\n");
	for (size_t i = 0; i < ro->n_statuses; i++) {
		const Tetrabridge__V1__StatusName *s = ro->statuses[i];
		const char *m = meaning(s->meaning, buf, sizeof(buf));

		printf("  0x%04X  %s%s%s%s\n", s->value, s->name ? s->name : "", *m ? "  (" : "", m, *m ? ")" : "");
	}
	printf("severities:\n");
	for (size_t i = 0; i < ro->n_severities; i++) {
		if (ro->severities[i]->name && ro->severities[i]->name[0])
			printf("  %-2u  %s\n", ro->severities[i]->severity, ro->severities[i]->name);
	}
	printf("plans:");
	for (size_t i = 0; i < ro->n_plans; i++)
		printf(" %s", ro->plans[i]);
	printf("\nradios:");
	for (size_t i = 0; i < ro->n_radios; i++)
		printf(" %s", ro->radios[i]);
	printf("\n");
}

int ctl_cmd_roster(int argc, char **argv)
{
	static const struct ctl_query q = {
		.cmd = "roster",
		.usage = usage_roster,
		.result = TETRABRIDGE__V1__REPLY__RESULT_ROSTER,
		.missing = "no roster",
		.print = print_roster,
	};
	Tetrabridge__V1__Command cmd = TETRABRIDGE__V1__COMMAND__INIT;
	Tetrabridge__V1__RosterList rl = TETRABRIDGE__V1__ROSTER_LIST__INIT;

	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_ROSTER;
	cmd.roster = &rl;
	return ctl_query_run(&q, &cmd, argc, argv);
}
