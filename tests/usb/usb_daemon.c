/* The daemon as a child under umockdev, and a subscriber; see usb_daemon.h.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include "usb_daemon.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zmq.h>

#include "tests/lib/child.h"
#include "tests/lib/loop.h"
#include "tests/lib/text.h"
#include "tests/lib/zmq_watch.h"

extern char **environ;

/* ---- the daemon's stderr -------------------------------------------------- */

static void log_append(struct ud_daemon *dm, const char *buf, size_t n)
{
	if (dm->log_len + n + 1 > dm->log_size) {
		size_t size = dm->log_size ? dm->log_size : 65536;
		while (size < dm->log_len + n + 1)
			size *= 2;
		dm->log = realloc(dm->log, size);
		if (!dm->log)
			abort();
		dm->log_size = size;
	}
	memcpy(dm->log + dm->log_len, buf, n);
	dm->log_len += n;
	dm->log[dm->log_len] = '\0';
	if (dm->echo && write(2, buf, n) < 0)
		dm->echo = false;
}

/* Read what is there; returns false at EOF. */
static bool drain_err(struct ud_daemon *dm)
{
	char buf[16384];
	ssize_t n;

	if (dm->err.fd < 0)
		return false;
	while ((n = read(dm->err.fd, buf, sizeof(buf))) > 0)
		log_append(dm, buf, n);
	return !(n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR));
}

static int err_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct ud_daemon *dm = ofd->data;

	if (!drain_err(dm)) {
		osmo_fd_unregister(ofd);
		close(ofd->fd);
		ofd->fd = -1;
	}
	return 0;
}

unsigned ud_log_count(const struct ud_daemon *dm, const char *needle)
{
	return tb_text_count(dm->log, needle);
}

struct log_want { struct ud_daemon *dm; const char *needle; unsigned count; };

static bool log_has(void *arg)
{
	struct log_want *w = arg;
	return ud_log_count(w->dm, w->needle) >= w->count;
}

bool ud_wait_log(struct ud_daemon *dm, const char *needle, unsigned count, int timeout_ms)
{
	struct log_want w = { dm, needle, count };
	return tb_loop_run_until(log_has, &w, timeout_ms);
}

/* ---- start and stop ------------------------------------------------------- */

static void drain_cb(void *data)
{
	drain_err(data);
}

int ud_start(struct ud_daemon *dm, const char *daemon_path, const char *preload, const char *cfg_path)
{
	char *argv[] = { (char *)daemon_path, "-c", (char *)cfg_path, NULL };
	char **envp, *pre = NULL;
	size_t n = 0, k = 0;
	int p[2], null_fd, fds[3];
	pid_t pid;

	memset(dm, 0, sizeof(*dm));
	dm->err.fd = -1;
	dm->echo = getenv("TB_TEST_DEBUG") != NULL;
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null_fd < 0)
		return -errno;
	if (pipe2(p, O_CLOEXEC) < 0) {
		close(null_fd);
		return -errno;
	}
	fcntl(p[0], F_SETPIPE_SZ, 1 << 20);	/* a burst of log lines never blocks it */

	while (environ[n])
		n++;
	envp = calloc(n + 2, sizeof(*envp));
	if (!envp)
		abort();
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0)
			envp[k++] = environ[i];
	if (preload && asprintf(&pre, "LD_PRELOAD=%s", preload) > 0)
		envp[k++] = pre;
	envp[k] = NULL;

	/* SIGKILL when this test dies: no daemon left behind that keeps
	 * claiming the next test's emulated terminals. */
	fds[0] = null_fd;
	fds[1] = -1;
	fds[2] = p[1];
	pid = tb_child_spawn(argv, envp, fds, SIGKILL);
	free(pre);
	free(envp);
	close(null_fd);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return pid;
	}
	dm->pid = pid;
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	osmo_fd_setup(&dm->err, p[0], OSMO_FD_READ, err_cb, dm, 0);
	if (osmo_fd_register(&dm->err) < 0)
		abort();
	return 0;
}

int ud_stop(struct ud_daemon *dm, int timeout_ms)
{
	int status = 0, rc;

	if (dm->pid <= 0)
		return -1;
	kill(dm->pid, SIGTERM);
	rc = tb_child_wait(dm->pid, timeout_ms, dm->err.fd, drain_cb, dm, &status, &dm->ru);
	dm->pid = 0;
	if (dm->err.fd >= 0) {
		/* The rest of its log (the write end is closed now). */
		fcntl(dm->err.fd, F_SETFL, 0);
		while (drain_err(dm))
			;
		osmo_fd_unregister(&dm->err);
		close(dm->err.fd);
		dm->err.fd = -1;
	}
	dm->status = tb_child_exit_code(status);
	return rc < 0 ? -1 : dm->status;
}

/* ---- the VTY ---------------------------------------------------------------- */

int ud_vty_port(const struct ud_daemon *dm)
{
	char path[64], link[64], line[512];
	unsigned long inodes[64];
	unsigned n = 0;
	struct dirent *de;
	DIR *d;
	FILE *f;
	int port = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)dm->pid);
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d)) && n < 64) {
		char fdpath[320];
		ssize_t len;
		unsigned long ino;

		snprintf(fdpath, sizeof(fdpath), "%s/%s", path, de->d_name);
		len = readlink(fdpath, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		if (sscanf(link, "socket:[%lu]", &ino) == 1)
			inodes[n++] = ino;
	}
	closedir(d);

	snprintf(path, sizeof(path), "/proc/%d/net/tcp", (int)dm->pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (!port && fgets(line, sizeof(line), f)) {
		unsigned lport, st;
		unsigned long ino;

		/* sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode */
		if (sscanf(line, " %*d: %*x:%x %*x:%*x %x %*x:%*x %*x:%*x %*x %*u %*u %lu", &lport, &st, &ino) != 3)
			continue;
		for (unsigned i = 0; i < n; i++)
			if (st == 0x0A && ino == inodes[i])	/* TCP_LISTEN */
				port = (int)lport;
	}
	fclose(f);
	return port;
}

/* Read until the VTY prompt ends the output; telnet commands dropped. */
static bool vty_read(struct ud_daemon *dm, int sock, char **out, size_t *len, int64_t end)
{
	size_t size = 4096;
	bool iac = false;
	unsigned skip = 0;

	*out = malloc(size);
	*len = 0;
	if (!*out)
		abort();
	for (;;) {
		unsigned char buf[4096];
		struct pollfd fds[2] = { { .fd = sock, .events = POLLIN }, { .fd = dm->err.fd, .events = POLLIN } };
		int64_t left = end - tb_now_us();
		ssize_t n;

		(*out)[*len] = '\0';
		if (*len >= 15 && (strcmp(*out + *len - 15, "tetra-bridged> ") == 0 ||
				   strcmp(*out + *len - 15, "tetra-bridged# ") == 0))
			return true;
		if (left <= 0)
			return false;
		poll(fds, 2, (int)(left / 1000) + 1);
		drain_err(dm);
		if (!(fds[0].revents & (POLLIN | POLLHUP)))
			continue;
		n = read(sock, buf, sizeof(buf));
		if (n <= 0)
			return false;
		for (ssize_t i = 0; i < n; i++) {
			if (skip) {
				skip--;
				continue;
			}
			if (iac) {
				iac = false;
				skip = buf[i] >= 251 ? 1 : 0;	/* WILL/WONT/DO/DONT <option> */
				continue;
			}
			if (buf[i] == 255) {
				iac = true;
				continue;
			}
			if (buf[i] == '\r')
				continue;
			if (*len + 2 > size) {
				size *= 2;
				*out = realloc(*out, size);
				if (!*out)
					abort();
			}
			(*out)[(*len)++] = (char)buf[i];
		}
	}
}

char *ud_vty(struct ud_daemon *dm, const char *cmd, int timeout_ms)
{
	int64_t end = tb_now_us() + (int64_t)timeout_ms * 1000;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char *out = NULL, line[512];
	size_t len;
	int port = ud_vty_port(dm), sock;

	if (!port)
		return NULL;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	if (!vty_read(dm, sock, &out, &len, end))
		goto fail;
	free(out);
	out = NULL;
	snprintf(line, sizeof(line), "enable\r\n");
	if (write(sock, line, strlen(line)) < 0 || !vty_read(dm, sock, &out, &len, end))
		goto fail;
	free(out);
	out = NULL;
	snprintf(line, sizeof(line), "%s\r\n", cmd);
	if (write(sock, line, strlen(line)) < 0 || !vty_read(dm, sock, &out, &len, end))
		goto fail;
	close(sock);
	return out;
fail:
	free(out);
	if (sock >= 0)
		close(sock);
	return NULL;
}

/* ---- the subscriber --------------------------------------------------------- */

struct ud_sub {
	void *zctx, *sock;
	struct osmo_fd ofd;		/* ZMQ_FD: wakes the loop */
};

static int sub_fd_cb(struct osmo_fd *ofd, unsigned int what)
{
	return 0;	/* only wakes the loop; ud_sub_recv() reads */
}

struct ud_sub *ud_sub_open(const char *endpoint)
{
	struct ud_sub *s = calloc(1, sizeof(*s));
	int zero = 0, fd;
	size_t fdlen = sizeof(fd);

	if (!s)
		abort();
	s->zctx = zmq_ctx_new();
	s->sock = zmq_socket(s->zctx, ZMQ_SUB);
	if (!s->sock)
		abort();
	zmq_setsockopt(s->sock, ZMQ_LINGER, &zero, sizeof(zero));
	zmq_setsockopt(s->sock, ZMQ_SUBSCRIBE, "", 0);
	if (zmq_connect(s->sock, endpoint) < 0) {
		fprintf(stderr, "connect %s: %s\n", endpoint, zmq_strerror(errno));
		abort();
	}
	if (zmq_getsockopt(s->sock, ZMQ_FD, &fd, &fdlen) < 0)
		abort();
	osmo_fd_setup(&s->ofd, fd, OSMO_FD_READ, sub_fd_cb, s, 0);
	if (osmo_fd_register(&s->ofd) < 0)
		abort();
	return s;
}

void ud_sub_destroy(struct ud_sub **sp)
{
	struct ud_sub *s = sp ? *sp : NULL;

	if (!s)
		return;
	*sp = NULL;
	osmo_fd_unregister(&s->ofd);
	zmq_close(s->sock);
	zmq_ctx_term(s->zctx);
	free(s);
}

/* One event if one is there, without blocking. ZMQ_FD is edge-triggered:
 * this is tried before every sleep, so no wake-up is missed. */
static Tetrabridge__V1__Event *sub_try(struct ud_sub *s, char *topic, size_t tsize)
{
	return tb_zmq_recv_event(s->sock, topic, tsize, 0);
}

struct sub_want {
	struct ud_sub *s;
	char *topic;
	size_t tsize;
	Tetrabridge__V1__Event *ev;
};

static bool sub_has(void *arg)
{
	struct sub_want *w = arg;

	w->ev = sub_try(w->s, w->topic, w->tsize);
	return w->ev != NULL;
}

Tetrabridge__V1__Event *ud_sub_recv(struct ud_sub *s, char *topic, size_t tsize, int timeout_ms)
{
	struct sub_want w = { s, topic, tsize, NULL };

	tb_loop_run_until(sub_has, &w, timeout_ms);
	return w.ev;
}
