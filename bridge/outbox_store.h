/* The outgoing queue's table: every client message from the moment it is
 * queued until it reaches a final state, so that a restart loses none.
 * Used by bridge/outbox.c only.
 *
 * The database is the journal's (tb_journal_db(): WAL, already open); this
 * module only adds its table and prepared statements to it and never
 * closes the connection.
 *
 *   outbox(id INTEGER PRIMARY KEY AUTOINCREMENT, radio TEXT, kind,
 *          to_type, to_mcc, to_mnc, to_ssi, status_value, text TEXT,
 *          report_request, long_report, deadline_us, created_us,
 *          client TEXT, state, parts, msg_refs BLOB, taken, sent,
 *          delivered, consumed, attempts, report_due_us,
 *          immediate, payload BLOB)
 *
 * immediate and payload (a call-out PDU's octets) came with call-outs: a
 * table an older version created gets them with ALTER TABLE when the store
 * opens (its rows stay, as texts that are not immediate and no payload).
 *
 * AUTOINCREMENT: a message id is never handed out twice, even when the
 * newest message was deleted before a restart (clients keep ids).
 * taken/sent/delivered/consumed are bitmasks over the parts (bit i: part i).
 *
 * Health data: the table holds texts and destinations (the file is the
 * journal's, mode 0600); logs say ids and SQLite's error text only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codecs/tetra_prim.h"

struct sqlite3;
struct tb_outbox_store;

#define TB_OUTBOX_MAX_PARTS 16

/* One stored message. Strings are not owned by the row: on insert/update
 * they are read, during a load callback they point into SQLite's memory and
 * are valid only during the callback. */
struct tb_outbox_row {
	uint64_t id;			/* set by insert */
	uint8_t kind;			/* enum tb_out_kind */
	struct tetra_identity to;	/* type, mcc, mnc, ssi (no digits) */
	uint16_t status_value;
	const char *text;		/* UTF-8, text_len bytes (NULL: none) */
	size_t text_len;
	bool immediate;			/* text: immediate text */
	const uint8_t *payload;		/* call-out PDU: payload_len octets (NULL: none) */
	size_t payload_len;
	uint8_t report_request;
	bool long_report;
	uint64_t deadline_us;		/* absolute, microseconds since the epoch */
	uint64_t created_us;
	const char *client;		/* "" when nobody was named */
	uint8_t state;			/* Tetrabridge__V1__Outgoing__State */
	uint8_t parts;			/* 1..16 */
	uint8_t msg_refs[TB_OUTBOX_MAX_PARTS];
	uint16_t taken, sent, delivered, consumed;	/* per part, bit i = part i */
	uint32_t attempts;
	uint64_t report_due_us;		/* 0: not waiting for a report */
};

/* Create the table in db if missing (add the columns an older version's
 * table lacks) and prepare the statements. Returns
 * NULL and a sentence for people in *errmsg (talloc'ed under ctx).
 * Ownership: a talloc child of ctx; tb_outbox_store_destroy() frees it, and
 * so does freeing ctx. */
struct tb_outbox_store *tb_outbox_store_open(void *ctx, struct sqlite3 *db, char **errmsg);

/* Finalize the statements (the connection stays open: it is the
 * journal's); frees the store and sets *s to NULL. s and *s may be NULL. */
void tb_outbox_store_destroy(struct tb_outbox_store **s);

/* Store a new message of radio; sets row->id. Returns 0 or -EIO. */
int tb_outbox_store_insert(struct tb_outbox_store *s, const char *radio, struct tb_outbox_row *row);

/* Store a message's progress: state, msg_refs, the part masks, attempts,
 * report_due_us (the rest never changes). Returns 0, -ENOENT (no such id)
 * or -EIO. */
int tb_outbox_store_update(struct tb_outbox_store *s, const struct tb_outbox_row *row);

/* Forget a message (it reached a final state). Returns 0 (also when it
 * was not there) or -EIO. */
int tb_outbox_store_delete(struct tb_outbox_store *s, uint64_t id);

/* Called for each stored message of a radio, in id order. Return 0 to go
 * on, anything else to stop the load (tb_outbox_store_load returns it). */
typedef int (*tb_outbox_store_load_cb)(const struct tb_outbox_row *row, void *data);

/* Load radio's messages in id order. Returns how many were passed to cb,
 * -EIO, or what cb returned when it stopped the load. Rows that cannot be
 * right (parts outside 1..16, unknown kind) are skipped and logged. */
int tb_outbox_store_load(struct tb_outbox_store *s, const char *radio, tb_outbox_store_load_cb cb, void *data);

/* Stored messages of every radio (for tests and `show`); -EIO on error. */
int64_t tb_outbox_store_count(struct tb_outbox_store *s);
