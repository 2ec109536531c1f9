/* TCCA Simple Call-Out payload codec (layout in callout.h).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "codecs/callout.h"

#include <string.h>

/* lead, then kind(4) number(8) severity(4) in two octets */
#define HEAD_OCTETS 3
/* alert: sender sub-address, receiver octet count */
#define ALERT_FIXED_OCTETS 3

const char *tetra_callout_kind_name(uint8_t kind)
{
	switch (kind) {
	case TETRA_CALLOUT_KIND_ALERT:
		return "alert";
	case TETRA_CALLOUT_KIND_ANSWER:
		return "answer";
	default:
		return "unknown";
	}
}

static int check(const struct tetra_callout_msg *m)
{
	if (m->kind > 15 || m->severity > 15 || m->n_receivers > TETRA_CALLOUT_MAX_RECEIVERS)
		return TETRA_E_INVALID;
	if ((m->text_len && !m->text) || (m->rest_len && !m->rest))
		return TETRA_E_INVALID;
	if (m->text_len > TETRA_CALLOUT_OCTETS_MAX || m->rest_len > TETRA_CALLOUT_OCTETS_MAX)
		return TETRA_E_TOO_LONG;
	switch (m->kind) {
	case TETRA_CALLOUT_KIND_ALERT:
		if (!m->has_sender || (m->text_len && m->rest_len))
			return TETRA_E_INVALID;
		if (m->rest_len && m->rest[0] == TETRA_CALLOUT_SEPARATOR)
			return TETRA_E_INVALID;
		if (m->text_len > TETRA_CALLOUT_TEXT_MAX)
			return TETRA_E_TOO_LONG;
		return TETRA_OK;
	case TETRA_CALLOUT_KIND_ANSWER:
		if (m->has_sender || m->n_receivers || m->rest_len)
			return TETRA_E_INVALID;
		return TETRA_OK;
	default:
		if (m->has_sender || m->n_receivers || m->text_len)
			return TETRA_E_INVALID;
		return TETRA_OK;
	}
}

/* The octets encode writes for m (checked). */
static size_t encoded_len(const struct tetra_callout_msg *m)
{
	size_t n = HEAD_OCTETS;

	switch (m->kind) {
	case TETRA_CALLOUT_KIND_ALERT:
		n += ALERT_FIXED_OCTETS + 2u * m->n_receivers;
		return n + (m->rest_len ? m->rest_len : 1 + m->text_len);
	case TETRA_CALLOUT_KIND_ANSWER:
		return n + (m->text_len ? 1 + m->text_len : 0);
	default:
		return n + m->rest_len;
	}
}

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	*p++ = (uint8_t)(v >> 8);
	*p++ = (uint8_t)v;
	return p;
}

static uint8_t *put_bytes(uint8_t *p, const uint8_t *src, size_t n)
{
	if (n)
		memcpy(p, src, n);
	return p + n;
}

int tetra_callout_encode(const struct tetra_callout_msg *m, uint8_t *out, size_t out_size)
{
	uint8_t *p = out;
	size_t n;
	int rc;

	if (!m || (!out && out_size))
		return TETRA_E_INVALID;
	if ((rc = check(m)) < 0)
		return rc;
	n = encoded_len(m);
	if (n > out_size)
		return TETRA_E_NO_SPACE;

	*p++ = m->lead;
	*p++ = (uint8_t)(m->kind << 4 | m->number >> 4);
	*p++ = (uint8_t)((m->number & 0x0F) << 4 | m->severity);
	switch (m->kind) {
	case TETRA_CALLOUT_KIND_ALERT:
		p = put16(p, m->sender_subaddr);
		*p++ = (uint8_t)(2u * m->n_receivers);
		for (unsigned i = 0; i < m->n_receivers; i++)
			p = put16(p, m->receivers[i]);
		if (m->rest_len) {
			p = put_bytes(p, m->rest, m->rest_len);
		} else {
			*p++ = TETRA_CALLOUT_SEPARATOR;
			p = put_bytes(p, m->text, m->text_len);
		}
		break;
	case TETRA_CALLOUT_KIND_ANSWER:
		if (m->text_len) {
			*p++ = TETRA_CALLOUT_SEPARATOR;
			p = put_bytes(p, m->text, m->text_len);
		}
		break;
	default:
		p = put_bytes(p, m->rest, m->rest_len);
		break;
	}
	return (int)(p - out);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int tetra_callout_decode(const uint8_t *payload, size_t len, struct tetra_callout_msg *out)
{
	struct tetra_callout_msg m;
	size_t pos = HEAD_OCTETS;

	if (!out || (!payload && len))
		return TETRA_E_INVALID;
	if (len < HEAD_OCTETS)
		return TETRA_E_TRUNCATED;
	memset(&m, 0, sizeof(m));
	m.lead = payload[0];
	m.kind = payload[1] >> 4;
	m.number = (uint8_t)((payload[1] & 0x0F) << 4 | payload[2] >> 4);
	m.severity = payload[2] & 0x0F;

	switch (m.kind) {
	case TETRA_CALLOUT_KIND_ALERT: {
		unsigned count;
		if (len - pos < ALERT_FIXED_OCTETS)
			return TETRA_E_TRUNCATED;
		m.has_sender = true;
		m.sender_subaddr = get16(payload + pos);
		count = payload[pos + 2];
		pos += ALERT_FIXED_OCTETS;
		if (len - pos < count)
			return TETRA_E_TRUNCATED;
		if (count % 2 || count / 2 > TETRA_CALLOUT_MAX_RECEIVERS)
			return TETRA_E_RANGE;
		m.n_receivers = (uint8_t)(count / 2);
		for (unsigned i = 0; i < m.n_receivers; i++, pos += 2)
			m.receivers[i] = get16(payload + pos);
		if (pos < len && payload[pos] == TETRA_CALLOUT_SEPARATOR) {
			pos++;
			m.text = payload + pos;
			m.text_len = len - pos;
		} else if (pos < len) {
			m.rest = payload + pos;
			m.rest_len = len - pos;
		}
		break;
	}
	case TETRA_CALLOUT_KIND_ANSWER:
		/* Unverified: a fixed or a free text; an 0xFF first separates it
		 * as in the alert. */
		if (pos < len && payload[pos] == TETRA_CALLOUT_SEPARATOR)
			pos++;
		if (pos < len) {
			m.text = payload + pos;
			m.text_len = len - pos;
		}
		break;
	default:
		if (pos < len) {
			m.rest = payload + pos;
			m.rest_len = len - pos;
		}
		break;
	}
	*out = m;
	return TETRA_OK;
}
