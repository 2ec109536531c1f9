/* Bounds-checked bit reader and writer, MSB first, as TETRA PDUs are laid
 * out (EN 300 392-2 §29, TS 100 392-18-1). Every decoder and encoder goes
 * through these: no hand-counted offsets.
 *
 * Errors are sticky: reading past the announced bit length (or writing past
 * the buffer) sets err once, returns 0 from then on, and never touches
 * memory outside the buffer. A decoder reads all its fields and checks
 * tetra_br_error() once at the end.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <endian.h>

#include "codecs/codec_err.h"

struct tetra_bitreader {
	const uint8_t *data;
	size_t bit_len;		/* readable bits: the announced length, not the buffer size */
	size_t pos;		/* next bit to read */
	int err;		/* 0 or TETRA_E_TRUNCATED */
};

struct tetra_bitwriter {
	uint8_t *data;
	size_t cap_bits;	/* buffer size in bits */
	size_t pos;		/* bits written */
	int err;		/* 0 or TETRA_E_NO_SPACE */
};

/* data must hold at least ceil(bit_len / 8) bytes. */
static inline void tetra_br_init(struct tetra_bitreader *br, const uint8_t *data, size_t bit_len)
{
	br->data = data;
	br->bit_len = bit_len;
	br->pos = 0;
	br->err = 0;
}

static inline size_t tetra_br_left(const struct tetra_bitreader *br)
{
	return br->err ? 0 : br->bit_len - br->pos;
}

static inline int tetra_br_error(const struct tetra_bitreader *br)
{
	return br->err;
}

/* Bytes the reader may touch: ceil(bit_len / 8). */
static inline size_t tetra_br_bytes(const struct tetra_bitreader *br)
{
	return (br->bit_len + 7) >> 3;
}

/* Read n bits (0..64) as an unsigned value. */
static inline uint64_t tetra_br_get(struct tetra_bitreader *br, unsigned n)
{
	size_t byte = br->pos >> 3;
	unsigned bit = br->pos & 7;
	uint64_t v = 0;

	if (br->err || n > 64 || n > br->bit_len - br->pos) {
		br->err = TETRA_E_TRUNCATED;
		return 0;
	}
	if (n == 0)
		return 0;
	/* Fast path: one big-endian 64-bit load when 8 bytes lie inside the
	 * announced length (never past it) and the field fits after the shift. */
	if (n <= 57 && byte + 8 <= tetra_br_bytes(br)) {
		uint64_t w;
		memcpy(&w, br->data + byte, 8);
		w = be64toh(w);
		br->pos += n;
		return (w << bit) >> (64 - n);
	}
	while (n) {
		unsigned take = 8 - bit;
		uint8_t b = br->data[br->pos >> 3];
		if (take > n)
			take = n;
		v = (v << take) | ((b >> (8 - bit - take)) & ((1u << take) - 1));
		br->pos += take;
		n -= take;
		bit = br->pos & 7;
	}
	return v;
}

/* Read n bits (1..64) as a two's complement value. */
static inline int64_t tetra_br_get_signed(struct tetra_bitreader *br, unsigned n)
{
	uint64_t v = tetra_br_get(br, n);

	if (n == 0 || n >= 64)
		return (int64_t)v;
	if (v & (UINT64_C(1) << (n - 1)))
		return (int64_t)(v | (~UINT64_C(0) << n));
	return (int64_t)v;
}

static inline void tetra_br_skip(struct tetra_bitreader *br, size_t n)
{
	if (br->err || n > br->bit_len - br->pos) {
		br->err = TETRA_E_TRUNCATED;
		return;
	}
	br->pos += n;
}

/* Read n whole octets (at any bit position) into out. */
void tetra_br_get_bytes(struct tetra_bitreader *br, uint8_t *out, size_t n);

static inline void tetra_bw_init(struct tetra_bitwriter *bw, uint8_t *data, size_t cap_bytes)
{
	bw->data = data;
	bw->cap_bits = cap_bytes * 8;
	bw->pos = 0;
	bw->err = 0;
}

static inline int tetra_bw_error(const struct tetra_bitwriter *bw)
{
	return bw->err;
}

/* Bytes touched so far (the last one padded with zero bits). */
static inline size_t tetra_bw_bytes(const struct tetra_bitwriter *bw)
{
	return (bw->pos + 7) / 8;
}

/* Append the low n bits (0..64) of v. */
static inline void tetra_bw_put(struct tetra_bitwriter *bw, uint64_t v, unsigned n)
{
	if (bw->err || n > 64 || n > bw->cap_bits - bw->pos) {
		bw->err = TETRA_E_NO_SPACE;
		return;
	}
	while (n) {
		unsigned bit = bw->pos & 7;
		unsigned take = 8 - bit;
		uint8_t *byte = &bw->data[bw->pos >> 3];
		if (take > n)
			take = n;
		uint8_t chunk = (uint8_t)((v >> (n - take)) & ((1u << take) - 1));
		uint8_t mask = (uint8_t)(((1u << take) - 1) << (8 - bit - take));
		*byte = (uint8_t)((*byte & ~mask) | (chunk << (8 - bit - take)));
		bw->pos += take;
		n -= take;
	}
}

/* Append n octets (at any bit position). */
void tetra_bw_put_bytes(struct tetra_bitwriter *bw, const uint8_t *in, size_t n);

/* End a PDU: pad with zero bits to a whole octet. *bits (may be NULL) gets
 * the length before the padding, the length a PDU announces. Returns 0, or
 * the writer's sticky error (e.g. it ran out of room). */
static inline int tetra_bw_finish(struct tetra_bitwriter *bw, size_t *bits)
{
	size_t used = bw->pos;

	if (bw->pos & 7)
		tetra_bw_put(bw, 0, 8 - (unsigned)(bw->pos & 7));
	if (tetra_bw_error(bw))
		return tetra_bw_error(bw);
	if (bits)
		*bits = used;
	return 0;
}
