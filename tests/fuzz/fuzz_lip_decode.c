/* libFuzzer target: tetra_lip_decode() (codecs/lip.h), and the encoders on
 * what it decodes.
 *
 * Input: byte 0: bit 7 PID 0x83 (else 0x0A), bit 6 a NULL header, bits 0-2
 * bits cut off the last octet; the rest is the LIP PDU without its PID
 * (at most 254 octets: with the PID within SDS type 4's 2047 bits).
 * Invariants:
 *  - the return code is 0 or a named error, and on failure *out is
 *    untouched (lip.h promises it);
 *  - a location passes fuzz_check_location() (coordinates within ±180/±90,
 *    direction in [0, 360), codes within their widths); the header passed
 *    in comes back, the PID too;
 *  - decode(encode(decode(x))) == decode(x) for short and long reports: the
 *    encoders are the decoder's inverse on every value it produces (but a
 *    time of position out of range, which only the encoder refuses).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fuzz_util.h"

#include "codecs/lip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SAME(f) FUZZ_CHECK(a->f == b->f)

/* Everything the decoder fills, but the header, PID and SDS-TL fields. */
static void same_location(const struct tetra_location_param *a, const struct tetra_location_param *b)
{
	SAME(long_report);
	SAME(time_type);
	SAME(time_elapsed);
	SAME(day); SAME(hour); SAME(minute); SAME(second);
	SAME(shape);
	SAME(has_position);
	SAME(longitude); SAME(latitude);
	SAME(position_error);
	SAME(has_uncertainty);
	SAME(horizontal_uncertainty_m);
	SAME(has_altitude);
	SAME(altitude_m);
	SAME(velocity_type);
	SAME(has_velocity);
	SAME(velocity_kmh);
	SAME(has_direction);
	SAME(direction_deg);
	SAME(ack_requested);
	SAME(has_reason);
	SAME(reason);
	SAME(has_user_data);
	SAME(user_data);
	SAME(has_msg_ref);
	SAME(msg_ref);
	SAME(altitude_type);
	SAME(has_ellipse);
	SAME(half_major_m); SAME(half_minor_m); SAME(ellipse_angle_deg);
	SAME(has_arc);
	SAME(arc_inner_radius); SAME(arc_uncertainty_radius);
	SAME(arc_offset_angle); SAME(arc_included_angle);
	SAME(confidence);
	SAME(altitude_uncertainty);
	SAME(horizontal_velocity_uncertainty);
	SAME(has_vertical_velocity);
	SAME(vertical_velocity_raw);
	SAME(vertical_velocity_uncertainty);
	SAME(direction_uncertainty);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tetra_prim out, pattern, again;
	struct tetra_sds_header hdr;
	uint8_t flags, pid, *pdu;
	size_t bit_len;
	int rc;

	if (size < 1 || size > 1 + 254)	/* PID + PDU within SDS type 4's 2047 bits */
		return 0;
	flags = data[0];
	data++;
	size--;
	pid = (flags & 0x80) ? TETRA_PID_LOCATION_TL : TETRA_PID_LIP;
	bit_len = size * 8;
	bit_len = bit_len >= (flags & 7u) ? bit_len - (flags & 7u) : 0;

	memset(&hdr, 0, sizeof(hdr));
	hdr.ai_service = TETRA_AI_SDS_TYPE4;
	hdr.calling.type = TETRA_ID_TSI;
	hdr.calling.mcc = 901;
	hdr.calling.mnc = 16383;
	hdr.calling.ssi = 23404;
	hdr.called.type = TETRA_ID_SSI;
	hdr.called.ssi = 1;
	hdr.bit_len = (uint16_t)(8 + bit_len);

	pdu = fuzz_dup(data, size);
	memset(&pattern, 0x5a, sizeof(pattern));
	out = pattern;
	rc = tetra_lip_decode((flags & 0x40) ? NULL : &hdr, pid, pdu, bit_len, &out);
	fuzz_check_rc(rc);
	if (rc != TETRA_OK) {
		FUZZ_CHECK(memcmp(&out, &pattern, sizeof(out)) == 0);
		goto done;
	}
	FUZZ_CHECK(out.oph.sap == TETRA_SAP_TNSDS);
	FUZZ_CHECK(out.oph.primitive == TETRA_TNSDS_LOCATION ||
		   out.oph.primitive == TETRA_TNSDS_LOCATION_CONTROL);
	if (out.oph.primitive == TETRA_TNSDS_LOCATION_CONTROL) {
		const struct tetra_location_control_param *c = &out.u.location_control;
		FUZZ_CHECK(c->pid == pid);
		FUZZ_CHECK(c->pdu_ext <= 15 && c->pdu_ext != TETRA_LIP_EXT_LONG_REPORT);
		if (!(flags & 0x40))
			FUZZ_CHECK(fuzz_same_sds_header(&c->hdr, &hdr));
		goto done;
	}

	const struct tetra_location_param *l = &out.u.location;
	FUZZ_CHECK(l->pid == pid);
	if (flags & 0x40) {
		FUZZ_CHECK(l->hdr.ai_service == 0 && l->hdr.bit_len == 0);
	} else {
		FUZZ_CHECK(fuzz_same_sds_header(&l->hdr, &hdr));
		fuzz_check_prim(&out);
	}
	fuzz_check_location(l);
	if (!l->long_report) {
		FUZZ_CHECK(bit_len >= 76);
		FUZZ_CHECK(l->has_position && l->shape == 1 && l->time_type == 1 && l->velocity_type == 1);
	}

	/* decode(encode(decode(x))) == decode(x) */
	{
		uint8_t enc[256];
		size_t bits = 0;
		int erc = l->long_report ? tetra_lip_encode_long(l, enc, sizeof(enc), &bits)
					 : tetra_lip_encode_short(l, enc, sizeof(enc), &bits);
		/* lip.c keeps a time of position as sent (hour 24 ... is "the
		 * reader's call") but the encoder refuses one out of range */
		if (l->long_report && l->time_type == 2 &&
		    (l->day < 1 || l->day > 31 || l->hour > 23 || l->minute > 59 || l->second > 59)) {
			FUZZ_CHECK(erc == TETRA_E_INVALID);
			goto done;
		}
		FUZZ_CHECK(erc == TETRA_OK);
		FUZZ_CHECK(bits > 0 && bits <= sizeof(enc) * 8);
		if (!l->long_report)
			FUZZ_CHECK(bits == 76);
		uint8_t *e = fuzz_dup(enc, (bits + 7) / 8);
		rc = tetra_lip_decode(&hdr, pid, e, bits, &again);
		free(e);
		FUZZ_CHECK(rc == TETRA_OK);
		FUZZ_CHECK(again.oph.primitive == TETRA_TNSDS_LOCATION);
		same_location(l, &again.u.location);
	}
done:
	free(pdu);
	return 0;
}
