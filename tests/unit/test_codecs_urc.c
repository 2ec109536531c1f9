/* codecs: PEI unsolicited result codes -> TETRA primitives; names.
 * Vectors from /work/shared/notes/protocol.md.
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
	assert_int_equal(p.u.unitdata.len, n);
	assert_memory_equal(p.u.unitdata.data, bytes, n);
}

static void test_sds_tl_vectors(void **state)
{
	static const uint8_t text[] = { 0x02, 0x01, 't', 'e', 's', 't', 'm', 'e', 's', 's',
					'a', 'g', 'e' };
	static const uint8_t transfer[] = { 0x82, 0x02, 0x9c, 0x01, 't', 'e', 's', 't', 'm',
					    'e', 's', 's', 'a', 'g', 'e' };
	static const uint8_t ts[] = { 0x82, 0x02, 0x9c, 0x81, 0x04, 0x5a, 0x8f, 't', 'e', 's',
				      't', 'm', 'e', 's', 's', 'a', 'g', 'e' };
	static const uint8_t udh[] = { 0x8a, 0x02, 0xc9, 0x81, 0x04, 0x5a, 0x8f, 0x05, 0x00,
				       0x03, 0xc9, 0x02, 0x01, 't', 'e', 's', 't', 'm', 'e',
				       's', 's', 'a', 'g', 'e' };
	static const uint8_t report[] = { 0x82, 0x10, 0x00, 0xc9 };
	static const uint8_t ack[] = { 0x82, 0x20, 0x01, 0xc9 };
	struct tetra_prim p;

	expect_unitdata(HDR(12, 104), "0201746573746D657373616765", text, sizeof(text));
	expect_unitdata(HDR(12, 120), "82029C01746573746D657373616765", transfer,
			sizeof(transfer));
	expect_unitdata(HDR(12, 144), "82029C81045A8F746573746D657373616765", ts, sizeof(ts));
	expect_unitdata(HDR(12, 192), "8A02C981045A8F050003C90201746573746D657373616765", udh,
			sizeof(udh));
	expect_unitdata(HDR(12, 32), "821000C9", report, sizeof(report));
	expect_unitdata(HDR(12, 32), "822001C9", ack, sizeof(ack));

	assert_int_equal(dec(HDR(12, 32), "822001C9", &p), TETRA_OK);
	assert_int_equal(p.u.unitdata.hdr.ai_service, 12);
	assert_int_equal(p.u.unitdata.hdr.bit_len, 32);
	expect_party(&p.u.unitdata.hdr.calling, TETRA_ID_SSI, 0, 0, 1234567);
}

/* LIP short report: 84 bits. Motorola sends 22 digits, Sepura 21. */
static void test_odd_bit_lengths(void **state)
{
	static const uint8_t lip[] = { 0x0a, 0x01, 0xac, 0x60, 0x8a, 0x7a, 0x20, 0xd8, 0x00,
				       0x00, 0x00 };
	static const uint8_t lip2[] = { 0x0a, 0x00, 0x88, 0xbd, 0x42, 0x47, 0xf7, 0x37, 0xff,
					0xe8, 0x10 };
	static const uint8_t b83[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				       0xff, 0xe0 };
	static const uint8_t b1[] = { 0x80 };
	struct tetra_prim p;

	expect_unitdata(HDR(12, 84), "0A01AC608A7A20D8000000", lip, sizeof(lip));
	expect_unitdata(HDR(12, 84), "0A01AC608A7A20D800000", lip, sizeof(lip));
	/* a non-zero pad nibble is dropped */
	expect_unitdata(HDR(12, 84), "0A01AC608A7A20D800000F", lip, sizeof(lip));
	expect_unitdata(HDR(12, 84), "0A0088BD4247F737FFE810", lip2, sizeof(lip2));
	expect_unitdata(HDR(12, 84), "0A0088BD4247F737FFE81", lip2, sizeof(lip2));
	/* bits past bit_len are zeroed, also inside a nibble */
	expect_unitdata(HDR(12, 83), "FFFFFFFFFFFFFFFFFFFFF", b83, sizeof(b83));
	expect_unitdata(HDR(12, 1), "F", b1, sizeof(b1));
	/* trailing digits beyond the pad nibble: accepted and ignored */
	expect_unitdata(HDR(12, 84), "0A01AC608A7A20D80000000000", lip, sizeof(lip));

	/* zero bits: no data needed, but the line must be there */
	assert_int_equal(dec(HDR(12, 0), "", &p), TETRA_OK);
	assert_int_equal(p.u.unitdata.len, 0);
	assert_int_equal(dec(HDR(12, 0), NULL, &p), TETRA_E_NO_DATA);
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
	assert_int_equal(dec(HDR(9, 32), "12345678", &p), TETRA_E_LENGTH);
	assert_int_equal(dec(HDR(10, 16), "1234", &p), TETRA_E_LENGTH);
	assert_int_equal(dec(HDR(11, 63), "0102030405060708", &p), TETRA_E_LENGTH);
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
	expect_prim(&p, TETRA_SAP_TNSDS, TETRA_TNSDS_UNITDATA);
	assert_int_equal(p.u.unitdata.hdr.calling.type, TETRA_ID_NONE);
	expect_party(&p.u.unitdata.hdr.called, TETRA_ID_TSI, 901, 16383, 23404);
	assert_int_equal(p.u.unitdata.len, 4);
	/* full form with e2ee, no blank after the colon, blanks around fields */
	assert_int_equal(dec("+CTSDSR:13,09011638300023404,1,2345678,0,16,1", "8004", &p),
			 TETRA_OK);
	assert_true(p.u.status.hdr.e2ee);
	expect_party(&p.u.status.hdr.calling, TETRA_ID_TSI, 901, 16383, 23404);
	assert_int_equal(dec("+CTSDSR: 13 , 1234567 ,0, 2345678,0 ,16 , ", "8004", &p), TETRA_OK);
	assert_false(p.u.status.hdr.e2ee);
	/* calling party left out */
	assert_int_equal(dec("+CTSDSR: 12,,,2345678,0,32", "822001C9", &p), TETRA_OK);
	assert_int_equal(p.u.unitdata.hdr.calling.type, TETRA_ID_NONE);
	/* calling id without its type: inferred */
	assert_int_equal(dec("+CTSDSR: 12,1234567,,2345678,0,32", "822001C9", &p), TETRA_OK);
	expect_party(&p.u.unitdata.hdr.calling, TETRA_ID_SSI, 0, 0, 1234567);
}

static void test_sds_errors(void **state)
{
	struct tetra_prim p;

	/* syntax: field counts and empty mandatory fields */
	assert_int_equal(dec("+CTSDSR: 13,16", "8004", &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTSDSR: 13,1,0,2,16", "8004", &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTSDSR: 13,1,0,2,0,16,0,0", "8004", &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTSDSR: 13,1,0,,0,16", "8004", &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTSDSR: 13,1,0,2,,16", "8004", &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTSDSR: 13,1,0,2,0,", "8004", &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTSDSR: ,1,0,2,0,16", "8004", &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTSDSR 13,2,16", "8004", &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTSDSR", "8004", &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTSDSR:", "8004", &p), TETRA_E_SYNTAX);
	assert_int_equal(dec("+CTSDSR: 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", "", &p),
			 TETRA_E_SYNTAX);
	/* numbers */
	assert_int_equal(dec("+CTSDSR: 1x,2345678,16", "8004", &p), TETRA_E_NUMBER);
	assert_int_equal(dec("+CTSDSR: 13,2345678,-16", "8004", &p), TETRA_E_NUMBER);
	assert_int_equal(dec("+CTSDSR: 13,2345678,0x10", "8004", &p), TETRA_E_NUMBER);
	assert_int_equal(dec("+CTSDSR: 13,1,a,2,0,16", "8004", &p), TETRA_E_NUMBER);
	/* ranges */
	assert_int_equal(dec("+CTSDSR: 14,2345678,16", "8004", &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CTSDSR: 8,2345678,16", "8004", &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CTSDSR: 0,2345678,16", "8004", &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CTSDSR: 13,2345678,6,16", "8004", &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CTSDSR: 13,1,0,2,0,16,2", "8004", &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CTSDSR: 13,16777216,16", "8004", &p), TETRA_E_RANGE);
	/* identities */
	assert_int_equal(dec("+CTSDSR: 13,123456789,16", "8004", &p), TETRA_E_IDENTITY);
	assert_int_equal(dec("+CTSDSR: 13,12A,0,16", "8004", &p), TETRA_E_IDENTITY);
	assert_int_equal(dec("+CTSDSR: 13,1,0,2 3,0,16", "8004", &p), TETRA_E_IDENTITY);
	/* hex */
	assert_int_equal(dec(HDR(13, 16), "80G4", &p), TETRA_E_HEX);
	assert_int_equal(dec(HDR(13, 16), "80 04", &p), TETRA_E_HEX);
	assert_int_equal(dec(HDR(12, 32), "822001C9Z", &p), TETRA_E_HEX);
	assert_int_equal(dec(HDR(12, 8), "0x", &p), TETRA_E_HEX);
	/* length */
	assert_int_equal(dec(HDR(13, 16), "800", &p), TETRA_E_LENGTH);
	assert_int_equal(dec(HDR(13, 16), "", &p), TETRA_E_LENGTH);
	assert_int_equal(dec(HDR(13, 8), "80", &p), TETRA_E_LENGTH);
	assert_int_equal(dec(HDR(13, 32), "80040000", &p), TETRA_E_LENGTH);
	assert_int_equal(dec(HDR(12, 84), "0A01AC608A7A20D80000", &p), TETRA_E_LENGTH);
	/* no data line */
	assert_int_equal(dec(HDR(13, 16), NULL, &p), TETRA_E_NO_DATA);
	assert_int_equal(dec("+CTSDSR: 12,2345678,32", NULL, &p), TETRA_E_NO_DATA);
	/* too long */
	assert_int_equal(dec(HDR(12, 2100), "00", &p), TETRA_E_TOO_LONG);
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
	assert_int_equal(dec("+CTICN: 1,0,0,7,2345678", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CTICN: 1,0,0,y", NULL, &p), TETRA_E_NUMBER);
	assert_int_equal(dec("+CTICN: 1,0,0,1,9011638300023404", NULL, &p), TETRA_OK);
	expect_party(&s->calling, TETRA_ID_TSI, 901, 16383, 23404);
	assert_int_equal(dec("+CTICN: 1,0,0,1,09011638300", NULL, &p), TETRA_E_IDENTITY);
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
	assert_int_equal(dec("+CTXG: 1,3,0,0,256,1", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CTXG: 1,3,0,0,x,1", NULL, &p), TETRA_E_NUMBER);
	assert_int_equal(dec("+CTXG: 1,3,0,0,x", NULL, &p), TETRA_E_NUMBER);
	assert_int_equal(dec("+CTXG: 1,3,0,0,1,0901163830002340X", NULL, &p), TETRA_E_IDENTITY);
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
	assert_int_equal(dec("+CNUMF: 6,123456789012", NULL, &p), TETRA_E_IDENTITY);
	assert_int_equal(dec("+CNUMF: 6,10241638300023404", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CNUMF: 256,1", NULL, &p), TETRA_E_RANGE);
	assert_int_equal(dec("+CNUMF: six,1", NULL, &p), TETRA_E_NUMBER);
}

static void test_unknown(void **state)
{
	static const char *const v[] = {
		"", "+", "OK", "ERROR", "+CME ERROR: 35", "+CTOM: 0", "+CTXD: 1", "+CTSDS: 13,0",
		"+CTSDSRX: 13,2,16", "+ctcr: 1,1", "CTCR: 1,1", " +CTCR: 1,1", "+CSQ: 20,99",
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
		/* data shorter than the bit length needs: always TETRA_E_LENGTH
		 * (only the Motorola vector carries a pad nibble) */
		for (size_t n = 0; d && n <= dn; n++) {
			size_t pad = strcmp(d, "0A01AC608A7A20D8000000") == 0;
			int rc = dec_n(l, ln, d, n, &p);
			check_rc(rc);
			if (n < dn - pad)
				assert_int_equal(rc, TETRA_E_LENGTH);
			else
				assert_int_equal(rc, TETRA_OK);
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
		cmocka_unit_test(test_odd_bit_lengths),
		cmocka_unit_test(test_sds_types_1_3),
		cmocka_unit_test(test_max_length),
		cmocka_unit_test(test_header_forms),
		cmocka_unit_test(test_sds_errors),
		cmocka_unit_test(test_cticn),
		cmocka_unit_test(test_ctcc),
		cmocka_unit_test(test_ctxg),
		cmocka_unit_test(test_tx_others),
		cmocka_unit_test(test_ctcr),
		cmocka_unit_test(test_cnumf),
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
