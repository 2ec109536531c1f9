/* Build tool: writes the character set tables of codecs/text.c.
 *
 *   gen_charsets <charset_tables.c> <charset_tables.h>
 *
 * The 8-bit TETRA text coding schemes (EN 300 392-2 §29.5.4.1: ISO 8859-x,
 * the DOS code pages, VISCII) come from glibc iconv, one byte at a time,
 * so nobody hand-types a code page. Bytes iconv rejects become U+FFFD.
 * The GSM 7-bit default alphabet (3GPP TS 23.038 §6.2.1) is not in iconv
 * and is written out below, once; its reverse lookup is generated from it.
 *
 * Reverse lookups (Unicode -> code) are two-level: page[cp >> 8] picks a
 * block of 256 uint16_t, entry 0 = not representable, 0x100 | byte for a
 * byte, 0x200 | septet for a GSM extension character (ESC + septet).
 *
 * Fails with a message naming the charset when iconv lacks one.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NUM_CODINGS 28

struct scheme {
	uint8_t coding;		/* TETRA text coding scheme */
	const char *iconv_name;
	const char *c_name;	/* tetra_cs_<c_name> */
	int reverse;		/* also generate Unicode -> byte */
};

static const struct scheme schemes[] = {
	{ 1, "ISO-8859-1", "iso8859_1", 1 },
	{ 2, "ISO-8859-2", "iso8859_2", 0 },
	{ 3, "ISO-8859-3", "iso8859_3", 0 },
	{ 4, "ISO-8859-4", "iso8859_4", 0 },
	{ 5, "ISO-8859-5", "iso8859_5", 0 },
	{ 6, "ISO-8859-6", "iso8859_6", 0 },
	{ 7, "ISO-8859-7", "iso8859_7", 0 },
	{ 8, "ISO-8859-8", "iso8859_8", 0 },
	{ 9, "ISO-8859-9", "iso8859_9", 0 },
	{ 10, "ISO-8859-10", "iso8859_10", 0 },
	{ 11, "ISO-8859-13", "iso8859_13", 0 },
	{ 12, "ISO-8859-14", "iso8859_14", 0 },
	{ 13, "ISO-8859-15", "iso8859_15", 1 },
	{ 14, "CP437", "cp437", 0 },
	{ 15, "CP737", "cp737", 0 },
	{ 16, "CP850", "cp850", 0 },
	{ 17, "CP852", "cp852", 0 },
	{ 18, "CP855", "cp855", 0 },
	{ 19, "CP857", "cp857", 0 },
	{ 20, "CP860", "cp860", 0 },
	{ 21, "CP861", "cp861", 0 },
	{ 22, "CP863", "cp863", 0 },
	{ 23, "CP865", "cp865", 0 },
	{ 24, "CP866", "cp866", 0 },
	{ 25, "CP869", "cp869", 0 },
	{ 27, "VISCII", "viscii", 0 },
};
#define NUM_SCHEMES (sizeof(schemes) / sizeof(schemes[0]))

/* 3GPP TS 23.038 §6.2.1 GSM 7-bit default alphabet. 0x1B is the escape to
 * the extension table: the decoder handles it, the table says U+FFFD. */
static const uint16_t gsm7_basic[128] = {
	0x0040, 0x00A3, 0x0024, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC,	/* @ £ $ ¥ è é ù ì */
	0x00F2, 0x00C7, 0x000A, 0x00D8, 0x00F8, 0x000D, 0x00C5, 0x00E5,	/* ò Ç LF Ø ø CR Å å */
	0x0394, 0x005F, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8,	/* Δ _ Φ Γ Λ Ω Π Ψ */
	0x03A3, 0x0398, 0x039E, 0xFFFD, 0x00C6, 0x00E6, 0x00DF, 0x00C9,	/* Σ Θ Ξ ESC Æ æ ß É */
	0x0020, 0x0021, 0x0022, 0x0023, 0x00A4, 0x0025, 0x0026, 0x0027,	/* SP ! " # ¤ % & ' */
	0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F,	/* ( ) * + , - . / */
	0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,	/* 0..7 */
	0x0038, 0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E, 0x003F,	/* 8 9 : ; < = > ? */
	0x00A1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,	/* ¡ A..G */
	0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F,	/* H..O */
	0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,	/* P..W */
	0x0058, 0x0059, 0x005A, 0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7,	/* X Y Z Ä Ö Ñ Ü § */
	0x00BF, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,	/* ¿ a..g */
	0x0068, 0x0069, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E, 0x006F,	/* h..o */
	0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,	/* p..w */
	0x0078, 0x0079, 0x007A, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,	/* x y z ä ö ñ ü à */
};

/* TS 23.038 §6.2.1.1 extension table (after ESC); other codes undefined. */
static const struct { uint8_t septet; uint16_t ucs; } gsm7_ext[] = {
	{ 0x0A, 0x000C },	/* page break -> FORM FEED */
	{ 0x14, 0x005E },	/* ^ */
	{ 0x28, 0x007B },	/* { */
	{ 0x29, 0x007D },	/* } */
	{ 0x2F, 0x005C },	/* \ */
	{ 0x3C, 0x005B },	/* [ */
	{ 0x3D, 0x007E },	/* ~ */
	{ 0x3E, 0x005D },	/* ] */
	{ 0x40, 0x007C },	/* | */
	{ 0x65, 0x20AC },	/* € */
};
#define NUM_GSM7_EXT (sizeof(gsm7_ext) / sizeof(gsm7_ext[0]))

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "gen_charsets: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* One byte through iconv: its code point, or 0xFFFD if iconv rejects it. */
static uint16_t convert_byte(iconv_t cd, const char *name, uint8_t b)
{
	char in[1] = { (char)b };
	unsigned char outbuf[16];
	char *ip = in, *op = (char *)outbuf;
	size_t il = 1, ol = sizeof(outbuf);

	iconv(cd, NULL, NULL, NULL, NULL);	/* reset shift state */
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
		if (errno == EILSEQ || errno == EINVAL)
			return 0xFFFD;
		die("iconv failed on %s", name);
	}
	/* flush: a stateful converter could hold the character back */
	if (iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1)
		die("iconv flush failed on %s", name);
	size_t n = sizeof(outbuf) - ol;
	if (n == 0)
		return 0xFFFD;
	if (n != 4)
		die("%s: a byte maps to more than one code point", name);
	uint32_t cp = (uint32_t)outbuf[0] << 24 | (uint32_t)outbuf[1] << 16 |
		      (uint32_t)outbuf[2] << 8 | outbuf[3];
	if (cp > 0xFFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		die("%s: a byte maps outside the BMP", name);
	return (uint16_t)cp;
}

static void gen_table(const struct scheme *s, uint16_t t[256])
{
	iconv_t cd = iconv_open("UTF-32BE", s->iconv_name);

	if (cd == (iconv_t)-1)
		die("this system's iconv has no charset \"%s\" (glibc iconv modules "
		    "missing? on Debian they are in libc6 / gconv)", s->iconv_name);
	for (unsigned b = 0; b < 256; b++)
		t[b] = convert_byte(cd, s->iconv_name, (uint8_t)b);
	iconv_close(cd);
}

static void put_u16_array(FILE *f, const uint16_t *t, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "%s0x%04X,%s", i % 8 ? " " : "\t", t[i], i % 8 == 7 ? "\n" : "");
	if (n % 8)
		fputc('\n', f);
}

/* Unicode -> code for the entries of rev[0x10000] (0 = none). */
static void put_reverse(FILE *f, const char *c_name, const uint16_t *rev)
{
	uint8_t page[256];
	unsigned nblocks = 1;	/* block 0: nothing representable */

	for (unsigned p = 0; p < 256; p++) {
		int used = 0;
		for (unsigned i = 0; i < 256; i++)
			used |= rev[p << 8 | i] != 0;
		page[p] = used ? (uint8_t)nblocks++ : 0;
		if (nblocks > 255)
			die("%s: reverse table too sparse", c_name);
	}
	fprintf(f, "static const uint8_t rev_%s_page[256] = {\n", c_name);
	for (unsigned p = 0; p < 256; p++)
		fprintf(f, "%s%u,%s", p % 16 ? " " : "\t", page[p], p % 16 == 15 ? "\n" : "");
	fprintf(f, "};\n\nstatic const uint16_t rev_%s_block[%u][256] = {\n\t{ 0 },\n", c_name, nblocks);
	for (unsigned p = 0; p < 256; p++) {
		if (!page[p])
			continue;
		fprintf(f, "\t{ /* U+%02X00 */\n", p);
		put_u16_array(f, rev + (p << 8), 256);
		fprintf(f, "\t},\n");
	}
	fprintf(f, "};\n\nconst struct tetra_cs_rev tetra_cs_rev_%s = { rev_%s_page, rev_%s_block };\n\n",
		c_name, c_name, c_name);
}

static void check(int ok, const char *what)
{
	if (!ok)
		die("self-check failed: %s", what);
}

static const uint16_t *by_coding(uint16_t tables[][256], uint8_t coding)
{
	for (unsigned i = 0; i < NUM_SCHEMES; i++)
		if (schemes[i].coding == coding)
			return tables[i];
	die("no table for scheme %u", coding);
}

int main(int argc, char **argv)
{
	static uint16_t tables[NUM_SCHEMES][256];
	static uint16_t rev[0x10000];
	FILE *c, *h;

	if (argc != 3) {
		fprintf(stderr, "usage: gen_charsets <charset_tables.c> <charset_tables.h>\n");
		return 2;
	}
	for (unsigned i = 0; i < NUM_SCHEMES; i++)
		gen_table(&schemes[i], tables[i]);

	/* The tables must say what everybody knows they say. */
	const uint16_t *l1 = by_coding(tables, 1), *l9 = by_coding(tables, 13);
	const uint16_t *cp850 = by_coding(tables, 16), *cp865 = by_coding(tables, 23);
	for (unsigned b = 0; b < 256; b++)
		check(l1[b] == b, "ISO-8859-1 is not the identity");
	check(l9[0xA4] == 0x20AC && l9[0xE6] == 0xE6 && l9[0xF8] == 0xF8 && l9[0xE5] == 0xE5,
	      "ISO-8859-15 € æ ø å");
	check(cp850[0x91] == 0xE6 && cp850[0x9B] == 0xF8 && cp850[0x86] == 0xE5, "CP850 æ ø å");
	check(cp865[0x91] == 0xE6 && cp865[0x9B] == 0xF8 && cp865[0x86] == 0xE5, "CP865 æ ø å");

	c = fopen(argv[1], "w");
	h = fopen(argv[2], "w");
	if (!c || !h)
		die("cannot write %s", !c ? argv[1] : argv[2]);

	fprintf(h,
		"/* Generated by codecs/gen_charsets.c from glibc iconv. Do not edit. */\n"
		"#pragma once\n\n#include <stdint.h>\n\n"
		"/* Unicode -> code: block[page[cp >> 8]][cp & 0xFF], for cp <= 0xFFFF.\n"
		" * 0: not representable; TETRA_CS_REV_BYTE | byte; TETRA_CS_REV_EXT | septet\n"
		" * (GSM 7-bit: ESC, then septet). */\n"
		"#define TETRA_CS_REV_BYTE 0x100\n#define TETRA_CS_REV_EXT 0x200\n"
		"struct tetra_cs_rev {\n\tconst uint8_t *page;\n\tconst uint16_t (*block)[256];\n};\n\n"
		"/* Byte -> Unicode of every 8-bit coding scheme, indexed by scheme;\n"
		" * NULL for 0 (GSM 7-bit) and 26 (UTF-16BE). 0xFFFD: undefined byte. */\n"
		"extern const uint16_t *const tetra_cs_decode[%d];\n", NUM_CODINGS);
	fprintf(c,
		"/* Generated by codecs/gen_charsets.c from glibc iconv. Do not edit. */\n"
		"#include \"codecs/charset_tables.h\"\n\n#include <stddef.h>\n\n");

	for (unsigned i = 0; i < NUM_SCHEMES; i++) {
		const struct scheme *s = &schemes[i];
		fprintf(h, "extern const uint16_t tetra_cs_%s[256];\t/* %u %s */\n",
			s->c_name, s->coding, s->iconv_name);
		fprintf(c, "/* coding scheme %u: %s */\nconst uint16_t tetra_cs_%s[256] = {\n",
			s->coding, s->iconv_name, s->c_name);
		put_u16_array(c, tables[i], 256);
		fprintf(c, "};\n\n");
	}
	fprintf(c, "const uint16_t *const tetra_cs_decode[%d] = {\n", NUM_CODINGS);
	for (unsigned i = 0; i < NUM_SCHEMES; i++)
		fprintf(c, "\t[%u] = tetra_cs_%s,\n", schemes[i].coding, schemes[i].c_name);
	fprintf(c, "};\n\n");

	/* which tables map 0x01..0x7F to themselves (a fast path copies those) */
	fprintf(h, "\n/* 1 where bytes 0x01..0x7F decode to U+0001..U+007F. */\n"
		"extern const uint8_t tetra_cs_ascii_compatible[%d];\n", NUM_CODINGS);
	fprintf(c, "const uint8_t tetra_cs_ascii_compatible[%d] = {\n", NUM_CODINGS);
	for (unsigned i = 0; i < NUM_SCHEMES; i++) {
		int ascii = 1;
		for (unsigned b = 1; b < 0x80; b++)
			ascii &= tables[i][b] == b;
		fprintf(c, "\t[%u] = %d,\t/* %s */\n", schemes[i].coding, ascii, schemes[i].iconv_name);
	}
	fprintf(c, "};\n\n");

	/* GSM 7-bit */
	uint16_t ext[128] = { 0 };
	for (unsigned i = 0; i < NUM_GSM7_EXT; i++)
		ext[gsm7_ext[i].septet] = gsm7_ext[i].ucs;
	fprintf(h, "\n/* GSM 7-bit default alphabet (TS 23.038): basic table (0x1B = ESC\n"
		" * shows as U+FFFD) and extension table (0: not defined). */\n"
		"extern const uint16_t tetra_cs_gsm7_basic[128];\n"
		"extern const uint16_t tetra_cs_gsm7_ext[128];\n\n");
	fprintf(c, "const uint16_t tetra_cs_gsm7_basic[128] = {\n");
	put_u16_array(c, gsm7_basic, 128);
	fprintf(c, "};\n\nconst uint16_t tetra_cs_gsm7_ext[128] = {\n");
	put_u16_array(c, ext, 128);
	fprintf(c, "};\n\n");

	/* reverse lookups */
	memset(rev, 0, sizeof(rev));
	for (unsigned s = 0; s < 128; s++)
		if (s != 0x1B)
			rev[gsm7_basic[s]] = (uint16_t)(0x100 | s);
	for (unsigned i = 0; i < NUM_GSM7_EXT; i++) {
		check(rev[gsm7_ext[i].ucs] == 0, "GSM extension character also in basic table");
		rev[gsm7_ext[i].ucs] = (uint16_t)(0x200 | gsm7_ext[i].septet);
	}
	put_reverse(c, "gsm7", rev);
	fprintf(h, "extern const struct tetra_cs_rev tetra_cs_rev_gsm7;\n");

	for (unsigned i = 0; i < NUM_SCHEMES; i++) {
		const struct scheme *s = &schemes[i];
		if (!s->reverse)
			continue;
		memset(rev, 0, sizeof(rev));
		/* byte 0x00 (NUL) is never encoded; the lowest byte wins a tie */
		for (unsigned b = 255; b >= 1; b--)
			if (tables[i][b] != 0xFFFD)
				rev[tables[i][b]] = (uint16_t)(0x100 | b);
		put_reverse(c, s->c_name, rev);
		fprintf(h, "extern const struct tetra_cs_rev tetra_cs_rev_%s;\n", s->c_name);
	}

	if (fclose(c) || fclose(h))
		die("write error on %s", argv[1]);
	return 0;
}
