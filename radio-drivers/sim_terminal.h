/* A simulated TETRA terminal: answers the PEI AT commands the bridge sends
 * as a terminal would, plays a scenario of timed unsolicited output, and
 * plays the field responders the scenario names, who answer the SDS the
 * bridge sends them (call-outs without radios).
 * Used inside the daemon (transport "sim") and by the tetra-sim program,
 * which serves terminals on ptys. Runs on osmo_timer in the osmo_select loop.
 *
 * Scenario file format (one directive per line, '#' starts a comment):
 *   wait <ms>        pause before the next line
 *   loop             start again from the top (the scenario repeats)
 *   silent           stop answering commands (a dead terminal)
 *   busy <n>         the next n AT+CMGS are answered "+CME ERROR: 42" (busy
 *                    with signalling) instead of being taken
 *   airfail <n>      the next n SDS taken end with "+CMGS: <inst>,5" (failed
 *                    on the air, delivered to nobody) instead of ",4"
 *   responder ...    a field responder (below); not a step of the play
 *   anything else    printed by the terminal verbatim, CR LF appended
 *                    (e.g. "+CTSDSR: 13,...,16" then "8004")
 * Blank lines are skipped; '#' as the first non-blank character makes the
 * line a comment, and a directive may end in "# ...". Printed lines are
 * taken verbatim (trailing blanks dropped) and must not contain control
 * characters. Consecutive printed lines go out at once, each in its own
 * output call (a burst); "silent" pauses the scenario (it resumes after
 * tb_sim_set_silent(false)). A "loop" reached without any wait > 0 or
 * "silent" before it is rejected (it would spin).
 *
 * Commands answered (V.250 verbose framing "\r\n<text>\r\n", echo "<cmd>\r\n"
 * unless ATE0): AT, ATE0/ATE1, ATZ (OK; no reboot), AT+CTSP=a,b[,...] and
 * AT+CTSDS=a,b[,...] (OK, else +CME ERROR: 35), AT+CNUMF? (+CNUMF: 6,<tsi>),
 * AT+CSQ[?] (+CSQ: 23,99), AT+CMGS=<called>,<bits> ("> " prompt, hex user
 * data up to Ctrl-Z, then "+CMGS: <inst>" OK and ~300 ms later the
 * unsolicited "+CMGS: <inst>,4"; ESC abandons with OK); anything else
 * +CME ERROR: 4.
 *
 * The simulated air: every terminal of one process (tb_sim_alloc() to
 * tb_sim_destroy()) hears the others. When a terminal prints the unsolicited
 * "+CMGS: <inst>,4" for an SDS, every other live terminal that is not
 * silent and whose identity is the called one receives it: it prints
 * "+CTSDSR: <AI service>,<sender's TSI>,1,<called as given>,<called type>,
 * <bits>" and then the hex user data line. The AI service and the called
 * party type (0 SSI: matches the SSI part of a terminal's TSI; 1 TSI: all
 * of it) are those of the sender's last AT+CTSDS (before any: 12 and 0).
 * With nobody addressed, the SDS is lost, as on the air.
 *
 * Responders: people a call-out alerts, on the simulated air of this
 * terminal. A responder hears the SDS this terminal sends (once it is
 * "+CMGS: <inst>,4", not ",5") to its identity or to a group it is a
 * member of, and answers the way its lines say; the answers are printed
 * by this terminal as the URCs a real one prints for an incoming SDS:
 * "+CTSDSR: <AI service>,<responder as written>,<0 SSI / 1 TSI>,<own TSI>,
 * 1,<bits>" and the hex line (AI 13 for a status, 12 for the rest). One
 * line per fact, all of them starting "responder <identity>" (an ISSI of
 * 1-8 digits, or a TSI of 12-17; an ISSI matches that SSI in any network):
 *   responder <id> member <gssi>          it also hears SDS to that group
 *                                         (up to 8 groups)
 *   responder <id> never                  it never answers (no other
 *                                         answer, status or move lines)
 *   responder <id> at <s> received        SDS-REPORT "received" (0x00) with
 *                                         the SDS's PID and message reference,
 *                                         if the SDS asked for it
 *   responder <id> at <s> consumed        SDS-REPORT "consumed" (0x02): the
 *                                         user reads it; if asked for
 *   responder <id> at <s> accept|decline|standby status <value>
 *   responder <id> at <s> accept|decline|standby text <text>
 *   responder <id> at <s> accept|decline|standby callout <text>
 *                                         its one answer: a status (e.g.
 *                                         0x8000 or 32768), an SDS-TL text
 *                                         (PID 0x82, no report asked), or
 *                                         the call-out answer (PID 0xC3:
 *                                         lead 0x0D, kind 3, the alert's
 *                                         number and severity, 0xFF, the
 *                                         text in ISO 8859-1, as
 *                                         codecs/callout.h encodes it; only
 *                                         to a call-out alert). The text
 *                                         is the rest of the line, '#'
 *                                         included. The verb documents the
 *                                         meaning; the bridge's roster
 *                                         decides it.
 *   responder <id> at <s> status <value>  a status (en route, on scene, ...)
 *   responder <id> at <s> move from <lat>,<lon> to <lat>,<lon>
 *                          until <s2> every <n>
 *                                         LIP short location reports (PID
 *                                         0x0A) from s to s2 every n s,
 *                                         along the straight line, with the
 *                                         speed and heading of that leg
 *   responder <id> at <s> fail <status>   delivery fails: an SDS-REPORT with
 *                                         that status (0x20-0xFF, e.g. 0x41
 *                                         not reachable), if a report was
 *                                         asked; nothing else (no other
 *                                         lines but member)
 * <s> is seconds (up to 3 decimals, at most a day) after the SDS reached
 * the responder: for reports that SDS, for the rest the alert that started
 * the play. An alert is an SDS-TL text (PID 0x82, 0x89, 0x8A) or a call-out
 * PDU of kind 1 (PID 0xC3); it starts the play (answer, statuses,
 * positions in time order; at equal times, reports first, then the lines
 * in file order) unless one is running; a call-out alert with another
 * number is a new call-out and starts it over. Anything else that reaches
 * it (a re-alert, a stand-down, another part) gets its reports only;
 * statuses and SDS-REPORTs to it get nothing. tb_sim_start() arms the
 * responders afresh, tb_sim_stop() cancels all that is pending; while the
 * terminal is silent their lines are lost. Limits: 64 responders, 64
 * status lines and 1000 positions each, 32 reports pending per responder
 * (more are dropped). A line that breaks a rule (e.g. fail beside an
 * answer, a second answer, never beside a status) is refused with a
 * sentence, as any scenario line.
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
 * "09011638300023404".
 * Ownership: a talloc child of ctx; tb_sim_destroy() frees it, and so does
 * freeing ctx (either stops its timers and takes it off the air). The
 * output callback must not free the terminal. */
struct tb_sim_terminal *tb_sim_alloc(void *ctx, const char *own_tsi,
				     tb_sim_output_cb out, void *data);
/* Frees the terminal and sets *s to NULL. s and *s may be NULL. */
void tb_sim_destroy(struct tb_sim_terminal **s);

/* Load a scenario file (replaces any loaded one and stops playing; on
 * failure the loaded scenario is kept). Returns 0 or -errno / -EINVAL; on
 * -EINVAL *err_line (may be NULL) is the offending line number, else 0. */
int tb_sim_load_scenario(struct tb_sim_terminal *s, const char *path, unsigned *err_line);
/* Check a scenario file as tb_sim_load_scenario() would load it, without a
 * terminal: the daemon refuses a bad scenario when its config is read, not
 * at every reopen of the radio. Returns 0, or -errno / -EINVAL with why
 * (why_len bytes, 128 hold every reason) saying why, e.g. "wait needs a
 * number of milliseconds";
 * on -EINVAL *err_line (may be NULL) is the offending line number, else 0. */
int tb_sim_check_scenario(const char *path, unsigned *err_line, char *why, size_t why_len);
/* Why the last tb_sim_load_scenario() failed, e.g. "wait needs a number of
 * milliseconds" (never the line's contents); "" if it did not. */
const char *tb_sim_load_error(const struct tb_sim_terminal *s);
/* Start / stop playing the loaded scenario from its top, its responders
 * included (start arms them afresh, stop cancels what they have pending).
 * Stopping does not free the terminal (it still answers commands). */
void tb_sim_start(struct tb_sim_terminal *s);
void tb_sim_stop(struct tb_sim_terminal *s);

/* Bytes the host wrote to the terminal (AT commands). */
void tb_sim_input(struct tb_sim_terminal *s, const uint8_t *buf, size_t len);

/* Print one line now (CR LF appended), as if the terminal produced it;
 * nothing while silent. */
void tb_sim_inject(struct tb_sim_terminal *s, const char *line);

/* A silent terminal answers nothing and prints nothing (keep-alive tests);
 * its scenario pauses and resumes when it is no longer silent. */
void tb_sim_set_silent(struct tb_sim_terminal *s, bool silent);
bool tb_sim_is_silent(const struct tb_sim_terminal *s);

/* Optional: a name for log lines (copied), e.g. the tetra-sim terminal name. */
void tb_sim_set_name(struct tb_sim_terminal *s, const char *name);

/* Optional observer: called for every command line the terminal receives
 * (user_data NULL) and for every SDS sent with AT+CMGS (cmd is the AT+CMGS
 * line, user_data the hex digits). Runs before the answer is output. */
typedef void (*tb_sim_cmd_cb)(const char *cmd, const char *user_data, void *data);
void tb_sim_set_cmd_cb(struct tb_sim_terminal *s, tb_sim_cmd_cb cb, void *data);

/* The next n AT+CMGS are answered "+CME ERROR: 42" (busy) after their user
 * data, instead of being taken (replaces the count left; 0 ends it). */
void tb_sim_set_busy(struct tb_sim_terminal *s, unsigned n);
/* The next n SDS the terminal takes end with "+CMGS: <inst>,5" and reach
 * nobody (replaces the count left; 0 ends it). */
void tb_sim_set_airfail(struct tb_sim_terminal *s, unsigned n);

/* The live terminal of this process with this own identity (exactly as
 * given to tb_sim_alloc), or NULL; the first one if there are several.
 * The terminal of a sim transport exists only while the transport is open
 * and is a new one after each open (counts set on it are gone). */
struct tb_sim_terminal *tb_sim_find(const char *own_tsi);

/* The in-daemon transport around a simulated terminal. scenario_path may be
 * NULL (the terminal only answers commands). The terminal is created and its
 * scenario loaded and started by open() (-EINVAL / -errno if the scenario
 * does not load); its output reaches t->rx from a zero-delay osmo_timer,
 * never from inside write(). describe() gives "sim:<scenario path>".
 * Ownership: a talloc child of ctx; tb_transport_destroy() frees it, and so
 * does freeing ctx (either closes it first). Returns NULL on bad arguments
 * or no memory. */
struct tb_transport *tb_transport_sim_alloc(void *ctx, const char *own_tsi, const char *scenario_path);
