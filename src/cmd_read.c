/*
 * cmd_read.c -- shared reading options, summary and exit status of the
 * evidence-reading commands (see cmd_read.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "cmd_read.h"
#include "ev_buf.h"
#include "ev_time.h"
#include "ev_util.h"

/* The progress line on stderr (ingest_opts.progress_show), in place. */
static void
show_progress(const char *line)
{
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
}

void
cmd_read_init(struct cmd_read *r)
{
	memset(r, 0, sizeof(*r));
	r->ingest.parser = EVTX_PARSER_NATIVE;
	r->ingest.recovered = true;
	r->ingest.jobs = ingest_default_jobs();
	r->ingest.progress = INGEST_PROGRESS_AUTO;
	r->ingest.progress_show = show_progress;
}

int
cmd_read_option(struct cmd_read *r, const char *cmd, int opt,
    const char *arg)
{
	uint64_t v;
	int p;

	switch (opt) {
	case 'j':
		if (ev_parse_uint(arg, 1, 256, &v) == -1)
			return cmd_usage_error(cmd, "-j: '%s' is not a number "
			    "in 1..256", arg);
		r->ingest.jobs = (unsigned)v;
		return 1;
	case 'q':
		r->ingest.quiet = true;
		return 1;
	case CMD_OPT_NO_RECOVERED:
		r->ingest.recovered = false;
		return 1;
	case CMD_OPT_STRICT:
		r->strict = true;
		return 1;
	case CMD_OPT_HASH:
		r->ingest.hash = true;
		return 1;
	case CMD_OPT_PARSER:
		if ((p = evtx_parser_from_name(arg)) == -1)
			return cmd_usage_error(cmd, "--parser: '%s' is not "
			    "native or libevtx", arg);
		r->ingest.parser = (enum evtx_parser)p;
		return 1;
	case CMD_OPT_FROM:
	case CMD_OPT_TO:
		if ((opt == CMD_OPT_FROM ? ev_time_parse(arg, &v) :
		    ev_time_parse_end(arg, &v)) == -1)
			return cmd_usage_error(cmd, "%s: '%s' is not an ISO "
			    "8601 time", opt == CMD_OPT_FROM ? "--from" :
			    "--to", arg);
		if (opt == CMD_OPT_FROM)
			r->ingest.from = v;
		else
			r->ingest.to = v;
		return 1;
	case CMD_OPT_PROGRESS:
		if (strcmp(arg, "auto") == 0)
			r->ingest.progress = INGEST_PROGRESS_AUTO;
		else if (strcmp(arg, "always") == 0)
			r->ingest.progress = INGEST_PROGRESS_ALWAYS;
		else if (strcmp(arg, "never") == 0)
			r->ingest.progress = INGEST_PROGRESS_NEVER;
		else
			return cmd_usage_error(cmd, "--progress: '%s' is not "
			    "auto, always or never", arg);
		return 1;
	}
	return 0;
}

int
cmd_read_check(const struct cmd_read *r, const char *cmd)
{
	char a[EV_TIME_ISO_LEN + 1], z[EV_TIME_ISO_LEN + 1];

	if (r->ingest.from != 0 && r->ingest.to != 0 &&
	    r->ingest.from > r->ingest.to) {
		ev_time_iso(r->ingest.from, a);
		ev_time_iso(r->ingest.to, z);
		return cmd_usage_error(cmd, "--from %s is after --to %s: the "
		    "window is empty", a, z);
	}
	return 0;
}

int
cmd_read_run(struct cmd_read *r, char *const *paths, size_t npaths,
    struct ingest_run *run)
{
	struct ev_err err = EV_ERR_INIT;

	/* the output never replaces an input: refused before any reading */
	for (size_t i = 0; i < npaths; i++)
		if (cmd_out_is_claimed(paths[i])) {
			cmd_warn("'%s' is an input and the output; nothing was "
			    "read", paths[i]);
			return CMD_EXIT_ERROR;
		}
	r->ingest.skip = cmd_out_claims(&r->ingest.nskip);
	if (ingest_run(paths, npaths, &r->ingest, run, &err) != 0) {
		cmd_warn("%s", err.msg);
		return CMD_EXIT_ERROR;
	}
	for (size_t i = 0; i < run->nmessages && !r->ingest.quiet; i++)
		cmd_warn("%s", run->messages[i]);
	return 0;
}

void
cmd_read_summary(const struct cmd_read *r, const struct ingest_run *run,
    double secs)
{
	size_t n[INGEST_NSTATUS] = { 0 };
	struct ev_buf dmg = EV_BUF_INIT;

	if (r->ingest.quiet)
		return;
	for (size_t i = 0; i < run->nfiles; i++)
		n[run->files[i].status]++;
	ingest_damage_text(run, &dmg);
	cmd_warn("%zu files (%zu ok, %zu dirty, %zu damaged, %zu empty, "
	    "%zu unreadable%s), %llu records (%llu recovered, %llu "
	    "undecodable), %zu events, %llu duplicates, %.2f s",
	    run->nfiles, n[INGEST_OK], n[INGEST_DIRTY], n[INGEST_DAMAGED],
	    n[INGEST_EMPTY],
	    n[INGEST_UNREADABLE], dmg.buf, (unsigned long long)run->records,
	    (unsigned long long)run->recovered,
	    (unsigned long long)run->bad_records, run->nevents,
	    (unsigned long long)run->duplicates, secs);
	ev_buf_release(&dmg);
}

int
cmd_read_status(const struct cmd_read *r, const struct ingest_run *run)
{
	if (run->input_error || (r->strict && (run->damage ||
	    run->skipped > 0)))
		return CMD_EXIT_ERROR;
	return CMD_EXIT_OK;
}

double
cmd_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
