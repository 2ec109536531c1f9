/* Responders' pseudonyms (see pseudonym.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE	/* mkostemp */
#include "bridge/pseudonym.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <osmocom/core/talloc.h>
#include <sodium.h>

/* What the MAC is over: a label, so this key never MACs anything else
 * the same way, and the SSI in decimal. */
#define LABEL "tetra-bridge responder "

static int read_key(const char *path, int fd, uint8_t *key, void *ctx, char **errmsg)
{
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) < 0) {
		*errmsg = talloc_asprintf(ctx, "cannot read the pseudonym key %s: %s", path, strerror(errno));
		return -errno;
	}
	if (!S_ISREG(st.st_mode) || st.st_size != TB_PSEUDONYM_KEY_LEN) {
		*errmsg = talloc_asprintf(ctx, "the pseudonym key %s is not a file of %u bytes; move it away and a new "
					  "one is made (responders then get new pseudonyms)", path,
					  TB_PSEUDONYM_KEY_LEN);
		return -EINVAL;
	}
	if (st.st_mode & 077) {
		*errmsg = talloc_asprintf(ctx, "the pseudonym key %s may be read by others (mode %04o): "
					  "chmod 600 it", path, (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	n = read(fd, key, TB_PSEUDONYM_KEY_LEN);
	if (n != TB_PSEUDONYM_KEY_LEN) {
		int e = n < 0 ? errno : EIO;
		*errmsg = talloc_asprintf(ctx, "cannot read the pseudonym key %s: %s", path, strerror(e));
		return -e;
	}
	return 0;
}

/* A new key, written to a file of its own and linked to path, so path is
 * never a half-written key. 0, -EEXIST (somebody made one first), or
 * -errno with *errmsg. */
static int make_key(const char *state_dir, const char *path, void *ctx, char **errmsg)
{
	uint8_t key[TB_PSEUDONYM_KEY_LEN];
	char *tmp = talloc_asprintf(ctx, "%s.XXXXXX", path);
	int fd, rc = 0;

	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key)) {
		*errmsg = talloc_asprintf(ctx, "cannot make a pseudonym key: no random numbers (%s)",
					  strerror(errno));
		return -EIO;
	}
	fd = mkostemp(tmp, O_CLOEXEC);	/* mode 0600 */
	if (fd < 0) {
		rc = -errno;
		*errmsg = talloc_asprintf(ctx, "cannot make the pseudonym key in %s: %s", state_dir, strerror(errno));
		sodium_memzero(key, sizeof(key));
		return rc;
	}
	errno = 0;
	if (write(fd, key, sizeof(key)) != (ssize_t)sizeof(key) || fsync(fd) < 0)
		rc = -(errno ? errno : EIO);
	sodium_memzero(key, sizeof(key));
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && link(tmp, path) < 0)
		rc = -errno;
	unlink(tmp);
	if (rc && rc != -EEXIST)
		*errmsg = talloc_asprintf(ctx, "cannot write the pseudonym key %s: %s", path, strerror(-rc));
	if (!rc) {
		/* the link itself on disk, not only the file */
		int dfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	return rc;
}

int tb_pseudonym_key(const char *state_dir, uint8_t key[TB_PSEUDONYM_KEY_LEN], void *ctx, char **errmsg)
{
	char *path;
	int fd, rc;

	if (sodium_init() < 0) {
		*errmsg = talloc_strdup(ctx, "libsodium does not start; pseudonyms cannot be made");
		return -EIO;
	}
	path = talloc_asprintf(ctx, "%s/%s", state_dir && state_dir[0] ? state_dir : ".", TB_PSEUDONYM_KEY_FILE);
	for (int tries = 0; tries < 2; tries++) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0) {
			rc = read_key(path, fd, key, ctx, errmsg);
			close(fd);
			return rc;
		}
		if (errno != ENOENT) {
			rc = -errno;
			*errmsg = talloc_asprintf(ctx, "cannot read the pseudonym key %s: %s", path, strerror(errno));
			return rc;
		}
		rc = make_key(state_dir && state_dir[0] ? state_dir : ".", path, ctx, errmsg);
		if (rc && rc != -EEXIST)
			return rc;
	}
	*errmsg = talloc_asprintf(ctx, "the pseudonym key %s comes and goes; check what else writes there", path);
	return -EIO;
}

const char *tb_pseudonym(const uint8_t key[TB_PSEUDONYM_KEY_LEN], uint32_t ssi, char *buf)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char in[sizeof(LABEL) + 10];
	int n = snprintf(in, sizeof(in), LABEL "%u", ssi);

	crypto_auth_hmacsha256(mac, (const unsigned char *)in, (unsigned long long)n, key);
	snprintf(buf, TB_PSEUDONYM_BUF, "R-%02x%02x%02x", mac[0], mac[1], mac[2]);
	return buf;
}
