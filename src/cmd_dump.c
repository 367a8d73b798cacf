/*
 * cmd_dump.c -- `evtxhunt dump`: extract the events, no rules, to CSV,
 * JSON Lines and/or a SQLite file (evtxhunt-dump(1)).
 *
 * With --db the database is filled by one thread while another writes
 * the text output: both only read the run.  Every output goes through
 * the one output policy (cmd_out_open(), cmd.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd_opt.h"
#include "cmd_read.h"
#include "ev_buf.h"
#include "ev_par.h"
#include "report/event_rows.h"
#include "store.h"

static const char *const dump_usage[] = {
	"usage: evtxhunt dump [-q] [--db file] [--force] [-f csv|jsonl] "
	    "[--from time]",
	"                     [--hash] [-j jobs] [--memory size] "
	    "[--no-recovered] [-o file]",
	"                     [--parser native|libevtx] "
	    "[--progress auto|always|never]",
	"                     [--strict] [--tmpdir dir] [--to time] "
	    "[--tz zone] path ...",
	NULL
};

/* -f's names, in the order of its argument below */
enum dump_format { FMT_CSV, FMT_JSONL, FMT_NONE };

struct dump_args {
	struct cmd_read	 rd;
	int		 fmt;		/* enum dump_format */
	const char	*db, *outpath;
	const char	*tz;		/* --tz, NULL: TZ or UTC */
	bool		 force;
};

#define A	struct dump_args
static const struct cmd_opt dump_options[] = {
	{ "db", 0, "file", "write the events to a new SQLite database",
	    CMD_OPT_STR_(A, db) },
	{ "format", 'f', "csv|jsonl", "the output format (default: jsonl)",
	    CMD_OPT_CHOICE_(A, fmt) },
	{ "force", 0, NULL, "replace an existing --db file",
	    CMD_OPT_TRUE_(A, force) },
	CMD_OPT_HELP_ROW,
	{ "output", 'o', "file", "write to file (default: stdout)",
	    CMD_OPT_STR_(A, outpath) },
	CMD_READ_OPTS,
	CMD_READ_BUDGET_OPTS,
	{ "tz", 0, "zone", "CSV times in zone, with offsets (default: TZ, "
	    "else UTC)", CMD_OPT_STR_(A, tz) },
	CMD_OPT_END_ROW
};
#undef A

/* A round of events to format (fmt_one()). */
struct fmt_job {
	enum dump_format	 fmt;
	const struct ingest_run	*run;
	struct ev_event *const	*ev;		/* the round's events */
};

/* ev_par_slices() body: event i of the round into b */
static void
fmt_one(void *arg, size_t i, struct ev_buf *b)
{
	const struct fmt_job *j = arg;

	if (j->fmt == FMT_CSV)
		report_event_csv(b, j->run, j->ev[i]);
	else {
		report_event_json(b, j->run, j->ev[i]);
		ev_buf_addc(b, '\n');
	}
}

#define FMT_BLOCK	8192	/* events formatted per round */

/*
 * Writes every event in order; 0, -1 when the output failed (errno), or
 * -2 with *err set when the events could not be read back (a spilled
 * run).  Formatting costs more than decoding, so with several
 * jobs each round of FMT_BLOCK events is formatted by jobs threads over
 * slices, and the slices are written in order (ev_par_slices()).
 */
static int
write_events(FILE *out, enum dump_format fmt, const struct ingest_run *run,
    unsigned jobs, struct ev_err *err)
{
	struct ev_par_out bufs[EV_PAR_SLICES];
	struct fmt_job job = { fmt, run, NULL };
	struct ingest_cursor cur;
	ptrdiff_t n;
	int rc = 0;

	if (jobs > EV_PAR_SLICES)
		jobs = EV_PAR_SLICES;
	if (jobs < 1)
		jobs = 1;
	for (unsigned k = 0; k < jobs; k++)
		ev_buf_init(&bufs[k].b);
	if (fmt == FMT_CSV) {
		struct ev_buf *h = &bufs[0].b;

		report_event_csv_header(h);
		if (fwrite(h->buf, 1, h->len, out) != h->len)
			rc = -1;
	}
	ingest_cursor_init(&cur, run);
	while (rc == 0 && (n = ingest_cursor_next(&cur, FMT_BLOCK, &job.ev,
	    err)) != 0) {
		if (n < 0) {
			rc = -2;
			break;
		}
		ev_par_slices((size_t)n, jobs, fmt_one, &job, bufs);
		for (unsigned k = 0; k < jobs; k++) {
			if (ev_buf_failed(&bufs[k].b)) {
				errno = ENOMEM;
				rc = -1;
			} else if (rc == 0 && fwrite(bufs[k].b.buf, 1,
			    bufs[k].b.len, out) != bufs[k].b.len)
				rc = -1;
		}
	}
	for (unsigned k = 0; k < jobs; k++)
		ev_buf_release(&bufs[k].b);
	ingest_cursor_release(&cur);
	return rc;
}

/* What dump writes: the database and/or the text, both from the run. */
struct dump_job {
	const struct ingest_run	*run;
	struct store		*store;		/* NULL: no database */
	struct ev_err		 err;
	int			 rc;		/* store_add_run() */
	enum dump_format	 fmt;		/* FMT_NONE: no text */
	FILE			*out;
	unsigned		 jobs;		/* formatting threads */
	int			 wrc, werrno;	/* write_events() */
	struct ev_err		 werr;
};

/*
 * ev_par_for() body: with a database, part 0 fills it and part 1 writes
 * the text; without, part 0 writes the text.
 */
static void
dump_part(void *arg, unsigned i)
{
	struct dump_job *j = arg;

	if (i == 0 && j->store != NULL)
		j->rc = store_add_run(j->store, j->run, &j->err);
	else if (j->fmt != FMT_NONE) {
		j->wrc = write_events(j->out, j->fmt, j->run, j->jobs,
		    &j->werr);
		j->werrno = errno;
	}
}

int
cmd_dump(int argc, char **argv)
{
	struct dump_args a = { .fmt = FMT_NONE };
	struct cmd_getopt g;
	struct ingest_run run;
	struct ev_err err = EV_ERR_INIT;
	struct dump_job job = { 0 };
	struct cmd_out out = { 0 }, dbout = { 0 };
	const char *db, *outpath;
	enum dump_format fmt;
	double t0 = cmd_now();
	int id, status;

	cmd_read_init(&a.rd);
	a.rd.budget = true;
	cmd_opt_init(&g, "dump", dump_usage, dump_options, &a);
	while ((id = cmd_opt_next(&g, argc, argv)) > 0)
		if (cmd_read_option(&a.rd, "dump", id, optarg) != 1)
			return CMD_EXIT_ERROR;
	if (id == CMD_OPT_STOP)
		return g.status;
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		cmd_print_usage(stderr, dump_usage);
		return CMD_EXIT_ERROR;
	}
	if (cmd_read_check(&a.rd, "dump") != 0 ||
	    cmd_time_zone("dump", a.tz) != 0)
		return CMD_EXIT_ERROR;
	db = a.db;
	outpath = a.outpath;
	fmt = (enum dump_format)a.fmt;
	/* JSON Lines on stdout unless only a database was asked for */
	if (fmt == FMT_NONE && (db == NULL || outpath != NULL))
		fmt = FMT_JSONL;

	if (cmd_out_claim(db, CMD_OUT_DB | (a.force ? 0 : CMD_OUT_NEW)) != 0 ||
	    (fmt != FMT_NONE && cmd_out_claim(outpath, 0) != 0))
		return CMD_EXIT_ERROR;
	if (db != NULL && cmd_out_open(&dbout, db, CMD_OUT_DB) != 0)
		return CMD_EXIT_ERROR;
	if (db != NULL && store_open(dbout.tmp, &job.store, &err) != 0) {
		cmd_warn("%s: %s", db, err.msg);
		cmd_out_abort(&dbout);
		return CMD_EXIT_ERROR;
	}
	if (fmt != FMT_NONE && cmd_out_open(&out, outpath, 0) != 0) {
		store_close(job.store, NULL);
		cmd_out_abort(&dbout);
		return CMD_EXIT_ERROR;
	}
	if (cmd_read_run(&a.rd, argv, (size_t)argc, &run) != 0) {
		store_close(job.store, NULL);
		cmd_out_abort(&dbout);
		cmd_out_abort(&out);
		return CMD_EXIT_ERROR;
	}
	status = cmd_read_status(&a.rd, &run);
	job.run = &run;
	job.fmt = fmt;
	job.out = out.fp;
	/* the database and the text at once, each formatting alone */
	job.jobs = job.store != NULL ? 1 : a.rd.ingest.jobs;
	ev_par_for(job.store != NULL ? 2 : 1, 2, dump_part, &job);
	if (fmt != FMT_NONE) {
		if (job.wrc == -1 || job.wrc == -2) {
			if (job.wrc == -2)
				cmd_warn("%s", job.werr.msg);
			else
				cmd_warn("error writing '%s': %s", outpath ?
				    outpath : "standard output",
				    strerror(job.werrno));
			cmd_out_abort(&out);
			status = CMD_EXIT_ERROR;
		} else if (cmd_out_commit(&out) != 0)
			status = CMD_EXIT_ERROR;
	}
	if (job.store != NULL) {
		if (job.rc != 0) {
			cmd_warn("%s: %s", db, job.err.msg);
			status = CMD_EXIT_ERROR;
		}
		if (store_close(job.store, &err) != 0) {
			cmd_warn("%s: %s", db, err.msg);
			status = CMD_EXIT_ERROR;
		}
		if (status == CMD_EXIT_ERROR && job.rc != 0)
			cmd_out_abort(&dbout);
		else if (cmd_out_commit(&dbout) != 0)
			status = CMD_EXIT_ERROR;
	}
	cmd_read_summary(&a.rd, &run, cmd_now() - t0);
	ingest_release(&run);
	return cmd_finish_stdout(status);
}
