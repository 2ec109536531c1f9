/* tetractl's command line: usage errors, the option helpers every
 * subcommand uses, and the connection options (where the bridge's two
 * sockets are and which keys to use) with the config file behind them.
 *
 * Precedence: command-line options win over the config file, the config
 * file over the environment and the built-in defaults. The config file is
 * --config FILE, else $XDG_CONFIG_HOME/tetra-bridge/tetractl.conf (or
 * ~/.config/...) when it exists:
 *
 *   # where the bridge is and who we are
 *   events      tcp://10.1.2.3:5560
 *   commands    tcp://10.1.2.3:5561
 *   key         amk-1.key          # relative to the config file's folder
 *   server-key  bridge.pub         # or the 40 Z85 characters
 *
 * Ownership: strings in struct ctl_conn_opts point into argv, the
 * environment, or memory it owns (o->mem, from the config file), freed by
 * ctl_conn_release().
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ipc/tetra_bridge.pb-c.h"

#define CTL_DEFAULT_EVENTS	"tcp://127.0.0.1:5560"
#define CTL_DEFAULT_COMMANDS	"tcp://127.0.0.1:5561"
#define CTL_ENV_EVENTS		"TETRA_BRIDGE_EVENTS"
#define CTL_ENV_COMMANDS	"TETRA_BRIDGE_COMMANDS"
#define CTL_DEFAULT_TIMEOUT_S	5.0

#define CTL_EXIT_TIMEOUT	2
#define CTL_EXIT_UNDECODED	3

extern const char *ctl_progname;

/* "tetractl: <message>\nTry 'tetractl CMD --help'." on stderr; returns EX_USAGE. */
int ctl_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A getopt_long failure (c is ':' or '?') as a usage error of cmd. */
int ctl_option_error(const char *cmd, int c, char **argv);

/* "unexpected argument" for the first of argv[optind..] when there is one:
 * the usage error's exit status, else 0. */
int ctl_no_more_args(const char *cmd, int argc, char **argv);

/* Parse seconds ("5", "0.5") > 0 for --timeout and the like. */
bool ctl_parse_seconds(const char *s, double *out);

/* A whole number that starts with a digit (no sign, no blanks). */
bool ctl_parse_u64(const char *s, uint64_t *out);

/* A party as tetractl takes one (TO, RESPONDER): an SSI (1-8 digits, at
 * most 16777215) or a 17-digit TSI (MCC 4, MNC 5, SSI 8 digits). Sets
 * type, mcc, mnc and ssi of *id; false when s is neither. */
bool ctl_parse_identity(const char *s, Tetrabridge__V1__Identity *id);

/* ---- connection options -------------------------------------------------- */

/* getopt_long codes of the options every daemon-talking subcommand takes. */
enum {
	CTL_OPT_EVENTS = 0x100,
	CTL_OPT_COMMANDS,
	CTL_OPT_KEY,
	CTL_OPT_SERVER_KEY,
	CTL_OPT_CONFIG,
	CTL_OPT_TIMEOUT,
	CTL_OPT_FIRST_FREE,	/* subcommands number their own long-only options from here */
};

#define CTL_CONN_LONG_OPTS \
	{ "events", required_argument, NULL, CTL_OPT_EVENTS }, \
	{ "commands", required_argument, NULL, CTL_OPT_COMMANDS }, \
	{ "key", required_argument, NULL, CTL_OPT_KEY }, \
	{ "server-key", required_argument, NULL, CTL_OPT_SERVER_KEY }, \
	{ "config", required_argument, NULL, CTL_OPT_CONFIG }

/* The --help lines of CTL_CONN_LONG_OPTS. */
#define CTL_CONN_HELP \
	"      --events EP       events endpoint (default: $" CTL_ENV_EVENTS ", else\n" \
	"                        " CTL_DEFAULT_EVENTS ")\n" \
	"      --commands EP     command endpoint (default: $" CTL_ENV_COMMANDS ", else\n" \
	"                        " CTL_DEFAULT_COMMANDS ")\n" \
	"      --key FILE        this client's key pair (a .key file from 'tetractl keygen')\n" \
	"      --server-key KEY  the bridge's public key: its .pub file or 40 Z85 characters\n" \
	"                        (--key and --server-key together make the sockets CURVE)\n" \
	"      --config FILE     read endpoints and keys from FILE (default:\n" \
	"                        ~/.config/tetra-bridge/tetractl.conf when it exists)\n"

/* The --help lines of a subcommand that sends one command and waits for
 * its reply: the connection options, -T and -h. */
#define CTL_REQUEST_HELP \
	CTL_CONN_HELP \
	"  -T, --timeout S       wait at most S seconds for the bridge's reply (default 5)\n" \
	"  -h, --help            this text\n"

struct ctl_conn_opts {
	const char *events;
	const char *commands;
	const char *key;	/* file */
	const char *server_key;	/* file or Z85 */
	const char *config;	/* --config; NULL: the default file if it exists */
	double timeout_s;	/* the reply timeout; 0 until resolved */
	void *mem;		/* talloc context of the strings read from the config file */
};

/* Take one of CTL_CONN_LONG_OPTS (or CTL_OPT_TIMEOUT). Returns 1 when c was
 * one of them, 0 when not, or EX_USAGE (the message printed) when its value
 * is wrong: the caller returns that. */
int ctl_conn_opt(struct ctl_conn_opts *o, const char *cmd, int c, const char *arg);

/* ctl_conn_opt with -T as --timeout, for the default: branch of a
 * subcommand's getopt loop (c may be ':' or '?'): 1 when taken, else the
 * exit status of the usage error (printed). */
int ctl_conn_opt_or_error(struct ctl_conn_opts *o, const char *cmd, int c, char **argv);

/* The options of a subcommand whose only options are the connection
 * options, -T, -h and -j/--json (sets *json): the whole getopt loop.
 * Returns 1 to go on (optind at the first operand, which the caller
 * checks), else the exit status: EXIT_SUCCESS after --help (usage printed
 * on stdout) or a usage error's (printed). */
int ctl_conn_only_args(const char *cmd, int argc, char **argv, void (*usage)(FILE *out), struct ctl_conn_opts *o,
		       bool *json);

/* Fill what the options left open from the config file, the environment and
 * the defaults; check that --key and --server-key come together. Returns 0,
 * or an exit status (EX_USAGE, 1) with the reason printed. Strings may point
 * into memory owned by o (valid until ctl_conn_release). */
int ctl_conn_resolve(struct ctl_conn_opts *o, const char *cmd);

/* Free what ctl_conn_resolve allocated (the strings it set become invalid). */
void ctl_conn_release(struct ctl_conn_opts *o);
