/* SDS-TL headers, storage block, delivery status names (EN 300 392-2 §29.4).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "codecs/sds_tl.h"

#include <string.h>

#define EXT_DIGITS_MAX 24	/* fits tetra_identity.digits[25] */

/* External subscriber number digit (4 bits) <-> character. */
static const char ext_digit_chr[16] = "0123456789*#+";

static int ext_digit_val(char c)
{
	for (int i = 0; i < 13; i++)
		if (ext_digit_chr[i] == c)
			return i;
	return -1;
}

void tetra_sds_tl_clear(struct tetra_sds_tl *tl)
{
	tl->present = false;
	tl->report_request = 0;
	tl->short_report_ok = false;
	tl->storage = false;
	tl->msg_ref = 0;
	tl->validity = 0;
	tl->forward_type = TETRA_SDS_FWD_NONE;
	tl->forward.type = TETRA_ID_NONE;
	tl->forward.mcc = 0;
	tl->forward.mnc = 0;
	tl->forward.ssi = 0;
	tl->forward.digits[0] = '\0';
}

int tetra_sds_storage_read(struct tetra_bitreader *br, struct tetra_sds_tl *tl)
{
	struct tetra_identity *f = &tl->forward;
	unsigned n;

	tl->storage = true;
	tl->validity = (uint8_t)tetra_br_get(br, 5);
	tl->forward_type = (uint8_t)tetra_br_get(br, 3);
	f->mcc = 0;
	f->mnc = 0;
	f->ssi = 0;
	f->digits[0] = '\0';
	switch (tl->forward_type) {
	case TETRA_SDS_FWD_SNA:
		f->type = TETRA_ID_SNA;
		f->ssi = (uint32_t)tetra_br_get(br, 8);
		break;
	case TETRA_SDS_FWD_SSI:
		f->type = TETRA_ID_SSI;
		f->ssi = (uint32_t)tetra_br_get(br, 24);
		break;
	case TETRA_SDS_FWD_TSI:
		f->type = TETRA_ID_TSI;
		f->mcc = (uint16_t)tetra_br_get(br, 10);
		f->mnc = (uint16_t)tetra_br_get(br, 14);
		f->ssi = (uint32_t)tetra_br_get(br, 24);
		break;
	case TETRA_SDS_FWD_EXTERNAL:
		f->type = TETRA_ID_PSTN;
		n = (unsigned)tetra_br_get(br, 8);
		if (tetra_br_error(br))
			return TETRA_E_TRUNCATED;
		if (n > EXT_DIGITS_MAX)
			return TETRA_E_RANGE;
		for (unsigned i = 0; i < n; i++) {
			unsigned d = (unsigned)tetra_br_get(br, 4);
			if (d > 12)
				return TETRA_E_RANGE;
			f->digits[i] = ext_digit_chr[d];
		}
		f->digits[n] = '\0';
		break;
	case TETRA_SDS_FWD_NONE:
		f->type = TETRA_ID_NONE;
		break;
	default:
		/* 4..6 reserved: the address length is unknown. */
		if (tetra_br_error(br))
			return TETRA_E_TRUNCATED;
		return TETRA_E_RANGE;
	}
	return tetra_br_error(br) ? TETRA_E_TRUNCATED : TETRA_OK;
}

int tetra_sds_storage_write(struct tetra_bitwriter *bw, const struct tetra_sds_tl *tl)
{
	const struct tetra_identity *f = &tl->forward;
	size_t n;

	if (tl->validity > 31)
		return TETRA_E_INVALID;
	switch (tl->forward_type) {
	case TETRA_SDS_FWD_SNA:
		if (f->ssi > 0xFF)
			return TETRA_E_INVALID;
		break;
	case TETRA_SDS_FWD_SSI:
		if (f->ssi > 0xFFFFFF)
			return TETRA_E_INVALID;
		break;
	case TETRA_SDS_FWD_TSI:
		if (f->mcc > 0x3FF || f->mnc > 0x3FFF || f->ssi > 0xFFFFFF)
			return TETRA_E_INVALID;
		break;
	case TETRA_SDS_FWD_EXTERNAL:
		n = strnlen(f->digits, sizeof(f->digits));
		if (n > EXT_DIGITS_MAX)
			return TETRA_E_INVALID;
		for (size_t i = 0; i < n; i++)
			if (ext_digit_val(f->digits[i]) < 0)
				return TETRA_E_INVALID;
		break;
	case TETRA_SDS_FWD_NONE:
		break;
	default:
		return TETRA_E_INVALID;
	}

	tetra_bw_put(bw, tl->validity, 5);
	tetra_bw_put(bw, tl->forward_type, 3);
	switch (tl->forward_type) {
	case TETRA_SDS_FWD_SNA:
		tetra_bw_put(bw, f->ssi, 8);
		break;
	case TETRA_SDS_FWD_SSI:
		tetra_bw_put(bw, f->ssi, 24);
		break;
	case TETRA_SDS_FWD_TSI:
		tetra_bw_put(bw, f->mcc, 10);
		tetra_bw_put(bw, f->mnc, 14);
		tetra_bw_put(bw, f->ssi, 24);
		break;
	case TETRA_SDS_FWD_EXTERNAL:
		n = strnlen(f->digits, sizeof(f->digits));
		tetra_bw_put(bw, n, 8);
		for (size_t i = 0; i < n; i++)
			tetra_bw_put(bw, (uint64_t)ext_digit_val(f->digits[i]), 4);
		break;
	}
	return tetra_bw_error(bw) ? TETRA_E_NO_SPACE : TETRA_OK;
}

int tetra_sds_tl_read(struct tetra_bitreader *br, struct tetra_sds_tl_hdr *h)
{
	struct tetra_sds_tl *tl = &h->tl;
	bool storage;

	h->pid = (uint8_t)tetra_br_get(br, 8);
	h->type = (uint8_t)tetra_br_get(br, 4);
	if (tetra_br_error(br))
		return TETRA_E_TRUNCATED;
	tetra_sds_tl_clear(tl);
	tl->present = true;
	h->ack_required = false;
	h->status = 0;

	switch (h->type) {
	case TETRA_SDS_TL_TRANSFER:
		tl->report_request = (uint8_t)tetra_br_get(br, 2);
		tl->short_report_ok = tetra_br_get(br, 1);
		storage = tetra_br_get(br, 1);
		tl->msg_ref = (uint8_t)tetra_br_get(br, 8);
		break;
	case TETRA_SDS_TL_REPORT:
		h->ack_required = tetra_br_get(br, 1);
		tetra_br_skip(br, 2);
		storage = tetra_br_get(br, 1);
		h->status = (uint8_t)tetra_br_get(br, 8);
		tl->msg_ref = (uint8_t)tetra_br_get(br, 8);
		break;
	case TETRA_SDS_TL_ACK:
		tetra_br_skip(br, 4);
		storage = false;
		h->status = (uint8_t)tetra_br_get(br, 8);
		tl->msg_ref = (uint8_t)tetra_br_get(br, 8);
		break;
	default:
		return TETRA_E_PDU_TYPE;
	}
	if (tetra_br_error(br))
		return TETRA_E_TRUNCATED;
	if (storage)
		return tetra_sds_storage_read(br, tl);
	return TETRA_OK;
}

int tetra_sds_tl_write(struct tetra_bitwriter *bw, const struct tetra_sds_tl_hdr *h)
{
	const struct tetra_sds_tl *tl = &h->tl;

	tetra_bw_put(bw, h->pid, 8);
	switch (h->type) {
	case TETRA_SDS_TL_TRANSFER:
		if (tl->report_request > 3)
			return TETRA_E_INVALID;
		tetra_bw_put(bw, TETRA_SDS_TL_TRANSFER, 4);
		tetra_bw_put(bw, tl->report_request, 2);
		tetra_bw_put(bw, tl->short_report_ok ? 1 : 0, 1);
		tetra_bw_put(bw, tl->storage ? 1 : 0, 1);
		tetra_bw_put(bw, tl->msg_ref, 8);
		break;
	case TETRA_SDS_TL_REPORT:
		tetra_bw_put(bw, TETRA_SDS_TL_REPORT, 4);
		tetra_bw_put(bw, h->ack_required ? 1 : 0, 1);
		tetra_bw_put(bw, 0, 2);
		tetra_bw_put(bw, tl->storage ? 1 : 0, 1);
		tetra_bw_put(bw, h->status, 8);
		tetra_bw_put(bw, tl->msg_ref, 8);
		break;
	case TETRA_SDS_TL_ACK:
		tetra_bw_put(bw, TETRA_SDS_TL_ACK, 4);
		tetra_bw_put(bw, 0, 4);
		tetra_bw_put(bw, h->status, 8);
		tetra_bw_put(bw, tl->msg_ref, 8);
		return tetra_bw_error(bw) ? TETRA_E_NO_SPACE : TETRA_OK;
	default:
		return TETRA_E_INVALID;
	}
	if (tetra_bw_error(bw))
		return TETRA_E_NO_SPACE;
	if (tl->storage)
		return tetra_sds_storage_write(bw, tl);
	return TETRA_OK;
}

uint32_t tetra_sds_validity_s(uint8_t v)
{
	if (v == 0)
		return 0;
	if (v <= 6)
		return v * 10u;
	if (v <= 10)
		return (v - 5u) * 60u;
	if (v <= 16)
		return (v - 10u) * 600u;
	if (v <= 21)
		return (v - 15u) * 3600u;
	if (v <= 24)
		return (v - 20u) * 6u * 3600u;
	if (v <= 30)
		return (v - 24u) * 2u * 86400u;
	return UINT32_MAX;
}

const char *tetra_sds_status_class_name(uint8_t status)
{
	static const char *const names[8] = {
		"success", "temporary error", "failed", "flow control",
		"end-to-end control", "reserved", "reserved", "reserved",
	};
	return names[status >> 5];
}

const char *tetra_sds_status_name(uint8_t s)
{
	switch (s) {
	case 0x00: return "received";
	case 0x01: return "receipt report ack";
	case 0x02: return "consumed";
	case 0x03: return "consumed report ack";
	case 0x04: return "forwarded externally";
	case 0x05: return "sent to group";
	case 0x06: return "concatenation part received";
	case 0x20: return "congestion";
	case 0x21: return "stored";
	case 0x22: return "not reachable (stored)";
	case 0x4B: return "not registered";
	case 0x4D: return "too long";
	case 0x50: return "protocol not supported";
	case 0x51: return "coding scheme not supported";
	case 0x60: return "destination memory full";
	case 0x61: return "destination memory available";
	case 0x62: return "start pending messages";
	case 0x63: return "no pending messages";
	default:
		if (s >= 0x40 && s <= 0x5F)
			return "failed";
		return "unlisted";
	}
}

const char *tetra_sds_short_report_name(uint8_t report_type)
{
	static const char *const names[4] = {
		"protocol not supported", "memory full", "received", "consumed",
	};
	return names[report_type & 3];
}

int tetra_sds_concat_hdr_read(struct tetra_bitreader *br, struct tetra_sds_concat_hdr *c)
{
	unsigned pdu_type = (unsigned)tetra_br_get(br, 3);
	bool ext = tetra_br_get(br, 1);
	uint16_t ref = (uint16_t)tetra_br_get(br, 4);

	if (ext)
		ref = (uint16_t)(ref << 8 | tetra_br_get(br, 8));
	c->ref = ref;
	c->total = (uint8_t)tetra_br_get(br, 8);
	c->part = (uint8_t)tetra_br_get(br, 8);
	c->has_pid = false;
	c->pid = 0;
	if (tetra_br_error(br))
		return TETRA_E_TRUNCATED;
	if (pdu_type != 0)
		return TETRA_E_PDU_TYPE;
	if (c->total == 0 || c->part == 0 || c->part > c->total)
		return TETRA_E_RANGE;
	if (c->part == 1) {
		c->has_pid = true;
		c->pid = (uint8_t)tetra_br_get(br, 8);
		if (tetra_br_error(br))
			return TETRA_E_TRUNCATED;
	}
	return TETRA_OK;
}
