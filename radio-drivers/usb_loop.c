/* libusb inside the osmo_select loop; see usb.h.
 *
 * libusb hands its file descriptors to the application through the pollfd
 * notifiers (plus libusb_get_pollfds() for those that exist before the
 * notifiers are set); each becomes an osmo_fd whose callback lets libusb
 * handle events with a zero timeout. libusb's next internal timeout (none on
 * Linux, where it uses a timerfd, but portable code asks) becomes an
 * osmo_timer. Hot-plug callbacks run inside libusb's event handling: they
 * only queue the device, and a zero-delay osmo_timer does the rest.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "radio-drivers/usb_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <libusb.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "common/logging.h"

struct usb_pfd {		/* one of libusb's file descriptors */
	struct llist_head list;
	struct osmo_fd ofd;
};

struct usb_event {		/* a hot-plug event waiting for the loop */
	struct llist_head list;
	libusb_device *dev;	/* referenced */
	bool arrived;
	bool reoffer;		/* arrived: released by a transport that passed it over */
};

struct usb_cached {		/* what tb_usb_device_info() found out about a device */
	struct llist_head list;
	libusb_device *dev;	/* referenced */
	struct tb_usb_device_info info;
};

struct tb_usb_watch {
	struct llist_head list;
	void (*arrived)(const struct tb_usb_device_info *info, void *data);
	void (*left)(const struct tb_usb_device_info *info, void *data);
	void *data;
};

struct usb_loop {
	libusb_context *ctx;
	struct llist_head pfds;		/* struct usb_pfd */
	struct osmo_timer_list timeout;	/* libusb_get_next_timeout() */
	bool in_events;			/* inside libusb_handle_events_*() */
	bool hotplug;
	libusb_hotplug_callback_handle hotplug_handle;
	struct llist_head events;	/* struct usb_event */
	struct osmo_timer_list deliver;	/* runs the queued hot-plug events */
	struct llist_head cache;	/* struct usb_cached */
	struct llist_head watches;	/* struct tb_usb_watch */
};

static struct usb_loop *g_usb;

/* ---- events and timeouts ----------------------------------------------- */

void tb_usb_rearm_timeout(void)
{
	struct timeval tv;
	int rc;

	if (!g_usb)
		return;
	rc = libusb_get_next_timeout(g_usb->ctx, &tv);
	if (rc == 1)
		osmo_timer_schedule(&g_usb->timeout, tv.tv_sec, tv.tv_usec);
	else
		osmo_timer_del(&g_usb->timeout);
}

void tb_usb_handle_events(void)
{
	struct timeval zero = { 0, 0 };
	int rc;

	if (!g_usb || g_usb->in_events)
		return;
	g_usb->in_events = true;
	rc = libusb_handle_events_timeout_completed(g_usb->ctx, &zero, NULL);
	g_usb->in_events = false;
	if (rc < 0 && rc != LIBUSB_ERROR_INTERRUPTED)
		LOGP(DUSB, LOGL_DEBUG, "libusb event handling: %s\n", libusb_error_name(rc));
	tb_usb_rearm_timeout();
}

static void timeout_cb(void *data)
{
	tb_usb_handle_events();
}

static int pfd_cb(struct osmo_fd *ofd, unsigned int what)
{
	tb_usb_handle_events();
	return 0;
}

static unsigned int poll_to_osmo(short events)
{
	unsigned int when = 0;

	if (events & POLLIN)
		when |= OSMO_FD_READ;
	if (events & POLLOUT)
		when |= OSMO_FD_WRITE;
	return when;
}

static struct usb_pfd *pfd_find(int fd)
{
	struct usb_pfd *p;

	llist_for_each_entry(p, &g_usb->pfds, list)
		if (p->ofd.fd == fd)
			return p;
	return NULL;
}

static void LIBUSB_CALL pollfd_added(int fd, short events, void *user_data)
{
	struct usb_pfd *p;

	if (!g_usb)
		return;
	p = pfd_find(fd);
	if (p) {
		osmo_fd_update_when(&p->ofd, 0, poll_to_osmo(events));
		return;
	}
	p = talloc_zero(g_usb, struct usb_pfd);
	if (!p) {
		LOGP(DUSB, LOGL_ERROR, "no memory for a libusb file descriptor\n");
		return;
	}
	osmo_fd_setup(&p->ofd, fd, poll_to_osmo(events), pfd_cb, NULL, 0);
	if (osmo_fd_register(&p->ofd) < 0) {
		LOGP(DUSB, LOGL_ERROR, "cannot watch libusb file descriptor %d\n", fd);
		talloc_free(p);
		return;
	}
	llist_add_tail(&p->list, &g_usb->pfds);
}

static void LIBUSB_CALL pollfd_removed(int fd, void *user_data)
{
	struct usb_pfd *p;

	if (!g_usb)
		return;
	p = pfd_find(fd);
	if (!p)
		return;
	osmo_fd_unregister(&p->ofd);
	llist_del(&p->list);
	talloc_free(p);
}

/* ---- device information ------------------------------------------------- */

/* A sysfs attribute of the device, trailing newline removed. */
static int read_sysfs(const char *bus_path, const char *attr, char *buf, size_t size)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/usb/devices/%s/%s", bus_path, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -EIO;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return 0;
}

static bool has_cdc_acm(libusb_device *dev)
{
	struct libusb_config_descriptor *cfg;
	bool comm = false, data = false;

	if (libusb_get_active_config_descriptor(dev, &cfg) != 0 &&
	    libusb_get_config_descriptor(dev, 0, &cfg) != 0)
		return false;
	for (int i = 0; i < cfg->bNumInterfaces; i++) {
		const struct libusb_interface *itf = &cfg->interface[i];
		if (itf->num_altsetting < 1)
			continue;
		if (itf->altsetting[0].bInterfaceClass == LIBUSB_CLASS_COMM &&
		    itf->altsetting[0].bInterfaceSubClass == 2)
			comm = true;
		if (itf->altsetting[0].bInterfaceClass == LIBUSB_CLASS_DATA)
			data = true;
	}
	libusb_free_config_descriptor(cfg);
	return comm && data;
}

static int fill_info(libusb_device *dev, struct tb_usb_device_info *info)
{
	struct libusb_device_descriptor dd;
	uint8_t ports[8];
	const struct tb_usb_id *id;
	int n, len;

	memset(info, 0, sizeof(*info));
	info->interface = -1;
	if (libusb_get_device_descriptor(dev, &dd) != 0)
		return -EIO;
	info->vid = dd.idVendor;
	info->pid = dd.idProduct;
	info->busnum = libusb_get_bus_number(dev);
	info->devnum = libusb_get_device_address(dev);
	info->dev = dev;
	n = libusb_get_port_numbers(dev, ports, sizeof(ports));
	if (n > 0) {
		len = snprintf(info->bus_path, sizeof(info->bus_path), "%u-%u", info->busnum, ports[0]);
		for (int i = 1; i < n && len > 0 && (size_t)len < sizeof(info->bus_path); i++)
			len += snprintf(info->bus_path + len, sizeof(info->bus_path) - len, ".%u", ports[i]);
	} else {
		snprintf(info->bus_path, sizeof(info->bus_path), "usb%u", info->busnum);
	}
	/* The kernel read the serial number at enumeration; asking the device
	 * would be a synchronous control transfer. */
	if (dd.iSerialNumber && read_sysfs(info->bus_path, "serial", info->serial, sizeof(info->serial)) < 0)
		info->serial[0] = '\0';
	info->profile = tb_usb_profile_by_id(info->vid, info->pid, &id);
	if (info->profile)
		info->model = id->model;
	else if (has_cdc_acm(dev))
		info->profile = tb_usb_profile_cdc_acm();
	return 0;
}

static struct usb_cached *cache_find(const libusb_device *dev)
{
	struct usb_cached *c;

	llist_for_each_entry(c, &g_usb->cache, list)
		if (c->dev == dev)
			return c;
	return NULL;
}

static void cache_drop(struct usb_cached *c)
{
	llist_del(&c->list);
	libusb_unref_device(c->dev);
	talloc_free(c);
}

int tb_usb_device_info(libusb_device *dev, struct tb_usb_device_info *info)
{
	struct usb_cached *c;
	int rc;

	if (!g_usb)
		return -ENODEV;
	c = cache_find(dev);
	if (!c) {
		rc = fill_info(dev, info);
		if (rc < 0)
			return rc;
		c = talloc_zero(g_usb, struct usb_cached);
		if (c) {
			c->dev = libusb_ref_device(dev);
			c->info = *info;
			llist_add_tail(&c->list, &g_usb->cache);
		}
	} else {
		*info = c->info;
	}
	info->in_use = tb_usb__device_claimed(dev);
	return 0;
}

bool tb_usb_device_in_use(const struct tb_usb_device_info *info)
{
	return info && info->dev && tb_usb__device_claimed(info->dev);
}

int tb_usb_list(void (*cb)(const struct tb_usb_device_info *info, void *data), void *data)
{
	libusb_device **list;
	struct tb_usb_device_info info;
	ssize_t n;
	int count = 0;

	if (!g_usb)
		return -ENODEV;
	n = libusb_get_device_list(g_usb->ctx, &list);
	if (n < 0)
		return -EIO;
	for (ssize_t i = 0; i < n; i++) {
		if (tb_usb_device_info(list[i], &info) < 0 || !info.profile)
			continue;
		count++;
		if (cb)
			cb(&info, data);
	}
	libusb_free_device_list(list, 1);
	return count;
}

/* ---- hot-plug ------------------------------------------------------------ */

static int watch_destructor(struct tb_usb_watch *w)
{
	llist_del(&w->list);
	return 0;
}

struct tb_usb_watch *tb_usb_watch(void *ctx,
				  void (*arrived)(const struct tb_usb_device_info *info, void *data),
				  void (*left)(const struct tb_usb_device_info *info, void *data),
				  void *data)
{
	struct tb_usb_watch *w;

	if (!g_usb)
		return NULL;
	w = talloc_zero(ctx, struct tb_usb_watch);
	if (!w)
		return NULL;
	w->arrived = arrived;
	w->left = left;
	w->data = data;
	llist_add_tail(&w->list, &g_usb->watches);
	talloc_set_destructor(w, watch_destructor);
	return w;
}

struct tb_usb_watch *tb_usb_on_arrival(void *ctx,
				       void (*cb)(const struct tb_usb_device_info *info, void *data),
				       void *data)
{
	return tb_usb_watch(ctx, cb, NULL, data);
}

void tb_usb_watch_destroy(struct tb_usb_watch **w)
{
	if (w)
		TALLOC_FREE(*w);	/* the destructor unsubscribes */
}

static void deliver_one(struct usb_event *ev)
{
	struct tb_usb_device_info info;
	struct tb_usb_watch *w, *tmp;
	struct usb_cached *c = cache_find(ev->dev);

	if (ev->reoffer) {
		/* Only while still present: a device that left is not cached. */
		if (!c || tb_usb_device_info(ev->dev, &info) < 0)
			return;
		info.reoffered = true;
		LOGP(DUSB, LOGL_DEBUG, "USB device %s %04x:%04x free again\n", info.bus_path, info.vid, info.pid);
	} else if (ev->arrived) {
		if (c)	/* stale: the same libusb_device cannot arrive twice */
			cache_drop(c);
		if (tb_usb_device_info(ev->dev, &info) < 0)
			return;
		LOGP(DUSB, info.profile ? LOGL_INFO : LOGL_DEBUG, "USB device %s %04x:%04x arrived%s%s\n",
		     info.bus_path, info.vid, info.pid, info.profile ? ": " : "",
		     info.profile ? info.profile->name : "");
	} else {
		if (c)
			info = c->info;
		else if (fill_info(ev->dev, &info) < 0)
			return;
		info.in_use = tb_usb__device_claimed(ev->dev);
		LOGP(DUSB, info.profile ? LOGL_INFO : LOGL_DEBUG, "USB device %s %04x:%04x left\n",
		     info.bus_path, info.vid, info.pid);
		/* Transports first: subscribers then see them closed. */
		tb_usb__device_left(ev->dev);
	}
	llist_for_each_entry_safe(w, tmp, &g_usb->watches, list) {
		if (ev->arrived && w->arrived)
			w->arrived(&info, w->data);
		else if (!ev->arrived && w->left)
			w->left(&info, w->data);
		if (!g_usb)
			return;
	}
	if (!ev->arrived) {
		c = cache_find(ev->dev);
		if (c)
			cache_drop(c);
	}
}

static void deliver_cb(void *data)
{
	while (g_usb && !llist_empty(&g_usb->events)) {
		struct usb_event *ev = llist_first_entry(&g_usb->events, struct usb_event, list);

		llist_del(&ev->list);
		deliver_one(ev);
		if (!g_usb)
			return;	/* a callback called tb_usb_exit(): ev went with it */
		libusb_unref_device(ev->dev);
		talloc_free(ev);
	}
}

static void queue_event(libusb_device *dev, bool arrived, bool reoffer)
{
	struct usb_event *ev;

	if (!g_usb)
		return;
	ev = talloc_zero(g_usb, struct usb_event);
	if (!ev)
		return;
	ev->dev = libusb_ref_device(dev);
	ev->arrived = arrived;
	ev->reoffer = reoffer;
	llist_add_tail(&ev->list, &g_usb->events);
	if (!osmo_timer_pending(&g_usb->deliver))
		osmo_timer_schedule(&g_usb->deliver, 0, 0);
}

/* Runs inside libusb's event handling: record only. */
static int LIBUSB_CALL hotplug_cb(libusb_context *ctx, libusb_device *dev, libusb_hotplug_event event,
				  void *user_data)
{
	queue_event(dev, event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED, false);
	return 0;
}

void tb_usb__device_reoffer(libusb_device *dev)
{
	queue_event(dev, true, true);
}

/* ---- set-up and tear-down ----------------------------------------------- */

libusb_context *tb_usb_context(void)
{
	return g_usb ? g_usb->ctx : NULL;
}

int tb_usb_init(void *ctx)
{
	const struct libusb_pollfd **fds;
	struct usb_loop *u;
	int rc;

	if (g_usb)
		return 0;
	u = talloc_zero(ctx, struct usb_loop);
	if (!u)
		return -ENOMEM;
	INIT_LLIST_HEAD(&u->pfds);
	INIT_LLIST_HEAD(&u->events);
	INIT_LLIST_HEAD(&u->cache);
	INIT_LLIST_HEAD(&u->watches);
	osmo_timer_setup(&u->timeout, timeout_cb, NULL);
	osmo_timer_setup(&u->deliver, deliver_cb, NULL);
	rc = libusb_init(&u->ctx);
	if (rc != 0) {
		/* Said once: USB transports retry (and call this) with backoff. */
		static bool said;
		LOGP(DUSB, said ? LOGL_DEBUG : LOGL_ERROR, "cannot start libusb: %s (is usbfs there: "
		     "/dev/bus/usb?); USB terminals stay offline\n", libusb_strerror(rc));
		said = true;
		talloc_free(u);
		return -EIO;
	}
	g_usb = u;

	libusb_set_pollfd_notifiers(u->ctx, pollfd_added, pollfd_removed, NULL);
	fds = libusb_get_pollfds(u->ctx);
	if (fds) {
		for (int i = 0; fds[i]; i++)
			pollfd_added(fds[i]->fd, fds[i]->events, NULL);
		libusb_free_pollfds(fds);
	}

	if (libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG)) {
		rc = libusb_hotplug_register_callback(u->ctx,
						      LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED |
						      LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
						      0, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
						      LIBUSB_HOTPLUG_MATCH_ANY, hotplug_cb, NULL,
						      &u->hotplug_handle);
		if (rc == LIBUSB_SUCCESS)
			u->hotplug = true;
		else
			LOGP(DUSB, LOGL_NOTICE, "no USB hot-plug events (%s): unplugged terminals are "
			     "noticed by failing transfers, new ones by reopen attempts\n",
			     libusb_strerror(rc));
	}
	tb_usb_rearm_timeout();
	LOGP(DUSB, LOGL_DEBUG, "libusb %u.%u.%u started\n", libusb_get_version()->major,
	     libusb_get_version()->minor, libusb_get_version()->micro);
	return 0;
}

void tb_usb_exit(void)
{
	struct usb_loop *u = g_usb;
	struct usb_pfd *p, *ptmp;
	struct usb_event *ev, *etmp;
	struct usb_cached *c, *ctmp;
	struct tb_usb_watch *w, *wtmp;

	if (!u)
		return;
	tb_usb__exit_sessions();
	osmo_timer_del(&u->timeout);
	osmo_timer_del(&u->deliver);
	if (u->hotplug)
		libusb_hotplug_deregister_callback(u->ctx, u->hotplug_handle);
	libusb_set_pollfd_notifiers(u->ctx, NULL, NULL, NULL);
	llist_for_each_entry_safe(p, ptmp, &u->pfds, list) {
		osmo_fd_unregister(&p->ofd);
		llist_del(&p->list);
		talloc_free(p);
	}
	llist_for_each_entry_safe(ev, etmp, &u->events, list) {
		llist_del(&ev->list);
		libusb_unref_device(ev->dev);
		talloc_free(ev);
	}
	llist_for_each_entry_safe(c, ctmp, &u->cache, list)
		cache_drop(c);
	/* Subscriptions belong to their owners: just forget them. */
	llist_for_each_entry_safe(w, wtmp, &u->watches, list) {
		llist_del(&w->list);
		INIT_LLIST_HEAD(&w->list);
	}
	libusb_exit(u->ctx);
	g_usb = NULL;
	talloc_free(u);
}
