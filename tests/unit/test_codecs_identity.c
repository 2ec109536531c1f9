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

static void test_tsi_forms(void **state)
{
	expect_id("09011638300023404", TETRA_ID_TSI, TETRA_ID_TSI, 901, 16383, 23404);
	expect_id("9011638300023404", TETRA_ID_TSI, TETRA_ID_TSI, 901, 16383, 23404);
	expect_id("901638300023404", TETRA_ID_TSI, TETRA_ID_TSI, 90, 16383, 23404);
	expect_id("02420000116777215", TETRA_ID_EXT_TSI, TETRA_ID_EXT_TSI, 242, 1, 16777215);
	expect_id("10231638316777215", TETRA_ID_TSI, TETRA_ID_TSI, 1023, 16383, 16777215);
	/* type inferred */
	expect_id("09011638300023404", TETRA_ID_NONE, TETRA_ID_TSI, 901, 16383, 23404);
	expect_id("2345678", TETRA_ID_NONE, TETRA_ID_SSI, 0, 0, 2345678);
	/* digit count decides the layout; the given type is kept */
	expect_id("09011638300023404", TETRA_ID_SSI, TETRA_ID_SSI, 901, 16383, 23404);
	expect_id("23404", TETRA_ID_TSI, TETRA_ID_TSI, 0, 0, 23404);
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

static void test_errors(void **state)
{
	struct tetra_identity id, before;

	assert_int_equal(parse("16777216", TETRA_ID_SSI, &id), TETRA_E_RANGE);
	assert_int_equal(parse("99999999", TETRA_ID_SSI, &id), TETRA_E_RANGE);
	assert_int_equal(parse("256", TETRA_ID_SNA, &id), TETRA_E_RANGE);
	assert_int_equal(parse("09011638300023404", TETRA_ID_SNA, &id), TETRA_E_IDENTITY);
	assert_int_equal(parse("10241638300023404", TETRA_ID_TSI, &id), TETRA_E_RANGE); /* MCC */
	assert_int_equal(parse("09011638400023404", TETRA_ID_TSI, &id), TETRA_E_RANGE); /* MNC */
	assert_int_equal(parse("09011638316777216", TETRA_ID_TSI, &id), TETRA_E_RANGE); /* SSI */
	assert_int_equal(parse("123456789", TETRA_ID_TSI, &id), TETRA_E_IDENTITY);
	assert_int_equal(parse("12345678901234", TETRA_ID_TSI, &id), TETRA_E_IDENTITY);
	assert_int_equal(parse("090116383000234040", TETRA_ID_TSI, &id), TETRA_E_IDENTITY);
	assert_int_equal(parse("0901163830002340x", TETRA_ID_TSI, &id), TETRA_E_IDENTITY);
	assert_int_equal(parse("+123", TETRA_ID_SSI, &id), TETRA_E_IDENTITY);
	assert_int_equal(parse(" 123", TETRA_ID_SSI, &id), TETRA_E_IDENTITY);
	assert_int_equal(parse("123", 6, &id), TETRA_E_RANGE);
	assert_int_equal(parse("123", 0xfe, &id), TETRA_E_RANGE);

	/* untouched on failure */
	memset(&before, 0xa5, sizeof(before));
	id = before;
	assert_int_equal(parse("16777216", TETRA_ID_SSI, &id), TETRA_E_RANGE);
	assert_memory_equal(&id, &before, sizeof(id));
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
	struct tetra_identity id;
	char small[5];

	for (size_t i = 0; i < sizeof(round) / sizeof(round[0]); i++) {
		assert_int_equal(parse(round[i], TETRA_ID_TSI, &id), TETRA_OK);
		expect_print(&id, round[i]);
	}
	assert_int_equal(parse("9011638300023404", TETRA_ID_TSI, &id), TETRA_OK);
	expect_print(&id, "09011638300023404");
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
		"09011638300023404", "+4722*#0123456789012345", "16777215",
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
