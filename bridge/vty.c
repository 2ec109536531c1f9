/* Configuration file and telnet VTY (libosmocore vty). The config file is
 * read through the same commands a person types on the telnet VTY, and
 * `write terminal` prints it back, so the file round-trips.
 *
 *   bridge
 *    id NAME
 *    events bind ENDPOINT
 *    commands bind ENDPOINT
 *    state-dir DIR             (journal + outgoing queue; default ./var)
 *    journal retention days N | journal retention size MB | journal sync normal|full
 *    curve server-key FILE     (CURVE on both sockets ...)
 *    curve clients FILE        (... for the client keys listed, with roles)
 *    insecure                  (plain sockets on non-loopback addresses)
 *    timer radio X1..X4 ...    (link timers, see `show timer`)
 *    timer sds X10 ...         (concatenated text reassembly timeout)
 *    timer outgoing X11..X15   (deadline, report wait, busy retry, air wait)
 *    timer callout X20..X23    (call-out deadlines, bridge/callout_config.h)
 *   radio NAME
 *    transport sim | transport tty DEVICE [BAUD] | transport usb [VID:PID]
 *    usb profile motorola|airbus|cdc-acm   (usb: descriptors layout, PEI profile)
 *    usb serial SERIAL         (usb: iSerialNumber)
 *    usb bus-path PATH         (usb: port, e.g. 1-1.2)
 *    usb interface N           (usb: the interface carrying the PEI)
 *    profile motorola|sepura|generic   (usb: default from the usb profile)
 *    simulate SCENARIO-FILE    (sim)
 *    sim-identity TSI          (sim: 17 digits)
 *    match identity TSI        (only the terminal reporting this TSI)
 *    callout-service           (register for call-out PDUs: AT+CTSP=1,3,195)
 *   roster                     (names and meanings: bridge/vty_roster.c)
 *   callout                    (call-out settings: bridge/vty_callout.c)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/vty.h"
#include "bridge/backup.h"
#include "bridge/callout_vty.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/utils.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/logging.h>
#include <osmocom/vty/misc.h>
#include <osmocom/vty/tdef_vty.h>
#include <osmocom/vty/telnet_interface.h>
#include <osmocom/core/signal.h>
#include <fcntl.h>
#include <osmocom/vty/vty.h>

#include "bridge/bridge.h"
#include "bridge/callout_config.h"
#include "bridge/config_check.h"
#include "ipc/endpoint.h"
#include "bridge/journal.h"
#include "bridge/log_vty.h"
#include "bridge/outbox.h"
#include "bridge/radio.h"
#include "common/config_file.h"
#include "common/counters.h"
#include "ipc/command_server.h"
#include "ipc/publisher.h"
#include "ipc/security.h"
#include "codecs/pei_urc.h"
#include "radio-drivers/radio_link.h"
#include "radio-drivers/sim_terminal.h"
#include "radio-drivers/usb.h"
#include "radio-drivers/usb_profile.h"

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

/* In the config file each setting is given once: a second line would
 * replace the first without a word. (On the telnet VTY, giving it again
 * is how a setting changes: nothing is noted there.) */
static bool given_twice(struct vty *vty, const struct tb_radio *r, enum tb_config_setting s, const char *what)
{
	unsigned first = tb_config_note(r ? (const void *)r : g_bridge, s);

	if (!first)
		return false;
	vty_out(vty, "%% %s%s%s'%s' is given on line %u already; give it once (the second would replace the "
		"first without a word)%s", r ? "radio " : "", r ? r->name : "", r ? ": " : "", what, first,
		VTY_NEWLINE);
	return true;
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
	if (given_twice(vty, NULL, TB_CFG_ID, "id"))
		return CMD_WARNING;
	if (!osmo_identifier_valid(argv[0])) {
		vty_out(vty, "%% bridge id '%s' may only use letters, digits and - _ (no spaces or dots)%s",
			argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_talloc_replace_string(g_bridge, &g_bridge->id, argv[0]);
	return CMD_SUCCESS;
}

/* A ZeroMQ endpoint the bridge binds: tcp://HOST:PORT or ipc://PATH, a
 * port ZeroMQ can bind (not refused later for something else). */
static int set_endpoint(struct vty *vty, char **slot, const char *arg, const char *what)
{
	struct tb_endpoint ep;
	char why[160];

	if (tb_endpoint_parse(arg, &ep, why, sizeof(why)) < 0) {
		vty_out(vty, "%% %s bind %s: %s%s", what, arg, why, VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_talloc_replace_string(g_bridge, slot, arg);
	return CMD_SUCCESS;
}

DEFUN(cfg_bridge_events_bind, cfg_bridge_events_bind_cmd, "events bind ENDPOINT",
      "Event stream (ZeroMQ PUB)\n" "Where to listen\n"
      "ZeroMQ endpoint, e.g. tcp://127.0.0.1:5560 or ipc:///run/tetra-bridge/events\n")
{
	if (given_twice(vty, NULL, TB_CFG_EVENTS_BIND, "events bind"))
		return CMD_WARNING;
	return set_endpoint(vty, &g_bridge->events_endpoint, argv[0], "events");
}

DEFUN(cfg_bridge_commands_bind, cfg_bridge_commands_bind_cmd, "commands bind ENDPOINT",
      "Command socket (ZeroMQ ROUTER)\n" "Where to listen\n"
      "ZeroMQ endpoint, e.g. tcp://127.0.0.1:5561 or ipc:///run/tetra-bridge/commands\n")
{
	if (given_twice(vty, NULL, TB_CFG_COMMANDS_BIND, "commands bind"))
		return CMD_WARNING;
	return set_endpoint(vty, &g_bridge->commands_endpoint, argv[0], "commands");
}

DEFUN(cfg_bridge_state_dir, cfg_bridge_state_dir_cmd, "state-dir DIR",
      "Where the journal and the outgoing queue are kept\n"
      "Directory (relative to the config file; created if missing, mode 0700)\n")
{
	char *path;

	if (given_twice(vty, NULL, TB_CFG_STATE_DIR, "state-dir"))
		return CMD_WARNING;
	path = resolve_path(g_bridge, argv[0]);
	talloc_free(g_bridge->state_dir);
	g_bridge->state_dir = path;
	return CMD_SUCCESS;
}

DEFUN(cfg_bridge_retention_days, cfg_bridge_retention_days_cmd, "journal retention days <0-36500>",
      "The event journal\n" "How long events are kept\n" "By age\n" "Days (0: no age limit)\n")
{
	if (given_twice(vty, NULL, TB_CFG_RETENTION_DAYS, "journal retention days"))
		return CMD_WARNING;
	g_bridge->retention_days = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_bridge_retention_size, cfg_bridge_retention_size_cmd, "journal retention size <0-1048576>",
      "The event journal\n" "How long events are kept\n" "By size: the oldest go first\n"
      "Megabytes (0: no size limit)\n")
{
	if (given_twice(vty, NULL, TB_CFG_RETENTION_SIZE, "journal retention size"))
		return CMD_WARNING;
	g_bridge->retention_mb = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_bridge_journal_sync, cfg_bridge_journal_sync_cmd, "journal sync (normal|full)",
      "The event journal\n" "When an event counts as stored\n"
      "In the operating system (survives the daemon being killed; a power cut may lose the last moments)\n"
      "On the disk (fsync for every event: slower)\n")
{
	if (given_twice(vty, NULL, TB_CFG_JOURNAL_SYNC, "journal sync"))
		return CMD_WARNING;
	g_bridge->journal_sync_full = strcmp(argv[0], "full") == 0;
	return CMD_SUCCESS;
}

/* A file the config names: relative to the config file, readable now. */
static int set_readable_file(struct vty *vty, char **slot, const char *arg, const char *what)
{
	char *path = resolve_path(g_bridge, arg);

	if (access(path, R_OK) < 0) {
		vty_out(vty, "%% cannot read %s %s: %s%s", what, path, strerror(errno), VTY_NEWLINE);
		talloc_free(path);
		return CMD_WARNING;
	}
	talloc_free(*slot);
	*slot = path;
	return CMD_SUCCESS;
}

DEFUN(cfg_bridge_curve_server_key, cfg_bridge_curve_server_key_cmd, "curve server-key FILE",
      "CURVE encryption and client keys for both sockets\n" "The bridge's own key pair\n"
      "Key file written by `tetractl keygen` (the .key file; relative to the config file)\n")
{
	if (given_twice(vty, NULL, TB_CFG_CURVE_SERVER_KEY, "curve server-key"))
		return CMD_WARNING;
	return set_readable_file(vty, &g_bridge->curve_server_key, argv[0], "server key file");
}

DEFUN(cfg_bridge_curve_clients, cfg_bridge_curve_clients_cmd, "curve clients FILE",
      "CURVE encryption and client keys for both sockets\n" "Who may connect, with which role\n"
      "Clients file: lines `<observer|dispatcher|admin> <public key> <name> [gateway]` (relative to the config "
      "file)\n")
{
	if (given_twice(vty, NULL, TB_CFG_CURVE_CLIENTS, "curve clients"))
		return CMD_WARNING;
	return set_readable_file(vty, &g_bridge->curve_clients, argv[0], "clients file");
}

DEFUN(cfg_bridge_no_curve, cfg_bridge_no_curve_cmd, "no curve",
      NO_STR "No CURVE: plain sockets, loopback only (unless insecure)\n")
{
	TALLOC_FREE(g_bridge->curve_server_key);
	TALLOC_FREE(g_bridge->curve_clients);
	return CMD_SUCCESS;
}

DEFUN(cfg_bridge_insecure, cfg_bridge_insecure_cmd, "insecure",
      "Allow plain (unencrypted, unauthenticated) sockets on addresses other machines can reach\n")
{
	g_bridge->insecure = true;
	return CMD_SUCCESS;
}

DEFUN(cfg_bridge_no_insecure, cfg_bridge_no_insecure_cmd, "no insecure",
      NO_STR "Plain sockets only on loopback (the default)\n")
{
	g_bridge->insecure = false;
	return CMD_SUCCESS;
}

static int config_write_bridge(struct vty *vty)
{
	vty_out(vty, "bridge%s", VTY_NEWLINE);
	vty_out(vty, " id %s%s", g_bridge->id, VTY_NEWLINE);
	vty_out(vty, " events bind %s%s", g_bridge->events_endpoint, VTY_NEWLINE);
	vty_out(vty, " commands bind %s%s", g_bridge->commands_endpoint, VTY_NEWLINE);
	vty_out(vty, " state-dir %s%s", g_bridge->state_dir, VTY_NEWLINE);
	vty_out(vty, " journal retention days %" PRIu64 "%s", g_bridge->retention_days, VTY_NEWLINE);
	vty_out(vty, " journal retention size %" PRIu64 "%s", g_bridge->retention_mb, VTY_NEWLINE);
	vty_out(vty, " journal sync %s%s", g_bridge->journal_sync_full ? "full" : "normal", VTY_NEWLINE);
	if (g_bridge->curve_server_key)
		vty_out(vty, " curve server-key %s%s", g_bridge->curve_server_key, VTY_NEWLINE);
	if (g_bridge->curve_clients)
		vty_out(vty, " curve clients %s%s", g_bridge->curve_clients, VTY_NEWLINE);
	if (g_bridge->insecure)
		vty_out(vty, " insecure%s", VTY_NEWLINE);
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
	if (r && tb_config_file_line()) {
		/* A second block would change the first radio, not add one. */
		vty_out(vty, "%% radio %s is configured on line %u already; each radio has one block and a "
			"name of its own%s", argv[0], tb_config_line_of(r, TB_CFG_RADIO), VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (!r)
		r = tb_radio_alloc(g_bridge, argv[0]);
	if (!r)
		return CMD_WARNING;
	tb_config_note(r, TB_CFG_RADIO);
	vty->index = r;
	vty->node = RADIO_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_radio_transport_sim, cfg_radio_transport_sim_cmd, "transport sim",
      "How the terminal is reached\n" "A simulated terminal inside the daemon (no hardware)\n")
{
	struct tb_radio *r = vty->index;

	if (given_twice(vty, r, TB_CFG_TRANSPORT, "transport"))
		return CMD_WARNING;
	r->transport = TB_RADIO_SIM;
	return CMD_SUCCESS;
}

DEFUN(cfg_radio_transport_tty, cfg_radio_transport_tty_cmd, "transport tty DEVICE [<300-4000000>]",
      "How the terminal is reached\n" "A serial port or pty\n"
      "Device, e.g. /dev/ttyUSB0\n" "Baud rate (default 115200)\n")
{
	struct tb_radio *r = vty->index;
	struct stat st;

	if (given_twice(vty, r, TB_CFG_TRANSPORT, "transport"))
		return CMD_WARNING;
	/* A device that is not there yet may come (a USB serial adapter);
	 * a file or a folder never becomes a terminal. */
	if (stat(argv[0], &st) == 0 && !S_ISCHR(st.st_mode)) {
		vty_out(vty, "%% transport tty %s: it is a %s, not a serial device (e.g. /dev/ttyUSB0)%s", argv[0],
			S_ISDIR(st.st_mode) ? "directory" : S_ISREG(st.st_mode) ? "regular file" : "special file",
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	r->transport = TB_RADIO_TTY;
	osmo_talloc_replace_string(r, &r->tty_path, argv[0]);
	r->baud = argc > 1 ? atoi(argv[1]) : 115200;
	return CMD_SUCCESS;
}

DEFUN(cfg_radio_transport_usb, cfg_radio_transport_usb_cmd, "transport usb [VID:PID]",
      "How the terminal is reached\n"
      "A USB terminal through libusb (found again whatever port or order it is plugged in)\n"
      "Vendor:product in hex, e.g. 0cad:9015; without it any terminal a usb profile knows "
      "(narrow it down with 'usb serial', 'usb bus-path', 'usb profile' or 'match identity')\n")
{
	struct tb_radio *r = vty->index;
	unsigned vid = 0, pid = 0;
	int n = 0;

	if (given_twice(vty, r, TB_CFG_TRANSPORT, "transport"))
		return CMD_WARNING;
	if (argc > 0 && (strlen(argv[0]) != 9 || sscanf(argv[0], "%4x:%4x%n", &vid, &pid, &n) != 2 || n != 9 ||
			 !isxdigit((unsigned char)argv[0][0]) || !isxdigit((unsigned char)argv[0][5]))) {
		vty_out(vty, "%% '%s' is not VID:PID, four hex digits each (e.g. 0cad:9015)%s", argv[0],
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	r->transport = TB_RADIO_USB;
	r->usb_vid = vid;
	r->usb_pid = pid;
	return CMD_SUCCESS;
}

DEFUN(cfg_radio_usb_serial, cfg_radio_usb_serial_cmd, "usb serial SERIAL",
      "Which USB terminal (with transport usb)\n"
      "By its USB serial number (iSerialNumber; `show usb` lists them)\n" "The serial number, exact\n")
{
	struct tb_radio *r = vty->index;

	if (given_twice(vty, r, TB_CFG_USB_SERIAL, "usb serial"))
		return CMD_WARNING;
	if (strlen(argv[0]) >= sizeof(((struct tb_usb_device_info *)0)->serial)) {
		vty_out(vty, "%% usb serial '%s' is too long%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_talloc_replace_string(r, &r->usb_serial, argv[0]);
	return CMD_SUCCESS;
}

static bool bus_path_valid(const char *p)
{
	/* bus "-" port ["." port ...], e.g. 1-1.2 */
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p++ != '-')
		return false;
	for (;;) {
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
		if (*p == '\0')
			return true;
		if (*p++ != '.')
			return false;
	}
}

DEFUN(cfg_radio_usb_bus_path, cfg_radio_usb_bus_path_cmd, "usb bus-path PATH",
      "Which USB terminal (with transport usb)\n"
      "By the port it is plugged into (`show usb` lists them)\n"
      "Bus and port numbers as Linux names them, e.g. 1-1.2 (bus 1, hub port 1, port 2)\n")
{
	struct tb_radio *r = vty->index;

	if (given_twice(vty, r, TB_CFG_USB_BUS_PATH, "usb bus-path"))
		return CMD_WARNING;
	if (strlen(argv[0]) >= sizeof(((struct tb_usb_device_info *)0)->bus_path) || !bus_path_valid(argv[0])) {
		vty_out(vty, "%% usb bus-path '%s' is not BUS-PORT[.PORT...], e.g. 1-1.2%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_talloc_replace_string(r, &r->usb_bus_path, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_radio_usb_interface, cfg_radio_usb_interface_cmd, "usb interface <0-255>",
      "How to talk to the USB terminal (with transport usb)\n"
      "The interface carrying the PEI (default: the usb profile's; for CDC-ACM the data interface)\n"
      "Interface number\n")
{
	struct tb_radio *r = vty->index;

	if (given_twice(vty, r, TB_CFG_USB_INTERFACE, "usb interface"))
		return CMD_WARNING;
	r->usb_interface = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_radio_usb_profile, cfg_radio_usb_profile_cmd, "usb profile (motorola|airbus|cdc-acm)",
      "How to talk to the USB terminal (with transport usb)\n"
      "USB profile: its interfaces, and the PEI init sequence unless 'profile' says otherwise "
      "(default: by VID:PID)\n"
      "Motorola PEI: vendor-class bulk interfaces (0cad:9011/9012/9013/9015/9016)\n"
      "Airbus terminal (1e8e:6001)\n"
      "Any CDC-ACM terminal or cable (Sepura, Hytera ...): give its VID:PID with 'transport usb'\n")
{
	struct tb_radio *r = vty->index;
	const struct tb_usb_profile *up = tb_usb_profile_find(argv[0]);

	if (given_twice(vty, r, TB_CFG_USB_PROFILE, "usb profile"))
		return CMD_WARNING;
	if (!up) {
		vty_out(vty, "%% no usb profile '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	r->usb_profile = up;
	return CMD_SUCCESS;
}

DEFUN(cfg_radio_no_usb, cfg_radio_no_usb_cmd, "no usb (serial|bus-path|interface|profile)",
      NO_STR "Which USB terminal / how to talk to it\n"
      "Any serial number\n" "Any port\n" "The usb profile's interface\n" "The profile by VID:PID\n")
{
	struct tb_radio *r = vty->index;

	if (!strcmp(argv[0], "serial"))
		TALLOC_FREE(r->usb_serial);
	else if (!strcmp(argv[0], "bus-path"))
		TALLOC_FREE(r->usb_bus_path);
	else if (!strcmp(argv[0], "interface"))
		r->usb_interface = -1;
	else
		r->usb_profile = NULL;
	return CMD_SUCCESS;
}

DEFUN(cfg_radio_profile, cfg_radio_profile_cmd, "profile (motorola|sepura|generic)",
      "Device profile: the PEI init sequence and quirks (USB: default from the usb profile)\n"
      "Motorola PEI\n" "Sepura PEI (never sent ATZ)\n" "Any ETSI PEI terminal\n")
{
	struct tb_radio *r = vty->index;

	if (given_twice(vty, r, TB_CFG_PROFILE, "profile"))
		return CMD_WARNING;
	r->profile = tb_profile_find(argv[0]);
	r->profile_set = true;
	return CMD_SUCCESS;
}

DEFUN(cfg_radio_callout_service, cfg_radio_callout_service_cmd, "callout-service",
      "Register the terminal for the TCCA call-out service (SDS-TL PID 195): its init then sends "
      "AT+CTSP=1,3,195, so that call-out PDUs (answers to call-outs) reach the bridge. Needed to alert "
      "with call-out PDUs; whether a terminal has the service is model and codeplug dependent "
      "(read when the radio starts)\n")
{
	struct tb_radio *r = vty->index;

	r->callout_service = true;
	return CMD_SUCCESS;
}

DEFUN(cfg_radio_no_callout_service, cfg_radio_no_callout_service_cmd, "no callout-service",
      NO_STR "Do not register the terminal for the call-out service (the default)\n")
{
	struct tb_radio *r = vty->index;

	r->callout_service = false;
	return CMD_SUCCESS;
}

DEFUN(cfg_radio_match_identity, cfg_radio_match_identity_cmd, "match identity TSI",
      "Which terminal is this radio's\n"
      "The one whose own identity (AT+CNUMF?) is this TSI, whatever port or order it comes in: "
      "with transport usb each free matching terminal is tried in turn\n"
      "17 digits: MCC(4) MNC(5) SSI(8), e.g. 02420001600001001\n")
{
	struct tb_radio *r = vty->index;
	struct tetra_identity id;

	if (given_twice(vty, r, TB_CFG_MATCH_IDENTITY, "match identity"))
		return CMD_WARNING;
	if (strlen(argv[0]) != 17 || tetra_identity_parse(argv[0], 17, TETRA_ID_TSI, &id) < 0) {
		vty_out(vty, "%% match identity '%s' is not a 17-digit TSI (MCC 4, MNC 5, SSI 8 digits)%s",
			argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_talloc_replace_string(r, &r->match_identity, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_radio_no_match_identity, cfg_radio_no_match_identity_cmd, "no match identity",
      NO_STR "Which terminal is this radio's\n" "Any identity\n")
{
	struct tb_radio *r = vty->index;
	TALLOC_FREE(r->match_identity);
	return CMD_SUCCESS;
}

DEFUN(cfg_radio_simulate, cfg_radio_simulate_cmd, "simulate SCENARIO",
      "Scenario the simulated terminal plays\n" "Scenario file (relative to the config file)\n")
{
	struct tb_radio *r = vty->index;
	char why[128];
	unsigned line;
	char *path;
	int rc;

	if (given_twice(vty, r, TB_CFG_SIMULATE, "simulate"))
		return CMD_WARNING;
	path = resolve_path(r, argv[0]);
	/* The whole scenario now: a bad one would be refused at every reopen. */
	rc = tb_sim_check_scenario(path, &line, why, sizeof(why));
	if (rc < 0) {
		if (line)
			vty_out(vty, "%% scenario file %s line %u is wrong: %s%s", path, line, why, VTY_NEWLINE);
		else
			vty_out(vty, "%% cannot read scenario file %s: %s%s", path, why, VTY_NEWLINE);
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

	if (given_twice(vty, r, TB_CFG_SIM_IDENTITY, "sim-identity"))
		return CMD_WARNING;
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
		switch (r->transport) {
		case TB_RADIO_TTY:
			vty_out(vty, " transport tty %s %u%s", r->tty_path, r->baud, VTY_NEWLINE);
			break;
		case TB_RADIO_SIM:
			vty_out(vty, " transport sim%s", VTY_NEWLINE);
			break;
		case TB_RADIO_USB:
			if (r->usb_vid || r->usb_pid)
				vty_out(vty, " transport usb %04x:%04x%s", r->usb_vid, r->usb_pid, VTY_NEWLINE);
			else
				vty_out(vty, " transport usb%s", VTY_NEWLINE);
			break;
		}
		if (r->usb_profile)
			vty_out(vty, " usb profile %s%s", r->usb_profile->name, VTY_NEWLINE);
		if (r->usb_serial)
			vty_out(vty, " usb serial %s%s", r->usb_serial, VTY_NEWLINE);
		if (r->usb_bus_path)
			vty_out(vty, " usb bus-path %s%s", r->usb_bus_path, VTY_NEWLINE);
		if (r->usb_interface >= 0)
			vty_out(vty, " usb interface %d%s", r->usb_interface, VTY_NEWLINE);
		/* USB: derived from the usb profile unless given. */
		if (r->transport != TB_RADIO_USB || r->profile_set)
			vty_out(vty, " profile %s%s", r->profile->name, VTY_NEWLINE);
		if (r->scenario)
			vty_out(vty, " simulate %s%s", r->scenario, VTY_NEWLINE);
		if (r->sim_identity)
			vty_out(vty, " sim-identity %s%s", r->sim_identity, VTY_NEWLINE);
		if (r->match_identity)
			vty_out(vty, " match identity %s%s", r->match_identity, VTY_NEWLINE);
		if (r->callout_service)
			vty_out(vty, " callout-service%s", VTY_NEWLINE);
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
	const struct rate_ctr_group *lc = tb_radio_link_ctrs(rl);
	const struct rate_ctr_group *pc = tb_at_ctrs(tb_radio_link_at(rl));
	time_t up = tb_radio_link_up_since(rl);

	if (id->type != TETRA_ID_NONE)
		tetra_identity_print(idbuf, sizeof(idbuf), id);
	if (up) {
		struct tm tm;
		strftime(since, sizeof(since), "%Y-%m-%d %H:%M:%S", localtime_r(&up, &tm));
	}
	if (r->transport == TB_RADIO_USB) {
		struct tb_usb_device_info ui;

		vty_out(vty, "  transport usb, profile %s%s", r->profile->name, VTY_NEWLINE);
		if (tb_transport_usb_info(t, &ui) == 0)
			vty_out(vty, "  usb device %s, %04x:%04x %s, usb profile %s, serial %s, interface %d%s",
				ui.bus_path, ui.vid, ui.pid, ui.model ? ui.model : "(model unknown)",
				ui.profile ? ui.profile->name : "-", ui.serial[0] ? ui.serial : "-", ui.interface,
				VTY_NEWLINE);
		else	/* describe() gives what it looks for */
			vty_out(vty, "  usb device: none open, looking for %s%s", t->ops->describe(t) + 4,
				VTY_NEWLINE);
	} else {
		vty_out(vty, "  transport %s %s, profile %s%s", t->ops->kind, t->ops->describe(t), r->profile->name,
			VTY_NEWLINE);
	}
	if (r->match_identity)
		vty_out(vty, "  only the terminal with identity %s (match identity)%s", r->match_identity,
			VTY_NEWLINE);
	vty_out(vty, "  link %s, online since %s, identity %s%s", tb_radio_link_state_name(rl), since, idbuf,
		VTY_NEWLINE);
	if (tb_radio_link_last_error(rl)[0])
		vty_out(vty, "  last error: %s%s", tb_radio_link_last_error(rl), VTY_NEWLINE);
	vty_out(vty, "  bytes in %" PRIu64 " out %" PRIu64 ", lines in %" PRIu64 ", commands %" PRIu64
		", events %" PRIu64 "%s", tb_ctr_get(pc, TB_AT_CTR_BYTES_IN), tb_ctr_get(pc, TB_AT_CTR_BYTES_OUT),
		tb_ctr_get(pc, TB_AT_CTR_LINES), tb_ctr_get(pc, TB_AT_CTR_CMDS), tb_radio_events(r), VTY_NEWLINE);
	vty_out(vty, "  errors: decode %" PRIu64 ", unknown %" PRIu64 ", garbage bytes %" PRIu64
		", over-long lines %" PRIu64 ", AT timeouts %" PRIu64 ", AT errors %" PRIu64
		", link losses %" PRIu64 ", open failures %" PRIu64 "%s",
		tb_ctr_get(lc, TB_RL_CTR_DECODE_ERRORS), tb_ctr_get(lc, TB_RL_CTR_UNKNOWN_URCS),
		tb_ctr_get(pc, TB_AT_CTR_GARBAGE), tb_ctr_get(pc, TB_AT_CTR_OVERLONG),
		tb_ctr_get(pc, TB_AT_CTR_TIMEOUTS), tb_ctr_get(pc, TB_AT_CTR_ERRORS),
		tb_ctr_get(lc, TB_RL_CTR_LINK_LOSSES), tb_ctr_get(lc, TB_RL_CTR_OPEN_FAILURES), VTY_NEWLINE);
	if (tb_ctr_get(lc, TB_RL_CTR_KEEPALIVE_FAILURES) || tb_ctr_get(lc, TB_RL_CTR_WRONG_TERMINAL) ||
	    tb_ctr_get(lc, TB_RL_CTR_HELD_DROPPED))
		vty_out(vty, "  keep-alive failures %" PRIu64 ", other radios' terminals tried %" PRIu64
			", result codes dropped during init %" PRIu64 "%s",
			tb_ctr_get(lc, TB_RL_CTR_KEEPALIVE_FAILURES), tb_ctr_get(lc, TB_RL_CTR_WRONG_TERMINAL),
			tb_ctr_get(lc, TB_RL_CTR_HELD_DROPPED), VTY_NEWLINE);
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

/* ---- show bridge ---------------------------------------------------------- */

DEFUN(show_bridge, show_bridge_cmd, "show bridge",
      SHOW_STR "Sockets, security, journal and outgoing queues\n")
{
	struct tb_bridge *b = g_bridge;
	struct tb_radio *r;
	unsigned waiting = 0;

	vty_out(vty, "bridge %s, next seq %" PRIu64 "%s", b->id, b->next_seq, VTY_NEWLINE);
	if (b->pub) {
		const struct rate_ctr_group *pc = tb_publisher_ctrs(b->pub);
		vty_out(vty, " events   %s: %" PRIu64 " published, %" PRIu64 " not sent%s",
			tb_publisher_endpoint(b->pub), tb_ctr_get(pc, TB_PUB_CTR_SENT),
			tb_ctr_get(pc, TB_PUB_CTR_DROPPED), VTY_NEWLINE);
	}
	if (b->cmd) {
		const struct rate_ctr_group *cc = tb_command_server_ctrs(b->cmd);
		uint64_t malformed = tb_ctr_get(cc, TB_CMD_CTR_CODE + TETRABRIDGE__V1__REPLY__CODE__MALFORMED) +
				     tb_ctr_get(cc, TB_CMD_CTR_CODE + TETRABRIDGE__V1__REPLY__CODE__TOO_LARGE) +
				     tb_ctr_get(cc, TB_CMD_CTR_CODE + TETRABRIDGE__V1__REPLY__CODE__UNKNOWN_COMMAND);

		vty_out(vty, " commands %s: %" PRIu64 " received, %" PRIu64 " replies, %" PRIu64 " malformed, %"
			PRIu64 " refused by role, %" PRIu64 " replies dropped%s", tb_command_server_endpoint(b->cmd),
			tb_ctr_get(cc, TB_CMD_CTR_RECEIVED), tb_ctr_get(cc, TB_CMD_CTR_REPLIES), malformed,
			tb_ctr_get(cc, TB_CMD_CTR_CODE + TETRABRIDGE__V1__REPLY__CODE__NOT_ALLOWED),
			tb_ctr_get(cc, TB_CMD_CTR_DROPPED), VTY_NEWLINE);
		/* A line of its own: scripts read the one above up to "replies dropped". */
		vty_out(vty, "          %" PRIu64 " answered BUSY, replies not read yet: %zu bytes now, %" PRId32
			" at most%s", tb_ctr_get(cc, TB_CMD_CTR_CODE + TETRABRIDGE__V1__REPLY__CODE__BUSY),
			tb_command_server_queued(b->cmd),
			tb_stat_get(tb_command_server_stat_items(b->cmd), TB_CMD_STAT_QUEUED_PEAK), VTY_NEWLINE);
	}
	if (b->security)
		vty_out(vty, " CURVE: %u client keys (%s), %lu connections admitted, %lu refused%s",
			tb_security_clients(b->security), b->curve_clients, tb_security_admitted(b->security),
			tb_security_refused(b->security), VTY_NEWLINE);
	else
		vty_out(vty, " CURVE: off (plain sockets%s)%s", b->insecure ? ", insecure allowed" : ", loopback only",
			VTY_NEWLINE);
	if (b->journal) {
		const struct rate_ctr_group *jc = tb_journal_ctrs(b->journal);
		const struct osmo_stat_item_group *js = tb_journal_stat_items(b->journal);

		vty_out(vty, " journal %s: seq %" PRIu64 "-%" PRIu64 ", %" PRIu64 " written, %" PRIu64
			" write errors, %" PRId32 " waiting in memory (%" PRId32 " KiB), %" PRIu64 " lost (%" PRIu64
			" ranges), %" PRIu64 " pruned; next seq %" PRIu64 "%s",
			tb_journal_path(b->journal), tb_journal_first_seq(b->journal), tb_journal_last_seq(b->journal),
			tb_ctr_get(jc, TB_JOURNAL_CTR_WRITES), tb_ctr_get(jc, TB_JOURNAL_CTR_WRITE_ERRORS),
			tb_stat_get(js, TB_JOURNAL_STAT_BACKLOG), tb_stat_get(js, TB_JOURNAL_STAT_BACKLOG_KIB),
			tb_ctr_get(jc, TB_JOURNAL_CTR_LOST), tb_ctr_get(jc, TB_JOURNAL_CTR_LOST_RANGES),
			tb_ctr_get(jc, TB_JOURNAL_CTR_PRUNED), tb_journal_next_seq(b->journal), VTY_NEWLINE);
	}
	llist_for_each_entry(r, &b->radios, entry)
		waiting += r->outbox ? tb_stat_get(tb_outbox_stat_items(r->outbox), TB_OUTBOX_STAT_WAITING) : 0;
	vty_out(vty, " outgoing: %u messages waiting%s", waiting, VTY_NEWLINE);
	return CMD_SUCCESS;
}

/* ---- show usb ------------------------------------------------------------- */

static void show_usb_cb(const struct tb_usb_device_info *info, void *data)
{
	struct vty *vty = data;
	const char *holder = NULL, *state = "";
	struct tb_radio *r;

	llist_for_each_entry(r, &g_bridge->radios, entry) {
		struct tb_usb_device_info ri;

		if (r->transport != TB_RADIO_USB || !r->link ||
		    tb_transport_usb_info(tb_radio_link_transport(r->link), &ri) != 0 || ri.dev != info->dev)
			continue;
		holder = r->name;
		if (!tb_radio_link_is_up(r->link))
			state = " (initialising)";
	}
	vty_out(vty, " %-10s %04x:%04x  %-16s %-9s %-20s %s%s%s%s", info->bus_path, info->vid, info->pid,
		info->model ? info->model : "-", info->profile ? info->profile->name : "-",
		info->serial[0] ? info->serial : "-",
		holder ? "radio " : info->in_use ? "in use (closing)" : "free", holder ? holder : "", state,
		VTY_NEWLINE);
}

DEFUN(show_usb, show_usb_cmd, "show usb",
      SHOW_STR "USB terminals present (those a usb profile knows): port, VID:PID, model, usb profile, "
      "serial number, and which radio holds each\n")
{
	int n;

	if (!tb_usb_context()) {
		vty_out(vty, "USB is not in use: no radio has transport usb, or libusb did not start "
			"(see the log)%s", VTY_NEWLINE);
		return CMD_SUCCESS;
	}
	vty_out(vty, " %-10s %-9s  %-16s %-9s %-20s %s%s", "bus-path", "VID:PID", "model", "profile", "serial",
		"held by", VTY_NEWLINE);
	n = tb_usb_list(show_usb_cb, vty);
	if (n < 0)
		vty_out(vty, "%% cannot list USB devices: %s%s", strerror(-n), VTY_NEWLINE);
	else
		vty_out(vty, "%d USB terminal%s present%s", n, n == 1 ? "" : "s", VTY_NEWLINE);
	return CMD_SUCCESS;
}

static struct osmo_tdef_group tb_tdef_groups[] = {
	{ .name = "radio", .desc = "Radio link timers", .tdefs = tb_radio_link_tdefs },
	{ .name = "sds", .desc = "Short data timers", .tdefs = tb_sds_tdefs },
	{ .name = "outgoing", .desc = "Outgoing queue timers", .tdefs = tb_outbox_tdefs },
	{ .name = "callout", .desc = "Call-out timers", .tdefs = tb_callout_tdefs },
	{}
};

/* ---- libosmocore 1.7's telnet close ----------------------------------------- */

/* When a telnet client goes away, libosmovty 1.7 closes its socket twice:
 * vty_close() closes vty->fd, then (through vty_event(VTY_CLOSED)) the
 * telnet code closes the same number again. Between the two, ZeroMQ's I/O
 * thread may have been given that number for a new connection, and the
 * second close then takes a socket from under libzmq, which aborts
 * ("Bad file descriptor (src/epoll.cpp:100)"). The VTY_CLOSED signal comes
 * between the two closes: point the telnet connection at a descriptor of
 * our own, which the second close then closes harmlessly. */
static int vty_closed_cb(unsigned int subsys, unsigned int signal, void *handler_data, void *signal_data)
{
	struct vty_signal_data *sd = signal_data;
	struct telnet_connection *conn;
	int own;

	if (subsys != SS_L_VTY || signal != S_VTY_EVENT || sd->event != VTY_CLOSED || !sd->vty ||
	    sd->vty->type != VTY_TERM || !(conn = sd->vty->priv))
		return 0;
	own = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (own >= 0)
		conn->fd.fd = own;
	return 0;
}

void tb_vty_init(void)
{
	osmo_signal_register_handler(SS_L_VTY, vty_closed_cb, NULL);
	install_element(CONFIG_NODE, &cfg_bridge_cmd);
	install_node(&bridge_node, config_write_bridge);
	install_element(BRIDGE_NODE, &cfg_bridge_id_cmd);
	install_element(BRIDGE_NODE, &cfg_bridge_events_bind_cmd);
	install_element(BRIDGE_NODE, &cfg_bridge_commands_bind_cmd);
	install_element(BRIDGE_NODE, &cfg_bridge_state_dir_cmd);
	install_element(BRIDGE_NODE, &cfg_bridge_retention_days_cmd);
	install_element(BRIDGE_NODE, &cfg_bridge_retention_size_cmd);
	install_element(BRIDGE_NODE, &cfg_bridge_journal_sync_cmd);
	install_element(BRIDGE_NODE, &cfg_bridge_curve_server_key_cmd);
	install_element(BRIDGE_NODE, &cfg_bridge_curve_clients_cmd);
	install_element(BRIDGE_NODE, &cfg_bridge_no_curve_cmd);
	install_element(BRIDGE_NODE, &cfg_bridge_insecure_cmd);
	install_element(BRIDGE_NODE, &cfg_bridge_no_insecure_cmd);
	osmo_tdef_vty_groups_init(BRIDGE_NODE, tb_tdef_groups);

	install_element(CONFIG_NODE, &cfg_radio_cmd);
	install_node(&radio_node, config_write_radios);
	install_element(RADIO_NODE, &cfg_radio_transport_sim_cmd);
	install_element(RADIO_NODE, &cfg_radio_transport_tty_cmd);
	install_element(RADIO_NODE, &cfg_radio_transport_usb_cmd);
	install_element(RADIO_NODE, &cfg_radio_usb_serial_cmd);
	install_element(RADIO_NODE, &cfg_radio_usb_bus_path_cmd);
	install_element(RADIO_NODE, &cfg_radio_usb_interface_cmd);
	install_element(RADIO_NODE, &cfg_radio_usb_profile_cmd);
	install_element(RADIO_NODE, &cfg_radio_no_usb_cmd);
	install_element(RADIO_NODE, &cfg_radio_match_identity_cmd);
	install_element(RADIO_NODE, &cfg_radio_no_match_identity_cmd);
	install_element(RADIO_NODE, &cfg_radio_callout_service_cmd);
	install_element(RADIO_NODE, &cfg_radio_no_callout_service_cmd);
	install_element(RADIO_NODE, &cfg_radio_profile_cmd);
	install_element(RADIO_NODE, &cfg_radio_simulate_cmd);
	install_element(RADIO_NODE, &cfg_radio_sim_identity_cmd);

	tb_vty_roster_init();
	tb_vty_callout_init();
	tb_callout_vty_init();
	tb_log_vty_init();

	install_element_ve(&show_radios_cmd);
	install_element_ve(&show_usb_cmd);
	install_element_ve(&show_bridge_cmd);
	tb_backup_vty_init();
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
