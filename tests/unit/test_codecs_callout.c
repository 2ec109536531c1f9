/* Call-out codec: the layout is configuration (unverified), so the tests
 * check that encode and decode follow whatever layout they are given: the
 * default bit for bit, a very different one by round trip, and that bad
 * configurations, values and truncated input are refused.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "codecs/bitio.h"
#include "codecs/callout.h"
#include "tests/lib/rng.h"

static struct tb_rng g_rng = { 0xD1B54A32D192ED03ull };

static uint64_t rnd(void)
{
	return tb_rng_next(&g_rng);
}

static unsigned rndn(unsigned n)
{
	return tb_rng_below(&g_rng, n);
}

/* Decode from a heap copy of exactly ceil(bit_len / 8) bytes. */
static int decode_exact(const struct tetra_callout_cfg *cfg, const uint8_t *pdu, size_t bit_len,
			struct tetra_callout_msg *out)
{
	size_t n = (bit_len + 7) / 8;
	uint8_t *copy = malloc(n);
	int rc;

	assert_non_null(copy);
	if (n)
		memcpy(copy, pdu, n);
	rc = tetra_callout_decode(cfg, copy, bit_len, out);
	free(copy);
	return rc;
}

static void assert_prefixes_truncated(const struct tetra_callout_cfg *cfg, const uint8_t *pdu, size_t from,
				      size_t bit_len)
{
	struct tetra_callout_msg out, untouched;

	memset(&untouched, 0x5A, sizeof(untouched));
	for (size_t len = from; len < bit_len; len++) {
		out = untouched;
		int rc = decode_exact(cfg, pdu, len, &out);
		if (rc != TETRA_E_TRUNCATED)
			fail_msg("prefix of %zu of %zu bits: rc %d", len, bit_len, rc);
		assert_memory_equal(&out, &untouched, sizeof(out));
	}
}

/* A very different layout: 8-bit message types, odd widths, reserved bits,
 * no text length (the text is the rest of the PDU). */
static struct tetra_callout_cfg other_cfg(void)
{
	struct tetra_callout_cfg c = {
		.pid = 0xD0,
		.msg_type_bits = 8,
		.msg_type_code = { [TETRA_CALLOUT_ALERT] = 0x41, [TETRA_CALLOUT_ACK] = 0x42 },
		.alert_type_code = { 5, 6, 7, 9 },
		.response_code = { 1, 2, 3, 4 },
		.layout = {
			[TETRA_CALLOUT_ALERT] = {
				{ TETRA_CO_F_RESERVED, 3 },
				{ TETRA_CO_F_ALERT_TYPE, 5 },
				{ TETRA_CO_F_NUMBER, 12 },
				{ TETRA_CO_F_SEVERITY, 3 },
				{ TETRA_CO_F_SUBADDR_COUNT, 3 },
				{ TETRA_CO_F_SUBADDRS, 16 },
				{ TETRA_CO_F_TEXT, 0 },
			},
			[TETRA_CALLOUT_ACK] = {
				{ TETRA_CO_F_NUMBER, 12 },
				{ TETRA_CO_F_RESERVED, 4 },
				{ TETRA_CO_F_RESPONSE, 8 },
			},
		},
	};
	return c;
}

static void random_alert(struct tetra_callout_alert *a, unsigned number_bits, unsigned severity_bits,
			 unsigned max_subaddr)
{
	memset(a, 0, sizeof(*a));
	a->number = (uint16_t)(rnd() & ((1u << number_bits) - 1));
	a->severity = (uint8_t)(rnd() & ((1u << severity_bits) - 1));
	a->alert_type = (uint8_t)rndn(_TETRA_CALLOUT_ALERT_TYPES);
	a->n_subaddr = (uint8_t)rndn(max_subaddr + 1);
	for (unsigned i = 0; i < a->n_subaddr; i++)
		a->subaddr[i] = (uint16_t)rnd();
	a->text_len = (uint8_t)rndn(TETRA_CALLOUT_TEXT_MAX + 1);
	for (unsigned i = 0; i < a->text_len; i++)
		a->text[i] = (uint8_t)(0x20 + rndn(0xE0));	/* 8859-1, æøå included */
}

static void assert_alert_equal(const struct tetra_callout_alert *a, const struct tetra_callout_alert *b)
{
	assert_int_equal(a->number, b->number);
	assert_int_equal(a->severity, b->severity);
	assert_int_equal(a->alert_type, b->alert_type);
	assert_int_equal(a->n_subaddr, b->n_subaddr);
	assert_memory_equal(a->subaddr, b->subaddr, a->n_subaddr * sizeof(a->subaddr[0]));
	assert_int_equal(a->text_len, b->text_len);
	assert_memory_equal(a->text, b->text, a->text_len);
}

static void test_default_cfg(void **state)
{
	assert_int_equal(tetra_callout_default_cfg.pid, 0xC3);
	assert_int_equal(tetra_callout_cfg_check(&tetra_callout_default_cfg), 0);
	struct tetra_callout_cfg c = other_cfg();
	assert_int_equal(tetra_callout_cfg_check(&c), 0);
}

/* The default layout, bit for bit (as documented in callout.h). */
static void test_default_layout_bits(void **state)
{
	struct tetra_callout_alert a = {
		.number = 0x1234, .severity = 2, .alert_type = TETRA_CALLOUT_STORM,
		.n_subaddr = 1, .subaddr = { 0xABCD }, .text_len = 3, .text = { 'H', 0xE6, '!' },
	};
	static const uint8_t want[] = { 0x01, 0x23, 0x42, 0x11, 0xAB, 0xCD, 0x03, 'H', 0xE6, '!' };
	uint8_t buf[64];
	size_t bits;
	struct tetra_callout_msg m;

	assert_int_equal(tetra_callout_encode_alert(&tetra_callout_default_cfg, &a, buf, sizeof(buf), &bits), 0);
	assert_int_equal(bits, 80);
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(decode_exact(&tetra_callout_default_cfg, buf, bits, &m), 0);
	assert_int_equal(m.kind, TETRA_CALLOUT_ALERT);
	assert_alert_equal(&m.alert, &a);
	assert_string_equal(tetra_callout_alert_type_name(m.alert.alert_type), "storm plan");

	struct tetra_callout_ack k = { .number = 0x1234, .response = TETRA_CALLOUT_STANDBY };
	memset(buf, 0xFF, sizeof(buf));
	assert_int_equal(tetra_callout_encode_ack(&tetra_callout_default_cfg, &k, buf, sizeof(buf), &bits), 0);
	assert_int_equal(bits, 24);
	assert_int_equal(buf[0], 0x11);
	assert_int_equal(buf[1], 0x23);
	assert_int_equal(buf[2], 0x41);
	assert_int_equal(decode_exact(&tetra_callout_default_cfg, buf, bits, &m), 0);
	assert_int_equal(m.kind, TETRA_CALLOUT_ACK);
	assert_int_equal(m.ack.number, 0x1234);
	assert_int_equal(m.ack.response, TETRA_CALLOUT_STANDBY);
	assert_string_equal(tetra_callout_response_name(m.ack.response), "standby");
}

static void test_round_trip_default(void **state)
{
	for (int i = 0; i < 5000; i++) {
		struct tetra_callout_alert a;
		struct tetra_callout_msg m;
		uint8_t buf[256];
		size_t bits;

		random_alert(&a, 16, 4, TETRA_CALLOUT_MAX_SUBADDR);
		assert_int_equal(tetra_callout_encode_alert(&tetra_callout_default_cfg, &a, buf, sizeof(buf), &bits), 0);
		assert_int_equal(bits, 4 + 16 + 4 + 4 + 4 + 16 * a.n_subaddr + 8 + 8 * a.text_len);
		assert_int_equal(decode_exact(&tetra_callout_default_cfg, buf, bits, &m), 0);
		assert_int_equal(m.kind, TETRA_CALLOUT_ALERT);
		assert_alert_equal(&m.alert, &a);
		if (i % 50 == 0)	/* with a text length, every prefix is short */
			assert_prefixes_truncated(&tetra_callout_default_cfg, buf, 0, bits);
	}
	for (uint8_t r = 0; r < _TETRA_CALLOUT_RESPONSES; r++) {
		struct tetra_callout_ack k = { .number = (uint16_t)rnd(), .response = r };
		struct tetra_callout_msg m;
		uint8_t buf[8];
		size_t bits;

		assert_int_equal(tetra_callout_encode_ack(&tetra_callout_default_cfg, &k, buf, sizeof(buf), &bits), 0);
		assert_int_equal(decode_exact(&tetra_callout_default_cfg, buf, bits, &m), 0);
		assert_int_equal(m.kind, TETRA_CALLOUT_ACK);
		assert_int_equal(m.ack.number, k.number);
		assert_int_equal(m.ack.response, r);
		assert_prefixes_truncated(&tetra_callout_default_cfg, buf, 0, bits);
	}
}

static void test_round_trip_other_cfg(void **state)
{
	struct tetra_callout_cfg c = other_cfg();

	for (int i = 0; i < 5000; i++) {
		struct tetra_callout_alert a;
		struct tetra_callout_msg m;
		uint8_t buf[256];
		size_t bits;

		random_alert(&a, 12, 3, 7);
		assert_int_equal(tetra_callout_encode_alert(&c, &a, buf, sizeof(buf), &bits), 0);
		size_t header = 8 + 3 + 5 + 12 + 3 + 3 + 16 * a.n_subaddr;
		assert_int_equal(bits, header + 8 * a.text_len);
		assert_int_equal(decode_exact(&c, buf, bits, &m), 0);
		assert_int_equal(m.kind, TETRA_CALLOUT_ALERT);
		assert_alert_equal(&m.alert, &a);
		/* the text is "the rest": only a cut header is truncation */
		if (i % 50 == 0)
			assert_prefixes_truncated(&c, buf, 0, header);
	}
	/* the codes are the configured ones */
	struct tetra_callout_alert a = { .number = 1, .alert_type = TETRA_CALLOUT_TEST };
	uint8_t buf[16];
	size_t bits;
	assert_int_equal(tetra_callout_encode_alert(&c, &a, buf, sizeof(buf), &bits), 0);
	assert_int_equal(buf[0], 0x41);
	assert_int_equal(buf[1], 9);	/* reserved 000, alert type 01001 */

	for (uint8_t r = 0; r < _TETRA_CALLOUT_RESPONSES; r++) {
		struct tetra_callout_ack k = { .number = (uint16_t)rndn(4096), .response = r };
		struct tetra_callout_msg m;

		assert_int_equal(tetra_callout_encode_ack(&c, &k, buf, sizeof(buf), &bits), 0);
		assert_int_equal(bits, 8 + 12 + 4 + 8);
		assert_int_equal(buf[0], 0x42);
		assert_int_equal(buf[3], r + 1);
		assert_int_equal(decode_exact(&c, buf, bits, &m), 0);
		assert_int_equal(m.kind, TETRA_CALLOUT_ACK);
		assert_int_equal(m.ack.number, k.number);
		assert_int_equal(m.ack.response, r);
		assert_prefixes_truncated(&c, buf, 0, bits);
	}
}

static void test_decode_refusals(void **state)
{
	const struct tetra_callout_cfg *d = &tetra_callout_default_cfg;
	struct tetra_callout_msg m;
	uint8_t buf[256] = { 0 };

	buf[0] = 0x20;	/* message type 2: neither alert nor ack */
	assert_int_equal(decode_exact(d, buf, 32, &m), TETRA_E_PDU_TYPE);
	assert_int_equal(decode_exact(d, buf, 3, &m), TETRA_E_TRUNCATED);

	/* alert type 5 is no configured code */
	memcpy(buf, (uint8_t[]){ 0x00, 0x00, 0x00, 0x50, 0x00 }, 5);
	assert_int_equal(decode_exact(d, buf, 40, &m), TETRA_E_RANGE);
	/* 9 sub-addresses */
	memcpy(buf, (uint8_t[]){ 0x00, 0x00, 0x00, 0x09 }, 4);
	assert_int_equal(decode_exact(d, buf, 256 * 8, &m), TETRA_E_RANGE);
	/* text length 95 */
	memcpy(buf, (uint8_t[]){ 0x00, 0x00, 0x00, 0x00, 95 }, 5);
	assert_int_equal(decode_exact(d, buf, 256 * 8, &m), TETRA_E_RANGE);
	/* ... but a length the input does not hold is truncation */
	memcpy(buf, (uint8_t[]){ 0x00, 0x00, 0x00, 0x00, 94 }, 5);
	assert_int_equal(decode_exact(d, buf, 40 + 93 * 8, &m), TETRA_E_TRUNCATED);
	assert_int_equal(decode_exact(d, buf, 40 + 94 * 8, &m), 0);
	assert_int_equal(m.alert.text_len, 94);

	/* unknown response code */
	buf[0] = 0x10; buf[1] = 0; buf[2] = 0x07;
	assert_int_equal(decode_exact(d, buf, 24, &m), TETRA_E_RANGE);

	/* "rest of the PDU" text longer than 94 octets */
	struct tetra_callout_cfg c = other_cfg();
	memset(buf, 0, sizeof(buf));
	buf[0] = 0x41; buf[1] = 5;
	/* header: type 8 + reserved 3 + alert type 5 + number 12 + severity 3 + count 3 = 34 bits */
	assert_int_equal(decode_exact(&c, buf, 34 + 8 * 94, &m), 0);
	assert_int_equal(m.alert.text_len, 94);
	assert_int_equal(decode_exact(&c, buf, 34 + 8 * 95, &m), TETRA_E_RANGE);
	assert_int_equal(decode_exact(&c, buf, 34 + 8 * 94 + 7, &m), 0);	/* pad bits ignored */
	assert_int_equal(m.alert.text_len, 94);
}

static void test_encode_refusals(void **state)
{
	const struct tetra_callout_cfg *d = &tetra_callout_default_cfg;
	struct tetra_callout_cfg c = other_cfg();
	struct tetra_callout_alert a = { .number = 1 };
	uint8_t buf[256];
	size_t bits;

	a.text_len = 95;
	assert_int_equal(tetra_callout_encode_alert(d, &a, buf, sizeof(buf), &bits), TETRA_E_INVALID);
	a.text_len = 0;
	a.alert_type = 4;
	assert_int_equal(tetra_callout_encode_alert(d, &a, buf, sizeof(buf), &bits), TETRA_E_INVALID);
	a.alert_type = 0;
	a.severity = 16;	/* 4 bits */
	assert_int_equal(tetra_callout_encode_alert(d, &a, buf, sizeof(buf), &bits), TETRA_E_INVALID);
	a.severity = 0;
	a.number = 4096;	/* 12 bits */
	assert_int_equal(tetra_callout_encode_alert(&c, &a, buf, sizeof(buf), &bits), TETRA_E_INVALID);
	a.number = 1;
	a.n_subaddr = 8;	/* 3-bit count */
	assert_int_equal(tetra_callout_encode_alert(&c, &a, buf, sizeof(buf), &bits), TETRA_E_INVALID);
	a.n_subaddr = 9;
	assert_int_equal(tetra_callout_encode_alert(d, &a, buf, sizeof(buf), &bits), TETRA_E_INVALID);
	a.n_subaddr = 0;
	assert_int_equal(tetra_callout_encode_alert(d, &a, buf, 4, &bits), TETRA_E_NO_SPACE);
	assert_int_equal(tetra_callout_encode_alert(d, &a, buf, 5, &bits), 0);

	/* a layout without sub-addresses or text cannot carry them */
	struct tetra_callout_cfg bare = *d;
	memset(bare.layout[TETRA_CALLOUT_ALERT], 0, sizeof(bare.layout[0]));
	bare.layout[TETRA_CALLOUT_ALERT][0] = (struct tetra_callout_field){ TETRA_CO_F_NUMBER, 16 };
	assert_int_equal(tetra_callout_encode_alert(&bare, &a, buf, sizeof(buf), &bits), 0);
	a.n_subaddr = 1;
	assert_int_equal(tetra_callout_encode_alert(&bare, &a, buf, sizeof(buf), &bits), TETRA_E_INVALID);
	a.n_subaddr = 0;
	a.text_len = 1;
	assert_int_equal(tetra_callout_encode_alert(&bare, &a, buf, sizeof(buf), &bits), TETRA_E_INVALID);

	struct tetra_callout_ack k = { .response = 4 };
	assert_int_equal(tetra_callout_encode_ack(d, &k, buf, sizeof(buf), &bits), TETRA_E_INVALID);
}

static void test_cfg_check(void **state)
{
	struct tetra_callout_cfg c;
	struct tetra_callout_msg m;
	uint8_t buf[8] = { 0 };

#define BAD(...) do {							\
		c = tetra_callout_default_cfg;					\
		__VA_ARGS__;							\
		assert_int_equal(tetra_callout_cfg_check(&c), TETRA_E_INVALID); \
		assert_int_equal(tetra_callout_decode(&c, buf, 64, &m), TETRA_E_INVALID); \
	} while (0)

	BAD(c.msg_type_bits = 0);
	BAD(c.msg_type_bits = 9);
	BAD(c.msg_type_code[1] = c.msg_type_code[0]);
	BAD(c.msg_type_code[1] = 16);			/* does not fit 4 bits */
	BAD(c.alert_type_code[3] = c.alert_type_code[0]);
	BAD(c.response_code[2] = 16);
	BAD(c.layout[0][0].width = 17);			/* number over 16 bits */
	BAD(c.layout[0][0].width = 0);
	BAD(c.layout[0][1].id = _TETRA_CO_F_COUNT);	/* unknown field */
	BAD(c.layout[0][1].id = TETRA_CO_F_RESPONSE);	/* not in an alert */
	BAD(c.layout[1][1].id = TETRA_CO_F_SEVERITY);	/* not in an ack */
	BAD(c.layout[0][1].id = TETRA_CO_F_NUMBER);	/* twice */
	BAD(c.layout[0][3] = c.layout[0][4]);		/* sub-addresses without their count */
	BAD(c.layout[0][7] = (struct tetra_callout_field){ TETRA_CO_F_RESERVED, 4 }); /* after the text */
	BAD(c.layout[0][6] = (struct tetra_callout_field){ TETRA_CO_F_END, 0 });	/* length without text */
	BAD(c.layout[0][6].width = 8);			/* text has no width */
#undef BAD
	assert_int_equal(tetra_callout_cfg_check(NULL), TETRA_E_INVALID);
}

static void test_names(void **state)
{
	for (uint8_t i = 0; i < _TETRA_CO_F_COUNT; i++)
		assert_int_equal(tetra_callout_field_by_name(tetra_callout_field_name(i)), i);
	assert_int_equal(tetra_callout_field_by_name("nonsense"), -1);
	assert_string_equal(tetra_callout_field_name(200), "unlisted");
	assert_string_equal(tetra_callout_alert_type_name(TETRA_CALLOUT_TEST), "test");
	assert_string_equal(tetra_callout_alert_type_name(9), "unlisted");
	assert_string_equal(tetra_callout_response_name(TETRA_CALLOUT_TEST_OK), "test OK");
	assert_string_equal(tetra_callout_response_name(TETRA_CALLOUT_REJECT), "reject");
}

static void test_decode_never_overreads(void **state)
{
	struct tetra_callout_cfg c = other_cfg();

	for (int i = 0; i < 20000; i++) {
		uint8_t buf[160];
		struct tetra_callout_msg m;
		size_t bits = rndn(sizeof(buf) * 8);

		for (size_t k = 0; k < sizeof(buf); k++)
			buf[k] = (uint8_t)rnd();
		if (i & 1)
			buf[0] = (uint8_t)(0x41 + rndn(2));
		else
			buf[0] &= 0x1F;
		int rc = decode_exact(i & 1 ? &c : &tetra_callout_default_cfg, buf, bits, &m);
		assert_true(rc == 0 || rc == TETRA_E_TRUNCATED || rc == TETRA_E_PDU_TYPE || rc == TETRA_E_RANGE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_cfg),
		cmocka_unit_test(test_default_layout_bits),
		cmocka_unit_test(test_round_trip_default),
		cmocka_unit_test(test_round_trip_other_cfg),
		cmocka_unit_test(test_decode_refusals),
		cmocka_unit_test(test_encode_refusals),
		cmocka_unit_test(test_cfg_check),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_decode_never_overreads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
