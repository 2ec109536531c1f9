/* The callout node of the VTY: how call-outs are alerted and escalated
 * (bridge/callout_config.h has the syntax), and `show callout config`.
 *
 * What refers to something given elsewhere (a severity's plan, a plan's
 * responders in the roster, a plan's earlier levels) is checked at once on
 * the telnet VTY, and once the whole file is read when it comes from the
 * config file (bridge/config_check.c), so that the file may give them in
 * any order.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/vty.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/utils.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "bridge/bridge.h"
#include "bridge/callout_config.h"
#include "bridge/config_check.h"
#include "bridge/roster.h"
#include "common/config_file.h"
#include "codecs/text.h"

/* Responders a written plan line holds: 12 of at most 28 bytes keep it
 * well inside the 510 a config line may have. */
#define RESPONDERS_PER_LINE 12

static struct cmd_node callout_node = { .node = CALLOUT_NODE, .prompt = "%s(config-callout)# ", .vtysh = 1 };

static struct tb_callout_config *cfg(void)
{
	return g_bridge->callout_cfg;
}

/* In the config file each setting is given once (as in the bridge node). */
static bool given_twice(struct vty *vty, enum tb_config_setting s, const char *what)
{
	unsigned first = tb_config_note(cfg(), s);

	if (!first)
		return false;
	vty_out(vty, "%% callout '%s' is given on line %u already; give it once (the second would replace the "
		"first without a word)%s", what, first, VTY_NEWLINE);
	return true;
}

DEFUN(cfg_callout, cfg_callout_cmd, "callout",
      "Call-outs: alert method, severities, escalation plans\n")
{
	vty->node = CALLOUT_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_callout_method, cfg_callout_method_cmd, "alert-method (text|callout)",
      "How responders are alerted unless a call-out says otherwise\n"
      "An SDS-TL text asking for received and consumed reports (every terminal)\n"
      "The TCCA Simple Call-Out service, PID 195 (terminals that have it)\n")
{
	if (given_twice(vty, TB_CFG_CALLOUT_METHOD, "alert-method"))
		return CMD_WARNING;
	cfg()->method = tb_alert_method_by_name(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_callout_required, cfg_callout_required_cmd, "required <1-64>",
      "How many responders must accept unless a call-out says otherwise\n" "Responders\n")
{
	if (given_twice(vty, TB_CFG_CALLOUT_REQUIRED, "required"))
		return CMD_WARNING;
	cfg()->required = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_callout_realerts, cfg_callout_realerts_cmd, "realerts <0-10>",
      "How often a responder without an answer is alerted again before 'no answer' (timer callout X23 apart)\n"
      "Times\n")
{
	if (given_twice(vty, TB_CFG_CALLOUT_REALERTS, "realerts"))
		return CMD_WARNING;
	cfg()->realerts = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_callout_retention, cfg_callout_retention_cmd, "retention days <1-36500>",
      "How long call-out texts, notes and positions are kept (health data)\n" "By age\n" "Days\n")
{
	if (given_twice(vty, TB_CFG_CALLOUT_RETENTION, "retention days"))
		return CMD_WARNING;
	cfg()->retention_days = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_callout_board_keep, cfg_callout_board_keep_cmd, "board-keep <0-86400>",
      "How long a closed call-out stays on the board\n" "Seconds\n")
{
	if (given_twice(vty, TB_CFG_CALLOUT_BOARD_KEEP, "board-keep"))
		return CMD_WARNING;
	cfg()->board_keep_s = atoi(argv[0]);
	return CMD_SUCCESS;
}

/* ---- severities -------------------------------------------------------------- */

/* A number of seconds in [lo, hi] for option opt; -1 (said why) if not. */
static long seconds_arg(struct vty *vty, const char *opt, const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < lo || v > hi) {
		vty_out(vty, "%% %s '%s' is not %ld-%ld seconds%s", opt, s, lo, hi, VTY_NEWLINE);
		return -1;
	}
	return v;
}

static bool severity_name_valid(const char *s)
{
	size_t len = strlen(s);

	if (!len || len > TB_CALLOUT_NAME_MAX || !tetra_utf8_valid(s, len))
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return false;
	return true;
}

DEFUN(cfg_callout_severity, cfg_callout_severity_cmd, "severity <1-15> name NAME",
      "A severity a call-out is created with (1-15)\n" "The severity\n" "Its name in call-outs and reports\n"
      "The name, one word, e.g. red\n")
{
	struct tb_severity *sev = &cfg()->severity[atoi(argv[0])];
	struct tb_severity next = { .configured = true, .line = tb_config_file_line() };
	int other;

	if (sev->configured && next.line) {
		vty_out(vty, "%% severity %s is given on line %u already; give each severity once%s", argv[0], sev->line,
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (!severity_name_valid(argv[1])) {
		vty_out(vty, "%% severity name '%s' is not one word of UTF-8 text of at most %u bytes%s", argv[1],
			TB_CALLOUT_NAME_MAX, VTY_NEWLINE);
		return CMD_WARNING;
	}
	other = tb_severity_by_name(cfg(), argv[1]);
	if (other > 0 && other != atoi(argv[0])) {
		vty_out(vty, "%% the name %s is severity %d's already; give each severity a name of its own%s", argv[1],
			other, VTY_NEWLINE);
		return CMD_WARNING;
	}
	/* The options, each at most once, in any order. */
	for (int i = 2; i < argc; i += 2) {
		const char *opt = argv[i];
		long v;

		if (i + 1 >= argc || (strcmp(opt, "deadline") && strcmp(opt, "on-scene") && strcmp(opt, "plan"))) {
			vty_out(vty, "%% severity: '%s' is not an option with its value; give deadline <10-86400>, "
				"on-scene <0-86400> or plan NAME%s", opt, VTY_NEWLINE);
			return CMD_WARNING;
		}
		if ((!strcmp(opt, "deadline") && next.deadline_s) || (!strcmp(opt, "on-scene") && next.on_scene_set) ||
		    (!strcmp(opt, "plan") && next.plan)) {
			vty_out(vty, "%% severity: %s is given twice on the line; give it once%s", opt, VTY_NEWLINE);
			return CMD_WARNING;
		}
		if (!strcmp(opt, "plan")) {
			/* From the file, the plan may come later: config_check.c. */
			if (!next.line && !tb_callout_plan(cfg(), argv[i + 1])) {
				vty_out(vty, "%% severity: plan %s is not configured; give its levels first (plan %s "
					"level 1 deadline SECONDS responder ID)%s", argv[i + 1], argv[i + 1],
					VTY_NEWLINE);
				return CMD_WARNING;
			}
			next.plan = (char *)argv[i + 1];
			continue;
		}
		v = !strcmp(opt, "deadline") ? seconds_arg(vty, "deadline", argv[i + 1], 10, 86400)
					      : seconds_arg(vty, "on-scene", argv[i + 1], 0, 86400);
		if (v < 0)
			return CMD_WARNING;
		if (!strcmp(opt, "deadline")) {
			next.deadline_s = v;
		} else {
			next.on_scene_s = v;
			next.on_scene_set = true;
		}
	}
	next.name = talloc_strdup(cfg(), argv[1]);
	if (next.plan)
		next.plan = talloc_strdup(cfg(), next.plan);
	talloc_free(sev->name);
	talloc_free(sev->plan);
	*sev = next;
	return CMD_SUCCESS;
}

ALIAS(cfg_callout_severity, cfg_callout_severity_opts_cmd, "severity <1-15> name NAME .OPTIONS",
      "A severity a call-out is created with (1-15)\n" "The severity\n" "Its name in call-outs and reports\n"
      "The name, one word, e.g. red\n"
      "deadline <10-86400> (answer deadline, else timer X20), on-scene <0-86400> (target, 0: none; else X21), "
      "plan NAME (its escalation plan)\n")

DEFUN(cfg_callout_no_severity, cfg_callout_no_severity_cmd, "no severity <1-15>",
      NO_STR "A severity: unnamed, with the timers' deadlines and no plan\n" "The severity\n")
{
	struct tb_severity *sev = &cfg()->severity[atoi(argv[0])];

	talloc_free(sev->name);
	talloc_free(sev->plan);
	*sev = (struct tb_severity){ 0 };
	return CMD_SUCCESS;
}

/* ---- plans ---------------------------------------------------------------------- */

static bool listed(const struct tetra_identity *id)
{
	return tb_roster_name(g_bridge->roster, id) != NULL;
}

DEFUN(cfg_callout_plan, cfg_callout_plan_cmd, "plan NAME level <1-8> deadline <10-86400> responder ID",
      "An escalation plan: who is alerted when a level's deadline passes without enough accepts\n"
      "Its name (letters, digits, - _)\n" "A level (1 is alerted after the call-out's own responders)\n"
      "The level\n" "How long its responders have to accept\n" "Seconds\n"
      "A responder of the level (a terminal or a group in the roster)\n"
      "ISSI, GSSI (1-8 digits) or TSI (17 digits)\n")
{
	struct tb_callout_config *c = cfg();
	const char *name = argv[0];
	unsigned lv = atoi(argv[1]), line = tb_config_file_line();
	uint32_t deadline = atoi(argv[2]);
	struct tetra_identity add[TB_PLAN_MAX_RESPONDERS];
	unsigned n_add = 0;
	struct tb_plan *p = (struct tb_plan *)tb_callout_plan(c, name);
	struct tb_plan_level *l;

	if (strlen(name) > TB_CALLOUT_NAME_MAX || !osmo_identifier_valid(name)) {
		vty_out(vty, "%% plan name '%s' may only use letters, digits and - _, at most %u%s", name,
			TB_CALLOUT_NAME_MAX, VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (!p && llist_count(&c->plans) >= TB_PLANS_MAX) {
		vty_out(vty, "%% there are %u plans, the most the config may have%s", TB_PLANS_MAX, VTY_NEWLINE);
		return CMD_WARNING;
	}
	l = p ? &p->levels[lv - 1] : NULL;
	if (l && l->configured && line && l->deadline_s != deadline) {
		vty_out(vty, "%% plan %s level %u has deadline %u on line %u; a further line for a level adds "
			"responders and gives the same deadline%s", name, lv, l->deadline_s, l->line, VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (!line && lv > 1 && (!p || !p->levels[lv - 2].configured)) {
		vty_out(vty, "%% plan %s has no level %u yet: levels are alerted one after the other; give level %u "
			"first%s", name, lv - 1, lv - 1, VTY_NEWLINE);
		return CMD_WARNING;
	}
	/* responder ID [responder ID ...]: argv[3] is the first ID */
	for (int i = 3; i < argc; i++) {
		struct tetra_identity id;

		if (i > 3) {
			if (strcmp(argv[i], "responder") || i + 1 >= argc) {
				vty_out(vty, "%% plan %s level %u: '%s' is not 'responder ID'; give each responder as "
					"'responder ID'%s", name, lv, argv[i], VTY_NEWLINE);
				return CMD_WARNING;
			}
			i++;
		}
		if (tb_vty_parse_identity(argv[i], &id) < 0) {
			vty_out(vty, "%% plan %s level %u: responder '%s' is not an identity: %s%s", name, lv, argv[i],
				TB_VTY_IDENTITY_FORMS, VTY_NEWLINE);
			return CMD_WARNING;
		}
		if (!line && !listed(&id)) {
			vty_out(vty, "%% plan %s level %u: responder %s is not in the roster; list it there first "
				"(identity ID name NAME, or group ID name NAME)%s", name, lv, argv[i], VTY_NEWLINE);
			return CMD_WARNING;
		}
		for (unsigned k = 0; k < n_add + (l && l->configured ? l->n_responders : 0); k++) {
			const struct tetra_identity *o = k < n_add ? &add[k] : &l->responders[k - n_add];

			if (o->ssi == id.ssi && o->mcc == id.mcc && o->mnc == id.mnc) {
				vty_out(vty, "%% plan %s level %u names responder %s twice; give each once%s", name, lv,
					argv[i], VTY_NEWLINE);
				return CMD_WARNING;
			}
		}
		if (n_add + (l && l->configured ? l->n_responders : 0) >= TB_PLAN_MAX_RESPONDERS) {
			vty_out(vty, "%% plan %s level %u would have more than %u responders, the most a level may "
				"have%s", name, lv, TB_PLAN_MAX_RESPONDERS, VTY_NEWLINE);
			return CMD_WARNING;
		}
		add[n_add++] = id;
	}
	if (!p) {
		p = tb_callout_plan_add(c, name);
		if (!p)
			return CMD_WARNING;
		l = &p->levels[lv - 1];
	}
	if (!l->configured) {
		*l = (struct tb_plan_level){ .configured = true, .line = line };
		if (lv > p->n_levels)
			p->n_levels = lv;
	}
	l->deadline_s = deadline;	/* the same from the file; on the VTY, a change */
	memcpy(&l->responders[l->n_responders], add, n_add * sizeof(add[0]));
	l->n_responders += n_add;
	return CMD_SUCCESS;
}

ALIAS(cfg_callout_plan, cfg_callout_plan_more_cmd,
      "plan NAME level <1-8> deadline <10-86400> responder ID .MORE",
      "An escalation plan: who is alerted when a level's deadline passes without enough accepts\n"
      "Its name (letters, digits, - _)\n" "A level (1 is alerted after the call-out's own responders)\n"
      "The level\n" "How long its responders have to accept\n" "Seconds\n"
      "A responder of the level (a terminal or a group in the roster)\n"
      "ISSI, GSSI (1-8 digits) or TSI (17 digits)\n" "More: responder ID responder ID ...\n")

DEFUN(cfg_callout_no_plan, cfg_callout_no_plan_cmd, "no plan NAME",
      NO_STR "An escalation plan, all its levels\n" "Its name\n")
{
	for (unsigned s = 1; s <= TB_SEVERITY_MAX; s++)
		if (cfg()->severity[s].configured && cfg()->severity[s].plan &&
		    !strcmp(cfg()->severity[s].plan, argv[0])) {
			vty_out(vty, "%% severity %u uses plan %s; give it another plan (or none) first%s", s, argv[0],
				VTY_NEWLINE);
			return CMD_WARNING;
		}
	if (tb_callout_plan_remove(cfg(), argv[0]) < 0) {
		vty_out(vty, "%% there is no plan %s%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

/* ---- written back -------------------------------------------------------------------- */

static void write_level(struct vty *vty, const struct tb_plan *p, unsigned lv)
{
	const struct tb_plan_level *l = &p->levels[lv - 1];
	char a[24];

	for (unsigned k = 0; k < l->n_responders; k++) {
		if (k % RESPONDERS_PER_LINE == 0)
			vty_out(vty, " plan %s level %u deadline %u", p->name, lv, l->deadline_s);
		vty_out(vty, " responder %s", tb_vty_identity_str(&l->responders[k], a, sizeof(a)));
		if (k % RESPONDERS_PER_LINE == RESPONDERS_PER_LINE - 1 || k + 1 == l->n_responders)
			vty_out(vty, "%s", VTY_NEWLINE);
	}
}

static int config_write_callout(struct vty *vty)
{
	const struct tb_callout_config *c = cfg();
	const struct tb_plan *p;

	vty_out(vty, "callout%s", VTY_NEWLINE);
	vty_out(vty, " alert-method %s%s", tb_alert_method_name(c->method), VTY_NEWLINE);
	vty_out(vty, " required %u%s", c->required, VTY_NEWLINE);
	vty_out(vty, " realerts %u%s", c->realerts, VTY_NEWLINE);
	vty_out(vty, " retention days %u%s", c->retention_days, VTY_NEWLINE);
	vty_out(vty, " board-keep %u%s", c->board_keep_s, VTY_NEWLINE);
	/* plans before the severities that name them */
	llist_for_each_entry(p, &c->plans, entry)
		for (unsigned lv = 1; lv <= p->n_levels; lv++)
			if (p->levels[lv - 1].configured)
				write_level(vty, p, lv);
	for (unsigned s = 1; s <= TB_SEVERITY_MAX; s++) {
		const struct tb_severity *sev = &c->severity[s];

		if (!sev->configured)
			continue;
		vty_out(vty, " severity %u name %s", s, sev->name);
		if (sev->deadline_s)
			vty_out(vty, " deadline %u", sev->deadline_s);
		if (sev->on_scene_set)
			vty_out(vty, " on-scene %u", sev->on_scene_s);
		if (sev->plan)
			vty_out(vty, " plan %s", sev->plan);
		vty_out(vty, "%s", VTY_NEWLINE);
	}
	return CMD_SUCCESS;
}

/* ---- show callout config ---------------------------------------------------------------- */

DEFUN(show_callout_config, show_callout_config_cmd, "show callout config",
      SHOW_STR "Call-outs\n" "Alert method, defaults, severities with their deadlines, escalation plans\n")
{
	const struct tb_callout_config *c = cfg();
	const struct tb_plan *p;
	char a[24];

	vty_out(vty, "call-outs: alert method %s, %u must accept, %u re-alerts %lu s apart (X23), closed ones stay "
		"on the board %u s, texts and positions kept %u days%s", tb_alert_method_name(c->method),
		c->required, c->realerts, osmo_tdef_get(tb_callout_tdefs, TB_T_REALERT, OSMO_TDEF_S, -1),
		c->board_keep_s, c->retention_days, VTY_NEWLINE);
	for (unsigned s = 1; s <= TB_SEVERITY_MAX; s++) {
		const struct tb_severity *sev = &c->severity[s];
		uint32_t on_scene = tb_severity_on_scene_s(c, s);

		if (!sev->configured)
			continue;
		vty_out(vty, " severity %u %s: answer deadline %u s%s, ", s, sev->name, tb_severity_deadline_s(c, s),
			sev->deadline_s ? "" : " (X20)");
		if (on_scene)
			vty_out(vty, "on scene within %u s%s", on_scene, sev->on_scene_set ? "" : " (X21)");
		else
			vty_out(vty, "no on-scene target");
		vty_out(vty, ", %s%s%s", sev->plan ? "plan " : "no plan", sev->plan ? sev->plan : "", VTY_NEWLINE);
	}
	vty_out(vty, " other severities: answer deadline %u s (X20), ", tb_severity_deadline_s(c, 0));
	if (tb_severity_on_scene_s(c, 0))
		vty_out(vty, "on scene within %u s (X21), no plan%s", tb_severity_on_scene_s(c, 0), VTY_NEWLINE);
	else
		vty_out(vty, "no on-scene target, no plan%s", VTY_NEWLINE);
	llist_for_each_entry(p, &c->plans, entry) {
		vty_out(vty, " plan %s: %u level%s%s", p->name, p->n_levels, p->n_levels == 1 ? "" : "s", VTY_NEWLINE);
		for (unsigned lv = 1; lv <= p->n_levels; lv++) {
			const struct tb_plan_level *l = &p->levels[lv - 1];

			if (!l->configured) {
				vty_out(vty, "  level %u: not given%s", lv, VTY_NEWLINE);
				continue;
			}
			vty_out(vty, "  level %u, deadline %u s:", lv, l->deadline_s);
			for (unsigned k = 0; k < l->n_responders; k++) {
				const char *n = tb_roster_name(g_bridge->roster, &l->responders[k]);

				vty_out(vty, "%s %s (%s%s)", k ? "," : "", tb_vty_identity_str(&l->responders[k], a,
											   sizeof(a)),
					n ? n : "not in the roster",
					tb_roster_is_group(g_bridge->roster, &l->responders[k]) ? ", group" : "");
			}
			vty_out(vty, "%s", VTY_NEWLINE);
		}
	}
	return CMD_SUCCESS;
}

void tb_vty_callout_init(void)
{
	install_element(CONFIG_NODE, &cfg_callout_cmd);
	install_node(&callout_node, config_write_callout);
	install_element(CALLOUT_NODE, &cfg_callout_method_cmd);
	install_element(CALLOUT_NODE, &cfg_callout_required_cmd);
	install_element(CALLOUT_NODE, &cfg_callout_realerts_cmd);
	install_element(CALLOUT_NODE, &cfg_callout_retention_cmd);
	install_element(CALLOUT_NODE, &cfg_callout_board_keep_cmd);
	install_element(CALLOUT_NODE, &cfg_callout_severity_cmd);
	install_element(CALLOUT_NODE, &cfg_callout_severity_opts_cmd);
	install_element(CALLOUT_NODE, &cfg_callout_no_severity_cmd);
	install_element(CALLOUT_NODE, &cfg_callout_plan_cmd);
	install_element(CALLOUT_NODE, &cfg_callout_plan_more_cmd);
	install_element(CALLOUT_NODE, &cfg_callout_no_plan_cmd);
	install_element_ve(&show_callout_config_cmd);
}
