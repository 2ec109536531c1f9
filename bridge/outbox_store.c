/* The outgoing queue's SQLite table; see outbox_store.h.
 *
 * Health data: rows hold texts and destinations; nothing of a row but its
 * id is ever logged.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/outbox_store.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sqlite3.h>
#include <osmocom/core/talloc.h>

#include "common/logging.h"

struct tb_outbox_store {
	sqlite3 *db;		/* the journal's */
	sqlite3_stmt *st_insert;
	sqlite3_stmt *st_update;
	sqlite3_stmt *st_delete;
	sqlite3_stmt *st_load;
	sqlite3_stmt *st_count;
	bool failing;		/* the last write failed: say so once, and once when it works again */
};

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS outbox ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" radio TEXT NOT NULL,"
	" kind INTEGER NOT NULL,"
	" to_type INTEGER NOT NULL,"
	" to_mcc INTEGER NOT NULL DEFAULT 0,"
	" to_mnc INTEGER NOT NULL DEFAULT 0,"
	" to_ssi INTEGER NOT NULL,"
	" status_value INTEGER NOT NULL DEFAULT 0,"
	" text TEXT,"
	" report_request INTEGER NOT NULL DEFAULT 0,"
	" long_report INTEGER NOT NULL DEFAULT 0,"
	" deadline_us INTEGER NOT NULL,"
	" created_us INTEGER NOT NULL,"
	" client TEXT NOT NULL DEFAULT '',"
	" state INTEGER NOT NULL,"
	" parts INTEGER NOT NULL,"
	" msg_refs BLOB,"
	" taken INTEGER NOT NULL DEFAULT 0,"
	" sent INTEGER NOT NULL DEFAULT 0,"
	" delivered INTEGER NOT NULL DEFAULT 0,"
	" consumed INTEGER NOT NULL DEFAULT 0,"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" report_due_us INTEGER NOT NULL DEFAULT 0,"
	" immediate INTEGER NOT NULL DEFAULT 0,"
	" payload BLOB);"
	"CREATE INDEX IF NOT EXISTS outbox_radio ON outbox(radio, id);";

/* Columns newer than the table's first version: a database an older
 * version wrote has the table without them, and CREATE TABLE IF NOT EXISTS
 * leaves it so. Added at open; the defaults are what the old rows meant. */
static const struct {
	const char *name;
	const char *add_sql;
} added_columns[] = {
	{ "immediate", "ALTER TABLE outbox ADD COLUMN immediate INTEGER NOT NULL DEFAULT 0" },
	{ "payload", "ALTER TABLE outbox ADD COLUMN payload BLOB" },
};

#define COLS "id, kind, to_type, to_mcc, to_mnc, to_ssi, status_value, text, report_request, long_report, " \
	     "deadline_us, created_us, client, state, parts, msg_refs, taken, sent, delivered, consumed, " \
	     "attempts, report_due_us, immediate, payload"

static int store_destructor(struct tb_outbox_store *s)
{
	sqlite3_stmt **st[] = { &s->st_insert, &s->st_update, &s->st_delete, &s->st_load, &s->st_count };

	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		sqlite3_finalize(*st[i]);
		*st[i] = NULL;
	}
	return 0;
}

static int prepare(struct tb_outbox_store *s, sqlite3_stmt **st, const char *sql)
{
	/* PERSISTENT: these live as long as the store. */
	return sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
}

/* Does the outbox table have column name? 1, 0, or -EIO. */
static int has_column(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info('outbox') WHERE name = ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return -EIO;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -EIO;
}

/* Bring a table an older version created up to this one's columns. A
 * migration cut short (the daemon killed between two columns) goes on at
 * the next open: each ALTER TABLE is atomic on its own. */
static int add_missing_columns(sqlite3 *db)
{
	for (size_t i = 0; i < sizeof(added_columns) / sizeof(added_columns[0]); i++) {
		int has = has_column(db, added_columns[i].name);

		if (has < 0)
			return -EIO;
		if (has)
			continue;
		if (sqlite3_exec(db, added_columns[i].add_sql, NULL, NULL, NULL) != SQLITE_OK)
			return -EIO;
		LOGP(DJOURNAL, LOGL_NOTICE, "outgoing queue: the stored table gets column %s (written by an "
		     "older version)\n", added_columns[i].name);
	}
	return 0;
}

struct tb_outbox_store *tb_outbox_store_open(void *ctx, struct sqlite3 *db, char **errmsg)
{
	struct tb_outbox_store *s;

	*errmsg = NULL;
	if (!db) {
		*errmsg = talloc_strdup(ctx, "the outgoing queue has no database (the journal is not open)");
		return NULL;
	}
	s = talloc_zero(ctx, struct tb_outbox_store);
	if (!s) {
		*errmsg = talloc_strdup(ctx, "out of memory");
		return NULL;
	}
	s->db = db;
	talloc_set_destructor(s, store_destructor);
	if (sqlite3_exec(db, schema_sql, NULL, NULL, NULL) != SQLITE_OK) {
		*errmsg = talloc_asprintf(ctx, "cannot create the outgoing queue's table in the journal database: "
					  "%s; check the state directory (disk full? permissions?)",
					  sqlite3_errmsg(db));
		talloc_free(s);
		return NULL;
	}
	if (add_missing_columns(db) < 0) {
		*errmsg = talloc_asprintf(ctx, "cannot add the new columns to the outgoing queue's table in the "
					  "journal database: %s; check the state directory (disk full? "
					  "permissions?)", sqlite3_errmsg(db));
		talloc_free(s);
		return NULL;
	}
	if (prepare(s, &s->st_insert,
		    "INSERT INTO outbox (radio, kind, to_type, to_mcc, to_mnc, to_ssi, status_value, text, "
		    "report_request, long_report, deadline_us, created_us, client, state, parts, msg_refs, taken, "
		    "sent, delivered, consumed, attempts, report_due_us, immediate, payload) "
		    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
		    "?20, ?21, ?22, ?23, ?24)") != SQLITE_OK ||
	    prepare(s, &s->st_update,
		    "UPDATE outbox SET state = ?2, msg_refs = ?3, taken = ?4, sent = ?5, delivered = ?6, "
		    "consumed = ?7, attempts = ?8, report_due_us = ?9 WHERE id = ?1") != SQLITE_OK ||
	    prepare(s, &s->st_delete, "DELETE FROM outbox WHERE id = ?1") != SQLITE_OK ||
	    prepare(s, &s->st_load, "SELECT " COLS " FROM outbox WHERE radio = ?1 ORDER BY id") != SQLITE_OK ||
	    prepare(s, &s->st_count, "SELECT count(*) FROM outbox") != SQLITE_OK) {
		*errmsg = talloc_asprintf(ctx, "cannot use the outgoing queue's table in the journal database: %s; "
					  "move the database away if it was written by another program",
					  sqlite3_errmsg(db));
		talloc_free(s);
		return NULL;
	}
	return s;
}

void tb_outbox_store_destroy(struct tb_outbox_store **s)
{
	if (s)
		TALLOC_FREE(*s);
}

/* A write failed or worked: log the change, not every failure. */
static int write_result(struct tb_outbox_store *s, int rc, const char *what, uint64_t id)
{
	if (rc == SQLITE_DONE) {
		if (s->failing) {
			LOGP(DJOURNAL, LOGL_NOTICE, "outgoing queue: storing messages works again\n");
			s->failing = false;
		}
		return 0;
	}
	if (!s->failing)
		LOGP(DJOURNAL, LOGL_ERROR, "outgoing queue: cannot %s message %" PRIu64 ": %s (disk full? the state "
		     "directory's permissions?)\n", what, id, sqlite3_errmsg(s->db));
	else
		LOGP(DJOURNAL, LOGL_DEBUG, "outgoing queue: cannot %s message %" PRIu64 ": %s\n", what, id,
		     sqlite3_errmsg(s->db));
	s->failing = true;
	return -EIO;
}

int tb_outbox_store_insert(struct tb_outbox_store *s, const char *radio, struct tb_outbox_row *row)
{
	sqlite3_stmt *st = s->st_insert;
	int rc;

	if (row->parts < 1 || row->parts > TB_OUTBOX_MAX_PARTS)
		return -EINVAL;
	sqlite3_bind_text(st, 1, radio, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, row->kind);
	sqlite3_bind_int(st, 3, row->to.type);
	sqlite3_bind_int(st, 4, row->to.mcc);
	sqlite3_bind_int(st, 5, row->to.mnc);
	sqlite3_bind_int64(st, 6, row->to.ssi);
	sqlite3_bind_int(st, 7, row->status_value);
	if (row->text)
		sqlite3_bind_text(st, 8, row->text, (int)row->text_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 8);
	sqlite3_bind_int(st, 9, row->report_request);
	sqlite3_bind_int(st, 10, row->long_report);
	sqlite3_bind_int64(st, 11, (sqlite3_int64)row->deadline_us);
	sqlite3_bind_int64(st, 12, (sqlite3_int64)row->created_us);
	sqlite3_bind_text(st, 13, row->client ? row->client : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 14, row->state);
	sqlite3_bind_int(st, 15, row->parts);
	sqlite3_bind_blob(st, 16, row->msg_refs, row->parts, SQLITE_STATIC);
	sqlite3_bind_int(st, 17, row->taken);
	sqlite3_bind_int(st, 18, row->sent);
	sqlite3_bind_int(st, 19, row->delivered);
	sqlite3_bind_int(st, 20, row->consumed);
	sqlite3_bind_int64(st, 21, row->attempts);
	sqlite3_bind_int64(st, 22, (sqlite3_int64)row->report_due_us);
	sqlite3_bind_int(st, 23, row->immediate);
	if (row->payload)
		sqlite3_bind_blob(st, 24, row->payload, (int)row->payload_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 24);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		row->id = (uint64_t)sqlite3_last_insert_rowid(s->db);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return write_result(s, rc, "store new", 0);
}

int tb_outbox_store_update(struct tb_outbox_store *s, const struct tb_outbox_row *row)
{
	sqlite3_stmt *st = s->st_update;
	int rc;

	sqlite3_bind_int64(st, 1, (sqlite3_int64)row->id);
	sqlite3_bind_int(st, 2, row->state);
	sqlite3_bind_blob(st, 3, row->msg_refs, row->parts, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, row->taken);
	sqlite3_bind_int(st, 5, row->sent);
	sqlite3_bind_int(st, 6, row->delivered);
	sqlite3_bind_int(st, 7, row->consumed);
	sqlite3_bind_int64(st, 8, row->attempts);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)row->report_due_us);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (write_result(s, rc, "store the progress of", row->id) < 0)
		return -EIO;
	return sqlite3_changes(s->db) ? 0 : -ENOENT;
}

int tb_outbox_store_delete(struct tb_outbox_store *s, uint64_t id)
{
	sqlite3_stmt *st = s->st_delete;
	int rc;

	sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return write_result(s, rc, "delete", id);
}

static uint16_t col_mask(sqlite3_stmt *st, int col)
{
	return (uint16_t)(sqlite3_column_int64(st, col) & 0xffff);
}

int tb_outbox_store_load(struct tb_outbox_store *s, const char *radio, tb_outbox_store_load_cb cb, void *data)
{
	sqlite3_stmt *st = s->st_load;
	int n = 0, rc;

	sqlite3_bind_text(st, 1, radio, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tb_outbox_row row;
		const void *refs;
		int refs_len, parts, r;

		memset(&row, 0, sizeof(row));
		row.id = (uint64_t)sqlite3_column_int64(st, 0);
		row.kind = (uint8_t)sqlite3_column_int(st, 1);
		row.to.type = (uint8_t)sqlite3_column_int(st, 2);
		row.to.mcc = (uint16_t)sqlite3_column_int(st, 3);
		row.to.mnc = (uint16_t)sqlite3_column_int(st, 4);
		row.to.ssi = (uint32_t)sqlite3_column_int64(st, 5);
		row.status_value = (uint16_t)sqlite3_column_int(st, 6);
		row.text = (const char *)sqlite3_column_text(st, 7);
		row.text_len = row.text ? (size_t)sqlite3_column_bytes(st, 7) : 0;
		row.report_request = (uint8_t)sqlite3_column_int(st, 8);
		row.long_report = sqlite3_column_int(st, 9) != 0;
		row.deadline_us = (uint64_t)sqlite3_column_int64(st, 10);
		row.created_us = (uint64_t)sqlite3_column_int64(st, 11);
		row.client = (const char *)sqlite3_column_text(st, 12);
		if (!row.client)
			row.client = "";
		row.state = (uint8_t)sqlite3_column_int(st, 13);
		parts = sqlite3_column_int(st, 14);
		refs = sqlite3_column_blob(st, 15);
		refs_len = sqlite3_column_bytes(st, 15);
		if (parts < 1 || parts > TB_OUTBOX_MAX_PARTS || refs_len != parts) {
			LOGP(DJOURNAL, LOGL_ERROR, "outgoing queue: stored message %" PRIu64 " is damaged (%d parts); "
			     "skipped\n", row.id, parts);
			continue;
		}
		row.parts = (uint8_t)parts;
		memcpy(row.msg_refs, refs, parts);
		row.taken = col_mask(st, 16);
		row.sent = col_mask(st, 17);
		row.delivered = col_mask(st, 18);
		row.consumed = col_mask(st, 19);
		row.attempts = (uint32_t)sqlite3_column_int64(st, 20);
		row.report_due_us = (uint64_t)sqlite3_column_int64(st, 21);
		row.immediate = sqlite3_column_int(st, 22) != 0;
		row.payload = sqlite3_column_blob(st, 23);
		row.payload_len = row.payload ? (size_t)sqlite3_column_bytes(st, 23) : 0;
		r = cb(&row, data);
		if (r) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return r;
		}
		n++;
	}
	if (rc != SQLITE_DONE)
		LOGP(DJOURNAL, LOGL_ERROR, "outgoing queue: cannot read the stored messages: %s\n", sqlite3_errmsg(s->db));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? n : -EIO;
}

int64_t tb_outbox_store_count(struct tb_outbox_store *s)
{
	sqlite3_stmt *st = s->st_count;
	int64_t n = -EIO;

	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}
