/* What a config file cannot mean, refused at start-up with its line: a
 * setting given twice in the file, where the second would silently replace
 * the first (two `radio` blocks of one name merged, one radio gone without a
 * word); two sockets on one address; half a CURVE setup (a key without
 * a clients file); a radio without a transport, with settings of another
 * transport, or on another radio's terminal; a call-out severity naming a
 * plan the config does not have, a plan with a gap in its levels, a plan
 * naming a responder the roster does not list.
 *
 * The VTY commands note the line each setting comes from while the file is
 * read (tb_config_file_line()); tb_config_check() looks at the whole once
 * it is read. Commands typed on the telnet VTY later note nothing and are
 * not checked here: there, setting again is how a setting changes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

struct tb_bridge;

/* Settings whose line is noted: of the bridge, of each radio, and of the
 * call-out config. (The roster's entries and the call-out severities and
 * plan levels keep their lines themselves.) */
enum tb_config_setting {
	TB_CFG_ID,
	TB_CFG_EVENTS_BIND,
	TB_CFG_COMMANDS_BIND,
	TB_CFG_STATE_DIR,
	TB_CFG_RETENTION_DAYS,
	TB_CFG_RETENTION_SIZE,
	TB_CFG_JOURNAL_SYNC,
	TB_CFG_CURVE_SERVER_KEY,
	TB_CFG_CURVE_CLIENTS,
	TB_CFG_RADIO,			/* the `radio NAME` line */
	TB_CFG_TRANSPORT,
	TB_CFG_USB_SERIAL,
	TB_CFG_USB_BUS_PATH,
	TB_CFG_USB_INTERFACE,
	TB_CFG_USB_PROFILE,
	TB_CFG_PROFILE,
	TB_CFG_SIMULATE,
	TB_CFG_SIM_IDENTITY,
	TB_CFG_MATCH_IDENTITY,
	TB_CFG_CALLOUT_METHOD,		/* of the callout config (g_bridge->callout_cfg) */
	TB_CFG_CALLOUT_REQUIRED,
	TB_CFG_CALLOUT_REALERTS,
	TB_CFG_CALLOUT_RETENTION,
	TB_CFG_CALLOUT_BOARD_KEEP,
	_TB_CFG_NUM
};

/* The line of the config file being read gives setting s of obj (the
 * bridge or a radio; the note is a talloc child of obj and goes with it).
 * Returns 0, or the line that gave it before (then nothing is noted: the
 * caller refuses the line). Outside reading a file: 0, nothing noted. */
unsigned tb_config_note(const void *obj, enum tb_config_setting s);

/* The line that gave setting s of obj, 0 if none did. */
unsigned tb_config_line_of(const void *obj, enum tb_config_setting s);

/* tb_config_line_cb for tb_config_file_read(): notes the line of the
 * telnet VTY's `line vty / bind` (a libosmocore command, which notes
 * nothing itself). */
void tb_config_line_done(unsigned line, void *data);

/* After the file is read: returns 0, or -EINVAL with *line the line at
 * fault (0: none is) and *errmsg (a talloc child of b) a sentence saying
 * what is wrong. */
int tb_config_check(struct tb_bridge *b, unsigned *line, char **errmsg);
