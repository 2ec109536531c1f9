/* Human-readable names of PEI/TETRA code points (EN 300 392-5), for logs,
 * tetractl and VTY output. Pure lookups in const value_string tables.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <osmocom/core/utils.h>

/* The tables, for get_value_string() / get_string_value() and VTY help. */
extern const struct value_string tetra_disconnect_cause_names[];
extern const struct value_string tetra_cme_error_names[];
extern const struct value_string tetra_call_status_names[];
extern const struct value_string tetra_tx_grant_names[];
extern const struct value_string tetra_ai_mode_names[];
extern const struct value_string tetra_group_type_names[];
extern const struct value_string tetra_reg_stat_names[];
extern const struct value_string tetra_send_status_names[];
extern const struct value_string tetra_report_request_names[];
extern const struct value_string tetra_time_elapsed_names[];
extern const struct value_string tetra_location_pdu_names[];

/* Every function returns a constant string and never NULL; a value without
 * an entry gives "unlisted" (no formatting, no static buffer). */

/*! +CTCR <disconnect cause> 0..40, e.g. 1 -> "user request"; 23..30 "reserved". */
const char *tetra_disconnect_cause_name(unsigned cause);
/*! +CME ERROR <n>, e.g. 35 -> "syntax error". */
const char *tetra_cme_error_name(unsigned n);
/*! +CTICN <call status> 0..4, e.g. 2 -> "called party paged". */
const char *tetra_call_status_name(unsigned status);
/*! +CTXG <tx grant> 0..3, e.g. 3 -> "granted to another". */
const char *tetra_tx_grant_name(unsigned grant);
/*! +CTOM <AI mode> 0..6, e.g. 1 -> "DMO". */
const char *tetra_ai_mode_name(unsigned mode);
/*! +CTGS <group type> 0..7, e.g. 1 -> "select", 3 -> "scan priority 2". */
const char *tetra_group_type_name(unsigned type);
/*! +CREG <reg stat> 0..5, e.g. 1 -> "registered, home network". */
const char *tetra_reg_stat_name(unsigned stat);
/*! +CMGS <sds status>: 4 -> "sent", 5 -> "failed" (the values observed;
 *  others are "unlisted"). */
const char *tetra_send_status_name(unsigned status);
/*! SDS-TL delivery report request 0..3: "none", "received", "consumed",
 *  "received and consumed". */
const char *tetra_report_request_name(unsigned req);
/*! LIP time elapsed 0..3: "<5 s", "<5 min", "<30 min", "unknown". */
const char *tetra_time_elapsed_name(unsigned code);
/*! LIP PDU type extension 0..15 (TS 100 392-18-1), e.g. 1 -> "immediate
 *  location report request", 4 -> "location report acknowledgement". */
const char *tetra_location_pdu_name(unsigned ext);
