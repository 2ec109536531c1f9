/* web/session.c: tetra-web's sessions, on fake time.
 *
 * Ids and tokens have the form the cookie needs and differ each time; a
 * session is found by its id only, touched by requests, ended when idle
 * too long or past its lifetime; the table holds at most max and then
 * ends the idlest; the CSRF check and the Cookie header parser refuse
 * what is not exactly right.
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

#include "web/session.h"
#include "tests/lib/fake_time.h"

#define IDLE_S 60
#define LIFETIME_S 300

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

static bool token_form(const char *t)
{
	if (strlen(t) != TW_SESSION_TOKEN_LEN)
		return false;
	return strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == TW_SESSION_TOKEN_LEN;
}

static void test_new_find_end(void **state)
{
	struct tw_sessions *s = tw_sessions_alloc(*state, 8, IDLE_S, LIFETIME_S);
	struct tw_session *a, *b;
	char id[TW_SESSION_TOKEN_LEN + 1];

	assert_non_null(s);
	a = tw_session_new(s, "kari", TB_ROLE_DISPATCHER);
	b = tw_session_new(s, "ola", TB_ROLE_OBSERVER);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(tw_sessions_count(s), 2);
	assert_true(token_form(a->id));
	assert_true(token_form(a->csrf));
	assert_true(token_form(b->id));
	assert_string_not_equal(a->id, b->id);
	assert_string_not_equal(a->id, a->csrf);
	assert_string_not_equal(a->csrf, b->csrf);
	assert_string_equal(a->user, "kari");
	assert_int_equal(a->role, TB_ROLE_DISPATCHER);

	assert_ptr_equal(tw_session_find(s, a->id, true), a);
	assert_ptr_equal(tw_session_find(s, b->id, false), b);
	/* the CSRF token is no id; an id one character off is none */
	assert_null(tw_session_find(s, a->csrf, true));
	snprintf(id, sizeof(id), "%s", a->id);
	id[10] = id[10] == 'A' ? 'B' : 'A';
	assert_null(tw_session_find(s, id, true));
	id[10] = '\0';
	assert_null(tw_session_find(s, id, true));
	assert_null(tw_session_find(s, "", true));
	assert_null(tw_session_find(s, NULL, true));

	/* ended: gone, the other stays */
	snprintf(id, sizeof(id), "%s", a->id);
	tw_session_end(s, a);
	assert_int_equal(tw_sessions_count(s), 1);
	assert_null(tw_session_find(s, id, true));
	assert_ptr_equal(tw_session_find(s, b->id, true), b);
}

static void test_idle_timeout_and_touch(void **state)
{
	struct tw_sessions *s = tw_sessions_alloc(*state, 8, IDLE_S, LIFETIME_S);
	struct tw_session *a = tw_session_new(s, "kari", TB_ROLE_DISPATCHER);
	struct tw_session *b = tw_session_new(s, "ola", TB_ROLE_OBSERVER);
	char ida[TW_SESSION_TOKEN_LEN + 1], idb[TW_SESSION_TOKEN_LEN + 1];

	snprintf(ida, sizeof(ida), "%s", a->id);
	snprintf(idb, sizeof(idb), "%s", b->id);

	/* a is used every 50 s by its person; b only gets pushes (no touch) */
	tb_fake_time_advance_ms(50 * 1000);
	assert_non_null(tw_session_find(s, ida, true));
	assert_non_null(tw_session_find(s, idb, false));
	tb_fake_time_advance_ms(9 * 1000);
	assert_non_null(tw_session_find(s, idb, false));	/* 59 s idle */
	tb_fake_time_advance_ms(1000);
	assert_null(tw_session_find(s, idb, false));		/* 60 s: ended */
	assert_int_equal(tw_sessions_count(s), 1);
	assert_null(tw_session_find(s, idb, true));
	/* a was touched at 50 s: alive until 110 s */
	tb_fake_time_advance_ms(49 * 1000);
	assert_ptr_equal(tw_session_find(s, ida, false), a);
	tb_fake_time_advance_ms(1000);
	assert_null(tw_session_find(s, ida, true));
	assert_int_equal(tw_sessions_count(s), 0);
}

static void test_lifetime(void **state)
{
	struct tw_sessions *s = tw_sessions_alloc(*state, 8, IDLE_S, LIFETIME_S);
	struct tw_session *a = tw_session_new(s, "kari", TB_ROLE_ADMIN);
	char id[TW_SESSION_TOKEN_LEN + 1];

	snprintf(id, sizeof(id), "%s", a->id);
	/* used every 30 s, still ended at 300 s */
	for (unsigned t = 30; t < LIFETIME_S; t += 30) {
		tb_fake_time_advance_ms(30 * 1000);
		assert_ptr_equal(tw_session_find(s, id, true), a);
	}
	tb_fake_time_advance_ms(29 * 1000);
	assert_ptr_equal(tw_session_find(s, id, true), a);	/* 299 s */
	tb_fake_time_advance_ms(1000);
	assert_null(tw_session_find(s, id, true));
	assert_int_equal(tw_sessions_count(s), 0);
}

static void test_expire(void **state)
{
	struct tw_sessions *s = tw_sessions_alloc(*state, 8, IDLE_S, LIFETIME_S);
	struct tw_session *a, *b, *c;

	a = tw_session_new(s, "a", TB_ROLE_OBSERVER);
	tb_fake_time_advance_ms(20 * 1000);
	b = tw_session_new(s, "b", TB_ROLE_OBSERVER);
	tb_fake_time_advance_ms(20 * 1000);
	c = tw_session_new(s, "c", TB_ROLE_OBSERVER);
	assert_int_equal(tw_sessions_expire(s), 0);
	tb_fake_time_advance_ms(20 * 1000);	/* a idle 60 s */
	assert_int_equal(tw_sessions_expire(s), 1);
	assert_int_equal(tw_sessions_count(s), 2);
	assert_ptr_equal(tw_session_find(s, b->id, true), b);
	assert_ptr_equal(tw_session_find(s, c->id, false), c);
	tb_fake_time_advance_ms(60 * 1000);
	assert_int_equal(tw_sessions_expire(s), 2);
	assert_int_equal(tw_sessions_count(s), 0);
	(void)a;
}

static void test_max_ends_the_idlest(void **state)
{
	struct tw_sessions *s = tw_sessions_alloc(*state, 3, IDLE_S, LIFETIME_S);
	struct tw_session *a, *b, *c, *d;
	char ida[TW_SESSION_TOKEN_LEN + 1], idb[TW_SESSION_TOKEN_LEN + 1];

	a = tw_session_new(s, "a", TB_ROLE_OBSERVER);
	tb_fake_time_advance_ms(1000);
	b = tw_session_new(s, "b", TB_ROLE_OBSERVER);
	tb_fake_time_advance_ms(1000);
	c = tw_session_new(s, "c", TB_ROLE_OBSERVER);
	tb_fake_time_advance_ms(1000);
	/* a is the oldest but was just used: b is the idlest */
	assert_non_null(tw_session_find(s, a->id, true));
	snprintf(ida, sizeof(ida), "%s", a->id);
	snprintf(idb, sizeof(idb), "%s", b->id);
	d = tw_session_new(s, "d", TB_ROLE_OBSERVER);
	assert_non_null(d);
	assert_int_equal(tw_sessions_count(s), 3);
	assert_null(tw_session_find(s, idb, true));
	assert_non_null(tw_session_find(s, ida, true));
	assert_non_null(tw_session_find(s, c->id, true));
	assert_non_null(tw_session_find(s, d->id, true));
	assert_string_equal(tw_session_find(s, d->id, true)->user, "d");
}

/* One past its lifetime goes before the idlest live one. */
static void test_max_ends_expired_first(void **state)
{
	struct tw_sessions *s = tw_sessions_alloc(*state, 2, IDLE_S, LIFETIME_S);
	struct tw_session *a, *b, *c;
	char ida[TW_SESSION_TOKEN_LEN + 1];

	a = tw_session_new(s, "a", TB_ROLE_OBSERVER);
	snprintf(ida, sizeof(ida), "%s", a->id);
	for (unsigned t = 50; t <= 250; t += 50) {
		tb_fake_time_advance_ms(50 * 1000);
		assert_non_null(tw_session_find(s, ida, true));
	}
	b = tw_session_new(s, "b", TB_ROLE_OBSERVER);		/* at 250 s */
	tb_fake_time_advance_ms(49 * 1000);
	assert_non_null(tw_session_find(s, ida, true));		/* a used at 299 s */
	tb_fake_time_advance_ms(1000);
	/* at 300 s: b is the idlest, but a is past its lifetime */
	c = tw_session_new(s, "c", TB_ROLE_OBSERVER);
	assert_int_equal(tw_sessions_count(s), 2);
	assert_ptr_equal(tw_session_find(s, b->id, true), b);
	assert_ptr_equal(tw_session_find(s, c->id, true), c);
	assert_null(tw_session_find(s, ida, true));
}

static void test_no_limits(void **state)
{
	struct tw_sessions *s = tw_sessions_alloc(*state, 2, 0, 0);
	struct tw_session *a = tw_session_new(s, "a", TB_ROLE_OBSERVER);

	tb_fake_time_advance_ms(2 * LIFETIME_S * 1000);
	assert_ptr_equal(tw_session_find(s, a->id, false), a);
	assert_null(tw_sessions_alloc(*state, 0, IDLE_S, LIFETIME_S));
}

static void test_csrf(void **state)
{
	struct tw_sessions *s = tw_sessions_alloc(*state, 8, IDLE_S, LIFETIME_S);
	struct tw_session *a = tw_session_new(s, "a", TB_ROLE_DISPATCHER);
	struct tw_session *b = tw_session_new(s, "b", TB_ROLE_DISPATCHER);
	char t[TW_SESSION_TOKEN_LEN + 2];

	assert_true(tw_session_csrf_ok(a, a->csrf));
	snprintf(t, sizeof(t), "%s", a->csrf);
	assert_true(tw_session_csrf_ok(a, t));
	assert_false(tw_session_csrf_ok(a, b->csrf));		/* another session's */
	assert_false(tw_session_csrf_ok(a, a->id));		/* the cookie is no token */
	assert_false(tw_session_csrf_ok(a, ""));
	assert_false(tw_session_csrf_ok(a, NULL));
	assert_false(tw_session_csrf_ok(NULL, a->csrf));
	t[TW_SESSION_TOKEN_LEN - 1] ^= 1;			/* the last character */
	assert_false(tw_session_csrf_ok(a, t));
	t[TW_SESSION_TOKEN_LEN - 1] ^= 1;
	t[0] ^= 1;						/* the first */
	assert_false(tw_session_csrf_ok(a, t));
	t[0] ^= 1;
	t[TW_SESSION_TOKEN_LEN - 1] = '\0';			/* one short */
	assert_false(tw_session_csrf_ok(a, t));
	snprintf(t, sizeof(t), "%sA", a->csrf);			/* one more */
	assert_false(tw_session_csrf_ok(a, t));
}

#define ID43 "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_Z"

static void test_cookie_parsing(void **state)
{
	static const struct {
		const char *header;
		const char *id;	/* NULL: none */
	} cases[] = {
		{ "tw_session=" ID43, ID43 },
		{ "a=b; tw_session=" ID43, ID43 },
		{ "tw_session=" ID43 "; a=b", ID43 },
		{ "  a=b ;  tw_session = " ID43 "  ; c", ID43 },
		{ "a=b;tw_session=" ID43 ";c=d", ID43 },
		{ "tw_session=\"" ID43 "\"", ID43 },
		{ "x_tw_session=" ID43, NULL },
		{ "tw_sessionx=" ID43, NULL },
		{ "TW_SESSION=" ID43, NULL },
		{ "a=tw_session=" ID43, NULL },
		{ "tw_session=" ID43 "A", NULL },		/* overlong */
		{ "tw_session=" ID43 ID43 ID43, NULL },
		{ "tw_session=abc", NULL },			/* short */
		{ "tw_session=", NULL },
		{ "tw_session", NULL },
		{ "tw_session=abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123+/Z", NULL },	/* not base64url */
		{ "tw_session=abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123 _Z", NULL },
		{ "tw_session=\"" ID43, NULL },
		/* a malformed one does not hide a good one after it */
		{ "tw_session=bad; tw_session=" ID43, ID43 },
		{ "", NULL },
		{ ";;; ;", NULL },
		{ "a=b", NULL },
	};
	char out[TW_SESSION_TOKEN_LEN + 1];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("%s\n", cases[i].header);
		memset(out, 'x', sizeof(out));
		if (cases[i].id) {
			assert_true(tw_session_cookie_id(cases[i].header, out));
			assert_string_equal(out, cases[i].id);
		} else {
			assert_false(tw_session_cookie_id(cases[i].header, out));
		}
	}
	assert_false(tw_session_cookie_id(NULL, out));
}

/* An id taken from a cookie finds its session. */
static void test_cookie_finds_session(void **state)
{
	struct tw_sessions *s = tw_sessions_alloc(*state, 8, IDLE_S, LIFETIME_S);
	struct tw_session *a = tw_session_new(s, "a", TB_ROLE_DISPATCHER);
	char *header = talloc_asprintf(*state, "lang=nb; tw_session=%s", a->id);
	char out[TW_SESSION_TOKEN_LEN + 1];

	assert_true(tw_session_cookie_id(header, out));
	assert_ptr_equal(tw_session_find(s, out, true), a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_find_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_timeout_and_touch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lifetime, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_ends_the_idlest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_ends_expired_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csrf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cookie_parsing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cookie_finds_session, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
