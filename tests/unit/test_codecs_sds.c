/* SDS dispatch and SDS-TL: the vectors of docs/protocol.md §11, every storage block form,
 * every truncated prefix (decoded from exact-size heap copies so ASan sees
 * over-reads), unknown PIDs, reserved values, in-place decoding, random
 * input.
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
#include "codecs/callout.h"
#include "codecs/lip.h"
#include "codecs/pei_urc.h"
#include "codecs/sds.h"
#include "codecs/sds_tl.h"

/* ---- helpers ------------------------------------------------------------ */

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = strlen(h) / 2;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(h + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
	return n;
}

/* +CTSDSR: <ai>,1234567,0,2345678,0,<bits> */
static struct tetra_sds_header mkhdr(uint8_t ai, uint16_t bits)
{
	struct tetra_sds_header h;

	memset(&h, 0, sizeof(h));
	h.ai_service = ai;
	h.calling.type = TETRA_ID_SSI;
	h.calling.ssi = 1234567;
	h.called.type = TETRA_ID_SSI;
	h.called.ssi = 2345678;
	h.bit_len = bits;
	return h;
}

/* Decode the first `bits` bits of buf from a heap copy of exactly
 * ceil(bits/8) bytes (unused bits zeroed). */
static int decode_exact(uint8_t ai, const uint8_t *buf, size_t bits, struct tetra_prim *out)
{
	struct tetra_sds_header h = mkhdr(ai, (uint16_t)bits);
	size_t n = (bits + 7) / 8;
	uint8_t *copy = n ? malloc(n) : NULL;
	int rc;

	if (n) {
		memcpy(copy, buf, n);
		if (bits & 7)
			copy[n - 1] &= (uint8_t)(0xFF << (8 - (bits & 7)));
	}
	memset(out, 0xA5, sizeof(*out));	/* garbage: the decoder must set what it reports */
	rc = tetra_sds_decode(&h, copy, n, out);
	free(copy);
	return rc;
}

static int decode_hex(const char *hex, size_t bits, struct tetra_prim *out)
{
	uint8_t buf[TETRA_SDS_MAX_BYTES];
	unhex(hex, buf);
	return decode_exact(TETRA_AI_SDS_TYPE4, buf, bits, out);
}

static void assert_prim(const struct tetra_prim *p, unsigned prim)
{
	assert_int_equal(p->oph.sap, TETRA_SAP_TNSDS);
	assert_int_equal(p->oph.operation, PRIM_OP_INDICATION);
	assert_int_equal(p->oph.primitive, prim);
}

static void assert_hdr(const struct tetra_sds_header *h, uint16_t bits)
{
	assert_int_equal(h->calling.ssi, 1234567);
	assert_int_equal(h->called.ssi, 2345678);
	assert_int_equal(h->bit_len, bits);
}

static void assert_unitdata(const struct tetra_prim *p, const uint8_t *buf, size_t bits, int err)
{
	size_t n = (bits + 7) / 8;

	assert_prim(p, TETRA_TNSDS_UNITDATA);
	assert_hdr(&p->u.unitdata.hdr, (uint16_t)bits);
	assert_int_equal(p->u.unitdata.decode_error, err);
	assert_int_equal(p->u.unitdata.len, n);
	if (n > 1)
		assert_memory_equal(p->u.unitdata.data, buf, n - 1);
	if (n) {
		uint8_t last = buf[n - 1];
		if (bits & 7)
			last &= (uint8_t)(0xFF << (8 - (bits & 7)));
		assert_int_equal(p->u.unitdata.data[n - 1], last);
	}
}

static void assert_text(const struct tetra_prim *p, const char *text)
{
	assert_prim(p, TETRA_TNSDS_TEXT);
	assert_int_equal(p->u.text.text_len, strlen(text));
	assert_string_equal(p->u.text.text, text);
}

/* ---- the vectors of docs/protocol.md §11 --------------------------------- */

static void test_simple_text(void **state)
{
	struct tetra_prim p;

	assert_int_equal(decode_hex("0201746573746D657373616765", 104, &p), 0);
	assert_text(&p, "testmessage");
	assert_hdr(&p.u.text.hdr, 104);
	assert_int_equal(p.u.text.pid, 0x02);
	assert_false(p.u.text.immediate);
	assert_int_equal(p.u.text.coding, 1);
	assert_false(p.u.text.tl.present);
	assert_int_equal(p.u.text.tl.forward.type, TETRA_ID_NONE);
	assert_false(p.u.text.ts.present);
	assert_false(p.u.text.concat.present);
	assert_int_equal(p.u.text.replaced, 0);

	/* simple immediate text; the fill bit set does not matter */
	assert_int_equal(decode_hex("0981746573746D657373616765", 104, &p), 0);
	assert_text(&p, "testmessage");
	assert_int_equal(p.u.text.pid, 0x09);
	assert_true(p.u.text.immediate);
	assert_int_equal(p.u.text.coding, 1);
}

static void test_transfer_text(void **state)
{
	struct tetra_prim p;

	assert_int_equal(decode_hex("82029C01746573746D657373616765", 120, &p), 0);
	assert_text(&p, "testmessage");
	assert_hdr(&p.u.text.hdr, 120);
	assert_int_equal(p.u.text.pid, 0x82);
	assert_false(p.u.text.immediate);
	assert_true(p.u.text.tl.present);
	assert_int_equal(p.u.text.tl.report_request, 0);
	assert_true(p.u.text.tl.short_report_ok);
	assert_false(p.u.text.tl.storage);
	assert_int_equal(p.u.text.tl.msg_ref, 0x9C);
	assert_int_equal(p.u.text.coding, 1);
	assert_false(p.u.text.ts.present);
	assert_false(p.u.text.concat.present);

	/* immediate text, report "received" requested */
	assert_int_equal(decode_hex("89069C01746573746D657373616765", 120, &p), 0);
	assert_text(&p, "testmessage");
	assert_int_equal(p.u.text.pid, 0x89);
	assert_true(p.u.text.immediate);
	assert_int_equal(p.u.text.tl.report_request, 1);
}

static void test_transfer_timestamp(void **state)
{
	struct tetra_prim p;

	assert_int_equal(decode_hex("82029C81045A8F746573746D657373616765", 144, &p), 0);
	assert_text(&p, "testmessage");
	assert_int_equal(p.u.text.tl.msg_ref, 0x9C);
	assert_int_equal(p.u.text.coding, 1);
	assert_true(p.u.text.ts.present);
	assert_int_equal(p.u.text.ts.timeframe, 0);
	assert_int_equal(p.u.text.ts.month, 4);
	assert_int_equal(p.u.text.ts.day, 11);
	assert_int_equal(p.u.text.ts.hour, 10);
	assert_int_equal(p.u.text.ts.minute, 15);
}

static void test_transfer_udh(void **state)
{
	struct tetra_prim p;

	assert_int_equal(decode_hex("8A02C981045A8F050003C90201746573746D657373616765", 192, &p), 0);
	assert_text(&p, "testmessage");
	assert_int_equal(p.u.text.pid, 0x8A);
	assert_int_equal(p.u.text.tl.msg_ref, 0xC9);
	assert_true(p.u.text.ts.present);
	assert_true(p.u.text.concat.present);
	assert_int_equal(p.u.text.concat.ref, 0xC9);
	assert_int_equal(p.u.text.concat.total, 2);
	assert_int_equal(p.u.text.concat.part, 1);

	/* 16-bit reference (IEI 0x08), no timestamp, an unrelated IE first */
	assert_int_equal(decode_hex("8A02C901" "0A" "7002AABB" "0804123403037878", 8 * 17, &p), 0);
	assert_text(&p, "xx");
	assert_int_equal(p.u.text.concat.ref, 0x1234);
	assert_int_equal(p.u.text.concat.total, 3);
	assert_int_equal(p.u.text.concat.part, 3);

	/* a user data header without concatenation */
	assert_int_equal(decode_hex("8A02C901" "00" "7878", 8 * 7, &p), 0);
	assert_text(&p, "xx");
	assert_false(p.u.text.concat.present);
}

static void test_udh_malformed(void **state)
{
	static const struct { const char *hex; int err; } v[] = {
		{ "8A02C901" "050003C90103" "78", TETRA_E_RANGE },	/* part 3 of 1 */
		{ "8A02C901" "050003C90200" "78", TETRA_E_RANGE },	/* part 0 */
		{ "8A02C901" "050003C90000" "78", TETRA_E_RANGE },	/* total 0 */
		{ "8A02C901" "050002C902" "7878", TETRA_E_RANGE },	/* concat IE of length 2 */
		{ "8A02C901" "040003C902" "7878", TETRA_E_RANGE },	/* IE longer than the UDH */
		{ "8A02C901" "01" "00" "7878", TETRA_E_RANGE },		/* UDH of 1 octet */
		{ "8A02C901" "FF0003C90201", TETRA_E_TRUNCATED },	/* UDH longer than the PDU */
	};
	struct tetra_prim p;
	uint8_t buf[64];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t n = unhex(v[i].hex, buf);
		assert_int_equal(decode_exact(TETRA_AI_SDS_TYPE4, buf, n * 8, &p), 0);
		assert_unitdata(&p, buf, n * 8, v[i].err);
	}
}

static void test_report_ack(void **state)
{
	struct tetra_prim p;

	assert_int_equal(decode_hex("821000C9", 32, &p), 0);
	assert_prim(&p, TETRA_TNSDS_REPORT);
	assert_hdr(&p.u.report.hdr, 32);
	assert_int_equal(p.u.report.pid, 0x82);
	assert_int_equal(p.u.report.kind, TETRA_REPORT_SDS_REPORT);
	assert_false(p.u.report.ack_required);
	assert_false(p.u.report.storage);
	assert_int_equal(p.u.report.status, 0x00);
	assert_int_equal(p.u.report.msg_ref, 0xC9);
	assert_string_equal(tetra_sds_status_name(p.u.report.status), "received");

	assert_int_equal(decode_hex("822001C9", 32, &p), 0);
	assert_prim(&p, TETRA_TNSDS_REPORT);
	assert_int_equal(p.u.report.kind, TETRA_REPORT_SDS_ACK);
	assert_int_equal(p.u.report.status, 0x01);
	assert_int_equal(p.u.report.msg_ref, 0xC9);

	/* ack required, with user data after it; a user-application PID */
	assert_int_equal(decode_hex("C3184D07" "DEAD", 48, &p), 0);
	assert_prim(&p, TETRA_TNSDS_REPORT);
	assert_int_equal(p.u.report.pid, 0xC3);
	assert_true(p.u.report.ack_required);
	assert_int_equal(p.u.report.status, 0x4D);
	assert_int_equal(p.u.report.msg_ref, 0x07);

	/* REPORT with a storage block (validity 3, SSI 0x123456) */
	assert_int_equal(decode_hex("8A112207" "19123456", 64, &p), 0);
	assert_prim(&p, TETRA_TNSDS_REPORT);
	assert_true(p.u.report.storage);
	assert_int_equal(p.u.report.status, 0x22);
	assert_int_equal(p.u.report.msg_ref, 0x07);
}

static void test_status_names(void **state)
{
	assert_string_equal(tetra_sds_status_name(0x00), "received");
	assert_string_equal(tetra_sds_status_name(0x06), "concatenation part received");
	assert_string_equal(tetra_sds_status_name(0x22), "not reachable (stored)");
	assert_string_equal(tetra_sds_status_name(0x4B), "not registered");
	assert_string_equal(tetra_sds_status_name(0x4D), "too long");
	assert_string_equal(tetra_sds_status_name(0x50), "protocol not supported");
	assert_string_equal(tetra_sds_status_name(0x51), "coding scheme not supported");
	assert_string_equal(tetra_sds_status_name(0x47), "failed");
	assert_string_equal(tetra_sds_status_name(0x5F), "failed");
	assert_string_equal(tetra_sds_status_name(0x63), "no pending messages");
	assert_string_equal(tetra_sds_status_name(0x07), "unlisted");
	assert_string_equal(tetra_sds_status_name(0xFF), "unlisted");
	assert_int_equal(tetra_sds_status_class(0x05), TETRA_SDS_CLASS_SUCCESS);
	assert_int_equal(tetra_sds_status_class(0x21), TETRA_SDS_CLASS_TEMPORARY);
	assert_int_equal(tetra_sds_status_class(0x4B), TETRA_SDS_CLASS_FAILED);
	assert_int_equal(tetra_sds_status_class(0x61), TETRA_SDS_CLASS_FLOW_CONTROL);
	assert_int_equal(tetra_sds_status_class(0x80), TETRA_SDS_CLASS_END_TO_END);
	assert_string_equal(tetra_sds_status_class_name(0x4B), "failed");
	assert_string_equal(tetra_sds_status_class_name(0xA0), "reserved");
	assert_int_equal(tetra_sds_validity_s(0), 0);
	assert_int_equal(tetra_sds_validity_s(6), 60);
	assert_int_equal(tetra_sds_validity_s(7), 120);
	assert_int_equal(tetra_sds_validity_s(16), 3600);
	assert_int_equal(tetra_sds_validity_s(21), 6 * 3600);
	assert_int_equal(tetra_sds_validity_s(24), 24 * 3600);
	assert_int_equal(tetra_sds_validity_s(30), 12 * 86400);
	assert_int_equal(tetra_sds_validity_s(31), UINT32_MAX);
	assert_true(tetra_sds_is_short_report(0x7EC9));
	assert_false(tetra_sds_is_short_report(0x8004));
	assert_int_equal(tetra_sds_short_report_value(2, 0xC9), 0x7EC9);
	assert_string_equal(tetra_sds_short_report_name(3), "consumed");
	assert_string_equal(tetra_sds_pid_name(0x8A), "message with user data header");
	assert_string_equal(tetra_sds_pid_name(0x41), "user application");
}

/* ---- storage block ------------------------------------------------------- */

/* Write TRANSFER(0x82, storage) + text header + "ok"; decode; compare. */
static void storage_round_trip(const struct tetra_sds_tl *tl_in)
{
	uint8_t buf[TETRA_SDS_MAX_BYTES];
	struct tetra_bitwriter bw;
	struct tetra_sds_tl_hdr h;
	struct tetra_prim p;

	memset(buf, 0, sizeof(buf));
	tetra_bw_init(&bw, buf, sizeof(buf));
	h.pid = 0x82;
	h.type = TETRA_SDS_TL_TRANSFER;
	h.tl = *tl_in;
	h.ack_required = false;
	h.status = 0;
	assert_int_equal(tetra_sds_tl_write(&bw, &h), 0);
	tetra_bw_put(&bw, 0x01, 8);	/* no timestamp, 8859-1 */
	tetra_bw_put(&bw, 'o', 8);
	tetra_bw_put(&bw, 'k', 8);
	assert_int_equal(tetra_bw_error(&bw), 0);

	assert_int_equal(decode_exact(TETRA_AI_SDS_TYPE4, buf, bw.pos, &p), 0);
	assert_text(&p, "ok");
	assert_true(p.u.text.tl.present);
	assert_true(p.u.text.tl.storage);
	assert_int_equal(p.u.text.tl.msg_ref, tl_in->msg_ref);
	assert_int_equal(p.u.text.tl.report_request, tl_in->report_request);
	assert_int_equal(p.u.text.tl.validity, tl_in->validity);
	assert_int_equal(p.u.text.tl.forward_type, tl_in->forward_type);
	assert_int_equal(p.u.text.tl.forward.type, tl_in->forward.type);
	assert_int_equal(p.u.text.tl.forward.mcc, tl_in->forward.mcc);
	assert_int_equal(p.u.text.tl.forward.mnc, tl_in->forward.mnc);
	assert_int_equal(p.u.text.tl.forward.ssi, tl_in->forward.ssi);
	assert_string_equal(p.u.text.tl.forward.digits, tl_in->forward.digits);

	/* every truncation inside the storage block is an error, not a crash */
	for (size_t b = 24; b < bw.pos - 24; b++) {
		assert_int_equal(decode_exact(TETRA_AI_SDS_TYPE4, buf, b, &p), 0);
		assert_unitdata(&p, buf, b, TETRA_E_TRUNCATED);
	}
}

static void test_storage_block(void **state)
{
	struct tetra_sds_tl tl;

	tetra_sds_tl_clear(&tl);
	tl.present = true;
	tl.storage = true;
	tl.msg_ref = 0x42;
	tl.report_request = 3;
	tl.validity = 17;

	tl.forward_type = TETRA_SDS_FWD_SNA;
	tl.forward.type = TETRA_ID_SNA;
	tl.forward.ssi = 200;
	storage_round_trip(&tl);

	tl.forward_type = TETRA_SDS_FWD_SSI;
	tl.forward.type = TETRA_ID_SSI;
	tl.forward.ssi = 2345678;
	storage_round_trip(&tl);

	tl.forward_type = TETRA_SDS_FWD_TSI;
	tl.forward.type = TETRA_ID_TSI;
	tl.forward.mcc = 242;
	tl.forward.mnc = 2;
	tl.forward.ssi = 0xFFFFFF;
	storage_round_trip(&tl);

	/* external number, odd digit count: the text starts off an octet */
	tl.forward_type = TETRA_SDS_FWD_EXTERNAL;
	tl.forward.type = TETRA_ID_PSTN;
	tl.forward.mcc = tl.forward.mnc = 0;
	tl.forward.ssi = 0;
	strcpy(tl.forward.digits, "+4722*33#");
	storage_round_trip(&tl);
	strcpy(tl.forward.digits, "12345678");
	storage_round_trip(&tl);
	strcpy(tl.forward.digits, "");
	storage_round_trip(&tl);
	strcpy(tl.forward.digits, "123456789012345678901234");
	storage_round_trip(&tl);

	tl.forward_type = TETRA_SDS_FWD_NONE;
	tl.forward.type = TETRA_ID_NONE;
	tl.forward.digits[0] = '\0';
	tl.validity = 31;
	storage_round_trip(&tl);
}

static void test_storage_reserved(void **state)
{
	struct tetra_prim p;
	uint8_t buf[64];
	size_t n;

	/* forward address types 4..6 are reserved: length unknown */
	n = unhex("8203C1" "0C" "0178", buf);
	assert_int_equal(decode_exact(TETRA_AI_SDS_TYPE4, buf, n * 8, &p), 0);
	assert_unitdata(&p, buf, n * 8, TETRA_E_RANGE);
	/* external number of 25 digits */
	n = unhex("8203C1" "0B" "19" "11111111111111111111111110" "0178", buf);
	assert_int_equal(decode_exact(TETRA_AI_SDS_TYPE4, buf, n * 8, &p), 0);
	assert_unitdata(&p, buf, n * 8, TETRA_E_RANGE);
	/* a reserved external digit 0xD */
	n = unhex("8203C1" "0B" "02" "1D" "0178", buf);
	assert_int_equal(decode_exact(TETRA_AI_SDS_TYPE4, buf, n * 8, &p), 0);
	assert_unitdata(&p, buf, n * 8, TETRA_E_RANGE);
}

static void test_storage_write_invalid(void **state)
{
	uint8_t buf[32];
	struct tetra_bitwriter bw;
	struct tetra_sds_tl tl;

	tetra_sds_tl_clear(&tl);
	tl.storage = true;
	tetra_bw_init(&bw, buf, sizeof(buf));
	tl.validity = 32;
	assert_int_equal(tetra_sds_storage_write(&bw, &tl), TETRA_E_INVALID);
	tl.validity = 1;
	tl.forward_type = 4;
	assert_int_equal(tetra_sds_storage_write(&bw, &tl), TETRA_E_INVALID);
	tl.forward_type = TETRA_SDS_FWD_SNA;
	tl.forward.ssi = 256;
	assert_int_equal(tetra_sds_storage_write(&bw, &tl), TETRA_E_INVALID);
	tl.forward_type = TETRA_SDS_FWD_EXTERNAL;
	strcpy(tl.forward.digits, "12a");
	assert_int_equal(tetra_sds_storage_write(&bw, &tl), TETRA_E_INVALID);
	assert_int_equal(bw.pos, 0);
	/* no room */
	tetra_bw_init(&bw, buf, 2);
	tl.forward_type = TETRA_SDS_FWD_SSI;
	tl.forward.ssi = 1;
	assert_int_equal(tetra_sds_storage_write(&bw, &tl), TETRA_E_NO_SPACE);
}

/* ---- LIP ---------------------------------------------------------------- */

static void test_lip(void **state)
{
	struct tetra_prim p;
	uint8_t buf[32];

	assert_int_equal(decode_hex("0A01AC608A7A20D8000000", 84, &p), 0);
	assert_prim(&p, TETRA_TNSDS_LOCATION);
	assert_int_equal(p.u.location.pid, 0x0A);
	assert_false(p.u.location.tl.present);
	assert_true(p.u.location.has_position);
	assert_true(p.u.location.longitude > 37.65 && p.u.location.longitude < 37.651);
	assert_hdr(&p.u.location.hdr, 84);

	/* 0x83: the same report behind an SDS-TRANSFER header, ref 0x9C */
	unhex("83029C" "01AC608A7A20D8000000", buf);
	assert_int_equal(decode_exact(TETRA_AI_SDS_TYPE4, buf, 24 + 76, &p), 0);
	assert_prim(&p, TETRA_TNSDS_LOCATION);
	assert_int_equal(p.u.location.pid, 0x83);
	assert_true(p.u.location.tl.present);
	assert_int_equal(p.u.location.tl.msg_ref, 0x9C);
	assert_true(p.u.location.longitude > 37.65 && p.u.location.longitude < 37.651);

	/* behind a storage block with a 1-digit external number: off an octet */
	{
		struct tetra_bitwriter bw;
		struct tetra_bitreader br;
		struct tetra_sds_tl_hdr h;
		uint8_t lip[16];
		memset(buf, 0, sizeof(buf));
		tetra_bw_init(&bw, buf, sizeof(buf));
		h.pid = 0x83;
		h.type = TETRA_SDS_TL_TRANSFER;
		tetra_sds_tl_clear(&h.tl);
		h.tl.storage = true;
		h.tl.msg_ref = 0x11;
		h.tl.forward_type = TETRA_SDS_FWD_EXTERNAL;
		strcpy(h.tl.forward.digits, "7");
		h.ack_required = false;
		h.status = 0;
		assert_int_equal(tetra_sds_tl_write(&bw, &h), 0);
		unhex("01AC608A7A20D8000000", lip);
		tetra_br_init(&br, lip, 76);
		while (tetra_br_left(&br) >= 8)
			tetra_bw_put(&bw, tetra_br_get(&br, 8), 8);
		tetra_bw_put(&bw, tetra_br_get(&br, 4), 4);
		assert_int_equal(decode_exact(TETRA_AI_SDS_TYPE4, buf, bw.pos, &p), 0);
		assert_prim(&p, TETRA_TNSDS_LOCATION);
		assert_int_equal(p.u.location.tl.msg_ref, 0x11);
		assert_string_equal(p.u.location.tl.forward.digits, "7");
		assert_true(p.u.location.latitude > 55.733 && p.u.location.latitude < 55.734);
	}

	/* a malformed LIP PDU is kept raw with the LIP decoder's error */
	assert_int_equal(decode_hex("0A01AC60", 32, &p), 0);
	assert_prim(&p, TETRA_TNSDS_UNITDATA);
	assert_true(p.u.unitdata.decode_error < 0);
}

/* ---- call-out (PID 0xC3) -------------------------------------------------- */

/* The captured alert of docs/protocol.md §15, as the terminal printed it. */
#define CAPTURED_HDR "+CTSDSR: 12,262100101234567,1,262100102345678,1,824,1"
#define CAPTURED_ALERT "C300110D1657111104144C155DFF54657374FE0A546573745465737454657374546573745465737454" \
		       "657374546573745465737454657374" "0A5465737454657374546573740A5465737454657374546573" \
		       "74546573745465737454657374546573740A54657374"
#define CAPTURED_TEXT "Test\xFE\nTestTestTestTestTestTestTestTestTest\nTestTestTest\n" \
		      "TestTestTestTestTestTestTest\nTest"

static void test_callout(void **state)
{
	const struct tetra_callout_param *c;
	struct tetra_prim p;
	uint8_t raw[TETRA_SDS_MAX_BYTES];
	size_t n;

	/* the PEI decoder hands the SDS here: a CALLOUT with every field */
	assert_int_equal(tetra_pei_decode(CAPTURED_HDR, strlen(CAPTURED_HDR), CAPTURED_ALERT, strlen(CAPTURED_ALERT),
					  &p), 0);
	assert_prim(&p, TETRA_TNSDS_CALLOUT);
	c = &p.u.callout;
	assert_int_equal(c->hdr.bit_len, 824);
	assert_int_equal(c->hdr.calling.type, TETRA_ID_TSI);
	assert_int_equal(c->hdr.calling.mcc, 262);
	assert_int_equal(c->hdr.calling.mnc, 1001);
	assert_int_equal(c->hdr.calling.ssi, 1234567);
	assert_int_equal(c->hdr.called.ssi, 2345678);
	assert_true(c->hdr.e2ee);
	assert_true(c->tl.present);
	assert_int_equal(c->tl.msg_ref, 0x11);
	assert_int_equal(c->tl.report_request, 0);
	assert_false(c->tl.storage);
	assert_int_equal(c->lead, 0x0D);
	assert_int_equal(c->kind, TETRA_CALLOUT_KIND_ALERT);
	assert_int_equal(c->number, 0x65);
	assert_int_equal(c->severity, 7);
	assert_true(c->has_sender);
	assert_int_equal(c->sender_subaddr, 0x1111);
	assert_int_equal(c->n_receivers, 2);
	assert_int_equal(c->receivers[0], 0x144C);
	assert_int_equal(c->receivers[1], 0x155D);
	assert_int_equal(c->text_len, strlen(CAPTURED_TEXT));
	assert_memory_equal(c->text, CAPTURED_TEXT, c->text_len);
	assert_int_equal(c->rest_len, 0);
	assert_string_equal(tetra_prim_name(&p.oph), "TNSDS-CALLOUT.ind");
	assert_string_equal(tetra_sds_pid_name(TETRA_CALLOUT_PID), "simple call-out (TCCA)");

	/* in place: the UNITDATA's own bytes decoded into the same primitive */
	memset(&p, 0, sizeof(p));
	p.u.unitdata.hdr = mkhdr(TETRA_AI_SDS_TYPE4, 824);
	p.u.unitdata.len = (uint16_t)unhex(CAPTURED_ALERT, p.u.unitdata.data);
	assert_int_equal(tetra_sds_decode(&p.u.unitdata.hdr, p.u.unitdata.data, p.u.unitdata.len, &p), 0);
	assert_prim(&p, TETRA_TNSDS_CALLOUT);
	assert_int_equal(p.u.callout.number, 0x65);
	assert_memory_equal(p.u.callout.text, CAPTURED_TEXT, strlen(CAPTURED_TEXT));

	/* an answer asking for a "received" report */
	n = unhex("C3042201365" "2FF4A61", raw);
	assert_int_equal(decode_exact(TETRA_AI_SDS_TYPE4, raw, n * 8, &p), 0);
	assert_prim(&p, TETRA_TNSDS_CALLOUT);
	assert_int_equal(p.u.callout.tl.report_request, 1);
	assert_int_equal(p.u.callout.tl.msg_ref, 0x22);
	assert_int_equal(p.u.callout.kind, TETRA_CALLOUT_KIND_ANSWER);
	assert_int_equal(p.u.callout.number, 0x65);
	assert_int_equal(p.u.callout.severity, 2);
	assert_false(p.u.callout.has_sender);
	assert_int_equal(p.u.callout.text_len, 2);
	assert_memory_equal(p.u.callout.text, "Ja", 2);
	{
		/* behind a storage block whose forward address is an odd number
		 * of digits the payload starts off an octet boundary: it still
		 * decodes. Validity 0, forward type 3 (external), "112". */
		struct tetra_bitwriter bw;
		size_t bits = 0;
		tetra_bw_init(&bw, raw, sizeof(raw));
		tetra_bw_put(&bw, 0xC3, 8);
		tetra_bw_put(&bw, 0x01, 8);	/* TRANSFER, storage */
		tetra_bw_put(&bw, 0x23, 8);
		tetra_bw_put(&bw, 0, 5);
		tetra_bw_put(&bw, 3, 3);
		tetra_bw_put(&bw, 3, 8);
		tetra_bw_put(&bw, 0x112, 12);
		tetra_bw_put_bytes(&bw, (const uint8_t *)"\x01\x30\x13\xFFNei", 7);
		assert_int_equal(tetra_bw_finish(&bw, &bits), 0);
		assert_int_equal(decode_exact(TETRA_AI_SDS_TYPE4, raw, bits, &p), 0);
		assert_prim(&p, TETRA_TNSDS_CALLOUT);
		assert_true(p.u.callout.tl.storage);
		assert_string_equal(p.u.callout.tl.forward.digits, "112");
		assert_int_equal(p.u.callout.number, 0x01);
		assert_int_equal(p.u.callout.text_len, 3);
		assert_memory_equal(p.u.callout.text, "Nei", 3);
		/* 4 bits short of the last octet: the payload is not whole octets */
		assert_int_equal(decode_exact(TETRA_AI_SDS_TYPE4, raw, bits - 4, &p), 0);
		assert_unitdata(&p, raw, bits - 4, TETRA_E_TRUNCATED);
	}
	/* a SDS-REPORT about a call-out stays a report */
	n = unhex("C3100011", raw);
	assert_int_equal(decode_exact(TETRA_AI_SDS_TYPE4, raw, n * 8, &p), 0);
	assert_prim(&p, TETRA_TNSDS_REPORT);
	assert_int_equal(p.u.report.pid, TETRA_CALLOUT_PID);
	assert_int_equal(p.u.report.msg_ref, 0x11);
}

/* ---- unknown and raw ----------------------------------------------------- */

static void test_unknown_pids(void **state)
{
	static const char *const raw[] = {
		"41AABBCC",			/* user application without SDS-TL */
		"7EAABBCC",
		"0300112233",			/* simple location (NMEA) */
		"0104",				/* OTAK */
		"C4029C01AABB",			/* user application SDS-TRANSFER */
		"FE3000",			/* user application, message type 3 */
		"FF",				/* reserved, too short for a type */
		"C4",
		"84029C01",			/* WAP over SDS-TL: not decoded */
		"0C030201" "C3" "AABB",		/* concatenated SDS, part 1 of 2 */
		"0C1ABC0202" "AABB",		/* 12-bit reference 0xABC, part 2 */
		"8C02B9" "030201C3" "AABB",	/* concatenated SDS with SDS-TL */
	};
	struct tetra_prim p;
	uint8_t buf[32];

	for (size_t i = 0; i < sizeof(raw) / sizeof(raw[0]); i++) {
		size_t n = unhex(raw[i], buf);
		assert_int_equal(decode_exact(TETRA_AI_SDS_TYPE4, buf, n * 8, &p), 0);
		assert_unitdata(&p, buf, n * 8, 0);
	}
}

static void test_known_pid_malformed(void **state)
{
	static const struct { const char *hex; int err; } v[] = {
		{ "82309C01", TETRA_E_PDU_TYPE },	/* message type 3 */
		{ "89F09C01", TETRA_E_PDU_TYPE },
		{ "827F9C01", TETRA_E_PDU_TYPE },
		{ "82029C1C6162", TETRA_E_CODING },	/* coding 28 */
		{ "027F6162", TETRA_E_CODING },		/* coding 127 */
		{ "0C230201C3AA", TETRA_E_PDU_TYPE },	/* concat PDU type 1 */
		{ "0C030103C3AA", TETRA_E_RANGE },	/* part 3 of 1 */
		{ "8C02B9030002AA", TETRA_E_RANGE },	/* total 0 */
		{ "8C02B90302", TETRA_E_TRUNCATED },
		{ "C3", TETRA_E_TRUNCATED },		/* call-out: no message type */
		{ "C3309C0D1657", TETRA_E_PDU_TYPE },	/* message type 3 */
		{ "C3029C0D16", TETRA_E_TRUNCATED },	/* number and severity cut */
		{ "C3029C0D16571111", TETRA_E_TRUNCATED },	/* no receiver count */
		{ "C3029C0D165711110414", TETRA_E_TRUNCATED },	/* receivers cut */
		{ "C3029C0D16571111031415FF41", TETRA_E_RANGE },	/* odd receiver octets */
		{ "82", TETRA_E_TRUNCATED },
		{ "02", TETRA_E_TRUNCATED },
		{ "", TETRA_E_TRUNCATED },		/* not even a PID */
	};
	struct tetra_prim p;
	uint8_t buf[32];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t n = unhex(v[i].hex, buf);
		assert_int_equal(decode_exact(TETRA_AI_SDS_TYPE4, buf, n * 8, &p), 0);
		assert_unitdata(&p, buf, n * 8, v[i].err);
	}
}

static void test_ai_services(void **state)
{
	struct tetra_prim p;
	uint8_t buf[8];

	/* SDS types 1-3 are user defined data: raw, even if they look like text */
	unhex("0201", buf);
	assert_int_equal(decode_exact(TETRA_AI_SDS_TYPE1, buf, 16, &p), 0);
	assert_unitdata(&p, buf, 16, 0);
	assert_int_equal(p.u.unitdata.hdr.ai_service, TETRA_AI_SDS_TYPE1);
	unhex("0201746573", buf);
	assert_int_equal(decode_exact(TETRA_AI_SDS_TYPE2, buf, 32, &p), 0);
	assert_unitdata(&p, buf, 32, 0);
	unhex("0102030405060708", buf);
	assert_int_equal(decode_exact(TETRA_AI_SDS_TYPE3, buf, 64, &p), 0);
	assert_unitdata(&p, buf, 64, 0);

	/* status and SDS-TL short report */
	unhex("8004", buf);
	assert_int_equal(decode_exact(TETRA_AI_STATUS, buf, 16, &p), 0);
	assert_prim(&p, TETRA_TNSDS_STATUS);
	assert_int_equal(p.u.status.value, 0x8004);
	assert_hdr(&p.u.status.hdr, 16);
	unhex("7EC9", buf);
	assert_int_equal(decode_exact(TETRA_AI_STATUS, buf, 16, &p), 0);
	assert_prim(&p, TETRA_TNSDS_SHORT_REPORT);
	assert_int_equal(p.u.short_report.report_type, 2);
	assert_int_equal(p.u.short_report.msg_ref, 0xC9);
	unhex("800400", buf);
	assert_int_equal(decode_exact(TETRA_AI_STATUS, buf, 24, &p), 0);
	assert_unitdata(&p, buf, 24, TETRA_E_LENGTH);

	/* not an SDS service: kept, flagged */
	assert_int_equal(decode_exact(TETRA_AI_SPEECH, buf, 16, &p), 0);
	assert_unitdata(&p, buf, 16, TETRA_E_RANGE);
}

static void test_arguments(void **state)
{
	struct tetra_sds_header h = mkhdr(TETRA_AI_SDS_TYPE4, 104);
	uint8_t buf[TETRA_SDS_MAX_BYTES + 1] = { 0x02, 0x01 };
	struct tetra_prim p;

	memset(&p, 0x5A, sizeof(p));
	assert_int_equal(tetra_sds_decode(NULL, buf, 13, &p), TETRA_E_INVALID);
	assert_int_equal(tetra_sds_decode(&h, buf, 13, NULL), TETRA_E_INVALID);
	assert_int_equal(tetra_sds_decode(&h, NULL, 13, &p), TETRA_E_INVALID);
	assert_int_equal(tetra_sds_decode(&h, buf, 12, &p), TETRA_E_LENGTH);
	assert_int_equal(tetra_sds_decode(&h, buf, TETRA_SDS_MAX_BYTES + 1, &p), TETRA_E_TOO_LONG);
	h.bit_len = 8 * TETRA_SDS_MAX_BYTES + 1;
	assert_int_equal(tetra_sds_decode(&h, buf, TETRA_SDS_MAX_BYTES, &p), TETRA_E_TOO_LONG);
	assert_int_equal(p.oph.primitive, 0x5A5A5A5A);	/* untouched */

	/* extra bytes are ignored */
	h.bit_len = 16;
	buf[2] = 'x';
	assert_int_equal(tetra_sds_decode(&h, buf, 3, &p), 0);
	assert_text(&p, "");
	/* the biggest type 4 */
	h.bit_len = 2047;
	memset(buf + 2, 'a', TETRA_SDS_MAX_BYTES - 2);
	assert_int_equal(tetra_sds_decode(&h, buf, TETRA_SDS_MAX_BYTES, &p), 0);
	assert_prim(&p, TETRA_TNSDS_TEXT);
	assert_int_equal(p.u.text.text_len, (2047 - 16) / 8);
}

/* Decoding a UNITDATA primitive in place (hdr and data inside *out). */
static void test_in_place(void **state)
{
	static const char line[] = "+CTSDSR: 12,1234567,0,2345678,0,192";
	static const char data[] = "8A02C981045A8F050003C90201746573746D657373616765";
	struct tetra_prim p;
	uint8_t raw[4];

	memset(&p, 0, sizeof(p));
	p.u.unitdata.hdr = mkhdr(TETRA_AI_SDS_TYPE4, 192);
	p.u.unitdata.len = (uint16_t)unhex(data, p.u.unitdata.data);
	assert_int_equal(tetra_sds_decode(&p.u.unitdata.hdr, p.u.unitdata.data, p.u.unitdata.len, &p), 0);
	assert_text(&p, "testmessage");
	assert_hdr(&p.u.text.hdr, 192);
	assert_int_equal(p.u.text.concat.ref, 0xC9);

	/* a malformed one in place keeps the same bytes */
	memset(&p, 0, sizeof(p));
	p.u.unitdata.hdr = mkhdr(TETRA_AI_SDS_TYPE4, 32);
	p.u.unitdata.len = (uint16_t)unhex("82309C01", p.u.unitdata.data);
	unhex("82309C01", raw);
	assert_int_equal(tetra_sds_decode(&p.u.unitdata.hdr, p.u.unitdata.data, p.u.unitdata.len, &p), 0);
	assert_unitdata(&p, raw, 32, TETRA_E_PDU_TYPE);

	/* the PEI decoder hands +CTSDSR user data to tetra_sds_decode() */
	assert_int_equal(tetra_pei_decode(line, strlen(line), data, strlen(data), &p), 0);
	assert_text(&p, "testmessage");
	assert_int_equal(p.u.text.hdr.calling.ssi, 1234567);
}

/* ---- truncation ---------------------------------------------------------- */

/* Every prefix of each vector: never a crash (ASan: exact-size copies);
 * shorter than the PDU's fixed header -> UNITDATA with decode_error. Longer
 * prefixes may decode (a shorter text is still a text) or be flagged. */
static void test_truncated_prefixes(void **state)
{
	static const struct { const char *hex; size_t bits, hdr_bits; } v[] = {
		{ "0201746573746D657373616765", 104, 16 },
		{ "82029C01746573746D657373616765", 120, 32 },
		{ "82029C81045A8F746573746D657373616765", 144, 56 },
		{ "8A02C981045A8F050003C90201746573746D657373616765", 192, 104 },
		{ "821000C9", 32, 32 },
		{ "822001C9", 32, 32 },
		{ "0A01AC608A7A20D8000000", 84, 84 },
		{ "0A4E73DDA841F55809493CC081", 104, 1 },
		{ "83029C01AC608A7A20D8000000", 100, 100 },
		{ "8C02B9030201C3AABB", 72, 56 },
		{ "0C030201C3AABB", 56, 40 },
		{ CAPTURED_ALERT, 824, 104 },
	};
	uint8_t buf[128];
	struct tetra_prim p;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		unhex(v[i].hex, buf);
		for (size_t b = 0; b <= v[i].bits; b++) {
			assert_int_equal(decode_exact(TETRA_AI_SDS_TYPE4, buf, b, &p), 0);
			assert_int_equal(p.oph.sap, TETRA_SAP_TNSDS);
			if (p.oph.primitive == TETRA_TNSDS_UNITDATA) {
				assert_unitdata(&p, buf, b, p.u.unitdata.decode_error);
				if (b < v[i].hdr_bits)
					assert_true(p.u.unitdata.decode_error < 0);
			} else {
				if (b < v[i].hdr_bits)
					fail_msg("vector %zu decoded at %zu bits", i, b);
			}
			if (p.oph.primitive == TETRA_TNSDS_TEXT) {
				assert_int_equal(strlen(p.u.text.text), p.u.text.text_len);
				assert_int_equal(p.u.text.hdr.bit_len, b);
			}
		}
	}
}

/* Random PDUs under the known PIDs: whatever comes out is consistent. */
static void test_random(void **state)
{
	static const uint8_t pids[] = { 0x02, 0x03, 0x09, 0x0A, 0x0C, 0x82, 0x83, 0x89, 0x8A, 0x8C, 0xC3, 0x41 };
	uint8_t buf[TETRA_SDS_MAX_BYTES];
	struct tetra_prim p;
	unsigned seed = 12345;

	for (int it = 0; it < 20000; it++) {
		size_t bits;
		seed = seed * 1103515245u + 12345u;
		bits = (seed >> 8) % 300;
		if (it % 50 == 0)
			bits = (seed >> 8) % 2048;
		for (size_t i = 0; i < sizeof(buf); i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (uint8_t)(seed >> 16);
		}
		buf[0] = pids[(seed >> 4) % sizeof(pids)];
		if (it & 1)
			buf[1] &= 0x2F;	/* mostly TRANSFER/REPORT/ACK */
		if (it & 2)
			buf[3] = (uint8_t)(buf[3] & 0x7F) % 30;	/* a coding text.h knows */
		assert_int_equal(decode_exact(TETRA_AI_SDS_TYPE4, buf, bits, &p), 0);
		assert_int_equal(p.oph.sap, TETRA_SAP_TNSDS);
		switch (p.oph.primitive) {
		case TETRA_TNSDS_UNITDATA:
			assert_unitdata(&p, buf, bits, p.u.unitdata.decode_error);
			break;
		case TETRA_TNSDS_TEXT:
			assert_int_equal(strlen(p.u.text.text), p.u.text.text_len);
			assert_true(p.u.text.text_len <= TETRA_TEXT_MAX);
			break;
		case TETRA_TNSDS_CALLOUT:
			assert_int_equal(buf[0], TETRA_CALLOUT_PID);
			assert_true(p.u.callout.n_receivers <= TETRA_CALLOUT_MAX_RECEIVERS);
			/* nothing dropped: 3 octets of SDS-TL header (no storage
			 * here), 3 of lead, kind ... severity at least */
			assert_true(p.u.callout.tl.storage ||
				    (size_t)p.u.callout.text_len + p.u.callout.rest_len + 6 <= bits / 8);
			break;
		case TETRA_TNSDS_REPORT:
		case TETRA_TNSDS_LOCATION:
		case TETRA_TNSDS_LOCATION_CONTROL:
			break;
		default:
			fail_msg("primitive %u", p.oph.primitive);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_text),
		cmocka_unit_test(test_transfer_text),
		cmocka_unit_test(test_transfer_timestamp),
		cmocka_unit_test(test_transfer_udh),
		cmocka_unit_test(test_udh_malformed),
		cmocka_unit_test(test_report_ack),
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_storage_block),
		cmocka_unit_test(test_storage_reserved),
		cmocka_unit_test(test_storage_write_invalid),
		cmocka_unit_test(test_lip),
		cmocka_unit_test(test_callout),
		cmocka_unit_test(test_unknown_pids),
		cmocka_unit_test(test_known_pid_malformed),
		cmocka_unit_test(test_ai_services),
		cmocka_unit_test(test_arguments),
		cmocka_unit_test(test_in_place),
		cmocka_unit_test(test_truncated_prefixes),
		cmocka_unit_test(test_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
