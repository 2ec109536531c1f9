/* The simulated terminal and its transport: AT answers, scenario timing,
 * silent mode, scenario errors, asynchronous delivery, the simulated air
 * between terminals (busy, airfail), and the example scenarios decoded by
 * the PEI codec. Fake time, no sleeps.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "codecs/pei_urc.h"
#include "codecs/sds_encode.h"
#include "codecs/sds_tl.h"
#include "common/logging.h"
#include "radio-drivers/sim_terminal.h"
#include "radio-drivers/transport.h"
#include "tests/lib/fake_time.h"
#include "tests/lib/group.h"
#include "tests/lib/tmpdir.h"

#define TSI "09011638300023404"

static void *g_root;	/* logging lives here */
static void *g_ctx;	/* everything under test */
static char g_dir[64];

/* Output capture */

struct capture {
	char buf[65536];
	size_t len;
	unsigned calls;
	/* The chunk boundaries, to check bursts are separate writes. */
	size_t ends[256];
};

static void capture_out(const uint8_t *buf, size_t len, void *data)
{
	struct capture *c = data;

	assert_true(c->len + len < sizeof(c->buf));
	memcpy(c->buf + c->len, buf, len);
	c->len += len;
	c->buf[c->len] = '\0';
	if (c->calls < 256)
		c->ends[c->calls] = c->len;
	c->calls++;
}

static void capture_reset(struct capture *c)
{
	c->len = 0;
	c->calls = 0;
	c->buf[0] = '\0';
}

static const char *write_file(const char *name, const char *text)
{
	const char *path = tb_tmpdir_write(g_dir, name, text, strlen(text));

	assert_non_null(path);
	return path;
}

static void send(struct tb_sim_terminal *s, const char *str)
{
	tb_sim_input(s, (const uint8_t *)str, strlen(str));
}

static struct tb_sim_terminal *new_sim(struct capture *c)
{
	struct tb_sim_terminal *s;

	capture_reset(c);
	s = tb_sim_alloc(g_ctx, TSI, capture_out, c);
	assert_non_null(s);
	return s;
}

/* AT answers */

static void test_at_echo(void **state)
{
	static struct capture c;
	struct tb_sim_terminal *s = new_sim(&c);

	send(s, "AT\r");
	assert_string_equal(c.buf, "AT\r\n\r\nOK\r\n");

	capture_reset(&c);
	send(s, "ATE0\r");	/* echoed: echo was on when it arrived */
	assert_string_equal(c.buf, "ATE0\r\n\r\nOK\r\n");

	capture_reset(&c);
	send(s, "AT\r");
	assert_string_equal(c.buf, "\r\nOK\r\n");

	capture_reset(&c);
	send(s, "ATE1\r");
	assert_string_equal(c.buf, "\r\nOK\r\n");
	capture_reset(&c);
	send(s, "at\r");	/* case does not matter */
	assert_string_equal(c.buf, "at\r\n\r\nOK\r\n");
	tb_sim_destroy(&s);
}

static void test_at_answers(void **state)
{
	static struct capture c;
	struct tb_sim_terminal *s = new_sim(&c);
	struct tetra_prim prim;
	const char *line;

	send(s, "ATE0\r");
	capture_reset(&c);

	send(s, "AT+CNUMF?\r");
	assert_string_equal(c.buf, "\r\n+CNUMF: 6," TSI "\r\n\r\nOK\r\n");
	line = "+CNUMF: 6," TSI;
	assert_int_equal(tetra_pei_decode(line, strlen(line), NULL, 0, &prim), 0);

	capture_reset(&c);
	send(s, "AT+CSQ?\r");
	assert_string_equal(c.buf, "\r\n+CSQ: 23,99\r\n\r\nOK\r\n");

	capture_reset(&c);
	send(s, "AT+CTSP=1,3,130\r");
	assert_string_equal(c.buf, "\r\nOK\r\n");
	capture_reset(&c);
	send(s, "AT+CTSP=2,0,0\r");
	assert_string_equal(c.buf, "\r\nOK\r\n");
	capture_reset(&c);
	send(s, "AT+CTSP=1\r");
	assert_string_equal(c.buf, "\r\n+CME ERROR: 35\r\n");
	capture_reset(&c);
	send(s, "AT+CTSP=1,x\r");
	assert_string_equal(c.buf, "\r\n+CME ERROR: 35\r\n");
	capture_reset(&c);
	send(s, "AT+CTSP=1,,3\r");
	assert_string_equal(c.buf, "\r\n+CME ERROR: 35\r\n");

	capture_reset(&c);
	send(s, "AT+CTSDS=12,0,0,0,1\r");
	assert_string_equal(c.buf, "\r\nOK\r\n");
	capture_reset(&c);
	send(s, "AT+CTSDS=\r");
	assert_string_equal(c.buf, "\r\n+CME ERROR: 35\r\n");

	capture_reset(&c);
	send(s, "ATZ\r");
	assert_string_equal(c.buf, "\r\nOK\r\n");

	capture_reset(&c);
	send(s, "AT+CTOM=9\r");
	assert_string_equal(c.buf, "\r\n+CME ERROR: 4\r\n");
	capture_reset(&c);
	send(s, "HELLO\r");
	assert_string_equal(c.buf, "\r\n+CME ERROR: 4\r\n");
	tb_sim_destroy(&s);
}

static void test_split_input(void **state)
{
	static struct capture c;
	struct tb_sim_terminal *s = new_sim(&c);

	send(s, "ATE0\r");
	capture_reset(&c);

	send(s, "AT+CN");
	send(s, "UMF");
	assert_int_equal(c.len, 0);
	send(s, "?");
	assert_int_equal(c.len, 0);
	send(s, "\r");
	assert_string_equal(c.buf, "\r\n+CNUMF: 6," TSI "\r\n\r\nOK\r\n");

	/* CR LF: one answer; LF alone ends a line too; CR split from its LF. */
	capture_reset(&c);
	send(s, "AT\r\n");
	send(s, "AT\n");
	send(s, "AT\r");
	send(s, "\nAT\r");
	assert_string_equal(c.buf, "\r\nOK\r\n\r\nOK\r\n\r\nOK\r\n\r\nOK\r\n");

	/* Several commands in one write; empty lines answer nothing. */
	capture_reset(&c);
	send(s, "\r\r\nAT+CSQ?\rAT\r");
	assert_string_equal(c.buf, "\r\n+CSQ: 23,99\r\n\r\nOK\r\n\r\nOK\r\n");

	/* Stray control characters (a late ESC) are dropped. */
	capture_reset(&c);
	send(s, "\x1b" "AT\r");
	assert_string_equal(c.buf, "\r\nOK\r\n");
	tb_sim_destroy(&s);
}

static void seen_cmd(const char *cmd, const char *user_data, void *data)
{
	char *log = data;

	strcat(log, cmd);
	strcat(log, user_data ? "|" : ";");
	if (user_data) {
		strcat(log, user_data);
		strcat(log, ";");
	}
}

static void test_cmgs(void **state)
{
	static struct capture c;
	struct tb_sim_terminal *s = new_sim(&c);
	char log[256] = "";

	tb_sim_set_cmd_cb(s, seen_cmd, log);
	send(s, "ATE0\r");
	capture_reset(&c);

	send(s, "AT+CMGS=2345678,16\r");
	assert_string_equal(c.buf, "\r\n> ");
	capture_reset(&c);
	send(s, "80");
	send(s, "04\x1a");
	assert_string_equal(c.buf, "\r\n+CMGS: 0\r\n\r\nOK\r\n");
	assert_string_equal(log, "ATE0;AT+CMGS=2345678,16|8004;");

	/* Later, unsolicited: sent over the air. */
	capture_reset(&c);
	tb_fake_time_advance_ms(299);
	assert_int_equal(c.len, 0);
	tb_fake_time_advance_ms(1);
	assert_string_equal(c.buf, "\r\n+CMGS: 0,4\r\n");

	/* 84 bits with a pad nibble is fine; the next instance number. */
	capture_reset(&c);
	send(s, "AT+CMGS=2345678,84\r0A01AC608A7A20D8000000\x1a");
	assert_string_equal(c.buf, "\r\n> \r\n+CMGS: 1\r\n\r\nOK\r\n");
	tb_fake_time_advance_ms(300);

	/* Not hex, too short: user data decoding failed. */
	capture_reset(&c);
	send(s, "AT+CMGS=2345678,16\r80G4\x1a");
	assert_string_equal(c.buf, "\r\n> \r\n+CME ERROR: 32\r\n");
	capture_reset(&c);
	send(s, "AT+CMGS=2345678,16\r80\x1a");
	assert_string_equal(c.buf, "\r\n> \r\n+CME ERROR: 32\r\n");

	/* ESC abandons. */
	capture_reset(&c);
	send(s, "AT+CMGS=2345678,16\r80\x1b");
	assert_string_equal(c.buf, "\r\n> \r\nOK\r\n");

	/* Bad arguments. */
	capture_reset(&c);
	send(s, "AT+CMGS=2345678\r");
	assert_string_equal(c.buf, "\r\n+CME ERROR: 35\r\n");
	capture_reset(&c);
	send(s, "AT+CMGS=2345678,4000\r");
	assert_string_equal(c.buf, "\r\n+CME ERROR: 34\r\n");

	/* Freed with a report pending: its timer goes too. */
	send(s, "AT+CMGS=2345678,16\r8004\x1a");
	tb_sim_destroy(&s);
	tb_fake_time_advance_ms(1000);
}

static void test_inject(void **state)
{
	static struct capture c;
	struct tb_sim_terminal *s = new_sim(&c);

	tb_sim_inject(s, "+CTXG: 1,3,0,0,1," TSI);
	assert_string_equal(c.buf, "+CTXG: 1,3,0,0,1," TSI "\r\n");
	assert_int_equal(c.calls, 1);
	tb_sim_destroy(&s);
}

/* The simulated air */

#define TSI_B "09011638300012345"
#define TSI_C "09011638200012345"	/* same SSI as B, another MNC */

static void test_air_delivery(void **state)
{
	static struct capture ca, cb, cc;
	struct tb_sim_terminal *a = new_sim(&ca);
	struct tb_sim_terminal *b, *c;
	struct tetra_prim prim;
	const char *hdr, *data;

	capture_reset(&cb);
	capture_reset(&cc);
	b = tb_sim_alloc(g_ctx, TSI_B, capture_out, &cb);
	c = tb_sim_alloc(g_ctx, TSI_C, capture_out, &cc);
	assert_non_null(b);
	assert_non_null(c);
	assert_ptr_equal(tb_sim_find(TSI), a);
	assert_ptr_equal(tb_sim_find(TSI_B), b);
	assert_null(tb_sim_find("09011638300099999"));
	send(a, "ATE0\r");

	/* A status to SSI 12345: B and C both have that SSI. */
	send(a, "AT+CTSDS=13,0\r");
	send(a, "AT+CMGS=12345,16\r8004\x1a");
	assert_int_equal(cb.len, 0);	/* not before it went over the air */
	capture_reset(&ca);
	tb_fake_time_advance_ms(300);
	assert_string_equal(ca.buf, "\r\n+CMGS: 0,4\r\n");
	assert_string_equal(cb.buf, "+CTSDSR: 13," TSI ",1,12345,0,16\r\n8004\r\n");
	assert_string_equal(cc.buf, cb.buf);
	hdr = "+CTSDSR: 13," TSI ",1,12345,0,16";
	data = "8004";
	assert_int_equal(tetra_pei_decode(hdr, strlen(hdr), data, strlen(data), &prim), 0);
	assert_int_equal(prim.oph.primitive, TETRA_TNSDS_STATUS);
	assert_int_equal(prim.u.status.value, 0x8004);
	assert_int_equal(prim.u.status.hdr.calling.type, TETRA_ID_TSI);
	assert_int_equal(prim.u.status.hdr.calling.ssi, 23404);

	/* SDS-TL to B's TSI: only B; the AI service of the last AT+CTSDS. */
	capture_reset(&cb);
	capture_reset(&cc);
	send(a, "AT+CTSDS=12,1,0,0,1\r");
	send(a, "AT+CMGS=" TSI_B ",32\r821000C9\x1a");
	tb_fake_time_advance_ms(300);
	assert_string_equal(cb.buf, "+CTSDSR: 12," TSI ",1," TSI_B ",1,32\r\n821000C9\r\n");
	assert_int_equal(cc.len, 0);
	hdr = "+CTSDSR: 12," TSI ",1," TSI_B ",1,32";
	data = "821000C9";
	assert_int_equal(tetra_pei_decode(hdr, strlen(hdr), data, strlen(data), &prim), 0);
	assert_int_equal(prim.oph.primitive, TETRA_TNSDS_REPORT);

	/* A silent terminal hears nothing; nobody addressed: lost; the sender
	 * never hears itself. */
	capture_reset(&ca);
	capture_reset(&cb);
	capture_reset(&cc);
	tb_sim_set_silent(c, true);
	send(a, "AT+CTSDS=13,0\r");
	send(a, "AT+CMGS=12345,16\r8005\x1a");
	send(a, "AT+CMGS=777,16\r8006\x1a");
	send(a, "AT+CMGS=23404,16\r8007\x1a");
	tb_fake_time_advance_ms(300);
	assert_string_equal(cb.buf, "+CTSDSR: 13," TSI ",1,12345,0,16\r\n8005\r\n");
	assert_int_equal(cc.len, 0);
	assert_null(strstr(ca.buf, "+CTSDSR"));

	/* Freed terminals leave the air. */
	tb_sim_destroy(&b);
	assert_null(tb_sim_find(TSI_B));
	capture_reset(&ca);
	send(a, "AT+CMGS=12345,16\r8004\x1a");
	tb_fake_time_advance_ms(300);
	assert_non_null(strstr(ca.buf, ",4\r\n"));
	tb_sim_destroy(&c);
	tb_sim_destroy(&a);
}

static void test_busy_airfail(void **state)
{
	static struct capture ca, cb;
	struct tb_sim_terminal *a = new_sim(&ca);
	struct tb_sim_terminal *b;
	char log[512] = "";

	capture_reset(&cb);
	b = tb_sim_alloc(g_ctx, TSI_B, capture_out, &cb);
	assert_non_null(b);
	tb_sim_set_cmd_cb(a, seen_cmd, log);
	send(a, "ATE0\r");
	send(a, "AT+CTSDS=13,0\r");

	/* busy 2: two refusals after the user data, then taken. */
	tb_sim_set_busy(a, 2);
	capture_reset(&ca);
	send(a, "AT+CMGS=12345,16\r8004\x1a");
	assert_string_equal(ca.buf, "\r\n> \r\n+CME ERROR: 42\r\n");
	capture_reset(&ca);
	send(a, "AT+CMGS=12345,16\r8004\x1a");
	assert_string_equal(ca.buf, "\r\n> \r\n+CME ERROR: 42\r\n");
	capture_reset(&ca);
	send(a, "AT+CMGS=12345,16\r8004\x1a");
	assert_string_equal(ca.buf, "\r\n> \r\n+CMGS: 0\r\n\r\nOK\r\n");
	assert_non_null(strstr(log, "AT+CMGS=12345,16|8004;AT+CMGS=12345,16|8004;AT+CMGS=12345,16|8004;"));
	tb_fake_time_advance_ms(300);
	assert_non_null(strstr(cb.buf, "8004"));

	/* airfail 1: taken, then ",5" and nobody receives it; then normal. */
	capture_reset(&ca);
	capture_reset(&cb);
	tb_sim_set_airfail(a, 1);
	send(a, "AT+CMGS=12345,16\r8009\x1a");
	tb_fake_time_advance_ms(300);
	send(a, "AT+CMGS=12345,16\r800A\x1a");
	tb_fake_time_advance_ms(300);
	assert_string_equal(ca.buf, "\r\n> \r\n+CMGS: 1\r\n\r\nOK\r\n\r\n+CMGS: 1,5\r\n"
			    "\r\n> \r\n+CMGS: 2\r\n\r\nOK\r\n\r\n+CMGS: 2,4\r\n");
	assert_null(strstr(cb.buf, "8009"));
	assert_non_null(strstr(cb.buf, "800A"));

	/* The same from a scenario. */
	assert_int_equal(tb_sim_load_scenario(a, write_file("ba.scn", "busy 1\nairfail 1\n"), NULL), 0);
	tb_sim_start(a);
	tb_fake_time_run_due();
	capture_reset(&ca);
	capture_reset(&cb);
	send(a, "AT+CMGS=12345,16\r800B\x1a");
	send(a, "AT+CMGS=12345,16\r800C\x1a");
	tb_fake_time_advance_ms(300);
	send(a, "AT+CMGS=12345,16\r800D\x1a");
	tb_fake_time_advance_ms(300);
	assert_string_equal(ca.buf, "\r\n> \r\n+CME ERROR: 42\r\n"
			    "\r\n> \r\n+CMGS: 3\r\n\r\nOK\r\n\r\n+CMGS: 3,5\r\n"
			    "\r\n> \r\n+CMGS: 4\r\n\r\nOK\r\n\r\n+CMGS: 4,4\r\n");
	assert_null(strstr(cb.buf, "800C"));
	assert_non_null(strstr(cb.buf, "800D"));
	tb_sim_destroy(&b);
	tb_sim_destroy(&a);
}

/* Scenarios */

static void test_scenario_timing(void **state)
{
	static struct capture c;
	struct tb_sim_terminal *s = new_sim(&c);
	const char *p = write_file("timing.scn", "# a comment\n\nwait 1000\nA\nB\nwait 500  # half\nC\n");
	unsigned line = 99;

	assert_int_equal(tb_sim_load_scenario(s, p, &line), 0);
	assert_int_equal(line, 0);
	assert_string_equal(tb_sim_load_error(s), "");
	tb_sim_start(s);
	tb_fake_time_run_due();
	assert_int_equal(c.len, 0);
	tb_fake_time_advance_ms(990);
	assert_int_equal(c.len, 0);
	tb_fake_time_advance_ms(10);
	assert_string_equal(c.buf, "A\r\nB\r\n");
	assert_int_equal(c.calls, 2);	/* a burst of separate writes */
	assert_int_equal(c.ends[0], 3);
	tb_fake_time_advance_ms(490);
	assert_string_equal(c.buf, "A\r\nB\r\n");
	tb_fake_time_advance_ms(10);
	assert_string_equal(c.buf, "A\r\nB\r\nC\r\n");
	/* The end: nothing more. */
	tb_fake_time_advance_ms(5000);
	assert_string_equal(c.buf, "A\r\nB\r\nC\r\n");

	/* Commands are answered while a scenario waits. */
	capture_reset(&c);
	tb_sim_start(s);
	tb_fake_time_run_due();
	send(s, "AT\r");
	assert_string_equal(c.buf, "AT\r\n\r\nOK\r\n");

	/* Stop: the pending wait does not fire. */
	tb_sim_stop(s);
	capture_reset(&c);
	tb_fake_time_advance_ms(2000);
	assert_int_equal(c.len, 0);
	tb_sim_destroy(&s);
}

static void test_scenario_loop(void **state)
{
	static struct capture c;
	struct tb_sim_terminal *s = new_sim(&c);
	const char *p = write_file("loop.scn", "X\nwait 100\nloop\nnever\n");

	assert_int_equal(tb_sim_load_scenario(s, p, NULL), 0);
	tb_sim_start(s);
	assert_int_equal(c.len, 0);	/* not from inside start */
	tb_fake_time_run_due();
	assert_string_equal(c.buf, "X\r\n");
	tb_fake_time_advance_ms(100);
	assert_string_equal(c.buf, "X\r\nX\r\n");
	tb_fake_time_advance_ms(200);
	assert_string_equal(c.buf, "X\r\nX\r\nX\r\nX\r\n");
	tb_sim_destroy(&s);
	tb_fake_time_advance_ms(1000);	/* its timer went with it */
}

static void test_scenario_silent(void **state)
{
	static struct capture c;
	struct tb_sim_terminal *s = new_sim(&c);
	const char *p = write_file("silent.scn", "A\nwait 100\nsilent\nB\nwait 100\nloop\n");

	assert_int_equal(tb_sim_load_scenario(s, p, NULL), 0);
	tb_sim_start(s);
	tb_fake_time_run_due();
	assert_string_equal(c.buf, "A\r\n");
	tb_fake_time_advance_ms(100);
	assert_true(tb_sim_is_silent(s));
	assert_string_equal(c.buf, "A\r\n");

	/* A dead terminal: no answer, no echo, no injected line. */
	send(s, "AT\r");
	tb_sim_inject(s, "+CTCR: 1,1");
	tb_fake_time_advance_ms(1000);
	assert_string_equal(c.buf, "A\r\n");

	/* Back: it answers, and the scenario goes on after "silent". */
	tb_sim_set_silent(s, false);
	send(s, "AT\r");
	assert_string_equal(c.buf, "A\r\nAT\r\n\r\nOK\r\n");
	tb_fake_time_run_due();
	assert_string_equal(c.buf, "A\r\nAT\r\n\r\nOK\r\nB\r\n");
	tb_fake_time_advance_ms(100);	/* loop: A, then silent again after 100 ms */
	assert_string_equal(c.buf, "A\r\nAT\r\n\r\nOK\r\nB\r\nA\r\n");
	tb_sim_destroy(&s);
}

static void test_set_silent_pauses(void **state)
{
	static struct capture c;
	struct tb_sim_terminal *s = new_sim(&c);
	const char *p = write_file("pause.scn", "wait 100\nA\n");

	assert_int_equal(tb_sim_load_scenario(s, p, NULL), 0);
	tb_sim_start(s);
	tb_fake_time_advance_ms(50);
	tb_sim_set_silent(s, true);
	send(s, "AT+CN");	/* forgotten when silent */
	tb_fake_time_advance_ms(500);
	assert_int_equal(c.len, 0);
	tb_sim_set_silent(s, false);
	tb_fake_time_run_due();
	assert_string_equal(c.buf, "A\r\n");
	capture_reset(&c);
	send(s, "AT\r");
	assert_string_equal(c.buf, "AT\r\n\r\nOK\r\n");
	tb_sim_destroy(&s);
}

static void expect_parse_error(struct tb_sim_terminal *s, const char *text, unsigned want_line)
{
	const char *p = write_file("bad.scn", text);
	unsigned line = 0;

	assert_int_equal(tb_sim_load_scenario(s, p, &line), -EINVAL);
	assert_int_equal(line, want_line);
	assert_true(strlen(tb_sim_load_error(s)) > 0);
}

static void test_scenario_errors(void **state)
{
	static struct capture c;
	struct tb_sim_terminal *s = new_sim(&c);
	const char *good = write_file("good.scn", "G\n");
	unsigned line = 7;

	assert_int_equal(tb_sim_load_scenario(s, good, NULL), 0);

	expect_parse_error(s, "A\n\nwait abc\n", 3);
	assert_string_equal(tb_sim_load_error(s), "wait needs a number of milliseconds");
	expect_parse_error(s, "wait\n", 1);
	expect_parse_error(s, "# c\nwait 10x\n", 2);
	expect_parse_error(s, "wait -5\n", 1);
	expect_parse_error(s, "wait 10 20\n", 1);
	expect_parse_error(s, "A\nloop now\n", 2);
	expect_parse_error(s, "silent please\n", 1);
	expect_parse_error(s, "A\nwait 0\nloop\n", 3);	/* would spin */
	expect_parse_error(s, "A\x01\n", 1);
	expect_parse_error(s, "busy\n", 1);
	assert_string_equal(tb_sim_load_error(s), "busy needs a count of AT+CMGS (0-1000000)");
	expect_parse_error(s, "busy x\n", 1);
	expect_parse_error(s, "airfail 2 3\n", 1);
	expect_parse_error(s, "A\nairfail 99999999999\n", 2);

	assert_int_equal(tb_sim_load_scenario(s, "/nonexistent/x.scn", &line), -ENOENT);
	assert_int_equal(line, 0);

	/* The good scenario is still loaded. */
	tb_sim_start(s);
	tb_fake_time_run_due();
	assert_string_equal(c.buf, "G\r\n");

	/* "waiting" is a line to print, not a directive. */
	capture_reset(&c);
	assert_int_equal(tb_sim_load_scenario(s, write_file("w.scn", "waiting\n"), NULL), 0);
	tb_sim_start(s);
	tb_fake_time_run_due();
	assert_string_equal(c.buf, "waiting\r\n");
	tb_sim_destroy(&s);
}

/* The example scenarios: load, first event within 2 s, loop, and every line
 * they print decodes with the PEI codec. */

static void check_output_decodes(const char *buf, unsigned *n_urcs)
{
	const char *p = buf;
	const char *pending = NULL;
	size_t pending_len = 0;

	while (*p) {
		const char *e = strstr(p, "\r\n");
		size_t len;

		assert_non_null(e);
		len = e - p;
		if (pending) {
			struct tetra_prim prim;
			int rc = tetra_pei_decode(pending, pending_len, p, len, &prim);

			if (rc)
				fail_msg("%.*s / %.*s: %s", (int)pending_len, pending, (int)len, p,
					 tetra_codec_strerror(rc));
			pending = NULL;
			(*n_urcs)++;
		} else if (tetra_pei_has_data_line(p, len)) {
			pending = p;
			pending_len = len;
		} else {
			struct tetra_prim prim;
			int rc = tetra_pei_decode(p, len, NULL, 0, &prim);

			if (rc)
				fail_msg("%.*s: %s", (int)len, p, tetra_codec_strerror(rc));
			(*n_urcs)++;
		}
		p = e + 2;
	}
	assert_null(pending);
}

static void test_example_scenarios(void **state)
{
	static const char *const names[] = { "lvs-doctor.scn", "nurse-satellite.scn", "ambulance.scn" };
	char root[512], path[600];
	const char *tail = "tests/unit/test_sim_terminal.c";
	size_t flen = strlen(__FILE__), tlen = strlen(tail);

	assert_true(flen >= tlen && !strcmp(&__FILE__[flen - tlen], tail));
	snprintf(root, sizeof(root), "%.*s", (int)(flen - tlen), __FILE__);

	for (unsigned i = 0; i < 3; i++) {
		static struct capture c;
		struct tb_sim_terminal *s = new_sim(&c);
		unsigned line = 0, urcs = 0;
		size_t first_pass;

		snprintf(path, sizeof(path), "%sexamples/scenarios/%s", root, names[i]);
		if (tb_sim_load_scenario(s, path, &line) != 0)
			fail_msg("%s line %u: %s", path, line, tb_sim_load_error(s));
		tb_sim_start(s);
		tb_fake_time_advance_ms(2000);
		assert_true(c.len > 0);		/* the first event within 2 s */
		tb_fake_time_advance_ms(60000 - 2000);
		first_pass = c.len;
		check_output_decodes(c.buf, &urcs);
		assert_true(urcs >= 8);		/* it looped */
		tb_fake_time_advance_ms(60000);
		assert_true(c.len > first_pass);
		tb_sim_destroy(&s);
	}
}

/* Responders (scenario "responder" lines): what they print and exactly
 * when, in fake time. Every reaction also decodes with the PEI codec as
 * the bridge reads it. */

/* The hex user data and bit length of a text alert (PID 0x82). */
static unsigned text_alert(const char *text, uint8_t ref, uint8_t report_request, char *hex, size_t hex_size)
{
	struct tetra_sds_pdu pdu;

	assert_int_equal(tetra_sds_encode_text(text, strlen(text), ref, report_request, ref, &pdu, 1), 1);
	assert_true(tetra_sds_hex(&pdu, hex, hex_size) > 0);
	return pdu.bits;
}

/* The host sends an SDS type 4 through s to called (an SSI, or a TSI when
 * longer than 8 digits); what s answers at once is dropped. */
static void host_sds(struct tb_sim_terminal *s, struct capture *c, const char *called, const char *hex, unsigned bits)
{
	char cmd[1200];

	send(s, strlen(called) > 8 ? "AT+CTSDS=12,1,0,0,1\r" : "AT+CTSDS=12,0,0,0,1\r");
	snprintf(cmd, sizeof(cmd), "AT+CMGS=%s,%u\r%s\x1a", called, bits, hex);
	send(s, cmd);
	assert_non_null(strstr(c->buf, "OK\r\n"));
	capture_reset(c);
}

static void host_text(struct tb_sim_terminal *s, struct capture *c, const char *called, const char *text,
		      uint8_t ref, uint8_t report_request)
{
	char hex[600];
	unsigned bits = text_alert(text, ref, report_request, hex, sizeof(hex));

	host_sds(s, c, called, hex, bits);
}

/* A call-out alert as captured on the air (SDS-TL PID 0xC3): lead 0x0D,
 * kind 1, number, severity, sender sub-address 0x1111, no receiver
 * sub-addresses, 0xFF, "Test". */
static void host_callout(struct tb_sim_terminal *s, struct capture *c, const char *called, uint8_t ref,
			 uint8_t report_request, uint8_t number, uint8_t severity)
{
	char hex[64];

	snprintf(hex, sizeof(hex), "C3%02X%02X0D1%02X%X111100FF54657374", report_request << 2, ref, number, severity);
	host_sds(s, c, called, hex, 4 * strlen(hex));
}

/* Nothing for ms - 10 ms, then exactly want within the last 10 ms step. */
static void expect_after(struct capture *c, unsigned ms, const char *want)
{
	assert_int_equal(c->len, 0);
	if (ms > 10) {
		tb_fake_time_advance_ms(ms - 10);
		if (c->len)
			fail_msg("early, %u ms before it was due: %s", 10, c->buf);
	}
	tb_fake_time_advance_ms(ms > 10 ? 10 : ms);
	assert_string_equal(c->buf, want);
	capture_reset(c);
}

/* Nothing for ms. */
static void expect_quiet(struct capture *c, unsigned ms)
{
	assert_int_equal(c->len, 0);
	tb_fake_time_advance_ms(ms);
	if (c->len)
		fail_msg("unexpected: %s", c->buf);
}

/* Decode the reactions in buf ("+CTSDSR..." header and data line pairs)
 * as the bridge would; returns how many, at most max. */
static unsigned decode_reactions(const char *buf, struct tetra_prim *out, unsigned max)
{
	const char *p = buf;
	unsigned n = 0;

	while (*p) {
		const char *e1 = strstr(p, "\r\n"), *d, *e2;

		assert_non_null(e1);
		assert_true(!strncmp(p, "+CTSDSR: ", 9));
		d = e1 + 2;
		e2 = strstr(d, "\r\n");
		assert_non_null(e2);
		assert_true(n < max);
		if (tetra_pei_decode(p, e1 - p, d, e2 - d, &out[n]) != 0)
			fail_msg("does not decode: %.*s / %.*s", (int)(e1 - p), p, (int)(e2 - d), d);
		n++;
		p = e2 + 2;
	}
	return n;
}

static struct tb_sim_terminal *responder_sim(struct capture *c, const char *file, const char *scn)
{
	struct tb_sim_terminal *s = new_sim(c);
	unsigned line = 0;

	if (tb_sim_load_scenario(s, write_file(file, scn), &line) != 0)
		fail_msg("%s line %u: %s", file, line, tb_sim_load_error(s));
	tb_sim_start(s);
	send(s, "ATE0\r");
	tb_fake_time_run_due();
	capture_reset(c);
	return s;
}

#define HDR(ai, calling, type, bits) "+CTSDSR: " #ai "," calling "," #type "," TSI ",1," #bits "\r\n"

static void test_responder_reports(void **state)
{
	static struct capture c;
	struct tb_sim_terminal *s = responder_sim(&c, "rep.scn",
						  "responder 2002 at 2 received\n"
						  "responder 2002 at 10 consumed\n"
						  "responder 2002 at 45 accept status 0x8000\n");
	struct tetra_prim prim[2];

	/* Both reports asked: received at 2 s, consumed at 10 s, each with the
	 * alert's PID and reference, counted from when the SDS went over the
	 * air (300 ms after AT+CMGS). */
	host_text(s, &c, "2002", "Rykk ut", 0x2A, TETRA_SDS_RR_BOTH);
	expect_after(&c, 300, "\r\n+CMGS: 0,4\r\n");
	expect_after(&c, 2000, HDR(12, "2002", 0, 32) "8210002A\r\n");
	expect_after(&c, 8000, HDR(12, "2002", 0, 32) "8210022A\r\n");
	expect_after(&c, 35000, HDR(13, "2002", 0, 16) "8000\r\n");
	expect_quiet(&c, 100000);

	/* What the bridge reads: a delivery report from SSI 2002 to us. */
	assert_int_equal(decode_reactions(HDR(12, "2002", 0, 32) "8210022A\r\n", prim, 2), 1);
	assert_int_equal(prim[0].oph.primitive, TETRA_TNSDS_REPORT);
	assert_int_equal(prim[0].u.report.pid, 0x82);
	assert_int_equal(prim[0].u.report.status, TETRA_SDS_ST_CONSUMED);
	assert_int_equal(prim[0].u.report.msg_ref, 0x2A);
	assert_int_equal(prim[0].u.report.hdr.calling.type, TETRA_ID_SSI);
	assert_int_equal(prim[0].u.report.hdr.calling.ssi, 2002);
	assert_int_equal(prim[0].u.report.hdr.called.ssi, 23404);

	/* Only "received" asked: no consumed report; the answer still comes. */
	host_text(s, &c, "2002", "Rykk ut", 0x2B, TETRA_SDS_RR_RECEIVED);
	expect_after(&c, 300, "\r\n+CMGS: 1,4\r\n");
	expect_after(&c, 2000, HDR(12, "2002", 0, 32) "8210002B\r\n");
	expect_after(&c, 43000, HDR(13, "2002", 0, 16) "8000\r\n");
	/* Only "consumed" asked. */
	host_text(s, &c, "2002", "Rykk ut", 0x2C, TETRA_SDS_RR_CONSUMED);
	expect_after(&c, 300, "\r\n+CMGS: 2,4\r\n");
	expect_after(&c, 10000, HDR(12, "2002", 0, 32) "8210022C\r\n");
	expect_after(&c, 35000, HDR(13, "2002", 0, 16) "8000\r\n");
	/* None asked: no report at all. */
	host_text(s, &c, "2002", "Rykk ut", 0x2D, TETRA_SDS_RR_NONE);
	expect_after(&c, 300, "\r\n+CMGS: 3,4\r\n");
	expect_after(&c, 45000, HDR(13, "2002", 0, 16) "8000\r\n");
	expect_quiet(&c, 60000);

	/* An SDS while it plays (here an immediate text, PID 0x89, at 20 s)
	 * gets its reports but does not start the play over: one answer, at
	 * 45 s after the first alert. */
	host_text(s, &c, "2002", "Rykk ut", 0x2E, TETRA_SDS_RR_BOTH);
	expect_after(&c, 300, "\r\n+CMGS: 4,4\r\n");
	expect_after(&c, 2000, HDR(12, "2002", 0, 32) "8210002E\r\n");
	expect_after(&c, 8000, HDR(12, "2002", 0, 32) "8210022E\r\n");
	tb_fake_time_advance_ms(10000);
	host_sds(s, &c, "2002", "890C33014A61", 48);
	expect_after(&c, 300, "\r\n+CMGS: 5,4\r\n");
	expect_after(&c, 2000, HDR(12, "2002", 0, 32) "89100033\r\n");
	expect_after(&c, 8000, HDR(12, "2002", 0, 32) "89100233\r\n");
	expect_after(&c, 14700, HDR(13, "2002", 0, 16) "8000\r\n");
	expect_quiet(&c, 100000);

	/* A status or an SDS-REPORT to the responder is no alert: nothing. */
	send(s, "AT+CTSDS=13,0\r");
	send(s, "AT+CMGS=2002,16\r8004\x1a");
	host_sds(s, &c, "2002", "821000C9", 32);
	tb_fake_time_advance_ms(300);
	capture_reset(&c);
	expect_quiet(&c, 100000);
	tb_sim_destroy(&s);
}

static void test_responder_text_and_callout(void **state)
{
	static struct capture c;
	struct tb_sim_terminal *s = responder_sim(&c, "co.scn",
						  "responder 02420001600002002 at 20 decline text nei\n"
						  "responder 3004 at 2 received\n"
						  "responder 3004 at 150 accept callout Kommer\n");
	struct tetra_prim prim[2];
	const char *nei = HDR(12, "02420001600002002", 1, 56) "820201016E6569\r\n";
	const char *kommer = HDR(12, "3004", 0, 104) "C300010D3657FF4B6F6D6D6572\r\n";

	/* A responder given as a TSI: reached by its SSI, and by its TSI. It
	 * answers with an SDS-TL text (PID 0x82, no report asked, its own
	 * message reference, ISO 8859-1). */
	host_text(s, &c, "2002", "Rykk ut", 1, TETRA_SDS_RR_BOTH);
	tb_fake_time_advance_ms(300);
	capture_reset(&c);
	expect_after(&c, 20000, nei);
	assert_int_equal(decode_reactions(nei, prim, 2), 1);
	assert_int_equal(prim[0].oph.primitive, TETRA_TNSDS_TEXT);
	assert_string_equal(prim[0].u.text.text, "nei");
	assert_int_equal(prim[0].u.text.hdr.calling.type, TETRA_ID_TSI);
	assert_int_equal(prim[0].u.text.hdr.calling.mcc, 242);
	assert_int_equal(prim[0].u.text.hdr.calling.ssi, 2002);
	host_text(s, &c, "02420001600002002", "Rykk ut", 2, TETRA_SDS_RR_NONE);
	tb_fake_time_advance_ms(300);
	capture_reset(&c);
	expect_after(&c, 20000, HDR(12, "02420001600002002", 1, 56) "820202016E6569\r\n");
	/* Another network's 2002 is somebody else. */
	host_text(s, &c, "02420001700002002", "Rykk ut", 3, TETRA_SDS_RR_NONE);
	tb_fake_time_advance_ms(300);
	capture_reset(&c);
	expect_quiet(&c, 60000);

	/* A call-out alert (number 0x65, severity 7): the call-out answer
	 * carries the number and severity back, then 0xFF and the text
	 * (docs/protocol.md §15.8), after the SDS-TL header C3 00 <ref>; it
	 * decodes as the bridge reads an answer. The report has PID 0xC3. */
	host_callout(s, &c, "3004", 0x11, TETRA_SDS_RR_RECEIVED, 0x65, 7);
	tb_fake_time_advance_ms(300);
	capture_reset(&c);
	expect_after(&c, 2000, HDR(12, "3004", 0, 32) "C3100011\r\n");
	/* A re-alert (the same number) at 60 s: its report, no restart. */
	tb_fake_time_advance_ms(57700);
	host_callout(s, &c, "3004", 0x12, TETRA_SDS_RR_RECEIVED, 0x65, 7);
	tb_fake_time_advance_ms(300);
	capture_reset(&c);
	expect_after(&c, 2000, HDR(12, "3004", 0, 32) "C3100012\r\n");
	expect_after(&c, 88000, kommer);
	assert_int_equal(decode_reactions(kommer, prim, 2), 1);
	assert_int_equal(prim[0].oph.primitive, TETRA_TNSDS_CALLOUT);
	assert_int_equal(prim[0].u.callout.tl.msg_ref, 1);
	assert_int_equal(prim[0].u.callout.tl.report_request, TETRA_SDS_RR_NONE);
	assert_int_equal(prim[0].u.callout.lead, 0x0D);
	assert_int_equal(prim[0].u.callout.kind, TETRA_CALLOUT_KIND_ANSWER);
	assert_int_equal(prim[0].u.callout.number, 0x65);
	assert_int_equal(prim[0].u.callout.severity, 7);
	assert_int_equal(prim[0].u.callout.text_len, 6);
	assert_memory_equal(prim[0].u.callout.text, "Kommer", 6);
	assert_int_equal(prim[0].u.callout.rest_len, 0);
	expect_quiet(&c, 200000);

	/* A new call-out (another number) while it plays starts over. */
	host_callout(s, &c, "3004", 0x13, TETRA_SDS_RR_NONE, 0x65, 7);
	tb_fake_time_advance_ms(100300);
	host_callout(s, &c, "3004", 0x14, TETRA_SDS_RR_NONE, 0x66, 3);
	tb_fake_time_advance_ms(300);
	capture_reset(&c);
	expect_after(&c, 150000, HDR(12, "3004", 0, 104) "C300020D3663FF4B6F6D6D6572\r\n");
	expect_quiet(&c, 200000);

	/* A text alert has no number: no call-out answer, the report only. */
	host_text(s, &c, "3004", "Rykk ut", 0x15, TETRA_SDS_RR_RECEIVED);
	tb_fake_time_advance_ms(300);
	capture_reset(&c);
	expect_after(&c, 2000, HDR(12, "3004", 0, 32) "82100015\r\n");
	expect_quiet(&c, 300000);

	/* A call-out alert cut short after its severity does not decode (as
	 * the bridge would not decode it): the report only, no play. */
	host_sds(s, &c, "3004", "C304160D1657", 48);
	tb_fake_time_advance_ms(300);
	capture_reset(&c);
	expect_after(&c, 2000, HDR(12, "3004", 0, 32) "C3100016\r\n");
	expect_quiet(&c, 300000);
	tb_sim_destroy(&s);
}

static void test_responder_progress(void **state)
{
	static struct capture c;
	struct tb_sim_terminal *s = responder_sim(&c, "prog.scn",
						  "responder 2003 at 15 accept status 0x8000\n"
						  "responder 2003 at 30 status 0x8002\n"
						  "responder 2003 at 30 move from 60.0000,5.0000 to 60.0100,5.0000 "
						  "until 90 every 30\n"
						  "responder 2003 at 90 status 0x8003\n"
						  "responder 2003 at 900 status 0x8004\n");
	static const double lat[3] = { 60.0, 60.005, 60.01 };
	struct tetra_prim prim[4];
	unsigned n;

	host_text(s, &c, "2003", "Rykk ut", 7, TETRA_SDS_RR_NONE);
	tb_fake_time_advance_ms(300);
	capture_reset(&c);
	expect_after(&c, 15000, HDR(13, "2003", 0, 16) "8000\r\n");

	/* At 30 s "en route" and the first position (line order), then a
	 * position every 30 s along the line, the last one at "on scene". */
	for (unsigned i = 0; i < 3; i++) {
		tb_fake_time_advance_ms(i == 0 ? 15000 : 30000);
		n = decode_reactions(c.buf, prim, 4);
		assert_int_equal(n, i == 1 ? 1 : 2);
		if (i == 0) {
			assert_int_equal(prim[0].oph.primitive, TETRA_TNSDS_STATUS);
			assert_int_equal(prim[0].u.status.value, 0x8002);
		}
		{
			const struct tetra_location_param *l = &prim[i == 0 ? 1 : 0].u.location;

			assert_int_equal(prim[i == 0 ? 1 : 0].oph.primitive, TETRA_TNSDS_LOCATION);
			assert_int_equal(l->pid, 0x0A);
			assert_int_equal(l->hdr.calling.ssi, 2003);
			assert_true(fabs(l->latitude - lat[i]) < 0.0001);
			assert_true(fabs(l->longitude - 5.0) < 0.0001);
			/* 1.11 km north in 60 s: about 67 km/h, heading 0. */
			assert_true(l->has_velocity && l->velocity_kmh > 60 && l->velocity_kmh < 75);
			assert_true(l->has_direction && l->direction_deg == 0);
			assert_true(l->has_reason && l->reason == 129);
		}
		if (i == 2) {
			assert_int_equal(prim[1].oph.primitive, TETRA_TNSDS_STATUS);
			assert_int_equal(prim[1].u.status.value, 0x8003);
		}
		assert_non_null(strstr(c.buf, HDR(12, "2003", 0, 84)));
		capture_reset(&c);
	}
	expect_after(&c, 810000, HDR(13, "2003", 0, 16) "8004\r\n");
	expect_quiet(&c, 1000000);
	tb_sim_destroy(&s);
}

static void test_responder_never_and_fail(void **state)
{
	static struct capture c;
	struct tb_sim_terminal *s = responder_sim(&c, "nf.scn",
						  "responder 1002 at 2 received\n"
						  "responder 1002 never\n"
						  "responder 2005 at 1 fail 0x41\n");
	struct tetra_prim prim[2];
	const char *fail = HDR(12, "2005", 0, 32) "82104141\r\n";

	/* The doctor's terminal reports "received"; nobody answers. */
	host_text(s, &c, "1002", "Rykk ut", 0x40, TETRA_SDS_RR_BOTH);
	tb_fake_time_advance_ms(300);
	capture_reset(&c);
	expect_after(&c, 2000, HDR(12, "1002", 0, 32) "82100040\r\n");
	expect_quiet(&c, 3600000);

	/* Delivery fails: a negative report (0x41, not reachable) when one
	 * was asked, and nothing else. */
	host_text(s, &c, "2005", "Rykk ut", 0x41, TETRA_SDS_RR_BOTH);
	tb_fake_time_advance_ms(300);
	capture_reset(&c);
	expect_after(&c, 1000, fail);
	expect_quiet(&c, 600000);
	assert_int_equal(decode_reactions(fail, prim, 2), 1);
	assert_int_equal(prim[0].oph.primitive, TETRA_TNSDS_REPORT);
	assert_int_equal(prim[0].u.report.status, 0x41);
	assert_int_equal(tetra_sds_status_class(prim[0].u.report.status), TETRA_SDS_CLASS_FAILED);
	host_text(s, &c, "2005", "Rykk ut", 0x42, TETRA_SDS_RR_NONE);
	tb_fake_time_advance_ms(300);
	capture_reset(&c);
	expect_quiet(&c, 600000);
	tb_sim_destroy(&s);
}

static void test_responder_group(void **state)
{
	static struct capture c;
	struct tb_sim_terminal *s = responder_sim(&c, "grp.scn",
						  "responder 2002 member 9201\n"
						  "responder 2002 at 5 accept status 0x8000\n"
						  "responder 2003 member 9201\n"
						  "responder 2003 member 9202\n"
						  "responder 2003 at 7 decline status 0x8001\n"
						  "responder 2004 at 3 accept status 0x8000\n");

	/* To group 9201: both members answer, 2004 (no member) does not. */
	host_text(s, &c, "9201", "Rykk ut", 1, TETRA_SDS_RR_NONE);
	tb_fake_time_advance_ms(300);
	capture_reset(&c);
	expect_after(&c, 5000, HDR(13, "2002", 0, 16) "8000\r\n");
	expect_after(&c, 2000, HDR(13, "2003", 0, 16) "8001\r\n");
	expect_quiet(&c, 60000);
	/* To group 9202: only 2003. */
	host_text(s, &c, "9202", "Rykk ut", 2, TETRA_SDS_RR_NONE);
	tb_fake_time_advance_ms(300);
	capture_reset(&c);
	expect_after(&c, 7000, HDR(13, "2003", 0, 16) "8001\r\n");
	expect_quiet(&c, 60000);
	/* To 2004 alone. */
	host_text(s, &c, "2004", "Rykk ut", 3, TETRA_SDS_RR_NONE);
	tb_fake_time_advance_ms(300);
	capture_reset(&c);
	expect_after(&c, 3000, HDR(13, "2004", 0, 16) "8000\r\n");
	expect_quiet(&c, 60000);
	tb_sim_destroy(&s);
}

static void test_responder_lifecycle(void **state)
{
	static const char scn[] = "responder 2002 at 1 received\nresponder 2002 at 5 accept status 0x8000\n";
	static struct capture c, cb;
	struct tb_sim_terminal *s = responder_sim(&c, "life.scn", scn);
	struct tb_sim_terminal *b;

	/* Stopped before the answer: it never comes, also not after a start. */
	host_text(s, &c, "2002", "Rykk ut", 1, TETRA_SDS_RR_BOTH);
	tb_fake_time_advance_ms(300);
	capture_reset(&c);
	tb_fake_time_advance_ms(1000);
	assert_non_null(strstr(c.buf, "82100001"));
	capture_reset(&c);
	tb_sim_stop(s);
	expect_quiet(&c, 10000);
	tb_sim_start(s);
	expect_quiet(&c, 10000);
	/* Stopped, nobody listens. */
	tb_sim_stop(s);
	host_text(s, &c, "2002", "Rykk ut", 2, TETRA_SDS_RR_BOTH);
	tb_fake_time_advance_ms(300);
	capture_reset(&c);
	expect_quiet(&c, 10000);
	tb_sim_start(s);

	/* An SDS that failed on the air reaches nobody. */
	tb_sim_set_airfail(s, 1);
	host_text(s, &c, "2002", "Rykk ut", 3, TETRA_SDS_RR_BOTH);
	expect_after(&c, 300, "\r\n+CMGS: 2,5\r\n");
	expect_quiet(&c, 10000);

	/* Another terminal's responders hear only their own terminal. */
	capture_reset(&cb);
	b = tb_sim_alloc(g_ctx, TSI_B, capture_out, &cb);
	assert_non_null(b);
	assert_int_equal(tb_sim_load_scenario(b, write_file("life-b.scn", scn), NULL), 0);
	tb_sim_start(b);
	host_text(s, &c, "2002", "Rykk ut", 4, TETRA_SDS_RR_NONE);
	tb_fake_time_advance_ms(300);
	capture_reset(&c);
	expect_after(&c, 5000, HDR(13, "2002", 0, 16) "8000\r\n");
	assert_int_equal(cb.len, 0);

	/* A silent terminal prints none of it; a new scenario drops what was
	 * pending; freed with reactions pending, their timers go too. */
	host_text(s, &c, "2002", "Rykk ut", 5, TETRA_SDS_RR_BOTH);
	tb_fake_time_advance_ms(300);
	capture_reset(&c);
	tb_sim_set_silent(s, true);
	tb_fake_time_advance_ms(10000);
	tb_sim_set_silent(s, false);
	expect_quiet(&c, 10000);
	host_text(s, &c, "2002", "Rykk ut", 6, TETRA_SDS_RR_BOTH);
	tb_fake_time_advance_ms(300);
	capture_reset(&c);
	assert_int_equal(tb_sim_load_scenario(s, write_file("life2.scn", "responder 2002 at 9 received\n"), NULL), 0);
	expect_quiet(&c, 10000);
	tb_sim_start(s);
	host_text(s, &c, "2002", "Rykk ut", 7, TETRA_SDS_RR_BOTH);
	tb_fake_time_advance_ms(300);
	capture_reset(&c);
	expect_after(&c, 9000, HDR(12, "2002", 0, 32) "82100007\r\n");
	host_text(s, &c, "2002", "Rykk ut", 8, TETRA_SDS_RR_BOTH);
	host_text(b, &cb, "2002", "Rykk ut", 9, TETRA_SDS_RR_BOTH);
	tb_fake_time_advance_ms(1300);
	tb_sim_destroy(&s);
	tb_sim_destroy(&b);
	tb_fake_time_advance_ms(20000);
}

/* The demo's call-out: the nurses' group, the doctor on call, and later
 * the ambulance, alerted by text asking for both reports; every reaction
 * decoded, with the second of fake time it came. */
struct heard_line {
	unsigned t;		/* s after the first alert went over the air */
	uint32_t ssi;
	int prim;
	unsigned value;		/* status value, report status, or 0 */
};

static void test_callout_demo_scenario(void **state)
{
	static struct capture c;
	static struct heard_line log[64];
	static const struct heard_line want[] = {
		{ 1, 2003, TETRA_TNSDS_REPORT, 0 }, { 2, 2002, TETRA_TNSDS_REPORT, 0 },
		{ 3, 1002, TETRA_TNSDS_REPORT, 0 }, { 6, 2003, TETRA_TNSDS_REPORT, 2 },
		{ 12, 2002, TETRA_TNSDS_REPORT, 2 }, { 15, 2003, TETRA_TNSDS_STATUS, 0x8000 },
		{ 20, 2002, TETRA_TNSDS_STATUS, 0x8001 }, { 30, 2003, TETRA_TNSDS_STATUS, 0x8002 },
		{ 30, 2003, TETRA_TNSDS_LOCATION, 0 }, { 60, 2003, TETRA_TNSDS_LOCATION, 0 },
		{ 90, 2003, TETRA_TNSDS_LOCATION, 0 }, { 120, 2003, TETRA_TNSDS_LOCATION, 0 },
		{ 121, 3004, TETRA_TNSDS_REPORT, 0 }, { 140, 3004, TETRA_TNSDS_REPORT, 2 },
		{ 150, 2003, TETRA_TNSDS_LOCATION, 0 }, { 180, 2003, TETRA_TNSDS_LOCATION, 0 },
		{ 210, 2003, TETRA_TNSDS_LOCATION, 0 }, { 240, 2003, TETRA_TNSDS_LOCATION, 0 },
		{ 270, 3004, TETRA_TNSDS_TEXT, 0 }, { 270, 2003, TETRA_TNSDS_LOCATION, 0 },
		{ 300, 2003, TETRA_TNSDS_LOCATION, 0 }, { 300, 2003, TETRA_TNSDS_STATUS, 0x8003 },
		{ 900, 2003, TETRA_TNSDS_STATUS, 0x8004 },
	};
	char root[512], path[600];
	const char *tail = "tests/unit/test_sim_terminal.c";
	size_t flen = strlen(__FILE__), tlen = strlen(tail);
	struct tb_sim_terminal *s;
	unsigned n = 0, line = 0;

	snprintf(root, sizeof(root), "%.*s", (int)(flen - tlen), __FILE__);
	snprintf(path, sizeof(path), "%sexamples/scenarios/callout-demo.scn", root);
	capture_reset(&c);
	s = tb_sim_alloc(g_ctx, "02420001600001001", capture_out, &c);
	assert_non_null(s);
	if (tb_sim_load_scenario(s, path, &line) != 0)
		fail_msg("%s line %u: %s", path, line, tb_sim_load_error(s));
	tb_sim_start(s);
	send(s, "ATE0\r");
	host_text(s, &c, "9201", "Rykk ut til pasient", 1, TETRA_SDS_RR_BOTH);
	host_text(s, &c, "1002", "Rykk ut til pasient", 2, TETRA_SDS_RR_BOTH);
	tb_fake_time_advance_ms(300);
	capture_reset(&c);

	for (unsigned t = 1; t <= 1000; t++) {
		struct tetra_prim prim[8];
		unsigned k;

		if (t == 120) {	/* nobody answered the doctor's alert: the next level */
			host_text(s, &c, "3004", "Rykk ut til pasient", 3, TETRA_SDS_RR_BOTH);
			tb_fake_time_advance_ms(300);
			capture_reset(&c);
			tb_fake_time_advance_ms(700);
		} else {
			tb_fake_time_advance_ms(1000);
		}
		k = decode_reactions(c.buf, prim, 8);
		for (unsigned i = 0; i < k; i++) {
			const struct tetra_prim *p = &prim[i];

			assert_true(n < 64);
			log[n].t = t;
			log[n].prim = p->oph.primitive;
			switch (p->oph.primitive) {
			case TETRA_TNSDS_REPORT:
				log[n].ssi = p->u.report.hdr.calling.ssi;
				log[n].value = p->u.report.status;
				break;
			case TETRA_TNSDS_STATUS:
				log[n].ssi = p->u.status.hdr.calling.ssi;
				log[n].value = p->u.status.value;
				break;
			case TETRA_TNSDS_LOCATION:
				log[n].ssi = p->u.location.hdr.calling.ssi;
				break;
			case TETRA_TNSDS_TEXT:
				log[n].ssi = p->u.text.hdr.calling.ssi;
				assert_string_equal(p->u.text.text, "ja");
				break;
			default:
				fail_msg("unexpected primitive %d", p->oph.primitive);
			}
			n++;
		}
		capture_reset(&c);
	}
	for (unsigned i = 0; i < n && i < ARRAY_SIZE(want); i++) {
		if (log[i].t != want[i].t || log[i].ssi != want[i].ssi || log[i].prim != want[i].prim ||
		    log[i].value != want[i].value)
			fail_msg("reaction %u: at %u s from %u: %d 0x%X; want at %u s from %u: %d 0x%X", i, log[i].t,
				 log[i].ssi, log[i].prim, log[i].value, want[i].t, want[i].ssi, want[i].prim,
				 want[i].value);
	}
	assert_int_equal(n, ARRAY_SIZE(want));
	tb_sim_destroy(&s);
}

/* The transport */

struct rx_log {
	struct tb_transport *t;
	char buf[4096];
	size_t len;
	unsigned calls;
	unsigned depth, max_depth;
	bool write_back;	/* write "AT\r" from inside rx, once */
	bool close_in_rx;
};

static void rx_cb(struct tb_transport *t, const uint8_t *buf, size_t len, void *data)
{
	struct rx_log *r = data;

	r->depth++;
	if (r->depth > r->max_depth)
		r->max_depth = r->depth;
	assert_true(r->len + len < sizeof(r->buf));
	memcpy(r->buf + r->len, buf, len);
	r->len += len;
	r->buf[r->len] = '\0';
	r->calls++;
	if (r->write_back) {
		r->write_back = false;
		assert_int_equal(tb_transport_write(t, (const uint8_t *)"AT\r", 3), 0);
	}
	if (r->close_in_rx)
		tb_transport_close(t);
	r->depth--;
}

static int twrite(struct tb_transport *t, const char *s)
{
	return tb_transport_write(t, (const uint8_t *)s, strlen(s));
}

static void test_transport_async(void **state)
{
	static struct rx_log r;
	struct tb_transport *t = tb_transport_sim_alloc(g_ctx, TSI, NULL);

	memset(&r, 0, sizeof(r));
	assert_non_null(t);
	assert_string_equal(t->ops->kind, "sim");
	assert_string_equal(t->ops->describe(t), "sim:(no scenario)");
	t->rx = rx_cb;
	t->cb_data = &r;
	assert_int_equal(twrite(t, "AT\r"), -ENOTCONN);	/* not open */
	assert_int_equal(tb_transport_open(t), 0);

	assert_int_equal(twrite(t, "AT+CNUMF?\r"), 0);
	assert_int_equal(r.calls, 0);	/* nothing during write */
	tb_fake_time_run_due();
	assert_string_equal(r.buf, "AT+CNUMF?\r\n\r\n+CNUMF: 6," TSI "\r\n\r\nOK\r\n");
	assert_int_equal(r.max_depth, 1);

	/* Through the real loop too. */
	r.len = 0;
	r.calls = 0;
	assert_int_equal(twrite(t, "AT\r"), 0);
	assert_int_equal(r.calls, 0);
	osmo_select_main(1);
	assert_string_equal(r.buf, "AT\r\n\r\nOK\r\n");

	/* A write from inside rx is answered later, not inside rx. */
	r.len = 0;
	r.write_back = true;
	r.max_depth = 0;
	assert_int_equal(twrite(t, "ATE0\r"), 0);
	tb_fake_time_run_due();
	assert_string_equal(r.buf, "ATE0\r\n\r\nOK\r\n\r\nOK\r\n");
	assert_int_equal(r.max_depth, 1);

	/* Close drops undelivered output; nothing arrives afterwards. */
	r.len = 0;
	r.calls = 0;
	assert_int_equal(twrite(t, "AT\r"), 0);
	tb_transport_close(t);
	tb_transport_close(t);	/* idempotent */
	tb_fake_time_run_due();
	assert_int_equal(r.calls, 0);
	assert_int_equal(twrite(t, "AT\r"), -ENOTCONN);

	/* Reopen: a fresh terminal (echo on again). */
	assert_int_equal(tb_transport_open(t), 0);
	assert_int_equal(twrite(t, "AT\r"), 0);
	tb_fake_time_run_due();
	assert_string_equal(r.buf, "AT\r\n\r\nOK\r\n");
	tb_transport_close(t);
	tb_transport_destroy(&t);
}

static void test_transport_scenario(void **state)
{
	static struct rx_log r;
	const char *p = write_file("tr.scn", "wait 100\n+CTCR: 1,1\n+CTCR: 2,1\nwait 100\nloop\n");
	char want[160];
	struct tb_transport *t = tb_transport_sim_alloc(g_ctx, TSI, p);

	memset(&r, 0, sizeof(r));
	assert_non_null(t);
	snprintf(want, sizeof(want), "sim:%s", p);
	assert_string_equal(t->ops->describe(t), want);
	t->rx = rx_cb;
	t->cb_data = &r;
	assert_int_equal(tb_transport_open(t), 0);
	tb_fake_time_run_due();
	assert_int_equal(r.calls, 0);
	tb_fake_time_advance_ms(100);
	assert_string_equal(r.buf, "+CTCR: 1,1\r\n+CTCR: 2,1\r\n");
	assert_int_equal(r.calls, 2);	/* each line its own rx call */

	/* Closed from inside rx: the rest of the queue is not delivered. */
	r.close_in_rx = true;
	r.calls = 0;
	tb_fake_time_advance_ms(200);
	assert_int_equal(r.calls, 1);
	assert_int_equal(twrite(t, "AT\r"), -ENOTCONN);
	tb_transport_destroy(&t);	/* close first is not needed: destroy closes */
	tb_fake_time_advance_ms(500);
}

static void test_transport_bad_scenario(void **state)
{
	const char *p = write_file("trbad.scn", "A\nwait abc\n");
	struct tb_transport *t = tb_transport_sim_alloc(g_ctx, TSI, p);

	assert_non_null(t);
	assert_int_equal(tb_transport_open(t), -EINVAL);
	assert_int_equal(twrite(t, "AT\r"), -ENOTCONN);
	tb_transport_destroy(&t);

	t = tb_transport_sim_alloc(g_ctx, TSI, "/nonexistent/x.scn");
	assert_int_equal(tb_transport_open(t), -ENOENT);
	tb_transport_destroy(&t);

	assert_null(tb_transport_sim_alloc(g_ctx, NULL, NULL));
	assert_null(tb_transport_sim_alloc(g_ctx, "", NULL));
}

static int group_setup(void **state)
{
	/* expected errors stay quiet */
	g_root = tb_test_group_start("test_sim_terminal", g_dir, sizeof(g_dir));
	if (!g_root)
		return -1;
	g_ctx = talloc_named_const(g_root, 0, "objects");
	return 0;
}

static int group_teardown(void **state)
{
	if (tb_tmpdir_remove(g_dir) != 0)
		return -1;
	if (talloc_total_blocks(g_ctx) != 1) {
		talloc_report_full(g_ctx, stderr);
		return -1;
	}
	talloc_free(g_root);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_at_echo),
		cmocka_unit_test(test_at_answers),
		cmocka_unit_test(test_split_input),
		cmocka_unit_test(test_cmgs),
		cmocka_unit_test(test_inject),
		cmocka_unit_test(test_air_delivery),
		cmocka_unit_test(test_busy_airfail),
		cmocka_unit_test(test_scenario_timing),
		cmocka_unit_test(test_scenario_loop),
		cmocka_unit_test(test_scenario_silent),
		cmocka_unit_test(test_set_silent_pauses),
		cmocka_unit_test(test_scenario_errors),
		cmocka_unit_test(test_example_scenarios),
		cmocka_unit_test(test_responder_reports),
		cmocka_unit_test(test_responder_text_and_callout),
		cmocka_unit_test(test_responder_progress),
		cmocka_unit_test(test_responder_never_and_fail),
		cmocka_unit_test(test_responder_group),
		cmocka_unit_test(test_responder_lifecycle),
		cmocka_unit_test(test_callout_demo_scenario),
		cmocka_unit_test(test_transport_async),
		cmocka_unit_test(test_transport_scenario),
		cmocka_unit_test(test_transport_bad_scenario),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
