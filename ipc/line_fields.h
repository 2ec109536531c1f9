/* Reading a line of a plain-text list file (the bridge's clients file,
 * tetra-web's users file): blank-separated fields, and which of them may
 * be repeated in an error sentence.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The next field of *p (fields are separated by spaces and tabs; the line
 * ends at NUL, '\n' or '\r'): its start, with its length in *len and *p
 * moved past it; NULL at the end of the line. */
const char *tb_line_next_field(const char **p, size_t *len);

/* Whether the word s (len bytes) is short and plain enough to repeat in an
 * error sentence: 1 to 16 letters and digits. A key or a password hash
 * pasted into the wrong column is not. */
bool tb_line_word_echoable(const char *s, size_t len);
