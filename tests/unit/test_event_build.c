/* ipc/event_build: every primitive -> its Event body (the contract's
 * mapping), reassembled / given-up concatenated texts, and concatenated
 * SDS: a call-out whole, anything else as its parts.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codecs/callout.h"
#include "codecs/concat.h"
#include "codecs/lip.h"
#include "codecs/pei_urc.h"
#include "ipc/event_build.h"
#include "ipc/event_kind.h"

static struct tetra_prim *prim_new(unsigned sap, unsigned primitive)
{
	struct tetra_prim *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	osmo_prim_init(&p->oph, sap, primitive, PRIM_OP_INDICATION, NULL);
	return p;
}

static struct tb_event_buf *build(const struct tetra_prim *p, int want_rc)
{
	static struct tb_event_buf b;

	tb_event_buf_init(&b);
	assert_int_equal(tb_event_from_prim(&b, p, "sim", NULL), want_rc);
	return &b;
}

static void ssi(struct tetra_identity *id, uint32_t v)
{
	memset(id, 0, sizeof(*id));
	id->type = TETRA_ID_SSI;
	id->ssi = v;
}

static void test_not_events(void **state)
{
	struct tetra_prim *p = prim_new(TETRA_SAP_TNMM, 99);

	build(p, -ENOENT);
	osmo_prim_init(&p->oph, TETRA_SAP_TNSDS, 99, PRIM_OP_INDICATION, NULL);
	build(p, -ENOENT);
	osmo_prim_init(&p->oph, TETRA_SAP_LINK, 99, PRIM_OP_INDICATION, NULL);
	build(p, -ENOENT);
	free(p);
}

/* An own identity the terminal printed unasked: published as reported,
 * never as the radio's (that is RadioState's, from the answer). */
static void test_reported_identity(void **state)
{
	struct tetra_prim *p = prim_new(0, 0);
	const Tetrabridge__V1__RadioInfo__ReportedIdentity *r;
	struct tb_event_buf *b;
	const char *line = "+CNUMF: 6,242100101234567";

	assert_int_equal(tetra_pei_decode(line, strlen(line), NULL, 0, p), 0);
	b = build(p, 0);
	assert_string_equal(tb_event_kind(&b->ev), "radio_info");
	assert_int_equal(b->ev.radio_info->info_case, TETRABRIDGE__V1__RADIO_INFO__INFO_REPORTED_IDENTITY);
	r = b->ev.radio_info->reported_identity;
	assert_int_equal(r->num_type, 6);
	assert_int_equal(r->identity->mcc, 242);
	assert_int_equal(r->identity->mnc, 1001);
	assert_int_equal(r->identity->ssi, 1234567);

	line = "+CNUMF: 6,10241638300023404";
	assert_int_equal(tetra_pei_decode(line, strlen(line), NULL, 0, p), 0);
	b = build(p, 0);
	r = b->ev.radio_info->reported_identity;
	assert_string_equal(r->identity->undecoded->text, "10241638300023404");
	assert_string_equal(r->identity->undecoded->reason, "range");
	free(p);
}

static void test_link_error(void **state)
{
	struct tetra_prim *p = prim_new(TETRA_SAP_LINK, TETRA_LINK_CME_ERROR);
	struct tb_event_buf *b;

	p->u.link.cme = 31;
	b = build(p, 0);
	assert_string_equal(tb_event_kind(&b->ev), "link_error");
	assert_int_equal(b->ev.link_error->cme_error, 31);
	assert_string_equal(b->ev.link_error->text, "no layer-2 ack from SwMI");
	free(p);
}

static void test_radio_info(void **state)
{
	struct tetra_prim *p = prim_new(TETRA_SAP_TNMM, TETRA_TNMM_SIGNAL);
	struct tb_event_buf *b;

	p->u.signal.rssi = 99;
	p->u.signal.ber = 99;
	b = build(p, 0);
	assert_string_equal(tb_event_kind(&b->ev), "radio_info");
	assert_int_equal(b->ev.radio_info->info_case, TETRABRIDGE__V1__RADIO_INFO__INFO_SIGNAL);
	assert_false(b->ev.radio_info->signal->has_dbm);

	osmo_prim_init(&p->oph, TETRA_SAP_TNMM, TETRA_TNMM_GROUP, PRIM_OP_INDICATION, NULL);
	p->u.group.group_type = 0;
	p->u.group.group.type = TETRA_ID_NONE;
	b = build(p, 0);
	assert_null(b->ev.radio_info->group->group);
	assert_string_equal(b->ev.radio_info->group->group_type_text, "none");

	osmo_prim_init(&p->oph, TETRA_SAP_TNMM, TETRA_TNMM_REGISTRATION, PRIM_OP_INDICATION, NULL);
	memset(&p->u.registration, 0, sizeof(p->u.registration));
	p->u.registration.stat = 1;
	p->u.registration.has_mni = true;
	p->u.registration.mcc = 242;
	p->u.registration.mnc = 16;
	b = build(p, 0);
	assert_int_equal(b->ev.radio_info->info_case, TETRABRIDGE__V1__RADIO_INFO__INFO_REGISTRATION);
	assert_false(b->ev.radio_info->registration->has_location_area);
	assert_true(b->ev.radio_info->registration->has_network);
	assert_int_equal(b->ev.radio_info->registration->mnc, 16);

	osmo_prim_init(&p->oph, TETRA_SAP_TNMM, TETRA_TNMM_OPERATING_MODE, PRIM_OP_INDICATION, NULL);
	p->u.mode.ai_mode = 1;
	b = build(p, 0);
	assert_string_equal(b->ev.radio_info->operating_mode->mode_text, "DMO");
	free(p);
}

/* +GPSPOS: the terminal's own position as RadioInfo.own_position, the
 * answer's text with it; a part that did not decode says why. */
static void test_own_position(void **state)
{
	struct tetra_prim *p = prim_new(0, 0);
	const Tetrabridge__V1__RadioInfo__OwnPosition *o;
	struct tb_event_buf *b;
	const char *line = "+GPSPOS: 12:34:56,N: 69_40.0000,E: 018_57.0000,7";

	assert_int_equal(tetra_pei_decode(line, strlen(line), NULL, 0, p), 0);
	b = build(p, 0);
	assert_string_equal(tb_event_kind(&b->ev), "radio_info");
	assert_int_equal(b->ev.radio_info->info_case, TETRABRIDGE__V1__RADIO_INFO__INFO_OWN_POSITION);
	o = b->ev.radio_info->own_position;
	assert_true(o->has_position);
	assert_true(o->latitude > 69.666666 && o->latitude < 69.666667);
	assert_true(o->longitude > 18.95 - 1e-9 && o->longitude < 18.95 + 1e-9);
	assert_true(o->has_time);
	assert_int_equal(o->second, 56);
	assert_true(o->has_satellites);
	assert_int_equal(o->satellites, 7);
	assert_string_equal(o->text, "12:34:56,N: 69_40.0000,E: 018_57.0000,7");
	assert_string_equal(o->decode_error, "");

	line = "+GPSPOS: --:--:--,N: 69_40.0000,E: 018_57.0000,0";
	assert_int_equal(tetra_pei_decode(line, strlen(line), NULL, 0, p), 0);
	b = build(p, 0);
	o = b->ev.radio_info->own_position;
	assert_false(o->has_time);
	assert_int_equal(o->hour, 0);
	assert_true(o->has_position);
	assert_string_equal(o->decode_error, "number");
	free(p);
}

/* The answer to AT+CMGS=?: each parameter's spans, the text with them. */
static void test_supported_values(void **state)
{
	struct tetra_prim *p = prim_new(0, 0);
	const Tetrabridge__V1__RadioInfo__SupportedValues *sv;
	Tetrabridge__V1__Event *ev;
	struct tb_event_buf *b;
	const char *line = "+CMGS: (0-255),(0,2-5),()";
	uint8_t wire[512];
	size_t n;

	assert_int_equal(tetra_pei_decode(line, strlen(line), NULL, 0, p), 0);
	b = build(p, 0);
	assert_string_equal(tb_event_kind(&b->ev), "radio_info");
	assert_int_equal(b->ev.radio_info->info_case, TETRABRIDGE__V1__RADIO_INFO__INFO_SUPPORTED_VALUES);
	sv = b->ev.radio_info->supported_values;
	assert_string_equal(sv->command, "+CMGS");
	assert_string_equal(sv->text, "(0-255),(0,2-5),()");
	assert_string_equal(sv->decode_error, "");
	assert_int_equal(sv->n_parameters, 3);
	assert_int_equal(sv->parameters[0]->n_values, 1);
	assert_int_equal(sv->parameters[0]->values[0]->high, 255);
	assert_int_equal(sv->parameters[1]->n_values, 2);
	assert_int_equal(sv->parameters[1]->values[1]->low, 2);
	assert_int_equal(sv->parameters[1]->values[1]->high, 5);
	assert_int_equal(sv->parameters[2]->n_values, 0);

	n = tetrabridge__v1__event__get_packed_size(&b->ev);
	assert_true(n <= sizeof(wire));
	tetrabridge__v1__event__pack(&b->ev, wire);
	ev = tetrabridge__v1__event__unpack(NULL, n, wire);
	assert_non_null(ev);
	assert_int_equal(ev->radio_info->supported_values->n_parameters, 3);
	assert_int_equal(ev->radio_info->supported_values->parameters[1]->values[0]->low, 0);
	tetrabridge__v1__event__free_unpacked(ev, NULL);
	free(p);
}

/* +CNUMS / +CNUMD lines as RadioInfo.identity_entry. */
static void test_identity_entry(void **state)
{
	struct tetra_prim *p = prim_new(0, 0);
	const Tetrabridge__V1__RadioInfo__IdentityEntry *e;
	struct tb_event_buf *b;
	const char *line = "+CNUMD: 1,262100100000101,\"THW\"";

	assert_int_equal(tetra_pei_decode(line, strlen(line), NULL, 0, p), 0);
	b = build(p, 0);
	assert_string_equal(tb_event_kind(&b->ev), "radio_info");
	assert_int_equal(b->ev.radio_info->info_case, TETRABRIDGE__V1__RADIO_INFO__INFO_IDENTITY_ENTRY);
	e = b->ev.radio_info->identity_entry;
	assert_int_equal(e->list, TETRABRIDGE__V1__RADIO_INFO__IDENTITY_ENTRY__LIST__DYNAMIC);
	assert_true(e->has_num_type);
	assert_int_equal(e->num_type, 1);
	assert_int_equal(e->identity->type, TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_TSI);
	assert_int_equal(e->identity->mcc, 262);
	assert_int_equal(e->identity->mnc, 1001);
	assert_int_equal(e->identity->ssi, 101);
	assert_string_equal(e->alias, "THW");
	assert_string_equal(e->decode_error, "");

	line = "+CNUMS: 3";
	assert_int_equal(tetra_pei_decode(line, strlen(line), NULL, 0, p), 0);
	b = build(p, 0);
	e = b->ev.radio_info->identity_entry;
	assert_int_equal(e->list, TETRABRIDGE__V1__RADIO_INFO__IDENTITY_ENTRY__LIST__STATIC);
	assert_null(e->identity);
	assert_false(e->has_num_type);
	assert_string_equal(e->text, "3");
	assert_string_equal(e->decode_error, "syntax");
	free(p);
}

static void test_text(void **state)
{
	struct tetra_prim *p = prim_new(TETRA_SAP_TNSDS, TETRA_TNSDS_TEXT);
	struct tetra_text_param *t = &p->u.text;
	struct tb_event_buf *b;

	ssi(&t->hdr.calling, 1234567);
	t->hdr.called.type = TETRA_ID_NONE;
	t->pid = 0x82;
	t->coding = 1;
	t->tl.present = true;
	t->tl.report_request = 1;
	t->tl.msg_ref = 0x9c;
	t->tl.storage = true;
	t->tl.validity = 31;
	t->tl.forward_type = 1;
	ssi(&t->tl.forward, 2345679);
	strcpy(t->text, "hei");
	t->text_len = 3;
	b = build(p, 0);
	assert_string_equal(tb_event_kind(&b->ev), "text");
	assert_string_equal(b->ev.text->text, "hei");
	assert_string_equal(b->ev.text->coding_name, "ISO 8859-1");
	assert_int_equal(b->ev.text->parts, 1);
	assert_true(b->ev.text->sds_tl);
	assert_int_equal(b->ev.text->message_reference, 0x9c);
	assert_int_equal(b->ev.text->report_request, TETRABRIDGE__V1__REPORT_REQUEST__REPORT_RECEIVED);
	assert_null(b->ev.text->called);
	assert_null(b->ev.text->timestamp);
	assert_non_null(b->ev.text->storage);
	assert_true(b->ev.text->storage->validity_infinite);
	assert_int_equal(b->ev.text->storage->validity_seconds, 0);
	assert_int_equal(b->ev.text->storage->forward_address->ssi, 2345679);

	/* without SDS-TL: no reference, no report request, no storage */
	memset(&t->tl, 0, sizeof(t->tl));
	t->ts.present = true;
	t->ts.timeframe = 1;
	t->ts.month = 12;
	b = build(p, 0);
	assert_false(b->ev.text->sds_tl);
	assert_int_equal(b->ev.text->report_request, TETRABRIDGE__V1__REPORT_REQUEST__REPORT_NONE);
	assert_null(b->ev.text->storage);
	assert_true(b->ev.text->timestamp->utc);
	assert_int_equal(b->ev.text->timestamp->month, 12);
	free(p);
}

static void test_concat(void **state)
{
	struct tetra_concat_message *m = calloc(1, sizeof(*m));
	struct tb_event_buf b;

	assert_non_null(m);
	ssi(&m->head.hdr.calling, 1234567);
	m->head.hdr.called.type = TETRA_ID_NONE;
	m->head.pid = 0x8a;
	m->head.coding = 26;
	m->ref = 0x10;
	m->total = 5;
	m->received = 2;
	m->have_mask = 0x5;	/* parts 1 and 3 */
	strcpy(m->text, "en tre");

	tb_event_buf_init(&b);
	tb_event_from_text_incomplete(&b, m);
	assert_string_equal(tb_event_kind(&b.ev), "text_incomplete");
	assert_int_equal(b.ev.text_incomplete->reference, 0x10);
	assert_int_equal(b.ev.text_incomplete->parts_total, 5);
	assert_int_equal(b.ev.text_incomplete->parts_received, 2);
	assert_int_equal(b.ev.text_incomplete->n_missing_parts, 3);
	assert_int_equal(b.ev.text_incomplete->missing_parts[0], 2);
	assert_int_equal(b.ev.text_incomplete->missing_parts[1], 4);
	assert_int_equal(b.ev.text_incomplete->missing_parts[2], 5);
	assert_string_equal(b.ev.text_incomplete->text, "en tre");
	assert_string_equal(b.ev.text_incomplete->coding_name, "UTF-16BE");

	m->received = 5;
	m->have_mask = 0x1f;
	tb_event_buf_init(&b);
	tb_event_from_text_message(&b, m);
	assert_string_equal(tb_event_kind(&b.ev), "text");
	assert_int_equal(b.ev.text->parts, 5);
	assert_int_equal(b.ev.text->concat_reference, 0x10);
	assert_string_equal(b.ev.text->text, "en tre");
	free(m);
}

/* ---- call-out ------------------------------------------------------------ */

#define CAPTURED_HDR "+CTSDSR: 12,262100101234567,1,262100102345678,1,824,1"
#define CAPTURED_ALERT "C300110D1657111104144C155DFF54657374FE0A546573745465737454657374546573745465737454" \
		       "657374546573745465737454657374" "0A5465737454657374546573740A5465737454657374546573" \
		       "74546573745465737454657374546573740A54657374"

/* The captured alert: a CalloutPdu, the text in UTF-8 (0xFE is U+00FE). */
static void test_callout_pdu(void **state)
{
	struct tetra_prim *p = prim_new(0, 0);
	const Tetrabridge__V1__CalloutPdu *c;
	struct tb_event_buf *b;
	uint8_t packed[2048];
	Tetrabridge__V1__Event *back;

	assert_int_equal(tetra_pei_decode(CAPTURED_HDR, strlen(CAPTURED_HDR), CAPTURED_ALERT, strlen(CAPTURED_ALERT), p),
			 0);
	b = build(p, 0);
	assert_string_equal(tb_event_kind(&b->ev), "callout_pdu");
	c = b->ev.callout_pdu;
	assert_int_equal(c->calling->mcc, 262);
	assert_int_equal(c->calling->mnc, 1001);
	assert_int_equal(c->calling->ssi, 1234567);
	assert_int_equal(c->called->ssi, 2345678);
	assert_int_equal(c->kind, 1);
	assert_int_equal(c->number, 0x65);
	assert_int_equal(c->severity, 7);
	assert_int_equal(c->lead_octet, 0x0D);
	assert_true(c->has_sender_subaddress);
	assert_int_equal(c->sender_subaddress, 0x1111);
	assert_int_equal(c->n_receiver_subaddresses, 2);
	assert_int_equal(c->receiver_subaddresses[0], 0x144C);
	assert_int_equal(c->receiver_subaddresses[1], 0x155D);
	assert_string_equal(c->text, "Test\xC3\xBE\nTestTestTestTestTestTestTestTestTest\nTestTestTest\n"
				     "TestTestTestTestTestTestTest\nTest");
	assert_int_equal(c->message_reference, 0x11);
	assert_int_equal(c->report_request, TETRABRIDGE__V1__REPORT_REQUEST__REPORT_NONE);
	assert_int_equal(c->parts, 1);
	assert_int_equal(c->meaning, TETRABRIDGE__V1__ANSWER_MEANING__MEANING_NONE);
	assert_int_equal(c->rest.len, 0);

	/* it packs, and unpacks to the same */
	assert_true(tetrabridge__v1__event__get_packed_size(&b->ev) <= sizeof(packed));
	size_t n = tetrabridge__v1__event__pack(&b->ev, packed);
	back = tetrabridge__v1__event__unpack(NULL, n, packed);
	assert_non_null(back);
	assert_int_equal(back->body_case, TETRABRIDGE__V1__EVENT__BODY_CALLOUT_PDU);
	assert_int_equal(back->callout_pdu->number, 0x65);
	assert_string_equal(back->callout_pdu->text, c->text);
	tetrabridge__v1__event__free_unpacked(back, NULL);

	/* an answer of an unknown kind with octets the layout does not explain
	 * (rest) and a report request; a NUL octet in a text is U+FFFD */
	memset(p, 0, sizeof(*p));
	osmo_prim_init(&p->oph, TETRA_SAP_TNSDS, TETRA_TNSDS_CALLOUT, PRIM_OP_INDICATION, NULL);
	ssi(&p->u.callout.hdr.calling, 1234567);
	p->u.callout.hdr.called.type = TETRA_ID_NONE;
	p->u.callout.tl.present = true;
	p->u.callout.tl.msg_ref = 9;
	p->u.callout.tl.report_request = 3;
	p->u.callout.kind = 5;
	p->u.callout.number = 200;
	p->u.callout.rest_len = 3;
	memcpy(p->u.callout.rest, "\x00\xFF\x01", 3);
	b = build(p, 0);
	c = b->ev.callout_pdu;
	assert_int_equal(c->kind, 5);
	assert_int_equal(c->number, 200);
	assert_false(c->has_sender_subaddress);
	assert_int_equal(c->n_receiver_subaddresses, 0);
	assert_string_equal(c->text, "");
	assert_null(c->called);
	assert_int_equal(c->report_request, TETRABRIDGE__V1__REPORT_REQUEST__REPORT_BOTH);
	assert_int_equal(c->rest.len, 3);
	assert_memory_equal(c->rest.data, "\x00\xFF\x01", 3);
	p->u.callout.kind = TETRA_CALLOUT_KIND_ANSWER;
	p->u.callout.rest_len = 0;
	p->u.callout.text_len = 4;
	memcpy(p->u.callout.text, "J\x00\xE5\n", 4);
	b = build(p, 0);
	assert_string_equal(b->ev.callout_pdu->text, "J\xEF\xBF\xBD\xC3\xA5\n");
	free(p);
}

/* A concatenated call-out (PID 0x8C, embedded PID 0xC3) in two parts. */
static const char *const concat_alert[2][2] = {
	{ "+CTSDSR: 12,1234567,0,2345678,0,216", "8C0030050201C30D1657111104144C155DFF50617369656E742038" },
	{ "+CTSDSR: 12,1234567,0,2345678,0,392",
	  "8C00310502023420E5722C2066616C74206920686A656D6D65742E2052696E67203131332076656420656E6472696E672E" },
};

struct collected {
	unsigned n;
	char kinds[4][24];
	char decode_error[4][24];
	uint32_t protocol_id[4];
	uint32_t parts, number, message_reference;
	char text[128];
};

static void collect(struct tb_event_buf *b, void *data)
{
	struct collected *c = data;

	assert_true(c->n < 4);
	strcpy(c->kinds[c->n], tb_event_kind(&b->ev));
	if (b->ev.body_case == TETRABRIDGE__V1__EVENT__BODY_SDS_RAW) {
		strcpy(c->decode_error[c->n], b->ev.sds_raw->decode_error);
		c->protocol_id[c->n] = b->ev.sds_raw->protocol_id;
	} else if (b->ev.body_case == TETRABRIDGE__V1__EVENT__BODY_CALLOUT_PDU) {
		c->parts = b->ev.callout_pdu->parts;
		c->number = b->ev.callout_pdu->number;
		c->message_reference = b->ev.callout_pdu->message_reference;
		strcpy(c->text, b->ev.callout_pdu->text);
	}
	c->n++;
}

static void test_concat_sds(void **state)
{
	struct tetra_concat_table *t = malloc(tetra_concat_table_size(2));
	struct tetra_concat_sds *whole = calloc(1, sizeof(*whole));
	static struct tb_event_buf b;
	struct tetra_prim p;
	struct collected c;

	assert_non_null(t);
	assert_non_null(whole);
	tetra_concat_table_init(t, 2);

	/* whole: one CalloutPdu of two parts */
	for (int i = 1; i >= 0; i--) {
		assert_int_equal(tetra_pei_decode(concat_alert[i][0], strlen(concat_alert[i][0]), concat_alert[i][1],
						  strlen(concat_alert[i][1]), &p), 0);
		assert_int_equal(p.oph.primitive, TETRA_TNSDS_UNITDATA);
		assert_int_equal(tetra_concat_add_sds(t, &p.u.unitdata, 0, whole), i == 0 ? 1 : 0);
	}
	memset(&c, 0, sizeof(c));
	assert_int_equal(tb_events_from_concat_sds(&b, whole, collect, &c), 1);
	assert_string_equal(c.kinds[0], "callout_pdu");
	assert_int_equal(c.parts, 2);
	assert_int_equal(c.number, 0x65);
	assert_int_equal(c.message_reference, 0x30);	/* part 1's */
	assert_string_equal(c.text, "Pasient 84 \xC3\xA5r, falt i hjemmet. Ring 113 ved endring.");

	/* given up with part 2 only: that part as it came, "incomplete" */
	whole->have_mask = 2;
	whole->received = 1;
	memset(&c, 0, sizeof(c));
	assert_int_equal(tb_events_from_concat_sds(&b, whole, collect, &c), 1);
	assert_string_equal(c.kinds[0], "sds");
	assert_string_equal(c.decode_error[0], "incomplete");
	assert_int_equal(c.protocol_id[0], 0x8C);

	/* whole, but the call-out does not decode: the parts, with why */
	whole->have_mask = 3;
	whole->received = 2;
	whole->len = 4;
	memset(&c, 0, sizeof(c));
	assert_int_equal(tb_events_from_concat_sds(&b, whole, collect, &c), 2);
	assert_string_equal(c.kinds[0], "sds");
	assert_string_equal(c.kinds[1], "sds");
	assert_string_equal(c.decode_error[0], "truncated");
	assert_string_equal(c.decode_error[1], "truncated");

	/* whole, of another protocol: the parts as today */
	whole->pid = 0x82;
	memset(&c, 0, sizeof(c));
	assert_int_equal(tb_events_from_concat_sds(&b, whole, collect, &c), 2);
	assert_string_equal(c.decode_error[0], "");
	assert_string_equal(c.decode_error[1], "");
	free(whole);
	free(t);
}

static void test_location(void **state)
{
	struct tetra_prim *p = prim_new(TETRA_SAP_TNSDS, TETRA_TNSDS_LOCATION);
	struct tetra_location_param *l = &p->u.location;
	struct tb_event_buf *b;

	l->hdr.calling.type = l->hdr.called.type = TETRA_ID_NONE;
	l->pid = 0x0a;
	l->long_report = true;
	l->time_type = 2;
	l->day = 14;
	l->shape = TETRA_LIP_SHAPE_POINT;
	l->has_position = true;
	l->latitude = -33.5;
	l->longitude = -70.25;
	l->position_error = TETRA_LIP_POS_ERR_UNKNOWN;
	l->has_reason = true;
	l->reason = 2;
	l->confidence = TETRA_LIP_ABSENT;
	b = build(p, 0);
	assert_string_equal(tb_event_kind(&b->ev), "location");
	assert_true(b->ev.location->has_position);
	assert_true(b->ev.location->latitude == -33.5);
	assert_true(b->ev.location->longitude == -70.25);
	/* a long report carries a position error only with shape 10 */
	assert_false(b->ev.location->has_position_error);
	assert_string_equal(b->ev.location->position_error_text, "");
	assert_false(b->ev.location->has_time_elapsed);
	assert_non_null(b->ev.location->time_of_position);
	assert_int_equal(b->ev.location->time_of_position->day, 14);
	assert_string_equal(b->ev.location->reason_text, "emergency");
	assert_int_equal(b->ev.location->confidence_code, TETRA_LIP_ABSENT);

	l->long_report = false;
	l->time_type = 1;
	l->time_elapsed = 1;
	l->position_error = 2;
	b = build(p, 0);
	assert_true(b->ev.location->has_position_error);
	assert_int_equal(b->ev.location->position_error, 2);
	assert_true(b->ev.location->has_time_elapsed);
	assert_string_equal(b->ev.location->time_elapsed_text, "<5 min");
	assert_null(b->ev.location->time_of_position);
	free(p);
}

static void test_location_control(void **state)
{
	struct tetra_prim *p = prim_new(TETRA_SAP_TNSDS, TETRA_TNSDS_LOCATION_CONTROL);
	struct tb_event_buf *b;

	p->u.location_control.hdr.calling.type = p->u.location_control.hdr.called.type = TETRA_ID_NONE;
	p->u.location_control.pdu_ext = TETRA_LIP_EXT_IMMEDIATE_REQUEST;
	p->u.location_control.request_type = 1;
	b = build(p, 0);
	assert_int_equal(b->ev.location_control->kind,
			 TETRABRIDGE__V1__LOCATION_CONTROL__KIND__IMMEDIATE_REQUEST);
	assert_int_equal(b->ev.location_control->report_type, 1);
	p->u.location_control.pdu_ext = TETRA_LIP_EXT_REPORT_ACK;
	b = build(p, 0);
	assert_int_equal(b->ev.location_control->kind, TETRABRIDGE__V1__LOCATION_CONTROL__KIND__REPORT_ACK);
	p->u.location_control.pdu_ext = TETRA_LIP_EXT_ADD_TRIGGER;
	b = build(p, 0);
	assert_int_equal(b->ev.location_control->kind, TETRABRIDGE__V1__LOCATION_CONTROL__KIND__OTHER);
	assert_int_equal(b->ev.location_control->pdu_extension, TETRA_LIP_EXT_ADD_TRIGGER);
	assert_string_equal(b->ev.location_control->pdu_name, "add/modify trigger");
	free(p);
}

static void test_reports(void **state)
{
	struct tetra_prim *p = prim_new(TETRA_SAP_TNSDS, TETRA_TNSDS_REPORT);
	struct tb_event_buf *b;

	p->u.report.hdr.calling.type = p->u.report.hdr.called.type = TETRA_ID_NONE;
	p->u.report.pid = 0x82;
	p->u.report.kind = TETRA_REPORT_SDS_ACK;
	p->u.report.status = 0x4b;
	p->u.report.msg_ref = 7;
	b = build(p, 0);
	assert_string_equal(tb_event_kind(&b->ev), "delivery_report");
	assert_int_equal(b->ev.delivery_report->kind, TETRABRIDGE__V1__DELIVERY_REPORT__KIND__ACK);
	assert_int_equal(b->ev.delivery_report->status, 0x4b);
	assert_string_equal(b->ev.delivery_report->status_text, "not registered");
	assert_int_equal(b->ev.delivery_report->message_reference, 7);

	osmo_prim_init(&p->oph, TETRA_SAP_TNSDS, TETRA_TNSDS_SEND_RESULT, PRIM_OP_INDICATION, NULL);
	memset(&p->u.send_result, 0, sizeof(p->u.send_result));
	p->u.send_result.sds_inst = 2;
	b = build(p, 0);
	assert_string_equal(tb_event_kind(&b->ev), "send_result");
	assert_false(b->ev.send_result->has_status);
	assert_string_equal(b->ev.send_result->status_text, "");
	p->u.send_result.has_status = true;
	p->u.send_result.status = 4;
	b = build(p, 0);
	assert_string_equal(b->ev.send_result->status_text, "sent");

	osmo_prim_init(&p->oph, TETRA_SAP_TNSDS, TETRA_TNSDS_UNITDATA, PRIM_OP_INDICATION, NULL);
	memset(&p->u.unitdata, 0, sizeof(p->u.unitdata));
	p->u.unitdata.hdr.calling.type = p->u.unitdata.hdr.called.type = TETRA_ID_NONE;
	p->u.unitdata.hdr.ai_service = 12;
	p->u.unitdata.len = 1;
	p->u.unitdata.data[0] = 0x0a;
	p->u.unitdata.decode_error = TETRA_E_TRUNCATED;
	b = build(p, 0);
	assert_string_equal(tb_event_kind(&b->ev), "sds");
	assert_string_equal(b->ev.sds_raw->decode_error, "truncated");
	assert_int_equal(b->ev.sds_raw->protocol_id, 0x0a);
	p->u.unitdata.decode_error = 0;
	b = build(p, 0);
	assert_string_equal(b->ev.sds_raw->decode_error, "");
	free(p);
}

/* A +CTSDSR whose calling identity does not decode still comes out, as
 * the event of its kind, the party as IDENTITY_NONE with the field and the
 * reason; through protobuf and back unchanged. */
static void test_undecoded_party(void **state)
{
	struct tetra_prim *p = prim_new(0, 0);
	Tetrabridge__V1__Event *ev;
	struct tb_event_buf *b;
	uint8_t wire[512];
	size_t n;

	assert_int_equal(tetra_pei_decode("+CTSDSR: 13,10241638300023404,1,2345678,0,16", 44, "8004", 4, p),
			 0);
	b = build(p, 0);
	assert_string_equal(tb_event_kind(&b->ev), "status");
	assert_int_equal(b->ev.status->value, 0x8004);
	assert_non_null(b->ev.status->calling);
	assert_int_equal(b->ev.status->calling->type, TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_NONE);
	assert_int_equal(b->ev.status->calling->ssi, 0);
	assert_non_null(b->ev.status->calling->undecoded);
	assert_string_equal(b->ev.status->calling->undecoded->text, "10241638300023404");
	assert_string_equal(b->ev.status->calling->undecoded->reason, "range");
	assert_null(b->ev.status->called->undecoded);
	assert_int_equal(b->ev.status->called->ssi, 2345678);

	n = tetrabridge__v1__event__get_packed_size(&b->ev);
	assert_true(n <= sizeof(wire));
	tetrabridge__v1__event__pack(&b->ev, wire);
	ev = tetrabridge__v1__event__unpack(NULL, n, wire);
	assert_non_null(ev);
	assert_string_equal(ev->status->calling->undecoded->text, "10241638300023404");
	assert_string_equal(ev->status->calling->undecoded->reason, "range");
	assert_null(ev->status->called->undecoded);
	tetrabridge__v1__event__free_unpacked(ev, NULL);

	/* the talker of a grant, and an SDS whose data line never came */
	assert_int_equal(tetra_pei_decode("+CTXG: 1,3,0,0,1,123456789", 26, NULL, 0, p), 0);
	b = build(p, 0);
	assert_string_equal(b->ev.tx->talker->undecoded->text, "123456789");
	assert_string_equal(b->ev.tx->talker->undecoded->reason, "identity");
	assert_int_equal(tetra_pei_decode("+CTSDSR: 12,123456789,0,2345678,0,32", 36, NULL, 0, p), 0);
	b = build(p, 0);
	assert_string_equal(tb_event_kind(&b->ev), "sds");
	assert_string_equal(b->ev.sds_raw->decode_error, "no_data");
	assert_int_equal(b->ev.sds_raw->bit_length, 32);
	assert_int_equal(b->ev.sds_raw->data.len, 0);
	assert_string_equal(b->ev.sds_raw->calling->undecoded->reason, "identity");
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_events),
		cmocka_unit_test(test_reported_identity),
		cmocka_unit_test(test_link_error),
		cmocka_unit_test(test_radio_info),
		cmocka_unit_test(test_own_position),
		cmocka_unit_test(test_supported_values),
		cmocka_unit_test(test_identity_entry),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_concat),
		cmocka_unit_test(test_callout_pdu),
		cmocka_unit_test(test_concat_sds),
		cmocka_unit_test(test_location),
		cmocka_unit_test(test_location_control),
		cmocka_unit_test(test_reports),
		cmocka_unit_test(test_undecoded_party),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
