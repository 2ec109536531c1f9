/* RosterList and StatsList (bridge/commands_roster.c, commands_stats.c):
 * what they list, and that the largest roster and a flood of counter
 * groups stay within the command socket's reply bound.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <osmocom/core/application.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "bridge/bridge.h"
#include "bridge/callout_config.h"
#include "bridge/commands.h"
#include "bridge/radio.h"
#include "bridge/roster.h"
#include "common/counters.h"
#include "common/logging.h"

#define CODE(x) TETRABRIDGE__V1__REPLY__CODE__##x

static void *g_root;

static struct tetra_identity ssi(uint32_t s)
{
	return (struct tetra_identity){ .type = TETRA_ID_SSI, .ssi = s };
}

static struct tetra_identity tsi(uint32_t s)
{
	return (struct tetra_identity){ .type = TETRA_ID_TSI, .mcc = 242, .mnc = 16, .ssi = s };
}

/* The reply packed: it must stay within the socket's bound. */
static size_t packed(const Tetrabridge__V1__Reply *r)
{
	return tetrabridge__v1__reply__get_packed_size(r);
}

static void test_roster_lists_the_config(void **state)
{
	void *ctx = talloc_named_const(g_root, 0, "t");
	struct tb_bridge *b = tb_bridge_alloc(ctx);
	Tetrabridge__V1__Reply reply = TETRABRIDGE__V1__REPLY__INIT;
	struct tetra_identity g = ssi(9001), m1 = ssi(1002), m2 = tsi(2002), id;
	Tetrabridge__V1__Roster *ro;
	struct tb_plan *plan;

	assert_non_null(b);
	assert_non_null(tb_radio_alloc(b, "lvs-1"));
	assert_non_null(tb_radio_alloc(b, "nurse-2"));
	id = tsi(1001);
	assert_int_equal(tb_roster_set_party(b->roster, &id, false, "Legevaktsentralen", 1), 0);
	id = ssi(1002);
	assert_int_equal(tb_roster_set_party(b->roster, &id, false, "Lege i vakt", 2), 0);
	assert_int_equal(tb_roster_set_party(b->roster, &g, true, "LV-distrikt", 3), 0);
	assert_int_equal(tb_roster_add_member(b->roster, &g, &m1), 0);
	assert_int_equal(tb_roster_add_member(b->roster, &g, &m2), 0);
	assert_int_equal(tb_roster_set_status(b->roster, 0x8002, "på vei", TETRABRIDGE__V1__ANSWER_MEANING__MEANING_EN_ROUTE,
					      4), 0);
	assert_int_equal(tb_roster_set_status(b->roster, 0x8000, "kommer", TETRABRIDGE__V1__ANSWER_MEANING__MEANING_ACCEPT,
					      5), 0);
	b->callout_cfg->severity[1] = (struct tb_severity){ .configured = true, .name = "red" };
	b->callout_cfg->severity[3] = (struct tb_severity){ .configured = true, .name = "green" };
	plan = tb_callout_plan_add(b->callout_cfg, "bakvakt");
	assert_non_null(plan);
	assert_non_null(tb_callout_plan_add(b->callout_cfg, "natt"));

	tb_roster_command(b, &reply, ctx);
	assert_int_equal(reply.code, CODE(OK));
	assert_string_equal(reply.error, "");
	assert_int_equal(reply.result_case, TETRABRIDGE__V1__REPLY__RESULT_ROSTER);
	ro = reply.roster;

	assert_int_equal(ro->n_identities, 3);
	assert_string_equal(ro->identities[0]->identity->name, "Legevaktsentralen");
	assert_int_equal(ro->identities[0]->identity->type, TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_TSI);
	assert_int_equal(ro->identities[0]->identity->mcc, 242);
	assert_int_equal(ro->identities[0]->identity->mnc, 16);
	assert_int_equal(ro->identities[0]->identity->ssi, 1001);
	assert_false(ro->identities[0]->group);
	assert_int_equal(ro->identities[0]->n_members, 0);
	assert_string_equal(ro->identities[1]->identity->name, "Lege i vakt");
	assert_int_equal(ro->identities[1]->identity->type, TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_SSI);
	assert_true(ro->identities[2]->group);
	assert_string_equal(ro->identities[2]->identity->name, "LV-distrikt");
	assert_int_equal(ro->identities[2]->n_members, 2);
	assert_int_equal(ro->identities[2]->members[0]->ssi, 1002);
	assert_int_equal(ro->identities[2]->members[0]->type, TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_SSI);
	assert_int_equal(ro->identities[2]->members[1]->ssi, 2002);
	assert_int_equal(ro->identities[2]->members[1]->type, TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_TSI);

	assert_int_equal(ro->n_statuses, 2);	/* in order of value */
	assert_int_equal(ro->statuses[0]->value, 0x8000);
	assert_string_equal(ro->statuses[0]->name, "kommer");
	assert_int_equal(ro->statuses[0]->meaning, TETRABRIDGE__V1__ANSWER_MEANING__MEANING_ACCEPT);
	assert_int_equal(ro->statuses[1]->value, 0x8002);
	assert_string_equal(ro->statuses[1]->name, "på vei");

	assert_int_equal(ro->n_severities, TB_SEVERITY_MAX);
	for (unsigned i = 0; i < TB_SEVERITY_MAX; i++)
		assert_int_equal(ro->severities[i]->severity, i + 1);
	assert_string_equal(ro->severities[0]->name, "red");
	assert_string_equal(ro->severities[1]->name, "");
	assert_string_equal(ro->severities[2]->name, "green");

	assert_int_equal(ro->n_plans, 2);
	assert_string_equal(ro->plans[0], "bakvakt");
	assert_string_equal(ro->plans[1], "natt");
	assert_int_equal(ro->n_radios, 2);
	assert_string_equal(ro->radios[0], "lvs-1");
	assert_string_equal(ro->radios[1], "nurse-2");
	talloc_free(ctx);
}

/* TB_ROSTER_MAX_ENTRIES identities with short names: all of them fit. */
static void test_roster_largest_with_short_names_fits(void **state)
{
	void *ctx = talloc_named_const(g_root, 0, "t");
	struct tb_bridge *b = tb_bridge_alloc(ctx);
	Tetrabridge__V1__Reply reply = TETRABRIDGE__V1__REPLY__INIT;
	char name[32];

	assert_non_null(b);
	for (unsigned i = 0; i < TB_ROSTER_MAX_ENTRIES; i++) {
		struct tetra_identity id = ssi(1000000 + i);

		snprintf(name, sizeof(name), "Enhet %u", i);
		assert_int_equal(tb_roster_set_party(b->roster, &id, false, name, i + 1), 0);
	}
	tb_roster_command(b, &reply, ctx);
	assert_int_equal(reply.code, CODE(OK));
	assert_string_equal(reply.error, "");
	assert_int_equal(reply.roster->n_identities, TB_ROSTER_MAX_ENTRIES);
	assert_true(packed(&reply) <= TB_COMMAND_MAX_REPLY);
	talloc_free(ctx);
}

/* The largest roster with long names and full groups: cut to the bound,
 * the first in config order, and a sentence says how many. */
static void test_roster_too_large_is_cut(void **state)
{
	void *ctx = talloc_named_const(g_root, 0, "t");
	struct tb_bridge *b = tb_bridge_alloc(ctx);
	Tetrabridge__V1__Reply reply = TETRABRIDGE__V1__REPLY__INIT;
	char name[TB_ROSTER_NAME_MAX + 1], *expect;
	unsigned groups = 100, n;

	assert_non_null(b);
	memset(name, 'x', TB_ROSTER_NAME_MAX);
	name[TB_ROSTER_NAME_MAX] = '\0';
	for (unsigned i = 0; i < TB_ROSTER_MAX_ENTRIES; i++) {
		struct tetra_identity id = tsi(1000000 + i);

		snprintf(name, sizeof(name), "%05u", i);
		name[5] = 'x';	/* 64 bytes, the number first */
		assert_int_equal(tb_roster_set_party(b->roster, &id, i < groups, name, i + 1), 0);
		for (unsigned m = 0; i < groups && m < TB_ROSTER_MAX_MEMBERS; m++) {
			struct tetra_identity mem = tsi(5000000 + m);
			assert_int_equal(tb_roster_add_member(b->roster, &id, &mem), 0);
		}
	}
	for (unsigned v = 0; v < TB_ROSTER_MAX_STATUSES; v++)
		assert_int_equal(tb_roster_set_status(b->roster, v, name, TETRABRIDGE__V1__ANSWER_MEANING__MEANING_NONE,
						      v + 1), 0);

	tb_roster_command(b, &reply, ctx);
	assert_int_equal(reply.code, CODE(OK));
	assert_int_equal(reply.result_case, TETRABRIDGE__V1__REPLY__RESULT_ROSTER);
	n = (unsigned)reply.roster->n_identities;
	assert_true(n > 0 && n < TB_ROSTER_MAX_ENTRIES);
	assert_int_equal(reply.roster->n_statuses, TB_ROSTER_MAX_STATUSES);
	assert_int_equal(reply.roster->identities[0]->n_members, TB_ROSTER_MAX_MEMBERS);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(reply.roster->identities[i]->identity->ssi, 1000000 + i);
	expect = talloc_asprintf(ctx, "the roster is too large for one reply: %u of its %u identities are listed "
				 "(the first in config order)", n, TB_ROSTER_MAX_ENTRIES);
	assert_string_equal(reply.error, expect);
	/* within the bound, and short of it by less than the next entry (a
	 * group of 256 TSIs, about 4 KiB) */
	assert_true(packed(&reply) <= TB_COMMAND_MAX_REPLY);
	assert_true(packed(&reply) > TB_REPLY_LIST_MAX - 8192);
	talloc_free(ctx);
}

static const struct rate_ctr_desc t_ctr_desc[] = {
	{ "beeps", "Beeps heard" },
	{ "boops", "Boops heard" },
};
static const struct rate_ctr_group_desc t_ctrg_desc = {
	.group_name_prefix = "testlists",
	.group_description = "test_commands_lists",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(t_ctr_desc),
	.ctr_desc = t_ctr_desc,
};
static const struct osmo_stat_item_desc t_stat_desc[] = {
	{ "waiting", "Beeps waiting", "", 0, 0 },
};
static const struct osmo_stat_item_group_desc t_statg_desc = {
	.group_name_prefix = "testlists",
	.group_description = "test_commands_lists",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_items = ARRAY_SIZE(t_stat_desc),
	.item_desc = t_stat_desc,
};

static const Tetrabridge__V1__StatsValue *find_value(const Tetrabridge__V1__StatsReport *s, const char *group,
						     unsigned idx, const char *name)
{
	for (size_t i = 0; i < s->n_values; i++) {
		const Tetrabridge__V1__StatsValue *v = s->values[i];
		if (!strcmp(v->group, group) && v->index == idx && !strcmp(v->name, name))
			return v;
	}
	return NULL;
}

static void test_stats_lists_every_group(void **state)
{
	void *ctx = talloc_named_const(g_root, 0, "t");
	struct rate_ctr_group *c0 = tb_ctr_group_alloc(ctx, &t_ctrg_desc, NULL);
	struct rate_ctr_group *c1 = tb_ctr_group_alloc(ctx, &t_ctrg_desc, "lvs-1");
	struct osmo_stat_item_group *s0 = tb_stat_group_alloc(ctx, &t_statg_desc, "lvs-1");
	Tetrabridge__V1__Reply reply = TETRABRIDGE__V1__REPLY__INIT;
	const Tetrabridge__V1__StatsValue *v;

	assert_non_null(c0);
	assert_non_null(c1);
	assert_non_null(s0);
	rate_ctr_add(rate_ctr_group_get_ctr(c0, 1), 5);
	rate_ctr_inc2(c1, 0);
	tb_stat_set(s0, 0, 17);

	tb_stats_command(&reply, ctx);
	assert_int_equal(reply.code, CODE(OK));
	assert_string_equal(reply.error, "");
	assert_int_equal(reply.result_case, TETRABRIDGE__V1__REPLY__RESULT_STATS);
	v = find_value(reply.stats, "testlists", c0->idx, "boops");
	assert_non_null(v);
	assert_int_equal(v->value, 5);
	assert_string_equal(v->description, "Boops heard");
	assert_string_equal(v->group_name, "");
	assert_false(v->gauge);
	v = find_value(reply.stats, "testlists", c1->idx, "beeps");
	assert_non_null(v);
	assert_int_equal(v->value, 1);
	assert_string_equal(v->group_name, "lvs-1");
	v = find_value(reply.stats, "testlists", s0->idx, "waiting");
	assert_non_null(v);
	assert_int_equal(v->value, 17);
	assert_true(v->gauge);
	assert_string_equal(v->group_name, "lvs-1");
	talloc_free(ctx);

	/* a freed group is gone from the list */
	reply = (Tetrabridge__V1__Reply)TETRABRIDGE__V1__REPLY__INIT;
	ctx = talloc_named_const(g_root, 0, "t");
	tb_stats_command(&reply, ctx);
	for (size_t i = 0; i < reply.stats->n_values; i++)
		assert_string_not_equal(reply.stats->values[i]->group, "testlists");
	talloc_free(ctx);
}

/* More counters than a reply holds: cut, with a sentence, within the bound. */
#define MANY_CTRS 64
static void test_stats_too_many_is_cut(void **state)
{
	void *ctx = talloc_named_const(g_root, 0, "t");
	Tetrabridge__V1__Reply reply = TETRABRIDGE__V1__REPLY__INIT;
	struct rate_ctr_desc descs[MANY_CTRS];
	struct rate_ctr_group_desc gdesc = t_ctrg_desc;
	char names[MANY_CTRS][8], text[201], name[16];

	memset(text, 'd', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	for (unsigned i = 0; i < MANY_CTRS; i++) {
		snprintf(names[i], sizeof(names[i]), "c%02u", i);
		descs[i] = (struct rate_ctr_desc){ names[i], text };
	}
	gdesc.group_name_prefix = "testmany";
	gdesc.num_ctr = MANY_CTRS;
	gdesc.ctr_desc = descs;
	/* 40 groups of 64 counters of about 230 bytes: 580 KiB */
	for (unsigned i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "r%u", i);
		assert_non_null(tb_ctr_group_alloc(ctx, &gdesc, name));
	}
	tb_stats_command(&reply, ctx);
	assert_int_equal(reply.code, CODE(OK));
	assert_non_null(strstr(reply.error, "too many counters for one reply: "));
	assert_true(reply.stats->n_values > 1000);
	assert_true(packed(&reply) <= TB_COMMAND_MAX_REPLY);
	assert_true(packed(&reply) > TB_REPLY_LIST_MAX - 1024);
	talloc_free(ctx);
}

static int group_setup(void **state)
{
	g_root = talloc_named_const(NULL, 0, "test_commands_lists");
	tb_logging_init(g_root);
	log_set_log_level(osmo_stderr_target, LOGL_FATAL);
	return 0;
}

static int group_teardown(void **state)
{
	talloc_free(g_root);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roster_lists_the_config),
		cmocka_unit_test(test_roster_largest_with_short_names_fits),
		cmocka_unit_test(test_roster_too_large_is_cut),
		cmocka_unit_test(test_stats_lists_every_group),
		cmocka_unit_test(test_stats_too_many_is_cut),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
