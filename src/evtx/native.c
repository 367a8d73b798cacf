/*
 * native.c -- the native EVTX reader: file header, chunks, records,
 * recovery of records from slack and unlisted chunks (see reader.h; the
 * BinXML of each record is decoded by binxml.c).
 *
 * The on-disk layout (offsets, sizes, signatures) is in format.h.
 *
 * Units are chunk slots.  Each evtx_file_read() call owns its buffers and
 * decoder, so calls on disjoint ranges can run in parallel; the only
 * shared mutable state is the lazily built index of allocated record-id
 * ranges used to drop recovered copies of allocated records (mutex).
 * A recovered record is checked for being such a copy before it is
 * decoded, against the record chains of the chunks this call has read
 * (kept per slot), so the chunk it copies is seldom read a second time.
 * Chunks are read with one 64 KiB pread each into a buffer that stays in
 * cache (measured faster here than mapping windows of the file).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../ev_util.h"
#include "binxml.h"
#include "crc32.h"
#include "format.h"
#include "late.h"
#include "reader.h"

#define TAB_SLOTS	1024		/* record tables kept (power of 2) */


/*
 * A sparse file's data extents, found with SEEK_DATA/SEEK_HOLE: holes read
 * as zeros, so a slot inside one holds no chunk and need not be read
 * (a 16 GiB sparse file around a small log is read in a few preads).
 * Where the file system lacks them, everything is data.
 */
struct extent {
	uint64_t	 lo, hi;	/* data found last: [lo, hi) */
};

#define EXTENT_INIT	{ 0, 0 }

/* Record-id range of an allocated chunk (for de-duplication). */
struct idrange {
	uint64_t	 first, last;
	uint32_t	 slot;
};

struct nfile {
	int			 fd;
	uint64_t		 size;
	uint32_t		 nslots;	/* chunk slots in the file */
	uint32_t		 hdr_chunks;	/* allocated slots */
	uint32_t		 announced;	/* header's chunk count, 0 when
						   the header is unusable */
	bool			 header_bad;
	bool			 dirty;		/* header flag: count may lag */
	bool			 recovered;	/* deliver recovered records */
	struct evtx_tpls	*tpls;		/* opts.tpls (with recovered) */
	uint32_t		 file;		/* opts.file */
	pthread_mutex_t		 lock;		/* guards the fields below */
	bool			 ranges_built;
	struct idrange		*ranges;	/* sorted by first */
	size_t			 nranges;
};

/* One record of a chunk's chain: what a duplicate check compares. */
struct idtime {
	uint64_t	 id, written;
};

/*
 * The chain of records of a chunk read earlier (find_record() walks the
 * same chain), so copies in later slack are found without reading the
 * chunk again.  Kept for the last TAB_SLOTS slots, by slot number.
 */
struct rtab {
	uint32_t	 slot;		/* UINT32_MAX: empty */
	uint32_t	 n, cap;
	struct idtime	*v;
};

/* State of one evtx_file_read() call. */
struct rctx {
	struct nfile		*f;
	const struct evtx_sink	*sink;
	struct evtx_stats	*st;
	struct ev_err		*err;
	uint8_t			*buf;		/* current chunk */
	const uint8_t		*c;		/* = buf */
	uint32_t		 clen;		/* bytes in it */
	uint8_t			*dup;		/* chunk for duplicate checks */
	uint32_t		 dup_slot;	/* slot in dup, UINT32_MAX none */
	uint32_t		 dup_len;
	struct bx_dec		*bx;
	struct rtab		*tabs;		/* [TAB_SLOTS] or NULL */
	/* listed ids of the current chunk past its free space (cut off) */
	uint64_t		 cut_lo, cut_hi, cut_n;
	struct extent		 data;		/* see slot_is_hole() */
	bool			 sound;		/* current chunk: allocated,
						   CRCs right */
	struct late_buf		 late;		/* for f->tpls */
	/* a run of announced slots without a chunk, warned about once */
	uint32_t		 miss_first, miss_n;
	const char		*miss_what;
};

static void
warn(struct rctx *x, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (x->sink == NULL || x->sink->warn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	x->sink->warn(x->sink->ctx, msg);
}

/* Reads up to n bytes at off; returns the count read or -1 (errno). */
static ssize_t
read_at(int fd, void *buf, size_t n, uint64_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, (char *)buf + got, n - got,
		    (off_t)(off + got));

		if (r == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static bool
chunk_header_crc_ok(const uint8_t *c)
{
	uint32_t crc = evtx_crc32(0, c, EVTX_CH_CRC_PART);

	crc = evtx_crc32(crc, c + EVTX_CH_TABLES, EVTX_CHUNK_HDR_SIZE -
	    EVTX_CH_TABLES);
	return crc == le32(c + EVTX_CH_HDR_CRC);
}

/* Is the chunk slot at off entirely inside a hole of fd's file? */
static bool
slot_is_hole(int fd, uint64_t off, struct extent *e)
{
	off_t d, h;

	if (off >= e->hi) {
		/* the next data extent; lseek's file position is unused */
		d = lseek(fd, (off_t)off, SEEK_DATA);
		if (d == -1 && errno == ENXIO) {
			e->lo = e->hi = UINT64_MAX;	/* no data after off */
		} else if (d == -1) {
			e->lo = 0;		/* no SEEK_DATA: all data */
			e->hi = UINT64_MAX;
		} else {
			h = lseek(fd, d, SEEK_HOLE);
			e->lo = (uint64_t)d;
			e->hi = h == -1 || h <= d ? UINT64_MAX : (uint64_t)h;
		}
	}
	return off + EVTX_CHUNK_SIZE <= e->lo;
}

static int
native_open(const char *path, const struct evtx_open_opts *opts,
    void **state, struct evtx_stats *st, struct ev_err *err)
{
	struct nfile *f;
	struct stat sb;
	uint8_t hdr[EVTX_FILE_HDR_USED];
	ssize_t n;
	bool sig;

	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	f->recovered = opts->recovered;
	if (opts->recovered && opts->tpls != NULL) {
		if (late_path(opts->tpls, opts->file, path) != 0) {
			free(f);
			return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
		}
		f->tpls = opts->tpls;
		f->file = opts->file;
	}
	if ((f->fd = evtx_open_evidence(path)) == -1) {
		free(f);
		return EV_ERR_SYS(err, "cannot open '%s'", path);
	}
	if (fstat(f->fd, &sb) == -1) {
		EV_ERR_SYS(err, "cannot stat '%s'", path);
		goto fail;
	}
	f->size = (uint64_t)sb.st_size;
	f->nslots = f->size > EVTX_FILE_HDR_SIZE ? (uint32_t)((f->size -
	    EVTX_FILE_HDR_SIZE + EVTX_CHUNK_SIZE - 1) / EVTX_CHUNK_SIZE) : 0;
	memset(hdr, 0, sizeof(hdr));
	if ((n = read_at(f->fd, hdr, sizeof(hdr), 0)) == -1) {
		EV_ERR_SYS(err, "cannot read '%s'", path);
		goto fail;
	}
	sig = n >= 8 && memcmp(hdr, EVTX_FILE_SIG, 8) == 0;
	if (sig && n == sizeof(hdr) && evtx_crc32(0, hdr, EVTX_FH_FLAGS) ==
	    le32(hdr + EVTX_FH_CRC) &&
	    le32(hdr + EVTX_FH_HDR_SIZE) == EVTX_FILE_HDR_USED &&
	    le16(hdr + EVTX_FH_MAJOR) == EVTX_MAJOR &&
	    le16(hdr + EVTX_FH_BLOCK_SIZE) == EVTX_FILE_HDR_SIZE) {
		f->hdr_chunks = le16(hdr + EVTX_FH_CHUNKS);
		st->dirty = (le32(hdr + EVTX_FH_FLAGS) & EVTX_FLAG_DIRTY) != 0;
		st->full = (le32(hdr + EVTX_FH_FLAGS) & EVTX_FLAG_FULL) != 0;
		f->dirty = st->dirty;
	} else {
		f->header_bad = true;
		f->hdr_chunks = f->nslots;
		if (sig && n == sizeof(hdr)) {
			st->dirty = (le32(hdr + EVTX_FH_FLAGS) &
			    EVTX_FLAG_DIRTY) != 0;
			st->full = (le32(hdr + EVTX_FH_FLAGS) &
			    EVTX_FLAG_FULL) != 0;
		}
	}
	/*
	 * The header's chunk count is 16 bits: a file of more than 65535
	 * chunks wraps it.  Take the largest count with the same low 16 bits
	 * whose last chunk is in the file (a small log at the start of a big
	 * sparse or preallocated file keeps its count).
	 */
	if (!f->header_bad && f->nslots > 65535)
		while ((uint64_t)f->hdr_chunks + 65536 <= f->nslots) {
			uint8_t cs[8];

			if (read_at(f->fd, cs, 8, EVTX_SLOT_OFF((uint64_t)
			    f->hdr_chunks + 65535)) != 8 ||
			    memcmp(cs, EVTX_CHUNK_SIG, 8) != 0)
				break;
			f->hdr_chunks += 65536;
		}
	st->header_bad = f->header_bad;
	st->header_chunks = f->hdr_chunks;
	f->announced = f->header_bad ? 0 : f->hdr_chunks;
	if (!sig) {
		/* no file signature: an EVTX only if some chunk is there */
		uint8_t cs[8];
		bool found = false;
		struct extent e = EXTENT_INIT;

		for (uint32_t i = 0; i < f->nslots && !found; i++) {
			if (slot_is_hole(f->fd, EVTX_SLOT_OFF(i), &e))
				continue;
			n = read_at(f->fd, cs, 8, EVTX_SLOT_OFF(i));
			found = n == 8 && memcmp(cs, EVTX_CHUNK_SIG, 8) == 0;
		}
		if (!found) {
			EV_ERR(err, EV_ENOTEVTX, 0, "'%s': not an EVTX file",
			    path);
			goto fail;
		}
	}
	if (f->hdr_chunks > f->nslots)
		f->hdr_chunks = f->nslots;
	pthread_mutex_init(&f->lock, NULL);
	(void)posix_fadvise(f->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	*state = f;
	return 0;
fail:
	close(f->fd);
	free(f);
	return err != NULL && err->code != 0 ? err->code : EV_EIO;
}

static void
native_close(void *state)
{
	struct nfile *f = state;

	if (f == NULL)
		return;
	close(f->fd);
	pthread_mutex_destroy(&f->lock);
	free(f->ranges);
	free(f);
}

static uint32_t
native_units(const void *state)
{
	const struct nfile *f = state;

	return f->nslots > 0 ? f->nslots : 1;
}

static int
cmp_range(const void *a, const void *b)
{
	const struct idrange *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/* Builds the id ranges of the allocated chunks once; 0 or EV_*. */
static int
build_ranges(struct nfile *f)
{
	uint8_t h[EVTX_CHUNK_HDR_SIZE];
	struct extent e = EXTENT_INIT;
	int rc = 0;

	pthread_mutex_lock(&f->lock);
	if (f->ranges_built)
		goto out;
	f->ranges = calloc(f->nslots ? f->nslots : 1, sizeof(*f->ranges));
	if (f->ranges == NULL) {
		rc = EV_ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < f->nslots; i++) {
		if (slot_is_hole(f->fd, EVTX_SLOT_OFF(i), &e) ||
		    read_at(f->fd, h, sizeof(h), EVTX_SLOT_OFF(i)) !=
		    (ssize_t)sizeof(h))
			continue;
		if (memcmp(h, EVTX_CHUNK_SIG, 8) != 0 ||
		    le64(h + EVTX_CH_FIRST_ID) > le64(h + EVTX_CH_LAST_ID))
			continue;
		if (i >= f->hdr_chunks && (!f->dirty ||
		    !chunk_header_crc_ok(h)))
			continue;	/* read as recovered, see read_slot() */
		f->ranges[f->nranges].first = le64(h + EVTX_CH_FIRST_ID);
		f->ranges[f->nranges].last = le64(h + EVTX_CH_LAST_ID);
		f->ranges[f->nranges].slot = i;
		f->nranges++;
	}
	ev_qsort(f->ranges, f->nranges, sizeof(*f->ranges), cmp_range);
	f->ranges_built = true;
out:
	pthread_mutex_unlock(&f->lock);
	return rc;
}

/*
 * The end of the allocated records of chunk c (len bytes): its free-space
 * offset when that is plausible, else len.  Records past it are slack:
 * never "allocated", so never a reason to drop a recovered record.
 */
static uint32_t
alloc_end(const uint8_t *c, uint32_t len)
{
	uint32_t freeoff = le32(c + EVTX_CH_FREE);

	return freeoff < EVTX_CHUNK_HDR_SIZE || freeoff > len ? len : freeoff;
}

/*
 * Walks the valid records of chunk c (len bytes) from 512 to lim; returns
 * the written time of record id in *written, true when found.
 */
static bool
find_record(const uint8_t *c, uint32_t len, uint32_t lim, uint64_t id,
    uint64_t *written)
{
	uint32_t pos = EVTX_CHUNK_HDR_SIZE;

	while (pos <= lim && lim - pos >= EVTX_REC_MIN) {
		uint32_t size = le32(c + pos + EVTX_REC_SIZE);

		if (le32(c + pos) != EVTX_REC_SIG || size < EVTX_REC_MIN ||
		    size > len - pos || le32(c + pos + size - 4) != size)
			return false;
		if (le64(c + pos + EVTX_REC_ID) == id) {
			*written = le64(c + pos + EVTX_REC_WRITTEN);
			return true;
		}
		pos += size;
	}
	return false;
}

/* Is a recovered record (id, written) a copy of an allocated one? */
static bool
is_duplicate(struct rctx *x, uint64_t id, uint64_t written)
{
	struct nfile *f = x->f;
	size_t lo = 0, hi;

	if (build_ranges(f) != 0)
		return false;
	/* first range with first > id */
	hi = f->nranges;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (f->ranges[mid].first <= id)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo, tries = 0; i > 0 && tries < 8; i--, tries++) {
		const struct idrange *r = &f->ranges[i - 1];
		uint64_t w;

		if (id > r->last)
			continue;
		if (x->tabs != NULL &&
		    x->tabs[r->slot & (TAB_SLOTS - 1)].slot == r->slot) {
			const struct rtab *t = &x->tabs[r->slot &
			    (TAB_SLOTS - 1)];
			uint32_t k;

			/* the first record of the chain with this id */
			for (k = 0; k < t->n && t->v[k].id != id; k++)
				continue;
			if (k < t->n && t->v[k].written == written)
				return true;
			continue;
		}
		if (x->dup_slot != r->slot) {
			ssize_t n = read_at(f->fd, x->dup, EVTX_CHUNK_SIZE,
			    EVTX_SLOT_OFF(r->slot));

			if (n < EVTX_CHUNK_HDR_SIZE) {
				x->dup_slot = UINT32_MAX;
				continue;
			}
			x->dup_slot = r->slot;
			x->dup_len = (uint32_t)n;
		}
		if (find_record(x->dup, alloc_end(x->dup, x->dup_len),
		    alloc_end(x->dup, x->dup_len), id, &w) && w == written)
			return true;
	}
	return false;
}

/*
 * Keeps the chain of allocated records of chunk c (up to len, its
 * alloc_end()) in slot's table, as find_record() would walk it.  Out of
 * memory only drops the table.
 */
static void
keep_table(struct rctx *x, uint32_t slot, const uint8_t *c, uint32_t len)
{
	struct rtab *t;
	uint32_t pos = EVTX_CHUNK_HDR_SIZE;

	if (x->tabs == NULL)
		return;
	t = &x->tabs[slot & (TAB_SLOTS - 1)];
	t->slot = UINT32_MAX;
	t->n = 0;
	while (pos <= len && len - pos >= EVTX_REC_MIN) {
		uint32_t size = le32(c + pos + EVTX_REC_SIZE);

		if (le32(c + pos) != EVTX_REC_SIG || size < EVTX_REC_MIN ||
		    size > len - pos || le32(c + pos + size - 4) != size)
			break;
		if (t->n == t->cap) {
			uint32_t cap = t->cap ? t->cap * 2 : 64;
			struct idtime *v = realloc(t->v, cap * sizeof(*v));

			if (v == NULL)
				return;
			t->v = v;
			t->cap = cap;
		}
		t->v[t->n].id = le64(c + pos + EVTX_REC_ID);
		t->v[t->n].written = le64(c + pos + EVTX_REC_WRITTEN);
		t->n++;
		pos += size;
	}
	t->slot = slot;
}

/*
 * Decodes the record at chunk offset pos (size bytes, already checked).
 * Returns 0 (decoded or not), a negative sink return, or EV_ENOMEM;
 * *ok tells whether the BinXML decoded.
 */
static int
do_record(struct rctx *x, uint32_t slot, uint32_t pos, uint32_t size,
    bool recovered, bool *ok)
{
	const uint8_t *c = x->c;
	struct ev_record rec;
	uint64_t id = le64(c + pos + EVTX_REC_ID);
	uint64_t written = le64(c + pos + EVTX_REC_WRITTEN);
	bool deliver;
	int rc;

	*ok = false;
	deliver = !recovered || x->f->recovered;
	/* a copy of an allocated record is not counted, decoded or not */
	if (recovered && is_duplicate(x, id, written))
		return 0;
	bx_sound(x->bx, !recovered && x->sound);
	rc = bx_record(x->bx, pos + EVTX_REC_HDR, pos + size - 4, false, &rec);
	if (rc == EV_ENOMEM)
		return EV_ERR(x->err, EV_ENOMEM, 0, "out of memory");
	if (recovered && x->f->tpls != NULL)	/* old inline definitions */
		late_note_inline(&x->late, x->f->file, slot, x->bx);
	if (rc != 0)
		return 0;
	*ok = true;
	if (recovered)
		x->st->recovered++;
	else
		x->st->records++;
	evtx_stats_note_time(x->st, rec.time ? rec.time : written);
	if (rec.kind == EV_KIND_NONE || !deliver)
		return 0;
	if (rec.record_id == 0)
		rec.record_id = id;	/* no EventRecordID: the header's */
	if (rec.time == 0)
		rec.time = written;
	rec.offset = EVTX_SLOT_OFF(slot) + pos;
	rec.chunk = slot;
	rec.recovered = recovered;
	/* named after every file is read, when another chunk can tell */
	if (rec.unresolved && x->f->tpls != NULL &&
	    late_defer(&x->late, x->f->file, slot, c, pos, size,
	    bx_record_unres_id(x->bx), &rec, bx_record_nuls(x->bx)))
		return 0;
	x->st->events++;
	if (rec.unresolved)
		x->st->unresolved++;
	/* values delivered with an embedded NUL (shown as U+2400) */
	x->st->nul_values += bx_record_nuls(x->bx);
	rc = x->sink->record(&rec, x->sink->ctx);
	return rc < 0 ? rc : 0;
}

/* A plausible record at pos (signature, size, size copy) within lim? */
static uint32_t
record_at(const uint8_t *c, uint32_t lim, uint32_t pos)
{
	uint32_t size;

	if (pos > lim || lim - pos < EVTX_REC_MIN ||
	    le32(c + pos) != EVTX_REC_SIG)
		return 0;
	size = le32(c + pos + EVTX_REC_SIZE);
	if (size < EVTX_REC_MIN || size > lim - pos ||
	    le32(c + pos + size - 4) != size)
		return 0;
	return size;
}

/*
 * The first record signature in c[from..len), or NULL.  memchr for its
 * first byte: far faster than memmem on slack, which is mostly zeros.
 */
static const uint8_t *
find_sig(const uint8_t *c, uint32_t from, uint32_t len)
{
	const uint8_t *p = c + from, *end = c + len;

	while (end - p >= 4) {
		p = memchr(p, EVTX_REC_SIG & 0xff, (size_t)(end - p) - 3);
		if (p == NULL)
			return NULL;
		if (le32(p) == EVTX_REC_SIG)
			return p;
		p++;
	}
	return NULL;
}

/* Scans c[from..len) for records that are not allocated ones. */
static int
scan_slack(struct rctx *x, uint32_t slot, uint32_t len, uint32_t from)
{
	const uint8_t *c = x->c;
	uint32_t pos = from;
	bool ok;
	int rc;

	while (pos + EVTX_REC_MIN <= len) {
		const uint8_t *hit = find_sig(c, pos, len);
		uint32_t size;

		if (hit == NULL)
			break;
		pos = (uint32_t)(hit - c);
		size = record_at(c, len, pos);
		if (size == 0) {
			pos++;
			continue;
		}
		if (x->cut_hi != 0 &&
		    le64(c + pos + EVTX_REC_ID) >= x->cut_lo &&
		    le64(c + pos + EVTX_REC_ID) <= x->cut_hi)
			x->cut_n++;
		if ((rc = do_record(x, slot, pos, size, true, &ok)) != 0)
			return rc;
		pos += ok ? size : 1;
	}
	return 0;
}

/*
 * Reads slot (at offset off of the file) into x->buf.  Returns the byte
 * count, or -1 (errno).  (Plain 64 KiB preads into one buffer that stays
 * in cache: faster here than mapped windows of the file, whose page
 * faults and cache misses cost more than the copy.)
 */
static ssize_t
get_chunk(struct rctx *x, uint64_t off)
{
	ssize_t n;

	x->c = x->buf;
	n = read_at(x->f->fd, x->buf, EVTX_CHUNK_SIZE, off);
	if (n > 0)
		x->st->bytes_read += (uint64_t)n;
	return n;
}

/* Warns about the run of missing slots kept by missing_slot(). */
static void
flush_missing(struct rctx *x)
{
	if (x->miss_n == 1)
		warn(x, "chunk %u: announced by the file header but %s",
		    x->miss_first, x->miss_what);
	else if (x->miss_n > 1)
		warn(x, "chunks %u..%u: announced by the file header but %s",
		    x->miss_first, x->miss_first + x->miss_n - 1, x->miss_what);
	x->miss_n = 0;
}

/*
 * An announced slot without a chunk (what: "zero-filled", "in a hole"):
 * counted, and warned about once per run of such slots.
 */
static void
missing_slot(struct rctx *x, uint32_t slot, const char *what)
{
	if (slot >= x->f->announced)
		return;
	x->st->missing_chunks++;
	if (x->miss_n > 0 && x->miss_first + x->miss_n == slot &&
	    x->miss_what == what) {
		x->miss_n++;
		return;
	}
	flush_missing(x);
	x->miss_first = slot;
	x->miss_n = 1;
	x->miss_what = what;
}

/*
 * The record-id sequence of one sound allocated chunk: Windows writes a
 * chunk's records with consecutive ids, first..last as its header lists
 * them.  Ids that step back mean records of several sources interleaved
 * (a forwarded-events log as written by some collectors), and then a jump
 * says nothing: such a chunk's breaks are not counted (as for gaps, see
 * evtx_stats_note_id()).
 */
struct idseq {
	uint64_t	 prev;		/* id before, 0 none (or after damage) */
	uint64_t	 nbreak;
	bool		 back;		/* an id stepped back */
	char		 what[160];	/* the first break */
};

static void
seq_break(struct idseq *q, const char *fmt, ...)
{
	va_list ap;

	if (q->nbreak++ > 0)
		return;
	va_start(ap, fmt);
	vsnprintf(q->what, sizeof(q->what), fmt, ap);
	va_end(ap);
}

/* Notes record id (at pos) of chunk c in q. */
static void
seq_note(struct idseq *q, const uint8_t *c, uint64_t id, uint32_t pos)
{
	uint64_t first = le64(c + EVTX_CH_FIRST_ID);
	uint64_t last = le64(c + EVTX_CH_LAST_ID);
	bool listed = first != 0 && first <= last && last != UINT64_MAX;

	if (q->prev != 0 && id <= q->prev)
		q->back = true;
	else if (q->prev != 0 && id != q->prev + 1)
		seq_break(q, "record id %llu at offset %u follows %llu",
		    (unsigned long long)id, pos, (unsigned long long)q->prev);
	else if (q->prev == 0 && listed && id != first &&
	    pos == EVTX_CHUNK_HDR_SIZE)
		seq_break(q, "first record id %llu, the chunk header says "
		    "%llu", (unsigned long long)id, (unsigned long long)first);
	else if (listed && id > last && (q->prev == 0 || q->prev <= last))
		seq_break(q, "record id %llu past the chunk header's last id "
		    "%llu", (unsigned long long)id, (unsigned long long)last);
	q->prev = id;
}

/* Counts and warns about the breaks of a chunk's sequence q. */
static void
seq_done(struct rctx *x, uint32_t slot, const struct idseq *q)
{
	if (q->back || q->nbreak == 0)
		return;
	x->st->id_breaks += q->nbreak;
	if (q->nbreak == 1)
		warn(x, "chunk %u: %s", slot, q->what);
	else
		warn(x, "chunk %u: %s (and %llu more record-id breaks)", slot,
		    q->what, (unsigned long long)(q->nbreak - 1));
}

/*
 * Decodes the chain of records of chunk slot up to freeoff (allocated:
 * as allocated records, else as recovered ones), noting the sequence of a
 * sound chunk; *slack_from receives where carving starts and *top the
 * highest record id met.  0, a negative sink return or EV_ENOMEM.
 */
static int
read_chain(struct rctx *x, uint32_t slot, uint32_t freeoff, bool allocated,
    bool sound, uint32_t *slack_from, uint64_t *top)
{
	const uint8_t *c = x->c;
	uint32_t pos, size;
	struct idseq seq;
	bool ok;
	int rc;

	memset(&seq, 0, sizeof(seq));
	pos = *slack_from = EVTX_CHUNK_HDR_SIZE;
	while (pos + EVTX_REC_MIN <= freeoff) {
		uint64_t id;

		if ((size = record_at(c, freeoff, pos)) == 0) {
			/* damaged: count it, go on at the next sound record */
			const uint8_t *hit;
			uint32_t at = pos;

			x->st->bad_records++;
			warn(x, "chunk %u: damaged record at offset %u", slot,
			    pos);
			do {
				hit = find_sig(c, pos + 1, freeoff);
				pos = hit ? (uint32_t)(hit - c) : freeoff;
			} while (hit != NULL && record_at(c, freeoff, pos) == 0);
			/* a record across the free space is carved below */
			*slack_from = hit == NULL ? at : pos;
			seq.prev = 0;
			continue;
		}
		id = le64(c + pos + EVTX_REC_ID);
		if (sound)
			seq_note(&seq, c, id, pos);
		if (id > *top)
			*top = id;
		if ((rc = do_record(x, slot, pos, size, !allocated, &ok)) != 0)
			return rc;
		if (allocated) {
			if (!ok) {
				x->st->bad_records++;
				warn(x, "chunk %u: record %llu at offset %u "
				    "cannot be decoded", slot,
				    (unsigned long long)id, pos);
			}
			if (evtx_stats_note_id(x->st, id, le64(c + pos +
			    EVTX_REC_WRITTEN)) != 0)
				return EV_ERR(x->err, EV_ENOMEM, 0,
				    "out of memory");
		}
		pos += size;
		*slack_from = pos;
	}
	if (sound)
		seq_done(x, slot, &seq);
	return 0;
}

/*
 * Carves the slack of a chunk from slack_from, and for a sound chunk
 * whose chain stopped (highest id top) before the last id its header
 * lists, counts the listed records met past the free space and warns
 * about those missing.
 */
static int
carve_chunk(struct rctx *x, uint32_t slot, uint32_t len, uint32_t freeoff,
    bool sound, uint32_t slack_from, uint64_t top)
{
	uint64_t first = le64(x->c + EVTX_CH_FIRST_ID);
	uint64_t last = le64(x->c + EVTX_CH_LAST_ID);
	int rc;

	x->cut_hi = 0;
	if (sound && first != 0 && first <= last && last != UINT64_MAX &&
	    top < last) {
		/* listed ids the chain does not reach: past the free space? */
		x->cut_lo = top < first ? first : top + 1;
		x->cut_hi = last;
		x->cut_n = 0;
	}
	rc = scan_slack(x, slot, len, slack_from);
	if (rc == 0 && x->cut_hi != 0) {
		uint64_t want = x->cut_hi - x->cut_lo + 1;

		if (x->cut_n > 0) {
			x->st->cut_records += x->cut_n;
			warn(x, "chunk %u: %llu records the chunk header lists "
			    "lie past its free-space offset %u (read as "
			    "recovered)", slot, (unsigned long long)x->cut_n,
			    freeoff);
		}
		if (x->cut_n < want) {
			x->st->id_breaks++;
			warn(x, "chunk %u: %llu of the records %llu..%llu the "
			    "chunk header lists are missing", slot,
			    (unsigned long long)(want - x->cut_n),
			    (unsigned long long)x->cut_lo,
			    (unsigned long long)x->cut_hi);
		}
	}
	x->cut_hi = 0;
	return rc;
}

static int
read_slot(struct rctx *x, uint32_t slot)
{
	struct nfile *f = x->f;
	uint64_t off = EVTX_SLOT_OFF(slot);
	const uint8_t *c;
	uint32_t len, freeoff, slack_from;
	uint64_t top = 0;
	bool allocated, bad = false, sound, cut_short = false;
	ssize_t n;
	int rc;

	if (off >= f->size)
		return 0;
	n = get_chunk(x, off);
	if (n == -1)
		return EV_ERR_SYS(x->err, "cannot read chunk %u", slot);
	c = x->c;
	len = x->clen = (uint32_t)n;
	allocated = slot < f->hdr_chunks;
	bx_chunk(x->bx, c, len);
	if (len < EVTX_CHUNK_HDR_SIZE || memcmp(c, EVTX_CHUNK_SIG, 8) != 0) {
		/* all zero: c[0] == 0 and every byte equals the next */
		if (len == 0 ||
		    (c[0] == 0 && memcmp(c, c + 1, len - 1) == 0)) {
			missing_slot(x, slot, "zero-filled");
			return 0;
		}
		flush_missing(x);
		if (allocated && !f->header_bad) {
			x->st->bad_chunks++;
			warn(x, "chunk %u: no chunk signature", slot);
		}
		/* carve what records the slot still holds */
		return scan_slack(x, slot, len, 0);
	}
	flush_missing(x);
	x->st->chunks++;
	if (f->tpls != NULL)
		late_note_defs(&x->late, f->file, slot, c, len);
	freeoff = le32(c + EVTX_CH_FREE);
	if (len < EVTX_CHUNK_SIZE && slot < f->announced) {
		bad = cut_short = true;
		x->st->truncated = true;
		warn(x, "chunk %u: cut short by the end of the file (%u of "
		    "%u bytes)", slot, len, EVTX_CHUNK_SIZE);
	}
	if (!chunk_header_crc_ok(c) || le32(c + EVTX_CH_HDR_SIZE) !=
	    EVTX_CHUNK_HDR_LEN) {
		bad = true;
		warn(x, "chunk %u: header CRC or size mismatch", slot);
	}
	/*
	 * A dirty file's header lags behind its chunks (libevtx reads them
	 * as allocated too): there a sound chunk past the header's count is
	 * allocated.  In a clean file, or when damaged, such a chunk is only
	 * a source of recovered records.
	 */
	if (!allocated && !bad && f->dirty)
		allocated = true;
	if (freeoff < EVTX_CHUNK_HDR_SIZE || freeoff > len) {
		if (!cut_short || freeoff < EVTX_CHUNK_HDR_SIZE ||
		    freeoff > EVTX_CHUNK_SIZE)
			warn(x, "chunk %u: free-space offset %u out of range",
			    slot, freeoff);
		bad = true;
		freeoff = len;
	} else if (evtx_crc32(0, c + EVTX_CHUNK_HDR_SIZE, freeoff -
	    EVTX_CHUNK_HDR_SIZE) !=
	    le32(c + EVTX_CH_DATA_CRC)) {
		bad = true;
		warn(x, "chunk %u: event records CRC mismatch", slot);
	}
	if (bad)
		x->st->bad_chunks++;
	keep_table(x, slot, c, freeoff);
	/*
	 * A sound chunk (both CRCs right) that is allocated must hold the
	 * records its header lists, in sequence: if not, records were
	 * removed or hidden (SPEC §2: damage, warned and counted).
	 */
	sound = allocated && !bad;
	x->sound = sound;
	rc = read_chain(x, slot, freeoff, allocated, sound, &slack_from, &top);
	x->sound = false;
	if (rc != 0)
		return rc;
	return carve_chunk(x, slot, len, freeoff, sound, slack_from, top);
}

/*
 * The range that holds the file's last slot reports the announced chunks
 * past the end of the file (once per file).
 */
static void
check_end(struct rctx *x)
{
	struct nfile *f = x->f;
	uint32_t missing;

	if (f->announced <= f->nslots)
		return;
	missing = f->announced - f->nslots;
	x->st->truncated = true;
	x->st->missing_chunks += missing;
	warn(x, "chunks %u..%u: announced by the file header but past the "
	    "end of the file (%llu bytes; %u chunks need %llu)", f->nslots,
	    f->announced - 1, (unsigned long long)f->size, f->announced,
	    (unsigned long long)EVTX_SLOT_OFF(f->announced));
}

static int
native_read(void *state, uint32_t first, uint32_t n,
    const struct evtx_sink *sink, struct evtx_stats *st, struct ev_err *err)
{
	struct rctx x;
	int rc = 0;

	memset(&x, 0, sizeof(x));
	x.f = state;
	x.sink = sink;
	x.st = st;
	x.err = err;
	x.dup_slot = UINT32_MAX;
	x.buf = malloc(EVTX_CHUNK_SIZE);
	x.dup = malloc(EVTX_CHUNK_SIZE);
	x.bx = bx_new();
	if ((x.tabs = calloc(TAB_SLOTS, sizeof(*x.tabs))) != NULL)
		for (uint32_t i = 0; i < TAB_SLOTS; i++)
			x.tabs[i].slot = UINT32_MAX;
	if (x.buf == NULL || x.dup == NULL || x.bx == NULL) {
		rc = EV_ERR(err, EV_ENOMEM, 0, "out of memory");
		goto out;
	}
	for (uint64_t s = first; s < (uint64_t)first + n &&
	    s < x.f->nslots; s++) {
		/* a sparse file's holes are zeros: skipped, not read */
		if (slot_is_hole(x.f->fd, EVTX_SLOT_OFF(s), &x.data)) {
			st->sparse_slots++;
			missing_slot(&x, (uint32_t)s, "in a hole of the "
			    "sparse file");
			continue;
		}
		if ((rc = read_slot(&x, (uint32_t)s)) != 0)
			break;
	}
	flush_missing(&x);
	/* the range holding the last unit (nslots may be 0: unit 0) */
	if (rc == 0 && (uint64_t)first + n >= native_units(x.f))
		check_end(&x);
	if (x.f->tpls != NULL && late_flush(x.f->tpls, &x.late) != 0 &&
	    rc == 0)
		rc = EV_ERR(err, EV_ENOMEM, 0, "out of memory");
out:
	late_buf_free(&x.late);
	bx_free(x.bx);
	if (x.tabs != NULL)
		for (uint32_t i = 0; i < TAB_SLOTS; i++)
			free(x.tabs[i].v);
	free(x.tabs);
	free(x.buf);
	free(x.dup);
	return rc;
}

const struct evtx_impl evtx_native_impl = {
	native_open, native_close, native_units, native_read,
};
