/* What the benchmarks share: CPU time and memory of a process, the pace of
 * a load, sorting and percentiles of latencies, what a run prints about
 * the machine and how it was started, and numbers on the command line.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* How the benchmark was built, for what it prints (bench/CMakeLists.txt
 * sets it). */
#ifndef TB_BENCH_FLAGS
#define TB_BENCH_FLAGS ""
#endif

/* User + system CPU time of this process (all threads), in microseconds. */
int64_t bench_self_cpu_us(void);
/* User + system CPU time process pid has used so far, in microseconds,
 * from /proc/PID/stat (clock ticks: 10 ms); -1 if unknown. */
int64_t bench_proc_cpu_us(pid_t pid);
/* VmRSS and VmHWM of process pid from /proc/PID/status, in kB; -1 each if
 * unknown. */
void bench_proc_mem_kb(pid_t pid, long *rss_kb, long *hwm_kb);

/* When radio i of n sends its k-th event: at start + (k + i/n) * interval,
 * each at its own pace, the radios spread evenly over the interval (as
 * independent radios would be) rather than all at the same instant. */
int64_t bench_due_us(int64_t start_us, int64_t interval_us, unsigned i, unsigned n, unsigned k);
/* Arm timerfd fd (CLOCK_MONOTONIC) to expire once at at_us, CLOCK_MONOTONIC
 * in microseconds (at once if that has passed). A timerfd rather than an
 * osmo_timer to pace a load: osmo_select_main() waits in whole milliseconds
 * and spins through the last one before a timer. Returns 0 or -errno. */
int bench_timerfd_at(int fd, int64_t at_us);

/* Sort ascending. */
void bench_sort_i64(int64_t *v, size_t n);
/* The p-quantile (0.5: median, 0.99) of n > 0 sorted values: the one at
 * index n * p, the last one at most. */
int64_t bench_percentile(const int64_t *sorted, size_t n, double p);

/* The CPU's model name from /proc/cpuinfo, without the newline; false if
 * there is none. */
bool bench_cpu_model(char *buf, size_t size);
/* "cpu: <model>" (if known) and "cpus online: <n>", a line each. */
void bench_print_cpu(void);
/* label, then the command line, a blank before each word, then a newline. */
void bench_print_command(const char *label, int argc, char **argv);
/* "load average <when>: " and /proc/loadavg (nothing if it cannot be
 * read). */
void bench_print_loadavg(const char *when);

/* A whole number lo..hi, nothing after it, into *out; false if s is not
 * one. */
bool bench_parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out);

/* A list of counts such as "1,8": at most max of them (the rest is
 * ignored), each lo..hi, into out; *n is how many. False if one is not a
 * number in range. */
bool bench_parse_counts(const char *s, unsigned lo, unsigned hi, unsigned *out, unsigned max, unsigned *n);
