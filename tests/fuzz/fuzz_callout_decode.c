/* libFuzzer target: tetra_callout_decode() (codecs/callout.h), the encoder
 * on what it decodes, and the same payload as a whole SDS-TL TRANSFER with
 * PID 0xC3 through tetra_sds_decode().
 *
 * Input: byte 0: the SDS-TL flags octet (delivery report request ...,
 * storage bit cleared); then the call-out payload (after the SDS-TL header).
 * Invariants:
 *  - decode returns 0, TETRA_E_TRUNCATED or TETRA_E_RANGE; on failure *out
 *    is untouched;
 *  - a decoded message: kind and severity 4 bits, at most
 *    TETRA_CALLOUT_MAX_RECEIVERS receivers, a sender exactly for an alert,
 *    text and rest inside the payload, never both, together with the fields
 *    before them exactly the payload (nothing dropped);
 *  - decode(encode(decode(x))) == decode(x) (an alert's text over
 *    TETRA_CALLOUT_TEXT_MAX octets is refused by encode, TETRA_E_TOO_LONG);
 *  - as a whole SDS: a CALLOUT primitive with the same fields and octets
 *    when decode succeeds, else an UNITDATA whose decode_error is decode's.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fuzz_util.h"

#include "codecs/callout.h"
#include "codecs/sds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tetra_prim prim;

static void check_msg(const struct tetra_callout_msg *m, const uint8_t *payload, size_t len)
{
	size_t fixed = 3;

	FUZZ_CHECK(m->kind <= 15 && m->severity <= 15);
	FUZZ_CHECK(m->n_receivers <= TETRA_CALLOUT_MAX_RECEIVERS);
	FUZZ_CHECK(m->has_sender == (m->kind == TETRA_CALLOUT_KIND_ALERT));
	if (m->kind != TETRA_CALLOUT_KIND_ALERT)
		FUZZ_CHECK(m->n_receivers == 0);
	FUZZ_CHECK(!(m->text_len && m->rest_len));
	if (m->text_len)
		FUZZ_CHECK(m->text >= payload && m->text + m->text_len == payload + len);
	if (m->rest_len)
		FUZZ_CHECK(m->rest >= payload && m->rest + m->rest_len == payload + len);
	if (m->kind == TETRA_CALLOUT_KIND_ALERT) {
		fixed += 3 + 2u * m->n_receivers;
		/* the separator, when there is a text or nothing after it */
		FUZZ_CHECK(m->text_len + m->rest_len + fixed == len ||
			   (!m->rest_len && m->text_len + fixed + 1 == len));
	} else if (m->kind == TETRA_CALLOUT_KIND_ANSWER) {
		FUZZ_CHECK(m->text_len + fixed == len || m->text_len + fixed + 1 == len);
	} else {
		FUZZ_CHECK(m->rest_len + fixed == len);
	}
}

static void same_msg(const struct tetra_callout_msg *a, const struct tetra_callout_msg *b)
{
	FUZZ_CHECK(a->lead == b->lead && a->kind == b->kind && a->number == b->number &&
		   a->severity == b->severity && a->has_sender == b->has_sender &&
		   a->sender_subaddr == b->sender_subaddr && a->n_receivers == b->n_receivers);
	FUZZ_CHECK(memcmp(a->receivers, b->receivers, a->n_receivers * sizeof(a->receivers[0])) == 0);
	FUZZ_CHECK(a->text_len == b->text_len && (!a->text_len || memcmp(a->text, b->text, a->text_len) == 0));
	FUZZ_CHECK(a->rest_len == b->rest_len && (!a->rest_len || memcmp(a->rest, b->rest, a->rest_len) == 0));
}

/* The payload as `C3 | flags | 0x42 | payload` through the SDS decoder. */
static void as_sds(uint8_t flags, const uint8_t *payload, size_t len, int rc, const struct tetra_callout_msg *m)
{
	struct tetra_sds_header h = { .ai_service = TETRA_AI_SDS_TYPE4, .bit_len = (uint16_t)(8 * (3 + len)) };
	uint8_t *sds;

	if (3 + len > TETRA_SDS_MAX_BYTES || 8 * (3 + len) > 2047)
		return;
	h.calling.type = TETRA_ID_SSI;
	h.calling.ssi = 23404;
	h.called.type = TETRA_ID_SSI;
	h.called.ssi = 1;
	sds = malloc(3 + len);
	FUZZ_CHECK(sds != NULL);
	sds[0] = TETRA_CALLOUT_PID;
	sds[1] = flags & 0x0E;	/* TRANSFER, no storage */
	sds[2] = 0x42;
	if (len)
		memcpy(sds + 3, payload, len);
	FUZZ_CHECK(tetra_sds_decode(&h, sds, 3 + len, &prim) == TETRA_OK);
	free(sds);
	fuzz_check_prim(&prim);
	if (rc != TETRA_OK) {
		FUZZ_CHECK(prim.oph.primitive == TETRA_TNSDS_UNITDATA);
		FUZZ_CHECK(prim.u.unitdata.decode_error == rc);
		return;
	}
	const struct tetra_callout_param *p = &prim.u.callout;
	FUZZ_CHECK(prim.oph.primitive == TETRA_TNSDS_CALLOUT);
	FUZZ_CHECK(p->tl.present && p->tl.msg_ref == 0x42 && p->tl.report_request == ((flags >> 2) & 3));
	FUZZ_CHECK(p->lead == m->lead && p->kind == m->kind && p->number == m->number &&
		   p->severity == m->severity && p->has_sender == m->has_sender &&
		   p->sender_subaddr == m->sender_subaddr && p->n_receivers == m->n_receivers);
	FUZZ_CHECK(memcmp(p->receivers, m->receivers, m->n_receivers * sizeof(m->receivers[0])) == 0);
	FUZZ_CHECK(p->text_len == m->text_len && (!m->text_len || memcmp(p->text, m->text, m->text_len) == 0));
	FUZZ_CHECK(p->rest_len == m->rest_len && (!m->rest_len || memcmp(p->rest, m->rest, m->rest_len) == 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tetra_callout_msg out, pattern, again;
	uint8_t flags, *payload;
	int rc;

	if (size < 1 || size > 4096 + 1)
		return 0;
	flags = data[0];
	data++;
	size--;

	payload = fuzz_dup(data, size);
	memset(&pattern, 0x5a, sizeof(pattern));
	out = pattern;
	rc = tetra_callout_decode(payload, size, &out);
	FUZZ_CHECK(rc == TETRA_OK || rc == TETRA_E_TRUNCATED || rc == TETRA_E_RANGE);
	if (rc != TETRA_OK) {
		FUZZ_CHECK(memcmp(&out, &pattern, sizeof(out)) == 0);
		as_sds(flags, payload, size, rc, NULL);
		free(payload);
		return 0;
	}
	check_msg(&out, payload, size);
	FUZZ_CHECK(strcmp(tetra_callout_kind_name(out.kind), "") != 0);
	as_sds(flags, payload, size, rc, &out);

	/* decode(encode(decode(x))) == decode(x) */
	{
		uint8_t enc[4096 + 8];
		int n = tetra_callout_encode(&out, enc, sizeof(enc));
		if (out.kind == TETRA_CALLOUT_KIND_ALERT && out.text_len > TETRA_CALLOUT_TEXT_MAX) {
			FUZZ_CHECK(n == TETRA_E_TOO_LONG);
		} else {
			FUZZ_CHECK(n >= 3 && (size_t)n <= size + 1);
			uint8_t *e = fuzz_dup(enc, (size_t)n);
			FUZZ_CHECK(tetra_callout_decode(e, (size_t)n, &again) == TETRA_OK);
			same_msg(&out, &again);
			free(e);
		}
	}
	free(payload);
	return 0;
}
