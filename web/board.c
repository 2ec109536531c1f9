/* The board of all bridges (see board.h).
 *
 * What is kept is JSON already (tb_pb_to_json): a radio's RadioSummary, a
 * call-out, an event; a snapshot or an update only puts references
 * together. An event's JSON is made once and shared by the ring and the
 * update that goes out for it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "web/board.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

#include "ipc/pb_json.h"

struct radio {
	char *name;
	json_t *summary;	/* RadioSummary JSON, patched by RadioState events */
	bool has_signal;
	uint32_t rssi;		/* 0-31 */
	bool has_dbm;
	int32_t dbm;
	uint64_t last_heard_us;	/* time_us of its last event; 0: none seen */
};

struct bridge {
	char *name;
	bool connected;
	uint64_t last_seq;
	struct radio *radios;	/* talloc array of n_radios, in the bridge's order */
	size_t n_radios;
	json_t *roster;		/* Roster JSON; NULL until the bridge told it */
	json_t *callouts;	/* "<id>" -> Callout JSON, open ones, oldest first */
};

struct tw_board {
	tw_board_update_cb cb;
	void *cb_data;
	struct bridge *bridges;	/* talloc array */
	unsigned n_bridges;
	json_t *ring[TW_BOARD_EVENTS];	/* {"bridge":..,"event":..}, oldest at ring_head */
	unsigned ring_head, ring_len;
	struct tw_board_stats stats;
};

static int board_destructor(struct tw_board *b)
{
	for (unsigned i = 0; i < b->n_bridges; i++) {
		struct bridge *br = &b->bridges[i];
		for (size_t k = 0; k < br->n_radios; k++)
			json_decref(br->radios[k].summary);
		json_decref(br->roster);
		json_decref(br->callouts);
	}
	for (unsigned i = 0; i < b->ring_len; i++)
		json_decref(b->ring[(b->ring_head + i) % TW_BOARD_EVENTS]);
	return 0;
}

struct tw_board *tw_board_alloc(void *ctx, tw_board_update_cb cb, void *data)
{
	struct tw_board *b = talloc_zero(ctx, struct tw_board);

	if (!b)
		return NULL;
	b->cb = cb;
	b->cb_data = data;
	talloc_set_destructor(b, board_destructor);
	return b;
}

unsigned tw_board_add_bridge(struct tw_board *b, const char *name)
{
	struct bridge *nb = talloc_realloc(b, b->bridges, struct bridge, b->n_bridges + 1);
	struct bridge *br;

	if (!nb)
		abort();	/* at start-up, a handful of bytes */
	b->bridges = nb;
	br = &nb[b->n_bridges];
	memset(br, 0, sizeof(*br));
	br->name = talloc_strdup(b->bridges, name);
	br->callouts = json_object();
	if (!br->name || !br->callouts)
		abort();
	return b->n_bridges++;
}

/* ---- JSON ----------------------------------------------------------------- */

static json_t *u64_json(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return json_string(buf);
}

static json_t *radio_json(const struct radio *r)
{
	json_t *j = json_deep_copy(r->summary);

	if (!j)
		return NULL;
	json_object_set_new(j, "signal", r->has_signal ? json_integer(r->rssi) : json_null());
	json_object_set_new(j, "signalDbm", r->has_dbm ? json_integer(r->dbm) : json_null());
	json_object_set_new(j, "lastHeardUs", r->last_heard_us ? u64_json(r->last_heard_us) : json_null());
	return j;
}

static json_t *bridge_json(const struct bridge *br)
{
	json_t *radios = json_array();

	for (size_t i = 0; radios && i < br->n_radios; i++)
		json_array_append_new(radios, radio_json(&br->radios[i]));
	return json_pack("{s:s, s:b, s:o, s:o, s:O}", "name", br->name, "connected", br->connected, "lastSeq",
			 u64_json(br->last_seq), "radios", radios, "roster", br->roster ? br->roster : json_null());
}

/* Hand one message to the pages (and drop our reference). */
static void send_update(struct tw_board *b, json_t *msg)
{
	char *text;

	if (!msg)
		return;
	text = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (!text)
		return;
	if (b->cb)
		b->cb(text, strlen(text), b->cb_data);
	free(text);
}

static void bridge_update(struct tw_board *b, const struct bridge *br)
{
	send_update(b, json_pack("{s:s, s:o}", "type", "bridge", "bridge", bridge_json(br)));
}

json_t *tw_board_snapshot(const struct tw_board *b)
{
	json_t *bridges = json_array(), *callouts = json_array(), *events = json_array();

	for (unsigned i = 0; i < b->n_bridges; i++) {
		const struct bridge *br = &b->bridges[i];
		const char *id;
		json_t *c;

		json_array_append_new(bridges, bridge_json(br));
		json_object_foreach(br->callouts, id, c)
			json_array_append_new(callouts, json_pack("{s:s, s:O}", "bridge", br->name, "callout", c));
	}
	for (unsigned i = 0; i < b->ring_len; i++)
		json_array_append(events, b->ring[(b->ring_head + i) % TW_BOARD_EVENTS]);
	return json_pack("{s:s, s:o, s:o, s:o}", "type", "snapshot", "bridges", bridges, "callouts", callouts,
			 "events", events);
}

void tw_board_links(const struct tw_board *b, unsigned *connected, unsigned *total)
{
	unsigned n = 0;

	for (unsigned i = 0; i < b->n_bridges; i++)
		n += b->bridges[i].connected;
	if (connected)
		*connected = n;
	if (total)
		*total = b->n_bridges;
}

void tw_board_get_stats(const struct tw_board *b, struct tw_board_stats *st)
{
	*st = b->stats;
}

/* ---- radios ---------------------------------------------------------------- */

static struct radio *find_radio(struct bridge *br, const char *name)
{
	for (size_t i = 0; i < br->n_radios; i++)
		if (!strcmp(br->radios[i].name, name))
			return &br->radios[i];
	return NULL;
}

/* A radio the list did not name (yet): known from its events until the
 * next list. NULL beyond TW_BOARD_MAX_RADIOS. */
static struct radio *add_radio(struct tw_board *b, struct bridge *br, const char *name)
{
	struct radio *nr, *r;

	if (br->n_radios >= TW_BOARD_MAX_RADIOS) {
		b->stats.radios_refused++;
		return NULL;
	}
	nr = talloc_realloc(b->bridges, br->radios, struct radio, br->n_radios + 1);
	if (!nr)
		return NULL;
	br->radios = nr;
	r = &nr[br->n_radios];
	memset(r, 0, sizeof(*r));
	r->name = talloc_strdup(nr, name);
	r->summary = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s}", "name", name, "state", "STATE_UNKNOWN",
			       "transport", "", "onlineSinceUs", "0", "outgoingWaiting", 0, "reason", "");
	if (!r->name || !r->summary) {
		json_decref(r->summary);
		return NULL;
	}
	br->n_radios++;
	return r;
}

/* A RadioState event: the summary as ListRadios would say it now. */
static void radio_state(struct radio *r, const Tetrabridge__V1__Event *ev)
{
	const Tetrabridge__V1__RadioState *rs = ev->radio_state;
	json_t *now = tb_pb_to_json(&rs->base);
	bool was_online = !strcmp(json_string_value(json_object_get(r->summary, "state")) ?: "", "STATE_ONLINE");
	bool online = rs->state == TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_ONLINE;

	if (!now)
		return;
	json_object_set(r->summary, "state", json_object_get(now, "state"));
	json_object_set(r->summary, "transport", json_object_get(now, "transport"));
	json_object_set(r->summary, "reason", json_object_get(now, "reason"));
	if (json_object_get(now, "identity"))
		json_object_set(r->summary, "identity", json_object_get(now, "identity"));
	else if (!online)
		json_object_del(r->summary, "identity");
	if (!online)
		json_object_set_new(r->summary, "onlineSinceUs", json_string("0"));
	else if (!was_online)
		json_object_set_new(r->summary, "onlineSinceUs", u64_json(ev->time_us));
	json_decref(now);
}

/* Last heard, signal and state of the event's radio. Returns true when
 * the bridge's message for the pages changed beyond what the event says
 * itself (a radio state, a radio new to the board). */
static bool radio_event(struct tw_board *b, struct bridge *br, const Tetrabridge__V1__Event *ev)
{
	struct radio *r;
	bool changed = false;

	if (!ev->radio || !ev->radio[0])
		return false;	/* the bridge's own (lost.) */
	r = find_radio(br, ev->radio);
	if (!r) {
		r = add_radio(b, br, ev->radio);
		if (!r)
			return false;
		changed = true;
	}
	if (ev->time_us > r->last_heard_us)
		r->last_heard_us = ev->time_us;
	if (ev->body_case == TETRABRIDGE__V1__EVENT__BODY_RADIO_INFO && ev->radio_info &&
	    ev->radio_info->info_case == TETRABRIDGE__V1__RADIO_INFO__INFO_SIGNAL && ev->radio_info->signal) {
		const Tetrabridge__V1__RadioInfo__Signal *s = ev->radio_info->signal;

		r->has_signal = s->rssi <= 31;	/* 99: unknown */
		r->rssi = s->rssi;
		r->has_dbm = s->has_dbm;
		r->dbm = s->dbm;
	}
	if (ev->body_case == TETRABRIDGE__V1__EVENT__BODY_RADIO_STATE && ev->radio_state) {
		radio_state(r, ev);
		changed = true;
	}
	return changed;
}

void tw_board_radios(struct tw_board *b, unsigned bridge, const Tetrabridge__V1__RadioList *list)
{
	struct bridge *br;
	struct radio *nr;
	size_t n = 0;

	if (bridge >= b->n_bridges || !list)
		return;
	br = &b->bridges[bridge];
	nr = talloc_zero_array(b->bridges, struct radio, list->n_radios ? list->n_radios : 1);
	if (!nr)
		return;
	for (size_t i = 0; i < list->n_radios; i++) {
		const Tetrabridge__V1__RadioSummary *s = list->radios[i];
		struct radio *old;

		if (n >= TW_BOARD_MAX_RADIOS) {
			b->stats.radios_refused += list->n_radios - i;
			break;
		}
		if (!s->name || !s->name[0])
			continue;
		old = find_radio(br, s->name);
		if (old) {
			/* what only events tell survives a new list */
			nr[n].has_signal = old->has_signal;
			nr[n].rssi = old->rssi;
			nr[n].has_dbm = old->has_dbm;
			nr[n].dbm = old->dbm;
			nr[n].last_heard_us = old->last_heard_us;
		}
		nr[n].name = talloc_strdup(nr, s->name);
		nr[n].summary = tb_pb_to_json(&s->base);
		if (!nr[n].name || !nr[n].summary) {
			json_decref(nr[n].summary);
			memset(&nr[n], 0, sizeof(nr[n]));
			continue;
		}
		n++;
	}
	for (size_t k = 0; k < br->n_radios; k++)
		json_decref(br->radios[k].summary);
	talloc_free(br->radios);
	br->radios = nr;
	br->n_radios = n;
	bridge_update(b, br);
}

void tw_board_roster(struct tw_board *b, unsigned bridge, const Tetrabridge__V1__Roster *roster)
{
	struct bridge *br;
	json_t *j;

	if (bridge >= b->n_bridges)
		return;
	br = &b->bridges[bridge];
	j = roster ? tb_pb_to_json(&roster->base) : NULL;
	if (roster && !j)
		return;
	json_decref(br->roster);
	br->roster = j;
	bridge_update(b, br);
}

void tw_board_link(struct tw_board *b, unsigned bridge, bool connected)
{
	struct bridge *br;

	if (bridge >= b->n_bridges)
		return;
	br = &b->bridges[bridge];
	if (br->connected == connected)
		return;
	br->connected = connected;
	bridge_update(b, br);
}

/* ---- call-outs ----------------------------------------------------------- */

static bool callout_open(const Tetrabridge__V1__Callout *c)
{
	return c->state != TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_CLOSED &&
	       c->state != TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_CANCELLED;
}

static void callout_key(uint64_t id, char *key, size_t size)
{
	snprintf(key, size, "%" PRIu64, id);
}

/* Put an open call-out on the board (new, or in place of its older self). */
static void callout_upsert(struct tw_board *b, struct bridge *br, const Tetrabridge__V1__Callout *c, json_t *j)
{
	char key[24];

	callout_key(c->id, key, sizeof(key));
	if (!json_object_get(br->callouts, key) && json_object_size(br->callouts) >= TW_BOARD_MAX_CALLOUTS) {
		b->stats.callouts_refused++;
		return;
	}
	json_object_set(br->callouts, key, j);
}

void tw_board_callouts(struct tw_board *b, unsigned bridge, Tetrabridge__V1__Callout *const *callouts, size_t n)
{
	struct bridge *br;
	json_t *fresh;

	if (bridge >= b->n_bridges)
		return;
	br = &b->bridges[bridge];
	fresh = json_object();
	if (!fresh)
		return;
	json_decref(br->callouts);
	br->callouts = fresh;
	for (size_t i = 0; i < n; i++) {
		json_t *j;

		/* the board page also lists those closed a short while ago */
		if (!callouts[i] || !callout_open(callouts[i]))
			continue;
		j = tb_pb_to_json(&callouts[i]->base);
		if (j)
			callout_upsert(b, br, callouts[i], j);
		json_decref(j);
	}
}

/* ---- events ---------------------------------------------------------------- */

static void ring_push(struct tw_board *b, json_t *e)
{
	if (b->ring_len == TW_BOARD_EVENTS) {
		json_decref(b->ring[b->ring_head]);
		b->ring[b->ring_head] = e;
		b->ring_head = (b->ring_head + 1) % TW_BOARD_EVENTS;
	} else {
		b->ring[(b->ring_head + b->ring_len) % TW_BOARD_EVENTS] = e;
		b->ring_len++;
	}
}

void tw_board_event(struct tw_board *b, unsigned bridge, const Tetrabridge__V1__Event *ev)
{
	const Tetrabridge__V1__Callout *c = NULL;
	struct bridge *br;
	json_t *ej, *cj = NULL;
	bool radio_changed;

	if (bridge >= b->n_bridges || !ev)
		return;
	br = &b->bridges[bridge];
	ej = tb_pb_to_json(&ev->base);
	if (!ej)
		return;
	b->stats.events++;
	if (ev->seq > br->last_seq)
		br->last_seq = ev->seq;
	radio_changed = radio_event(b, br, ev);

	if (ev->body_case == TETRABRIDGE__V1__EVENT__BODY_CALLOUT && ev->callout && ev->callout->callout &&
	    ev->callout->callout->id) {
		c = ev->callout->callout;
		cj = json_object_get(json_object_get(ej, "callout"), "callout");
		if (callout_open(c) && cj)
			callout_upsert(b, br, c, cj);
	}

	ring_push(b, json_pack("{s:s, s:O}", "bridge", br->name, "event", ej));
	send_update(b, json_pack("{s:s, s:s, s:O}", "type", "event", "bridge", br->name, "event", ej));

	if (c && !callout_open(c)) {
		/* it leaves the board after its last event went out */
		char key[24];

		callout_key(c->id, key, sizeof(key));
		json_object_del(br->callouts, key);
	}
	json_decref(ej);
	if (radio_changed)
		bridge_update(b, br);
}
