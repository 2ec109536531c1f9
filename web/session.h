/* Sessions of tetra-web: a random id in the cookie, a CSRF token for the
 * page's actions, an idle timeout and an absolute lifetime. The time is
 * osmo_clock_gettime(CLOCK_MONOTONIC) (fake time in the tests).
 *
 * Ids and tokens: 32 random bytes (randombytes_buf), base64url without
 * padding (43 characters). Lookups compare in constant time
 * (sodium_memcmp) after finding the entry by a hash of the id.
 * At most max sessions: a new one beyond it ends the one idle longest.
 *
 * Ownership: a talloc child of ctx.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "ipc/clients_file.h"	/* enum tb_role */

#define TW_SESSION_TOKEN_LEN 43

struct tw_session {
	char id[TW_SESSION_TOKEN_LEN + 1];
	char csrf[TW_SESSION_TOKEN_LEN + 1];
	char user[64];
	enum tb_role role;
	/* private to session.c below */
	uint64_t created_ms, used_ms;
	void *priv;
};

struct tw_sessions;

/* idle_s or lifetime_s 0: no such limit. NULL without memory or for max 0. */
struct tw_sessions *tw_sessions_alloc(void *ctx, unsigned max, unsigned idle_s, unsigned lifetime_s);
/* A new session for a signed-in user; NULL only without memory. */
struct tw_session *tw_session_new(struct tw_sessions *s, const char *user, enum tb_role role);
/* The live session with this id (from the cookie), or NULL (unknown,
 * idle past the timeout or past its lifetime: such a one is ended). touch:
 * count this as use (a request from the person; not a WebSocket push). */
struct tw_session *tw_session_find(struct tw_sessions *s, const char *id, bool touch);
/* Whether token is this session's CSRF token (constant time). */
bool tw_session_csrf_ok(const struct tw_session *ss, const char *token);
void tw_session_end(struct tw_sessions *s, struct tw_session *ss);
/* End every session idle or past its lifetime now; returns how many. */
unsigned tw_sessions_expire(struct tw_sessions *s);
unsigned tw_sessions_count(const struct tw_sessions *s);
/* The session id from a Cookie header value ("a=b; tw_session=ID"), into
 * out (TW_SESSION_TOKEN_LEN + 1); false when there is none. */
bool tw_session_cookie_id(const char *cookie, char *out);
