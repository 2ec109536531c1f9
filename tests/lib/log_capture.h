/* The process's osmo log captured into one buffer, to check what was said
 * and that health data never was (identities, message text).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

struct log_target;

/* A log target that captures every line at min_level (LOGL_*) or above.
 * It passes all filters; which categories it hears, at which level, is the
 * caller's to set on the returned target (log_set_category_filter()).
 * log_fini() frees it. */
struct log_target *tb_log_capture_start(unsigned min_level);
/* Forget what was captured so far. */
void tb_log_capture_clear(void);

/* Everything captured since the last clear (NUL-terminated). When the
 * buffer (256 KiB) is full it starts over: only the newest text is kept. */
const char *tb_log_capture_text(void);
size_t tb_log_capture_len(void);
/* How often needle occurs in it. */
unsigned tb_log_capture_count(const char *needle);
/* The line that contains needle ("" if none), for assertion messages. */
const char *tb_log_capture_line(const char *needle);

/* cmocka: fail the test, at the caller's line, if needle occurs in what was
 * captured (health data: never in the log). */
#define tb_assert_not_logged(needle)                                                    \
	do {                                                                            \
		if (tb_log_capture_count(needle))                                       \
			fail_msg("the log says \"%s\": %s", (needle), tb_log_capture_line(needle)); \
	} while (0)
