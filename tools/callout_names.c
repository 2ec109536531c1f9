/* Call-out words for people (see callout_names.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tools/callout_names.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define RS(x) TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_##x
#define OC(x) TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_##x

static const char *const rstate[] = {
	[RS(QUEUED)] = "queued",
	[RS(SENT)] = "sent",
	[RS(DELIVERED)] = "delivered",
	[RS(READ)] = "read",
	[RS(ACCEPTED)] = "accepted",
	[RS(STANDBY)] = "standby",
	[RS(DECLINED)] = "declined",
	[RS(EN_ROUTE)] = "en route",
	[RS(ON_SCENE)] = "on scene",
	[RS(HANDED_OVER)] = "handed over",
	[RS(DONE)] = "done",
	[RS(NO_ANSWER)] = "no answer",
	[RS(FAILED)] = "failed",
	[RS(CANCELLED)] = "cancelled",
	[RS(STOOD_DOWN)] = "stood down",
};

static const char *const cstate[] = { "open", "staffed", "on scene", "closed", "cancelled" };

static const char *const outcome[] = {
	[OC(NONE)] = "-",
	[OC(TREATED_ON_SITE)] = "treated on site",
	[OC(HANDED_TO_AMBULANCE)] = "handed to ambulance",
	[OC(HANDED_TO_DOCTOR)] = "handed to doctor",
	[OC(TRANSPORTED)] = "transported",
	[OC(NOT_NEEDED)] = "not needed",
};

static const char *const kind[] = {
	"created", "responder", "state", "level", "alarm", "alarm ack", "overdue", "note",
	"position", "late answer", "ignored", "responder added", "realert",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *unlisted(const char *what, int v)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), "%s %d", what, v);
	return buf;
}

const char *ctl_rstate_name(Tetrabridge__V1__ResponderState s)
{
	return (unsigned)s < N(rstate) ? rstate[s] : unlisted("state", (int)s);
}

const char *ctl_cstate_name(Tetrabridge__V1__CalloutState s)
{
	return (unsigned)s < N(cstate) ? cstate[s] : unlisted("state", (int)s);
}

const char *ctl_outcome_name(Tetrabridge__V1__CalloutOutcome o)
{
	return (unsigned)o < N(outcome) ? outcome[o] : unlisted("outcome", (int)o);
}

const char *ctl_method_name(Tetrabridge__V1__AlertMethod m)
{
	switch (m) {
	case TETRABRIDGE__V1__ALERT_METHOD__ALERT_DEFAULT:
		return "default";
	case TETRABRIDGE__V1__ALERT_METHOD__ALERT_TEXT:
		return "text";
	case TETRABRIDGE__V1__ALERT_METHOD__ALERT_CALLOUT:
		return "callout";
	default:
		return unlisted("method", (int)m);
	}
}

const char *ctl_change_kind_name(Tetrabridge__V1__CalloutChange__Kind k)
{
	return (unsigned)k < N(kind) ? kind[k] : unlisted("change", (int)k);
}

/* s and word the same, without case, '-' and '_' as blanks. */
static bool same_words(const char *s, const char *word)
{
	for (; *s && *word; s++, word++) {
		char c = (*s == '-' || *s == '_') ? ' ' : (char)tolower((unsigned char)*s);
		if (c != *word)
			return false;
	}
	return !*s && !*word;
}

int ctl_settable_state_parse(const char *s)
{
	static const Tetrabridge__V1__ResponderState settable[] = {
		RS(ACCEPTED), RS(STANDBY), RS(DECLINED), RS(EN_ROUTE), RS(ON_SCENE), RS(HANDED_OVER), RS(DONE),
		RS(NO_ANSWER),
	};

	for (size_t i = 0; i < N(settable); i++)
		if (same_words(s, rstate[settable[i]]))
			return (int)settable[i];
	return -1;
}

int ctl_outcome_parse(const char *s)
{
	static const struct {
		const char *word;
		Tetrabridge__V1__CalloutOutcome o;
	} shorts[] = {
		{ "treated", OC(TREATED_ON_SITE) },
		{ "ambulance", OC(HANDED_TO_AMBULANCE) },
		{ "doctor", OC(HANDED_TO_DOCTOR) },
	};

	for (size_t i = 0; i < N(shorts); i++)
		if (same_words(s, shorts[i].word))
			return (int)shorts[i].o;
	for (size_t o = OC(TREATED_ON_SITE); o < N(outcome); o++)
		if (same_words(s, outcome[o]))
			return (int)o;
	return -1;
}
