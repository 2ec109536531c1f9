/* What a config file cannot mean (see config_check.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/config_check.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/talloc.h>
#include <osmocom/vty/vty.h>

#include "bridge/bridge.h"
#include "bridge/config_file.h"
#include "bridge/endpoint.h"

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

int tb_config_check(struct tb_bridge *b, unsigned *line, char **errmsg)
{
	*line = 0;
	return check_sockets(b, line, errmsg);
}
