/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include "bench_pty.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "radio-drivers/sim_terminal.h"
#include "tests/lib/loop.h"
#include "bench_daemon.h"

/* Every command line the terminal receives, with show_commands. */
static void term_cmd(const char *cmd, const char *user_data, void *data)
{
	struct bench_pty *rd = data;

	fprintf(stderr, "r%u <- %s\n", rd->idx, cmd);
}

static void term_out(const uint8_t *buf, size_t len, void *data)
{
	struct bench_pty *rd = data;

	while (len) {
		ssize_t n = write(rd->master.fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rd->dropped += len;
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

static int master_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct bench_pty *rd = ofd->data;
	uint8_t buf[512];
	ssize_t n;

	if (!(what & OSMO_FD_READ))
		return 0;
	n = read(ofd->fd, buf, sizeof(buf));
	if (n > 0)
		tb_sim_input(rd->sim, buf, (size_t)n);
	else if (!(n < 0 && (errno == EAGAIN || errno == EINTR)))
		osmo_fd_unregister(ofd);	/* cannot happen while we hold the slave */
	return 0;
}

static int radio_open(struct bench_pty *rd, void *ctx)
{
	struct termios tio;
	char tsi[24];
	int fd, rc;

	fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || grantpt(fd) < 0 || unlockpt(fd) < 0 || !ptsname(fd)) {
		rc = -errno;
		if (fd >= 0)
			close(fd);
		return rc;
	}
	snprintf(rd->pts, sizeof(rd->pts), "%s", ptsname(fd));
	rd->slave_fd = open(rd->pts, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (rd->slave_fd < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	if (tcgetattr(rd->slave_fd, &tio) == 0) {
		cfmakeraw(&tio);
		tcsetattr(rd->slave_fd, TCSANOW, &tio);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	osmo_fd_setup(&rd->master, fd, OSMO_FD_READ, master_cb, rd, 0);
	rc = osmo_fd_register(&rd->master);
	if (rc < 0)
		return rc;
	snprintf(tsi, sizeof(tsi), BENCH_PTY_TSI_FMT, BENCH_PTY_TSI_BASE + rd->idx);
	rd->sim = tb_sim_alloc(ctx, tsi, term_out, rd);
	if (!rd->sim)
		return -ENOMEM;
	if (rd->show_commands)
		tb_sim_set_cmd_cb(rd->sim, term_cmd, rd);
	return 0;
}

int bench_pty_open(struct bench_pty *radios, unsigned n, void *ctx, bool show_commands)
{
	for (unsigned i = 0; i < n; i++) {
		memset(&radios[i], 0, sizeof(radios[i]));
		radios[i].idx = i;
		radios[i].slave_fd = -1;
		radios[i].master.fd = -1;
		radios[i].show_commands = show_commands;
	}
	for (unsigned i = 0; i < n; i++) {
		int rc = radio_open(&radios[i], ctx);

		if (rc < 0)
			return rc;
	}
	return 0;
}

void bench_pty_close(struct bench_pty *radios, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct bench_pty *rd = &radios[i];

		tb_sim_destroy(&rd->sim);
		if (rd->master.fd >= 0) {
			if (osmo_fd_is_registered(&rd->master))
				osmo_fd_unregister(&rd->master);
			close(rd->master.fd);
			rd->master.fd = -1;
		}
		if (rd->slave_fd >= 0)
			close(rd->slave_fd);
		rd->slave_fd = -1;
	}
}

bool bench_pty_print(struct bench_pty *rd, const char *header, const char *body, int64_t *at_us)
{
	uint64_t dropped = rd->dropped;

	tb_sim_inject(rd->sim, header);
	if (at_us)
		*at_us = tb_now_us();
	tb_sim_inject(rd->sim, body);
	return rd->dropped == dropped;
}

bool bench_pty_status(struct bench_pty *rd, uint16_t value, int64_t *at_us)
{
	char header[96], body[8];

	snprintf(header, sizeof(header), "+CTSDSR: 13," BENCH_PTY_TSI_FMT ",1,09011638300000001,1,16",
		 BENCH_PTY_TSI_BASE + rd->idx);
	snprintf(body, sizeof(body), "%04X", value);
	return bench_pty_print(rd, header, body, at_us);
}

int bench_pty_write_config(const char *path, const struct bench_pty *radios, unsigned n, const char *log_level,
			   int vty_port, const char *events, const char *commands, const char *state_dir)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	bench_daemon_config(f, log_level, vty_port, events, commands, state_dir);
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "radio r%u\n transport tty %s\n profile generic\n", i, radios[i].pts);
	return fclose(f) == 0 ? 0 : -errno;
}
