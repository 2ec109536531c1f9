/* Call-out configuration: defaults, plans, severities (see callout_config.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/callout_config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

struct osmo_tdef tb_callout_tdefs[] = {
	{ .T = TB_T_ANSWER_DEADLINE, .default_val = 120, .unit = OSMO_TDEF_S, .min_val = 10, .max_val = 86400,
	  .desc = "Answer deadline of a call-out whose severity names none (an analogy to the legevaktsentral's "
		  "answered within 2 minutes, not a legal rule)" },
	{ .T = TB_T_ON_SCENE_TARGET, .default_val = 1200, .unit = OSMO_TDEF_S, .max_val = 86400,
	  .desc = "A staffed call-out with nobody on scene this long after its creation is overdue (0: no target)" },
	{ .T = TB_T_AIR_NUMBER_GRACE, .default_val = 3600, .unit = OSMO_TDEF_S, .max_val = 7 * 86400,
	  .desc = "A call-out number on the air stays unused this long after its call-out ends (late answers "
		  "quote it)" },
	{ .T = TB_T_REALERT, .default_val = 40, .unit = OSMO_TDEF_S, .min_val = 5, .max_val = 3600,
	  .desc = "A responder who has not answered is alerted again after this" },
	{}
};

static __attribute__((constructor)) void callout_tdefs_reset(void)
{
	osmo_tdefs_reset(tb_callout_tdefs);
}

struct tb_callout_config *tb_callout_config_alloc(void *ctx)
{
	struct tb_callout_config *c = talloc_zero(ctx, struct tb_callout_config);

	if (!c)
		return NULL;
	c->method = TETRABRIDGE__V1__ALERT_METHOD__ALERT_TEXT;
	c->required = 1;
	c->realerts = 2;
	c->retention_days = 90;
	c->board_keep_s = 600;
	INIT_LLIST_HEAD(&c->plans);
	return c;
}

const struct tb_plan *tb_callout_plan(const struct tb_callout_config *c, const char *name)
{
	const struct tb_plan *p;

	if (!name)
		return NULL;
	llist_for_each_entry(p, &c->plans, entry)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

static int plan_destructor(struct tb_plan *p)
{
	llist_del(&p->entry);
	return 0;
}

struct tb_plan *tb_callout_plan_add(struct tb_callout_config *c, const char *name)
{
	struct tb_plan *p;

	if (!name || strlen(name) > TB_CALLOUT_NAME_MAX || !osmo_identifier_valid(name) ||
	    llist_count(&c->plans) >= TB_PLANS_MAX)
		return NULL;
	p = talloc_zero(c, struct tb_plan);
	if (!p)
		return NULL;
	p->name = talloc_strdup(p, name);
	if (!p->name) {
		talloc_free(p);
		return NULL;
	}
	llist_add_tail(&p->entry, &c->plans);
	talloc_set_destructor(p, plan_destructor);
	return p;
}

int tb_callout_plan_remove(struct tb_callout_config *c, const char *name)
{
	struct tb_plan *p = (struct tb_plan *)tb_callout_plan(c, name);

	if (!p)
		return -ENOENT;
	talloc_free(p);
	return 0;
}

int tb_severity_by_name(const struct tb_callout_config *c, const char *name)
{
	for (unsigned s = 1; name && s <= TB_SEVERITY_MAX; s++)
		if (c->severity[s].configured && c->severity[s].name && !strcmp(c->severity[s].name, name))
			return (int)s;
	return -1;
}

static const struct value_string method_names[] = {
	{ TETRABRIDGE__V1__ALERT_METHOD__ALERT_TEXT, "text" },
	{ TETRABRIDGE__V1__ALERT_METHOD__ALERT_CALLOUT, "callout" },
	{ 0, NULL }
};

const char *tb_alert_method_name(Tetrabridge__V1__AlertMethod m)
{
	const char *s = get_value_string_or_null(method_names, m);

	return s ? s : "default";
}

int tb_alert_method_by_name(const char *name)
{
	int m = name ? get_string_value(method_names, name) : -1;

	return m < 0 ? -1 : m;
}

const char *tb_severity_name(const struct tb_callout_config *c, unsigned severity)
{
	static char buf[16];

	if (severity >= 1 && severity <= TB_SEVERITY_MAX && c->severity[severity].configured &&
	    c->severity[severity].name)
		return c->severity[severity].name;
	snprintf(buf, sizeof(buf), "severity %u", severity);
	return buf;
}

uint32_t tb_severity_deadline_s(const struct tb_callout_config *c, unsigned severity)
{
	if (severity >= 1 && severity <= TB_SEVERITY_MAX && c->severity[severity].configured &&
	    c->severity[severity].deadline_s)
		return c->severity[severity].deadline_s;
	return (uint32_t)osmo_tdef_get(tb_callout_tdefs, TB_T_ANSWER_DEADLINE, OSMO_TDEF_S, -1);
}

uint32_t tb_severity_on_scene_s(const struct tb_callout_config *c, unsigned severity)
{
	if (severity >= 1 && severity <= TB_SEVERITY_MAX && c->severity[severity].configured &&
	    c->severity[severity].on_scene_set)
		return c->severity[severity].on_scene_s;
	return (uint32_t)osmo_tdef_get(tb_callout_tdefs, TB_T_ON_SCENE_TARGET, OSMO_TDEF_S, -1);
}
