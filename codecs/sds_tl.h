/* SDS-TL, the SDS transport layer (EN 300 392-2 §29.4): the headers of
 * SDS-TRANSFER, SDS-REPORT and SDS-ACK, the storage/forward control block,
 * SDS-SHORT-REPORT values, delivery status names, and the header of the
 * concatenated SDS message protocol (PID 0x0C / 0x8C).
 *
 * Pure functions over the bounds-checked bit reader/writer (codecs/bitio.h):
 * no I/O, no allocation, no globals but const tables.
 *
 * PDU layouts, MSB first (docs/protocol.md §5):
 *   SDS-TRANSFER: PID(8) | type(4)=0 | delivery report request(2) |
 *                 service selection / short form report(1) | storage(1) |
 *                 message ref(8) | [storage block] | user data
 *   SDS-REPORT:   PID(8) | type(4)=1 | ack required(1) | reserved(2) |
 *                 storage(1) | delivery status(8) | message ref(8) |
 *                 [storage block] | [user data]
 *   SDS-ACK:      PID(8) | type(4)=2 | reserved(4) | delivery status(8) |
 *                 message ref(8)
 *   storage block: validity(5) | forward address type(3) | address:
 *                 0 SNA(8), 1 SSI(24), 2 TSI = MNI(24: MCC 10, MNC 14) +
 *                 SSI(24), 3 external number = digit count(8) + digits(4
 *                 each), 7 none; 4..6 reserved (length unknown: refused).
 *
 * Unverified (kept as raw values, or stated here):
 *  - the service selection / short form report bit is passed on as sent
 *    (tetra_sds_tl.short_report_ok = bit value); which of 0/1 means "short
 *    form report recommended" was not checked against the spec text. The
 *    examples of docs/protocol.md §11 (0x82 0x02 ...) set it to 1, as do our encoders;
 *  - external number digits: 0-9, 0xA '*', 0xB '#', 0xC '+' (the CMCE
 *    external subscriber number digit coding), 0xD-0xF refused; at most 24
 *    digits; an odd digit count is NOT padded to an octet (no dummy digit),
 *    so the user data after it may start off an octet boundary;
 *  - the concatenated SDS header (PID 0x0C/0x8C), see
 *    tetra_sds_concat_hdr_read().
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codecs/bitio.h"
#include "codecs/codec_err.h"
#include "codecs/tetra_prim.h"

/* Protocol identifiers (EN 300 392-2 §29.4.3.9, docs/protocol.md §5). */
#define TETRA_PID_SIMPLE_TEXT		0x02
#define TETRA_PID_SIMPLE_LOCATION	0x03	/* NMEA, no SDS-TL */
#define TETRA_PID_SIMPLE_IMM_TEXT	0x09
/*	TETRA_PID_LIP			0x0A	   codecs/lip.h */
#define TETRA_PID_CONCAT		0x0C	/* concatenated SDS message, no SDS-TL */
#define TETRA_PID_TEXT			0x82	/* text messaging, SDS-TL */
/*	TETRA_PID_LOCATION_TL		0x83	   codecs/lip.h */
#define TETRA_PID_IMM_TEXT		0x89	/* immediate text messaging, SDS-TL */
#define TETRA_PID_TEXT_UDH		0x8A	/* message with user data header, SDS-TL */
#define TETRA_PID_CONCAT_TL		0x8C	/* concatenated SDS message, SDS-TL */

/* A PID uses SDS-TL when its top bit is set (0x80..0xFF). */
static inline bool tetra_pid_has_tl(uint8_t pid)
{
	return pid & 0x80;
}

/* SDS-TL message type (4 bits). 3..7 reserved, 8..15 application defined. */
enum tetra_sds_tl_type {
	TETRA_SDS_TL_TRANSFER = 0,
	TETRA_SDS_TL_REPORT = 1,
	TETRA_SDS_TL_ACK = 2,
};

/* Delivery report request (2 bits). */
enum tetra_sds_report_request {
	TETRA_SDS_RR_NONE = 0,
	TETRA_SDS_RR_RECEIVED = 1,
	TETRA_SDS_RR_CONSUMED = 2,
	TETRA_SDS_RR_BOTH = 3,
};

/* Forward address type (3 bits). */
enum tetra_sds_fwd_type {
	TETRA_SDS_FWD_SNA = 0,
	TETRA_SDS_FWD_SSI = 1,
	TETRA_SDS_FWD_TSI = 2,
	TETRA_SDS_FWD_EXTERNAL = 3,
	TETRA_SDS_FWD_NONE = 7,
};

/* Delivery status values used by the bridge (§29.4.3.2, docs/protocol.md §5). */
#define TETRA_SDS_ST_RECEIVED		0x00	/* receipt acknowledged by destination */
#define TETRA_SDS_ST_RECEIPT_REPORT_ACK	0x01
#define TETRA_SDS_ST_CONSUMED		0x02
#define TETRA_SDS_ST_CONSUMED_REPORT_ACK 0x03
#define TETRA_SDS_ST_CONCAT_PART_RECEIVED 0x06
#define TETRA_SDS_ST_PROTOCOL_NOT_SUPPORTED 0x50
#define TETRA_SDS_ST_CODING_NOT_SUPPORTED 0x51

/* The fixed header of any SDS-TL PDU, as read or to be written. */
struct tetra_sds_tl_hdr {
	uint8_t pid;
	uint8_t type;		/* enum tetra_sds_tl_type (other values: see tetra_sds_tl_read) */
	/* TRANSFER: every field. REPORT: storage, validity, forward_type,
	 * forward, msg_ref (report_request 0, short_report_ok false).
	 * ACK: msg_ref only. present is always true. */
	struct tetra_sds_tl tl;
	bool ack_required;	/* REPORT */
	uint8_t status;		/* REPORT, ACK: delivery status */
};

/*! Read an SDS-TL header: PID, message type and the type's fields, with the
 *  storage block when its flag is set. Leaves br at the user data (TRANSFER,
 *  REPORT) or after the PDU (ACK).
 *  \returns 0; TETRA_E_TRUNCATED when the PDU ends early; TETRA_E_PDU_TYPE
 *  for message types other than 0..2 (h->pid and h->type are then set);
 *  TETRA_E_RANGE for a reserved forward address type or an external number
 *  that is too long or has a reserved digit. On failure the other fields of
 *  *h are unspecified. */
int tetra_sds_tl_read(struct tetra_bitreader *br, struct tetra_sds_tl_hdr *h);

/*! Write an SDS-TL header (PID .. storage block) for types 0..2 from h;
 *  the caller appends the user data. tl.present is ignored.
 *  \returns 0, TETRA_E_INVALID (type > 2, report_request > 3, validity > 31,
 *  unknown forward type or forward address out of range), TETRA_E_NO_SPACE. */
int tetra_sds_tl_write(struct tetra_bitwriter *bw, const struct tetra_sds_tl_hdr *h);

/*! Read a storage/forward control block into tl (validity, forward_type,
 *  forward; storage is set true). Errors as tetra_sds_tl_read(). The forward
 *  identity gets type SNA (ssi = SNA), SSI, TSI (mcc, mnc, ssi), PSTN
 *  (digits; "external subscriber number": PABX or PSTN is not said) or
 *  TETRA_ID_NONE. */
int tetra_sds_storage_read(struct tetra_bitreader *br, struct tetra_sds_tl *tl);

/*! Write a storage block from tl (validity, forward_type, forward). */
int tetra_sds_storage_write(struct tetra_bitwriter *bw, const struct tetra_sds_tl *tl);

/*! Clear tl to "no SDS-TL" (present false, forward type TETRA_ID_NONE, 7 none). */
void tetra_sds_tl_clear(struct tetra_sds_tl *tl);

/*! Validity period code 0..31 in seconds: 0 none; 1-6 x10 s; 7-10 (v-5) min;
 *  11-16 (v-10)x10 min; 17-21 (v-15) h; 22-24 (v-20)x6 h; 25-30 (v-24)x2 days;
 *  UINT32_MAX for 31 (infinite) and codes above 31. */
uint32_t tetra_sds_validity_s(uint8_t code);

/* ---- delivery status ---------------------------------------------------- */

enum tetra_sds_status_class {
	TETRA_SDS_CLASS_SUCCESS = 0,	/* 000 */
	TETRA_SDS_CLASS_TEMPORARY = 1,	/* 001 temporary error */
	TETRA_SDS_CLASS_FAILED = 2,	/* 010 data transfer failed */
	TETRA_SDS_CLASS_FLOW_CONTROL = 3, /* 011 */
	TETRA_SDS_CLASS_END_TO_END = 4,	/* 100 end-to-end control */
	/* 5..7 reserved */
};

/*! Class of a delivery status: its top 3 bits (enum tetra_sds_status_class). */
static inline uint8_t tetra_sds_status_class(uint8_t status)
{
	return status >> 5;
}

/*! "success", "temporary error", "failed", "flow control",
 *  "end-to-end control" or "reserved". Never NULL. */
const char *tetra_sds_status_class_name(uint8_t status);

/*! Name of a delivery status, e.g. 0x00 "received", 0x4B "not registered",
 *  other 0x40-0x5F "failed"; "unlisted" for values without a name. Never NULL. */
const char *tetra_sds_status_name(uint8_t status);

/* ---- SDS-SHORT-REPORT (a 16-bit status value) --------------------------- */

/* 011111 | report type(2) | message ref(8): 0x7C00..0x7FFF. */
static inline bool tetra_sds_is_short_report(uint16_t value)
{
	return (value & 0xFC00) == 0x7C00;
}

/*! The status value carrying a SHORT-REPORT (type 0..3, higher bits dropped). */
static inline uint16_t tetra_sds_short_report_value(uint8_t report_type, uint8_t msg_ref)
{
	return (uint16_t)(0x7C00 | ((report_type & 3u) << 8) | msg_ref);
}

/*! 0 "protocol not supported", 1 "memory full", 2 "received", 3 "consumed". */
const char *tetra_sds_short_report_name(uint8_t report_type);

/* ---- concatenated SDS message (PID 0x0C, 0x8C) -------------------------- */

/* Header of one part of a concatenated SDS message, after the PID (0x0C) or
 * after the SDS-TRANSFER header (0x8C). LAYOUT UNVERIFIED: it follows the one
 * public implementation found (ftl/tetra-pei, exercised with field traffic),
 * not the spec text:
 *   PDU type(3)=0 | reference extension flag(1) | reference(4) |
 *   [reference extension(8): then ref = 12 bits, flag bits first] |
 *   total parts(8) | part number(8, 1-based) |
 *   [part 1 only: PID of the embedded message(8)] | payload octets
 * The payload octets of all parts, in order, are the embedded SDS user data;
 * a part is a byte slice of it, not a text of its own. */
struct tetra_sds_concat_hdr {
	uint16_t ref;		/* 4 or 12 bits */
	uint8_t total;
	uint8_t part;
	bool has_pid;		/* part 1 */
	uint8_t pid;		/* embedded message's PID */
};

/*! Read the concatenation header (above); leaves br at the payload.
 *  \returns 0, TETRA_E_TRUNCATED, TETRA_E_PDU_TYPE (PDU type not 0),
 *  TETRA_E_RANGE (total or part 0, part > total). */
int tetra_sds_concat_hdr_read(struct tetra_bitreader *br, struct tetra_sds_concat_hdr *c);
