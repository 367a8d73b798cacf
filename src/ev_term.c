/*
 * ev_term.c -- terminal escaping (see ev_term.h).
 */
#include <string.h>

#include "ev_term.h"
#include "ev_util.h"

void
ev_term_safe(struct ev_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;
	unsigned cp;

	if (s == NULL)
		return;
	for (n = strlen(s); n > 0;) {
		int len = ev_utf8_next(p, n, &cp);

		if (cp == 0x1b)
			ev_buf_add(b, "\\e", 2);
		else if (cp < 0x20 || cp == 0x7f)
			ev_buf_addf(b, "\\x%02x", cp);
		else if ((cp >= 0x80 && cp < 0xa0) || ev_bidi_control(cp))
			ev_buf_addf(b, "\\u%04x", cp);
		else if (cp == 0xfffd && len == 1)
			ev_buf_add_utf8(b, 0xfffd);
		else
			ev_buf_add(b, p, (size_t)len);
		p += len;
		n -= (size_t)len;
	}
}
