/* tb_command_server over real ZeroMQ: REQ and DEALER clients (with and
 * without the empty delimiter) in this process, plain and CURVE with the
 * ZAP handler. The osmo_select loop is driven from the test; the clients'
 * sockets are watched by that loop too (through ZMQ_FD), so the loop blocks
 * until something happens and no test depends on timing. A guard timer only
 * exists to fail instead of hanging.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>
#include <talloc.h>
#include <zmq.h>

#include "common/counters.h"
#include "common/logging.h"
#include "ipc/command_server.h"
#include "ipc/security.h"
#include "ipc/tetra_bridge.pb-c.h"
#include "tests/lib/zmq_watch.h"
#include "tests/lib/tmpdir.h"

/* The server's counters (ipc/command_server.h). */
#define CMD_CTR(cs, c) tb_ctr_get(tb_command_server_ctrs(cs), c)
#define CODE_CTR(code) (TB_CMD_CTR_CODE + TETRABRIDGE__V1__REPLY__CODE__##code)
#define QUEUED_PEAK(cs) tb_stat_get(tb_command_server_stat_items(cs), TB_CMD_STAT_QUEUED_PEAK)

#define GUARD_S		30	/* a wait that takes longer has failed */
#define LOOP_MAX	1000000	/* loop iterations, likewise */
#define FLOOD_N		10000
#define FLOOD_MAX_LEN	2000
#define BATCH_N		600	/* the server handles 200 per wakeup */

struct fixture {
	void *ctx;	/* talloc */
	void *zctx;
	char dir[256];
	struct tb_command_server *cs;

	/* what the handler does: Replay answers with a batch of about this
	 * many bytes (0: INTERNAL) */
	size_t replay_bytes;

	/* what the handler saw */
	unsigned handled;
	enum tb_role role;
	char name[64];
	Tetrabridge__V1__Command__CommandCase last_case;
};

/* ---- the loop ----------------------------------------------------------- */

static bool g_timed_out;
static struct osmo_timer_list g_guard;

static void guard_cb(void *data)
{
	g_timed_out = true;
}

static void guard_start(void)
{
	g_timed_out = false;
	osmo_timer_setup(&g_guard, guard_cb, NULL);
	osmo_timer_schedule(&g_guard, GUARD_S, 0);
}

/* Run the loop until cond holds; fails after GUARD_S or LOOP_MAX passes. */
#define LOOP_UNTIL(cond)							\
	do {									\
		unsigned _i = 0;						\
		guard_start();							\
		while (!(cond)) {						\
			if (g_timed_out || ++_i > LOOP_MAX)			\
				fail_msg("timed out waiting for: %s", #cond);	\
			osmo_select_main(0);					\
		}								\
		osmo_timer_del(&g_guard);					\
	} while (0)

/* The same for a condition that libzmq's I/O thread changes without
 * waking the loop (a reply freed): a 1 ms timer ticks meanwhile. */
static struct osmo_timer_list g_tick;

static void tick_cb(void *data)
{
	osmo_timer_schedule(&g_tick, 0, 1000);
}

#define LOOP_UNTIL_TICKING(cond)						\
	do {									\
		osmo_timer_setup(&g_tick, tick_cb, NULL);			\
		tick_cb(NULL);							\
		LOOP_UNTIL(cond);						\
		osmo_timer_del(&g_tick);					\
	} while (0)

/* A client socket watched by the loop (tests/lib/zmq_watch.h), so that
 * osmo_select_main(0) wakes up when it has something. */
struct client {
	struct tb_zmq_watch *w;
	void *sock;
	bool delim;	/* DEALER that sends (and gets back) an empty delimiter */
};

static struct client *client_watch(struct fixture *f, void *sock, bool delim)
{
	struct client *c = talloc_zero(f->ctx, struct client);

	assert_non_null(c);
	c->w = tb_zmq_watch_new(c, sock);
	c->sock = sock;
	c->delim = delim;
	return c;
}

static struct client *client_new(struct fixture *f, int type, bool delim, const char *endpoint)
{
	void *sock = zmq_socket(f->zctx, type);

	assert_non_null(sock);
	assert_int_equal(zmq_connect(sock, endpoint), 0);
	return client_watch(f, sock, delim);
}

/* A DEALER that does not read: at most a message or two on its own side,
 * so that its replies pile up in the server. */
static struct client *lazy_client(struct fixture *f, const char *endpoint)
{
	void *sock = zmq_socket(f->zctx, ZMQ_DEALER);
	int one = 1, rcvbuf = 4096;

	assert_non_null(sock);
	assert_int_equal(zmq_setsockopt(sock, ZMQ_RCVHWM, &one, sizeof(one)), 0);
	assert_int_equal(zmq_setsockopt(sock, ZMQ_RCVBUF, &rcvbuf, sizeof(rcvbuf)), 0);
	assert_int_equal(zmq_connect(sock, endpoint), 0);
	return client_watch(f, sock, false);
}

static void client_close(struct client *c)
{
	tb_zmq_watch_destroy(&c->w);
	talloc_free(c);
}

/* ---- commands and replies ----------------------------------------------- */

static void send_raw(struct client *c, const void *buf, size_t len)
{
	if (c->delim)
		assert_int_equal(zmq_send(c->sock, "", 0, ZMQ_SNDMORE), 0);
	assert_int_equal(zmq_send(c->sock, buf, len, 0), (int)len);
}

static void send_cmd(struct client *c, const Tetrabridge__V1__Command *cmd)
{
	uint8_t buf[4096];
	size_t len = tetrabridge__v1__command__get_packed_size(cmd);

	assert_true(len <= sizeof(buf));
	tetrabridge__v1__command__pack(cmd, buf);
	send_raw(c, buf, len);
}

/* Receive one reply without waiting (the caller knows one is there):
 * [""] [Reply] for a delimiting DEALER, else [Reply]. NULL if none. */
static Tetrabridge__V1__Reply *take_reply(struct client *c, bool delim)
{
	Tetrabridge__V1__Reply *r;
	zmq_msg_t m;

	zmq_msg_init(&m);
	if (zmq_msg_recv(&m, c->sock, ZMQ_DONTWAIT) < 0) {
		assert_int_equal(zmq_errno(), EAGAIN);
		zmq_msg_close(&m);
		return NULL;
	}
	if (delim) {
		assert_int_equal(zmq_msg_size(&m), 0);
		assert_true(zmq_msg_more(&m));
		assert_true(zmq_msg_recv(&m, c->sock, ZMQ_DONTWAIT) >= 0);
	}
	assert_false(zmq_msg_more(&m));	/* exactly one body frame */
	r = tetrabridge__v1__reply__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
	assert_non_null(r);
	zmq_msg_close(&m);
	return r;
}

/* Run the loop until a reply arrives; check its request id and code, and
 * that nothing else came with it. Returns it (free_unpacked by the caller). */
static Tetrabridge__V1__Reply *expect_reply(struct client *c, bool delim, uint64_t request_id,
					    Tetrabridge__V1__Reply__Code code)
{
	Tetrabridge__V1__Reply *r;

	LOOP_UNTIL(tb_zmq_readable(c->sock));
	r = take_reply(c, delim);
	assert_non_null(r);
	if (r->request_id != request_id || r->code != code)
		fail_msg("reply: request_id %" PRIu64 " code %d ('%s'), expected %" PRIu64 " code %d",
			 r->request_id, r->code, r->error, request_id, code);
	assert_false(tb_zmq_readable(c->sock));
	return r;
}

static void expect_code(struct client *c, bool delim, uint64_t request_id, Tetrabridge__V1__Reply__Code code,
			const char *error)
{
	Tetrabridge__V1__Reply *r = expect_reply(c, delim, request_id, code);

	if (error)
		assert_string_equal(r->error, error);
	else
		assert_true(r->error && r->error[0]);	/* a sentence for people */
	assert_int_equal(r->result_case, TETRABRIDGE__V1__REPLY__RESULT__NOT_SET);
	tetrabridge__v1__reply__free_unpacked(r, NULL);
}

static void cmd_list_radios(Tetrabridge__V1__Command *cmd, Tetrabridge__V1__ListRadios *lr, uint64_t id)
{
	tetrabridge__v1__command__init(cmd);
	tetrabridge__v1__list_radios__init(lr);
	cmd->request_id = id;
	cmd->command_case = TETRABRIDGE__V1__COMMAND__COMMAND_LIST_RADIOS;
	cmd->list_radios = lr;
}

static void cmd_send_status(Tetrabridge__V1__Command *cmd, Tetrabridge__V1__SendStatus *ss,
			    Tetrabridge__V1__Identity *to, uint64_t id)
{
	tetrabridge__v1__command__init(cmd);
	tetrabridge__v1__send_status__init(ss);
	tetrabridge__v1__identity__init(to);
	to->ssi = 2345678;
	ss->radio = "lvs-1";
	ss->to = to;
	ss->value = 0x8004;
	cmd->request_id = id;
	cmd->command_case = TETRABRIDGE__V1__COMMAND__COMMAND_SEND_STATUS;
	cmd->send_status = ss;
}

static void cmd_send_text(Tetrabridge__V1__Command *cmd, Tetrabridge__V1__SendText *st,
			  Tetrabridge__V1__Identity *to, uint64_t id)
{
	tetrabridge__v1__command__init(cmd);
	tetrabridge__v1__send_text__init(st);
	tetrabridge__v1__identity__init(to);
	to->ssi = 2345678;
	st->radio = "lvs-1";
	st->to = to;
	st->text = "Pasient klar for henting";
	cmd->request_id = id;
	cmd->command_case = TETRABRIDGE__V1__COMMAND__COMMAND_SEND_TEXT;
	cmd->send_text = st;
}

static void cmd_replay(Tetrabridge__V1__Command *cmd, Tetrabridge__V1__Replay *rp, uint64_t id)
{
	tetrabridge__v1__command__init(cmd);
	tetrabridge__v1__replay__init(rp);
	rp->from_seq = 1;
	cmd->request_id = id;
	cmd->command_case = TETRABRIDGE__V1__COMMAND__COMMAND_REPLAY;
	cmd->replay = rp;
}

/* Check a list_radios reply: one radio, "lvs-1", online. */
static void expect_radios(struct client *c, bool delim, uint64_t id)
{
	Tetrabridge__V1__Reply *r = expect_reply(c, delim, id, TETRABRIDGE__V1__REPLY__CODE__OK);

	assert_int_equal(r->result_case, TETRABRIDGE__V1__REPLY__RESULT_RADIOS);
	assert_int_equal(r->radios->n_radios, 1);
	assert_string_equal(r->radios->radios[0]->name, "lvs-1");
	assert_string_equal(r->radios->radios[0]->transport, "sim");
	assert_int_equal(r->radios->radios[0]->state, TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_ONLINE);
	tetrabridge__v1__reply__free_unpacked(r, NULL);
}

/* Check a Queued reply (send_status, send_text). */
static void expect_queued(struct client *c, bool delim, uint64_t id)
{
	Tetrabridge__V1__Reply *r = expect_reply(c, delim, id, TETRABRIDGE__V1__REPLY__CODE__OK);

	assert_int_equal(r->result_case, TETRABRIDGE__V1__REPLY__RESULT_QUEUED);
	assert_int_equal(r->queued->message_id, 7000 + id);
	assert_int_equal(r->queued->parts, 1);
	assert_int_equal(r->queued->n_message_references, 1);
	assert_int_equal(r->queued->message_references[0], 42);
	tetrabridge__v1__reply__free_unpacked(r, NULL);
}

/* ---- the handler -------------------------------------------------------- */

static void handler(const Tetrabridge__V1__Command *cmd, const struct tb_command_client *client,
		    Tetrabridge__V1__Reply *reply, void *data)
{
	struct fixture *f = data;

	assert_non_null(client->tmp);
	assert_non_null(client->name);
	assert_int_equal(reply->request_id, cmd->request_id);
	assert_int_equal(reply->code, TETRABRIDGE__V1__REPLY__CODE__OK);
	assert_true(tb_command_allowed(client->role, cmd->command_case));
	f->handled++;
	f->role = client->role;
	snprintf(f->name, sizeof(f->name), "%s", client->name);
	f->last_case = cmd->command_case;

	switch (cmd->command_case) {
	case TETRABRIDGE__V1__COMMAND__COMMAND_LIST_RADIOS: {
		Tetrabridge__V1__RadioList *l = talloc_zero(client->tmp, Tetrabridge__V1__RadioList);
		Tetrabridge__V1__RadioSummary *r = talloc_zero(client->tmp, Tetrabridge__V1__RadioSummary);

		tetrabridge__v1__radio_list__init(l);
		tetrabridge__v1__radio_summary__init(r);
		r->name = talloc_strdup(client->tmp, "lvs-1");
		r->transport = "sim";
		r->state = TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_ONLINE;
		l->n_radios = 1;
		l->radios = talloc_array(client->tmp, Tetrabridge__V1__RadioSummary *, 1);
		l->radios[0] = r;
		reply->result_case = TETRABRIDGE__V1__REPLY__RESULT_RADIOS;
		reply->radios = l;
		break;
	}
	case TETRABRIDGE__V1__COMMAND__COMMAND_SEND_STATUS:
	case TETRABRIDGE__V1__COMMAND__COMMAND_SEND_TEXT: {
		Tetrabridge__V1__Queued *q = talloc_zero(client->tmp, Tetrabridge__V1__Queued);

		tetrabridge__v1__queued__init(q);
		q->message_id = 7000 + cmd->request_id;
		q->parts = 1;
		q->n_message_references = 1;
		q->message_references = talloc_array(client->tmp, uint32_t, 1);
		q->message_references[0] = 42;
		reply->result_case = TETRABRIDGE__V1__REPLY__RESULT_QUEUED;
		reply->queued = q;
		break;
	}
	case TETRABRIDGE__V1__COMMAND__COMMAND_REPLAY:
		if (f->replay_bytes) {
			/* one event whose radio name makes up the size */
			Tetrabridge__V1__ReplayBatch *b = talloc_zero(client->tmp, Tetrabridge__V1__ReplayBatch);
			Tetrabridge__V1__Event *ev = talloc_zero(client->tmp, Tetrabridge__V1__Event);
			char *name = talloc_size(client->tmp, f->replay_bytes + 1);

			tetrabridge__v1__replay_batch__init(b);
			tetrabridge__v1__event__init(ev);
			memset(name, 'r', f->replay_bytes);
			name[f->replay_bytes] = '\0';
			ev->seq = cmd->request_id;
			ev->radio = name;
			b->events = talloc_array(client->tmp, Tetrabridge__V1__Event *, 1);
			b->events[0] = ev;
			b->n_events = 1;
			reply->result_case = TETRABRIDGE__V1__REPLY__RESULT_REPLAY;
			reply->replay = b;
			break;
		}
		/* fall through */
	default:
		reply->code = TETRABRIDGE__V1__REPLY__CODE__INTERNAL;
		reply->error = talloc_strdup(client->tmp, "not in this test");
		break;
	}
}

/* ---- fixture ------------------------------------------------------------ */

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->ctx = talloc_named_const(NULL, 0, "test_command_server");
	f->zctx = zmq_ctx_new();
	assert_non_null(f->zctx);
	assert_non_null(tb_tmpdir_make(f->dir, sizeof(f->dir), "tb-cmd"));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tb_command_server_destroy(&f->cs);
	assert_int_equal(tb_tmpdir_remove(f->dir), 0);
	assert_int_equal(talloc_total_blocks(f->ctx), 1);	/* nothing leaked */
	talloc_free(f->ctx);
	zmq_ctx_term(f->zctx);	/* hangs if a socket was left open */
	free(f);
	return 0;
}

static void start_plain(struct fixture *f, const char *endpoint)
{
	char *errmsg = NULL;
	int err = 1;

	f->cs = tb_command_server_alloc(f->ctx, f->zctx, endpoint, NULL, handler, f, &err, &errmsg);
	assert_non_null(f->cs);
	assert_int_equal(err, 0);
	assert_null(errmsg);
}

/* ---- tests -------------------------------------------------------------- */

static void test_names_and_roles(void **state)
{
	static const struct {
		Tetrabridge__V1__Command__CommandCase c;
		const char *name;
		enum tb_role least;
	} t[] = {
		{ TETRABRIDGE__V1__COMMAND__COMMAND_LIST_RADIOS, "list_radios", TB_ROLE_OBSERVER },
		{ TETRABRIDGE__V1__COMMAND__COMMAND_REPLAY, "replay", TB_ROLE_OBSERVER },
		{ TETRABRIDGE__V1__COMMAND__COMMAND_SEND_STATUS, "send_status", TB_ROLE_DISPATCHER },
		{ TETRABRIDGE__V1__COMMAND__COMMAND_SEND_TEXT, "send_text", TB_ROLE_DISPATCHER },
		{ TETRABRIDGE__V1__COMMAND__COMMAND_REQUEST_LOCATION, "request_location", TB_ROLE_DISPATCHER },
		{ TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_CREATE, "callout_create", TB_ROLE_DISPATCHER },
		{ TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_CANCEL, "callout_cancel", TB_ROLE_DISPATCHER },
		{ TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_ADD, "callout_add", TB_ROLE_DISPATCHER },
		{ TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_REALERT, "callout_realert", TB_ROLE_DISPATCHER },
		{ TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_SET, "callout_set", TB_ROLE_DISPATCHER },
		{ TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_CLOSE, "callout_close", TB_ROLE_DISPATCHER },
		{ TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_ACK, "callout_ack", TB_ROLE_DISPATCHER },
		{ TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_BOARD, "callout_board", TB_ROLE_OBSERVER },
		{ TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_SHOW, "callout_show", TB_ROLE_OBSERVER },
		{ TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_REPORT, "callout_report", TB_ROLE_OBSERVER },
		{ TETRABRIDGE__V1__COMMAND__COMMAND_HEALTH, "health", TB_ROLE_OBSERVER },
		{ TETRABRIDGE__V1__COMMAND__COMMAND_BACKUP, "backup", TB_ROLE_ADMIN },
		{ TETRABRIDGE__V1__COMMAND__COMMAND_ROSTER, "roster", TB_ROLE_OBSERVER },
		{ TETRABRIDGE__V1__COMMAND__COMMAND_STATS, "stats", TB_ROLE_OBSERVER },
		{ TETRABRIDGE__V1__COMMAND__COMMAND__NOT_SET, "unknown", TB_ROLE_ADMIN },
		{ (Tetrabridge__V1__Command__CommandCase)99, "unknown", TB_ROLE_ADMIN },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_string_equal(tb_command_name(t[i].c), t[i].name);
		assert_false(tb_command_allowed(TB_ROLE_NONE, t[i].c));
		assert_false(tb_command_allowed((enum tb_role)17, t[i].c));
		for (enum tb_role r = TB_ROLE_OBSERVER; r <= TB_ROLE_ADMIN; r++)
			assert_int_equal(tb_command_allowed(r, t[i].c), r >= t[i].least);
	}
}

/* REQ, DEALER with and without the delimiter: one reply each, with their
 * request id; without CURVE every client is admin. */
static void test_clients(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__Command cmd;
	Tetrabridge__V1__ListRadios lr;
	Tetrabridge__V1__SendStatus ss;
	Tetrabridge__V1__SendText st;
	Tetrabridge__V1__Identity to;
	struct client *req, *dealer, *dealer_d;
	const char *ep;

	start_plain(f, "tcp://127.0.0.1:*");
	ep = tb_command_server_endpoint(f->cs);
	assert_true(!strncmp(ep, "tcp://127.0.0.1:", 16));
	assert_true(atoi(ep + 16) > 0);

	req = client_new(f, ZMQ_REQ, false, ep);
	dealer = client_new(f, ZMQ_DEALER, false, ep);
	dealer_d = client_new(f, ZMQ_DEALER, true, ep);

	cmd_list_radios(&cmd, &lr, 1);
	send_cmd(req, &cmd);
	expect_radios(req, false, 1);
	assert_int_equal(f->role, TB_ROLE_ADMIN);
	assert_string_equal(f->name, "");

	cmd_send_status(&cmd, &ss, &to, 2);
	send_cmd(req, &cmd);
	expect_queued(req, false, 2);

	cmd_send_status(&cmd, &ss, &to, 3);
	send_cmd(dealer, &cmd);
	expect_queued(dealer, false, 3);
	assert_int_equal(f->last_case, TETRABRIDGE__V1__COMMAND__COMMAND_SEND_STATUS);

	cmd_list_radios(&cmd, &lr, 4);
	send_cmd(dealer_d, &cmd);
	expect_radios(dealer_d, true, 4);

	cmd_send_text(&cmd, &st, &to, 5);
	send_cmd(dealer_d, &cmd);
	expect_queued(dealer_d, true, 5);

	/* a DEALER may have several in flight: each gets its own reply, in order */
	for (uint64_t id = 10; id < 20; id++) {
		cmd_send_status(&cmd, &ss, &to, id);
		send_cmd(dealer, &cmd);
	}
	for (uint64_t id = 10; id < 20; id++) {
		Tetrabridge__V1__Reply *r;

		LOOP_UNTIL(tb_zmq_readable(dealer->sock));
		r = take_reply(dealer, false);
		assert_int_equal(r->request_id, id);
		assert_int_equal(r->queued->message_id, 7000 + id);
		tetrabridge__v1__reply__free_unpacked(r, NULL);
	}
	assert_false(tb_zmq_readable(dealer->sock));

	/* a handler failure is passed on as it is */
	{
		Tetrabridge__V1__Replay rp = TETRABRIDGE__V1__REPLAY__INIT;
		tetrabridge__v1__command__init(&cmd);
		cmd.request_id = 21;
		cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_REPLAY;
		cmd.replay = &rp;
		send_cmd(req, &cmd);
		expect_code(req, false, 21, TETRABRIDGE__V1__REPLY__CODE__INTERNAL, "not in this test");
	}

	assert_int_equal(f->handled, 16);
	assert_int_equal(CMD_CTR(f->cs, TB_CMD_CTR_RECEIVED), 16);
	assert_int_equal(CMD_CTR(f->cs, TB_CMD_CTR_REPLIES), 16);
	assert_int_equal(CMD_CTR(f->cs, CODE_CTR(MALFORMED)), 0);
	assert_int_equal(CMD_CTR(f->cs, CODE_CTR(NOT_ALLOWED)), 0);
	assert_int_equal(CMD_CTR(f->cs, TB_CMD_CTR_DROPPED), 0);

	client_close(req);
	client_close(dealer);
	client_close(dealer_d);
}

static void test_ipc(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__Command cmd;
	Tetrabridge__V1__ListRadios lr;
	char *ep = talloc_asprintf(f->ctx, "ipc://%s/commands", f->dir);
	struct client *req;

	start_plain(f, ep);
	assert_string_equal(tb_command_server_endpoint(f->cs), ep);
	req = client_new(f, ZMQ_REQ, false, ep);
	cmd_list_radios(&cmd, &lr, 77);
	send_cmd(req, &cmd);
	expect_radios(req, false, 77);
	client_close(req);
	talloc_free(ep);
}

static void test_errors(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__Command cmd;
	Tetrabridge__V1__ListRadios lr;
	Tetrabridge__V1__SendText st;
	Tetrabridge__V1__Identity to;
	struct client *req, *dealer, *dealer_d;
	const struct rate_ctr_group *ctrs;
	const char *ep;
	uint8_t buf[256];
	size_t len;
	char *big;

	start_plain(f, "tcp://127.0.0.1:*");
	ep = tb_command_server_endpoint(f->cs);
	req = client_new(f, ZMQ_REQ, false, ep);
	dealer = client_new(f, ZMQ_DEALER, false, ep);
	dealer_d = client_new(f, ZMQ_DEALER, true, ep);

	/* not protobuf: request id 0 */
	send_raw(dealer, "\xff\xff\xff", 3);
	expect_code(dealer, false, 0, TETRABRIDGE__V1__REPLY__CODE__MALFORMED,
		    "the message is not a tetrabridge.v1.Command; check that tetractl and the bridge speak "
		    "the same protocol version");
	send_raw(req, "\x08", 1);	/* a varint cut off */
	expect_code(req, false, 0, TETRABRIDGE__V1__REPLY__CODE__MALFORMED, NULL);
	send_raw(dealer_d, "\x5a\x10\x01", 3);	/* send_text, 16 bytes long, 1 there */
	expect_code(dealer_d, true, 0, TETRABRIDGE__V1__REPLY__CODE__MALFORMED, NULL);

	/* no body: a DEALER sending just the empty delimiter */
	assert_int_equal(zmq_send(dealer->sock, "", 0, 0), 0);
	expect_code(dealer, true, 0, TETRABRIDGE__V1__REPLY__CODE__MALFORMED,
		    "the message has no command frame; send one frame, a packed tetrabridge.v1.Command");

	/* two body frames, with and without the delimiter */
	cmd_list_radios(&cmd, &lr, 5);
	len = tetrabridge__v1__command__pack(&cmd, buf);
	assert_int_equal(zmq_send(dealer->sock, buf, len, ZMQ_SNDMORE), (int)len);
	assert_int_equal(zmq_send(dealer->sock, buf, len, 0), (int)len);
	expect_code(dealer, false, 0, TETRABRIDGE__V1__REPLY__CODE__MALFORMED,
		    "the message has more than one frame after the envelope; send one frame, a packed "
		    "tetrabridge.v1.Command");
	assert_int_equal(zmq_send(dealer_d->sock, "", 0, ZMQ_SNDMORE), 0);
	assert_int_equal(zmq_send(dealer_d->sock, buf, len, ZMQ_SNDMORE), (int)len);
	assert_int_equal(zmq_send(dealer_d->sock, "x", 1, ZMQ_SNDMORE), 1);
	assert_int_equal(zmq_send(dealer_d->sock, buf, len, 0), (int)len);
	expect_code(dealer_d, true, 0, TETRABRIDGE__V1__REPLY__CODE__MALFORMED, NULL);
	/* more frames than the server keeps */
	for (unsigned i = 0; i < 40; i++)
		assert_int_equal(zmq_send(dealer->sock, "x", 1, i < 39 ? ZMQ_SNDMORE : 0), 1);
	expect_code(dealer, false, 0, TETRABRIDGE__V1__REPLY__CODE__MALFORMED, NULL);

	/* an envelope so long that the body is beyond the frames the server
	 * keeps: MALFORMED, with the envelope echoed */
	for (unsigned i = 0; i < 14; i++)
		assert_int_equal(zmq_send(dealer->sock, "x", 1, ZMQ_SNDMORE), 1);
	assert_int_equal(zmq_send(dealer->sock, "", 0, ZMQ_SNDMORE), 0);
	assert_int_equal(zmq_send(dealer->sock, buf, len, 0), (int)len);
	LOOP_UNTIL(tb_zmq_readable(dealer->sock));
	for (unsigned i = 0; i < 14; i++) {
		char x[2];
		assert_int_equal(zmq_recv(dealer->sock, x, sizeof(x), ZMQ_DONTWAIT), 1);
	}
	expect_code(dealer, true, 0, TETRABRIDGE__V1__REPLY__CODE__MALFORMED, NULL);

	/* 100 KiB: a valid Command, but too large to be read */
	big = talloc_size(f->ctx, 100 * 1024 + 1);
	memset(big, 'a', 100 * 1024);
	big[100 * 1024] = '\0';
	cmd_send_text(&cmd, &st, &to, 9);
	st.text = big;
	{
		size_t blen = tetrabridge__v1__command__get_packed_size(&cmd);
		uint8_t *bbuf = talloc_size(f->ctx, blen);

		tetrabridge__v1__command__pack(&cmd, bbuf);
		send_raw(req, bbuf, blen);
		talloc_free(bbuf);
	}
	{
		Tetrabridge__V1__Reply *r = expect_reply(req, false, 0, TETRABRIDGE__V1__REPLY__CODE__TOO_LARGE);
		assert_non_null(strstr(r->error, "at most 65536 are accepted"));
		tetrabridge__v1__reply__free_unpacked(r, NULL);
	}
	talloc_free(big);
	/* exactly the limit is read */
	big = talloc_zero_size(f->ctx, TB_COMMAND_MAX_BYTES);
	send_raw(dealer, big, TB_COMMAND_MAX_BYTES);	/* zeros: not protobuf */
	expect_code(dealer, false, 0, TETRABRIDGE__V1__REPLY__CODE__MALFORMED, NULL);
	talloc_free(big);

	/* no command set; an empty Command (zero bytes) from REQ; a command
	 * from a newer protocol (field 99) */
	tetrabridge__v1__command__init(&cmd);
	cmd.request_id = 11;
	send_cmd(dealer_d, &cmd);
	expect_code(dealer_d, true, 11, TETRABRIDGE__V1__REPLY__CODE__UNKNOWN_COMMAND,
		    "this bridge does not know that command; update tetractl or check the protocol version");
	send_raw(req, "", 0);
	expect_code(req, false, 0, TETRABRIDGE__V1__REPLY__CODE__UNKNOWN_COMMAND, NULL);
	send_raw(dealer, "\x08\x0c\x9a\x06\x00", 5);	/* request_id 12, field 99 (empty message) */
	expect_code(dealer, false, 12, TETRABRIDGE__V1__REPLY__CODE__UNKNOWN_COMMAND, NULL);

	assert_int_equal(f->handled, 0);
	ctrs = tb_command_server_ctrs(f->cs);
	assert_int_equal(tb_ctr_get(ctrs, TB_CMD_CTR_RECEIVED), 13);
	assert_int_equal(tb_ctr_get(ctrs, TB_CMD_CTR_REPLIES), 13);
	/* by code: the replies above */
	assert_int_equal(tb_ctr_get(ctrs, CODE_CTR(MALFORMED)), 9);
	assert_int_equal(tb_ctr_get(ctrs, CODE_CTR(TOO_LARGE)), 1);
	assert_int_equal(tb_ctr_get(ctrs, CODE_CTR(UNKNOWN_COMMAND)), 3);
	assert_int_equal(tb_ctr_get(ctrs, CODE_CTR(OK)), 0);
	assert_int_equal(tb_ctr_get(ctrs, TB_CMD_CTR_DROPPED), 0);

	/* and the server still works for all of them */
	cmd_list_radios(&cmd, &lr, 100);
	send_cmd(req, &cmd);
	expect_radios(req, false, 100);
	cmd.request_id = 101;
	send_cmd(dealer, &cmd);
	expect_radios(dealer, false, 101);
	cmd.request_id = 102;
	send_cmd(dealer_d, &cmd);
	expect_radios(dealer_d, true, 102);

	client_close(req);
	client_close(dealer);
	client_close(dealer_d);
}

/* 10 000 random messages from one DEALER: every one gets a reply (the
 * server works through them in batches), then a valid command works. */
static void test_flood(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__Command cmd;
	Tetrabridge__V1__ListRadios lr;
	struct client *dealer;
	unsigned sent = 0, received = 0, i;
	uint8_t *buf;
	unsigned seed = 20261124;

	start_plain(f, "tcp://127.0.0.1:*");
	dealer = client_new(f, ZMQ_DEALER, false, tb_command_server_endpoint(f->cs));
	buf = talloc_size(f->ctx, FLOOD_MAX_LEN);

	guard_start();
	for (i = 0; received < FLOOD_N; i++) {
		bool progress = false;

		if (g_timed_out || i > LOOP_MAX)
			fail_msg("flood: %u sent, %u replies", sent, received);
		/* send as many as the socket takes */
		while (sent < FLOOD_N) {
			size_t len = (size_t)rand_r(&seed) % (FLOOD_MAX_LEN + 1);

			for (size_t j = 0; j < len; j++)
				buf[j] = (uint8_t)rand_r(&seed);
			if (zmq_send(dealer->sock, buf, len, ZMQ_DONTWAIT) < 0) {
				assert_int_equal(zmq_errno(), EAGAIN);
				break;
			}
			sent++;
			progress = true;
		}
		/* take every reply there is: [Reply], or ["" ][Reply] for an
		 * empty message (its frame became the envelope) */
		for (;;) {
			Tetrabridge__V1__Reply *r;
			zmq_msg_t m;

			zmq_msg_init(&m);
			if (zmq_msg_recv(&m, dealer->sock, ZMQ_DONTWAIT) < 0) {
				assert_int_equal(zmq_errno(), EAGAIN);
				zmq_msg_close(&m);
				break;
			}
			if (zmq_msg_more(&m)) {
				assert_int_equal(zmq_msg_size(&m), 0);
				assert_true(zmq_msg_recv(&m, dealer->sock, ZMQ_DONTWAIT) >= 0);
			}
			assert_false(zmq_msg_more(&m));
			r = tetrabridge__v1__reply__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
			assert_non_null(r);
			tetrabridge__v1__reply__free_unpacked(r, NULL);
			zmq_msg_close(&m);
			received++;
			progress = true;
		}
		if (!progress)
			osmo_select_main(0);
	}
	osmo_timer_del(&g_guard);

	assert_int_equal(sent, FLOOD_N);
	assert_int_equal(CMD_CTR(f->cs, TB_CMD_CTR_RECEIVED), FLOOD_N);
	assert_int_equal(CMD_CTR(f->cs, TB_CMD_CTR_REPLIES), FLOOD_N);
	assert_int_equal(CMD_CTR(f->cs, TB_CMD_CTR_DROPPED), 0);
	assert_false(tb_zmq_readable(dealer->sock));

	cmd_list_radios(&cmd, &lr, 424242);
	send_cmd(dealer, &cmd);
	expect_radios(dealer, false, 424242);

	talloc_free(buf);
	client_close(dealer);
}

/* More messages pending than one wakeup handles: the rest are still handled
 * although no new message arrives to raise the (edge-triggered) fd again. */
static void test_batches(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__Command cmd;
	Tetrabridge__V1__ListRadios lr;
	struct client *dealer;
	unsigned received = 0;

	start_plain(f, "tcp://127.0.0.1:*");
	dealer = client_new(f, ZMQ_DEALER, false, tb_command_server_endpoint(f->cs));
	for (uint64_t id = 1; id <= BATCH_N; id++) {
		cmd_list_radios(&cmd, &lr, id);
		send_cmd(dealer, &cmd);
	}
	LOOP_UNTIL(CMD_CTR(f->cs, TB_CMD_CTR_RECEIVED) == BATCH_N);
	while (received < BATCH_N) {
		Tetrabridge__V1__Reply *r;

		LOOP_UNTIL(tb_zmq_readable(dealer->sock));
		while ((r = take_reply(dealer, false))) {
			assert_int_equal(r->request_id, ++received);
			tetrabridge__v1__reply__free_unpacked(r, NULL);
		}
	}
	assert_int_equal(CMD_CTR(f->cs, TB_CMD_CTR_REPLIES), BATCH_N);
	assert_int_equal(CMD_CTR(f->cs, TB_CMD_CTR_DROPPED), 0);
	client_close(dealer);
}

/* ---- CURVE -------------------------------------------------------------- */

struct curve_env {
	struct tb_security *sec;
	struct tb_curve_keypair server, observer, dispatcher, unknown;
};

static void write_text(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

static struct client *curve_client(struct fixture *f, int type, const struct curve_env *env,
				   const struct tb_curve_keypair *kp)
{
	void *sock = zmq_socket(f->zctx, type);

	assert_non_null(sock);
	assert_int_equal(zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, env->server.public_key, TB_Z85_KEY_LEN), 0);
	assert_int_equal(zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, kp->public_key, TB_Z85_KEY_LEN), 0);
	assert_int_equal(zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, kp->secret_key, TB_Z85_KEY_LEN), 0);
	assert_int_equal(zmq_connect(sock, tb_command_server_endpoint(f->cs)), 0);
	return client_watch(f, sock, false);
}

static void test_curve_roles(void **state)
{
	struct fixture *f = *state;
	struct curve_env env;
	Tetrabridge__V1__Command cmd;
	Tetrabridge__V1__ListRadios lr;
	Tetrabridge__V1__SendText st;
	Tetrabridge__V1__Identity to;
	struct client *obs, *disp, *intruder;
	char *base, *keyfile, *clients, *text, *errmsg = NULL;
	int err = 1;
	uint64_t commands;

	base = talloc_asprintf(f->ctx, "%s/bridge", f->dir);
	keyfile = talloc_asprintf(f->ctx, "%s/bridge.key", f->dir);
	clients = talloc_asprintf(f->ctx, "%s/clients.keys", f->dir);
	assert_int_equal(tb_curve_keygen(f->ctx, base, &env.server, &errmsg), 0);
	assert_int_equal(zmq_curve_keypair(env.observer.public_key, env.observer.secret_key), 0);
	assert_int_equal(zmq_curve_keypair(env.dispatcher.public_key, env.dispatcher.secret_key), 0);
	assert_int_equal(zmq_curve_keypair(env.unknown.public_key, env.unknown.secret_key), 0);
	text = talloc_asprintf(f->ctx, "observer %s lvs-console\ndispatcher %s amk-1\n", env.observer.public_key,
			       env.dispatcher.public_key);
	write_text(clients, text);
	env.sec = tb_security_start(f->ctx, f->zctx, keyfile, clients, &errmsg);
	assert_non_null(env.sec);

	f->cs = tb_command_server_alloc(f->ctx, f->zctx, "tcp://127.0.0.1:*", env.sec, handler, f, &err, &errmsg);
	assert_non_null(f->cs);
	assert_int_equal(err, 0);

	/* an observer may list radios but not send */
	obs = curve_client(f, ZMQ_DEALER, &env, &env.observer);
	cmd_list_radios(&cmd, &lr, 1);
	send_cmd(obs, &cmd);
	expect_radios(obs, false, 1);
	assert_int_equal(f->role, TB_ROLE_OBSERVER);
	assert_string_equal(f->name, "lvs-console");
	cmd_send_text(&cmd, &st, &to, 2);
	send_cmd(obs, &cmd);
	expect_code(obs, false, 2, TETRABRIDGE__V1__REPLY__CODE__NOT_ALLOWED,
		    "your key's role observer may not send_text; ask the bridge's admin for a dispatcher key");
	assert_int_equal(f->handled, 1);
	assert_int_equal(CMD_CTR(f->cs, CODE_CTR(NOT_ALLOWED)), 1);

	/* a dispatcher may (REQ this time) */
	disp = curve_client(f, ZMQ_REQ, &env, &env.dispatcher);
	cmd_send_text(&cmd, &st, &to, 3);
	send_cmd(disp, &cmd);
	expect_queued(disp, false, 3);
	assert_int_equal(f->role, TB_ROLE_DISPATCHER);
	assert_string_equal(f->name, "amk-1");
	assert_int_equal(f->handled, 2);

	/* an unknown key: refused by the ZAP handler, so the command never
	 * arrives and no reply comes */
	commands = CMD_CTR(f->cs, TB_CMD_CTR_RECEIVED);
	intruder = curve_client(f, ZMQ_DEALER, &env, &env.unknown);
	cmd_list_radios(&cmd, &lr, 4);
	send_cmd(intruder, &cmd);
	LOOP_UNTIL(tb_security_refused(env.sec) >= 1);
	assert_false(tb_zmq_readable(intruder->sock));
	assert_int_equal(CMD_CTR(f->cs, TB_CMD_CTR_RECEIVED), commands);
	assert_int_equal(tb_security_admitted(env.sec), 2);
	client_close(intruder);

	/* the others are not disturbed */
	cmd_list_radios(&cmd, &lr, 5);
	send_cmd(obs, &cmd);
	expect_radios(obs, false, 5);

	client_close(obs);
	client_close(disp);
	tb_command_server_destroy(&f->cs);
	tb_security_destroy(&env.sec);
	talloc_free(base);
	talloc_free(keyfile);
	talloc_free(clients);
	talloc_free(text);
}

/* Command.on_behalf_of: only a gateway key may send it; the person's role
 * is capped by the key's, the handler sees "<person>@<key name>"; a person
 * whose role may not is refused before the handler; a bad actor is
 * INVALID_ARGUMENT. */
static void test_curve_gateway(void **state)
{
	struct fixture *f = *state;
	struct tb_curve_keypair server, web, amk;
	Tetrabridge__V1__Command cmd;
	Tetrabridge__V1__ListRadios lr;
	Tetrabridge__V1__SendText st;
	Tetrabridge__V1__Identity to;
	Tetrabridge__V1__Actor actor;
	struct curve_env env;
	struct client *gw, *plain;
	char *base, *keyfile, *clients, *text, *errmsg = NULL;
	int err = 1;

	base = talloc_asprintf(f->ctx, "%s/bridge", f->dir);
	keyfile = talloc_asprintf(f->ctx, "%s/bridge.key", f->dir);
	clients = talloc_asprintf(f->ctx, "%s/clients.keys", f->dir);
	assert_int_equal(tb_curve_keygen(f->ctx, base, &server, &errmsg), 0);
	assert_int_equal(zmq_curve_keypair(web.public_key, web.secret_key), 0);
	assert_int_equal(zmq_curve_keypair(amk.public_key, amk.secret_key), 0);
	text = talloc_asprintf(f->ctx, "dispatcher %s tetra-web gateway\ndispatcher %s amk-1\n", web.public_key,
			       amk.public_key);
	write_text(clients, text);
	env.server = server;
	env.sec = tb_security_start(f->ctx, f->zctx, keyfile, clients, &errmsg);
	assert_non_null(env.sec);
	f->cs = tb_command_server_alloc(f->ctx, f->zctx, "tcp://127.0.0.1:*", env.sec, handler, f, &err, &errmsg);
	assert_non_null(f->cs);
	gw = curve_client(f, ZMQ_DEALER, &env, &web);
	plain = curve_client(f, ZMQ_DEALER, &env, &amk);
	tetrabridge__v1__actor__init(&actor);

	/* the gateway itself, without a person: its own role and name */
	cmd_list_radios(&cmd, &lr, 1);
	send_cmd(gw, &cmd);
	expect_radios(gw, false, 1);
	assert_int_equal(f->role, TB_ROLE_DISPATCHER);
	assert_string_equal(f->name, "tetra-web");

	/* for kari, a dispatcher: run as her */
	cmd_send_text(&cmd, &st, &to, 2);
	actor.name = "kari";
	actor.role = TETRABRIDGE__V1__ROLE__ROLE_DISPATCHER;
	cmd.on_behalf_of = &actor;
	send_cmd(gw, &cmd);
	expect_queued(gw, false, 2);
	assert_int_equal(f->role, TB_ROLE_DISPATCHER);
	assert_string_equal(f->name, "kari@tetra-web");
	assert_int_equal(f->handled, 2);

	/* an admin at the gateway is no more than the key: dispatcher */
	cmd_list_radios(&cmd, &lr, 3);
	actor.name = "ola.n_2";
	actor.role = TETRABRIDGE__V1__ROLE__ROLE_ADMIN;
	cmd.on_behalf_of = &actor;
	send_cmd(gw, &cmd);
	expect_radios(gw, false, 3);
	assert_int_equal(f->role, TB_ROLE_DISPATCHER);
	assert_string_equal(f->name, "ola.n_2@tetra-web");

	/* an observer may list but not send: refused, the handler not run */
	cmd_send_text(&cmd, &st, &to, 4);
	actor.name = "per";
	actor.role = TETRABRIDGE__V1__ROLE__ROLE_OBSERVER;
	cmd.on_behalf_of = &actor;
	send_cmd(gw, &cmd);
	expect_code(gw, false, 4, TETRABRIDGE__V1__REPLY__CODE__NOT_ALLOWED,
		    "per@tetra-web acts as observer here (the lower of the gateway key's role and theirs), which "
		    "may not send_text; that needs a dispatcher");
	assert_int_equal(f->handled, 3);

	/* actors that are not valid */
	static const struct {
		const char *name;
		Tetrabridge__V1__Role role;
		const char *error;
	} bad[] = {
		{ "", TETRABRIDGE__V1__ROLE__ROLE_DISPATCHER, "on_behalf_of.name must be 1 to 63 letters, digits, "
		  "- _ or . (the person's user name at the gateway)" },
		{ "kari@x", TETRABRIDGE__V1__ROLE__ROLE_DISPATCHER, NULL },
		{ "kari nordmann", TETRABRIDGE__V1__ROLE__ROLE_DISPATCHER, NULL },
		{ "k\xc3\xa5ri", TETRABRIDGE__V1__ROLE__ROLE_DISPATCHER, NULL },
		{ "a234567890123456789012345678901234567890123456789012345678901234",
		  TETRABRIDGE__V1__ROLE__ROLE_DISPATCHER, NULL },
		{ "kari", TETRABRIDGE__V1__ROLE__ROLE_NONE, "on_behalf_of.role must be ROLE_OBSERVER, "
		  "ROLE_DISPATCHER or ROLE_ADMIN" },
		{ "kari", (Tetrabridge__V1__Role)4, NULL },
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cmd_list_radios(&cmd, &lr, 10 + i);
		actor.name = (char *)bad[i].name;
		actor.role = bad[i].role;
		cmd.on_behalf_of = &actor;
		send_cmd(gw, &cmd);
		expect_code(gw, false, 10 + i, TETRABRIDGE__V1__REPLY__CODE__INVALID_ARGUMENT, bad[i].error);
	}
	assert_int_equal(f->handled, 3);

	/* a key not marked gateway may not act for anyone, even for less */
	cmd_list_radios(&cmd, &lr, 20);
	actor.name = "kari";
	actor.role = TETRABRIDGE__V1__ROLE__ROLE_OBSERVER;
	cmd.on_behalf_of = &actor;
	send_cmd(plain, &cmd);
	expect_code(plain, false, 20, TETRABRIDGE__V1__REPLY__CODE__NOT_ALLOWED,
		    "your key 'amk-1' may not act on behalf of a person; only a key marked 'gateway' in the "
		    "bridge's clients file may (leave on_behalf_of out)");
	assert_int_equal(f->handled, 3);

	client_close(gw);
	client_close(plain);
	tb_command_server_destroy(&f->cs);
	tb_security_destroy(&env.sec);

	/* without CURVE every client is an admin and may act for a person:
	 * "<person>@local" */
	start_plain(f, "tcp://127.0.0.1:*");
	plain = client_new(f, ZMQ_DEALER, false, tb_command_server_endpoint(f->cs));
	cmd_list_radios(&cmd, &lr, 30);
	actor.name = "kari";
	actor.role = TETRABRIDGE__V1__ROLE__ROLE_OBSERVER;
	cmd.on_behalf_of = &actor;
	send_cmd(plain, &cmd);
	expect_radios(plain, false, 30);
	assert_int_equal(f->role, TB_ROLE_OBSERVER);
	assert_string_equal(f->name, "kari@local");
	cmd_send_text(&cmd, &st, &to, 31);
	cmd.on_behalf_of = &actor;
	send_cmd(plain, &cmd);
	expect_code(plain, false, 31, TETRABRIDGE__V1__REPLY__CODE__NOT_ALLOWED, NULL);
	client_close(plain);

	talloc_free(base);
	talloc_free(keyfile);
	talloc_free(clients);
	talloc_free(text);
}

/* Where "exactly one Reply" ends for size: a message of exactly
 * TB_COMMAND_MAX_MESSAGE bytes gets TOO_LARGE; one byte more and libzmq
 * drops the connection on reading the size: no reply, nothing counted. The
 * client's socket connects again by itself and is served. */
static void test_too_large(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__Command cmd;
	Tetrabridge__V1__ListRadios lr;
	char *ep = talloc_asprintf(f->ctx, "ipc://%s/commands", f->dir);
	struct client *dealer, *mon;
	void *mon_sock;
	uint8_t *big = talloc_zero_size(f->ctx, TB_COMMAND_MAX_MESSAGE + 1);
	zmq_msg_t ev;

	start_plain(f, ep);
	dealer = client_new(f, ZMQ_DEALER, false, ep);
	assert_int_equal(zmq_socket_monitor(dealer->sock, "inproc://dealer-monitor", ZMQ_EVENT_DISCONNECTED), 0);
	mon_sock = zmq_socket(f->zctx, ZMQ_PAIR);
	assert_non_null(mon_sock);
	assert_int_equal(zmq_connect(mon_sock, "inproc://dealer-monitor"), 0);
	mon = client_watch(f, mon_sock, false);

	/* connected and served */
	cmd_list_radios(&cmd, &lr, 1);
	send_cmd(dealer, &cmd);
	expect_radios(dealer, false, 1);

	send_raw(dealer, big, TB_COMMAND_MAX_MESSAGE);
	{
		Tetrabridge__V1__Reply *r = expect_reply(dealer, false, 0, TETRABRIDGE__V1__REPLY__CODE__TOO_LARGE);
		char *want = talloc_asprintf(f->ctx, "the command is %u bytes; at most %u are accepted",
					     (unsigned)TB_COMMAND_MAX_MESSAGE, (unsigned)TB_COMMAND_MAX_BYTES);
		assert_non_null(strstr(r->error, want));
		talloc_free(want);
		tetrabridge__v1__reply__free_unpacked(r, NULL);
	}
	assert_int_equal(CMD_CTR(f->cs, TB_CMD_CTR_RECEIVED), 2);

	send_raw(dealer, big, TB_COMMAND_MAX_MESSAGE + 1);
	LOOP_UNTIL(tb_zmq_readable(mon_sock));		/* the bridge hung up */
	zmq_msg_init(&ev);
	assert_true(zmq_msg_recv(&ev, mon_sock, 0) >= 6);
	assert_int_equal(*(uint16_t *)zmq_msg_data(&ev), ZMQ_EVENT_DISCONNECTED);
	zmq_msg_close(&ev);
	zmq_msg_init(&ev);
	assert_true(zmq_msg_recv(&ev, mon_sock, 0) >= 0);	/* the endpoint */
	zmq_msg_close(&ev);
	assert_false(tb_zmq_readable(dealer->sock));
	assert_int_equal(CMD_CTR(f->cs, TB_CMD_CTR_RECEIVED), 2);	/* never arrived */

	/* the same socket connects again and is served */
	cmd_list_radios(&cmd, &lr, 3);
	send_cmd(dealer, &cmd);
	expect_radios(dealer, false, 3);
	assert_int_equal(CMD_CTR(f->cs, TB_CMD_CTR_RECEIVED), 3);
	assert_int_equal(CMD_CTR(f->cs, TB_CMD_CTR_REPLIES), 3);

	client_close(mon);
	assert_int_equal(zmq_socket_monitor(dealer->sock, NULL, 0), 0);
	client_close(dealer);
	talloc_free(big);
	talloc_free(ep);
}

/* ---- bounds --------------------------------------------------------------- */

#define BIG_REPLY	(200 * 1024)
#define LAZY_N		60
#define LAZY_CLIENTS	32
#define LAZY_EACH	8
#define SMALL_N		20000

/* BUSY replies that blamed all clients' replies together. */
static unsigned g_busy_total;

/* Take every reply a lazy client has coming, in order of request id from
 * first_id: returns how many were OK (a replay batch) and BUSY; anything
 * else fails. BUSY replies must hold busy_text. */
static void take_replies(struct client *c, uint64_t first_id, unsigned n, const char *busy_text,
			 unsigned *ok, unsigned *busy)
{
	*ok = *busy = 0;
	for (unsigned i = 0; i < n; i++) {
		Tetrabridge__V1__Reply *r;

		LOOP_UNTIL(tb_zmq_readable(c->sock));
		r = take_reply(c, false);
		assert_non_null(r);
		assert_int_equal(r->request_id, first_id + i);
		if (r->code == TETRABRIDGE__V1__REPLY__CODE__OK) {
			assert_int_equal(r->result_case, TETRABRIDGE__V1__REPLY__RESULT_REPLAY);
			assert_int_equal(r->replay->n_events, 1);
			assert_int_equal(strlen(r->replay->events[0]->radio), BIG_REPLY);
			(*ok)++;
		} else {
			assert_int_equal(r->code, TETRABRIDGE__V1__REPLY__CODE__BUSY);
			if (!strstr(r->error, "the command was not run"))
				fail_msg("BUSY without saying the command was not run: %s", r->error);
			if (busy_text && !strstr(r->error, busy_text))
				fail_msg("BUSY reply '%s' without '%s'", r->error, busy_text);
			if (strstr(r->error, "the bridge holds"))
				g_busy_total++;
			(*busy)++;
		}
		tetrabridge__v1__reply__free_unpacked(r, NULL);
	}
}

/* A client that asks and never reads: what is queued for it stays within
 * TB_COMMAND_CLIENT_QUEUE bytes; commands whose reply might not fit are
 * answered BUSY and not run; another client is served meanwhile; the
 * memory is free again when the lazy client goes. */
static void test_unread_replies(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__Command cmd;
	Tetrabridge__V1__Replay rp;
	Tetrabridge__V1__ListRadios lr;
	char *ep = talloc_asprintf(f->ctx, "ipc://%s/commands", f->dir);
	const struct rate_ctr_group *st;
	struct client *lazy, *req;
	unsigned ok, busy, replays;

	f->replay_bytes = BIG_REPLY;
	start_plain(f, ep);
	st = tb_command_server_ctrs(f->cs);
	lazy = lazy_client(f, ep);
	req = client_new(f, ZMQ_REQ, false, ep);

	for (uint64_t id = 1; id <= LAZY_N; id++) {
		cmd_replay(&cmd, &rp, id);
		send_cmd(lazy, &cmd);
	}
	LOOP_UNTIL(tb_ctr_get(st, TB_CMD_CTR_RECEIVED) == LAZY_N);
	/* Four replies fit the client's queue while the next may be as large
	 * as TB_COMMAND_MAX_REPLY; a few more leave it for the kernel's
	 * socket buffer and the client's own queue. Before the bound every
	 * one of the 60 was run and queued. */
	replays = f->handled;
	assert_true(replays >= 4);
	assert_true(replays <= 12);
	assert_int_equal(tb_ctr_get(st, CODE_CTR(BUSY)), LAZY_N - replays);
	assert_int_equal(tb_ctr_get(st, TB_CMD_CTR_REPLIES), LAZY_N);
	assert_int_equal(tb_ctr_get(st, TB_CMD_CTR_DROPPED), 0);
	assert_true(QUEUED_PEAK(f->cs) <= TB_COMMAND_CLIENT_QUEUE);
	assert_true(tb_command_server_queued(f->cs) <= TB_COMMAND_CLIENT_QUEUE);

	/* another client is served meanwhile */
	cmd_list_radios(&cmd, &lr, 1000);
	send_cmd(req, &cmd);
	expect_radios(req, false, 1000);

	/* the lazy client finds every reply, in order */
	take_replies(lazy, 1, LAZY_N, "KiB of replies to you are not read yet", &ok, &busy);
	assert_int_equal(ok, replays);
	assert_int_equal(busy, tb_ctr_get(st, CODE_CTR(BUSY)));

	/* having read them, it is served again */
	cmd_replay(&cmd, &rp, LAZY_N + 1);
	send_cmd(lazy, &cmd);
	take_replies(lazy, LAZY_N + 1, 1, NULL, &ok, &busy);
	assert_int_equal(ok, 1);

	client_close(lazy);
	client_close(req);
	LOOP_UNTIL_TICKING(tb_command_server_queued(f->cs) == 0);
	talloc_free(ep);
}

/* Many lazy clients: all their queues together stay within
 * TB_COMMAND_QUEUE; the commands beyond get BUSY saying so. */
static void test_unread_replies_total(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__Command cmd;
	Tetrabridge__V1__Replay rp;
	char *ep = talloc_asprintf(f->ctx, "ipc://%s/commands", f->dir);
	const struct rate_ctr_group *st;
	struct client *lazy[LAZY_CLIENTS];
	unsigned ok_all = 0, busy_all = 0;

	f->replay_bytes = BIG_REPLY;
	g_busy_total = 0;
	start_plain(f, ep);
	st = tb_command_server_ctrs(f->cs);
	for (unsigned c = 0; c < LAZY_CLIENTS; c++) {
		lazy[c] = lazy_client(f, ep);
		for (uint64_t id = 1; id <= LAZY_EACH; id++) {
			cmd_replay(&cmd, &rp, id);
			send_cmd(lazy[c], &cmd);
		}
	}
	LOOP_UNTIL(tb_ctr_get(st, TB_CMD_CTR_RECEIVED) == LAZY_CLIENTS * LAZY_EACH);
	/* 32 clients x 4 queued replies of 200 KiB would be 25 MiB */
	assert_true(QUEUED_PEAK(f->cs) <= TB_COMMAND_QUEUE);
	assert_true(QUEUED_PEAK(f->cs) > TB_COMMAND_QUEUE - TB_COMMAND_MAX_REPLY - 1024);
	assert_int_equal(tb_ctr_get(st, TB_CMD_CTR_REPLIES), LAZY_CLIENTS * LAZY_EACH);
	assert_int_equal(tb_ctr_get(st, TB_CMD_CTR_DROPPED), 0);

	for (unsigned c = 0; c < LAZY_CLIENTS; c++) {
		unsigned ok, busy;

		take_replies(lazy[c], 1, LAZY_EACH, NULL, &ok, &busy);
		ok_all += ok;
		busy_all += busy;
	}
	assert_int_equal(ok_all, f->handled);
	assert_int_equal(busy_all, tb_ctr_get(st, CODE_CTR(BUSY)));
	assert_true(g_busy_total > 0);	/* refused for the total, not only per client */

	for (unsigned c = 0; c < LAZY_CLIENTS; c++)
		client_close(lazy[c]);
	LOOP_UNTIL_TICKING(tb_command_server_queued(f->cs) == 0);
	talloc_free(ep);
}

/* A client that sends more small commands than TB_COMMAND_CLIENT_REPLIES
 * without reading: the replies that libzmq does not take are dropped and
 * counted, and their commands are not run; every reply queued arrives. */
static void test_unread_replies_count(void **state)
{
	struct fixture *f = *state;
	Tetrabridge__V1__Command cmd;
	Tetrabridge__V1__ListRadios lr;
	char *ep = talloc_asprintf(f->ctx, "ipc://%s/commands", f->dir);
	const struct rate_ctr_group *st;
	struct client *lazy;
	uint8_t buf[64];
	size_t len;
	unsigned sent = 0, i = 0;
	uint64_t last = 0;

	start_plain(f, ep);
	st = tb_command_server_ctrs(f->cs);
	lazy = lazy_client(f, ep);
	guard_start();
	while (sent < SMALL_N) {
		if (g_timed_out || ++i > LOOP_MAX)
			fail_msg("only %u sent", sent);
		cmd_list_radios(&cmd, &lr, sent + 1);
		len = tetrabridge__v1__command__pack(&cmd, buf);
		if (zmq_send(lazy->sock, buf, len, ZMQ_DONTWAIT) == (int)len)
			sent++;
		else
			osmo_select_main(0);	/* its queue is full: let the server read */
	}
	osmo_timer_del(&g_guard);
	LOOP_UNTIL(tb_ctr_get(st, TB_CMD_CTR_RECEIVED) == SMALL_N);

	assert_true(tb_ctr_get(st, TB_CMD_CTR_DROPPED) > 0);
	assert_int_equal(tb_ctr_get(st, TB_CMD_CTR_RECEIVED),
			 tb_ctr_get(st, TB_CMD_CTR_REPLIES) + tb_ctr_get(st, TB_CMD_CTR_DROPPED));
	assert_int_equal(f->handled, tb_ctr_get(st, TB_CMD_CTR_REPLIES));	/* a dropped one was not run */
	assert_int_equal(tb_ctr_get(st, CODE_CTR(BUSY)), 0);

	/* every reply queued arrives, in order */
	for (uint64_t n = 0; n < tb_ctr_get(st, TB_CMD_CTR_REPLIES); n++) {
		Tetrabridge__V1__Reply *r;

		LOOP_UNTIL(tb_zmq_readable(lazy->sock));
		r = take_reply(lazy, false);
		assert_true(r->request_id > last);
		last = r->request_id;
		assert_int_equal(r->code, TETRABRIDGE__V1__REPLY__CODE__OK);
		tetrabridge__v1__reply__free_unpacked(r, NULL);
	}
	client_close(lazy);
	LOOP_UNTIL_TICKING(tb_command_server_queued(f->cs) == 0);
	talloc_free(ep);
}

static void test_bind_errors(void **state)
{
	struct fixture *f = *state;
	struct tb_command_server *second;
	char *errmsg = NULL, *expect;
	int err = 0;

	start_plain(f, "tcp://127.0.0.1:*");
	second = tb_command_server_alloc(f->ctx, f->zctx, tb_command_server_endpoint(f->cs), NULL, handler, f,
					 &err, &errmsg);
	assert_null(second);
	assert_int_equal(err, -EADDRINUSE);
	expect = talloc_asprintf(f->ctx, "cannot bind commands socket %s: Address already in use",
				 tb_command_server_endpoint(f->cs));
	assert_string_equal(errmsg, expect);
	talloc_free(expect);
	talloc_free(errmsg);

	errmsg = NULL;
	assert_null(tb_command_server_alloc(f->ctx, f->zctx, "bogus://here", NULL, handler, f, &err, &errmsg));
	assert_int_equal(err, -EPROTONOSUPPORT);
	assert_true(!strncmp(errmsg, "cannot bind commands socket bogus://here: ", 42));
	talloc_free(errmsg);
	errmsg = NULL;
	assert_null(tb_command_server_alloc(f->ctx, f->zctx, "", NULL, handler, f, &err, &errmsg));
	assert_int_equal(err, -EINVAL);
	talloc_free(errmsg);

	assert_null(tb_command_server_endpoint(NULL));
	assert_null(tb_command_server_ctrs(NULL));
	tb_command_server_destroy(&f->cs);
	assert_null(f->cs);
	tb_command_server_destroy(&f->cs);	/* harmless */
	tb_command_server_destroy(NULL);
}

int main(void)
{
	void *log_ctx = talloc_named_const(NULL, 0, "log");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_and_roles),
		cmocka_unit_test_setup_teardown(test_clients, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flood, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unread_replies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unread_replies_total, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unread_replies_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_curve_roles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_curve_gateway, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_errors, setup, teardown),
	};
	int rc;

	tb_logging_init(log_ctx);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	talloc_free(log_ctx);
	return rc;
}
