/*
 * cmd_ruleset.h -- the Sigma rule set a command runs: where the shipped
 * rules are, loading with the messages a command prints, and the rule
 * set as the report header and the rules table show it.
 *
 * Messages go to stderr (cmd_warn()); a set returned through *out is the
 * caller's (sigma_set_free(), also after a failure).
 */
#ifndef CMD_RULESET_H
#define CMD_RULESET_H

#include <stdbool.h>
#include <stddef.h>

#include "ev_arena.h"
#include "report/report.h"
#include "sigma/sigma.h"
#include "store.h"

/* The installed rules directory, or the source tree's when uninstalled. */
const char	*cmd_rules_default_dir(void);

/*
 * Rule selection at load (scan's --rule-level, --status, --tag,
 * --technique, --exclude, --all-rules): a rule is run only when it passes
 * every given test.  Patterns are glob(7), case-insensitive; a rule
 * without a level or status fails those tests when they are given.
 */
#define CMD_RULE_STATUSES	5	/* stable test experimental deprecated
					   unsupported */
struct cmd_rule_select {
	enum ev_level	 min_level;	/* EV_LEVEL_NONE: any */
	unsigned	 statuses;	/* bit i: cmd_rule_status_names[i];
					   0: any */
	const char	**tags;		/* any of them matches a tag */
	size_t		 ntags;
	const char	**techniques;	/* any matches a tag's technique
					   (attack.t1218.011 -> T1218.011) */
	size_t		 ntechniques;
	const char	**excludes;	/* exclusion list files
					   (evtxhunt-rules(5)) */
	size_t		 nexcludes;
	bool		 all_rules;	/* not the default exclusion list */
};

extern const char *const cmd_rule_status_names[CMD_RULE_STATUSES];

/*
 * "stable,test" (case-insensitive) into *bits (bit i:
 * cmd_rule_status_names[i]); -1 on an unknown or no name.
 */
int	 cmd_rule_statuses_parse(const char *arg, unsigned *bits);

/* The shipped exclusion list of noisy SigmaHQ rules (in the rules dir). */
#define CMD_RULES_DEFAULT_EXCLUDE	"exclude-noisy.txt"

/*
 * Loads paths[0..npaths) (files or directories), leaves out the rules
 * sel does not select (SKIPPED, "not selected"; sel NULL: none), and
 * compiles the set, reading directories on up to jobs threads.  An
 * exclusion list that cannot be read or has a bad line is an error
 * (*status CMD_EXIT_ERROR).
 * A path that cannot be loaded, or a rule rejected from a path given as
 * a file, sets *status to CMD_EXIT_ERROR; rejected rules are listed on
 * stderr unless quiet (ten, then a count).  Returns 0, or -1 after a
 * message when the set cannot be used.
 */
int	 cmd_rules_load(struct sigma_set **out, const char *const *paths,
	    size_t npaths, const struct cmd_rule_select *sel, unsigned jobs,
	    bool quiet, int *status);

/*
 * A warning for each rule whose regular expressions hit their limit
 * (sigma_regex_limits()) on some events, counted as no match.
 */
void	 cmd_rules_warn_limits(const struct sigma_set *);

/*
 * SHA-256 (hex) over the loaded rule files, in load (path) order: the
 * text each was loaded from (a file once per rule it holds).
 */
void	 cmd_rules_sha256(const struct sigma_set *, char out[65]);

/*
 * The counts of the report header: loaded, skipped, rejected, and the
 * skipped and rejected by reason class (arrays in arena).
 */
void	 cmd_rules_summary(const struct sigma_set *, struct ev_arena *arena,
	    struct report_rules *rr);

/* The set as rows of the rules table (calloc()ed; NULL: out of memory). */
struct store_rule *cmd_rules_rows(const struct sigma_set *);

#endif
