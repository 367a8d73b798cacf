/*
 * escape.c -- escaping hostile strings for JSON, CSV, terminals and HTML
 * (see escape.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ev_util.h"
#include "report/escape.h"

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
report_json_script_tail(struct ev_buf *b, size_t from)
{
	size_t n;
	char *raw;

	if (ev_buf_failed(b) || from >= b->len ||
	    strcspn(b->buf + from, "<>&\xe2") >= b->len - from)
		return;		/* (a NUL would stop strcspn(): all escaped) */
	n = b->len - from;
	if ((raw = malloc(n)) == NULL) {
		b->oom = true;
		return;
	}
	memcpy(raw, b->buf + from, n);
	b->len = from;
	report_json_script(b, raw, n);
	free(raw);
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
		int len = ev_utf8_next(p, n, &cp);

		if (cp == '"')
			ev_buf_add(b, "\"\"", 2);
		else if ((cp < 0x20 && cp != '\t' && cp != '\r' &&
		    cp != '\n') || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
		    ev_bidi_control(cp) || (cp == 0xfffd && len == 1))
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
report_html_str(struct ev_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;
	unsigned cp;

	if (s == NULL)
		return;
	for (n = strlen(s); n > 0;) {
		int len = ev_utf8_next(p, n, &cp);

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
