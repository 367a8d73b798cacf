/*
 * corr_part.c -- events dealt by host into balanced groups; see
 * corr_part.h.
 */
#include <stdlib.h>
#include <string.h>

#include "corr_part.h"
#include "ev_buf.h"
#include "ev_err.h"
#include "ev_map.h"
#include "ev_par.h"
#include "ev_util.h"

struct host {
	size_t		 events;
	uint32_t	 id;	/* order of appearance */
	unsigned	 group;
};

/* Largest first; equal sizes in order of appearance. */
static int
host_cmp(const void *a, const void *b)
{
	const struct host *x = a, *y = b;

	if (x->events != y->events)
		return x->events > y->events ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * The hosts of a stretch of the events, numbered in order of appearance
 * (one ev_par_for() index each): stretches in order, then their hosts in
 * order, number the hosts as one pass over every event would.
 */
struct stretch {
	struct ev_event *const	*events;
	size_t			 from, to;
	uint32_t		*hostof;	/* the run's: [from, to) */
	struct ev_map		 m;		/* folded name -> number */
	struct ev_map_ent	**at;		/* per number: its entry */
	size_t			 nhosts, cap;
	int			 rc;
};

#define HOST_PROC	0x80000000u	/* in hostof: a process creation */
#define STRETCH_MIN	16384	/* events: fewer are one stretch */

static void
stretch_hosts(void *arg, unsigned t)
{
	struct stretch *st = &((struct stretch *)arg)[t];
	struct ev_buf key = EV_BUF_INIT;
	const char *last = NULL;
	uint32_t lastid = 0;

	for (size_t i = st->from; i < st->to; i++) {
		const char *comp;
		struct ev_map_ent *e;
		bool isnew;

		ev_prefetch_cols(st->events, i, st->to);
		comp = ev_col(st->events[i], EV_COL_COMPUTER);

		if (comp == NULL)
			comp = "";
		/* computer names are shared strings: the last one again
		   needs no lookup */
		if (comp != last) {
			ev_buf_reset(&key);
			ev_buf_add_lower(&key, comp);
			if (ev_buf_failed(&key) || (e = ev_map_put(&st->m,
			    key.buf, key.len, &isnew)) == NULL || (isnew &&
			    EV_GROW(st->at, st->nhosts, st->cap, 16) != 0)) {
				st->rc = EV_ENOMEM;
				break;
			}
			if (isnew) {
				e->idx = (uint32_t)st->nhosts;
				e->count = 0;
				st->nhosts++;
			}
			last = comp;
			lastid = e->idx;
		}
		st->hostof[i] = lastid | (st->events[i]->kind ==
		    EV_KIND_PROCESS ? HOST_PROC : 0);
	}
	ev_buf_release(&key);
}

/*
 * Each event's host number (*hostof, with HOST_PROC when it is a process
 * creation: the partition then reads no event) and the hosts; 0 or
 * EV_ENOMEM.
 */
static int
hosts_of(struct ev_event *const *events, size_t n, unsigned k,
    uint32_t *hostof, struct host **hosts, size_t *nhosts)
{
	struct ev_map g = EV_MAP_INIT;
	unsigned ns = n / STRETCH_MIN > k ? k : (unsigned)(n / STRETCH_MIN);
	struct stretch *st;
	uint32_t *remap = NULL;
	size_t cap = 0;
	int rc = 0;

	*hosts = NULL;
	*nhosts = 0;
	if (ns == 0)
		ns = 1;
	if ((st = calloc(ns, sizeof(*st))) == NULL)
		return EV_ENOMEM;
	for (unsigned t = 0; t < ns; t++)
		st[t] = (struct stretch){ events, n / ns * t, t + 1 == ns ? n :
		    n / ns * (t + 1), hostof, EV_MAP_INIT, NULL, 0, 0, 0 };
	ev_par_for(ns, ns, stretch_hosts, st);
	for (unsigned t = 0; t < ns && rc == 0; t++) {
		size_t pos = 0;
		struct ev_map_ent *e, *ge;
		bool isnew;

		rc = st[t].rc;
		free(remap);
		if (rc != 0 || (remap = calloc(st[t].nhosts + 1,
		    sizeof(*remap))) == NULL) {
			rc = EV_ENOMEM;
			break;
		}
		/* the stretch's hosts by number, then numbered in g */
		while ((e = ev_map_next(&st[t].m, &pos)) != NULL)
			st[t].at[e->idx] = e;
		for (size_t h = 0; h < st[t].nhosts && rc == 0; h++) {
			e = st[t].at[h];
			if ((ge = ev_map_put(&g, e->key, e->klen, &isnew)) ==
			    NULL || (isnew &&
			    EV_GROW(*hosts, *nhosts, cap, 16) != 0)) {
				rc = EV_ENOMEM;
				break;
			}
			if (isnew) {
				ge->idx = (uint32_t)*nhosts;
				(*hosts)[*nhosts] = (struct host){ 0,
				    (uint32_t)*nhosts, 0 };
				(*nhosts)++;
			}
			remap[h] = ge->idx;
		}
		for (size_t i = st[t].from; i < st[t].to && rc == 0; i++) {
			hostof[i] = remap[hostof[i] & ~HOST_PROC] |
			    (hostof[i] & HOST_PROC);
			(*hosts)[hostof[i] & ~HOST_PROC].events++;
		}
	}
	for (unsigned t = 0; t < ns; t++) {
		ev_map_release(&st[t].m);
		free(st[t].at);
	}
	free(st);
	free(remap);
	ev_map_release(&g);
	return rc;
}

int
corr_partition(struct ev_event *const *events, size_t n, unsigned k,
    struct corr_part **parts, unsigned *nparts)
{
	uint32_t *hostof = NULL, *groupof = NULL, nproc = 0;
	struct host *hosts = NULL;
	struct corr_part *p = NULL;
	size_t nhosts = 0, *load = NULL;
	unsigned ng;
	int rc = EV_ENOMEM;

	*parts = NULL;
	*nparts = 0;
	if (k == 0)
		k = 1;
	if ((hostof = malloc((n ? n : 1) * sizeof(*hostof))) == NULL ||
	    hosts_of(events, n, k, hostof, &hosts, &nhosts) != 0)
		goto out;
	ng = nhosts < k ? (unsigned)(nhosts ? nhosts : 1) : k;
	if ((groupof = calloc(nhosts ? nhosts : 1, sizeof(*groupof))) ==
	    NULL || (load = calloc(ng, sizeof(*load))) == NULL ||
	    (p = calloc(ng, sizeof(*p))) == NULL)
		goto out;
	ev_qsort(hosts, nhosts, sizeof(*hosts), host_cmp);
	for (size_t h = 0; h < nhosts; h++) {
		unsigned best = 0;

		for (unsigned g = 1; g < ng; g++)
			if (load[g] < load[best])
				best = g;
		load[best] += hosts[h].events;
		groupof[hosts[h].id] = best;
	}
	for (unsigned g = 0; g < ng; g++) {
		p[g].idx = malloc((load[g] ? load[g] : 1) * sizeof(*p[g].idx));
		p[g].rank = malloc((load[g] ? load[g] : 1) *
		    sizeof(*p[g].rank));
		if (p[g].idx == NULL || p[g].rank == NULL) {
			corr_part_free(p, ng);
			p = NULL;
			goto out;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct corr_part *q = &p[groupof[hostof[i] & ~HOST_PROC]];

		q->idx[q->n] = (uint32_t)i;
		q->rank[q->n++] = hostof[i] & HOST_PROC ? nproc++ : 0;
	}
	*parts = p;
	*nparts = ng;
	rc = 0;
out:
	free(hostof);
	free(groupof);
	free(hosts);
	free(load);
	return rc;
}

void
corr_part_free(struct corr_part *parts, unsigned nparts)
{
	if (parts == NULL)
		return;
	for (unsigned g = 0; g < nparts; g++) {
		free(parts[g].idx);
		free(parts[g].rank);
	}
	free(parts);
}
