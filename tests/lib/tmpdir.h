/* Temporary folders for tests and benchmarks: made with mkdtemp() under
 * /tmp (short, so ipc:// paths in them stay under the 108 bytes of a unix
 * socket path), removed with everything in them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

/* Make /tmp/<name>.XXXXXX into dir (size bytes); returns dir, or NULL with
 * errno set (as mkdtemp()). */
char *tb_tmpdir_make(char *dir, size_t size, const char *name);
/* Write len bytes of data to the file dir/name (made, or emptied first):
 * a scenario, a config. Returns its path (valid until the next call), or
 * NULL with errno set. */
const char *tb_tmpdir_write(const char *dir, const char *name, const void *data, size_t len);
/* Remove dir and everything below it (links are removed, not followed).
 * Goes on past what it cannot remove; returns 0, or -errno of the first
 * failure. */
int tb_tmpdir_remove(const char *dir);
