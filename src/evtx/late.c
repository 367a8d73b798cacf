/*
 * late.c -- a run's template registry: recovered records whose template
 * definition their own chunk no longer holds, named after every file of
 * the run was read (see reader.h, struct evtx_tpls).
 *
 * While reading, each evtx_file_read() call notes the definitions its
 * chunks chain in their template tables (identifier, file, slot, offset:
 * 16 bytes each, no copy) and keeps the records it could only deliver
 * with positional values: where they are, a CRC of their bytes and their
 * positional decoding, no copy of their chunk (a chunk is read again
 * from its file when the record's turn comes).  evtx_tpls_finish()
 * sorts both, then tries for each record the definitions with its
 * template identifier: those of the same file by nearest chunk (the
 * lower slot first on a tie), then those of the other files in file
 * order (the caller numbers files in path order), each by slot and
 * offset; a candidate's chunk is read again from its file, and the
 * decoder uses the definition only when it carries the identifier and
 * its substitutions fit the record's values (binxml.h, bx_foreign()).
 * A definition of another file is a candidate only when its chunk holds
 * a record of the record's provider (System/Provider/@Name, case aside:
 * same_provider()).  Besides the template tables' definitions, those a
 * recovered record carries inline are noted (late_note_inline()): an old
 * record's copy in the slack may be the last one of its template.
 * The order never depends on threads or argument order.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../ev_util.h"
#include "binxml.h"
#include "crc32.h"
#include "format.h"
#include "late.h"
#include "reader.h"

#define LATE_CHAIN	64	/* definitions followed per table chain */
#define LATE_TRIES	64	/* candidate definitions tried per record */
#define LATE_ASKED	8	/* instance signatures kept per record */

struct evtx_tpls {
	pthread_mutex_t	 lock;
	struct late_buf	 all;		/* what the calls handed over */
	char		**paths;	/* by file number */
	uint32_t	 npaths;
	bool		 oom;
};

struct evtx_tpls *
evtx_tpls_new(void)
{
	struct evtx_tpls *t = calloc(1, sizeof(*t));

	if (t != NULL)
		pthread_mutex_init(&t->lock, NULL);
	return t;
}

void
late_buf_free(struct late_buf *b)
{
	for (size_t i = 0; i < b->nrecs; i++)
		free(b->recs[i].fb);
	free(b->defs);
	free(b->recs);
	memset(b, 0, sizeof(*b));
}

void
evtx_tpls_free(struct evtx_tpls *t)
{
	if (t == NULL)
		return;
	late_buf_free(&t->all);
	for (uint32_t i = 0; i < t->npaths; i++)
		free(t->paths[i]);
	free(t->paths);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

int
late_path(struct evtx_tpls *t, uint32_t file, const char *path)
{
	int rc = 0;

	pthread_mutex_lock(&t->lock);
	if (file >= t->npaths) {
		char **v = realloc(t->paths, ((size_t)file + 1) * sizeof(*v));

		if (v == NULL) {
			rc = EV_ENOMEM;
			goto out;
		}
		memset(v + t->npaths, 0, (file + 1 - t->npaths) * sizeof(*v));
		t->paths = v;
		t->npaths = file + 1;
	}
	if (t->paths[file] == NULL && (t->paths[file] = strdup(path)) == NULL)
		rc = EV_ENOMEM;
out:
	if (rc != 0)
		t->oom = true;
	pthread_mutex_unlock(&t->lock);
	return rc;
}

/* Room for one more of n elements of size sz in *v (capacity *cap). */
static bool
grow(void *vp, size_t *cap, size_t n, size_t sz)
{
	void **v = vp;
	size_t c;
	void *p;

	if (n < *cap)
		return true;
	c = *cap ? *cap * 2 : 64;
	if ((p = realloc(*v, c * sz)) == NULL)
		return false;
	*v = p;
	*cap = c;
	return true;
}

void
late_note_defs(struct late_buf *b, uint32_t file, uint32_t slot,
    const uint8_t *c, uint32_t len)
{
	if (len < EVTX_CHUNK_HDR_SIZE || b->oom)
		return;
	for (uint32_t k = 0; k < 32; k++) {
		uint32_t o = le32(c + EVTX_CH_TABLES + 256 + 4 * k);

		for (int i = 0; i < LATE_CHAIN && o >= EVTX_CHUNK_HDR_SIZE &&
		    o < len && len - o >= 24; i++, o = le32(c + o)) {
			if (!grow(&b->defs, &b->cdefs, b->ndefs,
			    sizeof(*b->defs))) {
				b->oom = true;
				return;
			}
			b->defs[b->ndefs].id = le32(c + o + 4);
			b->defs[b->ndefs].file = file;
			b->defs[b->ndefs].slot = slot;
			b->defs[b->ndefs].off = o;
			b->ndefs++;
		}
	}
}

void
late_note_inline(struct late_buf *b, uint32_t file, uint32_t slot,
    const struct bx_dec *d)
{
	uint32_t id, off, n = bx_record_inline(d, 0, &id, &off);

	for (uint32_t i = 0; i < n && !b->oom; i++) {
		bx_record_inline(d, i, &id, &off);
		if (!grow(&b->defs, &b->cdefs, b->ndefs, sizeof(*b->defs))) {
			b->oom = true;
			return;
		}
		b->defs[b->ndefs].id = id;
		b->defs[b->ndefs].file = file;
		b->defs[b->ndefs].slot = slot;
		b->defs[b->ndefs].off = off;
		b->ndefs++;
	}
}

/* A deep copy of rec in one allocation, or NULL. */
static struct ev_record *
rec_dup(const struct ev_record *rec)
{
	const char *str[4] = { rec->provider, rec->channel, rec->computer,
	    rec->user_sid };
	size_t n = sizeof(*rec) + rec->ndata * sizeof(struct ev_pair);
	struct ev_record *r;
	struct ev_pair *pairs;
	char *o;

	for (int i = 0; i < 4; i++)
		n += str[i] != NULL ? strlen(str[i]) + 1 : 0;
	for (uint32_t i = 0; i < rec->ndata; i++)
		n += strlen(rec->data[i].name) + strlen(rec->data[i].value) + 2;
	if ((r = malloc(n)) == NULL)
		return NULL;
	*r = *rec;
	pairs = (struct ev_pair *)(r + 1);
	o = (char *)(pairs + rec->ndata);
#define PUT(dst, src) do {						\
	size_t l_ = strlen(src) + 1;					\
	memcpy(o, (src), l_);						\
	(dst) = o;							\
	o += l_;							\
} while (0)
	if (rec->provider != NULL)
		PUT(r->provider, rec->provider);
	if (rec->channel != NULL)
		PUT(r->channel, rec->channel);
	if (rec->computer != NULL)
		PUT(r->computer, rec->computer);
	if (rec->user_sid != NULL)
		PUT(r->user_sid, rec->user_sid);
	for (uint32_t i = 0; i < rec->ndata; i++) {
		PUT(pairs[i].name, rec->data[i].name);
		PUT(pairs[i].value, rec->data[i].value);
	}
#undef PUT
	r->data = pairs;
	return r;
}

bool
late_defer(struct late_buf *b, uint32_t file, uint32_t slot,
    const uint8_t *c, uint32_t pos, uint32_t size, uint32_t id,
    const struct ev_record *rec, uint32_t nuls)
{
	struct late_rec *r;
	struct ev_record *fb;

	if (b->oom || !grow(&b->recs, &b->crecs, b->nrecs, sizeof(*b->recs)) ||
	    (fb = rec_dup(rec)) == NULL)
		return false;
	r = &b->recs[b->nrecs++];
	r->file = file;
	r->slot = slot;
	r->pos = pos;
	r->size = size;
	r->id = id;
	r->crc = evtx_crc32(0, c + pos, size);
	r->nuls = nuls;
	r->fb = fb;
	return true;
}

/* Appends n elements of size sz at src to *dst (count *dn, capacity *dc). */
static bool
append(void *dst, size_t *dn, size_t *dc, const void *src, size_t n,
    size_t sz)
{
	void **v = dst;

	if (n == 0)
		return true;
	if (*dn + n > *dc) {
		size_t c = *dc ? *dc : 64;
		void *p;

		while (c < *dn + n)
			c *= 2;
		if ((p = realloc(*v, c * sz)) == NULL)
			return false;
		*v = p;
		*dc = c;
	}
	memcpy((char *)*v + *dn * sz, src, n * sz);
	*dn += n;
	return true;
}

int
late_flush(struct evtx_tpls *t, struct late_buf *b)
{
	struct late_buf *a = &t->all;
	bool ok;

	pthread_mutex_lock(&t->lock);
	ok = !b->oom && append(&a->defs, &a->ndefs, &a->cdefs, b->defs,
	    b->ndefs, sizeof(*b->defs)) && append(&a->recs, &a->nrecs,
	    &a->crecs, b->recs, b->nrecs, sizeof(*b->recs));
	if (ok)
		b->nrecs = 0;		/* the registry owns their copies now */
	if (!ok)
		t->oom = true;
	pthread_mutex_unlock(&t->lock);
	late_buf_free(b);
	return ok ? 0 : EV_ENOMEM;
}

static int
def_cmp(const void *a, const void *b)
{
	const struct late_def *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	return (x->off > y->off) - (x->off < y->off);
}

static int
rec_cmp(const void *a, const void *b)
{
	const struct late_rec *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

/*
 * The signature of a candidate definition (bx_tpl_sig()), made the first
 * time a record's decoding needs it and kept for the run: a record whose
 * instances it cannot fit is not decoded again with it.
 */
struct late_sig {
	uint8_t		 state;		/* SIG_* */
	struct bx_sig	 sig;
};

#define SIG_UNKNOWN	0
#define SIG_KNOWN	1
#define SIG_NONE	2		/* no sound definition: fits none */

/* State of evtx_tpls_finish(). */
struct fin {
	struct evtx_tpls *t;
	struct bx_dec	*d, *od;	/* the record's chunk, the other */
	uint8_t		*ob;		/* the other chunk */
	uint32_t	 olen;
	uint32_t	 ofile, oslot;	/* what ob holds (ofile UINT32_MAX:
					   nothing) */
	const char	*prov;		/* provider of the record at hand */
	uint32_t	 pfile, pslot;	/* same_provider() of that chunk */
	bool		 pin;		/* (pfile UINT32_MAX: not asked) */
	int		 fd;
	uint32_t	 fdfile;
	uint8_t		*cb;		/* the record's chunk, read again */
	uint32_t	 cfile, cslot;	/* what cb holds (cfile UINT32_MAX:
					   nothing) */
	uint32_t	 clen;
	bool		 cok;		/* read and given to f->d */
	const struct late_def *cv[LATE_TRIES];	/* candidates() */
	struct bx_dec	*sd;		/* parses the signatures */
	struct late_sig	*sigs;		/* by index of the kept a->defs */
	struct bx_sig	 asked[LATE_ASKED];	/* the record's: */
	int		 nasked;	/* -1: not known */
};

/* Reads chunk slot of file into buf; its length, or -1. */
static ssize_t
read_chunk(struct fin *f, uint32_t file, uint32_t slot, uint8_t *buf)
{
	if (f->fd == -1 || f->fdfile != file) {
		if (f->fd != -1)
			close(f->fd);
		f->fd = -1;
		if (file >= f->t->npaths || f->t->paths[file] == NULL ||
		    (f->fd = evtx_open_evidence(f->t->paths[file])) == -1)
			return -1;
		f->fdfile = file;
	}
	return pread(f->fd, buf, EVTX_CHUNK_SIZE, (off_t)EVTX_SLOT_OFF(slot));
}

/* Loads chunk slot of file into f->ob for f->od; false when it cannot. */
static bool
load(struct fin *f, uint32_t file, uint32_t slot)
{
	ssize_t n;

	if (f->ofile == file && f->oslot == slot)
		return true;
	f->ofile = UINT32_MAX;
	n = read_chunk(f, file, slot, f->ob);
	if (n < EVTX_CHUNK_HDR_SIZE)
		return false;
	f->olen = (uint32_t)n;
	bx_chunk(f->od, f->ob, f->olen);
	f->ofile = file;
	f->oslot = slot;
	return true;
}

/*
 * Reads the chunk of late record r again into f->cb for f->d; false when
 * it cannot be read or no longer holds the record's bytes (then the
 * record is delivered as it was decoded while reading).
 */
static bool
load_own(struct fin *f, const struct late_rec *r)
{
	ssize_t n;

	if (f->cfile != r->file || f->cslot != r->slot) {
		f->cfile = r->file;
		f->cslot = r->slot;
		n = read_chunk(f, r->file, r->slot, f->cb);
		f->cok = n >= EVTX_CHUNK_HDR_SIZE;
		if (f->cok)
			bx_chunk(f->d, f->cb, (uint32_t)n);
		f->clen = f->cok ? (uint32_t)n : 0;
	}
	return f->cok && r->pos <= f->clen && f->clen - r->pos >= r->size &&
	    evtx_crc32(0, f->cb + r->pos, r->size) == r->crc;
}

/* First index in [lo, hi) of a->defs whose (file, slot) is not below. */
static size_t
def_at(const struct late_buf *a, size_t lo, size_t hi, uint32_t file,
    uint32_t slot)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct late_def *d = &a->defs[mid];

		if (d->file < file || (d->file == file && d->slot < slot))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The candidates in a->defs for record r, in tie-break order, into f->cv;
 * their count (at most LATE_TRIES).  The definitions with r's identifier are
 * sorted by file, slot and offset: those of r's file come first by
 * distance of their chunk (the lower one first on a tie; its own chunk
 * was tried while reading), a chunk's by offset, then those of the other
 * files as they are sorted.  Made in that order, without a sort.
 */
static long
candidates(struct fin *f, const struct late_buf *a, const struct late_rec *r)
{
	size_t lo = 0, hi = a->ndefs, fa, fb, p, q, n = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a->defs[mid].id < r->id)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (hi = lo; hi < a->ndefs && a->defs[hi].id == r->id; hi++)
		;
	/* [fa, fb): r's file; [fa, p) below its chunk, [q, fb) above */
	fa = def_at(a, lo, hi, r->file, 0);
	fb = r->file == UINT32_MAX ? hi : def_at(a, fa, hi, r->file + 1, 0);
	p = def_at(a, fa, fb, r->file, r->slot);
	q = r->slot == UINT32_MAX ? fb : def_at(a, p, fb, r->file,
	    r->slot + 1);
	while (n < LATE_TRIES && (p > fa || q < fb)) {
		uint32_t below = p > fa ? a->defs[p - 1].slot : 0;
		size_t g;

		if (p > fa && (q == fb ||
		    r->slot - below <= a->defs[q].slot - r->slot)) {
			/* the chunk below, by offset */
			for (g = p; g > fa && a->defs[g - 1].slot == below; g--)
				;
			for (size_t i = g; i < p && n < LATE_TRIES; i++)
				f->cv[n++] = &a->defs[i];
			p = g;
		} else {
			uint32_t above = a->defs[q].slot;

			for (; q < fb && a->defs[q].slot == above &&
			    n < LATE_TRIES; q++)
				f->cv[n++] = &a->defs[q];
			for (; q < fb && a->defs[q].slot == above; q++)
				;
		}
	}
	for (size_t i = lo; i < hi && n < LATE_TRIES; i++) {
		if (i == fa)
			i = fb;		/* r's file: done above */
		if (i < hi)
			f->cv[n++] = &a->defs[i];
	}
	return (long)n;
}

/*
 * Does the chunk in f->ob hold a record of provider f->prov (System/
 * Provider/@Name, case aside)?  A definition of another file is used only
 * then (a definition with the same identifier in another provider's log
 * is another template, or a forgery).  The records up to the chunk's
 * free-space offset are decoded until one answers; the answer is kept for
 * the chunk until the next record.
 */
static bool
same_provider(struct fin *f)
{
	uint32_t lim = le32(f->ob + EVTX_CH_FREE), size;
	struct ev_record rec;

	if (f->pfile == f->ofile && f->pslot == f->oslot)
		return f->pin;
	f->pfile = f->ofile;
	f->pslot = f->oslot;
	f->pin = false;
	if (lim > f->olen)
		lim = f->olen;
	for (uint32_t pos = EVTX_CHUNK_HDR_SIZE; !f->pin && pos < lim &&
	    lim - pos >= EVTX_REC_MIN && le32(f->ob + pos) == EVTX_REC_SIG;
	    pos += size) {
		size = le32(f->ob + pos + EVTX_REC_SIZE);
		if (size < EVTX_REC_MIN || size > lim - pos)
			break;
		f->pin = bx_record(f->od, pos + EVTX_REC_HDR, pos + size - 4,
		    true, &rec) == 0 && rec.provider != NULL &&
		    strcasecmp(rec.provider, f->prov) == 0;
	}
	return f->pin;
}

static int
id_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Forgets the signatures of the record's instances. */
static void
asked_clear(struct fin *f)
{
	for (int i = 0; i < f->nasked; i++)
		free(f->asked[i].t);
	f->nasked = -1;
}

/*
 * Can candidate definition d (index k of the kept definitions, its chunk
 * in f->ob when loaded) fit one of the instances the record's decoding
 * asks a foreign definition for (f->asked)?  true when that is not known
 * (it is then decoded with it); -1 when out of memory.
 */
static int
may_fit(struct fin *f, const struct late_def *d, size_t k, bool loaded)
{
	struct late_sig *s = &f->sigs[k];
	int rc;

	if (f->nasked < 0)
		return 1;
	if (s->state == SIG_UNKNOWN) {
		if (!loaded)
			return 1;
		bx_chunk(f->sd, f->ob, f->olen);
		rc = bx_tpl_sig(f->sd, d->off, &s->sig);
		if (rc == EV_ENOMEM)
			return -1;
		s->state = rc == 0 ? SIG_KNOWN : SIG_NONE;
	}
	if (s->state == SIG_NONE)
		return 0;
	for (int i = 0; i < f->nasked; i++)
		if (bx_sig_fit(&s->sig, &f->asked[i]))
			return 1;
	return 0;
}

/*
 * Decodes late record r (its chunk in f->cb) with the first candidate of
 * a->defs whose definition fits, into *rec: 0, EV_ECORRUPT when none
 * does, or EV_ENOMEM.  Once a decoding used no foreign definition, the
 * signatures of the instances it asked one for are known, and a candidate
 * whose definition fits none of them is passed over (decoding with it
 * would come out the same): the record is decoded once, not once per
 * candidate, and a candidate's chunk is read again only until its
 * definition's signature is known.
 */
static int
try_defs(struct fin *f, const struct late_buf *a, const struct late_rec *r,
    struct ev_record *rec)
{
	long n = candidates(f, a, r);
	int rc = EV_ECORRUPT;

	f->prov = r->fb->provider;
	f->pfile = UINT32_MAX;
	for (long i = 0; i < n; i++) {
		const struct late_def *d = f->cv[i];
		size_t k = (size_t)(d - a->defs);
		int fit;

		if (d->file != r->file && f->prov == NULL)
			break;		/* (the rest are other files') */
		if ((fit = may_fit(f, d, k, false)) == 0)
			continue;
		if (fit > 0 && (!load(f, d->file, d->slot) ||
		    (d->file != r->file && !same_provider(f))))
			continue;
		if (fit > 0 && (fit = may_fit(f, d, k, true)) == 0)
			continue;
		if (fit < 0) {
			rc = EV_ENOMEM;
			break;
		}
		bx_foreign(f->d, f->od, d->off);
		rc = bx_record(f->d, r->pos + EVTX_REC_HDR, r->pos + r->size - 4,
		    false, rec);
		if (rc == EV_ENOMEM)
			break;
		if (rc == 0 && rec->kind != EV_KIND_NONE && !rec->unresolved)
			break;
		rc = EV_ECORRUPT;
		asked_clear(f);
		f->nasked = bx_record_asked(f->d, f->asked, LATE_ASKED);
	}
	asked_clear(f);
	return rc;
}

/*
 * Decodes late record r (its chunk read again into f->cb) with the first
 * candidate whose definition fits and delivers it; when none fits, or
 * the chunk no longer holds the record's bytes, delivers it as the
 * reader decoded it (positional).  0, a negative return of fn, or
 * EV_ENOMEM.
 */
static int
one_late(struct fin *f, const struct late_rec *r, evtx_late_fn fn,
    void *ctx)
{
	struct ev_record rec;
	int rc = EV_ECORRUPT;

	if (load_own(f, r))
		rc = try_defs(f, &f->t->all, r, &rec);
	if (rc == EV_ENOMEM)
		return rc;
	if (rc != 0) {
		rc = fn(r->file, r->fb, r->nuls, ctx);
		return rc < 0 ? rc : 0;
	}
	if (rec.record_id == 0)
		rec.record_id = le64(f->cb + r->pos + EVTX_REC_ID);
	if (rec.time == 0)
		rec.time = le64(f->cb + r->pos + EVTX_REC_WRITTEN);
	rec.offset = EVTX_SLOT_OFF(r->slot) + r->pos;
	rec.chunk = r->slot;
	rec.recovered = true;
	rc = fn(r->file, &rec, bx_record_nuls(f->d), ctx);
	return rc < 0 ? rc : 0;
}

/*
 * Drops the definitions whose identifier no kept record names (most of
 * them: a run notes every chunk's), so that only the rest is sorted;
 * false when out of memory.
 */
static bool
keep_wanted(struct late_buf *a)
{
	uint32_t *ids = malloc(a->nrecs * sizeof(*ids));
	size_t nids = 0, k = 0;

	if (ids == NULL)
		return false;
	for (size_t i = 0; i < a->nrecs; i++)
		ids[i] = a->recs[i].id;
	qsort(ids, a->nrecs, sizeof(*ids), id_cmp);
	for (size_t i = 0; i < a->nrecs; i++)
		if (nids == 0 || ids[nids - 1] != ids[i])
			ids[nids++] = ids[i];
	for (size_t i = 0; i < a->ndefs; i++)
		if (bsearch(&a->defs[i].id, ids, nids, sizeof(*ids),
		    id_cmp) != NULL)
			a->defs[k++] = a->defs[i];
	a->ndefs = k;
	free(ids);
	return true;
}

int
evtx_tpls_finish(struct evtx_tpls *t, evtx_late_fn fn, void *ctx,
    struct ev_err *err)
{
	struct late_buf *a = &t->all;
	struct fin f;
	int rc = 0;

	if (t->oom)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	if (a->nrecs == 0)
		return 0;
	memset(&f, 0, sizeof(f));
	f.t = t;
	f.fd = -1;
	f.ofile = f.cfile = UINT32_MAX;
	f.nasked = -1;
	f.d = bx_new();
	f.od = bx_new();
	f.sd = bx_new();
	f.ob = malloc(EVTX_CHUNK_SIZE);
	f.cb = malloc(EVTX_CHUNK_SIZE);
	if (f.d == NULL || f.od == NULL || f.sd == NULL || f.ob == NULL ||
	    f.cb == NULL) {
		rc = EV_ERR(err, EV_ENOMEM, 0, "out of memory");
		goto out;
	}
	qsort(a->recs, a->nrecs, sizeof(*a->recs), rec_cmp);	/* nrecs > 0 */
	if (!keep_wanted(a)) {
		rc = EV_ERR(err, EV_ENOMEM, 0, "out of memory");
		goto out;
	}
	if (a->ndefs > 1)
		qsort(a->defs, a->ndefs, sizeof(*a->defs), def_cmp);
	if (a->ndefs > 0 &&
	    (f.sigs = calloc(a->ndefs, sizeof(*f.sigs))) == NULL) {
		rc = EV_ERR(err, EV_ENOMEM, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < a->nrecs; i++) {
		if ((rc = one_late(&f, &a->recs[i], fn, ctx)) != 0) {
			if (rc == EV_ENOMEM)
				EV_ERR(err, EV_ENOMEM, 0, "out of memory");
			break;
		}
	}
out:
	if (f.fd != -1)
		close(f.fd);
	for (size_t i = 0; f.sigs != NULL && i < a->ndefs; i++)
		free(f.sigs[i].sig.t);
	free(f.sigs);
	bx_free(f.d);
	bx_free(f.od);
	bx_free(f.sd);
	free(f.ob);
	free(f.cb);
	return rc;
}
