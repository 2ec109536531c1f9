/* tetractl's side of the bridge's two sockets: where they are and which
 * keys to use (options, config file, environment), the CURVE client
 * sockets, and one Command -> one Reply over a DEALER socket.
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
 * Everything here is single-threaded and blocking with a bound (the reply
 * timeout); a signalfd given to the client ends a wait early.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "ipc/security.h"
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

/* Fill what the options left open from the config file, the environment and
 * the defaults; check that --key and --server-key come together. Returns 0,
 * or an exit status (EX_USAGE, 1) with the reason printed. Strings may point
 * into memory owned by the process (valid until exit). */
int ctl_conn_resolve(struct ctl_conn_opts *o, const char *cmd);

/* Free what ctl_conn_resolve allocated (the strings it set become invalid). */
void ctl_conn_release(struct ctl_conn_opts *o);

/* Parse seconds ("5", "0.5") > 0 for --timeout and the like. */
bool ctl_parse_seconds(const char *s, double *out);

/* ---- the client ---------------------------------------------------------- */

struct ctl_client {
	const struct ctl_conn_opts *opts;
	void *zctx;
	void *cmd;		/* DEALER, made by the first request */
	bool curve;
	struct tb_curve_keypair me, server;
	uint64_t next_request_id;
	int sigfd;		/* -1, or a signalfd that ends waits (-EINTR) */
};

/* Load the keys (if any) and make a ZeroMQ context. Returns 0, or an exit
 * status with the reason printed. */
int ctl_client_open(struct ctl_client *cl, const struct ctl_conn_opts *o);
void ctl_client_close(struct ctl_client *cl);

/* A SUB socket connected to the events endpoint, CURVE when keys are set,
 * subscribed to every prefix in topics (all events when n_topics is 0).
 * Returns NULL with the reason printed; *exit_status says how to exit. */
void *ctl_client_sub(struct ctl_client *cl, const char *const *topics, unsigned n_topics, int *exit_status);

/* Send cmd (its request_id is set here) and wait up to the reply timeout for
 * the Reply with that request id. Returns 0 with *reply set (free with
 * tetrabridge__v1__reply__free_unpacked; its code may be an error),
 * -ETIMEDOUT when no reply came, -EINTR when the signalfd fired, or another
 * -errno with the reason printed. */
int ctl_request(struct ctl_client *cl, Tetrabridge__V1__Command *cmd, Tetrabridge__V1__Reply **reply);

/* "no reply from the bridge at EP within 5 s" into buf. */
const char *ctl_no_reply_text(const struct ctl_client *cl, char *buf, size_t len);

/* ctl_request for a subcommand: prints the reasons a person needs (no reply,
 * the reply's error as "tetractl: NOT_ALLOWED: <sentence>") and returns 0
 * with an OK reply, or the exit status. */
int ctl_call(struct ctl_client *cl, Tetrabridge__V1__Command *cmd, Tetrabridge__V1__Reply **reply);

/* "NOT_ALLOWED", ... for a Reply code. */
const char *ctl_reply_code_name(Tetrabridge__V1__Reply__Code code);

/* A Replay of up to max_events from from_seq (0: the bridge's default).
 * Returns as ctl_request; *reply is OK or not, as the bridge said. */
int ctl_replay(struct ctl_client *cl, uint64_t from_seq, uint32_t max_events, Tetrabridge__V1__Reply **reply);
