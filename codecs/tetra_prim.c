/* Names of TETRA primitives for logs and event topics.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "codecs/tetra_prim.h"

#include <osmocom/core/utils.h>

/* Every primitive with all four operations, so any (prim, op) pair a layer
 * may build has a stable constant name; no formatting, no static buffer. */
#define TETRA_PRIM_OPS(prim, name)					\
	{ OSMO_PRIM(prim, PRIM_OP_REQUEST), name ".req" },		\
	{ OSMO_PRIM(prim, PRIM_OP_RESPONSE), name ".resp" },		\
	{ OSMO_PRIM(prim, PRIM_OP_INDICATION), name ".ind" },		\
	{ OSMO_PRIM(prim, PRIM_OP_CONFIRM), name ".conf" }

static const struct value_string tncc_prim_names[] = {
	TETRA_PRIM_OPS(TETRA_TNCC_SETUP, "TNCC-SETUP"),
	TETRA_PRIM_OPS(TETRA_TNCC_CONNECT, "TNCC-CONNECT"),
	TETRA_PRIM_OPS(TETRA_TNCC_TX, "TNCC-TX"),
	TETRA_PRIM_OPS(TETRA_TNCC_RELEASE, "TNCC-RELEASE"),
	{ 0, NULL }
};

static const struct value_string tnsds_prim_names[] = {
	TETRA_PRIM_OPS(TETRA_TNSDS_STATUS, "TNSDS-STATUS"),
	TETRA_PRIM_OPS(TETRA_TNSDS_SHORT_REPORT, "TNSDS-SHORT-REPORT"),
	TETRA_PRIM_OPS(TETRA_TNSDS_UNITDATA, "TNSDS-UNITDATA"),
	TETRA_PRIM_OPS(TETRA_TNSDS_TEXT, "TNSDS-TEXT"),
	TETRA_PRIM_OPS(TETRA_TNSDS_LOCATION, "TNSDS-LOCATION"),
	TETRA_PRIM_OPS(TETRA_TNSDS_LOCATION_CONTROL, "TNSDS-LOCATION-CONTROL"),
	TETRA_PRIM_OPS(TETRA_TNSDS_REPORT, "TNSDS-REPORT"),
	TETRA_PRIM_OPS(TETRA_TNSDS_SEND_RESULT, "TNSDS-SEND-RESULT"),
	TETRA_PRIM_OPS(TETRA_TNSDS_SEND, "TNSDS-SEND"),
	TETRA_PRIM_OPS(TETRA_TNSDS_SEND_RELEASE, "TNSDS-SEND-RELEASE"),
	TETRA_PRIM_OPS(TETRA_TNSDS_CALLOUT, "TNSDS-CALLOUT"),
	{ 0, NULL }
};

static const struct value_string tnmm_prim_names[] = {
	TETRA_PRIM_OPS(TETRA_TNMM_OWN_IDENTITY, "TNMM-OWN-IDENTITY"),
	TETRA_PRIM_OPS(TETRA_TNMM_OPERATING_MODE, "TNMM-OPERATING-MODE"),
	TETRA_PRIM_OPS(TETRA_TNMM_GROUP, "TNMM-GROUP"),
	TETRA_PRIM_OPS(TETRA_TNMM_SIGNAL, "TNMM-SIGNAL"),
	TETRA_PRIM_OPS(TETRA_TNMM_REGISTRATION, "TNMM-REGISTRATION"),
	TETRA_PRIM_OPS(TETRA_TNMM_POSITION, "TNMM-POSITION"),
	TETRA_PRIM_OPS(TETRA_TNMM_SUPPORTED_VALUES, "TNMM-SUPPORTED-VALUES"),
	TETRA_PRIM_OPS(TETRA_TNMM_IDENTITY_ENTRY, "TNMM-IDENTITY-ENTRY"),
	{ 0, NULL }
};

static const struct value_string link_prim_names[] = {
	TETRA_PRIM_OPS(TETRA_LINK_UP, "LINK-UP"),
	TETRA_PRIM_OPS(TETRA_LINK_DOWN, "LINK-DOWN"),
	TETRA_PRIM_OPS(TETRA_LINK_CME_ERROR, "LINK-CME-ERROR"),
	{ 0, NULL }
};

/*! Short name of a primitive, e.g. "TNSDS-STATUS.ind".
 *  \returns a constant string; "unknown" for a SAP/primitive/operation this
 *  layer does not define (never NULL, never a formatted buffer). */
const char *tetra_prim_name(const struct osmo_prim_hdr *oph)
{
	const struct value_string *vs;
	const char *name;

	if (!oph || oph->primitive > 0xff || (unsigned)oph->operation > PRIM_OP_CONFIRM)
		return "unknown";
	switch (oph->sap) {
	case TETRA_SAP_TNCC:
		vs = tncc_prim_names;
		break;
	case TETRA_SAP_TNSDS:
		vs = tnsds_prim_names;
		break;
	case TETRA_SAP_TNMM:
		vs = tnmm_prim_names;
		break;
	case TETRA_SAP_LINK:
		vs = link_prim_names;
		break;
	default:
		return "unknown";
	}
	name = get_value_string_or_null(vs, OSMO_PRIM_HDR(oph));
	return name ? name : "unknown";
}
