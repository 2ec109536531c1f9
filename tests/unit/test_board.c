/* tetra-web's board (web/board.c) fed with made-up events, radio lists,
 * rosters and call-out pages: the snapshot, the updates for the pages,
 * call-outs on and off the board, the ring of the last events, a radio's
 * last heard and signal, the bounds.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <talloc.h>

#include "web/board.h"

/* The updates the board sent, parsed. */
struct updates {
	json_t *list;
};

static void on_update(const char *text, size_t len, void *data)
{
	struct updates *u = data;
	json_error_t e;
	json_t *j = json_loadb(text, len, 0, &e);

	if (!j)
		fail_msg("an update is not JSON: %s", e.text);
	assert_int_equal(strlen(text), len);
	json_array_append_new(u->list, j);
}

struct fx {
	void *ctx;
	struct tw_board *b;
	struct updates u;
	unsigned lvs, sto;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->ctx = talloc_named_const(NULL, 0, "test");
	f->u.list = json_array();
	f->b = tw_board_alloc(f->ctx, on_update, &f->u);
	assert_non_null(f->b);
	f->lvs = tw_board_add_bridge(f->b, "lvs-1");
	f->sto = tw_board_add_bridge(f->b, "sto-2");
	assert_int_equal(f->lvs, 0);
	assert_int_equal(f->sto, 1);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	talloc_free(f->ctx);
	json_decref(f->u.list);
	free(f);
	return 0;
}

static void ev_init(Tetrabridge__V1__Event *ev, uint64_t seq, const char *radio)
{
	tetrabridge__v1__event__init(ev);
	ev->seq = seq;
	ev->time_us = 1700000000000000ull + seq * 1000000ull;
	ev->bridge = "x";
	ev->radio = (char *)radio;
}

static void status_event(struct fx *f, unsigned bridge, uint64_t seq, const char *radio, uint32_t value)
{
	Tetrabridge__V1__Event ev;
	Tetrabridge__V1__Status st;

	ev_init(&ev, seq, radio);
	tetrabridge__v1__status__init(&st);
	st.value = value;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_STATUS;
	ev.status = &st;
	tw_board_event(f->b, bridge, &ev);
}

static void callout_event(struct fx *f, unsigned bridge, uint64_t seq, uint64_t id,
			  Tetrabridge__V1__CalloutState state, const char *text)
{
	Tetrabridge__V1__Event ev;
	Tetrabridge__V1__CalloutChange ch;
	Tetrabridge__V1__Callout c;

	ev_init(&ev, seq, "lvs-r1");
	tetrabridge__v1__callout_change__init(&ch);
	tetrabridge__v1__callout__init(&c);
	c.id = id;
	c.state = state;
	c.severity = 3;
	c.text = (char *)text;
	ch.callout_id = id;
	ch.kind = TETRABRIDGE__V1__CALLOUT_CHANGE__KIND__STATE;
	ch.new_state = state;
	ch.callout = &c;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_CALLOUT;
	ev.callout = &ch;
	tw_board_event(f->b, bridge, &ev);
}

static json_t *last_update(struct fx *f)
{
	size_t n = json_array_size(f->u.list);

	assert_true(n > 0);
	return json_array_get(f->u.list, n - 1);
}

static json_t *find_bridge(json_t *snap, const char *name)
{
	size_t i;
	json_t *b;

	json_array_foreach(json_object_get(snap, "bridges"), i, b)
		if (!strcmp(json_string_value(json_object_get(b, "name")), name))
			return b;
	fail_msg("no bridge %s in the snapshot", name);
	return NULL;
}

static json_t *find_radio(json_t *bridge, const char *name)
{
	size_t i;
	json_t *r;

	json_array_foreach(json_object_get(bridge, "radios"), i, r)
		if (!strcmp(json_string_value(json_object_get(r, "name")), name))
			return r;
	return NULL;
}

static void test_empty_snapshot(void **state)
{
	struct fx *f = *state;
	json_t *s = tw_board_snapshot(f->b);
	unsigned conn = 9, total = 9;

	assert_string_equal(json_string_value(json_object_get(s, "type")), "snapshot");
	assert_int_equal(json_array_size(json_object_get(s, "bridges")), 2);
	assert_int_equal(json_array_size(json_object_get(s, "callouts")), 0);
	assert_int_equal(json_array_size(json_object_get(s, "events")), 0);
	json_t *b = json_array_get(json_object_get(s, "bridges"), 0);
	assert_string_equal(json_string_value(json_object_get(b, "name")), "lvs-1");	/* config order */
	assert_true(json_is_false(json_object_get(b, "connected")));
	assert_string_equal(json_string_value(json_object_get(b, "lastSeq")), "0");
	assert_true(json_is_null(json_object_get(b, "roster")));
	assert_int_equal(json_array_size(json_object_get(b, "radios")), 0);
	json_decref(s);

	tw_board_links(f->b, &conn, &total);
	assert_int_equal(conn, 0);
	assert_int_equal(total, 2);
	tw_board_link(f->b, f->sto, true);
	tw_board_links(f->b, &conn, &total);
	assert_int_equal(conn, 1);
	/* the change went out as a bridge update, once */
	assert_int_equal(json_array_size(f->u.list), 1);
	json_t *u = last_update(f);
	assert_string_equal(json_string_value(json_object_get(u, "type")), "bridge");
	assert_string_equal(json_string_value(json_object_get(json_object_get(u, "bridge"), "name")), "sto-2");
	assert_true(json_is_true(json_object_get(json_object_get(u, "bridge"), "connected")));
	tw_board_link(f->b, f->sto, true);
	assert_int_equal(json_array_size(f->u.list), 1);
}

static void test_radios(void **state)
{
	struct fx *f = *state;
	Tetrabridge__V1__RadioList list;
	Tetrabridge__V1__RadioSummary r1, r2, *rp[2] = { &r1, &r2 };
	Tetrabridge__V1__Identity id;
	Tetrabridge__V1__Event ev;
	Tetrabridge__V1__RadioInfo info;
	Tetrabridge__V1__RadioInfo__Signal sig;
	Tetrabridge__V1__RadioState rs;
	json_t *s, *b, *r;

	tetrabridge__v1__radio_list__init(&list);
	tetrabridge__v1__radio_summary__init(&r1);
	tetrabridge__v1__radio_summary__init(&r2);
	tetrabridge__v1__identity__init(&id);
	id.ssi = 1001;
	r1.name = "lvs-r1";
	r1.state = TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_ONLINE;
	r1.transport = "usb";
	r1.identity = &id;
	r1.online_since_us = 1700000000000000ull;
	r2.name = "lvs-r2";
	r2.state = TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_OFFLINE;
	r2.reason = "unplugged";
	list.n_radios = 2;
	list.radios = rp;
	tw_board_radios(f->b, f->lvs, &list);
	assert_string_equal(json_string_value(json_object_get(last_update(f), "type")), "bridge");

	s = tw_board_snapshot(f->b);
	b = find_bridge(s, "lvs-1");
	assert_int_equal(json_array_size(json_object_get(b, "radios")), 2);
	r = find_radio(b, "lvs-r1");
	assert_string_equal(json_string_value(json_object_get(r, "state")), "STATE_ONLINE");
	assert_string_equal(json_string_value(json_object_get(r, "transport")), "usb");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "identity"), "ssi")), 1001);
	assert_true(json_is_null(json_object_get(r, "signal")));
	assert_true(json_is_null(json_object_get(r, "lastHeardUs")));
	json_decref(s);

	/* an event: last heard; a signal report */
	status_event(f, f->lvs, 10, "lvs-r1", 0x8002);
	ev_init(&ev, 11, "lvs-r1");
	tetrabridge__v1__radio_info__init(&info);
	tetrabridge__v1__radio_info__signal__init(&sig);
	sig.rssi = 20;
	sig.ber = 99;
	sig.has_dbm = 1;
	sig.dbm = -73;
	info.info_case = TETRABRIDGE__V1__RADIO_INFO__INFO_SIGNAL;
	info.signal = &sig;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_RADIO_INFO;
	ev.radio_info = &info;
	tw_board_event(f->b, f->lvs, &ev);
	status_event(f, f->lvs, 12, "lvs-r2", 0x8003);

	s = tw_board_snapshot(f->b);
	b = find_bridge(s, "lvs-1");
	assert_string_equal(json_string_value(json_object_get(b, "lastSeq")), "12");
	r = find_radio(b, "lvs-r1");
	assert_string_equal(json_string_value(json_object_get(r, "lastHeardUs")), "1700000011000000");
	assert_int_equal(json_integer_value(json_object_get(r, "signal")), 20);
	assert_int_equal(json_integer_value(json_object_get(r, "signalDbm")), -73);
	r = find_radio(b, "lvs-r2");
	assert_string_equal(json_string_value(json_object_get(r, "lastHeardUs")), "1700000012000000");
	assert_true(json_is_null(json_object_get(r, "signal")));
	json_decref(s);

	/* a new list keeps what only events told */
	tw_board_radios(f->b, f->lvs, &list);
	s = tw_board_snapshot(f->b);
	r = find_radio(find_bridge(s, "lvs-1"), "lvs-r1");
	assert_string_equal(json_string_value(json_object_get(r, "lastHeardUs")), "1700000011000000");
	assert_int_equal(json_integer_value(json_object_get(r, "signal")), 20);
	json_decref(s);

	/* a radio state event: the summary follows, and a bridge update goes out after the event */
	size_t before = json_array_size(f->u.list);
	ev_init(&ev, 13, "lvs-r2");
	tetrabridge__v1__radio_state__init(&rs);
	rs.state = TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_ONLINE;
	rs.transport = "tty";
	rs.identity = &id;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_RADIO_STATE;
	ev.radio_state = &rs;
	tw_board_event(f->b, f->lvs, &ev);
	assert_int_equal(json_array_size(f->u.list), before + 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(f->u.list, before), "type")), "event");
	json_t *u = last_update(f);
	assert_string_equal(json_string_value(json_object_get(u, "type")), "bridge");
	r = find_radio(json_object_get(u, "bridge"), "lvs-r2");
	assert_string_equal(json_string_value(json_object_get(r, "state")), "STATE_ONLINE");
	assert_string_equal(json_string_value(json_object_get(r, "transport")), "tty");
	assert_string_equal(json_string_value(json_object_get(r, "onlineSinceUs")), "1700000013000000");
	assert_string_equal(json_string_value(json_object_get(r, "lastHeardUs")), "1700000013000000");

	/* a radio the list did not name appears with its first event */
	status_event(f, f->lvs, 14, "lvs-r9", 1);
	s = tw_board_snapshot(f->b);
	r = find_radio(find_bridge(s, "lvs-1"), "lvs-r9");
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "state")), "STATE_UNKNOWN");
	/* the other bridge has none of it */
	assert_int_equal(json_array_size(json_object_get(find_bridge(s, "sto-2"), "radios")), 0);
	json_decref(s);
}

static void test_radio_bound(void **state)
{
	struct fx *f = *state;
	struct tw_board_stats st;
	unsigned n = TW_BOARD_MAX_RADIOS + 5;
	Tetrabridge__V1__RadioList list;
	Tetrabridge__V1__RadioSummary *rs = calloc(n, sizeof(*rs)), **rp = calloc(n, sizeof(*rp));
	char (*names)[16] = calloc(n, 16);

	tetrabridge__v1__radio_list__init(&list);
	for (unsigned i = 0; i < n; i++) {
		tetrabridge__v1__radio_summary__init(&rs[i]);
		snprintf(names[i], 16, "r%u", i);
		rs[i].name = names[i];
		rp[i] = &rs[i];
	}
	list.n_radios = n;
	list.radios = rp;
	tw_board_radios(f->b, f->sto, &list);
	tw_board_get_stats(f->b, &st);
	assert_int_equal(st.radios_refused, 5);
	/* one more by its event: refused too; the event itself is on the board */
	status_event(f, f->sto, 1, "one-too-many", 0x8000);
	status_event(f, f->sto, 2, "r999", 0x8000);
	tw_board_get_stats(f->b, &st);
	assert_int_equal(st.radios_refused, 6);
	assert_int_equal(st.events, 2);

	json_t *s = tw_board_snapshot(f->b);
	json_t *b = find_bridge(s, "sto-2");
	assert_int_equal(json_array_size(json_object_get(b, "radios")), TW_BOARD_MAX_RADIOS);
	assert_null(find_radio(b, "one-too-many"));
	assert_null(find_radio(b, "r1000"));
	assert_string_equal(json_string_value(json_object_get(find_radio(b, "r999"), "lastHeardUs")),
			    "1700000002000000");
	assert_int_equal(json_array_size(json_object_get(s, "events")), 2);
	json_decref(s);
	free(rs);
	free(rp);
	free(names);
}

static void test_roster(void **state)
{
	struct fx *f = *state;
	Tetrabridge__V1__Roster roster;
	Tetrabridge__V1__SeverityName sev, *sp[1] = { &sev };
	char *plans[] = { "rød", "gul" };

	tetrabridge__v1__roster__init(&roster);
	tetrabridge__v1__severity_name__init(&sev);
	sev.severity = 1;
	sev.name = "rød";
	roster.n_severities = 1;
	roster.severities = sp;
	roster.n_plans = 2;
	roster.plans = plans;
	tw_board_roster(f->b, f->sto, &roster);
	json_t *u = last_update(f);
	json_t *r = json_object_get(json_object_get(u, "bridge"), "roster");
	assert_string_equal(json_string_value(json_array_get(json_object_get(r, "plans"), 1)), "gul");
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(json_object_get(r, "severities"), 0), "name")), "rød");
	json_t *s = tw_board_snapshot(f->b);
	assert_true(json_equal(json_object_get(find_bridge(s, "sto-2"), "roster"), r));
	assert_true(json_is_null(json_object_get(find_bridge(s, "lvs-1"), "roster")));
	json_decref(s);
}

static json_t *callouts_of(json_t *snap, const char *bridge)
{
	json_t *out = json_array(), *c;
	size_t i;

	json_array_foreach(json_object_get(snap, "callouts"), i, c)
		if (!strcmp(json_string_value(json_object_get(c, "bridge")), bridge))
			json_array_append(out, json_object_get(c, "callout"));
	return out;
}

static void test_callouts(void **state)
{
	struct fx *f = *state;
	json_t *s, *cs;

	callout_event(f, f->lvs, 1, 7, TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_OPEN, "first");
	callout_event(f, f->lvs, 2, 8, TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_OPEN, "second");
	callout_event(f, f->sto, 1, 7, TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_OPEN, "other bridge's 7");
	/* the whole call-out in the event replaces what the board had */
	callout_event(f, f->lvs, 3, 7, TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_STAFFED, "first, staffed");

	s = tw_board_snapshot(f->b);
	cs = callouts_of(s, "lvs-1");
	assert_int_equal(json_array_size(cs), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(cs, 0), "id")), "7");
	assert_string_equal(json_string_value(json_object_get(json_array_get(cs, 0), "state")), "CALLOUT_STAFFED");
	assert_string_equal(json_string_value(json_object_get(json_array_get(cs, 0), "text")), "first, staffed");
	assert_string_equal(json_string_value(json_object_get(json_array_get(cs, 1), "id")), "8");
	json_decref(cs);
	cs = callouts_of(s, "sto-2");
	assert_int_equal(json_array_size(cs), 1);
	json_decref(cs);
	json_decref(s);

	/* closed: the event goes out with the call-out in it, then it leaves */
	callout_event(f, f->lvs, 4, 7, TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_CLOSED, "first, closed");
	json_t *u = last_update(f);
	assert_string_equal(json_string_value(json_object_get(u, "type")), "event");
	assert_string_equal(json_string_value(json_object_get(u, "bridge")), "lvs-1");
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(json_object_get(json_object_get(u, "event"), "callout"), "callout"),
				    "state")),
			    "CALLOUT_CLOSED");
	callout_event(f, f->lvs, 5, 8, TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_CANCELLED, "second, cancelled");
	s = tw_board_snapshot(f->b);
	cs = callouts_of(s, "lvs-1");
	assert_int_equal(json_array_size(cs), 0);
	json_decref(cs);
	cs = callouts_of(s, "sto-2");
	assert_int_equal(json_array_size(cs), 1);
	json_decref(cs);
	json_decref(s);

	/* a closed call-out the board never had does not come onto it */
	callout_event(f, f->lvs, 6, 9, TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_CLOSED, "never seen");
	s = tw_board_snapshot(f->b);
	cs = callouts_of(s, "lvs-1");
	assert_int_equal(json_array_size(cs), 0);
	json_decref(cs);
	json_decref(s);
}

static void test_callout_pages(void **state)
{
	struct fx *f = *state;
	Tetrabridge__V1__Callout c[3], *cp[3] = { &c[0], &c[1], &c[2] };
	struct tw_board_stats st;
	json_t *s, *cs;

	callout_event(f, f->lvs, 1, 3, TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_OPEN, "gone by now");
	for (int i = 0; i < 3; i++) {
		tetrabridge__v1__callout__init(&c[i]);
		c[i].id = 10 + i;
		c[i].text = "from the board";
	}
	c[1].state = TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_CLOSED;	/* closed a moment ago: not open */
	c[2].state = TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_ON_SCENE;
	tw_board_callouts(f->b, f->lvs, cp, 3);
	s = tw_board_snapshot(f->b);
	cs = callouts_of(s, "lvs-1");
	assert_int_equal(json_array_size(cs), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(cs, 0), "id")), "10");
	assert_string_equal(json_string_value(json_object_get(json_array_get(cs, 1), "id")), "12");
	json_decref(cs);
	json_decref(s);

	/* the bound: beyond it refused and counted, those on the board still change */
	for (uint64_t id = 100; id < 100 + TW_BOARD_MAX_CALLOUTS; id++)
		callout_event(f, f->sto, id, id, TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_OPEN, "x");
	callout_event(f, f->sto, 5000, 5000, TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_OPEN, "one too many");
	callout_event(f, f->sto, 5001, 100, TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_STAFFED, "changed");
	tw_board_get_stats(f->b, &st);
	assert_int_equal(st.callouts_refused, 1);
	s = tw_board_snapshot(f->b);
	cs = callouts_of(s, "sto-2");
	assert_int_equal(json_array_size(cs), TW_BOARD_MAX_CALLOUTS);
	assert_string_equal(json_string_value(json_object_get(json_array_get(cs, 0), "state")), "CALLOUT_STAFFED");
	json_decref(cs);
	json_decref(s);
}

static void test_event_ring(void **state)
{
	struct fx *f = *state;
	unsigned n = TW_BOARD_EVENTS + 50;
	json_t *s, *events, *e;
	size_t i;

	for (unsigned k = 1; k <= n; k++)
		status_event(f, k % 2 ? f->lvs : f->sto, k, "r", k);
	/* one per event, and one per bridge for the radio "r" new to it */
	assert_int_equal(json_array_size(f->u.list), n + 2);
	e = json_array_get(f->u.list, 1);
	assert_string_equal(json_string_value(json_object_get(e, "type")), "bridge");
	/* each update: {"type":"event","bridge":..,"event":..} */
	e = last_update(f);
	assert_string_equal(json_string_value(json_object_get(e, "type")), "event");
	assert_string_equal(json_string_value(json_object_get(e, "bridge")), n % 2 ? "lvs-1" : "sto-2");
	assert_string_equal(json_string_value(json_object_get(json_object_get(e, "event"), "seq")), "250");

	s = tw_board_snapshot(f->b);
	events = json_object_get(s, "events");
	assert_int_equal(json_array_size(events), TW_BOARD_EVENTS);
	json_array_foreach(events, i, e) {
		unsigned seq = 51 + (unsigned)i;	/* the oldest 50 have gone, oldest first */
		char want[16];

		snprintf(want, sizeof(want), "%u", seq);
		assert_string_equal(json_string_value(json_object_get(json_object_get(e, "event"), "seq")), want);
		assert_string_equal(json_string_value(json_object_get(e, "bridge")), seq % 2 ? "lvs-1" : "sto-2");
		assert_int_equal(json_integer_value(json_object_get(json_object_get(json_object_get(e, "event"),
										     "status"), "value")), seq);
		assert_null(json_object_get(e, "type"));
	}
	json_decref(s);
}

/* The board's JSON is plain text for the pages: a snapshot dumps and
 * reads back whole, and strings that were not UTF-8 are repaired. */
static void test_snapshot_text(void **state)
{
	struct fx *f = *state;
	Tetrabridge__V1__Event ev;
	Tetrabridge__V1__Text t;
	char *text;

	ev_init(&ev, 1, "lvs-r1");
	tetrabridge__v1__text__init(&t);
	t.text = "bad \xff byte";
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_TEXT;
	ev.text = &t;
	tw_board_event(f->b, f->lvs, &ev);
	json_t *s = tw_board_snapshot(f->b);
	text = json_dumps(s, JSON_COMPACT);
	assert_non_null(text);
	json_t *back = json_loads(text, 0, NULL);
	assert_non_null(back);
	assert_true(json_equal(s, back));
	assert_non_null(strstr(text, "\"text\":\"bad \xef\xbf\xbd byte\""));
	free(text);
	json_decref(back);
	json_decref(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty_snapshot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_radios, setup, teardown),
		cmocka_unit_test_setup_teardown(test_radio_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roster, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callouts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callout_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_ring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_text, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
