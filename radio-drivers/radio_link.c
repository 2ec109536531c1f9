/* One terminal's PEI link as an osmo_fsm; see radio_link.h.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "radio-drivers/radio_link.h"

#include <errno.h>
#include <string.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "codecs/pei_urc.h"
#include "common/counters.h"
#include "common/log_context.h"
#include "common/logging.h"
#include "radio-drivers/sds_send.h"

struct osmo_tdef tb_radio_link_tdefs[] = {
	{ .T = TB_T_KEEPALIVE, .default_val = 15, .unit = OSMO_TDEF_S,
	  .desc = "Keep-alive interval: an AT is sent this often; no answer means the link is dead" },
	{ .T = TB_T_AT_TIMEOUT, .default_val = 3000, .unit = OSMO_TDEF_MS,
	  .desc = "Time a terminal has to answer one AT command" },
	{ .T = TB_T_BACKOFF_MIN, .default_val = 500, .unit = OSMO_TDEF_MS,
	  .desc = "First delay before reopening a failed link (doubles per failure)" },
	{ .T = TB_T_BACKOFF_MAX, .default_val = 30, .unit = OSMO_TDEF_S,
	  .desc = "Longest delay between reopen attempts" },
	{ .T = TB_T_WAKE, .default_val = 250, .unit = OSMO_TDEF_MS,
	  .desc = "A terminal that has not answered yet (booting, or silent for a while) is asked AT this often; "
		  "at most X2" },
	{}
};

enum rl_state {
	RL_ST_CLOSED,
	RL_ST_INIT,
	RL_ST_READY,
	RL_ST_BACKOFF,
};

enum rl_event {
	RL_EV_START,
	RL_EV_STOP,
	RL_EV_INIT_DONE,
	RL_EV_FAIL,		/* data: const char *reason */
	RL_EV_LINK_LOST,	/* data: const char *reason */
	RL_EV_RETRY,		/* backoff over, or the device just arrived: reopen now */
};

static const struct value_string rl_event_names[] = {
	{ RL_EV_START, "START" },
	{ RL_EV_STOP, "STOP" },
	{ RL_EV_INIT_DONE, "INIT_DONE" },
	{ RL_EV_FAIL, "FAIL" },
	{ RL_EV_LINK_LOST, "LINK_LOST" },
	{ RL_EV_RETRY, "RETRY" },
	{ 0, NULL }
};

struct tb_radio_link {
	struct osmo_fsm_inst *fi;
	char *name;
	struct tb_transport *t;
	struct tb_at_engine *at;
	struct tb_sds_send *sds;		/* TNSDS-SEND requests */
	const struct tb_profile *profile;
	struct tb_radio_link_callbacks cbs;
	void *cb_data;

	unsigned init_step;
	unsigned wake_tries;		/* "AT"s unanswered since this open */
	bool probing;			/* open on another PEI candidate than the first, for one "AT" */
	unsigned backoff_ms;
	/* Not the FSM's own timeout: libosmocore 1.7's state_chg_ms misreads
	 * the part below one second, so the backoff runs on its own timer. */
	struct osmo_timer_list backoff_timer;
	time_t up_since;
	struct tetra_identity own;
	char last_error[128];
	struct rate_ctr_group *ctrs;	/* enum tb_radio_link_ctr */
	/* At the last keep-alive tick: the engine's timeouts and the lines
	 * the terminal had printed (a busy link is probed by its own commands). */
	uint64_t tick_timeouts, tick_lines;

	/* config `match identity` */
	bool want_set;
	struct tetra_identity want;
	bool confirmed;			/* the terminal open now (or last) is this radio's */
	/* Result codes received during the init, delivered after LINK_UP. */
	struct llist_head held;		/* struct held_urc */
	unsigned n_held;
};

/* One result code (and its +CTSDSR user-data line) held during the init. */
struct held_urc {
	struct llist_head list;
	char *line, *data;
	size_t len, data_len;
};

/* Enough for a burst a terminal prints while the init runs (a queue of
 * stored messages); more is counted and dropped. */
#define RL_MAX_HELD 64

static struct osmo_fsm tb_radio_link_fsm;

static const struct rate_ctr_desc rl_ctr_desc[] = {
	[TB_RL_CTR_URCS] = { "urcs", "Result codes decoded" },
	[TB_RL_CTR_DECODE_ERRORS] = { "decode_errors", "Result codes that did not decode" },
	[TB_RL_CTR_UNKNOWN_URCS] = { "unknown_urcs", "Result codes no decoder knows" },
	[TB_RL_CTR_HELD_DROPPED] = { "held_dropped", "Result codes received during the init and not kept" },
	[TB_RL_CTR_OPENS] = { "opens", "Terminal opened" },
	[TB_RL_CTR_OPEN_FAILURES] = { "open_failures", "Terminal could not be opened" },
	[TB_RL_CTR_LINK_LOSSES] = { "link_losses", "Link lost after it was up" },
	[TB_RL_CTR_KEEPALIVE_FAILURES] = { "keepalive_failures", "Terminal stopped answering the keep-alive" },
	[TB_RL_CTR_WRONG_TERMINAL] = { "wrong_terminal",
					"Terminals passed over: another identity than match identity" },
	[TB_RL_CTR_BACKOFFS] = { "backoffs", "Reopens after a failure, each after a growing wait" },
	[TB_RL_CTR_WAKE_RETRIES] = { "wake_retries", "First AT asked again: the terminal did not answer yet" },
};

static const struct rate_ctr_group_desc rl_ctrg_desc = {
	.group_name_prefix = "link",
	.group_description = "Radio link (opens, losses, result codes)",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(rl_ctr_desc),
	.ctr_desc = rl_ctr_desc,
};

static unsigned long tdef(int T, enum osmo_tdef_unit unit)
{
	return osmo_tdef_get(tb_radio_link_tdefs, T, unit, -1);
}

/* Remember why the link failed. Said at NOTICE once; the same reason again
 * (a radio that stays unplugged) only at DEBUG, so the log does not loop. */
static void set_error(struct tb_radio_link *rl, const char *reason)
{
	if (strcmp(rl->last_error, reason) == 0) {
		LOGPFSML(rl->fi, LOGL_DEBUG, "still failing: %s\n", reason);
		return;
	}
	osmo_strlcpy(rl->last_error, reason, sizeof(rl->last_error));
	LOGPFSML(rl->fi, LOGL_NOTICE, "%s\n", reason);
}

static void emit_link(struct tb_radio_link *rl, enum tetra_link_prim p, int reason)
{
	struct tetra_prim prim;
	memset(&prim, 0, sizeof(prim));
	osmo_prim_init(&prim.oph, TETRA_SAP_LINK, p, PRIM_OP_INDICATION, NULL);
	prim.u.link.own = rl->own;
	prim.u.link.reason = reason;
	rl->cbs.prim(rl, &prim, rl->cb_data);
}

/* ---- AT engine <-> transport ------------------------------------------- */

static int at_write_cb(const uint8_t *buf, size_t len, void *data)
{
	struct tb_radio_link *rl = data;
	return tb_transport_write(rl->t, buf, len);
}

static void deliver_urc(struct tb_radio_link *rl, const char *line, size_t len, const char *data_line,
			size_t data_len)
{
	struct tetra_prim prim;
	int rc;

	rc = tetra_pei_decode(line, len, data_line, data_len, &prim);
	if (rc < 0) {
		/* The result code's name is not health data; its fields are. */
		size_t name_len = 0;
		while (name_len < len && name_len < 12 && line[name_len] != ':')
			name_len++;
		if (rc == TETRA_E_UNKNOWN_URC)
			rate_ctr_inc2(rl->ctrs, TB_RL_CTR_UNKNOWN_URCS);
		else
			rate_ctr_inc2(rl->ctrs, TB_RL_CTR_DECODE_ERRORS);
		LOGPFSML(rl->fi, LOGL_DEBUG, "cannot decode %.*s: %s\n", (int)name_len, line,
			 tetra_codec_strerror(rc));
		return;
	}
	rate_ctr_inc2(rl->ctrs, TB_RL_CTR_URCS);
	/* A +CNUMF here is not the answer to our AT+CNUMF? (that goes to
	 * init_result_cb): whatever printed it, it does not change whose
	 * terminal this is. It is passed on (published as what the terminal
	 * reported) like any result code. */
	if (prim.oph.sap == TETRA_SAP_TNMM && prim.oph.primitive == TETRA_TNMM_OWN_IDENTITY)
		LOGPFSML(rl->fi, LOGL_DEBUG, "the terminal reports an identity unasked: not taken\n");
	rl->cbs.prim(rl, &prim, rl->cb_data);
	/* The terminal's own line goes up first; what it means for the SDS
	 * in flight (its TNSDS-SEND.conf) follows it. */
	if (prim.oph.sap == TETRA_SAP_TNSDS && prim.oph.primitive == TETRA_TNSDS_SEND_RESULT && rl->sds)
		tb_sds_send_air_result(rl->sds, &prim.u.send_result);
}

static void sds_send_up_cb(const struct tetra_prim *prim, void *data)
{
	struct tb_radio_link *rl = data;

	rl->cbs.prim(rl, prim, rl->cb_data);
}

static void hold_urc(struct tb_radio_link *rl, const char *line, size_t len, const char *data_line,
		     size_t data_len)
{
	struct held_urc *h;

	if (rl->n_held >= RL_MAX_HELD) {
		rate_ctr_inc2(rl->ctrs, TB_RL_CTR_HELD_DROPPED);
		if (tb_ctr_get(rl->ctrs, TB_RL_CTR_HELD_DROPPED) == 1)
			LOGPFSML(rl->fi, LOGL_NOTICE, "more than %u result codes during the init: "
				 "dropping the rest\n", RL_MAX_HELD);
		return;
	}
	h = talloc_zero(rl, struct held_urc);
	if (!h || !(h->line = talloc_memdup(h, line, len + 1)) ||
	    (data_line && !(h->data = talloc_memdup(h, data_line, data_len + 1)))) {
		talloc_free(h);
		rate_ctr_inc2(rl->ctrs, TB_RL_CTR_HELD_DROPPED);
		return;
	}
	h->line[len] = '\0';
	if (h->data)
		h->data[data_len] = '\0';
	h->len = len;
	h->data_len = data_len;
	llist_add_tail(&h->list, &rl->held);
	rl->n_held++;
}

/* Deliver (or drop) what was held during the init. */
static void flush_held(struct tb_radio_link *rl, bool deliver)
{
	unsigned dropped = 0;

	while (!llist_empty(&rl->held)) {
		struct held_urc *h = llist_first_entry(&rl->held, struct held_urc, list);

		llist_del(&h->list);
		rl->n_held--;
		if (deliver)
			deliver_urc(rl, h->line, h->len, h->data, h->data_len);
		else
			dropped++;
		talloc_free(h);
	}
	if (dropped) {
		rate_ctr_add(rate_ctr_group_get_ctr(rl->ctrs, TB_RL_CTR_HELD_DROPPED), (int)dropped);
		LOGPFSML(rl->fi, LOGL_INFO, "dropped %u result code(s) from a terminal that is not this "
			 "radio's\n", dropped);
	}
}

static void at_urc_cb(const char *line, size_t len, const char *data_line, size_t data_len, void *data)
{
	struct tb_radio_link *rl = data;

	switch (rl->fi->state) {
	case RL_ST_READY:
		deliver_urc(rl, line, len, data_line, data_len);
		break;
	case RL_ST_INIT:
		/* Online first, then what the terminal said; and only once it
		 * is known to be this radio's terminal. */
		hold_urc(rl, line, len, data_line, data_len);
		break;
	default:
		/* Flushed out of the engine by a reset after the link closed. */
		if (!rl->want_set || rl->confirmed)
			deliver_urc(rl, line, len, data_line, data_len);
		else
			rate_ctr_inc2(rl->ctrs, TB_RL_CTR_HELD_DROPPED);
		break;
	}
}

static void transport_rx_cb(struct tb_transport *t, const uint8_t *buf, size_t len, void *data)
{
	struct tb_radio_link *rl = data;
	TB_LOG_RADIO_SCOPE(rl->name);	/* what the terminal said, and all it leads to */
	tb_at_feed(rl->at, buf, len);
}

static void transport_down_cb(struct tb_transport *t, int err, void *data)
{
	struct tb_radio_link *rl = data;
	TB_LOG_RADIO_SCOPE(rl->name);
	char reason[96];
	snprintf(reason, sizeof(reason), "link lost: %s", strerror(-err));
	osmo_fsm_inst_dispatch(rl->fi, RL_EV_LINK_LOST, reason);
}

/* ---- init sequence ------------------------------------------------------ */

static void init_next(struct tb_radio_link *rl);
static void wake_again(struct tb_radio_link *rl);
static void enter_backoff(struct osmo_fsm_inst *fi);

static void init_result_cb(const struct tb_at_result *res, void *data)
{
	struct tb_radio_link *rl = data;
	const struct tb_init_step *step = &rl->profile->init[rl->init_step];
	char reason[128];

	if (rl->fi->state != RL_ST_INIT || res->status == TB_AT_LINK_DOWN)
		return;	/* the link broke meanwhile; the FSM already moved on */

	switch (res->status) {
	case TB_AT_OK:
		if (rl->init_step == 0) {
			tb_transport_pei_found(rl->t);	/* it answers here: its PEI */
			rl->probing = false;
		}
		for (unsigned i = 0; i < res->n_info; i++) {
			struct tetra_prim prim;
			/* The radio's identity comes from here only: the answer
			 * to AT+CNUMF?. An identity that does not decode is none. */
			if (tetra_pei_decode(res->info[i], strlen(res->info[i]), NULL, 0, &prim) == 0 &&
			    prim.oph.sap == TETRA_SAP_TNMM && prim.oph.primitive == TETRA_TNMM_OWN_IDENTITY &&
			    prim.u.own_identity.id.type != TETRA_ID_UNDECODED)
				rl->own = prim.u.own_identity.id;
		}
		break;
	case TB_AT_TIMEOUT:
		if (rl->init_step == 0) {
			wake_again(rl);
			return;
		}
		snprintf(reason, sizeof(reason), "terminal does not answer %s (no reply within %lu ms)",
			 step->cmd, tdef(TB_T_AT_TIMEOUT, OSMO_TDEF_MS));
		osmo_fsm_inst_dispatch(rl->fi, RL_EV_FAIL, reason);
		return;
	default:
		if (step->required) {
			snprintf(reason, sizeof(reason), "terminal refuses %s (%s %d)", step->cmd,
				 tb_at_status_name(res->status), res->cme);
			osmo_fsm_inst_dispatch(rl->fi, RL_EV_FAIL, reason);
			return;
		}
		/* Model-dependent registrations: the rest still works. */
		LOGPFSML(rl->fi, LOGL_INFO, "terminal refuses optional %s (%s %d), continuing\n",
			 step->cmd, tb_at_status_name(res->status), res->cme);
		break;
	}
	rl->init_step++;
	init_next(rl);
}

/* How long the first "AT" waits: X5, at most X2. */
static unsigned long wake_ms(void)
{
	unsigned long wake = tdef(TB_T_WAKE, OSMO_TDEF_MS), at = tdef(TB_T_AT_TIMEOUT, OSMO_TDEF_MS);

	return wake && wake < at ? wake : at;
}

/* Open the link again at once (another PEI candidate): no failure, so the
 * backoff does not grow. */
static void reopen_now(struct tb_radio_link *rl)
{
	osmo_fsm_inst_state_chg(rl->fi, RL_ST_BACKOFF, 0, 0);
	osmo_timer_schedule(&rl->backoff_timer, 0, 0);
}

/* The first "AT" got no answer (yet): ask again on the open link; the
 * device is present, so the wait does not grow. After each X2 of silence
 * the reason is said (once at NOTICE), and, while none of the terminal's
 * PEI candidates has ever answered, one "AT" goes to each other candidate
 * before it is back on the first: a terminal whose PEI is elsewhere is
 * found, and a booting one is not left alone for long. */
static void wake_again(struct tb_radio_link *rl)
{
	unsigned long at_ms = tdef(TB_T_AT_TIMEOUT, OSMO_TDEF_MS);
	unsigned per_window = (unsigned)(at_ms / wake_ms());
	char reason[128];
	int rc;

	rl->wake_tries++;
	rate_ctr_inc2(rl->ctrs, TB_RL_CTR_WAKE_RETRIES);
	if (rl->probing) {
		/* One try on another candidate: on to the next, or back. */
		rc = tb_transport_probe_next(rl->t);
		if (rc >= 0) {
			rl->probing = rc == 0;
			reopen_now(rl);
			return;
		}
		rl->probing = false;
	} else if (per_window == 0 || rl->wake_tries % per_window == 0) {
		snprintf(reason, sizeof(reason), "terminal does not answer AT (no reply within %lu ms)", at_ms);
		set_error(rl, reason);
		if (tb_transport_probe_next(rl->t) == 0) {
			rl->probing = true;
			reopen_now(rl);
			return;
		}
	}
	init_next(rl);
}

static void init_next(struct tb_radio_link *rl)
{
	const struct tb_init_step *step = &rl->profile->init[rl->init_step];
	unsigned long timeout_ms = rl->init_step == 0 ? wake_ms() : tdef(TB_T_AT_TIMEOUT, OSMO_TDEF_MS);
	int rc;

	if (!step->cmd) {
		osmo_fsm_inst_dispatch(rl->fi, RL_EV_INIT_DONE, NULL);
		return;
	}
	rc = tb_at_cmd(rl->at, step->cmd, timeout_ms, init_result_cb, rl);
	if (rc < 0)
		osmo_fsm_inst_dispatch(rl->fi, RL_EV_FAIL, (void *)"cannot queue init command");
}

/* ---- FSM ---------------------------------------------------------------- */

static void st_closed_onenter(struct osmo_fsm_inst *fi, uint32_t prev_state)
{
	struct tb_radio_link *rl = fi->priv;
	tb_transport_close(rl->t);
	tb_at_reset(rl->at);
}

static void st_closed(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	if (event == RL_EV_START)
		osmo_fsm_inst_state_chg(fi, RL_ST_INIT, 0, 0);
}

static void st_init_onenter(struct osmo_fsm_inst *fi, uint32_t prev_state)
{
	struct tb_radio_link *rl = fi->priv;
	char reason[128];
	int rc;

	tb_at_reset(rl->at);
	memset(&rl->own, 0, sizeof(rl->own));
	rl->own.type = TETRA_ID_NONE;
	rl->confirmed = false;
	flush_held(rl, !rl->want_set);	/* nothing normally: left by the last init */
	rc = tb_transport_open(rl->t);
	if (rc < 0) {
		rate_ctr_inc2(rl->ctrs, TB_RL_CTR_OPEN_FAILURES);
		snprintf(reason, sizeof(reason), "cannot open %s: %s", rl->t->ops->describe(rl->t),
			 strerror(-rc));
		osmo_fsm_inst_dispatch(fi, RL_EV_FAIL, reason);
		return;
	}
	rate_ctr_inc2(rl->ctrs, TB_RL_CTR_OPENS);
	LOGPFSML(fi, LOGL_INFO, "opened %s, initialising (%s profile)\n", rl->t->ops->describe(rl->t),
		 rl->profile->name);
	rl->init_step = 0;
	rl->wake_tries = 0;
	init_next(rl);
}

static bool identity_matches(const struct tetra_identity *want, const struct tetra_identity *own)
{
	switch (own->type) {
	case TETRA_ID_TSI:
		return own->mcc == want->mcc && own->mnc == want->mnc && own->ssi == want->ssi;
	case TETRA_ID_SSI:
		return own->ssi == want->ssi;
	default:
		return false;
	}
}

/* The init is done, but the terminal reports another identity than the
 * configured one: pass it over without an online event. */
static void wrong_terminal(struct osmo_fsm_inst *fi)
{
	struct tb_radio_link *rl = fi->priv;
	char own[40] = "none", want[40], reason[160];
	bool skipped;

	rate_ctr_inc2(rl->ctrs, TB_RL_CTR_WRONG_TERMINAL);
	flush_held(rl, false);
	if (rl->own.type != TETRA_ID_NONE)
		tetra_identity_print(own, sizeof(own), &rl->own);
	tetra_identity_print(want, sizeof(want), &rl->want);
	/* Identities at DEBUG only; INFO names the device. */
	LOGPFSML(fi, LOGL_DEBUG, "terminal reports identity %s, this radio is %s\n", own, want);
	skipped = tb_transport_pass_over(rl->t) == 0;
	if (skipped) {
		LOGPFSML(fi, LOGL_INFO, "tried %s: %s; trying the next one\n", rl->t->ops->describe(rl->t),
			 rl->own.type == TETRA_ID_NONE ? "it does not report its identity" :
			 "another radio's terminal (identity differs)");
		/* At once, and the backoff does not grow: this was no failure. */
		osmo_fsm_inst_state_chg(fi, RL_ST_BACKOFF, 0, 0);
		osmo_timer_schedule(&rl->backoff_timer, 0, 0);
		return;
	}
	snprintf(reason, sizeof(reason), "the terminal on %s is not this radio's: %s (match identity)",
		 rl->t->ops->describe(rl->t), rl->own.type == TETRA_ID_NONE ?
		 "it does not report its identity" : "it reports another identity");
	set_error(rl, reason);
	enter_backoff(fi);
}

static void st_init(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct tb_radio_link *rl = fi->priv;

	switch (event) {
	case RL_EV_INIT_DONE:
		if (rl->want_set && !identity_matches(&rl->want, &rl->own)) {
			wrong_terminal(fi);
			break;
		}
		osmo_fsm_inst_state_chg(fi, RL_ST_READY, tdef(TB_T_KEEPALIVE, OSMO_TDEF_S), TB_T_KEEPALIVE);
		break;
	case RL_EV_FAIL:
	case RL_EV_LINK_LOST:
		/* Without an identity to match, what the terminal said counts
		 * even if its init failed; with one, nobody knows whose it is. */
		flush_held(rl, !rl->want_set);
		set_error(rl, data);
		enter_backoff(fi);
		break;
	}
}

static void st_ready_onenter(struct osmo_fsm_inst *fi, uint32_t prev_state)
{
	struct tb_radio_link *rl = fi->priv;

	if (prev_state == RL_ST_READY)
		return;	/* keep-alive round */
	rl->up_since = time(NULL);
	rl->backoff_ms = 0;
	rl->last_error[0] = '\0';
	rl->confirmed = true;
	LOGPFSML(fi, LOGL_NOTICE, "online\n");
	tb_sds_send_link_up(rl->sds, true);
	emit_link(rl, TETRA_LINK_UP, 0);
	flush_held(rl, true);
}

static void st_ready_onleave(struct osmo_fsm_inst *fi, uint32_t next_state)
{
	struct tb_radio_link *rl = fi->priv;

	if (next_state != RL_ST_READY && rl->sds)
		tb_sds_send_link_up(rl->sds, false);
}

static void keepalive_result_cb(const struct tb_at_result *res, void *data)
{
	struct tb_radio_link *rl = data;

	if (rl->fi->state != RL_ST_READY || res->status != TB_AT_TIMEOUT)
		return;
	rate_ctr_inc2(rl->ctrs, TB_RL_CTR_KEEPALIVE_FAILURES);
	osmo_fsm_inst_dispatch(rl->fi, RL_EV_LINK_LOST,
			       (void *)"terminal stopped answering the keep-alive; resetting the link");
}

static void st_ready(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct tb_radio_link *rl = fi->priv;

	switch (event) {
	case RL_EV_FAIL:
	case RL_EV_LINK_LOST:
		rate_ctr_inc2(rl->ctrs, TB_RL_CTR_LINK_LOSSES);
		set_error(rl, data);
		rl->up_since = 0;
		emit_link(rl, TETRA_LINK_DOWN, -EPIPE);
		enter_backoff(fi);
		break;
	}
}

/* Leave for BACKOFF, waiting longer after each failure in a row. */
static void enter_backoff(struct osmo_fsm_inst *fi)
{
	struct tb_radio_link *rl = fi->priv;
	unsigned long max_ms = tdef(TB_T_BACKOFF_MAX, OSMO_TDEF_MS);

	if (rl->backoff_ms == 0)
		rl->backoff_ms = tdef(TB_T_BACKOFF_MIN, OSMO_TDEF_MS);
	else if (rl->backoff_ms < max_ms)
		rl->backoff_ms *= 2;
	if (rl->backoff_ms > max_ms)
		rl->backoff_ms = max_ms;
	rate_ctr_inc2(rl->ctrs, TB_RL_CTR_BACKOFFS);
	LOGPFSML(fi, LOGL_DEBUG, "reopening in %u ms\n", rl->backoff_ms);
	osmo_fsm_inst_state_chg(fi, RL_ST_BACKOFF, 0, 0);
	osmo_timer_schedule(&rl->backoff_timer, rl->backoff_ms / 1000, (rl->backoff_ms % 1000) * 1000);
}

static void backoff_timer_cb(void *data)
{
	struct tb_radio_link *rl = data;
	TB_LOG_RADIO_SCOPE(rl->name);
	osmo_fsm_inst_dispatch(rl->fi, RL_EV_RETRY, NULL);
}

static void st_backoff_onenter(struct osmo_fsm_inst *fi, uint32_t prev_state)
{
	struct tb_radio_link *rl = fi->priv;

	tb_transport_close(rl->t);
	tb_at_reset(rl->at);
}

static void st_backoff(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	if (event == RL_EV_RETRY)
		osmo_fsm_inst_state_chg(fi, RL_ST_INIT, 0, 0);
}

static void st_backoff_onleave(struct osmo_fsm_inst *fi, uint32_t next_state)
{
	struct tb_radio_link *rl = fi->priv;
	osmo_timer_del(&rl->backoff_timer);
}

static int rl_timer_cb(struct osmo_fsm_inst *fi)
{
	struct tb_radio_link *rl = fi->priv;
	TB_LOG_RADIO_SCOPE(rl->name);

	switch (fi->state) {
	case RL_ST_READY: {
		uint64_t timeouts = tb_ctr_get(tb_at_ctrs(rl->at), TB_AT_CTR_TIMEOUTS);
		uint64_t lines = tb_ctr_get(tb_at_ctrs(rl->at), TB_AT_CTR_LINES);

		/* Only probe an idle link: a pending command has its own timeout.
		 * A busy link (e.g. an outgoing queue retrying) whose commands
		 * timed out while the terminal printed nothing at all since the
		 * last tick is as dead as one that misses the keep-alive. */
		if (tb_at_pending(rl->at) == 0) {
			tb_at_cmd(rl->at, "AT", tdef(TB_T_AT_TIMEOUT, OSMO_TDEF_MS), keepalive_result_cb, rl);
		} else if (timeouts > rl->tick_timeouts && lines == rl->tick_lines) {
			rate_ctr_inc2(rl->ctrs, TB_RL_CTR_KEEPALIVE_FAILURES);
			osmo_fsm_inst_dispatch(fi, RL_EV_LINK_LOST,
					       (void *)"terminal stopped answering commands; resetting the link");
			break;
		}
		rl->tick_timeouts = timeouts;
		rl->tick_lines = lines;
		osmo_fsm_inst_state_chg(fi, RL_ST_READY, tdef(TB_T_KEEPALIVE, OSMO_TDEF_S), TB_T_KEEPALIVE);
		break;
	}
	}
	return 0;
}

static void rl_allstate(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct tb_radio_link *rl = fi->priv;

	if (event != RL_EV_STOP || fi->state == RL_ST_CLOSED)
		return;	/* never started, or stopped already */
	if (fi->state == RL_ST_INIT)
		flush_held(rl, !rl->want_set);
	if (fi->state == RL_ST_READY) {
		rl->up_since = 0;
		osmo_strlcpy(rl->last_error, data ? data : "stopped", sizeof(rl->last_error));
		emit_link(rl, TETRA_LINK_DOWN, 0);
	}
	osmo_fsm_inst_state_chg(fi, RL_ST_CLOSED, 0, 0);
}

#define S(x) (1 << (x))

static const struct osmo_fsm_state rl_states[] = {
	[RL_ST_CLOSED] = {
		.name = "CLOSED",
		.in_event_mask = S(RL_EV_START),
		.out_state_mask = S(RL_ST_INIT),
		.onenter = st_closed_onenter,
		.action = st_closed,
	},
	[RL_ST_INIT] = {
		.name = "INIT",
		.in_event_mask = S(RL_EV_INIT_DONE) | S(RL_EV_FAIL) | S(RL_EV_LINK_LOST),
		.out_state_mask = S(RL_ST_READY) | S(RL_ST_BACKOFF) | S(RL_ST_CLOSED),
		.onenter = st_init_onenter,
		.action = st_init,
	},
	[RL_ST_READY] = {
		.name = "READY",
		.in_event_mask = S(RL_EV_FAIL) | S(RL_EV_LINK_LOST),
		.out_state_mask = S(RL_ST_READY) | S(RL_ST_BACKOFF) | S(RL_ST_CLOSED),
		.onenter = st_ready_onenter,
		.onleave = st_ready_onleave,
		.action = st_ready,
	},
	[RL_ST_BACKOFF] = {
		.name = "BACKOFF",
		.in_event_mask = S(RL_EV_LINK_LOST) | S(RL_EV_FAIL) | S(RL_EV_RETRY),
		.out_state_mask = S(RL_ST_INIT) | S(RL_ST_CLOSED),
		.onenter = st_backoff_onenter,
		.onleave = st_backoff_onleave,
		.action = st_backoff,
	},
};

static struct osmo_fsm tb_radio_link_fsm = {
	.name = "radio",
	.states = rl_states,
	.num_states = ARRAY_SIZE(rl_states),
	.allstate_event_mask = S(RL_EV_STOP),
	.allstate_action = rl_allstate,
	.timer_cb = rl_timer_cb,
	.event_names = rl_event_names,
	.log_subsys = DRADIO,
};

static __attribute__((constructor)) void rl_fsm_register(void)
{
	OSMO_ASSERT(osmo_fsm_register(&tb_radio_link_fsm) == 0);
	osmo_tdefs_reset(tb_radio_link_tdefs);
}

static int rl_destructor(struct tb_radio_link *rl)
{
	tb_sds_send_destroy(&rl->sds);
	osmo_timer_del(&rl->backoff_timer);
	tb_transport_close(rl->t);
	if (rl->fi) {
		rl->fi->priv = NULL;
		osmo_fsm_inst_free(rl->fi);
		rl->fi = NULL;
	}
	return 0;
}

struct tb_radio_link *tb_radio_link_alloc(void *ctx, const char *name, struct tb_transport *t,
					  const struct tb_profile *profile,
					  const struct tb_radio_link_callbacks *cbs, void *data)
{
	static const struct tb_at_callbacks at_cbs = { .write = at_write_cb, .urc = at_urc_cb };
	struct tb_radio_link *rl = talloc_zero(ctx, struct tb_radio_link);

	if (!rl) {
		tb_transport_destroy(&t);	/* taken over, also when this fails */
		return NULL;
	}
	rl->name = talloc_strdup(rl, name);
	rl->t = talloc_steal(rl, t);
	rl->profile = profile ? profile : tb_profile_default();
	rl->cbs = *cbs;
	rl->cb_data = data;
	rl->own.type = TETRA_ID_NONE;
	INIT_LLIST_HEAD(&rl->held);
	osmo_timer_setup(&rl->backoff_timer, backoff_timer_cb, rl);
	rl->ctrs = tb_ctr_group_alloc(rl, &rl_ctrg_desc, name);
	rl->at = tb_at_alloc(rl, &at_cbs, rl);
	rl->fi = osmo_fsm_inst_alloc(&tb_radio_link_fsm, rl, rl, LOGL_INFO, NULL);
	if (rl->at && rl->name)
		rl->sds = tb_sds_send_alloc(rl, name, rl->at, sds_send_up_cb, rl);
	if (!rl->name || !rl->ctrs || !rl->at || !rl->fi || !rl->sds) {
		talloc_free(rl);
		return NULL;
	}
	osmo_fsm_inst_update_id_f_sanitize(rl->fi, '-', "%s", name);
	tb_at_set_name(rl->at, name);
	t->rx = transport_rx_cb;
	t->down = transport_down_cb;
	t->cb_data = rl;
	talloc_set_destructor(rl, rl_destructor);
	return rl;
}

void tb_radio_link_destroy(struct tb_radio_link **rl)
{
	if (rl)
		TALLOC_FREE(*rl);
}

void tb_radio_link_match_identity(struct tb_radio_link *rl, const struct tetra_identity *id)
{
	rl->want_set = id != NULL;
	if (id)
		rl->want = *id;
}

void tb_radio_link_start(struct tb_radio_link *rl)
{
	TB_LOG_RADIO_SCOPE(rl->name);
	osmo_fsm_inst_dispatch(rl->fi, RL_EV_START, NULL);
}

bool tb_radio_link_retry_now(struct tb_radio_link *rl)
{
	if (rl->fi->state != RL_ST_BACKOFF)
		return false;
	rl->backoff_ms = 0;
	osmo_fsm_inst_dispatch(rl->fi, RL_EV_RETRY, NULL);
	return true;
}

void tb_radio_link_stop(struct tb_radio_link *rl, const char *reason)
{
	TB_LOG_RADIO_SCOPE(rl->name);
	osmo_fsm_inst_dispatch(rl->fi, RL_EV_STOP, (void *)reason);
}

int tb_radio_link_prim_down(struct tb_radio_link *rl, const struct tetra_prim *prim)
{
	if (!prim || prim->oph.sap != TETRA_SAP_TNSDS || prim->oph.operation != PRIM_OP_REQUEST)
		return -EINVAL;
	switch (prim->oph.primitive) {
	case TETRA_TNSDS_SEND:
		return tb_sds_send_request(rl->sds, &prim->u.sds_send_req);
	case TETRA_TNSDS_SEND_RELEASE:
		tb_sds_send_release(rl->sds, prim->u.sds_send_release.handle);
		return 0;
	default:
		return -EINVAL;
	}
}

bool tb_radio_link_can_send(const struct tb_radio_link *rl)
{
	return rl->fi->state == RL_ST_READY && tb_sds_send_idle(rl->sds);
}

void tb_radio_link_set_send_tdefs(struct tb_radio_link *rl, const struct osmo_tdef *tdefs)
{
	tb_sds_send_set_tdefs(rl->sds, tdefs);
}

int tb_radio_link_cmd(struct tb_radio_link *rl, const char *cmd, tb_at_result_cb cb, void *data)
{
	if (rl->fi->state != RL_ST_READY)
		return -ENOTCONN;
	return tb_at_cmd(rl->at, cmd, tdef(TB_T_AT_TIMEOUT, OSMO_TDEF_MS), cb, data);
}

const char *tb_radio_link_state_name(const struct tb_radio_link *rl)
{
	return osmo_fsm_inst_state_name(rl->fi);
}

bool tb_radio_link_is_up(const struct tb_radio_link *rl)
{
	return rl->fi->state == RL_ST_READY;
}

time_t tb_radio_link_up_since(const struct tb_radio_link *rl)
{
	return rl->up_since;
}

const struct tetra_identity *tb_radio_link_identity(const struct tb_radio_link *rl)
{
	return &rl->own;
}

const char *tb_radio_link_last_error(const struct tb_radio_link *rl)
{
	return rl->last_error;
}

const struct rate_ctr_group *tb_radio_link_ctrs(const struct tb_radio_link *rl)
{
	return rl->ctrs;
}

struct tb_transport *tb_radio_link_transport(const struct tb_radio_link *rl)
{
	return rl->t;
}

struct tb_at_engine *tb_radio_link_at(const struct tb_radio_link *rl)
{
	return rl->at;
}
