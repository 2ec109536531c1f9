/* The users file of tetra-web: who may sign in, with which role.
 *
 *   # name     role        password hash (crypto_pwhash_str, argon2id)
 *   kari       dispatcher  $argon2id$v=19$m=65536,t=2,p=1$...
 *
 * Names: letters, digits, - _ . (1-63 bytes); roles as the clients file
 * (observer, dispatcher, admin). Blank lines and '#' comments are skipped.
 * A wrong line is an error naming the file and the line (never the hash).
 * A name may be listed once. At most 10000 users, lines of at most 510
 * bytes. A file that the group or others may write is refused (whoever can
 * write it can make themselves admin).
 *
 * Ownership: the list is a talloc child of the ctx given to tw_users_read().
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>

#include "ipc/clients_file.h"	/* enum tb_role */

#define TW_USER_NAME_MAX 63

struct tw_users;

/* Read path. NULL with *errmsg (under errctx) on any wrong line or when the
 * file cannot be read. */
struct tw_users *tw_users_read(void *ctx, void *errctx, const char *path, char **errmsg);
unsigned tw_users_count(const struct tw_users *u);
/* The i-th listed name (0 .. count - 1) and its role into *role, or NULL
 * past the end: for listing the users, never their hashes. */
const char *tw_users_name(const struct tw_users *u, unsigned i, enum tb_role *role);

/* Check a name and password. Returns the user's role, or TB_ROLE_NONE for
 * an unknown name or a wrong password (the same time is spent for an
 * unknown name: a dummy hash is verified). */
enum tb_role tw_users_verify(const struct tw_users *u, const char *name, const char *password);

/* Whether the file lists name (for logs: a name that is not listed may be
 * a password typed into the wrong field, and is never logged). */
bool tw_users_listed(const struct tw_users *u, const char *name);

/* Whether name is a valid user name. */
bool tw_user_name_valid(const char *name);

/* One line of the file for name, role and password (hashed here with
 * crypto_pwhash_str at the interactive limits), "\n"-terminated, talloc'ed
 * under ctx; NULL with *errmsg on a wrong name or role. */
char *tw_users_line(void *ctx, const char *name, enum tb_role role, const char *password, char **errmsg);
