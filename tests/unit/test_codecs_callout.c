/* Call-out codec (codecs/callout.h): the captured alert decodes to the
 * values public decoders give for it; alerts, answers and unknown kinds
 * round-trip; every truncation is refused without touching the output;
 * octets the layout does not explain are kept; the encoder refuses what
 * it cannot carry.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "codecs/callout.h"
#include "tests/lib/rng.h"

static struct tb_rng g_rng = { 0xD1B54A32D192ED03ull };

static unsigned rndn(unsigned n)
{
	return tb_rng_below(&g_rng, n);
}

/* The captured alert (+CTSDSR: 12,262100101234567,1,262100102345678,1,824,1):
 * SDS-TL TRANSFER C3 00 11, then the call-out payload. */
static const uint8_t captured_sds[] = {
	0xC3, 0x00, 0x11, 0x0D, 0x16, 0x57, 0x11, 0x11, 0x04, 0x14, 0x4C, 0x15, 0x5D, 0xFF,
	'T', 'e', 's', 't', 0xFE, 0x0A,
	'T', 'e', 's', 't', 'T', 'e', 's', 't', 'T', 'e', 's', 't', 'T', 'e', 's', 't', 'T', 'e', 's', 't',
	'T', 'e', 's', 't', 'T', 'e', 's', 't', 'T', 'e', 's', 't', 'T', 'e', 's', 't', 0x0A,
	'T', 'e', 's', 't', 'T', 'e', 's', 't', 'T', 'e', 's', 't', 0x0A,
	'T', 'e', 's', 't', 'T', 'e', 's', 't', 'T', 'e', 's', 't', 'T', 'e', 's', 't', 'T', 'e', 's', 't',
	'T', 'e', 's', 't', 'T', 'e', 's', 't', 0x0A,
	'T', 'e', 's', 't',
};
#define CAPTURED_TEXT "Test\xFE\nTestTestTestTestTestTestTestTestTest\nTestTestTest\n" \
		      "TestTestTestTestTestTestTest\nTest"
#define PAYLOAD_OFFSET 3	/* after C3 | flags | msgref */

/* Decode from a heap copy of exactly len octets (ASan sees any overread). */
static int decode_exact(const uint8_t *payload, size_t len, struct tetra_callout_msg *out, uint8_t **copy)
{
	*copy = malloc(len ? len : 1);
	assert_non_null(*copy);
	if (len)
		memcpy(*copy, payload, len);
	return tetra_callout_decode(*copy, len, out);
}

static void assert_same_msg(const struct tetra_callout_msg *a, const struct tetra_callout_msg *b)
{
	assert_int_equal(a->lead, b->lead);
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->number, b->number);
	assert_int_equal(a->severity, b->severity);
	assert_int_equal(a->has_sender, b->has_sender);
	assert_int_equal(a->sender_subaddr, b->sender_subaddr);
	assert_int_equal(a->n_receivers, b->n_receivers);
	for (unsigned i = 0; i < a->n_receivers; i++)
		assert_int_equal(a->receivers[i], b->receivers[i]);
	assert_int_equal(a->text_len, b->text_len);
	if (a->text_len)
		assert_memory_equal(a->text, b->text, a->text_len);
	assert_int_equal(a->rest_len, b->rest_len);
	if (a->rest_len)
		assert_memory_equal(a->rest, b->rest, a->rest_len);
}

static void test_captured_alert(void **state)
{
	const uint8_t *payload = captured_sds + PAYLOAD_OFFSET;
	size_t len = sizeof(captured_sds) - PAYLOAD_OFFSET;
	struct tetra_callout_msg m;
	uint8_t *copy, enc[256];

	assert_int_equal(sizeof(captured_sds) * 8, 824);
	assert_int_equal(decode_exact(payload, len, &m, &copy), 0);
	assert_int_equal(m.lead, 0x0D);
	assert_int_equal(m.kind, TETRA_CALLOUT_KIND_ALERT);
	assert_int_equal(m.number, 0x65);
	assert_int_equal(m.severity, 7);
	assert_true(m.has_sender);
	assert_int_equal(m.sender_subaddr, 0x1111);
	assert_int_equal(m.n_receivers, 2);
	assert_int_equal(m.receivers[0], 0x144C);
	assert_int_equal(m.receivers[1], 0x155D);
	assert_int_equal(m.text_len, strlen(CAPTURED_TEXT));
	assert_memory_equal(m.text, CAPTURED_TEXT, m.text_len);	/* 0xFE and LF kept as octets */
	assert_ptr_equal(m.text, copy + 11);			/* into the payload */
	assert_int_equal(m.rest_len, 0);
	assert_string_equal(tetra_callout_kind_name(m.kind), "alert");

	/* ... and encodes back to the same octets */
	assert_int_equal(tetra_callout_encode(&m, enc, sizeof(enc)), (int)len);
	assert_memory_equal(enc, payload, len);
	free(copy);
}

/* Every prefix that ends before the text is refused, *out untouched. */
static void test_every_truncation(void **state)
{
	const uint8_t *payload = captured_sds + PAYLOAD_OFFSET;
	struct tetra_callout_msg out, untouched;
	const uint8_t answer[] = { 0x01, 0x36, 0x52, 0xFF, 'J', 'a' };
	uint8_t *copy;

	memset(&untouched, 0x5A, sizeof(untouched));
	/* lead .. receivers: 3 + 3 + 4 octets */
	for (size_t len = 0; len < 10; len++) {
		out = untouched;
		int rc = decode_exact(payload, len, &out, &copy);
		free(copy);
		if (rc != TETRA_E_TRUNCATED)
			fail_msg("prefix of %zu octets: rc %d", len, rc);
		assert_memory_equal(&out, &untouched, sizeof(out));
	}
	/* From there on the prefix decodes: no separator yet (nothing after the
	 * receivers), then the text cut short. */
	assert_int_equal(decode_exact(payload, 10, &out, &copy), 0);
	assert_int_equal(out.n_receivers, 2);
	assert_int_equal(out.text_len, 0);
	assert_int_equal(out.rest_len, 0);
	free(copy);
	for (size_t len = 11; len <= sizeof(captured_sds) - PAYLOAD_OFFSET; len++) {
		assert_int_equal(decode_exact(payload, len, &out, &copy), 0);
		assert_int_equal(out.text_len, len - 11);
		free(copy);
	}
	/* an answer: only the three octets of its head are needed */
	for (size_t len = 0; len < 3; len++) {
		out = untouched;
		assert_int_equal(decode_exact(answer, len, &out, &copy), TETRA_E_TRUNCATED);
		free(copy);
		assert_memory_equal(&out, &untouched, sizeof(out));
	}
	assert_int_equal(decode_exact(answer, 3, &out, &copy), 0);
	assert_int_equal(out.kind, TETRA_CALLOUT_KIND_ANSWER);
	assert_int_equal(out.text_len, 0);
	free(copy);
}

/* Answers: number and severity; the text after an 0xFF, or without one. */
static void test_answers(void **state)
{
	const uint8_t with_ff[] = { 0x01, 0x36, 0x52, 0xFF, 'J', 'a', ' ', 0xE6 };
	const uint8_t without_ff[] = { 0x0D, 0x30, 0x13, 'N', 'e', 'i' };
	const uint8_t only_ff[] = { 0x0D, 0x30, 0x13, 0xFF };
	struct tetra_callout_msg m;
	uint8_t *copy, enc[32];

	assert_int_equal(decode_exact(with_ff, sizeof(with_ff), &m, &copy), 0);
	assert_int_equal(m.lead, 0x01);
	assert_int_equal(m.kind, TETRA_CALLOUT_KIND_ANSWER);
	assert_string_equal(tetra_callout_kind_name(m.kind), "answer");
	assert_int_equal(m.number, 0x65);
	assert_int_equal(m.severity, 2);
	assert_false(m.has_sender);
	assert_int_equal(m.n_receivers, 0);
	assert_int_equal(m.text_len, 4);
	assert_memory_equal(m.text, "Ja \xE6", 4);
	assert_int_equal(m.rest_len, 0);
	assert_int_equal(tetra_callout_encode(&m, enc, sizeof(enc)), (int)sizeof(with_ff));
	assert_memory_equal(enc, with_ff, sizeof(with_ff));
	free(copy);

	assert_int_equal(decode_exact(without_ff, sizeof(without_ff), &m, &copy), 0);
	assert_int_equal(m.number, 0x01);
	assert_int_equal(m.severity, 3);
	assert_int_equal(m.text_len, 3);
	assert_memory_equal(m.text, "Nei", 3);
	/* the encoder writes the separator (as the alert has it) */
	assert_int_equal(tetra_callout_encode(&m, enc, sizeof(enc)), 7);
	assert_int_equal(enc[3], 0xFF);
	free(copy);

	assert_int_equal(decode_exact(only_ff, sizeof(only_ff), &m, &copy), 0);
	assert_int_equal(m.text_len, 0);
	assert_int_equal(m.rest_len, 0);
	assert_int_equal(tetra_callout_encode(&m, enc, sizeof(enc)), 3);
	free(copy);
}

/* What the layout does not explain is kept: an alert without the 0xFF, a
 * kind nobody described. */
static void test_rest_kept(void **state)
{
	const uint8_t no_ff[] = { 0x0D, 0x16, 0x57, 0x11, 0x11, 0x02, 0x14, 0x4C, 0x41, 0x42 };
	const uint8_t other_kind[] = { 0x0D, 0x26, 0x57, 0x99, 0xFF, 0x00 };
	const uint8_t short_other[] = { 0x0D, 0xF0, 0x0F };
	struct tetra_callout_msg m;
	uint8_t *copy, enc[32];

	assert_int_equal(decode_exact(no_ff, sizeof(no_ff), &m, &copy), 0);
	assert_int_equal(m.n_receivers, 1);
	assert_int_equal(m.receivers[0], 0x144C);
	assert_int_equal(m.text_len, 0);
	assert_int_equal(m.rest_len, 2);
	assert_ptr_equal(m.rest, copy + 8);
	assert_int_equal(tetra_callout_encode(&m, enc, sizeof(enc)), (int)sizeof(no_ff));
	assert_memory_equal(enc, no_ff, sizeof(no_ff));
	free(copy);

	assert_int_equal(decode_exact(other_kind, sizeof(other_kind), &m, &copy), 0);
	assert_int_equal(m.kind, 2);
	assert_string_equal(tetra_callout_kind_name(m.kind), "unknown");
	assert_int_equal(m.number, 0x65);
	assert_int_equal(m.severity, 7);
	assert_false(m.has_sender);
	assert_int_equal(m.text_len, 0);
	assert_int_equal(m.rest_len, 3);
	assert_memory_equal(m.rest, other_kind + 3, 3);
	assert_int_equal(tetra_callout_encode(&m, enc, sizeof(enc)), (int)sizeof(other_kind));
	assert_memory_equal(enc, other_kind, sizeof(other_kind));
	free(copy);

	assert_int_equal(decode_exact(short_other, sizeof(short_other), &m, &copy), 0);
	assert_int_equal(m.kind, 15);
	assert_int_equal(m.number, 0x00);
	assert_int_equal(m.severity, 15);
	assert_int_equal(m.rest_len, 0);
	free(copy);
}

/* Receiver octet counts the layout cannot hold. */
static void test_decode_refusals(void **state)
{
	uint8_t odd[] = { 0x0D, 0x16, 0x57, 0x11, 0x11, 0x03, 0x14, 0x4C, 0x15, 0xFF };
	uint8_t many[3 + 3 + 66 + 1];
	struct tetra_callout_msg out, untouched;
	uint8_t *copy;

	memset(&untouched, 0x5A, sizeof(untouched));
	out = untouched;
	assert_int_equal(decode_exact(odd, sizeof(odd), &out, &copy), TETRA_E_RANGE);
	free(copy);
	assert_memory_equal(&out, &untouched, sizeof(out));

	memset(many, 0x22, sizeof(many));
	memcpy(many, "\x0D\x16\x57\x11\x11", 5);
	many[5] = 66;	/* 33 receivers */
	many[sizeof(many) - 1] = 0xFF;
	assert_int_equal(decode_exact(many, sizeof(many), &out, &copy), TETRA_E_RANGE);
	free(copy);
	assert_memory_equal(&out, &untouched, sizeof(out));
	many[5] = 64;	/* 32: fine, the two octets left are the rest */
	assert_int_equal(decode_exact(many, sizeof(many), &out, &copy), 0);
	assert_int_equal(out.n_receivers, 32);
	assert_int_equal(out.rest_len, 3);
	free(copy);

	assert_int_equal(tetra_callout_decode(NULL, 3, &out), TETRA_E_INVALID);
	assert_int_equal(tetra_callout_decode(odd, sizeof(odd), NULL), TETRA_E_INVALID);
	assert_int_equal(tetra_callout_decode(NULL, 0, &out), TETRA_E_TRUNCATED);
}

static void test_encode_refusals(void **state)
{
	uint8_t text[TETRA_CALLOUT_TEXT_MAX + 1], enc[256];
	const uint8_t ff_rest[] = { 0xFF, 0x01 };
	struct tetra_callout_msg alert = {
		.lead = 0x0D, .kind = TETRA_CALLOUT_KIND_ALERT, .number = 1, .severity = 1,
		.has_sender = true, .sender_subaddr = 1, .text = text, .text_len = TETRA_CALLOUT_TEXT_MAX,
	}, m;

	memset(text, 'x', sizeof(text));
	assert_int_equal(tetra_callout_encode(&alert, enc, sizeof(enc)), 3 + 3 + 1 + TETRA_CALLOUT_TEXT_MAX);
	/* every output size short of the whole */
	for (size_t n = 0; n < 3 + 3 + 1 + TETRA_CALLOUT_TEXT_MAX; n++)
		assert_int_equal(tetra_callout_encode(&alert, enc, n), TETRA_E_NO_SPACE);
	m = alert;
	m.text_len = TETRA_CALLOUT_TEXT_MAX + 1;
	assert_int_equal(tetra_callout_encode(&m, enc, sizeof(enc)), TETRA_E_TOO_LONG);
	m = alert;
	m.kind = 16;
	assert_int_equal(tetra_callout_encode(&m, enc, sizeof(enc)), TETRA_E_INVALID);
	m = alert;
	m.severity = 16;
	assert_int_equal(tetra_callout_encode(&m, enc, sizeof(enc)), TETRA_E_INVALID);
	m = alert;
	m.n_receivers = TETRA_CALLOUT_MAX_RECEIVERS + 1;
	assert_int_equal(tetra_callout_encode(&m, enc, sizeof(enc)), TETRA_E_INVALID);
	m = alert;
	m.has_sender = false;
	assert_int_equal(tetra_callout_encode(&m, enc, sizeof(enc)), TETRA_E_INVALID);
	m = alert;
	m.rest = ff_rest + 1;
	m.rest_len = 1;	/* text and rest together */
	assert_int_equal(tetra_callout_encode(&m, enc, sizeof(enc)), TETRA_E_INVALID);
	m.text_len = 0;
	m.rest = ff_rest;
	m.rest_len = 2;	/* would read back as a separator */
	assert_int_equal(tetra_callout_encode(&m, enc, sizeof(enc)), TETRA_E_INVALID);
	m = alert;
	m.text = NULL;
	assert_int_equal(tetra_callout_encode(&m, enc, sizeof(enc)), TETRA_E_INVALID);

	m = alert;
	m.kind = TETRA_CALLOUT_KIND_ANSWER;	/* with a sender */
	assert_int_equal(tetra_callout_encode(&m, enc, sizeof(enc)), TETRA_E_INVALID);
	m.has_sender = false;
	assert_int_equal(tetra_callout_encode(&m, enc, sizeof(enc)), 3 + 1 + TETRA_CALLOUT_TEXT_MAX);
	m.rest = ff_rest + 1;
	m.rest_len = 1;
	assert_int_equal(tetra_callout_encode(&m, enc, sizeof(enc)), TETRA_E_INVALID);
	m = alert;
	m.kind = 5;
	m.has_sender = false;	/* still with a text */
	assert_int_equal(tetra_callout_encode(&m, enc, sizeof(enc)), TETRA_E_INVALID);
	m.text_len = 0;
	m.n_receivers = 1;
	assert_int_equal(tetra_callout_encode(&m, enc, sizeof(enc)), TETRA_E_INVALID);
	m.n_receivers = 0;
	assert_int_equal(tetra_callout_encode(&m, enc, sizeof(enc)), 3);
	assert_int_equal(tetra_callout_encode(NULL, enc, sizeof(enc)), TETRA_E_INVALID);
	assert_int_equal(tetra_callout_encode(&alert, NULL, 10), TETRA_E_INVALID);
}

/* Random alerts, answers and other kinds: decode(encode(m)) == m. */
static void test_round_trips(void **state)
{
	uint8_t text[600], enc[1024];

	for (int i = 0; i < 20000; i++) {
		struct tetra_callout_msg m = { 0 }, back;
		int n;

		m.lead = (uint8_t)rndn(256);
		m.number = (uint8_t)rndn(256);
		m.severity = (uint8_t)rndn(16);
		for (size_t k = 0; k < sizeof(text); k++)
			text[k] = (uint8_t)rndn(256);
		switch (rndn(3)) {
		case 0:
			m.kind = TETRA_CALLOUT_KIND_ALERT;
			m.has_sender = true;
			m.sender_subaddr = (uint16_t)rndn(65536);
			m.n_receivers = (uint8_t)rndn(TETRA_CALLOUT_MAX_RECEIVERS + 1);
			for (unsigned k = 0; k < m.n_receivers; k++)
				m.receivers[k] = (uint16_t)rndn(65536);
			if (rndn(4) == 0) {
				text[0] = (uint8_t)rndn(255);	/* anything but the separator */
				m.rest = text;
				m.rest_len = 1 + rndn(40);
			} else {
				m.text = text;
				m.text_len = rndn(TETRA_CALLOUT_TEXT_MAX + 1);
			}
			break;
		case 1:
			m.kind = TETRA_CALLOUT_KIND_ANSWER;
			m.text = text;
			m.text_len = rndn(sizeof(text));
			break;
		default:
			do
				m.kind = (uint8_t)rndn(16);
			while (m.kind == TETRA_CALLOUT_KIND_ALERT || m.kind == TETRA_CALLOUT_KIND_ANSWER);
			m.rest = text;
			m.rest_len = rndn(sizeof(text));
			break;
		}
		n = tetra_callout_encode(&m, enc, sizeof(enc));
		assert_true(n >= 3);
		uint8_t *copy;
		assert_int_equal(decode_exact(enc, (size_t)n, &back, &copy), 0);
		assert_same_msg(&m, &back);
		free(copy);
	}
}

/* Arbitrary payloads: decode reads only its input, and what it decodes
 * encodes back to the same octets (an alert ending right after its
 * receivers gains its 0xFF). */
static void test_arbitrary_payloads(void **state)
{
	uint8_t buf[300], enc[1024];

	for (int i = 0; i < 20000; i++) {
		size_t len = rndn(sizeof(buf));
		struct tetra_callout_msg m;
		uint8_t *copy;
		int rc, n;

		for (size_t k = 0; k < len; k++)
			buf[k] = (uint8_t)rndn(256);
		if (len > 1 && rndn(2))
			buf[1] = (uint8_t)(TETRA_CALLOUT_KIND_ALERT << 4 | (buf[1] & 0x0F));
		if (len > 5 && rndn(2))
			buf[5] = (uint8_t)(2 * rndn(8));
		rc = decode_exact(buf, len, &m, &copy);
		if (rc == 0 && !(m.kind == TETRA_CALLOUT_KIND_ALERT && m.text_len > TETRA_CALLOUT_TEXT_MAX)) {
			n = tetra_callout_encode(&m, enc, sizeof(enc));
			if (m.kind == TETRA_CALLOUT_KIND_ALERT && !m.text_len && !m.rest_len &&
			    len == 6u + 2u * m.n_receivers) {
				assert_int_equal(n, (int)len + 1);
				assert_int_equal(enc[len], 0xFF);
			} else if (m.kind == TETRA_CALLOUT_KIND_ANSWER && len > 3 && buf[3] != 0xFF) {
				assert_int_equal(n, (int)len + 1);	/* the separator added */
				assert_memory_equal(enc + 4, buf + 3, len - 3);
			} else if (m.kind == TETRA_CALLOUT_KIND_ANSWER && len == 4) {
				assert_int_equal(n, 3);		/* a separator without text dropped */
			} else {
				assert_int_equal(n, (int)len);
				assert_memory_equal(enc, buf, len);
			}
		} else if (rc != 0) {
			assert_true(rc == TETRA_E_TRUNCATED || rc == TETRA_E_RANGE);
		}
		free(copy);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_captured_alert),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_rest_kept),
		cmocka_unit_test(test_decode_refusals),
		cmocka_unit_test(test_encode_refusals),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_arbitrary_payloads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
