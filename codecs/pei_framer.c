/* PEI byte framer: a terminal's byte stream -> result lines.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "codecs/pei_framer.h"

#include <string.h>

void tb_pei_framer_init(struct tb_pei_framer *f, tb_pei_line_cb cb, void *data)
{
	memset(f, 0, sizeof(*f));
	f->cb = cb;
	f->cb_data = data;
}

void tb_pei_framer_reset(struct tb_pei_framer *f)
{
	f->len = 0;
	f->discarding = 0;
	if (f->feeding)
		f->stop = 1;
}

static void deliver(struct tb_pei_framer *f)
{
	size_t len = f->len;

	f->len = 0;
	f->buf[len] = '\0';
	f->stats.lines++;
	if (f->cb)
		f->cb(f->buf, len, f->cb_data);
}

void tb_pei_framer_feed(struct tb_pei_framer *f, const uint8_t *buf, size_t len)
{
	int outer = !f->feeding;	/* a callback may feed again (it should not, but be safe) */

	f->stats.bytes += len;
	f->feeding = 1;
	if (outer)
		f->stop = 0;
	for (size_t i = 0; i < len && !f->stop; i++) {
		uint8_t c = buf[i];

		if (c == '\r' || c == '\n') {
			/* Any of CR LF, CR, LF ends a line. The LF of a CR LF pair
			 * ends an empty line, and empty lines are never delivered. */
			if (f->discarding)
				f->discarding = 0;
			else if (f->len > 0)
				deliver(f);
			continue;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			/* NUL, Ctrl-Z echo, line noise: drop the byte, keep the line. */
			f->stats.garbage++;
			continue;
		}
		if (f->discarding)
			continue;
		if (f->len == TB_PEI_LINE_MAX) {
			/* Too long to be a PEI line: drop all of it up to its end. */
			f->stats.overlong++;
			f->len = 0;
			f->discarding = 1;
			continue;
		}
		f->buf[f->len++] = (char)c;
		/* The SDS prompt: after "AT+CMGS=<called>,<bits><CR>" the terminal
		 * prints "> " (EN 300 392-5, as in 3GPP TS 27.005) and waits for the
		 * user data, with no line end. Deliver it at once, or the engine
		 * would wait forever for a line end that comes only after the data
		 * it has not yet sent. No PEI result line starts with "> " (results
		 * start with a letter or '+', user-data lines are hex), so doing this
		 * only at a line start cannot cut a real line in two. A bare ">"
		 * followed by a line end is delivered as the line ">". */
		if (f->len == 2 && f->buf[0] == '>' && f->buf[1] == ' ')
			deliver(f);
	}
	if (outer) {
		f->feeding = 0;
		f->stop = 0;
	}
}
