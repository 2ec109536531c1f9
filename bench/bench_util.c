/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE
#include "bench_util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/timerfd.h>
#include <unistd.h>

int64_t bench_self_cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

int64_t bench_proc_cpu_us(pid_t pid)
{
	char path[64], buf[2048], *p;
	unsigned long long ut, st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* After "(comm)", which may hold blanks: state is field 3, utime 14,
	 * stime 15. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (int64_t)((ut + st) * 1000000ULL / (unsigned long long)sysconf(_SC_CLK_TCK));
}

void bench_proc_mem_kb(pid_t pid, long *rss_kb, long *hwm_kb)
{
	char path[64], line[256];
	FILE *f;

	*rss_kb = *hwm_kb = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		sscanf(line, "VmRSS: %ld kB", rss_kb);
		sscanf(line, "VmHWM: %ld kB", hwm_kb);
	}
	if (f)
		fclose(f);
}

int64_t bench_due_us(int64_t start_us, int64_t interval_us, unsigned i, unsigned n, unsigned k)
{
	return start_us + (int64_t)k * interval_us + (int64_t)i * interval_us / n;
}

int bench_timerfd_at(int fd, int64_t at_us)
{
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };

	if (at_us < 1)
		at_us = 1;	/* 0 would disarm */
	its.it_value.tv_sec = at_us / 1000000;
	its.it_value.tv_nsec = (long)(at_us % 1000000) * 1000;
	return timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) < 0 ? -errno : 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

void bench_sort_i64(int64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_i64);
}

int64_t bench_percentile(const int64_t *sorted, size_t n, double p)
{
	size_t i = (size_t)((double)n * p);

	return sorted[i < n ? i : n - 1];
}

bool bench_cpu_model(char *buf, size_t size)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && c) {
			snprintf(buf, size, "%s", c + 2);
			buf[strcspn(buf, "\n")] = '\0';
			found = true;
		}
	}
	if (f)
		fclose(f);
	return found;
}

void bench_print_cpu(void)
{
	char model[256];

	if (bench_cpu_model(model, sizeof(model)))
		printf("cpu: %s\n", model);
	printf("cpus online: %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
}

void bench_print_command(const char *label, int argc, char **argv)
{
	printf("%s", label);
	for (int i = 0; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
}

void bench_print_loadavg(const char *when)
{
	FILE *f = fopen("/proc/loadavg", "r");
	char line[128];

	if (f && fgets(line, sizeof(line), f))
		printf("load average %s: %s", when, line);
	if (f)
		fclose(f);
}

bool bench_parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (end == s || *end || v < lo || v > hi)
		return false;
	*out = (unsigned)v;
	return true;
}

bool bench_parse_counts(const char *s, unsigned lo, unsigned hi, unsigned *out, unsigned max, unsigned *n)
{
	*n = 0;
	while (*s && *n < max) {
		char *end;
		unsigned long v = strtoul(s, &end, 10);

		if (end == s || v < lo || v > hi)
			return false;
		out[(*n)++] = (unsigned)v;
		s = *end == ',' ? end + 1 : end;
	}
	return true;
}
