/* codecs: decimal PEI identities.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "codecs/pei_urc.h"

/* Parse from an exact-size heap copy, so ASan sees any read past len. */
static int parse(const char *s, uint8_t type, struct tetra_identity *id)
{
	size_t n = strlen(s);
	char *b = malloc(n ? n : 1);
	int rc;

	assert_non_null(b);
	memcpy(b, s, n);
	rc = tetra_identity_parse(b, n, type, id);
	free(b);
	return rc;
}

static void expect_id(const char *s, uint8_t type, uint8_t want_type, unsigned mcc,
		      unsigned mnc, unsigned ssi)
{
	struct tetra_identity id;

	assert_int_equal(parse(s, type, &id), TETRA_OK);
	assert_int_equal(id.type, want_type);
	assert_int_equal(id.mcc, mcc);
	assert_int_equal(id.mnc, mnc);
	assert_int_equal(id.ssi, ssi);
	assert_string_equal(id.digits, "");
}

/* Every form terminals print, and the forms public decoders accept. */
static void test_tsi_forms(void **state)
{
	static const struct {
		const char *s;
		uint8_t type, want_type;
		unsigned mcc, mnc, ssi;
	} v[] = {
		/* 17 digits, MCC zero-padded: MCC(4) MNC(5) SSI(8) */
		{ "09011638300023404", TETRA_ID_TSI, TETRA_ID_TSI, 901, 16383, 23404 },
		{ "02420000116777215", TETRA_ID_EXT_TSI, TETRA_ID_EXT_TSI, 242, 1, 16777215 },
		{ "10231638316777215", TETRA_ID_TSI, TETRA_ID_TSI, 1023, 16383, 16777215 },
		{ "00000000000000001", TETRA_ID_TSI, TETRA_ID_TSI, 0, 0, 1 },
		/* 15 digits as German and Norwegian terminals print them:
		 * MCC(3) MNC(4) SSI(8) */
		{ "262100101234567", TETRA_ID_TSI, TETRA_ID_TSI, 262, 1001, 1234567 },
		{ "242100102345678", TETRA_ID_NONE, TETRA_ID_TSI, 242, 1001, 2345678 },
		{ "901638300023404", TETRA_ID_TSI, TETRA_ID_TSI, 901, 6383, 23404 },
		/* 15 digits starting with 0: MCC(4) MNC(3) */
		{ "024210001234567", TETRA_ID_TSI, TETRA_ID_TSI, 242, 100, 1234567 },
		/* 16 digits: MCC(3) MNC(5), or MCC(4) MNC(4) with a leading 0 */
		{ "9011638300023404", TETRA_ID_TSI, TETRA_ID_TSI, 901, 16383, 23404 },
		{ "0242100101234567", TETRA_ID_TSI, TETRA_ID_TSI, 242, 1001, 1234567 },
		/* 12..14 digits: MNC of 1..3 digits */
		{ "24210011234567", TETRA_ID_TSI, TETRA_ID_TSI, 242, 100, 11234567 },
		{ "2421012345678", TETRA_ID_TSI, TETRA_ID_TSI, 242, 10, 12345678 },
		{ "242112345678", TETRA_ID_TSI, TETRA_ID_TSI, 242, 1, 12345678 },
		{ "0242112345678", TETRA_ID_TSI, TETRA_ID_TSI, 242, 1, 12345678 },
		/* 8-digit SSI alone, and shorter */
		{ "01234567", TETRA_ID_NONE, TETRA_ID_SSI, 0, 0, 1234567 },
		{ "2345678", TETRA_ID_NONE, TETRA_ID_SSI, 0, 0, 2345678 },
		/* type inferred from the digit count */
		{ "09011638300023404", TETRA_ID_NONE, TETRA_ID_TSI, 901, 16383, 23404 },
		/* digit count decides the layout; the given type is kept */
		{ "09011638300023404", TETRA_ID_SSI, TETRA_ID_SSI, 901, 16383, 23404 },
		{ "262100101234567", TETRA_ID_SSI, TETRA_ID_SSI, 262, 1001, 1234567 },
		{ "23404", TETRA_ID_TSI, TETRA_ID_TSI, 0, 0, 23404 },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		expect_id(v[i].s, v[i].type, v[i].want_type, v[i].mcc, v[i].mnc, v[i].ssi);
}

static void test_ssi(void **state)
{
	expect_id("0", TETRA_ID_SSI, TETRA_ID_SSI, 0, 0, 0);
	expect_id("2345678", TETRA_ID_SSI, TETRA_ID_SSI, 0, 0, 2345678);
	expect_id("00023404", TETRA_ID_SSI, TETRA_ID_SSI, 0, 0, 23404);
	expect_id("16777215", TETRA_ID_SSI, TETRA_ID_SSI, 0, 0, 16777215);
	expect_id("255", TETRA_ID_SNA, TETRA_ID_SNA, 0, 0, 255);
}

static void test_external(void **state)
{
	struct tetra_identity id;

	assert_int_equal(parse("+4722*#0", TETRA_ID_PSTN, &id), TETRA_OK);
	assert_int_equal(id.type, TETRA_ID_PSTN);
	assert_string_equal(id.digits, "+4722*#0");
	assert_int_equal(parse("123456789012345678901234", TETRA_ID_PABX, &id), TETRA_OK);
	assert_string_equal(id.digits, "123456789012345678901234");
	assert_int_equal(parse("1234567890123456789012345", TETRA_ID_PABX, &id), TETRA_E_IDENTITY);
	assert_int_equal(parse("12 34", TETRA_ID_PSTN, &id), TETRA_E_IDENTITY);
	assert_int_equal(parse("12A", TETRA_ID_PSTN, &id), TETRA_E_IDENTITY);
}

static void test_empty(void **state)
{
	struct tetra_identity id;

	memset(&id, 0x55, sizeof(id));
	assert_int_equal(tetra_identity_parse(NULL, 0, TETRA_ID_TSI, &id), TETRA_OK);
	assert_int_equal(id.type, TETRA_ID_NONE);
	assert_int_equal(id.ssi, 0);
	assert_string_equal(id.digits, "");
	assert_int_equal(parse("", TETRA_ID_PSTN, &id), TETRA_OK);
	assert_int_equal(id.type, TETRA_ID_NONE);
}

/* Forms no terminal prints, each with its reason. */
static void test_errors(void **state)
{
	static const struct {
		const char *s;
		uint8_t type;
		int rc;
	} v[] = {
		{ "16777216", TETRA_ID_SSI, TETRA_E_RANGE },		/* SSI > 24 bits */
		{ "99999999", TETRA_ID_SSI, TETRA_E_RANGE },
		{ "256", TETRA_ID_SNA, TETRA_E_RANGE },			/* SNA > 8 bits */
		{ "09011638300023404", TETRA_ID_SNA, TETRA_E_IDENTITY },	/* an SNA is never a TSI */
		{ "10241638300023404", TETRA_ID_TSI, TETRA_E_RANGE },	/* MCC > 1023 */
		{ "09011638400023404", TETRA_ID_TSI, TETRA_E_RANGE },	/* MNC > 16383 */
		{ "09011638316777216", TETRA_ID_TSI, TETRA_E_RANGE },	/* SSI */
		{ "9011638416777215", TETRA_ID_TSI, TETRA_E_RANGE },	/* 16 digits, MNC */
		{ "262100116777216", TETRA_ID_TSI, TETRA_E_RANGE },	/* 15 digits, SSI */
		{ "123456789", TETRA_ID_TSI, TETRA_E_IDENTITY },	/* 9..11: no MNC left */
		{ "12345678901", TETRA_ID_TSI, TETRA_E_IDENTITY },
		{ "012345678901", TETRA_ID_TSI, TETRA_E_IDENTITY },	/* 12 with a leading 0 */
		{ "090116383000234040", TETRA_ID_TSI, TETRA_E_IDENTITY },	/* 18 */
		{ "0901163830002340x", TETRA_ID_TSI, TETRA_E_IDENTITY },
		{ "26210010123456x", TETRA_ID_NONE, TETRA_E_IDENTITY },
		{ "+123", TETRA_ID_SSI, TETRA_E_IDENTITY },
		{ " 123", TETRA_ID_SSI, TETRA_E_IDENTITY },
		{ "123", 6, TETRA_E_RANGE },				/* no such type */
		{ "123", 0xfe, TETRA_E_RANGE },
	};
	struct tetra_identity id, before;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		/* untouched on failure */
		memset(&before, 0xa5, sizeof(before));
		id = before;
		assert_int_equal(parse(v[i].s, v[i].type, &id), v[i].rc);
		assert_memory_equal(&id, &before, sizeof(id));
	}
}

static void expect_print(const struct tetra_identity *id, const char *want)
{
	char buf[64];

	assert_int_equal(tetra_identity_print(buf, sizeof(buf), id), (int)strlen(want));
	assert_string_equal(buf, want);
}

static void test_print(void **state)
{
	static const char *const round[] = {
		"09011638300023404", "10231638316777215", "00000000000000001",
	};
	/* the short forms print as the 17-digit one */
	static const char *const shorter[][2] = {
		{ "262100101234567", "02620100101234567" },
		{ "0242100101234567", "02420100101234567" },
		{ "242112345678", "02420000112345678" },
	};
	struct tetra_identity id;
	char small[5];

	for (size_t i = 0; i < sizeof(round) / sizeof(round[0]); i++) {
		assert_int_equal(parse(round[i], TETRA_ID_TSI, &id), TETRA_OK);
		expect_print(&id, round[i]);
	}
	assert_int_equal(parse("9011638300023404", TETRA_ID_TSI, &id), TETRA_OK);
	expect_print(&id, "09011638300023404");
	for (size_t i = 0; i < sizeof(shorter) / sizeof(shorter[0]); i++) {
		assert_int_equal(parse(shorter[i][0], TETRA_ID_NONE, &id), TETRA_OK);
		expect_print(&id, shorter[i][1]);
	}
	assert_int_equal(parse("00023404", TETRA_ID_SSI, &id), TETRA_OK);
	expect_print(&id, "23404");
	assert_int_equal(parse("09011638300023404", TETRA_ID_SSI, &id), TETRA_OK);
	expect_print(&id, "09011638300023404");
	assert_int_equal(parse("2345678", TETRA_ID_TSI, &id), TETRA_OK);
	expect_print(&id, "00000000002345678");
	assert_int_equal(parse("+47*1#", TETRA_ID_PABX, &id), TETRA_OK);
	expect_print(&id, "+47*1#");
	assert_int_equal(parse("", TETRA_ID_SSI, &id), TETRA_OK);
	expect_print(&id, "");
	expect_print(NULL, "");

	/* truncation: snprintf semantics */
	assert_int_equal(parse("09011638300023404", TETRA_ID_TSI, &id), TETRA_OK);
	assert_int_equal(tetra_identity_print(small, sizeof(small), &id), 17);
	assert_string_equal(small, "0901");
	assert_int_equal(tetra_identity_print(NULL, 0, &id), 17);
}

/* Every prefix of every valid identity, for every type: never crashes. */
static void test_prefixes(void **state)
{
	static const char *const v[] = {
		"09011638300023404", "+4722*#0123456789012345", "16777215", "262100101234567",
	};
	struct tetra_identity id;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (size_t n = 0; n <= strlen(v[i]); n++)
			for (unsigned t = 0; t < 256; t++) {
				char *b = malloc(n ? n : 1);
				int rc;
				assert_non_null(b);
				memcpy(b, v[i], n);
				rc = tetra_identity_parse(b, n, (uint8_t)t, &id);
				assert_true(rc <= 0 && rc >= TETRA_E_TOO_LONG);
				free(b);
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tsi_forms),
		cmocka_unit_test(test_ssi),
		cmocka_unit_test(test_external),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_prefixes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
