/* RosterList: the roster, the call-out settings and the radio names a
 * console needs to offer choices (see commands.h for the bound).
 *
 * Health data: the roster is configuration (staff and unit names); nothing
 * of it is logged.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/commands.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <osmocom/core/talloc.h>

#include "bridge/bridge.h"
#include "bridge/callout_config.h"
#include "bridge/radio.h"
#include "bridge/roster.h"

/* What is left of the reply's room, in bytes. */
struct budget {
	size_t left;
};

/* Whether a field of len bytes fits; takes it off if so. */
static bool take(struct budget *b, size_t len)
{
	size_t cost = tb_reply_field_cost(len);

	if (cost > b->left)
		return false;
	b->left -= cost;
	return true;
}

static Tetrabridge__V1__Identity *identity_pb(void *tmp, const struct tetra_identity *id, const char *name)
{
	Tetrabridge__V1__Identity *p = talloc_zero(tmp, Tetrabridge__V1__Identity);

	if (!p)
		return NULL;
	tetrabridge__v1__identity__init(p);
	p->type = id->type == TETRA_ID_TSI ? TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_TSI
					   : TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_SSI;
	p->mcc = id->mcc;
	p->mnc = id->mnc;
	p->ssi = id->ssi;
	if (name)
		p->name = (char *)name;	/* the roster's: valid while the reply is packed */
	return p;
}

/* A party as a RosterEntry (members without names: each has its own entry
 * when the roster names it). NULL when out of memory. */
static Tetrabridge__V1__RosterEntry *entry_pb(void *tmp, const struct tb_roster_party *p)
{
	Tetrabridge__V1__RosterEntry *e = talloc_zero(tmp, Tetrabridge__V1__RosterEntry);

	if (!e)
		return NULL;
	tetrabridge__v1__roster_entry__init(e);
	e->identity = identity_pb(tmp, &p->id, p->name);
	e->group = p->group;
	if (!e->identity)
		return NULL;
	if (p->group && p->n_members) {
		e->members = talloc_zero_array(tmp, Tetrabridge__V1__Identity *, p->n_members);
		if (!e->members)
			return NULL;
		for (unsigned i = 0; i < p->n_members; i++) {
			e->members[i] = identity_pb(tmp, &p->members[i], NULL);
			if (!e->members[i])
				return NULL;
		}
		e->n_members = p->n_members;
	}
	return e;
}

/* The names: radios, plans, severities and statuses (bounded by config,
 * far below the budget, but counted all the same). Returns 0 or -ENOMEM;
 * -ENOSPC when they alone do not fit. */
static int settings(struct tb_bridge *b, Tetrabridge__V1__Roster *ro, struct budget *bud, void *tmp)
{
	const struct tb_callout_config *cc = b->callout_cfg;
	const struct tb_plan *plan;
	struct tb_radio *r;
	unsigned n;

	n = 0;
	llist_for_each_entry(r, &b->radios, entry)
		n++;
	ro->radios = talloc_zero_array(tmp, char *, n ? n : 1);
	if (!ro->radios)
		return -ENOMEM;
	llist_for_each_entry(r, &b->radios, entry) {
		if (!take(bud, strlen(r->name)))
			return -ENOSPC;
		ro->radios[ro->n_radios++] = r->name;
	}

	if (cc) {
		n = 0;
		llist_for_each_entry(plan, &cc->plans, entry)
			n++;
		ro->plans = talloc_zero_array(tmp, char *, n ? n : 1);
		if (!ro->plans)
			return -ENOMEM;
		llist_for_each_entry(plan, &cc->plans, entry) {
			if (!take(bud, strlen(plan->name)))
				return -ENOSPC;
			ro->plans[ro->n_plans++] = plan->name;
		}
		ro->severities = talloc_zero_array(tmp, Tetrabridge__V1__SeverityName *, TB_SEVERITY_MAX);
		if (!ro->severities)
			return -ENOMEM;
		for (unsigned s = 1; s <= TB_SEVERITY_MAX; s++) {
			Tetrabridge__V1__SeverityName *sn = talloc_zero(tmp, Tetrabridge__V1__SeverityName);

			if (!sn)
				return -ENOMEM;
			tetrabridge__v1__severity_name__init(sn);
			sn->severity = s;
			sn->name = cc->severity[s].configured && cc->severity[s].name ? cc->severity[s].name : "";
			if (!take(bud, tetrabridge__v1__severity_name__get_packed_size(sn)))
				return -ENOSPC;
			ro->severities[ro->n_severities++] = sn;
		}
	}

	n = b->roster ? tb_roster_n_statuses(b->roster) : 0;
	ro->statuses = talloc_zero_array(tmp, Tetrabridge__V1__StatusName *, n ? n : 1);
	if (!ro->statuses)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		const struct tb_roster_status *st = tb_roster_status_at(b->roster, i);
		Tetrabridge__V1__StatusName *sn = talloc_zero(tmp, Tetrabridge__V1__StatusName);

		if (!sn)
			return -ENOMEM;
		tetrabridge__v1__status_name__init(sn);
		sn->value = st->value;
		sn->name = st->name;
		sn->meaning = st->meaning;
		if (!take(bud, tetrabridge__v1__status_name__get_packed_size(sn)))
			return -ENOSPC;
		ro->statuses[ro->n_statuses++] = sn;
	}
	return 0;
}

void tb_roster_command(struct tb_bridge *b, Tetrabridge__V1__Reply *reply, void *tmp)
{
	Tetrabridge__V1__Roster *ro = talloc_zero(tmp, Tetrabridge__V1__Roster);
	struct budget bud = { .left = TB_REPLY_LIST_MAX };
	unsigned n = b->roster ? tb_roster_n_parties(b->roster) : 0, i;
	int rc;

	if (!ro)
		goto oom;
	tetrabridge__v1__roster__init(ro);
	rc = settings(b, ro, &bud, tmp);
	if (rc == -ENOMEM)
		goto oom;
	if (rc == 0) {
		ro->identities = talloc_zero_array(tmp, Tetrabridge__V1__RosterEntry *, n ? n : 1);
		if (!ro->identities)
			goto oom;
	}
	for (i = 0; rc == 0 && i < n; i++) {
		Tetrabridge__V1__RosterEntry *e = entry_pb(tmp, tb_roster_party_at(b->roster, i));

		if (!e)
			goto oom;
		if (!take(&bud, tetrabridge__v1__roster_entry__get_packed_size(e)))
			break;
		ro->identities[ro->n_identities++] = e;
	}
	if (rc == -ENOSPC || ro->n_identities < n)
		reply->error = talloc_asprintf(tmp, "the roster is too large for one reply: %zu of its %u "
					       "identities are listed (the first in config order)",
					       ro->n_identities, n);
	reply->result_case = TETRABRIDGE__V1__REPLY__RESULT_ROSTER;
	reply->roster = ro;
	return;

oom:
	reply->code = TETRABRIDGE__V1__REPLY__CODE__INTERNAL;
	reply->error = "out of memory listing the roster; try again";
}
