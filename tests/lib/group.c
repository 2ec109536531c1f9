/* See group.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/lib/group.h"

#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>

#include "common/logging.h"
#include "tests/lib/fake_time.h"
#include "tests/lib/tmpdir.h"

void *tb_test_group_start(const char *name, char *dir, size_t size)
{
	void *root = talloc_named_const(NULL, 0, name);

	tb_logging_init(root);
	log_set_log_level(osmo_stderr_target, LOGL_FATAL);
	tb_fake_time_start();
	if (!tb_tmpdir_make(dir, size, name)) {
		talloc_free(root);
		return NULL;
	}
	return root;
}

int tb_test_group_end(void *root, const char *dir)
{
	if (tb_tmpdir_remove(dir) != 0)
		return -1;
	talloc_free(root);
	return 0;
}
