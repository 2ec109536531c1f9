/* Call-out benchmark: the call-out tracker (bridge/callout*.c,
 * bridge/responder_fsm.c) on a district's worst night and far beyond —
 * 1 000 open call-outs × 10 responders with answers, positions and
 * deadlines firing. Measures the CPU per transition, the memory, the time
 * to build the board, the time a status answer takes to move a responder
 * with every call-out open, and the journal's growth per call-out.
 *
 * Everything runs in this one process, on fake time (tests/lib/fake_time.h,
 * as the unit tests do), so the deadlines fire without waiting and a run of
 * about 20 minutes of the night takes seconds to a minute:
 *   - a real bridge (tb_bridge_start: the journal in SQLite on disk, the
 *     outgoing queues with their store, the ZeroMQ sockets on ipc:// in a
 *     temporary folder, the tracker) with --radios simulated radios
 *     (transport sim: the simulated terminal of radio-drivers/sim_terminal.h
 *     behind each, answering the PEI as a terminal does; one SDS in flight
 *     per terminal, 300 ms on the air);
 *   - the responders, played here: each radio's terminal reports every SDS
 *     it sends (tb_sim_set_cmd_cb), and the responder it is for answers
 *     through the same terminal with what a terminal prints for an incoming
 *     SDS (+CTSDSR and the hex line, tb_sim_inject): SDS-REPORTs
 *     "received" 2 s and (for those who read) "consumed" 6 s after each
 *     alert, statuses, LIP short reports. So every input takes the path a
 *     real one takes: PEI decoder, radio link, roster, journal, tracker.
 *   - the dispatcher: call-outs are created with tb_callout_create(), the
 *     alarms acknowledged and the call-outs closed with the tracker's
 *     commands, the board asked with the CalloutBoard command handler.
 * The CPU and memory figures are this process's: the bridge, the simulated
 * terminals and the responders together (the responders' own state is
 * printed; it is small).
 *
 * The night (per call-out; one call-out every --every ms, radio i mod R,
 * severity 1-3, required 2, 10 responders, the radio's plan "dN" with one
 * level of 2 responders and a 60 s deadline; X20 120 s, X23 40 s, 2
 * re-alerts, all defaults):
 *   staffed in time (3 of 4): responder 0 accepts at 25 s, en route at 45 s,
 *     a position every 10 s for 5 minutes, on scene; responder 1 the same
 *     from 70 s; responder 2 declines at 35 s; 3-9 never answer (re-alerted
 *     at 40 s, stood down when the second one accepts).
 *   nobody in time (every 4th): responder 2 declines at 35 s; nobody else
 *     answers by the deadline: re-alerts at 40 and 80 s, no answer at 120 s,
 *     escalation to the plan's level (its 2 never answer), the alarm at
 *     180 s, acknowledged at 240 s; responders 0 and 1 accept late at 200
 *     and 210 s (flagged late) and go en route and on scene as above.
 * When every accepted responder is on scene (all call-outs still open) the
 * measurements are taken: the whole board (CalloutBoard, every page, packed
 * as the command socket packs a reply), a position and an unmatched status
 * for each call-out, and "done" from both accepted responders of each
 * call-out, each tb_bridge_publish() timed from the call to its return: the
 * input stored and published, matched, the change stored and published.
 * Each is timed twice: the wall clock, and this thread's CPU time, which a
 * shared machine's preemption does not inflate. Then the tracker's walk of
 * the board alone: tb_callout_on_event() with inputs that concern nobody.
 * Then every call-out is closed (each close timed) and the stand-downs go
 * out. CPU per transition: getrusage (user + sys) of the whole run, from
 * the first call-out created to the last stand-down sent, divided by the
 * tracker's transitions (tb_callout_stats).
 *
 *   bench_callout [--callouts 1000] [--radios 32] [--every 333] [--board-runs 10]
 *                 [--state-dir DIR] [--log-level error] [--smoke]
 *
 * Build it in the release configuration (-O2 -DNDEBUG, no sanitizers):
 * `make bench-callout`; see bench/README.md. --smoke (ctest
 * bench_callout_smoke): 8 call-outs on 2 radios; checks the counts (every
 * responder's end state, the changes in the journal, the board, the
 * samples), nothing timed. The full run checks the same.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>
#include <osmocom/core/application.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "bridge/bridge.h"
#include "bridge/callout.h"
#include "bridge/callout_commands.h"
#include "bridge/callout_config.h"
#include "bridge/commands.h"
#include "bridge/journal.h"
#include "bridge/outbox.h"
#include "bridge/radio.h"
#include "bridge/roster.h"
#include "codecs/bitio.h"
#include "codecs/lip.h"
#include "codecs/pei_urc.h"
#include "codecs/sds_encode.h"
#include "codecs/sds_tl.h"
#include "common/logging.h"
#include "ipc/clients_file.h"
#include "ipc/command_server.h"
#include "ipc/pb_utf8.h"
#include "radio-drivers/radio_link.h"
#include "radio-drivers/sim_terminal.h"
#include "tests/lib/fake_time.h"
#include "tests/lib/tmpdir.h"
#include "bench_util.h"

#define ST(x) TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_##x
#define CST(x) TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_##x
#define KIND(x) TETRABRIDGE__V1__CALLOUT_CHANGE__KIND__##x
#define CODE(x) TETRABRIDGE__V1__REPLY__CODE__##x
#define MEANING(x) TETRABRIDGE__V1__ANSWER_MEANING__MEANING_##x

#define MAX_RADIOS TB_PLANS_MAX		/* one plan per radio */
#define MAX_CALLOUTS TB_CALLOUT_MAX_OPEN
#define RESPONDERS 10			/* per call-out */
#define REQUIRED 2
#define PLAN_RESPONDERS 2		/* the plan's one level */
#define PLAN_DEADLINE_S 60
#define SSI_BASE 1000000u		/* call-out i, responder j: SSI_BASE + 10 i + j */
#define PLAN_SSI_BASE 2000000u		/* radio k's plan: PLAN_SSI_BASE + 2 k + j */
#define STRAY_SSI_BASE 3000000u		/* in no call-out: the unmatched statuses */
#define POSITIONS 30			/* en route: one every POS_EVERY_S, then on scene */
#define POS_EVERY_S 10
#define RECEIVED_MS 2000		/* SDS-REPORTs after the SDS was handed to the terminal */
#define CONSUMED_MS 6000
#define ACK_AFTER_S 240			/* the dispatcher acknowledges the alarm */
#define REPORTS_MAX 8			/* pending per responder */
#define SETTLE_MAX_S 600
#define ON_SCENE_MAX_S 1800		/* after the last call-out was created */
#define KIND_BUCKETS 14			/* CalloutChange kinds 0..13 */

#define STATUS_ACCEPT 0x8000
#define STATUS_DECLINE 0x8001
#define STATUS_EN_ROUTE 0x8002
#define STATUS_ON_SCENE 0x8003
#define STATUS_DONE 0x8005

/* Health data in a real call-out; here it shows the alert's real size. */
#define CALLOUT_TEXT "Brystsmerter, 67 år, Storgata 12, 2. etg. Ring 116117 ved endring."

static struct {
	unsigned callouts;
	unsigned radios;
	unsigned every_ms;
	unsigned board_runs;
	const char *state_base;
	int log_level;
	bool smoke;
} g_opt = { 1000, 32, 333, 10, NULL, LOGL_ERROR, false };

/* ---- the responders, played through the simulated terminals ------------ */

enum role { ROLE_ACCEPT_FIRST, ROLE_ACCEPT_SECOND, ROLE_DECLINE, ROLE_NEVER, ROLE_PLAN };

/* When a responder answers, relative to the first alert it heard (s). */
struct script {
	unsigned answer_s;
	uint16_t answer;
	unsigned en_route_s;		/* 0: no progress */
};

/* [nobody in time][role] */
static const struct script g_scripts[2][3] = {
	{ { 25, STATUS_ACCEPT, 45 }, { 70, STATUS_ACCEPT, 90 }, { 35, STATUS_DECLINE, 0 } },
	{ { 200, STATUS_ACCEPT, 220 }, { 210, STATUS_ACCEPT, 230 }, { 35, STATUS_DECLINE, 0 } },
};

struct pending_report {
	uint64_t due_ms;
	uint8_t pid, status, msg_ref;
};

struct resp {
	uint32_t ssi;
	uint16_t radio;
	uint8_t role;
	bool late_kind;			/* its call-out is one nobody answers in time */
	unsigned callout;		/* index; radio index for ROLE_PLAN */
	bool playing;
	unsigned next;			/* the next action of its script */
	uint64_t t0_ms;
	unsigned alerts_heard;
	unsigned n_reports;
	struct pending_report reports[REPORTS_MAX];
	struct osmo_timer_list timer;
};

struct radio_rec {
	char name[16];
	char tsi[20];
	struct tb_radio *radio;
};

struct callout_rec {
	uint64_t id;
	bool late_kind;
	uint64_t created_ms;
	struct osmo_timer_list ack_timer;
};

struct counts {
	uint64_t sds_seen, sds_unknown_dest, sds_bad, prints_lost, reports_dropped;
	uint64_t statuses, positions, reports;
	unsigned acks, acks_missing, create_failed, close_failed;
	unsigned queue_max;
};

static void *g_root;
static char g_dir[64];
static struct tb_bridge *g_b;
static struct radio_rec g_radios[MAX_RADIOS];
static struct callout_rec *g_co;
static struct resp *g_resp;		/* callouts * RESPONDERS, then radios * PLAN_RESPONDERS */
static unsigned g_n_resp;
static struct counts g_n;
static unsigned g_created;
static struct osmo_timer_list g_creator;
static uint64_t g_run_start_ms;
static bool g_failed;
static const struct tb_callout_who g_dispatcher = { .name = "amk-1", .role = "dispatcher" };

static void check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return;
	if (!g_failed)
		printf("\nCHECKS FAILED:\n");
	g_failed = true;
	printf("  ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Fake monotonic time, ms (what the timers run on). */
static uint64_t now_ms(void)
{
	struct timespec ts;

	osmo_clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Real time, ns (what the measurements are in). */
static int64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* CPU time of this thread, ns: what a measurement costs, whatever else
 * the machine runs meanwhile (a shared VM preempts us for whole time
 * slices). */
static int64_t thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static struct tetra_identity ssi_id(uint32_t n)
{
	struct tetra_identity id = { .type = TETRA_ID_SSI, .ssi = n };

	return id;
}

static struct resp *resp_by_ssi(uint32_t ssi)
{
	if (ssi >= SSI_BASE && ssi < SSI_BASE + g_opt.callouts * RESPONDERS)
		return &g_resp[ssi - SSI_BASE];
	if (ssi >= PLAN_SSI_BASE && ssi < PLAN_SSI_BASE + g_opt.radios * PLAN_RESPONDERS)
		return &g_resp[g_opt.callouts * RESPONDERS + (ssi - PLAN_SSI_BASE)];
	return NULL;
}

static const struct script *script_of(const struct resp *r)
{
	return r->role <= ROLE_DECLINE ? &g_scripts[r->late_kind][r->role] : NULL;
}

/* Action k of a script: 0 the answer, 1 en route, 2.. the positions, then
 * on scene. False when there is none. */
static bool action_due(const struct resp *r, unsigned k, uint64_t *due_ms)
{
	const struct script *s = script_of(r);
	unsigned at_s;

	if (!s)
		return false;
	if (k == 0)
		at_s = s->answer_s;
	else if (!s->en_route_s || k > 2 + POSITIONS)
		return false;
	else if (k == 1)
		at_s = s->en_route_s;
	else
		at_s = s->en_route_s + (k - 2) * POS_EVERY_S;	/* k = 2 + POSITIONS: on scene */
	*due_ms = r->t0_ms + (uint64_t)at_s * 1000u;
	return true;
}

/* Print an SDS from the responder as its radio's terminal prints one:
 * "+CTSDSR: <ai>,<responder>,0,<terminal>,1,<bits>" and the hex line. */
static void print_sds(const struct resp *r, unsigned ai, const struct tetra_sds_pdu *pdu)
{
	const struct radio_rec *rr = &g_radios[r->radio];
	struct tb_sim_terminal *s = tb_sim_find(rr->tsi);
	char hex[2 * TETRA_SDS_MAX_BYTES + 1], hdr[96];

	if (!s || tetra_sds_hex(pdu, hex, sizeof(hex)) < 0) {
		g_n.prints_lost++;
		return;
	}
	snprintf(hdr, sizeof(hdr), "+CTSDSR: %u,%u,0,%s,1,%u", ai, r->ssi, rr->tsi, pdu->bits);
	tb_sim_inject(s, hdr);
	tb_sim_inject(s, hex);
}

/* The scene of call-out i, and where a responder is at step k of POSITIONS
 * (10 km away at first, straight towards it: about 120 km/h). */
static void scene_of(unsigned i, double *lat, double *lon)
{
	*lat = 60.0 + (i % 100) * 0.01;
	*lon = 5.0 + (i / 100) * 0.01;
}

static void position_of(const struct resp *r, unsigned k, double *lat, double *lon)
{
	double f = 1.0 - (double)k / POSITIONS, slat, slon;

	scene_of(r->callout, &slat, &slon);
	*lat = slat + (r->role == ROLE_ACCEPT_FIRST ? 0.09 : -0.09) * f;
	*lon = slon;
}

static void send_status(const struct resp *r, uint16_t value)
{
	struct tetra_sds_pdu pdu;

	tetra_status_encode(value, &pdu);
	print_sds(r, 13, &pdu);
	g_n.statuses++;
}

static void send_position(const struct resp *r, unsigned k)
{
	struct tetra_location_param loc = {
		.time_elapsed = 0,
		.position_error = 1,	/* < 20 m */
		.has_velocity = true,
		.velocity_kmh = 120,
		.has_direction = true,
		.direction_deg = r->role == ROLE_ACCEPT_FIRST ? 180 : 0,
		.has_reason = true,
		.reason = 129,		/* maximum reporting interval */
	};
	struct tetra_sds_pdu pdu;
	size_t bits;

	position_of(r, k, &loc.latitude, &loc.longitude);
	pdu.data[0] = TETRA_PID_LIP;
	if (tetra_lip_encode_short(&loc, pdu.data + 1, sizeof(pdu.data) - 1, &bits) < 0) {
		g_n.prints_lost++;
		return;
	}
	pdu.bits = (uint16_t)(8 + bits);
	print_sds(r, 12, &pdu);
	g_n.positions++;
}

static void do_action(struct resp *r, unsigned k)
{
	const struct script *s = script_of(r);

	if (k == 0)
		send_status(r, s->answer);
	else if (k == 1)
		send_status(r, STATUS_EN_ROUTE);
	else if (k < 2 + POSITIONS)
		send_position(r, k - 2);
	else
		send_status(r, STATUS_ON_SCENE);
}

static void resp_reschedule(struct resp *r)
{
	uint64_t due = UINT64_MAX, act, now = now_ms();

	if (r->n_reports)
		due = r->reports[0].due_ms;
	if (r->playing && action_due(r, r->next, &act) && act < due)
		due = act;
	if (due == UINT64_MAX) {
		osmo_timer_del(&r->timer);
		return;
	}
	due = due > now ? due - now : 0;
	osmo_timer_schedule(&r->timer, (long)(due / 1000), (long)(due % 1000) * 1000);
}

static void resp_timer_cb(void *data)
{
	struct resp *r = data;
	uint64_t now = now_ms(), act = 0;

	for (;;) {
		bool rep = r->n_reports && r->reports[0].due_ms <= now;
		bool has_act = r->playing && action_due(r, r->next, &act) && act <= now;

		if (rep && has_act && r->reports[0].due_ms > act)
			rep = false;	/* the action is earlier */
		if (rep) {
			struct pending_report first = r->reports[0];
			struct tetra_sds_pdu pdu;

			memmove(&r->reports[0], &r->reports[1], --r->n_reports * sizeof(r->reports[0]));
			if (tetra_sds_encode_report(first.pid, first.status, first.msg_ref, &pdu) == 0) {
				print_sds(r, 12, &pdu);
				g_n.reports++;
			}
		} else if (has_act) {
			do_action(r, r->next++);
		} else {
			break;
		}
	}
	resp_reschedule(r);
}

static void add_report(struct resp *r, uint64_t due, uint8_t pid, uint8_t status, uint8_t msg_ref)
{
	unsigned i;

	if (r->n_reports >= REPORTS_MAX) {
		g_n.reports_dropped++;
		return;
	}
	for (i = r->n_reports; i > 0 && r->reports[i - 1].due_ms > due; i--)
		r->reports[i] = r->reports[i - 1];
	r->reports[i] = (struct pending_report){ .due_ms = due, .pid = pid, .status = status, .msg_ref = msg_ref };
	r->n_reports++;
}

/* Every SDS a radio's terminal is given (AT+CMGS and its user data): the
 * responder it is for hears it. An alert is a text asking for reports (a
 * stand-down asks none); the first one starts the responder's script. */
static void on_terminal_cmd(const char *cmd, const char *user_data, void *data)
{
	unsigned radio = (unsigned)(uintptr_t)data;
	uint8_t bytes[TETRA_SDS_MAX_BYTES] = { 0 };
	struct tetra_bitreader br;
	struct tetra_sds_tl_hdr tl;
	struct tetra_identity to;
	const char *called, *comma;
	unsigned long bits;
	size_t digits;
	uint64_t now;
	struct resp *r;

	if (!user_data || strncasecmp(cmd, "AT+CMGS=", 8))
		return;
	g_n.sds_seen++;
	called = cmd + 8;
	comma = strchr(called, ',');
	if (!comma || tetra_identity_parse(called, (size_t)(comma - called), TETRA_ID_NONE, &to) < 0) {
		g_n.sds_bad++;
		return;
	}
	bits = strtoul(comma + 1, NULL, 10);
	digits = (bits + 3) / 4;
	if (bits < 8 || bits > 8 * TETRA_SDS_MAX_BYTES || strlen(user_data) < digits) {
		g_n.sds_bad++;
		return;
	}
	for (size_t i = 0; i < digits; i++) {
		char c = user_data[i];
		unsigned v = c >= '0' && c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);

		bytes[i / 2] |= (uint8_t)(i & 1 ? v : v << 4);
	}
	if (!tetra_pid_has_tl(bytes[0]))
		return;
	tetra_br_init(&br, bytes, bits);
	if (tetra_sds_tl_read(&br, &tl) < 0 || tl.type != TETRA_SDS_TL_TRANSFER)
		return;
	r = resp_by_ssi(to.ssi);
	if (!r || r->radio != radio) {
		g_n.sds_unknown_dest++;
		return;
	}
	now = now_ms();
	if (tl.tl.report_request & TETRA_SDS_RR_RECEIVED)
		add_report(r, now + RECEIVED_MS, tl.pid, TETRA_SDS_ST_RECEIVED, tl.tl.msg_ref);
	/* Those who answer read it; the others' terminals only receive it. */
	if ((tl.tl.report_request & TETRA_SDS_RR_CONSUMED) && r->role <= ROLE_DECLINE)
		add_report(r, now + CONSUMED_MS, tl.pid, TETRA_SDS_ST_CONSUMED, tl.tl.msg_ref);
	if (tl.tl.report_request) {
		r->alerts_heard++;
		if (!r->playing && r->alerts_heard == 1 && script_of(r)) {
			r->playing = true;
			r->t0_ms = now;
			r->next = 0;
		}
	}
	resp_reschedule(r);
}

/* ---- the dispatcher --------------------------------------------------- */

static void ack_cb(void *data)
{
	struct callout_rec *c = data;
	struct tb_callout *co = tb_callout_find(g_b->callouts, c->id);
	void *tmp = talloc_new(NULL);
	char *errmsg = NULL;

	if (co && co->alarm &&
	    tb_callout_ack(g_b->callouts, c->id, "ringt vakthavende", &g_dispatcher, &co, tmp, &errmsg) == CODE(OK))
		g_n.acks++;
	else
		g_n.acks_missing++;
	talloc_free(tmp);
}

static void create_one(unsigned i)
{
	struct callout_rec *c = &g_co[i];
	struct tetra_identity ids[RESPONDERS];
	char plan[16];
	unsigned radio = i % g_opt.radios;
	struct tb_callout_new req = {
		.radio = g_radios[radio].name, .severity = 1 + i % 3, .text = CALLOUT_TEXT,
		.n_responders = RESPONDERS, .responders = ids, .required = REQUIRED, .plan = plan,
	};
	struct tb_callout *co = NULL;
	void *tmp = talloc_new(NULL);
	char *errmsg = NULL;
	int code;

	snprintf(plan, sizeof(plan), "d%u", radio);
	for (unsigned j = 0; j < RESPONDERS; j++)
		ids[j] = ssi_id(SSI_BASE + i * RESPONDERS + j);
	code = tb_callout_create(g_b->callouts, &req, &g_dispatcher, &co, tmp, &errmsg);
	if (code != CODE(OK)) {
		if (!g_n.create_failed)
			printf("call-out %u not created (code %d): %s\n", i, code, errmsg ? errmsg : "");
		g_n.create_failed++;
	} else {
		c->id = co->id;
		c->created_ms = now_ms();
		if (c->late_kind) {
			osmo_timer_setup(&c->ack_timer, ack_cb, c);
			osmo_timer_schedule(&c->ack_timer, ACK_AFTER_S, 0);
		}
	}
	talloc_free(tmp);
}

static void creator_cb(void *data)
{
	uint64_t next;

	create_one(g_created++);
	if (g_created >= g_opt.callouts)
		return;
	next = g_run_start_ms + (uint64_t)g_created * g_opt.every_ms;
	next = next > now_ms() ? next - now_ms() : 0;
	osmo_timer_schedule(&g_creator, (long)(next / 1000), (long)(next % 1000) * 1000);
}

/* ---- set-up ------------------------------------------------------------- */

static void config(struct tb_bridge *b)
{
	struct tb_callout_config *cfg = b->callout_cfg;
	struct tb_roster *ro = b->roster;
	static const char *const sev[] = { NULL, "red", "yellow", "green" };
	unsigned named = 0;
	char name[64];

	OSMO_ASSERT(tb_roster_set_status(ro, STATUS_ACCEPT, "kommer", MEANING(ACCEPT), 0) == 0);
	OSMO_ASSERT(tb_roster_set_status(ro, STATUS_DECLINE, "kan ikke", MEANING(DECLINE), 0) == 0);
	OSMO_ASSERT(tb_roster_set_status(ro, STATUS_EN_ROUTE, "på vei", MEANING(EN_ROUTE), 0) == 0);
	OSMO_ASSERT(tb_roster_set_status(ro, STATUS_ON_SCENE, "fremme", MEANING(ON_SCENE), 0) == 0);
	OSMO_ASSERT(tb_roster_set_status(ro, STATUS_DONE, "ferdig", MEANING(DONE), 0) == 0);
	for (unsigned s = 1; s <= 3; s++) {
		cfg->severity[s].configured = true;
		cfg->severity[s].name = talloc_strdup(cfg, sev[s]);
	}
	/* One plan per radio (a district each): one level, two doctors on call. */
	for (unsigned k = 0; k < g_opt.radios; k++) {
		struct tb_plan *p;

		snprintf(name, sizeof(name), "d%u", k);
		p = tb_callout_plan_add(cfg, name);
		OSMO_ASSERT(p);
		p->n_levels = 1;
		p->levels[0].configured = true;
		p->levels[0].deadline_s = PLAN_DEADLINE_S;
		p->levels[0].n_responders = PLAN_RESPONDERS;
		for (unsigned j = 0; j < PLAN_RESPONDERS; j++) {
			struct tetra_identity id = ssi_id(PLAN_SSI_BASE + k * PLAN_RESPONDERS + j);

			p->levels[0].responders[j] = id;
			snprintf(name, sizeof(name), "LV-%u-%u", k, j + 1);
			if (tb_roster_set_party(ro, &id, false, name, 0) == 0)
				named++;
		}
	}
	/* Everyone by name, as far as the roster goes (TB_ROSTER_MAX_ENTRIES). */
	for (unsigned i = 0; i < g_opt.callouts * RESPONDERS; i++) {
		struct tetra_identity id = ssi_id(SSI_BASE + i);

		snprintf(name, sizeof(name), "Responder %u-%u", i / RESPONDERS, i % RESPONDERS);
		if (tb_roster_set_party(ro, &id, false, name, 0) < 0)
			break;
		named++;
	}
	printf("roster: %u names (the roster holds at most %u), 5 statuses with their meanings\n", named,
	       TB_ROSTER_MAX_ENTRIES);
}

static void players_init(void)
{
	g_n_resp = g_opt.callouts * RESPONDERS + g_opt.radios * PLAN_RESPONDERS;
	g_resp = talloc_zero_array(g_root, struct resp, g_n_resp);
	g_co = talloc_zero_array(g_root, struct callout_rec, g_opt.callouts);
	OSMO_ASSERT(g_resp && g_co);
	for (unsigned i = 0; i < g_opt.callouts; i++) {
		/* Every 4th call-out of each radio. */
		g_co[i].late_kind = (i / g_opt.radios) % 4 == 3;
		for (unsigned j = 0; j < RESPONDERS; j++) {
			struct resp *r = &g_resp[i * RESPONDERS + j];

			r->ssi = SSI_BASE + i * RESPONDERS + j;
			r->radio = (uint16_t)(i % g_opt.radios);
			r->role = j == 0 ? ROLE_ACCEPT_FIRST : j == 1 ? ROLE_ACCEPT_SECOND : j == 2 ? ROLE_DECLINE : ROLE_NEVER;
			r->late_kind = g_co[i].late_kind;
			r->callout = i;
			osmo_timer_setup(&r->timer, resp_timer_cb, r);
		}
	}
	for (unsigned k = 0; k < g_opt.radios; k++) {
		for (unsigned j = 0; j < PLAN_RESPONDERS; j++) {
			struct resp *r = &g_resp[g_opt.callouts * RESPONDERS + k * PLAN_RESPONDERS + j];

			r->ssi = PLAN_SSI_BASE + k * PLAN_RESPONDERS + j;
			r->radio = (uint16_t)k;
			r->role = ROLE_PLAN;
			r->callout = k;
			osmo_timer_setup(&r->timer, resp_timer_cb, r);
		}
	}
}

static int bridge_up(void)
{
	char endpoint[160], state_dir[128], *errmsg = NULL;
	unsigned up = 0;

	g_b = tb_bridge_alloc(g_root);
	OSMO_ASSERT(g_b);
	snprintf(state_dir, sizeof(state_dir), "%s/state", g_opt.state_base ? g_opt.state_base : g_dir);
	osmo_talloc_replace_string(g_b, &g_b->state_dir, state_dir);
	snprintf(endpoint, sizeof(endpoint), "ipc://%s/ev", g_dir);
	osmo_talloc_replace_string(g_b, &g_b->events_endpoint, endpoint);
	snprintf(endpoint, sizeof(endpoint), "ipc://%s/cmd", g_dir);
	osmo_talloc_replace_string(g_b, &g_b->commands_endpoint, endpoint);
	for (unsigned k = 0; k < g_opt.radios; k++) {
		struct radio_rec *rr = &g_radios[k];
		struct tb_radio *r;

		snprintf(rr->name, sizeof(rr->name), "r%u", k);
		snprintf(rr->tsi, sizeof(rr->tsi), "024200016%08u", 3001 + k);
		r = tb_radio_alloc(g_b, rr->name);
		OSMO_ASSERT(r);
		r->transport = TB_RADIO_SIM;
		r->sim_identity = talloc_strdup(r, rr->tsi);
		rr->radio = r;
	}
	config(g_b);
	if (tb_bridge_start(g_b, &errmsg) < 0) {
		fprintf(stderr, "the bridge did not start: %s\n", errmsg ? errmsg : "?");
		return -1;
	}
	if (!g_b->callouts) {
		fprintf(stderr, "the bridge started without call-out tracking\n");
		return -1;
	}
	for (unsigned i = 0; i < 100 && up < g_opt.radios; i++) {
		tb_fake_time_advance_ms(100);
		up = 0;
		for (unsigned k = 0; k < g_opt.radios; k++)
			up += g_radios[k].radio->link && tb_radio_link_is_up(g_radios[k].radio->link);
	}
	if (up < g_opt.radios) {
		fprintf(stderr, "only %u of %u simulated radios came up\n", up, g_opt.radios);
		return -1;
	}
	for (unsigned k = 0; k < g_opt.radios; k++) {
		struct tb_sim_terminal *s = tb_sim_find(g_radios[k].tsi);

		OSMO_ASSERT(s);
		tb_sim_set_cmd_cb(s, on_terminal_cmd, (void *)(uintptr_t)k);
	}
	return 0;
}

/* ---- measuring --------------------------------------------------------- */

struct mem {
	long rss_kb, hwm_kb;
};

static struct mem mem_now(void)
{
	struct mem m;

	bench_proc_mem_kb(getpid(), &m.rss_kb, &m.hwm_kb);
	return m;
}

static double mb(long kb)
{
	return kb / 1024.0;
}

static long long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

/* The journal database with its WAL, bytes. */
static long long db_size(void)
{
	char path[256];
	long long n;

	snprintf(path, sizeof(path), "%s/%s", g_b->state_dir, TB_JOURNAL_FILE);
	n = file_size(path);
	snprintf(path, sizeof(path), "%s/%s-wal", g_b->state_dir, TB_JOURNAL_FILE);
	return n + file_size(path);
}

static long long wal_size(void)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s-wal", g_b->state_dir, TB_JOURNAL_FILE);
	return file_size(path);
}

static unsigned outbox_waiting_max(unsigned *total)
{
	unsigned max = 0;

	*total = 0;
	for (unsigned k = 0; k < g_opt.radios; k++) {
		unsigned n = g_radios[k].radio->outbox ? tb_outbox_waiting(g_radios[k].radio->outbox) : 0;

		*total += n;
		if (n > max)
			max = n;
	}
	return max;
}

/* Accepted responders on scene, all call-outs on the board. */
static unsigned count_on_scene(void)
{
	struct tb_callout *co;
	unsigned n = 0;

	llist_for_each_entry(co, tb_callout_board(g_b->callouts), entry) {
		struct tb_responder *r;

		llist_for_each_entry(r, &co->responders, entry)
			n += r->fi->state == ST(ON_SCENE);
	}
	return n;
}

/* Advance the fake clock a second at a time until done() (or max_s). */
static bool run_until(bool (*done)(void), unsigned max_s)
{
	for (unsigned s = 0; s < max_s; s++) {
		unsigned total, max = outbox_waiting_max(&total);

		if (max > g_n.queue_max)
			g_n.queue_max = max;
		if (done())
			return true;
		tb_fake_time_advance_ms(1000);
	}
	return done();
}

static bool all_created(void)
{
	return g_created >= g_opt.callouts;
}

static bool all_on_scene(void)
{
	static uint64_t last;

	/* The board is walked every 10 s of fake time only. */
	if (now_ms() - last < 10000)
		return false;
	last = now_ms();
	return count_on_scene() >= g_opt.callouts * REQUIRED;
}

static bool outboxes_empty(void)
{
	unsigned total;

	outbox_waiting_max(&total);
	return total == 0;
}

/* Every page of the board, built and packed as the command socket does
 * (bridge/callout_commands.c, ipc/command_server.c). */
static int board_snapshot(size_t *bytes, unsigned *pages, unsigned *n_callouts)
{
	struct tb_callout_cmd_env env = {
		.tracker = g_b->callouts,
		.config = g_b->callout_cfg,
		.state_dir = g_b->state_dir,
		.newest_seq = g_b->next_seq - 1,
	};
	uint64_t after = 0;
	bool more = true;

	*bytes = 0;
	*pages = *n_callouts = 0;
	while (more) {
		void *tmp = talloc_new(NULL);
		Tetrabridge__V1__Command cmd = TETRABRIDGE__V1__COMMAND__INIT;
		Tetrabridge__V1__CalloutBoard cb = TETRABRIDGE__V1__CALLOUT_BOARD__INIT;
		Tetrabridge__V1__Reply reply = TETRABRIDGE__V1__REPLY__INIT;
		struct tb_command_client client = { .role = TB_ROLE_OBSERVER, .name = "", .tmp = tmp };
		uint8_t *out = NULL;
		long len;

		cb.after_id = after;
		cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_BOARD;
		cmd.callout_board = &cb;
		reply.code = CODE(OK);
		tb_callout_command(&env, &cmd, &client, &reply);
		if (reply.code != CODE(OK) || reply.result_case != TETRABRIDGE__V1__REPLY__RESULT_BOARD) {
			printf("the board was refused: %s\n", reply.error ? reply.error : "?");
			talloc_free(tmp);
			return -1;
		}
		len = tb_pb_pack_utf8(&reply.base, tmp, NULL, 0, &out, NULL);
		if (len < 0 || (!reply.board->n_callouts && reply.board->more)) {
			talloc_free(tmp);
			return -1;
		}
		*bytes += (size_t)len;
		(*pages)++;
		*n_callouts += (unsigned)reply.board->n_callouts;
		if (reply.board->n_callouts)
			after = reply.board->callouts[reply.board->n_callouts - 1]->id;
		more = reply.board->more;
		talloc_free(tmp);
	}
	return 0;
}

static struct tb_responder *responder_of(uint64_t callout_id, uint32_t ssi)
{
	struct tb_callout *co = tb_callout_find(g_b->callouts, callout_id);
	struct tb_responder *r;

	if (!co)
		return NULL;
	llist_for_each_entry(r, &co->responders, entry)
		if (r->id.ssi == ssi)
			return r;
	return NULL;
}

/* A status or a position from ssi on radio, published as the radio link
 * does; the time tb_bridge_publish() takes (ns), and the CPU time in *cpu. */
static int64_t publish_timed(unsigned radio, uint32_t ssi, bool position, uint16_t value, double lat, double lon,
			     int64_t *cpu)
{
	Tetrabridge__V1__Event ev = TETRABRIDGE__V1__EVENT__INIT;
	Tetrabridge__V1__Status st = TETRABRIDGE__V1__STATUS__INIT;
	Tetrabridge__V1__Location l = TETRABRIDGE__V1__LOCATION__INIT;
	Tetrabridge__V1__Identity calling = TETRABRIDGE__V1__IDENTITY__INIT;
	int64_t t0, c0;

	calling.type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_SSI;
	calling.ssi = ssi;
	ev.radio = g_radios[radio].name;
	if (position) {
		l.calling = &calling;
		l.has_position = true;
		l.latitude = lat;
		l.longitude = lon;
		ev.body_case = TETRABRIDGE__V1__EVENT__BODY_LOCATION;
		ev.location = &l;
	} else {
		st.calling = &calling;
		st.value = value;
		ev.body_case = TETRABRIDGE__V1__EVENT__BODY_STATUS;
		ev.status = &st;
	}
	c0 = thread_ns();
	t0 = real_ns();
	if (!tb_bridge_publish(g_b, &ev))
		return -1;
	*cpu = thread_ns() - c0;
	return real_ns() - t0;
}

/* Samples: the time each took (v) and the CPU time it used (c), ns. */
struct samples {
	int64_t *v, *c;
	unsigned n;
};

static void samples_init(struct samples *s, unsigned n)
{
	s->v = talloc_zero_array(g_root, int64_t, n);
	s->c = talloc_zero_array(g_root, int64_t, n);
	s->n = 0;
	OSMO_ASSERT(s->v && s->c);
}

static void sample_add(struct samples *s, int64_t ns, int64_t cpu_ns)
{
	s->v[s->n] = ns;
	s->c[s->n++] = cpu_ns;
}

static void print_samples(const char *label, struct samples *s)
{
	if (!s->n) {
		printf("  %-36s no samples\n", label);
		return;
	}
	bench_sort_i64(s->v, s->n);
	bench_sort_i64(s->c, s->n);
	printf("  %-36s %5u %8.1f %8.1f %8.1f %8.1f %8.1f\n", label, s->n, bench_percentile(s->v, s->n, 0.5) / 1e3,
	       bench_percentile(s->v, s->n, 0.99) / 1e3, s->v[s->n - 1] / 1e3, bench_percentile(s->c, s->n, 0.5) / 1e3,
	       bench_percentile(s->c, s->n, 0.99) / 1e3);
}

/* p50 of n samples (sorted in place). */
static double p50_us(int64_t *v, unsigned n)
{
	if (!n)
		return 0;
	bench_sort_i64(v, n);
	return bench_percentile(v, n, 0.5) / 1e3;
}

/* What the tracker does with an input that concerns nobody, without
 * publishing anything: it walks the board (bridge/callout_input.c). The
 * median of batches of calls of tb_callout_on_event(), CPU time per call
 * (ns). */
static double scan_ns(const Tetrabridge__V1__Event *ev)
{
	enum { BATCHES = 7, CALLS = 100 };
	int64_t batch[BATCHES];

	for (unsigned b = 0; b < BATCHES; b++) {
		int64_t t0 = thread_ns();

		for (unsigned k = 0; k < CALLS; k++)
			tb_callout_on_event(g_b->callouts, ev);
		batch[b] = (thread_ns() - t0) / CALLS;
	}
	bench_sort_i64(batch, BATCHES);
	return (double)batch[BATCHES / 2];
}

struct scans {
	unsigned responders;
	double outgoing_ns, location_ns;
};

static void measure_scans(struct scans *sc)
{
	Tetrabridge__V1__Event ev = TETRABRIDGE__V1__EVENT__INIT;
	Tetrabridge__V1__Outgoing o = TETRABRIDGE__V1__OUTGOING__INIT;
	Tetrabridge__V1__Location l = TETRABRIDGE__V1__LOCATION__INIT;
	Tetrabridge__V1__Identity calling = TETRABRIDGE__V1__IDENTITY__INIT;
	struct tb_callout_stats a, b;
	struct tb_callout *co;

	sc->responders = 0;
	llist_for_each_entry(co, tb_callout_board(g_b->callouts), entry)
		sc->responders += co->n_responders;
	tb_callout_stats(g_b->callouts, &a);
	ev.seq = g_b->next_seq - 1;
	ev.radio = g_radios[0].name;
	/* An outgoing step of a message no responder waits for (a stand-down's,
	 * a client's text). */
	o.message_id = UINT64_MAX;
	o.state = TETRABRIDGE__V1__OUTGOING__STATE__SENT;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_OUTGOING;
	ev.outgoing = &o;
	sc->outgoing_ns = scan_ns(&ev);
	/* A position from a terminal in no call-out (an ambulance, a car). */
	calling.type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_SSI;
	calling.ssi = STRAY_SSI_BASE + MAX_CALLOUTS;
	l.calling = &calling;
	l.has_position = true;
	l.latitude = 60.4;
	l.longitude = 5.3;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_LOCATION;
	ev.location = &l;
	sc->location_ns = scan_ns(&ev);
	tb_callout_stats(g_b->callouts, &b);
	check(b.transitions == a.transitions && b.refused_inputs == a.refused_inputs,
	      "an input for nobody changed something");
}

/* ---- the journal ---------------------------------------------------------- */

struct journal_figures {
	uint64_t events, bytes;
	uint64_t callout_events, callout_bytes;
	uint64_t with_id;			/* CalloutChange with a call-out id: transitions */
	uint64_t kinds[KIND_BUCKETS];
	uint64_t snap_rows, snap_bytes, hist_rows, hist_bytes;
};

static int query_i64(sqlite3 *db, const char *sql, uint64_t bind, int col_count, int64_t *out)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_bind_parameter_count(st))
		sqlite3_bind_int64(st, 1, (sqlite3_int64)bind);
	rc = sqlite3_step(st);
	for (int i = 0; i < col_count; i++)
		out[i] = rc == SQLITE_ROW ? sqlite3_column_int64(st, i) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

static void journal_by_kind(sqlite3 *db, uint64_t from_seq)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, "SELECT kind, count(*), sum(length(body)) FROM events WHERE seq >= ?1 "
			       "GROUP BY kind ORDER BY 3 DESC", -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)from_seq);
	printf("  by kind (events, bytes per call-out):");
	while (sqlite3_step(st) == SQLITE_ROW)
		printf(" %s %.1f / %.0f;", (const char *)sqlite3_column_text(st, 0),
		       (double)sqlite3_column_int64(st, 1) / g_opt.callouts,
		       (double)sqlite3_column_int64(st, 2) / g_opt.callouts);
	printf("\n");
	sqlite3_finalize(st);
}

static int journal_figures(uint64_t from_seq, struct journal_figures *f)
{
	sqlite3 *db = tb_journal_db(g_b->journal);
	sqlite3_stmt *st;
	int64_t v[2];

	memset(f, 0, sizeof(*f));
	if (!db)
		return -1;
	if (query_i64(db, "SELECT count(*), sum(length(body)) FROM events WHERE seq >= ?1", from_seq, 2, v) < 0)
		return -1;
	f->events = (uint64_t)v[0];
	f->bytes = (uint64_t)v[1];
	if (sqlite3_prepare_v2(db, "SELECT body FROM events WHERE seq >= ?1 AND kind = 'callout'", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)from_seq);
	while (sqlite3_step(st) == SQLITE_ROW) {
		size_t len = (size_t)sqlite3_column_bytes(st, 0);
		Tetrabridge__V1__Event *ev = tetrabridge__v1__event__unpack(NULL, len, sqlite3_column_blob(st, 0));

		f->callout_events++;
		f->callout_bytes += len;
		if (ev && ev->body_case == TETRABRIDGE__V1__EVENT__BODY_CALLOUT) {
			if (ev->callout->callout_id)
				f->with_id++;
			if ((unsigned)ev->callout->kind < KIND_BUCKETS)
				f->kinds[ev->callout->kind]++;
		}
		tetrabridge__v1__event__free_unpacked(ev, NULL);
	}
	sqlite3_finalize(st);
	if (query_i64(db, "SELECT count(*), sum(length(snapshot)) FROM callout", 0, 2, v) == 0) {
		f->snap_rows = (uint64_t)v[0];
		f->snap_bytes = (uint64_t)v[1];
	}
	if (query_i64(db, "SELECT count(*), sum(length(change)) FROM callout_history", 0, 2, v) == 0) {
		f->hist_rows = (uint64_t)v[0];
		f->hist_bytes = (uint64_t)v[1];
	}
	return 0;
}

/* ---- the end states ------------------------------------------------------ */

/* Every responder where the night leaves it (before closing). */
static void check_end_states(void)
{
	unsigned wrong = 0;

	for (unsigned i = 0; i < g_created; i++) {
		const struct callout_rec *c = &g_co[i];
		struct tb_callout *co = tb_callout_find(g_b->callouts, c->id);
		struct tb_responder *r;
		unsigned plan = 0;

		if (!co) {
			check(false, "call-out %u (id %" PRIu64 ") is not on the board", i, c->id);
			continue;
		}
		if (co->fi->state != CST(ON_SCENE) || co->escalated != c->late_kind || co->alarm ||
		    co->level != (c->late_kind ? 1 : 0)) {
			if (!wrong++)
				check(false, "call-out %u: %s, escalated %d, level %u, alarm %d", i,
				      tb_cstate_name(co->fi->state), co->escalated, co->level, co->alarm);
		}
		llist_for_each_entry(r, &co->responders, entry) {
			tb_rstate want;
			bool late = false, lost_position = false;

			if (r->level) {
				plan++;
				want = ST(STOOD_DOWN);
			} else {
				unsigned j = r->id.ssi - SSI_BASE - i * RESPONDERS;

				want = j < 2 ? ST(DONE) : j == 2 ? ST(DECLINED) : c->late_kind ? ST(NO_ANSWER)
											    : ST(STOOD_DOWN);
				late = j < 2 && c->late_kind;
				lost_position = j < 2 && !r->has_position;
			}
			if (r->fi->state != want || r->late != late || lost_position) {
				if (!wrong++)
					check(false, "call-out %u: responder %u is %s%s", i, r->id.ssi,
					      tb_rstate_name(r->fi->state), r->late ? " (late)" : "");
			}
		}
		if (co->n_responders != RESPONDERS + plan || plan != (c->late_kind ? PLAN_RESPONDERS : 0)) {
			if (!wrong++)
				check(false, "call-out %u has %u responders", i, co->n_responders);
		}
	}
	check(!wrong, "%u call-outs or responders are not where the night leaves them", wrong);
}

/* ---- main ----------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bench_callout [options]\n"
		"  --callouts N      call-outs, all open at once (default 1000, at most %u)\n"
		"  --radios N        simulated radios the call-outs are spread over (default 32, at most %u)\n"
		"  --every MS        one call-out created every MS of fake time (default 333)\n"
		"  --board-runs N    times the whole board is built (default 10)\n"
		"  --state-dir DIR   the journal under DIR/state (default: a temporary folder)\n"
		"  --log-level L     the bridge's log to stderr: debug, info, notice, error (default error)\n"
		"  --smoke           8 call-outs on 2 radios; checks the counts, nothing timed (ctest)\n",
		MAX_CALLOUTS, MAX_RADIOS);
}

static int parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "callouts", required_argument, NULL, 'c' }, { "radios", required_argument, NULL, 'r' },
		{ "every", required_argument, NULL, 'e' },    { "board-runs", required_argument, NULL, 'b' },
		{ "state-dir", required_argument, NULL, 's' }, { "log-level", required_argument, NULL, 'l' },
		{ "smoke", no_argument, NULL, 'S' },          { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		bool ok = true;

		switch (c) {
		case 'c':
			ok = bench_parse_uint(optarg, 1, MAX_CALLOUTS, &g_opt.callouts);
			break;
		case 'r':
			ok = bench_parse_uint(optarg, 1, MAX_RADIOS, &g_opt.radios);
			break;
		case 'e':
			ok = bench_parse_uint(optarg, 1, 600000, &g_opt.every_ms);
			break;
		case 'b':
			ok = bench_parse_uint(optarg, 1, 1000, &g_opt.board_runs);
			break;
		case 's':
			g_opt.state_base = optarg;
			break;
		case 'l':
			g_opt.log_level = !strcmp(optarg, "debug")    ? LOGL_DEBUG
					  : !strcmp(optarg, "info")   ? LOGL_INFO
					  : !strcmp(optarg, "notice") ? LOGL_NOTICE
					  : !strcmp(optarg, "error")  ? LOGL_ERROR
								      : -1;
			ok = g_opt.log_level >= 0;
			break;
		case 'S':
			g_opt.smoke = true;
			g_opt.callouts = 8;
			g_opt.radios = 2;
			g_opt.every_ms = 5000;
			g_opt.board_runs = 2;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
		if (!ok) {
			fprintf(stderr, "bad value: %s\n", optarg);
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return -1;
	}
	return 0;
}

static void print_header(int argc, char **argv, unsigned late)
{
	printf("bench_callout: the call-out tracker on a real bridge (journal on disk, outgoing queues, PEI decoder)\n"
	       "  with %u simulated radios; the simulated terminals and the responders answering through them\n"
	       "  run in this process too, on fake time (deadlines fire without waiting)\n", g_opt.radios);
	bench_print_command("command:", argc, argv);
	printf("built: %s\n", TB_BENCH_FLAGS);
	bench_print_cpu();
	bench_print_loadavg("before");
	printf("night: %u call-outs x %u responders (required %u), one every %u ms of fake time, spread over %u radios\n"
	       "  %u staffed in time: 2 accept (25 s, 70 s), en route with a position every %u s for %u s, on scene;\n"
	       "    1 declines (35 s); 7 never answer (re-alerted at 40 s, stood down when staffed)\n"
	       "  %u (every 4th of each radio) nobody answers in time: 1 declines; re-alerts, no answer at\n"
	       "    120 s, the plan's level (2 more, never answer), alarm at 180 s, acknowledged at %u s;\n"
	       "    2 accept late (200 s, 210 s), en route, on scene\n"
	       "  reports: \"received\" %u s after each alert, \"consumed\" %u s (those who answer)\n",
	       g_opt.callouts, RESPONDERS, REQUIRED, g_opt.every_ms, g_opt.radios, g_opt.callouts - late, POS_EVERY_S,
	       POSITIONS * POS_EVERY_S, late, ACK_AFTER_S, RECEIVED_MS / 1000, CONSUMED_MS / 1000);
}

struct phase {
	int64_t cpu_us, real_ns;
	uint64_t fake_ms, seq, transitions;
};

static struct phase phase_now(void)
{
	struct tb_callout_stats s;
	struct phase p;

	tb_callout_stats(g_b->callouts, &s);
	p.cpu_us = bench_self_cpu_us();
	p.real_ns = real_ns();
	p.fake_ms = now_ms();
	p.seq = g_b->next_seq;
	p.transitions = s.transitions;
	return p;
}

static void print_phase(const char *label, const struct phase *a, const struct phase *b)
{
	uint64_t tr = b->transitions - a->transitions, ev = b->seq - a->seq;
	double cpu = (double)(b->cpu_us - a->cpu_us);

	printf("  %-24s %7.1f s fake %7.2f s real %7.2f s cpu %8" PRIu64 " transitions %8" PRIu64 " events",
	       label, (b->fake_ms - a->fake_ms) / 1e3, (b->real_ns - a->real_ns) / 1e9, cpu / 1e6, tr, ev);
	if (tr)
		printf("  %6.1f µs/transition", cpu / (double)tr);
	printf("\n");
}

int main(int argc, char **argv)
{
	struct phase p_idle0, p_start, p_created, p_on_scene, p_measured, p_closed, p_end;
	struct mem m_before, m_created, m_open, m_closed, m_end;
	struct tb_callout_stats s_open, s_end;
	struct journal_figures jf;
	struct samples board, done, pos, stray, closes;
	struct scans sc;
	long long db_before, db_end;
	uint64_t seq_first;
	unsigned n_callouts_board = 0, late = 0;
	size_t board_bytes = 0;
	unsigned board_pages = 0;
	double idle_cpu_per_s;
	int rc = 1;

	if (parse_args(argc, argv) < 0)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	g_root = talloc_named_const(NULL, 0, "bench_callout");
	tb_logging_init(g_root);
	log_set_log_level(osmo_stderr_target, g_opt.log_level);
	tb_fake_time_start();
	if (!tb_tmpdir_make(g_dir, sizeof(g_dir), "bench_callout")) {
		fprintf(stderr, "cannot make a temporary folder\n");
		return 1;
	}
	players_init();
	for (unsigned i = 0; i < g_opt.callouts; i++)
		late += g_co[i].late_kind;
	print_header(argc, argv, late);
	if (bridge_up() < 0)
		goto out;

	/* What the fake clock and idle radios cost by themselves. */
	p_idle0 = phase_now();
	tb_fake_time_advance_ms(60000);
	p_start = phase_now();
	idle_cpu_per_s = (double)(p_start.cpu_us - p_idle0.cpu_us) / 60.0;

	m_before = mem_now();
	db_before = db_size();
	seq_first = g_b->next_seq;

	/* The night: call-outs created at their pace, everybody playing. */
	g_run_start_ms = now_ms();
	osmo_timer_setup(&g_creator, creator_cb, NULL);
	osmo_timer_schedule(&g_creator, 0, 0);
	run_until(all_created, g_opt.callouts * (g_opt.every_ms / 1000 + 1) + 10);
	p_created = phase_now();
	m_created = mem_now();
	check(g_n.create_failed == 0, "%u call-outs were not created", g_n.create_failed);
	if (g_n.create_failed)
		goto out;
	check(run_until(all_on_scene, ON_SCENE_MAX_S), "after %u s not every accepted responder was on scene (%u of %u)",
	      ON_SCENE_MAX_S, count_on_scene(), g_opt.callouts * REQUIRED);
	p_on_scene = phase_now();
	m_open = mem_now();
	tb_callout_stats(g_b->callouts, &s_open);
	check(s_open.open == g_opt.callouts, "%u call-outs open, not %u", s_open.open, g_opt.callouts);
	check(g_n.acks == late && !g_n.acks_missing, "%u alarms acknowledged, %u were not on (of %u)", g_n.acks,
	      g_n.acks_missing, late);

	/* With every call-out open: the board, a position and an unmatched
	 * status for each, then "done" from both accepted responders. */
	samples_init(&board, g_opt.board_runs);
	samples_init(&done, g_opt.callouts * REQUIRED);
	samples_init(&pos, g_opt.callouts);
	samples_init(&stray, g_opt.callouts);
	samples_init(&closes, g_opt.callouts);
	for (unsigned k = 0; k < g_opt.board_runs; k++) {
		int64_t t0 = real_ns(), c0 = thread_ns();
		unsigned n;

		if (board_snapshot(&board_bytes, &board_pages, &n) < 0) {
			check(false, "the board could not be built");
			break;
		}
		sample_add(&board, real_ns() - t0, thread_ns() - c0);
		check(n == g_opt.callouts, "the board had %u call-outs, not %u", n, g_opt.callouts);
		n_callouts_board = n;
	}
	for (unsigned i = 0; i < g_opt.callouts; i++) {
		struct tb_callout_stats a, b;
		double lat, lon;
		int64_t ns, cpu = 0;

		scene_of(i, &lat, &lon);
		tb_callout_stats(g_b->callouts, &a);
		ns = publish_timed(i % g_opt.radios, SSI_BASE + i * RESPONDERS, true, 0, lat, lon, &cpu);
		tb_callout_stats(g_b->callouts, &b);
		check(ns >= 0 && b.transitions == a.transitions + 1, "a position for call-out %u did not attach", i);
		sample_add(&pos, ns, cpu);
		ns = publish_timed(i % g_opt.radios, STRAY_SSI_BASE + i, false, STATUS_ACCEPT, 0, 0, &cpu);
		tb_callout_stats(g_b->callouts, &a);
		check(ns >= 0 && a.unmatched == b.unmatched + 1, "a stray status was not unmatched");
		sample_add(&stray, ns, cpu);
	}
	measure_scans(&sc);
	for (unsigned i = 0; i < g_opt.callouts; i++) {
		for (unsigned j = 0; j < REQUIRED; j++) {
			uint32_t ssi = SSI_BASE + i * RESPONDERS + j;
			struct tb_callout_stats a, b;
			struct tb_responder *r;
			int64_t ns, cpu = 0;

			tb_callout_stats(g_b->callouts, &a);
			ns = publish_timed(i % g_opt.radios, ssi, false, STATUS_DONE, 0, 0, &cpu);
			tb_callout_stats(g_b->callouts, &b);
			r = responder_of(g_co[i].id, ssi);
			check(ns >= 0 && b.transitions > a.transitions && r && r->fi->state == ST(DONE),
			      "\"done\" did not move responder %u of call-out %u", j, i);
			sample_add(&done, ns, cpu);
		}
	}
	p_measured = phase_now();
	check_end_states();

	/* Close them all; the stand-downs go out. */
	for (unsigned i = 0; i < g_opt.callouts; i++) {
		static const Tetrabridge__V1__CalloutOutcome outcomes[] = {
			TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_TREATED_ON_SITE,
			TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_HANDED_TO_AMBULANCE,
			TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_TRANSPORTED,
		};
		struct tb_callout *co = NULL;
		void *tmp = talloc_new(NULL);
		char *errmsg = NULL;
		int64_t t0 = real_ns(), c0 = thread_ns();

		if (tb_callout_close(g_b->callouts, g_co[i].id, outcomes[i % 3], NULL, &g_dispatcher, &co, tmp,
				     &errmsg) != CODE(OK))
			g_n.close_failed++;
		sample_add(&closes, real_ns() - t0, thread_ns() - c0);
		talloc_free(tmp);
	}
	check(!g_n.close_failed, "%u call-outs could not be closed", g_n.close_failed);
	p_closed = phase_now();
	m_closed = mem_now();
	check(run_until(outboxes_empty, SETTLE_MAX_S), "the outgoing queues were not empty %u s after closing",
	      SETTLE_MAX_S);
	p_end = phase_now();
	m_end = mem_now();
	db_end = db_size();
	tb_callout_stats(g_b->callouts, &s_end);
	check(s_end.open == 0, "%u call-outs still open after closing", s_end.open);

	/* The journal. */
	check(journal_figures(seq_first, &jf) == 0, "the journal could not be read");
	check(jf.with_id == s_end.transitions - p_start.transitions,
	      "%" PRIu64 " call-out changes in the journal, the tracker counted %" PRIu64 " transitions", jf.with_id,
	      s_end.transitions - p_start.transitions);
	check(jf.kinds[KIND(CREATED)] == g_opt.callouts, "%" PRIu64 " CREATED changes", jf.kinds[KIND(CREATED)]);
	check(jf.kinds[KIND(POSITION)] == (uint64_t)g_opt.callouts * (REQUIRED * POSITIONS + 1),
	      "%" PRIu64 " POSITION changes, not %u", jf.kinds[KIND(POSITION)],
	      g_opt.callouts * (REQUIRED * POSITIONS + 1));
	check(jf.kinds[KIND(LEVEL)] == late && jf.kinds[KIND(ALARM)] == late && jf.kinds[KIND(ALARM_ACK)] == late,
	      "LEVEL %" PRIu64 ", ALARM %" PRIu64 ", ALARM_ACK %" PRIu64 ", not %u each", jf.kinds[KIND(LEVEL)],
	      jf.kinds[KIND(ALARM)], jf.kinds[KIND(ALARM_ACK)], late);
	check(jf.kinds[KIND(LATE_ANSWER)] == (uint64_t)late * REQUIRED, "%" PRIu64 " LATE_ANSWER changes, not %u",
	      jf.kinds[KIND(LATE_ANSWER)], late * REQUIRED);
	check(jf.kinds[KIND(UNMATCHED)] == g_opt.callouts && s_end.unmatched == g_opt.callouts,
	      "%" PRIu64 " UNMATCHED changes (%" PRIu64 " counted), not %u", jf.kinds[KIND(UNMATCHED)],
	      s_end.unmatched, g_opt.callouts);
	check(jf.kinds[KIND(IGNORED)] == 0 && jf.kinds[KIND(OVERDUE)] == 0,
	      "%" PRIu64 " IGNORED and %" PRIu64 " OVERDUE changes", jf.kinds[KIND(IGNORED)], jf.kinds[KIND(OVERDUE)]);
	/* Everybody heard an alert; a plan's responders where their radio had
	 * a call-out nobody answered in time. */
	for (unsigned i = 0; i < g_n_resp; i++) {
		const struct resp *r = &g_resp[i];
		bool want = r->role != ROLE_PLAN;

		for (unsigned c = r->radio; !want && c < g_opt.callouts; c += g_opt.radios)
			want = g_co[c].late_kind;
		check(!want || r->alerts_heard, "responder %u heard no alert", r->ssi);
	}
	check(!g_n.sds_unknown_dest && !g_n.sds_bad && !g_n.prints_lost && !g_n.reports_dropped,
	      "SDS to nobody %" PRIu64 ", unreadable %" PRIu64 ", answers not printed %" PRIu64
	      ", reports dropped %" PRIu64, g_n.sds_unknown_dest, g_n.sds_bad, g_n.prints_lost, g_n.reports_dropped);

	/* ---- what was measured ---- */
	printf("\nthe night (%" PRIu64 " SDS sent by the radios; the responders sent %" PRIu64 " statuses, %" PRIu64
	       " positions, %" PRIu64 " delivery reports)\n",
	       g_n.sds_seen, g_n.statuses, g_n.positions, g_n.reports);
	print_phase("creating (all open)", &p_start, &p_created);
	print_phase("until all on scene", &p_created, &p_on_scene);
	print_phase("measuring (below)", &p_on_scene, &p_measured);
	print_phase("closing", &p_measured, &p_closed);
	print_phase("stand-downs out", &p_closed, &p_end);
	print_phase("whole run", &p_start, &p_end);
	printf("  the fake clock and %u idle radios alone: %.2f ms of cpu per fake second (%.1f s of this run's cpu)\n",
	       g_opt.radios, idle_cpu_per_s / 1e3, idle_cpu_per_s * (double)(p_end.fake_ms - p_start.fake_ms) / 1e9);
	printf("  tracker: %" PRIu64 " transitions, %" PRIu64 " inputs refused by a responder's state, "
	       "%" PRIu64 " unmatched; outgoing queue at most %u messages on one radio\n",
	       s_end.transitions - p_start.transitions, s_end.refused_inputs, s_end.unmatched, g_n.queue_max);
	{
		/* The night without the measuring phase (its board builds and
		 * walks are no transitions). */
		double cpu = (double)((p_end.cpu_us - p_start.cpu_us) - (p_measured.cpu_us - p_on_scene.cpu_us));
		uint64_t tr = (p_end.transitions - p_start.transitions) - (p_measured.transitions - p_on_scene.transitions);
		uint64_t ev = (p_end.seq - p_start.seq) - (p_measured.seq - p_on_scene.seq);

		printf("\nCPU per transition (getrusage user+sys of the night, without the measuring, / the tracker's\n"
		       "  transitions): %.1f µs (%.1f s / %" PRIu64 "); per event published %.1f µs (%" PRIu64 " events)\n"
		       "  the process: bridge, journal, outgoing queues, PEI decoder, simulated terminals, responders\n",
		       cpu / (double)tr, cpu / 1e6, tr, cpu / (double)ev, ev);
	}

	printf("\nmemory of this process (VmRSS; the bench's own responders hold %.1f MB of it):\n",
	       (double)talloc_total_size(g_resp) / 1048576.0);
	printf("  before the night %.1f MB; %u call-outs created %.1f MB; all on scene (%u open) %.1f MB;\n"
	       "  closed %.1f MB; at the end %.1f MB; peak (VmHWM) %.1f MB\n",
	       mb(m_before.rss_kb), g_opt.callouts, mb(m_created.rss_kb), s_open.open, mb(m_open.rss_kb),
	       mb(m_closed.rss_kb), mb(m_end.rss_kb), mb(m_end.hwm_kb));
	printf("  per open call-out: %.1f KB (all on scene - before, / %u)\n",
	       (double)(m_open.rss_kb - m_before.rss_kb) / g_opt.callouts, g_opt.callouts);

	printf("\nwith %u call-outs open (µs; wall: as it happened on this machine, cpu: this thread's CPU time):\n"
	       "  %-36s %5s %8s %8s %8s %8s %8s\n", s_open.open, "", "n", "wall p50", "p99", "max", "cpu p50", "p99");
	{
		unsigned tenth = (g_opt.callouts / 10 ? g_opt.callouts / 10 : 1) * REQUIRED, over = 0;
		int64_t *sorted = talloc_memdup(g_root, done.c, done.n * sizeof(done.c[0]));
		/* done.c is in call-out order before sorting: oldest first. */
		double oldest = p50_us(sorted, tenth);
		double newest = p50_us(sorted + done.n - tenth, tenth);

		for (unsigned k = 0; k < done.n; k++)
			over += done.v[k] > 1000000;
		print_samples("board (all pages, built and packed)", &board);
		print_samples("status \"done\" moves a responder", &done);
		printf("  %-36s cpu p50 %.1f for the oldest tenth of the board, %.1f for the newest;\n"
		       "  %-36s %u took over 1 ms\n", "", oldest, newest, "", over);
	}
	print_samples("position attaches to its responder", &pos);
	print_samples("status nobody waits for (unmatched)", &stray);
	print_samples("close (a command)", &closes);
	printf("  the board: %u call-outs in %u page(s) of at most %u KiB, %zu bytes\n", n_callouts_board, board_pages,
	       TB_REPLAY_MAX_BYTES / 1024, board_bytes);
	printf("  the tracker's walk of the board for an input that concerns nobody (%u responders on it):\n"
	       "    an outgoing step of a message no alert is waiting for: %.2f µs cpu (%.1f ns per responder)\n"
	       "    a position from a terminal in no call-out:             %.2f µs cpu (%.1f ns per responder)\n",
	       sc.responders, sc.outgoing_ns / 1e3, sc.outgoing_ns / sc.responders, sc.location_ns / 1e3,
	       sc.location_ns / sc.responders);

	printf("\njournal (%s and its -wal): %.1f MB before, %.1f MB after (%.1f MB of it the -wal): %.1f KB per "
	       "call-out\n", TB_JOURNAL_FILE, db_before / 1048576.0, db_end / 1048576.0, wal_size() / 1048576.0,
	       (double)(db_end - db_before) / 1024.0 / g_opt.callouts);
	printf("  events: %" PRIu64 " (%.1f MB): per call-out %.0f events, %.1f KB; of them call-out changes %.0f, "
	       "%.1f KB\n",
	       jf.events, jf.bytes / 1048576.0, (double)jf.events / g_opt.callouts,
	       (double)jf.bytes / 1024.0 / g_opt.callouts, (double)jf.callout_events / g_opt.callouts,
	       (double)jf.callout_bytes / 1024.0 / g_opt.callouts);
	journal_by_kind(tb_journal_db(g_b->journal), seq_first);
	printf("  call-out tables: snapshots %.1f KB per call-out, history %.0f lines, %.1f KB per call-out\n",
	       (double)jf.snap_bytes / 1024.0 / g_opt.callouts, (double)jf.hist_rows / g_opt.callouts,
	       (double)jf.hist_bytes / 1024.0 / g_opt.callouts);
	printf("  changes by kind:");
	for (unsigned k = 0; k < KIND_BUCKETS; k++)
		if (jf.kinds[k])
			printf(" %s %" PRIu64 ";",
			       protobuf_c_enum_descriptor_get_value(&tetrabridge__v1__callout_change__kind__descriptor,
								     (int)k)->name, jf.kinds[k]);
	printf("\n");
	bench_print_loadavg("after");
	printf("\n%s\n", g_failed ? "checks: FAILED (above)" : "checks: ok (every responder's end state, the changes "
	       "in the journal, the board, every sample)");
	rc = g_failed ? 1 : 0;
out:
	if (g_b) {
		tb_bridge_stop(g_b);
		talloc_free(g_b);
	}
	if (!g_opt.state_base)
		tb_tmpdir_remove(g_dir);
	talloc_free(g_root);
	return rc;
}
