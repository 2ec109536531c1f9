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
