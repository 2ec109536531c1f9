/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/lib/inject.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "radio-drivers/sim_terminal.h"

#define MAX_TEXT 250

void tb_inject_status(struct tb_sim_terminal *s, const char *addrs, uint16_t value)
{
	char hdr[128], hex[8];

	snprintf(hdr, sizeof(hdr), "+CTSDSR: 13,%s,16", addrs);
	snprintf(hex, sizeof(hex), "%04X", value);
	tb_sim_inject(s, hdr);
	tb_sim_inject(s, hex);
}

void tb_inject_text(struct tb_sim_terminal *s, const char *addrs, const char *text)
{
	char hdr[128], hex[2 * (4 + MAX_TEXT) + 1];
	size_t len = strlen(text), o;

	if (len > MAX_TEXT)
		abort();	/* a test's mistake */
	snprintf(hdr, sizeof(hdr), "+CTSDSR: 12,%s,%zu", addrs, 8 * (4 + len));
	o = snprintf(hex, sizeof(hex), "82029C01");
	for (size_t i = 0; i < len; i++)
		o += snprintf(hex + o, sizeof(hex) - o, "%02X", (unsigned char)text[i]);
	tb_sim_inject(s, hdr);
	tb_sim_inject(s, hex);
}
