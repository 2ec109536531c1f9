/* tetractl replay: events from the bridge's journal, oldest first.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tools/ctl_commands.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/ctl_client.h"
#include "tools/event_print.h"

enum {
	OPT_FROM = CTL_OPT_FIRST_FREE,
};

static void usage_replay(FILE *out)
{
	fprintf(out,
		"Usage: %s replay [--from SEQ] [--count N] [--json] [options]\n"
		"\n"
		"Print events from the bridge's journal, oldest first, as 'watch' prints them.\n"
		"\n"
		"      --from SEQ        start at seq SEQ (default 1: the oldest kept)\n"
		"  -n, --count N         at most N events (default: all up to the newest)\n"
		"  -j, --json            one JSON object per event, as 'watch --json'\n"
		CTL_REQUEST_HELP
		"\n"
		"Events older than the journal's retention are reported on stderr.\n",
		ctl_progname);
}

/* Where the printing is. */
struct replay_state {
	uint64_t next;		/* the seq wanted next */
	uint64_t count;		/* --count; 0: all */
	uint64_t printed;
	bool have_from;		/* --from given */
	bool json;
};

/* Print the events of b from st->next on (up to --count). Returns 1 when
 * one was printed, 0 when none, or -1 (out of memory, said on stderr). */
static int print_batch(struct replay_state *st, const Tetrabridge__V1__ReplayBatch *b)
{
	int progress = 0;

	for (size_t i = 0; i < b->n_events && (!st->count || st->printed < st->count); i++) {
		const Tetrabridge__V1__Event *ev = b->events[i];

		if (ev->seq < st->next)
			continue;
		/* Asked for explicitly (--from), a hole is news; from the default
		 * start the journal's retention is expected. */
		if (ev->seq > st->next && (st->have_from || st->printed)) {
			fflush(stdout);
			if (ev->seq - 1 == st->next)
				fprintf(stderr, "gap: event %" PRIu64 " is no longer in the journal\n", st->next);
			else
				fprintf(stderr, "gap: events %" PRIu64 "-%" PRIu64 " are no longer in the "
					"journal\n", st->next, ev->seq - 1);
		}
		if (st->json) {
			if (tb_print_event_json(stdout, ev) < 0) {
				fprintf(stderr, "%s: out of memory formatting event #%" PRIu64 "\n", ctl_progname,
					ev->seq);
				return -1;
			}
		} else {
			tb_print_event_local(stdout, ev);
		}
		st->next = ev->seq + 1;
		st->printed++;
		progress = 1;
	}
	return progress;
}

int ctl_cmd_replay(int argc, char **argv)
{
	static const struct option long_opts[] = {
		CTL_CONN_LONG_OPTS,
		{ "from", required_argument, NULL, OPT_FROM },
		{ "count", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_conn_opts conn = { 0 };
	struct ctl_client cl = CTL_CLIENT_INIT;
	struct replay_state st = { .next = 1 };
	int c, rc;

	optind = 0;	/* 0: GNU getopt starts afresh (main parsed with "+") */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n:jT:h", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_FROM:
			if (!ctl_parse_u64(optarg, &st.next) || st.next == 0)
				return ctl_usage_error("replay", "--from wants a seq >= 1, not \"%s\"", optarg);
			st.have_from = true;
			break;
		case 'n':
			if (!ctl_parse_u64(optarg, &st.count) || st.count == 0)
				return ctl_usage_error("replay", "--count wants a positive whole number, not \"%s\"",
						       optarg);
			break;
		case 'j':
			st.json = true;
			break;
		case 'h':
			usage_replay(stdout);
			return EXIT_SUCCESS;
		default:
			if ((rc = ctl_conn_opt_or_error(&conn, "replay", c, argv)) != 1)
				return rc;
			break;
		}
	}
	if ((rc = ctl_no_more_args("replay", argc, argv)))
		return rc;

	rc = ctl_connect(&cl, &conn, "replay");
	if (rc)
		goto out;

	while (!st.count || st.printed < st.count) {
		Tetrabridge__V1__Command cmd;
		Tetrabridge__V1__Replay rp;
		Tetrabridge__V1__Reply *reply = NULL;
		Tetrabridge__V1__ReplayBatch *b;
		uint64_t want = st.count ? st.count - st.printed : 0;
		int progress;
		bool more;

		ctl_replay_command(&cmd, &rp, st.next, want > 1000 ? 1000 : (uint32_t)want);
		rc = ctl_call(&cl, &cmd, &reply);
		if (rc)
			goto out;
		b = reply->result_case == TETRABRIDGE__V1__REPLY__RESULT_REPLAY ? reply->replay : NULL;
		if (!b) {
			fprintf(stderr, "%s: the bridge's reply holds no events: is it a tetra-bridged?\n",
				ctl_progname);
			tetrabridge__v1__reply__free_unpacked(reply, NULL);
			rc = EXIT_FAILURE;
			goto out;
		}
		progress = print_batch(&st, b);
		if (progress < 0) {
			tetrabridge__v1__reply__free_unpacked(reply, NULL);
			rc = EXIT_FAILURE;
			goto out;
		}
		if (b->next_seq > st.next)
			st.next = b->next_seq;
		/* an empty batch that says "more" would loop for ever */
		more = b->more && progress;
		tetrabridge__v1__reply__free_unpacked(reply, NULL);
		if (!more)
			break;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: cannot write the events: %s\n", ctl_progname, strerror(errno));
		rc = EXIT_FAILURE;
	} else {
		rc = EXIT_SUCCESS;
	}
out:
	ctl_disconnect(&cl);
	return rc;
}
