/*
 * sigma.h -- Sigma rules: load (libyaml), compile to matchers, match
 * normalised events (SPEC §4, §10; evtxhunt-rules(5)).
 *
 * Life cycle:
 *	set = sigma_set_new();
 *	sigma_load_path(set, path, true, &err) ...	(files or directories)
 *	sigma_compile(set, &err);			(indexes, prefilter)
 *	scratch = sigma_scratch_new(set);		(one per thread)
 *	n = sigma_match(set, scratch, ev, &hits);
 *	sigma_scratch_free(scratch); sigma_set_free(set);
 *
 * Every YAML document of a rule file becomes one struct sigma_rule,
 * whatever happens to it:
 * LOADED (compiled, will be matched), SKIPPED (valid, but its logsource
 * names events evtxhunt does not extract) or REJECTED (cannot be run
 * exactly: the reason, with file:line:column, says why).  A rule is never
 * run approximately.
 *
 * Once compiled, a set is read-only: sigma_match() may run in several
 * threads at once, each with its own scratch.
 */
#ifndef SIGMA_H
#define SIGMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../ev_err.h"
#include "../ev_level.h"
#include "../event.h"

enum sigma_status {
	SIGMA_LOADED,
	SIGMA_SKIPPED,
	SIGMA_REJECTED,
};


/*
 * Classes of events a rule applies to (its logsource), a bit set over
 * the classes of logsrc.c (a Sysmon event id, 4688, the rest of the
 * Security channel, PowerShell 4104, a service's channels...).
 */
#define SIGMA_NCLASS	128
struct sigma_srcset {
	uint64_t	 w[SIGMA_NCLASS / 64];
};

static inline bool
sigma_srcset_has(const struct sigma_srcset *s, unsigned c)
{
	return c < SIGMA_NCLASS && ((s->w[c >> 6] >> (c & 63)) & 1) != 0;
}

struct sigma_strv {
	const char *const	*v;
	size_t			 n;
};

struct sigma_compiled;
struct sigma_correlation;

/*
 * One rule file.  Every string is owned by the set and lives until
 * sigma_set_free(); any of them may be NULL when the rule does not give
 * it (path, status and, for a rule not loaded, reason are never NULL).
 */
struct sigma_rule {
	const char		*path;		/* as found (dir + name) */
	enum sigma_status	 status;
	/* SKIPPED / REJECTED: why, and where (line/column 0 = whole file) */
	const char		*reason;	/* "unknown modifier 'windas'" */
	const char		*reason_class;	/* short, for counting */
	uint32_t		 line, column;
	bool			 explicit_path;	/* the file was named itself */
	uint32_t		 doc_line;	/* where its YAML document
						   starts (1-based; 0: none) */
	/* the file's text as loaded, shared by the rules of one file (for
	   the rule set's hash); NULL from sigma_load_buffer() */
	const char		*text;
	size_t			 textlen;

	const char		*id, *title, *rule_status, *description;
	const char		*name;		/* 'name:', for correlations */
	const char		*author, *date, *modified, *level_name;
	enum ev_level		 level;
	const char		*product, *category, *service;
	struct sigma_strv	 tags, references, falsepositives, fields;
	struct sigma_srcset	 sources;	/* LOADED only */

	struct sigma_compiled	*compiled;	/* private to the engine */
	/*
	 * A correlation rule (Sigma 2.0 'correlation:'; correlation.h):
	 * never matched against events, evaluated over its rules' hits.
	 */
	const struct sigma_correlation *correlation;
	/*
	 * Set by sigma_compile(): a rule that loaded correlations refer to
	 * (none of them with 'generate: true') is not reported alone.
	 */
	bool			 silent;
};

struct sigma_set;

/* A new empty set, NULL when out of memory. */
struct sigma_set *sigma_set_new(void);
/* Frees the set, its rules and matchers.  NULL is a no-op. */
void	sigma_set_free(struct sigma_set *);

/*
 * Threads sigma_load_path() may use for a directory (default 1): they
 * read and parse the YAML of files ahead of the calling thread, which
 * loads them in order (the set is the same for any number).
 */
void	sigma_set_jobs(struct sigma_set *, unsigned jobs);

/*
 * Loads the rule file, or every *.yml / *.yaml file under the directory
 * (recursively, in bytewise-sorted path order, hidden entries skipped,
 * each directory once, depth bounded; what else is not loaded is listed
 * by sigma_skip_at()).  Problems in a rule are recorded in that rule
 * (REJECTED), never returned.  explicit marks rules of a file given by
 * name.  Returns 0, EV_EIO when path (or, for explicit files, the file)
 * cannot be read or is not a regular file (a FIFO is never opened for
 * reading; no rule is added then), EV_EUSAGE after sigma_compile(),
 * EV_ENOMEM.
 */
int	sigma_load_path(struct sigma_set *, const char *path, bool explicit,
	    struct ev_err *err);

/*
 * Loads one rule from memory (tests, embedded rules); name stands for the
 * path in messages.  Same returns as sigma_load_path().
 */
int	sigma_load_buffer(struct sigma_set *, const char *name,
	    const char *text, size_t len, struct ev_err *err);

/*
 * Leaves loaded rule i out of the set before sigma_compile() (rule
 * selection at load): it becomes SKIPPED with reason (copied) and the
 * reason class "not selected".  Returns 0, EV_EUSAGE when compiled
 * already or i is not a loaded rule, EV_ENOMEM.
 */
int	sigma_deselect(struct sigma_set *, size_t i, const char *reason);

/*
 * Builds the per-event-kind index and the shared literal prefilter.  No
 * rule can be loaded afterwards.  Returns 0 or EV_ENOMEM.
 */
int	sigma_compile(struct sigma_set *, struct ev_err *err);

/* Number of rules (all statuses) and the i-th, in load order. */
size_t	 sigma_count(const struct sigma_set *);
const struct sigma_rule *sigma_rule_at(const struct sigma_set *, size_t i);

/*
 * Replaces the readers' wanted set (ev_want_reset, ev_want_add) with the
 * records the set's loaded rules read beyond the built-in kinds: per
 * class, its provider (Sysmon) or channels, with the event ids the
 * rule's condition requires (an EventID item under the top AND) or any.
 * Process-wide: call before any reader runs.  0 or EV_ENOMEM/EV_EUSAGE.
 */
int	 sigma_want_install(const struct sigma_set *);

/* Count of rules by status. */
size_t	 sigma_count_status(const struct sigma_set *, enum sigma_status);

/*
 * Entries the directory walks of sigma_load_path() skipped without
 * making a rule of them: FIFOs, devices, sockets, dangling links,
 * directories seen before (symbolic link loops), too deep or unreadable.
 * Strings owned by the set; the i-th in walk order, NULL past the end.
 */
struct sigma_skip {
	const char	*path;		/* as found (dir + name) */
	const char	*reason;	/* "a FIFO, not a regular file" */
};
size_t	 sigma_skip_count(const struct sigma_set *);
const struct sigma_skip *sigma_skip_at(const struct sigma_set *, size_t i);

/*
 * Events on which a regular expression of rule i hit pcre2's match or
 * depth limit (SIGMA_RE_*_LIMIT), since sigma_compile(), summed over
 * every scratch (and thread); such a test counts as no match, so the
 * rule may have missed those events.  0 for rules not loaded.  Safe to
 * call while other threads match.
 */
uint64_t sigma_regex_limits(const struct sigma_set *, size_t i);

/*
 * Per-thread matching state (pcre2 match data, folded field values,
 * candidate marks).  sigma_scratch_new() needs a compiled set and is
 * valid for that set only; NULL when out of memory.
 */
struct sigma_scratch;
struct sigma_scratch *sigma_scratch_new(const struct sigma_set *);
void	sigma_scratch_free(struct sigma_scratch *);

/*
 * Matches ev against every loaded rule for its kind.  Returns the number
 * of matching rules (0..) and sets *hits to their indexes (for
 * sigma_rule_at()), ascending; *hits is borrowed from scratch until the
 * next call.  ev->process (for Sysmon 3 and 7) is read when set.
 * Returns EV_ENOMEM when scratch could not grow.
 *
 * 4688 is evaluated in three-valued logic: fields a 4688 record does not
 * carry are unknown and the rule matches only when its condition is true
 * whatever they hold.
 */
int	sigma_match(const struct sigma_set *, struct sigma_scratch *,
	    const struct ev_event *ev, const uint32_t **hits);

/*
 * Why rule i matched an event: the selections (detection identifiers)
 * whose truth made its condition true -- never one under a 'not' -- and
 * in each the values that matched.  Strings of the rule are the set's;
 * text is the event's value (for EventID, the scratch's), borrowed until
 * the next call with the scratch.
 */
struct sigma_why {
	const char	*selection;	/* "selection_img"; NULL: none */
	const char	*field;		/* "CommandLine"; NULL: keywords */
	const char	*mods;		/* "contains|all", "" when none */
	const char	*value;		/* the rule's value as written;
					   NULL: null */
	const char	*data;		/* keywords: the EventData name whose
					   value matched; else NULL */
	const char	*text;		/* the event's value (NULL: absent) */
	size_t		 textlen;
	size_t		 off, len;	/* the part of text that matched */
	bool		 negated;	/* a selection that is false under a
					   'not', for a rule true only so: the
					   event's value, no rule value */
};

/*
 * Re-evaluates rule i on ev, after sigma_match() (so the hot path records
 * nothing) and without prefilter or memos, and fills why[0..max) with
 * what matched, in the rule's order: every true selection of the
 * condition; in a selection, its first true alternative (of a list of
 * maps) and, of an item's values, the first that matched (with |all,
 * each).  A rule that is true only through a 'not' (no selection true)
 * gets its first selection negated at the top of its condition instead,
 * with each field's value (negated).  Returns the number filled (0
 * when the rule is not true on ev, say for the 4688 twin's hits a Sysmon
 * event took), or EV_ENOMEM.  Uses scratch like sigma_match(); slow
 * enough to keep for rules that hit.
 */
int	sigma_explain(const struct sigma_set *, struct sigma_scratch *,
	    uint32_t i, const struct ev_event *ev, struct sigma_why *why,
	    size_t max);

/* Counters of one scratch since it was made. */
struct sigma_match_stats {
	uint64_t	 events;	/* sigma_match() calls */
	uint64_t	 evaluated;	/* rule evaluations after prefilter */
	uint64_t	 regex_limit;	/* regex match or depth limit hit
					   (counted as no match) */
	uint64_t	 memo_lookups;	/* field values looked up in the memo */
	uint64_t	 memo_hits;	/* ... and found there */
	uint64_t	 memo_rules;	/* rules answered whole by the memo */
	uint64_t	 evmemo_lookups; /* events looked up in the event memo */
	uint64_t	 evmemo_hits;	/* ... and found there */
};
void	sigma_scratch_stats(const struct sigma_scratch *,
	    struct sigma_match_stats *);
void	sigma_scratch_reset_stats(struct sigma_scratch *);

/*
 * For tests and benchmarks: with on false, this scratch evaluates every
 * rule of the event's kind instead of the prefilter's candidates, and
 * tests every value directly instead of looking literals up in the
 * per-field scan.  The hits must be the same either way.  Default on.
 */
void	sigma_scratch_prefilter(struct sigma_scratch *, bool on);

/*
 * For tests and benchmarks: with on false, this scratch keeps no memo of
 * per-value work (scan finds, item results; see memo.h) and redoes it
 * for every event.  The hits must be the same either way.  Default on.
 */
void	sigma_scratch_memo(struct sigma_scratch *, bool on);

/* Limits (documented in evtxhunt-rules(5)). */
#define SIGMA_MAX_FILE		(4u << 20)	/* bytes in a rule file */
#define SIGMA_MAX_DEPTH		32	/* YAML / condition nesting */
#define SIGMA_MAX_NODES		100000	/* YAML nodes visited per rule */
#define SIGMA_MAX_VALUES	100000	/* values after expansion per rule */
#define SIGMA_MAX_DIR_DEPTH	32
#define SIGMA_MAX_DOCS		1000	/* YAML documents per file */
#define SIGMA_RE_MATCH_LIMIT	100000	/* pcre2_set_match_limit */
#define SIGMA_RE_DEPTH_LIMIT	10000	/* pcre2_set_depth_limit */

#endif
