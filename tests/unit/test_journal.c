/* tb_journal on real SQLite files in a temporary directory: append and read
 * back, reopen, bounds, retention by age and size, permissions, files that
 * are not journals, kill -9 safety (a forked child), a real disk-full
 * failure (PRAGMA max_page_count) with the backlog in memory, and a second
 * connection reading while the journal writes (WAL). No sleeps, no timing
 * assertions (the append cost is printed, not checked).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <talloc.h>

#include "common/counters.h"
#include "bridge/journal.h"
#include "common/logging.h"
#include "tests/lib/log_capture.h"
#include "tests/lib/loop.h"
#include "tests/lib/tmpdir.h"

/* Put in every body: it must never show up in a log line. */
#define SECRET		"Pasient Kari Nordmann, Storgata 1"
#define T0_US		1700000000000000ULL	/* some time in 2023 */
#define S_US		1000000ULL

struct fixture {
	void *ctx;
	char dir[256];
	char state_dir[300];
	char db_path[400];
	struct tb_journal_cfg cfg;
	struct tb_journal *j;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->ctx = talloc_named_const(NULL, 0, "test_journal");
	assert_non_null(tb_tmpdir_make(f->dir, sizeof(f->dir), "tb-journal"));
	snprintf(f->state_dir, sizeof(f->state_dir), "%s/var", f->dir);
	snprintf(f->db_path, sizeof(f->db_path), "%s/" TB_JOURNAL_FILE, f->state_dir);
	f->cfg.state_dir = f->state_dir;
	tb_log_capture_clear();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tb_journal_destroy(&f->j);
	assert_null(f->j);
	assert_int_equal(talloc_total_blocks(f->ctx), 1);	/* nothing leaked */
	talloc_free(f->ctx);
	tb_tmpdir_remove(f->dir);
	/* Health data: no body ever reached a log line. */
	assert_int_equal(tb_log_capture_watched(), 0);
	free(f);
	return 0;
}

/* ---------------------------------------------------------------------- */

static size_t make_body(uint64_t seq, uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(seq * 31 + i * 7);
	if (len >= sizeof(SECRET))
		memcpy(buf, SECRET, sizeof(SECRET) - 1);
	return len;
}

static size_t body_len_for(uint64_t seq)
{
	return (size_t)(seq * 37 % 301);	/* 0 .. 300 bytes, some empty */
}

static void jopen(struct fixture *f)
{
	char *err = NULL;

	f->j = tb_journal_open(f->ctx, &f->cfg, &err);
	if (!f->j)
		fail_msg("open: %s", err);
	assert_null(err);
}

static int append_n(struct fixture *f, uint64_t first, uint64_t n, size_t len)
{
	uint8_t buf[8192];
	int rc = 0;

	assert_true(len == SIZE_MAX || len <= sizeof(buf));
	for (uint64_t s = first; s < first + n; s++) {
		size_t l = len == SIZE_MAX ? body_len_for(s) : len;

		make_body(s, buf, l);
		rc = tb_journal_append(f->j, s, T0_US + s * S_US, "status", "lvs-1", buf, l);
		if (rc)
			return rc;
	}
	return rc;
}

/* Collects what tb_journal_read gives and checks every body. */
struct collected {
	uint64_t seqs[40000];
	unsigned n;
	size_t bytes;
	size_t len;		/* expected body length; SIZE_MAX: body_len_for(seq) */
	unsigned stop_after;	/* 0: never stop */
};

static int collect(uint64_t seq, const uint8_t *body, size_t len, void *data)
{
	struct collected *c = data;
	uint8_t want[8192];
	size_t wl = c->len == SIZE_MAX ? body_len_for(seq) : c->len;

	assert_int_equal(len, wl);
	make_body(seq, want, wl);
	if (wl)
		assert_memory_equal(body, want, wl);
	assert_true(c->n < sizeof(c->seqs) / sizeof(c->seqs[0]));
	c->seqs[c->n++] = seq;
	c->bytes += len;
	return c->stop_after && c->n >= c->stop_after;
}

static void assert_run(const struct collected *c, uint64_t first, unsigned n)
{
	assert_int_equal(c->n, n);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(c->seqs[i], first + i);
}

static int64_t db_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* ---------------------------------------------------------------------- */

static void test_append_read_back(void **state)
{
	struct fixture *f = *state;
	static struct collected c;

	jopen(f);
	assert_int_equal(tb_journal_last_seq(f->j), 0);
	assert_int_equal(tb_journal_first_seq(f->j), 0);
	assert_string_equal(tb_journal_path(f->j), f->db_path);
	assert_non_null(tb_journal_db(f->j));

	assert_int_equal(append_n(f, 1, 200, SIZE_MAX), 0);
	assert_int_equal(tb_journal_last_seq(f->j), 200);
	assert_int_equal(tb_journal_first_seq(f->j), 1);
	assert_int_equal(tb_ctr_get(tb_journal_ctrs(f->j), TB_JOURNAL_CTR_WRITES), 200);
	assert_int_equal(tb_stat_get(tb_journal_stat_items(f->j), TB_JOURNAL_STAT_BACKLOG), 0);

	memset(&c, 0, sizeof(c));
	c.len = SIZE_MAX;
	assert_int_equal(tb_journal_read(f->j, 0, 1000, SIZE_MAX, collect, &c), 200);
	assert_run(&c, 1, 200);

	/* kind and radio are stored as columns next to the body. */
	assert_int_equal(db_int(tb_journal_db(f->j), "SELECT count(*) FROM events WHERE kind = 'status' AND "
				"radio = 'lvs-1' AND time_us > 0"), 200);
	assert_int_equal(tb_journal_append(f->j, 201, T0_US, NULL, NULL, NULL, 0), 0);
	assert_int_equal(tb_journal_append(f->j, 202, T0_US, "x", "y", NULL, 3), -EINVAL);
}

static void test_reopen_continues(void **state)
{
	struct fixture *f = *state;
	static struct collected c;

	jopen(f);
	assert_int_equal(append_n(f, 1, 10, SIZE_MAX), 0);
	tb_journal_destroy(&f->j);
	assert_null(f->j);

	jopen(f);
	assert_int_equal(tb_journal_last_seq(f->j), 10);
	assert_int_equal(tb_journal_first_seq(f->j), 1);
	assert_int_equal(append_n(f, 10, 1, SIZE_MAX), -EINVAL);
	assert_int_equal(append_n(f, 11, 5, SIZE_MAX), 0);
	tb_journal_destroy(&f->j);

	jopen(f);
	assert_int_equal(tb_journal_last_seq(f->j), 15);
	memset(&c, 0, sizeof(c));
	c.len = SIZE_MAX;
	assert_int_equal(tb_journal_read(f->j, 1, 100, SIZE_MAX, collect, &c), 15);
	assert_run(&c, 1, 15);
}

static void test_read_bounds(void **state)
{
	struct fixture *f = *state;
	static struct collected c;

	jopen(f);
	assert_int_equal(append_n(f, 1, 50, 100), 0);

#define READ(from, max_ev, max_b) \
	(memset(&c, 0, sizeof(c)), c.len = 100, tb_journal_read(f->j, from, max_ev, max_b, collect, &c))

	/* by count */
	assert_int_equal(READ(0, 7, SIZE_MAX), 7);
	assert_run(&c, 1, 7);
	/* by bytes: 3 bodies of 100 fit in 350, the 4th would not */
	assert_int_equal(READ(1, 100, 350), 3);
	assert_run(&c, 1, 3);
	assert_int_equal(READ(1, 100, 300), 3);
	/* one event even when it alone is bigger */
	assert_int_equal(READ(1, 100, 10), 1);
	assert_run(&c, 1, 1);
	assert_int_equal(READ(1, 100, 0), 1);
	/* from the middle, to the end */
	assert_int_equal(READ(20, 1000, SIZE_MAX), 31);
	assert_run(&c, 20, 31);
	assert_int_equal(READ(50, 1000, SIZE_MAX), 1);
	assert_run(&c, 50, 1);
	/* past the end */
	assert_int_equal(READ(51, 1000, SIZE_MAX), 0);
	assert_int_equal(READ(UINT64_MAX, 1000, SIZE_MAX), 0);
	/* no events asked for */
	assert_int_equal(READ(1, 0, SIZE_MAX), 0);
	/* the callback stops it: the event it stopped on was given */
	memset(&c, 0, sizeof(c));
	c.len = 100;
	c.stop_after = 4;
	assert_int_equal(tb_journal_read(f->j, 10, 1000, SIZE_MAX, collect, &c), 4);
	assert_run(&c, 10, 4);
#undef READ
	assert_int_equal(tb_journal_read(f->j, 0, 10, 10, NULL, NULL), -EINVAL);
}

/* A callback that reads the journal again (a nested replay) and appends. */
struct nested {
	struct fixture *f;
	unsigned outer, inner;
};

static int inner_cb(uint64_t seq, const uint8_t *body, size_t len, void *data)
{
	((struct nested *)data)->inner++;
	return 0;
}

static int outer_cb(uint64_t seq, const uint8_t *body, size_t len, void *data)
{
	struct nested *n = data;

	n->outer++;
	assert_int_equal(tb_journal_read(n->f->j, 0, 1000, SIZE_MAX, inner_cb, n), (int)(5 + n->outer - 1));
	assert_int_equal(append_n(n->f, 5 + n->outer, 1, 10), 0);
	return 0;
}

static void test_read_reentrant(void **state)
{
	struct fixture *f = *state;
	struct nested n = { .f = f };

	jopen(f);
	assert_int_equal(append_n(f, 1, 5, 10), 0);
	assert_int_equal(tb_journal_read(f->j, 1, 3, SIZE_MAX, outer_cb, &n), 3);
	assert_int_equal(n.outer, 3);
	assert_int_equal(tb_journal_last_seq(f->j), 8);
}

static void test_seq_not_increasing(void **state)
{
	struct fixture *f = *state;
	uint8_t b[4] = { 1, 2, 3, 4 };

	jopen(f);
	assert_int_equal(tb_journal_append(f->j, 0, T0_US, "status", "lvs-1", b, 4), -EINVAL);
	assert_int_equal(tb_journal_append(f->j, 5, T0_US, "status", "lvs-1", b, 4), 0);
	assert_int_equal(tb_journal_append(f->j, 5, T0_US, "status", "lvs-1", b, 4), -EINVAL);
	assert_int_equal(tb_journal_append(f->j, 4, T0_US, "status", "lvs-1", b, 4), -EINVAL);
	assert_int_equal(tb_journal_append(f->j, (uint64_t)INT64_MAX + 1, T0_US, "status", "lvs-1", b, 4), -EINVAL);
	/* gaps are allowed: seq only has to grow */
	assert_int_equal(tb_journal_append(f->j, 9, T0_US, "status", "lvs-1", b, 4), 0);
	assert_int_equal(tb_journal_last_seq(f->j), 9);
	assert_int_equal(tb_ctr_get(tb_journal_ctrs(f->j), TB_JOURNAL_CTR_WRITES), 2);
}

static void test_retention_age(void **state)
{
	struct fixture *f = *state;
	static struct collected c;

	f->cfg.max_age_s = 10;
	jopen(f);
	/* seq s has time T0 + s seconds */
	assert_int_equal(append_n(f, 1, 100, 20), 0);
	/* A clock that jumped: one event far in the future in the middle
	 * must not keep the older ones after it. */
	assert_int_equal(sqlite3_exec(tb_journal_db(f->j), "UPDATE events SET time_us = time_us + 3600000000000 "
				      "WHERE seq = 30", NULL, NULL, NULL), SQLITE_OK);

	/* now = T0 + 100 s: keep time >= T0 + 90 s, i.e. seq 90..100 and 30 */
	assert_int_equal(tb_journal_prune(f->j, T0_US + 100 * S_US), 88);
	assert_int_equal(tb_journal_first_seq(f->j), 30);
	assert_int_equal(tb_ctr_get(tb_journal_ctrs(f->j), TB_JOURNAL_CTR_PRUNED), 88);
	memset(&c, 0, sizeof(c));
	c.len = 20;
	assert_int_equal(tb_journal_read(f->j, 31, 1000, SIZE_MAX, collect, &c), 11);
	assert_run(&c, 90, 11);
	assert_int_equal(tb_journal_prune(f->j, T0_US + 100 * S_US), 0);

	/* Years later: everything is old, the newest stays. */
	assert_int_equal(tb_journal_prune(f->j, T0_US + 1000ULL * 24 * 3600 * S_US), 11);
	assert_int_equal(tb_journal_first_seq(f->j), 100);
	assert_int_equal(tb_journal_last_seq(f->j), 100);
	tb_journal_destroy(&f->j);

	/* ...so the seq continues after a restart. */
	jopen(f);
	assert_int_equal(tb_journal_last_seq(f->j), 100);
	assert_int_equal(append_n(f, 101, 1, 20), 0);
}

static void test_retention_bounded(void **state)
{
	struct fixture *f = *state;

	f->cfg.max_age_s = 1;
	jopen(f);
	assert_int_equal(append_n(f, 1, 25000, 8), 0);
	/* Bounded work per call (it runs in the event loop). */
	assert_int_equal(tb_journal_prune(f->j, T0_US + 1000000 * S_US), 10000);
	assert_int_equal(tb_journal_prune(f->j, T0_US + 1000000 * S_US), 10000);
	assert_int_equal(tb_journal_prune(f->j, T0_US + 1000000 * S_US), 4999);
	assert_int_equal(tb_journal_prune(f->j, T0_US + 1000000 * S_US), 0);
	assert_int_equal(tb_journal_first_seq(f->j), 25000);
	/* Nothing is old yet: now before every event. */
	assert_int_equal(tb_journal_prune(f->j, 5), 0);
}

static void test_retention_size(void **state)
{
	struct fixture *f = *state;
	const uint64_t limit = 256 * 1024;
	struct stat st_before, st_after;
	sqlite3 *db;
	int64_t used, total = 0;
	int n, calls = 0;

	f->cfg.max_bytes = limit;
	jopen(f);
	db = tb_journal_db(f->j);
	assert_int_equal(append_n(f, 1, 4000, 1000), 0);	/* about 4 MB */
	assert_int_equal(sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL), SQLITE_OK);
	assert_int_equal(stat(f->db_path, &st_before), 0);
	assert_true(st_before.st_size > 4000 * 1000);

	while ((n = tb_journal_prune(f->j, T0_US)) > 0) {
		total += n;
		assert_true(++calls < 100);
	}
	assert_int_equal(n, 0);
	assert_true(total > 3000);
	assert_int_equal(tb_ctr_get(tb_journal_ctrs(f->j), TB_JOURNAL_CTR_PRUNED), total);
	used = (db_int(db, "PRAGMA page_count") - db_int(db, "PRAGMA freelist_count")) * db_int(db, "PRAGMA page_size");
	print_message("size retention: %" PRId64 " events left\n", db_int(db, "SELECT count(*) FROM events"));
	assert_true(used <= (int64_t)limit);
	/* ...and not much less: the oldest were deleted, not everything. */
	assert_true(db_int(db, "SELECT count(*) FROM events") > 150);
	assert_int_equal(tb_journal_last_seq(f->j), 4000);
	assert_int_equal(db_int(db, "SELECT max(seq) FROM events"), 4000);
	print_message("size retention: %" PRId64 " events deleted in %d calls, %lld -> %" PRId64 " bytes in use\n",
		      total, calls, (long long)st_before.st_size, used);
	tb_journal_destroy(&f->j);

	/* The file itself shrank (auto_vacuum=INCREMENTAL), not just its use. */
	assert_int_equal(stat(f->db_path, &st_after), 0);
	assert_true(st_after.st_size <= (off_t)limit + 64 * 1024);

	/* A limit below what must stay: only the newest is left, no loop. */
	f->cfg.max_bytes = 1;
	jopen(f);
	while ((n = tb_journal_prune(f->j, T0_US)) > 0)
		assert_true(++calls < 200);
	assert_int_equal(n, 0);
	assert_int_equal(tb_journal_first_seq(f->j), 4000);
}

static void test_permissions(void **state)
{
	struct fixture *f = *state;
	char dir[400], nested[400], wal[450];
	struct stat st;
	mode_t old = umask(0);	/* the modes must not depend on it */

	snprintf(dir, sizeof(dir), "%s/a/b//var/", f->dir);
	f->cfg.state_dir = dir;
	jopen(f);
	umask(old);
	assert_int_equal(append_n(f, 1, 3, 10), 0);

	snprintf(nested, sizeof(nested), "%s/a/b/var", f->dir);
	assert_int_equal(stat(nested, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	snprintf(nested, sizeof(nested), "%s/a", f->dir);
	assert_int_equal(stat(nested, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	snprintf(nested, sizeof(nested), "%s/a/b/var/" TB_JOURNAL_FILE, f->dir);
	assert_int_equal(stat(nested, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	snprintf(wal, sizeof(wal), "%s-wal", nested);
	assert_int_equal(stat(wal, &st), 0);	/* WAL mode */
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(db_int(tb_journal_db(f->j), "PRAGMA auto_vacuum"), 2);	/* incremental */
	assert_int_equal(db_int(tb_journal_db(f->j), "PRAGMA synchronous"), 1);	/* NORMAL */
	tb_journal_destroy(&f->j);

	/* `journal sync full` */
	f->cfg.sync_full = true;
	jopen(f);
	assert_int_equal(db_int(tb_journal_db(f->j), "PRAGMA synchronous"), 2);	/* FULL */
}

static void expect_open_error(struct fixture *f, const char *part)
{
	char *err = NULL;

	f->j = tb_journal_open(f->ctx, &f->cfg, &err);
	assert_null(f->j);
	assert_non_null(err);
	print_message("error as given: %s\n", err);
	if (!strstr(err, part))
		fail_msg("\"%s\" does not say \"%s\"", err, part);
	talloc_free(err);
	/* and NULL errmsg is allowed */
	assert_null(tb_journal_open(f->ctx, &f->cfg, NULL));
}

static void write_file(const char *path, const char *text, size_t times)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	for (size_t i = 0; i < times; i++)
		fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static void test_not_a_database(void **state)
{
	struct fixture *f = *state;
	struct stat st;

	assert_int_equal(mkdir(f->state_dir, 0700), 0);
	write_file(f->db_path, "these are not the droids you are looking for\n", 100);
	expect_open_error(f, "is not a usable SQLite database");
	expect_open_error(f, f->db_path);
	/* left as it was */
	assert_int_equal(stat(f->db_path, &st), 0);
	assert_int_equal(st.st_size, 4500);

	/* a directory where the file should be */
	assert_int_equal(unlink(f->db_path), 0);
	assert_int_equal(mkdir(f->db_path, 0700), 0);
	expect_open_error(f, "is not a tetra-bridge journal");
}

static void corrupt(const char *path, off_t at, size_t len)
{
	char junk[8192];
	int fd = open(path, O_WRONLY);

	assert_true(fd >= 0);
	assert_true(len <= sizeof(junk));
	memset(junk, 0xa5, len);
	assert_int_equal(pwrite(fd, junk, len, at), (ssize_t)len);
	close(fd);
}

static int count_cb(uint64_t seq, const uint8_t *body, size_t len, void *data)
{
	(*(unsigned *)data)++;
	return 0;
}

/* A database damaged inside: clear errors, never a crash (ASan watches). */
static void test_corrupt_database(void **state)
{
	struct fixture *f = *state;
	unsigned n = 0;
	int rc;

	jopen(f);
	assert_int_equal(append_n(f, 1, 500, 2000), 0);
	tb_journal_destroy(&f->j);	/* checkpoints: everything is in the file */

	/* The pages in the middle (events): open may work, reading fails
	 * with -EIO or gives what it can. */
	corrupt(f->db_path, 40 * 4096, 8192);
	f->j = tb_journal_open(f->ctx, &f->cfg, NULL);
	if (f->j) {
		rc = tb_journal_read(f->j, 0, 1000, SIZE_MAX, count_cb, &n);
		assert_true(rc == -EIO || (rc >= 0 && rc <= 500));
		rc = tb_journal_prune(f->j, T0_US);
		assert_true(rc == -EIO || rc == 0);
		rc = append_n(f, 501, 10, 2000);
		assert_true(rc == 0 || rc == 1);
		tb_journal_destroy(&f->j);
	}

	/* The schema page: open refuses, naming the file. */
	corrupt(f->db_path, 100, 3000);
	expect_open_error(f, f->db_path);
}

static void make_db(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void test_foreign_database(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(mkdir(f->state_dir, 0700), 0);
	make_db(f->db_path, "CREATE TABLE patients(name TEXT); INSERT INTO patients VALUES ('x')");
	expect_open_error(f, "is not a tetra-bridge journal");
	/* untouched: still only its own table, not even made WAL */
	make_db(f->db_path, "SELECT * FROM patients");
	{
		sqlite3 *db;

		assert_int_equal(sqlite3_open(f->db_path, &db), SQLITE_OK);
		assert_int_equal(db_int(db, "SELECT count(*) FROM sqlite_master"), 1);
		assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode", NULL, NULL, NULL), SQLITE_OK);
		{
			sqlite3_stmt *st;

			assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
			assert_int_equal(sqlite3_step(st), SQLITE_ROW);
			assert_string_equal((const char *)sqlite3_column_text(st, 0), "delete");
			sqlite3_finalize(st);
		}
		sqlite3_close(db);
	}
	unlink(f->db_path);

	make_db(f->db_path, "CREATE TABLE meta(key TEXT PRIMARY KEY, value); "
		"INSERT INTO meta VALUES ('schema_version', 2); CREATE TABLE events(seq INTEGER PRIMARY KEY)");
	expect_open_error(f, "schema version 2");
	unlink(f->db_path);

	make_db(f->db_path, "CREATE TABLE meta(key TEXT PRIMARY KEY, value)");
	expect_open_error(f, "is not a tetra-bridge journal");
}

static void test_bad_state_dir(void **state)
{
	struct fixture *f = *state;
	char path[400];

	snprintf(path, sizeof(path), "%s/file", f->dir);
	write_file(path, "x", 1);
	snprintf(path, sizeof(path), "%s/file/var", f->dir);
	f->cfg.state_dir = path;
	expect_open_error(f, "cannot create state directory");

	f->cfg.state_dir = "";
	expect_open_error(f, "state directory");
	assert_null(tb_journal_open(f->ctx, NULL, NULL));
}

static void test_kill_safety(void **state)
{
	struct fixture *f = *state;
	static struct collected c;
	const unsigned n = 300;
	pid_t pid;
	int status;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* The child writes and dies without closing anything. */
		struct tb_journal *j = tb_journal_open(f->ctx, &f->cfg, NULL);
		uint8_t buf[300];

		if (!j)
			_exit(2);
		for (uint64_t s = 1; s <= n; s++) {
			size_t l = make_body(s, buf, body_len_for(s));
			if (tb_journal_append(j, s, T0_US + s, "text", "lvs-2", buf, l) != 0)
				_exit(3);
		}
		raise(SIGKILL);
		_exit(4);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);

	jopen(f);
	assert_int_equal(tb_journal_last_seq(f->j), n);
	memset(&c, 0, sizeof(c));
	c.len = SIZE_MAX;
	assert_int_equal(tb_journal_read(f->j, 0, 1000, SIZE_MAX, collect, &c), (int)n);
	assert_run(&c, 1, n);
}

static void test_disk_full_backlog(void **state)
{
	struct fixture *f = *state;
	static struct collected c;
	const struct rate_ctr_group *jc;
	const struct osmo_stat_item_group *js;
	sqlite3 *db;
	char sql[64];
	uint64_t s, first_waiting = 0;
	int rc;

	jopen(f);
	db = tb_journal_db(f->j);
	jc = tb_journal_ctrs(f->j);
	js = tb_journal_stat_items(f->j);
	assert_int_equal(append_n(f, 1, 3, 3000), 0);

	/* A real write failure: the database may not grow any more. */
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %" PRId64, db_int(db, "PRAGMA page_count"));
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	tb_log_capture_clear();
	for (s = 4; s < 100; s++) {
		rc = append_n(f, s, 1, 3000);
		assert_true(rc == 0 || rc == 1);
		if (rc == 1) {
			first_waiting = s;
			break;
		}
	}
	assert_true(first_waiting > 0);
	/* Later ones wait behind it, in order. */
	for (s = first_waiting + 1; s < first_waiting + 20; s++)
		assert_int_equal(append_n(f, s, 1, 3000), 1);
	assert_int_equal(tb_stat_get(js, TB_JOURNAL_STAT_BACKLOG), 20);
	assert_int_equal(tb_ctr_get(jc, TB_JOURNAL_CTR_WRITE_ERRORS), 20);
	assert_int_equal(tb_ctr_get(jc, TB_JOURNAL_CTR_LOST), 0);
	assert_int_equal(tb_journal_last_seq(f->j), first_waiting + 19);
	assert_int_equal(tb_journal_flush(f->j), 20);
	assert_int_equal(append_n(f, first_waiting + 19, 1, 3000), -EINVAL);
	/* One ERROR for the whole outage, with the seq and SQLite's reason. */
	assert_int_equal(tb_log_capture_lines(LOGL_ERROR), 1);
	assert_int_equal(tb_log_capture_count("cannot write event seq"), 1);
	{
		char want[128];

		snprintf(want, sizeof(want), "seq %" PRIu64 ": database or disk is full; events wait in memory (backlog)",
			 first_waiting);
		assert_int_equal(tb_log_capture_count(want), 1);
	}
	assert_int_equal(tb_log_capture_count("events wait in memory"), 1);

	/* Read gives the stored events, then the waiting ones. */
	memset(&c, 0, sizeof(c));
	c.len = 3000;
	assert_int_equal(tb_journal_read(f->j, 0, 1000, SIZE_MAX, collect, &c), (int)first_waiting + 19);
	assert_run(&c, 1, first_waiting + 19);
	memset(&c, 0, sizeof(c));
	c.len = 3000;
	assert_int_equal(tb_journal_read(f->j, first_waiting + 5, 3, SIZE_MAX, collect, &c), 3);
	assert_run(&c, first_waiting + 5, 3);
	memset(&c, 0, sizeof(c));
	c.len = 3000;
	assert_int_equal(tb_journal_read(f->j, first_waiting - 1, 1000, 6000, collect, &c), 2);
	assert_run(&c, first_waiting - 1, 2);
	assert_int_equal(tb_journal_first_seq(f->j), 1);

	/* Room again: the next append writes everything, in order. */
	assert_int_equal(sqlite3_exec(db, "PRAGMA max_page_count = 1000000", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(append_n(f, first_waiting + 20, 1, 3000), 0);
	assert_int_equal(tb_stat_get(js, TB_JOURNAL_STAT_BACKLOG), 0);
	assert_int_equal(tb_ctr_get(jc, TB_JOURNAL_CTR_WRITES), first_waiting + 20);
	assert_int_equal(tb_log_capture_lines(LOGL_ERROR), 1);
	assert_int_equal(tb_log_capture_count("writing again, 20 events from memory stored"), 1);
	assert_int_equal(db_int(db, "SELECT count(*) FROM events"), first_waiting + 20);
	tb_journal_destroy(&f->j);

	jopen(f);
	memset(&c, 0, sizeof(c));
	c.len = 3000;
	assert_int_equal(tb_journal_read(f->j, 0, 1000, SIZE_MAX, collect, &c), (int)first_waiting + 20);
	assert_run(&c, 1, first_waiting + 20);
}

/* Closing writes what waits in memory when it can. */
static void test_close_flushes_backlog(void **state)
{
	struct fixture *f = *state;
	static struct collected c;
	sqlite3 *db;
	char sql[64];

	jopen(f);
	db = tb_journal_db(f->j);
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %" PRId64, db_int(db, "PRAGMA page_count"));
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(append_n(f, 1, 1, 5000), 1);	/* needs an overflow page */
	assert_int_equal(append_n(f, 2, 1, 5000), 1);
	assert_int_equal(tb_journal_first_seq(f->j), 1);	/* waiting in memory */
	assert_int_equal(tb_journal_flush(f->j), 2);
	assert_int_equal(sqlite3_exec(db, "PRAGMA max_page_count = 1000000", NULL, NULL, NULL), SQLITE_OK);
	tb_journal_destroy(&f->j);

	jopen(f);
	memset(&c, 0, sizeof(c));
	c.len = 5000;
	assert_int_equal(tb_journal_read(f->j, 0, 1000, SIZE_MAX, collect, &c), 2);
	assert_run(&c, 1, 2);
	tb_journal_destroy(&f->j);

	/* Closing while the disk still fails: said once, nothing crashes. */
	jopen(f);
	db = tb_journal_db(f->j);
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %" PRId64, db_int(db, "PRAGMA page_count"));
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	tb_log_capture_clear();
	assert_int_equal(append_n(f, 3, 1, 5000), 1);
	assert_int_equal(append_n(f, 4, 1, 5000), 1);
	tb_journal_destroy(&f->j);
	assert_int_equal(tb_log_capture_count("closing with 2 events not written (seq 3 to 4)"), 1);
}

/* SQLITE_BUSY, another real write failure: the journal is opened shared
 * and a second connection, returned for unlock_journal(), holds its write
 * lock. The journal's busy timeout is 0 so that no append waits. */
static sqlite3 *open_locked(struct fixture *f)
{
	sqlite3 *other;

	f->cfg.shared_lock = true;	/* a second connection is to take the lock */
	jopen(f);
	sqlite3_busy_timeout(tb_journal_db(f->j), 0);
	assert_int_equal(sqlite3_open(f->db_path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	return other;
}

/* The second connection lets go; the journal's busy timeout is its own
 * (100 ms) again. */
static void unlock_journal(struct fixture *f, sqlite3 *other)
{
	assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(other), SQLITE_OK);
	sqlite3_busy_timeout(tb_journal_db(f->j), 100);
}

/* The backlog has a limit; past it events are lost to the journal. */
static void test_backlog_full(void **state)
{
	struct fixture *f = *state;
	const struct rate_ctr_group *jc;
	const struct osmo_stat_item_group *js;
	sqlite3 *db;
	uint8_t b[1] = { 0 };
	uint64_t s;
	int64_t t;

	{
		sqlite3 *other = open_locked(f);

		db = tb_journal_db(f->j);
		jc = tb_journal_ctrs(f->j);
		js = tb_journal_stat_items(f->j);
		tb_log_capture_clear();
		t = tb_now_us();
		for (s = 1; s <= TB_JOURNAL_BACKLOG_MAX; s++)
			assert_int_equal(tb_journal_append(f->j, s, T0_US, "status", "lvs-1", b, 1), 1);
		print_message("backlog: %.2f us per append while the database is locked\n",
			      (double)(tb_now_us() - t) / TB_JOURNAL_BACKLOG_MAX);
		assert_int_equal(tb_journal_append(f->j, s, T0_US, "status", "lvs-1", b, 1), -ENOSPC);
		assert_int_equal(tb_journal_append(f->j, s + 1, T0_US, "status", "lvs-1", b, 1), -ENOSPC);
		assert_int_equal(tb_ctr_get(jc, TB_JOURNAL_CTR_LOST), 2);
		assert_int_equal(tb_stat_get(js, TB_JOURNAL_STAT_BACKLOG), TB_JOURNAL_BACKLOG_MAX);
		assert_int_equal(tb_journal_last_seq(f->j), TB_JOURNAL_BACKLOG_MAX);
		assert_int_equal(tb_log_capture_count("no room for more"), 1);
		assert_int_equal(tb_log_capture_lines(LOGL_ERROR), 2);	/* the failure, the loss */
		unlock_journal(f, other);
	}
	/* A lost seq is not used again. */
	assert_int_equal(tb_journal_append(f->j, s + 1, T0_US, "status", "lvs-1", b, 1), -EINVAL);
	t = tb_now_us();
	assert_int_equal(tb_journal_flush(f->j), 0);
	print_message("backlog: %u events written in %.3f s\n", TB_JOURNAL_BACKLOG_MAX, (tb_now_us() - t) / 1e6);
	assert_int_equal(db_int(db, "SELECT count(*) FROM events"), TB_JOURNAL_BACKLOG_MAX);
	assert_int_equal(tb_journal_append(f->j, s + 2, T0_US, "status", "lvs-1", b, 1), 0);
}

/* The backlog is bounded in bytes too: big events stop far below the
 * count limit, and the memory they took goes back as they are written. */
static void test_backlog_bytes(void **state)
{
	struct fixture *f = *state;
	const struct rate_ctr_group *jc;
	const struct osmo_stat_item_group *js;
	static uint8_t big[60000];
	sqlite3 *other = open_locked(f);
	uint64_t s, kib;
	int rc;

	jc = tb_journal_ctrs(f->j);
	js = tb_journal_stat_items(f->j);
	for (s = 1; (rc = tb_journal_append(f->j, s, T0_US, "text", "lvs-1", big, sizeof(big))) == 1; s++)
		assert_true(s < 2000);
	assert_int_equal(rc, -ENOSPC);
	/* KiB in the stat item */
	kib = tb_stat_get(js, TB_JOURNAL_STAT_BACKLOG_KIB);
	assert_true(kib <= TB_JOURNAL_BACKLOG_MAX_BYTES / 1024);
	assert_true(kib + 1 > (TB_JOURNAL_BACKLOG_MAX_BYTES - sizeof(big) - 4096) / 1024);
	assert_int_equal(tb_stat_get(js, TB_JOURNAL_STAT_BACKLOG), s - 1);
	assert_int_equal(tb_ctr_get(jc, TB_JOURNAL_CTR_LOST), 1);
	unlock_journal(f, other);
	assert_int_equal(tb_journal_flush(f->j), 0);
	assert_int_equal(tb_stat_get(js, TB_JOURNAL_STAT_BACKLOG_KIB), 0);
}

/* Lost ranges as a test sees them. */
struct lost_seen {
	unsigned n;
	uint64_t first[8], last[8];
	char reason[8][200];
};

static void lost_seen_cb(const struct tb_journal_lost *l, void *data)
{
	struct lost_seen *ls = data;

	assert_true(ls->n < 8);
	ls->first[ls->n] = l->first_seq;
	ls->last[ls->n] = l->last_seq;
	snprintf(ls->reason[ls->n], sizeof(ls->reason[0]), "%s", l->reason);
	ls->n++;
}

/* The disk is full, events are published from memory, and the process is
 * killed before the disk frees: the next open continues after every seq
 * handed out (the seq mark), never at the database's highest + 1, and the
 * seqs that only lived in memory are one lost range, announced once. */
static void test_seq_mark_after_kill(void **state)
{
	struct fixture *f = *state;
	struct lost_seen ls;
	static struct collected c;
	int pipefd[2], status;
	uint64_t waiting[2] = { 0, 0 };
	pid_t pid;

	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct tb_journal *j = tb_journal_open(f->ctx, &f->cfg, NULL);
		uint8_t buf[3000];
		char sql[64];
		uint64_t s, first = 0;
		sqlite3 *db;

		if (!j)
			_exit(2);
		db = tb_journal_db(j);
		for (s = 1; s <= 5; s++)
			if (tb_journal_append(j, s, T0_US + s, "status", "lvs-1", buf, make_body(s, buf, 3000)) != 0)
				_exit(3);
		snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %" PRId64, db_int(db, "PRAGMA page_count"));
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
			_exit(4);
		for (; s < 200; s++) {
			int rc = tb_journal_append(j, s, T0_US + s, "status", "lvs-1", buf, make_body(s, buf, 3000));

			if (rc == 1 && !first)
				first = s;
			if (first && s == first + 9)
				break;
		}
		if (!first || tb_stat_get(tb_journal_stat_items(j), TB_JOURNAL_STAT_BACKLOG) != 10)
			_exit(5);
		waiting[0] = first;
		waiting[1] = s;
		if (write(pipefd[1], waiting, sizeof(waiting)) != sizeof(waiting))
			_exit(6);
		raise(SIGKILL);
		_exit(7);
	}
	close(pipefd[1]);
	assert_int_equal(read(pipefd[0], waiting, sizeof(waiting)), sizeof(waiting));
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));

	tb_log_capture_clear();
	jopen(f);
	assert_int_equal(tb_journal_last_seq(f->j), waiting[0] - 1);	/* what the database holds */
	assert_int_equal(tb_journal_next_seq(f->j), waiting[1] + 1);	/* never a seq handed out */
	assert_int_equal(tb_log_capture_count("were published but never stored"), 1);
	memset(&ls, 0, sizeof(ls));
	assert_int_equal(tb_journal_take_lost(f->j, lost_seen_cb, &ls), 1);
	assert_int_equal(ls.first[0], waiting[0]);
	assert_int_equal(ls.last[0], waiting[1]);
	assert_non_null(strstr(ls.reason[0], "could not store them"));
	assert_int_equal(tb_journal_take_lost(f->j, lost_seen_cb, &ls), 0);	/* once */
	memset(&ls, 0, sizeof(ls));
	assert_int_equal(tb_journal_lost_ranges(f->j, 1, UINT64_MAX, lost_seen_cb, &ls), 1);
	assert_int_equal(tb_journal_lost_ranges(f->j, 1, waiting[0] - 1, lost_seen_cb, &ls), 0);
	/* An append below the next seq is refused; at it, stored. */
	assert_int_equal(append_n(f, waiting[1], 1, 100), -EINVAL);
	assert_int_equal(append_n(f, waiting[1] + 1, 1, 100), 0);
	tb_journal_destroy(&f->j);

	/* Known since the last open: not found (nor announced) again. */
	jopen(f);
	memset(&ls, 0, sizeof(ls));
	assert_int_equal(tb_journal_take_lost(f->j, lost_seen_cb, &ls), 0);
	assert_int_equal(tb_journal_next_seq(f->j), waiting[1] + 2);
	assert_int_equal(tb_journal_lost_ranges(f->j, waiting[0] - 1, waiting[1] + 1, lost_seen_cb, &ls), 1);
	assert_int_equal(ls.first[0], waiting[0]);
	memset(&c, 0, sizeof(c));
	c.len = 100;
	assert_int_equal(tb_journal_read(f->j, waiting[0], 100, SIZE_MAX, collect, &c), 1);
	assert_int_equal(c.seqs[0], waiting[1] + 1);
}

/* A seq mark that is not one is said and ignored; a missing one is fine. */
static void test_seq_mark_foreign(void **state)
{
	struct fixture *f = *state;
	char path[300];
	FILE *fp;

	jopen(f);
	assert_int_equal(append_n(f, 1, 3, 10), 0);
	tb_journal_destroy(&f->j);
	snprintf(path, sizeof(path), "%s/tetra-bridge.seq", f->cfg.state_dir);
	fp = fopen(path, "r+");
	assert_non_null(fp);
	assert_int_equal(fputs("TBSEQ001 not a seq at all", fp) >= 0, 1);
	fclose(fp);
	tb_log_capture_clear();
	jopen(f);
	assert_int_equal(tb_log_capture_count("does not hold a seq mark"), 1);
	assert_int_equal(tb_journal_next_seq(f->j), 4);
	tb_journal_destroy(&f->j);
	assert_int_equal(unlink(path), 0);
	jopen(f);
	assert_int_equal(tb_journal_next_seq(f->j), 4);
}

/* Events lost at run time (the backlog is full) are one range, offered
 * when the losses stop, stored when the database takes writes again,
 * and pruned with the events around them. */
static void test_lost_at_run_time(void **state)
{
	struct fixture *f = *state;
	const struct rate_ctr_group *jc;
	struct lost_seen ls;
	sqlite3 *db;
	uint8_t b[1] = { 0 };
	uint64_t s;

	{
		sqlite3 *other = open_locked(f);

		db = tb_journal_db(f->j);
		jc = tb_journal_ctrs(f->j);
		for (s = 1; s <= TB_JOURNAL_BACKLOG_MAX; s++)
			assert_int_equal(tb_journal_append(f->j, s, T0_US, "status", "lvs-1", b, 1), 1);
		for (; s <= TB_JOURNAL_BACKLOG_MAX + 5; s++)
			assert_int_equal(tb_journal_append(f->j, s, T0_US, "status", "lvs-1", b, 1), -ENOSPC);
		/* Still being lost: not offered yet, but answered for replays. */
		memset(&ls, 0, sizeof(ls));
		assert_int_equal(tb_journal_take_lost(f->j, lost_seen_cb, &ls), 0);
		assert_int_equal(tb_journal_lost_ranges(f->j, 1, UINT64_MAX, lost_seen_cb, &ls), 1);
		assert_int_equal(ls.first[0], TB_JOURNAL_BACKLOG_MAX + 1);
		assert_int_equal(ls.last[0], TB_JOURNAL_BACKLOG_MAX + 5);
		assert_int_equal(tb_ctr_get(jc, TB_JOURNAL_CTR_LOST_RANGES), 1);
		unlock_journal(f, other);
	}
	assert_int_equal(tb_journal_flush(f->j), 0);
	assert_int_equal(db_int(db, "SELECT count(*) FROM lost"), 1);
	memset(&ls, 0, sizeof(ls));
	assert_int_equal(tb_journal_take_lost(f->j, lost_seen_cb, &ls), 1);
	assert_int_equal(ls.first[0], TB_JOURNAL_BACKLOG_MAX + 1);
	assert_int_equal(ls.last[0], TB_JOURNAL_BACKLOG_MAX + 5);
	assert_non_null(strstr(ls.reason[0], "more than it could keep in memory"));
	assert_int_equal(tb_journal_next_seq(f->j), TB_JOURNAL_BACKLOG_MAX + 6);
	assert_int_equal(tb_journal_append(f->j, s, T0_US, "status", "lvs-1", b, 1), 0);
	tb_journal_destroy(&f->j);

	/* Retention: once every event before it is gone, so is the range. */
	f->cfg.max_age_s = 1;
	jopen(f);
	db = tb_journal_db(f->j);
	assert_true(tb_journal_prune(f->j, T0_US + 10 * S_US) > 0);
	while (tb_journal_prune(f->j, T0_US + 10 * S_US) > 0)
		;
	assert_int_equal(db_int(db, "SELECT count(*) FROM events"), 1);
	assert_int_equal(db_int(db, "SELECT count(*) FROM lost"), 0);
}

static void test_concurrent_reader(void **state)
{
	struct fixture *f = *state;
	sqlite3 *reader;

	/* By default the daemon holds the journal alone: another process
	 * cannot read it while it is open (clients use Replay). */
	jopen(f);
	assert_int_equal(append_n(f, 1, 10, 50), 0);
	assert_int_equal(sqlite3_open_v2(f->db_path, &reader, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(reader, "SELECT count(*) FROM events", NULL, NULL, NULL), SQLITE_BUSY);
	assert_int_equal(sqlite3_close(reader), SQLITE_OK);
	tb_journal_destroy(&f->j);

	/* Shared: a reader may look while it writes. */
	f->cfg.shared_lock = true;
	jopen(f);
	assert_int_equal(sqlite3_open_v2(f->db_path, &reader, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(reader, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(db_int(reader, "SELECT count(*) FROM events"), 10);
	/* The reader holds a snapshot; the journal writes on (WAL). */
	assert_int_equal(append_n(f, 11, 10, 50), 0);
	assert_int_equal(db_int(reader, "SELECT count(*) FROM events"), 10);
	assert_int_equal(sqlite3_exec(reader, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(db_int(reader, "SELECT count(*) FROM events"), 20);
	assert_int_equal(db_int(reader, "SELECT max(seq) FROM events"), 20);
	/* and retention too runs with a reader open */
	assert_int_equal(sqlite3_exec(reader, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(db_int(reader, "SELECT count(*) FROM events"), 20);
	f->cfg.max_age_s = 1;
	tb_journal_destroy(&f->j);
	jopen(f);
	assert_int_equal(tb_journal_prune(f->j, T0_US + 1000 * S_US), 19);
	assert_int_equal(db_int(reader, "SELECT count(*) FROM events"), 20);
	assert_int_equal(sqlite3_exec(reader, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(db_int(reader, "SELECT count(*) FROM events"), 1);
	assert_int_equal(sqlite3_close(reader), SQLITE_OK);
}

/* Not an assertion: the figure for the hot path, printed. */
static void test_append_speed(void **state)
{
	struct fixture *f = *state;
	const unsigned n = 5000, n_full = 200;
	int64_t t;

	jopen(f);
	t = tb_now_us();
	assert_int_equal(append_n(f, 1, n, 200), 0);
	print_message("append: %.1f us per event (200-byte body, synchronous=NORMAL)\n", (double)(tb_now_us() - t) / n);
	tb_journal_destroy(&f->j);

	f->cfg.sync_full = true;
	jopen(f);
	t = tb_now_us();
	assert_int_equal(append_n(f, n + 1, n_full, 200), 0);
	print_message("append: %.1f us per event (200-byte body, synchronous=FULL)\n", (double)(tb_now_us() - t) / n_full);
}

static void test_null_handles(void **state)
{
	struct tb_journal *j = NULL;

	tb_journal_destroy(&j);
	tb_journal_destroy(NULL);
	assert_null(tb_journal_db(NULL));
	assert_null(tb_journal_path(NULL));
	assert_null(tb_journal_ctrs(NULL));
	assert_null(tb_journal_stat_items(NULL));
	assert_int_equal(tb_journal_last_seq(NULL), 0);
	assert_int_equal(tb_journal_first_seq(NULL), 0);
	assert_int_equal(tb_journal_flush(NULL), 0);
	assert_int_equal(tb_journal_append(NULL, 1, 1, "a", "b", NULL, 0), -EINVAL);
}

int main(void)
{
	void *log_ctx = talloc_named_const(NULL, 0, "log");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_append_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen_continues, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_reentrant, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seq_not_increasing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention_age, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_permissions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_state_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill_safety, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disk_full_backlog, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_flushes_backlog, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backlog_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backlog_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seq_mark_after_kill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seq_mark_foreign, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_at_run_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_reader, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append_speed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_null_handles, setup, teardown),
	};
	struct log_target *t;
	int rc;

	tb_logging_init(log_ctx);
	/* What the journal logs at INFO and above; every line at every level
	 * is checked for a body. */
	t = tb_log_capture_start(LOGL_INFO);
	log_set_category_filter(t, DJOURNAL, 1, LOGL_DEBUG);
	tb_log_capture_watch("Nordmann");

	rc = cmocka_run_group_tests(tests, NULL, NULL);
	log_fini();
	talloc_free(log_ctx);
	return rc;
}
