/* The call-outs' tables, in the journal's database (tb_journal_db(): WAL,
 * already open; this module adds its tables and statements and never closes
 * the connection):
 *
 *   callout(id INTEGER PRIMARY KEY AUTOINCREMENT, created_us, closed_us,
 *           open, snapshot BLOB)
 *   callout_history(callout_id, seq, time_us, change BLOB)
 *
 * snapshot is the packed Callout (responders, their states, deadlines,
 * positions and notes included): everything a restart needs. change is a
 * packed CalloutChange without its snapshot: the history of a call-out and
 * the source of the response-time report. AUTOINCREMENT: an id is never
 * handed out twice.
 *
 * Health data: snapshots hold the call-out text, notes and positions; they
 * are removed from closed call-outs after the retention time
 * (tb_callout_store_scrub()). Logs say ids and SQLite's error text only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sqlite3;
struct tb_callout_store;

/* Create the tables if missing and prepare the statements. NULL with a
 * sentence in *errmsg (talloc'ed under ctx) on failure.
 * Ownership: a talloc child of ctx; tb_callout_store_destroy() frees it. */
struct tb_callout_store *tb_callout_store_open(void *ctx, struct sqlite3 *db, char **errmsg);
void tb_callout_store_destroy(struct tb_callout_store **s);

/* A new row for a call-out created at created_us; *id is its id.
 * Returns 0 or -EIO. */
int tb_callout_store_new(struct tb_callout_store *s, uint64_t created_us, uint64_t *id);
/* Store the call-out's snapshot (and whether it is open, when it closed).
 * Returns 0, -ENOENT or -EIO. */
int tb_callout_store_save(struct tb_callout_store *s, uint64_t id, bool open, uint64_t closed_us,
			  const uint8_t *snapshot, size_t len);
/* Add one history line. Returns 0 or -EIO. */
int tb_callout_store_history_add(struct tb_callout_store *s, uint64_t callout_id, uint64_t seq, uint64_t time_us,
				 const uint8_t *change, size_t len);

/* Called per row; return non-zero to stop (the loader returns it). Blobs
 * are valid during the call only. */
typedef int (*tb_callout_store_row_cb)(uint64_t id, const uint8_t *snapshot, size_t len, void *data);
typedef int (*tb_callout_store_history_cb)(uint64_t seq, uint64_t time_us, const uint8_t *change, size_t len,
					   void *data);

/* The call-outs that are open, or closed at or after closed_since_us, by id. */
int tb_callout_store_load_board(struct tb_callout_store *s, uint64_t closed_since_us, tb_callout_store_row_cb cb,
				void *data);
/* One call-out, open or not (-ENOENT when there is none). */
int tb_callout_store_get(struct tb_callout_store *s, uint64_t id, tb_callout_store_row_cb cb, void *data);
/* Call-outs created in [since_us, until_us) with id > after_id, by id. */
int tb_callout_store_range(struct tb_callout_store *s, uint64_t since_us, uint64_t until_us, uint64_t after_id,
			   tb_callout_store_row_cb cb, void *data);
/* A call-out's history, oldest first; the newest `max` lines (0: all). */
int tb_callout_store_history(struct tb_callout_store *s, uint64_t callout_id, unsigned max,
			     tb_callout_store_history_cb cb, void *data);
/* Closed before before_us and still holding texts, notes or positions
 * (retention): by id, at most max. The caller removes them and saves the
 * snapshot with tb_callout_store_save_scrubbed(). */
int tb_callout_store_to_scrub(struct tb_callout_store *s, uint64_t before_us, unsigned max,
			      tb_callout_store_row_cb cb, void *data);
int tb_callout_store_save_scrubbed(struct tb_callout_store *s, uint64_t id, const uint8_t *snapshot, size_t len);
