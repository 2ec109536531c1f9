/* One terminal's PEI link: opens the transport, runs the profile's init
 * sequence, keeps the link alive with a periodic "AT", decodes unsolicited
 * result codes into TETRA primitives, and when anything breaks (unplugged,
 * EOF, no answer to the keep-alive) closes and reopens with backoff, for as
 * long as the daemon runs. An osmo_fsm:
 *
 *   CLOSED -start-> INIT (open, then the profile's commands) -done-> READY
 *                    ^  |                                            |
 *                    |  open failed / refused / link lost            | keep-alive
 *                    |  v                                            | or link lost
 *                   BACKOFF <----------------------------------------+
 *
 * A terminal that does not answer the first "AT" yet (it is still booting
 * after being plugged in, or was silent for a while) is asked again every
 * X5 on the open link, for as long as the transport stays open (the device
 * is present), with no growing wait: it comes up within about X5 of its
 * first answer. Only after X2 of silence on one PEI candidate is another
 * tried (a USB terminal's other interface, when none is configured), and
 * only as long as no candidate of this terminal has ever answered.
 *
 * Timers are osmo_tdef T-numbers (see tb_radio_link_tdefs), configurable.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <osmocom/core/tdef.h>

#include "codecs/tetra_prim.h"
#include "radio-drivers/at_engine.h"
#include "radio-drivers/profile.h"
#include "radio-drivers/transport.h"

struct tb_radio_link;
struct rate_ctr_group;

/* Timer numbers (Osmocom-specific, shown as X<n> in the VTY). */
enum {
	TB_T_KEEPALIVE = -1,	/* s: idle time before a keep-alive "AT" */
	TB_T_AT_TIMEOUT = -2,	/* ms: answer timeout of one AT command */
	TB_T_BACKOFF_MIN = -3,	/* ms: first reopen delay after a failure */
	TB_T_BACKOFF_MAX = -4,	/* s: reopen delay stops growing here */
	TB_T_WAKE = -5,		/* ms: a terminal that has not answered yet is asked "AT" this often */
};

/* Timer table shared by all radio links; the VTY may change the values. */
extern struct osmo_tdef tb_radio_link_tdefs[];

struct tb_radio_link_callbacks {
	/* A decoded primitive: TNCC/TNSDS/TNMM from the terminal, LINK_UP
	 * (after init) / LINK_DOWN (after being up), and the TNSDS-SEND.conf
	 * answers to tb_radio_link_prim_down(). A TNMM own identity here is one
	 * the terminal printed unasked: the radio's identity
	 * (tb_radio_link_identity) comes only from the answer to AT+CNUMF?. */
	void (*prim)(struct tb_radio_link *rl, const struct tetra_prim *prim, void *data);
};

/* The link's counters: a libosmocore rate counter group "link" named after
 * the radio (`show stats`, statsd, `show radios`). Its AT engine counts
 * bytes, lines and commands in a group of its own (tb_at_ctrs). */
enum tb_radio_link_ctr {
	TB_RL_CTR_URCS,			/* result codes decoded */
	TB_RL_CTR_DECODE_ERRORS,	/* result codes that did not decode */
	TB_RL_CTR_UNKNOWN_URCS,		/* result codes no decoder knows */
	TB_RL_CTR_HELD_DROPPED,		/* result codes received during the init and not kept */
	TB_RL_CTR_OPENS,		/* successful opens */
	TB_RL_CTR_OPEN_FAILURES,
	TB_RL_CTR_LINK_LOSSES,		/* up -> down transitions */
	TB_RL_CTR_KEEPALIVE_FAILURES,
	TB_RL_CTR_WRONG_TERMINAL,	/* terminals passed over: another identity (match identity) */
	TB_RL_CTR_BACKOFFS,		/* reopens after a failure, each after a growing wait */
	TB_RL_CTR_WAKE_RETRIES,		/* first "AT"s asked again: the terminal did not answer yet */
};

/* Allocate under ctx; takes over transport t (freed with the link, or at
 * once when this fails). name is the log prefix and the name of the
 * counter groups (an Osmocom identifier: the radio's name). Returns NULL
 * on no memory.
 * Ownership: a talloc child of ctx; tb_radio_link_destroy() frees it, and
 * so does freeing ctx. */
struct tb_radio_link *tb_radio_link_alloc(void *ctx, const char *name, struct tb_transport *t,
					  const struct tb_profile *profile,
					  const struct tb_radio_link_callbacks *cbs, void *data);
/* Close the transport without any callback (stop first for the LINK_DOWN);
 * frees the link and sets *rl to NULL. rl and *rl may be NULL. */
void tb_radio_link_destroy(struct tb_radio_link **rl);

/* Only the terminal with this identity is this radio's (config `match
 * identity`); NULL: any terminal. Call before tb_radio_link_start(). After
 * the init, a terminal that reports another identity (AT+CNUMF?), or none,
 * does not come online and no LINK_UP/LINK_DOWN is emitted for it: the link
 * asks its transport to pass it over (tb_transport_pass_over) and opens the next
 * candidate at once (USB: every free terminal the transport matches, one at
 * a time), or, with a transport that only reaches one terminal (a tty),
 * waits with backoff. A reported TSI must equal id (MCC, MNC and SSI); a
 * terminal that reports its SSI alone matches on the SSI.
 *
 * Result codes that arrive during the init are held and delivered after
 * LINK_UP (whatever the match): with an identity to match they are dropped
 * when the terminal turns out to be another one; without, they are
 * delivered even when the init fails, as they always were. */
void tb_radio_link_match_identity(struct tb_radio_link *rl, const struct tetra_identity *id);

/* Begin opening (and keep trying until stopped). */
void tb_radio_link_start(struct tb_radio_link *rl);
/* A link waiting to reopen tries at once (e.g. its USB device just
 * arrived) and its backoff starts over; otherwise nothing happens.
 * Returns whether it tried. */
bool tb_radio_link_retry_now(struct tb_radio_link *rl);
/* Close the link; no callback runs afterwards but its LINK_DOWN (when it
 * was up), whose reason (tb_radio_link_last_error) is `reason`, e.g.
 * "bridge stopping" (NULL: "stopped"). Does not free the link
 * (tb_radio_link_destroy() does); tb_radio_link_start() opens it again. */
void tb_radio_link_stop(struct tb_radio_link *rl, const char *reason);

/* A request primitive for the terminal (the bridge's down-call):
 *   TNSDS-SEND.req          send one SDS (radio-drivers/sds_send.h); its
 *                           TNSDS-SEND.conf answers come up through the
 *                           prim callback like every other primitive;
 *   TNSDS-SEND-RELEASE.req  no more answers wanted about that SDS.
 * Returns 0, -ENOTCONN (not READY), -EBUSY (an SDS is in flight), or
 * -EINVAL (another primitive, or bad parameters). */
int tb_radio_link_prim_down(struct tb_radio_link *rl, const struct tetra_prim *prim);
/* READY and no SDS in flight: a TNSDS-SEND.req would be taken now. */
bool tb_radio_link_can_send(const struct tb_radio_link *rl);
/* The timer table holding the SDS air wait (TB_T_AIR_WAIT); the bridge
 * passes its "outgoing" group so `timer outgoing X15` applies. NULL: the
 * radio layer's default. The table must outlive the link. */
void tb_radio_link_set_send_tdefs(struct tb_radio_link *rl, const struct osmo_tdef *tdefs);

/* Send a command to the terminal; fails with -ENOTCONN unless READY. */
int tb_radio_link_cmd(struct tb_radio_link *rl, const char *cmd, tb_at_result_cb cb, void *data);

/* For `show radios`. */
const char *tb_radio_link_state_name(const struct tb_radio_link *rl);
bool tb_radio_link_is_up(const struct tb_radio_link *rl);
/* When the link came up last (CLOCK_REALTIME); 0 while down. */
time_t tb_radio_link_up_since(const struct tb_radio_link *rl);
/* The terminal's own identity as reported by AT+CNUMF?, type TETRA_ID_NONE if unknown. */
const struct tetra_identity *tb_radio_link_identity(const struct tb_radio_link *rl);
/* The last reason the link went down or failed to open, "" if none. */
const char *tb_radio_link_last_error(const struct tb_radio_link *rl);
/* The counters (enum tb_radio_link_ctr); read them with tb_ctr_get(). */
const struct rate_ctr_group *tb_radio_link_ctrs(const struct tb_radio_link *rl);
struct tb_transport *tb_radio_link_transport(const struct tb_radio_link *rl);
struct tb_at_engine *tb_radio_link_at(const struct tb_radio_link *rl);
