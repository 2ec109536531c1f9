/* PEI AT command engine (EN 300 392-5): one command outstanding at a time,
 * a timeout per command, final result codes (OK / ERROR / +CME ERROR: n)
 * mapped to a result, and unsolicited result codes dispatched at any time,
 * also while a command waits. A +CTSDSR and its user-data line are handed
 * over together.
 *
 * The engine does no I/O itself: bytes come in through tb_at_feed() and go
 * out through the write callback. Timeouts run on osmo_timer, so the engine
 * lives in the osmo_select loop (tests drive it with osmo_clock_override).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include "codecs/pei_framer.h"

struct rate_ctr_group;

enum tb_at_status {
	TB_AT_OK,		/* final "OK" */
	TB_AT_ERROR,		/* final "ERROR" */
	TB_AT_CME_ERROR,	/* final "+CME ERROR: <n>", see cme */
	TB_AT_TIMEOUT,		/* no final result within the timeout */
	TB_AT_LINK_DOWN,	/* the link went down / engine reset while waiting */
};

#define TB_AT_MAX_INFO_LINES 8

/* Result of one command; valid only during the callback. */
struct tb_at_result {
	enum tb_at_status status;
	int cme;		/* +CME ERROR number when status == TB_AT_CME_ERROR, else -1 */
	unsigned n_info;	/* information lines answering this command, e.g. "+CNUMF: 6,..." */
	const char *info[TB_AT_MAX_INFO_LINES];
};

typedef void (*tb_at_result_cb)(const struct tb_at_result *res, void *data);

struct tb_at_callbacks {
	/* Write bytes to the terminal; returns 0 or -errno. */
	int (*write)(const uint8_t *buf, size_t len, void *data);
	/* An unsolicited result code; data_line is the +CTSDSR user-data line or NULL. */
	void (*urc)(const char *line, size_t len, const char *data_line, size_t data_len, void *data);
};

/* The engine's counters: a libosmocore rate counter group "pei" (one per
 * engine, named after the radio by tb_at_set_name; `show stats`, statsd,
 * `show radios`). The framer's own counts (a pure codec's) are added here
 * after every tb_at_feed(). */
enum tb_at_ctr {
	TB_AT_CTR_BYTES_IN,	/* bytes from the terminal */
	TB_AT_CTR_BYTES_OUT,	/* bytes written to it */
	TB_AT_CTR_LINES,	/* non-empty lines it printed */
	TB_AT_CTR_GARBAGE,	/* stray bytes dropped (NUL, other control bytes) */
	TB_AT_CTR_OVERLONG,	/* lines dropped for exceeding TB_PEI_LINE_MAX */
	TB_AT_CTR_CMDS,		/* commands written */
	TB_AT_CTR_TIMEOUTS,	/* commands without a final result in time */
	TB_AT_CTR_ERRORS,	/* ERROR and +CME ERROR */
	TB_AT_CTR_UNEXPECTED,	/* lines that are neither a result nor a URC (e.g. a stray OK) */
	TB_AT_CTR_URCS,		/* unsolicited lines dispatched */
	TB_AT_CTR_BROKEN_SDS,	/* +CTSDSR headers dispatched without their user-data line */
};

struct tb_at_engine;

/* Allocate under ctx; cbs is copied, cbs->write is required. Returns NULL
 * on bad arguments or no memory.
 * Ownership: a talloc child of ctx; tb_at_destroy() frees it, and so does
 * freeing ctx. Queued commands are dropped without their callbacks (call
 * tb_at_reset() first to have them fail). Destroying the engine (or
 * freeing its parent) from inside any of its callbacks is safe: the free is
 * deferred until the engine's own code has unwound, and no further callback
 * is made. */
struct tb_at_engine *tb_at_alloc(void *ctx, const struct tb_at_callbacks *cbs, void *data);

/* Frees the engine (see tb_at_alloc) and sets *e to NULL. e and *e may be
 * NULL. */
void tb_at_destroy(struct tb_at_engine **e);

/* Queue a command (without CR; the engine appends "\r"). Its callback runs
 * exactly once: with the final result, a timeout, or TB_AT_LINK_DOWN.
 * An info line answers the command when it starts with the command's own
 * "+NAME" (e.g. "+CNUMF:" for "AT+CNUMF?"); other lines are URCs.
 * A line equal to the command (the terminal's echo) is ignored.
 * cb may be NULL. cmd must not contain control characters. If the engine is
 * idle the command is written at once, and if that write fails, cb runs with
 * TB_AT_LINK_DOWN before tb_at_cmd() returns 0. Called from inside one of the
 * engine's callbacks, it only queues; the engine writes it when the callback
 * has returned. Do not re-queue synchronously from a TB_AT_LINK_DOWN callback:
 * with a dead link that loops forever.
 * Returns 0 or -ENOMEM / -EINVAL (bad arguments, timeout_ms == 0, engine
 * being freed). */
int tb_at_cmd(struct tb_at_engine *e, const char *cmd, unsigned timeout_ms,
	      tb_at_result_cb cb, void *cb_data);

/* A command with user data, e.g. an SDS: writes "cmd\r", waits for the
 * terminal's "> " prompt, then writes data followed by Ctrl-Z (0x1A); the
 * final result (with "+CMGS:" info lines) completes it. The timeout covers the
 * whole exchange; if it expires while the terminal waits for the data, ESC
 * (0x1B) is written to abandon the message. data (data_len bytes, e.g. hex
 * digits) must not contain control characters; it is copied.
 * Returns 0 or -ENOMEM / -EINVAL, like tb_at_cmd(). */
int tb_at_cmd_data(struct tb_at_engine *e, const char *cmd, const char *data, size_t data_len,
		   unsigned timeout_ms, tb_at_result_cb cb, void *cb_data);

/* Bytes read from the terminal. */
void tb_at_feed(struct tb_at_engine *e, const uint8_t *buf, size_t len);

/* Link lost or reopened: every queued and pending command completes with
 * TB_AT_LINK_DOWN, and the framer forgets any partial line (called from a
 * callback inside tb_at_feed(), the rest of that read is dropped too). A
 * +CTSDSR header still waiting for its user-data line is dispatched first,
 * without it. Commands queued by those callbacks stay queued. */
void tb_at_reset(struct tb_at_engine *e);

/* The commands queued or outstanding with this cb_data still run (the
 * terminal is answered as it expects) but their callbacks no longer do:
 * for a caller that goes away first. */
void tb_at_forget(struct tb_at_engine *e, const void *cb_data);

/* Prefix for this engine's log lines and the name of its counter group
 * (the radio's name: an Osmocom identifier); copied. */
void tb_at_set_name(struct tb_at_engine *e, const char *name);

/* Number of commands queued or outstanding. */
unsigned tb_at_pending(const struct tb_at_engine *e);

/* The counters (enum tb_at_ctr); read them with tb_ctr_get(). */
const struct rate_ctr_group *tb_at_ctrs(const struct tb_at_engine *e);

const char *tb_at_status_name(enum tb_at_status s);
