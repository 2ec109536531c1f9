/* tools/event_print_callout.c: a callout event as `tetractl watch` prints
 * it: the call-out's id, the responder with its roster name, old -> new,
 * cause and who; one line, and never the call-out's text or a note.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tools/callout_names.h"
#include "tools/event_print.h"

#define KIND(x) TETRABRIDGE__V1__CALLOUT_CHANGE__KIND__##x
#define RS(x) TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_##x
#define TEXT "Brystsmerter, Storgata 5"
#define NOTE "Pasienten er 83 år"

struct ev {
	Tetrabridge__V1__Event e;
	Tetrabridge__V1__CalloutChange c;
	Tetrabridge__V1__Callout co;
	Tetrabridge__V1__Identity id;
	Tetrabridge__V1__Responder r;
	Tetrabridge__V1__Responder *rp[1];
	Tetrabridge__V1__ResponderPosition pos;
	char *notes[1];
	char line[1024];
};

static void make(struct ev *v, Tetrabridge__V1__CalloutChange__Kind kind)
{
	memset(v, 0, sizeof(*v));
	tetrabridge__v1__event__init(&v->e);
	tetrabridge__v1__callout_change__init(&v->c);
	tetrabridge__v1__callout__init(&v->co);
	tetrabridge__v1__identity__init(&v->id);
	tetrabridge__v1__responder__init(&v->r);
	tetrabridge__v1__responder_position__init(&v->pos);
	v->e.seq = 77;
	v->e.radio = "lvs-1";
	v->e.body_case = TETRABRIDGE__V1__EVENT__BODY_CALLOUT;
	v->e.callout = &v->c;
	v->c.callout_id = 12;
	v->c.kind = kind;
	v->c.by = "radio";
	v->c.callout = &v->co;
	v->co.id = 12;
	v->co.text = TEXT;
	v->co.severity = 1;
	v->co.severity_name = "rød";
	v->co.radio = "lvs-1";
	v->co.required = 1;
	v->id.ssi = 1001;
	v->id.name = "Sykepleier Nord";
	v->r.identity = &v->id;
	v->r.alerts = 2;
	v->notes[0] = NOTE;
	v->r.notes = v->notes;
	v->r.n_notes = 1;
	v->rp[0] = &v->r;
	v->co.responders = v->rp;
	v->co.n_responders = 1;
}

/* The line for v, checked: one line, no text, no note. */
static const char *line(struct ev *v)
{
	FILE *f = fmemopen(v->line, sizeof(v->line), "w");

	assert_non_null(f);
	tb_print_event(f, &v->e, "12:00:00.000");
	fclose(f);
	/* (the kind word between radio and seq is ipc/event_kind.c's) */
	assert_int_equal(strncmp(v->line, "12:00:00.000 lvs-1 ", 19), 0);
	assert_non_null(strstr(v->line, " #77 callout 12"));
	assert_null(strstr(v->line, "Storgata"));
	assert_null(strstr(v->line, "83 år"));
	assert_non_null(strchr(v->line, '\n'));
	assert_int_equal(strchr(v->line, '\n') - v->line + 1, strlen(v->line));
	return v->line;
}

static void assert_line(struct ev *v, const char *want)
{
	const char *got = line(v);

	if (!strstr(got, want))
		fail_msg("\"%s\" does not hold \"%s\"", got, want);
}

static void test_responder_change(void **state)
{
	struct ev v;

	make(&v, KIND(RESPONDER));
	v.c.responder = &v.id;
	v.c.old_responder_state = RS(DELIVERED);
	v.c.new_responder_state = RS(EN_ROUTE);
	v.c.cause = "status 0x8002 på vei";
	v.c.input_seq = 70;
	assert_line(&v, "callout 12 1001 (Sykepleier Nord) delivered -> en route: status 0x8002 på vei, by radio "
			"(on #70)\n");

	/* a hand-set state says who */
	v.c.new_responder_state = RS(ACCEPTED);
	v.c.cause = "confirmed by phone";
	v.c.by = "dispatcher:amk-1";
	v.c.input_seq = 0;
	assert_line(&v, "delivered -> accepted: confirmed by phone, by dispatcher:amk-1\n");

	/* a TSI without a roster name */
	v.id.type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_TSI;
	v.id.mcc = 242;
	v.id.mnc = 1;
	v.id.name = "";
	assert_line(&v, "callout 12 02420000100001001 delivered -> accepted");

	/* control characters cannot break the line */
	v.c.cause = "two\nlines";
	assert_line(&v, ": two?lines,");
}

static void test_callout_changes(void **state)
{
	struct ev v;

	make(&v, KIND(CREATED));
	v.c.by = "dispatcher:amk-1";
	assert_line(&v, "callout 12 created: severity 1 rød, 1 responder, 1 required, via lvs-1, by dispatcher:amk-1\n");

	make(&v, KIND(STATE));
	v.c.old_state = TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_ON_SCENE;
	v.c.new_state = TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_CLOSED;
	v.co.outcome = TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_HANDED_TO_AMBULANCE;
	v.c.by = "dispatcher:amk-1";
	assert_line(&v, "callout 12 on scene -> closed (handed to ambulance), by dispatcher:amk-1\n");

	make(&v, KIND(LEVEL));
	v.co.level = 1;
	v.c.cause = "deadline";
	v.c.by = "timer";
	assert_line(&v, "callout 12 level 1 alerted: deadline, by timer\n");

	make(&v, KIND(ALARM));
	v.c.by = "timer";
	assert_line(&v, "callout 12 ESCALATION ALARM, by timer\n");

	make(&v, KIND(NOTE));
	v.c.responder = &v.id;
	assert_line(&v, "callout 12 note from 1001 (Sykepleier Nord), by radio\n");

	make(&v, KIND(POSITION));
	v.c.responder = &v.id;
	v.pos.latitude = 59.91234;
	v.pos.longitude = -10.75;
	v.r.position = &v.pos;
	assert_line(&v, "callout 12 position of 1001 (Sykepleier Nord) 59.91234 N 10.75000 W");

	make(&v, KIND(REALERT));
	v.c.responder = &v.id;
	v.c.by = "dispatcher:amk-1";
	assert_line(&v, "callout 12 1001 (Sykepleier Nord) alerted again (alert 2), by dispatcher:amk-1\n");

	make(&v, KIND(LATE_ANSWER));
	v.c.responder = &v.id;
	v.c.new_responder_state = RS(ACCEPTED);
	assert_line(&v, "callout 12 late answer from 1001 (Sykepleier Nord) (accepted), by radio\n");

	/* a kind from a newer bridge */
	make(&v, (Tetrabridge__V1__CalloutChange__Kind)40);
	assert_line(&v, "callout 12 change 40, by radio\n");

	/* a change without its snapshot (a history line) */
	make(&v, KIND(CREATED));
	v.c.callout = NULL;
	assert_line(&v, "callout 12 created, by radio\n");
}

static void test_names(void **state)
{
	assert_string_equal(ctl_rstate_name(RS(HANDED_OVER)), "handed over");
	assert_string_equal(ctl_rstate_name((Tetrabridge__V1__ResponderState)99), "state 99");
	assert_string_equal(ctl_cstate_name(TETRABRIDGE__V1__CALLOUT_STATE__CALLOUT_STAFFED), "staffed");
	assert_string_equal(ctl_outcome_name(TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_NONE), "-");
	assert_int_equal(ctl_settable_state_parse("en-route"), RS(EN_ROUTE));
	assert_int_equal(ctl_settable_state_parse("EN_ROUTE"), RS(EN_ROUTE));
	assert_int_equal(ctl_settable_state_parse("no answer"), RS(NO_ANSWER));
	assert_int_equal(ctl_settable_state_parse("sent"), -1);
	assert_int_equal(ctl_settable_state_parse("stood-down"), -1);
	assert_int_equal(ctl_settable_state_parse("en-rout"), -1);
	assert_int_equal(ctl_outcome_parse("ambulance"), TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_HANDED_TO_AMBULANCE);
	assert_int_equal(ctl_outcome_parse("handed-to-doctor"),
			 TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_HANDED_TO_DOCTOR);
	assert_int_equal(ctl_outcome_parse("not-needed"), TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_NOT_NEEDED);
	assert_int_equal(ctl_outcome_parse("treated"), TETRABRIDGE__V1__CALLOUT_OUTCOME__OUTCOME_TREATED_ON_SITE);
	assert_int_equal(ctl_outcome_parse("-"), -1);
	assert_int_equal(ctl_outcome_parse("none"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_responder_change),
		cmocka_unit_test(test_callout_changes),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
