/* The board tetra-web shows: for every bridge its link state, radios
 * (with signal and last heard), roster, last seq; the open call-outs of all
 * bridges; the last TW_BOARD_EVENTS events. Fed by the bridge links
 * (web/bridge_link.h) with events in seq order and without gaps; read as
 * JSON by the WebSocket clients (a snapshot for a new page, then one
 * update per change). The JSON shapes are in docs/web.md; in short:
 *
 *   B (a bridge) = {"name":..,"connected":..,"lastSeq":"123","radios":[R..],
 *                   "roster":{Roster} or null until the bridge told it}
 *   R (a radio)  = RadioSummary + "signal": RSSI 0-31 | null,
 *                  "signalDbm": n | null (RadioInfo signal events),
 *                  "lastHeardUs": "time_us of its last event" | null
 *
 * A {"type":"bridge"} update goes out when the link, the radio list or
 * the roster changes, and after a RadioState event or the first event of
 * a radio the list did not name; signal and last heard change with every
 * event and travel only in it (the page works them out from the events).
 * tw_board_callouts() sends nothing: the events that follow bring every
 * change.
 *
 * Ownership: a talloc child of ctx; the JSON handed out is the caller's
 * (json_decref / free).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ipc/tetra_bridge.pb-c.h"

#define TW_BOARD_EVENTS 200
/* Bounds per bridge; beyond them a radio or a call-out is refused and
 * counted (tw_board_get_stats). */
#define TW_BOARD_MAX_RADIOS 1000
#define TW_BOARD_MAX_CALLOUTS 2000

struct tw_board;

/* Called for every update, with the JSON text of one message for the pages
 * ({"type":"event",...} or {"type":"bridge",...}); text is valid during
 * the call only. */
typedef void (*tw_board_update_cb)(const char *text, size_t len, void *data);

struct tw_board *tw_board_alloc(void *ctx, tw_board_update_cb cb, void *data);

/* A bridge on the board (in config order); returns its index. */
unsigned tw_board_add_bridge(struct tw_board *b, const char *name);

/* Fed by the links (the bridge by its index): */
void tw_board_event(struct tw_board *b, unsigned bridge, const Tetrabridge__V1__Event *ev);
void tw_board_link(struct tw_board *b, unsigned bridge, bool connected);
void tw_board_radios(struct tw_board *b, unsigned bridge, const Tetrabridge__V1__RadioList *radios);
void tw_board_roster(struct tw_board *b, unsigned bridge, const Tetrabridge__V1__Roster *roster);
/* Replace the bridge's open call-outs (CalloutBoard pages, all of them;
 * those closed or cancelled are left out). */
void tw_board_callouts(struct tw_board *b, unsigned bridge, Tetrabridge__V1__Callout *const *callouts, size_t n);

/* {"type":"snapshot", ...}: a new reference. */
json_t *tw_board_snapshot(const struct tw_board *b);
/* For /healthz: how many bridges are connected, of how many. */
void tw_board_links(const struct tw_board *b, unsigned *connected, unsigned *total);

/* For /metrics. */
struct tw_board_stats {
	uint64_t events;		/* events put on the board */
	uint64_t radios_refused;	/* radios beyond TW_BOARD_MAX_RADIOS */
	uint64_t callouts_refused;	/* open call-outs beyond TW_BOARD_MAX_CALLOUTS */
};
void tw_board_get_stats(const struct tw_board *b, struct tw_board_stats *st);
