/* bridge/callout_args.c: the call-out commands' arguments, refused with a
 * sentence a dispatcher can act on, or turned into what the tracker takes.
 *
 * Each bound is tried on both sides (94 characters pass, 95 do not; 64
 * responders pass, 65 do not ...), characters are counted as characters
 * and not bytes, and no sentence quotes the text or names a responder's
 * identity. Paging: a page of real packed Callouts stays under its bound.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <talloc.h>

#include "bridge/callout_args.h"
#include "bridge/commands.h"

#define OK 0

struct create {
	Tetrabridge__V1__CalloutCreate c;
	Tetrabridge__V1__Identity ids[TB_CALLOUT_MAX_RESPONDERS + 2];
	Tetrabridge__V1__Identity *idp[TB_CALLOUT_MAX_RESPONDERS + 2];
};

/* A valid create with n responders (SSIs 1001, 1002 ...). */
static void make_create(struct create *k, unsigned n)
{
	memset(k, 0, sizeof(*k));
	tetrabridge__v1__callout_create__init(&k->c);
	k->c.radio = "lvs-1";
	k->c.severity = 1;
	k->c.text = "Brystsmerter, Storgata 5";
	for (unsigned i = 0; i < n; i++) {
		tetrabridge__v1__identity__init(&k->ids[i]);
		k->ids[i].ssi = 1001 + i;
		k->idp[i] = &k->ids[i];
	}
	k->c.responders = k->idp;
	k->c.n_responders = n;
}

/* The sentence for k, or NULL when it passes. */
static const char *create_why(void *ctx, struct create *k, struct tb_callout_new *req)
{
	struct tetra_identity ids[TB_CALLOUT_MAX_RESPONDERS];
	struct tb_callout_new local;
	char *why = NULL;
	int rc = tb_callout_arg_create(&k->c, req ? req : &local, ids, ctx, &why);

	if (rc == 0) {
		assert_null(why);
		return NULL;
	}
	assert_int_equal(rc, -EINVAL);
	assert_non_null(why);
	/* health data stays out of sentences */
	assert_null(strstr(why, "Storgata"));
	assert_null(strstr(why, "1001"));
	return why;
}

static void assert_refused(void *ctx, struct create *k, const char *part)
{
	const char *why = create_why(ctx, k, NULL);

	if (!why)
		fail_msg("accepted, expected a refusal with \"%s\"", part);
	if (!strstr(why, part))
		fail_msg("\"%s\" does not say \"%s\"", why, part);
}

static void test_create_valid_fills_the_request(void **state)
{
	void *ctx = talloc_new(NULL);
	struct tetra_identity ids[TB_CALLOUT_MAX_RESPONDERS];
	struct tb_callout_new req;
	struct create k;
	char *why = NULL;

	make_create(&k, 2);
	k.ids[1].type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_TSI;
	k.ids[1].mcc = 242;
	k.ids[1].mnc = 1;
	k.c.required = 2;
	k.c.plan = "natt";
	k.c.method = TETRABRIDGE__V1__ALERT_METHOD__ALERT_CALLOUT;
	k.c.override = true;
	k.c.test = true;
	k.c.queue_if_offline = true;
	k.c.deadline_s = 45;
	assert_int_equal(tb_callout_arg_create(&k.c, &req, ids, ctx, &why), OK);
	assert_string_equal(req.radio, "lvs-1");
	assert_int_equal(req.severity, 1);
	assert_string_equal(req.text, k.c.text);
	assert_int_equal(req.n_responders, 2);
	assert_ptr_equal(req.responders, ids);
	assert_int_equal(ids[0].type, TETRA_ID_SSI);
	assert_int_equal(ids[0].ssi, 1001);
	assert_int_equal(ids[1].type, TETRA_ID_TSI);
	assert_int_equal(ids[1].mcc, 242);
	assert_int_equal(ids[1].mnc, 1);
	assert_int_equal(ids[1].ssi, 1002);
	assert_int_equal(req.required, 2);
	assert_string_equal(req.plan, "natt");
	assert_int_equal(req.method, TETRABRIDGE__V1__ALERT_METHOD__ALERT_CALLOUT);
	assert_true(req.override && req.test && req.queue_if_offline);
	assert_int_equal(req.deadline_s, 45);

	/* "" plan: the severity's (NULL for the tracker); required 0: the config's */
	make_create(&k, 1);
	k.c.plan = "";
	assert_int_equal(tb_callout_arg_create(&k.c, &req, ids, ctx, &why), OK);
	assert_null(req.plan);
	assert_int_equal(req.required, 0);
	talloc_free(ctx);
}

static void test_create_severity_and_radio(void **state)
{
	void *ctx = talloc_new(NULL);
	struct create k;

	make_create(&k, 1);
	k.c.severity = 0;
	assert_refused(ctx, &k, "severity must be 1-15");
	k.c.severity = 16;
	assert_refused(ctx, &k, "16 is not");
	k.c.severity = 15;
	assert_null(create_why(ctx, &k, NULL));

	k.c.radio = "";
	assert_refused(ctx, &k, "which radio?");
	k.c.radio = NULL;
	assert_refused(ctx, &k, "which radio?");
	talloc_free(ctx);
}

static void test_create_text_counts_characters(void **state)
{
	void *ctx = talloc_new(NULL);
	char text[4 * 100 + 1];
	struct create k;

	make_create(&k, 1);
	/* 94 'ø' (2 bytes each, 188 bytes): characters count, not bytes */
	text[0] = '\0';
	for (int i = 0; i < 94; i++)
		strcat(text, "\xc3\xb8");
	k.c.text = text;
	assert_null(create_why(ctx, &k, NULL));
	strcat(text, "a");
	assert_refused(ctx, &k, "95 characters");
	assert_refused(ctx, &k, "at most 94");

	/* 94 four-byte characters pass too */
	text[0] = '\0';
	for (int i = 0; i < 94; i++)
		strcat(text, "\xf0\x9f\x9a\x91");
	assert_null(create_why(ctx, &k, NULL));

	k.c.text = "";
	assert_refused(ctx, &k, "the text is empty");
	k.c.text = NULL;
	assert_refused(ctx, &k, "the text is empty");
	k.c.text = "Brystsmerter \xff";
	assert_refused(ctx, &k, "not valid UTF-8");
	k.c.text = "over\xc3";	/* cut in a sequence */
	assert_refused(ctx, &k, "not valid UTF-8");
	k.c.text = "\xed\xa0\x80";	/* a surrogate */
	assert_refused(ctx, &k, "not valid UTF-8");
	talloc_free(ctx);
}

static void test_create_responders(void **state)
{
	void *ctx = talloc_new(NULL);
	struct create k;

	make_create(&k, 0);
	assert_refused(ctx, &k, "name at least one responder");
	make_create(&k, TB_CALLOUT_MAX_RESPONDERS);
	assert_null(create_why(ctx, &k, NULL));
	make_create(&k, TB_CALLOUT_MAX_RESPONDERS + 1);
	assert_refused(ctx, &k, "65 responders named; a call-out alerts at most 64");

	make_create(&k, 3);
	k.ids[2].ssi = 1001;
	assert_refused(ctx, &k, "responders 1 and 3 are the same");
	make_create(&k, 3);
	k.ids[1].ssi = 0;
	assert_refused(ctx, &k, "responder 2's SSI must be 1-16777215");
	k.ids[1].ssi = 0x1000000;
	assert_refused(ctx, &k, "responder 2's SSI must be 1-16777215");
	k.ids[1].ssi = 0xffffff;
	assert_null(create_why(ctx, &k, NULL));
	k.idp[1] = NULL;
	assert_refused(ctx, &k, "responder 2 is missing");
	make_create(&k, 2);
	k.ids[0].type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_TSI;
	k.ids[0].mcc = 1024;
	assert_refused(ctx, &k, "responder 1's TSI needs an MCC up to 1023");
	k.ids[0].mcc = 1023;
	k.ids[0].mnc = 16384;
	assert_refused(ctx, &k, "MNC up to 16383");
	k.ids[0].mnc = 16383;
	assert_null(create_why(ctx, &k, NULL));
	k.ids[0].type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_PSTN;
	assert_refused(ctx, &k, "responder 1 must be an SSI or a TSI");
	/* the same SSI as SSI and as TSI are two identities for the tracker to match */
	make_create(&k, 2);
	k.ids[1].ssi = 1001;
	k.ids[1].type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_TSI;
	k.ids[1].mcc = 242;
	assert_null(create_why(ctx, &k, NULL));
	talloc_free(ctx);
}

static void test_create_required_method_plan(void **state)
{
	void *ctx = talloc_new(NULL);
	char plan[80];
	struct create k;

	make_create(&k, 3);
	k.c.required = 3;
	assert_null(create_why(ctx, &k, NULL));
	/* more than named: a group's members may make up the rest (the
	 * tracker checks the roster) */
	k.c.required = 4;
	assert_null(create_why(ctx, &k, NULL));
	k.c.required = 64;
	assert_null(create_why(ctx, &k, NULL));
	k.c.required = 65;
	assert_refused(ctx, &k, "65 must accept: a call-out has at most 64 responders");

	make_create(&k, 1);
	k.c.method = (Tetrabridge__V1__AlertMethod)3;
	assert_refused(ctx, &k, "default, text or callout");

	make_create(&k, 1);
	memset(plan, 'p', 64);
	plan[64] = '\0';
	k.c.plan = plan;
	assert_null(create_why(ctx, &k, NULL));
	plan[64] = 'p';
	plan[65] = '\0';
	assert_refused(ctx, &k, "escalation plan");
	k.c.plan = "n\xff";
	assert_refused(ctx, &k, "escalation plan");

	/* the first answer deadline: 0 (the severity's) or 10-86400 s */
	make_create(&k, 1);
	k.c.deadline_s = 10;
	assert_null(create_why(ctx, &k, NULL));
	k.c.deadline_s = 86400;
	assert_null(create_why(ctx, &k, NULL));
	k.c.deadline_s = 9;
	assert_refused(ctx, &k, "answer deadline must be 10-86400 seconds");
	k.c.deadline_s = 86401;
	assert_refused(ctx, &k, "answer deadline must be 10-86400 seconds");
	talloc_free(ctx);
}

static void test_id_and_reason(void **state)
{
	void *ctx = talloc_new(NULL);
	char reason[TB_CALLOUT_REASON_MAX + 2];
	char *why = NULL;

	assert_int_equal(tb_callout_arg_id(0, ctx, &why), -EINVAL);
	assert_non_null(strstr(why, "which call-out?"));
	assert_int_equal(tb_callout_arg_id(7, ctx, &why), OK);

	memset(reason, 'r', TB_CALLOUT_REASON_MAX);
	reason[TB_CALLOUT_REASON_MAX] = '\0';
	assert_int_equal(tb_callout_arg_reason(reason, true, ctx, &why), OK);
	strcat(reason, "r");
	assert_int_equal(tb_callout_arg_reason(reason, false, ctx, &why), -EINVAL);
	assert_non_null(strstr(why, "201 bytes; at most 200"));
	assert_int_equal(tb_callout_arg_reason("", false, ctx, &why), OK);
	assert_int_equal(tb_callout_arg_reason(NULL, false, ctx, &why), OK);
	assert_int_equal(tb_callout_arg_reason("", true, ctx, &why), -EINVAL);
	assert_non_null(strstr(why, "say why"));
	assert_int_equal(tb_callout_arg_reason("ja\xc3", false, ctx, &why), -EINVAL);
	assert_non_null(strstr(why, "not valid UTF-8"));
	talloc_free(ctx);
}

static void test_set_state(void **state)
{
	static const struct {
		tb_rstate s;
		bool settable;
	} t[] = {
		{ TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_QUEUED, false },
		{ TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_SENT, false },
		{ TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_DELIVERED, false },
		{ TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_READ, false },
		{ TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_ACCEPTED, true },
		{ TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_STANDBY, true },
		{ TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_DECLINED, true },
		{ TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_EN_ROUTE, true },
		{ TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_ON_SCENE, true },
		{ TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_HANDED_OVER, true },
		{ TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_DONE, true },
		{ TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_NO_ANSWER, true },
		{ TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_FAILED, false },
		{ TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_CANCELLED, false },
		{ TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_STOOD_DOWN, false },
		{ (tb_rstate)99, false },
	};
	void *ctx = talloc_new(NULL);
	Tetrabridge__V1__CalloutSetState c = TETRABRIDGE__V1__CALLOUT_SET_STATE__INIT;
	Tetrabridge__V1__Identity r = TETRABRIDGE__V1__IDENTITY__INIT;
	struct tetra_identity id;
	char *why = NULL;

	r.ssi = 1001;
	c.id = 3;
	c.responder = &r;
	c.reason = "bekreftet på telefon";
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		c.state = t[i].s;
		assert_int_equal(tb_callout_state_settable(t[i].s), t[i].settable);
		assert_int_equal(tb_callout_arg_set(&c, &id, ctx, &why), t[i].settable ? OK : -EINVAL);
		if (t[i].settable)
			assert_int_equal(id.ssi, 1001);
	}
	c.state = TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_STOOD_DOWN;
	assert_int_equal(tb_callout_arg_set(&c, &id, ctx, &why), -EINVAL);
	assert_non_null(strstr(why, "cannot be set to stood down by hand"));
	c.state = (tb_rstate)99;
	assert_int_equal(tb_callout_arg_set(&c, &id, ctx, &why), -EINVAL);
	assert_non_null(strstr(why, "cannot be set to value 99"));

	c.state = TETRABRIDGE__V1__RESPONDER_STATE__RESPONDER_ACCEPTED;
	c.reason = "";
	assert_int_equal(tb_callout_arg_set(&c, &id, ctx, &why), -EINVAL);
	assert_non_null(strstr(why, "say why"));
	c.reason = "ok";
	c.responder = NULL;
	assert_int_equal(tb_callout_arg_set(&c, &id, ctx, &why), -EINVAL);
	assert_non_null(strstr(why, "the responder is missing"));
	c.responder = &r;
	c.id = 0;
	assert_int_equal(tb_callout_arg_set(&c, &id, ctx, &why), -EINVAL);
	assert_non_null(strstr(why, "which call-out?"));
	talloc_free(ctx);
}

static void test_close_needs_an_outcome(void **state)
{
	void *ctx = talloc_new(NULL);
	Tetrabridge__V1__CalloutClose c = TETRABRIDGE__V1__CALLOUT_CLOSE__INIT;
	char *why = NULL;

	c.id = 9;
	assert_int_equal(tb_callout_arg_close(&c, ctx, &why), -EINVAL);
	assert_non_null(strstr(why, "give an outcome"));
	c.outcome = (Tetrabridge__V1__CalloutOutcome)6;
	assert_int_equal(tb_callout_arg_close(&c, ctx, &why), -EINVAL);
	for (int o = 1; o <= 5; o++) {
		c.outcome = (Tetrabridge__V1__CalloutOutcome)o;
		assert_int_equal(tb_callout_arg_close(&c, ctx, &why), OK);
	}
	c.reason = "\xff";
	assert_int_equal(tb_callout_arg_close(&c, ctx, &why), -EINVAL);
	talloc_free(ctx);
}

static void test_enum_words(void **state)
{
	char b[32];

	assert_string_equal(tb_callout_enum_words(&tetrabridge__v1__responder_state__descriptor, 7, "RESPONDER_", b,
						  sizeof(b)), "en route");
	assert_string_equal(tb_callout_enum_words(&tetrabridge__v1__callout_outcome__descriptor, 2, "OUTCOME_", b,
						  sizeof(b)), "handed to ambulance");
	assert_string_equal(tb_callout_enum_words(&tetrabridge__v1__callout_state__descriptor, 40, "CALLOUT_", b,
						  sizeof(b)), "value 40");
	/* cut to the buffer, terminated */
	assert_string_equal(tb_callout_enum_words(&tetrabridge__v1__responder_state__descriptor, 7, "RESPONDER_", b,
						  4), "en ");
}

/* The cost counted for an element is what it adds to the packed message. */
static void test_page_cost_is_exact(void **state)
{
	void *ctx = talloc_new(NULL);
	Tetrabridge__V1__CalloutBoardPage page = TETRABRIDGE__V1__CALLOUT_BOARD_PAGE__INIT;
	Tetrabridge__V1__Callout *co[3];
	size_t lens[] = { 0, 200, 20000 };
	char *text;

	page.callouts = co;
	for (size_t i = 0; i < 3; i++) {
		size_t before = tetrabridge__v1__callout_board_page__get_packed_size(&page), one;
		co[i] = talloc_zero(ctx, Tetrabridge__V1__Callout);
		tetrabridge__v1__callout__init(co[i]);
		text = talloc_zero_size(ctx, lens[i] + 1);
		memset(text, 'x', lens[i]);
		co[i]->text = text;
		co[i]->id = 1000 + i;
		one = tetrabridge__v1__callout__get_packed_size(co[i]);
		page.n_callouts = i + 1;
		assert_int_equal(tetrabridge__v1__callout_board_page__get_packed_size(&page) - before,
				 tb_callout_page_cost(one));
	}
	talloc_free(ctx);
}

/* Many call-outs of 64 responders each: every page stays under the bound
 * and together the pages hold them all, once. */
static void test_pages_stay_under_the_bound(void **state)
{
	void *ctx = talloc_new(NULL);
	enum { N = 300 };
	Tetrabridge__V1__Callout *all[N];
	Tetrabridge__V1__Callout **taken = talloc_array(ctx, Tetrabridge__V1__Callout *, N);
	unsigned next = 0, pages = 0;

	for (unsigned i = 0; i < N; i++) {
		Tetrabridge__V1__Callout *c = talloc_zero(ctx, Tetrabridge__V1__Callout);
		tetrabridge__v1__callout__init(c);
		c->id = i + 1;
		c->text = "Brystsmerter";
		c->n_responders = TB_CALLOUT_MAX_RESPONDERS;
		c->responders = talloc_array(ctx, Tetrabridge__V1__Responder *, c->n_responders);
		for (unsigned r = 0; r < c->n_responders; r++) {
			Tetrabridge__V1__Responder *rp = talloc_zero(ctx, Tetrabridge__V1__Responder);
			tetrabridge__v1__responder__init(rp);
			rp->identity = talloc_zero(ctx, Tetrabridge__V1__Identity);
			tetrabridge__v1__identity__init(rp->identity);
			rp->identity->ssi = 100000 + r;
			rp->identity->name = "Sykepleier Nord";
			rp->cause = "status 0x8002 på vei";
			rp->since_us = 1700000000000000ull;
			c->responders[r] = rp;
		}
		all[i] = c;
	}
	while (next < N) {
		Tetrabridge__V1__CalloutBoardPage page = TETRABRIDGE__V1__CALLOUT_BOARD_PAGE__INIT;
		struct tb_callout_page p = { .max_bytes = TB_REPLAY_MAX_BYTES };

		page.callouts = taken;
		while (next < N && tb_callout_page_take(&p, tetrabridge__v1__callout__get_packed_size(all[next])))
			taken[page.n_callouts++] = all[next++];
		page.more = next < N;
		page.seq = 123456;
		assert_true(page.n_callouts > 0);
		assert_true(tetrabridge__v1__callout_board_page__get_packed_size(&page) <= TB_REPLAY_MAX_BYTES + 16);
		assert_true(p.bytes <= TB_REPLAY_MAX_BYTES);
		pages++;
	}
	assert_true(pages > 1);

	/* one element larger than a page travels alone; a count limit holds */
	struct tb_callout_page big = { .max_bytes = 100 };
	assert_true(tb_callout_page_take(&big, 1000));
	assert_false(tb_callout_page_take(&big, 1));
	struct tb_callout_page counted = { .max_bytes = 1000, .max_n = 2 };
	assert_true(tb_callout_page_take(&counted, 1));
	assert_true(tb_callout_page_take(&counted, 1));
	assert_false(tb_callout_page_take(&counted, 1));
	talloc_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_valid_fills_the_request),
		cmocka_unit_test(test_create_severity_and_radio),
		cmocka_unit_test(test_create_text_counts_characters),
		cmocka_unit_test(test_create_responders),
		cmocka_unit_test(test_create_required_method_plan),
		cmocka_unit_test(test_id_and_reason),
		cmocka_unit_test(test_set_state),
		cmocka_unit_test(test_close_needs_an_outcome),
		cmocka_unit_test(test_enum_words),
		cmocka_unit_test(test_page_cost_is_exact),
		cmocka_unit_test(test_pages_stay_under_the_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
