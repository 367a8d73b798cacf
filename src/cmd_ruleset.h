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
 * Loads paths[0..npaths) (files or directories) and compiles the set.
 * A path that cannot be loaded, or a rule rejected from a path given as
 * a file, sets *status to CMD_EXIT_ERROR; rejected rules are listed on
 * stderr unless quiet (ten, then a count).  Returns 0, or -1 after a
 * message when the set cannot be used.
 */
int	 cmd_rules_load(struct sigma_set **out, const char *const *paths,
	    size_t npaths, bool quiet, int *status);

/* SHA-256 (hex) over the loaded rule files, in load (path) order. */
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
