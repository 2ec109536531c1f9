/* Private to bridge/journal.c and bridge/journal_open.c: the journal's
 * state and the SQL helpers both use. Not for any other code; the public
 * side is bridge/journal.h.
 *
 * Ownership: struct tb_journal is a talloc object (under the ctx given to
 * tb_journal_open); the strings, the backlog entries and the prepared
 * statements are its children or finalized by its destructor
 * (journal_open.c), which also closes the database handle.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <osmocom/core/linuxlist.h>
#include <sqlite3.h>

#include "bridge/journal.h"

/* One event waiting in memory because the disk failed. */
struct tb_journal_pending {
	struct llist_head list;
	uint64_t seq;
	uint64_t time_us;
	char *kind;		/* may be NULL */
	char *radio;		/* may be NULL */
	uint8_t *body;		/* right after the struct, then kind and radio */
	size_t len;
};

struct tb_journal {
	char *dir;
	char *path;
	struct tb_journal_cfg cfg;	/* state_dir points to dir */
	sqlite3 *db;

	sqlite3_stmt *st_append;
	sqlite3_stmt *st_read;
	sqlite3_stmt *st_first;
	sqlite3_stmt *st_last;
	sqlite3_stmt *st_begin;
	sqlite3_stmt *st_commit;
	sqlite3_stmt *st_rollback;
	bool reading;			/* st_read is in use (a callback may read again) */

	uint64_t last_seq;		/* stored or waiting in memory */
	uint64_t last_offered;		/* highest seq accepted, including lost ones */

	struct llist_head backlog;	/* struct tb_journal_pending, by seq */
	uint64_t n_backlog;		/* events in it */
	uint64_t backlog_bytes;		/* the memory they take */
	unsigned backlog_gen;		/* changes whenever the backlog does */
	bool failing;			/* the ERROR was logged; NOTICE when it recovers */
	bool lost_logged;
	uint64_t recovered;		/* stored from memory since the failure */

	/* The seq mark (journal_mark.c). */
	char *mark_path;
	int mark_fd;			/* -1: none */
	uint64_t mark;			/* the highest seq recorded in it */
	bool mark_failing;		/* its last write failed (said once) */

	/* Lost ranges (struct tb_journal_lost_range): those not yet in the
	 * lost table, and those not yet given to tb_journal_take_lost(). */
	struct llist_head lost;		/* by first_seq */
	unsigned n_lost;
	bool lost_overflow_said;

	struct rate_ctr_group *ctrs;		/* enum tb_journal_ctr */
	struct osmo_stat_item_group *stats;	/* enum tb_journal_stat */
};

/* A lost range held in memory. */
struct tb_journal_lost_range {
	struct llist_head list;
	uint64_t first_seq, last_seq;
	uint64_t time_us;
	const char *reason;		/* a constant sentence */
	bool stored;			/* in the lost table */
	bool taken;			/* given to tb_journal_take_lost() */
};

/* At most this many lost ranges wait in memory (to be stored or taken). */
#define TB_JOURNAL_LOST_MAX 4096

/* The seq mark file (journal_mark.c): open it (reading the mark into
 * j->mark) under j->dir, close it, record seq in it (0 or -errno, said). */
int tb_journal__mark_open(struct tb_journal *j, void *ctx, char **errmsg);
void tb_journal__mark_close(struct tb_journal *j);
int tb_journal__mark_write(struct tb_journal *j, uint64_t seq);

/* A lost range [first, last] (journal.c); merged into the last one when it
 * follows it directly. */
void tb_journal__lost_add(struct tb_journal *j, uint64_t first, uint64_t last, const char *reason);
/* Store what is only in memory; returns 0, or -1 when the database refused. */
int tb_journal__lost_store(struct tb_journal *j);

/* Run one statement that returns no rows we need. Returns an SQLite code. */
int tb_journal__exec(sqlite3 *db, const char *sql);

/* One integer from a single-row query (a PRAGMA); -1 on error. */
int64_t tb_journal__query_int(sqlite3 *db, const char *sql);

/* The counter groups (journal.c), allocated under j; 0 or -ENOMEM. */
int tb_journal__counters_alloc(struct tb_journal *j);
/* Measure the bytes the database uses into the size stat item. */
void tb_journal__measure(struct tb_journal *j);
