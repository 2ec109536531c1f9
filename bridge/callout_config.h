/* Call-out configuration: severities, escalation plans and defaults (the
 * VTY's `callout` node, bridge/vty_callout.c), and the call-out timers
 * (group "callout": `timer callout X20 120` in the bridge node).
 *
 *   callout
 *    alert-method (text|callout)        default text
 *    required <1-64>                    default 1
 *    realerts <0-10>                    default 2 (each after X23)
 *    severity <1-15> name NAME [deadline <10-86400>] [on-scene <0-86400>] [plan NAME]
 *    plan NAME level <1-8> deadline <10-86400> responder ID [responder ID ...]
                                       (more lines for one level, with the same
                                        deadline, add responders: a config line
                                        holds at most 510 bytes)
 *    retention days <1-36500>           call-out texts, notes and positions (default 90)
 *    board-keep <0-86400>               closed call-outs stay on the board (s, default 600)
 *
 * A severity without a deadline uses X20, without an on-scene target X21.
 * Level 0 of every call-out is the responders it was created with; a plan
 * adds levels 1.. with their own responders and deadlines. After the last
 * level's deadline the escalation alarm goes on.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/tdef.h>

#include "codecs/tetra_prim.h"
#include "ipc/tetra_bridge.pb-c.h"

/* Timers of the call-out tracker: the VTY group "callout". */
enum {
	TB_T_ANSWER_DEADLINE = -20,	/* s: a level's answer deadline when its severity names none (120) */
	TB_T_ON_SCENE_TARGET = -21,	/* s: on scene after creation, else overdue (0: no target) (1200) */
	TB_T_AIR_NUMBER_GRACE = -22,	/* s: a call-out number stays unused after its call-out ends (3600) */
	TB_T_REALERT = -23,		/* s: a responder without an answer is alerted again after this (40) */
};
extern struct osmo_tdef tb_callout_tdefs[];

#define TB_SEVERITY_MAX 15
#define TB_PLAN_MAX_LEVELS 8
#define TB_PLAN_MAX_RESPONDERS 64	/* per level */
#define TB_PLANS_MAX 100
#define TB_CALLOUT_NAME_MAX 32		/* bytes of a severity's or a plan's name */

struct tb_severity {
	bool configured;
	char *name;			/* e.g. "red"; NULL: unnamed ("severity 5") */
	uint32_t deadline_s;		/* 0: X20 */
	uint32_t on_scene_s;		/* 0 with on_scene_set: no target; else X21 when unset */
	bool on_scene_set;
	char *plan;			/* default plan name, NULL: none */
	unsigned line;			/* config line it came from (0: typed) */
};

struct tb_plan_level {
	bool configured;
	unsigned line;			/* config line of its first line (0: typed) */
	uint32_t deadline_s;
	unsigned n_responders;
	struct tetra_identity responders[TB_PLAN_MAX_RESPONDERS];
};

struct tb_plan {
	struct llist_head entry;	/* in tb_callout_config.plans */
	char *name;
	unsigned n_levels;		/* the highest level given; levels 1..n_levels */
	struct tb_plan_level levels[TB_PLAN_MAX_LEVELS];	/* [0] is level 1 */
};

struct tb_callout_config {
	Tetrabridge__V1__AlertMethod method;	/* ALERT_TEXT or ALERT_CALLOUT */
	uint32_t required;			/* default 1 */
	uint32_t realerts;			/* default 2 */
	uint32_t retention_days;		/* default 90 */
	uint32_t board_keep_s;			/* default 600 */
	struct tb_severity severity[TB_SEVERITY_MAX + 1];	/* [1..15] */
	struct llist_head plans;		/* struct tb_plan */
};

/* Defaults. Ownership: a talloc child of ctx, freed with it. */
struct tb_callout_config *tb_callout_config_alloc(void *ctx);

/* A plan by name, NULL when not configured. */
const struct tb_plan *tb_callout_plan(const struct tb_callout_config *c, const char *name);
/* A new plan without levels (a talloc child of c, last in c->plans): NULL
 * when TB_PLANS_MAX plans exist, name is not an identifier of at most
 * TB_CALLOUT_NAME_MAX bytes, or out of memory. */
struct tb_plan *tb_callout_plan_add(struct tb_callout_config *c, const char *name);
/* Remove a plan: 0, or -ENOENT. */
int tb_callout_plan_remove(struct tb_callout_config *c, const char *name);

/* The severity configured with this name (1..15); -1 when none. */
int tb_severity_by_name(const struct tb_callout_config *c, const char *name);
/* "text" / "callout"; by that name (-1 when unknown). */
const char *tb_alert_method_name(Tetrabridge__V1__AlertMethod m);
int tb_alert_method_by_name(const char *name);

/* The severity's name ("red"), or "severity <n>" when unnamed (a static
 * buffer per call: use it before the next call). */
const char *tb_severity_name(const struct tb_callout_config *c, unsigned severity);
/* The answer deadline (s) of a severity (its own, else X20), of a plan
 * level (its own), and the on-scene target (0: none). */
uint32_t tb_severity_deadline_s(const struct tb_callout_config *c, unsigned severity);
uint32_t tb_severity_on_scene_s(const struct tb_callout_config *c, unsigned severity);
