/* Memory benchmark: the resident memory of the real tetra-bridged while
 * clients misbehave, whether it gives memory back when they go, and whether
 * the clients that behave are served meanwhile.
 *
 * The terminals live in this process, as in bench_dispatch.c: per radio a
 * pty pair whose master side is a tb_sim_terminal in this process's
 * osmo_select loop; the daemon is a child (`transport tty /dev/pts/N`,
 * journal on, events and commands on ipc:// in a temporary folder, its VTY
 * on a free loopback port), started with PR_SET_PDEATHSIG.
 *
 * Load: every radio prints one SDS-TL text (PID 0x82, ISO 8859-1,
 * --text characters, "r<radio> k<n> " and then a Norwegian sentence
 * repeated) every 1/--rate seconds, the radios' phases spread evenly over
 * the interval: --radios x --rate events/s (default 20 x 100 = 2 000/s of
 * about 300-byte events).
 *
 * Phases (every phase with the load on):
 *   warm    --warm seconds: only the clients that behave;
 *   abuse   --seconds: also --abusers DEALERs that ask Replay (from seq 1,
 *           1000 events) every --abuse-ms and never read a reply, and
 *           --stalled SUBs (every topic) that never read an event;
 *   settle  --settle seconds after those sockets are closed (they
 *           disconnect): does the memory come back?
 * then the load stops, the last events are awaited (5 s at most), the
 * daemon's `show bridge` is read over its VTY and it gets SIGTERM. Between
 * abuse and settle, once the daemon has received every Replay asked (its
 * VTY says so), the first abuser reads its replies up to the first BUSY.
 *
 * The misbehaving clients are in one ZeroMQ context of this process; each
 * keeps at most a few messages on its own side (ZMQ_RCVHWM 1, ZMQ_RCVBUF
 * 4 KiB) so that what piles up is the daemon's. A client that behaves is a
 * SUB in a thread of its own, reading everything (latency: from just
 * before the hex line that completes a text is written to the pty, to the
 * moment zmq_recv() returns its topic; lost: not received by the end; gaps:
 * jumps in seq) and a DEALER in another thread asking, every 100 ms,
 * alternately ListRadios and a Replay of the last 100 events, waiting up
 * to 5 s for each reply (latency: send to reply; "busy": a BUSY reply).
 *
 * Memory: VmRSS of the daemon from /proc/PID/status every 100 ms, and
 * VmHWM at the end. If VmRSS passes --rss-abort MB the abuse phase ends
 * there (the run is then a FAIL; it protects a shared machine).
 *
 * Goals (PASS/FAIL): VmRSS below --rss-max MB (64) in every sample; below
 * --rss-after MB (32) within --settle seconds (10) after the misbehaving
 * clients disconnect; the subscriber that behaves loses nothing, sees no
 * gap and gets its events with p99 < 50 ms in every phase; the command
 * client that behaves gets every reply, OK, with p99 < 250 ms.
 *
 *   bench_memory [--radios N] [--rate N] [--text N] [--warm S] [--seconds S]
 *                [--settle S] [--abusers N] [--stalled N] [--abuse-ms N]
 *                [--rss-max MB] [--rss-after MB] [--rss-abort MB]
 *                [--daemon PATH] [--daemon-log LEVEL] [--samples FILE] [--smoke]
 *
 * --smoke (ctest bench_memory_smoke): 2 radios x 20 texts/s, 2 abusers, 10
 * stalled subscribers, 2 s of abuse; checks only what does not depend on
 * timing: every event reaches the subscriber that behaves, without a gap
 * in seq; every command of the client that behaves is answered OK; the
 * daemon accounts for every command (received = replies + dropped, from
 * its VTY); an abuser that reads at last finds BUSY after a few replays
 * (its queue's bound); the daemon exits 0. No memory figure is checked
 * there (the test build runs under ASan).
 *
 * Build it in the release configuration and run it with `make
 * bench-memory`; see bench/README.md.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>

#include "ipc/tetra_bridge.pb-c.h"
#include "tests/lib/loop.h"
#include "bench_daemon.h"
#include "bench_pty.h"
#include "bench_sub.h"
#include "bench_util.h"


#define MAX_RADIOS 64
#define MAX_ABUSERS 64
#define MAX_STALLED 2000
#define TEXT_MAX 240		/* one SDS type 4: (4 + n) * 8 <= 2047 bits */
#define SYNC_MS 30000		/* daemon start-up and link init, generous for ASan */
#define DRAIN_MS 5000		/* after the last send: what has not arrived is lost */
#define PROBE_MS 100		/* probe period while syncing */
#define SAMPLE_MS 100		/* VmRSS sampling period */
#define CMD_PERIOD_MS 100	/* the command client that behaves asks this often */
#define CMD_TIMEOUT_MS 5000	/* ... and waits this long for each reply */
#define CMD_REPLAY_N 100	/* its replays: the last this many events */
#define ABUSE_REPLAY_N 1000	/* the abusers' replays: the most a Replay may ask */
#define PROBE_VALUE 0xFFFF	/* sync probes: a status, not measured */
#define GOAL_EVENT_P99_US 50000
#define GOAL_CMD_P99_US 250000

#define TEXT_HDR_FMT "+CTSDSR: 12," BENCH_PTY_TSI_FMT ",1,09011638300000001,1,%u"

/* A realistic Norwegian ISO 8859-1 message, repeated to --text characters. */
static const char filler[] =
	"Pasient 84 \xe5r, falt i hjemmet p\xe5 F\xf8rde. Mistanke om hoftebrudd. "
	"Ambulanse p\xe5 vei, ETA 15 min. Ring legevakta 116117 ved endring. ";

enum phase { PH_WARM, PH_ABUSE, PH_SETTLE, PH_N };
static const char *const phase_name[PH_N] = { "warm", "abuse", "settle" };

static struct {
	unsigned radios, rate, text_len, warm_s, seconds, settle_s;
	unsigned abusers, stalled, abuse_ms;
	unsigned rss_max_mb, rss_after_mb, rss_abort_mb;
	bool smoke;
	const char *daemon, *log_level, *samples;
} g_opt = {
	.radios = 20, .rate = 100, .text_len = 200, .warm_s = 3, .seconds = 30, .settle_s = 10,
	.abusers = 8, .stalled = 200, .abuse_ms = 5,
	.rss_max_mb = 64, .rss_after_mb = 32, .rss_abort_mb = 4096,
	.daemon = TB_DAEMON_PATH, .log_level = "notice",
};

static void *g_root;
static char g_dir[32];		/* /tmp/tbmem.XXXXXX */

/* p50, p99 and max of v[0..n) (sorted in place); zeros when n is 0. */
static void percentiles(int64_t *v, size_t n, int64_t *p50, int64_t *p99, int64_t *max)
{
	*p50 = *p99 = *max = 0;
	if (!n)
		return;
	bench_sort_i64(v, n);
	*p50 = bench_percentile(v, n, 0.5);
	*p99 = bench_percentile(v, n, 0.99);
	*max = v[n - 1];
}

/* ---- phases ------------------------------------------------------------------ */

/* When each phase began (CLOCK_MONOTONIC µs); written by the main thread
 * before the phase's first send, read by the client threads. */
static _Atomic int64_t g_phase_start[PH_N + 1];
static _Atomic int g_phase = PH_WARM;

static enum phase phase_at(int64_t t)
{
	for (int p = PH_N - 1; p > 0; p--) {
		int64_t s = atomic_load(&g_phase_start[p]);
		if (s && t >= s)
			return (enum phase)p;
	}
	return PH_WARM;
}

/* ---- the subscriber that behaves ---------------------------------------------- */

struct sub {
	struct bench_sub sub;		/* the thread: it owns the fields below, but for the atomics */
	unsigned n, cap;		/* radios; texts per radio at most */
	int64_t *recv_us;		/* [radio * cap + k]; 0: not received */
	uint64_t dups, unknown;
	uint64_t last_seq;		/* 0: none yet */
	uint64_t gaps[PH_N];		/* events missing between consecutive seq, by phase */
	_Atomic bool heard[MAX_RADIOS];	/* a probe (or text) arrived from this radio */
	atomic_uint_fast64_t received;	/* texts */
	_Atomic uint64_t seq_seen;	/* the newest seq, for the command client's replays */
};

static void sub_text(struct sub *s, const char *text, int64_t t)
{
	unsigned r, k;

	if (!text || sscanf(text, "r%u k%u ", &r, &k) != 2 || r >= s->n || k >= s->cap) {
		s->unknown++;
		return;
	}
	atomic_store(&s->heard[r], true);
	if (s->recv_us[(size_t)r * s->cap + k]) {
		s->dups++;
		return;
	}
	s->recv_us[(size_t)r * s->cap + k] = t;
	atomic_fetch_add(&s->received, 1);
}

/* One message, in the subscriber's thread (bench_sub.h). */
static void sub_msg(void *data, const char *topic, size_t tl, const uint8_t *body, size_t bl, int64_t t)
{
	struct sub *s = data;
	Tetrabridge__V1__Event *ev;

	if (!body || !(ev = tetrabridge__v1__event__unpack(NULL, bl, body))) {
		s->unknown++;
		return;
	}
	if (s->last_seq && ev->seq > s->last_seq + 1)
		s->gaps[phase_at(t)] += ev->seq - s->last_seq - 1;
	if (ev->seq > s->last_seq)
		s->last_seq = ev->seq;
	atomic_store(&s->seq_seen, s->last_seq);
	if (ev->body_case == TETRABRIDGE__V1__EVENT__BODY_TEXT) {
		sub_text(s, ev->text->text, t);
	} else if (ev->body_case == TETRABRIDGE__V1__EVENT__BODY_STATUS && ev->status->value == PROBE_VALUE) {
		unsigned r;
		if (sscanf(ev->radio, "r%u", &r) == 1 && r < s->n)
			atomic_store(&s->heard[r], true);
	}
	tetrabridge__v1__event__free_unpacked(ev, NULL);
}

/* The one subscriber that behaves (the command client reads its seq). */
static struct sub g_sub;

/* It reads everything, every topic. */
static int sub_start(struct sub *s, const char *endpoint, unsigned n, unsigned cap)
{
	int rc;

	memset(s, 0, sizeof(*s));
	s->n = n;
	s->cap = cap;
	s->recv_us = calloc((size_t)n * cap, sizeof(*s->recv_us));
	if (!s->recv_us)
		abort();
	rc = bench_sub_start(&s->sub, endpoint, "", 65536, sub_msg, s);
	if (rc < 0)
		fprintf(stderr, "cannot subscribe to %s: %s\n", endpoint, zmq_strerror(-rc));
	return rc;
}

/* ---- the command client that behaves ------------------------------------------ */

struct cmd_phase {
	unsigned sent, answered, ok, busy, other, timeouts;
	int64_t *lat;			/* answered: send -> reply, µs */
};

struct cmdc {
	void *zctx, *sock;
	pthread_t th;
	bool started;
	_Atomic bool stop;
	unsigned cap;			/* latencies kept per phase */
	struct cmd_phase ph[PH_N];
	char last_error[200];		/* the last reply that was not OK */
};

static int cmd_send(void *sock, uint64_t id, bool replay, uint64_t seq_seen)
{
	Tetrabridge__V1__Command cmd = TETRABRIDGE__V1__COMMAND__INIT;
	Tetrabridge__V1__ListRadios lr = TETRABRIDGE__V1__LIST_RADIOS__INIT;
	Tetrabridge__V1__Replay rp = TETRABRIDGE__V1__REPLAY__INIT;
	uint8_t buf[256];
	size_t len;

	cmd.request_id = id;
	if (replay) {
		rp.from_seq = seq_seen > CMD_REPLAY_N ? seq_seen - CMD_REPLAY_N + 1 : 1;
		rp.max_events = CMD_REPLAY_N;
		cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_REPLAY;
		cmd.replay = &rp;
	} else {
		cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_LIST_RADIOS;
		cmd.list_radios = &lr;
	}
	len = tetrabridge__v1__command__pack(&cmd, buf);
	return zmq_send(sock, buf, len, 0) == (int)len ? 0 : -1;
}

static void *cmdc_main(void *arg)
{
	struct cmdc *c = arg;
	struct timespec next;
	uint64_t id = 0;

	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!atomic_load(&c->stop)) {
		int64_t t0 = tb_now_us(), deadline = t0 + CMD_TIMEOUT_MS * 1000LL;
		struct cmd_phase *ph = &c->ph[phase_at(t0)];
		bool got = false;

		id++;
		if (cmd_send(c->sock, id, id % 2 == 0, atomic_load(&g_sub.seq_seen)) < 0)
			break;
		ph->sent++;
		/* Replies to earlier requests that timed out are skipped. */
		while (!got && tb_now_us() < deadline) {
			zmq_pollitem_t it = { .socket = c->sock, .events = ZMQ_POLLIN };
			zmq_msg_t m;
			Tetrabridge__V1__Reply *r;

			if (zmq_poll(&it, 1, (long)((deadline - tb_now_us()) / 1000) + 1) <= 0)
				continue;
			zmq_msg_init(&m);
			if (zmq_msg_recv(&m, c->sock, 0) < 0) {
				zmq_msg_close(&m);
				break;
			}
			r = tetrabridge__v1__reply__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
			zmq_msg_close(&m);
			if (!r || r->request_id != id) {
				if (r)
					tetrabridge__v1__reply__free_unpacked(r, NULL);
				continue;
			}
			got = true;
			if (ph->answered < c->cap)
				ph->lat[ph->answered] = tb_now_us() - t0;
			ph->answered++;
			if (r->code == TETRABRIDGE__V1__REPLY__CODE__OK) {
				ph->ok++;
			} else {
				if (r->code == TETRABRIDGE__V1__REPLY__CODE__BUSY)
					ph->busy++;
				else
					ph->other++;
				snprintf(c->last_error, sizeof(c->last_error), "code %d: %s", r->code,
					 r->error ? r->error : "");
			}
			tetrabridge__v1__reply__free_unpacked(r, NULL);
		}
		if (!got)
			ph->timeouts++;
		next.tv_nsec += CMD_PERIOD_MS * 1000000L;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR) {
		}
	}
	zmq_close(c->sock);
	c->sock = NULL;
	return NULL;
}

static int cmdc_start(struct cmdc *c, const char *endpoint, unsigned cap)
{
	int zero = 0;

	memset(c, 0, sizeof(*c));
	c->cap = cap;
	for (int p = 0; p < PH_N; p++) {
		c->ph[p].lat = calloc(cap, sizeof(int64_t));
		if (!c->ph[p].lat)
			abort();
	}
	c->zctx = zmq_ctx_new();
	c->sock = zmq_socket(c->zctx, ZMQ_DEALER);
	if (!c->sock)
		return -1;
	zmq_setsockopt(c->sock, ZMQ_LINGER, &zero, sizeof(zero));
	if (zmq_connect(c->sock, endpoint) < 0)
		return -1;
	if (pthread_create(&c->th, NULL, cmdc_main, c) != 0)
		return -1;
	c->started = true;
	return 0;
}

static void cmdc_stop(struct cmdc *c)
{
	atomic_store(&c->stop, true);
	if (c->started)
		pthread_join(c->th, NULL);	/* after its current request: 5 s at most */
	else if (c->sock)
		zmq_close(c->sock);
	if (c->zctx)
		zmq_ctx_term(c->zctx);
	c->zctx = NULL;
	c->started = false;
}

static void cmdc_free(struct cmdc *c)
{
	for (int p = 0; p < PH_N; p++)
		free(c->ph[p].lat);
}

/* ---- the clients that misbehave ------------------------------------------------- */

struct abuse {
	void *zctx;
	void *abusers[MAX_ABUSERS];
	void *stalled[MAX_STALLED];
	unsigned n_abusers, n_stalled;
	uint64_t asked;			/* Replays the abusers' sockets took */
	uint64_t not_taken;		/* ... and did not take (their own queue was full) */
	struct osmo_fd tick;		/* timerfd: every --abuse-ms */
	bool on;
	/* at the end of the abuse, the first abuser reads its replies up to
	 * the first BUSY */
	unsigned read_ok;		/* OK replies before it */
	bool busy_seen;
	char busy_text[200];
};

/* A socket that never reads: at most a few messages on its own side. */
static void *lazy_socket(void *zctx, int type, const char *endpoint)
{
	void *sock = zmq_socket(zctx, type);
	int zero = 0, one = 1, rcvbuf = 4096;

	if (!sock)
		return NULL;
	zmq_setsockopt(sock, ZMQ_LINGER, &zero, sizeof(zero));
	zmq_setsockopt(sock, ZMQ_RCVHWM, &one, sizeof(one));
	zmq_setsockopt(sock, ZMQ_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (type == ZMQ_SUB)
		zmq_setsockopt(sock, ZMQ_SUBSCRIBE, "", 0);
	if (zmq_connect(sock, endpoint) < 0) {
		zmq_close(sock);
		return NULL;
	}
	return sock;
}

static void abuse_ask(struct abuse *a)
{
	Tetrabridge__V1__Command cmd = TETRABRIDGE__V1__COMMAND__INIT;
	Tetrabridge__V1__Replay rp = TETRABRIDGE__V1__REPLAY__INIT;
	uint8_t buf[64];
	size_t len;

	rp.from_seq = 1;
	rp.max_events = ABUSE_REPLAY_N;
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_REPLAY;
	cmd.replay = &rp;
	for (unsigned i = 0; i < a->n_abusers; i++) {
		cmd.request_id = a->asked + a->not_taken + 1;
		len = tetrabridge__v1__command__pack(&cmd, buf);
		if (zmq_send(a->abusers[i], buf, len, ZMQ_DONTWAIT) == (int)len)
			a->asked++;
		else
			a->not_taken++;
	}
}

static int abuse_tick_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct abuse *a = ofd->data;
	uint64_t exp;

	if (read(ofd->fd, &exp, sizeof(exp)) < 0)
		return 0;
	if (a->on)
		abuse_ask(a);
	return 0;
}

static int abuse_start(struct abuse *a, const char *ev_ep, const char *cmd_ep)
{
	struct itimerspec its = { .it_interval = { g_opt.abuse_ms / 1000, (long)(g_opt.abuse_ms % 1000) * 1000000L } };

	its.it_value = its.it_interval;
	a->zctx = zmq_ctx_new();
	for (unsigned i = 0; i < g_opt.stalled; i++) {
		a->stalled[i] = lazy_socket(a->zctx, ZMQ_SUB, ev_ep);
		if (!a->stalled[i])
			return -1;
		a->n_stalled++;
	}
	for (unsigned i = 0; i < g_opt.abusers; i++) {
		a->abusers[i] = lazy_socket(a->zctx, ZMQ_DEALER, cmd_ep);
		if (!a->abusers[i])
			return -1;
		a->n_abusers++;
	}
	a->on = true;
	if (!a->n_abusers)
		return 0;
	osmo_fd_setup(&a->tick, timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC), OSMO_FD_READ,
		      abuse_tick_cb, a, 0);
	if (a->tick.fd < 0 || osmo_fd_register(&a->tick) < 0 || timerfd_settime(a->tick.fd, 0, &its, NULL) < 0)
		return -1;
	return 0;
}

/* The first abuser, which has not read anything, reads its replies up to
 * the first BUSY (20 s at most per reply): how many replays were run for a
 * client that does not read. Called once the daemon has received every
 * Replay asked. */
static void abuse_read_until_busy(struct abuse *a)
{
	while (a->n_abusers && !a->busy_seen) {
		zmq_pollitem_t it = { .socket = a->abusers[0], .events = ZMQ_POLLIN };
		Tetrabridge__V1__Reply *r;
		zmq_msg_t m;

		if (zmq_poll(&it, 1, 20000) <= 0)
			return;
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, a->abusers[0], 0) < 0) {
			zmq_msg_close(&m);
			return;
		}
		r = tetrabridge__v1__reply__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
		zmq_msg_close(&m);
		if (!r)
			return;
		if (r->code == TETRABRIDGE__V1__REPLY__CODE__OK) {
			a->read_ok++;
		} else {
			a->busy_seen = r->code == TETRABRIDGE__V1__REPLY__CODE__BUSY;
			snprintf(a->busy_text, sizeof(a->busy_text), "code %d: %s", r->code, r->error ? r->error : "");
			if (!a->busy_seen) {
				tetrabridge__v1__reply__free_unpacked(r, NULL);
				return;
			}
		}
		tetrabridge__v1__reply__free_unpacked(r, NULL);
	}
}

/* Close every misbehaving socket at once (linger 0): they disconnect. */
static void abuse_stop(struct abuse *a)
{
	a->on = false;
	if (a->tick.fd > 0) {
		osmo_fd_unregister(&a->tick);
		close(a->tick.fd);
		a->tick.fd = -1;
	}
	for (unsigned i = 0; i < a->n_abusers; i++)
		zmq_close(a->abusers[i]);
	for (unsigned i = 0; i < a->n_stalled; i++)
		zmq_close(a->stalled[i]);
	a->n_abusers = a->n_stalled = 0;
	if (a->zctx)
		zmq_ctx_term(a->zctx);
	a->zctx = NULL;
}

/* ---- the daemon ------------------------------------------------------------------ */

/* `show bridge` on the daemon's VTY; its " commands ..." line into line
 * (empty when it could not be read). */
static void vty_commands_line(int port, char *line, size_t size)
{
	static char out[16384];
	char *p, *e;

	line[0] = '\0';
	bench_vty(port, "show bridge", out, sizeof(out));
	p = strstr(out, " commands ");
	if (!p)
		return;
	e = strpbrk(p, "\r\n");
	snprintf(line, size, "%.*s", e ? (int)(e - p) : (int)strlen(p), p);
}

/* "N received, N replies, ... N replies dropped" -> the three counts. */
static bool parse_commands_line(const char *line, uint64_t *received, uint64_t *replies, uint64_t *dropped)
{
	const char *p = strstr(line, ": ");	/* after the endpoint, which may hold ':' */

	if (!p)
		return false;
	if (sscanf(p + 1, " %" SCNu64 " received, %" SCNu64 " replies,", received, replies) != 2)
		return false;
	p = strstr(line, " replies dropped");
	if (!p)
		return false;
	while (p > line && p[-1] >= '0' && p[-1] <= '9')
		p--;
	return sscanf(p, "%" SCNu64, dropped) == 1;
}

/* ---- load, sampling, the run --------------------------------------------------------- */

struct run {
	struct bench_pty radios[MAX_RADIOS];
	unsigned n;
	struct bench_daemon dm;
	struct abuse abuse;
	struct cmdc cmd;
	int vty_port;

	/* load */
	unsigned cap;			/* texts per radio at most */
	int64_t interval_us;
	int64_t *send_us;		/* [radio * cap + k] */
	unsigned sent[MAX_RADIOS];
	uint64_t total_sent, send_fail;
	int64_t load_start_us, load_end_us;
	bool done_sending;
	struct osmo_fd pace;		/* timerfd */
	struct osmo_timer_list probe;
	char text_hdr_bits[8];

	/* memory */
	struct osmo_fd sampler;		/* timerfd, every SAMPLE_MS */
	long *rss_kb;			/* samples */
	int64_t *rss_t;
	unsigned char *rss_ph;
	size_t n_samples, cap_samples;
	bool aborted;			/* VmRSS passed --rss-abort */
	struct osmo_timer_list vty_poll;	/* every 100 ms: `show bridge` */
	uint64_t vty_received;		/* commands the daemon has received */
	int64_t cpu0_us, cpu1_us;
};

/* "r<i> k<k> " and the filler, in ISO 8859-1, as hex. */
static void text_hex(unsigned i, unsigned k, char *hex, size_t size)
{
	char text[TEXT_MAX + 1];
	int n = snprintf(text, sizeof(text), "r%u k%u ", i, k);
	char *h = hex;

	for (size_t j = 0; (size_t)n < g_opt.text_len; j++)
		text[n++] = filler[j % (sizeof(filler) - 1)];
	text[n] = '\0';
	h += snprintf(h, size, "82029D01");	/* TRANSFER, no report, ref 0x9D, no timestamp, 8859-1 */
	for (int j = 0; j < n; j++)
		h += snprintf(h, size - (size_t)(h - hex), "%02X", (uint8_t)text[j]);
}

static void send_text(struct run *r, unsigned i)
{
	char header[96], hex[2 * (4 + TEXT_MAX) + 16];
	unsigned k = r->sent[i];

	snprintf(header, sizeof(header), TEXT_HDR_FMT, BENCH_PTY_TSI_BASE + i, (4 + g_opt.text_len) * 8);
	text_hex(i, k, hex, sizeof(hex));
	if (!bench_pty_print(&r->radios[i], header, hex, &r->send_us[(size_t)i * r->cap + k]))
		r->send_fail++;
	r->sent[i]++;
	r->total_sent++;
}

static int64_t due_us(const struct run *r, unsigned i, unsigned k)
{
	return bench_due_us(r->load_start_us, r->interval_us, i, r->n, k);
}

/* Each radio's k-th text is due at start + (k + i/n) * interval, until the
 * load ends; late wake-ups catch up rather than drift. */
static void pace(struct run *r)
{
	int64_t now = tb_now_us(), next = INT64_MAX;

	for (unsigned i = 0; i < r->n; i++) {
		while (r->sent[i] < r->cap && due_us(r, i, r->sent[i]) <= now && due_us(r, i, r->sent[i]) < r->load_end_us)
			send_text(r, i);
		if (r->sent[i] < r->cap && due_us(r, i, r->sent[i]) < r->load_end_us && due_us(r, i, r->sent[i]) < next)
			next = due_us(r, i, r->sent[i]);
	}
	r->done_sending = next == INT64_MAX;
	if (!r->done_sending && bench_timerfd_at(r->pace.fd, next) < 0)
		abort();
}

static int pace_fd_cb(struct osmo_fd *ofd, unsigned int what)
{
	uint64_t exp;

	if (read(ofd->fd, &exp, sizeof(exp)) < 0)
		return 0;
	pace(ofd->data);
	return 0;
}

static int sampler_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct run *r = ofd->data;
	uint64_t exp;
	long rss, hwm;

	if (read(ofd->fd, &exp, sizeof(exp)) < 0 || r->dm.pid <= 0 || r->dm.exited)
		return 0;
	bench_proc_mem_kb(r->dm.pid, &rss, &hwm);
	if (rss < 0)
		return 0;
	if (r->n_samples == r->cap_samples) {
		r->cap_samples = r->cap_samples ? 2 * r->cap_samples : 1024;
		r->rss_kb = realloc(r->rss_kb, r->cap_samples * sizeof(*r->rss_kb));
		r->rss_t = realloc(r->rss_t, r->cap_samples * sizeof(*r->rss_t));
		r->rss_ph = realloc(r->rss_ph, r->cap_samples);
		if (!r->rss_kb || !r->rss_t || !r->rss_ph)
			abort();
	}
	r->rss_kb[r->n_samples] = rss;
	r->rss_t[r->n_samples] = tb_now_us();
	r->rss_ph[r->n_samples] = (unsigned char)atomic_load(&g_phase);
	r->n_samples++;
	if (rss / 1024 >= (long)g_opt.rss_abort_mb && atomic_load(&g_phase) == PH_ABUSE)
		r->aborted = true;
	return 0;
}

static void probe_cb(void *data)
{
	struct run *r = data;

	for (unsigned i = 0; i < r->n; i++)
		if (!atomic_load(&g_sub.heard[i]))
			bench_pty_status(&r->radios[i], PROBE_VALUE, NULL);
	osmo_timer_schedule(&r->probe, 0, PROBE_MS * 1000);
}

static bool synced(void *arg)
{
	struct run *r = arg;
	unsigned heard = 0;

	for (unsigned i = 0; i < r->n; i++)
		heard += atomic_load(&g_sub.heard[i]);
	return heard == r->n || r->dm.exited;
}

static bool never(void *arg)
{
	struct run *r = arg;
	return r->dm.exited || r->aborted;
}

static bool all_received(void *arg)
{
	struct run *r = arg;
	return (r->done_sending && atomic_load(&g_sub.received) >= r->total_sent) || r->dm.exited;
}

static void vty_poll_cb(void *data)
{
	struct run *r = data;
	char line[512];
	uint64_t received, replies, dropped;

	vty_commands_line(r->vty_port, line, sizeof(line));
	if (parse_commands_line(line, &received, &replies, &dropped))
		r->vty_received = received;
	osmo_timer_schedule(&r->vty_poll, 0, 100000);
}

/* The daemon has received every Replay the abusers' sockets took: what
 * the command client sent so far is counted in too (it may still send). */
static bool asks_received(void *arg)
{
	struct run *r = arg;
	unsigned good = 0;

	for (int p = 0; p < PH_N; p++)
		good += r->cmd.ph[p].sent;
	return r->vty_received >= r->abuse.asked + good || r->dm.exited;
}

static int pace_start(struct run *r)
{
	osmo_fd_setup(&r->pace, timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC), OSMO_FD_READ,
		      pace_fd_cb, r, 0);
	osmo_fd_setup(&r->sampler, timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC), OSMO_FD_READ,
		      sampler_cb, r, 0);
	if (r->pace.fd < 0 || osmo_fd_register(&r->pace) < 0 || r->sampler.fd < 0 ||
	    osmo_fd_register(&r->sampler) < 0) {
		perror("timerfd");
		return -1;
	}
	return 0;
}

static void sampler_arm(struct run *r)
{
	struct itimerspec its = { { 0, SAMPLE_MS * 1000000L }, { 0, SAMPLE_MS * 1000000L } };

	if (timerfd_settime(r->sampler.fd, 0, &its, NULL) < 0)
		abort();
}

static void timers_stop(struct run *r)
{
	if (r->pace.fd >= 0 && osmo_fd_is_registered(&r->pace))
		osmo_fd_unregister(&r->pace);
	if (r->sampler.fd >= 0 && osmo_fd_is_registered(&r->sampler))
		osmo_fd_unregister(&r->sampler);
	if (r->pace.fd >= 0)
		close(r->pace.fd);
	if (r->sampler.fd >= 0)
		close(r->sampler.fd);
	r->pace.fd = r->sampler.fd = -1;
}

/* ---- output -------------------------------------------------------------------------- */

struct figures {
	/* memory, kB */
	long warm_avg, warm_max, abuse_max, settle_max, at_disconnect, settle_end, hwm;
	int64_t abuse_max_at_us;	/* since the abuse began */
	int64_t below_after_us;		/* since the disconnect; -1: never */
	bool stayed_below;		/* from then to the end of settle */
	/* the subscriber that behaves */
	uint64_t sent[PH_N], recv[PH_N], lost[PH_N];
	int64_t p50[PH_N], p99[PH_N], max[PH_N];
	/* the daemon */
	double cpu_pct;
	int exit_status;
	char vty_line[512];
	uint64_t v_received, v_replies, v_dropped;
	bool v_ok;
};

static void memory_figures(const struct run *r, struct figures *f)
{
	int64_t t_abuse = atomic_load(&g_phase_start[PH_ABUSE]), t_settle = atomic_load(&g_phase_start[PH_SETTLE]);
	long sum = 0, below_kb = (long)g_opt.rss_after_mb * 1024;
	unsigned nwarm = 0;

	f->below_after_us = -1;
	f->stayed_below = false;
	for (size_t i = 0; i < r->n_samples; i++) {
		long v = r->rss_kb[i];

		switch (r->rss_ph[i]) {
		case PH_WARM:
			sum += v;
			nwarm++;
			if (v > f->warm_max)
				f->warm_max = v;
			break;
		case PH_ABUSE:
			if (v > f->abuse_max) {
				f->abuse_max = v;
				f->abuse_max_at_us = r->rss_t[i] - t_abuse;
			}
			f->at_disconnect = v;
			break;
		default:
			if (v > f->settle_max)
				f->settle_max = v;
			if (v < below_kb && f->below_after_us < 0) {
				f->below_after_us = r->rss_t[i] - t_settle;
				f->stayed_below = true;
			} else if (v >= below_kb && f->below_after_us >= 0) {
				f->stayed_below = false;
			}
			f->settle_end = v;
			break;
		}
	}
	f->warm_avg = nwarm ? sum / (long)nwarm : 0;
}

static void event_figures(const struct run *r, struct figures *f)
{
	int64_t *lat[PH_N];
	size_t n[PH_N] = { 0 };

	for (int p = 0; p < PH_N; p++) {
		lat[p] = malloc((r->total_sent + 1) * sizeof(int64_t));
		if (!lat[p])
			abort();
	}
	for (unsigned i = 0; i < r->n; i++) {
		for (unsigned k = 0; k < r->sent[i]; k++) {
			int64_t s = r->send_us[(size_t)i * r->cap + k], t = g_sub.recv_us[(size_t)i * r->cap + k];
			enum phase p = phase_at(s);

			f->sent[p]++;
			if (!t) {
				f->lost[p]++;
				continue;
			}
			f->recv[p]++;
			lat[p][n[p]++] = t - s;
		}
	}
	for (int p = 0; p < PH_N; p++) {
		percentiles(lat[p], n[p], &f->p50[p], &f->p99[p], &f->max[p]);
		free(lat[p]);
	}
}

static void verdict(bool *all, bool met, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void verdict(bool *all, bool met, const char *fmt, ...)
{
	va_list ap;

	printf("  %s  ", met ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!met)
		*all = false;
}

static double mb(long kb)
{
	return kb / 1024.0;
}

/* Prints the figures; returns whether every goal was met. */
static bool report(struct run *r, struct figures *f)
{
	int64_t cmd_p50[PH_N], cmd_p99[PH_N], cmd_max[PH_N];
	bool goals = true, served = true, events_ok = true;
	unsigned cmd_sent = 0, cmd_ok = 0;

	printf("\ndaemon VmRSS (every %d ms):\n", SAMPLE_MS);
	printf("  warm (only the clients that behave): average %.1f MB, max %.1f MB\n", mb(f->warm_avg),
	       mb(f->warm_max));
	printf("  abuse: max %.1f MB (%.1f s into it)%s\n", mb(f->abuse_max), f->abuse_max_at_us / 1e6,
	       r->aborted ? "; ENDED EARLY: passed --rss-abort" : "");
	printf("  settle: %.1f MB when the misbehaving clients disconnected; ", mb(f->at_disconnect));
	if (f->below_after_us >= 0)
		printf("below %u MB %.1f s later%s; ", g_opt.rss_after_mb, f->below_after_us / 1e6,
		       f->stayed_below ? " and stayed there" : ", not for good");
	else
		printf("never below %u MB; ", g_opt.rss_after_mb);
	printf("%.1f MB at the end (%u s)\n", mb(f->settle_end), g_opt.settle_s);
	printf("  VmHWM %.1f MB\n", mb(f->hwm));
	printf("  daemon cpu: %.1f %% of one core over the run\n", f->cpu_pct);

	printf("\nsubscriber that behaves:\n  %-7s %7s %7s %5s %5s %8s %8s %8s\n", "phase", "sent", "recv", "lost",
	       "gaps", "p50_ms", "p99_ms", "max_ms");
	for (int p = 0; p < PH_N; p++) {
		printf("  %-7s %7" PRIu64 " %7" PRIu64 " %5" PRIu64 " %5" PRIu64 " %8.2f %8.2f %8.2f\n",
		       phase_name[p], f->sent[p], f->recv[p], f->lost[p], g_sub.gaps[p], f->p50[p] / 1e3,
		       f->p99[p] / 1e3, f->max[p] / 1e3);
		if (f->lost[p] || g_sub.gaps[p] || (!g_opt.smoke && f->p99[p] >= GOAL_EVENT_P99_US))
			events_ok = false;
	}
	if (g_sub.dups || g_sub.unknown)
		printf("  (duplicates %" PRIu64 ", not ours %" PRIu64 ")\n", g_sub.dups, g_sub.unknown);
	if (r->send_fail)
		printf("  (%" PRIu64 " texts the ptys did not take)\n", r->send_fail);

	printf("\ncommand client that behaves (ListRadios and Replay of %d events, alternately, every %d ms):\n",
	       CMD_REPLAY_N, CMD_PERIOD_MS);
	printf("  %-7s %5s %8s %5s %5s %5s %8s %8s %8s %8s\n", "phase", "sent", "answered", "ok", "busy", "other",
	       "timeouts", "p50_ms", "p99_ms", "max_ms");
	for (int p = 0; p < PH_N; p++) {
		struct cmd_phase *c = &r->cmd.ph[p];

		percentiles(c->lat, c->answered < r->cmd.cap ? c->answered : r->cmd.cap, &cmd_p50[p], &cmd_p99[p],
			    &cmd_max[p]);
		printf("  %-7s %5u %8u %5u %5u %5u %8u %8.2f %8.2f %8.2f\n", phase_name[p], c->sent, c->answered, c->ok,
		       c->busy, c->other, c->timeouts, cmd_p50[p] / 1e3, cmd_p99[p] / 1e3, cmd_max[p] / 1e3);
		cmd_sent += c->sent;
		cmd_ok += c->ok;
		if (c->ok != c->sent || (!g_opt.smoke && cmd_p99[p] >= GOAL_CMD_P99_US))
			served = false;
	}
	if (r->cmd.last_error[0])
		printf("  last reply that was not OK: %s\n", r->cmd.last_error);

	printf("\nabusers: %" PRIu64 " Replays asked, %" PRIu64 " not taken by their own sockets (queue full)\n",
	       r->abuse.asked, r->abuse.not_taken);
	if (g_opt.abusers)
		printf("  the first, reading at last: %u replays before %s\n", r->abuse.read_ok,
		       r->abuse.busy_seen ? "the first BUSY" : "no BUSY (it read everything there was)");
	if (r->abuse.busy_text[0])
		printf("  \"%s\"\n", r->abuse.busy_text);
	printf("daemon:%s\n", f->vty_line[0] ? f->vty_line : " (show bridge could not be read)");
	printf("daemon exit status: %d\n\n", f->exit_status);

	if (g_opt.smoke) {
		verdict(&goals, events_ok, "every event reached the subscriber that behaves, without a gap");
		verdict(&goals, served && cmd_sent > 0, "every command of the client that behaves answered OK (%u of %u)",
			cmd_ok, cmd_sent);
		verdict(&goals, f->v_ok && f->v_received == f->v_replies + f->v_dropped,
			"the daemon accounts for every command: %" PRIu64 " received = %" PRIu64 " replies + %" PRIu64
			" dropped", f->v_received, f->v_replies, f->v_dropped);
		verdict(&goals, r->abuse.busy_seen && strstr(r->abuse.busy_text, "not read yet"),
			"an abuser's replays stop at its queue's bound: BUSY after %u", r->abuse.read_ok);
		verdict(&goals, f->exit_status == 0, "the daemon exits 0 on SIGTERM");
		return goals;
	}
	verdict(&goals, !r->aborted && f->warm_max < (long)g_opt.rss_max_mb * 1024 &&
		f->abuse_max < (long)g_opt.rss_max_mb * 1024 && f->settle_max < (long)g_opt.rss_max_mb * 1024,
		"VmRSS < %u MB throughout (max %.1f MB)", g_opt.rss_max_mb,
		mb(f->abuse_max > f->settle_max ? f->abuse_max : f->settle_max));
	verdict(&goals, f->below_after_us >= 0 && f->stayed_below && f->settle_end < (long)g_opt.rss_after_mb * 1024,
		"VmRSS < %u MB within %u s after the misbehaving clients disconnect (%.1f MB at the end)",
		g_opt.rss_after_mb, g_opt.settle_s, mb(f->settle_end));
	verdict(&goals, events_ok, "the subscriber that behaves: nothing lost, no gap, p99 < %d ms in every phase",
		GOAL_EVENT_P99_US / 1000);
	verdict(&goals, served, "the command client that behaves: every command answered OK, p99 < %d ms",
		GOAL_CMD_P99_US / 1000);
	verdict(&goals, f->exit_status == 0, "the daemon exits 0 on SIGTERM");
	return goals;
}

static void write_samples(const struct run *r)
{
	FILE *f = fopen(g_opt.samples, "w");
	int64_t t0 = r->n_samples ? r->rss_t[0] : 0;

	if (!f) {
		perror(g_opt.samples);
		return;
	}
	fprintf(f, "t_s,phase,rss_kb\n");
	for (size_t i = 0; i < r->n_samples; i++)
		fprintf(f, "%.3f,%s,%ld\n", (r->rss_t[i] - t0) / 1e6, phase_name[r->rss_ph[i]], r->rss_kb[i]);
	fclose(f);
}

/* ---- main ------------------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bench_memory [options]\n"
		"The resident memory of tetra-bridged (a child, journal on, simulated terminals on ptys)\n"
		"while clients misbehave, after they go, and how the clients that behave are served.\n"
		"  --radios N        simulated terminals (default 20, at most %d)\n"
		"  --rate N          texts per second per radio (default 100)\n"
		"  --text N          characters per text (default 200, at most %d)\n"
		"  --warm S          seconds before the misbehaving clients come (default 3)\n"
		"  --seconds S       seconds they stay (default 30)\n"
		"  --settle S        seconds measured after they disconnect (default 10)\n"
		"  --abusers N       DEALERs asking Replay, never reading (default 8, at most %d)\n"
		"  --stalled N       SUBs never reading (default 200, at most %d)\n"
		"  --abuse-ms N      each abuser asks every N ms (default 5)\n"
		"  --rss-max MB      goal: VmRSS below this throughout (default 64)\n"
		"  --rss-after MB    goal: below this within --settle s after the disconnect (default 32)\n"
		"  --rss-abort MB    end the abuse when VmRSS passes this (default 4096)\n"
		"  --daemon PATH     tetra-bridged to run (default %s)\n"
		"  --daemon-log L    its log level (default notice)\n"
		"  --samples FILE    write every VmRSS sample: t_s,phase,rss_kb\n"
		"  --smoke           small and short; checks only what does not depend on timing (ctest)\n",
		MAX_RADIOS, TEXT_MAX, MAX_ABUSERS, MAX_STALLED, TB_DAEMON_PATH);
}

static void print_header(int argc, char **argv)
{
	printf("bench_memory: simulated terminals (pty, this process) -> tetra-bridged (child, journal under %s)\n"
	       "  -> ZeroMQ ipc:// -> clients in this process\n", g_dir);
	bench_print_command("command:", argc, argv);
	printf("daemon: %s\nbuilt: %s\n", g_opt.daemon, TB_BENCH_FLAGS);
	bench_print_cpu();
	bench_print_loadavg("before");
	printf("load: %u radios x %u texts/s = %u events/s, %u characters each; warm %u s, abuse %u s, settle %u s\n",
	       g_opt.radios, g_opt.rate, g_opt.radios * g_opt.rate, g_opt.text_len, g_opt.warm_s, g_opt.seconds,
	       g_opt.settle_s);
	printf("misbehaving: %u DEALERs asking Replay (from 1, %d events) every %u ms, never reading;\n"
	       "  %u SUBs (every topic) never reading\n",
	       g_opt.abusers, ABUSE_REPLAY_N, g_opt.abuse_ms, g_opt.stalled);
	fflush(stdout);
}

static int parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "radios", required_argument, NULL, 'r' },	{ "rate", required_argument, NULL, 'R' },
		{ "text", required_argument, NULL, 't' },	{ "warm", required_argument, NULL, 'w' },
		{ "seconds", required_argument, NULL, 'S' },	{ "settle", required_argument, NULL, 'e' },
		{ "abusers", required_argument, NULL, 'a' },	{ "stalled", required_argument, NULL, 'u' },
		{ "abuse-ms", required_argument, NULL, 'm' },	{ "rss-max", required_argument, NULL, 'X' },
		{ "rss-after", required_argument, NULL, 'A' },	{ "rss-abort", required_argument, NULL, 'B' },
		{ "daemon", required_argument, NULL, 'd' },	{ "daemon-log", required_argument, NULL, 'L' },
		{ "samples", required_argument, NULL, 'F' },	{ "smoke", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },		{ NULL, 0, NULL, 0 }
	};
	int opt;
	bool ok = true;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'r': ok = bench_parse_uint(optarg, 1, MAX_RADIOS, &g_opt.radios); break;
		case 'R': ok = bench_parse_uint(optarg, 1, 1000, &g_opt.rate); break;
		case 't': ok = bench_parse_uint(optarg, 16, TEXT_MAX, &g_opt.text_len); break;
		case 'w': ok = bench_parse_uint(optarg, 1, 3600, &g_opt.warm_s); break;
		case 'S': ok = bench_parse_uint(optarg, 1, 3600, &g_opt.seconds); break;
		case 'e': ok = bench_parse_uint(optarg, 1, 3600, &g_opt.settle_s); break;
		case 'a': ok = bench_parse_uint(optarg, 0, MAX_ABUSERS, &g_opt.abusers); break;
		case 'u': ok = bench_parse_uint(optarg, 0, MAX_STALLED, &g_opt.stalled); break;
		case 'm': ok = bench_parse_uint(optarg, 1, 10000, &g_opt.abuse_ms); break;
		case 'X': ok = bench_parse_uint(optarg, 1, 1 << 20, &g_opt.rss_max_mb); break;
		case 'A': ok = bench_parse_uint(optarg, 1, 1 << 20, &g_opt.rss_after_mb); break;
		case 'B': ok = bench_parse_uint(optarg, 1, 1 << 20, &g_opt.rss_abort_mb); break;
		case 'd': g_opt.daemon = optarg; break;
		case 'L': g_opt.log_level = optarg; break;
		case 'F': g_opt.samples = optarg; break;
		case 's': g_opt.smoke = true; break;
		case 'h': usage(stdout); exit(0);
		default: ok = false; break;
		}
		if (!ok) {
			usage(stderr);
			return -1;
		}
	}
	if (g_opt.smoke) {
		g_opt.radios = 2;
		g_opt.rate = 20;
		g_opt.warm_s = 1;
		g_opt.seconds = 2;
		g_opt.settle_s = 1;
		g_opt.abusers = 2;
		g_opt.stalled = 10;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct run r;
	static struct figures f;
	char cfg_path[160], log_path[160], ev_ep[160], cmd_ep[160], state_dir[160];
	bool ok = false;
	int64_t t;
	int rc;

	if (parse_args(argc, argv) < 0)
		return 64;
	signal(SIGPIPE, SIG_IGN);
	g_root = bench_setup("bench_memory", "tbmem", g_dir, sizeof(g_dir));
	if (!g_root) {
		perror("cannot set up logging and a temporary folder in /tmp");
		return 1;
	}
	print_header(argc, argv);

	r.n = g_opt.radios;
	r.interval_us = 1000000 / g_opt.rate;
	r.cap = g_opt.rate * (g_opt.warm_s + g_opt.seconds + g_opt.settle_s) + 2;
	r.send_us = calloc((size_t)r.n * r.cap, sizeof(*r.send_us));
	r.pace.fd = r.sampler.fd = -1;
	if (!r.send_us)
		abort();
	rc = bench_pty_open(r.radios, r.n, g_root, false);
	if (rc < 0) {
		fprintf(stderr, "pty: %s\n", strerror(-rc));
		goto out_radios;
	}
	r.vty_port = bench_free_port();
	snprintf(cfg_path, sizeof(cfg_path), "%s/bridge.cfg", g_dir);
	snprintf(ev_ep, sizeof(ev_ep), "ipc://%s/events", g_dir);
	snprintf(cmd_ep, sizeof(cmd_ep), "ipc://%s/commands", g_dir);
	snprintf(state_dir, sizeof(state_dir), "%s/var", g_dir);
	if (r.vty_port < 0) {
		fprintf(stderr, "no free TCP port on 127.0.0.1 for the daemon's VTY\n");
		goto out_radios;
	}
	rc = bench_pty_write_config(cfg_path, r.radios, r.n, g_opt.log_level, r.vty_port, ev_ep, cmd_ep, state_dir);
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", cfg_path, strerror(-rc));
		goto out_radios;
	}
	if (pace_start(&r) < 0)
		goto out_radios;
	/* Subscribe first: ZeroMQ connects when the daemon binds. */
	if (sub_start(&g_sub, ev_ep, r.n, r.cap) < 0)
		goto out_sub;
	snprintf(log_path, sizeof(log_path), "%s/daemon.log", g_dir);
	rc = bench_daemon_start(&r.dm, g_opt.daemon, cfg_path, log_path);
	if (rc < 0) {
		fprintf(stderr, "cannot start %s: %s\n", g_opt.daemon, strerror(-rc));
		goto out_sub;
	}
	sampler_arm(&r);

	/* Every radio heard: the links are up (the daemon holds what a
	 * terminal prints during its init until it is online). */
	osmo_timer_setup(&r.probe, probe_cb, &r);
	probe_cb(&r);
	if (!tb_loop_run_until(synced, &r, SYNC_MS) || r.dm.exited) {
		osmo_timer_del(&r.probe);
		fprintf(stderr, "not every radio was heard within %d ms%s\n", SYNC_MS,
			r.dm.exited ? " (the daemon exited)" : "");
		goto out_daemon;
	}
	osmo_timer_del(&r.probe);

	r.cpu0_us = bench_proc_cpu_us(r.dm.pid);
	t = tb_now_us();
	atomic_store(&g_phase_start[PH_WARM], t);
	r.load_start_us = t;
	r.load_end_us = t + (int64_t)(g_opt.warm_s + g_opt.seconds + g_opt.settle_s) * 1000000;
	pace(&r);
	/* latencies kept per phase: as many as the whole run can have */
	if (cmdc_start(&r.cmd, cmd_ep, (g_opt.warm_s + g_opt.seconds + g_opt.settle_s) * 1000 / CMD_PERIOD_MS + 16) < 0) {
		fprintf(stderr, "cannot start the command client\n");
		goto out_daemon;
	}
	tb_loop_run_until_at(never, &r, t + (int64_t)g_opt.warm_s * 1000000);

	t = tb_now_us();
	atomic_store(&g_phase_start[PH_ABUSE], t);
	atomic_store(&g_phase, PH_ABUSE);
	if (abuse_start(&r.abuse, ev_ep, cmd_ep) < 0) {
		fprintf(stderr, "cannot start the misbehaving clients\n");
		goto out_cmd;
	}
	tb_loop_run_until_at(never, &r, t + (int64_t)g_opt.seconds * 1000000);
	r.abuse.on = false;	/* no more asking */
	osmo_timer_setup(&r.vty_poll, vty_poll_cb, &r);
	vty_poll_cb(&r);
	if (tb_loop_run_until(asks_received, &r, SYNC_MS) && !r.dm.exited)
		abuse_read_until_busy(&r.abuse);
	osmo_timer_del(&r.vty_poll);

	abuse_stop(&r.abuse);
	t = tb_now_us();
	atomic_store(&g_phase_start[PH_SETTLE], t);
	atomic_store(&g_phase, PH_SETTLE);
	/* An early end of the abuse shortens the load, not the settle phase. */
	if (r.load_end_us < t + (int64_t)g_opt.settle_s * 1000000 || r.aborted)
		r.load_end_us = t + (int64_t)g_opt.settle_s * 1000000;
	tb_loop_run_until_at(never, &r, t + (int64_t)g_opt.settle_s * 1000000 + SAMPLE_MS * 1000);
	r.load_end_us = tb_now_us();	/* the load stops */
	tb_loop_run_until(all_received, &r, DRAIN_MS);
	ok = true;

out_cmd:
	cmdc_stop(&r.cmd);
	abuse_stop(&r.abuse);
out_daemon:
	r.cpu1_us = bench_proc_cpu_us(r.dm.pid);
	{
		long rss;
		bench_proc_mem_kb(r.dm.pid, &rss, &f.hwm);
	}
	if (!r.dm.exited)
		vty_commands_line(r.vty_port, f.vty_line, sizeof(f.vty_line));
	f.v_ok = parse_commands_line(f.vty_line, &f.v_received, &f.v_replies, &f.v_dropped);
	f.exit_status = bench_daemon_stop(&r.dm);
	if (f.exit_status != 0 || r.dm.exited)
		bench_daemon_print_log(&r.dm, 40);
out_sub:
	bench_sub_stop(&g_sub.sub);
	timers_stop(&r);
out_radios:
	bench_pty_close(r.radios, r.n);

	if (ok) {
		int64_t window = r.load_end_us - atomic_load(&g_phase_start[PH_WARM]);

		f.cpu_pct = r.cpu0_us >= 0 && r.cpu1_us >= 0 && window > 0 ? 100.0 * (r.cpu1_us - r.cpu0_us) / window : -1;
		memory_figures(&r, &f);
		event_figures(&r, &f);
		ok = report(&r, &f);
		if (g_opt.samples)
			write_samples(&r);
	}
	bench_print_loadavg("after");
	printf("%s\n", ok ? "bench_memory: every goal met" : "bench_memory: FAILED (see above)");
	cmdc_free(&r.cmd);
	free(g_sub.recv_us);
	free(r.send_us);
	free(r.rss_kb);
	free(r.rss_t);
	free(r.rss_ph);
	bench_teardown(g_root, g_dir);
	return ok ? 0 : 1;
}
