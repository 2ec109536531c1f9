/* TETRA primitives -> public Event messages (tetra_bridge.proto).
 *
 * The mapping is part of the contract: the daemon publishes what these
 * functions build, and `tetractl decode` prints the same events from a
 * trace. No allocation: an Event and everything it points to live in one
 * struct tb_event_buf; strings and bytes point into the primitive (or the
 * reassembled message) it was built from, so that must outlive the event.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "codecs/concat.h"
#include "codecs/tetra_prim.h"
#include "ipc/tetra_bridge.pb-c.h"

/* Room for the missing part numbers of a TextIncomplete (parts are 1..255). */
#define TB_EVENT_MAX_PARTS 255

/* Room for a call-out's text in UTF-8: an ISO 8859-1 octet takes at most 2
 * bytes, but a NUL octet 3 (it becomes U+FFFD). A reassembled call-out is
 * at most TETRA_CONCAT_SDS_MAX octets. */
#define TB_EVENT_CALLOUT_TEXT_MAX (3 * TETRA_CONCAT_SDS_MAX)

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
		Tetrabridge__V1__Text text;
		Tetrabridge__V1__TextIncomplete text_incomplete;
		Tetrabridge__V1__Location location;
		Tetrabridge__V1__LocationControl location_control;
		Tetrabridge__V1__DeliveryReport delivery_report;
		Tetrabridge__V1__SendResult send_result;
		Tetrabridge__V1__RadioInfo radio_info;
		Tetrabridge__V1__LinkError link_error;
		Tetrabridge__V1__CalloutPdu callout_pdu;
	} body;
	union {			/* the member of RadioInfo.info */
		Tetrabridge__V1__RadioInfo__OperatingMode operating_mode;
		Tetrabridge__V1__RadioInfo__GroupAttachment group;
		Tetrabridge__V1__RadioInfo__Signal signal;
		Tetrabridge__V1__RadioInfo__Registration registration;
		Tetrabridge__V1__RadioInfo__OwnPosition own_position;
		Tetrabridge__V1__RadioInfo__SupportedValues supported;
		Tetrabridge__V1__RadioInfo__IdentityEntry identity_entry;
		Tetrabridge__V1__RadioInfo__ReportedIdentity reported_identity;
	} info;
	/* The parameters of a SupportedValues and their spans. */
	Tetrabridge__V1__RadioInfo__SupportedValues__Parameter sv_param[TETRA_SUPPORTED_MAX_PARAMS];
	Tetrabridge__V1__RadioInfo__SupportedValues__Parameter *sv_param_ptr[TETRA_SUPPORTED_MAX_PARAMS];
	Tetrabridge__V1__RadioInfo__SupportedValues__Span sv_span[TETRA_SUPPORTED_MAX_PARAMS][TETRA_SUPPORTED_MAX_SPANS];
	Tetrabridge__V1__RadioInfo__SupportedValues__Span *sv_span_ptr[TETRA_SUPPORTED_MAX_PARAMS][TETRA_SUPPORTED_MAX_SPANS];
	Tetrabridge__V1__TextTimestamp timestamp;
	Tetrabridge__V1__SdsStorage storage;
	Tetrabridge__V1__LocationTime location_time;
	uint32_t missing_parts[TB_EVENT_MAX_PARTS];
	uint32_t receivers[TETRA_CALLOUT_MAX_RECEIVERS];	/* CalloutPdu.receiver_subaddresses */
	char callout_text[TB_EVENT_CALLOUT_TEXT_MAX + 1];	/* CalloutPdu.text */
	Tetrabridge__V1__Identity id[3];
	Tetrabridge__V1__Undecoded undecoded[3];
	char digits[3][25];
};

void tb_event_buf_init(struct tb_event_buf *b);

/* Fill b->ev's body from prim. Returns 0, or -ENOENT for primitives that
 * are not events. A TNMM own identity is one the terminal printed unasked
 * (the answer to AT+CNUMF? never becomes a primitive: it is the radio's
 * state, RadioState.identity): RadioInfo.reported_identity.
 * ev.seq/time/bridge/radio are left to the caller. transport and reason are
 * used by LINK_UP/LINK_DOWN only (may be NULL).
 * A TEXT primitive that is one part of a concatenated message is mapped as
 * it is (parts 1): reassemble first (tb_event_from_text_message); likewise
 * an UNITDATA that is a part of a concatenated SDS (tb_events_from_concat_sds).
 * A CALLOUT primitive becomes a CalloutPdu, its ISO 8859-1 text converted
 * to UTF-8 (into b) and its unexplained octets as rest. */
int tb_event_from_prim(struct tb_event_buf *b, const struct tetra_prim *prim, const char *transport,
		       const char *reason);

/* A reassembled concatenated message -> Text (parts = m->total, the joined text). */
void tb_event_from_text_message(struct tb_event_buf *b, const struct tetra_concat_message *m);

/* A concatenated message given up before every part came -> TextIncomplete
 * (the parts received, in order, and the numbers of the missing ones). */
void tb_event_from_text_incomplete(struct tb_event_buf *b, const struct tetra_concat_message *m);

/* The events of a concatenated SDS (PID 0x0C / 0x8C) the reassembly table
 * handed over, whole or given up (codecs/concat.h): emit is called with b
 * filled, once per event, in order; returns how many.
 *  - whole, carrying a call-out (embedded PID 0xC3) that decodes: one
 *    CalloutPdu (parts = the parts joined; message reference and report
 *    request of the lowest part's SDS-TL header);
 *  - anything else: each part received, in part order, as the SdsRaw it
 *    came as, decode_error saying why it comes alone: "incomplete" (given
 *    up before every part came), the call-out's decode error, or "" for a
 *    whole message of a protocol not reassembled (it is passed on as today).
 * Nothing is lost either way. */
unsigned tb_events_from_concat_sds(struct tb_event_buf *b, const struct tetra_concat_sds *m,
				   void (*emit)(struct tb_event_buf *b, void *data), void *data);
