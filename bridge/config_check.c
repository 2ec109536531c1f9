/* What a config file cannot mean (see config_check.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/config_check.h"

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/talloc.h>

#include "bridge/config_file.h"

/* The lines one object's settings came from. */
struct origin {
	struct llist_head entry;	/* in g_origins */
	const void *obj;
	unsigned line[_TB_CFG_NUM];
};

static LLIST_HEAD(g_origins);

static int origin_destructor(struct origin *o)
{
	llist_del(&o->entry);
	return 0;
}

static struct origin *origin_find(const void *obj)
{
	struct origin *o;

	llist_for_each_entry(o, &g_origins, entry)
		if (o->obj == obj)
			return o;
	return NULL;
}

unsigned tb_config_note(const void *obj, enum tb_config_setting s)
{
	unsigned line = tb_config_file_line();
	struct origin *o;

	if (!line)
		return 0;
	o = origin_find(obj);
	if (!o) {
		/* talloc_zero wants a non-const parent; the note only hangs there. */
		o = talloc_zero((void *)obj, struct origin);
		if (!o)
			return 0;
		o->obj = obj;
		llist_add_tail(&o->entry, &g_origins);
		talloc_set_destructor(o, origin_destructor);
	}
	if (o->line[s])
		return o->line[s];
	o->line[s] = line;
	return 0;
}

unsigned tb_config_line_of(const void *obj, enum tb_config_setting s)
{
	const struct origin *o = origin_find(obj);

	return o ? o->line[s] : 0;
}
