/* Decimal PEI identities (EN 300 392-5) <-> struct tetra_identity.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Digit-count rules for TETRA identities (types SSI, TSI, SNA, extended TSI,
 * or TETRA_ID_NONE = "type not given, infer it"):
 *   1..8 digits   an SSI alone (<= 16777215), mcc = mnc = 0
 *   17 digits     MCC(4) MNC(5) SSI(8): the form most terminals print, the
 *                 MCC zero-padded ("09011638300023404" = 901 / 16383 / 23404)
 *   12..16 digits the forms without padding, read as public decoders read
 *                 them: the MCC is 3 digits, 4 when the string starts with
 *                 0; the SSI is the last 8; the MNC is what is left between
 *                 (1..5 digits). "262100101234567" (15) = 262 / 1001 /
 *                 1234567, as German and Norwegian (242) terminals print it;
 *                 "9011638300023404" (16) = 901 / 16383 / 23404;
 *                 "0242100101234567" (16) = 242 / 1001 / 1234567.
 *   anything else TETRA_E_IDENTITY (no MNC digit left, or too long)
 * Only the 17-digit form can carry an MCC above 999 (up to 1023, the 10-bit
 * field): a real MCC has 3 digits. MNC <= 16383 (14 bits), SSI <= 16777215.
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

/* n <= 8 decimal digits; false on a non-digit. */
static inline bool dec(const char *s, size_t n, uint32_t *out)
{
	uint32_t v = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(unsigned char)s[i] - '0';
		if (d > 9)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* Exactly 8 decimal digits at once (SWAR): the SSI of every printed TSI.
 * Little-endian load: s[0] is the lowest byte. */
static inline bool dec8(const char *s, uint32_t *out)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t v;

	memcpy(&v, s, 8);
	/* every byte 0x30..0x39: high nibble 3, and still 3 after adding 6 */
	if ((v & 0xF0F0F0F0F0F0F0F0ull) != 0x3030303030303030ull ||
	    ((v + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull) != 0x3030303030303030ull)
		return false;
	v &= 0x0F0F0F0F0F0F0F0Full;
	v = (v * 10 + (v >> 8)) & 0x00FF00FF00FF00FFull;
	v = (v * 100 + (v >> 16)) & 0x0000FFFF0000FFFFull;
	v = v * 10000 + (v >> 32);
	*out = (uint32_t)v;
	return true;
#else
	return dec(s, 8, out);
#endif
}

/* On failure *id is left untouched; on success only the fields that matter
 * are written (no memset of the whole struct: this is the hot path). */
int tetra_identity_parse(const char *s, size_t len, uint8_t type, struct tetra_identity *id)
{
	uint32_t mcc = 0, mnc = 0, ssi;
	uint8_t out_type;

	if (len == 0) {
		id->type = TETRA_ID_NONE;
		id->error = TETRA_OK;
		id->mcc = id->mnc = 0;
		id->ssi = 0;
		id->digits[0] = '\0';
		return TETRA_OK;
	}
	if (!s)
		return TETRA_E_IDENTITY;

	switch (type) {
	case TETRA_ID_PABX:
	case TETRA_ID_PSTN:
		if (len > sizeof(id->digits) - 1)
			return TETRA_E_IDENTITY;
		for (size_t i = 0; i < len; i++) {
			char c = s[i];
			if (!is_digit(c) && c != '*' && c != '#' && c != '+')
				return TETRA_E_IDENTITY;
		}
		memcpy(id->digits, s, len);
		id->digits[len] = '\0';
		id->type = type;
		id->error = TETRA_OK;
		id->mcc = id->mnc = 0;
		id->ssi = 0;
		return TETRA_OK;
	case TETRA_ID_SSI:
	case TETRA_ID_TSI:
	case TETRA_ID_SNA:
	case TETRA_ID_EXT_TSI:
	case TETRA_ID_NONE:
		break;
	default:
		return TETRA_E_RANGE;
	}

	if (len <= 8) {
		if (!dec(s, len, &ssi))
			return TETRA_E_IDENTITY;
		if (ssi > 0xffffff || (type == TETRA_ID_SNA && ssi > 0xff))
			return TETRA_E_RANGE;
		out_type = type == TETRA_ID_NONE ? TETRA_ID_SSI : type;
	} else if (len >= 12 && len <= 17 && type != TETRA_ID_SNA) {
		/* MCC digits: 4 in the 17-digit form and when a shorter one
		 * starts with 0, else 3; the SSI is the last 8; the MNC the rest. */
		size_t ml = len == 17 || s[0] == '0' ? 4 : 3;
		size_t nl = len - ml - 8;
		if (nl < 1 || nl > 5)
			return TETRA_E_IDENTITY;
		if (!dec(s, ml, &mcc) || !dec(s + ml, nl, &mnc) || !dec8(s + ml + nl, &ssi))
			return TETRA_E_IDENTITY;
		if (mcc > 1023 || mnc > 16383 || ssi > 0xffffff)
			return TETRA_E_RANGE;
		out_type = type == TETRA_ID_NONE ? TETRA_ID_TSI : type;
	} else {
		return TETRA_E_IDENTITY;
	}
	id->type = out_type;
	id->error = TETRA_OK;
	id->mcc = (uint16_t)mcc;
	id->mnc = (uint16_t)mnc;
	id->ssi = ssi;
	id->digits[0] = '\0';
	return TETRA_OK;
}

/* Undecodable party fields: see struct tetra_identity. */
void tetra_identity_undecoded(const char *s, size_t len, int err, struct tetra_identity *id)
{
	size_t n = len < sizeof(id->digits) - 1 ? len : sizeof(id->digits) - 1;

	id->type = TETRA_ID_UNDECODED;
	id->error = (int8_t)err;
	id->mcc = id->mnc = 0;
	id->ssi = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		id->digits[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	id->digits[n] = '\0';
}

/* TSI and extended TSI always print as 17 digits (also when mcc = mnc = 0);
 * other TETRA types print a bare decimal SSI unless they carry an MCC/MNC;
 * an undecoded field prints as the terminal sent it. */
int tetra_identity_print(char *buf, size_t size, const struct tetra_identity *id)
{
	if (!id || id->type == TETRA_ID_NONE)
		return snprintf(buf, size, "%s", "");
	switch (id->type) {
	case TETRA_ID_PABX:
	case TETRA_ID_PSTN:
	case TETRA_ID_UNDECODED:
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
