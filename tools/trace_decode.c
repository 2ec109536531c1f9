/* A raw PEI trace -> events (see trace_decode.h).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tools/trace_decode.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codecs/concat.h"
#include "codecs/pei_urc.h"
#include "ipc/event_build.h"
#include "codecs/pei_framer.h"

/* Concatenated texts in progress at once; more evict the oldest, which is
 * then reported as text_incomplete at once (nothing is lost either way). */
#define TRACE_CONCAT_SLOTS 16

/* A trace has no clock: parts wait until the end of the input. */
#define NO_TIMEOUT (UINT64_MAX / 2)

struct tb_trace_decoder {
	struct tb_trace_callbacks cbs;
	void *data;
	struct tb_trace_stats stats;
	struct tb_pei_framer framer;
	unsigned long line;		/* the physical line being fed */

	/* a +CTSDSR header waiting for its user-data line */
	bool holding;
	unsigned long held_line;
	size_t held_len;
	char held[TB_PEI_LINE_MAX + 1];

	bool data_echo_next;		/* after AT+CMGS / "> ": the user data is echoed */
	unsigned long give_up_line;	/* line given with text_incomplete events */

	struct tetra_concat_table *concat;
	struct tetra_concat_message msg;	/* the message being reported */
	struct tetra_concat_sds sds;		/* the concatenated SDS being reported */
	unsigned long emit_line;		/* line given with the events of a concatenated SDS */
	struct tetra_prim prim;
	struct tb_event_buf buf;
	uint64_t seq;
};

static void emit(struct tb_trace_decoder *d, unsigned long line)
{
	d->buf.ev.seq = ++d->seq;
	d->buf.ev.bridge = (char *)TB_TRACE_BRIDGE;
	d->buf.ev.radio = (char *)TB_TRACE_RADIO;
	d->stats.events++;
	if (d->cbs.event)
		d->cbs.event(&d->buf.ev, line, d->data);
}

/* "+NAME" of a result code line (letters and the blank of "+CME ERROR"),
 * at most 15 characters; "" when the line does not start like one. */
static void urc_name(const char *line, size_t len, char *name, size_t size)
{
	size_t n = 0;

	if (len > 1 && line[0] == '+') {
		for (n = 1; n < len && n + 1 < size && (isupper((unsigned char)line[n]) || line[n] == ' '); n++)
			;
		while (n > 1 && line[n - 1] == ' ')
			n--;
		if (n == 1)
			n = 0;
	}
	memcpy(name, line, n);
	name[n] = '\0';
}

static void report_error(struct tb_trace_decoder *d, unsigned long line, const char *text, size_t len,
			 int err)
{
	char name[16];

	urc_name(text, len, name, sizeof(name));
	d->stats.undecoded++;
	if (d->cbs.error)
		d->cbs.error(line, name, err, d->data);
}

static void give_up_cb(const struct tetra_concat_message *partial, void *data)
{
	struct tb_trace_decoder *d = data;

	tb_event_buf_init(&d->buf);
	tb_event_from_text_incomplete(&d->buf, partial);
	emit(d, d->give_up_line);
}

/* Each event of a concatenated SDS (the buffer is d->buf). */
static void sds_event_cb(struct tb_event_buf *b, void *data)
{
	struct tb_trace_decoder *d = data;

	emit(d, d->emit_line);
}

static void give_up_sds_cb(const struct tetra_concat_sds *partial, void *data)
{
	struct tb_trace_decoder *d = data;

	d->emit_line = d->give_up_line;
	tb_events_from_concat_sds(&d->buf, partial, sds_event_cb, d);
}

/* A part of a concatenated text or SDS: events only when it completes the
 * message (a text; a call-out, or an SDS's parts). A part the table cannot
 * hold is reported on its own, as the daemon does; a repeat of a part it
 * has is dropped. */
static void concat_part(struct tb_trace_decoder *d, unsigned long line)
{
	bool text = d->prim.oph.primitive == TETRA_TNSDS_TEXT;
	int rc = text ? tetra_concat_add(d->concat, &d->prim.u.text, line, &d->msg)
		      : tetra_concat_add_sds(d->concat, &d->prim.u.unitdata, line, &d->sds);

	if (rc == 1 && text) {
		tb_event_buf_init(&d->buf);
		tb_event_from_text_message(&d->buf, &d->msg);
		emit(d, line);
	} else if (rc == 1) {
		d->emit_line = line;
		tb_events_from_concat_sds(&d->buf, &d->sds, sds_event_cb, d);
	} else if (rc < 0 && rc != TETRA_E_DUPLICATE) {
		tb_event_buf_init(&d->buf);
		if (tb_event_from_prim(&d->buf, &d->prim, NULL, NULL) == 0)
			emit(d, line);
	}
	/* a message evicted to make room is reported now, not at the end */
	d->give_up_line = line;
	tetra_concat_expire(d->concat, line, NO_TIMEOUT, give_up_cb, give_up_sds_cb, d);
}

static bool is_concat_part(const struct tetra_prim *p)
{
	if (p->oph.sap != TETRA_SAP_TNSDS)
		return false;
	if (p->oph.primitive == TETRA_TNSDS_TEXT)
		return p->u.text.concat.present;
	return p->oph.primitive == TETRA_TNSDS_UNITDATA && tetra_concat_sds_is_part(&p->u.unitdata);
}

/* Decode one result code (with its data line, for +CTSDSR). */
static void decode(struct tb_trace_decoder *d, unsigned long line, const char *text, size_t len,
		   const char *data, size_t data_len)
{
	int rc = tetra_pei_decode(text, len, data, data_len, &d->prim);

	if (rc < 0) {
		report_error(d, line, text, len, rc);
		return;
	}
	if (is_concat_part(&d->prim)) {
		concat_part(d, line);
		return;
	}
	tb_event_buf_init(&d->buf);
	if (tb_event_from_prim(&d->buf, &d->prim, NULL, NULL) == 0)
		emit(d, line);
	/* else: state, not an event (the terminal's own identity) */
}

static size_t trim(const char *s, size_t len)
{
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return len;
}

static bool is(const char *s, size_t len, const char *lit)
{
	size_t n = strlen(lit);
	return trim(s, len) == n && memcmp(s, lit, n) == 0;
}

static void flush_held(struct tb_trace_decoder *d)
{
	if (!d->holding)
		return;
	d->holding = false;
	/* an sds_raw event with decode_error no_data, as the daemon publishes it */
	decode(d, d->held_line, d->held, d->held_len, NULL, 0);
}

static void on_line(const char *line, size_t len, void *data)
{
	struct tb_trace_decoder *d = data;
	bool data_echo = d->data_echo_next;

	d->data_echo_next = false;
	if (d->holding) {
		if (tetra_pei_is_data_line(line, len)) {
			d->holding = false;
			decode(d, d->held_line, d->held, d->held_len, line, len);
			return;
		}
		flush_held(d);	/* the data line was lost: the header alone, then this line */
	}
	if (trim(line, len) == 0 || is(line, len, "OK") || is(line, len, "ERROR"))
		return;	/* blanks, and final results of commands */
	if (len >= 2 && strncasecmp(line, "AT", 2) == 0) {
		/* the echo of a command; AT+CMGS=... is followed by the user data */
		d->data_echo_next = len >= 7 && strncasecmp(line, "AT+CMGS", 7) == 0;
		return;
	}
	if (line[0] == '>' && (len == 1 || line[1] == ' ')) {
		d->data_echo_next = true;
		return;
	}
	if (data_echo && tetra_pei_is_data_line(line, len))
		return;
	if (tetra_pei_has_data_line(line, len)) {
		d->holding = true;
		d->held_line = d->line;
		d->held_len = len;
		memcpy(d->held, line, len);
		d->held[len] = '\0';
		return;
	}
	decode(d, d->line, line, len, NULL, 0);
}

struct tb_trace_decoder *tb_trace_decoder_new(const struct tb_trace_callbacks *cbs, void *data)
{
	struct tb_trace_decoder *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->concat = malloc(tetra_concat_table_size(TRACE_CONCAT_SLOTS));
	if (!d->concat) {
		free(d);
		return NULL;
	}
	tetra_concat_table_init(d->concat, TRACE_CONCAT_SLOTS);
	d->cbs = *cbs;
	d->data = data;
	tb_pei_framer_init(&d->framer, on_line, d);
	return d;
}

void tb_trace_decoder_destroy(struct tb_trace_decoder **d)
{
	if (!d || !*d)
		return;
	free((*d)->concat);
	free(*d);
	*d = NULL;
}

void tb_trace_line(struct tb_trace_decoder *d, const char *buf, size_t len)
{
	uint64_t overlong = d->framer.stats.overlong;

	d->line = ++d->stats.lines;
	tb_pei_framer_feed(&d->framer, (const uint8_t *)buf, len);
	/* End the line here even without its LF: the next physical line is
	 * a new line whatever the last one ended with. */
	tb_pei_framer_feed(&d->framer, (const uint8_t *)"\n", 1);
	if (d->framer.stats.overlong != overlong)
		report_error(d, d->line, buf, len, TETRA_E_TOO_LONG);
}

void tb_trace_finish(struct tb_trace_decoder *d)
{
	flush_held(d);
	/* The end of time: every text still waiting is given up. */
	d->give_up_line = 0;
	tetra_concat_expire(d->concat, UINT64_MAX, 0, give_up_cb, give_up_sds_cb, d);
}

const struct tb_trace_stats *tb_trace_stats(const struct tb_trace_decoder *d)
{
	return &d->stats;
}
