/* bridge: the roster (names, groups, status and answer meanings) and the
 * call-out configuration's defaults, through their API; names put into
 * every kind of event that has an identity.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/tdef.h>

#include "bridge/callout_config.h"
#include "bridge/roster.h"

#define M(x) TETRABRIDGE__V1__ANSWER_MEANING__MEANING_##x

static struct tetra_identity ssi(uint32_t s)
{
	return (struct tetra_identity){ .type = TETRA_ID_SSI, .ssi = s };
}

static struct tetra_identity tsi(uint16_t mcc, uint16_t mnc, uint32_t s)
{
	return (struct tetra_identity){ .type = TETRA_ID_TSI, .mcc = mcc, .mnc = mnc, .ssi = s };
}

static const char *name_of(const struct tb_roster *r, struct tetra_identity id)
{
	return tb_roster_name(r, &id);
}

static int set(struct tb_roster *r, struct tetra_identity id, const char *name)
{
	return tb_roster_set_party(r, &id, false, name, 0);
}

/* ---- identities ----------------------------------------------------------- */

static void test_ssi_entry_matches_any_network(void **state)
{
	struct tb_roster *r = tb_roster_alloc(NULL);

	assert_int_equal(set(r, ssi(1001), "Sykepleier Nord"), 0);
	assert_string_equal(name_of(r, ssi(1001)), "Sykepleier Nord");
	assert_string_equal(name_of(r, tsi(242, 16, 1001)), "Sykepleier Nord");
	assert_string_equal(name_of(r, tsi(262, 1001, 1001)), "Sykepleier Nord");
	/* a "TSI" without MCC and MNC is the SSI */
	assert_string_equal(name_of(r, tsi(0, 0, 1001)), "Sykepleier Nord");
	assert_null(name_of(r, ssi(1002)));
	assert_null(name_of(r, tsi(242, 16, 1002)));
	talloc_free(r);
}

static void test_tsi_entry_matches_that_tsi_only(void **state)
{
	struct tb_roster *r = tb_roster_alloc(NULL);

	assert_int_equal(set(r, tsi(242, 16, 3001), "Ambulanse 4"), 0);
	assert_string_equal(name_of(r, tsi(242, 16, 3001)), "Ambulanse 4");
	assert_string_equal(name_of(r, ssi(3001)), "Ambulanse 4");	/* the SSI alone */
	assert_null(name_of(r, tsi(242, 17, 3001)));			/* another network */
	assert_null(name_of(r, tsi(243, 16, 3001)));
	/* an SSI entry beside it: the TSI's own name wins for that TSI, the
	 * SSI entry for the SSI alone and for other networks */
	assert_int_equal(set(r, ssi(3001), "Ambulanse (any)"), 0);
	assert_string_equal(name_of(r, tsi(242, 16, 3001)), "Ambulanse 4");
	assert_string_equal(name_of(r, ssi(3001)), "Ambulanse (any)");
	assert_string_equal(name_of(r, tsi(242, 17, 3001)), "Ambulanse (any)");
	/* two TSIs with one SSI: the SSI alone finds the first in config order */
	assert_int_equal(tb_roster_remove_party(r, &(struct tetra_identity){ .type = TETRA_ID_SSI, .ssi = 3001 }), 0);
	assert_int_equal(set(r, tsi(242, 17, 3001), "Ambulanse 5"), 0);
	assert_string_equal(name_of(r, ssi(3001)), "Ambulanse 4");
	assert_string_equal(name_of(r, tsi(242, 17, 3001)), "Ambulanse 5");
	talloc_free(r);
}

static void test_other_identities_match_nothing(void **state)
{
	struct tb_roster *r = tb_roster_alloc(NULL);
	struct tetra_identity pabx = { .type = TETRA_ID_PABX, .ssi = 1001, .digits = "1001" };
	struct tetra_identity und = { .type = TETRA_ID_UNDECODED, .ssi = 1001, .digits = "10x1" };
	struct tetra_identity none = { .type = TETRA_ID_NONE, .ssi = 1001 };
	struct tetra_identity big = ssi(0x1000000);

	assert_int_equal(set(r, ssi(1001), "Sykepleier Nord"), 0);
	assert_null(tb_roster_name(r, &pabx));
	assert_null(tb_roster_name(r, &und));
	assert_null(tb_roster_name(r, &none));
	assert_null(tb_roster_name(NULL, &pabx));
	/* and cannot be listed */
	assert_int_equal(tb_roster_set_party(r, &pabx, false, "x", 0), -EINVAL);
	assert_int_equal(tb_roster_set_party(r, &big, false, "x", 0), -EINVAL);
	talloc_free(r);
}

static void test_names_are_checked_and_renamed(void **state)
{
	struct tb_roster *r = tb_roster_alloc(NULL);
	char long_name[TB_ROSTER_NAME_MAX + 2];

	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_int_equal(set(r, ssi(1), long_name), -EINVAL);
	long_name[TB_ROSTER_NAME_MAX] = '\0';
	assert_int_equal(set(r, ssi(1), long_name), 0);		/* 64 bytes: the most */
	assert_int_equal(set(r, ssi(2), ""), -EINVAL);
	assert_int_equal(set(r, ssi(2), "a\tb"), -EINVAL);
	assert_int_equal(set(r, ssi(2), "\xc3"), -EINVAL);		/* not UTF-8 */
	assert_int_equal(set(r, ssi(2), " lead"), -EINVAL);
	assert_int_equal(set(r, ssi(2), "Sykepleier Sør"), 0);
	assert_int_equal(set(r, ssi(2), "Sykepleier Øst"), 0);	/* a rename */
	assert_string_equal(name_of(r, ssi(2)), "Sykepleier Øst");
	assert_int_equal(tb_roster_n_parties(r), 2);
	/* an identity cannot become a group, nor the other way */
	assert_int_equal(tb_roster_set_party(r, &(struct tetra_identity){ .type = TETRA_ID_SSI, .ssi = 2 }, true,
					     "G", 0), -EEXIST);
	talloc_free(r);
}

/* TB_ROSTER_MAX_ENTRIES parties: each found by a hash probe, the next one
 * refused; a removal leaves the others findable, in config order. */
static void test_ten_thousand(void **state)
{
	struct tb_roster *r = tb_roster_alloc(NULL);
	char name[32];

	for (unsigned i = 0; i < TB_ROSTER_MAX_ENTRIES; i++) {
		snprintf(name, sizeof(name), "P%u", i);
		/* every third a TSI: both tables fill */
		assert_int_equal(set(r, i % 3 ? ssi(100000 + i) : tsi(242, 16, 100000 + i), name), 0);
	}
	assert_int_equal(set(r, ssi(1), "one too many"), -ENOSPC);
	assert_int_equal(set(r, ssi(100005), "a rename is no new entry"), 0);
	assert_int_equal(tb_roster_remove_party(r, &(struct tetra_identity){ .type = TETRA_ID_SSI, .ssi = 100001 }), 0);
	assert_int_equal(tb_roster_remove_party(r, &(struct tetra_identity){ .type = TETRA_ID_SSI, .ssi = 100001 }),
			 -ENOENT);
	assert_int_equal(tb_roster_n_parties(r), TB_ROSTER_MAX_ENTRIES - 1);
	for (unsigned i = 0; i < TB_ROSTER_MAX_ENTRIES; i++) {
		const char *by_ssi = name_of(r, ssi(100000 + i));
		const char *by_tsi = name_of(r, tsi(242, 16, 100000 + i));

		if (i == 1) {
			assert_null(by_ssi);
			assert_null(by_tsi);
			continue;
		}
		snprintf(name, sizeof(name), "P%u", i);
		assert_non_null(by_ssi);
		assert_string_equal(by_ssi, i == 5 ? "a rename is no new entry" : name);
		assert_string_equal(by_tsi, by_ssi);
		if (i % 3 == 0)	/* a TSI entry: not in another network */
			assert_null(name_of(r, tsi(242, 15, 100000 + i)));
		else
			assert_string_equal(name_of(r, tsi(242, 15, 100000 + i)), by_ssi);
	}
	assert_string_equal(tb_roster_party_at(r, 1)->name, "P2");	/* order kept */
	assert_int_equal(set(r, ssi(1), "room again"), 0);
	talloc_free(r);
}

/* ---- groups -------------------------------------------------------------------- */

static void test_groups(void **state)
{
	struct tb_roster *r = tb_roster_alloc(NULL);
	struct tetra_identity g = ssi(9001), gt = tsi(242, 16, 9001), other = ssi(9002);
	struct tetra_identity m1 = ssi(1002), m2 = tsi(242, 16, 2002), m3 = ssi(2004);
	const struct tetra_identity *members;

	assert_int_equal(tb_roster_set_party(r, &g, true, "LV-distrikt", 0), 0);
	assert_int_equal(set(r, other, "Not a group"), 0);
	assert_true(tb_roster_is_group(r, &g));
	assert_true(tb_roster_is_group(r, &gt));	/* the GSSI in a GTSI */
	assert_false(tb_roster_is_group(r, &other));
	assert_false(tb_roster_is_group(r, &m1));
	assert_string_equal(name_of(r, g), "LV-distrikt");

	assert_int_equal(tb_roster_add_member(r, &g, &m1), 0);
	assert_int_equal(tb_roster_add_member(r, &g, &m2), 0);
	assert_int_equal(tb_roster_add_member(r, &g, &m3), 0);
	assert_int_equal(tb_roster_add_member(r, &g, &m2), -EEXIST);
	assert_int_equal(tb_roster_add_member(r, &other, &m1), -ENOENT);	/* not a group */
	assert_int_equal(tb_roster_add_member(r, &m1, &m1), -ENOENT);		/* not listed */

	assert_int_equal(tb_roster_members(r, &gt, &members), 3);
	assert_int_equal(members[0].ssi, 1002);		/* config order */
	assert_int_equal(members[1].ssi, 2002);
	assert_int_equal(members[1].mnc, 16);
	assert_int_equal(members[2].ssi, 2004);
	assert_int_equal(tb_roster_members(r, &other, &members), 0);
	assert_null(members);

	/* a member's answer comes with a TSI or an SSI */
	assert_true(tb_roster_is_member(r, &g, &(struct tetra_identity){ .type = TETRA_ID_TSI, .mcc = 242, .mnc = 16,
									  .ssi = 1002 }));
	assert_true(tb_roster_is_member(r, &g, &(struct tetra_identity){ .type = TETRA_ID_SSI, .ssi = 2002 }));
	assert_false(tb_roster_is_member(r, &g, &(struct tetra_identity){ .type = TETRA_ID_TSI, .mcc = 242,
									   .mnc = 17, .ssi = 2002 }));
	assert_false(tb_roster_is_member(r, &g, &(struct tetra_identity){ .type = TETRA_ID_SSI, .ssi = 2003 }));
	assert_false(tb_roster_is_member(r, &other, &m1));

	assert_int_equal(tb_roster_remove_member(r, &g, &m2), 0);
	assert_int_equal(tb_roster_remove_member(r, &g, &m2), -ENOENT);
	assert_int_equal(tb_roster_members(r, &g, &members), 2);
	assert_int_equal(members[1].ssi, 2004);

	for (unsigned i = 2; i < TB_ROSTER_MAX_MEMBERS; i++)
		assert_int_equal(tb_roster_add_member(r, &g, &(struct tetra_identity){ .type = TETRA_ID_SSI,
										      .ssi = 50000 + i }), 0);
	assert_int_equal(tb_roster_add_member(r, &g, &(struct tetra_identity){ .type = TETRA_ID_SSI, .ssi = 7 }),
			 -ENOSPC);
	assert_int_equal(tb_roster_remove_party(r, &g), 0);
	assert_false(tb_roster_is_group(r, &g));
	assert_int_equal(tb_roster_members(r, &g, &members), 0);
	talloc_free(r);
}

/* ---- status values ----------------------------------------------------------------- */

static void test_statuses(void **state)
{
	struct tb_roster *r = tb_roster_alloc(NULL);

	assert_int_equal(tb_roster_set_status(r, 0x8002, "på vei", M(EN_ROUTE), 0), 0);
	assert_int_equal(tb_roster_set_status(r, 0x8000, "kommer", M(ACCEPT), 0), 0);
	assert_int_equal(tb_roster_set_status(r, 0x8005, "ring AMK", M(NONE), 0), 0);
	assert_string_equal(tb_roster_status_name(r, 0x8002), "på vei");
	assert_int_equal(tb_roster_status_meaning(r, 0x8002), M(EN_ROUTE));
	assert_int_equal(tb_roster_status_meaning(r, 0x8000), M(ACCEPT));
	assert_string_equal(tb_roster_status_name(r, 0x8005), "ring AMK");
	assert_int_equal(tb_roster_status_meaning(r, 0x8005), M(NONE));
	assert_null(tb_roster_status_name(r, 0x8001));
	assert_int_equal(tb_roster_status_meaning(r, 0x8001), M(NONE));
	assert_null(tb_roster_status_name(NULL, 0x8001));
	/* in order of value */
	assert_int_equal(tb_roster_status_at(r, 0)->value, 0x8000);
	assert_int_equal(tb_roster_status_at(r, 2)->value, 0x8005);
	assert_null(tb_roster_status_at(r, 3));
	/* changed, removed */
	assert_int_equal(tb_roster_set_status(r, 0x8002, "underveis", M(EN_ROUTE), 0), 0);
	assert_string_equal(tb_roster_status_name(r, 0x8002), "underveis");
	assert_int_equal(tb_roster_remove_status(r, 0x8000), 0);
	assert_int_equal(tb_roster_remove_status(r, 0x8000), -ENOENT);
	assert_null(tb_roster_status_name(r, 0x8000));
	assert_int_equal(tb_roster_set_status(r, 1, "", M(NONE), 0), -EINVAL);
	assert_int_equal(tb_roster_set_status(r, 1, "x", 42, 0), -EINVAL);
	/* the bound */
	for (unsigned v = 0; tb_roster_n_statuses(r) < TB_ROSTER_MAX_STATUSES; v++)
		assert_int_equal(tb_roster_set_status(r, (uint16_t)v, "s", M(NONE), 0), 0);
	assert_int_equal(tb_roster_set_status(r, 0xffff, "s", M(NONE), 0), -ENOSPC);
	assert_int_equal(tb_roster_set_status(r, 0x8002, "still changes", M(DONE), 0), 0);
	talloc_free(r);
}

/* ---- answers ------------------------------------------------------------------------- */

static tb_meaning meaning_of(const struct tb_roster *r, const char *text)
{
	return tb_roster_text_meaning(r, text, strlen(text));
}

static void test_fold(void **state)
{
	char out[64];

	assert_int_equal(tb_roster_fold("  Kan \t IKKE \r\n", 15, out, sizeof(out)), 8);
	assert_string_equal(out, "kan ikke");
	tb_roster_fold("PÅ VEI ÆØÅ ×", strlen("PÅ VEI ÆØÅ ×"), out, sizeof(out));
	assert_string_equal(out, "på vei æøå ×");
	tb_roster_fold("Ünïcödé ЖЖ", strlen("Ünïcödé ЖЖ"), out, sizeof(out));
	assert_string_equal(out, "ünïcödé ЖЖ");	/* beyond Latin-1 as it is */
	assert_int_equal(tb_roster_fold("   ", 3, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	/* cut, with the length it needs */
	assert_int_equal(tb_roster_fold("ABCDEF", 6, out, 4), 6);
	assert_string_equal(out, "abc");
}

static void test_answers(void **state)
{
	struct tb_roster *r = tb_roster_alloc(NULL);
	char why[160] = "";

	assert_int_equal(meaning_of(r, "ja"), M(NONE));		/* empty roster */
	assert_int_equal(tb_roster_set_answer(r, false, "ja", M(ACCEPT), 0, why, sizeof(why)), 0);
	assert_int_equal(tb_roster_set_answer(r, false, "Kan ikke", M(DECLINE), 0, why, sizeof(why)), 0);
	assert_int_equal(tb_roster_set_answer(r, false, "på vei", M(EN_ROUTE), 0, why, sizeof(why)), 0);
	assert_int_equal(tb_roster_set_answer(r, true, "^kommer", M(ACCEPT), 0, why, sizeof(why)), 0);
	assert_int_equal(tb_roster_set_answer(r, true, "ikke", M(DECLINE), 0, why, sizeof(why)), 0);
	assert_int_equal(tb_roster_set_answer(r, true, "^(er )?fremme", M(ON_SCENE), 0, why, sizeof(why)), 0);
	assert_int_equal(tb_roster_set_answer(r, true, "^Å", M(STANDBY), 0, why, sizeof(why)), 0);

	assert_int_equal(meaning_of(r, "ja"), M(ACCEPT));
	assert_int_equal(meaning_of(r, "  JA \n"), M(ACCEPT));
	assert_int_equal(meaning_of(r, "Ja!"), M(NONE));
	assert_int_equal(meaning_of(r, "jaa"), M(NONE));
	assert_int_equal(meaning_of(r, "KAN   IKKE"), M(DECLINE));
	assert_int_equal(meaning_of(r, "PÅ VEI"), M(EN_ROUTE));
	/* patterns on the folded text */
	assert_int_equal(meaning_of(r, "Kommer om 10 min"), M(ACCEPT));
	assert_int_equal(meaning_of(r, "  kommer"), M(ACCEPT));
	assert_int_equal(meaning_of(r, "jeg kommer"), M(NONE));
	assert_int_equal(meaning_of(r, "Er fremme"), M(ON_SCENE));
	assert_int_equal(meaning_of(r, "åpner døra"), M(STANDBY));	/* a Latin-1 capital in the pattern */
	/* fixed texts first: "kan ikke" is a fixed text and matches the
	 * pattern "ikke" too; "kommer ikke": the first pattern that matches */
	assert_int_equal(tb_roster_set_answer(r, false, "kommer ikke", M(DECLINE), 0, why, sizeof(why)), 0);
	assert_int_equal(meaning_of(r, "Kommer ikke"), M(DECLINE));
	assert_int_equal(meaning_of(r, "kommer ikke likevel"), M(ACCEPT));
	/* a long text goes through the heap */
	{
		char big[3000];

		memset(big, 'x', sizeof(big));
		memcpy(big, "kommer", 6);
		assert_int_equal(tb_roster_text_meaning(r, big, sizeof(big)), M(ACCEPT));
		memcpy(big, "nei...", 6);
		assert_int_equal(tb_roster_text_meaning(r, big, sizeof(big)), M(NONE));
	}

	/* found as configured; a fixed text folded, a pattern as written */
	assert_non_null(tb_roster_answer_find(r, false, " JA"));
	assert_null(tb_roster_answer_find(r, true, "ja"));
	assert_non_null(tb_roster_answer_find(r, true, "^kommer"));
	assert_null(tb_roster_answer_find(r, true, "^KOMMER"));
	/* the same text again changes its meaning, not the count */
	assert_int_equal(tb_roster_n_answers(r), 8);
	assert_int_equal(tb_roster_set_answer(r, false, "JA", M(STANDBY), 0, why, sizeof(why)), 0);
	assert_int_equal(tb_roster_n_answers(r), 8);
	assert_int_equal(meaning_of(r, "ja"), M(STANDBY));
	assert_string_equal(tb_roster_answer_at(r, 0)->text, "ja");	/* as first written */
	assert_true(tb_roster_answer_at(r, 3)->pattern);

	/* refused, with why */
	assert_int_equal(tb_roster_set_answer(r, true, "(unclosed", M(ACCEPT), 0, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "the pattern does not compile: "));
	assert_int_equal(tb_roster_set_answer(r, false, "x", M(NONE), 0, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "an answer needs a meaning other than none");
	assert_int_equal(tb_roster_set_answer(r, false, "  ", M(ACCEPT), 0, why, sizeof(why)), -EINVAL);
	assert_int_equal(tb_roster_set_answer(r, false, "\xff", M(ACCEPT), 0, NULL, 0), -EINVAL);
	{
		char long_text[TB_ROSTER_ANSWER_MAX + 2];

		memset(long_text, 'a', sizeof(long_text) - 1);
		long_text[sizeof(long_text) - 1] = '\0';
		assert_int_equal(tb_roster_set_answer(r, false, long_text, M(ACCEPT), 0, why, sizeof(why)), -EINVAL);
	}
	assert_int_equal(tb_roster_n_answers(r), 8);

	/* removed */
	assert_int_equal(tb_roster_remove_answer(r, true, "^kommer"), 0);
	assert_int_equal(meaning_of(r, "kommer straks"), M(NONE));
	assert_int_equal(tb_roster_remove_answer(r, false, "KAN IKKE"), 0);
	assert_int_equal(meaning_of(r, "kan ikke"), M(DECLINE));	/* now by the pattern "ikke" */
	assert_int_equal(tb_roster_remove_answer(r, false, "kan ikke"), -ENOENT);

	/* the bound: fixed texts and patterns together */
	for (unsigned i = 0; tb_roster_n_answers(r) < TB_ROSTER_MAX_ANSWERS; i++) {
		char t[16];

		snprintf(t, sizeof(t), "%s%u", i % 2 ? "p" : "t", i);
		assert_int_equal(tb_roster_set_answer(r, i % 2, t, M(DONE), 0, why, sizeof(why)), 0);
	}
	assert_int_equal(tb_roster_set_answer(r, false, "one more", M(DONE), 0, why, sizeof(why)), -ENOSPC);
	assert_int_equal(tb_roster_set_answer(r, true, "one more", M(DONE), 0, why, sizeof(why)), -ENOSPC);
	assert_int_equal(meaning_of(r, "t0"), M(DONE));
	assert_int_equal(meaning_of(r, "xp1y"), M(DONE));
	talloc_free(r);
}

static void test_meaning_names(void **state)
{
	static const char *names[] = { "none", "accept", "decline", "standby", "en-route", "on-scene",
				       "handed-over", "done", "available", "auto-ack" };

	for (unsigned m = 0; m < 10; m++) {
		assert_string_equal(tb_meaning_name(m), names[m]);
		assert_int_equal(tb_meaning_by_name(names[m]), m);
	}
	assert_string_equal(tb_meaning_name(99), "none");
	assert_int_equal(tb_meaning_by_name("enroute"), -1);
	assert_int_equal(tb_meaning_by_name("Accept"), 1);	/* as libosmocore's value strings: any case */
	assert_int_equal(tb_meaning_by_name(NULL), -1);
}

/* ---- naming events ---------------------------------------------------------------------------- */

/* Build a message of descriptor d under ctx with every message field
 * filled (a oneof: its member number top at depth 0, else nested, modulo
 * its size), every Identity an SSI 1001 without a name. */
static ProtobufCMessage *fill(void *ctx, const ProtobufCMessageDescriptor *d, unsigned top, unsigned nested,
			      unsigned depth)
{
	ProtobufCMessage *m = talloc_zero_size(ctx, d->sizeof_message);
	unsigned pick = depth ? nested : top;

	d->message_init(m);
	if (d == &tetrabridge__v1__identity__descriptor) {
		Tetrabridge__V1__Identity *id = (Tetrabridge__V1__Identity *)m;

		id->type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_SSI;
		id->ssi = 1001;
		return m;
	}
	if (depth > 4)
		return m;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		char *base = (char *)m;

		if (f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			/* the oneof's members are consecutive and share quantifier_offset */
			unsigned first = i, n = 0;

			while (first > 0 && (d->fields[first - 1].flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
			       d->fields[first - 1].quantifier_offset == f->quantifier_offset)
				first--;
			while (first + n < d->n_fields && (d->fields[first + n].flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
			       d->fields[first + n].quantifier_offset == f->quantifier_offset)
				n++;
			if (i != first + pick % n)
				continue;
			*(uint32_t *)(base + f->quantifier_offset) = f->id;
		}
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			ProtobufCMessage **arr = talloc_array(m, ProtobufCMessage *, 1);

			arr[0] = fill(m, f->descriptor, top, nested, depth + 1);
			*(size_t *)(base + f->quantifier_offset) = 1;
			*(ProtobufCMessage ***)(base + f->offset) = arr;
		} else {
			*(ProtobufCMessage **)(base + f->offset) = fill(m, f->descriptor, top, nested, depth + 1);
		}
	}
	return m;
}

/* Every Identity under m: how many, how many named name. */
static void count_named(const ProtobufCMessage *m, const char *name, unsigned *all, unsigned *named)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;

	if (d == &tetrabridge__v1__identity__descriptor) {
		const Tetrabridge__V1__Identity *id = (const Tetrabridge__V1__Identity *)m;

		(*all)++;
		*named += id->name && !strcmp(id->name, name);
		return;
	}
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const char *base = (const char *)m;

		if (f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) && *(const uint32_t *)(base + f->quantifier_offset) != f->id)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)(base + f->quantifier_offset);
			ProtobufCMessage *const *arr = *(ProtobufCMessage *const *const *)(base + f->offset);

			for (size_t k = 0; k < n; k++)
				count_named(arr[k], name, all, named);
		} else if (*(ProtobufCMessage *const *)(base + f->offset)) {
			count_named(*(ProtobufCMessage *const *)(base + f->offset), name, all, named);
		}
	}
}

/* Every body of every kind (each member of each oneof inside it too) with
 * every Identity field set: after naming, every Identity in it carries the
 * name, but in a call-out change (the tracker names those). A body that
 * gains an Identity field fails here until roster.c lists it. */
static void test_name_event_every_body(void **state)
{
	struct tb_roster *r = tb_roster_alloc(NULL);
	const ProtobufCMessageDescriptor *ed = &tetrabridge__v1__event__descriptor;
	unsigned bodies = 0, bodies_with_ids = 0;
	uint64_t with_ids = 0;	/* bit per body_case */

	assert_int_equal(set(r, ssi(1001), "Sykepleier Nord"), 0);
	for (unsigned i = 0; i < ed->n_fields; i++)
		bodies += (ed->fields[i].flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0;
	assert_int_equal(bodies, 20);
	for (unsigned body = 0; body < bodies; body++) {
		for (unsigned nested = 0; nested < 8; nested++) {
			void *ctx = talloc_new(NULL);
			Tetrabridge__V1__Event *ev = (Tetrabridge__V1__Event *)fill(ctx, ed, body, nested, 0);
			unsigned all = 0, named = 0;

			tb_roster_name_event(r, ev, ctx);
			count_named(&ev->base, "Sykepleier Nord", &all, &named);
			if (ev->body_case == TETRABRIDGE__V1__EVENT__BODY_CALLOUT) {
				assert_true(all > 0);
				assert_int_equal(named, 0);
			} else if (all != named) {
				fail_msg("body %u (nested oneof member %u): %u of %u identities named", ev->body_case,
					 nested, named, all);
			}
			if (all && ev->body_case != TETRABRIDGE__V1__EVENT__BODY_CALLOUT)
				with_ids |= 1ull << ev->body_case;
			talloc_free(ctx);
		}
	}
	/* radio_state, status, short_report, sds_raw, call_setup, tx, text,
	 * text_incomplete, location, location_control, delivery_report,
	 * radio_info, outgoing, callout_pdu */
	for (unsigned b = 0; b < 64; b++)
		bodies_with_ids += (with_ids >> b) & 1;
	assert_int_equal(bodies_with_ids, 14);
	talloc_free(r);
}

static void test_name_event_values(void **state)
{
	struct tb_roster *r = tb_roster_alloc(NULL);
	Tetrabridge__V1__Identity calling = TETRABRIDGE__V1__IDENTITY__INIT, called = TETRABRIDGE__V1__IDENTITY__INIT;
	Tetrabridge__V1__Status st = TETRABRIDGE__V1__STATUS__INIT;
	Tetrabridge__V1__Text tx = TETRABRIDGE__V1__TEXT__INIT;
	Tetrabridge__V1__CalloutPdu pdu = TETRABRIDGE__V1__CALLOUT_PDU__INIT;
	Tetrabridge__V1__Event ev = TETRABRIDGE__V1__EVENT__INIT;
	Tetrabridge__V1__Undecoded und = TETRABRIDGE__V1__UNDECODED__INIT;
	char why[100];

	assert_int_equal(set(r, tsi(242, 16, 2002), "Sykepleier Nord"), 0);
	assert_int_equal(set(r, ssi(2001), "Sykeheim Nord"), 0);
	assert_int_equal(tb_roster_set_status(r, 0x8002, "på vei", M(EN_ROUTE), 0), 0);
	assert_int_equal(tb_roster_set_answer(r, false, "nei", M(DECLINE), 0, why, sizeof(why)), 0);

	calling.type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_TSI;
	calling.mcc = 242, calling.mnc = 16, calling.ssi = 2002;
	called.type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_TSI;
	called.mcc = 242, called.mnc = 16, called.ssi = 2001;
	st.calling = &calling;
	st.called = &called;
	st.value = 0x8002;
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_STATUS;
	ev.status = &st;
	tb_roster_name_event(r, &ev, NULL);
	assert_string_equal(calling.name, "Sykepleier Nord");
	assert_string_equal(called.name, "Sykeheim Nord");
	assert_string_equal(st.name, "på vei");
	assert_int_equal(st.meaning, M(EN_ROUTE));

	/* unlisted value; an identity that did not decode; a name given already stays */
	st.value = 0x8001;
	st.name = "";
	st.meaning = M(NONE);
	calling.undecoded = &und;
	calling.name = "";
	called.name = "kept";
	tb_roster_name_event(r, &ev, NULL);
	assert_string_equal(st.name, "");
	assert_int_equal(st.meaning, M(NONE));
	assert_string_equal(calling.name, "");
	assert_string_equal(called.name, "kept");
	calling.undecoded = NULL;
	/* an external number is never named */
	calling.type = TETRABRIDGE__V1__IDENTITY_TYPE__IDENTITY_PSTN;
	calling.digits = "2002";
	tb_roster_name_event(r, &ev, NULL);
	assert_string_equal(calling.name, "");

	tx.text = " NEI ";
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_TEXT;
	ev.text = &tx;
	tb_roster_name_event(r, &ev, NULL);
	assert_int_equal(tx.meaning, M(DECLINE));
	tx.text = "nei takk";
	tx.meaning = M(NONE);
	tb_roster_name_event(r, &ev, NULL);
	assert_int_equal(tx.meaning, M(NONE));

	/* a call-out answer has a meaning; an alert's text never does */
	pdu.kind = 3;
	pdu.text = "Nei";
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_CALLOUT_PDU;
	ev.callout_pdu = &pdu;
	tb_roster_name_event(r, &ev, NULL);
	assert_int_equal(pdu.meaning, M(DECLINE));
	pdu.kind = 1;
	pdu.meaning = M(NONE);
	tb_roster_name_event(r, &ev, NULL);
	assert_int_equal(pdu.meaning, M(NONE));

	/* no roster, no body: nothing happens */
	tb_roster_name_event(NULL, &ev, NULL);
	ev.body_case = TETRABRIDGE__V1__EVENT__BODY_STATUS;
	ev.status = NULL;
	tb_roster_name_event(r, &ev, NULL);
	talloc_free(r);
}

/* ---- call-out config ------------------------------------------------------------------------------ */

static void test_callout_config_defaults(void **state)
{
	struct tb_callout_config *c = tb_callout_config_alloc(NULL);
	struct tb_plan *p;

	assert_int_equal(c->method, TETRABRIDGE__V1__ALERT_METHOD__ALERT_TEXT);
	assert_int_equal(c->required, 1);
	assert_int_equal(c->realerts, 2);
	assert_int_equal(c->retention_days, 90);
	assert_int_equal(c->board_keep_s, 600);
	assert_string_equal(tb_severity_name(c, 5), "severity 5");
	assert_int_equal(tb_severity_deadline_s(c, 5), 120);		/* X20 */
	assert_int_equal(tb_severity_on_scene_s(c, 5), 1200);		/* X21 */
	assert_int_equal(osmo_tdef_get(tb_callout_tdefs, TB_T_AIR_NUMBER_GRACE, OSMO_TDEF_S, -1), 3600);
	assert_int_equal(osmo_tdef_get(tb_callout_tdefs, TB_T_REALERT, OSMO_TDEF_S, -1), 40);

	c->severity[1] = (struct tb_severity){ .configured = true, .name = "red", .deadline_s = 90,
					       .on_scene_set = true, .on_scene_s = 0 };
	c->severity[2] = (struct tb_severity){ .configured = true, .name = "yellow" };
	assert_string_equal(tb_severity_name(c, 1), "red");
	assert_int_equal(tb_severity_deadline_s(c, 1), 90);
	assert_int_equal(tb_severity_on_scene_s(c, 1), 0);		/* no target, said so */
	assert_int_equal(tb_severity_deadline_s(c, 2), 120);
	assert_int_equal(tb_severity_by_name(c, "yellow"), 2);
	assert_int_equal(tb_severity_by_name(c, "blue"), -1);
	assert_string_equal(tb_severity_name(c, 16), "severity 16");
	/* the timer, set in the VTY, is the default */
	assert_int_equal(osmo_tdef_set(tb_callout_tdefs, TB_T_ANSWER_DEADLINE, 200, OSMO_TDEF_S), 0);
	assert_int_equal(tb_severity_deadline_s(c, 2), 200);
	osmo_tdefs_reset(tb_callout_tdefs);

	assert_string_equal(tb_alert_method_name(TETRABRIDGE__V1__ALERT_METHOD__ALERT_CALLOUT), "callout");
	assert_int_equal(tb_alert_method_by_name("text"), TETRABRIDGE__V1__ALERT_METHOD__ALERT_TEXT);
	assert_int_equal(tb_alert_method_by_name("sms"), -1);

	p = tb_callout_plan_add(c, "lege-bakvakt");
	assert_non_null(p);
	assert_ptr_equal(tb_callout_plan(c, "lege-bakvakt"), p);
	assert_null(tb_callout_plan(c, "other"));
	assert_null(tb_callout_plan_add(c, "two words"));
	assert_null(tb_callout_plan_add(c, "a-name-longer-than-thirty-two-bytes"));
	for (unsigned i = 1; i < TB_PLANS_MAX; i++) {
		char n[16];

		snprintf(n, sizeof(n), "p%u", i);
		assert_non_null(tb_callout_plan_add(c, n));
	}
	assert_null(tb_callout_plan_add(c, "one-more"));
	assert_int_equal(tb_callout_plan_remove(c, "lege-bakvakt"), 0);
	assert_int_equal(tb_callout_plan_remove(c, "lege-bakvakt"), -ENOENT);
	assert_non_null(tb_callout_plan_add(c, "one-more"));
	talloc_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ssi_entry_matches_any_network),
		cmocka_unit_test(test_tsi_entry_matches_that_tsi_only),
		cmocka_unit_test(test_other_identities_match_nothing),
		cmocka_unit_test(test_names_are_checked_and_renamed),
		cmocka_unit_test(test_ten_thousand),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_statuses),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_meaning_names),
		cmocka_unit_test(test_name_event_every_body),
		cmocka_unit_test(test_name_event_values),
		cmocka_unit_test(test_callout_config_defaults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
