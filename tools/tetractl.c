/* tetractl: the command-line client of tetra-bridged.
 *
 *   tetractl watch   follow the event stream (PUB socket)
 *   tetractl decode  decode a raw PEI trace into the events the bridge
 *                    would publish (offline, no daemon)
 *
 * More subcommands (send, radios, replay, decode, keygen) join the table
 * `subcommands[]` below: each gets (argc, argv) starting at its own name and
 * returns the process exit status.
 *
 * Exit status: 0 success, 1 runtime failure, 2 timeout (watch --timeout),
 * 3 some trace lines did not decode (decode), 64 usage error (EX_USAGE).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <zmq.h>

#include "codecs/codec_err.h"
#include "ipc/tetra_bridge.pb-c.h"
#include "ipc/version.h"
#include "tools/event_print.h"
#include "tools/trace_decode.h"

#define TB_DEFAULT_EVENTS	"tcp://127.0.0.1:5560"
#define TB_ENV_EVENTS		"TETRA_BRIDGE_EVENTS"

#define EXIT_TIMEOUT		2
#define EXIT_UNDECODED		3

static const char *progname = "tetractl";

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
	{ "watch", "follow the event stream, one line per event", cmd_watch },
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
		"Commands:\n", progname);
	for (i = 0; i < N_SUBCOMMANDS; i++)
		fprintf(out, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(out,
		"\n"
		"Run '%s <command> --help' for the options of a command.\n"
		"Exit status: 0 ok, 1 failure, 2 timeout, 3 trace lines not decoded,\n"
		"64 usage error.\n", progname);
}

static int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "\nTry '%s %s --help'.\n", progname, cmd);
	else
		fprintf(stderr, "\nTry '%s --help'.\n", progname);
	return EX_USAGE;
}

/* ---------------------------------------------------------------------- */
/* watch's line: "HH:MM:SS.mmm radio kind #seq ..." in local time */

static void print_line(FILE *out, const Tetrabridge__V1__Event *ev)
{
	uint64_t us = ev->time_us;
	struct tm tm;
	time_t t;
	char hms[16] = "??:??:??", when[32];

	if (!us) {
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		us = (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000u;
	}
	t = (time_t)(us / 1000000u);
	if (localtime_r(&t, &tm))
		strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	snprintf(when, sizeof(when), "%s.%03u", hms, (unsigned)(us / 1000u % 1000u));
	tb_print_event(out, ev, when);
}

/* ---------------------------------------------------------------------- */
/* Gap detection: seq is gap-free per bridge. Only meaningful when every
 * event is subscribed (no --topic). */

struct seq_track {
	char *bridge;
	uint64_t last;
	struct seq_track *next;
};

static void seq_check(struct seq_track **head, const Tetrabridge__V1__Event *ev)
{
	const char *bridge = ev->bridge ? ev->bridge : "";
	struct seq_track *t;

	for (t = *head; t; t = t->next)
		if (!strcmp(t->bridge, bridge))
			break;
	if (!t) {
		t = calloc(1, sizeof(*t));
		if (!t || !(t->bridge = strdup(bridge))) {
			free(t);
			return;
		}
		t->last = ev->seq;
		t->next = *head;
		*head = t;
		return;
	}
	if (ev->seq == t->last + 1) {
		/* the usual case */
	} else if (ev->seq > t->last + 1) {
		uint64_t from = t->last + 1, to = ev->seq - 1;
		if (from == to)
			fprintf(stderr, "gap: missed event %" PRIu64 "%s%s\n", from,
				bridge[0] ? " from bridge " : "", bridge);
		else
			fprintf(stderr, "gap: missed events %" PRIu64 "-%" PRIu64 "%s%s\n", from, to,
				bridge[0] ? " from bridge " : "", bridge);
	} else {
		fprintf(stderr, "warning: seq went back from %" PRIu64 " to %" PRIu64 "%s%s\n",
			t->last, ev->seq, bridge[0] ? " on bridge " : "", bridge);
	}
	t->last = ev->seq;
}

static void seq_free(struct seq_track **head)
{
	while (*head) {
		struct seq_track *t = *head;
		*head = t->next;
		free(t->bridge);
		free(t);
	}
}

/* ---------------------------------------------------------------------- */
/* watch */

static void usage_watch(FILE *out)
{
	fprintf(out,
		"Usage: %s watch [--endpoint EP] [--json] [--topic PREFIX]... [--count N]\n"
		"                [--timeout SECONDS]\n"
		"\n"
		"Subscribe to the events of tetra-bridged and print one line per event:\n"
		"local time, radio, kind, #seq and the essentials of the event.\n"
		"\n"
		"  -e, --endpoint EP     events endpoint (default: $" TB_ENV_EVENTS ", else\n"
		"                        " TB_DEFAULT_EVENTS ")\n"
		"  -j, --json            print each event as one JSON object per line (the\n"
		"                        Event message in the proto3 JSON mapping, defaults\n"
		"                        included; the topic is not printed)\n"
		"  -t, --topic PREFIX    only events whose topic \"<kind>.<radio>\" starts with\n"
		"                        PREFIX, e.g. \"status.\" or \"tx.lvs-1\"; repeatable\n"
		"  -n, --count N         exit 0 after N events\n"
		"  -T, --timeout SECONDS exit 2 if no event arrives for SECONDS (decimals allowed)\n"
		"  -h, --help            this text\n"
		"\n"
		"Gaps in seq are reported on stderr (\"gap: missed events 17-19\") unless\n"
		"--topic narrows the stream. Ctrl-C ends cleanly with status 0.\n",
		progname);
}

struct watch_opts {
	const char *endpoint;
	bool json;
	const char **topics;
	unsigned n_topics;
	unsigned long count;	/* 0: unlimited */
	double timeout_s;	/* 0: none */
};

/* Seconds -> milliseconds, rounded up (at least 1 ms). */
static int64_t timeout_ms(double s)
{
	int64_t ms = (int64_t)(s * 1000.0);
	return (double)ms < s * 1000.0 || ms == 0 ? ms + 1 : ms;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Receive one message (all frames). Frame 1 = topic, frame 2 = Event.
 * Returns the unpacked event (free with tetrabridge__v1__event__free_unpacked),
 * or NULL when the message was not a decodable event (a warning is printed). */
static Tetrabridge__V1__Event *recv_event(void *sock, char *topic, size_t topic_size, int *err)
{
	zmq_msg_t frame;
	Tetrabridge__V1__Event *ev = NULL;
	int more = 0, nframe = 0;
	size_t more_len;

	*err = 0;
	topic[0] = '\0';
	do {
		zmq_msg_init(&frame);
		if (zmq_msg_recv(&frame, sock, ZMQ_DONTWAIT) < 0) {
			*err = zmq_errno();
			zmq_msg_close(&frame);
			if (ev)
				tetrabridge__v1__event__free_unpacked(ev, NULL);
			return NULL;
		}
		if (nframe == 0) {
			size_t n = zmq_msg_size(&frame);
			if (n >= topic_size)
				n = topic_size - 1;
			memcpy(topic, zmq_msg_data(&frame), n);
			topic[n] = '\0';
		} else if (nframe == 1) {
			ev = tetrabridge__v1__event__unpack(NULL, zmq_msg_size(&frame), zmq_msg_data(&frame));
			if (!ev)
				fprintf(stderr, "warning: cannot decode the event on topic \"%s\" (%zu bytes); skipped\n",
					topic, zmq_msg_size(&frame));
		}
		nframe++;
		more_len = sizeof(more);
		if (zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &more_len) < 0)
			more = 0;
		zmq_msg_close(&frame);
	} while (more);

	if (nframe == 1)
		fprintf(stderr, "warning: message on topic \"%s\" without an event frame; skipped\n", topic);
	return ev;
}

static int watch_loop(const struct watch_opts *o)
{
	void *zctx = NULL, *sock = NULL;
	int sfd = -1, rc = EXIT_FAILURE, linger = 0;
	unsigned long received = 0;
	struct seq_track *seqs = NULL;
	sigset_t mask;
	int64_t deadline = 0;
	unsigned i;

	/* Signals arrive on a signalfd polled with the socket: no race between
	 * a check of a flag and the wait. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0 || (sfd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0) {
		fprintf(stderr, "%s: cannot set up signal handling: %s\n", progname, strerror(errno));
		return EXIT_FAILURE;
	}

	zctx = zmq_ctx_new();
	if (!zctx) {
		fprintf(stderr, "%s: cannot create a ZeroMQ context: %s\n", progname, zmq_strerror(zmq_errno()));
		goto out;
	}
	sock = zmq_socket(zctx, ZMQ_SUB);
	if (!sock) {
		fprintf(stderr, "%s: cannot create a SUB socket: %s\n", progname, zmq_strerror(zmq_errno()));
		goto out;
	}
	zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof(linger));
	if (o->n_topics == 0) {
		zmq_setsockopt(sock, ZMQ_SUBSCRIBE, "", 0);
	} else {
		for (i = 0; i < o->n_topics; i++)
			zmq_setsockopt(sock, ZMQ_SUBSCRIBE, o->topics[i], strlen(o->topics[i]));
	}
	if (zmq_connect(sock, o->endpoint) < 0) {
		int e = zmq_errno();
		fprintf(stderr, "%s: cannot connect to events endpoint %s: %s\n", progname, o->endpoint,
			zmq_strerror(e));
		rc = (e == EINVAL || e == EPROTONOSUPPORT) ? EX_USAGE : EXIT_FAILURE;
		goto out;
	}

	if (o->timeout_s > 0)
		deadline = now_ms() + timeout_ms(o->timeout_s);

	for (;;) {
		zmq_pollitem_t items[2] = {
			{ .socket = sock, .events = ZMQ_POLLIN },
			{ .fd = sfd, .events = ZMQ_POLLIN },
		};
		long wait_ms = -1;
		int n;

		if (deadline) {
			int64_t left = deadline - now_ms();
			if (left <= 0) {
				fprintf(stderr, "%s: timeout: no event for %g s from %s (%lu received)\n",
					progname, o->timeout_s, o->endpoint, received);
				rc = EXIT_TIMEOUT;
				goto out;
			}
			wait_ms = left > LONG_MAX ? LONG_MAX : (long)left;
		}

		n = zmq_poll(items, 2, wait_ms);
		if (n < 0) {
			if (zmq_errno() == EINTR)
				continue;
			fprintf(stderr, "%s: poll failed: %s\n", progname, zmq_strerror(zmq_errno()));
			goto out;
		}
		if (items[1].revents & ZMQ_POLLIN) {
			rc = EXIT_SUCCESS;	/* SIGINT / SIGTERM: a clean end */
			goto out;
		}
		if (!(items[0].revents & ZMQ_POLLIN))
			continue;

		/* Drain everything that is queued. */
		for (;;) {
			char topic[256];
			Tetrabridge__V1__Event *ev;
			int err;

			ev = recv_event(sock, topic, sizeof(topic), &err);
			if (err == EAGAIN)
				break;
			if (err) {
				fprintf(stderr, "%s: receive failed: %s\n", progname, zmq_strerror(err));
				goto out;
			}
			if (!ev)
				continue;

			if (o->n_topics == 0)
				seq_check(&seqs, ev);
			if (o->json) {
				if (tb_print_event_json(stdout, ev) < 0) {
					fprintf(stderr, "%s: out of memory formatting event #%" PRIu64 "\n",
						progname, ev->seq);
					tetrabridge__v1__event__free_unpacked(ev, NULL);
					goto out;
				}
			} else {
				print_line(stdout, ev);
			}
			fflush(stdout);
			tetrabridge__v1__event__free_unpacked(ev, NULL);

			received++;
			if (o->count && received >= o->count) {
				rc = EXIT_SUCCESS;
				goto out;
			}
			if (deadline)
				deadline = now_ms() + timeout_ms(o->timeout_s);
		}
	}

out:
	seq_free(&seqs);
	if (sock)
		zmq_close(sock);
	if (zctx)
		zmq_ctx_term(zctx);
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_UNBLOCK, &mask, NULL);
	return rc;
}

static int cmd_watch(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "endpoint", required_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "topic", required_argument, NULL, 't' },
		{ "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct watch_opts o = { 0 };
	const char *env = getenv(TB_ENV_EVENTS);
	int c, rc;

	o.endpoint = (env && env[0]) ? env : TB_DEFAULT_EVENTS;
	o.topics = calloc((size_t)argc + 1, sizeof(*o.topics));
	if (!o.topics) {
		fprintf(stderr, "%s: out of memory\n", progname);
		return EXIT_FAILURE;
	}

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":e:jt:n:T:h", long_opts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'e':
			if (!optarg[0]) {
				rc = usage_error("watch", "--endpoint needs an endpoint such as %s", TB_DEFAULT_EVENTS);
				goto out;
			}
			o.endpoint = optarg;
			break;
		case 'j':
			o.json = true;
			break;
		case 't':
			o.topics[o.n_topics++] = optarg;
			break;
		case 'n': {
			unsigned long long v;
			errno = 0;
			v = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || v == 0 || optarg[0] == '-' || v > ULONG_MAX) {
				rc = usage_error("watch", "--count wants a positive whole number, not \"%s\"", optarg);
				goto out;
			}
			o.count = (unsigned long)v;
			break;
		}
		case 'T': {
			double v;
			errno = 0;
			v = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(v > 0) || v > 86400.0 * 365) {
				rc = usage_error("watch", "--timeout wants a number of seconds > 0, not \"%s\"", optarg);
				goto out;
			}
			o.timeout_s = v;
			break;
		}
		case 'h':
			usage_watch(stdout);
			rc = EXIT_SUCCESS;
			goto out;
		case ':':
			rc = usage_error("watch", "option %s needs a value", argv[optind - 1]);
			goto out;
		case '?':
		default:
			if (optopt)
				rc = usage_error("watch", "unknown option -%c", optopt);
			else
				rc = usage_error("watch", "unknown option %s", argv[optind - 1]);
			goto out;
		}
	}
	if (optind < argc) {
		rc = usage_error("watch", "unexpected argument \"%s\"", argv[optind]);
		goto out;
	}

	rc = watch_loop(&o);
out:
	free(o.topics);
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
		progname);
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
		fprintf(stderr, "%s: out of memory\n", progname);
		return EXIT_FAILURE;
	}
	while ((n = getline(&buf, &cap, in)) >= 0 && !o.failed)
		tb_trace_line(d, buf, (size_t)n);
	free(buf);
	if (ferror(in)) {
		fprintf(stderr, "%s: cannot read %s: %s\n", progname, name, strerror(errno));
		tb_trace_decoder_free(d);
		return EXIT_FAILURE;
	}
	tb_trace_finish(d);

	if (o.failed) {
		fprintf(stderr, "%s: out of memory formatting an event\n", progname);
		rc = EXIT_FAILURE;
	} else if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: cannot write the events: %s\n", progname, strerror(errno));
		rc = EXIT_FAILURE;
	} else {
		rc = tb_trace_stats(d)->undecoded ? EXIT_UNDECODED : EXIT_SUCCESS;
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

	optind = 1;
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
				return usage_error("decode", "unknown option -%c", optopt);
			return usage_error("decode", "unknown option %s", argv[optind - 1]);
		}
	}
	if (argc - optind > 1)
		return usage_error("decode", "one trace file at most, not \"%s\" too", argv[optind + 1]);
	if (optind < argc)
		path = argv[optind];

	if (!strcmp(path, "-"))
		return decode_stream(stdin, "standard input", json);
	in = fopen(path, "r");
	if (!in) {
		fprintf(stderr, "%s: cannot open %s: %s\n", progname, path, strerror(errno));
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
				return usage_error(NULL, "unknown option -%c", optopt);
			return usage_error(NULL, "unknown option %s", argv[optind - 1]);
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
	return usage_error(NULL, "unknown command \"%s\"", argv[optind]);
}
