/* The outgoing queue of one radio: statuses, texts, location requests and
 * call-out PDUs that clients (and the call-out tracker) asked the bridge to
 * send, one SDS in flight per terminal.
 *
 * Each message (each part of a long text) is handed to the radio's link as
 * a TNSDS-SEND request primitive; the radio layer does the PEI exchange
 * (radio-drivers/sds_send.h: AT+CTSDS, AT+CMGS with the user data, the
 * terminal's air result) and answers with TNSDS-SEND confirms: taken, sent,
 * or failed with a cause. What is the bridge's stays here: the order of the
 * queue, retries and deadlines, matching delivery reports, persistence, and
 * the message's life as Outgoing events with its message id:
 *
 *   QUEUED -> TAKEN (the +CMGS answer) -> SENT (unsolicited +CMGS: <inst>,4)
 *          -> DELIVERED (SDS-REPORT / short report "received" with its
 *             message reference from the destination) -> CONSUMED
 *   or FAILED with a reason (the terminal refused it with a +CME ERROR other
 *   than busy; +CMGS: <inst>,5; the deadline passed before it was taken; no
 *   report within `timer sds X12`; a report saying it failed).
 *   RETRYING: the terminal was busy (+CME ERROR 42) or did not answer:
 *   tried again with a doubling delay (X13 first, at most X14); or the link
 *   went down: sent again as soon as it is up (LINK_UP). Either while the
 *   deadline allows (then FAILED "not sent within <n> s (deadline)").
 *   Every transition is exactly one Outgoing event; the last has final set.
 *
 * A status, a location request, and a text or call-out PDU asking for no
 * report end at SENT. A text or call-out PDU that asked "received" ends at
 * DELIVERED, one that asked "consumed" (or both) at CONSUMED. A text too
 * long for one SDS is split into parts (up to 16), each with its own
 * message reference; the message reaches a state when all its parts have.
 *
 * Immediate texts go as SDS-TL immediate text messaging (PID 0x89) when
 * they fit one SDS; a longer one goes as the same PID 0x8A parts as any
 * text (codecs/sds_encode.h says why), and the terminal shows it as an
 * ordinary text. tb_out_queued.immediate says which it was.
 *
 * Call-out PDUs (TB_OUT_CALLOUT): the caller gives the octets after the
 * SDS-TL header (codecs/callout.h builds them); the queue sends them as one
 * SDS-TL TRANSFER with PID 0xC3: C3 | flags (the report request; service
 * selection / short form report 0, as the captured alert of
 * docs/protocol.md §9) | message reference | payload. One SDS only: more
 * than 252 octets are refused. The message reference comes from the same
 * counter as the texts', and reports are matched as for texts.
 *
 * In flight: from the request until the radio layer says the part went over
 * the air (or failed), at most X15 after it was taken (terminals that never
 * report the air send: the part then counts as SENT), or until a delivery
 * report for it arrives first. Then the next message goes while this one
 * waits for its reports.
 *
 * Reports: an SDS-REPORT (or SHORT-REPORT) from the destination's SSI with
 * the message reference of a part that was taken: received / consumed move
 * the part; a failure status (0x40-0x5F, 0x60 memory full) fails the
 * message with the status's name and delivery_status. A report that matches
 * nothing is ignored here (the bridge publishes it anyway). No report within
 * X12 after SENT (texts that asked for one) -> FAILED.
 *
 * Incoming SDS-TL messages (texts, LIP in SDS-TL, call-out PDUs) that ask
 * for a "received" report are answered with an SDS-REPORT (status 0x00,
 * their PID and message reference) to the sender, through this queue,
 * ahead of client messages, without Outgoing events.
 *
 * Persistence: every client message is stored (bridge/outbox_store.h)
 * before the client is told it is queued, and its progress as it moves; a
 * final state deletes it. After a restart the stored messages come back:
 * not yet taken -> sent again; taken -> waiting for its reports (a part
 * taken but not known to be sent counts as SENT after X15). Message ids
 * come from the store (never reused); SDS-TL message references go on
 * after those of the newest stored text or call-out PDU. An unplugged
 * radio keeps its queue and goes on when the link is back.
 *
 * Health data: logs name messages by id and state only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <osmocom/core/tdef.h>

#include "codecs/tetra_prim.h"
#include "ipc/tetra_bridge.pb-c.h"
#include "radio-drivers/sds_send.h"

struct tb_radio_link;
struct tb_outbox_store;
struct tb_outbox;

/* Timers of the outgoing queue: the VTY group "outgoing" (`timer outgoing X12 60`). */
enum {
	TB_T_SEND_DEADLINE = -11,	/* s: default deadline to get a message taken */
	TB_T_REPORT_WAIT = -12,		/* s: wait for a requested delivery report after SENT */
	TB_T_BUSY_RETRY_MIN = -13,	/* ms: first retry delay after busy / link down */
	TB_T_BUSY_RETRY_MAX = -14,	/* ms: retry delay stops growing here */
	/* TB_T_AIR_WAIT (X15, radio-drivers/sds_send.h) is in this group too:
	 * the table is handed to each link's SDS sender. */
};

/* Messages waiting per radio before submit says BUSY. */
#define TB_OUTBOX_MAX 1000

enum tb_out_kind {
	TB_OUT_STATUS = TETRABRIDGE__V1__OUTGOING__KIND__STATUS,
	TB_OUT_TEXT = TETRABRIDGE__V1__OUTGOING__KIND__TEXT,
	TB_OUT_LOCATION_REQUEST = TETRABRIDGE__V1__OUTGOING__KIND__LOCATION_REQUEST,
	TB_OUT_CALLOUT = TETRABRIDGE__V1__OUTGOING__KIND__CALLOUT,
};

/* The SDS-TL protocol identifier call-out PDUs are sent with (TCCA Simple
 * Call-Out, docs/protocol.md §9). */
#define TB_OUT_CALLOUT_PID 0xC3

struct tb_out_request {
	enum tb_out_kind kind;
	struct tetra_identity to;	/* TETRA_ID_SSI or TETRA_ID_TSI */
	uint16_t status_value;		/* STATUS */
	const char *text;		/* TEXT: UTF-8, text_len bytes */
	size_t text_len;
	bool immediate;			/* TEXT: immediate text (PID 0x89) when it fits one SDS */
	const uint8_t *payload;		/* CALLOUT: the octets after the SDS-TL header (copied) */
	size_t payload_len;		/* CALLOUT: 1..252 */
	uint8_t report_request;		/* TEXT, CALLOUT: 0 none, 1 received, 2 consumed, 3 both */
	bool long_report;		/* LOCATION_REQUEST: ask for a long report */
	uint32_t deadline_s;		/* 0: X11 */
	const char *client;		/* who asked ("" or NULL: nobody named) */
};

/* What submit says when it queued the message. */
struct tb_out_queued {
	uint64_t message_id;
	unsigned parts;
	uint8_t msg_refs[16];		/* SDS-TL message reference per part (texts, call-outs) */
	bool immediate;			/* TEXT: goes as immediate text (asked, and one SDS) */
};

/* Publish one Outgoing event for the radio (the outbox fills ev's body;
 * seq, time, bridge and radio are the callee's). */
typedef void (*tb_outbox_publish_cb)(Tetrabridge__V1__Event *ev, void *data);

/* One radio's queue. store may be NULL (nothing survives a restart; tests).
 * radio_name is the key of this radio's stored messages and the name of
 * its counter groups.
 * Ownership: a talloc child of ctx; tb_outbox_destroy() frees it, and so
 * does freeing ctx. */
struct tb_outbox *tb_outbox_alloc(void *ctx, const char *radio_name, struct tb_outbox_store *store,
				  tb_outbox_publish_cb publish, void *publish_data);
/* Stop its timer and tell the link that no answer about the SDS in flight
 * is wanted; stored messages stay stored. Frees the queue and sets *o to
 * NULL. o and *o may be NULL. */
void tb_outbox_destroy(struct tb_outbox **o);

/* The link the queue sends through (NULL: none yet). Call when the radio's
 * link is created; the queue sends while tb_radio_link_is_up(). A part in
 * flight on the old link is sent again on the new one. Setting a link also
 * ends tb_outbox_stop(). Call with NULL before freeing the link. */
void tb_outbox_set_link(struct tb_outbox *o, struct tb_radio_link *link);

/* Bring back this radio's stored messages (after a restart); publishes
 * nothing for them until they move. Messages already in the queue are not
 * loaded twice (calling it again is harmless). Returns how many were
 * brought back (0 without a store), or -EIO. */
int tb_outbox_restore(struct tb_outbox *o);

/* Queue a message (req's text and payload are copied). Returns a Reply
 * code (TETRABRIDGE__V1__REPLY__CODE__OK, INVALID_ARGUMENT, TEXT_TOO_LONG
 * (also a call-out PDU over one SDS), BUSY) and, when not OK, a sentence for
 * people in *errmsg (talloc'ed under ctx). On OK the QUEUED event has been
 * published and *q is filled. */
int tb_outbox_submit(struct tb_outbox *o, void *ctx, const struct tb_out_request *req,
		     struct tb_out_queued *q, char **errmsg);

/* Every primitive from the radio's link, after the bridge published its own
 * event for it (if it has one): LINK_UP / LINK_DOWN, the TNSDS-SEND
 * confirms, SDS-REPORTs and short reports (matched against messages waiting
 * for them), and incoming SDS-TL messages (texts, LIP, call-out PDUs)
 * that ask for a "received" report (answered). Others are ignored. */
void tb_outbox_on_prim(struct tb_outbox *o, const struct tetra_prim *prim);

/* Client messages queued or in flight or waiting for reports (answers to
 * incoming messages are not counted). */
unsigned tb_outbox_waiting(const struct tb_outbox *o);

/* The queue's counters: a libosmocore rate counter group "outgoing" and a
 * stat item group of the same name, named after the radio (`show stats`,
 * statsd, `show bridge`). */
enum tb_outbox_ctr {
	TB_OUTBOX_CTR_QUEUED,		/* client messages taken into the queue */
	TB_OUTBOX_CTR_RETRIES,		/* RETRYING: busy, no answer, link lost */
	TB_OUTBOX_CTR_SENT,		/* messages by their final state: SENT ... */
	TB_OUTBOX_CTR_DELIVERED,
	TB_OUTBOX_CTR_CONSUMED,
	TB_OUTBOX_CTR_FAILED,
	TB_OUTBOX_CTR_ANSWERS,		/* delivery reports sent for incoming messages */
	TB_OUTBOX_CTR_ANSWERS_FAILED,	/* ... that could not be sent */
};
enum tb_outbox_stat {
	TB_OUTBOX_STAT_WAITING,		/* tb_outbox_waiting() */
};
struct rate_ctr_group;
struct osmo_stat_item_group;
/* The counters (enum tb_outbox_ctr; tb_ctr_get()) and stat items (enum
 * tb_outbox_stat; tb_stat_get()). */
const struct rate_ctr_group *tb_outbox_ctrs(const struct tb_outbox *o);
const struct osmo_stat_item_group *tb_outbox_stat_items(const struct tb_outbox *o);

/* What a monitoring check counts (bridge/health.c): client messages
 * waiting, those RETRYING (the terminal was busy or did not answer, or the
 * link went down), and those overdue at now_us: a part still not taken
 * past the message's deadline (the one in flight: the queue fails the
 * others at their deadline), or a requested report not come within X12. */
struct tb_outbox_health {
	unsigned waiting, retrying, overdue;
};
void tb_outbox_health(const struct tb_outbox *o, uint64_t now_us, struct tb_outbox_health *h);

/* Stop timers and sending (the daemon is shutting down); stored messages
 * stay stored. Primitives are still taken. tb_outbox_set_link() with a
 * link resumes. Does not free the queue (tb_outbox_destroy() does). */
void tb_outbox_stop(struct tb_outbox *o);

/* X11..X15 above; the VTY shows them as group "outgoing". */
extern struct osmo_tdef tb_outbox_tdefs[];
