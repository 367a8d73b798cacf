/*
 * binxml_value.c -- text building and the canonical text of BinXML
 * substitution values (see binxml_value.h; the forms are listed in
 * binxml.h).  UTF-16 goes to UTF-8 16 ASCII units at a time with SSE2.
 */
#include <stdio.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "../ev_util.h"
#include "binxml.h"
#include "binxml_value.h"

/* ---- string building ---- */

bool
bx_sb_grow(struct sbuf *b, uint32_t n)
{
	uint32_t cap;
	char *p;

	if (b->oom || n > (1u << 28))
		return b->oom = true, false;
	cap = b->cap ? b->cap : 256;
	while (cap - b->len <= n)
		cap *= 2;
	p = realloc(b->p, cap);
	if (p == NULL)
		return b->oom = true, false;
	b->p = p;
	b->cap = cap;
	return true;
}

void
bx_sb_add(struct sbuf *b, const char *s, uint32_t n)
{
	if (!sb_reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

/*
 * UTF-16LE p[0..n units) as UTF-8; with mark, trailing NULs end it and an
 * embedded NUL becomes BX_NUL_MARK, else the first NUL ends it (see
 * binxml_value.h).  Unpaired surrogates become U+FFFD.
 */
#if defined(__SSE2__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define UTF16_SSE2	1
/*
 * Bytes of the UTF-16 units packed by _mm_packus_epi16 that are not
 * ASCII 0x01..0x7f: units above 0xff saturate to 0xff and those above
 * 0x7fff to 0, so a high bit or a zero byte marks every unit that is not
 * plain ASCII.  One bit a byte.
 */
static inline int
not_ascii(__m128i packed)
{
	return _mm_movemask_epi8(packed) | _mm_movemask_epi8(
	    _mm_cmpeq_epi8(packed, _mm_setzero_si128()));
}
#endif

/* (inlined into both wrappers: one call a string, as before the flag) */
static inline __attribute__((always_inline)) void
utf16(struct sbuf *b, const uint8_t *p, uint32_t n, bool mark)
{
	uint32_t i = 0, k;
	bool marked = false;
	char *o;

	if (!sb_reserve(b, n * 3))
		return;
	o = b->p;
	k = b->len;
	while (i < n) {
		uint32_t u;

#ifdef UTF16_SSE2
		/* 16, then 8 ASCII units (no NUL) at a time */
		while (n - i >= 16) {
			__m128i pk = _mm_packus_epi16(_mm_loadu_si128(
			    (const __m128i *)(const void *)(p + 2 * i)),
			    _mm_loadu_si128((const __m128i *)(const void *)
			    (p + 2 * i + 16)));

			if (not_ascii(pk) != 0)
				break;
			_mm_storeu_si128((__m128i *)(void *)(o + k), pk);
			k += 16;
			i += 16;
		}
		if (n - i >= 8) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)
			    (p + 2 * i)), pk = _mm_packus_epi16(v, v);

			if ((not_ascii(pk) & 0xff) == 0) {
				_mm_storel_epi64((__m128i *)(void *)(o + k), pk);
				k += 8;
				i += 8;
			}
		}
		if (i >= n)
			break;
		/*
		 * A short tail: the last 8 units again when all are ASCII;
		 * those before i then went out 1:1 and are written again.
		 */
		if (n - i < 8 && n >= 8) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)
			    (p + 2 * (n - 8))), pk = _mm_packus_epi16(v, v);

			if ((not_ascii(pk) & 0xff) == 0) {
				_mm_storel_epi64((__m128i *)(void *)(o + k -
				    (i - (n - 8))), pk);
				k += n - i;
				break;
			}
		}
#endif
		u = le16(p + 2 * i);

		if (u - 1 < 0x7f) {
			o[k++] = (char)u;
			i++;
			continue;
		}
		if (u == 0) {
			/* trailing NULs end the string; one inside shows */
			uint32_t j = i + 1;

			while (mark && j < n && le16(p + 2 * j) == 0)
				j++;
			if (!mark || j == n)
				break;
			put_cp(o, &k, BX_NUL_MARK);	/* 3 bytes for 1 unit */
			if (!marked)
				b->nuls++;
			marked = true;
			i++;
			continue;
		}
		i++;
		if (u >= 0xd800 && u <= 0xdbff && i < n) {
			uint32_t lo = le16(p + 2 * i);

			if (lo >= 0xdc00 && lo <= 0xdfff) {
				i++;
				put_cp(o, &k, 0x10000 + ((u - 0xd800) << 10) +
				    (lo - 0xdc00));
				continue;
			}
		}
		if (u >= 0xd800 && u <= 0xdfff)
			u = 0xfffd;
		put_cp(o, &k, u);
	}
	b->len = k;
}

void
bx_sb_utf16(struct sbuf *b, const uint8_t *p, uint32_t n)
{
	utf16(b, p, n, false);
}

void
bx_sb_utf16_val(struct sbuf *b, const uint8_t *p, uint32_t n)
{
	utf16(b, p, n, true);
}

/* ---- values ---- */

static uint32_t
fmt_u64(char *o, uint64_t v)
{
	char tmp[24];
	uint32_t n = 0, k = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		o[k++] = tmp[--n];
	return k;
}

static uint32_t
fmt_i64(char *o, int64_t v)
{
	if (v < 0) {
		o[0] = '-';
		return 1 + fmt_u64(o + 1, (uint64_t)0 - (uint64_t)v);
	}
	return fmt_u64(o, (uint64_t)v);
}

static uint32_t
fmt_hex(char *o, uint64_t v, int digits, bool upper)
{
	const char *hx = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	for (int i = digits - 1; i >= 0; i--) {
		o[i] = hx[v & 15];
		v >>= 4;
	}
	return (uint32_t)digits;
}

/* "0x" and lower-case hex without leading zeros, as Windows shows it. */
static uint32_t
fmt_hexint(char *o, uint64_t v)
{
	int digits = 1;

	while (digits < 16 && v >> (4 * digits) != 0)
		digits++;
	o[0] = '0';
	o[1] = 'x';
	return 2 + fmt_hex(o + 2, v, digits, false);
}

static void
put2(char *o, unsigned v)
{
	o[0] = (char)('0' + v / 10 % 10);
	o[1] = (char)('0' + v % 10);
}

/* days since 1970-01-01 -> civil date (Howard Hinnant's algorithm) */
static void
civil(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

static uint32_t
fmt_date(char *o, int64_t y, unsigned mo, unsigned d, unsigned h,
    unsigned mi, unsigned s)
{
	uint32_t k = 0;
	int64_t yy = y < 0 ? 0 : y % 10000;

	o[k++] = (char)('0' + yy / 1000);
	o[k++] = (char)('0' + yy / 100 % 10);
	o[k++] = (char)('0' + yy / 10 % 10);
	o[k++] = (char)('0' + yy % 10);
	o[k++] = '-';
	put2(o + k, mo), k += 2;
	o[k++] = '-';
	put2(o + k, d), k += 2;
	o[k++] = 'T';
	put2(o + k, h), k += 2;
	o[k++] = ':';
	put2(o + k, mi), k += 2;
	o[k++] = ':';
	put2(o + k, s), k += 2;
	return k;
}

static uint32_t
fmt_filetime(char *o, uint64_t ft)
{
	uint64_t secs = ft / 10000000;
	uint32_t frac = (uint32_t)(ft % 10000000) * 100, k;
	int64_t days = (int64_t)(secs / 86400) - 134774, y;
	unsigned rem = (unsigned)(secs % 86400), m, d;

	civil(days, &y, &m, &d);
	k = fmt_date(o, y, m, d, rem / 3600, rem / 60 % 60, rem % 60);
	o[k++] = '.';
	for (int i = 8; i >= 0; i--) {
		o[k + (uint32_t)i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	k += 9;
	o[k++] = 'Z';
	return k;
}

static const uint16_t cp1252[32] = {
	0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd,
	0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178,
};

/* Fixed element size of a value type (0: variable). */
uint32_t
bx_type_size(uint8_t t)
{
	switch (t) {
	case V_INT8: case V_UINT8:
		return 1;
	case V_INT16: case V_UINT16:
		return 2;
	case V_INT32: case V_UINT32: case V_REAL32: case V_BOOL:
	case V_HEX32:
		return 4;
	case V_INT64: case V_UINT64: case V_REAL64: case V_FILETIME:
	case V_HEX64:
		return 8;
	case V_GUID: case V_SYSTIME:
		return 16;
	}
	return 0;
}

/* ANSI text (Windows-1252); NULs as in bx_sb_utf16_val(). */
static void
render_ansi(struct sbuf *b, const uint8_t *p, uint32_t n)
{
	uint32_t k = 0, end = n;
	bool marked = false;
	char *o;

	if (!sb_reserve(b, n * 3))
		return;
	while (end > 0 && p[end - 1] == 0)
		end--;
	o = b->p + b->len;
	for (uint32_t i = 0; i < end; i++) {
		uint32_t ch = p[i];

		if (ch == 0) {
			if (!marked)
				b->nuls++;
			marked = true;
			ch = BX_NUL_MARK;
		} else if (ch >= 0x80 && ch < 0xa0)
			ch = cp1252[ch - 0x80];
		put_cp(o, &k, ch);
	}
	b->len += k;
}

/* Bytes as upper-case hex. */
static void
render_hexbytes(struct sbuf *b, const uint8_t *p, uint32_t n)
{
	uint32_t k = 0;
	char *o;

	if (!sb_reserve(b, n * 2))
		return;
	o = b->p + b->len;
	for (uint32_t i = 0; i < n; i++)
		k += fmt_hex(o + k, p[i], 2, true);
	b->len += k;
}

/* A SID as "S-1-5-18"; sub-authorities the size does not hold are cut. */
static void
render_sid(struct sbuf *b, const uint8_t *p, uint32_t n)
{
	uint32_t cnt, k = 0;
	uint64_t auth = 0;
	char *o;

	if (n < 8)
		return;
	cnt = p[1];
	if (cnt > (n - 8) / 4)
		cnt = (n - 8) / 4;
	if (!sb_reserve(b, 32 + cnt * 12))
		return;
	for (int i = 2; i < 8; i++)
		auth = auth << 8 | p[i];
	o = b->p + b->len;
	o[k++] = 'S';
	o[k++] = '-';
	k += fmt_u64(o + k, p[0]);
	o[k++] = '-';
	k += fmt_u64(o + k, auth);
	for (uint32_t i = 0; i < cnt; i++) {
		o[k++] = '-';
		k += fmt_u64(o + k, le32(p + 8 + 4 * i));
	}
	b->len += k;
}

/* "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" of 16 bytes at p into o. */
static uint32_t
fmt_guid(char *o, const uint8_t *p)
{
	uint32_t k = 0;

	o[k++] = '{';
	k += fmt_hex(o + k, le32(p), 8, true);
	o[k++] = '-';
	k += fmt_hex(o + k, le16(p + 4), 4, true);
	o[k++] = '-';
	k += fmt_hex(o + k, le16(p + 6), 4, true);
	o[k++] = '-';
	for (int i = 8; i < 16; i++) {
		if (i == 10)
			o[k++] = '-';
		k += fmt_hex(o + k, p[i], 2, true);
	}
	o[k++] = '}';
	return k;
}

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" of a SYSTEMTIME at p into o. */
static uint32_t
fmt_systime(char *o, const uint8_t *p)
{
	unsigned ms = le16(p + 14);
	uint32_t k;

	k = fmt_date(o, le16(p), le16(p + 2) % 100, le16(p + 6) % 100,
	    le16(p + 8) % 100, le16(p + 10) % 100, le16(p + 12) % 100);
	o[k++] = '.';
	o[k++] = (char)('0' + ms / 100 % 10);
	put2(o + k, ms % 100), k += 2;
	o[k++] = 'Z';
	return k;
}

/*
 * A fixed-size value of type t (p holds bx_type_size(t) bytes) into o,
 * which has room for 64; returns the length.
 */
static uint32_t
fmt_fixed(char *o, uint8_t t, const uint8_t *p)
{
	switch (t) {
	case V_INT8:
		return fmt_i64(o, (int8_t)p[0]);
	case V_UINT8:
		return fmt_u64(o, p[0]);
	case V_INT16:
		return fmt_i64(o, (int16_t)le16(p));
	case V_UINT16:
		return fmt_u64(o, le16(p));
	case V_INT32:
		return fmt_i64(o, (int32_t)le32(p));
	case V_UINT32:
		return fmt_u64(o, le32(p));
	case V_INT64:
		return fmt_i64(o, (int64_t)le64(p));
	case V_UINT64:
		return fmt_u64(o, le64(p));
	case V_HEX32:
		return fmt_hexint(o, le32(p));
	case V_HEX64:
		return fmt_hexint(o, le64(p));
	case V_BOOL:
		if (le32(p) != 0) {
			memcpy(o, "true", 4);
			return 4;
		}
		memcpy(o, "false", 5);
		return 5;
	case V_REAL32: {
		float f;
		uint32_t u = le32(p);

		memcpy(&f, &u, 4);
		return (uint32_t)snprintf(o, 64, "%.6e", (double)f);
	}
	case V_REAL64: {
		double f;
		uint64_t u = le64(p);

		memcpy(&f, &u, 8);
		return (uint32_t)snprintf(o, 64, "%.6e", f);
	}
	case V_GUID:
		return fmt_guid(o, p);
	case V_FILETIME:
		return fmt_filetime(o, le64(p));
	case V_SYSTIME:
		return fmt_systime(o, p);
	}
	return 0;
}

/* One scalar value of type t (no array flag) into b. */
static void
render_scalar(struct sbuf *b, uint8_t t, const uint8_t *p, uint32_t n)
{
	uint32_t k;

	switch (t) {
	case V_STRING:
		bx_sb_utf16_val(b, p, n / 2);
		return;
	case V_ANSI:
		render_ansi(b, p, n);
		return;
	case V_BINARY: case V_HANDLE: case V_EVTXML: case V_BINXML:
		render_hexbytes(b, p, n);
		return;
	case V_SID:
		render_sid(b, p, n);
		return;
	case V_SIZET:
		if (n == 4)
			t = V_HEX32;
		else if (n == 8)
			t = V_HEX64;
		else
			return;
		break;
	}
	if (bx_type_size(t) == 0 || n < bx_type_size(t))
		return;
	if (!sb_reserve(b, 64))
		return;
	k = fmt_fixed(b->p + b->len, t, p);
	if (k > 64)
		k = 0;
	b->len += k;
}

void
bx_render_val(struct sbuf *b, uint8_t t, const uint8_t *p, uint32_t n)
{
	uint8_t et = t & (uint8_t)~V_ARRAY;
	uint32_t es;
	bool first = true;

	if (!(t & V_ARRAY)) {
		render_scalar(b, t, p, n);
		return;
	}
	if (et == V_STRING) {
		/* NUL-terminated UTF-16 strings one after the other */
		uint32_t i = 0, units = n / 2;

		while (i < units) {
			uint32_t j = i;

			while (j < units && le16(p + 2 * j) != 0)
				j++;
			if (!first)
				bx_sb_add(b, ", ", 2);
			first = false;
			bx_sb_utf16(b, p + 2 * i, j - i);
			i = j + 1;
		}
		return;
	}
	if (et == V_ANSI) {
		uint32_t i = 0;

		while (i < n) {
			uint32_t j = i;

			while (j < n && p[j] != 0)
				j++;
			if (!first)
				bx_sb_add(b, ", ", 2);
			first = false;
			render_scalar(b, V_ANSI, p + i, j - i);
			i = j + 1;
		}
		return;
	}
	es = bx_type_size(et);
	if (et == V_SID) {
		uint32_t i = 0;

		while (i + 8 <= n) {
			uint32_t len = 8 + 4u * p[i + 1];

			if (len > n - i)
				break;
			if (!first)
				bx_sb_add(b, ", ", 2);
			first = false;
			render_scalar(b, V_SID, p + i, len);
			i += len;
		}
		return;
	}
	if (et == V_SIZET)
		es = 8;
	if (es == 0)
		return;
	for (uint32_t i = 0; i + es <= n; i += es) {
		if (!first)
			bx_sb_add(b, ", ", 2);
		first = false;
		render_scalar(b, et, p + i, es);
	}
}

int
bx_render_value(uint8_t type, const uint8_t *data, uint32_t size, char *buf,
    uint32_t cap)
{
	struct sbuf b = { 0 };
	int rc = -1;

	bx_render_val(&b, type, data, size);
	if (!b.oom && b.len < cap) {
		if (b.len > 0)
			memcpy(buf, b.p, b.len);
		buf[b.len] = '\0';
		rc = (int)b.len;
	}
	free(b.p);
	return rc;
}

