/* tetractl watch: the event stream, gap-free (see ctl_stream.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tools/ctl_commands.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "tools/ctl_client.h"
#include "tools/ctl_stream.h"
#include "tools/event_print.h"

static void usage_watch(FILE *out)
{
	fprintf(out,
		"Usage: %s watch [--json] [--topic PREFIX]... [--count N] [--timeout SECONDS]\n"
		"                [--from SEQ] [--no-replay] [options]\n"
		"\n"
		"Subscribe to the events of tetra-bridged and print one line per event:\n"
		"local time, radio, kind, #seq and the essentials of the event.\n"
		"\n"
		"  -j, --json            print each event as one JSON object per line (the\n"
		"                        Event message in the proto3 JSON mapping, defaults\n"
		"                        included; the topic is not printed)\n"
		"  -t, --topic PREFIX    only events whose topic \"<kind>.<radio>\" starts with\n"
		"                        PREFIX, e.g. \"status.\" or \"tx.lvs-1\"; repeatable\n"
		"  -n, --count N         exit 0 after N events\n"
		"  -T, --timeout SECONDS exit 2 if no event arrives for SECONDS (decimals allowed)\n"
		"      --from SEQ        start with the journal's events from seq SEQ, then go on\n"
		"                        live without holes or repeats\n"
		"      --no-replay       do not ask the journal for missed events: only report\n"
		"                        gaps (and let --topic filter at the bridge)\n"
		"  -e, --endpoint EP     the same as --events\n"
		CTL_CONN_HELP
		"  -h, --help            this text\n"
		"\n"
		"Events are printed in seq order without gaps: when seq jumps, the missing\n"
		"events are asked from the bridge's journal (command socket, Replay) and\n"
		"printed first; repeats are dropped. Events the journal cannot give are\n"
		"reported on stderr (\"gap: missed events 17-19 (why)\"). Without --from the\n"
		"stream starts with the first live event. Ctrl-C ends cleanly with status 0.\n",
		ctl_progname);
}

struct watch_opts {
	bool json;
	unsigned long count;	/* 0: unlimited */
	unsigned long received;
	double timeout_s;	/* 0: none */
	const char *events;
};

static int watch_event(const Tetrabridge__V1__Event *ev, void *data)
{
	struct watch_opts *o = data;

	if (o->json) {
		if (tb_print_event_json(stdout, ev) < 0) {
			fprintf(stderr, "%s: out of memory formatting event #%" PRIu64 "\n", ctl_progname, ev->seq);
			return EXIT_FAILURE;
		}
	} else {
		tb_print_event_local(stdout, ev);
	}
	fflush(stdout);
	o->received++;
	if (o->count && o->received >= o->count)
		return EXIT_SUCCESS;
	return CTL_CONTINUE;
}

enum {
	OPT_FROM = CTL_OPT_FIRST_FREE,
	OPT_NO_REPLAY,
};

int ctl_cmd_watch(int argc, char **argv)
{
	static const struct option long_opts[] = {
		CTL_CONN_LONG_OPTS,
		{ "endpoint", required_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "topic", required_argument, NULL, 't' },
		{ "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "no-replay", no_argument, NULL, OPT_NO_REPLAY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_conn_opts conn = { 0 };
	struct ctl_client cl = CTL_CLIENT_INIT;
	struct ctl_stream_opts so = { 0 };
	struct watch_opts o = { 0 };
	const char **topics;
	int c, rc;

	topics = calloc((size_t)argc + 1, sizeof(*topics));
	if (!topics) {
		fprintf(stderr, "%s: out of memory\n", ctl_progname);
		return EXIT_FAILURE;
	}
	so.topics = topics;

	optind = 0;	/* 0: GNU getopt starts afresh (main parsed with "+") */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":e:jt:n:T:h", long_opts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'e':
			if ((rc = ctl_conn_opt(&conn, "watch", CTL_OPT_EVENTS, optarg)) != 1)
				goto out;
			break;
		case 'j':
			o.json = true;
			break;
		case 't':
			topics[so.n_topics++] = optarg;
			break;
		case 'n': {
			unsigned long long v;
			errno = 0;
			v = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || v == 0 || optarg[0] == '-' || v > ULONG_MAX) {
				rc = ctl_usage_error("watch", "--count wants a positive whole number, not \"%s\"", optarg);
				goto out;
			}
			o.count = (unsigned long)v;
			break;
		}
		case 'T':
			if (!ctl_parse_seconds(optarg, &o.timeout_s)) {
				rc = ctl_usage_error("watch", "--timeout wants a number of seconds > 0, not \"%s\"", optarg);
				goto out;
			}
			break;
		case OPT_FROM: {
			unsigned long long v;
			errno = 0;
			v = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || v == 0 || optarg[0] == '-') {
				rc = ctl_usage_error("watch", "--from wants a seq >= 1, not \"%s\"", optarg);
				goto out;
			}
			so.have_from = true;
			so.from = v;
			break;
		}
		case OPT_NO_REPLAY:
			so.no_replay = true;
			break;
		case 'h':
			usage_watch(stdout);
			rc = EXIT_SUCCESS;
			goto out;
		default:
			if ((rc = ctl_conn_opt_or_error(&conn, "watch", c, argv)) != 1)
				goto out;
			break;
		}
	}
	if ((rc = ctl_no_more_args("watch", argc, argv)))
		goto out;
	if (so.have_from && so.no_replay) {
		rc = ctl_usage_error("watch", "--from reads the journal, which --no-replay forbids: give one of them");
		goto out;
	}

	rc = ctl_connect(&cl, &conn, "watch");
	if (rc)
		goto out;

	o.events = conn.events;
	so.idle_timeout_s = o.timeout_s;
	so.fn = watch_event;
	so.data = &o;
	rc = ctl_stream_run(&cl, &so);
	if (rc == CTL_STREAM_TIMEOUT) {
		fprintf(stderr, "%s: timeout: no event for %g s from %s (%lu received)\n", ctl_progname, o.timeout_s,
			conn.events, o.received);
		rc = CTL_EXIT_TIMEOUT;
	} else if (rc == CTL_STREAM_SIGNAL) {
		rc = EXIT_SUCCESS;	/* SIGINT / SIGTERM: a clean end */
	}
out:
	ctl_disconnect(&cl);
	free(topics);
	return rc;
}
