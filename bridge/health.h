/* The bridge's health for a monitoring check (the Health command,
 * `tetractl health`): what an IT department's monitoring needs to know to
 * wake someone, as numbers and one sentence per problem.
 *
 *   radios     CRITICAL: none online while some are configured
 *              WARNING:  some offline (one problem per radio, with why)
 *   journal    CRITICAL: not open, or events wait in memory because the
 *              disk does not take them (a replay cannot give them yet; a
 *              full backlog loses them)
 *   outgoing   WARNING:  messages retrying (busy, no answer, link lost), or
 *              past their deadline or their report wait (one per radio)
 *   callouts   CRITICAL: an escalation alarm not acknowledged
 *              WARNING:  overdue, nobody on scene within the target
 *                        (one problem per call-out)
 *
 * The report's status is the worst of its problems. Problems come worst
 * first, at most TB_HEALTH_MAX_PROBLEMS of them (the rest are counted), each
 * at most TB_HEALTH_MAX_TEXT bytes, so the reply stays small.
 *
 * Health data: never in the report. Radios are named by their configured
 * name and call-outs by id and severity; no text, identity or position.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdint.h>

#include "ipc/tetra_bridge.pb-c.h"

struct tb_bridge;

#define TB_HEALTH_MAX_PROBLEMS 16
#define TB_HEALTH_MAX_TEXT 200

/* The report at now_us (µs since the epoch, the clock osmo_timer runs on).
 * Returns NULL when out of memory.
 * Ownership: the report, its problems and their strings are talloc
 * children of ctx. */
Tetrabridge__V1__HealthReport *tb_health_report(struct tb_bridge *b, uint64_t now_us, void *ctx);

/* The Health command: the report at the current time in the reply. */
void tb_health_command(struct tb_bridge *b, Tetrabridge__V1__Reply *reply, void *tmp);

/* "OK", "WARNING", "CRITICAL", "UNKNOWN". */
const char *tb_health_status_name(Tetrabridge__V1__HealthStatus s);
