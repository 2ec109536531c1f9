/* Dates on tetractl's command line (see ctl_dates.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tools/ctl_dates.h"

#include <ctype.h>
#include <string.h>
#include <time.h>

/* n digits at *p as a number; advances *p. -1 when they are not digits. */
static int digits(const char **p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return v;
}

static bool expect(const char **p, char c)
{
	if (**p != c)
		return false;
	(*p)++;
	return true;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* "Z", "+HH:MM", "-HHMM", "+HH": the offset in seconds east. */
static bool offset(const char *p, long *off)
{
	int sign, h, m = 0;

	if (!strcmp(p, "Z") || !strcmp(p, "z")) {
		*off = 0;
		return true;
	}
	if (*p != '+' && *p != '-')
		return false;
	sign = *p++ == '-' ? -1 : 1;
	if ((h = digits(&p, 2)) < 0 || h > 23)
		return false;
	if (*p) {
		expect(&p, ':');
		if ((m = digits(&p, 2)) < 0 || m > 59 || *p)
			return false;
	}
	*off = sign * (h * 3600L + m * 60L);
	return true;
}

bool ctl_parse_date(const char *s, bool end, uint64_t *us)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0;
	bool date_only = false, has_off = false;
	long off = 0;
	struct tm tm;
	time_t t;

	if ((y = digits(&p, 4)) < 1970 || !expect(&p, '-') || (mo = digits(&p, 2)) < 1 || mo > 12 ||
	    !expect(&p, '-') || (d = digits(&p, 2)) < 1 || d > days_in(y, mo))
		return false;
	if (!*p) {
		date_only = true;
	} else {
		if (*p != 'T' && *p != 't' && *p != ' ')
			return false;
		p++;
		if ((h = digits(&p, 2)) < 0 || h > 23 || !expect(&p, ':') || (mi = digits(&p, 2)) < 0 || mi > 59)
			return false;
		if (*p == ':' && (p++, (sec = digits(&p, 2)) < 0 || sec > 59))
			return false;
		if (*p) {
			if (!offset(p, &off))
				return false;
			has_off = true;
		}
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d + (date_only && end ? 1 : 0);	/* mktime / timegm carry it into the next month */
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if (has_off) {
		t = timegm(&tm) - off;
	} else {
		tm.tm_isdst = -1;	/* whichever holds locally on that day */
		t = mktime(&tm);
	}
	if (t == (time_t)-1 || t < 0)
		return false;
	*us = (uint64_t)t * 1000000u;
	return true;
}
