/*
 * cmd_scan_int.h -- inside `evtxhunt scan`: the options (cmd_scan.c)
 * and the run they drive (cmd_scan_run.c).  Not for other commands.
 */
#ifndef CMD_SCAN_INT_H
#define CMD_SCAN_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "baseline/baseline.h"
#include "cmd_read.h"
#include "cmd_ruleset.h"
#include "ev_arena.h"
#include "findings.h"
#include "sigcorr.h"

struct corr;
struct sigma_set;

struct scan {
	/* the options (cmd_scan.c) */
	struct cmd_read		 rd;
	const char		*format, *outpath, *dbpath, *basepath;
	const char		*suppress_path;
	const char		*tz;		/* --tz, NULL: TZ or UTC */
	struct findings_filter	 filter;	/* -l, --computer, --rule */
	struct cmd_rule_select	 select;	/* which rules are loaded */
	const char		**rule_paths;
	size_t			 nrule_paths;
	int			 color;		/* 0 auto, 1 always, 2 never */
	int			 grouping;	/* --group, --no-group:
						   enum findings_grouping */
	bool			 all_events, force, learn, learn_all;
	bool			 no_baseline;
	bool			 no_rules;
	int			 status;	/* the exit status so far */

	/* the run (cmd_scan_run.c) */
	struct sigma_set	*rules;
	char			 rules_sha256[65];
	struct base_run		 base;
	bool			 have_base;
	struct corr		*corr;
	struct ingest_run	 run;
	bool			 have_run;
	struct findings		 fs;
	struct findings_hook	 hook;		/* the reading threads' */
	struct sigcorr		 sigcorr;
	struct ev_arena		 arena;
	double			 t_phase;	/* EVTXHUNT_TIMING */
	double			 cpu_phase;
	bool			 timing;
};

/* Zeroes s and makes its run state ready (status CMD_EXIT_OK). */
void	scan_init(struct scan *s);

/*
 * The run, once the options are checked: the rules, reading and
 * matching, correlation, baselines, findings, then --db and the report
 * (the steps are listed atop cmd_scan_run.c).  paths: the evidence;
 * cmdline: the command as the report records it; t0: when it started
 * (cmd_now()).  Returns 0 with s->status set, or -1 after a message.
 */
int	scan_run(struct scan *s, char *const *paths, size_t npaths,
	    const char *cmdline, double t0);

/* Frees the run state of s (not its options' lists). */
void	scan_release(struct scan *s);

#endif
