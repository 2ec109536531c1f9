/* PEI unsolicited result codes -> TETRA primitives.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "codecs/pei_urc.h"

#include <string.h>

bool tetra_pei_has_data_line(const char *line, size_t len)
{
	static const char p[] = "+CTSDSR:";
	return len >= sizeof(p) - 1 && memcmp(line, p, sizeof(p) - 1) == 0;
}
