/* tetractl: the command-line client of tetra-bridged.
 *
 *   tetractl watch        follow the event stream, gap-free (PUB socket + replay)
 *   tetractl radios       list the bridge's radios
 *   tetractl send-status  send a status; send-text a text; locate asks for a position
 *   tetractl replay       print events from the bridge's journal
 *   tetractl keygen       make a CURVE key pair
 *   tetractl decode       decode a raw PEI trace into the events the bridge
 *                         would publish (offline, no daemon)
 *
 * Each subcommand in `subcommands[]` gets (argc, argv) starting at its own
 * name and returns the process exit status. The ones that talk to the
 * bridge live in ctl_commands.c, the connection (options, config file,
 * CURVE, one command -> one reply) in ctl_client.c, the gap-free stream in
 * ctl_stream.c.
 *
 * Exit status: 0 success, 1 runtime failure, 2 timeout, 3 some trace lines
 * did not decode (decode), 64 usage error (EX_USAGE).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "codecs/codec_err.h"
#include "ipc/tetra_bridge.pb-c.h"
#include "ipc/version.h"
#include "tools/ctl_client.h"
#include "tools/ctl_commands.h"
#include "tools/ctl_stream.h"
#include "tools/event_print.h"
#include "tools/trace_decode.h"

/* ---------------------------------------------------------------------- */
/* Subcommand table */

struct subcommand {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

static int cmd_watch(int argc, char **argv);
static int cmd_decode(int argc, char **argv);

static const struct subcommand subcommands[] = {
	{ "watch", "follow the event stream, one line per event, without gaps", cmd_watch },
	{ "radios", "list the bridge's radios and their state", ctl_cmd_radios },
	{ "send-status", "send a status value from a radio", ctl_cmd_send_status },
	{ "send-text", "send a text message from a radio", ctl_cmd_send_text },
	{ "locate", "ask a terminal for its position", ctl_cmd_locate },
	{ "replay", "print events from the bridge's journal", ctl_cmd_replay },
	{ "keygen", "make a CURVE key pair (BASE.key, BASE.pub)", ctl_cmd_keygen },
	{ "decode", "decode a raw PEI trace into events, offline", cmd_decode },
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
		"64 usage error.\n", ctl_progname);
}

/* ---------------------------------------------------------------------- */
/* watch */

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

static int cmd_watch(int argc, char **argv)
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
	struct ctl_client cl = { .sigfd = -1 };
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
		case ':':
			rc = ctl_usage_error("watch", "option %s needs a value", argv[optind - 1]);
			goto out;
		case '?':
			if (optopt)
				rc = ctl_usage_error("watch", "unknown option -%c", optopt);
			else
				rc = ctl_usage_error("watch", "unknown option %s", argv[optind - 1]);
			goto out;
		default:
			rc = ctl_conn_opt(&conn, "watch", c, optarg);
			if (rc != 1) {
				if (!rc)
					rc = ctl_usage_error("watch", "unknown option %s", argv[optind - 1]);
				goto out;
			}
			break;
		}
	}
	if (optind < argc) {
		rc = ctl_usage_error("watch", "unexpected argument \"%s\"", argv[optind]);
		goto out;
	}
	if (so.have_from && so.no_replay) {
		rc = ctl_usage_error("watch", "--from reads the journal, which --no-replay forbids: give one of them");
		goto out;
	}

	rc = ctl_conn_resolve(&conn, "watch");
	if (rc)
		goto out;
	rc = ctl_client_open(&cl, &conn);
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
	ctl_client_close(&cl);
	ctl_conn_release(&conn);
	free(topics);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* decode */

static void usage_decode(FILE *out)
{
	fprintf(out,
		"Usage: %s decode [--json] [FILE]\n"
		"\n"
		"Decode a raw PEI trace -- exactly what a terminal printed, lines ending in\n"
		"CR LF or LF -- into the events tetra-bridged would publish for it, and\n"
		"print them as 'watch' does. FILE \"-\" or none reads standard input.\n"
		"\n"
		"Command echo (AT...), OK and ERROR, the SDS prompt and the echo of user\n"
		"data are skipped; a +CTSDSR header is paired with its hex user-data line;\n"
		"the parts of a concatenated text are joined into one text event, and\n"
		"texts still missing parts at the end of the input are reported as\n"
		"text_incomplete. Events have radio \"" TB_TRACE_RADIO "\", bridge \"" TB_TRACE_BRIDGE "\", time 0\n"
		"and seq 1, 2, 3 ...; the readable form starts with the trace line the\n"
		"event came from (\"line 12\"; \"end\" for texts given up at the end).\n"
		"\n"
		"  -j, --json   one JSON object per event, as 'watch --json' prints it\n"
		"  -h, --help   this text\n"
		"\n"
		"A line that does not decode is reported on stderr by its number, result\n"
		"code and reason, never its content: \"line 7: +CTICN: cannot decode:\n"
		"syntax\".\n"
		"\n"
		"Exit status: 0 every line decoded, 3 some lines did not (the rest is still\n"
		"printed), 1 the input could not be read or the output not written,\n"
		"64 usage error.\n",
		ctl_progname);
}

struct decode_out {
	bool json;
	bool failed;	/* out of memory formatting an event */
};

static void decode_event_cb(const Tetrabridge__V1__Event *ev, unsigned long line, void *data)
{
	struct decode_out *o = data;
	char when[32];

	if (o->json) {
		if (tb_print_event_json(stdout, ev) < 0)
			o->failed = true;
		return;
	}
	if (line)
		snprintf(when, sizeof(when), "line %lu", line);
	else
		snprintf(when, sizeof(when), "end");
	tb_print_event(stdout, ev, when);
}

static void decode_error_cb(unsigned long line, const char *urc, int err, void *data)
{
	fflush(stdout);	/* keep stdout and stderr in line order on a terminal */
	fprintf(stderr, "line %lu: %s%scannot decode: %s\n", line, urc, urc[0] ? ": " : "",
		tetra_codec_strerror(err));
}

static int decode_stream(FILE *in, const char *name, bool json)
{
	static const struct tb_trace_callbacks cbs = { .event = decode_event_cb, .error = decode_error_cb };
	struct decode_out o = { .json = json };
	struct tb_trace_decoder *d;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc;

	d = tb_trace_decoder_new(&cbs, &o);
	if (!d) {
		fprintf(stderr, "%s: out of memory\n", ctl_progname);
		return EXIT_FAILURE;
	}
	while ((n = getline(&buf, &cap, in)) >= 0 && !o.failed)
		tb_trace_line(d, buf, (size_t)n);
	free(buf);
	if (ferror(in)) {
		fprintf(stderr, "%s: cannot read %s: %s\n", ctl_progname, name, strerror(errno));
		tb_trace_decoder_free(d);
		return EXIT_FAILURE;
	}
	tb_trace_finish(d);

	if (o.failed) {
		fprintf(stderr, "%s: out of memory formatting an event\n", ctl_progname);
		rc = EXIT_FAILURE;
	} else if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: cannot write the events: %s\n", ctl_progname, strerror(errno));
		rc = EXIT_FAILURE;
	} else {
		rc = tb_trace_stats(d)->undecoded ? CTL_EXIT_UNDECODED : EXIT_SUCCESS;
	}
	tb_trace_decoder_free(d);
	return rc;
}

static int cmd_decode(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = "-";
	bool json = false;
	FILE *in;
	int c, rc;

	optind = 0;	/* 0: GNU getopt starts afresh (main parsed with "+") */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			usage_decode(stdout);
			return EXIT_SUCCESS;
		case '?':
		default:
			if (optopt)
				return ctl_usage_error("decode", "unknown option -%c", optopt);
			return ctl_usage_error("decode", "unknown option %s", argv[optind - 1]);
		}
	}
	if (argc - optind > 1)
		return ctl_usage_error("decode", "one trace file at most, not \"%s\" too", argv[optind + 1]);
	if (optind < argc)
		path = argv[optind];

	if (!strcmp(path, "-"))
		return decode_stream(stdin, "standard input", json);
	in = fopen(path, "r");
	if (!in) {
		fprintf(stderr, "%s: cannot open %s: %s\n", ctl_progname, path, strerror(errno));
		return EXIT_FAILURE;
	}
	rc = decode_stream(in, path, json);
	fclose(in);
	return rc;
}

/* ---------------------------------------------------------------------- */

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
