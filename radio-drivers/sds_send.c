/* Sending one SDS through a terminal; see sds_send.h.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "radio-drivers/sds_send.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "codecs/pei_urc.h"
#include "codecs/sds_encode.h"
#include "codecs/tetra_names.h"
#include "common/logging.h"
#include "radio-drivers/at_engine.h"
#include "radio-drivers/radio_link.h"	/* the AT timeout, radio X2 */

struct osmo_tdef tb_sds_send_tdefs[] = {
	{ .T = TB_T_AIR_WAIT, .default_val = 30, .unit = OSMO_TDEF_S,
	  .desc = "Time the terminal has to report that a message it took went over the air; then it "
		  "counts as sent and the next message goes" },
	{}
};

enum ss_state {
	SS_ST_IDLE,
	SS_ST_WAIT_CTSDS,	/* AT+CTSDS written */
	SS_ST_WAIT_CMGS,	/* AT+CMGS written, the data follows the prompt */
	SS_ST_WAIT_AIR,		/* taken: waiting for "+CMGS: <inst>,<status>" */
};

enum ss_event {
	SS_EV_REQUEST,		/* data: const struct tetra_sds_send_req * */
	SS_EV_CTSDS_RESULT,	/* data: const struct tb_at_result * */
	SS_EV_CMGS_RESULT,	/* data: const struct tb_at_result * */
	SS_EV_AIR_RESULT,	/* data: const struct tetra_send_result_param * */
	SS_EV_RELEASE,		/* data: const uint64_t *handle */
};

static const struct value_string ss_event_names[] = {
	{ SS_EV_REQUEST, "REQUEST" },
	{ SS_EV_CTSDS_RESULT, "CTSDS_RESULT" },
	{ SS_EV_CMGS_RESULT, "CMGS_RESULT" },
	{ SS_EV_AIR_RESULT, "AIR_RESULT" },
	{ SS_EV_RELEASE, "RELEASE" },
	{ 0, NULL }
};

/* Only the air wait is an FSM timer; the AT commands time out in the engine. */
static const struct osmo_tdef_state_timeout ss_timeouts[32] = {
	[SS_ST_WAIT_AIR] = { .T = TB_T_AIR_WAIT },
};

struct tb_sds_send {
	struct osmo_fsm_inst *fi;
	struct tb_at_engine *at;
	bool link_up;
	tb_sds_send_up_cb up;
	void *up_data;
	const struct osmo_tdef *tdefs;

	/* The SDS in flight. */
	uint64_t handle;
	bool released;		/* nobody wants answers about it any more */
	bool submitted;		/* AT+CMGS written for it */
	int inst;		/* the terminal's SDS instance, -1: none given */
	char cmgs[48];		/* "AT+CMGS=<called>,<bits>" */
	char hex[TETRA_SDS_MAX_BYTES * 2 + 2];
};

static struct osmo_fsm tb_sds_send_fsm;

static void state_chg(struct tb_sds_send *s, enum ss_state st)
{
	osmo_tdef_fsm_inst_state_chg(s->fi, st, ss_timeouts, s->tdefs, 30);
}

/* Answer the request in flight (unless released). */
static void confirm(struct tb_sds_send *s, enum tetra_sds_send_state state, enum tetra_sds_send_cause cause,
		    int cme, int air_status, bool assumed, const char *reason)
{
	struct tetra_prim prim;
	struct tetra_sds_send_cnf *c = &prim.u.sds_send_cnf;

	if (s->released)
		return;
	memset(&prim, 0, sizeof(prim));
	osmo_prim_init(&prim.oph, TETRA_SAP_TNSDS, TETRA_TNSDS_SEND, PRIM_OP_CONFIRM, NULL);
	c->handle = s->handle;
	c->state = state;
	c->cause = cause;
	c->submitted = s->submitted;
	c->assumed = assumed;
	c->sds_inst = (int16_t)s->inst;
	c->cme = (int16_t)cme;
	c->air_status = (int16_t)air_status;
	if (reason)
		osmo_strlcpy(c->reason, reason, sizeof(c->reason));
	s->up(&prim, s->up_data);
}

/* FAILED for an AT result other than OK; back to IDLE first, so the
 * requester may send again from its confirm handler. */
static void fail_at(struct tb_sds_send *s, const struct tb_at_result *res)
{
	char why[96];
	enum tetra_sds_send_cause cause;
	int cme = -1;

	switch (res->status) {
	case TB_AT_CME_ERROR:
		cme = res->cme;
		if (res->cme == 42) {
			cause = TETRA_SDS_SEND_BUSY;
			snprintf(why, sizeof(why), "the terminal is busy transmitting");
		} else {
			cause = TETRA_SDS_SEND_REFUSED;
			snprintf(why, sizeof(why), "the terminal refused it: %s (+CME ERROR %d)",
				 tetra_cme_error_name(res->cme), res->cme);
		}
		break;
	case TB_AT_ERROR:
		cause = TETRA_SDS_SEND_REFUSED;
		snprintf(why, sizeof(why), "the terminal refused it (ERROR)");
		break;
	case TB_AT_TIMEOUT:
		cause = TETRA_SDS_SEND_NO_ANSWER;
		snprintf(why, sizeof(why), "the terminal did not answer");
		break;
	case TB_AT_LINK_DOWN:
	default:
		cause = TETRA_SDS_SEND_LINK_LOST;
		snprintf(why, sizeof(why), "the link to the terminal was lost");
		break;
	}
	state_chg(s, SS_ST_IDLE);
	confirm(s, TETRA_SDS_SEND_FAILED, cause, cme, -1, false, why);
}

/* FAILED with the cause an AT status gives, as if a command ended so. */
static void fail_status(struct tb_sds_send *s, enum tb_at_status status)
{
	struct tb_at_result res = { .status = status, .cme = -1 };

	fail_at(s, &res);
}

/* An AT command of the exchange ended. Returns true when that ends the
 * exchange too (released, or not OK); false: go on. */
static bool command_ended(struct tb_sds_send *s, const struct tb_at_result *res)
{
	if (s->released) {
		state_chg(s, SS_ST_IDLE);
		return true;
	}
	if (res->status != TB_AT_OK) {
		fail_at(s, res);
		return true;
	}
	return false;
}

static void ctsds_cb(const struct tb_at_result *res, void *data)
{
	struct tb_sds_send *s = data;

	osmo_fsm_inst_dispatch(s->fi, SS_EV_CTSDS_RESULT, (void *)res);
}

static void cmgs_cb(const struct tb_at_result *res, void *data)
{
	struct tb_sds_send *s = data;

	osmo_fsm_inst_dispatch(s->fi, SS_EV_CMGS_RESULT, (void *)res);
}

static unsigned long at_timeout_ms(void)
{
	return osmo_tdef_get(tb_radio_link_tdefs, TB_T_AT_TIMEOUT, OSMO_TDEF_MS, -1);
}

/* The terminal's SDS instance in the answer to AT+CMGS, or -1. An
 * unsolicited "<inst>,<status>" that slipped in among the answer's lines
 * is another SDS's air result, not this answer. */
static int taken_instance(const struct tb_at_result *res)
{
	for (unsigned i = 0; i < res->n_info; i++) {
		struct tetra_prim p;

		if (tetra_pei_decode(res->info[i], strlen(res->info[i]), NULL, 0, &p) != TETRA_OK ||
		    p.oph.sap != TETRA_SAP_TNSDS || p.oph.primitive != TETRA_TNSDS_SEND_RESULT ||
		    p.u.send_result.has_status)
			continue;
		return p.u.send_result.sds_inst;
	}
	return -1;
}

/* ---- states ------------------------------------------------------------------ */

static void st_idle(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct tb_sds_send *s = fi->priv;
	const struct tetra_sds_send_req *req = data;
	const struct tetra_identity *to = &req->to;
	struct tetra_sds_pdu pdu;
	char called[24], ctsds[48];

	OSMO_ASSERT(event == SS_EV_REQUEST);
	if (to->type == TETRA_ID_TSI)
		snprintf(called, sizeof(called), "%04u%05u%08u", to->mcc, to->mnc, (unsigned)to->ssi);
	else
		snprintf(called, sizeof(called), "%u", (unsigned)to->ssi);
	snprintf(s->cmgs, sizeof(s->cmgs), "AT+CMGS=%s,%u", called, req->bits);
	pdu.bits = req->bits;
	memcpy(pdu.data, req->data, sizeof(pdu.data));
	OSMO_ASSERT(tetra_sds_hex(&pdu, s->hex, sizeof(s->hex)) > 0);	/* checked by the request */
	if (req->ai_service == TETRA_AI_STATUS)
		snprintf(ctsds, sizeof(ctsds), "AT+CTSDS=13,%u", to->type == TETRA_ID_TSI ? 1 : 0);
	else
		snprintf(ctsds, sizeof(ctsds), "AT+CTSDS=12,%u,0,0,1", to->type == TETRA_ID_TSI ? 1 : 0);

	s->handle = req->handle;
	s->released = false;
	s->submitted = false;
	s->inst = -1;
	state_chg(s, SS_ST_WAIT_CTSDS);
	/* A write that fails at once answers LINK_DOWN from inside tb_at_cmd(). */
	if (tb_at_cmd(s->at, ctsds, at_timeout_ms(), ctsds_cb, s) < 0)
		fail_status(s, TB_AT_TIMEOUT);
}

static void st_wait_ctsds(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct tb_sds_send *s = fi->priv;
	const struct tb_at_result *res = data;

	switch (event) {
	case SS_EV_CTSDS_RESULT:
		if (command_ended(s, res))
			return;
		if (!s->link_up) {
			fail_status(s, TB_AT_LINK_DOWN);
			return;
		}
		s->submitted = true;
		state_chg(s, SS_ST_WAIT_CMGS);
		if (tb_at_cmd_data(s->at, s->cmgs, s->hex, strlen(s->hex), at_timeout_ms(), cmgs_cb, s) < 0)
			fail_status(s, TB_AT_TIMEOUT);
		return;
	case SS_EV_RELEASE:
		s->released = true;	/* the command's answer ends it */
		return;
	}
}

static void st_wait_cmgs(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct tb_sds_send *s = fi->priv;
	const struct tb_at_result *res = data;

	switch (event) {
	case SS_EV_CMGS_RESULT:
		if (command_ended(s, res))
			return;
		s->inst = taken_instance(res);
		LOGPFSML(fi, LOGL_DEBUG, "taken by the terminal (instance %d)\n", s->inst);
		state_chg(s, SS_ST_WAIT_AIR);
		confirm(s, TETRA_SDS_SEND_TAKEN, TETRA_SDS_SEND_OK, -1, -1, false, NULL);
		return;
	case SS_EV_RELEASE:
		s->released = true;
		return;
	}
}

static void st_wait_air(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct tb_sds_send *s = fi->priv;
	const struct tetra_send_result_param *p = data;
	char why[96];

	switch (event) {
	case SS_EV_AIR_RESULT:
		if (!p->has_status || s->inst < 0 || p->sds_inst != s->inst) {
			LOGPFSML(fi, LOGL_DEBUG, "send result of instance %u: not the SDS in flight\n", p->sds_inst);
			return;
		}
		state_chg(s, SS_ST_IDLE);
		if (p->status == 4) {
			confirm(s, TETRA_SDS_SEND_SENT, TETRA_SDS_SEND_OK, -1, -1, false, NULL);
			return;
		}
		if (p->status == 5)
			snprintf(why, sizeof(why), "the terminal could not send it over the air");
		else
			snprintf(why, sizeof(why), "the terminal could not send it over the air (status %u)",
				 p->status);
		confirm(s, TETRA_SDS_SEND_FAILED, TETRA_SDS_SEND_AIR_FAILED, -1, p->status, false, why);
		return;
	case SS_EV_RELEASE:
		state_chg(s, SS_ST_IDLE);
		return;
	}
}

static void st_idle_onenter(struct osmo_fsm_inst *fi, uint32_t prev_state)
{
	struct tb_sds_send *s = fi->priv;

	s->released = false;
}

static int ss_timer_cb(struct osmo_fsm_inst *fi)
{
	struct tb_sds_send *s = fi->priv;
	char why[96];

	/* WAIT_AIR only: a terminal that never reports the air send. The
	 * requester says which message at NOTICE. */
	LOGPFSML(fi, LOGL_DEBUG, "the terminal did not say within %lu s whether an SDS it took went over "
		 "the air; counted as sent\n", osmo_tdef_get(s->tdefs, TB_T_AIR_WAIT, OSMO_TDEF_S, -1));
	snprintf(why, sizeof(why), "the terminal did not say within %lu s whether it went over the air",
		 osmo_tdef_get(s->tdefs, TB_T_AIR_WAIT, OSMO_TDEF_S, -1));
	state_chg(s, SS_ST_IDLE);
	confirm(s, TETRA_SDS_SEND_SENT, TETRA_SDS_SEND_OK, -1, -1, true, why);
	return 0;
}

#define S(x) (1 << (x))

static const struct osmo_fsm_state ss_states[] = {
	[SS_ST_IDLE] = {
		.name = "IDLE",
		.in_event_mask = S(SS_EV_REQUEST),
		.out_state_mask = S(SS_ST_WAIT_CTSDS) | S(SS_ST_IDLE),
		.onenter = st_idle_onenter,
		.action = st_idle,
	},
	[SS_ST_WAIT_CTSDS] = {
		.name = "WAIT_CTSDS",
		.in_event_mask = S(SS_EV_CTSDS_RESULT) | S(SS_EV_RELEASE),
		.out_state_mask = S(SS_ST_WAIT_CMGS) | S(SS_ST_IDLE),
		.action = st_wait_ctsds,
	},
	[SS_ST_WAIT_CMGS] = {
		.name = "WAIT_CMGS",
		.in_event_mask = S(SS_EV_CMGS_RESULT) | S(SS_EV_RELEASE),
		.out_state_mask = S(SS_ST_WAIT_AIR) | S(SS_ST_IDLE),
		.action = st_wait_cmgs,
	},
	[SS_ST_WAIT_AIR] = {
		.name = "WAIT_AIR",
		.in_event_mask = S(SS_EV_AIR_RESULT) | S(SS_EV_RELEASE),
		.out_state_mask = S(SS_ST_IDLE),
		.action = st_wait_air,
	},
};

static struct osmo_fsm tb_sds_send_fsm = {
	.name = "sds_send",
	.states = ss_states,
	.num_states = ARRAY_SIZE(ss_states),
	.timer_cb = ss_timer_cb,
	.event_names = ss_event_names,
	.log_subsys = DSDS,
};

static __attribute__((constructor)) void ss_fsm_register(void)
{
	OSMO_ASSERT(osmo_fsm_register(&tb_sds_send_fsm) == 0);
	osmo_tdefs_reset(tb_sds_send_tdefs);
}

/* ---- API ---------------------------------------------------------------------- */

static int ss_destructor(struct tb_sds_send *s)
{
	tb_at_forget(s->at, s);
	if (s->fi) {
		s->fi->priv = NULL;
		osmo_fsm_inst_free(s->fi);
		s->fi = NULL;
	}
	return 0;
}

struct tb_sds_send *tb_sds_send_alloc(void *ctx, const char *name, struct tb_at_engine *at,
				      tb_sds_send_up_cb up, void *up_data)
{
	struct tb_sds_send *s = talloc_zero(ctx, struct tb_sds_send);

	if (!s)
		return NULL;
	s->at = at;
	s->up = up;
	s->up_data = up_data;
	s->tdefs = tb_sds_send_tdefs;
	s->inst = -1;
	/* Transitions at DEBUG: one SDS makes four. */
	s->fi = osmo_fsm_inst_alloc(&tb_sds_send_fsm, s, s, LOGL_DEBUG, NULL);
	if (!s->fi) {
		talloc_free(s);
		return NULL;
	}
	osmo_fsm_inst_update_id_f_sanitize(s->fi, '-', "%s", name ? name : "");
	talloc_set_destructor(s, ss_destructor);
	return s;
}

void tb_sds_send_destroy(struct tb_sds_send **s)
{
	if (s)
		TALLOC_FREE(*s);
}

void tb_sds_send_set_tdefs(struct tb_sds_send *s, const struct osmo_tdef *tdefs)
{
	s->tdefs = tdefs ? tdefs : tb_sds_send_tdefs;
}

int tb_sds_send_request(struct tb_sds_send *s, const struct tetra_sds_send_req *req)
{
	if (!req || (req->to.type != TETRA_ID_SSI && req->to.type != TETRA_ID_TSI) ||
	    (req->ai_service != TETRA_AI_STATUS && req->ai_service != TETRA_AI_SDS_TYPE4) || req->bits == 0 ||
	    req->bits > 8 * TETRA_SDS_MAX_BYTES)
		return -EINVAL;
	if (s->fi->state != SS_ST_IDLE)
		return -EBUSY;
	if (!s->link_up)
		return -ENOTCONN;
	osmo_fsm_inst_dispatch(s->fi, SS_EV_REQUEST, (void *)req);
	return 0;
}

void tb_sds_send_release(struct tb_sds_send *s, uint64_t handle)
{
	if (s->fi->state == SS_ST_IDLE || handle != s->handle)
		return;
	osmo_fsm_inst_dispatch(s->fi, SS_EV_RELEASE, &handle);
}

void tb_sds_send_air_result(struct tb_sds_send *s, const struct tetra_send_result_param *p)
{
	if (s->fi->state == SS_ST_WAIT_AIR)
		osmo_fsm_inst_dispatch(s->fi, SS_EV_AIR_RESULT, (void *)p);
}

void tb_sds_send_link_up(struct tb_sds_send *s, bool up)
{
	s->link_up = up;
	/* Taken, but the link broke before the terminal said whether it went
	 * over the air: what it prints while the link is down is lost, so
	 * waiting on would only hold up the next SDS. Counted as sent, as
	 * when the air wait runs out. */
	if (!up && s->fi->state == SS_ST_WAIT_AIR) {
		state_chg(s, SS_ST_IDLE);
		confirm(s, TETRA_SDS_SEND_SENT, TETRA_SDS_SEND_OK, -1, -1, true,
			"the link to the terminal was lost before it said whether the message went over the air");
	}
}

bool tb_sds_send_idle(const struct tb_sds_send *s)
{
	return s->fi->state == SS_ST_IDLE;
}
