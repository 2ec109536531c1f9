/* Configured radios: build the transport, run the link, turn its
 * primitives into events.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/radio.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <osmocom/core/signal.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/timer_compat.h>
#include <osmocom/core/utils.h>

#include "bridge/bridge.h"
#include "bridge/outbox.h"
#include "codecs/concat.h"
#include "common/counters.h"
#include "common/log_context.h"
#include "common/logging.h"
#include "ipc/event_build.h"
#include "ipc/event_kind.h"
#include "radio-drivers/radio_link.h"
#include "radio-drivers/sim_terminal.h"
#include "radio-drivers/usb.h"
#include "codecs/pei_urc.h"

struct osmo_tdef tb_sds_tdefs[] = {
	{ .T = TB_T_CONCAT_TIMEOUT, .default_val = 60, .unit = OSMO_TDEF_S,
	  .desc = "Time the parts of a concatenated text or SDS have to arrive; then the parts that "
		  "came are published (text_incomplete; an SDS's parts as sds events)" },
	{}
};

static __attribute__((constructor)) void sds_tdefs_reset(void)
{
	osmo_tdefs_reset(tb_sds_tdefs);
}

const char *tb_radio_transport_name(enum tb_radio_transport t)
{
	switch (t) {
	case TB_RADIO_SIM:
		return "sim";
	case TB_RADIO_TTY:
		return "tty";
	case TB_RADIO_USB:
		return "usb";
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

static void concat_timer_cb(void *data);

static int radio_destructor(struct tb_radio *r)
{
	osmo_timer_del(&r->concat_timer);
	return 0;
}

/* ---- counting events ------------------------------------------------------ */

/* One counter per event kind a radio has: the topic kinds of
 * ipc/event_kind.h but "lost" (a lost range is the bridge's). The body of
 * each counter's events is in the same place of event_ctr_body. */
#define BODY(x) TETRABRIDGE__V1__EVENT__BODY_##x
static const struct rate_ctr_desc event_ctr_desc[] = {
	{ "radio", "Radio state changes (online, offline)" },
	{ "status", "Status messages" },
	{ "short_report", "SDS-TL short reports" },
	{ "sds", "SDS no decoder took (raw)" },
	{ "call_setup", "Calls set up" },
	{ "call_connect", "Calls connected" },
	{ "tx", "Transmission grants and ceases" },
	{ "call_release", "Calls released" },
	{ "text", "Text messages" },
	{ "text_incomplete", "Concatenated texts given up with parts missing" },
	{ "location", "Location reports" },
	{ "location_control", "Location protocol control messages" },
	{ "delivery_report", "SDS-TL delivery reports" },
	{ "send_result", "The terminal's results of sending an SDS" },
	{ "radio_info", "Terminal information (identity, registration)" },
	{ "link_error", "Errors the terminal reported" },
	{ "outgoing", "Changes of outgoing messages" },
	{ "callout_pdu", "Call-out PDUs heard" },
	{ "callout", "Changes of call-outs that go out through the radio" },
};
static const Tetrabridge__V1__Event__BodyCase event_ctr_body[] = {
	BODY(RADIO_STATE),
	BODY(STATUS),
	BODY(SHORT_REPORT),
	BODY(SDS_RAW),
	BODY(CALL_SETUP),
	BODY(CALL_CONNECT),
	BODY(TX),
	BODY(CALL_RELEASE),
	BODY(TEXT),
	BODY(TEXT_INCOMPLETE),
	BODY(LOCATION),
	BODY(LOCATION_CONTROL),
	BODY(DELIVERY_REPORT),
	BODY(SEND_RESULT),
	BODY(RADIO_INFO),
	BODY(LINK_ERROR),
	BODY(OUTGOING),
	BODY(CALLOUT_PDU),
	BODY(CALLOUT),
};
_Static_assert(ARRAY_SIZE(event_ctr_desc) == ARRAY_SIZE(event_ctr_body), "a body for every event counter");

static const struct rate_ctr_group_desc event_ctrg_desc = {
	.group_name_prefix = "events",
	.group_description = "Events published for a radio, by kind",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(event_ctr_desc),
	.ctr_desc = event_ctr_desc,
};

void tb_radio_count_event(struct tb_bridge *b, const Tetrabridge__V1__Event *ev)
{
	struct tb_radio *r;

	if (!ev->radio || !ev->radio[0] || !(r = tb_radio_find(b, ev->radio)))
		return;
	for (unsigned i = 0; i < ARRAY_SIZE(event_ctr_body); i++)
		if (event_ctr_body[i] == ev->body_case) {
			rate_ctr_inc2(r->event_ctrs, i);
			return;
		}
}

uint64_t tb_radio_events(const struct tb_radio *r)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(event_ctr_desc); i++)
		n += tb_ctr_get(r->event_ctrs, i);
	return n;
}

/* ---- configured radios ----------------------------------------------------- */

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
	r->usb_interface = -1;
	r->concat = talloc_size(r, tetra_concat_table_size(TB_RADIO_CONCAT_SLOTS));
	r->concat_msg = talloc_zero(r, struct tetra_concat_message);
	r->concat_sds = talloc_zero(r, struct tetra_concat_sds);
	r->event_ctrs = tb_ctr_group_alloc(r, &event_ctrg_desc, name);
	if (!r->name || !r->concat || !r->concat_msg || !r->concat_sds || !r->event_ctrs) {
		talloc_free(r);
		return NULL;
	}
	tetra_concat_table_init(r->concat, TB_RADIO_CONCAT_SLOTS);
	osmo_timer_setup(&r->concat_timer, concat_timer_cb, r);
	talloc_set_destructor(r, radio_destructor);
	llist_add_tail(&r->entry, &b->radios);
	return r;
}

/* ---- events ------------------------------------------------------------- */

uint64_t tb_radio_publish(struct tb_radio *r, Tetrabridge__V1__Event *ev, int subsys)
{
	uint64_t seq;
	TB_LOG_RADIO_SCOPE(r->name);

	ev->radio = r->name;
	seq = tb_bridge_publish(r->bridge, ev);
	TB_LOG_EVENT_SCOPE(r->name, seq, tb_event_kind(ev));
	/* The kind and seq only: the contents may be health data. */
	LOGP(subsys, LOGL_INFO, "%s: %s event seq=%" PRIu64 "\n", r->name, tb_event_kind(ev), seq);
	return seq;
}

static void publish(struct tb_radio *r, struct tb_event_buf *buf, int subsys)
{
	tb_radio_publish(r, &buf->ev, subsys);
}

/* The outgoing queue's events (Outgoing bodies). */
static void outbox_publish_cb(Tetrabridge__V1__Event *ev, void *data)
{
	tb_radio_publish(data, ev, DSDS);
}

/* ---- concatenated texts and SDS ----------------------------------------- */

static uint64_t now_ms(void)
{
	struct timespec ts;

	osmo_clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t concat_timeout_ms(void)
{
	return osmo_tdef_get(tb_sds_tdefs, TB_T_CONCAT_TIMEOUT, OSMO_TDEF_MS, -1);
}

/* Arm the timer at the oldest waiting message's deadline (at once when the
 * table had to evict one to make room), or stop it when nothing waits. */
static void concat_timer_schedule(struct tb_radio *r)
{
	uint64_t deadline = tetra_concat_next_deadline(r->concat, concat_timeout_ms());
	uint64_t now, wait;

	if (deadline == UINT64_MAX) {
		osmo_timer_del(&r->concat_timer);
		return;
	}
	now = now_ms();
	wait = deadline > now ? deadline - now : 0;
	osmo_timer_schedule(&r->concat_timer, (int)(wait / 1000u), (int)(wait % 1000u) * 1000);
}

static void publish_incomplete(const struct tetra_concat_message *partial, void *data)
{
	struct tb_radio *r = data;
	struct tb_event_buf buf;

	tb_event_buf_init(&buf);
	tb_event_from_text_incomplete(&buf, partial);
	publish(r, &buf, DSDS);
}

static void publish_buf_cb(struct tb_event_buf *buf, void *data)
{
	publish(data, buf, DSDS);
}

/* A concatenated SDS given up: its parts, as they came. */
static void publish_sds_incomplete(const struct tetra_concat_sds *partial, void *data)
{
	struct tb_event_buf buf;

	tb_events_from_concat_sds(&buf, partial, publish_buf_cb, data);
}

static void concat_timer_cb(void *data)
{
	struct tb_radio *r = data;
	TB_LOG_RADIO_SCOPE(r->name);

	tetra_concat_expire(r->concat, now_ms(), concat_timeout_ms(), publish_incomplete, publish_sds_incomplete, r);
	concat_timer_schedule(r);
}

/* One part of a concatenated text: held until the message is whole. A part
 * the table cannot take (part numbers out of its range) is published on its
 * own rather than lost; a repeat of a part it already has is dropped. */
static void concat_part(struct tb_radio *r, const struct tetra_prim *prim)
{
	struct tb_event_buf buf;
	int rc;

	rc = tetra_concat_add(r->concat, &prim->u.text, now_ms(), r->concat_msg);
	if (rc == 1) {
		tb_event_buf_init(&buf);
		tb_event_from_text_message(&buf, r->concat_msg);
		publish(r, &buf, DSDS);
	} else if (rc < 0) {
		LOGP(DSDS, LOGL_NOTICE, "%s: a part of a concatenated text was not reassembled (%s)%s\n", r->name,
		     tetra_codec_strerror(rc), rc == TETRA_E_DUPLICATE ? ": a repeat, dropped" : "");
		if (rc != TETRA_E_DUPLICATE) {
			tb_event_buf_init(&buf);
			if (tb_event_from_prim(&buf, prim, NULL, NULL) == 0)
				publish(r, &buf, DSDS);
		}
	}
	concat_timer_schedule(r);
}

/* One part of a concatenated SDS (PID 0x0C / 0x8C): held until the message
 * is whole, then a call-out it carries is one event, anything else its
 * parts as they came. A part the table cannot take is published on its
 * own; a repeat of a part it already has is dropped. */
static void concat_sds_part(struct tb_radio *r, const struct tetra_prim *prim)
{
	struct tb_event_buf buf;
	int rc;

	rc = tetra_concat_add_sds(r->concat, &prim->u.unitdata, now_ms(), r->concat_sds);
	if (rc == 1) {
		tb_events_from_concat_sds(&buf, r->concat_sds, publish_buf_cb, r);
	} else if (rc < 0) {
		LOGP(DSDS, LOGL_NOTICE, "%s: a part of a concatenated SDS was not reassembled (%s)%s\n", r->name,
		     tetra_codec_strerror(rc), rc == TETRA_E_DUPLICATE ? ": a repeat, dropped" : "");
		if (rc != TETRA_E_DUPLICATE) {
			tb_event_buf_init(&buf);
			if (tb_event_from_prim(&buf, prim, NULL, NULL) == 0)
				publish(r, &buf, DSDS);
		}
	}
	concat_timer_schedule(r);
}

static bool is_concat_part(const struct tetra_prim *prim)
{
	if (prim->oph.sap != TETRA_SAP_TNSDS)
		return false;
	if (prim->oph.primitive == TETRA_TNSDS_TEXT)
		return prim->u.text.concat.present;
	return prim->oph.primitive == TETRA_TNSDS_UNITDATA && tetra_concat_sds_is_part(&prim->u.unitdata);
}

static void radio_prim_cb(struct tb_radio_link *rl, const struct tetra_prim *prim, void *data)
{
	struct tb_radio *r = data;
	struct tb_event_buf buf;
	const char *reason = NULL;
	int subsys;

	if (is_concat_part(prim)) {
		if (prim->oph.primitive == TETRA_TNSDS_TEXT)
			concat_part(r, prim);
		else
			concat_sds_part(r, prim);
		if (r->outbox)	/* each part that asks for a report is answered */
			tb_outbox_on_prim(r->outbox, prim);
		return;
	}
	if (prim->oph.sap == TETRA_SAP_LINK && prim->oph.primitive == TETRA_LINK_DOWN)
		reason = tb_radio_link_last_error(rl);
	tb_event_buf_init(&buf);
	if (tb_event_from_prim(&buf, prim, tb_radio_transport_name(r->transport), reason) < 0) {
		/* not an event of its own (e.g. the terminal's identity) */
		if (r->outbox)
			tb_outbox_on_prim(r->outbox, prim);
		return;
	}
	switch (prim->oph.sap) {
	case TETRA_SAP_TNCC:
		subsys = DCC;
		break;
	case TETRA_SAP_LINK:
	case TETRA_SAP_TNMM:
		subsys = DRADIO;
		break;
	default:
		subsys = DSDS;
		break;
	}
	publish(r, &buf, subsys);
	if (prim->oph.sap == TETRA_SAP_LINK &&
	    (prim->oph.primitive == TETRA_LINK_UP || prim->oph.primitive == TETRA_LINK_DOWN))
		osmo_signal_dispatch(SS_TB_RADIO, S_TB_RADIO_LINK, r);
	/* After the terminal's own event: what it means for our messages
	 * (taken, sent, delivered, link lost) follows it in the stream. */
	if (r->outbox)
		tb_outbox_on_prim(r->outbox, prim);
}

/* The USB profile a radio's terminal has, as far as the config tells. */
static const struct tb_usb_profile *radio_usb_profile(const struct tb_radio *r)
{
	const struct tb_usb_profile *up = r->usb_profile;

	if (!up && r->usb_vid && r->usb_pid)
		up = tb_usb_profile_by_id(r->usb_vid, r->usb_pid, NULL);
	for (const struct tb_usb_profile *p = tb_usb_profiles; !up && r->usb_vid && p->name; p++)
		for (const struct tb_usb_id *id = p->ids; id->vid; id++)
			if (id->vid == r->usb_vid) {
				up = p;
				break;
			}
	return up;
}

static bool radio_has_usb_options(const struct tb_radio *r)
{
	return r->usb_serial || r->usb_bus_path || r->usb_interface >= 0 || r->usb_profile;
}

int tb_radio_setup(struct tb_radio *r, char **errmsg)
{
	static const struct tb_radio_link_callbacks cbs = { .prim = radio_prim_cb };
	struct tb_transport *t = NULL;
	struct tetra_identity want = { .type = TETRA_ID_NONE };
	struct tb_profile *init;

	if (r->transport != TB_RADIO_USB && radio_has_usb_options(r)) {
		*errmsg = talloc_asprintf(r, "radio %s: its 'usb ...' lines need 'transport usb' (it has "
					  "transport %s)", r->name, tb_radio_transport_name(r->transport));
		return -EINVAL;
	}
	if (r->match_identity &&
	    tetra_identity_parse(r->match_identity, strlen(r->match_identity), TETRA_ID_TSI, &want) < 0) {
		*errmsg = talloc_asprintf(r, "radio %s: match identity is not a 17-digit TSI", r->name);
		return -EINVAL;
	}
	if (r->transport == TB_RADIO_USB && !r->profile_set) {
		/* The PEI init sequence the USB profile names. */
		const struct tb_usb_profile *up = radio_usb_profile(r);
		const struct tb_profile *p = up ? tb_profile_find(up->pei_profile) : NULL;
		r->profile = p ? p : tb_profile_default();
	}

	switch (r->transport) {
	case TB_RADIO_SIM:
		t = tb_transport_sim_alloc(r, r->sim_identity ? r->sim_identity : "09011638300000001",
					   r->scenario);
		break;
	case TB_RADIO_TTY:
		t = tb_transport_tty_alloc(r, r->tty_path, r->baud);
		break;
	case TB_RADIO_USB: {
		const struct tb_usb_match m = {
			.vid = r->usb_vid, .pid = r->usb_pid, .serial = r->usb_serial,
			.bus_path = r->usb_bus_path, .interface = r->usb_interface,
		};
		t = tb_transport_usb_alloc(r, &m, r->usb_profile);
		break;
	}
	}
	if (!t) {
		*errmsg = talloc_asprintf(r, "radio %s: cannot set up its %s transport", r->name,
					  tb_radio_transport_name(r->transport));
		return -EINVAL;
	}
	/* The call-out registration goes into a copy of the init sequence
	 * that lives as long as the link. */
	init = r->callout_service ? tb_profile_with_callout(r, r->profile) : NULL;
	if (r->callout_service && !init) {
		*errmsg = talloc_asprintf(r, "radio %s: out of memory", r->name);
		return -ENOMEM;
	}
	r->link = tb_radio_link_alloc(r, r->name, t, init ? init : r->profile, &cbs, r);
	if (!r->link) {
		talloc_free(init);
		*errmsg = talloc_asprintf(r, "radio %s: out of memory", r->name);
		return -ENOMEM;
	}
	if (init)
		talloc_steal(r->link, init);
	if (r->match_identity)
		tb_radio_link_match_identity(r->link, &want);
	if (!r->outbox) {
		r->outbox = tb_outbox_alloc(r, r->name, r->bridge->outbox_store, outbox_publish_cb, r);
		if (!r->outbox) {
			*errmsg = talloc_asprintf(r, "radio %s: out of memory", r->name);
			return -ENOMEM;
		}
	}
	tb_outbox_set_link(r->outbox, r->link);
	return 0;
}

int tb_radio_start(struct tb_radio *r, char **errmsg)
{
	int rc;

	if (!r->link) {
		rc = tb_radio_setup(r, errmsg);
		if (rc < 0)
			return rc;
	}
	/* Messages stored before a restart wait for the link like new ones. */
	rc = tb_outbox_restore(r->outbox);
	if (rc > 0)
		LOGP(DSDS, LOGL_NOTICE, "%s: %d outgoing messages from before the restart\n", r->name, rc);
	tb_radio_link_start(r->link);
	return 0;
}

void tb_radios_usb_arrived(struct tb_bridge *b, const struct tb_usb_device_info *info)
{
	struct tb_radio *r;

	for (int by_identity = 0; by_identity < 2; by_identity++) {
		llist_for_each_entry(r, &b->radios, entry) {
			struct tb_transport *t;

			if (r->transport != TB_RADIO_USB || !r->link || !!r->match_identity != by_identity)
				continue;
			if (tb_usb_device_in_use(info))
				return;	/* a radio before took it */
			t = tb_radio_link_transport(r->link);
			if (tb_radio_link_is_up(r->link) || !tb_transport_usb_matches(t, info))
				continue;
			if (tb_radio_link_retry_now(r->link))
				LOGP(DUSB, LOGL_INFO, "%s: USB terminal %s %04x:%04x %s: tried at once\n",
				     r->name, info->bus_path, info->vid, info->pid,
				     info->reoffered ? "is free again" : "arrived");
		}
	}
}

void tb_radio_stop(struct tb_radio *r)
{
	if (r->link)
		tb_radio_link_stop(r->link, "bridge stopping");	/* its offline event says so */
	if (r->outbox) {
		/* Stored messages stay stored for the next start. */
		tb_outbox_stop(r->outbox);
		tb_outbox_set_link(r->outbox, NULL);
	}
	tb_radio_link_destroy(&r->link);
	/* Give up every waiting text now: the end of time with no timeout. */
	osmo_timer_del(&r->concat_timer);
	tetra_concat_expire(r->concat, UINT64_MAX, 0, publish_incomplete, publish_sds_incomplete, r);
}
