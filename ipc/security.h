/* CURVE security for the bridge's sockets: key files, the ZAP handler that
 * admits only listed client keys (each with a role), and the rule that a
 * socket outside this machine is never plain.
 *
 * Key pair files are CZMQ's zcert format (so zcert tools can read them):
 *
 *   #   ZeroMQ CURVE **Secret** Certificate (tetractl keygen)
 *   metadata
 *   curve
 *       public-key = "<40 Z85 characters>"
 *       secret-key = "<40 Z85 characters>"
 *
 * The public file (NAME.pub) has only the public-key line. A reader takes the
 * first public-key / secret-key lines wherever they are and ignores the rest.
 *
 * The clients file lists who may connect, one client per line:
 *
 *   # role       public key (Z85)                            name
 *   dispatcher   rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7    amk-1
 *   observer     Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID    lvs-console
 *
 * roles: observer (events, list radios, replay), dispatcher (also sends),
 * admin (everything). Names: letters, digits, - _ . @ (at most 63). Blank
 * lines and '#' comments are skipped. A wrong line is an error naming the
 * file and line number (never the key itself).
 *
 * The ZAP handler (a REP socket on inproc://zeromq.zap.01, run in the
 * osmo_select loop) answers libzmq's requests for domain "tetra-bridge":
 * a listed CURVE key gets 200 with User-Id "<role>:<name>"; anything else
 * 400 (the connection is refused: no events, no replies). Refusals are
 * logged at NOTICE with the mechanism and peer address only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define TB_ZAP_DOMAIN "tetra-bridge"
#define TB_Z85_KEY_LEN 40	/* a 32-byte CURVE key in Z85 */

enum tb_role {
	TB_ROLE_NONE = 0,	/* not admitted */
	TB_ROLE_OBSERVER,
	TB_ROLE_DISPATCHER,
	TB_ROLE_ADMIN,
};

const char *tb_role_name(enum tb_role r);		/* "observer", ... "none" */
enum tb_role tb_role_parse(const char *s);		/* TB_ROLE_NONE if unknown */

/* The role and name in a ZAP User-Id "<role>:<name>" (as libzmq hands it
 * over in the message property "User-Id"). name may be NULL; on return it
 * points into uid after the colon ("" when uid has none). TB_ROLE_NONE when
 * uid is NULL or not of that form. */
enum tb_role tb_role_from_user_id(const char *uid, const char **name);

/* ---- key files ---------------------------------------------------------- */

struct tb_curve_keypair {
	char public_key[TB_Z85_KEY_LEN + 1];	/* Z85, NUL-terminated */
	char secret_key[TB_Z85_KEY_LEN + 1];	/* "" when only the public key is known */
};

/* Make a new key pair and write BASE.key (both keys, mode 0600) and
 * BASE.pub (public key only, 0644; both modes exact, whatever the umask).
 * Refuses to overwrite an existing file (-EEXIST; no half pair is left).
 * kp may be NULL. Returns 0 or -errno with a sentence in *errmsg (talloc'ed
 * under ctx). */
int tb_curve_keygen(void *ctx, const char *base, struct tb_curve_keypair *kp, char **errmsg);

/* Read a key: spec is a file (a .key file gives both keys, a .pub file the
 * public key only) or 40 Z85 characters that are not the name of a file (a
 * public key given inline). A file with both keys must hold a matching
 * pair. kp may be NULL (only check).
 * Returns 0 or -errno / -EINVAL with a sentence in *errmsg. */
int tb_curve_key_load(void *ctx, const char *spec, struct tb_curve_keypair *kp, char **errmsg);

/* ---- the server side ---------------------------------------------------- */

struct tb_security;

/* Load the server's key pair (must contain the secret key) and the clients
 * file, and start the ZAP handler on zmq_ctx. Returns NULL with a sentence
 * in *errmsg (talloc'ed under ctx) on failure. */
struct tb_security *tb_security_start(void *ctx, void *zmq_ctx, const char *server_key_file,
				      const char *clients_file, char **errmsg);

/* Make sock a CURVE server with the bridge's key, checked by the ZAP handler.
 * Call before zmq_bind(). Returns 0 or -errno. */
int tb_security_apply(const struct tb_security *s, void *sock);

/* Read the clients file again (e.g. on SIGHUP): new connections are checked
 * against the new list, connected clients keep their role. On error the old
 * list stays and *errmsg (talloc'ed under s's parent) says why.
 * Returns 0 or -EINVAL. */
int tb_security_reload(struct tb_security *s, char **errmsg);

/* Number of client keys listed, and connections admitted / refused. */
unsigned tb_security_clients(const struct tb_security *s);
unsigned long tb_security_admitted(const struct tb_security *s);
unsigned long tb_security_refused(const struct tb_security *s);
const char *tb_security_public_key(const struct tb_security *s);

/* Stop the ZAP handler (close its socket) and free; sets *s to NULL.
 * Close the sockets secured with s first: a CURVE socket left open without
 * a handler refuses new clients only where libzmq has
 * ZMQ_ZAP_ENFORCE_DOMAIN (set by tb_security_apply when available; older
 * builds would admit any key). Only one handler per ZeroMQ context. */
void tb_security_stop(struct tb_security **s);

/* True when endpoint can only be reached from this machine: ipc://,
 * inproc://, tcp:// on 127.0.0.0/8, ::1 or "localhost". A bridge without
 * CURVE refuses to bind anything else unless its config says `insecure`. */
bool tb_endpoint_is_local(const char *endpoint);
