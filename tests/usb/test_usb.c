/* The libusb transport against emulated USB terminals (umockdev): the real
 * radio link state machine over the real libusb, in the one osmo_select
 * loop. Each test waits for what it expects with a deadline, never a sleep.
 *
 * Run one test per process (the test bed and the libusb context belong to
 * the process): test_usb <name>; without a name, all of them run in this
 * process one after another.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <osmocom/core/application.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/timer.h>

#include "common/counters.h"
#include "codecs/tetra_prim.h"
#include "common/logging.h"
#include "radio-drivers/profile.h"
#include "radio-drivers/radio_link.h"
#include "radio-drivers/usb.h"
#include "radio-drivers/usb_profile.h"
#include "tests/lib/inject.h"
#include "tests/lib/log_capture.h"
#include "tests/lib/loop.h"
#include "usb_emu.h"

#include <libusb.h>

#define DEADLINE_MS 8000

static void *g_root;
static struct emu_bed *g_bed;

/* ---- radios --------------------------------------------------------------- */

#define MAX_PRIMS 256

struct radio {
	const char *name;
	struct tb_radio_link *rl;
	struct tb_transport *t;
	unsigned ups, downs;
	int last_down_reason;
	unsigned n;			/* primitives received */
	struct tetra_prim prims[MAX_PRIMS];
};

static void prim_cb(struct tb_radio_link *rl, const struct tetra_prim *prim, void *data)
{
	struct radio *r = data;

	if (prim->oph.sap == TETRA_SAP_LINK && prim->oph.primitive == TETRA_LINK_UP)
		r->ups++;
	if (prim->oph.sap == TETRA_SAP_LINK && prim->oph.primitive == TETRA_LINK_DOWN) {
		r->downs++;
		r->last_down_reason = prim->u.link.reason;
	}
	if (r->n < MAX_PRIMS)
		r->prims[r->n++] = *prim;
}

static const struct tb_radio_link_callbacks g_cbs = { .prim = prim_cb };

static void radio_start(struct radio *r, void *ctx, const char *name, const struct tb_usb_match *m,
			const struct tb_usb_profile *up)
{
	memset(r, 0, sizeof(*r));
	r->name = name;
	r->t = tb_transport_usb_alloc(ctx, m, up);
	assert_non_null(r->t);
	r->rl = tb_radio_link_alloc(ctx, name, r->t, tb_profile_find(up->pei_profile), &g_cbs, r);
	assert_non_null(r->rl);
	tb_radio_link_start(r->rl);
}

/* How many primitives of this kind arrived (with status value / text). */
static unsigned count_status(const struct radio *r, uint16_t value)
{
	unsigned n = 0;

	for (unsigned i = 0; i < r->n; i++)
		if (r->prims[i].oph.sap == TETRA_SAP_TNSDS && r->prims[i].oph.primitive == TETRA_TNSDS_STATUS &&
		    r->prims[i].u.status.value == value)
			n++;
	return n;
}

static unsigned count_text(const struct radio *r, const char *text)
{
	unsigned n = 0;

	for (unsigned i = 0; i < r->n; i++)
		if (r->prims[i].oph.sap == TETRA_SAP_TNSDS && r->prims[i].oph.primitive == TETRA_TNSDS_TEXT &&
		    strcmp(r->prims[i].u.text.text, text) == 0)
			n++;
	return n;
}

/* ---- the loop --------------------------------------------------------------- */

static void wake_cb(void *data)
{
}

static long now_ms(void)
{
	return (long)(tb_now_us() / 1000);
}

/* Milliseconds of a quiet window in which the loop woke up: a loop that
 * spins (a device node that is always ready, a libusb timeout never
 * re-armed) is awake in every one of them. (libosmocore 1.7 rounds a poll
 * timeout down to the millisecond, so a timer due within 1 ms makes a short
 * burst of empty iterations; bursts count once per millisecond.) An
 * observation window, not a wait for something. */
static unsigned busy_ms(long ms)
{
	struct osmo_timer_list wake = { 0 };
	long end = now_ms() + ms, last = -1;
	unsigned n = 0;

	osmo_timer_setup(&wake, wake_cb, NULL);
	osmo_timer_schedule(&wake, ms / 1000, (ms % 1000) * 1000);
	while (now_ms() < end) {
		osmo_select_main_ctx(0);
		if (now_ms() != last) {
			last = now_ms();
			n++;
		}
	}
	osmo_timer_del(&wake);
	return n;
}

static bool is_up(void *arg)
{
	return tb_radio_link_is_up(((struct radio *)arg)->rl);
}

static bool is_down(void *arg)
{
	struct radio *r = arg;
	return r->downs > 0 && !tb_radio_link_is_up(r->rl);
}

struct want_status { struct radio *r; uint16_t value; unsigned count; };
static bool has_status(void *arg)
{
	struct want_status *w = arg;
	return count_status(w->r, w->value) >= w->count;
}

struct want_text { struct radio *r; const char *text; };
static bool has_text(void *arg)
{
	struct want_text *w = arg;
	return count_text(w->r, w->text) >= 1;
}

struct want_ups { struct radio *r; unsigned ups; };
static bool has_ups(void *arg)
{
	struct want_ups *w = arg;
	return w->r->ups >= w->ups && tb_radio_link_is_up(w->r->rl);
}

static bool at_done;
static void at_cb(const struct tb_at_result *res, void *data)
{
	at_done = true;
}
static bool is_at_done(void *arg)
{
	return at_done;
}

/* One AT round trip: everything the terminal printed before it has arrived. */
static void round_trip(struct radio *r)
{
	at_done = false;
	assert_int_equal(tb_radio_link_cmd(r->rl, "AT", at_cb, NULL), 0);
	assert_true(tb_loop_run_until(is_at_done, NULL, DEADLINE_MS));
}

static bool no_sessions(void *arg)
{
	struct emu_dev **devs = arg;
	for (unsigned i = 0; devs[i]; i++) {
		struct emu_stats st;
		emu_get_stats(devs[i], &st);
		if (st.claimed_now)
			return false;
	}
	return true;
}

/* Stop and free the radios; wait until libusb has let the devices go. */
static void radios_free(struct radio *rs, unsigned n, struct emu_dev **devs)
{
	for (unsigned i = 0; i < n; i++) {
		if (rs[i].rl) {
			tb_radio_link_stop(rs[i].rl, NULL);
			tb_radio_link_destroy(&rs[i].rl);
		}
	}
	assert_true(tb_loop_run_until(no_sessions, devs, DEADLINE_MS));
}

/* Who sends the SDS the terminals print, and to whom (SSIs). */
#define SDS_ADDRS "1234567,0,2345678,0"

static void tdefs_fast(void)
{
	osmo_tdefs_reset(tb_radio_link_tdefs);
	assert_int_equal(osmo_tdef_set(tb_radio_link_tdefs, TB_T_AT_TIMEOUT, 300, OSMO_TDEF_MS), 0);
	assert_int_equal(osmo_tdef_set(tb_radio_link_tdefs, TB_T_BACKOFF_MIN, 20, OSMO_TDEF_MS), 0);
	assert_int_equal(osmo_tdef_set(tb_radio_link_tdefs, TB_T_BACKOFF_MAX, 1, OSMO_TDEF_S), 0);
	assert_int_equal(osmo_tdef_set(tb_radio_link_tdefs, TB_T_KEEPALIVE, 60, OSMO_TDEF_S), 0);
}

/* ---- tests ------------------------------------------------------------------ */

struct profile_case {
	const char *usb_profile;
	uint16_t vid, pid;
	uint16_t max_packet;
	const char *kernel_driver;
	int interface;		/* match spec: -1 from the profile */
};

static const char *TSI = "09011638300023404";
static const char *LONG_TEXT = "Pasient i rom 12 trenger tilsyn av lege snarest, ring legevakta";

/* Enumerate, detach the kernel driver, claim, init; then a status and a
 * text SDS long enough to be split across 64-byte packets. */
static void run_profile(const struct profile_case *pc)
{
	void *ctx = talloc_named_const(g_root, 0, pc->usb_profile);
	const struct tb_usb_profile *up = tb_usb_profile_find(pc->usb_profile);
	struct emu_dev_spec spec = {
		.profile = up, .vid = pc->vid, .pid = pc->pid, .max_packet = pc->max_packet,
		.serial = "ABC123", .port = 1, .kernel_driver = pc->kernel_driver, .tsi = TSI,
	};
	struct tb_usb_match m = { .vid = pc->vid, .pid = pc->pid, .serial = "ABC123", .interface = pc->interface };
	struct emu_dev *d, *devs[2] = { NULL, NULL };
	struct emu_stats st;
	static struct radio r;
	const struct tetra_identity *id;
	struct tb_usb_device_info info;

	assert_non_null(up);
	tdefs_fast();
	d = devs[0] = emu_dev_new(g_bed, ctx, &spec);
	emu_plug(d);
	radio_start(&r, ctx, "lvs-1", &m, up);
	assert_true(tb_loop_run_until(is_up, &r, DEADLINE_MS));

	/* Identity learnt from AT+CNUMF? during init. */
	id = tb_radio_link_identity(r.rl);
	assert_int_equal(id->mcc, 901);
	assert_int_equal(id->mnc, 16383);
	assert_int_equal(id->ssi, 23404);
	emu_get_stats(d, &st);
	unsigned n_ifaces = strcmp(up->name, "motorola") == 0 ? 1 : 2;
	assert_int_equal(st.claims, n_ifaces);
	assert_int_equal(st.claims_refused, 0);
	assert_int_equal(st.detaches, n_ifaces);	/* the kernel driver let go first */
	if (n_ifaces == 1) {	/* Motorola: the PEI interface's own bulk pair */
		int itf = pc->interface >= 0 ? pc->interface : up->pei_interface;
		assert_int_equal(st.claimed_mask, 1u << itf);
		assert_int_equal(st.in_ep, 0x81 + itf);
		assert_int_equal(st.out_ep, 0x01 + itf);
	} else {
		assert_int_equal(st.claimed_mask, 0x3);
		assert_int_equal(st.in_ep, 0x81);
		assert_int_equal(st.out_ep, 0x01);
	}
	if (n_ifaces == 2) {
		static const uint8_t coding[7] = { 0x00, 0xc2, 0x01, 0x00, 0, 0, 8 };	/* 115200 8N1 */
		assert_int_equal(st.line_codings, 1);
		assert_memory_equal(st.line_coding, coding, 7);
		assert_int_equal(st.line_states, 1);
		assert_int_equal(st.line_state, 0x3);	/* DTR | RTS */
	}
	{
		char want[96];
		snprintf(want, sizeof(want), "usb 1-1 %04x:%04x serial ABC123 if %d", pc->vid, pc->pid,
			 n_ifaces == 2 ? 1 : (pc->interface >= 0 ? pc->interface : up->pei_interface));
		assert_string_equal(r.t->ops->describe(r.t), want);
	}
	assert_int_equal(tb_transport_usb_info(r.t, &info), 0);
	assert_string_equal(info.bus_path, "1-1");
	assert_string_equal(info.serial, "ABC123");

	/* Unsolicited: a status and a text SDS. */
	tb_inject_status(emu_sim(d), SDS_ADDRS, 0x8004);
	struct want_status ws = { &r, 0x8004, 1 };
	assert_true(tb_loop_run_until(has_status, &ws, DEADLINE_MS));
	emu_get_stats(d, &st);
	unsigned full_before = st.in_full_packets;
	tb_inject_text(emu_sim(d), SDS_ADDRS, LONG_TEXT);
	struct want_text wt = { &r, LONG_TEXT };
	assert_true(tb_loop_run_until(has_text, &wt, DEADLINE_MS));
	emu_get_stats(d, &st);
	if (st.in_urbs && pc->max_packet == 64)	/* the hex line alone is 134 bytes */
		assert_true(st.in_full_packets >= full_before + 2);
	assert_int_equal(count_status(&r, 0x8004), 1);
	assert_int_equal(count_text(&r, LONG_TEXT), 1);
	/* Up and idle, the loop sleeps. */
	unsigned busy = busy_ms(200);
	if (busy > 10)
		fprintf(stderr, "# the loop woke up in %u of 200 idle milliseconds\n", busy);
	assert_true(busy <= 10);

	radios_free(&r, 1, devs);
	/* Released, and the kernel driver is back. */
	emu_get_stats(d, &st);
	assert_int_equal(st.releases, n_ifaces);
	if (pc->kernel_driver)
		assert_int_equal(st.reattaches, n_ifaces);
	emu_dev_destroy(&d);
	talloc_free(ctx);
}

static void test_motorola_high_speed(void **state)
{
	const struct profile_case pc = { "motorola", 0x0cad, 0x9013, 512, "usb-serial-simple", -1 };
	run_profile(&pc);
}

static void test_motorola_full_speed(void **state)
{
	const struct profile_case pc = { "motorola", 0x0cad, 0x9015, 64, "usb-serial-simple", -1 };
	run_profile(&pc);
}

static void test_cdc_acm(void **state)
{
	const struct profile_case pc = { "cdc-acm", 0x1234, 0x5678, 64, "cdc_acm", -1 };
	run_profile(&pc);
}

static void test_airbus(void **state)
{
	const struct profile_case pc = { "airbus", 0x1e8e, 0x6001, 64, "cdc_acm", -1 };
	run_profile(&pc);
}

/* The match spec picks the other Motorola interface (0x82/0x02). */
static void test_motorola_interface_1(void **state)
{
	const struct profile_case pc = { "motorola", 0x0cad, 0x9012, 64, "usb-serial-simple", 1 };
	run_profile(&pc);
}

/* No interface configured, and the terminal's PEI is on interface 1: the
 * first "AT" on interface 0 gets no answer, the link probes the next
 * interface and comes up there. */
static void test_motorola_probe_interface(void **state)
{
	void *ctx = talloc_named_const(g_root, 0, "probe");
	const struct tb_usb_profile *up = tb_usb_profile_find("motorola");
	struct emu_dev_spec spec = {
		.profile = up, .vid = 0x0cad, .pid = 0x9015, .max_packet = 64, .serial = "PROBE1",
		.port = 1, .kernel_driver = "usb-serial-simple", .tsi = TSI, .pei_only_on = 2,
	};
	struct tb_usb_match m = { .vid = 0x0cad, .pid = 0x9015, .interface = -1 };
	struct emu_dev *d, *devs[2] = { NULL, NULL };	/* NULL-terminated */
	struct emu_stats st;
	static struct radio r;

	tdefs_fast();
	d = devs[0] = emu_dev_new(g_bed, ctx, &spec);
	emu_plug(d);
	radio_start(&r, ctx, "probed", &m, up);
	assert_true(tb_loop_run_until(is_up, &r, DEADLINE_MS));
	assert_string_equal(r.t->ops->describe(r.t), "usb 1-1 0cad:9015 serial PROBE1 if 1");
	emu_get_stats(d, &st);
	assert_int_equal(st.claimed_mask, 1u << 1);
	assert_int_equal(st.in_ep, 0x82);
	assert_int_equal(tb_ctr_get(tb_radio_link_ctrs(r.rl), TB_RL_CTR_OPENS), 2);	/* interface 0, then 1 */

	tb_inject_status(emu_sim(d), SDS_ADDRS, 0x8002);
	struct want_status ws = { &r, 0x8002, 1 };
	assert_true(tb_loop_run_until(has_status, &ws, DEADLINE_MS));

	radios_free(&r, 1, devs);
	emu_dev_destroy(&d);
	talloc_free(ctx);
}

/* Unplugged while its IN transfers are in flight: LINK_DOWN; plugged back:
 * LINK_UP again, nothing twice, nothing lost that was printed after. */
static unsigned g_arrivals;
static char g_arrived_serial[128];
static struct tb_transport *g_arrival_t;
static bool g_arrival_matched;

static void arrival_cb(const struct tb_usb_device_info *info, void *data)
{
	g_arrivals++;
	snprintf(g_arrived_serial, sizeof(g_arrived_serial), "%s", info->serial);
	if (g_arrival_t && tb_transport_usb_matches(g_arrival_t, info))
		g_arrival_matched = true;
}

static bool arrived(void *arg)
{
	return g_arrival_matched;
}

static void test_unplug_replug(void **state)
{
	void *ctx = talloc_named_const(g_root, 0, "replug");
	const struct tb_usb_profile *up = tb_usb_profile_find("motorola");
	struct emu_dev_spec spec = {
		.profile = up, .pid = 0x9015, .serial = "MTP850-7", .port = 3,
		.kernel_driver = "usb-serial-simple", .tsi = TSI,
	};
	struct tb_usb_match m = { .vid = 0x0cad, .pid = 0x9015, .serial = "MTP850-7", .interface = -1 };
	struct emu_dev *d, *devs[2] = { NULL, NULL };
	struct tb_usb_watch *w;
	static struct radio r;
	long t0;

	tdefs_fast();
	d = devs[0] = emu_dev_new(g_bed, ctx, &spec);
	w = tb_usb_on_arrival(ctx, arrival_cb, NULL);
	assert_non_null(w);
	emu_plug(d);
	radio_start(&r, ctx, "nurse-2", &m, up);
	assert_true(tb_loop_run_until(is_up, &r, DEADLINE_MS));

	tb_inject_status(emu_sim(d), SDS_ADDRS, 0x8001);
	struct want_status ws1 = { &r, 0x8001, 1 };
	assert_true(tb_loop_run_until(has_status, &ws1, DEADLINE_MS));

	/* Pull it out with its bulk IN transfers waiting. */
	emu_unplug(d);
	assert_true(tb_loop_run_until(is_down, &r, DEADLINE_MS));
	assert_int_equal(r.downs, 1);
	assert_int_equal(r.last_down_reason, -EPIPE);
	assert_string_equal(tb_radio_link_state_name(r.rl), "BACKOFF");

	/* Back in; the terminal prints before the link has reopened. */
	g_arrival_t = r.t;
	g_arrival_matched = false;
	t0 = now_ms();
	emu_plug(d);
	tb_inject_status(emu_sim(d), SDS_ADDRS, 0x8002);
	assert_true(tb_loop_run_until(arrived, NULL, DEADLINE_MS));
	assert_string_equal(g_arrived_serial, "MTP850-7");
	struct want_ups wu = { &r, 2 };
	assert_true(tb_loop_run_until(has_ups, &wu, DEADLINE_MS));
	assert_true(now_ms() - t0 < 1500);
	struct want_status ws2 = { &r, 0x8002, 1 };
	assert_true(tb_loop_run_until(has_status, &ws2, DEADLINE_MS));
	round_trip(&r);
	assert_int_equal(count_status(&r, 0x8001), 1);
	assert_int_equal(count_status(&r, 0x8002), 1);
	assert_int_equal(r.ups, 2);
	assert_int_equal(r.downs, 1);

	g_arrival_t = NULL;
	tb_usb_watch_destroy(&w);
	radios_free(&r, 1, devs);
	emu_dev_destroy(&d);
	talloc_free(ctx);
}

/* Eight terminals, plugged in random order: each link finds its own by
 * serial number and keeps its name. */
#define N_MANY 8

static bool all_up(void *arg)
{
	struct radio *rs = arg;
	for (unsigned i = 0; i < N_MANY; i++)
		if (!tb_radio_link_is_up(rs[i].rl))
			return false;
	return true;
}

static bool all_status(void *arg)
{
	struct radio *rs = arg;
	for (unsigned i = 0; i < N_MANY; i++)
		if (count_status(&rs[i], 0x8100 + i) < 1)
			return false;
	return true;
}

static void list_cb(const struct tb_usb_device_info *info, void *data)
{
	unsigned *n = data;
	if (info->profile && strcmp(info->profile->name, "motorola") == 0 && strncmp(info->serial, "SN", 2) == 0)
		(*n)++;
}

static void test_eight_terminals(void **state)
{
	void *ctx = talloc_named_const(g_root, 0, "many");
	const struct tb_usb_profile *up = tb_usb_profile_find("motorola");
	static struct radio rs[N_MANY];
	struct emu_dev *devs[N_MANY + 1] = { NULL };
	char serials[N_MANY][16], tsis[N_MANY][20], names[N_MANY][16];
	unsigned order[N_MANY], seed = getenv("TB_TEST_SEED") ? (unsigned)atoi(getenv("TB_TEST_SEED")) :
				       (unsigned)time(NULL) ^ (unsigned)getpid();
	unsigned listed = 0;

	tdefs_fast();
	srand(seed);
	fprintf(stderr, "# plug order seed %u (TB_TEST_SEED=%u repeats it)\n", seed, seed);
	for (unsigned i = 0; i < N_MANY; i++) {
		snprintf(serials[i], sizeof(serials[i]), "SN%u", 100 + i);
		snprintf(tsis[i], sizeof(tsis[i]), "090116383%08u", 20000 + i);
		snprintf(names[i], sizeof(names[i]), "radio-%u", i);
		struct emu_dev_spec spec = {
			.profile = up, .pid = i % 2 ? 0x9015 : 0x9013, .serial = serials[i], .port = 10 + i,
			.kernel_driver = "usb-serial-simple", .tsi = tsis[i],
		};
		devs[i] = emu_dev_new(g_bed, ctx, &spec);
		order[i] = i;
	}
	for (unsigned i = N_MANY - 1; i > 0; i--) {
		unsigned j = rand() % (i + 1), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	/* The links first, all looking for terminals not there yet. */
	for (unsigned i = 0; i < N_MANY; i++) {
		struct tb_usb_match m = { .vid = 0x0cad, .serial = serials[i], .interface = -1 };
		radio_start(&rs[i], ctx, names[i], &m, up);
	}
	for (unsigned k = 0; k < N_MANY; k++) {
		emu_plug(devs[order[k]]);
		/* Let the loop run a little between plugs. */
		osmo_select_main_ctx(1);
	}
	assert_true(tb_loop_run_until(all_up, rs, DEADLINE_MS));
	for (unsigned i = 0; i < N_MANY; i++) {
		const struct tetra_identity *id = tb_radio_link_identity(rs[i].rl);
		assert_int_equal(id->ssi, 20000 + i);
		assert_string_equal(rs[i].name, names[i]);
		assert_non_null(strstr(rs[i].t->ops->describe(rs[i].t), serials[i]));
		tb_inject_status(emu_sim(devs[i]), SDS_ADDRS, 0x8100 + i);
	}
	assert_true(tb_loop_run_until(all_status, rs, DEADLINE_MS));
	for (unsigned i = 0; i < N_MANY; i++)
		for (unsigned j = 0; j < N_MANY; j++)
			assert_int_equal(count_status(&rs[i], 0x8100 + j), i == j ? 1 : 0);
	assert_true(tb_usb_list(list_cb, &listed) >= N_MANY);
	assert_int_equal(listed, N_MANY);
	/* Each link said "not present" once at most, not per retry. */
	for (unsigned i = 0; i < N_MANY; i++) {
		char needle[160];
		snprintf(needle, sizeof(needle), "serial %s present", serials[i]);
		assert_true(tb_log_capture_count(needle) <= 1);
	}

	radios_free(rs, N_MANY, devs);
	for (unsigned i = 0; i < N_MANY; i++)
		emu_dev_destroy(&devs[i]);
	talloc_free(ctx);
}

/* Two links with the same match take two different terminals: each the
 * first free one in bus order. */
static bool both_up(void *arg)
{
	struct radio *rs = arg;
	return tb_radio_link_is_up(rs[0].rl) && tb_radio_link_is_up(rs[1].rl);
}

static void test_first_free(void **state)
{
	void *ctx = talloc_named_const(g_root, 0, "first-free");
	const struct tb_usb_profile *up = tb_usb_profile_find("motorola");
	struct emu_dev_spec a = {
		.profile = up, .pid = 0x9015, .serial = "A-1", .port = 8,
		.kernel_driver = "usb-serial-simple", .tsi = "09011638300030001",
	};
	struct emu_dev_spec b = a;
	struct tb_usb_match m = { .vid = 0x0cad, .pid = 0x9015, .interface = -1 };
	struct emu_dev *devs[3] = { NULL, NULL, NULL };
	struct tb_usb_device_info i0, i1;
	static struct radio rs[2];

	tdefs_fast();
	b.serial = "B-2";
	b.port = 9;
	b.tsi = "09011638300030002";
	devs[1] = emu_dev_new(g_bed, ctx, &b);	/* plugged first, but later in bus order */
	emu_plug(devs[1]);
	devs[0] = emu_dev_new(g_bed, ctx, &a);
	emu_plug(devs[0]);
	radio_start(&rs[0], ctx, "first", &m, up);
	radio_start(&rs[1], ctx, "second", &m, up);
	assert_true(tb_loop_run_until(both_up, rs, DEADLINE_MS));
	assert_int_equal(tb_transport_usb_info(rs[0].t, &i0), 0);
	assert_int_equal(tb_transport_usb_info(rs[1].t, &i1), 0);
	assert_string_equal(i0.bus_path, "1-8");
	assert_string_equal(i1.bus_path, "1-9");
	assert_int_equal(tb_radio_link_identity(rs[0].rl)->ssi, 30001);
	assert_int_equal(tb_radio_link_identity(rs[1].rl)->ssi, 30002);
	assert_true(i0.in_use && i1.in_use);

	radios_free(rs, 2, devs);
	emu_dev_destroy(&devs[0]);
	emu_dev_destroy(&devs[1]);
	talloc_free(ctx);
}

/* A terminal that stops answering: the keep-alive notices, the link is
 * reset (interfaces released, device reopened) and comes back. */
static void test_silent_terminal(void **state)
{
	void *ctx = talloc_named_const(g_root, 0, "silent");
	const struct tb_usb_profile *up = tb_usb_profile_find("motorola");
	struct emu_dev_spec spec = {
		.profile = up, .pid = 0x9013, .serial = "QUIET", .port = 4,
		.kernel_driver = "usb-serial-simple", .tsi = TSI,
	};
	struct tb_usb_match m = { .vid = 0x0cad, .serial = "QUIET", .interface = -1 };
	struct emu_dev *d, *devs[2] = { NULL, NULL };
	struct emu_stats st;
	static struct radio r;

	tdefs_fast();
	assert_int_equal(osmo_tdef_set(tb_radio_link_tdefs, TB_T_KEEPALIVE, 1, OSMO_TDEF_S), 0);
	d = devs[0] = emu_dev_new(g_bed, ctx, &spec);
	emu_plug(d);
	radio_start(&r, ctx, "amb-3", &m, up);
	assert_true(tb_loop_run_until(is_up, &r, DEADLINE_MS));

	tb_sim_set_silent(emu_sim(d), true);
	assert_true(tb_loop_run_until(is_down, &r, DEADLINE_MS));
	assert_int_equal(tb_ctr_get(tb_radio_link_ctrs(r.rl), TB_RL_CTR_KEEPALIVE_FAILURES), 1);
	assert_true(tb_log_capture_count("stopped answering the keep-alive") >= 1);

	tb_sim_set_silent(emu_sim(d), false);
	struct want_ups wu = { &r, 2 };
	assert_true(tb_loop_run_until(has_ups, &wu, DEADLINE_MS));
	emu_get_stats(d, &st);
	assert_true(st.releases >= 1);	/* reset: released ... */
	assert_true(st.claims >= 2);	/* ... and claimed again */
	assert_int_equal(st.plugs, 1);	/* without being unplugged */

	radios_free(&r, 1, devs);
	emu_dev_destroy(&d);
	talloc_free(ctx);
}

/* After a keep-alive reset, a terminal that answered on its PEI interface
 * before is asked there again and again while it is silent, never on its
 * other interface: it is back at its first answer. */
static bool asked(void *arg)
{
	struct emu_dev *d = ((struct emu_dev **)arg)[0];
	unsigned want = (unsigned)(uintptr_t)((struct emu_dev **)arg)[1];
	struct emu_stats st;

	emu_get_stats(d, &st);
	return st.out_urbs >= want;
}

static void test_silent_terminal_keeps_its_interface(void **state)
{
	void *ctx = talloc_named_const(g_root, 0, "silent-if");
	const struct tb_usb_profile *up = tb_usb_profile_find("motorola");
	struct emu_dev_spec spec = {
		.profile = up, .pid = 0x9013, .serial = "QUIET2", .port = 5,
		.kernel_driver = "usb-serial-simple", .tsi = TSI, .pei_only_on = 1,
	};
	struct tb_usb_match m = { .vid = 0x0cad, .serial = "QUIET2", .interface = -1 };
	struct emu_dev *d, *devs[2] = { NULL, NULL };
	struct emu_stats st;
	static struct radio r;
	void *until[2];

	tdefs_fast();
	assert_int_equal(osmo_tdef_set(tb_radio_link_tdefs, TB_T_KEEPALIVE, 1, OSMO_TDEF_S), 0);
	assert_int_equal(osmo_tdef_set(tb_radio_link_tdefs, TB_T_WAKE, 50, OSMO_TDEF_MS), 0);
	d = devs[0] = emu_dev_new(g_bed, ctx, &spec);
	emu_plug(d);
	radio_start(&r, ctx, "amb-4", &m, up);
	assert_true(tb_loop_run_until(is_up, &r, DEADLINE_MS));

	tb_sim_set_silent(emu_sim(d), true);
	assert_true(tb_loop_run_until(is_down, &r, DEADLINE_MS));
	/* Asked several X2 windows long (X2 300 ms, X5 50 ms). */
	emu_get_stats(d, &st);
	until[0] = d;
	until[1] = (void *)(uintptr_t)(st.out_urbs + 20);
	assert_true(tb_loop_run_until(asked, until, DEADLINE_MS));
	assert_string_equal(r.t->ops->describe(r.t), "usb 1-5 0cad:9013 serial QUIET2 if 0");
	assert_int_equal(tb_log_capture_count("the next open tries interface 1"), 0);
	/* once up, once after the reset */
	assert_int_equal(tb_ctr_get(tb_radio_link_ctrs(r.rl), TB_RL_CTR_OPENS), 2);
	assert_int_equal(tb_ctr_get(tb_radio_link_ctrs(r.rl), TB_RL_CTR_BACKOFFS), 1);	/* the reset's own */

	tb_sim_set_silent(emu_sim(d), false);
	struct want_ups wu = { &r, 2 };
	assert_true(tb_loop_run_until(has_ups, &wu, DEADLINE_MS));
	assert_int_equal(tb_ctr_get(tb_radio_link_ctrs(r.rl), TB_RL_CTR_OPENS), 2);	/* no reopen, no backoff */

	radios_free(&r, 1, devs);
	emu_dev_destroy(&d);
	talloc_free(ctx);
}

/* A terminal still booting when it is plugged in does not answer AT yet:
 * asked again and again on the open link with no growing wait, with one
 * look at its other interface after each X2 of silence (its PEI might be
 * there), it comes up as soon as it answers, on its PEI interface. */
static void test_booting_terminal(void **state)
{
	void *ctx = talloc_named_const(g_root, 0, "booting");
	const struct tb_usb_profile *up = tb_usb_profile_find("motorola");
	struct emu_dev_spec spec = {
		.profile = up, .pid = 0x9013, .serial = "BOOT", .port = 6,
		.kernel_driver = "usb-serial-simple", .tsi = TSI, .pei_only_on = 1,
	};
	struct tb_usb_match m = { .vid = 0x0cad, .serial = "BOOT", .interface = -1 };
	struct emu_dev *d, *devs[2] = { NULL, NULL };
	static struct radio r;
	void *until[2];
	uint64_t t0;

	tdefs_fast();
	assert_int_equal(osmo_tdef_set(tb_radio_link_tdefs, TB_T_WAKE, 50, OSMO_TDEF_MS), 0);
	d = devs[0] = emu_dev_new(g_bed, ctx, &spec);
	tb_sim_set_silent(emu_sim(d), true);
	emu_plug(d);
	radio_start(&r, ctx, "nurse-5", &m, up);
	until[0] = d;
	until[1] = (void *)(uintptr_t)20;
	assert_true(tb_loop_run_until(asked, until, DEADLINE_MS));
	assert_false(tb_radio_link_is_up(r.rl));
	assert_int_equal(tb_ctr_get(tb_radio_link_ctrs(r.rl), TB_RL_CTR_OPEN_FAILURES), 0);
	assert_int_equal(tb_ctr_get(tb_radio_link_ctrs(r.rl), TB_RL_CTR_BACKOFFS), 0);	/* no growing wait */
	assert_true(tb_ctr_get(tb_radio_link_ctrs(r.rl), TB_RL_CTR_WAKE_RETRIES) >= 10);
	/* Said once, however long it takes (repeats are "still failing"). */
	assert_int_equal(tb_log_capture_count("{INIT}: terminal does not answer AT"), 1);

	t0 = now_ms();
	tb_sim_set_silent(emu_sim(d), false);
	assert_true(tb_loop_run_until(is_up, &r, DEADLINE_MS));
	printf("online %llu ms after the terminal answered\n", (unsigned long long)(now_ms() - t0));
	assert_string_equal(r.t->ops->describe(r.t), "usb 1-6 0cad:9013 serial BOOT if 0");
	assert_int_equal(r.ups, 1);

	radios_free(&r, 1, devs);
	emu_dev_destroy(&d);
	talloc_free(ctx);
}

/* A link that wants one identity opens the candidates one at a time, and
 * passes over a terminal that reports another: no LINK_UP / LINK_DOWN for
 * it, what it printed during the init dropped, the device released and
 * offered again. What the right terminal printed during the init comes
 * after LINK_UP. */
static unsigned g_reoffers;
static char g_reoffered_path[32];

static void reoffer_cb(const struct tb_usb_device_info *info, void *data)
{
	if (info->reoffered) {
		g_reoffers++;
		snprintf(g_reoffered_path, sizeof(g_reoffered_path), "%s", info->bus_path);
	}
}

static bool reoffered(void *arg)
{
	return g_reoffers > 0;
}

static void test_match_identity(void **state)
{
	void *ctx = talloc_named_const(g_root, 0, "identity");
	const struct tb_usb_profile *up = tb_usb_profile_find("motorola");
	struct emu_dev_spec x = {
		.profile = up, .pid = 0x9015, .serial = "ID-X", .port = 12,
		.kernel_driver = "usb-serial-simple", .tsi = "09011638300040001",
	};
	struct emu_dev_spec y = x;
	struct tb_usb_match m = { .vid = 0x0cad, .interface = -1 };
	struct tetra_identity want = { .type = TETRA_ID_TSI, .mcc = 901, .mnc = 16383, .ssi = 40002 };
	struct emu_dev *devs[3] = { NULL, NULL, NULL };
	struct tb_usb_device_info info;
	struct tb_usb_watch *w;
	struct emu_stats st;
	static struct radio r;

	tdefs_fast();
	y.serial = "ID-Y";
	y.port = 13;
	y.tsi = "09011638300040002";
	devs[0] = emu_dev_new(g_bed, ctx, &x);	/* first in bus order: tried first */
	devs[1] = emu_dev_new(g_bed, ctx, &y);
	emu_plug(devs[0]);
	emu_plug(devs[1]);
	/* Both have printed something that waits for the host. */
	tb_inject_status(emu_sim(devs[0]), SDS_ADDRS, 0x8401);
	tb_inject_status(emu_sim(devs[1]), SDS_ADDRS, 0x8402);
	g_reoffers = 0;
	w = tb_usb_on_arrival(ctx, reoffer_cb, NULL);

	memset(&r, 0, sizeof(r));
	r.name = "by-id";
	r.t = tb_transport_usb_alloc(ctx, &m, up);
	r.rl = tb_radio_link_alloc(ctx, r.name, r.t, tb_profile_find("motorola"), &g_cbs, &r);
	assert_non_null(r.rl);
	tb_radio_link_match_identity(r.rl, &want);
	tb_radio_link_start(r.rl);
	assert_true(tb_loop_run_until(is_up, &r, DEADLINE_MS));

	assert_int_equal(tb_transport_usb_info(r.t, &info), 0);
	assert_string_equal(info.bus_path, "1-13");
	assert_int_equal(tb_radio_link_identity(r.rl)->ssi, 40002);
	assert_int_equal(tb_ctr_get(tb_radio_link_ctrs(r.rl), TB_RL_CTR_WRONG_TERMINAL), 1);
	assert_true(tb_ctr_get(tb_radio_link_ctrs(r.rl), TB_RL_CTR_HELD_DROPPED) >= 1);
	assert_int_equal(r.ups, 1);
	assert_int_equal(r.downs, 0);
	/* Online first, then what it printed during the init; X's status never. */
	assert_int_equal(r.prims[0].oph.sap, TETRA_SAP_LINK);
	assert_int_equal(r.prims[0].oph.primitive, TETRA_LINK_UP);
	struct want_status ws = { &r, 0x8402, 1 };
	assert_true(tb_loop_run_until(has_status, &ws, DEADLINE_MS));
	assert_int_equal(count_status(&r, 0x8401), 0);
	/* X let go, its driver back, and offered to others. */
	assert_true(tb_loop_run_until(reoffered, NULL, DEADLINE_MS));
	assert_string_equal(g_reoffered_path, "1-12");
	emu_get_stats(devs[0], &st);
	assert_int_equal(st.claimed_now, 0);
	assert_int_equal(st.reattaches, 1);
	/* Passed over until unplugged: the transport does not take it again. */
	assert_true(tb_usb_list(NULL, NULL) >= 2);
	{
		struct tb_usb_match any = { .vid = 0x0cad, .interface = -1 };
		struct tb_transport *other = tb_transport_usb_alloc(ctx, &any, up);
		struct tb_usb_device_info xi = { 0 };
		libusb_device **list;
		ssize_t n = libusb_get_device_list(tb_usb_context(), &list);
		for (ssize_t i = 0; i < n; i++) {
			struct tb_usb_device_info ii;
			if (tb_usb_device_info(list[i], &ii) == 0 && !strcmp(ii.bus_path, "1-12"))
				xi = ii;
		}
		assert_string_equal(xi.bus_path, "1-12");
		assert_false(tb_transport_usb_matches(r.t, &xi));
		assert_true(tb_transport_usb_matches(other, &xi));	/* another link may have it */
		libusb_free_device_list(list, 1);
		tb_transport_destroy(&other);
	}

	tb_usb_watch_destroy(&w);
	radios_free(&r, 1, devs);
	emu_dev_destroy(&devs[0]);
	emu_dev_destroy(&devs[1]);
	talloc_free(ctx);
}

/* A link that names no serial number leaves a terminal alone that another
 * link names by serial number. */
static bool failed_once(void *arg)
{
	return tb_ctr_get(tb_radio_link_ctrs(((struct radio *)arg)->rl), TB_RL_CTR_OPEN_FAILURES) >= 1;
}

static void test_reserved_by_serial(void **state)
{
	void *ctx = talloc_named_const(g_root, 0, "reserved");
	const struct tb_usb_profile *up = tb_usb_profile_find("motorola");
	struct emu_dev_spec a = {
		.profile = up, .pid = 0x9013, .serial = "RES-1", .port = 14,
		.kernel_driver = "usb-serial-simple", .tsi = "09011638300050001",
	};
	struct emu_dev_spec b = a;
	struct tb_usb_match any = { .vid = 0x0cad, .interface = -1 };
	struct tb_usb_match named = { .vid = 0x0cad, .serial = "RES-1", .interface = -1 };
	struct emu_dev *devs[3] = { NULL, NULL, NULL };
	struct tb_usb_device_info i0, i1;
	static struct radio rs[2];

	tdefs_fast();
	b.serial = "RES-2";
	b.port = 15;
	b.tsi = "09011638300050002";
	devs[0] = emu_dev_new(g_bed, ctx, &a);	/* first in bus order */
	devs[1] = emu_dev_new(g_bed, ctx, &b);
	/* The named link looks first, finds nothing and waits to retry. */
	radio_start(&rs[1], ctx, "named", &named, up);
	assert_true(tb_loop_run_until(failed_once, &rs[1], DEADLINE_MS));
	emu_plug(devs[0]);
	emu_plug(devs[1]);
	/* Meanwhile the generic link takes the first free terminal that is
	 * not RES-1. */
	radio_start(&rs[0], ctx, "any", &any, up);
	assert_true(tb_loop_run_until(both_up, rs, DEADLINE_MS));
	assert_int_equal(tb_transport_usb_info(rs[0].t, &i0), 0);
	assert_int_equal(tb_transport_usb_info(rs[1].t, &i1), 0);
	assert_string_equal(i0.serial, "RES-2");
	assert_string_equal(i1.serial, "RES-1");
	assert_int_equal(rs[0].ups, 1);
	assert_int_equal(tb_ctr_get(tb_radio_link_ctrs(rs[0].rl), TB_RL_CTR_OPEN_FAILURES), 0);

	radios_free(rs, 2, devs);
	emu_dev_destroy(&devs[0]);
	emu_dev_destroy(&devs[1]);
	talloc_free(ctx);
}

/* Errors a person can act on, said once while the link keeps retrying. */
static bool failed_thrice(void *arg)
{
	return tb_ctr_get(tb_radio_link_ctrs(((struct radio *)arg)->rl), TB_RL_CTR_OPEN_FAILURES) >= 3;
}

static void test_permission_denied(void **state)
{
	void *ctx = talloc_named_const(g_root, 0, "denied");
	const struct tb_usb_profile *up = tb_usb_profile_find("motorola");
	struct emu_dev_spec spec = {
		.profile = up, .pid = 0x9013, .serial = "LOCKED", .port = 5,
		.kernel_driver = "usb-serial-simple", .tsi = TSI,
	};
	struct tb_usb_match m = { .vid = 0x0cad, .serial = "LOCKED", .interface = -1 };
	struct emu_dev *d, *devs[2] = { NULL, NULL };
	static struct radio r;

	tdefs_fast();
	d = devs[0] = emu_dev_new(g_bed, ctx, &spec);
	emu_plug(d);
	tb_log_capture_clear();
	if (!emu_deny_access(d, true)) {
		emu_deny_access(d, false);
		emu_dev_destroy(&d);
		talloc_free(ctx);
		skip();	/* root without CAP_SETUID: cannot be denied anything */
	}
	radio_start(&r, ctx, "locked-1", &m, up);
	bool failed = tb_loop_run_until(failed_thrice, &r, DEADLINE_MS);
	assert_true(emu_deny_access(d, false));
	assert_true(failed);
	assert_int_equal(tb_log_capture_count("no permission to open USB terminal"), 1);
	assert_non_null(strstr(tb_log_capture_line("no permission"), "60-tetra-bridge.rules"));
	assert_non_null(strstr(tb_log_capture_line("no permission"), "group tetra"));
	/* Fixed: the link comes up by itself. */
	assert_true(tb_loop_run_until(is_up, &r, DEADLINE_MS));

	radios_free(&r, 1, devs);
	emu_dev_destroy(&d);
	talloc_free(ctx);
}

static void test_busy(void **state)
{
	void *ctx = talloc_named_const(g_root, 0, "busy");
	const struct tb_usb_profile *up = tb_usb_profile_find("motorola");
	struct emu_dev_spec spec = {
		.profile = up, .pid = 0x9015, .serial = "HELD", .port = 6,
		.kernel_driver = "usb-serial-simple", .tsi = TSI,
	};
	struct emu_dev_spec spec2 = {
		.profile = tb_usb_profile_find("cdc-acm"), .vid = 0x1234, .pid = 0x5678, .serial = "STUCK",
		.port = 7, .kernel_driver = "cdc_acm", .tsi = TSI,
	};
	struct tb_usb_match m = { .vid = 0x0cad, .serial = "HELD", .interface = -1 };
	struct tb_usb_match m2 = { .vid = 0x1234, .pid = 0x5678, .interface = -1 };
	struct emu_dev *devs[3] = { NULL, NULL, NULL };
	static struct radio rs[3];

	tdefs_fast();
	tb_log_capture_clear();
	/* Another program has the interface. */
	devs[0] = emu_dev_new(g_bed, ctx, &spec);
	emu_set_held_by_other(devs[0], true);
	emu_plug(devs[0]);
	radio_start(&rs[0], ctx, "held-1", &m, up);
	assert_true(tb_loop_run_until(failed_thrice, &rs[0], DEADLINE_MS));
	assert_int_equal(tb_log_capture_count("is busy"), 1);
	assert_non_null(strstr(tb_log_capture_line("is busy"), "usbfs"));

	/* A kernel driver that does not let go. */
	devs[1] = emu_dev_new(g_bed, ctx, &spec2);
	emu_set_detach_fails(devs[1], true);
	emu_plug(devs[1]);
	radio_start(&rs[1], ctx, "stuck-1", &m2, tb_usb_profile_find("cdc-acm"));
	assert_true(tb_loop_run_until(failed_thrice, &rs[1], DEADLINE_MS));
	assert_int_equal(tb_log_capture_count("cannot detach kernel driver"), 1);
	assert_non_null(strstr(tb_log_capture_line("cannot detach kernel driver"), "cdc_acm"));

	/* Nothing there at all. */
	struct tb_usb_match m3 = { .vid = 0x0cad, .pid = 0x9016, .interface = -1 };
	radio_start(&rs[2], ctx, "absent-1", &m3, up);
	assert_true(tb_loop_run_until(failed_thrice, &rs[2], DEADLINE_MS));
	assert_int_equal(tb_log_capture_count("no USB terminal matching 0cad:9016 present"), 1);

	radios_free(rs, 3, devs);
	emu_dev_destroy(&devs[0]);
	emu_dev_destroy(&devs[1]);
	talloc_free(ctx);
}

/* ---- set-up ------------------------------------------------------------------ */

static int group_setup(void **state)
{
	struct log_target *t;

	g_root = talloc_named_const(NULL, 0, "test_usb");
	assert_int_equal(tb_logging_init(g_root), 0);
	log_set_all_filter(osmo_stderr_target, 1);
	log_set_log_level(osmo_stderr_target, getenv("TB_TEST_DEBUG") ? LOGL_DEBUG : LOGL_ERROR);
	if (getenv("TB_TEST_DEBUG"))
		log_set_print_extended_timestamp(osmo_stderr_target, 1);
	t = tb_log_capture_start(LOGL_NOTICE);
	log_set_category_filter(t, DUSB, 1, LOGL_DEBUG);
	log_set_category_filter(t, DRADIO, 1, LOGL_DEBUG);

	g_bed = emu_bed_new();		/* before libusb_init() */
	assert_int_equal(tb_usb_init(g_root), 0);
	return 0;
}

static int group_teardown(void **state)
{
	tb_usb_exit();
	emu_bed_destroy(&g_bed);
	log_fini();
	talloc_free(g_root);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_motorola_high_speed),
		cmocka_unit_test(test_motorola_full_speed),
		cmocka_unit_test(test_cdc_acm),
		cmocka_unit_test(test_airbus),
		cmocka_unit_test(test_motorola_interface_1),
		cmocka_unit_test(test_motorola_probe_interface),
		cmocka_unit_test(test_unplug_replug),
		cmocka_unit_test(test_eight_terminals),
		cmocka_unit_test(test_first_free),
		cmocka_unit_test(test_silent_terminal),
		cmocka_unit_test(test_silent_terminal_keeps_its_interface),
		cmocka_unit_test(test_booting_terminal),
		cmocka_unit_test(test_match_identity),
		cmocka_unit_test(test_reserved_by_serial),
		cmocka_unit_test(test_permission_denied),
		cmocka_unit_test(test_busy),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("usb", tests, group_setup, group_teardown);
}
