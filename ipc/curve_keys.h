/* CURVE key pair files, in CZMQ's zcert format (so zcert tools can read
 * them):
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
 * Ownership: a struct tb_curve_keypair is a plain value the caller owns
 * (wipe it with explicit_bzero when it held a secret key); error sentences
 * are talloc'ed under the ctx given, for the caller to free. No key ever
 * appears in an error sentence.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#define TB_Z85_KEY_LEN 40	/* a 32-byte CURVE key in Z85 */
#define TB_CURVE_KEY_BYTES 32	/* the same key in binary */

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
