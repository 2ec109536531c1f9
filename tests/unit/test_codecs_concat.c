/* Concatenated text reassembly: in order, reverse, shuffled, duplicates,
 * interleaved senders, expiry, eviction, deadlines, argument checks.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codecs/concat.h"

static struct tetra_concat_table *new_table(unsigned slots)
{
	struct tetra_concat_table *t = malloc(tetra_concat_table_size(slots));
	assert_non_null(t);
	tetra_concat_table_init(t, slots);
	return t;
}

static void mkpart(struct tetra_text_param *p, uint32_t ssi, uint16_t ref, uint8_t total, uint8_t part,
		   const char *text)
{
	memset(p, 0, sizeof(*p));
	p->hdr.ai_service = 12;
	p->hdr.calling.type = 0;
	p->hdr.calling.ssi = ssi;
	p->hdr.called.ssi = 2345678;
	p->pid = 0x8A;
	p->coding = 1;
	p->tl.present = true;
	p->tl.msg_ref = (uint8_t)(ref + part - 1);
	p->concat.present = true;
	p->concat.ref = ref;
	p->concat.total = total;
	p->concat.part = part;
	p->text_len = (uint16_t)strlen(text);
	memcpy(p->text, text, p->text_len + 1);
}

static const char *const words[] = { "Alpha ", "bravo ", "charlie ", "delta ", "echo ", "foxtrot ",
				     "golf ", "hotel ", "india ", "juliett ", "kilo ", "lima ",
				     "mike ", "november ", "oscar ", "papa" };

static void expect_whole(const struct tetra_concat_message *m, unsigned total, uint32_t ssi)
{
	char want[512] = "";

	for (unsigned i = 0; i < total; i++)
		strcat(want, words[i]);
	assert_int_equal(m->total, total);
	assert_int_equal(m->received, total);
	assert_int_equal(m->have_mask, (1u << total) - 1);
	assert_int_equal(m->text_len, strlen(want));
	assert_string_equal(m->text, want);
	assert_int_equal(m->head.hdr.calling.ssi, ssi);
	assert_int_equal(m->head.concat.part, 1);	/* head from the lowest part */
	assert_int_equal(m->head.text_len, 0);
	assert_string_equal(m->head.text, "");
}

/* Feed parts in the given order; the last one completes. */
static void feed(struct tetra_concat_table *t, uint32_t ssi, uint16_t ref, unsigned total,
		 const unsigned *order)
{
	static struct tetra_concat_message whole;
	struct tetra_text_param p;

	for (unsigned i = 0; i < total; i++) {
		unsigned part = order[i];
		mkpart(&p, ssi, ref, (uint8_t)total, (uint8_t)part, words[part - 1]);
		int rc = tetra_concat_add(t, &p, 1000 + i, &whole);
		if (i + 1 < total) {
			assert_int_equal(rc, 0);
		} else {
			assert_int_equal(rc, 1);
			expect_whole(&whole, total, ssi);
		}
	}
	assert_int_equal(tetra_concat_pending(t), 0);
}

static void test_orders(void **state)
{
	struct tetra_concat_table *t = new_table(4);
	unsigned order[16];
	unsigned seed = 7;

	for (unsigned total = 2; total <= 16; total++) {
		for (unsigned i = 0; i < total; i++)
			order[i] = i + 1;
		feed(t, 1234567, 0xC9, total, order);		/* in order */
		for (unsigned i = 0; i < total; i++)
			order[i] = total - i;
		feed(t, 1234567, 0xC9, total, order);		/* reverse */
		for (int round = 0; round < 20; round++) {	/* shuffled */
			for (unsigned i = total - 1; i > 0; i--) {
				seed = seed * 1103515245u + 12345u;
				unsigned j = (seed >> 16) % (i + 1), x = order[i];
				order[i] = order[j];
				order[j] = x;
			}
			feed(t, 1234567, (uint16_t)(round * 700), total, order);
		}
	}
	free(t);
}

static void test_single_part(void **state)
{
	struct tetra_concat_table *t = new_table(1);
	static struct tetra_concat_message whole;
	struct tetra_text_param p;

	mkpart(&p, 1, 5, 1, 1, "alone");
	assert_int_equal(tetra_concat_add(t, &p, 0, &whole), 1);
	assert_string_equal(whole.text, "alone");
	assert_int_equal(whole.have_mask, 1);
	assert_int_equal(tetra_concat_pending(t), 0);
	free(t);
}

static void test_duplicates(void **state)
{
	struct tetra_concat_table *t = new_table(2);
	static struct tetra_concat_message whole;
	struct tetra_text_param p;

	mkpart(&p, 1234567, 0xC9, 3, 2, words[1]);
	assert_int_equal(tetra_concat_add(t, &p, 0, &whole), 0);
	assert_int_equal(tetra_concat_add(t, &p, 1, &whole), TETRA_E_DUPLICATE);
	mkpart(&p, 1234567, 0xC9, 3, 1, words[0]);
	assert_int_equal(tetra_concat_add(t, &p, 2, &whole), 0);
	assert_int_equal(tetra_concat_add(t, &p, 3, &whole), TETRA_E_DUPLICATE);
	mkpart(&p, 1234567, 0xC9, 3, 2, words[1]);
	assert_int_equal(tetra_concat_add(t, &p, 4, &whole), TETRA_E_DUPLICATE);
	mkpart(&p, 1234567, 0xC9, 3, 3, words[2]);
	assert_int_equal(tetra_concat_add(t, &p, 5, &whole), 1);
	expect_whole(&whole, 3, 1234567);
	assert_string_equal(tetra_codec_strerror(TETRA_E_DUPLICATE), "duplicate");
	free(t);
}

/* Two senders use the same reference at the same time; a third message of
 * the first sender differs only in total. */
static void test_interleaved(void **state)
{
	struct tetra_concat_table *t = new_table(4);
	static struct tetra_concat_message whole;
	struct tetra_text_param p;
	static const char *const other[] = { "X1 ", "X2 ", "X3" };

	mkpart(&p, 111, 0x10, 3, 3, words[2]);
	assert_int_equal(tetra_concat_add(t, &p, 0, &whole), 0);
	mkpart(&p, 222, 0x10, 3, 1, other[0]);
	assert_int_equal(tetra_concat_add(t, &p, 1, &whole), 0);
	mkpart(&p, 111, 0x10, 2, 2, "T2");
	assert_int_equal(tetra_concat_add(t, &p, 2, &whole), 0);
	mkpart(&p, 111, 0x10, 3, 1, words[0]);
	assert_int_equal(tetra_concat_add(t, &p, 3, &whole), 0);
	mkpart(&p, 222, 0x10, 3, 3, other[2]);
	assert_int_equal(tetra_concat_add(t, &p, 4, &whole), 0);
	assert_int_equal(tetra_concat_pending(t), 3);
	mkpart(&p, 222, 0x10, 3, 2, other[1]);
	assert_int_equal(tetra_concat_add(t, &p, 5, &whole), 1);
	assert_string_equal(whole.text, "X1 X2 X3");
	assert_int_equal(whole.head.hdr.calling.ssi, 222);
	mkpart(&p, 111, 0x10, 3, 2, words[1]);
	assert_int_equal(tetra_concat_add(t, &p, 6, &whole), 1);
	expect_whole(&whole, 3, 111);
	mkpart(&p, 111, 0x10, 2, 1, "T1");
	assert_int_equal(tetra_concat_add(t, &p, 7, &whole), 1);
	assert_string_equal(whole.text, "T1T2");

	/* same SSI, different identity type or MNI: different senders */
	mkpart(&p, 111, 0x20, 2, 1, "a");
	assert_int_equal(tetra_concat_add(t, &p, 8, &whole), 0);
	mkpart(&p, 111, 0x20, 2, 2, "b");
	p.hdr.calling.mcc = 242;
	assert_int_equal(tetra_concat_add(t, &p, 9, &whole), 0);
	assert_int_equal(tetra_concat_pending(t), 2);
	free(t);
}

struct seen {
	unsigned n;
	char text[4][256];
	uint32_t mask[4];
	uint32_t ssi[4];
};

static void on_expired(const struct tetra_concat_message *m, void *data)
{
	struct seen *s = data;
	assert_true(s->n < 4);
	strcpy(s->text[s->n], m->text);
	s->mask[s->n] = m->have_mask;
	s->ssi[s->n] = m->head.hdr.calling.ssi;
	s->n++;
}

static void test_expiry(void **state)
{
	struct tetra_concat_table *t = new_table(4);
	static struct tetra_concat_message whole;
	struct tetra_text_param p;
	struct seen s = { 0 };

	assert_int_equal(tetra_concat_next_deadline(t, 30000), UINT64_MAX);
	mkpart(&p, 1, 7, 4, 4, "four");
	assert_int_equal(tetra_concat_add(t, &p, 10000, &whole), 0);
	mkpart(&p, 1, 7, 4, 2, "two ");
	assert_int_equal(tetra_concat_add(t, &p, 15000, &whole), 0);
	mkpart(&p, 2, 7, 2, 1, "other");
	assert_int_equal(tetra_concat_add(t, &p, 20000, &whole), 0);

	/* the first part to arrive sets the deadline */
	assert_int_equal(tetra_concat_next_deadline(t, 30000), 40001);
	assert_int_equal(tetra_concat_expire(t, 40000, 30000, on_expired, &s), 0);
	assert_int_equal(tetra_concat_expire(t, 40001, 30000, on_expired, &s), 1);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.text[0], "two four");	/* in part order, gaps skipped */
	assert_int_equal(s.mask[0], 0xA);
	assert_int_equal(s.ssi[0], 1);
	assert_int_equal(tetra_concat_pending(t), 1);
	assert_int_equal(tetra_concat_next_deadline(t, 30000), 50001);

	/* a late part of the given-up message starts afresh */
	mkpart(&p, 1, 7, 4, 1, "one ");
	assert_int_equal(tetra_concat_add(t, &p, 41000, &whole), 0);
	assert_int_equal(tetra_concat_pending(t), 2);

	/* a clock going backwards gives nothing up */
	assert_int_equal(tetra_concat_expire(t, 5, 0, on_expired, &s), 0);
	/* both, oldest first; NULL callback allowed */
	assert_int_equal(tetra_concat_expire(t, 100000, 30000, on_expired, &s), 2);
	assert_string_equal(s.text[1], "other");
	assert_string_equal(s.text[2], "one ");
	assert_int_equal(tetra_concat_pending(t), 0);
	mkpart(&p, 3, 1, 2, 1, "x");
	assert_int_equal(tetra_concat_add(t, &p, 0, &whole), 0);
	assert_int_equal(tetra_concat_expire(t, 10, 5, NULL, NULL), 1);
	/* huge timeouts saturate */
	mkpart(&p, 3, 1, 2, 1, "x");
	assert_int_equal(tetra_concat_add(t, &p, 100, &whole), 0);
	assert_int_equal(tetra_concat_next_deadline(t, UINT64_MAX), UINT64_MAX);
	assert_int_equal(tetra_concat_next_deadline(t, UINT64_MAX - 100), UINT64_MAX);
	assert_int_equal(tetra_concat_next_deadline(t, UINT64_MAX - 102), UINT64_MAX - 1);
	free(t);
}

static void test_eviction(void **state)
{
	struct tetra_concat_table *t = new_table(2);
	static struct tetra_concat_message whole;
	struct tetra_text_param p;
	struct seen s = { 0 };

	mkpart(&p, 1, 1, 2, 1, "m1 ");
	assert_int_equal(tetra_concat_add(t, &p, 100, &whole), 0);
	mkpart(&p, 2, 1, 2, 2, "m2");
	assert_int_equal(tetra_concat_add(t, &p, 200, &whole), 0);
	mkpart(&p, 3, 1, 2, 1, "m3 ");
	assert_int_equal(tetra_concat_add(t, &p, 300, &whole), 0);	/* evicts m1 */
	assert_int_equal(tetra_concat_pending(t), 2);
	assert_int_equal(tetra_concat_next_deadline(t, 60000), 0);

	/* m1's second part no longer joins it */
	mkpart(&p, 1, 1, 2, 2, "m1b");
	assert_int_equal(tetra_concat_add(t, &p, 400, &whole), 0);	/* evicts m2 */
	assert_int_equal(tetra_concat_expire(t, 500, 60000, on_expired, &s), 2);
	assert_string_equal(s.text[0], "m1 ");
	assert_int_equal(s.ssi[0], 1);
	assert_string_equal(s.text[1], "m2");
	assert_int_equal(tetra_concat_dropped(t), 0);
	assert_int_equal(tetra_concat_next_deadline(t, 60000), 60301);

	/* m3 still completes */
	mkpart(&p, 3, 1, 2, 2, "done");
	assert_int_equal(tetra_concat_add(t, &p, 600, &whole), 1);
	assert_string_equal(whole.text, "m3 done");
	free(t);

	/* more evictions than room to keep them before expire: counted */
	t = new_table(1);
	for (unsigned i = 0; i < 4; i++) {
		mkpart(&p, 10 + i, 1, 2, 1, "z");
		assert_int_equal(tetra_concat_add(t, &p, i, &whole), 0);
	}
	assert_int_equal(tetra_concat_dropped(t), 2);
	memset(&s, 0, sizeof(s));
	assert_int_equal(tetra_concat_expire(t, 10, 60000, on_expired, &s), 1);
	assert_int_equal(s.ssi[0], 12);
	assert_int_equal(tetra_concat_pending(t), 1);
	free(t);
}

static void test_arguments(void **state)
{
	struct tetra_concat_table *t = new_table(0);	/* 0 counts as 1 */
	static struct tetra_concat_message whole;
	struct tetra_text_param p;

	assert_int_equal(tetra_concat_table_size(0), tetra_concat_table_size(1));
	mkpart(&p, 1, 1, 2, 0, "x");
	assert_int_equal(tetra_concat_add(t, &p, 0, &whole), TETRA_E_RANGE);
	mkpart(&p, 1, 1, 2, 3, "x");
	assert_int_equal(tetra_concat_add(t, &p, 0, &whole), TETRA_E_RANGE);
	mkpart(&p, 1, 1, 17, 1, "x");
	assert_int_equal(tetra_concat_add(t, &p, 0, &whole), TETRA_E_RANGE);
	mkpart(&p, 1, 1, 0, 0, "x");
	assert_int_equal(tetra_concat_add(t, &p, 0, &whole), TETRA_E_RANGE);
	mkpart(&p, 1, 1, 2, 1, "x");
	p.concat.present = false;
	assert_int_equal(tetra_concat_add(t, &p, 0, &whole), TETRA_E_INVALID);
	mkpart(&p, 1, 1, 2, 1, "x");
	p.text_len = TETRA_TEXT_MAX + 1;
	assert_int_equal(tetra_concat_add(t, &p, 0, &whole), TETRA_E_INVALID);
	assert_int_equal(tetra_concat_pending(t), 0);
	free(t);
}

/* 16 parts of the longest text: fills TETRA_CONCAT_TEXT_MAX exactly. */
static void test_full_size(void **state)
{
	struct tetra_concat_table *t = new_table(1);
	static struct tetra_concat_message whole;
	static struct tetra_text_param p;

	for (unsigned i = 16; i >= 1; i--) {
		mkpart(&p, 1, 1, 16, (uint8_t)i, "");
		memset(p.text, 'a' + (int)i, TETRA_TEXT_MAX);
		p.text[TETRA_TEXT_MAX] = '\0';
		p.text_len = TETRA_TEXT_MAX;
		p.replaced = 5000;
		assert_int_equal(tetra_concat_add(t, &p, 0, &whole), i == 1 ? 1 : 0);
	}
	assert_int_equal(whole.text_len, TETRA_CONCAT_TEXT_MAX);
	assert_int_equal(strlen(whole.text), TETRA_CONCAT_TEXT_MAX);
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(whole.text[i * TETRA_TEXT_MAX], 'a' + (int)i + 1);
	assert_int_equal(whole.head.replaced, 65535);	/* summed, saturated */
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_orders),
		cmocka_unit_test(test_single_part),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_interleaved),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_eviction),
		cmocka_unit_test(test_arguments),
		cmocka_unit_test(test_full_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
