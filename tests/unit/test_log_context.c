/* common/log_context: the log context's scopes (nested, given back on
 * every return) and the per-radio filter on a real libosmocore log target.
 * The filter configured from a config file and on the telnet VTY is tested
 * with the real daemon (tests/integration/test_logs.py).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>

#include "common/log_context.h"
#include "common/logging.h"

static void *g_root;

/* ---- scopes ------------------------------------------------------------- */

static void assert_ctx(const char *radio, uint64_t seq, const char *kind)
{
	struct tb_log_ctx c = tb_log_ctx_get();

	if (radio)
		assert_string_equal(c.radio, radio);
	else
		assert_null(c.radio);
	assert_int_equal(c.seq, seq);
	if (kind)
		assert_string_equal(c.kind, kind);
	else
		assert_null(c.kind);
}

/* A function that leaves its scope by an early return. */
static int early_return(int n)
{
	TB_LOG_RADIO_SCOPE("early");

	if (n > 0)
		return n;
	assert_ctx("early", 0, NULL);
	return 0;
}

static void test_scopes_nest_and_end(void **state)
{
	assert_ctx(NULL, 0, NULL);
	{
		TB_LOG_RADIO_SCOPE("lvs-1");
		assert_ctx("lvs-1", 0, NULL);
		{
			/* An event of the radio in whose work it is published. */
			TB_LOG_EVENT_SCOPE(NULL, 7, "status");
			assert_ctx("lvs-1", 7, "status");
			{
				/* A call-out it moves goes out through another radio. */
				TB_LOG_EVENT_SCOPE("ambulance", 8, "callout");
				assert_ctx("ambulance", 8, "callout");
			}
			assert_ctx("lvs-1", 7, "status");
			{
				/* "" is an event of no radio (lost): the radio stays. */
				TB_LOG_EVENT_SCOPE("", 9, "lost");
				assert_ctx("lvs-1", 9, "lost");
			}
			{
				/* Work for a radio is not the event's. */
				TB_LOG_RADIO_SCOPE("nurse");
				assert_ctx("nurse", 0, NULL);
			}
			assert_ctx("lvs-1", 7, "status");
		}
		assert_ctx("lvs-1", 0, NULL);
		assert_int_equal(early_return(3), 3);
		assert_ctx("lvs-1", 0, NULL);
		assert_int_equal(early_return(0), 0);
		assert_ctx("lvs-1", 0, NULL);
	}
	assert_ctx(NULL, 0, NULL);
}

/* ---- the per-radio filter ----------------------------------------------- */

static char g_out[4096];

static void capture(struct log_target *target, unsigned int level, const char *line)
{
	strncat(g_out, line, sizeof(g_out) - strlen(g_out) - 1);
}

/* One line from radio (NULL: from no radio's work), at NOTICE. */
static void log_from(const char *radio, const char *text)
{
	TB_LOG_RADIO_SCOPE(radio);

	LOGP(DRADIO, LOGL_NOTICE, "%s\n", text);
}

static const char *lines_from_three(void)
{
	g_out[0] = '\0';
	log_from("lvs-1", "one");
	log_from("nurse", "two");
	log_from(NULL, "three");
	log_from("nurse-2", "four");	/* a name that starts like another */
	return g_out;
}

static void test_filter_radio(void **state)
{
	struct log_target *tgt = log_target_create();

	assert_non_null(tgt);
	tgt->output = capture;
	log_set_print_category(tgt, 0);
	log_set_print_category_hex(tgt, 0);
	log_set_print_level(tgt, 0);
	log_set_print_filename2(tgt, LOG_FILENAME_NONE);
	log_set_use_color(tgt, 0);
	log_add_target(tgt);

	/* A new target has `logging filter all` off, and no radio filter:
	 * every line, as without the filter function. */
	assert_null(tb_log_filter_radio(tgt));
	assert_string_equal(lines_from_three(), "one\ntwo\nthree\nfour\n");

	tb_log_filter_radio_set(tgt, "nurse");
	assert_string_equal(tb_log_filter_radio(tgt), "nurse");
	assert_string_equal(lines_from_three(), "two\n");

	/* `logging filter all 1` lets everything through again ... */
	log_set_all_filter(tgt, 1);
	assert_string_equal(lines_from_three(), "one\ntwo\nthree\nfour\n");
	/* ... until a radio is set again, which turns it off. */
	tb_log_filter_radio_set(tgt, "nurse-2");
	assert_int_equal(tgt->filter_map & (1 << LOG_FLT_ALL), 0);
	assert_string_equal(lines_from_three(), "four\n");

	tb_log_filter_radio_set(tgt, NULL);
	assert_null(tb_log_filter_radio(tgt));
	assert_string_equal(lines_from_three(), "one\ntwo\nthree\nfour\n");

	/* The name is the target's (freed with it). */
	tb_log_filter_radio_set(tgt, "lvs-1");
	assert_ptr_equal(talloc_parent(tgt->filter_data[TB_LOG_FLT_RADIO]), tgt);
	log_target_destroy(tgt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scopes_nest_and_end),
		cmocka_unit_test(test_filter_radio),
	};
	int rc;

	g_root = talloc_named_const(NULL, 0, "test_log_context");
	tb_logging_init(g_root);
	/* Only the targets the tests make. */
	log_target_destroy(osmo_stderr_target);
	osmo_stderr_target = NULL;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	log_fini();
	talloc_free(g_root);
	return rc;
}
