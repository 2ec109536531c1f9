/* The daemon's own logging commands, beside libosmocore's (`log stderr`,
 * `log syslog ...`, `log file ...`, levels, `logging filter all`):
 *
 *   log systemd-journal [raw]      the journal target with the RADIO, SEQ
 *   no log systemd-journal         and KIND fields (bridge/log_journal.h)
 *   logging filter radio NAME      a target (or `logging enable` on the
 *   no logging filter radio        telnet VTY) follows one radio
 *                                  (common/log_context.h)
 *
 * `write` prints them back in libosmocore's log blocks.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

/* Install them; after logging_vty_add_cmds() (whose journal command this
 * one takes over). */
void tb_log_vty_init(void);
