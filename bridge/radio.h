/* A configured radio: its name, how to reach it, and its live link.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdint.h>
#include <osmocom/core/linuxlist.h>

#include "radio-drivers/profile.h"

struct tb_bridge;
struct tb_radio_link;

enum tb_radio_transport {
	TB_RADIO_SIM,		/* simulated terminal inside the daemon */
	TB_RADIO_TTY,		/* serial device or pty */
};

struct tb_radio {
	struct llist_head entry;	/* in tb_bridge.radios */
	struct tb_bridge *bridge;
	char *name;

	/* configuration */
	enum tb_radio_transport transport;
	char *tty_path;
	unsigned baud;
	char *scenario;			/* sim: scenario file, may be NULL */
	char *sim_identity;		/* sim: own TSI, 17 digits */
	const struct tb_profile *profile;

	/* runtime */
	struct tb_radio_link *link;
	uint64_t events;		/* events published for this radio */
};

/* Find or create a radio by name (config "radio NAME"). */
struct tb_radio *tb_radio_find(struct tb_bridge *b, const char *name);
struct tb_radio *tb_radio_alloc(struct tb_bridge *b, const char *name);

/* Build its transport and start the link. Returns 0 or -errno with *errmsg. */
int tb_radio_start(struct tb_radio *r, char **errmsg);
void tb_radio_stop(struct tb_radio *r);

const char *tb_radio_transport_name(enum tb_radio_transport t);
