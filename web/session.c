/* Sessions of tetra-web (see session.h).
 *
 * A plain array of at most max entries: a lookup hashes the id with a
 * random key (crypto_shorthash, SipHash) and compares only entries with the
 * same hash, then the whole id in constant time. The array is scanned, but
 * max is small (hundreds) and every request does far more work than that.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "web/session.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/timer.h>
#include <sodium.h>
#include <talloc.h>

#define TW_SESSION_RANDOM_BYTES 32
#define TW_SESSION_COOKIE "tw_session"

struct entry {
	struct tw_session pub;
	uint64_t id_hash;
};

struct tw_sessions {
	struct entry **v;	/* talloc array of max; each entry a child of s */
	unsigned n, max;
	uint64_t idle_ms, lifetime_ms;
	uint8_t hash_key[crypto_shorthash_KEYBYTES];
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	osmo_clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t id_hash(const struct tw_sessions *s, const char *id)
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t v = 0;

	crypto_shorthash(h, (const uint8_t *)id, TW_SESSION_TOKEN_LEN, s->hash_key);
	for (unsigned i = 0; i < sizeof(h); i++)
		v = v << 8 | h[i];
	return v;
}

/* 32 random bytes, base64url without padding: 43 characters and a NUL. */
static void random_token(char out[TW_SESSION_TOKEN_LEN + 1])
{
	uint8_t b[TW_SESSION_RANDOM_BYTES];

	randombytes_buf(b, sizeof(b));
	sodium_bin2base64(out, TW_SESSION_TOKEN_LEN + 1, b, sizeof(b), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(b, sizeof(b));
}

static bool token_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Whether s (len bytes) has the form of an id or a token. */
static bool token_form(const char *s, size_t len)
{
	if (len != TW_SESSION_TOKEN_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!token_char(s[i]))
			return false;
	}
	return true;
}

static int entry_wipe(struct entry *e)
{
	sodium_memzero(&e->pub, sizeof(e->pub));
	return 0;
}

struct tw_sessions *tw_sessions_alloc(void *ctx, unsigned max, unsigned idle_s, unsigned lifetime_s)
{
	struct tw_sessions *s;

	if (sodium_init() < 0 || max == 0)
		return NULL;
	s = talloc_zero(ctx, struct tw_sessions);
	if (!s)
		return NULL;
	s->v = talloc_zero_array(s, struct entry *, max);
	if (!s->v) {
		talloc_free(s);
		return NULL;
	}
	s->max = max;
	s->idle_ms = (uint64_t)idle_s * 1000;
	s->lifetime_ms = (uint64_t)lifetime_s * 1000;
	crypto_shorthash_keygen(s->hash_key);
	return s;
}

static bool expired(const struct tw_sessions *s, const struct entry *e, uint64_t now)
{
	if (s->idle_ms && now - e->pub.used_ms >= s->idle_ms)
		return true;
	return s->lifetime_ms && now - e->pub.created_ms >= s->lifetime_ms;
}

/* Remove entry i (the last one takes its place) and free it. */
static void remove_at(struct tw_sessions *s, unsigned i)
{
	struct entry *e = s->v[i];

	s->v[i] = s->v[--s->n];
	s->v[s->n] = NULL;
	talloc_free(e);
}

struct tw_session *tw_session_new(struct tw_sessions *s, const char *user, enum tb_role role)
{
	uint64_t now = now_ms();
	struct entry *e;

	if (s->n == s->max)
		tw_sessions_expire(s);
	if (s->n == s->max) {
		unsigned idlest = 0;

		for (unsigned i = 1; i < s->n; i++) {
			if (s->v[i]->pub.used_ms < s->v[idlest]->pub.used_ms)
				idlest = i;
		}
		remove_at(s, idlest);
	}
	e = talloc_zero(s, struct entry);
	if (!e)
		return NULL;
	talloc_set_destructor(e, entry_wipe);
	random_token(e->pub.id);
	random_token(e->pub.csrf);
	snprintf(e->pub.user, sizeof(e->pub.user), "%s", user ? user : "");
	e->pub.role = role;
	e->pub.created_ms = e->pub.used_ms = now;
	e->id_hash = id_hash(s, e->pub.id);
	s->v[s->n++] = e;
	return &e->pub;
}

/* The index of the entry with this id, or -1. */
static int index_of(const struct tw_sessions *s, const char *id)
{
	uint64_t h = id_hash(s, id);

	for (unsigned i = 0; i < s->n; i++) {
		if (s->v[i]->id_hash == h && !sodium_memcmp(s->v[i]->pub.id, id, TW_SESSION_TOKEN_LEN))
			return (int)i;
	}
	return -1;
}

struct tw_session *tw_session_find(struct tw_sessions *s, const char *id, bool touch)
{
	uint64_t now;
	int i;

	if (!s || !id || !token_form(id, strnlen(id, TW_SESSION_TOKEN_LEN + 1)))
		return NULL;
	i = index_of(s, id);
	if (i < 0)
		return NULL;
	now = now_ms();
	if (expired(s, s->v[i], now)) {
		remove_at(s, (unsigned)i);
		return NULL;
	}
	if (touch)
		s->v[i]->pub.used_ms = now;
	return &s->v[i]->pub;
}

bool tw_session_csrf_ok(const struct tw_session *ss, const char *token)
{
	if (!ss || !token || strnlen(token, TW_SESSION_TOKEN_LEN + 1) != TW_SESSION_TOKEN_LEN)
		return false;
	return sodium_memcmp(ss->csrf, token, TW_SESSION_TOKEN_LEN) == 0;
}

void tw_session_end(struct tw_sessions *s, struct tw_session *ss)
{
	for (unsigned i = 0; s && ss && i < s->n; i++) {
		if (&s->v[i]->pub == ss) {
			remove_at(s, i);
			return;
		}
	}
}

unsigned tw_sessions_expire(struct tw_sessions *s)
{
	uint64_t now = now_ms();
	unsigned ended = 0;

	for (unsigned i = 0; i < s->n;) {
		if (expired(s, s->v[i], now)) {
			remove_at(s, i);
			ended++;
		} else {
			i++;
		}
	}
	return ended;
}

unsigned tw_sessions_count(const struct tw_sessions *s)
{
	return s ? s->n : 0;
}

bool tw_session_cookie_id(const char *cookie, char *out)
{
	const char *p = cookie;

	if (!cookie)
		return false;
	/* "name=value" pairs separated by ';' (RFC 6265 §4.2.1), blanks
	 * around each; a value may be in double quotes. The first well-formed
	 * tw_session wins; anything else is skipped. */
	while (*p) {
		const char *name, *val, *end;
		size_t name_len, val_len;

		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		if (!*p)
			break;
		name = p;
		end = strchr(p, ';');
		if (!end)
			end = p + strlen(p);
		p = *end ? end + 1 : end;

		val = memchr(name, '=', (size_t)(end - name));
		if (!val)
			continue;
		name_len = (size_t)(val - name);
		while (name_len && (name[name_len - 1] == ' ' || name[name_len - 1] == '\t'))
			name_len--;
		if (name_len != strlen(TW_SESSION_COOKIE) || memcmp(name, TW_SESSION_COOKIE, name_len))
			continue;
		val++;
		while (val < end && (*val == ' ' || *val == '\t'))
			val++;
		val_len = (size_t)(end - val);
		while (val_len && (val[val_len - 1] == ' ' || val[val_len - 1] == '\t'))
			val_len--;
		if (val_len >= 2 && val[0] == '"' && val[val_len - 1] == '"') {
			val++;
			val_len -= 2;
		}
		if (!token_form(val, val_len))
			continue;
		memcpy(out, val, val_len);
		out[val_len] = '\0';
		return true;
	}
	return false;
}
