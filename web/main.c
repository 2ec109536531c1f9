/* tetra-web: the browser console of one or more bridges (docs/web.md).
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
#include <osmocom/vty/vty.h>
#include <sodium.h>
#include <zmq.h>

#include "common/logging.h"
#include "ipc/curve_keys.h"
#include "ipc/version.h"
#include "web/board.h"
#include "web/bridge_link.h"
#include "web/http_server.h"
#include "web/login_limit.h"
#include "web/session.h"
#include "web/users.h"
#include "web/uv_loop.h"
#include "web/web_config.h"
#include "web/ws_clients.h"

/* Sessions at once: far more than people at the consoles of a region. */
#define TW_MAX_SESSIONS 1000
#define TW_TOKEN_MAX 4096

static bool g_quit;
static struct tw_server g_srv;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: tetra-web [-c FILE] [-t] [-d CATEGORIES] [-h] [-V]\n"
		"Serves the browser console of one or more tetra-bridged: a live board of\n"
		"radios, call-outs and events, and the actions a signed-in dispatcher may\n"
		"take, over HTTPS and a WebSocket. Runs in the foreground; stop it with\n"
		"Ctrl-C or SIGTERM; SIGHUP reads the users file again.\n"
		"\n"
		"  -c, --config FILE    configuration file (default: %s)\n"
		"  -t, --check          read and check the configuration, the users file\n"
		"                       and the keys, then exit: 0 when they are fine,\n"
		"                       1 with the reason when not\n"
		"  -d, --debug CATS     log these categories at DEBUG, e.g. DWEB:DIPC\n"
		"  -h, --help           this text\n"
		"  -V, --version        print the version and exit\n",
		TW_DEFAULT_CONFIG);
}

/* The users file: at start, and again on SIGHUP (a failure keeps the old
 * list). */
static int load_users(void *ctx, struct tw_users **users, char **errmsg)
{
	struct tw_users *u = tw_users_read(ctx, ctx, g_web_config->users, errmsg);

	if (!u)
		return -EINVAL;
	if (*users)
		talloc_free(*users);
	*users = u;
	return 0;
}

/* The metrics token: the file's first line, at least 16 characters. */
static char *load_token(void *ctx, const char *path, char **errmsg)
{
	char buf[TW_TOKEN_MAX + 2];
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f) {
		*errmsg = talloc_asprintf(ctx, "cannot read the metrics token file %s: %s", path, strerror(errno));
		return NULL;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	n = strlen(buf);
	while (n && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	if (n < 16 || n > TW_TOKEN_MAX) {
		sodium_memzero(buf, sizeof(buf));
		*errmsg = talloc_asprintf(ctx, "the metrics token in %s is %s; put one line of 16 to %u characters "
					  "in it (e.g. from `openssl rand -hex 32`)",
					  path, n < 16 ? "too short" : "too long", TW_TOKEN_MAX);
		return NULL;
	}
	char *t = talloc_strdup(ctx, buf);
	sodium_memzero(buf, sizeof(buf));
	return t;
}

/* Everything the config names that is read at start: the users file,
 * tetra-web's key pair, the metrics token. --check reads them too. */
static int load_files(void *ctx, struct tw_server *srv, struct tb_curve_keypair *kp, char **errmsg)
{
	const struct tw_web_config *c = g_web_config;
	int rc;

	if (load_users(ctx, &srv->users, errmsg) < 0)
		return -EINVAL;
	if (!tw_users_count(srv->users))
		LOGP(DWEB, LOGL_NOTICE, "the users file %s lists nobody: nobody can sign in (tetractl web-user add)\n",
		     c->users);
	if (c->curve_key) {
		rc = tb_curve_key_load(ctx, c->curve_key, kp, errmsg);
		if (rc < 0)
			return rc;
		if (!kp->secret_key[0]) {
			*errmsg = talloc_asprintf(ctx, "curve-key %s has no secret key; give the .key file "
						  "`tetractl keygen` wrote, not the .pub", c->curve_key);
			return -EINVAL;
		}
	}
	for (unsigned i = 0; i < c->n_bridges; i++) {
		if (c->bridges[i]->server_key &&
		    (rc = tb_curve_key_load(ctx, c->bridges[i]->server_key, NULL, errmsg)) < 0)
			return rc;
	}
	if (c->metrics_token_file) {
		srv->metrics_token = load_token(ctx, c->metrics_token_file, errmsg);
		if (!srv->metrics_token)
			return -EINVAL;
	}
	return 0;
}

static void signal_cb(struct osmo_signalfd *osfd, const struct signalfd_siginfo *fdsi)
{
	char *errmsg = NULL;

	switch (fdsi->ssi_signo) {
	case SIGINT:
	case SIGTERM:
		LOGP(DMAIN, LOGL_NOTICE, "signal %u: shutting down\n", fdsi->ssi_signo);
		g_quit = true;
		break;
	case SIGHUP:
		if (load_users(g_srv.ctx, &g_srv.users, &errmsg) < 0)
			LOGP(DMAIN, LOGL_ERROR, "SIGHUP: %s; the previous users stay in force\n", errmsg);
		else
			LOGP(DMAIN, LOGL_NOTICE, "SIGHUP: read %s again, %u users\n", g_web_config->users,
			     tw_users_count(g_srv.users));
		talloc_free(errmsg);
		break;
	}
}

/* Every board update goes to every page. */
static void board_update(const char *text, size_t len, void *data)
{
	struct tw_server *srv = data;

	tw_ws_clients_broadcast(srv->ws, text, len);
}

static struct vty_app_info vty_info = {
	.name = "tetra-web",
	.version = TB_VERSION,
	.copyright = "tetra-bridge. License GPLv2+: GNU GPL version 2 or later\r\n",
};

int main(int argc, char **argv)
{
	const char *config_file = TW_DEFAULT_CONFIG;
	const char *debug_cats = NULL;
	bool config_given = false, check_only = false;
	struct tw_server *srv = &g_srv;
	struct tb_curve_keypair kp = { 0 };
	void *root, *zmq_ctx = NULL;
	char *errmsg = NULL;
	sigset_t sigs;
	int opt, rc = 1;

	static const struct option long_opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 't' },
		{ "debug", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	while ((opt = getopt_long(argc, argv, "c:td:hV", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (config_given) {
				fprintf(stderr, "tetra-web: -c is given twice (%s and %s); give one config file\n",
					config_file, optarg);
				return 64;
			}
			config_file = optarg;
			config_given = true;
			break;
		case 't':
			check_only = true;
			break;
		case 'd':
			debug_cats = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("tetra-web %s\n", TB_VERSION);
			return 0;
		default:
			usage(stderr);
			return 64;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "tetra-web: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 64;
	}

	root = talloc_named_const(NULL, 0, "tetra-web");
	srv->ctx = root;
	vty_info.tall_ctx = root;
	if (tb_logging_init(root) < 0 || sodium_init() < 0)
		return 1;
	/* Colours only for a person at a terminal, not for a pipe or the
	 * journal (the config's `logging color` still decides). */
	if (!isatty(STDERR_FILENO))
		log_set_use_color(osmo_stderr_target, 0);
	vty_init(&vty_info);
	/* `log stderr`, `log syslog` ... in the config, as in the bridge's. */
	logging_vty_add_cmds();
	tw_web_config_init(root);
	tw_web_vty_init();

	if (tw_web_config_read(root, config_file, &errmsg) < 0) {
		fprintf(stderr, "tetra-web: %s\n", errmsg);
		return 1;
	}
	if (load_files(root, srv, &kp, &errmsg) < 0) {
		fprintf(stderr, "tetra-web: %s\n", errmsg);
		return 1;
	}
	if (check_only) {
		printf("tetra-web: %s is fine\n", config_file);
		return 0;
	}
	if (debug_cats)
		log_parse_category_mask(osmo_stderr_target, debug_cats);

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (!osmo_signalfd_setup(root, sigs, signal_cb, NULL)) {
		fprintf(stderr, "tetra-web: cannot set up signal handling\n");
		return 1;
	}

	/* config -> key -> board -> links -> sign-in -> HTTP -> loop */
	srv->cfg = g_web_config;
	srv->uv = tw_uv_loop_alloc(root, &errmsg);
	if (!srv->uv)
		goto fail;
	srv->board = tw_board_alloc(root, board_update, srv);
	zmq_ctx = zmq_ctx_new();
	if (!srv->board || !zmq_ctx)
		goto fail;
	/* Linger 0 on every socket: a command that never left (a bridge that
	 * is down) must not hold up the shutdown. */
	zmq_ctx_set(zmq_ctx, ZMQ_BLOCKY, 0);
	for (unsigned i = 0; i < g_web_config->n_bridges; i++) {
		const struct tw_bridge_config *b = g_web_config->bridges[i];
		struct tw_bridge_conf conf = {
			.name = b->name,
			.events = b->events,
			.commands = b->commands,
			.server_key = b->server_key,
			.client = &kp,
		};
		unsigned index = tw_board_add_bridge(srv->board, b->name);

		srv->links[i] = tw_bridge_link_alloc(root, zmq_ctx, srv->board, index, &conf, &errmsg);
		if (!srv->links[i])
			goto fail;
		srv->n_links++;
	}
	explicit_bzero(&kp, sizeof(kp));
	srv->sessions = tw_sessions_alloc(root, TW_MAX_SESSIONS, g_web_config->idle_s, g_web_config->lifetime_s);
	srv->limit = tw_login_limit_alloc(root, g_web_config->login_max, g_web_config->login_window_s);
	srv->ws = tw_ws_clients_alloc(srv);
	if (!srv->sessions || !srv->limit || !srv->ws)
		goto fail;
	if (tw_http_server_start(srv, root, &errmsg) < 0)
		goto fail;

	LOGP(DMAIN, LOGL_NOTICE, "tetra-web %s listening on %s://%s%s%s:%u/ for %u bridge%s\n", TB_VERSION,
	     g_web_config->insecure ? "http" : "https", strchr(g_web_config->listen_addr, ':') ? "[" : "",
	     g_web_config->listen_addr, strchr(g_web_config->listen_addr, ':') ? "]" : "", srv->port,
	     srv->n_links, srv->n_links == 1 ? "" : "s");

	while (!g_quit)
		osmo_select_main_ctx(0);
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "tetra-web: %s\n", errmsg ? errmsg : "out of memory");
out:
	explicit_bzero(&kp, sizeof(kp));
	tw_http_server_stop(srv);
	tw_uv_loop_destroy(&srv->uv);
	if (srv->lws)
		LOGP(DMAIN, LOGL_ERROR, "libwebsockets did not finish closing\n");
	for (unsigned i = 0; i < srv->n_links; i++)
		tw_bridge_link_destroy(&srv->links[i]);
	if (zmq_ctx)
		zmq_ctx_term(zmq_ctx);
	LOGP(DMAIN, LOGL_NOTICE, "stopped\n");
	log_fini();
	talloc_free(root);
	return rc;
}
