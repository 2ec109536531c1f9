/* Events for people: the one-line form `tetractl watch` and `tetractl
 * decode` print, and the proto3 JSON form of --json.
 *
 * The readable form is for an operator at a console, not a log: it shows
 * texts, positions and identities.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stddef.h>
#include <stdio.h>

#include "ipc/tetra_bridge.pb-c.h"

/* "<when> <radio> <kind> #<seq> <the essentials of the body>\n".
 * when says where the event comes from: the local time for watch, the
 * trace line for decode; the caller formats it. Text is printed in double
 * quotes with control characters, quotes and backslashes escaped (\n, \",
 * \\, \xNN), so one event is always one line. */
void tb_print_event(FILE *out, const Tetrabridge__V1__Event *ev, const char *when);

/* tb_print_event with the event's time (its time_us; now when 0) as local
 * "HH:MM:SS.mmm", as `tetractl watch` prints it. */
void tb_print_event_local(FILE *out, const Tetrabridge__V1__Event *ev);

/* An identity as a 17-digit TSI, an SSI or an external number; "-" when
 * absent or IDENTITY_NONE. Writes into buf (40 bytes are enough), returns buf. */
const char *tb_fmt_identity(const Tetrabridge__V1__Identity *id, char *buf, size_t len);

/* An outgoing message's state in lower case: "queued", "sent", "failed" ... */
const char *tb_outgoing_state_name(Tetrabridge__V1__Outgoing__State s);

/* The Event in the proto3 JSON mapping (ipc/pb_json.h), compact, one line.
 * Returns 0 or -ENOMEM. */
int tb_print_event_json(FILE *out, const Tetrabridge__V1__Event *ev);

/* The body of a callout event, one line without its end: " callout 12
 * 1001 (Sykepleier Nord) sent -> delivered: <cause>, by radio". Never the
 * call-out's text or a note's (tools/event_print_callout.c). */
void tb_print_callout_change(FILE *out, const Tetrabridge__V1__CalloutChange *c);

/* "online", "offline" or "unknown". */
const char *tb_radio_state_name(Tetrabridge__V1__RadioState__State s);
