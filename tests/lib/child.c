/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include "tests/lib/child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/lib/loop.h"

extern char **environ;

pid_t tb_child_spawn(char *const argv[], char *const envp[], const int fds[3], int deathsig)
{
	pid_t parent = getpid(), pid = fork();

	if (pid < 0)
		return -errno;
	if (pid > 0)
		return pid;
	/* The child: only async-signal-safe calls from here on. */
	if (prctl(PR_SET_PDEATHSIG, deathsig) < 0 || getppid() != parent)
		_exit(127);
	for (int i = 0; i < 3; i++) {
		if (fds[i] < 0)
			continue;
		/* dup2() onto itself would keep a close-on-exec flag. */
		if (fds[i] == i ? fcntl(i, F_SETFD, 0) < 0 : dup2(fds[i], i) < 0)
			_exit(127);
	}
	execve(argv[0], argv, envp ? envp : environ);
	_exit(127);
}

int tb_child_wait(pid_t pid, int timeout_ms, int fd, void (*drain)(void *data), void *data, int *status,
		  struct rusage *ru)
{
	int64_t end = tb_now_us() + (int64_t)timeout_ms * 1000;
	/* Readable when the child has exited: a wait with a bound, no sleep. */
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int rc = 0;

	*status = 0;
	while (wait4(pid, status, WNOHANG, ru) == 0) {
		int64_t left = end - tb_now_us();
		struct pollfd fds[2] = { { .fd = pidfd, .events = POLLIN }, { .fd = fd, .events = POLLIN } };

		if (left <= 0 || pidfd < 0) {
			kill(pid, SIGKILL);
			wait4(pid, status, 0, ru);
			rc = -ETIMEDOUT;
			break;
		}
		poll(fds, fd >= 0 ? 2 : 1, (int)(left / 1000) + 1);
		if (fd >= 0 && drain)
			drain(data);
	}
	if (pidfd >= 0)
		close(pidfd);
	return rc;
}

int tb_child_exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
