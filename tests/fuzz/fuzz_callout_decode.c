/* libFuzzer target: tetra_callout_decode() (codecs/callout.h), with the
 * default and with fuzzed configurations, and the encoders on what it
 * decodes.
 *
 * Input: byte 0: bit 7 a configuration follows (sizeof(struct
 * tetra_callout_cfg) raw bytes; else tetra_callout_default_cfg), bits 0-2
 * bits cut off the last octet; then the call-out payload (no PID).
 * Invariants:
 *  - a configuration tetra_callout_cfg_check() refuses is refused by the
 *    decoder too (TETRA_E_INVALID); return codes are the ones callout.h
 *    lists; on failure *out is untouched;
 *  - a decoded alert has at most TETRA_CALLOUT_MAX_SUBADDR sub-addresses,
 *    at most TETRA_CALLOUT_TEXT_MAX octets of text, a known alert type; an
 *    ack a known response;
 *  - decode(encode(decode(x))) == decode(x) under the same configuration.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fuzz_util.h"

#include "codecs/callout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_msg(const struct tetra_callout_msg *m)
{
	FUZZ_CHECK(m->kind == TETRA_CALLOUT_ALERT || m->kind == TETRA_CALLOUT_ACK);
	if (m->kind == TETRA_CALLOUT_ALERT) {
		FUZZ_CHECK(m->alert.n_subaddr <= TETRA_CALLOUT_MAX_SUBADDR);
		FUZZ_CHECK(m->alert.text_len <= TETRA_CALLOUT_TEXT_MAX);
		FUZZ_CHECK(m->alert.alert_type < _TETRA_CALLOUT_ALERT_TYPES);
	} else {
		FUZZ_CHECK(m->ack.response < _TETRA_CALLOUT_RESPONSES);
	}
}

static void same_msg(const struct tetra_callout_msg *a, const struct tetra_callout_msg *b)
{
	FUZZ_CHECK(a->kind == b->kind);
	if (a->kind == TETRA_CALLOUT_ALERT) {
		const struct tetra_callout_alert *x = &a->alert, *y = &b->alert;
		FUZZ_CHECK(x->number == y->number);
		FUZZ_CHECK(x->severity == y->severity);
		FUZZ_CHECK(x->alert_type == y->alert_type);
		FUZZ_CHECK(x->n_subaddr == y->n_subaddr);
		for (unsigned i = 0; i < x->n_subaddr; i++)
			FUZZ_CHECK(x->subaddr[i] == y->subaddr[i]);
		FUZZ_CHECK(x->text_len == y->text_len);
		FUZZ_CHECK(memcmp(x->text, y->text, x->text_len) == 0);
	} else {
		FUZZ_CHECK(a->ack.number == b->ack.number);
		FUZZ_CHECK(a->ack.response == b->ack.response);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tetra_callout_cfg cfg;
	struct tetra_callout_msg out, pattern, again;
	uint8_t flags, *pdu;
	size_t bit_len;
	int rc, cfg_ok;

	if (size < 1 || size > 512)
		return 0;
	flags = data[0];
	data++;
	size--;
	if (flags & 0x80) {
		if (size < sizeof(cfg))
			return 0;
		memcpy(&cfg, data, sizeof(cfg));
		data += sizeof(cfg);
		size -= sizeof(cfg);
	} else {
		cfg = tetra_callout_default_cfg;
	}
	bit_len = size * 8;
	bit_len = bit_len >= (flags & 7u) ? bit_len - (flags & 7u) : 0;

	cfg_ok = tetra_callout_cfg_check(&cfg);
	FUZZ_CHECK(cfg_ok == TETRA_OK || cfg_ok == TETRA_E_INVALID);
	if (!(flags & 0x80))
		FUZZ_CHECK(cfg_ok == TETRA_OK);

	pdu = fuzz_dup(data, size);
	memset(&pattern, 0x5a, sizeof(pattern));
	out = pattern;
	rc = tetra_callout_decode(&cfg, pdu, bit_len, &out);
	free(pdu);
	FUZZ_CHECK(rc == TETRA_OK || rc == TETRA_E_TRUNCATED || rc == TETRA_E_PDU_TYPE ||
		   rc == TETRA_E_RANGE || rc == TETRA_E_INVALID);
	if (cfg_ok != TETRA_OK)
		FUZZ_CHECK(rc == TETRA_E_INVALID);
	if (rc != TETRA_OK) {
		FUZZ_CHECK(memcmp(&out, &pattern, sizeof(out)) == 0);
		return 0;
	}
	check_msg(&out);

	/* decode(encode(decode(x))) == decode(x) */
	{
		uint8_t enc[512];
		size_t bits = 0;
		int erc = out.kind == TETRA_CALLOUT_ALERT
				  ? tetra_callout_encode_alert(&cfg, &out.alert, enc, sizeof(enc), &bits)
				  : tetra_callout_encode_ack(&cfg, &out.ack, enc, sizeof(enc), &bits);
		FUZZ_CHECK(erc == TETRA_OK);
		FUZZ_CHECK(bits <= sizeof(enc) * 8);
		uint8_t *e = fuzz_dup(enc, (bits + 7) / 8);
		memset(&again, 0, sizeof(again));
		rc = tetra_callout_decode(&cfg, e, bits, &again);
		free(e);
		FUZZ_CHECK(rc == TETRA_OK);
		same_msg(&out, &again);
	}
	FUZZ_CHECK(tetra_callout_alert_type_name(out.alert.alert_type) != NULL);
	FUZZ_CHECK(tetra_callout_response_name(out.ack.response) != NULL);
	return 0;
}
