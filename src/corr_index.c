/*
 * corr_index.c -- process creation event to correlation node
 * (corr_index.h).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "corr_index.h"
#include "ev_arena.h"
#include "ev_err.h"

/* the event a node starts with */
static struct ev_event *
node_ev(const void *nodes, size_t stride, size_t k)
{
	struct ev_event *ev;

	memcpy(&ev, (const char *)nodes + k * stride, sizeof(ev));
	return ev;
}

struct pn {
	const struct ev_event	*ev;
	uint32_t		 node;
};

static int
pn_cmp(const void *pa, const void *pb)
{
	uintptr_t a = (uintptr_t)((const struct pn *)pa)->ev;
	uintptr_t b = (uintptr_t)((const struct pn *)pb)->ev;

	return a < b ? -1 : a > b;
}

/* The nodes sorted by event pointer.  0 or EV_ENOMEM. */
static int
by_pointer(struct corr_index *ix, const void *nodes, size_t stride,
    size_t nnodes)
{
	struct pn *v = malloc((nnodes ? nnodes : 1) * sizeof(*v));

	ix->ptrs = ev_big_alloc((nnodes ? nnodes : 1) * sizeof(*ix->ptrs));
	ix->ptrnode = ev_big_alloc((nnodes ? nnodes : 1) *
	    sizeof(*ix->ptrnode));
	if (v == NULL || ix->ptrs == NULL || ix->ptrnode == NULL) {
		free(v);
		return EV_ENOMEM;
	}
	for (size_t k = 0; k < nnodes; k++)
		v[k] = (struct pn){ node_ev(nodes, stride, k), (uint32_t)k };
	qsort(v, nnodes, sizeof(*v), pn_cmp);
	for (size_t k = 0; k < nnodes; k++) {
		ix->ptrs[k] = v[k].ev;
		ix->ptrnode[k] = v[k].node;
	}
	ix->nptrs = nnodes;
	free(v);
	return 0;
}

int
corr_index_build(struct corr_index *ix, struct ev_event *const *events,
    size_t n, const void *nodes, size_t stride, size_t nnodes)
{
	bool by_seq = true;

	memset(ix, 0, sizeof(*ix));
	ix->seq0 = n > 0 ? events[0]->seq : 0;
	for (size_t i = 0; i < n && by_seq; i++)
		by_seq = events[i]->seq == ix->seq0 + i;
	if (!by_seq)
		return by_pointer(ix, nodes, stride, nnodes);
	if ((ix->byseq = ev_big_alloc((n ? n : 1) * sizeof(*ix->byseq))) ==
	    NULL)
		return EV_ENOMEM;
	ix->nseq = n;
	memset(ix->byseq, 0xff, n * sizeof(*ix->byseq));	/* NONE */
	for (size_t k = 0; k < nnodes; k++) {
		uint32_t s = node_ev(nodes, stride, k)->seq - ix->seq0;

		if (s < n)
			ix->byseq[s] = (uint32_t)k;
	}
	return 0;
}

uint32_t
corr_index_find(const struct corr_index *ix, const struct ev_event *ev)
{
	size_t lo = 0, hi = ix->nptrs;

	if (ix->byseq != NULL)
		return ev->seq >= ix->seq0 && ev->seq - ix->seq0 < ix->nseq ?
		    ix->byseq[ev->seq - ix->seq0] : CORR_INDEX_NONE;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->ptrs[mid] == ev)
			return ix->ptrnode[mid];
		if ((uintptr_t)ix->ptrs[mid] < (uintptr_t)ev)
			lo = mid + 1;
		else
			hi = mid;
	}
	return CORR_INDEX_NONE;
}

void
corr_index_free(struct corr_index *ix)
{
	ev_big_free(ix->byseq);
	ev_big_free(ix->ptrs);
	ev_big_free(ix->ptrnode);
	memset(ix, 0, sizeof(*ix));
}
