/* SDS encoders: known vectors, hex, and round trips of thousands of
 * generated texts (immediate or not) through encode -> hex -> +CTSDSR
 * header -> decode -> reassembly; SDS-TL TRANSFERs around given octets
 * (the captured call-out alert of docs/protocol.md §9).
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

#include "codecs/bitio.h"
#include "codecs/concat.h"
#include "codecs/sds.h"
#include "codecs/sds_encode.h"
#include "codecs/sds_tl.h"
#include "codecs/text.h"
#include "tests/lib/rng.h"

static char *hex_of(const struct tetra_sds_pdu *pdu)
{
	static char buf[2 * TETRA_SDS_MAX_BYTES + 1];
	assert_true(tetra_sds_hex(pdu, buf, sizeof(buf)) >= 0);
	return buf;
}

/* The way the radio hands it back: hex line + bit length -> decode. */
static void decode_pdu(uint8_t ai, const struct tetra_sds_pdu *pdu, struct tetra_prim *out)
{
	const char *hex = hex_of(pdu);
	size_t n = (pdu->bits + 7u) / 8u;
	uint8_t *data = malloc(n ? n : 1);
	struct tetra_sds_header h;

	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;
		if (hex[2 * i + 1])
			sscanf(hex + 2 * i, "%2x", &v);
		else
			sscanf(hex + 2 * i, "%1x", &v), v <<= 4;
		data[i] = (uint8_t)v;
	}
	memset(&h, 0, sizeof(h));
	h.ai_service = ai;
	h.calling.type = TETRA_ID_SSI;
	h.calling.ssi = 2345678;
	h.called.type = TETRA_ID_SSI;
	h.called.ssi = 1234567;
	h.bit_len = pdu->bits;
	assert_int_equal(tetra_sds_decode(&h, data, n, out), 0);
	free(data);
}

static void test_status(void **state)
{
	struct tetra_sds_pdu pdu;
	struct tetra_prim p;

	assert_int_equal(tetra_status_encode(0x8004, &pdu), 0);
	assert_int_equal(pdu.bits, 16);
	assert_string_equal(hex_of(&pdu), "8004");
	decode_pdu(TETRA_AI_STATUS, &pdu, &p);
	assert_int_equal(p.oph.primitive, TETRA_TNSDS_STATUS);
	assert_int_equal(p.u.status.value, 0x8004);

	for (uint32_t v = 0; v <= 0xFFFF; v += 37) {
		assert_int_equal(tetra_status_encode((uint16_t)v, &pdu), 0);
		decode_pdu(TETRA_AI_STATUS, &pdu, &p);
		if (tetra_sds_is_short_report((uint16_t)v)) {
			assert_int_equal(p.oph.primitive, TETRA_TNSDS_SHORT_REPORT);
			assert_int_equal(tetra_sds_short_report_value(p.u.short_report.report_type,
								      p.u.short_report.msg_ref), v);
		} else {
			assert_int_equal(p.oph.primitive, TETRA_TNSDS_STATUS);
			assert_int_equal(p.u.status.value, v);
		}
	}
}

static void test_report(void **state)
{
	struct tetra_sds_pdu pdu;
	struct tetra_prim p;

	assert_int_equal(tetra_sds_encode_report(0x82, 0x00, 0xC9, &pdu), 0);
	assert_int_equal(pdu.bits, 32);
	assert_string_equal(hex_of(&pdu), "821000C9");
	assert_int_equal(tetra_sds_encode_report(0x02, 0x00, 0xC9, &pdu), TETRA_E_INVALID);

	for (unsigned pid = 0x80; pid <= 0xFF; pid += 5)
		for (unsigned st = 0; st <= 0xFF; st += 17) {
			assert_int_equal(tetra_sds_encode_report((uint8_t)pid, (uint8_t)st, (uint8_t)(pid ^ st), &pdu), 0);
			decode_pdu(TETRA_AI_SDS_TYPE4, &pdu, &p);
			assert_int_equal(p.oph.primitive, TETRA_TNSDS_REPORT);
			assert_int_equal(p.u.report.pid, pid);
			assert_int_equal(p.u.report.kind, TETRA_REPORT_SDS_REPORT);
			assert_false(p.u.report.ack_required);
			assert_false(p.u.report.storage);
			assert_int_equal(p.u.report.status, st);
			assert_int_equal(p.u.report.msg_ref, (uint8_t)(pid ^ st));
		}
}

static void test_hex(void **state)
{
	struct tetra_sds_pdu pdu;
	char buf[8];

	memset(&pdu, 0xFF, sizeof(pdu));
	pdu.data[0] = 0xAB;
	pdu.data[1] = 0xCD;
	pdu.bits = 11;		/* 3 digits; the bit past 11 in the last one is 0 */
	assert_int_equal(tetra_sds_hex(&pdu, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "ABC");
	pdu.bits = 9;		/* C = 1100: only its first bit counts */
	assert_int_equal(tetra_sds_hex(&pdu, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "AB8");
	pdu.bits = 0;
	assert_int_equal(tetra_sds_hex(&pdu, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	pdu.bits = 28;
	assert_int_equal(tetra_sds_hex(&pdu, buf, 7), TETRA_E_NO_SPACE);
	assert_int_equal(tetra_sds_hex(&pdu, buf, 8), 7);
	pdu.bits = 8 * TETRA_SDS_MAX_BYTES + 1;
	assert_int_equal(tetra_sds_hex(&pdu, buf, sizeof(buf)), TETRA_E_INVALID);
}

static void test_text_vector(void **state)
{
	struct tetra_sds_pdu parts[2];
	struct tetra_prim p;

	assert_int_equal(tetra_sds_encode_text("testmessage", 11, 0x9C, 0, 0, parts, 2), 1);
	assert_int_equal(parts[0].bits, 120);
	assert_string_equal(hex_of(&parts[0]), "82029C01746573746D657373616765");

	/* report requested, Norwegian letters, euro sign -> 8859-15 */
	assert_int_equal(tetra_sds_encode_text("\xE2\x82\xAC \xC3\xB8", 6, 0x01, 1, 0, parts, 2), 1);
	assert_string_equal(hex_of(&parts[0]), "8206010D" "A420F8");
	decode_pdu(TETRA_AI_SDS_TYPE4, &parts[0], &p);
	assert_int_equal(p.oph.primitive, TETRA_TNSDS_TEXT);
	assert_int_equal(p.u.text.tl.report_request, 1);
	assert_string_equal(p.u.text.text, "\xE2\x82\xAC \xC3\xB8");

	/* empty text */
	assert_int_equal(tetra_sds_encode_text("", 0, 0, 0, 0, parts, 1), 1);
	assert_string_equal(hex_of(&parts[0]), "82020001");
	assert_int_equal(tetra_sds_encode_text(NULL, 0, 0, 0, 0, parts, 1), 1);
}

static void test_text_errors(void **state)
{
	static struct tetra_sds_pdu parts[TETRA_CONCAT_MAX_PARTS + 1];
	static char big[17 * 245 + 1];

	assert_int_equal(tetra_sds_encode_text("a\xC3", 2, 0, 0, 0, parts, 2), TETRA_E_UNENCODABLE);
	assert_int_equal(tetra_sds_encode_text("a\0b", 3, 0, 0, 0, parts, 2), TETRA_E_UNENCODABLE);
	assert_int_equal(tetra_sds_encode_text("a", 1, 0, 4, 0, parts, 2), TETRA_E_INVALID);
	assert_int_equal(tetra_sds_encode_text(NULL, 1, 0, 0, 0, parts, 2), TETRA_E_INVALID);
	assert_int_equal(tetra_sds_encode_text("a", 1, 0, 0, 0, NULL, 2), TETRA_E_INVALID);
	assert_int_equal(tetra_sds_encode_text("a", 1, 0, 0, 0, parts, 0), TETRA_E_TOO_LONG);

	/* 8859-1: 251 characters fit one message, 252 need two parts of 245 */
	memset(big, 'a', sizeof(big) - 1);
	assert_int_equal(tetra_sds_encode_text(big, 251, 0, 0, 0, parts, 1), 1);
	assert_int_equal(parts[0].bits, 32 + 251 * 8);
	assert_int_equal(tetra_sds_encode_text(big, 252, 0, 0, 0, parts, 1), TETRA_E_TOO_LONG);
	assert_int_equal(tetra_sds_encode_text(big, 252, 0, 0, 0, parts, 2), 2);
	assert_int_equal(parts[0].bits, 80 + 245 * 8);
	assert_int_equal(parts[1].bits, 80 + 7 * 8);
	/* 16 parts at most, whatever max_parts says */
	assert_int_equal(tetra_sds_encode_text(big, 16 * 245, 0, 0, 0, parts, 17), 16);
	assert_int_equal(tetra_sds_encode_text(big, 16 * 245 + 1, 0, 0, 0, parts, 17), TETRA_E_TOO_LONG);
	/* a 16-bit reference takes one octet more */
	assert_int_equal(tetra_sds_encode_text(big, 16 * 245, 0, 0, 256, parts, 17), TETRA_E_TOO_LONG);
	assert_int_equal(tetra_sds_encode_text(big, 16 * 244, 0, 0, 256, parts, 17), 16);
	assert_int_equal(parts[0].bits, 88 + 244 * 8);
	assert_memory_equal(hex_of(&parts[3]), "8A02030106080401001004", 22);
}

static void test_immediate_text_vector(void **state)
{
	static struct tetra_sds_pdu parts[2], plain[2];
	static char big[253];
	struct tetra_prim p;

	/* 6.2's example as immediate text: only the PID differs. */
	assert_int_equal(tetra_sds_encode_immediate_text("testmessage", 11, 0x9C, 0, 0, parts, 2), 1);
	assert_int_equal(parts[0].bits, 120);
	assert_string_equal(hex_of(&parts[0]), "89029C01746573746D657373616765");
	decode_pdu(TETRA_AI_SDS_TYPE4, &parts[0], &p);
	assert_int_equal(p.oph.primitive, TETRA_TNSDS_TEXT);
	assert_int_equal(p.u.text.pid, TETRA_PID_IMM_TEXT);
	assert_true(p.u.text.immediate);
	assert_string_equal(p.u.text.text, "testmessage");

	/* "received" and "consumed" asked: flags 0E, as for PID 0x82. */
	assert_int_equal(tetra_sds_encode_immediate_text("\xC3\xB8", 2, 0x01, 3, 0, parts, 2), 1);
	assert_string_equal(hex_of(&parts[0]), "890E0101F8");

	/* 251 octets fit one immediate message, 252 go as the 0x8A parts. */
	memset(big, 'a', sizeof(big) - 1);
	assert_int_equal(tetra_sds_encode_immediate_text(big, 251, 7, 1, 7, parts, 2), 1);
	assert_int_equal(parts[0].data[0], TETRA_PID_IMM_TEXT);
	assert_int_equal(parts[0].bits, 32 + 251 * 8);
	assert_int_equal(tetra_sds_encode_immediate_text(big, 252, 7, 1, 7, parts, 2), 2);
	assert_int_equal(tetra_sds_encode_text(big, 252, 7, 1, 7, plain, 2), 2);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(parts[i].data[0], TETRA_PID_TEXT_UDH);
		assert_int_equal(parts[i].bits, plain[i].bits);
		assert_memory_equal(parts[i].data, plain[i].data, (plain[i].bits + 7u) / 8u);
	}

	/* The same refusals as tetra_sds_encode_text(). */
	assert_int_equal(tetra_sds_encode_immediate_text("a\xC3", 2, 0, 0, 0, parts, 2), TETRA_E_UNENCODABLE);
	assert_int_equal(tetra_sds_encode_immediate_text("a", 1, 0, 4, 0, parts, 2), TETRA_E_INVALID);
	assert_int_equal(tetra_sds_encode_immediate_text("a", 1, 0, 0, 0, NULL, 2), TETRA_E_INVALID);
	assert_int_equal(tetra_sds_encode_immediate_text(big, 252, 0, 0, 0, parts, 1), TETRA_E_TOO_LONG);
}

static size_t unhex(const char *hex, uint8_t *out)
{
	size_t n = strlen(hex) / 2;

	for (size_t i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

/* The call-out alert captured from German traffic (docs/protocol.md §9):
 * SDS-TL header C3 00 11, then the call-out octets. */
static const char callout_alert[] =
	"C300110D1657111104144C155DFF54657374FE0A546573745465737454657374546573745465737454657374"
	"5465737454657374546573740A5465737454657374546573740A5465737454657374546573745465737454657374"
	"54657374546573740A54657374";

static void test_transfer(void **state)
{
	static uint8_t payload[TETRA_SDS_MAX_BYTES + 1];
	static struct tetra_sds_pdu pdu;
	struct tetra_bitreader br;
	struct tetra_sds_tl_hdr h;
	size_t n;

	/* Wrapping the capture's octets after its header gives the capture. */
	n = unhex(callout_alert + 6, payload);
	assert_int_equal(tetra_sds_encode_transfer(0xC3, 0, false, 0x11, payload, n, &pdu), 0);
	assert_int_equal(pdu.bits, 24 + 8 * n);
	assert_int_equal(pdu.bits, 824);	/* the length in the capture's +CTSDSR header */
	assert_string_equal(hex_of(&pdu), callout_alert);

	/* Every report request and flag reads back as written. */
	for (unsigned rr = 0; rr < 4; rr++)
		for (unsigned ss = 0; ss < 2; ss++) {
			assert_int_equal(tetra_sds_encode_transfer(0xC3, (uint8_t)rr, ss, (uint8_t)(0xF0 + rr), payload,
								   n, &pdu), 0);
			tetra_br_init(&br, pdu.data, pdu.bits);
			assert_int_equal(tetra_sds_tl_read(&br, &h), 0);
			assert_int_equal(h.pid, 0xC3);
			assert_int_equal(h.type, TETRA_SDS_TL_TRANSFER);
			assert_int_equal(h.tl.report_request, rr);
			assert_int_equal(h.tl.short_report_ok, ss);
			assert_false(h.tl.storage);
			assert_int_equal(h.tl.msg_ref, 0xF0 + rr);
			assert_int_equal(br.pos, 24);
			assert_memory_equal(pdu.data + 3, payload, n);
		}
	/* "both" asked, short form report bit 0: flags 0C. */
	assert_int_equal(tetra_sds_encode_transfer(0xC3, 3, false, 0x65, (const uint8_t *)"\x01\x02", 2, &pdu), 0);
	assert_string_equal(hex_of(&pdu), "C30C650102");

	/* Any SDS-TL PID; no payload is a header alone. */
	assert_int_equal(tetra_sds_encode_transfer(0x80, 1, true, 0, NULL, 0, &pdu), 0);
	assert_string_equal(hex_of(&pdu), "800600");
	assert_int_equal(tetra_sds_encode_transfer(0xFF, 0, false, 0xAB, payload, 1, &pdu), 0);
	assert_int_equal(pdu.bits, 32);

	/* One SDS: 252 octets are 2040 bits, 253 would be 2048. */
	memset(payload, 0x5A, sizeof(payload));
	assert_int_equal(TETRA_SDS_TRANSFER_MAX_OCTETS, 252);
	assert_int_equal(tetra_sds_encode_transfer(0xC3, 0, false, 1, payload, 252, &pdu), 0);
	assert_int_equal(pdu.bits, 2040);
	assert_true(pdu.bits <= TETRA_SDS_TYPE4_MAX_BITS);
	assert_int_equal(pdu.data[254], 0x5A);
	assert_int_equal(tetra_sds_encode_transfer(0xC3, 0, false, 1, payload, 253, &pdu), TETRA_E_TOO_LONG);
	assert_int_equal(tetra_sds_encode_transfer(0xC3, 0, false, 1, payload, sizeof(payload), &pdu),
			 TETRA_E_TOO_LONG);

	/* Refused. */
	assert_int_equal(tetra_sds_encode_transfer(0x43, 0, false, 1, payload, 4, &pdu), TETRA_E_INVALID);
	assert_int_equal(tetra_sds_encode_transfer(0xC3, 4, false, 1, payload, 4, &pdu), TETRA_E_INVALID);
	assert_int_equal(tetra_sds_encode_transfer(0xC3, 0, false, 1, NULL, 4, &pdu), TETRA_E_INVALID);
	assert_int_equal(tetra_sds_encode_transfer(0xC3, 0, false, 1, payload, 4, NULL), TETRA_E_INVALID);
}

/* ---- round trips --------------------------------------------------------- */

static struct tb_rng g_rng = { 1 };

static unsigned rnd(unsigned n)
{
	return tb_rng_below(&g_rng, n);
}

static const char *const latin[] = { "\xC3\xA6", "\xC3\xB8", "\xC3\xA5", "\xC3\x86", "\xC3\x98", "\xC3\x85" };
static const char *const euro = "\xE2\x82\xAC";
static const char *const other[] = { "\xC4\xB8" /* ĸ */, "\xCE\xA9" /* Ω */, "\xF0\x9F\x98\x80" /* 😀 */,
				     "\xF0\x9F\x9A\x91" /* 🚑 */ };

/* A random text of `chars` characters from the mix the flavour allows:
 * 0 ASCII, 1 + æøåÆØÅ, 2 + €, 3 + non-Latin (forces UTF-16). */
static size_t gen_text(char *out, unsigned chars, unsigned flavour)
{
	size_t n = 0;

	for (unsigned i = 0; i < chars; i++) {
		unsigned k = rnd(10);
		const char *s;
		char c[2] = { (char)(' ' + rnd(95)), 0 };
		if (flavour >= 3 && k == 0)
			s = other[rnd(4)];
		else if (flavour >= 2 && k == 1)
			s = euro;
		else if (flavour >= 1 && k <= 3)
			s = latin[rnd(6)];
		else
			s = c;
		memcpy(out + n, s, strlen(s));
		n += strlen(s);
	}
	out[n] = '\0';
	return n;
}

static void round_trip(const char *text, size_t len, uint16_t concat_ref, bool immediate,
		       struct tetra_concat_table *t)
{
	static struct tetra_sds_pdu plain[TETRA_CONCAT_MAX_PARTS];
	static struct tetra_sds_pdu parts[TETRA_CONCAT_MAX_PARTS];
	static struct tetra_concat_message whole;
	static struct tetra_prim p;
	uint8_t ref0 = (uint8_t)rnd(256), rr = (uint8_t)rnd(4);
	uint8_t coding = tetra_text_pick_coding(text, len);
	unsigned order[TETRA_CONCAT_MAX_PARTS];
	int n;

	if (immediate) {
		n = tetra_sds_encode_immediate_text(text, len, ref0, rr, concat_ref, parts, TETRA_CONCAT_MAX_PARTS);
		/* Parts of a long one are those of the plain text, octet for octet. */
		assert_int_equal(tetra_sds_encode_text(text, len, ref0, rr, concat_ref, plain, TETRA_CONCAT_MAX_PARTS),
				 n);
		for (int i = 1; n > 1 && i <= n; i++) {
			assert_int_equal(plain[i - 1].bits, parts[i - 1].bits);
			assert_memory_equal(plain[i - 1].data, parts[i - 1].data, (parts[i - 1].bits + 7u) / 8u);
		}
	} else {
		n = tetra_sds_encode_text(text, len, ref0, rr, concat_ref, parts, TETRA_CONCAT_MAX_PARTS);
	}
	if (n == TETRA_E_TOO_LONG) {
		/* must really need more than 16 parts: more than 16 * 245 octets coded */
		size_t coded = coding == TETRA_TEXT_UTF16BE ? 2 * len : len;
		assert_true(coded > 16 * 240);
		return;
	}
	assert_true(n >= 1);
	for (int i = 0; i < n; i++)
		assert_true(parts[i].bits <= TETRA_SDS_TYPE4_MAX_BITS);

	if (n == 1) {
		decode_pdu(TETRA_AI_SDS_TYPE4, &parts[0], &p);
		assert_int_equal(p.oph.primitive, TETRA_TNSDS_TEXT);
		assert_int_equal(p.u.text.pid, immediate ? 0x89 : 0x82);
		assert_int_equal(p.u.text.immediate, immediate);
		assert_int_equal(p.u.text.coding, coding);
		assert_int_equal(p.u.text.tl.msg_ref, ref0);
		assert_int_equal(p.u.text.tl.report_request, rr);
		assert_false(p.u.text.concat.present);
		assert_int_equal(p.u.text.replaced, 0);
		assert_int_equal(p.u.text.text_len, len);
		assert_memory_equal(p.u.text.text, text, len);
		return;
	}

	for (int i = 0; i < n; i++)
		order[i] = (unsigned)i;
	for (int i = n - 1; i > 0; i--) {
		unsigned j = rnd((unsigned)i + 1), x = order[i];
		order[i] = order[j];
		order[j] = x;
	}
	for (int k = 0; k < n; k++) {
		unsigned i = order[k];
		int rc;
		decode_pdu(TETRA_AI_SDS_TYPE4, &parts[i], &p);
		assert_int_equal(p.oph.primitive, TETRA_TNSDS_TEXT);
		assert_int_equal(p.u.text.pid, 0x8A);
		assert_false(p.u.text.immediate);
		assert_int_equal(p.u.text.coding, coding);
		assert_int_equal(p.u.text.tl.msg_ref, (uint8_t)(ref0 + i));
		assert_int_equal(p.u.text.replaced, 0);	/* no pair or character split */
		assert_true(p.u.text.concat.present);
		assert_int_equal(p.u.text.concat.ref, concat_ref);
		assert_int_equal(p.u.text.concat.total, n);
		assert_int_equal(p.u.text.concat.part, i + 1);
		/* every part but the last is full up to one character */
		if ((int)i + 1 < n)
			assert_true(parts[i].bits + (coding == TETRA_TEXT_UTF16BE ? 32 : 8) >
				    TETRA_SDS_TYPE4_MAX_BITS);
		rc = tetra_concat_add(t, &p.u.text, (uint64_t)k, &whole);
		assert_int_equal(rc, k + 1 == n ? 1 : 0);
	}
	assert_int_equal(whole.text_len, len);
	assert_memory_equal(whole.text, text, len);
	assert_int_equal(whole.head.pid, 0x8A);
	assert_int_equal(whole.head.hdr.calling.ssi, 2345678);
	assert_int_equal(tetra_concat_pending(t), 0);
}

static void test_text_round_trip(void **state)
{
	static char text[4 * 1400 + 1];
	struct tetra_concat_table *t = malloc(tetra_concat_table_size(2));
	unsigned multi = 0, utf16 = 0, imm = 0;

	tetra_concat_table_init(t, 2);
	for (int it = 0; it < 4000; it++) {
		unsigned flavour = rnd(4);
		unsigned chars = it % 8 == 0 ? rnd(1400) : rnd(300);
		size_t len = gen_text(text, chars, flavour);
		uint16_t ref = rnd(3) ? (uint16_t)rnd(256) : (uint16_t)(256 + rnd(65280));
		bool immediate = rnd(4) == 0;

		round_trip(text, len, ref, immediate, t);
		imm += immediate;
		if (tetra_text_pick_coding(text, len) == TETRA_TEXT_UTF16BE)
			utf16++;
		if (len > 245)
			multi++;
	}
	assert_true(multi > 300);
	assert_true(utf16 > 500);
	assert_true(imm > 500);
	free(t);
}

/* Surrogate pairs and multi-byte characters right at every split point. */
static void test_split_boundaries(void **state)
{
	static char text[1200];
	struct tetra_concat_table *t = malloc(tetra_concat_table_size(1));

	tetra_concat_table_init(t, 1);
	for (unsigned pad = 0; pad < 8; pad++) {
		size_t n = 0;
		/* UTF-16: 122 units per part; a pair straddles unit 121/122 for odd pads */
		for (unsigned i = 0; i < pad; i++)
			text[n++] = 'x';
		while (n < 1000) {
			memcpy(text + n, "\xF0\x9F\x98\x80", 4);
			n += 4;
		}
		round_trip(text, n, 0x42, pad % 2, t);
		/* 8859-1 with two-byte UTF-8 characters across the 245-octet split */
		n = 0;
		for (unsigned i = 0; i < pad; i++)
			text[n++] = 'y';
		while (n < 1100) {
			memcpy(text + n, "\xC3\xB8", 2);
			n += 2;
		}
		round_trip(text, n, 0x1234, pad % 2 == 0, t);
	}
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_text_vector),
		cmocka_unit_test(test_text_errors),
		cmocka_unit_test(test_immediate_text_vector),
		cmocka_unit_test(test_transfer),
		cmocka_unit_test(test_text_round_trip),
		cmocka_unit_test(test_split_boundaries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
