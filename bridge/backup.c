/* The operator's side of journal backups: the Backup command and the VTY
 * commands. See backup.h; the copying is bridge/journal_backup.c's.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/backup.h"

#include <errno.h>
#include <inttypes.h>
#include <time.h>

#include <osmocom/core/talloc.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "bridge/bridge.h"
#include "bridge/journal.h"
#include "bridge/journal_backup.h"

#define CODE(x) TETRABRIDGE__V1__REPLY__CODE__##x
#define BST(x) TETRABRIDGE__V1__BACKUP_STATE__STATE__##x

/* Clears the bridge's pointer when the backups go with their journal. */
struct backups_ref {
	struct tb_bridge *b;
};

static int ref_destructor(struct backups_ref *ref)
{
	ref->b->backups = NULL;
	return 0;
}

/* The bridge's backups, made at the first use; NULL without a journal. */
static struct tb_backups *backups(struct tb_bridge *b)
{
	struct backups_ref *ref;

	if (b->backups || !b->journal)
		return b->backups;
	b->backups = tb_backups_alloc(b->journal);
	if (!b->backups)
		return NULL;
	ref = talloc_zero(b->backups, struct backups_ref);
	if (!ref) {
		talloc_free(b->backups);	/* clears nothing: no ref yet */
		b->backups = NULL;
		return NULL;
	}
	ref->b = b;
	talloc_set_destructor(ref, ref_destructor);
	return b->backups;
}

static int start(struct tb_bridge *b, const char *path, uint64_t *id, void *ctx, char **errmsg)
{
	struct tb_backups *bks = backups(b);

	if (!bks) {
		*errmsg = talloc_strdup(ctx, b->journal ? "out of memory" : "the journal is not open: there is "
					"nothing to back up");
		return b->journal ? -ENOMEM : -EINVAL;
	}
	return tb_backup_start(bks, path, id, ctx, errmsg);
}

/* ---- the Backup command -------------------------------------------------- */

static Tetrabridge__V1__BackupState *state_pb(const struct tb_backup_status *st, void *tmp)
{
	Tetrabridge__V1__BackupState *s = talloc_zero(tmp, Tetrabridge__V1__BackupState);

	if (!s)
		return NULL;
	tetrabridge__v1__backup_state__init(s);
	s->id = st->id;
	s->state = st->state == TB_BACKUP_DONE ? BST(DONE) : st->state == TB_BACKUP_FAILED ? BST(FAILED) : BST(RUNNING);
	s->file = (char *)st->path;
	s->pages_done = st->pages_done;
	s->pages_total = st->pages_total;
	s->first_seq = st->first_seq;
	s->last_seq = st->last_seq;
	s->bytes = st->bytes;
	s->started_us = st->started_us;
	s->finished_us = st->finished_us;
	s->error = (char *)(st->error ? st->error : "");
	return s;
}

void tb_backup_command(struct tb_bridge *b, const Tetrabridge__V1__Backup *c, Tetrabridge__V1__Reply *reply,
		       void *tmp)
{
	const struct tb_backup_status *st;
	char *errmsg = NULL;
	uint64_t id = c->id;
	int rc;

	if (c->file && *c->file) {
		if (c->id) {
			reply->code = CODE(INVALID_ARGUMENT);
			reply->error = "give either a file (to start a backup) or an id (to ask how one goes), not both";
			return;
		}
		rc = start(b, c->file, &id, tmp, &errmsg);
		if (rc < 0) {
			/* Anything else is the file the admin chose (a folder
			 * that is not there, not writable, ...). */
			reply->code = rc == -EBUSY ? CODE(BUSY) : rc == -ENOMEM ? CODE(INTERNAL) : CODE(INVALID_ARGUMENT);
			reply->error = errmsg ? errmsg : "the backup did not start";
			return;
		}
	}
	st = tb_backup_status(b->backups, id);
	if (!st) {
		reply->code = CODE(INVALID_ARGUMENT);
		reply->error = id ? talloc_asprintf(tmp, "no backup %" PRIu64 " is known (this daemon remembers its "
						    "last %u)", id, TB_BACKUP_KEEP)
				  : "no backup was taken since the daemon started; give a file to take one";
		return;
	}
	reply->backup = state_pb(st, tmp);
	if (!reply->backup) {
		reply->code = CODE(INTERNAL);
		reply->error = "out of memory";
		return;
	}
	reply->result_case = TETRABRIDGE__V1__REPLY__RESULT_BACKUP;
}

/* ---- the VTY --------------------------------------------------------------- */

DEFUN(journal_backup, journal_backup_cmd, "journal backup FILE",
      "The event journal\n"
      "Copy its database to a file on this machine, without stopping the stream\n"
      "An absolute path that does not exist yet, where the daemon's user may write\n")
{
	char *errmsg = NULL;
	uint64_t id = 0;
	int rc;

	rc = start(g_bridge, argv[0], &id, tall_vty_ctx, &errmsg);
	if (rc < 0) {
		vty_out(vty, "%% %s%s", errmsg ? errmsg : "the backup did not start", VTY_NEWLINE);
		talloc_free(errmsg);
		return CMD_WARNING;
	}
	vty_out(vty, "backup %" PRIu64 " to %s started; `show journal backups` says when it is done%s", id, argv[0],
		VTY_NEWLINE);
	return CMD_SUCCESS;
}

static void show_one(const struct tb_backup_status *st, void *data)
{
	struct vty *vty = data;
	time_t t = (time_t)(st->started_us / 1000000u);
	char when[32] = "?";
	struct tm tm;

	if (localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	vty_out(vty, " %" PRIu64 " %s to %s: ", st->id, when, st->path);
	switch (st->state) {
	case TB_BACKUP_RUNNING:
		vty_out(vty, "running, %" PRIu64 " of %" PRIu64 " pages copied", st->pages_done, st->pages_total);
		break;
	case TB_BACKUP_DONE:
		vty_out(vty, "done, events seq %" PRIu64 " to %" PRIu64 ", %" PRIu64 " bytes", st->first_seq, st->last_seq,
			st->bytes);
		break;
	case TB_BACKUP_FAILED:
		vty_out(vty, "failed: %s", st->error);
		break;
	}
	vty_out(vty, "%s   %u steps of %u pages, %" PRIu64 " ms in all, the longest %" PRIu64 " us%s", VTY_NEWLINE,
		st->steps, TB_BACKUP_STEP_PAGES, st->busy_us / 1000, st->longest_step_us, VTY_NEWLINE);
}

DEFUN(show_journal_backups, show_journal_backups_cmd, "show journal backups",
      SHOW_STR "The event journal\n" "The backups taken since the daemon started (the last 8)\n")
{
	if (!tb_backup_status(g_bridge->backups, 0)) {
		vty_out(vty, "no backup taken since the daemon started (`journal backup FILE` takes one)%s", VTY_NEWLINE);
		return CMD_SUCCESS;
	}
	vty_out(vty, "journal backups:%s", VTY_NEWLINE);
	tb_backup_foreach(g_bridge->backups, show_one, vty);
	return CMD_SUCCESS;
}

void tb_backup_vty_init(void)
{
	install_element(ENABLE_NODE, &journal_backup_cmd);
	install_element_ve(&show_journal_backups_cmd);
}
