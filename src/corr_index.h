/*
 * corr_index.h -- correlation's index from a process creation event to
 * its node (correlate.c): by the event's seq, an array of 4 bytes an
 * event, when the events are a run's in output order or a slice of it
 * (events[i]->seq == events[0]->seq + i); otherwise by a search of the
 * nodes sorted by event pointer.  Either way a lookup names a candidate
 * the caller checks (its node's event is the one looked up).
 */
#ifndef CORR_INDEX_H
#define CORR_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define CORR_INDEX_NONE	UINT32_MAX

struct corr_index {
	uint32_t		 *byseq;	/* [nseq]: node or NONE */
	uint32_t		  seq0;
	size_t			  nseq;
	const struct ev_event	**ptrs;		/* the other way: sorted */
	uint32_t		 *ptrnode;	/* node of ptrs[i] */
	size_t			  nptrs;
};

/*
 * Indexes the nnodes nodes, elements of stride bytes at nodes whose first
 * member is their event (struct ev_event *), over events[0..n).  0 or
 * EV_ENOMEM.
 */
int	 corr_index_build(struct corr_index *, struct ev_event *const *events,
	    size_t n, const void *nodes, size_t stride, size_t nnodes);
/* The node of ev, or CORR_INDEX_NONE: a candidate (see above). */
uint32_t corr_index_find(const struct corr_index *, const struct ev_event *ev);
void	 corr_index_free(struct corr_index *);

#endif
