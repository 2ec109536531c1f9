/* ZeroMQ sockets in tests; see zmq_watch.h.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/lib/zmq_watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <zmq.h>

#include "ipc/pb_utf8.h"

struct watch {
	struct tb_zmq_watch pub;	/* first: what the caller sees */
	struct osmo_fd ofd;
};

static int watch_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct watch *w = ofd->data;
	int ev;
	size_t len = sizeof(ev);

	zmq_getsockopt(w->pub.sock, ZMQ_EVENTS, &ev, &len);
	return 0;
}

struct tb_zmq_watch *tb_zmq_watch_new(void *ctx, void *sock)
{
	struct watch *w = talloc_zero(ctx, struct watch);
	int fd, linger = 0;
	size_t len = sizeof(fd);

	if (!w || zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof(linger)) < 0 ||
	    zmq_getsockopt(sock, ZMQ_FD, &fd, &len) < 0) {
		fprintf(stderr, "cannot watch a ZeroMQ socket: %s\n", zmq_strerror(zmq_errno()));
		abort();
	}
	w->pub.sock = sock;
	osmo_fd_setup(&w->ofd, fd, OSMO_FD_READ, watch_cb, w, 0);
	if (osmo_fd_register(&w->ofd) < 0)
		abort();
	return &w->pub;
}

void tb_zmq_watch_destroy(struct tb_zmq_watch **pw)
{
	struct watch *w;

	if (!pw || !*pw)
		return;
	w = (struct watch *)*pw;
	osmo_fd_unregister(&w->ofd);
	zmq_close(w->pub.sock);
	talloc_free(w);
	*pw = NULL;
}

bool tb_zmq_readable(void *sock)
{
	zmq_pollitem_t it = { .socket = sock, .events = ZMQ_POLLIN };

	return zmq_poll(&it, 1, 0) == 1;
}

Tetrabridge__V1__Event *tb_zmq_recv_event(void *sub, char *topic, size_t tsize, int timeout_ms)
{
	zmq_pollitem_t item = { .socket = sub, .events = ZMQ_POLLIN };
	Tetrabridge__V1__Event *ev;
	zmq_msg_t t, m;
	int more = 0;
	size_t more_len = sizeof(more);

	if (zmq_poll(&item, 1, timeout_ms) <= 0)
		return NULL;
	zmq_msg_init(&t);
	zmq_msg_init(&m);
	if (zmq_msg_recv(&t, sub, 0) < 0)
		abort();
	zmq_getsockopt(sub, ZMQ_RCVMORE, &more, &more_len);
	if (!more)
		abort();	/* every event is two frames */
	if (zmq_msg_recv(&m, sub, 0) < 0)
		abort();
	if (topic)
		snprintf(topic, tsize, "%.*s", (int)zmq_msg_size(&t), (const char *)zmq_msg_data(&t));
	ev = tetrabridge__v1__event__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
	zmq_msg_close(&t);
	zmq_msg_close(&m);
	if (!ev) {
		fprintf(stderr, "a message on the event socket is not an Event\n");
		abort();
	}
	if (tb_pb_invalid_utf8(&ev->base)) {
		fprintf(stderr, "event with a string that is not UTF-8: %s\n", tb_pb_invalid_utf8(&ev->base));
		abort();
	}
	return ev;
}
