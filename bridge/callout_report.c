/* The response-time report's rows (see callout_report.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "bridge/callout_report.h"

#include <string.h>
#include <time.h>
#include <osmocom/core/talloc.h>

#include "bridge/callout_args.h"

#define RSTATE(x) TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_##x

enum step { SENT, DELIVERED, ANSWER, ACCEPT, EN_ROUTE, ON_SCENE, DONE, N_STEPS };

#define B(s) (1u << (s))
#define ANSWERED (B(ANSWER))
#define ACCEPTED (ANSWERED | B(ACCEPT))

/* The steps entering state s reaches (the earlier ones it implies). */
static unsigned steps_of(Tetrabridge__V1__ResponderState s)
{
	switch (s) {
	case RSTATE(SENT):
		return B(SENT);
	case RSTATE(DELIVERED):
	case RSTATE(READ):
		return B(SENT) | B(DELIVERED);
	case RSTATE(STANDBY):
	case RSTATE(DECLINED):
		return ANSWERED;
	case RSTATE(ACCEPTED):
		return ACCEPTED;
	case RSTATE(EN_ROUTE):
		return ACCEPTED | B(EN_ROUTE);
	case RSTATE(ON_SCENE):
	case RSTATE(HANDED_OVER):
		return ACCEPTED | B(EN_ROUTE) | B(ON_SCENE);
	case RSTATE(DONE):
		return ACCEPTED | B(EN_ROUTE) | B(ON_SCENE) | B(DONE);
	default:
		return 0;
	}
}

struct who {
	uint32_t mcc, mnc, ssi;
	int64_t t[N_STEPS];
	bool late;
	Tetrabridge__V1__ResponderState state;
	Tetrabridge__V1__CalloutReportRow__ResponderRow *row;
};

struct tb_callout_report_build {
	Tetrabridge__V1__CalloutReportRow *row;
	uint64_t id, created_us;
	bool cancelled;
	struct who *who;
	unsigned n, cap;
	const struct tb_callout_report_params *p;
	bool nomem;
};

static void times_init(int64_t *t)
{
	for (int i = 0; i < N_STEPS; i++)
		t[i] = -1;
}

static Tetrabridge__V1__CalloutTimes *times_pb(void *ctx, const int64_t *t)
{
	Tetrabridge__V1__CalloutTimes *pt = talloc_zero(ctx, Tetrabridge__V1__CalloutTimes);

	if (!pt)
		return NULL;
	tetrabridge__v1__callout_times__init(pt);
	pt->sent_s = t[SENT];
	pt->delivered_s = t[DELIVERED];
	pt->first_answer_s = t[ANSWER];
	pt->first_accept_s = t[ACCEPT];
	pt->en_route_s = t[EN_ROUTE];
	pt->on_scene_s = t[ON_SCENE];
	pt->done_s = t[DONE];
	return pt;
}

/* "Sykepleier Nord (1001)", "1001", a TSI as 17 digits. */
static char *identity_text(void *ctx, const Tetrabridge__V1__Identity *id)
{
	char digits[24];

	if (id->mcc || id->mnc)
		snprintf(digits, sizeof(digits), "%04u%05u%08u", id->mcc, id->mnc, id->ssi);
	else
		snprintf(digits, sizeof(digits), "%u", id->ssi);
	if (id->name && id->name[0])
		return talloc_asprintf(ctx, "%s (%s)", id->name, digits);
	return talloc_strdup(ctx, digits);
}

static struct who *find_who(struct tb_callout_report_build *b, const Tetrabridge__V1__Identity *id)
{
	for (unsigned i = 0; i < b->n; i++)
		if (b->who[i].ssi == id->ssi && b->who[i].mcc == id->mcc && b->who[i].mnc == id->mnc)
			return &b->who[i];
	return NULL;
}

/* A responder of the row: from the snapshot, or one only the history names. */
static struct who *add_who(struct tb_callout_report_build *b, const Tetrabridge__V1__Identity *id)
{
	Tetrabridge__V1__CalloutReportRow__ResponderRow *rr;
	struct who *w;

	if (b->n == b->cap) {
		unsigned cap = b->cap ? b->cap * 2 : 8;
		struct who *nw = talloc_realloc(b, b->who, struct who, cap);
		if (!nw) {
			b->nomem = true;
			return NULL;
		}
		b->who = nw;
		b->cap = cap;
	}
	rr = talloc_zero(b->row, Tetrabridge__V1__CalloutReportRow__ResponderRow);
	if (!rr) {
		b->nomem = true;
		return NULL;
	}
	tetrabridge__v1__callout_report_row__responder_row__init(rr);
	if (b->p->names) {
		rr->who = identity_text(b->row, id);
	} else {
		char buf[TB_PSEUDONYM_BUF];
		rr->who = talloc_strdup(b->row, tb_pseudonym(b->p->key, id->ssi, buf));
	}
	if (!rr->who) {
		b->nomem = true;
		return NULL;
	}
	w = &b->who[b->n++];
	memset(w, 0, sizeof(*w));
	w->mcc = id->mcc;
	w->mnc = id->mnc;
	w->ssi = id->ssi;
	times_init(w->t);
	w->row = rr;
	return w;
}

bool tb_callout_by_hand(const char *by)
{
	return by && by[0] && strcmp(by, "radio") && strcmp(by, "timer");
}

int32_t tb_callout_utc_offset(uint64_t us)
{
	time_t t = (time_t)(us / 1000000u);
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return 0;
	return (int32_t)tm.tm_gmtoff;
}

struct tb_callout_report_build *tb_callout_report_begin(void *ctx, const Tetrabridge__V1__Callout *snap,
							const struct tb_callout_report_params *p)
{
	struct tb_callout_report_build *b = talloc_zero(ctx, struct tb_callout_report_build);
	Tetrabridge__V1__CalloutReportRow *row;
	const char *sev;

	if (!b)
		return NULL;
	row = b->row = talloc_zero(b, Tetrabridge__V1__CalloutReportRow);
	if (!row) {
		talloc_free(b);
		return NULL;
	}
	tetrabridge__v1__callout_report_row__init(row);
	b->p = p;
	b->id = snap->id;
	b->created_us = snap->created_us;
	b->cancelled = snap->state == TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_CANCELLED;
	row->id = snap->id;
	row->severity = snap->severity;
	sev = p->severity_name && p->severity_name[0] ? p->severity_name : snap->severity_name;
	row->severity_name = talloc_strdup(row, sev ? sev : "");
	row->created_us = snap->created_us;
	row->state = snap->state;
	row->outcome = snap->outcome;
	row->test = snap->test;
	row->manual = snap->override;
	row->escalated = snap->escalated;
	row->answer_deadline_s = p->answer_deadline_s;
	row->on_scene_target_s = p->on_scene_target_s;
	row->utc_offset_s = tb_callout_utc_offset(snap->created_us);
	for (size_t i = 0; i < snap->n_responders; i++) {
		const Tetrabridge__V1__Responder *r = snap->responders[i];
		struct who *w;

		if (!r || !r->identity || find_who(b, r->identity))
			continue;
		w = add_who(b, r->identity);
		if (!w)
			break;
		w->state = r->state;
		w->late = r->late;
		if (r->set_by && r->set_by[0])
			row->manual = true;
	}
	if (!row->severity_name)
		b->nomem = true;
	return b;
}

/* Whole seconds from the creation, rounded down; a clock that went back
 * gives 0 rather than a negative time. */
static int64_t since_creation(const struct tb_callout_report_build *b, uint64_t time_us)
{
	return time_us > b->created_us ? (int64_t)((time_us - b->created_us) / 1000000u) : 0;
}

void tb_callout_report_history(struct tb_callout_report_build *b, uint64_t time_us,
			       const Tetrabridge__V1__CalloutChange *ch)
{
	unsigned steps;
	struct who *w;

	if (!b || !ch || (ch->callout_id && ch->callout_id != b->id) || !ch->responder)
		return;
	switch (ch->kind) {
	case TETRABRIDGE__V1__CALLOUT_CHANGE__KIND__RESPONDER:
	case TETRABRIDGE__V1__CALLOUT_CHANGE__KIND__LATE_ANSWER:
		break;
	default:
		return;
	}
	w = find_who(b, ch->responder);
	if (!w) {
		w = add_who(b, ch->responder);
		if (!w)
			return;
	}
	if (ch->kind == TETRABRIDGE__V1__CALLOUT_CHANGE__KIND__LATE_ANSWER) {
		w->late = true;
	} else {
		w->state = ch->new_responder_state;
		if (tb_callout_by_hand(ch->by) && tb_callout_state_settable(ch->new_responder_state))
			b->row->manual = true;
	}
	steps = steps_of(ch->new_responder_state);
	for (int s = 0; s < N_STEPS; s++)
		if ((steps & B(s)) && w->t[s] < 0)
			w->t[s] = since_creation(b, time_us);
}

Tetrabridge__V1__CalloutReportRow *tb_callout_report_end(struct tb_callout_report_build *b)
{
	Tetrabridge__V1__CalloutReportRow *row;
	int64_t first[N_STEPS];

	if (!b)
		return NULL;
	if (b->nomem)
		goto nomem;
	row = b->row;
	times_init(first);
	row->responders = talloc_zero_array(row, Tetrabridge__V1__CalloutReportRow__ResponderRow *, b->n ? b->n : 1);
	if (!row->responders)
		goto nomem;
	for (unsigned i = 0; i < b->n; i++) {
		struct who *w = &b->who[i];

		for (int s = 0; s < N_STEPS; s++)
			if (w->t[s] >= 0 && (first[s] < 0 || w->t[s] < first[s]))
				first[s] = w->t[s];
		w->row->state = w->state;
		w->row->late = w->late;
		w->row->times = times_pb(row, w->t);
		if (!w->row->times)
			goto nomem;
		row->responders[row->n_responders++] = w->row;
	}
	row->times = times_pb(row, first);
	if (!row->times)
		goto nomem;
	row->cancelled_early = b->cancelled && first[ACCEPT] < 0;
	talloc_steal(talloc_parent(b), row);
	talloc_free(b);
	return row;
nomem:
	talloc_free(b);
	return NULL;
}
