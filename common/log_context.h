/* What the daemon is working on while it logs: the radio whose input,
 * timer or command is being handled, and the event being published. The
 * journal target gives each line these as fields (RADIO=, SEQ=, KIND=;
 * bridge/log_journal.h), and `logging filter radio NAME` keeps a log
 * target to one radio's lines (tb_log_filter below).
 *
 * The context is set at the few places where work for a radio begins (its
 * link's input and timers, a message queued for it, an event published)
 * and given back when that work ends, with a scope guard:
 *
 *     static void timer_cb(void *data)
 *     {
 *             struct tb_outbox *o = data;
 *             TB_LOG_RADIO_SCOPE(o->name);
 *             ...every line logged until the function returns is o's
 *     }
 *
 * The guard is a variable with __attribute__((cleanup)) (GCC and clang):
 * every return gives the previous context back, so a nested scope (an event
 * published while a radio's input is handled) cannot leak past its end.
 * The strings are not copied: a radio's name, an event kind's static name;
 * they must outlive the scope. Single-threaded, like the daemon.
 *
 * The radio is also put in libosmocore's log context (log_set_context()),
 * which is what libosmocore hands the filter.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdint.h>
#include <osmocom/core/logging.h>

struct tb_log_ctx {
	const char *radio;	/* the radio's configured name; NULL: none */
	uint64_t seq;		/* the event being published; 0: none */
	const char *kind;	/* its kind ("status", "callout", ...); NULL with seq 0 */
};

/* libosmocore's context and filter slots are named for Osmocom's own
 * programs (Gb links, BSC and VLR subscribers, L1 SAPIs); none of their
 * libraries runs in this daemon, so the radio takes the first of each. */
enum {
	TB_LOG_CTX_RADIO = LOG_CTX_GB_NSVC,	/* log_context.ctx[]: const char *radio */
	TB_LOG_FLT_RADIO = LOG_FLT_GB_NSVC,	/* log_target filter_map bit / filter_data[]: char *name */
};

/* The context now (a copy). */
struct tb_log_ctx tb_log_ctx_get(void);
/* Work for radio begins (NULL: for none): the radio is set, the event
 * cleared (it belonged to other work). Returns the context it replaces. */
struct tb_log_ctx tb_log_radio_enter(const char *radio);
/* Event seq of kind is being published by radio (NULL or "": the radio
 * stays as it is). Returns the context it replaces. */
struct tb_log_ctx tb_log_event_enter(const char *radio, uint64_t seq, const char *kind);
/* Give back the context a tb_log_*_enter() returned. */
void tb_log_ctx_restore(const struct tb_log_ctx *saved);

#define TB_LOG_SCOPE_VAR_(line) tb_log_saved_##line
#define TB_LOG_SCOPE_VAR(line) TB_LOG_SCOPE_VAR_(line)
/* Until the enclosing block ends, the lines logged are radio's. */
#define TB_LOG_RADIO_SCOPE(radio)                                                                       \
	const struct tb_log_ctx TB_LOG_SCOPE_VAR(__LINE__) __attribute__((cleanup(tb_log_ctx_restore), unused)) = \
		tb_log_radio_enter(radio)
/* Until the enclosing block ends, the lines logged are about event seq. */
#define TB_LOG_EVENT_SCOPE(radio, seq, kind)                                                            \
	const struct tb_log_ctx TB_LOG_SCOPE_VAR(__LINE__) __attribute__((cleanup(tb_log_ctx_restore), unused)) = \
		tb_log_event_enter(radio, seq, kind)

/* `logging filter radio NAME` on a target: from then on it logs only the
 * lines of that radio (name is copied; NULL removes the filter). Setting a
 * radio also turns the target's `logging filter all` off, which would let
 * every line through. Lines of no radio (start-up, the journal) are not a
 * radio's: a target that follows one radio does not show them. */
void tb_log_filter_radio_set(struct log_target *tgt, const char *name);
/* The radio a target follows, or NULL. */
const char *tb_log_filter_radio(const struct log_target *tgt);

/* The filter function of tb_log_info (libosmocore calls it for a target
 * whose `logging filter all` is off): a target without a radio filter logs
 * every line, one with a radio filter that radio's only. */
int tb_log_filter(const struct log_context *ctx, struct log_target *tgt);
