/* libuv inside the osmo_select loop (see uv_loop.h).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "web/uv_loop.h"

#include <stdbool.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

struct tw_uv_loop {
	uv_loop_t uv;
	struct osmo_fd ofd;		/* uv_backend_fd: readable when a watched fd is */
	struct osmo_timer_list timer;	/* libuv's next timeout, or a kick */
	bool registered;
};

/* Whether a libuv callback changed what a handle waits for (uv_poll_start
 * and friends queue the change; libuv's next turn applies it to the epoll
 * set). watcher_queue is in libuv's public struct (uv/unix.h); an empty
 * queue points at itself. Without this, lws asking for POLLOUT while it
 * reads a request would wait for libuv's next timer. */
static bool watchers_changed(const uv_loop_t *uv)
{
	return uv->watcher_queue[0] != (void *)&uv->watcher_queue;
}

static void rearm(struct tw_uv_loop *l)
{
	int ms = watchers_changed(&l->uv) ? 0 : uv_backend_timeout(&l->uv);

	if (ms < 0) {	/* nothing timed: only the fd wakes libuv */
		osmo_timer_del(&l->timer);
		return;
	}
	osmo_timer_schedule(&l->timer, ms / 1000, (ms % 1000) * 1000);
}

void tw_uv_loop_run(struct tw_uv_loop *l)
{
	uv_run(&l->uv, UV_RUN_NOWAIT);
	rearm(l);
}

static int fd_cb(struct osmo_fd *ofd, unsigned what)
{
	tw_uv_loop_run(ofd->data);
	return 0;
}

static void timer_cb(void *data)
{
	tw_uv_loop_run(data);
}

void tw_uv_loop_kick(struct tw_uv_loop *l)
{
	if (l)	/* a pending kick is moved, not doubled: one turn */
		osmo_timer_schedule(&l->timer, 0, 0);
}

uv_loop_t *tw_uv_loop_uv(struct tw_uv_loop *l)
{
	return &l->uv;
}

static int loop_free(struct tw_uv_loop *l)
{
	osmo_timer_del(&l->timer);
	if (l->registered)
		osmo_fd_unregister(&l->ofd);
	l->registered = false;
	return 0;
}

struct tw_uv_loop *tw_uv_loop_alloc(void *ctx, char **errmsg)
{
	struct tw_uv_loop *l = talloc_zero(ctx, struct tw_uv_loop);
	int rc;

	if (!l)
		return NULL;
	rc = uv_loop_init(&l->uv);
	if (rc < 0) {
		*errmsg = talloc_asprintf(ctx, "cannot make a libuv loop: %s", uv_strerror(rc));
		talloc_free(l);
		return NULL;
	}
	osmo_timer_setup(&l->timer, timer_cb, l);
	osmo_fd_setup(&l->ofd, uv_backend_fd(&l->uv), OSMO_FD_READ, fd_cb, l, 0);
	if (osmo_fd_register(&l->ofd) < 0) {
		*errmsg = talloc_strdup(ctx, "cannot watch libuv's epoll fd");
		uv_loop_close(&l->uv);
		talloc_free(l);
		return NULL;
	}
	l->registered = true;
	talloc_set_destructor(l, loop_free);
	return l;
}

void tw_uv_loop_settle(struct tw_uv_loop *l)
{
	/* A handle that never closes is a bug, not a reason to hang at
	 * shutdown: give up after a while. */
	for (int i = 0; i < 1000 && uv_run(&l->uv, UV_RUN_NOWAIT); i++)
		;
}

void tw_uv_loop_destroy(struct tw_uv_loop **lp)
{
	struct tw_uv_loop *l = lp ? *lp : NULL;

	if (!l)
		return;
	loop_free(l);
	tw_uv_loop_settle(l);
	uv_loop_close(&l->uv);
	talloc_free(l);
	*lp = NULL;
}
