/* Fake time for unit tests: both clocks osmo_timer and the code under test
 * read are overridden, and advancing them runs the timers that became due.
 * libosmocore 1.7 runs osmo_timer on osmo_gettimeofday(), later versions
 * on CLOCK_MONOTONIC, and the code under test reads CLOCK_MONOTONIC: both
 * move together, so no test depends on which one a timer uses.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>

/* Override CLOCK_MONOTONIC and osmo_gettimeofday(); the wall clock starts
 * at 2023-11-14 (1700000000), the monotonic one where it was. */
void tb_fake_time_start(void);
/* Back to the real clocks (nothing is freed; the timers stay armed). */
void tb_fake_time_stop(void);

/* Run the timers that are due now, and those they schedule for now, up to
 * 100 rounds (a timer that re-arms itself at 0 ms cannot hang a test). */
void tb_fake_time_run_due(void);
/* Move both clocks forward by ms in steps of at most 10 ms, running what is
 * due after each step, so timers fire at (about) their own time and not all
 * at the end. 0: run what is due now. */
void tb_fake_time_advance_ms(unsigned ms);
/* Milliseconds of fake time advanced since tb_fake_time_start(). */
uint64_t tb_fake_time_ms(void);
