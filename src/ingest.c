/*
 * ingest.c -- the reading stage: walk inputs, read them in worker threads,
 * merge the per-worker shards in output order (see ingest.h).
 *
 * Design (measured, see the notes in evtxhunt-db(5) and the bench):
 * decoding scales with threads but a single SQLite connection does not
 * (an insert costs ~2.5 us a row, more than decoding the record), so the
 * workers never touch SQLite.  Each worker owns a shard: an arena holding
 * its normalised events and strings, and a pointer vector.  When every
 * task is done each worker sorts its own shard (in parallel), and the
 * main thread k-way merges the sorted shards into one array in output
 * order, dropping duplicates.  The store (store.c) and the writers work
 * from that array; SQLite is filled only when a database is wanted, by a
 * thread of its own while the report is written.
 *
 * Work is split into tasks: one per small file, several chunk ranges per
 * big file (native reader), and one hashing task per file with --hash.
 * Warnings are kept per task and handed to the command after the run in
 * file order (it prints them, and draws the progress line), so
 * stderr is the same for any number of jobs.
 */
#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ev_util.h"
#include "ev_arena.h"
#include "ev_buf.h"
#include "ev_par.h"
#include "evtx/format.h"
#include "ingest.h"
#include "sha256.h"

#define TASK_CHUNKS		256	/* 16 MiB of chunks per range task */
#define WARN_KEEP		20	/* warnings printed per file */

const char *
ingest_status_name(enum ingest_status s)
{
	switch (s) {
	case INGEST_OK:		return "ok";
	case INGEST_DAMAGED:	return "damaged";
	case INGEST_EMPTY:	return "empty";
	case INGEST_UNREADABLE:	return "unreadable";
	case INGEST_SKIPPED:	return "skipped";
	case INGEST_DIRTY:	return "dirty";
	}
	return "unreadable";
}

unsigned
ingest_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 256 ? 256 : (unsigned)n;
}

/* ---- tasks and workers ---- */

enum task_kind { TASK_READ, TASK_HASH };

struct task {
	enum task_kind		 kind;
	uint32_t		 file;
	uint32_t		 first, n;	/* unit range (TASK_READ) */
	struct evtx_stats	 stats;
	struct evtx_stats	 header;	/* from open, first task */
	int			 open_rc;	/* evtx_file_open() result */
	char			 open_msg[256];
	char			*warnings;	/* kept lines, "\n"-separated */
	size_t			 nwarn_kept;
	uint64_t		 nwarn;
	char			 sha256[65];
};

struct ingest_shard {
	_Alignas(64) struct ev_arena arena;	/* a line of its own: the
						   threads write their
						   shards at every event */
	struct ev_shared	 strings;	/* System strings, once */
	struct ev_arena		 scratch;	/* a generic event until it is
						   matched (match_generic) */
	struct ev_event		**ev;
	size_t			 n, cap;
	size_t			 hooked;	/* ev[0 .. hooked) went to on_event */
	size_t			 uncounted;	/* events not yet in
						   ctx->events_done */
	void			*worker;	/* hook state */
	int			 rc;
	struct ev_err		 err;
	struct run_ctx		*ctx;
	/* over the memory budget: sorted runs in a temporary file */
	struct ev_spill		 sp;
	uint64_t		*runs;		/* run i ends at runs[i] */
	size_t			 nruns, runcap;
	size_t			 counted;	/* its bytes in ctx->held */
};

struct run_ctx {
	const struct ingest_opts *opts;
	struct ingest_run	*run;
	struct task		*tasks;
	size_t			 ntasks;
	atomic_size_t		 next;
	atomic_bool		 abort;
	/* progress */
	atomic_uint_fast64_t	 bytes_done;
	atomic_uint_fast64_t	 events_done;
	atomic_size_t		 tasks_done;
	atomic_size_t		 files_done;	/* last task of a file done */
	atomic_uint		*pending;	/* tasks left per file */
	uint64_t		 bytes_total;
	/*
	 * Files split into several tasks are opened once, here, and shared
	 * by their tasks (the reader allows disjoint ranges in parallel), so
	 * the reader's per-file state (the index of allocated records that
	 * recovered copies are checked against) is built once.  NULL for
	 * files read by one task, which opens and closes them itself.
	 */
	struct evtx_file	**shared;
	struct evtx_stats	*shared_header;
	/* recovered records named once every file is read (reader.h) */
	struct evtx_tpls	*tpls;
	size_t			 limit;		/* bytes of events the shards
						   keep together; 0: no
						   budget */
	size_t			 share;		/* limit / shards */
	size_t			 step;		/* what a shard grows by
						   before it counts again */
	atomic_size_t		 held;		/* bytes the shards hold, as
						   they last counted */
	atomic_bool		 spilled;	/* some shard went over it */
};

/* per-record context passed through the reader's sink */
struct sink_ctx {
	struct ingest_shard	*shard;
	struct task		*task;
	struct run_ctx		*ctx;
};

static void
on_warn(void *arg, const char *msg)
{
	struct sink_ctx *sc = arg;
	struct task *t = sc->task;
	size_t have, add;
	char *p;

	t->nwarn++;
	if (t->nwarn_kept >= WARN_KEEP)
		return;
	have = t->warnings ? strlen(t->warnings) : 0;
	add = strlen(msg);
	if ((p = realloc(t->warnings, have + add + 2)) == NULL)
		return;
	memcpy(p + have, msg, add);
	p[have + add] = '\n';
	p[have + add + 1] = '\0';
	t->warnings = p;
	t->nwarn_kept++;
}

/* Runs on_event over the events not given to it yet.  0 or an error. */
static int
run_hook(struct ingest_shard *sh, const struct ingest_opts *o)
{
	int rc;

	if (o->on_event == NULL) {
		sh->hooked = sh->n;
		return 0;
	}
	for (; sh->hooked < sh->n; sh->hooked++) {
		if (o->match_generic &&
		    sh->ev[sh->hooked]->kind == EV_KIND_GENERIC)
			continue;	/* add_generic() gave it already */
		if ((rc = o->on_event(sh->ev[sh->hooked], &sh->arena,
		    sh->worker)) != 0)
			return EV_ERR(&sh->err, rc, 0, "event hook failed");
	}
	return 0;
}

/*
 * The event of a generic record (opts->match_generic): normalised into
 * the shard's scratch arena, given to on_event at once, and kept in the
 * shard's arena whole when it matched, else without its EventData.
 * Returns the kept event, or NULL (sh->err says why).
 */
static struct ev_event *
add_generic(struct ingest_shard *sh, const struct ev_record *rec,
    uint32_t file)
{
	const struct ingest_opts *o = sh->ctx->opts;
	struct ev_event tmp, *ev;
	int rc;

	ev_arena_reset(&sh->scratch);
	/* most generic events are only counted: their values are not
	   stored for good (ev_event_keep() copies those kept) */
	sh->strings.values = false;
	rc = ev_normalise_shared(rec, &sh->scratch, &sh->strings, &tmp);
	sh->strings.values = true;
	if (rc != 0) {
		EV_ERR(&sh->err, EV_ENOMEM, 0, "out of memory");
		return NULL;
	}
	tmp.file_id = file;
	if ((rc = o->on_event(&tmp, &sh->scratch, sh->worker)) != 0) {
		EV_ERR(&sh->err, rc, 0, "event hook failed");
		return NULL;
	}
	if ((ev = ev_arena_alloc(&sh->arena, sizeof(*ev))) == NULL ||
	    ev_event_keep(ev, &tmp, tmp.nhits > 0, &sh->arena,
	    NULL) != 0) {
		EV_ERR(&sh->err, EV_ENOMEM, 0, "out of memory");
		return NULL;
	}
	return ev;
}

static int
ev_order(const void *a, const void *b);

/* Bytes of events shard sh holds. */
static size_t
shard_bytes(const struct ingest_shard *sh)
{
	return sh->arena.total - (size_t)(sh->arena.end - sh->arena.ptr) +
	    sh->n * sizeof(*sh->ev) + ev_shared_value_bytes(&sh->strings);
}

/* Least a shard holds to spill: fewer, larger runs to merge. */
#define SPILL_MIN	((size_t)8 << 20)

/*
 * Counts what sh holds into the run's total, once it grew by ctx->step
 * since it last did (so that the threads seldom touch the shared
 * counter), and tells whether sh must spill: the shards hold more than
 * the budget together, and sh at least SPILL_MIN (or its share, when
 * that is less).  A file much larger than the others spills only when
 * all of them do not fit, not when its thread's share would not hold
 * it; and a thread still reading spills whatever its share, so the
 * total stays within the budget and a few SPILL_MIN even when another
 * thread, done, holds most of it.
 */
static bool
over_budget(struct ingest_shard *sh)
{
	struct run_ctx *c = sh->ctx;
	size_t b = shard_bytes(sh), held;

	if (b < sh->counted + c->step)
		return false;
	held = atomic_fetch_add(&c->held, b - sh->counted) + (b - sh->counted);
	sh->counted = b;
	return held > c->limit && b >= (c->share < SPILL_MIN ? c->share :
	    SPILL_MIN);
}

/* After a spill: what sh still holds, counted again. */
static void
recount(struct ingest_shard *sh)
{
	size_t b = shard_bytes(sh);

	if (b < sh->counted)
		atomic_fetch_sub(&sh->ctx->held, sh->counted - b);
	else
		atomic_fetch_add(&sh->ctx->held, b - sh->counted);
	sh->counted = b;
}

/*
 * Writes the events of shard sh, hooked and sorted, as a run to its
 * temporary file and forgets them (the memory budget).  0 or an error.
 */
static int
spill_shard(struct ingest_shard *sh)
{
	const struct ingest_opts *o = sh->ctx->opts;
	int rc;

	if ((rc = run_hook(sh, o)) != 0)
		return rc;
	ev_qsort(sh->ev, sh->n, sizeof(*sh->ev), ev_order);
	if (sh->sp.fd == -1 && (rc = ev_spill_open(&sh->sp, o->tmpdir,
	    &sh->err)) != 0)
		return rc;
	for (size_t i = 0; i < sh->n; i++)
		if ((rc = ev_spill_put(&sh->sp, sh->ev[i], &sh->err)) != 0)
			return rc;
	if ((rc = ev_spill_flush(&sh->sp, &sh->err)) != 0)
		return rc;
	if (sh->nruns == sh->runcap) {
		size_t cap = sh->runcap ? sh->runcap * 2 : 16;
		uint64_t *r = realloc(sh->runs, cap * sizeof(*r));

		if (r == NULL)
			return EV_ERR(&sh->err, EV_ENOMEM, 0, "out of memory");
		sh->runs = r;
		sh->runcap = cap;
	}
	sh->runs[sh->nruns++] = sh->sp.size;
	sh->n = sh->hooked = 0;
	ev_arena_reset(&sh->arena);
	ev_shared_reset_values(&sh->strings);
	recount(sh);
	atomic_store(&sh->ctx->spilled, true);
	return 0;
}

/* Adds the event of rec (of file) to shard sh.  0 or an error. */
static int
add_event(struct ingest_shard *sh, uint32_t file, const struct ev_record *rec)
{
	const struct ingest_opts *o = sh->ctx->opts;
	struct ev_event *ev;
	int rc;

	if ((o->from != 0 && rec->time < o->from) ||
	    (o->to != 0 && rec->time > o->to))
		return 0;
	if (atomic_load_explicit(&sh->ctx->abort, memory_order_relaxed))
		return EV_EUSAGE;
	if (o->match_generic && rec->kind == EV_KIND_GENERIC) {
		if ((ev = add_generic(sh, rec, file)) == NULL)
			return sh->err.code;
	} else {
		ev = ev_arena_alloc(&sh->arena, sizeof(*ev));
		if (ev == NULL || ev_normalise_shared(rec, &sh->arena,
		    &sh->strings, ev) != 0)
			return EV_ERR(&sh->err, EV_ENOMEM, 0, "out of memory");
		ev->file_id = file;
	}
	if (sh->n == sh->cap) {
		size_t cap = sh->cap ? sh->cap * 2 : 1024;
		struct ev_event **v = realloc(sh->ev, cap * sizeof(*v));

		if (v == NULL)
			return EV_ERR(&sh->err, EV_ENOMEM, 0, "out of memory");
		sh->ev = v;
		sh->cap = cap;
	}
	sh->ev[sh->n++] = ev;
	/* the progress count, shared: written once in a batch */
	if (++sh->uncounted == INGEST_HOOK_BATCH) {
		atomic_fetch_add_explicit(&sh->ctx->events_done,
		    sh->uncounted, memory_order_relaxed);
		sh->uncounted = 0;
	}
	if (sh->n - sh->hooked >= INGEST_HOOK_BATCH &&
	    (rc = run_hook(sh, o)) != 0)
		return rc;
	if (sh->ctx->limit != 0 && over_budget(sh))
		return spill_shard(sh);
	return 0;
}

static int
on_record(const struct ev_record *rec, void *arg)
{
	struct sink_ctx *sc = arg;

	return add_event(sc->shard, sc->task->file, rec);
}

/* A recovered record named after every file was read (reader.h). */
static int
on_late(uint32_t file, const struct ev_record *rec, uint32_t nuls, void *arg)
{
	struct ingest_shard *sh = arg;
	struct evtx_stats *st = &sh->ctx->run->files[file].stats;

	st->events++;
	if (rec->unresolved)
		st->unresolved++;
	st->nul_values += nuls;
	return add_event(sh, file, rec);
}

/*
 * Delivers the recovered records kept for the run's template registry
 * into shard sh (the last one), as a worker would.  0 or an error.
 */
static int
run_late(struct run_ctx *ctx, struct ingest_shard *sh, struct ev_err *err)
{
	const struct ingest_opts *o = ctx->opts;
	int rc;

	if (ctx->tpls == NULL)
		return 0;
	if (o->worker_init != NULL)
		sh->worker = o->worker_init(o->hook_arg);
	rc = evtx_tpls_finish(ctx->tpls, on_late, sh, err);
	if (rc == 0 && sh->err.code == 0)
		rc = run_hook(sh, o);
	if (rc != 0 && sh->err.code != 0 && err != NULL)
		*err = sh->err;
	if (rc == 0)
		ev_qsort(sh->ev, sh->n, sizeof(*sh->ev), ev_order);
	if (o->worker_fini != NULL)
		o->worker_fini(sh->worker);
	return rc;
}

static void
run_hash(struct run_ctx *ctx, struct task *t)
{
	struct ingest_file *f = &ctx->run->files[t->file];
	struct sha256 s;
	static const size_t bufsz = 1 << 20;
	unsigned char *buf;
	uint64_t off = 0;
	ssize_t r;
	int fd;

	if ((buf = malloc(bufsz)) == NULL)
		return;
	if ((fd = evtx_open_evidence(f->path)) == -1) {
		free(buf);
		return;
	}
	sha256_init(&s);
	while ((r = pread(fd, buf, bufsz, (off_t)off)) > 0) {
		sha256_update(&s, buf, (size_t)r);
		off += (uint64_t)r;
	}
	if (r == 0)
		sha256_final_hex(&s, t->sha256);
	close(fd);
	free(buf);
}

static void
run_read(struct ingest_shard *sh, struct task *t)
{
	struct run_ctx *ctx = sh->ctx;
	struct ingest_file *f = &ctx->run->files[t->file];
	struct evtx_open_opts oo = { ctx->opts->parser, ctx->opts->recovered,
	    ctx->tpls, t->file };
	struct sink_ctx sc = { sh, t, ctx };
	struct evtx_sink sink = { on_record, on_warn, &sc };
	struct evtx_file *ef;
	struct ev_err err = EV_ERR_INIT;
	uint32_t units, n;
	int rc;

	if ((ef = ctx->shared[t->file]) != NULL) {
		t->header = ctx->shared_header[t->file];
		t->header.gaps = NULL;		/* owned by shared_header */
		t->header.ngaps = 0;
		rc = 0;
	} else
		rc = evtx_file_open(f->path, &oo, &ef, &t->header, &err);
	t->open_rc = rc;
	if (rc != 0) {
		snprintf(t->open_msg, sizeof(t->open_msg), "%s", err.msg);
		return;
	}
	units = evtx_file_units(ef);
	if (t->first < units) {
		n = t->n;
		if (n > units - t->first || t->n == UINT32_MAX)
			n = units - t->first;
		rc = evtx_file_read(ef, t->first, n, &sink, &t->stats, &err);
		/* the last batch, also when the file stopped part way */
		if (sh->err.code == 0 && run_hook(sh, ctx->opts) != 0)
			rc = sh->err.code;
		if (rc != 0 && sh->rc == 0 && sh->err.code != 0)
			sh->rc = sh->err.code;	/* hook/memory failure */
		else if (rc != 0) {
			/* the file stopped being readable part way */
			t->open_rc = rc;
			snprintf(t->open_msg, sizeof(t->open_msg), "%s",
			    err.msg);
		}
	}
	if (ef != ctx->shared[t->file])
		evtx_file_close(ef);
}

/* ev_par_for() body: worker i of run->shards takes tasks until none is left */
static void
worker_main(void *arg, unsigned idx)
{
	struct ingest_shard *sh = (struct ingest_shard *)arg + idx;
	struct run_ctx *ctx = sh->ctx;
	size_t i;

	if (ctx->opts->worker_init != NULL)
		sh->worker = ctx->opts->worker_init(ctx->opts->hook_arg);
	while (!atomic_load(&ctx->abort) &&
	    (i = atomic_fetch_add(&ctx->next, 1)) < ctx->ntasks) {
		struct task *t = &ctx->tasks[i];

		if (t->kind == TASK_HASH)
			run_hash(ctx, t);
		else
			run_read(sh, t);
		if (sh->rc != 0) {
			atomic_store(&ctx->abort, true);
			break;
		}
		atomic_fetch_add(&ctx->events_done, sh->uncounted);
		sh->uncounted = 0;
		if (t->kind == TASK_READ)
			atomic_fetch_add(&ctx->bytes_done,
			    t->n == UINT32_MAX ? ctx->run->files[t->file].size :
			    (uint64_t)t->n * EVTX_CHUNK_SIZE);
		atomic_fetch_add(&ctx->tasks_done, 1);
		if (atomic_fetch_sub(&ctx->pending[t->file], 1) == 1)
			atomic_fetch_add(&ctx->files_done, 1);
	}
	/* each worker sorts its own shard: the sorts run in parallel */
	if (sh->rc == 0)
		ev_qsort(sh->ev, sh->n, sizeof(*sh->ev), ev_order);
	if (ctx->opts->worker_fini != NULL)
		ctx->opts->worker_fini(sh->worker);
}

/* ---- ordering and merging ---- */

static int
ev_order(const void *a, const void *b)
{
	return ev_order_cmp(*(struct ev_event *const *)a,
	    *(struct ev_event *const *)b);
}

/* The sorted shards into run->events (ingest_merge()). */
static int
merge_shards(struct ingest_run *run, struct ingest_shard *sh, unsigned nsh,
    unsigned jobs)
{
	struct ev_event *const **ev = calloc(nsh, sizeof(*ev));
	size_t *n = calloc(nsh, sizeof(*n));
	int rc = EV_ENOMEM;

	if (ev != NULL && n != NULL) {
		for (unsigned i = 0; i < nsh; i++) {
			ev[i] = sh[i].ev;
			n[i] = sh[i].n;
		}
		rc = ingest_merge(run, ev, n, nsh, jobs);
	}
	free(ev);
	free(n);
	return rc;
}

/* Frees the events a shard holds in memory and its System strings. */
static void
shard_free(struct ingest_shard *sh)
{
	ev_arena_release(&sh->arena);
	ev_shared_release(&sh->strings);
	ev_shared_init(&sh->strings);
	free(sh->ev);
	sh->ev = NULL;
	sh->n = sh->cap = sh->hooked = 0;
}

/*
 * Over the memory budget: every shard's rest is spilled too, and all the
 * runs are merged into run->spill, dropping duplicates as merge_shards()
 * does.  0 or an error.
 */
static int
merge_spilled(struct ingest_run *run, struct ingest_shard *sh, unsigned nsh,
    const char *tmpdir, struct ev_err *err)
{
	struct ev_spill_run *in = NULL;
	struct ev_spill_counts c = { 0 };
	size_t n = 0;
	int rc;

	for (unsigned i = 0; i < nsh; i++) {
		if (sh[i].n > 0 && spill_shard(&sh[i]) != 0) {
			if (err != NULL)
				*err = sh[i].err;
			return sh[i].err.code;
		}
		shard_free(&sh[i]);
		run->spill_runs += sh[i].nruns;
	}
	c.nfiles = run->nfiles;
	c.events = calloc(run->nfiles + 1, sizeof(*c.events));
	c.duplicates = calloc(run->nfiles + 1, sizeof(*c.duplicates));
	in = calloc(run->spill_runs + 1, sizeof(*in));
	run->spill = calloc(1, sizeof(*run->spill));
	if (c.events == NULL || c.duplicates == NULL || in == NULL ||
	    run->spill == NULL) {
		rc = EV_ERR(err, EV_ENOMEM, 0, "out of memory");
		goto out;
	}
	run->spill->fd = -1;
	for (unsigned i = 0; i < nsh; i++)
		for (size_t k = 0; k < sh[i].nruns; k++, n++) {
			in[n].sp = &sh[i].sp;
			in[n].from = k ? sh[i].runs[k - 1] : 0;
			in[n].to = sh[i].runs[k];
		}
	if ((rc = ev_spill_merge_all(in, n, tmpdir, run->spill, &c,
	    err)) == 0) {
		for (size_t i = 0; i < run->nfiles; i++) {
			run->files[i].events = c.events[i];
			run->files[i].duplicates = c.duplicates[i];
		}
		run->nevents = c.kept;
		run->duplicates = c.dropped;
		run->spill_bytes = run->spill->size;
	}
out:
	free(in);
	free(c.events);
	free(c.duplicates);
	return rc;
}

static int
seq_cmp(const void *k, const void *e)
{
	uint32_t a = *(const uint32_t *)k;
	uint32_t b = (*(struct ev_event *const *)e)->seq;

	return a < b ? -1 : a > b;
}

/*
 * A spilled script block event gets its joined text (join_spilled()),
 * its columns repacked in arena.  0 or EV_ENOMEM.
 */
static int
apply_script(const struct ingest_run *run, struct ev_event *ev,
    struct ev_arena *arena)
{
	struct ev_event *const *j;
	const char *cols[EV_NCOL];

	if (run->nscripts == 0 || ev->kind != EV_KIND_SCRIPT)
		return 0;
	j = bsearch(&ev->seq, run->scripts, run->nscripts,
	    sizeof(*run->scripts), seq_cmp);
	if (j == NULL)
		return 0;
	ev_cols_unpack(ev, cols);
	cols[EV_COL_SCRIPT_TEXT] = ev_col(*j, EV_COL_SCRIPT_TEXT);
	cols[EV_COL_SCRIPT_NOTE] = ev_col(*j, EV_COL_SCRIPT_NOTE);
	return ev_cols_pack(ev, cols, arena);
}

/*
 * Spilled events stream: the parts of script blocks are copied in one
 * pass over the spill (with their computer; the other System strings
 * are not needed), joined, and kept by seq for the cursor to apply.
 * 0 or an error.
 */
static int
join_spilled(struct ingest_run *run, struct ev_err *err)
{
	struct ingest_cursor c;
	struct ev_event *const *v;
	const char *cols[EV_NCOL];
	size_t cap = 0;
	ptrdiff_t n;
	int rc = 0;

	if ((run->script_arena = calloc(1, sizeof(*run->script_arena))) ==
	    NULL)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	ev_arena_init(run->script_arena);
	ingest_cursor_init(&c, run);
	while (rc == 0 && (n = ingest_cursor_next(&c, 4096, &v, err)) > 0)
		for (ptrdiff_t i = 0; i < n && rc == 0; i++) {
			const struct ev_event *ev = v[i];
			struct ev_event *cp;

			if (ev->kind != EV_KIND_SCRIPT ||
			    ev_col(ev, EV_COL_SCRIPT_TEXT) != NULL ||
			    ev_col(ev, EV_COL_SCRIPT_BLOCK_ID) == NULL)
				continue;
			if (run->nscripts == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				struct ev_event **p = realloc(run->scripts,
				    ncap * sizeof(*p));

				if (p == NULL) {
					rc = EV_ENOMEM;
					break;
				}
				run->scripts = p;
				cap = ncap;
			}
			cp = ev_arena_alloc(run->script_arena, sizeof(*cp));
			if (cp == NULL || ev_event_keep(cp, ev, true,
			    run->script_arena, NULL) != 0) {
				rc = EV_ENOMEM;
				break;
			}
			cp->user_sid = NULL;
			ev_cols_unpack(cp, cols);
			cols[EV_COL_CHANNEL] = cols[EV_COL_PROVIDER] = NULL;
			if ((cols[EV_COL_COMPUTER] != NULL &&
			    (cols[EV_COL_COMPUTER] = ev_arena_strdup(
			    run->script_arena, cols[EV_COL_COMPUTER])) ==
			    NULL) || ev_cols_pack(cp, cols,
			    run->script_arena) != 0) {
				rc = EV_ENOMEM;
				break;
			}
			run->scripts[run->nscripts++] = cp;
		}
	if (rc == 0 && n < 0)
		rc = (int)n;
	ingest_cursor_release(&c);
	if (rc == 0)
		rc = ev_scripts_join(run->scripts, run->nscripts,
		    run->script_arena);
	if (rc == EV_ENOMEM)
		EV_ERR(err, rc, 0, "out of memory");
	return rc;
}

void
ingest_cursor_init(struct ingest_cursor *c, const struct ingest_run *run)
{
	memset(c, 0, sizeof(*c));
	c->run = run;
	ev_arena_init(&c->arena);
}

/*
 * The cursor over a run loaded back (ingest_load()): its events, those
 * whose data stayed in the spill read back whole into the cursor's arena.
 */
static ptrdiff_t
cursor_loaded(struct ingest_cursor *c, size_t max, struct ev_event *const **v,
    struct ev_err *err)
{
	const struct ingest_run *run = c->run;
	size_t n = run->nevents - c->next < max ? run->nevents - c->next : max;
	int rc;

	ev_arena_reset(&c->arena);
	for (size_t i = 0; i < n; i++) {
		const struct ev_event *w;

		if ((rc = ingest_event_whole(run, run->events[c->next + i],
		    &c->arena, &w, err)) != 0)
			return rc;
		c->v[i] = (struct ev_event *)w;
	}
	c->next += n;
	*v = c->v;
	return (ptrdiff_t)n;
}

ptrdiff_t
ingest_cursor_next(struct ingest_cursor *c, size_t max,
    struct ev_event *const **v, struct ev_err *err)
{
	const struct ingest_run *run = c->run;
	ptrdiff_t n;

	if (run->spill == NULL) {
		n = (ptrdiff_t)(run->nevents - c->next < max ?
		    run->nevents - c->next : max);
		*v = run->events + c->next;
		c->next += (size_t)n;
		return n;
	}
	if (c->cap < max) {
		struct ev_event **p = realloc(c->v, max * sizeof(*p));
		uint64_t *a = realloc(c->at, max * sizeof(*a));

		if (p != NULL)
			c->v = p;
		if (a != NULL)
			c->at = a;
		if (p == NULL || a == NULL)
			return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
		c->cap = max;
	}
	if (run->loaded)
		return cursor_loaded(c, max, v, err);
	if (c->rd == NULL) {
		if ((c->rd = malloc(sizeof(*c->rd))) == NULL)
			return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
		ev_spill_rd_init(c->rd, run->spill, 0, run->spill->size);
	}
	if ((n = ev_spill_batch(c->rd, &c->arena, c->v, c->at, max,
	    err)) > 0)
		for (ptrdiff_t i = 0; i < n; i++) {
			c->v[i]->seq = (uint32_t)c->next++;
			if (apply_script(run, c->v[i], &c->arena) != 0)
				return EV_ERR(err, EV_ENOMEM, 0,
				    "out of memory");
		}
	*v = c->v;
	return n;
}

void
ingest_cursor_release(struct ingest_cursor *c)
{
	if (c->rd != NULL)
		ev_spill_rd_release(c->rd);
	free(c->rd);
	free(c->v);
	free(c->at);
	ev_arena_release(&c->arena);
	memset(c, 0, sizeof(*c));
}

/* ---- progress ---- */

struct progress {
	struct run_ctx	*ctx;
	pthread_t	 thread;
	atomic_bool	 stop;
	bool		 on;
};

static void
progress_draw(struct run_ctx *ctx, double secs, bool final)
{
	uint64_t b = atomic_load(&ctx->bytes_done);
	double mb = (double)b / 1e6, total = (double)ctx->bytes_total / 1e6;
	double rate = secs > 0 ? mb / secs : 0;
	double eta = rate > 0 ? (total - mb) / rate : 0;
	char finds[48] = "", line[256];

	if (ctx->opts->hook_progress != NULL)
		ctx->opts->hook_progress(ctx->opts->hook_arg, finds,
		    sizeof(finds));
	/* one line, redrawn in place; cleared when done */
	snprintf(line, sizeof(line), "files %zu/%zu  %.1f/%.1f MB  %llu "
	    "events%s  %.1f MB/s  ETA %.0fs",
	    (size_t)atomic_load(&ctx->files_done), ctx->run->nfiles, mb, total,
	    (unsigned long long)atomic_load(&ctx->events_done), finds, rate,
	    eta < 0 ? 0 : eta);
	ctx->opts->progress_show(line);
	if (final)
		ctx->opts->progress_show("");
}

static double
now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *
progress_main(void *arg)
{
	struct progress *p = arg;
	double t0 = now_secs();
	struct timespec tick = { 0, 200 * 1000 * 1000 };

	while (!atomic_load(&p->stop)) {
		nanosleep(&tick, NULL);
		progress_draw(p->ctx, now_secs() - t0, false);
	}
	progress_draw(p->ctx, now_secs() - t0, true);
	return NULL;
}

/* ---- the run ---- */

static int
make_tasks(struct run_ctx *ctx, const struct ingest_opts *o)
{
	struct ingest_run *run = ctx->run;
	size_t n = 0, cap = 0;
	struct task *t;

	ctx->shared = calloc(run->nfiles + 1, sizeof(*ctx->shared));
	ctx->shared_header = calloc(run->nfiles + 1,
	    sizeof(*ctx->shared_header));
	if (ctx->shared == NULL || ctx->shared_header == NULL)
		return EV_ENOMEM;

	for (size_t i = 0; i < run->nfiles; i++) {
		struct ingest_file *f = &run->files[i];
		uint64_t slots = 0;
		uint32_t per;

		if (f->status != INGEST_OK)
			continue;
		if (o->parser == EVTX_PARSER_NATIVE &&
		    f->size > EVTX_FILE_HDR_SIZE)
			slots = (f->size - EVTX_FILE_HDR_SIZE +
			    EVTX_CHUNK_SIZE - 1) / EVTX_CHUNK_SIZE;
		per = TASK_CHUNKS;
		if (o->jobs > 1 && slots / o->jobs < per && slots > 64)
			per = (uint32_t)((slots + o->jobs - 1) / o->jobs);
		if (slots > per) {
			struct evtx_open_opts oo = { o->parser, o->recovered,
			    ctx->tpls, (uint32_t)i };

			/* several tasks: one open file for all of them; when
			 * it fails, the tasks open it and report why */
			if (evtx_file_open(f->path, &oo, &ctx->shared[i],
			    &ctx->shared_header[i], NULL) != 0)
				ctx->shared[i] = NULL;
		}
		/* one task for the whole file when it is small */
		for (uint64_t first = 0;; first += per) {
			if (n + 2 > cap) {
				cap = cap ? cap * 2 : 256;
				t = realloc(ctx->tasks, cap * sizeof(*t));
				if (t == NULL)
					return EV_ENOMEM;
				ctx->tasks = t;
			}
			t = &ctx->tasks[n++];
			memset(t, 0, sizeof(*t));
			t->kind = TASK_READ;
			t->file = (uint32_t)i;
			t->first = (uint32_t)first;
			t->n = slots <= per ? UINT32_MAX : per;
			evtx_stats_init(&t->stats);
			evtx_stats_init(&t->header);
			if (slots <= per || first + per >= slots)
				break;
		}
		if (o->hash) {
			t = &ctx->tasks[n++];
			memset(t, 0, sizeof(*t));
			t->kind = TASK_HASH;
			t->file = (uint32_t)i;
		}
		ctx->bytes_total += f->size;
	}
	ctx->ntasks = n;
	/* for progress: tasks left per file; files without tasks are done */
	ctx->pending = calloc(run->nfiles ? run->nfiles : 1,
	    sizeof(*ctx->pending));
	if (ctx->pending == NULL)
		return EV_ENOMEM;
	for (size_t i = 0; i < n; i++)
		ctx->pending[ctx->tasks[i].file]++;
	for (size_t i = 0; i < run->nfiles; i++)
		if (ctx->pending[i] == 0)
			ctx->files_done++;
	return 0;
}

/*
 * The message of a file with structural damage (SPEC §2: truncation and
 * hidden records are evidence): what is missing, in one line.  Left as
 * it is when the file has a message already.
 */
static void
struct_damage(struct ingest_file *f)
{
	const struct evtx_stats *s = &f->stats;
	struct ev_buf b = EV_BUF_INIT;

	if (f->message != NULL)
		return;
	if (s->truncated)
		ev_buf_addf(&b, "truncated: the header announces %" PRIu32
		    " chunks", s->header_chunks);
	if (s->missing_chunks > 0)
		ev_buf_addf(&b, "%s%" PRIu32 " announced chunk%s missing",
		    b.len ? ", " : "", s->missing_chunks,
		    s->missing_chunks == 1 ? "" : "s");
	if (s->cut_records > 0)
		ev_buf_addf(&b, "%s%" PRIu64 " listed record%s past a "
		    "chunk's free-space offset", b.len ? "; " : "",
		    s->cut_records, s->cut_records == 1 ? "" : "s");
	if (s->id_breaks > 0)
		ev_buf_addf(&b, "%s%" PRIu64 " record-id break%s inside "
		    "chunks", b.len ? "; " : "", s->id_breaks,
		    s->id_breaks == 1 ? "" : "s");
	if (b.len > 0)
		f->message = ev_buf_detach(&b, NULL);
	ev_buf_release(&b);
}

void
ingest_damage_text(const struct ingest_run *run, struct ev_buf *b)
{
	const char *sep = "; ";

	if (run->skipped > 0) {
		ev_buf_addf(b, "%s%zu skipped", sep, run->skipped);
		sep = ", ";
	}
	if (run->truncated > 0) {
		ev_buf_addf(b, "%s%zu truncated", sep, run->truncated);
		sep = ", ";
	}
	if (run->missing_chunks > 0) {
		ev_buf_addf(b, "%s%" PRIu64 " chunk%s missing", sep,
		    run->missing_chunks, run->missing_chunks == 1 ? "" : "s");
		sep = ", ";
	}
	if (run->cut_records > 0) {
		ev_buf_addf(b, "%s%" PRIu64 " record%s past free space", sep,
		    run->cut_records, run->cut_records == 1 ? "" : "s");
		sep = ", ";
	}
	if (run->id_breaks > 0)
		ev_buf_addf(b, "%s%" PRIu64 " id break%s", sep,
		    run->id_breaks, run->id_breaks == 1 ? "" : "s");
}

/* Folds the tasks of each file into its record, in unit order. */
static int
finish_files(struct run_ctx *ctx)
{
	struct ingest_run *run = ctx->run;

	for (size_t i = 0; i < ctx->ntasks; i++) {
		struct task *t = &ctx->tasks[i];
		struct ingest_file *f = &run->files[t->file];

		if (t->kind == TASK_HASH) {
			memcpy(f->sha256, t->sha256, sizeof(f->sha256));
			continue;
		}
		if (t->first == 0) {
			f->stats.dirty = t->header.dirty;
			f->stats.full = t->header.full;
			f->stats.header_bad = t->header.header_bad;
			f->stats.header_chunks = t->header.header_chunks;
		}
		if (evtx_stats_merge(&f->stats, &t->stats) != 0)
			return EV_ENOMEM;
		f->warnings += t->nwarn;
		if (t->open_rc != 0 && f->message == NULL) {
			f->message = strdup(t->open_msg);
			if (t->open_rc == EV_ENOTEVTX || t->first == 0)
				f->status = INGEST_UNREADABLE;
		}
		if (t->warnings != NULL) {
			char *line = t->warnings, *nl;

			while ((nl = strchr(line, '\n')) != NULL) {
				*nl = '\0';
				if (!ingest_run_msg(run, "%s: %s", f->path, line))
					return EV_ENOMEM;
				line = nl + 1;
			}
		}
		if (t->nwarn > t->nwarn_kept && !ingest_run_msg(run,
		    "%s: %llu more warnings", f->path,
		    (unsigned long long)(t->nwarn - t->nwarn_kept)))
			return EV_ENOMEM;
	}
	for (size_t i = 0; i < run->nfiles; i++) {
		struct ingest_file *f = &run->files[i];
		struct evtx_stats *s = &f->stats;

		if (s->id_backsteps > 0 && s->ngaps > 0) {
			/*
			 * Ids that go back mean records of several sources
			 * interleaved (forwarded events): a jump in ids is
			 * another source, not a deletion.
			 */
			free(s->gaps);
			s->gaps = NULL;
			s->ngaps = 0;
		}
		if (f->status == INGEST_OK) {
			struct_damage(f);
			if (s->records == 0 && s->recovered == 0 &&
			    (s->bad_records > 0 || s->missing_chunks > 0)) {
				f->status = INGEST_UNREADABLE;
				if (f->message == NULL)
					f->message = strdup(
					    "no record could be decoded");
			} else if (s->records == 0 && s->recovered == 0 &&
			    s->bad_chunks == 0 && !s->header_bad &&
			    !s->truncated)
				f->status = INGEST_EMPTY;
			else if (s->bad_chunks || s->bad_records ||
			    s->header_bad || s->truncated ||
			    s->missing_chunks || s->cut_records ||
			    s->id_breaks || f->warnings > 0)
				f->status = INGEST_DAMAGED;
			else if (s->dirty)
				f->status = INGEST_DIRTY;
		}
		if (f->status == INGEST_UNREADABLE) {
			bool ok;

			run->input_error = true;
			if (f->message != NULL &&
			    strstr(f->message, f->path) != NULL)
				/* the reader's message names the file */
				ok = ingest_run_msg(run, "%s", f->message);
			else
				ok = ingest_run_msg(run, "cannot read '%s': %s",
				    f->path, f->message ? f->message :
				    "unknown error");
			if (!ok)
				return EV_ENOMEM;
		}
		if (f->status == INGEST_DAMAGED)
			run->damage = true;
		if (f->status == INGEST_SKIPPED)
			run->skipped++;
		/* not damage, but never silent (binxml.h) */
		if (s->nul_values > 0 && !ingest_run_msg(run, "%s: %llu value%s with "
		    "an embedded NUL, shown as U+2400 \xe2\x90\x80", f->path,
		    (unsigned long long)s->nul_values,
		    s->nul_values == 1 ? "" : "s"))
			return EV_ENOMEM;
		run->records += s->records;
		run->recovered += s->recovered;
		run->bad_records += s->bad_records;
		run->truncated += s->truncated;
		run->missing_chunks += s->missing_chunks;
		run->cut_records += s->cut_records;
		run->id_breaks += s->id_breaks;
		if (f->status != INGEST_UNREADABLE)
			run->bytes += f->size;
	}
	return 0;
}

int
ingest_run(char *const *paths, size_t npaths, const struct ingest_opts *opts,
    struct ingest_run *run, struct ev_err *err)
{
	struct run_ctx ctx;
	struct progress prog = { 0 };
	unsigned jobs = opts->jobs ? opts->jobs : 1;
	int rc = 0;

	memset(run, 0, sizeof(*run));
	if ((rc = ingest_walk(paths, npaths, opts, run, err)) != 0) {
		ingest_release(run);
		return rc;
	}

	memset(&ctx, 0, sizeof(ctx));
	ctx.opts = opts;
	ctx.run = run;
	if (opts->recovered && opts->parser == EVTX_PARSER_NATIVE &&
	    (ctx.tpls = evtx_tpls_new()) == NULL) {
		rc = EV_ENOMEM;
		goto out;
	}
	if ((rc = make_tasks(&ctx, opts)) != 0)
		goto out;
	if (jobs > ctx.ntasks)
		jobs = ctx.ntasks ? (unsigned)ctx.ntasks : 1;
	/* one more shard for the records named last (run_late()) */
	run->shards = aligned_alloc(_Alignof(struct ingest_shard),
	    (jobs + 1) * sizeof(*run->shards));
	if (run->shards == NULL) {
		rc = EV_ENOMEM;
		goto out;
	}
	memset(run->shards, 0, (jobs + 1) * sizeof(*run->shards));
	run->nshards = jobs + 1;
	for (unsigned i = 0; i <= jobs; i++) {
		run->shards[i].ctx = &ctx;
		run->shards[i].sp.fd = -1;
		/* the events kept and their strings in the pool: their
		   columns are offsets, half the size of pointers */
		ev_arena_init(&run->shards[i].arena);
		ev_arena_pool(&run->shards[i].arena);
		ev_arena_init(&run->shards[i].scratch);
		ev_shared_init(&run->shards[i].strings);
		ev_shared_pool(&run->shards[i].strings);
		run->shards[i].strings.values = true;
	}
	if (opts->memory != 0) {
		/* half the budget for the events, shared by the shards */
		ctx.share = (size_t)(opts->memory / 2 / (jobs + 1));
		if (ctx.share < 4096)
			ctx.share = 4096;
		ctx.limit = ctx.share * (jobs + 1);
		ctx.step = ctx.share / 8 < ((size_t)1 << 20) ?
		    ctx.share / 8 : (size_t)1 << 20;
	}
	prog.ctx = &ctx;
	prog.on = opts->progress_show != NULL &&
	    (opts->progress == INGEST_PROGRESS_ALWAYS ||
	    (opts->progress == INGEST_PROGRESS_AUTO && !opts->quiet &&
	    isatty(STDERR_FILENO)));
	if (prog.on && pthread_create(&prog.thread, NULL, progress_main,
	    &prog) != 0)
		prog.on = false;
	/* with one job the main thread does the work itself */
	ev_par_for(jobs, jobs, worker_main, run->shards);
	if (prog.on) {
		atomic_store(&prog.stop, true);
		pthread_join(prog.thread, NULL);
	}
	for (unsigned i = 0; i < jobs; i++)
		if (run->shards[i].rc != 0) {
			rc = run->shards[i].rc;
			if (err != NULL && err->code == 0)
				*err = run->shards[i].err;
			goto out;
		}
	if ((rc = run_late(&ctx, &run->shards[jobs], err)) != 0)
		goto out;
	if ((rc = finish_files(&ctx)) != 0)
		goto out;
	if (atomic_load(&ctx.spilled)) {
		rc = merge_spilled(run, run->shards, run->nshards,
		    opts->tmpdir, err);
		if (rc == 0)
			rc = join_spilled(run, err);
	} else {
		rc = merge_shards(run, run->shards, run->nshards,
		    opts->jobs);
		/* script blocks logged in parts, joined (in the last
		   shard's arena); spilled events stream, unjoined */
		if (rc == 0)
			rc = ev_scripts_join(run->events, run->nevents,
			    &run->shards[run->nshards - 1].arena);
	}
out:
	for (size_t i = 0; i < ctx.ntasks; i++) {
		evtx_stats_release(&ctx.tasks[i].stats);
		evtx_stats_release(&ctx.tasks[i].header);
		free(ctx.tasks[i].warnings);
	}
	free(ctx.tasks);
	free(ctx.pending);
	for (size_t i = 0; ctx.shared != NULL && i < run->nfiles; i++) {
		evtx_file_close(ctx.shared[i]);
		if (ctx.shared_header != NULL)
			evtx_stats_release(&ctx.shared_header[i]);
	}
	free(ctx.shared);
	free(ctx.shared_header);
	evtx_tpls_free(ctx.tpls);
	if (rc != 0) {
		ingest_release(run);
		return err != NULL && err->code ? err->code :
		    EV_ERR(err, rc, 0, "%s", ev_err_name(rc));
	}
	return 0;
}

void
ingest_release(struct ingest_run *run)
{
	for (size_t i = 0; i < run->nfiles; i++) {
		free(run->files[i].path);
		free(run->files[i].message);
		evtx_stats_release(&run->files[i].stats);
	}
	free(run->files);
	for (size_t i = 0; i < run->nmessages; i++)
		free(run->messages[i]);
	free(run->messages);
	for (unsigned i = 0; i < run->nshards; i++) {
		ev_arena_release(&run->shards[i].arena);
		ev_arena_release(&run->shards[i].scratch);
		ev_shared_release(&run->shards[i].strings);
		free(run->shards[i].ev);
		ev_spill_close(&run->shards[i].sp);
		free(run->shards[i].runs);
	}
	if (run->spill != NULL)
		ev_spill_close(run->spill);
	free(run->spill);
	ingest_load_release(run);
	free(run->shards);
	ev_big_free(run->events);
	if (run->script_arena != NULL)
		ev_arena_release(run->script_arena);
	free(run->script_arena);
	free(run->scripts);
	memset(run, 0, sizeof(*run));
}
