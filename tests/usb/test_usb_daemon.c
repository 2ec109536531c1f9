/* The real tetra-bridged, as a child process under umockdev, drives USB
 * terminals emulated in this process (usb_emu.h); a real ZeroMQ subscriber
 * here checks the events it publishes. See docs/testing.md §8 ("The daemon
 * as a child") and usb_daemon.h.
 *
 *   plugged_after_start   a Motorola terminal (full speed: 64-byte packets
 *                         split the lines) plugged while the daemon runs:
 *                         online with its identity, then a status and a
 *                         text, consecutive seq; show radios / show usb /
 *                         write terminal over the VTY
 *   unplug_replug         unplugged during traffic: offline; plugged back:
 *                         online within 1 s of the "add" uevent, nothing
 *                         decoded twice, nothing printed after it lost
 *   names_by_serial_and_identity
 *                         two radios by serial number, one by identity, a
 *                         stranger's terminal: plugged in random order, each
 *                         event carries the configured name; the identity
 *                         radio tries the stranger's terminal once and
 *                         leaves it; no identity in the log
 *   errors_said_once      busy interface, a kernel driver that will not
 *                         let go, a terminal that never answers AT: each
 *                         said once at NOTICE while the links keep retrying
 *
 * One test per process (the test bed belongs to the process):
 * test_usb_daemon <name>. TB_TEST_DEBUG=1 shows the daemon's log,
 * TB_TEST_SEED=N repeats a plug order.
 *
 * The PUB/SUB "slow joiner": the subscriber connects before the daemon
 * binds, but the first events may still be lost. A probe terminal (radio
 * "probe", CDC-ACM) prints statuses until one arrives, then a marker; from
 * the marker on every event is expected exactly.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <osmocom/core/application.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>

#include "common/logging.h"
#include "radio-drivers/sim_terminal.h"
#include "radio-drivers/usb_profile.h"
#include "tests/lib/inject.h"
#include "tests/lib/loop.h"
#include "tests/lib/text.h"
#include "tests/lib/tmpdir.h"
#include "usb_daemon.h"
#include "usb_emu.h"

#define WAIT_MS 10000		/* bound of every wait: generous for ASan */

static const char *g_daemon = TB_DAEMON_PATH;
static const char *g_preload = TB_UMOCKDEV_PRELOAD;

static void *g_root;
static struct emu_bed *g_bed;

static const char *LONG_TEXT = "Pasient i rom 12 trenger tilsyn av lege snarest, ring legevakta";

/* ---- fixture ------------------------------------------------------------------ */

struct fixture {
	char dir[32];			/* /tmp/tbud.XXXXXX: config, events socket */
	char endpoint[96];
	char cfg_path[96];
	char cfg[4096];
	struct ud_daemon dm;
	struct ud_sub *sub;
	uint64_t last_seq;
	struct emu_dev *probe;
};

static struct fixture g_fx;

static struct emu_dev *dev_new(const char *profile, uint16_t vid, uint16_t pid, const char *serial,
			       unsigned port, const char *driver, const char *tsi)
{
	const struct emu_dev_spec spec = {
		.profile = tb_usb_profile_find(profile), .vid = vid, .pid = pid, .serial = serial,
		.port = port, .kernel_driver = driver, .tsi = tsi,
	};
	return emu_dev_new(g_bed, g_root, &spec);
}

/* The config: logging (libosmocore 1.7: one level for all categories), VTY on a free port, the events socket, timers, the
 * probe radio and then the radios given. First reopen delay X3 5 s: only
 * the hot-plug path brings a radio back within a second. */
static void write_config(struct fixture *f, const char *timers, const char *level, const char *radios)
{
	FILE *fp;

	snprintf(f->cfg, sizeof(f->cfg),
		 "log stderr\n"
		 " logging filter all 1\n"
		 " logging color 0\n"
		 " logging print category 1\n"
		 " logging print level 1\n"
		 " logging level all %s\n"
		 "line vty\n"
		 " bind 127.0.0.1 0\n"
		 "bridge\n"
		 " id usb-test\n"
		 " events bind %s\n"
		 " commands bind ipc://%.31s/commands\n"
		 " state-dir %.31s/var\n"
		 "%s"
		 "radio probe\n"
		 " transport usb 1234:5678\n"
		 " usb profile cdc-acm\n"
		 " usb serial PROBE\n"
		 "%s",
		 level ? level : "notice", f->endpoint, f->dir, f->dir,
		 timers ? timers : " timer radio X1 60\n timer radio X2 2000\n timer radio X3 5000\n"
				   " timer radio X4 30\n",
		 radios);
	fp = fopen(f->cfg_path, "w");
	assert_non_null(fp);
	assert_true(fputs(f->cfg, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

static void start(struct fixture *f)
{
	/* Subscribe before the daemon binds: ZeroMQ connects when it appears. */
	f->sub = ud_sub_open(f->endpoint);
	assert_int_equal(ud_start(&f->dm, g_daemon, g_preload, f->cfg_path), 0);
	if (!ud_wait_log(&f->dm, "running", 1, WAIT_MS)) {
		fprintf(stderr, "%s", f->dm.log ? f->dm.log : "(no log)\n");
		fail_msg("the daemon did not start");
	}
}

/* Who sends the SDS the terminals print, and to whom (TSIs). A text's hex
 * line (tb_inject_text()) is longer than two 64-byte packets. */
#define SDS_ADDRS "09011638300023404,1,09011638300000001,1"

static void ev_free(Tetrabridge__V1__Event *ev)
{
	tetrabridge__v1__event__free_unpacked(ev, NULL);
}

static Tetrabridge__V1__Event *recv_ev(struct fixture *f, char *topic, size_t tsize)
{
	Tetrabridge__V1__Event *ev = ud_sub_recv(f->sub, topic, tsize, WAIT_MS);

	if (!ev && f->dm.log)
		fprintf(stderr, "--- daemon log ---\n%s--- end ---\n", f->dm.log);
	assert_non_null(ev);
	return ev;
}

/* A status cut by an unplug between its header and its data line: the
 * header is flushed when the link resets, after the offline event, and
 * published raw, saying its data never came (a message is never dropped
 * unseen). Where the unplug falls is timing: the tests skip it. */
static bool is_cut_status(const Tetrabridge__V1__Event *ev)
{
	return ev->body_case == TETRABRIDGE__V1__EVENT__BODY_SDS_RAW && ev->sds_raw->ai_service == 13 &&
	       ev->sds_raw->decode_error && strcmp(ev->sds_raw->decode_error, "no_data") == 0;
}

/* The next event: of this kind, from this radio, seq one above the last. */
static Tetrabridge__V1__Event *expect(struct fixture *f, Tetrabridge__V1__Event__BodyCase kind, const char *radio)
{
	char topic[128], want[128];
	Tetrabridge__V1__Event *ev = recv_ev(f, topic, sizeof(topic));

	if (kind != TETRABRIDGE__V1__EVENT__BODY_SDS_RAW && is_cut_status(ev)) {
		assert_int_equal(ev->seq, f->last_seq + 1);
		f->last_seq = ev->seq;
		ev_free(ev);
		ev = recv_ev(f, topic, sizeof(topic));
	}

	if (ev->body_case != kind || strcmp(ev->radio, radio) != 0)
		fprintf(stderr, "# got %s (kind %d), want kind %d from %s\n", topic, ev->body_case, kind, radio);
	assert_int_equal(ev->body_case, kind);
	assert_string_equal(ev->radio, radio);
	assert_string_equal(ev->bridge, "usb-test");
	snprintf(want, sizeof(want), ".%s", radio);
	assert_non_null(strstr(topic, want));
	assert_int_equal(ev->seq, f->last_seq + 1);
	f->last_seq = ev->seq;
	return ev;
}

static void expect_status(struct fixture *f, const char *radio, uint16_t value)
{
	Tetrabridge__V1__Event *ev = expect(f, TETRABRIDGE__V1__EVENT__BODY_STATUS, radio);

	assert_int_equal(ev->status->value, value);
	ev_free(ev);
}

static void expect_online(struct fixture *f, const char *radio, const char *tsi)
{
	Tetrabridge__V1__Event *ev = expect(f, TETRABRIDGE__V1__EVENT__BODY_RADIO_STATE, radio);
	unsigned mcc, mnc, ssi;

	assert_int_equal(sscanf(tsi, "%4u%5u%8u", &mcc, &mnc, &ssi), 3);
	assert_int_equal(ev->radio_state->state, TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_ONLINE);
	assert_string_equal(ev->radio_state->transport, "usb");
	assert_non_null(ev->radio_state->identity);
	assert_int_equal(ev->radio_state->identity->mcc, mcc);
	assert_int_equal(ev->radio_state->identity->mnc, mnc);
	assert_int_equal(ev->radio_state->identity->ssi, ssi);
	ev_free(ev);
}

/* Statuses on the probe terminal until one arrives, then a marker: from
 * there on nothing may be lost. */
static void sync_stream(struct fixture *f)
{
	char topic[128];
	Tetrabridge__V1__Event *ev = NULL;

	for (int tries = 0; tries < 100 && !ev; tries++) {
		tb_inject_status(emu_sim(f->probe), SDS_ADDRS, 0x8000);
		ev = ud_sub_recv(f->sub, topic, sizeof(topic), 200);
		while (ev && !(ev->body_case == TETRABRIDGE__V1__EVENT__BODY_STATUS && !strcmp(ev->radio, "probe"))) {
			ev_free(ev);
			ev = ud_sub_recv(f->sub, topic, sizeof(topic), 200);
		}
	}
	if (!ev && f->dm.log)
		fprintf(stderr, "--- daemon log ---\n%s--- end ---\n", f->dm.log);
	assert_non_null(ev);
	ev_free(ev);

	tb_inject_status(emu_sim(f->probe), SDS_ADDRS, 0x8FFF);
	for (;;) {
		bool marker;

		ev = recv_ev(f, topic, sizeof(topic));
		marker = ev->body_case == TETRABRIDGE__V1__EVENT__BODY_STATUS && ev->status->value == 0x8FFF &&
			 !strcmp(ev->radio, "probe");
		f->last_seq = ev->seq;
		ev_free(ev);
		if (marker)
			break;
	}
}

/* Nothing else came: a probe marker is the very next event. */
static void expect_nothing_else(struct fixture *f, uint16_t marker)
{
	tb_inject_status(emu_sim(f->probe), SDS_ADDRS, marker);
	expect_status(f, "probe", marker);
}

static char *vty(struct fixture *f, const char *cmd)
{
	char *out = ud_vty(&f->dm, cmd, WAIT_MS);

	assert_non_null(out);
	if (getenv("TB_TEST_DEBUG"))
		fprintf(stderr, "--- %s ---\n%s\n", cmd, out);
	return out;
}

/* ---- (a) plugged after start -------------------------------------------------- */

#define TSI_A "09011638300023404"
#define TSI_B "09011638300023405"
#define TSI_C "09011638300023406"
#define TSI_D "09011638300023407"

static void test_plugged_after_start(void **state)
{
	struct fixture *f = &g_fx;
	struct emu_dev *m;
	struct emu_stats st;
	Tetrabridge__V1__Event *ev;
	unsigned full_before;
	char *out;

	m = dev_new("motorola", 0x0cad, 0x9015, "MTP850-A", 3, "usb-serial-simple", TSI_A);
	write_config(f, NULL, NULL,
		     "radio lvs-1\n"
		     " transport usb 0cad:9015\n"
		     " usb serial MTP850-A\n"
		     " usb interface 0\n"
		     " match identity " TSI_A "\n");
	start(f);
	sync_stream(f);

	emu_plug(m);
	expect_online(f, "lvs-1", TSI_A);

	tb_inject_status(emu_sim(m), SDS_ADDRS, 0x8004);
	emu_get_stats(m, &st);
	full_before = st.in_full_packets;
	tb_inject_text(emu_sim(m), SDS_ADDRS, LONG_TEXT);
	expect_status(f, "lvs-1", 0x8004);
	ev = expect(f, TETRABRIDGE__V1__EVENT__BODY_TEXT, "lvs-1");
	assert_string_equal(ev->text->text, LONG_TEXT);
	ev_free(ev);
	emu_get_stats(m, &st);
	assert_true(st.in_full_packets >= full_before + 2);	/* the text came in 64-byte pieces */
	assert_int_equal(st.detaches, 1);			/* usb-serial-simple let go first */
	expect_nothing_else(f, 0x8FFE);

	/* The VTY: where each radio's terminal is, and what is plugged in. */
	out = vty(f, "show radios lvs-1");
	assert_non_null(strstr(out, "link READY"));
	assert_non_null(strstr(out, "usb device 1-3, 0cad:9015 MTP85xx, usb profile motorola, serial MTP850-A, "
				    "interface 0"));
	assert_non_null(strstr(out, "identity " TSI_A));
	free(out);
	out = vty(f, "show usb");
	assert_non_null(strstr(tb_text_line_with(out, "MTP850-A"), "radio lvs-1"));
	assert_non_null(strstr(tb_text_line_with(out, "PROBE"), "radio probe"));
	assert_non_null(strstr(out, "2 USB terminals present"));
	free(out);
	/* The radios' config comes back as it was written. */
	out = vty(f, "write terminal");
	assert_non_null(strstr(out, strstr(f->cfg, "radio probe\n")));
	free(out);

	assert_int_equal(ud_stop(&f->dm, WAIT_MS), 0);
	/* Its interfaces released and the kernel driver back. */
	emu_get_stats(m, &st);
	assert_int_equal(st.claimed_now, 0);
	assert_int_equal(st.reattaches, 1);
}

/* ---- (b) unplug during traffic, plug back ------------------------------------- */

static void test_unplug_replug(void **state)
{
	struct fixture *f = &g_fx;
	struct emu_dev *m;
	Tetrabridge__V1__Event *ev;
	uint16_t last = 0;
	unsigned got = 0;
	int64_t t0, dt;

	m = dev_new("motorola", 0x0cad, 0x9015, "MTP850-B", 4, "usb-serial-simple", TSI_B);
	write_config(f, NULL, NULL,
		     "radio nurse-2\n"
		     " transport usb 0cad:9015\n"
		     " usb serial MTP850-B\n");
	start(f);
	sync_stream(f);
	emu_plug(m);
	expect_online(f, "nurse-2", TSI_B);

	/* Traffic; pulled out while the daemon is still reading it. */
	for (uint16_t v = 0; v < 10; v++)
		tb_inject_status(emu_sim(m), SDS_ADDRS, 0x8100 + v);
	for (uint16_t v = 0; v < 10; v++)
		expect_status(f, "nurse-2", 0x8100 + v);
	for (uint16_t v = 10; v < 20; v++)
		tb_inject_status(emu_sim(m), SDS_ADDRS, 0x8100 + v);
	expect_status(f, "nurse-2", 0x810A);
	emu_unplug(m);

	/* What had been read, once each and in order; then offline. */
	last = 0x810A;
	for (;;) {
		ev = recv_ev(f, NULL, 0);
		assert_string_equal(ev->radio, "nurse-2");
		assert_int_equal(ev->seq, f->last_seq + 1);
		f->last_seq = ev->seq;
		if (ev->body_case == TETRABRIDGE__V1__EVENT__BODY_RADIO_STATE) {
			assert_int_equal(ev->radio_state->state, TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_OFFLINE);
			assert_true(strlen(ev->radio_state->reason) > 0);
			ev_free(ev);
			break;
		}
		assert_int_equal(ev->body_case, TETRABRIDGE__V1__EVENT__BODY_STATUS);
		assert_true(ev->status->value > last && ev->status->value < 0x8100 + 20);
		last = ev->status->value;
		got++;
		ev_free(ev);
	}
	fprintf(stderr, "# %u of the 9 statuses still coming at the unplug were read\n", got);

	/* Back in; the terminal prints at once, before the link has reopened. */
	t0 = tb_now_us();
	emu_plug(m);
	tb_inject_status(emu_sim(m), SDS_ADDRS, 0x8200);
	expect_online(f, "nurse-2", TSI_B);
	dt = tb_now_us() - t0;
	fprintf(stderr, "# online again %.0f ms after the \"add\" uevent\n", dt / 1000.0);
	expect_status(f, "nurse-2", 0x8200);
	tb_inject_status(emu_sim(m), SDS_ADDRS, 0x8201);
	expect_status(f, "nurse-2", 0x8201);
	expect_nothing_else(f, 0x8FFE);
	/* Without the hot-plug path the reopen would wait X3 = 5 s. */
	assert_true(dt < 1000000);

	assert_int_equal(ud_stop(&f->dm, WAIT_MS), 0);
}

/* ---- (c) by serial number and by identity -------------------------------------- */

static void test_names_by_serial_and_identity(void **state)
{
	struct fixture *f = &g_fx;
	struct emu_dev *a, *b, *c, *d, *order[3];
	const char *names[3] = { "nurse-a", "nurse-b", "lvs-c" };
	const char *tsis[3] = { TSI_A, TSI_B, TSI_C };
	unsigned seed = getenv("TB_TEST_SEED") ? (unsigned)atoi(getenv("TB_TEST_SEED")) :
			(unsigned)time(NULL) ^ (unsigned)getpid();
	bool online[3] = { false, false, false }, status[3] = { false, false, false };
	char *out;

	a = dev_new("motorola", 0x0cad, 0x9015, "SER-A", 5, "usb-serial-simple", TSI_A);
	b = dev_new("motorola", 0x0cad, 0x9013, "SER-B", 6, "usb-serial-simple", TSI_B);
	c = dev_new("motorola", 0x0cad, 0x9015, "SER-C", 7, "usb-serial-simple", TSI_C);
	d = dev_new("motorola", 0x0cad, 0x9015, "SER-D", 8, "usb-serial-simple", TSI_D);
	write_config(f, NULL, "info",
		     "radio nurse-a\n"
		     " transport usb\n"
		     " usb profile motorola\n"
		     " usb serial SER-A\n"
		     "radio nurse-b\n"
		     " transport usb 0cad:9013\n"
		     " usb serial SER-B\n"
		     "radio lvs-c\n"
		     " transport usb\n"
		     " usb profile motorola\n"
		     " match identity " TSI_C "\n");
	start(f);
	sync_stream(f);

	/* A stranger's terminal first: the identity radio tries it, once. */
	emu_plug(d);
	assert_true(ud_wait_log(&f->dm, "tried usb 1-8 ", 1, WAIT_MS));
	assert_non_null(strstr(f->dm.log, "another radio's terminal (identity differs)"));

	srand(seed);
	fprintf(stderr, "# plug order seed %u (TB_TEST_SEED=%u repeats it)\n", seed, seed);
	order[0] = a;
	order[1] = b;
	order[2] = c;
	for (unsigned i = 2; i > 0; i--) {
		unsigned j = rand() % (i + 1);
		struct emu_dev *t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (unsigned i = 0; i < 3; i++)
		emu_plug(order[i]);

	/* Three online events, in whatever order, each with its own name. */
	for (unsigned n = 0; n < 3; n++) {
		Tetrabridge__V1__Event *ev = recv_ev(f, NULL, 0);
		unsigned i;

		assert_int_equal(ev->seq, f->last_seq + 1);
		f->last_seq = ev->seq;
		assert_int_equal(ev->body_case, TETRABRIDGE__V1__EVENT__BODY_RADIO_STATE);
		assert_int_equal(ev->radio_state->state, TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_ONLINE);
		for (i = 0; i < 3 && strcmp(ev->radio, names[i]); i++)
			;
		assert_true(i < 3);
		assert_false(online[i]);
		online[i] = true;
		assert_int_equal(ev->radio_state->identity->ssi, (unsigned)atoi(tsis[i] + 9));
		ev_free(ev);
	}

	/* A status from each; the stranger's is heard by nobody. */
	tb_inject_status(emu_sim(a), SDS_ADDRS, 0x8301);
	tb_inject_status(emu_sim(b), SDS_ADDRS, 0x8302);
	tb_inject_status(emu_sim(c), SDS_ADDRS, 0x8303);
	tb_inject_status(emu_sim(d), SDS_ADDRS, 0x8304);
	for (unsigned n = 0; n < 3; n++) {
		Tetrabridge__V1__Event *ev = recv_ev(f, NULL, 0);
		unsigned i;

		assert_int_equal(ev->seq, f->last_seq + 1);
		f->last_seq = ev->seq;
		assert_int_equal(ev->body_case, TETRABRIDGE__V1__EVENT__BODY_STATUS);
		for (i = 0; i < 3 && strcmp(ev->radio, names[i]); i++)
			;
		assert_true(i < 3);
		assert_false(status[i]);
		status[i] = true;
		assert_int_equal(ev->status->value, 0x8301 + i);
		ev_free(ev);
	}
	expect_nothing_else(f, 0x8FFE);

	out = vty(f, "show usb");
	assert_non_null(strstr(tb_text_line_with(out, "SER-A"), "radio nurse-a"));
	assert_non_null(strstr(tb_text_line_with(out, "SER-B"), "radio nurse-b"));
	assert_non_null(strstr(tb_text_line_with(out, "SER-C"), "radio lvs-c"));
	assert_non_null(strstr(tb_text_line_with(out, "SER-D"), "free"));
	free(out);
	out = vty(f, "show radios lvs-c");
	assert_non_null(strstr(out, "serial SER-C"));
	assert_non_null(strstr(out, "other radios' terminals tried 1"));
	free(out);

	assert_int_equal(ud_stop(&f->dm, WAIT_MS), 0);
	/* Tried once and never again; identities never in the log at INFO. */
	assert_int_equal(ud_log_count(&f->dm, "tried usb 1-8 "), 1);
	assert_int_equal(ud_log_count(&f->dm, "tried usb"), 1);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(ud_log_count(&f->dm, tsis[i] + 9), 0);
	assert_int_equal(ud_log_count(&f->dm, &TSI_D[9]), 0);
}

/* ---- errors a person can act on ------------------------------------------------- */

static void test_errors_said_once(void **state)
{
	struct fixture *f = &g_fx;
	struct emu_dev *held, *quiet, *stuck;

	held = dev_new("motorola", 0x0cad, 0x9015, "HELD", 9, "usb-serial-simple", TSI_A);
	emu_set_held_by_other(held, true);
	stuck = dev_new("cdc-acm", 0x1234, 0x9999, "STUCK", 10, "cdc_acm", TSI_B);
	emu_set_detach_fails(stuck, true);
	quiet = dev_new("motorola", 0x0cad, 0x9013, "QUIET", 11, "usb-serial-simple", TSI_C);
	tb_sim_set_silent(emu_sim(quiet), true);
	emu_plug(held);
	emu_plug(stuck);
	emu_plug(quiet);
	write_config(f,
		     " timer radio X1 60\n timer radio X2 300\n timer radio X3 20\n timer radio X4 1\n",
		     "debug",
		     "radio held-1\n"
		     " transport usb 0cad:9015\n"
		     " usb serial HELD\n"
		     "radio stuck-1\n"
		     " transport usb 1234:9999\n"
		     " usb profile cdc-acm\n"
		     "radio quiet-1\n"
		     " transport usb 0cad:9013\n");
	start(f);

	/* Each keeps failing (three more times at least), and keeps quiet about it. */
	assert_true(ud_wait_log(&f->dm, "still: USB terminal 1-9 0cad:9015 interface 0 is busy", 3, WAIT_MS));
	assert_true(ud_wait_log(&f->dm, "still: USB terminal 1-10 1234:9999 interface 0: cannot detach kernel "
				"driver cdc_acm", 3, WAIT_MS));
	assert_true(ud_wait_log(&f->dm, "still failing: terminal does not answer AT ", 3, WAIT_MS));
	assert_int_equal(ud_log_count(&f->dm, "NOTICE USB terminal 1-9 0cad:9015 interface 0 is busy: another "
				      "program has claimed it"), 1);
	assert_int_equal(ud_log_count(&f->dm, "NOTICE USB terminal 1-10 1234:9999 interface 0: cannot detach "
				      "kernel driver cdc_acm"), 1);
	assert_int_equal(ud_log_count(&f->dm, "NOTICE radio(quiet-1)"), 1);
	/* The NOTICE says it; the repeats ("still failing: ...") are DEBUG. */
	assert_int_equal(ud_log_count(&f->dm, "{INIT}: terminal does not answer AT (no reply within 300 ms)"), 1);
	assert_int_equal(ud_log_count(&f->dm, "NOTICE quiet-1: AT: no final result"), 1);
	assert_int_equal(ud_stop(&f->dm, WAIT_MS), 0);
}

/* ---- set-up ------------------------------------------------------------------------ */

static int setup(void **state)
{
	struct fixture *f = &g_fx;

	memset(f, 0, sizeof(*f));
	assert_non_null(tb_tmpdir_make(f->dir, sizeof(f->dir), "tbud"));
	snprintf(f->endpoint, sizeof(f->endpoint), "ipc://%.31s/events", f->dir);
	snprintf(f->cfg_path, sizeof(f->cfg_path), "%.31s/bridge.cfg", f->dir);
	f->probe = dev_new("cdc-acm", 0x1234, 0x5678, "PROBE", 2, "cdc_acm", "09011638300000099");
	emu_plug(f->probe);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = &g_fx;

	if (f->dm.pid > 0)
		ud_stop(&f->dm, WAIT_MS);
	ud_sub_destroy(&f->sub);
	free(f->dm.log);
	tb_tmpdir_remove(f->dir);	/* the config, sockets, the journal; best effort */
	return 0;
}

static int group_setup(void **state)
{
	/* The test bed first: before anything asks whether this is a mock
	 * environment (docs/testing.md §8, the daemon as a child). */
	g_bed = emu_bed_new_for_child();
	assert_non_null(getenv("UMOCKDEV_DIR"));
	g_root = talloc_named_const(NULL, 0, "test_usb_daemon");
	assert_int_equal(tb_logging_init(g_root), 0);
	log_set_log_level(osmo_stderr_target, LOGL_ERROR);
	return 0;
}

static int group_teardown(void **state)
{
	emu_bed_destroy(&g_bed);
	log_fini();
	talloc_free(g_root);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plugged_after_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unplug_replug, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_by_serial_and_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_said_once, setup, teardown),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("usb_daemon", tests, group_setup, group_teardown);
}
