/* tetractl callout: picks the subcommand (board, show and report are in
 * their own files), and the changes: create, cancel, add, realert, set,
 * close, ack. Each change is one command; the bridge replies with the
 * call-out after it, printed as `show` prints it (or as JSON).
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

#include "tools/callout_names.h"
#include "tools/ctl_callout.h"
#include "tools/ctl_client.h"

enum {
	OPT_REASON = CTL_OPT_FIRST_FREE,
	OPT_REQUIRED,
	OPT_PLAN,
	OPT_METHOD,
	OPT_OVERRIDE,
	OPT_TEST,
	OPT_QUEUE_IF_OFFLINE,
	OPT_DEADLINE,
};

#define COMMON_HELP \
	"  -j, --json            print the reply's call-out as one JSON object (proto3\n" \
	"                        JSON mapping) instead of the readable form\n" \
	CTL_REQUEST_HELP

#define EXIT_HELP \
	"\n" \
	"Exit status: 0 done, 1 refused by the bridge (the reason is printed: e.g.\n" \
	"UNKNOWN_CALLOUT, CONFLICT) or no reply, 64 usage error.\n"

#define RESPONDER_HELP \
	"RESPONDER is an SSI (up to 8 digits; also a group's GSSI) or a 17-digit TSI\n" \
	"(MCC 4, MNC 5, SSI 8 digits).\n"

static void usage_create(FILE *out)
{
	fprintf(out,
		"Usage: %s callout create RADIO SEVERITY TEXT|- RESPONDER... [options]\n"
		"\n"
		"Alert RESPONDERs through the bridge's radio RADIO and follow each of them\n"
		"from the alert to done. SEVERITY is 1-15 (the bridge's config names them,\n"
		"e.g. 1 red); TEXT says in at most 94 characters what it is for (\"-\" reads\n"
		"it from standard input). The bridge answers with the new call-out, whose\n"
		"ID the other callout commands take; its changes follow on the event stream\n"
		"('%s watch --topic callout.').\n"
		"\n"
		RESPONDER_HELP
		"\n"
		"      --required N      how many must accept before it counts as staffed\n"
		"                        (default: the bridge's, 1)\n"
		"      --plan NAME       escalate along the config's plan NAME when too few\n"
		"                        accept in time (default: the severity's plan, if any)\n"
		"      --method M        alert as a text (text) or as a TCCA call-out (callout;\n"
		"                        default: the bridge's config)\n"
		"      --override        alert responders who are busy in another open\n"
		"                        call-out all the same (else the bridge refuses)\n"
		"      --deadline S      the first answer deadline in seconds, 10-86400\n"
		"                        (default: the severity's)\n"
		"      --test            a test call-out: counted apart in reports\n"
		"      --queue-if-offline  create it even when RADIO is offline now; the\n"
		"                        alerts wait for it\n"
		COMMON_HELP
		"\n"
		"Example: %s callout create lvs-1 1 \"Brystsmerter, Storgata 5\" 1001 1002\n"
		EXIT_HELP,
		ctl_progname, ctl_progname, ctl_progname);
}

static void usage_cancel(FILE *out)
{
	fprintf(out,
		"Usage: %s callout cancel ID [--reason TEXT] [options]\n"
		"\n"
		"Cancel call-out ID: it was not needed after all (use 'close' for one\n"
		"that ended). The responders get a stand-down so their radios leave\n"
		"call-out mode. A call-out cancelled before anybody accepted is counted\n"
		"apart in reports.\n"
		"\n"
		"      --reason TEXT     why, for the history (at most 200 bytes)\n"
		COMMON_HELP EXIT_HELP,
		ctl_progname);
}

static void usage_add(FILE *out)
{
	fprintf(out,
		"Usage: %s callout add ID RESPONDER [--override] [options]\n"
		"\n"
		"Add RESPONDER to the open call-out ID and alert it.\n"
		"\n"
		RESPONDER_HELP
		"\n"
		"      --override        add a responder busy in another open call-out\n"
		COMMON_HELP EXIT_HELP,
		ctl_progname);
}

static void usage_realert(FILE *out)
{
	fprintf(out,
		"Usage: %s callout realert ID RESPONDER [options]\n"
		"\n"
		"Alert RESPONDER of call-out ID again (with the same call-out number on the\n"
		"air), e.g. after it did not answer.\n"
		"\n"
		RESPONDER_HELP
		"\n"
		COMMON_HELP EXIT_HELP,
		ctl_progname);
}

static void usage_set(FILE *out)
{
	fprintf(out,
		"Usage: %s callout set ID RESPONDER STATE --reason TEXT [options]\n"
		"\n"
		"Set RESPONDER's state in call-out ID by hand, when the answer came another\n"
		"way (\"confirmed by phone\"). The history records it with your key's name,\n"
		"and reports count the call-out apart as manual.\n"
		"\n"
		"STATE is one of: " CTL_SETTABLE_STATES ".\n"
		RESPONDER_HELP
		"\n"
		"      --reason TEXT     why (required; at most 200 bytes)\n"
		COMMON_HELP EXIT_HELP,
		ctl_progname);
}

static void usage_close(FILE *out)
{
	fprintf(out,
		"Usage: %s callout close ID OUTCOME [--reason TEXT] [options]\n"
		"\n"
		"Close call-out ID with how it ended. Responders still on their way get a\n"
		"stand-down.\n"
		"\n"
		"OUTCOME is one of: " CTL_OUTCOMES "\n"
		"(treated on site, handed over to the ambulance, to the doctor, the patient\n"
		"transported, not needed).\n"
		"\n"
		"      --reason TEXT     for the history (at most 200 bytes)\n"
		COMMON_HELP EXIT_HELP,
		ctl_progname);
}

static void usage_ack(FILE *out)
{
	fprintf(out,
		"Usage: %s callout ack ID [--reason TEXT] [options]\n"
		"\n"
		"Acknowledge the escalation alarm of call-out ID: somebody takes care of it.\n"
		"The alarm stays on every console until acknowledged.\n"
		"\n"
		"      --reason TEXT     for the history (at most 200 bytes)\n"
		COMMON_HELP EXIT_HELP,
		ctl_progname);
}

static void usage_callout(FILE *out)
{
	fprintf(out,
		"Usage: %s callout <command> [<args>]\n"
		"\n"
		"Call-outs: alert field responders through a radio and follow each of them\n"
		"from the alert to done.\n"
		"\n"
		"Commands (dispatcher role):\n"
		"  create    alert responders: RADIO SEVERITY TEXT RESPONDER...\n"
		"  cancel    cancel a call-out that was not needed\n"
		"  add       add a responder to an open call-out\n"
		"  realert   alert one responder again\n"
		"  set       set a responder's state by hand, with a reason\n"
		"  close     close a call-out with its outcome\n"
		"  ack       acknowledge a call-out's escalation alarm\n"
		"Commands (observer role):\n"
		"  board     the open call-outs and their responders\n"
		"  show      one call-out with its whole history\n"
		"  report    response times over a period (names for admin keys only)\n"
		"\n"
		"Run '%s callout <command> --help' for its arguments and options.\n",
		ctl_progname, ctl_progname);
}

/* ---- shared ------------------------------------------------------------- */

int ctl_callout_id_arg(const char *cmd, const char *s, uint64_t *id)
{
	if (!ctl_parse_u64(s, id) || !*id)
		return ctl_usage_error(cmd, "ID \"%s\" is not a call-out id: a whole number > 0 ('%s callout "
				       "board' lists them)", s, ctl_progname);
	return 0;
}

int ctl_callout_call(struct ctl_client *cl, Tetrabridge__V1__Command *cmd, Tetrabridge__V1__Reply__ResultCase want,
		     Tetrabridge__V1__Reply **reply)
{
	int rc = ctl_call(cl, cmd, reply);

	if (rc)
		return rc;
	/* the members of the result oneof share one pointer */
	if ((*reply)->result_case != want || !(*reply)->callout) {
		fprintf(stderr, "%s: the bridge's reply holds no call-out: is it a tetra-bridged that tracks "
			"call-outs?\n", ctl_progname);
		tetrabridge__v1__reply__free_unpacked(*reply, NULL);
		*reply = NULL;
		return EXIT_FAILURE;
	}
	return 0;
}

/* ---- the changes ---------------------------------------------------------- */

struct change_opts {
	struct ctl_callout_opts o;
	const char *reason;
	uint32_t required;
	uint32_t deadline_s;
	const char *plan;
	Tetrabridge__V1__AlertMethod method;
	bool override, test, queue_if_offline;
};

/* One option of a change; 1 when taken, else an exit status. */
static int change_opt(struct change_opts *co, const char *cmd, int c, char **argv)
{
	uint64_t v;

	switch (c) {
	case 'j':
		co->o.json = true;
		return 1;
	case OPT_REASON:
		co->reason = optarg;
		return 1;
	case OPT_REQUIRED:
		if (!ctl_parse_u64(optarg, &v) || v < 1 || v > 64)
			return ctl_usage_error(cmd, "--required wants a number 1-64, not \"%s\"", optarg);
		co->required = (uint32_t)v;
		return 1;
	case OPT_PLAN:
		co->plan = optarg;
		return 1;
	case OPT_DEADLINE:
		if (!ctl_parse_u64(optarg, &v) || v < 10 || v > 86400)
			return ctl_usage_error(cmd, "--deadline wants seconds 10-86400, not \"%s\"", optarg);
		co->deadline_s = (uint32_t)v;
		return 1;
	case OPT_METHOD:
		if (!strcmp(optarg, "text"))
			co->method = TETRABRIDGE__V1__ALERT_METHOD__ALERT_TEXT;
		else if (!strcmp(optarg, "callout"))
			co->method = TETRABRIDGE__V1__ALERT_METHOD__ALERT_CALLOUT;
		else
			return ctl_usage_error(cmd, "--method wants text or callout, not \"%s\"", optarg);
		return 1;
	case OPT_OVERRIDE:
		co->override = true;
		return 1;
	case OPT_TEST:
		co->test = true;
		return 1;
	case OPT_QUEUE_IF_OFFLINE:
		co->queue_if_offline = true;
		return 1;
	default:
		return ctl_conn_opt_or_error(&co->o.conn, cmd, c, argv);
	}
}

#define CHANGE_HELP_SHOWN (-1)

/* The options of a change; then optind is at its first argument. Returns
 * 0, CHANGE_HELP_SHOWN, or the exit status of a usage error. */
static int change_args(const char *cmd, int argc, char **argv, const struct option *long_opts, void (*usage)(FILE *),
		       struct change_opts *co)
{
	int c, rc;

	optind = 0;	/* 0: GNU getopt starts afresh */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jT:h", long_opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return CHANGE_HELP_SHOWN;
		}
		if ((rc = change_opt(co, cmd, c, argv)) != 1)
			return rc;
	}
	return 0;
}

/* The arguments after the options: exactly n (min..max), else a usage error. */
static int count_args(const char *cmd, int argc, char **argv, int min, int max, const char *missing)
{
	int n = argc - optind;

	if (n < min)
		return ctl_usage_error(cmd, "%s", missing);
	if (max >= 0 && n > max)
		return ctl_usage_error(cmd, "unexpected argument \"%s\"", argv[optind + max]);
	return 0;
}

static int parse_responder(const char *cmd, const char *s, Tetrabridge__V1__Identity *id)
{
	tetrabridge__v1__identity__init(id);
	if (!ctl_parse_identity(s, id))
		return ctl_usage_error(cmd, "RESPONDER \"%s\" is neither an SSI (up to 8 digits, at most 16777215) "
				       "nor a 17-digit TSI", s);
	return 0;
}

/* Send the change and print the call-out it replies with. */
static int run_change(const char *cmd, struct change_opts *co, Tetrabridge__V1__Command *c)
{
	struct ctl_client cl = CTL_CLIENT_INIT;
	Tetrabridge__V1__Reply *reply = NULL;
	int rc;

	rc = ctl_connect(&cl, &co->o.conn, cmd);
	if (!rc)
		rc = ctl_callout_call(&cl, c, TETRABRIDGE__V1__REPLY__RESULT_CALLOUT, &reply);
	if (!rc) {
		if (co->o.json)
			rc = ctl_print_json(&reply->callout->base) ? EXIT_FAILURE : EXIT_SUCCESS;
		else
			ctl_print_callout(stdout, reply->callout, false);
	}
	if (reply)
		tetrabridge__v1__reply__free_unpacked(reply, NULL);
	ctl_disconnect(&cl);
	return rc;
}

#define LONG_COMMON \
	CTL_CONN_LONG_OPTS, \
	{ "json", no_argument, NULL, 'j' }, \
	{ "timeout", required_argument, NULL, 'T' }, \
	{ "help", no_argument, NULL, 'h' }

/* All of standard input; one final newline dropped. NULL on failure. */
static char *read_stdin(void)
{
	size_t len = 0, cap = 1024;
	char *buf = malloc(cap);

	while (buf) {
		size_t n = fread(buf + len, 1, cap - len - 1, stdin);
		len += n;
		if (!n)
			break;
		if (len + 1 == cap) {
			char *nb = cap < 64 * 1024 ? realloc(buf, cap * 2) : NULL;
			if (!nb) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (!buf || ferror(stdin)) {
		free(buf);
		return NULL;
	}
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	buf[len] = '\0';
	return buf;
}

static int cmd_create(int argc, char **argv)
{
	static const struct option long_opts[] = {
		LONG_COMMON,
		{ "required", required_argument, NULL, OPT_REQUIRED },
		{ "plan", required_argument, NULL, OPT_PLAN },
		{ "method", required_argument, NULL, OPT_METHOD },
		{ "deadline", required_argument, NULL, OPT_DEADLINE },
		{ "override", no_argument, NULL, OPT_OVERRIDE },
		{ "test", no_argument, NULL, OPT_TEST },
		{ "queue-if-offline", no_argument, NULL, OPT_QUEUE_IF_OFFLINE },
		{ NULL, 0, NULL, 0 },
	};
	static const char cmd[] = "callout create";
	Tetrabridge__V1__Command c = TETRABRIDGE__V1__COMMAND__INIT;
	Tetrabridge__V1__CalloutCreate cc = TETRABRIDGE__V1__CALLOUT_CREATE__INIT;
	Tetrabridge__V1__Identity ids[64], *idp[64];
	struct change_opts co = { 0 };
	char *text = NULL;
	uint64_t sev;
	int n, rc;

	if ((rc = change_args(cmd, argc, argv, long_opts, usage_create, &co)))
		return rc == CHANGE_HELP_SHOWN ? EXIT_SUCCESS : rc;
	n = argc - optind;
	if (n < 4)
		return ctl_usage_error(cmd, "%s", n < 1 ? "RADIO, SEVERITY, TEXT and RESPONDER are missing"
					     : n < 2 ? "SEVERITY, TEXT and RESPONDER are missing"
					     : n < 3 ? "TEXT and RESPONDER are missing"
						     : "whom to alert? RESPONDER is missing");
	if (n - 3 > 64)
		return ctl_usage_error(cmd, "%d responders; a call-out alerts at most 64 (alert a group instead)",
				       n - 3);
	if (!argv[optind][0])
		return ctl_usage_error(cmd, "RADIO is empty: give the name of one of the bridge's radios");
	if (!ctl_parse_u64(argv[optind + 1], &sev) || sev < 1 || sev > 15)
		return ctl_usage_error(cmd, "SEVERITY \"%s\" is not 1-15", argv[optind + 1]);
	for (int i = 0; i < n - 3; i++) {
		if ((rc = parse_responder(cmd, argv[optind + 3 + i], &ids[i])))
			return rc;
		idp[i] = &ids[i];
	}
	if (!strcmp(argv[optind + 2], "-") && !(text = read_stdin())) {
		fprintf(stderr, "%s: cannot read the text from standard input: %s\n", ctl_progname, strerror(errno));
		return EXIT_FAILURE;
	}
	cc.radio = argv[optind];
	cc.severity = (uint32_t)sev;
	cc.text = text ? text : argv[optind + 2];
	cc.responders = idp;
	cc.n_responders = (size_t)(n - 3);
	cc.required = co.required;
	cc.plan = (char *)(co.plan ? co.plan : "");
	cc.method = co.method;
	cc.override = co.override;
	cc.test = co.test;
	cc.queue_if_offline = co.queue_if_offline;
	cc.deadline_s = co.deadline_s;
	c.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_CREATE;
	c.callout_create = &cc;
	rc = run_change(cmd, &co, &c);
	free(text);
	return rc;
}

static int cmd_cancel(int argc, char **argv)
{
	static const struct option long_opts[] = {
		LONG_COMMON, { "reason", required_argument, NULL, OPT_REASON }, { NULL, 0, NULL, 0 },
	};
	static const char cmd[] = "callout cancel";
	Tetrabridge__V1__Command c = TETRABRIDGE__V1__COMMAND__INIT;
	Tetrabridge__V1__CalloutCancel cc = TETRABRIDGE__V1__CALLOUT_CANCEL__INIT;
	struct change_opts co = { 0 };
	int rc;

	if ((rc = change_args(cmd, argc, argv, long_opts, usage_cancel, &co)))
		return rc == CHANGE_HELP_SHOWN ? EXIT_SUCCESS : rc;
	if ((rc = count_args(cmd, argc, argv, 1, 1, "which call-out? ID is missing")) ||
	    (rc = ctl_callout_id_arg(cmd, argv[optind], &cc.id)))
		return rc;
	cc.reason = (char *)(co.reason ? co.reason : "");
	c.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_CANCEL;
	c.callout_cancel = &cc;
	return run_change(cmd, &co, &c);
}

static int cmd_add(int argc, char **argv)
{
	static const struct option long_opts[] = {
		LONG_COMMON, { "override", no_argument, NULL, OPT_OVERRIDE }, { NULL, 0, NULL, 0 },
	};
	static const char cmd[] = "callout add";
	Tetrabridge__V1__Command c = TETRABRIDGE__V1__COMMAND__INIT;
	Tetrabridge__V1__CalloutAddResponder ca = TETRABRIDGE__V1__CALLOUT_ADD_RESPONDER__INIT;
	Tetrabridge__V1__Identity id;
	struct change_opts co = { 0 };
	int rc;

	if ((rc = change_args(cmd, argc, argv, long_opts, usage_add, &co)))
		return rc == CHANGE_HELP_SHOWN ? EXIT_SUCCESS : rc;
	if ((rc = count_args(cmd, argc, argv, 2, 2, "ID and RESPONDER are needed")) ||
	    (rc = ctl_callout_id_arg(cmd, argv[optind], &ca.id)) ||
	    (rc = parse_responder(cmd, argv[optind + 1], &id)))
		return rc;
	ca.responder = &id;
	ca.override = co.override;
	c.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_ADD;
	c.callout_add = &ca;
	return run_change(cmd, &co, &c);
}

static int cmd_realert(int argc, char **argv)
{
	static const struct option long_opts[] = { LONG_COMMON, { NULL, 0, NULL, 0 } };
	static const char cmd[] = "callout realert";
	Tetrabridge__V1__Command c = TETRABRIDGE__V1__COMMAND__INIT;
	Tetrabridge__V1__CalloutRealert cr = TETRABRIDGE__V1__CALLOUT_REALERT__INIT;
	Tetrabridge__V1__Identity id;
	struct change_opts co = { 0 };
	int rc;

	if ((rc = change_args(cmd, argc, argv, long_opts, usage_realert, &co)))
		return rc == CHANGE_HELP_SHOWN ? EXIT_SUCCESS : rc;
	if ((rc = count_args(cmd, argc, argv, 2, 2, "ID and RESPONDER are needed")) ||
	    (rc = ctl_callout_id_arg(cmd, argv[optind], &cr.id)) ||
	    (rc = parse_responder(cmd, argv[optind + 1], &id)))
		return rc;
	cr.responder = &id;
	c.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_REALERT;
	c.callout_realert = &cr;
	return run_change(cmd, &co, &c);
}

static int cmd_set(int argc, char **argv)
{
	static const struct option long_opts[] = {
		LONG_COMMON, { "reason", required_argument, NULL, OPT_REASON }, { NULL, 0, NULL, 0 },
	};
	static const char cmd[] = "callout set";
	Tetrabridge__V1__Command c = TETRABRIDGE__V1__COMMAND__INIT;
	Tetrabridge__V1__CalloutSetState cs = TETRABRIDGE__V1__CALLOUT_SET_STATE__INIT;
	Tetrabridge__V1__Identity id;
	struct change_opts co = { 0 };
	int rc, state;

	if ((rc = change_args(cmd, argc, argv, long_opts, usage_set, &co)))
		return rc == CHANGE_HELP_SHOWN ? EXIT_SUCCESS : rc;
	if ((rc = count_args(cmd, argc, argv, 3, 3, "ID, RESPONDER and STATE are needed")) ||
	    (rc = ctl_callout_id_arg(cmd, argv[optind], &cs.id)) ||
	    (rc = parse_responder(cmd, argv[optind + 1], &id)))
		return rc;
	state = ctl_settable_state_parse(argv[optind + 2]);
	if (state < 0)
		return ctl_usage_error(cmd, "STATE \"%s\" cannot be set by hand; one of: " CTL_SETTABLE_STATES,
				       argv[optind + 2]);
	if (!co.reason || !co.reason[0])
		return ctl_usage_error(cmd, "say why with --reason (e.g. --reason \"confirmed by phone\"): the "
				       "history keeps it with your key's name");
	cs.responder = &id;
	cs.state = (Tetrabridge__V1__ResponderState)state;
	cs.reason = (char *)co.reason;
	c.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_SET;
	c.callout_set = &cs;
	return run_change(cmd, &co, &c);
}

static int cmd_close(int argc, char **argv)
{
	static const struct option long_opts[] = {
		LONG_COMMON, { "reason", required_argument, NULL, OPT_REASON }, { NULL, 0, NULL, 0 },
	};
	static const char cmd[] = "callout close";
	Tetrabridge__V1__Command c = TETRABRIDGE__V1__COMMAND__INIT;
	Tetrabridge__V1__CalloutClose cc = TETRABRIDGE__V1__CALLOUT_CLOSE__INIT;
	struct change_opts co = { 0 };
	int rc, outcome;

	if ((rc = change_args(cmd, argc, argv, long_opts, usage_close, &co)))
		return rc == CHANGE_HELP_SHOWN ? EXIT_SUCCESS : rc;
	if ((rc = count_args(cmd, argc, argv, 2, 2, "ID and OUTCOME are needed")) ||
	    (rc = ctl_callout_id_arg(cmd, argv[optind], &cc.id)))
		return rc;
	outcome = ctl_outcome_parse(argv[optind + 1]);
	if (outcome < 0)
		return ctl_usage_error(cmd, "OUTCOME \"%s\" is not one of: " CTL_OUTCOMES, argv[optind + 1]);
	cc.outcome = (Tetrabridge__V1__CalloutOutcome)outcome;
	cc.reason = (char *)(co.reason ? co.reason : "");
	c.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_CLOSE;
	c.callout_close = &cc;
	return run_change(cmd, &co, &c);
}

static int cmd_ack(int argc, char **argv)
{
	static const struct option long_opts[] = {
		LONG_COMMON, { "reason", required_argument, NULL, OPT_REASON }, { NULL, 0, NULL, 0 },
	};
	static const char cmd[] = "callout ack";
	Tetrabridge__V1__Command c = TETRABRIDGE__V1__COMMAND__INIT;
	Tetrabridge__V1__CalloutAck ca = TETRABRIDGE__V1__CALLOUT_ACK__INIT;
	struct change_opts co = { 0 };
	int rc;

	if ((rc = change_args(cmd, argc, argv, long_opts, usage_ack, &co)))
		return rc == CHANGE_HELP_SHOWN ? EXIT_SUCCESS : rc;
	if ((rc = count_args(cmd, argc, argv, 1, 1, "which call-out? ID is missing")) ||
	    (rc = ctl_callout_id_arg(cmd, argv[optind], &ca.id)))
		return rc;
	ca.reason = (char *)(co.reason ? co.reason : "");
	c.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_ACK;
	c.callout_ack = &ca;
	return run_change(cmd, &co, &c);
}

/* ---- the subcommand ------------------------------------------------------- */

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} subs[] = {
	{ "create", cmd_create },
	{ "cancel", cmd_cancel },
	{ "add", cmd_add },
	{ "realert", cmd_realert },
	{ "set", cmd_set },
	{ "close", cmd_close },
	{ "ack", cmd_ack },
	{ "board", ctl_callout_board },
	{ "show", ctl_callout_show },
	{ "report", ctl_callout_report },
};

int ctl_cmd_callout(int argc, char **argv)
{
	if (argc < 2) {
		usage_callout(stderr);
		return ctl_usage_error("callout", "which callout command?");
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage_callout(stdout);
		return EXIT_SUCCESS;
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].run(argc - 1, argv + 1);
	return ctl_usage_error("callout", "unknown callout command \"%s\" (create, cancel, add, realert, set, "
			       "close, ack, board, show, report)", argv[1]);
}
