/* Online backups of the journal; see journal_backup.h.
 *
 * Choices and why:
 * - Steps from a timer rather than one sqlite3_backup_step(-1): the copy
 *   of a journal at its default size limit (1 GiB) takes seconds, and the
 *   event loop must not stop for that long (a radio's output would wait,
 *   the keep-alives would run late): in one step a journal of 100 000
 *   events (21 MB) held the loop 0.3 s. TB_BACKUP_STEP_PAGES pages (400
 *   KiB with 4 KiB pages) take about a millisecond, a few when the disk is
 *   busy (tests/unit/test_journal_backup.c prints the figures).
 * - The copy uses the journal's own connection as its source: SQLite then
 *   carries every page the daemon writes during the copy into the pages
 *   already copied, instead of starting over (which a second connection's
 *   writes would cause, and the journal writes all the time).
 * - The destination runs with journal_mode=OFF and synchronous=OFF while
 *   it is written: it is a file of our own that nobody reads until it is
 *   finished, and a copy cut short is removed anyway. Its page cache is one
 *   step's worth, so each step's pages go to the file in that step; the
 *   kernel is asked to start writing them to the disk at once
 *   (sync_file_range), waiting for the previous step's first. So the disk
 *   sets the pace a step at a time, and the fsync at the end finds little
 *   left to write: without this the writes piled up, and single steps of
 *   a 21 MB copy waited 60-80 ms for the disk (30 ms at most with it, on
 *   the same busy machine).
 * - At the end the copy is switched to journal_mode=DELETE (the copied
 *   header says WAL, which would make every reader create -wal and -shm
 *   files beside it), closed, fsync'ed, linked to its name and its folder
 *   fsync'ed.
 * - link() and not rename(): rename would replace a file that appeared
 *   under the name while the copy ran.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE	/* O_NOFOLLOW, O_DIRECTORY */
#include "bridge/journal_backup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/timer.h>
#include <sqlite3.h>
#include <talloc.h>

#include "bridge/journal.h"
#include "common/logging.h"

#define TB_STR_(x) #x
#define TB_STR(x) TB_STR_(x)

/* After SQLITE_BUSY or SQLITE_LOCKED the next step waits this long. */
#define TB_BACKUP_RETRY_MS 10

struct backup {
	struct llist_head entry;	/* in tb_backups.list, oldest first */
	struct tb_backup_status st;	/* st.path, st.error: talloc children */
	char *partial;
	int fd;				/* the partial file, for its writeback (-1: closed) */
	sqlite3 *dst;			/* while running */
	sqlite3_backup *bk;		/* while running */
};

struct tb_backups {
	struct tb_journal *j;
	struct llist_head list;		/* struct backup */
	unsigned n;
	uint64_t next_id;
	struct backup *running;		/* NULL: none */
	struct osmo_timer_list timer;
};

static uint64_t wall_us(void)
{
	struct timeval tv;

	osmo_gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Close the destination and remove the partial file. */
static void discard(struct backup *x)
{
	if (x->bk)
		sqlite3_backup_finish(x->bk);
	x->bk = NULL;
	if (x->dst)
		sqlite3_close(x->dst);
	x->dst = NULL;
	if (x->fd >= 0)
		close(x->fd);
	x->fd = -1;
	if (x->partial) {
		char *side = talloc_asprintf(x, "%s-journal", x->partial);

		unlink(x->partial);
		if (side) {
			unlink(side);	/* SQLite's side files, should the end have been cut short */
			strcpy(side + strlen(x->partial), "-wal");
			unlink(side);
			talloc_free(side);
		}
	}
}

static void failed(struct tb_backups *bks, struct backup *x, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void failed(struct tb_backups *bks, struct backup *x, const char *fmt, ...)
{
	va_list ap;

	discard(x);
	va_start(ap, fmt);
	x->st.error = talloc_vasprintf(x, fmt, ap);
	va_end(ap);
	if (!x->st.error)
		x->st.error = "out of memory";
	x->st.state = TB_BACKUP_FAILED;
	x->st.finished_us = wall_us();
	bks->running = NULL;
	LOGP(DJOURNAL, LOGL_ERROR, "journal backup %" PRIu64 " to %s failed: %s\n", x->st.id, x->st.path, x->st.error);
}

/* One integer from the destination; 0 when there is none. */
static uint64_t dst_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	uint64_t v = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* fsync a folder: a new name in it is on the disk. */
static void sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_DIRECTORY);

	if (fd < 0)
		return;
	fsync(fd);
	close(fd);
}

/* The copy is complete: make it a file of its own under its name. */
static void finish(struct tb_backups *bks, struct backup *x)
{
	char *dir, *slash;
	struct stat sb;
	int rc;

	rc = sqlite3_backup_finish(x->bk);
	x->bk = NULL;
	if (rc != SQLITE_OK) {
		failed(bks, x, "the copy failed at its end: %s", sqlite3_errstr(rc));
		return;
	}
	if (sqlite3_exec(x->dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		failed(bks, x, "the copy cannot be made a file of its own: %s", sqlite3_errmsg(x->dst));
		return;
	}
	x->st.first_seq = dst_int(x->dst, "SELECT min(seq) FROM events");
	x->st.last_seq = dst_int(x->dst, "SELECT max(seq) FROM events");
	rc = sqlite3_close(x->dst);
	x->dst = NULL;
	if (rc != SQLITE_OK) {
		failed(bks, x, "the copy cannot be closed: %s", sqlite3_errstr(rc));
		return;
	}
	rc = fsync(x->fd) < 0 ? errno : 0;
	if (rc) {
		failed(bks, x, "cannot write %s to the disk: %s", x->partial, strerror(rc));
		return;
	}
	close(x->fd);
	x->fd = -1;
	if (link(x->partial, x->st.path) < 0) {
		rc = errno;
		failed(bks, x, "cannot name the copy %s: %s%s", x->st.path, strerror(rc),
		       rc == EEXIST ? " (a file of that name appeared while the copy ran; it was left as it is)" : "");
		return;
	}
	unlink(x->partial);
	/* The new name on the disk, too. */
	dir = talloc_strdup(x, x->st.path);
	if (dir && (slash = strrchr(dir, '/'))) {
		slash[slash == dir ? 1 : 0] = '\0';
		sync_dir(dir);
	}
	talloc_free(dir);
	if (stat(x->st.path, &sb) == 0)
		x->st.bytes = (uint64_t)sb.st_size;
	x->st.state = TB_BACKUP_DONE;
	x->st.finished_us = wall_us();
	bks->running = NULL;
}

static void step_cb(void *data)
{
	struct tb_backups *bks = data;
	struct backup *x = bks->running;
	uint64_t t0, took;
	int rc;

	if (!x)
		return;
	t0 = mono_us();
	rc = sqlite3_backup_step(x->bk, TB_BACKUP_STEP_PAGES);
	x->st.pages_total = (uint64_t)sqlite3_backup_pagecount(x->bk);
	x->st.pages_done = x->st.pages_total - (uint64_t)sqlite3_backup_remaining(x->bk);
	switch (rc) {
	case SQLITE_DONE:
		finish(bks, x);
		break;
	case SQLITE_OK:
		/* What the last step wrote is on its way to the disk
		 * (waited for here, if it is not there yet: the disk sets
		 * the pace, one step's worth at a time), and this step's
		 * goes now, in the background: the fsync at the end then
		 * finds little to do. */
		sync_file_range(x->fd, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE);
		osmo_timer_schedule(&bks->timer, 0, 0);
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		/* The journal is in a transaction of its own: later. */
		osmo_timer_schedule(&bks->timer, 0, TB_BACKUP_RETRY_MS * 1000);
		break;
	default:
		failed(bks, x, "the copy failed: %s%s", sqlite3_errstr(rc),
		       (rc & 0xff) == SQLITE_FULL ? " (free space where the copy is written)" : "");
		break;
	}
	took = mono_us() - t0;
	x->st.steps++;
	x->st.busy_us += took;
	if (took > x->st.longest_step_us)
		x->st.longest_step_us = took;
	if (x->st.state == TB_BACKUP_DONE)
		LOGP(DJOURNAL, LOGL_NOTICE, "journal backup %" PRIu64 " to %s done: events seq %" PRIu64 " to %" PRIu64
		     ", %" PRIu64 " bytes, %u steps, the longest %" PRIu64 " us\n", x->st.id, x->st.path,
		     x->st.first_seq, x->st.last_seq, x->st.bytes, x->st.steps, x->st.longest_step_us);
}

/* Forget the oldest finished backups beyond TB_BACKUP_KEEP. */
static void forget_old(struct tb_backups *bks)
{
	struct backup *x, *tmp;

	llist_for_each_entry_safe(x, tmp, &bks->list, entry) {
		if (bks->n <= TB_BACKUP_KEEP)
			break;
		if (x == bks->running)
			continue;
		llist_del(&x->entry);
		bks->n--;
		talloc_free(x);
	}
}

static int backups_destructor(struct tb_backups *bks)
{
	struct backup *x = bks->running;

	osmo_timer_del(&bks->timer);
	if (x) {
		discard(x);
		LOGP(DJOURNAL, LOGL_NOTICE, "journal backup %" PRIu64 " to %s abandoned: the journal is closing; "
		     "nothing was left behind\n", x->st.id, x->st.path);
		bks->running = NULL;
	}
	return 0;
}

struct tb_backups *tb_backups_alloc(struct tb_journal *j)
{
	struct tb_backups *bks;

	if (!j)
		return NULL;
	bks = talloc_zero(j, struct tb_backups);
	if (!bks)
		return NULL;
	bks->j = j;
	bks->next_id = 1;
	INIT_LLIST_HEAD(&bks->list);
	osmo_timer_setup(&bks->timer, step_cb, bks);
	talloc_set_destructor(bks, backups_destructor);
	return bks;
}

static int refuse(void *ctx, char **errmsg, int rc, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int refuse(void *ctx, char **errmsg, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*errmsg = talloc_vasprintf(ctx, fmt, ap);
	va_end(ap);
	return rc;
}

/* The destination: the partial file created 0600 (O_EXCL: ours alone),
 * opened with SQLite, and the backup begun. Returns 0 or -errno with
 * *errmsg set. */
static int open_destination(struct tb_backups *bks, struct backup *x, void *ctx, char **errmsg)
{
	int fd, rc;

	fd = open(x->partial, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = errno;
		if (rc == EEXIST)
			return refuse(ctx, errmsg, -EEXIST, "%s exists: a backup to %s runs, or one was cut short when the "
				      "daemon stopped; remove that file, or give another name", x->partial, x->st.path);
		return refuse(ctx, errmsg, -rc, "cannot create %s: %s (the folder must exist, and the daemon's user "
			      "must be allowed to write in it)", x->partial, strerror(rc));
	}
	/* 0600 whatever the umask: it holds health data. */
	rc = fchmod(fd, 0600) < 0 ? errno : 0;
	x->fd = fd;
	if (rc) {
		discard(x);
		return refuse(ctx, errmsg, -rc, "cannot make %s private: %s", x->partial, strerror(rc));
	}
	rc = sqlite3_open_v2(x->partial, &x->dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(x->dst, "PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = OFF; "
				  "PRAGMA synchronous = OFF; PRAGMA cache_size = " TB_STR(TB_BACKUP_STEP_PAGES), NULL, NULL,
				  NULL);
	if (rc == SQLITE_OK) {
		x->bk = sqlite3_backup_init(x->dst, "main", tb_journal_db(bks->j), "main");
		if (!x->bk)
			rc = sqlite3_errcode(x->dst);
	}
	if (rc != SQLITE_OK) {
		char *why = talloc_strdup(ctx, x->dst ? sqlite3_errmsg(x->dst) : sqlite3_errstr(rc));

		discard(x);
		return refuse(ctx, errmsg, -EIO, "cannot begin the copy to %s: %s", x->partial, why ? why : "");
	}
	return 0;
}

int tb_backup_start(struct tb_backups *bks, const char *path, uint64_t *id, void *ctx, char **errmsg)
{
	struct backup *x;
	struct stat sb;
	size_t len;
	int rc;

	*errmsg = NULL;
	if (!bks || !tb_journal_db(bks->j))
		return refuse(ctx, errmsg, -EINVAL, "the journal is not open: there is nothing to back up");
	len = path ? strlen(path) : 0;
	if (!len || path[0] != '/' || path[len - 1] == '/')
		return refuse(ctx, errmsg, -EINVAL, "give the backup file as an absolute path on the bridge's machine, "
			      "e.g. /var/backups/tetra-bridge-2024-05-01.db (it is written there by the daemon's user), "
			      "not '%s'", path ? path : "");
	if (len + sizeof(TB_BACKUP_PARTIAL_SUFFIX) > PATH_MAX)
		return refuse(ctx, errmsg, -EINVAL, "the backup file's name is too long");
	if (lstat(path, &sb) == 0)
		return refuse(ctx, errmsg, -EEXIST, "%s exists already: a backup never replaces a file; give a new "
			      "name, or remove that file first", path);
	if (bks->running)
		return refuse(ctx, errmsg, -EBUSY, "backup %" PRIu64 " to %s runs (%" PRIu64 " of %" PRIu64 " pages "
			      "copied): wait until it is done", bks->running->st.id, bks->running->st.path,
			      bks->running->st.pages_done, bks->running->st.pages_total);

	x = talloc_zero(bks, struct backup);
	if (!x)
		return refuse(ctx, errmsg, -ENOMEM, "out of memory");
	x->st.path = talloc_strdup(x, path);
	x->partial = talloc_asprintf(x, "%s%s", path, TB_BACKUP_PARTIAL_SUFFIX);
	if (!x->st.path || !x->partial) {
		talloc_free(x);
		return refuse(ctx, errmsg, -ENOMEM, "out of memory");
	}
	x->st.id = bks->next_id;
	x->st.error = "";
	x->fd = -1;
	rc = open_destination(bks, x, ctx, errmsg);
	if (rc < 0) {
		talloc_free(x);
		return rc;
	}
	bks->next_id++;
	x->st.state = TB_BACKUP_RUNNING;
	x->st.started_us = wall_us();
	llist_add_tail(&x->entry, &bks->list);
	bks->n++;
	bks->running = x;
	forget_old(bks);
	LOGP(DJOURNAL, LOGL_NOTICE, "journal backup %" PRIu64 " to %s started\n", x->st.id, x->st.path);
	osmo_timer_schedule(&bks->timer, 0, 0);
	*id = x->st.id;
	return 0;
}

const struct tb_backup_status *tb_backup_status(const struct tb_backups *bks, uint64_t id)
{
	const struct backup *x;

	if (!bks || llist_empty(&bks->list))
		return NULL;
	if (!id)
		return &llist_last_entry(&bks->list, struct backup, entry)->st;
	llist_for_each_entry(x, &bks->list, entry)
		if (x->st.id == id)
			return &x->st;
	return NULL;
}

void tb_backup_foreach(const struct tb_backups *bks, void (*cb)(const struct tb_backup_status *st, void *data),
		       void *data)
{
	const struct backup *x;

	if (!bks)
		return;
	llist_for_each_entry(x, &bks->list, entry)
		cb(&x->st, data);
}
