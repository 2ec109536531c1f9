/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "tests/lib/child.h"
#include "tests/lib/loop.h"
#include "tests/lib/tmpdir.h"
#include "tests/lib/zmq_watch.h"

static long long now_ms(void)
{
	return tb_now_us() / 1000;
}

char *h_tmpdir(void)
{
	char *dir = malloc(32);

	if (!dir || !tb_tmpdir_make(dir, 32, "tbtest")) {
		perror("mkdtemp");
		abort();
	}
	return dir;
}

void h_rmtree(const char *dir)
{
	tb_tmpdir_remove(dir);
}

/* The child gets SIGKILL when the test dies (tests/lib/child.h): a test
 * that crashes does not leave a daemon behind that keeps reopening its pty
 * (and steals the next test's terminal output). */
int h_spawn(struct child *c, char *const argv[], bool pipe_in, bool pipe_out)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 };
	int fds[3];

	memset(c, 0, sizeof(*c));
	c->in_fd = c->out_fd = -1;
	if ((pipe_in && pipe2(in, O_CLOEXEC) < 0) || (pipe_out && pipe2(out, O_CLOEXEC) < 0))
		return -errno;
	fds[0] = in[0];
	fds[1] = out[1];
	fds[2] = -1;
	c->pid = tb_child_spawn(argv, NULL, fds, SIGKILL);
	if (c->pid < 0)
		return c->pid;
	if (pipe_in) {
		close(in[0]);
		c->in_fd = in[1];
	}
	if (pipe_out) {
		close(out[1]);
		c->out_fd = out[0];
	}
	return 0;
}

int h_read_line(struct child *c, char *line, size_t size, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;

	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);
		if (nl) {
			size_t n = nl - c->buf;
			snprintf(line, size, "%.*s", (int)n, c->buf);
			memmove(c->buf, nl + 1, c->len - n - 1);
			c->len -= n + 1;
			return 0;
		}
		long long left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		struct pollfd pfd = { .fd = c->out_fd, .events = POLLIN };
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		ssize_t n = read(c->out_fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
		if (n <= 0)
			return -EPIPE;
		c->len += n;
	}
}

int h_write_line(struct child *c, const char *line)
{
	char buf[1024];
	int n = snprintf(buf, sizeof(buf), "%s\n", line);
	return write(c->in_fd, buf, n) == n ? 0 : -EPIPE;
}

int h_stop(struct child *c, int sig, int timeout_ms)
{
	int status;

	if (c->pid <= 0)
		return -1;
	if (sig)
		kill(c->pid, sig);
	if (c->in_fd >= 0) {
		close(c->in_fd);
		c->in_fd = -1;
	}
	/* A child that hangs is killed and fails the test. */
	if (tb_child_wait(c->pid, timeout_ms, -1, NULL, NULL, &status, NULL) < 0) {
		c->pid = 0;
		return -1;
	}
	c->pid = 0;
	if (c->out_fd >= 0) {
		close(c->out_fd);
		c->out_fd = -1;
	}
	return tb_child_exit_code(status);
}

int h_sim_start(struct child *c, const char *sim_bin, const char *link_dir, const char *const *terminals)
{
	char *argv[32];
	int n = 0, rc;
	char line[256];

	argv[n++] = (char *)sim_bin;
	argv[n++] = "--link-dir";
	argv[n++] = (char *)link_dir;
	for (; *terminals && n < 30; terminals++)
		argv[n++] = (char *)*terminals;
	argv[n] = NULL;
	rc = h_spawn(c, argv, true, true);
	if (rc < 0)
		return rc;
	for (;;) {
		rc = h_read_line(c, line, sizeof(line), 10000);
		if (rc < 0)
			return rc;
		if (strcmp(line, "ready") == 0)
			return 0;
	}
}

int h_sim_inject(struct child *c, const char *terminal, const char *line)
{
	char buf[1024];
	int rc;

	snprintf(buf, sizeof(buf), "%s %s", terminal, line);
	rc = h_write_line(c, buf);
	if (rc < 0)
		return rc;
	rc = h_read_line(c, buf, sizeof(buf), 10000);
	if (rc < 0)
		return rc;
	return strcmp(buf, "ok") == 0 ? 0 : -EINVAL;
}

void *h_sub_open(void *zctx, const char *endpoint)
{
	void *sub = zmq_socket(zctx, ZMQ_SUB);
	int zero = 0;

	if (!sub)
		abort();
	zmq_setsockopt(sub, ZMQ_LINGER, &zero, sizeof(zero));
	zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0);
	if (zmq_connect(sub, endpoint) < 0) {
		fprintf(stderr, "connect %s: %s\n", endpoint, zmq_strerror(errno));
		abort();
	}
	return sub;
}

Tetrabridge__V1__Event *h_sub_recv(void *sub, char *topic, size_t tsize, int timeout_ms)
{
	return tb_zmq_recv_event(sub, topic, tsize, timeout_ms);
}

void h_write_file(const char *path, const char *content)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(content, f) < 0 || fclose(f) != 0) {
		perror(path);
		abort();
	}
}
