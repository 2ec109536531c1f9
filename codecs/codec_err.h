/* Error codes of every codec: each failure has its own code and name.
 * Functions return 0 (or a length) on success, a negative code on failure.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

enum tetra_codec_err {
	TETRA_OK = 0,
	TETRA_E_UNKNOWN_URC = -1,	/* not a result code this decoder knows */
	TETRA_E_SYNTAX = -2,		/* wrong field count or separators */
	TETRA_E_NUMBER = -3,		/* a numeric field is not a number */
	TETRA_E_RANGE = -4,		/* a value outside its defined range */
	TETRA_E_IDENTITY = -5,		/* identity digits malformed */
	TETRA_E_HEX = -6,		/* user data is not hex */
	TETRA_E_LENGTH = -7,		/* user data shorter than the announced bit length */
	TETRA_E_NO_DATA = -8,		/* +CTSDSR without its user-data line */
	TETRA_E_TOO_LONG = -9,		/* more than TETRA_SDS_MAX_BYTES of user data */
	TETRA_E_TRUNCATED = -10,	/* a PDU ends before its fields do (bit reader ran out) */
	TETRA_E_NO_SPACE = -11,		/* the caller's output buffer is too small */
	TETRA_E_PDU_TYPE = -12,		/* a PDU type / extension this decoder does not know */
	TETRA_E_CODING = -13,		/* a text coding scheme that cannot be decoded */
	TETRA_E_UNENCODABLE = -14,	/* input that no allowed encoding can carry */
	TETRA_E_INVALID = -15,		/* an argument outside what the encoder accepts */
	TETRA_E_DUPLICATE = -16,	/* a concatenation part that was already received (ignored) */
	TETRA_E_INCOMPLETE = -17,	/* a concatenated message given up before all its parts came */
};

/* Stable short name of an error code, e.g. "hex" for TETRA_E_HEX. */
const char *tetra_codec_strerror(int err);
