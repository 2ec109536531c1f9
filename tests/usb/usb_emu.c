/* Emulated USB TETRA terminals on umockdev; see usb_emu.h and
 * docs/testing.md §8 for why each step is done the way it is.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include "usb_emu.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/fsuid.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/usbdevice_fs.h>

#include <glib.h>
#include <umockdev.h>

#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>

#include "tests/lib/tmpdir.h"

#define EMU_CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "usb_emu: %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

#define EMU_MAX_IFACES 2
#define EMU_FILL_RING 4096
#define EMU_SYSFS_BASE "/devices/pci0000:00/0000:00:14.0/usb1"

/* One lock for all emulated state (recursive: a client's weak-reference
 * notification may run wherever umockdev drops it). The ioctl handler runs
 * on umockdev's thread, the terminals in the osmo_select loop. */
static pthread_mutex_t g_lock;
static pthread_once_t g_lock_once = PTHREAD_ONCE_INIT;

static void lock_init(void)
{
	pthread_mutexattr_t a;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&g_lock, &a);
	pthread_mutexattr_destroy(&a);
}

static void emu_lock(void)
{
	pthread_once(&g_lock_once, lock_init);
	pthread_mutex_lock(&g_lock);
}

static void emu_unlock(void)
{
	pthread_mutex_unlock(&g_lock);
}

struct emu_urb {
	UMockdevIoctlData *urb;		/* struct usbdevfs_urb, resolved */
	UMockdevIoctlData *buf;		/* its buffer, resolved */
};

/* One opened handle on a plug (an ioctl client: one per open() of the node,
 * in this process or another). URBs belong to the handle that submitted
 * them, as in usbfs. The client is watched with a weak reference (umockdev
 * 0.17 does not say "client-vanished" when another process closes the
 * node): when it goes, its URBs go too. */
struct emu_client {
	struct emu_plug *p;		/* NULL once the plug is freed */
	UMockdevIoctlClient *client;	/* not referenced */
	GQueue parked;			/* IN URBs waiting for terminal output */
	GQueue done;			/* URBs ready to be reaped */
};

/* One plug-in of a device: its own node, handler and FIFO. Kept until the
 * test bed goes, as libusb may still talk to an old node after unplug. */
struct emu_plug {
	struct emu_dev *d;
	UMockdevIoctlBase *handler;
	char node[64];			/* /dev/bus/usb/001/NNN */
	char fifo_path[512];
	int fifo;
	bool fifo_full;
	bool gone;
	GList *clients;			/* struct emu_client */
	bool drv_bound[EMU_MAX_IFACES];
	bool claimed[EMU_MAX_IFACES];
	bool held_by_other;
	bool detach_fails;
};

struct emu_dev {
	struct emu_bed *bed;
	struct emu_dev_spec spec;	/* strings owned (g_strdup) */
	uint16_t vid, pid, mps;
	bool cdc;
	unsigned n_ifaces;
	char sysfs[128];		/* /sys/devices/.../1-<port> */
	struct tb_sim_terminal *sim;
	bool freed;

	/* Everything below under emu_lock(). */
	struct emu_plug *cur;		/* plugged now */
	struct emu_plug *last;
	GList *plugs;
	GByteArray *in_q;		/* terminal -> host, not yet in an URB */
	GByteArray *out_q;		/* host -> terminal, not yet given to the terminal */
	uint64_t printed;		/* bytes the terminal printed while plugged in */
	uint64_t in_gone;		/* of those, bytes that left in_q (read or dropped) */
	struct { uint64_t end; struct timespec ts; } fills[EMU_FILL_RING];	/* IN URBs completed */
	unsigned n_fills;
	struct emu_stats st;
	bool held_by_other, detach_fails, denied;
	bool whole_urbs;		/* fill URBs as a host controller does */

	int efd;			/* host wrote: wake the loop */
	struct osmo_fd ofd;
};

struct emu_bed {
	UMockdevTestbed *tb;
	char tmpdir[64];
	char *root;
	GList *devs;
	unsigned next_devnum;
	bool fsuid_changed;
	bool for_child;			/* the host is another process: send "add" ourselves */
};

/* ---- the usbfs side (umockdev's thread, under d->lock) ------------------ */

static void urb_free(struct emu_urb *e)
{
	g_object_unref(e->buf);
	g_object_unref(e->urb);
	g_free(e);
}

static struct usbdevfs_urb *urb_of(struct emu_urb *e)
{
	return (struct usbdevfs_urb *)e->urb->data;
}

static void drop_urbs(GQueue *q)
{
	struct emu_urb *e;

	while ((e = g_queue_pop_head(q)))
		urb_free(e);
}

/* Hand terminal output to parked IN URBs, one packet each: a full-speed
 * terminal's lines reach the host in 64-byte pieces. */
static void fill_parked(struct emu_plug *p)
{
	struct emu_dev *d = p->d;

	for (GList *l = p->clients; l; l = l->next) {
		struct emu_client *c = l->data;

		while (!p->gone && !g_queue_is_empty(&c->parked) && d->in_q->len > 0) {
			struct emu_urb *e = g_queue_pop_head(&c->parked);
			struct usbdevfs_urb *u = urb_of(e);
			unsigned n = d->in_q->len;

			if (n > d->mps && !d->whole_urbs)
				n = d->mps;
			if (n > (unsigned)u->buffer_length)
				n = u->buffer_length;
			memcpy(e->buf->data, d->in_q->data, n);
			g_byte_array_remove_range(d->in_q, 0, n);
			u->actual_length = n;
			u->status = 0;
			d->st.in_urbs++;
			d->st.in_bytes += n;
			if (n == d->mps)
				d->st.in_full_packets++;
			d->in_gone += n;
			d->fills[d->n_fills % EMU_FILL_RING].end = d->in_gone;
			clock_gettime(CLOCK_MONOTONIC, &d->fills[d->n_fills % EMU_FILL_RING].ts);
			d->n_fills++;
			g_queue_push_tail(&c->done, e);
		}
	}
}

static bool reapable(struct emu_plug *p)
{
	for (GList *l = p->clients; l; l = l->next) {
		struct emu_client *c = l->data;

		if (!g_queue_is_empty(&c->done) ||
		    (!p->gone && !g_queue_is_empty(&c->parked) && p->d->in_q->len > 0))
			return true;
	}
	return false;
}

/* The terminal's unread output goes (plug, unplug). */
static void drop_in_q(struct emu_dev *d)
{
	d->in_gone += d->in_q->len;
	g_byte_array_set_size(d->in_q, 0);
}

/* A full FIFO blocks poll(); an empty one wakes it (POLLOUT). */
static void update_fifo(struct emu_plug *p)
{
	bool reapable_now = reapable(p);
	char buf[4096];

	if (p->fifo < 0)
		return;
	if (reapable_now && p->fifo_full) {
		while (read(p->fifo, buf, sizeof(buf)) > 0)
			;
		p->fifo_full = false;
	} else if (!reapable_now && !p->fifo_full) {
		memset(buf, 0, sizeof(buf));
		while (write(p->fifo, buf, sizeof(buf)) > 0)
			;
		p->fifo_full = true;
	}
}

static void client_gone(gpointer data, GObject *where_the_object_was)
{
	struct emu_client *c = data;

	emu_lock();
	if (c->p) {
		c->p->clients = g_list_remove(c->p->clients, c);
		update_fifo(c->p);
	}
	drop_urbs(&c->parked);
	drop_urbs(&c->done);
	emu_unlock();
	g_free(c);
}

/* The handle an ioctl came through (under emu_lock()). */
static struct emu_client *client_of(struct emu_plug *p, UMockdevIoctlClient *client)
{
	struct emu_client *c;

	for (GList *l = p->clients; l; l = l->next) {
		c = l->data;
		if (c->client == client)
			return c;
	}
	c = g_new0(struct emu_client, 1);
	c->p = p;
	c->client = client;
	g_queue_init(&c->parked);
	g_queue_init(&c->done);
	g_object_weak_ref(G_OBJECT(client), client_gone, c);
	p->clients = g_list_append(p->clients, c);
	return c;
}

static void complete(UMockdevIoctlClient *client, int err)
{
	umockdev_ioctl_client_complete(client, err ? -1 : 0, err);
}

static int iface_ok(struct emu_plug *p, unsigned ifno)
{
	return ifno < p->d->n_ifaces;
}

static void submit_urb(struct emu_plug *p, struct emu_client *c, UMockdevIoctlClient *client,
		       UMockdevIoctlData *arg)
{
	struct emu_dev *d = p->d;
	struct emu_urb *e;
	struct usbdevfs_urb *u;

	if (p->gone) {
		complete(client, ENODEV);
		return;
	}
	e = g_new0(struct emu_urb, 1);
	e->urb = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb), NULL);
	EMU_CHECK(e->urb);
	u = urb_of(e);
	e->buf = umockdev_ioctl_data_resolve(e->urb, G_STRUCT_OFFSET(struct usbdevfs_urb, buffer),
					     u->buffer_length, NULL);
	EMU_CHECK(e->buf);

	if (u->type == USBDEVFS_URB_TYPE_CONTROL) {
		const uint8_t *s = e->buf->data;
		uint16_t value = s[2] | (s[3] << 8), len = s[6] | (s[7] << 8);

		EMU_CHECK(u->buffer_length >= 8 + len);
		if (s[0] == 0x21 && s[1] == 0x20 && len == 7) {
			memcpy(d->st.line_coding, s + 8, 7);
			d->st.line_codings++;
		} else if (s[0] == 0x21 && s[1] == 0x22) {
			d->st.line_state = value;
			d->st.line_states++;
		}
		u->actual_length = len;	/* the data stage only */
		u->status = 0;
		g_queue_push_tail(&c->done, e);
	} else if (u->type == USBDEVFS_URB_TYPE_BULK && !(u->endpoint & 0x80)) {
		uint64_t one = 1;

		d->st.out_ep = u->endpoint;
		/* A mute interface: the bytes go nowhere (the PEI is elsewhere). */
		if (!d->spec.pei_only_on || u->endpoint == 0x01 + (d->spec.pei_only_on - 1))
			g_byte_array_append(d->out_q, e->buf->data, u->buffer_length);
		d->st.out_urbs++;
		d->st.out_bytes += u->buffer_length;
		u->actual_length = u->buffer_length;
		u->status = 0;
		g_queue_push_tail(&c->done, e);
		EMU_CHECK(write(d->efd, &one, sizeof(one)) == sizeof(one));
	} else if (u->type == USBDEVFS_URB_TYPE_BULK) {
		d->st.in_ep = u->endpoint;
		g_queue_push_tail(&c->parked, e);
		fill_parked(p);
	} else {
		urb_free(e);
		complete(client, EINVAL);
		return;
	}
	complete(client, 0);
}

static void reap_urb(struct emu_plug *p, struct emu_client *c, UMockdevIoctlClient *client,
		     UMockdevIoctlData *arg)
{
	struct emu_urb *e;
	UMockdevIoctlData *ptr;

	fill_parked(p);
	e = g_queue_pop_head(&c->done);
	if (!e) {
		complete(client, p->gone ? ENODEV : EAGAIN);
		return;
	}
	ptr = umockdev_ioctl_data_resolve(arg, 0, sizeof(void *), NULL);
	EMU_CHECK(ptr);
	umockdev_ioctl_data_set_ptr(ptr, 0, e->urb);
	complete(client, 0);
	g_object_unref(ptr);
	urb_free(e);
}

static gint cmp_client_addr(gconstpointer a, gconstpointer b)
{
	const struct emu_urb *e = a;
	return e->urb->client_addr == (gulong)b ? 0 : 1;
}

static void discard_urb(struct emu_plug *p, struct emu_client *c, UMockdevIoctlClient *client,
			UMockdevIoctlData *arg)
{
	void *addr = *(void **)arg->data;
	GList *l = g_queue_find_custom(&c->parked, addr, cmp_client_addr);
	struct emu_urb *e;

	if (!l) {
		complete(client, EINVAL);
		return;
	}
	e = l->data;
	g_queue_delete_link(&c->parked, l);
	urb_of(e)->status = -ENOENT;
	urb_of(e)->actual_length = 0;
	g_queue_push_tail(&c->done, e);
	p->d->st.discarded++;
	complete(client, 0);
}

static const char *holder(struct emu_plug *p, unsigned ifno)
{
	if (p->held_by_other || p->claimed[ifno])
		return "usbfs";
	if (p->drv_bound[ifno])
		return p->d->spec.kernel_driver;
	return NULL;
}

static void do_claim(struct emu_plug *p, UMockdevIoctlClient *client, unsigned ifno)
{
	if (p->gone) {
		complete(client, ENODEV);
	} else if (!iface_ok(p, ifno)) {
		complete(client, ENOENT);
	} else if (p->held_by_other || p->drv_bound[ifno]) {
		p->d->st.claims_refused++;
		complete(client, EBUSY);
	} else {
		p->claimed[ifno] = true;
		p->d->st.claims++;
		complete(client, 0);
	}
}

static void usbfs_ioctl(struct emu_plug *p, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
	g_autoptr(UMockdevIoctlData) data = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_ioctl), NULL);
	struct usbdevfs_ioctl *c = (struct usbdevfs_ioctl *)data->data;
	unsigned ifno = c->ifno;

	if (p->gone) {
		complete(client, ENODEV);
		return;
	}
	if (!iface_ok(p, ifno)) {
		complete(client, EINVAL);
		return;
	}
	switch (c->ioctl_code) {
	case USBDEVFS_DISCONNECT:
		if (!p->drv_bound[ifno]) {
			complete(client, ENODATA);
		} else if (p->detach_fails) {
			complete(client, EPERM);
		} else {
			p->drv_bound[ifno] = false;
			p->d->st.detaches++;
			complete(client, 0);
		}
		break;
	case USBDEVFS_CONNECT:
		if (p->claimed[ifno]) {
			complete(client, EBUSY);
		} else {
			/* As usbfs: 1 when a driver bound, 0 when none wanted it. */
			if (p->d->spec.kernel_driver && !p->drv_bound[ifno]) {
				p->drv_bound[ifno] = true;
				p->d->st.reattaches++;
			}
			umockdev_ioctl_client_complete(client, p->drv_bound[ifno] ? 1 : 0, 0);
		}
		break;
	default:
		complete(client, ENOTTY);
	}
}

static gboolean handle_ioctl(UMockdevIoctlBase *handler, UMockdevIoctlClient *client, gpointer user_data)
{
	struct emu_plug *p = user_data;
	struct emu_dev *d = p->d;
	gulong req = umockdev_ioctl_client_get_request(client);
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
	struct emu_client *c;

	emu_lock();
	c = client_of(p, client);
	switch (req) {
	case USBDEVFS_GET_CAPABILITIES: {
		g_autoptr(UMockdevIoctlData) caps = umockdev_ioctl_data_resolve(arg, 0, sizeof(guint32), NULL);
		*(guint32 *)caps->data = USBDEVFS_CAP_BULK_CONTINUATION | USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
					 USBDEVFS_CAP_REAP_AFTER_DISCONNECT | USBDEVFS_CAP_ZERO_PACKET;
		complete(client, 0);
		break;
	}
	case USBDEVFS_CLAIMINTERFACE: {
		g_autoptr(UMockdevIoctlData) n = umockdev_ioctl_data_resolve(arg, 0, sizeof(unsigned int), NULL);
		do_claim(p, client, *(unsigned int *)n->data);
		break;
	}
	case USBDEVFS_RELEASEINTERFACE: {
		g_autoptr(UMockdevIoctlData) n = umockdev_ioctl_data_resolve(arg, 0, sizeof(unsigned int), NULL);
		unsigned ifno = *(unsigned int *)n->data;
		if (p->gone) {
			complete(client, ENODEV);
		} else if (!iface_ok(p, ifno) || !p->claimed[ifno]) {
			complete(client, EINVAL);
		} else {
			p->claimed[ifno] = false;
			d->st.releases++;
			complete(client, 0);
		}
		break;
	}
	case USBDEVFS_GETDRIVER: {
		g_autoptr(UMockdevIoctlData) g = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_getdriver), NULL);
		struct usbdevfs_getdriver *gd = (struct usbdevfs_getdriver *)g->data;
		const char *drv = iface_ok(p, gd->interface) ? holder(p, gd->interface) : NULL;
		if (p->gone) {
			complete(client, ENODEV);
		} else if (!drv) {
			complete(client, ENODATA);
		} else {
			snprintf(gd->driver, sizeof(gd->driver), "%s", drv);
			complete(client, 0);
		}
		break;
	}
	case USBDEVFS_IOCTL:
		usbfs_ioctl(p, client, arg);
		break;
	case USBDEVFS_DISCONNECT_CLAIM: {
		g_autoptr(UMockdevIoctlData) g = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_disconnect_claim), NULL);
		struct usbdevfs_disconnect_claim *dc = (struct usbdevfs_disconnect_claim *)g->data;
		unsigned ifno = dc->interface;
		if (!p->gone && iface_ok(p, ifno) && p->drv_bound[ifno] && !p->held_by_other) {
			if (p->detach_fails) {
				complete(client, EPERM);
				break;
			}
			p->drv_bound[ifno] = false;
			d->st.detaches++;
		}
		do_claim(p, client, ifno);
		break;
	}
	case USBDEVFS_SUBMITURB:
		submit_urb(p, c, client, arg);
		break;
	case USBDEVFS_REAPURB:
	case USBDEVFS_REAPURBNDELAY:
		reap_urb(p, c, client, arg);
		break;
	case USBDEVFS_DISCARDURB:
		discard_urb(p, c, client, arg);
		break;
	case USBDEVFS_CLEAR_HALT:
	case USBDEVFS_RESETEP:
	case USBDEVFS_RESET:
		complete(client, p->gone ? ENODEV : 0);
		break;
	default:
		fprintf(stderr, "usb_emu: unhandled usbfs ioctl 0x%lx\n", req);
		complete(client, ENOTTY);
		break;
	}
	update_fifo(p);
	emu_unlock();
	return TRUE;
}

/* ---- the terminal side (the osmo_select loop) ---------------------------- */

static void sim_out(const uint8_t *buf, size_t len, void *data)
{
	struct emu_dev *d = data;

	emu_lock();
	if (d->cur && !d->cur->gone) {	/* unplugged: nobody hears it */
		g_byte_array_append(d->in_q, buf, len);
		d->printed += len;
		fill_parked(d->cur);	/* at once: the URB's completion time is when it was printed */
		update_fifo(d->cur);
	}
	emu_unlock();
}

static int efd_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct emu_dev *d = ofd->data;
	uint64_t n;
	GByteArray *chunk;

	if (read(d->efd, &n, sizeof(n)) < 0)
		return 0;
	emu_lock();
	chunk = d->out_q;
	d->out_q = g_byte_array_new();
	emu_unlock();
	if (chunk->len && d->sim)
		tb_sim_input(d->sim, chunk->data, chunk->len);
	g_byte_array_unref(chunk);
	return 0;
}

/* ---- descriptors ---------------------------------------------------------- */

static void put(GString *s, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		g_string_append_printf(s, "%02x", b[i]);
}

static void put_ep(GString *s, uint8_t addr, uint8_t attr, uint16_t mps, uint8_t interval)
{
	const uint8_t ep[7] = { 7, 5, addr, attr, mps & 0xff, mps >> 8, interval };
	put(s, ep, sizeof(ep));
}

/* Device and configuration descriptor, hex, as sysfs "descriptors" holds them. */
static char *descriptors_hex(const struct emu_dev *d)
{
	GString *cfg = g_string_new(""), *out = g_string_new("");
	const uint8_t dev[18] = {
		18, 1, 0x00, 0x02, d->cdc ? 0x02 : 0x00, 0, 0, 64,
		d->vid & 0xff, d->vid >> 8, d->pid & 0xff, d->pid >> 8,
		0x00, 0x01, 1, 2, d->spec.serial ? 3 : 0, 1,
	};
	size_t total;

	if (d->cdc) {
		const uint8_t comm[9] = { 9, 4, 0, 0, 1, 0x02, 0x02, 0x01, 0 };
		const uint8_t func[] = { 5, 0x24, 0x00, 0x10, 0x01,	/* header */
					 5, 0x24, 0x01, 0x00, 0x01,	/* call management */
					 4, 0x24, 0x02, 0x02,		/* ACM */
					 5, 0x24, 0x06, 0, 1 };		/* union */
		const uint8_t data[9] = { 9, 4, 1, 0, 2, 0x0a, 0, 0, 0 };
		put(cfg, comm, sizeof(comm));
		put(cfg, func, sizeof(func));
		put_ep(cfg, 0x83, 0x03, 16, 16);
		put(cfg, data, sizeof(data));
		put_ep(cfg, 0x81, 0x02, d->mps, 0);
		put_ep(cfg, 0x01, 0x02, d->mps, 0);
	} else {
		for (unsigned i = 0; i < d->n_ifaces; i++) {
			const uint8_t itf[9] = { 9, 4, i, 0, 2, 0xff, 0, 0, 0 };
			put(cfg, itf, sizeof(itf));
			put_ep(cfg, 0x81 + i, 0x02, d->mps, 0);
			put_ep(cfg, 0x01 + i, 0x02, d->mps, 0);
		}
	}
	total = 9 + cfg->len / 2;
	{
		const uint8_t hdr[9] = { 9, 2, total & 0xff, total >> 8, d->n_ifaces, 1, 0, 0x80, 50 };
		put(out, dev, sizeof(dev));
		put(out, hdr, sizeof(hdr));
	}
	g_string_append(out, cfg->str);
	g_string_free(cfg, TRUE);
	return g_string_free(out, FALSE);
}

static char *record(const struct emu_dev *d, const struct emu_plug *p, unsigned devnum)
{
	GString *r = g_string_new("");
	char *desc = descriptors_hex(d);
	unsigned port = d->spec.port;

	g_string_append_printf(r,
		"P: " EMU_SYSFS_BASE "/1-%u\n"
		"N: bus/usb/001/%03u\n"
		"E: DEVNAME=/dev/bus/usb/001/%03u\n"
		"E: SUBSYSTEM=usb\n"
		"E: DEVTYPE=usb_device\n"
		"E: DRIVER=usb\n"
		"E: BUSNUM=001\n"
		"E: DEVNUM=%03u\n"
		"E: PRODUCT=%x/%x/100\n"
		"A: busnum=1\\n\n"
		"A: devnum=%u\\n\n"
		"A: speed=%s\\n\n"
		"A: bConfigurationValue=1\\n\n"
		"A: idVendor=%04x\\n\n"
		"A: idProduct=%04x\\n\n",
		port, devnum, devnum, devnum, d->vid, d->pid, devnum,
		d->mps >= 512 ? "480" : "12", d->vid, d->pid);
	if (d->spec.serial)
		g_string_append_printf(r, "A: serial=%s\\n\n", d->spec.serial);
	g_string_append_printf(r, "H: descriptors=%s\n", desc);
	g_free(desc);
	/* The interfaces, so the driver holding each can be read from sysfs. */
	for (unsigned i = 0; i < d->n_ifaces; i++) {
		const char *drv = p->held_by_other ? "usbfs" : d->spec.kernel_driver;
		g_string_append_printf(r,
			"\nP: " EMU_SYSFS_BASE "/1-%u/1-%u:1.%u\n"
			"E: SUBSYSTEM=usb\n"
			"E: DEVTYPE=usb_interface\n"
			"A: bInterfaceNumber=%02x\\n\n",
			port, port, i, i);
		if (drv)
			g_string_append_printf(r, "E: DRIVER=%s\nL: driver=../../../../../../bus/usb/drivers/%s\n",
					       drv, drv);
	}
	return g_string_free(r, FALSE);
}

/* ---- public ---------------------------------------------------------------- */

static struct emu_bed *bed_new(bool for_child)
{
	struct emu_bed *bed = g_new0(struct emu_bed, 1);

	bed->for_child = for_child;
	if (for_child) {
		/* Asked now, with UMOCKDEV_DIR unset, umockdev caches "not in a
		 * mock environment": adding a device then sends no "add" by
		 * itself, and emu_plug() sends it once the FIFO is in place. */
		EMU_CHECK(!getenv("UMOCKDEV_DIR"));
		EMU_CHECK(!umockdev_in_mock_environment());
	}
	EMU_CHECK(tb_tmpdir_make(bed->tmpdir, sizeof(bed->tmpdir), "tbu"));
	/* Path components must stay searchable for the access-denied test,
	 * which checks permissions as user nobody. */
	EMU_CHECK(chmod(bed->tmpdir, 0755) == 0);
	EMU_CHECK(setenv("TMPDIR", bed->tmpdir, 1) == 0);
	bed->tb = umockdev_testbed_new();
	EMU_CHECK(bed->tb);
	/* Only now: the answer is cached for the process. */
	if (!for_child)
		EMU_CHECK(umockdev_in_mock_environment());
	bed->root = umockdev_testbed_get_root_dir(bed->tb);
	EMU_CHECK(chmod(bed->root, 0755) == 0);
	bed->next_devnum = 2;
	return bed;
}

struct emu_bed *emu_bed_new(void)
{
	return bed_new(false);
}

struct emu_bed *emu_bed_new_for_child(void)
{
	return bed_new(true);
}

const char *emu_bed_dir(const struct emu_bed *bed)
{
	return bed->tmpdir;
}

static void plug_free(struct emu_bed *bed, struct emu_plug *p)
{
	/* Handles still open stay with umockdev; they forget the plug. */
	emu_lock();
	for (GList *l = p->clients; l; l = l->next) {
		struct emu_client *c = l->data;
		c->p = NULL;
		drop_urbs(&c->parked);
		drop_urbs(&c->done);
	}
	g_list_free(p->clients);
	p->clients = NULL;
	emu_unlock();
	umockdev_testbed_detach_ioctl(bed->tb, p->node, NULL);
	g_object_unref(p->handler);
	if (p->fifo >= 0)
		close(p->fifo);
	g_free(p);
}

static void dev_end(struct emu_dev *d)
{
	if (d->freed)
		return;
	emu_unplug(d);
	osmo_fd_unregister(&d->ofd);
	close(d->efd);
	d->efd = -1;
	emu_lock();
	tb_sim_destroy(&d->sim);
	emu_unlock();
	d->freed = true;
}

void emu_bed_destroy(struct emu_bed **bedp)
{
	struct emu_bed *bed = bedp ? *bedp : NULL;

	if (!bed)
		return;
	*bedp = NULL;
	for (GList *l = bed->devs; l; l = l->next) {
		struct emu_dev *d = l->data;

		dev_end(d);
		for (GList *pl = d->plugs; pl; pl = pl->next)
			plug_free(bed, pl->data);
		g_list_free(d->plugs);
		g_byte_array_unref(d->in_q);
		g_byte_array_unref(d->out_q);
		g_free((char *)d->spec.serial);
		g_free((char *)d->spec.kernel_driver);
		g_free((char *)d->spec.tsi);
		g_free(d);
	}
	g_list_free(bed->devs);
	g_object_unref(bed->tb);
	g_free(bed->root);
	tb_tmpdir_remove(bed->tmpdir);	/* best effort */
	g_free(bed);
}

struct emu_dev *emu_dev_new(struct emu_bed *bed, void *ctx, const struct emu_dev_spec *spec)
{
	struct emu_dev *d = g_new0(struct emu_dev, 1);
	const struct tb_usb_profile *prof = spec->profile;

	EMU_CHECK(prof && spec->port > 0 && spec->tsi);
	d->bed = bed;
	d->spec = *spec;
	d->spec.serial = g_strdup(spec->serial);
	d->spec.kernel_driver = g_strdup(spec->kernel_driver);
	d->spec.tsi = g_strdup(spec->tsi);
	d->vid = spec->vid ? spec->vid : prof->ids[0].vid;
	d->pid = spec->pid ? spec->pid : prof->ids[0].pid;
	d->mps = spec->max_packet;
	if (!d->mps) {
		const struct tb_usb_id *id;
		d->mps = tb_usb_profile_by_id(d->vid, d->pid, &id) && id->max_packet ? id->max_packet : 64;
	}
	d->cdc = prof->kind != TB_USB_VENDOR_BULK;	/* AUTO: built as CDC-ACM (a guess) */
	d->n_ifaces = d->cdc ? 2 : prof->n_interfaces;
	EMU_CHECK(d->n_ifaces >= 1 && d->n_ifaces <= EMU_MAX_IFACES);
	snprintf(d->sysfs, sizeof(d->sysfs), "/sys" EMU_SYSFS_BASE "/1-%u", spec->port);
	d->in_q = g_byte_array_new();
	d->out_q = g_byte_array_new();
	d->sim = tb_sim_alloc(ctx, spec->tsi, sim_out, d);
	EMU_CHECK(d->sim);
	tb_sim_set_name(d->sim, spec->serial ? spec->serial : "usb");
	d->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	EMU_CHECK(d->efd >= 0);
	osmo_fd_setup(&d->ofd, d->efd, OSMO_FD_READ, efd_cb, d, 0);
	EMU_CHECK(osmo_fd_register(&d->ofd) == 0);
	bed->devs = g_list_append(bed->devs, d);
	return d;
}

struct tb_sim_terminal *emu_sim(struct emu_dev *d)
{
	return d->sim;
}

bool emu_plugged(const struct emu_dev *d)
{
	return d->cur != NULL;
}

void emu_plug(struct emu_dev *d)
{
	struct emu_bed *bed = d->bed;
	struct emu_plug *p = g_new0(struct emu_plug, 1);
	GError *err = NULL;
	unsigned devnum = bed->next_devnum++;
	char *rec;

	EMU_CHECK(!d->cur && !d->freed && devnum < 128);
	p->d = d;
	p->fifo = -1;
	p->held_by_other = d->held_by_other;
	p->detach_fails = d->detach_fails;
	for (unsigned i = 0; i < d->n_ifaces; i++)
		p->drv_bound[i] = d->spec.kernel_driver != NULL;
	snprintf(p->node, sizeof(p->node), "/dev/bus/usb/001/%03u", devnum);

	/* The handler before the device (libusb may open it at once). */
	p->handler = umockdev_ioctl_base_new();
	g_signal_connect(p->handler, "handle-ioctl", G_CALLBACK(handle_ioctl), p);
	EMU_CHECK(umockdev_testbed_attach_ioctl(bed->tb, p->node, p->handler, &err));

	rec = record(d, p, devnum);
	if (!umockdev_testbed_add_from_string(bed->tb, rec, &err)) {
		fprintf(stderr, "usb_emu: cannot add device: %s\n%s\n", err ? err->message : "?", rec);
		abort();
	}
	g_free(rec);

	/* The node as a FIFO: poll() blocks while it is full. */
	snprintf(p->fifo_path, sizeof(p->fifo_path), "%s%s", bed->root, p->node);
	EMU_CHECK(unlink(p->fifo_path) == 0);
	EMU_CHECK(mkfifo(p->fifo_path, 0666) == 0);
	EMU_CHECK(chmod(p->fifo_path, d->denied ? 0 : 0666) == 0);
	p->fifo = open(p->fifo_path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	EMU_CHECK(p->fifo >= 0);
	EMU_CHECK(fcntl(p->fifo, F_SETPIPE_SZ, 4096) >= 0);

	emu_lock();
	drop_in_q(d);
	d->cur = d->last = p;
	d->plugs = g_list_append(d->plugs, p);
	d->st.plugs++;
	update_fifo(p);
	emu_unlock();

	if (bed->for_child) {
		/* As the kernel does: the device, then its interfaces. */
		umockdev_testbed_uevent(bed->tb, d->sysfs, "add");
		for (unsigned i = 0; i < d->n_ifaces; i++) {
			char itf[160];
			snprintf(itf, sizeof(itf), "%s/1-%u:1.%u", d->sysfs, d->spec.port, i);
			umockdev_testbed_uevent(bed->tb, itf, "add");
		}
	}
}

void emu_unplug(struct emu_dev *d)
{
	struct emu_plug *p = d->cur;
	struct emu_urb *e;

	if (!p)
		return;
	emu_lock();
	p->gone = true;
	for (GList *l = p->clients; l; l = l->next) {
		struct emu_client *c = l->data;

		while ((e = g_queue_pop_head(&c->parked))) {
			urb_of(e)->status = -ENODEV;
			urb_of(e)->actual_length = 0;
			g_queue_push_tail(&c->done, e);
		}
	}
	drop_in_q(d);
	d->cur = NULL;
	update_fifo(p);
	emu_unlock();

	/* As the kernel does: the interfaces go first, then the device. */
	for (unsigned i = 0; i < d->n_ifaces; i++) {
		char itf[160];
		snprintf(itf, sizeof(itf), "%s/1-%u:1.%u", d->sysfs, d->spec.port, i);
		umockdev_testbed_uevent(d->bed->tb, itf, "remove");
		umockdev_testbed_remove_device(d->bed->tb, itf);
	}
	umockdev_testbed_uevent(d->bed->tb, d->sysfs, "remove");
	umockdev_testbed_remove_device(d->bed->tb, d->sysfs);
	/* The handler stays attached until the test bed goes: libusb still
	 * reaps, releases and closes through the old node. */
}

void emu_dev_destroy(struct emu_dev **d)
{
	if (!d || !*d)
		return;
	dev_end(*d);
	*d = NULL;
}

void emu_set_whole_urbs(struct emu_dev *d, bool whole)
{
	emu_lock();
	d->whole_urbs = whole;
	emu_unlock();
}

void emu_set_held_by_other(struct emu_dev *d, bool held)
{
	d->held_by_other = held;
}

void emu_set_detach_fails(struct emu_dev *d, bool fails)
{
	d->detach_fails = fails;
}

bool emu_deny_access(struct emu_dev *d, bool deny)
{
	int fd;

	d->denied = deny;
	if (!deny && getuid() == 0)
		setfsuid(0);
	if (d->cur) {
		/* The node itself is locked; umockdev's ioctl socket for it must
		 * stay reachable, as the preload connects to it on every open. */
		char path[512];
		snprintf(path, sizeof(path), "%s/ioctl", d->bed->root);
		chmod(path, 0755);
		for (const char *c = d->cur->node; (c = strchr(c + 1, '/'));) {
			snprintf(path, sizeof(path), "%s/ioctl%.*s", d->bed->root, (int)(c - d->cur->node),
				 d->cur->node);
			chmod(path, 0755);
		}
		snprintf(path, sizeof(path), "%s/ioctl%s", d->bed->root, d->cur->node);
		EMU_CHECK(chmod(path, 0666) == 0);
		EMU_CHECK(chmod(d->cur->fifo_path, deny ? 0 : 0666) == 0);
	}
	/* root reads everything: check as nobody on this thread meanwhile. */
	if (deny && getuid() == 0)
		setfsuid(65534);
	if (!d->cur)
		return true;
	fd = open(d->cur->fifo_path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	return deny ? fd < 0 && errno == EACCES : fd >= 0;
}

uint64_t emu_printed(struct emu_dev *d)
{
	uint64_t n;

	emu_lock();
	n = d->printed;
	emu_unlock();
	return n;
}

bool emu_read_time(struct emu_dev *d, uint64_t end, struct timespec *ts)
{
	bool found = false;

	emu_lock();
	/* The newest fills are at the end of the ring; search back. */
	for (unsigned k = 0; k < d->n_fills && k < EMU_FILL_RING; k++) {
		unsigned i = (d->n_fills - 1 - k) % EMU_FILL_RING;

		if (d->fills[i].end < end)
			break;
		*ts = d->fills[i].ts;
		found = true;
	}
	emu_unlock();
	return found;
}

void emu_get_stats(struct emu_dev *d, struct emu_stats *st)
{
	emu_lock();
	*st = d->st;
	st->kernel_driver_bound = d->last ? d->last->drv_bound[0] : false;
	st->claimed_now = 0;
	st->claimed_mask = 0;
	if (d->last)
		for (unsigned i = 0; i < d->n_ifaces; i++) {
			st->claimed_now += d->last->claimed[i];
			st->claimed_mask |= d->last->claimed[i] << i;
		}
	emu_unlock();
}
