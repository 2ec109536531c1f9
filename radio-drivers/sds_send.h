/* Sending one SDS through a terminal: the PEI exchange behind the
 * TNSDS-SEND primitive, as an osmo_fsm (one instance per radio link).
 *
 *   IDLE --req--> WAIT_CTSDS --OK--> WAIT_CMGS --OK "+CMGS: <inst>"--> WAIT_AIR
 *    ^               |                  |                                 |
 *    |           not OK: FAILED      not OK: FAILED      "+CMGS: <inst>,4": SENT
 *    +---------------+------------------+----------- other status: FAILED (air)
 *                                                    X15 ran out, or the link
 *                                                    went down: SENT (assumed)
 *
 * AT+CTSDS=<AI service>,<called party identity type>[,0,0,1] chooses the
 * service (13 status, 12 SDS type 4), then AT+CMGS=<called party>,<bits>
 * carries the user data in hex after the terminal's "> " prompt (the AT
 * engine's tb_at_cmd_data). The direct "+CMGS: <inst>" answer means the
 * terminal took it (TAKEN, with that SDS instance); the unsolicited
 * "+CMGS: <inst>,<status>" later says whether it went over the air. Only
 * then is the next SDS accepted: one SDS in flight per terminal, so the
 * air result of one cannot be taken for the answer to the next (see
 * docs/protocol.md §13).
 *
 * Every request is answered through the up callback by TNSDS-SEND.conf
 * primitives carrying its handle: TAKEN, then SENT or FAILED; or FAILED at
 * once when the terminal refused, was busy (+CME ERROR 42), did not answer
 * or the link went down. What to do about a failure (try again, give up) is
 * the requester's policy; this machine only reports. Confirms are never
 * given from inside tb_sds_send_request() except when the AT engine fails
 * the first command at once (FAILED: its write failed, link lost; or it
 * could not queue it, no answer): set up what the confirm handler needs
 * before the request.
 *
 * Timers: WAIT_AIR ends after TB_T_AIR_WAIT (X15, seconds) from the table
 * set with tb_sds_send_set_tdefs() (through osmo_tdef_fsm_inst_state_chg);
 * the AT commands time out in the AT engine (radio X2).
 *
 * Health data: the destination and the user data are never logged.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <osmocom/core/tdef.h>

#include "codecs/tetra_prim.h"

struct tb_at_engine;
struct tb_sds_send;

/* T-number of the air wait (shown as X15 in the VTY's "outgoing" group,
 * whose table the bridge hands to every link). */
enum {
	TB_T_AIR_WAIT = -15,	/* s: wait for "+CMGS: <inst>,<status>" after TAKEN */
};

/* The air wait when nobody set a table: 30 s. */
extern struct osmo_tdef tb_sds_send_tdefs[];

/* Where the confirms go (the link hands them up with its other primitives). */
typedef void (*tb_sds_send_up_cb)(const struct tetra_prim *prim, void *data);

/* Allocate under ctx (the link); at: the terminal's AT engine, which must
 * outlive s. name: log prefix, copied. The link starts down. Returns NULL
 * on no memory.
 * Ownership: a talloc child of ctx; tb_sds_send_destroy() frees it, and so
 * does freeing ctx. Either way no callback runs after that (a command
 * still outstanding completes without it). */
struct tb_sds_send *tb_sds_send_alloc(void *ctx, const char *name, struct tb_at_engine *at,
				      tb_sds_send_up_cb up, void *up_data);
/* Frees s and sets *s to NULL. s and *s may be NULL. */
void tb_sds_send_destroy(struct tb_sds_send **s);

/* The timer table to read TB_T_AIR_WAIT from (NULL: tb_sds_send_tdefs).
 * The table must outlive s. */
void tb_sds_send_set_tdefs(struct tb_sds_send *s, const struct osmo_tdef *tdefs);

/* Start sending req. Returns 0 (answers follow through the up callback),
 * -EBUSY (another SDS is in flight), -ENOTCONN (the link is not up),
 * -EINVAL (no destination SSI/TSI, AI service other than 12/13, bits 0 or
 * more than fit) or -ENOMEM. */
int tb_sds_send_request(struct tb_sds_send *s, const struct tetra_sds_send_req *req);

/* The requester needs no more answers about handle (e.g. a delivery report
 * already told it the SDS arrived, or it gave the message up): waiting for
 * the air result ends now; a command still outstanding finishes silently.
 * Another handle, or none in flight: nothing happens. */
void tb_sds_send_release(struct tb_sds_send *s, uint64_t handle);

/* An unsolicited "+CMGS: <inst>,<status>" decoded by the link. */
void tb_sds_send_air_result(struct tb_sds_send *s, const struct tetra_send_result_param *p);

/* The link is up (initialised, READY) or not. Requests are refused while
 * it is down; an SDS between its two commands when the link goes down
 * fails (link lost), one waiting for its air result counts as sent
 * (assumed: nothing the terminal prints while the link is down arrives).
 * The commands already written fail through the AT engine's reset. */
void tb_sds_send_link_up(struct tb_sds_send *s, bool up);

/* No SDS in flight: a request would be accepted (if the link is up). */
bool tb_sds_send_idle(const struct tb_sds_send *s);
