/* tetractl radios, send-status, send-text, locate, replay and keygen
 * (see ctl_commands.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tools/ctl_commands.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <jansson.h>
#include <talloc.h>

#include "ipc/pb_json.h"
#include "ipc/security.h"
#include "tools/ctl_client.h"
#include "tools/ctl_stream.h"
#include "tools/event_print.h"

#define TSI_DIGITS 17
#define SSI_MAX 0xFFFFFFu	/* 24 bits */
#define MCC_MAX 1023u		/* 10 bits */
#define MNC_MAX 16383u		/* 14 bits */

/* ---- small helpers --------------------------------------------------------- */

/* A getopt_long failure as a usage error. */
static int option_error(const char *cmd, int c, char **argv)
{
	if (c == ':')
		return ctl_usage_error(cmd, "option %s needs a value", argv[optind - 1]);
	if (optopt)
		return ctl_usage_error(cmd, "unknown option -%c", optopt);
	return ctl_usage_error(cmd, "unknown option %s", argv[optind - 1]);
}

/* The options every subcommand that talks to the bridge shares (-T is
 * --timeout): 1 when taken, else the exit status (a usage error). */
static int conn_opt_or_error(struct ctl_conn_opts *conn, const char *cmd, int c, char **argv)
{
	int rc = ctl_conn_opt(conn, cmd, c == 'T' ? CTL_OPT_TIMEOUT : c, optarg);

	if (rc == 1)
		return 1;
	return rc ? rc : option_error(cmd, c, argv);
}

static bool parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

/* A digit string of n characters as a number (n <= 9: no overflow). */
static uint32_t digits_value(const char *s, size_t n)
{
	uint32_t v = 0;

	while (n--)
		v = v * 10 + (uint32_t)(*s++ - '0');
	return v;
}

/* TO: an SSI (1-8 digits) or a 17-digit TSI (MCC 4, MNC 5, SSI 8 digits). */
static bool parse_to(const char *s, Tetrabridge__V1__Identity *id)
{
	size_t n = strlen(s), i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	if (n >= 1 && n <= 8) {
		id->type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_SSI;
		id->ssi = digits_value(s, n);
		return id->ssi <= SSI_MAX;
	}
	if (n == TSI_DIGITS) {
		id->type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_TSI;
		id->mcc = digits_value(s, 4);
		id->mnc = digits_value(s + 4, 5);
		id->ssi = digits_value(s + 9, 8);
		return id->mcc <= MCC_MAX && id->mnc <= MNC_MAX && id->ssi <= SSI_MAX;
	}
	return false;
}

static int print_json(const ProtobufCMessage *msg)
{
	json_t *j = tb_pb_to_json(msg);
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	if (!s) {
		fprintf(stderr, "%s: out of memory formatting JSON\n", ctl_progname);
		return -ENOMEM;
	}
	printf("%s\n", s);
	free(s);
	return 0;
}

/* Resolve the connection options and open the client. */
static int connect_client(struct ctl_client *cl, struct ctl_conn_opts *conn, const char *cmd)
{
	int rc = ctl_conn_resolve(conn, cmd);

	if (rc)
		return rc;
	return ctl_client_open(cl, conn);
}

#define COMMON_HELP \
	CTL_CONN_HELP \
	"  -T, --timeout S       wait at most S seconds for the bridge's reply (default 5)\n" \
	"  -h, --help            this text\n"

/* ---- radios ------------------------------------------------------------------ */

static void usage_radios(FILE *out)
{
	fprintf(out,
		"Usage: %s radios [--json] [options]\n"
		"\n"
		"List the bridge's radios: name, state, transport, the terminal's identity,\n"
		"online since (local time), messages waiting to be sent, and why a radio\n"
		"is offline.\n"
		"\n"
		"  -j, --json            the RadioList as one JSON object (proto3 JSON mapping)\n"
		COMMON_HELP,
		ctl_progname);
}

static void print_radios(const Tetrabridge__V1__RadioList *l)
{
	static const char *const head[] = { "NAME", "STATE", "TRANSPORT", "IDENTITY", "ONLINE SINCE", "WAITING",
					    "REASON" };
	enum { NCOL = 7 };
	int w[NCOL];
	size_t i;
	int c;

	char (*cells)[NCOL][64] = calloc(l->n_radios ? l->n_radios : 1, sizeof(*cells));
	if (!cells) {
		fprintf(stderr, "%s: out of memory\n", ctl_progname);
		return;
	}
	for (c = 0; c < NCOL; c++)
		w[c] = (int)strlen(head[c]);
	for (i = 0; i < l->n_radios; i++) {
		const Tetrabridge__V1__RadioSummary *r = l->radios[i];
		char *row[NCOL];

		for (c = 0; c < NCOL; c++)
			row[c] = cells[i][c];
		snprintf(row[0], 64, "%s", r->name ? r->name : "");
		snprintf(row[1], 64, "%s", tb_radio_state_name(r->state));
		snprintf(row[2], 64, "%s", r->transport && r->transport[0] ? r->transport : "-");
		tb_fmt_identity(r->identity, row[3], 64);
		if (r->online_since_us) {
			time_t t = (time_t)(r->online_since_us / 1000000u);
			struct tm tm;
			if (!localtime_r(&t, &tm) || !strftime(row[4], 64, "%Y-%m-%d %H:%M:%S", &tm))
				snprintf(row[4], 64, "?");
		} else {
			snprintf(row[4], 64, "-");
		}
		snprintf(row[5], 64, "%u", r->outgoing_waiting);
		snprintf(row[6], 64, "%s", r->reason && r->reason[0] ? r->reason : "-");
		for (c = 0; c < NCOL - 1; c++)
			if ((int)strlen(row[c]) > w[c])
				w[c] = (int)strlen(row[c]);
	}
	printf("%-*s  %-*s  %-*s  %-*s  %-*s  %*s  %s\n", w[0], head[0], w[1], head[1], w[2], head[2], w[3],
	       head[3], w[4], head[4], w[5], head[5], head[6]);
	for (i = 0; i < l->n_radios; i++)
		printf("%-*s  %-*s  %-*s  %-*s  %-*s  %*s  %s\n", w[0], cells[i][0], w[1], cells[i][1], w[2],
		       cells[i][2], w[3], cells[i][3], w[4], cells[i][4], w[5], cells[i][5], cells[i][6]);
	if (!l->n_radios)
		printf("(the bridge has no radios configured)\n");
	free(cells);
}

int ctl_cmd_radios(int argc, char **argv)
{
	static const struct option long_opts[] = {
		CTL_CONN_LONG_OPTS,
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	Tetrabridge__V1__Command cmd = TETRABRIDGE__V1__COMMAND__INIT;
	Tetrabridge__V1__ListRadios lr = TETRABRIDGE__V1__LIST_RADIOS__INIT;
	Tetrabridge__V1__Reply *reply = NULL;
	struct ctl_conn_opts conn = { 0 };
	struct ctl_client cl = { .sigfd = -1 };
	bool json = false;
	int c, rc;

	optind = 0;	/* 0: GNU getopt starts afresh (main parsed with "+") */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jT:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			usage_radios(stdout);
			return EXIT_SUCCESS;
		default:
			if ((rc = conn_opt_or_error(&conn, "radios", c, argv)) != 1)
				return rc;
			break;
		}
	}
	if (optind < argc)
		return ctl_usage_error("radios", "unexpected argument \"%s\"", argv[optind]);

	rc = connect_client(&cl, &conn, "radios");
	if (rc)
		goto out;
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_LIST_RADIOS;
	cmd.list_radios = &lr;
	rc = ctl_call(&cl, &cmd, &reply);
	if (rc)
		goto out;
	if (reply->result_case != TETRABRIDGE__V1__REPLY__RESULT_RADIOS || !reply->radios) {
		fprintf(stderr, "%s: the bridge's reply holds no radio list: is it a tetra-bridged?\n", ctl_progname);
		rc = EXIT_FAILURE;
	} else if (json) {
		rc = print_json(&reply->radios->base) ? EXIT_FAILURE : EXIT_SUCCESS;
	} else {
		print_radios(reply->radios);
		rc = EXIT_SUCCESS;
	}
out:
	if (reply)
		tetrabridge__v1__reply__free_unpacked(reply, NULL);
	ctl_client_close(&cl);
	ctl_conn_release(&conn);
	return rc;
}

/* ---- send-status, send-text, locate ------------------------------------------ */

enum {
	OPT_DEADLINE = CTL_OPT_FIRST_FREE,
	OPT_QUEUE_IF_OFFLINE,
	OPT_WAIT,
	OPT_REPORT,
	OPT_LONG,
	OPT_FROM,
	OPT_COUNT,
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

/* The options the three share; 1 when c was one, 0 when not, else an exit status. */
static int send_opt(struct send_opts *so, const char *cmd, int c, const char *arg)
{
	uint64_t v;

	switch (c) {
	case OPT_DEADLINE:
		if (!parse_u64(arg, &v) || v == 0 || v > UINT32_MAX)
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
		if (print_json(&ev->base))
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

static int run_send(const char *name, struct send_opts *so, Tetrabridge__V1__Command *cmd)
{
	struct ctl_client cl = { .sigfd = -1 };
	Tetrabridge__V1__Reply *reply = NULL;
	struct ctl_stream_opts sopts = { 0 };
	static const char *const outgoing_topic[] = { "outgoing." };
	struct wait_state ws = { 0 };
	int64_t start = ctl_now_ms();
	char nr[256];
	int rc;

	rc = connect_client(&cl, &so->conn, name);
	if (rc)
		goto out;

	if (so->wait) {
		/* The newest seq before the command: every step of the message comes
		 * after it, so replaying from there cannot miss one, however long the
		 * subscription takes to reach the bridge. */
		rc = ctl_replay(&cl, 1, 1, &reply);
		if (rc == -ETIMEDOUT) {
			fprintf(stderr, "%s: %s: is tetra-bridged running, and is your key in its clients file?\n",
				ctl_progname, ctl_no_reply_text(&cl, nr, sizeof(nr)));
			rc = EXIT_FAILURE;
			goto out;
		}
		if (rc < 0) {
			rc = EXIT_FAILURE;
			goto out;
		}
		if (reply->code == TETRABRIDGE__V1__REPLY__CODE__OK &&
		    reply->result_case == TETRABRIDGE__V1__REPLY__RESULT_REPLAY && reply->replay) {
			sopts.have_from = true;
			sopts.from = reply->replay->last_seq + 1;
		} else {
			fprintf(stderr, "warning: cannot read the bridge's journal (%s: %s); following live events only\n",
				ctl_reply_code_name(reply->code), reply->error && reply->error[0] ? reply->error : "-");
		}
		tetrabridge__v1__reply__free_unpacked(reply, NULL);
		reply = NULL;
	}

	rc = ctl_call(&cl, cmd, &reply);
	if (rc)
		goto out;
	if (reply->result_case != TETRABRIDGE__V1__REPLY__RESULT_QUEUED || !reply->queued) {
		fprintf(stderr, "%s: the bridge's reply does not say which message it queued\n", ctl_progname);
		rc = EXIT_FAILURE;
		goto out;
	}
	if (so->json) {
		if (print_json(&reply->base)) {
			rc = EXIT_FAILURE;
			goto out;
		}
	} else {
		uint32_t parts = reply->queued->parts ? reply->queued->parts : 1;
		printf("queued as message %" PRIu64 " (%u part%s)\n", reply->queued->message_id, parts,
		       parts == 1 ? "" : "s");
	}
	fflush(stdout);
	rc = EXIT_SUCCESS;
	if (!so->wait)
		goto out;

	ws.id = reply->queued->message_id;
	ws.json = so->json;
	sopts.topics = outgoing_topic;
	sopts.n_topics = 1;
	sopts.fn = wait_step;
	sopts.data = &ws;
	if (so->timeout_given)
		sopts.deadline_ms = start + ctl_timeout_ms(so->conn.timeout_s);
	rc = ctl_stream_run(&cl, &sopts);
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
out:
	if (reply)
		tetrabridge__v1__reply__free_unpacked(reply, NULL);
	ctl_client_close(&cl);
	ctl_conn_release(&so->conn);
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
	if (!parse_to(argv[optind + 1], to))
		return ctl_usage_error(cmd, "TO \"%s\" is neither an SSI (up to 8 digits, at most 16777215) nor a "
				       "17-digit TSI", argv[optind + 1]);
	return 0;
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
	int c, rc;

	optind = 0;	/* 0: GNU getopt starts afresh (main parsed with "+") */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jT:h", long_opts, NULL)) != -1) {
		if (c == 'h') {
			usage_send_status(stdout);
			return EXIT_SUCCESS;
		}
		rc = send_opt(&so, "send-status", c, optarg);
		if (rc != 1)
			return rc ? rc : option_error("send-status", c, argv);
	}
	if ((rc = radio_and_to("send-status", argc, argv, &to)))
		return rc;
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
	static const struct {
		const char *name;
		Tetrabridge__V1__ReportRequest value;
	} reports[] = {
		{ "none", TETRABRIDGE__V1__REPORT_REQUEST__REPORT_NONE },
		{ "received", TETRABRIDGE__V1__REPORT_REQUEST__REPORT_RECEIVED },
		{ "consumed", TETRABRIDGE__V1__REPORT_REQUEST__REPORT_CONSUMED },
		{ "both", TETRABRIDGE__V1__REPORT_REQUEST__REPORT_BOTH },
	};
	Tetrabridge__V1__Command cmd = TETRABRIDGE__V1__COMMAND__INIT;
	Tetrabridge__V1__SendText st = TETRABRIDGE__V1__SEND_TEXT__INIT;
	Tetrabridge__V1__Identity to = TETRABRIDGE__V1__IDENTITY__INIT;
	struct send_opts so = { 0 };
	char *text = NULL;
	size_t i;
	int c, rc;

	optind = 0;	/* 0: GNU getopt starts afresh (main parsed with "+") */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jT:h", long_opts, NULL)) != -1) {
		if (c == 'h') {
			usage_send_text(stdout);
			return EXIT_SUCCESS;
		}
		if (c == OPT_REPORT) {
			for (i = 0; i < sizeof(reports) / sizeof(reports[0]); i++)
				if (!strcmp(optarg, reports[i].name))
					break;
			if (i == sizeof(reports) / sizeof(reports[0]))
				return ctl_usage_error("send-text", "--report wants none, received, consumed or both, "
						       "not \"%s\"", optarg);
			so.report = reports[i].value;
			continue;
		}
		rc = send_opt(&so, "send-text", c, optarg);
		if (rc != 1)
			return rc ? rc : option_error("send-text", c, argv);
	}
	if ((rc = radio_and_to("send-text", argc, argv, &to)))
		return rc;
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
	int c, rc;

	optind = 0;	/* 0: GNU getopt starts afresh (main parsed with "+") */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jT:h", long_opts, NULL)) != -1) {
		if (c == 'h') {
			usage_locate(stdout);
			return EXIT_SUCCESS;
		}
		if (c == OPT_LONG) {
			so.long_report = true;
			continue;
		}
		rc = send_opt(&so, "locate", c, optarg);
		if (rc != 1)
			return rc ? rc : option_error("locate", c, argv);
	}
	if ((rc = radio_and_to("locate", argc, argv, &to)))
		return rc;
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

/* ---- replay ------------------------------------------------------------------- */

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
		COMMON_HELP
		"\n"
		"Events older than the journal's retention are reported on stderr.\n",
		ctl_progname);
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
	struct ctl_client cl = { .sigfd = -1 };
	uint64_t from = 1, count = 0, printed = 0, next;
	bool json = false, have_from = false;
	int c, rc;

	optind = 0;	/* 0: GNU getopt starts afresh (main parsed with "+") */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n:jT:h", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_FROM:
			if (!parse_u64(optarg, &from) || from == 0)
				return ctl_usage_error("replay", "--from wants a seq >= 1, not \"%s\"", optarg);
			have_from = true;
			break;
		case 'n':
			if (!parse_u64(optarg, &count) || count == 0)
				return ctl_usage_error("replay", "--count wants a positive whole number, not \"%s\"",
						       optarg);
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage_replay(stdout);
			return EXIT_SUCCESS;
		default:
			if ((rc = conn_opt_or_error(&conn, "replay", c, argv)) != 1)
				return rc;
			break;
		}
	}
	if (optind < argc)
		return ctl_usage_error("replay", "unexpected argument \"%s\"", argv[optind]);

	rc = connect_client(&cl, &conn, "replay");
	if (rc)
		goto out;

	next = from;
	while (!count || printed < count) {
		Tetrabridge__V1__Reply *reply = NULL;
		Tetrabridge__V1__ReplayBatch *b;
		uint64_t want = count ? count - printed : 0;
		bool progress = false;
		size_t i;

		rc = ctl_replay(&cl, next, want > 1000 ? 1000 : (uint32_t)want, &reply);
		if (rc == -ETIMEDOUT) {
			char nr[256];
			fprintf(stderr, "%s: %s: is tetra-bridged running, and is your key in its clients file?\n",
				ctl_progname, ctl_no_reply_text(&cl, nr, sizeof(nr)));
			rc = EXIT_FAILURE;
			goto out;
		}
		if (rc < 0) {
			rc = EXIT_FAILURE;
			goto out;
		}
		if (reply->code != TETRABRIDGE__V1__REPLY__CODE__OK) {
			fprintf(stderr, "%s: %s: %s\n", ctl_progname, ctl_reply_code_name(reply->code),
				reply->error && reply->error[0] ? reply->error : "the bridge gave no reason");
			tetrabridge__v1__reply__free_unpacked(reply, NULL);
			rc = EXIT_FAILURE;
			goto out;
		}
		b = reply->result_case == TETRABRIDGE__V1__REPLY__RESULT_REPLAY ? reply->replay : NULL;
		if (!b) {
			fprintf(stderr, "%s: the bridge's reply holds no events: is it a tetra-bridged?\n",
				ctl_progname);
			tetrabridge__v1__reply__free_unpacked(reply, NULL);
			rc = EXIT_FAILURE;
			goto out;
		}
		for (i = 0; i < b->n_events && (!count || printed < count); i++) {
			const Tetrabridge__V1__Event *ev = b->events[i];

			if (ev->seq < next)
				continue;
			/* Asked for explicitly (--from), a hole is news; from the default
			 * start the journal's retention is expected. */
			if (ev->seq > next && (have_from || printed)) {
				fflush(stdout);
				if (ev->seq - 1 == next)
					fprintf(stderr, "gap: event %" PRIu64 " is no longer in the journal\n", next);
				else
					fprintf(stderr, "gap: events %" PRIu64 "-%" PRIu64 " are no longer in the "
						"journal\n", next, ev->seq - 1);
			}
			if (json) {
				if (tb_print_event_json(stdout, ev) < 0) {
					fprintf(stderr, "%s: out of memory formatting event #%" PRIu64 "\n",
						ctl_progname, ev->seq);
					tetrabridge__v1__reply__free_unpacked(reply, NULL);
					rc = EXIT_FAILURE;
					goto out;
				}
			} else {
				tb_print_event_local(stdout, ev);
			}
			next = ev->seq + 1;
			printed++;
			progress = true;
		}
		if (b->next_seq > next)
			next = b->next_seq;
		/* an empty batch that says "more" would loop for ever */
		if (!b->more || !progress) {
			tetrabridge__v1__reply__free_unpacked(reply, NULL);
			break;
		}
		tetrabridge__v1__reply__free_unpacked(reply, NULL);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: cannot write the events: %s\n", ctl_progname, strerror(errno));
		rc = EXIT_FAILURE;
	} else {
		rc = EXIT_SUCCESS;
	}
out:
	ctl_client_close(&cl);
	ctl_conn_release(&conn);
	return rc;
}

/* ---- keygen --------------------------------------------------------------------- */

static void usage_keygen(FILE *out)
{
	fprintf(out,
		"Usage: %s keygen BASE\n"
		"\n"
		"Make a CURVE key pair: BASE.key (both keys, mode 0600: keep it secret) and\n"
		"BASE.pub (the public key, to give away). Existing files are not overwritten.\n"
		"Prints the public key on the first line, then what to do with it:\n"
		"\n"
		"  a client's key:   add \"<role> <public key> <name>\" to the bridge's clients\n"
		"                    file (role observer, dispatcher or admin), and use\n"
		"                    '%s --key BASE.key --server-key BRIDGE.pub ...'\n"
		"  the bridge's key: 'curve server-key BASE.key' in its config; clients get\n"
		"                    BASE.pub (or the printed key) for --server-key\n"
		"\n"
		"  -h, --help   this text\n",
		ctl_progname, ctl_progname);
}

/* A name for the clients file from BASE's last component, if it is one. */
static const char *suggested_name(const char *base, char *buf, size_t len)
{
	const char *s = strrchr(base, '/');
	size_t i, n;

	s = s ? s + 1 : base;
	n = strlen(s);
	if (n == 0 || n > 63 || n >= len)
		return "<name>";
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-_.@", s[i]))
			return "<name>";
	memcpy(buf, s, n + 1);
	return buf;
}

int ctl_cmd_keygen(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tb_curve_keypair kp;
	char *err = NULL, name[64];
	void *ctx;
	int c, rc;

	optind = 0;	/* 0: GNU getopt starts afresh (main parsed with "+") */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", long_opts, NULL)) != -1) {
		if (c == 'h') {
			usage_keygen(stdout);
			return EXIT_SUCCESS;
		}
		return option_error("keygen", c, argv);
	}
	if (optind >= argc)
		return ctl_usage_error("keygen", "BASE is missing: keygen writes BASE.key and BASE.pub");
	if (argc - optind > 1)
		return ctl_usage_error("keygen", "one BASE only, not \"%s\" too", argv[optind + 1]);
	if (!argv[optind][0])
		return ctl_usage_error("keygen", "BASE is empty");

	ctx = talloc_named_const(NULL, 0, "keygen");
	rc = tb_curve_keygen(ctx, argv[optind], &kp, &err);
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", ctl_progname, err ? err : strerror(-rc));
		talloc_free(ctx);
		return EXIT_FAILURE;
	}
	printf("%s\n", kp.public_key);
	printf("wrote %s.key (keep it secret) and %s.pub\n", argv[optind], argv[optind]);
	printf("add to the bridge's clients file: <role> %s %s\n", kp.public_key,
	       suggested_name(argv[optind], name, sizeof(name)));
	printf("(role: observer, dispatcher or admin; for the bridge's own key, put 'curve server-key %s.key'\n"
	       "in its config instead and give clients %s.pub)\n", argv[optind], argv[optind]);
	memset(&kp, 0, sizeof(kp));
	talloc_free(ctx);
	return EXIT_SUCCESS;
}
