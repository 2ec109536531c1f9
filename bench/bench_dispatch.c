/* Dispatch path benchmark: events per second, latency, CPU time and memory
 * of the real tetra-bridged with its journal on, from simulated terminals
 * on ptys to a ZeroMQ subscriber; and, in the same run, the same stream
 * over a bare ZeroMQ PUB/SUB pair with no bridge, as the baseline.
 *
 * The terminals live in this process: per radio a pty pair, whose master
 * side is a tb_sim_terminal (radio-drivers/sim_terminal.h) in this
 * process's osmo_select loop, answering the daemon's init and keep-alive as
 * a terminal would. The daemon is a child process configured with
 * `transport tty /dev/pts/N` per radio (profile generic), `state-dir` in a
 * temporary folder (the journal: SQLite WAL, synchronous=NORMAL, every event
 * stored before it is published), events and commands on ipc://.
 *
 * Before measuring, every radio prints a probe status (0xFFFF) every 100 ms
 * until the subscriber has received one from each: the PUB/SUB connection
 * is up and every radio is online (the daemon holds what a terminal prints
 * during its init and delivers it after the link is up). The daemon is
 * started with PR_SET_PDEATHSIG, so it does not outlive this process (a
 * daemon left behind would keep reopening a /dev/pts/N that the next run
 * reuses, and steal its bytes).
 *
 * Load: every radio prints one status ("+CTSDSR: 13,<calling>,1,<called>,1,16"
 * then 4 hex digits) every 1/--rate seconds, the radios' phases spread
 * evenly over the interval, for --seconds. The status value carries the
 * event's sequence number (0x8000 | k mod 0x4000); the radio is in the
 * topic. Latency: from just before the hex line (the one that completes the
 * event) is written to the pty master, to the moment a SUB socket, blocking
 * in zmq_recv() in a thread of its own, returns the topic frame
 * (CLOCK_MONOTONIC both). Lost: sent but not received within 5 s after the
 * last send.
 *
 * Baseline: a bare PUB socket in this thread and a SUB socket in a receiver
 * thread (ipc:// in the same folder), the same number of two-frame messages
 * (topic "status.rN", a 60-byte body) at the same pace, measured the same
 * way. The bridge's added latency is bridge minus bare.
 *
 * Daemon CPU: utime + stime from /proc/PID/stat over the measurement
 * window (clock ticks, 10 ms); memory: VmRSS and VmHWM from
 * /proc/PID/status at the end of the window.
 *
 *   bench_dispatch [--radios 1,32] [--rate 50] [--seconds 20] [--flood]
 *                  [--flood-seconds 5] [--daemon PATH] [--daemon-log LEVEL]
 *                  [--dump FILE] [--state-dir DIR] [--smoke]
 *
 * The pace is a timerfd, not an osmo_timer: osmo_select_main() waits in
 * whole milliseconds and spins through the last one before a timer.
 *
 * Build it in the release configuration (-O2 -DNDEBUG, no sanitizers) and
 * run bench/bench_dispatch from the build folder; see bench/README.md.
 * --smoke (ctest bench_dispatch_smoke): 2 radios, 20 events each, checks
 * that every one arrives over both paths; nothing is timed against a goal.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>

#include "ipc/tetra_bridge.pb-c.h"
#include "tests/lib/loop.h"
#include "tests/lib/tmpdir.h"
#include "bench_daemon.h"
#include "bench_pty.h"
#include "bench_sub.h"
#include "bench_util.h"


#define MAX_RADIOS 64
#define MAX_RUNS 4
#define SYNC_MS 30000		/* daemon start-up and link init, generous for ASan */
#define DRAIN_MS 5000		/* after the last send: what has not arrived is lost */
#define PROBE_MS 100		/* probe period while syncing */
#define PROBE_VALUE 0xFFFF	/* sync probes, not measured */
#define SEQ_MASK 0x3FFF		/* measured values: 0x8000 | (k & SEQ_MASK) */
#define FLOOD_WINDOW 64		/* flood: events in flight per radio */
#define FLOOD_MAX_TOTAL 2000000	/* flood: events recorded per run, all radios */
#define BARE_BODY 60

static struct {
	unsigned radios[MAX_RUNS];
	unsigned nruns;
	unsigned rate;
	unsigned seconds;
	unsigned flood_seconds;
	bool flood;
	bool smoke;
	const char *daemon;
	const char *log_level;
	const char *dump;
	const char *state_base;		/* where the journal goes; NULL: the temporary folder */
} g_opt = { { 1, 32 }, 2, 50, 20, 5, false, false, TB_DAEMON_PATH, "notice", NULL, NULL };

static void *g_root;
static char g_dir[32];		/* /tmp/tbdisp.XXXXXX */

/* ---- the receiver thread ----------------------------------------------------- */

/* One SUB socket and its thread. The thread owns recv_us, last_k, dups and
 * unknown; the main thread reads them only after bench_sub_stop() (it
 * joins the thread). The atomics are shared while it runs. */
struct rx {
	struct bench_sub sub;
	bool bridge;			/* protobuf Events (else the bare body) */
	unsigned n;			/* radios */
	unsigned cap;			/* per radio: recv_us slots */
	int64_t *recv_us;		/* [radio * cap + k], 0 = not received */
	int64_t *last_k;		/* per radio: highest k received, -1 */
	uint64_t dups, unknown;
	_Atomic bool heard[MAX_RADIOS];	/* a probe (or anything) arrived */
	_Atomic unsigned rx_radio[MAX_RADIOS];	/* measured events received, per radio */
	atomic_uint_fast64_t received;	/* measured events received */
	atomic_uint_fast64_t target;	/* wake the main loop when received reaches it */
	int efd;			/* eventfd: wakes the main loop */
};

static void rx_wake(struct rx *r)
{
	uint64_t one = 1;

	if (write(r->efd, &one, sizeof(one)) < 0) {
		/* the counter cannot overflow at these rates */
	}
}

/* "status.r12" -> 12, -1 if not ours. */
static int topic_radio(const char *t, size_t len, const char *prefix)
{
	size_t pl = strlen(prefix);
	unsigned v = 0;

	if (len <= pl || memcmp(t, prefix, pl))
		return -1;
	for (size_t i = pl; i < len; i++) {
		if (t[i] < '0' || t[i] > '9' || v > MAX_RADIOS)
			return -1;
		v = v * 10 + (unsigned)(t[i] - '0');
	}
	return v < MAX_RADIOS ? (int)v : -1;
}

static void rx_status(struct rx *r, int radio, uint32_t value, int64_t t)
{
	int64_t base, k;

	if ((unsigned)radio >= r->n) {
		r->unknown++;
		return;
	}
	if (value == PROBE_VALUE) {
		if (!atomic_load_explicit(&r->heard[radio], memory_order_relaxed)) {
			atomic_store(&r->heard[radio], true);
			rx_wake(r);
		}
		return;
	}
	if ((value & 0xC000) != 0x8000) {
		r->unknown++;
		return;
	}
	/* Per radio the stream is in order: unwrap the 14-bit sequence. */
	base = r->last_k[radio] + 1;
	k = base + (int64_t)((value - (uint32_t)base) & SEQ_MASK);
	if (k >= r->cap) {
		r->unknown++;
		return;
	}
	if (r->recv_us[(size_t)radio * r->cap + k]) {
		r->dups++;
		return;
	}
	r->recv_us[(size_t)radio * r->cap + k] = t;
	r->last_k[radio] = k;
	atomic_fetch_add_explicit(&r->rx_radio[radio], 1, memory_order_relaxed);
	if (atomic_fetch_add(&r->received, 1) + 1 == atomic_load(&r->target))
		rx_wake(r);
}

/* One message, in the receiver thread (bench_sub.h). */
static void rx_msg(void *data, const char *topic, size_t tl, const uint8_t *body, size_t bl, int64_t t)
{
	struct rx *r = data;
	Tetrabridge__V1__Event *ev;
	int radio;

	if (!body) {
		r->unknown++;
		return;
	}
	radio = topic_radio(topic, tl, "status.r");
	if (!r->bridge) {
		if (radio < 0 || bl < 2)
			r->unknown++;
		else
			rx_status(r, radio, (uint32_t)body[0] << 8 | body[1], t);
		return;
	}
	ev = tetrabridge__v1__event__unpack(NULL, bl, body);
	if (!ev) {
		r->unknown++;
		return;
	}
	if (radio >= 0 && ev->body_case == TETRABRIDGE__V1__EVENT__BODY_STATUS)
		rx_status(r, radio, ev->status->value, t);
	else
		r->unknown++;
	tetrabridge__v1__event__free_unpacked(ev, NULL);
}

static int rx_start(struct rx *r, const char *endpoint, bool bridge, unsigned n, unsigned cap, int efd)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->bridge = bridge;
	r->n = n;
	r->cap = cap;
	r->efd = efd;
	atomic_store(&r->target, UINT64_MAX);
	r->recv_us = calloc((size_t)n * cap, sizeof(*r->recv_us));
	r->last_k = malloc(n * sizeof(*r->last_k));
	if (!r->recv_us || !r->last_k)
		abort();
	for (unsigned i = 0; i < n; i++)
		r->last_k[i] = -1;
	rc = bench_sub_start(&r->sub, endpoint, "status.", 4096, rx_msg, r);
	if (rc < 0)
		fprintf(stderr, "cannot subscribe to %s: %s\n", endpoint, zmq_strerror(-rc));
	return rc;
}

static void rx_free(struct rx *r)
{
	free(r->recv_us);
	free(r->last_k);
	r->recv_us = NULL;
	r->last_k = NULL;
}

/* ---- the loop ------------------------------------------------------------------ */

static int efd_cb(struct osmo_fd *ofd, unsigned int what)
{
	uint64_t v;

	if (read(ofd->fd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing */
	}
	return 0;
}

/* ---- one measured stream ------------------------------------------------------- */

/* A stream: the bridge (statuses printed by the simulated terminals) or the
 * bare pair (messages sent on the PUB socket). The same pacing for both. */
struct stream {
	bool bridge;
	bool flood;
	unsigned n;
	struct bench_pty *radios;	/* bridge */
	void *pub_ctx, *pub;		/* bare */
	struct bench_daemon *dm;	/* bridge, else NULL */
	struct rx rx;
	unsigned cap;			/* per radio: events at most */
	unsigned count;			/* per radio: events to send (paced) */
	int64_t interval_us;
	int64_t *send_us;		/* [radio * cap + k] */
	unsigned sent[MAX_RADIOS];
	uint64_t total_sent;
	uint64_t send_fail;
	/* The pace is a timerfd, not an osmo_timer: osmo_select_main() waits
	 * in whole milliseconds and would spin through the last one before
	 * every send (at 32 x 50/s that is a core). */
	struct osmo_fd pace;
	struct osmo_timer_list probe;
	int64_t start_us, end_us, last_send_us;
	bool done_sending;
};

static void send_one(struct stream *s, unsigned i, uint16_t value, bool measured)
{
	char line[96];

	if (s->bridge) {
		if (!bench_pty_status(&s->radios[i], value, measured ? &s->send_us[(size_t)i * s->cap + s->sent[i]] : NULL))
			s->send_fail++;
	} else {
		uint8_t body[BARE_BODY];
		int tl = snprintf(line, sizeof(line), "status.r%u", i);

		memset(body, 0x5A, sizeof(body));
		body[0] = (uint8_t)(value >> 8);
		body[1] = (uint8_t)value;
		if (measured)
			s->send_us[(size_t)i * s->cap + s->sent[i]] = tb_now_us();
		if (zmq_send(s->pub, line, (size_t)tl, ZMQ_SNDMORE) < 0 ||
		    zmq_send(s->pub, body, sizeof(body), 0) < 0)
			s->send_fail++;
	}
	if (measured) {
		s->sent[i]++;
		s->total_sent++;
		s->last_send_us = tb_now_us();
	}
}

static int64_t due_us(const struct stream *s, unsigned i, unsigned k)
{
	return bench_due_us(s->start_us, s->interval_us, i, s->n, k);
}

/* Fire pace_cb at tb_now_us() time at_us (at once if it has passed). */
static void pace_arm(struct stream *s, int64_t at_us)
{
	if (bench_timerfd_at(s->pace.fd, at_us) < 0)
		abort();
}

static void pace_cb(struct stream *s)
{
	int64_t now = tb_now_us(), next = INT64_MAX;

	if (s->flood) {
		/* Keep FLOOD_WINDOW events in flight per radio until the time is up. */
		bool more = now < s->end_us;
		for (unsigned i = 0; i < s->n && more; i++) {
			unsigned got = atomic_load_explicit(&s->rx.rx_radio[i], memory_order_relaxed);
			while (s->sent[i] < s->cap && s->sent[i] - got < FLOOD_WINDOW)
				send_one(s, i, (uint16_t)(0x8000 | (s->sent[i] & SEQ_MASK)), true);
		}
		if (!more) {
			s->done_sending = true;
			return;
		}
		pace_arm(s, tb_now_us() + 500);
		return;
	}
	s->done_sending = true;
	for (unsigned i = 0; i < s->n; i++) {
		/* Catch up after a late wake-up rather than drift. */
		while (s->sent[i] < s->count && due_us(s, i, s->sent[i]) <= now)
			send_one(s, i, (uint16_t)(0x8000 | (s->sent[i] & SEQ_MASK)), true);
		if (s->sent[i] < s->count) {
			s->done_sending = false;
			if (due_us(s, i, s->sent[i]) < next)
				next = due_us(s, i, s->sent[i]);
		}
	}
	if (!s->done_sending)
		pace_arm(s, next);
}

static int pace_fd_cb(struct osmo_fd *ofd, unsigned int what)
{
	uint64_t expirations;

	if (read(ofd->fd, &expirations, sizeof(expirations)) == sizeof(expirations))
		pace_cb(ofd->data);
	return 0;
}

static unsigned heard_count(struct stream *s)
{
	unsigned h = 0;

	for (unsigned i = 0; i < s->n; i++)
		h += atomic_load(&s->rx.heard[i]);
	return h;
}

/* Until every radio has been heard: a probe on each silent one every
 * PROBE_MS (the PUB/SUB connection and the radio links come up meanwhile). */
static void probe_cb(void *data)
{
	struct stream *s = data;

	for (unsigned i = 0; i < s->n; i++)
		if (!atomic_load(&s->rx.heard[i]))
			send_one(s, i, PROBE_VALUE, false);
	osmo_timer_schedule(&s->probe, 0, PROBE_MS * 1000);
}

static bool synced(void *arg)
{
	struct stream *s = arg;
	return heard_count(s) == s->n || (s->dm && s->dm->exited);
}

static bool sent_and_received(void *arg)
{
	struct stream *s = arg;
	return (s->done_sending && atomic_load(&s->rx.received) >= s->total_sent) || (s->dm && s->dm->exited);
}

static bool all_sent(void *arg)
{
	struct stream *s = arg;
	return s->done_sending || (s->dm && s->dm->exited);
}

struct result {
	bool done;			/* the run completed (figures valid) */
	bool ok;			/* and nothing was lost */
	unsigned n;
	uint64_t sent, received, lost, dups, unknown, send_fail;
	double window_s, rate;
	int64_t p50, p99, max, min;
	int64_t self_cpu_us;		/* this process: terminals / PUB, subscriber */
	/* bridge only */
	int64_t cpu_us;
	long rss_kb, hwm_kb;
	int exit_status;
};

static void stats(struct stream *s, struct result *res)
{
	int64_t *all = malloc((s->total_sent ? s->total_sent : 1) * sizeof(*all));
	int64_t first = INT64_MAX, last = 0;
	size_t m = 0;

	if (!all)
		abort();
	for (unsigned i = 0; i < s->n; i++) {
		for (unsigned k = 0; k < s->sent[i]; k++) {
			int64_t tx = s->send_us[(size_t)i * s->cap + k], rx = s->rx.recv_us[(size_t)i * s->cap + k];
			if (tx < first)
				first = tx;
			if (!rx)
				continue;
			if (rx > last)
				last = rx;
			all[m++] = rx - tx;
		}
	}
	if (g_opt.dump) {
		/* One line per event: stream, radios, radio, k, send time since
		 * the start (us), latency (us, -1: lost). */
		FILE *f = fopen(g_opt.dump, "a");
		for (unsigned i = 0; f && i < s->n; i++)
			for (unsigned k = 0; k < s->sent[i]; k++) {
				int64_t tx = s->send_us[(size_t)i * s->cap + k], rx = s->rx.recv_us[(size_t)i * s->cap + k];
				fprintf(f, "%s%s,%u,%u,%u,%lld,%lld\n", s->bridge ? "bridge" : "bare", s->flood ? "-flood" : "",
					s->n, i, k, (long long)(tx - s->start_us), rx ? (long long)(rx - tx) : -1LL);
			}
		if (f)
			fclose(f);
	}
	bench_sort_i64(all, m);
	if (m < s->total_sent) {
		unsigned shown = 0;

		fprintf(stderr, "%s, %u radio(s): %llu of %llu lost; the first (radio:k):", s->bridge ? "bridge" : "bare",
			s->n, (unsigned long long)(s->total_sent - m), (unsigned long long)s->total_sent);
		for (unsigned i = 0; i < s->n && shown < 20; i++)
			for (unsigned k = 0; k < s->sent[i] && shown < 20; k++)
				if (!s->rx.recv_us[(size_t)i * s->cap + k]) {
					fprintf(stderr, " %u:%u", i, k);
					shown++;
				}
		fprintf(stderr, "\n");
	}
	res->sent = s->total_sent;
	res->received = m;
	res->lost = s->total_sent - m;
	res->dups = s->rx.dups;
	res->unknown = s->rx.unknown;
	res->send_fail = s->send_fail;
	res->window_s = m && last > first ? (last - first) / 1e6 : 0;
	res->rate = res->window_s > 0 ? m / res->window_s : 0;
	if (m) {
		res->p50 = bench_percentile(all, m, 0.5);
		res->p99 = bench_percentile(all, m, 0.99);
		res->max = all[m - 1];
		res->min = all[0];
	}
	free(all);
}

/* One stream with n radios: the bridge (bridge = true) or the bare pair. */
static int run_stream(bool bridge, bool flood, unsigned n, struct result *res, int efd)
{
	static struct stream s;
	static struct bench_pty radios[MAX_RADIOS];
	struct bench_daemon dm;
	char endpoint[160], commands[160], state_dir[300], cfg_path[160], log_path[160];
	int64_t cpu0 = -1, cpu1 = -1, self0;
	int rc = -1;

	memset(&s, 0, sizeof(s));
	memset(res, 0, sizeof(*res));
	res->n = n;
	res->exit_status = -1;
	s.bridge = bridge;
	s.flood = flood;
	s.n = n;
	s.interval_us = 1000000 / g_opt.rate;
	if (flood) {
		s.cap = FLOOD_MAX_TOTAL / n;
		s.count = s.cap;
	} else {
		s.count = g_opt.smoke ? 20 : g_opt.rate * g_opt.seconds;
		s.cap = s.count;
	}
	s.send_us = calloc((size_t)n * s.cap, sizeof(*s.send_us));
	if (!s.send_us)
		abort();
	osmo_fd_setup(&s.pace, timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC), OSMO_FD_READ,
		      pace_fd_cb, &s, 0);
	if (s.pace.fd < 0 || osmo_fd_register(&s.pace) < 0) {
		perror("timerfd");
		abort();
	}
	osmo_timer_setup(&s.probe, probe_cb, &s);

	if (bridge) {
		int err = bench_pty_open(radios, n, g_root, !strcmp(g_opt.log_level, "debug"));

		s.radios = radios;
		s.dm = &dm;
		if (err < 0) {
			fprintf(stderr, "pty: %s\n", strerror(-err));
			goto out_radios;
		}
		snprintf(endpoint, sizeof(endpoint), "ipc://%s/events-%u", g_dir, n);
		snprintf(commands, sizeof(commands), "ipc://%s/commands-%u", g_dir, n);
		/* The journal: in the temporary folder, or under --state-dir. */
		snprintf(state_dir, sizeof(state_dir), "%s/%s-%u", g_opt.state_base ? g_opt.state_base : g_dir,
			 g_opt.state_base ? g_dir + 5 : "var", n);
		snprintf(cfg_path, sizeof(cfg_path), "%s/bridge-%u.cfg", g_dir, n);
		err = bench_pty_write_config(cfg_path, radios, n, g_opt.log_level, 0, endpoint, commands, state_dir);
		if (err < 0) {
			fprintf(stderr, "%s: %s\n", cfg_path, strerror(-err));
			goto out_radios;
		}
		/* Subscribe first: ZeroMQ connects when the daemon binds. */
		if (rx_start(&s.rx, endpoint, true, n, s.cap, efd) < 0)
			goto out_rx;
		snprintf(log_path, sizeof(log_path), "%s/daemon-%u.log", g_dir, n);
		err = bench_daemon_start(&dm, g_opt.daemon, cfg_path, log_path);
		if (err < 0) {
			fprintf(stderr, "cannot start %s: %s\n", g_opt.daemon, strerror(-err));
			goto out_rx;
		}
	} else {
		int zero = 0;

		snprintf(endpoint, sizeof(endpoint), "ipc://%s/bare-%u", g_dir, n);
		s.pub_ctx = zmq_ctx_new();
		s.pub = zmq_socket(s.pub_ctx, ZMQ_PUB);
		zmq_setsockopt(s.pub, ZMQ_LINGER, &zero, sizeof(zero));
		zmq_setsockopt(s.pub, ZMQ_SNDHWM, &zero, sizeof(zero));
		if (zmq_bind(s.pub, endpoint) < 0) {
			fprintf(stderr, "bind %s: %s\n", endpoint, zmq_strerror(errno));
			goto out_rx;
		}
		if (rx_start(&s.rx, endpoint, false, n, s.cap, efd) < 0)
			goto out_rx;
	}

	/* Every radio heard (the links are up: the daemon holds what a terminal
	 * prints during its init until it is online). */
	probe_cb(&s);
	if (!tb_loop_run_until(synced, &s, SYNC_MS) || (s.dm && dm.exited)) {
		fprintf(stderr, "%s, %u radio(s): only %u heard within %d ms%s\n", bridge ? "bridge" : "bare", n,
			heard_count(&s), SYNC_MS, s.dm && dm.exited ? " (the daemon exited)" : "");
		osmo_timer_del(&s.probe);
		goto out_daemon;
	}
	osmo_timer_del(&s.probe);

	/* Measure. */
	if (bridge)
		cpu0 = bench_proc_cpu_us(dm.pid);
	self0 = bench_self_cpu_us();
	s.start_us = tb_now_us();
	s.end_us = s.start_us + (int64_t)g_opt.flood_seconds * 1000000;
	pace_cb(&s);
	tb_loop_run_until_at(all_sent, &s, s.start_us + (flood ? g_opt.flood_seconds + 5 : (int64_t)s.count * s.interval_us / 1000000 + 30) * 1000000LL);
	atomic_store(&s.rx.target, s.total_sent);
	tb_loop_run_until(sent_and_received, &s, DRAIN_MS);
	osmo_fd_unregister(&s.pace);
	res->self_cpu_us = bench_self_cpu_us() - self0;
	if (bridge) {
		cpu1 = bench_proc_cpu_us(dm.pid);
		bench_proc_mem_kb(dm.pid, &res->rss_kb, &res->hwm_kb);
		res->cpu_us = cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : -1;
	}
	rc = 0;

out_daemon:
	if (bridge) {
		bool died = dm.exited;
		res->exit_status = bench_daemon_stop(&dm);
		if (res->exit_status != 0 || died || rc < 0) {
			fprintf(stderr, "tetra-bridged: exit status %d%s\n", res->exit_status,
				died ? " (exited by itself)" : "");
			bench_daemon_print_log(&dm, 0);
			rc = -1;
		}
	}
out_rx:
	bench_sub_stop(&s.rx.sub);
	if (s.pub)
		zmq_close(s.pub);
	if (s.pub_ctx)
		zmq_ctx_term(s.pub_ctx);
	if (rc == 0 && s.rx.recv_us) {
		res->done = true;
		stats(&s, res);
		res->ok = res->lost == 0 && res->send_fail == 0;
		if (bridge && res->lost)
			bench_daemon_print_log(&dm, 0);
	}
	rx_free(&s.rx);
	if (bridge && g_opt.state_base) {
		char var[300];

		snprintf(var, sizeof(var), "%s/%s-%u", g_opt.state_base, g_dir + 5, n);
		tb_tmpdir_remove(var);
	}
out_radios:
	if (osmo_fd_is_registered(&s.pace))
		osmo_fd_unregister(&s.pace);
	close(s.pace.fd);
	if (bridge)
		bench_pty_close(radios, n);
	free(s.send_us);
	return rc;
}

/* ---- output ----------------------------------------------------------------------- */

static void print_row(const char *what, const struct result *r)
{
	if (!r->done) {
		printf("%-15s %6u   run failed (see above)\n", what, r->n);
		return;
	}
	printf("%-15s %6u %6llu %6llu %5llu %9.1f %7.0f %7.0f %7.0f %7.0f", what, r->n, (unsigned long long)r->sent,
	       (unsigned long long)r->received, (unsigned long long)r->lost, r->rate, (double)r->p50, (double)r->p99,
	       (double)r->max, (double)r->min);
	if (r->dups || r->unknown || r->send_fail)
		printf("   (dup %llu, other %llu, send failures %llu)", (unsigned long long)r->dups,
		       (unsigned long long)r->unknown, (unsigned long long)r->send_fail);
	printf("\n");
}

static void print_daemon(const struct result *r)
{
	double window = r->window_s, pct = -1, per_ev = -1;

	if (r->cpu_us >= 0 && window > 0)
		pct = 100.0 * (double)r->cpu_us / (window * 1e6);
	if (r->cpu_us >= 0 && r->received)
		per_ev = (double)r->cpu_us / (double)r->received;
	if (!r->done)
		return;
	printf("  daemon: cpu %.2f %% of one core (%.1f us/event, %lld ms over %.1f s), VmRSS %.1f MB, VmHWM %.1f MB,"
	       " exit %d\n",
	       pct, per_ev, (long long)(r->cpu_us / 1000), window, r->rss_kb / 1024.0, r->hwm_kb / 1024.0,
	       r->exit_status);
}

static void verdict(bool met, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void verdict(bool met, const char *fmt, ...)
{
	va_list ap;

	printf("  %s  ", met ? "PASS" : "MISS");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void print_compare(const struct result *b, const struct result *z)
{
	double pct = b->cpu_us >= 0 && b->window_s > 0 ? 100.0 * (double)b->cpu_us / (b->window_s * 1e6) : -1;
	int64_t added50 = b->p50 - z->p50, added99 = b->p99 - z->p99;

	if (!b->done || !z->done)
		return;
	printf("  this process (terminals + subscriber / PUB + subscriber): %.1f / %.1f us per event\n",
	       b->received ? (double)b->self_cpu_us / (double)b->received : 0.0,
	       z->received ? (double)z->self_cpu_us / (double)z->received : 0.0);

	printf("  bridge/bare: p50 x%.2f, p99 x%.2f; added by the bridge (journal included): p50 %+lld us"
	       " (bare p50 %lld us), p99 %+lld us (bare p99 %lld us)\n",
	       z->p50 ? (double)b->p50 / (double)z->p50 : 0.0, z->p99 ? (double)b->p99 / (double)z->p99 : 0.0,
	       (long long)added50, (long long)z->p50, (long long)added99, (long long)z->p99);
	if (g_opt.smoke)
		return;
	if (b->n >= 32 && g_opt.rate >= 50)
		verdict(b->p99 < 1000, "p99 %lld us < 1000 us at %u radios x %u events/s", (long long)b->p99, b->n,
			g_opt.rate);
	else
		printf("  (p99 goal is for 32 radios x 50/s) p99 %lld us %s 1000 us\n", (long long)b->p99,
		       b->p99 < 1000 ? "<" : ">=");
	verdict(added50 <= z->p50, "added latency p50 %lld us <= bare pair's p50 %lld us", (long long)added50,
		(long long)z->p50);
	verdict(pct >= 0 && pct < 5.0, "daemon cpu %.2f %% < 5 %% of one core", pct);
	verdict(b->hwm_kb >= 0 && b->hwm_kb < 16 * 1024, "daemon resident peak (VmHWM) %.1f MB < 16 MB",
		b->hwm_kb / 1024.0);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bench_dispatch [--radios 1,32] [--rate N] [--seconds S] [--flood] [--flood-seconds S]\n"
		"                      [--daemon PATH] [--smoke]\n"
		"Events/s, latency, CPU and memory of tetra-bridged (a child, journal on) from simulated\n"
		"terminals on ptys to a ZeroMQ subscriber, against a bare ZeroMQ PUB/SUB pair.\n"
		"  --radios L        runs, by number of radios (default 1,32; at most %d runs of at most %d)\n"
		"  --rate N          events per second per radio (default 50)\n"
		"  --seconds S       measured seconds per run (default 20)\n"
		"  --flood           also a throughput run per radio count: %d events in flight per radio\n"
		"  --flood-seconds S length of a flood run (default 5)\n"
		"  --daemon PATH     tetra-bridged to run (default %s)\n"
		"  --daemon-log L    its log level (default notice; its log is shown when events are lost)\n"
		"  --dump FILE       append every event to FILE: stream,radios,radio,k,send_us,latency_us\n"
		"  --state-dir DIR   put the journals under DIR (e.g. /dev/shm; removed after) instead of\n"
		"                    the temporary folder under /tmp\n"
		"  --smoke           2 radios, 20 events each: check that all arrive (ctest)\n",
		MAX_RUNS, MAX_RADIOS, FLOOD_WINDOW, TB_DAEMON_PATH);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "radios", required_argument, NULL, 'r' },
		{ "rate", required_argument, NULL, 'R' },
		{ "seconds", required_argument, NULL, 'S' },
		{ "flood", no_argument, NULL, 'f' },
		{ "flood-seconds", required_argument, NULL, 'F' },
		{ "daemon", required_argument, NULL, 'd' },
		{ "smoke", no_argument, NULL, 's' },
		{ "daemon-log", required_argument, NULL, 'L' },
		{ "dump", required_argument, NULL, 'D' },
		{ "state-dir", required_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct osmo_fd efd_ofd;
	int opt, rc = 0, efd;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			if (!bench_parse_counts(optarg, 1, MAX_RADIOS, g_opt.radios, MAX_RUNS, &g_opt.nruns)) {
				usage(stderr);
				return 64;
			}
			break;
		case 'R':
			if (!bench_parse_uint(optarg, 1, 1000, &g_opt.rate)) {
				usage(stderr);
				return 64;
			}
			break;
		case 'S':
			if (!bench_parse_uint(optarg, 1, 3600, &g_opt.seconds)) {
				usage(stderr);
				return 64;
			}
			break;
		case 'F':
			if (!bench_parse_uint(optarg, 1, 600, &g_opt.flood_seconds)) {
				usage(stderr);
				return 64;
			}
			break;
		case 'f':
			g_opt.flood = true;
			break;
		case 'd':
			g_opt.daemon = optarg;
			break;
		case 's':
			g_opt.smoke = true;
			break;
		case 'L':
			g_opt.log_level = optarg;
			break;
		case 'D':
			g_opt.dump = optarg;
			break;
		case 'V':
			g_opt.state_base = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 64;
		}
	}
	if (g_opt.smoke) {
		g_opt.radios[0] = 2;
		g_opt.nruns = 1;
		g_opt.flood = false;
	}

	signal(SIGPIPE, SIG_IGN);
	g_root = bench_setup("bench_dispatch", "tbdisp", g_dir, sizeof(g_dir));
	if (!g_root) {
		perror("cannot set up logging and a temporary folder in /tmp");
		return 1;
	}
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (efd < 0) {
		perror("eventfd");
		return 1;
	}
	osmo_fd_setup(&efd_ofd, efd, OSMO_FD_READ, efd_cb, NULL, 0);
	osmo_fd_register(&efd_ofd);

	printf("bench_dispatch: simulated terminals (pty, this process) -> tetra-bridged (child, tty transport,\n"
	       "  journal: SQLite WAL under %s) -> ZeroMQ ipc:// -> SUB thread in this process;\n"
	       "  baseline: bare ZeroMQ PUB (this thread) -> ipc:// -> SUB thread, same messages, same pace\n",
	       g_opt.state_base ? g_opt.state_base : g_dir);
	bench_print_command("command:", argc, argv);
	printf("daemon: %s\nbuilt: %s\n", g_opt.daemon, TB_BENCH_FLAGS);
	bench_print_cpu();
	bench_print_loadavg("before");
	if (g_opt.smoke)
		printf("smoke: 2 radios, 20 events each; only arrival is checked\n");
	else
		printf("load: %u events/s per radio (phases spread), %u s per run%s\n", g_opt.rate, g_opt.seconds,
		       g_opt.flood ? "; flood runs: 64 in flight per radio" : "");
	printf("latency: before the pty write (bridge) / zmq_send (bare) -> zmq_recv returned in the SUB thread\n\n");
	printf("%-15s %6s %6s %6s %5s %9s %7s %7s %7s %7s\n", "stream", "radios", "sent", "recv", "lost", "events/s",
	       "p50_us", "p99_us", "max_us", "min_us");
	fflush(stdout);

	for (unsigned i = 0; i < g_opt.nruns; i++) {
		struct result b, z;
		unsigned n = g_opt.radios[i];

		if (run_stream(true, false, n, &b, efd) < 0 || !b.ok)
			rc = 1;
		if (run_stream(false, false, n, &z, efd) < 0 || !z.ok)
			rc = 1;
		print_row("bridge+journal", &b);
		print_row("bare PUB/SUB", &z);
		print_daemon(&b);
		print_compare(&b, &z);
		if (g_opt.flood) {
			if (run_stream(true, true, n, &b, efd) < 0)
				rc = 1;
			if (run_stream(false, true, n, &z, efd) < 0)
				rc = 1;
			print_row("bridge flood", &b);
			print_row("bare flood", &z);
			print_daemon(&b);
		}
		printf("\n");
		fflush(stdout);
	}
	bench_print_loadavg("after");
	if (g_opt.smoke)
		printf("smoke: %s\n", rc ? "FAILED (events lost or the daemon failed)" : "all events arrived");

	osmo_fd_unregister(&efd_ofd);
	close(efd);
	bench_teardown(g_root, g_dir);
	return rc;
}
