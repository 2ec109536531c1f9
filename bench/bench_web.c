/* tetra-web benchmark: how one tetra-web fans the bridge's events out to
 * many browsers, and how long a fresh page takes to get a board with many
 * open call-outs.
 *
 * Everything runs on this machine: simulated terminals on ptys in this
 * process (bench_pty.h), the real tetra-bridged as a child (journal on,
 * plain ipc:// sockets, so every command client is an admin), the real
 * tetra-web as a child (plain HTTP on 127.0.0.1 with `insecure`, a users
 * file written by `tetractl web-user add --password-stdin`, the bridge as
 * its one bridge), and in this process a ZeroMQ subscriber of the bridge's
 * events (a thread, bench_sub.h) and the WebSocket clients (one
 * libwebsockets client context in a thread of its own, every client on
 * the session cookie of one POST /api/login).
 *
 * Fan-out, per --rates entry: the radios print statuses at that many
 * events per second in total (the radios' phases spread), for --seconds.
 * For every event, latency = the time it arrived - Event.time_us (the
 * bridge's receive time, CLOCK_REALTIME of the same machine): at the
 * direct subscriber when zmq_recv() returned it, at each WebSocket client
 * when the last fragment of its message arrived ({"type":"event",
 * "event":{"seq":"..","timeUs":"..",...}}, read by a scan of the text and
 * checked with jansson every CHECK_EVERY messages). Every client must get
 * every event the direct subscriber got in the window (missing ones are
 * counted). tetra-web's CPU (utime + stime, /proc/PID/stat) over the
 * window, its VmRSS and VmHWM at the end.
 *
 * Fresh page: --callouts call-outs created through the bridge's command
 * socket (CalloutCreate, --responders each, all different SSIs, spread
 * over the radios; the alerts go out by text and the config has no
 * re-alerts and a day's answer deadline, so the board stays still); then
 * a fresh WebSocket client, from before connect() to the snapshot fully
 * received and parsed by jansson, --snapshots times; and with --page
 * SCRIPT, bench/bench_web_page.py (headless chromium through selenium)
 * against the same tetra-web: the time a browser takes from navigation to
 * every call-out card on the board.
 *
 *   bench_web [--radios 32] [--rates 50,200,400] [--seconds 30] [--clients 200]
 *             [--callouts 1000] [--responders 10] [--snapshots 5] [--page SCRIPT]
 *             [--smoke]
 *
 * --smoke (ctest bench_web_smoke, sanitizer build): 2 radios, 20 events/s
 * for 2 s, 5 clients, 10 call-outs: checks that every client gets every
 * event and the snapshot holds every call-out; nothing is timed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <libwebsockets.h>
#include <zmq.h>

#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>

#include "ipc/tetra_bridge.pb-c.h"
#include "tests/lib/child.h"
#include "tests/lib/loop.h"
#include "bench_daemon.h"
#include "bench_pty.h"
#include "bench_sub.h"
#include "bench_util.h"

#ifndef TB_WEB_PATH
#define TB_WEB_PATH "tetra-web"
#endif
#ifndef TB_CTL_PATH
#define TB_CTL_PATH "tetractl"
#endif
#ifndef TB_WEB_STATIC
#define TB_WEB_STATIC "web/static"
#endif

#define MAX_RADIOS 64
#define MAX_RATES 4
#define MAX_CLIENTS 1000
#define SYNC_MS 30000		/* daemon start-up, links, tetra-web's bridge link, all snapshots */
#define DRAIN_MS 10000		/* after the last send: what has not arrived is missing */
#define PROBE_MS 100
#define PROBE_VALUE 0xFFFF
#define CHECK_EVERY 64		/* WebSocket messages: one in this many also parsed by jansson */
#define NOT_RECEIVED INT32_MIN
#define USER "bench"
#define PASSWORD "bench-web-passord-123"
#define RESPONDER_SSI_BASE 200000

static struct {
	unsigned radios;
	unsigned rates[MAX_RATES];
	unsigned nrates;
	unsigned seconds;
	unsigned clients;
	unsigned callouts;
	unsigned responders;
	unsigned snapshots;
	const char *page;
	bool smoke;
	const char *bridge, *web, *ctl, *static_dir;
} g_opt = { 32, { 50, 200, 400 }, 3, 30, 200, 1000, 10, 5, NULL, false,
	    TB_DAEMON_PATH, TB_WEB_PATH, TB_CTL_PATH, TB_WEB_STATIC };

static void *g_root;
static char g_dir[32];
static char g_events[160], g_commands[160];
static int g_web_port;
static char g_cookie[256];

static int64_t real_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- the direct subscriber (a thread) ------------------------------------------- */

static struct {
	struct bench_sub sub;
	unsigned n;
	_Atomic bool heard[MAX_RADIOS];
	_Atomic uint64_t max_seq;
	_Atomic uint64_t base;		/* latencies recorded for seq >= base (UINT64_MAX: none) */
	_Atomic bool measuring;
	atomic_uint_fast64_t statuses;	/* measured statuses (not probes) while measuring */
	unsigned cap;
	int32_t *lat;			/* [seq - base], NOT_RECEIVED */
	uint64_t beyond, unknown;
} g_direct;

static int topic_radio(const char *t, size_t len)
{
	unsigned v = 0;

	if (len <= 8 || memcmp(t, "status.r", 8))
		return -1;
	for (size_t i = 8; i < len; i++) {
		if (t[i] < '0' || t[i] > '9' || v > MAX_RADIOS)
			return -1;
		v = v * 10 + (unsigned)(t[i] - '0');
	}
	return v < MAX_RADIOS ? (int)v : -1;
}

static void direct_msg(void *data, const char *topic, size_t tl, const uint8_t *body, size_t bl, int64_t t_mono)
{
	int64_t now = real_us();
	Tetrabridge__V1__Event *ev;
	uint64_t base;

	if (!body || !(ev = tetrabridge__v1__event__unpack(NULL, bl, body))) {
		g_direct.unknown++;
		return;
	}
	if (ev->seq > atomic_load(&g_direct.max_seq))
		atomic_store(&g_direct.max_seq, ev->seq);
	base = atomic_load(&g_direct.base);
	if (ev->seq >= base) {
		if (ev->seq - base < g_direct.cap)
			g_direct.lat[ev->seq - base] = (int32_t)(now - (int64_t)ev->time_us);
		else
			g_direct.beyond++;
	}
	if (ev->body_case == TETRABRIDGE__V1__EVENT__BODY_STATUS) {
		int radio = topic_radio(topic, tl);

		if (ev->status->value == PROBE_VALUE && radio >= 0)
			atomic_store(&g_direct.heard[radio], true);
		else if ((ev->status->value & 0xC000) == 0x8000 && atomic_load(&g_direct.measuring))
			atomic_fetch_add(&g_direct.statuses, 1);
	}
	tetrabridge__v1__event__free_unpacked(ev, NULL);
}

/* ---- WebSocket clients (one lws context in a thread) ---------------------------- */

struct wsrun;

struct wsc {
	struct wsrun *run;
	unsigned idx;
	char *buf;
	size_t len, size;
	bool snapshot, closed, failed;
	int64_t t_connect, t_snapshot;	/* tb_now_us(): before connect, the snapshot parsed */
	size_t snapshot_bytes;
	long snapshot_callouts;		/* -1: not counted */
	int32_t *lat;			/* [seq - base], NOT_RECEIVED */
	_Atomic uint64_t max_seq;
	uint64_t received, other, beyond;
};

struct wsrun {
	pthread_t th;
	bool started;
	unsigned n;
	struct wsc *c;
	bool count_callouts;		/* parse the snapshot (jansson) and count its call-outs */
	bool stop_after_snapshot;
	unsigned cap;
	_Atomic uint64_t base;
	_Atomic bool stop;
	atomic_uint snapshots, closed, failed;
	pthread_mutex_t lock;		/* ctx, between the thread and ws_stop() */
	struct lws_context *ctx;
	_Atomic bool ctx_ready;
	uint64_t checked, check_failed, unparsed;
};

static bool scan_u64(const char *s, const char *end, const char *key, uint64_t *out)
{
	size_t kl = strlen(key);
	const char *p = memmem(s, (size_t)(end - s), key, kl);
	uint64_t v = 0;

	if (!p)
		return false;
	p += kl;
	if (p >= end || *p < '0' || *p > '9')
		return false;
	while (p < end && *p >= '0' && *p <= '9')
		v = v * 10 + (uint64_t)(*p++ - '0');
	*out = v;
	return true;
}

/* The same numbers through jansson: the scan reads what the JSON says. */
static bool check_event(const char *text, size_t len, uint64_t seq, uint64_t tus)
{
	json_t *j = json_loadb(text, len, 0, NULL);
	const char *s = NULL, *t = NULL;
	bool ok;

	ok = j && json_unpack(j, "{s:{s:s, s:s}}", "event", "seq", &s, "timeUs", &t) == 0 &&
	     strtoull(s, NULL, 10) == seq && strtoull(t, NULL, 10) == tus;
	json_decref(j);
	return ok;
}

static void ws_message(struct wsc *c, int64_t now_real)
{
	struct wsrun *r = c->run;
	const char *end = c->buf + c->len;
	uint64_t seq, tus, base;

	if (!c->snapshot) {
		if (c->len < 20 || memcmp(c->buf, "{\"type\":\"snapshot\"", 18)) {
			c->other++;
			return;
		}
		c->snapshot_bytes = c->len;
		c->snapshot_callouts = -1;
		if (r->count_callouts) {
			json_t *j = json_loadb(c->buf, c->len, 0, NULL);

			c->snapshot_callouts = j ? (long)json_array_size(json_object_get(j, "callouts")) : -1;
			json_decref(j);
		}
		c->t_snapshot = tb_now_us();
		c->snapshot = true;
		atomic_fetch_add(&r->snapshots, 1);
		return;
	}
	if (c->len < 16 || memcmp(c->buf, "{\"type\":\"event\"", 15)) {
		c->other++;
		return;
	}
	{
		const char *ev = memmem(c->buf, c->len, "\"event\":{", 9);

		if (!ev || !scan_u64(ev, end, "\"seq\":\"", &seq) || !scan_u64(ev, end, "\"timeUs\":\"", &tus)) {
			r->unparsed++;
			return;
		}
	}
	if (++c->received % CHECK_EVERY == 1) {
		r->checked++;
		if (!check_event(c->buf, c->len, seq, tus))
			r->check_failed++;
	}
	if (seq > atomic_load_explicit(&c->max_seq, memory_order_relaxed))
		atomic_store(&c->max_seq, seq);
	base = atomic_load_explicit(&r->base, memory_order_relaxed);
	if (seq >= base) {
		if (seq - base < r->cap)
			c->lat[seq - base] = (int32_t)(now_real - (int64_t)tus);
		else
			c->beyond++;
	}
}

static int ws_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct wsc *c = user;

	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
		unsigned char **p = in, *end = *p + len;

		if (lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_COOKIE, (const unsigned char *)g_cookie,
						 (int)strlen(g_cookie), p, end))
			return -1;
		break;
	}
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (!c)
			break;
		if (c->len + len > c->size) {
			size_t ns = c->size ? c->size : 4096;

			while (ns < c->len + len)
				ns *= 2;
			c->buf = realloc(c->buf, ns);
			if (!c->buf)
				abort();
			c->size = ns;
		}
		memcpy(c->buf + c->len, in, len);
		c->len += len;
		if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
			ws_message(c, real_us());
			c->len = 0;
			if (c->run->stop_after_snapshot && c->snapshot)
				return -1;
		}
		break;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		if (c && !c->failed) {
			c->failed = true;
			atomic_fetch_add(&c->run->failed, 1);
			fprintf(stderr, "WebSocket client %u: %s\n", c->idx, in ? (const char *)in : "connection error");
		}
		break;
	case LWS_CALLBACK_CLIENT_CLOSED:
		/* Closed by the server, not by ws_stop(). */
		if (c && !c->closed && !atomic_load(&c->run->stop)) {
			c->closed = true;
			atomic_fetch_add(&c->run->closed, 1);
		}
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols ws_protocols[] = {
	{ "tetra-web.v1", ws_cb, 0, 65536, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void *ws_main(void *arg)
{
	struct wsrun *r = arg;
	struct lws_context_creation_info info;
	char host[64];

	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = ws_protocols;
	info.gid = -1;
	info.uid = -1;
	r->ctx = lws_create_context(&info);
	atomic_store(&r->ctx_ready, true);
	if (!r->ctx) {
		fprintf(stderr, "lws_create_context failed\n");
		atomic_store(&r->failed, r->n);
		return NULL;
	}
	snprintf(host, sizeof(host), "127.0.0.1:%d", g_web_port);
	for (unsigned i = 0; i < r->n; i++) {
		struct lws_client_connect_info ci;
		struct wsc *c = &r->c[i];

		memset(&ci, 0, sizeof(ci));
		ci.context = r->ctx;
		ci.address = "127.0.0.1";
		ci.port = g_web_port;
		ci.path = "/ws";
		ci.host = host;
		ci.origin = host;	/* lws writes "Origin: http://<origin>" */
		ci.protocol = "tetra-web.v1";
		ci.userdata = c;
		c->t_connect = tb_now_us();
		if (!lws_client_connect_via_info(&ci) && !c->failed) {
			c->failed = true;
			atomic_fetch_add(&r->failed, 1);
		}
	}
	while (!atomic_load(&r->stop)) {
		if (r->stop_after_snapshot && atomic_load(&r->snapshots) + atomic_load(&r->failed) >= r->n)
			break;
		lws_service(r->ctx, 0);
	}
	{
		struct lws_context *ctx;

		pthread_mutex_lock(&r->lock);
		ctx = r->ctx;
		r->ctx = NULL;
		pthread_mutex_unlock(&r->lock);
		lws_context_destroy(ctx);
	}
	return NULL;
}

static int ws_start(struct wsrun *r, unsigned n, unsigned cap, bool count_callouts, bool stop_after_snapshot)
{
	memset(r, 0, sizeof(*r));
	r->n = n;
	r->cap = cap;
	r->count_callouts = count_callouts;
	r->stop_after_snapshot = stop_after_snapshot;
	atomic_store(&r->base, UINT64_MAX);
	pthread_mutex_init(&r->lock, NULL);
	r->c = calloc(n, sizeof(*r->c));
	if (!r->c)
		abort();
	for (unsigned i = 0; i < n; i++) {
		r->c[i].run = r;
		r->c[i].idx = i;
		if (cap) {
			r->c[i].lat = malloc(cap * sizeof(int32_t));
			if (!r->c[i].lat)
				abort();
			for (unsigned k = 0; k < cap; k++)
				r->c[i].lat[k] = NOT_RECEIVED;
		}
	}
	if (pthread_create(&r->th, NULL, ws_main, r) != 0)
		return -1;
	r->started = true;
	return 0;
}

static void ws_stop(struct wsrun *r)
{
	if (!r->started)
		return;
	atomic_store(&r->stop, true);
	/* lws_cancel_service() is the one lws call safe from another thread. */
	while (!atomic_load(&r->ctx_ready))
		usleep(1000);
	pthread_mutex_lock(&r->lock);
	if (r->ctx)
		lws_cancel_service(r->ctx);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->th, NULL);
	r->started = false;
}

static void ws_free(struct wsrun *r)
{
	for (unsigned i = 0; r->c && i < r->n; i++) {
		free(r->c[i].buf);
		free(r->c[i].lat);
	}
	free(r->c);
	r->c = NULL;
	pthread_mutex_destroy(&r->lock);
}

/* ---- HTTP with a plain socket (login, /healthz) -------------------------------- */

/* Send req to tetra-web, read the whole response (Connection: close) into
 * out. Returns the HTTP status, or -1. */
static int http(const char *req, char *out, size_t size)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)g_web_port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), status = -1;
	size_t len = 0, rl = strlen(req);
	int64_t deadline = tb_now_us() + 10000000;

	out[0] = '\0';
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || write(fd, req, rl) != (ssize_t)rl) {
		close(fd);
		return -1;
	}
	while (len < size - 1 && tb_now_us() < deadline) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = read(fd, out + len, size - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	out[len] = '\0';
	close(fd);
	if (sscanf(out, "HTTP/1.1 %d", &status) != 1)
		status = -1;
	return status;
}

static bool web_healthy(void *arg)
{
	struct bench_daemon *web = arg;
	char req[128], out[2048];

	if (web->exited)
		return true;
	snprintf(req, sizeof(req), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n",
		 g_web_port);
	return http(req, out, sizeof(out)) == 200;
}

static int login(void)
{
	char body[128], req[512], out[4096];
	const char *p, *e;
	int status;

	snprintf(body, sizeof(body), "{\"user\":\"%s\",\"password\":\"%s\"}", USER, PASSWORD);
	snprintf(req, sizeof(req),
		 "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nOrigin: http://127.0.0.1:%d\r\n"
		 "Content-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
		 g_web_port, g_web_port, strlen(body), body);
	status = http(req, out, sizeof(out));
	p = strcasestr(out, "\r\nset-cookie: ");
	if (status != 200 || !p) {
		fprintf(stderr, "login: HTTP %d\n%s\n", status, out);
		return -1;
	}
	p += 14;
	e = strpbrk(p, ";\r");
	if (!e || (size_t)(e - p) >= sizeof(g_cookie))
		return -1;
	memcpy(g_cookie, p, (size_t)(e - p));
	g_cookie[e - p] = '\0';
	return 0;
}

/* ---- the load --------------------------------------------------------------------- */

struct load {
	struct bench_pty *radios;
	unsigned n;
	unsigned count[MAX_RADIOS];	/* per radio: statuses to send */
	unsigned sent[MAX_RADIOS];
	uint64_t total, send_fail;
	int64_t start_us, interval_us;	/* per radio */
	struct osmo_fd pace;
	struct osmo_timer_list probe;
	bool done;
};

static void pace_cb(struct load *l)
{
	int64_t now = tb_now_us(), next = INT64_MAX;

	l->done = true;
	for (unsigned i = 0; i < l->n; i++) {
		while (l->sent[i] < l->count[i] && bench_due_us(l->start_us, l->interval_us, i, l->n, l->sent[i]) <= now) {
			if (!bench_pty_status(&l->radios[i], (uint16_t)(0x8000 | (l->sent[i] & 0x3FFF)), NULL))
				l->send_fail++;
			l->sent[i]++;
			l->total++;
		}
		if (l->sent[i] < l->count[i]) {
			int64_t due = bench_due_us(l->start_us, l->interval_us, i, l->n, l->sent[i]);

			l->done = false;
			if (due < next)
				next = due;
		}
	}
	if (!l->done && bench_timerfd_at(l->pace.fd, next) < 0)
		abort();
}

static int pace_fd_cb(struct osmo_fd *ofd, unsigned int what)
{
	uint64_t exp;

	if (read(ofd->fd, &exp, sizeof(exp)) == sizeof(exp))
		pace_cb(ofd->data);
	return 0;
}

static void probe_cb(void *data)
{
	struct load *l = data;

	for (unsigned i = 0; i < l->n; i++)
		if (!atomic_load(&g_direct.heard[i]))
			bench_pty_status(&l->radios[i], PROBE_VALUE, NULL);
	osmo_timer_schedule(&l->probe, 0, PROBE_MS * 1000);
}

/* ---- conditions for the loop ---------------------------------------------------- */

/* The threads (subscriber, WebSocket clients) do not wake the loop: a
 * timerfd every TICK_MS does, so the conditions below are looked at. A
 * timerfd, not an osmo_timer, which would spin through its last ms. */
#define TICK_MS 10

static int tick_cb(struct osmo_fd *ofd, unsigned int what)
{
	uint64_t exp;

	if (read(ofd->fd, &exp, sizeof(exp)) < 0) {
		/* EAGAIN: nothing */
	}
	return 0;
}

static int tick_start(struct osmo_fd *ofd)
{
	struct itimerspec its = { .it_interval = { 0, TICK_MS * 1000000L }, .it_value = { 0, TICK_MS * 1000000L } };
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);

	if (fd < 0 || timerfd_settime(fd, 0, &its, NULL) < 0)
		return -errno;
	osmo_fd_setup(ofd, fd, OSMO_FD_READ, tick_cb, NULL, 0);
	return osmo_fd_register(ofd);
}

struct procs {
	struct bench_daemon *bridge, *web;
};

static bool died(const struct procs *p)
{
	return p->bridge->exited || (p->web && p->web->pid && p->web->exited);
}

struct wait_ctx {
	struct procs *p;
	struct load *l;
	struct wsrun *ws;
	uint64_t seq_last;
	unsigned n;
};

static bool all_heard(void *arg)
{
	struct wait_ctx *w = arg;
	unsigned h = 0;

	for (unsigned i = 0; i < w->n; i++)
		h += atomic_load(&g_direct.heard[i]);
	return h == w->n || died(w->p);
}

static bool all_snapshots(void *arg)
{
	struct wait_ctx *w = arg;

	return atomic_load(&w->ws->snapshots) + atomic_load(&w->ws->failed) >= w->ws->n || died(w->p);
}

static bool load_sent(void *arg)
{
	struct wait_ctx *w = arg;

	return w->l->done || died(w->p);
}

static bool direct_drained(void *arg)
{
	struct wait_ctx *w = arg;

	return atomic_load(&g_direct.statuses) >= w->l->total || died(w->p);
}

static bool clients_drained(void *arg)
{
	struct wait_ctx *w = arg;

	for (unsigned i = 0; i < w->ws->n; i++) {
		struct wsc *c = &w->ws->c[i];

		if (!c->failed && !c->closed && atomic_load(&c->max_seq) < w->seq_last)
			return died(w->p);
	}
	return true;
}

/* ---- fan-out run ------------------------------------------------------------------ */

struct lat {
	size_t n;
	int64_t p50, p99, max;
};

static void lat_of(int64_t *v, size_t n, struct lat *out)
{
	memset(out, 0, sizeof(*out));
	out->n = n;
	if (!n)
		return;
	bench_sort_i64(v, n);
	out->p50 = bench_percentile(v, n, 0.5);
	out->p99 = bench_percentile(v, n, 0.99);
	out->max = v[n - 1];
}

static int fanout(struct procs *p, struct bench_pty *radios, unsigned rate, bool *ok)
{
	static struct load l;
	struct wsrun ws;
	struct wait_ctx w = { .p = p, .l = &l, .ws = &ws, .n = g_opt.radios };
	unsigned total = rate * g_opt.seconds, cap = total + total / 2 + 2000;
	int64_t web0, web1, br0, br1, self0, self1, t0, t1;
	long rss = -1, hwm = -1;
	uint64_t base, span, direct_got = 0, missing = 0, min_got = UINT64_MAX, max_got = 0, beyond = 0, other = 0;
	unsigned clients_missing = 0, closed, failed;
	int64_t *dv, *wv;
	size_t dn = 0, wn = 0;
	struct lat dl, wl;
	double window;

	/* The direct subscriber's record for this run. */
	g_direct.cap = cap;
	g_direct.lat = malloc(cap * sizeof(int32_t));
	if (!g_direct.lat)
		abort();
	for (unsigned k = 0; k < cap; k++)
		g_direct.lat[k] = NOT_RECEIVED;

	if (ws_start(&ws, g_opt.clients, cap, false, false) < 0) {
		fprintf(stderr, "cannot start the WebSocket thread\n");
		return -1;
	}
	if (!tb_loop_run_until(all_snapshots, &w, SYNC_MS) || died(p) || atomic_load(&ws.failed)) {
		fprintf(stderr, "%u of %u WebSocket clients got their snapshot (%u failed)\n",
			atomic_load(&ws.snapshots), ws.n, atomic_load(&ws.failed));
		ws_stop(&ws);
		ws_free(&ws);
		return -1;
	}

	/* Measure from the next event on. */
	memset(&l, 0, sizeof(l));
	l.radios = radios;
	l.n = g_opt.radios;
	l.interval_us = (int64_t)l.n * 1000000 / rate;
	for (unsigned i = 0; i < l.n; i++)
		l.count[i] = total / l.n + (i < total % l.n);
	osmo_fd_setup(&l.pace, timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC), OSMO_FD_READ, pace_fd_cb,
		      &l, 0);
	if (l.pace.fd < 0 || osmo_fd_register(&l.pace) < 0)
		abort();
	base = atomic_load(&g_direct.max_seq) + 1;
	atomic_store(&g_direct.base, base);
	atomic_store(&ws.base, base);
	atomic_store(&g_direct.statuses, 0);
	atomic_store(&g_direct.measuring, true);
	web0 = bench_proc_cpu_us(p->web->pid);
	br0 = bench_proc_cpu_us(p->bridge->pid);
	self0 = bench_self_cpu_us();
	t0 = tb_now_us();
	l.start_us = t0;
	pace_cb(&l);
	tb_loop_run_until_at(load_sent, &w, t0 + ((int64_t)g_opt.seconds + 30) * 1000000);
	tb_loop_run_until(direct_drained, &w, DRAIN_MS);
	w.seq_last = atomic_load(&g_direct.max_seq);
	tb_loop_run_until(clients_drained, &w, DRAIN_MS);
	t1 = tb_now_us();
	web1 = bench_proc_cpu_us(p->web->pid);
	br1 = bench_proc_cpu_us(p->bridge->pid);
	self1 = bench_self_cpu_us();
	bench_proc_mem_kb(p->web->pid, &rss, &hwm);
	atomic_store(&g_direct.measuring, false);
	atomic_store(&g_direct.base, UINT64_MAX);
	ws_stop(&ws);
	osmo_fd_unregister(&l.pace);
	close(l.pace.fd);

	/* What arrived. */
	span = w.seq_last >= base ? w.seq_last - base + 1 : 0;
	if (span > cap)
		span = cap;
	dv = malloc((span + 1) * sizeof(*dv));
	wv = malloc(((size_t)span * ws.n + 1) * sizeof(*wv));
	if (!dv || !wv)
		abort();
	for (uint64_t k = 0; k < span; k++)
		if (g_direct.lat[k] != NOT_RECEIVED) {
			dv[dn++] = g_direct.lat[k];
			direct_got++;
		}
	for (unsigned i = 0; i < ws.n; i++) {
		struct wsc *c = &ws.c[i];
		uint64_t got = 0, miss = 0;

		for (uint64_t k = 0; k < span; k++) {
			if (c->lat[k] != NOT_RECEIVED) {
				wv[wn++] = c->lat[k];
				got++;
			} else if (g_direct.lat[k] != NOT_RECEIVED) {
				miss++;
			}
		}
		missing += miss;
		clients_missing += miss > 0;
		if (got < min_got)
			min_got = got;
		if (got > max_got)
			max_got = got;
		beyond += c->beyond;
		other += c->other;
	}
	closed = atomic_load(&ws.closed);
	failed = atomic_load(&ws.failed);
	lat_of(dv, dn, &dl);
	lat_of(wv, wn, &wl);
	window = (double)(t1 - t0) / 1e6;

	printf("\nfan-out: %u radios, %u events/s in total (%.2f per radio), %u s; %u WebSocket clients\n", l.n, rate,
	       (double)rate / l.n, g_opt.seconds, ws.n);
	printf("  sent %" PRIu64 " statuses (%" PRIu64 " not taken by the pty); events in the window: seq %" PRIu64
	       "..%" PRIu64 " (%" PRIu64 "), the direct subscriber got %" PRIu64 "%s\n",
	       l.total, l.send_fail, base, w.seq_last, span, direct_got,
	       atomic_load(&g_direct.statuses) < l.total ? " (statuses missing!)" : "");
	printf("  latency (arrival - Event.time_us, us)        n        p50        p99        max\n");
	printf("  bridge's own subscriber (ZeroMQ) %12zu %10" PRId64 " %10" PRId64 " %10" PRId64 "\n", dl.n, dl.p50,
	       dl.p99, dl.max);
	printf("  WebSocket clients (all)          %12zu %10" PRId64 " %10" PRId64 " %10" PRId64 "\n", wl.n, wl.p50,
	       wl.p99, wl.max);
	printf("  per client: received %" PRIu64 "..%" PRIu64 " of %" PRIu64 "; missing %" PRIu64 " in all, %u of %u "
	       "clients missed some; closed by the server %u, failed %u",
	       min_got == UINT64_MAX ? 0 : min_got, max_got, direct_got, missing, clients_missing, ws.n, closed, failed);
	if (beyond || other || ws.unparsed || ws.check_failed)
		printf("; beyond the record %" PRIu64 ", other messages %" PRIu64 ", unparsed %" PRIu64
		       ", jansson disagreed %" PRIu64, beyond, other, ws.unparsed, ws.check_failed);
	printf(" (jansson checked %" PRIu64 ")\n", ws.checked);
	printf("  tetra-web: cpu %.1f %% of one core (%.1f us per event, %.2f us per event and client), "
	       "VmRSS %.1f MB, VmHWM %.1f MB\n",
	       100.0 * (double)(web1 - web0) / (window * 1e6), span ? (double)(web1 - web0) / (double)span : 0.0,
	       span ? (double)(web1 - web0) / (double)span / ws.n : 0.0, rss / 1024.0, hwm / 1024.0);
	printf("  tetra-bridged: cpu %.1f %%; this process (terminals, subscriber, %u WebSocket clients): cpu %.1f %%; "
	       "over %.1f s\n",
	       100.0 * (double)(br1 - br0) / (window * 1e6), ws.n, 100.0 * (double)(self1 - self0) / (window * 1e6),
	       window);
	fflush(stdout);
	*ok = missing == 0 && failed == 0 && closed == 0 && atomic_load(&g_direct.statuses) >= l.total &&
	      !ws.check_failed && !ws.unparsed && direct_got == span;

	free(dv);
	free(wv);
	ws_free(&ws);
	free(g_direct.lat);
	g_direct.lat = NULL;
	g_direct.cap = 0;
	return 0;
}

/* ---- call-outs through the command socket (a thread) -------------------------- */

struct creator {
	pthread_t th;
	unsigned n, radios, responders;
	_Atomic bool done;
	unsigned ok;
	char error[256];
	int64_t *lat;
	int64_t t_us;
};

static void *creator_main(void *arg)
{
	struct creator *cr = arg;
	void *zctx = zmq_ctx_new(), *sock = zmq_socket(zctx, ZMQ_DEALER);
	int zero = 0, timeout = 10000;
	int64_t t0 = tb_now_us();

	zmq_setsockopt(sock, ZMQ_LINGER, &zero, sizeof(zero));
	zmq_setsockopt(sock, ZMQ_RCVTIMEO, &timeout, sizeof(timeout));
	if (zmq_connect(sock, g_commands) < 0) {
		snprintf(cr->error, sizeof(cr->error), "connect %s: %s", g_commands, zmq_strerror(errno));
		goto out;
	}
	for (unsigned i = 0; i < cr->n; i++) {
		Tetrabridge__V1__Command cmd = TETRABRIDGE__V1__COMMAND__INIT;
		Tetrabridge__V1__CalloutCreate cc = TETRABRIDGE__V1__CALLOUT_CREATE__INIT;
		Tetrabridge__V1__Identity ids[64], *idp[64];
		Tetrabridge__V1__Reply *r;
		char radio[16], text[64];
		uint8_t buf[4096], rbuf[65536];
		size_t len;
		int rl;
		int64_t s = tb_now_us();

		snprintf(radio, sizeof(radio), "r%u", i % cr->radios);
		snprintf(text, sizeof(text), "Bench call-out %u: pasient, falt i trapp", i + 1);
		for (unsigned j = 0; j < cr->responders; j++) {
			tetrabridge__v1__identity__init(&ids[j]);
			ids[j].type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_SSI;
			ids[j].ssi = RESPONDER_SSI_BASE + i * cr->responders + j;
			idp[j] = &ids[j];
		}
		cc.radio = radio;
		cc.severity = 1;
		cc.text = text;
		cc.n_responders = cr->responders;
		cc.responders = idp;
		cc.required = 1;
		cc.queue_if_offline = true;
		cmd.request_id = i + 1;
		cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_CREATE;
		cmd.callout_create = &cc;
		len = tetrabridge__v1__command__pack(&cmd, buf);
		if (zmq_send(sock, buf, len, 0) != (int)len) {
			snprintf(cr->error, sizeof(cr->error), "send: %s", zmq_strerror(errno));
			break;
		}
		rl = zmq_recv(sock, rbuf, sizeof(rbuf), 0);
		if (rl < 0 || rl > (int)sizeof(rbuf)) {
			snprintf(cr->error, sizeof(cr->error), "no reply to call-out %u: %s", i + 1,
				 rl < 0 ? zmq_strerror(errno) : "too long");
			break;
		}
		r = tetrabridge__v1__reply__unpack(NULL, (size_t)rl, rbuf);
		if (!r || r->request_id != i + 1 || r->code != TETRABRIDGE__V1__REPLY__CODE__OK) {
			snprintf(cr->error, sizeof(cr->error), "call-out %u: code %d: %s", i + 1, r ? (int)r->code : -1,
				 r && r->error ? r->error : "(not a reply)");
			if (r)
				tetrabridge__v1__reply__free_unpacked(r, NULL);
			break;
		}
		tetrabridge__v1__reply__free_unpacked(r, NULL);
		cr->lat[cr->ok++] = tb_now_us() - s;
	}
out:
	cr->t_us = tb_now_us() - t0;
	zmq_close(sock);
	zmq_ctx_term(zctx);
	atomic_store(&cr->done, true);
	return NULL;
}

static bool creator_done(void *arg)
{
	return atomic_load(&((struct creator *)arg)->done);
}

static bool never(void *arg)
{
	return false;
}

static bool ws_done(void *arg)
{
	struct wsrun *r = arg;

	return atomic_load(&r->snapshots) + atomic_load(&r->failed) >= r->n;
}

/* One fresh client: connect -> snapshot received and parsed. */
static int fresh_snapshot(struct procs *p, int64_t *us, size_t *bytes, long *callouts)
{
	struct wsrun ws;
	bool got;

	if (ws_start(&ws, 1, 0, true, true) < 0)
		return -1;
	got = tb_loop_run_until(ws_done, &ws, SYNC_MS) && ws.c[0].snapshot;
	ws_stop(&ws);
	if (got) {
		*us = ws.c[0].t_snapshot - ws.c[0].t_connect;
		*bytes = ws.c[0].snapshot_bytes;
		*callouts = ws.c[0].snapshot_callouts;
	}
	ws_free(&ws);
	return got ? 0 : -1;
}

struct child_wait {
	pid_t pid;
	int status;
	bool exited;
};

static bool child_exited(void *arg)
{
	struct child_wait *c = arg;

	if (waitpid(c->pid, &c->status, WNOHANG) == c->pid)
		c->exited = true;
	return c->exited;
}

static int page(struct procs *p)
{
	char url[64], cards[16];
	char *argv[] = { "/usr/bin/python3", (char *)g_opt.page, "--url", url, "--user", USER, "--password", PASSWORD,
			 "--cards", cards, NULL };
	struct child_wait cw = { 0 };

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", g_web_port);
	snprintf(cards, sizeof(cards), "%u", g_opt.callouts);
	printf("\nthe page in a browser (%s, headless chromium):\n", g_opt.page);
	fflush(stdout);
	cw.pid = tb_child_spawn(argv, NULL, (int[3]){ -1, -1, -1 }, SIGTERM);
	if (cw.pid < 0) {
		fprintf(stderr, "cannot start %s: %s\n", g_opt.page, strerror(-cw.pid));
		return -1;
	}
	/* The terminals keep answering meanwhile. */
	if (!tb_loop_run_until(child_exited, &cw, 300000)) {
		kill(cw.pid, SIGKILL);
		waitpid(cw.pid, &cw.status, 0);
		fprintf(stderr, "%s did not finish in 300 s\n", g_opt.page);
		return -1;
	}
	return tb_child_exit_code(cw.status) == 0 ? 0 : -1;
}

static int board(struct procs *p, bool *ok)
{
	struct creator cr = { .n = g_opt.callouts, .radios = g_opt.radios, .responders = g_opt.responders };
	int64_t *snap = calloc(g_opt.snapshots + 1, sizeof(*snap)), deadline, web_cpu0, br_cpu0;
	size_t bytes = 0;
	long callouts = -1, rss, hwm;
	unsigned polls = 0;
	int64_t us;

	cr.lat = calloc(cr.n + 1, sizeof(*cr.lat));
	if (!cr.lat || !snap)
		abort();
	printf("\nfresh page: %u call-outs x %u responders created through the bridge's command socket\n", cr.n,
	       cr.responders);
	fflush(stdout);
	web_cpu0 = bench_proc_cpu_us(p->web->pid);
	br_cpu0 = bench_proc_cpu_us(p->bridge->pid);
	if (pthread_create(&cr.th, NULL, creator_main, &cr) != 0)
		abort();
	tb_loop_run_until(creator_done, &cr, 3600 * 1000);
	pthread_join(cr.th, NULL);
	if (cr.ok != cr.n) {
		fprintf(stderr, "only %u of %u call-outs created: %s\n", cr.ok, cr.n, cr.error);
		*ok = false;
		free(cr.lat);
		free(snap);
		return -1;
	}
	bench_sort_i64(cr.lat, cr.ok);
	printf("  created in %.1f s (one at a time, each waits for its reply): p50 %" PRId64 " us, p99 %" PRId64
	       " us, max %" PRId64 " us; cpu meanwhile: tetra-bridged %.1f s, tetra-web %.1f s\n",
	       cr.t_us / 1e6, bench_percentile(cr.lat, cr.ok, 0.5), bench_percentile(cr.lat, cr.ok, 0.99),
	       cr.lat[cr.ok - 1], (bench_proc_cpu_us(p->bridge->pid) - br_cpu0) / 1e6,
	       (bench_proc_cpu_us(p->web->pid) - web_cpu0) / 1e6);

	/* tetra-web follows the CalloutChange events: until a fresh snapshot
	 * holds them all (bounded). */
	deadline = tb_now_us() + 120 * 1000000LL;
	while (tb_now_us() < deadline && !died(p)) {
		polls++;
		if (fresh_snapshot(p, &us, &bytes, &callouts) == 0 && callouts >= (long)cr.n)
			break;
		tb_loop_run_until(never, NULL, 200);	/* the terminals keep answering */
	}
	if (callouts < (long)cr.n) {
		fprintf(stderr, "tetra-web's snapshot holds %ld of %u call-outs after %u tries\n", callouts, cr.n, polls);
		*ok = false;
		free(cr.lat);
		free(snap);
		return -1;
	}
	for (unsigned i = 0; i < g_opt.snapshots; i++) {
		if (fresh_snapshot(p, &snap[i], &bytes, &callouts) < 0 || callouts < (long)cr.n) {
			fprintf(stderr, "a fresh snapshot failed\n");
			*ok = false;
			break;
		}
	}
	bench_sort_i64(snap, g_opt.snapshots);
	bench_proc_mem_kb(p->web->pid, &rss, &hwm);
	printf("  a fresh WebSocket client, connect -> snapshot received and parsed (jansson), %u times:\n"
	       "    median %.1f ms, min %.1f ms, max %.1f ms; the snapshot: %zu bytes, %ld call-outs\n"
	       "  tetra-web with them: VmRSS %.1f MB, VmHWM %.1f MB\n",
	       g_opt.snapshots, bench_percentile(snap, g_opt.snapshots, 0.5) / 1000.0, snap[0] / 1000.0,
	       snap[g_opt.snapshots - 1] / 1000.0, bytes, callouts, rss / 1024.0, hwm / 1024.0);
	fflush(stdout);
	free(cr.lat);
	free(snap);
	if (g_opt.page && page(p) < 0)
		*ok = false;
	return 0;
}

/* ---- setup ----------------------------------------------------------------------- */

static int write_bridge_config(const char *path, struct bench_pty *radios)
{
	FILE *f;
	int rc = bench_pty_write_config(path, radios, g_opt.radios, "notice", 0, g_events, g_commands,
					 g_dir);

	if (rc < 0)
		return rc;
	f = fopen(path, "a");
	if (!f)
		return -errno;
	/* No re-alerts and a day to answer: the board stays as created. */
	fprintf(f, "callout\n realerts 0\n severity 1 name bench deadline 86400 on-scene 0\n");
	return fclose(f) == 0 ? 0 : -errno;
}

static int add_user(void)
{
	char cmd[512];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "'%s' web-user add %s admin --users '%s/users' --password-stdin >/dev/null",
		 g_opt.ctl, USER, g_dir);
	f = popen(cmd, "w");
	if (!f)
		return -1;
	fprintf(f, "%s\n", PASSWORD);
	return pclose(f) == 0 ? 0 : -1;
}

static int write_web_config(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fprintf(f,
		"web\n listen 127.0.0.1 %d\n insecure\n users users\n static %s\n idle-timeout 86400\n"
		" session-lifetime 86400\n max-clients %u\n"
		"bridge bench\n events %s\n commands %s\n",
		g_web_port, g_opt.static_dir, g_opt.clients + 50, g_events, g_commands);
	return fclose(f) == 0 ? 0 : -errno;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bench_web [--radios N] [--rates L] [--seconds S] [--clients N] [--callouts N]\n"
		"                 [--responders N] [--snapshots N] [--page SCRIPT] [--smoke]\n"
		"tetra-web's fan-out to WebSocket clients against the bridge's own subscriber, and the\n"
		"time a fresh page takes to get a board of open call-outs.\n"
		"  --radios N      simulated radios (default 32, at most %d)\n"
		"  --rates L       fan-out runs, by events per second of all radios together (default 50,200,400)\n"
		"  --seconds S     measured seconds per fan-out run (default 30)\n"
		"  --clients N     WebSocket clients (default 200, at most %d)\n"
		"  --callouts N    open call-outs for the fresh page (default 1000; 0: none)\n"
		"  --responders N  per call-out, each its own SSI (default 10)\n"
		"  --snapshots N   fresh WebSocket clients timed (default 5)\n"
		"  --page SCRIPT   then run SCRIPT (bench/bench_web_page.py) against the same tetra-web\n"
		"  --bridge PATH, --web PATH, --ctl PATH, --static DIR: the programs and the page\n"
		"  --smoke         2 radios, 20 events/s for 2 s, 5 clients, 10 call-outs: all arrive (ctest)\n",
		MAX_RADIOS, MAX_CLIENTS);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "radios", required_argument, NULL, 'r' },   { "rates", required_argument, NULL, 'R' },
		{ "seconds", required_argument, NULL, 'S' },  { "clients", required_argument, NULL, 'c' },
		{ "callouts", required_argument, NULL, 'C' }, { "responders", required_argument, NULL, 'P' },
		{ "snapshots", required_argument, NULL, 'n' }, { "page", required_argument, NULL, 'p' },
		{ "bridge", required_argument, NULL, 'b' },   { "web", required_argument, NULL, 'w' },
		{ "ctl", required_argument, NULL, 't' },      { "static", required_argument, NULL, 'T' },
		{ "smoke", no_argument, NULL, 's' },          { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static struct bench_pty radios[MAX_RADIOS];
	struct bench_daemon bridge = { 0 }, web = { 0 };
	struct procs procs = { &bridge, &web };
	struct load probe_load = { 0 };
	struct osmo_fd tick = { .fd = -1 };
	struct wait_ctx w = { .p = &procs };
	char path[200], log_path[200];
	bool ok = true;
	int opt, rc = 1;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		bool good = true;

		switch (opt) {
		case 'r': good = bench_parse_uint(optarg, 1, MAX_RADIOS, &g_opt.radios); break;
		case 'R': good = bench_parse_counts(optarg, 1, 100000, g_opt.rates, MAX_RATES, &g_opt.nrates); break;
		case 'S': good = bench_parse_uint(optarg, 1, 3600, &g_opt.seconds); break;
		case 'c': good = bench_parse_uint(optarg, 1, MAX_CLIENTS, &g_opt.clients); break;
		case 'C': good = bench_parse_uint(optarg, 0, 2000, &g_opt.callouts); break;
		case 'P': good = bench_parse_uint(optarg, 1, 64, &g_opt.responders); break;
		case 'n': good = bench_parse_uint(optarg, 1, 100, &g_opt.snapshots); break;
		case 'p': g_opt.page = optarg; break;
		case 'b': g_opt.bridge = optarg; break;
		case 'w': g_opt.web = optarg; break;
		case 't': g_opt.ctl = optarg; break;
		case 'T': g_opt.static_dir = optarg; break;
		case 's': g_opt.smoke = true; break;
		case 'h': usage(stdout); return 0;
		default: good = false; break;
		}
		if (!good) {
			usage(stderr);
			return 64;
		}
	}
	if (g_opt.smoke) {
		g_opt.radios = 2;
		g_opt.rates[0] = 20;
		g_opt.nrates = 1;
		g_opt.seconds = 2;
		g_opt.clients = 5;
		g_opt.callouts = 10;
		g_opt.responders = 3;
		g_opt.snapshots = 1;
		g_opt.page = NULL;
	}

	signal(SIGPIPE, SIG_IGN);
	lws_set_log_level(LLL_ERR, NULL);
	g_root = bench_setup("bench_web", "tbweb", g_dir, sizeof(g_dir));
	if (!g_root) {
		perror("cannot set up logging and a temporary folder in /tmp");
		return 1;
	}
	snprintf(g_events, sizeof(g_events), "ipc://%s/events", g_dir);
	snprintf(g_commands, sizeof(g_commands), "ipc://%s/commands", g_dir);
	g_direct.n = g_opt.radios;
	atomic_store(&g_direct.base, UINT64_MAX);
	w.n = g_opt.radios;

	printf("bench_web: simulated terminals (pty, this process) -> tetra-bridged (child, journal on) -> ZeroMQ\n"
	       "  -> its own subscriber (thread, this process) and tetra-web (child, HTTP on 127.0.0.1, insecure)\n"
	       "  -> WebSocket clients (libwebsockets, one context in a thread, this process)\n");
	bench_print_command("command:", argc, argv);
	printf("programs: %s, %s\nbuilt: %s\n", g_opt.bridge, g_opt.web, TB_BENCH_FLAGS);
	bench_print_cpu();
	bench_print_loadavg("before");
	fflush(stdout);

	if (tick_start(&tick) < 0) {
		perror("timerfd");
		goto out;
	}
	if (bench_pty_open(radios, g_opt.radios, g_root, false) < 0) {
		perror("pty");
		goto out;
	}
	snprintf(path, sizeof(path), "%s/bridge.cfg", g_dir);
	if (write_bridge_config(path, radios) < 0) {
		perror(path);
		goto out;
	}
	if (bench_sub_start(&g_direct.sub, g_events, "", 65536, direct_msg, NULL) < 0) {
		fprintf(stderr, "cannot subscribe to %s\n", g_events);
		goto out;
	}
	snprintf(log_path, sizeof(log_path), "%s/bridge.log", g_dir);
	if (bench_daemon_start(&bridge, g_opt.bridge, path, log_path) < 0) {
		fprintf(stderr, "cannot start %s\n", g_opt.bridge);
		goto out;
	}
	/* Every radio heard: the links are up. */
	probe_load.radios = radios;
	probe_load.n = g_opt.radios;
	osmo_timer_setup(&probe_load.probe, probe_cb, &probe_load);
	probe_cb(&probe_load);
	if (!tb_loop_run_until(all_heard, &w, SYNC_MS) || bridge.exited) {
		osmo_timer_del(&probe_load.probe);
		fprintf(stderr, "not every radio was heard within %d ms\n", SYNC_MS);
		bench_daemon_print_log(&bridge, 40);
		goto out;
	}
	osmo_timer_del(&probe_load.probe);

	/* tetra-web, its user, its link to the bridge. */
	g_web_port = bench_free_port();
	if (add_user() < 0) {
		fprintf(stderr, "%s web-user add failed\n", g_opt.ctl);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/web.cfg", g_dir);
	if (write_web_config(path) < 0) {
		perror(path);
		goto out;
	}
	snprintf(log_path, sizeof(log_path), "%s/web.log", g_dir);
	if (bench_daemon_start(&web, g_opt.web, path, log_path) < 0) {
		fprintf(stderr, "cannot start %s\n", g_opt.web);
		goto out;
	}
	if (!tb_loop_run_until(web_healthy, &web, SYNC_MS) || web.exited) {
		fprintf(stderr, "tetra-web did not report its bridge connected within %d ms\n", SYNC_MS);
		bench_daemon_print_log(&web, 40);
		goto out;
	}
	if (login() < 0)
		goto out;
	printf("tetra-web on http://127.0.0.1:%d/, signed in as %s (one session for every client)\n", g_web_port,
	       USER);

	for (unsigned i = 0; i < g_opt.nrates; i++) {
		bool run_ok = false;

		if (fanout(&procs, radios, g_opt.rates[i], &run_ok) < 0 || !run_ok)
			ok = false;
		if (died(&procs))
			break;
	}
	if (!died(&procs) && g_opt.callouts)
		board(&procs, &ok);
	if (died(&procs)) {
		fprintf(stderr, "a daemon exited by itself\n");
		ok = false;
	}
	rc = ok ? 0 : 1;
	printf("\n");
	bench_print_loadavg("after");
	if (g_opt.smoke)
		printf("smoke: %s\n", ok ? "every client got every event; the snapshot held every call-out" : "FAILED");

out:
	if (web.pid) {
		int st = bench_daemon_stop(&web);

		if (st != 0 || rc) {
			fprintf(stderr, "tetra-web: exit status %d\n", st);
			bench_daemon_print_log(&web, 40);
			rc = 1;
		}
	}
	if (bridge.pid) {
		int st = bench_daemon_stop(&bridge);

		if (st != 0 || rc) {
			fprintf(stderr, "tetra-bridged: exit status %d\n", st);
			bench_daemon_print_log(&bridge, 40);
			rc = 1;
		}
	}
	bench_sub_stop(&g_direct.sub);
	bench_pty_close(radios, g_opt.radios);
	if (tick.fd >= 0) {
		if (osmo_fd_is_registered(&tick))
			osmo_fd_unregister(&tick);
		close(tick.fd);
	}
	bench_teardown(g_root, g_dir);
	return rc;
}
