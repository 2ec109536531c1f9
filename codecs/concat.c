/* Concatenated text and SDS reassembly: a fixed table of slots in caller
 * memory.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "codecs/concat.h"

#include <stdbool.h>
#include <string.h>

#include "codecs/bitio.h"
#include "codecs/sds_tl.h"

enum slot_state {
	SLOT_FREE,
	SLOT_ACTIVE,	/* collecting parts */
	SLOT_EVICTED,	/* given up for room, waiting for tetra_concat_expire() */
};

enum slot_kind {
	KIND_TEXT,
	KIND_SDS,
};

struct slot {
	uint8_t state;
	uint8_t kind;
	uint8_t lowest;		/* lowest part number seen */
	uint32_t replaced;	/* text: sum over the parts */
	uint64_t first_ms;	/* arrival of the first part to arrive */
	uint64_t seq;		/* creation order: ties in first_ms */
	/* what the parts of one message share */
	struct tetra_identity calling;
	uint16_t ref;
	uint8_t total;
	uint16_t part_len[TETRA_CONCAT_MAX_PARTS];
	union {
		struct tetra_concat_message text;	/* text kept in part order */
		struct tetra_concat_sds sds;		/* payloads kept in part order */
	} m;
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

static struct slot *find(struct tetra_concat_table *t, uint8_t kind, const struct tetra_identity *calling,
			 uint16_t ref, uint8_t total)
{
	for (unsigned i = 0; i < t->entries; i++) {
		struct slot *s = &t->e[i];
		if (s->state == SLOT_ACTIVE && s->kind == kind && s->ref == ref && s->total == total &&
		    same_identity(&s->calling, calling))
			return s;
	}
	return NULL;
}

/* A slot for a new message (evicting the oldest one in progress when every
 * slot is busy), its key set, nothing received yet. */
static struct slot *take_slot(struct tetra_concat_table *t, uint8_t kind, const struct tetra_identity *calling,
			      uint16_t ref, uint8_t total, uint64_t now_ms)
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
	s->kind = kind;
	s->lowest = UINT8_MAX;
	s->replaced = 0;
	s->first_ms = now_ms;
	s->seq = t->seq++;
	s->calling = *calling;
	s->ref = ref;
	s->total = total;
	memset(s->part_len, 0, sizeof(s->part_len));
	t->active++;
	return s;
}

/* Where part `part` (1-based) goes among the parts received: the length of
 * the parts before it. */
static size_t offset_of(const struct slot *s, unsigned part)
{
	size_t off = 0;

	for (unsigned i = 0; i + 1 < part; i++)
		off += s->part_len[i];
	return off;
}

/* The message is whole: hand the slot back. */
static void release(struct tetra_concat_table *t, struct slot *s)
{
	s->state = SLOT_FREE;
	t->active--;
}

/* ---- texts ------------------------------------------------------------- */

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

int tetra_concat_add(struct tetra_concat_table *t, const struct tetra_text_param *part, uint64_t now_ms,
		     struct tetra_concat_message *whole)
{
	const struct tetra_concat *c = &part->concat;
	struct tetra_concat_message *msg;
	struct slot *s;
	uint32_t bit;
	size_t off, len = part->text_len;

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

	s = find(t, KIND_TEXT, &part->hdr.calling, c->ref, c->total);
	bit = UINT32_C(1) << (c->part - 1);
	if (s && (s->m.text.have_mask & bit))
		return TETRA_E_DUPLICATE;
	if (!s) {
		s = take_slot(t, KIND_TEXT, &part->hdr.calling, c->ref, c->total, now_ms);
		s->m.text.ref = c->ref;
		s->m.text.total = c->total;
		s->m.text.received = 0;
		s->m.text.have_mask = 0;
		s->m.text.text_len = 0;
		s->m.text.text[0] = '\0';
	}
	msg = &s->m.text;

	/* Insert the text where it belongs among the parts received. */
	off = offset_of(s, c->part);
	memmove(msg->text + off + len, msg->text + off, msg->text_len - off + 1);
	memcpy(msg->text + off, part->text, len);
	msg->text_len += len;
	s->part_len[c->part - 1] = (uint16_t)len;
	msg->have_mask |= bit;
	msg->received++;
	s->replaced += part->replaced;
	if (c->part < s->lowest) {
		copy_head(&msg->head, part);
		s->lowest = c->part;
	}
	msg->head.replaced = (uint16_t)(s->replaced > UINT16_MAX ? UINT16_MAX : s->replaced);

	if (msg->received < msg->total)
		return 0;
	copy_message(whole, msg);
	release(t, s);
	return 1;
}

/* ---- concatenated SDS -------------------------------------------------- */

bool tetra_concat_sds_is_part(const struct tetra_sds_unitdata_param *raw)
{
	return raw->hdr.ai_service == TETRA_AI_SDS_TYPE4 && raw->decode_error == 0 && raw->len > 0 &&
	       (raw->data[0] == TETRA_PID_CONCAT || raw->data[0] == TETRA_PID_CONCAT_TL);
}

/* What one part says about itself. */
struct sds_part {
	struct tetra_sds_tl tl;
	struct tetra_sds_concat_hdr ch;
	const uint8_t *payload;
	size_t len;
	uint8_t buf[TETRA_SDS_MAX_BYTES];	/* the payload when it is not on an octet boundary */
};

static int parse_part(const struct tetra_sds_unitdata_param *raw, struct sds_part *p)
{
	struct tetra_bitreader br;
	size_t bits = raw->hdr.bit_len;
	int rc;

	if (!tetra_concat_sds_is_part(raw))
		return TETRA_E_INVALID;
	if (bits > (size_t)raw->len * 8)
		bits = (size_t)raw->len * 8;
	tetra_br_init(&br, raw->data, bits);
	if (raw->data[0] == TETRA_PID_CONCAT_TL) {
		struct tetra_sds_tl_hdr th;
		if ((rc = tetra_sds_tl_read(&br, &th)) < 0)
			return rc;
		if (th.type != TETRA_SDS_TL_TRANSFER)
			return TETRA_E_PDU_TYPE;
		p->tl = th.tl;
	} else {
		tetra_sds_tl_clear(&p->tl);
		tetra_br_skip(&br, 8);
	}
	if ((rc = tetra_sds_concat_hdr_read(&br, &p->ch)) < 0)
		return rc;
	if (p->ch.total > TETRA_CONCAT_MAX_PARTS)
		return TETRA_E_RANGE;
	bits = tetra_br_left(&br);
	if (bits % 8)
		return TETRA_E_TRUNCATED;	/* the payload is octets: its last one is cut */
	p->len = bits / 8;
	if (br.pos % 8 == 0) {
		p->payload = raw->data + br.pos / 8;
	} else {
		tetra_br_get_bytes(&br, p->buf, p->len);
		p->payload = p->buf;
	}
	return TETRA_OK;
}

/* Header fields of the lowest part received. */
static void sds_head(struct tetra_concat_sds *m, const struct tetra_sds_unitdata_param *raw,
		     const struct sds_part *p)
{
	m->hdr = raw->hdr;
	m->outer_pid = raw->data[0];
	m->tl = p->tl;
}

static void copy_sds(struct tetra_concat_sds *dst, const struct tetra_concat_sds *src)
{
	size_t head = offsetof(struct tetra_concat_sds, data);

	memcpy(dst, src, head);
	memcpy(dst->data, src->data, src->len);
	for (unsigned i = 0; i < src->total && i < TETRA_CONCAT_MAX_PARTS; i++)
		if (src->have_mask & (UINT32_C(1) << i))
			dst->part[i] = src->part[i];
}

int tetra_concat_add_sds(struct tetra_concat_table *t, const struct tetra_sds_unitdata_param *raw,
			 uint64_t now_ms, struct tetra_concat_sds *whole)
{
	struct sds_part p;
	struct tetra_concat_sds *msg;
	struct slot *s;
	uint32_t bit;
	size_t off;
	int rc;

	if ((rc = parse_part(raw, &p)) < 0)
		return rc;

	if (p.ch.total == 1) {
		sds_head(whole, raw, &p);
		whole->ref = p.ch.ref;
		whole->total = 1;
		whole->received = 1;
		whole->have_mask = 1;
		whole->has_pid = p.ch.has_pid;
		whole->pid = p.ch.pid;
		whole->len = p.len;
		memcpy(whole->data, p.payload, p.len);
		whole->part[0] = *raw;
		return 1;
	}

	s = find(t, KIND_SDS, &raw->hdr.calling, p.ch.ref, p.ch.total);
	bit = UINT32_C(1) << (p.ch.part - 1);
	if (s && (s->m.sds.have_mask & bit))
		return TETRA_E_DUPLICATE;
	if (!s) {
		s = take_slot(t, KIND_SDS, &raw->hdr.calling, p.ch.ref, p.ch.total, now_ms);
		s->m.sds.ref = p.ch.ref;
		s->m.sds.total = p.ch.total;
		s->m.sds.received = 0;
		s->m.sds.have_mask = 0;
		s->m.sds.has_pid = false;
		s->m.sds.pid = 0;
		s->m.sds.len = 0;
	}
	msg = &s->m.sds;

	/* Insert the payload where it belongs among the parts received. At
	 * most TETRA_CONCAT_MAX_PARTS parts of at most TETRA_SDS_MAX_BYTES. */
	off = offset_of(s, p.ch.part);
	memmove(msg->data + off + p.len, msg->data + off, msg->len - off);
	memcpy(msg->data + off, p.payload, p.len);
	msg->len += p.len;
	s->part_len[p.ch.part - 1] = (uint16_t)p.len;
	msg->part[p.ch.part - 1] = *raw;
	msg->have_mask |= bit;
	msg->received++;
	if (p.ch.has_pid) {
		msg->has_pid = true;
		msg->pid = p.ch.pid;
	}
	if (p.ch.part < s->lowest) {
		sds_head(msg, raw, &p);
		s->lowest = p.ch.part;
	}

	if (msg->received < msg->total)
		return 0;
	copy_sds(whole, msg);
	release(t, s);
	return 1;
}

/* ---- giving up --------------------------------------------------------- */

static bool due(const struct slot *s, uint64_t now_ms, uint64_t timeout_ms)
{
	if (s->state == SLOT_EVICTED)
		return true;
	return s->state == SLOT_ACTIVE && now_ms > s->first_ms && now_ms - s->first_ms > timeout_ms;
}

unsigned tetra_concat_expire(struct tetra_concat_table *t, uint64_t now_ms, uint64_t timeout_ms,
			     void (*text_cb)(const struct tetra_concat_message *partial, void *data),
			     void (*sds_cb)(const struct tetra_concat_sds *partial, void *data), void *data)
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
		if (o->kind == KIND_TEXT && text_cb)
			text_cb(&o->m.text, data);
		else if (o->kind == KIND_SDS && sds_cb)
			sds_cb(&o->m.sds, data);
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
