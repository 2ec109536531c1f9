/* Online backups of the journal (bridge/journal_backup.c) on real SQLite
 * files: a copy taken in steps from the event loop while events keep being
 * appended holds every event up to its last seq, gap-free and byte for
 * byte, and opens as a journal; the file is 0600, a database of its own
 * (no WAL); refusals with a sentence (relative path, existing file, a
 * backup running, a folder that is not there); a copy that fails (a real
 * write failure: a file size limit) or is abandoned (the journal closes)
 * leaves nothing behind; restored over the journal's file after a stop,
 * the seq goes on after the last one handed out, never before.
 *
 * The copy of a journal of TB_BACKUP_TEST_EVENTS events is timed and the
 * figures printed (not checked): the longest step is how long the event
 * loop waited at most.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/select.h>
#include <sqlite3.h>
#include <talloc.h>

#include "bridge/journal.h"
#include "bridge/journal_backup.h"
#include "common/logging.h"
#include "tests/lib/log_capture.h"
#include "tests/lib/tmpdir.h"

#define TB_BACKUP_TEST_EVENTS 100000
#define T0_US 1700000000000000ULL
/* Health data in every body: never in a log line. */
#define SECRET "Pasient Kari Nordmann, Storgata 1"

struct fixture {
	void *ctx;
	char dir[256];
	char state_dir[300];
	struct tb_journal_cfg cfg;
	struct tb_journal *j;
	struct tb_backups *bks;
	uint64_t next_seq;
	void *tmp;		/* the test's strings, freed before the leak check */
};

static size_t make_body(uint64_t seq, uint8_t *buf)
{
	size_t len = 80 + (size_t)(seq * 37 % 200);

	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(seq * 31 + i * 7);
	memcpy(buf, SECRET, sizeof(SECRET) - 1);
	return len;
}

static void jopen(struct fixture *f)
{
	char *err = NULL;

	f->j = tb_journal_open(f->ctx, &f->cfg, &err);
	if (!f->j)
		fail_msg("open: %s", err);
	f->next_seq = tb_journal_next_seq(f->j);
	f->bks = tb_backups_alloc(f->j);
	assert_non_null(f->bks);
}

static void append(struct fixture *f)
{
	uint8_t buf[512];
	size_t len = make_body(f->next_seq, buf);

	assert_int_equal(tb_journal_append(f->j, f->next_seq, T0_US + f->next_seq, "status", "lvs-1", buf, len), 0);
	f->next_seq++;
}

/* n events in one transaction (a journal that grew over weeks, in a moment). */
static void fill(struct fixture *f, unsigned n)
{
	sqlite3 *db = tb_journal_db(f->j);
	sqlite3_stmt *st = NULL;
	uint8_t buf[512];

	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO events(seq, time_us, kind, radio, body) VALUES "
					    "(?1, ?2, 'status', 'lvs-1', ?3)", -1, &st, NULL), SQLITE_OK);
	for (unsigned i = 0; i < n; i++) {
		uint64_t seq = f->next_seq + i;
		size_t len = make_body(seq, buf);

		sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)(T0_US + seq));
		sqlite3_bind_blob(st, 3, buf, (int)len, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	/* The journal learns its last seq at open. */
	tb_journal_destroy(&f->j);
	jopen(f);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->ctx = talloc_named_const(NULL, 0, "test_journal_backup");
	f->tmp = talloc_named_const(NULL, 0, "strings");
	assert_non_null(tb_tmpdir_make(f->dir, sizeof(f->dir), "tb-backup"));
	snprintf(f->state_dir, sizeof(f->state_dir), "%s/var", f->dir);
	f->cfg.state_dir = f->state_dir;
	tb_log_capture_clear();
	jopen(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tb_journal_destroy(&f->j);
	talloc_free(f->tmp);
	assert_int_equal(talloc_total_blocks(f->ctx), 1);	/* nothing leaked */
	talloc_free(f->ctx);
	tb_tmpdir_remove(f->dir);
	assert_int_equal(tb_log_capture_watched(), 0);
	free(f);
	return 0;
}

/* dir/name, freed with the test. */
static const char *path_in(struct fixture *f, const char *name)
{
	char *p = talloc_asprintf(f->tmp, "%s/%s", f->dir, name);

	assert_non_null(p);
	return p;
}

/* A copy of a file (the restore: the backup itself stays as it is). */
static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[65536];
	size_t n;

	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

static uint64_t start(struct fixture *f, const char *path)
{
	char *errmsg = NULL;
	uint64_t id = 0;
	int rc = tb_backup_start(f->bks, path, &id, f->tmp, &errmsg);

	if (rc)
		fail_msg("backup to %s: %s", path, errmsg);
	assert_true(id > 0);
	return id;
}

/* Turns of the event loop, an event appended before each, until the
 * backup is not running any more; returns its state. */
static const struct tb_backup_status *run(struct fixture *f, uint64_t id, bool stream)
{
	const struct tb_backup_status *st;
	unsigned turns = 0;

	while ((st = tb_backup_status(f->bks, id))->state == TB_BACKUP_RUNNING) {
		assert_true(++turns < 1000000);
		if (stream)
			append(f);
		osmo_select_main(1);
	}
	return st;
}

static bool exists(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0;
}

/* What the copy holds, read with SQLite itself: every event from first to
 * last, each body as appended. */
static void check_copy(const char *path, uint64_t first, uint64_t last)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	uint64_t want = first;
	uint8_t buf[512];
	FILE *fp;
	unsigned char hdr[20];

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT seq, body FROM events ORDER BY seq", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		uint64_t seq = (uint64_t)sqlite3_column_int64(st, 0);
		size_t len = make_body(seq, buf);

		if (seq != want)
			fail_msg("the copy has seq %" PRIu64 " where %" PRIu64 " should be", seq, want);
		assert_int_equal((size_t)sqlite3_column_bytes(st, 1), len);
		assert_memory_equal(sqlite3_column_blob(st, 1), buf, len);
		want++;
	}
	assert_int_equal(want, last + 1);
	sqlite3_finalize(st);
	st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	sqlite3_close(db);
	/* A database of its own: the rollback-journal format (header bytes
	 * 18 and 19 are 1; 2 is WAL), nothing beside it. */
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(hdr, 1, sizeof(hdr), fp), sizeof(hdr));
	fclose(fp);
	assert_int_equal(hdr[18], 1);
	assert_int_equal(hdr[19], 1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A journal of TB_BACKUP_TEST_EVENTS events copied while events keep
 * coming, one between every two steps: the copy holds them all up to its
 * last seq, and opens as a journal. */
static void test_backup_during_stream(void **state)
{
	struct fixture *f = *state;
	const struct tb_backup_status *st;
	const char *path = path_in(f, "copy.db");
	char partial[460], restored[400];
	struct tb_journal_cfg cfg = { 0 };
	struct tb_journal *j2;
	char *err = NULL;
	struct stat sb;
	uint64_t id, before;
	double t0, took;

	fill(f, TB_BACKUP_TEST_EVENTS);
	append(f);	/* and one the usual way */
	before = f->next_seq - 1;
	t0 = now_s();
	id = start(f, path);
	snprintf(partial, sizeof(partial), "%s" TB_BACKUP_PARTIAL_SUFFIX, path);
	assert_true(exists(partial));
	assert_false(exists(path));	/* the name only when it is whole */
	st = run(f, id, true);
	took = now_s() - t0;
	if (st->state != TB_BACKUP_DONE)
		fail_msg("backup failed: %s", st->error);
	assert_string_equal(st->error, "");
	printf("backup of %u events: %" PRIu64 " pages, %" PRIu64 " bytes, %u steps of %u pages, %.3f s in all, "
	       "%.3f s in steps, the longest step %.3f ms; %" PRIu64 " events appended meanwhile\n",
	       TB_BACKUP_TEST_EVENTS + 1, st->pages_total, st->bytes, st->steps, TB_BACKUP_STEP_PAGES, took,
	       st->busy_us / 1e6, st->longest_step_us / 1e3, f->next_seq - 1 - before);

	/* In steps, with events in between, and up to the last one before its end. */
	assert_true(st->steps > 2);
	assert_int_equal(st->pages_done, st->pages_total);
	assert_int_equal(st->first_seq, 1);
	assert_true(st->last_seq > before);
	assert_true(st->last_seq <= f->next_seq - 1);
	assert_true(st->finished_us >= st->started_us);
	assert_false(exists(partial));
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal((uint64_t)sb.st_size, st->bytes);
	check_copy(path, 1, st->last_seq);
	assert_false(exists(path_in(f, "copy.db-wal")));
	assert_false(exists(path_in(f, "copy.db-journal")));

	/* Restored as a journal: it opens, and the seq goes on after it. */
	snprintf(restored, sizeof(restored), "%s/restored", f->dir);
	assert_int_equal(mkdir(restored, 0700), 0);
	snprintf(partial, sizeof(partial), "%s/" TB_JOURNAL_FILE, restored);
	copy_file(path, partial);
	cfg.state_dir = restored;
	j2 = tb_journal_open(f->ctx, &cfg, &err);
	if (!j2)
		fail_msg("the copy does not open as a journal: %s", err);
	assert_int_equal(tb_journal_last_seq(j2), st->last_seq);
	assert_int_equal(tb_journal_first_seq(j2), 1);
	tb_journal_destroy(&j2);
}

struct lost_seen {
	unsigned n;
	uint64_t first, last;
};

static void lost_cb(const struct tb_journal_lost *l, void *data)
{
	struct lost_seen *ls = data;

	ls->n++;
	ls->first = l->first_seq;
	ls->last = l->last_seq;
}

/* Restored as the journal's own file after a stop, the copy goes on after
 * the last seq handed out before the stop, never before: the seqs between
 * the copy's last and that one are a lost range. */
static void test_restore_never_gives_a_seq_twice(void **state)
{
	struct fixture *f = *state;
	const struct tb_backup_status *st;
	const char *path = path_in(f, "b.db");
	char db[400];
	struct lost_seen ls = { 0 };
	uint64_t id, published;

	for (unsigned i = 0; i < 100; i++)
		append(f);
	id = start(f, path);
	st = run(f, id, false);
	assert_int_equal(st->state, TB_BACKUP_DONE);
	assert_int_equal(st->last_seq, 100);
	for (unsigned i = 0; i < 50; i++)
		append(f);
	published = f->next_seq - 1;
	tb_journal_destroy(&f->j);	/* the daemon stops */

	/* The restore as README.md says: the copy over the journal's file. */
	snprintf(db, sizeof(db), "%s/" TB_JOURNAL_FILE, f->state_dir);
	copy_file(path, db);
	jopen(f);
	assert_int_equal(tb_journal_last_seq(f->j), 100);
	assert_int_equal(f->next_seq, published + 1);
	assert_int_equal(tb_journal_take_lost(f->j, lost_cb, &ls), 1);
	assert_int_equal(ls.first, 101);
	assert_int_equal(ls.last, published);
	append(f);
	assert_int_equal(tb_journal_last_seq(f->j), published + 1);
}

/* Each refusal with a sentence, and nothing created. */
static void test_refusals(void **state)
{
	struct fixture *f = *state;
	const char *path = path_in(f, "b.db");
	char *errmsg = NULL;
	uint64_t id = 0, first;
	char partial[460];
	FILE *fp;

	append(f);
	assert_int_equal(tb_backup_start(f->bks, "b.db", &id, f->tmp, &errmsg), -EINVAL);
	assert_non_null(strstr(errmsg, "absolute path"));
	assert_int_equal(tb_backup_start(f->bks, "", &id, f->tmp, &errmsg), -EINVAL);
	assert_int_equal(tb_backup_start(f->bks, path_in(f, "dir/"), &id, f->tmp, &errmsg), -EINVAL);

	fp = fopen(path, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(tb_backup_start(f->bks, path, &id, f->tmp, &errmsg), -EEXIST);
	assert_non_null(strstr(errmsg, "exists already"));
	unlink(path);

	assert_int_equal(tb_backup_start(f->bks, path_in(f, "no-such-dir/b.db"), &id, f->tmp, &errmsg), -ENOENT);
	assert_non_null(strstr(errmsg, "the folder must exist"));

	/* One at a time. */
	first = start(f, path);
	assert_int_equal(tb_backup_start(f->bks, path_in(f, "c.db"), &id, f->tmp, &errmsg), -EBUSY);
	assert_non_null(strstr(errmsg, "wait until it is done"));
	/* A partial file left over: refused, and left alone. */
	snprintf(partial, sizeof(partial), "%s" TB_BACKUP_PARTIAL_SUFFIX, path_in(f, "d.db"));
	fp = fopen(partial, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(run(f, first, false)->state, TB_BACKUP_DONE);
	assert_int_equal(tb_backup_start(f->bks, path_in(f, "d.db"), &id, f->tmp, &errmsg), -EEXIST);
	assert_non_null(strstr(errmsg, "remove that file"));
	assert_true(exists(partial));
	assert_false(exists(path_in(f, "d.db")));
	assert_false(exists(path_in(f, "c.db")));

	/* By id, and the newest with 0; ids not given are unknown. */
	assert_int_equal(tb_backup_status(f->bks, 0)->id, first);
	assert_int_equal(tb_backup_status(f->bks, first)->last_seq, 1);
	assert_null(tb_backup_status(f->bks, first + 1));
}

/* A real write failure (the file may not grow: RLIMIT_FSIZE, as a full
 * disk): FAILED with a sentence, and no file left behind. */
static void test_failed_copy_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	const struct tb_backup_status *st;
	const char *path = path_in(f, "full.db");
	struct rlimit old, small;
	char partial[460];
	uint64_t id;

	fill(f, 20000);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 256 * 1024;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	id = start(f, path);
	st = run(f, id, false);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(st->state, TB_BACKUP_FAILED);
	assert_non_null(strstr(st->error, "the copy failed"));
	assert_true(st->finished_us > 0);
	snprintf(partial, sizeof(partial), "%s" TB_BACKUP_PARTIAL_SUFFIX, path);
	assert_false(exists(partial));
	assert_false(exists(path));
	/* The next one works. */
	id = start(f, path);
	assert_int_equal(run(f, id, false)->state, TB_BACKUP_DONE);
	check_copy(path, 1, 20000);
}

/* The journal closes while a copy runs: abandoned, nothing left behind. */
static void test_abandoned_with_the_journal(void **state)
{
	struct fixture *f = *state;
	const char *path = path_in(f, "gone.db");
	char partial[460];

	fill(f, 20000);
	start(f, path);
	osmo_select_main(1);	/* one step */
	assert_int_equal(tb_backup_status(f->bks, 0)->state, TB_BACKUP_RUNNING);
	snprintf(partial, sizeof(partial), "%s" TB_BACKUP_PARTIAL_SUFFIX, path);
	assert_true(exists(partial));
	tb_journal_destroy(&f->j);
	f->bks = NULL;
	assert_false(exists(partial));
	assert_false(exists(path));
	assert_int_equal(tb_log_capture_count("abandoned"), 1);
	/* The loop has nothing of it left to run. */
	osmo_select_main(1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_backup_during_stream, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restore_never_gives_a_seq_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_copy_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abandoned_with_the_journal, setup, teardown),
	};

	void *log_ctx = talloc_named_const(NULL, 0, "log");
	struct log_target *t;
	int rc;

	tb_logging_init(log_ctx);
	log_set_log_level(osmo_stderr_target, LOGL_FATAL);
	t = tb_log_capture_start(LOGL_INFO);
	log_set_category_filter(t, DJOURNAL, 1, LOGL_DEBUG);
	tb_log_capture_watch("Nordmann");

	rc = cmocka_run_group_tests(tests, NULL, NULL);
	log_fini();
	talloc_free(log_ctx);
	return rc;
}
