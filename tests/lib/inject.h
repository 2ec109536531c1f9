/* SDS as a terminal prints them, pushed into a simulated terminal
 * (radio-drivers/sim_terminal.h, e.g. the one behind an emulated USB
 * terminal: emu_sim()) with tb_sim_inject(), one line at a time.
 *
 * addrs is the middle of the +CTSDSR header as the test's terminals have
 * it: "<calling>,<type>,<called>,<type>", e.g. "1234567,0,2345678,0" (SSIs)
 * or "09011638300023404,1,09011638300000001,1" (TSIs).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>

struct tb_sim_terminal;

/* A status (SDS type 4 value, 16 bits): the header and the hex line. */
void tb_inject_status(struct tb_sim_terminal *s, const char *addrs, uint16_t value);
/* A text message (SDS-TL TRANSFER, ISO 8859-1, at most 250 characters) as
 * the two lines; the hex line of a long one is longer than a USB packet. */
void tb_inject_text(struct tb_sim_terminal *s, const char *addrs, const char *text);
