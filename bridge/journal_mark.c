/* The seq mark: the highest seq handed out that the database may not hold.
 *
 * An event is published from memory when the database cannot store it (a
 * full disk): if the daemon then stops before the disk frees, the database
 * alone would let the next start hand out those seqs again, with other
 * contents. So before such an event is published, its seq is written to a
 * small file of its own, <state dir>/tetra-bridge.seq, in place: the file
 * is made TB_MARK_FILE_SIZE long when the journal opens (posix_fallocate),
 * and rewriting bytes that are already allocated needs no free space on
 * the usual Linux file systems (ext4, xfs, tmpfs; a copy-on-write file
 * system may refuse: that is logged). A write that returned survives a
 * kill -9 (it is in the page cache); like the database with
 * synchronous=NORMAL, a power cut may lose the last moments.
 *
 * Record: "TBSEQ001" | seq (8 bytes, little endian) | ~seq: a torn or
 * foreign file reads as no mark (and is said).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "bridge/journal_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <osmocom/core/bit64gen.h>
#include <talloc.h>

#include "common/logging.h"

#define TB_MARK_FILE		"tetra-bridge.seq"
#define TB_MARK_FILE_SIZE	4096
#define TB_MARK_MAGIC		"TBSEQ001"
#define TB_MARK_LEN		24

int tb_journal__mark_open(struct tb_journal *j, void *ctx, char **errmsg)
{
	uint8_t rec[TB_MARK_LEN];
	char *path = talloc_asprintf(j, "%s/%s", j->dir, TB_MARK_FILE);
	ssize_t n;
	int fd, rc;

	if (!path) {
		*errmsg = talloc_strdup(ctx, "cannot open the journal: out of memory");
		return -ENOMEM;
	}
	j->mark_path = path;
	j->mark = 0;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = -errno;
		*errmsg = talloc_asprintf(ctx, "cannot open %s: %s (the daemon's user must own %s)", path,
					  strerror(errno), j->dir);
		return rc;
	}
	n = pread(fd, rec, sizeof(rec), 0);
	if (n == (ssize_t)sizeof(rec) && memcmp(rec, TB_MARK_MAGIC, 8) == 0 &&
	    osmo_load64le(rec + 8) == ~osmo_load64le(rec + 16))
		j->mark = osmo_load64le(rec + 8);
	else if (n > 0 && rec[0] != 0)
		LOGP(DJOURNAL, LOGL_ERROR, "%s does not hold a seq mark; ignored (events published from memory "
		     "before the last stop may have their seq given again)\n", path);
	/* Room for every later write, taken now while the disk has it. */
	rc = posix_fallocate(fd, 0, TB_MARK_FILE_SIZE);
	if (rc != 0)
		LOGP(DJOURNAL, LOGL_NOTICE, "cannot reserve %s (%s): if the disk fills up, a seq published "
		     "from memory may not be recorded\n", path, strerror(rc));
	j->mark_fd = fd;
	return 0;
}

void tb_journal__mark_close(struct tb_journal *j)
{
	if (j->mark_fd >= 0)
		close(j->mark_fd);
	j->mark_fd = -1;
}

int tb_journal__mark_write(struct tb_journal *j, uint64_t seq)
{
	uint8_t rec[TB_MARK_LEN];

	if (seq <= j->mark)
		return 0;
	memcpy(rec, TB_MARK_MAGIC, 8);
	osmo_store64le(seq, rec + 8);
	osmo_store64le(~seq, rec + 16);
	if (j->mark_fd < 0 || pwrite(j->mark_fd, rec, sizeof(rec), 0) != (ssize_t)sizeof(rec)) {
		int e = j->mark_fd < 0 ? EBADF : errno;

		if (!j->mark_failing)
			LOGP(DJOURNAL, LOGL_ERROR, "cannot record seq %" PRIu64 " in %s (%s): events published "
			     "from memory may have their seq given again after a restart\n", seq, j->mark_path,
			     strerror(e));
		j->mark_failing = true;
		return -e;
	}
	j->mark_failing = false;
	j->mark = seq;
	return 0;
}
