/* The systemd journal as a log target, with the daemon's own fields: each
 * line is one journal entry with
 *
 *   MESSAGE=            the line (as the target's `logging print ...`
 *                       settings format it; in raw mode the bare text)
 *   PRIORITY=           syslog's level: DEBUG 7, INFO 6, NOTICE 5, ERROR 3,
 *                       FATAL 2
 *   SYSLOG_IDENTIFIER=  the program's name (journalctl -t)
 *   RADIO=              the radio the line is about       } when the log
 *   SEQ=, KIND=         the event it is about             } context has them
 *                                                           (common/log_context.h)
 *   CODE_FILE=, CODE_LINE=, OSMO_SUBSYS=   in raw mode, as libosmocore's
 *                       own journal target sends them
 *
 * so `journalctl RADIO=lvs-1` follows one radio and `journalctl SEQ=1234`
 * finds what was logged about event 1234. Sent with libsystemd's
 * sd_journal_sendv() to journald's socket; without journald (not running,
 * or a container without it) the lines are lost, as syslog's are without
 * a syslog daemon.
 *
 * Configured as `log systemd-journal [raw]` (bridge/log_vty.c): Debian's
 * libosmocore is built without its journal target, and its target would
 * not send these fields anyway.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/uio.h>

#include "common/log_context.h"

struct log_target;

/* A new journal target (not added to the logging yet: log_add_target()).
 * raw: libosmocore's raw mode (above). Returns NULL on no memory.
 * Ownership: libosmocore's log context, like every log target;
 * log_target_destroy() frees it. */
struct log_target *tb_log_journal_create(bool raw);
/* Switch a journal target between the two modes. */
void tb_log_journal_set_raw(struct log_target *tgt, bool raw);

/* ---- the entry's fields (also for the tests) ---------------------------- */

#define TB_LOG_JOURNAL_MAX_FIELDS 10
/* The longest MESSAGE kept (libosmocore formats a line in 4 KiB). */
#define TB_LOG_JOURNAL_MAX_TEXT 4096

struct tb_log_journal_entry {
	struct iovec iov[TB_LOG_JOURNAL_MAX_FIELDS];
	size_t n;
	char buf[TB_LOG_JOURNAL_MAX_TEXT + 512];	/* what the iovecs point into */
};

/* The fields of one line at level (LOGL_*) with text msg (a final newline
 * is dropped) and the log context ctx. file NULL: not raw (subsys and line
 * are not used); else the raw mode's fields too. */
void tb_log_journal_entry(struct tb_log_journal_entry *e, unsigned level, const char *msg,
			  const struct tb_log_ctx *ctx, int subsys, const char *file, int line);
/* syslog's priority for a libosmocore level. */
int tb_log_journal_priority(unsigned level);
