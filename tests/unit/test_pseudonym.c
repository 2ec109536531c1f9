/* bridge/pseudonym.c: responders' pseudonyms in the report.
 *
 * HMAC-SHA256 against values computed apart (Python's hmac), the key file
 * made once with mode 0600 in a real folder and read back the same, and
 * a key file that is wrong (size, others may read it) refused with a
 * sentence rather than used.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <talloc.h>

#include "bridge/pseudonym.h"
#include "tests/lib/tmpdir.h"

static int files_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void test_known_answers(void **state)
{
	uint8_t key[TB_PSEUDONYM_KEY_LEN];
	char buf[TB_PSEUDONYM_BUF];

	for (unsigned i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	/* hmac.new(bytes(range(32)), b"tetra-bridge responder 1001", sha256).hexdigest()[:6] */
	assert_string_equal(tb_pseudonym(key, 1001, buf), "R-86c715");
	assert_string_equal(tb_pseudonym(key, 16777215, buf), "R-55d5a6");
	assert_string_equal(tb_pseudonym(key, 1, buf), "R-0da41b");
	/* another key, another pseudonym */
	key[0] ^= 1;
	assert_string_not_equal(tb_pseudonym(key, 1001, buf), "R-86c715");
}

static void test_key_made_once_and_kept(void **state)
{
	void *ctx = talloc_new(NULL);
	uint8_t k1[TB_PSEUDONYM_KEY_LEN], k2[TB_PSEUDONYM_KEY_LEN], zero[TB_PSEUDONYM_KEY_LEN] = { 0 };
	char dir[64], path[128], a[TB_PSEUDONYM_BUF], b[TB_PSEUDONYM_BUF];
	char *errmsg = NULL;
	struct stat st;

	assert_non_null(tb_tmpdir_make(dir, sizeof(dir), "tb-pseudonym"));
	snprintf(path, sizeof(path), "%s/" TB_PSEUDONYM_KEY_FILE, dir);
	assert_int_equal(tb_pseudonym_key(dir, k1, ctx, &errmsg), 0);
	assert_null(errmsg);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, TB_PSEUDONYM_KEY_LEN);
	assert_memory_not_equal(k1, zero, sizeof(k1));

	/* read back, not made again: the same pseudonyms in the next report */
	assert_int_equal(tb_pseudonym_key(dir, k2, ctx, &errmsg), 0);
	assert_memory_equal(k1, k2, sizeof(k1));
	assert_string_equal(tb_pseudonym(k1, 1001, a), tb_pseudonym(k2, 1001, b));
	assert_string_not_equal(tb_pseudonym(k1, 1001, a), tb_pseudonym(k1, 1002, b));
	/* nothing but the key is left in the folder (no temporary file) */
	assert_int_equal(files_in(dir), 1);
	assert_int_equal(tb_tmpdir_remove(dir), 0);
	talloc_free(ctx);
}

static void test_wrong_key_files_refused(void **state)
{
	void *ctx = talloc_new(NULL);
	uint8_t key[TB_PSEUDONYM_KEY_LEN], bytes[TB_PSEUDONYM_KEY_LEN + 1] = { 1 };
	char dir[64], path[128];
	char *errmsg = NULL;

	assert_non_null(tb_tmpdir_make(dir, sizeof(dir), "tb-pseudonym"));
	snprintf(path, sizeof(path), "%s/" TB_PSEUDONYM_KEY_FILE, dir);

	assert_non_null(tb_tmpdir_write(dir, TB_PSEUDONYM_KEY_FILE, bytes, sizeof(bytes)));
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(tb_pseudonym_key(dir, key, ctx, &errmsg), -EINVAL);
	assert_non_null(strstr(errmsg, "not a file of 32 bytes"));

	assert_non_null(tb_tmpdir_write(dir, TB_PSEUDONYM_KEY_FILE, bytes, TB_PSEUDONYM_KEY_LEN));
	assert_int_equal(chmod(path, 0644), 0);
	errmsg = NULL;
	assert_int_equal(tb_pseudonym_key(dir, key, ctx, &errmsg), -EPERM);
	assert_non_null(strstr(errmsg, "chmod 600"));

	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(tb_pseudonym_key(dir, key, ctx, &errmsg), 0);
	assert_memory_equal(key, bytes, TB_PSEUDONYM_KEY_LEN);

	/* a state dir that is not there: a sentence naming it */
	errmsg = NULL;
	assert_true(tb_pseudonym_key("/nonexistent-tb-dir", key, ctx, &errmsg) < 0);
	assert_non_null(strstr(errmsg, "/nonexistent-tb-dir"));
	assert_int_equal(tb_tmpdir_remove(dir), 0);
	talloc_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_key_made_once_and_kept),
		cmocka_unit_test(test_wrong_key_files_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
