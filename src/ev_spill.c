/*
 * ev_spill.c -- events in temporary files and the merge of sorted runs
 * (see ev_spill.h).
 *
 * A record, native byte order, no padding:
 *   0 len (u32, bytes after this field)
 *   4 time  12 record_id  20 offset  28 dup_record (u64)
 *  36 chunk  40 file_id  44 event_id  48 ndata  52 nhits (u32)
 *  56 version  57 kind  58 flags (u8: 1 recovered, 2 unresolved,
 *     4 user_sid, 8 dlen)  59 0
 *  60 columns present (u64 [2], bit per enum ev_col)
 *  76 hits (u32 [nhits]), data lengths (u32 [ndata], flag 8)
 *   . strings: each present column, the user SID, then name and value of
 *     every data pair, each as u32 n, n bytes, NUL; a column that is a
 *     data value (ev_normalise() shares them) is u32 REF_DATA and the
 *     u32 index of the pair instead, and shares it again when read
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ev_spill.h"

#define REC_FIXED	76
/* the columns present, a bit each */
#define MASK_WORDS	2
_Static_assert(EV_NCOL <= 64 * MASK_WORDS, "spill column mask too small");
#define F_RECOVERED	1
#define F_UNRESOLVED	2
#define F_USER_SID	4
#define F_DLEN		8
#define SPILL_BUF	(64 * 1024)	/* write buffer, read chunk */
#define REC_MAX		(256u << 20)	/* a record longer is corrupt */
#define REF_DATA	UINT32_MAX	/* the column is a data value */

int
ev_spill_tmpfile(const char *dir, struct ev_err *err)
{
	struct ev_buf path = EV_BUF_INIT;
	int fd;

	ev_buf_adds(&path, dir);
	if (path.len > 0 && path.buf[path.len - 1] != '/')
		ev_buf_addc(&path, '/');
	ev_buf_adds(&path, "evtxhunt-spill.XXXXXX");
	if (ev_buf_failed(&path))
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	if ((fd = mkstemp(path.buf)) == -1) {
		ev_buf_release(&path);
		return EV_ERR_SYS(err, "cannot create a temporary file in "
		    "'%s'", dir);
	}
	/* nameless from now on: the space goes with the last close */
	unlink(path.buf);
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	ev_buf_release(&path);
	return fd;
}

int
ev_spill_open(struct ev_spill *sp, const char *dir, struct ev_err *err)
{
	int fd;

	sp->fd = -1;
	sp->size = 0;
	sp->dir = dir;
	ev_buf_init(&sp->wbuf);
	if ((fd = ev_spill_tmpfile(dir, err)) < 0)
		return fd;
	sp->fd = fd;
	return 0;
}

void
ev_spill_close(struct ev_spill *sp)
{
	if (sp->fd != -1)
		close(sp->fd);
	sp->fd = -1;
	ev_buf_release(&sp->wbuf);
}

int
ev_spill_flush(struct ev_spill *sp, struct ev_err *err)
{
	const char *p = sp->wbuf.buf;
	size_t n = sp->wbuf.len;

	while (n > 0) {
		ssize_t w = write(sp->fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = ENOSPC;
			return EV_ERR_SYS(err, "cannot write a temporary "
			    "file in '%s'", sp->dir);
		}
		p += w;
		n -= (size_t)w;
	}
	ev_buf_reset(&sp->wbuf);
	return 0;
}

static void
put32(struct ev_buf *b, uint32_t v)
{
	ev_buf_add(b, &v, 4);
}

static void
put64(struct ev_buf *b, uint64_t v)
{
	ev_buf_add(b, &v, 8);
}

static void
put_str(struct ev_buf *b, const char *s)
{
	size_t n = strlen(s);

	put32(b, (uint32_t)n);
	ev_buf_add(b, s, n + 1);
}

int
ev_spill_put(struct ev_spill *sp, const struct ev_event *ev,
    struct ev_err *err)
{
	struct ev_buf *b = &sp->wbuf;
	size_t start = b->len;
	uint64_t mask[MASK_WORDS] = { 0 };
	uint32_t len;
	uint8_t fl[4] = { ev->version, ev->kind, 0, 0 };

	for (int i = 0; i < EV_NCOL; i++)
		if (ev_col(ev, i) != NULL)
			mask[i / 64] |= (uint64_t)1 << (i % 64);
	fl[2] = (uint8_t)((ev->recovered ? F_RECOVERED : 0) |
	    (ev->unresolved ? F_UNRESOLVED : 0) |
	    (ev->user_sid != NULL ? F_USER_SID : 0) |
	    (ev->dlen != NULL ? F_DLEN : 0));
	put32(b, 0);		/* the length, set below */
	put64(b, ev->time);
	put64(b, ev->record_id);
	put64(b, ev->offset);
	put64(b, ev->dup_record);
	put32(b, ev->chunk);
	put32(b, ev->file_id);
	put32(b, ev->event_id);
	put32(b, ev->ndata);
	put32(b, ev->nhits);
	ev_buf_add(b, fl, 4);
	for (int w = 0; w < MASK_WORDS; w++)
		put64(b, mask[w]);
	if (ev->nhits > 0)
		ev_buf_add(b, ev->hits, ev->nhits * sizeof(uint32_t));
	if (ev->dlen != NULL && ev->ndata > 0)
		ev_buf_add(b, ev->dlen, ev->ndata * sizeof(uint32_t));
	for (int i = 0; i < EV_NCOL; i++) {
		uint32_t k;

		if (ev_col(ev, i) == NULL)
			continue;
		for (k = 0; k < ev->ndata; k++)
			if (ev_col(ev, i) == ev->data[k].value)
				break;
		if (k < ev->ndata) {
			put32(b, REF_DATA);
			put32(b, k);
		} else
			put_str(b, ev_col(ev, i));
	}
	if (ev->user_sid != NULL)
		put_str(b, ev->user_sid);
	for (uint32_t i = 0; i < ev->ndata; i++) {
		put_str(b, ev->data[i].name);
		put_str(b, ev->data[i].value);
	}
	if (ev_buf_failed(b))
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	len = (uint32_t)(b->len - start - 4);
	memcpy(b->buf + start, &len, 4);
	sp->size += b->len - start;
	if (b->len >= SPILL_BUF)
		return ev_spill_flush(sp, err);
	return 0;
}

int
ev_spill_put_raw(struct ev_spill *sp, const void *rec, size_t len,
    struct ev_err *err)
{
	uint32_t n = (uint32_t)len;

	put32(&sp->wbuf, n);
	ev_buf_add(&sp->wbuf, rec, len);
	if (ev_buf_failed(&sp->wbuf))
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	sp->size += 4 + len;
	if (sp->wbuf.len >= SPILL_BUF)
		return ev_spill_flush(sp, err);
	return 0;
}

/* ---- reading ---- */

static uint32_t
get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t
get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* The string at *p (below end); NULL when it overruns the record. */
static const char *
get_str(const unsigned char **p, const unsigned char *end)
{
	const char *s;
	uint32_t n;

	if (end - *p < 4)
		return NULL;
	n = get32(*p);
	if ((size_t)(end - *p) - 4 < (size_t)n + 1 || (*p)[4 + n] != '\0')
		return NULL;
	s = (const char *)*p + 4;
	*p += 4 + (size_t)n + 1;
	return s;
}

/*
 * Sets *ev from the record rec[0..len) (after the length field); arrays
 * come from arena, strings point into rec.  0, EV_ENOMEM or EV_ECORRUPT.
 */
static int
decode(const unsigned char *rec, size_t len, struct ev_arena *arena,
    struct ev_event *ev)
{
	const unsigned char *p, *end = rec + len;
	uint64_t mask[MASK_WORDS], refs[MASK_WORDS] = { 0 };
	uint32_t nhits, ndata, ref[EV_NCOL];
	const char *cols[EV_NCOL] = { NULL };
	struct ev_pair *pairs = NULL;
	uint8_t fl;

	if (len < REC_FIXED - 4)
		return EV_ECORRUPT;
	memset(ev, 0, sizeof(*ev));
	ev->time = get64(rec);
	ev->record_id = get64(rec + 8);
	ev->offset = get64(rec + 16);
	ev->dup_record = get64(rec + 24);
	ev->chunk = get32(rec + 32);
	ev->file_id = get32(rec + 36);
	ev->event_id = get32(rec + 40);
	ndata = get32(rec + 44);
	nhits = get32(rec + 48);
	ev->version = rec[52];
	ev->kind = rec[53];
	fl = rec[54];
	ev->recovered = (fl & F_RECOVERED) != 0;
	ev->unresolved = (fl & F_UNRESOLVED) != 0;
	for (int w = 0; w < MASK_WORDS; w++)
		mask[w] = get64(rec + 56 + 8 * w);
	p = rec + REC_FIXED - 4;
	if ((size_t)(end - p) / 4 < (size_t)nhits + ((fl & F_DLEN) ?
	    ndata : 0))
		return EV_ECORRUPT;
	if (nhits > 0) {
		uint32_t *h = ev_arena_alloc(arena, nhits * sizeof(*h));

		if (h == NULL)
			return EV_ENOMEM;
		memcpy(h, p, nhits * sizeof(*h));
		p += nhits * sizeof(*h);
		ev->hits = h;
		ev->nhits = nhits;
	}
	if (fl & F_DLEN) {
		uint32_t *d = ev_arena_alloc(arena, (ndata ? ndata : 1) *
		    sizeof(*d));

		if (d == NULL)
			return EV_ENOMEM;
		memcpy(d, p, ndata * sizeof(*d));
		p += ndata * sizeof(*d);
		ev->dlen = d;
	}
	for (int i = 0; i < EV_NCOL; i++) {
		if (!(mask[i / 64] >> (i % 64) & 1))
			continue;
		if (end - p >= 8 && get32(p) == REF_DATA) {
			ref[i] = get32(p + 4);
			refs[i / 64] |= (uint64_t)1 << (i % 64);
			p += 8;
		} else if ((cols[i] = get_str(&p, end)) == NULL)
			return EV_ECORRUPT;
	}
	if ((fl & F_USER_SID) && (ev->user_sid = get_str(&p, end)) == NULL)
		return EV_ECORRUPT;
	if (ndata > 0 && ((size_t)(end - p) / 10 < ndata ||
	    (pairs = ev_arena_alloc(arena, ndata * sizeof(*pairs))) == NULL))
		return (size_t)(end - p) / 10 < ndata ? EV_ECORRUPT :
		    EV_ENOMEM;
	for (uint32_t i = 0; i < ndata; i++)
		if ((pairs[i].name = get_str(&p, end)) == NULL ||
		    (pairs[i].value = get_str(&p, end)) == NULL)
			return EV_ECORRUPT;
	ev->data = pairs;
	ev->ndata = ndata;
	for (int i = 0; i < EV_NCOL; i++)
		if (refs[i / 64] >> (i % 64) & 1) {
			if (ref[i] >= ndata)
				return EV_ECORRUPT;
			cols[i] = pairs[ref[i]].value;
		}
	if (p != end)
		return EV_ECORRUPT;
	return ev_cols_pack(ev, cols, arena);
}

void
ev_spill_rd_init(struct ev_spill_rd *rd, const struct ev_spill *sp,
    uint64_t from, uint64_t to)
{
	memset(rd, 0, sizeof(*rd));
	rd->sp = sp;
	rd->off = from;
	rd->to = to;
	ev_arena_init(&rd->arena);
}

void
ev_spill_rd_release(struct ev_spill_rd *rd)
{
	free(rd->buf);
	ev_arena_release(&rd->arena);
	memset(rd, 0, sizeof(*rd));
}

/* n bytes at off of sp into buf.  0 or EV_EIO / EV_ECORRUPT with err. */
static int
read_full(const struct ev_spill *sp, uint64_t off, void *buf, size_t n,
    struct ev_err *err)
{
	size_t done = 0;

	if (off > sp->size || n > sp->size - off)
		return EV_ERR(err, EV_ECORRUPT, 0, "a temporary file in '%s' "
		    "is damaged", sp->dir);
	while (done < n) {
		ssize_t r = pread(sp->fd, (char *)buf + done, n - done,
		    (off_t)(off + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;	/* shorter than written */
			return EV_ERR_SYS(err, "cannot read a temporary file "
			    "in '%s'", sp->dir);
		}
		done += (size_t)r;
	}
	return 0;
}

/* Makes buf[pos..) hold at least need bytes.  1, 0 at the end, or <0. */
static int
fill(struct ev_spill_rd *rd, size_t need, struct ev_err *err)
{
	int rc;

	while (rd->len - rd->pos < need) {
		size_t want;

		if (rd->pos > 0) {
			memmove(rd->buf, rd->buf + rd->pos, rd->len - rd->pos);
			rd->len -= rd->pos;
			rd->pos = 0;
		}
		if (rd->off >= rd->to)
			return 0;
		if (rd->cap < need || rd->cap - rd->len < SPILL_BUF / 2) {
			size_t cap = rd->len + (need > SPILL_BUF ? need :
			    SPILL_BUF);
			unsigned char *b = realloc(rd->buf, cap);

			if (b == NULL)
				return EV_ERR(err, EV_ENOMEM, 0,
				    "out of memory");
			rd->buf = b;
			rd->cap = cap;
		}
		want = rd->cap - rd->len;
		if (want > rd->to - rd->off)
			want = (size_t)(rd->to - rd->off);
		if ((rc = read_full(rd->sp, rd->off, rd->buf + rd->len, want,
		    err)) != 0)
			return rc;
		rd->len += want;
		rd->off += want;
	}
	return 1;
}

int
ev_spill_next(struct ev_spill_rd *rd, struct ev_err *err)
{
	uint32_t n;
	int rc;

	rd->ev = NULL;
	rd->pos += rd->reclen;
	rd->reclen = 0;
	if ((rc = fill(rd, 4, err)) <= 0)
		return rc;
	n = get32(rd->buf + rd->pos);
	if (n > REC_MAX)
		return EV_ERR(err, EV_ECORRUPT, 0, "a temporary file in '%s' "
		    "is damaged", rd->sp->dir);
	if ((rc = fill(rd, 4 + (size_t)n, err)) <= 0)
		return rc < 0 ? rc : EV_ERR(err, EV_ECORRUPT, 0, "a "
		    "temporary file in '%s' is damaged", rd->sp->dir);
	rd->pos += 4;
	rd->rec = rd->buf + rd->pos;
	rd->reclen = n;
	ev_arena_reset(&rd->arena);
	if ((rd->ev = ev_arena_alloc(&rd->arena, sizeof(*rd->ev))) == NULL)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	if ((rc = decode(rd->rec, n, &rd->arena, rd->ev)) != 0) {
		rd->ev = NULL;
		return rc == EV_ENOMEM ? EV_ERR(err, rc, 0, "out of memory") :
		    EV_ERR(err, rc, 0, "a temporary file in '%s' is damaged",
		    rd->sp->dir);
	}
	return 1;
}

int
ev_spill_read_at(const struct ev_spill *sp, uint64_t at,
    struct ev_arena *arena, struct ev_event **ev, struct ev_err *err)
{
	unsigned char hdr[4], *rec;
	uint32_t n;
	int rc;

	*ev = NULL;
	if ((rc = read_full(sp, at, hdr, 4, err)) != 0)
		return rc;
	if ((n = get32(hdr)) > REC_MAX)
		return EV_ERR(err, EV_ECORRUPT, 0, "a temporary file in '%s' "
		    "is damaged", sp->dir);
	if ((rec = ev_arena_alloc(arena, n ? n : 1)) == NULL ||
	    (*ev = ev_arena_alloc(arena, sizeof(**ev))) == NULL)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	if ((rc = read_full(sp, at + 4, rec, n, err)) != 0)
		return rc;
	if ((rc = decode(rec, n, arena, *ev)) != 0) {
		*ev = NULL;
		return rc == EV_ENOMEM ? EV_ERR(err, rc, 0, "out of memory") :
		    EV_ERR(err, rc, 0, "a temporary file in '%s' is damaged",
		    sp->dir);
	}
	return 0;
}

struct ev_event *
ev_spill_copy(struct ev_arena *arena, const void *rec, size_t len)
{
	unsigned char *copy = ev_arena_alloc(arena, len ? len : 1);
	struct ev_event *ev = ev_arena_alloc(arena, sizeof(*ev));

	if (copy == NULL || ev == NULL)
		return NULL;
	memcpy(copy, rec, len);
	return decode(copy, len, arena, ev) == 0 ? ev : NULL;
}

/* ---- merging ---- */

/*
 * The records of one time kept for the duplicate check: duplicates have
 * the same time, and the merge meets every record of a time in a row.
 */
struct group {
	struct ev_arena	 arena;		/* copies of the records */
	struct ev_event	**ev;		/* kept, in output order */
	size_t		 n, cap;
	size_t		*slot;		/* open addressing: index + 1 */
	size_t		 tcap;		/* 0 or a power of 2 > 2 n */
};

/* The slot of e in the table: its own, or the empty one it would take. */
static size_t *
group_find(struct group *g, const struct ev_event *e)
{
	size_t i = (size_t)ev_dup_hash(e) & (g->tcap - 1);

	while (g->slot[i] != 0 && !ev_dup_equal(g->ev[g->slot[i] - 1], e))
		i = (i + 1) & (g->tcap - 1);
	return &g->slot[i];
}

/* Makes the table hold more than 2 n entries.  0 or EV_ENOMEM. */
static int
group_table(struct group *g)
{
	size_t cap = g->tcap ? g->tcap * 2 : 64;

	if (g->tcap > 2 * g->n)
		return 0;
	free(g->slot);
	if ((g->slot = calloc(cap, sizeof(*g->slot))) == NULL) {
		g->tcap = 0;
		return EV_ENOMEM;
	}
	g->tcap = cap;
	for (size_t k = 0; k < g->n; k++)
		*group_find(g, g->ev[k]) = k + 1;
	return 0;
}

static int
group_add(struct group *g, const struct ev_spill_rd *rd)
{
	struct ev_event *ev;

	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 16;
		struct ev_event **e = realloc(g->ev, cap * sizeof(*e));

		if (e == NULL)
			return EV_ENOMEM;
		g->ev = e;
		g->cap = cap;
	}
	if ((ev = ev_spill_copy(&g->arena, rd->rec, rd->reclen)) == NULL ||
	    group_table(g) != 0)
		return EV_ENOMEM;
	g->ev[g->n++] = ev;
	*group_find(g, ev) = g->n;
	return 0;
}

/* Writes the kept records of the group and empties it. */
static int
group_flush(struct group *g, struct ev_spill *out, struct ev_err *err)
{
	int rc = 0;

	for (size_t i = 0; i < g->n && rc == 0; i++)
		rc = ev_spill_put(out, g->ev[i], err);
	/* a table grown for a crowded time is not cleared at every time */
	if (g->tcap > 1024) {
		free(g->slot);
		g->slot = NULL;
		g->tcap = 0;
	} else if (g->tcap > 0)
		memset(g->slot, 0, g->tcap * sizeof(*g->slot));
	g->n = 0;
	ev_arena_reset(&g->arena);
	return rc;
}

/*
 * The duplicate check of the current record of rd against the kept
 * records of its time (ingest.c's merge_shards() does the same with a
 * table over every event): 1 when it was a duplicate (dropped, or put in
 * the place of a recovered copy), 0 when it is new.  A table, so that
 * many records of one time (a crafted log) take linear time.
 */
static int
group_dup(struct group *g, const struct ev_spill_rd *rd,
    struct ev_spill_counts *c)
{
	const struct ev_event *e = rd->ev;
	struct ev_event *old, *ev;
	size_t *slot;

	if (g->n == 0)
		return 0;
	if ((slot = group_find(g, e)) == NULL || *slot == 0)
		return 0;
	old = g->ev[*slot - 1];
	c->dropped++;
	if (old->recovered && !e->recovered) {
		/* the allocated record takes the recovered's place */
		if ((ev = ev_spill_copy(&g->arena, rd->rec, rd->reclen)) ==
		    NULL)
			return EV_ENOMEM;
		if (old->file_id < c->nfiles) {
			c->duplicates[old->file_id]++;
			c->events[old->file_id]--;
		}
		if (e->file_id < c->nfiles)
			c->events[e->file_id]++;
		g->ev[*slot - 1] = ev;
	} else if (e->file_id < c->nfiles)
		c->duplicates[e->file_id]++;
	return 1;
}

/* A heap of readers by their current record (output order). */
static bool
rd_less(const struct ev_spill_rd *a, const struct ev_spill_rd *b)
{
	return ev_order_cmp(a->ev, b->ev) < 0;
}

static void
heap_down(struct ev_spill_rd **h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		struct ev_spill_rd *t;

		if (l < n && rd_less(h[l], h[m]))
			m = l;
		if (l + 1 < n && rd_less(h[l + 1], h[m]))
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* Passes the smallest record of the heap on; 0 or an error. */
static int
emit(struct ev_spill_rd *top, struct ev_spill *out, struct group *g,
    struct ev_spill_counts *c, struct ev_err *err)
{
	int rc;

	if (c == NULL)
		return ev_spill_put_raw(out, top->rec, top->reclen, err);
	if (g->n > 0 && g->ev[0]->time != top->ev->time &&
	    (rc = group_flush(g, out, err)) != 0)
		return rc;
	if ((rc = group_dup(g, top, c)) != 0)
		return rc < 0 ? EV_ERR(err, rc, 0, "out of memory") : 0;
	if (top->ev->file_id < c->nfiles)
		c->events[top->ev->file_id]++;
	c->kept++;
	if (group_add(g, top) != 0)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	return 0;
}

int
ev_spill_merge(const struct ev_spill_run *in, size_t n, struct ev_spill *out,
    struct ev_spill_counts *dedup, struct ev_err *err)
{
	struct ev_spill_rd *rd = calloc(n ? n : 1, sizeof(*rd));
	struct ev_spill_rd **heap = calloc(n ? n : 1, sizeof(*heap));
	struct group g = { 0 };
	size_t nh = 0;
	int rc = 0;

	ev_arena_init(&g.arena);
	if (rd == NULL || heap == NULL) {
		rc = EV_ERR(err, EV_ENOMEM, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		ev_spill_rd_init(&rd[i], in[i].sp, in[i].from, in[i].to);
		if ((rc = ev_spill_next(&rd[i], err)) < 0)
			goto out;
		if (rc == 1)
			heap[nh++] = &rd[i];
	}
	rc = 0;
	for (size_t i = nh / 2; i-- > 0;)
		heap_down(heap, nh, i);
	while (nh > 0) {
		if ((rc = emit(heap[0], out, &g, dedup, err)) != 0)
			goto out;
		if ((rc = ev_spill_next(heap[0], err)) < 0)
			goto out;
		if (rc == 0)
			heap[0] = heap[--nh];
		rc = 0;
		heap_down(heap, nh, 0);
	}
	if (dedup != NULL)
		rc = group_flush(&g, out, err);
	if (rc == 0)
		rc = ev_spill_flush(out, err);
out:
	for (size_t i = 0; rd != NULL && i < n; i++)
		ev_spill_rd_release(&rd[i]);
	free(rd);
	free(heap);
	free(g.ev);
	free(g.slot);
	ev_arena_release(&g.arena);
	return rc;
}

int
ev_spill_merge_all(struct ev_spill_run *in, size_t n, const char *dir,
    struct ev_spill *out, struct ev_spill_counts *dedup, struct ev_err *err)
{
	struct ev_spill *prev = NULL, *pass;
	int rc = 0;

	while (rc == 0 && n > EV_SPILL_FANIN) {
		size_t m = 0;

		if ((pass = malloc(sizeof(*pass))) == NULL) {
			rc = EV_ERR(err, EV_ENOMEM, 0, "out of memory");
			break;
		}
		if ((rc = ev_spill_open(pass, dir, err)) != 0) {
			free(pass);
			break;
		}
		for (size_t k = 0; k < n && rc == 0; k += EV_SPILL_FANIN) {
			size_t cnt = n - k < EV_SPILL_FANIN ? n - k :
			    EV_SPILL_FANIN;
			uint64_t from = pass->size;

			rc = ev_spill_merge(in + k, cnt, pass, NULL, err);
			/* a file's runs are together in in: closed (its
			   space freed) after its last one */
			for (size_t i = k; i < k + cnt; i++)
				if (i + 1 == n || in[i + 1].sp != in[i].sp)
					ev_spill_close(in[i].sp);
			/* in[m] is read: m <= k */
			in[m].sp = pass;
			in[m].from = from;
			in[m++].to = pass->size;
		}
		free(prev);		/* closed above */
		prev = pass;
		n = m;
	}
	if (rc == 0 && (rc = ev_spill_open(out, dir, err)) == 0)
		rc = ev_spill_merge(in, n, out, dedup, err);
	if (prev != NULL)
		ev_spill_close(prev);
	free(prev);
	return rc;
}

ptrdiff_t
ev_spill_batch(struct ev_spill_rd *rd, struct ev_arena *arena,
    struct ev_event **v, uint64_t *at, size_t max, struct ev_err *err)
{
	size_t n = 0;
	int rc = 0;

	ev_arena_reset(arena);
	while (n < max && (rc = ev_spill_next(rd, err)) == 1) {
		if (at != NULL)
			at[n] = ev_spill_rd_at(rd);
		if ((v[n++] = ev_spill_copy(arena, rd->rec, rd->reclen)) ==
		    NULL)
			return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	}
	return rc < 0 ? rc : (ptrdiff_t)n;
}
