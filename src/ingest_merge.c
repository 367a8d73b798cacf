/*
 * ingest_merge.c -- the reading threads' sorted events into one run in
 * output order, without duplicates (ingest.h: ingest_merge()).
 */
#include <stdlib.h>

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

int
ingest_merge(struct ingest_run *run, struct ev_event *const *const *sh,
    const size_t *shn, unsigned nsh)
{
	size_t total = 0, *pos;
	struct dedup d = { 0 };

	for (unsigned i = 0; i < nsh; i++)
		total += shn[i];
	d.ev = malloc((total ? total : 1) * sizeof(*d.ev));
	pos = calloc(nsh, sizeof(*pos));
	for (d.cap = 16; d.cap < total * 2; d.cap *= 2)
		;
	d.table = calloc(d.cap, sizeof(*d.table));
	if (d.ev == NULL || pos == NULL || d.table == NULL) {
		free(d.ev);
		free(pos);
		free(d.table);
		return EV_ENOMEM;
	}
	for (;;) {
		struct ev_event *best = NULL, *e, **kept;
		unsigned bi = 0;

		for (unsigned i = 0; i < nsh; i++) {
			if (pos[i] == shn[i])
				continue;
			e = sh[i][pos[i]];
			if (best == NULL || ev_order_cmp(e, best) < 0) {
				best = e;
				bi = i;
			}
		}
		if (best == NULL)
			break;
		pos[bi]++;
		kept = dup_find(&d, best);
		if (kept == NULL || *kept == NULL) {
			if (kept != NULL)
				*kept = best;
			best->seq = (uint32_t)d.out;
			d.ev[d.out++] = best;
			run->files[best->file_id].events++;
			continue;
		}
		/* a duplicate */
		run->duplicates++;
		run->files[best->file_id].duplicates++;
		if ((*kept)->recovered && !best->recovered) {
			struct ev_event *old = *kept;

			run->files[best->file_id].duplicates--;
			run->files[old->file_id].duplicates++;
			run->files[best->file_id].events++;
			run->files[old->file_id].events--;
			best->seq = old->seq;
			d.ev[old->seq] = best;
			*kept = best;
		}
	}
	free(pos);
	free(d.table);
	run->events = d.ev;
	run->nevents = d.out;
	return 0;
}
