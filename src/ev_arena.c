/*
 * ev_arena.c -- bump allocator (see ev_arena.h).
 *
 * Blocks are 64 KiB; a request larger than a quarter of that gets a
 * block of its own, linked behind the current one so the current block
 * keeps serving small requests.  Once an arena holds 2 MiB (the event
 * arenas of a read: the bulk of a scan's or dump's memory), its further
 * blocks are 2 MiB mappings of their own, aligned and advised as
 * transparent huge pages where the kernel offers them: one page fault
 * instead of 512.  Filling those arenas was a fifth of a scan's time in
 * page faults.  A mapping that fails falls back to malloc.
 *
 * A pooled arena's blocks are 2 MiB slices of one reservation the whole
 * process shares (PROT_NONE until a slice is handed out), so they lie
 * close together; freed slices go back to a list, their pages returned
 * to the system.
 *
 * The pool may be backed by a file (ev_arena_pool_file()): a slice
 * handed out then, past the threshold, is the file's bytes at the
 * slice's own offset in the reservation, mapped shared over it, its disk
 * blocks reserved first (posix_fallocate: a full disk is a slice that
 * stays anonymous, never a SIGBUS on a later write).  A slice given back is mapped anonymous
 * again and its bytes punched out of the file.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ev_arena.h"

#define ARENA_BLOCK	(64 * 1024)
#define ARENA_HUGE	((size_t)2 << 20)

struct ev_arena_block {
	struct ev_arena_block	*next;
	size_t			 size;
	bool			 mapped;	/* ARENA_HUGE mapping */
	bool			 pooled;	/* ARENA_HUGE slice of the pool */
	_Alignas(16) char	 data[];
};

/* b with its header set: size bytes of data, and where they come from. */
static struct ev_arena_block *
block_at(void *b, size_t size, bool mapped, bool pooled)
{
	struct ev_arena_block *blk = b;

	blk->size = size;
	blk->mapped = mapped;
	blk->pooled = pooled;
	return blk;
}

/* The first 2 MiB boundary at or after m. */
static char *
huge_align(char *m)
{
	return m + (ARENA_HUGE - (uintptr_t)m % ARENA_HUGE) % ARENA_HUGE;
}

#define POOL_SLICES	(EV_ARENA_POOL / ARENA_HUGE)

/*
 * The pool (ev_arena_pool()): reserved once, slices handed out in order.
 * The slices given back are listed here, not in themselves: writing to a
 * slice whose pages were returned would take a page (a huge one) again.
 */
static struct {
	pthread_once_t		 once;
	pthread_mutex_t		 lock;
	char			*base;		/* NULL: not reserved */
	size_t			 next;		/* bytes handed out */
	uint32_t		 free[POOL_SLICES];	/* slices given back */
	size_t			 nfree;
	int			 fd;		/* backing file, or -1 */
	size_t			 after;		/* back slices past this */
	uint32_t		 gen;		/* files set so far */
	size_t			 paged;		/* slices mapped from files */
	/* per slice: the gen of the file it is mapped from, 0: anonymous */
	uint32_t		 backed[POOL_SLICES];
	/* big arrays (ev_big_alloc()) */
	size_t			 big;		/* bytes in use, any backing */
	size_t			 big_paged;	/* bytes mapped from files */
	uint64_t		 big_off;	/* the file's next free offset */
} pool = { PTHREAD_ONCE_INIT, PTHREAD_MUTEX_INITIALIZER, NULL, 0, { 0 },
    0, -1, 0, 0, 0, { 0 }, 0, 0, EV_ARENA_POOL };

/* The reservation, on a 2 MiB boundary (slices are huge pages). */
static void
pool_reserve(void)
{
	char *m = mmap(NULL, EV_ARENA_POOL + ARENA_HUGE, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (m == MAP_FAILED)
		return;
	pool.base = huge_align(m);
}

/*
 * Maps slice k (at b) from the file fd of generation gen: true, or false
 * with the slice anonymous (to be made readable and writable) when the
 * disk has no room or the mapping fails.
 */
static bool
slice_back(struct ev_arena_block *b, size_t k, int fd, uint32_t gen)
{
	off_t off = (off_t)(k * ARENA_HUGE);
	void *m;

	if (posix_fallocate(fd, off, (off_t)ARENA_HUGE) != 0)
		return false;
	m = mmap(b, ARENA_HUGE, PROT_READ | PROT_WRITE, MAP_SHARED |
	    MAP_FIXED, fd, off);
	if (m == MAP_FAILED) {
		/* a failed MAP_FIXED may have unmapped the range */
		(void)mmap(b, ARENA_HUGE, PROT_NONE, MAP_PRIVATE |
		    MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
		(void)fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		    off, (off_t)ARENA_HUGE);
		return false;
	}
#ifdef MADV_POPULATE_WRITE
	/* the pages at once, writable: not a fault for each */
	(void)madvise(b, ARENA_HUGE, MADV_POPULATE_WRITE);
#endif
	pthread_mutex_lock(&pool.lock);
	pool.backed[k] = gen;
	pool.paged++;
	pthread_mutex_unlock(&pool.lock);
	return true;
}

/*
 * Slice k (at b), mapped from a file, anonymous again; its bytes go from
 * the file when that is still the pool's.  false when the slice could
 * not be mapped again: it is not handed out any more.
 */
static bool
slice_unback(struct ev_arena_block *b, size_t k)
{
	void *m;

	/* first out of the file, while the range is still the slice's */
	pthread_mutex_lock(&pool.lock);
	if (pool.fd != -1 && pool.backed[k] == pool.gen)
		(void)fallocate(pool.fd, FALLOC_FL_PUNCH_HOLE |
		    FALLOC_FL_KEEP_SIZE, (off_t)(k * ARENA_HUGE),
		    (off_t)ARENA_HUGE);
	pool.paged--;
	pthread_mutex_unlock(&pool.lock);
	m = mmap(b, ARENA_HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return false;
	pool.backed[k] = 0;
	return true;
}

/*
 * A slice of the pool as a block of ARENA_HUGE bytes, or NULL.  huge:
 * advised as a transparent huge page (as huge_block() does for an arena
 * that already holds 2 MiB); otherwise its pages come one by one, so
 * that a small pooled arena costs what it holds.
 */
static struct ev_arena_block *
pool_block(bool huge)
{
	struct ev_arena_block *b = NULL;
	size_t k = 0;
	uint32_t gen = 0;
	int fd = -1;

	(void)pthread_once(&pool.once, pool_reserve);
	if (pool.base == NULL)
		return NULL;
	pthread_mutex_lock(&pool.lock);
	if (pool.nfree > 0)
		k = pool.free[--pool.nfree];
	else if (pool.next + ARENA_HUGE <= EV_ARENA_POOL) {
		k = pool.next / ARENA_HUGE;
		pool.next += ARENA_HUGE;
	} else
		k = POOL_SLICES;
	/* the slices in use, this one included, past the threshold */
	if (pool.next - pool.nfree * ARENA_HUGE > pool.after)
		fd = pool.fd;
	gen = pool.gen;
	pthread_mutex_unlock(&pool.lock);
	if (k == POOL_SLICES)
		return NULL;
	b = (struct ev_arena_block *)(void *)(pool.base + k * ARENA_HUGE);
	if (fd != -1 && slice_back(b, k, fd, gen))
		huge = false;	/* the file's pages */
	else if (mprotect(b, ARENA_HUGE, PROT_READ | PROT_WRITE) != 0)
		return NULL;	/* the slice is lost, not the run */
#if defined(MADV_HUGEPAGE) && defined(MADV_NOHUGEPAGE)
	if (pool.backed[k] == 0)
		(void)madvise(b, ARENA_HUGE, huge ? MADV_HUGEPAGE :
		    MADV_NOHUGEPAGE);
#else
	(void)huge;
#endif
	return block_at(b, ARENA_HUGE - sizeof(*b), false, true);
}

/* A slice back to the pool, its pages returned to the system. */
static void
pool_free(struct ev_arena_block *b)
{
	size_t k = (size_t)((char *)b - pool.base) / ARENA_HUGE;

	if (pool.backed[k] != 0) {
		if (!slice_unback(b, k))
			return;
	} else
		(void)madvise(b, ARENA_HUGE, MADV_DONTNEED);
	pthread_mutex_lock(&pool.lock);
	pool.free[pool.nfree++] = (uint32_t)k;
	pthread_mutex_unlock(&pool.lock);
}

/*
 * A mapping of len bytes (a multiple of the page size) on a 2 MiB
 * boundary, its whole 2 MiB stretches advised as transparent huge pages;
 * NULL when it cannot be had.
 */
static char *
map_huge(size_t len)
{
	char *m, *at;
	size_t head;

	m = mmap(NULL, len + ARENA_HUGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	at = huge_align(m);
	head = (size_t)(at - m);
	if (head > 0)
		munmap(m, head);
	munmap(at + len, ARENA_HUGE - head);
#ifdef MADV_HUGEPAGE
	if (len >= ARENA_HUGE)
		(void)madvise(at, len / ARENA_HUGE * ARENA_HUGE,
		    MADV_HUGEPAGE);
#endif
	return at;
}

/* A block of ARENA_HUGE bytes, header included, on a 2 MiB boundary. */
static struct ev_arena_block *
huge_block(void)
{
	char *at = map_huge(ARENA_HUGE);

	return at == NULL ? NULL : block_at(at, ARENA_HUGE -
	    sizeof(struct ev_arena_block), true, false);
}

static void
block_free(struct ev_arena_block *b)
{
	if (b->pooled)
		pool_free(b);
	else if (b->mapped)
		munmap(b, ARENA_HUGE);
	else
		free(b);
}

#define TABLE_MIN	ARENA_HUGE	/* smaller tables: calloc */

/* A table's mapping: its size rounded up to pages. */
static size_t
table_size(size_t n)
{
	return (n + 4095) & ~(size_t)4095;
}

void *
ev_table_alloc(size_t n)
{
	if (n < TABLE_MIN || n > SIZE_MAX / 2)
		return calloc(1, n ? n : 1);
	return map_huge(table_size(n));
}

void
ev_table_free(void *p, size_t n)
{
	if (p == NULL)
		return;
	if (n < TABLE_MIN || n > SIZE_MAX / 2)
		free(p);
	else
		munmap(p, table_size(n));
}

void
ev_arena_init(struct ev_arena *a)
{
	*a = (struct ev_arena)EV_ARENA_INIT;
}

void
ev_arena_pool(struct ev_arena *a)
{
	a->pooled = true;
}

int
ev_arena_pool_file(int fd, size_t after)
{
	int old;

	(void)pthread_once(&pool.once, pool_reserve);
	if (pool.base == NULL && fd != -1)
		return -1;
	pthread_mutex_lock(&pool.lock);
	old = pool.fd;
	pool.fd = fd;
	pool.after = after;
	if (fd != -1)
		pool.gen++;
	pthread_mutex_unlock(&pool.lock);
	if (old != -1)
		close(old);
	return 0;
}

void
ev_arena_pool_advise(bool random)
{
	size_t len;

	(void)pthread_once(&pool.once, pool_reserve);
	if (pool.base == NULL)
		return;
	pthread_mutex_lock(&pool.lock);
	len = pool.next;
	pthread_mutex_unlock(&pool.lock);
	if (len > 0)
		(void)madvise(pool.base, len, random ? MADV_RANDOM :
		    MADV_NORMAL);
}

size_t
ev_arena_pool_paged(void)
{
	size_t n;

	pthread_mutex_lock(&pool.lock);
	n = pool.paged * ARENA_HUGE + pool.big_paged;
	pthread_mutex_unlock(&pool.lock);
	return n;
}

/*
 * Big arrays.  Each starts with a header of BIG_HEAD bytes: its size and
 * where it lives.  Mapped from the pool's file, it has file offsets of
 * its own past the slices' (which end at EV_ARENA_POOL), never reused,
 * punched out of the file when it is freed.
 */
#define BIG_HEAD	64
#define BIG_MIN		((size_t)256 << 10)	/* smaller: malloc always */
#define PAGE		4096

struct big_head {
	size_t		size;	/* bytes, header included */
	int64_t		off;	/* in the file, or -1: malloc */
	uint32_t	gen;	/* the file's */
};

static size_t
big_len(size_t size)
{
	return (size + PAGE - 1) & ~(size_t)(PAGE - 1);
}

/*
 * A mapping of size bytes from the pool's file, or NULL; with always,
 * whenever the pool has one, else past its threshold only.
 */
static struct big_head *
big_map(size_t size, bool always)
{
	size_t len = big_len(size);
	uint64_t off = 0;
	uint32_t gen = 0;
	int fd = -1;
	struct big_head *h;

	pthread_mutex_lock(&pool.lock);
	if (pool.fd != -1 && (always || pool.next - pool.nfree * ARENA_HUGE +
	    pool.big + size > pool.after) && pool.big_off <= INT64_MAX - len) {
		fd = pool.fd;
		gen = pool.gen;
		off = pool.big_off;
		pool.big_off += len;
	}
	pthread_mutex_unlock(&pool.lock);
	if (fd == -1 || posix_fallocate(fd, (off_t)off, (off_t)len) != 0)
		return NULL;
	h = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
	    (off_t)off);
	if (h == MAP_FAILED) {
		(void)fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		    (off_t)off, (off_t)len);
		return NULL;
	}
	/* tables read at random (the maps, the processes by node) */
	(void)madvise(h, len, MADV_RANDOM);
	h->off = (int64_t)off;
	h->gen = gen;
	pthread_mutex_lock(&pool.lock);
	pool.big_paged += len;
	pthread_mutex_unlock(&pool.lock);
	return h;
}

/* size more bytes in use (or fewer: add false). */
static void
big_count(size_t size, bool add)
{
	pthread_mutex_lock(&pool.lock);
	if (add)
		pool.big += size;
	else
		pool.big -= size;
	pthread_mutex_unlock(&pool.lock);
}

/*
 * n bytes (zeroed with zero) from the file when they qualify (always:
 * whenever the pool has one), else from malloc; NULL.
 */
static void *
big_new(size_t n, bool always, bool zero)
{
	struct big_head *h = NULL;
	size_t size;

	if (n > SIZE_MAX - BIG_HEAD - PAGE)
		return NULL;
	size = BIG_HEAD + n;
	if (n >= BIG_MIN)
		h = big_map(size, always);	/* a fresh range: zeros */
	if (h == NULL) {
		if ((h = zero ? calloc(1, size) : malloc(size)) == NULL)
			return NULL;
		h->off = -1;
	}
	h->size = size;
	big_count(size, true);
	return (char *)h + BIG_HEAD;
}

void *
ev_big_alloc(size_t n)
{
	return big_new(n, false, false);
}

void *
ev_big_alloc_paged(size_t n)
{
	return big_new(n, true, false);
}

void *
ev_big_calloc(size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	return big_new(n * size, false, true);
}

static struct big_head *
big_head(void *p)
{
	return (struct big_head *)(void *)((char *)p - BIG_HEAD);
}

void
ev_big_free(void *p)
{
	struct big_head *h;
	size_t size, len;
	int64_t off;
	uint32_t gen;

	if (p == NULL)
		return;
	h = big_head(p);
	size = h->size;
	off = h->off;
	gen = h->gen;
	len = big_len(size);
	if (off < 0)
		free(h);
	else
		munmap(h, len);
	pthread_mutex_lock(&pool.lock);
	pool.big -= size;
	if (off >= 0) {
		pool.big_paged -= len;
		if (pool.fd != -1 && gen == pool.gen)
			(void)fallocate(pool.fd, FALLOC_FL_PUNCH_HOLE |
			    FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len);
	}
	pthread_mutex_unlock(&pool.lock);
}

void *
ev_big_realloc(void *p, size_t n)
{
	struct big_head *h, *nh = NULL;
	size_t old;
	void *q;

	if (p == NULL)
		return ev_big_alloc(n);
	if (n > SIZE_MAX - BIG_HEAD - PAGE)
		return NULL;
	h = big_head(p);
	old = h->size - BIG_HEAD;
	if (n >= BIG_MIN && (nh = big_map(BIG_HEAD + n, false)) != NULL) {
		/* into the file */
		nh->size = BIG_HEAD + n;
		big_count(nh->size, true);
	} else if (h->off < 0) {
		/* malloc's own realloc (a big block: mremap) */
		size_t was = h->size;

		if ((h = realloc(h, BIG_HEAD + n)) == NULL)
			return NULL;
		h->size = BIG_HEAD + n;
		big_count(was, false);
		big_count(h->size, true);
		return (char *)h + BIG_HEAD;
	} else if ((q = big_new(n, false, false)) == NULL)
		return NULL;
	else
		nh = big_head(q);
	memcpy((char *)nh + BIG_HEAD, p, old < n ? old : n);
	ev_big_free(p);
	return (char *)nh + BIG_HEAD;
}


void
ev_arena_release(struct ev_arena *a)
{
	struct ev_arena_block *b, *next;
	bool pooled = a->pooled;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		block_free(b);
	}
	ev_arena_init(a);
	a->pooled = pooled;
}

void
ev_arena_reset(struct ev_arena *a)
{
	struct ev_arena_block *b, *next, *keep = NULL;
	bool pooled = a->pooled;

	/* keep the last (first allocated, normal-sized) block */
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		if (next == NULL && b->size == ARENA_BLOCK && !b->mapped &&
		    !b->pooled)
			keep = b;
		else
			block_free(b);
	}
	ev_arena_init(a);
	a->pooled = pooled;
	if (keep != NULL) {
		keep->next = NULL;
		a->head = keep;
		a->ptr = keep->data;
		a->end = keep->data + keep->size;
		a->total = keep->size;
	}
}

/*
 * ev_arena_alloc() when the current block is full: a new block.  Out of
 * line, so the common case saves no registers.
 */
static void *__attribute__((noinline))
alloc_block(struct ev_arena *a, size_t n)
{
	struct ev_arena_block *b;

	if (n > SIZE_MAX - sizeof(*b) - ARENA_BLOCK)
		return NULL;
	if (n > (a->pooled ? ARENA_HUGE : ARENA_BLOCK) / 4) {
		/* big request: own block, behind the current one */
		if ((b = malloc(sizeof(*b) + n)) == NULL)
			return NULL;
		block_at(b, n, false, false);
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
	b = a->pooled ? pool_block(a->total >= ARENA_HUGE) :
	    a->total >= ARENA_HUGE ? huge_block() : NULL;
	if (b == NULL) {
		if ((b = malloc(sizeof(*b) + ARENA_BLOCK)) == NULL)
			return NULL;
		block_at(b, ARENA_BLOCK, false, false);
	}
	b->next = a->head;
	a->head = b;
	a->total += b->size;
	a->ptr = b->data + n;
	a->end = b->data + b->size;
	return b->data;
}

void *
ev_arena_alloc(struct ev_arena *a, size_t n)
{
	char *p;

	n = (n + 7) & ~(size_t)7;
	if (n == 0)
		n = 8;
	if (a->ptr != NULL && (size_t)(a->end - a->ptr) >= n) {
		p = a->ptr;
		a->ptr += n;
		return p;
	}
	return alloc_block(a, n);
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

/*
 * A remembered copy starts with its size (a size_t before the bytes), so
 * copies of other sizes never compare equal.
 */
const void *
ev_arena_dedup(struct ev_arena *a, const void *p, size_t n)
{
	size_t *c;

	for (unsigned i = 0; i < EV_ARENA_NDEDUP; i++) {
		const size_t *d = a->dedup[i];

		if (d != NULL && d[-1] == n && memcmp(d, p, n) == 0)
			return d;
	}
	if ((c = ev_arena_alloc(a, sizeof(*c) + n)) == NULL)
		return NULL;
	c[0] = n;
	memcpy(c + 1, p, n);
	a->dedup[a->ndedup++ % EV_ARENA_NDEDUP] = c + 1;
	return c + 1;
}
