/* Field responders on the simulated air: the people a call-out alerts,
 * played by the simulated terminal (sim_terminal.h) from the "responder"
 * lines of its scenario. Internal to radio-drivers: only sim_terminal.c
 * uses it; the scenario format is described in sim_terminal.h.
 *
 * A responder hears what its terminal sends (AT+CMGS) to the responder's
 * identity, or to a group it is a member of, once the SDS has gone over
 * the air; it answers with what a real terminal prints for an incoming
 * SDS (+CTSDSR header line and hex line), through the terminal's output.
 * Timing runs on osmo_timer and CLOCK_MONOTONIC (osmo_clock_gettime), so
 * tests drive it with fake time.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>

struct sim_responders;

/* Parse one scenario line whose first word is "responder"; args is the
 * rest of the line after that word (not NUL-free of comments: the parser
 * decides where a comment may start). The first responder line creates
 * *set as a talloc child of ctx. Returns 0, or -1 with *why set to a
 * sentence (a constant string) saying what is wrong with the line. */
int sim_responders_parse_line(void *ctx, struct sim_responders **set, char *args, const char **why);

/* How a responder's reaction reaches the host: print one line (without
 * CR LF) as the terminal term would. */
typedef void (*sim_responder_print_fn)(void *term, const char *line);

/* Start listening: reactions are printed with print(term, ...) and are
 * addressed to own_tsi (the terminal's identity, copied); *log_name (the
 * terminal's name field, read at each log line; it must outlive the set)
 * prefixes debug log lines. Cancels anything pending (a new start). */
void sim_responders_arm(struct sim_responders *set, sim_responder_print_fn print, void *term,
			const char *own_tsi, char *const *log_name);
/* Stop listening and cancel every pending reaction. */
void sim_responders_disarm(struct sim_responders *set);

/* Disarm and free the set (NULL is fine); safe from inside a reaction's
 * output (then it is freed when the reaction returns). */
void sim_responders_free(struct sim_responders *set);

/* An SDS the terminal sent has gone over the air: ai is the AI service of
 * its AT+CTSDS (12 SDS type 4, 13 status), called and called_type (0 SSI,
 * 1 TSI) as given to AT+CTSDS / AT+CMGS, bits its length, hex its user
 * data. Every responder it reaches reacts. Nothing while disarmed. */
void sim_responders_hear(struct sim_responders *set, unsigned ai, const char *called, unsigned called_type,
			 unsigned bits, const char *hex);

/* How many responders the set has (0 for NULL). */
unsigned sim_responders_count(const struct sim_responders *set);
