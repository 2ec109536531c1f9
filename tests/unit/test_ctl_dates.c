/* tools/ctl_dates.c: --since / --until of tetractl callout report, in the
 * local time zone (Europe/Oslo here: winter and summer time) unless the
 * text gives its offset; a date alone as an end means the whole day.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>

#include "tools/ctl_dates.h"

#define S(x) ((uint64_t)(x) * 1000000u)

static int setup(void **state)
{
	setenv("TZ", "Europe/Oslo", 1);
	tzset();
	return 0;
}

static uint64_t parsed(const char *s, bool end)
{
	uint64_t us = 1;

	if (!ctl_parse_date(s, end, &us))
		fail_msg("\"%s\" did not parse", s);
	return us;
}

static void test_forms(void **state)
{
	/* 2024-01-15 00:00 CET = 2024-01-14 23:00 UTC = 1705273200 */
	assert_int_equal(parsed("2024-01-15", false), S(1705273200));
	assert_int_equal(parsed("2024-01-15", true), S(1705273200 + 86400));
	assert_int_equal(parsed("2024-01-15T08:30", false), S(1705273200 + 8 * 3600 + 1800));
	assert_int_equal(parsed("2024-01-15 08:30:15", true), S(1705273200 + 8 * 3600 + 1800 + 15));
	assert_int_equal(parsed("2024-01-15t08:30", false), S(1705273200 + 8 * 3600 + 1800));
	/* summer time: 2024-07-01 00:00 CEST = 2024-06-30 22:00 UTC = 1719784800 */
	assert_int_equal(parsed("2024-07-01", false), S(1719784800));
	/* offsets given */
	assert_int_equal(parsed("2024-07-01T00:00:00Z", false), S(1719792000));
	assert_int_equal(parsed("2024-07-01T02:00+02:00", false), S(1719792000));
	assert_int_equal(parsed("2024-06-30T22:30-0130", false), S(1719792000));
	assert_int_equal(parsed("2024-07-01T01:00+01", false), S(1719792000));
	/* the end of a month's last day, and of a leap day */
	assert_int_equal(parsed("2024-01-31", true), parsed("2024-02-01", false));
	assert_int_equal(parsed("2024-02-29", true), parsed("2024-03-01", false));
	assert_int_equal(parsed("2024-12-31", true), parsed("2025-01-01", false));
	/* the day summer time starts has 23 hours */
	assert_int_equal(parsed("2024-03-31", true) - parsed("2024-03-31", false), S(23 * 3600));
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
		"", "2024", "2024-1-15", "2024-01-5", "2024-13-01", "2024-00-10", "2024-02-30", "2023-02-29",
		"2024-04-31", "2024-01-15T", "2024-01-15T8:30", "2024-01-15T24:00", "2024-01-15T08:60",
		"2024-01-15T08:30:60", "2024-01-15T08:30+2", "2024-01-15T08:30+02:0", "2024-01-15T08:30Y",
		"2024-01-15X08:30", "1969-12-31", "2024-01-15 ", "yesterday", "-2024-01-15",
	};
	uint64_t us = 7;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ctl_parse_date(bad[i], false, &us))
			fail_msg("\"%s\" parsed", bad[i]);
		assert_int_equal(us, 7);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
