/* Location Information Protocol, LIP (ETSI TS 100 392-18-1): short and long
 * location reports, the immediate location report request and the names of
 * its code points. Pure functions: no I/O, no allocation, no clocks.
 *
 * Every function takes the LIP PDU WITHOUT the protocol identifier octet
 * (0x0A, or 0x83 "location system" where the caller has also removed the
 * SDS-TL TRANSFER header); bit lengths count only the LIP PDU's bits.
 *
 * What is decoded and how sure we are (see lip.c for the per-field notes):
 *  - short report: every field (layout and codings confirmed by the
 *    examples of docs/protocol.md §11);
 *  - long report (PDU type 01, extension 0011): time, every location shape
 *    0..10, every velocity type 0..7, ack request, reason / user data;
 *    field widths agree across two independent public decoders. Values whose
 *    coding is NOT verified are passed on as raw codes, never converted:
 *    confidence level, altitude uncertainty, velocity / direction
 *    uncertainties, vertical velocity (sign/value order unverified), arc
 *    radii and angles. Shapes 11..15 and time type 3 are reserved: their
 *    length is unknown, so the PDU is refused with TETRA_E_RANGE;
 *  - location message reference after the reason (unverified: read only
 *    when an acknowledgement is requested and 8 bits remain);
 *  - optional elements after the mandatory fields (O-bit) are ignored;
 *  - other extensions become TETRA_TNSDS_LOCATION_CONTROL with pdu_ext set;
 *    of their fields only the immediate location report request's request
 *    priority(2) and report type(2) are read (widths from the spec as
 *    remembered, unverified). Reserved extensions and PDU types 10/11 give
 *    TETRA_E_PDU_TYPE.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "codecs/codec_err.h"
#include "codecs/tetra_prim.h"

/* Protocol identifiers that carry LIP (EN 300 392-2 §29.4.3.9). */
#define TETRA_PID_LIP		0x0A	/* LIP without SDS-TL */
#define TETRA_PID_LOCATION_TL	0x83	/* location system, with SDS-TL */

/* PDU type (2 bits) and PDU type extension (4 bits), TS 100 392-18-1 §6.3. */
enum tetra_lip_pdu_type {
	TETRA_LIP_PDU_SHORT = 0,	/* short location report */
	TETRA_LIP_PDU_EXT = 1,		/* PDU with a 4-bit extension */
};

enum tetra_lip_pdu_ext {
	TETRA_LIP_EXT_IMMEDIATE_REQUEST = 1,	/* immediate location report request */
	TETRA_LIP_EXT_LONG_REPORT = 3,		/* long location report */
	TETRA_LIP_EXT_REPORT_ACK = 4,		/* location report acknowledgement */
	TETRA_LIP_EXT_BASIC_PARAMS = 5,		/* basic location parameters request/response */
	TETRA_LIP_EXT_ADD_TRIGGER = 6,		/* add/modify trigger request/response */
	TETRA_LIP_EXT_REMOVE_TRIGGER = 7,	/* remove trigger request/response */
	TETRA_LIP_EXT_REPORT_TRIGGER = 8,	/* report trigger request/response */
	TETRA_LIP_EXT_REPORT_BASIC = 9,		/* report basic location parameters */
	TETRA_LIP_EXT_ENABLE = 10,		/* location reporting enable/disable */
	TETRA_LIP_EXT_TEMP_CONTROL = 11,	/* location reporting temporary control */
	TETRA_LIP_EXT_BACKLOG = 12,		/* backlog request/response */
};

/* Location shapes (4 bits). */
enum tetra_lip_shape {
	TETRA_LIP_SHAPE_NONE = 0,
	TETRA_LIP_SHAPE_POINT = 1,
	TETRA_LIP_SHAPE_CIRCLE = 2,
	TETRA_LIP_SHAPE_ELLIPSE = 3,
	TETRA_LIP_SHAPE_POINT_ALT = 4,
	TETRA_LIP_SHAPE_CIRCLE_ALT = 5,
	TETRA_LIP_SHAPE_ELLIPSE_ALT = 6,
	TETRA_LIP_SHAPE_CIRCLE_ALT_UNC = 7,
	TETRA_LIP_SHAPE_ELLIPSE_ALT_UNC = 8,
	TETRA_LIP_SHAPE_ARC = 9,
	TETRA_LIP_SHAPE_POINT_ERROR = 10,
};

/* Velocity types (3 bits). */
enum tetra_lip_velocity_type {
	TETRA_LIP_VEL_NONE = 0,
	TETRA_LIP_VEL_H = 1,		/* horizontal(7) */
	TETRA_LIP_VEL_H_UNC = 2,	/* + horizontal uncertainty(3) */
	TETRA_LIP_VEL_HV = 3,		/* horizontal(7) + vertical(8) */
	TETRA_LIP_VEL_HV_UNC = 4,	/* h(7) h-unc(3) vertical(8) v-unc(3) */
	TETRA_LIP_VEL_H_DIR = 5,	/* h(7) direction(8) */
	TETRA_LIP_VEL_H_DIR_UNC = 6,	/* h(7) h-unc(3) direction(8) dir-unc(3) */
	TETRA_LIP_VEL_ALL = 7,		/* h(7) h-unc(3) vertical(8) v-unc(3) direction(8) dir-unc(3) */
};

/* Report type of the immediate location report request (2 bits). Only 0/1
 * are named: the meaning of 2 and 3 is unverified. */
enum tetra_lip_report_type {
	TETRA_LIP_REPORT_SHORT = 0,	/* short location report preferred */
	TETRA_LIP_REPORT_LONG = 1,	/* long location report preferred */
};

/* A raw code field that the PDU did not carry. */
#define TETRA_LIP_ABSENT 0xff

/* Position error (3 bits): 0 <2 m .. 6 >200 km, 7 unknown. */
#define TETRA_LIP_POS_ERR_UNKNOWN 7
/* Horizontal velocity code 127: speed not known. */
#define TETRA_LIP_VELOCITY_UNKNOWN 127

/* Decode a LIP PDU. pdu holds the bytes AFTER the PID octet (and after any
 * SDS-TL header), at least ceil(bit_len / 8) of them; bit_len counts only
 * those bits and nothing past it is read. hdr is copied into the result
 * (may be NULL: zeroed header); pid is stored in the result. The SDS-TL
 * fields (u.location.tl) are left zeroed: for PID 0x83 the caller fills them.
 * Fills out->u.location (TETRA_TNSDS_LOCATION) for short and long reports,
 * or out->u.location_control (TETRA_TNSDS_LOCATION_CONTROL) for other PDUs.
 * Returns 0 or a negative tetra_codec_err; on failure *out is untouched. */
int tetra_lip_decode(const struct tetra_sds_header *hdr, uint8_t pid,
		     const uint8_t *pdu, size_t bit_len, struct tetra_prim *out);

/* Encode a short location report (for tests, the simulator and round trips)
 * from loc (uses longitude/latitude, time_elapsed, position_error,
 * velocity_kmh or unknown (has_velocity false), direction_deg (or unknown:
 * code 15), reason or user data (has_user_data)). Values are rounded to the
 * nearest code. Writes the LIP PDU without the PID octet (76 bits);
 * *bits = bits written. TETRA_E_INVALID for coordinates outside
 * ±180/±90 or NaN, TETRA_E_NO_SPACE if out_size is too small. */
int tetra_lip_encode_short(const struct tetra_location_param *loc, uint8_t *out, size_t out_size, size_t *bits);

/* Encode a long location report (all shapes, velocity types and altitude
 * forms the decoder knows) from loc: time_type, shape and velocity_type
 * select the forms; the fields they need are taken from loc (raw codes for
 * the unverified ones). Writes the location message reference when
 * ack_requested and has_msg_ref. Writes no PID; *bits = bits written. */
int tetra_lip_encode_long(const struct tetra_location_param *loc, uint8_t *out, size_t out_size, size_t *bits);

/* Encode an immediate location report request (PDU type 01, extension
 * 0001) asking the terminal to report now: request priority 0 (normal),
 * report_type (enum tetra_lip_report_type, 0..3), O-bit 0 (no optional
 * elements: the report goes to the requester). 11 bits, no PID. */
int tetra_lip_encode_immediate_request(uint8_t report_type, uint8_t *out, size_t out_size, size_t *bits);

/* Quantisation helpers (exact table values; no pow() per call). */
/*! Horizontal velocity code 0..126 -> km/h (K <= 28: K; else 16 * 1.038^(K-13)); < 0 for 127 (unknown). */
double tetra_lip_velocity_kmh(uint8_t code);
/*! Nearest horizontal velocity code 0..126 for a speed >= 0 (km/h). */
uint8_t tetra_lip_velocity_code(double kmh);
/*! 6-bit horizontal position uncertainty code 0..62 -> metres (2 * 1.2^(K+5) - 4); < 0 for 63 (best effort). */
double tetra_lip_uncertainty_m(uint8_t code);
/*! Smallest code 0..62 whose bound covers metres (63 if none does). */
uint8_t tetra_lip_uncertainty_code(double metres);
/*! 11-bit altitude code 1..2047 -> metres (docs/protocol.md §7.9); INT32_MIN for 0 ("not known") and > 2047. */
int32_t tetra_lip_altitude_m(uint16_t code);
/*! Nearest altitude code 1..2047 for metres (clamped to -200 .. 11525). */
uint16_t tetra_lip_altitude_code(int32_t metres);

/* Names for people: "power on", "emergency", ... and "<2 m" etc. Constant
 * strings, never NULL; a value without an entry gives "unlisted". */
const char *tetra_lip_reason_name(uint8_t reason);
const char *tetra_lip_position_error_name(uint8_t code);
