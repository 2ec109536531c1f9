/* tetractl: the command-line client of tetra-bridged.
 *
 *   tetractl watch        follow the event stream, gap-free (PUB socket + replay)
 *   tetractl radios       list the bridge's radios
 *   tetractl send-status  send a status; send-text a text; locate asks for a position
 *   tetractl replay       print events from the bridge's journal
 *   tetractl callout      call-outs: create, change, board, show, report
 *   tetractl health       a monitoring check: one line, exit 0-3 (OK .. UNKNOWN)
 *   tetractl roster       print the roster and the call-out names
 *   tetractl stats        print every counter and gauge, name=value
 *   tetractl backup       copy the journal to a file on the bridge's machine
 *   tetractl keygen       make a CURVE key pair
 *   tetractl web-user     add a user to tetra-web's users file, list them
 *   tetractl decode       decode a raw PEI trace into the events the bridge
 *                         would publish (offline, no daemon)
 *
 * This file only picks the subcommand. Each subcommand in `subcommands[]`
 * lives in its own file (ctl_commands.h) and gets (argc, argv) starting at
 * its own name and returns the process exit status. The ones that talk to
 * the bridge share the options (ctl_options.c), the connection and the
 * one-command-one-reply helper (ctl_client.c) and the gap-free stream
 * (ctl_stream.c).
 *
 * Exit status: 0 success, 1 runtime failure, 2 timeout, 3 some trace lines
 * did not decode (decode), 64 usage error (EX_USAGE); health has its own:
 * 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the monitoring-plugin rule).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "ipc/version.h"
#include "tools/ctl_commands.h"
#include "tools/ctl_options.h"

struct subcommand {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

static const struct subcommand subcommands[] = {
	{ "watch", "follow the event stream, one line per event, without gaps", ctl_cmd_watch },
	{ "radios", "list the bridge's radios and their state", ctl_cmd_radios },
	{ "send-status", "send a status value from a radio", ctl_cmd_send_status },
	{ "send-text", "send a text message from a radio", ctl_cmd_send_text },
	{ "locate", "ask a terminal for its position", ctl_cmd_locate },
	{ "replay", "print events from the bridge's journal", ctl_cmd_replay },
	{ "callout", "alert responders and follow them; board, show, report", ctl_cmd_callout },
	{ "health", "check the bridge for monitoring: one line, exit 0-3", ctl_cmd_health },
	{ "roster", "print the roster: names, groups, statuses, severities, plans", ctl_cmd_roster },
	{ "stats", "print every counter and gauge, name=value", ctl_cmd_stats },
	{ "backup", "copy the journal to a file on the bridge's machine (admin)", ctl_cmd_backup },
	{ "keygen", "make a CURVE key pair (BASE.key, BASE.pub)", ctl_cmd_keygen },
	{ "web-user", "add a user to tetra-web's users file; list them", ctl_cmd_web_user },
	{ "decode", "decode a raw PEI trace into events, offline", ctl_cmd_decode },
};

#define N_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static void usage_main(FILE *out)
{
	size_t i;

	fprintf(out,
		"Usage: %s [--help] [--version] <command> [<args>]\n"
		"\n"
		"The command-line client of tetra-bridged.\n"
		"\n"
		"Commands:\n", ctl_progname);
	for (i = 0; i < N_SUBCOMMANDS; i++)
		fprintf(out, "  %-12s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(out,
		"\n"
		"Run '%s <command> --help' for the options of a command.\n"
		"Endpoints and keys: --events, --commands, --key, --server-key options, else\n"
		"~/.config/tetra-bridge/tetractl.conf, else $" CTL_ENV_EVENTS " and\n"
		"$" CTL_ENV_COMMANDS ", else " CTL_DEFAULT_EVENTS " and " CTL_DEFAULT_COMMANDS ".\n"
		"Exit status: 0 ok, 1 failure, 2 timeout, 3 trace lines not decoded,\n"
		"64 usage error; health: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n", ctl_progname);
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	size_t i;
	int c;

	setvbuf(stdout, NULL, _IOLBF, 0);

	/* "+": stop at the subcommand; its options are its own. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage_main(stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("tetractl (tetra-bridge) %s\n", TB_VERSION);
			return EXIT_SUCCESS;
		default:
			if (optopt)
				return ctl_usage_error(NULL, "unknown option -%c", optopt);
			return ctl_usage_error(NULL, "unknown option %s", argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		usage_main(stderr);
		return EX_USAGE;
	}

	for (i = 0; i < N_SUBCOMMANDS; i++) {
		if (!strcmp(argv[optind], subcommands[i].name))
			return subcommands[i].run(argc - optind, argv + optind);
	}
	if (!strcmp(argv[optind], "help")) {
		usage_main(stdout);
		return EXIT_SUCCESS;
	}
	return ctl_usage_error(NULL, "unknown command \"%s\"", argv[optind]);
}
