/* `show callouts` (bridge/callout_vty.c).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Install the call-out show commands (with the other VTY commands). */
void tb_callout_vty_init(void);
