/* Config file and telnet VTY for tetra-bridged.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Install the bridge's nodes and commands (after vty_init(), g_bridge set). */
void tb_vty_init(void);

/* Remember the config file's folder: relative paths in it resolve there. */
void tb_vty_set_config_file(const char *path);
