/* End to end over a pty: tetra-sim plays a terminal, tetra-bridged drives it
 * through its tty transport, and a ZeroMQ subscriber in this test checks
 * that scripted PEI output arrives as the right Events, in order, with
 * consecutive seq; that garbage in between is skipped; and that the radio
 * goes offline and back online when its terminal disappears and returns.
 *
 * Usage (from ctest): test_e2e_tty DAEMON SIM
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "harness.h"

static const char *g_daemon, *g_sim;

struct fixture {
	char *dir;
	char endpoint[256];
	void *zctx, *sub;
	struct child sim, daemon;
	uint64_t last_seq;
};

#define T1 "t1"
#define STATUS_HDR "+CTSDSR: 13,09011638300023404,1,09011638300000001,1,16"

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char path[512], cfg[2048];
	const char *terms[] = { T1 ":09011638300000001", NULL };

	f->dir = h_tmpdir();
	snprintf(f->endpoint, sizeof(f->endpoint), "ipc://%s/events", f->dir);
	assert_int_equal(h_sim_start(&f->sim, g_sim, f->dir, terms), 0);

	snprintf(cfg, sizeof(cfg),
		 "log stderr\n"
		 " logging level all notice\n"
		 "line vty\n"
		 " bind 127.0.0.1 0\n"
		 "bridge\n"
		 " id test-bridge\n"
		 " events bind %s\n"
		 " commands bind ipc://%s/commands\n"
		 " state-dir %s/var\n"
		 " timer radio X1 1\n"
		 " timer radio X2 300\n"
		 " timer radio X3 50\n"
		 " timer radio X4 1\n"
		 "radio r1\n"
		 " transport tty %s/" T1 "\n"
		 " profile motorola\n",
		 f->endpoint, f->dir, f->dir, f->dir);
	snprintf(path, sizeof(path), "%s/bridge.cfg", f->dir);
	h_write_file(path, cfg);

	/* Subscribe before the daemon binds: ZeroMQ connects when it appears. */
	f->zctx = zmq_ctx_new();
	f->sub = h_sub_open(f->zctx, f->endpoint);

	char *argv[] = { (char *)g_daemon, "-c", path, NULL };
	assert_int_equal(h_spawn(&f->daemon, argv, false, false), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(h_stop(&f->daemon, SIGTERM, 10000), 0);	/* clean shutdown */
	h_stop(&f->sim, 0, 10000);
	zmq_close(f->sub);
	zmq_ctx_term(f->zctx);
	h_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* Next event, which must be of kind `kind` with seq one above the last. */
static Tetrabridge__V1__Event *expect(struct fixture *f, Tetrabridge__V1__Event__BodyCase kind, const char *topic)
{
	char got_topic[128];
	Tetrabridge__V1__Event *ev = h_sub_recv(f->sub, got_topic, sizeof(got_topic), 10000);

	assert_non_null(ev);
	assert_int_equal(ev->body_case, kind);
	assert_string_equal(got_topic, topic);
	assert_string_equal(ev->radio, "r1");
	assert_string_equal(ev->bridge, "test-bridge");
	if (f->last_seq)
		assert_int_equal(ev->seq, f->last_seq + 1);
	f->last_seq = ev->seq;
	return ev;
}

/* The PUB/SUB handshake may lose the first events (the "slow joiner"): send
 * probe statuses until one arrives, then a marker, and skip up to it. From
 * then on nothing may be lost. */
static void sync_stream(struct fixture *f)
{
	char topic[128];
	Tetrabridge__V1__Event *ev = NULL;
	int tries;

	for (tries = 0; tries < 100 && !ev; tries++) {
		/* The radio may still be initialising: a refused inject is retried. */
		assert_int_equal(h_sim_inject(&f->sim, T1, STATUS_HDR), 0);
		assert_int_equal(h_sim_inject(&f->sim, T1, "8000"), 0);
		ev = h_sub_recv(f->sub, topic, sizeof(topic), 200);
		while (ev && ev->body_case != TETRABRIDGE__V1__EVENT__BODY_STATUS) {
			tetrabridge__v1__event__free_unpacked(ev, NULL);
			ev = h_sub_recv(f->sub, topic, sizeof(topic), 200);
		}
	}
	assert_non_null(ev);
	tetrabridge__v1__event__free_unpacked(ev, NULL);

	assert_int_equal(h_sim_inject(&f->sim, T1, STATUS_HDR), 0);
	assert_int_equal(h_sim_inject(&f->sim, T1, "8FFF"), 0);
	for (;;) {
		ev = h_sub_recv(f->sub, topic, sizeof(topic), 10000);
		assert_non_null(ev);
		bool marker = ev->body_case == TETRABRIDGE__V1__EVENT__BODY_STATUS && ev->status->value == 0x8FFF;
		f->last_seq = ev->seq;
		tetrabridge__v1__event__free_unpacked(ev, NULL);
		if (marker)
			break;
	}
}

static void test_scripted_traffic(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__Event *ev;

	sync_stream(f);

	/* A status from a nurse's terminal. */
	assert_int_equal(h_sim_inject(&f->sim, T1, STATUS_HDR), 0);
	assert_int_equal(h_sim_inject(&f->sim, T1, "8004"), 0);
	/* A header whose calling identity does not decode and whose data line
	 * never comes: published all the same, raw, with the field and why. */
	assert_int_equal(h_sim_inject(&f->sim, T1, "+CTSDSR: 13,notanumber,1,2,1,16"), 0);
	/* Garbage between events: skipped and counted, nothing published. */
	assert_int_equal(h_sim_inject(&f->sim, T1, "ZZZZ"), 0);
	assert_int_equal(h_sim_inject(&f->sim, T1, "+XYZZY: 1,2,3"), 0);
	/* A talkgroup call: setup, talker A, ceased, talker B, release. */
	assert_int_equal(h_sim_inject(&f->sim, T1, "+CTICN: 1,0,0,5,09011638300023404,1,1,0,1,1,5,09011638300000001,0"), 0);
	assert_int_equal(h_sim_inject(&f->sim, T1, "+CTXG: 1,3,0,0,3,09011638300023404"), 0);
	assert_int_equal(h_sim_inject(&f->sim, T1, "+CDTXC: 1,0"), 0);
	assert_int_equal(h_sim_inject(&f->sim, T1, "+CTXG: 1,3,0,0,1,09011638300000777"), 0);
	assert_int_equal(h_sim_inject(&f->sim, T1, "+CTCR: 1,1"), 0);
	/* An SDS-TL short report carried as a status value: not a status. */
	assert_int_equal(h_sim_inject(&f->sim, T1, STATUS_HDR), 0);
	assert_int_equal(h_sim_inject(&f->sim, T1, "7E05"), 0);

	ev = expect(f, TETRABRIDGE__V1__EVENT__BODY_STATUS, "status.r1");
	assert_int_equal(ev->status->value, 0x8004);
	assert_non_null(ev->status->calling);
	assert_int_equal(ev->status->calling->mcc, 901);
	assert_int_equal(ev->status->calling->mnc, 16383);
	assert_int_equal(ev->status->calling->ssi, 23404);
	assert_int_equal(ev->status->called->ssi, 1);
	tetrabridge__v1__event__free_unpacked(ev, NULL);

	ev = expect(f, TETRABRIDGE__V1__EVENT__BODY_SDS_RAW, "sds.r1");
	assert_string_equal(ev->sds_raw->decode_error, "no_data");
	assert_non_null(ev->sds_raw->calling->undecoded);
	assert_string_equal(ev->sds_raw->calling->undecoded->text, "notanumber");
	assert_int_equal(ev->sds_raw->called->ssi, 2);
	tetrabridge__v1__event__free_unpacked(ev, NULL);

	ev = expect(f, TETRABRIDGE__V1__EVENT__BODY_CALL_SETUP, "call_setup.r1");
	assert_int_equal(ev->call_setup->call_id, 1);
	assert_true(ev->call_setup->group);
	assert_int_equal(ev->call_setup->calling->ssi, 23404);
	tetrabridge__v1__event__free_unpacked(ev, NULL);

	ev = expect(f, TETRABRIDGE__V1__EVENT__BODY_TX, "tx.r1");
	assert_int_equal(ev->tx->kind, TETRABRIDGE__V1__TX_CHANGE__KIND__GRANT);
	assert_int_equal(ev->tx->grant, TETRABRIDGE__V1__TX_CHANGE__GRANT__GRANTED_TO_ANOTHER);
	assert_non_null(ev->tx->talker);
	assert_int_equal(ev->tx->talker->ssi, 23404);
	tetrabridge__v1__event__free_unpacked(ev, NULL);

	ev = expect(f, TETRABRIDGE__V1__EVENT__BODY_TX, "tx.r1");
	assert_int_equal(ev->tx->kind, TETRABRIDGE__V1__TX_CHANGE__KIND__CEASED);
	tetrabridge__v1__event__free_unpacked(ev, NULL);

	ev = expect(f, TETRABRIDGE__V1__EVENT__BODY_TX, "tx.r1");
	assert_int_equal(ev->tx->kind, TETRABRIDGE__V1__TX_CHANGE__KIND__GRANT);
	assert_int_equal(ev->tx->talker->ssi, 777);
	tetrabridge__v1__event__free_unpacked(ev, NULL);

	ev = expect(f, TETRABRIDGE__V1__EVENT__BODY_CALL_RELEASE, "call_release.r1");
	assert_int_equal(ev->call_release->call_id, 1);
	assert_int_equal(ev->call_release->cause, 1);
	assert_string_equal(ev->call_release->cause_text, "user request");
	tetrabridge__v1__event__free_unpacked(ev, NULL);

	ev = expect(f, TETRABRIDGE__V1__EVENT__BODY_SHORT_REPORT, "short_report.r1");
	assert_int_equal(ev->short_report->type, TETRABRIDGE__V1__SHORT_REPORT__TYPE__RECEIVED);
	assert_int_equal(ev->short_report->message_reference, 5);
	tetrabridge__v1__event__free_unpacked(ev, NULL);
}

/* The terminal disappears (tetra-sim exits: the pty hangs up) and comes back
 * on a new pty under the same name: offline, then online again, with the
 * identity it reports, and traffic flows again without a daemon restart. */
static void test_terminal_lost_and_back(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__Event *ev;
	const char *terms[] = { T1 ":09011638300000001", NULL };

	sync_stream(f);
	assert_int_equal(h_stop(&f->sim, 0, 10000), 0);

	ev = expect(f, TETRABRIDGE__V1__EVENT__BODY_RADIO_STATE, "radio.r1");
	assert_int_equal(ev->radio_state->state, TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_OFFLINE);
	assert_string_equal(ev->radio_state->transport, "tty");
	assert_true(strlen(ev->radio_state->reason) > 0);
	tetrabridge__v1__event__free_unpacked(ev, NULL);

	assert_int_equal(h_sim_start(&f->sim, g_sim, f->dir, terms), 0);
	ev = expect(f, TETRABRIDGE__V1__EVENT__BODY_RADIO_STATE, "radio.r1");
	assert_int_equal(ev->radio_state->state, TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_ONLINE);
	assert_non_null(ev->radio_state->identity);
	assert_int_equal(ev->radio_state->identity->ssi, 1);
	assert_int_equal(ev->radio_state->identity->mnc, 16383);
	tetrabridge__v1__event__free_unpacked(ev, NULL);

	assert_int_equal(h_sim_inject(&f->sim, T1, STATUS_HDR), 0);
	assert_int_equal(h_sim_inject(&f->sim, T1, "8003"), 0);
	ev = expect(f, TETRABRIDGE__V1__EVENT__BODY_STATUS, "status.r1");
	assert_int_equal(ev->status->value, 0x8003);
	tetrabridge__v1__event__free_unpacked(ev, NULL);
}

/* A terminal that stops answering (hung firmware, not unplugged) is found
 * by the keep-alive and reset; when it answers again the radio returns. */
static void test_silent_terminal_reset(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__Event *ev;
	char cmd[64];

	sync_stream(f);
	snprintf(cmd, sizeof(cmd), "%s silent on", T1);
	assert_int_equal(h_write_line(&f->sim, cmd), 0);

	ev = expect(f, TETRABRIDGE__V1__EVENT__BODY_RADIO_STATE, "radio.r1");
	assert_int_equal(ev->radio_state->state, TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_OFFLINE);
	assert_non_null(strstr(ev->radio_state->reason, "keep-alive"));
	tetrabridge__v1__event__free_unpacked(ev, NULL);

	snprintf(cmd, sizeof(cmd), "%s silent off", T1);
	assert_int_equal(h_write_line(&f->sim, cmd), 0);
	ev = expect(f, TETRABRIDGE__V1__EVENT__BODY_RADIO_STATE, "radio.r1");
	assert_int_equal(ev->radio_state->state, TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_ONLINE);
	tetrabridge__v1__event__free_unpacked(ev, NULL);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scripted_traffic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_terminal_lost_and_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silent_terminal_reset, setup, teardown),
	};

	if (argc != 3) {
		fprintf(stderr, "usage: %s TETRA-BRIDGED TETRA-SIM\n", argv[0]);
		return 2;
	}
	g_daemon = argv[1];
	g_sim = argv[2];
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
