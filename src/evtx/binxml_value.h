/*
 * binxml_value.h -- text building and the canonical text of BinXML
 * substitution values (internal to src/evtx: binxml.c and
 * binxml_value.c).  The canonical forms are listed in binxml.h.
 *
 * A struct sbuf grows with realloc and remembers a failure in oom; once
 * set, appends do nothing, so callers check oom once at the end.  Not
 * shared between threads.
 */
#ifndef EVTX_BINXML_VALUE_H
#define EVTX_BINXML_VALUE_H

#include <stdbool.h>
#include <stdint.h>

#include "../ev_util.h"

/* value types of substitutions (value descriptors, Substitution tokens) */
enum {
	V_NULL = 0x00, V_STRING = 0x01, V_ANSI = 0x02, V_INT8 = 0x03,
	V_UINT8 = 0x04, V_INT16 = 0x05, V_UINT16 = 0x06, V_INT32 = 0x07,
	V_UINT32 = 0x08, V_INT64 = 0x09, V_UINT64 = 0x0a, V_REAL32 = 0x0b,
	V_REAL64 = 0x0c, V_BOOL = 0x0d, V_BINARY = 0x0e, V_GUID = 0x0f,
	V_SIZET = 0x10, V_FILETIME = 0x11, V_SYSTIME = 0x12, V_SID = 0x13,
	V_HEX32 = 0x14, V_HEX64 = 0x15, V_HANDLE = 0x20, V_BINXML = 0x21,
	V_EVTXML = 0x23, V_ARRAY = 0x80,
};

struct sbuf {
	char		*p;
	uint32_t	 len, cap;
	bool		 oom;
	uint32_t	 nuls;		/* strings appended with an embedded
					   NUL (shown as U+2400) */
};

/* What an embedded NUL is shown as: U+2400 SYMBOL FOR NULL. */
#define BX_NUL_MARK	0x2400

/* Makes room for n more bytes and one after them; false (oom) on failure. */
bool	bx_sb_grow(struct sbuf *, uint32_t n);

/* Room for n more bytes and one after them; false when out of memory. */
static inline bool
sb_reserve(struct sbuf *b, uint32_t n)
{
	return b->cap - b->len > n || bx_sb_grow(b, n);
}

/* Code point cp as UTF-8 at o + *k (room checked by the caller). */
static inline void
put_cp(char *o, uint32_t *k, uint32_t cp)
{
	*k += (uint32_t)ev_utf8_put(cp, o + *k);
}

/* Appends s[0..n). */
void	bx_sb_add(struct sbuf *, const char *s, uint32_t n);

/*
 * Appends UTF-16LE p[0..n units) as UTF-8, up to the first NUL: for
 * names.  Unpaired surrogates become U+FFFD.
 */
void	bx_sb_utf16(struct sbuf *, const uint8_t *p, uint32_t n);

/*
 * The same for values and text: NULs at the end (terminator, padding) end
 * the string; a NUL with anything but NULs after it is never a silent
 * cut: it becomes BX_NUL_MARK and the string counts in nuls.
 */
void	bx_sb_utf16_val(struct sbuf *, const uint8_t *p, uint32_t n);

/*
 * Appends the canonical text of a value of type t (array flag allowed)
 * at p[0..n).  A value too short for its type adds nothing.
 */
void	bx_render_val(struct sbuf *, uint8_t t, const uint8_t *p, uint32_t n);

/* Fixed element size of a value type (0: variable or not a value type). */
uint32_t	bx_type_size(uint8_t t);

#endif
