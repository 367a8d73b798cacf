/*
 * ev_cols.c -- an event's packed columns (event.h): the layout that
 * events of one shape share, and the values, as pointers or, for events
 * stored in pooled arenas, as 32-bit offsets.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "ev_arena.h"
#include "ev_err.h"
#include "event.h"

_Static_assert(EV_NCOL <= 128, "a column set is two words");

/* Longest value copied into the arena to be reached by an offset. */
#define COL_COPY_MAX	64

/*
 * Sets r[k] to s as an offset from r in units of 8 bytes (ev_col()):
 * false when s is not 8-byte aligned or too far from r.
 */
static bool
col_offset(int32_t *r, unsigned k, const char *s)
{
	intptr_t d = (intptr_t)((uintptr_t)s - (uintptr_t)r);

	if (d % 8 != 0 || d / 8 < INT32_MIN || d / 8 > INT32_MAX)
		return false;
	r[k] = (int32_t)(d / 8);
	return true;
}

/*
 * col_offset(), or for a short value that is not an arena's own (a
 * constant such as "1", the tail of another value), of a copy in arena:
 * the copy costs less than pointers.  -1 when out of memory.
 */
static int
col_offset_copy(int32_t *r, unsigned k, const char *s,
    struct ev_arena *arena)
{
	size_t len;
	const char *c;

	if (col_offset(r, k, s))
		return 1;
	if ((len = strnlen(s, COL_COPY_MAX + 1)) > COL_COPY_MAX)
		return 0;
	if ((c = ev_arena_strndup(arena, s, len)) == NULL)
		return -1;
	return col_offset(r, k, c);
}

int
ev_cols_pack_set(struct ev_event *ev, const char *const *cols,
    const uint64_t set[2], struct ev_arena *arena)
{
	const char **v;
	uint8_t idx[EV_NCOL] = { 0 };
	uint8_t at[EV_NCOL];	/* the columns given, in order */
	unsigned n = 0;

	ev->colidx = NULL;
	ev->colv = NULL;
	ev->colrel = false;
	for (unsigned w = 0; w < 2; w++)
		for (uint64_t m = set[w]; m != 0; m &= m - 1) {
			unsigned c = w * 64 + (unsigned)__builtin_ctzll(m);

			if (c < EV_NCOL && cols[c] != NULL) {
				at[n] = (uint8_t)c;
				idx[c] = (uint8_t)++n;
			}
		}
	if (n == 0)
		return 0;
	if ((ev->colidx = ev_arena_dedup(arena, idx, sizeof(idx))) == NULL)
		return EV_ENOMEM;
	/* strings of pooled arenas are near: offsets when all are */
	if (arena->pooled) {
		int32_t *r = ev_arena_alloc(arena, n * sizeof(*r));
		int rel = 1;

		if (r == NULL)
			return EV_ENOMEM;
		for (unsigned k = 0; k < n && rel > 0; k++)
			rel = col_offset_copy(r, k, cols[at[k]], arena);
		if (rel < 0)
			return EV_ENOMEM;
		if (rel > 0) {
			ev->colv = r;
			ev->colrel = true;
			return 0;
		}
	}
	if ((v = ev_arena_alloc(arena, n * sizeof(*v))) == NULL)
		return EV_ENOMEM;
	for (unsigned k = 0; k < n; k++)
		v[k] = cols[at[k]];
	ev->colv = v;
	return 0;
}

int
ev_cols_pack(struct ev_event *ev, const char *const *cols,
    struct ev_arena *arena)
{
	uint64_t set[2] = { 0, 0 };

	for (unsigned c = 0; c < EV_NCOL; c++)
		if (cols[c] != NULL)
			set[c / 64] |= (uint64_t)1 << (c % 64);
	return ev_cols_pack_set(ev, cols, set, arena);
}

void
ev_cols_unpack(const struct ev_event *ev, const char **cols)
{
	for (int i = 0; i < EV_NCOL; i++)
		cols[i] = ev_col(ev, (enum ev_col)i);
}

int
ev_col_set(struct ev_event *ev, enum ev_col c, const char *v,
    struct ev_arena *arena)
{
	const char *cols[EV_NCOL];

	ev_cols_unpack(ev, cols);
	cols[c] = v;
	return ev_cols_pack(ev, cols, arena);
}
