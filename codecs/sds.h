/* SDS user data -> TETRA primitive: the dispatch on AI service and protocol
 * identifier (EN 300 392-2 §29.4.3.9) to the text, LIP and SDS-TL decoders.
 * Pure: no I/O, no allocation, no clocks, no logging.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "codecs/codec_err.h"
#include "codecs/tetra_prim.h"

/*! Decode the user data of a +CTSDSR into one TNSDS indication.
 *
 *  \param hdr   the +CTSDSR header; hdr->bit_len bits of data are decoded.
 *  \param data  the user data, at least ceil(hdr->bit_len / 8) bytes (bits
 *               past bit_len should be zero; they are never read).
 *  \param len   bytes in data (>= ceil(bit_len / 8); extra bytes are ignored).
 *  \param out   filled on success (oph with osmo_prim_init, SAP TNSDS,
 *               PRIM_OP_INDICATION, and the union member of the primitive).
 *               Only the fields of that member are written (the text is not
 *               zero-padded beyond its NUL; unitdata.data beyond len is left
 *               as it was). out may hold hdr and data itself (decoding a
 *               UNITDATA primitive in place is allowed).
 *
 *  Dispatch:
 *   AI 9-11 (SDS type 1-3)        -> TETRA_TNSDS_UNITDATA
 *   AI 13 (status, 16 bits)       -> TETRA_TNSDS_STATUS, or
 *                                    TETRA_TNSDS_SHORT_REPORT for 0x7C00-0x7FFF
 *   AI 12 (SDS type 4) by PID (first octet):
 *     0x02, 0x09 simple (immediate) text      -> TETRA_TNSDS_TEXT
 *     0x0A LIP                                -> LOCATION / LOCATION_CONTROL
 *     0x82, 0x89, 0x8A SDS-TRANSFER text      -> TETRA_TNSDS_TEXT (0x8A with
 *                                    concat from the user data header)
 *     0x83 SDS-TRANSFER + LIP                 -> LOCATION (tl filled) /
 *                                                LOCATION_CONTROL
 *     0xC3 SDS-TRANSFER + call-out            -> TETRA_TNSDS_CALLOUT
 *                                    (codecs/callout.h; tl filled)
 *     SDS-REPORT, SDS-ACK, any PID >= 0x80    -> TETRA_TNSDS_REPORT
 *     0x03 simple location (NMEA), 0x0C / 0x8C concatenated SDS, other
 *     PIDs (0x40-0x7E, 0xC0-0xFE but 0xC3, anything unknown)
 *                                             -> TETRA_TNSDS_UNITDATA,
 *                                                decode_error 0
 *   other AI services                          -> UNITDATA, decode_error
 *                                                TETRA_E_RANGE
 *  A known PID that does not decode (truncated, reserved field values, a
 *  coding scheme text.h does not know, a concatenation header of 0x0C/0x8C
 *  that does not parse, a call-out cut short or with an odd receiver count)
 *  gives TETRA_TNSDS_UNITDATA with the raw bytes and
 *  decode_error set to why: the message is never lost. Likewise a status
 *  whose length is not 16 bits (decode_error TETRA_E_LENGTH).
 *
 *  Why 0x0C / 0x8C stay raw: each part is a byte slice of an embedded SDS
 *  whose PID (and so its text coding) only part 1 carries, so a part cannot
 *  be decoded as text on its own; the header layout is also unverified (see
 *  tetra_sds_concat_hdr_read() in codecs/sds_tl.h). The caller reassembles
 *  the raw parts with codecs/concat.h (tetra_concat_add_sds()).
 *
 *  Unverified: for 0x8A with GSM 7-bit text (coding 0) the text is taken to
 *  start at the octet after the user data header, with no septet fill bits
 *  as GSM SMS would use.
 *
 *  \returns 0 when *out holds a primitive (including UNITDATA with a
 *  decode_error); TETRA_E_INVALID for NULL hdr/out (or NULL data with
 *  bit_len > 0), TETRA_E_TOO_LONG for bit_len or len beyond
 *  TETRA_SDS_MAX_BYTES, TETRA_E_LENGTH when len < ceil(bit_len / 8); then
 *  *out is untouched. */
int tetra_sds_decode(const struct tetra_sds_header *hdr, const uint8_t *data, size_t len,
		     struct tetra_prim *out);

/*! Name of a protocol identifier, e.g. 0x82 "text messaging"; "user
 *  application" for 0x40-0x7E and 0xC0-0xFE, "reserved" otherwise. Never NULL. */
const char *tetra_sds_pid_name(uint8_t pid);
