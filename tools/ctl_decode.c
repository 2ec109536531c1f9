/* tetractl decode: a raw PEI trace into the events the bridge would
 * publish for it, offline (see trace_decode.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tools/ctl_commands.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "codecs/codec_err.h"
#include "ipc/tetra_bridge.pb-c.h"
#include "tools/ctl_options.h"
#include "tools/event_print.h"
#include "tools/trace_decode.h"

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
		"the parts of a concatenated text are joined into one text event (of a\n"
		"concatenated call-out into one callout_pdu event), and texts still\n"
		"missing parts at the end of the input are reported as text_incomplete\n"
		"(other messages as their parts). Events have radio \"" TB_TRACE_RADIO "\",\n"
		"bridge \"" TB_TRACE_BRIDGE "\", time 0 and seq 1, 2, 3 ...; the readable form starts\n"
		"with the trace line the event came from (\"line 12\"; \"end\" for messages\n"
		"given up at the end).\n"
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
		tb_trace_decoder_destroy(&d);
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
	tb_trace_decoder_destroy(&d);
	return rc;
}

int ctl_cmd_decode(int argc, char **argv)
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
		default:
			return ctl_option_error("decode", c, argv);
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
