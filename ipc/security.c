/* CURVE security: key files (zcert format), the clients file, the ZAP
 * handler in the osmo_select loop, and the loopback test for endpoints.
 * See security.h.
 *
 * Key material never reaches a log or an error message: errors about keys
 * name the file and line only. Secret keys held in memory are wiped before
 * their memory is freed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ipc/security.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>
#include <talloc.h>
#include <zmq.h>

#include "common/logging.h"

#define TB_ZAP_ENDPOINT		"inproc://zeromq.zap.01"
#define TB_KEY_BYTES		32
#define TB_NAME_MAX		63
/* Key and clients files are small; anything bigger is a wrong path. */
#define TB_KEYFILE_MAX_BYTES	(64 * 1024)
#define TB_KEYFILE_MAX_LINES	1000
#define TB_CLIENTS_MAX_BYTES	(16 * 1024 * 1024)
#define TB_CLIENTS_MAX_LINES	100000
/* ZAP requests handled per wakeup before yielding to the rest of the loop
 * (a connection flood must not starve the radios). */
#define TB_ZAP_BATCH		100
/* ZAP request frames kept; libzmq sends 7 for CURVE. */
#define TB_ZAP_MAX_FRAMES	8

/* ZMQ_ZAP_ENFORCE_DOMAIN is a draft option in libzmq 4.3: Debian's build
 * may not have it; setting it there fails with EINVAL, which is harmless
 * because our handler refuses other domains anyway. */
#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93
#endif

struct tb_client_key {
	uint8_t key[TB_KEY_BYTES];
	enum tb_role role;
	char name[TB_NAME_MAX + 1];
	unsigned line;
};

struct tb_client_list {
	struct tb_client_key *keys;	/* talloc array under the list */
	unsigned n;
};

struct tb_security {
	void *zap;			/* REP on inproc://zeromq.zap.01 */
	struct osmo_fd ofd;		/* ZMQ_FD of zap */
	struct osmo_timer_list resume;	/* continues a drain cut at TB_ZAP_BATCH */
	char *clients_file;
	struct tb_client_list *clients;
	char public_key[TB_Z85_KEY_LEN + 1];
	uint8_t secret[TB_KEY_BYTES];	/* binary, wiped on free */
	unsigned long admitted, refused;
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

static enum tb_role role_parse_n(const char *s, size_t len)
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
	return role_parse_n(s, strlen(s));
}

enum tb_role tb_role_from_user_id(const char *uid, const char **name)
{
	const char *colon;
	enum tb_role r;

	if (name)
		*name = "";
	if (!uid)
		return TB_ROLE_NONE;
	colon = strchr(uid, ':');
	r = role_parse_n(uid, colon ? (size_t)(colon - uid) : strlen(uid));
	if (r != TB_ROLE_NONE && name && colon)
		*name = colon + 1;
	return r;
}

/* ---- helpers ------------------------------------------------------------ */

static void wipe(void *p, size_t len)
{
	explicit_bzero(p, len);
}

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

static bool z85_valid(const char *s, size_t len, uint8_t out[TB_KEY_BYTES])
{
	char buf[TB_Z85_KEY_LEN + 1];
	uint8_t tmp[TB_KEY_BYTES];
	bool ok;

	if (len != TB_Z85_KEY_LEN)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	ok = zmq_z85_decode(out ? out : tmp, buf) != NULL;
	wipe(buf, sizeof(buf));
	wipe(tmp, sizeof(tmp));
	return ok;
}

/* ---- key files ---------------------------------------------------------- */

/* Write all of buf to fd. Returns 0 or -errno. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Create path exclusively with exactly mode (not narrowed by the umask,
 * so the .pub is readable as documented) and write text. Returns 0 or
 * -errno; on a write error the file is removed again. */
static int write_new_file(const char *path, mode_t mode, const char *text)
{
	int fd, rc;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	rc = fchmod(fd, mode) < 0 ? -errno : 0;
	if (rc == 0)
		rc = write_all(fd, text, strlen(text));
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc < 0)
		unlink(path);
	return rc;
}

int tb_curve_keygen(void *ctx, const char *base, struct tb_curve_keypair *kp, char **errmsg)
{
	char pub[TB_Z85_KEY_LEN + 1], sec[TB_Z85_KEY_LEN + 1];
	char *key_path = NULL, *pub_path = NULL;
	char key_text[512], pub_text[512];
	struct stat st;
	int rc, n;

	if (errmsg)
		*errmsg = NULL;
	if (!base || !*base) {
		set_err(ctx, errmsg, "no file name given for the new key pair");
		return -EINVAL;
	}
	key_path = talloc_asprintf(ctx, "%s.key", base);
	pub_path = talloc_asprintf(ctx, "%s.pub", base);
	if (!key_path || !pub_path) {
		rc = -ENOMEM;
		set_err(ctx, errmsg, "out of memory");
		goto out;
	}
	/* Check both names first so that an existing .pub does not leave a
	 * fresh .key behind (the O_EXCL opens below still decide). */
	if (stat(key_path, &st) == 0 || stat(pub_path, &st) == 0) {
		rc = -EEXIST;
		set_err(ctx, errmsg, "%s already exists; refusing to overwrite a key (choose another name or remove it)",
			stat(key_path, &st) == 0 ? key_path : pub_path);
		goto out;
	}

	if (zmq_curve_keypair(pub, sec) < 0) {
		rc = -zmq_errno();
		set_err(ctx, errmsg, "cannot make a CURVE key pair: %s (is libzmq built with libsodium?)",
			zmq_strerror(-rc));
		goto out;
	}

	n = snprintf(key_text, sizeof(key_text),
		     "#   ****  Generated by tetra-bridge (tetractl keygen)  ****\n"
		     "#   ZeroMQ CURVE **Secret** Certificate\n"
		     "#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.\n"
		     "\n"
		     "metadata\n"
		     "curve\n"
		     "    public-key = \"%s\"\n"
		     "    secret-key = \"%s\"\n", pub, sec);
	if (n < 0 || (size_t)n >= sizeof(key_text)) {
		rc = -EOVERFLOW;
		set_err(ctx, errmsg, "internal error formatting the key file");
		goto out;
	}
	n = snprintf(pub_text, sizeof(pub_text),
		     "#   ****  Generated by tetra-bridge (tetractl keygen)  ****\n"
		     "#   ZeroMQ CURVE Public Certificate\n"
		     "#   Exchange securely, or use a secure mechanism to verify the contents\n"
		     "#   of this file after exchange.\n"
		     "\n"
		     "metadata\n"
		     "curve\n"
		     "    public-key = \"%s\"\n", pub);
	if (n < 0 || (size_t)n >= sizeof(pub_text)) {
		rc = -EOVERFLOW;
		set_err(ctx, errmsg, "internal error formatting the key file");
		goto out;
	}

	rc = write_new_file(key_path, 0600, key_text);
	if (rc < 0) {
		set_err(ctx, errmsg, rc == -EEXIST ? "%s already exists; refusing to overwrite a key (%s)"
						   : "cannot write %s: %s", key_path, strerror(-rc));
		goto out;
	}
	rc = write_new_file(pub_path, 0644, pub_text);
	if (rc < 0) {
		unlink(key_path);	/* ours, created just above: no half pairs */
		set_err(ctx, errmsg, rc == -EEXIST ? "%s already exists; refusing to overwrite a key (%s)"
						   : "cannot write %s: %s", pub_path, strerror(-rc));
		goto out;
	}

	if (kp) {
		memcpy(kp->public_key, pub, sizeof(kp->public_key));
		memcpy(kp->secret_key, sec, sizeof(kp->secret_key));
	}
	rc = 0;
out:
	wipe(sec, sizeof(sec));
	wipe(key_text, sizeof(key_text));
	talloc_free(key_path);
	talloc_free(pub_path);
	return rc;
}

/* Whether the open file f is not a regular file or has more than max bytes
 * (a wrong path, e.g. a device or a log file given as a key). */
static bool too_big(FILE *f, unsigned max)
{
	struct stat st;

	if (fstat(fileno(f), &st) < 0)
		return true;
	return !S_ISREG(st.st_mode) || st.st_size > (off_t)max;
}

/* In line, after optional blanks: `word = "VALUE"` (or 'VALUE'). Returns
 * the value's start and sets *len, or NULL when the line is not about
 * word. *bad is set when it is about word but not in that form. */
static const char *keyfile_value(const char *line, const char *word, size_t *len, bool *bad)
{
	const char *p = line, *end;
	size_t wl = strlen(word);
	char quote;

	*bad = false;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, word, wl))
		return NULL;
	p += wl;
	if (*p != ' ' && *p != '\t' && *p != '=')
		return NULL;	/* e.g. "public-keys": some other field */
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p++ != '=') {
		*bad = true;
		return NULL;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	quote = *p;
	if (quote != '"' && quote != '\'') {
		*bad = true;
		return NULL;
	}
	p++;
	end = strchr(p, quote);
	if (!end) {
		*bad = true;
		return NULL;
	}
	*len = (size_t)(end - p);
	return p;
}

/* Read a zcert file into kp (public and, when present, secret key). */
static int keyfile_read(void *ctx, const char *path, struct tb_curve_keypair *kp, char **errmsg)
{
	static const char *const words[2] = { "public-key", "secret-key" };
	char *vals[2] = { kp->public_key, kp->secret_key };
	unsigned found_line[2] = { 0, 0 };
	uint8_t sec_bin[TB_KEY_BYTES], pub_bin[TB_KEY_BYTES];
	char derived[TB_Z85_KEY_LEN + 1];
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	ssize_t n;
	FILE *f;
	int rc = 0;

	f = fopen(path, "re");
	if (!f) {
		rc = -errno;
		set_err(ctx, errmsg, "cannot read key file %s: %s", path, strerror(-rc));
		return rc;
	}
	if (too_big(f, TB_KEYFILE_MAX_BYTES)) {
		fclose(f);
		set_err(ctx, errmsg, "%s is not a key file (not a regular file, or larger than %u bytes); "
			"check the path", path, TB_KEYFILE_MAX_BYTES);
		return -EINVAL;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		if (++lineno > TB_KEYFILE_MAX_LINES) {
			rc = -EFBIG;
			set_err(ctx, errmsg, "%s is not a key file (more than %u lines); check the path", path,
				TB_KEYFILE_MAX_LINES);
			goto out;
		}
		for (unsigned i = 0; i < 2; i++) {
			const char *v;
			size_t len = 0;
			bool bad;

			if (found_line[i])
				continue;	/* the first one counts */
			v = keyfile_value(line, words[i], &len, &bad);
			if (bad) {
				rc = -EINVAL;
				set_err(ctx, errmsg, "%s line %u: expected %s = \"<40 Z85 characters>\"", path,
					lineno, words[i]);
				goto out;
			}
			if (!v)
				continue;
			if (len != TB_Z85_KEY_LEN || !z85_valid(v, len, i ? sec_bin : pub_bin)) {
				rc = -EINVAL;
				set_err(ctx, errmsg, "%s line %u: the %s is not 40 Z85 characters; "
					"the file is damaged, make a new key pair with tetractl keygen",
					path, lineno, words[i]);
				goto out;
			}
			memcpy(vals[i], v, len);
			vals[i][len] = '\0';
			found_line[i] = lineno;
		}
	}
	if (ferror(f)) {
		rc = -EIO;
		set_err(ctx, errmsg, "cannot read key file %s: %s", path, strerror(EIO));
		goto out;
	}
	if (!found_line[0]) {
		rc = -EINVAL;
		set_err(ctx, errmsg, "%s has no public-key line; is it a ZeroMQ CURVE certificate "
			"(made by tetractl keygen)?", path);
		goto out;
	}
	if (found_line[1]) {
		/* A secret key whose public half is something else would make the
		 * server unreachable with the key the clients were given. */
		if (zmq_curve_public(derived, kp->secret_key) < 0 ||
		    memcmp(derived, kp->public_key, TB_Z85_KEY_LEN)) {
			rc = -EINVAL;
			set_err(ctx, errmsg, "%s: the public-key (line %u) does not belong to the secret-key "
				"(line %u); the file was edited or mixed up, make a new key pair with "
				"tetractl keygen", path, found_line[0], found_line[1]);
			goto out;
		}
	}
out:
	if (rc < 0)
		wipe(kp->secret_key, sizeof(kp->secret_key));
	wipe(sec_bin, sizeof(sec_bin));
	wipe(derived, sizeof(derived));
	if (line) {
		wipe(line, cap);
		free(line);
	}
	fclose(f);
	return rc;
}

int tb_curve_key_load(void *ctx, const char *spec, struct tb_curve_keypair *kp, char **errmsg)
{
	struct tb_curve_keypair tmp;
	struct stat st;
	size_t len;
	int rc;

	if (errmsg)
		*errmsg = NULL;
	if (!spec || !*spec) {
		set_err(ctx, errmsg, "no key given (a key file or 40 Z85 characters)");
		return -EINVAL;
	}
	memset(&tmp, 0, sizeof(tmp));
	len = strlen(spec);

	/* 40 characters that are not a file: a public key given inline. */
	if (len == TB_Z85_KEY_LEN && stat(spec, &st) < 0) {
		if (!z85_valid(spec, len, NULL)) {
			set_err(ctx, errmsg, "the key given is neither a readable file nor 40 Z85 characters");
			return -EINVAL;
		}
		memcpy(tmp.public_key, spec, len + 1);
	} else {
		rc = keyfile_read(ctx, spec, &tmp, errmsg);
		if (rc < 0)
			return rc;
	}
	if (kp)
		*kp = tmp;
	wipe(&tmp, sizeof(tmp));
	return 0;
}

/* ---- clients file ------------------------------------------------------- */

static bool name_valid(const char *s, size_t len)
{
	if (len == 0 || len > TB_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c) && c != '-' && c != '_' && c != '.' && c != '@')
			return false;
	}
	return true;
}

/* A role word short and plain enough to repeat in an error message; a
 * key pasted into the role column is not repeated. */
static bool echoable(const char *s, size_t len)
{
	if (len == 0 || len > 16)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isalnum((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* The next blank-separated field of *p; NULL at the end of the line. */
static const char *next_field(const char **p, size_t *len)
{
	const char *s = *p, *e;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '\n' || *s == '\r')
		return NULL;
	e = s;
	while (*e && *e != ' ' && *e != '\t' && *e != '\n' && *e != '\r')
		e++;
	*len = (size_t)(e - s);
	*p = e;
	return s;
}

/* The list is allocated under ctx, an error message under errctx. */
static struct tb_client_list *clients_read(void *ctx, void *errctx, const char *path, char **errmsg)
{
	struct tb_client_list *l;
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0, alloc = 0;
	FILE *f;

	l = talloc_zero(ctx, struct tb_client_list);
	if (!l) {
		set_err(errctx, errmsg, "out of memory reading %s", path);
		return NULL;
	}
	f = fopen(path, "re");
	if (!f) {
		set_err(errctx, errmsg, "cannot read clients file %s: %s", path, strerror(errno));
		talloc_free(l);
		return NULL;
	}
	if (too_big(f, TB_CLIENTS_MAX_BYTES)) {
		set_err(errctx, errmsg, "%s is not a clients file (not a regular file, or larger than %u bytes); "
			"check the path", path, TB_CLIENTS_MAX_BYTES);
		goto fail;
	}

	while (getline(&line, &cap, f) >= 0) {
		const char *p = line, *role_s, *key_s, *name_s, *extra;
		size_t role_len, key_len, name_len, extra_len;
		struct tb_client_key *k;
		enum tb_role role;

		if (++lineno > TB_CLIENTS_MAX_LINES) {
			set_err(errctx, errmsg, "%s: more than %u lines; check the path", path, TB_CLIENTS_MAX_LINES);
			goto fail;
		}
		role_s = next_field(&p, &role_len);
		if (!role_s || role_s[0] == '#')
			continue;	/* blank or comment ('#' is Z85, so only whole lines) */

		key_s = next_field(&p, &key_len);
		name_s = key_s ? next_field(&p, &name_len) : NULL;
		if (!key_s || !name_s) {
			set_err(errctx, errmsg, "%s line %u: expected '<role> <public key> <name>'", path, lineno);
			goto fail;
		}
		extra = next_field(&p, &extra_len);
		if (extra && extra[0] != '#') {
			set_err(errctx, errmsg, "%s line %u: more than '<role> <public key> <name>' (a comment after "
				"the name starts with '#')", path, lineno);
			goto fail;
		}

		role = role_parse_n(role_s, role_len);
		if (role == TB_ROLE_NONE) {
			if (echoable(role_s, role_len))
				set_err(errctx, errmsg, "%s line %u: unknown role '%.*s' (observer, dispatcher or admin)",
					path, lineno, (int)role_len, role_s);
			else
				set_err(errctx, errmsg, "%s line %u: the first field must be the role (observer, "
					"dispatcher or admin)", path, lineno);
			goto fail;
		}
		if (l->n == alloc) {
			struct tb_client_key *nk;
			alloc = alloc ? alloc * 2 : 16;
			nk = talloc_realloc(l, l->keys, struct tb_client_key, alloc);
			if (!nk) {
				set_err(errctx, errmsg, "out of memory reading %s", path);
				goto fail;
			}
			l->keys = nk;
		}
		k = &l->keys[l->n];
		memset(k, 0, sizeof(*k));
		if (key_len != TB_Z85_KEY_LEN || !z85_valid(key_s, key_len, k->key)) {
			set_err(errctx, errmsg, "%s line %u: the public key is not 40 Z85 characters (copy it from "
				"the client's .pub file)", path, lineno);
			goto fail;
		}
		if (!name_valid(name_s, name_len)) {
			set_err(errctx, errmsg, "%s line %u: the name must be 1 to %u letters, digits, - _ . or @",
				path, lineno, TB_NAME_MAX);
			goto fail;
		}
		memcpy(k->name, name_s, name_len);
		k->name[name_len] = '\0';
		k->role = role;
		k->line = lineno;

		for (unsigned i = 0; i < l->n; i++) {
			if (!memcmp(l->keys[i].key, k->key, TB_KEY_BYTES)) {
				set_err(errctx, errmsg, "%s line %u: this key is already listed on line %u "
					"(one line per key)", path, lineno, l->keys[i].line);
				goto fail;
			}
			if (!strcmp(l->keys[i].name, k->name)) {
				set_err(errctx, errmsg, "%s line %u: the name '%s' is already used on line %u "
					"(names must be unique)", path, lineno, k->name, l->keys[i].line);
				goto fail;
			}
		}
		l->n++;
	}
	if (ferror(f)) {
		set_err(errctx, errmsg, "cannot read clients file %s: %s", path, strerror(EIO));
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

static const struct tb_client_key *clients_find(const struct tb_client_list *l, const uint8_t *key)
{
	for (unsigned i = 0; l && i < l->n; i++) {
		if (!memcmp(l->keys[i].key, key, TB_KEY_BYTES))
			return &l->keys[i];
	}
	return NULL;
}

/* ---- the ZAP handler (RFC 27) ------------------------------------------- */

/* A frame as a printable string for logs: at most 63 characters, anything
 * unprintable replaced (peer addresses and mechanism names only). */
static const char *frame_str(zmq_msg_t *m, char *buf, size_t size)
{
	size_t len = m ? zmq_msg_size(m) : 0, i;
	const unsigned char *d = m ? zmq_msg_data(m) : NULL;

	if (len > size - 1)
		len = size - 1;
	for (i = 0; i < len; i++)
		buf[i] = isprint(d[i]) ? (char)d[i] : '?';
	buf[i] = '\0';
	return buf;
}

static bool frame_is(zmq_msg_t *m, const char *s)
{
	size_t len = strlen(s);
	return zmq_msg_size(m) == len && !memcmp(zmq_msg_data(m), s, len);
}

static void zap_send(void *sock, const void *req_id, size_t req_id_len, const char *code, const char *text,
		     const char *user_id)
{
	/* version, request id, status code, status text, user id, metadata */
	if (zmq_send(sock, "1.0", 3, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
	    zmq_send(sock, req_id, req_id_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
	    zmq_send(sock, code, strlen(code), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
	    zmq_send(sock, text, strlen(text), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
	    zmq_send(sock, user_id, strlen(user_id), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
	    zmq_send(sock, "", 0, ZMQ_DONTWAIT) < 0)
		LOGP(DIPC, LOGL_DEBUG, "ZAP reply not sent: %s\n", zmq_strerror(zmq_errno()));
}

/* Receive one request and answer it. Returns 0, or -errno when nothing
 * could be received. */
static int zap_handle_one(struct tb_security *s)
{
	zmq_msg_t f[TB_ZAP_MAX_FRAMES], extra;
	unsigned n = 0, total = 0;
	char addr[64], mech[32], uid[TB_NAME_MAX + 32];
	const struct tb_client_key *k;
	int more, rc = 0;

	do {
		zmq_msg_t *m = n < TB_ZAP_MAX_FRAMES ? &f[n] : &extra;

		zmq_msg_init(m);
		if (zmq_msg_recv(m, s->zap, ZMQ_DONTWAIT) < 0) {
			rc = -zmq_errno();
			zmq_msg_close(m);
			break;
		}
		more = zmq_msg_more(m);
		if (n < TB_ZAP_MAX_FRAMES)
			n++;
		else
			zmq_msg_close(m);
		total++;
	} while (more);

	if (total == 0)
		return rc;

	/* REP must answer whatever it received, so even garbage gets a 400
	 * (echoing the request id when there is one). */
	if (n < 6 || total > TB_ZAP_MAX_FRAMES || !frame_is(&f[0], "1.0")) {
		LOGP(DIPC, LOGL_NOTICE, "refused a malformed ZAP request (%u frames)\n", total);
		s->refused++;
		zap_send(s->zap, n >= 2 ? zmq_msg_data(&f[1]) : "", n >= 2 ? zmq_msg_size(&f[1]) : 0, "400",
			 "malformed ZAP request", "");
		goto out;
	}

	/* 0 version, 1 request id, 2 domain, 3 address, 4 routing id,
	 * 5 mechanism, 6.. credentials */
	frame_str(&f[3], addr, sizeof(addr));
	frame_str(&f[5], mech, sizeof(mech));
	if (!frame_is(&f[2], TB_ZAP_DOMAIN)) {
		LOGP(DIPC, LOGL_NOTICE, "refused a %s client from %s: not in ZAP domain " TB_ZAP_DOMAIN "\n",
		     mech, addr);
		s->refused++;
		zap_send(s->zap, zmq_msg_data(&f[1]), zmq_msg_size(&f[1]), "400", "wrong domain", "");
		goto out;
	}
	if (!frame_is(&f[5], "CURVE")) {
		LOGP(DIPC, LOGL_NOTICE, "refused a %s client from %s (only CURVE with a listed key is accepted)\n",
		     mech, addr);
		s->refused++;
		zap_send(s->zap, zmq_msg_data(&f[1]), zmq_msg_size(&f[1]), "400", "CURVE only", "");
		goto out;
	}
	if (n != 7 || zmq_msg_size(&f[6]) != TB_KEY_BYTES) {
		LOGP(DIPC, LOGL_NOTICE, "refused a CURVE client from %s: malformed ZAP credentials\n", addr);
		s->refused++;
		zap_send(s->zap, zmq_msg_data(&f[1]), zmq_msg_size(&f[1]), "400", "CURVE only", "");
		goto out;
	}
	k = clients_find(s->clients, zmq_msg_data(&f[6]));
	if (!k) {
		LOGP(DIPC, LOGL_NOTICE, "refused a CURVE client with an unknown key from %s\n", addr);
		s->refused++;
		zap_send(s->zap, zmq_msg_data(&f[1]), zmq_msg_size(&f[1]), "400", "unknown key", "");
		goto out;
	}
	snprintf(uid, sizeof(uid), "%s:%s", tb_role_name(k->role), k->name);
	LOGP(DIPC, LOGL_INFO, "admitted CURVE client %s (%s) from %s\n", k->name, tb_role_name(k->role), addr);
	s->admitted++;
	zap_send(s->zap, zmq_msg_data(&f[1]), zmq_msg_size(&f[1]), "200", "OK", uid);

out:
	for (unsigned i = 0; i < n; i++)
		zmq_msg_close(&f[i]);
	return 0;
}

/* ZMQ_FD is edge-triggered: handle requests until ZMQ_EVENTS says there is
 * none left, at most TB_ZAP_BATCH, then continue from a zero-delay timer. */
static void zap_drain(struct tb_security *s)
{
	for (unsigned i = 0; i < TB_ZAP_BATCH; i++) {
		int events = 0;
		size_t len = sizeof(events);

		if (zmq_getsockopt(s->zap, ZMQ_EVENTS, &events, &len) < 0) {
			LOGP(DIPC, LOGL_ERROR, "ZAP handler: cannot read socket events: %s\n",
			     zmq_strerror(zmq_errno()));
			return;
		}
		if (!(events & ZMQ_POLLIN))
			return;
		if (zap_handle_one(s) < 0)
			return;
	}
	osmo_timer_schedule(&s->resume, 0, 0);
}

static int zap_fd_cb(struct osmo_fd *ofd, unsigned int what)
{
	zap_drain(ofd->data);
	return 0;
}

static void zap_resume_cb(void *data)
{
	zap_drain(data);
}

/* ---- server API --------------------------------------------------------- */

static int security_destructor(struct tb_security *s)
{
	osmo_timer_del(&s->resume);
	if (s->ofd.fd >= 0 && osmo_fd_is_registered(&s->ofd))
		osmo_fd_unregister(&s->ofd);	/* the fd belongs to libzmq: not closed */
	if (s->zap) {
		/* zmq_close frees the inproc name only later, in libzmq's reaper
		 * thread; unbinding frees it now, so that a handler can be
		 * started again on the same context at once. */
		zmq_unbind(s->zap, TB_ZAP_ENDPOINT);
		zmq_close(s->zap);
		s->zap = NULL;
	}
	wipe(s->secret, sizeof(s->secret));
	return 0;
}

struct tb_security *tb_security_start(void *ctx, void *zmq_ctx, const char *server_key_file,
				      const char *clients_file, char **errmsg)
{
	struct tb_curve_keypair kp;
	struct tb_security *s;
	struct stat st;
	int linger = 0, unlimited = 0, fd = -1;
	size_t fd_len = sizeof(fd);

	if (errmsg)
		*errmsg = NULL;
	if (!zmq_ctx || !server_key_file || !clients_file) {
		set_err(ctx, errmsg, "CURVE needs the server's key pair file and the clients file");
		return NULL;
	}
	s = talloc_zero(ctx, struct tb_security);
	if (!s) {
		set_err(ctx, errmsg, "out of memory");
		return NULL;
	}
	s->ofd.fd = -1;
	osmo_timer_setup(&s->resume, zap_resume_cb, s);
	talloc_set_destructor(s, security_destructor);

	memset(&kp, 0, sizeof(kp));
	if (tb_curve_key_load(ctx, server_key_file, &kp, errmsg) < 0)
		goto fail;
	if (!kp.secret_key[0]) {
		set_err(ctx, errmsg, "%s has no secret-key; the bridge needs its own .key file (made by "
			"tetractl keygen), not a .pub", server_key_file);
		goto fail;
	}
	if (stat(server_key_file, &st) == 0 && (st.st_mode & 077))
		LOGP(DMAIN, LOGL_NOTICE, "%s can be read by other users (mode %04o): chmod 600 %s\n",
		     server_key_file, (unsigned)(st.st_mode & 07777), server_key_file);
	memcpy(s->public_key, kp.public_key, sizeof(s->public_key));
	if (!zmq_z85_decode(s->secret, kp.secret_key)) {
		set_err(ctx, errmsg, "%s: the secret-key is not valid Z85", server_key_file);
		goto fail;
	}
	wipe(&kp, sizeof(kp));

	s->clients_file = talloc_strdup(s, clients_file);
	if (!s->clients_file) {
		set_err(ctx, errmsg, "out of memory");
		goto fail;
	}
	s->clients = clients_read(s, ctx, clients_file, errmsg);
	if (!s->clients)
		goto fail;

	s->zap = zmq_socket(zmq_ctx, ZMQ_REP);
	if (!s->zap) {
		set_err(ctx, errmsg, "cannot start the ZAP handler: %s", zmq_strerror(zmq_errno()));
		goto fail;
	}
	zmq_setsockopt(s->zap, ZMQ_LINGER, &linger, sizeof(linger));
	/* A reply cut short by a full queue would leave REP stuck mid-reply
	 * and every later client waiting in its handshake: never refuse a
	 * send (replies are small, one per connection attempt). */
	zmq_setsockopt(s->zap, ZMQ_SNDHWM, &unlimited, sizeof(unlimited));
	if (zmq_bind(s->zap, TB_ZAP_ENDPOINT) < 0) {
		int e = zmq_errno();
		set_err(ctx, errmsg, e == EADDRINUSE ?
			"cannot start the ZAP handler: another one already runs on this ZeroMQ context" :
			"cannot start the ZAP handler on " TB_ZAP_ENDPOINT ": %s", zmq_strerror(e));
		goto fail;
	}
	if (zmq_getsockopt(s->zap, ZMQ_FD, &fd, &fd_len) < 0) {
		set_err(ctx, errmsg, "cannot start the ZAP handler: %s", zmq_strerror(zmq_errno()));
		goto fail;
	}
	osmo_fd_setup(&s->ofd, fd, OSMO_FD_READ, zap_fd_cb, s, 0);
	if (osmo_fd_register(&s->ofd) < 0) {
		s->ofd.fd = -1;
		set_err(ctx, errmsg, "cannot start the ZAP handler: the event loop refused its socket");
		goto fail;
	}

	LOGP(DIPC, LOGL_NOTICE, "CURVE on, %u client keys from %s\n", s->clients->n, clients_file);
	/* Requests may already be queued (the edge came before we listened). */
	zap_drain(s);
	return s;

fail:
	wipe(&kp, sizeof(kp));
	/* errmsg was allocated under ctx (not under s), so it survives */
	talloc_free(s);
	return NULL;
}

int tb_security_apply(const struct tb_security *s, void *sock)
{
	int one = 1;

	if (!s || !sock)
		return -EINVAL;
	if (zmq_setsockopt(sock, ZMQ_CURVE_SERVER, &one, sizeof(one)) < 0 ||
	    zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, s->secret, sizeof(s->secret)) < 0 ||
	    zmq_setsockopt(sock, ZMQ_ZAP_DOMAIN, TB_ZAP_DOMAIN, strlen(TB_ZAP_DOMAIN)) < 0)
		return -zmq_errno();
	/* With it, libzmq refuses clients when no ZAP handler answers instead
	 * of letting them in; not in every libzmq build (draft option). */
	zmq_setsockopt(sock, ZMQ_ZAP_ENFORCE_DOMAIN, &one, sizeof(one));
	return 0;
}

int tb_security_reload(struct tb_security *s, char **errmsg)
{
	struct tb_client_list *l;

	if (errmsg)
		*errmsg = NULL;
	if (!s)
		return -EINVAL;
	/* the message goes under the owner of s, like tb_security_start's */
	l = clients_read(s, talloc_parent(s), s->clients_file, errmsg);
	if (!l)
		return -EINVAL;
	talloc_free(s->clients);
	s->clients = l;
	LOGP(DIPC, LOGL_NOTICE, "reloaded %s: %u client keys\n", s->clients_file, l->n);
	return 0;
}

unsigned tb_security_clients(const struct tb_security *s)
{
	return s && s->clients ? s->clients->n : 0;
}

unsigned long tb_security_admitted(const struct tb_security *s)
{
	return s ? s->admitted : 0;
}

unsigned long tb_security_refused(const struct tb_security *s)
{
	return s ? s->refused : 0;
}

const char *tb_security_public_key(const struct tb_security *s)
{
	return s ? s->public_key : NULL;
}

void tb_security_stop(struct tb_security **s)
{
	if (!s || !*s)
		return;
	talloc_free(*s);	/* the destructor closes the ZAP socket */
	*s = NULL;
}

/* ---- endpoints ---------------------------------------------------------- */

static bool port_valid(const char *p)
{
	if (!strcmp(p, "*"))
		return true;
	if (!*p || strlen(p) > 5)
		return false;
	for (const char *c = p; *c; c++) {
		if (!isdigit((unsigned char)*c))
			return false;
	}
	return atoi(p) <= 65535;
}

static bool host_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (!strcasecmp(host, "localhost"))
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1) {
		if (IN6_IS_ADDR_LOOPBACK(&a6))
			return true;
		/* ::ffff:127.x.x.x */
		return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
	}
	return false;	/* "*", 0.0.0.0, interface names, other hosts */
}

bool tb_endpoint_is_local(const char *endpoint)
{
	char buf[256], *host, *port;

	if (!endpoint)
		return false;
	if (!strncmp(endpoint, "ipc://", 6) || !strncmp(endpoint, "inproc://", 9))
		return true;
	if (strncmp(endpoint, "tcp://", 6))
		return false;	/* ws, tls, pgm, udp ...: treated as reachable from outside */
	if (strlen(endpoint + 6) >= sizeof(buf))
		return false;
	strcpy(buf, endpoint + 6);
	if (strchr(buf, ';'))
		return false;	/* "source;dest" forms: not a plain local bind */

	if (buf[0] == '[') {
		char *close = strchr(buf, ']');
		if (!close || close[1] != ':')
			return false;
		*close = '\0';
		host = buf + 1;
		port = close + 2;
	} else {
		port = strrchr(buf, ':');
		if (!port)
			return false;
		*port++ = '\0';
		host = buf;
		if (strchr(host, ':'))
			return false;	/* IPv6 without brackets: ambiguous */
	}
	return port_valid(port) && host_is_loopback(host);
}
