/* The operator's side of journal backups (bridge/journal_backup.h does
 * the copying): the Backup command (admin only: it names a file on the
 * bridge's machine) and, on the VTY, `journal backup FILE` (enable node)
 * and `show journal backups`.
 *
 * A backup is started and the answer comes at once: the command's reply
 * says RUNNING with the backup's id; asking again with that id (and no
 * file) gives its state until it is DONE or FAILED. `tetractl backup`
 * asks until then, so for a person it returns when the file is there. Why
 * not answer when it is done: the command server answers every command
 * from its handler, and the copy must not hold the event loop that long.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "ipc/command_server.h"

struct tb_bridge;

/* The Backup command: start one (file set) or say how one goes (id). */
void tb_backup_command(struct tb_bridge *b, const Tetrabridge__V1__Backup *c, Tetrabridge__V1__Reply *reply,
		       void *tmp);

/* Install `journal backup FILE` and `show journal backups`. */
void tb_backup_vty_init(void);
