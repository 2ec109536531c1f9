/* Reading a config file (tetra-bridged's, tetra-web's): checked as text,
 * then run line by line through the VTY (see config_file.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE	/* fopencookie */
#include "common/config_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <osmocom/core/talloc.h>

/* The file being run, for tb_config_file_line(). */
struct config_run {
	const char *text;	/* the checked file, every line ending in '\n' */
	size_t len, pos;
	unsigned line;		/* the line whose bytes were handed out last */
	tb_config_line_cb after_line;
	void *data;
};

static struct config_run *g_run;

unsigned tb_config_file_line(void)
{
	return g_run ? g_run->line : 0;
}

/* Read the whole file (a directory or a file over the limit is refused).
 * Returns the bytes read or -errno with *errmsg. */
static ssize_t slurp(void *ctx, const char *path, char **out, char **errmsg)
{
	struct stat st;
	size_t cap = 4096, len = 0;
	char *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0) {
		rc = -errno;
		*errmsg = talloc_asprintf(ctx, "cannot read config file %s: %s", path, strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		*errmsg = talloc_asprintf(ctx, "%s is a directory, not a config file; give the file itself "
					  "with -c FILE", path);
		return -EISDIR;
	}
	buf = talloc_size(ctx, cap);
	for (;;) {
		ssize_t n;

		if (!buf) {
			close(fd);
			return -ENOMEM;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			close(fd);
			talloc_free(buf);
			*errmsg = talloc_asprintf(ctx, "cannot read config file %s: %s", path, strerror(-rc));
			return rc;
		}
		if (n == 0)
			break;
		len += n;
		if (len > TB_CONFIG_FILE_MAX) {
			close(fd);
			talloc_free(buf);
			*errmsg = talloc_asprintf(ctx, "%s is larger than %u bytes, far more than a config file; is "
						  "it the right file?", path, TB_CONFIG_FILE_MAX);
			return -EFBIG;
		}
		if (len == cap) {
			cap *= 2;
			buf = talloc_realloc_size(ctx, buf, cap + 1);	/* +1: room for a last '\n' */
		}
	}
	close(fd);
	*out = buf;
	return len;
}

/* Length of the UTF-8 sequence at p (at most n bytes), 0 when it is not
 * one (Unicode Table 3-7: no overlongs, no surrogates, nothing above
 * U+10FFFF, not cut short). common/ cannot use the codecs' own. */
static size_t utf8_len(const uint8_t *p, size_t n)
{
	size_t len;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0)
		len = 2, cp = p[0] & 0x1f;
	else if ((p[0] & 0xf0) == 0xe0)
		len = 3, cp = p[0] & 0x0f;
	else if ((p[0] & 0xf8) == 0xf0)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* One line (without its '\n'): NULL if the VTY reads it as written, else
 * what is wrong with it. */
static char *line_fault(void *ctx, const uint8_t *p, size_t len)
{
	if (len > TB_CONFIG_LINE_MAX)
		return talloc_asprintf(ctx, "it is %zu bytes long, and a config line may have at most %u (the VTY "
				       "would run the rest as a line of its own)", len, TB_CONFIG_LINE_MAX);
	for (size_t i = 0; i < len;) {
		size_t n;

		if (p[i] == '\0')
			return talloc_asprintf(ctx, "it has a NUL byte (byte %zu), which would end the line there; "
					       "is this a text file?", i + 1);
		if (p[i] == '\r' && i + 1 == len)
			break;	/* CR LF line ends */
		if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f)
			return talloc_asprintf(ctx, "it has the control character 0x%02x (byte %zu); only spaces and "
					       "tabs may separate the words", p[i], i + 1);
		n = utf8_len(p + i, len - i);
		if (!n)
			return talloc_asprintf(ctx, "it is not UTF-8 text (byte %zu); save the file as UTF-8",
					       i + 1);
		i += n;
	}
	return NULL;
}

/* Hands the VTY one line per call at most, so that a read for a line's
 * first byte means the line before it has run (fgets() stops at '\n'). */
static ssize_t run_read(void *cookie, char *buf, size_t size)
{
	struct config_run *run = cookie;
	const char *start = run->text + run->pos;
	const char *nl;
	size_t n;

	if (run->pos >= run->len || !size)
		return 0;
	if (run->pos == 0 || run->text[run->pos - 1] == '\n') {
		if (run->line && run->after_line)
			run->after_line(run->line, run->data);
		run->line++;
	}
	nl = memchr(start, '\n', run->len - run->pos);
	n = nl ? (size_t)(nl - start) + 1 : run->len - run->pos;
	if (n > size)
		n = size;
	memcpy(buf, start, n);
	run->pos += n;
	return n;
}

int tb_config_file_read(void *ctx, const char *path, tb_config_line_cb after_line, void *data, char **errmsg)
{
	cookie_io_functions_t io = { .read = run_read };
	struct config_run run = { .after_line = after_line, .data = data };
	char *text = NULL;
	ssize_t len = slurp(ctx, path, &text, errmsg);
	unsigned line = 1;
	FILE *f;
	int rc;

	if (len < 0)
		return len;
	for (size_t start = 0; start < (size_t)len; line++) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - text) : (size_t)len;
		char *why = line_fault(ctx, (const uint8_t *)text + start, end - start);

		if (why) {
			*errmsg = talloc_asprintf(ctx, "%s line %u is wrong: %s", path, line, why);
			talloc_free(why);
			talloc_free(text);
			return -EINVAL;
		}
		start = end + 1;
	}
	if (len && text[len - 1] != '\n')
		text[len++] = '\n';	/* the last line counts like the others */

	run.text = text;
	run.len = len;
	f = fopencookie(&run, "r", io);
	if (!f) {
		talloc_free(text);
		return -ENOMEM;
	}
	g_run = &run;
	if (after_line)
		after_line(0, data);
	rc = vty_read_config_filep(f, NULL);
	g_run = NULL;
	fclose(f);
	if (rc < 0) {
		*errmsg = talloc_asprintf(ctx, "%s line %u is wrong (see above); fix it and start again", path,
					  run.line);
	} else if (run.line && after_line) {
		after_line(run.line, data);
	}
	talloc_free(text);
	return rc < 0 ? -EINVAL : 0;
}
