/* The call-outs' SQLite tables; see callout_store.h.
 *
 * Health data: snapshots hold texts, notes and positions; nothing of them
 * is ever logged, only ids and SQLite's error text.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/callout_store.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sqlite3.h>
#include <osmocom/core/talloc.h>

#include "common/logging.h"

struct tb_callout_store {
	sqlite3 *db;		/* the journal's */
	sqlite3_stmt *st_new;
	sqlite3_stmt *st_save;
	sqlite3_stmt *st_history_add;
	sqlite3_stmt *st_board;
	sqlite3_stmt *st_get;
	sqlite3_stmt *st_range;
	sqlite3_stmt *st_history;
	sqlite3_stmt *st_to_scrub;
	sqlite3_stmt *st_scrubbed;
	bool failing;		/* the last write failed: say so once, and once when it works again */
};

/* scrubbed: 1 once retention removed texts, notes and positions. */
static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS callout ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" created_us INTEGER NOT NULL,"
	" closed_us INTEGER NOT NULL DEFAULT 0,"
	" open INTEGER NOT NULL DEFAULT 1,"
	" scrubbed INTEGER NOT NULL DEFAULT 0,"
	" snapshot BLOB);"
	"CREATE INDEX IF NOT EXISTS callout_created ON callout(created_us);"
	"CREATE INDEX IF NOT EXISTS callout_open ON callout(open, closed_us);"
	"CREATE TABLE IF NOT EXISTS callout_history ("
	" callout_id INTEGER NOT NULL,"
	" seq INTEGER NOT NULL,"
	" time_us INTEGER NOT NULL,"
	" change BLOB NOT NULL);"
	"CREATE INDEX IF NOT EXISTS callout_history_id ON callout_history(callout_id, seq);";

static int store_destructor(struct tb_callout_store *s)
{
	sqlite3_stmt **st[] = { &s->st_new, &s->st_save, &s->st_history_add, &s->st_board, &s->st_get,
				&s->st_range, &s->st_history, &s->st_to_scrub, &s->st_scrubbed };

	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		sqlite3_finalize(*st[i]);
		*st[i] = NULL;
	}
	return 0;
}

static int prepare(struct tb_callout_store *s, sqlite3_stmt **st, const char *sql)
{
	/* PERSISTENT: these live as long as the store. */
	return sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
}

struct tb_callout_store *tb_callout_store_open(void *ctx, struct sqlite3 *db, char **errmsg)
{
	struct tb_callout_store *s;

	*errmsg = NULL;
	if (!db) {
		*errmsg = talloc_strdup(ctx, "the call-outs have no database (the journal is not open)");
		return NULL;
	}
	s = talloc_zero(ctx, struct tb_callout_store);
	if (!s) {
		*errmsg = talloc_strdup(ctx, "out of memory");
		return NULL;
	}
	s->db = db;
	talloc_set_destructor(s, store_destructor);
	if (sqlite3_exec(db, schema_sql, NULL, NULL, NULL) != SQLITE_OK) {
		*errmsg = talloc_asprintf(ctx, "cannot create the call-out tables in the journal database: %s; "
					  "check the state directory (disk full? permissions?)", sqlite3_errmsg(db));
		talloc_free(s);
		return NULL;
	}
	if (prepare(s, &s->st_new, "INSERT INTO callout (created_us) VALUES (?1)") != SQLITE_OK ||
	    prepare(s, &s->st_save,
		    "UPDATE callout SET open = ?2, closed_us = ?3, snapshot = ?4 WHERE id = ?1") != SQLITE_OK ||
	    prepare(s, &s->st_history_add,
		    "INSERT INTO callout_history (callout_id, seq, time_us, change) VALUES (?1, ?2, ?3, ?4)")
		    != SQLITE_OK ||
	    prepare(s, &s->st_board,
		    "SELECT id, snapshot FROM callout WHERE snapshot IS NOT NULL AND (open = 1 OR closed_us >= ?1) "
		    "ORDER BY id") != SQLITE_OK ||
	    prepare(s, &s->st_get, "SELECT id, snapshot FROM callout WHERE id = ?1 AND snapshot IS NOT NULL")
		    != SQLITE_OK ||
	    prepare(s, &s->st_range,
		    "SELECT id, snapshot FROM callout WHERE created_us >= ?1 AND created_us < ?2 AND id > ?3 "
		    "AND snapshot IS NOT NULL ORDER BY id") != SQLITE_OK ||
	    prepare(s, &s->st_history,
		    "SELECT seq, time_us, change FROM (SELECT seq, time_us, change FROM callout_history "
		    "WHERE callout_id = ?1 ORDER BY seq DESC LIMIT ?2) ORDER BY seq") != SQLITE_OK ||
	    prepare(s, &s->st_to_scrub,
		    "SELECT id, snapshot FROM callout WHERE open = 0 AND scrubbed = 0 AND closed_us < ?1 "
		    "AND snapshot IS NOT NULL ORDER BY id LIMIT ?2") != SQLITE_OK ||
	    prepare(s, &s->st_scrubbed, "UPDATE callout SET scrubbed = 1, snapshot = ?2 WHERE id = ?1") != SQLITE_OK) {
		*errmsg = talloc_asprintf(ctx, "cannot use the call-out tables in the journal database: %s; "
					  "move the database away if it was written by another program",
					  sqlite3_errmsg(db));
		talloc_free(s);
		return NULL;
	}
	return s;
}

void tb_callout_store_destroy(struct tb_callout_store **s)
{
	if (!s || !*s)
		return;
	talloc_free(*s);
	*s = NULL;
}

/* Run a write statement to its end; say once when writing fails, and once
 * when it works again. */
static int write_step(struct tb_callout_store *s, sqlite3_stmt *st, const char *what, uint64_t id)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		if (!s->failing)
			LOGP(DJOURNAL, LOGL_ERROR, "call-out %" PRIu64 ": cannot %s: %s\n", id, what,
			     sqlite3_errmsg(s->db));
		s->failing = true;
		return -EIO;
	}
	if (s->failing)
		LOGP(DJOURNAL, LOGL_NOTICE, "call-out %" PRIu64 ": storing call-outs works again\n", id);
	s->failing = false;
	return 0;
}

int tb_callout_store_new(struct tb_callout_store *s, uint64_t created_us, uint64_t *id)
{
	int rc;

	sqlite3_bind_int64(s->st_new, 1, (sqlite3_int64)created_us);
	rc = write_step(s, s->st_new, "store a new call-out", 0);
	if (rc < 0)
		return rc;
	*id = (uint64_t)sqlite3_last_insert_rowid(s->db);
	return 0;
}

int tb_callout_store_save(struct tb_callout_store *s, uint64_t id, bool open, uint64_t closed_us,
			  const uint8_t *snapshot, size_t len)
{
	int rc;

	sqlite3_bind_int64(s->st_save, 1, (sqlite3_int64)id);
	sqlite3_bind_int(s->st_save, 2, open ? 1 : 0);
	sqlite3_bind_int64(s->st_save, 3, (sqlite3_int64)closed_us);
	sqlite3_bind_blob64(s->st_save, 4, snapshot, len, SQLITE_STATIC);
	rc = write_step(s, s->st_save, "store the call-out", id);
	if (rc < 0)
		return rc;
	return sqlite3_changes(s->db) ? 0 : -ENOENT;
}

int tb_callout_store_history_add(struct tb_callout_store *s, uint64_t callout_id, uint64_t seq, uint64_t time_us,
				 const uint8_t *change, size_t len)
{
	sqlite3_bind_int64(s->st_history_add, 1, (sqlite3_int64)callout_id);
	sqlite3_bind_int64(s->st_history_add, 2, (sqlite3_int64)seq);
	sqlite3_bind_int64(s->st_history_add, 3, (sqlite3_int64)time_us);
	sqlite3_bind_blob64(s->st_history_add, 4, change, len, SQLITE_STATIC);
	return write_step(s, s->st_history_add, "store a line of the call-out's history", callout_id);
}

/* Step a (bound) SELECT of (id, snapshot) rows through cb. */
static int read_rows(struct tb_callout_store *s, sqlite3_stmt *st, tb_callout_store_row_cb cb, void *data)
{
	int rc, n = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		uint64_t id = (uint64_t)sqlite3_column_int64(st, 0);
		const uint8_t *blob = sqlite3_column_blob(st, 1);
		size_t len = (size_t)sqlite3_column_bytes(st, 1);
		int r = cb(id, blob, len, data);

		if (r) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return r;
		}
		n++;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		LOGP(DJOURNAL, LOGL_ERROR, "cannot read the stored call-outs: %s\n", sqlite3_errmsg(s->db));
		return -EIO;
	}
	return n;
}

int tb_callout_store_load_board(struct tb_callout_store *s, uint64_t closed_since_us, tb_callout_store_row_cb cb,
				void *data)
{
	sqlite3_bind_int64(s->st_board, 1, (sqlite3_int64)closed_since_us);
	return read_rows(s, s->st_board, cb, data);
}

int tb_callout_store_get(struct tb_callout_store *s, uint64_t id, tb_callout_store_row_cb cb, void *data)
{
	int rc;

	sqlite3_bind_int64(s->st_get, 1, (sqlite3_int64)id);
	rc = read_rows(s, s->st_get, cb, data);
	return rc == 0 ? -ENOENT : rc < 0 ? rc : 0;
}

int tb_callout_store_range(struct tb_callout_store *s, uint64_t since_us, uint64_t until_us, uint64_t after_id,
			   tb_callout_store_row_cb cb, void *data)
{
	sqlite3_bind_int64(s->st_range, 1, (sqlite3_int64)since_us);
	sqlite3_bind_int64(s->st_range, 2, until_us > INT64_MAX ? INT64_MAX : (sqlite3_int64)until_us);
	sqlite3_bind_int64(s->st_range, 3, (sqlite3_int64)after_id);
	return read_rows(s, s->st_range, cb, data);
}

int tb_callout_store_history(struct tb_callout_store *s, uint64_t callout_id, unsigned max,
			     tb_callout_store_history_cb cb, void *data)
{
	sqlite3_stmt *st = s->st_history;
	int rc, n = 0;

	sqlite3_bind_int64(st, 1, (sqlite3_int64)callout_id);
	sqlite3_bind_int64(st, 2, max ? (sqlite3_int64)max : -1);	/* LIMIT -1: all */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int r = cb((uint64_t)sqlite3_column_int64(st, 0), (uint64_t)sqlite3_column_int64(st, 1),
			   sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2), data);

		if (r) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return r;
		}
		n++;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		LOGP(DJOURNAL, LOGL_ERROR, "call-out %" PRIu64 ": cannot read its history: %s\n", callout_id,
		     sqlite3_errmsg(s->db));
		return -EIO;
	}
	return n;
}

int tb_callout_store_to_scrub(struct tb_callout_store *s, uint64_t before_us, unsigned max,
			      tb_callout_store_row_cb cb, void *data)
{
	sqlite3_bind_int64(s->st_to_scrub, 1, (sqlite3_int64)before_us);
	sqlite3_bind_int64(s->st_to_scrub, 2, (sqlite3_int64)max);
	return read_rows(s, s->st_to_scrub, cb, data);
}

int tb_callout_store_save_scrubbed(struct tb_callout_store *s, uint64_t id, const uint8_t *snapshot, size_t len)
{
	sqlite3_bind_int64(s->st_scrubbed, 1, (sqlite3_int64)id);
	sqlite3_bind_blob64(s->st_scrubbed, 2, snapshot, len, SQLITE_STATIC);
	return write_step(s, s->st_scrubbed, "remove texts and positions past their retention", id);
}
