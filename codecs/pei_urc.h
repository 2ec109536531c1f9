/* PEI result lines (EN 300 392-5) -> TETRA primitives. Pure: no I/O, no
 * allocation, no globals, no clocks; the caller owns every buffer.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stddef.h>
#include <stdbool.h>
#include "codecs/codec_err.h"
#include "codecs/tetra_prim.h"

/* True when this result line is followed by a user-data line (+CTSDSR). */
bool tetra_pei_has_data_line(const char *line, size_t len);

/* True when a line can be the user-data line that follows a +CTSDSR: hex
 * digits only (trailing blanks allowed). Anything else — a result code, OK,
 * the prompt — means the data line was lost. Shared by the AT engine and
 * the offline trace decoder, so both pair lines the same way. */
bool tetra_pei_is_data_line(const char *line, size_t len);

/* Decode one unsolicited result code.
 *  line/len:      the result line without CR LF, e.g. "+CTICN: 1,0,0,...".
 *  data/data_len: the following user-data line for +CTSDSR, else NULL/0.
 *  out:           filled on success (oph.sap, oph.primitive, oph.operation
 *                 = PRIM_OP_INDICATION, and the union member); left in an
 *                 unspecified state on failure.
 * One field that does not decode does not cost the message: a party comes
 * out as TETRA_ID_UNDECODED (its text and the reason kept), user data that
 * does not decode as announced as UNITDATA with decode_error. A line is
 * refused only when nothing of it can be published (pei_urc.c says which).
 * Returns 0 or a negative enum tetra_codec_err. */
int tetra_pei_decode(const char *line, size_t len, const char *data, size_t data_len,
		     struct tetra_prim *out);

/* Parse a decimal PEI identity (SSI up to 8 digits, or a TSI of 12-17
 * digits) of the given type into id. The digit count decides the layout:
 * 1..8 = SSI alone; 17 = MCC(4) MNC(5) SSI(8); 12..16 = MCC(3, or 4 when
 * the string starts with 0), SSI the last 8, MNC the 1..5 digits between
 * ("262100101234567" = 262 / 1001 / 1234567); codecs/identity.c has the
 * details. type TETRA_ID_NONE means "infer": the result gets TETRA_ID_SSI
 * or TETRA_ID_TSI. PABX/PSTN keep 1..24 characters
 * of 0-9 * # + in digits. len 0 gives type TETRA_ID_NONE. s need not be
 * NUL-terminated; id is untouched on failure.
 * Returns 0 or a negative enum tetra_codec_err. */
int tetra_identity_parse(const char *s, size_t len, uint8_t type, struct tetra_identity *id);

/* A party field s[0..len) that did not decode (err, a negative enum
 * tetra_codec_err) -> id of type TETRA_ID_UNDECODED keeping the field's
 * text (see struct tetra_identity). s need not be NUL-terminated. */
void tetra_identity_undecoded(const char *s, size_t len, int err, struct tetra_identity *id);

/* Print an identity as the PEI does (17-digit TSI, decimal SSI, external
 * digits; an undecoded field as it was sent) into buf; returns the length snprintf would write. */
int tetra_identity_print(char *buf, size_t size, const struct tetra_identity *id);
