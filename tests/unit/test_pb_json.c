/* tb_pb_to_json: the proto3 JSON mapping of Event, for every oneof member.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "ipc/pb_json.h"
#include "ipc/tetra_bridge.pb-c.h"

static const char *const body_keys[] = {
	"radioState", "status", "shortReport", "sdsRaw",
	"callSetup", "callConnect", "tx", "callRelease",
	"text", "textIncomplete", "location", "locationControl",
	"deliveryReport", "sendResult", "radioInfo", "linkError",
};

static void init_event(Tetrabridge__V1__Event *ev)
{
	tetrabridge__v1__event__init(ev);
	ev->seq = UINT64_MAX;			/* beyond 2^53: must be a string */
	ev->time_us = 1700000000123456ull;
	ev->bridge = "oslo-lv";
	ev->radio = "lvs-1";
}

static void tsi(Tetrabridge__V1__Identity *id, uint32_t mcc, uint32_t mnc, uint32_t ssi)
{
	tetrabridge__v1__identity__init(id);
	id->type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_TSI;
	id->mcc = mcc;
	id->mnc = mnc;
	id->ssi = ssi;
}

/* Convert, check the common fields, and check that exactly `key` of the
 * oneof members is present (none when key is NULL). Returns the body. */
static json_t *check_common(json_t *j, const char *key)
{
	size_t i;

	assert_non_null(j);
	assert_true(json_is_object(j));
	assert_string_equal(json_string_value(json_object_get(j, "seq")), "18446744073709551615");
	assert_string_equal(json_string_value(json_object_get(j, "timeUs")), "1700000000123456");
	assert_string_equal(json_string_value(json_object_get(j, "bridge")), "oslo-lv");
	assert_string_equal(json_string_value(json_object_get(j, "radio")), "lvs-1");
	assert_null(json_object_get(j, "time_us"));
	assert_null(json_object_get(j, "body"));

	for (i = 0; i < sizeof(body_keys) / sizeof(body_keys[0]); i++) {
		if (key && !strcmp(key, body_keys[i]))
			assert_non_null(json_object_get(j, body_keys[i]));
		else
			assert_null(json_object_get(j, body_keys[i]));
	}
	assert_int_equal(json_object_size(j), key ? 5 : 4);
	return key ? json_object_get(j, key) : NULL;
}

static void assert_int_member(json_t *o, const char *key, json_int_t v)
{
	json_t *m = json_object_get(o, key);
	assert_non_null(m);
	assert_true(json_is_integer(m));
	assert_int_equal(json_integer_value(m), v);
}

static void assert_str_member(json_t *o, const char *key, const char *v)
{
	json_t *m = json_object_get(o, key);
	assert_non_null(m);
	assert_true(json_is_string(m));
	assert_string_equal(json_string_value(m), v);
}

static void assert_bool_member(json_t *o, const char *key, int v)
{
	json_t *m = json_object_get(o, key);
	assert_non_null(m);
	assert_true(json_is_boolean(m));
	assert_int_equal(json_is_true(m), v);
}

static void assert_tsi(json_t *id, uint32_t mcc, uint32_t mnc, uint32_t ssi)
{
	assert_non_null(id);
	assert_str_member(id, "type", "IDENTITY_TSI");
	assert_int_member(id, "mcc", mcc);
	assert_int_member(id, "mnc", mnc);
	assert_int_member(id, "ssi", ssi);
	assert_str_member(id, "digits", "");
}

static void test_no_body(void **state)
{
	Tetrabridge__V1__Event ev;
	json_t *j;

	init_event(&ev);
	j = tb_pb_to_json(&ev.base);
	check_common(j, NULL);
	json_decref(j);
}

static void test_radio_state(void **state)
{
	Tetrabridge__V1__Event ev;
	Tetrabridge__V1__RadioState rs;
	Tetrabridge__V1__Identity id;
	json_t *j, *b;

	init_event(&ev);
	tetrabridge__v1__radio_state__init(&rs);
	tsi(&id, 901, 16383, 23404);
	rs.state = TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_ONLINE;
	rs.transport = "usb";
	rs.identity = &id;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_RADIO_STATE;
	ev.radio_state = &rs;

	j = tb_pb_to_json(&ev.base);
	b = check_common(j, "radioState");
	assert_str_member(b, "state", "STATE_ONLINE");	/* the .proto name, not the C name */
	assert_str_member(b, "transport", "usb");
	assert_str_member(b, "reason", "");		/* default emitted */
	assert_tsi(json_object_get(b, "identity"), 901, 16383, 23404);
	assert_int_equal(json_object_size(b), 4);
	json_decref(j);

	/* a value without a name stays a number */
	rs.state = 7;
	rs.identity = NULL;				/* unset message: absent */
	j = tb_pb_to_json(&ev.base);
	b = check_common(j, "radioState");
	assert_int_member(b, "state", 7);
	assert_null(json_object_get(b, "identity"));
	json_decref(j);
}

static void test_status(void **state)
{
	Tetrabridge__V1__Event ev;
	Tetrabridge__V1__Status st;
	Tetrabridge__V1__Identity calling;
	json_t *j, *b;
	char *s;

	init_event(&ev);
	tetrabridge__v1__status__init(&st);
	tetrabridge__v1__identity__init(&calling);
	calling.ssi = 2345678;		/* IDENTITY_SSI = 0: the default, emitted */
	st.calling = &calling;
	st.value = 0;			/* emergency: must be visible */
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_STATUS;
	ev.status = &st;

	j = tb_pb_to_json(&ev.base);
	b = check_common(j, "status");
	assert_int_member(b, "value", 0);
	assert_null(json_object_get(b, "called"));
	assert_str_member(json_object_get(b, "calling"), "type", "IDENTITY_SSI");
	assert_int_member(json_object_get(b, "calling"), "ssi", 2345678);

	/* the whole line, as tetractl watch --json prints it */
	s = json_dumps(j, JSON_COMPACT);
	assert_non_null(s);
	assert_string_equal(s,
		"{\"seq\":\"18446744073709551615\",\"timeUs\":\"1700000000123456\","
		"\"bridge\":\"oslo-lv\",\"radio\":\"lvs-1\",\"status\":{\"calling\":"
		"{\"type\":\"IDENTITY_SSI\",\"mcc\":0,\"mnc\":0,\"ssi\":2345678,\"digits\":\"\","
		"\"name\":\"\"},\"value\":0,\"name\":\"\",\"meaning\":\"MEANING_NONE\"}}");
	free(s);
	json_decref(j);

	st.value = 0x8004;
	j = tb_pb_to_json(&ev.base);
	b = check_common(j, "status");
	assert_int_member(b, "value", 0x8004);
	json_decref(j);
}

static void test_short_report(void **state)
{
	Tetrabridge__V1__Event ev;
	Tetrabridge__V1__ShortReport sr;
	Tetrabridge__V1__Identity a, b_id;
	json_t *j, *b;

	init_event(&ev);
	tetrabridge__v1__short_report__init(&sr);
	tsi(&a, 242, 1, 100);
	tsi(&b_id, 242, 1, 200);
	sr.calling = &a;
	sr.called = &b_id;
	sr.type = TETRABRIDGE__V1__SHORT_REPORT__TYPE__CONSUMED;
	sr.message_reference = 200;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_SHORT_REPORT;
	ev.short_report = &sr;

	j = tb_pb_to_json(&ev.base);
	b = check_common(j, "shortReport");
	assert_str_member(b, "type", "CONSUMED");
	assert_int_member(b, "messageReference", 200);
	assert_tsi(json_object_get(b, "calling"), 242, 1, 100);
	assert_tsi(json_object_get(b, "called"), 242, 1, 200);
	json_decref(j);
}

static void check_b64(const uint8_t *data, size_t len, const char *expect)
{
	Tetrabridge__V1__Event ev;
	Tetrabridge__V1__SdsRaw sds;
	json_t *j, *b;

	init_event(&ev);
	tetrabridge__v1__sds_raw__init(&sds);
	sds.data.data = (uint8_t *)data;
	sds.data.len = len;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_SDS_RAW;
	ev.sds_raw = &sds;
	j = tb_pb_to_json(&ev.base);
	b = check_common(j, "sdsRaw");
	assert_str_member(b, "data", expect);
	json_decref(j);
}

static void test_sds_raw(void **state)
{
	static const uint8_t pdu[] = { 0x82, 0x04, 0x01, 0x48, 0x65, 0x69, 0xff };
	Tetrabridge__V1__Event ev;
	Tetrabridge__V1__SdsRaw sds;
	Tetrabridge__V1__Identity called;
	json_t *j, *b;

	init_event(&ev);
	tetrabridge__v1__sds_raw__init(&sds);
	tsi(&called, 901, 16383, 1);
	sds.called = &called;
	sds.ai_service = 12;
	sds.bit_length = 56;
	sds.data.data = (uint8_t *)pdu;
	sds.data.len = sizeof(pdu);
	sds.protocol_id = 0x82;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_SDS_RAW;
	ev.sds_raw = &sds;

	j = tb_pb_to_json(&ev.base);
	b = check_common(j, "sdsRaw");
	assert_int_member(b, "aiService", 12);
	assert_int_member(b, "bitLength", 56);
	assert_int_member(b, "protocolId", 0x82);
	assert_str_member(b, "data", "ggQBSGVp/w==");
	assert_str_member(b, "decodeError", "");
	assert_null(json_object_get(b, "calling"));
	assert_tsi(json_object_get(b, "called"), 901, 16383, 1);
	json_decref(j);

	/* padding: 0, 1 and 2 left-over bytes */
	check_b64(pdu, 0, "");
	check_b64(pdu, 1, "gg==");
	check_b64(pdu, 2, "ggQ=");
	check_b64(pdu, 3, "ggQB");
	check_b64((const uint8_t *)"\xfb\xff", 2, "+/8=");
}

static void test_call_setup(void **state)
{
	Tetrabridge__V1__Event ev;
	Tetrabridge__V1__CallSetup cs;
	Tetrabridge__V1__Identity a, g;
	json_t *j, *b;

	init_event(&ev);
	tetrabridge__v1__call_setup__init(&cs);
	tsi(&a, 901, 16383, 23404);
	tsi(&g, 901, 16383, 1);
	cs.call_id = 3;
	cs.calling = &a;
	cs.called = &g;
	cs.group = 1;
	cs.simplex = 1;
	cs.hook = 0;
	cs.encrypted = 0;
	cs.priority = 5;
	cs.call_status = 2;
	cs.ai_service = 0;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_CALL_SETUP;
	ev.call_setup = &cs;

	j = tb_pb_to_json(&ev.base);
	b = check_common(j, "callSetup");
	assert_int_member(b, "callId", 3);
	assert_bool_member(b, "group", 1);
	assert_bool_member(b, "simplex", 1);
	assert_bool_member(b, "hook", 0);
	assert_bool_member(b, "encrypted", 0);
	assert_int_member(b, "priority", 5);
	assert_int_member(b, "callStatus", 2);
	assert_int_member(b, "aiService", 0);
	assert_tsi(json_object_get(b, "calling"), 901, 16383, 23404);
	assert_tsi(json_object_get(b, "called"), 901, 16383, 1);
	assert_int_equal(json_object_size(b), 10);
	json_decref(j);
}

static void test_call_connect(void **state)
{
	Tetrabridge__V1__Event ev;
	Tetrabridge__V1__CallConnect cc;
	json_t *j, *b;

	init_event(&ev);
	tetrabridge__v1__call_connect__init(&cc);
	cc.call_id = 4;
	cc.encrypted = 1;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_CALL_CONNECT;
	ev.call_connect = &cc;

	j = tb_pb_to_json(&ev.base);
	b = check_common(j, "callConnect");
	assert_int_member(b, "callId", 4);
	assert_bool_member(b, "simplex", 0);
	assert_bool_member(b, "hook", 0);
	assert_bool_member(b, "encrypted", 1);
	json_decref(j);
}

static void test_tx(void **state)
{
	Tetrabridge__V1__Event ev;
	Tetrabridge__V1__TxChange tx;
	Tetrabridge__V1__Identity talker;
	json_t *j, *b;

	init_event(&ev);
	tetrabridge__v1__tx_change__init(&tx);
	tsi(&talker, 901, 16383, 23404);
	tx.call_id = 1;
	tx.kind = TETRABRIDGE__V1__TX_CHANGE__KIND__GRANT;
	tx.grant = TETRABRIDGE__V1__TX_CHANGE__GRANT__GRANTED_TO_ANOTHER;
	tx.talker = &talker;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_TX;
	ev.tx = &tx;

	j = tb_pb_to_json(&ev.base);
	b = check_common(j, "tx");
	assert_int_member(b, "callId", 1);
	assert_str_member(b, "kind", "GRANT");
	assert_str_member(b, "grant", "GRANTED_TO_ANOTHER");
	assert_tsi(json_object_get(b, "talker"), 901, 16383, 23404);
	assert_bool_member(b, "encrypted", 0);
	json_decref(j);

	tx.kind = TETRABRIDGE__V1__TX_CHANGE__KIND__CEASED;
	tx.grant = TETRABRIDGE__V1__TX_CHANGE__GRANT__GRANTED;
	tx.talker = NULL;
	j = tb_pb_to_json(&ev.base);
	b = check_common(j, "tx");
	assert_str_member(b, "kind", "CEASED");
	assert_str_member(b, "grant", "GRANTED");
	assert_null(json_object_get(b, "talker"));
	json_decref(j);
}

static void test_call_release(void **state)
{
	Tetrabridge__V1__Event ev;
	Tetrabridge__V1__CallRelease cr;
	json_t *j, *b;

	init_event(&ev);
	tetrabridge__v1__call_release__init(&cr);
	cr.call_id = 1;
	cr.cause = 1;
	cr.cause_text = "user request";
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_CALL_RELEASE;
	ev.call_release = &cr;

	j = tb_pb_to_json(&ev.base);
	b = check_common(j, "callRelease");
	assert_int_member(b, "callId", 1);
	assert_int_member(b, "cause", 1);
	assert_str_member(b, "causeText", "user request");
	json_decref(j);
}

static void assert_real_member(json_t *o, const char *key, double v)
{
	json_t *m = json_object_get(o, key);
	assert_non_null(m);
	assert_true(json_is_real(m));
	assert_true(json_real_value(m) == v);
}

static void test_text(void **state)
{
	Tetrabridge__V1__Event ev;
	Tetrabridge__V1__Text t;
	Tetrabridge__V1__TextTimestamp ts;
	Tetrabridge__V1__SdsStorage st;
	Tetrabridge__V1__Identity a;
	json_t *j, *b, *m;

	init_event(&ev);
	tetrabridge__v1__text__init(&t);
	tetrabridge__v1__text_timestamp__init(&ts);
	tetrabridge__v1__sds_storage__init(&st);
	tsi(&a, 242, 1, 100);
	t.calling = &a;
	t.protocol_id = 0x82;
	t.text = "Pasient på vei, \"rom 3\"";
	t.coding_scheme = 1;
	t.coding_name = "ISO 8859-1";
	ts.month = 4;
	ts.day = 11;
	ts.hour = 10;
	ts.minute = 15;
	t.timestamp = &ts;
	t.message_reference = 156;
	t.report_request = TETRABRIDGE__V1__REPORT_REQUEST__REPORT_BOTH;
	t.sds_tl = 1;
	t.parts = 2;
	st.validity_code = 7;
	st.validity_seconds = 120;
	st.forward_address_type = 7;
	t.storage = &st;
	t.concat_reference = 201;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_TEXT;
	ev.text = &t;

	j = tb_pb_to_json(&ev.base);
	b = check_common(j, "text");
	assert_str_member(b, "text", "Pasient på vei, \"rom 3\"");
	assert_int_member(b, "protocolId", 0x82);
	assert_int_member(b, "codingScheme", 1);
	assert_str_member(b, "codingName", "ISO 8859-1");
	assert_int_member(b, "messageReference", 156);
	assert_str_member(b, "reportRequest", "REPORT_BOTH");
	assert_bool_member(b, "immediate", 0);
	assert_bool_member(b, "sdsTl", 1);
	assert_int_member(b, "parts", 2);
	assert_int_member(b, "replacedCharacters", 0);
	assert_int_member(b, "concatReference", 201);
	assert_tsi(json_object_get(b, "calling"), 242, 1, 100);
	assert_null(json_object_get(b, "called"));
	m = json_object_get(b, "timestamp");
	assert_non_null(m);
	assert_bool_member(m, "utc", 0);
	assert_int_member(m, "month", 4);
	assert_int_member(m, "day", 11);
	assert_int_member(m, "hour", 10);
	assert_int_member(m, "minute", 15);
	assert_int_member(m, "timeframe", 0);
	m = json_object_get(b, "storage");
	assert_non_null(m);
	assert_int_member(m, "validityCode", 7);
	assert_int_member(m, "validitySeconds", 120);
	assert_bool_member(m, "validityInfinite", 0);
	assert_int_member(m, "forwardAddressType", 7);
	assert_null(json_object_get(m, "forwardAddress"));
	json_decref(j);

	/* no timestamp, no storage: absent, not empty objects */
	t.timestamp = NULL;
	t.storage = NULL;
	j = tb_pb_to_json(&ev.base);
	b = check_common(j, "text");
	assert_null(json_object_get(b, "timestamp"));
	assert_null(json_object_get(b, "storage"));
	json_decref(j);
}

static void test_text_incomplete(void **state)
{
	uint32_t missing[] = { 2, 4 };
	Tetrabridge__V1__Event ev;
	Tetrabridge__V1__TextIncomplete t;
	json_t *j, *b, *arr;

	init_event(&ev);
	tetrabridge__v1__text_incomplete__init(&t);
	t.reference = 201;
	t.parts_total = 4;
	t.parts_received = 2;
	t.n_missing_parts = 2;
	t.missing_parts = missing;
	t.text = "del 1 del 3";
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_TEXT_INCOMPLETE;
	ev.text_incomplete = &t;

	j = tb_pb_to_json(&ev.base);
	b = check_common(j, "textIncomplete");
	assert_int_member(b, "reference", 201);
	assert_int_member(b, "partsTotal", 4);
	assert_int_member(b, "partsReceived", 2);
	assert_str_member(b, "text", "del 1 del 3");
	assert_str_member(b, "reportRequest", "REPORT_NONE");
	arr = json_object_get(b, "missingParts");
	assert_true(json_is_array(arr));
	assert_int_equal(json_array_size(arr), 2);
	assert_int_equal(json_integer_value(json_array_get(arr, 0)), 2);
	assert_int_equal(json_integer_value(json_array_get(arr, 1)), 4);
	json_decref(j);
}

static void test_location(void **state)
{
	Tetrabridge__V1__Event ev;
	Tetrabridge__V1__Location l;
	Tetrabridge__V1__LocationTime lt;
	json_t *j, *b;

	init_event(&ev);
	tetrabridge__v1__location__init(&l);
	tetrabridge__v1__location_time__init(&lt);
	l.protocol_id = 0x0a;
	l.long_report = 1;
	l.has_position = 1;
	l.latitude = -33.875;		/* south and west: negative */
	l.longitude = -70.5;
	l.has_altitude = 1;
	l.altitude_m = -12;
	l.has_velocity = 0;
	l.time_type = 2;
	lt.day = 14;
	lt.hour = 15;
	lt.minute = 29;
	lt.second = 42;
	l.time_of_position = &lt;
	l.has_reason = 1;
	l.reason = 129;
	l.reason_text = "max reporting interval";
	l.confidence_code = 255;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_LOCATION;
	ev.location = &l;

	j = tb_pb_to_json(&ev.base);
	b = check_common(j, "location");
	assert_bool_member(b, "longReport", 1);
	assert_bool_member(b, "hasPosition", 1);
	assert_real_member(b, "latitude", -33.875);
	assert_real_member(b, "longitude", -70.5);
	assert_bool_member(b, "hasAltitude", 1);
	assert_int_member(b, "altitudeM", -12);
	assert_bool_member(b, "hasVelocity", 0);
	assert_real_member(b, "velocityKmh", 0.0);
	assert_int_member(b, "timeType", 2);
	assert_int_member(json_object_get(b, "timeOfPosition"), "second", 42);
	assert_int_member(b, "reason", 129);
	assert_str_member(b, "reasonText", "max reporting interval");
	assert_int_member(b, "confidenceCode", 255);
	assert_str_member(b, "reportRequest", "REPORT_NONE");
	json_decref(j);
}

static void test_location_control(void **state)
{
	Tetrabridge__V1__Event ev;
	Tetrabridge__V1__LocationControl c;
	json_t *j, *b;

	init_event(&ev);
	tetrabridge__v1__location_control__init(&c);
	c.protocol_id = 0x0a;
	c.kind = TETRABRIDGE__V1__LOCATION_CONTROL__KIND__IMMEDIATE_REQUEST;
	c.pdu_extension = 1;
	c.report_type = 1;
	c.pdu_name = "immediate location report request";
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_LOCATION_CONTROL;
	ev.location_control = &c;

	j = tb_pb_to_json(&ev.base);
	b = check_common(j, "locationControl");
	assert_str_member(b, "kind", "IMMEDIATE_REQUEST");
	assert_int_member(b, "pduExtension", 1);
	assert_int_member(b, "reportType", 1);
	assert_str_member(b, "pduName", "immediate location report request");
	json_decref(j);
}

static void test_delivery_report(void **state)
{
	Tetrabridge__V1__Event ev;
	Tetrabridge__V1__DeliveryReport r;
	json_t *j, *b;

	init_event(&ev);
	tetrabridge__v1__delivery_report__init(&r);
	r.protocol_id = 0x82;
	r.kind = TETRABRIDGE__V1__DELIVERY_REPORT__KIND__ACK;
	r.message_reference = 0xc9;
	r.status = 1;
	r.status_text = "receipt report ack";
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_DELIVERY_REPORT;
	ev.delivery_report = &r;

	j = tb_pb_to_json(&ev.base);
	b = check_common(j, "deliveryReport");
	assert_str_member(b, "kind", "ACK");
	assert_int_member(b, "messageReference", 0xc9);
	assert_int_member(b, "status", 1);
	assert_str_member(b, "statusText", "receipt report ack");
	assert_bool_member(b, "ackRequired", 0);
	json_decref(j);
}

static void test_send_result(void **state)
{
	Tetrabridge__V1__Event ev;
	Tetrabridge__V1__SendResult r;
	json_t *j, *b;

	init_event(&ev);
	tetrabridge__v1__send_result__init(&r);
	r.sds_instance = 3;
	r.has_status = 1;
	r.status = 4;
	r.status_text = "sent";
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_SEND_RESULT;
	ev.send_result = &r;

	j = tb_pb_to_json(&ev.base);
	b = check_common(j, "sendResult");
	assert_int_member(b, "sdsInstance", 3);
	assert_bool_member(b, "hasStatus", 1);
	assert_int_member(b, "status", 4);
	assert_str_member(b, "statusText", "sent");
	assert_bool_member(b, "hasMessageReference", 0);
	assert_int_member(b, "messageReference", 0);
	json_decref(j);
}

static void test_radio_info(void **state)
{
	Tetrabridge__V1__Event ev;
	Tetrabridge__V1__RadioInfo ri;
	Tetrabridge__V1__RadioInfo__Signal sig;
	Tetrabridge__V1__RadioInfo__Registration reg;
	json_t *j, *b, *m;

	init_event(&ev);
	tetrabridge__v1__radio_info__init(&ri);
	tetrabridge__v1__radio_info__signal__init(&sig);
	sig.rssi = 20;
	sig.ber = 99;
	sig.has_dbm = 1;
	sig.dbm = -73;
	ri.info_case = TETRABRIDGE__V1__RADIO_INFO__INFO_SIGNAL;
	ri.signal = &sig;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_RADIO_INFO;
	ev.radio_info = &ri;

	j = tb_pb_to_json(&ev.base);
	b = check_common(j, "radioInfo");
	assert_int_equal(json_object_size(b), 1);	/* only the selected member of the oneof */
	m = json_object_get(b, "signal");
	assert_int_member(m, "rssi", 20);
	assert_int_member(m, "dbm", -73);		/* sint32 */
	assert_bool_member(m, "hasDbm", 1);
	json_decref(j);

	tetrabridge__v1__radio_info__registration__init(&reg);
	reg.status = 5;
	reg.status_text = "registered, visited network";
	reg.has_network = 1;
	reg.mcc = 242;
	reg.mnc = 16;
	ri.info_case = TETRABRIDGE__V1__RADIO_INFO__INFO_REGISTRATION;
	ri.registration = &reg;
	j = tb_pb_to_json(&ev.base);
	b = check_common(j, "radioInfo");
	assert_null(json_object_get(b, "signal"));
	m = json_object_get(b, "registration");
	assert_int_member(m, "status", 5);
	assert_bool_member(m, "hasLocationArea", 0);
	assert_int_member(m, "mcc", 242);
	json_decref(j);
}

static void test_link_error(void **state)
{
	Tetrabridge__V1__Event ev;
	Tetrabridge__V1__LinkError le;
	json_t *j, *b;

	init_event(&ev);
	tetrabridge__v1__link_error__init(&le);
	le.cme_error = 31;
	le.text = "no layer-2 ack from SwMI";
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_LINK_ERROR;
	ev.link_error = &le;

	j = tb_pb_to_json(&ev.base);
	b = check_common(j, "linkError");
	assert_int_member(b, "cmeError", 31);
	assert_str_member(b, "text", "no layer-2 ack from SwMI");
	json_decref(j);
}

/* A selected oneof member whose message pointer is NULL is {}. */
static void test_oneof_null_member(void **state)
{
	Tetrabridge__V1__Event ev;
	json_t *j, *b;

	init_event(&ev);
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_CALL_RELEASE;
	ev.call_release = NULL;
	j = tb_pb_to_json(&ev.base);
	b = check_common(j, "callRelease");
	assert_true(json_is_object(b));
	assert_int_equal(json_object_size(b), 0);
	json_decref(j);
}

/* Invalid UTF-8 in a string field does not lose the event. */
static void test_invalid_utf8(void **state)
{
	Tetrabridge__V1__Event ev;
	json_t *j;

	tetrabridge__v1__event__init(&ev);
	ev.radio = "lvs\xff-1";
	ev.bridge = "\xc3\xa6gir";	/* valid: "ægir" */
	j = tb_pb_to_json(&ev.base);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "radio")), "lvs\xef\xbf\xbd-1");
	assert_string_equal(json_string_value(json_object_get(j, "bridge")), "\xc3\xa6gir");
	assert_string_equal(json_string_value(json_object_get(j, "seq")), "0");
	json_decref(j);
}

/* The unpacked form (what a subscriber sees) converts the same way. */
static void test_after_unpack(void **state)
{
	Tetrabridge__V1__Event ev, *back;
	Tetrabridge__V1__Status st;
	uint8_t buf[256];
	size_t len;
	json_t *a, *b;

	init_event(&ev);
	tetrabridge__v1__status__init(&st);
	st.value = 0x8004;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_STATUS;
	ev.status = &st;
	len = tetrabridge__v1__event__pack(&ev, buf);
	back = tetrabridge__v1__event__unpack(NULL, len, buf);
	assert_non_null(back);
	a = tb_pb_to_json(&ev.base);
	b = tb_pb_to_json(&back->base);
	assert_true(json_equal(a, b));
	json_decref(a);
	json_decref(b);
	tetrabridge__v1__event__free_unpacked(back, NULL);

	assert_null(tb_pb_to_json(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_body),
		cmocka_unit_test(test_radio_state),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_short_report),
		cmocka_unit_test(test_sds_raw),
		cmocka_unit_test(test_call_setup),
		cmocka_unit_test(test_call_connect),
		cmocka_unit_test(test_tx),
		cmocka_unit_test(test_call_release),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_text_incomplete),
		cmocka_unit_test(test_location),
		cmocka_unit_test(test_location_control),
		cmocka_unit_test(test_delivery_report),
		cmocka_unit_test(test_send_result),
		cmocka_unit_test(test_radio_info),
		cmocka_unit_test(test_link_error),
		cmocka_unit_test(test_oneof_null_member),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_after_unpack),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
