/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/lib/text.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

unsigned tb_text_count(const char *text, const char *needle)
{
	unsigned n = 0;

	if (!text)
		return 0;
	for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

const char *tb_text_line_with(const char *text, const char *needle)
{
	static char line[512];
	const char *p = text ? strstr(text, needle) : NULL, *b, *e;

	if (!p)
		return "";
	for (b = p; b > text && b[-1] != '\n'; b--)
		;
	e = strchr(p, '\n');
	snprintf(line, sizeof(line), "%.*s", (int)(e ? e - b : (ptrdiff_t)strlen(b)), b);
	return line;
}
