/* One terminal's PEI link as an osmo_fsm; see radio_link.h.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "radio-drivers/radio_link.h"

#include <errno.h>
#include <string.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "codecs/pei_urc.h"
#include "common/logging.h"

struct osmo_tdef tb_radio_link_tdefs[] = {
	{ .T = TB_T_KEEPALIVE, .default_val = 15, .unit = OSMO_TDEF_S,
	  .desc = "Keep-alive interval: an AT is sent this often; no answer means the link is dead" },
	{ .T = TB_T_AT_TIMEOUT, .default_val = 3000, .unit = OSMO_TDEF_MS,
	  .desc = "Time a terminal has to answer one AT command" },
	{ .T = TB_T_BACKOFF_MIN, .default_val = 500, .unit = OSMO_TDEF_MS,
	  .desc = "First delay before reopening a failed link (doubles per failure)" },
	{ .T = TB_T_BACKOFF_MAX, .default_val = 30, .unit = OSMO_TDEF_S,
	  .desc = "Longest delay between reopen attempts" },
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
};

static const struct value_string rl_event_names[] = {
	{ RL_EV_START, "START" },
	{ RL_EV_STOP, "STOP" },
	{ RL_EV_INIT_DONE, "INIT_DONE" },
	{ RL_EV_FAIL, "FAIL" },
	{ RL_EV_LINK_LOST, "LINK_LOST" },
	{ 0, NULL }
};

struct tb_radio_link {
	struct osmo_fsm_inst *fi;
	char *name;
	struct tb_transport *t;
	struct tb_at_engine *at;
	const struct tb_profile *profile;
	struct tb_radio_link_callbacks cbs;
	void *cb_data;

	unsigned init_step;
	unsigned backoff_ms;
	time_t up_since;
	struct tetra_identity own;
	char last_error[128];
	struct tb_radio_link_stats stats;
};

static struct osmo_fsm tb_radio_link_fsm;

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

static void at_urc_cb(const char *line, size_t len, const char *data_line, size_t data_len, void *data)
{
	struct tb_radio_link *rl = data;
	struct tetra_prim prim;
	int rc;

	rc = tetra_pei_decode(line, len, data_line, data_len, &prim);
	if (rc < 0) {
		/* The result code's name is not health data; its fields are. */
		size_t name_len = 0;
		while (name_len < len && name_len < 12 && line[name_len] != ':')
			name_len++;
		if (rc == TETRA_E_UNKNOWN_URC)
			rl->stats.unknown_urcs++;
		else
			rl->stats.decode_errors++;
		LOGPFSML(rl->fi, LOGL_DEBUG, "cannot decode %.*s: %s\n", (int)name_len, line,
			 tetra_codec_strerror(rc));
		return;
	}
	rl->stats.urcs++;
	if (prim.oph.sap == TETRA_SAP_TNMM && prim.oph.primitive == TETRA_TNMM_OWN_IDENTITY)
		rl->own = prim.u.own_identity.id;
	rl->cbs.prim(rl, &prim, rl->cb_data);
}

static void transport_rx_cb(struct tb_transport *t, const uint8_t *buf, size_t len, void *data)
{
	struct tb_radio_link *rl = data;
	tb_at_feed(rl->at, buf, len);
}

static void transport_down_cb(struct tb_transport *t, int err, void *data)
{
	struct tb_radio_link *rl = data;
	char reason[96];
	snprintf(reason, sizeof(reason), "link lost: %s", strerror(-err));
	osmo_fsm_inst_dispatch(rl->fi, RL_EV_LINK_LOST, reason);
}

/* ---- init sequence ------------------------------------------------------ */

static void init_next(struct tb_radio_link *rl);
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
		for (unsigned i = 0; i < res->n_info; i++) {
			struct tetra_prim prim;
			if (tetra_pei_decode(res->info[i], strlen(res->info[i]), NULL, 0, &prim) == 0 &&
			    prim.oph.sap == TETRA_SAP_TNMM)
				rl->own = prim.u.own_identity.id;
		}
		break;
	case TB_AT_TIMEOUT:
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

static void init_next(struct tb_radio_link *rl)
{
	const struct tb_init_step *step = &rl->profile->init[rl->init_step];
	int rc;

	if (!step->cmd) {
		osmo_fsm_inst_dispatch(rl->fi, RL_EV_INIT_DONE, NULL);
		return;
	}
	rc = tb_at_cmd(rl->at, step->cmd, tdef(TB_T_AT_TIMEOUT, OSMO_TDEF_MS), init_result_cb, rl);
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
	rc = tb_transport_open(rl->t);
	if (rc < 0) {
		rl->stats.open_failures++;
		snprintf(reason, sizeof(reason), "cannot open %s: %s", rl->t->ops->describe(rl->t),
			 strerror(-rc));
		osmo_fsm_inst_dispatch(fi, RL_EV_FAIL, reason);
		return;
	}
	rl->stats.opens++;
	LOGPFSML(fi, LOGL_INFO, "opened %s, initialising (%s profile)\n", rl->t->ops->describe(rl->t),
		 rl->profile->name);
	rl->init_step = 0;
	init_next(rl);
}

static void st_init(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	switch (event) {
	case RL_EV_INIT_DONE:
		osmo_fsm_inst_state_chg(fi, RL_ST_READY, tdef(TB_T_KEEPALIVE, OSMO_TDEF_S), TB_T_KEEPALIVE);
		break;
	case RL_EV_FAIL:
	case RL_EV_LINK_LOST:
		set_error(fi->priv, data);
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
	LOGPFSML(fi, LOGL_NOTICE, "online\n");
	emit_link(rl, TETRA_LINK_UP, 0);
}

static void keepalive_result_cb(const struct tb_at_result *res, void *data)
{
	struct tb_radio_link *rl = data;

	if (rl->fi->state != RL_ST_READY || res->status != TB_AT_TIMEOUT)
		return;
	rl->stats.keepalive_failures++;
	osmo_fsm_inst_dispatch(rl->fi, RL_EV_LINK_LOST,
			       (void *)"terminal stopped answering the keep-alive; resetting the link");
}

static void st_ready(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct tb_radio_link *rl = fi->priv;

	switch (event) {
	case RL_EV_FAIL:
	case RL_EV_LINK_LOST:
		rl->stats.link_losses++;
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
	LOGPFSML(fi, LOGL_DEBUG, "reopening in %u ms\n", rl->backoff_ms);
	osmo_fsm_inst_state_chg_ms(fi, RL_ST_BACKOFF, rl->backoff_ms, 0);
}

static void st_backoff_onenter(struct osmo_fsm_inst *fi, uint32_t prev_state)
{
	struct tb_radio_link *rl = fi->priv;

	tb_transport_close(rl->t);
	tb_at_reset(rl->at);
}

static void st_backoff(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
}

static int rl_timer_cb(struct osmo_fsm_inst *fi)
{
	struct tb_radio_link *rl = fi->priv;

	switch (fi->state) {
	case RL_ST_READY:
		/* Only probe an idle link: a pending command has its own timeout. */
		if (tb_at_pending(rl->at) == 0)
			tb_at_cmd(rl->at, "AT", tdef(TB_T_AT_TIMEOUT, OSMO_TDEF_MS), keepalive_result_cb, rl);
		osmo_fsm_inst_state_chg(fi, RL_ST_READY, tdef(TB_T_KEEPALIVE, OSMO_TDEF_S), TB_T_KEEPALIVE);
		break;
	case RL_ST_BACKOFF:
		osmo_fsm_inst_state_chg(fi, RL_ST_INIT, 0, 0);
		break;
	}
	return 0;
}

static void rl_allstate(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct tb_radio_link *rl = fi->priv;

	if (event != RL_EV_STOP)
		return;
	if (fi->state == RL_ST_READY) {
		rl->up_since = 0;
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
		.action = st_ready,
	},
	[RL_ST_BACKOFF] = {
		.name = "BACKOFF",
		.in_event_mask = S(RL_EV_LINK_LOST) | S(RL_EV_FAIL),
		.out_state_mask = S(RL_ST_INIT) | S(RL_ST_CLOSED),
		.onenter = st_backoff_onenter,
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

	if (!rl)
		return NULL;
	rl->name = talloc_strdup(rl, name);
	rl->t = talloc_steal(rl, t);
	rl->profile = profile ? profile : tb_profile_default();
	rl->cbs = *cbs;
	rl->cb_data = data;
	rl->own.type = TETRA_ID_NONE;
	rl->at = tb_at_alloc(rl, &at_cbs, rl);
	rl->fi = osmo_fsm_inst_alloc(&tb_radio_link_fsm, rl, rl, LOGL_INFO, NULL);
	if (!rl->name || !rl->at || !rl->fi) {
		talloc_free(rl);
		return NULL;
	}
	osmo_fsm_inst_update_id_f_sanitize(rl->fi, '-', "%s", name);
	t->rx = transport_rx_cb;
	t->down = transport_down_cb;
	t->cb_data = rl;
	talloc_set_destructor(rl, rl_destructor);
	return rl;
}

void tb_radio_link_start(struct tb_radio_link *rl)
{
	osmo_fsm_inst_dispatch(rl->fi, RL_EV_START, NULL);
}

void tb_radio_link_stop(struct tb_radio_link *rl)
{
	osmo_fsm_inst_dispatch(rl->fi, RL_EV_STOP, NULL);
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

const struct tb_radio_link_stats *tb_radio_link_stats(const struct tb_radio_link *rl)
{
	return &rl->stats;
}

struct tb_transport *tb_radio_link_transport(const struct tb_radio_link *rl)
{
	return rl->t;
}

struct tb_at_engine *tb_radio_link_at(const struct tb_radio_link *rl)
{
	return rl->at;
}
