/* bridge/log_journal: the fields of a journal entry (MESSAGE, PRIORITY,
 * the log context's RADIO, SEQ, KIND, raw mode's source), their bounds,
 * and the target libosmocore's `write` prints as `log systemd-journal`.
 * What the daemon sends to a journal socket is tested with the real daemon
 * (tests/integration/test_logs.py).
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
#include <syslog.h>

#include <cmocka.h>
#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>

#include "bridge/log_journal.h"
#include "common/log_context.h"
#include "common/logging.h"

static char *field(const struct tb_log_journal_entry *e, size_t i)
{
	static char buf[TB_LOG_JOURNAL_MAX_TEXT + 64];

	assert_true(i < e->n);
	assert_true(e->iov[i].iov_len < sizeof(buf));
	memcpy(buf, e->iov[i].iov_base, e->iov[i].iov_len);
	buf[e->iov[i].iov_len] = '\0';
	return buf;
}

static void test_journal_fields(void **state)
{
	static struct tb_log_journal_entry e;
	const struct tb_log_ctx event = { .radio = "lvs-1", .seq = 42, .kind = "status" };
	const struct tb_log_ctx radio = { .radio = "nurse" };
	const struct tb_log_ctx none = { 0 };

	tb_log_journal_entry(&e, LOGL_INFO, "DSDS INFO lvs-1: status event seq=42\n", &event, 0, NULL, 0);
	assert_int_equal(e.n, 6);
	assert_string_equal(field(&e, 0), "MESSAGE=DSDS INFO lvs-1: status event seq=42");
	assert_string_equal(field(&e, 1), "PRIORITY=6");
	assert_string_equal(field(&e, 2), "SYSLOG_IDENTIFIER=test_log_journal");
	assert_string_equal(field(&e, 3), "RADIO=lvs-1");
	assert_string_equal(field(&e, 4), "SEQ=42");
	assert_string_equal(field(&e, 5), "KIND=status");

	tb_log_journal_entry(&e, LOGL_NOTICE, "online", &radio, 0, NULL, 0);
	assert_int_equal(e.n, 4);
	assert_string_equal(field(&e, 0), "MESSAGE=online");
	assert_string_equal(field(&e, 3), "RADIO=nurse");

	tb_log_journal_entry(&e, LOGL_ERROR, "no radio\n", &none, 0, NULL, 0);
	assert_int_equal(e.n, 3);

	/* Raw: the source and the category in fields, as libosmocore's. */
	tb_log_journal_entry(&e, LOGL_DEBUG, "bare\n", &radio, DSDS, "bridge/radio.c", 123);
	assert_int_equal(e.n, 7);
	assert_string_equal(field(&e, 0), "MESSAGE=bare");
	assert_string_equal(field(&e, 1), "PRIORITY=7");
	assert_string_equal(field(&e, 4), "CODE_FILE=bridge/radio.c");
	assert_string_equal(field(&e, 5), "CODE_LINE=123");
	assert_string_equal(field(&e, 6), "OSMO_SUBSYS=DSDS");
}

static void test_journal_long_message(void **state)
{
	static struct tb_log_journal_entry e;
	static char msg[3 * TB_LOG_JOURNAL_MAX_TEXT];
	const struct tb_log_ctx event = { .radio = "lvs-1", .seq = 18446744073709551615u, .kind = "text_incomplete" };

	memset(msg, 'x', sizeof(msg) - 1);
	tb_log_journal_entry(&e, LOGL_FATAL, msg, &event, DSDS, "f.c", 1);
	/* Cut, and every other field still there. */
	assert_int_equal(e.n, 9);
	assert_int_equal(e.iov[0].iov_len, strlen("MESSAGE=") + TB_LOG_JOURNAL_MAX_TEXT);
	assert_string_equal(field(&e, 1), "PRIORITY=2");
	assert_string_equal(field(&e, 4), "SEQ=18446744073709551615");
	assert_string_equal(field(&e, 5), "KIND=text_incomplete");
}

static void test_journal_priorities(void **state)
{
	assert_int_equal(tb_log_journal_priority(LOGL_DEBUG), LOG_DEBUG);
	assert_int_equal(tb_log_journal_priority(LOGL_INFO), LOG_INFO);
	assert_int_equal(tb_log_journal_priority(LOGL_NOTICE), LOG_NOTICE);
	assert_int_equal(tb_log_journal_priority(LOGL_ERROR), LOG_ERR);
	assert_int_equal(tb_log_journal_priority(LOGL_FATAL), LOG_CRIT);
}

static void test_journal_target(void **state)
{
	struct log_target *tgt = tb_log_journal_create(false);

	assert_non_null(tgt);
	/* libosmocore's `write` prints this type as `log systemd-journal`. */
	assert_int_equal(tgt->type, LOG_TGT_TYPE_SYSTEMD);
	assert_false(tgt->sd_journal.raw);
	assert_non_null(tgt->output);
	assert_null(tgt->raw_output);
	tb_log_journal_set_raw(tgt, true);
	assert_true(tgt->sd_journal.raw);
	assert_non_null(tgt->raw_output);
	/* Without journald here the lines go nowhere, quietly. */
	log_add_target(tgt);
	LOGP(DMAIN, LOGL_NOTICE, "to a journal that may not be there\n");
	tb_log_journal_set_raw(tgt, false);
	LOGP(DMAIN, LOGL_NOTICE, "again\n");
	log_target_destroy(tgt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_journal_fields),
		cmocka_unit_test(test_journal_long_message),
		cmocka_unit_test(test_journal_priorities),
		cmocka_unit_test(test_journal_target),
	};
	void *root = talloc_named_const(NULL, 0, "test_log_journal");
	int rc;

	tb_logging_init(root);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	log_fini();
	talloc_free(root);
	return rc;
}
