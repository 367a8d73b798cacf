/*
 * cmd_read.h -- the reading options every evidence-reading command shares
 * (dump, scan, baseline learn): -j, --no-recovered, --strict, --parser,
 * --hash, --from, --to, -q, --progress, and the end-of-run summary.
 */
#ifndef CMD_READ_H
#define CMD_READ_H

#include <stdbool.h>
#include <stdint.h>

#include "cmd_opt.h"
#include "ingest.h"

enum {
	CMD_OPT_NO_RECOVERED = 1000,
	CMD_OPT_STRICT,
	CMD_OPT_PARSER,
	CMD_OPT_HASH,
	CMD_OPT_FROM,
	CMD_OPT_TO,
	CMD_OPT_PROGRESS,
	CMD_OPT_MEMORY,
	CMD_OPT_TMPDIR,
	CMD_OPT_READ_LAST	/* commands number their own from here */
};

/*
 * The rows of the shared options (cmd_opt.h), for a command's table; its
 * switch hands their ids to cmd_read_option().
 */
#define CMD_READ_OPTS \
	{ "from", 0, "time", "only events at or after time (ISO 8601, UTC " \
	    "unless an offset)", CMD_OPT_CASE_(CMD_OPT_FROM) }, \
	{ "hash", 0, NULL, "SHA-256 of every input, for chain of custody", \
	    CMD_OPT_CASE_(CMD_OPT_HASH) }, \
	{ "jobs", 'j', "jobs", "read with jobs threads (default: online " \
	    "CPUs)", CMD_OPT_CASE_('j') }, \
	{ "no-recovered", 0, NULL, "leave out records recovered from slack " \
	    "and unlisted chunks", CMD_OPT_CASE_(CMD_OPT_NO_RECOVERED) }, \
	{ "parser", 0, "native|libevtx", "the EVTX reader (default: " \
	    "native)", CMD_OPT_CASE_(CMD_OPT_PARSER) }, \
	{ "progress", 0, "auto|always|never", "a progress line on stderr", \
	    CMD_OPT_CASE_(CMD_OPT_PROGRESS) }, \
	{ "quiet", 'q', NULL, "no warnings or summary on stderr", \
	    CMD_OPT_CASE_('q') }, \
	{ "strict", 0, NULL, "damage inside a readable file is an error " \
	    "(exit 2)", CMD_OPT_CASE_(CMD_OPT_STRICT) }, \
	{ "to", 0, "time", "only events at or before time; a date alone: " \
	    "the whole day", CMD_OPT_CASE_(CMD_OPT_TO) }

/*
 * The rows of the memory budget, for the commands that read their events
 * back from a spill (ingest.h): --memory, --tmpdir.
 */
#define CMD_READ_BUDGET_OPTS \
	{ "memory", 0, "size", "memory for the events before they spill to " \
	    "--tmpdir (K, M, G; default: half the available)", \
	    CMD_OPT_CASE_(CMD_OPT_MEMORY) }, \
	{ "tmpdir", 0, "dir", "where spills go (default: TMPDIR, else /tmp)", \
	    CMD_OPT_CASE_(CMD_OPT_TMPDIR) }

struct cmd_read {
	struct ingest_opts	 ingest;
	bool			 strict;
	bool			 budget;	/* --memory/--tmpdir apply */
	bool			 memory_set;	/* --memory was given */
	bool			 tmpdir_set;	/* --tmpdir was given */
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
 * window (--from after --to) is a usage error; with the budget options,
 * a --tmpdir that is not a directory, and the default budget is set
 * (cmd_read_default_memory()).  Returns 0, or CMD_EXIT_ERROR after the
 * message.
 */
int	cmd_read_check(struct cmd_read *, const char *cmd);

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

/*
 * The default memory budget: half of MemAvailable (/proc/meminfo), and
 * no more than half of the cgroup's limit (v2 memory.max, v1
 * memory.limit_in_bytes) when one is set; 0 (no budget) when neither
 * can be read.
 */
uint64_t cmd_read_default_memory(void);

/*
 * Parses a size: a number of bytes with an optional K, M, G or T suffix
 * (powers of 1024, case ignored, an optional trailing B).  0 and sets
 * *out, or -1.
 */
int	cmd_read_parse_size(const char *s, uint64_t *out);

/* Monotonic seconds, for timing a run. */
double	cmd_now(void);

/* The process's CPU seconds so far, user and system, every thread's. */
double	cmd_cpu(void);

/* The memory resident now (/proc/self/statm), in MiB; 0 if unknown. */
double	cmd_rss_mib(void);
/*
 * Of it, the anonymous memory (RssAnon of /proc/self/status), in MiB; 0
 * if unknown: what the system cannot write back to a file to make room.
 */
double	cmd_anon_mib(void);

/*
 * The peak resident memory since the last call (VmHWM of
 * /proc/self/status, then reset through /proc/self/clear_refs), in MiB;
 * 0 if unknown.  Where the reset is refused, the peak of the whole run.
 */
double	cmd_peak_mib(void);

#endif
