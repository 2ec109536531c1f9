/* SDS dispatch: AI service and protocol identifier -> decoder.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "codecs/sds.h"

#include <stdint.h>
#include <string.h>

#include "codecs/bitio.h"
#include "codecs/callout.h"
#include "codecs/lip.h"
#include "codecs/sds_tl.h"
#include "codecs/text.h"

/* Internal: "pass the data on raw, nothing wrong with it". */
#define RAW 1

static void init_ind(struct tetra_prim *out, unsigned prim)
{
	osmo_prim_init(&out->oph, TETRA_SAP_TNSDS, prim, PRIM_OP_INDICATION, NULL);
}

static void to_unitdata(const struct tetra_sds_header *h, const uint8_t *data, int err,
			struct tetra_prim *out)
{
	struct tetra_sds_unitdata_param *p = &out->u.unitdata;
	size_t n = (h->bit_len + 7u) / 8u;

	init_ind(out, TETRA_TNSDS_UNITDATA);
	p->hdr = *h;
	p->decode_error = (int16_t)err;
	p->len = (uint16_t)n;
	if (n) {
		memmove(p->data, data, n);
		if (h->bit_len & 7)
			p->data[n - 1] &= (uint8_t)(0xFF << (8 - (h->bit_len & 7)));
	}
}

/* The rest of br as whole octets from an octet boundary: a pointer into the
 * reader's data when it is aligned (no copy), else the bits shifted into tmp
 * (TETRA_SDS_MAX_BYTES). Consumes nothing; *bits = bits left. */
static const uint8_t *rest_aligned(const struct tetra_bitreader *br, uint8_t *tmp, size_t *bits)
{
	struct tetra_bitreader r = *br;
	size_t left = tetra_br_left(&r);
	size_t n = left / 8, rem = left % 8;

	*bits = left;
	if ((r.pos & 7) == 0)
		return r.data + r.pos / 8;
	tetra_br_get_bytes(&r, tmp, n);
	if (rem)
		tmp[n] = (uint8_t)(tetra_br_get(&r, (unsigned)rem) << (8 - rem));
	return tmp;
}

static void text_begin(struct tetra_text_param *p, const struct tetra_sds_header *h, uint8_t pid)
{
	p->hdr = *h;
	p->pid = pid;
	p->immediate = (pid == TETRA_PID_SIMPLE_IMM_TEXT || pid == TETRA_PID_IMM_TEXT);
	p->ts.present = false;
	p->ts.timeframe = 0;
	p->ts.month = p->ts.day = p->ts.hour = p->ts.minute = 0;
	p->concat.present = false;
	p->concat.ref = 0;
	p->concat.total = 0;
	p->concat.part = 0;
}

/* The text from br's position to the end, into p->text. */
static int text_body(struct tetra_text_param *p, const struct tetra_bitreader *br)
{
	uint8_t tmp[TETRA_SDS_MAX_BYTES];
	size_t bits;
	const uint8_t *src = rest_aligned(br, tmp, &bits);
	int rc;

	p->replaced = 0;
	rc = tetra_text_to_utf8(p->coding, src, bits, p->text, sizeof(p->text), &p->replaced);
	if (rc < 0)
		return rc;
	p->text_len = (uint16_t)rc;
	return TETRA_OK;
}

/* Simple (immediate) text: PID(8) | fill(1) | coding(7) | text. */
static int dec_simple_text(const struct tetra_sds_header *h, struct tetra_bitreader *br,
			   uint8_t pid, struct tetra_prim *out)
{
	struct tetra_text_param *p = &out->u.text;

	tetra_br_skip(br, 1);
	p->coding = (uint8_t)tetra_br_get(br, 7);
	if (tetra_br_error(br))
		return TETRA_E_TRUNCATED;
	text_begin(p, h, pid);
	tetra_sds_tl_clear(&p->tl);
	init_ind(out, TETRA_TNSDS_TEXT);
	return text_body(p, br);
}

/* User data header (0x8A): UDHL(8) then IEs of UDHL octets in all:
 * IEI(8) | IE length(8) | IE data. Concatenation: IEI 0x00 (length 3: ref,
 * total, part) or 0x08 (length 4: ref 16 bits, big-endian as in 3GPP TS
 * 23.040, total, part). Other IEs are skipped. */
static int dec_udh(struct tetra_bitreader *br, struct tetra_concat *c)
{
	unsigned udhl = (unsigned)tetra_br_get(br, 8);

	if (tetra_br_error(br))
		return TETRA_E_TRUNCATED;
	while (udhl) {
		unsigned iei, iel;
		if (udhl < 2)
			return TETRA_E_RANGE;
		iei = (unsigned)tetra_br_get(br, 8);
		iel = (unsigned)tetra_br_get(br, 8);
		udhl -= 2;
		if (tetra_br_error(br))
			return TETRA_E_TRUNCATED;
		if (iel > udhl)
			return TETRA_E_RANGE;
		udhl -= iel;
		if (iei == 0x00 || iei == 0x08) {
			unsigned rbits = iei == 0x00 ? 8 : 16;
			if (iel != rbits / 8 + 2)
				return TETRA_E_RANGE;
			c->ref = (uint16_t)tetra_br_get(br, rbits);
			c->total = (uint8_t)tetra_br_get(br, 8);
			c->part = (uint8_t)tetra_br_get(br, 8);
			c->present = true;
		} else {
			tetra_br_skip(br, (size_t)iel * 8);
		}
		if (tetra_br_error(br))
			return TETRA_E_TRUNCATED;
	}
	if (c->present && (c->total == 0 || c->part == 0 || c->part > c->total))
		return TETRA_E_RANGE;
	return TETRA_OK;
}

/* Text messaging after the SDS-TRANSFER header: timestamp used(1) |
 * coding(7) | [timestamp(24)] | [0x8A: user data header] | text. */
static int dec_tl_text(const struct tetra_sds_header *h, struct tetra_bitreader *br,
		       const struct tetra_sds_tl_hdr *th, struct tetra_prim *out)
{
	struct tetra_text_param *p = &out->u.text;
	bool ts_used;
	int rc;

	ts_used = tetra_br_get(br, 1);
	p->coding = (uint8_t)tetra_br_get(br, 7);
	if (tetra_br_error(br))
		return TETRA_E_TRUNCATED;
	text_begin(p, h, th->pid);
	p->tl = th->tl;
	if (ts_used) {
		p->ts.present = true;
		p->ts.timeframe = (uint8_t)tetra_br_get(br, 2);
		tetra_br_skip(br, 2);
		p->ts.month = (uint8_t)tetra_br_get(br, 4);
		p->ts.day = (uint8_t)tetra_br_get(br, 5);
		p->ts.hour = (uint8_t)tetra_br_get(br, 5);
		p->ts.minute = (uint8_t)tetra_br_get(br, 6);
		if (tetra_br_error(br))
			return TETRA_E_TRUNCATED;
	}
	if (th->pid == TETRA_PID_TEXT_UDH && (rc = dec_udh(br, &p->concat)))
		return rc;
	init_ind(out, TETRA_TNSDS_TEXT);
	return text_body(p, br);
}

static void fill_report(const struct tetra_sds_header *h, const struct tetra_sds_tl_hdr *th,
			struct tetra_prim *out)
{
	struct tetra_report_param *p = &out->u.report;

	init_ind(out, TETRA_TNSDS_REPORT);
	p->hdr = *h;
	p->pid = th->pid;
	p->kind = th->type == TETRA_SDS_TL_REPORT ? TETRA_REPORT_SDS_REPORT : TETRA_REPORT_SDS_ACK;
	p->ack_required = th->ack_required;
	p->storage = th->tl.storage;
	p->status = th->status;
	p->msg_ref = th->tl.msg_ref;
}

static int dec_lip(const struct tetra_sds_header *h, const struct tetra_bitreader *br,
		   uint8_t pid, struct tetra_prim *out)
{
	uint8_t tmp[TETRA_SDS_MAX_BYTES];
	size_t bits;
	const uint8_t *src = rest_aligned(br, tmp, &bits);

	return tetra_lip_decode(h, pid, src, bits, out);
}

/* TCCA Simple Call-Out after the SDS-TRANSFER header: the payload as
 * whole octets to the call-out codec, its fields and octets copied. */
static int dec_callout(const struct tetra_sds_header *h, const struct tetra_bitreader *br,
		       const struct tetra_sds_tl_hdr *th, struct tetra_prim *out)
{
	struct tetra_callout_param *p = &out->u.callout;
	uint8_t tmp[TETRA_SDS_MAX_BYTES];
	struct tetra_callout_msg m;
	size_t bits;
	const uint8_t *src = rest_aligned(br, tmp, &bits);
	int rc;

	if (bits % 8)	/* the payload is octets: the last one is cut */
		return TETRA_E_TRUNCATED;
	if ((rc = tetra_callout_decode(src, bits / 8, &m)) < 0)
		return rc;
	init_ind(out, TETRA_TNSDS_CALLOUT);
	p->hdr = *h;
	p->tl = th->tl;
	p->lead = m.lead;
	p->kind = m.kind;
	p->number = m.number;
	p->severity = m.severity;
	p->has_sender = m.has_sender;
	p->sender_subaddr = m.sender_subaddr;
	p->n_receivers = m.n_receivers;
	memcpy(p->receivers, m.receivers, sizeof(p->receivers));
	/* text and rest together are at most the payload: they fit */
	p->text_len = (uint16_t)m.text_len;
	if (m.text_len)
		memmove(p->text, m.text, m.text_len);
	p->rest_len = (uint16_t)m.rest_len;
	if (m.rest_len)
		memmove(p->rest, m.rest, m.rest_len);
	return TETRA_OK;
}

static bool known_tl_pid(uint8_t pid)
{
	switch (pid) {
	case TETRA_PID_TEXT:
	case TETRA_PID_LOCATION_TL:
	case TETRA_PID_IMM_TEXT:
	case TETRA_PID_TEXT_UDH:
	case TETRA_PID_CONCAT_TL:
	case TETRA_CALLOUT_PID:
		return true;
	default:
		return false;
	}
}

/* SDS type 4: 0 decoded into out, RAW, or a decode error (< 0). */
static int dec_type4(const struct tetra_sds_header *h, const uint8_t *data, struct tetra_prim *out)
{
	struct tetra_bitreader br;
	struct tetra_sds_tl_hdr th;
	struct tetra_sds_concat_hdr ch;
	uint8_t pid;
	int rc;

	tetra_br_init(&br, data, h->bit_len);
	pid = (uint8_t)tetra_br_get(&br, 8);
	if (tetra_br_error(&br))
		return TETRA_E_TRUNCATED;	/* not even a PID */

	switch (pid) {
	case TETRA_PID_SIMPLE_TEXT:
	case TETRA_PID_SIMPLE_IMM_TEXT:
		return dec_simple_text(h, &br, pid, out);
	case TETRA_PID_LIP:
		return dec_lip(h, &br, pid, out);
	case TETRA_PID_CONCAT:
		rc = tetra_sds_concat_hdr_read(&br, &ch);
		return rc < 0 ? rc : RAW;
	default:
		if (!tetra_pid_has_tl(pid))
			return RAW;
		break;
	}

	/* SDS-TL PIDs */
	if (h->bit_len < 12)	/* no message type */
		return known_tl_pid(pid) ? TETRA_E_TRUNCATED : RAW;
	tetra_br_init(&br, data, h->bit_len);
	rc = tetra_sds_tl_read(&br, &th);
	if (rc == TETRA_E_PDU_TYPE)
		return known_tl_pid(pid) ? rc : RAW;
	if (th.type == TETRA_SDS_TL_REPORT || th.type == TETRA_SDS_TL_ACK) {
		if (rc < 0)
			return rc;
		fill_report(h, &th, out);
		return TETRA_OK;
	}
	/* SDS-TRANSFER */
	if (!known_tl_pid(pid))
		return RAW;
	if (rc < 0)
		return rc;
	switch (pid) {
	case TETRA_PID_TEXT:
	case TETRA_PID_IMM_TEXT:
	case TETRA_PID_TEXT_UDH:
		return dec_tl_text(h, &br, &th, out);
	case TETRA_PID_LOCATION_TL:
		if ((rc = dec_lip(h, &br, pid, out)) < 0)
			return rc;
		if (out->oph.primitive == TETRA_TNSDS_LOCATION)
			out->u.location.tl = th.tl;
		return TETRA_OK;
	case TETRA_CALLOUT_PID:
		return dec_callout(h, &br, &th, out);
	case TETRA_PID_CONCAT_TL:
	default:
		rc = tetra_sds_concat_hdr_read(&br, &ch);
		return rc < 0 ? rc : RAW;
	}
}

static void dec_status(const struct tetra_sds_header *h, const uint8_t *data, struct tetra_prim *out)
{
	struct tetra_bitreader br;
	uint16_t v;

	tetra_br_init(&br, data, 16);
	v = (uint16_t)tetra_br_get(&br, 16);
	if (tetra_sds_is_short_report(v)) {
		struct tetra_short_report_param *p = &out->u.short_report;
		init_ind(out, TETRA_TNSDS_SHORT_REPORT);
		p->hdr = *h;
		p->report_type = (uint8_t)((v >> 8) & 3);
		p->msg_ref = (uint8_t)v;
	} else {
		struct tetra_status_param *p = &out->u.status;
		init_ind(out, TETRA_TNSDS_STATUS);
		p->hdr = *h;
		p->value = v;
	}
}

/* Does [p, p + n) overlap *out? */
static bool overlaps(const void *p, size_t n, const struct tetra_prim *out)
{
	uintptr_t a = (uintptr_t)p, o = (uintptr_t)out;
	return a < o + sizeof(*out) && o < a + n;
}

int tetra_sds_decode(const struct tetra_sds_header *hdr, const uint8_t *data, size_t len,
		     struct tetra_prim *out)
{
	uint8_t copy[TETRA_SDS_MAX_BYTES];
	struct tetra_sds_header h;
	size_t n;
	int rc;

	if (!hdr || !out || (!data && hdr->bit_len))
		return TETRA_E_INVALID;
	if (hdr->bit_len > TETRA_SDS_MAX_BYTES * 8 || len > TETRA_SDS_MAX_BYTES)
		return TETRA_E_TOO_LONG;
	n = (hdr->bit_len + 7u) / 8u;
	if (len < n)
		return TETRA_E_LENGTH;
	h = *hdr;
	if (n && overlaps(data, n, out)) {
		memcpy(copy, data, n);
		data = copy;
	}

	switch (h.ai_service) {
	case TETRA_AI_SDS_TYPE1:
	case TETRA_AI_SDS_TYPE2:
	case TETRA_AI_SDS_TYPE3:
		rc = RAW;
		break;
	case TETRA_AI_STATUS:
		if (h.bit_len != 16) {
			rc = TETRA_E_LENGTH;
			break;
		}
		dec_status(&h, data, out);
		return TETRA_OK;
	case TETRA_AI_SDS_TYPE4:
		rc = dec_type4(&h, data, out);
		break;
	default:
		rc = TETRA_E_RANGE;
		break;
	}
	if (rc != TETRA_OK)
		to_unitdata(&h, data, rc == RAW ? 0 : rc, out);
	return TETRA_OK;
}

const char *tetra_sds_pid_name(uint8_t pid)
{
	switch (pid) {
	case 0x01: return "OTAK";
	case 0x02: return "simple text messaging";
	case 0x03: return "simple location system";
	case 0x04: return "wireless datagram protocol";
	case 0x05: return "wireless control message protocol";
	case 0x06: return "managed DMO";
	case 0x07: return "PIN authentication";
	case 0x08: return "end-to-end encrypted message";
	case 0x09: return "simple immediate text messaging";
	case 0x0A: return "location information protocol";
	case 0x0B: return "net assist protocol";
	case 0x0C: return "concatenated SDS message";
	case 0x0D: return "DOTAM";
	case 0x82: return "text messaging";
	case 0x83: return "location system";
	case 0x84: return "wireless datagram protocol (SDS-TL)";
	case 0x85: return "wireless control message protocol (SDS-TL)";
	case 0x86: return "managed DMO (SDS-TL)";
	case 0x88: return "end-to-end encrypted message (SDS-TL)";
	case 0x89: return "immediate text messaging";
	case 0x8A: return "message with user data header";
	case 0x8C: return "concatenated SDS message (SDS-TL)";
	case TETRA_CALLOUT_PID: return "simple call-out (TCCA)";
	default:
		if ((pid >= 0x40 && pid <= 0x7E) || (pid >= 0xC0 && pid <= 0xFE))
			return "user application";
		return "reserved";
	}
}
