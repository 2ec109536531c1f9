/* The bridge: radios in, events out.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/bridge.h"

#include <errno.h>
#include <string.h>
#include <sys/time.h>
#include <zmq.h>
#include <osmocom/core/talloc.h>

#include "bridge/radio.h"
#include "common/logging.h"
#include "ipc/publisher.h"
#include "radio-drivers/usb.h"

struct tb_bridge *g_bridge;

struct tb_bridge *tb_bridge_alloc(void *ctx)
{
	struct tb_bridge *b = talloc_zero(ctx, struct tb_bridge);

	if (!b)
		return NULL;
	b->id = talloc_strdup(b, "tetra-bridge");
	b->events_endpoint = talloc_strdup(b, TB_DEFAULT_EVENTS_ENDPOINT);
	b->next_seq = 1;
	INIT_LLIST_HEAD(&b->radios);
	g_bridge = b;
	return b;
}

static void usb_arrived_cb(const struct tb_usb_device_info *info, void *data)
{
	tb_radios_usb_arrived(data, info);
}

/* libusb, and hot-plug arrivals, when a radio needs them. */
static void usb_start(struct tb_bridge *b)
{
	struct tb_radio *r;
	bool want = false;

	llist_for_each_entry(r, &b->radios, entry)
		want |= r->transport == TB_RADIO_USB;
	if (!want || b->usb)
		return;
	if (tb_usb_init(b) < 0)
		return;	/* said why; the USB radios keep trying and say it once more each */
	b->usb = true;
	b->usb_watch = tb_usb_on_arrival(b, usb_arrived_cb, b);
}

int tb_bridge_start(struct tb_bridge *b, char **errmsg)
{
	struct tb_radio *r;
	int rc;

	b->zmq_ctx = zmq_ctx_new();
	if (!b->zmq_ctx) {
		*errmsg = talloc_asprintf(b, "cannot create a ZeroMQ context: %s", zmq_strerror(errno));
		return -errno;
	}
	b->pub = tb_publisher_alloc(b, b->zmq_ctx, b->events_endpoint, &rc, errmsg);
	if (!b->pub)
		return rc;

	usb_start(b);
	llist_for_each_entry(r, &b->radios, entry) {
		rc = tb_radio_setup(r, errmsg);
		if (rc < 0)
			return rc;
	}
	llist_for_each_entry(r, &b->radios, entry) {
		rc = tb_radio_start(r, errmsg);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void tb_bridge_stop(struct tb_bridge *b)
{
	struct tb_radio *r;

	llist_for_each_entry(r, &b->radios, entry)
		tb_radio_stop(r);
	/* The radios' USB transports are closed: now libusb can go. */
	TALLOC_FREE(b->usb_watch);
	tb_usb_exit();	/* nothing when it never started */
	b->usb = false;
	if (b->pub)
		tb_publisher_destroy(&b->pub);
	if (b->zmq_ctx) {
		zmq_ctx_term(b->zmq_ctx);
		b->zmq_ctx = NULL;
	}
}

uint64_t tb_bridge_publish(struct tb_bridge *b, Tetrabridge__V1__Event *ev)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	ev->seq = b->next_seq++;
	ev->time_us = (uint64_t)tv.tv_sec * 1000000u + tv.tv_usec;
	ev->bridge = b->id;
	if (b->pub)
		tb_publisher_send(b->pub, ev);
	return ev->seq;
}
