/*
 * ev_arena.c -- bump allocator (see ev_arena.h).
 *
 * Blocks grow from 64 KiB; a request larger than a quarter of the block
 * size gets a block of its own, linked behind the current one so the
 * current block keeps serving small requests.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ev_arena.h"

#define ARENA_BLOCK	(64 * 1024)

struct ev_arena_block {
	struct ev_arena_block	*next;
	size_t			 size;
	_Alignas(16) char	 data[];
};

void
ev_arena_init(struct ev_arena *a)
{
	a->head = NULL;
	a->ptr = a->end = NULL;
	a->total = 0;
}

void
ev_arena_release(struct ev_arena *a)
{
	struct ev_arena_block *b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	ev_arena_init(a);
}

void
ev_arena_reset(struct ev_arena *a)
{
	struct ev_arena_block *b, *next, *keep = NULL;

	/* keep the last (first allocated, normal-sized) block */
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		if (next == NULL && b->size == ARENA_BLOCK)
			keep = b;
		else
			free(b);
	}
	ev_arena_init(a);
	if (keep != NULL) {
		keep->next = NULL;
		a->head = keep;
		a->ptr = keep->data;
		a->end = keep->data + keep->size;
		a->total = keep->size;
	}
}

void *
ev_arena_alloc(struct ev_arena *a, size_t n)
{
	struct ev_arena_block *b;
	char *p;

	n = (n + 7) & ~(size_t)7;
	if (n == 0)
		n = 8;
	if (a->ptr != NULL && (size_t)(a->end - a->ptr) >= n) {
		p = a->ptr;
		a->ptr += n;
		return p;
	}
	if (n > SIZE_MAX - sizeof(*b) - ARENA_BLOCK)
		return NULL;
	if (n > ARENA_BLOCK / 4) {
		/* big request: own block, behind the current one */
		b = malloc(sizeof(*b) + n);
		if (b == NULL)
			return NULL;
		b->size = n;
		a->total += n;
		if (a->head != NULL) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = NULL;
			a->head = b;
			a->ptr = a->end = b->data + n;
		}
		return b->data;
	}
	b = malloc(sizeof(*b) + ARENA_BLOCK);
	if (b == NULL)
		return NULL;
	b->size = ARENA_BLOCK;
	b->next = a->head;
	a->head = b;
	a->total += ARENA_BLOCK;
	a->ptr = b->data + n;
	a->end = b->data + ARENA_BLOCK;
	return b->data;
}

void *
ev_arena_calloc(struct ev_arena *a, size_t n)
{
	void *p = ev_arena_alloc(a, n);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

char *
ev_arena_strndup(struct ev_arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		return NULL;
	p = ev_arena_alloc(a, n + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
ev_arena_strdup(struct ev_arena *a, const char *s)
{
	return ev_arena_strndup(a, s, strlen(s));
}
