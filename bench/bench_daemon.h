/* The real tetra-bridged as a child of a benchmark: its output in a log
 * file, its exit seen in this process's osmo_select loop, stopped with a
 * bound; and its telnet VTY on a loopback port.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include <osmocom/core/select.h>

/* The daemon the benchmarks run unless told otherwise (bench/CMakeLists.txt
 * sets the one it builds). */
#ifndef TB_DAEMON_PATH
#define TB_DAEMON_PATH "tetra-bridged"
#endif

/* How long bench_daemon_stop() waits after SIGTERM before SIGKILL. */
#define BENCH_DAEMON_STOP_MS 10000

struct bench_daemon {
	pid_t pid;			/* 0: not running */
	int pidfd;
	struct osmo_fd exit_ofd;	/* the pidfd: wakes the loop if it dies */
	bool exited;			/* it exited by itself (seen in the loop) */
	char log_path[128];
};

/* The daemon's config up to its radios: its log on stderr at log_level,
 * no colour; its VTY on 127.0.0.1:vty_port (0: any free port); bridge id
 * "bench", events and commands bound on those endpoints, its journal in
 * state_dir. The radios' sections follow (bench_pty_write_config() writes
 * both for simulated terminals on ptys). */
void bench_daemon_config(FILE *f, const char *log_level, int vty_port, const char *events, const char *commands,
			 const char *state_dir);

/* Start path -c cfg_path: stdin /dev/null, stdout and stderr into log_path
 * (made anew). It is sent SIGTERM when this process dies
 * (tests/lib/child.h), so a crashed or killed benchmark leaves no daemon
 * behind that keeps reopening (and reading) a pty whose number the next
 * run is given. Returns 0 or -errno. */
int bench_daemon_start(struct bench_daemon *d, const char *path, const char *cfg_path, const char *log_path);
/* SIGTERM, wait up to BENCH_DAEMON_STOP_MS, then SIGKILL. Returns its exit
 * status (128 + the signal if one ended it), -1 if it had to be killed or
 * was not running. */
int bench_daemon_stop(struct bench_daemon *d);
/* Its log on stderr, between "--- <log path> ---" and "---"; with
 * last_lines > 0 only the last that many lines ("(last N lines)" said in
 * the first). */
void bench_daemon_print_log(const struct bench_daemon *d, unsigned last_lines);

/* A TCP port free on loopback now (for the daemon's VTY); -1 if none. */
int bench_free_port(void);
/* Run cmd on the VTY at 127.0.0.1:port (view mode): what it prints up to
 * the next prompt into out (size bytes, NUL-terminated), 10 s at most for
 * the greeting and for the reply each. Returns 0; -1 if the prompt did
 * not come, out holding what did ("" if not even the greeting). */
int bench_vty(int port, const char *cmd, char *out, size_t size);

/* What a benchmark that runs the daemon sets up first: the talloc root
 * (named name); libosmocore logging on stderr, errors only (the terminals
 * and radio code in this process stay out of its output); a temporary
 * folder /tmp/<tmp_name>.XXXXXX into dir (size bytes) for the daemon's
 * config, log, sockets and journal. Returns the root, or NULL with errno
 * set. */
void *bench_setup(const char *name, const char *tmp_name, char *dir, size_t size);
/* Remove dir and everything in it, end the logging, free root. */
void bench_teardown(void *root, const char *dir);
