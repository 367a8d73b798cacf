/*
 * cmd_read.h -- the reading options every evidence-reading command shares
 * (dump, scan, baseline learn): -j, --no-recovered, --strict, --parser,
 * --hash, --from, --to, -q, --progress, and the end-of-run summary.
 */
#ifndef CMD_READ_H
#define CMD_READ_H

#include <getopt.h>
#include <stdbool.h>

#include "ingest.h"

enum {
	CMD_OPT_NO_RECOVERED = 1000,
	CMD_OPT_STRICT,
	CMD_OPT_PARSER,
	CMD_OPT_HASH,
	CMD_OPT_FROM,
	CMD_OPT_TO,
	CMD_OPT_PROGRESS,
	CMD_OPT_READ_LAST	/* commands number their own from here */
};

/* getopt_long entries for the shared options; put them in your table. */
#define CMD_READ_LONGOPTS \
	{ "jobs", required_argument, NULL, 'j' }, \
	{ "no-recovered", no_argument, NULL, CMD_OPT_NO_RECOVERED }, \
	{ "strict", no_argument, NULL, CMD_OPT_STRICT }, \
	{ "parser", required_argument, NULL, CMD_OPT_PARSER }, \
	{ "hash", no_argument, NULL, CMD_OPT_HASH }, \
	{ "from", required_argument, NULL, CMD_OPT_FROM }, \
	{ "to", required_argument, NULL, CMD_OPT_TO }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "progress", required_argument, NULL, CMD_OPT_PROGRESS }

/* short options the shared set uses */
#define CMD_READ_SHORTOPTS "j:q"

struct cmd_read {
	struct ingest_opts	 ingest;
	bool			 strict;
};

/* Defaults: native parser, recovered records, online CPUs, progress auto. */
void	cmd_read_init(struct cmd_read *);

/*
 * Handles one getopt result.  Returns 1 when it was a shared option
 * (applied), 0 when it is not one, or CMD_EXIT_ERROR after printing a
 * usage error for a bad value.
 */
int	cmd_read_option(struct cmd_read *, const char *cmd, int opt,
	    const char *arg);

/*
 * Checks the shared options together once all are parsed: an inverted
 * window (--from after --to) is a usage error.  Returns 0, or
 * CMD_EXIT_ERROR after the message.
 */
int	cmd_read_check(const struct cmd_read *, const char *cmd);

/*
 * Reads paths (ingest_run()) and prints its messages through cmd_warn()
 * unless quiet.  Claim the outputs first (cmd_out_claim()): a path that
 * is one is refused before anything is read, and directory walks skip
 * them.  Returns 0 (release run with ingest_release()), or
 * CMD_EXIT_ERROR after printing why the run failed.
 */
int	cmd_read_run(struct cmd_read *, char *const *paths, size_t npaths,
	    struct ingest_run *run);

/*
 * The one-line summary on stderr (unless quiet): files by status,
 * records, recovered, undecodable, events, duplicates, seconds.
 */
void	cmd_read_summary(const struct cmd_read *, const struct ingest_run *,
	    double seconds);

/*
 * Exit status from the reading alone: CMD_EXIT_ERROR when an input could
 * not be read, or damage was found or a file skipped under --strict; else
 * CMD_EXIT_OK.
 */
int	cmd_read_status(const struct cmd_read *, const struct ingest_run *);

/* Monotonic seconds, for timing a run. */
double	cmd_now(void);

#endif
