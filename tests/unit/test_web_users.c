/* web/users.c: tetra-web's users file.
 *
 * A line made by tw_users_line() is read back and verifies with its
 * password only; every kind of wrong line is refused with a sentence that
 * names the file and the line and never repeats the hash; unknown names
 * are answered no. argon2id at the interactive limits costs about 0.1 s
 * and 64 MiB per hash (more under ASan): one line is hashed for the whole
 * program, and only a handful of verifications are run.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <talloc.h>

#include "web/users.h"
#include "tests/lib/tmpdir.h"

#define PASSWORD "correct horse battery"

/* Made once (group setup): "kari dispatcher $argon2id$...\n" and its hash. */
static char *g_line;
static char g_hash[200];
static char g_dir[64];

static int group_setup(void **state)
{
	char *err = NULL;
	const char *h;

	g_line = tw_users_line(NULL, "kari", TB_ROLE_DISPATCHER, PASSWORD, &err);
	if (!g_line)
		return -1;
	h = strchr(g_line, '$');
	if (!h || strlen(h) >= sizeof(g_hash))
		return -1;
	snprintf(g_hash, sizeof(g_hash), "%.*s", (int)strcspn(h, "\n"), h);
	if (!tb_tmpdir_make(g_dir, sizeof(g_dir), "tw-users"))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	talloc_free(g_line);
	return tb_tmpdir_remove(g_dir);
}

/* Write text to the users file "users" (mode 0640) and return its path. */
static const char *write_users(const char *text)
{
	const char *path = tb_tmpdir_write(g_dir, "users", text, strlen(text));

	assert_non_null(path);
	assert_int_equal(chmod(path, 0640), 0);
	return path;
}

static void test_line_form(void **state)
{
	/* "name role $argon2id$v=19$m=65536,t=2,p=1$salt$hash\n" */
	assert_true(!strncmp(g_line, "kari dispatcher $argon2id$v=19$m=65536,t=2,p=1$", 47));
	assert_int_equal(g_line[strlen(g_line) - 1], '\n');
	assert_ptr_equal(strchr(g_line, '\n'), g_line + strlen(g_line) - 1);
	assert_null(strstr(g_line, PASSWORD));
}

static void test_line_refused(void **state)
{
	void *ctx = talloc_new(NULL);
	char *err = NULL;

	/* refused before any hashing: wrong name, role, empty password */
	assert_null(tw_users_line(ctx, "kari nordmann", TB_ROLE_ADMIN, PASSWORD, &err));
	assert_non_null(strstr(err, "user name"));
	err = NULL;
	assert_null(tw_users_line(ctx, "", TB_ROLE_ADMIN, PASSWORD, &err));
	assert_non_null(err);
	err = NULL;
	assert_null(tw_users_line(ctx, "kari@lvs", TB_ROLE_ADMIN, PASSWORD, &err));
	assert_non_null(err);
	err = NULL;
	assert_null(tw_users_line(ctx, "kari", TB_ROLE_NONE, PASSWORD, &err));
	assert_non_null(strstr(err, "role"));
	err = NULL;
	assert_null(tw_users_line(ctx, "kari", (enum tb_role)7, PASSWORD, &err));
	assert_non_null(strstr(err, "role"));
	err = NULL;
	assert_null(tw_users_line(ctx, "kari", TB_ROLE_OBSERVER, "", &err));
	assert_non_null(strstr(err, "empty"));
	talloc_free(ctx);
}

static void test_names(void **state)
{
	char long_name[80];

	assert_true(tw_user_name_valid("kari"));
	assert_true(tw_user_name_valid("Kari.Nordmann-2_b"));
	assert_false(tw_user_name_valid(""));
	assert_false(tw_user_name_valid(NULL));
	assert_false(tw_user_name_valid("kari nordmann"));
	assert_false(tw_user_name_valid("kari@lvs"));
	assert_false(tw_user_name_valid("kåri"));
	memset(long_name, 'a', sizeof(long_name));
	long_name[TW_USER_NAME_MAX] = '\0';
	assert_true(tw_user_name_valid(long_name));
	long_name[TW_USER_NAME_MAX] = 'a';
	long_name[TW_USER_NAME_MAX + 1] = '\0';
	assert_false(tw_user_name_valid(long_name));
}

/* The good file: comments, blank lines, CRLF, a comment after the hash;
 * the made line verifies with its password only, the role is the line's,
 * an unknown name is no. Five hashes in all. */
static void test_read_and_verify(void **state)
{
	void *ctx = talloc_new(NULL);
	char *err = NULL, *text;
	struct tw_users *u;

	text = talloc_asprintf(ctx, "# name role hash\n\n   \n%s"
			       "ola\tadmin\t%s   # the on-call doctor\r\n"
			       "  per observer %s\n", g_line, g_hash, g_hash);
	u = tw_users_read(ctx, ctx, write_users(text), &err);
	assert_non_null(u);
	assert_null(err);
	assert_int_equal(tw_users_count(u), 3);
	{
		enum tb_role role = TB_ROLE_NONE;

		assert_string_equal(tw_users_name(u, 0, &role), "kari");
		assert_int_equal(role, TB_ROLE_DISPATCHER);
		assert_string_equal(tw_users_name(u, 2, &role), "per");
		assert_int_equal(role, TB_ROLE_OBSERVER);
		assert_null(tw_users_name(u, 3, &role));
	}

	assert_int_equal(tw_users_verify(u, "kari", PASSWORD), TB_ROLE_DISPATCHER);
	assert_int_equal(tw_users_verify(u, "kari", PASSWORD "x"), TB_ROLE_NONE);
	/* the same hash under another name: that line's role */
	assert_int_equal(tw_users_verify(u, "ola", PASSWORD), TB_ROLE_ADMIN);
	/* unknown names, also ones that are no name at all: no (the dummy
	 * hash is verified; its password is not this one) */
	assert_int_equal(tw_users_verify(u, "Kari", PASSWORD), TB_ROLE_NONE);
	assert_int_equal(tw_users_verify(u, "", PASSWORD), TB_ROLE_NONE);
	/* refused without a hash: a NULL name with a NULL list */
	talloc_free(ctx);
}

static void test_empty_file(void **state)
{
	void *ctx = talloc_new(NULL);
	char *err = NULL;
	struct tw_users *u = tw_users_read(ctx, ctx, write_users("# nobody yet\n"), &err);

	assert_non_null(u);
	assert_int_equal(tw_users_count(u), 0);
	talloc_free(ctx);
}

struct wrong {
	const char *what;
	const char *text;	/* %s: the good hash */
	unsigned line;
	const char *says;
};

static void test_wrong_lines(void **state)
{
	static const struct wrong cases[] = {
		{ "two fields", "# c\nkari dispatcher\n", 2, "expected '<name> <role> <password hash>'" },
		{ "one field", "kari\n", 1, "expected" },
		{ "a fourth field", "kari admin %s extra\n", 1, "more than" },
		{ "a name with a blank", "\"kari n\" admin %s\n", 1, "more than" },
		{ "a name with @", "kari@lvs admin %s\n", 1, "the name must be" },
		{ "a name too long", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa admin %s\n", 1,
		  "the name must be" },
		{ "an unknown role", "kari boss %s\n", 1, "unknown role 'boss'" },
		{ "role and name swapped", "admin kari %s\n", 1, "unknown role 'kari'" },
		{ "the hash as role", "kari %s admin\n", 1, "the second field must be the role" },
		{ "a bcrypt hash", "kari admin $2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW\n", 1,
		  "not an argon2id password hash" },
		{ "an argon2i hash",
		  "kari admin $argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA\n",
		  1, "not an argon2id" },
		{ "a cut hash", "kari admin $argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ\n", 1, "not an argon2id" },
		{ "a plain password", "kari admin hunter2\n", 1, "not an argon2id" },
		{ "a name twice", "kari admin %s\nola observer %s\n\nkari observer %s\n", 4,
		  "the user 'kari' is already listed on line 1" },
	};
	void *ctx = talloc_new(NULL);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct wrong *c = &cases[i];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"	/* the table's texts */
		char *text = talloc_asprintf(ctx, c->text, g_hash, g_hash, g_hash);
#pragma GCC diagnostic pop
		const char *path = write_users(text);
		char *err = NULL, *where;

		print_message("%s\n", c->what);
		assert_null(tw_users_read(ctx, ctx, path, &err));
		assert_non_null(err);
		where = talloc_asprintf(ctx, "%s line %u: ", path, c->line);
		assert_true(!strncmp(err, where, strlen(where)));
		assert_non_null(strstr(err, c->says));
		/* never the hash, nor a piece of it */
		assert_null(strstr(err, "$argon2"));
		assert_null(strstr(err, g_hash + 40));
	}
	talloc_free(ctx);
}

static void test_long_line(void **state)
{
	void *ctx = talloc_new(NULL);
	size_t len = strlen(g_line) - 1;	/* without its "\n" */
	char *err = NULL, *text;

	/* the line padded with blanks and a comment to 510 bytes: a line */
	text = talloc_asprintf(ctx, "%.*s%*s#\r\n", (int)len, g_line, (int)(510 - len - 1), "");
	assert_int_equal(strlen(text), 512);
	assert_non_null(tw_users_read(ctx, ctx, write_users(text), &err));
	/* one byte more is not */
	text = talloc_asprintf(ctx, "# c\n%.*s%*s##\n", (int)len, g_line, (int)(510 - len - 1), "");
	assert_null(tw_users_read(ctx, ctx, write_users(text), &err));
	assert_non_null(strstr(err, "line 2: longer than 510 bytes"));
	talloc_free(ctx);
}

static void test_too_many_users(void **state)
{
	void *ctx = talloc_new(NULL);
	size_t line_len = strlen(g_hash) + 32, cap = 10001 * line_len, len = 0;
	char *err = NULL, *text = talloc_size(ctx, cap);
	struct tw_users *u;

	for (unsigned i = 0; i < 10000; i++)
		len += (size_t)snprintf(text + len, cap - len, "u%u observer %s\n", i, g_hash);
	u = tw_users_read(ctx, ctx, write_users(text), &err);
	assert_non_null(u);
	assert_int_equal(tw_users_count(u), 10000);
	snprintf(text + len, cap - len, "one-more observer %s\n", g_hash);
	assert_null(tw_users_read(ctx, ctx, write_users(text), &err));
	assert_non_null(strstr(err, "line 10001: more than 10000 users"));
	talloc_free(ctx);
}

static void test_file_refused(void **state)
{
	void *ctx = talloc_new(NULL);
	char *err = NULL, path[128];
	const char *p;

	snprintf(path, sizeof(path), "%s/missing", g_dir);
	assert_null(tw_users_read(ctx, ctx, path, &err));
	assert_non_null(strstr(err, "cannot read users file"));
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "No such file"));

	/* a folder is no users file */
	err = NULL;
	assert_null(tw_users_read(ctx, ctx, g_dir, &err));
	assert_non_null(strstr(err, "not a users file"));

	/* others may write it: anyone could add an admin */
	p = write_users(g_line);
	assert_int_equal(chmod(p, 0660), 0);
	err = NULL;
	assert_null(tw_users_read(ctx, ctx, p, &err));
	assert_non_null(strstr(err, "may be changed by other users (mode 0660)"));
	assert_non_null(strstr(err, "chmod go-w"));
	assert_int_equal(chmod(p, 0602), 0);
	assert_null(tw_users_read(ctx, ctx, p, &err));
	assert_int_equal(chmod(p, 0644), 0);
	err = NULL;
	assert_non_null(tw_users_read(ctx, ctx, p, &err));
	assert_null(err);
	talloc_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_form),
		cmocka_unit_test(test_line_refused),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_read_and_verify),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_wrong_lines),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_too_many_users),
		cmocka_unit_test(test_file_refused),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
