/* The journal: every event, stored before it is published, in one SQLite
 * database (WAL) under the state directory; and the database handle the
 * outgoing queue keeps its messages in (bridge/outbox_store.h).
 *
 * File: <state dir>/tetra-bridge.db (directory created 0700, file 0600:
 * it holds health data). Tables:
 *   events(seq INTEGER PRIMARY KEY, time_us, kind TEXT, radio TEXT, body BLOB)
 *     body is the packed Event exactly as published.
 *   meta(key TEXT PRIMARY KEY, value)   schema version, ...
 *   lost(first_seq INTEGER PRIMARY KEY, last_seq, time_us, reason)
 *     seqs handed out that no journal holds (see below)
 *
 * Durability: WAL with synchronous=NORMAL by default — an event is in the
 * database file's WAL before it is published, so killing the daemon (even
 * with SIGKILL) loses nothing; a power cut may lose the last moments.
 * `journal sync full` makes every event wait for fsync.
 *
 * When a write fails (disk full, I/O error) the event is kept in memory
 * (up to TB_JOURNAL_BACKLOG_MAX events and TB_JOURNAL_BACKLOG_MAX_BYTES) and
 * written with the next append or
 * by tb_journal_flush(); the failure is logged once at ERROR and once more
 * when writing works again. Only when the backlog is full is an event lost
 * to the journal (counted; it is still published).
 *
 * A seq is never handed out twice, across any stop: before an event that is
 * not stored returns from tb_journal_append() (it waits in memory, or is
 * lost), its seq is recorded in <state dir>/tetra-bridge.seq, a small file
 * rewritten in place (journal_mark.c), and so is the last seq handed out
 * when the journal closes (a database restored from an older backup then
 * goes on after it); tb_journal_next_seq() continues after the highest seq
 * either holds. Seqs handed out that no journal will
 * ever hold are "lost ranges": found at open (events that waited in memory
 * when the daemon stopped), or made at run time (the backlog was full).
 * They are kept in the table lost(first_seq, last_seq, time_us, reason),
 * written as soon as the database takes writes again, offered once to the
 * bridge to announce (tb_journal_take_lost) and answered by
 * tb_journal_lost_ranges() for replays.
 *
 * Retention: events older than max_age_s, and the oldest events while the
 * database is bigger than max_bytes, are deleted by tb_journal_prune() (the
 * bridge calls it periodically). The newest event is always kept, so the
 * seq always continues after a restart. "Bigger" counts the pages in use by
 * every table of the file (the outgoing queue's too); the file is created
 * with auto_vacuum=INCREMENTAL, so it shrinks as events are deleted.
 *
 * Health data: nothing of an event's content is logged; only seq numbers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TB_DEFAULT_STATE_DIR "./var"
#define TB_JOURNAL_FILE "tetra-bridge.db"
#define TB_JOURNAL_BACKLOG_MAX 100000
/* ... and at most this many bytes of them (bodies, kind, radio, bookkeeping). */
#define TB_JOURNAL_BACKLOG_MAX_BYTES (32u * 1024 * 1024)
#define TB_DEFAULT_RETENTION_DAYS 30
#define TB_DEFAULT_RETENTION_MB 1024

struct sqlite3;
struct tb_journal;

struct tb_journal_cfg {
	const char *state_dir;		/* created if missing */
	uint64_t max_age_s;		/* 0: no age limit */
	uint64_t max_bytes;		/* 0: no size limit */
	bool sync_full;			/* fsync every event */
	bool shared_lock;		/* let other processes read it while open (slower:
					 * SQLite then locks and unlocks the file for every
					 * event); default: this process holds it alone */
};

/* The journal's counters: a libosmocore rate counter group "journal" and a
 * stat item group of the same name (`show stats`, statsd, `show bridge`). */
enum tb_journal_ctr {
	TB_JOURNAL_CTR_WRITES,		/* events written */
	TB_JOURNAL_CTR_WRITE_ERRORS,	/* events that had to wait in memory (a failed or blocked write) */
	TB_JOURNAL_CTR_LOST,		/* events never written: the backlog was full */
	TB_JOURNAL_CTR_PRUNED,		/* events deleted by retention */
	TB_JOURNAL_CTR_LOST_RANGES,	/* lost ranges known (found at open or made since) */
};
enum tb_journal_stat {
	TB_JOURNAL_STAT_BACKLOG,	/* events waiting in memory now */
	TB_JOURNAL_STAT_BACKLOG_KIB,	/* the memory they take, KiB */
	TB_JOURNAL_STAT_SIZE_KIB,	/* the database's pages in use, KiB (measured at open and by prune) */
};
struct rate_ctr_group;
struct osmo_stat_item_group;

/* Open (or create) the journal. Returns NULL and a sentence for people in
 * *errmsg (talloc'ed under ctx; errmsg may be NULL), e.g. "cannot create
 * state directory ./var: Permission denied ...", "./var/tetra-bridge.db is not
 * a tetra-bridge journal ...".
 * Ownership: a talloc child of ctx; tb_journal_destroy() frees it, and so
 * does freeing ctx (without writing what waits in memory). */
struct tb_journal *tb_journal_open(void *ctx, const struct tb_journal_cfg *cfg, char **errmsg);

/* Write what waits in memory (if it can) and close the database; frees the
 * journal and sets *j to NULL. j and *j may be NULL. */
void tb_journal_destroy(struct tb_journal **j);

/* The database handle, for the outgoing queue's tables. */
struct sqlite3 *tb_journal_db(struct tb_journal *j);
const char *tb_journal_path(const struct tb_journal *j);

/* Highest seq stored (or waiting in memory); 0 for a new journal. An event
 * lost to the journal (-ENOSPC) does not count here, but its seq may not be
 * appended again either. */
uint64_t tb_journal_last_seq(const struct tb_journal *j);
/* The seq the next event must have: after every seq ever handed out,
 * stored or not, also before the last stop. 1 for a new journal. */
uint64_t tb_journal_next_seq(const struct tb_journal *j);

/* Seqs handed out that no journal holds, and why (for people). */
struct tb_journal_lost {
	uint64_t first_seq, last_seq;	/* inclusive */
	uint64_t time_us;		/* when the journal learnt it */
	const char *reason;		/* valid during the callback */
};
typedef void (*tb_journal_lost_cb)(const struct tb_journal_lost *l, void *data);

/* Give every lost range not given before (found at open, or made since),
 * oldest first, so that the bridge announces each once. Returns how many. */
int tb_journal_take_lost(struct tb_journal *j, tb_journal_lost_cb cb, void *data);
/* The lost ranges that overlap [from_seq, to_seq], in order, adjacent and
 * overlapping ones merged. Returns how many, or -EIO (logged). */
int tb_journal_lost_ranges(struct tb_journal *j, uint64_t from_seq, uint64_t to_seq, tb_journal_lost_cb cb,
			   void *data);
/* Lowest seq still stored (or, when nothing is stored, waiting in memory);
 * 0 when empty. */
uint64_t tb_journal_first_seq(struct tb_journal *j);

/* Store one event; seq must be greater than every seq before. body is the
 * packed Event. Returns 0 when it is written, 1 when it waits in memory
 * (the disk failed; it will be written later), or -ENOSPC when it is lost to
 * the journal (backlog full; a lost range), or -EINVAL (seq not increasing,
 * seq or time_us above INT64_MAX, body NULL with len > 0, or the seq is
 * already in the file: another process writes it). When it returns 1 or
 * -ENOSPC the seq is recorded in the seq mark: it may be published and will
 * not be handed out again. Cost: one autocommit INSERT (tens of µs,
 * synchronous=NORMAL; an fsync with sync_full); a pwrite of 24 bytes while
 * the disk fails. */
int tb_journal_append(struct tb_journal *j, uint64_t seq, uint64_t time_us, const char *kind,
		      const char *radio, const uint8_t *body, size_t len);

/* Try to write what waits in memory (in transactions of up to 1000
 * events). Returns the number still waiting. */
size_t tb_journal_flush(struct tb_journal *j);

/* One stored event; body valid only during the callback. Return non-zero
 * to stop reading. */
typedef int (*tb_journal_row_cb)(uint64_t seq, const uint8_t *body, size_t len, void *data);

/* Events with seq >= from_seq in order: at most max_events, and no more
 * than max_bytes of bodies (at least one event is given even when it alone
 * is bigger). Events still waiting in memory are included. The callback may
 * append, or read again. Returns the number of events given (0 when
 * max_events is 0 or nothing is at or after from_seq), -EINVAL (no j or
 * cb), or -EIO (logged). */
int tb_journal_read(struct tb_journal *j, uint64_t from_seq, unsigned max_events, size_t max_bytes,
		    tb_journal_row_cb cb, void *data);

/* Apply retention now (now_us: the current time in µs since the epoch).
 * Bounded work for the event loop: at most 10000 events deleted per call
 * (call again later for the rest). Returns the number of events deleted or
 * -EIO (logged). */
int tb_journal_prune(struct tb_journal *j, uint64_t now_us);

/* The counters (enum tb_journal_ctr; tb_ctr_get()) and stat items (enum
 * tb_journal_stat; tb_stat_get()); NULL for j NULL. */
const struct rate_ctr_group *tb_journal_ctrs(const struct tb_journal *j);
const struct osmo_stat_item_group *tb_journal_stat_items(const struct tb_journal *j);
