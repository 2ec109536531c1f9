/* tetractl health: the bridge's health as a monitoring plugin reports it
 * (Nagios, Icinga, Checkmk, Zabbix's agent, ...): one line on stdout,
 *
 *   TETRA-BRIDGE <STATE> - <what is wrong, or a summary> | <perfdata>
 *
 * and the exit status 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the bridge
 * could not be asked within the timeout, refused, or the command line is
 * wrong: a check that cannot say must not say OK). The judging is the
 * bridge's (bridge/health.h): this file asks and prints.
 *
 * Perfdata: 'label'=value;warn;crit;min;max with the monitoring-plugin
 * ranges ("1:" alerts below 1, "0" above 0), so a graphing tool draws the
 * thresholds the bridge uses.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tools/ctl_commands.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/ctl_client.h"

#define PREFIX "TETRA-BRIDGE"

enum {
	EXIT_OK = 0,
	EXIT_WARNING = 1,
	EXIT_CRITICAL = 2,
	EXIT_UNKNOWN = 3,
};

static void usage_health(FILE *out)
{
	fprintf(out,
		"Usage: %s health [--json] [options]\n"
		"\n"
		"Check the bridge for a monitoring system: one line, and the exit status of a\n"
		"monitoring plugin: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n"
		"\n"
		"  CRITICAL  no radio online (while some are configured); the journal cannot\n"
		"            write (events wait in memory); a call-out's escalation alarm is\n"
		"            not acknowledged\n"
		"  WARNING   a radio offline; outgoing messages retrying or past their\n"
		"            deadline; a call-out overdue (nobody on scene within its target)\n"
		"  UNKNOWN   no reply within the timeout (-T), the bridge refused, or a wrong\n"
		"            command line\n"
		"\n"
		"Performance data follows a '|'. An observer key is enough.\n"
		"\n"
		"  -j, --json            the HealthReport as one JSON object (the exit status\n"
		"                        stays the state's)\n"
		CTL_REQUEST_HELP,
		ctl_progname);
}

static const char *state_word(int status)
{
	switch (status) {
	case EXIT_OK:
		return "OK";
	case EXIT_WARNING:
		return "WARNING";
	case EXIT_CRITICAL:
		return "CRITICAL";
	default:
		return "UNKNOWN";
	}
}

/* A line for a check that cannot say. */
static int unknown(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int unknown(const char *fmt, ...)
{
	va_list ap;

	printf(PREFIX " UNKNOWN - ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return EXIT_UNKNOWN;
}

/* No '|' or line end inside the text: they would end it for the monitor. */
static void print_text(const char *s)
{
	for (; s && *s; s++)
		putchar(*s == '|' ? '/' : (*s == '\n' || *s == '\r') ? ' ' : *s);
}

static void print_line(const Tetrabridge__V1__HealthReport *h, int status)
{
	printf(PREFIX " %s - ", state_word(status));
	if (h->n_problems) {
		for (size_t i = 0; i < h->n_problems; i++) {
			if (i)
				printf("; ");
			print_text(h->problems[i]->text);
		}
		if (h->problems_left_out)
			printf("; and %u more", h->problems_left_out);
	} else {
		printf("%u of %u radio%s online, journal writable (last seq %" PRIu64 "), %u outgoing message%s "
		       "waiting, %u call-out%s open", h->radios_online, h->radios_configured,
		       h->radios_configured == 1 ? "" : "s", h->journal_last_seq, h->messages_waiting,
		       h->messages_waiting == 1 ? "" : "s", h->callouts_open, h->callouts_open == 1 ? "" : "s");
	}
	printf(" | radios_online=%u;%u:;%s;0;%u radios_configured=%u;;;0 journal_backlog=%" PRIu64 ";;0;0 "
	       "journal_lost=%" PRIu64 "c messages_waiting=%u;;;0 messages_retrying=%u;0;;0 messages_overdue=%u;0;;0 "
	       "callouts_open=%u;;;0 callouts_overdue=%u;0;;0 callouts_escalated=%u;;;0 callouts_alarms=%u;;0;0\n",
	       h->radios_online, h->radios_configured, h->radios_configured ? "1:" : "", h->radios_configured,
	       h->radios_configured, h->journal_backlog, h->journal_lost, h->messages_waiting, h->messages_retrying,
	       h->messages_overdue, h->callouts_open, h->callouts_overdue, h->callouts_escalated, h->callouts_alarms);
}

/* The exit status for the bridge's state. */
static int status_of(Tetrabridge__V1__HealthStatus s)
{
	switch (s) {
	case TETRABRIDGE__V1__HEALTH_STATUS__HEALTH_OK:
		return EXIT_OK;
	case TETRABRIDGE__V1__HEALTH_STATUS__HEALTH_WARNING:
		return EXIT_WARNING;
	case TETRABRIDGE__V1__HEALTH_STATUS__HEALTH_CRITICAL:
		return EXIT_CRITICAL;
	default:
		return EXIT_UNKNOWN;
	}
}

int ctl_cmd_health(int argc, char **argv)
{
	Tetrabridge__V1__Command cmd = TETRABRIDGE__V1__COMMAND__INIT;
	Tetrabridge__V1__Health hc = TETRABRIDGE__V1__HEALTH__INIT;
	Tetrabridge__V1__Reply *reply = NULL;
	struct ctl_conn_opts conn = { 0 };
	struct ctl_client cl = CTL_CLIENT_INIT;
	bool json = false;
	char why[256];
	int rc;

	rc = ctl_conn_only_args("health", argc, argv, usage_health, &conn, &json);
	if (rc == EXIT_SUCCESS)
		return EXIT_OK;	/* --help */
	if (rc != 1 || ctl_no_more_args("health", argc, argv))
		return unknown("wrong command line (see stderr)");

	rc = ctl_connect(&cl, &conn, "health");
	if (rc) {
		rc = unknown("cannot ask the bridge: its endpoint or keys are not usable (see stderr)");
		goto out;
	}
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_HEALTH;
	cmd.health = &hc;
	rc = ctl_request(&cl, &cmd, &reply);
	if (rc == -ETIMEDOUT) {
		rc = unknown("%s: is tetra-bridged running, and is this key in its clients file?",
			     ctl_no_reply_text(&cl, why, sizeof(why)));
		goto out;
	}
	if (rc < 0) {
		rc = unknown("cannot ask the bridge at %s (see stderr)", cl.opts->commands);
		goto out;
	}
	if (reply->code != TETRABRIDGE__V1__REPLY__CODE__OK) {
		printf(PREFIX " UNKNOWN - the bridge refused: %s: ", ctl_reply_code_name(reply->code));
		print_text(reply->error && reply->error[0] ? reply->error : "no reason given");
		printf("\n");
		rc = EXIT_UNKNOWN;
		goto out;
	}
	if (reply->result_case != TETRABRIDGE__V1__REPLY__RESULT_HEALTH || !reply->health) {
		rc = unknown("the reply holds no health report: is %s a tetra-bridged of this version?",
			     cl.opts->commands);
		goto out;
	}
	rc = status_of(reply->health->status);
	if (json) {
		if (ctl_print_json(&reply->health->base))
			rc = EXIT_UNKNOWN;
	} else {
		print_line(reply->health, rc);
	}
out:
	if (reply)
		tetrabridge__v1__reply__free_unpacked(reply, NULL);
	ctl_disconnect(&cl);
	return rc;
}
