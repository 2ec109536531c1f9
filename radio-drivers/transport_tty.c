/* tty transport: a serial PEI cable, a kernel-driven USB serial port
 * (/dev/ttyUSB*, /dev/ttyACM*) or a pty (tetra-sim). Non-blocking reads and
 * an osmo_wqueue for writes, all in the osmo_select loop.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "radio-drivers/transport.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/serial.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/write_queue.h>

#include "common/logging.h"

#define TTY_WQUEUE_MAX 256	/* writes queued before write() reports -ENOBUFS */

struct tty_transport {
	struct tb_transport t;	/* first: the public part */
	char *path;
	unsigned baud;
	struct osmo_wqueue wq;
	char desc[160];
};

static void tty_fail(struct tty_transport *tt, int err);

static int tty_read_cb(struct osmo_fd *ofd)
{
	struct tty_transport *tt = ofd->data;
	uint8_t buf[512];
	ssize_t n = read(ofd->fd, buf, sizeof(buf));

	if (n > 0) {
		tt->t.rx(&tt->t, buf, n, tt->t.cb_data);
		return 0;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	/* 0: the other side hung up; EIO: the USB serial device went away. */
	tty_fail(tt, n == 0 ? -EPIPE : -errno);
	return -EBADF;
}

static int tty_write_cb(struct osmo_fd *ofd, struct msgb *msg)
{
	ssize_t n = write(ofd->fd, msgb_data(msg), msgb_length(msg));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return -EAGAIN;	/* osmo_wqueue keeps it and retries */
	/* A hard error shows up on the read side as well; reading reports it. */
	return 0;
}

static void tty_close(struct tb_transport *t)
{
	struct tty_transport *tt = (struct tty_transport *)t;

	if (tt->wq.bfd.fd < 0)
		return;
	osmo_wqueue_clear(&tt->wq);
	osmo_fd_unregister(&tt->wq.bfd);
	close(tt->wq.bfd.fd);
	tt->wq.bfd.fd = -1;
}

/* The link broke: close first, then tell the owner (who may reopen at once). */
static void tty_fail(struct tty_transport *tt, int err)
{
	tty_close(&tt->t);
	if (tt->t.down)
		tt->t.down(&tt->t, err, tt->t.cb_data);
}

static int tty_open(struct tb_transport *t)
{
	struct tty_transport *tt = (struct tty_transport *)t;
	struct termios tio;
	speed_t speed;
	int fd, rc;

	tty_close(t);
	fd = open(tt->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (tcgetattr(fd, &tio) == 0) {
		cfmakeraw(&tio);
		tio.c_cflag |= CLOCAL | CREAD;
		tio.c_cc[VMIN] = 1;
		tio.c_cc[VTIME] = 0;
		if (osmo_serial_speed_t(tt->baud, &speed) == 0) {
			cfsetispeed(&tio, speed);
			cfsetospeed(&tio, speed);
		}
		if (tcsetattr(fd, TCSANOW, &tio) < 0) {
			rc = -errno;
			close(fd);
			return rc;
		}
		tcflush(fd, TCIOFLUSH);
	} else if (errno != ENOTTY) {
		rc = -errno;
		close(fd);
		return rc;
	}
	/* Raise DTR/RTS where there are modem lines; a pty has none. */
	int lines = TIOCM_DTR | TIOCM_RTS;
	(void)ioctl(fd, TIOCMBIS, &lines);

	osmo_wqueue_init(&tt->wq, TTY_WQUEUE_MAX);
	tt->wq.read_cb = tty_read_cb;
	tt->wq.write_cb = tty_write_cb;
	osmo_fd_setup(&tt->wq.bfd, fd, OSMO_FD_READ, osmo_wqueue_bfd_cb, tt, 0);
	rc = osmo_fd_register(&tt->wq.bfd);
	if (rc < 0) {
		close(fd);
		tt->wq.bfd.fd = -1;
		return rc;
	}
	return 0;
}

static int tty_write(struct tb_transport *t, const uint8_t *buf, size_t len)
{
	struct tty_transport *tt = (struct tty_transport *)t;
	struct msgb *msg;

	if (tt->wq.bfd.fd < 0)
		return -ENOTCONN;
	msg = msgb_alloc(len, "tty-tx");
	if (!msg)
		return -ENOMEM;
	memcpy(msgb_put(msg, len), buf, len);
	if (osmo_wqueue_enqueue_quiet(&tt->wq, msg) < 0) {
		msgb_free(msg);
		return -ENOBUFS;
	}
	return 0;
}

static const char *tty_describe(const struct tb_transport *t)
{
	const struct tty_transport *tt = (const struct tty_transport *)t;
	return tt->desc;
}

static const struct tb_transport_ops tty_ops = {
	.kind = "tty",
	.open = tty_open,
	.close = tty_close,
	.write = tty_write,
	.describe = tty_describe,
};

static int tty_destructor(struct tty_transport *tt)
{
	tty_close(&tt->t);
	return 0;
}

struct tb_transport *tb_transport_tty_alloc(void *ctx, const char *path, unsigned baud)
{
	struct tty_transport *tt;

	if (!path || !*path)
		return NULL;
	tt = talloc_zero(ctx, struct tty_transport);
	if (!tt)
		return NULL;
	tt->t.ops = &tty_ops;
	tt->path = talloc_strdup(tt, path);
	tt->baud = baud ? baud : 115200;
	tt->wq.bfd.fd = -1;
	snprintf(tt->desc, sizeof(tt->desc), "%s", path);
	talloc_set_destructor(tt, tty_destructor);
	return &tt->t;
}
