/* StatsList: every rate counter and stat item group of the process (the
 * ones `show stats` prints), as numbers with their names (see commands.h
 * for the bound).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/commands.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stat_item.h>
#include <osmocom/core/talloc.h>

struct stats_ctx {
	Tetrabridge__V1__StatsReport *report;
	void *tmp;
	unsigned alloc;		/* slots in report->values */
	size_t left;		/* bytes of the reply's room */
	unsigned skipped;	/* values that did not fit */
	bool oom;
};

/* Add one value; counts it as skipped when it does not fit. Returns 0, or
 * -ENOMEM (which stops the walk). */
static int add(struct stats_ctx *sc, const char *group, unsigned idx, const char *group_name, const char *name,
	       const char *description, int64_t value, bool gauge)
{
	Tetrabridge__V1__StatsReport *r = sc->report;
	Tetrabridge__V1__StatsValue *v;
	size_t cost;

	if (sc->skipped) {
		sc->skipped++;	/* once full, full: a consistent prefix */
		return 0;
	}
	v = talloc_zero(sc->tmp, Tetrabridge__V1__StatsValue);
	if (!v)
		goto oom;
	tetrabridge__v1__stats_value__init(v);
	/* libosmocore's strings: valid while the reply is packed */
	v->group = (char *)(group ? group : "");
	v->index = idx;
	v->group_name = (char *)(group_name ? group_name : "");
	v->name = (char *)(name ? name : "");
	v->description = (char *)(description ? description : "");
	v->value = value;
	v->gauge = gauge;
	cost = tb_reply_field_cost(tetrabridge__v1__stats_value__get_packed_size(v));
	if (cost > sc->left) {
		talloc_free(v);
		sc->skipped++;
		return 0;
	}
	if (r->n_values == sc->alloc) {
		unsigned n = sc->alloc ? sc->alloc * 2 : 64;
		Tetrabridge__V1__StatsValue **nv = talloc_realloc(sc->tmp, r->values, Tetrabridge__V1__StatsValue *, n);

		if (!nv)
			goto oom;
		r->values = nv;
		sc->alloc = n;
	}
	sc->left -= cost;
	r->values[r->n_values++] = v;
	return 0;

oom:
	sc->oom = true;
	return -ENOMEM;
}

static int counter_cb(struct rate_ctr_group *g, struct rate_ctr *ctr, const struct rate_ctr_desc *desc, void *data)
{
	return add(data, g->desc->group_name_prefix, g->idx, g->name, desc->name, desc->description,
		   ctr->current > INT64_MAX ? INT64_MAX : (int64_t)ctr->current, false);
}

static int ctr_group_cb(struct rate_ctr_group *g, void *data)
{
	return rate_ctr_for_each_counter(g, counter_cb, data);
}

static int item_cb(struct osmo_stat_item_group *g, struct osmo_stat_item *item, void *data)
{
	const struct osmo_stat_item_desc *desc = osmo_stat_item_get_desc(item);

	return add(data, g->desc->group_name_prefix, g->idx, g->name, desc->name, desc->description,
		   osmo_stat_item_get_last(item), true);
}

static int stat_group_cb(struct osmo_stat_item_group *g, void *data)
{
	return osmo_stat_item_for_each_item(g, item_cb, data);
}

void tb_stats_command(Tetrabridge__V1__Reply *reply, void *tmp)
{
	struct stats_ctx sc = { .tmp = tmp, .left = TB_REPLY_LIST_MAX };

	sc.report = talloc_zero(tmp, Tetrabridge__V1__StatsReport);
	if (!sc.report)
		goto oom;
	tetrabridge__v1__stats_report__init(sc.report);
	rate_ctr_for_each_group(ctr_group_cb, &sc);
	if (!sc.oom)
		osmo_stat_item_for_each_group(stat_group_cb, &sc);
	if (sc.oom)
		goto oom;
	if (sc.skipped)
		reply->error = talloc_asprintf(tmp, "too many counters for one reply: %zu are listed, %u left "
					       "out", sc.report->n_values, sc.skipped);
	reply->result_case = TETRABRIDGE__V1__REPLY__RESULT_STATS;
	reply->stats = sc.report;
	return;

oom:
	reply->code = TETRABRIDGE__V1__REPLY__CODE__INTERNAL;
	reply->error = "out of memory listing the counters; try again";
}
