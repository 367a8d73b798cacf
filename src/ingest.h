/*
 * ingest.h -- files in, normalised events out: the reading stage of every
 * command (dump, scan, baseline learn).
 *
 * ingest_run() walks the PATHs (recursively; files recognised by the
 * ElfFile signature, not by name), reads them with N worker threads (whole
 * files, and chunk ranges of big files), normalises every wanted record,
 * runs the caller's per-event hook in the reading thread, and finally
 * merges the per-worker shards into one array in output order (SPEC §10:
 * time, then file path bytewise, then record id), dropping duplicates (the
 * same record in a live log and its backup, or a recovered copy of an
 * allocated record).  The result is identical for any number of jobs.
 */
#ifndef INGEST_H
#define INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ev_err.h"
#include "ev_spill.h"
#include "event.h"
#include "evtx/reader.h"

enum ingest_status {
	INGEST_OK,		/* read without damage */
	INGEST_DAMAGED,		/* read, with damage counted */
	INGEST_EMPTY,		/* valid EVTX, zero records */
	INGEST_UNREADABLE,	/* could not be read at all (missing,
				   permission, not EVTX, nothing decodable) */
	INGEST_SKIPPED,		/* found by a directory walk and not read:
				   a loop, too deep, a special file */
	INGEST_DIRTY,		/* read without damage, but the header's
				   dirty flag is set (a log copied from a
				   live system): not damage */
};

#define INGEST_NSTATUS	6	/* arrays indexed by enum ingest_status */

/* "ok", "damaged", "empty", "unreadable", "skipped", "dirty" */
const char *ingest_status_name(enum ingest_status);

struct ingest_file {
	uint32_t		 id;		/* index in run->files */
	char			*path;
	uint64_t		 size;
	char			 sha256[65];	/* hex, "" without --hash */
	enum ingest_status	 status;
	char			*message;	/* why, or NULL */
	struct evtx_stats	 stats;
	uint64_t		 warnings;	/* damage warnings issued */
	uint64_t		 duplicates;	/* its events dropped as dups */
	uint64_t		 events;	/* its events in the run */
};

/*
 * Per-event hook, run in the worker thread that read the event, after
 * ev_normalise() (ev->file_id is set), over batches of events in the
 * order they were decoded; every event of a read task has been through
 * it when the task ends.  worker is the value the worker_init hook
 * returned for that thread.  Returns 0, or a negative
 * EV_E* code that aborts the run.  Allocate per-event data (e.g. hits)
 * from arena: it lives as long as the event.
 */
typedef int	(*ingest_event_fn)(struct ev_event *ev, struct ev_arena *arena,
		    void *worker);

/*
 * Events per hook batch: decoding and matching each keep their caches
 * warm for a while instead of evicting each other at every event
 * (tests/bench/bench-sigma's pass "as scan does" batches the same way).
 */
#define INGEST_HOOK_BATCH	256

/* A file the walk must not read: the run's own output (cmd.h). */
struct ingest_skip {
	dev_t		 dev;
	ino_t		 ino;
};

struct ingest_opts {
	enum evtx_parser	 parser;
	bool			 recovered;	/* include recovered records */
	bool			 hash;		/* SHA-256 of every input */
	unsigned		 jobs;		/* worker threads, >= 1 */
	uint64_t		 from, to;	/* FILETIME bounds, 0 = open */
	bool			 quiet;		/* no progress (the command
						   skips the messages) */
	int			 progress;	/* INGEST_PROGRESS_* */
	/*
	 * Shows the progress line (from its own thread, every 200 ms; ""
	 * at the end: clear it).  The command draws it; NULL: no progress
	 * line whatever progress says.
	 */
	void			 (*progress_show)(const char *line);
	/* optional hooks */
	ingest_event_fn		 on_event;
	/*
	 * Generic events (EV_KIND_GENERIC) go to on_event as they are
	 * read, one at a time, and are kept without their EventData
	 * (ndata 0) unless on_event gave them hits: for a caller that reads
	 * nothing else of them (no database, no timeline of every event).
	 * Needs on_event.
	 */
	bool			 match_generic;
	void			*(*worker_init)(void *arg);
	void			 (*worker_fini)(void *worker);
	/* the hooks' part of the progress line (from its own thread) */
	void			 (*hook_progress)(void *arg, char *buf,
				    size_t size);
	void			*hook_arg;
	/*
	 * The run's outputs: a file found in a directory that is one is
	 * skipped (a previous run's report), or, when it is EVTX evidence,
	 * the run fails with EV_EUSAGE before anything is read.
	 */
	const struct ingest_skip *skip;
	size_t			 nskip;
	/*
	 * The memory budget: 0 keeps every event in memory.  Otherwise a
	 * reading thread whose events pass its share of memory bytes sorts
	 * them into a run in a temporary file of tmpdir (ev_spill.h), and
	 * when any did, the runs are merged into one file in output order
	 * (run->spill) instead of run->events.  Only for callers that read
	 * the events through struct ingest_cursor.
	 */
	uint64_t		 memory;
	const char		*tmpdir;
};

#define INGEST_PROGRESS_AUTO	0	/* when stderr is a terminal */
#define INGEST_PROGRESS_ALWAYS	1
#define INGEST_PROGRESS_NEVER	2

struct ingest_shard;

struct ingest_run {
	struct ingest_file	*files;		/* sorted by path */
	size_t			 nfiles;
	struct ev_event		**events;	/* output order, no dups;
						   NULL when spilled */
	size_t			 nevents;
	struct ev_spill		*spill;		/* the events, when they went
						   over opts.memory, or NULL */
	size_t			 spill_runs;	/* sorted runs written */
	/* spilled: the script blocks logged in parts, joined in a pass over
	   the spill (ev_scripts_join()), by seq; the cursor applies them */
	struct ev_event		**scripts;
	size_t			 nscripts;
	struct ev_arena		*script_arena;
	uint64_t		 spill_bytes;	/* of the merged file */
	/*
	 * Spilled, then loaded back (ingest_load()): events holds them all
	 * and the cursor reads them there; the EventData of many stays in
	 * the spill (ev->spilled), its record at spill_at[ev->seq].
	 */
	bool			 loaded;
	bool			 paged;		/* the pool is backed by a
						   file (ev_arena_pool_file) */
	uint64_t		 paged_bytes;	/* of it, once loaded */
	uint64_t		*spill_at;
	struct ev_arena		*load_arena;
	struct ev_shared	*load_strings;
	uint64_t		 duplicates;
	uint64_t		 records;	/* over all files */
	uint64_t		 recovered;
	uint64_t		 bad_records;
	uint64_t		 bytes;		/* input bytes read */
	bool			 input_error;	/* a file was unreadable or
						   not EVTX, or a path missing */
	bool			 damage;	/* some file was damaged */
	/*
	 * Warnings and errors about single files and paths, in the order
	 * stderr has always had them (walk, then each file's, then the
	 * unreadable): "cannot open 'x': reason", "x: chunk 3: ...".
	 * Unescaped text: the command prints each through its escaping
	 * message function (library code never prints).
	 */
	char			**messages;
	size_t			 nmessages;
	/* structural damage over all files (see struct evtx_stats) */
	size_t			 skipped;	/* files, INGEST_SKIPPED */
	size_t			 truncated;	/* files */
	uint64_t		 missing_chunks;
	uint64_t		 cut_records;
	uint64_t		 id_breaks;
	/* internal */
	struct ingest_shard	*shards;
	unsigned		 nshards;
};

/*
 * Reads every path.  Problems with single files are recorded in
 * run->files and as run->messages for the command to print; only a
 * failure of the run
 * itself (out of memory, a hook error) returns a negative code.
 * On success the caller owns *run: release it with ingest_release().
 * Events and their strings stay valid until then.
 */
int	ingest_run(char *const *paths, size_t npaths,
	    const struct ingest_opts *opts, struct ingest_run *run,
	    struct ev_err *err);
void	ingest_release(struct ingest_run *);

/*
 * Reads the events of a run in output order, in memory or spilled, in
 * batches: ingest_cursor_next() sets *v to up to max events (their seq
 * set) and returns how many, 0 at the end, or a negative code (a spill
 * that cannot be read back: err names the directory).  The events stay
 * valid until the next call (spilled) or ingest_release() (in memory).
 */
struct ingest_cursor {
	const struct ingest_run	*run;
	size_t			 next;
	struct ev_spill_rd	*rd;		/* spilled runs */
	struct ev_arena		 arena;
	struct ev_event		**v;
	uint64_t		*at;		/* spilled, not loaded: where
						   v[i]'s record starts */
	size_t			 cap;
};

void	ingest_cursor_init(struct ingest_cursor *, const struct ingest_run *);
ptrdiff_t ingest_cursor_next(struct ingest_cursor *, size_t max,
	    struct ev_event *const **v, struct ev_err *err);
void	ingest_cursor_release(struct ingest_cursor *);

/*
 * For a command that needs every event at once (scan): a run that went
 * over the memory budget is loaded back into run->events (nothing is
 * done for one that did not).  Every string is stored once, and the
 * EventData of the events whose columns say all that correlation,
 * baselines and the report read of them is left in the spill
 * (ev->spilled, ndata 0): process, network, image load and the other
 * Sysmon events.  ingest_event_whole() reads it back where a step needs
 * it.  What is loaded past memory bytes (the budget) lies in pages of a
 * temporary file in the spill's directory (ev_arena_pool_file(): pooled
 * arenas take their memory from it from then on, until
 * ingest_release()), which the kernel writes back and evicts under
 * memory pressure: a run whose loaded events exceed the memory
 * available completes, more slowly, instead of being killed.  0 or an
 * error (err set).
 */
int	ingest_load(struct ingest_run *, uint64_t memory, struct ev_err *err);
/* What ingest_load() holds, freed (for ingest_release()). */
void	ingest_load_release(struct ingest_run *);

/*
 * ev with its EventData: ev itself, or, when ev->spilled, a copy in
 * arena whose data is read back from the spill (pread: threads may call
 * this at once, each with its arena).  0 or an error (err set).
 */
int	ingest_event_whole(const struct ingest_run *, const struct ev_event *ev,
	    struct ev_arena *arena, const struct ev_event **whole,
	    struct ev_err *err);

/* The file an event came from. */
static inline const struct ingest_file *
ingest_file_of(const struct ingest_run *run, const struct ev_event *ev)
{
	return &run->files[ev->file_id];
}

/*
 * Appends the skipped files and the structural damage of the run to b as
 * "; 1 skipped, 1 truncated, 2
 * chunks missing, 14 records past free space, 1 id break" (each count
 * only when not 0; nothing at all when all are 0), for summary lines.
 */
struct ev_buf;
void	ingest_damage_text(const struct ingest_run *, struct ev_buf *b);

/* ---- internal to the reading stage ---- */

/*
 * ingest_walk.c: walks paths into run->files (sorted by path, ids set)
 * and run->messages, and sets run->input_error.  0, EV_EUSAGE (an output
 * is evidence: nothing may be read) or EV_ENOMEM; the caller releases
 * run either way.
 */
int	ingest_walk(char *const *paths, size_t npaths,
	    const struct ingest_opts *opts, struct ingest_run *run,
	    struct ev_err *err);

/*
 * ingest_merge.c: the nsh arrays sh[i][0..shn[i]) of events, each sorted
 * in output order (ev_order_cmp()), merged into run->events (run->nevents,
 * each event's seq), dropping duplicates (ev_dup_equal()): the first in
 * output order is kept, except that an allocated record replaces a
 * recovered copy kept earlier; run->duplicates and the files' counts
 * follow.  Merged in parts by time on up to jobs threads, the same for
 * any number.  0 or EV_ENOMEM.
 */
int	ingest_merge(struct ingest_run *run, struct ev_event *const *const *sh,
	    const size_t *shn, unsigned nsh, unsigned jobs);

/* Adds a message for the command to print; false when out of memory. */
bool	ingest_run_msg(struct ingest_run *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Default jobs: online CPUs (at least 1). */
unsigned ingest_default_jobs(void);

#endif
