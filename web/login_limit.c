/* Failed sign-ins per user name and per address (see login_limit.h).
 *
 * Each table holds, per key, the times of its last max failures, oldest
 * first. Keys are kept as a keyed BLAKE2b digest, not as text: a name typed
 * at the sign-in form can be of any length, and the table then holds no
 * names or addresses at all.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "web/login_limit.h"

#include <string.h>
#include <time.h>

#include <osmocom/core/timer.h>
#include <sodium.h>
#include <talloc.h>

#define TW_LL_KEY_BYTES 16

struct ll_entry {
	uint8_t key[TW_LL_KEY_BYTES];
	unsigned n;		/* failures in fail_ms, at most max */
	uint64_t *fail_ms;	/* max of them, oldest first; a child of the limit */
};

struct ll_table {
	struct ll_entry *v;	/* talloc array */
	unsigned n, alloc;
};

struct tw_login_limit {
	unsigned max;
	uint64_t window_ms;
	uint8_t hash_key[crypto_generichash_KEYBYTES];
	struct ll_table users, addrs;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	osmo_clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct tw_login_limit *tw_login_limit_alloc(void *ctx, unsigned max, unsigned window_s)
{
	struct tw_login_limit *l;

	if (sodium_init() < 0)
		return NULL;
	l = talloc_zero(ctx, struct tw_login_limit);
	if (!l)
		return NULL;
	l->max = max;
	l->window_ms = (uint64_t)window_s * 1000;
	randombytes_buf(l->hash_key, sizeof(l->hash_key));
	return l;
}

static void key_of(const struct tw_login_limit *l, const char *s, uint8_t out[TW_LL_KEY_BYTES])
{
	if (!s)
		s = "";
	crypto_generichash(out, TW_LL_KEY_BYTES, (const uint8_t *)s, strlen(s), l->hash_key, sizeof(l->hash_key));
}

/* Drop e's failures that left the window. */
static void prune(const struct tw_login_limit *l, struct ll_entry *e, uint64_t now)
{
	unsigned keep = 0;

	while (keep < e->n && now - e->fail_ms[keep] >= l->window_ms)
		keep++;
	if (keep) {
		memmove(e->fail_ms, e->fail_ms + keep, (e->n - keep) * sizeof(e->fail_ms[0]));
		e->n -= keep;
	}
}

static struct ll_entry *find(struct ll_table *t, const uint8_t *key)
{
	for (unsigned i = 0; i < t->n; i++) {
		if (!memcmp(t->v[i].key, key, TW_LL_KEY_BYTES))
			return &t->v[i];
	}
	return NULL;
}

static void remove_at(struct ll_table *t, unsigned i)
{
	talloc_free(t->v[i].fail_ms);
	t->v[i] = t->v[--t->n];
}

/* Make room for one more entry: first forget those without a failure in
 * the window, then, if the table is still full, the one whose last
 * failure is oldest. */
static void make_room(const struct tw_login_limit *l, struct ll_table *t, uint64_t now)
{
	unsigned oldest = 0;

	for (unsigned i = 0; i < t->n;) {
		prune(l, &t->v[i], now);
		if (t->v[i].n == 0)
			remove_at(t, i);
		else
			i++;
	}
	if (t->n < TW_LOGIN_LIMIT_ENTRIES)
		return;
	for (unsigned i = 1; i < t->n; i++) {
		if (t->v[i].fail_ms[t->v[i].n - 1] < t->v[oldest].fail_ms[t->v[oldest].n - 1])
			oldest = i;
	}
	remove_at(t, oldest);
}

/* The entry for key, made when missing; NULL without memory. */
static struct ll_entry *get(struct tw_login_limit *l, struct ll_table *t, const uint8_t *key, uint64_t now)
{
	struct ll_entry *e = find(t, key);

	if (e)
		return e;
	if (t->n == TW_LOGIN_LIMIT_ENTRIES)
		make_room(l, t, now);
	if (t->n == t->alloc) {
		unsigned alloc = t->alloc ? t->alloc * 2 : 16;
		struct ll_entry *nv;

		if (alloc > TW_LOGIN_LIMIT_ENTRIES)
			alloc = TW_LOGIN_LIMIT_ENTRIES;
		nv = talloc_realloc(l, t->v, struct ll_entry, alloc);
		if (!nv)
			return NULL;
		t->v = nv;
		t->alloc = alloc;
	}
	e = &t->v[t->n];
	memset(e, 0, sizeof(*e));
	e->fail_ms = talloc_array(l, uint64_t, l->max);
	if (!e->fail_ms)
		return NULL;
	memcpy(e->key, key, TW_LL_KEY_BYTES);
	t->n++;
	return e;
}

/* Milliseconds until the entry for key has fewer than max failures in
 * the window; 0 when it has now. */
static uint64_t wait_ms(const struct tw_login_limit *l, struct ll_table *t, const uint8_t *key, uint64_t now)
{
	struct ll_entry *e = find(t, key);

	if (!e)
		return 0;
	prune(l, e, now);
	if (e->n < l->max)
		return 0;
	/* the oldest of the last max failures leaves the window then */
	return e->fail_ms[e->n - l->max] + l->window_ms - now;
}

static bool limited(const struct tw_login_limit *l)
{
	return l && l->max && l->window_ms;
}

unsigned tw_login_limit_wait(struct tw_login_limit *l, const char *user, const char *addr)
{
	uint8_t uk[TW_LL_KEY_BYTES], ak[TW_LL_KEY_BYTES];
	uint64_t now, wu, wa, w;

	if (!limited(l))
		return 0;
	now = now_ms();
	key_of(l, user, uk);
	key_of(l, addr, ak);
	wu = wait_ms(l, &l->users, uk, now);
	wa = wait_ms(l, &l->addrs, ak, now);
	w = wu > wa ? wu : wa;
	return (unsigned)((w + 999) / 1000);
}

static void add_failure(const struct tw_login_limit *l, struct ll_entry *e, uint64_t now)
{
	if (!e)
		return;
	prune(l, e, now);
	if (e->n == l->max) {
		memmove(e->fail_ms, e->fail_ms + 1, (e->n - 1) * sizeof(e->fail_ms[0]));
		e->n--;
	}
	e->fail_ms[e->n++] = now;
}

void tw_login_limit_failed(struct tw_login_limit *l, const char *user, const char *addr)
{
	uint8_t uk[TW_LL_KEY_BYTES], ak[TW_LL_KEY_BYTES];
	uint64_t now;

	if (!limited(l))
		return;
	now = now_ms();
	key_of(l, user, uk);
	key_of(l, addr, ak);
	add_failure(l, get(l, &l->users, uk, now), now);
	add_failure(l, get(l, &l->addrs, ak, now), now);
}

void tw_login_limit_succeeded(struct tw_login_limit *l, const char *user, const char *addr)
{
	uint8_t uk[TW_LL_KEY_BYTES];

	if (!limited(l))
		return;
	key_of(l, user, uk);
	for (unsigned i = 0; i < l->users.n; i++) {
		if (!memcmp(l->users.v[i].key, uk, TW_LL_KEY_BYTES)) {
			remove_at(&l->users, i);
			return;
		}
	}
}
