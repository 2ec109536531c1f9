/* tetra-web's configuration: defaults, reading the file, the whole check
 * (web_config.h).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "web/web_config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <osmocom/core/talloc.h>

#include "common/config_file.h"

struct tw_web_config *g_web_config;

struct tw_web_config *tw_web_config_init(void *ctx)
{
	struct tw_web_config *c = talloc_zero(ctx, struct tw_web_config);

	if (!c)
		return NULL;
	c->static_dir = talloc_strdup(c, TW_STATIC_DIR);
	c->leaflet_dir = talloc_strdup(c, TW_LEAFLET_DIR);
	c->idle_s = TW_DEFAULT_IDLE_S;
	c->lifetime_s = TW_DEFAULT_LIFETIME_S;
	c->login_max = TW_DEFAULT_LOGIN_MAX;
	c->login_window_s = TW_DEFAULT_LOGIN_WINDOW_S;
	c->ws_queue_bytes = TW_DEFAULT_WS_QUEUE_BYTES;
	c->ws_queue_count = TW_DEFAULT_WS_QUEUE_COUNT;
	c->max_clients = TW_DEFAULT_MAX_CLIENTS;
	g_web_config = c;
	return c;
}

bool tw_addr_is_loopback(const char *addr)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, addr, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return false;
}

/* ---- reading ------------------------------------------------------------ */

static void set_config_dir(struct tw_web_config *c, const char *path)
{
	const char *slash = strrchr(path, '/');

	talloc_free(c->config_dir);
	c->config_dir = slash ? talloc_strndup(c, path, slash - path + (slash == path)) : NULL;
}

int tw_web_config_read(void *ctx, const char *path, char **errmsg)
{
	unsigned bad_line = 0;
	int rc;

	/* before the lines run: relative paths in them are the file's */
	set_config_dir(g_web_config, path);
	rc = tb_config_file_read(ctx, path, NULL, NULL, errmsg);
	if (rc < 0)
		return rc;
	rc = tw_web_config_check(ctx, g_web_config, &bad_line, errmsg);
	if (rc < 0) {
		char *s = bad_line ? talloc_asprintf(ctx, "%s line %u is wrong: %s", path, bad_line, *errmsg)
				   : talloc_asprintf(ctx, "%s is wrong: %s", path, *errmsg);

		talloc_free(*errmsg);
		*errmsg = s;
	}
	return rc;
}

/* ---- the whole check ---------------------------------------------------- */

static int fail(void *ctx, unsigned *line, char **errmsg, unsigned at, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int fail(void *ctx, unsigned *line, char **errmsg, unsigned at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*errmsg = talloc_vasprintf(ctx, fmt, ap);
	va_end(ap);
	*line = at;
	return -EINVAL;
}

/* A file that must be readable now (it is read at start, or on every
 * request). NULL when it is, else why not. */
static char *unreadable(void *ctx, const char *path, bool dir)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return talloc_asprintf(ctx, "cannot use %s: %s", path, strerror(errno));
	if (dir && !S_ISDIR(st.st_mode))
		return talloc_asprintf(ctx, "%s is not a directory", path);
	if (!dir && S_ISDIR(st.st_mode))
		return talloc_asprintf(ctx, "%s is a directory, not a file", path);
	if (access(path, dir ? R_OK | X_OK : R_OK) < 0)
		return talloc_asprintf(ctx, "cannot read %s: %s", path, strerror(errno));
	return NULL;
}

int tw_web_config_check(void *ctx, const struct tw_web_config *c, unsigned *line, char **errmsg)
{
	const unsigned *l = c->line;
	struct {
		const char *path;
		enum tw_cfg_setting s;
		bool dir;
	} files[] = {
		{ c->certificate, TW_CFG_CERTIFICATE, false },
		{ c->private_key, TW_CFG_PRIVATE_KEY, false },
		{ c->users, TW_CFG_USERS, false },
		{ c->static_dir, TW_CFG_STATIC, true },
		{ c->leaflet_dir, TW_CFG_LEAFLET, true },
		{ c->metrics_token_file, TW_CFG_METRICS_TOKEN, false },
		{ c->curve_key, TW_CFG_CURVE_KEY, false },
	};
	bool curve_needed = false;

	*line = 0;
	if (!l[TW_CFG_WEB] || !c->listen_addr)
		return fail(ctx, line, errmsg, l[TW_CFG_WEB],
			    "there is no `listen ADDR PORT` in a `web` section; tetra-web would serve nobody");
	if (c->insecure && !tw_addr_is_loopback(c->listen_addr))
		return fail(ctx, line, errmsg, l[TW_CFG_INSECURE],
			    "`insecure` (plain HTTP) is allowed only on a loopback address (127.0.0.1 or ::1), and "
			    "listen is %s; give `certificate` and `private-key` for HTTPS instead", c->listen_addr);
	if (c->insecure && (c->certificate || c->private_key))
		return fail(ctx, line, errmsg, l[TW_CFG_INSECURE],
			    "`insecure` and a certificate or private key are both given; say which one is meant "
			    "(HTTPS: remove `insecure`)");
	if (!c->insecure && !c->certificate)
		return fail(ctx, line, errmsg, l[TW_CFG_LISTEN],
			    "HTTPS needs `certificate FILE` and `private-key FILE` in the web section (plain HTTP, "
			    "`insecure`, is only for a loopback address)");
	if (!c->insecure && !c->private_key)
		return fail(ctx, line, errmsg, l[TW_CFG_CERTIFICATE],
			    "a certificate needs its `private-key FILE` too");
	if (!c->users)
		return fail(ctx, line, errmsg, l[TW_CFG_WEB],
			    "there is no `users FILE` in the web section; nobody could sign in (make one with "
			    "`tetractl web-user add NAME ROLE --users FILE`)");
	if (c->lifetime_s < c->idle_s)
		return fail(ctx, line, errmsg, l[TW_CFG_LIFETIME] ? l[TW_CFG_LIFETIME] : l[TW_CFG_IDLE],
			    "the session lifetime (%u s) is shorter than the idle timeout (%u s); the idle timeout "
			    "would never apply", c->lifetime_s, c->idle_s);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *why;

		if (!files[i].path)
			continue;
		why = unreadable(ctx, files[i].path, files[i].dir);
		if (why) {
			/* A default folder (not given) is named as such. */
			if (!l[files[i].s])
				return fail(ctx, line, errmsg, 0, "%s (a default; give `%s DIR` in the web section)",
					    why, files[i].s == TW_CFG_STATIC ? "static" : "leaflet");
			return fail(ctx, line, errmsg, l[files[i].s], "%s", why);
		}
	}
	if (!c->n_bridges)
		return fail(ctx, line, errmsg, 0,
			    "there is no `bridge NAME` section with `events` and `commands`; tetra-web would show an "
			    "empty board");
	for (unsigned i = 0; i < c->n_bridges; i++) {
		const struct tw_bridge_config *b = c->bridges[i];

		if (!b->events || !b->commands)
			return fail(ctx, line, errmsg, b->line[TW_BCFG_BRIDGE],
				    "bridge %s needs both `events ENDPOINT` and `commands ENDPOINT`", b->name);
		if (b->server_key) {
			char *why = unreadable(ctx, b->server_key, false);

			if (why && strlen(b->server_key) != 40)	/* 40 Z85 characters: a key given inline */
				return fail(ctx, line, errmsg, b->line[TW_BCFG_SERVER_KEY], "%s", why);
			curve_needed = true;
		}
	}
	if (curve_needed && !c->curve_key)
		return fail(ctx, line, errmsg, l[TW_CFG_WEB],
			    "a bridge has a `server-key` (CURVE) but the web section has no `curve-key FILE`, "
			    "tetra-web's own key pair (make one with `tetractl keygen`)");
	return 0;
}
