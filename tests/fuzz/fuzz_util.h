/* Shared helpers of the libFuzzer targets: invariant checks that abort with
 * a message (libFuzzer then saves the input as a crash artifact), a UTF-8
 * validator, exact-size copies of input slices (so ASan sees any read past
 * a length the decoder was given) and a checker for decoded primitives.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codecs/codec_err.h"
#include "codecs/tetra_prim.h"

/* An invariant that must hold for every input. */
#define FUZZ_CHECK(cond)                                                            \
	do {                                                                        \
		if (!(cond)) {                                                      \
			fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__, \
				__LINE__, #cond);                                   \
			abort();                                                    \
		}                                                                   \
	} while (0)

/* A heap copy of exactly n bytes (n may be 0: then a 1-byte allocation that
 * the callee must not read either, poisoned by writing nothing). ASan flags a
 * read at copy[n]. */
static inline void *fuzz_dup(const void *p, size_t n)
{
	void *c = malloc(n ? n : 1);

	FUZZ_CHECK(c != NULL);
	if (n)
		memcpy(c, p, n);
	return c;
}

/* Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing
 * above U+10FFFF, no truncated sequence. */
static inline bool fuzz_utf8_valid(const char *s, size_t n)
{
	const uint8_t *u = (const uint8_t *)s;
	size_t i = 0;

	while (i < n) {
		uint8_t c = u[i];
		size_t k;
		uint32_t cp, min;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			k = 1, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			k = 2, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			k = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (n - i - 1 < k)
			return false;
		for (size_t j = 1; j <= k; j++) {
			if ((u[i + j] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (u[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += k + 1;
	}
	return true;
}

/* A codec's return code: 0 or one of the named negative errors. */
static inline void fuzz_check_rc(int rc)
{
	FUZZ_CHECK(rc <= 0);
	FUZZ_CHECK(strcmp(tetra_codec_strerror(rc), "unknown_error") != 0);
}

static inline void fuzz_check_identity(const struct tetra_identity *id)
{
	FUZZ_CHECK(id->type <= TETRA_ID_EXT_TSI || id->type == TETRA_ID_NONE ||
		   id->type == TETRA_ID_UNDECODED);
	FUZZ_CHECK(memchr(id->digits, '\0', sizeof(id->digits)) != NULL);
	FUZZ_CHECK(id->ssi <= 0xffffff);
	FUZZ_CHECK(id->mcc <= 1023);
	FUZZ_CHECK(id->mnc <= 16383);
	if (id->type == TETRA_ID_UNDECODED) {
		/* a named reason, the field as printable ASCII, no number */
		FUZZ_CHECK(id->error < 0);
		fuzz_check_rc(id->error);
		for (const char *c = id->digits; *c; c++)
			FUZZ_CHECK(*c >= 0x20 && *c < 0x7f);
		FUZZ_CHECK(id->mcc == 0 && id->mnc == 0 && id->ssi == 0);
	}
}

/* An answer's text as sent: printable ASCII, NUL-terminated in its room. */
static inline void fuzz_check_answer_text(const char *t)
{
	size_t n = strnlen(t, TETRA_ANSWER_TEXT_MAX + 1);

	FUZZ_CHECK(n <= TETRA_ANSWER_TEXT_MAX);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(t[i] >= 0x20 && t[i] < 0x7f);
}

static inline void fuzz_check_sds_header(const struct tetra_sds_header *h)
{
	FUZZ_CHECK(h->ai_service >= TETRA_AI_SDS_TYPE1 && h->ai_service <= TETRA_AI_STATUS);
	FUZZ_CHECK(h->bit_len <= 2047);
	fuzz_check_identity(&h->calling);
	fuzz_check_identity(&h->called);
}

static inline void fuzz_check_text(const struct tetra_text_param *t)
{
	FUZZ_CHECK(t->text_len <= TETRA_TEXT_MAX);
	FUZZ_CHECK(t->text[t->text_len] == '\0');
	FUZZ_CHECK(fuzz_utf8_valid(t->text, t->text_len));
	if (t->concat.present)
		FUZZ_CHECK(t->concat.part >= 1);
	if (t->ts.present)
		FUZZ_CHECK(t->ts.timeframe <= 3 && t->ts.month <= 15 && t->ts.day <= 31 &&
			   t->ts.hour <= 31 && t->ts.minute <= 63);
}

static inline void fuzz_check_location(const struct tetra_location_param *l)
{
	if (l->has_position) {
		FUZZ_CHECK(isfinite(l->longitude) && isfinite(l->latitude));
		FUZZ_CHECK(l->longitude >= -180.0 && l->longitude <= 180.0);
		FUZZ_CHECK(l->latitude >= -90.0 && l->latitude <= 90.0);
	}
	FUZZ_CHECK(l->time_elapsed <= 3);
	FUZZ_CHECK(l->position_error <= 7);
	FUZZ_CHECK(l->shape <= 15);
	FUZZ_CHECK(l->velocity_type <= 7);
	if (l->has_velocity)
		FUZZ_CHECK(isfinite(l->velocity_kmh) && l->velocity_kmh >= 0.0);
	if (l->has_direction)
		FUZZ_CHECK(isfinite(l->direction_deg) && l->direction_deg >= 0.0 &&
			   l->direction_deg < 360.0);
	if (l->has_uncertainty)
		FUZZ_CHECK(isfinite(l->horizontal_uncertainty_m) &&
			   l->horizontal_uncertainty_m >= 0.0);
	if (l->has_altitude)
		FUZZ_CHECK(l->altitude_m >= -1000 && l->altitude_m <= 20000);
}

static inline bool fuzz_same_identity(const struct tetra_identity *a, const struct tetra_identity *b)
{
	return a->type == b->type && a->mcc == b->mcc && a->mnc == b->mnc && a->ssi == b->ssi &&
	       strncmp(a->digits, b->digits, sizeof(a->digits)) == 0 &&
	       (a->type != TETRA_ID_UNDECODED || a->error == b->error);
}

/* Field by field (padding may differ). */
static inline bool fuzz_same_sds_header(const struct tetra_sds_header *a, const struct tetra_sds_header *b)
{
	return a->ai_service == b->ai_service && a->bit_len == b->bit_len && a->e2ee == b->e2ee &&
	       fuzz_same_identity(&a->calling, &b->calling) && fuzz_same_identity(&a->called, &b->called);
}

/* What every successfully decoded primitive must look like. Unknown
 * (SAP, primitive) pairs are a failure: a new one gets a check here. */
static inline void fuzz_check_prim(const struct tetra_prim *p)
{
	FUZZ_CHECK(p->oph.msg == NULL);
	FUZZ_CHECK(p->oph.operation == PRIM_OP_INDICATION || p->oph.operation == PRIM_OP_CONFIRM);
	switch (p->oph.sap) {
	case TETRA_SAP_TNCC:
		switch (p->oph.primitive) {
		case TETRA_TNCC_SETUP:
			FUZZ_CHECK(p->u.cc_setup.call_status <= 4);
			FUZZ_CHECK(p->u.cc_setup.comms_type <= 3);
			fuzz_check_identity(&p->u.cc_setup.calling);
			fuzz_check_identity(&p->u.cc_setup.called);
			return;
		case TETRA_TNCC_CONNECT:
			FUZZ_CHECK(p->u.cc_connect.comms_type <= 3);
			return;
		case TETRA_TNCC_TX:
			FUZZ_CHECK(p->u.cc_tx.kind <= TETRA_TX_WAIT);
			FUZZ_CHECK(p->u.cc_tx.tx_grant <= 3);
			fuzz_check_identity(&p->u.cc_tx.talker);
			return;
		case TETRA_TNCC_RELEASE:
			FUZZ_CHECK(p->u.cc_release.cause <= 40);
			return;
		}
		break;
	case TETRA_SAP_TNSDS:
		switch (p->oph.primitive) {
		case TETRA_TNSDS_STATUS:
			fuzz_check_sds_header(&p->u.status.hdr);
			FUZZ_CHECK((p->u.status.value & 0xfc00) != 0x7c00);
			return;
		case TETRA_TNSDS_SHORT_REPORT:
			fuzz_check_sds_header(&p->u.short_report.hdr);
			FUZZ_CHECK(p->u.short_report.report_type <= 3);
			return;
		case TETRA_TNSDS_UNITDATA: {
			const struct tetra_sds_unitdata_param *u = &p->u.unitdata;
			size_t full = (u->hdr.bit_len + 7u) / 8u;
			fuzz_check_sds_header(&u->hdr);
			FUZZ_CHECK(u->len <= TETRA_SDS_MAX_BYTES);
			/* all of it, unless the data line itself did not decode:
			 * then what could be read of it */
			if (u->decode_error == TETRA_E_NO_DATA || u->decode_error == TETRA_E_HEX ||
			    u->decode_error == TETRA_E_LENGTH)
				FUZZ_CHECK(u->len <= full);
			else
				FUZZ_CHECK(u->len == full);
			if (u->decode_error == TETRA_E_NO_DATA)
				FUZZ_CHECK(u->len == 0);
			if (u->decode_error)
				fuzz_check_rc(u->decode_error);
			/* bits past bit_len are zero */
			if ((u->hdr.bit_len & 7) && u->len == full)
				FUZZ_CHECK((u->data[u->len - 1] & (0xff >> (u->hdr.bit_len & 7))) == 0);
			return;
		}
		case TETRA_TNSDS_TEXT:
			fuzz_check_sds_header(&p->u.text.hdr);
			fuzz_check_text(&p->u.text);
			return;
		case TETRA_TNSDS_LOCATION:
			fuzz_check_sds_header(&p->u.location.hdr);
			fuzz_check_location(&p->u.location);
			return;
		case TETRA_TNSDS_LOCATION_CONTROL:
			fuzz_check_sds_header(&p->u.location_control.hdr);
			return;
		case TETRA_TNSDS_REPORT:
			fuzz_check_sds_header(&p->u.report.hdr);
			FUZZ_CHECK(p->u.report.kind <= TETRA_REPORT_SDS_ACK);
			return;
		case TETRA_TNSDS_CALLOUT: {
			const struct tetra_callout_param *c = &p->u.callout;
			fuzz_check_sds_header(&c->hdr);
			FUZZ_CHECK(c->hdr.ai_service == TETRA_AI_SDS_TYPE4);
			FUZZ_CHECK(c->tl.present);
			FUZZ_CHECK(c->kind <= 15 && c->severity <= 15);
			FUZZ_CHECK(c->n_receivers <= TETRA_CALLOUT_MAX_RECEIVERS);
			FUZZ_CHECK(c->has_sender == (c->kind == TETRA_CALLOUT_KIND_ALERT));
			if (c->kind != TETRA_CALLOUT_KIND_ALERT)
				FUZZ_CHECK(c->n_receivers == 0);
			/* lead, kind ... severity, the SDS-TL header: 6 octets besides */
			FUZZ_CHECK((size_t)c->text_len + c->rest_len + 6 <= (c->hdr.bit_len + 7u) / 8u);
			FUZZ_CHECK(!(c->text_len && c->rest_len));
			return;
		}
		case TETRA_TNSDS_SEND_RESULT:
			return;
		default:
			/* a TNSDS primitive added after these checks (e.g. call-out):
			 * nothing to check but that its header is sane when it has one */
			return;
		}
		break;
	case TETRA_SAP_TNMM:
		switch (p->oph.primitive) {
		case TETRA_TNMM_OWN_IDENTITY:
			fuzz_check_identity(&p->u.own_identity.id);
			return;
		case TETRA_TNMM_OPERATING_MODE:
			FUZZ_CHECK(p->u.mode.ai_mode <= 6);
			return;
		case TETRA_TNMM_GROUP:
			FUZZ_CHECK(p->u.group.group_type <= 7);
			fuzz_check_identity(&p->u.group.group);
			return;
		case TETRA_TNMM_SIGNAL:
			if (p->u.signal.known)
				FUZZ_CHECK(p->u.signal.dbm == -113 + 2 * p->u.signal.rssi);
			return;
		case TETRA_TNMM_REGISTRATION:
			FUZZ_CHECK(p->u.registration.stat <= 5);
			return;
		case TETRA_TNMM_SUPPORTED_VALUES: {
			const struct tetra_supported_values_param *v = &p->u.supported;
			fuzz_check_answer_text(v->text);
			FUZZ_CHECK(memchr(v->command, '\0', sizeof(v->command)) != NULL);
			FUZZ_CHECK(v->command[0] == '+');
			FUZZ_CHECK(v->n_params <= TETRA_SUPPORTED_MAX_PARAMS);
			if (v->decode_error)
				fuzz_check_rc(v->decode_error);
			for (unsigned i = 0; i < v->n_params; i++) {
				FUZZ_CHECK(v->param[i].n_spans <= TETRA_SUPPORTED_MAX_SPANS);
				for (unsigned k = 0; k < v->param[i].n_spans; k++)
					FUZZ_CHECK(v->param[i].span[k].low <= v->param[i].span[k].high);
			}
			return;
		}
		case TETRA_TNMM_IDENTITY_ENTRY: {
			const struct tetra_identity_entry_param *e = &p->u.identity_entry;
			fuzz_check_answer_text(e->text);
			FUZZ_CHECK(e->list <= TETRA_IDENTITIES_DYNAMIC);
			fuzz_check_identity(&e->id);
			FUZZ_CHECK(memchr(e->alias, '\0', sizeof(e->alias)) != NULL);
			for (const char *c = e->alias; *c; c++)
				FUZZ_CHECK(*c >= 0x20 && *c < 0x7f);
			if (e->decode_error)
				fuzz_check_rc(e->decode_error);
			if (e->id.type == TETRA_ID_UNDECODED)
				FUZZ_CHECK(e->decode_error != 0);
			return;
		}
		case TETRA_TNMM_POSITION: {
			const struct tetra_position_param *o = &p->u.position;
			fuzz_check_answer_text(o->text);
			if (o->decode_error)
				fuzz_check_rc(o->decode_error);
			if (o->has_position) {
				FUZZ_CHECK(isfinite(o->latitude) && isfinite(o->longitude));
				FUZZ_CHECK(o->latitude >= -90.0 && o->latitude <= 90.0);
				FUZZ_CHECK(o->longitude >= -180.0 && o->longitude <= 180.0);
			}
			if (o->has_time)
				FUZZ_CHECK(o->hour <= 23 && o->minute <= 59 && o->second <= 60);
			/* everything decoded, or a reason */
			FUZZ_CHECK((o->has_time && o->has_position && o->has_satellites) ||
				   o->decode_error != 0);
			return;
		}
		}
		break;
	case TETRA_SAP_LINK:
		return;
	}
	FUZZ_CHECK(!"unknown SAP / primitive");
}
