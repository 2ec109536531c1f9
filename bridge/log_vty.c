/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge/log_vty.h"

#include <stdbool.h>
#include <string.h>
#include <osmocom/core/logging.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/logging.h>
#include <osmocom/vty/vector.h>
#include <osmocom/vty/vty.h>

#include "bridge/log_journal.h"
#include "common/log_context.h"

#define LOG_STR "Configure logging sub-system\n"
#define JOURNAL_STR "Logging to the systemd journal, with the fields RADIO, SEQ and KIND\n"

/* ---- log systemd-journal ------------------------------------------------ */

DEFUN(cfg_log_journal, cfg_log_journal_cmd,
      "log systemd-journal [raw]",
      LOG_STR JOURNAL_STR
      "The bare text in MESSAGE; the source file, line and category in fields\n")
{
	bool raw = argc > 0;
	struct log_target *tgt;

	log_tgt_mutex_lock();
	tgt = log_target_find(LOG_TGT_TYPE_SYSTEMD, NULL);
	if (!tgt) {
		tgt = tb_log_journal_create(raw);
		if (!tgt) {
			log_tgt_mutex_unlock();
			vty_out(vty, "%% Cannot create the systemd-journal log target: out of memory%s", VTY_NEWLINE);
			return CMD_WARNING;
		}
		log_add_target(tgt);
	} else {
		tb_log_journal_set_raw(tgt, raw);
	}
	vty->index = tgt;
	vty->node = CFG_LOG_NODE;
	log_tgt_mutex_unlock();
	return CMD_SUCCESS;
}

DEFUN(cfg_no_log_journal, cfg_no_log_journal_cmd,
      "no log systemd-journal",
      NO_STR LOG_STR JOURNAL_STR)
{
	struct log_target *tgt;

	log_tgt_mutex_lock();
	tgt = log_target_find(LOG_TGT_TYPE_SYSTEMD, NULL);
	if (!tgt) {
		log_tgt_mutex_unlock();
		vty_out(vty, "%% No systemd-journal logging active%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	log_target_destroy(tgt);
	log_tgt_mutex_unlock();
	return CMD_SUCCESS;
}

/* libosmovty's table of every node's commands; not in its headers, but
 * exported (it is the table install_element() fills). */
extern vector cmdvec;

static struct cmd_element *installed(int node, const char *string)
{
	struct cmd_node *cnode;

	if (!cmdvec || (unsigned)node >= vector_active(cmdvec) || !(cnode = vector_slot(cmdvec, node)))
		return NULL;
	for (unsigned i = 0; i < vector_active(cnode->cmd_vector); i++) {
		struct cmd_element *c = vector_slot(cnode->cmd_vector, i);

		if (c && c->string && strcmp(c->string, string) == 0)
			return c;
	}
	return NULL;
}

/* libosmovty has `log systemd-journal [raw]` whether or not libosmocore
 * was built with the journal (Debian's is not: the command only says so
 * and the config fails). A second command with the same words would be
 * ambiguous, so ours runs in its place: the operator writes what every
 * Osmocom daemon reads, and libosmocore's `write` prints it back (for a
 * target of type LOG_TGT_TYPE_SYSTEMD). Installed as ours where a
 * libosmovty does not have it. */
static void take_over(int node, struct cmd_element *ours)
{
	struct cmd_element *lib = installed(node, ours->string);

	if (lib)
		lib->func = ours->func;
	else
		install_element(node, ours);
}

/* ---- logging filter radio ----------------------------------------------- */

#define RADIO_FILTER_STR "Log only the lines about one radio (turns 'logging filter all' off)\n"

DEFUN(logging_fltr_radio, logging_fltr_radio_cmd,
      "logging filter radio NAME",
      LOGGING_STR FILTER_STR RADIO_FILTER_STR
      "The radio's name (its 'radio NAME' line)\n")
{
	struct log_target *tgt;

	log_tgt_mutex_lock();
	tgt = osmo_log_vty2tgt(vty);	/* says itself why there is none */
	if (!tgt) {
		log_tgt_mutex_unlock();
		return CMD_WARNING;
	}
	tb_log_filter_radio_set(tgt, argv[0]);
	log_tgt_mutex_unlock();
	return CMD_SUCCESS;
}

DEFUN(no_logging_fltr_radio, no_logging_fltr_radio_cmd,
      "no logging filter radio",
      NO_STR LOGGING_STR FILTER_STR RADIO_FILTER_STR)
{
	struct log_target *tgt;

	log_tgt_mutex_lock();
	tgt = osmo_log_vty2tgt(vty);
	if (!tgt) {
		log_tgt_mutex_unlock();
		return CMD_WARNING;
	}
	tb_log_filter_radio_set(tgt, NULL);
	log_tgt_mutex_unlock();
	return CMD_SUCCESS;
}

/* In a target's block of `write`, after its `logging filter all`. */
static void save_filters(struct vty *vty, const struct log_info *info, const struct log_target *tgt)
{
	const char *radio = tb_log_filter_radio(tgt);

	if (radio)
		vty_out(vty, " logging filter radio %s%s", radio, VTY_NEWLINE);
}

/* `show logging vty` */
static void print_filters(struct vty *vty, const struct log_info *info, const struct log_target *tgt)
{
	const char *radio = tb_log_filter_radio(tgt);

	vty_out(vty, " Log Filter 'radio': %s%s", radio ? radio : "none (every radio)", VTY_NEWLINE);
}

void tb_log_vty_init(void)
{
	take_over(CONFIG_NODE, &cfg_log_journal_cmd);
	take_over(CONFIG_NODE, &cfg_no_log_journal_cmd);

	install_element_ve(&logging_fltr_radio_cmd);
	install_element_ve(&no_logging_fltr_radio_cmd);
	install_element(CFG_LOG_NODE, &logging_fltr_radio_cmd);
	install_element(CFG_LOG_NODE, &no_logging_fltr_radio_cmd);
	/* libosmocore's log_init() copies only the filter function of
	 * tb_log_info; the VTY's parts are set here. */
	osmo_log_info->save_fn = save_filters;
	osmo_log_info->print_fn = print_filters;
}
