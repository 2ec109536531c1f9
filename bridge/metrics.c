/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/metrics.h"

#include <osmocom/core/msgb.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stat_item.h>
#include <osmocom/core/stats.h>
#include <osmocom/vty/stats.h>

void tb_metrics_init(void *ctx)
{
	/* The statsd reporter's buffer is a msgb: under ctx it goes with the
	 * daemon's memory at exit, not left behind. */
	msgb_talloc_ctx_init(ctx, 0);
	rate_ctr_init(ctx);
	osmo_stat_item_init(ctx);
	osmo_stats_init(ctx);
	osmo_stats_vty_add_cmds();
}
