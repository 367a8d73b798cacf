/*
 * findings.h -- what a scan found (SPEC §4): the events with rule hits or
 * baseline findings, each with the reasons that survived the filters.
 *
 * The pipeline, in the order scan calls it:
 *	findings_match_hook		ingest's event hook: process creations
 *					are matched in the reading threads
 *	findings_match_late()		Sysmon 3/7, once they know their process
 *	findings_fold_twins()		a 4688 twin of a Sysmon 1 hands its hits
 *					to the Sysmon event (one finding)
 *	findings_build()		rule hits + baseline findings -> findings,
 *					minus --suppress and the level, computer
 *					and rule filters
 *
 * Ownership: a struct findings owns its arrays and strings (released with
 * findings_release()); findings point at events and rules, which must
 * outlive it.  Hits (ev->hits) live in arenas the caller passes in.
 * Threading: the match hook runs in ingest's worker threads, each with its
 * own scratch; findings_match_late() runs its own threads (ev_par_for);
 * everything else is single-threaded.
 */
#ifndef FINDINGS_H
#define FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ev_arena.h"
#include "ev_err.h"
#include "ev_level.h"
#include "event.h"

struct base_result;
struct corr;
struct sigma_set;

/* One reason an event is a finding. */
struct finding_reason {
	bool		 baseline;	/* false: a rule; true: baseline */
	enum ev_level	 level;
	const char	*title;		/* rule title / baseline headline */
	const char	*rule_id;	/* rule UUID, or "baseline:<kind>" */
	const char	*rule_path;	/* rule file, NULL for baseline */
	const char	*tags;		/* space-separated ATT&CK tags */
	const char	*details;	/* baseline explanation, or NULL */
	double		 score;		/* baseline surprisal (bits), or 0 */
	uint32_t	 rule;		/* a rule: its index in the rule set */
};

struct finding {
	const struct ev_event		*ev;
	const struct finding_reason	*reasons;	/* most severe first */
	size_t				 nreasons;
	enum ev_level			 level;		/* max over reasons */
};

#endif
