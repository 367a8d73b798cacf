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

/* Each event's host number (*hostof) and the hosts; 0 or EV_ENOMEM. */
static int
hosts_of(struct ev_event *const *events, size_t n, uint32_t *hostof,
    struct host **hosts, size_t *nhosts)
{
	struct ev_map m = EV_MAP_INIT;
	struct ev_buf key = EV_BUF_INIT;
	const char *last = NULL;
	uint32_t lastid = 0;
	size_t cap = 0;
	int rc = 0;

	*hosts = NULL;
	*nhosts = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *comp = ev_col(events[i], EV_COL_COMPUTER);
		struct ev_map_ent *e;
		bool isnew;

		if (comp == NULL)
			comp = "";
		/* computer names are shared strings: the last one again
		   needs no lookup */
		if (comp != last) {
			ev_buf_reset(&key);
			ev_buf_add_lower(&key, comp);
			if (ev_buf_failed(&key) || (e = ev_map_put(&m,
			    key.buf, key.len, &isnew)) == NULL) {
				rc = EV_ENOMEM;
				break;
			}
			if (isnew) {
				if (*nhosts == cap) {
					size_t ncap = cap ? cap * 2 : 16;
					struct host *v = realloc(*hosts,
					    ncap * sizeof(*v));

					if (v == NULL) {
						rc = EV_ENOMEM;
						break;
					}
					*hosts = v;
					cap = ncap;
				}
				e->idx = (uint32_t)*nhosts;
				(*hosts)[*nhosts] = (struct host){ 0,
				    (uint32_t)*nhosts, 0 };
				(*nhosts)++;
			}
			last = comp;
			lastid = e->idx;
		}
		hostof[i] = lastid;
		(*hosts)[lastid].events++;
	}
	ev_map_release(&m);
	ev_buf_release(&key);
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
	    hosts_of(events, n, hostof, &hosts, &nhosts) != 0)
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
		struct corr_part *q = &p[groupof[hostof[i]]];

		q->idx[q->n] = (uint32_t)i;
		q->rank[q->n++] = events[i]->kind == EV_KIND_PROCESS ?
		    nproc++ : 0;
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
