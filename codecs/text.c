/* TETRA text coding schemes <-> UTF-8 (EN 300 392-2 §29.5.4.1).
 * The tables live in the generated codecs/charset_tables.c (gen_charsets.c).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "codecs/text.h"

#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "codecs/charset_tables.h"

/* ---- UTF-8 output ---------------------------------------------------- */

struct u8out {
	char *p;
	char *end;		/* one before the byte kept for the NUL */
	uint32_t replaced;
};

/* Append a Unicode scalar value (not 0, not a surrogate) as UTF-8.
 * false when it does not fit whole: the output stays on a boundary. */
static inline bool put_cp(struct u8out *w, uint32_t cp)
{
	size_t room = (size_t)(w->end - w->p);
	unsigned char *p = (unsigned char *)w->p;

	if (cp < 0x80) {
		if (room < 1)
			return false;
		p[0] = (unsigned char)cp;
		w->p += 1;
	} else if (cp < 0x800) {
		if (room < 2)
			return false;
		p[0] = (unsigned char)(0xC0 | cp >> 6);
		p[1] = (unsigned char)(0x80 | (cp & 0x3F));
		w->p += 2;
	} else if (cp < 0x10000) {
		if (room < 3)
			return false;
		p[0] = (unsigned char)(0xE0 | cp >> 12);
		p[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		p[2] = (unsigned char)(0x80 | (cp & 0x3F));
		w->p += 3;
	} else {
		if (room < 4)
			return false;
		p[0] = (unsigned char)(0xF0 | cp >> 18);
		p[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		p[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		p[3] = (unsigned char)(0x80 | (cp & 0x3F));
		w->p += 4;
	}
	return true;
}

/* U+FFFD for something invalid, counted only once it is written. */
static inline bool put_replacement(struct u8out *w)
{
	if (!put_cp(w, 0xFFFD))
		return false;
	w->replaced++;
	return true;
}

/* ASCII runs are copied 8 bytes at a time. */
static inline uint64_t load64(const uint8_t *p)
{
	uint64_t x;

	memcpy(&x, p, sizeof(x));
	return x;
}

/* All 8 bytes in 0x01..0x7F (no high bit, no zero byte)? */
static inline bool ascii8(uint64_t x)
{
	const uint64_t lo = UINT64_C(0x0101010101010101), hi = UINT64_C(0x8080808080808080);

	return ((x | ((x - lo) & ~x)) & hi) == 0;
}

/* ---- decoders: each returns false when the output is full ------------- */

/* Septet i of GSM 7-bit packed data (TS 23.038 §6.1.2.1.1): septet i
 * starts at bit 7i, counting from the least significant bit of byte 0. */
static inline unsigned gsm7_septet(const uint8_t *d, size_t i)
{
	size_t bit = i * 7;
	size_t b = bit >> 3;
	unsigned sh = bit & 7;
	unsigned v = d[b] >> sh;

	if (sh > 1)
		v |= (unsigned)d[b + 1] << (8 - sh);
	return v & 0x7F;
}

/* One septet; *esc carries an ESC over to the next one. */
static inline bool gsm7_char(struct u8out *w, unsigned s, bool *esc)
{
	uint16_t cp;

	if (*esc) {
		*esc = false;
		if (s == 0x1B)
			cp = ' ';	/* reserved for another extension table */
		else if (tetra_cs_gsm7_ext[s])
			cp = tetra_cs_gsm7_ext[s];
		else
			cp = tetra_cs_gsm7_basic[s];	/* §6.2.1.1: show the basic character */
	} else if (s == 0x1B) {
		*esc = true;
		return true;
	} else {
		cp = tetra_cs_gsm7_basic[s];
	}
	return put_cp(w, cp);
}

static bool decode_gsm7(struct u8out *w, const uint8_t *d, size_t bit_len)
{
	size_t n = bit_len / 7, i = 0;
	bool esc = false;

	/* whole groups: 8 septets in 7 bytes */
	for (; n - i >= 8; i += 8) {
		const uint8_t *p = d + i / 8 * 7;
		uint64_t v = (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
			     (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
			     (uint64_t)p[6] << 48;
		for (unsigned k = 0; k < 8; k++)
			if (!gsm7_char(w, (unsigned)(v >> (7 * k)) & 0x7F, &esc))
				return false;
	}
	for (; i < n; i++)
		if (!gsm7_char(w, gsm7_septet(d, i), &esc))
			return false;
	if (esc)	/* ESC with nothing after it */
		return put_replacement(w);
	return true;
}

static inline bool decode_byte(struct u8out *w, const uint16_t *table, uint8_t b)
{
	uint16_t cp = table[b];

	if (cp == 0 || cp == 0xFFFD)	/* NUL or an undefined byte */
		return put_replacement(w);
	return put_cp(w, cp);
}

static bool decode_8bit(struct u8out *w, const uint16_t *table, bool ascii,
			const uint8_t *d, size_t n)
{
	size_t i = 0;

	if (ascii) {
		while (n - i >= 8) {
			uint64_t x = load64(d + i);
			if (ascii8(x) && w->end - w->p >= 8) {
				memcpy(w->p, &x, 8);
				w->p += 8;
				i += 8;
				continue;
			}
			for (size_t stop = i + 8; i < stop; i++)
				if (!decode_byte(w, table, d[i]))
					return false;
		}
	}
	for (; i < n; i++)
		if (!decode_byte(w, table, d[i]))
			return false;
	return true;
}

static bool decode_utf16be(struct u8out *w, const uint8_t *d, size_t bit_len)
{
	size_t n = bit_len / 16;

	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = d + 2 * i;
		uint32_t u = (uint32_t)p[0] << 8 | p[1];

		if (u - 1u < 0x7Fu) {	/* ASCII */
			if (w->p == w->end)
				return false;
			*w->p++ = (char)u;
		} else if (u - 0xD800u < 0x800u) {	/* a surrogate */
			if (u < 0xDC00 && i + 1 < n) {
				uint32_t l = (uint32_t)p[2] << 8 | p[3];
				if (l - 0xDC00u < 0x400u) {
					i++;
					if (!put_cp(w, 0x10000 + ((u - 0xD800) << 10) + (l - 0xDC00)))
						return false;
					continue;
				}
			}
			/* lone surrogate; the unit after it is decoded on its own */
			if (!put_replacement(w))
				return false;
		} else if (u == 0) {
			if (!put_replacement(w))
				return false;
		} else if (!put_cp(w, u)) {
			return false;
		}
	}
	return true;
}

int tetra_text_to_utf8(uint8_t coding, const uint8_t *data, size_t bit_len,
                       char *out, size_t out_size, uint16_t *replaced)
{
	struct u8out w;
	bool fits;

	if (coding >= TETRA_TEXT_NUM_CODINGS)
		return TETRA_E_CODING;
	if (out_size == 0) {
		if (replaced)
			*replaced = 0;
		return TETRA_E_NO_SPACE;
	}
	w.p = out;
	w.end = out + (out_size - 1 > INT_MAX ? (size_t)INT_MAX : out_size - 1);
	w.replaced = 0;

	if (coding == TETRA_TEXT_GSM7)
		fits = decode_gsm7(&w, data, bit_len);
	else if (coding == TETRA_TEXT_UTF16BE)
		fits = decode_utf16be(&w, data, bit_len);
	else
		fits = decode_8bit(&w, tetra_cs_decode[coding], tetra_cs_ascii_compatible[coding],
				   data, bit_len / 8);

	*w.p = '\0';
	if (replaced)
		*replaced = w.replaced > UINT16_MAX ? UINT16_MAX : (uint16_t)w.replaced;
	return fits ? (int)(w.p - out) : TETRA_E_NO_SPACE;
}

/* ---- UTF-8 input ------------------------------------------------------ */

/* The next scalar value of s[*i..len) (Unicode Table 3-7: no overlongs, no
 * surrogates, nothing above U+10FFFF, no truncated sequence), or -1. */
static inline int32_t utf8_next(const uint8_t *s, size_t len, size_t *i)
{
	size_t k = *i;
	uint32_t c = s[k];
	uint32_t c1, c2, c3;

	if (c < 0x80) {
		*i = k + 1;
		return (int32_t)c;
	}
	if (c < 0xC2 || c > 0xF4)
		return -1;
	if (c < 0xE0) {
		if (len - k < 2 || ((c1 = s[k + 1]) & 0xC0) != 0x80)
			return -1;
		*i = k + 2;
		return (int32_t)((c & 0x1F) << 6 | (c1 & 0x3F));
	}
	if (c < 0xF0) {
		if (len - k < 3)
			return -1;
		c1 = s[k + 1];
		c2 = s[k + 2];
		if (c1 < (c == 0xE0 ? 0xA0u : 0x80u) || c1 > (c == 0xED ? 0x9Fu : 0xBFu) ||
		    (c2 & 0xC0) != 0x80)
			return -1;
		*i = k + 3;
		return (int32_t)((c & 0x0F) << 12 | (c1 & 0x3F) << 6 | (c2 & 0x3F));
	}
	if (len - k < 4)
		return -1;
	c1 = s[k + 1];
	c2 = s[k + 2];
	c3 = s[k + 3];
	if (c1 < (c == 0xF0 ? 0x90u : 0x80u) || c1 > (c == 0xF4 ? 0x8Fu : 0xBFu) ||
	    (c2 & 0xC0) != 0x80 || (c3 & 0xC0) != 0x80)
		return -1;
	*i = k + 4;
	return (int32_t)((c & 0x07) << 18 | (c1 & 0x3F) << 12 | (c2 & 0x3F) << 6 | (c3 & 0x3F));
}

/* 0, or TETRA_CS_REV_BYTE | byte, or TETRA_CS_REV_EXT | septet. */
static inline unsigned rev_lookup(const struct tetra_cs_rev *r, uint32_t cp)
{
	if (cp > 0xFFFF)
		return 0;
	return r->block[r->page[cp >> 8]][cp & 0xFF];
}

/* ---- encoders --------------------------------------------------------- */

static int encode_8bit(const uint8_t *s, size_t len, const struct tetra_cs_rev *rev,
		       uint8_t *out, size_t out_size, size_t *out_bits)
{
	size_t i = 0, o = 0;
	bool full = false;

	while (i < len) {
		if (len - i >= 8) {	/* ASCII is itself in 8859-1 and 8859-15 */
			uint64_t x = load64(s + i);
			if (ascii8(x)) {
				if (!full && out_size - o >= 8) {
					memcpy(out + o, &x, 8);
					o += 8;
				} else {
					full = true;
				}
				i += 8;
				continue;
			}
		}
		int32_t cp = utf8_next(s, len, &i);
		unsigned v = cp > 0 ? rev_lookup(rev, (uint32_t)cp) : 0;

		if (!v)
			return TETRA_E_UNENCODABLE;
		if (full || o == out_size)
			full = true;	/* keep checking that the rest encodes */
		else
			out[o++] = (uint8_t)v;
	}
	if (full)
		return TETRA_E_NO_SPACE;
	*out_bits = o * 8;
	return 0;
}

/* Septets packed LSB-first; each byte is first assigned, then or-ed, so
 * nothing of the caller's buffer leaks into the unused bits. */
static inline void gsm7_put(uint8_t *out, size_t pos, unsigned s)
{
	size_t bit = pos * 7;
	size_t b = bit >> 3;
	unsigned sh = bit & 7;

	if (sh == 0) {
		out[b] = (uint8_t)s;
	} else {
		out[b] |= (uint8_t)(s << sh);
		if (sh > 1)
			out[b + 1] = (uint8_t)(s >> (8 - sh));
	}
}

static int encode_gsm7(const uint8_t *s, size_t len, uint8_t *out, size_t out_size,
		       size_t *out_bits)
{
	size_t i = 0, pos = 0;
	bool full = false;

	while (i < len) {
		int32_t cp = utf8_next(s, len, &i);
		unsigned v = cp > 0 ? rev_lookup(&tetra_cs_rev_gsm7, (uint32_t)cp) : 0;
		size_t k = (v & TETRA_CS_REV_EXT) ? 2 : 1;

		if (!v)
			return TETRA_E_UNENCODABLE;
		if (full || ((pos + k) * 7 + 7) / 8 > out_size) {
			full = true;
			continue;
		}
		if (k == 2)
			gsm7_put(out, pos++, 0x1B);
		gsm7_put(out, pos++, v & 0x7F);
	}
	if (full)
		return TETRA_E_NO_SPACE;
	*out_bits = pos * 7;
	return 0;
}

static int encode_utf16be(const uint8_t *s, size_t len, uint8_t *out, size_t out_size,
			  size_t *out_bits)
{
	size_t i = 0, o = 0;
	bool full = false;

	while (i < len) {
		int32_t cp = utf8_next(s, len, &i);

		if (cp <= 0)
			return TETRA_E_UNENCODABLE;
		if (full)
			continue;
		if (cp < 0x10000) {
			if (out_size - o < 2) {
				full = true;
				continue;
			}
			out[o++] = (uint8_t)(cp >> 8);
			out[o++] = (uint8_t)cp;
		} else {
			uint32_t v = (uint32_t)cp - 0x10000;
			uint32_t hi = 0xD800 | v >> 10, lo = 0xDC00 | (v & 0x3FF);
			if (out_size - o < 4) {
				full = true;
				continue;
			}
			out[o++] = (uint8_t)(hi >> 8);
			out[o++] = (uint8_t)hi;
			out[o++] = (uint8_t)(lo >> 8);
			out[o++] = (uint8_t)lo;
		}
	}
	if (full)
		return TETRA_E_NO_SPACE;
	*out_bits = o * 8;
	return 0;
}

int tetra_text_from_utf8(const char *utf8, size_t len, uint8_t coding,
                         uint8_t *out, size_t out_size, size_t *out_bits)
{
	const uint8_t *s = (const uint8_t *)utf8;

	switch (coding) {
	case TETRA_TEXT_GSM7:
		return encode_gsm7(s, len, out, out_size, out_bits);
	case TETRA_TEXT_8859_1:
		return encode_8bit(s, len, &tetra_cs_rev_iso8859_1, out, out_size, out_bits);
	case TETRA_TEXT_8859_15:
		return encode_8bit(s, len, &tetra_cs_rev_iso8859_15, out, out_size, out_bits);
	case TETRA_TEXT_UTF16BE:
		return encode_utf16be(s, len, out, out_size, out_bits);
	default:
		return TETRA_E_CODING;
	}
}

uint8_t tetra_text_pick_coding(const char *utf8, size_t len)
{
	const uint8_t *s = (const uint8_t *)utf8;
	bool latin1 = true, latin9 = true;
	size_t i = 0;

	while (i < len) {
		if (len - i >= 8 && ascii8(load64(s + i))) {
			i += 8;
			continue;
		}
		int32_t cp = utf8_next(s, len, &i);

		if (cp <= 0)
			return TETRA_TEXT_UTF16BE;
		if (cp > 0xFF)
			latin1 = false;
		if (latin9 && !rev_lookup(&tetra_cs_rev_iso8859_15, (uint32_t)cp))
			latin9 = false;
		if (!latin1 && !latin9)
			return TETRA_TEXT_UTF16BE;
	}
	return latin1 ? TETRA_TEXT_8859_1 : TETRA_TEXT_8859_15;
}

size_t tetra_utf8_seq_len(const char *str, size_t len)
{
	const uint8_t *s = (const uint8_t *)str;
	size_t i = 0;

	if (s[0] < 0x80)
		return 1;
	return utf8_next(s, len, &i) < 0 ? 0 : i;
}

bool tetra_utf8_valid(const char *str, size_t len)
{
	const uint8_t *s = (const uint8_t *)str;
	size_t i = 0;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (utf8_next(s, len, &i) < 0)
			return false;
	}
	return true;
}

size_t tetra_utf8_repair(const char *str, size_t len, char *out, size_t out_size)
{
	static const char fffd[3] = { (char)0xEF, (char)0xBF, (char)0xBD };
	const uint8_t *s = (const uint8_t *)str;
	size_t i = 0, need = 0, w = 0;
	bool full = false;

	while (i < len) {
		size_t k = i;
		const char *from = str + i;
		size_t n;

		if (s[i] < 0x80 || utf8_next(s, len, &k) >= 0) {
			n = (s[i] < 0x80 ? 1 : k - i);
			i += n;
		} else {
			from = fffd;
			n = 3;
			i++;
		}
		need += n;
		if (!full && w + n < out_size) {
			memcpy(out + w, from, n);
			w += n;
		} else {
			full = true;	/* nothing after a sequence that did not fit */
		}
	}
	if (out_size > 0)
		out[w] = '\0';
	return need;
}

const char *tetra_text_coding_name(uint8_t coding)
{
	static const char *const names[TETRA_TEXT_NUM_CODINGS] = {
		"GSM 7-bit",
		"ISO 8859-1", "ISO 8859-2", "ISO 8859-3", "ISO 8859-4", "ISO 8859-5",
		"ISO 8859-6", "ISO 8859-7", "ISO 8859-8", "ISO 8859-9",
		"ISO 8859-10", "ISO 8859-13", "ISO 8859-14", "ISO 8859-15",
		"CP437", "CP737", "CP850", "CP852", "CP855", "CP857",
		"CP860", "CP861", "CP863", "CP865", "CP866", "CP869",
		"UTF-16BE", "VISCII",
	};

	return coding < TETRA_TEXT_NUM_CODINGS ? names[coding] : "reserved";
}
