/*
 * ev_arena.h -- bump allocator for data that lives and dies together.
 *
 * Decoded records, normalised events and their strings are carved from an
 * arena and freed all at once.  Blocks are never moved, so pointers stay
 * valid until ev_arena_release() (or ev_arena_reset()).  Not thread-safe:
 * one arena per thread.
 */
#ifndef EV_ARENA_H
#define EV_ARENA_H

#include <stdbool.h>
#include <stddef.h>

struct ev_arena_block;

#define EV_ARENA_NDEDUP	8	/* copies ev_arena_dedup() remembers */

struct ev_arena {
	struct ev_arena_block	*head;	/* current block, linked to older */
	char			*ptr;	/* next free byte in head */
	char			*end;
	size_t			 total;	/* bytes held in blocks */
	const void		*dedup[EV_ARENA_NDEDUP];	/* recent copies */
	unsigned		 ndedup;	/* made so far (next slot) */
	bool			 pooled;	/* ev_arena_pool() */
};

#define EV_ARENA_INIT { NULL, NULL, NULL, 0, { NULL }, 0, false }

void	 ev_arena_init(struct ev_arena *);
/*
 * Makes an empty arena take its blocks from the process's pool: one
 * reservation of address space (EV_ARENA_POOL bytes, taken at the first
 * use) shared by every pooled arena, so that whatever pooled arenas hold
 * lies within EV_ARENA_POOL bytes of each other (event.h's relative
 * columns rely on it).  When the pool cannot be reserved or is full, and
 * for requests of over a quarter of a 2 MiB slice, blocks come from
 * malloc as in any arena.  The arena stays pooled through resets.
 */
#define EV_ARENA_POOL	(sizeof(void *) > 4 ? (size_t)16 << 30 : \
			    (size_t)256 << 20)
void	 ev_arena_pool(struct ev_arena *);
/*
 * Backs the pool's slices handed out from now on while its slices in use
 * hold more than after bytes with fd, a temporary file open for reading
 * and writing (unlinked: it goes with the process): each slice is the
 * file's bytes at the slice's offset in the reservation, mapped shared,
 * so that the kernel writes its pages back and evicts them under memory
 * pressure rather than the process running out of memory.  The disk blocks are reserved as slices are handed out;
 * where the disk is full, a slice is anonymous memory as without a file.
 * The pool owns fd and closes it when another (or -1, which stops the
 * backing) is set; slices mapped from it stay valid.  Not while other
 * threads take pooled memory (the descriptor is used outside the pool's
 * lock).  0, or -1 (fd not taken) when the pool cannot be reserved.
 */
int	 ev_arena_pool_file(int fd, size_t after);
/*
 * How the pool's pages that were written out are read back when touched
 * (madvise): random, one page at a time, for a step that reads events
 * at random (the report's process trees), else with readahead.
 */
void	 ev_arena_pool_advise(bool random);
/* Bytes of the pool's slices and big arrays mapped from files now. */
size_t	 ev_arena_pool_paged(void);
/*
 * Big arrays that grow with the evidence (a table per event, per process
 * or per finding), counted with the pool's slices: while the pool is
 * backed by a file and the two hold more than its threshold, an array of
 * 256 KiB or more is a shared mapping of that file (its own bytes, past
 * the slices'), paged out under memory pressure as the slices are and
 * read back a page at a time (tables are read at random); else it is
 * malloc's.  Thread-safe.  ev_big_alloc(): n bytes, not zeroed,
 * or NULL; ev_big_calloc(): n of size bytes, zeroed, or NULL;
 * ev_big_realloc(): as realloc() (NULL: p untouched);
 * ev_big_free() frees what the two return (never free() it: the bytes
 * follow a header), NULL ignored.  EV_BIG_GROW() is EV_GROW() (ev_util.h)
 * for such arrays.
 */
void	*ev_big_alloc(size_t n);
/*
 * ev_big_alloc() from the pool's file whenever it has one, under its
 * threshold too: for an array the run past its budget fills anyway (the
 * table of the events loaded back), so that it need not grow into it.
 */
void	*ev_big_alloc_paged(size_t n);
void	*ev_big_calloc(size_t n, size_t size);
void	*ev_big_realloc(void *p, size_t n);
void	 ev_big_free(void *p);
#define EV_BIG_GROW(v, n, cap, first) \
	((n) < (cap) ? 0 : ev_grow_with(&(v), &(cap), (n), sizeof(*(v)), \
	    (first), ev_big_realloc))
/*
 * n zeroed bytes for a large table read at random (a matching memo's
 * slots), in a mapping of its own whose whole 2 MiB stretches are
 * advised as transparent huge pages: filling it takes a page fault per
 * 2 MiB, not one per 4 KiB page (each of which costs more than the
 * zeroing in a virtual machine); below 2 MiB, calloc.  NULL when out of
 * memory; free with ev_table_free(p, the same n).
 */
void	*ev_table_alloc(size_t n);
void	 ev_table_free(void *p, size_t n);
/* Frees every block; the arena is empty and reusable. */
void	 ev_arena_release(struct ev_arena *);
/* Keeps the first block, frees the rest, forgets every allocation. */
void	 ev_arena_reset(struct ev_arena *);
/* n bytes aligned to 8; NULL when out of memory. */
void	*ev_arena_alloc(struct ev_arena *, size_t n);
/*
 * n bytes equal to the n at p: one of the last EV_ARENA_NDEDUP copies
 * this call made in the arena with the same n when one is equal (small
 * blocks that repeat, such as an event's column layout, are kept once),
 * else a new copy.  Forgotten by a reset.  NULL when out of memory.
 */
const void *ev_arena_dedup(struct ev_arena *, const void *p, size_t n);
/* zero-filled ev_arena_alloc */
void	*ev_arena_calloc(struct ev_arena *, size_t n);
/* NUL-terminated copy of the n bytes at s; NULL when out of memory. */
char	*ev_arena_strndup(struct ev_arena *, const char *s, size_t n);
char	*ev_arena_strdup(struct ev_arena *, const char *s);

#endif
