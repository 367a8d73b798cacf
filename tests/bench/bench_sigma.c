/*
 * bench_sigma.c -- bench-sigma: Sigma matching speed against decoding.
 *
 * usage: bench-sigma [-P] [-n reps] [-p native|libevtx] -r RULES [-r RULES ...]
 *     FILE ...
 *
 * Loads and compiles the rules, times decoding every FILE as bench-decode
 * does (one thread, each event normalised into an arena reset after it,
 * best of reps), then what matching adds to decoding when done as scan
 * does it: decoding while keeping the events (Sysmon 3/7 attached to
 * their Sysmon 1 by ProcessGuid) is timed with and without matching
 * process events as they are decoded (in batches of INGEST_HOOK_BATCH,
 * as scan's hook runs) and Sysmon 3/7 once attached (best
 * of reps each, the memo empty at the start).  The events of a last
 * decoding are then matched against every rule in separate passes, three
 * times: as the engine does (shared literal prefilter and the memo of
 * per-value work), without the memo (every value scanned and tested as
 * if never seen), and with every rule of the event's kind evaluated.
 * Prints events/s for each, the memo's hit rate and the ratio of
 * matching time to decoding time; exits 1 when the passes disagree on
 * any hit (neither prefilter nor memo may change a match).  The first
 * two passes run reps times (default 3) and the fastest counts; the
 * memo starts empty in each.  -P runs the first pass only (for
 * profiling; with valgrind --tool=callgrind --toggle-collect=match_all
 * and -n 1, instructions of matching alone).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ev_arena.h"
#include "ev_err.h"
#include "ev_util.h"
#include "event.h"
#include "evtx/reader.h"
#include "ingest.h"
#include "sigma/sigma.h"

struct events {
	struct ev_arena	 arena;
	struct ev_event	**v;
	size_t		 n, cap;
	uint64_t	 records;
	bool		 keep;		/* else only normalised and counted */
	/* matching process events as they are decoded (as scan does) */
	const struct sigma_set	*set;	/* NULL: not */
	struct sigma_scratch	*sc;
	uint64_t		 sum, nhits;
	size_t			 hooked;	/* v[0 .. hooked) matched */
};

/* Matches event i, adding its hits to a checksum and a count. */
static void
match_one(const struct sigma_set *set, struct sigma_scratch *sc,
    const struct events *e, size_t i, uint64_t *sum, uint64_t *nhits)
{
	const uint32_t *h;
	int n = sigma_match(set, sc, e->v[i], &h);

	for (int k = 0; k < n; k++)
		*sum += (uint64_t)(i + 1) * 2654435761u ^ h[k];
	*nhits += (uint64_t)(n > 0 ? n : 0);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The events decoded since the last batch, as scan's hook: every kind
   but Sysmon 3/7, which wait for their process. */
static void
match_batch(struct events *e)
{
	for (; e->hooked < e->n; e->hooked++)
		if (e->v[e->hooked]->kind != EV_KIND_NETWORK &&
		    e->v[e->hooked]->kind != EV_KIND_IMAGE_LOAD)
			match_one(e->set, e->sc, e, e->hooked, &e->sum,
			    &e->nhits);
}

static int
on_record(const struct ev_record *rec, void *ctx)
{
	struct events *e = ctx;
	struct ev_event *ev, tmp;

	if (!e->keep) {
		if (ev_normalise(rec, &e->arena, &tmp) != 0)
			return EV_ENOMEM;
		ev_arena_reset(&e->arena);
		e->n++;
		return 0;
	}
	if (e->n == e->cap) {
		size_t ncap = e->cap ? e->cap * 2 : 1024;
		struct ev_event **nv = realloc(e->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return EV_ENOMEM;
		e->v = nv;
		e->cap = ncap;
	}
	ev = ev_arena_calloc(&e->arena, sizeof(*ev));
	if (ev == NULL || ev_normalise(rec, &e->arena, ev) != 0)
		return EV_ENOMEM;
	e->v[e->n++] = ev;
	if (e->set != NULL && e->n - e->hooked >= INGEST_HOOK_BATCH)
		match_batch(e);
	return 0;
}

static void
on_warn(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

static int
cmp_guid(const void *a, const void *b)
{
	const struct ev_event *x = *(struct ev_event *const *)a;
	const struct ev_event *y = *(struct ev_event *const *)b;

	return strcasecmp(ev_col(x, EV_COL_PROCESS_GUID),
	    ev_col(y, EV_COL_PROCESS_GUID));
}

static void
attach(struct events *e)
{
	struct ev_event **p = malloc((e->n + 1) * sizeof(*p));
	size_t np = 0;

	if (p == NULL)
		return;
	for (size_t i = 0; i < e->n; i++)
		if (e->v[i]->kind == EV_KIND_PROCESS &&
		    e->v[i]->event_id == 1 &&
		    ev_col(e->v[i], EV_COL_PROCESS_GUID) != NULL)
			p[np++] = e->v[i];
	qsort(p, np, sizeof(*p), cmp_guid);
	for (size_t i = 0; i < e->n; i++) {
		struct ev_event *ev = e->v[i], **f;

		if ((ev->kind != EV_KIND_NETWORK &&
		    ev->kind != EV_KIND_IMAGE_LOAD) ||
		    ev_col(ev, EV_COL_PROCESS_GUID) == NULL)
			continue;
		f = bsearch(&ev, p, np, sizeof(*p), cmp_guid);
		if (f != NULL)
			ev->process = *f;
	}
	free(p);
}

/*
 * Decodes files, keeping the events or not; with e->set, matches them
 * as scan does: process events as they are decoded (in batches), Sysmon
 * 3/7 once their process is attached.  Seconds, or -1.
 */
static double
decode(char **files, int nfiles, struct events *e, bool keep,
    const struct evtx_open_opts *oo)
{
	struct evtx_sink sink = { on_record, on_warn, e };
	struct ev_err err = EV_ERR_INIT;
	double t0 = now();

	ev_arena_reset(&e->arena);
	e->keep = keep;
	e->n = 0;
	e->hooked = 0;
	e->records = 0;
	e->sum = e->nhits = 0;
	for (int i = 0; i < nfiles; i++) {
		struct evtx_file *f;
		struct evtx_stats st;
		int rc;

		evtx_stats_init(&st);
		if (evtx_file_open(files[i], oo, &f, &st, &err) != 0) {
			fprintf(stderr, "bench-sigma: %s\n", err.msg);
			return -1;
		}
		rc = evtx_file_read(f, 0, evtx_file_units(f), &sink, &st, &err);
		if (e->set != NULL)
			match_batch(e);
		e->records += st.records + st.recovered;
		evtx_file_close(f);
		evtx_stats_release(&st);
		if (rc != 0) {
			fprintf(stderr, "bench-sigma: %s\n", err.msg);
			return -1;
		}
	}
	if (keep)
		attach(e);
	if (e->set != NULL)
		for (size_t i = 0; i < e->n; i++)
			if (e->v[i]->kind == EV_KIND_NETWORK ||
			    e->v[i]->kind == EV_KIND_IMAGE_LOAD)
				match_one(e->set, e->sc, e, i, &e->sum,
				    &e->nhits);
	return now() - t0;
}

/* Matches every event; returns seconds, a checksum of hits, the count. */
static double
match_all(const struct sigma_set *set, struct sigma_scratch *sc,
    const struct events *e, uint64_t *sum, uint64_t *nhits)
{
	double t0 = now();

	*sum = 0;
	*nhits = 0;
	for (size_t i = 0; i < e->n; i++)
		match_one(set, sc, e, i, sum, nhits);
	return now() - t0;
}

int
main(int argc, char **argv)
{
	struct evtx_open_opts oo = { EVTX_PARSER_NATIVE, true, NULL, 0 };
	struct sigma_set *set = sigma_set_new();
	struct sigma_scratch *sc;
	struct sigma_match_stats ms1;
	struct ev_err err = EV_ERR_INIT;
	struct events e;
	uint64_t sum1, sum2, sum3, sum4 = 0, h1, h2, h3, h4 = 0;
	double t0, tload, tdec, tcomp, tm1 = 1e30, tm2, tm3 = 1e30;
	double tkeep = 1e30, tpipe = 1e30;
	int i, nrules = 0, only_prefilter = 0;
	uint64_t reps = 3;

	memset(&e, 0, sizeof(e));
	ev_arena_init(&e.arena);
	t0 = now();
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
			if (sigma_load_path(set, argv[++i], false, &err) != 0) {
				fprintf(stderr, "bench-sigma: %s\n", err.msg);
				return 2;
			}
			nrules++;
		} else if (strcmp(argv[i], "-P") == 0) {
			only_prefilter = 1;
		} else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
			if (ev_parse_uint(argv[++i], 1, 1000, &reps) == -1)
				return 2;
		} else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) {
			int p = evtx_parser_from_name(argv[++i]);

			if (p < 0)
				return 2;
			oo.parser = (enum evtx_parser)p;
		} else
			break;
	}
	if (nrules == 0 || i >= argc) {
		fprintf(stderr, "usage: bench-sigma [-P] [-n reps] "
		    "[-p native|libevtx] -r RULES ... FILE ...\n");
		return 2;
	}
	tload = now() - t0;
	t0 = now();
	if (sigma_compile(set, &err) != 0 ||
	    (sc = sigma_scratch_new(set)) == NULL) {
		fprintf(stderr, "bench-sigma: %s\n", err.msg);
		return 2;
	}
	tcomp = now() - t0;
	/* decode what the rules read, as scan does */
	if (sigma_want_install(set) != 0) {
		fprintf(stderr, "bench-sigma: out of memory\n");
		return 2;
	}
	printf("rules: %zu loaded, %zu skipped, %zu rejected "
	    "(load %.3f s, compile %.3f s)\n",
	    sigma_count_status(set, SIGMA_LOADED),
	    sigma_count_status(set, SIGMA_SKIPPED),
	    sigma_count_status(set, SIGMA_REJECTED), tload, tcomp);

	tdec = 1e30;
	for (uint64_t rep = 0; rep < reps; rep++) {
		double t = decode(argv + i, argc - i, &e, false, &oo);

		if (t < 0)
			return 2;
		if (t < tdec)
			tdec = t;
	}
	if (!only_prefilter) {
		/* matching as scan does it, and the decoding it adds to */
		for (uint64_t rep = 0; rep < reps; rep++) {
			double t = decode(argv + i, argc - i, &e, true, &oo);

			if (t < 0)
				return 2;
			if (t < tkeep)
				tkeep = t;
			sigma_scratch_memo(sc, false);
			sigma_scratch_memo(sc, true);
			e.set = set;
			e.sc = sc;
			t = decode(argv + i, argc - i, &e, true, &oo);
			e.set = NULL;
			if (t < 0)
				return 2;
			if (t < tpipe)
				tpipe = t;
		}
		sum4 = e.sum;
		h4 = e.nhits;
	}
	if (decode(argv + i, argc - i, &e, true, &oo) < 0)
		return 2;
	printf("decode: %llu records, %zu events in %.4f s "
	    "(%.0f records/s, %.0f events/s)\n",
	    (unsigned long long)e.records, e.n, tdec,
	    (double)e.records / tdec, (double)e.n / tdec);

	for (uint64_t rep = 0; rep < reps; rep++) {
		double t;

		sigma_scratch_memo(sc, false);	/* starts empty */
		sigma_scratch_memo(sc, true);
		t = match_all(set, sc, &e, &sum1, &h1);
		if (t < tm1) {
			tm1 = t;
			sigma_scratch_stats(sc, &ms1);
		}
		sigma_scratch_reset_stats(sc);
	}
	printf("match (as the engine): %zu events in %.4f s (%.0f events/s), "
	    "%llu hits, %.1f rules evaluated per event, %llu regex limits, "
	    "memo: %.1f%% of %.1f field values per event known, "
	    "%.1f%% of events' scanned values all seen together before\n",
	    e.n, tm1, (double)e.n / tm1, (unsigned long long)h1,
	    ms1.events ? (double)ms1.evaluated / (double)ms1.events : 0.0,
	    (unsigned long long)ms1.regex_limit, ms1.memo_lookups ?
	    100.0 * (double)ms1.memo_hits / (double)ms1.memo_lookups : 0.0,
	    ms1.events ? (double)ms1.memo_lookups / (double)ms1.events : 0.0,
	    ms1.evmemo_lookups ? 100.0 * (double)ms1.evmemo_hits /
	    (double)ms1.evmemo_lookups : 0.0);
	if (only_prefilter) {
		printf("matching / decoding time: %.2f\n", tm1 / tdec);
		sigma_scratch_free(sc);
		sigma_set_free(set);
		free(e.v);
		ev_arena_release(&e.arena);
		return 0;
	}
	sigma_scratch_memo(sc, false);
	for (uint64_t rep = 0; rep < reps; rep++) {
		double t = match_all(set, sc, &e, &sum3, &h3);

		if (t < tm3)
			tm3 = t;
	}
	printf("match (no memo): %zu events in %.4f s (%.0f events/s), "
	    "%llu hits\n", e.n, tm3, (double)e.n / tm3,
	    (unsigned long long)h3);
	sigma_scratch_prefilter(sc, false);
	tm2 = match_all(set, sc, &e, &sum2, &h2);
	printf("match (every rule): %zu events in %.4f s (%.0f events/s), "
	    "%llu hits\n", e.n, tm2, (double)e.n / tm2,
	    (unsigned long long)h2);
	printf("as scan does (process events matched as decoded, Sysmon 3/7 "
	    "once attached): %.4f s, decoding alone keeping the events "
	    "%.4f s: matching adds %.4f s\n", tpipe, tkeep, tpipe - tkeep);
	printf("matching / decoding time: %.2f as scan does; %.2f on a "
	    "separate pass over decoded events (no memo: %.2f)\n",
	    (tpipe - tkeep) / tdec, tm1 / tdec, tm3 / tdec);
	sigma_scratch_free(sc);
	sigma_set_free(set);
	free(e.v);
	ev_arena_release(&e.arena);
	if (sum1 != sum3 || h1 != h3 || sum1 != sum2 || h1 != h2 ||
	    sum1 != sum4 || h1 != h4) {
		printf("FAIL: prefilter or memo changed the hits (%llu %llu "
		    "%llu %llu)\n", (unsigned long long)h1,
		    (unsigned long long)h2, (unsigned long long)h3,
		    (unsigned long long)h4);
		return 1;
	}
	return 0;
}
