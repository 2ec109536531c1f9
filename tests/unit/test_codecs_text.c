/* Text coding schemes <-> UTF-8: known vectors, Norwegian letters in every
 * scheme that has them, GSM packing and escapes, UTF-16 surrogates,
 * replacement counting, truncation, strict UTF-8, round trips.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codecs/charset_tables.h"
#include "codecs/text.h"
#include "tests/lib/rng.h"

#define NORSK "\xC3\xA6\xC3\xB8\xC3\xA5 \xC3\x86\xC3\x98\xC3\x85"	/* "æøå ÆØÅ" */

/* ---- helpers independent of the code under test ---------------------- */

/* Strict UTF-8 check written the long way (decode, then re-check ranges). */
static bool valid_utf8(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i], n;
		uint32_t cp, min;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			n = 1; cp = c & 0x1F; min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			n = 2; cp = c & 0x0F; min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			n = 3; cp = c & 0x07; min = 0x10000;
		} else {
			return false;
		}
		if (len - i <= n)
			return false;
		for (unsigned k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += n + 1;
	}
	return true;
}

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* GSM packing one bit at a time: bit k of the stream is bit (k % 8) of
 * byte k / 8, septet i holds stream bits 7i..7i+6 (LSB first). */
static size_t naive_pack(const uint8_t *septets, size_t n, uint8_t *out)
{
	size_t bytes = (n * 7 + 7) / 8;

	memset(out, 0, bytes);
	for (size_t i = 0; i < n; i++)
		for (unsigned b = 0; b < 7; b++)
			if (septets[i] >> b & 1)
				out[(i * 7 + b) / 8] |= (uint8_t)(1u << ((i * 7 + b) % 8));
	return bytes;
}

static struct tb_rng g_rng = { 0x9E3779B97F4A7C15ull };

static uint32_t rnd(void)
{
	return (uint32_t)(tb_rng_next(&g_rng) >> 32);
}

static void assert_decodes(uint8_t coding, const uint8_t *d, size_t bits,
			   const char *expect, uint16_t expect_replaced)
{
	char out[1024];
	uint16_t rep = 0xBEEF;
	int n = tetra_text_to_utf8(coding, d, bits, out, sizeof(out), &rep);

	assert_int_equal(n, (int)strlen(expect));
	assert_string_equal(out, expect);
	assert_int_equal(rep, expect_replaced);
}

static void assert_encodes(uint8_t coding, const char *utf8, const uint8_t *expect,
			   size_t expect_bits)
{
	uint8_t out[512];
	size_t bits = 12345;

	memset(out, 0xA5, sizeof(out));
	assert_int_equal(tetra_text_from_utf8(utf8, strlen(utf8), coding, out, sizeof(out), &bits), 0);
	assert_int_equal(bits, expect_bits);
	assert_memory_equal(out, expect, (expect_bits + 7) / 8);
}

/* ---- vectors ------------------------------------------------------------ */

static void test_testmessage_8859_1(void **state)
{
	static const uint8_t d[] = "testmessage";

	assert_decodes(1, d, 88, "testmessage", 0);
	assert_encodes(1, "testmessage", d, 88);
	assert_encodes(13, "testmessage", d, 88);
	assert_int_equal(tetra_text_pick_coding("testmessage", 11), 1);
	/* trailing odd bits are ignored */
	assert_decodes(1, d, 95, "testmessage", 0);
	assert_decodes(1, d, 87, "testmessag", 0);
}

static void test_norwegian_every_scheme(void **state)
{
	static const uint8_t latin[] = { 0xE6, 0xF8, 0xE5, 0x20, 0xC6, 0xD8, 0xC5 };
	static const uint8_t dos[] = { 0x91, 0x9B, 0x86, 0x20, 0x92, 0x9D, 0x8F };
	static const uint8_t baltic[] = { 0xBF, 0xB8, 0xE5, 0x20, 0xAF, 0xA8, 0xC5 };	/* 8859-13 */
	static const uint8_t utf16[] = { 0x00, 0xE6, 0x00, 0xF8, 0x00, 0xE5, 0x00, 0x20,
					 0x00, 0xC6, 0x00, 0xD8, 0x00, 0xC5 };
	static const uint8_t gsm[] = { 0x1D, 0xC6, 0x03, 0xC4, 0x59, 0x38, 0x00 };
	static const uint8_t latin_schemes[] = { 1, 4, 9, 10, 12, 13 };	/* 8859-1/4/9/10/14/15 */
	static const uint8_t dos_schemes[] = { 16, 19, 21, 23 };	/* CP850, CP857, CP861, CP865 */

	for (size_t i = 0; i < sizeof(latin_schemes); i++)
		assert_decodes(latin_schemes[i], latin, 56, NORSK, 0);
	for (size_t i = 0; i < sizeof(dos_schemes); i++)
		assert_decodes(dos_schemes[i], dos, 56, NORSK, 0);
	assert_decodes(11, baltic, 56, NORSK, 0);
	assert_decodes(26, utf16, 112, NORSK, 0);
	assert_decodes(0, gsm, 49, NORSK, 0);

	assert_encodes(1, NORSK, latin, 56);
	assert_encodes(13, NORSK, latin, 56);
	assert_encodes(26, NORSK, utf16, 112);
	assert_encodes(0, NORSK, gsm, 49);
	assert_int_equal(tetra_text_pick_coding(NORSK, strlen(NORSK)), 1);
}

static void test_generated_tables(void **state)
{
	/* æ ø å Æ Ø Å */
	static const uint16_t ucs[] = { 0xE6, 0xF8, 0xE5, 0xC6, 0xD8, 0xC5 };
	static const uint8_t latin[] = { 0xE6, 0xF8, 0xE5, 0xC6, 0xD8, 0xC5 };
	static const uint8_t dos[] = { 0x91, 0x9B, 0x86, 0x92, 0x9D, 0x8F };

	for (int i = 0; i < 6; i++) {
		assert_int_equal(tetra_cs_iso8859_1[latin[i]], ucs[i]);
		assert_int_equal(tetra_cs_iso8859_15[latin[i]], ucs[i]);
		assert_int_equal(tetra_cs_iso8859_10[latin[i]], ucs[i]);
		assert_int_equal(tetra_cs_cp850[dos[i]], ucs[i]);
		assert_int_equal(tetra_cs_cp865[dos[i]], ucs[i]);
		assert_int_equal(tetra_cs_decode[1][latin[i]], ucs[i]);
		assert_int_equal(tetra_cs_decode[13][latin[i]], ucs[i]);
		assert_int_equal(tetra_cs_decode[16][dos[i]], ucs[i]);
		assert_int_equal(tetra_cs_decode[23][dos[i]], ucs[i]);
	}
	assert_int_equal(tetra_cs_iso8859_1[0xA4], 0x00A4);	/* ¤ */
	assert_int_equal(tetra_cs_iso8859_15[0xA4], 0x20AC);	/* € */
	assert_int_equal(tetra_cs_iso8859_15[0xBC], 0x0152);	/* Œ */
	assert_int_equal(tetra_cs_cp866[0x80], 0x0410);	/* А */
	assert_int_equal(tetra_cs_iso8859_3[0xA5], 0xFFFD);	/* undefined */
	assert_int_equal(tetra_cs_viscii[0x02], 0x1EB2);	/* Ẳ: VISCII uses C0 positions */
	/* the index covers every 8-bit scheme and nothing else */
	for (int c = 0; c < TETRA_TEXT_NUM_CODINGS; c++) {
		if (c == 0 || c == 26)
			assert_null(tetra_cs_decode[c]);
		else
			assert_non_null(tetra_cs_decode[c]);
	}
	assert_ptr_equal(tetra_cs_decode[27], tetra_cs_viscii);
	assert_ptr_equal(tetra_cs_decode[14], tetra_cs_cp437);
	assert_ptr_equal(tetra_cs_decode[25], tetra_cs_cp869);
}

static void test_gsm7_packing(void **state)
{
	static const uint8_t hello[] = { 0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37 };
	static const uint8_t euro[] = { 0x9B, 0x32 };
	static const uint8_t ext_septets[] = { 0x1B, 0x3C, 0x78, 0x1B, 0x3E, 0x1B, 0x28, 0x1B, 0x29,
					       0x1B, 0x2F, 0x1B, 0x14, 0x1B, 0x3D, 0x1B, 0x40 };
	uint8_t ext[32];
	size_t n;

	assert_decodes(0, hello, 70, "hellohello", 0);
	assert_encodes(0, "hellohello", hello, 70);
	/* 71..76 bits still hold 10 septets */
	assert_decodes(0, hello, 76, "hellohello", 0);
	assert_decodes(0, hello, 69, "hellohell", 0);

	assert_decodes(0, euro, 14, "\xE2\x82\xAC", 0);
	assert_encodes(0, "\xE2\x82\xAC", euro, 14);

	n = naive_pack(ext_septets, sizeof(ext_septets), ext);
	assert_int_equal(n, 15);
	assert_decodes(0, ext, 119, "[x]{}\\^~|", 0);
	assert_encodes(0, "[x]{}\\^~|", ext, 119);

	/* every basic character (not ESC) packs as the naive packer says */
	{
		uint8_t sept[127], packed[128];
		char text[512];
		size_t k = 0, tl = 0;
		for (unsigned s = 0; s < 128; s++) {
			if (s == 0x1B)
				continue;
			sept[k++] = (uint8_t)s;
			tl += put_utf8(text + tl, tetra_cs_gsm7_basic[s]);
		}
		text[tl] = 0;
		naive_pack(sept, k, packed);
		assert_decodes(0, packed, k * 7, text, 0);
		assert_encodes(0, text, packed, k * 7);
	}
	/* form feed is ESC 0x0A; LF and CR are basic */
	{
		static const uint8_t s[] = { 0x1B, 0x0A, 0x0A, 0x0D };
		uint8_t p[8];
		naive_pack(s, 4, p);
		assert_decodes(0, p, 28, "\f\n\r", 0);
		assert_encodes(0, "\f\n\r", p, 28);
	}
}

static void test_gsm7_escapes(void **state)
{
	uint8_t p[8];
	{	/* ESC + a code the extension table lacks: the basic character */
		static const uint8_t s[] = { 0x1B, 0x41, 0x42 };
		naive_pack(s, 3, p);
		assert_decodes(0, p, 21, "AB", 0);
	}
	{	/* ESC ESC: a space */
		static const uint8_t s[] = { 0x41, 0x1B, 0x1B, 0x42 };
		naive_pack(s, 4, p);
		assert_decodes(0, p, 28, "A B", 0);
	}
	{	/* dangling ESC at the end: replaced */
		static const uint8_t s[] = { 0x41, 0x1B };
		naive_pack(s, 2, p);
		assert_decodes(0, p, 14, "A\xEF\xBF\xBD", 1);
	}
	/* characters GSM cannot carry */
	{
		uint8_t out[16];
		size_t bits = 7;
		assert_int_equal(tetra_text_from_utf8("\xC3\xA1", 2, 0, out, sizeof(out), &bits),
				 TETRA_E_UNENCODABLE);	/* á */
		assert_int_equal(tetra_text_from_utf8("`", 1, 0, out, sizeof(out), &bits),
				 TETRA_E_UNENCODABLE);
		assert_int_equal(bits, 7);	/* untouched on failure */
	}
}

static void test_utf16_surrogates(void **state)
{
	static const uint8_t smile[] = { 0xD8, 0x3D, 0xDE, 0x00 };
	static const uint8_t lone_high[] = { 0xD8, 0x3D, 0x00, 0x41 };
	static const uint8_t lone_low[] = { 0x00, 0x41, 0xDE, 0x00, 0x00, 0x42 };
	static const uint8_t high_at_end[] = { 0x00, 0x41, 0xD8, 0x3D };
	static const uint8_t high_high_low[] = { 0xD8, 0x3D, 0xD8, 0x3D, 0xDE, 0x00 };
	static const uint8_t nul[] = { 0x00, 0x41, 0x00, 0x00 };

	assert_decodes(26, smile, 32, "\xF0\x9F\x98\x80", 0);
	assert_encodes(26, "\xF0\x9F\x98\x80", smile, 32);
	assert_decodes(26, lone_high, 32, "\xEF\xBF\xBD" "A", 1);
	assert_decodes(26, lone_low, 48, "A\xEF\xBF\xBD" "B", 1);
	assert_decodes(26, high_at_end, 32, "A\xEF\xBF\xBD", 1);
	assert_decodes(26, smile, 24, "\xEF\xBF\xBD", 1);	/* the pair cut by the bit length */
	assert_decodes(26, high_high_low, 48, "\xEF\xBF\xBD\xF0\x9F\x98\x80", 1);
	assert_decodes(26, nul, 32, "A\xEF\xBF\xBD", 1);
	assert_int_equal(tetra_text_pick_coding("\xF0\x9F\x98\x80", 4), 26);
}

static void test_invalid_bytes_counted(void **state)
{
	static const uint8_t d3[] = { 0x41, 0xA5, 0x42, 0xAE, 0xBE };	/* 8859-3 holes */
	static const uint8_t nul[] = { 0x41, 0x00, 0x42 };
	char out[64];

	assert_decodes(3, d3, 40, "A\xEF\xBF\xBD" "B\xEF\xBF\xBD\xEF\xBF\xBD", 3);
	assert_decodes(1, nul, 24, "A\xEF\xBF\xBD" "B", 1);	/* never an embedded NUL */
	/* replaced may be NULL */
	assert_int_equal(tetra_text_to_utf8(3, d3, 40, out, sizeof(out), NULL), 11);
	/* empty text */
	assert_decodes(1, NULL, 0, "", 0);
	assert_decodes(0, NULL, 6, "", 0);
	assert_decodes(26, NULL, 15, "", 0);
}

/* Every scheme decodes every byte; output is valid UTF-8 with no NUL. */
static void test_all_schemes_all_bytes(void **state)
{
	uint8_t d[256];
	char out[2048];
	uint16_t rep;

	for (int i = 0; i < 256; i++)
		d[i] = (uint8_t)i;
	for (int c = 0; c < TETRA_TEXT_NUM_CODINGS; c++) {
		for (size_t bits = 0; bits <= 2048; bits += (bits < 40 ? 1 : 37)) {
			int n = tetra_text_to_utf8((uint8_t)c, d, bits, out, sizeof(out), &rep);
			assert_true(n >= 0);
			assert_int_equal(strlen(out), (size_t)n);
			assert_true(valid_utf8(out, (size_t)n));
		}
		assert_string_not_equal(tetra_text_coding_name((uint8_t)c), "reserved");
	}
	/* random data, every scheme */
	for (int round = 0; round < 2000; round++) {
		uint8_t r[300];
		size_t bits = rnd() % (sizeof(r) * 8 + 1);
		uint8_t c = (uint8_t)(rnd() % TETRA_TEXT_NUM_CODINGS);
		for (size_t i = 0; i < sizeof(r); i++)
			r[i] = (uint8_t)rnd();
		int n = tetra_text_to_utf8(c, r, bits, out, sizeof(out), &rep);
		assert_true(n >= 0);
		assert_true(valid_utf8(out, (size_t)n));
		assert_int_equal(strlen(out), (size_t)n);
	}
	for (int c = TETRA_TEXT_NUM_CODINGS; c < 256; c++) {
		rep = 77;
		out[0] = 'x';
		assert_int_equal(tetra_text_to_utf8((uint8_t)c, d, 64, out, sizeof(out), &rep),
				 TETRA_E_CODING);
		assert_string_equal(tetra_text_coding_name((uint8_t)c), "reserved");
	}
}

static void test_names(void **state)
{
	assert_string_equal(tetra_text_coding_name(0), "GSM 7-bit");
	assert_string_equal(tetra_text_coding_name(1), "ISO 8859-1");
	assert_string_equal(tetra_text_coding_name(10), "ISO 8859-10");
	assert_string_equal(tetra_text_coding_name(11), "ISO 8859-13");
	assert_string_equal(tetra_text_coding_name(13), "ISO 8859-15");
	assert_string_equal(tetra_text_coding_name(14), "CP437");
	assert_string_equal(tetra_text_coding_name(23), "CP865");
	assert_string_equal(tetra_text_coding_name(25), "CP869");
	assert_string_equal(tetra_text_coding_name(26), "UTF-16BE");
	assert_string_equal(tetra_text_coding_name(27), "VISCII");
	assert_string_equal(tetra_text_coding_name(28), "reserved");
}

/* Decoding into every buffer size: a valid prefix, NUL-terminated. */
static void check_truncation(uint8_t coding, const uint8_t *d, size_t bits)
{
	char full[512], out[512];
	uint16_t rep_full, rep;
	int n = tetra_text_to_utf8(coding, d, bits, full, sizeof(full), &rep_full);

	assert_true(n > 0);
	for (size_t size = 0; size <= (size_t)n + 1; size++) {
		memset(out, 'Z', sizeof(out));
		int r = tetra_text_to_utf8(coding, d, bits, out, size, &rep);
		if (size > (size_t)n) {
			assert_int_equal(r, n);
			assert_string_equal(out, full);
			assert_int_equal(rep, rep_full);
			continue;
		}
		assert_int_equal(r, TETRA_E_NO_SPACE);
		if (size == 0) {
			assert_int_equal(out[0], 'Z');	/* nothing written */
			continue;
		}
		size_t l = strlen(out);
		assert_true(l < size);
		assert_true(valid_utf8(out, l));
		assert_memory_equal(out, full, l);
		/* the prefix is as long as whole characters allow: the next
		 * character of full would not have fitted */
		size_t next = l + 1;
		while (next < (size_t)n && ((unsigned char)full[next] & 0xC0) == 0x80)
			next++;
		assert_true(next > size - 1);
		assert_true(rep <= rep_full);
	}
}

static void test_no_space_truncation(void **state)
{
	static const uint8_t latin[] = { 0xE6, 0xF8, 0xE5, 0x20, 0xC6, 0xD8, 0xC5 };
	static const uint8_t utf16[] = { 0x00, 0x41, 0xD8, 0x3D, 0xDE, 0x00, 0x20, 0xAC, 0xDE, 0x00, 0x00, 0x42 };
	static const uint8_t gsm_s[] = { 0x41, 0x1B, 0x65, 0x1D, 0x1B, 0x3C, 0x10, 0x42, 0x1B };
	static const uint8_t d3[] = { 0x41, 0xA5, 0x42, 0xAE, 0xBE };
	uint8_t gsm[16];

	check_truncation(1, latin, 56);
	check_truncation(26, utf16, 96);
	naive_pack(gsm_s, sizeof(gsm_s), gsm);
	check_truncation(0, gsm, sizeof(gsm_s) * 7);
	check_truncation(3, d3, 40);
	check_truncation(27, latin, 56);
}

static void test_encode_no_space(void **state)
{
	uint8_t out[16];
	size_t bits = 999;

	/* "hellohello" needs 9 bytes in GSM 7-bit */
	assert_int_equal(tetra_text_from_utf8("hellohello", 10, 0, out, 8, &bits), TETRA_E_NO_SPACE);
	assert_int_equal(bits, 999);
	assert_int_equal(tetra_text_from_utf8("hellohello", 10, 0, out, 9, &bits), 0);
	assert_int_equal(bits, 70);
	/* 8 septets fill exactly 7 bytes */
	assert_int_equal(tetra_text_from_utf8("abcdefgh", 8, 0, out, 7, &bits), 0);
	assert_int_equal(bits, 56);
	/* an extension character needs both septets' room: ESC alone would
	 * still fit in 7 bytes after 7 septets, ESC + 0x65 does not */
	assert_int_equal(tetra_text_from_utf8("abcdef\xE2\x82\xAC", 9, 0, out, 7, &bits), 0);
	assert_int_equal(bits, 56);
	assert_int_equal(tetra_text_from_utf8("abcdefg\xE2\x82\xAC", 10, 0, out, 7, &bits),
			 TETRA_E_NO_SPACE);
	assert_int_equal(tetra_text_from_utf8("abcdefg\xE2\x82\xAC", 10, 0, out, 8, &bits), 0);
	assert_int_equal(bits, 63);
	assert_int_equal(tetra_text_from_utf8("abc", 3, 1, out, 2, &bits), TETRA_E_NO_SPACE);
	assert_int_equal(tetra_text_from_utf8("abc", 3, 13, out, 3, &bits), 0);
	assert_int_equal(bits, 24);
	assert_int_equal(tetra_text_from_utf8("\xF0\x9F\x98\x80", 4, 26, out, 3, &bits),
			 TETRA_E_NO_SPACE);
	assert_int_equal(tetra_text_from_utf8("a\xF0\x9F\x98\x80", 5, 26, out, 5, &bits),
			 TETRA_E_NO_SPACE);
	assert_int_equal(tetra_text_from_utf8("a\xF0\x9F\x98\x80", 5, 26, out, 6, &bits), 0);
	assert_int_equal(bits, 48);
	/* an unencodable character wins over a full buffer */
	assert_int_equal(tetra_text_from_utf8("hello\xF0\x9F\x98\x80", 9, 1, out, 1, &bits),
			 TETRA_E_UNENCODABLE);
	assert_int_equal(tetra_text_from_utf8("hello\xC3\xA1", 7, 0, out, 1, &bits),
			 TETRA_E_UNENCODABLE);
	assert_int_equal(tetra_text_from_utf8("hello\xED\xA0\x80", 8, 26, out, 1, &bits),
			 TETRA_E_UNENCODABLE);
	/* empty text */
	assert_int_equal(tetra_text_from_utf8("", 0, 0, out, 0, &bits), 0);
	assert_int_equal(bits, 0);
	assert_int_equal(tetra_text_from_utf8("", 0, 26, NULL, 0, &bits), 0);
	assert_int_equal(bits, 0);
}

static void test_encode_unsupported_and_unencodable(void **state)
{
	uint8_t out[64];
	size_t bits;

	for (int c = 0; c < 256; c++) {
		int r = tetra_text_from_utf8("abc", 3, (uint8_t)c, out, sizeof(out), &bits);
		if (c == 0 || c == 1 || c == 13 || c == 26)
			assert_int_equal(r, 0);
		else
			assert_int_equal(r, TETRA_E_CODING);
	}
	/* € is not in 8859-1; ¤ ½ are not in 8859-15 */
	assert_int_equal(tetra_text_from_utf8("\xE2\x82\xAC", 3, 1, out, sizeof(out), &bits),
			 TETRA_E_UNENCODABLE);
	assert_int_equal(tetra_text_from_utf8("\xC2\xA4", 2, 13, out, sizeof(out), &bits),
			 TETRA_E_UNENCODABLE);
	assert_int_equal(tetra_text_from_utf8("\xC2\xBD", 2, 13, out, sizeof(out), &bits),
			 TETRA_E_UNENCODABLE);
	{
		static const uint8_t e[] = { 0xA4 };
		assert_encodes(13, "\xE2\x82\xAC", e, 8);
		assert_encodes(1, "\xC2\xA4", e, 8);
	}
	{
		static const uint8_t e[] = { 0xA6, 0xA8, 0xB4, 0xB8, 0xBC, 0xBD, 0xBE };	/* Š š Ž ž Œ œ Ÿ */
		assert_encodes(13, "\xC5\xA0\xC5\xA1\xC5\xBD\xC5\xBE\xC5\x92\xC5\x93\xC5\xB8", e, 56);
	}
}

static void test_strict_utf8(void **state)
{
	static const struct {
		const char *s;
		size_t len;
	} bad[] = {
		{ "\xC0\x80", 2 },		/* overlong NUL */
		{ "\xC1\xBF", 2 },		/* overlong */
		{ "\xE0\x80\x80", 3 },		/* overlong */
		{ "\xE0\x9F\xBF", 3 },		/* overlong */
		{ "\xF0\x80\x80\x80", 4 },	/* overlong */
		{ "\xF0\x8F\xBF\xBF", 4 },	/* overlong */
		{ "\xED\xA0\x80", 3 },		/* U+D800 */
		{ "\xED\xBF\xBF", 3 },		/* U+DFFF */
		{ "\xED\xA0\xBD\xED\xB8\x80", 6 },	/* CESU-8 pair */
		{ "\xF4\x90\x80\x80", 4 },	/* U+110000 */
		{ "\xF5\x80\x80\x80", 4 },
		{ "\xFF", 1 },
		{ "\x80", 1 },			/* stray continuation */
		{ "a\xBF", 2 },
		{ "\xE2\x82", 2 },		/* truncated */
		{ "\xE2\x82" "a", 3 },
		{ "\xF0\x9F\x98", 3 },
		{ "\xC3", 1 },
		{ "a\0b", 3 },			/* NUL */
	};
	static const uint8_t codings[] = { 0, 1, 13, 26 };
	uint8_t out[64];
	size_t bits;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		for (size_t c = 0; c < sizeof(codings); c++)
			assert_int_equal(tetra_text_from_utf8(bad[i].s, bad[i].len, codings[c], out,
							      sizeof(out), &bits),
					 TETRA_E_UNENCODABLE);
		assert_int_equal(tetra_text_pick_coding(bad[i].s, bad[i].len), 26);
	}
	/* the edges that are valid */
	{
		static const uint8_t e[] = { 0xD7, 0xFF, 0xE0, 0x00, 0xDB, 0xFF, 0xDF, 0xFF, 0xFF, 0xFD };
		assert_encodes(26, "\xED\x9F\xBF\xEE\x80\x80\xF4\x8F\xBF\xBF\xEF\xBF\xBD", e, 80);
	}
	/* len is honoured: no NUL needed, nothing read beyond */
	{
		static const uint8_t e[] = { 'a', 'b' };
		uint8_t o[4];
		size_t b;
		assert_int_equal(tetra_text_from_utf8("abc", 2, 1, o, sizeof(o), &b), 0);
		assert_int_equal(b, 16);
		assert_memory_equal(o, e, 2);
	}
}

static void test_pick_coding(void **state)
{
	assert_int_equal(tetra_text_pick_coding("", 0), 1);
	assert_int_equal(tetra_text_pick_coding("testmessage", 11), 1);
	assert_int_equal(tetra_text_pick_coding("Bl\xC3\xA5" "b\xC3\xA6r", 8), 1);	/* Blåbær */
	assert_int_equal(tetra_text_pick_coding("\xC2\xA4", 2), 1);		/* ¤ only in 8859-1 */
	assert_int_equal(tetra_text_pick_coding("100 \xE2\x82\xAC", 7), 13);	/* € */
	assert_int_equal(tetra_text_pick_coding("\xC3\xA6\xE2\x82\xAC", 5), 13);	/* æ€ */
	assert_int_equal(tetra_text_pick_coding("\xC5\xA0\xC5\xBE", 4), 13);	/* Šž */
	assert_int_equal(tetra_text_pick_coding("\xC5\x92\xC5\xB8", 4), 13);	/* ŒŸ */
	assert_int_equal(tetra_text_pick_coding("\xC2\xBD\xE2\x82\xAC", 5), 26);	/* ½€ */
	assert_int_equal(tetra_text_pick_coding("\xE2\x82\xAC\xC2\xBD", 5), 26);	/* €½ */
	assert_int_equal(tetra_text_pick_coding("\xD0\x9F\xD1\x80", 4), 26);	/* Пр */
	assert_int_equal(tetra_text_pick_coding("\xC5\x81", 2), 26);		/* Ł */
	assert_int_equal(tetra_text_pick_coding("ok \xF0\x9F\x98\x80", 7), 26);
	/* what pick chooses, from_utf8 can encode */
	{
		static const char *const s[] = { "testmessage", NORSK, "100 \xE2\x82\xAC",
						 "\xC2\xBD\xE2\x82\xAC", "ok \xF0\x9F\x98\x80" };
		uint8_t out[64];
		size_t bits;
		for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
			uint8_t c = tetra_text_pick_coding(s[i], strlen(s[i]));
			assert_int_equal(tetra_text_from_utf8(s[i], strlen(s[i]), c, out,
							      sizeof(out), &bits), 0);
		}
	}
}

/* ---- round trips ---------------------------------------------------------- */

struct repertoire {
	uint32_t cp[512];
	size_t n;
};

static void add_cp(struct repertoire *r, uint32_t cp)
{
	r->cp[r->n++] = cp;
}

/* GSM: is cp one of the extension characters (ESC + septet)? */
static bool rev_is_ext(uint32_t cp)
{
	for (unsigned s = 0; s < 128; s++)
		if (tetra_cs_gsm7_ext[s] == cp)
			return true;
	return false;
}

static void round_trip(uint8_t coding, const struct repertoire *rep, int rounds)
{
	for (int round = 0; round < rounds; round++) {
		char text[1024], back[1024];
		uint8_t enc[1024];
		size_t tl = 0, units = 0, bits = 0;
		size_t nchars = rnd() % 120;
		uint16_t replaced = 1;

		for (size_t i = 0; i < nchars; i++) {
			uint32_t cp;
			if (rep) {
				cp = rep->cp[rnd() % rep->n];
			} else {	/* any scalar value but NUL; a third above the BMP */
				do {
					cp = rnd() % 3 ? 1 + rnd() % 0xFFFF : 0x10000 + rnd() % 0x100000;
				} while (cp >= 0xD800 && cp <= 0xDFFF);
			}
			tl += put_utf8(text + tl, cp);
			if (coding == 0)
				units += rev_is_ext(cp) ? 2 : 1;
			else if (coding == 26)
				units += cp > 0xFFFF ? 2 : 1;
			else
				units++;
		}
		text[tl] = 0;
		assert_int_equal(tetra_text_from_utf8(text, tl, coding, enc, sizeof(enc), &bits), 0);
		assert_int_equal(bits, units * (coding == 0 ? 7 : coding == 26 ? 16 : 8));
		int n = tetra_text_to_utf8(coding, enc, bits, back, sizeof(back), &replaced);
		assert_int_equal(n, (int)tl);
		assert_string_equal(back, text);
		assert_int_equal(replaced, 0);
	}
}

static void test_round_trip(void **state)
{
	static struct repertoire gsm, l1, l9;

	gsm.n = l1.n = l9.n = 0;
	for (unsigned s = 0; s < 128; s++) {
		if (s != 0x1B)
			add_cp(&gsm, tetra_cs_gsm7_basic[s]);
		if (tetra_cs_gsm7_ext[s])
			add_cp(&gsm, tetra_cs_gsm7_ext[s]);
	}
	assert_int_equal(gsm.n, 127 + 10);
	for (unsigned b = 1; b < 256; b++) {
		add_cp(&l1, tetra_cs_iso8859_1[b]);
		add_cp(&l9, tetra_cs_iso8859_15[b]);
	}
	round_trip(0, &gsm, 5000);
	round_trip(1, &l1, 5000);
	round_trip(13, &l9, 5000);
	round_trip(26, NULL, 5000);
	/* and the decoded 8-bit bytes come back as the same bytes */
	{
		uint8_t all[255], enc[255];
		char u[1024];
		size_t bits;
		for (int i = 0; i < 255; i++)
			all[i] = (uint8_t)(i + 1);
		static const uint8_t codings[] = { 1, 13 };
		for (int c = 0; c < 2; c++) {
			int n = tetra_text_to_utf8(codings[c], all, 255 * 8, u, sizeof(u), NULL);
			assert_true(n > 0);
			assert_int_equal(tetra_text_from_utf8(u, (size_t)n, codings[c], enc,
							      sizeof(enc), &bits), 0);
			assert_int_equal(bits, 255 * 8);
			assert_memory_equal(enc, all, 255);
		}
	}
}

/* tetra_utf8_valid / tetra_utf8_repair: what leaves the bridge is UTF-8. */
static void test_utf8_valid_and_repair(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		bool valid;
		const char *repaired;
	} cases[10] = {
		{ "", 0, true, "" },
		{ "lvs-1 Førde", 12, true, "lvs-1 Førde" },
		{ "\xe2\x82\xac \xf0\x9f\x9a\x91", 8, true, "€ 🚑" },
		{ "\xff", 1, false, "\xef\xbf\xbd" },
		{ "r\xff" "x", 3, false, "r\xef\xbf\xbd" "x" },
		{ "\xc0\x80", 2, false, "\xef\xbf\xbd\xef\xbf\xbd" },		/* overlong NUL */
		{ "\xed\xa0\x80", 3, false, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" }, /* surrogate */
		{ "\xf4\x90\x80\x80", 4, false,
		  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },	/* above U+10FFFF */
		{ "\xe2\x82", 2, false, "\xef\xbf\xbd\xef\xbf\xbd" },		/* truncated */
		{ "\x80" "A", 2, false, "\xef\xbf\xbd" "A" },				/* lone continuation */
	};

	assert_true(tetra_utf8_valid("a\0b", 3));	/* U+0000 is a character */
	assert_int_equal(tetra_utf8_seq_len("\xf0\x9f\x9a\x91x", 5), 4);
	assert_int_equal(tetra_utf8_seq_len("\xf0\x9f\x9a", 3), 0);	/* cut short */
	assert_int_equal(tetra_utf8_seq_len("\xed\xa0\x80", 3), 0);	/* a surrogate */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[64];
		size_t need = tetra_utf8_repair(cases[i].in, cases[i].len, out, sizeof(out));

		assert_int_equal(tetra_utf8_valid(cases[i].in, cases[i].len), cases[i].valid);
		assert_string_equal(out, cases[i].repaired);
		assert_int_equal(need, strlen(out));
		assert_true(tetra_utf8_valid(out, strlen(out)));
		assert_int_equal(tetra_utf8_repair(cases[i].in, cases[i].len, NULL, 0), need);
	}
}

/* A small buffer holds a valid prefix: a sequence never split. */
static void test_utf8_repair_truncates_whole_sequences(void **state)
{
	char out[5];

	assert_int_equal(tetra_utf8_repair("ab\xe2\x82\xac", 5, out, sizeof(out)), 5);
	assert_string_equal(out, "ab");
	assert_int_equal(tetra_utf8_repair("a\xff" "b", 3, out, 4), 5);
	assert_string_equal(out, "a");
	assert_int_equal(tetra_utf8_repair("a\xff" "b", 3, out, 5), 5);
	assert_string_equal(out, "a\xef\xbf\xbd");
	assert_int_equal(tetra_utf8_repair("abc", 3, out, 1), 3);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_testmessage_8859_1),
		cmocka_unit_test(test_norwegian_every_scheme),
		cmocka_unit_test(test_generated_tables),
		cmocka_unit_test(test_gsm7_packing),
		cmocka_unit_test(test_gsm7_escapes),
		cmocka_unit_test(test_utf16_surrogates),
		cmocka_unit_test(test_invalid_bytes_counted),
		cmocka_unit_test(test_all_schemes_all_bytes),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_no_space_truncation),
		cmocka_unit_test(test_encode_no_space),
		cmocka_unit_test(test_encode_unsupported_and_unencodable),
		cmocka_unit_test(test_strict_utf8),
		cmocka_unit_test(test_pick_coding),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_utf8_valid_and_repair),
		cmocka_unit_test(test_utf8_repair_truncates_whole_sequences),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
