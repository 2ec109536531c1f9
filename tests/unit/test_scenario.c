/* radio-drivers: a scenario file checked without a terminal
 * (tb_sim_check_scenario, what the config does when it names one), and
 * checked the same way a terminal loads it.
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
	const char *names[] = { "ambulance.scn", "lvs-doctor.scn", "nurse-satellite.scn" };
	const char *tail = "tests/unit/test_scenario.c";	/* the source tree from this file's path */
	size_t flen = strlen(__FILE__), tlen = strlen(tail);

	assert_true(flen >= tlen && !strcmp(&__FILE__[flen - tlen], tail));
	for (unsigned i = 0; i < 3; i++) {
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
		cmocka_unit_test(test_not_a_scenario),
		cmocka_unit_test(test_examples),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
