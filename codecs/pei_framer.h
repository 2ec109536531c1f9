/* PEI byte framer: a terminal's byte stream -> result lines.
 * Copes with lines split across reads, several lines in one read, bare CR or
 * LF terminators, stray control bytes and over-long lines (dropped and
 * counted; the framer resynchronises at the next line end). Never allocates.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define TB_PEI_LINE_MAX 1024	/* longest line kept: a 2047-bit SDS is 512 hex digits */

struct tb_pei_framer_stats {
	uint64_t bytes;		/* all bytes fed */
	uint64_t lines;		/* lines delivered */
	uint64_t overlong;	/* lines dropped for exceeding TB_PEI_LINE_MAX */
	uint64_t garbage;	/* stray bytes dropped (NUL, other control bytes) */
};

/* Called for every complete, non-empty line, without its terminator and
 * NUL-terminated (line[len] == 0). The buffer is only valid during the call.
 * The terminal's SDS prompt "> " (sent after "AT+CMGS=...<CR>" without a line
 * end) is delivered as the line "> " as soon as it is seen at a line start. */
typedef void (*tb_pei_line_cb)(const char *line, size_t len, void *data);

struct tb_pei_framer {
	tb_pei_line_cb cb;
	void *cb_data;
	size_t len;
	int discarding;		/* inside an over-long line: drop until its end */
	int feeding;		/* inside tb_pei_framer_feed() */
	int stop;		/* reset from inside the callback: drop the rest of this feed */
	struct tb_pei_framer_stats stats;
	char buf[TB_PEI_LINE_MAX + 1];
};

void tb_pei_framer_init(struct tb_pei_framer *f, tb_pei_line_cb cb, void *data);
/* Feed bytes as they arrived; calls cb for each line completed. */
void tb_pei_framer_feed(struct tb_pei_framer *f, const uint8_t *buf, size_t len);
/* Forget a partial line (after a link reset). Statistics are kept.
 * Called from inside the line callback, it also drops the bytes of the current
 * tb_pei_framer_feed() call that follow the line (they belong to the old link),
 * and no further callback is made for them. */
void tb_pei_framer_reset(struct tb_pei_framer *f);
