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
 * The hot path of every JSON output: room for the worst case (6 bytes
 * out per byte in) is made once, then bytes are written directly.
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
	if (n > (SIZE_MAX - 16) / 6 || !ev_buf_grow(b, n * 6 + 2))
		return;
	o = b->buf + b->len;
	end = p + n;
	*o++ = '"';
	while (p < end) {
		unsigned char c;
		int len;

		/* eight plain bytes at a time (SWAR): most text is ASCII */
		while (end - p >= 8) {
			uint64_t x, t;

			memcpy(&x, p, 8);
			t = ((x - 0x2020202020202020ULL) |	/* < 0x20 */
			    ((x ^ 0x2222222222222222ULL) - 0x0101010101010101ULL) |
			    ((x ^ 0x5c5c5c5c5c5c5c5cULL) - 0x0101010101010101ULL) |
			    (x + 0x0101010101010101ULL) |	/* 0x7f */
			    x) & 0x8080808080808080ULL;	/* >= 0x80 */
			if (t != 0)
				break;
			memcpy(o, p, 8);
			o += 8;
			p += 8;
		}
		if (p >= end)
			break;
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
