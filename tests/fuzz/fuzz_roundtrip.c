/* libFuzzer target: the encoders, checked by decoding what they produce
 * (encode -> decode must give the input back, within the coding's
 * resolution where it quantises). Everything the bridge sends goes the way
 * a terminal would receive it: encode, tetra_sds_hex(), a +CTSDSR header,
 * tetra_pei_decode().
 *
 * Input: byte 0 % 5 selects the encoder, the rest are its values:
 *  0 status        value(16)
 *  1 text          msg_ref(8) report_request(8, & 3) concat_ref(16) UTF-8...
 *                  (invalid UTF-8 / U+0000 must give TETRA_E_UNENCODABLE)
 *  2 LIP short     longitude(32: / 2^31 * 180) latitude(32: / 2^31 * 90)
 *                  time_elapsed(8, & 3) position_error(8, & 7)
 *                  velocity(16: / 64 km/h; 0xffff unknown) direction(16:
 *                  / 65536 * 360) additional data type(8, & 1) value(8)
 *  3 call-out      flags(8: bit 0 answer else alert, bits 1-2 report
 *                  request) lead(8) number(8) severity(8) sender(16)
 *                  receiver count(8, & 63) receivers(16 each; alert only)
 *                  text...; severity over 4 bits or more than 32 receivers
 *                  must give TETRA_E_INVALID, an alert text over 94 octets
 *                  TETRA_E_TOO_LONG.
 *  4 SDS-REPORT    pid(8) delivery status(8) msg_ref(8)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fuzz_util.h"

#include "codecs/callout.h"
#include "codecs/concat.h"
#include "codecs/lip.h"
#include "codecs/pei_urc.h"
#include "codecs/sds.h"
#include "codecs/sds_encode.h"
#include "codecs/sds_tl.h"
#include "codecs/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CALLING "09011638300023404"
#define CALLED "09011638300000001"

static struct tetra_prim prim;

/* What a terminal prints for pdu, through the real PEI decoder. */
static int receive(uint8_t ai, const struct tetra_sds_pdu *pdu)
{
	char hdr[96], hex[2 * TETRA_SDS_MAX_BYTES + 1];
	int n = tetra_sds_hex(pdu, hex, sizeof(hex)), rc;

	FUZZ_CHECK(n == (pdu->bits + 3) / 4);
	FUZZ_CHECK(hex[n] == '\0' && strspn(hex, "0123456789ABCDEF") == (size_t)n);
	/* too small a buffer is refused, and says so */
	FUZZ_CHECK(tetra_sds_hex(pdu, hex, (size_t)n) == TETRA_E_NO_SPACE);
	n = tetra_sds_hex(pdu, hex, sizeof(hex));
	snprintf(hdr, sizeof(hdr), "+CTSDSR: %u," CALLING ",1," CALLED ",1,%u", ai, pdu->bits);
	char *h = fuzz_dup(hdr, strlen(hdr)), *x = fuzz_dup(hex, (size_t)n);
	rc = tetra_pei_decode(h, strlen(hdr), x, (size_t)n, &prim);
	free(h);
	free(x);
	if (rc == TETRA_OK)
		fuzz_check_prim(&prim);
	return rc;
}

static void rt_status(const uint8_t *d, size_t n)
{
	struct tetra_sds_pdu pdu;
	uint16_t v;

	if (n < 2)
		return;
	v = (uint16_t)(d[0] << 8 | d[1]);
	FUZZ_CHECK(tetra_status_encode(v, &pdu) == TETRA_OK);
	FUZZ_CHECK(pdu.bits == 16);
	FUZZ_CHECK(receive(TETRA_AI_STATUS, &pdu) == TETRA_OK);
	if (tetra_sds_is_short_report(v)) {
		FUZZ_CHECK(prim.oph.primitive == TETRA_TNSDS_SHORT_REPORT);
		FUZZ_CHECK(tetra_sds_short_report_value(prim.u.short_report.report_type,
							prim.u.short_report.msg_ref) == v);
	} else {
		FUZZ_CHECK(prim.oph.primitive == TETRA_TNSDS_STATUS);
		FUZZ_CHECK(prim.u.status.value == v);
	}
}

static void rt_text(const uint8_t *d, size_t n)
{
	static struct tetra_sds_pdu parts[TETRA_CONCAT_MAX_PARTS];
	static char back[TETRA_CONCAT_MAX_PARTS * (TETRA_TEXT_MAX + 1)];
	uint8_t ref, rr;
	uint16_t cref;
	const char *text;
	size_t len, back_len = 0;
	int np;

	if (n < 4)
		return;
	ref = d[0];
	rr = d[1] & 3;
	cref = (uint16_t)(d[2] << 8 | d[3]);
	text = (const char *)d + 4;
	len = n - 4;

	char *t = fuzz_dup(text, len);
	np = tetra_sds_encode_text(t, len, ref, rr, cref, parts, TETRA_CONCAT_MAX_PARTS);
	free(t);
	if (!fuzz_utf8_valid(text, len) || memchr(text, 0, len)) {
		FUZZ_CHECK(np == TETRA_E_UNENCODABLE);
		return;
	}
	if (np == TETRA_E_TOO_LONG) {
		/* 16 parts carry well over 16 * 100 characters */
		FUZZ_CHECK(len > 16 * 100);
		return;
	}
	FUZZ_CHECK(np >= 1 && np <= TETRA_CONCAT_MAX_PARTS);
	uint8_t coding = tetra_text_pick_coding(text, len);
	for (int i = 0; i < np; i++) {
		const struct tetra_text_param *p = &prim.u.text;

		FUZZ_CHECK(parts[i].bits <= TETRA_SDS_TYPE4_MAX_BITS);
		FUZZ_CHECK(receive(TETRA_AI_SDS_TYPE4, &parts[i]) == TETRA_OK);
		FUZZ_CHECK(prim.oph.primitive == TETRA_TNSDS_TEXT);
		FUZZ_CHECK(p->pid == (np == 1 ? TETRA_PID_TEXT : TETRA_PID_TEXT_UDH));
		FUZZ_CHECK(p->tl.present && p->tl.msg_ref == (uint8_t)(ref + i));
		FUZZ_CHECK(p->tl.report_request == rr);
		FUZZ_CHECK(p->coding == coding);
		FUZZ_CHECK(p->replaced == 0);
		FUZZ_CHECK(!p->ts.present);
		if (np > 1) {
			FUZZ_CHECK(p->concat.present);
			FUZZ_CHECK(p->concat.ref == cref);
			FUZZ_CHECK(p->concat.total == np && p->concat.part == i + 1);
		} else {
			FUZZ_CHECK(!p->concat.present);
		}
		FUZZ_CHECK(back_len + p->text_len <= sizeof(back));
		memcpy(back + back_len, p->text, p->text_len);
		back_len += p->text_len;
	}
	FUZZ_CHECK(back_len == len && memcmp(back, text, len) == 0);
}

static double angle_diff(double a, double b)
{
	double d = fmod(fabs(a - b), 360.0);
	return d > 180.0 ? 360.0 - d : d;
}

static void rt_lip_short(const uint8_t *d, size_t n)
{
	struct tetra_location_param in;
	uint8_t enc[32];
	size_t bits = 0;
	int32_t lon_raw, lat_raw;
	uint16_t vel, dir;

	if (n < 16)
		return;
	memset(&in, 0, sizeof(in));
	lon_raw = (int32_t)((uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3]);
	lat_raw = (int32_t)((uint32_t)d[4] << 24 | (uint32_t)d[5] << 16 | (uint32_t)d[6] << 8 | d[7]);
	in.longitude = lon_raw / 2147483648.0 * 180.0;
	in.latitude = lat_raw / 2147483648.0 * 90.0;
	in.has_position = true;
	in.time_elapsed = d[8] & 3;
	in.position_error = d[9] & 7;
	vel = (uint16_t)(d[10] << 8 | d[11]);
	in.has_velocity = vel != 0xffff;
	in.velocity_kmh = vel / 64.0;	/* 0 .. 1024 km/h */
	dir = (uint16_t)(d[12] << 8 | d[13]);
	in.has_direction = true;
	in.direction_deg = dir / 65536.0 * 360.0;
	if (d[14] & 1) {
		in.has_user_data = true;
		in.user_data = d[15];
	} else {
		in.has_reason = true;
		in.reason = d[15];
	}

	FUZZ_CHECK(tetra_lip_encode_short(&in, enc, sizeof(enc), &bits) == TETRA_OK);
	FUZZ_CHECK(bits == 76);
	/* as a terminal sends it: PID 0x0A + 76 bits = 84 bits */
	struct tetra_sds_pdu pdu;
	memset(&pdu, 0, sizeof(pdu));
	pdu.data[0] = TETRA_PID_LIP;
	memcpy(pdu.data + 1, enc, 10);
	pdu.bits = 84;
	FUZZ_CHECK(receive(TETRA_AI_SDS_TYPE4, &pdu) == TETRA_OK);
	FUZZ_CHECK(prim.oph.primitive == TETRA_TNSDS_LOCATION);
	const struct tetra_location_param *o = &prim.u.location;
	FUZZ_CHECK(!o->long_report && o->has_position);
	/* half a step of the 25/24-bit grids (a latitude at +90 may clamp a
	 * full step; a longitude near +180 may wrap to -180) */
	FUZZ_CHECK(angle_diff(o->longitude, in.longitude) <= 360.0 / (1 << 25) * 0.5 + 1e-9);
	FUZZ_CHECK(fabs(o->latitude - in.latitude) <= 180.0 / (1 << 24) * 1.0 + 1e-9);
	FUZZ_CHECK(o->time_elapsed == in.time_elapsed);
	FUZZ_CHECK(o->position_error == in.position_error);
	FUZZ_CHECK(o->has_velocity == in.has_velocity);
	if (in.has_velocity) {
		double v = o->velocity_kmh, w = in.velocity_kmh;
		uint8_t code = tetra_lip_velocity_code(w);
		/* the nearest code: no other code is closer */
		FUZZ_CHECK(fabs(v - w) <= fabs(tetra_lip_velocity_kmh(code) - w) + 1e-9);
		if (code > 0)
			FUZZ_CHECK(fabs(v - w) <= fabs(tetra_lip_velocity_kmh((uint8_t)(code - 1)) - w) + 1e-9);
		if (code < 126)
			FUZZ_CHECK(fabs(v - w) <= fabs(tetra_lip_velocity_kmh((uint8_t)(code + 1)) - w) + 1e-9);
	}
	FUZZ_CHECK(o->has_direction);
	FUZZ_CHECK(angle_diff(o->direction_deg, in.direction_deg) <= 22.5 / 2 + 1e-9);
	FUZZ_CHECK(o->has_reason == in.has_reason && o->has_user_data == in.has_user_data);
	FUZZ_CHECK(in.has_reason ? o->reason == in.reason : o->user_data == in.user_data);
}

/* An alert or answer as the bridge would send it: the payload from
 * tetra_callout_encode() after `C3 | flags | msgref`, received as a
 * terminal prints it: the CALLOUT primitive gives the values back. */
static void rt_callout(const uint8_t *d, size_t n)
{
	struct tetra_callout_msg m = { 0 };
	struct tetra_sds_pdu pdu;
	const struct tetra_callout_param *p = &prim.u.callout;
	size_t i = 7;
	int len, rc;

	if (n < 7)
		return;
	m.lead = d[1];
	m.kind = d[0] & 1 ? TETRA_CALLOUT_KIND_ANSWER : TETRA_CALLOUT_KIND_ALERT;
	m.number = d[2];
	m.severity = d[3];	/* over 4 bits must be refused */
	if (m.kind == TETRA_CALLOUT_KIND_ALERT) {
		m.has_sender = true;
		m.sender_subaddr = (uint16_t)(d[4] << 8 | d[5]);
		m.n_receivers = d[6] & 0x3f;	/* over 32 must be refused */
		for (unsigned k = 0; k < m.n_receivers && k < TETRA_CALLOUT_MAX_RECEIVERS; k++, i += 2)
			m.receivers[k] = i + 1 < n ? (uint16_t)(d[i] << 8 | d[i + 1]) : 0;
	}
	if (i < n) {
		m.text = d + i;
		m.text_len = n - i;
	}
	pdu.data[0] = TETRA_CALLOUT_PID;
	pdu.data[1] = (uint8_t)((d[0] >> 1 & 3) << 2 | 2);	/* TRANSFER, report request, short form */
	pdu.data[2] = d[1] ^ d[2];
	len = tetra_callout_encode(&m, pdu.data + 3, sizeof(pdu.data) - 3);
	if (m.severity > 15 || m.n_receivers > TETRA_CALLOUT_MAX_RECEIVERS) {
		FUZZ_CHECK(len == TETRA_E_INVALID);
		return;
	}
	if (m.kind == TETRA_CALLOUT_KIND_ALERT && m.text_len > TETRA_CALLOUT_TEXT_MAX) {
		FUZZ_CHECK(len == TETRA_E_TOO_LONG);
		return;
	}
	if (len == TETRA_E_NO_SPACE || 8 * (3 + len) > TETRA_SDS_TYPE4_MAX_BITS)
		return;	/* an answer text longer than one SDS */
	FUZZ_CHECK(len >= 3);
	pdu.bits = (uint16_t)(8 * (3 + len));
	rc = receive(TETRA_AI_SDS_TYPE4, &pdu);
	FUZZ_CHECK(rc == TETRA_OK);
	FUZZ_CHECK(prim.oph.primitive == TETRA_TNSDS_CALLOUT);
	FUZZ_CHECK(p->tl.present && p->tl.msg_ref == (uint8_t)(d[1] ^ d[2]) &&
		   p->tl.report_request == (d[0] >> 1 & 3));
	FUZZ_CHECK(p->lead == m.lead && p->kind == m.kind && p->number == m.number &&
		   p->severity == m.severity && p->has_sender == m.has_sender &&
		   p->sender_subaddr == m.sender_subaddr && p->n_receivers == m.n_receivers);
	FUZZ_CHECK(memcmp(p->receivers, m.receivers, m.n_receivers * sizeof(m.receivers[0])) == 0);
	FUZZ_CHECK(p->text_len == m.text_len && (!m.text_len || memcmp(p->text, m.text, m.text_len) == 0));
	FUZZ_CHECK(p->rest_len == 0);
}

static void rt_report(const uint8_t *d, size_t n)
{
	struct tetra_sds_pdu pdu;
	int rc;

	if (n < 3)
		return;
	rc = tetra_sds_encode_report(d[0], d[1], d[2], &pdu);
	if (!tetra_pid_has_tl(d[0])) {
		FUZZ_CHECK(rc == TETRA_E_INVALID);
		return;
	}
	FUZZ_CHECK(rc == TETRA_OK && pdu.bits == 32);
	FUZZ_CHECK(receive(TETRA_AI_SDS_TYPE4, &pdu) == TETRA_OK);
	/* PIDs the SDS decoder routes elsewhere first (0x82 text, 0x83 LIP ...)
	 * still give a REPORT: the message type says so */
	FUZZ_CHECK(prim.oph.primitive == TETRA_TNSDS_REPORT);
	FUZZ_CHECK(prim.u.report.pid == d[0] && prim.u.report.kind == TETRA_REPORT_SDS_REPORT);
	FUZZ_CHECK(prim.u.report.status == d[1] && prim.u.report.msg_ref == d[2]);
	FUZZ_CHECK(!prim.u.report.ack_required && !prim.u.report.storage);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 8192)
		return 0;
	switch (data[0] % 5) {
	case 0: rt_status(data + 1, size - 1); break;
	case 1: rt_text(data + 1, size - 1); break;
	case 2: rt_lip_short(data + 1, size - 1); break;
	case 3: rt_callout(data + 1, size - 1); break;
	case 4: rt_report(data + 1, size - 1); break;
	}
	return 0;
}
