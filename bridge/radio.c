/* Configured radios: build the transport, run the link, turn its
 * primitives into events.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/radio.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "bridge/bridge.h"
#include "bridge/event_build.h"
#include "common/logging.h"
#include "ipc/event_kind.h"
#include "radio-drivers/radio_link.h"
#include "radio-drivers/sim_terminal.h"

const char *tb_radio_transport_name(enum tb_radio_transport t)
{
	switch (t) {
	case TB_RADIO_SIM:
		return "sim";
	case TB_RADIO_TTY:
		return "tty";
	}
	return "?";
}

struct tb_radio *tb_radio_find(struct tb_bridge *b, const char *name)
{
	struct tb_radio *r;

	llist_for_each_entry(r, &b->radios, entry)
		if (strcmp(r->name, name) == 0)
			return r;
	return NULL;
}

struct tb_radio *tb_radio_alloc(struct tb_bridge *b, const char *name)
{
	struct tb_radio *r = talloc_zero(b, struct tb_radio);

	if (!r)
		return NULL;
	r->bridge = b;
	r->name = talloc_strdup(r, name);
	r->transport = TB_RADIO_SIM;
	r->baud = 115200;
	r->profile = tb_profile_default();
	llist_add_tail(&r->entry, &b->radios);
	return r;
}

static void radio_prim_cb(struct tb_radio_link *rl, const struct tetra_prim *prim, void *data)
{
	struct tb_radio *r = data;
	struct tb_event_buf buf;
	const char *reason = NULL;
	uint64_t seq;

	if (prim->oph.sap == TETRA_SAP_LINK && prim->oph.primitive == TETRA_LINK_DOWN)
		reason = tb_radio_link_last_error(rl);
	tb_event_buf_init(&buf);
	if (tb_event_from_prim(&buf, prim, tb_radio_transport_name(r->transport), reason) < 0)
		return;	/* not an event of its own (e.g. the terminal's identity) */
	buf.ev.radio = r->name;
	seq = tb_bridge_publish(r->bridge, &buf.ev);
	r->events++;
	/* The kind and seq only: the contents may be health data. */
	LOGP(prim->oph.sap == TETRA_SAP_TNCC ? DCC : prim->oph.sap == TETRA_SAP_LINK ? DRADIO : DSDS,
	     LOGL_INFO, "%s: %s event seq=%" PRIu64 "\n", r->name, tb_event_kind(&buf.ev), seq);
}

int tb_radio_start(struct tb_radio *r, char **errmsg)
{
	static const struct tb_radio_link_callbacks cbs = { .prim = radio_prim_cb };
	struct tb_transport *t = NULL;

	switch (r->transport) {
	case TB_RADIO_SIM:
		t = tb_transport_sim_alloc(r, r->sim_identity ? r->sim_identity : "09011638300000001",
					   r->scenario);
		break;
	case TB_RADIO_TTY:
		t = tb_transport_tty_alloc(r, r->tty_path, r->baud);
		break;
	}
	if (!t) {
		*errmsg = talloc_asprintf(r, "radio %s: cannot set up its %s transport", r->name,
					  tb_radio_transport_name(r->transport));
		return -EINVAL;
	}
	r->link = tb_radio_link_alloc(r, r->name, t, r->profile, &cbs, r);
	if (!r->link) {
		*errmsg = talloc_asprintf(r, "radio %s: out of memory", r->name);
		return -ENOMEM;
	}
	tb_radio_link_start(r->link);
	return 0;
}

void tb_radio_stop(struct tb_radio *r)
{
	if (!r->link)
		return;
	tb_radio_link_stop(r->link);
	TALLOC_FREE(r->link);
}
