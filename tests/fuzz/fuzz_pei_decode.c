/* libFuzzer target: tetra_pei_decode() (codecs/pei_urc.h).
 *
 * Input: a result line, then optionally '\n' and the user-data line that
 * follows a +CTSDSR header (no '\n': data is NULL). Each part is passed as
 * an exact-size heap copy without a NUL, so a read past its length is an
 * ASan report.
 * Invariants:
 *  - the return code is 0 or a named error;
 *  - a decoded primitive passes fuzz_check_prim() (ranges, identities,
 *    UTF-8 text, unit data length = ceil(bit_len / 8));
 *  - the result does not depend on what the output held before, nor on a
 *    CR LF after the line (line ends are ignored);
 *  - a +CTSDSR without its data line is refused or kept as UNITDATA with
 *    decode_error TETRA_E_NO_DATA.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fuzz_util.h"

#include "codecs/pei_urc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tetra_prim a, b;	/* large: keep them off the stack */
	const uint8_t *nl = memchr(data, '\n', size);
	size_t line_len = nl ? (size_t)(nl - data) : size;
	size_t data_len = nl ? size - line_len - 1 : 0;
	char *line = fuzz_dup(data, line_len);
	char *crlf = malloc(line_len + 2);
	char *ud = nl ? fuzz_dup(nl + 1, data_len) : NULL;
	int rc, rc2;

	FUZZ_CHECK(crlf != NULL);
	memset(&a, 0x00, sizeof(a));
	memset(&b, 0xa5, sizeof(b));

	rc = tetra_pei_decode(line, line_len, ud, data_len, &a);
	fuzz_check_rc(rc);
	if (rc == TETRA_OK)
		fuzz_check_prim(&a);

	memcpy(crlf, line, line_len);
	memcpy(crlf + line_len, "\r\n", 2);
	rc2 = tetra_pei_decode(crlf, line_len + 2, ud, data_len, &b);
	FUZZ_CHECK(rc2 == rc);
	if (rc == TETRA_OK) {
		fuzz_check_prim(&b);
		FUZZ_CHECK(a.oph.sap == b.oph.sap && a.oph.primitive == b.oph.primitive &&
			   a.oph.operation == b.oph.operation);
	}

	/* tetra_pei_has_data_line() is a pure prefix test: it must agree with
	 * what the decoder did without a data line (refused, or kept as raw
	 * unit data that says its data never came) */
	if (tetra_pei_has_data_line(line, line_len)) {
		int r = tetra_pei_decode(line, line_len, NULL, 0, &b);
		FUZZ_CHECK(r != TETRA_OK || (b.oph.sap == TETRA_SAP_TNSDS &&
					     b.oph.primitive == TETRA_TNSDS_UNITDATA &&
					     b.u.unitdata.decode_error == TETRA_E_NO_DATA));
	}

	free(line);
	free(crlf);
	free(ud);
	return 0;
}
