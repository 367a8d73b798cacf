/*
 * cmd_baseline.c -- `evtxhunt baseline learn|show|merge`
 * (evtxhunt-baseline(1)): learn per-binary baselines from known-good
 * logs, print one, add baselines together.  The second word is
 * dispatched from a table, as main() dispatches the first.
 *
 * A baseline file is written as every output is (cmd_out_db()): as
 * DB.XXXXXX beside DB, starting from a copy of DB when it exists, and
 * renamed into place when complete, so a failed run leaves DB as it was.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baseline/baseline.h"
#include "cmd.h"
#include "cmd_opt.h"
#include "cmd_read.h"
#include "correlate.h"
#include "ev_time.h"
#include "ev_util.h"

static const char *const learn_usage[] = {
	"usage: evtxhunt baseline learn [-q] [--from time] [-j jobs] "
	    "[--no-recovered] -o db",
	"                               [--parser native|libevtx] "
	    "[--progress auto|always|never]",
	"                               [--strict] [--to time] [-w watched.yml] "
	    "path ...",
	NULL
};

static const char *const show_usage[] = {
	"usage: evtxhunt baseline show db [binary]",
	NULL
};

static const char *const merge_usage[] = {
	"usage: evtxhunt baseline merge -o db in ...",
	NULL
};

static const char *const baseline_usage[] = {
	"usage: evtxhunt baseline learn [options] -o db path ...",
	"       evtxhunt baseline show db [binary]",
	"       evtxhunt baseline merge -o db in ...",
	NULL
};

/* What learn and merge parse into. */
struct base_args {
	struct cmd_read	 rd;
	const char	*outpath, *watched;
};

#define A	struct base_args
#define OUTPUT_ROW \
	{ "output", 'o', "db", "the baseline to write (added to when it " \
	    "exists)", CMD_OPT_STR_(A, outpath) }

static const struct cmd_opt learn_options[] = {
	CMD_OPT_HELP_ROW,
	OUTPUT_ROW,
	{ "watched", 'w', "file", "the watched binaries (default: the "
	    "installed watched.yml)", CMD_OPT_STR_(A, watched) },
	CMD_READ_OPTS,
	CMD_OPT_END_ROW
};

static const struct cmd_opt show_options[] = {
	CMD_OPT_HELP_ROW,
	CMD_OPT_END_ROW
};

static const struct cmd_opt merge_options[] = {
	CMD_OPT_HELP_ROW,
	OUTPUT_ROW,
	CMD_OPT_END_ROW
};
#undef OUTPUT_ROW
#undef A

/*
 * An output baseline, written as every output is (cmd_out_db()): a
 * temporary beside it, renamed into place when complete.  When the file
 * exists, the temporary starts as a copy of it (merged in, read-only and
 * checked as any input baseline), so adding to a baseline never changes
 * it until the whole run has succeeded.  fill(db, path, arg, err) adds
 * the run's part.
 */
typedef int outdb_fill(struct sqlite3 *db, const char *path, void *arg,
    struct ev_err *err);

struct outdb {
	const char	*path;
	outdb_fill	*fill;
	void		*arg;
};

/* cmd_out_db()'s fn: the baseline at o->path, then o->fill, into tmp. */
static int
write_db(const char *tmp, void *arg, struct ev_err *err)
{
	const struct outdb *o = arg;
	struct sqlite3 *db = NULL;
	struct stat st;
	int rc;

	if ((rc = base_db_open(tmp, true, false, &db, err)) == 0 &&
	    stat(o->path, &st) == 0 && S_ISREG(st.st_mode))
		rc = base_db_merge(db, o->path, err);
	if (rc == 0)
		rc = o->fill(db, o->path, o->arg, err);
	if (base_db_close(db, o->path, rc == 0 ? err : NULL) != 0 && rc == 0)
		rc = EV_ESQL;
	return rc;
}

/* Writes the output baseline path: 0, or -1 after a message. */
static int
out_write(const char *path, outdb_fill *fill, void *arg)
{
	struct outdb o = { path, fill, arg };
	struct ev_err err = EV_ERR_INIT;

	if (cmd_out_db(path, write_db, &o, &err) != 0) {
		cmd_warn("%s", err.msg);
		return -1;
	}
	return 0;
}

/* learn's part of the output baseline: the counts of the run. */
static int
add_counts(struct sqlite3 *db, const char *path, void *counts,
    struct ev_err *err)
{
	int rc = base_db_add(db, counts, err);

	if (rc != 0)
		ev_err_wrap(err, "%s", path);
	return rc;
}

static int
learn(int argc, char **argv)
{
	struct base_args a = { .outpath = NULL };
	struct cmd_getopt g;
	struct ingest_run run;
	struct ev_err err = EV_ERR_INIT;
	struct base_config *cfg = NULL;
	struct base_counts counts;
	struct corr *corr = NULL;
	const char *outpath, *watched;
	double t0 = cmd_now();
	int id, status;

	cmd_read_init(&a.rd);
	cmd_opt_init(&g, "baseline learn", learn_usage, learn_options, &a);
	while ((id = cmd_opt_next(&g, argc, argv)) > 0)
		if (cmd_read_option(&a.rd, "baseline learn", id, optarg) != 1)
			return CMD_EXIT_ERROR;
	if (id == CMD_OPT_STOP)
		return g.status;
	outpath = a.outpath;
	watched = a.watched;
	argc -= optind;
	argv += optind;
	if (outpath == NULL || argc == 0) {
		cmd_print_usage(stderr, learn_usage);
		return CMD_EXIT_ERROR;
	}
	if (cmd_read_check(&a.rd, "baseline learn") != 0)
		return CMD_EXIT_ERROR;
	if (cmd_out_claim(outpath, CMD_OUT_DB) != 0)
		return CMD_EXIT_ERROR;
	if (watched == NULL)
		watched = base_config_default_path();
	if (base_config_load(watched, &cfg, &err) != 0) {
		cmd_warn("%s", err.msg);
		return CMD_EXIT_ERROR;
	}
	if (cmd_read_run(&a.rd, argv, (size_t)argc, &run) != 0) {
		base_config_free(cfg);
		return CMD_EXIT_ERROR;
	}
	status = cmd_read_status(&a.rd, &run);
	base_counts_init(&counts);
	if (corr_build_jobs(run.events, run.nevents, a.rd.ingest.jobs,
	    &corr, &err) != 0 ||
	    base_counts_add_events(&counts, cfg, corr, run.events,
	    run.nevents, &err) != 0) {
		cmd_warn("%s", err.msg);
		status = CMD_EXIT_ERROR;
	} else if (out_write(outpath, add_counts, &counts) != 0)
		status = CMD_EXIT_ERROR;
	if (!a.rd.ingest.quiet && status != CMD_EXIT_ERROR) {
		uint64_t inv = 0;
		struct ev_map_ent *e;
		size_t pos = 0;

		while ((e = ev_map_next(&counts.inv, &pos)) != NULL)
			inv += e->count;
		cmd_warn("learned %llu invocations of watched binaries "
		    "into %s", (unsigned long long)inv, outpath);
	}
	cmd_read_summary(&a.rd, &run, cmd_now() - t0);
	base_counts_release(&counts);
	corr_free(corr);
	ingest_release(&run);
	base_config_free(cfg);
	return cmd_finish_stdout(status);
}

static void
print_time(uint64_t ft)
{
	char iso[EV_TIME_ISO_LEN + 1];

	ev_time_iso(ft, iso);
	printf("%s", iso);
}

/* Prints a string from the baseline with control characters escaped. */
static void
print_safe(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	for (; s != NULL && *s != '\0'; s++) {
		if (*s < 0x20 || *s == 0x7f)
			printf("\\x%02x", *s);
		else
			putchar(*s);
	}
}

/* Pads a column of width w after s was printed. */
static void
pad(const char *s, int w)
{
	int n = s != NULL ? (int)strlen(s) : 0;

	printf("%*s", w - n > 0 ? w - n : 0, "");
}

/* A line of `baseline show db`: a binary. */
static void
show_binary_row(void *arg, const struct base_db_row *r)
{
	(void)arg;
	print_safe(r->binary);
	pad(r->binary, 32);
	printf(" %11lld %6lld %7lld  ", (long long)r->count,
	    (long long)r->hosts, (long long)r->values);
	print_time(r->first);
	printf("  ");
	print_time(r->last);
	putchar('\n');
}

/* A line of `baseline show db binary`: the binary, then its values. */
static void
show_value_row(void *arg, const struct base_db_row *r)
{
	(void)arg;
	if (r->feature == NULL) {
		printf("%s: %lld invocations on %lld hosts, ", r->binary,
		    (long long)r->count, (long long)r->hosts);
		print_time(r->first);
		printf(" to ");
		print_time(r->last);
		printf("\n%-8s %9s %6s  %s\n", "feature", "count", "hosts",
		    "value");
		return;
	}
	print_safe(r->feature);
	pad(r->feature, 8);
	printf(" %9lld %6lld  ", (long long)r->count, (long long)r->hosts);
	print_safe(r->value);
	putchar('\n');
}

static int
show(int argc, char **argv)
{
	struct ev_err err = EV_ERR_INIT;
	struct sqlite3 *db;
	int rc;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0))
		return cmd_opt_help(show_usage, show_options);
	if (argc < 2 || argc > 3 || argv[1][0] == '-') {
		cmd_print_usage(stderr, show_usage);
		return CMD_EXIT_ERROR;
	}
	if (base_db_open(argv[1], false, true, &db, &err) != 0) {
		cmd_warn("%s", err.msg);
		return CMD_EXIT_ERROR;
	}
	if (argc == 3)
		rc = base_db_binary(db, argv[2], show_value_row, NULL, &err);
	else {
		printf("%-32s %11s %6s %7s  %-28s  %s\n", "binary",
		    "invocations", "hosts", "values", "first", "last");
		rc = base_db_binaries(db, show_binary_row, NULL, &err);
	}
	if (rc == 1)
		cmd_warn("'%s' is not in the baseline", argv[2]);
	else if (rc != 0)
		cmd_warn("%s: %s", argv[1], err.msg);
	base_db_close(db, argv[1], NULL);
	return cmd_finish_stdout(rc == 0 ? CMD_EXIT_OK : CMD_EXIT_ERROR);
}

/* merge's part of the output baseline: every input baseline. */
struct inputs {
	char	**v;
	size_t	  n;
};

static int
merge_inputs(struct sqlite3 *db, const char *path, void *arg,
    struct ev_err *err)
{
	const struct inputs *in = arg;
	int rc = 0;

	(void)path;
	for (size_t i = 0; i < in->n && rc == 0; i++)
		rc = base_db_merge(db, in->v[i], err);
	return rc;
}

static int
merge(int argc, char **argv)
{
	struct base_args a = { .outpath = NULL };
	struct cmd_getopt g;
	const char *outpath;
	struct inputs in;

	cmd_opt_init(&g, "baseline merge", merge_usage, merge_options, &a);
	if (cmd_opt_next(&g, argc, argv) == CMD_OPT_STOP)
		return g.status;
	outpath = a.outpath;
	argc -= optind;
	argv += optind;
	if (outpath == NULL || argc == 0) {
		cmd_print_usage(stderr, merge_usage);
		return CMD_EXIT_ERROR;
	}
	if (cmd_out_claim(outpath, CMD_OUT_DB) != 0)
		return CMD_EXIT_ERROR;
	for (int i = 0; i < argc; i++)
		if (cmd_out_is_claimed(argv[i]))
			return cmd_usage_error("baseline merge", "'%s' is the "
			    "output; it would be counted twice", argv[i]);
	in.v = argv;
	in.n = (size_t)argc;
	return cmd_finish_stdout(out_write(outpath, merge_inputs, &in) == 0 ?
	    CMD_EXIT_OK : CMD_EXIT_ERROR);
}

static const struct cmd_sub subcommands[] = {
	{ "learn",	learn,	NULL },
	{ "show",	show,	NULL },
	{ "merge",	merge,	NULL },
};

static void
usage(FILE *f)
{
	cmd_print_usage(f, baseline_usage);
}

int
cmd_baseline(int argc, char **argv)
{
	return cmd_dispatch("baseline", subcommands, NELEM(subcommands),
	    usage, argc, argv);
}
