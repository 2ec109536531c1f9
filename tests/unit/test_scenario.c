/* radio-drivers: a scenario file checked without a terminal
 * (tb_sim_check_scenario, what the config does when it names one), and
 * checked the same way a terminal loads it; responder lines included.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <osmocom/core/talloc.h>

#include "radio-drivers/sim_terminal.h"
#include "tests/lib/tmpdir.h"

static char g_dir[64];

static void discard(const uint8_t *buf, size_t len, void *data)
{
}

/* The check says what loading says: the same result, line and reason. */
static void expect(const char *text, size_t len, int want_rc, unsigned want_line, const char *want_why)
{
	const char *p = tb_tmpdir_write(g_dir, "t.scn", text, len);
	struct tb_sim_terminal *s = tb_sim_alloc(NULL, "02420001600001001", discard, NULL);
	char why[128] = "";
	unsigned line = 99, load_line = 99;

	assert_non_null(p);
	assert_non_null(s);
	assert_int_equal(tb_sim_check_scenario(p, &line, why, sizeof(why)), want_rc);
	assert_int_equal(line, want_line);
	assert_int_equal(tb_sim_load_scenario(s, p, &load_line), want_rc);
	assert_int_equal(load_line, want_line);
	if (want_why) {
		assert_string_equal(why, want_why);
		assert_string_equal(tb_sim_load_error(s), want_why);
	}
	tb_sim_destroy(&s);
}

#define EXPECT(text, rc, line, why) expect(text, sizeof(text) - 1, rc, line, why)

static void test_good(void **state)
{
	EXPECT("", 0, 0, NULL);
	EXPECT("# only a comment\n\n", 0, 0, NULL);
	EXPECT("+CTSDSR: 13,1,1,2,1,16\n8004\nwait 1000\nloop\n", 0, 0, NULL);
	EXPECT("A\nsilent\nloop\n", 0, 0, NULL);
	EXPECT("busy 2\nairfail 1   # comment\nwait 5\r\nloop\r\n", 0, 0, NULL);
}

static void test_bad(void **state)
{
	EXPECT("A\n\nwait abc\n", -EINVAL, 3, "wait needs a number of milliseconds");
	EXPECT("A\nwait 0\nloop\n", -EINVAL, 3, "loop without a wait > 0 before it would spin");
	EXPECT("loop\n", -EINVAL, 1, "loop without a wait > 0 before it would spin");
	EXPECT("wait 86400001\n", -EINVAL, 1, "wait is longer than a day");
	EXPECT("A\nB\x1b[0m\n", -EINVAL, 2, "control character in the line");
	EXPECT("A\nB\0C\n", -EINVAL, 2, "NUL byte in the line");
	EXPECT("busy x\n", -EINVAL, 1, "busy needs a count of AT+CMGS (0-1000000)");
	EXPECT("silent now\n", -EINVAL, 1, "silent takes no argument");
}

static void test_responders_good(void **state)
{
	EXPECT("responder 2002 member 9201\n"
	       "responder 2002 at 2.5 received   # a comment\n"
	       "responder 2002 at 10 consumed\n"
	       "responder 2002 at 45 accept status 0x8000\n"
	       "responder 2002 at 60 status 32770\n"
	       "responder 2002 at 60 move from 60.3913,5.3221 to -60.3795,-5.3530 until 300 every 30\n"
	       "responder 02420001600002003 at 20 decline text Nei # the text, '#' and all\n"
	       "responder 3004 at 150 standby callout Kommer om litt, også\n"
	       "responder 1002 at 3 received\n"
	       "responder 1002 never\n"
	       "responder 2005 member 9201\n"
	       "responder 2005 at 0 fail 0x41\n"
	       "wait 1000\nloop\n", 0, 0, NULL);
	/* The longest text answers that fit. */
	EXPECT("responder 2002 at 1 accept callout "
	       "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123\n",
	       0, 0, NULL);
	EXPECT("responder 2002 at 1 accept text "
	       "ØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØ"
	       "ØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØ\n",
	       0, 0, NULL);
}

/* A broken responder line is refused with its line number and a sentence
 * saying what is wrong (the config check shows both). */
static void test_responders_bad(void **state)
{
	static const char id[] =
		"responder needs an identity first: an ISSI (1 to 8 digits) or a TSI (12 to 17 digits)";
	static const char what[] =
		"responder <identity> is followed by member, never, or at <seconds> and what happens then";
	static const char at[] = "at needs the seconds after the alert, 0 to 86400 (e.g. at 45 or at 2.5)";
	static const char fail_excl[] =
		"a responder whose delivery fails receives nothing, so it has no other lines than fail and member";
	static const char move[] = "move needs: move from <lat>,<lon> to <lat>,<lon> until <seconds> every <seconds>";
	char many[65 * 32 + 1] = "";

	EXPECT("A\nresponder\n", -EINVAL, 2, id);
	EXPECT("responder abc at 1 received\n", -EINVAL, 1, id);
	EXPECT("responder 123456789 at 1 received\n", -EINVAL, 1, id);
	EXPECT("responder 2002\n", -EINVAL, 1, what);
	EXPECT("responder 2002 dance\n", -EINVAL, 1, what);
	EXPECT("responder 2002 at\n", -EINVAL, 1, at);
	EXPECT("responder 2002 at -1 received\n", -EINVAL, 1, at);
	EXPECT("responder 2002 at 1.0001 received\n", -EINVAL, 1, at);
	EXPECT("responder 2002 at 86400.001 received\n", -EINVAL, 1, at);
	EXPECT("responder 2002 at 5\n", -EINVAL, 1,
	       "at <seconds> needs what happens: received, consumed, accept, decline, standby, status, move or fail");
	EXPECT("responder 2002 at 5 jump\n", -EINVAL, 1,
	       "at <seconds> is followed by received, consumed, accept, decline, standby, status, move or fail");
	EXPECT("responder 2002 at 5 received now\n", -EINVAL, 1, "received takes nothing after it");
	EXPECT("# c\nresponder 2002 at 5 received\nresponder 2002 at 6 received\n", -EINVAL, 3,
	       "this responder already has a received line");
	EXPECT("responder 2002 at 5 consumed\nresponder 2002 at 6 consumed\n", -EINVAL, 2,
	       "this responder already has a consumed line");
	EXPECT("responder 2002 at 5 accept\n", -EINVAL, 1,
	       "an answer says how: status <value>, text <text> or callout <text>");
	EXPECT("responder 2002 at 5 accept status 0x18000\n", -EINVAL, 1,
	       "an answer by status needs one value, 0x0000 to 0xFFFF (e.g. status 0x8000)");
	EXPECT("responder 2002 at 5 accept status 65536\n", -EINVAL, 1,
	       "an answer by status needs one value, 0x0000 to 0xFFFF (e.g. status 0x8000)");
	EXPECT("responder 2002 at 5 decline text\n", -EINVAL, 1,
	       "an answer by text needs 1 to 100 characters of UTF-8 text");
	EXPECT("responder 2002 at 5 decline text \xff\xfe\n", -EINVAL, 1,
	       "an answer by text needs 1 to 100 characters of UTF-8 text");
	EXPECT("responder 2002 at 1 accept text "
	       "ØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØ"
	       "ØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØØ\n",
	       -EINVAL, 1, "an answer by text needs 1 to 100 characters of UTF-8 text");
	EXPECT("responder 2002 at 5 accept callout Тест\n", -EINVAL, 1,
	       "a call-out answer needs a text of 1 to 94 ISO 8859-1 (Latin-1) characters");
	EXPECT("responder 2002 at 1 accept callout "
	       "01234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234\n",
	       -EINVAL, 1, "a call-out answer needs a text of 1 to 94 ISO 8859-1 (Latin-1) characters");
	EXPECT("responder 2002 at 5 accept status 0x8000\nresponder 2002 at 9 decline status 0x8001\n", -EINVAL, 2,
	       "a responder answers once; this responder already has an accept, decline or standby line");
	EXPECT("responder 2002 never\nresponder 2002 at 5 accept status 0x8000\n", -EINVAL, 2,
	       "this responder never answers (its never line), so it cannot also answer");
	EXPECT("responder 2002 never\nresponder 2002 at 5 status 0x8002\n", -EINVAL, 2,
	       "this responder never answers (its never line), so it sends no status either");
	EXPECT("responder 2002 at 5 status 0x8002\nresponder 2002 never\n", -EINVAL, 2,
	       "never means no answer, but this responder already answers or sends status or positions");
	EXPECT("responder 2002 never\nresponder 2002 never\n", -EINVAL, 2, "this responder already has a never line");
	EXPECT("responder 2002 never please\n", -EINVAL, 1, "never takes nothing after it");
	EXPECT("responder 2002 at 5 status\n", -EINVAL, 1,
	       "status needs one value, 0x0000 to 0xFFFF (e.g. status 0x8002)");
	EXPECT("responder 2002 at 5 status 0x8002 0x8003\n", -EINVAL, 1,
	       "status needs one value, 0x0000 to 0xFFFF (e.g. status 0x8002)");
	EXPECT("responder 2002 at 5 move from 60,5 to 61,5\n", -EINVAL, 1, move);
	EXPECT("responder 2002 at 5 move from 60,5 to 61,5 until 50 every 10 fast\n", -EINVAL, 1, move);
	EXPECT("responder 2002 at 5 move from 91,5 to 61,5 until 50 every 10\n", -EINVAL, 1,
	       "a point of move is <latitude>,<longitude> in degrees (e.g. 60.3940,5.3220)");
	EXPECT("responder 2002 at 5 move from 60;5 to 61,5 until 50 every 10\n", -EINVAL, 1,
	       "a point of move is <latitude>,<longitude> in degrees (e.g. 60.3940,5.3220)");
	EXPECT("responder 2002 at 5 move from 60,5 to 61,5 until 5 every 1\n", -EINVAL, 1,
	       "move must end (until) later than it starts (at)");
	EXPECT("responder 2002 at 5 move from 60,5 to 61,5 until 50 every 0.5\n", -EINVAL, 1,
	       "move sends a position every 1 second or more");
	EXPECT("responder 2002 at 0 move from 60,5 to 61,5 until 1000 every 1\n", -EINVAL, 1,
	       "a responder sends at most 1000 positions; make every longer");
	EXPECT("responder 2002 at 1 fail 0x10\n", -EINVAL, 1,
	       "fail needs a delivery status that is not a success, 0x20 to 0xFF (e.g. fail 0x41: not reachable)");
	EXPECT("responder 2002 at 1 fail 0x100\n", -EINVAL, 1,
	       "fail needs a delivery status that is not a success, 0x20 to 0xFF (e.g. fail 0x41: not reachable)");
	EXPECT("responder 2002 at 1 received\nresponder 2002 at 1 fail 0x41\n", -EINVAL, 2, fail_excl);
	EXPECT("responder 2002 at 1 fail 0x41\nresponder 2002 at 1 received\n", -EINVAL, 2, fail_excl);
	EXPECT("responder 2002 at 1 fail 0x41\nresponder 2002 at 3 accept text ja\n", -EINVAL, 2, fail_excl);
	EXPECT("responder 2002 at 1 fail 0x41\nresponder 2002 at 2 fail 0x42\n", -EINVAL, 2,
	       "this responder already has a fail line");
	EXPECT("responder 2002 member\n", -EINVAL, 1,
	       "member needs one group identity: a GSSI (1 to 8 digits) or a GTSI (12 to 17 digits)");
	EXPECT("responder 2002 member 9201 9202\n", -EINVAL, 1,
	       "member needs one group identity: a GSSI (1 to 8 digits) or a GTSI (12 to 17 digits)");
	EXPECT("responder 2002 member 9201\nresponder 2002 member 9201\n", -EINVAL, 2,
	       "this responder is already a member of that group");
	EXPECT("responder 1 member 1\nresponder 1 member 2\nresponder 1 member 3\nresponder 1 member 4\n"
	       "responder 1 member 5\nresponder 1 member 6\nresponder 1 member 7\nresponder 1 member 8\n"
	       "responder 1 member 9\n", -EINVAL, 9, "a responder is a member of at most 8 groups");

	/* 64 responders are fine, the 65th is refused on its own line. */
	for (unsigned i = 1; i <= 65; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "responder %u never\n", i);
	expect(many, strlen(many), -EINVAL, 65, "a scenario has at most 64 responders");
	many[strlen(many) - strlen("responder 65 never\n")] = '\0';
	expect(many, strlen(many), 0, 0, NULL);
}

static void test_not_a_scenario(void **state)
{
	char why[128] = "";
	unsigned line = 99;

	assert_int_equal(tb_sim_check_scenario("/nonexistent/x.scn", &line, why, sizeof(why)), -ENOENT);
	assert_int_equal(line, 0);
	assert_string_equal(why, strerror(ENOENT));
	/* A folder opens, and used to be "read error" at every reopen. */
	assert_int_equal(tb_sim_check_scenario(g_dir, &line, why, sizeof(why)), -EISDIR);
	assert_int_equal(line, 0);
	assert_string_equal(why, "it is a directory, not a scenario file");
	assert_int_equal(tb_sim_check_scenario("", NULL, why, sizeof(why)), -EINVAL);
}

static void test_examples(void **state)
{
	const char *names[] = { "ambulance.scn", "lvs-doctor.scn", "nurse-satellite.scn", "callout-demo.scn" };
	const char *tail = "tests/unit/test_scenario.c";	/* the source tree from this file's path */
	size_t flen = strlen(__FILE__), tlen = strlen(tail);

	assert_true(flen >= tlen && !strcmp(&__FILE__[flen - tlen], tail));
	for (unsigned i = 0; i < 4; i++) {
		char path[512], why[128] = "";
		unsigned line = 99;

		snprintf(path, sizeof(path), "%.*sexamples/scenarios/%s", (int)(flen - tlen), __FILE__, names[i]);
		if (tb_sim_check_scenario(path, &line, why, sizeof(why)) != 0)
			fail_msg("%s line %u: %s", path, line, why);
		assert_int_equal(line, 0);
	}
}

static int setup(void **state)
{
	return tb_tmpdir_make(g_dir, sizeof(g_dir), "tb-scenario") ? 0 : -1;
}

static int teardown(void **state)
{
	return tb_tmpdir_remove(g_dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_responders_good),
		cmocka_unit_test(test_responders_bad),
		cmocka_unit_test(test_not_a_scenario),
		cmocka_unit_test(test_examples),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
