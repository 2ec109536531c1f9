/* A simulated TETRA terminal: answers the PEI AT commands the bridge sends
 * as a terminal would, and plays a scenario of timed unsolicited output.
 * Used inside the daemon (transport "sim") and by the tetra-sim program,
 * which serves terminals on ptys. Runs on osmo_timer in the osmo_select loop.
 *
 * Scenario file format (one directive per line, '#' starts a comment):
 *   wait <ms>        pause before the next line
 *   loop             start again from the top (the scenario repeats)
 *   silent           stop answering commands (a dead terminal)
 *   anything else    printed by the terminal verbatim, CR LF appended
 *                    (e.g. "+CTSDSR: 13,...,16" then "8004")
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "radio-drivers/transport.h"

struct tb_sim_terminal;

/* Output towards the host (what the terminal "prints"). */
typedef void (*tb_sim_output_cb)(const uint8_t *buf, size_t len, void *data);

/* own_tsi: the 17-digit identity reported on AT+CNUMF?, e.g.
 * "09011638300023404". */
struct tb_sim_terminal *tb_sim_alloc(void *ctx, const char *own_tsi,
				     tb_sim_output_cb out, void *data);

/* Load a scenario file (replaces any loaded one). Returns 0 or -errno /
 * -EINVAL; on -EINVAL *err_line is the offending line number. */
int tb_sim_load_scenario(struct tb_sim_terminal *s, const char *path, unsigned *err_line);
/* Start / stop playing the loaded scenario from its top. */
void tb_sim_start(struct tb_sim_terminal *s);
void tb_sim_stop(struct tb_sim_terminal *s);

/* Bytes the host wrote to the terminal (AT commands). */
void tb_sim_input(struct tb_sim_terminal *s, const uint8_t *buf, size_t len);

/* Print one line now (CR LF appended), as if the terminal produced it. */
void tb_sim_inject(struct tb_sim_terminal *s, const char *line);

/* A silent terminal answers nothing (keep-alive tests). */
void tb_sim_set_silent(struct tb_sim_terminal *s, bool silent);

/* The in-daemon transport around a simulated terminal. */
struct tb_transport *tb_transport_sim_alloc(void *ctx, const char *own_tsi, const char *scenario_path);
