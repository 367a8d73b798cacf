/*
 * ev_spill.h -- normalised events in temporary files, for the memory
 * budget (--memory, --tmpdir): sorted runs written while reading, merged
 * into one file in output order, and read back in batches.
 *
 * A spill file is created with mkstemp(3) in the temporary directory and
 * unlinked at once, so it disappears on every exit path, crashes
 * included.  It holds records one after another; a run is a byte range
 * [from, to) of them.  The record is private to one process (native byte
 * order): a 4-byte length, the fixed fields, the hits, the data lengths,
 * then every string with its length and a NUL.  Strings read back point
 * into the record bytes, which are kept whole.
 *
 * Only what ev_normalise() and the reading threads' hook set is kept:
 * the fields of struct ev_event up to dup_record; process and seq are
 * not (a merged file's position is the seq).
 */
#ifndef EV_SPILL_H
#define EV_SPILL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ev_arena.h"
#include "ev_buf.h"
#include "ev_err.h"
#include "event.h"

/* A temporary file being written and read (pread: readers may share it). */
struct ev_spill {
	int		 fd;		/* -1: not open */
	uint64_t	 size;		/* bytes written (flushed or not) */
	const char	*dir;		/* for messages; borrowed */
	struct ev_buf	 wbuf;		/* not yet written */
};

/*
 * A temporary file in dir, open for reading and writing and already
 * unlinked (mkstemp(3), close-on-exec): its descriptor, or EV_ENOMEM or
 * EV_EIO with a message naming dir.
 */
int	ev_spill_tmpfile(const char *dir, struct ev_err *err);
/*
 * Creates the (already unlinked) file in dir.  Returns 0, or EV_EIO with
 * a message naming dir ("cannot create a temporary file in 'dir': ...").
 */
int	ev_spill_open(struct ev_spill *, const char *dir, struct ev_err *err);
/* Closes the file (the space is freed); a closed spill is a no-op. */
void	ev_spill_close(struct ev_spill *);

/* Appends ev (buffered).  0, EV_ENOMEM or EV_EIO naming the directory. */
int	ev_spill_put(struct ev_spill *, const struct ev_event *ev,
	    struct ev_err *err);
/* Appends a record as ev_spill_next() returned it. */
int	ev_spill_put_raw(struct ev_spill *, const void *rec, size_t len,
	    struct ev_err *err);
/* Writes what is buffered.  0 or EV_EIO ("... No space left on device"). */
int	ev_spill_flush(struct ev_spill *, struct ev_err *err);

/* A reader of the run [from, to) of a spill (several may share one). */
struct ev_spill_rd {
	const struct ev_spill	*sp;
	uint64_t		 off, to;	/* next byte to read, end */
	unsigned char		*buf;
	size_t			 cap, pos, len;	/* buf[pos .. len) unread */
	const unsigned char	*rec;		/* current record */
	size_t			 reclen;
	struct ev_arena		 arena;		/* the current event's arrays */
	struct ev_event		*ev;		/* current, or NULL */
};

void	ev_spill_rd_init(struct ev_spill_rd *, const struct ev_spill *,
	    uint64_t from, uint64_t to);
void	ev_spill_rd_release(struct ev_spill_rd *);
/*
 * Reads the next record: 1 with rd->ev (and rd->rec, rd->reclen) set,
 * borrowed until the next call; 0 at the end of the run; or a negative
 * code (EV_EIO, EV_ECORRUPT for a record that does not parse, EV_ENOMEM).
 */
int	ev_spill_next(struct ev_spill_rd *, struct ev_err *err);

/*
 * Where the record ev_spill_next() last returned starts in the file, for
 * ev_spill_read_at().
 */
static inline uint64_t
ev_spill_rd_at(const struct ev_spill_rd *rd)
{
	return rd->off - (rd->len - rd->pos) - 4;
}

/*
 * Reads the record at at (ev_spill_rd_at()) of sp into arena and sets
 * *ev to its event, valid as long as the arena.  Uses pread(2) only:
 * threads may read one spill at once.  0, EV_EIO, EV_ECORRUPT (also for
 * an offset that is not a record's) or EV_ENOMEM, with err set.
 */
int	ev_spill_read_at(const struct ev_spill *sp, uint64_t at,
	    struct ev_arena *arena, struct ev_event **ev, struct ev_err *err);

/*
 * Reads up to max events of rd into v, copied into arena (reset first),
 * and, when at is not NULL, where each record starts (ev_spill_rd_at())
 * into at: the number read, 0 at the end, or a negative code.
 */
ptrdiff_t ev_spill_batch(struct ev_spill_rd *, struct ev_arena *arena,
	    struct ev_event **v, uint64_t *at, size_t max, struct ev_err *err);

/*
 * Copies the record rec (len bytes, as ev_spill_next() gives it) into
 * arena and returns its event, valid as long as the arena; NULL when out
 * of memory.
 */
struct ev_event *ev_spill_copy(struct ev_arena *arena, const void *rec,
	    size_t len);

/*
 * Merges sorted runs in output order (ev_order_cmp()).  in[i] are runs
 * [from[i], to[i]) of spills sp[i]; out gets the merged records.  With
 * dedup, duplicates (ev_dup_equal()) are dropped as ingest does in
 * memory: the first in output order is kept, except that an allocated
 * record takes the place of a recovered copy kept earlier; counts then
 * gets, per file id (< nfiles), the events kept and the duplicates
 * dropped, and *kept the events written.  Returns 0 or an error.
 */
struct ev_spill_counts {
	uint64_t	*events;	/* [nfiles] */
	uint64_t	*duplicates;	/* [nfiles] */
	size_t		 nfiles;
	uint64_t	 kept, dropped;
};

struct ev_spill_run {
	struct ev_spill		*sp;
	uint64_t		 from, to;
};

int	ev_spill_merge(const struct ev_spill_run *in, size_t n,
	    struct ev_spill *out, struct ev_spill_counts *dedup,
	    struct ev_err *err);

/* Most runs ev_spill_merge() reads at once. */
#define EV_SPILL_FANIN	64

/*
 * Merges any number of runs with dedup into out, a new file in dir: in
 * passes of EV_SPILL_FANIN runs through intermediate files while there
 * are more.  The files of in are closed once read (in is overwritten).
 * 0 or an error.
 */
int	ev_spill_merge_all(struct ev_spill_run *in, size_t n, const char *dir,
	    struct ev_spill *out, struct ev_spill_counts *dedup,
	    struct ev_err *err);

#endif
