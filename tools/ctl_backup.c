/* tetractl backup: copy the bridge's journal database to a file on the
 * bridge's machine (the Backup command, admin only), and wait until the
 * copy is done.
 *
 * The bridge starts the copy and answers at once (it copies between
 * events, the stream never stops); this asks how it goes every
 * POLL_MS until it is done or failed, and says so.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _POSIX_C_SOURCE 200809L	/* nanosleep */
#include "tools/ctl_commands.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools/ctl_client.h"

#define POLL_MS 100
#define BST(x) TETRABRIDGE__V1__BACKUP_STATE__STATE__##x

enum {
	OPT_NO_WAIT = CTL_OPT_FIRST_FREE,
};

static void usage_backup(FILE *out)
{
	fprintf(out,
		"Usage: %s backup FILE [--no-wait] [--json] [options]\n"
		"\n"
		"Copy the bridge's journal (events, outgoing messages, call-outs) to FILE while\n"
		"it runs, without stopping the stream, and wait until the copy is done.\n"
		"\n"
		"FILE is a path on the BRIDGE'S machine, not this one: the daemon writes it, as\n"
		"its own user. Give an absolute path that does not exist yet, in a folder that\n"
		"user may write (under systemd's ProtectSystem=strict: inside the state\n"
		"directory, or a folder the unit lists in ReadWritePaths=). The file is made\n"
		"mode 0600: it holds health data. Needs an admin key.\n"
		"To restore, see README.md (\"Backup and restore\").\n"
		"\n"
		"      --no-wait         print the backup's id once it started, and return\n"
		"  -j, --json            the final BackupState as one JSON object\n"
		CTL_REQUEST_HELP,
		ctl_progname);
}

static void print_state(const Tetrabridge__V1__BackupState *s)
{
	switch (s->state) {
	case BST(DONE):
		printf("backup %" PRIu64 " done: %s, events seq %" PRIu64 " to %" PRIu64 ", %" PRIu64 " bytes\n", s->id,
		       s->file, s->first_seq, s->last_seq, s->bytes);
		break;
	case BST(RUNNING):
		printf("backup %" PRIu64 " to %s started (%" PRIu64 " of %" PRIu64 " pages copied)\n", s->id, s->file,
		       s->pages_done, s->pages_total);
		break;
	default:
		break;
	}
}

static void pause_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int ctl_cmd_backup(int argc, char **argv)
{
	static const struct option long_opts[] = {
		CTL_CONN_LONG_OPTS,
		{ "no-wait", no_argument, NULL, OPT_NO_WAIT },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	Tetrabridge__V1__Command cmd = TETRABRIDGE__V1__COMMAND__INIT;
	Tetrabridge__V1__Backup bk = TETRABRIDGE__V1__BACKUP__INIT;
	Tetrabridge__V1__Reply *reply = NULL;
	struct ctl_conn_opts conn = { 0 };
	struct ctl_client cl = CTL_CLIENT_INIT;
	bool json = false, wait = true;
	const char *file;
	int c, rc;

	optind = 0;	/* 0: GNU getopt starts afresh (main parsed with "+") */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jT:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case OPT_NO_WAIT:
			wait = false;
			break;
		case 'h':
			usage_backup(stdout);
			return EXIT_SUCCESS;
		default:
			if ((rc = ctl_conn_opt_or_error(&conn, "backup", c, argv)) != 1)
				return rc;
			break;
		}
	}
	if (optind >= argc)
		return ctl_usage_error("backup", "which file? give FILE, an absolute path on the bridge's machine");
	file = argv[optind++];
	if ((rc = ctl_no_more_args("backup", argc, argv)))
		return rc;

	rc = ctl_connect(&cl, &conn, "backup");
	if (rc)
		goto out;
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_BACKUP;
	cmd.backup = &bk;
	bk.file = (char *)file;
	for (;;) {
		rc = ctl_call(&cl, &cmd, &reply);
		if (rc)
			goto out;
		if (reply->result_case != TETRABRIDGE__V1__REPLY__RESULT_BACKUP || !reply->backup) {
			fprintf(stderr, "%s: the bridge's reply holds no backup state: is it a tetra-bridged of this "
				"version?\n", ctl_progname);
			rc = EXIT_FAILURE;
			goto out;
		}
		if (reply->backup->state != BST(RUNNING) || !wait)
			break;
		/* From now on: how does it go? */
		bk.file = "";
		bk.id = reply->backup->id;
		tetrabridge__v1__reply__free_unpacked(reply, NULL);
		reply = NULL;
		pause_ms(POLL_MS);
	}
	if (reply->backup->state == BST(FAILED)) {
		fprintf(stderr, "%s: backup %" PRIu64 " to %s failed: %s\n", ctl_progname, reply->backup->id,
			reply->backup->file, reply->backup->error);
		rc = EXIT_FAILURE;
	} else {
		rc = EXIT_SUCCESS;
	}
	if (json) {
		if (ctl_print_json(&reply->backup->base))
			rc = EXIT_FAILURE;
	} else {
		print_state(reply->backup);
	}
out:
	if (reply)
		tetrabridge__v1__reply__free_unpacked(reply, NULL);
	ctl_disconnect(&cl);
	return rc;
}
