/*
 * bench_decode.c -- times the EVTX decoder alone: open, read every unit,
 * ev_normalise() every wanted event into an arena that is reset after
 * each one; nothing is written.  Prints one line per file and run:
 *
 *   parser file MB MB/s records/s events/s records events recovered
 *   seconds peak_rss_MiB
 *
 * usage: bench-decode [--parser native|libevtx] [-N] [-r] [-n RUNS] file ...
 * -r delivers (and normalises) recovered records too; -N skips
 * ev_normalise() (the reader alone).  The best of RUNS
 * runs (default 3) is printed.  Exit 0, or 2 when a file cannot be read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "ev_arena.h"
#include "ev_err.h"
#include "event.h"
#include "evtx/reader.h"

struct bench {
	struct ev_arena	 arena;
	bool		 no_normalise;
	uint64_t	 events;
	int		 failed;
};

static int
on_record(const struct ev_record *rec, void *ctx)
{
	struct bench *b = ctx;
	struct ev_event ev;

	if (b->no_normalise) {
		b->events++;
		return 0;
	}
	if (ev_normalise(rec, &b->arena, &ev) != 0) {
		b->failed = 1;
		return EV_ENOMEM;
	}
	b->events++;
	ev_arena_reset(&b->arena);
	return 0;
}

static void
on_warn(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
on_late(uint32_t file, const struct ev_record *rec, uint32_t nuls, void *ctx)
{
	(void)file;
	(void)nuls;
	return on_record(rec, ctx);
}

/*
 * One timed run over path; 0 or an EV_* code.  With recovered records,
 * as the commands read: with a template registry (reader.h), whose kept
 * records are named after the read.
 */
static int
run(const char *path, const struct evtx_open_opts *opts, struct bench *b,
    struct evtx_stats *st, double *secs)
{
	struct ev_err err = EV_ERR_INIT;
	struct evtx_file *f;
	struct evtx_sink sink = { on_record, on_warn, b };
	struct evtx_open_opts o = *opts;
	double t0 = now();
	int rc;

	evtx_stats_init(st);
	b->events = 0;
	if (o.recovered && o.parser == EVTX_PARSER_NATIVE &&
	    (o.tpls = evtx_tpls_new()) == NULL)
		return EV_ENOMEM;
	rc = evtx_file_open(path, &o, &f, st, &err);
	if (rc != 0) {
		fprintf(stderr, "bench-decode: %s: %s\n", path, err.msg);
		evtx_tpls_free(o.tpls);
		return rc;
	}
	rc = evtx_file_read(f, 0, evtx_file_units(f), &sink, st, &err);
	evtx_file_close(f);
	if (rc == 0 && o.tpls != NULL)
		rc = evtx_tpls_finish(o.tpls, on_late, b, &err);
	evtx_tpls_free(o.tpls);
	st->events = b->events;		/* with the records named last */
	*secs = now() - t0;
	if (rc != 0)
		fprintf(stderr, "bench-decode: %s: %s\n", path, err.msg);
	return rc;
}

int
main(int argc, char **argv)
{
	struct evtx_open_opts opts = { EVTX_PARSER_NATIVE, false, NULL, 0 };
	struct bench b = { .no_normalise = false };
	unsigned long runs = 3;
	int i, status = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--parser") == 0 && i + 1 < argc) {
			int p = evtx_parser_from_name(argv[++i]);

			if (p < 0)
				goto usage;
			opts.parser = (enum evtx_parser)p;
		} else if (strcmp(argv[i], "-N") == 0) {
			b.no_normalise = true;
		} else if (strcmp(argv[i], "-r") == 0) {
			opts.recovered = true;
		} else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
			char *end;

			runs = strtoul(argv[++i], &end, 10);
			if (*end != '\0' || runs < 1 || runs > 1000)
				goto usage;
		} else if (argv[i][0] == '-') {
			goto usage;
		} else {
			break;
		}
	}
	if (i == argc)
		goto usage;
	ev_arena_init(&b.arena);
	for (; i < argc; i++) {
		struct evtx_stats st, best_st;
		struct stat sb;
		struct rusage ru;
		double best = 0, secs, mb;
		int rc = 0;

		if (stat(argv[i], &sb) == -1) {
			perror(argv[i]);
			status = 2;
			continue;
		}
		evtx_stats_init(&best_st);
		for (unsigned long r = 0; r < runs; r++) {
			rc = run(argv[i], &opts, &b, &st, &secs);
			if (rc != 0) {
				evtx_stats_release(&st);
				break;
			}
			if (r == 0 || secs < best) {
				best = secs;
				evtx_stats_release(&best_st);
				best_st = st;
			} else {
				evtx_stats_release(&st);
			}
		}
		if (rc != 0) {
			status = 2;
			continue;
		}
		getrusage(RUSAGE_SELF, &ru);
		mb = (double)sb.st_size / 1e6;
		if (best <= 0)
			best = 1e-9;
		printf("%s\t%s\t%.1f MB\t%.1f MB/s\t%.0f records/s\t"
		    "%.0f events/s\t%llu records\t%llu events\t%llu recovered\t"
		    "%.3f s\t%.1f MiB peak RSS\n",
		    evtx_parser_name(opts.parser), argv[i], mb, mb / best,
		    (double)(best_st.records + best_st.recovered) / best,
		    (double)best_st.events / best,
		    (unsigned long long)best_st.records,
		    (unsigned long long)best_st.events,
		    (unsigned long long)best_st.recovered, best,
		    (double)ru.ru_maxrss / 1024.0);
		evtx_stats_release(&best_st);
	}
	ev_arena_release(&b.arena);
	return status;
usage:
	fputs("usage: bench-decode [--parser native|libevtx] [-N] [-r] "
	    "[-n RUNS] file ...\n", stderr);
	return 2;
}
