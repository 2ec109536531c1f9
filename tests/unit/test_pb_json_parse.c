/* tb_pb_from_json: every Command tetra-web sends for a page goes
 * message -> JSON -> message and packs to the same bytes; the mapping's
 * lenient forms are read; and a table of refusals, each with a sentence
 * that names the field.
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

static void tsi(Tetrabridge__V1__Identity *id, uint32_t mcc, uint32_t mnc, uint32_t ssi)
{
	tetrabridge__v1__identity__init(id);
	id->type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_TSI;
	id->mcc = mcc;
	id->mnc = mnc;
	id->ssi = ssi;
}

/* to_json -> from_json -> pack: the same bytes as packing cmd. */
static void round_trip(const Tetrabridge__V1__Command *cmd)
{
	size_t n1 = tetrabridge__v1__command__get_packed_size(cmd), n2;
	uint8_t *b1 = malloc(n1 + 1), *b2;
	char err[256] = "unset";
	json_t *j = tb_pb_to_json(&cmd->base);
	ProtobufCMessage *back;

	assert_non_null(j);
	tetrabridge__v1__command__pack(cmd, b1);
	back = tb_pb_from_json(&tetrabridge__v1__command__descriptor, j, err, sizeof(err));
	if (!back)
		fail_msg("not read back: %s", err);
	assert_string_equal(err, "");
	n2 = protobuf_c_message_get_packed_size(back);
	b2 = malloc(n2 + 1);
	protobuf_c_message_pack(back, b2);
	assert_int_equal(n1, n2);
	assert_memory_equal(b1, b2, n1);
	/* and the same JSON again */
	json_t *j2 = tb_pb_to_json(back);
	assert_true(json_equal(j, j2));
	json_decref(j2);
	protobuf_c_message_free_unpacked(back, NULL);
	json_decref(j);
	free(b1);
	free(b2);
}

static void command(Tetrabridge__V1__Command *cmd, Tetrabridge__V1__Actor *actor)
{
	tetrabridge__v1__command__init(cmd);
	tetrabridge__v1__actor__init(actor);
	cmd->request_id = UINT64_MAX - 7;	/* beyond 2^53 */
	actor->name = "kari";
	actor->role = TETRABRIDGE__V1__ROLE__ROLE_DISPATCHER;
	cmd->on_behalf_of = actor;
}

static void test_send_commands(void **state)
{
	Tetrabridge__V1__Command cmd;
	Tetrabridge__V1__Actor actor;
	Tetrabridge__V1__Identity to;
	Tetrabridge__V1__SendStatus ss;
	Tetrabridge__V1__SendText st;

	(void)state;
	tsi(&to, 242, 1, 1234567);
	command(&cmd, &actor);
	tetrabridge__v1__send_status__init(&ss);
	ss.radio = "lvs-1";
	ss.to = &to;
	ss.value = 0;		/* emergency: a default that must survive */
	ss.deadline_s = 30;
	ss.queue_if_offline = 1;
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_SEND_STATUS;
	cmd.send_status = &ss;
	round_trip(&cmd);

	command(&cmd, &actor);
	tetrabridge__v1__send_text__init(&st);
	st.radio = "lvs-1";
	st.to = &to;
	st.text = "Ring legevakta \xc3\xa6\xc3\xb8\xc3\xa5 \xe2\x9c\x93";
	st.report = TETRABRIDGE__V1__REPORT_REQUEST__REPORT_BOTH;
	st.immediate = 1;
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_SEND_TEXT;
	cmd.send_text = &st;
	round_trip(&cmd);
}

static void test_callout_commands(void **state)
{
	Tetrabridge__V1__Command cmd;
	Tetrabridge__V1__Actor actor;
	Tetrabridge__V1__Identity r[3], one;
	Tetrabridge__V1__Identity *rp[3] = { &r[0], &r[1], &r[2] };
	Tetrabridge__V1__CalloutCreate cc;
	Tetrabridge__V1__CalloutCancel can;
	Tetrabridge__V1__CalloutAddResponder add;
	Tetrabridge__V1__CalloutRealert re;
	Tetrabridge__V1__CalloutSetState set;
	Tetrabridge__V1__CalloutClose cl;
	Tetrabridge__V1__CalloutAck ack;
	Tetrabridge__V1__CalloutShow show;
	Tetrabridge__V1__CalloutBoard board;

	(void)state;
	tsi(&r[0], 242, 1, 1001);
	tsi(&r[1], 242, 1, 1002);
	tetrabridge__v1__identity__init(&r[2]);
	r[2].type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_SSI;
	r[2].ssi = 9000;	/* a group */
	tsi(&one, 242, 1, 1003);

	command(&cmd, &actor);
	tetrabridge__v1__callout_create__init(&cc);
	cc.radio = "lvs-1";
	cc.severity = 15;
	cc.text = "Hjertestans Storgata 1";
	cc.n_responders = 3;
	cc.responders = rp;
	cc.required = 2;
	cc.plan = "rød";
	cc.method = TETRABRIDGE__V1__ALERT_METHOD__ALERT_CALLOUT;
	cc.override = 1;
	cc.test = 1;
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_CREATE;
	cmd.callout_create = &cc;
	round_trip(&cmd);

	command(&cmd, &actor);
	tetrabridge__v1__callout_cancel__init(&can);
	can.id = 1ull << 60;
	can.reason = "feil adresse";
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_CANCEL;
	cmd.callout_cancel = &can;
	round_trip(&cmd);

	command(&cmd, &actor);
	tetrabridge__v1__callout_add_responder__init(&add);
	add.id = 7;
	add.responder = &one;
	add.override = 1;
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_ADD;
	cmd.callout_add = &add;
	round_trip(&cmd);

	command(&cmd, &actor);
	tetrabridge__v1__callout_realert__init(&re);
	re.id = 7;
	re.responder = &one;
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_REALERT;
	cmd.callout_realert = &re;
	round_trip(&cmd);

	command(&cmd, &actor);
	tetrabridge__v1__callout_set_state__init(&set);
	set.id = 7;
	set.responder = &one;
	set.state = TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_EN_ROUTE;
	set.reason = "bekreftet på telefon";
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_SET;
	cmd.callout_set = &set;
	round_trip(&cmd);

	command(&cmd, &actor);
	tetrabridge__v1__callout_close__init(&cl);
	cl.id = 7;
	cl.outcome = TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_HANDED_TO_AMBULANCE;
	cl.reason = "";
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_CLOSE;
	cmd.callout_close = &cl;
	round_trip(&cmd);

	command(&cmd, &actor);
	tetrabridge__v1__callout_ack__init(&ack);
	ack.id = 7;
	ack.reason = "sett";
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_ACK;
	cmd.callout_ack = &ack;
	round_trip(&cmd);

	command(&cmd, &actor);
	tetrabridge__v1__callout_show__init(&show);
	show.id = 7;
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_SHOW;
	cmd.callout_show = &show;
	round_trip(&cmd);

	command(&cmd, &actor);
	tetrabridge__v1__callout_board__init(&board);
	board.after_id = 0;
	cmd.command_case = TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_BOARD;
	cmd.callout_board = &board;
	round_trip(&cmd);
}

/* Events too: doubles, bytes, repeated scalars, nested oneofs. */
static void test_event_round_trip(void **state)
{
	Tetrabridge__V1__Event ev;
	Tetrabridge__V1__SdsRaw raw;
	Tetrabridge__V1__Location loc;
	uint8_t data[] = { 0x00, 0xff, 0x10, 0x82, 0x7f };
	char err[256];

	(void)state;
	tetrabridge__v1__event__init(&ev);
	ev.seq = 42;
	ev.time_us = 1700000000123456ull;
	ev.bridge = "b";
	ev.radio = "r";
	for (size_t len = 0; len <= sizeof(data); len++) {
		tetrabridge__v1__sds_raw__init(&raw);
		raw.data.data = len ? data : NULL;
		raw.data.len = len;
		raw.ai_service = 12;
		ev.body_case = TETRABRIDGE__V1__EVENT__BODY_SDS_RAW;
		ev.sds_raw = &raw;
		json_t *j = tb_pb_to_json(&ev.base);
		Tetrabridge__V1__Event *back = (Tetrabridge__V1__Event *)tb_pb_from_json(
			&tetrabridge__v1__event__descriptor, j, err, sizeof(err));
		assert_non_null(back);
		assert_int_equal(back->sds_raw->data.len, len);
		if (len)
			assert_memory_equal(back->sds_raw->data.data, data, len);
		protobuf_c_message_free_unpacked(&back->base, NULL);
		json_decref(j);
	}

	tetrabridge__v1__location__init(&loc);
	loc.has_position = 1;
	loc.latitude = 59.91273;
	loc.longitude = -10.74609;
	loc.altitude_m = -12;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_LOCATION;
	ev.location = &loc;
	json_t *j = tb_pb_to_json(&ev.base);
	Tetrabridge__V1__Event *back =
		(Tetrabridge__V1__Event *)tb_pb_from_json(&tetrabridge__v1__event__descriptor, j, err, sizeof(err));
	assert_non_null(back);
	assert_true(back->location->latitude == 59.91273);
	assert_true(back->location->longitude == -10.74609);
	assert_int_equal(back->location->altitude_m, -12);
	protobuf_c_message_free_unpacked(&back->base, NULL);
	json_decref(j);
}

static Tetrabridge__V1__Command *parse_command(const char *text, char *err, size_t size)
{
	json_error_t je;
	json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	ProtobufCMessage *m;

	if (!j)
		fail_msg("test JSON does not parse: %s: %s", text, je.text);
	m = tb_pb_from_json(&tetrabridge__v1__command__descriptor, j, err, size);
	json_decref(j);
	return (Tetrabridge__V1__Command *)m;
}

/* What the page may write that the mapping allows besides our own output. */
static void test_lenient_forms(void **state)
{
	char err[256];
	Tetrabridge__V1__Command *c;

	(void)state;
	c = parse_command("{\"request_id\": 12, \"callout_ack\": {\"id\": 7, \"reason\": null}}", err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(c->request_id, 12);
	assert_int_equal(c->command_case, TETRABRIDGE__V1__COMMAND__COMMAND_CALLOUT_ACK);
	assert_int_equal(c->callout_ack->id, 7);
	assert_string_equal(c->callout_ack->reason, "");
	protobuf_c_message_free_unpacked(&c->base, NULL);

	c = parse_command("{\"calloutSet\": {\"id\": \"9\", \"state\": 8, \"responder\": {\"ssi\": \"1001\","
			  " \"type\": \"IDENTITY_SSI\"}, \"reason\": \"x\"}}", err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(c->callout_set->state, TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_ON_SCENE);
	assert_int_equal(c->callout_set->responder->ssi, 1001);
	protobuf_c_message_free_unpacked(&c->base, NULL);

	/* an empty message as a oneof member: ListRadios */
	c = parse_command("{\"listRadios\": {}}", err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(c->command_case, TETRABRIDGE__V1__COMMAND__COMMAND_LIST_RADIOS);
	assert_non_null(c->list_radios);
	protobuf_c_message_free_unpacked(&c->base, NULL);

	/* an unset oneof: allowed by the mapping (the bridge answers it) */
	c = parse_command("{}", err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(c->command_case, TETRABRIDGE__V1__COMMAND__COMMAND__NOT_SET);
	protobuf_c_message_free_unpacked(&c->base, NULL);

	/* repeated: URL-safe base64 without padding, an array of uint32 */
	json_t *j = json_loads("{\"data\": \"AP8Qgn8\", \"aiService\": 12}", 0, NULL);
	Tetrabridge__V1__SdsRaw *raw =
		(Tetrabridge__V1__SdsRaw *)tb_pb_from_json(&tetrabridge__v1__sds_raw__descriptor, j, err, sizeof(err));
	assert_non_null(raw);
	assert_int_equal(raw->data.len, 5);
	assert_memory_equal(raw->data.data, "\x00\xff\x10\x82\x7f", 5);
	protobuf_c_message_free_unpacked(&raw->base, NULL);
	json_decref(j);
}

static const struct refusal {
	const char *json;
	const char *says;	/* a part of the sentence */
} refusals[] = {
	{ "[]", "the message: expected an object" },
	{ "{\"calloutAck\": {\"id\": 7}, \"calloutShow\": {\"id\": 7}}", "\"calloutShow\": only one of a group" },
	{ "{\"callout_ack\": {\"id\": 7}, \"calloutShow\": {\"id\": 7}}", "only one of a group may be set, and \"calloutAck\"" },
	{ "{\"requestId\": 1, \"request_id\": 2}", "\"request_id\": is given twice" },
	{ "{\"nonsense\": 1}", "field \"nonsense\": Command has no such field" },
	{ "{\"calloutAck\": {\"idd\": 7}}", "field \"calloutAck.idd\": CalloutAck has no such field" },
	{ "{\"calloutAck\": {\"id\": \"x\"}}", "field \"calloutAck.id\": \"x\" is not a non-negative integer" },
	{ "{\"calloutAck\": {\"id\": -1}}", "field \"calloutAck.id\": -1 is negative" },
	{ "{\"calloutAck\": {\"id\": 1.5}}", "\"calloutAck.id\": 1.5 is not" },
	{ "{\"calloutAck\": {\"id\": \"18446744073709551616\"}}", "not an integer in range" },
	{ "{\"calloutAck\": {\"id\": true}}", "expected an integer, got a boolean" },
	{ "{\"calloutAck\": {\"id\": 7, \"reason\": 5}}", "\"calloutAck.reason\": expected a string, got a number" },
	{ "{\"calloutAck\": 7}", "\"calloutAck\": expected an object (CalloutAck), got a number" },
	{ "{\"sendStatus\": {\"value\": 4294967296}}", "\"sendStatus.value\": 4294967296 is out of range" },
	{ "{\"sendStatus\": {\"queueIfOffline\": 1}}", "\"sendStatus.queueIfOffline\": expected true or false" },
	{ "{\"sendText\": {\"report\": \"REPORT_SOMETIMES\"}}", "\"sendText.report\": \"REPORT_SOMETIMES\" is not a value of" },
	{ "{\"sendText\": {\"report\": {}}}", "\"sendText.report\": expected a name of" },
	{ "{\"sendText\": {\"text\": \"a\\u0000b\"}}", "\"sendText.text\": holds a NUL character" },
	{ "{\"calloutCreate\": {\"responders\": {}}}", "\"calloutCreate.responders\": expected an array" },
	{ "{\"calloutCreate\": {\"responders\": [{\"ssi\": 1}, null]}}", "\"calloutCreate.responders[1]\": null is not" },
	{ "{\"calloutCreate\": {\"responders\": [{\"ssi\": 1}, {\"ssi\": -5}]}}", "\"calloutCreate.responders[1].ssi\": -5 is negative" },
	{ "{\"calloutCreate\": {\"responders\": [{\"ssi\": 1}, {\"mcc\": 1, \"x\": 1}]}}", "\"calloutCreate.responders[1].x\": Identity has no such" },
	{ "{\"onBehalfOf\": {\"role\": \"ROLE_KING\"}}", "\"onBehalfOf.role\": \"ROLE_KING\" is not a value of tetrabridge.v1.Role" },
	{ "{\"onBehalfOf\": {\"role\": 2147483648}}", "out of range" },
};

static void test_refusals(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		char err[256] = "";
		Tetrabridge__V1__Command *c = parse_command(refusals[i].json, err, sizeof(err));

		if (c)
			fail_msg("accepted: %s", refusals[i].json);
		if (!strstr(err, refusals[i].says))
			fail_msg("%s: said \"%s\", not \"%s\"", refusals[i].json, err, refusals[i].says);
	}
}

static void test_refusals_of_other_types(void **state)
{
	char err[256];
	json_t *j;

	(void)state;
	/* bytes */
	j = json_loads("{\"data\": \"A*==\"}", 0, NULL);
	assert_null(tb_pb_from_json(&tetrabridge__v1__sds_raw__descriptor, j, err, sizeof(err)));
	assert_non_null(strstr(err, "field \"data\": is not base64"));
	json_decref(j);
	j = json_loads("{\"data\": \"A\"}", 0, NULL);
	assert_null(tb_pb_from_json(&tetrabridge__v1__sds_raw__descriptor, j, err, sizeof(err)));
	assert_non_null(strstr(err, "is not base64"));
	json_decref(j);
	/* double */
	j = json_loads("{\"latitude\": \"north\"}", 0, NULL);
	assert_null(tb_pb_from_json(&tetrabridge__v1__location__descriptor, j, err, sizeof(err)));
	assert_string_equal(err, "field \"latitude\": \"north\" is not a number");
	json_decref(j);
	j = json_loads("{\"latitude\": \"NaN\", \"longitude\": \"-Infinity\", \"altitudeM\": \"-3\"}", 0, NULL);
	Tetrabridge__V1__Location *loc =
		(Tetrabridge__V1__Location *)tb_pb_from_json(&tetrabridge__v1__location__descriptor, j, err, sizeof(err));
	assert_non_null(loc);
	assert_true(loc->latitude != loc->latitude);
	assert_true(loc->longitude < -1e308);
	assert_int_equal(loc->altitude_m, -3);
	protobuf_c_message_free_unpacked(&loc->base, NULL);
	json_decref(j);
}

/* A message that holds itself: the contract has none, so one is made
 * here to show that nesting is bounded. */
struct node {
	ProtobufCMessage base;
	ProtobufCMessage *next;
};
static const ProtobufCMessageDescriptor node_desc;
static const ProtobufCFieldDescriptor node_fields[1] = {
	{ .name = "next", .id = 1, .label = PROTOBUF_C_LABEL_NONE, .type = PROTOBUF_C_TYPE_MESSAGE,
	  .offset = offsetof(struct node, next), .descriptor = &node_desc },
};
static const unsigned node_index[1] = { 0 };
static const ProtobufCIntRange node_ranges[2] = { { 1, 0 }, { 0, 1 } };
static void node_init(ProtobufCMessage *m)
{
	struct node *n = (struct node *)m;

	n->base = (ProtobufCMessage)PROTOBUF_C_MESSAGE_INIT(&node_desc);
	n->next = NULL;
}
static const ProtobufCMessageDescriptor node_desc = {
	.magic = PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC, .name = "t.Node", .short_name = "Node",
	.c_name = "Node", .package_name = "t", .sizeof_message = sizeof(struct node), .n_fields = 1,
	.fields = node_fields, .fields_sorted_by_name = node_index, .n_field_ranges = 1,
	.field_ranges = node_ranges, .message_init = (ProtobufCMessageInit)node_init,
};

static json_t *nested(unsigned levels)
{
	json_t *j = json_object();

	for (unsigned i = 0; i < levels; i++) {
		json_t *outer = json_object();
		json_object_set_new(outer, "next", j);
		j = outer;
	}
	return j;
}

static void test_depth(void **state)
{
	char err[256];
	json_t *j = json_loads("{\"callout\": {\"callout\": {\"responders\": [{\"position\": {\"seq\": \"1\"}}]}}}", 0,
			       NULL);
	ProtobufCMessage *m = tb_pb_from_json(&tetrabridge__v1__event__descriptor, j, err, sizeof(err));

	(void)state;
	assert_non_null(m);
	protobuf_c_message_free_unpacked(m, NULL);
	json_decref(j);

	j = nested(TB_PB_JSON_MAX_DEPTH);
	m = tb_pb_from_json(&node_desc, j, err, sizeof(err));
	assert_non_null(m);
	protobuf_c_message_free_unpacked(m, NULL);
	json_decref(j);
	j = nested(TB_PB_JSON_MAX_DEPTH + 1);
	assert_null(tb_pb_from_json(&node_desc, j, err, sizeof(err)));
	assert_non_null(strstr(err, "nested deeper than"));
	assert_non_null(strstr(err, "field \"next.next.next"));
	json_decref(j);

	assert_null(tb_pb_from_json(NULL, NULL, err, sizeof(err)));
	assert_string_equal(err, "the message: nothing to read");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_send_commands),
		cmocka_unit_test(test_callout_commands),
		cmocka_unit_test(test_event_round_trip),
		cmocka_unit_test(test_lenient_forms),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_refusals_of_other_types),
		cmocka_unit_test(test_depth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
