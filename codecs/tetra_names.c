/* Names of PEI/TETRA code points (EN 300 392-5).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "codecs/tetra_names.h"

/* +CTCR disconnect cause (EN 300 392-5; docs/protocol.md §3.2). */
const struct value_string tetra_disconnect_cause_names[] = {
	{ 0, "unknown" },
	{ 1, "user request" },
	{ 2, "busy" },
	{ 3, "not reachable" },
	{ 4, "no encryption support" },
	{ 5, "congestion" },
	{ 6, "not allowed traffic" },
	{ 7, "incompatible traffic" },
	{ 8, "service not available" },
	{ 9, "pre-emption" },
	{ 10, "invalid call id" },
	{ 11, "called party rejection" },
	{ 12, "no idle CC entity" },
	{ 13, "timer expiry" },
	{ 14, "SwMI disconnect" },
	{ 15, "no acknowledgement" },
	{ 16, "unknown TETRA identity" },
	{ 17, "SS-dependent" },
	{ 18, "unknown external number" },
	{ 19, "call restoration failed" },
	{ 20, "encryption required" },
	{ 21, "concurrent set-up not supported" },
	{ 22, "same DM-GATE" },
	{ 23, "reserved" },
	{ 24, "reserved" },
	{ 25, "reserved" },
	{ 26, "reserved" },
	{ 27, "reserved" },
	{ 28, "reserved" },
	{ 29, "reserved" },
	{ 30, "reserved" },
	{ 31, "unacceptable service" },
	{ 32, "pre-emption by late-entering gateway" },
	{ 33, "link to DM-REP failed" },
	{ 34, "link to gateway failed" },
	{ 35, "rejected by gateway" },
	{ 36, "V+D setup failure" },
	{ 37, "V+D resource lost" },
	{ 38, "tx authorization lost" },
	{ 39, "channel occupied" },
	{ 40, "security parameter mismatch" },
	{ 0, NULL }
};

/* +CME ERROR (EN 300 392-5). 10..18 follow the 3GPP TS 27.007 SIM/PIN
 * numbering (unverified for TETRA terminals: docs/protocol.md §3.5). */
const struct value_string tetra_cme_error_names[] = {
	{ 0, "cannot send over the air" },
	{ 1, "no reliable link" },
	{ 2, "PEI link in use" },
	{ 3, "not allowed in current state" },
	{ 4, "not supported" },
	{ 5, "PIN required" },
	{ 10, "SIM not inserted" },
	{ 11, "SIM PIN1 required" },
	{ 12, "SIM PUK1 required" },
	{ 13, "SIM failure" },
	{ 14, "SIM busy" },
	{ 15, "SIM wrong" },
	{ 16, "incorrect PIN" },
	{ 17, "SIM PIN2 required" },
	{ 18, "SIM PUK2 required" },
	{ 20, "message stack full" },
	{ 21, "invalid message index" },
	{ 22, "message index empty" },
	{ 23, "message stack access failed" },
	{ 24, "status text too long" },
	{ 25, "invalid characters" },
	{ 26, "dial string too long" },
	{ 27, "invalid dial characters" },
	{ 30, "out of service" },
	{ 31, "no layer-2 ack from SwMI" },
	{ 32, "user data decoding failed" },
	{ 33, "wrong parameter type" },
	{ 34, "parameter out of range" },
	{ 35, "syntax error" },
	{ 36, "user data without AT+CMGS" },
	{ 37, "timeout waiting for user data" },
	{ 38, "PID already registered" },
	{ 39, "SDS-TL registration table full" },
	{ 40, "not possible in DMO" },
	{ 41, "transmit-inhibit mode" },
	{ 42, "busy with signalling" },
	{ 43, "not possible in V+D" },
	{ 0, NULL }
};

const struct value_string tetra_call_status_names[] = {
	{ 0, "progressing" },
	{ 1, "queued" },
	{ 2, "called party paged" },
	{ 3, "continue" },
	{ 4, "hang time expired" },
	{ 0, NULL }
};

const struct value_string tetra_tx_grant_names[] = {
	{ 0, "granted" },
	{ 1, "not granted" },
	{ 2, "queued" },
	{ 3, "granted to another" },
	{ 0, NULL }
};

/* +CTOM (EN 300 392-5). */
const struct value_string tetra_ai_mode_names[] = {
	{ 0, "TMO" },
	{ 1, "DMO" },
	{ 2, "TMO with DMO dual watch" },
	{ 3, "DMO with TMO dual watch" },
	{ 4, "TMO and DMO" },
	{ 5, "DMO gateway" },
	{ 6, "DMO repeater" },
	{ 0, NULL }
};

/* +CTGS <group type>. */
const struct value_string tetra_group_type_names[] = {
	{ 0, "none" },
	{ 1, "select" },
	{ 2, "scan priority 1" },
	{ 3, "scan priority 2" },
	{ 4, "scan priority 3" },
	{ 5, "scan priority 4" },
	{ 6, "scan priority 5" },
	{ 7, "scan priority 6" },
	{ 0, NULL }
};

/* +CREG <reg stat>. */
const struct value_string tetra_reg_stat_names[] = {
	{ 0, "searching" },
	{ 1, "registered, home network" },
	{ 2, "not registered" },
	{ 3, "rejected by the network" },
	{ 4, "unknown" },
	{ 5, "registered, visited network" },
	{ 0, NULL }
};

/* +CMGS <sds status>: only the values seen from terminals are named
 * (docs/protocol.md §3.3); the rest of the table is unverified. */
const struct value_string tetra_send_status_names[] = {
	{ 4, "sent" },
	{ 5, "failed" },
	{ 0, NULL }
};

/* SDS-TL TRANSFER delivery report request (EN 300 392-2 §29.4.3.3). */
const struct value_string tetra_report_request_names[] = {
	{ 0, "none" },
	{ 1, "received" },
	{ 2, "consumed" },
	{ 3, "received and consumed" },
	{ 0, NULL }
};

/* LIP time elapsed since the position was taken. */
const struct value_string tetra_time_elapsed_names[] = {
	{ 0, "<5 s" },
	{ 1, "<5 min" },
	{ 2, "<30 min" },
	{ 3, "unknown" },
	{ 0, NULL }
};

/* LIP PDU type extensions (PDU type 01), TS 100 392-18-1 §6.3. */
const struct value_string tetra_location_pdu_names[] = {
	{ 1, "immediate location report request" },
	{ 3, "long location report" },
	{ 4, "location report acknowledgement" },
	{ 5, "basic location parameters" },
	{ 6, "add/modify trigger" },
	{ 7, "remove trigger" },
	{ 8, "report trigger" },
	{ 9, "report basic location parameters" },
	{ 10, "location reporting enable/disable" },
	{ 11, "location reporting temporary control" },
	{ 12, "backlog" },
	{ 0, NULL }
};

static const char *lookup(const struct value_string *vs, unsigned v)
{
	const char *s = get_value_string_or_null(vs, v);
	return s ? s : "unlisted";
}

const char *tetra_disconnect_cause_name(unsigned cause)
{
	return lookup(tetra_disconnect_cause_names, cause);
}

const char *tetra_cme_error_name(unsigned n)
{
	return lookup(tetra_cme_error_names, n);
}

const char *tetra_call_status_name(unsigned status)
{
	return lookup(tetra_call_status_names, status);
}

const char *tetra_tx_grant_name(unsigned grant)
{
	return lookup(tetra_tx_grant_names, grant);
}

const char *tetra_ai_mode_name(unsigned mode)
{
	return lookup(tetra_ai_mode_names, mode);
}

const char *tetra_group_type_name(unsigned type)
{
	return lookup(tetra_group_type_names, type);
}

const char *tetra_reg_stat_name(unsigned stat)
{
	return lookup(tetra_reg_stat_names, stat);
}

const char *tetra_send_status_name(unsigned status)
{
	return lookup(tetra_send_status_names, status);
}

const char *tetra_report_request_name(unsigned req)
{
	return lookup(tetra_report_request_names, req);
}

const char *tetra_time_elapsed_name(unsigned code)
{
	return lookup(tetra_time_elapsed_names, code);
}

const char *tetra_location_pdu_name(unsigned ext)
{
	return lookup(tetra_location_pdu_names, ext);
}
