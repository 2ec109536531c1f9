/* Call-out (alarm) messages: TCCA Call-Out service as used in Norway and
 * Germany (docs/protocol.md §9). Alerts go to a terminal (ISSI) or group
 * (GSSI); the terminal answers accept / standby / reject, or "test OK" to a
 * test alert.
 *
 * UNVERIFIED: no public source gives the protocol identifier or the bit
 * layout. Both are therefore configuration, not code: struct
 * tetra_callout_cfg holds the PID, the codes of the message types, alert
 * types and responses, and each message's layout as an ordered list of
 * fields with their widths. The default (tetra_callout_default_cfg, PID
 * 0xC3 as public decoders report, docs/protocol.md §9) is a placeholder to be replaced by the real
 * layout once it is known; nothing else in the tree depends on it.
 *
 * Like the LIP codec, encode and decode work on the call-out payload only:
 * without the PID octet and without the SDS-TL TRANSFER header. The caller
 * routes incoming SDS whose PID is cfg->pid here, and wraps outgoing
 * payloads with the PID (plus an SDS-TL TRANSFER header when pid >= 0x80,
 * EN 300 392-2 §29.4.3.9). Pure functions: no I/O, no allocation.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codecs/codec_err.h"

#define TETRA_CALLOUT_PID_DEFAULT 0xC3	/* a guess inside the SDS-TL user range */
#define TETRA_CALLOUT_TEXT_MAX 94	/* user characters (ISO 8859-1 octets) */
#define TETRA_CALLOUT_MAX_SUBADDR 8	/* sub-addresses one alert can carry */
#define TETRA_CALLOUT_MAX_FIELDS 16	/* fields in one layout, TETRA_CO_F_END included */

enum tetra_callout_kind {
	TETRA_CALLOUT_ALERT = 0,	/* control room -> terminal */
	TETRA_CALLOUT_ACK = 1,		/* terminal -> control room: the user's answer */
};

enum tetra_callout_alert_type {
	TETRA_CALLOUT_NORMAL = 0,	/* answer accept / standby / reject */
	TETRA_CALLOUT_STORM = 1,	/* storm plan: repeated, no answer possible */
	TETRA_CALLOUT_FALLBACK = 2,
	TETRA_CALLOUT_TEST = 3,		/* answered "test OK" */
	_TETRA_CALLOUT_ALERT_TYPES
};

enum tetra_callout_response {
	TETRA_CALLOUT_ACCEPT = 0,
	TETRA_CALLOUT_STANDBY = 1,
	TETRA_CALLOUT_REJECT = 2,
	TETRA_CALLOUT_TEST_OK = 3,
	_TETRA_CALLOUT_RESPONSES
};

/* Fields a layout can list. The message type is not one of them: it is
 * always first (cfg->msg_type_bits wide) since it selects the layout. */
enum tetra_callout_field_id {
	TETRA_CO_F_END = 0,		/* ends the list */
	TETRA_CO_F_NUMBER,		/* call-out number: pairs answers with the alert (width 1..16) */
	TETRA_CO_F_SEVERITY,		/* severity level (width 1..8) */
	TETRA_CO_F_ALERT_TYPE,		/* alert type, coded by cfg->alert_type_code (width 1..8) */
	TETRA_CO_F_RESPONSE,		/* answer, coded by cfg->response_code (width 1..8) */
	TETRA_CO_F_SUBADDR_COUNT,	/* how many sub-addresses follow (width 1..8) */
	TETRA_CO_F_SUBADDRS,		/* that many sub-addresses, each `width` bits (1..16) */
	TETRA_CO_F_RESERVED,		/* width bits: zero when encoding, ignored when decoding (1..32) */
	TETRA_CO_F_TEXT_LEN,		/* octet count of the text that follows (width 1..8) */
	TETRA_CO_F_TEXT,		/* ISO 8859-1 octets: TEXT_LEN of them, else the rest of the PDU (width 0) */
	_TETRA_CO_F_COUNT
};

struct tetra_callout_field {
	uint8_t id;			/* enum tetra_callout_field_id */
	uint8_t width;			/* bits */
};

struct tetra_callout_cfg {
	uint8_t pid;			/* SDS protocol identifier of call-out messages */
	uint8_t msg_type_bits;		/* width of the leading message type field (1..8) */
	uint8_t msg_type_code[2];	/* wire code of each enum tetra_callout_kind */
	uint8_t alert_type_code[_TETRA_CALLOUT_ALERT_TYPES];	/* wire code per alert type */
	uint8_t response_code[_TETRA_CALLOUT_RESPONSES];	/* wire code per response */
	/* layout after the message type, per kind; ends at TETRA_CO_F_END */
	struct tetra_callout_field layout[2][TETRA_CALLOUT_MAX_FIELDS];
};

/* The default: PID 0xC3 and this (invented, unverified) layout:
 *   alert: type(4)=0 | number(16) | severity(4) | alert type(4) | sub-address
 *          count(4) | sub-addresses(16 each) | text length(8) | text(8 each)
 *   ack:   type(4)=1 | number(16) | response(4)
 * with alert types normal 0, storm 1, fallback 2, test 3 and responses
 * accept 0, standby 1, reject 2, test OK 3. Copy it and change what the
 * real system uses. */
extern const struct tetra_callout_cfg tetra_callout_default_cfg;

struct tetra_callout_alert {
	uint16_t number;		/* call-out number */
	uint8_t severity;
	uint8_t alert_type;		/* enum tetra_callout_alert_type */
	uint8_t n_subaddr;
	uint16_t subaddr[TETRA_CALLOUT_MAX_SUBADDR];
	uint8_t text_len;		/* octets in text, <= TETRA_CALLOUT_TEXT_MAX */
	uint8_t text[TETRA_CALLOUT_TEXT_MAX]; /* ISO 8859-1, not NUL-terminated */
};

struct tetra_callout_ack {
	uint16_t number;		/* the alert's call-out number */
	uint8_t response;		/* enum tetra_callout_response */
};

struct tetra_callout_msg {
	uint8_t kind;			/* enum tetra_callout_kind */
	struct tetra_callout_alert alert; /* kind ALERT */
	struct tetra_callout_ack ack;	/* kind ACK */
};

/*! Check a configuration: widths within the limits above, TEXT last,
 *  SUBADDRS after SUBADDR_COUNT, codes fitting their fields and distinct.
 *  \returns 0 or TETRA_E_INVALID. The codec calls it on every use too. */
int tetra_callout_cfg_check(const struct tetra_callout_cfg *cfg);

/*! Encode an alert as the call-out payload (no PID, no SDS-TL header).
 *  \param[out] bits bits written
 *  \returns 0, TETRA_E_INVALID (bad cfg, or a value that does not fit its
 *  field, text over 94 octets), TETRA_E_NO_SPACE. */
int tetra_callout_encode_alert(const struct tetra_callout_cfg *cfg, const struct tetra_callout_alert *alert,
			       uint8_t *out, size_t out_size, size_t *bits);

/*! Encode an acknowledgement (what a terminal sends; for the simulator and tests). */
int tetra_callout_encode_ack(const struct tetra_callout_cfg *cfg, const struct tetra_callout_ack *ack,
			     uint8_t *out, size_t out_size, size_t *bits);

/*! Decode a call-out payload (bytes after the PID and any SDS-TL header;
 *  bit_len counts only those). Nothing past bit_len is read.
 *  \returns 0, TETRA_E_TRUNCATED, TETRA_E_PDU_TYPE (unknown message type),
 *  TETRA_E_RANGE (unknown alert type / response code, too many
 *  sub-addresses, text over 94 octets), TETRA_E_INVALID (bad cfg).
 *  On failure *out is untouched. */
int tetra_callout_decode(const struct tetra_callout_cfg *cfg, const uint8_t *pdu, size_t bit_len,
			 struct tetra_callout_msg *out);

/* Names for config files and people ("number", "sub-addresses" ...; "accept"
 * ...; "storm plan" ...). Constant strings, "unlisted" when out of range. */
const char *tetra_callout_field_name(uint8_t id);
/*! Field id by name as tetra_callout_field_name() spells it, or -1. */
int tetra_callout_field_by_name(const char *name);
const char *tetra_callout_alert_type_name(uint8_t type);
const char *tetra_callout_response_name(uint8_t response);
