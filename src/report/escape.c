/*
 * escape.c -- escaping hostile strings for JSON, CSV, terminals and HTML
 * (see escape.h).
 */
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

static void
add_utf8(struct ev_buf *b, unsigned cp)
{
	char u[4];

	if (cp < 0x80) {
		ev_buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		ev_buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		ev_buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		ev_buf_add(b, u, 4);
	}
}

void
report_json_str(struct ev_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;
	unsigned cp;

	if (s == NULL) {
		ev_buf_add(b, "null", 4);
		return;
	}
	n = strlen(s);
	ev_buf_addc(b, '"');
	while (n > 0) {
		const unsigned char *run = p;

		/* copy the common case, plain printable ASCII, in one go */
		while (n > 0 && *p >= 0x20 && *p < 0x7f && *p != '"' &&
		    *p != '\\') {
			p++;
			n--;
		}
		if (p > run)
			ev_buf_add(b, run, (size_t)(p - run));
		if (n == 0)
			break;
		int len = report_utf8_next(p, n, &cp);

		p += len;
		n -= (size_t)len;
		switch (cp) {
		case '"':	ev_buf_add(b, "\\\"", 2); break;
		case '\\':	ev_buf_add(b, "\\\\", 2); break;
		case '\n':	ev_buf_add(b, "\\n", 2); break;
		case '\r':	ev_buf_add(b, "\\r", 2); break;
		case '\t':	ev_buf_add(b, "\\t", 2); break;
		default:
			if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 &&
			    cp < 0xa0) || cp == 0x2028 || cp == 0x2029 ||
			    is_bidi_control(cp))
				ev_buf_addf(b, "\\u%04x", cp);
			else
				add_utf8(b, cp);
		}
	}
	ev_buf_addc(b, '"');
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
			add_utf8(b, 0xfffd);
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
			add_utf8(b, 0xfffd);
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
				add_utf8(b, 0xfffd);
			else
				ev_buf_add(b, p, (size_t)len);
		}
		p += len;
		n -= (size_t)len;
	}
}
