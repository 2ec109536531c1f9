/* TCCA Simple Call-Out messages (SDS-TL, PID 195 = 0xC3): alerts a
 * control room sends to terminals, and the answers they send back
 * (docs/protocol.md §9 and §15).
 *
 * No specification is public (TCCA TTR 001-21 is for members). The layout
 * is the one public decoders of captured German traffic give; the captured
 * alert in docs/protocol.md §15 decodes to the values stated there. The
 * SDS is an ordinary SDS-TL TRANSFER, `C3 | flags | msgref | payload`; this
 * codec works on the payload after that header (the SDS-TL header is
 * codecs/sds_tl.h's business, as for LIP). Payload, MSB first:
 *
 *   lead(8) | kind(4) | number(8) | severity(4) | ...
 *   kind 1, alert:  sender sub-address(16) | receiver octets(8) = 2 x n |
 *                   n receiver sub-addresses(16 each) | 0xFF | text
 *   kind 3, answer: [0xFF] | text
 *   other kinds:    nothing more is known: the octets after the number and
 *                   severity are kept as rest
 *
 * lead: one octet of unknown meaning (0x0D in one source, 0x01 in another),
 * kept as data. The text is ISO 8859-1 to the end of the payload and may
 * hold any octet (LF and 0xFE are seen); it is kept as octets, converting
 * it is the caller's business. Unverified beyond the number and the
 * severity: the answer's layout (a fixed or a free text; an 0xFF right
 * after the severity is taken for a separator, as in the alert).
 *
 * Nothing is dropped: octets the layout does not explain end up in rest
 * (an alert whose receivers are not followed by 0xFF: everything after
 * them). Pure functions: no I/O, no allocation, no globals.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codecs/codec_err.h"

#define TETRA_CALLOUT_PID 0xC3

enum { TETRA_CALLOUT_KIND_ALERT = 1, TETRA_CALLOUT_KIND_ANSWER = 3 };

#define TETRA_CALLOUT_MAX_RECEIVERS 32
#define TETRA_CALLOUT_SEPARATOR 0xFF
#define TETRA_CALLOUT_LEAD_DEFAULT 0x0D	/* what the bridge sends unless configured */
#define TETRA_CALLOUT_TEXT_MAX 94	/* text octets an alert may carry when encoded */
#define TETRA_CALLOUT_OCTETS_MAX 65535	/* text or rest octets encode takes at most */

struct tetra_callout_msg {
	uint8_t lead;		/* unknown octet before the kind */
	uint8_t kind;		/* 4 bits */
	uint8_t number;		/* 8 bits */
	uint8_t severity;	/* 4 bits */
	bool has_sender; uint16_t sender_subaddr;		/* alert */
	uint8_t n_receivers; uint16_t receivers[TETRA_CALLOUT_MAX_RECEIVERS];
	const uint8_t *text; size_t text_len;	/* ISO 8859-1 octets; decode: points into the payload */
	const uint8_t *rest; size_t rest_len;	/* octets the layout does not explain */
};

/*! Encode a call-out payload (after the SDS-TL header) into out.
 *  The layout above, as decode reads it:
 *   - alert (has_sender required): the text after 0xFF; or, with rest_len >
 *     0 and no text, the rest instead of 0xFF and text (rest must not start
 *     with 0xFF: it would read back as a separator). So decode(encode(m))
 *     gives m back; an alert that ended right after its receivers is
 *     encoded with an 0xFF (and an empty text) added;
 *   - answer: 0xFF before a non-empty text (unverified, see above), no rest;
 *   - other kinds: the rest after the severity; no text.
 *  \returns octets written; TETRA_E_INVALID (NULL, kind or severity over 4
 *  bits, more than TETRA_CALLOUT_MAX_RECEIVERS receivers, a field the kind
 *  does not have: sender or receivers on a non-alert, text on another kind,
 *  text and rest together, rest on an answer), TETRA_E_TOO_LONG (an alert
 *  text over TETRA_CALLOUT_TEXT_MAX octets, any text or rest over
 *  TETRA_CALLOUT_OCTETS_MAX), TETRA_E_NO_SPACE. */
int tetra_callout_encode(const struct tetra_callout_msg *m, uint8_t *out, size_t out_size);

/*! Decode a call-out payload (the octets after the SDS-TL header; longer
 *  than one SDS when it came in a concatenated one). text and rest point
 *  into payload.
 *  \returns 0; TETRA_E_TRUNCATED when the payload ends inside the fields
 *  before the text (lead, kind, number, severity; an alert's sender, count
 *  and receivers); TETRA_E_RANGE for an alert whose receiver octet count is
 *  odd or names more than TETRA_CALLOUT_MAX_RECEIVERS; TETRA_E_INVALID for
 *  NULL arguments. On failure *out is untouched. */
int tetra_callout_decode(const uint8_t *payload, size_t len, struct tetra_callout_msg *out);

/*! "alert", "answer" or "unknown". Never NULL. */
const char *tetra_callout_kind_name(uint8_t kind);
