/* Programs the tests and benchmarks run as children (the daemon, the
 * simulator): started so that they never outlive the test, stopped with a
 * bound.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

/* Start argv[0] with argv and envp (NULL: this process's environment).
 * fork + execve rather than posix_spawn: the child asks for deathsig when
 * this process dies (PR_SET_PDEATHSIG) and checks that its parent is still
 * the one that forked it (it may have died before the prctl), so a test
 * that crashes leaves no daemon behind, reopening a device or a pty the
 * next test is given. fds[i] >= 0 becomes the child's fd i (stdin, stdout,
 * stderr); -1 leaves it as it is. Returns the pid, or -errno. */
pid_t tb_child_spawn(char *const argv[], char *const envp[], const int fds[3], int deathsig);

/* Wait up to timeout_ms for pid to exit; then SIGKILL it and wait for that.
 * Meanwhile drain(data) runs whenever fd (>= 0) may be readable: a pipe from
 * the child that must not fill up while it shuts down. *status gets its
 * wait status, *ru (if not NULL) its resource usage. Returns 0, or
 * -ETIMEDOUT if it had to be killed. */
int tb_child_wait(pid_t pid, int timeout_ms, int fd, void (*drain)(void *data), void *data, int *status,
		  struct rusage *ru);

/* A wait status as an exit code: the child's, or 128 + the signal that
 * ended it. */
int tb_child_exit_code(int status);
