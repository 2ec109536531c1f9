/* tetra-web's configuration: defaults, reading the file, the whole check
 * (web_config.h).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE	/* fopencookie */
#include "web/web_config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <osmocom/core/talloc.h>
#include <osmocom/vty/vty.h>

struct tw_web_config *g_web_config;

/* The longest line libosmovty reads whole (fgets into VTY_BUFSIZ: the
 * line, '\n', NUL); a longer one would be cut and its tail run alone. */
#define TW_CONFIG_LINE_MAX (VTY_BUFSIZ - 2)
#define TW_CONFIG_FILE_MAX (1024 * 1024)

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

struct config_run {
	const char *text;	/* the checked file, every line ending in '\n' */
	size_t len, pos;
	unsigned line;		/* the line whose bytes were handed out last */
};

static struct config_run *g_run;

unsigned tw_web_config_line(void)
{
	return g_run ? g_run->line : 0;
}

/* Length of the UTF-8 sequence at p (at most n bytes), 0 when invalid. */
static size_t utf8_len(const uint8_t *p, size_t n)
{
	size_t len;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0)
		len = 2, cp = p[0] & 0x1f;
	else if ((p[0] & 0xf0) == 0xe0)
		len = 3, cp = p[0] & 0x0f;
	else if ((p[0] & 0xf8) == 0xf0)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* NULL when the VTY reads the line (without '\n') as written, else why not. */
static char *line_fault(void *ctx, const uint8_t *p, size_t len)
{
	if (len > TW_CONFIG_LINE_MAX)
		return talloc_asprintf(ctx, "it is %zu bytes long, and a config line may have at most %u", len,
				       TW_CONFIG_LINE_MAX);
	for (size_t i = 0; i < len;) {
		size_t n;

		if (p[i] == '\r' && i + 1 == len)
			break;	/* CR LF line ends */
		if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f)
			return talloc_asprintf(ctx, "it has the control character 0x%02x (byte %zu); only spaces and "
					       "tabs may separate the words", p[i], i + 1);
		n = utf8_len(p + i, len - i);
		if (!n)
			return talloc_asprintf(ctx, "it is not UTF-8 text (byte %zu); save the file as UTF-8", i + 1);
		i += n;
	}
	return NULL;
}

static ssize_t slurp(void *ctx, const char *path, char **out, char **errmsg)
{
	struct stat st;
	char *buf;
	ssize_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		int rc = -errno;

		*errmsg = talloc_asprintf(ctx, "cannot read config file %s: %s", path, strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > TW_CONFIG_FILE_MAX) {
		close(fd);
		*errmsg = talloc_asprintf(ctx, "%s is not a config file (a directory, a device, or larger than "
					  "%u bytes); give the file itself with -c FILE", path, TW_CONFIG_FILE_MAX);
		return -EINVAL;
	}
	buf = talloc_size(ctx, st.st_size + 2);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (len < st.st_size) {
		ssize_t n = read(fd, buf + len, st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	*out = buf;
	return len;
}

/* Hands the VTY one line per call at most, so that reading a line's first
 * byte means the line before it has run (fgets() stops at '\n'). */
static ssize_t run_read(void *cookie, char *buf, size_t size)
{
	struct config_run *run = cookie;
	const char *start = run->text + run->pos;
	const char *nl;
	size_t n;

	if (run->pos >= run->len || !size)
		return 0;
	if (run->pos == 0 || run->text[run->pos - 1] == '\n')
		run->line++;
	nl = memchr(start, '\n', run->len - run->pos);
	n = nl ? (size_t)(nl - start) + 1 : run->len - run->pos;
	if (n > size)
		n = size;
	memcpy(buf, start, n);
	run->pos += n;
	return n;
}

static void set_config_dir(struct tw_web_config *c, const char *path)
{
	const char *slash = strrchr(path, '/');

	talloc_free(c->config_dir);
	c->config_dir = slash ? talloc_strndup(c, path, slash - path + (slash == path)) : NULL;
}

int tw_web_config_read(void *ctx, const char *path, char **errmsg)
{
	cookie_io_functions_t io = { .read = run_read };
	struct config_run run = { 0 };
	char *text = NULL;
	ssize_t len = slurp(ctx, path, &text, errmsg);
	unsigned line = 1, bad_line = 0;
	FILE *f;
	int rc;

	if (len < 0)
		return len;
	for (size_t start = 0; start < (size_t)len; line++) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - text) : (size_t)len;
		char *why = line_fault(ctx, (const uint8_t *)text + start, end - start);

		if (why) {
			*errmsg = talloc_asprintf(ctx, "%s line %u is wrong: %s", path, line, why);
			talloc_free(text);
			return -EINVAL;
		}
		start = end + 1;
	}
	if (len && text[len - 1] != '\n')
		text[len++] = '\n';

	set_config_dir(g_web_config, path);
	run.text = text;
	run.len = len;
	f = fopencookie(&run, "r", io);
	if (!f) {
		talloc_free(text);
		return -ENOMEM;
	}
	g_run = &run;
	rc = vty_read_config_filep(f, NULL);
	g_run = NULL;
	fclose(f);
	talloc_free(text);
	if (rc < 0) {
		*errmsg = talloc_asprintf(ctx, "%s line %u is wrong (see above); fix it and start again", path,
					  run.line);
		return -EINVAL;
	}
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
