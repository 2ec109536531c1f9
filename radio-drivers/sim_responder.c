/* Field responders on the simulated air (see sim_responder.h; the scenario
 * lines are described in sim_terminal.h).
 *
 * Each responder keeps its reactions in one timeline: the delivery reports
 * of the SDS it heard (a small bounded queue, each SDS its own) and the
 * play that an alert started (answer, statuses, positions: one sorted
 * array built when the scenario is read). One osmo_timer per responder
 * fires at the earliest of them; at equal times a report goes first (the
 * terminal confirms receipt before its user acts), and actions of one
 * time go in the order of their lines.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "radio-drivers/sim_responder.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "codecs/bitio.h"
#include "codecs/callout.h"
#include "codecs/lip.h"
#include "codecs/pei_urc.h"
#include "codecs/sds_encode.h"
#include "codecs/sds_tl.h"
#include "codecs/text.h"
#include "common/logging.h"

#define RESP_MAX		64	/* responders in one scenario */
#define RESP_GROUPS_MAX		8	/* groups one responder is a member of */
#define RESP_STATUSES_MAX	64	/* status lines of one responder */
#define RESP_POSITIONS_MAX	1000	/* positions of one responder, all its move lines */
#define RESP_REPORTS_MAX	32	/* delivery reports pending at once, per responder */
#define RESP_AT_MAX_MS		86400000u	/* a day */
#define RESP_TEXT_MAX		100	/* characters of a text answer (one SDS) */
#define RESP_CALLOUT_TEXT_MAX	94	/* ISO 8859-1 octets of a call-out answer */

#define LIP_REASON_MAX_INTERVAL	129	/* periodic report: maximum reporting interval */
#define LIP_POS_ERR_20M		1	/* position error < 20 m */

#define LOGRESP(set, lvl, fmt, args...) \
	LOGP(DSIM, lvl, "sim %s: " fmt, (set)->log_name ? *(set)->log_name : "?", ## args)

enum act_kind { ACT_STATUS, ACT_TEXT, ACT_CALLOUT, ACT_POSITION };

struct resp_action {
	unsigned at_ms;		/* after the alert reached the responder */
	enum act_kind kind;
	uint16_t status;	/* ACT_STATUS */
	const char *text;	/* ACT_TEXT, ACT_CALLOUT: UTF-8, a child of the responder */
	double lat, lon;	/* ACT_POSITION */
	double kmh;
	bool has_dir;
	double dir_deg;
};

struct pending_report {
	uint64_t due_ms;
	uint8_t pid;
	uint8_t status;
	uint8_t msg_ref;
};

enum answer { ANS_NONE, ANS_NEVER, ANS_GIVEN };

struct responder {
	struct sim_responders *set;
	char *id_str;		/* as written: printed as the calling identity */
	struct tetra_identity id;
	struct tetra_identity groups[RESP_GROUPS_MAX];
	unsigned n_groups;
	int received_ms, consumed_ms, fail_ms;	/* -1: no such line */
	uint8_t fail_status;
	enum answer answer;
	unsigned n_status, n_positions;
	struct resp_action *acts;	/* sorted by at_ms; equal times in line order */
	unsigned n_acts;

	/* Runtime (while armed). */
	bool playing;
	uint64_t t0_ms;		/* when the alert of the play arrived */
	unsigned next;		/* next action of the play */
	bool alert_callout;	/* the play's alert was a call-out PDU */
	uint8_t co_number, co_severity;
	uint8_t msg_ref;	/* of the next SDS-TL message it sends */
	struct pending_report reports[RESP_REPORTS_MAX];	/* sorted by due_ms */
	unsigned n_reports;
	struct osmo_timer_list timer;
};

struct sim_responders {
	struct responder **r;
	unsigned n;
	bool armed;
	bool in_cb;		/* a responder's timer is printing */
	bool dead;		/* freed from inside that: free when it returns */
	sim_responder_print_fn print;
	void *term;
	char *own_tsi;
	char *const *log_name;	/* the terminal's name (it may be renamed) */
};

/* Time: CLOCK_MONOTONIC through libosmocore, so fake time moves it. */
static uint64_t now_ms(void)
{
	struct timespec ts;

	osmo_clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Parsing */

/* The next blank-separated word of *p (NUL-terminated in place), or NULL
 * at the end of the line or at a comment ("#" starting a word). */
static char *next_word(char **p)
{
	char *s = *p, *e;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '#') {
		*p = s;
		return NULL;
	}
	for (e = s; *e && *e != ' ' && *e != '\t'; e++)
		;
	if (*e)
		*e++ = '\0';
	*p = e;
	return s;
}

static bool at_end(char *p)
{
	return next_word(&p) == NULL;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* An ISSI / GSSI (1-8 digits) or a TSI (12-17 digits). */
static bool parse_identity(const char *w, struct tetra_identity *id)
{
	size_t n = strlen(w);

	if (!all_digits(w) || (n > 8 && n < 12) || n > 17)
		return false;
	if (tetra_identity_parse(w, n, TETRA_ID_NONE, id) < 0)
		return false;
	return id->type == TETRA_ID_SSI || id->type == TETRA_ID_TSI;
}

/* Seconds, at most 3 decimals ("45", "2.5"), up to a day, as ms. */
static bool parse_seconds(const char *w, unsigned *ms)
{
	uint64_t v = 0;
	unsigned frac = 0, scale = 1000;
	const char *p = w;

	if (!isdigit((unsigned char)*p))
		return false;
	for (; isdigit((unsigned char)*p); p++) {
		v = v * 10 + (unsigned)(*p - '0');
		if (v > RESP_AT_MAX_MS / 1000)
			return false;
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		for (; isdigit((unsigned char)*p); p++) {
			if (scale == 1)
				return false;	/* finer than a millisecond */
			scale /= 10;
			frac += (unsigned)(*p - '0') * scale;
		}
	}
	if (*p)
		return false;
	v = v * 1000 + frac;
	if (v > RESP_AT_MAX_MS)
		return false;
	*ms = (unsigned)v;
	return true;
}

/* "0x8002" (1-4 hex digits) or decimal 0..65535. */
static bool parse_u16(const char *w, unsigned max, unsigned *out)
{
	unsigned long v;
	char *end;

	if (w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) {
		if (!w[2] || strlen(w + 2) > 4)
			return false;
		for (const char *p = w + 2; *p; p++)
			if (!isxdigit((unsigned char)*p))
				return false;
		v = strtoul(w + 2, &end, 16);
	} else {
		if (!all_digits(w) || strlen(w) > 5)
			return false;
		v = strtoul(w, &end, 10);
	}
	if (v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

/* "<latitude>,<longitude>" in decimal degrees ("60.3940,5.3220"). */
static bool parse_point(const char *w, double *lat, double *lon)
{
	char *end;

	for (const char *p = w; *p; p++)
		if (!isdigit((unsigned char)*p) && *p != '-' && *p != '.' && *p != ',')
			return false;
	errno = 0;
	*lat = strtod(w, &end);
	if (end == w || *end != ',' || errno)
		return false;
	w = end + 1;
	*lon = strtod(w, &end);
	if (end == w || *end || errno)
		return false;
	return *lat >= -90 && *lat <= 90 && *lon >= -180 && *lon <= 180;
}

static int resp_destructor(struct responder *r)
{
	osmo_timer_del(&r->timer);
	return 0;
}

static void timer_cb(void *data);

static struct responder *find_or_add(void *ctx, struct sim_responders **setp, const char *id_str,
				     const struct tetra_identity *id, const char **why)
{
	struct sim_responders *set = *setp;
	struct responder *r, **grown;

	if (set) {
		for (unsigned i = 0; i < set->n; i++)
			if (!strcmp(set->r[i]->id_str, id_str))
				return set->r[i];
		if (set->n >= RESP_MAX) {
			*why = "a scenario has at most 64 responders";
			return NULL;
		}
	} else {
		set = talloc_zero(ctx, struct sim_responders);
		if (!set) {
			*why = "out of memory";
			return NULL;
		}
		*setp = set;
	}
	grown = talloc_realloc(set, set->r, struct responder *, set->n + 1);
	if (!grown) {
		*why = "out of memory";
		return NULL;
	}
	set->r = grown;
	r = talloc_zero(set, struct responder);
	if (!r || !(r->id_str = talloc_strdup(r, id_str))) {
		talloc_free(r);
		*why = "out of memory";
		return NULL;
	}
	r->set = set;
	r->id = *id;
	r->received_ms = r->consumed_ms = r->fail_ms = -1;
	r->msg_ref = 1;
	osmo_timer_setup(&r->timer, timer_cb, r);
	talloc_set_destructor(r, resp_destructor);
	set->r[set->n++] = r;
	return r;
}

/* Insert a after every action of its time or earlier (line order kept). */
static struct resp_action *add_action(struct responder *r, const struct resp_action *a)
{
	struct resp_action *acts = talloc_realloc(r, r->acts, struct resp_action, r->n_acts + 1);
	unsigned i;

	if (!acts)
		return NULL;
	r->acts = acts;
	for (i = r->n_acts; i > 0 && acts[i - 1].at_ms > a->at_ms; i--)
		acts[i] = acts[i - 1];
	acts[i] = *a;
	r->n_acts++;
	return &acts[i];
}

/* Characters of valid UTF-8 (the encoder checks validity). */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static bool has_progress(const struct responder *r)
{
	return r->n_status || r->n_positions;
}

static const char *const fail_excludes =
	"a responder whose delivery fails receives nothing, so it has no other lines than fail and member";

/* "accept|decline|standby" after "at <s>": status / text / callout. */
static int parse_answer(struct responder *r, unsigned at_ms, char *p, const char **why)
{
	struct resp_action a = { .at_ms = at_ms };
	char *form = next_word(&p);
	unsigned v;

	if (r->fail_ms >= 0) {
		*why = fail_excludes;
		return -1;
	}
	if (r->answer == ANS_NEVER) {
		*why = "this responder never answers (its never line), so it cannot also answer";
		return -1;
	}
	if (r->answer == ANS_GIVEN) {
		*why = "a responder answers once; this responder already has an accept, decline or standby line";
		return -1;
	}
	if (form && !strcmp(form, "status")) {
		char *w = next_word(&p);

		if (!w || !parse_u16(w, 0xffff, &v) || !at_end(p)) {
			*why = "an answer by status needs one value, 0x0000 to 0xFFFF (e.g. status 0x8000)";
			return -1;
		}
		a.kind = ACT_STATUS;
		a.status = (uint16_t)v;
	} else if (form && (!strcmp(form, "text") || !strcmp(form, "callout"))) {
		bool callout = form[0] == 'c';
		struct tetra_sds_pdu pdu;
		uint8_t latin1[RESP_CALLOUT_TEXT_MAX];
		size_t len, bits;

		/* The text is the rest of the line, as written ('#' included). */
		while (*p == ' ' || *p == '\t')
			p++;
		len = strlen(p);
		if (callout) {
			if (!len ||
			    tetra_text_from_utf8(p, len, TETRA_TEXT_8859_1, latin1, sizeof(latin1), &bits) < 0) {
				*why = "a call-out answer needs a text of 1 to 94 ISO 8859-1 (Latin-1) characters";
				return -1;
			}
		} else if (!len || utf8_chars(p) > RESP_TEXT_MAX ||
			   tetra_sds_encode_text(p, len, 0, 0, 0, &pdu, 1) != 1) {
			*why = "an answer by text needs 1 to 100 characters of UTF-8 text";
			return -1;
		}
		a.kind = callout ? ACT_CALLOUT : ACT_TEXT;
		a.text = talloc_strdup(r, p);
		if (!a.text) {
			*why = "out of memory";
			return -1;
		}
	} else {
		*why = "an answer says how: status <value>, text <text> or callout <text>";
		return -1;
	}
	if (!add_action(r, &a)) {
		*why = "out of memory";
		return -1;
	}
	r->answer = ANS_GIVEN;
	return 0;
}

/* Metres between two points (equirectangular: fine over a district). */
static void leg(double lat1, double lon1, double lat2, double lon2, double *metres, double *bearing_deg)
{
	const double r_earth = 6371000.0, rad = M_PI / 180.0;
	double north = (lat2 - lat1) * rad * r_earth;
	double east = (lon2 - lon1) * rad * r_earth * cos((lat1 + lat2) / 2 * rad);
	double b = atan2(east, north) / rad;

	*metres = sqrt(north * north + east * east);
	*bearing_deg = b < 0 ? b + 360 : b;
}

/* "move from <lat>,<lon> to <lat>,<lon> until <s> every <s>" after "at". */
static int parse_move(struct responder *r, unsigned at_ms, char *p, const char **why)
{
	static const char *const form =
		"move needs: move from <lat>,<lon> to <lat>,<lon> until <seconds> every <seconds>";
	double lat1, lon1, lat2, lon2, metres, bearing, kmh;
	unsigned until_ms, every_ms, count;
	char *w[8];

	for (unsigned i = 0; i < 8; i++)
		w[i] = next_word(&p);
	if (!w[7] || !at_end(p) || strcmp(w[0], "from") || strcmp(w[2], "to") || strcmp(w[4], "until") ||
	    strcmp(w[6], "every")) {
		*why = form;
		return -1;
	}
	if (!parse_point(w[1], &lat1, &lon1) || !parse_point(w[3], &lat2, &lon2)) {
		*why = "a point of move is <latitude>,<longitude> in degrees (e.g. 60.3940,5.3220)";
		return -1;
	}
	if (!parse_seconds(w[5], &until_ms) || !parse_seconds(w[7], &every_ms)) {
		*why = form;
		return -1;
	}
	if (until_ms <= at_ms) {
		*why = "move must end (until) later than it starts (at)";
		return -1;
	}
	if (every_ms < 1000) {
		*why = "move sends a position every 1 second or more";
		return -1;
	}
	if (r->fail_ms >= 0) {
		*why = fail_excludes;
		return -1;
	}
	if (r->answer == ANS_NEVER) {
		*why = "this responder never answers (its never line), so it does not move either";
		return -1;
	}
	count = (until_ms - at_ms) / every_ms + 1;
	if (r->n_positions + count > RESP_POSITIONS_MAX) {
		*why = "a responder sends at most 1000 positions; make every longer";
		return -1;
	}
	leg(lat1, lon1, lat2, lon2, &metres, &bearing);
	kmh = metres / ((until_ms - at_ms) / 1000.0) * 3.6;
	for (unsigned k = 0; k < count; k++) {
		unsigned t = at_ms + k * every_ms;
		double f = (double)(t - at_ms) / (until_ms - at_ms);
		struct resp_action a = {
			.at_ms = t,
			.kind = ACT_POSITION,
			.lat = lat1 + f * (lat2 - lat1),
			.lon = lon1 + f * (lon2 - lon1),
			.kmh = kmh,
			.has_dir = metres > 0,
			.dir_deg = bearing,
		};

		if (!add_action(r, &a)) {
			*why = "out of memory";
			return -1;
		}
	}
	r->n_positions += count;
	return 0;
}

/* After "at <seconds>". */
static int parse_at(struct responder *r, unsigned at_ms, char *p, const char **why)
{
	char *verb = next_word(&p);
	unsigned v;

	if (!verb) {
		*why = "at <seconds> needs what happens: received, consumed, accept, decline, standby, status, "
		       "move or fail";
		return -1;
	}
	if (!strcmp(verb, "received") || !strcmp(verb, "consumed")) {
		int *ms = verb[0] == 'r' ? &r->received_ms : &r->consumed_ms;

		if (!at_end(p)) {
			*why = verb[0] == 'r' ? "received takes nothing after it" : "consumed takes nothing after it";
			return -1;
		}
		if (r->fail_ms >= 0) {
			*why = fail_excludes;
			return -1;
		}
		if (*ms >= 0) {
			*why = verb[0] == 'r' ? "this responder already has a received line"
					      : "this responder already has a consumed line";
			return -1;
		}
		*ms = (int)at_ms;
		return 0;
	}
	if (!strcmp(verb, "accept") || !strcmp(verb, "decline") || !strcmp(verb, "standby"))
		return parse_answer(r, at_ms, p, why);
	if (!strcmp(verb, "status")) {
		char *w = next_word(&p);
		struct resp_action a = { .at_ms = at_ms, .kind = ACT_STATUS };

		if (!w || !parse_u16(w, 0xffff, &v) || !at_end(p)) {
			*why = "status needs one value, 0x0000 to 0xFFFF (e.g. status 0x8002)";
			return -1;
		}
		if (r->fail_ms >= 0) {
			*why = fail_excludes;
			return -1;
		}
		if (r->answer == ANS_NEVER) {
			*why = "this responder never answers (its never line), so it sends no status either";
			return -1;
		}
		if (r->n_status >= RESP_STATUSES_MAX) {
			*why = "a responder has at most 64 status lines";
			return -1;
		}
		a.status = (uint16_t)v;
		if (!add_action(r, &a)) {
			*why = "out of memory";
			return -1;
		}
		r->n_status++;
		return 0;
	}
	if (!strcmp(verb, "move"))
		return parse_move(r, at_ms, p, why);
	if (!strcmp(verb, "fail")) {
		char *w = next_word(&p);

		if (!w || !parse_u16(w, 0xff, &v) || v < 0x20 || !at_end(p)) {
			*why = "fail needs a delivery status that is not a success, 0x20 to 0xFF "
			       "(e.g. fail 0x41: not reachable)";
			return -1;
		}
		if (r->fail_ms >= 0) {
			*why = "this responder already has a fail line";
			return -1;
		}
		if (r->received_ms >= 0 || r->consumed_ms >= 0 || r->answer != ANS_NONE || has_progress(r)) {
			*why = fail_excludes;
			return -1;
		}
		r->fail_ms = (int)at_ms;
		r->fail_status = (uint8_t)v;
		return 0;
	}
	*why = "at <seconds> is followed by received, consumed, accept, decline, standby, status, move or fail";
	return -1;
}

int sim_responders_parse_line(void *ctx, struct sim_responders **set, char *args, const char **why)
{
	struct tetra_identity id;
	struct responder *r;
	char *p = args, *w, *verb;
	unsigned ms;

	w = next_word(&p);
	if (!w || !parse_identity(w, &id)) {
		*why = "responder needs an identity first: an ISSI (1 to 8 digits) or a TSI (12 to 17 digits)";
		return -1;
	}
	verb = next_word(&p);
	if (!verb) {
		*why = "responder <identity> is followed by member, never, or at <seconds> and what happens then";
		return -1;
	}
	r = find_or_add(ctx, set, w, &id, why);
	if (!r)
		return -1;

	if (!strcmp(verb, "member")) {
		struct tetra_identity g;

		w = next_word(&p);
		if (!w || !parse_identity(w, &g) || !at_end(p)) {
			*why = "member needs one group identity: a GSSI (1 to 8 digits) or a GTSI (12 to 17 digits)";
			return -1;
		}
		for (unsigned i = 0; i < r->n_groups; i++) {
			if (r->groups[i].type == g.type && r->groups[i].ssi == g.ssi && r->groups[i].mcc == g.mcc &&
			    r->groups[i].mnc == g.mnc) {
				*why = "this responder is already a member of that group";
				return -1;
			}
		}
		if (r->n_groups >= RESP_GROUPS_MAX) {
			*why = "a responder is a member of at most 8 groups";
			return -1;
		}
		r->groups[r->n_groups++] = g;
		return 0;
	}
	if (!strcmp(verb, "never")) {
		if (!at_end(p)) {
			*why = "never takes nothing after it";
			return -1;
		}
		if (r->answer == ANS_NEVER) {
			*why = "this responder already has a never line";
			return -1;
		}
		if (r->answer == ANS_GIVEN || has_progress(r)) {
			*why = "never means no answer, but this responder already answers or sends status or positions";
			return -1;
		}
		if (r->fail_ms >= 0) {
			*why = fail_excludes;
			return -1;
		}
		r->answer = ANS_NEVER;
		return 0;
	}
	if (!strcmp(verb, "at")) {
		w = next_word(&p);
		if (!w || !parse_seconds(w, &ms)) {
			*why = "at needs the seconds after the alert, 0 to 86400 (e.g. at 45 or at 2.5)";
			return -1;
		}
		return parse_at(r, ms, p, why);
	}
	*why = "responder <identity> is followed by member, never, or at <seconds> and what happens then";
	return -1;
}

unsigned sim_responders_count(const struct sim_responders *set)
{
	return set ? set->n : 0;
}

/* Output */

/* "+CTSDSR: <ai>,<responder>,<type>,<terminal>,1,<bits>" and the hex line. */
static void print_sds(struct responder *r, unsigned ai, const struct tetra_sds_pdu *pdu)
{
	struct sim_responders *set = r->set;
	char hex[2 * TETRA_SDS_MAX_BYTES + 1];
	char *hdr;

	if (tetra_sds_hex(pdu, hex, sizeof(hex)) < 0)
		return;
	hdr = talloc_asprintf(set, "+CTSDSR: %u,%s,%u,%s,1,%u", ai, r->id_str, r->id.type == TETRA_ID_TSI ? 1 : 0,
			      set->own_tsi, pdu->bits);
	if (!hdr)
		return;
	set->print(set->term, hdr);
	set->print(set->term, hex);
	talloc_free(hdr);
}

/* The call-out answer as the bridge's codec writes one (codecs/callout.h,
 * docs/protocol.md §15.8): lead 0x0D, kind 3, the alert's number and
 * severity, 0xFF, the text in ISO 8859-1; in an SDS-TL TRANSFER asking for
 * no report, flags 0 as in captured traffic. */
static int callout_answer(uint8_t msg_ref, uint8_t number, uint8_t severity, const char *text,
			  struct tetra_sds_pdu *out)
{
	uint8_t latin1[RESP_CALLOUT_TEXT_MAX], payload[TETRA_SDS_TRANSFER_MAX_OCTETS];
	struct tetra_callout_msg m = {
		.lead = TETRA_CALLOUT_LEAD_DEFAULT,
		.kind = TETRA_CALLOUT_KIND_ANSWER,
		.number = number,
		.severity = severity,
		.text = latin1,
	};
	size_t bits;
	int n;

	n = tetra_text_from_utf8(text, strlen(text), TETRA_TEXT_8859_1, latin1, sizeof(latin1), &bits);
	if (n < 0)
		return n;
	m.text_len = bits / 8;
	n = tetra_callout_encode(&m, payload, sizeof(payload));
	if (n < 0)
		return n;
	return tetra_sds_encode_transfer(TETRA_CALLOUT_PID, TETRA_SDS_RR_NONE, false, msg_ref, payload, (size_t)n,
					 out);
}

static void do_action(struct responder *r, const struct resp_action *a)
{
	struct tetra_sds_pdu pdu;

	switch (a->kind) {
	case ACT_STATUS:
		LOGRESP(r->set, LOGL_DEBUG, "responder %s: status 0x%04X\n", r->id_str, a->status);
		tetra_status_encode(a->status, &pdu);
		print_sds(r, 13, &pdu);
		return;
	case ACT_TEXT:
		LOGRESP(r->set, LOGL_DEBUG, "responder %s: answers by text\n", r->id_str);
		if (tetra_sds_encode_text(a->text, strlen(a->text), r->msg_ref, TETRA_SDS_RR_NONE, r->msg_ref, &pdu,
					  1) != 1)
			return;
		r->msg_ref++;
		print_sds(r, 12, &pdu);
		return;
	case ACT_CALLOUT:
		if (!r->alert_callout) {
			/* A text alert has no call-out number to answer to. */
			LOGRESP(r->set, LOGL_DEBUG, "responder %s: no call-out answer to a text alert\n", r->id_str);
			return;
		}
		LOGRESP(r->set, LOGL_DEBUG, "responder %s: call-out answer to number %u\n", r->id_str, r->co_number);
		if (callout_answer(r->msg_ref, r->co_number, r->co_severity, a->text, &pdu) < 0)
			return;
		r->msg_ref++;
		print_sds(r, 12, &pdu);
		return;
	case ACT_POSITION: {
		struct tetra_location_param loc = {
			.time_elapsed = 0,	/* < 5 s */
			.latitude = a->lat,
			.longitude = a->lon,
			.position_error = LIP_POS_ERR_20M,
			.has_velocity = true,
			.velocity_kmh = a->kmh,
			.has_direction = a->has_dir,
			.direction_deg = a->dir_deg,
			.has_reason = true,
			.reason = LIP_REASON_MAX_INTERVAL,
		};
		size_t bits;

		LOGRESP(r->set, LOGL_DEBUG, "responder %s: position\n", r->id_str);
		pdu.data[0] = TETRA_PID_LIP;
		if (tetra_lip_encode_short(&loc, pdu.data + 1, sizeof(pdu.data) - 1, &bits) < 0)
			return;
		pdu.bits = (uint16_t)(8 + bits);
		print_sds(r, 12, &pdu);
		return;
	}
	}
}

static void do_report(struct responder *r, const struct pending_report *rep)
{
	struct tetra_sds_pdu pdu;

	LOGRESP(r->set, LOGL_DEBUG, "responder %s: SDS-REPORT 0x%02X for reference %u\n", r->id_str, rep->status,
		rep->msg_ref);
	if (tetra_sds_encode_report(rep->pid, rep->status, rep->msg_ref, &pdu) < 0)
		return;
	print_sds(r, 12, &pdu);
}

/* Timeline */

static void reschedule(struct responder *r)
{
	uint64_t due = UINT64_MAX, now;

	if (r->n_reports)
		due = r->reports[0].due_ms;
	if (r->playing && r->next < r->n_acts && r->t0_ms + r->acts[r->next].at_ms < due)
		due = r->t0_ms + r->acts[r->next].at_ms;
	if (due == UINT64_MAX) {
		osmo_timer_del(&r->timer);
		return;
	}
	now = now_ms();
	due = due > now ? due - now : 0;
	osmo_timer_schedule(&r->timer, due / 1000, (due % 1000) * 1000);
}

static void timer_cb(void *data)
{
	struct responder *r = data;
	struct sim_responders *set = r->set;
	uint64_t now = now_ms();

	set->in_cb = true;
	for (;;) {
		bool rep = r->n_reports && r->reports[0].due_ms <= now;
		bool act = r->playing && r->next < r->n_acts && r->t0_ms + r->acts[r->next].at_ms <= now;

		if (rep && act && r->reports[0].due_ms > r->t0_ms + r->acts[r->next].at_ms)
			rep = false;	/* the action is earlier */
		if (rep) {
			struct pending_report first = r->reports[0];

			memmove(&r->reports[0], &r->reports[1], --r->n_reports * sizeof(r->reports[0]));
			do_report(r, &first);
		} else if (act) {
			do_action(r, &r->acts[r->next++]);
		} else {
			break;
		}
		if (set->dead) {
			talloc_free(set);	/* replaced from the output */
			return;
		}
		if (!set->armed) {
			set->in_cb = false;
			return;	/* disarmed from the output: nothing more */
		}
	}
	set->in_cb = false;
	if (r->playing && r->next >= r->n_acts) {
		LOGRESP(r->set, LOGL_DEBUG, "responder %s: done\n", r->id_str);
		r->playing = false;
	}
	reschedule(r);
}

static void add_report(struct responder *r, uint64_t due, uint8_t pid, uint8_t status, uint8_t msg_ref)
{
	unsigned i;

	if (r->n_reports >= RESP_REPORTS_MAX) {
		LOGRESP(r->set, LOGL_DEBUG, "responder %s: too many reports pending, one dropped\n", r->id_str);
		return;
	}
	for (i = r->n_reports; i > 0 && r->reports[i - 1].due_ms > due; i--)
		r->reports[i] = r->reports[i - 1];
	r->reports[i] = (struct pending_report){ .due_ms = due, .pid = pid, .status = status, .msg_ref = msg_ref };
	r->n_reports++;
}

/* What an SDS the terminal sent is, as far as a responder cares. */
struct heard {
	bool tl;		/* an SDS-TL TRANSFER */
	uint8_t pid;
	uint8_t report_request;
	uint8_t msg_ref;
	bool alert;		/* a text, or a call-out PDU of kind alert */
	bool callout;
	uint8_t number, severity;
};

static bool classify(unsigned ai, unsigned bits, const char *hex, struct heard *h)
{
	uint8_t data[TETRA_SDS_MAX_BYTES] = { 0 };
	struct tetra_bitreader br;
	struct tetra_sds_tl_hdr tl;
	size_t n = strlen(hex);

	memset(h, 0, sizeof(*h));
	if (ai != 12 || bits < 8 || bits > 8 * TETRA_SDS_MAX_BYTES || n < (bits + 3) / 4)
		return false;	/* statuses and other SDS types: nothing to react to */
	for (size_t i = 0; i < (bits + 3) / 4; i++) {
		unsigned v = isdigit((unsigned char)hex[i]) ? (unsigned)(hex[i] - '0')
							    : (unsigned)(toupper((unsigned char)hex[i]) - 'A' + 10);
		data[i / 2] |= (uint8_t)(i & 1 ? v : v << 4);
	}
	h->pid = data[0];
	if (!tetra_pid_has_tl(h->pid))
		return false;	/* no SDS-TL: no reference to report on, and not an alert we know */
	tetra_br_init(&br, data, bits);
	if (tetra_sds_tl_read(&br, &tl) < 0 || tl.type != TETRA_SDS_TL_TRANSFER)
		return false;	/* reports and acknowledgements get no answer */
	h->tl = true;
	h->report_request = tl.tl.report_request;
	h->msg_ref = tl.tl.msg_ref;
	switch (h->pid) {
	case TETRA_PID_TEXT:
	case TETRA_PID_IMM_TEXT:
	case TETRA_PID_TEXT_UDH:
		h->alert = true;
		break;
	case TETRA_CALLOUT_PID: {
		/* The payload after the header, as the bridge decodes it: a
		 * call-out that does not decode starts nothing. */
		uint8_t payload[TETRA_SDS_MAX_BYTES];
		size_t left = tetra_br_left(&br);
		struct tetra_callout_msg m;

		if (left % 8)
			break;
		tetra_br_get_bytes(&br, payload, left / 8);
		if (tetra_callout_decode(payload, left / 8, &m) < 0)
			break;
		h->number = m.number;
		h->severity = m.severity;
		h->callout = h->alert = m.kind == TETRA_CALLOUT_KIND_ALERT;
		break;
	}
	}
	return true;
}

static bool id_matches(const struct tetra_identity *mine, const struct tetra_identity *called)
{
	if (mine->ssi != called->ssi)
		return false;
	/* An SSI stands for that SSI in any network; two TSIs must agree. */
	if (mine->type == TETRA_ID_TSI && called->type == TETRA_ID_TSI)
		return mine->mcc == called->mcc && mine->mnc == called->mnc;
	return true;
}

static bool reaches(const struct responder *r, const struct tetra_identity *called)
{
	if (id_matches(&r->id, called))
		return true;
	for (unsigned i = 0; i < r->n_groups; i++)
		if (id_matches(&r->groups[i], called))
			return true;
	return false;
}

static void react(struct responder *r, const struct heard *h, uint64_t now)
{
	if (r->fail_ms >= 0) {
		/* Not delivered: the negative report, when one was asked. */
		if (h->report_request)
			add_report(r, now + (unsigned)r->fail_ms, h->pid, r->fail_status, h->msg_ref);
		reschedule(r);
		return;
	}
	if ((h->report_request & TETRA_SDS_RR_RECEIVED) && r->received_ms >= 0)
		add_report(r, now + (unsigned)r->received_ms, h->pid, TETRA_SDS_ST_RECEIVED, h->msg_ref);
	if ((h->report_request & TETRA_SDS_RR_CONSUMED) && r->consumed_ms >= 0)
		add_report(r, now + (unsigned)r->consumed_ms, h->pid, TETRA_SDS_ST_CONSUMED, h->msg_ref);
	/* An alert starts the play unless one is running; a call-out alert
	 * with another number is a new call-out and starts it over. A re-alert
	 * (same number), a second part or a stand-down while it plays gets its
	 * reports only. */
	if (h->alert && r->n_acts &&
	    (!r->playing || (h->callout && (!r->alert_callout || r->co_number != h->number)))) {
		LOGRESP(r->set, LOGL_DEBUG, "responder %s: alerted, plays %u reactions\n", r->id_str, r->n_acts);
		r->playing = true;
		r->t0_ms = now;
		r->next = 0;
		r->alert_callout = h->callout;
		r->co_number = h->number;
		r->co_severity = h->severity;
	}
	reschedule(r);
}

void sim_responders_hear(struct sim_responders *set, unsigned ai, const char *called, unsigned called_type,
			 unsigned bits, const char *hex)
{
	struct tetra_identity to;
	struct heard h;
	uint64_t now;

	if (!set || !set->armed || !set->n)
		return;
	if (tetra_identity_parse(called, strlen(called), called_type == 1 ? TETRA_ID_TSI : TETRA_ID_SSI, &to) < 0)
		return;
	if (!classify(ai, bits, hex, &h))
		return;
	now = now_ms();
	for (unsigned i = 0; i < set->n; i++)
		if (reaches(set->r[i], &to))
			react(set->r[i], &h, now);
}

static void reset_runtime(struct sim_responders *set)
{
	for (unsigned i = 0; i < set->n; i++) {
		struct responder *r = set->r[i];

		osmo_timer_del(&r->timer);
		r->playing = false;
		r->next = 0;
		r->n_reports = 0;
		r->msg_ref = 1;
	}
}

void sim_responders_arm(struct sim_responders *set, sim_responder_print_fn print, void *term, const char *own_tsi,
			char *const *log_name)
{
	char *tsi;

	if (!set)
		return;
	tsi = talloc_strdup(set, own_tsi ? own_tsi : "");
	if (!tsi)
		return;
	reset_runtime(set);
	talloc_free(set->own_tsi);
	set->own_tsi = tsi;
	set->log_name = log_name;
	set->print = print;
	set->term = term;
	set->armed = true;
}

void sim_responders_disarm(struct sim_responders *set)
{
	if (!set)
		return;
	reset_runtime(set);
	set->armed = false;
}

void sim_responders_free(struct sim_responders *set)
{
	if (!set)
		return;
	sim_responders_disarm(set);
	if (set->in_cb)
		set->dead = true;
	else
		talloc_free(set);
}
