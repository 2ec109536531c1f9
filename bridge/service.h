/* Telling the service manager (systemd, Type=notify) how the daemon is:
 * READY=1 once the config is loaded and the sockets are bound, a STATUS=
 * line with the radios online of those configured (updated as radios come
 * and go), WATCHDOG=1 from the event loop at half the interval systemd asks
 * for (WatchdogSec=), RELOADING=1 / READY=1 around a SIGHUP reload, and
 * STOPPING=1 at shutdown.
 *
 * Without $NOTIFY_SOCKET (a terminal, a test, another init) every call does
 * nothing. The messages go through libsystemd's sd_notify(): it finds the
 * socket, speaks its datagram protocol and reads $WATCHDOG_USEC.
 *
 * The daemon has one service state, kept here (like the VTY's); its timer
 * and signal handler live until tb_service_stop().
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

struct tb_bridge;

/* The bridge is running: say READY=1 and its STATUS=, start the watchdog
 * when systemd asked for one, and follow radios going online and offline
 * (S_TB_RADIO_LINK, bridge/radio.h) to keep STATUS= current. Returns 0, or
 * -errno when a message could not be sent (the caller logs it; the daemon
 * runs on). */
int tb_service_ready(struct tb_bridge *b);

/* Around a reload (SIGHUP): RELOADING=1, then READY=1 with the status. */
void tb_service_reloading(void);
void tb_service_reloaded(void);

/* Shutting down: STOPPING=1; the watchdog and the radio handler stop. */
void tb_service_stop(void);

/* The STATUS= text for b: "3 of 3 radios online", with the names of those
 * offline when some are ("1 of 3 radios online; offline: a, b"), at most
 * len - 1 bytes (cut with "..."). Exposed for tests. */
void tb_service_status_text(const struct tb_bridge *b, char *buf, size_t len);
