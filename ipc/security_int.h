/* Private to the CURVE security files of ipc/ (curve_keys.c,
 * clients_file.c, zap.c, security.c): small helpers they all use. Not for
 * any other code; the public side is ipc/security.h.
 *
 * Key material never reaches a log or an error message: errors about keys
 * name the file and line only, and buffers that held a key are wiped.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <talloc.h>
#include <zmq.h>

#include "ipc/curve_keys.h"

/* *errmsg = a sentence talloc'ed under ctx; nothing when errmsg is NULL. */
static inline void tb_sec_set_err(void *ctx, char **errmsg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline void tb_sec_set_err(void *ctx, char **errmsg, const char *fmt, ...)
{
	va_list ap;

	if (!errmsg)
		return;
	va_start(ap, fmt);
	*errmsg = talloc_vasprintf(ctx, fmt, ap);
	va_end(ap);
}

/* Whether the open file f is not a regular file or has more than max bytes
 * (a wrong path, e.g. a device or a log file given as a key). */
static inline bool tb_sec_file_too_big(FILE *f, unsigned max)
{
	struct stat st;

	if (fstat(fileno(f), &st) < 0)
		return true;
	return !S_ISREG(st.st_mode) || st.st_size > (off_t)max;
}

/* Whether s (len characters, not NUL-terminated) is a Z85 CURVE key; its
 * 32 bytes into out when out is not NULL. The copies made here are wiped. */
static inline bool tb_sec_z85_decode(const char *s, size_t len, uint8_t out[TB_CURVE_KEY_BYTES])
{
	char buf[TB_Z85_KEY_LEN + 1];
	uint8_t tmp[TB_CURVE_KEY_BYTES];
	bool ok;

	if (len != TB_Z85_KEY_LEN)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	ok = zmq_z85_decode(out ? out : tmp, buf) != NULL;
	explicit_bzero(buf, sizeof(buf));
	explicit_bzero(tmp, sizeof(tmp));
	return ok;
}
