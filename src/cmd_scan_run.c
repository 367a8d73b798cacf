/*
 * cmd_scan_run.c -- the run of `evtxhunt scan` (cmd_scan_int.h), once
 * cmd_scan.c has parsed and checked its options.
 *
 * Order of work:
 *  1. the rules (cmd_ruleset.h: -r, default: the installed rules);
 *  2. ingest_run(): decode in N threads; process creations are matched
 *     right there (findings.h's hook);
 *  3. corr_build(): process trees; then Sysmon 3/7 are matched with
 *     their process, and 4688 twins fold into their Sysmon 1;
 *     sigcorr_run(): Sigma correlation rules over the hits;
 *  4. base_run(): score against -b DB or the evidence itself
 *     (stacking); --learn adds the run to the DB;
 *  5. findings_build(): rule hits and baseline findings, filtered;
 *  6. --db (store.h), then the report (to -o through a temporary file).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline/baseline.h"
#include "cmd.h"
#include "cmd_read.h"
#include "cmd_ruleset.h"
#include "cmd_scan_int.h"
#include "correlate.h"
#include "ev_arena.h"
#include "findings.h"
#include "report/report.h"
#include "sigcorr.h"
#include "sigma/sigma.h"
#include "store.h"
#include "version.h"

/*
 * With EVTXHUNT_TIMING set, prints how long the phase that just ended
 * took, how many cores it kept busy on average (CPU time over that time),
 * the memory resident at its end, its peak, and the anonymous part of
 * the memory resident at its end (what cannot be paged to a file: where
 * the time and memory go, for benchmarks); name NULL starts the clock.
 */
static void
phase(struct scan *s, const char *name)
{
	double now, cpu;

	if (!s->timing)
		return;
	now = cmd_now();
	cpu = cmd_cpu();
	if (name != NULL)
		fprintf(stderr, "evtxhunt: timing: %-14s %8.3f s %5.2f cores "
		    "%8.1f MiB %8.1f MiB peak %8.1f MiB anon\n", name,
		    now - s->t_phase, now > s->t_phase ? (cpu -
		    s->cpu_phase) / (now - s->t_phase) : 0, cmd_rss_mib(),
		    cmd_peak_mib(), cmd_anon_mib());
	else
		(void)cmd_peak_mib();
	s->t_phase = now;
	s->cpu_phase = cpu;
}

/*
 * Over --memory, how the steps that follow read the loaded events the
 * system has written out: correlation, the baselines and the report
 * reach processes' trees at random (random: a page at a time), the
 * other steps go through the events in order (readahead).  Generated
 * 1,000 MB in a 350 MiB control group: 80 s; 92 s with random reads
 * throughout, and not done in 600 s with readahead throughout (in 450
 * MiB, where little is paged: 47, 50 and 33 s).
 */
static void
pool_reads(struct scan *s, bool random)
{
	if (s->run.paged)
		ev_arena_pool_advise(random);
}

/* Fills the new database file tmp (cmd_out_db()). */
static int
store_scan(const char *tmp, void *arg, struct ev_err *err)
{
	struct scan *s = arg;
	struct store *st = NULL;
	struct store_rule *rules = cmd_rules_rows(s->rules);
	int rc;

	if (rules == NULL)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	if ((rc = store_open(tmp, &st, err)) != 0 ||
	    (rc = store_add_run(st, &s->run, err)) != 0 ||
	    (rc = store_add_rules(st, rules, sigma_count(s->rules), err)) !=
	    0 || (rc = store_add_findings(st, s->fs.v, s->fs.n,
	    err)) != 0 || (s->corr != NULL && (rc = store_add_processes(st,
	    s->corr, err)) != 0))
		store_close(st, NULL);
	else
		rc = store_close(st, err);
	free(rules);
	return rc;
}

/*
 * Whether --learn may add ev to the baseline: not when it is reported at
 * medium or above, by a rule or by the scoring that just ran (an attack
 * learned would hide its next run), unless --learn-all.
 */
static bool
learnable(void *arg, const struct ev_event *ev)
{
	const struct scan *s = arg;

	return s->learn_all || !findings_reported_at(s->rules, &s->base.res,
	    ev, EV_LEVEL_MEDIUM);
}

/* The baselines step; with --learn, tmp is the baseline's temporary. */
static int
baselines(const char *tmp, void *arg, struct ev_err *err)
{
	struct scan *s = arg;

	return base_run(&s->base, s->rule_paths, s->nrule_paths, s->basepath,
	    tmp, learnable, s, s->corr, s->run.events, s->run.nevents,
	    s->rd.ingest.jobs, err);
}

static int
write_report(struct scan *s, const char *cmdline)
{
	struct report rep;
	struct ev_err err = EV_ERR_INIT;
	const char *nocolor = getenv("NO_COLOR");
	struct cmd_out out;
	int rc;

	memset(&rep, 0, sizeof(rep));
	rep.run = &s->run;
	rep.corr = s->corr;
	report_set_findings(&rep, &s->fs);
	if (s->have_base)
		report_set_baseline(&rep, &s->base);
	else	/* --no-baseline: the summary's watched list alone */
		rep.watch = s->base.cfg;
	cmd_rules_summary(s->rules, &s->arena, &rep.rules);
	rep.rules.sha256 = s->rules_sha256;
	rep.from = s->rd.ingest.from;
	rep.to = s->rd.ingest.to;
	rep.baseline = s->no_baseline ? NULL : s->basepath ? s->basepath :
	    "self";
	rep.version = version_string();
	rep.command = cmdline;
	rep.opts.format = s->format;
	rep.opts.width = 100;
	rep.opts.all_events = s->all_events;
	rep.opts.min_level = s->filter.min_level;
	rep.jobs = s->rd.ingest.jobs;
	if (cmd_out_open(&out, s->outpath, 0) != 0)
		return -1;
	rep.opts.color = s->color == 1 || (s->color == 0 &&
	    s->outpath == NULL && isatty(STDOUT_FILENO) &&
	    (nocolor == NULL || *nocolor == '\0'));
	rc = report_write(out.fp, &rep, &err);
	if (rc != 0) {
		cmd_warn("%s", err.msg);
		cmd_out_abort(&out);
	} else if (cmd_out_commit(&out) != 0)
		rc = -1;
	return rc;
}

/*
 * Before any evidence is read: the suppress list, the rules, the
 * baseline's database (or, with --no-baseline, the watched list).  Returns 0, or -1 after a message.
 */
static int
prepare(struct scan *s)
{
	struct ev_err err = EV_ERR_INIT;
	const char *defdir = cmd_rules_default_dir();

	if (s->suppress_path != NULL && findings_load_suppress(&s->fs,
	    s->suppress_path, &err) != 0) {
		cmd_warn("%s", err.msg);
		return -1;
	}
	phase(s, NULL);
	if (cmd_rules_load(&s->rules, s->no_rules ? NULL : s->nrule_paths ?
	    s->rule_paths : &defdir, s->no_rules ? 0 : s->nrule_paths ?
	    s->nrule_paths : 1, &s->select, s->rd.ingest.jobs,
	    s->rd.ingest.quiet, &s->status) != 0)
		return -1;
	phase(s, "load rules");
	/* a rule path that cannot be loaded stops the run before reading */
	if (s->status != CMD_EXIT_ERROR && s->basepath != NULL &&
	    !s->no_baseline && base_db_check(s->basepath, s->learn,
	    &err) != 0)
		cmd_warn("%s: %s", s->basepath, err.msg);
	if (s->status != CMD_EXIT_ERROR && s->no_baseline &&
	    base_config_find(s->rule_paths, s->nrule_paths, false,
	    &s->base.cfg, &err) != 0)
		cmd_warn("%s", err.msg);
	if (s->status == CMD_EXIT_ERROR || err.code != 0) {
		cmd_warn("nothing was read");
		return -1;
	}
	cmd_rules_sha256(s->rules, s->rules_sha256);
	return 0;
}

/*
 * Steps 2 to 5 (the top of this file): from the evidence to the
 * findings.  Returns 0, or -1 after a message.
 */
static int
pipeline(struct scan *s, char *const *paths, size_t npaths)
{
	struct ev_err err = EV_ERR_INIT;
	int rc;

	s->hook.rules = s->rules;
	s->rd.ingest.on_event = findings_on_event;
	/* a generic event that no rule hit is only counted, unless the
	   database or the timeline of every event shows it */
	s->rd.ingest.match_generic = s->dbpath == NULL && !s->all_events;
	s->rd.ingest.worker_init = findings_worker_init;
	s->rd.ingest.worker_fini = findings_worker_fini;
	s->rd.ingest.hook_progress = findings_progress;
	s->rd.ingest.hook_arg = &s->hook;
	phase(s, NULL);
	if (cmd_read_run(&s->rd, paths, npaths, &s->run) != 0)
		return -1;
	s->have_run = true;
	s->status = CMD_EXIT_MAX(s->status, cmd_read_status(&s->rd, &s->run));
	phase(s, "read and match");
	/* over --memory: back from the spill, most data left there */
	if (s->run.spill != NULL && (ingest_load(&s->run,
	    s->rd.ingest.memory, &err) != 0 || (phase(s, "load spill"), 0))) {
		cmd_warn("%s", err.msg);
		return -1;
	}
	s->fs.run = &s->run;
	pool_reads(s, true);
	if (corr_build_jobs(s->run.events, s->run.nevents,
	    s->rd.ingest.jobs, &s->corr, &err) != 0 ||
	    (phase(s, "correlate"), pool_reads(s, false),
	    findings_match_late(&s->fs, s->rules,
	    &s->run, s->rd.ingest.jobs, &err)) != 0 ||
	    findings_fold_twins(&s->fs, s->corr, s->run.events,
	    s->run.nevents) != 0) {
		cmd_warn("%s", err.code ? err.msg : "out of memory");
		return -1;
	}
	phase(s, "match 3/7");
	if (findings_correlate(&s->fs, &s->sigcorr, s->rules, &s->run,
	    &err) != 0) {
		cmd_warn("%s", err.msg);
		return -1;
	}
	if (s->fs.correlations != NULL)
		phase(s, "sigma correlations");
	if (!s->rd.ingest.quiet)
		cmd_rules_warn_limits(s->rules);
	s->have_base = !s->no_baseline;
	pool_reads(s, true);
	/* with --learn the baseline is an output, written as one */
	if (s->have_base && (s->learn ? cmd_out_db(s->basepath, baselines, s,
	    &err) : baselines(NULL, s, &err)) != 0) {
		cmd_warn("%s", err.msg);
		return -1;
	}
	phase(s, "baselines");
	pool_reads(s, false);
	if ((rc = findings_build(&s->fs, s->rules, &s->base.res,
	    s->run.events, s->run.nevents, &s->filter,
	    s->rd.ingest.jobs)) != 0 ||
	    (rc = findings_group(&s->fs, s->grouping,
	    s->rd.ingest.jobs)) != 0) {
		cmd_warn("findings: %s", rc == EV_ENOMEM ? "out of memory" :
		    ev_err_name(rc));
		return -1;
	}
	phase(s, "findings");
	return 0;
}

/*
 * Step 6: the database and the report, the summary on stderr, and the
 * exit status.  Returns 0, or -1 after a message.
 */
static int
finish(struct scan *s, const char *cmdline, double t0)
{
	struct ev_err err = EV_ERR_INIT;

	if (s->dbpath != NULL && cmd_out_db(s->dbpath, store_scan, s,
	    &err) != 0) {
		cmd_warn("%s", err.msg);
		s->status = CMD_EXIT_ERROR;
	}
	if (s->dbpath != NULL)
		phase(s, "database");
	pool_reads(s, true);
	if (write_report(s, cmdline) != 0)
		return -1;
	phase(s, "report");
	cmd_read_summary(&s->rd, &s->run, cmd_now() - t0);
	if (!s->rd.ingest.quiet)
		fprintf(stderr, "evtxhunt: %zu findings in %zu entries (%llu "
		    "suppressed, %llu filtered out, %llu below the minimum "
		    "level)\n", s->fs.n, s->fs.ngroups,
		    (unsigned long long)s->fs.suppressed.findings,
		    (unsigned long long)s->fs.filtered.findings,
		    (unsigned long long)s->fs.below.findings);
	if (!ev_examined(s->run.events, s->run.nevents)) {
		if (!s->rd.ingest.quiet)
			cmd_warn("no host had process creations with command "
			    "lines, script blocks, or services or tasks with "
			    "their actions: nothing could be examined, finding "
			    "nothing does not mean clean");
		s->status = CMD_EXIT_MAX(s->status, CMD_EXIT_UNEXAMINED);
	}
	if (s->fs.n > 0)
		s->status = CMD_EXIT_MAX(s->status, CMD_EXIT_FINDINGS);
	return 0;
}

void
scan_init(struct scan *s)
{
	memset(s, 0, sizeof(*s));
	cmd_read_init(&s->rd);
	s->rd.budget = true;
	ev_arena_init(&s->arena);
	findings_init(&s->fs);
	sigcorr_init(&s->sigcorr);
	s->timing = getenv("EVTXHUNT_TIMING") != NULL;
	s->status = CMD_EXIT_OK;
}

int
scan_run(struct scan *s, char *const *paths, size_t npaths,
    const char *cmdline, double t0)
{
	if (prepare(s) != 0 || pipeline(s, paths, npaths) != 0 ||
	    finish(s, cmdline, t0) != 0)
		return -1;
	return 0;
}

void
scan_release(struct scan *s)
{
	findings_release(&s->fs);
	sigcorr_release(&s->sigcorr);
	if (s->have_base)
		base_run_release(&s->base);
	else
		base_config_free(s->base.cfg);
	corr_free(s->corr);
	if (s->have_run)
		ingest_release(&s->run);
	sigma_set_free(s->rules);
	ev_arena_release(&s->arena);
}
