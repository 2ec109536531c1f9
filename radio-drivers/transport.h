/* A byte pipe to one terminal: tty, simulated terminal, libusb.
 * Each kind fills in ops; the radio owning the transport gets bytes and
 * link loss through the callbacks. All of it runs in the osmo_select loop.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <osmocom/core/talloc.h>

struct tb_transport;

struct tb_transport_ops {
	const char *kind;	/* "tty", "sim", "usb" */
	/* Open the link; bytes start flowing to rx. Returns 0 or -errno. */
	int (*open)(struct tb_transport *t);
	/* Close; no callback runs afterwards until the next open. Idempotent;
	 * does not free the transport (tb_transport_destroy() does). */
	void (*close)(struct tb_transport *t);
	/* Queue bytes for the terminal. Returns 0 or -errno. */
	int (*write)(struct tb_transport *t, const uint8_t *buf, size_t len);
	/* Where it is, for `show radios` (device path, scenario ...). */
	const char *(*describe)(const struct tb_transport *t);
	/* Optional: the terminal open now is not the one wanted (it reported
	 * another identity). Its next open() tries another device and passes
	 * this one over until it is unplugged; the device is offered to other
	 * links once released. Returns 0, or -EOPNOTSUPP (NULL op) when the
	 * transport can only ever reach one terminal (a tty, the simulator). */
	int (*pass_over)(struct tb_transport *t);
	/* Optional: the terminal did not answer "AT" on what was opened. The
	 * next open() tries its next PEI candidate (another USB interface:
	 * which Motorola interface carries the PEI is not known in advance);
	 * the candidates go round. Returns 0 when that is another candidate,
	 * 1 when it is the first one again, -EOPNOTSUPP when there is no other
	 * (none, or the PEI was found: pei_found). */
	int (*probe_next)(struct tb_transport *t);
	/* Optional: the terminal answered "AT" on what is open: that is its
	 * PEI. probe_next() no longer moves away from it while the same
	 * terminal is the one opened. */
	void (*pei_found)(struct tb_transport *t);
};

struct tb_transport {
	const struct tb_transport_ops *ops;
	/* Set by the owner before open(). */
	void (*rx)(struct tb_transport *t, const uint8_t *buf, size_t len, void *data);
	/* The link broke (unplugged, EOF, I/O error); err is -errno. The
	 * transport is already closed when this runs. */
	void (*down)(struct tb_transport *t, int err, void *data);
	void *cb_data;
};

static inline int tb_transport_open(struct tb_transport *t) { return t->ops->open(t); }
static inline void tb_transport_close(struct tb_transport *t) { t->ops->close(t); }
static inline int tb_transport_write(struct tb_transport *t, const uint8_t *b, size_t n)
{
	return t->ops->write(t, b, n);
}

static inline int tb_transport_pass_over(struct tb_transport *t)
{
	return t->ops->pass_over ? t->ops->pass_over(t) : -EOPNOTSUPP;
}

static inline int tb_transport_probe_next(struct tb_transport *t)
{
	return t->ops->probe_next ? t->ops->probe_next(t) : -EOPNOTSUPP;
}

static inline void tb_transport_pei_found(struct tb_transport *t)
{
	if (t->ops->pei_found)
		t->ops->pei_found(t);
}

/* Close it (if open); frees the transport and sets *t to NULL. t and *t
 * may be NULL. Each kind's struct starts with its struct tb_transport, so
 * that is the talloc object. */
static inline void tb_transport_destroy(struct tb_transport **t)
{
	if (t)
		TALLOC_FREE(*t);	/* each kind's destructor closes it */
}

/* Constructors. Ownership: a talloc child of ctx; tb_transport_destroy()
 * frees it, and so does freeing ctx (either closes it first). Return NULL
 * on bad arguments or no memory. */
struct tb_transport *tb_transport_tty_alloc(void *ctx, const char *path, unsigned baud);
