/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "codecs/bitio.h"

#include <string.h>

void tetra_br_get_bytes(struct tetra_bitreader *br, uint8_t *out, size_t n)
{
	if (br->err || n > (br->bit_len - br->pos) / 8) {
		br->err = TETRA_E_TRUNCATED;
		return;
	}
	if ((br->pos & 7) == 0) {
		memcpy(out, br->data + (br->pos >> 3), n);
		br->pos += n * 8;
		return;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)tetra_br_get(br, 8);
}

void tetra_bw_put_bytes(struct tetra_bitwriter *bw, const uint8_t *in, size_t n)
{
	if (bw->err || n > (bw->cap_bits - bw->pos) / 8) {
		bw->err = TETRA_E_NO_SPACE;
		return;
	}
	if ((bw->pos & 7) == 0) {
		memcpy(bw->data + (bw->pos >> 3), in, n);
		bw->pos += n * 8;
		return;
	}
	for (size_t i = 0; i < n; i++)
		tetra_bw_put(bw, in[i], 8);
}
