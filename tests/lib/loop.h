/* The osmo_select loop in real time, for tests whose other side runs on
 * its own (emulated USB, a child daemon): wait for a condition with a
 * bound, never a sleep.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* CLOCK_MONOTONIC in microseconds. */
int64_t tb_now_us(void);
/* Run the loop until cond(arg) holds; false if timeout_ms passed first. A
 * timer at the deadline wakes the loop, whatever else it waits for. */
bool tb_loop_run_until(bool (*cond)(void *arg), void *arg, int timeout_ms);
/* The same up to a deadline in tb_now_us() time: for waits that must end
 * at a time fixed before (a benchmark's phase), not timeout_ms from now. */
bool tb_loop_run_until_at(bool (*cond)(void *arg), void *arg, int64_t deadline_us);
