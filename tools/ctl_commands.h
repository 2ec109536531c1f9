/* tetractl's subcommands, one file each (ctl_<name>.c; send-status,
 * send-text and locate share ctl_send.c). Each takes (argc, argv) starting
 * at its own name and returns the process exit status; tetractl.c only
 * picks one.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

int ctl_cmd_watch(int argc, char **argv);
int ctl_cmd_radios(int argc, char **argv);
int ctl_cmd_send_status(int argc, char **argv);
int ctl_cmd_send_text(int argc, char **argv);
int ctl_cmd_locate(int argc, char **argv);
int ctl_cmd_replay(int argc, char **argv);
int ctl_cmd_keygen(int argc, char **argv);
int ctl_cmd_decode(int argc, char **argv);
/* a monitoring check (ctl_health.c): exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN */
int ctl_cmd_health(int argc, char **argv);
int ctl_cmd_backup(int argc, char **argv);
int ctl_cmd_roster(int argc, char **argv);
int ctl_cmd_stats(int argc, char **argv);
/* callout create|cancel|add|realert|set|close|ack|board|show|report
 * (ctl_callout*.c, tools/ctl_callout.h) */
int ctl_cmd_callout(int argc, char **argv);
/* web-user add|list: tetra-web's users file (ctl_web_user.c) */
int ctl_cmd_web_user(int argc, char **argv);
