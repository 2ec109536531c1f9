/* TETRA primitives -> public Event messages.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/event_build.h"

#include <errno.h>
#include <string.h>

#include "codecs/tetra_names.h"

void tb_event_buf_init(struct tb_event_buf *b)
{
	static const Tetrabridge__V1__Event ev_init = TETRABRIDGE__V1__EVENT__INIT;
	static const Tetrabridge__V1__Identity id_init = TETRABRIDGE__V1__IDENTITY__INIT;

	b->ev = ev_init;
	for (unsigned i = 0; i < 3; i++)
		b->id[i] = id_init;
}

/* Point slot i of the buffer at a copy of id; NULL when the terminal gave none. */
static Tetrabridge__V1__Identity *identity(struct tb_event_buf *b, unsigned i, const struct tetra_identity *id)
{
	Tetrabridge__V1__Identity *out = &b->id[i];

	if (id->type == TETRA_ID_NONE)
		return NULL;
	out->type = id->type;
	out->mcc = id->mcc;
	out->mnc = id->mnc;
	out->ssi = id->ssi;
	memcpy(b->digits[i], id->digits, sizeof(b->digits[i]));
	b->digits[i][sizeof(b->digits[i]) - 1] = '\0';
	out->digits = b->digits[i];
	return out;
}

static int from_link(struct tb_event_buf *b, const struct tetra_prim *prim, const char *transport,
		     const char *reason)
{
	static const Tetrabridge__V1__RadioState init = TETRABRIDGE__V1__RADIO_STATE__INIT;
	Tetrabridge__V1__RadioState *rs = &b->body.radio_state;

	*rs = init;
	rs->state = prim->oph.primitive == TETRA_LINK_UP ? TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_ONLINE
							 : TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_OFFLINE;
	rs->transport = (char *)(transport ? transport : "");
	rs->identity = identity(b, 0, &prim->u.link.own);
	rs->reason = (char *)(reason ? reason : "");
	b->ev.body_case = TETRABRIDGE__V1__EVENT__BODY_RADIO_STATE;
	b->ev.radio_state = rs;
	return 0;
}

static int from_tnsds(struct tb_event_buf *b, const struct tetra_prim *prim)
{
	switch (prim->oph.primitive) {
	case TETRA_TNSDS_STATUS: {
		static const Tetrabridge__V1__Status init = TETRABRIDGE__V1__STATUS__INIT;
		const struct tetra_status_param *p = &prim->u.status;
		Tetrabridge__V1__Status *s = &b->body.status;
		*s = init;
		s->calling = identity(b, 0, &p->hdr.calling);
		s->called = identity(b, 1, &p->hdr.called);
		s->value = p->value;
		b->ev.body_case = TETRABRIDGE__V1__EVENT__BODY_STATUS;
		b->ev.status = s;
		return 0;
	}
	case TETRA_TNSDS_SHORT_REPORT: {
		static const Tetrabridge__V1__ShortReport init = TETRABRIDGE__V1__SHORT_REPORT__INIT;
		const struct tetra_short_report_param *p = &prim->u.short_report;
		Tetrabridge__V1__ShortReport *s = &b->body.short_report;
		*s = init;
		s->calling = identity(b, 0, &p->hdr.calling);
		s->called = identity(b, 1, &p->hdr.called);
		s->type = p->report_type;
		s->message_reference = p->msg_ref;
		b->ev.body_case = TETRABRIDGE__V1__EVENT__BODY_SHORT_REPORT;
		b->ev.short_report = s;
		return 0;
	}
	case TETRA_TNSDS_UNITDATA: {
		static const Tetrabridge__V1__SdsRaw init = TETRABRIDGE__V1__SDS_RAW__INIT;
		const struct tetra_sds_unitdata_param *p = &prim->u.unitdata;
		Tetrabridge__V1__SdsRaw *s = &b->body.sds_raw;
		*s = init;
		s->calling = identity(b, 0, &p->hdr.calling);
		s->called = identity(b, 1, &p->hdr.called);
		s->ai_service = p->hdr.ai_service;
		s->bit_length = p->hdr.bit_len;
		s->data.data = (uint8_t *)p->data;
		s->data.len = p->len;
		if (p->hdr.ai_service == TETRA_AI_SDS_TYPE4 && p->len > 0)
			s->protocol_id = p->data[0];
		b->ev.body_case = TETRABRIDGE__V1__EVENT__BODY_SDS_RAW;
		b->ev.sds_raw = s;
		return 0;
	}
	}
	return -ENOENT;
}

static int from_tncc(struct tb_event_buf *b, const struct tetra_prim *prim)
{
	switch (prim->oph.primitive) {
	case TETRA_TNCC_SETUP: {
		static const Tetrabridge__V1__CallSetup init = TETRABRIDGE__V1__CALL_SETUP__INIT;
		const struct tetra_cc_setup_param *p = &prim->u.cc_setup;
		Tetrabridge__V1__CallSetup *c = &b->body.call_setup;
		*c = init;
		c->call_id = p->cc_inst;
		c->calling = identity(b, 0, &p->calling);
		c->called = identity(b, 1, &p->called);
		c->group = p->comms_type != 0;	/* point-to-multipoint or broadcast */
		c->simplex = p->simplex;
		c->hook = p->hook;
		c->encrypted = p->e2ee;
		c->priority = p->priority;
		c->call_status = p->call_status;
		c->ai_service = p->ai_service;
		b->ev.body_case = TETRABRIDGE__V1__EVENT__BODY_CALL_SETUP;
		b->ev.call_setup = c;
		return 0;
	}
	case TETRA_TNCC_CONNECT: {
		static const Tetrabridge__V1__CallConnect init = TETRABRIDGE__V1__CALL_CONNECT__INIT;
		const struct tetra_cc_connect_param *p = &prim->u.cc_connect;
		Tetrabridge__V1__CallConnect *c = &b->body.call_connect;
		*c = init;
		c->call_id = p->cc_inst;
		c->simplex = p->simplex;
		c->hook = p->hook;
		c->encrypted = p->e2ee;
		b->ev.body_case = TETRABRIDGE__V1__EVENT__BODY_CALL_CONNECT;
		b->ev.call_connect = c;
		return 0;
	}
	case TETRA_TNCC_TX: {
		static const Tetrabridge__V1__TxChange init = TETRABRIDGE__V1__TX_CHANGE__INIT;
		const struct tetra_cc_tx_param *p = &prim->u.cc_tx;
		Tetrabridge__V1__TxChange *t = &b->body.tx;
		*t = init;
		t->call_id = p->cc_inst;
		t->kind = p->kind;	/* enum tetra_tx_kind mirrors TxChange.Kind */
		t->grant = p->tx_grant;
		t->talker = identity(b, 0, &p->talker);
		t->encrypted = p->e2ee;
		b->ev.body_case = TETRABRIDGE__V1__EVENT__BODY_TX;
		b->ev.tx = t;
		return 0;
	}
	case TETRA_TNCC_RELEASE: {
		static const Tetrabridge__V1__CallRelease init = TETRABRIDGE__V1__CALL_RELEASE__INIT;
		const struct tetra_cc_release_param *p = &prim->u.cc_release;
		Tetrabridge__V1__CallRelease *r = &b->body.call_release;
		*r = init;
		r->call_id = p->cc_inst;
		r->cause = p->cause;
		r->cause_text = (char *)tetra_disconnect_cause_name(p->cause);
		b->ev.body_case = TETRABRIDGE__V1__EVENT__BODY_CALL_RELEASE;
		b->ev.call_release = r;
		return 0;
	}
	}
	return -ENOENT;
}

int tb_event_from_prim(struct tb_event_buf *b, const struct tetra_prim *prim, const char *transport,
		       const char *reason)
{
	switch (prim->oph.sap) {
	case TETRA_SAP_LINK:
		return from_link(b, prim, transport, reason);
	case TETRA_SAP_TNSDS:
		return from_tnsds(b, prim);
	case TETRA_SAP_TNCC:
		return from_tncc(b, prim);
	default:
		return -ENOENT;
	}
}
