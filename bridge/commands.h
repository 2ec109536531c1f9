/* What the bridge does for each command of the command socket
 * (ipc/command_server.h checks the message and the client's role first).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stddef.h>

#include "ipc/command_server.h"

/* Replay batches: the default and the most events per Reply, and the most
 * bytes of events. The byte cap keeps a Reply within TB_COMMAND_MAX_REPLY
 * (one event may pass it: the journal gives at least one), so that the
 * replies a client has not read yet stay within its queue's bound. */
#define TB_REPLAY_DEFAULT 500
#define TB_REPLAY_MAX 1000
#define TB_REPLAY_MAX_BYTES (256u * 1024)
/* Lost ranges (SeqRange) one ReplayBatch names at most (about 40 bytes each). */
#define TB_REPLAY_MAX_LOST 1024

/* RosterList and StatsList fill at most this many bytes of a Reply (its
 * result), below TB_COMMAND_MAX_REPLY with room for the rest of the Reply
 * (request id, code, error). What does not fit is left out: the reply is
 * still OK, and Reply.error says how much is missing. A roster of
 * TB_ROSTER_MAX_ENTRIES identities with short names fits; large groups
 * take room (about 12 bytes per member). */
#define TB_REPLY_LIST_MAX (TB_COMMAND_MAX_REPLY - 4096)

/* The bytes a length-delimited field of len bytes takes in its message
 * (a one-byte tag, the length as a varint, the bytes). */
static inline size_t tb_reply_field_cost(size_t len)
{
	size_t n = 1 + len;

	do {
		n++;
		len >>= 7;
	} while (len);
	return n;
}

struct tb_bridge;

/* A refusal: reply->code and a sentence for people in reply->error
 * (under tmp). */
void tb_reply_fail(Tetrabridge__V1__Reply *reply, void *tmp, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* RosterList (bridge/commands_roster.c): the roster's identities (name,
 * group flag, members without names: a member has its own entry when the
 * roster names it), its status values (name, meaning), the severities
 * 1-15 ("" for those not named), the plans' names and the radios' names;
 * the identities are cut first when the reply's room is short. Strings
 * point into the configuration or under tmp. */
void tb_roster_command(struct tb_bridge *b, Tetrabridge__V1__Reply *reply, void *tmp);

/* StatsList (bridge/commands_stats.c): every rate counter group and stat
 * item group libosmocore knows in this process (counters first, then
 * gauges), in its order. */
void tb_stats_command(Tetrabridge__V1__Reply *reply, void *tmp);

/* The command handler; data is the struct tb_bridge. The call-out
 * commands go to tb_callout_command() (bridge/callout_commands.h). */
void tb_bridge_command(const Tetrabridge__V1__Command *cmd, const struct tb_command_client *client,
		       Tetrabridge__V1__Reply *reply, void *data);
