/* The clients file and the roles it gives (see clients_file.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ipc/clients_file.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

#include "ipc/line_fields.h"
#include "ipc/security_int.h"

/* Clients files are small; anything bigger is a wrong path. */
#define TB_CLIENTS_MAX_BYTES	(16 * 1024 * 1024)
#define TB_CLIENTS_MAX_LINES	100000
/* The optional fourth word: a console's key that may act for its users. */
#define GATEWAY_WORD		"gateway"

struct tb_client_list {
	struct tb_client_key *keys;	/* talloc array under the list */
	unsigned n;
};

/* ---- roles -------------------------------------------------------------- */

static const char *const role_names[] = {
	[TB_ROLE_NONE] = "none",
	[TB_ROLE_OBSERVER] = "observer",
	[TB_ROLE_DISPATCHER] = "dispatcher",
	[TB_ROLE_ADMIN] = "admin",
};

const char *tb_role_name(enum tb_role r)
{
	if ((unsigned)r >= sizeof(role_names) / sizeof(role_names[0]))
		return "none";
	return role_names[r];
}

enum tb_role tb_role_parse_n(const char *s, size_t len)
{
	for (unsigned r = TB_ROLE_OBSERVER; r <= TB_ROLE_ADMIN; r++) {
		if (strlen(role_names[r]) == len && !strncmp(s, role_names[r], len))
			return (enum tb_role)r;
	}
	return TB_ROLE_NONE;
}

enum tb_role tb_role_parse(const char *s)
{
	if (!s)
		return TB_ROLE_NONE;
	return tb_role_parse_n(s, strlen(s));
}

/* ---- the file ----------------------------------------------------------- */

static bool name_valid(const char *s, size_t len)
{
	if (len == 0 || len > TB_CLIENT_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c) && c != '-' && c != '_' && c != '.' && c != '@')
			return false;
	}
	return true;
}

/* Where a line came from, for its error sentence. */
struct line_ctx {
	void *errctx;
	char **errmsg;
	const char *path;
	unsigned lineno;
};

/* A zeroed slot at the end of l (l->n not yet counting it), or NULL when
 * memory is out. */
static struct tb_client_key *slot_new(struct tb_client_list *l, unsigned *alloc)
{
	struct tb_client_key *k;

	if (l->n == *alloc) {
		struct tb_client_key *nk;
		*alloc = *alloc ? *alloc * 2 : 16;
		nk = talloc_realloc(l, l->keys, struct tb_client_key, *alloc);
		if (!nk)
			return NULL;
		l->keys = nk;
	}
	k = &l->keys[l->n];
	memset(k, 0, sizeof(*k));
	return k;
}

/* Whether k repeats a key or a name listed before it (the sentence set). */
static bool listed_before(const struct tb_client_list *l, const struct tb_client_key *k, const struct line_ctx *lc)
{
	for (unsigned i = 0; i < l->n; i++) {
		if (!memcmp(l->keys[i].key, k->key, TB_CURVE_KEY_BYTES)) {
			tb_sec_set_err(lc->errctx, lc->errmsg, "%s line %u: this key is already listed on line %u "
				"(one line per key)", lc->path, lc->lineno, l->keys[i].line);
			return true;
		}
		if (!strcmp(l->keys[i].name, k->name)) {
			tb_sec_set_err(lc->errctx, lc->errmsg, "%s line %u: the name '%s' is already used on line %u "
				"(names must be unique)", lc->path, lc->lineno, k->name, l->keys[i].line);
			return true;
		}
	}
	return false;
}

/* Add the client on line to l; a blank line or a comment adds nothing.
 * Returns 0, or -EINVAL / -ENOMEM with the sentence set. */
static int parse_line(struct tb_client_list *l, unsigned *alloc, const char *line, const struct line_ctx *lc)
{
	const char *p = line, *role_s, *key_s, *name_s, *extra;
	size_t role_len, key_len, name_len, extra_len;
	struct tb_client_key *k;
	enum tb_role role;
	bool gateway;

	role_s = tb_line_next_field(&p, &role_len);
	if (!role_s || role_s[0] == '#')
		return 0;	/* blank or comment ('#' is Z85, so only whole lines) */

	key_s = tb_line_next_field(&p, &key_len);
	name_s = key_s ? tb_line_next_field(&p, &name_len) : NULL;
	if (!key_s || !name_s) {
		tb_sec_set_err(lc->errctx, lc->errmsg, "%s line %u: expected '<role> <public key> <name>'", lc->path,
			       lc->lineno);
		return -EINVAL;
	}
	extra = tb_line_next_field(&p, &extra_len);
	gateway = extra && extra_len == strlen(GATEWAY_WORD) && !memcmp(extra, GATEWAY_WORD, extra_len);
	if (gateway)
		extra = tb_line_next_field(&p, &extra_len);
	if (extra && extra[0] != '#') {
		tb_sec_set_err(lc->errctx, lc->errmsg, "%s line %u: more than '<role> <public key> <name> [gateway]' "
			       "(the only word allowed after the name is 'gateway'; a comment starts with '#')",
			       lc->path, lc->lineno);
		return -EINVAL;
	}

	role = tb_role_parse_n(role_s, role_len);
	if (role == TB_ROLE_NONE) {
		if (tb_line_word_echoable(role_s, role_len))
			tb_sec_set_err(lc->errctx, lc->errmsg, "%s line %u: unknown role '%.*s' (observer, dispatcher "
				       "or admin)", lc->path, lc->lineno, (int)role_len, role_s);
		else
			tb_sec_set_err(lc->errctx, lc->errmsg, "%s line %u: the first field must be the role "
				       "(observer, dispatcher or admin)", lc->path, lc->lineno);
		return -EINVAL;
	}
	k = slot_new(l, alloc);
	if (!k) {
		tb_sec_set_err(lc->errctx, lc->errmsg, "out of memory reading %s", lc->path);
		return -ENOMEM;
	}
	if (key_len != TB_Z85_KEY_LEN || !tb_sec_z85_decode(key_s, key_len, k->key)) {
		tb_sec_set_err(lc->errctx, lc->errmsg, "%s line %u: the public key is not 40 Z85 characters (copy it "
			       "from the client's .pub file)", lc->path, lc->lineno);
		return -EINVAL;
	}
	if (!name_valid(name_s, name_len)) {
		tb_sec_set_err(lc->errctx, lc->errmsg, "%s line %u: the name must be 1 to %u letters, digits, - _ . "
			       "or @", lc->path, lc->lineno, TB_CLIENT_NAME_MAX);
		return -EINVAL;
	}
	memcpy(k->name, name_s, name_len);
	k->name[name_len] = '\0';
	k->role = role;
	k->gateway = gateway;
	k->line = lc->lineno;
	if (listed_before(l, k, lc))
		return -EINVAL;
	l->n++;
	return 0;
}

struct tb_client_list *tb_clients_read(void *ctx, void *errctx, const char *path, char **errmsg)
{
	struct line_ctx lc = { .errctx = errctx, .errmsg = errmsg, .path = path };
	struct tb_client_list *l;
	char *line = NULL;
	size_t cap = 0;
	unsigned alloc = 0;
	FILE *f;

	l = talloc_zero(ctx, struct tb_client_list);
	if (!l) {
		tb_sec_set_err(errctx, errmsg, "out of memory reading %s", path);
		return NULL;
	}
	f = fopen(path, "re");
	if (!f) {
		tb_sec_set_err(errctx, errmsg, "cannot read clients file %s: %s", path, strerror(errno));
		talloc_free(l);
		return NULL;
	}
	if (tb_sec_file_too_big(f, TB_CLIENTS_MAX_BYTES)) {
		tb_sec_set_err(errctx, errmsg, "%s is not a clients file (not a regular file, or larger than %u "
			       "bytes); check the path", path, TB_CLIENTS_MAX_BYTES);
		goto fail;
	}
	while (getline(&line, &cap, f) >= 0) {
		if (++lc.lineno > TB_CLIENTS_MAX_LINES) {
			tb_sec_set_err(errctx, errmsg, "%s: more than %u lines; check the path", path,
				       TB_CLIENTS_MAX_LINES);
			goto fail;
		}
		if (parse_line(l, &alloc, line, &lc) < 0)
			goto fail;
	}
	if (ferror(f)) {
		tb_sec_set_err(errctx, errmsg, "cannot read clients file %s: %s", path, strerror(EIO));
		goto fail;
	}
	free(line);
	fclose(f);
	return l;

fail:
	free(line);
	fclose(f);
	talloc_free(l);
	return NULL;
}

void tb_clients_destroy(struct tb_client_list **l)
{
	if (l)
		TALLOC_FREE(*l);
}

const struct tb_client_key *tb_clients_find(const struct tb_client_list *l, const uint8_t *key)
{
	for (unsigned i = 0; l && i < l->n; i++) {
		if (!memcmp(l->keys[i].key, key, TB_CURVE_KEY_BYTES))
			return &l->keys[i];
	}
	return NULL;
}

unsigned tb_clients_count(const struct tb_client_list *l)
{
	return l ? l->n : 0;
}
