/* The arguments of the call-out commands, checked before the tracker sees
 * them (bridge/callout_commands.c), and the paging of their replies.
 *
 * Pure: no tracker, no I/O, no clock; the unit tests run it alone. Every
 * refusal is one sentence a dispatcher can act on, in *why (talloc'ed under
 * ctx); the caller answers INVALID_ARGUMENT with it.
 *
 * Health data: a sentence names a responder by its place in the command
 * ("responder 3"), never by its identity, and never quotes the text, so
 * a reply logged by mistake leaks nothing.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bridge/callout.h"
#include "codecs/tetra_prim.h"
#include "ipc/tetra_bridge.pb-c.h"

/* A responder, or the `responder` of a command, as the tracker takes it:
 * an SSI (1-16777215; also a group's GSSI) or a TSI (MCC up to 1023, MNC
 * up to 16383), as the send commands take their destination. what names
 * it in the sentence ("the responder", "responder 3"). */
int tb_callout_arg_identity(const Tetrabridge__V1__Identity *pb, const char *what, struct tetra_identity *id,
			    void *ctx, char **why);

/* CalloutCreate -> *req; req->responders points to ids, an array of
 * TB_CALLOUT_MAX_RESPONDERS the caller gives. Checks: a radio named,
 * severity 1-15, a text of 1-94 characters of valid UTF-8, 1-64
 * responders each named once, required at most the responders named, a
 * method the proto knows, a plan name of valid UTF-8. */
int tb_callout_arg_create(const Tetrabridge__V1__CalloutCreate *c, struct tb_callout_new *req,
			  struct tetra_identity *ids, void *ctx, char **why);

/* A call-out id (not 0). */
int tb_callout_arg_id(uint64_t id, void *ctx, char **why);

/* A reason given with a command: valid UTF-8, at most
 * TB_CALLOUT_REASON_MAX bytes; empty allowed unless required. */
int tb_callout_arg_reason(const char *reason, bool required, void *ctx, char **why);

/* The states a responder may be set to by hand (CalloutSetState):
 * accepted, standby, declined, en route, on scene, handed over, done and
 * no answer. The others are facts only the radio (queued ... read,
 * failed) or the call-out (cancelled, stood down) make. */
bool tb_callout_state_settable(tb_rstate s);
int tb_callout_arg_set(const Tetrabridge__V1__CalloutSetState *c, struct tetra_identity *id, void *ctx,
		       char **why);

/* CalloutClose: an id and an outcome (not OUTCOME_NONE). */
int tb_callout_arg_close(const Tetrabridge__V1__CalloutClose *c, void *ctx, char **why);

/* An enum value in words for a sentence: its proto name without prefix,
 * lower case, '_' as ' ' ("RESPONDER_EN_ROUTE" -> "en route"); "value N"
 * when the proto does not know it. Returns buf. */
const char *tb_callout_enum_words(const ProtobufCEnumDescriptor *d, int value, const char *prefix, char *buf,
				  size_t len);

/* ---- paging ----------------------------------------------------------------
 * Board, detail and report replies hold a repeated message field and are
 * cut into pages of at most TB_REPLAY_MAX_BYTES (bridge/commands.h) of
 * such elements, so every Reply stays within TB_COMMAND_MAX_REPLY. */

/* The bytes one element of len packed bytes adds to a repeated field
 * numbered 1-15: its tag, its length and itself. */
size_t tb_callout_page_cost(size_t len);

struct tb_callout_page {
	size_t bytes;		/* of the elements taken */
	size_t max_bytes;
	unsigned n, max_n;	/* taken; at most (0: no count limit) */
};

/* Whether one more element of len packed bytes fits: the first always
 * does (one element larger than a page still travels, alone); then until
 * max_bytes or max_n. When it fits it is counted. */
bool tb_callout_page_take(struct tb_callout_page *p, size_t len);
