/* Pseudonyms of responders in the response-time report: "R-" and six hex
 * digits of HMAC-SHA256(key, the responder's SSI) (libsodium), so one
 * responder has the same pseudonym in every report of this bridge, and
 * nobody without the key can tell whose it is (not even by trying every
 * SSI: that needs the key).
 *
 * The key is 32 random bytes in <state dir>/tetra-bridge.pseudonym-key
 * (mode 0600), made on first use. Whoever holds the key and the SSIs can
 * name every pseudonym: it is as secret as the journal. A lost key gives
 * every responder a new pseudonym from then on.
 *
 * The SSI alone, not the TSI: a terminal alerted once as SSI and once as
 * TSI is one responder. Six hex digits are 24 bits: two of a district's
 * few hundred responders share one with a chance well under 1 %.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define TB_PSEUDONYM_KEY_FILE "tetra-bridge.pseudonym-key"
#define TB_PSEUDONYM_KEY_LEN 32
/* "R-3f9a1c" and its NUL */
#define TB_PSEUDONYM_BUF 9

/* Read the key from state_dir, or make it when there is none (written
 * whole or not at all: a new file linked into place). Refuses a key file
 * of the wrong size, or that others may read. Returns 0, or -errno with a
 * sentence in *errmsg (talloc'ed under ctx). */
int tb_pseudonym_key(const char *state_dir, uint8_t key[TB_PSEUDONYM_KEY_LEN], void *ctx, char **errmsg);

/* The pseudonym of ssi into buf (TB_PSEUDONYM_BUF bytes); returns buf. */
const char *tb_pseudonym(const uint8_t key[TB_PSEUDONYM_KEY_LEN], uint32_t ssi, char *buf);
