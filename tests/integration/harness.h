/* Integration test harness: runs the real programs (tetra-sim, tetra-bridged)
 * as child processes and subscribes to the daemon's events with a real
 * ZeroMQ SUB socket. Every wait is on an event with a bound, never a sleep.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ipc/tetra_bridge.pb-c.h"

struct child {
	pid_t pid;
	int in_fd;	/* its stdin, -1 if not piped */
	int out_fd;	/* its stdout, -1 if not piped */
	char buf[4096];	/* stdout line buffer */
	size_t len;
};

/* A fresh folder under /tmp (short: ipc:// paths must stay under 108 bytes). */
char *h_tmpdir(void);
/* Remove the folder and everything in it. */
void h_rmtree(const char *dir);

/* Start argv[0] with stdin and/or stdout piped to us. Returns 0 or -errno. */
int h_spawn(struct child *c, char *const argv[], bool pipe_in, bool pipe_out);
/* Read one line of the child's stdout within timeout_ms; 0 or -ETIMEDOUT/-EPIPE. */
int h_read_line(struct child *c, char *line, size_t size, int timeout_ms);
/* Write a line (newline appended) to the child's stdin. */
int h_write_line(struct child *c, const char *line);
/* Send sig and wait for it to exit (bounded); returns its exit status or -1. */
int h_stop(struct child *c, int sig, int timeout_ms);

/* tetra-sim: start with the given terminal specs, wait for "ready". */
int h_sim_start(struct child *c, const char *sim_bin, const char *link_dir, const char *const *terminals);
/* Inject a line on a terminal through tetra-sim's control channel, wait for "ok". */
int h_sim_inject(struct child *c, const char *terminal, const char *line);

/* A SUB socket connected to endpoint, subscribed to everything. */
void *h_sub_open(void *zctx, const char *endpoint);
/* Receive one event (topic in topic/tsize) within timeout_ms; NULL on timeout.
 * Free with tetrabridge__v1__event__free_unpacked(ev, NULL). */
Tetrabridge__V1__Event *h_sub_recv(void *sub, char *topic, size_t tsize, int timeout_ms);

/* Write a file; aborts the test on failure. */
void h_write_file(const char *path, const char *content);
