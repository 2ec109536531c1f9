/* Concatenated text reassembly: in order, reverse, shuffled, duplicates,
 * interleaved senders, expiry, eviction, deadlines, argument checks; and
 * the same for the binary parts of concatenated SDS (PID 0x0C / 0x8C), as
 * the SDS decoder passes them on.
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

#include "codecs/bitio.h"
#include "codecs/concat.h"
#include "codecs/sds.h"

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
	assert_int_equal(tetra_concat_expire(t, 40000, 30000, on_expired, NULL, &s), 0);
	assert_int_equal(tetra_concat_expire(t, 40001, 30000, on_expired, NULL, &s), 1);
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
	assert_int_equal(tetra_concat_expire(t, 5, 0, on_expired, NULL, &s), 0);
	/* both, oldest first; NULL callback allowed */
	assert_int_equal(tetra_concat_expire(t, 100000, 30000, on_expired, NULL, &s), 2);
	assert_string_equal(s.text[1], "other");
	assert_string_equal(s.text[2], "one ");
	assert_int_equal(tetra_concat_pending(t), 0);
	mkpart(&p, 3, 1, 2, 1, "x");
	assert_int_equal(tetra_concat_add(t, &p, 0, &whole), 0);
	assert_int_equal(tetra_concat_expire(t, 10, 5, NULL, NULL, NULL), 1);
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
	assert_int_equal(tetra_concat_expire(t, 500, 60000, on_expired, NULL, &s), 2);
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
	assert_int_equal(tetra_concat_expire(t, 10, 60000, on_expired, NULL, &s), 1);
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

/* ---- concatenated SDS ------------------------------------------------------ */

/* One part of a concatenated SDS as the SDS decoder passes it on: the PDU
 * built field by field, then through tetra_sds_decode() (an UNITDATA with
 * no decode_error). outer 0x8C: SDS-TL TRANSFER, "received" report
 * requested, message reference 0x40 + part. ref > 15: the 12-bit form. */
static void mksds(struct tetra_prim *prim, uint32_t ssi, uint8_t outer, uint16_t ref, uint8_t total,
		  uint8_t part, uint8_t pid, const uint8_t *payload, size_t len)
{
	struct tetra_sds_header h = { .ai_service = TETRA_AI_SDS_TYPE4 };
	uint8_t buf[TETRA_SDS_MAX_BYTES];
	struct tetra_bitwriter bw;
	size_t bits = 0;

	tetra_bw_init(&bw, buf, sizeof(buf));
	tetra_bw_put(&bw, outer, 8);
	if (outer == 0x8C)
		tetra_bw_put(&bw, (0u << 4 | 1u << 2 | 1u << 1) << 8 | (0x40u + part), 16);
	if (ref > 15)
		tetra_bw_put(&bw, 1u << 12 | ref, 16);
	else
		tetra_bw_put(&bw, ref, 8);
	tetra_bw_put(&bw, total, 8);
	tetra_bw_put(&bw, part, 8);
	if (part == 1)
		tetra_bw_put(&bw, pid, 8);
	tetra_bw_put_bytes(&bw, payload, len);
	assert_int_equal(tetra_bw_finish(&bw, &bits), 0);
	h.calling.type = TETRA_ID_SSI;
	h.calling.ssi = ssi;
	h.called.type = TETRA_ID_SSI;
	h.called.ssi = 2345678;
	h.bit_len = (uint16_t)bits;
	assert_int_equal(tetra_sds_decode(&h, buf, (bits + 7) / 8, prim), 0);
	assert_int_equal(prim->oph.primitive, TETRA_TNSDS_UNITDATA);
	assert_int_equal(prim->u.unitdata.decode_error, 0);
	assert_true(tetra_concat_sds_is_part(&prim->u.unitdata));
}

/* Part k's payload: k copies of 'a' + k (k octets). */
static size_t payload_of(unsigned k, uint8_t *out)
{
	memset(out, 'a' + (int)k, k);
	return k;
}

static void expect_sds_whole(const struct tetra_concat_sds *m, unsigned total, uint32_t ssi, uint8_t outer)
{
	size_t off = 0;

	assert_int_equal(m->total, total);
	assert_int_equal(m->received, total);
	assert_int_equal(m->have_mask, (1u << total) - 1);
	assert_true(m->has_pid);
	assert_int_equal(m->pid, 0xC3);
	assert_int_equal(m->outer_pid, outer);
	assert_int_equal(m->hdr.calling.ssi, ssi);
	assert_int_equal(m->tl.present, outer == 0x8C);
	if (outer == 0x8C) {
		assert_int_equal(m->tl.msg_ref, 0x41);	/* the lowest part's */
		assert_int_equal(m->tl.report_request, 1);
	}
	for (unsigned k = 1; k <= total; k++) {
		for (unsigned i = 0; i < k; i++)
			assert_int_equal(m->data[off + i], 'a' + (int)k);
		off += k;
		/* the part as it came */
		assert_int_equal(m->part[k - 1].data[0], outer);
		assert_int_equal(m->part[k - 1].hdr.calling.ssi, ssi);
	}
	assert_int_equal(m->len, off);
}

static void test_sds_orders(void **state)
{
	static const unsigned orders[][5] = { { 1, 2, 3, 4, 5 }, { 5, 4, 3, 2, 1 }, { 3, 5, 1, 4, 2 } };
	static struct tetra_concat_sds whole;
	struct tetra_concat_table *t = new_table(2);
	struct tetra_prim p;
	uint8_t pay[16];

	for (unsigned o = 0; o < 3; o++) {
		for (unsigned outer = 0; outer < 2; outer++) {
			for (unsigned i = 0; i < 5; i++) {
				unsigned k = orders[o][i];
				size_t n = payload_of(k, pay);
				mksds(&p, 23404, outer ? 0x8C : 0x0C, (uint16_t)(outer ? 0xABC : 7), 5, (uint8_t)k, 0xC3,
				      pay, n);
				assert_int_equal(tetra_concat_add_sds(t, &p.u.unitdata, i, &whole), i == 4 ? 1 : 0);
			}
			expect_sds_whole(&whole, 5, 23404, outer ? 0x8C : 0x0C);
			assert_int_equal(whole.ref, outer ? 0xABC : 7);
			assert_int_equal(tetra_concat_pending(t), 0);
		}
	}
	/* one part: whole at once, no slot */
	payload_of(3, pay);
	mksds(&p, 1, 0x8C, 1, 1, 1, 0x82, pay, 3);
	assert_int_equal(tetra_concat_add_sds(t, &p.u.unitdata, 0, &whole), 1);
	assert_int_equal(whole.total, 1);
	assert_int_equal(whole.pid, 0x82);
	assert_int_equal(whole.len, 3);
	assert_memory_equal(whole.data, "ddd", 3);
	assert_int_equal(tetra_concat_pending(t), 0);
	free(t);
}

/* Repeats are dropped; a text and an SDS with the same sender, reference
 * and total are two messages. */
static void test_sds_duplicates_and_kinds(void **state)
{
	static struct tetra_concat_sds whole;
	static struct tetra_concat_message text_whole;
	struct tetra_concat_table *t = new_table(4);
	struct tetra_text_param tp;
	struct tetra_prim p;
	uint8_t pay[4];

	payload_of(2, pay);
	mksds(&p, 9, 0x8C, 5, 2, 2, 0, pay, 2);
	assert_int_equal(tetra_concat_add_sds(t, &p.u.unitdata, 0, &whole), 0);
	assert_int_equal(tetra_concat_add_sds(t, &p.u.unitdata, 1, &whole), TETRA_E_DUPLICATE);
	mkpart(&tp, 9, 5, 2, 1, "Alpha ");
	assert_int_equal(tetra_concat_add(t, &tp, 2, &text_whole), 0);
	assert_int_equal(tetra_concat_pending(t), 2);
	payload_of(1, pay);
	mksds(&p, 9, 0x8C, 5, 2, 1, 0xC3, pay, 1);
	assert_int_equal(tetra_concat_add_sds(t, &p.u.unitdata, 3, &whole), 1);
	expect_sds_whole(&whole, 2, 9, 0x8C);
	mkpart(&tp, 9, 5, 2, 2, "bravo ");
	assert_int_equal(tetra_concat_add(t, &tp, 4, &text_whole), 1);
	expect_whole(&text_whole, 2, 9);
	free(t);
}

struct sds_seen {
	unsigned texts, sds;
	uint32_t mask;
	size_t len;
	bool has_pid;
};

static void on_text(const struct tetra_concat_message *m, void *data)
{
	((struct sds_seen *)data)->texts++;
}

static void on_sds(const struct tetra_concat_sds *m, void *data)
{
	struct sds_seen *s = data;

	s->sds++;
	s->mask = m->have_mask;
	s->len = m->len;
	s->has_pid = m->has_pid;
	assert_int_equal(m->received, __builtin_popcount(m->have_mask));
	for (unsigned i = 0; i < m->total; i++)
		if (m->have_mask & (1u << i))
			assert_int_equal(m->part[i].data[0], 0x0C);
}

/* Given up by time and by eviction: the parts received go to the SDS
 * callback, texts to the text one. */
static void test_sds_give_up(void **state)
{
	static struct tetra_concat_sds whole;
	static struct tetra_concat_message text_whole;
	struct tetra_concat_table *t = new_table(1);
	struct sds_seen seen = { 0 };
	struct tetra_text_param tp;
	struct tetra_prim p;
	uint8_t pay[8];

	payload_of(2, pay);
	mksds(&p, 1, 0x0C, 3, 3, 2, 0, pay, 2);
	assert_int_equal(tetra_concat_add_sds(t, &p.u.unitdata, 100, &whole), 0);
	payload_of(3, pay);
	mksds(&p, 1, 0x0C, 3, 3, 3, 0, pay, 3);
	assert_int_equal(tetra_concat_add_sds(t, &p.u.unitdata, 200, &whole), 0);
	assert_int_equal(tetra_concat_next_deadline(t, 1000), 1101);
	assert_int_equal(tetra_concat_expire(t, 1100, 1000, on_text, on_sds, &seen), 0);
	assert_int_equal(tetra_concat_expire(t, 1101, 1000, on_text, on_sds, &seen), 1);
	assert_int_equal(seen.sds, 1);
	assert_int_equal(seen.texts, 0);
	assert_int_equal(seen.mask, 6);
	assert_int_equal(seen.len, 5);
	assert_false(seen.has_pid);	/* part 1 never came */

	/* one slot: a text evicts the SDS in progress */
	memset(&seen, 0, sizeof(seen));
	payload_of(1, pay);
	mksds(&p, 1, 0x0C, 4, 2, 1, 0xC3, pay, 1);
	assert_int_equal(tetra_concat_add_sds(t, &p.u.unitdata, 2000, &whole), 0);
	mkpart(&tp, 1, 4, 2, 1, "Alpha ");
	assert_int_equal(tetra_concat_add(t, &tp, 2001, &text_whole), 0);
	assert_int_equal(tetra_concat_next_deadline(t, 1000), 0);
	assert_int_equal(tetra_concat_expire(t, 2002, 1000, on_text, on_sds, &seen), 1);
	assert_int_equal(seen.sds, 1);
	assert_true(seen.has_pid);
	assert_int_equal(seen.mask, 1);
	/* the end of time: the text goes to its callback; NULL callbacks drop */
	assert_int_equal(tetra_concat_expire(t, UINT64_MAX, 0, on_text, NULL, &seen), 1);
	assert_int_equal(seen.texts, 1);
	mksds(&p, 1, 0x0C, 4, 2, 1, 0xC3, pay, 1);
	assert_int_equal(tetra_concat_add_sds(t, &p.u.unitdata, 3000, &whole), 0);
	assert_int_equal(tetra_concat_expire(t, UINT64_MAX, 0, on_text, NULL, &seen), 1);
	assert_int_equal(seen.sds, 1);
	assert_int_equal(tetra_concat_pending(t), 0);
	free(t);
}

/* What is not a part, or not one the table can hold. */
static void test_sds_refused(void **state)
{
	static struct tetra_concat_sds whole;
	struct tetra_concat_table *t = new_table(2);
	struct tetra_prim p;
	uint8_t pay[4] = { 1, 2, 3, 4 };

	mksds(&p, 1, 0x0C, 1, 17, 1, 0xC3, pay, 4);	/* more parts than the table holds */
	assert_int_equal(tetra_concat_add_sds(t, &p.u.unitdata, 0, &whole), TETRA_E_RANGE);
	mksds(&p, 1, 0x0C, 1, 2, 1, 0xC3, pay, 4);
	p.u.unitdata.hdr.bit_len -= 4;	/* the payload is not whole octets */
	assert_int_equal(tetra_concat_add_sds(t, &p.u.unitdata, 0, &whole), TETRA_E_TRUNCATED);
	p.u.unitdata.hdr.bit_len += 4;
	p.u.unitdata.decode_error = TETRA_E_TRUNCATED;
	assert_false(tetra_concat_sds_is_part(&p.u.unitdata));
	assert_int_equal(tetra_concat_add_sds(t, &p.u.unitdata, 0, &whole), TETRA_E_INVALID);
	p.u.unitdata.decode_error = 0;
	p.u.unitdata.data[0] = 0x41;
	assert_false(tetra_concat_sds_is_part(&p.u.unitdata));
	p.u.unitdata.data[0] = 0x0C;
	p.u.unitdata.hdr.ai_service = TETRA_AI_SDS_TYPE3;
	assert_false(tetra_concat_sds_is_part(&p.u.unitdata));
	p.u.unitdata.hdr.ai_service = TETRA_AI_SDS_TYPE4;
	p.u.unitdata.len = 0;
	assert_false(tetra_concat_sds_is_part(&p.u.unitdata));
	assert_int_equal(tetra_concat_pending(t), 0);
	free(t);
}

/* The largest message: 16 parts of a whole SDS each. */
static void test_sds_full_size(void **state)
{
	static struct tetra_concat_sds whole;
	static uint8_t pay[TETRA_SDS_MAX_BYTES];
	struct tetra_concat_table *t = new_table(1);
	struct tetra_prim p;
	size_t total = 0;

	for (unsigned k = 16; k >= 1; k--) {
		/* 2047 bits: 0x8C, 2 octets of SDS-TL, 3 of header (+ the PID in part 1) */
		size_t n = 255 - 6 - (k == 1);
		memset(pay, k, n);
		mksds(&p, 1, 0x8C, 2, 16, (uint8_t)k, 0xC3, pay, n);
		assert_int_equal(tetra_concat_add_sds(t, &p.u.unitdata, 0, &whole), k == 1 ? 1 : 0);
		total += n;
	}
	assert_int_equal(whole.len, total);
	assert_true(whole.len <= TETRA_CONCAT_SDS_MAX);
	assert_int_equal(whole.data[0], 1);
	assert_int_equal(whole.data[total - 1], 16);
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
		cmocka_unit_test(test_sds_orders),
		cmocka_unit_test(test_sds_duplicates_and_kinds),
		cmocka_unit_test(test_sds_give_up),
		cmocka_unit_test(test_sds_refused),
		cmocka_unit_test(test_sds_full_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
