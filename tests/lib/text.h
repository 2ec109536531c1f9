/* Looking for things in text a test collected: a log, a VTY answer.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* How often needle occurs in text (0 if text is NULL). */
unsigned tb_text_count(const char *text, const char *needle);
/* The line of text that contains needle, without its newline ("" if none);
 * valid until the next call. */
const char *tb_text_line_with(const char *text, const char *needle);
