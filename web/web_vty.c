/* The config commands of tetra-web (libosmovty): nodes `web` and
 * `bridge NAME` (the settings: web_config.h). Each command checks its own
 * words and says what is wrong; what only the whole file can show is
 * tw_web_config_check()'s.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "web/web_config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "common/config_file.h"

enum tw_vty_node {
	WEB_NODE = _LAST_OSMOVTY_NODE + 1,
	WEB_BRIDGE_NODE,
};

static struct cmd_node web_node = { .node = WEB_NODE, .prompt = "%s(config-web)# ", .vtysh = 1 };
static struct cmd_node bridge_node = { .node = WEB_BRIDGE_NODE, .prompt = "%s(config-web-bridge)# ", .vtysh = 1 };

static char *resolve_path(const char *path)
{
	if (path[0] == '/' || !g_web_config->config_dir)
		return talloc_strdup(g_web_config, path);
	return talloc_asprintf(g_web_config, "%s/%s", g_web_config->config_dir, path);
}

/* In the file each setting is given once: a second line would replace
 * the first without a word. On a telnet VTY (none yet) it would be a
 * change. */
static bool given_twice(struct vty *vty, unsigned *lines, unsigned s, const char *what)
{
	unsigned now = tb_config_file_line();

	if (lines[s] && now) {
		vty_out(vty, "%% '%s' is given on line %u already; give it once%s", what, lines[s], VTY_NEWLINE);
		return true;
	}
	lines[s] = now ? now : lines[s];
	return false;
}

#define ONCE(s, what) \
	do { \
		if (given_twice(vty, g_web_config->line, s, what)) \
			return CMD_WARNING; \
	} while (0)

static void set_str(char **slot, char *val)
{
	talloc_free(*slot);
	*slot = val;
}

/* ---- web ---------------------------------------------------------------- */

DEFUN(cfg_web, cfg_web_cmd, "web", "Configure the web server\n")
{
	if (!g_web_config->line[TW_CFG_WEB])
		g_web_config->line[TW_CFG_WEB] = tb_config_file_line();
	vty->node = WEB_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_listen, cfg_listen_cmd, "listen ADDR <0-65535>",
      "Where browsers connect\n" "An IP address (127.0.0.1, ::1, 0.0.0.0, :: ...)\n" "TCP port (0: any free one, for tests)\n")
{
	unsigned char buf[sizeof(struct in6_addr)];

	ONCE(TW_CFG_LISTEN, "listen");
	if (inet_pton(AF_INET, argv[0], buf) != 1 && inet_pton(AF_INET6, argv[0], buf) != 1) {
		vty_out(vty, "%% listen '%s' is not an IP address (e.g. 127.0.0.1, 0.0.0.0 or ::)%s", argv[0],
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	set_str(&g_web_config->listen_addr, talloc_strdup(g_web_config, argv[0]));
	g_web_config->listen_port = atoi(argv[1]);
	return CMD_SUCCESS;
}

#define FILE_CMD(fn, cmdstr, help, field, setting, what) \
	DEFUN(fn, fn##_cmd, cmdstr " FILE", help "File name (relative: to the config file's folder)\n") \
	{ \
		ONCE(setting, what); \
		set_str(&g_web_config->field, resolve_path(argv[0])); \
		return CMD_SUCCESS; \
	}

FILE_CMD(cfg_certificate, "certificate", "The HTTPS certificate (PEM, chain after it)\n", certificate,
	 TW_CFG_CERTIFICATE, "certificate")
FILE_CMD(cfg_private_key, "private-key", "The certificate's private key (PEM)\n", private_key, TW_CFG_PRIVATE_KEY,
	 "private-key")
FILE_CMD(cfg_users, "users", "Who may sign in (tetractl web-user add)\n", users, TW_CFG_USERS, "users")
FILE_CMD(cfg_metrics_token, "metrics-token-file", "A token for /metrics (Authorization: Bearer)\n",
	 metrics_token_file, TW_CFG_METRICS_TOKEN, "metrics-token-file")
FILE_CMD(cfg_curve_key, "curve-key", "tetra-web's own CURVE key pair (tetractl keygen)\n", curve_key,
	 TW_CFG_CURVE_KEY, "curve-key")

DEFUN(cfg_static, cfg_static_cmd, "static DIR", "The page's files\n" "Folder\n")
{
	ONCE(TW_CFG_STATIC, "static");
	set_str(&g_web_config->static_dir, resolve_path(argv[0]));
	return CMD_SUCCESS;
}

DEFUN(cfg_leaflet, cfg_leaflet_cmd, "leaflet DIR", "Leaflet, served under /leaflet/\n" "Folder\n")
{
	ONCE(TW_CFG_LEAFLET, "leaflet");
	set_str(&g_web_config->leaflet_dir, resolve_path(argv[0]));
	return CMD_SUCCESS;
}

DEFUN(cfg_insecure, cfg_insecure_cmd, "insecure", "Plain HTTP (only on a loopback address)\n")
{
	ONCE(TW_CFG_INSECURE, "insecure");
	g_web_config->insecure = true;
	return CMD_SUCCESS;
}

DEFUN(cfg_idle, cfg_idle_cmd, "idle-timeout <60-86400>",
      "Sign out after this long without a request\n" "Seconds (default 900)\n")
{
	ONCE(TW_CFG_IDLE, "idle-timeout");
	g_web_config->idle_s = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_lifetime, cfg_lifetime_cmd, "session-lifetime <60-604800>",
      "Sign out this long after signing in, whatever happens\n" "Seconds (default 43200, 12 hours)\n")
{
	ONCE(TW_CFG_LIFETIME, "session-lifetime");
	g_web_config->lifetime_s = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_login_limit, cfg_login_limit_cmd, "login-limit <1-1000> <1-86400>",
      "Failed sign-ins allowed per user name and per address\n" "Count (default 5)\n"
      "Within this many seconds (default 300)\n")
{
	ONCE(TW_CFG_LOGIN_LIMIT, "login-limit");
	g_web_config->login_max = atoi(argv[0]);
	g_web_config->login_window_s = atoi(argv[1]);
	return CMD_SUCCESS;
}

DEFUN(cfg_tile_server, cfg_tile_server_cmd, "tile-server URL",
      "Map tiles for the page\n" "https://HOST/.../{z}/{x}/{y}.png\n")
{
	const char *u = argv[0];
	const char *host = u + strlen("https://");
	const char *end;

	ONCE(TW_CFG_TILE_SERVER, "tile-server");
	if (strncmp(u, "https://", 8) || !strstr(u, "{z}") || !strstr(u, "{x}") || !strstr(u, "{y}")) {
		vty_out(vty, "%% tile-server '%s' is not an https:// URL with {z}, {x} and {y} in it (e.g. "
			"https://tiles.example.org/{z}/{x}/{y}.png)%s", u, VTY_NEWLINE);
		return CMD_WARNING;
	}
	end = strchr(host, '/');
	if (end == host || strcspn(host, "{}\"' ;") < (size_t)(end ? end - host : (ptrdiff_t)strlen(host))) {
		vty_out(vty, "%% tile-server '%s' has no plain host name after https://%s", u, VTY_NEWLINE);
		return CMD_WARNING;
	}
	set_str(&g_web_config->tile_server, talloc_strdup(g_web_config, u));
	return CMD_SUCCESS;
}

DEFUN(cfg_ws_queue, cfg_ws_queue_cmd, "ws-queue <65536-1073741824> <16-1000000>",
      "What may wait for one slow browser before it is dropped\n" "Bytes (default 4194304)\n"
      "Messages (default 2000)\n")
{
	ONCE(TW_CFG_WS_QUEUE, "ws-queue");
	g_web_config->ws_queue_bytes = strtoul(argv[0], NULL, 10);
	g_web_config->ws_queue_count = atoi(argv[1]);
	return CMD_SUCCESS;
}

DEFUN(cfg_max_clients, cfg_max_clients_cmd, "max-clients <1-100000>",
      "WebSocket clients at once\n" "Count (default 500)\n")
{
	ONCE(TW_CFG_MAX_CLIENTS, "max-clients");
	g_web_config->max_clients = atoi(argv[0]);
	return CMD_SUCCESS;
}

/* ---- bridge NAME ---------------------------------------------------------- */

DEFUN(cfg_bridge, cfg_bridge_cmd, "bridge NAME", "A bridge on the board\n" "Its name on the board, e.g. lvs-1\n")
{
	struct tw_web_config *c = g_web_config;
	struct tw_bridge_config *b = NULL;

	for (unsigned i = 0; i < c->n_bridges; i++) {
		if (!strcmp(c->bridges[i]->name, argv[0]))
			b = c->bridges[i];
	}
	if (b && tb_config_file_line()) {
		vty_out(vty, "%% bridge %s is configured on line %u already; each bridge has one section%s", argv[0],
			b->line[TW_BCFG_BRIDGE], VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (!b) {
		if (!osmo_identifier_valid(argv[0]) || strlen(argv[0]) > 63) {
			vty_out(vty, "%% bridge name '%s' may only use letters, digits and - _ (at most 63)%s",
				argv[0], VTY_NEWLINE);
			return CMD_WARNING;
		}
		if (c->n_bridges == TW_MAX_BRIDGES) {
			vty_out(vty, "%% at most %u bridges%s", TW_MAX_BRIDGES, VTY_NEWLINE);
			return CMD_WARNING;
		}
		b = talloc_zero(c, struct tw_bridge_config);
		b->name = talloc_strdup(b, argv[0]);
		b->line[TW_BCFG_BRIDGE] = tb_config_file_line();
		c->bridges[c->n_bridges++] = b;
	}
	vty->index = b;
	vty->node = WEB_BRIDGE_NODE;
	return CMD_SUCCESS;
}

/* tcp://HOST:PORT or ipc://PATH: what ZeroMQ connects to. */
static bool endpoint_ok(const char *s)
{
	return (!strncmp(s, "tcp://", 6) && strchr(s + 6, ':')) || (!strncmp(s, "ipc://", 6) && s[6]);
}

static int set_endpoint(struct vty *vty, enum tw_bridge_setting s, char **slot, const char *arg, const char *what)
{
	struct tw_bridge_config *b = vty->index;

	if (given_twice(vty, b->line, s, what))
		return CMD_WARNING;
	if (!endpoint_ok(arg)) {
		vty_out(vty, "%% bridge %s: %s '%s' is not tcp://HOST:PORT or ipc://PATH%s", b->name, what, arg,
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	set_str(slot, talloc_strdup(b, arg));
	return CMD_SUCCESS;
}

DEFUN(cfg_bridge_events, cfg_bridge_events_cmd, "events ENDPOINT",
      "The bridge's event socket (its `events bind`)\n" "tcp://HOST:PORT or ipc://PATH\n")
{
	struct tw_bridge_config *b = vty->index;

	return set_endpoint(vty, TW_BCFG_EVENTS, &b->events, argv[0], "events");
}

DEFUN(cfg_bridge_commands, cfg_bridge_commands_cmd, "commands ENDPOINT",
      "The bridge's command socket (its `commands bind`)\n" "tcp://HOST:PORT or ipc://PATH\n")
{
	struct tw_bridge_config *b = vty->index;

	return set_endpoint(vty, TW_BCFG_COMMANDS, &b->commands, argv[0], "commands");
}

DEFUN(cfg_bridge_server_key, cfg_bridge_server_key_cmd, "server-key FILE",
      "The bridge's public CURVE key (its server key's .pub)\n" "File name, or the 40-character key\n")
{
	struct tw_bridge_config *b = vty->index;

	if (given_twice(vty, b->line, TW_BCFG_SERVER_KEY, "server-key"))
		return CMD_WARNING;
	set_str(&b->server_key, strlen(argv[0]) == 40 && !strchr(argv[0], '/') ? talloc_strdup(b, argv[0])
										  : resolve_path(argv[0]));
	return CMD_SUCCESS;
}

/* ---- write back ------------------------------------------------------------ */

static int config_write_web(struct vty *vty)
{
	const struct tw_web_config *c = g_web_config;

	vty_out(vty, "web%s", VTY_NEWLINE);
	if (c->listen_addr)
		vty_out(vty, " listen %s %u%s", c->listen_addr, c->listen_port, VTY_NEWLINE);
	if (c->certificate)
		vty_out(vty, " certificate %s%s", c->certificate, VTY_NEWLINE);
	if (c->private_key)
		vty_out(vty, " private-key %s%s", c->private_key, VTY_NEWLINE);
	if (c->insecure)
		vty_out(vty, " insecure%s", VTY_NEWLINE);
	if (c->users)
		vty_out(vty, " users %s%s", c->users, VTY_NEWLINE);
	vty_out(vty, " static %s%s", c->static_dir, VTY_NEWLINE);
	vty_out(vty, " leaflet %s%s", c->leaflet_dir, VTY_NEWLINE);
	vty_out(vty, " idle-timeout %u%s", c->idle_s, VTY_NEWLINE);
	vty_out(vty, " session-lifetime %u%s", c->lifetime_s, VTY_NEWLINE);
	vty_out(vty, " login-limit %u %u%s", c->login_max, c->login_window_s, VTY_NEWLINE);
	if (c->metrics_token_file)
		vty_out(vty, " metrics-token-file %s%s", c->metrics_token_file, VTY_NEWLINE);
	if (c->tile_server)
		vty_out(vty, " tile-server %s%s", c->tile_server, VTY_NEWLINE);
	if (c->curve_key)
		vty_out(vty, " curve-key %s%s", c->curve_key, VTY_NEWLINE);
	vty_out(vty, " ws-queue %zu %u%s", c->ws_queue_bytes, c->ws_queue_count, VTY_NEWLINE);
	vty_out(vty, " max-clients %u%s", c->max_clients, VTY_NEWLINE);
	return CMD_SUCCESS;
}

static int config_write_bridges(struct vty *vty)
{
	for (unsigned i = 0; i < g_web_config->n_bridges; i++) {
		const struct tw_bridge_config *b = g_web_config->bridges[i];

		vty_out(vty, "bridge %s%s", b->name, VTY_NEWLINE);
		if (b->events)
			vty_out(vty, " events %s%s", b->events, VTY_NEWLINE);
		if (b->commands)
			vty_out(vty, " commands %s%s", b->commands, VTY_NEWLINE);
		if (b->server_key)
			vty_out(vty, " server-key %s%s", b->server_key, VTY_NEWLINE);
	}
	return CMD_SUCCESS;
}

void tw_web_vty_init(void)
{
	install_element(CONFIG_NODE, &cfg_web_cmd);
	install_node(&web_node, config_write_web);
	install_element(WEB_NODE, &cfg_listen_cmd);
	install_element(WEB_NODE, &cfg_certificate_cmd);
	install_element(WEB_NODE, &cfg_private_key_cmd);
	install_element(WEB_NODE, &cfg_insecure_cmd);
	install_element(WEB_NODE, &cfg_users_cmd);
	install_element(WEB_NODE, &cfg_static_cmd);
	install_element(WEB_NODE, &cfg_leaflet_cmd);
	install_element(WEB_NODE, &cfg_idle_cmd);
	install_element(WEB_NODE, &cfg_lifetime_cmd);
	install_element(WEB_NODE, &cfg_login_limit_cmd);
	install_element(WEB_NODE, &cfg_metrics_token_cmd);
	install_element(WEB_NODE, &cfg_tile_server_cmd);
	install_element(WEB_NODE, &cfg_curve_key_cmd);
	install_element(WEB_NODE, &cfg_ws_queue_cmd);
	install_element(WEB_NODE, &cfg_max_clients_cmd);

	install_element(CONFIG_NODE, &cfg_bridge_cmd);
	install_node(&bridge_node, config_write_bridges);
	install_element(WEB_BRIDGE_NODE, &cfg_bridge_events_cmd);
	install_element(WEB_BRIDGE_NODE, &cfg_bridge_commands_cmd);
	install_element(WEB_BRIDGE_NODE, &cfg_bridge_server_key_cmd);
}
