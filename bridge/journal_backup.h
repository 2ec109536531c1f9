/* Online backups of the journal: a copy of its database (events, lost
 * ranges, the outgoing queue, the call-outs) to a file, taken while the
 * daemon runs. The daemon holds the database alone (locking_mode
 * EXCLUSIVE), so no other process can copy it consistently: this is how.
 *
 * How: SQLite's online backup API on the journal's own connection,
 * TB_BACKUP_STEP_PAGES pages per step, one step per turn of the event loop
 * (an osmo_timer at 0 ms), so radios and clients are served between steps
 * and the stream never stops. Events stored while the copy runs go into
 * the pages already copied too (SQLite updates the copy when its own
 * connection writes), so the finished copy is the database as it was at
 * its last step: every event up to the newest stored then.
 *
 * The file: an absolute path that does not exist yet, in a folder the
 * daemon's user may write. The copy is written to "<FILE>.partial"
 * (created 0600: it holds health data), turned into a plain one-file
 * database (rollback journal, not WAL: it can be read or copied on its
 * own), synced, and only then linked to FILE (never replacing a file that
 * appeared meanwhile). A copy that fails or is abandoned (the daemon
 * stops) leaves nothing behind.
 *
 * One backup runs at a time; the last TB_BACKUP_KEEP are remembered with
 * their outcome, by id (1, 2, ... in this run of the daemon).
 *
 * Health data: the log names the file and seq numbers only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdint.h>

struct tb_journal;
struct tb_backups;

#define TB_BACKUP_STEP_PAGES 100
#define TB_BACKUP_KEEP 8
#define TB_BACKUP_PARTIAL_SUFFIX ".partial"

enum tb_backup_state {
	TB_BACKUP_RUNNING,
	TB_BACKUP_DONE,
	TB_BACKUP_FAILED,
};

struct tb_backup_status {
	uint64_t id;
	enum tb_backup_state state;
	const char *path;
	uint64_t pages_done, pages_total;
	uint64_t first_seq, last_seq;	/* DONE: the oldest and newest event in the copy (0: none) */
	uint64_t bytes;			/* DONE: the file's size */
	uint64_t started_us, finished_us;	/* wall clock, µs since the epoch; finished 0 while running */
	unsigned steps;			/* steps taken so far */
	uint64_t longest_step_us;	/* the longest one (the event loop waited that long at most) */
	uint64_t busy_us;		/* all steps together */
	const char *error;		/* FAILED: what went wrong, a sentence; else "" */
};

/* The backups of journal j.
 * Ownership: a talloc child of j: freeing the journal frees it, and
 * abandons a backup still running (its partial file is removed). */
struct tb_backups *tb_backups_alloc(struct tb_journal *j);

/* Start a backup to path. Returns 0 with *id set, or -EINVAL (not an
 * absolute path), -EEXIST (path, or its partial file, exists), -EBUSY (a
 * backup runs), -ENOMEM, or -errno from creating the partial file, each
 * with a sentence for people in *errmsg (talloc'ed under ctx). */
int tb_backup_start(struct tb_backups *bk, const char *path, uint64_t *id, void *ctx, char **errmsg);

/* A backup's state by id (0: the newest); NULL when no such backup is
 * remembered. Valid until the next turn of the event loop. */
const struct tb_backup_status *tb_backup_status(const struct tb_backups *bk, uint64_t id);

/* The remembered backups, oldest first: calls cb for each. */
void tb_backup_foreach(const struct tb_backups *bk, void (*cb)(const struct tb_backup_status *st, void *data),
		       void *data);
