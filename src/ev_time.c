/*
 * ev_time.c -- FILETIME <-> ISO 8601.  UTC is computed here, without the
 * C library; only a display zone set by ev_time_set_zone() goes through
 * TZ and localtime_r() (for its offset at each instant).
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ev_time.h"

#define TICKS_PER_SEC	10000000ULL
#define EPOCH_DIFF	11644473600LL	/* seconds 1601 -> 1970 */

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y += *m <= 2;
}

/* Writes v as exactly n decimal digits at p. */
static void
put_digits(char *p, unsigned v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

void
ev_time_iso(uint64_t ft, char *buf)
{
	uint64_t secs = ft / TICKS_PER_SEC;	/* since 1601: never negative */
	unsigned frac = (unsigned)(ft % TICKS_PER_SEC);
	int64_t days = (int64_t)(secs / 86400) - EPOCH_DIFF / 86400, y;
	unsigned rem = (unsigned)(secs % 86400), m, d;

	/* EPOCH_DIFF is a whole number of days, so this split is exact */
	civil_from_days(days, &y, &m, &d);
	memcpy(buf, "0000-00-00T00:00:00.0000000Z", EV_TIME_ISO_LEN + 1);
	put_digits(buf, (unsigned)(y % 10000), 4);
	put_digits(buf + 5, m, 2);
	put_digits(buf + 8, d, 2);
	put_digits(buf + 11, rem / 3600, 2);
	put_digits(buf + 14, rem / 60 % 60, 2);
	put_digits(buf + 17, rem % 60, 2);
	put_digits(buf + 20, frac, 7);
}

static bool zone_local;		/* ev_time_set_zone() chose a zone */

/* Whether name is a TZif file of the zone database. */
static bool
zone_file(const char *name)
{
	const char *dir = getenv("TZDIR");
	char path[4096], magic[4];
	FILE *f;
	bool ok;

	if (name[0] == '\0' || strstr(name, "..") != NULL)
		return false;
	if (name[0] == '/')
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "%s/%s", dir != NULL && *dir !=
		    '\0' ? dir : "/usr/share/zoneinfo", name);
	if ((f = fopen(path, "rb")) == NULL)
		return false;
	ok = fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return ok;
}

/* Whether s is a POSIX TZ string: a name (3+ letters or <...>), then an
   offset (the rest is checked by the C library). */
static bool
zone_posix(const char *s)
{
	size_t n = 0;

	if (*s == '<') {
		const char *e = strchr(s, '>');

		if (e == NULL || e - s < 4)
			return false;
		s = e + 1;
	} else {
		while (isalpha((unsigned char)s[n]))
			n++;
		if (n < 3)
			return false;
		s += n;
	}
	if (*s == '+' || *s == '-')
		s++;
	return isdigit((unsigned char)*s);
}

int
ev_time_set_zone(const char *zone)
{
	const char *z = zone;

	if (z != NULL && *z == ':')
		z++;
	if (z == NULL || *z == '\0' || strcmp(z, "UTC") == 0 ||
	    strcmp(z, "Z") == 0) {
		zone_local = false;
		return 0;
	}
	if (!zone_file(z) && !zone_posix(z))
		return -1;
	if (setenv("TZ", z, 1) != 0)
		return -1;
	tzset();
	zone_local = true;
	return 0;
}

int
ev_time_zone_set(void)
{
	return zone_local;
}

char *
ev_time_format(uint64_t ft, unsigned flags, char *buf)
{
	time_t t;
	struct tm tm;
	long off;
	unsigned long aoff;
	uint64_t local;

	if (!(flags & EV_TIME_LOCAL) || !zone_local) {
		ev_time_iso(ft, buf);
		return buf;
	}
	t = (time_t)ev_time_unix(ft);
	if (localtime_r(&t, &tm) == NULL) {
		ev_time_iso(ft, buf);
		return buf;
	}
	off = tm.tm_gmtoff;
	if (off < 0 && (uint64_t)-off * TICKS_PER_SEC > ft) {
		ev_time_iso(ft, buf);	/* before 1601 in that zone */
		return buf;
	}
	local = off < 0 ? ft - (uint64_t)-off * TICKS_PER_SEC :
	    ft + (uint64_t)off * TICKS_PER_SEC;
	ev_time_iso(local, buf);
	buf[EV_TIME_ISO_LEN - 1] = off < 0 ? '-' : '+';
	/* offsets are whole minutes in practice; seconds are dropped */
	aoff = off < 0 ? (unsigned long)-off : (unsigned long)off;
	put_digits(buf + EV_TIME_ISO_LEN, (unsigned)(aoff / 3600 % 100), 2);
	buf[EV_TIME_ISO_LEN + 2] = ':';
	put_digits(buf + EV_TIME_ISO_LEN + 3, (unsigned)(aoff / 60 % 60), 2);
	buf[EV_TIME_MAX_LEN] = '\0';
	return buf;
}

int64_t
ev_time_unix(uint64_t ft)
{
	return (int64_t)(ft / TICKS_PER_SEC) - EPOCH_DIFF;
}

int
ev_time_from_fields(int year, int mon, int day, int hour, int min, int sec,
    uint32_t ticks, uint64_t *ft)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int64_t secs;

	if (year < 1601 || year > 30827 || mon < 1 || mon > 12 || day < 1 ||
	    day > mdays[mon - 1] || hour < 0 || hour > 23 || min < 0 ||
	    min > 59 || sec < 0 || sec > 60 || ticks >= TICKS_PER_SEC)
		return -1;
	if (mon == 2 && day == 29 &&
	    !(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
		return -1;
	secs = days_from_civil(year, (unsigned)mon, (unsigned)day) * 86400 +
	    hour * 3600 + min * 60 + sec + EPOCH_DIFF;
	*ft = (uint64_t)secs * TICKS_PER_SEC + ticks;
	return 0;
}

/* Reads exactly n digits; -1 when they are not there. */
static int
digits(const char **sp, int n)
{
	const char *s = *sp;
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*sp = s + n;
	return v;
}

int
ev_time_parse(const char *s, uint64_t *out)
{
	int y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0, sign = 0;
	uint32_t ticks = 0;
	uint64_t ft;

	if ((y = digits(&s, 4)) < 0 || *s++ != '-' ||
	    (mo = digits(&s, 2)) < 0 || *s++ != '-' ||
	    (d = digits(&s, 2)) < 0)
		return -1;
	if (*s == 'T' || *s == 't' || *s == ' ') {
		s++;
		if ((h = digits(&s, 2)) < 0 || *s++ != ':' ||
		    (mi = digits(&s, 2)) < 0)
			return -1;
		if (*s == ':') {
			s++;
			if ((se = digits(&s, 2)) < 0)
				return -1;
			if (*s == '.' || *s == ',') {
				int n = 0;

				s++;
				if (!isdigit((unsigned char)*s))
					return -1;
				for (; isdigit((unsigned char)*s); s++, n++)
					if (n < 7)
						ticks = ticks * 10 +
						    (uint32_t)(*s - '0');
				for (; n < 7; n++)
					ticks *= 10;
			}
		}
	}
	if (*s == 'Z' || *s == 'z')
		s++;
	else if (*s == '+' || *s == '-') {
		sign = *s++ == '+' ? 1 : -1;
		if ((oh = digits(&s, 2)) < 0)
			return -1;
		if (*s == ':')
			s++;
		if (isdigit((unsigned char)*s) && (om = digits(&s, 2)) < 0)
			return -1;
		if (oh > 23 || om > 59)
			return -1;
	}
	if (*s != '\0')
		return -1;
	if (ev_time_from_fields(y, mo, d, h, mi, se, ticks, &ft) == -1)
		return -1;
	if (sign != 0) {
		uint64_t off = ((uint64_t)oh * 3600 + (uint64_t)om * 60) *
		    TICKS_PER_SEC;
		/* local = UTC + offset, so UTC = local - offset */
		if (sign > 0) {
			if (ft < off)
				return -1;
			ft -= off;
		} else
			ft += off;
	}
	*out = ft;
	return 0;
}

int
ev_time_parse_end(const char *s, uint64_t *out)
{
	uint64_t ft;
	size_t n = strlen(s);

	if (ev_time_parse(s, &ft) == -1)
		return -1;
	/* a date alone: "YYYY-MM-DD", then nothing, Z or an offset */
	if (n == 10 || (n > 10 && s[10] != 'T' && s[10] != 't' &&
	    s[10] != ' '))
		ft += 86400 * TICKS_PER_SEC - 1;
	*out = ft;
	return 0;
}
