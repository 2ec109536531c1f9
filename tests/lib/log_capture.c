/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/lib/log_capture.h"

#include <stdlib.h>
#include <string.h>

#include <osmocom/core/logging.h>

#include "tests/lib/text.h"

static char g_buf[1 << 18];
static size_t g_len;
static unsigned g_min_level;
static unsigned g_lines[LOGL_FATAL + 1];	/* by level */
static const char *g_watch;
static unsigned g_watched;

static void capture(struct log_target *target, unsigned int level, const char *string)
{
	size_t n = strlen(string);

	if (g_watch && strstr(string, g_watch))
		g_watched++;
	if (level < g_min_level)
		return;
	g_lines[level < LOGL_FATAL ? level : LOGL_FATAL]++;
	if (g_len + n >= sizeof(g_buf))
		g_len = 0;	/* only what is new matters */
	if (n >= sizeof(g_buf))
		return;
	memcpy(g_buf + g_len, string, n + 1);
	g_len += n;
}

struct log_target *tb_log_capture_start(unsigned min_level)
{
	struct log_target *t = log_target_create();

	if (!t)
		abort();
	g_min_level = min_level;
	tb_log_capture_clear();
	t->output = capture;
	log_set_all_filter(t, 1);
	log_add_target(t);
	return t;
}

void tb_log_capture_clear(void)
{
	g_len = 0;
	g_buf[0] = '\0';
	memset(g_lines, 0, sizeof(g_lines));
}

const char *tb_log_capture_text(void)
{
	return g_buf;
}

size_t tb_log_capture_len(void)
{
	return g_len;
}

unsigned tb_log_capture_count(const char *needle)
{
	return tb_text_count(g_buf, needle);
}

const char *tb_log_capture_line(const char *needle)
{
	return tb_text_line_with(g_buf, needle);
}

unsigned tb_log_capture_lines(unsigned level)
{
	unsigned n = 0;

	for (unsigned l = level; l <= LOGL_FATAL; l++)
		n += g_lines[l];
	return n;
}

void tb_log_capture_watch(const char *needle)
{
	g_watch = needle;
	g_watched = 0;
}

unsigned tb_log_capture_watched(void)
{
	return g_watched;
}
