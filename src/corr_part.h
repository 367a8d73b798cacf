/*
 * corr_part.h -- a run's events dealt by host into balanced groups, for
 * correlation's first pass on several threads (correlate.c).
 *
 * Correlation joins events of one host only (its keys begin with the
 * computer name, ASCII case folded), so a group that holds every event
 * of its hosts, in output order, can be linked on its own.  Hosts are
 * dealt largest first, each to the group with the fewest events so far
 * (ties: the lower group; hosts of equal size in order of appearance):
 * the same groups for the same events, whatever the threads do.
 */
#ifndef CORR_PART_H
#define CORR_PART_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct corr_part {
	uint32_t	*idx;	/* indexes into the events, ascending */
	uint32_t	*rank;	/* per entry: a process creation's number
				   among all of them, in events order (its
				   node); 0 for other events */
	size_t		 n;
};

/*
 * Deals events[0..n) into at most k groups: *parts (free with
 * corr_part_free()) and *nparts, fewer than k when there are fewer
 * hosts.  0 or EV_ENOMEM.
 */
int	corr_partition(struct ev_event *const *events, size_t n, unsigned k,
	    struct corr_part **parts, unsigned *nparts);
void	corr_part_free(struct corr_part *parts, unsigned nparts);

#endif
