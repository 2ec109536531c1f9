/* The bridge: configuration, the radios it owns, and the one place where
 * events get their seq and are published.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdint.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/timer.h>

#include "ipc/tetra_bridge.pb-c.h"

#define TB_DEFAULT_EVENTS_ENDPOINT "tcp://127.0.0.1:5560"
#define TB_DEFAULT_VTY_PORT 4270

struct tb_publisher;
struct tb_security;
struct tb_journal;
struct tb_outbox_store;
struct tb_command_server;
struct tb_roster;
struct tb_callout_config;
struct tb_callout_tracker;
struct tb_backups;

struct tb_bridge {
	char *id;			/* bridge id in every event */
	char *events_endpoint;		/* PUB bind address */
	char *commands_endpoint;	/* ROUTER bind address */
	bool insecure;			/* allow non-loopback binds without CURVE */
	char *curve_server_key;		/* the bridge's key pair file (zcert); NULL: no CURVE */
	char *curve_clients;		/* the clients file (role, key, name) */
	char *state_dir;		/* the journal and the outgoing queue live here */
	uint64_t retention_days;	/* journal: events older are deleted (0: kept) */
	uint64_t retention_mb;		/* journal: oldest deleted above this size (0: no limit) */
	bool journal_sync_full;		/* fsync every event */

	void *zmq_ctx;
	struct tb_security *security;	/* CURVE + ZAP; NULL without */
	struct tb_journal *journal;
	int lock_fd;			/* flock on <state dir>/tetra-bridge.lock */
	struct tb_outbox_store *outbox_store;
	struct tb_publisher *pub;
	struct tb_command_server *cmd;
	uint64_t next_seq;		/* seq of the next event */
	bool announcing;		/* publishing the journal's lost ranges */
	struct osmo_timer_list housekeeping;	/* retention, journal backlog */
	struct osmo_timer_list trim;		/* freed memory back to the system */
	size_t trim_low;			/* the least free heap seen since the last trim */

	struct llist_head radios;	/* struct tb_radio.entry */
	struct tb_roster *roster;	/* names and meanings (config `roster`) */
	struct tb_callout_config *callout_cfg;	/* config `callout` */
	struct tb_callout_tracker *callouts;	/* call-out tracking; NULL until started */
	struct tb_backups *backups;	/* journal backups (bridge/backup.c); NULL until the first */

	bool usb;			/* libusb started (a radio has transport usb) */
	struct tb_usb_watch *usb_watch;	/* arrivals reopen waiting radios */
};

extern struct tb_bridge *g_bridge;

/* Allocate the bridge with defaults under ctx (sets g_bridge).
 * Ownership: a talloc child of ctx, freed with ctx (the daemon has one
 * bridge for its whole life); it owns its radios. */
struct tb_bridge *tb_bridge_alloc(void *ctx);

/* After the config is read: bind the events socket and start every radio.
 * libusb is started only when a radio has transport usb (a machine without
 * USB runs sim and tty radios); if it cannot start, the USB radios stay
 * offline and say why, the rest runs.
 * Returns 0, or -errno with a sentence for people in *errmsg. */
int tb_bridge_start(struct tb_bridge *b, char **errmsg);

/* Stop every radio (their offline events are published), close sockets,
 * then stop libusb. Does not free the bridge or its radios. */
void tb_bridge_stop(struct tb_bridge *b);

/* Give ev its seq, time and bridge id, the roster's names and meanings
 * (bridge/roster.h: they are in the journal too), store it in the journal,
 * then publish it. ev->radio must be set by the caller. Returns the seq given,
 * or 0 when the event could not be packed (out of memory; no seq used). */
uint64_t tb_bridge_publish(struct tb_bridge *b, Tetrabridge__V1__Event *ev);
