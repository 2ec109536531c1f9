/* sim transport: a simulated terminal inside the daemon. What the terminal
 * prints is queued and handed to t->rx from a zero-delay osmo_timer, never
 * from inside write(), so the AT engine is not re-entered while it writes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "radio-drivers/sim_terminal.h"
#include "radio-drivers/transport.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "common/logging.h"

#define SIM_RXQ_MAX 1024	/* queued output chunks before the oldest are dropped */

struct sim_transport {
	struct tb_transport t;	/* first: the public part */
	char *own_tsi;
	char *path;		/* scenario, or NULL */
	struct tb_sim_terminal *sim;	/* non-NULL while open */
	struct llist_head rxq;	/* struct msgb: terminal output not yet delivered */
	unsigned rxq_len;
	struct osmo_timer_list deliver;
	unsigned gen;		/* bumped on close: stops a delivery loop */
	char *desc;
};

static void rxq_clear(struct sim_transport *st)
{
	struct msgb *msg, *tmp;

	llist_for_each_entry_safe(msg, tmp, &st->rxq, list) {
		llist_del(&msg->list);
		msgb_free(msg);
	}
	st->rxq_len = 0;
}

static void deliver_cb(void *data)
{
	struct sim_transport *st = data;
	unsigned gen = st->gen;

	/* Each chunk as its own rx call: the host sees the terminal's bursts. */
	while (!llist_empty(&st->rxq)) {
		struct msgb *msg = llist_first_entry(&st->rxq, struct msgb, list);

		llist_del(&msg->list);
		st->rxq_len--;
		if (st->t.rx)
			st->t.rx(&st->t, msgb_data(msg), msgb_length(msg), st->t.cb_data);
		msgb_free(msg);
		if (gen != st->gen)
			return;	/* closed (and maybe reopened) from rx */
	}
}

static void sim_out_cb(const uint8_t *buf, size_t len, void *data)
{
	struct sim_transport *st = data;
	struct msgb *msg;

	if (!st->sim)
		return;
	if (st->rxq_len >= SIM_RXQ_MAX) {
		/* The host stopped reading (it cannot, with one loop, but be safe). */
		msg = llist_first_entry(&st->rxq, struct msgb, list);
		llist_del(&msg->list);
		msgb_free(msg);
		st->rxq_len--;
		LOGP(DSIM, LOGL_NOTICE, "%s: output queue full, oldest output dropped\n", st->desc);
	}
	msg = msgb_alloc(len, "sim-rx");
	if (!msg)
		return;
	memcpy(msgb_put(msg, len), buf, len);
	llist_add_tail(&msg->list, &st->rxq);
	st->rxq_len++;
	if (!osmo_timer_pending(&st->deliver))
		osmo_timer_schedule(&st->deliver, 0, 0);
}

static void sim_close(struct tb_transport *t)
{
	struct sim_transport *st = (struct sim_transport *)t;

	if (!st->sim)
		return;
	st->gen++;
	osmo_timer_del(&st->deliver);
	tb_sim_destroy(&st->sim);	/* stops its scenario and timers */
	rxq_clear(st);
}

static int sim_open(struct tb_transport *t)
{
	struct sim_transport *st = (struct sim_transport *)t;
	unsigned line = 0;
	int rc;

	sim_close(t);
	st->sim = tb_sim_alloc(st, st->own_tsi, sim_out_cb, st);
	if (!st->sim)
		return -ENOMEM;
	tb_sim_set_name(st->sim, st->desc);
	if (st->path) {
		rc = tb_sim_load_scenario(st->sim, st->path, &line);
		if (rc < 0) {
			if (rc == -EINVAL && line)
				LOGP(DSIM, LOGL_ERROR, "scenario %s line %u: %s\n", st->path, line,
				     tb_sim_load_error(st->sim));
			else
				LOGP(DSIM, LOGL_ERROR, "scenario %s: %s\n", st->path,
				     tb_sim_load_error(st->sim));
			tb_sim_destroy(&st->sim);
			return rc;
		}
		tb_sim_start(st->sim);
	}
	LOGP(DSIM, LOGL_DEBUG, "%s: open\n", st->desc);
	return 0;
}

static int sim_write(struct tb_transport *t, const uint8_t *buf, size_t len)
{
	struct sim_transport *st = (struct sim_transport *)t;

	if (!st->sim)
		return -ENOTCONN;
	/* Answers are queued by sim_out_cb and delivered later. */
	tb_sim_input(st->sim, buf, len);
	return 0;
}

static const char *sim_describe(const struct tb_transport *t)
{
	const struct sim_transport *st = (const struct sim_transport *)t;
	return st->desc;
}

static const struct tb_transport_ops sim_ops = {
	.kind = "sim",
	.open = sim_open,
	.close = sim_close,
	.write = sim_write,
	.describe = sim_describe,
};

static int sim_transport_destructor(struct sim_transport *st)
{
	sim_close(&st->t);
	return 0;
}

struct tb_transport *tb_transport_sim_alloc(void *ctx, const char *own_tsi, const char *scenario_path)
{
	struct sim_transport *st;

	if (!own_tsi || !*own_tsi)
		return NULL;
	st = talloc_zero(ctx, struct sim_transport);
	if (!st)
		return NULL;
	st->t.ops = &sim_ops;
	INIT_LLIST_HEAD(&st->rxq);
	osmo_timer_setup(&st->deliver, deliver_cb, st);
	st->own_tsi = talloc_strdup(st, own_tsi);
	if (scenario_path && *scenario_path)
		st->path = talloc_strdup(st, scenario_path);
	st->desc = talloc_asprintf(st, "sim:%s", st->path ? st->path : "(no scenario)");
	if (!st->own_tsi || !st->desc || (scenario_path && *scenario_path && !st->path)) {
		talloc_free(st);
		return NULL;
	}
	talloc_set_destructor(st, sim_transport_destructor);
	return &st->t;
}
