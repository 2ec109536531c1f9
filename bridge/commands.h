/* What the bridge does for each command of the command socket
 * (ipc/command_server.h checks the message and the client's role first).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

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

/* The command handler; data is the struct tb_bridge. The call-out
 * commands go to tb_callout_command() (bridge/callout_commands.h). */
void tb_bridge_command(const Tetrabridge__V1__Command *cmd, const struct tb_command_client *client,
		       Tetrabridge__V1__Reply *reply, void *data);
