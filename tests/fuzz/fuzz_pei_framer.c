/* libFuzzer target: the PEI byte framer (codecs/pei_framer.h).
 *
 * Input: byte 0 seeds how the rest is cut into reads; the rest is the
 * terminal's byte stream.
 * Invariants:
 *  - every line delivered is non-empty, at most TB_PEI_LINE_MAX bytes,
 *    NUL-terminated at len, and holds no CR, LF, NUL or other control byte
 *    but TAB;
 *  - the lines do not depend on how the stream is cut into reads (the stream
 *    fed at once and fed in pseudo-random pieces, 1 byte at a time included,
 *    give the same lines);
 *  - the counters add up (bytes fed, lines delivered).
 * Each line then goes through tetra_pei_decode() as the radio link does
 * (a +CTSDSR header takes the next line as its user data): the pipeline must
 * not crash and what it decodes must pass fuzz_check_prim().
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fuzz_util.h"

#include "codecs/pei_urc.h"
#include "codecs/pei_framer.h"

struct lines {
	char *buf;		/* each line followed by '\n' */
	size_t len, cap;
	size_t n;
	bool decode;		/* also run the decoder on the lines */
	char hdr[TB_PEI_LINE_MAX + 1];	/* a pending +CTSDSR header */
	size_t hdr_len;
};

static void on_line(const char *line, size_t len, void *data)
{
	struct lines *l = data;

	FUZZ_CHECK(len > 0 && len <= TB_PEI_LINE_MAX);
	FUZZ_CHECK(line[len] == '\0');
	for (size_t i = 0; i < len; i++) {
		uint8_t c = (uint8_t)line[i];
		FUZZ_CHECK(c == '\t' || (c >= 0x20 && c != 0x7f));
	}
	FUZZ_CHECK(l->len + len + 1 <= l->cap);
	memcpy(l->buf + l->len, line, len);
	l->len += len;
	l->buf[l->len++] = '\n';
	l->n++;

	if (!l->decode)
		return;
	struct tetra_prim prim;
	int rc;
	if (l->hdr_len) {
		rc = tetra_pei_decode(l->hdr, l->hdr_len, line, len, &prim);
		l->hdr_len = 0;
	} else if (tetra_pei_has_data_line(line, len)) {
		memcpy(l->hdr, line, len + 1);
		l->hdr_len = len;
		return;
	} else {
		rc = tetra_pei_decode(line, len, NULL, 0, &prim);
	}
	fuzz_check_rc(rc);
	if (rc == TETRA_OK)
		fuzz_check_prim(&prim);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tb_pei_framer f;	/* 1 KiB buffer: keep it off the stack */
	struct lines whole = { 0 }, cut = { 0 };
	uint32_t seed;
	uint8_t mode;
	size_t i;

	if (size < 1)
		return 0;
	mode = data[0];
	seed = mode * 2654435761u + 1;
	data++;
	size--;

	whole.cap = cut.cap = 2 * size + 2;
	whole.buf = malloc(whole.cap);
	cut.buf = malloc(cut.cap);
	FUZZ_CHECK(whole.buf && cut.buf);
	whole.decode = true;

	tb_pei_framer_init(&f, on_line, &whole);
	tb_pei_framer_feed(&f, data, size);
	FUZZ_CHECK(f.stats.bytes == size);
	FUZZ_CHECK(f.stats.lines == whole.n);

	/* The same stream in pieces of 1..16 bytes (or one byte at a time when
	 * bit 7 of byte 0 is set);
	 * each piece an exact-size copy so a read past it is caught. */
	tb_pei_framer_init(&f, on_line, &cut);
	for (i = 0; i < size;) {
		size_t n;
		seed = seed * 1103515245u + 12345u;
		n = seed >> 28;		/* 0..15 */
		if (mode & 0x80)
			n = 0;
		n += 1;
		if (n > size - i)
			n = size - i;
		uint8_t *piece = fuzz_dup(data + i, n);
		tb_pei_framer_feed(&f, piece, n);
		free(piece);
		i += n;
	}
	tb_pei_framer_feed(&f, data, 0);	/* an empty read changes nothing */
	FUZZ_CHECK(f.stats.bytes == size);
	FUZZ_CHECK(cut.n == whole.n);
	FUZZ_CHECK(cut.len == whole.len && memcmp(cut.buf, whole.buf, whole.len) == 0);

	free(whole.buf);
	free(cut.buf);
	return 0;
}
