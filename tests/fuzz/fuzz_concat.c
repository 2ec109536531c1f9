/* libFuzzer target: reassembly of concatenated texts and SDS
 * (codecs/concat.h), a stateful table driven by a fuzzed sequence of parts,
 * clock steps and expiries.
 *
 * Input: byte 0: slots (b % 5, 0 meaning 1); byte 1: timeout (b * 100 ms);
 * then operations of 5 bytes: op, sender, ref, total, part.
 *   op % 4 == 0     add the part as a text (sender % 4 picks one of four
 *                   callers; total and part are & 31, so 0 and > 16 occur)
 *   op % 4 == 1     the same as a part of a concatenated SDS (PID 0x8C,
 *                   12-bit reference, embedded PID 0xC3 in part 1; the
 *                   payload the part's text, cut at SDS_PAYLOAD_MAX octets):
 *                   a text and an SDS of the same sender, reference and
 *                   total are two messages
 *   op % 4 == 2     advance the clock by (ref << 8 | total) ms, then expire
 *   op % 4 == 3     expire without advancing
 * A part's text is a pure function of (sender, ref, total, part): its
 * length 1..TETRA_TEXT_MAX and its characters (ASCII and 2-byte UTF-8), so
 * duplicates are identical and every message the table hands over can be
 * checked exactly.
 * Invariants:
 *  - tetra_concat_add() returns 1, 0, DUPLICATE, RANGE (part 0, part >
 *    total, total > 16) or nothing else for well-formed parts;
 *  - a completed message has all `total` parts and its text is their
 *    texts in order; a given-up one has the parts of have_mask, in order;
 *    received = popcount(have_mask); text NUL-terminated, valid UTF-8;
 *    an SDS likewise with its payloads, each part kept as it came;
 *  - pending() <= slots; after an expiry, nothing is overdue:
 *    next_deadline() > now;
 *  - every part added that was not a duplicate is handed over exactly once
 *    (in a completed or a given-up message) or still pending or dropped.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fuzz_util.h"

#include "codecs/concat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint32_t senders[4] = { 23404, 23405, 1, 16777215 };

/* The text of a part: deterministic in (sender, ref, total, part). */
static size_t part_text(uint8_t sender, uint8_t ref, uint8_t total, uint8_t part, char *out)
{
	uint32_t h = (uint32_t)sender * 2654435761u ^ (uint32_t)ref * 40503u ^ (uint32_t)total * 97u ^ part;
	size_t len = (ref & 0x80) ? TETRA_TEXT_MAX - (h % 4) : 1 + h % 40, i = 0;

	while (i < len) {
		if ((h >> (i % 13)) & 1 && i + 2 <= len) {
			out[i++] = (char)0xc3;	/* å */
			out[i++] = (char)0xa5;
		} else {
			out[i] = (char)('a' + (part + i) % 26);
			i++;
		}
	}
	out[len] = '\0';
	return len;
}

#define SDS_PAYLOAD_MAX 240

/* A part of a concatenated SDS as the SDS decoder passes it on. */
static void sds_part(struct tetra_sds_unitdata_param *u, uint8_t sender, uint8_t ref, uint8_t total, uint8_t part)
{
	static char text[TETRA_TEXT_MAX + 1];
	size_t n = part_text(sender, ref, total, part, text), k = 0;

	if (n > SDS_PAYLOAD_MAX)
		n = SDS_PAYLOAD_MAX;
	memset(u, 0, sizeof(*u));
	u->hdr.ai_service = TETRA_AI_SDS_TYPE4;
	u->hdr.calling.type = TETRA_ID_TSI;
	u->hdr.calling.ssi = senders[sender];
	u->hdr.called.type = TETRA_ID_SSI;
	u->hdr.called.ssi = 1;
	u->data[k++] = 0x8C;
	u->data[k++] = 0x06;	/* TRANSFER, "received" report requested */
	u->data[k++] = part;
	u->data[k++] = 0x10;	/* PDU type 0, reference extension, reference bits 11-8: 0 */
	u->data[k++] = ref;
	u->data[k++] = total;
	u->data[k++] = part;
	if (part == 1)
		u->data[k++] = 0xC3;
	memcpy(u->data + k, text, n);
	u->len = (uint16_t)(k + n);
	u->hdr.bit_len = (uint16_t)(8 * u->len);
}

struct run {
	uint64_t handed_parts;	/* parts in messages handed over */
	uint64_t now;
};

static void check_message(const struct tetra_concat_message *m, bool complete, struct run *r)
{
	static char want[TETRA_CONCAT_TEXT_MAX + 1], part[TETRA_TEXT_MAX + 1];
	size_t wl = 0;
	unsigned received = 0, sender;

	FUZZ_CHECK(m->total >= 1 && m->total <= TETRA_CONCAT_MAX_PARTS);
	FUZZ_CHECK((m->have_mask >> m->total) == 0);
	FUZZ_CHECK(m->text_len <= TETRA_CONCAT_TEXT_MAX);
	FUZZ_CHECK(m->text[m->text_len] == '\0');
	FUZZ_CHECK(fuzz_utf8_valid(m->text, m->text_len));
	if (complete)
		FUZZ_CHECK(m->have_mask == (1u << m->total) - 1);
	for (sender = 0; sender < 4; sender++)
		if (senders[sender] == m->head.hdr.calling.ssi)
			break;
	FUZZ_CHECK(sender < 4);
	for (unsigned i = 0; i < m->total; i++) {
		if (!(m->have_mask & (1u << i)))
			continue;
		size_t n = part_text((uint8_t)sender, (uint8_t)m->ref, m->total, (uint8_t)(i + 1), part);
		memcpy(want + wl, part, n);
		wl += n;
		received++;
	}
	FUZZ_CHECK(m->received == received);
	FUZZ_CHECK(m->text_len == wl && memcmp(m->text, want, wl) == 0);
	FUZZ_CHECK(m->head.text_len == 0);
	r->handed_parts += received;
}

static void on_expired(const struct tetra_concat_message *m, void *data)
{
	check_message(m, false, data);
}

static void check_sds(const struct tetra_concat_sds *m, bool complete, struct run *r)
{
	static char part[TETRA_TEXT_MAX + 1];
	size_t off = 0;
	unsigned received = 0, sender;

	FUZZ_CHECK(m->total >= 1 && m->total <= TETRA_CONCAT_MAX_PARTS);
	FUZZ_CHECK((m->have_mask >> m->total) == 0);
	FUZZ_CHECK(m->len <= TETRA_CONCAT_SDS_MAX);
	FUZZ_CHECK(m->outer_pid == 0x8C && m->tl.present);
	if (complete)
		FUZZ_CHECK(m->have_mask == (1u << m->total) - 1);
	FUZZ_CHECK(m->has_pid == (m->have_mask & 1));
	if (m->has_pid)
		FUZZ_CHECK(m->pid == 0xC3);
	for (sender = 0; sender < 4; sender++)
		if (senders[sender] == m->hdr.calling.ssi)
			break;
	FUZZ_CHECK(sender < 4);
	for (unsigned i = 0; i < m->total; i++) {
		if (!(m->have_mask & (1u << i)))
			continue;
		size_t n = part_text((uint8_t)sender, (uint8_t)m->ref, m->total, (uint8_t)(i + 1), part);
		if (n > SDS_PAYLOAD_MAX)
			n = SDS_PAYLOAD_MAX;
		FUZZ_CHECK(off + n <= m->len && memcmp(m->data + off, part, n) == 0);
		off += n;
		/* the part as it came */
		FUZZ_CHECK(m->part[i].data[0] == 0x8C && m->part[i].data[2] == i + 1);
		FUZZ_CHECK(m->part[i].hdr.calling.ssi == m->hdr.calling.ssi);
		received++;
	}
	FUZZ_CHECK(m->received == received && m->len == off);
	r->handed_parts += received;
}

static void on_sds_expired(const struct tetra_concat_sds *m, void *data)
{
	check_sds(m, false, data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tetra_text_param p;
	static struct tetra_concat_message whole;
	static struct tetra_sds_unitdata_param u;
	static struct tetra_concat_sds sds_whole;
	struct tetra_concat_table *t;
	unsigned slots;
	uint64_t timeout, added = 0;
	struct run r = { 0, 1000 };

	if (size < 2 || size > 2 + 5 * 400)
		return 0;
	slots = data[0] % 5;
	timeout = (uint64_t)data[1] * 100;
	t = malloc(tetra_concat_table_size(slots));
	FUZZ_CHECK(t != NULL);
	tetra_concat_table_init(t, slots);
	if (slots == 0)
		slots = 1;

	for (size_t i = 2; i + 5 <= size; i += 5) {
		const uint8_t *op = data + i;
		uint8_t sender = op[1] % 4, ref = op[2], total = op[3] & 31, part = op[4] & 31;
		int rc;

		switch (op[0] % 4) {
		case 1:
			sds_part(&u, sender, ref, total, part);
			FUZZ_CHECK(tetra_concat_sds_is_part(&u));
			rc = tetra_concat_add_sds(t, &u, r.now, &sds_whole);
			if (part == 0 || part > total || total > TETRA_CONCAT_MAX_PARTS) {
				FUZZ_CHECK(rc == TETRA_E_RANGE);
				break;
			}
			FUZZ_CHECK(rc == 1 || rc == 0 || rc == TETRA_E_DUPLICATE);
			if (rc != TETRA_E_DUPLICATE)
				added++;
			if (rc == 1) {
				check_sds(&sds_whole, true, &r);
				FUZZ_CHECK(sds_whole.ref == ref && sds_whole.total == total);
			}
			break;
		case 0:
			memset(&p, 0, sizeof(p));
			p.hdr.ai_service = TETRA_AI_SDS_TYPE4;
			p.hdr.calling.type = TETRA_ID_TSI;
			p.hdr.calling.ssi = senders[sender];
			p.hdr.called.type = TETRA_ID_SSI;
			p.hdr.called.ssi = 1;
			p.pid = 0x8A;
			p.coding = 1;
			p.concat.present = true;
			p.concat.ref = ref;
			p.concat.total = total;
			p.concat.part = part;
			p.text_len = (uint16_t)part_text(sender, ref, total, part, p.text);
			rc = tetra_concat_add(t, &p, r.now, &whole);
			if (part == 0 || part > total || total > TETRA_CONCAT_MAX_PARTS) {
				FUZZ_CHECK(rc == TETRA_E_RANGE);
				break;
			}
			FUZZ_CHECK(rc == 1 || rc == 0 || rc == TETRA_E_DUPLICATE);
			if (rc != TETRA_E_DUPLICATE)
				added++;
			if (rc == 1) {
				check_message(&whole, true, &r);
				FUZZ_CHECK(whole.ref == ref && whole.total == total);
			}
			break;
		case 2:
			r.now += (uint64_t)ref << 8 | total;
			/* fall through */
		case 3:
			tetra_concat_expire(t, r.now, timeout, on_expired, on_sds_expired, &r);
			FUZZ_CHECK(tetra_concat_next_deadline(t, timeout) > r.now);
			break;
		}
		FUZZ_CHECK(tetra_concat_pending(t) <= slots);
	}

	/* the end of time: everything still pending is handed over */
	tetra_concat_expire(t, UINT64_MAX / 2, timeout, on_expired, on_sds_expired, &r);
	FUZZ_CHECK(tetra_concat_pending(t) == 0);
	FUZZ_CHECK(tetra_concat_next_deadline(t, timeout) == UINT64_MAX);
	/* dropped messages take their parts with them: parts handed over can
	 * only fall short of parts added when something was dropped */
	FUZZ_CHECK(r.handed_parts <= added);
	if (tetra_concat_dropped(t) == 0)
		FUZZ_CHECK(r.handed_parts == added);
	free(t);
	return 0;
}
