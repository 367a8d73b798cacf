/*
 * cmd_scan.c -- `evtxhunt scan`, the main job (evtxhunt-scan(1)): read
 * the evidence, match Sigma rules in the reading threads, link process
 * trees, score watched binaries against baselines, and write the
 * timeline report.
 *
 * Its options and their checks are here; the run, step by step, is in
 * cmd_scan_run.c (cmd_scan_int.h).
 */
#include <stdlib.h>

#include "cmd.h"
#include "cmd_opt.h"
#include "cmd_read.h"
#include "cmd_ruleset.h"
#include "cmd_scan_int.h"
#include "findings.h"
#include "report/report.h"

static const char *const scan_usage[] = {
	"usage: evtxhunt scan [-aq] [-b db] [--color when] "
	    "[--computer pattern] [--db file]",
	"                     [-f format] [--force] [--from time] [--hash] "
	    "[-j jobs] [-l level]",
	"                     [--learn] [--learn-all] [--memory size] "
	    "[--no-baseline]",
	"                     [--no-recovered] [--no-rules] [-o file]",
	"                     [--parser native|libevtx] [--progress when] "
	    "[-r path]...",
	"                     [--rule pattern] [--strict] [--suppress file] "
	    "[--to time]",
	"                     [--tmpdir dir] [--tz zone] [--group line|shape] "
	    "[--no-group]",
	"                     [--rule-level level] [--status list] "
	    "[--tag pattern]",
	"                     [--technique pattern] [--exclude file] "
	    "[--all-rules] path ...",
	NULL
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
	CMD_READ_BUDGET_OPTS,
	CMD_OPT_END_ROW
};
#undef S

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

int
cmd_scan(int argc, char **argv)
{
	struct scan s;
	char *cmdline = cmd_line_join("evtxhunt", argc, argv);
	double t0 = cmd_now();
	int rc;

	scan_init(&s);
	s.format = "text";
	if ((rc = parse_args(&s, argc, argv)) != 0)
		s.status = rc == SCAN_HELP ? CMD_EXIT_OK : rc;
	else if (scan_run(&s, argv + optind, (size_t)(argc - optind),
	    cmdline, t0) != 0)
		s.status = CMD_EXIT_ERROR;
	free(s.rule_paths);
	free(s.select.tags);
	free(s.select.techniques);
	free(s.select.excludes);
	scan_release(&s);
	free(cmdline);
	return cmd_finish_stdout(s.status);
}
