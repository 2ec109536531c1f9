/* usb transport: a terminal's PEI through libusb, asynchronous only; see
 * usb.h.
 *
 * An open transport owns a session: the device handle, the claimed
 * interfaces and every transfer in flight. close() detaches the session from
 * the transport and cancels its transfers; libusb reports each cancelled
 * transfer through its callback later, and only when the last one has come
 * back is the session finished (interfaces released, kernel drivers
 * reattached, handle closed), from a zero-delay timer. Meanwhile the
 * transport may open again: on another device at once, on the same one as
 * soon as the old session is gone (-EAGAIN until then).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE	/* strverscmp */
#include "radio-drivers/usb_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libusb.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "common/logging.h"

#define USB_MAX_IFACES		2	/* CDC-ACM: communication + data */
#define USB_DRAIN_GUARD_S	5	/* give up waiting for cancelled transfers */
#define USB_UDEV_RULES		"/etc/udev/rules.d/60-tetra-bridge.rules"

/* CDC PSTN requests (USB CDC PSTN subclass 1.2, table 13). */
#define CDC_SET_LINE_CODING		0x20
#define CDC_SET_CONTROL_LINE_STATE	0x22
#define CDC_LINE_DTR			0x01
#define CDC_LINE_RTS			0x02

struct usb_transport;

struct usb_xfr {		/* one transfer in flight */
	struct llist_head list;
	struct usb_sess *s;
	struct libusb_transfer *x;
};

struct usb_sess {
	struct llist_head list;		/* g_sessions */
	struct usb_transport *ut;	/* NULL once closed: winding down */
	libusb_device *dev;		/* referenced */
	libusb_device_handle *h;
	struct tb_usb_device_info info;
	const struct tb_usb_profile *profile;	/* may be NULL (unknown device, AUTO) */
	uint8_t config;			/* bConfigurationValue */
	int ifaces[USB_MAX_IFACES];
	bool claimed[USB_MAX_IFACES];
	bool detached[USB_MAX_IFACES];
	unsigned n_ifaces;
	int ctrl_if;			/* CDC communication interface, -1 none */
	int data_if;			/* the interface carrying the PEI */
	uint8_t ep_in, ep_out;
	uint16_t mps;			/* bulk IN wMaxPacketSize */
	struct llist_head xfrs;		/* struct usb_xfr */
	unsigned out_flight;
	struct osmo_timer_list fin;	/* finish once drained (or the guard expired) */
	bool reoffer;			/* passed over: offer the device to others when released */
};

struct usb_skipped {		/* a device a transport passed over (not its terminal) */
	struct llist_head list;
	libusb_device *dev;	/* referenced */
};

struct usb_transport {
	struct tb_transport t;		/* first: the public part */
	struct llist_head list;		/* g_transports */
	struct tb_usb_match m;		/* strings owned */
	const struct tb_usb_profile *profile;	/* configured; NULL: by VID:PID */
	struct usb_sess *sess;		/* while open */
	struct llist_head skipped;	/* struct usb_skipped: until they are unplugged */
	struct osmo_timer_list down_timer;	/* reports a broken link */
	int down_err;
	unsigned probe;			/* PEI interface candidate: profile's + probe (no interface configured) */
	char pei_found[160];		/* "<bus path> <serial>" of the terminal whose candidate
					 * `probe` answered AT; "" none */
	int last_err;			/* the last open error, logged once */
	char last_msg[384];
	char match_desc[128];		/* "0cad:9013 serial ABC123" */
	char desc[192];
};

static LLIST_HEAD(g_sessions);
static LLIST_HEAD(g_transports);

static void sess_detach(struct usb_sess *s);

/* ---- helpers ------------------------------------------------------------- */

/* An open error a person can act on: NOTICE the first time, DEBUG while it
 * repeats (the link retries with backoff). */
static int open_error(struct usb_transport *ut, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int open_error(struct usb_transport *ut, int err, const char *fmt, ...)
{
	char msg[sizeof(ut->last_msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (err == ut->last_err && strcmp(msg, ut->last_msg) == 0) {
		LOGP(DUSB, LOGL_DEBUG, "still: %s\n", msg);
	} else {
		LOGP(DUSB, LOGL_NOTICE, "%s\n", msg);
		ut->last_err = err;
		osmo_strlcpy(ut->last_msg, msg, sizeof(ut->last_msg));
	}
	return err;
}

/* The driver bound to one interface, from sysfs ("" if none / unknown). */
static void iface_driver(const struct usb_sess *s, int ifnum, char *buf, size_t size)
{
	char path[256], link[256];
	ssize_t n;
	const char *base;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/sys/bus/usb/devices/%s:%u.%d/driver", s->info.bus_path,
		 s->config, ifnum);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return;
	link[n] = '\0';
	base = strrchr(link, '/');
	osmo_strlcpy(buf, base ? base + 1 : link, size);
}

static int libusb_to_errno(int rc)
{
	switch (rc) {
	case LIBUSB_SUCCESS:
		return 0;
	case LIBUSB_ERROR_ACCESS:
		return -EACCES;
	case LIBUSB_ERROR_NO_DEVICE:
		return -ENODEV;
	case LIBUSB_ERROR_NOT_FOUND:
		return -ENOENT;
	case LIBUSB_ERROR_BUSY:
		return -EBUSY;
	case LIBUSB_ERROR_TIMEOUT:
		return -ETIMEDOUT;
	case LIBUSB_ERROR_NO_MEM:
		return -ENOMEM;
	case LIBUSB_ERROR_NOT_SUPPORTED:
		return -EOPNOTSUPP;
	case LIBUSB_ERROR_INVALID_PARAM:
		return -EINVAL;
	default:
		return -EIO;
	}
}

static void update_desc(struct usb_transport *ut)
{
	const struct usb_sess *s = ut->sess;

	if (s)
		snprintf(ut->desc, sizeof(ut->desc), "usb %s %04x:%04x%s%s if %d", s->info.bus_path,
			 s->info.vid, s->info.pid, s->info.serial[0] ? " serial " : "", s->info.serial,
			 s->data_if);
	else
		snprintf(ut->desc, sizeof(ut->desc), "usb %s", ut->match_desc);
}

/* ---- sessions ------------------------------------------------------------ */

bool tb_usb__device_claimed(const struct libusb_device *dev)
{
	struct usb_sess *s;

	llist_for_each_entry(s, &g_sessions, list)
		if (s->dev == dev)
			return true;
	return false;
}

static void sess_finish(struct usb_sess *s)
{
	struct usb_xfr *xf, *tmp;

	if (s->ut) {
		s->ut->sess = NULL;
		update_desc(s->ut);
		s->ut = NULL;
	}
	if (!llist_empty(&s->xfrs))
		LOGP(DUSB, LOGL_NOTICE, "%s: transfers did not come back after cancelling; closing anyway\n",
		     s->info.bus_path);
	llist_for_each_entry_safe(xf, tmp, &s->xfrs, list)
		llist_del(&xf->list);	/* libusb drops them with the handle */
	osmo_timer_del(&s->fin);
	for (int i = (int)s->n_ifaces - 1; i >= 0; i--) {
		if (s->claimed[i])
			libusb_release_interface(s->h, s->ifaces[i]);
		if (s->detached[i]) {
			int rc = libusb_attach_kernel_driver(s->h, s->ifaces[i]);
			/* NOT_FOUND: no driver wanted it (usbfs answered 0). */
			if (rc != 0 && rc != LIBUSB_ERROR_NO_DEVICE && rc != LIBUSB_ERROR_NOT_FOUND)
				LOGP(DUSB, LOGL_INFO, "%s: kernel driver not reattached to interface %d: %s\n",
				     s->info.bus_path, s->ifaces[i], libusb_strerror(rc));
		}
	}
	libusb_close(s->h);
	llist_del(&s->list);
	LOGP(DUSB, LOGL_DEBUG, "%s: closed\n", s->info.bus_path);
	if (s->reoffer)
		tb_usb__device_reoffer(s->dev);
	libusb_unref_device(s->dev);
	talloc_free(s);
}

static void fin_cb(void *data)
{
	sess_finish(data);
}

/* A detached session with nothing in flight is finished from the loop. */
static void sess_maybe_finish(struct usb_sess *s)
{
	if (!s->ut && llist_empty(&s->xfrs))
		osmo_timer_schedule(&s->fin, 0, 0);
}

static void down_cb(void *data)
{
	struct usb_transport *ut = data;

	if (ut->t.down)
		ut->t.down(&ut->t, ut->down_err, ut->t.cb_data);
}

/* The link broke: close, and tell the owner from the loop (not from inside
 * libusb's event handling). */
static void sess_fail(struct usb_sess *s, int err)
{
	struct usb_transport *ut = s->ut;

	if (!ut)
		return;
	LOGP(DUSB, err == -ENODEV ? LOGL_NOTICE : LOGL_ERROR, "%s: %s\n", ut->desc,
	     err == -ENODEV ? "terminal gone (unplugged?)" : strerror(-err));
	sess_detach(s);
	ut->down_err = err;
	osmo_timer_schedule(&ut->down_timer, 0, 0);
}

static void xfr_free(struct usb_xfr *xf)
{
	llist_del(&xf->list);
	libusb_free_transfer(xf->x);	/* LIBUSB_TRANSFER_FREE_BUFFER */
	talloc_free(xf);
}

static int xfr_status_errno(enum libusb_transfer_status st)
{
	return st == LIBUSB_TRANSFER_NO_DEVICE ? -ENODEV : -EIO;
}

static void LIBUSB_CALL in_cb(struct libusb_transfer *x)
{
	struct usb_xfr *xf = x->user_data;
	struct usb_sess *s = xf->s;
	struct usb_transport *ut = s->ut;
	int rc;

	if (ut && x->status == LIBUSB_TRANSFER_COMPLETED) {
		if (x->actual_length > 0) {
			if (ut->t.rx)
				ut->t.rx(&ut->t, x->buffer, x->actual_length, ut->t.cb_data);
		}
		/* rx may have closed (or freed) the transport. */
		if (s->ut) {
			rc = libusb_submit_transfer(x);
			if (rc == 0)
				return;
			xfr_free(xf);
			sess_fail(s, libusb_to_errno(rc) == -ENODEV ? -ENODEV : -EIO);
			return;
		}
	} else if (ut && x->status != LIBUSB_TRANSFER_CANCELLED) {
		int err = xfr_status_errno(x->status);

		LOGP(DUSB, LOGL_DEBUG, "%s: bulk IN: %s\n", ut->desc, libusb_error_name(x->status));
		xfr_free(xf);
		sess_fail(s, err);
		return;
	}
	xfr_free(xf);
	sess_maybe_finish(s);
}

static void LIBUSB_CALL out_cb(struct libusb_transfer *x)
{
	struct usb_xfr *xf = x->user_data;
	struct usb_sess *s = xf->s;
	enum libusb_transfer_status st = x->status;

	s->out_flight--;
	xfr_free(xf);
	if (s->ut && st != LIBUSB_TRANSFER_COMPLETED && st != LIBUSB_TRANSFER_CANCELLED) {
		LOGP(DUSB, LOGL_DEBUG, "%s: bulk OUT: %s\n", s->ut->desc, libusb_error_name(st));
		sess_fail(s, xfr_status_errno(st));
		return;
	}
	sess_maybe_finish(s);
}

static void LIBUSB_CALL ctrl_cb(struct libusb_transfer *x)
{
	struct usb_xfr *xf = x->user_data;
	struct usb_sess *s = xf->s;
	enum libusb_transfer_status st = x->status;
	uint8_t req = libusb_control_transfer_get_setup(x)->bRequest;

	xfr_free(xf);
	if (s->ut && st == LIBUSB_TRANSFER_NO_DEVICE) {
		sess_fail(s, -ENODEV);
		return;
	}
	if (s->ut && st != LIBUSB_TRANSFER_COMPLETED)
		/* Many PEI cables ignore line coding; the AT exchange tells. */
		LOGP(DUSB, LOGL_INFO, "%s: %s not accepted (%s), continuing\n", s->ut->desc,
		     req == CDC_SET_LINE_CODING ? "line coding" : "DTR/RTS", libusb_error_name(st));
	sess_maybe_finish(s);
}

static struct usb_xfr *xfr_new(struct usb_sess *s, size_t buflen)
{
	struct usb_xfr *xf = talloc_zero(s, struct usb_xfr);

	if (!xf)
		return NULL;
	xf->s = s;
	xf->x = libusb_alloc_transfer(0);
	if (!xf->x) {
		talloc_free(xf);
		return NULL;
	}
	xf->x->buffer = malloc(buflen ? buflen : 1);
	if (!xf->x->buffer) {
		libusb_free_transfer(xf->x);
		talloc_free(xf);
		return NULL;
	}
	xf->x->flags = LIBUSB_TRANSFER_FREE_BUFFER;
	INIT_LLIST_HEAD(&xf->list);
	return xf;
}

/* Submit; on failure the transfer is freed and -errno returned. */
static int xfr_submit(struct usb_xfr *xf)
{
	int rc = libusb_submit_transfer(xf->x);

	if (rc != 0) {
		libusb_free_transfer(xf->x);
		talloc_free(xf);
		return libusb_to_errno(rc);
	}
	llist_add_tail(&xf->list, &xf->s->xfrs);
	return 0;
}

static int submit_in(struct usb_sess *s)
{
	size_t len = (size_t)s->mps * TB_USB_IN_PACKETS;
	struct usb_xfr *xf = xfr_new(s, len);

	if (!xf)
		return -ENOMEM;
	libusb_fill_bulk_transfer(xf->x, s->h, s->ep_in, xf->x->buffer, len, in_cb, xf, 0);
	return xfr_submit(xf);
}

static int submit_ctrl(struct usb_sess *s, uint8_t req, uint16_t value, const uint8_t *data, uint16_t len)
{
	struct usb_xfr *xf = xfr_new(s, LIBUSB_CONTROL_SETUP_SIZE + len);

	if (!xf)
		return -ENOMEM;
	libusb_fill_control_setup(xf->x->buffer, LIBUSB_ENDPOINT_OUT | LIBUSB_REQUEST_TYPE_CLASS |
				  LIBUSB_RECIPIENT_INTERFACE, req, value, s->ctrl_if, len);
	if (len)
		memcpy(xf->x->buffer + LIBUSB_CONTROL_SETUP_SIZE, data, len);
	libusb_fill_control_transfer(xf->x, s->h, xf->x->buffer, ctrl_cb, xf, 2000);
	return xfr_submit(xf);
}

/* Closed by the owner or broken: cancel everything; finish when drained. */
static void sess_detach(struct usb_sess *s)
{
	struct usb_xfr *xf;

	if (s->ut) {
		s->ut->sess = NULL;
		update_desc(s->ut);
		s->ut = NULL;
	}
	llist_for_each_entry(xf, &s->xfrs, list)
		libusb_cancel_transfer(xf->x);	/* its callback reports CANCELLED (or its end) */
	if (llist_empty(&s->xfrs))
		osmo_timer_schedule(&s->fin, 0, 0);
	else
		osmo_timer_schedule(&s->fin, USB_DRAIN_GUARD_S, 0);
}

static void skipped_drop(struct usb_skipped *sk)
{
	llist_del(&sk->list);
	libusb_unref_device(sk->dev);
	talloc_free(sk);
}

static bool is_skipped(const struct usb_transport *ut, const struct libusb_device *dev)
{
	struct usb_skipped *sk;

	llist_for_each_entry(sk, &ut->skipped, list)
		if (sk->dev == dev)
			return true;
	return false;
}

void tb_usb__device_left(struct libusb_device *dev)
{
	struct usb_sess *s, *tmp;
	struct usb_transport *ut;
	struct usb_skipped *sk, *sktmp;

	llist_for_each_entry_safe(s, tmp, &g_sessions, list) {
		if (s->dev == dev) {
			s->reoffer = false;
			if (s->ut)
				sess_fail(s, -ENODEV);
		}
	}
	/* Unplugged: whatever it is when it comes back, it is new. */
	llist_for_each_entry(ut, &g_transports, list)
		llist_for_each_entry_safe(sk, sktmp, &ut->skipped, list)
			if (sk->dev == dev)
				skipped_drop(sk);
}

/* ---- interfaces and endpoints ------------------------------------------- */

static bool find_bulk_pair(const struct libusb_interface_descriptor *alt, uint8_t *in, uint8_t *out,
			   uint16_t *mps)
{
	*in = *out = 0;
	for (int e = 0; e < alt->bNumEndpoints; e++) {
		const struct libusb_endpoint_descriptor *ep = &alt->endpoint[e];
		if ((ep->bmAttributes & LIBUSB_TRANSFER_TYPE_MASK) != LIBUSB_TRANSFER_TYPE_BULK)
			continue;
		if ((ep->bEndpointAddress & LIBUSB_ENDPOINT_DIR_MASK) == LIBUSB_ENDPOINT_IN) {
			if (!*in) {
				*in = ep->bEndpointAddress;
				*mps = ep->wMaxPacketSize & 0x7ff;
			}
		} else if (!*out) {
			*out = ep->bEndpointAddress;
		}
	}
	return *in && *out;
}

static const struct libusb_interface_descriptor *find_iface(const struct libusb_config_descriptor *cfg,
							     int ifnum)
{
	for (int i = 0; i < cfg->bNumInterfaces; i++) {
		const struct libusb_interface *itf = &cfg->interface[i];
		if (itf->num_altsetting > 0 && itf->altsetting[0].bInterfaceNumber == ifnum)
			return &itf->altsetting[0];
	}
	return NULL;
}

static const struct libusb_interface_descriptor *find_class(const struct libusb_config_descriptor *cfg,
							     uint8_t cls, int subcls)
{
	for (int i = 0; i < cfg->bNumInterfaces; i++) {
		const struct libusb_interface *itf = &cfg->interface[i];
		if (itf->num_altsetting > 0 && itf->altsetting[0].bInterfaceClass == cls &&
		    (subcls < 0 || itf->altsetting[0].bInterfaceSubClass == subcls))
			return &itf->altsetting[0];
	}
	return NULL;
}

/* Decide which interfaces to claim and which endpoints carry the PEI. */
static int pick_layout(struct usb_transport *ut, struct usb_sess *s, const struct libusb_config_descriptor *cfg)
{
	enum tb_usb_kind kind = s->profile ? s->profile->kind : TB_USB_AUTO;
	const struct libusb_interface_descriptor *comm = NULL, *data = NULL;
	int want = ut->m.interface;

	s->ctrl_if = -1;
	if (kind == TB_USB_AUTO)
		kind = find_class(cfg, LIBUSB_CLASS_COMM, 2) && find_class(cfg, LIBUSB_CLASS_DATA, -1) ?
		       TB_USB_CDC_ACM : TB_USB_VENDOR_BULK;

	if (kind == TB_USB_CDC_ACM) {
		comm = find_class(cfg, LIBUSB_CLASS_COMM, 2);
		data = want >= 0 ? find_iface(cfg, want) : find_class(cfg, LIBUSB_CLASS_DATA, -1);
	} else if (want >= 0) {
		data = find_iface(cfg, want);
	} else if (s->profile && s->profile->kind == TB_USB_VENDOR_BULK) {
		unsigned n = s->profile->n_interfaces ? s->profile->n_interfaces : 1;
		data = find_iface(cfg, (s->profile->pei_interface + ut->probe) % n);
	} else {
		/* The first interface with a bulk pair. */
		for (int i = 0; i < cfg->bNumInterfaces && !data; i++) {
			const struct libusb_interface *itf = &cfg->interface[i];
			uint8_t in, out;
			uint16_t mps;
			if (itf->num_altsetting > 0 && find_bulk_pair(&itf->altsetting[0], &in, &out, &mps))
				data = &itf->altsetting[0];
		}
	}
	if (!data || !find_bulk_pair(data, &s->ep_in, &s->ep_out, &s->mps)) {
		if (want >= 0)
			return open_error(ut, -EINVAL, "USB terminal %s %04x:%04x has no interface %d with "
					  "a bulk IN/OUT pair", s->info.bus_path, s->info.vid, s->info.pid, want);
		return open_error(ut, -EINVAL, "USB terminal %s %04x:%04x: no interface with a bulk IN/OUT "
				  "pair (%s layout)", s->info.bus_path, s->info.vid, s->info.pid,
				  tb_usb_kind_name(kind));
	}
	if (s->mps == 0)
		s->mps = 64;
	s->n_ifaces = 0;
	if (comm && comm->bInterfaceNumber != data->bInterfaceNumber) {
		s->ctrl_if = comm->bInterfaceNumber;
		s->ifaces[s->n_ifaces++] = comm->bInterfaceNumber;
	}
	s->ifaces[s->n_ifaces++] = data->bInterfaceNumber;
	s->data_if = data->bInterfaceNumber;
	return 0;
}

static int claim(struct usb_transport *ut, struct usb_sess *s, unsigned i)
{
	int ifnum = s->ifaces[i];
	char drv[64];
	int rc;

	rc = libusb_kernel_driver_active(s->h, ifnum);
	if (rc == 1) {
		iface_driver(s, ifnum, drv, sizeof(drv));
		rc = libusb_detach_kernel_driver(s->h, ifnum);
		if (rc == 0) {
			s->detached[i] = true;
			LOGP(DUSB, LOGL_INFO, "%s %04x:%04x: detached kernel driver %s from interface %d\n",
			     s->info.bus_path, s->info.vid, s->info.pid, drv[0] ? drv : "(unknown)", ifnum);
		} else if (rc != LIBUSB_ERROR_NOT_FOUND) {
			if (rc == LIBUSB_ERROR_NO_DEVICE)
				return -ENODEV;
			return open_error(ut, -EBUSY, "USB terminal %s %04x:%04x interface %d: cannot detach "
					  "kernel driver %s: %s; unbind it (echo %s:%u.%d > "
					  "/sys/bus/usb/drivers/%s/unbind) or see the opt-in rule in %s",
					  s->info.bus_path, s->info.vid, s->info.pid, ifnum,
					  drv[0] ? drv : "(unknown)", libusb_strerror(rc), s->info.bus_path,
					  s->config, ifnum, drv[0] ? drv : "<driver>", USB_UDEV_RULES);
		}
	}
	rc = libusb_claim_interface(s->h, ifnum);
	if (rc == 0) {
		s->claimed[i] = true;
		return 0;
	}
	if (rc == LIBUSB_ERROR_BUSY) {
		iface_driver(s, ifnum, drv, sizeof(drv));
		if (strcmp(drv, "usbfs") == 0)
			return open_error(ut, -EBUSY, "USB terminal %s %04x:%04x interface %d is busy: another "
					  "program has claimed it (driver usbfs: a second tetra-bridged, "
					  "ModemManager?)", s->info.bus_path, s->info.vid, s->info.pid, ifnum);
		return open_error(ut, -EBUSY, "USB terminal %s %04x:%04x interface %d is busy: held by "
				  "kernel driver %s; unbind it (echo %s:%u.%d > /sys/bus/usb/drivers/%s/unbind) "
				  "or see the opt-in rule in %s", s->info.bus_path, s->info.vid, s->info.pid,
				  ifnum, drv[0] ? drv : "(unknown)", s->info.bus_path, s->config, ifnum,
				  drv[0] ? drv : "<driver>", USB_UDEV_RULES);
	}
	rc = libusb_to_errno(rc);
	if (rc == -ENODEV)
		return rc;
	return open_error(ut, rc, "USB terminal %s %04x:%04x: cannot claim interface %d: %s",
			  s->info.bus_path, s->info.vid, s->info.pid, ifnum, strerror(-rc));
}

/* Set up the session on dev; on failure it is wound down. */
static int sess_open(struct usb_transport *ut, libusb_device *dev, const struct tb_usb_device_info *info)
{
	struct libusb_config_descriptor *cfg = NULL;
	struct usb_sess *s;
	int rc;

	s = talloc_zero(NULL, struct usb_sess);
	if (!s)
		return -ENOMEM;
	INIT_LLIST_HEAD(&s->xfrs);
	osmo_timer_setup(&s->fin, fin_cb, s);
	s->info = *info;
	s->profile = ut->profile ? ut->profile : info->profile;
	s->ctrl_if = s->data_if = -1;

	rc = libusb_open(dev, &s->h);
	if (rc != 0) {
		talloc_free(s);
		rc = libusb_to_errno(rc);
		if (rc == -EACCES)
			return open_error(ut, rc, "no permission to open USB terminal %s %04x:%04x "
					  "(/dev/bus/usb/%03u/%03u): install udev/60-tetra-bridge.rules as %s "
					  "and run tetra-bridged in group tetra", info->bus_path, info->vid,
					  info->pid, info->busnum, info->devnum, USB_UDEV_RULES);
		if (rc == -ENODEV)
			return rc;
		return open_error(ut, rc, "cannot open USB terminal %s %04x:%04x: %s", info->bus_path,
				  info->vid, info->pid, strerror(-rc));
	}
	s->dev = libusb_ref_device(dev);
	llist_add_tail(&s->list, &g_sessions);
	s->ut = ut;
	ut->sess = s;

	rc = libusb_get_active_config_descriptor(dev, &cfg);
	if (rc != 0)
		rc = libusb_get_config_descriptor(dev, 0, &cfg);
	if (rc != 0) {
		rc = open_error(ut, -EIO, "USB terminal %s %04x:%04x: no configuration descriptor: %s",
				info->bus_path, info->vid, info->pid, libusb_strerror(rc));
		goto fail;
	}
	s->config = cfg->bConfigurationValue;
	rc = pick_layout(ut, s, cfg);
	libusb_free_config_descriptor(cfg);
	if (rc < 0)
		goto fail;

	for (unsigned i = 0; i < s->n_ifaces; i++) {
		rc = claim(ut, s, i);
		if (rc < 0)
			goto fail;
	}
	for (unsigned i = 0; i < TB_USB_IN_TRANSFERS; i++) {
		rc = submit_in(s);
		if (rc < 0)
			goto fail;
	}
	if (s->ctrl_if >= 0) {
		uint32_t baud = s->profile && s->profile->baud ? s->profile->baud : 115200;
		const uint8_t coding[7] = { baud & 0xff, (baud >> 8) & 0xff, (baud >> 16) & 0xff,
					    (baud >> 24) & 0xff, 0 /* 1 stop bit */, 0 /* no parity */, 8 };
		rc = submit_ctrl(s, CDC_SET_LINE_CODING, 0, coding, sizeof(coding));
		if (rc == 0)
			rc = submit_ctrl(s, CDC_SET_CONTROL_LINE_STATE, CDC_LINE_DTR | CDC_LINE_RTS, NULL, 0);
		if (rc < 0)
			goto fail;
		tb_usb_rearm_timeout();	/* the control transfers have a timeout */
	}
	update_desc(ut);
	return 0;

fail:
	sess_detach(s);
	return rc;
}

/* ---- the transport ------------------------------------------------------- */

/* The match spec alone. */
static bool match_spec(const struct usb_transport *ut, const struct tb_usb_device_info *info)
{
	const struct tb_usb_match *m = &ut->m;

	if (m->vid && info->vid != m->vid)
		return false;
	if (m->pid && info->pid != m->pid)
		return false;
	if (!m->vid && !m->pid) {
		/* Only terminals a profile knows; the configured profile if any. */
		if (!info->profile)
			return false;
		if (ut->profile && ut->profile != info->profile)
			return false;
	}
	if (m->serial && strcmp(m->serial, info->serial) != 0)
		return false;
	if (m->bus_path && strcmp(m->bus_path, info->bus_path) != 0)
		return false;
	return true;
}

/* A transport that names neither serial number nor bus path leaves a device
 * alone that another one names so: it is that radio's. */
static bool reserved_for_other(const struct usb_transport *ut, const struct tb_usb_device_info *info)
{
	const struct usb_transport *o;

	if (ut->m.serial || ut->m.bus_path)
		return false;
	llist_for_each_entry(o, &g_transports, list)
		if (o != ut && (o->m.serial || o->m.bus_path) && match_spec(o, info))
			return true;
	return false;
}

static bool match_info(const struct usb_transport *ut, const struct tb_usb_device_info *info)
{
	return match_spec(ut, info) && !is_skipped(ut, info->dev) && !reserved_for_other(ut, info);
}

static void usb_close(struct tb_transport *t)
{
	struct usb_transport *ut = (struct usb_transport *)t;

	osmo_timer_del(&ut->down_timer);
	if (ut->sess) {
		LOGP(DUSB, LOGL_DEBUG, "%s: closing\n", ut->desc);
		sess_detach(ut->sess);
	}
}

/* A device held only by sessions winding down: finish them now if their
 * transfers are back (after letting libusb report what is ready). */
static bool reclaim(libusb_device *dev)
{
	struct usb_sess *s, *tmp;
	bool busy = false;

	llist_for_each_entry(s, &g_sessions, list)
		if (s->dev == dev && !llist_empty(&s->xfrs))
			busy = true;
	if (busy) {
		tb_usb_handle_events();
		busy = false;
		llist_for_each_entry(s, &g_sessions, list)
			if (s->dev == dev && !llist_empty(&s->xfrs))
				busy = true;
		if (busy)
			return false;
	}
	llist_for_each_entry_safe(s, tmp, &g_sessions, list)
		if (s->dev == dev)
			sess_finish(s);
	return true;
}

static int usb_open(struct tb_transport *t)
{
	struct usb_transport *ut = (struct usb_transport *)t;
	struct tb_usb_device_info info;
	libusb_device **list, *dev = NULL;
	bool winding_down = false, in_use = false;
	ssize_t n;
	int rc;

	usb_close(t);
	rc = tb_usb_init(NULL);
	if (rc < 0)
		return open_error(ut, rc, "USB is not available: libusb did not start");
	n = libusb_get_device_list(tb_usb_context(), &list);
	if (n < 0)
		return open_error(ut, -EIO, "cannot list USB devices: %s", libusb_strerror((int)n));
	/* The first free match in bus order, so the choice does not depend on
	 * the order libusb lists devices in. */
	for (ssize_t i = 0; i < n; i++) {
		struct tb_usb_device_info cand;
		struct usb_sess *s;
		bool mine = false;

		if (tb_usb_device_info(list[i], &cand) < 0 || !match_info(ut, &cand))
			continue;
		if (!cand.in_use) {
			if (!dev || cand.busnum < info.busnum ||
			    (cand.busnum == info.busnum && strverscmp(cand.bus_path, info.bus_path) < 0)) {
				dev = list[i];
				info = cand;
			}
			continue;
		}
		llist_for_each_entry(s, &g_sessions, list)
			if (s->dev == list[i] && !s->ut)
				mine = true;
		if (!mine) {
			in_use = true;
		} else if (reclaim(list[i])) {
			cand.in_use = false;
			if (!dev || cand.busnum < info.busnum ||
			    (cand.busnum == info.busnum && strverscmp(cand.bus_path, info.bus_path) < 0)) {
				dev = list[i];
				info = cand;
			}
		} else {
			winding_down = true;
		}
	}
	if (dev)
		rc = sess_open(ut, dev, &info);
	libusb_free_device_list(list, 1);
	if (dev) {
		if (rc == 0) {
			if (ut->last_err)
				LOGP(DUSB, LOGL_NOTICE, "%s: opened\n", ut->desc);
			else
				LOGP(DUSB, LOGL_INFO, "%s: opened\n", ut->desc);
			ut->last_err = 0;
			ut->last_msg[0] = '\0';
		}
		return rc;
	}
	if (winding_down) {
		LOGP(DUSB, LOGL_DEBUG, "usb %s: the previous session is still closing\n", ut->match_desc);
		return -EAGAIN;
	}
	if (in_use)
		return open_error(ut, -ENOENT, "every USB terminal matching %s is in use by another radio",
				  ut->match_desc);
	if (!llist_empty(&ut->skipped)) {
		return open_error(ut, -ENOENT, "no USB terminal matching %s present but the %u tried that "
				  "report another identity", ut->match_desc, llist_count(&ut->skipped));
	}
	return open_error(ut, -ENOENT, "no USB terminal matching %s present", ut->match_desc);
}

static int usb_write(struct tb_transport *t, const uint8_t *buf, size_t len)
{
	struct usb_transport *ut = (struct usb_transport *)t;
	struct usb_sess *s = ut->sess;
	struct usb_xfr *xf;
	int rc;

	if (!s)
		return -ENOTCONN;
	if (len == 0)
		return 0;
	if (len > INT32_MAX)
		return -EINVAL;
	if (s->out_flight >= TB_USB_OUT_MAX)
		return -ENOBUFS;
	xf = xfr_new(s, len);
	if (!xf)
		return -ENOMEM;
	memcpy(xf->x->buffer, buf, len);
	libusb_fill_bulk_transfer(xf->x, s->h, s->ep_out, xf->x->buffer, (int)len, out_cb, xf, 0);
	rc = xfr_submit(xf);
	if (rc < 0) {
		sess_fail(s, rc == -ENODEV ? -ENODEV : -EIO);
		return rc;
	}
	s->out_flight++;
	return 0;
}

static const char *usb_describe(const struct tb_transport *t)
{
	const struct usb_transport *ut = (const struct usb_transport *)t;
	return ut->desc;
}

static int usb_pass_over(struct tb_transport *t)
{
	struct usb_transport *ut = (struct usb_transport *)t;
	struct usb_skipped *sk;

	if (!ut->sess)
		return -ENOTCONN;
	if (!is_skipped(ut, ut->sess->dev)) {
		sk = talloc_zero(ut, struct usb_skipped);
		if (!sk)
			return -ENOMEM;
		sk->dev = libusb_ref_device(ut->sess->dev);
		llist_add_tail(&sk->list, &ut->skipped);
	}
	ut->sess->reoffer = true;
	return 0;
}

/* No interface configured and a vendor-class terminal with several: the
 * next open tries the next one (the link calls this when "AT" got no answer). */
static int usb_probe_next(struct tb_transport *t)
{
	struct usb_transport *ut = (struct usb_transport *)t;
	const struct tb_usb_profile *p = ut->sess ? ut->sess->profile : ut->profile;

	char who[sizeof(ut->pei_found)];

	if (ut->m.interface >= 0 || !p || p->kind != TB_USB_VENDOR_BULK || p->n_interfaces < 2)
		return -EOPNOTSUPP;
	if (ut->sess) {
		/* This terminal answered on this interface before: it is its
		 * PEI, silent for now (booting, busy); never move away. */
		snprintf(who, sizeof(who), "%s %s", ut->sess->info.bus_path, ut->sess->info.serial);
		if (strcmp(who, ut->pei_found) == 0)
			return -EOPNOTSUPP;
	}
	ut->probe = (ut->probe + 1) % p->n_interfaces;
	LOGP(DUSB, LOGL_INFO, "%s: no answer on this interface; the next open tries interface %u\n",
	     ut->desc, (p->pei_interface + ut->probe) % p->n_interfaces);
	return ut->probe == 0 ? 1 : 0;
}

static void usb_pei_found(struct tb_transport *t)
{
	struct usb_transport *ut = (struct usb_transport *)t;

	if (ut->sess)
		snprintf(ut->pei_found, sizeof(ut->pei_found), "%s %s", ut->sess->info.bus_path,
			 ut->sess->info.serial);
}

static const struct tb_transport_ops usb_ops = {
	.kind = "usb",
	.open = usb_open,
	.close = usb_close,
	.write = usb_write,
	.describe = usb_describe,
	.pass_over = usb_pass_over,
	.probe_next = usb_probe_next,
	.pei_found = usb_pei_found,
};

bool tb_transport_usb_matches(const struct tb_transport *t, const struct tb_usb_device_info *info)
{
	if (!t || t->ops != &usb_ops || !info)
		return false;
	return match_info((const struct usb_transport *)t, info);
}

int tb_transport_usb_info(const struct tb_transport *t, struct tb_usb_device_info *info)
{
	const struct usb_transport *ut = (const struct usb_transport *)t;

	if (!t || t->ops != &usb_ops)
		return -EINVAL;
	if (!ut->sess)
		return -ENOTCONN;
	*info = ut->sess->info;
	info->in_use = true;
	info->interface = ut->sess->data_if;
	if (ut->sess->profile)
		info->profile = ut->sess->profile;
	return 0;
}

static void skipped_clear(struct usb_transport *ut)
{
	struct usb_skipped *sk, *tmp;

	llist_for_each_entry_safe(sk, tmp, &ut->skipped, list)
		skipped_drop(sk);
}

static int usb_destructor(struct usb_transport *ut)
{
	usb_close(&ut->t);
	skipped_clear(ut);
	llist_del(&ut->list);
	return 0;
}

struct tb_transport *tb_transport_usb_alloc(void *ctx, const struct tb_usb_match *m,
					    const struct tb_usb_profile *profile)
{
	struct usb_transport *ut;
	int len = 0;

	if (!m || m->interface < -1 || m->interface > 255)
		return NULL;
	ut = talloc_zero(ctx, struct usb_transport);
	if (!ut)
		return NULL;
	ut->t.ops = &usb_ops;
	ut->m = *m;
	ut->m.serial = m->serial ? talloc_strdup(ut, m->serial) : NULL;
	ut->m.bus_path = m->bus_path ? talloc_strdup(ut, m->bus_path) : NULL;
	if ((m->serial && !ut->m.serial) || (m->bus_path && !ut->m.bus_path)) {
		talloc_free(ut);
		return NULL;
	}
	ut->profile = profile;
	INIT_LLIST_HEAD(&ut->skipped);
	osmo_timer_setup(&ut->down_timer, down_cb, ut);

	if (m->vid && m->pid)
		len = snprintf(ut->match_desc, sizeof(ut->match_desc), "%04x:%04x", m->vid, m->pid);
	else if (m->vid)
		len = snprintf(ut->match_desc, sizeof(ut->match_desc), "%04x:*", m->vid);
	else if (m->pid)
		len = snprintf(ut->match_desc, sizeof(ut->match_desc), "*:%04x", m->pid);
	else
		len = snprintf(ut->match_desc, sizeof(ut->match_desc), "any %s terminal",
			       profile ? profile->name : "known");
	if (m->serial)
		len += snprintf(ut->match_desc + len, sizeof(ut->match_desc) - len, " serial %s", m->serial);
	if (m->bus_path && (size_t)len < sizeof(ut->match_desc))
		len += snprintf(ut->match_desc + len, sizeof(ut->match_desc) - len, " at %s", m->bus_path);
	if (m->interface >= 0 && (size_t)len < sizeof(ut->match_desc))
		snprintf(ut->match_desc + len, sizeof(ut->match_desc) - len, " if %d", m->interface);
	update_desc(ut);
	llist_add_tail(&ut->list, &g_transports);
	talloc_set_destructor(ut, usb_destructor);
	return &ut->t;
}

/* For tb_usb_exit(): wind down every session, waiting (bounded) for libusb
 * to hand back the cancelled transfers; the process is stopping. */
void tb_usb__exit_sessions(void)
{
	struct usb_transport *ut;
	struct usb_sess *s, *tmp;
	libusb_context *ctx = tb_usb_context();

	llist_for_each_entry(ut, &g_transports, list) {
		usb_close(&ut->t);
		skipped_clear(ut);	/* no device may stay referenced past libusb_exit() */
	}
	for (int round = 0; round < 100 && ctx; round++) {
		bool busy = false;
		struct timeval tv = { 0, 10000 };

		llist_for_each_entry(s, &g_sessions, list)
			if (!llist_empty(&s->xfrs))
				busy = true;
		if (!busy)
			break;
		libusb_handle_events_timeout_completed(ctx, &tv, NULL);
	}
	llist_for_each_entry_safe(s, tmp, &g_sessions, list) {
		s->reoffer = false;
		sess_finish(s);
	}
}
