/*
 * cmd_scan.c -- `evtxhunt scan`, the main job (evtxhunt-scan(1)): read
 * the evidence, match Sigma rules in the reading threads, link process
 * trees, score watched binaries against baselines, and write the
 * timeline report.
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
#include "cmd_opt.h"
#include "cmd_read.h"
#include "cmd_ruleset.h"
#include "correlate.h"
#include "ev_arena.h"
#include "ev_time.h"
#include "findings.h"
#include "report/report.h"
#include "sigcorr.h"
#include "sigma/sigma.h"
#include "store.h"
#include "version.h"

static const char *const scan_usage[] = {
	"usage: evtxhunt scan [-aq] [-b db] [--color when] "
	    "[--computer pattern] [--db file]",
	"                     [-f format] [--force] [--from time] [--hash] "
	    "[-j jobs] [-l level]",
	"                     [--learn] [--learn-all] [--no-baseline] "
	    "[--no-recovered] [--no-rules]",
	"                     [-o file]",
	"                     [--parser native|libevtx] [--progress when] "
	    "[-r path]...",
	"                     [--rule pattern] [--strict] [--suppress file] "
	    "[--to time]",
	"                     [--tz zone] [--group line|shape] [--no-group]",
	"                     [--rule-level level] [--status list] "
	    "[--tag pattern]",
	"                     [--technique pattern] [--exclude file] "
	    "[--all-rules] path ...",
	NULL
};

struct scan {
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
	int			 status;

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
	bool			 timing;
};

enum { OPT_FORMAT = CMD_OPT_READ_LAST, OPT_LEARN_ALL, OPT_NO_GROUP,
	OPT_STATUS };

/* --group's names are in the order of enum findings_grouping */
_Static_assert(FINDINGS_GROUP_EXACT == 0 && FINDINGS_GROUP_SHAPE == 1,
    "--group line|shape");

#define S	struct scan
static const struct cmd_opt scan_options[] = {
	{ "all-events", 'a', NULL, "timeline of every extracted event, "
	    "findings marked", CMD_OPT_TRUE_(S, all_events) },
	{ "all-rules", 0, NULL, "not the shipped exclusion list of noisy "
	    "rules", CMD_OPT_TRUE_(S, select.all_rules) },
	{ "baseline", 'b', "db", "score against this baseline (default: the "
	    "evidence itself)", CMD_OPT_STR_(S, basepath) },
	{ "color", 0, "auto|always|never", "colour the text report",
	    CMD_OPT_CHOICE_(S, color) },
	{ "computer", 0, "pattern", "report only hosts matching the glob",
	    CMD_OPT_STR_(S, filter.computer) },
	{ "db", 0, "file", "also write the whole SQLite database to file",
	    CMD_OPT_STR_(S, dbpath) },
	{ "exclude", 0, "file", "leave out the rules whose ids file lists "
	    "(repeatable)", CMD_OPT_LIST_(S, select.excludes,
	    select.nexcludes) },
	{ "format", 'f', "format", REPORT_FORMAT_LIST,
	    CMD_OPT_CASE_(OPT_FORMAT) },
	{ "force", 0, NULL, "replace an existing --db file",
	    CMD_OPT_TRUE_(S, force) },
	{ "group", 0, "line|shape", "group identical findings by command line "
	    "(default) or argument shape", CMD_OPT_CHOICE_(S, grouping) },
	CMD_OPT_HELP_ROW,
	{ "min-level", 'l', "level", "report findings of at least level",
	    CMD_OPT_LEVEL_(S, filter.min_level) },
	{ "learn", 0, NULL, "add this scan to the -b baseline (not what is "
	    "reported at medium+)", CMD_OPT_TRUE_(S, learn) },
	{ "learn-all", 0, NULL, "as --learn, findings included",
	    CMD_OPT_CASE_(OPT_LEARN_ALL) },
	{ "no-baseline", 0, NULL, "rules only", CMD_OPT_TRUE_(S, no_baseline) },
	{ "no-group", 0, NULL, "one timeline entry per finding",
	    CMD_OPT_CASE_(OPT_NO_GROUP) },
	{ "no-rules", 0, NULL, "baselines only", CMD_OPT_TRUE_(S, no_rules) },
	{ "output", 'o', "file", "write the report to file (default: stdout)",
	    CMD_OPT_STR_(S, outpath) },
	{ "rules", 'r', "path", "rule file or directory (repeatable; default: "
	    "the installed rules)", CMD_OPT_LIST_(S, rule_paths,
	    nrule_paths) },
	{ "rule", 0, "pattern", "report only rules whose id, title or file "
	    "matches the glob", CMD_OPT_STR_(S, filter.rule) },
	{ "rule-level", 0, "level", "load only rules of at least level",
	    CMD_OPT_LEVEL_(S, select.min_level) },
	{ "status", 0, "list", "load only rules of these statuses (stable,"
	    "test,...)", CMD_OPT_CASE_(OPT_STATUS) },
	{ "suppress", 0, "file", "drop the findings file describes",
	    CMD_OPT_STR_(S, suppress_path) },
	{ "tag", 0, "pattern", "load only rules with a tag matching the glob "
	    "(repeatable)", CMD_OPT_LIST_(S, select.tags, select.ntags) },
	{ "technique", 0, "pattern", "load only rules of a matching ATT&CK "
	    "technique (T1218*)", CMD_OPT_LIST_(S, select.techniques,
	    select.ntechniques) },
	{ "tz", 0, "zone", "human formats in zone, with offsets (default: TZ, "
	    "else UTC)", CMD_OPT_STR_(S, tz) },
	CMD_READ_OPTS,
	CMD_OPT_END_ROW
};
#undef S


/*
 * With EVTXHUNT_TIMING set, prints how long the phase that just ended
 * took (where the time goes, for benchmarks); name NULL starts the clock.
 */
static void
phase(struct scan *s, const char *name)
{
	double now;

	if (!s->timing)
		return;
	now = cmd_now();
	if (name != NULL)
		fprintf(stderr, "evtxhunt: timing: %-14s %8.3f s\n", name,
		    now - s->t_phase);
	s->t_phase = now;
}

/* ---- database ---- */

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
	    tmp, learnable, s, s->corr, s->run.events, s->run.nevents, err);
}

/* ---- output ---- */

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

/* ---- the command ---- */

#define SCAN_HELP	(-1)	/* parse_args(): --help was printed */

/* The value of a row of scan_options[] its switch handles. */
static int
scan_option(struct scan *s, int id, const char *arg)
{
	struct ev_err err = EV_ERR_INIT;

	switch (id) {
	case OPT_FORMAT:
		if (report_format_check(arg, &err) < 0)
			return cmd_usage_error("scan", "-f: %s", err.msg);
		s->format = arg;
		return 0;
	case OPT_LEARN_ALL:
		s->learn = s->learn_all = true;
		return 0;
	case OPT_NO_GROUP:
		s->grouping = FINDINGS_GROUP_NONE;
		return 0;
	case OPT_STATUS:
		if (cmd_rule_statuses_parse(arg, &s->select.statuses) != 0)
			return cmd_usage_error("scan", "--status: '%s' is not a "
			    "list of stable, test, experimental, deprecated, "
			    "unsupported", arg);
		return 0;
	}
	return cmd_read_option(&s->rd, "scan", id, arg) == 1 ? 0 :
	    CMD_EXIT_ERROR;
}

/*
 * The options together, once all are parsed: the time zone, --learn,
 * and the outputs, claimed before anything is read (cmd.h).  Returns 0,
 * or an exit status after a message.
 */
static int
check_args(struct scan *s)
{
	if (cmd_read_check(&s->rd, "scan") != 0)
		return CMD_EXIT_ERROR;
	/* the zone of the human formats: --tz, else TZ, else UTC */
	if (cmd_time_zone("scan", s->tz) != 0)
		return CMD_EXIT_ERROR;
	if (s->learn && s->basepath == NULL)
		return cmd_usage_error("scan", "--learn needs -b db");
	if (s->learn && s->no_baseline)
		return cmd_usage_error("scan", "--learn and --no-baseline "
		    "contradict each other");
	if (cmd_out_claim(s->outpath, 0) != 0 || cmd_out_claim(s->dbpath,
	    CMD_OUT_DB | (s->force ? 0 : CMD_OUT_NEW)) != 0)
		return CMD_EXIT_ERROR;
	for (size_t i = 0; i < s->nrule_paths; i++)
		if (cmd_out_is_claimed(s->rule_paths[i]))
			return cmd_usage_error("scan", "'%s' is a rule file "
			    "and an output", s->rule_paths[i]);
	if (cmd_out_is_claimed(s->basepath) ||
	    cmd_out_is_claimed(s->suppress_path))
		return cmd_usage_error("scan", "an output is also the "
		    "baseline or the suppress list");
	/* with --learn the baseline is an output too, written as one */
	if (s->learn && cmd_out_claim(s->basepath, CMD_OUT_DB) != 0)
		return CMD_EXIT_ERROR;
	return 0;
}

/* Returns 0, SCAN_HELP, or an exit status after a usage message. */
static int
parse_args(struct scan *s, int argc, char **argv)
{
	struct cmd_getopt g;
	int id, rc;

	cmd_opt_init(&g, "scan", scan_usage, scan_options, s);
	while ((id = cmd_opt_next(&g, argc, argv)) > 0)
		if ((rc = scan_option(s, id, optarg)) != 0)
			return rc;
	if (id == CMD_OPT_STOP)
		return g.help ? SCAN_HELP : g.status;
	if (optind >= argc) {
		cmd_print_usage(stderr, scan_usage);
		return CMD_EXIT_ERROR;
	}
	return check_args(s);
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
	    s->nrule_paths : 1, &s->select, s->rd.ingest.quiet,
	    &s->status) != 0)
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
	if (corr_build(s->run.events, s->run.nevents, &s->corr, &err) != 0 ||
	    (phase(s, "correlate"), findings_match_late(&s->fs, s->rules,
	    s->run.events, s->run.nevents, s->rd.ingest.jobs)) != 0 ||
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
	/* with --learn the baseline is an output, written as one */
	if (s->have_base && (s->learn ? cmd_out_db(s->basepath, baselines, s,
	    &err) : baselines(NULL, s, &err)) != 0) {
		cmd_warn("%s", err.msg);
		return -1;
	}
	phase(s, "baselines");
	if (findings_build(&s->fs, s->rules, &s->base.res, s->run.events,
	    s->run.nevents, &s->filter) != 0 ||
	    findings_group(&s->fs, s->grouping) != 0) {
		cmd_warn("out of memory");
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

int
cmd_scan(int argc, char **argv)
{
	struct scan s;
	char *cmdline = cmd_line_join("evtxhunt", argc, argv);
	double t0 = cmd_now();
	int rc;

	memset(&s, 0, sizeof(s));
	cmd_read_init(&s.rd);
	ev_arena_init(&s.arena);
	findings_init(&s.fs);
	sigcorr_init(&s.sigcorr);
	s.format = "text";
	s.timing = getenv("EVTXHUNT_TIMING") != NULL;
	s.status = CMD_EXIT_OK;
	if ((rc = parse_args(&s, argc, argv)) != 0)
		s.status = rc == SCAN_HELP ? CMD_EXIT_OK : rc;
	else if (prepare(&s) != 0 || pipeline(&s, argv + optind,
	    (size_t)(argc - optind)) != 0 || finish(&s, cmdline, t0) != 0)
		s.status = CMD_EXIT_ERROR;
	findings_release(&s.fs);
	sigcorr_release(&s.sigcorr);
	free(s.rule_paths);
	free(s.select.tags);
	free(s.select.techniques);
	free(s.select.excludes);
	if (s.have_base)
		base_run_release(&s.base);
	else
		base_config_free(s.base.cfg);
	corr_free(s.corr);
	if (s.have_run)
		ingest_release(&s.run);
	sigma_set_free(s.rules);
	ev_arena_release(&s.arena);
	free(cmdline);
	return cmd_finish_stdout(s.status);
}
