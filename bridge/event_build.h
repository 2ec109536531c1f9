/* TETRA primitives -> public Event messages (tetra_bridge.proto).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "codecs/tetra_prim.h"
#include "ipc/tetra_bridge.pb-c.h"

/* Storage for one Event and everything it points to; no allocation.
 * Initialise with tb_event_buf_init() before each use. */
struct tb_event_buf {
	Tetrabridge__V1__Event ev;
	union {
		Tetrabridge__V1__RadioState radio_state;
		Tetrabridge__V1__Status status;
		Tetrabridge__V1__ShortReport short_report;
		Tetrabridge__V1__SdsRaw sds_raw;
		Tetrabridge__V1__CallSetup call_setup;
		Tetrabridge__V1__CallConnect call_connect;
		Tetrabridge__V1__TxChange tx;
		Tetrabridge__V1__CallRelease call_release;
	} body;
	Tetrabridge__V1__Identity id[3];
	char digits[3][25];
};

void tb_event_buf_init(struct tb_event_buf *b);

/* Fill b->ev's body from prim. Returns 0, or -ENOENT for primitives that
 * are not events (e.g. TNMM own identity). ev.seq/time/bridge/radio are
 * left to the caller. transport names the link kind for LINK primitives. */
int tb_event_from_prim(struct tb_event_buf *b, const struct tetra_prim *prim, const char *transport,
		       const char *reason);
