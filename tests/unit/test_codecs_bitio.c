/* Bit reader/writer: values, sign extension, bounds, sticky errors.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "codecs/bitio.h"

static void test_read_fields(void **state)
{
	/* The LIP short report of docs/protocol.md §11: 0A 01 AC 60 8A 7A 20 D8 00 00 00 */
	static const uint8_t d[] = { 0x0A, 0x01, 0xAC, 0x60, 0x8A, 0x7A, 0x20, 0xD8, 0x00, 0x00, 0x00 };
	struct tetra_bitreader br;

	tetra_br_init(&br, d, 84);
	assert_int_equal(tetra_br_get(&br, 8), 0x0A);	/* PID */
	assert_int_equal(tetra_br_get(&br, 2), 0);	/* PDU type short */
	assert_int_equal(tetra_br_get(&br, 2), 0);	/* time elapsed */
	assert_int_equal(tetra_br_get_signed(&br, 25), 0x0358C11);
	assert_int_equal(tetra_br_left(&br), 84 - 37);
	assert_int_equal(tetra_br_error(&br), 0);
}

static void test_signed(void **state)
{
	static const uint8_t d[] = { 0xFF, 0x80, 0x7F };
	struct tetra_bitreader br;

	tetra_br_init(&br, d, 24);
	assert_int_equal(tetra_br_get_signed(&br, 8), -1);
	assert_int_equal(tetra_br_get_signed(&br, 8), -128);
	assert_int_equal(tetra_br_get_signed(&br, 8), 127);
}

static void test_bounds_are_the_bit_length(void **state)
{
	/* The buffer has 2 bytes but only 12 bits are announced. */
	static const uint8_t d[] = { 0xAB, 0xCD };
	struct tetra_bitreader br;

	tetra_br_init(&br, d, 12);
	assert_int_equal(tetra_br_get(&br, 12), 0xABC);
	assert_int_equal(tetra_br_get(&br, 1), 0);
	assert_int_equal(tetra_br_error(&br), TETRA_E_TRUNCATED);
	/* sticky: nothing more is read */
	tetra_br_init(&br, d, 12);
	tetra_br_get(&br, 13);
	assert_int_equal(tetra_br_error(&br), TETRA_E_TRUNCATED);
	assert_int_equal(tetra_br_get(&br, 1), 0);
	assert_int_equal(tetra_br_left(&br), 0);
}

static void test_unaligned_bytes(void **state)
{
	uint8_t buf[8] = { 0 }, out[3];
	struct tetra_bitwriter bw;
	struct tetra_bitreader br;
	static const uint8_t msg[] = { 0x12, 0x34, 0x56 };

	tetra_bw_init(&bw, buf, sizeof(buf));
	tetra_bw_put(&bw, 0x5, 3);
	tetra_bw_put_bytes(&bw, msg, 3);
	tetra_bw_put(&bw, 1, 1);
	assert_int_equal(tetra_bw_error(&bw), 0);
	assert_int_equal(bw.pos, 28);
	assert_int_equal(tetra_bw_bytes(&bw), 4);

	tetra_br_init(&br, buf, bw.pos);
	assert_int_equal(tetra_br_get(&br, 3), 5);
	tetra_br_get_bytes(&br, out, 3);
	assert_memory_equal(out, msg, 3);
	assert_int_equal(tetra_br_get(&br, 1), 1);
	assert_int_equal(tetra_br_error(&br), 0);
}

static void test_writer_bounds(void **state)
{
	uint8_t buf[3] = { 0xEE, 0xEE, 0xEE };
	struct tetra_bitwriter bw;

	tetra_bw_init(&bw, buf, 2);
	tetra_bw_put(&bw, 0xFFFF, 16);
	tetra_bw_put(&bw, 1, 1);
	assert_int_equal(tetra_bw_error(&bw), TETRA_E_NO_SPACE);
	assert_int_equal(buf[2], 0xEE);	/* nothing written past the buffer */
}

static void test_round_trip_random(void **state)
{
	uint8_t buf[64];
	unsigned widths[200];
	uint64_t values[200];
	struct tetra_bitwriter bw;
	struct tetra_bitreader br;

	srand(1234);
	for (int round = 0; round < 2000; round++) {
		unsigned n = 0;
		tetra_bw_init(&bw, buf, sizeof(buf));
		while (n < 200) {
			unsigned w = 1 + rand() % 64;
			uint64_t v = ((uint64_t)rand() << 40) ^ ((uint64_t)rand() << 20) ^ rand();
			if (w < 64)
				v &= (UINT64_C(1) << w) - 1;
			if (bw.pos + w > bw.cap_bits)
				break;
			tetra_bw_put(&bw, v, w);
			widths[n] = w;
			values[n++] = v;
		}
		assert_int_equal(tetra_bw_error(&bw), 0);
		tetra_br_init(&br, buf, bw.pos);
		for (unsigned i = 0; i < n; i++)
			assert_true(tetra_br_get(&br, widths[i]) == values[i]);
		assert_int_equal(tetra_br_left(&br), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_fields),
		cmocka_unit_test(test_signed),
		cmocka_unit_test(test_bounds_are_the_bit_length),
		cmocka_unit_test(test_unaligned_bytes),
		cmocka_unit_test(test_writer_bounds),
		cmocka_unit_test(test_round_trip_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
