/*
 * ev_util.h -- small helpers: little-endian readers, UTF-8 encoding and
 * decoding,
 * bounded number parsing, array sizes.
 */
#ifndef EV_UTIL_H
#define EV_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Writes code point cp to o as UTF-8 and returns the 1 to 4 bytes
 * written.  cp is at most U+10FFFF and not a surrogate: callers replace
 * those first (each reader and writer has its own rule for them).
 */
static inline size_t
ev_utf8_put(uint32_t cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Decodes one UTF-8 sequence at s (n bytes available).  Returns its length
 * and sets *cp, or returns 1 with *cp = 0xFFFD for an invalid byte
 * (overlong forms, surrogates and values past U+10FFFF are invalid).
 */
int	ev_utf8_next(const unsigned char *s, size_t n, unsigned *cp);

/*
 * Whether cp is a bidirectional control (U+202A..U+202E, U+2066..U+2069,
 * LRM, RLM, ALM): every writer escapes them so that showing a value
 * cannot reorder the text around it.
 */
bool	ev_bidi_control(unsigned cp);

/* Little-endian field readers over byte arrays (never packed casts). */
static inline uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

static inline uint32_t
le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

static inline uint64_t
le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/*
 * Room for one more element in a growing array: when n == *cap, the
 * array *pv (a T **) of elements of size bytes is reallocated to twice
 * *cap elements (first when empty).  Returns 0, or -1 when out of memory
 * or too large (the array and *cap as they were).  Use EV_GROW().
 */
int	ev_grow(void *pv, size_t *cap, size_t n, size_t size, size_t first);
/* ev_grow() with another realloc(), such as ev_big_realloc(). */
int	ev_grow_with(void *pv, size_t *cap, size_t n, size_t size,
	    size_t first, void *(*re)(void *, size_t));
#define EV_GROW(v, n, cap, first) \
	((n) < (cap) ? 0 : ev_grow(&(v), &(cap), (n), sizeof(*(v)), (first)))

/*
 * qsort(3) that accepts an empty or NULL array: the C library declares
 * base non-NULL even for n == 0, and UBSan holds us to it.
 */
static inline void
ev_qsort(void *base, size_t n, size_t size,
    int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* Equal strings, NULL equal only to NULL. */
static inline bool
ev_str_eq(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* |a - b| of two FILETIMEs. */
static inline uint64_t
ev_tdiff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

/* The last part of a Windows or POSIX path (after its last \ or /);
   NULL for NULL. */
const char *ev_basename(const char *path);

/*
 * Parses a decimal unsigned number in [min, max] from the whole of s.
 * Returns 0 and sets *out, or -1 (s not a number, or out of range).
 */
int	ev_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/*
 * Parses an integer as Windows logs write them: decimal, or hexadecimal
 * with a 0x prefix ("0x1a4").  Returns 0 and sets *out, or -1.
 */
int	ev_parse_int_auto(const char *s, int64_t *out);

/*
 * Case-insensitive substring search (ASCII folding: the C locale) of the
 * n bytes at needle in the string hay: Knuth-Morris-Pratt, linear in
 * both lengths, so a crafted command line and action ("aaa...ab" in
 * "aaa...a") cost no more than plain ones.  Our own rather than
 * strcasestr(): only some libcs' is linear (valgrind's, which the tests
 * run under, is not).  The end of the match, or NULL (also when the
 * table for a needle of over 64 bytes cannot be allocated).
 */
const char *ev_find_ci(const char *hay, const char *needle, size_t n);

#endif
