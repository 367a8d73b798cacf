/*
 * cmd_scan.c -- `evtxhunt scan`, the main job (evtxhunt-scan(1)): read
 * the evidence, match Sigma rules in the reading threads, link process
 * trees, score watched binaries against baselines, and write the
 * timeline report.
 *
 * Order of work:
 *  1. load and compile the rules (-r, default: the installed rules);
 *  2. ingest_run(): decode in N threads; process-creation events are
 *     matched right there, each worker with its own sigma scratch;
 *  3. corr_build(): process trees; Sysmon 3/7 get their process, then
 *     they are matched (in N threads) with that enrichment; a 4688 that
 *     duplicates a Sysmon 1 hands its hits to the Sysmon event;
 *  4. baselines: score against -b DB or, without it, against the
 *     evidence itself (stacking); --learn adds the run to the DB;
 *  5. findings = events with rule hits or baseline findings, filtered
 *     (level, computer, rule, --suppress), one per event;
 *  6. --db, then the report (to -o through a temporary file).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ev_util.h"
#include "baseline/baseline.h"
#include "cmd.h"
#include "cmd_read.h"
#include "correlate.h"
#include "findings.h"
#include "ev_arena.h"
#include "ev_buf.h"
#include "report/report.h"
#include "sha256.h"
#include "sigma/sigma.h"
#include "store.h"
#include "version.h"

static const char *const scan_usage[] = {
	"usage: evtxhunt scan [-aq] [-b db] [--color when] "
	    "[--computer pattern] [--db file]",
	"                     [-f format] [--force] [--from time] [--hash] "
	    "[-j jobs] [-l level]",
	"                     [--learn] [--no-baseline] [--no-recovered] "
	    "[--no-rules] [-o file]",
	"                     [--parser native|libevtx] [--progress when] "
	    "[-r path]...",
	"                     [--rule pattern] [--strict] [--suppress file] "
	    "[--to time] path ...",
	NULL
};

enum {
	OPT_COLOR = CMD_OPT_READ_LAST, OPT_COMPUTER, OPT_DB, OPT_FORCE,
	OPT_LEARN, OPT_NO_BASELINE, OPT_NO_RULES, OPT_RULE, OPT_SUPPRESS,
	OPT_HELP
};

static const struct option scan_options[] = {
	CMD_READ_LONGOPTS,
	{ "all-events", no_argument, NULL, 'a' },
	{ "baseline", required_argument, NULL, 'b' },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "computer", required_argument, NULL, OPT_COMPUTER },
	{ "db", required_argument, NULL, OPT_DB },
	{ "format", required_argument, NULL, 'f' },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "min-level", required_argument, NULL, 'l' },
	{ "learn", no_argument, NULL, OPT_LEARN },
	{ "no-baseline", no_argument, NULL, OPT_NO_BASELINE },
	{ "no-rules", no_argument, NULL, OPT_NO_RULES },
	{ "output", required_argument, NULL, 'o' },
	{ "rules", required_argument, NULL, 'r' },
	{ "rule", required_argument, NULL, OPT_RULE },
	{ "suppress", required_argument, NULL, OPT_SUPPRESS },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

struct scan {
	struct cmd_read		 rd;
	const char		*format, *outpath, *dbpath, *basepath;
	const char		*suppress_path;
	struct findings_filter	 filter;	/* -l, --computer, --rule */
	const char		**rule_paths;
	size_t			 nrule_paths;
	int			 color;		/* -1 auto, 0 never, 1 always */
	bool			 all_events, force, learn, no_baseline;
	bool			 no_rules;
	int			 status;

	struct sigma_set	*rules;
	char			 rules_sha256[65];
	struct base_config	*bcfg;
	struct base_model	 model;
	bool			 have_model;
	struct base_result	 bres;
	struct corr		*corr;
	struct ingest_run	 run;
	bool			 have_run;
	struct findings		 fs;
	struct ev_arena		 arena;
	const char		**unbaselined;
	double			 t_phase;	/* EVTXHUNT_TIMING */
	bool			 timing;
};

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

/* ---- rules ---- */

static bool
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *
default_rules_dir(void)
{
	/* installed rules, or the source tree's when run uninstalled */
	if (is_dir(EVH_RULESDIR))
		return EVH_RULESDIR;
	return EVH_SRC_RULESDIR;
}

/* SHA-256 over the loaded rule files, in load (path) order. */
static void
hash_rules(struct scan *s)
{
	struct sha256 h;
	char buf[65536];
	size_t n;

	sha256_init(&h);
	for (size_t i = 0; i < sigma_count(s->rules); i++) {
		const struct sigma_rule *r = sigma_rule_at(s->rules, i);
		FILE *f;

		if (r->status != SIGMA_LOADED)
			continue;
		if ((f = fopen(r->path, "rb")) == NULL)
			continue;
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			sha256_update(&h, buf, n);
		fclose(f);
	}
	sha256_final_hex(&h, s->rules_sha256);
}

static int
load_rules(struct scan *s)
{
	struct ev_err err = EV_ERR_INIT;
	size_t rejected = 0;

	if ((s->rules = sigma_set_new()) == NULL) {
		cmd_warn("out of memory");
		return -1;
	}
	if (!s->no_rules) {
		const char *def = default_rules_dir();
		size_t n = s->nrule_paths ? s->nrule_paths : 1;

		for (size_t i = 0; i < n; i++) {
			const char *p = s->nrule_paths ? s->rule_paths[i] : def;

			ev_err_clear(&err);
			if (sigma_load_path(s->rules, p, !is_dir(p), &err) !=
			    0) {
				cmd_warn("%s", err.msg);
				/* a rule path given explicitly: an error */
				s->status = CMD_EXIT_ERROR;
				if (err.code == EV_ENOMEM)
					return -1;
			}
		}
	}
	for (size_t i = 0; i < sigma_count(s->rules); i++) {
		const struct sigma_rule *r = sigma_rule_at(s->rules, i);

		if (r->status != SIGMA_REJECTED)
			continue;
		rejected++;
		if (r->explicit_path)
			s->status = CMD_EXIT_ERROR;
		if (!s->rd.ingest.quiet && (r->explicit_path || rejected <= 10))
			cmd_warn("%s:%u:%u: %s", r->path, r->line, r->column,
			    r->reason);
	}
	if (rejected > 10 && !s->rd.ingest.quiet)
		fprintf(stderr, "evtxhunt: %zu rules rejected in all; see "
		    "'evtxhunt rules check'\n", rejected);
	for (size_t i = 0; i < sigma_skip_count(s->rules); i++)
		if (!s->rd.ingest.quiet)
			cmd_warn("%s: not loaded: %s",
			    sigma_skip_at(s->rules, i)->path,
			    sigma_skip_at(s->rules, i)->reason);
	if (sigma_compile(s->rules, &err) != 0) {
		cmd_warn("%s", err.msg);
		return -1;
	}
	hash_rules(s);
	return 0;
}

/* ---- database ---- */

/* The rule set as rows of the rules table (tags joined in s->arena). */
static struct store_rule *
rule_rows(struct scan *s)
{
	static const char *const st_names[] = { "loaded", "skipped",
	    "rejected" };
	size_t n = sigma_count(s->rules);
	struct store_rule *rows = calloc(n + 1, sizeof(*rows));

	for (size_t i = 0; rows != NULL && i < n; i++) {
		const struct sigma_rule *r = sigma_rule_at(s->rules, i);

		rows[i] = (struct store_rule){
			.uuid = r->id, .path = r->path, .title = r->title,
			.level = r->level, .status = r->rule_status,
			.tags = r->tags.v,
			.ntags = r->tags.n,
			.load_status = st_names[r->status],
			.reason = r->status == SIGMA_LOADED ? NULL : r->reason,
		};
	}
	return rows;
}

static int
store_scan(struct scan *s, struct ev_err *err)
{
	struct store *st;
	struct store_rule *rules = rule_rows(s);
	struct cmd_out o;
	int rc;

	if (rules == NULL)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	if (cmd_out_open(&o, s->dbpath, CMD_OUT_DB) != 0) {
		free(rules);
		return EV_ERR(err, EV_EIO, 0, "no database written");
	}
	if ((rc = store_open(o.tmp, &st, err)) != 0) {
		free(rules);
		cmd_out_abort(&o);
		return rc;
	}
	if ((rc = store_add_run(st, &s->run, err)) != 0 ||
	    (rc = store_add_rules(st, rules, sigma_count(s->rules), err)) !=
	    0 || (rc = store_add_findings(st, s->fs.v, s->fs.n,
	    err)) != 0 || (s->corr != NULL && (rc = store_add_processes(st,
	    s->corr, err)) != 0)) {
		free(rules);
		store_close(st, NULL);
		cmd_out_abort(&o);
		return rc;
	}
	free(rules);
	if ((rc = store_close(st, err)) != 0) {
		cmd_out_abort(&o);
		return rc;
	}
	return cmd_out_commit(&o) == 0 ? 0 : EV_ERR(err, EV_EIO, 0,
	    "no database written");
}

/* ---- output ---- */

/*
 * report.load_unusual: an image load is unusual when the baseline found
 * its module new for the process that loaded it.
 */
static bool
load_unusual(void *arg, const struct ev_event *load)
{
	const struct scan *s = arg;
	struct ev_buf shape = EV_BUF_INIT;
	bool found = false;

	if (load->process == NULL || load->col[EV_COL_IMAGE_LOADED] == NULL)
		return false;
	for (size_t i = 0; i < s->bres.nfindings && !found; i++) {
		const struct base_finding *f = &s->bres.findings[i];

		if (f->ev != load->process)
			continue;
		if (shape.len == 0)
			base_shape_file(load->col[EV_COL_IMAGE_LOADED], &shape);
		for (size_t k = 0; k < f->nnews && !found; k++)
			found = f->news[k].type == BASE_F_MODULE &&
			    strcmp(f->news[k].value, shape.buf) == 0;
	}
	ev_buf_release(&shape);
	return found;
}

/*
 * Counts of skipped and rejected rules by reason class, for the header.
 * The arrays live in s->arena.
 */
static void
count_reasons(struct scan *s, struct report_rules *rr)
{
	size_t n = sigma_count(s->rules), k = 0;
	const char **names = ev_arena_calloc(&s->arena, (n + 2) *
	    sizeof(*names));
	size_t *counts = ev_arena_calloc(&s->arena, (n + 2) *
	    sizeof(*counts));

	if (names == NULL || counts == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct sigma_rule *r = sigma_rule_at(s->rules, i);
		const char *c = r->reason_class ? r->reason_class : "other";
		size_t j;

		if (r->status == SIGMA_LOADED) {
			/* events the rule may have missed */
			char what[300];

			counts[k] = (size_t)sigma_regex_limits(s->rules, i);
			snprintf(what, sizeof(what), "regex limit %s",
			    r->id ? r->id : r->path);
			if (counts[k] > 0 && (names[k] = ev_arena_strdup(
			    &s->arena, what)) != NULL)
				k++;
			counts[k] = 0;
			continue;
		}
		for (j = 0; j < k; j++)
			if (strcmp(names[j], c) == 0)
				break;
		if (j == k)
			names[k++] = c;
		counts[j]++;
	}
	if ((counts[k] = sigma_skip_count(s->rules)) > 0)
		names[k++] = "entries not loaded";
	rr->reason_names = names;
	rr->reason_counts = counts;
	rr->nreasons = k;
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
	rep.findings = s->fs.v;
	rep.nfindings = s->fs.n;
	rep.rules.loaded = sigma_count_status(s->rules, SIGMA_LOADED);
	rep.rules.skipped = sigma_count_status(s->rules, SIGMA_SKIPPED);
	rep.rules.rejected = sigma_count_status(s->rules, SIGMA_REJECTED);
	rep.rules.sha256 = s->rules_sha256;
	count_reasons(s, &rep.rules);
	rep.from = s->rd.ingest.from;
	rep.to = s->rd.ingest.to;
	rep.watch = s->bcfg;
	if (s->bcfg != NULL) {
		rep.load_unusual = load_unusual;
		rep.load_arg = s;
	}
	rep.baseline = s->no_baseline ? NULL : s->basepath ? s->basepath :
	    "self";
	rep.unbaselined = s->unbaselined;
	rep.nunbaselined = s->bres.nunbaselined;
	rep.suppressed = s->fs.suppressed;
	rep.filtered = s->fs.filtered;
	rep.version = version_string();
	rep.command = cmdline;
	rep.opts.format = s->format;
	rep.opts.width = 100;
	rep.opts.all_events = s->all_events;
	rep.opts.min_level = s->filter.min_level;
	if (cmd_out_open(&out, s->outpath, 0) != 0)
		return -1;
	rep.opts.color = s->color == 1 || (s->color == -1 &&
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

/* Returns 0, SCAN_HELP, or an exit status after a usage message. */
static int
parse_args(struct scan *s, int argc, char **argv)
{
	int opt, rc;
	enum ev_level lvl;

	optind = 1;
	while ((opt = getopt_long(argc, argv, CMD_READ_SHORTOPTS
	    "ab:f:l:o:r:", scan_options, NULL)) != -1) {
		if ((rc = cmd_read_option(&s->rd, "scan", opt, optarg)) != 0) {
			if (rc != 1)
				return rc;
			continue;
		}
		switch (opt) {
		case 'a':
			s->all_events = true;
			break;
		case 'b':
			s->basepath = optarg;
			break;
		case 'f':
			for (rc = 0; report_formats[rc] != NULL; rc++)
				if (strcmp(report_formats[rc], optarg) == 0)
					break;
			if (report_formats[rc] == NULL)
				return cmd_usage_error("scan", "-f: '%s' is "
				    "not text, csv, jsonl, timesketch or html",
				    optarg);
			s->format = optarg;
			break;
		case 'l':
			if ((lvl = ev_level_parse(optarg)) == EV_LEVEL_NONE)
				return cmd_usage_error("scan", "-l: '%s' is "
				    "not informational, low, medium, high or "
				    "critical", optarg);
			s->filter.min_level = lvl;
			break;
		case 'o':
			s->outpath = optarg;
			break;
		case 'r': {
			const char **p = realloc(s->rule_paths,
			    (s->nrule_paths + 1) * sizeof(*p));

			if (p == NULL)
				return CMD_EXIT_ERROR;
			s->rule_paths = p;
			s->rule_paths[s->nrule_paths++] = optarg;
			break;
		}
		case OPT_COLOR:
			if (strcmp(optarg, "auto") == 0)
				s->color = -1;
			else if (strcmp(optarg, "always") == 0)
				s->color = 1;
			else if (strcmp(optarg, "never") == 0)
				s->color = 0;
			else
				return cmd_usage_error("scan", "--color: '%s' "
				    "is not auto, always or never", optarg);
			break;
		case OPT_COMPUTER:
			s->filter.computer = optarg;
			break;
		case OPT_DB:
			s->dbpath = optarg;
			break;
		case OPT_FORCE:
			s->force = true;
			break;
		case OPT_LEARN:
			s->learn = true;
			break;
		case OPT_NO_BASELINE:
			s->no_baseline = true;
			break;
		case OPT_NO_RULES:
			s->no_rules = true;
			break;
		case OPT_RULE:
			s->filter.rule = optarg;
			break;
		case OPT_SUPPRESS:
			s->suppress_path = optarg;
			break;
		case OPT_HELP:
			cmd_print_usage(stdout, scan_usage);
			return SCAN_HELP;
		default:
			cmd_print_usage(stderr, scan_usage);
			return CMD_EXIT_ERROR;
		}
	}
	if (optind >= argc) {
		cmd_print_usage(stderr, scan_usage);
		return CMD_EXIT_ERROR;
	}
	if (s->learn && s->basepath == NULL)
		return cmd_usage_error("scan", "--learn needs -b db");
	if (s->learn && s->no_baseline)
		return cmd_usage_error("scan", "--learn and --no-baseline "
		    "contradict each other");
	/* outputs, claimed before anything is read (cmd.h) */
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
	return 0;
}

static int
baselines(struct scan *s)
{
	struct ev_err err = EV_ERR_INIT;
	sqlite3 *db = NULL;
	const char *cfgpath = base_config_default_path();

	if (s->no_baseline)
		return 0;
	for (size_t i = 0; i < s->nrule_paths; i++) {
		/* a rules directory may carry its own watched.yml */
		struct ev_buf b = EV_BUF_INIT;

		ev_buf_addf(&b, "%s/watched.yml", s->rule_paths[i]);
		if (access(b.buf, R_OK) == 0)
			cfgpath = ev_arena_strdup(&s->arena, b.buf);
		ev_buf_release(&b);
		if (cfgpath == NULL)
			return -1;
		if (cfgpath != base_config_default_path())
			break;
	}
	if (base_config_load(cfgpath, &s->bcfg, &err) != 0) {
		cmd_warn("%s", err.msg);
		return -1;
	}
	if (s->basepath != NULL) {
		if (base_db_open(s->basepath, s->learn, !s->learn, &db,
		    &err) != 0 || base_db_load(db, &s->model, &err) != 0) {
			cmd_warn("%s: %s", s->basepath, err.msg);
			sqlite3_close(db);
			return -1;
		}
		s->have_model = true;
	}
	if (base_score(s->bcfg, s->have_model ? &s->model : NULL, s->corr,
	    s->run.events, s->run.nevents, &s->bres, &err) != 0) {
		cmd_warn("%s", err.msg);
		sqlite3_close(db);
		return -1;
	}
	if (s->learn && base_learn(db, s->bcfg, s->corr, s->run.events,
	    s->run.nevents, &err) != 0) {
		cmd_warn("%s: %s", s->basepath, err.msg);
		sqlite3_close(db);
		return -1;
	}
	if (db != NULL && sqlite3_close(db) != SQLITE_OK) {
		cmd_warn("%s: cannot close the baseline", s->basepath);
		return -1;
	}
	s->unbaselined = ev_arena_calloc(&s->arena, (s->bres.nunbaselined +
	    1) * sizeof(*s->unbaselined));
	if (s->unbaselined == NULL)
		return -1;
	for (size_t i = 0; i < s->bres.nunbaselined; i++)
		s->unbaselined[i] = s->bres.unbaselined[i].binary;
	return 0;
}

static char *
command_line(int argc, char **argv)
{
	struct ev_buf b = EV_BUF_INIT;

	ev_buf_adds(&b, "evtxhunt");
	for (int i = 0; i < argc; i++) {
		ev_buf_addc(&b, ' ');
		ev_buf_adds(&b, argv[i]);
	}
	return ev_buf_detach(&b, NULL);
}

int
cmd_scan(int argc, char **argv)
{
	struct scan s;
	struct findings_hook hook = { 0 };
	struct ev_err err = EV_ERR_INIT;
	char *cmdline = command_line(argc, argv);
	double t0 = cmd_now();
	int rc;

	memset(&s, 0, sizeof(s));
	cmd_read_init(&s.rd);
	ev_arena_init(&s.arena);
	findings_init(&s.fs);
	base_model_init(&s.model);
	s.format = "text";
	s.color = -1;
	s.timing = getenv("EVTXHUNT_TIMING") != NULL;
	s.status = CMD_EXIT_OK;
	if ((rc = parse_args(&s, argc, argv)) != 0) {
		s.status = rc == SCAN_HELP ? CMD_EXIT_OK : rc;
		goto done;
	}
	if (s.suppress_path != NULL && findings_load_suppress(&s.fs,
	    s.suppress_path, &err) != 0) {
		cmd_warn("%s", err.msg);
		goto fail;
	}
	if (load_rules(&s) != 0)
		goto fail;
	hook.rules = s.rules;
	s.rd.ingest.on_event = findings_on_event;
	s.rd.ingest.worker_init = findings_worker_init;
	s.rd.ingest.worker_fini = findings_worker_fini;
	s.rd.ingest.hook_progress = findings_progress;
	s.rd.ingest.hook_arg = &hook;
	phase(&s, NULL);
	if (cmd_read_run(&s.rd, argv + optind, (size_t)(argc - optind),
	    &s.run) != 0)
		goto fail;
	s.have_run = true;
	s.status = CMD_EXIT_MAX(s.status, cmd_read_status(&s.rd, &s.run));
	phase(&s, "read and match");
	if (corr_build(s.run.events, s.run.nevents, &s.corr, &err) != 0 ||
	    (phase(&s, "correlate"), findings_match_late(&s.fs, s.rules,
	    s.run.events, s.run.nevents, s.rd.ingest.jobs)) != 0 ||
	    findings_fold_twins(&s.fs, s.corr, s.run.events,
	    s.run.nevents) != 0) {
		cmd_warn("%s", err.code ? err.msg : "out of memory");
		goto fail;
	}
	phase(&s, "match 3/7");
	for (size_t i = 0; i < sigma_count(s.rules); i++) {
		const struct sigma_rule *r = sigma_rule_at(s.rules, i);
		uint64_t nl = sigma_regex_limits(s.rules, i);

		if (nl > 0 && !s.rd.ingest.quiet)
			cmd_warn("%s: rule %s: regex limit hit on %llu "
			    "events, counted as no match",
			    r->path, r->id ? r->id : "(no id)",
			    (unsigned long long)nl);
	}
	if (baselines(&s) != 0)
		goto fail;
	phase(&s, "baselines");
	if (findings_build(&s.fs, s.rules, &s.bres, s.run.events,
	    s.run.nevents, &s.filter) != 0) {
		cmd_warn("out of memory");
		goto fail;
	}
	phase(&s, "findings");
	if (s.dbpath != NULL && store_scan(&s, &err) != 0) {
		cmd_warn("%s", err.msg);
		s.status = CMD_EXIT_ERROR;
	}
	if (s.dbpath != NULL)
		phase(&s, "database");
	if (write_report(&s, cmdline) != 0)
		goto fail;
	phase(&s, "report");
	cmd_read_summary(&s.rd, &s.run, cmd_now() - t0);
	if (!s.rd.ingest.quiet)
		fprintf(stderr, "evtxhunt: %zu findings (%llu suppressed, %llu "
		    "below the filters)\n", s.fs.n,
		    (unsigned long long)s.fs.suppressed,
		    (unsigned long long)s.fs.filtered);
	if (s.fs.n > 0)
		s.status = CMD_EXIT_MAX(s.status, CMD_EXIT_FINDINGS);
	goto done;
fail:
	s.status = CMD_EXIT_ERROR;
done:
	findings_release(&s.fs);
	free(s.rule_paths);
	base_result_release(&s.bres);
	base_model_release(&s.model);
	base_config_free(s.bcfg);
	corr_free(s.corr);
	if (s.have_run)
		ingest_release(&s.run);
	sigma_set_free(s.rules);
	ev_arena_release(&s.arena);
	free(cmdline);
	return cmd_finish_stdout(s.status);
}
