/* libuv inside the osmo_select loop, for libwebsockets.
 *
 * Why: tetra-web is one thread with one loop, osmo_select, like the bridge
 * (ZeroMQ sockets, timers, signals). libwebsockets must run in it, but
 * Debian's libwebsockets 4.1 is built without LWS_WITH_EXTERNAL_POLL (the
 * callbacks that would hand each socket to our loop). It is built with
 * libuv as an event library, and libuv's whole state on Linux is one epoll
 * fd (uv_backend_fd) plus the time until its next timer
 * (uv_backend_timeout). So lws runs on a libuv loop of our own
 * (LWS_SERVER_OPTION_LIBUV with a foreign loop), and that loop is turned
 * without blocking (uv_run UV_RUN_NOWAIT) whenever
 *   - its epoll fd is readable (an osmo_fd),
 *   - the osmo_timer set from uv_backend_timeout fires, or
 *   - our code touched lws from outside a libuv callback, e.g. asked
 *     lws_callback_on_writable() when a ZeroMQ event arrived: a "kick",
 *     a 0 ms osmo_timer, because libuv applies a changed poll interest to
 *     its epoll set only on its next turn.
 * No thread, no busy loop: when nothing happens the process sleeps in
 * osmo_select's poll like before.
 *
 * Ownership: a talloc child of ctx; tw_uv_loop_destroy() after
 * lws_context_destroy() runs libuv until lws's handles are closed, then
 * closes the loop.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <uv.h>

struct tw_uv_loop;

/* A libuv loop, registered in osmo_select. NULL with *errmsg (under ctx). */
struct tw_uv_loop *tw_uv_loop_alloc(void *ctx, char **errmsg);
/* The loop to give lws (lws_context_creation_info.foreign_loops). */
uv_loop_t *tw_uv_loop_uv(struct tw_uv_loop *l);
/* Turn libuv soon (on the next osmo_select round): call after touching
 * lws outside its callbacks. Cheap; several kicks make one turn. */
void tw_uv_loop_kick(struct tw_uv_loop *l);
/* Turn libuv now (after lws_create_context, to start its timers). */
void tw_uv_loop_run(struct tw_uv_loop *l);
/* Run libuv until nothing is active or closing (bounded): at shutdown. */
void tw_uv_loop_settle(struct tw_uv_loop *l);
/* Leave osmo_select, let libuv close what is still closing, close the loop
 * and free it; *l becomes NULL. Call after lws_context_destroy(). */
void tw_uv_loop_destroy(struct tw_uv_loop **l);
