/* The roster node of the VTY: names and meanings (bridge/roster.h).
 *
 *   roster
 *    identity ID name NAME...               a terminal: ISSI or TSI, a person or a unit
 *    group ID name NAME...                  a group (GSSI)
 *    group ID member ID                     one member a line
 *    status VALUE name NAME...              0x8002 or 32770: a name only
 *    status VALUE meaning MEANING name NAME...
 *    answer meaning MEANING text TEXT...    a fixed text, e.g. "ja"
 *    answer meaning MEANING pattern REGEX   a POSIX extended regular expression
 *    no identity ID | no group ID [member ID] | no status VALUE
 *    no answer text TEXT... | no answer pattern REGEX
 *
 * A name (and a text, and a pattern) is the rest of the line, spaces and
 * UTF-8 included; the VTY joins its words with one space. MEANING is one
 * of accept, decline, standby, en-route, on-scene, handed-over, done,
 * available, auto-ack. In the config file every entry is given once; on
 * the telnet VTY giving it again changes it.
 *
 * Health data: the VTY is an admin interface and shows names; nothing
 * here logs.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/vty.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "bridge/bridge.h"
#include "bridge/roster.h"
#include "common/config_file.h"
#include "codecs/pei_urc.h"

#define MEANINGS "accept, decline, standby, en-route, on-scene, handed-over, done, available or auto-ack"
#define PLURAL(n) ((n) == 1 ? "" : "s")
#define MEANING_HELP "What it means for a call-out: " MEANINGS "\n"

static struct cmd_node roster_node = { .node = ROSTER_NODE, .prompt = "%s(config-roster)# ", .vtysh = 1 };

/* ---- identities, shared with the callout node ------------------------------- */

int tb_vty_parse_identity(const char *s, struct tetra_identity *id)
{
	size_t len = strlen(s);

	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return -EINVAL;
	*id = (struct tetra_identity){ .type = TETRA_ID_NONE };
	if (len >= 1 && len <= 8)
		return tetra_identity_parse(s, len, TETRA_ID_SSI, id) < 0 ? -EINVAL : 0;
	if (len != 17 || tetra_identity_parse(s, len, TETRA_ID_TSI, id) < 0)
		return -EINVAL;
	if (!id->mcc && !id->mnc)
		id->type = TETRA_ID_SSI;
	return 0;
}

const char *tb_vty_identity_str(const struct tetra_identity *id, char *buf, size_t len)
{
	if (id->mcc || id->mnc)
		snprintf(buf, len, "%04u%05u%08u", id->mcc, id->mnc, id->ssi);
	else
		snprintf(buf, len, "%u", id->ssi);
	return buf;
}

static int parse_id(struct vty *vty, const char *s, struct tetra_identity *id)
{
	if (tb_vty_parse_identity(s, id) == 0)
		return 0;
	vty_out(vty, "%% '%s' is not an identity: %s%s", s, TB_VTY_IDENTITY_FORMS, VTY_NEWLINE);
	return -EINVAL;
}

/* The rest of the line from argv[from], its words joined with one space;
 * NULL (said why) when it is not a name. Free with talloc_free(). */
static char *name_arg(struct vty *vty, int argc, const char **argv, int from, const char *what)
{
	char *name = argv_concat(argv, argc, from);

	if (!name)
		return NULL;
	if (strlen(name) > TB_ROSTER_NAME_MAX) {
		vty_out(vty, "%% %s is %zu bytes long; a name may have at most %u bytes of UTF-8%s", what,
			strlen(name), TB_ROSTER_NAME_MAX, VTY_NEWLINE);
		talloc_free(name);
		return NULL;
	}
	if (!tb_roster_name_valid(name)) {
		vty_out(vty, "%% %s is not a name: it must be UTF-8 text without control characters%s", what,
			VTY_NEWLINE);
		talloc_free(name);
		return NULL;
	}
	return name;
}

static int meaning_arg(struct vty *vty, const char *s, bool none_ok)
{
	int m = tb_meaning_by_name(s);

	if (m < 0 || (!none_ok && m == TETRABRIDGE__V1__ANSWER_MEANING__MEANING_NONE)) {
		vty_out(vty, "%% '%s' is not a meaning%s: say %s%s", s, none_ok ? "" : " an answer can have",
			MEANINGS, VTY_NEWLINE);
		return -1;
	}
	return m;
}

/* A roster full, or out of memory. */
static int refuse_rc(struct vty *vty, int rc, const char *what, unsigned max)
{
	if (rc == -ENOSPC)
		vty_out(vty, "%% the roster has %u %s, the most it may have%s", max, what, VTY_NEWLINE);
	else
		vty_out(vty, "%% cannot change the roster: %s%s", strerror(-rc), VTY_NEWLINE);
	return CMD_WARNING;
}

/* " (line N)" when the entry came from a line of the file. */
static const char *on_line(unsigned line, char *buf, size_t len)
{
	if (line)
		snprintf(buf, len, " on line %u", line);
	else
		snprintf(buf, len, " (typed on the VTY)");
	return buf;
}

/* ---- the node -------------------------------------------------------------- */

DEFUN(cfg_roster, cfg_roster_cmd, "roster",
      "Names of terminals, groups and status values, and what answers mean\n")
{
	vty->node = ROSTER_NODE;
	return CMD_SUCCESS;
}

/* identity / group ID name NAME... */
static int set_party(struct vty *vty, int argc, const char **argv, bool group)
{
	struct tb_roster *r = g_bridge->roster;
	const struct tb_roster_party *p;
	struct tetra_identity id;
	unsigned line = tb_config_file_line();
	char where[32];
	char *name;
	int rc;

	if (parse_id(vty, argv[0], &id) < 0)
		return CMD_WARNING;
	p = tb_roster_party_exact(r, &id);
	if (p && p->group != group) {
		vty_out(vty, "%% %s is listed as %s%s; a terminal and a group cannot share a number%s", argv[0],
			p->group ? "a group" : "a terminal (identity)", on_line(p->line, where, sizeof(where)),
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (p && line) {
		vty_out(vty, "%% %s %s is listed on line %u already; give each %s once%s", group ? "group" : "identity",
			argv[0], p->line, group ? "group" : "identity", VTY_NEWLINE);
		return CMD_WARNING;
	}
	name = name_arg(vty, argc, argv, 1, "the name");
	if (!name)
		return CMD_WARNING;
	rc = tb_roster_set_party(r, &id, group, name, line);
	talloc_free(name);
	if (rc < 0)
		return refuse_rc(vty, rc, "identities and groups", TB_ROSTER_MAX_ENTRIES);
	return CMD_SUCCESS;
}

DEFUN(cfg_roster_identity, cfg_roster_identity_cmd, "identity ID name .NAME",
      "A terminal: a person or a unit\n"
      "ISSI (1-8 digits) or TSI (17 digits: MCC 4, MNC 5, SSI 8)\n"
      "Its name in events\n" "The name, e.g. Sykepleier Nord (the rest of the line)\n")
{
	return set_party(vty, argc, argv, false);
}

DEFUN(cfg_roster_group, cfg_roster_group_cmd, "group ID name .NAME",
      "A group (talkgroup): alerting it alerts its members\n"
      "GSSI (1-8 digits) or GTSI (17 digits)\n"
      "Its name in events\n" "The name, e.g. LV-distrikt (the rest of the line)\n")
{
	return set_party(vty, argc, argv, true);
}

DEFUN(cfg_roster_group_member, cfg_roster_group_member_cmd, "group ID member ID",
      "A group (talkgroup): alerting it alerts its members\n"
      "GSSI (1-8 digits) or GTSI (17 digits)\n"
      "A member of the group (one a line): its answer joins it to the group's call-out\n"
      "ISSI (1-8 digits) or TSI (17 digits)\n")
{
	struct tb_roster *r = g_bridge->roster;
	const struct tb_roster_party *g, *m;
	struct tetra_identity gid, mid;
	char where[32];
	int rc;

	if (parse_id(vty, argv[0], &gid) < 0 || parse_id(vty, argv[1], &mid) < 0)
		return CMD_WARNING;
	g = tb_roster_party_exact(r, &gid);
	if (!g || !g->group) {
		vty_out(vty, "%% %s is not a group in the roster%s: list it first with 'group %s name NAME'%s", argv[0],
			g ? " (it is a terminal)" : "", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	m = tb_roster_party_exact(r, &mid);
	if (m && m->group) {
		vty_out(vty, "%% %s is a group%s; the members of a group are terminals (ISSI or TSI)%s", argv[1],
			on_line(m->line, where, sizeof(where)), VTY_NEWLINE);
		return CMD_WARNING;
	}
	rc = tb_roster_add_member(r, &gid, &mid);
	if (rc == -EEXIST) {
		vty_out(vty, "%% %s is a member of group %s already; give each member once%s", argv[1], argv[0],
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (rc == -ENOSPC) {
		vty_out(vty, "%% group %s has %u members, the most a group may have%s", argv[0], TB_ROSTER_MAX_MEMBERS,
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (rc < 0)
		return refuse_rc(vty, rc, "", 0);
	return CMD_SUCCESS;
}

static int remove_party(struct vty *vty, const char *arg, bool group)
{
	const struct tb_roster_party *p;
	struct tetra_identity id;

	if (parse_id(vty, arg, &id) < 0)
		return CMD_WARNING;
	p = tb_roster_party_exact(g_bridge->roster, &id);
	if (!p || p->group != group) {
		vty_out(vty, "%% the roster lists no %s %s%s", group ? "group" : "identity", arg, VTY_NEWLINE);
		return CMD_WARNING;
	}
	tb_roster_remove_party(g_bridge->roster, &id);
	return CMD_SUCCESS;
}

DEFUN(cfg_roster_no_identity, cfg_roster_no_identity_cmd, "no identity ID",
      NO_STR "A terminal: a person or a unit\n" "ISSI or TSI as it is listed\n")
{
	return remove_party(vty, argv[0], false);
}

DEFUN(cfg_roster_no_group, cfg_roster_no_group_cmd, "no group ID",
      NO_STR "A group, with its members\n" "GSSI or GTSI as it is listed\n")
{
	return remove_party(vty, argv[0], true);
}

DEFUN(cfg_roster_no_group_member, cfg_roster_no_group_member_cmd, "no group ID member ID",
      NO_STR "A group\n" "GSSI or GTSI as it is listed\n" "One of its members\n" "ISSI or TSI as it is listed\n")
{
	struct tetra_identity gid, mid;

	if (parse_id(vty, argv[0], &gid) < 0 || parse_id(vty, argv[1], &mid) < 0)
		return CMD_WARNING;
	if (tb_roster_remove_member(g_bridge->roster, &gid, &mid) < 0) {
		vty_out(vty, "%% %s is not listed as a member of group %s%s", argv[1], argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

/* ---- status values ----------------------------------------------------------- */

/* 0x8002 (1-4 hex digits) or 32770; not an SDS-TL short report. */
static int parse_status(struct vty *vty, const char *s, uint16_t *value)
{
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	const char *d = hex ? s + 2 : s;
	size_t n = strlen(d);
	unsigned long v;

	for (size_t i = 0; i < n; i++)
		if (hex ? !isxdigit((unsigned char)d[i]) : !isdigit((unsigned char)d[i]))
			n = 0;
	v = n && n <= (hex ? 4u : 5u) ? strtoul(d, NULL, hex ? 16 : 10) : 0x10000;
	if (v > 0xffff) {
		vty_out(vty, "%% '%s' is not a status value: give 0x0000-0xFFFF (hex) or 0-65535%s", s, VTY_NEWLINE);
		return -EINVAL;
	}
	if (v >= 0x7c00 && v <= 0x7fff) {
		vty_out(vty, "%% status 0x%04lX: the values 0x7C00-0x7FFF are SDS-TL short reports (received, "
			"consumed ...), never a status event; name another value%s", v, VTY_NEWLINE);
		return -EINVAL;
	}
	*value = (uint16_t)v;
	return 0;
}

static int set_status(struct vty *vty, int argc, const char **argv, const char *meaning_s)
{
	struct tb_roster *r = g_bridge->roster;
	const struct tb_roster_status *st;
	unsigned line = tb_config_file_line();
	uint16_t value;
	char *name;
	int m = 0, rc;

	if (parse_status(vty, argv[0], &value) < 0)
		return CMD_WARNING;
	if (meaning_s && (m = meaning_arg(vty, meaning_s, true)) < 0)
		return CMD_WARNING;
	st = tb_roster_status_find(r, value);
	if (st && line) {
		vty_out(vty, "%% status 0x%04X is given on line %u already; give each status value once%s", value,
			st->line, VTY_NEWLINE);
		return CMD_WARNING;
	}
	name = name_arg(vty, argc, argv, meaning_s ? 2 : 1, "the status name");
	if (!name)
		return CMD_WARNING;
	rc = tb_roster_set_status(r, value, name, (tb_meaning)m, line);
	talloc_free(name);
	if (rc < 0)
		return refuse_rc(vty, rc, "status values", TB_ROSTER_MAX_STATUSES);
	return CMD_SUCCESS;
}

DEFUN(cfg_roster_status, cfg_roster_status_cmd, "status VALUE name .NAME",
      "A status value the terminals send (a local agreement)\n"
      "The value: 0x8002 (hex) or 32770\n" "Its name in events\n" "The name, e.g. på vei (the rest of the line)\n")
{
	return set_status(vty, argc, argv, NULL);
}

DEFUN(cfg_roster_status_meaning, cfg_roster_status_meaning_cmd, "status VALUE meaning MEANING name .NAME",
      "A status value the terminals send (a local agreement)\n"
      "The value: 0x8002 (hex) or 32770\n" "What it means for a call-out\n" MEANING_HELP
      "Its name in events\n" "The name, e.g. på vei (the rest of the line)\n")
{
	return set_status(vty, argc, argv, argv[1]);
}

DEFUN(cfg_roster_no_status, cfg_roster_no_status_cmd, "no status VALUE",
      NO_STR "A status value\n" "The value: 0x8002 (hex) or 32770\n")
{
	uint16_t value;

	if (parse_status(vty, argv[0], &value) < 0)
		return CMD_WARNING;
	if (tb_roster_remove_status(g_bridge->roster, value) < 0) {
		vty_out(vty, "%% the roster names no status 0x%04X%s", value, VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

/* ---- answers ------------------------------------------------------------------ */

static int set_answer(struct vty *vty, int argc, const char **argv, bool pattern)
{
	struct tb_roster *r = g_bridge->roster;
	const struct tb_roster_answer *a;
	unsigned line = tb_config_file_line();
	char why[200];
	char *text;
	int m, rc;

	m = meaning_arg(vty, argv[0], false);
	if (m < 0)
		return CMD_WARNING;
	text = argv_concat(argv, argc, 1);
	if (!text)
		return CMD_WARNING;
	a = tb_roster_answer_find(r, pattern, text);
	if (a && line) {
		vty_out(vty, "%% the answer %s '%s' is given on line %u already%s; give each once%s",
			pattern ? "pattern" : "text", text, a->line,
			pattern ? "" : " (texts are compared without case and blanks at the ends)", VTY_NEWLINE);
		talloc_free(text);
		return CMD_WARNING;
	}
	rc = tb_roster_set_answer(r, pattern, text, (tb_meaning)m, line, why, sizeof(why));
	if (rc == -EINVAL)
		vty_out(vty, "%% answer %s '%s': %s%s", pattern ? "pattern" : "text", text, why, VTY_NEWLINE);
	talloc_free(text);
	if (rc == -EINVAL)
		return CMD_WARNING;
	if (rc < 0)
		return refuse_rc(vty, rc, "answers", TB_ROSTER_MAX_ANSWERS);
	return CMD_SUCCESS;
}

DEFUN(cfg_roster_answer_text, cfg_roster_answer_text_cmd, "answer meaning MEANING text .TEXT",
      "A text a responder may answer with\n" "What it means for a call-out\n" MEANING_HELP
      "A fixed text, compared without case and blanks at the ends\n" "The text, e.g. ja (the rest of the line)\n")
{
	return set_answer(vty, argc, argv, false);
}

DEFUN(cfg_roster_answer_pattern, cfg_roster_answer_pattern_cmd, "answer meaning MEANING pattern .REGEX",
      "A text a responder may answer with\n" "What it means for a call-out\n" MEANING_HELP
      "A POSIX extended regular expression, without case (tried after the fixed texts, in config order)\n"
      "The expression, e.g. ^kommer (the rest of the line)\n")
{
	return set_answer(vty, argc, argv, true);
}

static int remove_answer(struct vty *vty, int argc, const char **argv, bool pattern)
{
	char *text = argv_concat(argv, argc, 0);
	int rc;

	if (!text)
		return CMD_WARNING;
	rc = tb_roster_remove_answer(g_bridge->roster, pattern, text);
	if (rc < 0)
		vty_out(vty, "%% the roster has no answer %s '%s'%s", pattern ? "pattern" : "text", text, VTY_NEWLINE);
	talloc_free(text);
	return rc < 0 ? CMD_WARNING : CMD_SUCCESS;
}

DEFUN(cfg_roster_no_answer_text, cfg_roster_no_answer_text_cmd, "no answer text .TEXT",
      NO_STR "A text a responder may answer with\n" "A fixed text\n" "The text\n")
{
	return remove_answer(vty, argc, argv, false);
}

DEFUN(cfg_roster_no_answer_pattern, cfg_roster_no_answer_pattern_cmd, "no answer pattern .REGEX",
      NO_STR "A text a responder may answer with\n" "A pattern\n" "The expression, as it is listed\n")
{
	return remove_answer(vty, argc, argv, true);
}

/* ---- written back --------------------------------------------------------------- */

static int config_write_roster(struct vty *vty)
{
	const struct tb_roster *r = g_bridge->roster;
	char a[24], b[24];

	vty_out(vty, "roster%s", VTY_NEWLINE);
	for (unsigned i = 0; i < tb_roster_n_parties(r); i++) {
		const struct tb_roster_party *p = tb_roster_party_at(r, i);

		tb_vty_identity_str(&p->id, a, sizeof(a));
		vty_out(vty, " %s %s name %s%s", p->group ? "group" : "identity", a, p->name, VTY_NEWLINE);
		for (unsigned k = 0; k < p->n_members; k++)
			vty_out(vty, " group %s member %s%s", a, tb_vty_identity_str(&p->members[k], b, sizeof(b)),
				VTY_NEWLINE);
	}
	for (unsigned i = 0; i < tb_roster_n_statuses(r); i++) {
		const struct tb_roster_status *s = tb_roster_status_at(r, i);

		if (s->meaning == TETRABRIDGE__V1__ANSWER_MEANING__MEANING_NONE)
			vty_out(vty, " status 0x%04X name %s%s", s->value, s->name, VTY_NEWLINE);
		else
			vty_out(vty, " status 0x%04X meaning %s name %s%s", s->value, tb_meaning_name(s->meaning),
				s->name, VTY_NEWLINE);
	}
	for (unsigned i = 0; i < tb_roster_n_answers(r); i++) {
		const struct tb_roster_answer *an = tb_roster_answer_at(r, i);

		vty_out(vty, " answer meaning %s %s %s%s", tb_meaning_name(an->meaning), an->pattern ? "pattern" : "text",
			an->text, VTY_NEWLINE);
	}
	return CMD_SUCCESS;
}

/* ---- show roster ------------------------------------------------------------------- */

static void show_party(struct vty *vty, const struct tb_roster *r, const struct tb_roster_party *p)
{
	char a[24], where[32];

	vty_out(vty, "%s %s: %s%s%s", p->group ? "group" : "identity", tb_vty_identity_str(&p->id, a, sizeof(a)),
		p->name, on_line(p->line, where, sizeof(where)), VTY_NEWLINE);
	for (unsigned k = 0; k < p->n_members; k++) {
		const char *n = tb_roster_name(r, &p->members[k]);

		vty_out(vty, "  member %s%s%s%s", tb_vty_identity_str(&p->members[k], a, sizeof(a)), n ? ": " : "",
			n ? n : " (not listed itself)", VTY_NEWLINE);
	}
	/* the groups it is a member of (an admin's question: a walk is fine) */
	for (unsigned i = 0; !p->group && i < tb_roster_n_parties(r); i++) {
		const struct tb_roster_party *g = tb_roster_party_at(r, i);

		if (g->group && tb_roster_is_member(r, &g->id, &p->id)) {
			vty_out(vty, "  member of group %s: %s%s", tb_vty_identity_str(&g->id, a, sizeof(a)), g->name,
				VTY_NEWLINE);
		}
	}
}

DEFUN(show_roster, show_roster_cmd, "show roster [ID]",
      SHOW_STR "The roster: how many identities, groups, status values and answers it has\n"
      "Who this identity is, as an event from it would be named (ISSI, GSSI or TSI)\n")
{
	const struct tb_roster *r = g_bridge->roster;
	unsigned groups = 0, members = 0, patterns = 0, meant = 0;

	if (argc > 0) {
		struct tetra_identity id;
		const struct tb_roster_party *p;

		if (parse_id(vty, argv[0], &id) < 0)
			return CMD_WARNING;
		p = tb_roster_party_match(r, &id);
		if (!p) {
			vty_out(vty, "%s is not in the roster: events from it carry no name%s", argv[0], VTY_NEWLINE);
			return CMD_SUCCESS;
		}
		show_party(vty, r, p);
		return CMD_SUCCESS;
	}
	for (unsigned i = 0; i < tb_roster_n_parties(r); i++) {
		const struct tb_roster_party *p = tb_roster_party_at(r, i);

		groups += p->group;
		members += p->n_members;
	}
	for (unsigned i = 0; i < tb_roster_n_statuses(r); i++)
		meant += tb_roster_status_at(r, i)->meaning != TETRABRIDGE__V1__ANSWER_MEANING__MEANING_NONE;
	for (unsigned i = 0; i < tb_roster_n_answers(r); i++)
		patterns += tb_roster_answer_at(r, i)->pattern;
	vty_out(vty, "roster: %u identities (at most %u): %u terminal%s, %u group%s with %u member%s in all%s",
		tb_roster_n_parties(r), TB_ROSTER_MAX_ENTRIES, tb_roster_n_parties(r) - groups,
		PLURAL(tb_roster_n_parties(r) - groups), groups, PLURAL(groups), members, PLURAL(members), VTY_NEWLINE);
	vty_out(vty, " status values: %u (at most %u), %u with a meaning%s", tb_roster_n_statuses(r),
		TB_ROSTER_MAX_STATUSES, meant, VTY_NEWLINE);
	vty_out(vty, " answers: %u (at most %u): %u fixed text%s, %u pattern%s%s", tb_roster_n_answers(r),
		TB_ROSTER_MAX_ANSWERS, tb_roster_n_answers(r) - patterns, PLURAL(tb_roster_n_answers(r) - patterns),
		patterns, PLURAL(patterns), VTY_NEWLINE);
	vty_out(vty, " 'show roster ID' tells who an identity is; 'show running-config' lists them all%s",
		VTY_NEWLINE);
	return CMD_SUCCESS;
}

void tb_vty_roster_init(void)
{
	install_element(CONFIG_NODE, &cfg_roster_cmd);
	install_node(&roster_node, config_write_roster);
	install_element(ROSTER_NODE, &cfg_roster_identity_cmd);
	install_element(ROSTER_NODE, &cfg_roster_group_cmd);
	install_element(ROSTER_NODE, &cfg_roster_group_member_cmd);
	install_element(ROSTER_NODE, &cfg_roster_no_identity_cmd);
	install_element(ROSTER_NODE, &cfg_roster_no_group_cmd);
	install_element(ROSTER_NODE, &cfg_roster_no_group_member_cmd);
	install_element(ROSTER_NODE, &cfg_roster_status_cmd);
	install_element(ROSTER_NODE, &cfg_roster_status_meaning_cmd);
	install_element(ROSTER_NODE, &cfg_roster_no_status_cmd);
	install_element(ROSTER_NODE, &cfg_roster_answer_text_cmd);
	install_element(ROSTER_NODE, &cfg_roster_answer_pattern_cmd);
	install_element(ROSTER_NODE, &cfg_roster_no_answer_text_cmd);
	install_element(ROSTER_NODE, &cfg_roster_no_answer_pattern_cmd);
	install_element_ve(&show_roster_cmd);
}
