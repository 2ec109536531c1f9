/* A simulated TETRA terminal (see sim_terminal.h): a PEI command
 * interpreter and a scenario player on osmo_timer.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "radio-drivers/sim_terminal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "codecs/pei_urc.h"
#include "common/logging.h"
#include "radio-drivers/sim_responder.h"

#define SIM_LINE_MAX	1024	/* longest command line accepted */
#define SIM_DATA_MAX	1024	/* longest AT+CMGS user data (hex digits); 2047 bits = 512 */
#define SIM_SDS_MAX_BITS 2047
#define SIM_SENT_REPORT_MS 300	/* AT+CMGS taken -> unsolicited "+CMGS: <inst>,4" */
#define SIM_WAIT_MAX_MS	86400000u	/* a day */
#define SIM_COUNT_MAX	1000000u	/* busy / airfail counts */
#define SIM_CME_BUSY	42		/* +CME ERROR: busy with signalling */

#define LOGSIM(s, lvl, fmt, args...) \
	LOGP(DSIM, lvl, "sim %s: " fmt, (s)->name, ## args)

enum scn_op { SCN_PRINT, SCN_WAIT, SCN_LOOP, SCN_SILENT, SCN_BUSY, SCN_AIRFAIL };

struct scn_step {
	enum scn_op op;
	unsigned ms;		/* SCN_WAIT; SCN_BUSY / SCN_AIRFAIL: the count */
	char *text;		/* SCN_PRINT: the line, without CR LF */
	unsigned lineno;	/* in the file, for debugging */
};

struct sim_report {		/* a pending unsolicited "+CMGS: <inst>,4" */
	struct llist_head list;
	struct tb_sim_terminal *s;
	unsigned inst;
	bool fail;		/* "+CMGS: <inst>,5": not sent, not delivered */
	/* What goes over the simulated air when it is sent. */
	unsigned ai;		/* AI service of the last AT+CTSDS */
	unsigned called_type;	/* 0 SSI, 1 TSI (AT+CTSDS) */
	char *called;		/* as given to AT+CMGS */
	unsigned bits;
	char *hex;
	struct osmo_timer_list timer;
};

/* Every live terminal of this process: one simulated air interface. */
static LLIST_HEAD(g_air);

struct tb_sim_terminal {
	struct llist_head air;	/* in g_air */
	char *own_tsi;
	struct tetra_identity own;	/* own_tsi parsed; type TETRA_ID_NONE if it does not parse */
	char *name;		/* log prefix */
	tb_sim_output_cb out;
	void *out_data;
	tb_sim_cmd_cb cmd_cb;
	void *cmd_data;

	bool echo;
	bool silent;
	unsigned busy;		/* next AT+CMGS answered +CME ERROR: 42 */
	unsigned airfail;	/* next taken SDS end "+CMGS: <inst>,5" */
	unsigned ctsds_ai;	/* AT+CTSDS: what the next AT+CMGS sends */
	unsigned ctsds_type;

	/* Host input. */
	char line[SIM_LINE_MAX + 1];
	size_t line_len;
	bool line_overflow;
	bool last_cr;		/* swallow the LF of a CR LF */
	bool data_mode;		/* after AT+CMGS: collecting hex up to Ctrl-Z */
	char *cmgs_cmd;		/* the AT+CMGS line being served */
	unsigned cmgs_bits;
	char data[SIM_DATA_MAX + 1];
	size_t data_len;
	bool data_overflow;
	unsigned sds_inst;
	struct llist_head reports;

	/* Scenario. */
	char *scn_path;
	struct scn_step *steps;
	unsigned n_steps;
	unsigned pc;		/* next step */
	bool playing;
	unsigned gen;		/* bumped when the scenario is stopped/replaced */
	struct osmo_timer_list timer;
	struct sim_responders *resp;	/* the scenario's responders, or NULL */
	char load_error[128];
};

/* Output */

static void emit(struct tb_sim_terminal *s, const char *buf, size_t len)
{
	if (s->silent || !len)
		return;
	s->out((const uint8_t *)buf, len, s->out_data);
}

/* "\r\n<text>\r\n" (V.250 verbose result / information framing). */
static void emit_result(struct tb_sim_terminal *s, const char *text)
{
	char *buf = talloc_asprintf(s, "\r\n%s\r\n", text);

	if (!buf)
		return;
	emit(s, buf, strlen(buf));
	talloc_free(buf);
}

/* An information line and the final OK in one write, as terminals do. */
static void emit_info_ok(struct tb_sim_terminal *s, const char *info)
{
	char *buf = talloc_asprintf(s, "\r\n%s\r\n\r\nOK\r\n", info);

	if (!buf)
		return;
	emit(s, buf, strlen(buf));
	talloc_free(buf);
}

static void emit_cme(struct tb_sim_terminal *s, int n)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "+CME ERROR: %d", n);
	emit_result(s, buf);
}

static void emit_line(struct tb_sim_terminal *s, const char *text)
{
	char *buf = talloc_asprintf(s, "%s\r\n", text);

	if (!buf)
		return;
	emit(s, buf, strlen(buf));
	talloc_free(buf);
}

/* Commands */

static bool is_numeric(const char *p, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return false;
	return true;
}

/* "a,b[,c...]" with at least min_fields fields, each decimal digits. */
static bool numeric_fields(const char *p, unsigned min_fields)
{
	unsigned n = 0;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (!is_numeric(p, len))
			return false;
		n++;
		if (!comma)
			break;
		p = comma + 1;
	}
	return n >= min_fields;
}

/* Does terminal t answer to the called identity of r? An SSI matches the
 * SSI part of t's TSI; a TSI must match all of it. */
static bool air_matches(const struct tb_sim_terminal *t, const struct sim_report *r)
{
	struct tetra_identity called;

	if (t->own.type == TETRA_ID_NONE)
		return false;
	if (tetra_identity_parse(r->called, strlen(r->called), r->called_type == 1 ? TETRA_ID_TSI : TETRA_ID_SSI,
				 &called) < 0)
		return false;
	if (called.type == TETRA_ID_TSI)
		return t->own.type == TETRA_ID_TSI && t->own.mcc == called.mcc && t->own.mnc == called.mnc &&
		       t->own.ssi == called.ssi;
	return t->own.ssi == called.ssi;
}

/* The SDS went over the air: every other live, answering terminal that
 * it is addressed to receives it. Nobody listening: it is lost, as on the
 * air. */
static void air_deliver(struct tb_sim_terminal *s, const struct sim_report *r)
{
	struct tb_sim_terminal *t;
	unsigned n = 0;

	llist_for_each_entry(t, &g_air, air) {
		char *hdr;

		if (t == s || t->silent || !air_matches(t, r))
			continue;
		hdr = talloc_asprintf(t, "+CTSDSR: %u,%s,1,%s,%u,%u", r->ai, s->own_tsi, r->called,
				      r->called_type, r->bits);
		if (!hdr)
			continue;
		emit_line(t, hdr);
		emit_line(t, r->hex);
		talloc_free(hdr);
		n++;
	}
	LOGSIM(s, LOGL_DEBUG, "SDS instance %u over the air: %u terminal%s received it\n", r->inst, n,
	       n == 1 ? "" : "s");
}

static void sent_report_cb(void *data)
{
	struct sim_report *r = data;
	struct tb_sim_terminal *s = r->s;
	char buf[40];

	snprintf(buf, sizeof(buf), "+CMGS: %u,%u", r->inst, r->fail ? 5 : 4);
	emit_result(s, buf);
	if (!r->fail && !s->silent) {
		air_deliver(s, r);
		sim_responders_hear(s->resp, r->ai, r->called, r->called_type, r->bits, r->hex);
	}
	talloc_free(r);
}

static int report_destructor(struct sim_report *r)
{
	osmo_timer_del(&r->timer);
	llist_del(&r->list);
	return 0;
}

static void cmgs_start(struct tb_sim_terminal *s, const char *cmd, const char *args)
{
	const char *comma = strchr(args, ',');
	unsigned long bits;

	if (!comma || strchr(comma + 1, ',') || !is_numeric(args, comma - args)
	    || !is_numeric(comma + 1, strlen(comma + 1)) || comma - args > 24) {
		emit_cme(s, 35);
		return;
	}
	bits = strtoul(comma + 1, NULL, 10);
	if (bits < 1 || bits > SIM_SDS_MAX_BITS) {
		emit_cme(s, 34);
		return;
	}
	talloc_free(s->cmgs_cmd);
	s->cmgs_cmd = talloc_strdup(s, cmd);
	s->cmgs_bits = bits;
	s->data_len = 0;
	s->data_overflow = false;
	s->data_mode = true;
	/* The prompt at a line start, no line end (EN 300 392-5 as 27.005). */
	emit(s, "\r\n> ", 4);
}

static void cmgs_finish(struct tb_sim_terminal *s)
{
	size_t need = (s->cmgs_bits + 3) / 4;
	struct sim_report *r;
	char buf[32];
	unsigned inst;

	s->data_mode = false;
	s->data[s->data_len] = '\0';
	if (s->data_overflow) {
		emit_cme(s, 34);
		return;
	}
	for (size_t i = 0; i < s->data_len; i++) {
		if (!isxdigit((unsigned char)s->data[i])) {
			emit_cme(s, 32);	/* user data decoding failed */
			return;
		}
	}
	/* The bit length decides; a pad nibble (or byte padding) is fine. */
	if (s->data_len < need || s->data_len > need + 1) {
		emit_cme(s, 32);
		return;
	}
	LOGSIM(s, LOGL_DEBUG, "SDS sent: %s / %s\n", s->cmgs_cmd, s->data);
	if (s->cmd_cb)
		s->cmd_cb(s->cmgs_cmd, s->data, s->cmd_data);
	if (s->silent)
		return;		/* the observer made it a dead terminal */
	if (s->busy) {
		s->busy--;
		LOGSIM(s, LOGL_DEBUG, "busy: SDS not taken (%u more)\n", s->busy);
		emit_cme(s, SIM_CME_BUSY);
		return;
	}
	inst = s->sds_inst;
	s->sds_inst = (s->sds_inst + 1) % 256;
	snprintf(buf, sizeof(buf), "+CMGS: %u", inst);
	emit_info_ok(s, buf);

	r = talloc_zero(s, struct sim_report);
	if (!r)
		return;
	r->s = s;
	r->inst = inst;
	if (s->airfail) {
		s->airfail--;
		r->fail = true;
	}
	r->ai = s->ctsds_ai;
	r->called_type = s->ctsds_type;
	/* "AT+CMGS=<called>,<bits>": checked by cmgs_start. */
	r->called = talloc_strndup(r, s->cmgs_cmd + 8, strcspn(s->cmgs_cmd + 8, ","));
	r->bits = s->cmgs_bits;
	r->hex = talloc_strdup(r, s->data);
	if (!r->called || !r->hex) {
		talloc_free(r);
		return;
	}
	llist_add_tail(&r->list, &s->reports);
	osmo_timer_setup(&r->timer, sent_report_cb, r);
	talloc_set_destructor(r, report_destructor);
	osmo_timer_schedule(&r->timer, SIM_SENT_REPORT_MS / 1000, (SIM_SENT_REPORT_MS % 1000) * 1000);
}

static void handle_command(struct tb_sim_terminal *s, const char *line)
{
	char up[SIM_LINE_MAX + 1];
	char buf[64];
	size_t n = strlen(line);

	for (size_t i = 0; i <= n; i++)
		up[i] = toupper((unsigned char)line[i]);

	LOGSIM(s, LOGL_DEBUG, "command: %s\n", line);
	if (s->echo) {
		/* The echo, like every answer, follows the terminal's state
		 * when the line arrived: "ATE0" is itself echoed. */
		emit_line(s, line);
	}
	if (s->cmd_cb && strncmp(up, "AT+CMGS=", 8) != 0)
		s->cmd_cb(line, NULL, s->cmd_data);

	if (!strcmp(up, "AT")) {
		emit_result(s, "OK");
	} else if (!strcmp(up, "ATE0")) {
		s->echo = false;
		emit_result(s, "OK");
	} else if (!strcmp(up, "ATE1") || !strcmp(up, "ATE")) {
		s->echo = true;
		emit_result(s, "OK");
	} else if (!strcmp(up, "ATZ")) {
		LOGSIM(s, LOGL_DEBUG, "ATZ: a Sepura would reboot now; answering OK\n");
		emit_result(s, "OK");
	} else if (!strncmp(up, "AT+CTSDS=", 9)) {
		if (numeric_fields(up + 9, 2)) {
			/* What the next AT+CMGS sends: AI service, called party type. */
			s->ctsds_ai = (unsigned)strtoul(up + 9, NULL, 10) % 1000;
			s->ctsds_type = (unsigned)strtoul(strchr(up + 9, ',') + 1, NULL, 10) % 1000;
			emit_result(s, "OK");
		} else {
			emit_result(s, "+CME ERROR: 35");
		}
	} else if (!strncmp(up, "AT+CTSP=", 8)) {
		emit_result(s, numeric_fields(strchr(up, '=') + 1, 2) ? "OK" : "+CME ERROR: 35");
	} else if (!strcmp(up, "AT+CNUMF?")) {
		snprintf(buf, sizeof(buf), "+CNUMF: 6,%s", s->own_tsi);
		emit_info_ok(s, buf);
	} else if (!strcmp(up, "AT+CSQ?") || !strcmp(up, "AT+CSQ")) {
		emit_info_ok(s, "+CSQ: 23,99");
	} else if (!strncmp(up, "AT+CMGS=", 8)) {
		cmgs_start(s, line, up + 8);
	} else {
		emit_cme(s, 4);
	}
}

static void input_byte(struct tb_sim_terminal *s, uint8_t c)
{
	if (s->data_mode) {
		switch (c) {
		case 0x1a:	/* Ctrl-Z: send */
			cmgs_finish(s);
			break;
		case 0x1b:	/* ESC: abandon */
			s->data_mode = false;
			LOGSIM(s, LOGL_DEBUG, "SDS abandoned (ESC)\n");
			emit_result(s, "OK");
			break;
		case '\r':
		case '\n':
			break;
		default:
			if (s->data_len < SIM_DATA_MAX)
				s->data[s->data_len++] = c;
			else
				s->data_overflow = true;
		}
		return;
	}

	if (c == '\n' && s->last_cr) {
		s->last_cr = false;
		return;
	}
	s->last_cr = (c == '\r');
	if (c == '\r' || c == '\n') {
		char *p = s->line;
		size_t len = s->line_len;
		bool overflow = s->line_overflow;

		s->line_len = 0;
		s->line_overflow = false;
		/* Blanks around the command do not count. */
		while (len && isspace((unsigned char)*p))
			p++, len--;
		while (len && isspace((unsigned char)p[len - 1]))
			len--;
		p[len] = '\0';
		if (overflow) {
			LOGSIM(s, LOGL_DEBUG, "command line too long\n");
			emit_cme(s, 35);
		} else if (len) {
			handle_command(s, p);
		}
		return;
	}
	if (c == 0x08) {	/* backspace (V.250 S5) */
		if (s->line_len)
			s->line_len--;
		return;
	}
	if (c < 0x20 || c == 0x7f)
		return;		/* stray control characters (e.g. a late ESC) */
	if (s->line_len < SIM_LINE_MAX)
		s->line[s->line_len++] = c;
	else
		s->line_overflow = true;
}

void tb_sim_input(struct tb_sim_terminal *s, const uint8_t *buf, size_t len)
{
	if (s->silent) {
		LOGSIM(s, LOGL_DEBUG, "silent: %zu input bytes ignored\n", len);
		return;
	}
	for (size_t i = 0; i < len && !s->silent; i++)
		input_byte(s, buf[i]);
}

void tb_sim_inject(struct tb_sim_terminal *s, const char *line)
{
	if (s->silent) {
		LOGSIM(s, LOGL_DEBUG, "silent: injected line dropped\n");
		return;
	}
	LOGSIM(s, LOGL_DEBUG, "inject: %s\n", line);
	emit_line(s, line);
}

/* Scenario player */

/* A responder's reaction, printed as the terminal prints an incoming SDS. */
static void resp_print(void *term, const char *line)
{
	emit_line(term, line);
}

static void scn_schedule(struct tb_sim_terminal *s, unsigned ms)
{
	osmo_timer_schedule(&s->timer, ms / 1000, (ms % 1000) * 1000);
}

static void scn_run(void *data)
{
	struct tb_sim_terminal *s = data;
	unsigned gen = s->gen;

	while (s->playing && !s->silent && s->pc < s->n_steps) {
		const struct scn_step *st = &s->steps[s->pc++];

		switch (st->op) {
		case SCN_PRINT:
			LOGSIM(s, LOGL_DEBUG, "scenario line %u: %s\n", st->lineno, st->text);
			emit_line(s, st->text);
			if (gen != s->gen)
				return;	/* stopped or replaced from the output callback */
			break;
		case SCN_WAIT:
			scn_schedule(s, st->ms);
			return;
		case SCN_LOOP:
			LOGSIM(s, LOGL_DEBUG, "scenario loops\n");
			s->pc = 0;
			break;
		case SCN_SILENT:
			LOGSIM(s, LOGL_DEBUG, "scenario line %u: silent\n", st->lineno);
			tb_sim_set_silent(s, true);
			return;
		case SCN_BUSY:
			tb_sim_set_busy(s, st->ms);
			break;
		case SCN_AIRFAIL:
			tb_sim_set_airfail(s, st->ms);
			break;
		}
	}
	if (s->playing && s->pc >= s->n_steps) {
		LOGSIM(s, LOGL_DEBUG, "scenario ended\n");
		s->playing = false;
	}
}

void tb_sim_start(struct tb_sim_terminal *s)
{
	osmo_timer_del(&s->timer);
	s->gen++;
	s->pc = 0;
	s->playing = s->n_steps > 0;
	if (s->playing && !s->silent)
		scn_schedule(s, 0);
	sim_responders_arm(s->resp, resp_print, s, s->own_tsi, &s->name);
}

void tb_sim_stop(struct tb_sim_terminal *s)
{
	osmo_timer_del(&s->timer);
	s->gen++;
	s->playing = false;
	sim_responders_disarm(s->resp);
}

void tb_sim_set_silent(struct tb_sim_terminal *s, bool silent)
{
	if (silent == s->silent)
		return;
	LOGSIM(s, LOGL_DEBUG, "%s\n", silent ? "silent" : "answering again");
	s->silent = silent;
	if (silent) {
		/* A dead terminal forgets what it was typing. */
		s->line_len = 0;
		s->line_overflow = false;
		s->data_mode = false;
		/* Pause; the pending wait counts as served on resume. */
		osmo_timer_del(&s->timer);
	} else if (s->playing) {
		scn_schedule(s, 0);
	}
}

bool tb_sim_is_silent(const struct tb_sim_terminal *s)
{
	return s->silent;
}

/* Scenario parser */

static char *skip_blank(char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* The rest of a directive line must be empty or a comment. */
static bool directive_end(char *p)
{
	p = skip_blank(p);
	return *p == '\0' || *p == '#';
}

/* Parse one line (already without its line end) into st, or a responder
 * line into *resp. Returns 1 for a step, 0 for nothing to play (blank,
 * comment, responder), -1 with *why set on error. */
static int parse_line(void *ctx, char *line, struct scn_step *st, struct sim_responders **resp, const char **why)
{
	char *p = skip_blank(line);
	size_t len = strlen(line);

	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		line[--len] = '\0';
	if (*p == '\0' || *p == '#')
		return 0;
	for (const char *q = line; *q; q++) {
		if ((unsigned char)*q < 0x20 && *q != '\t') {
			*why = "control character in the line";
			return -1;
		}
		if (*q == 0x7f) {
			*why = "control character in the line";
			return -1;
		}
	}

	if (!strncmp(p, "wait", 4) && (p[4] == '\0' || p[4] == ' ' || p[4] == '\t')) {
		char *end;
		unsigned long ms;

		p = skip_blank(p + 4);
		if (!isdigit((unsigned char)*p)) {
			*why = "wait needs a number of milliseconds";
			return -1;
		}
		errno = 0;
		ms = strtoul(p, &end, 10);
		if (errno || ms > SIM_WAIT_MAX_MS) {
			*why = "wait is longer than a day";
			return -1;
		}
		if (!(*end == '\0' || *end == ' ' || *end == '\t') || !directive_end(end)) {
			*why = "wait needs a number of milliseconds";
			return -1;
		}
		st->op = SCN_WAIT;
		st->ms = ms;
		return 1;
	}
	if ((!strncmp(p, "busy", 4) && (p[4] == '\0' || p[4] == ' ' || p[4] == '\t')) ||
	    (!strncmp(p, "airfail", 7) && (p[7] == '\0' || p[7] == ' ' || p[7] == '\t'))) {
		bool busy = p[0] == 'b';
		char *end;
		unsigned long n;

		p = skip_blank(p + (busy ? 4 : 7));
		errno = 0;
		n = isdigit((unsigned char)*p) ? strtoul(p, &end, 10) : 0;
		if (!isdigit((unsigned char)*p) || errno || n > SIM_COUNT_MAX ||
		    !(*end == '\0' || *end == ' ' || *end == '\t') || !directive_end(end)) {
			*why = busy ? "busy needs a count of AT+CMGS (0-1000000)"
				    : "airfail needs a count of SDS (0-1000000)";
			return -1;
		}
		st->op = busy ? SCN_BUSY : SCN_AIRFAIL;
		st->ms = (unsigned)n;
		return 1;
	}
	if (!strncmp(p, "responder", 9) && (p[9] == '\0' || p[9] == ' ' || p[9] == '\t'))
		return sim_responders_parse_line(ctx, resp, p + 9, why) < 0 ? -1 : 0;
	if (!strncmp(p, "loop", 4) && (p[4] == '\0' || p[4] == ' ' || p[4] == '\t')) {
		if (!directive_end(p + 4)) {
			*why = "loop takes no argument";
			return -1;
		}
		st->op = SCN_LOOP;
		return 1;
	}
	if (!strncmp(p, "silent", 6) && (p[6] == '\0' || p[6] == ' ' || p[6] == '\t')) {
		if (!directive_end(p + 6)) {
			*why = "silent takes no argument";
			return -1;
		}
		st->op = SCN_SILENT;
		return 1;
	}
	st->op = SCN_PRINT;
	st->text = talloc_strdup(ctx, line);
	if (!st->text) {
		*why = "out of memory";
		return -1;
	}
	return 1;
}

/* Read and check the scenario at path: its steps (talloc children of ctx,
 * the texts children of the array) in *steps_out / *n_out. Returns 0, or
 * -errno / -EINVAL with why filled in and, for -EINVAL, *err_line the line
 * at fault (0 if none is). */
static int scn_parse(void *ctx, const char *path, struct scn_step **steps_out, unsigned *n_out,
		     struct sim_responders **resp_out, unsigned *err_line, char *why_buf, size_t why_len)
{
	void *tmp;
	struct sim_responders *resp = NULL;
	struct scn_step *steps = NULL;
	unsigned n = 0, lineno = 0;
	bool can_loop = false, looped = false;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t got;
	const char *why = NULL;
	struct stat st;
	int rc = 0;
	FILE *f;

	*err_line = 0;
	if (!path || !*path) {
		snprintf(why_buf, why_len, "no file given");
		return -EINVAL;
	}
	f = fopen(path, "re");
	if (!f) {
		rc = -errno;
		snprintf(why_buf, why_len, "%s", strerror(-rc));
		return rc;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		snprintf(why_buf, why_len, "it is a directory, not a scenario file");
		return -EISDIR;
	}
	tmp = talloc_new(ctx);
	if (!tmp) {
		fclose(f);
		return -ENOMEM;
	}

	while ((got = getline(&buf, &cap, f)) >= 0) {
		struct scn_step step = { .lineno = ++lineno };
		int r;

		while (got && (buf[got - 1] == '\n' || buf[got - 1] == '\r'))
			buf[--got] = '\0';
		if (strlen(buf) != (size_t)got) {
			why = "NUL byte in the line";
			rc = -EINVAL;
			break;
		}
		r = parse_line(tmp, buf, &step, &resp, &why);
		if (r < 0) {
			rc = -EINVAL;
			break;
		}
		if (r == 0)
			continue;
		if (step.op == SCN_WAIT && step.ms > 0)
			can_loop = true;
		if (step.op == SCN_SILENT)
			can_loop = true;
		if (step.op == SCN_LOOP && !looped) {
			if (!can_loop) {
				why = "loop without a wait > 0 before it would spin";
				rc = -EINVAL;
				break;
			}
			looped = true;
		}
		steps = talloc_realloc(tmp, steps, struct scn_step, n + 1);
		if (!steps) {
			why = "out of memory";
			rc = -ENOMEM;
			break;
		}
		steps[n++] = step;
	}
	if (!rc && ferror(f)) {
		rc = -EIO;
		why = "read error";
	}
	free(buf);
	fclose(f);

	if (rc) {
		if (rc == -EINVAL)
			*err_line = lineno;
		snprintf(why_buf, why_len, "%s", why ? why : strerror(-rc));
		talloc_free(tmp);
		return rc;
	}
	/* The texts are children of tmp; keep them with the steps array. */
	if (steps) {
		talloc_steal(ctx, steps);
		for (unsigned i = 0; i < n; i++)
			if (steps[i].text)
				talloc_steal(steps, steps[i].text);
	}
	if (resp)
		talloc_steal(ctx, resp);
	talloc_free(tmp);
	*steps_out = steps;
	*n_out = n;
	*resp_out = resp;
	return 0;
}

int tb_sim_check_scenario(const char *path, unsigned *err_line, char *why, size_t why_len)
{
	struct scn_step *steps = NULL;
	struct sim_responders *resp = NULL;
	unsigned n = 0, line;
	void *ctx = talloc_new(NULL);
	int rc;

	if (!ctx)
		return -ENOMEM;
	rc = scn_parse(ctx, path, &steps, &n, &resp, &line, why, why_len);
	if (err_line)
		*err_line = line;
	talloc_free(ctx);
	return rc;
}

int tb_sim_load_scenario(struct tb_sim_terminal *s, const char *path, unsigned *err_line)
{
	struct scn_step *steps = NULL;
	struct sim_responders *resp = NULL;
	unsigned n = 0, line;
	int rc = scn_parse(s, path, &steps, &n, &resp, &line, s->load_error, sizeof(s->load_error));

	if (err_line)
		*err_line = line;
	if (rc < 0)
		return rc;
	tb_sim_stop(s);
	talloc_free(s->steps);
	s->steps = steps;
	s->n_steps = n;
	s->pc = 0;
	sim_responders_free(s->resp);
	s->resp = resp;
	talloc_free(s->scn_path);
	s->scn_path = talloc_strdup(s, path);
	s->load_error[0] = '\0';
	LOGSIM(s, LOGL_DEBUG, "scenario %s loaded: %u steps, %u responders\n", path, n,
	       sim_responders_count(resp));
	return 0;
}

const char *tb_sim_load_error(const struct tb_sim_terminal *s)
{
	return s->load_error;
}

/* Life cycle */

static int sim_destructor(struct tb_sim_terminal *s)
{
	struct sim_report *r, *r2;

	osmo_timer_del(&s->timer);
	llist_for_each_entry_safe(r, r2, &s->reports, list)
		talloc_free(r);
	llist_del(&s->air);
	return 0;
}

struct tb_sim_terminal *tb_sim_alloc(void *ctx, const char *own_tsi,
				     tb_sim_output_cb out, void *data)
{
	struct tb_sim_terminal *s;

	if (!own_tsi || !*own_tsi || !out)
		return NULL;
	s = talloc_zero(ctx, struct tb_sim_terminal);
	if (!s)
		return NULL;
	s->own_tsi = talloc_strdup(s, own_tsi);
	s->name = talloc_strdup(s, own_tsi);
	if (!s->own_tsi || !s->name) {
		talloc_free(s);
		return NULL;
	}
	s->out = out;
	s->out_data = data;
	s->echo = true;		/* V.250 default: E1 */
	s->ctsds_ai = 12;	/* SDS type 4 until AT+CTSDS says otherwise */
	if (tetra_identity_parse(own_tsi, strlen(own_tsi), TETRA_ID_NONE, &s->own) < 0)
		s->own.type = TETRA_ID_NONE;	/* answers commands; receives nothing over the air */
	INIT_LLIST_HEAD(&s->reports);
	llist_add_tail(&s->air, &g_air);
	osmo_timer_setup(&s->timer, scn_run, s);
	talloc_set_destructor(s, sim_destructor);
	return s;
}

void tb_sim_destroy(struct tb_sim_terminal **s)
{
	if (s)
		TALLOC_FREE(*s);
}

void tb_sim_set_name(struct tb_sim_terminal *s, const char *name)
{
	char *n = talloc_strdup(s, name ? name : "");

	if (!n)
		return;
	talloc_free(s->name);
	s->name = n;
}

void tb_sim_set_cmd_cb(struct tb_sim_terminal *s, tb_sim_cmd_cb cb, void *data)
{
	s->cmd_cb = cb;
	s->cmd_data = data;
}

void tb_sim_set_busy(struct tb_sim_terminal *s, unsigned n)
{
	LOGSIM(s, LOGL_DEBUG, "the next %u AT+CMGS are answered busy\n", n);
	s->busy = n;
}

void tb_sim_set_airfail(struct tb_sim_terminal *s, unsigned n)
{
	LOGSIM(s, LOGL_DEBUG, "the next %u SDS taken fail on the air\n", n);
	s->airfail = n;
}

struct tb_sim_terminal *tb_sim_find(const char *own_tsi)
{
	struct tb_sim_terminal *s;

	if (!own_tsi)
		return NULL;
	llist_for_each_entry(s, &g_air, air)
		if (!strcmp(s->own_tsi, own_tsi))
			return s;
	return NULL;
}
