/* TETRA text coding schemes <-> UTF-8 (EN 300 392-2 §29.5.4.1).
 *
 * Coding schemes:
 *   0      GSM 7-bit default alphabet (3GPP TS 23.038 §6.2.1), septets packed
 *          LSB-first as in GSM SMS, extension table via ESC (0x1B):
 *          FF € [ ] { } \ ~ ^ |
 *   1..9   ISO 8859-1..9      10 ISO 8859-10   11 ISO 8859-13
 *   12     ISO 8859-14        13 ISO 8859-15
 *   14..25 DOS code pages 437, 737, 850, 852, 855, 857, 860, 861, 863, 865,
 *          866, 869
 *   26     UTF-16BE (surrogate pairs; lone surrogates become U+FFFD)
 *   27     VISCII
 *   28..   not defined here: TETRA_E_CODING
 *
 * The 8-bit tables are generated at build time from glibc iconv by
 * codecs/gen_charsets.c; nothing here calls iconv or allocates.
 *
 * Decoding never fails on content: bytes a scheme leaves undefined,
 * malformed UTF-16 and a dangling GSM ESC become U+FFFD and are counted.
 * U+0000 is never emitted (a NUL code becomes U+FFFD and is counted), so
 * the output is a C string. A GSM ESC followed by a code the extension
 * table does not define gives the basic-table character (TS 23.038
 * §6.2.1.1); ESC ESC gives a space.
 *
 * Encoding is strict: input must be valid UTF-8 (no overlongs, surrogates
 * or code points above U+10FFFF) and must not contain U+0000.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codecs/codec_err.h"

#define TETRA_TEXT_GSM7		0
#define TETRA_TEXT_8859_1	1
#define TETRA_TEXT_8859_15	13
#define TETRA_TEXT_UTF16BE	26
#define TETRA_TEXT_VISCII	27
#define TETRA_TEXT_NUM_CODINGS	28	/* schemes 0..27 decode */

/* Decode text of coding scheme `coding` to UTF-8. data holds bit_len bits
 * (for GSM 7-bit the septet count is bit_len / 7; for 8-bit schemes
 * bit_len / 8 bytes; for UTF-16BE bit_len / 16 units; trailing odd bits
 * ignored). Invalid or unmapped sequences become U+FFFD and are counted in
 * *replaced (may be NULL). The output is always NUL-terminated when
 * out_size > 0. Returns the UTF-8 length (without NUL), TETRA_E_CODING for
 * a scheme not in the list, or TETRA_E_NO_SPACE when out is too small
 * (then out holds a valid, truncated UTF-8 prefix). */
int tetra_text_to_utf8(uint8_t coding, const uint8_t *data, size_t bit_len,
                       char *out, size_t out_size, uint16_t *replaced);
/* Details: data must hold ceil(bit_len / 8) bytes. out_size counts the NUL,
 * so a result of n bytes needs out_size >= n + 1. On TETRA_E_NO_SPACE the
 * prefix ends on a character boundary and *replaced counts the
 * replacements in that prefix. *replaced saturates at 65535 and is set on
 * every return except TETRA_E_CODING. */

/* Encode UTF-8 text in scheme `coding` (supported for encoding: 0 GSM 7-bit,
 * 1 ISO 8859-1, 13 ISO 8859-15, 26 UTF-16BE). Writes at most out_size bytes
 * and sets *out_bits to the bits written. Returns 0, TETRA_E_UNENCODABLE
 * when a character cannot be carried in that scheme (or the UTF-8 is
 * invalid), TETRA_E_CODING for an unsupported scheme, TETRA_E_NO_SPACE. */
int tetra_text_from_utf8(const char *utf8, size_t len, uint8_t coding,
                         uint8_t *out, size_t out_size, size_t *out_bits);
/* Details: utf8 need not be NUL-terminated (len bytes are read; U+0000 is
 * unencodable). GSM 7-bit writes septets * 7 bits, ESC + code for the
 * extension characters, the unused high bits of the last byte zero.
 * TETRA_E_UNENCODABLE wins over TETRA_E_NO_SPACE: NO_SPACE means the text
 * would encode but does not fit. *out_bits is set only on success; on
 * failure out may have been partly written. */

/* The scheme the bridge sends text in: 1 (ISO 8859-1) when every character
 * fits, else 13 (ISO 8859-15: adds €, Š, š, Ž, ž, Œ, œ, Ÿ), else 26 (UTF-16BE). */
uint8_t tetra_text_pick_coding(const char *utf8, size_t len);
/* Details: invalid UTF-8 or U+0000 gives 26, and tetra_text_from_utf8()
 * then reports TETRA_E_UNENCODABLE. */

/* The length of the valid UTF-8 sequence at s (at most len bytes, len > 0):
 * 1..4, or 0 when s does not start one (same rules as tetra_utf8_valid). */
size_t tetra_utf8_seq_len(const char *s, size_t len);

/* Whether s[0..len) is valid UTF-8 (Unicode Table 3-7: no overlongs, no
 * surrogates, nothing above U+10FFFF, no truncated sequence). U+0000 is
 * valid. */
bool tetra_utf8_valid(const char *s, size_t len);

/* Copy s[0..len) to out as valid UTF-8: every byte that does not start a
 * valid sequence becomes U+FFFD (3 bytes). Writes at most out_size - 1
 * bytes and a NUL (out_size > 0; a sequence that would not fit whole is
 * left out). Returns the length the whole repair needs (without the NUL):
 * at most 3 * len. */
size_t tetra_utf8_repair(const char *s, size_t len, char *out, size_t out_size);

/* Name of a coding scheme, e.g. "ISO 8859-1", "UTF-16BE", "GSM 7-bit". */
const char *tetra_text_coding_name(uint8_t coding);
/* Details: "CP437" ... "CP869" for the DOS code pages, "VISCII", and
 * "reserved" for schemes 28..255. Never NULL. */
