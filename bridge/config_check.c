/* What a config file cannot mean (see config_check.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/config_check.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/talloc.h>
#include <osmocom/vty/vty.h>

#include "bridge/bridge.h"
#include "bridge/callout_config.h"
#include "ipc/endpoint.h"
#include "bridge/radio.h"
#include "bridge/roster.h"
#include "common/config_file.h"

/* The lines one object's settings came from. */
struct origin {
	struct llist_head entry;	/* in g_origins */
	const void *obj;
	unsigned line[_TB_CFG_NUM];
};

static LLIST_HEAD(g_origins);

/* The telnet VTY's `line vty / bind`: its line, and what it was before. */
static unsigned g_vty_bind_line;
static int g_vty_port_seen;
static char g_vty_addr_seen[64];

static int origin_destructor(struct origin *o)
{
	llist_del(&o->entry);
	return 0;
}

static struct origin *origin_find(const void *obj)
{
	struct origin *o;

	llist_for_each_entry(o, &g_origins, entry)
		if (o->obj == obj)
			return o;
	return NULL;
}

unsigned tb_config_note(const void *obj, enum tb_config_setting s)
{
	unsigned line = tb_config_file_line();
	struct origin *o;

	if (!line)
		return 0;
	o = origin_find(obj);
	if (!o) {
		/* talloc_zero wants a non-const parent; the note only hangs there. */
		o = talloc_zero((void *)obj, struct origin);
		if (!o)
			return 0;
		o->obj = obj;
		llist_add_tail(&o->entry, &g_origins);
		talloc_set_destructor(o, origin_destructor);
	}
	if (o->line[s])
		return o->line[s];
	o->line[s] = line;
	return 0;
}

unsigned tb_config_line_of(const void *obj, enum tb_config_setting s)
{
	const struct origin *o = origin_find(obj);

	return o ? o->line[s] : 0;
}

void tb_config_line_done(unsigned line, void *data)
{
	int port = vty_get_bind_port(-1);
	const char *addr = vty_get_bind_addr();

	if (line && port == g_vty_port_seen && !strcmp(addr, g_vty_addr_seen))
		return;
	if (line)	/* not the look before the first line: this line changed it */
		g_vty_bind_line = line;
	g_vty_port_seen = port;
	snprintf(g_vty_addr_seen, sizeof(g_vty_addr_seen), "%s", addr);
}

static unsigned max_line(unsigned a, unsigned b)
{
	return a > b ? a : b;
}

/* ---- sockets ------------------------------------------------------------ */

static int check_sockets(struct tb_bridge *b, unsigned *line, char **errmsg)
{
	const char *eps[] = { b->events_endpoint, b->commands_endpoint };
	const char *what[] = { "events", "commands" };
	const unsigned lines[] = { tb_config_line_of(b, TB_CFG_EVENTS_BIND),
				   tb_config_line_of(b, TB_CFG_COMMANDS_BIND) };
	const char *vty_addr = vty_get_bind_addr();
	int vty_port = vty_get_bind_port(TB_DEFAULT_VTY_PORT);
	struct tb_endpoint ep[2];
	char why[160];

	for (unsigned i = 0; i < 2; i++) {
		if (tb_endpoint_parse(eps[i], &ep[i], why, sizeof(why)) < 0) {
			*line = lines[i];
			*errmsg = talloc_asprintf(b, "%s bind %s: %s", what[i], eps[i], why);
			return -EINVAL;
		}
	}
	if (tb_endpoint_clash(&ep[0], &ep[1])) {
		*line = max_line(lines[0], lines[1]);
		if (lines[0] && lines[1])
			*errmsg = talloc_asprintf(b, "the events socket (line %u) and the commands socket (line %u) "
						  "are both bound to %s; give each its own endpoint%s", lines[0],
						  lines[1], eps[1], ep[0].ipc ? " (the second would take the "
						  "socket file from the first, and nobody could reach that)" : "");
		else {
			unsigned i = lines[1] ? 1 : 0;	/* the one the file gives */

			*errmsg = talloc_asprintf(b, "%s bind %s is the %s socket's default endpoint; give that "
						  "one its own with '%s bind ENDPOINT'", what[i], eps[i],
						  what[!i], what[!i]);
		}
		return -EINVAL;
	}
	for (unsigned i = 0; i < 2; i++) {
		if (!tb_endpoint_clash_tcp(&ep[i], vty_addr, vty_port))
			continue;
		*line = max_line(lines[i], g_vty_bind_line);
		*errmsg = talloc_asprintf(b, "the telnet VTY (line vty / bind %s %d%s) and the %s socket (%s bind %s%s) "
					  "would listen on the same port; give one of them another", vty_addr,
					  vty_port, g_vty_bind_line ? "" : ": the default", what[i], what[i], eps[i],
					  lines[i] ? "" : ": the default");
		return -EINVAL;
	}
	return 0;
}

/* CURVE takes both files; with one of them, start-up would stop later
 * without a line. */
static int check_curve(struct tb_bridge *b, unsigned *line, char **errmsg)
{
	if (!b->curve_server_key == !b->curve_clients)
		return 0;
	if (b->curve_server_key) {
		*line = tb_config_line_of(b, TB_CFG_CURVE_SERVER_KEY);
		*errmsg = talloc_strdup(b, "'curve server-key' needs 'curve clients FILE' too (who may connect, with "
				       "which role): CURVE is on for both or for neither");
	} else {
		*line = tb_config_line_of(b, TB_CFG_CURVE_CLIENTS);
		*errmsg = talloc_strdup(b, "'curve clients' needs 'curve server-key FILE' too (the bridge's own key "
				       "pair, from tetractl keygen): CURVE is on for both or for neither");
	}
	return -EINVAL;
}

/* ---- radios ------------------------------------------------------------- */

static bool same_device(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	if (!strcmp(a, b))
		return true;
	/* /dev/serial/by-id/... and the /dev/ttyUSB0 it links to */
	return realpath(a, ra) && realpath(b, rb) && !strcmp(ra, rb);
}

static bool usb_ids_overlap(const struct tb_radio *a, const struct tb_radio *b)
{
	if (!a->usb_vid || !b->usb_vid)
		return true;	/* "any terminal a usb profile knows" */
	return a->usb_vid == b->usb_vid && a->usb_pid == b->usb_pid;
}

/* Settings for another transport than the radio's. */
static int check_transport_settings(struct tb_radio *r, unsigned *line, char **errmsg)
{
	static const struct {
		enum tb_config_setting s;
		enum tb_radio_transport needs;
		const char *name;
	} only[] = {
		{ TB_CFG_USB_SERIAL, TB_RADIO_USB, "usb serial" },
		{ TB_CFG_USB_BUS_PATH, TB_RADIO_USB, "usb bus-path" },
		{ TB_CFG_USB_INTERFACE, TB_RADIO_USB, "usb interface" },
		{ TB_CFG_USB_PROFILE, TB_RADIO_USB, "usb profile" },
		{ TB_CFG_SIMULATE, TB_RADIO_SIM, "simulate" },
		{ TB_CFG_SIM_IDENTITY, TB_RADIO_SIM, "sim-identity" },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(only); i++) {
		unsigned l = tb_config_line_of(r, only[i].s);

		if (!l || r->transport == only[i].needs)
			continue;
		*line = l;
		*errmsg = talloc_asprintf(r->bridge, "'%s' is for radios with 'transport %s', and radio %s has "
					  "'transport %s' (line %u); remove the line or change the transport", only[i].name,
					  tb_radio_transport_name(only[i].needs), r->name,
					  tb_radio_transport_name(r->transport),
					  tb_config_line_of(r, TB_CFG_TRANSPORT));
		return -EINVAL;
	}
	return 0;
}

/* r against a radio q before it: one terminal cannot be two radios'. */
static int check_two_radios(const struct tb_radio *q, struct tb_radio *r, unsigned *line, char **errmsg)
{
	bool usb = q->transport == TB_RADIO_USB && r->transport == TB_RADIO_USB;
	enum tb_config_setting s;
	char *what;

	if (q->transport == TB_RADIO_TTY && r->transport == TB_RADIO_TTY && same_device(q->tty_path, r->tty_path))
		what = talloc_asprintf(r, "the device %s", r->tty_path), s = TB_CFG_TRANSPORT;
	else if (usb && q->usb_serial && r->usb_serial && !strcmp(q->usb_serial, r->usb_serial) &&
		 usb_ids_overlap(q, r))
		what = talloc_asprintf(r, "usb serial %s", r->usb_serial), s = TB_CFG_USB_SERIAL;
	else if (usb && q->usb_bus_path && r->usb_bus_path && !strcmp(q->usb_bus_path, r->usb_bus_path))
		what = talloc_asprintf(r, "usb bus-path %s", r->usb_bus_path), s = TB_CFG_USB_BUS_PATH;
	else if (q->match_identity && r->match_identity && !strcmp(q->match_identity, r->match_identity))
		what = talloc_strdup(r, "the same match identity"), s = TB_CFG_MATCH_IDENTITY;	/* health data */
	else
		return 0;
	*line = tb_config_line_of(r, s);
	*errmsg = talloc_asprintf(r->bridge, "radio %s names %s, as radio %s does (line %u): one terminal can be "
				  "only one radio's; give each radio its own", r->name, what, q->name,
				  tb_config_line_of(q, s));
	talloc_free(what);
	return -EINVAL;
}

static int check_radio(struct tb_bridge *b, struct tb_radio *r, unsigned *line, char **errmsg)
{
	unsigned radio_line = tb_config_line_of(r, TB_CFG_RADIO);
	const struct tb_radio *q;
	int rc;

	if (!radio_line)
		return 0;	/* not from the file */
	if (!tb_config_line_of(r, TB_CFG_TRANSPORT)) {
		*line = radio_line;
		*errmsg = talloc_asprintf(b, "radio %s has no transport: say how its terminal is reached with "
					  "'transport sim', 'transport tty DEVICE' or 'transport usb [VID:PID]'",
					  r->name);
		return -EINVAL;
	}
	rc = check_transport_settings(r, line, errmsg);
	if (rc < 0)
		return rc;
	llist_for_each_entry(q, &b->radios, entry) {
		if (q == r)
			break;
		rc = check_two_radios(q, r, line, errmsg);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---- call-outs ------------------------------------------------------------ */

/* What the callout node refers to, given anywhere in the file: a
 * severity's plan, a plan's levels before its highest, its responders in
 * the roster (a mistyped number would alert a stranger's terminal). No
 * identity in the sentences: they may end up in a log. */
static int check_callout(struct tb_bridge *b, unsigned *line, char **errmsg)
{
	const struct tb_callout_config *c = b->callout_cfg;
	const struct tb_plan *p;

	llist_for_each_entry(p, &c->plans, entry) {
		for (unsigned lv = 1; lv <= p->n_levels; lv++) {
			const struct tb_plan_level *l = &p->levels[lv - 1];

			if (!l->configured) {
				*line = p->levels[p->n_levels - 1].line;
				*errmsg = talloc_asprintf(b, "plan %s has level %u but no level %u: levels are alerted "
							  "one after the other from level 1; give every level up to "
							  "the highest", p->name, p->n_levels, lv);
				return -EINVAL;
			}
			for (unsigned k = 0; k < l->n_responders; k++) {
				if (tb_roster_name(b->roster, &l->responders[k]))
					continue;
				*line = l->line;
				*errmsg = talloc_asprintf(b, "plan %s level %u names a responder the roster does not list "
							  "(responder %u of the level): list every responder of a plan in "
							  "the roster node (identity ID name NAME, or group ID name "
							  "NAME), so that a mistyped number cannot alert a stranger",
							  p->name, lv, k + 1);
				return -EINVAL;
			}
		}
	}
	for (unsigned s = 1; s <= TB_SEVERITY_MAX; s++) {
		const struct tb_severity *sev = &c->severity[s];

		if (!sev->configured || !sev->plan || tb_callout_plan(c, sev->plan))
			continue;
		*line = sev->line;
		*errmsg = talloc_asprintf(b, "severity %u (%s) names plan %s, which the callout node does not have; "
					  "give its levels (plan %s level 1 deadline SECONDS responder ID) or name "
					  "another", s, sev->name, sev->plan, sev->plan);
		return -EINVAL;
	}
	return 0;
}

int tb_config_check(struct tb_bridge *b, unsigned *line, char **errmsg)
{
	struct tb_radio *r;
	int rc;

	*line = 0;
	rc = check_sockets(b, line, errmsg);
	if (rc < 0)
		return rc;
	rc = check_curve(b, line, errmsg);
	if (rc < 0)
		return rc;
	llist_for_each_entry(r, &b->radios, entry) {
		rc = check_radio(b, r, line, errmsg);
		if (rc < 0)
			return rc;
	}
	return check_callout(b, line, errmsg);
}
