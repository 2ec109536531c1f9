/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include "tests/lib/tmpdir.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

char *tb_tmpdir_make(char *dir, size_t size, const char *name)
{
	int n = snprintf(dir, size, "/tmp/%s.XXXXXX", name);

	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return mkdtemp(dir);
}

const char *tb_tmpdir_write(const char *dir, const char *name, const void *data, size_t len)
{
	static char path[512];
	int n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f;

	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	f = fopen(path, "w");
	if (!f)
		return NULL;
	if (fwrite(data, 1, len, f) != len) {
		fclose(f);
		errno = EIO;
		return NULL;
	}
	return fclose(f) == 0 ? path : NULL;
}

/* nftw() passes no user data: the first error of the walk in progress. */
static int g_first_error;

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	if (remove(path) < 0 && !g_first_error)
		g_first_error = -errno;
	return 0;	/* on with the rest: leave as little behind as possible */
}

int tb_tmpdir_remove(const char *dir)
{
	g_first_error = 0;
	if (nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0)
		return -errno;
	return g_first_error;
}
