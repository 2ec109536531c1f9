/* The journal's file: state directory, database file, pragmas, schema
 * (see journal.h); appending, reading and retention are in journal.c.
 *
 * Choices and why:
 * - The state directory is created 0700 and the file 0600 by us, whatever
 *   the umask, before SQLite opens it (SQLite gives its -wal and -shm files
 *   the mode of the database): they hold health data. An existing
 *   directory or file keeps its mode (the administrator's choice); a mode
 *   that lets others read is logged once at NOTICE.
 * - A file is checked read-only before anything in it is changed (WAL mode
 *   is a property of the file): a foreign database, another schema version
 *   or a file that is not a database is left as it was and refused with a
 *   sentence that says what to do.
 * - Unless `shared_lock` is set the database is held with
 *   locking_mode=EXCLUSIVE (see tb_journal_open).
 * - A new database gets auto_vacuum=INCREMENTAL before its first table, so
 *   that retention can shrink the file (journal.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "bridge/journal_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <osmocom/core/linuxlist.h>
#include <sqlite3.h>
#include <talloc.h>

#include "common/logging.h"

#define TB_JOURNAL_SCHEMA_VERSION	1
/* The daemon is the only writer; a reader (sqlite3 CLI, a backup) only
 * blocks us briefly during a checkpoint or WAL recovery. Anything longer
 * would stall the event loop: the event then waits in the backlog. */
#define TB_JOURNAL_BUSY_TIMEOUT_MS	100
/* The WAL is reset after each checkpoint but keeps its size; truncate it
 * back to this after a burst (e.g. a large backlog flush). */
#define TB_JOURNAL_WAL_LIMIT		(16 * 1024 * 1024)

static const char *const schema_sql[] = {
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value)",
	("CREATE TABLE IF NOT EXISTS events(seq INTEGER PRIMARY KEY, time_us INTEGER NOT NULL, "
	 "kind TEXT, radio TEXT, body BLOB NOT NULL)"),
	"INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', 1)",
	/* Added later in version 1 (IF NOT EXISTS: older files get it too). */
	("CREATE TABLE IF NOT EXISTS lost(first_seq INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL, "
	 "time_us INTEGER NOT NULL, reason TEXT NOT NULL)"),
};

/* ---------------------------------------------------------------------- */
/* open */

static void finalize_all(struct tb_journal *j)
{
	sqlite3_stmt **st[] = { &j->st_append, &j->st_read, &j->st_first, &j->st_last,
				&j->st_begin, &j->st_commit, &j->st_rollback };

	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		sqlite3_finalize(*st[i]);
		*st[i] = NULL;
	}
}

static int tb_journal_talloc_destructor(struct tb_journal *j)
{
	tb_journal__mark_close(j);
	finalize_all(j);
	if (j->db) {
		/* v2: if the outgoing queue still holds statements, the handle
		 * goes when they are finalized instead of failing with BUSY. */
		sqlite3_close_v2(j->db);
		j->db = NULL;
	}
	return 0;
}

/* mkdir -p with mode 0700 for what it creates. The last component is
 * chmod'ed to 0700 after creation so the umask does not matter; an existing
 * directory keeps its mode (the administrator's choice). Returns 0 or
 * -errno, with the component that failed in *failed (talloc'ed under ctx). */
static int mkdir_p(void *ctx, const char *dir, char **failed)
{
	char *p = talloc_strdup(ctx, dir);
	size_t len;
	struct stat st;
	int rc = 0;

	if (!p)
		return -ENOMEM;
	len = strlen(p);
	while (len > 1 && p[len - 1] == '/')
		p[--len] = '\0';

	for (char *s = p + 1; ; s++) {
		bool last = (*s == '\0');

		if (*s != '/' && !last)
			continue;
		*s = '\0';
		if (mkdir(p, 0700) == 0) {
			if (chmod(p, 0700) < 0) {
				rc = -errno;
				goto out;
			}
		} else if (errno != EEXIST) {
			rc = -errno;
			goto out;
		} else if (stat(p, &st) < 0) {
			rc = -errno;
			goto out;
		} else if (!S_ISDIR(st.st_mode)) {
			rc = -ENOTDIR;
			goto out;
		}
		if (last)
			break;
		*s = '/';
		while (s[1] == '/')
			s++;
	}
out:
	if (rc < 0)
		*failed = p;
	else
		talloc_free(p);
	return rc;
}

/* Run one statement that returns no rows we need. Returns an SQLite code. */
int tb_journal__exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/* One integer from a single-row query (a PRAGMA); -1 on error. */
int64_t tb_journal__query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* A sentence for a database that SQLite cannot use at all. */
static char *unusable_msg(void *ctx, const char *path, sqlite3 *db, int rc)
{
	int prim = rc & 0xff;

	if (prim == SQLITE_NOTADB || prim == SQLITE_CORRUPT)
		return talloc_asprintf(ctx, "%s is not a usable SQLite database (%s): move it away (or restore "
				       "it from a backup) and start again; a new journal is then created",
				       path, sqlite3_errstr(rc));
	return talloc_asprintf(ctx, "cannot use journal %s: %s", path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

/* Which of our tables exist, and whether there are others. */
static int inspect_tables(sqlite3 *db, bool *has_meta, bool *has_other)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*has_meta = *has_other = false;
	rc = sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		if (!name)
			continue;
		if (!strcmp(name, "meta"))
			*has_meta = true;
		else if (strncmp(name, "sqlite_", 7))
			*has_other = true;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Is this a database we may use? Read-only, before anything is changed in
 * the file (WAL mode is a property of the file): a foreign database is left
 * as it was. Returns 0 for a journal, 1 for an empty database, or -EIO with
 * *errmsg set. */
static int check_schema(struct tb_journal *j, void *ctx, char **errmsg)
{
	bool has_meta, has_other;
	int64_t version;
	int rc;

	/* The first read of the file: a file that is not a database fails
	 * here with SQLITE_NOTADB. */
	rc = inspect_tables(j->db, &has_meta, &has_other);
	if (rc != SQLITE_OK) {
		*errmsg = unusable_msg(ctx, j->path, j->db, rc);
		return -EIO;
	}
	if (!has_meta && has_other) {
		*errmsg = talloc_asprintf(ctx, "%s is not a tetra-bridge journal (it holds other tables): choose "
					  "another state directory, or move that file away", j->path);
		return -EIO;
	}
	if (!has_meta)
		return 1;	/* a new database */
	version = tb_journal__query_int(j->db, "SELECT value FROM meta WHERE key = 'schema_version'");
	if (version == TB_JOURNAL_SCHEMA_VERSION)
		return 0;
	if (version < 0)
		*errmsg = talloc_asprintf(ctx, "%s is not a tetra-bridge journal (its meta table has no "
					  "schema_version): choose another state directory, or move that file away",
					  j->path);
	else
		*errmsg = talloc_asprintf(ctx, "%s is a tetra-bridge journal of schema version %" PRId64 ", this "
					  "tetra-bridge reads version %d: run the tetra-bridge that wrote it, or move "
					  "the file away", j->path, version, TB_JOURNAL_SCHEMA_VERSION);
	return -EIO;
}

/* Create what is missing, in one transaction (checked again inside it, in
 * case another process created the file in between). */
static int setup_schema(struct tb_journal *j, void *ctx, char **errmsg)
{
	int rc;

	rc = tb_journal__exec(j->db, "BEGIN IMMEDIATE");
	if (rc != SQLITE_OK) {
		*errmsg = unusable_msg(ctx, j->path, j->db, rc);
		return -EIO;
	}
	if (check_schema(j, ctx, errmsg) < 0)
		goto rollback;
	for (size_t i = 0; i < sizeof(schema_sql) / sizeof(schema_sql[0]); i++) {
		rc = tb_journal__exec(j->db, schema_sql[i]);
		if (rc != SQLITE_OK) {
			*errmsg = talloc_asprintf(ctx, "cannot create the tables of journal %s: %s", j->path,
						  sqlite3_errmsg(j->db));
			goto rollback;
		}
	}
	rc = tb_journal__exec(j->db, "COMMIT");
	if (rc != SQLITE_OK) {
		*errmsg = talloc_asprintf(ctx, "cannot create the tables of journal %s: %s", j->path,
					  sqlite3_errmsg(j->db));
		goto rollback;
	}
	return 0;

rollback:
	if (!sqlite3_get_autocommit(j->db))
		tb_journal__exec(j->db, "ROLLBACK");
	return -EIO;
}

static int prepare(struct tb_journal *j, sqlite3_stmt **st, const char *sql)
{
	/* PERSISTENT: these live as long as the journal. */
	return sqlite3_prepare_v3(j->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
}

/* Create the file ourselves, 0600 whatever the umask, before SQLite opens
 * it (SQLite gives the -wal and -shm files the mode of the database). */
static int create_file(const char *path, bool *created)
{
	int fd;

	*created = false;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return 0;
		return -errno;
	}
	*created = true;
	if (fchmod(fd, 0600) < 0) {
		int e = errno;
		close(fd);
		unlink(path);
		return -e;
	}
	close(fd);
	return 0;
}

/* The state directory, created 0700 when missing. Returns 0 or -errno
 * with *errmsg set. */
static int open_state_dir(struct tb_journal *j, void *ctx, char **errmsg)
{
	char *failed = NULL;
	struct stat st;
	int rc;

	rc = mkdir_p(j, j->dir, &failed);
	if (rc < 0) {
		if (failed && strcmp(failed, j->dir))
			*errmsg = talloc_asprintf(ctx, "cannot create state directory %s: %s: %s (check `state-dir` "
						  "and what the daemon's user may create there)", j->dir, failed,
						  strerror(-rc));
		else
			*errmsg = talloc_asprintf(ctx, "cannot create state directory %s: %s (check `state-dir` and "
						  "what the daemon's user may create there)", j->dir, strerror(-rc));
		return rc;
	}
	if (stat(j->dir, &st) == 0 && (st.st_mode & 0077))
		LOGP(DJOURNAL, LOGL_NOTICE, "state directory %s can be read by other users (mode %04o), and the "
		     "journal holds health data: chmod 0700 %s\n", j->dir, (unsigned)(st.st_mode & 07777), j->dir);
	return 0;
}

/* The database file, created 0600 when missing (*created says so), opened
 * with SQLite. Returns 0 or -errno with *errmsg set. */
static int open_db_file(struct tb_journal *j, void *ctx, char **errmsg, bool *created)
{
	struct stat st;
	int rc;

	rc = create_file(j->path, created);
	if (rc < 0) {
		*errmsg = talloc_asprintf(ctx, "cannot create journal %s: %s (the daemon's user must own %s)",
					  j->path, strerror(-rc), j->dir);
		return rc;
	}
	if (!*created && stat(j->path, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			*errmsg = talloc_asprintf(ctx, "%s is not a tetra-bridge journal (not a regular file): "
						  "move it away", j->path);
			return -EINVAL;
		}
		if (st.st_mode & 0077)
			LOGP(DJOURNAL, LOGL_NOTICE, "journal %s can be read by other users (mode %04o), and it holds "
			     "health data: chmod 0600 %s*\n", j->path, (unsigned)(st.st_mode & 07777), j->path);
	}

	rc = sqlite3_open_v2(j->path, &j->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		*errmsg = talloc_asprintf(ctx, "cannot open journal %s: %s (the daemon's user must be able to read "
					  "and write it and create files in %s)", j->path,
					  j->db ? sqlite3_errmsg(j->db) : sqlite3_errstr(rc), j->dir);
		return -EIO;
	}
	sqlite3_extended_result_codes(j->db, 1);
	sqlite3_busy_timeout(j->db, TB_JOURNAL_BUSY_TIMEOUT_MS);
	return 0;
}

/* WAL mode. journal_mode answers with the mode in effect; WAL needs shared
 * memory, which some network file systems lack: then the journal goes on
 * in the mode it has. Returns an SQLite code. */
static int set_wal_mode(struct tb_journal *j)
{
	sqlite3_stmt *jm = NULL;
	const char *m = NULL;
	int rc;

	rc = sqlite3_prepare_v2(j->db, "PRAGMA journal_mode = WAL", -1, &jm, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(jm)) == SQLITE_ROW)
		m = (const char *)sqlite3_column_text(jm, 0);
	if (m && strcmp(m, "wal"))
		LOGP(DJOURNAL, LOGL_NOTICE, "journal %s: cannot use WAL mode (now \"%s\"); events are still "
		     "stored before they are published, but readers block writes: put the state "
		     "directory on a local file system\n", j->path, m);
	sqlite3_finalize(jm);
	return m ? SQLITE_OK : rc;
}

/* The pragmas, in the order SQLite needs them, and the check of what the
 * file holds. Returns 0 or -EIO with *errmsg set. */
static int set_pragmas(struct tb_journal *j, void *ctx, char **errmsg)
{
	int rc;

	/* The daemon is the journal's only user (clients read it through
	 * Replay): holding the lock keeps SQLite from taking and dropping
	 * file locks on every event (5-6 fcntl calls each), and its WAL index
	 * lives in memory rather than in a shared -shm file. Set before the
	 * first access, so that WAL mode starts this way. */
	rc = j->cfg.shared_lock ? SQLITE_OK : tb_journal__exec(j->db, "PRAGMA locking_mode = EXCLUSIVE");
	if (rc != SQLITE_OK)
		goto unusable;

	rc = check_schema(j, ctx, errmsg);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		/* A new database: auto_vacuum can only be chosen before the
		 * first table exists, and before WAL mode writes the header. */
		rc = tb_journal__exec(j->db, "PRAGMA auto_vacuum = INCREMENTAL");
		if (rc != SQLITE_OK)
			goto unusable;
	}

	rc = set_wal_mode(j);
	if (rc != SQLITE_OK)
		goto unusable;
	rc = tb_journal__exec(j->db, j->cfg.sync_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
	if (rc == SQLITE_OK) {
		char sql[64];

		snprintf(sql, sizeof(sql), "PRAGMA journal_size_limit = %d", TB_JOURNAL_WAL_LIMIT);
		rc = tb_journal__exec(j->db, sql);
	}
	if (rc != SQLITE_OK)
		goto unusable;
	return 0;

unusable:
	*errmsg = unusable_msg(ctx, j->path, j->db, rc);
	return -EIO;
}

/* The statements used with every event, prepared once. Returns 0 or -EIO
 * with *errmsg set. */
static int prepare_statements(struct tb_journal *j, void *ctx, char **errmsg)
{
	if (prepare(j, &j->st_append, "INSERT INTO events(seq, time_us, kind, radio, body) VALUES (?1, ?2, ?3, ?4, ?5)")
	    || prepare(j, &j->st_read, "SELECT seq, body FROM events WHERE seq >= ?1 ORDER BY seq LIMIT ?2")
	    || prepare(j, &j->st_first, "SELECT min(seq) FROM events")
	    || prepare(j, &j->st_last, "SELECT max(seq) FROM events")
	    || prepare(j, &j->st_begin, "BEGIN IMMEDIATE")
	    || prepare(j, &j->st_commit, "COMMIT")
	    || prepare(j, &j->st_rollback, "ROLLBACK")) {
		*errmsg = talloc_asprintf(ctx, "cannot use journal %s: %s", j->path, sqlite3_errmsg(j->db));
		return -EIO;
	}
	return 0;
}

/* Is [first, last] in the lost table already (found at an earlier open,
 * with no event stored since)? */
static bool lost_known(struct tb_journal *j, uint64_t first, uint64_t last)
{
	char sql[160];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM lost WHERE first_seq <= %" PRIu64 " AND last_seq >= %" PRIu64,
		 first, last);
	return tb_journal__query_int(j->db, sql) > 0;
}

struct tb_journal *tb_journal_open(void *ctx, const struct tb_journal_cfg *cfg, char **errmsg)
{
	struct tb_journal *j;
	bool created;
	char *dummy = NULL;

	if (!errmsg)
		errmsg = &dummy;
	*errmsg = NULL;
	if (!cfg || !cfg->state_dir || !cfg->state_dir[0]) {
		*errmsg = talloc_strdup(ctx, "no state directory configured for the journal: set `state-dir`");
		j = NULL;
		goto fail;
	}

	j = talloc_zero(ctx, struct tb_journal);
	if (!j)
		goto nomem;
	INIT_LLIST_HEAD(&j->backlog);
	INIT_LLIST_HEAD(&j->lost);
	j->mark_fd = -1;
	talloc_set_destructor(j, tb_journal_talloc_destructor);
	if (tb_journal__counters_alloc(j) < 0)
		goto nomem;
	j->cfg = *cfg;
	j->dir = talloc_strdup(j, cfg->state_dir);
	if (!j->dir)
		goto nomem;
	for (size_t n = strlen(j->dir); n > 1 && j->dir[n - 1] == '/'; n--)
		j->dir[n - 1] = '\0';
	j->path = talloc_asprintf(j, "%s/%s", j->dir, TB_JOURNAL_FILE);
	if (!j->path)
		goto nomem;
	j->cfg.state_dir = j->dir;

	if (open_state_dir(j, ctx, errmsg) < 0 || open_db_file(j, ctx, errmsg, &created) < 0 ||
	    set_pragmas(j, ctx, errmsg) < 0 || setup_schema(j, ctx, errmsg) < 0 ||
	    prepare_statements(j, ctx, errmsg) < 0 || tb_journal__mark_open(j, ctx, errmsg) < 0)
		goto fail;

	if (sqlite3_step(j->st_last) == SQLITE_ROW) {
		j->last_seq = (uint64_t)sqlite3_column_int64(j->st_last, 0);
	} else {
		*errmsg = talloc_asprintf(ctx, "cannot read journal %s: %s", j->path, sqlite3_errmsg(j->db));
		sqlite3_reset(j->st_last);
		goto fail;
	}
	sqlite3_reset(j->st_last);
	j->last_offered = j->last_seq > j->mark ? j->last_seq : j->mark;
	if (j->mark > j->last_seq && !lost_known(j, j->last_seq + 1, j->mark)) {
		/* Published from memory, then the daemon stopped before the
		 * disk took them; or published after the backup this database
		 * was restored from (the mark holds the last seq at every
		 * stop): gone, and never to be handed out again. */
		LOGP(DJOURNAL, LOGL_ERROR, "journal %s: events seq %" PRIu64 " to %" PRIu64 " were published but "
		     "never stored (the disk was full when the daemon stopped), or the journal was restored from "
		     "an older backup; they are lost, and the seq continues after them\n", j->path,
		     j->last_seq + 1, j->mark);
		tb_journal__lost_add(j, j->last_seq + 1, j->mark,
				     "published while the journal could not store them and the bridge stopped before "
				     "it could, or after the backup the journal was restored from");
		tb_journal__lost_store(j);
	}

	tb_journal__measure(j);
	LOGP(DJOURNAL, LOGL_NOTICE, "journal %s: %s, last seq %" PRIu64 "\n", j->path,
	     created ? "created" : "opened", j->last_offered);
	return j;

nomem:
	*errmsg = talloc_strdup(ctx, "cannot open the journal: out of memory");
fail:
	if (dummy)
		talloc_free(dummy);
	talloc_free(j);
	return NULL;
}
