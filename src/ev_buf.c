/*
 * ev_buf.c -- growable NUL-terminated byte buffer (see ev_buf.h).
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ev_buf.h"
#include "ev_util.h"

char ev_buf_empty[1];

void
ev_buf_init(struct ev_buf *b)
{
	b->buf = ev_buf_empty;
	b->len = 0;
	b->cap = 0;
	b->oom = false;
}

void
ev_buf_release(struct ev_buf *b)
{
	if (b->cap != 0)
		free(b->buf);
	ev_buf_init(b);
}

void
ev_buf_reset(struct ev_buf *b)
{
	b->len = 0;
	b->oom = false;
	if (b->cap != 0)
		b->buf[0] = '\0';
}

bool
ev_buf_grow_slow(struct ev_buf *b, size_t n)
{
	size_t want, cap;
	char *p;

	if (b->oom)
		return false;
	if (n > SIZE_MAX / 2 - b->len - 1)
		goto fail;
	want = b->len + n + 1;
	if (want <= b->cap)
		return true;
	cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap *= 2;
	p = realloc(b->cap ? b->buf : NULL, cap);
	if (p == NULL)
		goto fail;
	if (b->cap == 0)
		p[0] = '\0';
	b->buf = p;
	b->cap = cap;
	return true;
fail:
	b->oom = true;
	return false;
}

void
ev_buf_add_lower(struct ev_buf *b, const char *s)
{
	size_t n, i;
	char *d;

	if (s == NULL || (n = strlen(s)) == 0 || !ev_buf_grow(b, n))
		return;
	d = b->buf + b->len;
	/* eight bytes at a time: a byte gets 0x20 when it is 'A'..'Z'
	   (its low seven bits in range, its high bit clear) */
	for (i = 0; i + 8 <= n; i += 8) {
		uint64_t w, lo, ge, gt;

		memcpy(&w, s + i, 8);
		lo = w & 0x7f7f7f7f7f7f7f7full;
		ge = lo + 0x3f3f3f3f3f3f3f3full;	/* >= 'A': 0x80 */
		gt = lo + 0x2525252525252525ull;	/* >  'Z': 0x80 */
		w |= ((ge ^ gt) & ~w & 0x8080808080808080ull) >> 2;
		memcpy(d + i, &w, 8);
	}
	for (; i < n; i++)
		d[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) :
		    s[i];
	b->len += n;
	b->buf[b->len] = '\0';
}

void
ev_buf_add_slow(struct ev_buf *b, const void *p, size_t n)
{
	if (!ev_buf_grow(b, n))
		return;
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void
ev_buf_add_u64(struct ev_buf *b, uint64_t v)
{
	char tmp[20], *p = tmp + sizeof(tmp);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	ev_buf_add(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

void
ev_buf_add_utf8(struct ev_buf *b, uint32_t cp)
{
	char u[4];

	ev_buf_add(b, u, ev_utf8_put(cp, u));
}

/*
 * Whether every conversion of fmt is one simple_addf() writes: %s, %c,
 * %d, %i, %u, the integer ones with l, ll or z, and %% (no flags, width
 * or precision).  The report writers' formats are nearly all such, and
 * vsnprintf()'s set-up cost is most of what they spend.
 */
static bool
simple_fmt(const char *f)
{
	for (const char *p = f; (p = strchr(p, '%')) != NULL;) {
		p++;
		if (*p == '%') {
			p++;
			continue;
		}
		if (*p == 's' || *p == 'c') {
			p++;
			continue;
		}
		if (*p == 'z')
			p++;
		else if (p[0] == 'l')
			p += p[1] == 'l' ? 2 : 1;
		if (*p != 'd' && *p != 'i' && *p != 'u')
			return false;
		p++;
	}
	return true;
}

/* Appends v in decimal. */
static void
add_u64(struct ev_buf *b, uint64_t v, bool neg)
{
	char num[24], *q = num + sizeof(num);

	do {
		*--q = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	if (neg)
		*--q = '-';
	ev_buf_add(b, q, (size_t)(num + sizeof(num) - q));
}

/* ev_buf_vaddf() of a simple_fmt() format, as vsnprintf() writes it. */
static void
simple_addf(struct ev_buf *b, const char *fmt, va_list ap)
{
	const char *p = fmt, *q;

	for (;;) {
		int len = 0;	/* 1 l, 2 ll, 3 z */

		q = strchrnul(p, '%');
		ev_buf_add(b, p, (size_t)(q - p));
		if (*q == '\0')
			return;
		p = q + 1;
		if (*p == 'z') {
			len = 3;
			p++;
		} else if (*p == 'l') {
			len = p[1] == 'l' ? 2 : 1;
			p += len;
		}
		switch (*p++) {
		case '%':
			ev_buf_addc(b, '%');
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			ev_buf_adds(b, s != NULL ? s : "(null)");
			break;
		}
		case 'c':
			ev_buf_addc(b, (char)va_arg(ap, int));
			break;
		case 'u':
			add_u64(b, len == 0 ? va_arg(ap, unsigned) : len == 1 ?
			    va_arg(ap, unsigned long) : len == 2 ?
			    va_arg(ap, unsigned long long) : va_arg(ap, size_t),
			    false);
			break;
		default: {	/* d, i */
			long long v = len == 0 ? va_arg(ap, int) : len == 1 ?
			    va_arg(ap, long) : len == 2 ? va_arg(ap, long long) :
			    va_arg(ap, ssize_t);

			add_u64(b, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0);
			break;
		}
		}
	}
}

void
ev_buf_vaddf(struct ev_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	if (b->oom)
		return;
	if (simple_fmt(fmt)) {
		va_copy(cp, ap);
		simple_addf(b, fmt, cp);
		va_end(cp);
		return;
	}
	va_copy(cp, ap);
	n = vsnprintf(b->cap ? b->buf + b->len : NULL,
	    b->cap ? b->cap - b->len : 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if (b->cap == 0 || (size_t)n >= b->cap - b->len) {
		if (!ev_buf_grow(b, (size_t)n))
			return;
		vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void
ev_buf_addf(struct ev_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ev_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

char *
ev_buf_detach(struct ev_buf *b, size_t *len)
{
	char *s;

	if (b->oom) {
		ev_buf_release(b);
		return NULL;
	}
	if (b->cap == 0)
		s = strdup("");
	else
		s = b->buf;
	if (len != NULL)
		*len = b->len;
	ev_buf_init(b);
	return s;
}
