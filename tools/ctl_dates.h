/* Dates on tetractl's command line (callout report --since / --until):
 * local time unless the text says its offset.
 *
 *   2024-05-01                  the day's start, local time (or, as an end,
 *                               the next day's start: the whole day counts)
 *   2024-05-01T08:00            local time; also with a blank for the T,
 *   2024-05-01 08:00:30         and with seconds
 *   2024-05-01T08:00:00Z        UTC; also +02:00, -0130 ...
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* s as microseconds since the Unix epoch into *us. end: a date alone
 * means the end of that day (the next one's start). false when s is not
 * one of the forms above or not a real date (2024-02-30). */
bool ctl_parse_date(const char *s, bool end, uint64_t *us);
