/* tetra-web's link to a bridge (web/bridge_link.c) against the real
 * tetra-bridged with a simulated terminal (tetra-sim on a pty): the board
 * gets the radios and the journal's last events, then every event in seq
 * order without a gap; a page's command gets its reply; the bridge killed
 * (SIGKILL) and started again: the link notices, comes back, and the board
 * has every seq the journal has, as a Replay of the whole journal shows.
 * Every wait runs the osmo_select loop until a condition, with a bound.
 *
 * Usage (from ctest): test_bridge_link DAEMON SIM
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <osmocom/core/talloc.h>
#include <zmq.h>

#include "common/logging.h"
#include "harness.h"
#include "tests/lib/loop.h"
#include "web/board.h"
#include "web/bridge_link.h"

static const char *g_daemon, *g_sim;

#define T1 "t1"
#define STATUS_HDR "+CTSDSR: 13,09011638300023404,1,09011638300000001,1,16"
#define WAIT_MS 30000

struct fx {
	void *ctx;
	char *dir;
	char cfg[512], events[256], commands[256];
	void *zctx;
	struct child sim, daemon;
	struct tw_board *board;
	struct tw_bridge_link *link;
	/* what the board sent the pages */
	uint64_t *seqs;
	size_t n_seqs, cap;
	unsigned bridge_updates;
	uint32_t last_status;
	bool order_broken;
	/* a page's command */
	bool replied;
	Tetrabridge__V1__Reply__Code code;
	size_t n_radios;
	char why[128];
};

static void on_update(const char *text, size_t len, void *data)
{
	struct fx *f = data;
	json_t *j = json_loadb(text, len, 0, NULL);
	const char *type;

	assert_non_null(j);
	type = json_string_value(json_object_get(j, "type"));
	assert_non_null(type);
	if (!strcmp(type, "event")) {
		json_t *ev = json_object_get(j, "event");
		uint64_t seq = strtoull(json_string_value(json_object_get(ev, "seq")), NULL, 10);
		json_t *st = json_object_get(ev, "status");

		assert_string_equal(json_string_value(json_object_get(j, "bridge")), "test-bridge");
		if (f->n_seqs && seq != f->seqs[f->n_seqs - 1] + 1) {
			fprintf(stderr, "the board got seq %" PRIu64 " after %" PRIu64 "\n", seq,
				f->seqs[f->n_seqs - 1]);
			f->order_broken = true;
		}
		if (f->n_seqs == f->cap) {
			f->cap = f->cap ? 2 * f->cap : 256;
			f->seqs = realloc(f->seqs, f->cap * sizeof(*f->seqs));
			assert_non_null(f->seqs);
		}
		f->seqs[f->n_seqs++] = seq;
		if (st)
			f->last_status = (uint32_t)json_integer_value(json_object_get(st, "value"));
	} else if (!strcmp(type, "bridge")) {
		f->bridge_updates++;
	}
	json_decref(j);
}

static void start_daemon(struct fx *f)
{
	char *argv[] = { (char *)g_daemon, "-c", f->cfg, NULL };

	assert_int_equal(h_spawn(&f->daemon, argv, false, false), 0);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *terms[] = { T1 ":09011638300000001", NULL };
	struct tw_bridge_conf conf = { 0 };
	char cfg[2048], *err = NULL;
	unsigned bi;

	f->ctx = talloc_named_const(NULL, 0, "test_bridge_link");
	assert_int_equal(tb_logging_init(f->ctx), 0);
	f->dir = h_tmpdir();
	snprintf(f->events, sizeof(f->events), "ipc://%s/events", f->dir);
	snprintf(f->commands, sizeof(f->commands), "ipc://%s/commands", f->dir);
	assert_int_equal(h_sim_start(&f->sim, g_sim, f->dir, terms), 0);
	snprintf(cfg, sizeof(cfg),
		 "log stderr\n"
		 " logging level all notice\n"
		 "line vty\n"
		 " bind 127.0.0.1 0\n"
		 "bridge\n"
		 " id test-bridge\n"
		 " events bind %s\n"
		 " commands bind %s\n"
		 " state-dir %s/var\n"
		 " timer radio X1 1\n"
		 " timer radio X2 300\n"
		 " timer radio X3 50\n"
		 " timer radio X4 1\n"
		 "radio r1\n"
		 " transport tty %s/" T1 "\n"
		 " profile motorola\n",
		 f->events, f->commands, f->dir, f->dir);
	snprintf(f->cfg, sizeof(f->cfg), "%s/bridge.cfg", f->dir);
	h_write_file(f->cfg, cfg);

	f->zctx = zmq_ctx_new();
	f->board = tw_board_alloc(f->ctx, on_update, f);
	bi = tw_board_add_bridge(f->board, "test-bridge");
	/* the link first: it waits for the bridge, as tetra-web started before it */
	conf.name = "test-bridge";
	conf.events = f->events;
	conf.commands = f->commands;
	conf.heartbeat_ms = 200;
	conf.timeout_ms = 1500;
	f->link = tw_bridge_link_alloc(f->ctx, f->zctx, f->board, bi, &conf, &err);
	if (!f->link)
		fail_msg("no link: %s", err);
	start_daemon(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tw_bridge_link_destroy(&f->link);
	if (f->daemon.pid > 0)
		h_stop(&f->daemon, SIGTERM, 10000);
	h_stop(&f->sim, 0, 10000);
	talloc_free(f->board);
	zmq_ctx_term(f->zctx);
	h_rmtree(f->dir);
	free(f->dir);
	free(f->seqs);
	log_fini();
	talloc_free(f->ctx);
	free(f);
	return 0;
}

static bool connected(void *arg)
{
	struct fx *f = arg;
	return tw_bridge_link_connected(f->link);
}

static bool disconnected(void *arg)
{
	return !connected(arg);
}

/* The board's radio r1 is online. */
static bool radio_online(void *arg)
{
	struct fx *f = arg;
	json_t *s = tw_board_snapshot(f->board), *r;
	size_t i;
	bool ok = false;

	json_array_foreach(json_object_get(json_array_get(json_object_get(s, "bridges"), 0), "radios"), i, r)
		if (!strcmp(json_string_value(json_object_get(r, "name")), "r1") &&
		    !strcmp(json_string_value(json_object_get(r, "state")), "STATE_ONLINE"))
			ok = true;
	json_decref(s);
	return ok;
}

struct want_status {
	struct fx *f;
	uint32_t value;
};

static bool status_seen(void *arg)
{
	struct want_status *w = arg;
	return w->f->last_status == w->value;
}

/* Inject status values from the terminal until the board shows `value`
 * (a radio still initialising refuses an inject: tried again). */
static void status_through(struct fx *f, uint32_t value)
{
	struct want_status w = { f, value };
	char v[8];

	snprintf(v, sizeof(v), "%04X", value);
	for (int tries = 0; tries < 50; tries++) {
		if (h_sim_inject(&f->sim, T1, STATUS_HDR) == 0 && h_sim_inject(&f->sim, T1, v) == 0 &&
		    tb_loop_run_until(status_seen, &w, 2000))
			return;
	}
	fail_msg("status %04X never reached the board", value);
}

static void on_reply(const Tetrabridge__V1__Reply *r, const char *why, void *data)
{
	struct fx *f = data;

	assert_false(f->replied);	/* once */
	f->replied = true;
	if (r) {
		f->code = r->code;
		f->n_radios = r->result_case == TETRABRIDGE__V1__REPLY__RESULT_RADIOS ? r->radios->n_radios : 0;
	} else {
		snprintf(f->why, sizeof(f->why), "%s", why);
	}
}

static bool replied(void *arg)
{
	return ((struct fx *)arg)->replied;
}

/* Every seq of the journal from `from` on, by Replay on a DEALER of the
 * test's own; lost ranges are left out, as the board leaves them out. */
static size_t journal_seqs(struct fx *f, uint64_t from, uint64_t **out)
{
	void *d = zmq_socket(f->zctx, ZMQ_DEALER);
	int linger = 0;
	size_t n = 0, cap = 0;
	uint64_t next = from, id = 1;
	bool more = true;

	*out = NULL;
	zmq_setsockopt(d, ZMQ_LINGER, &linger, sizeof(linger));
	assert_int_equal(zmq_connect(d, f->commands), 0);
	while (more) {
		Tetrabridge__V1__Command cmd = TETRABRIDGE__V1__COMMAND__INIT;
		Tetrabridge__V1__Replay rp = TETRABRIDGE__V1__REPLAY__INIT;
		uint8_t buf[64];
		zmq_pollitem_t it = { .socket = d, .events = ZMQ_POLLIN };
		zmq_msg_t m;

		rp.from_seq = next;
		rp.max_events = 1000;
		cmd.request_id = id++;
		cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_REPLAY;
		cmd.replay = &rp;
		size_t len = tetrabridge__v1__command__pack(&cmd, buf);
		assert_int_equal(zmq_send(d, buf, len, 0), (int)len);
		assert_int_equal(zmq_poll(&it, 1, WAIT_MS), 1);
		zmq_msg_init(&m);
		assert_true(zmq_msg_recv(&m, d, 0) >= 0);
		Tetrabridge__V1__Reply *r = tetrabridge__v1__reply__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
		zmq_msg_close(&m);
		assert_non_null(r);
		assert_int_equal(r->code, TETRABRIDGE__V1__REPLY__CODE__OK);
		for (size_t i = 0; i < r->replay->n_events; i++) {
			if (n == cap) {
				cap = cap ? 2 * cap : 256;
				*out = realloc(*out, cap * sizeof(**out));
			}
			(*out)[n++] = r->replay->events[i]->seq;
		}
		more = r->replay->more && r->replay->next_seq > next;
		next = r->replay->next_seq;
		tetrabridge__v1__reply__free_unpacked(r, NULL);
	}
	zmq_close(d);
	return n;
}

static void test_link(void **state)
{
	struct fx *f = *state;
	Tetrabridge__V1__Command cmd = TETRABRIDGE__V1__COMMAND__INIT;
	Tetrabridge__V1__ListRadios lr = TETRABRIDGE__V1__LIST_RADIOS__INIT;
	struct tw_link_stats st;
	const char *why = NULL;
	uint64_t *journal, id;
	size_t n;

	/* the bridge comes up after the link: connected, radios, events */
	assert_true(tb_loop_run_until(connected, f, WAIT_MS));
	assert_true(tb_loop_run_until(radio_online, f, WAIT_MS));
	status_through(f, 0x8001);
	for (uint32_t v = 0x8100; v < 0x8110; v++)
		status_through(f, v);
	assert_false(f->order_broken);

	/* a page's command and its reply, once */
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_LIST_RADIOS;
	cmd.list_radios = &lr;
	id = tw_bridge_link_command(f->link, &cmd, NULL, on_reply, f, &why);
	assert_true(id != 0);
	assert_false(f->replied);	/* never from inside the call */
	assert_true(tb_loop_run_until(replied, f, WAIT_MS));
	assert_int_equal(f->code, TETRABRIDGE__V1__REPLY__CODE__OK);
	assert_int_equal(f->n_radios, 1);
	/* a cancelled command: its reply is not handed on */
	f->replied = false;
	id = tw_bridge_link_command(f->link, &cmd, NULL, on_reply, f, &why);
	assert_true(id != 0);
	tw_bridge_link_cancel(f->link, id);

	/* killed: the link notices, and says so to pages that ask */
	assert_int_equal(h_stop(&f->daemon, SIGKILL, 10000), 128 + SIGKILL);
	f->daemon.pid = 0;
	assert_true(tb_loop_run_until(disconnected, f, WAIT_MS));
	assert_false(f->replied);
	why = NULL;
	assert_int_equal(tw_bridge_link_command(f->link, &cmd, NULL, on_reply, f, &why), 0);
	assert_string_equal(why, "the bridge is not connected");
	json_t *s = tw_board_snapshot(f->board);
	assert_true(json_is_false(json_object_get(json_array_get(json_object_get(s, "bridges"), 0), "connected")));
	json_decref(s);

	/* started again: connected, and events flow on from where they were */
	start_daemon(f);
	assert_true(tb_loop_run_until(connected, f, WAIT_MS));
	status_through(f, 0x8201);
	for (uint32_t v = 0x8300; v < 0x8308; v++)
		status_through(f, v);
	assert_false(f->order_broken);
	assert_false(f->replied);

	/* the board has every seq the journal has, from its first on */
	assert_true(f->n_seqs > 20);
	n = journal_seqs(f, f->seqs[0], &journal);
	assert_true(n >= f->n_seqs);
	for (size_t i = 0; i < f->n_seqs; i++)
		assert_int_equal(f->seqs[i], journal[i]);
	free(journal);

	tw_bridge_link_get_stats(f->link, &st);
	assert_true(st.replays >= 2);	/* at the start and after the restart */
	assert_int_equal(st.seqs_skipped, 0);
	assert_int_equal(st.commands, 2);
	fprintf(stderr, "board: %zu events, seq %" PRIu64 "-%" PRIu64 "; link: %" PRIu64 " live, %" PRIu64
		" replayed, %" PRIu64 " replays\n", f->n_seqs, f->seqs[0], f->seqs[f->n_seqs - 1], st.events_live,
		st.events_replayed, st.replays);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_link, setup, teardown),
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
