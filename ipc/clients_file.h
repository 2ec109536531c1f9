/* The clients file: who may connect to a CURVE bridge, one client per line:
 *
 *   # role       public key (Z85)                            name         [gateway]
 *   dispatcher   rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7    amk-1
 *   observer     Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID    lvs-console
 *   dispatcher   Ab7&x...                                    tetra-web    gateway
 *
 * roles: observer (events, list radios, replay), dispatcher (also sends),
 * admin (everything). Names: letters, digits, - _ . @ (at most 63). The
 * optional fourth word `gateway` marks the key of a console that acts for
 * its own users (tetra-web): only such a key may send Command.on_behalf_of,
 * and the person's role is capped by the key's (ipc/command_server.h). Any
 * other fourth word is an error. Blank lines and '#' comments are skipped.
 * A wrong line is an error naming the file and line number (never the key
 * itself). A key or a name may be listed once only.
 *
 * Ownership: a struct tb_client_list is a talloc child of the ctx given to
 * tb_clients_read(), its keys are its children; tb_clients_destroy() frees
 * it, and so does freeing ctx.
 * Reloading is reading again and replacing the old list (ipc/security.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc/curve_keys.h"

#define TB_CLIENT_NAME_MAX 63

enum tb_role {
	TB_ROLE_NONE = 0,	/* not admitted */
	TB_ROLE_OBSERVER,
	TB_ROLE_DISPATCHER,
	TB_ROLE_ADMIN,
};

const char *tb_role_name(enum tb_role r);		/* "observer", ... "none" */
enum tb_role tb_role_parse(const char *s);		/* TB_ROLE_NONE if unknown */
/* The same for the len characters at s (not NUL-terminated). */
enum tb_role tb_role_parse_n(const char *s, size_t len);

/* One line of the file. */
struct tb_client_key {
	uint8_t key[TB_CURVE_KEY_BYTES];	/* the public key, binary */
	enum tb_role role;
	char name[TB_CLIENT_NAME_MAX + 1];
	bool gateway;				/* the fourth word `gateway` */
	unsigned line;				/* where it is listed */
};

struct tb_client_list;

/* Read the clients file at path. The list is allocated under ctx, an error
 * sentence under errctx (so that it outlives a ctx freed on failure).
 * Returns NULL with *errmsg set on any wrong line or when the file cannot
 * be read. */
struct tb_client_list *tb_clients_read(void *ctx, void *errctx, const char *path, char **errmsg);

/* Frees the list and sets *l to NULL. l and *l may be NULL. */
void tb_clients_destroy(struct tb_client_list **l);

/* The entry with this binary public key, or NULL; owned by l. l may be NULL. */
const struct tb_client_key *tb_clients_find(const struct tb_client_list *l, const uint8_t *key);

/* Number of keys listed; 0 for NULL. */
unsigned tb_clients_count(const struct tb_client_list *l);
