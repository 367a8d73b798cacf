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
 *	findings_correlate()		correlation rules over the hits
 *					(sigcorr_run(), fs->correlations)
 *	findings_build()		rule hits + baseline findings +
 *					correlation matches -> findings,
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
struct ingest_run;
struct corr;
struct sigcorr;
struct sigma_set;

/*
 * What made a rule true on the event (sigma_explain(), sigma.h): a
 * selection of its condition, the field and modifiers, the rule's value
 * and the part of the event's value that matched.  Strings from the rule
 * and the log, unescaped.
 */
struct finding_match {
	const char	*selection;	/* detection identifier, or NULL */
	const char	*field;		/* NULL: keywords */
	const char	*mods;		/* "contains|all"; "" none */
	const char	*value;		/* the rule's value; NULL: null */
	const char	*data;		/* keywords: the EventData name */
	const char	*match;		/* matched part of the event's value,
					   at most FINDINGS_MATCH_MAX bytes
					   ("..." after a cut); NULL: the
					   field is absent */
	bool		 negated;	/* a selection false under a 'not'
					   (the rule was true only so): match
					   is the event's value */
};

#define FINDINGS_MATCH_MAX	200
#define FINDINGS_MATCHES_MAX	16	/* per reason */

/* One reason an event is a finding. */
struct finding_reason {
	bool		 baseline;	/* false: a rule; true: baseline */
	enum ev_level	 level;
	const char	*title;		/* rule title / baseline headline */
	const char	*rule_id;	/* rule UUID, or "baseline:<kind>" */
	const char	*rule_path;	/* rule file, NULL for baseline */
	const char	*tags;		/* space-separated ATT&CK tags */
	const char	*details;	/* baseline explanation, the
					   correlation's match, or NULL */
	double		 score;		/* baseline surprisal (bits), or 0 */
	uint32_t	 rule;		/* a rule: its index in the rule set */
	bool		 correlation;	/* a rule that is a correlation: the
					   event completed its match; details
					   list the correlated events */
	/* a rule: its description, references and falsepositives (NULL,
	   0: none given), and what matched (none for correlations) */
	const char	*description;
	const char *const *references;
	size_t		 nreferences;
	const char *const *falsepositives;
	size_t		 nfalsepositives;
	const struct finding_match *matched;
	size_t		 nmatched;
};

/*
 * The reason's matches on one line, unescaped, appended to b:
 * "selection: Image|endswith 'x.exe' = 'X.EXE'; ...", keywords as
 * "keywords: 'x' in CommandLine = 'X'", a negated selection as "not
 * known: Image|endswith = 'C:\\x.dat'".  Nothing when none.
 */
struct ev_buf;
void	findings_matched_line(struct ev_buf *b, const struct finding_reason *r);

struct finding {
	const struct ev_event		*ev;
	const struct finding_reason	*reasons;	/* most severe first */
	size_t				 nreasons;
	enum ev_level			 level;		/* max over reasons */
	uint32_t			 group;		/* its group's id
							   (findings_group()),
							   0 before */
};

/*
 * Identical findings, collapsed into one report entry by
 * findings_group(): same computer, image, user, command line (or, with
 * FINDINGS_GROUP_SHAPE, the baseline's argument shape of it), object
 * (network destination, module loaded, log cleared) and set of rule ids.
 */
struct finding_group {
	uint32_t		 id;		/* 1.., in output order */
	const struct finding	*first;		/* the earliest, shown */
	const struct finding *const *members;	/* output order, count */
	size_t			 count;
	uint64_t		 first_time, last_time;
	enum ev_level		 level;		/* max over members */
};

enum findings_grouping {
	FINDINGS_GROUP_EXACT,	/* the exact command line (default) */
	FINDINGS_GROUP_SHAPE,	/* the command line's argument shape */
	FINDINGS_GROUP_NONE,	/* --no-group: one group per finding */
};

/*
 * What the filters dropped: findings (events none of whose reasons
 * survived) and, separately, reasons (also those dropped from findings
 * that stay).  A dropped finding counts under --suppress when any of its
 * reasons was suppressed, else under --computer/--rule when any reason
 * failed them, else under the minimum level.
 */
struct findings_drop {
	uint64_t	 findings, reasons;
};

/* The report filters (-l, --computer, --rule); NULL patterns match all. */
struct findings_filter {
	enum ev_level	 min_level;
	const char	*computer;	/* glob on the computer */
	const char	*rule;		/* glob on the rule id or title */
};

struct findings_suppress;

struct findings {
	struct finding		*v;		/* output order of events */
	size_t			 n;
	struct findings_drop	 suppressed;	/* by --suppress */
	struct findings_drop	 filtered;	/* by --computer, --rule */
	struct findings_drop	 below;		/* below -l */
	struct finding_group	*groups;	/* findings_group() */
	size_t			 ngroups;
	enum findings_grouping	 grouping;	/* how they were made */
	/* correlation matches (sigcorr.h) findings_build() reports, set
	   by the caller before it (NULL: none); borrowed */
	const struct sigcorr	*correlations;
	/* the run of the events, when some have their data in the memory
	   budget's spill (ingest_load()): explanations read it back;
	   borrowed, set by the caller */
	const struct ingest_run	*run;

	/* private */
	struct finding_reason	**reasons;	/* every finding's reasons,
						   in findings_build()'s
						   parts' arrays */
	size_t			 nreasons;
	const struct finding	**members;	/* of every group */
	struct findings_suppress *sup;		/* --suppress lines */
	size_t			 nsup;
	struct ev_arena		*late;		/* hits of late matching */
	size_t			 nlate;
	struct ev_arena		 arena;		/* hits of folds, strings */
	struct ev_arena		*built;		/* findings_build()'s parts'
						   explanations and tags */
	size_t			 nbuilt;
};

void	findings_init(struct findings *);
void	findings_release(struct findings *);

/*
 * Reads a --suppress file: one condition set per line, fields separated
 * by '|': rule=ID-or-title-glob, computer=GLOB, image=GLOB, cmdline=GLOB
 * (all must match, case-insensitively); '#' starts a comment.  Returns 0,
 * or an error naming the file (and the line).
 */
int	findings_load_suppress(struct findings *, const char *path,
	    struct ev_err *err);

/*
 * Matching in ingest's reading threads: set ingest_opts.worker_init,
 * worker_fini, on_event and hook_progress to these, and hook_arg to a
 * struct findings_hook that outlives the run.  Process creations get
 * ev->hits (ascending rule indexes) in the event's arena; Sysmon 3/7 wait
 * for findings_match_late().
 */
struct findings_hook {
	const struct sigma_set	*rules;		/* compiled */
	_Atomic uint64_t	 matched;	/* events with hits so far */
};
void	*findings_worker_init(void *hook);
void	 findings_worker_fini(void *worker);
int	 findings_on_event(struct ev_event *ev, struct ev_arena *arena,
	    void *worker);
void	 findings_progress(void *hook, char *buf, size_t size);

/*
 * Matches the Sysmon 3/7 events of run now that corr_build() gave them
 * their process, in up to jobs threads.  Their hits live in fs.  Over a
 * run loaded back from the memory budget's spill (ingest_load()), an
 * event and its process are read back whole to be matched, and one that
 * matched keeps its data.  0 or an error (err set).
 */
int	findings_match_late(struct findings *, const struct sigma_set *,
	    struct ingest_run *run, unsigned jobs, struct ev_err *err);

/*
 * A 4688 that duplicates a Sysmon 1 (corr_is_duplicate()) hands its hits
 * to the Sysmon event (union, ascending) and keeps none: one finding per
 * rule and process.  events[0..n) in output order (events[i]->seq == i).
 * 0 or EV_ENOMEM.
 */
int	findings_fold_twins(struct findings *, const struct corr *,
	    struct ev_event *const *events, size_t n);

/*
 * Runs the correlation rules of rules (none: nothing to do) over the
 * events of run into sc (sigcorr_init()ed, the caller's to release), and
 * sets fs->correlations for findings_build().  0 or EV_ENOMEM (with err).
 */
int	findings_correlate(struct findings *, struct sigcorr *sc,
	    const struct sigma_set *rules, const struct ingest_run *run,
	    struct ev_err *err);

/*
 * Builds fs->v: one finding per event with rule hits (rules) or baseline
 * findings (base, may be NULL) or that completed a correlation match
 * (fs->correlations), reasons most severe first; hits of a rule that is
 * silent (only part of correlations, sigma.h) are no reason, without the
 * reasons --suppress drops (counted in fs->suppressed) or the filters
 * drop (fs->filtered, fs->below).  The events with rule hits are found,
 * and the findings built in parts of the events (each part keeping its
 * explanations apart), on up to jobs threads; the findings are the same
 * for any jobs.  0, EV_ENOMEM, or the error of reading an event's data
 * back (fs->run).
 */
int	findings_build(struct findings *, const struct sigma_set *rules,
	    const struct base_result *base, struct ev_event *const *events,
	    size_t n, const struct findings_filter *filter, unsigned jobs);

/*
 * Collapses identical findings of fs->v into fs->groups (in output order
 * of their first finding) and sets every finding's group.  With
 * FINDINGS_GROUP_NONE each finding is a group of one.  The keys are
 * hashed on up to jobs threads.  0 or EV_ENOMEM.
 */
int	findings_group(struct findings *, enum findings_grouping how,
	    unsigned jobs);

/*
 * Whether ev is reported at level or above, by a rule hit (rules) or by
 * the baseline scoring (base, may be NULL; its findings in output order,
 * as base_score() gives them: ev's are found by ev->seq): what `scan
 * --learn` must not learn (an attack learned would hide its next run).
 */
bool	findings_reported_at(const struct sigma_set *rules,
	    const struct base_result *base, const struct ev_event *ev,
	    enum ev_level level);

#endif
