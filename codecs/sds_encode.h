/* What the bridge sends: status values, SDS-TL text messages (split into
 * user-data-header parts when long; immediate or not), any SDS-TL TRANSFER
 * around given octets (call-out PDUs), SDS-REPORTs, and the hex form
 * AT+CMGS takes. Pure: no I/O, no allocation.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codecs/codec_err.h"
#include "codecs/tetra_prim.h"

/* SDS type 4 carries at most 2047 bits. */
#define TETRA_SDS_TYPE4_MAX_BITS 2047

/* One SDS user data field as sent with AT+CMGS=<called>,<bits>. */
struct tetra_sds_pdu {
	uint16_t bits;				/* length announced to AT+CMGS */
	uint8_t data[TETRA_SDS_MAX_BYTES];	/* bits past `bits` are unspecified */
};

/*! A status (AI service 13): 16 bits, big-endian. Always 0. */
int tetra_status_encode(uint16_t value, struct tetra_sds_pdu *out);

/*! A text message as SDS-TL SDS-TRANSFER(s), for AT+CTSDS=12,...
 *
 *  The coding is tetra_text_pick_coding(): ISO 8859-1 when every character
 *  fits, else ISO 8859-15, else UTF-16BE; no timestamp; service selection /
 *  short form report bit 1 (as in docs/protocol.md §11's examples); no storage block.
 *  When the text fits one SDS type 4 (2047 bits) it is one PID 0x82
 *  message with reference msg_ref_first. Otherwise it is split into PID 0x8A
 *  parts with a user data header: IEI 0x00 (8-bit reference) when
 *  concat_ref < 256, else IEI 0x08 (16-bit reference, big-endian); part i
 *  (0-based) has message reference msg_ref_first + i (mod 256). A part never
 *  ends inside a UTF-8 character or a UTF-16 surrogate pair; every part is
 *  filled as far as whole characters allow.
 *
 *  \param utf8, len       the text (need not be NUL-terminated)
 *  \param report_request  delivery report request 0..3 (enum tetra_sds_report_request)
 *  \param parts           max_parts PDUs, filled in order
 *  \returns the number of parts (>= 1); TETRA_E_TOO_LONG when more than
 *  max_parts (or TETRA_CONCAT_MAX_PARTS = 16) parts would be needed;
 *  TETRA_E_UNENCODABLE for invalid UTF-8 or U+0000; TETRA_E_INVALID for
 *  report_request > 3 or NULL pointers. */
int tetra_sds_encode_text(const char *utf8, size_t len, uint8_t msg_ref_first, uint8_t report_request,
			  uint16_t concat_ref, struct tetra_sds_pdu *parts, unsigned max_parts);

/*! As tetra_sds_encode_text(), as SDS-TL immediate text messaging: a text
 *  that fits one SDS is one PID 0x89 message (terminals that support it
 *  show it at once, without the user opening it), otherwise byte for byte
 *  the same PID 0x8A parts as tetra_sds_encode_text(). There is no
 *  immediate form of a message with a user data header; the concatenated
 *  SDS (PID 0x8C, whose first part names the embedded PID) could carry one,
 *  but its layout is unverified (docs/protocol.md §5.14), so a long text is
 *  rather shown late than not at all. Tell the two apart by the count: 1
 *  part is immediate. Arguments and results as tetra_sds_encode_text(). */
int tetra_sds_encode_immediate_text(const char *utf8, size_t len, uint8_t msg_ref_first, uint8_t report_request,
				    uint16_t concat_ref, struct tetra_sds_pdu *parts, unsigned max_parts);

/* The SDS-TRANSFER header without a storage block: PID, flags, reference. */
#define TETRA_SDS_TRANSFER_HDR_BITS 24
/* Octets of user data one SDS-TRANSFER can carry: (2047 - 24) / 8. */
#define TETRA_SDS_TRANSFER_MAX_OCTETS ((TETRA_SDS_TYPE4_MAX_BITS - TETRA_SDS_TRANSFER_HDR_BITS) / 8)

/*! One SDS-TL SDS-TRANSFER of protocol pid around the given octets, in one
 *  SDS: PID(8) | type 0(4) | report_request(2) | short_report_ok(1) |
 *  storage 0(1) | msg_ref(8) | payload. E.g. a call-out PDU (PID 0xC3, the
 *  octets from codecs/callout.h), no report, reference 0x11:
 *  C3 00 11 <payload>.
 *
 *  \param short_report_ok  the service selection / short form report bit
 *                          (docs/protocol.md §5.6: which value means what
 *                          is unverified; texts send 1 as §11's examples,
 *                          the captured call-out alert of §9 has 0)
 *  \returns 0; TETRA_E_TOO_LONG when the SDS would be over 2047 bits (more
 *  than TETRA_SDS_TRANSFER_MAX_OCTETS octets); TETRA_E_INVALID for pid <
 *  0x80 (no SDS-TL), report_request > 3, a NULL out, or a NULL payload with
 *  payload_len > 0. */
int tetra_sds_encode_transfer(uint8_t pid, uint8_t report_request, bool short_report_ok, uint8_t msg_ref,
			      const uint8_t *payload, size_t payload_len, struct tetra_sds_pdu *out);

/*! SDS-REPORT answering an SDS-TRANSFER of PID pid with message reference
 *  msg_ref: ack not required, no storage, no user data (32 bits), e.g.
 *  pid 0x82, status 0x00 (received), ref 0xC9 -> 821000C9.
 *  \returns 0, or TETRA_E_INVALID for pid < 0x80 (no SDS-TL). */
int tetra_sds_encode_report(uint8_t pid, uint8_t delivery_status, uint8_t msg_ref, struct tetra_sds_pdu *out);

/*! The user data as AT+CMGS wants it: ceil(bits / 4) uppercase hex digits
 *  and a NUL (bits past pdu->bits in the last digit are sent as 0).
 *  \returns the number of digits, TETRA_E_NO_SPACE when out_size is less
 *  than digits + 1, TETRA_E_INVALID when pdu->bits > 8 * TETRA_SDS_MAX_BYTES. */
int tetra_sds_hex(const struct tetra_sds_pdu *pdu, char *out, size_t out_size);
