/* libFuzzer target: tetra_sds_decode() (codecs/sds.h): the PID dispatch to
 * the text, LIP, call-out and SDS-TL decoders.
 *
 * Input: byte 0 picks the AI service: 9 + (b & 3) (SDS types 1-4), 13
 * (status) when b & 8, and b >> 5 (0..7, not an SDS service) when b & 0x10;
 * b & 4: the announced bit length is bytes 1-2 (big-endian, & 0xfff, so
 * over-long and inconsistent lengths happen), else it is exact: the data's
 * octets * 8 minus (byte 1 & 7) pad bits. Bytes 3..: the user data (PID
 * first), at most 300 octets.
 * Invariants:
 *  - the return code is 0 or one of the errors sds.h lists for the
 *    arguments (TOO_LONG, LENGTH), and then *out is untouched;
 *  - a primitive passes fuzz_check_prim() (UTF-8 text, coordinates,
 *    ranges; unit data len = ceil(bit_len / 8)) and carries hdr;
 *  - decoding in place (hdr and data inside out->u.unitdata, as sds.h
 *    allows) gives the same result as decoding into another primitive.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fuzz_util.h"

#include "codecs/sds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_result(const struct tetra_prim *a, const struct tetra_prim *b)
{
	FUZZ_CHECK(a->oph.sap == b->oph.sap && a->oph.primitive == b->oph.primitive &&
		   a->oph.operation == b->oph.operation);
	switch (a->oph.primitive) {
	case TETRA_TNSDS_STATUS:
		FUZZ_CHECK(a->u.status.value == b->u.status.value);
		FUZZ_CHECK(fuzz_same_sds_header(&a->u.status.hdr, &b->u.status.hdr));
		break;
	case TETRA_TNSDS_SHORT_REPORT:
		FUZZ_CHECK(a->u.short_report.report_type == b->u.short_report.report_type &&
			   a->u.short_report.msg_ref == b->u.short_report.msg_ref);
		break;
	case TETRA_TNSDS_UNITDATA:
		FUZZ_CHECK(a->u.unitdata.len == b->u.unitdata.len);
		FUZZ_CHECK(a->u.unitdata.decode_error == b->u.unitdata.decode_error);
		FUZZ_CHECK(memcmp(a->u.unitdata.data, b->u.unitdata.data, a->u.unitdata.len) == 0);
		FUZZ_CHECK(fuzz_same_sds_header(&a->u.unitdata.hdr, &b->u.unitdata.hdr));
		break;
	case TETRA_TNSDS_TEXT:
		FUZZ_CHECK(a->u.text.pid == b->u.text.pid && a->u.text.coding == b->u.text.coding);
		FUZZ_CHECK(a->u.text.text_len == b->u.text.text_len);
		FUZZ_CHECK(memcmp(a->u.text.text, b->u.text.text, a->u.text.text_len) == 0);
		FUZZ_CHECK(a->u.text.tl.msg_ref == b->u.text.tl.msg_ref);
		FUZZ_CHECK(a->u.text.concat.present == b->u.text.concat.present);
		FUZZ_CHECK(fuzz_same_sds_header(&a->u.text.hdr, &b->u.text.hdr));
		break;
	case TETRA_TNSDS_LOCATION:
		FUZZ_CHECK(a->u.location.long_report == b->u.location.long_report);
		FUZZ_CHECK(a->u.location.latitude == b->u.location.latitude);
		FUZZ_CHECK(a->u.location.longitude == b->u.location.longitude);
		FUZZ_CHECK(fuzz_same_sds_header(&a->u.location.hdr, &b->u.location.hdr));
		break;
	case TETRA_TNSDS_REPORT:
		FUZZ_CHECK(a->u.report.kind == b->u.report.kind && a->u.report.status == b->u.report.status &&
			   a->u.report.msg_ref == b->u.report.msg_ref);
		break;
	case TETRA_TNSDS_CALLOUT: {
		const struct tetra_callout_param *x = &a->u.callout, *y = &b->u.callout;
		FUZZ_CHECK(x->lead == y->lead && x->kind == y->kind && x->number == y->number &&
			   x->severity == y->severity && x->n_receivers == y->n_receivers);
		FUZZ_CHECK(x->text_len == y->text_len && memcmp(x->text, y->text, x->text_len) == 0);
		FUZZ_CHECK(x->rest_len == y->rest_len && memcmp(x->rest, y->rest, x->rest_len) == 0);
		FUZZ_CHECK(x->tl.msg_ref == y->tl.msg_ref);
		FUZZ_CHECK(fuzz_same_sds_header(&x->hdr, &y->hdr));
		break;
	}
	}
}

static const struct tetra_sds_header *result_hdr(const struct tetra_prim *p)
{
	switch (p->oph.primitive) {
	case TETRA_TNSDS_STATUS: return &p->u.status.hdr;
	case TETRA_TNSDS_SHORT_REPORT: return &p->u.short_report.hdr;
	case TETRA_TNSDS_UNITDATA: return &p->u.unitdata.hdr;
	case TETRA_TNSDS_TEXT: return &p->u.text.hdr;
	case TETRA_TNSDS_LOCATION: return &p->u.location.hdr;
	case TETRA_TNSDS_LOCATION_CONTROL: return &p->u.location_control.hdr;
	case TETRA_TNSDS_REPORT: return &p->u.report.hdr;
	case TETRA_TNSDS_CALLOUT: return &p->u.callout.hdr;
	default: return NULL;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tetra_prim out, pattern, inplace;
	struct tetra_sds_header hdr;
	const struct tetra_sds_header *rh;
	uint8_t b0, *ud;
	size_t len;
	int rc, rc2;

	if (size < 3 || size > 3 + 300)
		return 0;
	b0 = data[0];
	memset(&hdr, 0, sizeof(hdr));
	hdr.ai_service = (b0 & 8) ? TETRA_AI_STATUS : (uint8_t)(TETRA_AI_SDS_TYPE1 + (b0 & 3));
	if (b0 & 0x10)
		hdr.ai_service = b0 >> 5;
	hdr.calling.type = TETRA_ID_TSI;
	hdr.calling.mcc = 901;
	hdr.calling.mnc = 16383;
	hdr.calling.ssi = 23404;
	hdr.called.type = TETRA_ID_SSI;
	hdr.called.ssi = 2345678;
	len = size - 3;
	if (b0 & 4) {
		hdr.bit_len = (uint16_t)(((data[1] << 8) | data[2]) & 0xfff);
	} else {
		size_t bits = len * 8, cut = data[1] & 7u;
		bits = bits >= cut ? bits - cut : 0;
		hdr.bit_len = (uint16_t)(bits > 0xfff ? 0xfff : bits);
	}
	ud = fuzz_dup(data + 3, len);
	/* sds.h: bits past bit_len should be zero (the PEI decoder clears them) */
	if ((hdr.bit_len & 7) && hdr.bit_len / 8 < len)
		ud[hdr.bit_len / 8] &= (uint8_t)(0xff << (8 - (hdr.bit_len & 7)));

	memset(&pattern, 0x5a, sizeof(pattern));
	out = pattern;
	rc = tetra_sds_decode(&hdr, ud, len, &out);
	fuzz_check_rc(rc);
	if (hdr.bit_len > TETRA_SDS_MAX_BYTES * 8 || len > TETRA_SDS_MAX_BYTES)
		FUZZ_CHECK(rc == TETRA_E_TOO_LONG);
	else if (len < (hdr.bit_len + 7u) / 8)
		FUZZ_CHECK(rc == TETRA_E_LENGTH);
	else
		FUZZ_CHECK(rc == TETRA_OK);
	if (rc != TETRA_OK) {
		FUZZ_CHECK(memcmp(&out, &pattern, sizeof(out)) == 0);
		goto done;
	}

	FUZZ_CHECK(out.oph.sap == TETRA_SAP_TNSDS);
	rh = result_hdr(&out);
	FUZZ_CHECK(rh != NULL);
	FUZZ_CHECK(fuzz_same_sds_header(rh, &hdr));
	if (hdr.ai_service < TETRA_AI_SDS_TYPE1 || hdr.ai_service > TETRA_AI_STATUS)
		FUZZ_CHECK(out.oph.primitive == TETRA_TNSDS_UNITDATA && out.u.unitdata.decode_error != 0);
	else if (hdr.bit_len <= 2047)	/* 2048 bits (256 octets) is beyond SDS type 4, but fits */
		fuzz_check_prim(&out);
	if (out.oph.primitive == TETRA_TNSDS_UNITDATA) {
		FUZZ_CHECK(out.u.unitdata.len == (hdr.bit_len + 7) / 8);
		FUZZ_CHECK(memcmp(out.u.unitdata.data, ud, out.u.unitdata.len - (hdr.bit_len & 7 ? 1 : 0)) == 0);
		if (out.u.unitdata.decode_error)
			fuzz_check_rc(out.u.unitdata.decode_error);
	}

	/* in place: hdr and data inside the primitive that receives the result */
	if (len > TETRA_SDS_MAX_BYTES)
		goto done;
	memset(&inplace, 0xa5, sizeof(inplace));
	inplace.u.unitdata.hdr = hdr;
	memcpy(inplace.u.unitdata.data, ud, len);
	rc2 = tetra_sds_decode(&inplace.u.unitdata.hdr, inplace.u.unitdata.data, len, &inplace);
	FUZZ_CHECK(rc2 == rc);
	same_result(&out, &inplace);
done:
	free(ud);
	return 0;
}
