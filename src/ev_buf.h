/*
 * ev_buf.h -- growable byte buffer, always NUL-terminated.
 *
 * After ev_buf_init() (or EV_BUF_INIT) b->buf is never NULL: it points to
 * a static "" until the first append.  Appends may move b->buf, so callers
 * must not keep pointers into it across an append.  Allocation failure is
 * sticky: b->oom is set, later appends are ignored, and the caller checks
 * it once at the end (ev_buf_failed()).
 */
#ifndef EV_BUF_H
#define EV_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct ev_buf {
	char	*buf;
	size_t	 len;
	size_t	 cap;		/* 0 while buf is the static "" */
	bool	 oom;
};

extern char ev_buf_empty[];
#define EV_BUF_INIT { ev_buf_empty, 0, 0, false }

void	 ev_buf_init(struct ev_buf *);
/* Frees the storage; b is empty and reusable afterwards. */
void	 ev_buf_release(struct ev_buf *);
/* Sets the length to 0 and keeps the storage. */
void	 ev_buf_reset(struct ev_buf *);
/* Ensures room for n more bytes (plus the NUL); false on failure. */
bool	 ev_buf_grow_slow(struct ev_buf *, size_t n);
static inline bool
ev_buf_grow(struct ev_buf *b, size_t n)
{
	/* cap is 0 or more than len (the NUL) */
	if (!b->oom && n < b->cap - b->len)
		return true;
	return ev_buf_grow_slow(b, n);
}
void	 ev_buf_add_slow(struct ev_buf *, const void *, size_t);
/* inline: the output paths append short pieces by the million */
static inline void
ev_buf_add(struct ev_buf *b, const void *p, size_t n)
{
	if (!b->oom && n < b->cap - b->len) {
		memcpy(b->buf + b->len, p, n);
		b->len += n;
		b->buf[b->len] = '\0';
		return;
	}
	ev_buf_add_slow(b, p, n);
}
/* inline, so that the length of a string literal is known at compile time */
static inline void
ev_buf_adds(struct ev_buf *b, const char *s)
{
	ev_buf_add(b, s, strlen(s));
}
/* s (NULL: nothing) with ASCII letters lower-cased (keys) */
void	 ev_buf_add_lower(struct ev_buf *, const char *s);
static inline void
ev_buf_addc(struct ev_buf *b, char c)
{
	if (b->len + 1 < b->cap) {
		b->buf[b->len++] = c;
		b->buf[b->len] = '\0';
		return;
	}
	ev_buf_add_slow(b, &c, 1);
}
void	 ev_buf_addf(struct ev_buf *, const char *, ...)
	     __attribute__((format(printf, 2, 3)));
void	 ev_buf_vaddf(struct ev_buf *, const char *, va_list);
/* Appends v in decimal. */
void	 ev_buf_add_u64(struct ev_buf *, uint64_t v);
/* Appends code point cp in UTF-8 (see ev_utf8_put() in ev_util.h). */
void	 ev_buf_add_utf8(struct ev_buf *, uint32_t cp);
/* true when an append failed since init/reset. */
static inline bool
ev_buf_failed(const struct ev_buf *b)
{
	return b->oom;
}
/*
 * Hands the string over: returns a malloc'ed NUL-terminated copy (the
 * buffer itself when it owns storage) and leaves b empty.  NULL when an
 * allocation failed.  *len, when not NULL, gets the length.
 */
char	*ev_buf_detach(struct ev_buf *, size_t *len);

#endif
