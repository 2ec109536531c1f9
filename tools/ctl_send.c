/* tetractl send-status, send-text and locate: one command that queues a
 * message in the bridge, and with --wait the message's steps until its
 * last. The three share their options, TO, the sending and the waiting.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tools/ctl_commands.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/ctl_client.h"
#include "tools/ctl_stream.h"
#include "tools/event_print.h"

enum {
	OPT_DEADLINE = CTL_OPT_FIRST_FREE,
	OPT_QUEUE_IF_OFFLINE,
	OPT_WAIT,
	OPT_REPORT,
	OPT_LONG,
};

#define SEND_HELP \
	"      --deadline S      fail the message when it is not sent within S seconds\n" \
	"                        (default: the bridge's)\n" \
	"      --queue-if-offline  queue it even when the radio is offline now (else the\n" \
	"                        bridge refuses with RADIO_OFFLINE)\n" \
	"      --wait            follow the message until its last step and print each\n" \
	"                        step; exit 0 when it ends sent, delivered or consumed,\n" \
	"                        1 when it failed, 2 when --timeout passes first\n" \
	"  -j, --json            print the reply and the steps as JSON lines\n" \
	CTL_CONN_HELP \
	"  -T, --timeout S       wait at most S seconds for the reply (default 5) and,\n" \
	"                        with --wait, for the last step (default: no limit; the\n" \
	"                        bridge's deadline ends every message)\n" \
	"  -h, --help            this text\n" \
	"\n" \
	"TO is an SSI (up to 8 digits) or a 17-digit TSI (MCC 4, MNC 5, SSI 8 digits).\n"

static void usage_send_status(FILE *out)
{
	fprintf(out,
		"Usage: %s send-status RADIO TO VALUE [options]\n"
		"\n"
		"Send a pre-coded status from the bridge's radio RADIO to TO. VALUE is\n"
		"decimal or 0x hex, 0-65535 (0 is emergency; 0x7C00-0x7FFF are SDS-TL short\n"
		"reports and refused). Prints \"queued as message N (1 part)\".\n"
		"\n"
		SEND_HELP,
		ctl_progname);
}

static void usage_send_text(FILE *out)
{
	fprintf(out,
		"Usage: %s send-text RADIO TO TEXT|- [--report none|received|consumed|both]\n"
		"                 [options]\n"
		"\n"
		"Send a text (SDS-TL text messaging; the bridge splits a long one into parts)\n"
		"from the bridge's radio RADIO to TO. \"-\" reads the text from standard\n"
		"input (one final newline is dropped). Prints \"queued as message N (P parts)\".\n"
		"\n"
		"      --report WHICH    ask the destination for delivery reports: none\n"
		"                        (default), received, consumed or both; with --wait\n"
		"                        the message then ends delivered or consumed\n"
		SEND_HELP,
		ctl_progname);
}

static void usage_locate(FILE *out)
{
	fprintf(out,
		"Usage: %s locate RADIO TO [--long] [options]\n"
		"\n"
		"Ask the terminal TO for its position now (LIP immediate location request),\n"
		"sent from the bridge's radio RADIO. The answer arrives as a location event\n"
		"from that terminal ('%s watch --topic location.').\n"
		"\n"
		"      --long            ask for a long report (default: short)\n"
		SEND_HELP,
		ctl_progname, ctl_progname);
}

struct send_opts {
	struct ctl_conn_opts conn;
	uint32_t deadline_s;
	bool queue_if_offline;
	bool wait;
	bool json;
	bool timeout_given;
	Tetrabridge__V1__ReportRequest report;
	bool long_report;
};

/* --report WHICH of send-text. */
static const struct {
	const char *name;
	Tetrabridge__V1__ReportRequest value;
} reports[] = {
	{ "none", TETRABRIDGE__V1__REPORT_REQUEST__REPORT_NONE },
	{ "received", TETRABRIDGE__V1__REPORT_REQUEST__REPORT_RECEIVED },
	{ "consumed", TETRABRIDGE__V1__REPORT_REQUEST__REPORT_CONSUMED },
	{ "both", TETRABRIDGE__V1__REPORT_REQUEST__REPORT_BOTH },
};

/* One option of the three (each lists only its own in its long options);
 * 1 when c was one, 0 when not, else an exit status. */
static int send_opt(struct send_opts *so, const char *cmd, int c, const char *arg)
{
	uint64_t v;
	size_t i;

	switch (c) {
	case OPT_REPORT:
		for (i = 0; i < sizeof(reports) / sizeof(reports[0]); i++)
			if (!strcmp(arg, reports[i].name))
				break;
		if (i == sizeof(reports) / sizeof(reports[0]))
			return ctl_usage_error(cmd, "--report wants none, received, consumed or both, not \"%s\"", arg);
		so->report = reports[i].value;
		return 1;
	case OPT_LONG:
		so->long_report = true;
		return 1;
	case OPT_DEADLINE:
		if (!ctl_parse_u64(arg, &v) || v == 0 || v > UINT32_MAX)
			return ctl_usage_error(cmd, "--deadline wants a whole number of seconds > 0, not \"%s\"", arg);
		so->deadline_s = (uint32_t)v;
		return 1;
	case OPT_QUEUE_IF_OFFLINE:
		so->queue_if_offline = true;
		return 1;
	case OPT_WAIT:
		so->wait = true;
		return 1;
	case 'j':
		so->json = true;
		return 1;
	case 'T':
		so->timeout_given = true;
		return ctl_conn_opt(&so->conn, cmd, CTL_OPT_TIMEOUT, arg);
	default:
		return ctl_conn_opt(&so->conn, cmd, c, arg);
	}
}

struct wait_state {
	uint64_t id;
	bool json;
	Tetrabridge__V1__Outgoing__State last;
	bool seen;
};

static int wait_step(const Tetrabridge__V1__Event *ev, void *data)
{
	struct wait_state *w = data;
	const Tetrabridge__V1__Outgoing *o = ev->outgoing;

	if (ev->body_case != TETRABRIDGE__V1__EVENT__BODY_OUTGOING || !o || o->message_id != w->id)
		return CTL_CONTINUE;
	if (w->json) {
		if (ctl_print_json(&ev->base))
			return EXIT_FAILURE;
	} else {
		tb_print_event_local(stdout, ev);
	}
	fflush(stdout);
	w->last = o->state;
	w->seen = true;
	if (!o->final)
		return CTL_CONTINUE;
	switch (o->state) {
	case TETRABRIDGE__V1__OUTGOING__STATE__SENT:
	case TETRABRIDGE__V1__OUTGOING__STATE__DELIVERED:
	case TETRABRIDGE__V1__OUTGOING__STATE__CONSUMED:
		return EXIT_SUCCESS;
	case TETRABRIDGE__V1__OUTGOING__STATE__FAILED:
		fprintf(stderr, "%s: message %" PRIu64 " failed: %s\n", ctl_progname, w->id,
			o->reason && o->reason[0] ? o->reason : "the bridge gave no reason");
		return EXIT_FAILURE;
	default:
		fprintf(stderr, "%s: message %" PRIu64 " ended %s\n", ctl_progname, w->id,
			tb_outgoing_state_name(o->state));
		return EXIT_FAILURE;
	}
}

/* Where the bridge's journal ends now, as the start of the stream in *o:
 * the newest seq before the command. Every step of the message comes after
 * it, so replaying from there cannot miss one, however long the
 * subscription takes to reach the bridge. Returns 0 (also when the journal
 * cannot be read: then live events only), or the exit status when the
 * bridge does not answer. */
static int journal_end(struct ctl_client *cl, struct ctl_stream_opts *o)
{
	Tetrabridge__V1__Command cmd;
	Tetrabridge__V1__Replay rp;
	Tetrabridge__V1__Reply *reply = NULL;
	int rc;

	ctl_replay_command(&cmd, &rp, 1, 1);
	rc = ctl_call_any(cl, &cmd, &reply);
	if (rc)
		return rc;
	if (reply->code == TETRABRIDGE__V1__REPLY__CODE__OK &&
	    reply->result_case == TETRABRIDGE__V1__REPLY__RESULT_REPLAY && reply->replay) {
		o->have_from = true;
		o->from = reply->replay->last_seq + 1;
	} else {
		fprintf(stderr, "warning: cannot read the bridge's journal (%s: %s); following live events only\n",
			ctl_reply_code_name(reply->code), reply->error && reply->error[0] ? reply->error : "-");
	}
	tetrabridge__v1__reply__free_unpacked(reply, NULL);
	return 0;
}

/* "queued as message N (P parts)", or the reply as JSON. Returns the exit
 * status. */
static int print_queued(const struct send_opts *so, const Tetrabridge__V1__Reply *reply)
{
	if (so->json) {
		if (ctl_print_json(&reply->base))
			return EXIT_FAILURE;
	} else {
		uint32_t parts = reply->queued->parts ? reply->queued->parts : 1;
		printf("queued as message %" PRIu64 " (%u part%s)\n", reply->queued->message_id, parts,
		       parts == 1 ? "" : "s");
	}
	fflush(stdout);
	return EXIT_SUCCESS;
}

/* Print the steps of message id until its last (--wait); --timeout counts
 * from start. Returns the exit status. */
static int follow(struct ctl_client *cl, const struct send_opts *so, struct ctl_stream_opts *sopts, uint64_t id,
		  int64_t start)
{
	static const char *const outgoing_topic[] = { "outgoing." };
	struct wait_state ws = { .id = id, .json = so->json };
	int rc;

	sopts->topics = outgoing_topic;
	sopts->n_topics = 1;
	sopts->fn = wait_step;
	sopts->data = &ws;
	if (so->timeout_given)
		sopts->deadline_ms = start + ctl_timeout_ms(so->conn.timeout_s);
	rc = ctl_stream_run(cl, sopts);
	if (rc == CTL_STREAM_TIMEOUT) {
		fprintf(stderr, "%s: timeout: message %" PRIu64 " did not reach its last step within %g s (%s%s)\n",
			ctl_progname, ws.id, so->conn.timeout_s, ws.seen ? "last step: " : "no step seen",
			ws.seen ? tb_outgoing_state_name(ws.last) : "");
		rc = CTL_EXIT_TIMEOUT;
	} else if (rc == CTL_STREAM_SIGNAL) {
		fprintf(stderr, "%s: interrupted: message %" PRIu64 " goes on in the bridge without us watching\n",
			ctl_progname, ws.id);
		rc = EXIT_FAILURE;
	}
	return rc;
}

static int run_send(const char *name, struct send_opts *so, Tetrabridge__V1__Command *cmd)
{
	struct ctl_client cl = CTL_CLIENT_INIT;
	Tetrabridge__V1__Reply *reply = NULL;
	struct ctl_stream_opts sopts = { 0 };
	int64_t start = ctl_now_ms();
	int rc;

	rc = ctl_connect(&cl, &so->conn, name);
	if (rc)
		goto out;
	if (so->wait && (rc = journal_end(&cl, &sopts)))
		goto out;

	rc = ctl_call(&cl, cmd, &reply);
	if (rc)
		goto out;
	if (reply->result_case != TETRABRIDGE__V1__REPLY__RESULT_QUEUED || !reply->queued) {
		fprintf(stderr, "%s: the bridge's reply does not say which message it queued\n", ctl_progname);
		rc = EXIT_FAILURE;
		goto out;
	}
	rc = print_queued(so, reply);
	if (rc == EXIT_SUCCESS && so->wait)
		rc = follow(&cl, so, &sopts, reply->queued->message_id, start);
out:
	if (reply)
		tetrabridge__v1__reply__free_unpacked(reply, NULL);
	ctl_disconnect(&cl);
	return rc;
}

#define SEND_LONG_OPTS \
	CTL_CONN_LONG_OPTS, \
	{ "deadline", required_argument, NULL, OPT_DEADLINE }, \
	{ "queue-if-offline", no_argument, NULL, OPT_QUEUE_IF_OFFLINE }, \
	{ "wait", no_argument, NULL, OPT_WAIT }, \
	{ "json", no_argument, NULL, 'j' }, \
	{ "timeout", required_argument, NULL, 'T' }, \
	{ "help", no_argument, NULL, 'h' }

/* RADIO and TO, the first two arguments of all three. */
static int radio_and_to(const char *cmd, int argc, char **argv, Tetrabridge__V1__Identity *to)
{
	if (argc - optind < 2)
		return ctl_usage_error(cmd, "%s",
				       argc - optind < 1 ? "which radio, and to whom? RADIO and TO are missing"
							 : "to whom? TO is missing");
	if (!argv[optind][0])
		return ctl_usage_error(cmd, "RADIO is empty: give the name of one of the bridge's radios");
	if (!ctl_parse_identity(argv[optind + 1], to))
		return ctl_usage_error(cmd, "TO \"%s\" is neither an SSI (up to 8 digits, at most 16777215) nor a "
				       "17-digit TSI", argv[optind + 1]);
	return 0;
}

/* The options of one of the three, then RADIO and TO. Returns 0 to go on,
 * SEND_HELP_SHOWN after --help, or the exit status of a usage error. */
#define SEND_HELP_SHOWN (-1)
static int send_args(const char *cmd, int argc, char **argv, const struct option *long_opts, void (*usage)(FILE *),
		     struct send_opts *so, Tetrabridge__V1__Identity *to)
{
	int c, rc;

	optind = 0;	/* 0: GNU getopt starts afresh (main parsed with "+") */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jT:h", long_opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return SEND_HELP_SHOWN;
		}
		rc = send_opt(so, cmd, c, optarg);
		if (rc != 1)
			return rc ? rc : ctl_option_error(cmd, c, argv);
	}
	return radio_and_to(cmd, argc, argv, to);
}

int ctl_cmd_send_status(int argc, char **argv)
{
	static const struct option long_opts[] = { SEND_LONG_OPTS, { NULL, 0, NULL, 0 } };
	Tetrabridge__V1__Command cmd = TETRABRIDGE__V1__COMMAND__INIT;
	Tetrabridge__V1__SendStatus ss = TETRABRIDGE__V1__SEND_STATUS__INIT;
	Tetrabridge__V1__Identity to = TETRABRIDGE__V1__IDENTITY__INIT;
	struct send_opts so = { 0 };
	unsigned long v;
	char *end;
	int rc;

	if ((rc = send_args("send-status", argc, argv, long_opts, usage_send_status, &so, &to)))
		return rc == SEND_HELP_SHOWN ? EXIT_SUCCESS : rc;
	if (argc - optind < 3)
		return ctl_usage_error("send-status", "which status? VALUE is missing");
	if (argc - optind > 3)
		return ctl_usage_error("send-status", "unexpected argument \"%s\"", argv[optind + 3]);
	errno = 0;
	v = strtoul(argv[optind + 2], &end, 0);
	if (errno || end == argv[optind + 2] || *end || !isdigit((unsigned char)argv[optind + 2][0]) || v > 0xFFFF ||
	    (argv[optind + 2][0] == '0' && isdigit((unsigned char)argv[optind + 2][1])))
		return ctl_usage_error("send-status", "VALUE \"%s\" is not a status: 0-65535, decimal or 0x hex",
				       argv[optind + 2]);

	ss.radio = argv[optind];
	ss.to = &to;
	ss.value = (uint32_t)v;
	ss.deadline_s = so.deadline_s;
	ss.queue_if_offline = so.queue_if_offline;
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_SEND_STATUS;
	cmd.send_status = &ss;
	return run_send("send-status", &so, &cmd);
}

/* All of standard input; one final newline dropped (echo adds it). */
static char *read_stdin_text(void)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);

	if (!buf)
		return NULL;
	for (;;) {
		size_t n;
		if (len + 1 >= cap) {
			char *nb;
			if (cap > 16u * 1024 * 1024) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		n = fread(buf + len, 1, cap - len - 1, stdin);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(stdin)) {
		free(buf);
		return NULL;
	}
	if (len && buf[len - 1] == '\n')
		len--;
	if (len && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	return buf;
}

int ctl_cmd_send_text(int argc, char **argv)
{
	static const struct option long_opts[] = {
		SEND_LONG_OPTS,
		{ "report", required_argument, NULL, OPT_REPORT },
		{ NULL, 0, NULL, 0 },
	};
	Tetrabridge__V1__Command cmd = TETRABRIDGE__V1__COMMAND__INIT;
	Tetrabridge__V1__SendText st = TETRABRIDGE__V1__SEND_TEXT__INIT;
	Tetrabridge__V1__Identity to = TETRABRIDGE__V1__IDENTITY__INIT;
	struct send_opts so = { 0 };
	char *text = NULL;
	int rc;

	if ((rc = send_args("send-text", argc, argv, long_opts, usage_send_text, &so, &to)))
		return rc == SEND_HELP_SHOWN ? EXIT_SUCCESS : rc;
	if (argc - optind < 3)
		return ctl_usage_error("send-text", "which text? TEXT is missing (\"-\" reads standard input)");
	if (argc - optind > 3)
		return ctl_usage_error("send-text", "unexpected argument \"%s\" (quote a text with spaces)",
				       argv[optind + 3]);
	if (!strcmp(argv[optind + 2], "-")) {
		text = read_stdin_text();
		if (!text) {
			fprintf(stderr, "%s: cannot read the text from standard input: %s\n", ctl_progname,
				strerror(errno));
			return EXIT_FAILURE;
		}
	}
	st.radio = argv[optind];
	st.to = &to;
	st.text = text ? text : argv[optind + 2];
	if (!st.text[0]) {
		free(text);
		return ctl_usage_error("send-text", "the text is empty");
	}
	st.report = so.report;
	st.deadline_s = so.deadline_s;
	st.queue_if_offline = so.queue_if_offline;
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_SEND_TEXT;
	cmd.send_text = &st;
	rc = run_send("send-text", &so, &cmd);
	free(text);
	return rc;
}

int ctl_cmd_locate(int argc, char **argv)
{
	static const struct option long_opts[] = {
		SEND_LONG_OPTS,
		{ "long", no_argument, NULL, OPT_LONG },
		{ NULL, 0, NULL, 0 },
	};
	Tetrabridge__V1__Command cmd = TETRABRIDGE__V1__COMMAND__INIT;
	Tetrabridge__V1__RequestLocation rl = TETRABRIDGE__V1__REQUEST_LOCATION__INIT;
	Tetrabridge__V1__Identity to = TETRABRIDGE__V1__IDENTITY__INIT;
	struct send_opts so = { 0 };
	int rc;

	if ((rc = send_args("locate", argc, argv, long_opts, usage_locate, &so, &to)))
		return rc == SEND_HELP_SHOWN ? EXIT_SUCCESS : rc;
	if (argc - optind > 2)
		return ctl_usage_error("locate", "unexpected argument \"%s\"", argv[optind + 2]);
	rl.radio = argv[optind];
	rl.to = &to;
	rl.deadline_s = so.deadline_s;
	rl.queue_if_offline = so.queue_if_offline;
	rl.long_report = so.long_report;
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_REQUEST_LOCATION;
	cmd.request_location = &rl;
	return run_send("locate", &so, &cmd);
}
