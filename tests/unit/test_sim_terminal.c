/* The simulated terminal and its transport: AT answers, scenario timing,
 * silent mode, scenario errors, asynchronous delivery, the simulated air
 * between terminals (busy, airfail), and the example scenarios decoded by
 * the PEI codec. Fake time, no sleeps.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <osmocom/core/application.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>

#include "codecs/pei_urc.h"
#include "common/logging.h"
#include "radio-drivers/sim_terminal.h"
#include "radio-drivers/transport.h"
#include "tests/lib/fake_time.h"
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
	assert_int_equal(t->tx_bytes, 10);
	tb_fake_time_run_due();
	assert_string_equal(r.buf, "AT+CNUMF?\r\n\r\n+CNUMF: 6," TSI "\r\n\r\nOK\r\n");
	assert_int_equal(t->rx_bytes, r.len);
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
	g_root = talloc_named_const(NULL, 0, "test_sim_terminal");
	g_ctx = talloc_named_const(g_root, 0, "objects");
	tb_logging_init(g_root);
	log_set_log_level(osmo_stderr_target, LOGL_FATAL);	/* expected errors stay quiet */
	tb_fake_time_start();
	assert_non_null(tb_tmpdir_make(g_dir, sizeof(g_dir), "test_sim_terminal"));
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
		cmocka_unit_test(test_transport_async),
		cmocka_unit_test(test_transport_scenario),
		cmocka_unit_test(test_transport_bad_scenario),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
