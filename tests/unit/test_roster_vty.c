/* bridge: the roster and callout nodes as the daemon reads them: config
 * files through the VTY's own parser (tb_config_file_read(), then
 * tb_config_check(), as main() does), what they build, what is written
 * back (and reads back the same), and every kind of line refused with
 * the sentence a person gets.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/tdef.h>
#include <osmocom/vty/logging.h>
#include <osmocom/vty/misc.h>
#include <osmocom/vty/vty.h>

#include "bridge/bridge.h"
#include "bridge/callout_config.h"
#include "bridge/config_check.h"
#include "bridge/roster.h"
#include "bridge/vty.h"
#include "common/config_file.h"
#include "common/logging.h"
#include "tests/lib/tmpdir.h"

#define M(x) TETRABRIDGE__V1__ANSWER_MEANING__MEANING_##x

static void *g_ctx;
static char g_dir[64];
/* What the last read printed (the VTY's refusals) and its result. */
static char g_out[16384];
static char *g_err;
static unsigned g_line;

static struct vty_app_info g_info = { .name = "tetra-bridged", .version = "test" };

/* Read text as a config file into a new bridge (g_bridge), as main() does:
 * the file through the VTY, then the whole checked. Returns 0 or -errno;
 * g_out holds what was printed, g_err and g_line the error and its line. */
static int read_config(const char *text, size_t len)
{
	char cap[128];
	const char *path;
	int fd, o1, o2, rc;
	ssize_t n;

	g_err = NULL;
	g_line = 0;
	osmo_tdefs_reset(tb_callout_tdefs);
	assert_non_null(tb_bridge_alloc(g_ctx));
	path = tb_tmpdir_write(g_dir, "t.cfg", text, len);
	assert_non_null(path);
	tb_vty_set_config_file(path);
	snprintf(cap, sizeof(cap), "%s/out.txt", g_dir);
	fflush(stdout);
	fflush(stderr);
	fd = open(cap, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	o1 = dup(1);
	o2 = dup(2);
	dup2(fd, 1);
	dup2(fd, 2);
	rc = tb_config_file_read(g_ctx, path, tb_config_line_done, NULL, &g_err);
	if (rc == 0)
		rc = tb_config_check(g_bridge, &g_line, &g_err);
	fflush(stdout);
	fflush(stderr);
	dup2(o1, 1);
	dup2(o2, 2);
	close(o1);
	close(o2);
	n = pread(fd, g_out, sizeof(g_out) - 1, 0);
	g_out[n > 0 ? n : 0] = '\0';
	close(fd);
	return rc;
}

#define READ(text) read_config(text, strlen(text))

static struct tetra_identity ssi(uint32_t s)
{
	return (struct tetra_identity){ .type = TETRA_ID_SSI, .ssi = s };
}

static struct tetra_identity tsi(uint16_t mcc, uint16_t mnc, uint32_t s)
{
	return (struct tetra_identity){ .type = TETRA_ID_TSI, .mcc = mcc, .mnc = mnc, .ssi = s };
}

static const char *name_of(struct tetra_identity id)
{
	return tb_roster_name(g_bridge->roster, &id);
}

static const char GOOD[] =
	"! a small district\n"
	"roster\n"
	" identity 1001 name Sykepleier Nord\n"
	" identity 02420001600001002   name   Lege  i vakt\n"	/* blanks between words: one */
	" identity 02420001600003001 name Ambulanse 4\n"
	" group 9001 name LV-distrikt\n"
	" group 9001 member 1001\n"
	" group 9001 member 02420001600001002\n"
	" status 0x8000 meaning accept name kommer\n"
	" status 32769 meaning decline name kan ikke\n"
	" status 0x8002 meaning en-route name på vei\n"
	" status 0x8005 name ring AMK\n"
	" answer meaning accept text ja\n"
	" answer meaning decline text kan ikke\n"
	" answer meaning accept pattern ^kommer\n"
	" answer meaning on-scene pattern ^(er )?fremme\\b\n"
	"callout\n"
	" severity 1 name red deadline 90 on-scene 1200 plan lege\n"	/* the plan comes later */
	" severity 2 name yellow\n"
	" severity 3 name grønn on-scene 0\n"
	" alert-method callout\n"
	" required 2\n"
	" realerts 3\n"
	" retention days 30\n"
	" board-keep 120\n"
	" plan lege level 1 deadline 120 responder 02420001600001002\n"
	" plan lege level 2 deadline 180 responder 9001 responder 1001\n"
	" plan lege level 2 deadline 180 responder 02420001600003001\n"	/* more of level 2 */
	"bridge\n"
	" state-dir /nonexistent/tb-state\n"	/* absolute: a relative one is written back resolved */
	" timer callout X20 100\n"
	" timer callout X23 30\n";

static void check_good(void)
{
	const struct tb_roster *r = g_bridge->roster;
	const struct tb_callout_config *c = g_bridge->callout_cfg;
	const struct tb_plan *p;
	const struct tetra_identity *m;
	struct tetra_identity g = ssi(9001);

	assert_string_equal(name_of(ssi(1001)), "Sykepleier Nord");
	assert_string_equal(name_of(tsi(242, 16, 1001)), "Sykepleier Nord");
	assert_string_equal(name_of(tsi(242, 16, 1002)), "Lege i vakt");
	assert_string_equal(name_of(ssi(1002)), "Lege i vakt");
	assert_null(name_of(tsi(242, 17, 1002)));
	assert_string_equal(name_of(ssi(3001)), "Ambulanse 4");
	assert_true(tb_roster_is_group(r, &g));
	assert_int_equal(tb_roster_members(r, &g, &m), 2);
	assert_int_equal(m[0].ssi, 1001);
	assert_int_equal(m[1].mnc, 16);
	assert_string_equal(tb_roster_status_name(r, 0x8001), "kan ikke");
	assert_int_equal(tb_roster_status_meaning(r, 0x8001), M(DECLINE));
	assert_string_equal(tb_roster_status_name(r, 0x8002), "på vei");
	assert_int_equal(tb_roster_status_meaning(r, 0x8005), M(NONE));
	assert_int_equal(tb_roster_text_meaning(r, "JA", 2), M(ACCEPT));
	assert_int_equal(tb_roster_text_meaning(r, "Kan ikke", 8), M(DECLINE));
	assert_int_equal(tb_roster_text_meaning(r, "kommer straks", 13), M(ACCEPT));
	assert_int_equal(tb_roster_text_meaning(r, "Fremme nå", strlen("Fremme nå")), M(ON_SCENE));
	assert_int_equal(tb_roster_text_meaning(r, "fremmed", 7), M(NONE));

	assert_int_equal(c->method, TETRABRIDGE__V1__ALERT_METHOD__ALERT_CALLOUT);
	assert_int_equal(c->required, 2);
	assert_int_equal(c->realerts, 3);
	assert_int_equal(c->retention_days, 30);
	assert_int_equal(c->board_keep_s, 120);
	assert_string_equal(tb_severity_name(c, 1), "red");
	assert_int_equal(tb_severity_deadline_s(c, 1), 90);
	assert_int_equal(tb_severity_on_scene_s(c, 1), 1200);
	assert_string_equal(c->severity[1].plan, "lege");
	assert_int_equal(tb_severity_deadline_s(c, 2), 100);	/* X20 from the bridge node */
	assert_int_equal(tb_severity_on_scene_s(c, 3), 0);
	assert_string_equal(tb_severity_name(c, 3), "grønn");
	assert_string_equal(tb_severity_name(c, 4), "severity 4");
	assert_int_equal(osmo_tdef_get(tb_callout_tdefs, TB_T_REALERT, OSMO_TDEF_S, -1), 30);
	p = tb_callout_plan(c, "lege");
	assert_non_null(p);
	assert_int_equal(p->n_levels, 2);
	assert_int_equal(p->levels[0].deadline_s, 120);
	assert_int_equal(p->levels[0].n_responders, 1);
	assert_int_equal(p->levels[1].deadline_s, 180);
	assert_int_equal(p->levels[1].n_responders, 3);
	assert_int_equal(p->levels[1].responders[0].ssi, 9001);
	assert_int_equal(p->levels[1].responders[2].ssi, 3001);
	assert_int_equal(p->levels[1].responders[2].mcc, 242);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = talloc_zero_size(g_ctx, 1 << 20);
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_good_config(void **state)
{
	assert_int_equal(READ(GOOD), 0);
	check_good();
}

/* What `write` puts in the file reads back into the same config, and is
 * written the same again. */
static void test_written_reads_back(void **state)
{
	char p1[128], p2[128];
	char *one, *two;

	assert_int_equal(READ(GOOD), 0);
	snprintf(p1, sizeof(p1), "%s/one.cfg", g_dir);
	snprintf(p2, sizeof(p2), "%s/two.cfg", g_dir);
	assert_int_equal(osmo_vty_write_config_file(p1), 0);
	one = slurp(p1);
	assert_non_null(strstr(one, "\nroster\n identity 1001 name Sykepleier Nord\n"
				    " identity 02420001600001002 name Lege i vakt\n"));
	assert_non_null(strstr(one, " group 9001 name LV-distrikt\n group 9001 member 1001\n"
				    " group 9001 member 02420001600001002\n"));
	assert_non_null(strstr(one, " status 0x8001 meaning decline name kan ikke\n"));
	assert_non_null(strstr(one, " status 0x8005 name ring AMK\n"));
	assert_non_null(strstr(one, " answer meaning on-scene pattern ^(er )?fremme\\b\n"));
	assert_non_null(strstr(one, "\ncallout\n alert-method callout\n required 2\n realerts 3\n retention days 30\n"
				    " board-keep 120\n plan lege level 1 deadline 120 responder 02420001600001002\n"
				    " plan lege level 2 deadline 180 responder 9001 responder 1001 responder "
				    "02420001600003001\n severity 1 name red deadline 90 on-scene 1200 plan lege\n"
				    " severity 2 name yellow\n severity 3 name grønn on-scene 0\n"));
	assert_non_null(strstr(one, " timer callout X20 100\n"));

	assert_int_equal(read_config(one, strlen(one)), 0);
	check_good();
	assert_int_equal(osmo_vty_write_config_file(p2), 0);
	two = slurp(p2);
	if (strcmp(one, two)) {
		size_t i = 0;

		while (one[i] == two[i])
			i++;
		while (i && one[i - 1] != '\n')
			i--;
		fail_msg("written again differs from line\n%.200s\nto\n%.200s", one + i, two + i);
	}
}

/* A level with more responders than a line holds is written on several. */
/* A config text built line by line (a big one: no realloc per line). */
static char g_text[1 << 20];
static size_t g_len;

static void text_start(const char *first)
{
	g_len = 0;
	g_text[0] = '\0';
	if (first)
		g_len = snprintf(g_text, sizeof(g_text), "%s", first);
}

static void __attribute__((format(printf, 1, 2))) text_add(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_len += vsnprintf(g_text + g_len, sizeof(g_text) - g_len, fmt, ap);
	va_end(ap);
	assert_true(g_len < sizeof(g_text));
}

static void test_long_level_written_on_lines(void **state)
{
	char p1[128];
	char *one;
	const struct tb_plan *p;

	text_start("roster\n");
	for (unsigned i = 0; i < TB_PLAN_MAX_RESPONDERS; i++)
		text_add(" identity 024200016%08u name N%u\n", 10000000 + i, i);
	text_add("callout\n");
	for (unsigned i = 0; i < TB_PLAN_MAX_RESPONDERS; i += 8) {
		text_add(" plan big level 1 deadline 60");
		for (unsigned k = i; k < i + 8; k++)
			text_add(" responder 024200016%08u", 10000000 + k);
		text_add("\n");
	}
	assert_int_equal(read_config(g_text, g_len), 0);
	p = tb_callout_plan(g_bridge->callout_cfg, "big");
	assert_int_equal(p->levels[0].n_responders, TB_PLAN_MAX_RESPONDERS);
	snprintf(p1, sizeof(p1), "%s/one.cfg", g_dir);
	assert_int_equal(osmo_vty_write_config_file(p1), 0);
	one = slurp(p1);
	for (char *l = one; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		assert_true(strcspn(l, "\n") <= TB_CONFIG_LINE_MAX);
	assert_int_equal(read_config(one, strlen(one)), 0);
	p = tb_callout_plan(g_bridge->callout_cfg, "big");
	assert_int_equal(p->levels[0].n_responders, TB_PLAN_MAX_RESPONDERS);
	assert_int_equal(p->levels[0].responders[63].ssi, 10000063);
	/* one more is refused */
	text_add(" plan big level 1 deadline 60 responder 7\n");
	assert_int_equal(read_config(g_text, g_len), -EINVAL);
	assert_non_null(strstr(g_out, "plan big level 1 would have more than 64 responders, the most a level may have"));
}

/* The demo's config (make run) reads and checks. */
static void test_demo_config(void **state)
{
	static const char tail[] = "tests/unit/test_roster_vty.c";
	size_t flen = strlen(__FILE__), tlen = strlen(tail);
	char path[512];
	char *text;
	struct tetra_identity g = ssi(9001);
	const struct tetra_identity *m;

	assert_true(flen >= tlen && !strcmp(&__FILE__[flen - tlen], tail));
	snprintf(path, sizeof(path), "%.*sexamples/demo.cfg", (int)(flen - tlen), __FILE__);
	text = slurp(path);
	/* scenarios are relative to the config: point them at examples/ */
	snprintf(path, sizeof(path), "simulate %.*sexamples/scenarios/", (int)(flen - tlen), __FILE__);
	for (char *s; (s = strstr(text, "simulate scenarios/"));) {
		*s = '\0';
		text = talloc_asprintf(g_ctx, "%s%s%s", text, path, s + strlen("simulate scenarios/"));
	}
	assert_int_equal(read_config(text, strlen(text)), 0);
	assert_string_equal(name_of(tsi(242, 16, 2002)), "Sykepleier Nord");
	assert_string_equal(name_of(tsi(242, 16, 1002)), "Lege i vakt");
	assert_string_equal(tb_roster_status_name(g_bridge->roster, 0x8002), "på vei");
	assert_int_equal(tb_roster_status_meaning(g_bridge->roster, 0x8003), M(ON_SCENE));
	assert_int_equal(tb_roster_text_meaning(g_bridge->roster, "Nei", 3), M(DECLINE));
	assert_int_equal(tb_roster_members(g_bridge->roster, &g, &m), 4);
	assert_string_equal(tb_severity_name(g_bridge->callout_cfg, 1), "red");
	assert_string_equal(tb_severity_name(g_bridge->callout_cfg, 2), "yellow");
	assert_string_equal(tb_severity_name(g_bridge->callout_cfg, 3), "green");
	assert_non_null(tb_callout_plan(g_bridge->callout_cfg, g_bridge->callout_cfg->severity[1].plan));
}

/* The file may give what refers to something before it. */
static void test_any_order(void **state)
{
	assert_int_equal(READ("callout\n severity 1 name red plan p\n plan p level 2 deadline 60 responder 9001\n"
			      " plan p level 1 deadline 60 responder 1001\nroster\n identity 1001 name A\n"
			      " group 9001 name G\n"), 0);
	assert_int_equal(tb_callout_plan(g_bridge->callout_cfg, "p")->n_levels, 2);
}

struct refusal {
	const char *text;
	unsigned line;
	const char *sentence;
};

/* Lines the VTY refuses as it reads them: it prints the line and "% " the
 * sentence; start-up names the line. */
static const struct refusal vty_refusals[] = {
	{ "roster\n identity 123456789 name X\n", 2,
	  "'123456789' is not an identity: an ISSI or GSSI is 1-8 digits (at most 16777215), a TSI 17 digits (MCC 4, "
	  "MNC 5, SSI 8)" },
	{ "roster\n identity 16777216 name X\n", 2, "'16777216' is not an identity" },
	{ "roster\n identity 0242000160000100 name X\n", 2, "'0242000160000100' is not an identity" },
	{ "roster\n identity 1001x name X\n", 2, "'1001x' is not an identity" },
	{ "roster\n identity 1001 name A\n identity 1001 name B\n", 3,
	  "identity 1001 is listed on line 2 already; give each identity once" },
	{ "roster\n identity 02420001600001001 name A\n\n identity 02420001600001001 name B\n", 4,
	  "identity 02420001600001001 is listed on line 2 already" },
	{ "roster\n group 9001 name G\n identity 9001 name X\n", 3,
	  "9001 is listed as a group on line 2; a terminal and a group cannot share a number" },
	{ "roster\n identity 1001 name X\n group 1001 name G\n", 3,
	  "1001 is listed as a terminal (identity) on line 2; a terminal and a group cannot share a number" },
	{ "roster\n group 9001 member 1001\n", 2,
	  "9001 is not a group in the roster: list it first with 'group 9001 name NAME'" },
	{ "roster\n identity 1001 name X\n group 1001 member 1002\n", 3,
	  "1001 is not a group in the roster (it is a terminal): list it first" },
	{ "roster\n group 9001 name G\n group 9001 member 1001\n group 9001 member 1001\n", 4,
	  "1001 is a member of group 9001 already; give each member once" },
	{ "roster\n group 9001 name G\n group 9002 name H\n group 9001 member 9002\n", 4,
	  "9002 is a group on line 3; the members of a group are terminals (ISSI or TSI)" },
	{ "roster\n identity 1001 name xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", 2,
	  "the name is 65 bytes long; a name may have at most 64 bytes of UTF-8" },
	{ "roster\n status 0x7C05 name x\n", 2,
	  "status 0x7C05: the values 0x7C00-0x7FFF are SDS-TL short reports (received, consumed ...), never a status "
	  "event; name another value" },
	{ "roster\n status 0x18002 name x\n", 2,
	  "'0x18002' is not a status value: give 0x0000-0xFFFF (hex) or 0-65535" },
	{ "roster\n status 70000 name x\n", 2, "'70000' is not a status value" },
	{ "roster\n status 0x80g2 name x\n", 2, "'0x80g2' is not a status value" },
	{ "roster\n status 0x8002 meaning enroute name på vei\n", 2,
	  "'enroute' is not a meaning: say accept, decline, standby, en-route, on-scene, handed-over, done, available "
	  "or auto-ack" },
	{ "roster\n status 0x8002 name a\n status 32770 name b\n", 3,
	  "status 0x8002 is given on line 2 already; give each status value once" },
	{ "roster\n answer meaning accept pattern (ja\n", 2, "answer pattern '(ja': the pattern does not compile: " },
	{ "roster\n answer meaning none text ja\n", 2, "'none' is not a meaning an answer can have: say accept" },
	{ "roster\n answer meaning yes text ja\n", 2, "'yes' is not a meaning an answer can have" },
	{ "roster\n answer meaning accept text ja\n answer meaning decline text  JA\n", 3,
	  "the answer text 'JA' is given on line 2 already (texts are compared without case and blanks at the ends); "
	  "give each once" },
	{ "roster\n answer meaning accept pattern ^ja\n answer meaning accept pattern ^ja\n", 3,
	  "the answer pattern '^ja' is given on line 2 already; give each once" },
	{ "callout\n required 2\n required 3\n", 3,
	  "callout 'required' is given on line 2 already; give it once (the second would replace the first" },
	{ "callout\n alert-method text\n!\n alert-method callout\n", 4, "callout 'alert-method' is given on line 2" },
	{ "callout\n severity 1 name red\n severity 1 name rød\n", 3,
	  "severity 1 is given on line 2 already; give each severity once" },
	{ "callout\n severity 1 name red\n severity 2 name red\n", 3,
	  "the name red is severity 1's already; give each severity a name of its own" },
	{ "callout\n severity 1 name red deadline 5\n", 2, "deadline '5' is not 10-86400 seconds" },
	{ "callout\n severity 1 name red on-scene -1\n", 2, "on-scene '-1' is not 0-86400 seconds" },
	{ "callout\n severity 1 name red colour blue\n", 2,
	  "severity: 'colour' is not an option with its value; give deadline <10-86400>, on-scene <0-86400> or plan "
	  "NAME" },
	{ "callout\n severity 1 name red deadline\n", 2, "severity: 'deadline' is not an option with its value" },
	{ "callout\n severity 1 name red deadline 60 deadline 90\n", 2,
	  "severity: deadline is given twice on the line; give it once" },
	{ "callout\n severity 1 name xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", 2,
	  "severity name 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' is not one word of UTF-8 text of at most 32 bytes" },
	{ "roster\n identity 1002 name L\ncallout\n plan p level 1 deadline 60 responder 1002\n"
	  " plan p level 1 deadline 90 responder 1003\n", 5,
	  "plan p level 1 has deadline 60 on line 4; a further line for a level adds responders and gives the same "
	  "deadline" },
	{ "callout\n plan p level 1 deadline 60 responder 1002 responder 1002\n", 2,
	  "plan p level 1 names responder 1002 twice; give each once" },
	{ "callout\n plan p level 1 deadline 60 responder 1002\n plan p level 1 deadline 60 responder 1002\n", 3,
	  "plan p level 1 names responder 1002 twice" },
	{ "callout\n plan p level 1 deadline 60 responder 1002 1003\n", 2,
	  "plan p level 1: '1003' is not 'responder ID'; give each responder as 'responder ID'" },
	{ "callout\n plan p level 1 deadline 60 responder 1002 responder\n", 2,
	  "plan p level 1: 'responder' is not 'responder ID'" },
	{ "callout\n plan p level 1 deadline 60 responder 12345678901\n", 2,
	  "plan p level 1: responder '12345678901' is not an identity: an ISSI or GSSI is 1-8 digits" },
	{ "callout\n plan a.b level 1 deadline 60 responder 1\n", 2,
	  "plan name 'a.b' may only use letters, digits and - _, at most 32" },
};

/* Refused once the whole file is read (tb_config_check): the line and the
 * sentence, no identity in it. */
static const struct refusal check_refusals[] = {
	{ "callout\n severity 1 name red plan nowhere\n", 2,
	  "severity 1 (red) names plan nowhere, which the callout node does not have; give its levels (plan nowhere "
	  "level 1 deadline SECONDS responder ID) or name another" },
	{ "roster\n identity 1002 name L\ncallout\n plan p level 3 deadline 60 responder 1002\n"
	  " plan p level 1 deadline 60 responder 1002\n", 4,
	  "plan p has level 3 but no level 2: levels are alerted one after the other from level 1; give every level up "
	  "to the highest" },
	{ "roster\n identity 1002 name L\ncallout\n plan p level 1 deadline 60 responder 1002 responder 1003\n", 4,
	  "plan p level 1 names a responder the roster does not list (responder 2 of the level): list every responder "
	  "of a plan in the roster node (identity ID name NAME, or group ID name NAME), so that a mistyped number "
	  "cannot alert a stranger" },
	/* a TSI in the roster lists its SSI for a plan; another network's TSI is not listed */
	{ "roster\n identity 02420001600001002 name L\ncallout\n plan p level 1 deadline 60 responder 1002\n"
	  " plan q level 1 deadline 60 responder 02420001700001002\n", 5, "plan q level 1 names a responder the roster" },
};

static void test_refusals(void **state)
{
	for (unsigned i = 0; i < ARRAY_SIZE(vty_refusals); i++) {
		const struct refusal *t = &vty_refusals[i];
		char want[64];

		if (READ(t->text) != -EINVAL)
			fail_msg("not refused: %s", t->text);
		snprintf(want, sizeof(want), "line %u is wrong (see above)", t->line);
		if (!g_err || !strstr(g_err, want))
			fail_msg("%s: error '%s', not '%s'", t->text, g_err ? g_err : "(none)", want);
		if (!strstr(g_out, t->sentence) || !strstr(g_out, "% "))
			fail_msg("%s: printed\n%s\nwithout\n%s", t->text, g_out, t->sentence);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(check_refusals); i++) {
		const struct refusal *t = &check_refusals[i];

		if (READ(t->text) != -EINVAL)
			fail_msg("not refused: %s", t->text);
		if (g_line != t->line || !g_err || !strstr(g_err, t->sentence))
			fail_msg("%s: line %u '%s', not line %u '%s'", t->text, g_line, g_err ? g_err : "(none)",
				 t->line, t->sentence);
		/* health data: no identity in a sentence that may be logged */
		assert_null(strstr(g_err, "1002"));
	}
}

/* The bounds of roster.h, each reached from a config file and the next
 * line refused with a sentence (the line refused is the one past the
 * bound: every line before it was taken). */
static void test_bounds(void **state)
{
	text_start("roster\n");
	for (unsigned i = 0; i < TB_ROSTER_MAX_ENTRIES; i++)
		text_add(" identity %u name Person %u\n", 100000 + i, i);
	text_add(" group 9001 name One too many\n");
	assert_int_equal(read_config(g_text, g_len), -EINVAL);
	assert_non_null(strstr(g_err, "line 10002 is wrong"));
	assert_non_null(strstr(g_out, "the roster has 10000 identities and groups, the most it may have"));

	text_start("roster\n group 9001 name G\n");
	for (unsigned i = 0; i < TB_ROSTER_MAX_MEMBERS; i++)
		text_add(" group 9001 member %u\n", 100000 + i);
	text_add(" group 9001 member 7\n");
	assert_int_equal(read_config(g_text, g_len), -EINVAL);
	assert_non_null(strstr(g_err, "line 259 is wrong"));
	assert_non_null(strstr(g_out, "group 9001 has 256 members, the most a group may have"));

	text_start("roster\n");
	for (unsigned i = 0; i < TB_ROSTER_MAX_STATUSES; i++)
		text_add(" status %u name s\n", 0x8000 + i);
	text_add(" status 1 name s\n");
	assert_int_equal(read_config(g_text, g_len), -EINVAL);
	assert_non_null(strstr(g_err, "line 1002 is wrong"));
	assert_non_null(strstr(g_out, "the roster has 1000 status values, the most it may have"));

	text_start("roster\n");
	for (unsigned i = 0; i < TB_ROSTER_MAX_ANSWERS; i++)
		text_add(" answer meaning done %s a%u\n", i % 2 ? "pattern" : "text", i);
	text_add(" answer meaning done text ferdig\n");
	assert_int_equal(read_config(g_text, g_len), -EINVAL);
	assert_non_null(strstr(g_err, "line 202 is wrong"));
	assert_non_null(strstr(g_out, "the roster has 200 answers, the most it may have"));

	text_start("roster\n identity 1 name A\ncallout\n");
	for (unsigned i = 0; i < TB_PLANS_MAX; i++)
		text_add(" plan p%u level 1 deadline 60 responder 1\n", i);
	text_add(" plan more level 1 deadline 60 responder 1\n");
	assert_int_equal(read_config(g_text, g_len), -EINVAL);
	assert_non_null(strstr(g_err, "line 104 is wrong"));
	assert_non_null(strstr(g_out, "there are 100 plans, the most the config may have"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_config),
		cmocka_unit_test(test_written_reads_back),
		cmocka_unit_test(test_long_level_written_on_lines),
		cmocka_unit_test(test_demo_config),
		cmocka_unit_test(test_any_order),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_bounds),
	};
	int rc;

	g_ctx = talloc_named_const(NULL, 0, "test_roster_vty");
	g_info.tall_ctx = g_ctx;
	if (tb_logging_init(g_ctx) < 0 || !tb_bridge_alloc(g_ctx))
		return 1;
	vty_init(&g_info);
	logging_vty_add_cmds();
	tb_vty_init();
	if (!tb_tmpdir_make(g_dir, sizeof(g_dir), "tbroster")) {
		perror("mkdtemp");
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	tb_tmpdir_remove(g_dir);
	return rc;
}
