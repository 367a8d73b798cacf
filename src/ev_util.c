/*
 * ev_util.c -- bounded number parsing (see ev_util.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "ev_util.h"

int
ev_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
ev_parse_int_auto(const char *s, int64_t *out)
{
	long long v;
	unsigned long long u;
	char *end;

	if (s == NULL)
		return -1;
	while (*s == ' ')
		s++;
	errno = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!isxdigit((unsigned char)s[2]))
			return -1;
		u = strtoull(s + 2, &end, 16);
		if (errno != 0 || *end != '\0' || u > INT64_MAX)
			return -1;
		*out = (int64_t)u;
		return 0;
	}
	if (!isdigit((unsigned char)*s) && *s != '-')
		return -1;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s)
		return -1;
	*out = v;
	return 0;
}
