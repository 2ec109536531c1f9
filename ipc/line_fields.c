/* Fields of a line of a plain-text list file (see line_fields.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ipc/line_fields.h"

#include <ctype.h>

const char *tb_line_next_field(const char **p, size_t *len)
{
	const char *s = *p, *e;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '\n' || *s == '\r')
		return NULL;
	e = s;
	while (*e && *e != ' ' && *e != '\t' && *e != '\n' && *e != '\r')
		e++;
	*len = (size_t)(e - s);
	*p = e;
	return s;
}

bool tb_line_word_echoable(const char *s, size_t len)
{
	if (len == 0 || len > 16)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isalnum((unsigned char)s[i]))
			return false;
	}
	return true;
}
