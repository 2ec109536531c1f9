/* codecs: PEI unsolicited result codes -> TETRA primitives; names.
 * Vectors from docs/protocol.md (§3, §11).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "codecs/pei_urc.h"
#include "codecs/tetra_names.h"

/* Decode from exact-size heap copies (no NUL after them), so ASan reports
 * any read past len. dat NULL means "no data line". */
static int dec_n(const char *line, size_t n, const char *dat, size_t dn, struct tetra_prim *p)
{
	char *l = malloc(n ? n : 1), *d = NULL;
	int rc;

	assert_non_null(l);
	memcpy(l, line, n);
	if (dat) {
		d = malloc(dn ? dn : 1);
		assert_non_null(d);
		memcpy(d, dat, dn);
	}
	rc = tetra_pei_decode(l, n, d, dn, p);
	free(l);
	free(d);
	return rc;
}

static int dec(const char *line, const char *dat, struct tetra_prim *p)
{
	return dec_n(line, strlen(line), dat, dat ? strlen(dat) : 0, p);
}

static void expect_prim(const struct tetra_prim *p, unsigned sap, unsigned prim)
{
	assert_int_equal(p->oph.sap, sap);
	assert_int_equal(p->oph.primitive, prim);
	assert_int_equal(p->oph.operation, PRIM_OP_INDICATION);
	assert_null(p->oph.msg);
}

static void expect_party(const struct tetra_identity *id, uint8_t type, unsigned mcc,
			 unsigned mnc, unsigned ssi)
{
	assert_int_equal(id->type, type);
	assert_int_equal(id->mcc, mcc);
	assert_int_equal(id->mnc, mnc);
	assert_int_equal(id->ssi, ssi);
}

/* A party field that did not decode: kept as sent, with the reason. */
static void expect_undecoded(const struct tetra_identity *id, const char *text, int err)
{
	assert_int_equal(id->type, TETRA_ID_UNDECODED);
	assert_int_equal(id->error, err);
	assert_string_equal(id->digits, text);
	assert_int_equal(id->mcc, 0);
	assert_int_equal(id->mnc, 0);
	assert_int_equal(id->ssi, 0);
}

/* User data that did not decode as announced: UNITDATA with the reason and
 * the bytes as far as they were read. */
static void expect_raw_sds(const struct tetra_prim *p, int err, unsigned ai, unsigned bits,
			   const uint8_t *bytes, size_t n)
{
	expect_prim(p, TETRA_SAP_TNSDS, TETRA_TNSDS_UNITDATA);
	assert_int_equal(p->u.unitdata.decode_error, err);
	assert_int_equal(p->u.unitdata.hdr.ai_service, ai);
	assert_int_equal(p->u.unitdata.hdr.bit_len, bits);
	assert_int_equal(p->u.unitdata.len, n);
	if (n)
		assert_memory_equal(p->u.unitdata.data, bytes, n);
}

/* ---- +CTSDSR ------------------------------------------------------------- */

#define HDR(ai, bits) "+CTSDSR: " #ai ",1234567,0,2345678,0," #bits

static void test_status(void **state)
{
	struct tetra_prim p;

	assert_int_equal(dec(HDR(13, 16), "8004", &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNSDS, TETRA_TNSDS_STATUS);
	assert_int_equal(p.u.status.value, 0x8004);
	assert_int_equal(p.u.status.hdr.ai_service, 13);
	assert_int_equal(p.u.status.hdr.bit_len, 16);
	assert_false(p.u.status.hdr.e2ee);
	expect_party(&p.u.status.hdr.calling, TETRA_ID_SSI, 0, 0, 1234567);
	expect_party(&p.u.status.hdr.called, TETRA_ID_SSI, 0, 0, 2345678);

	/* emergency, lower-case hex, CR LF left on both lines */
	assert_int_equal(dec(HDR(13, 16) "\r\n", "0000\r\n", &p), TETRA_OK);
	assert_int_equal(p.u.status.value, 0);
	assert_int_equal(dec(HDR(13, 16), "fffe", &p), TETRA_OK);
	assert_int_equal(p.u.status.value, 0xfffe);
	/* just outside the short-report range */
	assert_int_equal(dec(HDR(13, 16), "7BFF", &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNSDS, TETRA_TNSDS_STATUS);
	assert_int_equal(p.u.status.value, 0x7bff);
	assert_int_equal(dec(HDR(13, 16), "8000", &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNSDS, TETRA_TNSDS_STATUS);
	/* a pad nibble after a status is ignored too */
	assert_int_equal(dec(HDR(13, 16), "80040", &p), TETRA_OK);
	assert_int_equal(p.u.status.value, 0x8004);
}

static void test_short_report(void **state)
{
	static const struct { const char *hex; uint8_t type, ref; } v[] = {
		{ "7C00", 0, 0x00 }, { "7D01", 1, 0x01 }, { "7E9C", 2, 0x9c },
		{ "7FFF", 3, 0xff }, { "7fc9", 3, 0xc9 },
	};
	struct tetra_prim p;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(dec(HDR(13, 16), v[i].hex, &p), TETRA_OK);
		expect_prim(&p, TETRA_SAP_TNSDS, TETRA_TNSDS_SHORT_REPORT);
		assert_int_equal(p.u.short_report.report_type, v[i].type);
		assert_int_equal(p.u.short_report.msg_ref, v[i].ref);
		assert_int_equal(p.u.short_report.hdr.bit_len, 16);
		expect_party(&p.u.short_report.hdr.called, TETRA_ID_SSI, 0, 0, 2345678);
	}
}

static void expect_unitdata(const char *line, const char *hex, const uint8_t *bytes,
			    size_t n)
{
	struct tetra_prim p;

	assert_int_equal(dec(line, hex, &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNSDS, TETRA_TNSDS_UNITDATA);
	assert_int_equal(p.u.unitdata.decode_error, 0);
	assert_int_equal(p.u.unitdata.len, n);
	assert_memory_equal(p.u.unitdata.data, bytes, n);
}

/* SDS type 4 goes through tetra_sds_decode(): the examples (protocol.md §11) come out
 * as text, reports and locations, with the +CTSDSR header in each. */
static void test_sds_tl_vectors(void **state)
{
	struct tetra_prim p;
	const struct tetra_text_param *t = &p.u.text;
	const struct tetra_report_param *r = &p.u.report;

	assert_int_equal(dec(HDR(12, 104), "0201746573746D657373616765", &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNSDS, TETRA_TNSDS_TEXT);
	assert_int_equal(t->pid, 0x02);
	assert_int_equal(t->coding, 1);
	assert_false(t->tl.present);
	assert_false(t->concat.present);
	assert_string_equal(t->text, "testmessage");
	assert_int_equal(t->hdr.ai_service, 12);
	assert_int_equal(t->hdr.bit_len, 104);
	expect_party(&t->hdr.calling, TETRA_ID_SSI, 0, 0, 1234567);
	expect_party(&t->hdr.called, TETRA_ID_SSI, 0, 0, 2345678);

	assert_int_equal(dec(HDR(12, 120), "82029C01746573746D657373616765", &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNSDS, TETRA_TNSDS_TEXT);
	assert_int_equal(t->pid, 0x82);
	assert_true(t->tl.present);
	assert_int_equal(t->tl.report_request, 0);
	assert_int_equal(t->tl.msg_ref, 0x9c);
	assert_false(t->ts.present);
	assert_string_equal(t->text, "testmessage");

	assert_int_equal(dec(HDR(12, 144), "82029C81045A8F746573746D657373616765", &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNSDS, TETRA_TNSDS_TEXT);
	assert_true(t->ts.present);
	assert_int_equal(t->ts.timeframe, 0);
	assert_int_equal(t->ts.month, 4);
	assert_int_equal(t->ts.day, 11);
	assert_int_equal(t->ts.hour, 10);
	assert_int_equal(t->ts.minute, 15);
	assert_string_equal(t->text, "testmessage");

	assert_int_equal(dec(HDR(12, 192), "8A02C981045A8F050003C90201746573746D657373616765", &p),
			 TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNSDS, TETRA_TNSDS_TEXT);
	assert_int_equal(t->pid, 0x8a);
	assert_true(t->concat.present);
	assert_int_equal(t->concat.ref, 0xc9);
	assert_int_equal(t->concat.total, 2);
	assert_int_equal(t->concat.part, 1);
	assert_string_equal(t->text, "testmessage");

	assert_int_equal(dec(HDR(12, 32), "821000C9", &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNSDS, TETRA_TNSDS_REPORT);
	assert_int_equal(r->kind, TETRA_REPORT_SDS_REPORT);
	assert_int_equal(r->status, 0x00);
	assert_int_equal(r->msg_ref, 0xc9);
	assert_false(r->ack_required);
	expect_party(&r->hdr.calling, TETRA_ID_SSI, 0, 0, 1234567);

	assert_int_equal(dec(HDR(12, 32), "822001C9", &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNSDS, TETRA_TNSDS_REPORT);
	assert_int_equal(r->kind, TETRA_REPORT_SDS_ACK);
	assert_int_equal(r->status, 0x01);
	assert_int_equal(r->msg_ref, 0xc9);
}

/* Unknown protocols stay raw (decode_error 0); a known one that does not
 * decode stays raw too, with the reason: never lost. */
static void test_sds_raw(void **state)
{
	static const uint8_t user_app[] = { 0xc5, 0x01, 0x02, 0x03 };
	struct tetra_prim p;

	expect_unitdata(HDR(12, 32), "C5010203", user_app, sizeof(user_app));

	/* a LIP PID with 8 bits after it: too short for any LIP PDU */
	assert_int_equal(dec(HDR(12, 16), "0A00", &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNSDS, TETRA_TNSDS_UNITDATA);
	assert_int_equal(p.u.unitdata.decode_error, TETRA_E_TRUNCATED);
	assert_int_equal(p.u.unitdata.len, 2);
	assert_int_equal(p.u.unitdata.data[0], 0x0a);
	expect_party(&p.u.unitdata.hdr.called, TETRA_ID_SSI, 0, 0, 2345678);
}

static void expect_lip_short(const char *hex, double lat, double lon)
{
	struct tetra_prim p;

	assert_int_equal(dec(HDR(12, 84), hex, &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNSDS, TETRA_TNSDS_LOCATION);
	assert_false(p.u.location.long_report);
	assert_true(p.u.location.has_position);
	assert_true(p.u.location.latitude > lat - 1e-5 && p.u.location.latitude < lat + 1e-5);
	assert_true(p.u.location.longitude > lon - 1e-5 && p.u.location.longitude < lon + 1e-5);
	assert_int_equal(p.u.location.hdr.bit_len, 84);
}

/* LIP short report: 84 bits. Motorola sends 22 digits, Sepura 21: both
 * decode to the same report. Byte-exact checks use a user-application PID
 * (0x44), which stays raw. */
static void test_odd_bit_lengths(void **state)
{
	static const uint8_t raw[] = { 0x44, 0x01, 0xac, 0x60, 0x8a, 0x7a, 0x20, 0xd8, 0x00,
				       0x00, 0x00 };
	static const uint8_t b83[] = { 0x44, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				       0xff, 0xe0 };
	static const uint8_t b9[] = { 0x44, 0x80 };
	struct tetra_prim p;

	expect_lip_short("0A01AC608A7A20D8000000", 55.73393, 37.65033);
	expect_lip_short("0A01AC608A7A20D800000", 55.73393, 37.65033);
	/* a non-zero pad nibble is dropped */
	expect_lip_short("0A01AC608A7A20D800000F", 55.73393, 37.65033);
	expect_lip_short("0A0088BD4247F737FFE810", 51.32510, 12.01810);
	expect_lip_short("0A0088BD4247F737FFE81", 51.32510, 12.01810);

	expect_unitdata(HDR(12, 84), "4401AC608A7A20D8000000", raw, sizeof(raw));
	expect_unitdata(HDR(12, 84), "4401AC608A7A20D800000", raw, sizeof(raw));
	expect_unitdata(HDR(12, 84), "4401AC608A7A20D800000F", raw, sizeof(raw));
	/* bits past bit_len are zeroed, also inside a nibble */
	expect_unitdata(HDR(12, 83), "44FFFFFFFFFFFFFFFFFFF", b83, sizeof(b83));
	expect_unitdata(HDR(12, 9), "44F", b9, sizeof(b9));
	/* trailing digits beyond the pad nibble: accepted and ignored */
	expect_unitdata(HDR(12, 84), "4401AC608A7A20D80000000000", raw, sizeof(raw));

	/* zero bits: no data needed, but the line must be there */
	assert_int_equal(dec(HDR(12, 0), "", &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNSDS, TETRA_TNSDS_UNITDATA);
	assert_int_equal(p.u.unitdata.len, 0);
	assert_int_equal(dec(HDR(12, 0), NULL, &p), TETRA_OK);
	expect_raw_sds(&p, TETRA_E_NO_DATA, 12, 0, NULL, 0);
}

static void test_sds_types_1_3(void **state)
{
	static const uint8_t t1[] = { 0x12, 0x34 };
	static const uint8_t t2[] = { 0x12, 0x34, 0x56, 0x78 };
	static const uint8_t t3[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct tetra_prim p;

	expect_unitdata(HDR(9, 16), "1234", t1, sizeof(t1));
	expect_unitdata(HDR(10, 32), "12345678", t2, sizeof(t2));
	expect_unitdata(HDR(11, 64), "0102030405060708", t3, sizeof(t3));
	/* another size than the service's own: kept, read by the announced length */
	assert_int_equal(dec(HDR(9, 32), "12345678", &p), TETRA_OK);
	expect_raw_sds(&p, TETRA_E_LENGTH, 9, 32, t2, sizeof(t2));
	assert_int_equal(dec(HDR(10, 16), "1234", &p), TETRA_OK);
	expect_raw_sds(&p, TETRA_E_LENGTH, 10, 16, t1, sizeof(t1));
	assert_int_equal(dec(HDR(11, 63), "0102030405060708", &p), TETRA_OK);
	expect_raw_sds(&p, TETRA_E_LENGTH, 11, 63, t3, sizeof(t3));
}

static void test_max_length(void **state)
{
	char hex[2 * TETRA_SDS_MAX_BYTES + 1];
	struct tetra_prim p;

	memset(hex, 'A', sizeof(hex) - 1);
	hex[sizeof(hex) - 1] = '\0';
	assert_int_equal(dec(HDR(12, 2047), hex, &p), TETRA_OK);
	assert_int_equal(p.u.unitdata.len, 256);
	assert_int_equal(p.u.unitdata.data[0], 0xaa);
	assert_int_equal(p.u.unitdata.data[255], 0xaa & 0xfe);
	assert_int_equal(dec(HDR(12, 2048), hex, &p), TETRA_E_TOO_LONG);
	assert_int_equal(dec(HDR(12, 65536), hex, &p), TETRA_E_TOO_LONG);
	assert_int_equal(dec(HDR(12, 99999999999999999999), hex, &p), TETRA_E_TOO_LONG);
}

static void test_header_forms(void **state)
{
	struct tetra_prim p;

	/* <AI>,<called>,<len> */
	assert_int_equal(dec("+CTSDSR: 13,2345678,16", "8004", &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNSDS, TETRA_TNSDS_STATUS);
	assert_int_equal(p.u.status.value, 0x8004);
	assert_int_equal(p.u.status.hdr.calling.type, TETRA_ID_NONE);
	expect_party(&p.u.status.hdr.called, TETRA_ID_SSI, 0, 0, 2345678);
	/* ... with a TSI: type inferred */
	assert_int_equal(dec("+CTSDSR: 13,09011638300023404,16", "8004", &p), TETRA_OK);
	expect_party(&p.u.status.hdr.called, TETRA_ID_TSI, 901, 16383, 23404);
	/* <AI>,<called>,<type>,<len> */
	assert_int_equal(dec("+CTSDSR: 12,09011638300023404,1,32", "821000C9", &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNSDS, TETRA_TNSDS_REPORT);
	assert_int_equal(p.u.report.hdr.calling.type, TETRA_ID_NONE);
	expect_party(&p.u.report.hdr.called, TETRA_ID_TSI, 901, 16383, 23404);
	assert_int_equal(p.u.report.msg_ref, 0xc9);
	/* full form with e2ee, no blank after the colon, blanks around fields */
	assert_int_equal(dec("+CTSDSR:13,09011638300023404,1,2345678,0,16,1", "8004", &p),
			 TETRA_OK);
	assert_true(p.u.status.hdr.e2ee);
	expect_party(&p.u.status.hdr.calling, TETRA_ID_TSI, 901, 16383, 23404);
	assert_int_equal(dec("+CTSDSR: 13 , 1234567 ,0, 2345678,0 ,16 , ", "8004", &p), TETRA_OK);
	assert_false(p.u.status.hdr.e2ee);
	/* calling party left out */
	assert_int_equal(dec("+CTSDSR: 12,,,2345678,0,32", "822001C9", &p), TETRA_OK);
	assert_int_equal(p.u.report.hdr.calling.type, TETRA_ID_NONE);
	/* calling id without its type: inferred */
	assert_int_equal(dec("+CTSDSR: 12,1234567,,2345678,0,32", "822001C9", &p), TETRA_OK);
	expect_party(&p.u.report.hdr.calling, TETRA_ID_SSI, 0, 0, 1234567);
}

/* Refused: what leaves nothing to publish. */
static void test_sds_errors(void **state)
{
	struct tetra_prim p;

	/* syntax: field counts */
	assert_int_equal(dec("+CTSDSR: 13,16", "8004", &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTSDSR: 13,1,0,2,16", "8004", &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTSDSR: 13,1,0,2,0,16,0,0", "8004", &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTSDSR: 13,1,0,2,0,", "8004", &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTSDSR: ,1,0,2,0,16", "8004", &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTSDSR 13,2,16", "8004", &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTSDSR", "8004", &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTSDSR:", "8004", &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTSDSR: 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", "", &p),
			 TETRA_E_SYNTAX);
	/* numbers: AI service and length say what the rest means */
	assert_int_equal(dec("+CTSDSR: 1x,2345678,16", "8004", &p), TETRA_E_NUMBER);
	assert_int_equal(dec("+CTSDSR: 13,2345678,-16", "8004", &p), TETRA_E_NUMBER);
	assert_int_equal(dec("+CTSDSR: 13,2345678,0x10", "8004", &p), TETRA_E_NUMBER);
	/* ranges */
	assert_int_equal(dec("+CTSDSR: 14,2345678,16", "8004", &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CTSDSR: 8,2345678,16", "8004", &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CTSDSR: 0,2345678,16", "8004", &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CTSDSR: 13,1,0,2,0,16,2", "8004", &p), TETRA_E_RANGE);
	/* too long */
	assert_int_equal(dec(HDR(12, 2100), "00", &p), TETRA_E_TOO_LONG);
}

/* One field that does not decode does not cost the message: the party is
 * kept as sent, with the reason; the user data still decodes. */
static void test_sds_undecoded_party(void **state)
{
	struct tetra_prim p;
	const struct tetra_sds_header *h = &p.u.status.hdr;

	/* calling: an MCC above 1023 */
	assert_int_equal(dec("+CTSDSR: 13,10241638300023404,1,2345678,0,16", "8004", &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNSDS, TETRA_TNSDS_STATUS);
	assert_int_equal(p.u.status.value, 0x8004);
	expect_undecoded(&h->calling, "10241638300023404", TETRA_E_RANGE);
	expect_party(&h->called, TETRA_ID_SSI, 0, 0, 2345678);
	/* calling: a digit count no form has; text through SDS-TL */
	assert_int_equal(dec("+CTSDSR: 12,123456789,0,2345678,0,104", "0201746573746D657373616765", &p),
			 TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNSDS, TETRA_TNSDS_TEXT);
	assert_string_equal(p.u.text.text, "testmessage");
	expect_undecoded(&p.u.text.hdr.calling, "123456789", TETRA_E_IDENTITY);
	/* called: not digits, an SSI out of range, a mandatory field left empty */
	assert_int_equal(dec("+CTSDSR: 13,1,0,2 3,0,16", "8004", &p), TETRA_OK);
	expect_party(&h->calling, TETRA_ID_SSI, 0, 0, 1);
	expect_undecoded(&h->called, "2 3", TETRA_E_IDENTITY);
	assert_int_equal(dec("+CTSDSR: 13,16777216,16", "8004", &p), TETRA_OK);
	expect_undecoded(&h->called, "16777216", TETRA_E_RANGE);
	assert_int_equal(dec("+CTSDSR: 13,12A,0,16", "8004", &p), TETRA_OK);
	expect_undecoded(&h->called, "12A", TETRA_E_IDENTITY);
	assert_int_equal(dec("+CTSDSR: 13,1,0,,0,16", "8004", &p), TETRA_OK);
	expect_undecoded(&h->called, "", TETRA_E_SYNTAX);
	/* a long field is cut at 24 characters, control bytes become '?' */
	assert_int_equal(dec("+CTSDSR: 13,1234567890123456789012345678\x01,0,2,0,16", "8004", &p),
			 TETRA_OK);
	expect_undecoded(&h->calling, "123456789012345678901234", TETRA_E_IDENTITY);
	assert_int_equal(dec("+CTSDSR: 13,12\x7f\xc3\xa5,0,2,0,16", "8004", &p), TETRA_OK);
	expect_undecoded(&h->calling, "12???", TETRA_E_IDENTITY);
	/* a type number that is none of EN 300 392-5's, or not a number:
	 * ignored, the type inferred from the digits */
	assert_int_equal(dec("+CTSDSR: 13,2345678,6,16", "8004", &p), TETRA_OK);
	expect_party(&h->called, TETRA_ID_SSI, 0, 0, 2345678);
	assert_int_equal(dec("+CTSDSR: 13,1,a,09011638300023404,x,16", "8004", &p), TETRA_OK);
	expect_party(&h->calling, TETRA_ID_SSI, 0, 0, 1);
	expect_party(&h->called, TETRA_ID_TSI, 901, 16383, 23404);
	/* the called type may be left empty too */
	assert_int_equal(dec("+CTSDSR: 13,1,0,2,,16", "8004", &p), TETRA_OK);
	expect_party(&h->called, TETRA_ID_SSI, 0, 0, 2);
}

/* User data that does not decode as announced: kept as raw unit data with
 * the reason and what could be read of the line. */
static void test_sds_undecoded_data(void **state)
{
	static const uint8_t s80[] = { 0x80 }, s8000[] = { 0x80, 0x00 };
	static const uint8_t r82[] = { 0x82, 0x20, 0x01, 0xc9 };
	static const uint8_t lip[] = { 0x0a, 0x01, 0xac, 0x60, 0x8a, 0x7a, 0x20, 0xd8, 0x00, 0x00 };
	struct tetra_prim p;

	/* not hex: the bytes before the bad character */
	assert_int_equal(dec(HDR(13, 16), "80G4", &p), TETRA_OK);
	expect_raw_sds(&p, TETRA_E_HEX, 13, 16, s80, sizeof(s80));
	expect_party(&p.u.unitdata.hdr.calling, TETRA_ID_SSI, 0, 0, 1234567);
	expect_party(&p.u.unitdata.hdr.called, TETRA_ID_SSI, 0, 0, 2345678);
	assert_int_equal(dec(HDR(13, 16), "80 04", &p), TETRA_OK);
	expect_raw_sds(&p, TETRA_E_HEX, 13, 16, s80, sizeof(s80));
	assert_int_equal(dec(HDR(12, 32), "822001C9Z", &p), TETRA_OK);
	expect_raw_sds(&p, TETRA_E_HEX, 12, 32, r82, sizeof(r82));
	assert_int_equal(dec(HDR(12, 8), "0x", &p), TETRA_OK);
	expect_raw_sds(&p, TETRA_E_HEX, 12, 8, s8000 + 1, 1);
	/* short: the digits there were, an odd one in the high nibble */
	assert_int_equal(dec(HDR(13, 16), "800", &p), TETRA_OK);
	expect_raw_sds(&p, TETRA_E_LENGTH, 13, 16, s8000, 2);
	assert_int_equal(dec(HDR(13, 16), "", &p), TETRA_OK);
	expect_raw_sds(&p, TETRA_E_LENGTH, 13, 16, NULL, 0);
	assert_int_equal(dec(HDR(12, 84), "0A01AC608A7A20D80000", &p), TETRA_OK);
	expect_raw_sds(&p, TETRA_E_LENGTH, 12, 84, lip, sizeof(lip));
	/* a status of another size than 16 bits */
	assert_int_equal(dec(HDR(13, 8), "80", &p), TETRA_OK);
	expect_raw_sds(&p, TETRA_E_LENGTH, 13, 8, s80, sizeof(s80));
	assert_int_equal(dec(HDR(13, 32), "80040000", &p), TETRA_OK);
	expect_raw_sds(&p, TETRA_E_LENGTH, 13, 32, (const uint8_t *)"\x80\x04\x00\x00", 4);
	/* no data line */
	assert_int_equal(dec(HDR(13, 16), NULL, &p), TETRA_OK);
	expect_raw_sds(&p, TETRA_E_NO_DATA, 13, 16, NULL, 0);
	assert_int_equal(dec("+CTSDSR: 12,2345678,32", NULL, &p), TETRA_OK);
	expect_raw_sds(&p, TETRA_E_NO_DATA, 12, 32, NULL, 0);
	assert_int_equal(p.u.unitdata.hdr.calling.type, TETRA_ID_NONE);
	/* both: an undecodable party and no data */
	assert_int_equal(dec("+CTSDSR: 13,262100101234567890,1,2345678,0,16", NULL, &p), TETRA_OK);
	expect_raw_sds(&p, TETRA_E_NO_DATA, 13, 16, NULL, 0);
	expect_undecoded(&p.u.unitdata.hdr.calling, "262100101234567890", TETRA_E_IDENTITY);
}

/* ---- call control -------------------------------------------------------- */

static void test_cticn(void **state)
{
	struct tetra_prim p;
	const struct tetra_cc_setup_param *s = &p.u.cc_setup;

	assert_int_equal(dec("+CTICN: 1,0,0,5,09011638300023404,1,1,0,1,1,5,09011638300000001,0",
			     NULL, &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNCC, TETRA_TNCC_SETUP);
	assert_int_equal(s->cc_inst, 1);
	assert_int_equal(s->call_status, 0);
	assert_int_equal(s->ai_service, 0);
	expect_party(&s->calling, TETRA_ID_EXT_TSI, 901, 16383, 23404);
	assert_true(s->hook);
	assert_true(s->simplex);
	assert_false(s->e2ee);
	assert_int_equal(s->comms_type, 1);
	assert_int_equal(s->slots_codec, 1);
	expect_party(&s->called, TETRA_ID_EXT_TSI, 901, 16383, 1);
	assert_int_equal(s->priority, 0);

	/* optional fields empty, and trailing ones left out */
	assert_int_equal(dec("+CTICN: 2,4,0,,,,,,,,,,", NULL, &p), TETRA_OK);
	assert_int_equal(s->cc_inst, 2);
	assert_int_equal(s->call_status, 4);
	assert_int_equal(s->calling.type, TETRA_ID_NONE);
	assert_int_equal(s->called.type, TETRA_ID_NONE);
	assert_false(s->hook);
	assert_int_equal(dec("+CTICN: 3,2,0,0,2345678", NULL, &p), TETRA_OK);
	expect_party(&s->calling, TETRA_ID_SSI, 0, 0, 2345678);
	assert_int_equal(s->called.type, TETRA_ID_NONE);
	assert_int_equal(dec("+CTICN:1,0,0,3,+4722334455,0,0,1,0,1,,,15", NULL, &p), TETRA_OK);
	assert_int_equal(s->calling.type, TETRA_ID_PABX);
	assert_string_equal(s->calling.digits, "+4722334455");
	assert_true(s->e2ee);
	assert_int_equal(s->priority, 15);

	assert_int_equal(dec("+CTICN: 1,0", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTICN: 1,0,0,5,1,1,1,0,1,1,5,1,0,0", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTICN: ,0,0", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTICN: 1,5,0", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CTICN: 256,0,0", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CTICN: 1,0,14", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CTICN: 1,0,0,5,09011638300023404,2", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CTICN: 1,0,0,,,,,,4", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CTICN: 1,0,0,,,,,,,,,,16", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CTICN: 1,0,0,1,9011638300023404", NULL, &p), TETRA_OK);
	expect_party(&s->calling, TETRA_ID_TSI, 901, 16383, 23404);
	assert_int_equal(dec("+CTICN: 1,0,0,1,262100101234567", NULL, &p), TETRA_OK);
	expect_party(&s->calling, TETRA_ID_TSI, 262, 1001, 1234567);
	/* parties that do not decode: kept with the reason, the call comes out */
	assert_int_equal(dec("+CTICN: 1,0,0,1,09011638300,1,1,0,1,1,1,10241638300000001,0", NULL, &p),
			 TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNCC, TETRA_TNCC_SETUP);
	expect_undecoded(&s->calling, "09011638300", TETRA_E_IDENTITY);
	expect_undecoded(&s->called, "10241638300000001", TETRA_E_RANGE);
	assert_true(s->simplex);
	assert_int_equal(s->comms_type, 1);
	/* a type number EN 300 392-5 does not have, or none: inferred */
	assert_int_equal(dec("+CTICN: 1,0,0,7,2345678", NULL, &p), TETRA_OK);
	expect_party(&s->calling, TETRA_ID_SSI, 0, 0, 2345678);
	assert_int_equal(dec("+CTICN: 1,0,0,y", NULL, &p), TETRA_OK);
	assert_int_equal(s->calling.type, TETRA_ID_NONE);
}

static void test_ctcc(void **state)
{
	struct tetra_prim p;
	const struct tetra_cc_connect_param *c = &p.u.cc_connect;

	assert_int_equal(dec("+CTCC: 1,1,1,0,0,1,1", NULL, &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNCC, TETRA_TNCC_CONNECT);
	assert_int_equal(c->cc_inst, 1);
	assert_true(c->hook);
	assert_true(c->simplex);
	assert_int_equal(c->ai_service, 0);
	assert_false(c->e2ee);
	assert_int_equal(c->comms_type, 1);
	assert_int_equal(c->slots_codec, 1);
	assert_int_equal(dec("+CTCC: 2,0,1,0", NULL, &p), TETRA_OK);
	assert_int_equal(c->cc_inst, 2);
	assert_false(c->hook);
	assert_int_equal(dec("+CTCC: 2,0,1,0,,,", NULL, &p), TETRA_OK);

	assert_int_equal(dec("+CTCC: 1,1,1", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTCC: 1,1,1,0,0,1,1,0", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTCC: 1,,1,0", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTCC: 1,2,1,0", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CTCC: 1,1,1,0,0,4", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CTCC: 1,1,1,z", NULL, &p), TETRA_E_NUMBER);
}

static void test_ctxg(void **state)
{
	struct tetra_prim p;
	const struct tetra_cc_tx_param *t = &p.u.cc_tx;

	/* TPI type 3 with a 17-digit TSI: read as a TSI */
	assert_int_equal(dec("+CTXG: 1,3,0,0,3,09011638300023404", NULL, &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNCC, TETRA_TNCC_TX);
	assert_int_equal(t->kind, TETRA_TX_GRANT);
	assert_int_equal(t->cc_inst, 1);
	assert_int_equal(t->tx_grant, 3);
	assert_int_equal(t->tx_rq_permission, 0);
	assert_false(t->e2ee);
	expect_party(&t->talker, TETRA_ID_TSI, 901, 16383, 23404);

	assert_int_equal(dec("+CTXG: 1,0,1,1", NULL, &p), TETRA_OK);
	assert_int_equal(t->tx_grant, 0);
	assert_int_equal(t->tx_rq_permission, 1);
	assert_true(t->e2ee);
	assert_int_equal(t->talker.type, TETRA_ID_NONE);
	assert_int_equal(dec("+CTXG: 1,3,0,0,,", NULL, &p), TETRA_OK);
	assert_int_equal(t->talker.type, TETRA_ID_NONE);
	assert_int_equal(dec("+CTXG: 1,3,0,0,0,2345678", NULL, &p), TETRA_OK);
	expect_party(&t->talker, TETRA_ID_SSI, 0, 0, 2345678);
	assert_int_equal(dec("+CTXG: 1,3,0,0,,09011638300023404", NULL, &p), TETRA_OK);
	expect_party(&t->talker, TETRA_ID_TSI, 901, 16383, 23404);
	assert_int_equal(dec("+CTXG: 1,3,0,0,9,2345678", NULL, &p), TETRA_OK);
	expect_party(&t->talker, TETRA_ID_SSI, 0, 0, 2345678);
	assert_int_equal(dec("+CTXG: 1,3,0,0,4,0047223344", NULL, &p), TETRA_OK);
	assert_int_equal(t->talker.type, TETRA_ID_PSTN);
	assert_string_equal(t->talker.digits, "0047223344");
	assert_int_equal(dec("+CTXG: 1,3,0,0,3", NULL, &p), TETRA_OK);
	assert_int_equal(t->talker.type, TETRA_ID_NONE);

	assert_int_equal(dec("+CTXG: 1,3,0", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTXG: 1,3,0,0,3,1,1", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTXG: 1,4,0,0", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CTXG: 1,3,2,0", NULL, &p), TETRA_E_RANGE);
	/* the talker: a TPI type that is none, inferred; a TPI that does not
	 * decode, kept with the reason */
	assert_int_equal(dec("+CTXG: 1,3,0,0,256,1", NULL, &p), TETRA_OK);
	expect_party(&t->talker, TETRA_ID_SSI, 0, 0, 1);
	assert_int_equal(dec("+CTXG: 1,3,0,0,x,1", NULL, &p), TETRA_OK);
	expect_party(&t->talker, TETRA_ID_SSI, 0, 0, 1);
	assert_int_equal(dec("+CTXG: 1,3,0,0,x", NULL, &p), TETRA_OK);
	assert_int_equal(t->talker.type, TETRA_ID_NONE);
	assert_int_equal(dec("+CTXG: 1,3,0,0,1,0901163830002340X", NULL, &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNCC, TETRA_TNCC_TX);
	assert_int_equal(t->tx_grant, 3);
	expect_undecoded(&t->talker, "0901163830002340X", TETRA_E_IDENTITY);
	assert_int_equal(dec("+CTXG: 1,3,0,0,3,09011638400023404", NULL, &p), TETRA_OK);
	expect_undecoded(&t->talker, "09011638400023404", TETRA_E_RANGE);
}

static void test_tx_others(void **state)
{
	struct tetra_prim p;
	const struct tetra_cc_tx_param *t = &p.u.cc_tx;

	assert_int_equal(dec("+CDTXC: 2,1", NULL, &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNCC, TETRA_TNCC_TX);
	assert_int_equal(t->kind, TETRA_TX_CEASED);
	assert_int_equal(t->cc_inst, 2);
	assert_int_equal(t->tx_rq_permission, 1);
	assert_int_equal(t->talker.type, TETRA_ID_NONE);
	assert_int_equal(dec("+CDTXC: 2", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CDTXC: 2,2", NULL, &p), TETRA_E_RANGE);

	assert_int_equal(dec("+CTXI: 3,1,whatever,,", NULL, &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNCC, TETRA_TNCC_TX);
	assert_int_equal(t->kind, TETRA_TX_INTERRUPT);
	assert_int_equal(t->cc_inst, 3);
	assert_int_equal(dec("+CTXW: 4", NULL, &p), TETRA_OK);
	assert_int_equal(t->kind, TETRA_TX_WAIT);
	assert_int_equal(t->cc_inst, 4);
	assert_int_equal(dec("+CTXW:  5 ,1", NULL, &p), TETRA_OK);
	assert_int_equal(t->cc_inst, 5);
	assert_int_equal(dec("+CTXD: 6,0", NULL, &p), TETRA_OK);
	assert_int_equal(t->kind, TETRA_TX_CEASED);
	assert_int_equal(t->cc_inst, 6);
	assert_int_equal(dec("+CTXD:", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTXW:", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTXI: ,1", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTXI: q", NULL, &p), TETRA_E_NUMBER);
	assert_int_equal(dec("+CTXI: 999", NULL, &p), TETRA_E_RANGE);
}

static void test_ctcr(void **state)
{
	struct tetra_prim p;

	assert_int_equal(dec("+CTCR: 1,1", NULL, &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNCC, TETRA_TNCC_RELEASE);
	assert_int_equal(p.u.cc_release.cc_inst, 1);
	assert_int_equal(p.u.cc_release.cause, 1);
	assert_int_equal(dec("+CTCR: 7,40", NULL, &p), TETRA_OK);
	assert_int_equal(p.u.cc_release.cause, 40);
	assert_int_equal(dec("+CTCR: 7,23", NULL, &p), TETRA_OK);
	assert_int_equal(dec("+CTCR: 1,41", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CTCR: 1,4294967296", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CTCR: 1", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTCR: 1,1,1", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTCR: 1,", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTCR: x,1", NULL, &p), TETRA_E_NUMBER);
	assert_int_equal(dec("+CTCR: -1,1", NULL, &p), TETRA_E_NUMBER);
	assert_int_equal(dec("+CTCR: 1,1 1", NULL, &p), TETRA_E_NUMBER);
}

static void test_cnumf(void **state)
{
	struct tetra_prim p;

	assert_int_equal(dec("+CNUMF: 6,09011638300023404", NULL, &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNMM, TETRA_TNMM_OWN_IDENTITY);
	assert_int_equal(p.u.own_identity.num_type, 6);
	expect_party(&p.u.own_identity.id, TETRA_ID_TSI, 901, 16383, 23404);
	assert_int_equal(dec("+CNUMF: 0,2345678", NULL, &p), TETRA_OK);
	expect_party(&p.u.own_identity.id, TETRA_ID_SSI, 0, 0, 2345678);
	assert_int_equal(dec("+CNUMF: 6,", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CNUMF: 6", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CNUMF: 6,242100101234567", NULL, &p), TETRA_OK);
	expect_party(&p.u.own_identity.id, TETRA_ID_TSI, 242, 1001, 1234567);
	assert_int_equal(dec("+CNUMF: 6,12345678901", NULL, &p), TETRA_OK);
	expect_undecoded(&p.u.own_identity.id, "12345678901", TETRA_E_IDENTITY);
	assert_int_equal(dec("+CNUMF: 6,10241638300023404", NULL, &p), TETRA_OK);
	expect_undecoded(&p.u.own_identity.id, "10241638300023404", TETRA_E_RANGE);
	assert_int_equal(dec("+CNUMF: 256,1", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CNUMF: six,1", NULL, &p), TETRA_E_NUMBER);
}

/* ---- SDS send result, terminal information, +CME ERROR --------------------- */

static void test_cmgs(void **state)
{
	struct tetra_prim p;
	const struct tetra_send_result_param *r = &p.u.send_result;

	assert_int_equal(dec("+CMGS: 1", NULL, &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNSDS, TETRA_TNSDS_SEND_RESULT);
	assert_int_equal(r->sds_inst, 1);
	assert_false(r->has_status);
	assert_false(r->has_msg_ref);
	assert_int_equal(dec("+CMGS: 3,4,201", NULL, &p), TETRA_OK);
	assert_int_equal(r->sds_inst, 3);
	assert_true(r->has_status);
	assert_int_equal(r->status, 4);
	assert_true(r->has_msg_ref);
	assert_int_equal(r->msg_ref, 201);
	assert_int_equal(dec("+CMGS: 2,5", NULL, &p), TETRA_OK);
	assert_int_equal(r->status, 5);
	assert_false(r->has_msg_ref);
	assert_int_equal(dec("+CMGS: 2,,7", NULL, &p), TETRA_OK);
	assert_false(r->has_status);
	assert_true(r->has_msg_ref);
	assert_int_equal(r->msg_ref, 7);

	assert_int_equal(dec("+CMGS:", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CMGS: ,4", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CMGS: 1,4,5,6", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CMGS: 256", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CMGS: 1,256", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CMGS: 1,4,256", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CMGS: 1,x", NULL, &p), TETRA_E_NUMBER);
}

static void test_ctom(void **state)
{
	struct tetra_prim p;

	assert_int_equal(dec("+CTOM: 0", NULL, &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNMM, TETRA_TNMM_OPERATING_MODE);
	assert_int_equal(p.u.mode.ai_mode, 0);
	assert_int_equal(dec("+CTOM:6", NULL, &p), TETRA_OK);
	assert_int_equal(p.u.mode.ai_mode, 6);
	assert_int_equal(dec("+CTOM: 7", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CTOM:", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTOM: 1,1", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTOM: dmo", NULL, &p), TETRA_E_NUMBER);
}

static void test_ctgs(void **state)
{
	char many[256] = "+CTGS: 2,1001";
	struct tetra_prim p;
	const struct tetra_group_param *g = &p.u.group;

	assert_int_equal(dec("+CTGS: 1,09011638300000001", NULL, &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNMM, TETRA_TNMM_GROUP);
	assert_int_equal(g->group_type, 1);
	expect_party(&g->group, TETRA_ID_TSI, 901, 16383, 1);
	/* only the first pair; the rest is not even split */
	for (int i = 0; i < 20; i++)
		strcat(many, ",3,1002");
	assert_int_equal(dec(many, NULL, &p), TETRA_OK);
	assert_int_equal(g->group_type, 2);
	expect_party(&g->group, TETRA_ID_SSI, 0, 0, 1001);
	assert_int_equal(dec("+CTGS: 3,1002,junk", NULL, &p), TETRA_OK);
	assert_int_equal(g->group_type, 3);
	/* group type "none" without a group */
	assert_int_equal(dec("+CTGS: 0,", NULL, &p), TETRA_OK);
	assert_int_equal(g->group_type, 0);
	assert_int_equal(g->group.type, TETRA_ID_NONE);

	assert_int_equal(dec("+CTGS: 1", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTGS:", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTGS: ,1001", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTGS: 8,1001", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CTGS: s,1001", NULL, &p), TETRA_E_NUMBER);
	assert_int_equal(dec("+CTGS: 1,10A1", NULL, &p), TETRA_OK);
	expect_undecoded(&g->group, "10A1", TETRA_E_IDENTITY);
	assert_int_equal(dec("+CTGS: 1,123456789", NULL, &p), TETRA_OK);
	expect_undecoded(&g->group, "123456789", TETRA_E_IDENTITY);
}

static void test_csq(void **state)
{
	struct tetra_prim p;
	const struct tetra_signal_param *q = &p.u.signal;

	assert_int_equal(dec("+CSQ: 20,99", NULL, &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNMM, TETRA_TNMM_SIGNAL);
	assert_int_equal(q->rssi, 20);
	assert_int_equal(q->ber, 99);
	assert_true(q->known);
	assert_int_equal(q->dbm, -73);
	assert_int_equal(dec("+CSQ: 0,0", NULL, &p), TETRA_OK);
	assert_int_equal(q->dbm, -113);
	assert_int_equal(dec("+CSQ: 31,7", NULL, &p), TETRA_OK);
	assert_int_equal(q->dbm, -51);
	assert_int_equal(q->ber, 7);
	assert_int_equal(dec("+CSQ: 99,99", NULL, &p), TETRA_OK);
	assert_false(q->known);
	assert_int_equal(q->rssi, 99);

	assert_int_equal(dec("+CSQ: 32,0", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CSQ: 98,0", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CSQ: 100,0", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CSQ: 20,8", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CSQ: 20", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CSQ: 20,99,1", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CSQ: ,99", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CSQ: -1,0", NULL, &p), TETRA_E_NUMBER);
}

static void test_creg(void **state)
{
	struct tetra_prim p;
	const struct tetra_registration_param *r = &p.u.registration;

	assert_int_equal(dec("+CREG: 1", NULL, &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNMM, TETRA_TNMM_REGISTRATION);
	assert_int_equal(r->stat, 1);
	assert_false(r->has_la);
	assert_false(r->has_mni);
	/* decimal: LA, and MNI as the TSI prints it (MCC, 5-digit MNC) */
	assert_int_equal(dec("+CREG: 1,1001,24200016", NULL, &p), TETRA_OK);
	assert_true(r->has_la);
	assert_int_equal(r->la, 1001);
	assert_true(r->has_mni);
	assert_int_equal(r->mcc, 242);
	assert_int_equal(r->mnc, 16);
	assert_int_equal(dec("+CREG: 5,12,090116383", NULL, &p), TETRA_OK);
	assert_int_equal(r->stat, 5);
	assert_int_equal(r->mcc, 901);
	assert_int_equal(r->mnc, 16383);
	assert_int_equal(dec("+CREG: 5,12,100001", NULL, &p), TETRA_OK);
	assert_int_equal(r->mcc, 1);
	assert_int_equal(r->mnc, 1);
	/* quoted: hex, LA as 3GPP prints a LAC, MNI as MCC(10) MNC(14) */
	assert_int_equal(dec("+CREG: 1,\"03E9\",\"3C8010\"", NULL, &p), TETRA_OK);
	assert_int_equal(r->la, 1001);
	assert_int_equal(r->mcc, 242);
	assert_int_equal(r->mnc, 16);
	assert_int_equal(dec("+CREG: 1,\"ffff\"", NULL, &p), TETRA_OK);
	assert_int_equal(r->la, 0xffff);
	assert_false(r->has_mni);
	/* empty LA and MNI are absent */
	assert_int_equal(dec("+CREG: 2,,", NULL, &p), TETRA_OK);
	assert_false(r->has_la);
	assert_false(r->has_mni);
	assert_int_equal(dec("+CREG: 1,,24200016", NULL, &p), TETRA_OK);
	assert_false(r->has_la);
	assert_true(r->has_mni);

	assert_int_equal(dec("+CREG:", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CREG: 1,2,3,4", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CREG: 1,\"\"", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CREG: 6", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CREG: 1,65536", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CREG: 1,\"10000\"", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CREG: 1,1,12345", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CREG: 1,1,1024000001", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CREG: 1,1,102400001", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CREG: 1,1,24216384", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CREG: 1,1,\"1000000\"", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CREG: 1,\"G1\"", NULL, &p), TETRA_E_NUMBER);
	assert_int_equal(dec("+CREG: 1,0x10", NULL, &p), TETRA_E_NUMBER);
	assert_int_equal(dec("+CREG: 1,1,24200A16", NULL, &p), TETRA_E_NUMBER);
	assert_int_equal(dec("+CREG: 1,1,2420", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CREG: 1,1,24A0", NULL, &p), TETRA_E_NUMBER);
	assert_int_equal(dec("+CREG: home", NULL, &p), TETRA_E_NUMBER);
}

/* ---- answers to commands: +GPSPOS ---------------------------------------- */

static void expect_near(double got, double want)
{
	assert_true(got > want - 1e-6 && got < want + 1e-6);
}

static void test_gpspos(void **state)
{
	struct tetra_prim p;
	const struct tetra_position_param *o = &p.u.position;

	/* the public client's demo answer: 52 deg 20.9931' N, 13 deg 22.6631' E */
	assert_int_equal(dec("+GPSPOS: 12:34:56,N: 52_20.9931,E: 013_22.6631,7", NULL, &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNMM, TETRA_TNMM_POSITION);
	assert_int_equal(o->decode_error, 0);
	assert_true(o->has_time);
	assert_int_equal(o->hour, 12);
	assert_int_equal(o->minute, 34);
	assert_int_equal(o->second, 56);
	assert_true(o->has_position);
	expect_near(o->latitude, 52 + 20.9931 / 60);
	expect_near(o->longitude, 13 + 22.6631 / 60);
	assert_true(o->has_satellites);
	assert_int_equal(o->satellites, 7);
	assert_string_equal(o->text, "12:34:56,N: 52_20.9931,E: 013_22.6631,7");
	/* south and west, lower case, no blank, whole minutes, CR LF */
	assert_int_equal(dec("+GPSPOS:1:02:03,s:33_52,w:070_40.5,12\r\n", NULL, &p), TETRA_OK);
	assert_int_equal(o->decode_error, 0);
	expect_near(o->latitude, -(33 + 52.0 / 60));
	expect_near(o->longitude, -(70 + 40.5 / 60));
	assert_int_equal(o->hour, 1);
	/* Nødnett country: 69 deg 40' N, 18 deg 57' E; edges */
	assert_int_equal(dec("+GPSPOS: 23:59:60,N: 69_40.0000,E: 018_57.0000,0", NULL, &p), TETRA_OK);
	assert_int_equal(o->decode_error, 0);
	assert_int_equal(o->satellites, 0);
	assert_int_equal(dec("+GPSPOS: 00:00:00,S: 90_00.0000,W: 180_00.0000,255", NULL, &p), TETRA_OK);
	expect_near(o->latitude, -90);
	expect_near(o->longitude, -180);

	/* parts that do not decode: the others are kept, the text too */
	assert_int_equal(dec("+GPSPOS: 24:00:00,N: 52_20.9931,E: 013_22.6631,7", NULL, &p), TETRA_OK);
	assert_int_equal(o->decode_error, TETRA_E_RANGE);
	assert_false(o->has_time);
	assert_true(o->has_position);
	assert_true(o->has_satellites);
	assert_int_equal(dec("+GPSPOS: 12:34:56,N: 91_00.0000,E: 013_22.6631,7", NULL, &p), TETRA_OK);
	assert_int_equal(o->decode_error, TETRA_E_RANGE);
	assert_true(o->has_time);
	assert_false(o->has_position);
	assert_true(o->latitude == 0.0 && o->longitude == 0.0);
	assert_int_equal(dec("+GPSPOS: 12:34:56,N: 52_60.0000,E: 013_22.6631,7", NULL, &p), TETRA_OK);
	assert_int_equal(o->decode_error, TETRA_E_RANGE);
	assert_false(o->has_position);
	assert_int_equal(dec("+GPSPOS: 12:34:56,X: 52_20.9931,E: 013_22.6631,7", NULL, &p), TETRA_OK);
	assert_int_equal(o->decode_error, TETRA_E_SYNTAX);
	assert_int_equal(dec("+GPSPOS: 12:34:56,N: 52.20.9931,E: 013_22.6631,7", NULL, &p), TETRA_OK);
	assert_int_equal(o->decode_error, TETRA_E_SYNTAX);
	assert_int_equal(dec("+GPSPOS: 12:34:56,N: 52_20.9931,E: 0130_22.6631,7", NULL, &p), TETRA_OK);
	assert_int_equal(o->decode_error, TETRA_E_RANGE);
	assert_int_equal(dec("+GPSPOS: 12:34:56,N: 5x_20.9931,E: 013_22.6631,7", NULL, &p), TETRA_OK);
	assert_int_equal(o->decode_error, TETRA_E_NUMBER);
	assert_int_equal(dec("+GPSPOS: 12:34:56,N: 52_20.99x,E: 013_22.6631,7", NULL, &p), TETRA_OK);
	assert_int_equal(o->decode_error, TETRA_E_NUMBER);
	assert_int_equal(dec("+GPSPOS: 12:34:56,N: 52_20.9931,E: 013_22.6631,", NULL, &p), TETRA_OK);
	assert_int_equal(o->decode_error, TETRA_E_SYNTAX);
	assert_true(o->has_time && o->has_position);
	assert_false(o->has_satellites);
	assert_int_equal(dec("+GPSPOS: 12.34.56,N: 52_20.9931,E: 013_22.6631,7", NULL, &p), TETRA_OK);
	assert_int_equal(o->decode_error, TETRA_E_SYNTAX);
	/* another layout: nothing decoded, the text kept (cut at 96, '?' for
	 * what is not printable ASCII) */
	assert_int_equal(dec("+GPSPOS: no fix", NULL, &p), TETRA_OK);
	assert_int_equal(o->decode_error, TETRA_E_SYNTAX);
	assert_false(o->has_time || o->has_position || o->has_satellites);
	assert_string_equal(o->text, "no fix");
	assert_int_equal(dec("+GPSPOS:", NULL, &p), TETRA_OK);
	assert_string_equal(o->text, "");
	{
		char line[160] = "+GPSPOS: \xc3\xa5";
		for (int i = 0; i < 12; i++)
			strcat(line, "0123456789");
		assert_int_equal(dec(line, NULL, &p), TETRA_OK);
		assert_int_equal(strlen(o->text), TETRA_ANSWER_TEXT_MAX);
		assert_memory_equal(o->text, "??0123456789", 12);
	}
	assert_int_equal(dec("+GPSPOS 12:34:56", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+GPSPOSX: 1", NULL, &p), TETRA_E_UNKNOWN_URC);
}

/* ---- answers to test commands: "+NAME: (..),(..)" ----------------------- */

static void expect_span(const struct tetra_supported_values_param *v, unsigned param, unsigned k,
			uint32_t low, uint32_t high)
{
	assert_true(param < v->n_params);
	assert_true(k < v->param[param].n_spans);
	assert_int_equal(v->param[param].span[k].low, low);
	assert_int_equal(v->param[param].span[k].high, high);
}

static void test_supported_values(void **state)
{
	struct tetra_prim p;
	const struct tetra_supported_values_param *v = &p.u.supported;

	/* AT+CMGS=? */
	assert_int_equal(dec("+CMGS: (0-255),(0-2047)", NULL, &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNMM, TETRA_TNMM_SUPPORTED_VALUES);
	assert_string_equal(v->command, "+CMGS");
	assert_int_equal(v->decode_error, 0);
	assert_int_equal(v->n_params, 2);
	assert_int_equal(v->param[0].n_spans, 1);
	expect_span(v, 0, 0, 0, 255);
	expect_span(v, 1, 0, 0, 2047);
	assert_string_equal(v->text, "(0-255),(0-2047)");
	/* lists, single values, blanks, an empty list, a bare parameter */
	assert_int_equal(dec("+CREG: ( 0 , 2 - 5,7 ) , (), 3\r\n", NULL, &p), TETRA_OK);
	assert_string_equal(v->command, "+CREG");
	assert_int_equal(v->decode_error, 0);
	assert_int_equal(v->n_params, 3);
	assert_int_equal(v->param[0].n_spans, 3);
	expect_span(v, 0, 0, 0, 0);
	expect_span(v, 0, 1, 2, 5);
	expect_span(v, 0, 2, 7, 7);
	assert_int_equal(v->param[1].n_spans, 0);
	expect_span(v, 2, 0, 3, 3);
	/* every result code but +CTSDSR and +CME ERROR may answer its test command */
	assert_int_equal(dec("+CTOM: (0-6)", NULL, &p), TETRA_OK);
	assert_string_equal(v->command, "+CTOM");
	expect_span(v, 0, 0, 0, 6);
	assert_int_equal(dec("+CSQ:(0-31,99),(0-7,99)", NULL, &p), TETRA_OK);
	assert_string_equal(v->command, "+CSQ");
	expect_span(v, 1, 1, 99, 99);
	assert_int_equal(dec("+CTSDSR: (9-13)", "8004", &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CME ERROR: (1)", NULL, &p), TETRA_E_NUMBER);

	/* what is not numbers stays in the text; too much is cut */
	assert_int_equal(dec("+CMGS: (\"SSI\",\"TSI\"),(0-2047)", NULL, &p), TETRA_OK);
	assert_int_equal(v->decode_error, TETRA_E_NUMBER);
	assert_int_equal(v->n_params, 2);
	assert_int_equal(v->param[0].n_spans, 0);
	expect_span(v, 1, 0, 0, 2047);
	assert_int_equal(dec("+CMGS: (5-1)", NULL, &p), TETRA_OK);
	assert_int_equal(v->decode_error, TETRA_E_RANGE);
	assert_int_equal(dec("+CMGS: (0-123456789)", NULL, &p), TETRA_OK);
	assert_int_equal(v->decode_error, TETRA_E_RANGE);
	assert_int_equal(dec("+CMGS: (0,1,2,3,4,5),(1)", NULL, &p), TETRA_OK);
	assert_int_equal(v->decode_error, TETRA_E_NO_SPACE);
	assert_int_equal(v->param[0].n_spans, TETRA_SUPPORTED_MAX_SPANS);
	expect_span(v, 0, 3, 3, 3);
	expect_span(v, 1, 0, 1, 1);
	assert_int_equal(dec("+CMGS: (1),(2),(3),(4),(5),(6),(7),(8),(9),(10)", NULL, &p), TETRA_OK);
	assert_int_equal(v->decode_error, TETRA_E_NO_SPACE);
	assert_int_equal(v->n_params, TETRA_SUPPORTED_MAX_PARAMS);
	expect_span(v, 7, 0, 8, 8);
	/* unbalanced: nothing decoded, the text kept */
	assert_int_equal(dec("+CMGS: (0-255,(0-2047)", NULL, &p), TETRA_OK);
	assert_int_equal(v->decode_error, TETRA_E_SYNTAX);
	assert_int_equal(v->n_params, 0);
	assert_string_equal(v->text, "(0-255,(0-2047)");
	assert_int_equal(dec("+CMGS: (0-255", NULL, &p), TETRA_OK);
	assert_int_equal(v->decode_error, TETRA_E_SYNTAX);
	assert_int_equal(dec("+CMGS: (0-255)x", NULL, &p), TETRA_OK);
	assert_int_equal(v->decode_error, TETRA_E_SYNTAX);
	assert_int_equal(dec("+CMGS: (1),2)", NULL, &p), TETRA_OK);
	assert_int_equal(v->decode_error, TETRA_E_SYNTAX);
	/* a send result is still one */
	assert_int_equal(dec("+CMGS: 3,4,201", NULL, &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNSDS, TETRA_TNSDS_SEND_RESULT);
}

/* ---- answers: +CNUMS / +CNUMD --------------------------------------------- */

static void test_cnum_lists(void **state)
{
	struct tetra_prim p;
	const struct tetra_identity_entry_param *e = &p.u.identity_entry;

	assert_int_equal(dec("+CNUMS: 1,09011638300001001,\"BRANN-1\"", NULL, &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNMM, TETRA_TNMM_IDENTITY_ENTRY);
	assert_int_equal(e->list, TETRA_IDENTITIES_STATIC);
	assert_int_equal(e->decode_error, 0);
	assert_true(e->has_num_type);
	assert_int_equal(e->num_type, 1);
	expect_party(&e->id, TETRA_ID_TSI, 901, 16383, 1001);
	assert_string_equal(e->alias, "BRANN-1");
	assert_string_equal(e->text, "1,09011638300001001,\"BRANN-1\"");
	/* dynamic; a short group; no alias; a Norwegian 15-digit TSI */
	assert_int_equal(dec("+CNUMD: 1,1001", NULL, &p), TETRA_OK);
	assert_int_equal(e->list, TETRA_IDENTITIES_DYNAMIC);
	expect_party(&e->id, TETRA_ID_SSI, 0, 0, 1001);
	assert_string_equal(e->alias, "");
	assert_int_equal(dec("+CNUMD: 7,242100100000101", NULL, &p), TETRA_OK);
	expect_party(&e->id, TETRA_ID_TSI, 242, 1001, 101);
	/* everything after the identity is the alias, commas and all; not
	 * quoted; what is not printable ASCII as '?' */
	assert_int_equal(dec("+CNUMS: 1,1002,\"A,B\", x", NULL, &p), TETRA_OK);
	assert_string_equal(e->alias, "\"A,B\", x");
	assert_int_equal(dec("+CNUMS: 1,1002, BRANN \xc3\x85L ", NULL, &p), TETRA_OK);
	assert_string_equal(e->alias, "BRANN ??L");
	assert_int_equal(dec("+CNUMS: 1,1002,\"\"", NULL, &p), TETRA_OK);
	assert_string_equal(e->alias, "");
	assert_int_equal(e->decode_error, 0);

	/* parts that do not decode: the rest kept, and the text */
	assert_int_equal(dec("+CNUMS: x,1001,\"A\"", NULL, &p), TETRA_OK);
	assert_int_equal(e->decode_error, TETRA_E_NUMBER);
	assert_false(e->has_num_type);
	expect_party(&e->id, TETRA_ID_SSI, 0, 0, 1001);
	assert_string_equal(e->alias, "A");
	assert_int_equal(dec("+CNUMS: 1,123456789,\"A\"", NULL, &p), TETRA_OK);
	assert_int_equal(e->decode_error, TETRA_E_IDENTITY);
	expect_undecoded(&e->id, "123456789", TETRA_E_IDENTITY);
	assert_int_equal(dec("+CNUMS: 1,", NULL, &p), TETRA_OK);
	assert_int_equal(e->decode_error, TETRA_E_SYNTAX);
	expect_undecoded(&e->id, "", TETRA_E_SYNTAX);
	/* another form: only the text */
	assert_int_equal(dec("+CNUMS: 3", NULL, &p), TETRA_OK);
	assert_int_equal(e->decode_error, TETRA_E_SYNTAX);
	assert_false(e->has_num_type);
	assert_int_equal(e->id.type, TETRA_ID_NONE);
	assert_string_equal(e->text, "3");
	assert_int_equal(dec("+CNUMS:", NULL, &p), TETRA_OK);
	assert_int_equal(e->decode_error, TETRA_E_SYNTAX);
	/* the test commands' answers: supported values */
	assert_int_equal(dec("+CNUMS: (0-63)", NULL, &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_TNMM, TETRA_TNMM_SUPPORTED_VALUES);
	assert_string_equal(p.u.supported.command, "+CNUMS");
	expect_span(&p.u.supported, 0, 0, 0, 63);
	assert_int_equal(dec("+CNUMD: (0-7),(0-99)", NULL, &p), TETRA_OK);
	assert_string_equal(p.u.supported.command, "+CNUMD");
	expect_span(&p.u.supported, 1, 0, 0, 99);

	assert_int_equal(dec("+CNUMS 1,1001", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CNUMX: 1,1001", NULL, &p), TETRA_E_UNKNOWN_URC);
}

static void test_cme_error(void **state)
{
	struct tetra_prim p;

	assert_int_equal(dec("+CME ERROR: 35", NULL, &p), TETRA_OK);
	expect_prim(&p, TETRA_SAP_LINK, TETRA_LINK_CME_ERROR);
	assert_int_equal(p.u.link.cme, 35);
	assert_int_equal(p.u.link.own.type, TETRA_ID_NONE);
	assert_int_equal(dec("+CME ERROR:0\r\n", NULL, &p), TETRA_OK);
	assert_int_equal(p.u.link.cme, 0);
	assert_int_equal(dec("+CME ERROR: 65535", NULL, &p), TETRA_OK);
	assert_int_equal(p.u.link.cme, 65535);

	assert_int_equal(dec("+CME ERROR: 65536", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CME ERROR: SIM failure", NULL, &p), TETRA_E_NUMBER);
	assert_int_equal(dec("+CME ERROR:", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CME ERROR: 1,2", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CME ERROR 35", NULL, &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CME ERRORS: 35", NULL, &p), TETRA_E_SYNTAX);
}

static void test_unknown(void **state)
{
	static const char *const v[] = {
		"", "+", "OK", "ERROR", "+CTSDS: 13,0", "+CME: 35", "+CMEERROR: 35", "+CME ERRO",
		"+CTSDSRX: 13,2,16", "+ctcr: 1,1", "CTCR: 1,1", " +CTCR: 1,1", "+CMGR: 1",
		"+CREGX: 1", "+CS: 1",
	};
	struct tetra_prim p;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(dec(v[i], NULL, &p), TETRA_E_UNKNOWN_URC);
	assert_int_equal(tetra_pei_decode(NULL, 5, NULL, 0, &p), TETRA_E_UNKNOWN_URC);
	/* len is the limit, not a NUL */
	assert_int_equal(tetra_pei_decode("+CTCR: 1,1", 4, NULL, 0, &p), TETRA_E_UNKNOWN_URC);
	assert_int_equal(tetra_pei_decode("+CTCR: 1,12", 10, NULL, 0, &p), TETRA_OK);
	assert_int_equal(p.u.cc_release.cause, 1);
}

/* ---- robustness ---------------------------------------------------------- */

static const struct { const char *line, *data; } valid[] = {
	{ HDR(13, 16), "8004" },
	{ HDR(13, 16), "7E9C" },
	{ "+CTSDSR: 13,2345678,16", "8004" },
	{ "+CTSDSR: 12,09011638300023404,1,32", "821000C9" },
	{ "+CTSDSR:13,09011638300023404,1,2345678,0,16,1", "8004" },
	{ HDR(12, 84), "0A01AC608A7A20D8000000" },
	{ HDR(12, 84), "0A01AC608A7A20D800000" },
	{ HDR(12, 192), "8A02C981045A8F050003C90201746573746D657373616765" },
	{ "+CTICN: 1,0,0,5,09011638300023404,1,1,0,1,1,5,09011638300000001,0", NULL },
	{ "+CTICN:1,0,0,3,+4722334455,0,0,1,0,1,,,15", NULL },
	{ "+CTCC: 1,1,1,0,0,1,1", NULL },
	{ "+CTXG: 1,3,0,0,3,09011638300023404", NULL },
	{ "+CDTXC: 2,1", NULL },
	{ "+CTXI: 3,1,whatever,,", NULL },
	{ "+CTXW: 4", NULL },
	{ "+CTCR: 7,40", NULL },
	{ "+CNUMF: 6,09011638300023404", NULL },
	{ HDR(12, 120), "82029C01746573746D657373616765" },
	{ HDR(12, 32), "822001C9" },
	{ "+CTSDSR: 12,1234567,0,2345678,0,104", "0A4E73DDA841F55809493CC081" },
	{ "+CMGS: 3,4,201", NULL },
	{ "+CTOM: 1", NULL },
	{ "+CTGS: 1,09011638300000001,2,1002", NULL },
	{ "+CSQ: 20,99", NULL },
	{ "+CREG: 1,1001,24200016", NULL },
	{ "+CREG: 1,\"03E9\",\"3C8010\"", NULL },
	{ "+CME ERROR: 35", NULL },
	{ "+CTXD: 1", NULL },
	{ "+GPSPOS: 12:34:56,N: 52_20.9931,E: 013_22.6631,7", NULL },
	{ "+CMGS: (0-255),(0-2047)", NULL },
	{ "+CREG: ( 0 , 2 - 5,7 ) , (), 3", NULL },
	{ "+CNUMS: 1,09011638300001001,\"BRANN-1\"", NULL },
	{ "+CNUMD: (0-7),(0-99)", NULL },
};

static void check_rc(int rc)
{
	assert_true(rc <= TETRA_OK && rc >= TETRA_E_TOO_LONG);
	assert_string_not_equal(tetra_codec_strerror(rc), "unknown_error");
}

static void test_valid_vectors_decode(void **state)
{
	struct tetra_prim p;

	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		assert_int_equal(dec(valid[i].line, valid[i].data, &p), TETRA_OK);
}

/* Every prefix of every valid line (and of its data line): an error or a
 * success, never a crash or a read past len (ASan). */
static void test_truncated_prefixes(void **state)
{
	struct tetra_prim p;

	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		const char *l = valid[i].line, *d = valid[i].data;
		size_t ln = strlen(l), dn = d ? strlen(d) : 0;

		for (size_t n = 0; n <= ln; n++) {
			check_rc(dec_n(l, n, d, dn, &p));
			check_rc(dec_n(l, n, NULL, 0, &p));
		}
		/* data shorter than the bit length needs: always raw unit
		 * data with TETRA_E_LENGTH and the n digits' worth of bytes
		 * (only the Motorola vector carries a pad nibble) */
		for (size_t n = 0; d && n <= dn; n++) {
			size_t pad = strcmp(d, "0A01AC608A7A20D8000000") == 0;
			int rc = dec_n(l, ln, d, n, &p);
			assert_int_equal(rc, TETRA_OK);
			if (n < dn - pad) {
				expect_prim(&p, TETRA_SAP_TNSDS, TETRA_TNSDS_UNITDATA);
				assert_int_equal(p.u.unitdata.decode_error, TETRA_E_LENGTH);
				assert_int_equal(p.u.unitdata.len, (n + 1) / 2);
			}
		}
	}
}

/* Random mutations of valid vectors. */
static void test_mutations(void **state)
{
	static const char alphabet[] = "0123456789,: +-ACDEFGINRSTXabcf\r\n\t\0\xff";
	struct tetra_prim p;
	uint32_t x = 12345;
	char l[128], d[128];

	for (unsigned iter = 0; iter < 200000; iter++) {
		size_t i = iter % (sizeof(valid) / sizeof(valid[0]));
		size_t ln = strlen(valid[i].line), dn = valid[i].data ? strlen(valid[i].data) : 0;

		memcpy(l, valid[i].line, ln);
		if (dn)
			memcpy(d, valid[i].data, dn);
		for (int k = 0; k < 3; k++) {
			x = x * 1103515245u + 12345u;
			l[(x >> 8) % ln] = alphabet[(x >> 20) % (sizeof(alphabet) - 1)];
			if (dn) {
				x = x * 1103515245u + 12345u;
				d[(x >> 8) % dn] = alphabet[(x >> 20) % (sizeof(alphabet) - 1)];
			}
		}
		x = x * 1103515245u + 12345u;
		check_rc(dec_n(l, ln - (x >> 16) % 3 * (ln > 3), valid[i].data ? d : NULL, dn, &p));
	}
}

/* ---- names --------------------------------------------------------------- */

static void test_prim_names(void **state)
{
	struct osmo_prim_hdr oph;

	osmo_prim_init(&oph, TETRA_SAP_TNSDS, TETRA_TNSDS_STATUS, PRIM_OP_INDICATION, NULL);
	assert_string_equal(tetra_prim_name(&oph), "TNSDS-STATUS.ind");
	osmo_prim_init(&oph, TETRA_SAP_TNSDS, TETRA_TNSDS_SHORT_REPORT, PRIM_OP_INDICATION, NULL);
	assert_string_equal(tetra_prim_name(&oph), "TNSDS-SHORT-REPORT.ind");
	osmo_prim_init(&oph, TETRA_SAP_TNSDS, TETRA_TNSDS_UNITDATA, PRIM_OP_REQUEST, NULL);
	assert_string_equal(tetra_prim_name(&oph), "TNSDS-UNITDATA.req");
	osmo_prim_init(&oph, TETRA_SAP_TNCC, TETRA_TNCC_SETUP, PRIM_OP_INDICATION, NULL);
	assert_string_equal(tetra_prim_name(&oph), "TNCC-SETUP.ind");
	osmo_prim_init(&oph, TETRA_SAP_TNCC, TETRA_TNCC_CONNECT, PRIM_OP_CONFIRM, NULL);
	assert_string_equal(tetra_prim_name(&oph), "TNCC-CONNECT.conf");
	osmo_prim_init(&oph, TETRA_SAP_TNCC, TETRA_TNCC_TX, PRIM_OP_INDICATION, NULL);
	assert_string_equal(tetra_prim_name(&oph), "TNCC-TX.ind");
	osmo_prim_init(&oph, TETRA_SAP_TNCC, TETRA_TNCC_RELEASE, PRIM_OP_RESPONSE, NULL);
	assert_string_equal(tetra_prim_name(&oph), "TNCC-RELEASE.resp");
	osmo_prim_init(&oph, TETRA_SAP_TNMM, TETRA_TNMM_OWN_IDENTITY, PRIM_OP_INDICATION, NULL);
	assert_string_equal(tetra_prim_name(&oph), "TNMM-OWN-IDENTITY.ind");
	osmo_prim_init(&oph, TETRA_SAP_LINK, TETRA_LINK_UP, PRIM_OP_INDICATION, NULL);
	assert_string_equal(tetra_prim_name(&oph), "LINK-UP.ind");
	osmo_prim_init(&oph, TETRA_SAP_LINK, TETRA_LINK_DOWN, PRIM_OP_INDICATION, NULL);
	assert_string_equal(tetra_prim_name(&oph), "LINK-DOWN.ind");

	osmo_prim_init(&oph, TETRA_SAP_LINK, TETRA_LINK_CME_ERROR, PRIM_OP_INDICATION, NULL);
	assert_string_equal(tetra_prim_name(&oph), "LINK-CME-ERROR.ind");
	osmo_prim_init(&oph, TETRA_SAP_TNSDS, TETRA_TNSDS_TEXT, PRIM_OP_INDICATION, NULL);
	assert_string_equal(tetra_prim_name(&oph), "TNSDS-TEXT.ind");
	osmo_prim_init(&oph, TETRA_SAP_TNSDS, TETRA_TNSDS_LOCATION, PRIM_OP_INDICATION, NULL);
	assert_string_equal(tetra_prim_name(&oph), "TNSDS-LOCATION.ind");
	osmo_prim_init(&oph, TETRA_SAP_TNSDS, TETRA_TNSDS_LOCATION_CONTROL, PRIM_OP_INDICATION, NULL);
	assert_string_equal(tetra_prim_name(&oph), "TNSDS-LOCATION-CONTROL.ind");
	osmo_prim_init(&oph, TETRA_SAP_TNSDS, TETRA_TNSDS_REPORT, PRIM_OP_INDICATION, NULL);
	assert_string_equal(tetra_prim_name(&oph), "TNSDS-REPORT.ind");
	osmo_prim_init(&oph, TETRA_SAP_TNSDS, TETRA_TNSDS_SEND_RESULT, PRIM_OP_CONFIRM, NULL);
	assert_string_equal(tetra_prim_name(&oph), "TNSDS-SEND-RESULT.conf");
	osmo_prim_init(&oph, TETRA_SAP_TNMM, TETRA_TNMM_OPERATING_MODE, PRIM_OP_INDICATION, NULL);
	assert_string_equal(tetra_prim_name(&oph), "TNMM-OPERATING-MODE.ind");
	osmo_prim_init(&oph, TETRA_SAP_TNMM, TETRA_TNMM_GROUP, PRIM_OP_INDICATION, NULL);
	assert_string_equal(tetra_prim_name(&oph), "TNMM-GROUP.ind");
	osmo_prim_init(&oph, TETRA_SAP_TNMM, TETRA_TNMM_SIGNAL, PRIM_OP_INDICATION, NULL);
	assert_string_equal(tetra_prim_name(&oph), "TNMM-SIGNAL.ind");
	osmo_prim_init(&oph, TETRA_SAP_TNMM, TETRA_TNMM_REGISTRATION, PRIM_OP_INDICATION, NULL);
	assert_string_equal(tetra_prim_name(&oph), "TNMM-REGISTRATION.ind");
	osmo_prim_init(&oph, TETRA_SAP_TNMM, TETRA_TNMM_POSITION, PRIM_OP_INDICATION, NULL);
	assert_string_equal(tetra_prim_name(&oph), "TNMM-POSITION.ind");
	osmo_prim_init(&oph, TETRA_SAP_TNMM, TETRA_TNMM_SUPPORTED_VALUES, PRIM_OP_INDICATION, NULL);
	assert_string_equal(tetra_prim_name(&oph), "TNMM-SUPPORTED-VALUES.ind");
	osmo_prim_init(&oph, TETRA_SAP_TNMM, TETRA_TNMM_IDENTITY_ENTRY, PRIM_OP_INDICATION, NULL);
	assert_string_equal(tetra_prim_name(&oph), "TNMM-IDENTITY-ENTRY.ind");

	osmo_prim_init(&oph, TETRA_SAP_LINK, 7, PRIM_OP_INDICATION, NULL);
	assert_string_equal(tetra_prim_name(&oph), "unknown");
	osmo_prim_init(&oph, TETRA_SAP_LINK, 0x100 | TETRA_LINK_UP, PRIM_OP_INDICATION, NULL);
	assert_string_equal(tetra_prim_name(&oph), "unknown");
	osmo_prim_init(&oph, TETRA_SAP_LINK, TETRA_LINK_UP, (enum osmo_prim_operation)4, NULL);
	assert_string_equal(tetra_prim_name(&oph), "unknown");
	osmo_prim_init(&oph, _SAP_GSM_BASE, 0, PRIM_OP_INDICATION, NULL);
	assert_string_equal(tetra_prim_name(&oph), "unknown");
	assert_string_equal(tetra_prim_name(NULL), "unknown");
}

static void test_decoded_prim_names(void **state)
{
	struct tetra_prim p;

	assert_int_equal(dec(HDR(13, 16), "8004", &p), TETRA_OK);
	assert_string_equal(tetra_prim_name(&p.oph), "TNSDS-STATUS.ind");
	assert_int_equal(dec("+CTXG: 1,3,0,0,3,09011638300023404", NULL, &p), TETRA_OK);
	assert_string_equal(tetra_prim_name(&p.oph), "TNCC-TX.ind");
}

static void test_value_names(void **state)
{
	assert_string_equal(tetra_disconnect_cause_name(0), "unknown");
	assert_string_equal(tetra_disconnect_cause_name(1), "user request");
	assert_string_equal(tetra_disconnect_cause_name(2), "busy");
	assert_string_equal(tetra_disconnect_cause_name(22), "same DM-GATE");
	for (unsigned c = 23; c <= 30; c++)
		assert_string_equal(tetra_disconnect_cause_name(c), "reserved");
	assert_string_equal(tetra_disconnect_cause_name(31), "unacceptable service");
	assert_string_equal(tetra_disconnect_cause_name(40), "security parameter mismatch");
	for (unsigned c = 0; c <= 40; c++)
		assert_string_not_equal(tetra_disconnect_cause_name(c), "unlisted");
	assert_string_equal(tetra_disconnect_cause_name(41), "unlisted");
	assert_string_equal(tetra_disconnect_cause_name(~0u), "unlisted");

	assert_string_equal(tetra_cme_error_name(0), "cannot send over the air");
	assert_string_equal(tetra_cme_error_name(35), "syntax error");
	assert_string_equal(tetra_cme_error_name(43), "not possible in V+D");
	assert_string_equal(tetra_cme_error_name(6), "unlisted");
	assert_string_equal(tetra_cme_error_name(44), "unlisted");

	assert_string_equal(tetra_call_status_name(0), "progressing");
	assert_string_equal(tetra_call_status_name(4), "hang time expired");
	assert_string_equal(tetra_call_status_name(5), "unlisted");
	assert_string_equal(tetra_tx_grant_name(0), "granted");
	assert_string_equal(tetra_tx_grant_name(3), "granted to another");
	assert_string_equal(tetra_tx_grant_name(4), "unlisted");

	assert_string_equal(tetra_ai_mode_name(0), "TMO");
	assert_string_equal(tetra_ai_mode_name(1), "DMO");
	assert_string_equal(tetra_ai_mode_name(6), "DMO repeater");
	assert_string_equal(tetra_ai_mode_name(7), "unlisted");
	assert_string_equal(tetra_group_type_name(0), "none");
	assert_string_equal(tetra_group_type_name(1), "select");
	assert_string_equal(tetra_group_type_name(7), "scan priority 6");
	assert_string_equal(tetra_group_type_name(8), "unlisted");
	assert_string_equal(tetra_reg_stat_name(1), "registered, home network");
	assert_string_equal(tetra_reg_stat_name(5), "registered, visited network");
	assert_string_equal(tetra_reg_stat_name(6), "unlisted");
	assert_string_equal(tetra_send_status_name(4), "sent");
	assert_string_equal(tetra_send_status_name(5), "failed");
	assert_string_equal(tetra_send_status_name(0), "unlisted");
	assert_string_equal(tetra_report_request_name(0), "none");
	assert_string_equal(tetra_report_request_name(3), "received and consumed");
	assert_string_equal(tetra_report_request_name(4), "unlisted");
	assert_string_equal(tetra_time_elapsed_name(0), "<5 s");
	assert_string_equal(tetra_time_elapsed_name(3), "unknown");
	assert_string_equal(tetra_time_elapsed_name(4), "unlisted");
	assert_string_equal(tetra_location_pdu_name(1), "immediate location report request");
	assert_string_equal(tetra_location_pdu_name(4), "location report acknowledgement");
	assert_string_equal(tetra_location_pdu_name(0), "unlisted");
	assert_string_equal(tetra_location_pdu_name(15), "unlisted");
}

static void test_strerror(void **state)
{
	static const struct { int err; const char *name; } v[] = {
		{ TETRA_OK, "ok" },
		{ TETRA_E_UNKNOWN_URC, "unknown_urc" },
		{ TETRA_E_SYNTAX, "syntax" },
		{ TETRA_E_NUMBER, "number" },
		{ TETRA_E_RANGE, "range" },
		{ TETRA_E_IDENTITY, "identity" },
		{ TETRA_E_HEX, "hex" },
		{ TETRA_E_LENGTH, "length" },
		{ TETRA_E_NO_DATA, "no_data" },
		{ TETRA_E_TOO_LONG, "too_long" },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_string_equal(tetra_codec_strerror(v[i].err), v[i].name);
	assert_string_equal(tetra_codec_strerror(-100), "unknown_error");
	assert_string_equal(tetra_codec_strerror(1), "unknown_error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_short_report),
		cmocka_unit_test(test_sds_tl_vectors),
		cmocka_unit_test(test_sds_raw),
		cmocka_unit_test(test_odd_bit_lengths),
		cmocka_unit_test(test_sds_types_1_3),
		cmocka_unit_test(test_max_length),
		cmocka_unit_test(test_header_forms),
		cmocka_unit_test(test_sds_errors),
		cmocka_unit_test(test_sds_undecoded_party),
		cmocka_unit_test(test_sds_undecoded_data),
		cmocka_unit_test(test_cticn),
		cmocka_unit_test(test_ctcc),
		cmocka_unit_test(test_ctxg),
		cmocka_unit_test(test_tx_others),
		cmocka_unit_test(test_ctcr),
		cmocka_unit_test(test_cnumf),
		cmocka_unit_test(test_cmgs),
		cmocka_unit_test(test_ctom),
		cmocka_unit_test(test_ctgs),
		cmocka_unit_test(test_csq),
		cmocka_unit_test(test_creg),
		cmocka_unit_test(test_gpspos),
		cmocka_unit_test(test_supported_values),
		cmocka_unit_test(test_cnum_lists),
		cmocka_unit_test(test_cme_error),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_valid_vectors_decode),
		cmocka_unit_test(test_truncated_prefixes),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_prim_names),
		cmocka_unit_test(test_decoded_prim_names),
		cmocka_unit_test(test_value_names),
		cmocka_unit_test(test_strerror),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
