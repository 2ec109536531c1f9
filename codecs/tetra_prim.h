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
	TETRA_TNSDS_UNITDATA,	  /* IND: SDS type 1-4 user data, not yet decoded */
};

/* TNMM primitives (EN 300 392-2 §15.3), terminal information via PEI. */
enum tetra_tnmm_prim {
	TETRA_TNMM_OWN_IDENTITY, /* +CNUMF */
};

/* Link SAP: the bridge's own, not an ETSI SAP. */
enum tetra_link_prim {
	TETRA_LINK_UP,
	TETRA_LINK_DOWN,
};

/* PEI identity types (EN 300 392-5 §6.17 "called/calling party identity type"). */
enum tetra_id_type {
	TETRA_ID_SSI = 0,
	TETRA_ID_TSI = 1,
	TETRA_ID_SNA = 2,
	TETRA_ID_PABX = 3,
	TETRA_ID_PSTN = 4,
	TETRA_ID_EXT_TSI = 5,
	TETRA_ID_NONE = 0xff,	/* field absent in the URC */
};

/* A party: TSI = MCC(10 bits) MNC(14) SSI(24); an SSI alone has mcc = mnc = 0.
 * External numbers (PABX/PSTN) keep their dialled digits. */
struct tetra_identity {
	uint8_t type;		/* enum tetra_id_type */
	uint16_t mcc;
	uint16_t mnc;
	uint32_t ssi;
	char digits[25];	/* external number, NUL-terminated; "" otherwise */
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
	uint16_t len;		/* bytes used in data, = ceil(bit_len / 8) */
	uint8_t data[TETRA_SDS_MAX_BYTES];
};

/* ---- TNMM parameters ---------------------------------------------------- */

struct tetra_own_identity_param {
	uint8_t num_type;	/* +CNUMF <num type> */
	struct tetra_identity id;
};

/* ---- Link --------------------------------------------------------------- */

struct tetra_link_param {
	struct tetra_identity own;	/* TETRA_ID_NONE when the terminal did not say */
	int reason;			/* LINK_DOWN: -errno of the cause, 0 on a clean close */
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
		struct tetra_own_identity_param own_identity;
		struct tetra_link_param link;
	} u;
};

/* Short name of a primitive for logs and topics, e.g. "TNSDS-STATUS.ind". */
const char *tetra_prim_name(const struct osmo_prim_hdr *oph);
