/* What the bridge sends: status values, SDS-TL text messages (split into
 * user-data-header parts when long), SDS-REPORTs, and the hex form AT+CMGS
 * takes. Pure: no I/O, no allocation.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

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
