/* PEI AT command engine (EN 300 392-5).
 *
 * Re-entrancy: every user callback (write, urc, a command's result) may call
 * back into the engine: queue a command, reset, or destroy the engine (or
 * free its parent). The rules that make this safe:
 *  - every public entry point (tb_at_feed, tb_at_cmd, tb_at_reset, the timer)
 *    raises e->depth for its duration; callbacks only ever run at depth > 0;
 *  - at depth > 0, tb_at_cmd() only queues; the outermost entry point writes
 *    queued commands in a loop just before it returns (leave()), so a callback
 *    never recurses into another write;
 *  - a talloc_free() at depth > 0 is refused by the destructor, which marks
 *    the engine dying, stops its timer and framer; nothing calls back any more
 *    and the outermost leave() frees it for real. (If the parent was freed,
 *    talloc has moved the engine to the grandparent meanwhile.)
 *  - a command is unlinked (e->cur = NULL / taken off the queue) before its
 *    callback runs, so it completes exactly once whatever the callback does.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "radio-drivers/at_engine.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "codecs/pei_urc.h"
#include "common/counters.h"
#include "common/log_context.h"
#include "common/logging.h"

#define LOGE(e, lvl, fmt, args...) \
	LOGP(DPEI, lvl, "%s: " fmt, (e)->name ? (e)->name : "pei", ## args)

#define CTRL_Z 0x1a
#define ESC 0x1b

struct at_cmd {
	struct llist_head list;
	char *cmd;		/* "AT...\r" */
	size_t cmd_len;		/* without the CR */
	size_t name_len;	/* "AT+CMGS" of "AT+CMGS=...": what may be logged */
	const char *prefix;	/* "+CMGS" inside cmd, or NULL */
	size_t prefix_len;
	char *data;		/* user data + Ctrl-Z, or NULL */
	size_t data_len;	/* without the Ctrl-Z */
	bool data_sent;
	unsigned timeout_ms;
	tb_at_result_cb cb;
	void *cb_data;
	unsigned n_info;
	char *info[TB_AT_MAX_INFO_LINES];
};

struct tb_at_engine {
	struct tb_at_callbacks cbs;
	void *data;
	char *name;		/* log prefix */

	struct tb_pei_framer framer;
	struct llist_head queue;	/* struct at_cmd, not yet written */
	struct at_cmd *cur;		/* written, waiting for its final result */
	unsigned n_pending;		/* queue + cur + being failed by reset */
	struct osmo_timer_list timer;

	/* A +CTSDSR header waiting for its user-data line. */
	bool holding;
	size_t held_len;
	char held[TB_PEI_LINE_MAX + 1];

	unsigned depth;		/* nesting of entry points; callbacks run at depth > 0 */
	bool feeding;
	bool dying;		/* talloc_free()d from a callback: free on the way out */
	bool timeout_said;	/* a timeout was logged at NOTICE; no answer since */

	struct rate_ctr_group *ctrs;	/* enum tb_at_ctr */
};

static const struct rate_ctr_desc at_ctr_desc[] = {
	[TB_AT_CTR_BYTES_IN] = { "bytes:in", "Bytes from the terminal" },
	[TB_AT_CTR_BYTES_OUT] = { "bytes:out", "Bytes written to the terminal" },
	[TB_AT_CTR_LINES] = { "lines", "Lines the terminal printed" },
	[TB_AT_CTR_GARBAGE] = { "garbage", "Stray bytes dropped (NUL, other control bytes)" },
	[TB_AT_CTR_OVERLONG] = { "overlong", "Lines dropped for being longer than 1024 bytes" },
	[TB_AT_CTR_CMDS] = { "at:commands", "AT commands written" },
	[TB_AT_CTR_TIMEOUTS] = { "at:timeouts", "AT commands without a final result in time" },
	[TB_AT_CTR_ERRORS] = { "at:errors", "AT commands answered ERROR or +CME ERROR" },
	[TB_AT_CTR_UNEXPECTED] = { "at:unexpected", "Results and prompts with no command waiting for them" },
	[TB_AT_CTR_URCS] = { "urcs", "Unsolicited result codes passed to the link" },
	[TB_AT_CTR_BROKEN_SDS] = { "urcs:no_data", "+CTSDSR passed on without its user-data line" },
};

static const struct rate_ctr_group_desc at_ctrg_desc = {
	.group_name_prefix = "pei",
	.group_description = "PEI of a radio (bytes, lines, AT commands)",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(at_ctr_desc),
	.ctr_desc = at_ctr_desc,
};

static void ctr_inc(struct tb_at_engine *e, enum tb_at_ctr c)
{
	rate_ctr_inc2(e->ctrs, c);
}

const char *tb_at_status_name(enum tb_at_status s)
{
	switch (s) {
	case TB_AT_OK:
		return "OK";
	case TB_AT_ERROR:
		return "ERROR";
	case TB_AT_CME_ERROR:
		return "CME ERROR";
	case TB_AT_TIMEOUT:
		return "TIMEOUT";
	case TB_AT_LINK_DOWN:
		return "LINK DOWN";
	}
	return "unknown";
}

/* ---- line classification ------------------------------------------------ */

static size_t trim_len(const char *line, size_t len)
{
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	return len;
}

/* OK, ERROR or +CME ERROR: <n>[ text]. Numeric mode is what init sets
 * (AT+CMEE=1); a verbose "+CME ERROR: <text>" still ends the command, with
 * cme = -1. */
static bool is_final(const char *line, size_t len, enum tb_at_status *st, int *cme)
{
	static const char cme_p[] = "+CME ERROR:";
	const size_t cme_l = sizeof(cme_p) - 1;

	len = trim_len(line, len);
	*cme = -1;
	if (len == 2 && memcmp(line, "OK", 2) == 0) {
		*st = TB_AT_OK;
		return true;
	}
	if (len == 5 && memcmp(line, "ERROR", 5) == 0) {
		*st = TB_AT_ERROR;
		return true;
	}
	if (len >= cme_l && memcmp(line, cme_p, cme_l) == 0) {
		size_t i = cme_l;
		int n = 0, digits = 0;

		while (i < len && line[i] == ' ')
			i++;
		while (i < len && isdigit((unsigned char)line[i]) && digits < 6) {
			n = n * 10 + (line[i] - '0');
			digits++;
			i++;
		}
		if (digits > 0)
			*cme = n;
		*st = TB_AT_CME_ERROR;
		return true;
	}
	return false;
}

static bool is_prompt(const char *line, size_t len)
{
	return trim_len(line, len) == 1 && line[0] == '>';
}

static bool is_echo(const struct at_cmd *c, const char *line, size_t len)
{
	len = trim_len(line, len);
	return len == c->cmd_len && strncasecmp(line, c->cmd, len) == 0;
}

static bool is_data_echo(const struct at_cmd *c, const char *line, size_t len)
{
	len = trim_len(line, len);
	return c->data && c->data_sent && len == c->data_len && strncasecmp(line, c->data, len) == 0;
}

/* "+CNUMF: ..." or "+CNUMF" for "AT+CNUMF?"; the ':' check keeps "+CTSDSR:"
 * from answering "AT+CTSDS=...". */
static bool is_info(const struct at_cmd *c, const char *line, size_t len)
{
	if (!c->prefix || len < c->prefix_len || strncasecmp(line, c->prefix, c->prefix_len) != 0)
		return false;
	return len == c->prefix_len || line[c->prefix_len] == ':';
}

/* Length of a URC's name for debug logs ("+CTSDSR"), never its content. */
static int urc_name_len(const char *line, size_t len)
{
	size_t i = 0;

	if (len == 0 || line[0] != '+')
		return 0;
	for (i = 1; i < len && i < 16; i++)
		if (!isalnum((unsigned char)line[i]))
			break;
	return (int)i;
}

/* ---- entry/exit, completion, writing ------------------------------------ */

static void start_next(struct tb_at_engine *e);

static void enter(struct tb_at_engine *e)
{
	e->depth++;
}

/* Leave an entry point. The outermost one writes queued commands (a callback
 * of one may queue the next) and performs a deferred free. */
static void leave(struct tb_at_engine *e)
{
	OSMO_ASSERT(e->depth > 0);
	if (e->depth > 1) {
		e->depth--;
		return;
	}
	while (!e->dying && !e->cur && !llist_empty(&e->queue))
		start_next(e);
	e->depth = 0;
	if (e->dying) {
		talloc_set_destructor(e, NULL);
		talloc_free(e);
	}
}

static void complete(struct tb_at_engine *e, struct at_cmd *c, enum tb_at_status st, int cme)
{
	struct tb_at_result res = { .status = st, .cme = st == TB_AT_CME_ERROR ? cme : -1 };

	if (e->cur == c) {
		e->cur = NULL;
		osmo_timer_del(&e->timer);
	}
	e->n_pending--;
	if (st == TB_AT_ERROR || st == TB_AT_CME_ERROR)
		ctr_inc(e, TB_AT_CTR_ERRORS);
	if (st == TB_AT_OK || st == TB_AT_ERROR || st == TB_AT_CME_ERROR)
		e->timeout_said = false;	/* it answers again */
	res.n_info = c->n_info;
	for (unsigned i = 0; i < c->n_info; i++)
		res.info[i] = c->info[i];
	LOGE(e, LOGL_DEBUG, "%.*s: %s %d, %u info lines\n", (int)c->name_len, c->cmd,
	     tb_at_status_name(st), res.cme, c->n_info);
	if (c->cb && !e->dying)
		c->cb(&res, c->cb_data);
	talloc_free(c);
}

/* Write through the user's callback; returns its result. The caller must
 * check e->dying and whether its command is still e->cur afterwards. */
static int do_write(struct tb_at_engine *e, const char *buf, size_t len)
{
	int rc = e->cbs.write((const uint8_t *)buf, len, e->data);

	if (rc == 0)
		rate_ctr_add(rate_ctr_group_get_ctr(e->ctrs, TB_AT_CTR_BYTES_OUT), (int)len);
	return rc;
}

static void start_next(struct tb_at_engine *e)
{
	struct at_cmd *c = llist_first_entry(&e->queue, struct at_cmd, list);
	int rc;

	llist_del(&c->list);
	e->cur = c;
	osmo_timer_schedule(&e->timer, c->timeout_ms / 1000, (c->timeout_ms % 1000) * 1000);
	LOGE(e, LOGL_DEBUG, "-> %.*s\n", (int)c->name_len, c->cmd);
	rc = do_write(e, c->cmd, c->cmd_len + 1);
	if (e->dying || e->cur != c)
		return;	/* the write callback reset or freed us */
	if (rc < 0) {
		LOGE(e, LOGL_NOTICE, "cannot write %.*s: %s\n", (int)c->name_len, c->cmd, strerror(-rc));
		complete(e, c, TB_AT_LINK_DOWN, -1);
		return;
	}
	ctr_inc(e, TB_AT_CTR_CMDS);
}

static void send_data(struct tb_at_engine *e, struct at_cmd *c)
{
	int rc;

	c->data_sent = true;
	LOGE(e, LOGL_DEBUG, "%.*s: prompt, writing %zu bytes of user data\n", (int)c->name_len,
	     c->cmd, c->data_len);
	rc = do_write(e, c->data, c->data_len + 1);
	if (e->dying || e->cur != c)
		return;
	if (rc < 0) {
		LOGE(e, LOGL_NOTICE, "cannot write user data of %.*s: %s\n", (int)c->name_len, c->cmd,
		     strerror(-rc));
		complete(e, c, TB_AT_LINK_DOWN, -1);
	}
}

static void dispatch_urc(struct tb_at_engine *e, const char *line, size_t len,
			 const char *data, size_t data_len)
{
	ctr_inc(e, TB_AT_CTR_URCS);
	LOGE(e, LOGL_DEBUG, "URC %.*s%s\n", urc_name_len(line, len), line,
	     data ? " with user data" : "");
	if (e->cbs.urc && !e->dying)
		e->cbs.urc(line, len, data, data_len, e->data);
}

/* A held +CTSDSR header whose data line did not come: hand it over alone (the
 * SDS did arrive; the decoder reports it as incomplete, nothing is silently
 * lost) and count it. */
static void flush_held(struct tb_at_engine *e)
{
	if (!e->holding)
		return;
	e->holding = false;	/* before the callback: it may reset */
	ctr_inc(e, TB_AT_CTR_BROKEN_SDS);
	LOGE(e, LOGL_NOTICE, "+CTSDSR without its user-data line\n");
	dispatch_urc(e, e->held, e->held_len, NULL, 0);
}

static void on_line(const char *line, size_t len, void *data)
{
	struct tb_at_engine *e = data;
	struct at_cmd *c;
	enum tb_at_status st;
	int cme;

	if (e->dying)
		return;

	if (e->holding) {
		if (tetra_pei_is_data_line(line, len)) {
			e->holding = false;
			dispatch_urc(e, e->held, e->held_len, line, len);
			return;
		}
		/* Another +CTSDSR, a final result, anything else: the data
		 * line was lost. Flush the header, then treat this line on
		 * its own. */
		flush_held(e);
		if (e->dying)
			return;
	}

	c = e->cur;
	if (c) {
		if (is_echo(c, line, len) || is_data_echo(c, line, len))
			return;
		if (is_prompt(line, len) && c->data && !c->data_sent) {
			send_data(e, c);
			return;
		}
		if (is_final(line, len, &st, &cme)) {
			complete(e, c, st, cme);
			return;
		}
		if (is_info(c, line, len)) {
			if (c->n_info < TB_AT_MAX_INFO_LINES) {
				char *copy = talloc_strndup(c, line, len);
				if (copy)
					c->info[c->n_info++] = copy;
			} else {
				LOGE(e, LOGL_NOTICE, "%.*s: more than %d info lines, dropping one\n",
				     (int)c->name_len, c->cmd, TB_AT_MAX_INFO_LINES);
			}
			return;
		}
	} else if (is_final(line, len, &st, &cme)) {
		ctr_inc(e, TB_AT_CTR_UNEXPECTED);
		LOGE(e, LOGL_INFO, "%s with no command outstanding\n", tb_at_status_name(st));
		/* An unasked +CME ERROR still tells something (e.g. an SDS the
		 * terminal could not send later): pass it on as a result code. */
		if (st == TB_AT_CME_ERROR)
			dispatch_urc(e, line, len, NULL, 0);
		return;
	}
	if (is_prompt(line, len)) {
		ctr_inc(e, TB_AT_CTR_UNEXPECTED);
		LOGE(e, LOGL_INFO, "prompt with no user data to send\n");
		return;
	}
	if (tetra_pei_has_data_line(line, len)) {
		e->holding = true;
		e->held_len = len;
		memcpy(e->held, line, len);
		e->held[len] = '\0';
		return;
	}
	dispatch_urc(e, line, len, NULL, 0);
}

static void timer_cb(void *data)
{
	struct tb_at_engine *e = data;
	struct at_cmd *c = e->cur;
	TB_LOG_RADIO_SCOPE(e->name);	/* the radio's name (tb_at_set_name) */

	if (!c || e->dying)
		return;
	enter(e);
	ctr_inc(e, TB_AT_CTR_TIMEOUTS);
	/* Once while the terminal stays silent, not per retry (the link says
	 * what it means at NOTICE itself). */
	LOGE(e, e->timeout_said ? LOGL_INFO : LOGL_NOTICE, "%.*s: no final result within %u ms\n",
	     (int)c->name_len, c->cmd, c->timeout_ms);
	e->timeout_said = true;
	if (c->data && !c->data_sent) {
		/* The terminal may still sit at its "> " prompt: ESC abandons the
		 * message (3GPP TS 27.005; assumed the same on the PEI), so the
		 * next command is not taken for user data. Harmless otherwise. */
		static const char esc = ESC;
		do_write(e, &esc, 1);
	}
	if (!e->dying && e->cur == c)
		complete(e, c, TB_AT_TIMEOUT, -1);
	leave(e);
}

static int engine_destructor(struct tb_at_engine *e)
{
	osmo_timer_del(&e->timer);
	if (e->depth > 0) {
		/* Freed from inside a callback: keep the memory until the
		 * engine's own frames have unwound (see leave()). */
		e->dying = true;
		tb_pei_framer_reset(&e->framer);	/* stops the feed loop */
		return -1;
	}
	return 0;
}

/* ---- public API --------------------------------------------------------- */

struct tb_at_engine *tb_at_alloc(void *ctx, const struct tb_at_callbacks *cbs, void *data)
{
	struct tb_at_engine *e;

	if (!cbs || !cbs->write)
		return NULL;
	e = talloc_zero(ctx, struct tb_at_engine);
	if (!e)
		return NULL;
	e->cbs = *cbs;
	e->data = data;
	e->ctrs = tb_ctr_group_alloc(e, &at_ctrg_desc, NULL);
	if (!e->ctrs) {
		talloc_free(e);
		return NULL;
	}
	INIT_LLIST_HEAD(&e->queue);
	tb_pei_framer_init(&e->framer, on_line, e);
	osmo_timer_setup(&e->timer, timer_cb, e);
	talloc_set_destructor(e, engine_destructor);
	return e;
}

void tb_at_destroy(struct tb_at_engine **e)
{
	if (e)
		TALLOC_FREE(*e);	/* deferred by the destructor inside a callback */
}

void tb_at_set_name(struct tb_at_engine *e, const char *name)
{
	talloc_free(e->name);
	e->name = name ? talloc_strdup(e, name) : NULL;
	if (e->name)
		rate_ctr_group_set_name(e->ctrs, e->name);
	else
		TALLOC_FREE(e->ctrs->name);
}

static bool printable(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 || ch == 0x7f)
			return false;
	}
	return true;
}

static int queue_cmd(struct tb_at_engine *e, const char *cmd, const char *data, size_t data_len,
		     unsigned timeout_ms, tb_at_result_cb cb, void *cb_data)
{
	struct at_cmd *c;
	size_t len;

	if (!e || !cmd || e->dying || timeout_ms == 0)
		return -EINVAL;
	len = strlen(cmd);
	if (len == 0 || len > TB_PEI_LINE_MAX || !printable(cmd, len))
		return -EINVAL;
	if (data && (data_len == 0 || data_len > TB_PEI_LINE_MAX || !printable(data, data_len)))
		return -EINVAL;

	c = talloc_zero(e, struct at_cmd);
	if (!c)
		return -ENOMEM;
	c->cmd = talloc_asprintf(c, "%s\r", cmd);
	if (!c->cmd)
		goto nomem;
	c->cmd_len = len;
	c->name_len = strcspn(cmd, "=?");
	if (len > 3 && strncasecmp(cmd, "AT+", 3) == 0 && c->name_len > 3) {
		c->prefix = c->cmd + 2;
		c->prefix_len = c->name_len - 2;
	}
	if (data) {
		c->data = talloc_size(c, data_len + 1);
		if (!c->data)
			goto nomem;
		memcpy(c->data, data, data_len);
		c->data[data_len] = CTRL_Z;
		c->data_len = data_len;
	}
	c->timeout_ms = timeout_ms;
	c->cb = cb;
	c->cb_data = cb_data;
	llist_add_tail(&c->list, &e->queue);
	e->n_pending++;

	enter(e);
	leave(e);	/* writes it now if idle and not inside a callback */
	return 0;
nomem:
	talloc_free(c);
	return -ENOMEM;
}

int tb_at_cmd(struct tb_at_engine *e, const char *cmd, unsigned timeout_ms,
	      tb_at_result_cb cb, void *cb_data)
{
	return queue_cmd(e, cmd, NULL, 0, timeout_ms, cb, cb_data);
}

int tb_at_cmd_data(struct tb_at_engine *e, const char *cmd, const char *data, size_t data_len,
		   unsigned timeout_ms, tb_at_result_cb cb, void *cb_data)
{
	if (!data)
		return -EINVAL;
	return queue_cmd(e, cmd, data, data_len, timeout_ms, cb, cb_data);
}

/* Feed the framer and add what it counted to the engine's counters (the
 * framer is a pure codec: it counts in a struct of its own). Its counts
 * survive a reset from inside a callback. */
static void framer_feed(struct tb_at_engine *e, const uint8_t *buf, size_t len)
{
	struct tb_pei_framer_stats before = e->framer.stats;
	const struct tb_pei_framer_stats *after = &e->framer.stats;

	tb_pei_framer_feed(&e->framer, buf, len);
	rate_ctr_add(rate_ctr_group_get_ctr(e->ctrs, TB_AT_CTR_BYTES_IN), (int)(after->bytes - before.bytes));
	rate_ctr_add(rate_ctr_group_get_ctr(e->ctrs, TB_AT_CTR_LINES), (int)(after->lines - before.lines));
	rate_ctr_add(rate_ctr_group_get_ctr(e->ctrs, TB_AT_CTR_GARBAGE), (int)(after->garbage - before.garbage));
	rate_ctr_add(rate_ctr_group_get_ctr(e->ctrs, TB_AT_CTR_OVERLONG),
		     (int)(after->overlong - before.overlong));
}

void tb_at_feed(struct tb_at_engine *e, const uint8_t *buf, size_t len)
{
	if (!e || e->dying)
		return;
	if (e->feeding) {
		/* From inside a callback of this very feed: the framer's buffer
		 * is in use. Not a supported use; drop rather than corrupt. */
		LOGE(e, LOGL_ERROR, "tb_at_feed() from inside a callback, %zu bytes dropped\n", len);
		return;
	}
	enter(e);
	e->feeding = true;
	framer_feed(e, buf, len);
	e->feeding = false;
	leave(e);
}

void tb_at_reset(struct tb_at_engine *e)
{
	LLIST_HEAD(doomed);
	struct at_cmd *c;

	if (!e || e->dying)
		return;
	enter(e);
	tb_pei_framer_reset(&e->framer);
	osmo_timer_del(&e->timer);
	flush_held(e);
	/* Take the commands that exist now; those queued by the callbacks
	 * below are for the new link and stay queued. */
	llist_splice_init(&e->queue, &doomed);
	if (e->cur) {
		llist_add(&e->cur->list, &doomed);
		e->cur = NULL;
	}
	while (!e->dying && !llist_empty(&doomed)) {
		c = llist_first_entry(&doomed, struct at_cmd, list);
		llist_del(&c->list);
		complete(e, c, TB_AT_LINK_DOWN, -1);
	}
	leave(e);
}

void tb_at_forget(struct tb_at_engine *e, const void *cb_data)
{
	struct at_cmd *c;

	if (!e)
		return;
	llist_for_each_entry(c, &e->queue, list)
		if (c->cb_data == cb_data)
			c->cb = NULL;
	if (e->cur && e->cur->cb_data == cb_data)
		e->cur->cb = NULL;
}

unsigned tb_at_pending(const struct tb_at_engine *e)
{
	return e->n_pending;
}

const struct rate_ctr_group *tb_at_ctrs(const struct tb_at_engine *e)
{
	return e->ctrs;
}
