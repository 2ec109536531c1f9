/* ipc/pb_utf8.c: every string the bridge packs is valid UTF-8.
 *
 * Real protobuf-c messages of the contract: the walk finds a bad string in
 * a top-level field, in a sub-message, in a oneof member, and ignores an
 * unset oneof member; packing repairs a copy and leaves the caller's
 * message as it was; a valid message is packed as it is.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <talloc.h>

#include "codecs/text.h"
#include "ipc/pb_utf8.h"
#include "ipc/tetra_bridge.pb-c.h"

#define FFFD "\xef\xbf\xbd"

/* Unpack what was packed and check every string field with the walk. */
static void *unpack_event(const uint8_t *buf, size_t len)
{
	Tetrabridge__V1__Event *e = tetrabridge__v1__event__unpack(NULL, len, buf);

	assert_non_null(e);
	assert_null(tb_pb_invalid_utf8(&e->base));
	return e;
}

static void test_reply_error_quoting_a_client(void **state)
{
	Tetrabridge__V1__Reply r = TETRABRIDGE__V1__REPLY__INIT;
	char error[] = "no radio named '\xff" "lvs' here";
	uint8_t buf[256], *out;
	unsigned repaired;
	long len;
	Tetrabridge__V1__Reply *back;

	r.code = TETRABRIDGE__V1__REPLY__CODE__UNKNOWN_RADIO;
	r.error = error;
	assert_string_equal(tb_pb_invalid_utf8(&r.base), "tetrabridge.v1.Reply.error");
	len = tb_pb_pack_utf8(&r.base, NULL, buf, sizeof(buf), &out, &repaired);
	assert_true(len > 0);
	assert_ptr_equal(out, buf);
	assert_int_equal(repaired, 1);
	assert_ptr_equal(r.error, error);	/* the caller's message is untouched */
	assert_memory_equal(r.error, "no radio named '\xff", 17);
	back = tetrabridge__v1__reply__unpack(NULL, (size_t)len, out);
	assert_non_null(back);
	assert_string_equal(back->error, "no radio named '" FFFD "lvs' here");
	assert_int_equal(back->code, TETRABRIDGE__V1__REPLY__CODE__UNKNOWN_RADIO);
	tetrabridge__v1__reply__free_unpacked(back, NULL);
}

static void test_nested_and_oneof(void **state)
{
	Tetrabridge__V1__Event ev = TETRABRIDGE__V1__EVENT__INIT;
	Tetrabridge__V1__Outgoing og = TETRABRIDGE__V1__OUTGOING__INIT;
	Tetrabridge__V1__Identity to = TETRABRIDGE__V1__IDENTITY__INIT;
	char digits[] = "0047\xc0\x80" "12";
	uint8_t buf[512], *out;
	unsigned repaired;
	long len;
	Tetrabridge__V1__Event *back;

	ev.bridge = "sunnfjord-lvs";
	ev.radio = "lvs-1";
	to.type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_PSTN;
	to.digits = digits;
	og.to = &to;
	og.reason = "";
	og.client = "amk \xe2\x82";	/* truncated sequence */
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_OUTGOING;
	ev.outgoing = &og;
	assert_string_equal(tb_pb_invalid_utf8(&ev.base), "tetrabridge.v1.Identity.digits");
	len = tb_pb_pack_utf8(&ev.base, NULL, buf, sizeof(buf), &out, &repaired);
	assert_true(len > 0);
	assert_int_equal(repaired, 2);
	back = unpack_event(out, (size_t)len);
	assert_string_equal(back->outgoing->to->digits, "0047" FFFD FFFD "12");
	assert_string_equal(back->outgoing->client, "amk " FFFD FFFD);
	assert_string_equal(back->bridge, "sunnfjord-lvs");
	tetrabridge__v1__event__free_unpacked(back, NULL);

	/* A oneof member that is not the one set is not looked at. */
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY__NOT_SET;
	assert_null(tb_pb_invalid_utf8(&ev.base));
}

static void test_valid_packs_as_is(void **state)
{
	Tetrabridge__V1__Event ev = TETRABRIDGE__V1__EVENT__INIT;
	Tetrabridge__V1__Text text = TETRABRIDGE__V1__TEXT__INIT;
	uint8_t buf[512], plain[512], *out;
	unsigned repaired = 99;
	long len;

	ev.seq = 7;
	ev.bridge = "b";
	ev.radio = "lvs-1";
	text.text = "Førde: 🚑 på vei";
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_TEXT;
	ev.text = &text;
	assert_null(tb_pb_invalid_utf8(&ev.base));
	len = tb_pb_pack_utf8(&ev.base, NULL, buf, sizeof(buf), &out, &repaired);
	assert_int_equal(repaired, 0);
	assert_int_equal(len, (long)tetrabridge__v1__event__get_packed_size(&ev));
	tetrabridge__v1__event__pack(&ev, plain);
	assert_memory_equal(out, plain, (size_t)len);
}

static void test_big_message_goes_to_ctx(void **state)
{
	Tetrabridge__V1__Reply r = TETRABRIDGE__V1__REPLY__INIT;
	void *ctx = talloc_named_const(NULL, 0, "t");
	char *big = talloc_size(ctx, 5001);
	uint8_t small[16], *out;
	long len;

	memset(big, 'x', 5000);
	big[5000] = '\0';
	big[100] = (char)0xfe;
	r.error = big;
	len = tb_pb_pack_utf8(&r.base, ctx, small, sizeof(small), &out, NULL);
	assert_true(len > 5000);
	assert_ptr_not_equal(out, small);
	assert_ptr_equal(talloc_parent(out), ctx);
	talloc_free(ctx);
}

static void test_repair_unpacked(void **state)
{
	Tetrabridge__V1__Reply r = TETRABRIDGE__V1__REPLY__INIT;
	Tetrabridge__V1__Reply *u;
	uint8_t buf[64];
	size_t len;

	r.error = "ok then \xff";
	len = tetrabridge__v1__reply__pack(&r, buf);
	u = tetrabridge__v1__reply__unpack(NULL, len, buf);
	assert_non_null(u);
	assert_int_equal(tb_pb_repair_utf8(&u->base, NULL), 1);
	assert_string_equal(u->error, "ok then " FFFD);
	assert_int_equal(tb_pb_repair_utf8(&u->base, NULL), 0);
	tetrabridge__v1__reply__free_unpacked(u, NULL);	/* ASan: nothing freed twice or leaked */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_error_quoting_a_client),
		cmocka_unit_test(test_nested_and_oneof),
		cmocka_unit_test(test_valid_packs_as_is),
		cmocka_unit_test(test_big_message_goes_to_ctx),
		cmocka_unit_test(test_repair_unpacked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
