/* USB terminals through libusb, inside the one osmo_select loop.
 *
 * One process-wide libusb context (usb_loop.c): its file descriptors are
 * osmo_fds (libusb_set_pollfd_notifiers), its next timeout an osmo_timer,
 * and its events are handled without blocking
 * (libusb_handle_events_timeout_completed with a zero timeout). No thread of
 * ours, no blocking call: after libusb_open() every transfer, control
 * requests included, is asynchronous. Hot-plug arrival and removal come
 * through libusb's hotplug callbacks, which only record the event; the work
 * (reading the device's sysfs attributes, telling subscribers and
 * transports) runs from a zero-delay osmo_timer afterwards.
 *
 * The transport (transport_usb.c) is a struct tb_transport of kind "usb"
 * that claims the PEI interface of one terminal, keeps several bulk IN
 * transfers in flight and queues bulk OUT transfers for writes.
 *
 * Wiring in the daemon (bridge/bridge.c, bridge/radio.c, bridge/vty.c):
 *   tb_usb_init(bridge)                     once, before any USB transport opens,
 *                                           only when a radio has transport usb
 *   t = tb_transport_usb_alloc(radio, &match, usb_profile)   for every radio first,
 *   rl = tb_radio_link_alloc(..., t, tb_profile_find(usb_profile->pei_profile), ...)
 *   tb_radio_link_match_identity(rl, tsi)   config `match identity`
 *   tb_radio_link_start(rl)                 then every link
 *   tb_usb_on_arrival(bridge, arrived_cb, bridge)
 *       arrived_cb (tb_radios_usb_arrived): for each radio whose link is down
 *       and whose transport says tb_transport_usb_matches(t, info), reopen now
 *       (tb_radio_link_retry_now) instead of waiting for the backoff; radios
 *       named by USB properties before those matching by identity.
 *   `show usb`: tb_usb_list(cb, vty); `show radios`: tb_transport_usb_info()
 *   shutdown: free the radios (closing their transports), then tb_usb_exit().
 *
 * Errors are -errno: -ENOENT no matching terminal present, -EACCES no
 * permission on the device node, -EBUSY interface held by a driver or
 * another program, -ENODEV unplugged, -EINVAL the device has no interface
 * with a bulk IN/OUT pair where the profile / match spec says, -EAGAIN the
 * previous session on the same device is still winding down (retry), -EIO
 * anything else. The transport logs the ones a person can act on itself,
 * once (DUSB, NOTICE), naming the udev rule file, the group or the driver:
 * the caller need not repeat them.
 *
 * A USB transport opened before tb_usb_init() initialises libusb itself
 * (state under the NULL talloc context); call tb_usb_init() first.
 *
 * What usb_loop.c and transport_usb.c share beyond this is in the private
 * radio-drivers/usb_int.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "radio-drivers/transport.h"
#include "radio-drivers/usb_profile.h"

struct libusb_context;
struct libusb_device;

/* ---- the loop (usb_loop.c) ---------------------------------------------- */

/* Create the process-wide libusb context and hook it into osmo_select, and
 * register the hotplug callback when libusb supports hotplug. Its state is a
 * talloc child of ctx. Idempotent: a second call returns 0 and changes
 * nothing. Returns 0 or -errno (-EIO if libusb cannot start, e.g. no usbfs).
 * Under the umockdev test bed it must run after the test bed exists. */
int tb_usb_init(void *ctx);

/* Tear the context down. USB transports still open are closed first, with
 * a bounded wait (at most about 1 s, the only wait in this module, at
 * shutdown) for libusb to hand back their cancelled transfers; they may be
 * freed afterwards but not reopened. Safe to call when not initialised. */
void tb_usb_exit(void);

/* The context, NULL before tb_usb_init(). */
struct libusb_context *tb_usb_context(void);

/* What is known about one present device, from its descriptors and sysfs
 * (nothing is read from the device itself). Valid during the callback. */
struct tb_usb_device_info {
	uint16_t vid, pid;
	uint8_t busnum, devnum;
	char bus_path[32];		/* "1-1.2": bus, then port numbers */
	char serial[128];		/* iSerialNumber as the kernel read it; "" unknown */
	const struct tb_usb_profile *profile;	/* NULL: no profile knows it */
	const char *model;		/* product name from the profile, or NULL */
	bool in_use;			/* claimed by one of our USB transports */
	int interface;			/* tb_transport_usb_info(): the interface carrying
					 * the PEI; -1 otherwise */
	bool reoffered;			/* not a new arrival: a transport let it go as not
					 * its terminal (tb_transport_pass_over), see tb_usb_watch() */
	const struct libusb_device *dev;	/* identity only: for comparisons */
};

/* Call cb for every present device that a profile knows (by VID:PID, or by
 * having a CDC-ACM interface pair: profile "cdc-acm"). Returns how many, or
 * -errno (-ENODEV before tb_usb_init()). */
int tb_usb_list(void (*cb)(const struct tb_usb_device_info *info, void *data), void *data);

/* Hot-plug subscription. arrived / left (either may be NULL) run from the
 * osmo_select loop, shortly after libusb noticed the change, for every
 * device (not only known terminals: check info->profile, or ask
 * tb_transport_usb_matches()). arrived also runs, with info->reoffered set,
 * when one of our transports has released a device it passed over
 * (tb_transport_pass_over: another radio's terminal), so that a link waiting for
 * it can take it at once. Returns NULL on no memory or before tb_usb_init().
 * Ownership: a talloc child of ctx; tb_usb_watch_destroy() frees it, and so
 * does freeing ctx (either unsubscribes, also from inside its own
 * callback). */
struct tb_usb_watch;
struct tb_usb_watch *tb_usb_watch(void *ctx,
				  void (*arrived)(const struct tb_usb_device_info *info, void *data),
				  void (*left)(const struct tb_usb_device_info *info, void *data),
				  void *data);
/* The same with only an arrival callback. */
struct tb_usb_watch *tb_usb_on_arrival(void *ctx,
				       void (*cb)(const struct tb_usb_device_info *info, void *data),
				       void *data);
/* Unsubscribe; frees the subscription and sets *w to NULL. w and *w may be
 * NULL. */
void tb_usb_watch_destroy(struct tb_usb_watch **w);

/* Whether one of this process's USB transports holds the device now (open,
 * being identified, or still winding down); info->in_use as of now. */
bool tb_usb_device_in_use(const struct tb_usb_device_info *info);

/* Fill *info for dev (for transport_usb.c). Returns 0 or -errno. */
int tb_usb_device_info(struct libusb_device *dev, struct tb_usb_device_info *info);

/* ---- the transport (transport_usb.c) ------------------------------------ */

/* Which terminal a USB transport drives. Zero / NULL fields match anything.
 * With vid == 0 any device a profile lists matches (or, with the cdc-acm
 * profile, any device with a CDC-ACM interface pair). */
struct tb_usb_match {
	uint16_t vid, pid;
	const char *serial;		/* iSerialNumber, exact */
	const char *bus_path;		/* "1-1.2" style, exact */
	int interface;			/* the interface carrying the PEI (the data
					 * interface for CDC-ACM); -1: from the profile */
};

/* A USB transport. m is copied. profile: the USB profile; NULL picks it at
 * open() from the device's VID:PID (cdc-acm for unknown devices with a
 * CDC-ACM pair). open() takes the FIRST present device that matches and that
 * no other USB transport of this process has claimed; it detaches the kernel
 * driver (usb-serial-simple, cdc_acm) from the interfaces it claims and
 * reattaches it at close(). An actionable error (permission, busy, no
 * device) is logged once at NOTICE, repeats at DEBUG until it changes or an
 * open succeeds. A transfer failing with no-device or an I/O error closes
 * the transport and reports t->down(-ENODEV / -EIO) from a zero-delay timer.
 * Ownership: a talloc child of ctx; tb_transport_destroy() frees it, and so
 * does freeing ctx (either closes it first). Returns NULL on bad arguments
 * or no memory. */
struct tb_transport *tb_transport_usb_alloc(void *ctx, const struct tb_usb_match *m,
					    const struct tb_usb_profile *profile);

/* Would this transport take that device (ignoring whether it is in use)?
 * For arrival handling. false for transports of another kind.
 *
 * Two rules beyond the match spec, in open() too: a device the transport
 * passed over (tb_transport_pass_over()) is not taken again until it has been
 * unplugged; and a transport whose spec names no serial number and no bus
 * path does not take a device that another USB transport names by serial
 * number or bus path (that one is reserved for its radio). */
bool tb_transport_usb_matches(const struct tb_transport *t, const struct tb_usb_device_info *info);

/* The device an open USB transport holds (filled like tb_usb_list(), with
 * the profile in use and the PEI interface), for `show radios`. Returns 0,
 * -ENOTCONN when closed, -EINVAL for a transport of another kind. */
int tb_transport_usb_info(const struct tb_transport *t, struct tb_usb_device_info *info);
