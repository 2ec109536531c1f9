/* TETRA primitives: what the codecs produce from PEI lines and what the
 * bridge consumes. Layer boundaries follow libosmocore's osmo_prim_hdr with
 * SAPs under _SAP_TETRA_BASE, named after the ETSI service access points
 * they mirror (EN 300 392-2 clause 14 CMCE: TNCC; clause 13/29 SDS: TNSDS;
 * clause 15 MM: TNMM) plus a link SAP for terminal up/down.
 *
 * Everything here is plain data: no pointers into caller memory, no
 * allocation, so a primitive can be copied, queued and compared freely.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <osmocom/core/prim.h>

#include "codecs/callout.h"

enum tetra_sap {
	TETRA_SAP_TNCC = _SAP_TETRA_BASE + 1,	/* circuit mode call control */
	TETRA_SAP_TNSDS,			/* status and short data */
	TETRA_SAP_TNMM,				/* mobility management, terminal info */
	TETRA_SAP_LINK,				/* PEI link to a terminal up / down */
};

/* TNCC primitives (EN 300 392-2 §14.3 service primitives). */
enum tetra_tncc_prim {
	TETRA_TNCC_SETUP,	/* IND: incoming call (+CTICN) */
	TETRA_TNCC_CONNECT,	/* IND/CONF: call connected (+CTCC) */
	TETRA_TNCC_TX,		/* IND: transmission grant/cease/interrupt/wait */
	TETRA_TNCC_RELEASE,	/* IND: call released (+CTCR) */
};

/* TNSDS primitives (EN 300 392-2 §13.3, SDS-TL §29.2). */
enum tetra_tnsds_prim {
	TETRA_TNSDS_STATUS,	  /* IND: pre-coded status (AI service 13) */
	TETRA_TNSDS_SHORT_REPORT, /* IND: SDS-TL SHORT-REPORT carried as a status */
	TETRA_TNSDS_UNITDATA,	  /* IND: SDS type 1-4 user data not decoded (unknown PID, or malformed) */
	TETRA_TNSDS_TEXT,	  /* IND: text message (simple/immediate text, SDS-TL text messaging) */
	TETRA_TNSDS_LOCATION,	  /* IND: LIP location report (short or long) */
	TETRA_TNSDS_LOCATION_CONTROL, /* IND: LIP request / report ack / other LIP PDUs */
	TETRA_TNSDS_REPORT,	  /* IND: SDS-TL SDS-REPORT or SDS-ACK (delivery report) */
	TETRA_TNSDS_SEND_RESULT,  /* IND/CONF: +CMGS, what became of an SDS the bridge sent */
	TETRA_TNSDS_SEND,	  /* REQ: send one SDS through the terminal (struct tetra_sds_send_req);
				   * CONF: what became of it (struct tetra_sds_send_cnf) */
	TETRA_TNSDS_SEND_RELEASE, /* REQ: the requester needs no further answer about an SDS
				   * (struct tetra_sds_send_release) */
	TETRA_TNSDS_CALLOUT,	  /* IND: TCCA Simple Call-Out message, SDS-TL PID 0xC3 (struct
				   * tetra_callout_param) */
};

/* TNMM primitives (EN 300 392-2 §15.3), terminal information via PEI. */
enum tetra_tnmm_prim {
	TETRA_TNMM_OWN_IDENTITY, /* +CNUMF */
	TETRA_TNMM_OPERATING_MODE, /* +CTOM */
	TETRA_TNMM_GROUP,	 /* +CTGS: group attachment */
	TETRA_TNMM_SIGNAL,	 /* +CSQ */
	TETRA_TNMM_REGISTRATION, /* +CREG */
	TETRA_TNMM_POSITION,	 /* +GPSPOS: the terminal's own position (answer to AT+GPSPOS?) */
	TETRA_TNMM_SUPPORTED_VALUES, /* "+NAME: (..),(..)": the answer to a test command AT+NAME=? */
	TETRA_TNMM_IDENTITY_ENTRY, /* +CNUMS / +CNUMD: one of the terminal's static / dynamic identities */
};

/* Link SAP: the bridge's own, not an ETSI SAP. */
enum tetra_link_prim {
	TETRA_LINK_UP,
	TETRA_LINK_DOWN,
	TETRA_LINK_CME_ERROR,	/* "+CME ERROR: <n>" seen as a line of its own */
};

/* PEI identity types (EN 300 392-5 §6.17 "called/calling party identity type"). */
enum tetra_id_type {
	TETRA_ID_SSI = 0,
	TETRA_ID_TSI = 1,
	TETRA_ID_SNA = 2,
	TETRA_ID_PABX = 3,
	TETRA_ID_PSTN = 4,
	TETRA_ID_EXT_TSI = 5,
	TETRA_ID_UNDECODED = 0xfe, /* the terminal sent the field, but it did not decode */
	TETRA_ID_NONE = 0xff,	/* field absent in the URC */
};

/* A party: TSI = MCC(10 bits) MNC(14) SSI(24); an SSI alone has mcc = mnc = 0.
 * External numbers (PABX/PSTN) keep their dialled digits.
 * A party field that does not decode does not cost the message it is in:
 * it becomes TETRA_ID_UNDECODED, with the reason in error and the field as
 * the terminal sent it in digits (printable ASCII, anything else as '?',
 * cut at 24 characters); mcc, mnc and ssi are 0. error is meaningful only
 * then: code that builds identities of other types need not set it. */
struct tetra_identity {
	uint8_t type;		/* enum tetra_id_type */
	int8_t error;		/* TETRA_ID_UNDECODED: why (enum tetra_codec_err) */
	uint16_t mcc;
	uint16_t mnc;
	uint32_t ssi;
	char digits[25];	/* external number, or the undecoded field; NUL-terminated; "" otherwise */
};

/* AI service values (EN 300 392-5 table "AI service"). */
enum tetra_ai_service {
	TETRA_AI_SPEECH = 0,
	TETRA_AI_SDS_TYPE1 = 9,
	TETRA_AI_SDS_TYPE2 = 10,
	TETRA_AI_SDS_TYPE3 = 11,
	TETRA_AI_SDS_TYPE4 = 12,
	TETRA_AI_STATUS = 13,
};

/* ---- TNCC parameters ---------------------------------------------------- */

/* +CTICN (EN 300 392-5 §6.15.x): incoming call. */
struct tetra_cc_setup_param {
	uint8_t cc_inst;
	uint8_t call_status;	/* 0 progressing .. 4 hang time expired */
	uint8_t ai_service;
	struct tetra_identity calling;
	struct tetra_identity called;
	bool hook;		/* true: hook signalling (individual call) */
	bool simplex;
	bool e2ee;
	uint8_t comms_type;	/* 0 p2p, 1 p2mp (group), 2 p2mp ack, 3 broadcast */
	uint8_t slots_codec;
	uint8_t priority;
};

/* +CTCC: call connected. */
struct tetra_cc_connect_param {
	uint8_t cc_inst;
	bool hook;
	bool simplex;
	uint8_t ai_service;
	bool e2ee;
	uint8_t comms_type;
	uint8_t slots_codec;
};

enum tetra_tx_kind {
	TETRA_TX_GRANT,		/* +CTXG */
	TETRA_TX_CEASED,	/* +CDTXC */
	TETRA_TX_INTERRUPT,	/* +CTXI (layout unverified) */
	TETRA_TX_WAIT,		/* +CTXW (layout unverified) */
};

/* TNCC-TX: who may talk. */
struct tetra_cc_tx_param {
	uint8_t cc_inst;
	uint8_t kind;		/* enum tetra_tx_kind */
	uint8_t tx_grant;	/* 0 granted, 1 not granted, 2 queued, 3 granted to another */
	uint8_t tx_rq_permission;
	bool e2ee;
	struct tetra_identity talker; /* TPI; type TETRA_ID_NONE when absent */
};

/* +CTCR: call released. */
struct tetra_cc_release_param {
	uint8_t cc_inst;
	uint8_t cause;		/* disconnect cause, 0..40 */
};

/* ---- TNSDS parameters --------------------------------------------------- */

/* Common +CTSDSR header. */
struct tetra_sds_header {
	uint8_t ai_service;
	struct tetra_identity calling;	/* type TETRA_ID_NONE in the short forms */
	struct tetra_identity called;
	uint16_t bit_len;		/* as announced by the terminal */
	bool e2ee;
};

struct tetra_status_param {
	struct tetra_sds_header hdr;
	uint16_t value;
};

/* SDS-TL SHORT-REPORT (EN 300 392-2 §29.4.2.4): status values 0x7C00-0x7FFF. */
struct tetra_short_report_param {
	struct tetra_sds_header hdr;
	uint8_t report_type;	/* 0 protocol not supported, 1 memory full, 2 received, 3 consumed */
	uint8_t msg_ref;
};

#define TETRA_SDS_MAX_BYTES 256	/* SDS type 4: at most 2047 bits */

struct tetra_sds_unitdata_param {
	struct tetra_sds_header hdr;
	int16_t decode_error;	/* 0, or why a known PID did not decode (enum tetra_codec_err):
				 * the message is passed on raw rather than lost */
	uint16_t len;		/* bytes used in data, = ceil(bit_len / 8) */
	uint8_t data[TETRA_SDS_MAX_BYTES];
};

/* SDS-TL header fields (EN 300 392-2 §29.4.2): present for PIDs >= 0x80. */
struct tetra_sds_tl {
	bool present;
	uint8_t report_request;	/* delivery report request: 0 none, 1 received, 2 consumed, 3 both */
	bool short_report_ok;	/* service selection / short form report */
	bool storage;		/* storage/forward control block present */
	uint8_t msg_ref;	/* message reference */
	uint8_t validity;	/* storage: validity period code 0..31 */
	uint8_t forward_type;	/* storage: forward address type (0 SNA, 1 SSI, 2 TSI, 3 external, 7 none) */
	struct tetra_identity forward; /* storage: forward address */
};

/* Text messaging timestamp (§29.5.4.3). */
struct tetra_timestamp {
	bool present;
	uint8_t timeframe;	/* 0 local time, 1 UTC, 2-3 reserved */
	uint8_t month, day, hour, minute;
};

/* Concatenation (user data header IEI 0x00/0x08, or PID 0x0C/0x8C). */
struct tetra_concat {
	bool present;
	uint16_t ref;		/* message reference of the whole message */
	uint8_t total;		/* parts in all */
	uint8_t part;		/* this part, 1-based */
};

/* UTF-8 room for the longest text: 2047 bits of 7-bit GSM text is 292
 * characters, at most 3 UTF-8 bytes each; whole reassembled messages are
 * bigger and live in the caller's reassembly buffer, not here. */
#define TETRA_TEXT_MAX 880

struct tetra_text_param {
	struct tetra_sds_header hdr;
	uint8_t pid;		/* 0x02, 0x09, 0x82, 0x89, 0x8A, 0x0C, 0x8C */
	bool immediate;		/* immediate text: show at once */
	struct tetra_sds_tl tl;
	uint8_t coding;		/* text coding scheme 0..127 (0 GSM 7-bit, 1 8859-1, 26 UTF-16BE ...) */
	struct tetra_timestamp ts;
	struct tetra_concat concat;
	uint16_t replaced;	/* invalid sequences replaced by U+FFFD */
	uint16_t text_len;	/* bytes of UTF-8 in text, without the NUL */
	char text[TETRA_TEXT_MAX + 1];
};

/* LIP location report (TS 100 392-18-1 §6.3): short (PDU type 0) or long. */
struct tetra_location_param {
	struct tetra_sds_header hdr;
	uint8_t pid;		/* 0x0A or 0x83 */
	bool long_report;
	struct tetra_sds_tl tl;	/* for PID 0x83 */
	uint8_t time_type;	/* long: 0 none, 1 time elapsed, 2 time of position; short: 1 */
	uint8_t time_elapsed;	/* 0 <5 s, 1 <5 min, 2 <30 min, 3 unknown */
	uint8_t day, hour, minute, second;	/* time_type 2 */
	uint8_t shape;		/* long: location shape 0..15; short: 1 (point) */
	bool has_position;
	double longitude, latitude;	/* degrees, east and north positive */
	uint8_t position_error;	/* short / shape 10: 0 <2 m .. 6 >200 km, 7 unknown */
	bool has_uncertainty;
	double horizontal_uncertainty_m;
	bool has_altitude;
	int32_t altitude_m;
	uint8_t velocity_type;	/* long: 0..7; short: 1 */
	bool has_velocity;
	double velocity_kmh;
	bool has_direction;
	double direction_deg;
	bool ack_requested;
	bool has_reason;	/* additional data type 0 */
	uint8_t reason;
	bool has_user_data;	/* additional data type 1 */
	uint8_t user_data;
	/* Long report details (codecs/lip.h says which codings are unverified;
	 * raw codes are TETRA_LIP_ABSENT = 0xff when the PDU has none). */
	bool has_msg_ref;	/* location message reference (sent with an ack request) */
	uint8_t msg_ref;
	uint8_t altitude_type;	/* 0 above the WGS84 ellipsoid, 1 user-defined reference */
	bool has_ellipse;	/* shapes 3, 6, 8 */
	double half_major_m, half_minor_m; /* coded like the horizontal uncertainty; < 0 best effort */
	double ellipse_angle_deg;	/* v * 360 / 256 */
	bool has_arc;		/* shape 9: raw codes, units unverified */
	uint16_t arc_inner_radius, arc_uncertainty_radius;
	uint8_t arc_offset_angle, arc_included_angle;
	uint8_t confidence;	/* raw 3-bit confidence level code */
	uint8_t altitude_uncertainty; /* raw 3-bit code (0 <1 m .. 6 <300 m, 7 best effort) */
	uint8_t horizontal_velocity_uncertainty; /* raw 3-bit code */
	bool has_vertical_velocity;
	uint8_t vertical_velocity_raw;	/* 8 bits as sent (sign + 7-bit value, order unverified) */
	uint8_t vertical_velocity_uncertainty; /* raw 3-bit code */
	uint8_t direction_uncertainty;	/* raw 3-bit code */
};

/* Other LIP PDUs: location request, report ack, basic parameters, triggers. */
struct tetra_location_control_param {
	struct tetra_sds_header hdr;
	uint8_t pid;
	uint8_t pdu_ext;	/* PDU type extension (1 immediate request, 4 report ack, ...) */
	uint8_t request_type;	/* request: report type / immediate-ness as coded */
	bool ack_requested;
	uint8_t result_code;	/* report ack: result */
	uint8_t reason;		/* where the PDU carries one */
	uint8_t request_priority; /* immediate request: 2-bit request priority (meaning unverified) */
};

enum tetra_report_kind {
	TETRA_REPORT_SDS_REPORT,	/* SDS-REPORT (message type 1) */
	TETRA_REPORT_SDS_ACK,		/* SDS-ACK (message type 2) */
};

/* SDS-TL delivery report (§29.4.2.2 / §29.4.2.1). */
struct tetra_report_param {
	struct tetra_sds_header hdr;
	uint8_t pid;
	uint8_t kind;		/* enum tetra_report_kind */
	bool ack_required;
	bool storage;
	uint8_t status;		/* delivery status 0x00..0xFF */
	uint8_t msg_ref;
};

/* TCCA Simple Call-Out message (codecs/callout.h) as one SDS-TL TRANSFER
 * with PID 0xC3 carried it. The fields as decoded; the text and the octets
 * the layout does not explain are copied here as they came (the text is
 * ISO 8859-1: converting it is the event builder's business). A call-out
 * that came in a concatenated SDS is longer than one SDS and is never one
 * of these: it is reassembled (codecs/concat.h) and decoded there. */
struct tetra_callout_param {
	struct tetra_sds_header hdr;
	struct tetra_sds_tl tl;	/* the SDS-TL TRANSFER header (present) */
	uint8_t lead;		/* the octet before the kind, meaning unknown */
	uint8_t kind;		/* 4 bits: TETRA_CALLOUT_KIND_ALERT, _ANSWER, others as sent */
	uint8_t number;		/* the call-out number (answers quote the alert's) */
	uint8_t severity;	/* 4 bits */
	bool has_sender;	/* alert */
	uint16_t sender_subaddr;
	uint8_t n_receivers;
	uint16_t receivers[TETRA_CALLOUT_MAX_RECEIVERS];
	uint16_t text_len;
	uint8_t text[TETRA_SDS_MAX_BYTES];	/* ISO 8859-1 octets, not NUL-terminated */
	uint16_t rest_len;
	uint8_t rest[TETRA_SDS_MAX_BYTES];	/* octets the layout does not explain */
};

/* +CMGS: <sds instance>[,<sds status>[,<message reference>]] */
struct tetra_send_result_param {
	uint8_t sds_inst;
	bool has_status;
	uint8_t status;		/* 4 sent over the air, 5 failed (as observed) */
	bool has_msg_ref;
	uint8_t msg_ref;
};

/* TNSDS-SEND.req: one SDS for the terminal to send (EN 300 392-5 AT+CTSDS
 * selects the AI service and the called party's identity type, AT+CMGS
 * carries the user data). The data is already encoded (codecs/sds_encode.h):
 * a status value (16 bits) for AI service 13, an SDS type 4 PDU with its
 * protocol identifier for 12. */
struct tetra_sds_send_req {
	uint64_t handle;	/* the requester's: every answer carries it */
	struct tetra_identity to; /* TETRA_ID_SSI or TETRA_ID_TSI */
	uint8_t ai_service;	/* TETRA_AI_STATUS or TETRA_AI_SDS_TYPE4 */
	uint16_t bits;		/* user data length, 1..2047 */
	uint8_t data[TETRA_SDS_MAX_BYTES];
};

/* How far an SDS got: each request is answered by TAKEN (unless it failed
 * first), then exactly one of SENT or FAILED. */
enum tetra_sds_send_state {
	TETRA_SDS_SEND_TAKEN,	/* the terminal accepted it (the +CMGS answer) */
	TETRA_SDS_SEND_SENT,	/* it went over the air (+CMGS: <inst>,4), or the terminal did
				 * not say within the air wait (assumed) */
	TETRA_SDS_SEND_FAILED,	/* see cause */
};

/* Why an SDS was not sent. BUSY, NO_ANSWER and LINK_LOST are passing: the
 * same SDS may go later. REFUSED and AIR_FAILED are the terminal's answer. */
enum tetra_sds_send_cause {
	TETRA_SDS_SEND_OK,
	TETRA_SDS_SEND_BUSY,	   /* +CME ERROR 42: the terminal is transmitting */
	TETRA_SDS_SEND_NO_ANSWER,  /* an AT command got no final result in time */
	TETRA_SDS_SEND_LINK_LOST,  /* the PEI link went down (or was not up) */
	TETRA_SDS_SEND_REFUSED,	   /* ERROR or another +CME ERROR to AT+CTSDS / AT+CMGS */
	TETRA_SDS_SEND_AIR_FAILED, /* +CMGS: <inst>,<status other than 4> */
};

/* TNSDS-SEND.conf. */
struct tetra_sds_send_cnf {
	uint64_t handle;
	uint8_t state;		/* enum tetra_sds_send_state */
	uint8_t cause;		/* FAILED: enum tetra_sds_send_cause */
	bool submitted;		/* AT+CMGS was written for this answer's attempt */
	bool assumed;		/* SENT: the terminal never said; the air wait ran out */
	int16_t sds_inst;	/* the terminal's SDS instance (TAKEN on), -1 when it gave none */
	int16_t cme;		/* FAILED by +CME ERROR: its number, else -1 */
	int16_t air_status;	/* AIR_FAILED: the <sds status> the terminal gave */
	char reason[96];	/* FAILED, or SENT assumed: a sentence for people, without health data */
};

/* TNSDS-SEND-RELEASE.req. */
struct tetra_sds_send_release {
	uint64_t handle;
};

/* ---- TNMM parameters ---------------------------------------------------- */

struct tetra_own_identity_param {
	uint8_t num_type;	/* +CNUMF <num type> */
	struct tetra_identity id;
};

struct tetra_mode_param {	/* +CTOM */
	uint8_t ai_mode;	/* 0 TMO, 1 DMO, 2-6 dual watch / gateway / repeater */
};

struct tetra_group_param {	/* +CTGS */
	uint8_t group_type;	/* 0 none, 1 select, 2-7 scan priority 1-6 */
	struct tetra_identity group;
};

struct tetra_signal_param {	/* +CSQ */
	uint8_t rssi;		/* 0..31, 99 unknown */
	uint8_t ber;		/* 99 unknown */
	bool known;
	int16_t dbm;		/* -113 + 2 * rssi when known */
};

struct tetra_registration_param {	/* +CREG */
	uint8_t stat;		/* 0 searching, 1 home, 2 not registered, 3 rejected, 4 unknown, 5 visited */
	bool has_la;
	uint32_t la;		/* location area */
	bool has_mni;
	uint16_t mcc, mnc;	/* MNI */
};

/* Answers whose layout no public source confirms keep their parameters as
 * sent: printable ASCII (anything else as '?'), blanks around them trimmed,
 * cut at this many characters. */
#define TETRA_ANSWER_TEXT_MAX 96

/* +GPSPOS (Motorola; layout in pei_urc.c): each part is set only when it
 * decoded; text always. A position: health data, never logged at INFO+. */
struct tetra_position_param {
	int16_t decode_error;	/* 0, or why (a part of) the answer did not decode */
	bool has_time;
	uint8_t hour, minute, second;	/* UTC, of the fix */
	bool has_position;
	double latitude, longitude;	/* degrees, north and east positive */
	bool has_satellites;
	uint8_t satellites;
	char text[TETRA_ANSWER_TEXT_MAX + 1];
};

#define TETRA_SUPPORTED_MAX_PARAMS 8	/* parameters kept of a test command's answer */
#define TETRA_SUPPORTED_MAX_SPANS 4	/* value spans kept per parameter */

/* Values low..high (low == high for a single value). */
struct tetra_value_span {
	uint32_t low, high;
};

/* The answer to a test command, "+CMGS: (0-255),(0-2047)" (V.250's form:
 * for each parameter the values the terminal supports). Which parameter is
 * which is the command's business; numbers are decoded, everything else
 * stays in text. */
struct tetra_supported_values_param {
	char command[16];	/* the result code's name, e.g. "+CMGS" */
	int16_t decode_error;	/* 0, or why a part did not decode (or was not kept) */
	uint8_t n_params;
	struct {
		uint8_t n_spans;	/* 0: empty, or not a list of numbers (see text) */
		struct tetra_value_span span[TETRA_SUPPORTED_MAX_SPANS];
	} param[TETRA_SUPPORTED_MAX_PARAMS];
	char text[TETRA_ANSWER_TEXT_MAX + 1];
};

enum tetra_identity_list {
	TETRA_IDENTITIES_STATIC,	/* +CNUMS */
	TETRA_IDENTITIES_DYNAMIC,	/* +CNUMD */
};

#define TETRA_ALIAS_MAX 48

/* +CNUMS / +CNUMD: one line of the terminal's list of its static or
 * dynamic identities (layout in pei_urc.c, unverified); text always. */
struct tetra_identity_entry_param {
	uint8_t list;		/* enum tetra_identity_list */
	int16_t decode_error;	/* 0, or why (a part of) the line did not decode */
	bool has_num_type;
	uint8_t num_type;	/* as sent (the <num type> of +CNUMF) */
	struct tetra_identity id;	/* NONE when the line has none */
	char alias[TETRA_ALIAS_MAX + 1];	/* as sent, quotes removed; printable ASCII, else '?' */
	char text[TETRA_ANSWER_TEXT_MAX + 1];
};

/* ---- Link --------------------------------------------------------------- */

struct tetra_link_param {
	struct tetra_identity own;	/* TETRA_ID_NONE when the terminal did not say */
	int reason;			/* LINK_DOWN: -errno of the cause, 0 on a clean close */
	int cme;			/* LINK_CME_ERROR: the error number */
};

/* One primitive. oph.msg is unused (NULL): parameters travel in the union. */
struct tetra_prim {
	struct osmo_prim_hdr oph;
	union {
		struct tetra_cc_setup_param cc_setup;
		struct tetra_cc_connect_param cc_connect;
		struct tetra_cc_tx_param cc_tx;
		struct tetra_cc_release_param cc_release;
		struct tetra_status_param status;
		struct tetra_short_report_param short_report;
		struct tetra_sds_unitdata_param unitdata;
		struct tetra_text_param text;
		struct tetra_location_param location;
		struct tetra_location_control_param location_control;
		struct tetra_report_param report;
		struct tetra_callout_param callout;
		struct tetra_send_result_param send_result;
		struct tetra_sds_send_req sds_send_req;
		struct tetra_sds_send_cnf sds_send_cnf;
		struct tetra_sds_send_release sds_send_release;
		struct tetra_own_identity_param own_identity;
		struct tetra_mode_param mode;
		struct tetra_group_param group;
		struct tetra_signal_param signal;
		struct tetra_registration_param registration;
		struct tetra_position_param position;
		struct tetra_supported_values_param supported;
		struct tetra_identity_entry_param identity_entry;
		struct tetra_link_param link;
	} u;
};

/* Short name of a primitive for logs and topics, e.g. "TNSDS-STATUS.ind". */
const char *tetra_prim_name(const struct osmo_prim_hdr *oph);
