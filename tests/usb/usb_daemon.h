/* The real tetra-bridged as a child process, driving emulated USB terminals
 * that live in this process (usb_emu.h, bed made with
 * emu_bed_new_for_child()), and a real ZeroMQ subscriber to its events.
 * Follows docs/testing.md §8 ("The daemon as a child"): the child runs
 * with LD_PRELOAD=TB_UMOCKDEV_PRELOAD and inherits UMOCKDEV_DIR.
 *
 * Everything waits inside the osmo_select loop (the emulated terminals must
 * keep answering the daemon's AT commands meanwhile), on an event, with a
 * bound; nothing sleeps. Used by tests/usb/test_usb_daemon.c and
 * bench/bench_usb_latency.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <osmocom/core/select.h>

#include "ipc/tetra_bridge.pb-c.h"

struct ud_daemon {
	pid_t pid;
	struct osmo_fd err;		/* its stderr, a pipe */
	char *log;			/* everything it wrote to stderr (malloc'd: free() it
					 * when done, also after ud_stop()) */
	size_t log_len, log_size;
	bool echo;			/* copy its stderr to ours (TB_TEST_DEBUG) */
	int status;			/* exit status after ud_stop() */
	struct rusage ru;		/* its resource usage after ud_stop() */
};

/* Start daemon_path -c cfg_path with LD_PRELOAD=preload (NULL: none) and
 * this process's environment; it gets SIGKILL if this process dies
 * (tests/lib/child.h). Returns 0 or -errno. */
int ud_start(struct ud_daemon *dm, const char *daemon_path, const char *preload, const char *cfg_path);
/* SIGTERM and wait (bounded; SIGKILL after timeout_ms). Returns the exit
 * status (128 + signal when killed), -1 if it had to be killed. */
int ud_stop(struct ud_daemon *dm, int timeout_ms);

/* How often needle occurs in the daemon's log so far. */
unsigned ud_log_count(const struct ud_daemon *dm, const char *needle);
/* Run the loop until needle has occurred count times in the log. */
bool ud_wait_log(struct ud_daemon *dm, const char *needle, unsigned count, int timeout_ms);

/* The TCP port the daemon's telnet VTY listens on (bound to port 0 in the
 * config), found through /proc; 0 if not (yet) found. */
int ud_vty_port(const struct ud_daemon *dm);
/* Run one VTY command (in enable mode); returns its output (malloc'd;
 * free it) or NULL. Blocks up to timeout_ms while draining the daemon's
 * stderr; the loop does not run meanwhile. */
char *ud_vty(struct ud_daemon *dm, const char *cmd, int timeout_ms);

/* A ZeroMQ SUB socket in the loop, with its own ZeroMQ context, connected
 * to endpoint and subscribed to everything. Aborts the test on failure.
 * Ownership: the caller's (malloc'd); ud_sub_destroy() frees it. */
struct ud_sub;
struct ud_sub *ud_sub_open(const char *endpoint);
/* Close the socket and its context; frees the subscriber and sets *s to
 * NULL. s and *s may be NULL. */
void ud_sub_destroy(struct ud_sub **s);
/* The next event within timeout_ms (the loop runs meanwhile); NULL on
 * timeout. topic may be NULL. Free with tetrabridge__v1__event__free_unpacked(). */
Tetrabridge__V1__Event *ud_sub_recv(struct ud_sub *s, char *topic, size_t tsize, int timeout_ms);
