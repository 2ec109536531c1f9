/* tb_publisher over real ZeroMQ (ipc:// in a temporary directory and
 * tcp://127.0.0.1:*) with a real SUB socket. No sleeps: the PUB/SUB
 * slow-joiner is handled by re-sending a probe until the SUB sees one.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <talloc.h>
#include <zmq.h>

#include "common/counters.h"
#include "common/logging.h"
#include "ipc/event_kind.h"
#include "ipc/publisher.h"
#include "ipc/tetra_bridge.pb-c.h"
#include "tests/lib/tmpdir.h"

#define PROBE_RADIO	"probe"
#define PROBE_TOPIC	"status." PROBE_RADIO
#define RECV_TIMEOUT_MS	5000
#define JOIN_TRIES	50	/* x 100 ms */

struct fixture {
	void *ctx;	/* talloc */
	void *zctx;
	char dir[256];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->ctx = talloc_named_const(NULL, 0, "test_publisher");
	f->zctx = zmq_ctx_new();
	assert_non_null(f->zctx);
	assert_non_null(tb_tmpdir_make(f->dir, sizeof(f->dir), "tb-pub"));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tb_tmpdir_remove(f->dir);
	assert_int_equal(talloc_total_blocks(f->ctx), 1);	/* nothing leaked */
	talloc_free(f->ctx);
	zmq_ctx_term(f->zctx);	/* hangs if a socket was left open */
	free(f);
	return 0;
}

/* ---------------------------------------------------------------------- */

static void *sub_connect(struct fixture *f, const char *endpoint)
{
	void *sub = zmq_socket(f->zctx, ZMQ_SUB);
	int linger = 0;

	assert_non_null(sub);
	assert_int_equal(zmq_setsockopt(sub, ZMQ_LINGER, &linger, sizeof(linger)), 0);
	assert_int_equal(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0), 0);
	assert_int_equal(zmq_connect(sub, endpoint), 0);
	return sub;
}

/* One message: the topic into *topic (talloc'ed), the event unpacked.
 * Fails the test if nothing arrives within RECV_TIMEOUT_MS or the message
 * does not have exactly two frames. */
static Tetrabridge__V1__Event *recv_event(void *ctx, void *sub, char **topic)
{
	zmq_pollitem_t item = { .socket = sub, .events = ZMQ_POLLIN };
	zmq_msg_t m;
	Tetrabridge__V1__Event *ev;
	int more;
	size_t more_len = sizeof(more);

	assert_int_equal(zmq_poll(&item, 1, RECV_TIMEOUT_MS), 1);

	zmq_msg_init(&m);
	assert_true(zmq_msg_recv(&m, sub, ZMQ_DONTWAIT) >= 0);
	*topic = talloc_strndup(ctx, zmq_msg_data(&m), zmq_msg_size(&m));
	assert_int_equal(zmq_getsockopt(sub, ZMQ_RCVMORE, &more, &more_len), 0);
	assert_int_equal(more, 1);
	zmq_msg_close(&m);

	zmq_msg_init(&m);
	assert_true(zmq_msg_recv(&m, sub, ZMQ_DONTWAIT) >= 0);
	ev = tetrabridge__v1__event__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
	assert_non_null(ev);
	more_len = sizeof(more);
	assert_int_equal(zmq_getsockopt(sub, ZMQ_RCVMORE, &more, &more_len), 0);
	assert_int_equal(more, 0);
	zmq_msg_close(&m);
	return ev;
}

/* The next event that is not a probe. */
static Tetrabridge__V1__Event *recv_real_event(void *ctx, void *sub, char **topic)
{
	for (;;) {
		Tetrabridge__V1__Event *ev = recv_event(ctx, sub, topic);
		if (strcmp(*topic, PROBE_TOPIC))
			return ev;
		tetrabridge__v1__event__free_unpacked(ev, NULL);
		talloc_free(*topic);
	}
}

/* Re-send a probe until the SUB receives one (at most ~5 s). Returns the
 * number of probes sent. Probes still in flight are skipped later. */
static unsigned wait_joined(void *ctx, struct tb_publisher *pub, void *sub)
{
	Tetrabridge__V1__Event probe = TETRABRIDGE__V1__EVENT__INIT;
	Tetrabridge__V1__Status st = TETRABRIDGE__V1__STATUS__INIT;
	zmq_pollitem_t item = { .socket = sub, .events = ZMQ_POLLIN };
	unsigned i;

	probe.radio = PROBE_RADIO;
	probe.body_case = TETRABRIDGE__V1__EVENT__BODY_STATUS;
	probe.status = &st;

	for (i = 1; i <= JOIN_TRIES; i++) {
		assert_int_equal(tb_publisher_send(pub, &probe), 0);
		if (zmq_poll(&item, 1, 100) == 1) {
			char *topic;
			Tetrabridge__V1__Event *ev = recv_event(ctx, sub, &topic);
			assert_string_equal(topic, PROBE_TOPIC);
			tetrabridge__v1__event__free_unpacked(ev, NULL);
			talloc_free(topic);
			return i;
		}
	}
	fail_msg("the SUB socket did not receive a probe within %d ms", JOIN_TRIES * 100);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* The sequence published: one event per body kind, plus a large one. */

#define BIG_SDS_LEN	3000	/* beyond the publisher's stack buffer */

struct seq_bodies {
	Tetrabridge__V1__Identity a, b;
	Tetrabridge__V1__RadioState rs;
	Tetrabridge__V1__Status st;
	Tetrabridge__V1__ShortReport sr;
	Tetrabridge__V1__SdsRaw sds;
	Tetrabridge__V1__CallSetup cs;
	Tetrabridge__V1__CallConnect cc;
	Tetrabridge__V1__TxChange tx;
	Tetrabridge__V1__CallRelease cr;
	Tetrabridge__V1__SdsRaw big;
	uint8_t big_data[BIG_SDS_LEN];
	char long_radio[201];
};

#define N_SEQ 10

static void build_sequence(struct seq_bodies *s, Tetrabridge__V1__Event ev[N_SEQ])
{
	unsigned i;

	tetrabridge__v1__identity__init(&s->a);
	s->a.type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_TSI;
	s->a.mcc = 901;
	s->a.mnc = 16383;
	s->a.ssi = 23404;
	tetrabridge__v1__identity__init(&s->b);
	s->b.ssi = 2345678;

	tetrabridge__v1__radio_state__init(&s->rs);
	s->rs.state = TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_ONLINE;
	s->rs.transport = "sim";
	s->rs.identity = &s->a;
	tetrabridge__v1__status__init(&s->st);
	s->st.calling = &s->a;
	s->st.called = &s->b;
	s->st.value = 0x8004;
	tetrabridge__v1__short_report__init(&s->sr);
	s->sr.type = TETRABRIDGE__V1__SHORT_REPORT__TYPE__RECEIVED;
	s->sr.message_reference = 17;
	tetrabridge__v1__sds_raw__init(&s->sds);
	s->sds.ai_service = 12;
	s->sds.bit_length = 24;
	s->sds.data.data = (uint8_t *)"\x82\x04\x01";
	s->sds.data.len = 3;
	s->sds.protocol_id = 0x82;
	tetrabridge__v1__call_setup__init(&s->cs);
	s->cs.call_id = 1;
	s->cs.calling = &s->a;
	s->cs.called = &s->b;
	s->cs.group = 1;
	tetrabridge__v1__call_connect__init(&s->cc);
	s->cc.call_id = 1;
	tetrabridge__v1__tx_change__init(&s->tx);
	s->tx.call_id = 1;
	s->tx.grant = TETRABRIDGE__V1__TX_CHANGE__GRANT__GRANTED_TO_ANOTHER;
	s->tx.talker = &s->a;
	tetrabridge__v1__call_release__init(&s->cr);
	s->cr.call_id = 1;
	s->cr.cause = 1;
	s->cr.cause_text = "user request";
	tetrabridge__v1__sds_raw__init(&s->big);
	for (i = 0; i < BIG_SDS_LEN; i++)
		s->big_data[i] = (uint8_t)(i * 7);
	s->big.ai_service = 12;
	s->big.bit_length = BIG_SDS_LEN * 8;
	s->big.data.data = s->big_data;
	s->big.data.len = BIG_SDS_LEN;
	memset(s->long_radio, 'r', sizeof(s->long_radio) - 1);
	s->long_radio[sizeof(s->long_radio) - 1] = '\0';

	for (i = 0; i < N_SEQ; i++) {
		tetrabridge__v1__event__init(&ev[i]);
		ev[i].seq = 1000 + i;
		ev[i].time_us = 1700000000000000ull + i;
		ev[i].bridge = "test";
		ev[i].radio = (i % 2) ? "lvs-2" : "lvs-1";
	}
	ev[0].body_case = TETRABRIDGE__V1__EVENT__BODY_RADIO_STATE;
	ev[0].radio_state = &s->rs;
	ev[1].body_case = TETRABRIDGE__V1__EVENT__BODY_STATUS;
	ev[1].status = &s->st;
	ev[2].body_case = TETRABRIDGE__V1__EVENT__BODY_SHORT_REPORT;
	ev[2].short_report = &s->sr;
	ev[3].body_case = TETRABRIDGE__V1__EVENT__BODY_SDS_RAW;
	ev[3].sds_raw = &s->sds;
	ev[4].body_case = TETRABRIDGE__V1__EVENT__BODY_CALL_SETUP;
	ev[4].call_setup = &s->cs;
	ev[5].body_case = TETRABRIDGE__V1__EVENT__BODY_CALL_CONNECT;
	ev[5].call_connect = &s->cc;
	ev[6].body_case = TETRABRIDGE__V1__EVENT__BODY_TX;
	ev[6].tx = &s->tx;
	ev[7].body_case = TETRABRIDGE__V1__EVENT__BODY_CALL_RELEASE;
	ev[7].call_release = &s->cr;
	ev[8].body_case = TETRABRIDGE__V1__EVENT__BODY_SDS_RAW;	/* large: talloc'ed buffer */
	ev[8].sds_raw = &s->big;
	ev[9].radio = s->long_radio;			/* long topic, no body */
}

static const char *const expect_topics[N_SEQ] = {
	"radio.lvs-1", "status.lvs-2", "short_report.lvs-1", "sds.lvs-2",
	"call_setup.lvs-1", "call_connect.lvs-2", "tx.lvs-1", "call_release.lvs-2",
	"sds.lvs-1", NULL /* event.<long radio> */,
};

static void publish_and_check(struct fixture *f, struct tb_publisher *pub, void *sub)
{
	struct seq_bodies *s = talloc_zero(f->ctx, struct seq_bodies);
	Tetrabridge__V1__Event ev[N_SEQ];
	unsigned probes, i;

	probes = wait_joined(f->ctx, pub, sub);

	build_sequence(s, ev);
	for (i = 0; i < N_SEQ; i++)
		assert_int_equal(tb_publisher_send(pub, &ev[i]), 0);
	assert_int_equal(tb_ctr_get(tb_publisher_ctrs(pub), TB_PUB_CTR_SENT), probes + N_SEQ);
	assert_int_equal(tb_ctr_get(tb_publisher_ctrs(pub), TB_PUB_CTR_DROPPED), 0);

	for (i = 0; i < N_SEQ; i++) {
		char *topic;
		Tetrabridge__V1__Event *got = recv_real_event(f->ctx, sub, &topic);
		uint8_t a[4096], b[4096];
		size_t la, lb;

		if (expect_topics[i]) {
			assert_string_equal(topic, expect_topics[i]);
		} else {
			char *t = talloc_asprintf(f->ctx, "event.%s", s->long_radio);
			assert_string_equal(topic, t);
			talloc_free(t);
		}
		assert_int_equal(got->seq, 1000 + i);
		assert_int_equal(got->time_us, 1700000000000000ull + i);
		assert_string_equal(got->radio, ev[i].radio);
		assert_int_equal(got->body_case, ev[i].body_case);
		assert_string_equal(tb_event_kind(got), tb_event_kind(&ev[i]));

		/* decoded contents equal what was sent: compare re-packed bytes */
		assert_true(tetrabridge__v1__event__get_packed_size(got) <= sizeof(a));
		la = tetrabridge__v1__event__pack(&ev[i], a);
		lb = tetrabridge__v1__event__pack(got, b);
		assert_int_equal(la, lb);
		assert_memory_equal(a, b, la);

		tetrabridge__v1__event__free_unpacked(got, NULL);
		talloc_free(topic);
	}

	/* a few spot checks on decoded fields */
	{
		char *topic;
		Tetrabridge__V1__Event *got;

		assert_int_equal(tb_publisher_send(pub, &ev[1]), 0);
		got = recv_real_event(f->ctx, sub, &topic);
		assert_int_equal(got->status->value, 0x8004);
		assert_int_equal(got->status->calling->mcc, 901);
		assert_int_equal(got->status->calling->mnc, 16383);
		assert_int_equal(got->status->calling->ssi, 23404);
		assert_int_equal(got->status->called->ssi, 2345678);
		tetrabridge__v1__event__free_unpacked(got, NULL);
		talloc_free(topic);

		assert_int_equal(tb_publisher_send(pub, &ev[8]), 0);
		got = recv_real_event(f->ctx, sub, &topic);
		assert_int_equal(got->sds_raw->data.len, BIG_SDS_LEN);
		assert_memory_equal(got->sds_raw->data.data, s->big_data, BIG_SDS_LEN);
		tetrabridge__v1__event__free_unpacked(got, NULL);
		talloc_free(topic);
	}
	talloc_free(s);
}

/* ---------------------------------------------------------------------- */

static void test_tcp(void **state)
{
	struct fixture *f = *state;
	struct tb_publisher *pub;
	char *errmsg = NULL;
	const char *ep;
	int err = 1;
	void *sub;

	pub = tb_publisher_alloc(f->ctx, f->zctx, "tcp://127.0.0.1:*", NULL, &err, &errmsg);
	assert_non_null(pub);
	assert_int_equal(err, 0);
	assert_null(errmsg);
	ep = tb_publisher_endpoint(pub);
	assert_non_null(ep);
	assert_true(!strncmp(ep, "tcp://127.0.0.1:", 16));
	assert_true(atoi(ep + 16) > 0);

	sub = sub_connect(f, ep);
	publish_and_check(f, pub, sub);
	zmq_close(sub);

	tb_publisher_destroy(&pub);
	assert_null(pub);
	tb_publisher_destroy(&pub);	/* harmless */
}

static void test_ipc(void **state)
{
	struct fixture *f = *state;
	struct tb_publisher *pub;
	char *ep = talloc_asprintf(f->ctx, "ipc://%s/events", f->dir);
	char *errmsg = NULL;
	int err = 1;
	void *sub;

	pub = tb_publisher_alloc(f->ctx, f->zctx, ep, NULL, &err, &errmsg);
	assert_non_null(pub);
	assert_int_equal(err, 0);
	assert_string_equal(tb_publisher_endpoint(pub), ep);

	sub = sub_connect(f, tb_publisher_endpoint(pub));
	publish_and_check(f, pub, sub);
	zmq_close(sub);

	/* freeing the parent closes the socket too (teardown's zmq_ctx_term
	 * would hang otherwise) */
	talloc_free(ep);
	talloc_free(pub);
}

/* A subscriber that stops reading: the publisher keeps TB_PUBLISHER_HWM
 * events for it, the oldest (inproc://: no kernel buffer and no I/O thread
 * in between, so the count is exact up to one: the SUB's own receive mark
 * of 1, and the probe it read, which libzmq counts as read only later); the
 * rest are dropped for it alone, it sees the gap in seq, and a subscriber
 * that reads gets every event. */
#define STALL_N		(5 * TB_PUBLISHER_HWM)

static void send_numbered(struct tb_publisher *pub, uint64_t seq)
{
	Tetrabridge__V1__Event ev = TETRABRIDGE__V1__EVENT__INIT;
	uint8_t buf[64];
	size_t len;

	ev.seq = seq;
	ev.radio = "x";
	len = tetrabridge__v1__event__pack(&ev, buf);
	assert_int_equal(tb_publisher_send_packed(pub, "test", "x", seq, buf, len), 0);
}

/* The seq of the next "test.x" event, without waiting; 0 when none. */
static uint64_t take_numbered(void *sub)
{
	for (;;) {
		zmq_msg_t t, b;
		Tetrabridge__V1__Event *ev;
		uint64_t seq;
		bool ours;

		zmq_msg_init(&t);
		if (zmq_msg_recv(&t, sub, ZMQ_DONTWAIT) < 0) {
			assert_int_equal(zmq_errno(), EAGAIN);
			zmq_msg_close(&t);
			return 0;
		}
		ours = zmq_msg_size(&t) == 6 && !memcmp(zmq_msg_data(&t), "test.x", 6);
		assert_true(zmq_msg_more(&t));
		zmq_msg_close(&t);
		zmq_msg_init(&b);
		assert_true(zmq_msg_recv(&b, sub, ZMQ_DONTWAIT) >= 0);
		ev = tetrabridge__v1__event__unpack(NULL, zmq_msg_size(&b), zmq_msg_data(&b));
		assert_non_null(ev);
		seq = ev->seq;
		tetrabridge__v1__event__free_unpacked(ev, NULL);
		zmq_msg_close(&b);
		if (ours)
			return seq;	/* else a probe */
	}
}

static void test_stalled_subscriber(void **state)
{
	struct fixture *f = *state;
	struct tb_publisher *pub;
	void *lazy, *good;
	int one = 1, zero = 0;
	uint64_t seq, n;

	pub = tb_publisher_alloc(f->ctx, f->zctx, "inproc://events", NULL, NULL, NULL);
	assert_non_null(pub);
	good = zmq_socket(f->zctx, ZMQ_SUB);
	assert_non_null(good);
	assert_int_equal(zmq_setsockopt(good, ZMQ_RCVHWM, &zero, sizeof(zero)), 0);	/* no mark */
	assert_int_equal(zmq_setsockopt(good, ZMQ_LINGER, &zero, sizeof(zero)), 0);
	assert_int_equal(zmq_setsockopt(good, ZMQ_SUBSCRIBE, "", 0), 0);
	assert_int_equal(zmq_connect(good, "inproc://events"), 0);
	wait_joined(f->ctx, pub, good);
	/* connected after: none of the probes above wait in its queue */
	lazy = zmq_socket(f->zctx, ZMQ_SUB);
	assert_non_null(lazy);
	assert_int_equal(zmq_setsockopt(lazy, ZMQ_LINGER, &zero, sizeof(zero)), 0);
	assert_int_equal(zmq_setsockopt(lazy, ZMQ_RCVHWM, &one, sizeof(one)), 0);
	assert_int_equal(zmq_setsockopt(lazy, ZMQ_SUBSCRIBE, "", 0), 0);
	assert_int_equal(zmq_connect(lazy, "inproc://events"), 0);
	wait_joined(f->ctx, pub, lazy);	/* its queue is empty after this */

	for (seq = 1; seq <= STALL_N; seq++)
		send_numbered(pub, seq);
	/* dropped for one, not by us */
	assert_int_equal(tb_ctr_get(tb_publisher_ctrs(pub), TB_PUB_CTR_DROPPED), 0);

	/* the stalled one: the oldest events, as many as the marks allow */
	for (n = 1; (seq = take_numbered(lazy)) != 0; n++)
		assert_int_equal(seq, n);
	assert_true(n - 1 >= TB_PUBLISHER_HWM - 1);
	assert_true(n - 1 <= TB_PUBLISHER_HWM + 1);
	/* after reading, it gets new events again, after a gap */
	send_numbered(pub, STALL_N + 1);
	assert_int_equal(take_numbered(lazy), STALL_N + 1);

	/* the one that read all the time missed nothing */
	for (n = 1; n <= STALL_N + 1; n++)
		assert_int_equal(take_numbered(good), n);
	assert_int_equal(take_numbered(good), 0);

	zmq_close(lazy);
	zmq_close(good);
	tb_publisher_destroy(&pub);
}

static void test_address_in_use(void **state)
{
	struct fixture *f = *state;
	struct tb_publisher *first, *second;
	char *errmsg = NULL, *expect;
	int err = 0;

	first = tb_publisher_alloc(f->ctx, f->zctx, "tcp://127.0.0.1:*", NULL, NULL, NULL);
	assert_non_null(first);

	second = tb_publisher_alloc(f->ctx, f->zctx, tb_publisher_endpoint(first), NULL, &err, &errmsg);
	assert_null(second);
	assert_int_equal(err, -EADDRINUSE);
	assert_non_null(errmsg);
	expect = talloc_asprintf(f->ctx, "cannot bind events socket %s: Address already in use",
				 tb_publisher_endpoint(first));
	assert_string_equal(errmsg, expect);
	talloc_free(expect);
	talloc_free(errmsg);

	tb_publisher_destroy(&first);
}

static void test_bad_endpoint(void **state)
{
	struct fixture *f = *state;
	char *errmsg = NULL;
	int err = 0;

	assert_null(tb_publisher_alloc(f->ctx, f->zctx, "bogus://here", NULL, &err, &errmsg));
	assert_int_equal(err, -EPROTONOSUPPORT);
	assert_non_null(errmsg);
	assert_true(!strncmp(errmsg, "cannot bind events socket bogus://here: ", 40));
	talloc_free(errmsg);

	errmsg = NULL;
	assert_null(tb_publisher_alloc(f->ctx, f->zctx, "", NULL, &err, &errmsg));
	assert_int_equal(err, -EINVAL);
	talloc_free(errmsg);

	assert_int_equal(tb_publisher_send(NULL, NULL), -EINVAL);
	assert_null(tb_publisher_endpoint(NULL));
	assert_null(tb_publisher_ctrs(NULL));
}

int main(void)
{
	void *log_ctx = talloc_named_const(NULL, 0, "log");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tcp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stalled_subscriber, setup, teardown),
		cmocka_unit_test_setup_teardown(test_address_in_use, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_endpoint, setup, teardown),
	};
	int rc;

	tb_logging_init(log_ctx);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	talloc_free(log_ctx);
	return rc;
}
