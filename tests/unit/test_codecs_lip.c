/* LIP codec: the examples of docs/protocol.md §11, hemispheres, velocity coding, every long
 * shape / velocity type / altitude form, truncation at every prefix (from
 * exact-size heap copies, so ASan sees any over-read), unknown PDUs and
 * encode -> decode round trips.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codecs/bitio.h"
#include "codecs/lip.h"
#include "tests/lib/rng.h"

#define LON_UNIT (360.0 / 33554432.0)
#define LAT_UNIT (180.0 / 16777216.0)
#define EPS5 0.5e-5	/* "equal to 5 decimals" */

static struct tb_rng g_rng = { 0x9E3779B97F4A7C15ull };

static uint64_t rnd(void)
{
	return tb_rng_next(&g_rng);
}

static unsigned rndn(unsigned n)
{
	return tb_rng_below(&g_rng, n);
}

static size_t unhex(const char *hex, uint8_t *out)
{
	size_t n = strlen(hex) / 2;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
	return n;
}

/* Decode from a heap copy of exactly ceil(bit_len / 8) bytes. */
static int decode_exact(const uint8_t *pdu, size_t bit_len, struct tetra_prim *out)
{
	size_t n = (bit_len + 7) / 8;
	uint8_t *copy = malloc(n);	/* n == 0: a zero-size block; any read is an error */
	int rc;

	assert_non_null(copy);
	if (n)
		memcpy(copy, pdu, n);
	rc = tetra_lip_decode(NULL, TETRA_PID_LIP, copy, bit_len, out);
	free(copy);
	return rc;
}

/* Decoding every shorter prefix fails with TRUNCATED and leaves out alone. */
static void assert_prefixes_truncated(const uint8_t *pdu, size_t from, size_t bit_len)
{
	struct tetra_prim out, untouched;

	memset(&untouched, 0xA5, sizeof(untouched));
	for (size_t len = from; len < bit_len; len++) {
		out = untouched;
		int rc = decode_exact(pdu, len, &out);
		if (rc != TETRA_E_TRUNCATED)
			fail_msg("prefix of %zu of %zu bits: rc %d", len, bit_len, rc);
		assert_memory_equal(&out, &untouched, sizeof(out));
	}
}

static void assert_close(double got, double want, double eps)
{
	if (!(fabs(got - want) <= eps))
		fail_msg("got %.9f want %.9f (eps %g)", got, want, eps);
}

/* ---- the examples of docs/protocol.md §11 ------------------------------ */

static void test_example_short_moscow(void **state)
{
	uint8_t b[16];
	struct tetra_sds_header hdr = { .ai_service = TETRA_AI_SDS_TYPE4, .bit_len = 84 };
	struct tetra_prim out;
	size_t n = unhex("0A01AC608A7A20D8000000", b);

	assert_int_equal(n, 11);
	hdr.calling.ssi = 1234567;
	assert_int_equal(tetra_lip_decode(&hdr, b[0], b + 1, 84 - 8, &out), 0);
	assert_int_equal(out.oph.sap, TETRA_SAP_TNSDS);
	assert_int_equal(out.oph.primitive, TETRA_TNSDS_LOCATION);
	assert_int_equal(out.oph.operation, PRIM_OP_INDICATION);
	const struct tetra_location_param *l = &out.u.location;
	assert_int_equal(l->pid, 0x0A);
	assert_int_equal(l->hdr.calling.ssi, 1234567);
	assert_int_equal(l->hdr.bit_len, 84);
	assert_false(l->long_report);
	assert_false(l->tl.present);
	assert_int_equal(l->time_elapsed, 0);
	assert_true(l->has_position);
	assert_close(l->longitude, 37.65033, EPS5);
	assert_close(l->latitude, 55.73393, EPS5);
	assert_int_equal(l->position_error, 0);
	assert_string_equal(tetra_lip_position_error_name(l->position_error), "<2 m");
	assert_true(l->has_velocity);
	assert_close(l->velocity_kmh, 0, 0);
	assert_true(l->has_direction);
	assert_close(l->direction_deg, 0, 0);
	assert_true(l->has_reason);
	assert_false(l->has_user_data);
	assert_int_equal(l->reason, 0);
	assert_string_equal(tetra_lip_reason_name(l->reason), "power on");
	assert_false(l->has_altitude);
	assert_int_equal(l->confidence, TETRA_LIP_ABSENT);
}

static void test_example_short_unknowns(void **state)
{
	uint8_t b[16];
	struct tetra_prim out;

	unhex("0A0088BD4247F737FFE810", b);
	assert_int_equal(decode_exact(b + 1, 76, &out), 0);
	const struct tetra_location_param *l = &out.u.location;
	assert_close(l->longitude, 12.01810, EPS5);
	assert_close(l->latitude, 51.32510, EPS5);
	assert_int_equal(l->position_error, TETRA_LIP_POS_ERR_UNKNOWN);
	assert_string_equal(tetra_lip_position_error_name(l->position_error), "unknown");
	assert_false(l->has_velocity);
	assert_close(l->direction_deg, 337.5, 0);
	assert_true(l->has_reason);
	assert_int_equal(l->reason, 129);
	assert_string_equal(tetra_lip_reason_name(129), "max reporting interval");
}

static void test_example_long(void **state)
{
	uint8_t b[16];
	struct tetra_prim out;
	size_t n = unhex("0A4E73DDA841F55809493CC081", b);

	/* 13 bytes: every bit is a field, 96 after the PID */
	assert_int_equal(n, 13);
	assert_int_equal(decode_exact(b + 1, 96, &out), 0);
	assert_int_equal(out.oph.primitive, TETRA_TNSDS_LOCATION);
	const struct tetra_location_param *l = &out.u.location;
	assert_true(l->long_report);
	assert_int_equal(l->time_type, 2);
	assert_int_equal(l->day, 14);
	assert_int_equal(l->hour, 15);
	assert_int_equal(l->minute, 29);
	assert_int_equal(l->second, 42);
	assert_int_equal(l->shape, TETRA_LIP_SHAPE_POINT);
	assert_close(l->longitude, 11.01585, EPS5);
	assert_close(l->latitude, 52.23422, EPS5);
	assert_int_equal(l->velocity_type, TETRA_LIP_VEL_NONE);
	assert_false(l->has_velocity);
	assert_false(l->has_direction);
	assert_false(l->ack_requested);
	assert_false(l->has_msg_ref);
	assert_true(l->has_reason);
	assert_int_equal(l->reason, 129);
}

/* encode(decode(x)) gives x back, byte for byte, pad bits zero. */
static void test_examples_reencode(void **state)
{
	static const struct { const char *hex; size_t bits; bool is_long; } ex[] = {
		{ "0A01AC608A7A20D8000000", 76, false },
		{ "0A0088BD4247F737FFE810", 76, false },
		{ "0A4E73DDA841F55809493CC081", 96, true },
	};
	for (size_t i = 0; i < 3; i++) {
		uint8_t b[16], enc[16];
		struct tetra_prim out;
		size_t bits, n = unhex(ex[i].hex, b) - 1;

		assert_int_equal(decode_exact(b + 1, ex[i].bits, &out), 0);
		memset(enc, 0xFF, sizeof(enc));
		if (ex[i].is_long)
			assert_int_equal(tetra_lip_encode_long(&out.u.location, enc, sizeof(enc), &bits), 0);
		else
			assert_int_equal(tetra_lip_encode_short(&out.u.location, enc, sizeof(enc), &bits), 0);
		assert_int_equal(bits, ex[i].bits);
		/* the examples pad with zero bits (short: 76 bits in 10 octets) */
		assert_memory_equal(enc, b + 1, (bits + 7) / 8);
		assert_true(n >= (bits + 7) / 8);
	}
}

static void test_examples_truncated(void **state)
{
	uint8_t b[16];

	unhex("0A01AC608A7A20D8000000", b);
	assert_prefixes_truncated(b + 1, 0, 76);
	unhex("0A0088BD4247F737FFE810", b);
	assert_prefixes_truncated(b + 1, 0, 76);
	unhex("0A4E73DDA841F55809493CC081", b);
	assert_prefixes_truncated(b + 1, 0, 96);
}

/* ---- coordinates -------------------------------------------------------- */

/* A short report built field by field with the writer, independent of the encoder. */
static size_t build_short(uint8_t *buf, size_t size, uint32_t lon25, uint32_t lat24, uint8_t vel, uint8_t dir)
{
	struct tetra_bitwriter bw;

	memset(buf, 0, size);
	tetra_bw_init(&bw, buf, size);
	tetra_bw_put(&bw, 0, 2);	/* short */
	tetra_bw_put(&bw, 1, 2);	/* < 5 min */
	tetra_bw_put(&bw, lon25, 25);
	tetra_bw_put(&bw, lat24, 24);
	tetra_bw_put(&bw, 2, 3);	/* < 200 m */
	tetra_bw_put(&bw, vel, 7);
	tetra_bw_put(&bw, dir, 4);
	tetra_bw_put(&bw, 1, 1);	/* user data */
	tetra_bw_put(&bw, 0xC5, 8);
	assert_int_equal(tetra_bw_error(&bw), 0);
	return bw.pos;
}

static void test_sign_extension(void **state)
{
	static const struct { uint32_t lon, lat; double want_lon, want_lat; } c[] = {
		{ 0x1FFFFFF, 0xFFFFFF, -LON_UNIT, -LAT_UNIT },		/* just south-west of 0/0 */
		{ 0x1000000, 0x800000, -180.0, -90.0 },			/* the most negative codes */
		{ 0x0FFFFFF, 0x7FFFFF, 180.0 - LON_UNIT, 90.0 - LAT_UNIT },
		{ 0, 0, 0.0, 0.0 },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		uint8_t buf[16];
		struct tetra_prim out;
		size_t bits = build_short(buf, sizeof(buf), c[i].lon, c[i].lat, 10, 4);

		assert_int_equal(bits, 76);
		assert_int_equal(decode_exact(buf, bits, &out), 0);
		assert_close(out.u.location.longitude, c[i].want_lon, 1e-12);
		assert_close(out.u.location.latitude, c[i].want_lat, 1e-12);
		assert_int_equal(out.u.location.time_elapsed, 1);
		assert_int_equal(out.u.location.position_error, 2);
		assert_close(out.u.location.velocity_kmh, 10, 0);
		assert_close(out.u.location.direction_deg, 90, 0);
		assert_true(out.u.location.has_user_data);
		assert_false(out.u.location.has_reason);
		assert_int_equal(out.u.location.user_data, 0xC5);
	}
}

static void test_hemispheres(void **state)
{
	static const double places[][2] = {	/* lon, lat */
		{ 151.2093, -33.8688 },		/* Sydney: S, E */
		{ -43.1729, -22.9068 },		/* Rio: S, W */
		{ -74.0060, 40.7128 },		/* New York: N, W */
		{ 10.7522, 59.9139 },		/* Oslo */
		{ -0.0005, -0.0005 },		/* just S-W of 0/0 */
		{ -180.0, -90.0 },
		{ 179.99999, 89.99999 },
	};
	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		struct tetra_location_param loc = { .longitude = places[i][0], .latitude = places[i][1],
						    .position_error = 1, .has_reason = true, .reason = 2 };
		uint8_t buf[10];
		size_t bits;
		struct tetra_prim out;

		assert_int_equal(tetra_lip_encode_short(&loc, buf, sizeof(buf), &bits), 0);
		assert_int_equal(decode_exact(buf, bits, &out), 0);
		assert_close(out.u.location.longitude, places[i][0], LON_UNIT / 2 + 1e-12);
		assert_close(out.u.location.latitude, places[i][1], LAT_UNIT / 2 + 1e-12);
		assert_true((out.u.location.longitude < 0) == (places[i][0] < 0));
		assert_true((out.u.location.latitude < 0) == (places[i][1] < 0));
		assert_int_equal(out.u.location.reason, 2);
		assert_string_equal(tetra_lip_reason_name(2), "emergency");
	}
}

static void test_coordinate_edges(void **state)
{
	struct tetra_location_param loc = { .longitude = 180.0, .latitude = 90.0 };
	uint8_t buf[10];
	size_t bits;
	struct tetra_prim out;

	/* 180 E is 180 W; 90 N is the largest latitude code */
	assert_int_equal(tetra_lip_encode_short(&loc, buf, sizeof(buf), &bits), 0);
	assert_int_equal(decode_exact(buf, bits, &out), 0);
	assert_close(out.u.location.longitude, -180.0, 0);
	assert_close(out.u.location.latitude, 90.0 - LAT_UNIT, 1e-12);

	loc.longitude = 180.0001;
	assert_int_equal(tetra_lip_encode_short(&loc, buf, sizeof(buf), &bits), TETRA_E_INVALID);
	loc.longitude = 0;
	loc.latitude = -90.5;
	assert_int_equal(tetra_lip_encode_short(&loc, buf, sizeof(buf), &bits), TETRA_E_INVALID);
	loc.latitude = NAN;
	assert_int_equal(tetra_lip_encode_short(&loc, buf, sizeof(buf), &bits), TETRA_E_INVALID);
	loc.latitude = 0;
	loc.has_direction = true;
	loc.direction_deg = NAN;
	assert_int_equal(tetra_lip_encode_short(&loc, buf, sizeof(buf), &bits), TETRA_E_INVALID);
	loc.has_direction = false;
	assert_int_equal(tetra_lip_encode_short(&loc, buf, 9, &bits), TETRA_E_NO_SPACE);
	assert_int_equal(tetra_lip_encode_short(&loc, buf, 10, &bits), 0);
}

/* ---- velocity, uncertainty, altitude codings ---------------------------- */

static double velocity_ref(unsigned k)
{
	double v = 16.0;	/* 16 * 1.038^(k-13) by repeated multiplication, not pow() */
	for (unsigned i = 13; i < k; i++)
		v *= 1.038;
	return v;
}

static void test_velocity_formula(void **state)
{
	assert_close(tetra_lip_velocity_kmh(0), 0, 0);
	assert_close(tetra_lip_velocity_kmh(28), 28, 0);
	assert_close(tetra_lip_velocity_kmh(29), 29.0588, 1e-4);
	assert_close(tetra_lip_velocity_kmh(125), 1042.854, 1e-3);
	assert_close(tetra_lip_velocity_kmh(126), 1082.483, 1e-3);
	assert_true(tetra_lip_velocity_kmh(127) < 0);
	for (unsigned k = 29; k <= 126; k++)
		assert_close(tetra_lip_velocity_kmh((uint8_t)k), velocity_ref(k), 1e-9 * velocity_ref(k));
	for (unsigned k = 0; k <= 28; k++)
		assert_close(tetra_lip_velocity_kmh((uint8_t)k), k, 0);
	/* code(value(K)) == K, and the nearest code for values between */
	for (unsigned k = 0; k <= 126; k++)
		assert_int_equal(tetra_lip_velocity_code(tetra_lip_velocity_kmh((uint8_t)k)), k);
	assert_int_equal(tetra_lip_velocity_code(28.4), 28);
	assert_int_equal(tetra_lip_velocity_code(28.6), 29);
	assert_int_equal(tetra_lip_velocity_code(-3), 0);
	assert_int_equal(tetra_lip_velocity_code(NAN), 0);
	assert_int_equal(tetra_lip_velocity_code(5000), 126);

	/* and through the decoder, at the table points */
	static const struct { uint8_t k; bool known; } pts[] = { { 28, true }, { 29, true }, { 126, true }, { 127, false } };
	for (size_t i = 0; i < 4; i++) {
		uint8_t buf[16];
		struct tetra_prim out;
		size_t bits = build_short(buf, sizeof(buf), 1000, 2000, pts[i].k, 15);

		assert_int_equal(decode_exact(buf, bits, &out), 0);
		assert_int_equal(out.u.location.has_velocity, pts[i].known);
		if (pts[i].known)
			assert_close(out.u.location.velocity_kmh, pts[i].k <= 28 ? pts[i].k : velocity_ref(pts[i].k), 1e-9);
		assert_close(out.u.location.direction_deg, 337.5, 0);
	}
}

static void test_uncertainty_and_altitude_codes(void **state)
{
	assert_close(tetra_lip_uncertainty_m(0), 1.0, 0.05);
	assert_close(tetra_lip_uncertainty_m(1), 2.0, 0.05);
	assert_close(tetra_lip_uncertainty_m(2), 3.2, 0.05);
	assert_close(tetra_lip_uncertainty_m(31), 1413.6, 0.05);
	assert_close(tetra_lip_uncertainty_m(62), 403802.7, 0.05);
	assert_true(tetra_lip_uncertainty_m(63) < 0);
	for (unsigned k = 0; k <= 62; k++)
		assert_int_equal(tetra_lip_uncertainty_code(tetra_lip_uncertainty_m((uint8_t)k)), k);
	assert_int_equal(tetra_lip_uncertainty_code(0), 0);
	assert_int_equal(tetra_lip_uncertainty_code(1.5), 1);	/* smallest bound that covers it */
	assert_int_equal(tetra_lip_uncertainty_code(1e9), 63);

	static const struct { uint16_t code; int32_t m; } alt[] = {
		{ 1, -200 }, { 201, 0 }, { 1201, 1000 }, { 1202, 1002 }, { 1926, 2450 },
		{ 1927, 2525 }, { 2047, 11525 },
	};
	for (size_t i = 0; i < sizeof(alt) / sizeof(alt[0]); i++) {
		assert_int_equal(tetra_lip_altitude_m(alt[i].code), alt[i].m);
		assert_int_equal(tetra_lip_altitude_code(alt[i].m), alt[i].code);
	}
	assert_int_equal(tetra_lip_altitude_m(0), INT32_MIN);
	for (unsigned c = 1; c <= 2047; c++)
		assert_int_equal(tetra_lip_altitude_code(tetra_lip_altitude_m((uint16_t)c)), c);
	assert_int_equal(tetra_lip_altitude_code(-1000), 1);
	assert_int_equal(tetra_lip_altitude_code(1001), 1202);	/* nearest, ties up */
	assert_int_equal(tetra_lip_altitude_code(2487), 1926);
	assert_int_equal(tetra_lip_altitude_code(2488), 1927);
	assert_int_equal(tetra_lip_altitude_code(99999), 2047);
}

/* ---- long reports: every shape, velocity type and altitude form --------- */

static const unsigned shape_bits[11] = { 0, 49, 55, 72, 61, 67, 84, 70, 87, 100, 52 };
static const unsigned velocity_bits[8] = { 0, 7, 10, 15, 21, 15, 21, 32 };
static const unsigned time_bits[3] = { 0, 2, 22 };

/* A random long report whose every value is exactly representable. */
static void random_long(struct tetra_location_param *l, unsigned time_type, unsigned shape, unsigned vel)
{
	memset(l, 0, sizeof(*l));
	l->long_report = true;
	l->time_type = (uint8_t)time_type;
	l->time_elapsed = 3;
	if (time_type == 1)
		l->time_elapsed = (uint8_t)rndn(4);
	if (time_type == 2) {
		l->day = (uint8_t)(1 + rndn(31));
		l->hour = (uint8_t)rndn(24);
		l->minute = (uint8_t)rndn(60);
		l->second = (uint8_t)rndn(60);
	}
	l->shape = (uint8_t)shape;
	l->has_position = shape != 0;
	if (shape) {
		l->longitude = (double)((int32_t)rndn(1u << 25) - (1 << 24)) * LON_UNIT;
		l->latitude = (double)((int32_t)rndn(1u << 24) - (1 << 23)) * LAT_UNIT;
	}
	l->position_error = TETRA_LIP_POS_ERR_UNKNOWN;
	l->confidence = l->altitude_uncertainty = TETRA_LIP_ABSENT;
	l->horizontal_velocity_uncertainty = l->vertical_velocity_uncertainty = l->direction_uncertainty = TETRA_LIP_ABSENT;
	if (shape == 3 || shape == 6 || shape == 8 || shape == 9)
		l->confidence = (uint8_t)rndn(8);
	if (shape == 2 || shape == 5 || shape == 7) {
		uint8_t k = (uint8_t)rndn(64);
		l->has_uncertainty = k != 63;
		l->horizontal_uncertainty_m = k != 63 ? tetra_lip_uncertainty_m(k) : 0;
	}
	if (shape == 3 || shape == 6 || shape == 8) {
		l->has_ellipse = true;
		l->half_major_m = tetra_lip_uncertainty_m((uint8_t)rndn(64));
		l->half_minor_m = tetra_lip_uncertainty_m((uint8_t)rndn(64));
		l->ellipse_angle_deg = rndn(256) * (360.0 / 256.0);
	}
	if (shape >= 4 && shape <= 8) {
		uint16_t c = (uint16_t)rndn(2048);	/* 0: not known */
		l->altitude_type = (uint8_t)rndn(2);
		l->has_altitude = c != 0;
		l->altitude_m = c ? tetra_lip_altitude_m(c) : 0;
	}
	if (shape == 7 || shape == 8)
		l->altitude_uncertainty = (uint8_t)rndn(8);
	if (shape == 9) {
		l->has_arc = true;
		l->arc_inner_radius = (uint16_t)rnd();
		l->arc_uncertainty_radius = (uint16_t)rnd();
		l->arc_offset_angle = (uint8_t)rnd();
		l->arc_included_angle = (uint8_t)rnd();
	}
	if (shape == 10)
		l->position_error = (uint8_t)rndn(8);

	l->velocity_type = (uint8_t)vel;
	if (vel) {
		uint8_t k = (uint8_t)rndn(128);
		l->has_velocity = k != 127;
		l->velocity_kmh = k != 127 ? tetra_lip_velocity_kmh(k) : 0;
	}
	if (vel == 2 || vel == 4 || vel == 6 || vel == 7)
		l->horizontal_velocity_uncertainty = (uint8_t)rndn(8);
	if (vel == 3 || vel == 4 || vel == 7) {
		l->has_vertical_velocity = true;
		l->vertical_velocity_raw = (uint8_t)rnd();
	}
	if (vel == 4 || vel == 7)
		l->vertical_velocity_uncertainty = (uint8_t)rndn(8);
	if (vel >= 5) {
		l->has_direction = true;
		l->direction_deg = rndn(256) * (360.0 / 256.0);
	}
	if (vel == 6 || vel == 7)
		l->direction_uncertainty = (uint8_t)rndn(8);

	l->ack_requested = false;
	if (rndn(2)) {
		l->has_user_data = true;
		l->user_data = (uint8_t)rnd();
	} else {
		l->has_reason = true;
		l->reason = (uint8_t)rnd();
	}
}

static void assert_location_equal(const struct tetra_location_param *a, const struct tetra_location_param *b)
{
#define EQ(f) assert_int_equal(a->f, b->f)
#define EQD(f) assert_true(a->f == b->f)
	EQ(long_report); EQ(time_type); EQ(time_elapsed);
	EQ(day); EQ(hour); EQ(minute); EQ(second);
	EQ(shape); EQ(has_position); EQD(longitude); EQD(latitude);
	EQ(position_error); EQ(has_uncertainty); EQD(horizontal_uncertainty_m);
	EQ(has_altitude); EQ(altitude_m); EQ(altitude_type);
	EQ(velocity_type); EQ(has_velocity); EQD(velocity_kmh);
	EQ(has_direction); EQD(direction_deg);
	EQ(ack_requested); EQ(has_reason); EQ(reason); EQ(has_user_data); EQ(user_data);
	EQ(has_msg_ref); EQ(msg_ref);
	EQ(has_ellipse); EQD(half_major_m); EQD(half_minor_m); EQD(ellipse_angle_deg);
	EQ(has_arc); EQ(arc_inner_radius); EQ(arc_uncertainty_radius); EQ(arc_offset_angle); EQ(arc_included_angle);
	EQ(confidence); EQ(altitude_uncertainty);
	EQ(horizontal_velocity_uncertainty); EQ(has_vertical_velocity); EQ(vertical_velocity_raw);
	EQ(vertical_velocity_uncertainty); EQ(direction_uncertainty);
#undef EQ
#undef EQD
}

static void test_long_every_form(void **state)
{
	for (unsigned t = 0; t < 3; t++)
		for (unsigned s = 0; s <= 10; s++)
			for (unsigned v = 0; v < 8; v++) {
				struct tetra_location_param in;
				struct tetra_prim out;
				uint8_t buf[32];
				size_t bits;

				random_long(&in, t, s, v);
				assert_int_equal(tetra_lip_encode_long(&in, buf, sizeof(buf), &bits), 0);
				/* the widths of every shape and velocity type */
				assert_int_equal(bits, 2 + 4 + 2 + time_bits[t] + 4 + shape_bits[s] + 3 + velocity_bits[v] + 1 + 1 + 8);
				assert_int_equal(decode_exact(buf, bits, &out), 0);
				assert_int_equal(out.oph.primitive, TETRA_TNSDS_LOCATION);
				assert_location_equal(&out.u.location, &in);
				assert_prefixes_truncated(buf, 0, bits);
			}
}

/* Shape 5 (circle + altitude) and 10 built by hand, not by the encoder. */
static void test_long_hand_built(void **state)
{
	uint8_t buf[32] = { 0 };
	struct tetra_bitwriter bw;
	struct tetra_prim out;

	tetra_bw_init(&bw, buf, sizeof(buf));
	tetra_bw_put(&bw, 1, 2);
	tetra_bw_put(&bw, 3, 4);
	tetra_bw_put(&bw, 1, 2);		/* time elapsed */
	tetra_bw_put(&bw, 2, 2);		/* < 30 min */
	tetra_bw_put(&bw, 5, 4);		/* circle with altitude */
	tetra_bw_put(&bw, (uint64_t)(-(1 << 22)) & 0x1FFFFFF, 25);	/* -45 */
	tetra_bw_put(&bw, (uint64_t)(-(1 << 21)) & 0xFFFFFF, 24);	/* -22.5 */
	tetra_bw_put(&bw, 2, 6);		/* < 3.2 m */
	tetra_bw_put(&bw, 1, 1);		/* user-defined altitude reference */
	tetra_bw_put(&bw, 1927, 11);		/* 2525 m */
	tetra_bw_put(&bw, 5, 3);		/* horizontal velocity with direction */
	tetra_bw_put(&bw, 29, 7);
	tetra_bw_put(&bw, 64, 8);		/* 90 degrees */
	tetra_bw_put(&bw, 1, 1);		/* ack requested */
	tetra_bw_put(&bw, 0, 1);
	tetra_bw_put(&bw, 32, 8);		/* response to immediate request */
	tetra_bw_put(&bw, 0x5A, 8);		/* location message reference */
	assert_int_equal(tetra_bw_error(&bw), 0);

	assert_int_equal(decode_exact(buf, bw.pos, &out), 0);
	const struct tetra_location_param *l = &out.u.location;
	assert_int_equal(l->time_type, 1);
	assert_int_equal(l->time_elapsed, 2);
	assert_int_equal(l->shape, 5);
	assert_close(l->longitude, -45.0, 0);
	assert_close(l->latitude, -22.5, 0);
	assert_true(l->has_uncertainty);
	assert_close(l->horizontal_uncertainty_m, 3.2, 0.05);
	assert_true(l->has_altitude);
	assert_int_equal(l->altitude_type, 1);
	assert_int_equal(l->altitude_m, 2525);
	assert_close(l->velocity_kmh, velocity_ref(29), 1e-9);
	assert_true(l->has_direction);
	assert_close(l->direction_deg, 90.0, 0);
	assert_true(l->ack_requested);
	assert_int_equal(l->reason, 32);
	assert_string_equal(tetra_lip_reason_name(32), "response to immediate location request");
	assert_true(l->has_msg_ref);
	assert_int_equal(l->msg_ref, 0x5A);

	/* without the trailing reference (unverified element): still decodes */
	assert_int_equal(decode_exact(buf, bw.pos - 8, &out), 0);
	assert_false(out.u.location.has_msg_ref);
	assert_int_equal(out.u.location.reason, 32);
	/* ... and every shorter prefix is truncated */
	assert_prefixes_truncated(buf, 0, bw.pos - 8);

	/* re-encoded, bit for bit */
	uint8_t enc[32];
	size_t bits;
	struct tetra_location_param again;
	assert_int_equal(decode_exact(buf, bw.pos, &out), 0);
	again = out.u.location;
	assert_int_equal(tetra_lip_encode_long(&again, enc, sizeof(enc), &bits), 0);
	assert_int_equal(bits, bw.pos);
	assert_memory_equal(enc, buf, (bits + 7) / 8);
}

static void test_long_altitude_forms(void **state)
{
	static const uint16_t codes[] = { 0, 1, 201, 1201, 1202, 1926, 1927, 2047 };
	for (unsigned s = 4; s <= 8; s++)
		for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
			struct tetra_location_param in;
			struct tetra_prim out;
			uint8_t buf[32];
			size_t bits;

			random_long(&in, 0, s, 0);
			in.has_altitude = codes[i] != 0;
			in.altitude_m = codes[i] ? tetra_lip_altitude_m(codes[i]) : 0;
			assert_int_equal(tetra_lip_encode_long(&in, buf, sizeof(buf), &bits), 0);
			assert_int_equal(decode_exact(buf, bits, &out), 0);
			assert_int_equal(out.u.location.has_altitude, codes[i] != 0);
			assert_int_equal(out.u.location.altitude_m, in.altitude_m);
		}
}

static void test_long_reserved_forms(void **state)
{
	for (unsigned s = 11; s <= 15; s++) {
		uint8_t buf[32] = { 0 };
		struct tetra_bitwriter bw;
		struct tetra_prim out;

		tetra_bw_init(&bw, buf, sizeof(buf));
		tetra_bw_put(&bw, 1, 2);
		tetra_bw_put(&bw, 3, 4);
		tetra_bw_put(&bw, 0, 2);
		tetra_bw_put(&bw, s, 4);
		tetra_bw_put(&bw, 0, 50);
		tetra_bw_put(&bw, 0, 50);
		assert_int_equal(decode_exact(buf, bw.pos, &out), TETRA_E_RANGE);
	}
	uint8_t buf[8] = { 0x4F, 0, 0, 0, 0, 0, 0, 0 };	/* 01 0011 11: time type 3 */
	struct tetra_prim out;
	assert_int_equal(decode_exact(buf, 64, &out), TETRA_E_RANGE);
	assert_int_equal(decode_exact(buf, 8, &out), TETRA_E_RANGE);
	assert_int_equal(decode_exact(buf, 7, &out), TETRA_E_TRUNCATED);

	struct tetra_location_param in;
	uint8_t enc[32];
	size_t bits;
	random_long(&in, 0, 1, 0);
	in.shape = 11;
	assert_int_equal(tetra_lip_encode_long(&in, enc, sizeof(enc), &bits), TETRA_E_INVALID);
	random_long(&in, 2, 1, 0);
	in.hour = 24;
	assert_int_equal(tetra_lip_encode_long(&in, enc, sizeof(enc), &bits), TETRA_E_INVALID);
	random_long(&in, 0, 3, 0);
	in.confidence = 8;
	assert_int_equal(tetra_lip_encode_long(&in, enc, sizeof(enc), &bits), TETRA_E_INVALID);
	random_long(&in, 0, 1, 0);
	assert_int_equal(tetra_lip_encode_long(&in, enc, 9, &bits), TETRA_E_NO_SPACE);	/* 74 bits */
	assert_int_equal(tetra_lip_encode_long(&in, enc, 10, &bits), 0);
}

/* ---- other PDUs ---------------------------------------------------------- */

static void test_other_pdus(void **state)
{
	for (unsigned ext = 0; ext < 16; ext++) {
		uint8_t buf[4] = { (uint8_t)(0x40 | (ext << 2)), 0, 0, 0 };
		struct tetra_prim out;
		int rc = decode_exact(buf, 32, &out);

		if (ext == 0 || ext == 2 || ext >= 13) {
			assert_int_equal(rc, TETRA_E_PDU_TYPE);
		} else if (ext == 3) {
			assert_int_equal(rc, 0);	/* a (zero) long report */
			assert_int_equal(out.oph.primitive, TETRA_TNSDS_LOCATION);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(out.oph.sap, TETRA_SAP_TNSDS);
			assert_int_equal(out.oph.primitive, TETRA_TNSDS_LOCATION_CONTROL);
			assert_int_equal(out.u.location_control.pdu_ext, ext);
			assert_int_equal(out.u.location_control.pid, TETRA_PID_LIP);
		}
	}
	/* PDU types 10 and 11 are reserved */
	uint8_t b2[4] = { 0x80 }, b3[4] = { 0xC0 };
	struct tetra_prim out;
	assert_int_equal(decode_exact(b2, 32, &out), TETRA_E_PDU_TYPE);
	assert_int_equal(decode_exact(b3, 32, &out), TETRA_E_PDU_TYPE);
	assert_int_equal(decode_exact(b2, 1, &out), TETRA_E_TRUNCATED);
	uint8_t ack[1] = { 0x50 };	/* 01 0100: report ack, nothing more known */
	assert_int_equal(decode_exact(ack, 6, &out), 0);
	assert_int_equal(out.u.location_control.pdu_ext, TETRA_LIP_EXT_REPORT_ACK);
	assert_int_equal(decode_exact(ack, 5, &out), TETRA_E_TRUNCATED);
}

static void test_immediate_request(void **state)
{
	for (uint8_t rt = 0; rt < 4; rt++) {
		uint8_t buf[2];
		size_t bits;
		struct tetra_prim out;
		struct tetra_sds_header hdr = { .ai_service = TETRA_AI_SDS_TYPE4 };

		memset(buf, 0xFF, sizeof(buf));
		assert_int_equal(tetra_lip_encode_immediate_request(rt, buf, sizeof(buf), &bits), 0);
		assert_int_equal(bits, 11);
		assert_int_equal(buf[0], 0x44);			/* 01 0001 00 */
		assert_int_equal(buf[1], (uint8_t)(rt << 6));	/* report type, O-bit 0, pad 0 */
		assert_int_equal(tetra_lip_decode(&hdr, TETRA_PID_LOCATION_TL, buf, bits, &out), 0);
		assert_int_equal(out.oph.primitive, TETRA_TNSDS_LOCATION_CONTROL);
		const struct tetra_location_control_param *c = &out.u.location_control;
		assert_int_equal(c->pid, 0x83);
		assert_int_equal(c->hdr.ai_service, TETRA_AI_SDS_TYPE4);
		assert_int_equal(c->pdu_ext, TETRA_LIP_EXT_IMMEDIATE_REQUEST);
		assert_int_equal(c->request_type, rt);
		assert_int_equal(c->request_priority, 0);
		assert_prefixes_truncated(buf, 0, 10);
	}
	uint8_t buf[2];
	size_t bits;
	assert_int_equal(tetra_lip_encode_immediate_request(4, buf, sizeof(buf), &bits), TETRA_E_INVALID);
	assert_int_equal(tetra_lip_encode_immediate_request(0, buf, 1, &bits), TETRA_E_NO_SPACE);
}

/* ---- round trips ---------------------------------------------------------- */

static void test_short_round_trip_codes(void **state)
{
	for (int i = 0; i < 20000; i++) {
		struct tetra_location_param in = { 0 };
		struct tetra_prim out;
		uint8_t buf[10], vel = (uint8_t)rndn(128), dir = (uint8_t)rndn(16);
		size_t bits;

		in.time_elapsed = (uint8_t)rndn(4);
		in.longitude = (double)((int32_t)rndn(1u << 25) - (1 << 24)) * LON_UNIT;
		in.latitude = (double)((int32_t)rndn(1u << 24) - (1 << 23)) * LAT_UNIT;
		in.position_error = (uint8_t)rndn(8);
		in.has_velocity = vel != 127;
		in.velocity_kmh = in.has_velocity ? tetra_lip_velocity_kmh(vel) : 0;
		in.has_direction = true;
		in.direction_deg = dir * 22.5;
		if (rndn(2)) {
			in.has_user_data = true;
			in.user_data = (uint8_t)rnd();
		} else {
			in.has_reason = true;
			in.reason = (uint8_t)rnd();
		}
		assert_int_equal(tetra_lip_encode_short(&in, buf, sizeof(buf), &bits), 0);
		assert_int_equal(bits, 76);
		assert_int_equal(decode_exact(buf, bits, &out), 0);
		const struct tetra_location_param *l = &out.u.location;
		assert_false(l->long_report);
		assert_int_equal(l->time_elapsed, in.time_elapsed);
		assert_true(l->longitude == in.longitude);
		assert_true(l->latitude == in.latitude);
		assert_int_equal(l->position_error, in.position_error);
		assert_int_equal(l->has_velocity, in.has_velocity);
		assert_true(l->velocity_kmh == in.velocity_kmh);
		assert_true(l->direction_deg == in.direction_deg);
		assert_int_equal(l->has_reason, in.has_reason);
		assert_int_equal(l->reason, in.reason);
		assert_int_equal(l->has_user_data, in.has_user_data);
		assert_int_equal(l->user_data, in.user_data);
	}
}

/* Continuous inputs come back quantised: the nearest code of each field. */
static void test_short_round_trip_quantised(void **state)
{
	for (int i = 0; i < 20000; i++) {
		struct tetra_location_param in = { 0 };
		struct tetra_prim out;
		uint8_t buf[10];
		size_t bits;

		in.longitude = (double)rnd() / 18446744073709551616.0 * 360.0 - 180.0;
		in.latitude = (double)rnd() / 18446744073709551616.0 * 180.0 - 90.0;
		in.has_velocity = true;
		in.velocity_kmh = (double)rnd() / 18446744073709551616.0 * 1100.0;
		in.has_direction = true;
		in.direction_deg = (double)rnd() / 18446744073709551616.0 * 720.0 - 360.0;
		assert_int_equal(tetra_lip_encode_short(&in, buf, sizeof(buf), &bits), 0);
		assert_int_equal(decode_exact(buf, bits, &out), 0);
		const struct tetra_location_param *l = &out.u.location;
		double dlon = fabs(l->longitude - in.longitude);
		if (dlon > 180)
			dlon = 360 - dlon;	/* 180 E came back as 180 W */
		assert_true(dlon <= LON_UNIT / 2 + 1e-12);
		assert_true(fabs(l->latitude - in.latitude) <= LAT_UNIT / 2 + 1e-12 ||
			    (in.latitude > 90 - LAT_UNIT && l->latitude == 90 - LAT_UNIT));
		uint8_t k = tetra_lip_velocity_code(l->velocity_kmh);
		double err = fabs(l->velocity_kmh - in.velocity_kmh);
		if (k > 0)
			assert_true(err <= fabs(tetra_lip_velocity_kmh(k - 1) - in.velocity_kmh) + 1e-9);
		if (k < 126)
			assert_true(err <= fabs(tetra_lip_velocity_kmh(k + 1) - in.velocity_kmh) + 1e-9);
		double ddir = fabs(l->direction_deg - in.direction_deg);
		while (ddir >= 360)
			ddir -= 360;
		if (ddir > 180)
			ddir = 360 - ddir;
		assert_true(ddir <= 11.25 + 1e-9);
	}
}

static void test_long_round_trip_random(void **state)
{
	for (int i = 0; i < 20000; i++) {
		struct tetra_location_param in;
		struct tetra_prim out;
		uint8_t buf[32];
		size_t bits;

		random_long(&in, rndn(3), rndn(11), rndn(8));
		if (rndn(4) == 0) {
			in.ack_requested = true;
			in.has_msg_ref = true;
			in.msg_ref = (uint8_t)rnd();
		}
		assert_int_equal(tetra_lip_encode_long(&in, buf, sizeof(buf), &bits), 0);
		assert_int_equal(decode_exact(buf, bits, &out), 0);
		assert_location_equal(&out.u.location, &in);
	}
}

static void test_decode_never_overreads(void **state)
{
	/* random bytes at random lengths: any result, but ASan stays quiet */
	for (int i = 0; i < 20000; i++) {
		uint8_t buf[32];
		struct tetra_prim out;
		size_t bits = rndn(200);

		for (size_t k = 0; k < sizeof(buf); k++)
			buf[k] = (uint8_t)rnd();
		int rc = decode_exact(buf, bits, &out);
		assert_true(rc == 0 || rc == TETRA_E_TRUNCATED || rc == TETRA_E_PDU_TYPE || rc == TETRA_E_RANGE);
	}
}

static void test_names(void **state)
{
	assert_string_equal(tetra_lip_reason_name(3), "PTT");
	assert_string_equal(tetra_lip_reason_name(130), "max reporting distance");
	assert_string_equal(tetra_lip_reason_name(31), "unlisted");
	assert_string_equal(tetra_lip_reason_name(255), "unlisted");
	assert_string_equal(tetra_lip_position_error_name(5), "<=200 km");
	assert_string_equal(tetra_lip_position_error_name(8), "unlisted");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_short_moscow),
		cmocka_unit_test(test_example_short_unknowns),
		cmocka_unit_test(test_example_long),
		cmocka_unit_test(test_examples_reencode),
		cmocka_unit_test(test_examples_truncated),
		cmocka_unit_test(test_sign_extension),
		cmocka_unit_test(test_hemispheres),
		cmocka_unit_test(test_coordinate_edges),
		cmocka_unit_test(test_velocity_formula),
		cmocka_unit_test(test_uncertainty_and_altitude_codes),
		cmocka_unit_test(test_long_every_form),
		cmocka_unit_test(test_long_hand_built),
		cmocka_unit_test(test_long_altitude_forms),
		cmocka_unit_test(test_long_reserved_forms),
		cmocka_unit_test(test_other_pdus),
		cmocka_unit_test(test_immediate_request),
		cmocka_unit_test(test_short_round_trip_codes),
		cmocka_unit_test(test_short_round_trip_quantised),
		cmocka_unit_test(test_long_round_trip_random),
		cmocka_unit_test(test_decode_never_overreads),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
