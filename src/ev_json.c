/*
 * ev_json.c -- JSON string literals and an event's EventData as a JSON
 * object (see ev_json.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ev_json.h"
#include "ev_util.h"

/* Bytes that stand for themselves inside a JSON string. */
static const unsigned char json_plain[256] = {
	[0x20] = 1, 1, 0 /* " */, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 /* \ */, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 /* DEL */,
};

static char *
put_u_escape(char *o, unsigned cp)
{
	static const char hex[] = "0123456789abcdef";

	*o++ = '\\';
	*o++ = 'u';
	*o++ = hex[cp >> 12 & 0xf];
	*o++ = hex[cp >> 8 & 0xf];
	*o++ = hex[cp >> 4 & 0xf];
	*o++ = hex[cp & 0xf];
	return o;
}


/*
 * Bytes of x (eight bytes of text, the first in the lowest byte on a
 * little-endian machine) that need more than a copy: control characters,
 * '"', '\\', DEL and every byte >= 0x80, as the high bit of each such byte.
 * Borrows and carries only run upwards from a flagged byte, so the lowest
 * flag is exact (higher ones may be false: the caller uses the lowest).
 */
static inline uint64_t
json_special(uint64_t x)
{
	return ((x - 0x2020202020202020ULL) |		/* < 0x20 */
	    ((x ^ 0x2222222222222222ULL) - 0x0101010101010101ULL) |
	    ((x ^ 0x5c5c5c5c5c5c5c5cULL) - 0x0101010101010101ULL) |
	    (x + 0x0101010101010101ULL) |		/* 0x7f */
	    x) & 0x8080808080808080ULL;			/* >= 0x80 */
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
    defined(__GNUC__)
#define JSON_SWAR	1
#endif

/*
 * The hot path of every JSON output: room for the worst case (6 bytes
 * out per byte in, and 8 of slack for whole-word stores) is made once,
 * then bytes are written directly, eight plain bytes at a time.
 */
void
ev_json_str(struct ev_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end;
	unsigned cp;
	size_t n;
	char *o;

	if (s == NULL) {
		ev_buf_add(b, "null", 4);
		return;
	}
	n = strlen(s);
	if (n > (SIZE_MAX - 16) / 6 || !ev_buf_grow(b, n * 6 + 10))
		return;
	o = b->buf + b->len;
	end = p + n;
	*o++ = '"';
	while (p < end) {
		unsigned char c;
		int len;
#ifdef JSON_SWAR
		size_t left = (size_t)(end - p), k;
		/* past the end: 'A', which is plain */
		uint64_t x = 0x4141414141414141ULL, t;

		if (left >= 8)
			memcpy(&x, p, 8);
		else if (n >= 8) {
			/* the last eight bytes of the string, shifted down */
			unsigned sh = 8 * (unsigned)(8 - left);
			uint64_t y;

			memcpy(&y, end - 8, 8);
			x = y >> sh | x << (64 - sh);
		} else
			for (size_t i = 0; i < left; i++)
				x = (x & ~(0xffULL << 8 * i)) |
				    (uint64_t)p[i] << 8 * i;
		t = json_special(x);
		/* the plain bytes before the first special one, stored as a
		   whole word (the slack above allows it) */
		k = t == 0 ? 8 : (size_t)__builtin_ctzll(t) >> 3;
		if (k > left)
			k = left;
		memcpy(o, &x, 8);
		o += k;
		p += k;
		if (k == 8 || p >= end)
			continue;
#endif
		c = *p;
		if (json_plain[c]) {
			*o++ = (char)c;
			p++;
			continue;
		}
		if (c == '\\' || c == '"') {
			*o++ = '\\';
			*o++ = (char)c;
			p++;
			continue;
		}
		if (c < 0x80) {
			p++;
			*o++ = '\\';
			switch (c) {
			case '\n':	*o++ = 'n'; break;
			case '\r':	*o++ = 'r'; break;
			case '\t':	*o++ = 't'; break;
			default:	o = put_u_escape(o - 1, c); break;
			}
			continue;
		}
		len = ev_utf8_next(p, (size_t)(end - p), &cp);
		if (cp < 0xa0 || cp == 0x2028 || cp == 0x2029 ||
		    ev_bidi_control(cp))
			o = put_u_escape(o, cp);
		else if (cp == 0xfffd && len == 1) {
			memcpy(o, "\xef\xbf\xbd", 3);	/* invalid byte */
			o += 3;
		} else {
			memcpy(o, p, (size_t)len);
			o += len;
		}
		p += len;
	}
	*o++ = '"';
	*o = '\0';
	b->len = (size_t)(o - b->buf);
}


void
ev_json_strv(struct ev_buf *b, const char *const *v, size_t n)
{
	ev_buf_addc(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			ev_buf_addc(b, ',');
		ev_json_str(b, v[i]);
	}
	ev_buf_addc(b, ']');
}

void
ev_json_data(struct ev_buf *b, const struct ev_event *ev)
{
	ev_buf_addc(b, '{');
	for (uint32_t i = 0; i < ev->ndata; i++) {
		if (i > 0)
			ev_buf_addc(b, ',');
		if (ev->data[i].name[0] == '\0') {
			char name[24];

			snprintf(name, sizeof(name), "Data%u", i + 1);
			ev_json_str(b, name);
		} else
			ev_json_str(b, ev->data[i].name);
		ev_buf_addc(b, ':');
		ev_json_str(b, ev->data[i].value);
	}
	ev_buf_addc(b, '}');
}
