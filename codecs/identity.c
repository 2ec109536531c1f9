/* Decimal PEI identities (EN 300 392-5) <-> struct tetra_identity.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Digit-count rules for TETRA identities (types SSI, TSI, SNA, extended TSI,
 * or TETRA_ID_NONE = "type not given, infer it"):
 *   1..8 digits   an SSI alone (<= 16777215), mcc = mnc = 0
 *   17 digits     MCC(4) MNC(5) SSI(8), the form terminals print
 *   16 digits     MCC(3) MNC(5) SSI(8), MCC without its leading zero
 *   15 digits     MCC(2) MNC(5) SSI(8)
 *   9..14, >17    TETRA_E_IDENTITY
 * MNC and SSI keep their fixed widths in every form because they are the
 * fields terminals zero-pad; only the MCC's leading zeros get dropped
 * (a 3-digit MCC like 901 or 242 is how MCCs are normally written).
 * The digit count decides the layout, not the type number: a type-0 (SSI)
 * field carrying 17 digits is read as a TSI and keeps type 0, because
 * terminals are not consistent here. With TETRA_ID_NONE the type becomes
 * TETRA_ID_SSI or TETRA_ID_TSI by digit count. An SNA is 8 bits (<= 255)
 * and never a TSI.
 * PABX/PSTN external numbers keep their characters (0-9 * # +, 1..24). */
#include "codecs/pei_urc.h"

#include <stdio.h>
#include <string.h>

static inline bool is_digit(char c)
{
	return (unsigned char)(c - '0') <= 9;
}

/* n <= 8 digits, already validated. */
static inline uint32_t dec(const char *s, size_t n)
{
	uint32_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (uint32_t)(s[i] - '0');
	return v;
}

int tetra_identity_parse(const char *s, size_t len, uint8_t type, struct tetra_identity *id)
{
	struct tetra_identity r;

	memset(&r, 0, sizeof(r));
	if (len == 0) {
		r.type = TETRA_ID_NONE;
		*id = r;
		return TETRA_OK;
	}
	if (!s)
		return TETRA_E_IDENTITY;

	switch (type) {
	case TETRA_ID_PABX:
	case TETRA_ID_PSTN:
		if (len > sizeof(r.digits) - 1)
			return TETRA_E_IDENTITY;
		for (size_t i = 0; i < len; i++) {
			char c = s[i];
			if (!is_digit(c) && c != '*' && c != '#' && c != '+')
				return TETRA_E_IDENTITY;
		}
		memcpy(r.digits, s, len);
		r.digits[len] = '\0';
		r.type = type;
		break;
	case TETRA_ID_SSI:
	case TETRA_ID_TSI:
	case TETRA_ID_SNA:
	case TETRA_ID_EXT_TSI:
	case TETRA_ID_NONE:
		for (size_t i = 0; i < len; i++)
			if (!is_digit(s[i]))
				return TETRA_E_IDENTITY;
		if (len <= 8) {
			r.ssi = dec(s, len);
			if (r.ssi > 0xffffff)
				return TETRA_E_RANGE;
			if (type == TETRA_ID_SNA && r.ssi > 0xff)
				return TETRA_E_RANGE;
			r.type = type == TETRA_ID_NONE ? TETRA_ID_SSI : type;
		} else if (len >= 15 && len <= 17 && type != TETRA_ID_SNA) {
			size_t ml = len - 13;
			uint32_t mcc = dec(s, ml), mnc = dec(s + ml, 5), ssi = dec(s + ml + 5, 8);
			if (mcc > 1023 || mnc > 16383 || ssi > 0xffffff)
				return TETRA_E_RANGE;
			r.mcc = (uint16_t)mcc;
			r.mnc = (uint16_t)mnc;
			r.ssi = ssi;
			r.type = type == TETRA_ID_NONE ? TETRA_ID_TSI : type;
		} else {
			return TETRA_E_IDENTITY;
		}
		break;
	default:
		return TETRA_E_RANGE;
	}
	*id = r;
	return TETRA_OK;
}

/* TSI and extended TSI always print as 17 digits (also when mcc = mnc = 0);
 * other TETRA types print a bare decimal SSI unless they carry an MCC/MNC. */
int tetra_identity_print(char *buf, size_t size, const struct tetra_identity *id)
{
	if (!id || id->type == TETRA_ID_NONE)
		return snprintf(buf, size, "%s", "");
	switch (id->type) {
	case TETRA_ID_PABX:
	case TETRA_ID_PSTN:
		return snprintf(buf, size, "%.24s", id->digits);
	case TETRA_ID_TSI:
	case TETRA_ID_EXT_TSI:
		break;
	default:
		if (id->mcc == 0 && id->mnc == 0)
			return snprintf(buf, size, "%u", (unsigned)id->ssi);
		break;
	}
	return snprintf(buf, size, "%04u%05u%08u", (unsigned)id->mcc, (unsigned)id->mnc,
			(unsigned)id->ssi);
}
