/* TETRA primitives -> public Event messages.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "ipc/event_build.h"

#include <errno.h>
#include <string.h>

#include "codecs/callout.h"
#include "codecs/lip.h"
#include "codecs/sds_tl.h"
#include "codecs/tetra_names.h"
#include "codecs/text.h"

void tb_event_buf_init(struct tb_event_buf *b)
{
	static const Tetrabridge__V1__Event ev_init = TETRABRIDGE__V1__EVENT__INIT;
	static const Tetrabridge__V1__Identity id_init = TETRABRIDGE__V1__IDENTITY__INIT;

	b->ev = ev_init;
	for (unsigned i = 0; i < 3; i++)
		b->id[i] = id_init;
}

/* protobuf-c wants char * for strings it never writes to. */
static inline char *str(const char *s)
{
	return (char *)(s ? s : "");
}

/* Point slot i of the buffer at a copy of id; NULL when the terminal gave
 * none. A field that did not decode: type NONE with the field and the
 * reason in undecoded. */
static Tetrabridge__V1__Identity *identity(struct tb_event_buf *b, unsigned i, const struct tetra_identity *id)
{
	static const Tetrabridge__V1__Undecoded und_init = TETRABRIDGE__V1__UNDECODED__INIT;
	Tetrabridge__V1__Identity *out = &b->id[i];

	if (id->type == TETRA_ID_NONE)
		return NULL;
	memcpy(b->digits[i], id->digits, sizeof(b->digits[i]));
	b->digits[i][sizeof(b->digits[i]) - 1] = '\0';
	if (id->type == TETRA_ID_UNDECODED) {
		Tetrabridge__V1__Undecoded *u = &b->undecoded[i];
		*u = und_init;
		u->text = b->digits[i];
		u->reason = str(tetra_codec_strerror(id->error));
		out->type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_NONE;
		out->undecoded = u;
		return out;
	}
	out->type = id->type;
	out->mcc = id->mcc;
	out->mnc = id->mnc;
	out->ssi = id->ssi;
	out->digits = b->digits[i];
	return out;
}

static int from_link(struct tb_event_buf *b, const struct tetra_prim *prim, const char *transport,
		     const char *reason)
{
	static const Tetrabridge__V1__RadioState init = TETRABRIDGE__V1__RADIO_STATE__INIT;
	Tetrabridge__V1__RadioState *rs = &b->body.radio_state;

	if (prim->oph.primitive == TETRA_LINK_CME_ERROR) {
		static const Tetrabridge__V1__LinkError le_init = TETRABRIDGE__V1__LINK_ERROR__INIT;
		Tetrabridge__V1__LinkError *le = &b->body.link_error;
		unsigned n = prim->u.link.cme < 0 ? 0 : (unsigned)prim->u.link.cme;
		*le = le_init;
		le->cme_error = n;
		le->text = str(tetra_cme_error_name(n));
		b->ev.body_case = TETRABRIDGE__V1__EVENT__BODY_LINK_ERROR;
		b->ev.link_error = le;
		return 0;
	}
	if (prim->oph.primitive != TETRA_LINK_UP && prim->oph.primitive != TETRA_LINK_DOWN)
		return -ENOENT;
	*rs = init;
	rs->state = prim->oph.primitive == TETRA_LINK_UP ? TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_ONLINE
							 : TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_OFFLINE;
	rs->transport = str(transport);
	rs->identity = identity(b, 0, &prim->u.link.own);
	rs->reason = str(reason);
	b->ev.body_case = TETRABRIDGE__V1__EVENT__BODY_RADIO_STATE;
	b->ev.radio_state = rs;
	return 0;
}

/* ---- SDS: text, location ---------------------------------------------- */

static Tetrabridge__V1__SdsStorage *storage(struct tb_event_buf *b, const struct tetra_sds_tl *tl)
{
	static const Tetrabridge__V1__SdsStorage init = TETRABRIDGE__V1__SDS_STORAGE__INIT;
	Tetrabridge__V1__SdsStorage *s = &b->storage;

	if (!tl->present || !tl->storage)
		return NULL;
	*s = init;
	s->validity_code = tl->validity;
	s->validity_infinite = tetra_sds_validity_s(tl->validity) == UINT32_MAX;
	s->validity_seconds = s->validity_infinite ? 0 : tetra_sds_validity_s(tl->validity);
	s->forward_address_type = tl->forward_type;
	s->forward_address = identity(b, 2, &tl->forward);
	return s;
}

static Tetrabridge__V1__TextTimestamp *timestamp(struct tb_event_buf *b, const struct tetra_timestamp *ts)
{
	static const Tetrabridge__V1__TextTimestamp init = TETRABRIDGE__V1__TEXT_TIMESTAMP__INIT;
	Tetrabridge__V1__TextTimestamp *t = &b->timestamp;

	if (!ts->present)
		return NULL;
	*t = init;
	t->utc = ts->timeframe == 1;
	t->month = ts->month;
	t->day = ts->day;
	t->hour = ts->hour;
	t->minute = ts->minute;
	t->timeframe = ts->timeframe;
	return t;
}

static Tetrabridge__V1__ReportRequest report_request(const struct tetra_sds_tl *tl)
{
	return tl->present ? (Tetrabridge__V1__ReportRequest)(tl->report_request & 3)
			   : TETRABRIDGE__V1__REPORT_REQUEST__REPORT_NONE;
}

/* Everything of a Text but the text itself and the part count. */
static Tetrabridge__V1__Text *text_common(struct tb_event_buf *b, const struct tetra_text_param *p)
{
	static const Tetrabridge__V1__Text init = TETRABRIDGE__V1__TEXT__INIT;
	Tetrabridge__V1__Text *t = &b->body.text;

	*t = init;
	t->calling = identity(b, 0, &p->hdr.calling);
	t->called = identity(b, 1, &p->hdr.called);
	t->protocol_id = p->pid;
	t->coding_scheme = p->coding;
	t->coding_name = str(tetra_text_coding_name(p->coding));
	t->timestamp = timestamp(b, &p->ts);
	t->sds_tl = p->tl.present;
	t->message_reference = p->tl.present ? p->tl.msg_ref : 0;
	t->report_request = report_request(&p->tl);
	t->immediate = p->immediate;
	t->replaced_characters = p->replaced;
	t->storage = storage(b, &p->tl);
	b->ev.body_case = TETRABRIDGE__V1__EVENT__BODY_TEXT;
	b->ev.text = t;
	return t;
}

static void text_from_param(struct tb_event_buf *b, const struct tetra_text_param *p)
{
	Tetrabridge__V1__Text *t = text_common(b, p);

	t->text = str(p->text);
	t->parts = 1;
}

void tb_event_from_text_message(struct tb_event_buf *b, const struct tetra_concat_message *m)
{
	Tetrabridge__V1__Text *t = text_common(b, &m->head);

	t->text = str(m->text);
	t->parts = m->total;
	t->concat_reference = m->ref;
}

void tb_event_from_text_incomplete(struct tb_event_buf *b, const struct tetra_concat_message *m)
{
	static const Tetrabridge__V1__TextIncomplete init = TETRABRIDGE__V1__TEXT_INCOMPLETE__INIT;
	Tetrabridge__V1__TextIncomplete *t = &b->body.text_incomplete;
	const struct tetra_text_param *p = &m->head;
	size_t n = 0;

	*t = init;
	t->calling = identity(b, 0, &p->hdr.calling);
	t->called = identity(b, 1, &p->hdr.called);
	t->protocol_id = p->pid;
	t->reference = m->ref;
	t->parts_total = m->total;
	t->parts_received = m->received;
	/* have_mask: bit k = part k + 1 received (total <= TETRA_CONCAT_MAX_PARTS). */
	for (unsigned part = 1; part <= m->total && n < TB_EVENT_MAX_PARTS; part++) {
		bool have = part <= 32 && (m->have_mask >> (part - 1)) & 1;
		if (!have)
			b->missing_parts[n++] = part;
	}
	t->n_missing_parts = n;
	t->missing_parts = b->missing_parts;
	t->text = str(m->text);
	t->coding_scheme = p->coding;
	t->coding_name = str(tetra_text_coding_name(p->coding));
	t->timestamp = timestamp(b, &p->ts);
	t->message_reference = p->tl.present ? p->tl.msg_ref : 0;
	t->report_request = report_request(&p->tl);
	b->ev.body_case = TETRABRIDGE__V1__EVENT__BODY_TEXT_INCOMPLETE;
	b->ev.text_incomplete = t;
}

/* ---- call-out ----------------------------------------------------------- */

/* A CalloutPdu from a decoded call-out; the text converted into b, the
 * rest pointing at m's octets. */
static void callout_pdu(struct tb_event_buf *b, const struct tetra_sds_header *hdr, const struct tetra_sds_tl *tl,
			const struct tetra_callout_msg *m, unsigned parts)
{
	static const Tetrabridge__V1__CalloutPdu init = TETRABRIDGE__V1__CALLOUT_PDU__INIT;
	Tetrabridge__V1__CalloutPdu *c = &b->body.callout_pdu;
	unsigned n = m->n_receivers < TETRA_CALLOUT_MAX_RECEIVERS ? m->n_receivers : TETRA_CALLOUT_MAX_RECEIVERS;

	*c = init;
	c->calling = identity(b, 0, &hdr->calling);
	c->called = identity(b, 1, &hdr->called);
	c->kind = m->kind;
	c->number = m->number;
	c->severity = m->severity;
	c->lead_octet = m->lead;
	c->has_sender_subaddress = m->has_sender;
	c->sender_subaddress = m->has_sender ? m->sender_subaddr : 0;
	for (unsigned i = 0; i < n; i++)
		b->receivers[i] = m->receivers[i];
	c->n_receiver_subaddresses = n;
	c->receiver_subaddresses = b->receivers;
	/* ISO 8859-1 maps every octet (0xFE is U+00FE, LF stays LF; NUL becomes
	 * U+FFFD): the room is enough for the longest, and on a shortfall the
	 * buffer would still hold a valid prefix. */
	b->callout_text[0] = '\0';
	if (m->text_len)
		tetra_text_to_utf8(TETRA_TEXT_8859_1, m->text, m->text_len * 8, b->callout_text,
				   sizeof(b->callout_text), NULL);
	c->text = b->callout_text;
	c->message_reference = tl->present ? tl->msg_ref : 0;
	c->report_request = report_request(tl);
	c->parts = parts;
	c->rest.data = (uint8_t *)m->rest;
	c->rest.len = m->rest_len;
	b->ev.body_case = TETRABRIDGE__V1__EVENT__BODY_CALLOUT_PDU;
	b->ev.callout_pdu = c;
}

static void callout_from_param(struct tb_event_buf *b, const struct tetra_callout_param *p)
{
	struct tetra_callout_msg m = {
		.lead = p->lead, .kind = p->kind, .number = p->number, .severity = p->severity,
		.has_sender = p->has_sender, .sender_subaddr = p->sender_subaddr,
		.n_receivers = p->n_receivers,
		.text = p->text, .text_len = p->text_len < sizeof(p->text) ? p->text_len : sizeof(p->text),
		.rest = p->rest, .rest_len = p->rest_len < sizeof(p->rest) ? p->rest_len : sizeof(p->rest),
	};

	memcpy(m.receivers, p->receivers, sizeof(m.receivers));
	callout_pdu(b, &p->hdr, &p->tl, &m, 1);
}

static void sds_raw_from_param(struct tb_event_buf *b, const struct tetra_sds_unitdata_param *p, int decode_error)
{
	static const Tetrabridge__V1__SdsRaw init = TETRABRIDGE__V1__SDS_RAW__INIT;
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
	s->decode_error = str(decode_error ? tetra_codec_strerror(decode_error) : "");
	b->ev.body_case = TETRABRIDGE__V1__EVENT__BODY_SDS_RAW;
	b->ev.sds_raw = s;
}

unsigned tb_events_from_concat_sds(struct tb_event_buf *b, const struct tetra_concat_sds *m,
				   void (*emit)(struct tb_event_buf *b, void *data), void *data)
{
	int why = TETRA_E_INCOMPLETE;
	unsigned n = 0;

	if (m->received == m->total) {
		why = 0;	/* whole, of a protocol not reassembled */
		if (m->has_pid && m->pid == TETRA_CALLOUT_PID) {
			struct tetra_callout_msg msg;
			why = tetra_callout_decode(m->data, m->len, &msg);
			if (why == 0) {
				tb_event_buf_init(b);
				callout_pdu(b, &m->hdr, &m->tl, &msg, m->total);
				emit(b, data);
				return 1;
			}
		}
	}
	for (unsigned i = 0; i < m->total && i < TETRA_CONCAT_MAX_PARTS; i++) {
		if (!(m->have_mask & (UINT32_C(1) << i)))
			continue;
		tb_event_buf_init(b);
		sds_raw_from_param(b, &m->part[i], why);
		emit(b, data);
		n++;
	}
	return n;
}

static void location_from_param(struct tb_event_buf *b, const struct tetra_location_param *p)
{
	static const Tetrabridge__V1__Location init = TETRABRIDGE__V1__LOCATION__INIT;
	static const Tetrabridge__V1__LocationTime time_init = TETRABRIDGE__V1__LOCATION_TIME__INIT;
	Tetrabridge__V1__Location *l = &b->body.location;

	*l = init;
	l->calling = identity(b, 0, &p->hdr.calling);
	l->called = identity(b, 1, &p->hdr.called);
	l->protocol_id = p->pid;
	l->long_report = p->long_report;

	l->has_position = p->has_position;
	l->latitude = p->has_position ? p->latitude : 0.0;
	l->longitude = p->has_position ? p->longitude : 0.0;
	l->shape = p->shape;
	/* A short report always carries a position error; a long one only
	 * with shape 10 (point with position error). */
	l->has_position_error = !p->long_report || p->shape == TETRA_LIP_SHAPE_POINT_ERROR;
	l->position_error = l->has_position_error ? p->position_error : 0;
	l->position_error_text = str(l->has_position_error ? tetra_lip_position_error_name(p->position_error) : "");
	l->has_horizontal_uncertainty = p->has_uncertainty;
	l->horizontal_uncertainty_m = p->has_uncertainty ? p->horizontal_uncertainty_m : 0.0;
	l->has_altitude = p->has_altitude;
	l->altitude_m = p->has_altitude ? p->altitude_m : 0;
	l->altitude_type = p->altitude_type;

	l->has_velocity = p->has_velocity;
	l->velocity_kmh = p->has_velocity ? p->velocity_kmh : 0.0;
	l->has_direction = p->has_direction;
	l->direction_deg = p->has_direction ? p->direction_deg : 0.0;

	l->time_type = p->time_type;
	l->has_time_elapsed = p->time_type == 1;
	l->time_elapsed = l->has_time_elapsed ? p->time_elapsed : 0;
	l->time_elapsed_text = str(l->has_time_elapsed ? tetra_time_elapsed_name(p->time_elapsed) : "");
	if (p->time_type == 2) {
		Tetrabridge__V1__LocationTime *t = &b->location_time;
		*t = time_init;
		t->day = p->day;
		t->hour = p->hour;
		t->minute = p->minute;
		t->second = p->second;
		l->time_of_position = t;
	}

	l->has_reason = p->has_reason;
	l->reason = p->has_reason ? p->reason : 0;
	l->reason_text = str(p->has_reason ? tetra_lip_reason_name(p->reason) : "");
	l->has_user_data = p->has_user_data;
	l->user_data = p->has_user_data ? p->user_data : 0;

	l->ack_requested = p->ack_requested;
	l->has_message_reference = p->has_msg_ref;
	l->message_reference = p->has_msg_ref ? p->msg_ref : 0;

	l->has_ellipse = p->has_ellipse;
	l->half_major_m = p->has_ellipse ? p->half_major_m : 0.0;
	l->half_minor_m = p->has_ellipse ? p->half_minor_m : 0.0;
	l->ellipse_angle_deg = p->has_ellipse ? p->ellipse_angle_deg : 0.0;
	l->velocity_type = p->velocity_type;
	l->has_vertical_velocity = p->has_vertical_velocity;
	l->vertical_velocity_code = p->has_vertical_velocity ? p->vertical_velocity_raw : 0;
	l->confidence_code = p->confidence;
	l->altitude_uncertainty_code = p->altitude_uncertainty;
	l->horizontal_velocity_uncertainty_code = p->horizontal_velocity_uncertainty;
	l->vertical_velocity_uncertainty_code = p->vertical_velocity_uncertainty;
	l->direction_uncertainty_code = p->direction_uncertainty;
	l->has_arc = p->has_arc;
	if (p->has_arc) {
		l->arc_inner_radius_code = p->arc_inner_radius;
		l->arc_uncertainty_radius_code = p->arc_uncertainty_radius;
		l->arc_offset_angle_code = p->arc_offset_angle;
		l->arc_included_angle_code = p->arc_included_angle;
	}

	l->sds_tl = p->tl.present;
	l->sds_tl_message_reference = p->tl.present ? p->tl.msg_ref : 0;
	l->report_request = report_request(&p->tl);
	b->ev.body_case = TETRABRIDGE__V1__EVENT__BODY_LOCATION;
	b->ev.location = l;
}

static void location_control_from_param(struct tb_event_buf *b, const struct tetra_location_control_param *p)
{
	static const Tetrabridge__V1__LocationControl init = TETRABRIDGE__V1__LOCATION_CONTROL__INIT;
	Tetrabridge__V1__LocationControl *c = &b->body.location_control;

	*c = init;
	c->calling = identity(b, 0, &p->hdr.calling);
	c->called = identity(b, 1, &p->hdr.called);
	c->protocol_id = p->pid;
	c->pdu_extension = p->pdu_ext;
	switch (p->pdu_ext) {
	case TETRA_LIP_EXT_IMMEDIATE_REQUEST:
		c->kind = TETRABRIDGE__V1__LOCATION_CONTROL__KIND__IMMEDIATE_REQUEST;
		break;
	case TETRA_LIP_EXT_REPORT_ACK:
		c->kind = TETRABRIDGE__V1__LOCATION_CONTROL__KIND__REPORT_ACK;
		break;
	default:
		c->kind = TETRABRIDGE__V1__LOCATION_CONTROL__KIND__OTHER;
		break;
	}
	c->report_type = p->request_type;
	c->request_priority = p->request_priority;
	c->ack_requested = p->ack_requested;
	c->result_code = p->result_code;
	c->reason = p->reason;
	c->pdu_name = str(tetra_location_pdu_name(p->pdu_ext));
	b->ev.body_case = TETRABRIDGE__V1__EVENT__BODY_LOCATION_CONTROL;
	b->ev.location_control = c;
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
	case TETRA_TNSDS_UNITDATA:
		sds_raw_from_param(b, &prim->u.unitdata, prim->u.unitdata.decode_error);
		return 0;
	case TETRA_TNSDS_CALLOUT:
		callout_from_param(b, &prim->u.callout);
		return 0;
	case TETRA_TNSDS_TEXT:
		text_from_param(b, &prim->u.text);
		return 0;
	case TETRA_TNSDS_LOCATION:
		location_from_param(b, &prim->u.location);
		return 0;
	case TETRA_TNSDS_LOCATION_CONTROL:
		location_control_from_param(b, &prim->u.location_control);
		return 0;
	case TETRA_TNSDS_REPORT: {
		static const Tetrabridge__V1__DeliveryReport init = TETRABRIDGE__V1__DELIVERY_REPORT__INIT;
		const struct tetra_report_param *p = &prim->u.report;
		Tetrabridge__V1__DeliveryReport *r = &b->body.delivery_report;
		*r = init;
		r->calling = identity(b, 0, &p->hdr.calling);
		r->called = identity(b, 1, &p->hdr.called);
		r->protocol_id = p->pid;
		r->kind = p->kind == TETRA_REPORT_SDS_ACK ? TETRABRIDGE__V1__DELIVERY_REPORT__KIND__ACK
							  : TETRABRIDGE__V1__DELIVERY_REPORT__KIND__REPORT;
		r->message_reference = p->msg_ref;
		r->status = p->status;
		r->status_text = str(tetra_sds_status_name(p->status));
		r->ack_required = p->ack_required;
		r->storage = p->storage;
		b->ev.body_case = TETRABRIDGE__V1__EVENT__BODY_DELIVERY_REPORT;
		b->ev.delivery_report = r;
		return 0;
	}
	case TETRA_TNSDS_SEND_RESULT: {
		static const Tetrabridge__V1__SendResult init = TETRABRIDGE__V1__SEND_RESULT__INIT;
		const struct tetra_send_result_param *p = &prim->u.send_result;
		Tetrabridge__V1__SendResult *r = &b->body.send_result;
		*r = init;
		r->sds_instance = p->sds_inst;
		r->has_status = p->has_status;
		r->status = p->status;
		r->status_text = str(p->has_status ? tetra_send_status_name(p->status) : "");
		r->has_message_reference = p->has_msg_ref;
		r->message_reference = p->msg_ref;
		b->ev.body_case = TETRABRIDGE__V1__EVENT__BODY_SEND_RESULT;
		b->ev.send_result = r;
		return 0;
	}
	}
	return -ENOENT;
}

static void supported_values(struct tb_event_buf *b, Tetrabridge__V1__RadioInfo *ri,
			     const struct tetra_supported_values_param *p)
{
	static const Tetrabridge__V1__RadioInfo__SupportedValues sv_init =
		TETRABRIDGE__V1__RADIO_INFO__SUPPORTED_VALUES__INIT;
	static const Tetrabridge__V1__RadioInfo__SupportedValues__Parameter par_init =
		TETRABRIDGE__V1__RADIO_INFO__SUPPORTED_VALUES__PARAMETER__INIT;
	static const Tetrabridge__V1__RadioInfo__SupportedValues__Span span_init =
		TETRABRIDGE__V1__RADIO_INFO__SUPPORTED_VALUES__SPAN__INIT;
	Tetrabridge__V1__RadioInfo__SupportedValues *sv = &b->info.supported;
	unsigned np = p->n_params < TETRA_SUPPORTED_MAX_PARAMS ? p->n_params : TETRA_SUPPORTED_MAX_PARAMS;

	*sv = sv_init;
	sv->command = str(p->command);
	sv->text = str(p->text);
	sv->decode_error = str(p->decode_error ? tetra_codec_strerror(p->decode_error) : "");
	for (unsigned i = 0; i < np; i++) {
		unsigned ns = p->param[i].n_spans < TETRA_SUPPORTED_MAX_SPANS ? p->param[i].n_spans
									       : TETRA_SUPPORTED_MAX_SPANS;
		b->sv_param[i] = par_init;
		for (unsigned k = 0; k < ns; k++) {
			b->sv_span[i][k] = span_init;
			b->sv_span[i][k].low = p->param[i].span[k].low;
			b->sv_span[i][k].high = p->param[i].span[k].high;
			b->sv_span_ptr[i][k] = &b->sv_span[i][k];
		}
		b->sv_param[i].n_values = ns;
		b->sv_param[i].values = b->sv_span_ptr[i];
		b->sv_param_ptr[i] = &b->sv_param[i];
	}
	sv->n_parameters = np;
	sv->parameters = b->sv_param_ptr;
	ri->info_case = TETRABRIDGE__V1__RADIO_INFO__INFO_SUPPORTED_VALUES;
	ri->supported_values = sv;
}

/* TNMM: what the terminal says about itself, as one RadioInfo. Text from
 * the terminal (the answer as sent) points into the primitive. */
static int from_tnmm(struct tb_event_buf *b, const struct tetra_prim *prim)
{
	static const Tetrabridge__V1__RadioInfo init = TETRABRIDGE__V1__RADIO_INFO__INIT;
	Tetrabridge__V1__RadioInfo *ri = &b->body.radio_info;

	*ri = init;
	switch (prim->oph.primitive) {
	case TETRA_TNMM_OWN_IDENTITY: {
		static const Tetrabridge__V1__RadioInfo__ReportedIdentity r_init =
			TETRABRIDGE__V1__RADIO_INFO__REPORTED_IDENTITY__INIT;
		Tetrabridge__V1__RadioInfo__ReportedIdentity *r = &b->info.reported_identity;
		*r = r_init;
		r->num_type = prim->u.own_identity.num_type;
		r->identity = identity(b, 0, &prim->u.own_identity.id);
		ri->info_case = TETRABRIDGE__V1__RADIO_INFO__INFO_REPORTED_IDENTITY;
		ri->reported_identity = r;
		break;
	}
	case TETRA_TNMM_OPERATING_MODE: {
		static const Tetrabridge__V1__RadioInfo__OperatingMode m_init =
			TETRABRIDGE__V1__RADIO_INFO__OPERATING_MODE__INIT;
		Tetrabridge__V1__RadioInfo__OperatingMode *m = &b->info.operating_mode;
		*m = m_init;
		m->mode = prim->u.mode.ai_mode;
		m->mode_text = str(tetra_ai_mode_name(prim->u.mode.ai_mode));
		ri->info_case = TETRABRIDGE__V1__RADIO_INFO__INFO_OPERATING_MODE;
		ri->operating_mode = m;
		break;
	}
	case TETRA_TNMM_GROUP: {
		static const Tetrabridge__V1__RadioInfo__GroupAttachment g_init =
			TETRABRIDGE__V1__RADIO_INFO__GROUP_ATTACHMENT__INIT;
		Tetrabridge__V1__RadioInfo__GroupAttachment *g = &b->info.group;
		*g = g_init;
		g->group_type = prim->u.group.group_type;
		g->group_type_text = str(tetra_group_type_name(prim->u.group.group_type));
		g->group = identity(b, 0, &prim->u.group.group);
		ri->info_case = TETRABRIDGE__V1__RADIO_INFO__INFO_GROUP;
		ri->group = g;
		break;
	}
	case TETRA_TNMM_SIGNAL: {
		static const Tetrabridge__V1__RadioInfo__Signal s_init = TETRABRIDGE__V1__RADIO_INFO__SIGNAL__INIT;
		Tetrabridge__V1__RadioInfo__Signal *s = &b->info.signal;
		*s = s_init;
		s->rssi = prim->u.signal.rssi;
		s->ber = prim->u.signal.ber;
		s->has_dbm = prim->u.signal.known;
		s->dbm = prim->u.signal.dbm;
		ri->info_case = TETRABRIDGE__V1__RADIO_INFO__INFO_SIGNAL;
		ri->signal = s;
		break;
	}
	case TETRA_TNMM_REGISTRATION: {
		static const Tetrabridge__V1__RadioInfo__Registration r_init =
			TETRABRIDGE__V1__RADIO_INFO__REGISTRATION__INIT;
		const struct tetra_registration_param *p = &prim->u.registration;
		Tetrabridge__V1__RadioInfo__Registration *r = &b->info.registration;
		*r = r_init;
		r->status = p->stat;
		r->status_text = str(tetra_reg_stat_name(p->stat));
		r->has_location_area = p->has_la;
		r->location_area = p->la;
		r->has_network = p->has_mni;
		r->mcc = p->mcc;
		r->mnc = p->mnc;
		ri->info_case = TETRABRIDGE__V1__RADIO_INFO__INFO_REGISTRATION;
		ri->registration = r;
		break;
	}
	case TETRA_TNMM_POSITION: {
		static const Tetrabridge__V1__RadioInfo__OwnPosition o_init =
			TETRABRIDGE__V1__RADIO_INFO__OWN_POSITION__INIT;
		const struct tetra_position_param *p = &prim->u.position;
		Tetrabridge__V1__RadioInfo__OwnPosition *o = &b->info.own_position;
		*o = o_init;
		o->has_position = p->has_position;
		o->latitude = p->has_position ? p->latitude : 0.0;
		o->longitude = p->has_position ? p->longitude : 0.0;
		o->has_time = p->has_time;
		o->hour = p->has_time ? p->hour : 0;
		o->minute = p->has_time ? p->minute : 0;
		o->second = p->has_time ? p->second : 0;
		o->has_satellites = p->has_satellites;
		o->satellites = p->has_satellites ? p->satellites : 0;
		o->text = str(p->text);
		o->decode_error = str(p->decode_error ? tetra_codec_strerror(p->decode_error) : "");
		ri->info_case = TETRABRIDGE__V1__RADIO_INFO__INFO_OWN_POSITION;
		ri->own_position = o;
		break;
	}
	case TETRA_TNMM_SUPPORTED_VALUES:
		supported_values(b, ri, &prim->u.supported);
		break;
	case TETRA_TNMM_IDENTITY_ENTRY: {
		static const Tetrabridge__V1__RadioInfo__IdentityEntry e_init =
			TETRABRIDGE__V1__RADIO_INFO__IDENTITY_ENTRY__INIT;
		const struct tetra_identity_entry_param *p = &prim->u.identity_entry;
		Tetrabridge__V1__RadioInfo__IdentityEntry *e = &b->info.identity_entry;
		*e = e_init;
		e->list = p->list == TETRA_IDENTITIES_DYNAMIC ? TETRABRIDGE__V1__RADIO_INFO__IDENTITY_ENTRY__LIST__DYNAMIC
							      : TETRABRIDGE__V1__RADIO_INFO__IDENTITY_ENTRY__LIST__STATIC;
		e->has_num_type = p->has_num_type;
		e->num_type = p->has_num_type ? p->num_type : 0;
		e->identity = identity(b, 0, &p->id);
		e->alias = str(p->alias);
		e->text = str(p->text);
		e->decode_error = str(p->decode_error ? tetra_codec_strerror(p->decode_error) : "");
		ri->info_case = TETRABRIDGE__V1__RADIO_INFO__INFO_IDENTITY_ENTRY;
		ri->identity_entry = e;
		break;
	}
	default:
		return -ENOENT;
	}
	b->ev.body_case = TETRABRIDGE__V1__EVENT__BODY_RADIO_INFO;
	b->ev.radio_info = ri;
	return 0;
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
		r->cause_text = str(tetra_disconnect_cause_name(p->cause));
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
	case TETRA_SAP_TNMM:
		return from_tnmm(b, prim);
	default:
		return -ENOENT;
	}
}
