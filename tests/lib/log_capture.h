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
/* Forget what was captured so far (the text and the line counts). */
void tb_log_capture_clear(void);

/* Everything captured since the last clear (NUL-terminated). When the
 * buffer (256 KiB) is full it starts over: only the newest text is kept. */
const char *tb_log_capture_text(void);
size_t tb_log_capture_len(void);
/* How often needle occurs in it. */
unsigned tb_log_capture_count(const char *needle);
/* The line that contains needle ("" if none), for assertion messages. */
const char *tb_log_capture_line(const char *needle);
/* How many lines at level (LOGL_*) or above were captured since the last
 * clear (counted also when the buffer started over). */
unsigned tb_log_capture_lines(unsigned level);

/* Health data the test puts in what it feeds the code: from now on every
 * line the target hears that contains needle is counted, at every level
 * (below min_level too), whatever is cleared, until the next call (NULL:
 * watch nothing). needle is not copied. */
void tb_log_capture_watch(const char *needle);
/* How many lines contained the watched needle. */
unsigned tb_log_capture_watched(void);

/* cmocka: fail the test, at the caller's line, if needle occurs in what was
 * captured (health data: never in the log). */
#define tb_assert_not_logged(needle)                                                    \
	do {                                                                            \
		if (tb_log_capture_count(needle))                                       \
			fail_msg("the log says \"%s\": %s", (needle), tb_log_capture_line(needle)); \
	} while (0)
