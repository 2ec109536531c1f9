/* Telling the service manager how the daemon is (see service.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/service.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/signal.h>
#include <osmocom/core/timer.h>

#include "bridge/bridge.h"
#include "bridge/radio.h"
#include "common/logging.h"
#include "radio-drivers/radio_link.h"

/* A STATUS= line: systemctl status shows it on one line. */
#define TB_SERVICE_STATUS_MAX 256

static struct {
	struct tb_bridge *bridge;	/* NULL until ready */
	struct osmo_timer_list watchdog;
	uint64_t watchdog_usec;		/* the interval systemd asked for; 0: none */
	bool failed_once;		/* a send failed: logged once, not per message */
} g_service;

static bool radio_online(const struct tb_radio *r)
{
	/* up_since is set before LINK_UP is emitted and cleared before
	 * LINK_DOWN: right also while the radio's signal is dispatched. */
	return r->link && tb_radio_link_up_since(r->link) != 0;
}

/* Append s to buf (of len, holding *used bytes); false when it does not fit. */
static bool append(char *buf, size_t len, size_t *used, const char *s)
{
	size_t n = strlen(s);

	if (*used + n + 1 > len)
		return false;
	memcpy(buf + *used, s, n + 1);
	*used += n;
	return true;
}

void tb_service_status_text(const struct tb_bridge *b, char *buf, size_t len)
{
	static const char more[] = "...";
	const struct tb_radio *r;
	unsigned configured = 0, online = 0;
	const char *sep = "; offline: ";
	size_t used;
	int n;

	if (!len)
		return;
	llist_for_each_entry(r, &b->radios, entry) {
		configured++;
		online += radio_online(r);
	}
	n = snprintf(buf, len, "%u of %u radio%s online", online, configured, configured == 1 ? "" : "s");
	if (n < 0 || (size_t)n >= len || online == configured)
		return;
	used = (size_t)n;
	/* Radio names are the config's, not health data. */
	llist_for_each_entry(r, &b->radios, entry) {
		if (radio_online(r))
			continue;
		if (used + strlen(sep) + strlen(r->name) + sizeof(more) > len) {
			append(buf, len, &used, more);
			return;
		}
		append(buf, len, &used, sep);
		append(buf, len, &used, r->name);
		sep = ", ";
	}
}

static int notify(const char *msg)
{
	int rc = sd_notify(0, msg);

	/* rc 0: no $NOTIFY_SOCKET, nobody to tell. */
	if (rc < 0 && !g_service.failed_once) {
		g_service.failed_once = true;
		LOGP(DMAIN, LOGL_ERROR, "cannot tell the service manager (NOTIFY_SOCKET): %s\n", strerror(-rc));
	}
	return rc < 0 ? rc : 0;
}

static int notify_status(const char *prefix)
{
	char status[TB_SERVICE_STATUS_MAX];
	char msg[TB_SERVICE_STATUS_MAX + 32];

	tb_service_status_text(g_service.bridge, status, sizeof(status));
	snprintf(msg, sizeof(msg), "%sSTATUS=%s", prefix, status);
	return notify(msg);
}

static int radio_signal_cb(unsigned int subsys, unsigned int signal, void *handler_data, void *signal_data)
{
	if (subsys != SS_TB_RADIO || signal != S_TB_RADIO_LINK || !g_service.bridge)
		return 0;
	notify_status("");
	return 0;
}

static void watchdog_schedule(void)
{
	/* Half the interval, as sd_watchdog_enabled(3) advises: one late
	 * round of the loop is not yet a restart. */
	uint64_t half = g_service.watchdog_usec / 2;

	osmo_timer_schedule(&g_service.watchdog, half / 1000000, half % 1000000);
}

static void watchdog_cb(void *data)
{
	notify("WATCHDOG=1");
	watchdog_schedule();
}

int tb_service_ready(struct tb_bridge *b)
{
	uint64_t usec = 0;
	int rc;

	g_service.bridge = b;
	osmo_signal_register_handler(SS_TB_RADIO, radio_signal_cb, NULL);
	rc = notify_status("READY=1\n");
	if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
		g_service.watchdog_usec = usec;
		osmo_timer_setup(&g_service.watchdog, watchdog_cb, NULL);
		watchdog_cb(NULL);
		LOGP(DMAIN, LOGL_INFO, "watchdog: telling the service manager every %" PRIu64 " ms\n",
		     usec / 2000);
	}
	return rc;
}

void tb_service_reloading(void)
{
	notify("RELOADING=1");
}

void tb_service_reloaded(void)
{
	if (g_service.bridge)
		notify_status("READY=1\n");
}

void tb_service_stop(void)
{
	if (!g_service.bridge)
		return;
	notify("STOPPING=1");
	osmo_signal_unregister_handler(SS_TB_RADIO, radio_signal_cb, NULL);
	if (g_service.watchdog_usec)
		osmo_timer_del(&g_service.watchdog);
	g_service.bridge = NULL;
	g_service.watchdog_usec = 0;
}
