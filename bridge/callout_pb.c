/* The call-out as the proto has it: the snapshot every CalloutChange
 * carries and the store keeps, and the way back after a restart.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/talloc.h>

#include "bridge/callout_config.h"
#include "bridge/callout_int.h"
#include "bridge/bridge.h"
#include "bridge/roster.h"
#include "bridge/callout_store.h"
#include "common/logging.h"

#define ST(x) TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_##x
#define CST(x) TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_##x
#define OUT(x) TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_##x

const char *tb_rstate_name(tb_rstate s)
{
	static const char *const names[] = {
		[ST(QUEUED)] = "queued",	   [ST(SENT)] = "sent",		[ST(DELIVERED)] = "delivered",
		[ST(READ)] = "read",		   [ST(ACCEPTED)] = "accepted", [ST(STANDBY)] = "standby",
		[ST(DECLINED)] = "declined",	   [ST(EN_ROUTE)] = "en route", [ST(ON_SCENE)] = "on scene",
		[ST(HANDED_OVER)] = "handed over", [ST(DONE)] = "done",		[ST(NO_ANSWER)] = "no answer",
		[ST(FAILED)] = "failed",	   [ST(CANCELLED)] = "cancelled", [ST(STOOD_DOWN)] = "stood down",
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) && names[s] ? names[s] : "unknown";
}

const char *tb_cstate_name(tb_cstate s)
{
	static const char *const names[] = {
		[CST(OPEN)] = "open",	  [CST(STAFFED)] = "staffed",	  [CST(ON_SCENE)] = "on scene",
		[CST(CLOSED)] = "closed", [CST(CANCELLED)] = "cancelled",
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) && names[s] ? names[s] : "unknown";
}

const char *tb_outcome_name(Tetrabridge__V1__CalloutOutcome o)
{
	static const char *const names[] = {
		[OUT(NONE)] = "none",
		[OUT(TREATED_ON_SITE)] = "treated on site",
		[OUT(HANDED_TO_AMBULANCE)] = "handed over to ambulance",
		[OUT(HANDED_TO_DOCTOR)] = "handed over to the doctor",
		[OUT(TRANSPORTED)] = "transported",
		[OUT(NOT_NEEDED)] = "not needed",
	};

	return (unsigned)o < sizeof(names) / sizeof(names[0]) && names[o] ? names[o] : "unknown";
}

static char *str(const char *s)
{
	return (char *)(s ? s : "");
}

Tetrabridge__V1__Identity *tb_callout_identity_pb(const struct tb_callout_tracker *t, const struct tetra_identity *id,
						  void *ctx)
{
	Tetrabridge__V1__Identity *out = talloc_zero(ctx, Tetrabridge__V1__Identity);
	const char *name;

	if (!out)
		return NULL;
	tetrabridge__v1__identity__init(out);
	out->type = id->type;
	out->mcc = id->mcc;
	out->mnc = id->mnc;
	out->ssi = id->ssi;
	out->digits = str(NULL);
	name = t && t->bridge && t->bridge->roster ? tb_roster_name(t->bridge->roster, id) : NULL;
	out->name = str(name);
	return out;
}

void tb_callout_identity_from_pb(const Tetrabridge__V1__Identity *in, struct tetra_identity *id)
{
	memset(id, 0, sizeof(*id));
	if (!in) {
		id->type = TETRA_ID_NONE;
		return;
	}
	id->type = in->type == TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_TSI ? TETRA_ID_TSI : TETRA_ID_SSI;
	id->mcc = (uint16_t)in->mcc;
	id->mnc = (uint16_t)in->mnc;
	id->ssi = in->ssi;
}

static Tetrabridge__V1__Responder *responder_pb(const struct tb_responder *r, void *ctx)
{
	Tetrabridge__V1__Responder *p = talloc_zero(ctx, Tetrabridge__V1__Responder);
	const struct tb_callout_tracker *t = r->co->t;

	if (!p)
		return NULL;
	tetrabridge__v1__responder__init(p);
	p->identity = tb_callout_identity_pb(t, &r->id, ctx);
	p->state = r->fi->state;
	p->level = r->level;
	if (r->via_group)
		p->group = tb_callout_identity_pb(t, &r->group, ctx);
	p->is_group = r->is_group;
	p->alerts = r->alerts;
	p->deadline_us = r->deadline_us;
	p->since_us = r->since_us;
	p->late = r->late;
	p->cause = str(r->cause);
	p->set_by = str(r->set_by);
	p->message_id = r->message_id;
	if (r->has_position) {
		Tetrabridge__V1__ResponderPosition *pos = talloc_zero(ctx, Tetrabridge__V1__ResponderPosition);

		if (pos) {
			tetrabridge__v1__responder_position__init(pos);
			pos->latitude = r->lat;
			pos->longitude = r->lon;
			pos->time_us = r->pos_time_us;
			pos->seq = r->pos_seq;
			p->position = pos;
		}
	}
	if (r->n_notes) {
		p->notes = talloc_array(ctx, char *, r->n_notes);
		if (p->notes) {
			for (unsigned i = 0; i < r->n_notes; i++)
				p->notes[i] = r->notes[i];
			p->n_notes = r->n_notes;
		}
	}
	return p;
}

Tetrabridge__V1__Callout *tb_callout_to_pb(const struct tb_callout *co, void *ctx)
{
	Tetrabridge__V1__Callout *p = talloc_zero(ctx, Tetrabridge__V1__Callout);
	const struct tb_callout_config *cfg = co->t->bridge ? co->t->bridge->callout_cfg : NULL;
	const struct tb_responder *r;
	unsigned i = 0;

	if (!p)
		return NULL;
	tetrabridge__v1__callout__init(p);
	p->id = co->id;
	p->state = co->fi->state;
	p->severity = co->severity;
	p->severity_name = cfg ? talloc_strdup(ctx, tb_severity_name(cfg, co->severity)) : str(NULL);
	p->text = str(co->text);
	p->radio = str(co->radio);
	p->method = co->method;
	p->required = co->required;
	llist_for_each_entry(r, &co->responders, entry)
		if (tb_rstate_accepted(r->fi->state))
			p->accepted++;
	p->plan = str(co->plan);
	p->level = co->level;
	p->escalated = co->escalated;
	p->overdue = co->overdue;
	p->alarm = co->alarm;
	p->created_by = str(co->created_by);
	p->created_role = str(co->created_role);
	p->created_us = co->created_us;
	p->closed_us = co->closed_us;
	p->outcome = co->outcome;
	p->has_air_number = co->has_air_number;
	p->air_number = co->air_number;
	p->test = co->test;
	p->override = co->override;
	p->answer_deadline_us = co->answer_deadline_us;
	p->closed_by = str(co->closed_by);
	p->responders = talloc_array(ctx, Tetrabridge__V1__Responder *, co->n_responders ? co->n_responders : 1);
	if (!p->responders)
		return NULL;
	llist_for_each_entry(r, &co->responders, entry) {
		p->responders[i] = responder_pb(r, ctx);
		if (!p->responders[i])
			return NULL;
		i++;
	}
	p->n_responders = i;
	return p;
}

static char *dup_or_null(void *ctx, const char *s)
{
	return s && *s ? talloc_strdup(ctx, s) : NULL;
}

/* A stored responder back into co, in its state (timers armed by the caller). */
static int responder_restore(struct tb_callout *co, const Tetrabridge__V1__Responder *p)
{
	struct tetra_identity id;
	struct tb_responder *r;

	tb_callout_identity_from_pb(p->identity, &id);
	r = tb_responder_alloc(co, &id, p->is_group, (uint8_t)p->level);
	if (!r)
		return -ENOMEM;
	if (p->group) {
		r->via_group = true;
		tb_callout_identity_from_pb(p->group, &r->group);
	}
	r->alerts = (uint8_t)p->alerts;
	r->deadline_us = p->deadline_us;
	r->since_us = p->since_us;
	r->late = p->late;
	r->cause = dup_or_null(r, p->cause);
	r->set_by = dup_or_null(r, p->set_by);
	tb_responder_set_message(r, p->message_id);
	if (p->position) {
		r->has_position = true;
		r->lat = p->position->latitude;
		r->lon = p->position->longitude;
		r->pos_time_us = p->position->time_us;
		r->pos_seq = p->position->seq;
	}
	for (size_t i = 0; i < p->n_notes && r->n_notes < TB_CALLOUT_MAX_NOTES; i++)
		r->notes[r->n_notes++] = talloc_strdup(r, p->notes[i]);
	/* Re-alerts left are not stored: they follow from the alerts sent. */
	r->realerts_left = r->alerts > tb_callout_realerts(co->t) ? 0
			   : (uint8_t)(tb_callout_realerts(co->t) + 1 - r->alerts);
	tb_responder_restore(r, p->state);
	return 0;
}

struct tb_callout *tb_callout_from_pb(struct tb_callout_tracker *t, const Tetrabridge__V1__Callout *p)
{
	struct tb_callout *co = tb_callout_new_empty(t, p->id);

	if (!co)
		return NULL;
	co->severity = (uint8_t)p->severity;
	co->text = dup_or_null(co, p->text);
	co->radio = talloc_strdup(co, str(p->radio));
	co->method = p->method;
	co->required = p->required;
	co->plan = dup_or_null(co, p->plan);
	co->level = (uint8_t)p->level;
	co->escalated = p->escalated;
	co->overdue = p->overdue;
	co->alarm = p->alarm;
	co->created_by = talloc_strdup(co, str(p->created_by));
	co->created_role = talloc_strdup(co, str(p->created_role));
	co->closed_by = dup_or_null(co, p->closed_by);
	co->created_us = p->created_us;
	co->closed_us = p->closed_us;
	co->outcome = p->outcome;
	co->has_air_number = p->has_air_number;
	co->air_number = (uint8_t)p->air_number;
	co->test = p->test;
	co->override = p->override;
	co->answer_deadline_us = p->answer_deadline_us;
	for (size_t i = 0; i < p->n_responders; i++) {
		if (responder_restore(co, p->responders[i]) < 0) {
			tb_callout_free(co);
			return NULL;
		}
	}
	tb_callout_fsm_restore(co, p->state);
	return co;
}

/* ---- retention ---------------------------------------------------------- */

#define SCRUB_BATCH 64

struct scrub_batch {
	unsigned n;
	uint64_t ids[SCRUB_BATCH];
	uint8_t *snap[SCRUB_BATCH];
	size_t len[SCRUB_BATCH];
};

/* The snapshot without the call-out text, notes and positions: what the
 * report needs (times, states, who) stays. */
static int collect(uint64_t id, const uint8_t *snapshot, size_t len, void *data)
{
	struct scrub_batch *b = data;
	Tetrabridge__V1__Callout *p = tetrabridge__v1__callout__unpack(NULL, len, snapshot);
	Tetrabridge__V1__Callout copy;
	Tetrabridge__V1__Responder **rs, *r;

	if (!p)
		return 0;
	/* Pack a shallow copy with the health data left out; p itself stays
	 * as unpacked so that free_unpacked frees what it allocated. */
	copy = *p;
	copy.text = (char *)"";
	rs = talloc_array(NULL, Tetrabridge__V1__Responder *, p->n_responders ? p->n_responders : 1);
	r = talloc_array(NULL, Tetrabridge__V1__Responder, p->n_responders ? p->n_responders : 1);
	if (rs && r) {
		for (size_t i = 0; i < p->n_responders; i++) {
			r[i] = *p->responders[i];
			r[i].n_notes = 0;
			r[i].notes = NULL;
			r[i].position = NULL;
			rs[i] = &r[i];
		}
		copy.responders = rs;
		b->len[b->n] = tetrabridge__v1__callout__get_packed_size(&copy);
		b->snap[b->n] = talloc_size(NULL, b->len[b->n] ? b->len[b->n] : 1);
		if (b->snap[b->n]) {
			tetrabridge__v1__callout__pack(&copy, b->snap[b->n]);
			b->ids[b->n++] = id;
		}
	}
	talloc_free(rs);
	talloc_free(r);
	tetrabridge__v1__callout__free_unpacked(p, NULL);
	return 0;
}

void tb_callout_retention(struct tb_callout_tracker *t, uint64_t now_us)
{
	uint64_t keep = (uint64_t)t->bridge->callout_cfg->retention_days * 86400u * 1000000u;
	struct scrub_batch b = { 0 };

	if (!t->store || now_us <= keep)
		return;
	/* Collected first, written after: no writes while the SELECT runs. */
	tb_callout_store_to_scrub(t->store, now_us - keep, SCRUB_BATCH, collect, &b);
	for (unsigned i = 0; i < b.n; i++) {
		tb_callout_store_save_scrubbed(t->store, b.ids[i], b.snap[i], b.len[i]);
		talloc_free(b.snap[i]);
	}
	if (b.n)
		LOGP(DCALLOUT, LOGL_INFO, "retention: texts and positions of %u closed call-out(s) removed\n", b.n);
}
