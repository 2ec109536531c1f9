/* Reading the config file. libosmovty reads a file with fgets() into a
 * 512-byte buffer: a longer line is cut and its tail runs as a command of
 * its own, and a NUL byte ends the line early, both without a word. So the
 * file is first read whole and checked as text, and only a file whose every
 * line the VTY reads as written is handed to it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <osmocom/vty/vty.h>

/* The longest line the VTY takes whole (fgets into VTY_BUFSIZ: the line,
 * its '\n' and the terminating NUL). */
#define TB_CONFIG_LINE_MAX (VTY_BUFSIZ - 2)
/* No config file is this big; a larger file is the wrong file. */
#define TB_CONFIG_FILE_MAX (1024 * 1024)

/* Called with line 0 before the first line runs, then after each line's
 * command ran (also blank and comment lines) with that line's number: what
 * libosmocore's own commands set (e.g. `line vty / bind`) can be traced to
 * its line. */
typedef void (*tb_config_line_cb)(unsigned line, void *data);

/* Check the file at path and run its lines through the VTY
 * (vty_read_config_filep). The file must not be a directory, must be at most
 * TB_CONFIG_FILE_MAX bytes, and each line at most TB_CONFIG_LINE_MAX bytes
 * of UTF-8 text without NUL bytes or control characters other than tab (and
 * a CR before the line end). after_line may be NULL.
 * Returns 0, or -errno / -EINVAL with *errmsg (a talloc child of ctx) a
 * sentence for people naming the file and, where one is at fault, the line;
 * when a command refused its line, the VTY has printed the line and the
 * command's reason on stderr already, and *errmsg says so. */
int tb_config_file_read(void *ctx, const char *path, tb_config_line_cb after_line, void *data,
			char **errmsg);

/* While tb_config_file_read() runs a command: the number of its line in
 * the file (from 1). 0 at any other time (e.g. a command typed on the
 * telnet VTY). */
unsigned tb_config_file_line(void);
