/*
 * correlation.h -- Sigma correlation rules (Sigma specification 2.0,
 * "correlation:" documents; evtxhunt-rules(5)): what a loaded one says,
 * and how its rules' hits are read.  The evaluation over hits is
 * src/sigcorr.h's.
 *
 * Loading: a document with a 'correlation:' map becomes a sigma_rule
 * whose ->correlation is set (and ->compiled NULL: it is never matched
 * against events).  Its references ('rules:', by name or id) are
 * resolved by sigma_compile(), over every rule of the set (the same
 * multi-document file first): a correlation is REJECTED, reason class
 * "correlation", when a reference is unknown, ambiguous, names a rule
 * that did not load (the reason names its file and line and why), or
 * lies on a cycle of correlations, or when it refers to a correlation
 * rejected so.  Correlations may refer to correlations (chains).
 *
 * Lifetime: everything is owned by the set; read-only after compile.
 */
#ifndef SIGMA_CORRELATION_H
#define SIGMA_CORRELATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sigma.h"

enum sigma_corr_type {
	SIGMA_CORR_EVENT_COUNT,
	SIGMA_CORR_VALUE_COUNT,
	SIGMA_CORR_TEMPORAL,
	SIGMA_CORR_TEMPORAL_ORDERED,
};

enum sigma_corr_op {
	SIGMA_CORR_GT, SIGMA_CORR_GTE, SIGMA_CORR_LT, SIGMA_CORR_LTE,
	SIGMA_CORR_EQ, SIGMA_CORR_NEQ,
};

struct sigma_corr_cond {
	enum sigma_corr_op	 op;
	uint64_t		 value;
};

/* Limits (evtxhunt-rules(5)); more rejects the correlation. */
#define SIGMA_CORR_MAX_RULES	32	/* rules: entries */
#define SIGMA_CORR_MAX_GROUP	8	/* group-by fields */
#define SIGMA_CORR_MAX_ALIASES	64	/* alias entries (alias x rule) */
#define SIGMA_CORR_MAX_COUNT	10000	/* condition values: also the
					   hits a group's window holds */
#define SIGMA_CORR_MAX_CHAIN	8	/* correlations of correlations */
#define SIGMA_CORR_MAX_SPAN	(366ULL * 86400 * 10000000)	/* 366 d */

struct sigma_correlation {
	enum sigma_corr_type	 type;
	const char		*type_name;	/* "event_count" ... */
	const char *const	*refs;		/* rules: as written */
	uint32_t		 nrefs;
	const char *const	*group_by;
	uint32_t		 ngroup;
	uint64_t		 timespan;	/* FILETIME ticks (100 ns) */
	const char		*timespan_text;	/* "10m" */
	struct sigma_corr_cond	 cond[6];	/* all must hold */
	uint32_t		 ncond;
	bool			 cond_given;	/* temporal: else all rules */
	const char		*value_field;	/* value_count's 'field' */
	bool			 generate;
	uint32_t		 line, column;	/* of 'correlation:' */

	/* aliases: alias name -> (rule name -> field), as written */
	const char *const	*alias_name, *const *alias_rule,
				*const *alias_field;
	uint32_t		 naliases;

	/* Set by sigma_compile() on a LOADED correlation: */
	uint32_t		*rules;		/* refs[k] -> rule index */
	/*
	 * The field read on a hit of refs[k] for group-by field g:
	 * gfield[g * nrefs + k] (a field id for sigma_field_value(), or,
	 * when refs[k] is a correlation, an index into its group_by, or
	 * UINT32_MAX when it has no such field); likewise vfield[k] for
	 * value_count's field.
	 */
	uint32_t		*gfield;
	uint32_t		*vfield;
};

/*
 * Loaded correlations in evaluation order (every correlation after the
 * ones it refers to): the rule index of the i-th, i < sigma_corr_count().
 */
size_t	 sigma_corr_count(const struct sigma_set *);
uint32_t sigma_corr_at(const struct sigma_set *, size_t i);

/*
 * The value of field fid on ev as rule `rule` (a detection rule) reads
 * it when matching (4688 names mapped, Sysmon 3/7 falling back to their
 * process's fields), or NULL when absent or unknown.  The event id is
 * written into evid (returned then).  Safe from any thread.
 */
const char *sigma_field_value(const struct sigma_set *, uint32_t rule,
	    uint32_t fid, const struct ev_event *ev, char evid[12]);

/* "gte 10", "gt 100, lte 200" into buf (for messages and reports). */
void	 sigma_corr_cond_text(const struct sigma_correlation *, char *buf,
	    size_t size);

#endif
