/* Failed sign-ins, counted per user name and per address in a sliding
 * window: after max failures for a name, or for an address, within
 * window_s seconds, further attempts are refused (without checking the
 * password) until the oldest failure leaves the window. A success clears
 * the name's count (not the address's). The table is bounded: at most
 * TW_LOGIN_LIMIT_ENTRIES names and as many addresses; beyond that the
 * oldest entries are forgotten.
 *
 * Ownership: a talloc child of ctx.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>

#define TW_LOGIN_LIMIT_ENTRIES 4096

struct tw_login_limit;

/* max or window_s 0: no limit. */
struct tw_login_limit *tw_login_limit_alloc(void *ctx, unsigned max, unsigned window_s);
/* 0 when an attempt for user from addr may be checked now, else the
 * seconds until it may. */
unsigned tw_login_limit_wait(struct tw_login_limit *l, const char *user, const char *addr);
void tw_login_limit_failed(struct tw_login_limit *l, const char *user, const char *addr);
void tw_login_limit_succeeded(struct tw_login_limit *l, const char *user, const char *addr);
