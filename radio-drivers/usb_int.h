/* Private to the USB files of radio-drivers/ (usb_loop.c, transport_usb.c):
 * what the loop and the transport tell each other. Not for any other code;
 * the public side is radio-drivers/usb.h. (libusb's libusbi.h pattern.)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>

#include "radio-drivers/usb.h"

struct libusb_device;

/* ---- the loop (usb_loop.c), for the transport --------------------------- */

/* Let libusb handle whatever is ready, without blocking. The osmo_fds and the
 * timer call this; exported for transports that just submitted work. Never
 * re-enters libusb: a call from inside a libusb callback does nothing. */
void tb_usb_handle_events(void);

/* Re-arm the timer from libusb_get_next_timeout(); call after submitting a
 * transfer that has a timeout. */
void tb_usb_rearm_timeout(void);

/* A passed-over device was released; tell watchers. */
void tb_usb__device_reoffer(struct libusb_device *dev);

/* ---- the transport (transport_usb.c), for the loop ---------------------- */

/* Transfers tuning: bulk IN transfers kept in flight and the size of each in
 * wMaxPacketSize units. */
#define TB_USB_IN_TRANSFERS	4
#define TB_USB_IN_PACKETS	8
/* Bulk OUT transfers in flight before write() reports -ENOBUFS. */
#define TB_USB_OUT_MAX		64

/* Whether one of this process's transports holds dev (open, or still
 * winding down), and the hook usb_loop.c calls when a device left. */
bool tb_usb__device_claimed(const struct libusb_device *dev);
void tb_usb__device_left(struct libusb_device *dev);
/* For tb_usb_exit(): close every session before the context goes. */
void tb_usb__exit_sessions(void);
