/* Counters the Osmocom way: each module that counts owns a libosmocore
 * rate counter group (struct rate_ctr_group: things that happened) and,
 * where it has levels, a stat item group (struct osmo_stat_item_group: how
 * many are waiting now). `show stats` on the VTY and the stats reporter
 * (statsd) find every group by themselves; the module's own show commands
 * read the same counters. The README lists every name.
 *
 * A group is named "<group prefix>.<name>" in statsd (e.g.
 * "tetra.pei.lvs-1.lines" with the reporter's prefix "tetra"); a group
 * without a name (one per daemon) is "<group prefix>.0".
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdint.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stat_item.h>

/* Allocate a group under ctx with the lowest index its class has free
 * (libosmocore complains about a taken one) and the name given (NULL: none;
 * it must be an Osmocom identifier: letters, digits, - _ :).
 * Ownership: a talloc child of ctx. Freeing it (or ctx) also takes it off
 * libosmocore's list of groups, so the reporter never reads freed memory;
 * free it with talloc_free(), never rate_ctr_group_free() /
 * osmo_stat_item_group_free() (those would take it off twice). */
struct rate_ctr_group *tb_ctr_group_alloc(void *ctx, const struct rate_ctr_group_desc *desc, const char *name);
struct osmo_stat_item_group *tb_stat_group_alloc(void *ctx, const struct osmo_stat_item_group_desc *desc,
						 const char *name);

/* A counter's value (the total since the group was allocated). */
static inline uint64_t tb_ctr_get(const struct rate_ctr_group *g, unsigned idx)
{
	return g->ctr[idx].current;
}

/* A stat item's current value. */
static inline int32_t tb_stat_get(const struct osmo_stat_item_group *g, unsigned idx)
{
	return osmo_stat_item_get_last(g->items[idx]);
}

/* Set a stat item; values above INT32_MAX are reported as INT32_MAX. */
static inline void tb_stat_set(struct osmo_stat_item_group *g, unsigned idx, uint64_t v)
{
	osmo_stat_item_set(g->items[idx], v > INT32_MAX ? INT32_MAX : (int32_t)v);
}
