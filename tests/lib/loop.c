/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/lib/loop.h"

#include <time.h>

#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>

int64_t tb_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void wake_cb(void *data)
{
}

bool tb_loop_run_until(bool (*cond)(void *arg), void *arg, int timeout_ms)
{
	return tb_loop_run_until_at(cond, arg, tb_now_us() + (int64_t)timeout_ms * 1000);
}

bool tb_loop_run_until_at(bool (*cond)(void *arg), void *arg, int64_t deadline_us)
{
	struct osmo_timer_list wake = { 0 };
	bool ok;

	osmo_timer_setup(&wake, wake_cb, NULL);
	while (!(ok = cond(arg))) {
		int64_t left = deadline_us - tb_now_us();

		if (left <= 0)
			break;
		osmo_timer_schedule(&wake, left / 1000000, left % 1000000);
		osmo_select_main_ctx(0);
	}
	osmo_timer_del(&wake);
	return ok;
}
