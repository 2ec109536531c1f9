/* tetractl's subcommands that talk to the bridge's command socket (and
 * keygen, which makes the keys for it). Each takes (argc, argv) starting at
 * its own name and returns the process exit status.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

int ctl_cmd_radios(int argc, char **argv);
int ctl_cmd_send_status(int argc, char **argv);
int ctl_cmd_send_text(int argc, char **argv);
int ctl_cmd_locate(int argc, char **argv);
int ctl_cmd_replay(int argc, char **argv);
int ctl_cmd_keygen(int argc, char **argv);
