/* web/login_limit.c: failed sign-ins per name and per address, on fake
 * time: the limit for a name from many addresses, for an address trying
 * many names, the sliding window, a success clearing the name only, and
 * the bounded table.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <talloc.h>

#include "web/login_limit.h"
#include "tests/lib/fake_time.h"

#define MAX 5
#define WINDOW_S 300

static int setup(void **state)
{
	tb_fake_time_start();
	*state = talloc_new(NULL);
	return 0;
}

static int teardown(void **state)
{
	tb_fake_time_stop();
	talloc_free(*state);
	return 0;
}

static void test_per_user(void **state)
{
	struct tw_login_limit *l = tw_login_limit_alloc(*state, MAX, WINDOW_S);
	char addr[32];

	assert_non_null(l);
	/* MAX failures for kari, each from another address */
	for (unsigned i = 0; i < MAX; i++) {
		snprintf(addr, sizeof(addr), "10.0.0.%u", i + 1);
		assert_int_equal(tw_login_limit_wait(l, "kari", addr), 0);
		tw_login_limit_failed(l, "kari", addr);
	}
	/* kari is refused from anywhere, for the whole window */
	assert_int_equal(tw_login_limit_wait(l, "kari", "10.0.0.99"), WINDOW_S);
	assert_int_equal(tw_login_limit_wait(l, "kari", "::1"), WINDOW_S);
	/* others from those addresses are not (each had one failure) */
	assert_int_equal(tw_login_limit_wait(l, "ola", "10.0.0.1"), 0);
	/* names are exact */
	assert_int_equal(tw_login_limit_wait(l, "Kari", "10.0.0.99"), 0);
	assert_int_equal(tw_login_limit_wait(l, "kari2", "10.0.0.99"), 0);
	/* the wait counts down, rounded up to whole seconds */
	tb_fake_time_advance_ms(100 * 1000 + 500);
	assert_int_equal(tw_login_limit_wait(l, "kari", "10.0.0.99"), WINDOW_S - 100);
}

static void test_per_address(void **state)
{
	struct tw_login_limit *l = tw_login_limit_alloc(*state, MAX, WINDOW_S);
	char user[32];

	for (unsigned i = 0; i < MAX - 1; i++) {
		snprintf(user, sizeof(user), "user%u", i);
		tw_login_limit_failed(l, user, "192.0.2.7");
	}
	assert_int_equal(tw_login_limit_wait(l, "anyone", "192.0.2.7"), 0);
	tw_login_limit_failed(l, "guess", "192.0.2.7");
	/* that address may try no name now, another address may */
	assert_int_equal(tw_login_limit_wait(l, "anyone", "192.0.2.7"), WINDOW_S);
	assert_int_equal(tw_login_limit_wait(l, "kari", "192.0.2.7"), WINDOW_S);
	assert_int_equal(tw_login_limit_wait(l, "anyone", "192.0.2.8"), 0);
}

static void test_window_slides(void **state)
{
	struct tw_login_limit *l = tw_login_limit_alloc(*state, MAX, WINDOW_S);

	/* failures at 0, 60, 120, 180, 240 s */
	for (unsigned i = 0; i < MAX; i++) {
		if (i)
			tb_fake_time_advance_ms(60 * 1000);
		tw_login_limit_failed(l, "kari", "10.0.0.1");
	}
	assert_int_equal(tw_login_limit_wait(l, "kari", "10.0.0.2"), 60);
	tb_fake_time_advance_ms(59 * 1000);
	assert_int_equal(tw_login_limit_wait(l, "kari", "10.0.0.2"), 1);
	tb_fake_time_advance_ms(1000);
	/* 300 s: the first left the window; one attempt more */
	assert_int_equal(tw_login_limit_wait(l, "kari", "10.0.0.2"), 0);
	tw_login_limit_failed(l, "kari", "10.0.0.2");
	/* now the one at 60 s is the oldest of the last five */
	assert_int_equal(tw_login_limit_wait(l, "kari", "10.0.0.3"), 60);
	/* all gone after a whole window without failures */
	tb_fake_time_advance_ms(WINDOW_S * 1000);
	assert_int_equal(tw_login_limit_wait(l, "kari", "10.0.0.1"), 0);
}

static void test_success_clears_the_name(void **state)
{
	struct tw_login_limit *l = tw_login_limit_alloc(*state, MAX, WINDOW_S);

	for (unsigned i = 0; i < MAX - 1; i++)
		tw_login_limit_failed(l, "kari", "10.0.0.1");
	tw_login_limit_succeeded(l, "kari", "10.0.0.1");
	/* kari starts afresh: MAX - 1 more failures do not block her... */
	for (unsigned i = 0; i < MAX - 1; i++)
		tw_login_limit_failed(l, "kari", "10.0.0.2");
	assert_int_equal(tw_login_limit_wait(l, "kari", "10.0.0.2"), 0);
	/* ...but 10.0.0.1 keeps its MAX - 1: one more and it is blocked */
	tw_login_limit_failed(l, "ola", "10.0.0.1");
	assert_int_equal(tw_login_limit_wait(l, "ola", "10.0.0.1"), WINDOW_S);
	assert_int_equal(tw_login_limit_wait(l, "nobody", "10.0.0.1"), WINDOW_S);
	/* a success does not lift an address's block */
	tw_login_limit_succeeded(l, "kari", "10.0.0.1");
	assert_int_equal(tw_login_limit_wait(l, "kari", "10.0.0.1"), WINDOW_S);
}

static void test_no_limit(void **state)
{
	struct tw_login_limit *l0 = tw_login_limit_alloc(*state, 0, WINDOW_S);
	struct tw_login_limit *w0 = tw_login_limit_alloc(*state, MAX, 0);

	for (unsigned i = 0; i < 2 * MAX; i++) {
		tw_login_limit_failed(l0, "kari", "10.0.0.1");
		tw_login_limit_failed(w0, "kari", "10.0.0.1");
	}
	assert_int_equal(tw_login_limit_wait(l0, "kari", "10.0.0.1"), 0);
	assert_int_equal(tw_login_limit_wait(w0, "kari", "10.0.0.1"), 0);
}

/* Many names: the table stays bounded, forgets the oldest first, and
 * keeps counting the recent ones. */
static void test_bounded(void **state)
{
	struct tw_login_limit *l = tw_login_limit_alloc(*state, 2, WINDOW_S);
	size_t before, after;
	char user[32];

	/* long names and NULLs are fine keys */
	tw_login_limit_failed(l, NULL, NULL);
	tw_login_limit_failed(l, NULL, NULL);
	assert_int_equal(tw_login_limit_wait(l, NULL, "x"), WINDOW_S);
	tw_login_limit_succeeded(l, NULL, NULL);

	tw_login_limit_failed(l, "old", "10.0.0.1");
	tw_login_limit_failed(l, "old", "10.0.0.2");
	assert_int_equal(tw_login_limit_wait(l, "old", "10.0.0.3"), WINDOW_S);
	tb_fake_time_advance_ms(1000);
	for (unsigned i = 0; i < TW_LOGIN_LIMIT_ENTRIES - 1; i++) {
		snprintf(user, sizeof(user), "u%u", i);
		tw_login_limit_failed(l, user, "10.0.0.9");
	}
	/* the table is full: the next new name forgets "old" (the oldest) */
	tw_login_limit_failed(l, "new", "10.0.0.9");
	assert_int_equal(tw_login_limit_wait(l, "old", "10.0.0.3"), 0);
	assert_int_equal(tw_login_limit_wait(l, "u7", "10.0.0.3"), 0);
	tw_login_limit_failed(l, "u7", "10.0.0.3");
	assert_int_equal(tw_login_limit_wait(l, "u7", "10.0.0.4"), WINDOW_S);
	/* a thousand new names more: the memory does not grow */
	before = talloc_total_size(l);
	for (unsigned i = 0; i < 1000; i++) {
		snprintf(user, sizeof(user), "v%u", i);
		tw_login_limit_failed(l, user, "10.0.0.9");
	}
	after = talloc_total_size(l);
	assert_true(after <= before);
	/* the ones made in this second are still counted */
	assert_int_equal(tw_login_limit_wait(l, "v999", "10.0.0.4"), 0);
	tw_login_limit_failed(l, "v999", "10.0.0.4");
	assert_int_equal(tw_login_limit_wait(l, "v999", "10.0.0.5"), WINDOW_S);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_per_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_per_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_slides, setup, teardown),
		cmocka_unit_test_setup_teardown(test_success_clears_the_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounded, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
