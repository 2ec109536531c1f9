/* `show callouts` in the VTY: the board as an operator checks it at a
 * glance. Ids, states, severities and counts only: no call-out text, no
 * identities (the telnet session may be logged).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>
#include <osmocom/core/fsm.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "bridge/bridge.h"
#include "bridge/callout_config.h"
#include "bridge/callout_int.h"
#include "bridge/callout_vty.h"

static void show_one(struct vty *vty, const struct tb_callout *co)
{
	const struct tb_callout_config *cfg = co->t->bridge->callout_cfg;
	unsigned by_state[TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_STOOD_DOWN + 1] = { 0 };
	const struct tb_responder *r;
	uint64_t now = tb_callout_now_us();
	unsigned accepted = 0;

	llist_for_each_entry(r, &co->responders, entry) {
		if (r->fi->state < sizeof(by_state) / sizeof(by_state[0]))
			by_state[r->fi->state]++;
		accepted += tb_rstate_accepted(r->fi->state);
	}
	vty_out(vty, "call-out %" PRIu64 ": %s, %s (%u), radio %s, %s, %u of %u accepted, level %u%s%s%s%s%s",
		co->id, tb_cstate_name(co->fi->state), tb_severity_name(cfg, co->severity), co->severity, co->radio,
		co->method == TETRABRIDGE__V1__ALERT_METHOD__ALERT_CALLOUT ? "call-out PDU" : "text", accepted,
		co->required, co->level, co->escalated ? ", escalated" : "", co->overdue ? ", OVERDUE" : "",
		co->alarm ? ", ALARM" : "", co->test ? ", test" : "", VTY_NEWLINE);
	vty_out(vty, "  open for %" PRIu64 " s", ((co->closed_us ? co->closed_us : now) - co->created_us) / 1000000u);
	if (co->answer_deadline_us > now)
		vty_out(vty, ", answer deadline in %" PRIu64 " s", (co->answer_deadline_us - now) / 1000000u);
	if (co->has_air_number)
		vty_out(vty, ", call-out number %u", co->air_number);
	vty_out(vty, "%s  responders:", VTY_NEWLINE);
	for (unsigned s = 0; s < sizeof(by_state) / sizeof(by_state[0]); s++)
		if (by_state[s])
			vty_out(vty, " %u %s", by_state[s], tb_rstate_name(s));
	vty_out(vty, "%s", VTY_NEWLINE);
}

DEFUN(show_callouts, show_callouts_cmd, "show callouts",
      SHOW_STR "Call-outs on the board: state, severity, responders by state, flags\n")
{
	struct tb_callout_tracker *t = g_bridge->callouts;
	struct tb_callout_stats st;
	const struct tb_callout *co;

	if (!t) {
		vty_out(vty, "call-outs are not tracked (the journal is not open)%s", VTY_NEWLINE);
		return CMD_SUCCESS;
	}
	tb_callout_stats(t, &st);
	vty_out(vty, "%u call-out(s) open, %u on the board; %u escalated, %u alarm(s), %u overdue%s", st.open,
		st.on_board, st.escalated, st.alarms, st.overdue, VTY_NEWLINE);
	vty_out(vty, "since start: %" PRIu64 " created, %" PRIu64 " changes, %" PRIu64 " inputs refused by state, %"
		PRIu64 " unmatched answers%s", st.created, st.transitions, st.refused_inputs, st.unmatched,
		VTY_NEWLINE);
	llist_for_each_entry(co, tb_callout_board(t), entry)
		show_one(vty, co);
	return CMD_SUCCESS;
}

void tb_callout_vty_init(void)
{
	install_element_ve(&show_callouts_cmd);
}
