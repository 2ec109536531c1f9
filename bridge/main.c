/* tetra-bridged: TETRA terminals in, one event stream out.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <osmocom/core/application.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/logging.h>
#include <osmocom/vty/misc.h>
#include <osmocom/vty/ports.h>
#include <osmocom/vty/stats.h>
#include <osmocom/vty/telnet_interface.h>
#include <osmocom/vty/vty.h>

#include "bridge/bridge.h"
#include "bridge/config_check.h"
#include "bridge/metrics.h"
#include "bridge/service.h"
#include "bridge/vty.h"
#include "common/config_file.h"
#include "common/logging.h"
#include "ipc/command_server.h"
#include "ipc/security.h"
#include "ipc/version.h"

static bool g_quit;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: tetra-bridged [-c FILE] [-d CATEGORIES] [-t] [-h] [-V]\n"
		"Bridges TETRA radio terminals (PEI over USB, serial or simulated) to a\n"
		"ZeroMQ event stream and takes commands (send status, text, location\n"
		"request; replay) on a second socket. Runs in the foreground; stop it with\n"
		"Ctrl-C or SIGTERM; SIGHUP reads the CURVE clients file again. Under\n"
		"systemd (Type=notify) it says when it is ready, how many radios are\n"
		"online, and feeds the watchdog.\n"
		"\n"
		"  -c, --config FILE    configuration file (default: tetra-bridge.cfg)\n"
		"  -d, --debug CATS     log these categories at DEBUG, e.g. DPEI:DRADIO\n"
		"                       (debug output may contain radio identities)\n"
		"  -t, --check          read and check the configuration file, then exit:\n"
		"                       0 when it is fine, 1 with the reason when not\n"
		"      --vty-ref-xml    print every VTY and config command as XML and exit\n"
		"  -h, --help           this text\n"
		"  -V, --version        print the version and exit\n"
		"\n"
		"Defaults: events %s, commands %s, journal in ./var\n"
		"(bridge / events bind, commands bind, state-dir). Sockets other machines\n"
		"can reach need CURVE keys (bridge / curve server-key, curve clients) or\n"
		"an explicit `insecure`.\n"
		"The telnet VTY listens on 127.0.0.1:%d unless the config says otherwise\n"
		"(line vty / bind ADDRESS [PORT]); try `show radios` and `show bridge` there.\n",
		TB_DEFAULT_EVENTS_ENDPOINT, TB_DEFAULT_COMMANDS_ENDPOINT, TB_DEFAULT_VTY_PORT);
}

/* SIGHUP: read the CURVE clients file again (a key added or revoked takes
 * effect for new connections without a restart). */
static void reload_clients(void)
{
	char *errmsg = NULL;

	if (!g_bridge->security) {
		LOGP(DMAIN, LOGL_NOTICE, "SIGHUP: nothing to reload (no CURVE clients file configured)\n");
		return;
	}
	/* Success is logged by the security module ("reloaded ..."). */
	if (tb_security_reload(g_bridge->security, &errmsg) < 0)
		LOGP(DMAIN, LOGL_ERROR, "SIGHUP: %s; the previous client list stays in force\n",
		     errmsg ? errmsg : "cannot reload the clients file");
	talloc_free(errmsg);
}

/* Read the config file into the VTY's settings and check what it means:
 * the one way a config is loaded, whether the daemon then runs or --check
 * only asked. Returns 0, or -1 with the reason printed on stderr. */
static int load_config(void *root, struct tb_bridge *bridge, const char *config_file)
{
	char *errmsg = NULL;
	unsigned bad_line;
	int rc;

	tb_vty_set_config_file(config_file);
	rc = tb_config_file_read(root, config_file, tb_config_line_done, NULL, &errmsg);
	if (rc < 0) {
		fprintf(stderr, "tetra-bridged: %s\n", errmsg ? errmsg : strerror(-rc));
		return -1;
	}
	rc = tb_config_check(bridge, &bad_line, &errmsg);
	if (rc < 0) {
		if (bad_line)
			fprintf(stderr, "tetra-bridged: %s line %u is wrong: %s\n", config_file, bad_line, errmsg);
		else
			fprintf(stderr, "tetra-bridged: %s is wrong: %s\n", config_file, errmsg);
		return -1;
	}
	return 0;
}

static void signal_cb(struct osmo_signalfd *osfd, const struct signalfd_siginfo *fdsi)
{
	switch (fdsi->ssi_signo) {
	case SIGINT:
	case SIGTERM:
		LOGP(DMAIN, LOGL_NOTICE, "signal %u: shutting down\n", fdsi->ssi_signo);
		g_quit = true;
		break;
	case SIGHUP:
		tb_service_reloading();
		reload_clients();
		tb_service_reloaded();
		break;
	}
}

static struct vty_app_info vty_info = {
	.name = "tetra-bridged",
	.version = TB_VERSION,
	.copyright = "tetra-bridge. License GPLv2+: GNU GPL version 2 or later\r\n",
};

int main(int argc, char **argv)
{
	const char *config_file = "tetra-bridge.cfg";
	bool config_given = false;
	bool check_only = false;
	bool vty_ref_xml = false;
	const char *debug_cats = NULL;
	void *root;
	struct tb_bridge *bridge;
	char *errmsg = NULL;
	sigset_t sigs;
	int rc;

	static const struct option long_opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "debug", required_argument, NULL, 'd' },
		{ "check", no_argument, NULL, 't' },
		{ "vty-ref-xml", no_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "c:d:thV", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (config_given) {	/* one would be ignored without a word */
				fprintf(stderr, "tetra-bridged: -c is given twice (%s and %s); give one config file\n",
					config_file, optarg);
				return 64;
			}
			config_file = optarg;
			config_given = true;
			break;
		case 'd':
			debug_cats = optarg;
			break;
		case 't':
			check_only = true;
			break;
		case 'X':
			vty_ref_xml = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("tetra-bridged %s\n", TB_VERSION);
			return 0;
		default:
			usage(stderr);
			return 64;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "tetra-bridged: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 64;
	}

	root = talloc_named_const(NULL, 0, "tetra-bridged");
	vty_info.tall_ctx = root;
	if (tb_logging_init(root) < 0)
		return 1;
	if (debug_cats)
		log_parse_category_mask(osmo_stderr_target, debug_cats);

	bridge = tb_bridge_alloc(root);
	vty_init(&vty_info);
	logging_vty_add_cmds();
	osmo_talloc_vty_add_cmds();
	tb_vty_init();
	tb_metrics_init(root);

	/* The Osmocom daemons' VTY reference: tetra-bridge.cfg(5) lists the
	 * config commands from it, so the manual cannot drift from the code. */
	if (vty_ref_xml)
		return vty_dump_xml_ref_mode(stdout, VTY_REF_GEN_MODE_DEFAULT) < 0 ? 1 : 0;

	if (load_config(root, bridge, config_file) < 0)
		return 1;
	if (check_only) {	/* like `nginx -t`: ExecStartPre= runs this */
		printf("tetra-bridged: %s is fine\n", config_file);
		return 0;
	}
	if (debug_cats)	/* the command line wins over the config file */
		log_parse_category_mask(osmo_stderr_target, debug_cats);

	rc = telnet_init_default(root, NULL, TB_DEFAULT_VTY_PORT);
	if (rc < 0) {
		fprintf(stderr, "tetra-bridged: cannot open the telnet VTY: %s\n", strerror(-rc));
		return 1;
	}

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* A file size limit (ulimit -f, systemd LimitFSIZE=) is a full disk:
	 * the write fails with EFBIG and the journal keeps events in memory,
	 * instead of the daemon being killed. */
	signal(SIGXFSZ, SIG_IGN);
	if (!osmo_signalfd_setup(root, sigs, signal_cb, NULL)) {
		fprintf(stderr, "tetra-bridged: cannot set up signal handling\n");
		return 1;
	}

	rc = tb_bridge_start(bridge, &errmsg);
	if (rc < 0) {
		fprintf(stderr, "tetra-bridged: %s\n", errmsg ? errmsg : strerror(-rc));
		tb_bridge_stop(bridge);
		return 1;
	}
	LOGP(DMAIN, LOGL_NOTICE, "tetra-bridged %s running, bridge id %s\n", TB_VERSION, bridge->id);
	/* The config is loaded and every socket is bound: now systemd may
	 * start what comes after us. */
	tb_service_ready(bridge);

	while (!g_quit)
		osmo_select_main_ctx(0);

	tb_service_stop();
	tb_bridge_stop(bridge);
	LOGP(DMAIN, LOGL_NOTICE, "stopped\n");
	log_fini();
	talloc_free(root);
	return 0;
}
