/* Device profiles: what differs between terminal makes, kept as data.
 * A profile names the PEI init sequence a terminal needs (which services
 * to route to the PEI with AT+CTSP, how to ask its identity) and its quirks.
 * USB identities (VID:PID, interfaces) are in radio-drivers/usb_profile.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>

struct tb_init_step {
	const char *cmd;	/* without CR */
	bool required;		/* an error answer stops the init (a timeout always does) */
};

struct tb_profile {
	const char *name;
	const char *description;
	const struct tb_init_step *init;	/* terminated by { NULL } */
};

/* The built-in profiles, terminated by { NULL }. */
extern const struct tb_profile tb_profiles[];

/* Find a profile by name; NULL when there is none. */
const struct tb_profile *tb_profile_find(const char *name);

/* The profile used when the config names none. */
const struct tb_profile *tb_profile_default(void);
