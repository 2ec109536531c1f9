/* The journal: events in SQLite (WAL), a backlog in memory when the disk
 * fails, retention. See journal.h; the file, its pragmas and its schema
 * are set up in journal_open.c.
 *
 * Choices and why:
 * - Each append is one autocommit INSERT through a statement prepared at
 *   open: when tb_journal_append() returned 0 the event is in the WAL, so a
 *   SIGKILL right after loses nothing (synchronous=NORMAL only risks the
 *   last moments on power loss; `journal sync full` makes it fsync).
 * - events has no index on time_us: it would be a second B-tree page
 *   written with every append (measured: about +45% per append). Age
 *   retention instead looks at the oldest TB_JOURNAL_PRUNE_MAX_ROWS events
 *   by seq and deletes those of them that are old. Time follows seq except
 *   when the clock jumps; an event stamped in the future (a clock that was
 *   ahead) is kept until it is old, without holding back the older events
 *   behind it in that window. Only if more than a whole window of such
 *   events sit at the head does age retention wait for them; size
 *   retention still works then.
 * - Size retention measures the bytes in use, (page_count - freelist_count)
 *   * page_size. In WAL mode page_count is the database as this connection
 *   sees it (WAL included), so no checkpoint is needed to measure, and the
 *   figure covers every table (the outgoing queue lives here too) and the
 *   indexes, which a sum of body lengths would not. The database is created
 *   with auto_vacuum=INCREMENTAL, and prune releases the freed pages with
 *   PRAGMA incremental_vacuum (bounded) and a passive checkpoint, so the file
 *   really shrinks without a VACUUM that would rewrite everything and stop
 *   the event loop. A database created without auto_vacuum (by hand) still
 *   works; its file then only stops growing.
 * - Work per prune call is bounded (TB_JOURNAL_PRUNE_MAX_ROWS rows deleted,
 *   TB_JOURNAL_VACUUM_MAX_PAGES pages released) because it runs inside the
 *   event loop; the bridge calls it periodically, so a large excess is
 *   worked off over several calls.
 * - A failed write keeps the event in a talloc'ed list in seq order; every
 *   later append (and tb_journal_flush) first writes that list, in
 *   transactions of TB_JOURNAL_FLUSH_BATCH events: one fsync per batch
 *   rather than per event after a long outage, and a failed batch is rolled
 *   back whole, so the list and the table never overlap.
 *
 * Health data: nothing of an event's content is logged; only seq numbers,
 * the database path and SQLite's error sentence (which never quotes values).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "bridge/journal_int.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/utils.h>
#include <sqlite3.h>
#include <talloc.h>

#include "common/counters.h"
#include "common/logging.h"

#define TB_JOURNAL_FLUSH_BATCH		1000
#define TB_JOURNAL_PRUNE_BATCH		1000
#define TB_JOURNAL_PRUNE_MAX_ROWS	10000
#define TB_JOURNAL_PRUNE_ROUNDS		64
/* Bytes a row costs beyond its body: kind, radio, time, the record header,
 * the cell pointer. An estimate only, on the low side. */
#define TB_JOURNAL_ROW_OVERHEAD		64
#define TB_JOURNAL_VACUUM_MAX_PAGES	4096

/* ---------------------------------------------------------------------- */
/* close, and what the journal holds */

static void log_left_behind(struct tb_journal *j)
{
	struct tb_journal_pending *first, *last;

	if (llist_empty(&j->backlog))
		return;
	first = llist_first_entry(&j->backlog, struct tb_journal_pending, list);
	last = llist_last_entry(&j->backlog, struct tb_journal_pending, list);
	LOGP(DJOURNAL, LOGL_ERROR, "journal %s: closing with %" PRIu64 " events not written (seq %" PRIu64 " to %"
	     PRIu64 "); they were published but are lost to the journal: free space on the disk that holds %s\n",
	     j->path, j->n_backlog, first->seq, last->seq, j->dir);
}

void tb_journal_destroy(struct tb_journal **jp)
{
	struct tb_journal *j;

	if (!jp || !*jp)
		return;
	j = *jp;
	*jp = NULL;
	if (j->db && tb_journal_flush(j) > 0)
		log_left_behind(j);
	/* The highest seq handed out goes into the mark too: should the
	 * database be replaced by an older copy (a backup restored), the next
	 * start goes on after it and names the seqs in between lost, instead
	 * of handing them out again. */
	tb_journal__mark_write(j, j->last_offered);
	talloc_free(j);
}

struct sqlite3 *tb_journal_db(struct tb_journal *j)
{
	return j ? j->db : NULL;
}

const char *tb_journal_path(const struct tb_journal *j)
{
	return j ? j->path : NULL;
}

uint64_t tb_journal_last_seq(const struct tb_journal *j)
{
	return j ? j->last_seq : 0;
}

uint64_t tb_journal_next_seq(const struct tb_journal *j)
{
	return j ? j->last_offered + 1 : 1;
}

uint64_t tb_journal_first_seq(struct tb_journal *j)
{
	uint64_t first = 0;
	int rc;

	if (!j)
		return 0;
	rc = sqlite3_step(j->st_first);
	if (rc == SQLITE_ROW)
		first = (uint64_t)sqlite3_column_int64(j->st_first, 0);	/* NULL (empty) reads as 0 */
	else
		LOGP(DJOURNAL, LOGL_ERROR, "journal %s: cannot read the first seq: %s\n", j->path, sqlite3_errmsg(j->db));
	sqlite3_reset(j->st_first);
	if (!first && !llist_empty(&j->backlog))
		first = llist_first_entry(&j->backlog, struct tb_journal_pending, list)->seq;
	return first;
}

const struct rate_ctr_group *tb_journal_ctrs(const struct tb_journal *j)
{
	return j ? j->ctrs : NULL;
}

const struct osmo_stat_item_group *tb_journal_stat_items(const struct tb_journal *j)
{
	return j ? j->stats : NULL;
}

static const struct rate_ctr_desc journal_ctr_desc[] = {
	[TB_JOURNAL_CTR_WRITES] = { "writes", "Events written" },
	[TB_JOURNAL_CTR_WRITE_ERRORS] = { "write_errors", "Events that had to wait in memory (the write failed)" },
	[TB_JOURNAL_CTR_LOST] = { "lost", "Events never written: more than memory could keep while the disk failed" },
	[TB_JOURNAL_CTR_PRUNED] = { "pruned", "Events deleted by retention" },
	[TB_JOURNAL_CTR_LOST_RANGES] = { "lost_ranges", "Ranges of seq that cannot be replayed (at open or since)" },
};

static const struct rate_ctr_group_desc journal_ctrg_desc = {
	.group_name_prefix = "journal",
	.group_description = "Event journal (SQLite)",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(journal_ctr_desc),
	.ctr_desc = journal_ctr_desc,
};

static const struct osmo_stat_item_desc journal_stat_desc[] = {
	[TB_JOURNAL_STAT_BACKLOG] = { "backlog", "Events waiting in memory for the disk", "events", 0, 0 },
	[TB_JOURNAL_STAT_BACKLOG_KIB] = { "backlog:kib", "Memory the events waiting for the disk take, KiB", "KiB",
					  0, 0 },
	[TB_JOURNAL_STAT_SIZE_KIB] = { "size:kib", "Database pages in use, KiB (measured at start and every minute)",
				       "KiB", 0, 0 },
};

static const struct osmo_stat_item_group_desc journal_statg_desc = {
	.group_name_prefix = "journal",
	.group_description = "Event journal (SQLite)",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_items = ARRAY_SIZE(journal_stat_desc),
	.item_desc = journal_stat_desc,
};

int tb_journal__counters_alloc(struct tb_journal *j)
{
	j->ctrs = tb_ctr_group_alloc(j, &journal_ctrg_desc, NULL);
	j->stats = tb_stat_group_alloc(j, &journal_statg_desc, NULL);
	return j->ctrs && j->stats ? 0 : -ENOMEM;
}

static void ctr_add(struct tb_journal *j, enum tb_journal_ctr c, uint64_t n)
{
	rate_ctr_add(rate_ctr_group_get_ctr(j->ctrs, c), (int)n);
}

/* The backlog changed: its stat items follow. */
static void backlog_stats(struct tb_journal *j)
{
	j->backlog_gen++;
	tb_stat_set(j->stats, TB_JOURNAL_STAT_BACKLOG, j->n_backlog);
	tb_stat_set(j->stats, TB_JOURNAL_STAT_BACKLOG_KIB, j->backlog_bytes / 1024);
}

/* ---------------------------------------------------------------------- */
/* append / backlog */

/* One INSERT with the prepared statement. Returns an SQLite code. */
static int insert(struct tb_journal *j, uint64_t seq, uint64_t time_us, const char *kind, const char *radio,
		  const uint8_t *body, size_t len)
{
	sqlite3_stmt *st = j->st_append;
	int rc;

	/* STATIC: the values outlive the step; nothing is copied. */
	sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)time_us);
	if (kind)
		sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 3);
	if (radio)
		sqlite3_bind_text(st, 4, radio, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_blob64(st, 5, len ? (const void *)body : "", len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int step_once(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static void rollback(struct tb_journal *j)
{
	/* After FULL/IOERR/BUSY SQLite may have rolled back already. */
	if (!sqlite3_get_autocommit(j->db))
		step_once(j->st_rollback);
}

static void pending_free(struct tb_journal *j, struct tb_journal_pending *p)
{
	j->backlog_bytes -= talloc_get_size(p);
	llist_del(&p->list);
	talloc_free(p);
	j->n_backlog--;
	backlog_stats(j);
}

/* Write up to TB_JOURNAL_FLUSH_BATCH events from the head of the backlog in
 * one transaction. Returns the number written (removed from the backlog),
 * or -1 when the write failed (nothing written, the backlog unchanged). */
static int flush_batch(struct tb_journal *j)
{
	struct tb_journal_pending *p;
	unsigned n = 0;
	int rc;

	rc = step_once(j->st_begin);
	if (rc != SQLITE_OK)
		goto failed;
	llist_for_each_entry(p, &j->backlog, list) {
		rc = insert(j, p->seq, p->time_us, p->kind, p->radio, p->body, p->len);
		if (rc != SQLITE_OK)
			goto failed;
		if (++n == TB_JOURNAL_FLUSH_BATCH)
			break;
	}
	rc = step_once(j->st_commit);
	if (rc != SQLITE_OK)
		goto failed;
	/* Only now that the batch is committed does it leave memory. */
	for (unsigned i = 0; i < n; i++)
		pending_free(j, llist_first_entry(&j->backlog, struct tb_journal_pending, list));
	ctr_add(j, TB_JOURNAL_CTR_WRITES, n);
	j->recovered += n;
	return (int)n;

failed:
	rollback(j);
	p = llist_first_entry(&j->backlog, struct tb_journal_pending, list);
	LOGP(DJOURNAL, LOGL_DEBUG, "journal %s: still cannot write event seq %" PRIu64 ": %s\n", j->path, p->seq,
	     sqlite3_errstr(rc));
	return -1;
}

size_t tb_journal_flush(struct tb_journal *j)
{
	if (!j)
		return 0;
	while (!llist_empty(&j->backlog)) {
		if (flush_batch(j) < 0)
			return j->n_backlog;
	}
	if (!llist_empty(&j->lost))
		tb_journal__lost_store(j);
	if (j->failing) {
		LOGP(DJOURNAL, LOGL_NOTICE, "journal %s: writing again, %" PRIu64 " events from memory stored\n",
		     j->path, j->recovered);
		j->failing = false;
		j->lost_logged = false;
		j->recovered = 0;
	}
	return 0;
}

/* No room for one more event in memory (by count; by bytes near enough). */
static bool backlog_full(const struct tb_journal *j)
{
	return j->n_backlog >= TB_JOURNAL_BACKLOG_MAX || j->backlog_bytes + 4096 > TB_JOURNAL_BACKLOG_MAX_BYTES;
}

/* Keep an event in memory. Returns 1, or -ENOSPC when the backlog is full
 * (or memory is out). Either way the seq is recorded in the mark first: it
 * will be published and must never be handed out again. */
static int backlog_add(struct tb_journal *j, uint64_t seq, uint64_t time_us, const char *kind, const char *radio,
		       const uint8_t *body, size_t len)
{
	struct tb_journal_pending *p;
	size_t klen, rlen;

	tb_journal__mark_write(j, seq);
	if (j->n_backlog >= TB_JOURNAL_BACKLOG_MAX)
		goto lost;
	klen = kind ? strlen(kind) + 1 : 0;
	rlen = radio ? strlen(radio) + 1 : 0;
	/* One allocation per event, bounded in count and bytes. */
	if (len > SIZE_MAX - sizeof(*p) - klen - rlen ||
	    sizeof(*p) + len + klen + rlen > TB_JOURNAL_BACKLOG_MAX_BYTES - j->backlog_bytes)
		goto lost;
	p = talloc_size(j, sizeof(*p) + len + klen + rlen);
	if (!p)
		goto lost;
	talloc_set_name_const(p, "struct tb_journal_pending");
	memset(p, 0, sizeof(*p));
	p->seq = seq;
	p->time_us = time_us;
	p->len = len;
	p->body = (uint8_t *)(p + 1);
	if (len)
		memcpy(p->body, body, len);
	if (kind)
		p->kind = memcpy((char *)p->body + len, kind, klen);
	if (radio)
		p->radio = memcpy((char *)p->body + len + klen, radio, rlen);
	llist_add_tail(&p->list, &j->backlog);
	j->n_backlog++;
	j->backlog_bytes += talloc_get_size(p);
	backlog_stats(j);
	rate_ctr_inc2(j->ctrs, TB_JOURNAL_CTR_WRITE_ERRORS);
	j->last_seq = seq;
	return 1;

lost:
	rate_ctr_inc2(j->ctrs, TB_JOURNAL_CTR_LOST);
	tb_journal__lost_add(j, seq, seq, "published while the journal could not store them, more than it "
			     "could keep in memory");
	if (!j->lost_logged) {
		LOGP(DJOURNAL, LOGL_ERROR, "journal %s: %" PRIu64 " events wait in memory, no room for more: event seq %"
		     PRIu64 " and later ones are published but not journaled (a replay cannot give them): "
		     "free space on the disk that holds %s\n", j->path, j->n_backlog, seq, j->dir);
		j->lost_logged = true;
	}
	return -ENOSPC;
}

int tb_journal_append(struct tb_journal *j, uint64_t seq, uint64_t time_us, const char *kind,
		      const char *radio, const uint8_t *body, size_t len)
{
	int rc;

	if (!j || !j->db || (!body && len))
		return -EINVAL;
	/* SQLite integers are signed 64 bit. */
	if (seq <= j->last_offered || seq > INT64_MAX || time_us > INT64_MAX)
		return -EINVAL;
	j->last_offered = seq;

	/* In order: what waits in memory goes first. */
	if (!llist_empty(&j->backlog) && tb_journal_flush(j) > 0)
		return backlog_add(j, seq, time_us, kind, radio, body, len);

	rc = insert(j, seq, time_us, kind, radio, body, len);
	if (rc == SQLITE_OK) {
		j->last_seq = seq;
		rate_ctr_inc2(j->ctrs, TB_JOURNAL_CTR_WRITES);
		if (!llist_empty(&j->lost))
			tb_journal__lost_store(j);
		return 0;
	}
	rollback(j);
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		/* The seq is already stored: someone else writes this file. */
		LOGP(DJOURNAL, LOGL_ERROR, "journal %s: event seq %" PRIu64 " is already stored (%s): is another "
		     "tetra-bridged using state directory %s?\n", j->path, seq, sqlite3_errstr(rc), j->dir);
		return -EINVAL;
	}
	if (!j->failing) {
		LOGP(DJOURNAL, LOGL_ERROR, "journal %s: cannot write event seq %" PRIu64 ": %s; events wait in memory "
		     "(backlog) until it can\n", j->path, seq, sqlite3_errmsg(j->db));
		j->failing = true;
		j->recovered = 0;
	} else {
		LOGP(DJOURNAL, LOGL_DEBUG, "journal %s: cannot write event seq %" PRIu64 ": %s\n", j->path, seq,
		     sqlite3_errstr(rc));
	}
	return backlog_add(j, seq, time_us, kind, radio, body, len);
}

/* ---------------------------------------------------------------------- */
/* lost ranges */

static void lost_free(struct tb_journal *j, struct tb_journal_lost_range *l)
{
	llist_del(&l->list);
	j->n_lost--;
	talloc_free(l);
}

void tb_journal__lost_add(struct tb_journal *j, uint64_t first, uint64_t last, const char *reason)
{
	struct tb_journal_lost_range *l = NULL;
	struct timeval tv;

	if (!llist_empty(&j->lost))
		l = llist_last_entry(&j->lost, struct tb_journal_lost_range, list);
	if (l && !l->taken && l->last_seq + 1 == first && l->reason == reason) {
		/* The same run of losses goes on. */
		l->last_seq = last;
		l->stored = false;
		return;
	}
	if (j->n_lost >= TB_JOURNAL_LOST_MAX) {
		if (!j->lost_overflow_said)
			LOGP(DJOURNAL, LOGL_ERROR, "journal %s: more than %u lost ranges wait to be stored; seq %"
			     PRIu64 " to %" PRIu64 " and later ones are not recorded as lost (they are still never "
			     "handed out again)\n", j->path, TB_JOURNAL_LOST_MAX, first, last);
		j->lost_overflow_said = true;
		return;
	}
	l = talloc_zero(j, struct tb_journal_lost_range);
	if (!l)
		return;
	gettimeofday(&tv, NULL);
	l->first_seq = first;
	l->last_seq = last;
	l->time_us = (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
	l->reason = reason;
	llist_add_tail(&l->list, &j->lost);
	j->n_lost++;
	rate_ctr_inc2(j->ctrs, TB_JOURNAL_CTR_LOST_RANGES);
}

int tb_journal__lost_store(struct tb_journal *j)
{
	struct tb_journal_lost_range *l, *l2;
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_OK;

	llist_for_each_entry_safe(l, l2, &j->lost, list) {
		if (l->stored)
			continue;
		if (!st && (rc = sqlite3_prepare_v2(j->db, "INSERT OR REPLACE INTO lost(first_seq, last_seq, "
						    "time_us, reason) VALUES (?1, ?2, ?3, ?4)", -1, &st, NULL)))
			break;
		sqlite3_bind_int64(st, 1, (sqlite3_int64)l->first_seq);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)l->last_seq);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)l->time_us);
		sqlite3_bind_text(st, 4, l->reason, -1, SQLITE_STATIC);
		rc = step_once(st);
		if (rc != SQLITE_OK)
			break;
		l->stored = true;
		if (l->taken)
			lost_free(j, l);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK) {
		rollback(j);
		LOGP(DJOURNAL, LOGL_DEBUG, "journal %s: cannot store a lost range yet: %s\n", j->path,
		     sqlite3_errstr(rc));
		return -1;
	}
	j->lost_overflow_said = false;
	return 0;
}

int tb_journal_take_lost(struct tb_journal *j, tb_journal_lost_cb cb, void *data)
{
	struct tb_journal_lost_range *l, *l2;
	int n = 0;

	if (!j || !cb)
		return 0;
	llist_for_each_entry_safe(l, l2, &j->lost, list) {
		struct tb_journal_lost out = { l->first_seq, l->last_seq, l->time_us, l->reason };

		if (l->taken)
			continue;
		/* The range still growing (the last, while events are being
		 * lost right now) is given when the losses stop. */
		if (&l->list == j->lost.prev && l->last_seq == j->last_offered && backlog_full(j))
			break;
		l->taken = true;
		n++;
		cb(&out, data);	/* may append: l may be stored and freed meanwhile */
		if (l->stored && l->taken)
			lost_free(j, l);
	}
	return n;
}

/* Merge r into the pending output range, or give the pending one first. */
struct lost_merge {
	bool have;
	struct tb_journal_lost cur;
	char reason[200];
	tb_journal_lost_cb cb;
	void *data;
	int n;
};

static void merge_give(struct lost_merge *m)
{
	if (!m->have)
		return;
	m->cur.reason = m->reason;
	m->cb(&m->cur, m->data);
	m->n++;
	m->have = false;
}

static void merge_add(struct lost_merge *m, uint64_t first, uint64_t last, uint64_t time_us, const char *reason)
{
	if (m->have && first <= m->cur.last_seq + 1) {
		if (last > m->cur.last_seq)
			m->cur.last_seq = last;
		return;
	}
	merge_give(m);
	m->have = true;
	m->cur.first_seq = first;
	m->cur.last_seq = last;
	m->cur.time_us = time_us;
	snprintf(m->reason, sizeof(m->reason), "%s", reason ? reason : "");
}

int tb_journal_lost_ranges(struct tb_journal *j, uint64_t from_seq, uint64_t to_seq, tb_journal_lost_cb cb,
			   void *data)
{
	struct lost_merge m = { .cb = cb, .data = data };
	struct tb_journal_lost_range *l;
	sqlite3_stmt *st = NULL;
	int rc;

	if (!j || !cb)
		return -EINVAL;
	if (from_seq > INT64_MAX || from_seq > to_seq)
		return 0;
	if (to_seq > INT64_MAX)
		to_seq = INT64_MAX;
	/* Stored ranges and those only in memory, both by first_seq: merged
	 * as they come (memory ones are newer than any stored). */
	rc = sqlite3_prepare_v2(j->db, "SELECT first_seq, last_seq, time_us, reason FROM lost WHERE last_seq >= ?1 "
				"AND first_seq <= ?2 ORDER BY first_seq", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)from_seq);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)to_seq);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			merge_add(&m, (uint64_t)sqlite3_column_int64(st, 0), (uint64_t)sqlite3_column_int64(st, 1),
				  (uint64_t)sqlite3_column_int64(st, 2), (const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		LOGP(DJOURNAL, LOGL_ERROR, "journal %s: cannot read the lost ranges: %s\n", j->path,
		     sqlite3_errmsg(j->db));
		return -EIO;
	}
	llist_for_each_entry(l, &j->lost, list) {
		if (l->stored || l->last_seq < from_seq || l->first_seq > to_seq)
			continue;
		merge_add(&m, l->first_seq, l->last_seq, l->time_us, l->reason);
	}
	merge_give(&m);
	return m.n;
}

/* ---------------------------------------------------------------------- */
/* read */

struct read_budget {
	unsigned max_events;
	size_t max_bytes;
	unsigned given;
	size_t bytes;
	uint64_t next_seq;	/* the lowest seq still to give */
	bool stop;
};

/* May this event still be given? At least one always is. */
static bool budget_allows(const struct read_budget *b, size_t len)
{
	if (b->stop || b->given >= b->max_events)
		return false;
	return b->given == 0 || len <= b->max_bytes - b->bytes;
}

static void budget_take(struct read_budget *b, uint64_t seq, size_t len, int cb_rc)
{
	b->given++;
	b->bytes = (len > b->max_bytes - b->bytes || b->bytes + len < b->bytes) ? b->max_bytes : b->bytes + len;
	b->next_seq = seq + 1;
	if (cb_rc)
		b->stop = true;
}

static int read_stored(struct tb_journal *j, struct read_budget *b, tb_journal_row_cb cb, void *data)
{
	sqlite3_stmt *st = j->st_read;
	bool own = false;
	int rc;

	if (b->next_seq > INT64_MAX)
		return 0;
	/* A callback that reads again gets a statement of its own. */
	if (j->reading) {
		rc = sqlite3_prepare_v2(j->db, "SELECT seq, body FROM events WHERE seq >= ?1 ORDER BY seq LIMIT ?2",
					-1, &st, NULL);
		if (rc != SQLITE_OK)
			goto error;
		own = true;
	}
	if (!own)
		j->reading = true;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)b->next_seq);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)(b->max_events - b->given));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		uint64_t seq = (uint64_t)sqlite3_column_int64(st, 0);
		const uint8_t *body = sqlite3_column_blob(st, 1);
		size_t len = (size_t)sqlite3_column_bytes(st, 1);

		if (!budget_allows(b, len))
			break;
		budget_take(b, seq, len, cb(seq, body, len, data));
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		goto error;
	sqlite3_reset(st);
	if (own)
		sqlite3_finalize(st);
	else
		j->reading = false;
	return 0;

error:
	LOGP(DJOURNAL, LOGL_ERROR, "journal %s: cannot read events from seq %" PRIu64 ": %s\n", j->path, b->next_seq,
	     sqlite3_errmsg(j->db));
	if (st) {
		sqlite3_reset(st);
		if (own)
			sqlite3_finalize(st);
		else
			j->reading = false;
	}
	return -EIO;
}

static void read_backlog(struct tb_journal *j, struct read_budget *b, tb_journal_row_cb cb, void *data)
{
	struct tb_journal_pending *p;
	struct llist_head *pos = j->backlog.next;

	while (pos != &j->backlog) {
		unsigned gen;
		int cb_rc;

		p = llist_entry(pos, struct tb_journal_pending, list);
		if (p->seq < b->next_seq) {
			pos = pos->next;
			continue;
		}
		if (!budget_allows(b, p->len))
			return;
		gen = j->backlog_gen;
		cb_rc = cb(p->seq, p->body, p->len, data);
		budget_take(b, p->seq, p->len, cb_rc);
		/* The callback may have appended (and so flushed): p may be
		 * gone; start again from the head, skipping what was given. */
		pos = (gen == j->backlog_gen) ? pos->next : j->backlog.next;
	}
}

int tb_journal_read(struct tb_journal *j, uint64_t from_seq, unsigned max_events, size_t max_bytes,
		    tb_journal_row_cb cb, void *data)
{
	struct read_budget b = {
		.max_events = max_events,
		.max_bytes = max_bytes,
		.next_seq = from_seq,
	};

	if (!j || !cb)
		return -EINVAL;
	if (!max_events)
		return 0;
	if (read_stored(j, &b, cb, data) < 0)
		return -EIO;
	read_backlog(j, &b, cb, data);
	return (int)b.given;
}

/* ---------------------------------------------------------------------- */
/* retention */

/* Bytes the database uses: pages in use, WAL included (see the top). */
static int64_t used_bytes(struct tb_journal *j)
{
	int64_t pages = tb_journal__query_int(j->db, "PRAGMA page_count");
	int64_t free_pages = tb_journal__query_int(j->db, "PRAGMA freelist_count");
	int64_t page_size = tb_journal__query_int(j->db, "PRAGMA page_size");

	if (pages < 0 || free_pages < 0 || page_size <= 0)
		return -1;
	return (pages - free_pages) * page_size;
}

void tb_journal__measure(struct tb_journal *j)
{
	int64_t used = used_bytes(j);

	if (used >= 0)
		tb_stat_set(j->stats, TB_JOURNAL_STAT_SIZE_KIB, (uint64_t)used / 1024);
}

/* Delete with sql (binds ?1 = arg, ?2 = the newest seq, ?3 = limit).
 * Returns the number deleted or -1. */
static int delete_some(struct tb_journal *j, const char *sql, int64_t arg, int64_t newest, int limit)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(j->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, arg);
	sqlite3_bind_int64(st, 2, newest);
	sqlite3_bind_int(st, 3, limit);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		rollback(j);
		return -1;
	}
	return sqlite3_changes(j->db);
}

/* The seq up to which the oldest events (at most limit of them, never the
 * newest) hold about excess bytes; 0 when there is none to delete, -1 on
 * error. length() of a blob is read from the record header: no body is
 * loaded. */
static int64_t oldest_covering(struct tb_journal *j, uint64_t excess, int64_t newest, int limit)
{
	sqlite3_stmt *st = NULL;
	uint64_t sum = 0;
	int64_t upto = 0;
	int rc;

	rc = sqlite3_prepare_v2(j->db, "SELECT seq, length(body) FROM events WHERE seq < ?1 ORDER BY seq LIMIT ?2",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, newest);
	sqlite3_bind_int(st, 2, limit);
	while (sum < excess && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		upto = sqlite3_column_int64(st, 0);
		sum += (uint64_t)sqlite3_column_int64(st, 1) + TB_JOURNAL_ROW_OVERHEAD;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	return upto;
}

int tb_journal_prune(struct tb_journal *j, uint64_t now_us)
{
	int64_t newest, used, freelist, page_size;
	uint64_t excess;
	int deleted = 0, n;
	int rc;

	if (!j || !j->db)
		return -EINVAL;

	rc = sqlite3_step(j->st_last);
	newest = rc == SQLITE_ROW ? sqlite3_column_int64(j->st_last, 0) : -1;
	sqlite3_reset(j->st_last);
	if (newest < 0)
		goto error;
	if (newest == 0) {
		tb_journal__measure(j);
		return 0;	/* empty */
	}
	page_size = tb_journal__query_int(j->db, "PRAGMA page_size");
	if (page_size <= 0)
		goto error;

	/* Age: the old ones among the oldest window by seq, never the newest
	 * (see the top for why not an index on time_us). */
	if (j->cfg.max_age_s && j->cfg.max_age_s <= INT64_MAX / 1000000 &&
	    now_us > j->cfg.max_age_s * 1000000) {
		uint64_t cutoff = now_us - j->cfg.max_age_s * 1000000;

		if (cutoff > INT64_MAX)
			cutoff = INT64_MAX;
		n = delete_some(j, "DELETE FROM events WHERE seq IN (SELECT seq FROM (SELECT seq, time_us FROM "
				"events WHERE seq < ?2 ORDER BY seq LIMIT ?3) WHERE time_us < ?1)",
				(int64_t)cutoff, newest, TB_JOURNAL_PRUNE_MAX_ROWS);
		if (n < 0)
			goto error;
		deleted += n;
	}

	/* Size: the oldest, a batch at a time, until the pages in use fit.
	 * Each batch is as many of the oldest events as cover half the excess
	 * (at least a page), estimated from their body lengths; then measure
	 * again. Halving converges in a few rounds without deleting much more
	 * than needed: a row really costs more than the estimate (pages are
	 * rarely full), so covering the whole estimated excess at once would
	 * overshoot by that error. */
	for (unsigned round = 0; j->cfg.max_bytes && deleted < TB_JOURNAL_PRUNE_MAX_ROWS &&
	     round < TB_JOURNAL_PRUNE_ROUNDS; round++) {
		int batch = TB_JOURNAL_PRUNE_MAX_ROWS - deleted;
		int64_t upto;

		used = used_bytes(j);
		if (used < 0)
			goto error;
		if ((uint64_t)used <= j->cfg.max_bytes)
			break;
		if (batch > TB_JOURNAL_PRUNE_BATCH)
			batch = TB_JOURNAL_PRUNE_BATCH;
		excess = ((uint64_t)used - j->cfg.max_bytes) / 2;
		if (excess < (uint64_t)page_size)
			excess = (uint64_t)page_size;
		upto = oldest_covering(j, excess, newest, batch);
		if (upto < 0)
			goto error;
		if (upto == 0)
			break;	/* only the newest is left: the limit is below what must stay */
		n = delete_some(j, "DELETE FROM events WHERE seq <= ?1 AND seq < ?2", upto, newest, 0);
		if (n < 0)
			goto error;
		if (n == 0)
			break;
		deleted += n;
	}

	if (deleted > 0) {
		char sql[64];

		ctr_add(j, TB_JOURNAL_CTR_PRUNED, (uint64_t)deleted);
		/* Lost ranges older than every event kept say nothing any more. */
		rc = tb_journal__exec(j->db, "DELETE FROM lost WHERE last_seq < (SELECT MIN(seq) FROM events)");
		if (rc != SQLITE_OK)
			goto error;
		/* Give the freed pages back to the file system (only a
		 * database created with auto_vacuum=INCREMENTAL can), then
		 * copy the WAL into the file so it actually shrinks now. */
		freelist = tb_journal__query_int(j->db, "PRAGMA freelist_count");
		if (freelist > 0) {
			snprintf(sql, sizeof(sql), "PRAGMA incremental_vacuum(%d)",
				 freelist > TB_JOURNAL_VACUUM_MAX_PAGES ? TB_JOURNAL_VACUUM_MAX_PAGES : (int)freelist);
			rc = tb_journal__exec(j->db, sql);
			if (rc != SQLITE_OK)
				goto error;
		}
		sqlite3_wal_checkpoint_v2(j->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		LOGP(DJOURNAL, LOGL_INFO, "journal %s: retention deleted %d events\n", j->path, deleted);
	}
	tb_journal__measure(j);
	return deleted;

error:
	LOGP(DJOURNAL, LOGL_ERROR, "journal %s: cannot apply retention: %s; the journal keeps growing until it can\n",
	     j->path, sqlite3_errmsg(j->db));
	return -EIO;
}
