/*
 * ev_util.c -- UTF-8 decoding and bounded number parsing (see ev_util.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

int
ev_utf8_next(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0], v;
	int len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		v = c & 0x07;
	} else
		goto bad;
	if ((size_t)len > n)
		goto bad;
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		v = v << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 ||
	    v > 0x10ffff)) || (v >= 0xd800 && v <= 0xdfff))
		goto bad;
	*cp = v;
	return len;
bad:
	*cp = 0xfffd;
	return 1;
}


bool
ev_bidi_control(unsigned cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 &&
	    cp <= 0x2069) || cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

const char *
ev_basename(const char *path)
{
	if (path == NULL)
		return NULL;
	for (const char *s = path; *s != '\0'; s++)
		if (*s == '\\' || *s == '/')
			path = s + 1;
	return path;
}

int
ev_grow(void *pv, size_t *cap, size_t n, size_t size, size_t first)
{
	return ev_grow_with(pv, cap, n, size, first, realloc);
}

int
ev_grow_with(void *pv, size_t *cap, size_t n, size_t size, size_t first,
    void *(*re)(void *, size_t))
{
	void *old, *p;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : first;
	if (ncap < *cap || ncap > SIZE_MAX / size)
		return -1;
	memcpy(&old, pv, sizeof(old));	/* pv is a T **, not a void ** */
	if ((p = re(old, ncap * size)) == NULL)
		return -1;
	memcpy(pv, &p, sizeof(p));
	*cap = ncap;
	return 0;
}

/* ev_find_ci(): fold to lower case, ASCII only (the C locale) */
static int
fold_ascii(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : (unsigned char)c;
}

const char *
ev_find_ci(const char *hay, const char *needle, size_t n)
{
	size_t small[64], *fail = small, k = 0;
	const char *r = NULL;

	if (n == 0)
		return hay;
	if (n > NELEM(small) && (fail = malloc(n * sizeof(*fail))) == NULL)
		return NULL;
	fail[0] = 0;
	for (size_t i = 1; i < n; i++) {
		while (k > 0 && fold_ascii(needle[i]) != fold_ascii(needle[k]))
			k = fail[k - 1];
		if (fold_ascii(needle[i]) == fold_ascii(needle[k]))
			k++;
		fail[i] = k;
	}
	k = 0;
	for (; *hay != '\0'; hay++) {
		int c = fold_ascii(*hay);

		while (k > 0 && c != fold_ascii(needle[k]))
			k = fail[k - 1];
		if (c == fold_ascii(needle[k]) && ++k == n) {
			r = hay + 1;
			break;
		}
	}
	if (fail != small)
		free(fail);
	return r;
}
