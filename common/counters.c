/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "common/counters.h"

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/talloc.h>

/* libosmocore 1.7 leaves a group on its global list when the group's
 * talloc parent is freed: the next report would read freed memory. */
static int ctr_group_destructor(struct rate_ctr_group *g)
{
	llist_del(&g->list);
	return 0;
}

static int stat_group_destructor(struct osmo_stat_item_group *g)
{
	llist_del(&g->list);
	return 0;
}

struct rate_ctr_group *tb_ctr_group_alloc(void *ctx, const struct rate_ctr_group_desc *desc, const char *name)
{
	struct rate_ctr_group *g;
	unsigned idx = 0;

	while (rate_ctr_get_group_by_name_idx(desc->group_name_prefix, idx))
		idx++;
	g = rate_ctr_group_alloc(ctx, desc, idx);
	if (!g)
		return NULL;
	talloc_set_destructor(g, ctr_group_destructor);
	if (name)
		rate_ctr_group_set_name(g, name);
	return g;
}

struct osmo_stat_item_group *tb_stat_group_alloc(void *ctx, const struct osmo_stat_item_group_desc *desc,
						 const char *name)
{
	struct osmo_stat_item_group *g;
	unsigned idx = 0;

	while (osmo_stat_item_get_group_by_name_idx(desc->group_name_prefix, idx))
		idx++;
	g = osmo_stat_item_group_alloc(ctx, desc, idx);
	if (!g)
		return NULL;
	talloc_set_destructor(g, stat_group_destructor);
	if (name)
		osmo_stat_item_group_set_name(g, name);
	return g;
}
