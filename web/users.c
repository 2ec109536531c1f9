/* The users file of tetra-web (see users.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "web/users.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>
#include <talloc.h>

#include "ipc/line_fields.h"

/* A users file is small; anything bigger is a wrong path. */
#define TW_USERS_MAX		10000
#define TW_USERS_LINE_MAX	510
#define TW_USERS_MAX_BYTES	(8 * 1024 * 1024)

#define TW_HASH_PREFIX		"$argon2id$"

/* Verified for a name that is not listed, so that the answer takes as long
 * as for a listed one (at the limits tw_users_line() uses). Its password is
 * random and was thrown away: nothing verifies against it. */
static const char dummy_hash[crypto_pwhash_STRBYTES] =
	"$argon2id$v=19$m=65536,t=2,p=1$fqilDxXpsyRDT58TUMZuOQ$"
	"bibMSrq5M1dtwnXhV+QEUMPLK6ch02gruIyVGCvoDwk";

struct tw_user {
	char name[TW_USER_NAME_MAX + 1];
	unsigned char name_len;
	enum tb_role role;
	char hash[crypto_pwhash_STRBYTES];
	unsigned line;
};

struct tw_users {
	struct tw_user *v;	/* talloc array under the list */
	unsigned n, alloc;
};

static void set_err(void *ctx, char **errmsg, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(void *ctx, char **errmsg, const char *fmt, ...)
{
	va_list ap;

	if (!errmsg)
		return;
	va_start(ap, fmt);
	*errmsg = talloc_vasprintf(ctx, fmt, ap);
	va_end(ap);
}

static bool name_valid_n(const char *s, size_t len)
{
	if (len == 0 || len > TW_USER_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c) && c != '-' && c != '_' && c != '.')
			return false;
	}
	return true;
}

bool tw_user_name_valid(const char *name)
{
	return name && name_valid_n(name, strnlen(name, TW_USER_NAME_MAX + 1));
}

/* Whether s (len bytes) is a password hash crypto_pwhash_str() made with
 * argon2id: the prefix, a length that fits, and parameters libsodium
 * reads (crypto_pwhash_str_needs_rehash() is -1 for a string it cannot). */
static bool hash_valid(const char *s, size_t len, char out[crypto_pwhash_STRBYTES])
{
	if (len >= crypto_pwhash_STRBYTES || len <= strlen(TW_HASH_PREFIX) ||
	    strncmp(s, TW_HASH_PREFIX, strlen(TW_HASH_PREFIX)))
		return false;
	memcpy(out, s, len);
	out[len] = '\0';
	return crypto_pwhash_str_needs_rehash(out, crypto_pwhash_OPSLIMIT_INTERACTIVE,
					      crypto_pwhash_MEMLIMIT_INTERACTIVE) >= 0;
}

struct line_ctx {
	void *errctx;
	char **errmsg;
	const char *path;
	unsigned lineno;
};

static const struct tw_user *find(const struct tw_users *u, const char *name, size_t len)
{
	for (unsigned i = 0; u && i < u->n; i++) {
		if (u->v[i].name_len == len && !memcmp(u->v[i].name, name, len))
			return &u->v[i];
	}
	return NULL;
}

/* Add the user on line to u; a blank line or a comment adds nothing.
 * Returns 0, or -EINVAL / -ENOMEM with the sentence set. */
static int parse_line(struct tw_users *u, const char *line, const struct line_ctx *lc)
{
	const char *p = line, *name_s, *role_s, *hash_s, *extra;
	size_t name_len, role_len, hash_len, extra_len;
	const struct tw_user *before;
	struct tw_user *k;
	enum tb_role role;

	name_s = tb_line_next_field(&p, &name_len);
	if (!name_s || name_s[0] == '#')
		return 0;
	role_s = tb_line_next_field(&p, &role_len);
	hash_s = role_s ? tb_line_next_field(&p, &hash_len) : NULL;
	if (!role_s || !hash_s) {
		set_err(lc->errctx, lc->errmsg, "%s line %u: expected '<name> <role> <password hash>' (make the line "
			"with 'tetractl web-user add')", lc->path, lc->lineno);
		return -EINVAL;
	}
	extra = tb_line_next_field(&p, &extra_len);
	if (extra && extra[0] != '#') {
		set_err(lc->errctx, lc->errmsg, "%s line %u: more than '<name> <role> <password hash>' (a comment "
			"after the hash starts with '#')", lc->path, lc->lineno);
		return -EINVAL;
	}
	if (!name_valid_n(name_s, name_len)) {
		set_err(lc->errctx, lc->errmsg, "%s line %u: the name must be 1 to %u letters, digits, - _ or .",
			lc->path, lc->lineno, TW_USER_NAME_MAX);
		return -EINVAL;
	}
	role = tb_role_parse_n(role_s, role_len);
	if (role == TB_ROLE_NONE) {
		if (tb_line_word_echoable(role_s, role_len))
			set_err(lc->errctx, lc->errmsg, "%s line %u: unknown role '%.*s' (observer, dispatcher or "
				"admin)", lc->path, lc->lineno, (int)role_len, role_s);
		else
			set_err(lc->errctx, lc->errmsg, "%s line %u: the second field must be the role (observer, "
				"dispatcher or admin)", lc->path, lc->lineno);
		return -EINVAL;
	}
	before = find(u, name_s, name_len);
	if (before) {
		set_err(lc->errctx, lc->errmsg, "%s line %u: the user '%.*s' is already listed on line %u (one line "
			"per user)", lc->path, lc->lineno, (int)name_len, name_s, before->line);
		return -EINVAL;
	}
	if (u->n == TW_USERS_MAX) {
		set_err(lc->errctx, lc->errmsg, "%s line %u: more than %u users; check the path", lc->path,
			lc->lineno, TW_USERS_MAX);
		return -EINVAL;
	}
	if (u->n == u->alloc) {
		unsigned alloc = u->alloc ? u->alloc * 2 : 16;
		struct tw_user *nv = talloc_realloc(u, u->v, struct tw_user, alloc);

		if (!nv) {
			set_err(lc->errctx, lc->errmsg, "out of memory reading %s", lc->path);
			return -ENOMEM;
		}
		u->v = nv;
		u->alloc = alloc;
	}
	k = &u->v[u->n];
	memset(k, 0, sizeof(*k));
	if (!hash_valid(hash_s, hash_len, k->hash)) {
		sodium_memzero(k->hash, sizeof(k->hash));
		set_err(lc->errctx, lc->errmsg, "%s line %u: the third field is not an argon2id password hash (make "
			"the line with 'tetractl web-user add')", lc->path, lc->lineno);
		return -EINVAL;
	}
	memcpy(k->name, name_s, name_len);
	k->name[name_len] = '\0';
	k->name_len = (unsigned char)name_len;
	k->role = role;
	k->line = lc->lineno;
	u->n++;
	return 0;
}

/* The list's destructor: the hashes do not stay behind in freed memory. */
static int users_wipe(struct tw_users *u)
{
	if (u->v)
		sodium_memzero(u->v, sizeof(u->v[0]) * u->alloc);
	return 0;
}

/* Whether f can be read as a users file; the sentence set if not. */
static bool file_fits(FILE *f, const char *path, void *errctx, char **errmsg)
{
	struct stat st;

	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > TW_USERS_MAX_BYTES) {
		set_err(errctx, errmsg, "%s is not a users file (not a regular file, or larger than %u bytes); check "
			"the path", path, TW_USERS_MAX_BYTES);
		return false;
	}
	/* Whoever may write the file may make themselves admin. */
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		set_err(errctx, errmsg, "%s may be changed by other users (mode %04o), so anyone could add an admin; "
			"run 'chmod go-w %s'", path, (unsigned)(st.st_mode & 07777), path);
		return false;
	}
	return true;
}

struct tw_users *tw_users_read(void *ctx, void *errctx, const char *path, char **errmsg)
{
	struct line_ctx lc = { .errctx = errctx, .errmsg = errmsg, .path = path };
	struct tw_users *u;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;

	if (sodium_init() < 0) {
		set_err(errctx, errmsg, "cannot read %s: libsodium did not start", path);
		return NULL;
	}
	u = talloc_zero(ctx, struct tw_users);
	if (!u) {
		set_err(errctx, errmsg, "out of memory reading %s", path);
		return NULL;
	}
	talloc_set_destructor(u, users_wipe);
	f = fopen(path, "re");
	if (!f) {
		set_err(errctx, errmsg, "cannot read users file %s: %s", path, strerror(errno));
		talloc_free(u);
		return NULL;
	}
	if (!file_fits(f, path, errctx, errmsg))
		goto fail;
	while ((len = getline(&line, &cap, f)) >= 0) {
		lc.lineno++;
		if (len > 0 && line[len - 1] == '\n')
			len--;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (len > TW_USERS_LINE_MAX) {
			set_err(errctx, errmsg, "%s line %u: longer than %u bytes; check the path", path, lc.lineno,
				TW_USERS_LINE_MAX);
			goto fail;
		}
		if (strlen(line) < (size_t)len) {
			set_err(errctx, errmsg, "%s line %u: a NUL byte; check the path", path, lc.lineno);
			goto fail;
		}
		if (parse_line(u, line, &lc) < 0)
			goto fail;
	}
	if (ferror(f)) {
		set_err(errctx, errmsg, "cannot read users file %s: %s", path, strerror(EIO));
		goto fail;
	}
	if (line)
		sodium_memzero(line, cap);
	free(line);
	fclose(f);
	return u;

fail:
	if (line)
		sodium_memzero(line, cap);
	free(line);
	fclose(f);
	talloc_free(u);
	return NULL;
}

unsigned tw_users_count(const struct tw_users *u)
{
	return u ? u->n : 0;
}

const char *tw_users_name(const struct tw_users *u, unsigned i, enum tb_role *role)
{
	if (!u || i >= u->n)
		return NULL;
	if (role)
		*role = u->v[i].role;
	return u->v[i].name;
}

bool tw_users_listed(const struct tw_users *u, const char *name)
{
	return name && find(u, name, strlen(name));
}

enum tb_role tw_users_verify(const struct tw_users *u, const char *name, const char *password)
{
	const struct tw_user *k = NULL;

	if (!password)
		password = "";
	if (name && tw_user_name_valid(name))
		k = find(u, name, strlen(name));
	if (!k) {
		/* The same work as for a listed name; the answer is no. */
		int same_work = crypto_pwhash_str_verify(dummy_hash, password, strlen(password));

		(void)same_work;
		return TB_ROLE_NONE;
	}
	if (crypto_pwhash_str_verify(k->hash, password, strlen(password)) != 0)
		return TB_ROLE_NONE;
	return k->role;
}

char *tw_users_line(void *ctx, const char *name, enum tb_role role, const char *password, char **errmsg)
{
	char hash[crypto_pwhash_STRBYTES];
	char *line;

	if (!tw_user_name_valid(name)) {
		set_err(ctx, errmsg, "a user name is 1 to %u letters, digits, - _ or .", TW_USER_NAME_MAX);
		return NULL;
	}
	if (role != TB_ROLE_OBSERVER && role != TB_ROLE_DISPATCHER && role != TB_ROLE_ADMIN) {
		set_err(ctx, errmsg, "the role must be observer, dispatcher or admin");
		return NULL;
	}
	if (!password || !password[0]) {
		set_err(ctx, errmsg, "the password is empty");
		return NULL;
	}
	if (sodium_init() < 0 ||
	    crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		set_err(ctx, errmsg, "cannot hash the password (out of memory?)");
		return NULL;
	}
	line = talloc_asprintf(ctx, "%s %s %s\n", name, tb_role_name(role), hash);
	sodium_memzero(hash, sizeof(hash));
	if (!line)
		set_err(ctx, errmsg, "out of memory");
	return line;
}
