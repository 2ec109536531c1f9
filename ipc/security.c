/* CURVE security for the bridge's sockets: the server's key pair, the
 * clients file and the ZAP handler put together, and the loopback test for
 * endpoints. See security.h.
 *
 * The secret key held here is wiped before its memory is freed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ipc/security.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <talloc.h>
#include <zmq.h>

#include "common/logging.h"
#include "ipc/security_int.h"

/* ZMQ_ZAP_ENFORCE_DOMAIN is a draft option in libzmq 4.3: Debian's build
 * may not have it; setting it there fails with EINVAL, which is harmless
 * because our handler refuses other domains anyway. */
#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93
#endif

struct tb_security {
	struct tb_zap *zap;		/* a talloc child */
	char *clients_file;
	char public_key[TB_Z85_KEY_LEN + 1];
	uint8_t secret[TB_CURVE_KEY_BYTES];	/* binary, wiped on free */
};

/* ---- server API --------------------------------------------------------- */

static int security_destructor(struct tb_security *s)
{
	/* the ZAP handler, a child, is stopped after this by talloc */
	explicit_bzero(s->secret, sizeof(s->secret));
	return 0;
}

/* The server's key pair from path into s: it must hold the secret key. */
static int load_server_key(struct tb_security *s, void *errctx, const char *path, char **errmsg)
{
	struct tb_curve_keypair kp;
	struct stat st;
	int rc = -EINVAL;

	memset(&kp, 0, sizeof(kp));
	if (tb_curve_key_load(errctx, path, &kp, errmsg) < 0)
		goto out;
	if (!kp.secret_key[0]) {
		tb_sec_set_err(errctx, errmsg, "%s has no secret-key; the bridge needs its own .key file (made by "
			"tetractl keygen), not a .pub", path);
		goto out;
	}
	if (stat(path, &st) == 0 && (st.st_mode & 077))
		LOGP(DMAIN, LOGL_NOTICE, "%s can be read by other users (mode %04o): chmod 600 %s\n",
		     path, (unsigned)(st.st_mode & 07777), path);
	memcpy(s->public_key, kp.public_key, sizeof(s->public_key));
	if (!zmq_z85_decode(s->secret, kp.secret_key)) {
		tb_sec_set_err(errctx, errmsg, "%s: the secret-key is not valid Z85", path);
		goto out;
	}
	rc = 0;
out:
	explicit_bzero(&kp, sizeof(kp));
	return rc;
}

struct tb_security *tb_security_start(void *ctx, void *zmq_ctx, const char *server_key_file,
				      const char *clients_file, char **errmsg)
{
	struct tb_client_list *clients;
	struct tb_security *s;

	if (errmsg)
		*errmsg = NULL;
	if (!zmq_ctx || !server_key_file || !clients_file) {
		tb_sec_set_err(ctx, errmsg, "CURVE needs the server's key pair file and the clients file");
		return NULL;
	}
	s = talloc_zero(ctx, struct tb_security);
	if (!s) {
		tb_sec_set_err(ctx, errmsg, "out of memory");
		return NULL;
	}
	talloc_set_destructor(s, security_destructor);

	/* errmsg goes under ctx (not under s), so that it survives s */
	if (load_server_key(s, ctx, server_key_file, errmsg) < 0)
		goto fail;
	s->clients_file = talloc_strdup(s, clients_file);
	if (!s->clients_file) {
		tb_sec_set_err(ctx, errmsg, "out of memory");
		goto fail;
	}
	clients = tb_clients_read(s, ctx, clients_file, errmsg);
	if (!clients)
		goto fail;
	s->zap = tb_zap_start(s, ctx, zmq_ctx, clients, errmsg);
	if (!s->zap)
		goto fail;

	LOGP(DIPC, LOGL_NOTICE, "CURVE on, %u client keys from %s\n", tb_clients_count(clients), clients_file);
	return s;

fail:
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
	l = tb_clients_read(s, talloc_parent(s), s->clients_file, errmsg);
	if (!l)
		return -EINVAL;
	tb_zap_set_clients(s->zap, l);
	LOGP(DIPC, LOGL_NOTICE, "reloaded %s: %u client keys\n", s->clients_file, tb_clients_count(l));
	return 0;
}

unsigned tb_security_clients(const struct tb_security *s)
{
	return s ? tb_clients_count(tb_zap_clients(s->zap)) : 0;
}

unsigned long tb_security_admitted(const struct tb_security *s)
{
	return s ? tb_zap_admitted(s->zap) : 0;
}

unsigned long tb_security_refused(const struct tb_security *s)
{
	return s ? tb_zap_refused(s->zap) : 0;
}

const char *tb_security_public_key(const struct tb_security *s)
{
	return s ? s->public_key : NULL;
}

void tb_security_destroy(struct tb_security **s)
{
	if (s)
		TALLOC_FREE(*s);	/* with the ZAP handler, which closes its socket */
}

