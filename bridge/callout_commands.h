/* The call-out commands of the command socket: CalloutCreate, Cancel,
 * AddResponder, Realert, SetState, Close, Ack (dispatcher), CalloutBoard,
 * CalloutShow and CalloutReport (observer; the report's names admin only).
 *
 * bridge/commands.c hands these ten cases here. The arguments are checked
 * first (bridge/callout_args.h), then the tracker (bridge/callout.h) does
 * the work; a change replies with the call-out after it. The board and the
 * report come in pages under TB_REPLAY_MAX_BYTES (bridge/commands.h): ask
 * again with after_id = the last id of a page while `more` is set.
 *
 * Every refusal is a sentence a dispatcher can act on. Nothing here logs:
 * commands.c logs each command by kind, request id and client.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "ipc/command_server.h"

struct tb_callout_tracker;
struct tb_callout_config;

/* Call-outs on a board page / rows on a report page at most (besides the
 * byte bound): the work one command does stays bounded. */
#define TB_CALLOUT_BOARD_PAGE_MAX 500
#define TB_CALLOUT_REPORT_PAGE_MAX 500
/* History lines CalloutShow gives at most (the newest). */
#define TB_CALLOUT_SHOW_HISTORY 1000

/* What the commands need of the bridge. */
struct tb_callout_cmd_env {
	struct tb_callout_tracker *tracker;	/* NULL: call-out tracking is not running */
	const struct tb_callout_config *config;	/* the report's deadlines and severity names */
	const char *state_dir;			/* holds the pseudonym key (bridge/pseudonym.h) */
	uint64_t newest_seq;			/* the bridge's newest seq (next_seq - 1) */
};

/* Whether c is one of the ten call-out commands. */
bool tb_callout_command_case(Tetrabridge__V1__Command__CommandCase c);

/* Run one of them: fill reply (code, error or result) for cmd from client;
 * reply's strings and sub-messages go to client->tmp. */
void tb_callout_command(const struct tb_callout_cmd_env *env, const Tetrabridge__V1__Command *cmd,
			const struct tb_command_client *client, Tetrabridge__V1__Reply *reply);
