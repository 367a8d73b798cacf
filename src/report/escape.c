/*
 * escape.c -- escaping hostile strings for JSON, CSV, terminals and HTML
 * (see escape.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "report/escape.h"

int
report_utf8_next(const unsigned char *s, size_t n, unsigned *cp)
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

static bool
is_bidi_control(unsigned cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 &&
	    cp <= 0x2069) || cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

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
report_json_str(struct ev_buf *b, const char *s)
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
		len = report_utf8_next(p, (size_t)(end - p), &cp);
		if (cp < 0xa0 || cp == 0x2028 || cp == 0x2029 ||
		    is_bidi_control(cp))
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
report_json_script(struct ev_buf *b, const char *json, size_t n)
{
	const unsigned char *p = (const unsigned char *)json;
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		const char *rep = NULL;
		size_t skip = 1;

		switch (p[i]) {
		case '<':	rep = "\\u003c"; break;
		case '>':	rep = "\\u003e"; break;
		case '&':	rep = "\\u0026"; break;
		case 0xe2:
			if (i + 2 < n && p[i + 1] == 0x80 && (p[i + 2] == 0xa8 ||
			    p[i + 2] == 0xa9)) {
				rep = p[i + 2] == 0xa8 ? "\\u2028" : "\\u2029";
				skip = 3;
			}
			break;
		}
		if (rep == NULL)
			continue;
		ev_buf_add(b, json + run, i - run);
		ev_buf_adds(b, rep);
		i += skip - 1;
		run = i + 1;
	}
	ev_buf_add(b, json + run, n - run);
}

void
report_csv_cell(struct ev_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	bool quote, inert;
	size_t n;
	unsigned cp;

	if (s == NULL || *s == '\0')
		return;
	inert = strchr("=+-@\t\r", *s) != NULL;
	quote = inert || strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		ev_buf_addc(b, '"');
	if (inert)
		ev_buf_addc(b, '\'');
	for (n = strlen(s); n > 0;) {
		int len = report_utf8_next(p, n, &cp);

		if (cp == '"')
			ev_buf_add(b, "\"\"", 2);
		else if ((cp < 0x20 && cp != '\t' && cp != '\r' &&
		    cp != '\n') || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
		    is_bidi_control(cp) || (cp == 0xfffd && len == 1))
			ev_buf_add_utf8(b, 0xfffd);
		else
			ev_buf_add(b, p, (size_t)len);
		p += len;
		n -= (size_t)len;
	}
	if (quote)
		ev_buf_addc(b, '"');
}

void
report_text_safe(struct ev_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;
	unsigned cp;

	if (s == NULL)
		return;
	for (n = strlen(s); n > 0;) {
		int len = report_utf8_next(p, n, &cp);

		if (cp == 0x1b)
			ev_buf_add(b, "\\e", 2);
		else if (cp < 0x20 || cp == 0x7f)
			ev_buf_addf(b, "\\x%02x", cp);
		else if ((cp >= 0x80 && cp < 0xa0) || is_bidi_control(cp))
			ev_buf_addf(b, "\\u%04x", cp);
		else if (cp == 0xfffd && len == 1)
			ev_buf_add_utf8(b, 0xfffd);
		else
			ev_buf_add(b, p, (size_t)len);
		p += len;
		n -= (size_t)len;
	}
}

void
report_html_str(struct ev_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;
	unsigned cp;

	if (s == NULL)
		return;
	for (n = strlen(s); n > 0;) {
		int len = report_utf8_next(p, n, &cp);

		switch (cp) {
		case '&':	ev_buf_add(b, "&amp;", 5); break;
		case '<':	ev_buf_add(b, "&lt;", 4); break;
		case '>':	ev_buf_add(b, "&gt;", 4); break;
		case '"':	ev_buf_add(b, "&quot;", 6); break;
		case '\'':	ev_buf_add(b, "&#39;", 5); break;
		default:
			if ((cp < 0x20 && cp != '\t' && cp != '\n') ||
			    cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
				ev_buf_addf(b, "&#xfffd;");
			else if (cp == 0xfffd && len == 1)
				ev_buf_add_utf8(b, 0xfffd);
			else
				ev_buf_add(b, p, (size_t)len);
		}
		p += len;
		n -= (size_t)len;
	}
}
