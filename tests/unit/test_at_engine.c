/* Unit tests: PEI AT command engine. Time is driven with osmo_clock_override.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <time.h>
#include <cmocka.h>

#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "common/counters.h"
#include "common/logging.h"
#include "radio-drivers/at_engine.h"
#include "tests/lib/fake_time.h"
#include "tests/lib/log_capture.h"

/* ---- fixture ------------------------------------------------------------- */

#define MAX_EV 64
#define EV_LEN 2200

struct ev_result {
	const void *tag;	/* cb_data of the command */
	enum tb_at_status status;
	int cme;
	unsigned n_info;
	char info[TB_AT_MAX_INFO_LINES][64];
};

enum reentry {
	RE_NONE,
	RE_CMD,		/* queue fx.re_cmd */
	RE_RESET,	/* tb_at_reset() */
	RE_FREE,	/* tb_at_destroy(engine) */
	RE_FREE_PARENT,	/* talloc_free(parent of engine) */
};

static struct fx {
	void *ctx;
	void *parent;
	struct tb_at_engine *e;

	char written[4096];
	size_t wlen;
	unsigned n_writes;
	int write_rc;

	/* everything that happened, in order, as text */
	char log[MAX_EV][EV_LEN];
	unsigned n_log;

	struct ev_result res[MAX_EV];
	unsigned n_res;
	unsigned n_urc;

	/* re-entrancy hooks: what to do, and in which callback */
	enum reentry on_result, on_urc, on_write;
	const void *on_result_tag;	/* only for this command's result (NULL: any) */
	const char *on_urc_prefix;	/* only for URCs starting so (NULL: any) */
	const char *re_cmd;
	const void *re_tag;
	unsigned re_count;		/* hooks left to fire */
} fx;

static void result_cb(const struct tb_at_result *res, void *data);

static void reenter(enum reentry what)
{
	if (fx.re_count == 0)
		return;
	fx.re_count--;
	switch (what) {
	case RE_NONE:
		break;
	case RE_CMD:
		assert_int_equal(tb_at_cmd(fx.e, fx.re_cmd, 1000, result_cb, (void *)fx.re_tag), 0);
		break;
	case RE_RESET:
		tb_at_reset(fx.e);
		break;
	case RE_FREE:
		tb_at_destroy(&fx.e);
		break;
	case RE_FREE_PARENT:
		talloc_free(fx.parent);
		fx.parent = NULL;
		fx.e = NULL;
		break;
	}
}

static void addlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void addlog(const char *fmt, ...)
{
	va_list ap;

	assert_true(fx.n_log < MAX_EV);
	va_start(ap, fmt);
	vsnprintf(fx.log[fx.n_log++], EV_LEN, fmt, ap);
	va_end(ap);
}

static int write_cb(const uint8_t *buf, size_t len, void *data)
{
	assert_ptr_equal(data, &fx);
	assert_true(fx.wlen + len < sizeof(fx.written));
	memcpy(fx.written + fx.wlen, buf, len);
	fx.wlen += len;
	fx.written[fx.wlen] = '\0';
	fx.n_writes++;
	addlog("W %.*s", (int)len, (const char *)buf);
	if (fx.on_write)
		reenter(fx.on_write);
	return fx.write_rc;
}

static void urc_cb(const char *line, size_t len, const char *data_line, size_t data_len, void *data)
{
	assert_ptr_equal(data, &fx);
	assert_int_equal(strlen(line), len);
	if (data_line)
		assert_int_equal(strlen(data_line), data_len);
	else
		assert_int_equal(data_len, 0);
	fx.n_urc++;
	addlog("U %s|%s", line, data_line ? data_line : "-");
	if (fx.on_urc && (!fx.on_urc_prefix || strncmp(line, fx.on_urc_prefix, strlen(fx.on_urc_prefix)) == 0))
		reenter(fx.on_urc);
}

static void result_cb(const struct tb_at_result *res, void *data)
{
	struct ev_result *r;

	assert_true(fx.n_res < MAX_EV);
	r = &fx.res[fx.n_res++];
	r->tag = data;
	r->status = res->status;
	r->cme = res->cme;
	r->n_info = res->n_info;
	assert_true(res->n_info <= TB_AT_MAX_INFO_LINES);
	for (unsigned i = 0; i < res->n_info; i++)
		snprintf(r->info[i], sizeof(r->info[i]), "%s", res->info[i]);
	addlog("R %s %s %d %u", data ? (const char *)data : "-", tb_at_status_name(res->status),
	       res->cme, res->n_info);
	if (fx.on_result && (!fx.on_result_tag || fx.on_result_tag == data))
		reenter(fx.on_result);
}

static const struct tb_at_callbacks cbs = { .write = write_cb, .urc = urc_cb };

static void *g_ctx;

static int group_setup(void **state)
{
	struct log_target *t;

	g_ctx = talloc_named_const(NULL, 0, "test_at_engine");
	assert_int_equal(tb_logging_init(g_ctx), 0);
	log_set_all_filter(osmo_stderr_target, 1);
	log_set_category_filter(osmo_stderr_target, DPEI, 1, LOGL_NOTICE);
	/* Everything DPEI logs, at every level, is captured too. */
	t = tb_log_capture_start(LOGL_DEBUG);
	log_set_category_filter(t, DPEI, 1, LOGL_DEBUG);
	tb_fake_time_start();
	return 0;
}

static int group_teardown(void **state)
{
	tb_fake_time_stop();
	return 0;
}

static int setup(void **state)
{
	memset(&fx, 0, sizeof(fx));
	tb_log_capture_clear();
	fx.ctx = talloc_named_const(g_ctx, 0, "test");
	fx.parent = talloc_named_const(fx.ctx, 0, "parent");
	fx.e = tb_at_alloc(fx.parent, &cbs, &fx);
	assert_non_null(fx.e);
	tb_at_set_name(fx.e, "lvs-1");
	return 0;
}

static int teardown(void **state)
{
	/* Everything the engine allocated is gone with it (ASan checks leaks
	 * and use after free). */
	talloc_free(fx.ctx);
	osmo_timers_update();
	return 0;
}

static void feed(const char *s)
{
	tb_at_feed(fx.e, (const uint8_t *)s, strlen(s));
}

static void expect_log(const char *const *want, unsigned n)
{
	for (unsigned i = 0; i < n && i < fx.n_log; i++)
		assert_string_equal(fx.log[i], want[i]);
	assert_int_equal(fx.n_log, n);
}

#define EXPECT_LOG(...) do { \
	static const char *const w_[] = { __VA_ARGS__ }; \
	expect_log(w_, sizeof(w_) / sizeof(w_[0])); \
} while (0)

/* ---- basic results ------------------------------------------------------- */

static void test_ok_echo(void **state)
{
	assert_int_equal(tb_at_cmd(fx.e, "AT", 1000, result_cb, "a"), 0);
	assert_string_equal(fx.written, "AT\r");
	assert_int_equal(tb_at_pending(fx.e), 1);
	feed("AT\r\r\nOK\r\n");
	EXPECT_LOG("W AT\r", "R a OK -1 0");
	assert_int_equal(tb_at_pending(fx.e), 0);
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_CMDS), 1);
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_URCS), 0);
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_UNEXPECTED), 0);

	/* Echo is compared case-insensitively. */
	assert_int_equal(tb_at_cmd(fx.e, "at+cnumf?", 1000, result_cb, "b"), 0);
	feed("AT+CNUMF?\r\r\n+CNUMF: 6,09011638300023404\r\n\r\nOK\r\n");
	assert_int_equal(fx.n_res, 2);
	assert_int_equal(fx.res[1].status, TB_AT_OK);
	assert_int_equal(fx.res[1].n_info, 1);
	assert_string_equal(fx.res[1].info[0], "+CNUMF: 6,09011638300023404");
	assert_int_equal(fx.n_urc, 0);
}

static void test_terminators(void **state)
{
	/* CR LF, bare CR, bare LF. */
	assert_int_equal(tb_at_cmd(fx.e, "AT", 1000, result_cb, "a"), 0);
	feed("AT\rOK\r");
	assert_int_equal(tb_at_cmd(fx.e, "AT", 1000, result_cb, "b"), 0);
	feed("AT\nOK\n");
	assert_int_equal(tb_at_cmd(fx.e, "AT", 1000, result_cb, "c"), 0);
	feed("\r\nOK\r\n");
	assert_int_equal(fx.n_res, 3);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(fx.res[i].status, TB_AT_OK);
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_UNEXPECTED), 0);
}

static void test_info_lines(void **state)
{
	/* Info lines are the command's own +NAME; others are URCs, even ones
	 * that share a prefix (+CTSDSR is not an answer to AT+CTSDS). */
	assert_int_equal(tb_at_cmd(fx.e, "AT+CTSDS=12,0,0,0,1", 1000, result_cb, "a"), 0);
	feed("+CTSDS: 12,0\r\n+CTXG: 1,0,0,0\r\n+CTSDSX\r\nOK\r\n");
	assert_int_equal(fx.n_res, 1);
	assert_int_equal(fx.res[0].n_info, 1);
	assert_string_equal(fx.res[0].info[0], "+CTSDS: 12,0");
	assert_int_equal(fx.n_urc, 2);

	/* More than TB_AT_MAX_INFO_LINES: the first ones are kept. */
	assert_int_equal(tb_at_cmd(fx.e, "AT+CTGL?", 1000, result_cb, "b"), 0);
	for (unsigned i = 0; i < TB_AT_MAX_INFO_LINES + 3; i++) {
		char line[32];
		snprintf(line, sizeof(line), "+CTGL: %u\r\n", i);
		feed(line);
	}
	feed("OK\r\n");
	assert_int_equal(fx.n_res, 2);
	assert_int_equal(fx.res[1].n_info, TB_AT_MAX_INFO_LINES);
	assert_string_equal(fx.res[1].info[0], "+CTGL: 0");
	assert_string_equal(fx.res[1].info[TB_AT_MAX_INFO_LINES - 1], "+CTGL: 7");

	/* A command without +NAME has no info lines. */
	assert_int_equal(tb_at_cmd(fx.e, "ATE1", 1000, result_cb, "c"), 0);
	feed("+CTGL: 1\r\nOK\r\n");
	assert_int_equal(fx.res[2].n_info, 0);
	assert_int_equal(fx.n_urc, 3);
}

static void test_errors(void **state)
{
	assert_int_equal(tb_at_cmd(fx.e, "AT+CTSP=1,3,130", 1000, result_cb, "a"), 0);
	feed("+CME ERROR: 42\r\n");
	assert_int_equal(tb_at_cmd(fx.e, "AT+CTSP=1,3,131", 1000, result_cb, "b"), 0);
	feed("ERROR\r\n");
	assert_int_equal(tb_at_cmd(fx.e, "AT+CTSP=1,3,132", 1000, result_cb, "c"), 0);
	feed("+CME ERROR: 4 not supported\r\n");
	assert_int_equal(tb_at_cmd(fx.e, "AT+CTSP=1,3,133", 1000, result_cb, "d"), 0);
	feed("+CME ERROR: operation not allowed\r\n");
	assert_int_equal(fx.n_res, 4);
	assert_int_equal(fx.res[0].status, TB_AT_CME_ERROR);
	assert_int_equal(fx.res[0].cme, 42);
	assert_int_equal(fx.res[1].status, TB_AT_ERROR);
	assert_int_equal(fx.res[1].cme, -1);
	assert_int_equal(fx.res[2].status, TB_AT_CME_ERROR);
	assert_int_equal(fx.res[2].cme, 4);
	assert_int_equal(fx.res[3].status, TB_AT_CME_ERROR);
	assert_int_equal(fx.res[3].cme, -1);
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_ERRORS), 4);
	assert_int_equal(fx.n_urc, 0);
}

static void test_stray_finals(void **state)
{
	feed("OK\r\nERROR\r\n+CME ERROR: 3\r\n> ");
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_UNEXPECTED), 4);
	/* Only the unasked +CME ERROR is passed on, as a result code. */
	assert_int_equal(fx.n_urc, 1);
	assert_int_equal(fx.n_res, 0);
	/* The engine still works. */
	assert_int_equal(tb_at_cmd(fx.e, "AT", 1000, result_cb, "a"), 0);
	feed("OK\r\n");
	assert_int_equal(fx.n_res, 1);
	assert_int_equal(fx.res[0].status, TB_AT_OK);
}

static void test_bad_args(void **state)
{
	assert_int_equal(tb_at_cmd(fx.e, "", 1000, result_cb, NULL), -EINVAL);
	assert_int_equal(tb_at_cmd(fx.e, "AT\r", 1000, result_cb, NULL), -EINVAL);
	assert_int_equal(tb_at_cmd(fx.e, "AT\x1a", 1000, result_cb, NULL), -EINVAL);
	assert_int_equal(tb_at_cmd(fx.e, "AT", 0, result_cb, NULL), -EINVAL);
	assert_int_equal(tb_at_cmd(fx.e, NULL, 1000, result_cb, NULL), -EINVAL);
	assert_int_equal(tb_at_cmd_data(fx.e, "AT+CMGS=1,16", NULL, 0, 1000, result_cb, NULL), -EINVAL);
	assert_int_equal(tb_at_cmd_data(fx.e, "AT+CMGS=1,16", "80\x1a", 3, 1000, result_cb, NULL), -EINVAL);
	assert_int_equal(tb_at_pending(fx.e), 0);
	assert_int_equal(fx.n_writes, 0);
	/* A NULL callback is allowed. */
	assert_int_equal(tb_at_cmd(fx.e, "AT", 1000, NULL, NULL), 0);
	feed("OK\r\n");
	assert_int_equal(tb_at_pending(fx.e), 0);
	assert_null(tb_at_alloc(fx.ctx, &(struct tb_at_callbacks){ .urc = urc_cb }, NULL));
}

/* ---- queue and timeouts --------------------------------------------------- */

static void test_queue_fifo(void **state)
{
	assert_int_equal(tb_at_cmd(fx.e, "AT+A", 1000, result_cb, "a"), 0);
	assert_int_equal(tb_at_cmd(fx.e, "AT+B", 1000, result_cb, "b"), 0);
	assert_int_equal(tb_at_cmd(fx.e, "AT+C", 1000, result_cb, "c"), 0);
	/* One outstanding at a time. */
	assert_string_equal(fx.written, "AT+A\r");
	assert_int_equal(tb_at_pending(fx.e), 3);
	feed("OK\r\n");
	assert_string_equal(fx.written, "AT+A\rAT+B\r");
	feed("ERROR\r\nOK\r\n");	/* the OK comes before AT+C is written: stray */
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_UNEXPECTED), 1);
	feed("OK\r\n");
	EXPECT_LOG("W AT+A\r", "R a OK -1 0", "W AT+B\r", "R b ERROR -1 0", "W AT+C\r", "R c OK -1 0");
	assert_int_equal(tb_at_pending(fx.e), 0);
}

static void test_timeout(void **state)
{
	assert_int_equal(tb_at_cmd(fx.e, "AT+A", 2000, result_cb, "a"), 0);
	assert_int_equal(tb_at_cmd(fx.e, "AT+B", 500, result_cb, "b"), 0);
	tb_fake_time_advance_ms(1999);
	assert_int_equal(fx.n_res, 0);
	assert_string_equal(fx.written, "AT+A\r");
	feed("AT+A\r\r\n");	/* echo only */
	tb_fake_time_advance_ms(1);
	/* A timed out; B is written and has its own timeout. */
	EXPECT_LOG("W AT+A\r", "R a TIMEOUT -1 0", "W AT+B\r");
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_TIMEOUTS), 1);
	tb_fake_time_advance_ms(499);
	assert_int_equal(fx.n_res, 1);
	feed("OK\r\n");
	assert_int_equal(fx.n_res, 2);
	assert_int_equal(fx.res[1].status, TB_AT_OK);
	/* B's timer is gone. */
	tb_fake_time_advance_ms(10000);
	assert_int_equal(fx.n_res, 2);
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_TIMEOUTS), 1);
}

static void test_write_error(void **state)
{
	fx.write_rc = -EIO;
	assert_int_equal(tb_at_cmd(fx.e, "AT+A", 1000, result_cb, "a"), 0);
	/* Failed synchronously: the callback ran inside tb_at_cmd(). */
	EXPECT_LOG("W AT+A\r", "R a LINK DOWN -1 0");
	assert_int_equal(tb_at_pending(fx.e), 0);
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_CMDS), 0);
	fx.write_rc = 0;
	assert_int_equal(tb_at_cmd(fx.e, "AT+B", 1000, result_cb, "b"), 0);
	feed("OK\r\n");
	assert_int_equal(fx.n_res, 2);
	assert_int_equal(fx.res[1].status, TB_AT_OK);
	/* No timer left behind by the failed one. */
	tb_fake_time_advance_ms(5000);
	assert_int_equal(fx.n_res, 2);
}

static void test_write_error_queue(void **state)
{
	/* A queued command whose write fails: the next one proceeds. */
	assert_int_equal(tb_at_cmd(fx.e, "AT+A", 1000, result_cb, "a"), 0);
	assert_int_equal(tb_at_cmd(fx.e, "AT+B", 1000, result_cb, "b"), 0);
	assert_int_equal(tb_at_cmd(fx.e, "AT+C", 1000, result_cb, "c"), 0);
	fx.write_rc = -EPIPE;
	feed("OK\r\n");
	EXPECT_LOG("W AT+A\r", "R a OK -1 0", "W AT+B\r", "R b LINK DOWN -1 0", "W AT+C\r",
		   "R c LINK DOWN -1 0");
	assert_int_equal(tb_at_pending(fx.e), 0);
}

/* ---- URCs ------------------------------------------------------------------ */

static void test_urc_while_waiting(void **state)
{
	assert_int_equal(tb_at_cmd(fx.e, "AT+CNUMF?", 1000, result_cb, "a"), 0);
	feed("AT+CNUMF?\r\r\n+CTXG: 1,3,0,0,3,09011638300023404\r\n");
	/* Dispatched at once, not after the command. */
	EXPECT_LOG("W AT+CNUMF?\r", "U +CTXG: 1,3,0,0,3,09011638300023404|-");
	feed("+CNUMF: 6,09011638300023404\r\n+CTCR: 1,1\r\nOK\r\n");
	EXPECT_LOG("W AT+CNUMF?\r", "U +CTXG: 1,3,0,0,3,09011638300023404|-", "U +CTCR: 1,1|-",
		   "R a OK -1 1");
	/* And with nothing outstanding. */
	feed("+CTOM: 0\r\n");
	assert_int_equal(fx.n_urc, 3);
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_URCS), 3);
}

static void test_ctsdsr_pair(void **state)
{
	feed("+CTSDSR: 12,1234567,0,2345678,0,104\r\n");
	/* Held until its user-data line arrives. */
	assert_int_equal(fx.n_urc, 0);
	feed("0201746573746D657373616765\r\n");
	EXPECT_LOG("U +CTSDSR: 12,1234567,0,2345678,0,104|0201746573746D657373616765");
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_URCS), 1);
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_BROKEN_SDS), 0);

	/* While a command waits, split in odd places. */
	assert_int_equal(tb_at_cmd(fx.e, "AT+CSQ?", 1000, result_cb, "a"), 0);
	feed("+CTSDSR: 13,1234567,0,2345");
	feed("678,0,16\r");
	feed("\n80");
	assert_int_equal(fx.n_urc, 1);
	feed("04\r\n+CSQ: 20,99\r\nOK\r\n");
	assert_int_equal(fx.n_urc, 2);
	assert_string_equal(fx.log[2], "U +CTSDSR: 13,1234567,0,2345678,0,16|8004");
	assert_int_equal(fx.res[0].status, TB_AT_OK);
	assert_int_equal(fx.res[0].n_info, 1);
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_BROKEN_SDS), 0);
}

static void test_ctsdsr_broken(void **state)
{
	/* Header, header: the first goes alone, the second pairs. */
	feed("+CTSDSR: 13,1,0,2,0,16\r\n+CTSDSR: 13,3,0,4,0,16\r\n8005\r\n");
	EXPECT_LOG("U +CTSDSR: 13,1,0,2,0,16|-", "U +CTSDSR: 13,3,0,4,0,16|8005");
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_BROKEN_SDS), 1);

	/* Header then a final result: the header goes alone, the command
	 * completes. */
	fx.n_log = 0;
	assert_int_equal(tb_at_cmd(fx.e, "AT", 1000, result_cb, "a"), 0);
	feed("+CTSDSR: 13,1,0,2,0,16\r\nOK\r\n");
	EXPECT_LOG("W AT\r", "U +CTSDSR: 13,1,0,2,0,16|-", "R a OK -1 0");
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_BROKEN_SDS), 2);

	/* Header then another URC: both dispatched, in order. */
	fx.n_log = 0;
	feed("+CTSDSR: 13,1,0,2,0,16\r\n+CTOM: 0\r\n");
	EXPECT_LOG("U +CTSDSR: 13,1,0,2,0,16|-", "U +CTOM: 0|-");

	/* Header then the link resets: dispatched alone, before the command
	 * fails. */
	fx.n_log = 0;
	assert_int_equal(tb_at_cmd(fx.e, "AT", 1000, result_cb, "b"), 0);
	feed("+CTSDSR: 13,1,0,2,0,16\r\n80");
	tb_at_reset(fx.e);
	EXPECT_LOG("W AT\r", "U +CTSDSR: 13,1,0,2,0,16|-", "R b LINK DOWN -1 0");
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_BROKEN_SDS), 4);
	/* The partial data line is forgotten. */
	fx.n_log = 0;
	feed("04\r\n");
	EXPECT_LOG("U 04|-");
}

/* A realistic transcript: one command outstanding, URCs around it, an SDS
 * pair, garbage. Every way of cutting it into reads gives the same events. */
static const char transcript[] =
	"AT+CNUMF?\r\r\n+CTXG: 1,3,0,0,3,09011638300023404\r\n"
	"+CNUMF: 6,\0" "09011638300023404\r\n"
	"\r\n+CTSDSR: 12,1234567,0,2345678,0,104\r\n0201746573746D657373616765\r\n"
	"\r\nOK\r\n\n+CTOM: 0\r+CTSDSR: 13,1234567,0,2345678,0,16\n8004\r\n";
static const char *const transcript_events[] = {
	"W AT+CNUMF?\r",
	"U +CTXG: 1,3,0,0,3,09011638300023404|-",
	"U +CTSDSR: 12,1234567,0,2345678,0,104|0201746573746D657373616765",
	"R a OK -1 1",
	"U +CTOM: 0|-",
	"U +CTSDSR: 13,1234567,0,2345678,0,16|8004",
};

static void run_transcript(const size_t *cuts, unsigned n_cuts)
{
	size_t len = sizeof(transcript) - 1, pos = 0;

	tb_at_destroy(&fx.e);
	fx.e = tb_at_alloc(fx.parent, &cbs, &fx);
	fx.n_log = fx.n_res = fx.n_urc = 0;
	fx.wlen = 0;
	assert_int_equal(tb_at_cmd(fx.e, "AT+CNUMF?", 1000, result_cb, "a"), 0);
	for (unsigned i = 0; i <= n_cuts; i++) {
		size_t end = i < n_cuts ? cuts[i] : len;
		tb_at_feed(fx.e, (const uint8_t *)transcript + pos, end - pos);
		pos = end;
	}
	expect_log(transcript_events, sizeof(transcript_events) / sizeof(transcript_events[0]));
	assert_string_equal(fx.res[0].info[0], "+CNUMF: 6,09011638300023404");
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_GARBAGE), 1);
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_BYTES_IN), len);
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_URCS), 4);
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_UNEXPECTED), 0);
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_BROKEN_SDS), 0);
}

static void test_every_split(void **state)
{
	size_t len = sizeof(transcript) - 1;
	size_t cuts[sizeof(transcript)];

	run_transcript(NULL, 0);
	for (size_t a = 0; a <= len; a++) {
		cuts[0] = a;
		run_transcript(cuts, 1);
	}
	for (size_t a = 0; a <= len; a += 3) {
		for (size_t b = a; b <= len; b += 5) {
			cuts[0] = a;
			cuts[1] = b;
			run_transcript(cuts, 2);
		}
	}
	for (size_t i = 0; i < len; i++)
		cuts[i] = i + 1;
	run_transcript(cuts, len - 1);
}

static void test_garbage_overlong(void **state)
{
	static char big[TB_PEI_LINE_MAX + 100];

	assert_int_equal(tb_at_cmd(fx.e, "AT", 1000, result_cb, "a"), 0);
	memset(big, '7', sizeof(big) - 1);
	feed("+CTOM:\x01 1\r\n");
	feed(big);
	feed("\r\nO");
	tb_at_feed(fx.e, (const uint8_t *)"\0\0", 2);
	feed("K\r\n");
	EXPECT_LOG("W AT\r", "U +CTOM: 1|-", "R a OK -1 0");
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_OVERLONG), 1);
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_GARBAGE), 3);
}

/* ---- commands with user data (SDS) ---------------------------------------- */

static void test_cmgs(void **state)
{
	assert_int_equal(tb_at_cmd(fx.e, "AT+CTSDS=13,0", 1000, result_cb, "a"), 0);
	assert_int_equal(tb_at_cmd_data(fx.e, "AT+CMGS=2345678,16", "8004", 4, 3000, result_cb, "b"), 0);
	feed("AT+CTSDS=13,0\r\r\nOK\r\n");
	feed("AT+CMGS=2345678,16\r\r\n>");
	assert_int_equal(fx.n_log, 3);	/* no data before the prompt */
	feed(" ");
	feed("8004\x1a\r\n+CMGS: 0,4,99\r\n\r\nOK\r\n");
	EXPECT_LOG("W AT+CTSDS=13,0\r", "R a OK -1 0", "W AT+CMGS=2345678,16\r", "W 8004\x1a",
		   "R b OK -1 1");
	assert_string_equal(fx.res[1].info[0], "+CMGS: 0,4,99");
	/* The later air-interface report is a URC. */
	feed("+CMGS: 0,4,99\r\n");
	assert_int_equal(fx.n_urc, 1);

	/* Refused before the prompt. */
	fx.n_log = 0;
	assert_int_equal(tb_at_cmd_data(fx.e, "AT+CMGS=2345678,16", "8004", 4, 3000, result_cb, "c"), 0);
	feed("+CME ERROR: 30\r\n");
	EXPECT_LOG("W AT+CMGS=2345678,16\r", "R c CME ERROR 30 0");

	/* No prompt at all: on the timeout ESC abandons the message before the
	 * next command is written. */
	fx.n_log = 0;
	assert_int_equal(tb_at_cmd_data(fx.e, "AT+CMGS=2345678,16", "8004", 4, 3000, result_cb, "d"), 0);
	assert_int_equal(tb_at_cmd(fx.e, "AT", 1000, result_cb, "e"), 0);
	tb_fake_time_advance_ms(3000);
	EXPECT_LOG("W AT+CMGS=2345678,16\r", "W \x1b", "R d TIMEOUT -1 0", "W AT\r");
}

/* ---- re-entrancy ----------------------------------------------------------- */

static void test_reenter_cmd_from_result(void **state)
{
	assert_int_equal(tb_at_cmd(fx.e, "AT+A", 1000, result_cb, "a"), 0);
	assert_int_equal(tb_at_cmd(fx.e, "AT+B", 1000, result_cb, "b"), 0);
	fx.on_result = RE_CMD;
	fx.on_result_tag = "a";
	fx.re_cmd = "AT+C";
	fx.re_tag = "c";
	fx.re_count = 1;
	/* C is queued behind B. */
	feed("OK\r\n");
	EXPECT_LOG("W AT+A\r", "R a OK -1 0", "W AT+B\r");
	assert_int_equal(tb_at_pending(fx.e), 2);
	feed("OK\r\n");
	feed("OK\r\n");
	EXPECT_LOG("W AT+A\r", "R a OK -1 0", "W AT+B\r", "R b OK -1 0", "W AT+C\r", "R c OK -1 0");

	/* From a result with nothing else queued: written at once after it. */
	fx.n_log = 0;
	fx.on_result_tag = NULL;
	fx.re_count = 1;
	fx.re_tag = "d";
	assert_int_equal(tb_at_cmd(fx.e, "AT+A", 1000, result_cb, "a"), 0);
	feed("OK\r\n");
	EXPECT_LOG("W AT+A\r", "R a OK -1 0", "W AT+C\r");
	feed("OK\r\n");
	assert_int_equal(tb_at_pending(fx.e), 0);

	/* From a timeout's callback. */
	fx.n_log = 0;
	fx.re_count = 1;
	fx.re_tag = "f";
	assert_int_equal(tb_at_cmd(fx.e, "AT+E", 1000, result_cb, "e"), 0);
	tb_fake_time_advance_ms(1000);
	EXPECT_LOG("W AT+E\r", "R e TIMEOUT -1 0", "W AT+C\r");
	/* From a write failure's callback (inside tb_at_cmd). */
	fx.n_log = 0;
	feed("OK\r\n");
	fx.write_rc = -EIO;
	fx.re_count = 1;
	fx.re_tag = "h";
	assert_int_equal(tb_at_cmd(fx.e, "AT+G", 1000, result_cb, "g"), 0);
	EXPECT_LOG("R f OK -1 0", "W AT+G\r", "R g LINK DOWN -1 0", "W AT+C\r", "R h LINK DOWN -1 0");
	assert_int_equal(tb_at_pending(fx.e), 0);
}

static void test_reset_all_once(void **state)
{
	assert_int_equal(tb_at_cmd(fx.e, "AT+A", 1000, result_cb, "a"), 0);
	assert_int_equal(tb_at_cmd(fx.e, "AT+B", 1000, result_cb, "b"), 0);
	assert_int_equal(tb_at_cmd(fx.e, "AT+C", 1000, result_cb, "c"), 0);
	feed("+CNUMF: 1");
	tb_at_reset(fx.e);
	EXPECT_LOG("W AT+A\r", "R a LINK DOWN -1 0", "R b LINK DOWN -1 0", "R c LINK DOWN -1 0");
	assert_int_equal(tb_at_pending(fx.e), 0);
	/* Nothing more, ever: no timer, a late OK is stray, a second reset is
	 * a no-op. */
	tb_fake_time_advance_ms(5000);
	feed("OK\r\n");
	tb_at_reset(fx.e);
	assert_int_equal(fx.n_res, 3);
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_UNEXPECTED), 1);
	assert_int_equal(fx.n_urc, 0);	/* the partial "+CNUMF: 1" was forgotten */
	/* And the engine works afterwards. */
	assert_int_equal(tb_at_cmd(fx.e, "AT", 1000, result_cb, "d"), 0);
	feed("OK\r\n");
	assert_int_equal(fx.n_res, 4);
	assert_int_equal(fx.res[3].status, TB_AT_OK);
}

static void test_reset_from_urc(void **state)
{
	assert_int_equal(tb_at_cmd(fx.e, "AT+A", 1000, result_cb, "a"), 0);
	assert_int_equal(tb_at_cmd(fx.e, "AT+B", 1000, result_cb, "b"), 0);
	fx.on_urc = RE_RESET;
	fx.re_count = 1;
	/* The rest of the read after the URC belongs to the old link. */
	feed("+CTOM: 1\r\nOK\r\n+CTOM: 2\r\npart");
	EXPECT_LOG("W AT+A\r", "U +CTOM: 1|-", "R a LINK DOWN -1 0", "R b LINK DOWN -1 0");
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_UNEXPECTED), 0);
	assert_int_equal(tb_at_pending(fx.e), 0);
	tb_fake_time_advance_ms(2000);
	assert_int_equal(fx.n_res, 2);
	feed("ial\r\n");
	assert_string_equal(fx.log[fx.n_log - 1], "U ial|-");

	/* Reset from the URC callback of a +CTSDSR pair. */
	fx.n_log = 0;
	fx.re_count = 1;
	assert_int_equal(tb_at_cmd(fx.e, "AT+C", 1000, result_cb, "c"), 0);
	feed("+CTSDSR: 13,1,0,2,0,16\r\n8004\r\nOK\r\n");
	EXPECT_LOG("W AT+C\r", "U +CTSDSR: 13,1,0,2,0,16|8004", "R c LINK DOWN -1 0");
	assert_int_equal(tb_ctr_get(tb_at_ctrs(fx.e), TB_AT_CTR_BROKEN_SDS), 0);
}

static void test_reset_from_result(void **state)
{
	/* radio_link does this: a timeout's callback moves its FSM to backoff,
	 * which resets the engine. */
	assert_int_equal(tb_at_cmd(fx.e, "AT+A", 1000, result_cb, "a"), 0);
	assert_int_equal(tb_at_cmd(fx.e, "AT+B", 1000, result_cb, "b"), 0);
	assert_int_equal(tb_at_cmd(fx.e, "AT+C", 1000, result_cb, "c"), 0);
	fx.on_result = RE_RESET;
	fx.on_result_tag = "a";
	fx.re_count = 1;
	tb_fake_time_advance_ms(1000);
	EXPECT_LOG("W AT+A\r", "R a TIMEOUT -1 0", "R b LINK DOWN -1 0", "R c LINK DOWN -1 0");
	assert_int_equal(tb_at_pending(fx.e), 0);
	tb_fake_time_advance_ms(5000);
	assert_int_equal(fx.n_res, 3);

	/* Nested: reset from inside a LINK DOWN callback of a reset. */
	fx.n_log = 0;
	fx.on_result_tag = "e";
	fx.re_count = 1;
	assert_int_equal(tb_at_cmd(fx.e, "AT+D", 1000, result_cb, "d"), 0);
	assert_int_equal(tb_at_cmd(fx.e, "AT+E", 1000, result_cb, "e"), 0);
	assert_int_equal(tb_at_cmd(fx.e, "AT+F", 1000, result_cb, "f"), 0);
	tb_at_reset(fx.e);
	EXPECT_LOG("W AT+D\r", "R d LINK DOWN -1 0", "R e LINK DOWN -1 0", "R f LINK DOWN -1 0");
	assert_int_equal(tb_at_pending(fx.e), 0);
}

static void test_cmd_from_reset_callback(void **state)
{
	/* A command queued by a LINK DOWN callback is for the new link. */
	assert_int_equal(tb_at_cmd(fx.e, "AT+A", 1000, result_cb, "a"), 0);
	fx.on_result = RE_CMD;
	fx.re_cmd = "AT+INIT";
	fx.re_tag = "i";
	fx.re_count = 1;
	tb_at_reset(fx.e);
	EXPECT_LOG("W AT+A\r", "R a LINK DOWN -1 0", "W AT+INIT\r");
	feed("OK\r\n");
	assert_int_equal(fx.res[1].status, TB_AT_OK);
}

static void test_reset_from_write(void **state)
{
	/* A transport that notices the link is gone while writing and resets
	 * the engine from inside the write callback. */
	assert_int_equal(tb_at_cmd(fx.e, "AT+A", 1000, result_cb, "a"), 0);
	assert_int_equal(tb_at_cmd(fx.e, "AT+B", 1000, result_cb, "b"), 0);
	fx.on_write = RE_RESET;
	fx.write_rc = -EPIPE;
	fx.re_count = 1;
	feed("OK\r\n");
	EXPECT_LOG("W AT+A\r", "R a OK -1 0", "W AT+B\r", "R b LINK DOWN -1 0");
	assert_int_equal(tb_at_pending(fx.e), 0);
	tb_fake_time_advance_ms(5000);
	assert_int_equal(fx.n_res, 2);
}

static void test_free_from_result(void **state)
{
	assert_int_equal(tb_at_cmd(fx.e, "AT+A", 1000, result_cb, "a"), 0);
	assert_int_equal(tb_at_cmd(fx.e, "AT+B", 1000, result_cb, "b"), 0);
	fx.on_result = RE_FREE;
	fx.re_count = 1;
	feed("OK\r\n+CTOM: 1\r\nOK\r\n");
	/* No callback after the free, no write of B, no timer. */
	EXPECT_LOG("W AT+A\r", "R a OK -1 0");
	assert_null(fx.e);
	tb_fake_time_advance_ms(5000);
	assert_int_equal(fx.n_log, 2);
}

static void test_free_from_urc(void **state)
{
	assert_int_equal(tb_at_cmd(fx.e, "AT+A", 1000, result_cb, "a"), 0);
	fx.on_urc = RE_FREE;
	fx.re_count = 1;
	feed("+CTSDSR: 13,1,0,2,0,16\r\n8004\r\n+CTOM: 1\r\nOK\r\n");
	EXPECT_LOG("W AT+A\r", "U +CTSDSR: 13,1,0,2,0,16|8004");
	tb_fake_time_advance_ms(5000);
	assert_int_equal(fx.n_log, 2);
}

static void test_free_parent_from_urc(void **state)
{
	assert_int_equal(tb_at_cmd(fx.e, "AT+A", 1000, result_cb, "a"), 0);
	fx.on_urc = RE_FREE_PARENT;
	fx.re_count = 1;
	feed("+CTOM: 1\r\n+CTOM: 2\r\nOK\r\n");
	EXPECT_LOG("W AT+A\r", "U +CTOM: 1|-");
	tb_fake_time_advance_ms(5000);
	assert_int_equal(fx.n_log, 2);
	/* teardown frees fx.ctx; ASan reports the engine if it leaked. */
}

static void test_free_from_write_and_reset(void **state)
{
	/* Freed from a write callback. */
	assert_int_equal(tb_at_cmd(fx.e, "AT+A", 1000, result_cb, "a"), 0);
	assert_int_equal(tb_at_cmd(fx.e, "AT+B", 1000, result_cb, "b"), 0);
	fx.on_write = RE_FREE;
	fx.re_count = 1;
	feed("OK\r\n");
	EXPECT_LOG("W AT+A\r", "R a OK -1 0", "W AT+B\r");
	assert_null(fx.e);
	tb_fake_time_advance_ms(5000);

	/* Freed from a LINK DOWN callback during a reset. */
	fx.e = tb_at_alloc(fx.parent, &cbs, &fx);
	fx.n_log = 0;
	fx.on_write = RE_NONE;
	assert_int_equal(tb_at_cmd(fx.e, "AT+A", 1000, result_cb, "a"), 0);
	assert_int_equal(tb_at_cmd(fx.e, "AT+B", 1000, result_cb, "b"), 0);
	fx.on_result = RE_FREE;
	fx.re_count = 1;
	tb_at_reset(fx.e);
	EXPECT_LOG("W AT+A\r", "R a LINK DOWN -1 0");
	assert_null(fx.e);

	/* Freed from a timeout's callback. */
	fx.e = tb_at_alloc(fx.parent, &cbs, &fx);
	fx.n_log = 0;
	fx.re_count = 1;
	assert_int_equal(tb_at_cmd(fx.e, "AT+A", 1000, result_cb, "a"), 0);
	assert_int_equal(tb_at_cmd(fx.e, "AT+B", 1000, result_cb, "b"), 0);
	tb_fake_time_advance_ms(1000);
	EXPECT_LOG("W AT+A\r", "R a TIMEOUT -1 0");
	assert_null(fx.e);
	tb_fake_time_advance_ms(5000);
}

static void test_free_idle(void **state)
{
	/* Freed normally with commands queued: no callbacks, timer stopped. */
	assert_int_equal(tb_at_cmd(fx.e, "AT+A", 1000, result_cb, "a"), 0);
	assert_int_equal(tb_at_cmd(fx.e, "AT+B", 1000, result_cb, "b"), 0);
	tb_at_destroy(&fx.e);
	assert_null(fx.e);
	/* freed at once, not deferred: nothing is left under its parent */
	assert_int_equal(talloc_total_blocks(fx.parent), 1);
	tb_fake_time_advance_ms(5000);
	EXPECT_LOG("W AT+A\r");
}

/* ---- health data never in logs --------------------------------------------- */

static void test_no_health_data_in_logs(void **state)
{
	tb_log_capture_clear();
	assert_int_equal(tb_at_cmd_data(fx.e, "AT+CMGS=2345678,120", "82029C01746573746D657373616765", 30,
					1000, result_cb, "a"), 0);
	feed("AT+CMGS=2345678,120\r\r\n> 82029C01746573746D657373616765\x1a\r\n+CMGS: 0,4,99\r\nOK\r\n");
	feed("+CTSDSR: 12,1234567,0,2345678,0,104\r\n0201746573746D657373616765\r\n");
	feed("+CTSDSR: 12,7654321,0,2345678,0,104\r\n+CTXG: 1,3,0,0,3,09011638300023404\r\n");
	assert_int_equal(tb_at_cmd(fx.e, "AT+CNUMF?", 1000, result_cb, "b"), 0);
	tb_fake_time_advance_ms(1000);
	assert_int_equal(fx.n_res, 2);
	/* Something was logged (at DEBUG), but no identity and no payload. */
	assert_true(tb_log_capture_len() > 0);
	assert_non_null(strstr(tb_log_capture_text(), "AT+CMGS"));
	tb_assert_not_logged("2345678");
	tb_assert_not_logged("1234567");
	tb_assert_not_logged("7654321");
	tb_assert_not_logged("23404");
	tb_assert_not_logged("746573");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_ok_echo),
		T(test_terminators),
		T(test_info_lines),
		T(test_errors),
		T(test_stray_finals),
		T(test_bad_args),
		T(test_queue_fifo),
		T(test_timeout),
		T(test_write_error),
		T(test_write_error_queue),
		T(test_urc_while_waiting),
		T(test_ctsdsr_pair),
		T(test_ctsdsr_broken),
		T(test_every_split),
		T(test_garbage_overlong),
		T(test_cmgs),
		T(test_reenter_cmd_from_result),
		T(test_reset_all_once),
		T(test_reset_from_urc),
		T(test_reset_from_result),
		T(test_cmd_from_reset_callback),
		T(test_reset_from_write),
		T(test_free_from_result),
		T(test_free_from_urc),
		T(test_free_parent_from_urc),
		T(test_free_from_write_and_reset),
		T(test_free_idle),
		T(test_no_health_data_in_logs),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
