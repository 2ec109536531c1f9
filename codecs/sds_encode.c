/* SDS encoders: status, SDS-TL text (immediate or not, with user data
 * header splitting), SDS-TL TRANSFER around given octets, SDS-REPORT, hex
 * for AT+CMGS.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "codecs/sds_encode.h"

#include <stdbool.h>
#include <string.h>

#include "codecs/bitio.h"
#include "codecs/concat.h"
#include "codecs/sds_tl.h"
#include "codecs/text.h"

/* PID(8) type(4) report request(2) ss(1) storage(1) ref(8) ts used(1) coding(7) */
#define TEXT_HDR_BITS 32
/* + UDHL(8) IEI(8) IEL(8) ref(8|16) total(8) part(8) */
#define UDH_BITS(ref_bits) (8 + 8 + 8 + (ref_bits) + 8 + 8)

int tetra_status_encode(uint16_t value, struct tetra_sds_pdu *out)
{
	struct tetra_bitwriter bw;

	tetra_bw_init(&bw, out->data, sizeof(out->data));
	tetra_bw_put(&bw, value, 16);
	out->bits = (uint16_t)bw.pos;
	return TETRA_OK;
}

/* SDS-TRANSFER header without a storage block (24 bits). */
static int transfer_header(struct tetra_bitwriter *bw, uint8_t pid, uint8_t ref, uint8_t report_request,
			   bool short_report_ok)
{
	struct tetra_sds_tl_hdr h;

	h.pid = pid;
	h.type = TETRA_SDS_TL_TRANSFER;
	tetra_sds_tl_clear(&h.tl);
	h.tl.present = true;
	h.tl.report_request = report_request;
	h.tl.short_report_ok = short_report_ok;
	h.tl.msg_ref = ref;
	h.ack_required = false;
	h.status = 0;
	return tetra_sds_tl_write(bw, &h);
}

static int text_header(struct tetra_bitwriter *bw, uint8_t pid, uint8_t ref, uint8_t report_request,
		       uint8_t coding)
{
	int rc;

	if ((rc = transfer_header(bw, pid, ref, report_request, true)))
		return rc;
	tetra_bw_put(bw, 0, 1);		/* no timestamp */
	tetra_bw_put(bw, coding, 7);
	return tetra_bw_error(bw) ? TETRA_E_NO_SPACE : TETRA_OK;
}

/* Bytes of the UTF-8 character at s (1 for a stray byte: the encoder
 * rejects those anyway). */
static size_t utf8_len(const char *s, size_t left)
{
	unsigned char c = (unsigned char)*s;
	size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
	return n > left ? left : n;
}

/* Octets one character takes in the coding: UTF-16 2, or 4 for a pair. */
static size_t coded_len(uint8_t coding, size_t utf8_bytes)
{
	if (coding == TETRA_TEXT_UTF16BE)
		return utf8_bytes == 4 ? 4 : 2;
	return 1;
}

/* A text as one message of PID single_pid when it fits, else 0x8A parts. */
static int encode_text(uint8_t single_pid, const char *utf8, size_t len, uint8_t msg_ref_first,
		       uint8_t report_request, uint16_t concat_ref, struct tetra_sds_pdu *parts, unsigned max_parts)
{
	size_t bounds[TETRA_CONCAT_MAX_PARTS + 1];
	struct tetra_bitwriter bw;
	unsigned limit, n, ref_bits, iel;
	size_t cap, tbits, pos;
	uint8_t coding;
	int rc;

	if ((!utf8 && len) || !parts || report_request > 3)
		return TETRA_E_INVALID;
	limit = max_parts < TETRA_CONCAT_MAX_PARTS ? max_parts : TETRA_CONCAT_MAX_PARTS;
	if (limit == 0)
		return TETRA_E_TOO_LONG;
	coding = tetra_text_pick_coding(utf8 ? utf8 : "", len);

	/* One message when it fits. */
	tetra_bw_init(&bw, parts[0].data, sizeof(parts[0].data));
	if ((rc = text_header(&bw, single_pid, msg_ref_first, report_request, coding)))
		return rc;
	cap = (TETRA_SDS_TYPE4_MAX_BITS - TEXT_HDR_BITS) / 8;
	rc = tetra_text_from_utf8(utf8 ? utf8 : "", len, coding, parts[0].data + TEXT_HDR_BITS / 8, cap, &tbits);
	if (rc == TETRA_OK) {
		parts[0].bits = (uint16_t)(TEXT_HDR_BITS + tbits);
		return 1;
	}
	if (rc != TETRA_E_NO_SPACE)
		return rc;

	/* Split into PID 0x8A parts on character boundaries. */
	ref_bits = concat_ref < 256 ? 8 : 16;
	iel = ref_bits / 8 + 2;		/* ref, total, part */
	cap = (TETRA_SDS_TYPE4_MAX_BITS - TEXT_HDR_BITS - UDH_BITS(ref_bits)) / 8;
	if (coding == TETRA_TEXT_UTF16BE)
		cap &= ~(size_t)1;
	n = 0;
	pos = 0;
	bounds[0] = 0;
	while (pos < len) {
		size_t used = 0;
		if (n == limit)
			return TETRA_E_TOO_LONG;
		while (pos < len) {
			size_t cl = utf8_len(utf8 + pos, len - pos);
			size_t el = coded_len(coding, cl);
			if (used + el > cap)
				break;
			used += el;
			pos += cl;
		}
		bounds[++n] = pos;
	}

	for (unsigned i = 0; i < n; i++) {
		struct tetra_sds_pdu *p = &parts[i];
		tetra_bw_init(&bw, p->data, sizeof(p->data));
		if ((rc = text_header(&bw, TETRA_PID_TEXT_UDH, (uint8_t)(msg_ref_first + i), report_request,
				      coding)))
			return rc;
		tetra_bw_put(&bw, 2 + iel, 8);	/* UDHL: IEI, IEL, IE data */
		tetra_bw_put(&bw, ref_bits == 8 ? 0x00 : 0x08, 8);
		tetra_bw_put(&bw, iel, 8);
		tetra_bw_put(&bw, concat_ref, ref_bits);
		tetra_bw_put(&bw, n, 8);
		tetra_bw_put(&bw, i + 1, 8);
		if (tetra_bw_error(&bw))
			return TETRA_E_NO_SPACE;
		rc = tetra_text_from_utf8(utf8 + bounds[i], bounds[i + 1] - bounds[i], coding,
					  p->data + bw.pos / 8, cap, &tbits);
		if (rc)
			return rc;
		p->bits = (uint16_t)(bw.pos + tbits);
	}
	return (int)n;
}

int tetra_sds_encode_text(const char *utf8, size_t len, uint8_t msg_ref_first, uint8_t report_request,
			  uint16_t concat_ref, struct tetra_sds_pdu *parts, unsigned max_parts)
{
	return encode_text(TETRA_PID_TEXT, utf8, len, msg_ref_first, report_request, concat_ref, parts, max_parts);
}

int tetra_sds_encode_immediate_text(const char *utf8, size_t len, uint8_t msg_ref_first, uint8_t report_request,
				    uint16_t concat_ref, struct tetra_sds_pdu *parts, unsigned max_parts)
{
	return encode_text(TETRA_PID_IMM_TEXT, utf8, len, msg_ref_first, report_request, concat_ref, parts,
			   max_parts);
}

int tetra_sds_encode_transfer(uint8_t pid, uint8_t report_request, bool short_report_ok, uint8_t msg_ref,
			      const uint8_t *payload, size_t payload_len, struct tetra_sds_pdu *out)
{
	struct tetra_bitwriter bw;
	int rc;

	if (!tetra_pid_has_tl(pid) || report_request > 3 || !out || (!payload && payload_len))
		return TETRA_E_INVALID;
	if (payload_len > TETRA_SDS_TRANSFER_MAX_OCTETS)
		return TETRA_E_TOO_LONG;
	tetra_bw_init(&bw, out->data, sizeof(out->data));
	if ((rc = transfer_header(&bw, pid, msg_ref, report_request, short_report_ok)))
		return rc;
	/* The header is whole octets: the payload is copied as it is. */
	if (payload_len)
		memcpy(out->data + TETRA_SDS_TRANSFER_HDR_BITS / 8, payload, payload_len);
	out->bits = (uint16_t)(TETRA_SDS_TRANSFER_HDR_BITS + 8 * payload_len);
	return TETRA_OK;
}

int tetra_sds_encode_report(uint8_t pid, uint8_t delivery_status, uint8_t msg_ref, struct tetra_sds_pdu *out)
{
	struct tetra_bitwriter bw;
	struct tetra_sds_tl_hdr h;
	int rc;

	if (!tetra_pid_has_tl(pid))
		return TETRA_E_INVALID;
	h.pid = pid;
	h.type = TETRA_SDS_TL_REPORT;
	tetra_sds_tl_clear(&h.tl);
	h.tl.present = true;
	h.tl.msg_ref = msg_ref;
	h.ack_required = false;
	h.status = delivery_status;
	tetra_bw_init(&bw, out->data, sizeof(out->data));
	if ((rc = tetra_sds_tl_write(&bw, &h)))
		return rc;
	out->bits = (uint16_t)bw.pos;
	return TETRA_OK;
}

int tetra_sds_hex(const struct tetra_sds_pdu *pdu, char *out, size_t out_size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t digits = (pdu->bits + 3u) / 4u;

	if (pdu->bits > 8u * TETRA_SDS_MAX_BYTES)
		return TETRA_E_INVALID;
	if (out_size < digits + 1)
		return TETRA_E_NO_SPACE;
	for (size_t i = 0; i < digits; i++) {
		uint8_t b = pdu->data[i / 2];
		unsigned nib = (i & 1) ? (b & 0x0F) : (b >> 4);
		size_t end = (i + 1) * 4;	/* bit just past this digit */
		if (end > pdu->bits)		/* mask bits past the length */
			nib &= (0x0Fu << (end - pdu->bits)) & 0x0Fu;
		out[i] = hex[nib];
	}
	out[digits] = '\0';
	return (int)digits;
}
