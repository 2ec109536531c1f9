/* Log categories shared by every layer (libosmocore logging).
 * Health data rule: SDS text, positions and identities are never logged at
 * INFO or above; refer to events by seq and to radios by their name.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <osmocom/core/logging.h>

enum tb_log_cat {
	DMAIN,		/* start-up, shutdown, configuration */
	DRADIO,		/* radio link state machine, init, keep-alive */
	DPEI,		/* PEI framing and AT commands */
	DSDS,		/* status and short data */
	DCC,		/* call control */
	DIPC,		/* ZeroMQ events and commands */
	DSIM,		/* simulated terminals */
	DUSB,		/* libusb transport */
	DJOURNAL,	/* the journal (SQLite) and the outgoing queue's store */
	DCALLOUT,	/* call-out tracking: responders, escalation */
	DWEB,		/* tetra-web: HTTP, WebSocket, sign-in, actions */
};

extern const struct log_info tb_log_info;

/* Set up libosmocore logging with tb_log_info under ctx; stderr target on.
 * Returns 0 or -errno. */
int tb_logging_init(void *ctx);
