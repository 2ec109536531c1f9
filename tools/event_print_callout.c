/* Callout events for people: one line per change (see event_print.h).
 *
 * The line says which call-out, whom, what changed and why: never the
 * call-out's text, nor a responder's note (both health data; `tetractl
 * callout show` shows them to whoever may see them).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tools/event_print.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>

#include "tools/callout_names.h"

#define KIND(x) TETRABRIDGE__V1__CALLOUT_CHANGE__KIND__##x

/* s on the line as it is, but for control characters ('?'): one event
 * stays one line whatever a name or a cause holds. */
static void print_flat(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out);
}

/* " 1001 (Sykepleier Nord)", " 02420000100001002", or nothing. */
static void print_responder(FILE *out, const Tetrabridge__V1__Identity *id)
{
	char buf[64];

	if (!id)
		return;
	/* with the roster's name after the number */
	fprintf(out, " %s", tb_fmt_identity(id, buf, sizeof(buf)));
}

static bool same_party(const Tetrabridge__V1__Identity *a, const Tetrabridge__V1__Identity *b)
{
	return a && b && a->ssi == b->ssi && a->mcc == b->mcc && a->mnc == b->mnc;
}

/* The responder's entry in the call-out the change carries, if any. */
static const Tetrabridge__V1__Responder *responder_of(const Tetrabridge__V1__CalloutChange *c)
{
	if (!c->callout || !c->responder)
		return NULL;
	for (size_t i = 0; i < c->callout->n_responders; i++)
		if (c->callout->responders[i] && same_party(c->callout->responders[i]->identity, c->responder))
			return c->callout->responders[i];
	return NULL;
}

void tb_print_callout_change(FILE *out, const Tetrabridge__V1__CalloutChange *c)
{
	const Tetrabridge__V1__Callout *co = c->callout;
	const Tetrabridge__V1__Responder *r;

	fprintf(out, " callout %" PRIu64, c->callout_id);
	switch (c->kind) {
	case KIND(CREATED):
		fprintf(out, " created");
		if (co)
			fprintf(out, ": severity %u%s%s, %zu responder%s, %u required, via %s", co->severity,
				co->severity_name && co->severity_name[0] ? " " : "",
				co->severity_name ? co->severity_name : "", co->n_responders,
				co->n_responders == 1 ? "" : "s", co->required, co->radio && co->radio[0] ? co->radio : "-");
		if (co && co->test)
			fprintf(out, " (test)");
		break;
	case KIND(RESPONDER):
		print_responder(out, c->responder);
		fprintf(out, " %s -> %s", ctl_rstate_name(c->old_responder_state),
			ctl_rstate_name(c->new_responder_state));
		break;
	case KIND(STATE):
		fprintf(out, " %s -> %s", ctl_cstate_name(c->old_state), ctl_cstate_name(c->new_state));
		if (c->new_state == TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_CLOSED && co)
			fprintf(out, " (%s)", ctl_outcome_name(co->outcome));
		break;
	case KIND(LEVEL):
		if (co)
			fprintf(out, " level %u alerted", co->level);
		else
			fprintf(out, " next level alerted");
		break;
	case KIND(ALARM):
		fprintf(out, " ESCALATION ALARM");
		break;
	case KIND(ALARM_ACK):
		fprintf(out, " alarm acknowledged");
		break;
	case KIND(OVERDUE):
		fprintf(out, " overdue: nobody on scene within the target");
		break;
	case KIND(NOTE):
		fprintf(out, " note from");
		print_responder(out, c->responder);
		break;
	case KIND(POSITION):
		fprintf(out, " position of");
		print_responder(out, c->responder);
		r = responder_of(c);
		if (r && r->position)
			fprintf(out, " %.5f %c %.5f %c", fabs(r->position->latitude), r->position->latitude < 0 ? 'S' : 'N',
				fabs(r->position->longitude), r->position->longitude < 0 ? 'W' : 'E');
		break;
	case KIND(LATE_ANSWER):
		fprintf(out, " late answer from");
		print_responder(out, c->responder);
		if (c->new_responder_state != TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_QUEUED)
			fprintf(out, " (%s)", ctl_rstate_name(c->new_responder_state));
		break;
	case KIND(IGNORED):
		fprintf(out, " answer ignored from");
		print_responder(out, c->responder);
		break;
	case KIND(RESPONDER_ADDED):
		print_responder(out, c->responder);
		fprintf(out, " added");
		break;
	case KIND(REALERT):
		print_responder(out, c->responder);
		r = responder_of(c);
		if (r)
			fprintf(out, " alerted again (alert %u)", r->alerts);
		else
			fprintf(out, " alerted again");
		break;
	default:
		fprintf(out, " %s", ctl_change_kind_name(c->kind));
		print_responder(out, c->responder);
		break;
	}
	if (c->cause && c->cause[0]) {
		fputs(": ", out);
		print_flat(out, c->cause);
	}
	if (c->by && c->by[0]) {
		fputs(", by ", out);
		print_flat(out, c->by);
	}
	if (c->input_seq)
		fprintf(out, " (on #%" PRIu64 ")", c->input_seq);
}
