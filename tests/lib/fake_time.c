/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/lib/fake_time.h"

#include <stdbool.h>
#include <sys/time.h>
#include <time.h>

#include <osmocom/core/timer.h>

#define STEP_MS 10

static uint64_t g_advanced_ms;

void tb_fake_time_start(void)
{
	osmo_clock_override_enable(CLOCK_MONOTONIC, true);
	osmo_gettimeofday_override = true;
	osmo_gettimeofday_override_time = (struct timeval){ .tv_sec = 1700000000 };
	g_advanced_ms = 0;
}

void tb_fake_time_stop(void)
{
	osmo_clock_override_enable(CLOCK_MONOTONIC, false);
	osmo_gettimeofday_override = false;
}

void tb_fake_time_run_due(void)
{
	for (int i = 0; i < 100 && osmo_timers_update() > 0; i++)
		;
}

void tb_fake_time_advance_ms(unsigned ms)
{
	do {
		unsigned step = ms > STEP_MS ? STEP_MS : ms;

		osmo_clock_override_add(CLOCK_MONOTONIC, step / 1000, (long)(step % 1000) * 1000000L);
		osmo_gettimeofday_override_add(step / 1000, (step % 1000) * 1000);
		g_advanced_ms += step;
		tb_fake_time_run_due();
		ms -= step;
	} while (ms);
}

uint64_t tb_fake_time_ms(void)
{
	return g_advanced_ms;
}
