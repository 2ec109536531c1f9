/* tetractl's command line and config file (see ctl_options.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tools/ctl_options.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

#include <talloc.h>

#include "ipc/curve_keys.h"

const char *ctl_progname = "tetractl";

int ctl_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", ctl_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "\nTry '%s %s --help'.\n", ctl_progname, cmd);
	else
		fprintf(stderr, "\nTry '%s --help'.\n", ctl_progname);
	return EX_USAGE;
}

bool ctl_parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 86400.0 * 365)
		return false;
	*out = v;
	return true;
}

bool ctl_parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

#define TSI_DIGITS 17
#define SSI_MAX 0xFFFFFFu	/* 24 bits */
#define MCC_MAX 1023u		/* 10 bits */
#define MNC_MAX 16383u		/* 14 bits */

/* A digit string of n characters as a number (n <= 9: no overflow). */
static uint32_t digits_value(const char *s, size_t n)
{
	uint32_t v = 0;

	while (n--)
		v = v * 10 + (uint32_t)(*s++ - '0');
	return v;
}

bool ctl_parse_identity(const char *s, Tetrabridge__V1__Identity *id)
{
	size_t n = strlen(s), i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	if (n >= 1 && n <= 8) {
		id->type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_SSI;
		id->ssi = digits_value(s, n);
		return id->ssi <= SSI_MAX;
	}
	if (n == TSI_DIGITS) {
		id->type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_TSI;
		id->mcc = digits_value(s, 4);
		id->mnc = digits_value(s + 4, 5);
		id->ssi = digits_value(s + 9, 8);
		return id->mcc <= MCC_MAX && id->mnc <= MNC_MAX && id->ssi <= SSI_MAX;
	}
	return false;
}

int ctl_option_error(const char *cmd, int c, char **argv)
{
	if (c == ':')
		return ctl_usage_error(cmd, "option %s needs a value", argv[optind - 1]);
	if (optopt)
		return ctl_usage_error(cmd, "unknown option -%c", optopt);
	return ctl_usage_error(cmd, "unknown option %s", argv[optind - 1]);
}

int ctl_no_more_args(const char *cmd, int argc, char **argv)
{
	if (optind < argc)
		return ctl_usage_error(cmd, "unexpected argument \"%s\"", argv[optind]);
	return 0;
}

/* ---- connection options -------------------------------------------------- */

int ctl_conn_opt(struct ctl_conn_opts *o, const char *cmd, int c, const char *arg)
{
	switch (c) {
	case CTL_OPT_EVENTS:
	case CTL_OPT_COMMANDS:
		if (!arg[0])
			return ctl_usage_error(cmd, "--%s needs an endpoint such as %s",
					       c == CTL_OPT_EVENTS ? "events" : "commands",
					       c == CTL_OPT_EVENTS ? CTL_DEFAULT_EVENTS : CTL_DEFAULT_COMMANDS);
		if (c == CTL_OPT_EVENTS)
			o->events = arg;
		else
			o->commands = arg;
		return 1;
	case CTL_OPT_KEY:
		o->key = arg;
		return 1;
	case CTL_OPT_SERVER_KEY:
		o->server_key = arg;
		return 1;
	case CTL_OPT_CONFIG:
		o->config = arg;
		return 1;
	case CTL_OPT_TIMEOUT:
		if (!ctl_parse_seconds(arg, &o->timeout_s))
			return ctl_usage_error(cmd, "--timeout wants a number of seconds > 0, not \"%s\"", arg);
		return 1;
	default:
		return 0;
	}
}

int ctl_conn_opt_or_error(struct ctl_conn_opts *o, const char *cmd, int c, char **argv)
{
	int rc = ctl_conn_opt(o, cmd, c == 'T' ? CTL_OPT_TIMEOUT : c, optarg);

	if (rc == 1)
		return 1;
	return rc ? rc : ctl_option_error(cmd, c, argv);
}

int ctl_conn_only_args(const char *cmd, int argc, char **argv, void (*usage)(FILE *out), struct ctl_conn_opts *o,
		       bool *json)
{
	static const struct option long_opts[] = {
		CTL_CONN_LONG_OPTS,
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc;

	optind = 0;	/* 0: GNU getopt starts afresh (main parsed with "+") */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jT:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			*json = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			if ((rc = ctl_conn_opt_or_error(o, cmd, c, argv)) != 1)
				return rc;
			break;
		}
	}
	return 1;
}

/* ---- the config file ------------------------------------------------------ */

/* A path from the config file: relative ones are relative to its folder, so
 * a config file and its keys can move together. */
static char *config_path(void *mem, const char *cfg, const char *value)
{
	const char *slash = strrchr(cfg, '/');

	if (value[0] == '/' || !slash)
		return talloc_strdup(mem, value);
	return talloc_asprintf(mem, "%.*s/%s", (int)(slash - cfg), cfg, value);
}

/* Read the config file; set only what the command line left open. */
static int read_config(struct ctl_conn_opts *o, const char *path, bool explicit)
{
	const char *ev = NULL, *cm = NULL, *key = NULL, *skey = NULL;
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;
	FILE *f;
	int rc = 0;

	f = fopen(path, "r");
	if (!f) {
		if (!explicit && errno == ENOENT)
			return 0;
		fprintf(stderr, "%s: cannot read config file %s: %s\n", ctl_progname, path, strerror(errno));
		return explicit ? EX_USAGE : EXIT_FAILURE;
	}
	while (getline(&line, &cap, f) >= 0) {
		char *p = line, *word, *value, *end;

		lineno++;
		if ((end = strchr(p, '#')))
			*end = '\0';
		while (isspace((unsigned char)*p))
			p++;
		end = p + strlen(p);
		while (end > p && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (!*p)
			continue;
		word = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = '\0';
		while (isspace((unsigned char)*p))
			p++;
		value = p;
		if (!value[0] || strpbrk(value, " \t")) {
			fprintf(stderr, "%s: %s line %lu is wrong: '%s' wants one value%s\n", ctl_progname, path,
				lineno, word, value[0] ? ", not several" : "");
			rc = EX_USAGE;
			break;
		}
		if (!strcmp(word, "events")) {
			ev = talloc_strdup(o->mem, value);
		} else if (!strcmp(word, "commands")) {
			cm = talloc_strdup(o->mem, value);
		} else if (!strcmp(word, "key")) {
			key = config_path(o->mem, path, value);
		} else if (!strcmp(word, "server-key")) {
			/* 40 characters that are not a file beside the config: a key given inline */
			char *as_path = config_path(o->mem, path, value);
			struct stat st;
			if (strlen(value) == TB_Z85_KEY_LEN && stat(as_path, &st) < 0)
				skey = talloc_strdup(o->mem, value);
			else
				skey = as_path;
		} else {
			fprintf(stderr, "%s: %s line %lu is wrong: unknown setting '%s' (known: events, commands, key, "
				"server-key)\n", ctl_progname, path, lineno, word);
			rc = EX_USAGE;
			break;
		}
	}
	if (!rc && ferror(f)) {
		fprintf(stderr, "%s: cannot read config file %s: %s\n", ctl_progname, path, strerror(errno));
		rc = EXIT_FAILURE;
	}
	free(line);
	fclose(f);
	if (rc)
		return rc;
	if (!o->events)
		o->events = ev;
	if (!o->commands)
		o->commands = cm;
	/* each setting on its own: e.g. --key other.key with the file's server-key */
	if (!o->key)
		o->key = key;
	if (!o->server_key)
		o->server_key = skey;
	return 0;
}

int ctl_conn_resolve(struct ctl_conn_opts *o, const char *cmd)
{
	const char *env;
	int rc;

	o->mem = talloc_named_const(NULL, 0, "tetractl config");
	if (!o->mem) {
		fprintf(stderr, "%s: out of memory\n", ctl_progname);
		return EXIT_FAILURE;
	}
	if (o->config) {
		rc = read_config(o, o->config, true);
	} else {
		const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
		char *path = NULL;

		if (xdg && xdg[0] == '/')
			path = talloc_asprintf(o->mem, "%s/tetra-bridge/tetractl.conf", xdg);
		else if (home && home[0])
			path = talloc_asprintf(o->mem, "%s/.config/tetra-bridge/tetractl.conf", home);
		rc = path ? read_config(o, path, false) : 0;
	}
	if (rc)
		return rc;

	if (!o->events) {
		env = getenv(CTL_ENV_EVENTS);
		o->events = (env && env[0]) ? env : CTL_DEFAULT_EVENTS;
	}
	if (!o->commands) {
		env = getenv(CTL_ENV_COMMANDS);
		o->commands = (env && env[0]) ? env : CTL_DEFAULT_COMMANDS;
	}
	if (!(o->timeout_s > 0))
		o->timeout_s = CTL_DEFAULT_TIMEOUT_S;
	if (!!o->key != !!o->server_key)
		return ctl_usage_error(cmd, "%s without %s: CURVE needs this client's key pair (--key FILE.key) "
				       "and the bridge's public key (--server-key FILE.pub)",
				       o->key ? "--key" : "--server-key", o->key ? "--server-key" : "--key");
	return 0;
}

void ctl_conn_release(struct ctl_conn_opts *o)
{
	talloc_free(o->mem);
	o->mem = NULL;
}
