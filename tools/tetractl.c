/* tetractl: the command-line client of tetra-bridged.
 *
 *   tetractl watch   follow the event stream (PUB socket)
 *
 * More subcommands (send, radios, replay, decode, keygen) join the table
 * `subcommands[]` below: each gets (argc, argv) starting at its own name and
 * returns the process exit status.
 *
 * Exit status: 0 success, 1 runtime failure, 2 timeout (watch --timeout),
 * 64 usage error (EX_USAGE).
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

#include <jansson.h>
#include <zmq.h>

#include "codecs/tetra_names.h"
#include "ipc/event_kind.h"
#include "ipc/pb_json.h"
#include "ipc/tetra_bridge.pb-c.h"
#include "ipc/version.h"

#define TB_DEFAULT_EVENTS	"tcp://127.0.0.1:5560"
#define TB_ENV_EVENTS		"TETRA_BRIDGE_EVENTS"

#define EXIT_TIMEOUT		2

static const char *progname = "tetractl";

/* ---------------------------------------------------------------------- */
/* Subcommand table */

struct subcommand {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

static int cmd_watch(int argc, char **argv);

static const struct subcommand subcommands[] = {
	{ "watch", "follow the event stream, one line per event", cmd_watch },
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
		"Exit status: 0 ok, 1 failure, 2 timeout, 64 usage error.\n", progname);
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
/* Formatting events for people */

/* An identity as a 17-digit TSI (MCC 4, MNC 5, SSI 8 digits), a plain SSI,
 * or the external number. */
static const char *fmt_identity(const Tetrabridge__V1__Identity *id, char *buf, size_t len)
{
	if (!id || id->type == TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_NONE) {
		snprintf(buf, len, "-");
		return buf;
	}
	switch (id->type) {
	case TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_PABX:
	case TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_PSTN:
		if (id->digits && id->digits[0]) {
			snprintf(buf, len, "%s", id->digits);
			return buf;
		}
		break;
	case TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_TSI:
	case TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_EXTENDED_TSI:
		snprintf(buf, len, "%04u%05u%08u", id->mcc, id->mnc, id->ssi);
		return buf;
	default:
		break;
	}
	if (id->mcc || id->mnc)
		snprintf(buf, len, "%04u%05u%08u", id->mcc, id->mnc, id->ssi);
	else
		snprintf(buf, len, "%u", id->ssi);
	return buf;
}

static const char *radio_state_name(Tetrabridge__V1__RadioState__State s)
{
	switch (s) {
	case TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_ONLINE:
		return "online";
	case TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_OFFLINE:
		return "offline";
	default:
		return "unknown";
	}
}

static const char *short_report_name(Tetrabridge__V1__ShortReport__Type t)
{
	switch (t) {
	case TETRABRIDGE__V1__SHORT_REPORT__TYPE__PROTOCOL_NOT_SUPPORTED:
		return "protocol not supported";
	case TETRABRIDGE__V1__SHORT_REPORT__TYPE__MEMORY_FULL:
		return "memory full";
	case TETRABRIDGE__V1__SHORT_REPORT__TYPE__RECEIVED:
		return "received";
	case TETRABRIDGE__V1__SHORT_REPORT__TYPE__CONSUMED:
		return "consumed";
	default:
		return "unlisted";
	}
}

static const char *tx_kind_name(Tetrabridge__V1__TxChange__Kind k)
{
	switch (k) {
	case TETRABRIDGE__V1__TX_CHANGE__KIND__GRANT:
		return "grant";
	case TETRABRIDGE__V1__TX_CHANGE__KIND__CEASED:
		return "ceased";
	case TETRABRIDGE__V1__TX_CHANGE__KIND__INTERRUPT:
		return "interrupt";
	case TETRABRIDGE__V1__TX_CHANGE__KIND__WAIT:
		return "wait";
	default:
		return "unlisted";
	}
}

/* The body of a line: the essentials of each kind. */
static void print_body(FILE *out, const Tetrabridge__V1__Event *ev)
{
	char a[40], b[40];

	switch (ev->body_case) {
	case TETRABRIDGE__V1__EVENT__BODY_RADIO_STATE: {
		const Tetrabridge__V1__RadioState *r = ev->radio_state;
		fprintf(out, " %s", radio_state_name(r->state));
		if (r->transport && r->transport[0])
			fprintf(out, " %s", r->transport);
		if (r->identity)
			fprintf(out, " %s", fmt_identity(r->identity, a, sizeof(a)));
		if (r->reason && r->reason[0])
			fprintf(out, " (%s)", r->reason);
		break;
	}
	case TETRABRIDGE__V1__EVENT__BODY_STATUS: {
		const Tetrabridge__V1__Status *s = ev->status;
		fprintf(out, " 0x%04X%s %s->%s", s->value, s->value == 0 ? " (emergency)" : "",
			fmt_identity(s->calling, a, sizeof(a)), fmt_identity(s->called, b, sizeof(b)));
		break;
	}
	case TETRABRIDGE__V1__EVENT__BODY_SHORT_REPORT: {
		const Tetrabridge__V1__ShortReport *s = ev->short_report;
		fprintf(out, " %s ref %u %s->%s", short_report_name(s->type), s->message_reference,
			fmt_identity(s->calling, a, sizeof(a)), fmt_identity(s->called, b, sizeof(b)));
		break;
	}
	case TETRABRIDGE__V1__EVENT__BODY_SDS_RAW: {
		const Tetrabridge__V1__SdsRaw *s = ev->sds_raw;
		size_t i;
		if (s->ai_service >= 9 && s->ai_service <= 12)
			fprintf(out, " type %u", s->ai_service - 8);
		else
			fprintf(out, " ai %u", s->ai_service);
		if (s->ai_service == 12)
			fprintf(out, " pid 0x%02X", s->protocol_id);
		fprintf(out, " %u bits %s->%s ", s->bit_length,
			fmt_identity(s->calling, a, sizeof(a)), fmt_identity(s->called, b, sizeof(b)));
		for (i = 0; s->data.data && i < s->data.len; i++)
			fprintf(out, "%02X", s->data.data[i]);
		break;
	}
	case TETRABRIDGE__V1__EVENT__BODY_CALL_SETUP: {
		const Tetrabridge__V1__CallSetup *c = ev->call_setup;
		fprintf(out, " call %u %s->%s %s", c->call_id,
			fmt_identity(c->calling, a, sizeof(a)), fmt_identity(c->called, b, sizeof(b)),
			c->group ? "group" : "individual");
		fprintf(out, " %s", c->simplex ? "simplex" : "duplex");
		if (c->encrypted)
			fprintf(out, " e2ee");
		if (c->priority)
			fprintf(out, " priority %u", c->priority);
		break;
	}
	case TETRABRIDGE__V1__EVENT__BODY_CALL_CONNECT: {
		const Tetrabridge__V1__CallConnect *c = ev->call_connect;
		fprintf(out, " call %u connected %s", c->call_id, c->simplex ? "simplex" : "duplex");
		if (c->encrypted)
			fprintf(out, " e2ee");
		break;
	}
	case TETRABRIDGE__V1__EVENT__BODY_TX: {
		const Tetrabridge__V1__TxChange *t = ev->tx;
		fprintf(out, " call %u %s", t->call_id, tx_kind_name(t->kind));
		if (t->kind == TETRABRIDGE__V1__TX_CHANGE__KIND__GRANT)
			fprintf(out, " %s", tetra_tx_grant_name(t->grant));
		if (t->talker && t->talker->type != TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_NONE)
			fprintf(out, " talker %s", fmt_identity(t->talker, a, sizeof(a)));
		if (t->encrypted)
			fprintf(out, " e2ee");
		break;
	}
	case TETRABRIDGE__V1__EVENT__BODY_CALL_RELEASE: {
		const Tetrabridge__V1__CallRelease *c = ev->call_release;
		const char *text = (c->cause_text && c->cause_text[0]) ? c->cause_text
								   : tetra_disconnect_cause_name(c->cause);
		fprintf(out, " call %u released: %s (cause %u)", c->call_id, text, c->cause);
		break;
	}
	default:
		break;
	}
}

/* "HH:MM:SS.mmm radio kind #seq ..." in local time. */
static void print_line(FILE *out, const Tetrabridge__V1__Event *ev)
{
	uint64_t us = ev->time_us;
	struct tm tm;
	time_t t;
	char hms[16] = "??:??:??";

	if (!us) {
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		us = (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000u;
	}
	t = (time_t)(us / 1000000u);
	if (localtime_r(&t, &tm))
		strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	fprintf(out, "%s.%03u %s %s #%" PRIu64, hms, (unsigned)(us / 1000u % 1000u),
		(ev->radio && ev->radio[0]) ? ev->radio : "-", tb_event_kind(ev), ev->seq);
	print_body(out, ev);
	fputc('\n', out);
}

static int print_json(FILE *out, const Tetrabridge__V1__Event *ev)
{
	json_t *j = tb_pb_to_json(&ev->base);
	char *s;

	if (!j)
		return -ENOMEM;
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!s)
		return -ENOMEM;
	fprintf(out, "%s\n", s);
	free(s);
	return 0;
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
				if (print_json(stdout, ev) < 0) {
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
