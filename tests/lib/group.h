/* The start and end every daemon-side cmocka program shares (its
 * group_setup / group_teardown): a talloc root named after the program,
 * the project's log categories with stderr quiet (the errors a test
 * provokes stay out of its output), fake time, and a temporary folder.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

/* The root, with the folder /tmp/<name>.XXXXXX in dir (size bytes); NULL
 * (nothing left behind) when the folder cannot be made. */
void *tb_test_group_start(const char *name, char *dir, size_t size);
/* Remove the folder and free root; -1 when the folder could not be
 * removed (cmocka then reports the group's teardown failed). */
int tb_test_group_end(void *root, const char *dir);
