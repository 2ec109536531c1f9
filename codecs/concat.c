/* Concatenated text reassembly: a fixed table of slots in caller memory.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "codecs/concat.h"

#include <stdbool.h>
#include <string.h>

enum slot_state {
	SLOT_FREE,
	SLOT_ACTIVE,	/* collecting parts */
	SLOT_EVICTED,	/* given up for room, waiting for tetra_concat_expire() */
};

struct slot {
	uint8_t state;
	uint8_t lowest;		/* lowest part number seen */
	uint32_t replaced;	/* sum over the parts */
	uint64_t first_ms;	/* arrival of the first part to arrive */
	uint64_t seq;		/* creation order: ties in first_ms */
	uint16_t part_len[TETRA_CONCAT_MAX_PARTS];
	struct tetra_concat_message msg;	/* text kept in part order */
};

struct tetra_concat_table {
	unsigned slots;		/* messages in progress at most */
	unsigned entries;	/* 2 * slots: room for as many evicted ones */
	unsigned active;
	unsigned dropped;
	uint64_t seq;
	struct slot e[];
};

static unsigned norm_slots(unsigned slots)
{
	return slots ? slots : 1;
}

size_t tetra_concat_table_size(unsigned slots)
{
	return offsetof(struct tetra_concat_table, e) + 2u * norm_slots(slots) * sizeof(struct slot);
}

void tetra_concat_table_init(struct tetra_concat_table *t, unsigned slots)
{
	t->slots = norm_slots(slots);
	t->entries = 2 * t->slots;
	t->active = 0;
	t->dropped = 0;
	t->seq = 0;
	for (unsigned i = 0; i < t->entries; i++)
		t->e[i].state = SLOT_FREE;
}

static bool same_identity(const struct tetra_identity *a, const struct tetra_identity *b)
{
	return a->type == b->type && a->mcc == b->mcc && a->mnc == b->mnc && a->ssi == b->ssi &&
	       strncmp(a->digits, b->digits, sizeof(a->digits)) == 0;
}

/* Header fields only: everything before text[]. */
static void copy_head(struct tetra_text_param *dst, const struct tetra_text_param *src)
{
	memcpy(dst, src, offsetof(struct tetra_text_param, text));
	dst->text_len = 0;
	dst->text[0] = '\0';
}

static void copy_message(struct tetra_concat_message *dst, const struct tetra_concat_message *src)
{
	copy_head(&dst->head, &src->head);
	dst->ref = src->ref;
	dst->total = src->total;
	dst->received = src->received;
	dst->have_mask = src->have_mask;
	dst->text_len = src->text_len;
	memcpy(dst->text, src->text, src->text_len + 1);
}

/* Is a older than b? */
static bool older(const struct slot *a, const struct slot *b)
{
	return a->first_ms < b->first_ms || (a->first_ms == b->first_ms && a->seq < b->seq);
}

static struct slot *oldest(struct tetra_concat_table *t, uint8_t state)
{
	struct slot *o = NULL;

	for (unsigned i = 0; i < t->entries; i++) {
		struct slot *s = &t->e[i];
		if (s->state == state && (!o || older(s, o)))
			o = s;
	}
	return o;
}

static struct slot *find(struct tetra_concat_table *t, const struct tetra_text_param *part)
{
	for (unsigned i = 0; i < t->entries; i++) {
		struct slot *s = &t->e[i];
		if (s->state == SLOT_ACTIVE && s->msg.ref == part->concat.ref &&
		    s->msg.total == part->concat.total &&
		    same_identity(&s->msg.head.hdr.calling, &part->hdr.calling))
			return s;
	}
	return NULL;
}

static struct slot *take_slot(struct tetra_concat_table *t, uint64_t now_ms)
{
	struct slot *s = NULL;

	if (t->active >= t->slots) {
		struct slot *o = oldest(t, SLOT_ACTIVE);
		o->state = SLOT_EVICTED;
		t->active--;
	}
	for (unsigned i = 0; i < t->entries && !s; i++)
		if (t->e[i].state == SLOT_FREE)
			s = &t->e[i];
	if (!s) {
		/* every other entry holds an evicted message not yet reported */
		s = oldest(t, SLOT_EVICTED);
		t->dropped++;
	}
	s->state = SLOT_ACTIVE;
	s->lowest = UINT8_MAX;
	s->replaced = 0;
	s->first_ms = now_ms;
	s->seq = t->seq++;
	memset(s->part_len, 0, sizeof(s->part_len));
	s->msg.received = 0;
	s->msg.have_mask = 0;
	s->msg.text_len = 0;
	s->msg.text[0] = '\0';
	t->active++;
	return s;
}

int tetra_concat_add(struct tetra_concat_table *t, const struct tetra_text_param *part, uint64_t now_ms,
		     struct tetra_concat_message *whole)
{
	const struct tetra_concat *c = &part->concat;
	struct slot *s;
	uint32_t bit;
	size_t off = 0, len = part->text_len;

	if (!c->present || len > TETRA_TEXT_MAX)
		return TETRA_E_INVALID;
	if (c->part == 0 || c->part > c->total || c->total > TETRA_CONCAT_MAX_PARTS)
		return TETRA_E_RANGE;

	if (c->total == 1) {
		copy_head(&whole->head, part);
		whole->ref = c->ref;
		whole->total = 1;
		whole->received = 1;
		whole->have_mask = 1;
		whole->text_len = len;
		memcpy(whole->text, part->text, len);
		whole->text[len] = '\0';
		return 1;
	}

	s = find(t, part);
	bit = UINT32_C(1) << (c->part - 1);
	if (s && (s->msg.have_mask & bit))
		return TETRA_E_DUPLICATE;
	if (!s) {
		s = take_slot(t, now_ms);
		s->msg.ref = c->ref;
		s->msg.total = c->total;
	}

	/* Insert the text where it belongs among the parts received. */
	for (unsigned i = 0; i + 1 < c->part; i++)
		off += s->part_len[i];
	memmove(s->msg.text + off + len, s->msg.text + off, s->msg.text_len - off + 1);
	memcpy(s->msg.text + off, part->text, len);
	s->msg.text_len += len;
	s->part_len[c->part - 1] = (uint16_t)len;
	s->msg.have_mask |= bit;
	s->msg.received++;
	s->replaced += part->replaced;
	if (c->part < s->lowest) {
		copy_head(&s->msg.head, part);
		s->lowest = c->part;
	}
	s->msg.head.replaced = (uint16_t)(s->replaced > UINT16_MAX ? UINT16_MAX : s->replaced);

	if (s->msg.received < s->msg.total)
		return 0;
	copy_message(whole, &s->msg);
	s->state = SLOT_FREE;
	t->active--;
	return 1;
}

static bool due(const struct slot *s, uint64_t now_ms, uint64_t timeout_ms)
{
	if (s->state == SLOT_EVICTED)
		return true;
	return s->state == SLOT_ACTIVE && now_ms > s->first_ms && now_ms - s->first_ms > timeout_ms;
}

unsigned tetra_concat_expire(struct tetra_concat_table *t, uint64_t now_ms, uint64_t timeout_ms,
			     void (*cb)(const struct tetra_concat_message *partial, void *data), void *data)
{
	unsigned n = 0;

	for (;;) {
		struct slot *o = NULL;
		for (unsigned i = 0; i < t->entries; i++) {
			struct slot *s = &t->e[i];
			if (due(s, now_ms, timeout_ms) && (!o || older(s, o)))
				o = s;
		}
		if (!o)
			return n;
		if (o->state == SLOT_ACTIVE)
			t->active--;
		o->state = SLOT_FREE;
		if (cb)
			cb(&o->msg, data);
		n++;
	}
}

uint64_t tetra_concat_next_deadline(const struct tetra_concat_table *t, uint64_t timeout_ms)
{
	uint64_t best = UINT64_MAX;

	for (unsigned i = 0; i < t->entries; i++) {
		const struct slot *s = &t->e[i];
		uint64_t d;
		if (s->state == SLOT_EVICTED)
			return 0;
		if (s->state != SLOT_ACTIVE)
			continue;
		/* expire gives up when now - first > timeout, i.e. at first + timeout + 1 */
		if (timeout_ms >= UINT64_MAX - s->first_ms)
			d = UINT64_MAX;
		else
			d = s->first_ms + timeout_ms + 1;
		if (d < best)
			best = d;
	}
	return best;
}

unsigned tetra_concat_pending(const struct tetra_concat_table *t)
{
	return t->active;
}

unsigned tetra_concat_dropped(const struct tetra_concat_table *t)
{
	return t->dropped;
}
