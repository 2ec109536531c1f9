/* A call-out as a whole: an osmo_fsm whose states are the proto's
 * CalloutState.
 *
 *   OPEN -> STAFFED (required accepted) -> ON_SCENE (a responder on scene)
 *   STAFFED -> OPEN (an accepted responder declined after all)
 *   OPEN -> ON_SCENE (on scene before `required` accepted)
 *   any open state -> CLOSED (with an outcome) / CANCELLED
 *
 * The answer deadline is this FSM's timer in state OPEN (X20, or the
 * severity's / the plan level's deadline): when it runs out the tracker
 * escalates (bridge/callout.c). The flags escalated, overdue and alarm are
 * not states: they are set beside the state.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/utils.h>

#include "bridge/callout_config.h"
#include "bridge/callout_int.h"
#include "common/logging.h"

#define CST(x) TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_##x
#define S(x) (1u << (x))

static const struct value_string c_event_names[] = {
	{ C_EV_STAFFED, "STAFFED" },
	{ C_EV_UNSTAFFED, "UNSTAFFED" },
	{ C_EV_ON_SCENE, "ON_SCENE" },
	{ C_EV_CLOSE, "CLOSE" },
	{ C_EV_CANCEL, "CANCEL" },
	{ 0, NULL }
};

void tb_callout_fsm_state_until(struct osmo_fsm_inst *fi, uint32_t state, uint64_t deadline_us, int T)
{
	uint64_t now = tb_callout_now_us();
	uint64_t ms = deadline_us > now ? (deadline_us - now + 999) / 1000 : 1;
	uint32_t t = (uint32_t)(ms > UINT32_MAX ? UINT32_MAX : ms);

	/* libosmocore 1.7's state_chg_ms takes the part below one second as
	 * microseconds, so the timer fired up to 1 s early (a deadline
	 * restored after a restart, a wait re-entered mid-way): arm the FSM's
	 * timer again, to the millisecond. */
	if (osmo_fsm_inst_state_chg_ms(fi, state, t, T) == 0)
		osmo_timer_schedule(&fi->timer, t / 1000, (t % 1000) * 1000);
}

/* Enter state; in OPEN the answer deadline runs (when one is set). */
static void enter(struct tb_callout *co, tb_cstate state)
{
	if (state == CST(OPEN) && co->answer_deadline_us)
		tb_callout_fsm_state_until(co->fi, state, co->answer_deadline_us, TB_T_ANSWER_DEADLINE);
	else
		osmo_fsm_inst_state_chg(co->fi, state, 0, 0);
}

static void c_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	static const tb_cstate by_event[] = {
		[C_EV_STAFFED] = CST(STAFFED),
		[C_EV_UNSTAFFED] = CST(OPEN),
		[C_EV_ON_SCENE] = CST(ON_SCENE),
		[C_EV_CLOSE] = CST(CLOSED),
		[C_EV_CANCEL] = CST(CANCELLED),
	};
	struct tb_callout *co = fi->priv;
	const struct tb_c_input *in = data;
	tb_cstate old = fi->state;

	enter(co, by_event[event]);
	tb_callout_state_changed(co, old, in);
}

static int c_timer_cb(struct osmo_fsm_inst *fi)
{
	struct tb_callout *co = fi->priv;

	co->answer_deadline_us = 0;
	tb_callout_deadline_passed(co);
	return 0;
}

#define ENDS (S(C_EV_CLOSE) | S(C_EV_CANCEL))
#define TO_ENDS (S(CST(CLOSED)) | S(CST(CANCELLED)))

static const struct osmo_fsm_state c_states[] = {
	[CST(OPEN)] = {
		.name = "OPEN",
		.in_event_mask = S(C_EV_STAFFED) | S(C_EV_ON_SCENE) | ENDS,
		/* OPEN again: the next level's deadline */
		.out_state_mask = S(CST(OPEN)) | S(CST(STAFFED)) | S(CST(ON_SCENE)) | TO_ENDS,
		.action = c_action,
	},
	[CST(STAFFED)] = {
		.name = "STAFFED",
		.in_event_mask = S(C_EV_UNSTAFFED) | S(C_EV_ON_SCENE) | ENDS,
		.out_state_mask = S(CST(OPEN)) | S(CST(ON_SCENE)) | TO_ENDS,
		.action = c_action,
	},
	[CST(ON_SCENE)] = {
		.name = "ON_SCENE",
		.in_event_mask = ENDS,
		.out_state_mask = TO_ENDS,
		.action = c_action,
	},
	[CST(CLOSED)] = {
		.name = "CLOSED",
	},
	[CST(CANCELLED)] = {
		.name = "CANCELLED",
	},
};

static struct osmo_fsm callout_fsm = {
	.name = "callout",
	.states = c_states,
	.num_states = ARRAY_SIZE(c_states),
	.event_names = c_event_names,
	.timer_cb = c_timer_cb,
	.log_subsys = DCALLOUT,
};

void tb_callout_fsm_init(void)
{
	OSMO_ASSERT(osmo_fsm_register(&callout_fsm) == 0);
}

int tb_callout_fsm_alloc(struct tb_callout *co)
{
	co->fi = osmo_fsm_inst_alloc(&callout_fsm, co, co, LOGL_DEBUG, NULL);
	if (!co->fi)
		return -ENOMEM;
	osmo_fsm_inst_update_id_f(co->fi, "co%" PRIu64, co->id);
	return 0;
}

void tb_callout_fsm_restore(struct tb_callout *co, tb_cstate state)
{
	enter(co, state);
}

void tb_callout_arm_deadline(struct tb_callout *co)
{
	if (co->fi->state == CST(OPEN))
		enter(co, CST(OPEN));
}

int tb_callout_input(struct tb_callout *co, enum tb_c_event ev, const struct tb_c_input *in)
{
	if (!(c_states[co->fi->state].in_event_mask & S(ev))) {
		rate_ctr_inc2(co->t->ctrs, TB_CALLOUT_CTR_REFUSED_INPUTS);
		LOGPFSML(co->fi, LOGL_DEBUG, "event %s refused in state %s\n", get_value_string(c_event_names, ev),
			 osmo_fsm_inst_state_name(co->fi));
		return -EPERM;
	}
	return osmo_fsm_inst_dispatch(co->fi, ev, (void *)in) < 0 ? -EPERM : 0;
}
