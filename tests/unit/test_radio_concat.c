/* bridge/radio.c: concatenated texts are reassembled per radio; one Text
 * event for the whole message, a TextIncomplete when the parts do not all
 * come within the sds X10 timeout, and at shutdown for what still waits.
 * Concatenated SDS likewise: a call-out in two parts is one CalloutPdu, a
 * part whose message never completes comes out as it came (sds, decode
 * error "incomplete"); a call-out in one SDS is a CalloutPdu at once.
 *
 * A simulated terminal plays the parts; fake time (osmo_clock_override)
 * drives the radio's timers, and a real ZeroMQ SUB socket receives what
 * the bridge publishes. Waits are for something to arrive, bounded.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <zmq.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/tdef.h>

#include "bridge/bridge.h"
#include "bridge/radio.h"
#include "common/logging.h"
#include "ipc/event_kind.h"
#include "ipc/publisher.h"
#include "tests/lib/fake_time.h"
#include "tests/lib/group.h"

#define RECV_TIMEOUT_MS 5000
#define MARK_RADIO "mark"

static void *g_root;
static char g_dir[64];

/* Parts from 02420001600002001 (ISO 8859-1, PID 0x8A with a user data
 * header): message 0x10 in three parts sent 3, 1, (a single text), 2;
 * message 0x11 and 0x12 only part 1 of 2. */
#define HDR96 "+CTSDSR: 12,02420001600002001,1,02420001600003001,1,96\n"
static const char scenario[] =
	"wait 100\n"
	HDR96 "8A023301050003100303432E\n"			/* "C." part 3 of 3 */
	HDR96 "8A023101050003100301412E\n"			/* "A." part 1 */
	"+CTSDSR: 12,02420001600002001,1,02420001600003001,1,64\n"
	"020173696E676C65\n"					/* "single" */
	HDR96 "8A023201050003100302422E\n"			/* "B." part 2: complete */
	HDR96 "8A0241010500031102015131\n"			/* "Q1" part 1 of 2 */
	/* the captured alert (docs/protocol.md §15) */
	"+CTSDSR: 12,262100101234567,1,262100102345678,1,824,1\n"
	"C300110D1657111104144C155DFF54657374FE0A5465737454657374546573745465737454657374546573745465"
	"737454657374546573740A5465737454657374546573740A54657374546573745465737454657374546573745465"
	"7374546573740A54657374\n"
	/* a call-out in a concatenated SDS: part 2, then part 1 */
	"+CTSDSR: 12,02420001600002001,1,02420001600003001,1,392\n"
	"8C00310502023420E5722C2066616C74206920686A656D6D65742E2052696E67203131332076656420656E6472696E672E\n"
	"+CTSDSR: 12,02420001600002001,1,02420001600003001,1,216\n"
	"8C0030050201C30D1657111104144C155DFF50617369656E742038\n"
	"wait 10000\n"
	HDR96 "8A0251010500031202015231\n"			/* "R1" part 1 of 2 */
	"+CTSDSR: 12,02420001600002001,1,02420001600003001,1,216\n"	/* SDS ref 6, part 1 of 2 */
	"8C0032060201C30D1657111104144C155DFF50617369656E742038\n"
	"wait 3600000\n";

/* The next event on sub (waiting up to RECV_TIMEOUT_MS for it). */
static Tetrabridge__V1__Event *next_event(void *sub)
{
	zmq_pollitem_t it = { .socket = sub, .events = ZMQ_POLLIN };
	zmq_msg_t topic, body;
	Tetrabridge__V1__Event *ev;

	assert_int_equal(zmq_poll(&it, 1, RECV_TIMEOUT_MS), 1);
	zmq_msg_init(&topic);
	zmq_msg_init(&body);
	assert_true(zmq_msg_recv(&topic, sub, 0) >= 0);
	assert_true(zmq_msg_recv(&body, sub, 0) >= 0);
	ev = tetrabridge__v1__event__unpack(NULL, zmq_msg_size(&body), zmq_msg_data(&body));
	assert_non_null(ev);
	zmq_msg_close(&topic);
	zmq_msg_close(&body);
	return ev;
}

/* The next event that is not a probe left over from joining. */
static Tetrabridge__V1__Event *next_real_event(void *sub)
{
	for (;;) {
		Tetrabridge__V1__Event *ev = next_event(sub);
		if (strcmp(ev->radio, "probe"))
			return ev;
		tetrabridge__v1__event__free_unpacked(ev, NULL);
	}
}

static void expect_kind(void *sub, const char *kind, Tetrabridge__V1__Event **out)
{
	Tetrabridge__V1__Event *ev = next_real_event(sub);

	assert_string_equal(tb_event_kind(ev), kind);
	if (out)
		*out = ev;
	else
		tetrabridge__v1__event__free_unpacked(ev, NULL);
}

/* Publish a marker straight through the publisher (no seq of the bridge's). */
static void send_marker(struct tb_publisher *pub, const char *radio)
{
	Tetrabridge__V1__Event ev = TETRABRIDGE__V1__EVENT__INIT;
	Tetrabridge__V1__LinkError le = TETRABRIDGE__V1__LINK_ERROR__INIT;

	ev.radio = (char *)radio;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_LINK_ERROR;
	ev.link_error = &le;
	assert_int_equal(tb_publisher_send(pub, &ev), 0);
}

/* Re-send a probe until the SUB socket sees one (ZeroMQ's slow joiner). */
static void wait_joined(struct tb_publisher *pub, void *sub)
{
	for (int i = 0; i < 50; i++) {
		zmq_pollitem_t it = { .socket = sub, .events = ZMQ_POLLIN };
		send_marker(pub, "probe");
		if (zmq_poll(&it, 1, 100) == 1)
			return;
	}
	fail_msg("the SUB socket did not join");
}

static void test_reassembly(void **state)
{
	void *ctx = talloc_named_const(g_root, 0, "bridge");
	Tetrabridge__V1__Event *ev;
	struct tb_bridge *b;
	struct tb_radio *r;
	char path[128], endpoint[128];
	char *errmsg = NULL;
	void *zctx, *sub;
	FILE *f;

	snprintf(path, sizeof(path), "%s/parts.scn", g_dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(scenario, f);
	fclose(f);
	snprintf(endpoint, sizeof(endpoint), "ipc://%s/events", g_dir);

	b = tb_bridge_alloc(ctx);
	assert_non_null(b);
	osmo_talloc_replace_string(b, &b->events_endpoint, endpoint);
	r = tb_radio_alloc(b, "r1");
	assert_non_null(r);
	r->transport = TB_RADIO_SIM;
	r->scenario = talloc_strdup(r, path);
	r->sim_identity = talloc_strdup(r, "02420001600003001");
	assert_int_equal(osmo_tdef_set(tb_sds_tdefs, TB_T_CONCAT_TIMEOUT, 5, OSMO_TDEF_S), 0);

	assert_int_equal(tb_bridge_start(b, &errmsg), 0);
	zctx = zmq_ctx_new();
	sub = zmq_socket(zctx, ZMQ_SUB);
	assert_int_equal(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0), 0);
	assert_int_equal(zmq_connect(sub, endpoint), 0);
	wait_joined(b->pub, sub);

	/* t = 0..1 s: the link comes up, the single text, then the whole
	 * message at its last part (2); parts are never published alone. */
	tb_fake_time_advance_ms(1000);
	expect_kind(sub, "radio", NULL);
	expect_kind(sub, "text", &ev);
	assert_string_equal(ev->text->text, "single");
	assert_int_equal(ev->text->parts, 1);
	tetrabridge__v1__event__free_unpacked(ev, NULL);
	expect_kind(sub, "text", &ev);
	assert_string_equal(ev->text->text, "A.B.C.");
	assert_int_equal(ev->text->parts, 3);
	assert_int_equal(ev->text->concat_reference, 0x10);
	assert_int_equal(ev->text->calling->ssi, 2001);
	tetrabridge__v1__event__free_unpacked(ev, NULL);
	expect_kind(sub, "callout_pdu", &ev);
	assert_int_equal(ev->callout_pdu->number, 0x65);
	assert_int_equal(ev->callout_pdu->severity, 7);
	assert_int_equal(ev->callout_pdu->parts, 1);
	assert_int_equal(ev->callout_pdu->n_receiver_subaddresses, 2);
	assert_string_equal(ev->callout_pdu->text, "Test\xC3\xBE\nTestTestTestTestTestTestTestTestTest\nTestTestTest\n"
						   "TestTestTestTestTestTestTest\nTest");
	tetrabridge__v1__event__free_unpacked(ev, NULL);
	expect_kind(sub, "callout_pdu", &ev);
	assert_int_equal(ev->callout_pdu->parts, 2);
	assert_int_equal(ev->callout_pdu->message_reference, 0x30);
	assert_int_equal(ev->callout_pdu->calling->ssi, 2001);
	assert_string_equal(ev->callout_pdu->text, "Pasient 84 \xC3\xA5r, falt i hjemmet. Ring 113 ved endring.");
	tetrabridge__v1__event__free_unpacked(ev, NULL);

	/* Q1 came at t = 0.1 s: not given up before 5 s have passed ... */
	tb_fake_time_advance_ms(3900);
	send_marker(b->pub, MARK_RADIO);
	/* ... and given up just after */
	tb_fake_time_advance_ms(300);
	ev = next_real_event(sub);
	assert_string_equal(ev->radio, MARK_RADIO);
	tetrabridge__v1__event__free_unpacked(ev, NULL);
	expect_kind(sub, "text_incomplete", &ev);
	assert_int_equal(ev->text_incomplete->reference, 0x11);
	assert_int_equal(ev->text_incomplete->parts_total, 2);
	assert_int_equal(ev->text_incomplete->parts_received, 1);
	assert_int_equal(ev->text_incomplete->n_missing_parts, 1);
	assert_int_equal(ev->text_incomplete->missing_parts[0], 2);
	assert_string_equal(ev->text_incomplete->text, "Q1");
	tetrabridge__v1__event__free_unpacked(ev, NULL);

	/* R1 at t = 10.1 s; the bridge stops at 11 s: given up at once, after
	 * the radio's offline event. */
	tb_fake_time_advance_ms(6000);
	tb_bridge_stop(b);
	expect_kind(sub, "radio", NULL);
	expect_kind(sub, "text_incomplete", &ev);
	assert_int_equal(ev->text_incomplete->reference, 0x12);
	assert_string_equal(ev->text_incomplete->text, "R1");
	tetrabridge__v1__event__free_unpacked(ev, NULL);
	expect_kind(sub, "sds", &ev);
	assert_int_equal(ev->sds_raw->protocol_id, 0x8C);
	assert_int_equal(ev->sds_raw->bit_length, 216);
	assert_string_equal(ev->sds_raw->decode_error, "incomplete");
	tetrabridge__v1__event__free_unpacked(ev, NULL);

	zmq_close(sub);
	zmq_ctx_term(zctx);
	osmo_tdefs_reset(tb_sds_tdefs);
	talloc_free(ctx);
}

/* The timeout is an osmo_tdef in group "sds", 60 s unless configured. */
static void test_timer_default(void **state)
{
	struct osmo_tdef *t = osmo_tdef_get_entry(tb_sds_tdefs, TB_T_CONCAT_TIMEOUT);

	assert_non_null(t);
	assert_int_equal(t->default_val, 60);
	assert_int_equal(t->unit, OSMO_TDEF_S);
	assert_int_equal(osmo_tdef_get(tb_sds_tdefs, TB_T_CONCAT_TIMEOUT, OSMO_TDEF_MS, -1), 60000);
}

static int group_setup(void **state)
{
	g_root = tb_test_group_start("test_radio_concat", g_dir, sizeof(g_dir));
	return g_root ? 0 : -1;
}

static int group_teardown(void **state)
{
	return tb_test_group_end(g_root, g_dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timer_default),
		cmocka_unit_test(test_reassembly),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
