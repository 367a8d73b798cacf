/*
 * report.h -- the timeline report of a scan, and its writers (one per
 * format: text, csv, jsonl, timesketch, html, navigator;
 * evtxhunt-scan(1)).
 *
 * `scan` fills a struct report (everything is borrowed from the run, the
 * rule set, the correlation and the baseline scoring, which outlive the
 * report) and calls report_write().  Writers only read it.  Findings are
 * in output order (time, file path, record id; SPEC §10), one per event:
 * a rule hit and a baseline anomaly on the same event are one finding
 * with both reasons.
 */
#ifndef REPORT_H
#define REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ev_err.h"
#include "ev_level.h"
#include "event.h"
#include "findings.h"
#include "ingest.h"

struct base_config;
struct corr;
struct sigma_set;

/* A rule the run loaded, skipped or rejected (for the header). */
struct report_rules {
	size_t		 loaded, skipped, rejected;
	const char	*sha256;	/* of the loaded rule files, sorted */
	/* rejected/skipped counts by reason class */
	const char	*const *reason_names;
	const size_t	*reason_counts;
	size_t		 nreasons;
};

struct report_opts {
	const char	*format;	/* "text", "csv", ... */
	bool		 color;		/* text: ANSI colours allowed */
	unsigned	 width;		/* text: columns (default 100) */
	bool		 all_events;	/* timeline of every event */
	enum ev_level	 min_level;	/* filter already applied; shown */
};

struct report {
	const struct ingest_run		*run;
	const struct corr		*corr;	/* process context; may be NULL */
	const struct finding		*findings;
	size_t				 nfindings;
	struct report_rules		 rules;
	const char			*baseline;	/* DB path, "self" (stacking),
							   or NULL (--no-baseline) */
	const char *const		*unbaselined;	/* watched binaries with
							   too little history */
	size_t				 nunbaselined;
	/* what the filters dropped (findings.h) */
	struct findings_drop		 suppressed;	/* --suppress */
	struct findings_drop		 filtered;	/* --computer, --rule */
	struct findings_drop		 below;		/* -l */
	/*
	 * Identical findings collapsed (findings_group()); the timeline
	 * shows one entry per group.  NULL: one entry per finding.
	 */
	const struct finding_group	*groups;
	size_t				 ngroups;
	const char			*grouping;	/* "command line",
							   "argument shape" or
							   NULL (--no-group) */
	const char			*version;	/* "evtxhunt 0.1.0" */
	const char			*command;	/* the command line */
	struct report_opts		 opts;

	/* Optional (zero = default); added after the first draft. */
	uint64_t			 from, to;	/* --from/--to window as
							   FILETIME, 0 = open */
	const struct base_config	*watch;		/* watched binaries
							   (rules/watched.yml);
							   NULL: no watched
							   summary */
	/*
	 * Whether an image load (Sysmon 7) is unusual for its process
	 * (baseline-flagged).  NULL: loads from user-writable directories
	 * (\Users\, \ProgramData\, \Windows\Temp\, ...) and loads that
	 * are findings themselves are shown.
	 */
	bool				(*load_unusual)(void *arg,
					    const struct ev_event *load);
	void				*load_arg;
	unsigned			 jobs;		/* threads formatting
							   the timeline (0: 1;
							   same output) */
};

/*
 * The findings of a scan, grouped (findings_group()), as r shows them:
 * findings, groups, their grouping and what the filters dropped.
 */
void	report_set_findings(struct report *r, const struct findings *fs);

/*
 * What the baselines step (base_run()) adds to r: the watched list, the
 * binaries without enough history, and which loads are unusual.
 */
struct base_run;
void	report_set_baseline(struct report *r, struct base_run *run);

/*
 * Writes the report in opts.format to out.  Returns 0, EV_EUSAGE for an
 * unknown format, or EV_EIO when writing fails.
 */
int	report_write(FILE *out, const struct report *, struct ev_err *err);

/*
 * The one format table: the formats report_write() knows, in order, as
 * FIRST(name) X(name) ... LAST(name); each has its writer report_<name>()
 * in report_int.h.
 */
#define REPORT_FORMAT_TABLE(FIRST, X, LAST) \
	FIRST(text) X(csv) X(jsonl) X(timesketch) X(html) LAST(navigator)

#define REPORT_FORMAT_FIRST_(n)	#n
#define REPORT_FORMAT_NEXT_(n)	", " #n
#define REPORT_FORMAT_LAST_(n)	" or " #n
/* "text, csv, ... or navigator", a string literal: for --help, messages */
#define REPORT_FORMAT_LIST REPORT_FORMAT_TABLE(REPORT_FORMAT_FIRST_, \
	REPORT_FORMAT_NEXT_, REPORT_FORMAT_LAST_)

/* The format names report_write() knows, NULL-terminated. */
extern const char *const report_formats[];

/*
 * The index of format name in report_formats[], or -1 with the message
 * "'name' is not text, csv, ..." (EV_EUSAGE).
 */
int	report_format_check(const char *name, struct ev_err *err);

#endif
