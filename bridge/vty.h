/* Config file and telnet VTY for tetra-bridged.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <osmocom/vty/command.h>

#include "codecs/tetra_prim.h"

/* The bridge's VTY nodes, after libosmocore's own. The running config is
 * written in this order. */
enum tb_vty_node {
	BRIDGE_NODE = _LAST_OSMOVTY_NODE + 1,
	RADIO_NODE,
	ROSTER_NODE,		/* bridge/vty_roster.c */
	CALLOUT_NODE,		/* bridge/vty_callout.c */
};

/* Install the bridge's nodes and commands (after vty_init() and
 * logging_vty_add_cmds(), g_bridge set). */
void tb_vty_init(void);

/* Remember the config file's folder: relative paths in it resolve there. */
void tb_vty_set_config_file(const char *path);

/* The roster node and `show roster`; the callout node and `show callout
 * config` (called by tb_vty_init()). */
void tb_vty_roster_init(void);
void tb_vty_callout_init(void);

/* An identity as the roster and the plans give it: an SSI of 1-8 digits
 * (ISSI or GSSI, at most 16777215) or a 17-digit TSI (MCC 4, MNC 5, SSI 8
 * digits; one with MCC and MNC 0 is the SSI). Returns 0, or -EINVAL. */
int tb_vty_parse_identity(const char *s, struct tetra_identity *id);
/* The same form back: "1001" or "02420001600001001". */
const char *tb_vty_identity_str(const struct tetra_identity *id, char *buf, size_t len);
/* The sentence for an identity that did not parse (no line end). */
#define TB_VTY_IDENTITY_FORMS "an ISSI or GSSI is 1-8 digits (at most 16777215), a TSI 17 digits (MCC 4, MNC 5, SSI 8)"
