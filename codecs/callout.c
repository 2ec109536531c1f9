/* Call-out alert / acknowledgement codec. The PID and the bit layout are
 * UNVERIFIED and therefore configuration (see callout.h); this file only
 * walks the configured field list with the bounds-checked bit reader/writer.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "codecs/callout.h"

#include <string.h>

#include "codecs/bitio.h"

const struct tetra_callout_cfg tetra_callout_default_cfg = {
	.pid = TETRA_CALLOUT_PID_DEFAULT,
	.msg_type_bits = 4,
	.msg_type_code = { [TETRA_CALLOUT_ALERT] = 0, [TETRA_CALLOUT_ACK] = 1 },
	.alert_type_code = { 0, 1, 2, 3 },
	.response_code = { 0, 1, 2, 3 },
	.layout = {
		[TETRA_CALLOUT_ALERT] = {
			{ TETRA_CO_F_NUMBER, 16 },
			{ TETRA_CO_F_SEVERITY, 4 },
			{ TETRA_CO_F_ALERT_TYPE, 4 },
			{ TETRA_CO_F_SUBADDR_COUNT, 4 },
			{ TETRA_CO_F_SUBADDRS, 16 },
			{ TETRA_CO_F_TEXT_LEN, 8 },
			{ TETRA_CO_F_TEXT, 0 },
			{ TETRA_CO_F_END, 0 },
		},
		[TETRA_CALLOUT_ACK] = {
			{ TETRA_CO_F_NUMBER, 16 },
			{ TETRA_CO_F_RESPONSE, 4 },
			{ TETRA_CO_F_END, 0 },
		},
	},
};

/* Per field: allowed widths and which message kinds may carry it. */
static const struct {
	const char *name;
	uint8_t min_width, max_width;
	uint8_t kinds;		/* bit per enum tetra_callout_kind */
} field_info[_TETRA_CO_F_COUNT] = {
	[TETRA_CO_F_END] = { "end", 0, 0, 3 },
	[TETRA_CO_F_NUMBER] = { "number", 1, 16, 3 },
	[TETRA_CO_F_SEVERITY] = { "severity", 1, 8, 1 },
	[TETRA_CO_F_ALERT_TYPE] = { "alert-type", 1, 8, 1 },
	[TETRA_CO_F_RESPONSE] = { "response", 1, 8, 2 },
	[TETRA_CO_F_SUBADDR_COUNT] = { "subaddr-count", 1, 8, 1 },
	[TETRA_CO_F_SUBADDRS] = { "subaddrs", 1, 16, 1 },
	[TETRA_CO_F_RESERVED] = { "reserved", 1, 32, 3 },
	[TETRA_CO_F_TEXT_LEN] = { "text-len", 1, 8, 1 },
	[TETRA_CO_F_TEXT] = { "text", 0, 0, 1 },
};

const char *tetra_callout_field_name(uint8_t id)
{
	return id < _TETRA_CO_F_COUNT ? field_info[id].name : "unlisted";
}

int tetra_callout_field_by_name(const char *name)
{
	for (int i = 0; i < _TETRA_CO_F_COUNT; i++)
		if (strcmp(field_info[i].name, name) == 0)
			return i;
	return -1;
}

const char *tetra_callout_alert_type_name(uint8_t type)
{
	static const char *const names[_TETRA_CALLOUT_ALERT_TYPES] = {
		"normal", "storm plan", "fallback", "test",
	};
	return type < _TETRA_CALLOUT_ALERT_TYPES ? names[type] : "unlisted";
}

const char *tetra_callout_response_name(uint8_t response)
{
	static const char *const names[_TETRA_CALLOUT_RESPONSES] = {
		"accept", "standby", "reject", "test OK",
	};
	return response < _TETRA_CALLOUT_RESPONSES ? names[response] : "unlisted";
}

static bool fits(uint64_t v, unsigned width)
{
	return width >= 64 || v < (UINT64_C(1) << width);
}

/* Codes must fit the field and be distinct (a decoder must map them back). */
static bool codes_ok(const uint8_t *codes, unsigned n, unsigned width)
{
	for (unsigned i = 0; i < n; i++) {
		if (!fits(codes[i], width))
			return false;
		for (unsigned j = 0; j < i; j++)
			if (codes[i] == codes[j])
				return false;
	}
	return true;
}

static int check_layout(const struct tetra_callout_cfg *cfg, unsigned kind)
{
	const struct tetra_callout_field *f = cfg->layout[kind];
	unsigned seen = 0;

	for (unsigned i = 0; i < TETRA_CALLOUT_MAX_FIELDS && f[i].id != TETRA_CO_F_END; i++) {
		unsigned id = f[i].id;

		if (id >= _TETRA_CO_F_COUNT || !(field_info[id].kinds & (1u << kind)))
			return TETRA_E_INVALID;
		if (f[i].width < field_info[id].min_width || f[i].width > field_info[id].max_width)
			return TETRA_E_INVALID;
		if (id != TETRA_CO_F_RESERVED && (seen & (1u << id)))
			return TETRA_E_INVALID;	/* each field once */
		seen |= 1u << id;
		switch (id) {
		case TETRA_CO_F_SUBADDRS:
			if (!(seen & (1u << TETRA_CO_F_SUBADDR_COUNT)))
				return TETRA_E_INVALID;
			break;
		case TETRA_CO_F_TEXT:
			if (i + 1 < TETRA_CALLOUT_MAX_FIELDS && f[i + 1].id != TETRA_CO_F_END)
				return TETRA_E_INVALID;	/* the text runs to the end */
			break;
		case TETRA_CO_F_ALERT_TYPE:
			if (!codes_ok(cfg->alert_type_code, _TETRA_CALLOUT_ALERT_TYPES, f[i].width))
				return TETRA_E_INVALID;
			break;
		case TETRA_CO_F_RESPONSE:
			if (!codes_ok(cfg->response_code, _TETRA_CALLOUT_RESPONSES, f[i].width))
				return TETRA_E_INVALID;
			break;
		}
	}
	if ((seen & (1u << TETRA_CO_F_SUBADDR_COUNT)) && !(seen & (1u << TETRA_CO_F_SUBADDRS)))
		return TETRA_E_INVALID;
	if ((seen & (1u << TETRA_CO_F_TEXT_LEN)) && !(seen & (1u << TETRA_CO_F_TEXT)))
		return TETRA_E_INVALID;
	return 0;
}

int tetra_callout_cfg_check(const struct tetra_callout_cfg *cfg)
{
	if (!cfg || cfg->msg_type_bits < 1 || cfg->msg_type_bits > 8)
		return TETRA_E_INVALID;
	if (!codes_ok(cfg->msg_type_code, 2, cfg->msg_type_bits))
		return TETRA_E_INVALID;
	if (check_layout(cfg, TETRA_CALLOUT_ALERT) || check_layout(cfg, TETRA_CALLOUT_ACK))
		return TETRA_E_INVALID;
	return 0;
}

/* Does the layout of kind carry field id? */
static bool has_field(const struct tetra_callout_cfg *cfg, unsigned kind, unsigned id)
{
	for (unsigned i = 0; i < TETRA_CALLOUT_MAX_FIELDS && cfg->layout[kind][i].id != TETRA_CO_F_END; i++)
		if (cfg->layout[kind][i].id == id)
			return true;
	return false;
}

/* One encoder for both kinds: alert or ack is NULL. */
static int encode(const struct tetra_callout_cfg *cfg, unsigned kind, const struct tetra_callout_alert *alert,
		  const struct tetra_callout_ack *ack, uint8_t *out, size_t out_size, size_t *bits)
{
	const struct tetra_callout_field *f = cfg->layout[kind];
	struct tetra_bitwriter bw;

	if (tetra_callout_cfg_check(cfg))
		return TETRA_E_INVALID;
	if (alert) {
		if (alert->alert_type >= _TETRA_CALLOUT_ALERT_TYPES || alert->n_subaddr > TETRA_CALLOUT_MAX_SUBADDR ||
		    alert->text_len > TETRA_CALLOUT_TEXT_MAX)
			return TETRA_E_INVALID;
		/* Refuse what the layout cannot carry rather than drop it. */
		if ((alert->n_subaddr && !has_field(cfg, kind, TETRA_CO_F_SUBADDRS)) ||
		    (alert->text_len && !has_field(cfg, kind, TETRA_CO_F_TEXT)))
			return TETRA_E_INVALID;
	} else if (ack->response >= _TETRA_CALLOUT_RESPONSES) {
		return TETRA_E_INVALID;
	}

	tetra_bw_init(&bw, out, out_size);
	tetra_bw_put(&bw, cfg->msg_type_code[kind], cfg->msg_type_bits);
	for (unsigned i = 0; i < TETRA_CALLOUT_MAX_FIELDS && f[i].id != TETRA_CO_F_END; i++) {
		unsigned w = f[i].width;
		uint64_t v = 0;

		switch (f[i].id) {
		case TETRA_CO_F_NUMBER:
			v = alert ? alert->number : ack->number;
			break;
		case TETRA_CO_F_SEVERITY:
			v = alert->severity;
			break;
		case TETRA_CO_F_ALERT_TYPE:
			v = cfg->alert_type_code[alert->alert_type];
			break;
		case TETRA_CO_F_RESPONSE:
			v = cfg->response_code[ack->response];
			break;
		case TETRA_CO_F_SUBADDR_COUNT:
			v = alert->n_subaddr;
			break;
		case TETRA_CO_F_SUBADDRS:
			for (unsigned k = 0; k < alert->n_subaddr; k++) {
				if (!fits(alert->subaddr[k], w))
					return TETRA_E_INVALID;
				tetra_bw_put(&bw, alert->subaddr[k], w);
			}
			continue;
		case TETRA_CO_F_RESERVED:
			break;
		case TETRA_CO_F_TEXT_LEN:
			v = alert->text_len;
			break;
		case TETRA_CO_F_TEXT:
			tetra_bw_put_bytes(&bw, alert->text, alert->text_len);
			continue;
		}
		if (!fits(v, w))
			return TETRA_E_INVALID;
		tetra_bw_put(&bw, v, w);
	}
	return tetra_bw_finish(&bw, bits);
}

int tetra_callout_encode_alert(const struct tetra_callout_cfg *cfg, const struct tetra_callout_alert *alert,
			       uint8_t *out, size_t out_size, size_t *bits)
{
	return encode(cfg, TETRA_CALLOUT_ALERT, alert, NULL, out, out_size, bits);
}

int tetra_callout_encode_ack(const struct tetra_callout_cfg *cfg, const struct tetra_callout_ack *ack,
			     uint8_t *out, size_t out_size, size_t *bits)
{
	return encode(cfg, TETRA_CALLOUT_ACK, NULL, ack, out, out_size, bits);
}

/* A value was refused: if the reader ran out first, that is the real cause
 * (the refused value is the reader's 0). */
static int refuse(const struct tetra_bitreader *br, int err)
{
	return tetra_br_error(br) ? tetra_br_error(br) : err;
}

static int code_index(const uint8_t *codes, unsigned n, uint64_t v)
{
	for (unsigned i = 0; i < n; i++)
		if (codes[i] == v)
			return (int)i;
	return -1;
}

int tetra_callout_decode(const struct tetra_callout_cfg *cfg, const uint8_t *pdu, size_t bit_len,
			 struct tetra_callout_msg *out)
{
	struct tetra_callout_msg msg = { 0 };
	struct tetra_bitreader br;
	const struct tetra_callout_field *f;
	bool have_text_len = false;
	unsigned kind;
	uint64_t v;
	int idx;

	if (tetra_callout_cfg_check(cfg))
		return TETRA_E_INVALID;
	tetra_br_init(&br, pdu, bit_len);
	v = tetra_br_get(&br, cfg->msg_type_bits);
	idx = code_index(cfg->msg_type_code, 2, v);
	if (idx < 0)
		return refuse(&br, TETRA_E_PDU_TYPE);
	kind = (unsigned)idx;
	msg.kind = (uint8_t)kind;
	f = cfg->layout[kind];

	for (unsigned i = 0; i < TETRA_CALLOUT_MAX_FIELDS && f[i].id != TETRA_CO_F_END; i++) {
		unsigned w = f[i].width;

		switch (f[i].id) {
		case TETRA_CO_F_NUMBER:
			v = tetra_br_get(&br, w);
			if (kind == TETRA_CALLOUT_ALERT)
				msg.alert.number = (uint16_t)v;
			else
				msg.ack.number = (uint16_t)v;
			break;
		case TETRA_CO_F_SEVERITY:
			msg.alert.severity = (uint8_t)tetra_br_get(&br, w);
			break;
		case TETRA_CO_F_ALERT_TYPE:
			idx = code_index(cfg->alert_type_code, _TETRA_CALLOUT_ALERT_TYPES, tetra_br_get(&br, w));
			if (idx < 0)
				return refuse(&br, TETRA_E_RANGE);
			msg.alert.alert_type = (uint8_t)idx;
			break;
		case TETRA_CO_F_RESPONSE:
			idx = code_index(cfg->response_code, _TETRA_CALLOUT_RESPONSES, tetra_br_get(&br, w));
			if (idx < 0)
				return refuse(&br, TETRA_E_RANGE);
			msg.ack.response = (uint8_t)idx;
			break;
		case TETRA_CO_F_SUBADDR_COUNT:
			v = tetra_br_get(&br, w);
			if (v > TETRA_CALLOUT_MAX_SUBADDR)
				return refuse(&br, TETRA_E_RANGE);
			msg.alert.n_subaddr = (uint8_t)v;
			break;
		case TETRA_CO_F_SUBADDRS:
			for (unsigned k = 0; k < msg.alert.n_subaddr; k++)
				msg.alert.subaddr[k] = (uint16_t)tetra_br_get(&br, w);
			break;
		case TETRA_CO_F_RESERVED:
			tetra_br_skip(&br, w);
			break;
		case TETRA_CO_F_TEXT_LEN:
			v = tetra_br_get(&br, w);
			if (v > TETRA_CALLOUT_TEXT_MAX)
				return refuse(&br, TETRA_E_RANGE);
			msg.alert.text_len = (uint8_t)v;
			have_text_len = true;
			break;
		case TETRA_CO_F_TEXT:
			if (!have_text_len) {
				/* No length field: the text is every whole octet left. */
				size_t n = tetra_br_left(&br) / 8;
				if (n > TETRA_CALLOUT_TEXT_MAX)
					return TETRA_E_RANGE;
				msg.alert.text_len = (uint8_t)n;
			}
			tetra_br_get_bytes(&br, msg.alert.text, msg.alert.text_len);
			break;
		}
	}
	if (tetra_br_error(&br))
		return tetra_br_error(&br);
	*out = msg;
	return 0;
}
