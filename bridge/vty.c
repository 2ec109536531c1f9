/* Configuration file and telnet VTY (libosmocore vty). The config file is
 * read through the same commands a person types on the telnet VTY, and
 * `write terminal` prints it back, so the file round-trips.
 *
 *   bridge
 *    id NAME
 *    events bind ENDPOINT
 *    timer ...                 (X1..X4, see `show timer`)
 *   radio NAME
 *    transport sim | transport tty DEVICE [BAUD]
 *    profile motorola|sepura|generic
 *    simulate SCENARIO-FILE    (sim)
 *    sim-identity TSI          (sim: 17 digits)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/vty.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/utils.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/logging.h>
#include <osmocom/vty/misc.h>
#include <osmocom/vty/tdef_vty.h>
#include <osmocom/vty/vty.h>

#include "bridge/bridge.h"
#include "bridge/radio.h"
#include "codecs/pei_urc.h"
#include "radio-drivers/radio_link.h"

enum tb_vty_node {
	BRIDGE_NODE = _LAST_OSMOVTY_NODE + 1,
	RADIO_NODE,
};

/* Relative file names in the config are relative to the config file. */
static char *g_config_dir;

static struct cmd_node bridge_node = { .node = BRIDGE_NODE, .prompt = "%s(config-bridge)# ", .vtysh = 1 };
static struct cmd_node radio_node = { .node = RADIO_NODE, .prompt = "%s(config-radio)# ", .vtysh = 1 };

static char *resolve_path(void *ctx, const char *path)
{
	if (path[0] == '/' || !g_config_dir)
		return talloc_strdup(ctx, path);
	return talloc_asprintf(ctx, "%s/%s", g_config_dir, path);
}

/* ---- bridge node -------------------------------------------------------- */

DEFUN(cfg_bridge, cfg_bridge_cmd, "bridge", "Configure this bridge\n")
{
	vty->node = BRIDGE_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_bridge_id, cfg_bridge_id_cmd, "id NAME",
      "Bridge id carried in every event\n" "Name, e.g. the site: sunnfjord-lvs\n")
{
	if (!osmo_identifier_valid(argv[0])) {
		vty_out(vty, "%% bridge id '%s' may only use letters, digits and - _ (no spaces or dots)%s",
			argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_talloc_replace_string(g_bridge, &g_bridge->id, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_bridge_events_bind, cfg_bridge_events_bind_cmd, "events bind ENDPOINT",
      "Event stream (ZeroMQ PUB)\n" "Where to listen\n"
      "ZeroMQ endpoint, e.g. tcp://127.0.0.1:5560 or ipc:///run/tetra-bridge/events\n")
{
	if (strncmp(argv[0], "tcp://", 6) && strncmp(argv[0], "ipc://", 6)) {
		vty_out(vty, "%% events endpoint '%s' must start with tcp:// or ipc://%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_talloc_replace_string(g_bridge, &g_bridge->events_endpoint, argv[0]);
	return CMD_SUCCESS;
}

static int config_write_bridge(struct vty *vty)
{
	vty_out(vty, "bridge%s", VTY_NEWLINE);
	vty_out(vty, " id %s%s", g_bridge->id, VTY_NEWLINE);
	vty_out(vty, " events bind %s%s", g_bridge->events_endpoint, VTY_NEWLINE);
	osmo_tdef_vty_groups_write(vty, " ");
	return CMD_SUCCESS;
}

/* ---- radio node --------------------------------------------------------- */

DEFUN(cfg_radio, cfg_radio_cmd, "radio NAME",
      "Configure a radio terminal\n" "Its name in events and topics, e.g. lvs-1\n")
{
	struct tb_radio *r;

	if (!osmo_identifier_valid(argv[0])) {
		vty_out(vty, "%% radio name '%s' may only use letters, digits and - _ (no spaces or dots)%s",
			argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	r = tb_radio_find(g_bridge, argv[0]);
	if (!r)
		r = tb_radio_alloc(g_bridge, argv[0]);
	if (!r)
		return CMD_WARNING;
	vty->index = r;
	vty->node = RADIO_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_radio_transport_sim, cfg_radio_transport_sim_cmd, "transport sim",
      "How the terminal is reached\n" "A simulated terminal inside the daemon (no hardware)\n")
{
	struct tb_radio *r = vty->index;
	r->transport = TB_RADIO_SIM;
	return CMD_SUCCESS;
}

DEFUN(cfg_radio_transport_tty, cfg_radio_transport_tty_cmd, "transport tty DEVICE [<300-4000000>]",
      "How the terminal is reached\n" "A serial port or pty\n"
      "Device, e.g. /dev/ttyUSB0\n" "Baud rate (default 115200)\n")
{
	struct tb_radio *r = vty->index;
	r->transport = TB_RADIO_TTY;
	osmo_talloc_replace_string(r, &r->tty_path, argv[0]);
	r->baud = argc > 1 ? atoi(argv[1]) : 115200;
	return CMD_SUCCESS;
}

DEFUN(cfg_radio_profile, cfg_radio_profile_cmd, "profile (motorola|sepura|generic)",
      "Device profile: init sequence and quirks\n"
      "Motorola PEI\n" "Sepura PEI (never sent ATZ)\n" "Any ETSI PEI terminal\n")
{
	struct tb_radio *r = vty->index;
	r->profile = tb_profile_find(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_radio_simulate, cfg_radio_simulate_cmd, "simulate SCENARIO",
      "Scenario the simulated terminal plays\n" "Scenario file (relative to the config file)\n")
{
	struct tb_radio *r = vty->index;
	char *path = resolve_path(r, argv[0]);

	if (access(path, R_OK) < 0) {
		vty_out(vty, "%% cannot read scenario file %s: %s%s", path, strerror(errno), VTY_NEWLINE);
		talloc_free(path);
		return CMD_WARNING;
	}
	talloc_free(r->scenario);
	r->scenario = path;
	return CMD_SUCCESS;
}

DEFUN(cfg_radio_sim_identity, cfg_radio_sim_identity_cmd, "sim-identity TSI",
      "Identity the simulated terminal reports (AT+CNUMF?)\n"
      "17 digits: MCC(4) MNC(5) SSI(8), e.g. 02420001600001001\n")
{
	struct tb_radio *r = vty->index;
	struct tetra_identity id;

	if (strlen(argv[0]) != 17 || tetra_identity_parse(argv[0], 17, TETRA_ID_TSI, &id) < 0) {
		vty_out(vty, "%% sim-identity '%s' is not a 17-digit TSI (MCC 4, MNC 5, SSI 8 digits)%s",
			argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_talloc_replace_string(r, &r->sim_identity, argv[0]);
	return CMD_SUCCESS;
}

static int config_write_radios(struct vty *vty)
{
	struct tb_radio *r;

	llist_for_each_entry(r, &g_bridge->radios, entry) {
		vty_out(vty, "radio %s%s", r->name, VTY_NEWLINE);
		if (r->transport == TB_RADIO_TTY)
			vty_out(vty, " transport tty %s %u%s", r->tty_path, r->baud, VTY_NEWLINE);
		else
			vty_out(vty, " transport sim%s", VTY_NEWLINE);
		vty_out(vty, " profile %s%s", r->profile->name, VTY_NEWLINE);
		if (r->scenario)
			vty_out(vty, " simulate %s%s", r->scenario, VTY_NEWLINE);
		if (r->sim_identity)
			vty_out(vty, " sim-identity %s%s", r->sim_identity, VTY_NEWLINE);
	}
	return CMD_SUCCESS;
}

/* ---- show --------------------------------------------------------------- */

static void show_radio(struct vty *vty, const struct tb_radio *r)
{
	const struct tb_radio_link *rl = r->link;
	char idbuf[40] = "-";
	char since[32] = "-";

	vty_out(vty, "radio %s%s", r->name, VTY_NEWLINE);
	if (!rl) {
		vty_out(vty, "  not started%s", VTY_NEWLINE);
		return;
	}
	const struct tb_transport *t = tb_radio_link_transport(rl);
	const struct tetra_identity *id = tb_radio_link_identity(rl);
	const struct tb_radio_link_stats *ls = tb_radio_link_stats(rl);
	const struct tb_at_stats *as = tb_at_stats(tb_radio_link_at(rl));
	const struct tb_pei_framer_stats *fs = tb_at_framer_stats(tb_radio_link_at(rl));
	time_t up = tb_radio_link_up_since(rl);

	if (id->type != TETRA_ID_NONE)
		tetra_identity_print(idbuf, sizeof(idbuf), id);
	if (up) {
		struct tm tm;
		strftime(since, sizeof(since), "%Y-%m-%d %H:%M:%S", localtime_r(&up, &tm));
	}
	vty_out(vty, "  transport %s %s, profile %s%s", t->ops->kind, t->ops->describe(t), r->profile->name,
		VTY_NEWLINE);
	vty_out(vty, "  link %s, online since %s, identity %s%s", tb_radio_link_state_name(rl), since, idbuf,
		VTY_NEWLINE);
	if (tb_radio_link_last_error(rl)[0])
		vty_out(vty, "  last error: %s%s", tb_radio_link_last_error(rl), VTY_NEWLINE);
	vty_out(vty, "  bytes in %" PRIu64 " out %" PRIu64 ", lines in %" PRIu64 ", commands %" PRIu64
		", events %" PRIu64 "%s", t->rx_bytes, t->tx_bytes, fs->lines, as->cmds, r->events, VTY_NEWLINE);
	vty_out(vty, "  errors: decode %" PRIu64 ", unknown %" PRIu64 ", garbage bytes %" PRIu64
		", over-long lines %" PRIu64 ", AT timeouts %" PRIu64 ", AT errors %" PRIu64
		", link losses %" PRIu64 ", open failures %" PRIu64 "%s",
		ls->decode_errors, ls->unknown_urcs, fs->garbage, fs->overlong, as->timeouts, as->errors,
		ls->link_losses, ls->open_failures, VTY_NEWLINE);
}

DEFUN(show_radios, show_radios_cmd, "show radios [NAME]",
      SHOW_STR "Radio terminals: transport, link state, identity, counters\n" "Only this radio\n")
{
	struct tb_radio *r;

	if (argc > 0) {
		r = tb_radio_find(g_bridge, argv[0]);
		if (!r) {
			vty_out(vty, "%% no radio named %s%s", argv[0], VTY_NEWLINE);
			return CMD_WARNING;
		}
		show_radio(vty, r);
		return CMD_SUCCESS;
	}
	if (llist_empty(&g_bridge->radios))
		vty_out(vty, "no radios configured%s", VTY_NEWLINE);
	llist_for_each_entry(r, &g_bridge->radios, entry)
		show_radio(vty, r);
	return CMD_SUCCESS;
}

static struct osmo_tdef_group tb_tdef_groups[] = {
	{ .name = "radio", .desc = "Radio link timers", .tdefs = tb_radio_link_tdefs },
	{}
};

void tb_vty_init(void)
{
	install_element(CONFIG_NODE, &cfg_bridge_cmd);
	install_node(&bridge_node, config_write_bridge);
	install_element(BRIDGE_NODE, &cfg_bridge_id_cmd);
	install_element(BRIDGE_NODE, &cfg_bridge_events_bind_cmd);
	osmo_tdef_vty_groups_init(BRIDGE_NODE, tb_tdef_groups);

	install_element(CONFIG_NODE, &cfg_radio_cmd);
	install_node(&radio_node, config_write_radios);
	install_element(RADIO_NODE, &cfg_radio_transport_sim_cmd);
	install_element(RADIO_NODE, &cfg_radio_transport_tty_cmd);
	install_element(RADIO_NODE, &cfg_radio_profile_cmd);
	install_element(RADIO_NODE, &cfg_radio_simulate_cmd);
	install_element(RADIO_NODE, &cfg_radio_sim_identity_cmd);

	install_element_ve(&show_radios_cmd);
}

void tb_vty_set_config_file(const char *path)
{
	char *copy = talloc_strdup(g_bridge, path);
	char *slash = strrchr(copy, '/');

	talloc_free(g_config_dir);
	if (slash) {
		*slash = '\0';
		g_config_dir = copy[0] ? copy : talloc_strdup(g_bridge, "/");
	} else {
		talloc_free(copy);
		g_config_dir = NULL;
	}
}
