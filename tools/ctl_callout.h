/* tetractl callout: the pieces its files share.
 *
 *   ctl_callout.c         picks the subcommand; create, cancel, add, realert,
 *                         set, close, ack (a change, replied with the call-out)
 *   ctl_callout_view.c    board, show, and a call-out for people
 *   ctl_callout_report.c  report
 *
 * Each subcommand takes (argc, argv) starting at its own name ("create")
 * and returns the exit status.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ipc/tetra_bridge.pb-c.h"
#include "tools/ctl_client.h"

int ctl_callout_board(int argc, char **argv);
int ctl_callout_show(int argc, char **argv);
int ctl_callout_report(int argc, char **argv);

/* A call-out for people: what, where, who asked, the flags, and one line
 * per responder. notes: also the responders' notes (health data). */
void ctl_print_callout(FILE *out, const Tetrabridge__V1__Callout *co, bool notes);

/* A time for people, local: "08:13:02" today, else "2024-05-01 08:13:02";
 * "-" for 0. Returns buf. */
const char *ctl_fmt_when(uint64_t us, char *buf, size_t len);

/* s in double quotes, one line: control characters, '"' and '\' escaped. */
void ctl_print_quoted(FILE *out, const char *s);

/* Characters (not bytes) of UTF-8 s; s left in a column of w characters
 * (names such as "rød" line up). */
int ctl_text_width(const char *s);
void ctl_print_col(FILE *out, const char *s, int w);

/* "call-out ID": an id > 0, else a usage error of cmd (its exit status). */
int ctl_callout_id_arg(const char *cmd, const char *s, uint64_t *id);

/* The options every callout subcommand shares: connection, -T, --json. */
struct ctl_callout_opts {
	struct ctl_conn_opts conn;
	bool json;
};

/* Send cmd and take its OK reply of result `want` (the reasons printed
 * when not). Returns 0 with *reply set, or the exit status. */
int ctl_callout_call(struct ctl_client *cl, Tetrabridge__V1__Command *cmd, Tetrabridge__V1__Reply__ResultCase want,
		     Tetrabridge__V1__Reply **reply);
