/*
 * ingest_merge.c -- the reading threads' sorted events into one run in
 * output order, without duplicates (ingest.h: ingest_merge()).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ev_par.h"
#include "ingest.h"

/*
 * Duplicates (ev_dup_equal()) share their time, the first key of the
 * output order: ingest_merge() looks for one among the kept events of the
 * same time, one by one while they are few (they are at hand), through a
 * hash table once a time has more than DUP_LINEAR.
 */
#define DUP_LINEAR	16

struct dedup {
	struct ev_event	**ev;		/* kept, in output order */
	size_t		  out;
	size_t		  group;	/* first kept event of the current
					   time */
	bool		  hashed;	/* the group is in the table */
	struct ev_event	**table;	/* open addressing */
	size_t		  cap;
};

static struct ev_event **
dup_slot(struct dedup *d, const struct ev_event *e)
{
	size_t slot = ev_dup_hash(e) & (d->cap - 1);

	while (d->table[slot] != NULL && !ev_dup_equal(d->table[slot], e))
		slot = (slot + 1) & (d->cap - 1);
	return &d->table[slot];
}

/*
 * Where the kept copy of e is; when e is new, the table's free slot for
 * it, or NULL while its time has few events.
 */
static struct ev_event **
dup_find(struct dedup *d, const struct ev_event *e)
{
	if (d->out > d->group && d->ev[d->group]->time != e->time) {
		d->group = d->out;
		d->hashed = false;
	}
	if (!d->hashed && d->out - d->group < DUP_LINEAR) {
		for (size_t i = d->group; i < d->out; i++)
			if (ev_dup_equal(d->ev[i], e))
				return &d->ev[i];
		return NULL;
	}
	if (!d->hashed) {
		for (size_t i = d->group; i < d->out; i++)
			*dup_slot(d, d->ev[i]) = d->ev[i];
		d->hashed = true;
	}
	return dup_slot(d, e);
}

/*
 * The merge runs in parts by time (duplicates share theirs): part p
 * takes every shard's events of the times in [t[p], t[p + 1]), and keeps
 * its events, its duplicates and its files' counts apart until the parts
 * are joined in order.
 */
struct part {
	struct ev_event *const *const *sh;
	const size_t	 *lo, *hi;	/* per shard: [lo, hi) */
	unsigned	  nsh;
	struct dedup	  d;		/* d.ev: kept, seq local: the
					   part's room in run->events */
	int64_t		 *fev, *fdup;	/* per file: events, duplicates */
	uint64_t	  dups;
	int		  rc;
};

#define MERGE_PARTS	4		/* per thread: for balance */
#define MERGE_PAR_MIN	65536		/* events: fewer merge in one part */

static void
merge_part(void *arg, unsigned i)
{
	struct part *pt = &((struct part *)arg)[i];
	struct dedup *d = &pt->d;
	size_t total = 0, *pos = calloc(pt->nsh ? pt->nsh : 1, sizeof(*pos));

	for (unsigned k = 0; k < pt->nsh; k++)
		total += pt->hi[k] - pt->lo[k];
	for (d->cap = 16; d->cap < total * 2; d->cap *= 2)
		;
	d->table = calloc(d->cap, sizeof(*d->table));
	if (pos == NULL || d->table == NULL) {
		pt->rc = EV_ENOMEM;
		free(pos);
		return;
	}
	for (;;) {
		struct ev_event *best = NULL, *e, **kept;
		unsigned bi = 0;

		for (unsigned k = 0; k < pt->nsh; k++) {
			if (pt->lo[k] + pos[k] == pt->hi[k])
				continue;
			e = pt->sh[k][pt->lo[k] + pos[k]];
			if (best == NULL || ev_order_cmp(e, best) < 0) {
				best = e;
				bi = k;
			}
		}
		if (best == NULL)
			break;
		pos[bi]++;
		kept = dup_find(d, best);
		if (kept == NULL || *kept == NULL) {
			if (kept != NULL)
				*kept = best;
			best->seq = (uint32_t)d->out;
			d->ev[d->out++] = best;
			pt->fev[best->file_id]++;
			continue;
		}
		/* a duplicate */
		pt->dups++;
		pt->fdup[best->file_id]++;
		if ((*kept)->recovered && !best->recovered) {
			struct ev_event *old = *kept;

			pt->fdup[best->file_id]--;
			pt->fdup[old->file_id]++;
			pt->fev[best->file_id]++;
			pt->fev[old->file_id]--;
			best->seq = old->seq;
			d->ev[old->seq] = best;
			*kept = best;
		}
	}
	free(pos);
	free(d->table);
	d->table = NULL;
}

/* The parts joined: part i's events at at[i] (moved down), seq set. */
struct join {
	struct part	*pt;
	struct ev_event	**out;
	const size_t	*at;
};

static void
join_part(void *arg, unsigned i)
{
	struct join *j = arg;

	for (size_t k = 0; k < j->pt[i].d.out; k++)
		j->out[j->at[i] + k]->seq = (uint32_t)(j->at[i] + k);
}

/* The first index of the sorted a[0..n) whose time is at least t. */
static size_t
first_at(struct ev_event *const *a, size_t n, uint64_t t)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a[mid]->time < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
ingest_merge(struct ingest_run *run, struct ev_event *const *const *sh,
    const size_t *shn, unsigned nsh, unsigned jobs)
{
	size_t total = 0, big = 0, room = 0, *bound, *at = NULL;
	unsigned np = 1;
	struct part *pt;
	struct join j;
	int rc = 0;

	for (unsigned i = 0; i < nsh; i++) {
		total += shn[i];
		big = shn[i] > shn[big] ? i : big;
	}
	if (jobs > 1 && total >= MERGE_PAR_MIN)
		np = jobs * MERGE_PARTS;
	/* bound[p * nsh + k]: where part p starts in shard k */
	bound = calloc((size_t)(np + 1) * (nsh ? nsh : 1), sizeof(*bound));
	pt = calloc(np, sizeof(*pt));
	if (bound == NULL || pt == NULL) {
		free(bound);
		free(pt);
		return EV_ENOMEM;
	}
	for (unsigned k = 0; k < nsh; k++)
		bound[(size_t)np * nsh + k] = shn[k];
	/* the parts split the largest shard evenly, at a time's start */
	for (unsigned p = 1; p < np; p++) {
		uint64_t t = sh[big][shn[big] * p / np]->time;

		for (unsigned k = 0; k < nsh; k++)
			bound[(size_t)p * nsh + k] = first_at(sh[k], shn[k], t);
	}
	/* each part merges into its room in run->events: as many as it
	   reads, moved down over the duplicates' room once all are done */
	if ((run->events = ev_big_alloc((total ? total : 1) *
	    sizeof(*run->events))) == NULL) {
		free(bound);
		free(pt);
		return EV_ENOMEM;
	}
	for (unsigned p = 0; p < np; p++) {
		pt[p].sh = sh;
		pt[p].lo = &bound[(size_t)p * nsh];
		pt[p].hi = &bound[(size_t)(p + 1) * nsh];
		pt[p].nsh = nsh;
		pt[p].d.ev = run->events + room;
		for (unsigned k = 0; k < nsh; k++)
			room += pt[p].hi[k] - pt[p].lo[k];
		pt[p].fev = calloc(run->nfiles + 1, sizeof(*pt[p].fev));
		pt[p].fdup = calloc(run->nfiles + 1, sizeof(*pt[p].fdup));
		if (pt[p].fev == NULL || pt[p].fdup == NULL)
			pt[p].rc = EV_ENOMEM;
	}
	ev_par_for(np, jobs, merge_part, pt);
	if ((at = calloc(np + 1, sizeof(*at))) == NULL)
		rc = EV_ENOMEM;
	for (unsigned p = 0; p < np && rc == 0; p++) {
		rc = pt[p].rc;
		at[p + 1] = at[p] + pt[p].d.out;
	}
	if (rc == 0) {
		for (unsigned p = 0; p < np; p++)
			memmove(run->events + at[p], pt[p].d.ev,
			    pt[p].d.out * sizeof(*run->events));
		j = (struct join){ pt, run->events, at };
		ev_par_for(np, jobs, join_part, &j);
		run->nevents = at[np];
		for (unsigned p = 0; p < np; p++) {
			run->duplicates += pt[p].dups;
			for (size_t f = 0; f < run->nfiles; f++) {
				run->files[f].events += (uint64_t)pt[p].fev[f];
				run->files[f].duplicates +=
				    (uint64_t)pt[p].fdup[f];
			}
		}
	}
	if (rc != 0) {
		ev_big_free(run->events);
		run->events = NULL;
		run->nevents = 0;
	}
	for (unsigned p = 0; p < np; p++) {
		free(pt[p].d.table);
		free(pt[p].fev);
		free(pt[p].fdup);
	}
	free(pt);
	free(bound);
	free(at);
	return rc;
}
