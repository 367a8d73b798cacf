/*
 * sigcorr.h -- evaluation of Sigma correlation rules (sigma/correlation.h;
 * evtxhunt-rules(5) "CORRELATION RULES") over the rule hits of a run.
 *
 * Runs after matching (and after 4688 twins folded their hits into their
 * Sysmon 1 event, so one process counts once), single-threaded, over the
 * events in output order.  For each loaded correlation, in the set's
 * evaluation order (inner correlations of a chain first):
 *  - every hit of one of its rules becomes an entry: the event's time,
 *    the rule, and its group-by values (and value_count's value) read
 *    with the field lookup Sigma matching uses (aliases applied per
 *    rule); a hit of an inner correlation is its match, at the time of
 *    the match's last event, with that match's group-by values.  An
 *    entry without a value for some group-by field (or value_count's
 *    field) is left out (counted in `ungrouped`);
 *  - entries are sorted by group values, time, file, record and rule
 *    position, so the result does not depend on -j or input order;
 *  - per group, a window slides over the entries in time order: an
 *    entry is in the window of a later one when their times differ by
 *    at most the timespan (both ends inclusive).  Conditions that only
 *    bound from below (gt, gte; temporal without a condition;
 *    temporal_ordered) are tested as each entry arrives, and a match
 *    consumes the window's entries (the next match starts after it).
 *    Conditions with an upper bound (lt, lte, eq, neq, ranges) are
 *    tested when a window closes: windows are then anchored at the
 *    first entry not yet in one, and hold every later entry within the
 *    timespan of it (tumbling, so a tail of a busy window does not pass
 *    an upper bound);
 *  - temporal_ordered needs its rules' hits in the order of 'rules:', a
 *    later one strictly after (by time, then file and record) the one
 *    before, within one window; two rules hit by one event are not in
 *    order.
 *
 * Limits: the state is one entry per hit of a referenced rule (and
 * inner match), and per group arrays as long as the group's entries,
 * freed after each correlation; the window is two indexes into the
 * group's sorted entries, so expired entries leave it as it slides.
 * A match lists at most SIGCORR_MAX_LISTED events (count says how many
 * there were).  Every loop runs over those entries, a bounded number of
 * times each.
 *
 * Ownership: a struct sigcorr owns its matches and their strings
 * (sigcorr_release()); matches point at events, which must outlive it.
 */
#ifndef SIGCORR_H
#define SIGCORR_H

#include <stddef.h>
#include <stdint.h>

#include "ev_arena.h"
#include "ev_err.h"
#include "event.h"

struct sigma_set;

#define SIGCORR_MAX_LISTED	32	/* events listed per match */

/* One correlation match. */
struct sigcorr_match {
	uint32_t		 rule;		/* the correlation's index */
	const struct ev_event	*first, *last;	/* the match is reported
						   on last */
	uint64_t		 count;		/* entries in the window */
	uint64_t		 value;		/* what the condition tested:
						   events, distinct values,
						   distinct rules */
	const char *const	*group;		/* group-by values (ngroup) */
	const struct ev_event *const *events;	/* time order, listed */
	uint32_t		 nevents;	/* <= SIGCORR_MAX_LISTED */
	const char		*details;	/* one line, for reports:
						   unescaped log values */
	bool			 reported;	/* not silent (generate) */
};

struct sigcorr {
	struct sigcorr_match	*v;		/* by correlation, then time */
	size_t			 n, cap;
	uint64_t		 entries;	/* hits evaluated */
	uint64_t		 ungrouped;	/* hits without group values */
	struct ev_arena		 arena;
	/*
	 * Reads back the data of an event that left it in the memory
	 * budget's spill (ev->spilled) into arena, for a hit's group and
	 * value fields (the caller's ingest_event_whole() over its run,
	 * with whole_arg); NULL: every event has its data.
	 */
	int			(*whole)(const void *arg,
				    const struct ev_event *ev,
				    struct ev_arena *arena,
				    const struct ev_event **out,
				    struct ev_err *err);
	const void		*whole_arg;
};

void	sigcorr_init(struct sigcorr *);
void	sigcorr_release(struct sigcorr *);

/*
 * Evaluates every loaded correlation of rules (compiled) over
 * events[0..n) (output order, ev->hits set and folded).  files[i] names
 * file id i in the details (NULL or past nfiles: "file <id>").  0 or
 * EV_ENOMEM (with err).
 */
int	sigcorr_run(struct sigcorr *, const struct sigma_set *rules,
	    struct ev_event *const *events, size_t n,
	    const char *const *files, size_t nfiles, struct ev_err *err);

#endif
