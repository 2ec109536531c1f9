/* Events for people: one line per event (see event_print.h).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tools/event_print.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include <jansson.h>

#include "codecs/tetra_names.h"
#include "ipc/event_kind.h"
#include "ipc/pb_json.h"

/* Identities print in at most this many bytes (a TSI with the roster's
 * name, or an undecoded field with its reason, is the longest). */
#define ID_BUF 96

/* " (name)" after a value the roster names: three %s. */
#define NAMED(n) (n) && (n)[0] ? " (" : "", (n) && (n)[0] ? (n) : "", (n) && (n)[0] ? ")" : ""

static const char *nonempty_reason(const char *r)
{
	return r && r[0] ? r : "undecoded";
}

/* An identity as a 17-digit TSI (MCC 4, MNC 5, SSI 8 digits), a plain SSI
 * (also for a "TSI" the terminal gave without MCC and MNC), or the external
 * number, with the roster's name after it ("1001 (Sykepleier Nord)"); "-"
 * when absent; a field that did not decode as "?<field as
 * sent>(<reason>)", e.g. "?262100101234567890(identity)". */
const char *tb_fmt_identity(const Tetrabridge__V1__Identity *id, char *buf, size_t len)
{
	if (id && id->undecoded) {
		snprintf(buf, len, "?%s(%s)", id->undecoded->text ? id->undecoded->text : "",
			 nonempty_reason(id->undecoded->reason));
		return buf;
	}
	if (!id || id->type == TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_NONE) {
		snprintf(buf, len, "-");
		return buf;
	}
	switch (id->type) {
	case TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_PABX:
	case TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_PSTN:
		if (id->digits && id->digits[0]) {
			snprintf(buf, len, "%s%s%s%s", id->digits, NAMED(id->name));
			return buf;
		}
		break;
	default:
		break;
	}
	if (id->mcc || id->mnc)
		snprintf(buf, len, "%04u%05u%08u%s%s%s", id->mcc, id->mnc, id->ssi, NAMED(id->name));
	else
		snprintf(buf, len, "%u%s%s%s", id->ssi, NAMED(id->name));
	return buf;
}

/* " calling->called" */
static void print_parties(FILE *out, const Tetrabridge__V1__Identity *calling,
			  const Tetrabridge__V1__Identity *called)
{
	char a[ID_BUF], b[ID_BUF];

	fprintf(out, " %s->%s", tb_fmt_identity(calling, a, sizeof(a)), tb_fmt_identity(called, b, sizeof(b)));
}

/* A string in double quotes, one line whatever it holds: control
 * characters, '"' and '\\' escaped; other UTF-8 as it is. */
static void print_quoted(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(out, "\\x%02X", c);
			else
				fputc(c, out);
		}
	}
	fputc('"', out);
}

/* A number with at most one decimal, without a trailing ".0": 337.5, 0, 1.4. */
static void print_num1(FILE *out, double v)
{
	double r = round(v * 10.0) / 10.0;

	if (r == floor(r))
		fprintf(out, "%.0f", r);
	else
		fprintf(out, "%.1f", r);
}

static const char *nonempty(const char *s, const char *fallback)
{
	return s && s[0] ? s : fallback;
}

/* ---- the kinds ------------------------------------------------------------ */

const char *tb_radio_state_name(Tetrabridge__V1__RadioState__State s)
{
	switch (s) {
	case TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_ONLINE:
		return "online";
	case TETRABRIDGE__V1__RADIO_STATE__STATE__STATE_OFFLINE:
		return "offline";
	default:
		return "unknown";
	}
}

static const char *short_report_name(Tetrabridge__V1__ShortReport__Type t)
{
	switch (t) {
	case TETRABRIDGE__V1__SHORT_REPORT__TYPE__PROTOCOL_NOT_SUPPORTED:
		return "protocol not supported";
	case TETRABRIDGE__V1__SHORT_REPORT__TYPE__MEMORY_FULL:
		return "memory full";
	case TETRABRIDGE__V1__SHORT_REPORT__TYPE__RECEIVED:
		return "received";
	case TETRABRIDGE__V1__SHORT_REPORT__TYPE__CONSUMED:
		return "consumed";
	default:
		return "unlisted";
	}
}

static const char *tx_kind_name(Tetrabridge__V1__TxChange__Kind k)
{
	switch (k) {
	case TETRABRIDGE__V1__TX_CHANGE__KIND__GRANT:
		return "grant";
	case TETRABRIDGE__V1__TX_CHANGE__KIND__CEASED:
		return "ceased";
	case TETRABRIDGE__V1__TX_CHANGE__KIND__INTERRUPT:
		return "interrupt";
	case TETRABRIDGE__V1__TX_CHANGE__KIND__WAIT:
		return "wait";
	default:
		return "unlisted";
	}
}

static void print_timestamp(FILE *out, const Tetrabridge__V1__TextTimestamp *ts)
{
	if (!ts)
		return;
	/* Day and month as the sender's clock gave them; no year on the air. */
	fprintf(out, " written %02u-%02u %02u:%02u %s", ts->month, ts->day, ts->hour, ts->minute,
		ts->utc ? "UTC" : "local");
}

/* A duration in its largest whole unit: "2 min", "12 h", "4 d", "50 s". */
static void print_duration(FILE *out, uint32_t s)
{
	if (s && s % 86400 == 0)
		fprintf(out, "%u d", s / 86400);
	else if (s && s % 3600 == 0)
		fprintf(out, "%u h", s / 3600);
	else if (s && s % 60 == 0)
		fprintf(out, "%u min", s / 60);
	else
		fprintf(out, "%u s", s);
}

static void print_storage(FILE *out, const Tetrabridge__V1__SdsStorage *st)
{
	char a[ID_BUF];

	if (!st)
		return;
	if (st->validity_infinite) {
		fprintf(out, " stored (valid indefinitely)");
	} else if (st->validity_seconds) {
		fprintf(out, " stored (valid ");
		print_duration(out, st->validity_seconds);
		fputc(')', out);
	} else {
		fprintf(out, " stored");
	}
	if (st->forward_address)
		fprintf(out, " forward to %s", tb_fmt_identity(st->forward_address, a, sizeof(a)));
}

static void print_text(FILE *out, const Tetrabridge__V1__Text *t)
{
	print_parties(out, t->calling, t->called);
	fputc(' ', out);
	print_quoted(out, t->text);
	fprintf(out, " (%s", nonempty(t->coding_name, "coding"));
	if (t->sds_tl)
		fprintf(out, ", ref %u", t->message_reference);
	if (t->parts > 1)
		fprintf(out, ", %u parts", t->parts);
	fputc(')', out);
	if (t->immediate)
		fprintf(out, " immediate");
	if (t->report_request != TETRABRIDGE__V1__REPORT_REQUEST__REPORT_NONE)
		fprintf(out, " report %s", tetra_report_request_name(t->report_request));
	print_timestamp(out, t->timestamp);
	print_storage(out, t->storage);
	if (t->replaced_characters)
		fprintf(out, " %u undecodable", t->replaced_characters);
}

static void print_text_incomplete(FILE *out, const Tetrabridge__V1__TextIncomplete *t)
{
	print_parties(out, t->calling, t->called);
	fprintf(out, " %u of %u parts, missing", t->parts_received, t->parts_total);
	for (size_t i = 0; i < t->n_missing_parts; i++)
		fprintf(out, "%s%u", i ? "," : " ", t->missing_parts[i]);
	fputc(' ', out);
	print_quoted(out, t->text);
	fprintf(out, " (%s, concat ref %u)", nonempty(t->coding_name, "coding"), t->reference);
}

/* A call-out message heard: " calling->called alert number 101 severity 7
 * sender 0x1111 receivers 0x144C,0x155D "text" (ref 17, lead 0x0D)". */
static void print_callout_pdu(FILE *out, const Tetrabridge__V1__CalloutPdu *c)
{
	const char *kind = c->kind == 1 ? "alert" : c->kind == 3 ? "answer" : NULL;

	print_parties(out, c->calling, c->called);
	if (kind)
		fprintf(out, " %s", kind);
	else
		fprintf(out, " kind %u", c->kind);
	fprintf(out, " number %u severity %u", c->number, c->severity);
	if (c->has_sender_subaddress)
		fprintf(out, " sender 0x%04X", c->sender_subaddress);
	for (size_t i = 0; i < c->n_receiver_subaddresses; i++)
		fprintf(out, "%s0x%04X", i ? "," : " receivers ", c->receiver_subaddresses[i]);
	if (c->text && c->text[0]) {
		fputc(' ', out);
		print_quoted(out, c->text);
	}
	fprintf(out, " (ref %u, lead 0x%02X", c->message_reference, c->lead_octet);
	if (c->parts > 1)
		fprintf(out, ", %u parts", c->parts);
	fputc(')', out);
	if (c->report_request != TETRABRIDGE__V1__REPORT_REQUEST__REPORT_NONE)
		fprintf(out, " report %s", tetra_report_request_name(c->report_request));
	if (c->meaning != TETRABRIDGE__V1__ANSWER_MEANING__MEANING_NONE) {
		const ProtobufCEnumValue *v =
			protobuf_c_enum_descriptor_get_value(&tetrabridge__v1__answer_meaning__descriptor, c->meaning);
		fprintf(out, " meaning %s", v ? v->name : "?");
	}
	if (c->rest.data && c->rest.len) {
		fprintf(out, " rest ");
		for (size_t i = 0; i < c->rest.len; i++)
			fprintf(out, "%02X", c->rest.data[i]);
	}
}

/* "55.73393 N 37.65033 E" */
static void print_position(FILE *out, double lat, double lon)
{
	fprintf(out, " %.5f %c %.5f %c", fabs(lat), lat < 0 ? 'S' : 'N', fabs(lon), lon < 0 ? 'W' : 'E');
}

static void print_location(FILE *out, const Tetrabridge__V1__Location *l)
{
	print_parties(out, l->calling, l->called);
	fprintf(out, " %s", l->long_report ? "long" : "short");
	if (l->has_position)
		print_position(out, l->latitude, l->longitude);
	else
		fprintf(out, " no position");
	if (l->has_position_error)
		fprintf(out, " error %s", nonempty(l->position_error_text, "unlisted"));
	if (l->has_horizontal_uncertainty) {
		fprintf(out, " within ");
		print_num1(out, l->horizontal_uncertainty_m);
		fprintf(out, " m");
	}
	if (l->has_altitude)
		fprintf(out, " altitude %d m", l->altitude_m);
	if (l->has_velocity)
		fprintf(out, " speed %.0f km/h", l->velocity_kmh);
	else
		fprintf(out, " speed unknown");
	if (l->has_direction) {
		fprintf(out, " heading ");
		print_num1(out, l->direction_deg);
	}
	if (l->has_time_elapsed)
		fprintf(out, " age %s", nonempty(l->time_elapsed_text, "unlisted"));
	else if (l->time_of_position)
		fprintf(out, " at day %u %02u:%02u:%02u UTC", l->time_of_position->day, l->time_of_position->hour,
			l->time_of_position->minute, l->time_of_position->second);
	if (l->has_reason)
		fprintf(out, " reason %s (%u)", nonempty(l->reason_text, "unlisted"), l->reason);
	if (l->has_user_data)
		fprintf(out, " user data 0x%02X", l->user_data);
	if (l->ack_requested) {
		fprintf(out, " ack requested");
		if (l->has_message_reference)
			fprintf(out, " ref %u", l->message_reference);
	}
	if (l->sds_tl) {
		fprintf(out, " (SDS-TL ref %u", l->sds_tl_message_reference);
		if (l->report_request != TETRABRIDGE__V1__REPORT_REQUEST__REPORT_NONE)
			fprintf(out, ", report %s", tetra_report_request_name(l->report_request));
		fputc(')', out);
	}
}

static void print_location_control(FILE *out, const Tetrabridge__V1__LocationControl *c)
{
	print_parties(out, c->calling, c->called);
	fprintf(out, " %s", nonempty(c->pdu_name, "unlisted"));
	if (c->kind == TETRABRIDGE__V1__LOCATION_CONTROL__KIND__IMMEDIATE_REQUEST)
		fprintf(out, " (%s report preferred, priority %u)",
			c->report_type == 0 ? "short" : c->report_type == 1 ? "long" : "other", c->request_priority);
	else
		fprintf(out, " (extension %u)", c->pdu_extension);
}

static void print_delivery_report(FILE *out, const Tetrabridge__V1__DeliveryReport *r)
{
	print_parties(out, r->calling, r->called);
	fprintf(out, " %s ref %u: %s (0x%02X)",
		r->kind == TETRABRIDGE__V1__DELIVERY_REPORT__KIND__ACK ? "ack" : "report", r->message_reference,
		nonempty(r->status_text, "unlisted"), r->status);
	if (r->ack_required)
		fprintf(out, " ack required");
}

static void print_send_result(FILE *out, const Tetrabridge__V1__SendResult *r)
{
	fprintf(out, " sds %u", r->sds_instance);
	if (r->has_status)
		fprintf(out, " %s (%u)", nonempty(r->status_text, "unlisted"), r->status);
	else
		fprintf(out, " taken by the terminal");
	if (r->has_message_reference)
		fprintf(out, " ref %u", r->message_reference);
}

/* An answer of the terminal that did not (all) decode: why, and what it
 * said. */
static void print_undecoded_answer(FILE *out, const char *why, const char *text)
{
	if (!why || !why[0])
		return;
	fprintf(out, " (not decoded: %s: ", why);
	print_quoted(out, text);
	fputc(')', out);
}

static void print_radio_info(FILE *out, const Tetrabridge__V1__RadioInfo *ri)
{
	char a[ID_BUF];

	/* the members of the oneof share one pointer: NULL from a foreign publisher */
	if (!ri->operating_mode) {
		fprintf(out, " (empty)");
		return;
	}
	switch (ri->info_case) {
	case TETRABRIDGE__V1__RADIO_INFO__INFO_OPERATING_MODE:
		fprintf(out, " mode %s (%u)", nonempty(ri->operating_mode->mode_text, "unlisted"),
			ri->operating_mode->mode);
		break;
	case TETRABRIDGE__V1__RADIO_INFO__INFO_GROUP:
		fprintf(out, " group %s", tb_fmt_identity(ri->group->group, a, sizeof(a)));
		fprintf(out, " (%s)", nonempty(ri->group->group_type_text, "unlisted"));
		break;
	case TETRABRIDGE__V1__RADIO_INFO__INFO_SIGNAL:
		if (ri->signal->has_dbm)
			fprintf(out, " signal %d dBm", ri->signal->dbm);
		else
			fprintf(out, " signal unknown");
		fprintf(out, " (rssi %u, ber %u)", ri->signal->rssi, ri->signal->ber);
		break;
	case TETRABRIDGE__V1__RADIO_INFO__INFO_REGISTRATION: {
		const Tetrabridge__V1__RadioInfo__Registration *r = ri->registration;
		fprintf(out, " registration %s (%u)", nonempty(r->status_text, "unlisted"), r->status);
		if (r->has_location_area)
			fprintf(out, " LA %u", r->location_area);
		if (r->has_network)
			fprintf(out, " network MCC %u MNC %u", r->mcc, r->mnc);
		break;
	}
	case TETRABRIDGE__V1__RADIO_INFO__INFO_OWN_POSITION: {
		const Tetrabridge__V1__RadioInfo__OwnPosition *o = ri->own_position;
		fprintf(out, " own position");
		if (o->has_position)
			print_position(out, o->latitude, o->longitude);
		else
			fprintf(out, " unknown");
		if (o->has_time)
			fprintf(out, " at %02u:%02u:%02u UTC", o->hour, o->minute, o->second);
		if (o->has_satellites)
			fprintf(out, ", %u satellite%s", o->satellites, o->satellites == 1 ? "" : "s");
		print_undecoded_answer(out, o->decode_error, o->text);
		break;
	}
	case TETRABRIDGE__V1__RADIO_INFO__INFO_SUPPORTED_VALUES: {
		/* " +CMGS supports (0-255),(0-2047)", as decoded */
		const Tetrabridge__V1__RadioInfo__SupportedValues *sv = ri->supported_values;
		fprintf(out, " %s supports ", nonempty(sv->command, "command"));
		for (size_t i = 0; i < sv->n_parameters; i++) {
			const Tetrabridge__V1__RadioInfo__SupportedValues__Parameter *par = sv->parameters[i];
			fprintf(out, "%s(", i ? "," : "");
			for (size_t k = 0; par && k < par->n_values; k++) {
				fprintf(out, "%s%u", k ? "," : "", par->values[k]->low);
				if (par->values[k]->high != par->values[k]->low)
					fprintf(out, "-%u", par->values[k]->high);
			}
			fputc(')', out);
		}
		print_undecoded_answer(out, sv->decode_error, sv->text);
		break;
	}
	case TETRABRIDGE__V1__RADIO_INFO__INFO_REPORTED_IDENTITY:
		/* not the radio's identity: the terminal printed it unasked */
		fprintf(out, " identity reported %s (num type %u)",
			tb_fmt_identity(ri->reported_identity->identity, a, sizeof(a)),
			ri->reported_identity->num_type);
		break;
	case TETRABRIDGE__V1__RADIO_INFO__INFO_IDENTITY_ENTRY: {
		/* " static identity 1001 (num type 1) \"BRANN-1\"" */
		const Tetrabridge__V1__RadioInfo__IdentityEntry *e = ri->identity_entry;
		fprintf(out, " %s identity %s",
			e->list == TETRABRIDGE__V1__RADIO_INFO__IDENTITY_ENTRY__LIST__DYNAMIC ? "dynamic" : "static",
			tb_fmt_identity(e->identity, a, sizeof(a)));
		if (e->has_num_type)
			fprintf(out, " (num type %u)", e->num_type);
		if (e->alias && e->alias[0]) {
			fputc(' ', out);
			print_quoted(out, e->alias);
		}
		print_undecoded_answer(out, e->decode_error, e->text);
		break;
	}
	default:
		fprintf(out, " (empty)");
		break;
	}
}

static const char *outgoing_kind_name(Tetrabridge__V1__Outgoing__Kind k)
{
	switch (k) {
	case TETRABRIDGE__V1__OUTGOING__KIND__STATUS:
		return "status";
	case TETRABRIDGE__V1__OUTGOING__KIND__TEXT:
		return "text";
	case TETRABRIDGE__V1__OUTGOING__KIND__LOCATION_REQUEST:
		return "location request";
	default:
		return "message";
	}
}

const char *tb_outgoing_state_name(Tetrabridge__V1__Outgoing__State s)
{
	switch (s) {
	case TETRABRIDGE__V1__OUTGOING__STATE__QUEUED:
		return "queued";
	case TETRABRIDGE__V1__OUTGOING__STATE__TAKEN:
		return "taken";
	case TETRABRIDGE__V1__OUTGOING__STATE__SENT:
		return "sent";
	case TETRABRIDGE__V1__OUTGOING__STATE__DELIVERED:
		return "delivered";
	case TETRABRIDGE__V1__OUTGOING__STATE__CONSUMED:
		return "consumed";
	case TETRABRIDGE__V1__OUTGOING__STATE__FAILED:
		return "failed";
	case TETRABRIDGE__V1__OUTGOING__STATE__RETRYING:
		return "retrying";
	default:
		return "unlisted";
	}
}

/* " message 12 text to 1002 delivered, 2 parts, attempt 1, report 0x00, by amk-1: reason (final)" */
static void print_outgoing(FILE *out, const Tetrabridge__V1__Outgoing *o)
{
	char a[ID_BUF];

	fprintf(out, " message %" PRIu64 " %s to %s %s", o->message_id, outgoing_kind_name(o->kind),
		tb_fmt_identity(o->to, a, sizeof(a)), tb_outgoing_state_name(o->state));
	if (o->parts > 1)
		fprintf(out, ", %u parts", o->parts);
	if (o->n_message_references) {
		fprintf(out, ", ref");
		for (size_t i = 0; i < o->n_message_references; i++)
			fprintf(out, "%s%u", i ? "," : " ", o->message_references[i]);
	}
	if (o->attempts)
		fprintf(out, ", attempt %u", o->attempts);
	/* the delivery status only means something once a report came */
	if (o->state == TETRABRIDGE__V1__OUTGOING__STATE__DELIVERED ||
	    o->state == TETRABRIDGE__V1__OUTGOING__STATE__CONSUMED ||
	    (o->state == TETRABRIDGE__V1__OUTGOING__STATE__FAILED && o->delivery_status))
		fprintf(out, ", report 0x%02X", o->delivery_status);
	if (o->has_cme_error)
		fprintf(out, ", +CME ERROR %u", o->cme_error);
	if (o->client && o->client[0])
		fprintf(out, ", by %s", o->client);
	if (o->reason && o->reason[0])
		fprintf(out, ": %s", o->reason);
	if (o->final)
		fprintf(out, " (final)");
}

/* The body of a line: the essentials of each kind. */
static void print_body(FILE *out, const Tetrabridge__V1__Event *ev)
{
	char a[ID_BUF];

	switch (ev->body_case) {
	case TETRABRIDGE__V1__EVENT__BODY_RADIO_STATE: {
		const Tetrabridge__V1__RadioState *r = ev->radio_state;
		fprintf(out, " %s", tb_radio_state_name(r->state));
		if (r->transport && r->transport[0])
			fprintf(out, " %s", r->transport);
		if (r->identity)
			fprintf(out, " %s", tb_fmt_identity(r->identity, a, sizeof(a)));
		if (r->reason && r->reason[0])
			fprintf(out, " (%s)", r->reason);
		break;
	}
	case TETRABRIDGE__V1__EVENT__BODY_STATUS: {
		const Tetrabridge__V1__Status *s = ev->status;
		fprintf(out, " 0x%04X%s%s%s", s->value, s->value == 0 ? " (emergency)" : "",
			s->name && s->name[0] ? " " : "", s->name ? s->name : "");
		print_parties(out, s->calling, s->called);
		break;
	}
	case TETRABRIDGE__V1__EVENT__BODY_SHORT_REPORT: {
		const Tetrabridge__V1__ShortReport *s = ev->short_report;
		fprintf(out, " %s ref %u", short_report_name(s->type), s->message_reference);
		print_parties(out, s->calling, s->called);
		break;
	}
	case TETRABRIDGE__V1__EVENT__BODY_SDS_RAW: {
		const Tetrabridge__V1__SdsRaw *s = ev->sds_raw;
		size_t i;
		if (s->ai_service >= 9 && s->ai_service <= 12)
			fprintf(out, " type %u", s->ai_service - 8);
		else
			fprintf(out, " ai %u", s->ai_service);
		if (s->ai_service == 12)
			fprintf(out, " pid 0x%02X", s->protocol_id);
		fprintf(out, " %u bits", s->bit_length);
		print_parties(out, s->calling, s->called);
		if (s->data.data && s->data.len)
			fputc(' ', out);
		for (i = 0; s->data.data && i < s->data.len; i++)
			fprintf(out, "%02X", s->data.data[i]);
		if (s->decode_error && s->decode_error[0])
			fprintf(out, " (not decoded: %s)", s->decode_error);
		break;
	}
	case TETRABRIDGE__V1__EVENT__BODY_CALL_SETUP: {
		const Tetrabridge__V1__CallSetup *c = ev->call_setup;
		fprintf(out, " call %u", c->call_id);
		print_parties(out, c->calling, c->called);
		fprintf(out, " %s", c->group ? "group" : "individual");
		fprintf(out, " %s", c->simplex ? "simplex" : "duplex");
		if (c->encrypted)
			fprintf(out, " e2ee");
		if (c->priority)
			fprintf(out, " priority %u", c->priority);
		break;
	}
	case TETRABRIDGE__V1__EVENT__BODY_CALL_CONNECT: {
		const Tetrabridge__V1__CallConnect *c = ev->call_connect;
		fprintf(out, " call %u connected %s", c->call_id, c->simplex ? "simplex" : "duplex");
		if (c->encrypted)
			fprintf(out, " e2ee");
		break;
	}
	case TETRABRIDGE__V1__EVENT__BODY_TX: {
		const Tetrabridge__V1__TxChange *t = ev->tx;
		fprintf(out, " call %u %s", t->call_id, tx_kind_name(t->kind));
		if (t->kind == TETRABRIDGE__V1__TX_CHANGE__KIND__GRANT)
			fprintf(out, " %s", tetra_tx_grant_name(t->grant));
		if (t->talker && (t->talker->type != TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_NONE ||
				  t->talker->undecoded))
			fprintf(out, " talker %s", tb_fmt_identity(t->talker, a, sizeof(a)));
		if (t->encrypted)
			fprintf(out, " e2ee");
		break;
	}
	case TETRABRIDGE__V1__EVENT__BODY_CALL_RELEASE: {
		const Tetrabridge__V1__CallRelease *c = ev->call_release;
		fprintf(out, " call %u released: %s (cause %u)", c->call_id,
			nonempty(c->cause_text, tetra_disconnect_cause_name(c->cause)), c->cause);
		break;
	}
	case TETRABRIDGE__V1__EVENT__BODY_TEXT:
		print_text(out, ev->text);
		break;
	case TETRABRIDGE__V1__EVENT__BODY_TEXT_INCOMPLETE:
		print_text_incomplete(out, ev->text_incomplete);
		break;
	case TETRABRIDGE__V1__EVENT__BODY_LOCATION:
		print_location(out, ev->location);
		break;
	case TETRABRIDGE__V1__EVENT__BODY_LOCATION_CONTROL:
		print_location_control(out, ev->location_control);
		break;
	case TETRABRIDGE__V1__EVENT__BODY_DELIVERY_REPORT:
		print_delivery_report(out, ev->delivery_report);
		break;
	case TETRABRIDGE__V1__EVENT__BODY_SEND_RESULT:
		print_send_result(out, ev->send_result);
		break;
	case TETRABRIDGE__V1__EVENT__BODY_RADIO_INFO:
		print_radio_info(out, ev->radio_info);
		break;
	case TETRABRIDGE__V1__EVENT__BODY_LINK_ERROR:
		fprintf(out, " +CME ERROR %u: %s", ev->link_error->cme_error,
			nonempty(ev->link_error->text, tetra_cme_error_name(ev->link_error->cme_error)));
		break;
	case TETRABRIDGE__V1__EVENT__BODY_OUTGOING:
		print_outgoing(out, ev->outgoing);
		break;
	case TETRABRIDGE__V1__EVENT__BODY_CALLOUT_PDU:
		print_callout_pdu(out, ev->callout_pdu);
		break;
	case TETRABRIDGE__V1__EVENT__BODY_CALLOUT:
		tb_print_callout_change(out, ev->callout);
		break;
	case TETRABRIDGE__V1__EVENT__BODY_LOST:
		fprintf(out, " seq %" PRIu64 "-%" PRIu64 " cannot be replayed: %s", ev->lost->first_seq,
			ev->lost->last_seq, nonempty(ev->lost->reason, "no reason given"));
		break;
	default:
		break;
	}
}

void tb_print_event(FILE *out, const Tetrabridge__V1__Event *ev, const char *when)
{
	fprintf(out, "%s %s %s #%" PRIu64, when, (ev->radio && ev->radio[0]) ? ev->radio : "-",
		tb_event_kind(ev), ev->seq);
	/* The members of the body oneof share one pointer (a union): a selected
	 * body whose message is NULL (a foreign publisher) prints no body. */
	if (ev->body_case != TETRABRIDGE__V1__EVENT__BODY__NOT_SET && ev->radio_state)
		print_body(out, ev);
	fputc('\n', out);
}

void tb_print_event_local(FILE *out, const Tetrabridge__V1__Event *ev)
{
	uint64_t us = ev->time_us;
	struct tm tm;
	time_t t;
	char hms[16] = "??:??:??", when[32];

	if (!us) {
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		us = (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000u;
	}
	t = (time_t)(us / 1000000u);
	if (localtime_r(&t, &tm))
		strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	snprintf(when, sizeof(when), "%s.%03u", hms, (unsigned)(us / 1000u % 1000u));
	tb_print_event(out, ev, when);
}

int tb_print_event_json(FILE *out, const Tetrabridge__V1__Event *ev)
{
	json_t *j = tb_pb_to_json(&ev->base);
	char *s;

	if (!j)
		return -ENOMEM;
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!s)
		return -ENOMEM;
	fprintf(out, "%s\n", s);
	free(s);
	return 0;
}
