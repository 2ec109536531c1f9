/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE	/* program_invocation_short_name */
#include "bridge/log_journal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
/* The location fields are the log line's (raw mode), not this file's. */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>
#include <osmocom/core/logging.h>

int tb_log_journal_priority(unsigned level)
{
	if (level >= LOGL_FATAL)
		return LOG_CRIT;
	if (level >= LOGL_ERROR)
		return LOG_ERR;
	if (level >= LOGL_NOTICE)
		return LOG_NOTICE;
	if (level >= LOGL_INFO)
		return LOG_INFO;
	return LOG_DEBUG;
}

/* One FIELD=value into e->buf; a field that does not fit is left out (only
 * MESSAGE can be long, and it goes first and is cut to fit). */
static void add(struct tb_log_journal_entry *e, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(struct tb_log_journal_entry *e, size_t *used, const char *fmt, ...)
{
	size_t room = sizeof(e->buf) - *used;
	va_list ap;
	int len;

	if (e->n >= TB_LOG_JOURNAL_MAX_FIELDS)
		return;
	va_start(ap, fmt);
	len = vsnprintf(e->buf + *used, room, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= room)
		return;
	e->iov[e->n].iov_base = e->buf + *used;
	e->iov[e->n].iov_len = (size_t)len;
	e->n++;
	*used += (size_t)len + 1;
}

void tb_log_journal_entry(struct tb_log_journal_entry *e, unsigned level, const char *msg,
			  const struct tb_log_ctx *ctx, int subsys, const char *file, int line)
{
	size_t used = 0, len = strlen(msg);

	e->n = 0;
	if (len && msg[len - 1] == '\n')
		len--;
	if (len > TB_LOG_JOURNAL_MAX_TEXT)
		len = TB_LOG_JOURNAL_MAX_TEXT;
	add(e, &used, "MESSAGE=%.*s", (int)len, msg);
	add(e, &used, "PRIORITY=%d", tb_log_journal_priority(level));
	add(e, &used, "SYSLOG_IDENTIFIER=%s", program_invocation_short_name);
	if (ctx->radio)
		add(e, &used, "RADIO=%s", ctx->radio);
	if (ctx->seq) {
		add(e, &used, "SEQ=%" PRIu64, ctx->seq);
		add(e, &used, "KIND=%s", ctx->kind ? ctx->kind : "");
	}
	if (file) {
		const char *cat = log_category_name(subsys);

		add(e, &used, "CODE_FILE=%s", file);
		add(e, &used, "CODE_LINE=%d", line);
		if (cat)
			add(e, &used, "OSMO_SUBSYS=%s", cat);
	}
}

static void send_entry(unsigned level, const char *msg, int subsys, const char *file, int line)
{
	struct tb_log_journal_entry e;
	const struct tb_log_ctx ctx = tb_log_ctx_get();

	tb_log_journal_entry(&e, level, msg, &ctx, subsys, file, line);
	/* Nowhere to say that it failed: this is the log. */
	sd_journal_sendv(e.iov, (int)e.n);
}

/* The line as the target's print settings formatted it. */
static void journal_output(struct log_target *tgt, unsigned int level, const char *line)
{
	send_entry(level, line, 0, NULL, 0);
}

/* Raw: the bare text; the category and the source in fields. */
static void journal_raw_output(struct log_target *tgt, int subsys, unsigned int level, const char *file, int line,
			       int cont, const char *format, va_list ap) __attribute__((format(printf, 7, 0)));

static void journal_raw_output(struct log_target *tgt, int subsys, unsigned int level, const char *file, int line,
			       int cont, const char *format, va_list ap)
{
	char msg[TB_LOG_JOURNAL_MAX_TEXT];

	vsnprintf(msg, sizeof(msg), format, ap);
	send_entry(level, msg, subsys, file ? file : "", line);
}

void tb_log_journal_set_raw(struct log_target *tgt, bool raw)
{
	tgt->sd_journal.raw = raw;
	tgt->output = journal_output;
	tgt->raw_output = raw ? journal_raw_output : NULL;
}

struct log_target *tb_log_journal_create(bool raw)
{
	struct log_target *tgt = log_target_create();

	if (!tgt)
		return NULL;
	/* libosmocore's `write` prints it back as `log systemd-journal [raw]`. */
	tgt->type = LOG_TGT_TYPE_SYSTEMD;
	/* journald stamps each entry and has the priority in its own field;
	 * the category stays in the text (the config may say otherwise). */
	tgt->print_timestamp = 0;
	tgt->print_ext_timestamp = 0;
	tgt->use_color = 0;
	log_set_print_category(tgt, 1);
	log_set_print_category_hex(tgt, 0);
	log_set_print_level(tgt, 0);
	log_set_print_filename2(tgt, LOG_FILENAME_NONE);
	tb_log_journal_set_raw(tgt, raw);
	return tgt;
}
