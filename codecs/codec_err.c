/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "codecs/codec_err.h"

const char *tetra_codec_strerror(int err)
{
	switch (err) {
	case TETRA_OK:			return "ok";
	case TETRA_E_UNKNOWN_URC:	return "unknown_urc";
	case TETRA_E_SYNTAX:		return "syntax";
	case TETRA_E_NUMBER:		return "number";
	case TETRA_E_RANGE:		return "range";
	case TETRA_E_IDENTITY:		return "identity";
	case TETRA_E_HEX:		return "hex";
	case TETRA_E_LENGTH:		return "length";
	case TETRA_E_NO_DATA:		return "no_data";
	case TETRA_E_TOO_LONG:		return "too_long";
	case TETRA_E_TRUNCATED:		return "truncated";
	case TETRA_E_NO_SPACE:		return "no_space";
	case TETRA_E_PDU_TYPE:		return "pdu_type";
	case TETRA_E_CODING:		return "coding";
	case TETRA_E_UNENCODABLE:	return "unencodable";
	case TETRA_E_INVALID:		return "invalid";
	case TETRA_E_DUPLICATE:		return "duplicate";
	case TETRA_E_INCOMPLETE:	return "incomplete";
	default:			return "unknown_error";
	}
}
