/* tetra-web's configuration: what the config file said (web/web_vty.c
 * fills it), checked as a whole by tw_web_config_check().
 *
 *   web
 *    listen ADDR PORT           (an IP address; HTTPS, or HTTP with insecure)
 *    certificate FILE           (PEM, the chain after the certificate)
 *    private-key FILE           (PEM)
 *    insecure                   (plain HTTP: only on a loopback address)
 *    users FILE                 (web/users.h; `tetractl web-user add`)
 *    static DIR                 (the page; default: the installed one)
 *    leaflet DIR                (served under /leaflet/)
 *    idle-timeout SECONDS       (default 900)
 *    session-lifetime SECONDS   (default 43200)
 *    login-limit COUNT WINDOW   (failed sign-ins per name and per address)
 *    metrics-token-file FILE    (a token for /metrics without a session)
 *    tile-server URL            (https://.../{z}/{x}/{y}.png; default none)
 *    curve-key FILE             (tetra-web's own key pair, tetractl keygen)
 *    ws-queue BYTES COUNT       (per WebSocket client)
 *    max-clients N              (WebSocket clients at once)
 *   bridge NAME                 (one per bridge, in board order)
 *    events ENDPOINT
 *    commands ENDPOINT
 *    server-key FILE            (the bridge's public key: CURVE)
 *
 * Relative file names are relative to the config file's folder.
 *
 * Ownership: g_web_config is a talloc child of the ctx given to
 * tw_web_config_init(); its strings are its children.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#ifndef TW_STATIC_DIR
#define TW_STATIC_DIR "/usr/share/tetra-bridge/web"
#endif
#define TW_LEAFLET_DIR "/usr/share/javascript/leaflet"
#define TW_DEFAULT_CONFIG "/etc/tetra-bridge/tetra-web.cfg"

#define TW_DEFAULT_IDLE_S 900
#define TW_DEFAULT_LIFETIME_S (12 * 3600)
#define TW_DEFAULT_LOGIN_MAX 5
#define TW_DEFAULT_LOGIN_WINDOW_S 300
#define TW_DEFAULT_WS_QUEUE_BYTES (4u << 20)
#define TW_DEFAULT_WS_QUEUE_COUNT 2000
#define TW_DEFAULT_MAX_CLIENTS 500
#define TW_MAX_BRIDGES 64

/* Where each setting came from: its line in the file (0: not given). */
enum tw_cfg_setting {
	TW_CFG_WEB,
	TW_CFG_LISTEN,
	TW_CFG_CERTIFICATE,
	TW_CFG_PRIVATE_KEY,
	TW_CFG_INSECURE,
	TW_CFG_USERS,
	TW_CFG_STATIC,
	TW_CFG_LEAFLET,
	TW_CFG_IDLE,
	TW_CFG_LIFETIME,
	TW_CFG_LOGIN_LIMIT,
	TW_CFG_METRICS_TOKEN,
	TW_CFG_TILE_SERVER,
	TW_CFG_CURVE_KEY,
	TW_CFG_WS_QUEUE,
	TW_CFG_MAX_CLIENTS,
	_TW_CFG_COUNT
};

enum tw_bridge_setting {
	TW_BCFG_BRIDGE,
	TW_BCFG_EVENTS,
	TW_BCFG_COMMANDS,
	TW_BCFG_SERVER_KEY,
	_TW_BCFG_COUNT
};

struct tw_bridge_config {
	char *name;
	char *events;
	char *commands;
	char *server_key;	/* NULL: plain ZeroMQ */
	unsigned line[_TW_BCFG_COUNT];
};

struct tw_web_config {
	char *listen_addr;
	unsigned listen_port;
	char *certificate;
	char *private_key;
	bool insecure;
	char *users;
	char *static_dir;
	char *leaflet_dir;
	unsigned idle_s;
	unsigned lifetime_s;
	unsigned login_max;
	unsigned login_window_s;
	char *metrics_token_file;
	char *tile_server;	/* NULL: none (the page draws a plain grid) */
	char *curve_key;
	size_t ws_queue_bytes;
	unsigned ws_queue_count;
	unsigned max_clients;
	struct tw_bridge_config *bridges[TW_MAX_BRIDGES];
	unsigned n_bridges;
	unsigned line[_TW_CFG_COUNT];
	char *config_dir;	/* relative paths resolve here */
};

extern struct tw_web_config *g_web_config;

/* Make g_web_config with the defaults. */
struct tw_web_config *tw_web_config_init(void *ctx);

/* Read the file through the VTY (web/web_vty.c commands), checking it as
 * text first (tb_config_file_read, common/config_file.h: every line UTF-8,
 * at most the VTY's line length, no control characters), then check it as
 * a whole. While a command runs, tb_config_file_line() is its line.
 * Returns 0, or -errno / -EINVAL with *errmsg (under ctx): a sentence
 * naming the file and the line. */
int tw_web_config_read(void *ctx, const char *path, char **errmsg);

/* What cannot be meant (no bridge, no listen, HTTPS without its files,
 * insecure off loopback, files that cannot be read ...). Returns 0, or
 * -EINVAL with *errmsg (under ctx) and *line (0: not one line's fault). */
int tw_web_config_check(void *ctx, const struct tw_web_config *c, unsigned *line, char **errmsg);

/* Whether addr is a loopback address (127.0.0.0/8, ::1). */
bool tw_addr_is_loopback(const char *addr);

/* Install the web and bridge nodes (after vty_init()). */
void tw_web_vty_init(void);
