/* libFuzzer target: tetra_text_to_utf8() and its inverse (codecs/text.h).
 *
 * Input: byte 0 the coding scheme (all 256 values: 28.. must be refused),
 * byte 1 the size of a second, small output buffer, byte 2 (low 3 bits) how
 * many bits to cut off the end; the rest is the text as it came over the air.
 * Invariants:
 *  - schemes 0..27 decode whatever the bytes are; others give TETRA_E_CODING;
 *  - into a buffer of the worst-case size the result fits: its length is
 *    < out_size, out[len] is the NUL, there is no NUL before it (U+0000 is
 *    never emitted), and it is valid UTF-8;
 *  - into the small buffer: the same text if it fits, else TETRA_E_NO_SPACE
 *    with a NUL-terminated, valid UTF-8 prefix of the full text, ending on a
 *    character boundary; replacements in the prefix <= in the whole;
 *  - for the schemes the encoder supports (0, 1, 13, 26) and for the scheme
 *    tetra_text_pick_coding() chooses: text that encodes decodes back to
 *    the same UTF-8.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fuzz_util.h"

#include "codecs/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Worst case UTF-8 for bit_len bits in any scheme: a GSM septet or an
 * 8-bit byte gives at most 3 bytes (U+FFFD, €), a UTF-16 unit at most 3
 * (a surrogate pair: 4 bytes for 2 units). */
static size_t worst_utf8(size_t bit_len)
{
	return 3 * (bit_len / 7 + 1) + 1;
}

static void check_out(const char *out, int n, size_t out_size)
{
	FUZZ_CHECK(n >= 0 && (size_t)n < out_size);
	FUZZ_CHECK(out[n] == '\0');
	FUZZ_CHECK(strlen(out) == (size_t)n);
	FUZZ_CHECK(fuzz_utf8_valid(out, (size_t)n));
}

/* UTF-8 text -> coding -> UTF-8 must give the text back, when it encodes. */
static void round_trip(const char *text, size_t len, uint8_t coding)
{
	size_t cap = len * 2 + 8, bits = 0;	/* UTF-16: <= 2 bytes per UTF-8 byte; GSM: ESC pairs */
	uint8_t *enc = malloc(cap);
	size_t back_size = worst_utf8(cap * 8);
	char *back = malloc(back_size);
	uint16_t rep = 0xffff;
	int rc, n;

	FUZZ_CHECK(enc && back);
	rc = tetra_text_from_utf8(text, len, coding, enc, cap, &bits);
	FUZZ_CHECK(rc == TETRA_OK || rc == TETRA_E_UNENCODABLE);
	if (rc == TETRA_OK) {
		FUZZ_CHECK(bits <= cap * 8);
		n = tetra_text_to_utf8(coding, enc, bits, back, back_size, &rep);
		check_out(back, n, back_size);
		FUZZ_CHECK(rep == 0);
		FUZZ_CHECK((size_t)n == len && memcmp(back, text, len) == 0);
	}
	free(enc);
	free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t coding, small_size, cut;
	size_t bit_len, full_size;
	uint16_t rep_full = 0xffff, rep_small = 0xffff;
	uint8_t *text;
	char *full, *small;
	int n, m;

	if (size < 3 || size > 4096)
		return 0;
	coding = data[0];
	small_size = data[1];
	cut = data[2] & 7;
	data += 3;
	size -= 3;
	bit_len = size * 8;
	bit_len = bit_len >= cut ? bit_len - cut : 0;

	text = fuzz_dup(data, size);
	full_size = worst_utf8(bit_len);
	full = malloc(full_size);
	small = malloc(small_size ? small_size : 1);
	FUZZ_CHECK(full && small);

	n = tetra_text_to_utf8(coding, text, bit_len, full, full_size, &rep_full);
	if (coding >= TETRA_TEXT_NUM_CODINGS) {
		FUZZ_CHECK(n == TETRA_E_CODING);
		goto out;
	}
	check_out(full, n, full_size);
	FUZZ_CHECK(rep_full <= (size_t)n / 3 || rep_full == 65535);

	m = tetra_text_to_utf8(coding, text, bit_len, small, small_size, &rep_small);
	if (small_size > (size_t)n) {
		check_out(small, m, small_size);
		FUZZ_CHECK(m == n && memcmp(small, full, (size_t)n) == 0);
		FUZZ_CHECK(rep_small == rep_full);
	} else {
		size_t k;
		FUZZ_CHECK(m == TETRA_E_NO_SPACE);
		if (small_size > 0) {
			k = strlen(small);
			FUZZ_CHECK(k < small_size);
			FUZZ_CHECK(fuzz_utf8_valid(small, k));
			FUZZ_CHECK(memcmp(small, full, k) == 0);
			/* ends on a character boundary of the full text */
			FUZZ_CHECK(((uint8_t)full[k] & 0xc0) != 0x80);
			FUZZ_CHECK(rep_small <= rep_full);
		}
	}

	if (coding == TETRA_TEXT_GSM7 || coding == TETRA_TEXT_8859_1 ||
	    coding == TETRA_TEXT_8859_15 || coding == TETRA_TEXT_UTF16BE)
		round_trip(full, (size_t)n, coding);
	{
		uint8_t pick = tetra_text_pick_coding(full, (size_t)n);
		FUZZ_CHECK(pick == TETRA_TEXT_8859_1 || pick == TETRA_TEXT_8859_15 ||
			   pick == TETRA_TEXT_UTF16BE);
		round_trip(full, (size_t)n, pick);
		/* valid UTF-8 without NUL always encodes in the picked scheme */
		size_t cap = (size_t)n * 2 + 8, bits;
		uint8_t *enc = malloc(cap);
		FUZZ_CHECK(enc);
		FUZZ_CHECK(tetra_text_from_utf8(full, (size_t)n, pick, enc, cap, &bits) == TETRA_OK);
		free(enc);
	}
	/* the name lookup answers for every scheme */
	FUZZ_CHECK(tetra_text_coding_name(coding) != NULL);
out:
	free(text);
	free(full);
	free(small);
	return 0;
}
