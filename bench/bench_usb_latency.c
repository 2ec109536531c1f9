/* Latency of a status through the whole daemon, USB to subscriber.
 *
 * Emulated USB terminals (tests/usb/usb_emu.h, umockdev) live in this
 * process; the real tetra-bridged runs as a child under umockdev's preload
 * and drives them through libusb; a ZeroMQ SUB socket here receives its
 * events (tests/usb/usb_daemon.h). Per status, the latency is from the
 * moment the emulated terminal's IN URB completed with the status's last
 * byte (CLOCK_MONOTONIC, recorded by the fixture) to the moment this
 * process read the event from the SUB socket (same clock). Everything the
 * daemon does is inside: libusb reaping, the PEI framer and AT engine, the
 * decoders, protobuf, ZeroMQ (ipc://).
 *
 * Each terminal prints one status every --interval-us (paced, not a
 * flood), --count of them; runs with 1 terminal and with 8 (Motorola,
 * full speed: 64-byte packets). Reported: p50, p99 and max latency, and
 * the daemon's CPU time per event: over the measurement window from
 * /proc/PID/stat (clock ticks), and over its whole life (start-up, init,
 * shutdown included) from wait4()'s rusage.
 *
 *   bench_usb_latency [--count N] [--interval-us U] [--terminals 1,8]
 *                     [--daemon PATH] [--preload LIST] [--smoke]
 *
 * Build it in the release configuration (`make bench` does; or
 * cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DTB_SANITIZE=OFF
 * -DTB_FUZZ=OFF && cmake --build build/release --target bench_usb_latency)
 * and run build/release/bench/bench_usb_latency. --smoke (ctest
 * bench_usb_smoke) sends a few statuses only and checks they all arrive.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>

#include "radio-drivers/sim_terminal.h"
#include "radio-drivers/usb_profile.h"
#include "tests/lib/inject.h"
#include "tests/lib/loop.h"
#include "tests/usb/usb_daemon.h"
#include "tests/usb/usb_emu.h"
#include "bench_daemon.h"
#include "bench_util.h"

#ifndef TB_UMOCKDEV_PRELOAD
#define TB_UMOCKDEV_PRELOAD "libumockdev-preload.so.0"
#endif

#define MAX_TERMINALS 8
#define WAIT_MS 20000

struct term {
	struct emu_dev *dev;
	char name[16];
	unsigned sent, received;
	uint64_t *end;		/* per status: the byte offset just past it */
	int64_t *lat_us;	/* per status: latency, -1 until received */
};

static struct emu_bed *g_bed;
static void *g_root;
static unsigned g_next_port = 2;

static struct {
	unsigned count;
	unsigned interval_us;
	unsigned nterms[4];
	unsigned nruns;
	const char *daemon;
	const char *preload;
	bool smoke;
	bool packet_urbs;
} g_opt = { 2000, 20000, { 1, 8 }, 2, TB_DAEMON_PATH, TB_UMOCKDEV_PRELOAD, false, false };

/* Who sends the statuses the terminals print, and to whom. */
#define SDS_ADDRS "09011638300023404,1,09011638300000001,1"

/* ---- pacing ----------------------------------------------------------------- */

struct run {
	struct term t[MAX_TERMINALS];
	unsigned n;
	struct osmo_timer_list pace;
	int64_t start_us;
	bool done_sending;
};

/* Terminal i prints its k-th status at start + (k + i/n) * interval. */
static int64_t due_us(const struct run *r, unsigned i, unsigned k)
{
	return bench_due_us(r->start_us, g_opt.interval_us, i, r->n, k);
}

static void pace_cb(void *data)
{
	struct run *r = data;
	int64_t now = tb_now_us(), wait, next = INT64_MAX;

	r->done_sending = true;
	for (unsigned i = 0; i < r->n; i++) {
		struct term *t = &r->t[i];

		/* Catch up after a late wake-up rather than drift. */
		while (t->sent < g_opt.count && due_us(r, i, t->sent) <= now) {
			tb_inject_status(emu_sim(t->dev), SDS_ADDRS, 0x8000 + t->sent);
			t->end[t->sent] = emu_printed(t->dev);
			t->sent++;
		}
		if (t->sent < g_opt.count) {
			r->done_sending = false;
			if (due_us(r, i, t->sent) < next)
				next = due_us(r, i, t->sent);
		}
	}
	if (r->done_sending)
		return;
	wait = next - tb_now_us();
	if (wait < 0)
		wait = 0;
	osmo_timer_schedule(&r->pace, wait / 1000000, wait % 1000000);
}

/* ---- one run ------------------------------------------------------------------ */

static int term_of(struct run *r, const char *radio)
{
	for (unsigned i = 0; i < r->n; i++)
		if (!strcmp(r->t[i].name, radio))
			return (int)i;
	return -1;
}

/* Statuses 0xFFFF on every terminal until each has been heard (the
 * subscriber joined late, the links came up), then a marker 0xFFFE each;
 * from there on every event counts. */
static bool sync_all(struct run *r, struct ud_sub *sub)
{
	bool heard[MAX_TERMINALS] = { false }, marked[MAX_TERMINALS] = { false };
	unsigned n_heard = 0, n_marked = 0;

	for (int tries = 0; tries < 200 && n_heard < r->n; tries++) {
		for (unsigned i = 0; i < r->n; i++)
			if (!heard[i])
				tb_inject_status(emu_sim(r->t[i].dev), SDS_ADDRS, 0xFFFF);
		for (;;) {
			Tetrabridge__V1__Event *ev = ud_sub_recv(sub, NULL, 0, 100);
			int i;
			if (!ev)
				break;
			i = term_of(r, ev->radio);
			if (i >= 0 && ev->body_case == TETRABRIDGE__V1__EVENT__BODY_STATUS && !heard[i]) {
				heard[i] = true;
				n_heard++;
			}
			tetrabridge__v1__event__free_unpacked(ev, NULL);
		}
	}
	if (n_heard < r->n)
		return false;
	for (unsigned i = 0; i < r->n; i++)
		tb_inject_status(emu_sim(r->t[i].dev), SDS_ADDRS, 0xFFFE);
	while (n_marked < r->n) {
		Tetrabridge__V1__Event *ev = ud_sub_recv(sub, NULL, 0, WAIT_MS);
		int i;
		if (!ev)
			return false;
		i = term_of(r, ev->radio);
		if (i >= 0 && ev->body_case == TETRABRIDGE__V1__EVENT__BODY_STATUS && ev->status->value == 0xFFFE &&
		    !marked[i]) {
			marked[i] = true;
			n_marked++;
		}
		tetrabridge__v1__event__free_unpacked(ev, NULL);
	}
	return true;
}

static int run_once(unsigned nterms, const char *dir)
{
	static struct run r;
	struct ud_daemon dm;
	struct ud_sub *sub;
	char endpoint[128], commands[160], state_dir[128], cfg_path[128];
	unsigned total = 0, received = 0, missing = 0;
	int64_t cpu0, cpu1, self0, self1, t0, t1, *all;
	FILE *f;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	r.n = nterms;
	snprintf(endpoint, sizeof(endpoint), "ipc://%s/events-%u", dir, nterms);
	snprintf(commands, sizeof(commands), "%s-commands", endpoint);
	snprintf(state_dir, sizeof(state_dir), "%s/var-%u", dir, nterms);
	snprintf(cfg_path, sizeof(cfg_path), "%s/bench-%u.cfg", dir, nterms);
	f = fopen(cfg_path, "w");
	if (!f) {
		perror(cfg_path);
		return -1;
	}
	bench_daemon_config(f, "notice", 0, endpoint, commands, state_dir);
	for (unsigned i = 0; i < nterms; i++) {
		struct term *t = &r.t[i];
		char serial[32], tsi[24];
		const struct emu_dev_spec spec = {
			.profile = tb_usb_profile_find("motorola"), .pid = 0x9015, .serial = serial,
			.port = g_next_port++, .kernel_driver = "usb-serial-simple", .tsi = tsi,
		};

		snprintf(serial, sizeof(serial), "BENCH-%u-%u", nterms, i);
		snprintf(tsi, sizeof(tsi), "090116383%08u", 70000 + i);
		snprintf(t->name, sizeof(t->name), "t%u", i);
		t->dev = emu_dev_new(g_bed, g_root, &spec);
		emu_set_whole_urbs(t->dev, !g_opt.packet_urbs);
		t->end = calloc(g_opt.count, sizeof(*t->end));
		t->lat_us = calloc(g_opt.count, sizeof(*t->lat_us));
		if (!t->end || !t->lat_us)
			abort();
		for (unsigned k = 0; k < g_opt.count; k++)
			t->lat_us[k] = -1;
		emu_plug(t->dev);
		fprintf(f, "radio %s\n transport usb 0cad:9015\n usb serial %s\n", t->name, serial);
	}
	if (fclose(f) != 0) {
		perror(cfg_path);
		return -1;
	}

	sub = ud_sub_open(endpoint);
	if (ud_start(&dm, g_opt.daemon, g_opt.preload, cfg_path) < 0) {
		fprintf(stderr, "cannot start %s\n", g_opt.daemon);
		return -1;
	}
	if (!ud_wait_log(&dm, "running", 1, WAIT_MS) || !sync_all(&r, sub)) {
		fprintf(stderr, "the daemon did not come up with %u terminal(s):\n%s", nterms, dm.log ? dm.log : "");
		ud_stop(&dm, WAIT_MS);
		ud_sub_destroy(&sub);
		free(dm.log);
		return -1;
	}

	/* Measure. */
	cpu0 = bench_proc_cpu_us(dm.pid);
	/* This process: the emulated terminals, umockdev's ioctl thread, the
	 * subscriber. */
	self0 = bench_self_cpu_us();
	t0 = tb_now_us();
	osmo_timer_setup(&r.pace, pace_cb, &r);
	r.start_us = tb_now_us();
	pace_cb(&r);
	total = nterms * g_opt.count;
	while (received < total) {
		Tetrabridge__V1__Event *ev = ud_sub_recv(sub, NULL, 0, WAIT_MS);
		int64_t now = tb_now_us();
		struct timespec ts;
		int i;

		if (!ev)
			break;
		i = term_of(&r, ev->radio);
		if (i >= 0 && ev->body_case == TETRABRIDGE__V1__EVENT__BODY_STATUS && ev->status->value >= 0x8000 &&
		    ev->status->value - 0x8000u < r.t[i].sent) {
			struct term *t = &r.t[i];
			unsigned k = ev->status->value - 0x8000u;

			if (t->lat_us[k] < 0 && emu_read_time(t->dev, t->end[k], &ts)) {
				t->lat_us[k] = now - ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
				t->received++;
				received++;
			}
		}
		tetrabridge__v1__event__free_unpacked(ev, NULL);
	}
	t1 = tb_now_us();
	cpu1 = bench_proc_cpu_us(dm.pid);
	self1 = bench_self_cpu_us();
	osmo_timer_del(&r.pace);

	if (ud_stop(&dm, WAIT_MS) != 0) {
		fprintf(stderr, "tetra-bridged did not exit cleanly (status %d):\n%s", dm.status, dm.log ? dm.log : "");
		rc = -1;
	}
	ud_sub_destroy(&sub);
	free(dm.log);

	all = calloc(total ? total : 1, sizeof(*all));
	if (!all)
		abort();
	received = 0;
	for (unsigned i = 0; i < nterms; i++) {
		for (unsigned k = 0; k < g_opt.count; k++) {
			if (r.t[i].lat_us[k] >= 0)
				all[received++] = r.t[i].lat_us[k];
			else
				missing++;
		}
	}
	bench_sort_i64(all, received);
	if (received) {
		double ru_cpu = (double)dm.ru.ru_utime.tv_sec * 1e6 + dm.ru.ru_utime.tv_usec +
				(double)dm.ru.ru_stime.tv_sec * 1e6 + dm.ru.ru_stime.tv_usec;
		/* Whole life: every event it published, the sync ones included. */
		unsigned published = received + 2 * nterms;

		printf("%9u %7u %7.1f s %9.0f %9.0f %9.0f %9.0f %12.1f %12.1f %12.1f\n", nterms, received,
		       (t1 - t0) / 1e6, (double)bench_percentile(all, received, 0.5),
		       (double)bench_percentile(all, received, 0.99),
		       (double)all[received - 1], (double)all[0],
		       cpu0 >= 0 && cpu1 >= 0 ? (double)(cpu1 - cpu0) / received : -1.0, ru_cpu / published,
		       (double)(self1 - self0) / received);
	}
	if (missing) {
		fprintf(stderr, "%u of %u statuses did not arrive\n", missing, total);
		rc = -1;
	}
	for (unsigned i = 0; i < nterms; i++) {
		emu_dev_destroy(&r.t[i].dev);
		free(r.t[i].end);
		free(r.t[i].lat_us);
	}
	free(all);
	unlink(cfg_path);
	unlink(endpoint + strlen("ipc://"));	/* the socket file zmq left */
	return rc;
}

/* ---- main ----------------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bench_usb_latency [--count N] [--interval-us U] [--terminals 1,8] [--daemon PATH]\n"
		"                         [--preload LIST] [--smoke]\n"
		"Latency of a status from an emulated USB terminal (umockdev) through tetra-bridged\n"
		"(a child process) to a ZeroMQ subscriber, and the daemon's CPU time per event.\n"
		"  --count N        statuses per terminal (default 2000)\n"
		"  --interval-us U  one status per terminal every U microseconds (default 20000)\n"
		"  --terminals L    runs, by number of terminals (default 1,8; at most %d)\n"
		"  --daemon PATH    tetra-bridged to run (default %s)\n"
		"  --preload LIST   LD_PRELOAD for it (default %s)\n"
		"  --packet-urbs    one 64-byte packet per IN URB (as the tests do) instead of\n"
		"                   filling URBs as a host controller does\n"
		"  --smoke          20 statuses per terminal: check that they arrive (ctest)\n",
		MAX_TERMINALS, TB_DAEMON_PATH, TB_UMOCKDEV_PRELOAD);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "interval-us", required_argument, NULL, 'i' },
		{ "terminals", required_argument, NULL, 't' },
		{ "daemon", required_argument, NULL, 'd' },
		{ "preload", required_argument, NULL, 'p' },
		{ "smoke", no_argument, NULL, 's' },
		{ "packet-urbs", no_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char dir[32];
	int opt, rc = 0;

	/* The test bed first, before anything asks umockdev whether this is a
	 * mock environment (tests/usb/usb_emu.h). */
	g_bed = emu_bed_new_for_child();

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			g_opt.count = (unsigned)atoi(optarg);
			break;
		case 'i':
			g_opt.interval_us = (unsigned)atoi(optarg);
			break;
		case 't':
			if (!bench_parse_counts(optarg, 1, MAX_TERMINALS, g_opt.nterms, 4, &g_opt.nruns)) {
				usage(stderr);
				return 64;
			}
			break;
		case 'd':
			g_opt.daemon = optarg;
			break;
		case 'p':
			g_opt.preload = optarg;
			break;
		case 's':
			g_opt.smoke = true;
			break;
		case 'u':
			g_opt.packet_urbs = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 64;
		}
	}
	if (g_opt.smoke)
		g_opt.count = 20;
	if (g_opt.count < 1 || g_opt.count > 0x7FFD || g_opt.interval_us < 1) {
		usage(stderr);
		return 64;
	}

	g_root = bench_setup("bench_usb_latency", "tbbench", dir, sizeof(dir));
	if (!g_root) {
		perror("cannot set up logging and a temporary folder in /tmp");
		return 1;
	}

	printf("bench_usb_latency: emulated USB terminal (umockdev, Motorola 0cad:9015, 64-byte packets)\n"
	       "  -> tetra-bridged (child, libusb) -> ZeroMQ ipc:// -> SUB in this process\n");
	bench_print_command("command:", argc, argv);
	printf("daemon: %s (LD_PRELOAD=%s)\nbuilt: %s\n", g_opt.daemon, g_opt.preload, TB_BENCH_FLAGS);
	bench_print_cpu();
	printf("%u statuses per terminal, one every %u us per terminal\n", g_opt.count, g_opt.interval_us);
	printf("latency: IN URB completed with the status's last byte -> event read from the SUB socket\n");
	printf("cpu/event: daemon user+system time; window = during the measurement (/proc, 10 ms ticks),\n"
	       "           life = wait4() rusage over all events it published (start-up and init included);\n"
	       "           emulator = this process (terminals, umockdev's ioctl thread, subscriber).\n"
	       "           Under umockdev every usbfs ioctl of the daemon is a round trip over a unix\n"
	       "           socket to this process: most of the daemon's CPU time is that forwarding.\n");
	printf("IN URBs: %s\n\n", g_opt.packet_urbs ? "one 64-byte packet each" :
	       "filled as a host controller does (whole packets up to the URB size)");
	printf("terminals  events    window    p50_us    p99_us    max_us    min_us  cpu_us/event  cpu_us/event  cpu_us/event\n");
	printf("                                                                     daemon,window   daemon,life      emulator\n");
	fflush(stdout);
	for (unsigned i = 0; i < g_opt.nruns; i++) {
		if (run_once(g_opt.nterms[i], dir) < 0)
			rc = 1;
		fflush(stdout);
	}
	emu_bed_destroy(&g_bed);
	bench_teardown(g_root, dir);	/* the daemons' state-dirs and sockets too */
	return rc;
}
