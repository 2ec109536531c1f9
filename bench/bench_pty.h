/* Simulated terminals on ptys, for the benchmarks that run the real daemon:
 * per radio a pty pair whose master side is a tb_sim_terminal
 * (radio-drivers/sim_terminal.h) in this process's osmo_select loop,
 * answering the daemon's init and keep-alive as a terminal would; the
 * daemon opens the slave side (`transport tty /dev/pts/N`).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/select.h>

/* Radio i's own TSI: BENCH_PTY_TSI_FMT of BENCH_PTY_TSI_BASE + i. */
#define BENCH_PTY_TSI_FMT "090116383%08u"
#define BENCH_PTY_TSI_BASE 70000

struct bench_pty {
	unsigned idx;
	char pts[64];		/* the slave side, for `transport tty` */
	int slave_fd;		/* kept open: the daemon closing it does not hang up the master */
	struct osmo_fd master;
	struct tb_sim_terminal *sim;
	uint64_t dropped;	/* output bytes the pty did not take */
	bool show_commands;
};

/* Open radios[0..n): pty, raw mode, master in the loop, terminal r<i> with
 * its TSI (a talloc child of ctx). show_commands: every command line the
 * daemon sends to radio i is printed to stderr as "r<i> <- <line>".
 * Returns 0, or -errno when one could not be opened; either way
 * bench_pty_close() closes what is open. */
int bench_pty_open(struct bench_pty *radios, unsigned n, void *ctx, bool show_commands);
/* Close radios[0..n) (those that were opened; again is harmless). */
void bench_pty_close(struct bench_pty *radios, unsigned n);

/* The terminal prints header, then body (a line each). *at_us, if not
 * NULL, gets the time (tb_now_us()) just before body is written: body is
 * the line that completes the event. False if the pty did not take every
 * byte. */
bool bench_pty_print(struct bench_pty *rd, const char *header, const char *body, int64_t *at_us);
/* The terminal prints a status it received: "+CTSDSR: 13,<its TSI>,1,
 * 09011638300000001,1,16", then value as 4 hex digits. As
 * bench_pty_print(). */
bool bench_pty_status(struct bench_pty *rd, uint16_t value, int64_t *at_us);

/* Write the daemon's config for radios[0..n) to path: bench_daemon_config()
 * with the rest of the arguments, then per radio "radio r<i>", transport
 * tty on its pty, profile generic. Returns 0 or -errno. */
int bench_pty_write_config(const char *path, const struct bench_pty *radios, unsigned n, const char *log_level,
			   int vty_port, const char *events, const char *commands, const char *state_dir);
