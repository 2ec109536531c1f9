/* Events for people: the one-line form `tetractl watch` and `tetractl
 * decode` print, and the proto3 JSON form of --json.
 *
 * The readable form is for an operator at a console, not a log: it shows
 * texts, positions and identities.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdio.h>

#include "ipc/tetra_bridge.pb-c.h"

/* "<when> <radio> <kind> #<seq> <the essentials of the body>\n".
 * when says where the event comes from: the local time for watch, the
 * trace line for decode; the caller formats it. Text is printed in double
 * quotes with control characters, quotes and backslashes escaped (\n, \",
 * \\, \xNN), so one event is always one line. */
void tb_print_event(FILE *out, const Tetrabridge__V1__Event *ev, const char *when);

/* The Event in the proto3 JSON mapping (ipc/pb_json.h), compact, one line.
 * Returns 0 or -ENOMEM. */
int tb_print_event_json(FILE *out, const Tetrabridge__V1__Event *ev);
