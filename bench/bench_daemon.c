/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include "bench_daemon.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>

#include "common/logging.h"
#include "tests/lib/child.h"
#include "tests/lib/loop.h"
#include "tests/lib/tmpdir.h"

#define VTY_MS 10000		/* greeting or reply */

void bench_daemon_config(FILE *f, const char *log_level, int vty_port, const char *events, const char *commands,
			 const char *state_dir)
{
	fprintf(f,
		"log stderr\n logging color 0\n logging level all %s\n"
		"line vty\n bind 127.0.0.1 %d\n"
		"bridge\n id bench\n events bind %s\n commands bind %s\n state-dir %s\n",
		log_level, vty_port, events, commands, state_dir);
}

static int exit_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct bench_daemon *d = ofd->data;

	d->exited = true;
	osmo_fd_unregister(ofd);
	return 0;
}

int bench_daemon_start(struct bench_daemon *d, const char *path, const char *cfg_path, const char *log_path)
{
	char *argv[] = { (char *)path, "-c", (char *)cfg_path, NULL };
	int log_fd, null_fd, fds[3], rc = 0;

	memset(d, 0, sizeof(*d));
	d->pidfd = -1;
	snprintf(d->log_path, sizeof(d->log_path), "%s", log_path);
	log_fd = open(d->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (log_fd < 0 || null_fd < 0) {
		rc = -errno;
	} else {
		fds[0] = null_fd;
		fds[1] = log_fd;
		fds[2] = log_fd;
		d->pid = tb_child_spawn(argv, NULL, fds, SIGTERM);
	}
	if (log_fd >= 0)
		close(log_fd);
	if (null_fd >= 0)
		close(null_fd);
	if (rc < 0 || d->pid < 0) {
		if (!rc)
			rc = d->pid;
		d->pid = 0;
		return rc;
	}
	d->pidfd = (int)syscall(SYS_pidfd_open, d->pid, 0);
	if (d->pidfd >= 0) {
		osmo_fd_setup(&d->exit_ofd, d->pidfd, OSMO_FD_READ, exit_cb, d, 0);
		osmo_fd_register(&d->exit_ofd);
	}
	return 0;
}

int bench_daemon_stop(struct bench_daemon *d)
{
	int status, rc;

	if (d->pid <= 0)
		return -1;
	if (d->pidfd >= 0 && osmo_fd_is_registered(&d->exit_ofd))
		osmo_fd_unregister(&d->exit_ofd);
	kill(d->pid, SIGTERM);
	rc = tb_child_wait(d->pid, BENCH_DAEMON_STOP_MS, -1, NULL, NULL, &status, NULL);
	if (d->pidfd >= 0)
		close(d->pidfd);
	d->pidfd = -1;
	d->pid = 0;
	return rc < 0 ? -1 : tb_child_exit_code(status);
}

void bench_daemon_print_log(const struct bench_daemon *d, unsigned last_lines)
{
	FILE *f = fopen(d->log_path, "r");
	char line[512];
	long total = 0, n = 0;

	if (last_lines) {
		while (f && fgets(line, sizeof(line), f))
			total++;
		if (f)
			rewind(f);
		fprintf(stderr, "--- %s (last %u lines) ---\n", d->log_path, last_lines);
	} else {
		fprintf(stderr, "--- %s ---\n", d->log_path);
	}
	while (f && fgets(line, sizeof(line), f))
		if (!last_lines || ++n > total - (long)last_lines)
			fputs(line, stderr);
	if (f)
		fclose(f);
	fprintf(stderr, "---\n");
}

int bench_free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = -1;

	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* Read from fd until the VTY prompt ("tetra-bridged> " or "...# ") or
 * VTY_MS; appends to out (NUL-terminated). Returns 0 when the prompt came. */
static int until_prompt(int fd, char *out, size_t size, size_t *len)
{
	int64_t deadline = tb_now_us() + VTY_MS * 1000LL;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (*len >= 15 && (!memcmp(out + *len - 15, "tetra-bridged> ", 15) ||
				   !memcmp(out + *len - 15, "tetra-bridged# ", 15)))
			return 0;
		if (tb_now_us() > deadline || poll(&pfd, 1, 100) < 0)
			return -1;
		if (!(pfd.revents & (POLLIN | POLLHUP)))
			continue;
		n = read(fd, out + *len, size - 1 - *len);
		if (n <= 0)
			return -1;
		*len += (size_t)n;
		out[*len] = '\0';
		if (*len >= size - 1)
			return -1;
	}
}

int bench_vty(int port, const char *cmd, char *out, size_t size)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	char line[256];
	size_t len = 0;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), rc = -1, n;

	out[0] = '\0';
	n = snprintf(line, sizeof(line), "%s\r\n", cmd);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    until_prompt(fd, out, size, &len) == 0 && n > 0 && (size_t)n < sizeof(line) && write(fd, line, (size_t)n) == n) {
		len = 0;
		out[0] = '\0';
		rc = until_prompt(fd, out, size, &len);
	} else {
		out[0] = '\0';	/* not even the greeting */
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

void *bench_setup(const char *name, const char *tmp_name, char *dir, size_t size)
{
	void *root = talloc_named_const(NULL, 0, name);
	int rc;

	if (!root)
		return NULL;
	rc = tb_logging_init(root);
	if (rc < 0) {
		talloc_free(root);
		errno = -rc;
		return NULL;
	}
	log_set_log_level(osmo_stderr_target, LOGL_ERROR);
	if (!tb_tmpdir_make(dir, size, tmp_name)) {
		rc = errno;
		log_fini();
		talloc_free(root);
		errno = rc;
		return NULL;
	}
	return root;
}

void bench_teardown(void *root, const char *dir)
{
	tb_tmpdir_remove(dir);
	log_fini();
	talloc_free(root);
}
