/*
 * reader.h -- the reader interface: EVTX file in, wanted records out.
 *
 * Two implementations sit behind it: the native zero-copy decoder
 * (native.c, the default) and libevtx + libxml2 (libevtx.c, the reference,
 * `--parser libevtx`).  Callers never see which one runs.
 *
 * A file is divided into "units" that can be read independently and in
 * parallel: for the native decoder a unit is one 64 KiB chunk slot after
 * the 4 KiB file header (slot n starts at byte 4096 + n * 65536; slots
 * past the header's chunk count are scanned for recovered chunks); the
 * libevtx reader has a single unit.  evtx_file_read() on one struct
 * evtx_file may run in several threads at once for disjoint unit ranges.
 *
 * Damage below file level (bad CRC, undecodable record, broken chunk) is
 * never an error of evtx_file_read(): it is counted in struct evtx_stats,
 * reported through sink->warn, and reading goes on (SPEC §1).
 */
#ifndef EVTX_READER_H
#define EVTX_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../ev_err.h"
#include "../event.h"

enum evtx_parser {
	EVTX_PARSER_NATIVE,
	EVTX_PARSER_LIBEVTX,
};

/* "native" / "libevtx" -> parser; -1 for other names. */
int		 evtx_parser_from_name(const char *name);
const char	*evtx_parser_name(enum evtx_parser);

struct evtx_tpls;

struct evtx_open_opts {
	enum evtx_parser	 parser;
	bool			 recovered;	/* deliver recovered records */
	struct evtx_tpls	*tpls;		/* the run's template registry
						   (native reader), or NULL */
	uint32_t		 file;		/* this file's number in the
						   run (path order), for tpls */
};

/* A break in the sequence of allocated record ids (possible deletion). */
struct evtx_gap {
	uint64_t	 after_id;	/* last id before the gap */
	uint64_t	 before_id;	/* first id after it */
	uint64_t	 after_time;	/* their times (FILETIME) */
	uint64_t	 before_time;
};

/*
 * Counters for one file or one unit range.  evtx_stats_merge() adds a
 * range's counters into a file's; ranges must be merged in unit order so
 * gaps across range boundaries are found.
 */
struct evtx_stats {
	/* from the file header (evtx_file_open) */
	bool		 dirty;
	bool		 full;
	bool		 header_bad;	/* signature/CRC/sizes unusable */
	uint32_t	 header_chunks;	/* chunk count the header claims */
	/* from reading */
	uint32_t	 chunks;	/* chunks found and read */
	uint32_t	 bad_chunks;	/* failed CRC or header checks */
	uint64_t	 records;	/* allocated records decoded */
	uint64_t	 recovered;	/* recovered records decoded */
	uint64_t	 bad_records;	/* records that could not be decoded */
	uint64_t	 events;	/* wanted records delivered */
	uint64_t	 unresolved;	/* ... of them with template:
					   unresolved (positional data) */
	uint64_t	 first_id, last_id;	/* allocated record ids seen */
	uint64_t	 first_time, last_time;	/* over all records, 0 none */
	struct evtx_gap	*gaps;		/* malloc'ed, in id order */
	size_t		 ngaps;
	uint64_t	 id_backsteps;	/* ids that went back: interleaved
					   sources (forwarded events), so
					   gaps say little */
	/*
	 * Structural damage (native reader), each also a warning naming
	 * the chunk: the file ends before the chunks its header announces;
	 * announced chunks absent (past the end of the file, zero-filled
	 * or a sparse hole); records a sound chunk's header lists that lie
	 * past its free-space offset (carved, counted in recovered too);
	 * breaks in the record-id sequence inside a sound chunk.
	 */
	bool		 truncated;
	uint32_t	 missing_chunks;
	uint64_t	 cut_records;
	uint64_t	 id_breaks;
	/* strings of delivered records with an embedded NUL, shown as
	   U+2400 (not damage; native reader) */
	uint64_t	 nul_values;
	/* work done: evidence bytes read, chunk slots skipped as holes */
	uint64_t	 bytes_read;
	uint64_t	 sparse_slots;
	/* internal: last allocated id/time of this range (gap joining) */
	uint64_t	 tail_id, tail_time, head_time;
};

void	evtx_stats_init(struct evtx_stats *);
void	evtx_stats_release(struct evtx_stats *);
/* Adds src (a later unit range) into dst.  EV_ENOMEM or 0. */
int	evtx_stats_merge(struct evtx_stats *dst, const struct evtx_stats *src);
/* Widens first_time/last_time to include t (a FILETIME; 0 is ignored). */
void	evtx_stats_note_time(struct evtx_stats *, uint64_t t);
/* Records one allocated record id in unit order (for gaps); 0/EV_ENOMEM. */
int	evtx_stats_note_id(struct evtx_stats *, uint64_t id, uint64_t time);

struct evtx_sink {
	/*
	 * Called for each wanted record (ev_classify() != NONE), allocated
	 * ones and, with opts.recovered, recovered ones.  rec is borrowed
	 * until return.  A negative return stops reading and is returned by
	 * evtx_file_read().
	 */
	int	(*record)(const struct ev_record *rec, void *ctx);
	/* A damage warning: printf-style text without the file name. */
	void	(*warn)(void *ctx, const char *msg);
	void	*ctx;
};

struct evtx_file;

/*
 * Opens path read-only (O_NOATIME when permitted).  Returns 0 and *out,
 * EV_ENOTEVTX (no file signature and no chunk found; empty files too),
 * EV_EIO, EV_ENOMEM.  st receives the header's facts (dirty, full, ...).
 */
int	evtx_file_open(const char *path, const struct evtx_open_opts *opts,
	    struct evtx_file **out, struct evtx_stats *st, struct ev_err *err);
void	evtx_file_close(struct evtx_file *);

/* Number of units (>= 1 for an open file). */
uint32_t evtx_file_units(const struct evtx_file *);

/*
 * Reads units [first, first + n) and calls sink for each wanted record
 * in file order, adding to *st.  Returns 0, a negative sink return, or
 * EV_EIO/EV_ENOMEM when the file cannot be read any more.
 */
int	evtx_file_read(struct evtx_file *, uint32_t first, uint32_t n,
	    const struct evtx_sink *sink, struct evtx_stats *st,
	    struct ev_err *err);

/*
 * Implementation entry points behind the interface above (reader.c
 * dispatches on opts->parser).  Same contracts.
 */
struct evtx_impl {
	int	 (*open)(const char *path, const struct evtx_open_opts *,
		    void **state, struct evtx_stats *, struct ev_err *);
	void	 (*close)(void *state);
	uint32_t (*units)(const void *state);
	int	 (*read)(void *state, uint32_t first, uint32_t n,
		    const struct evtx_sink *, struct evtx_stats *,
		    struct ev_err *);
};

extern const struct evtx_impl evtx_native_impl;
extern const struct evtx_impl evtx_libevtx_impl;

/*
 * A run's template registry, for recovered records whose template
 * definition their own chunk no longer holds (overwritten since).  With
 * opts.tpls, the native reader notes in it the definitions every chunk
 * chains in its template table and, instead of delivering it, keeps each
 * recovered record that it could only deliver with positional values
 * (ev_record.unresolved; counted in recovered, not yet in events).  Once
 * every file of the run was read, evtx_tpls_finish() looks each one's
 * template up by its identifier (the first 4 bytes of the template GUID,
 * all an instance carries): in the other chunks of its file by nearest
 * chunk, then in the other files by file number (callers number files in
 * path order) whose chunk holding the definition also holds a record of
 * the same provider (System/Provider/@Name); the candidates are the
 * definitions the chunks' template tables chain and those recovered
 * records carry inline (an old record's copy in the slack may be the last
 * one of its template; a definition left in slack outside any record the
 * reader can still carve is not found).  It uses the first definition that carries the
 * identifier and whose substitution tokens fit the values; a record none
 * fits keeps its positional values.  Then fn gets each, in file, chunk
 * and offset order, with its file number and its count of values with an embedded
 * NUL (see reader.h's nul_values); a negative return stops and is
 * returned.  The result depends neither on threads nor on the order
 * files were read in.
 *
 * Reading threads share a registry (it has a lock); evtx_tpls_finish()
 * runs once, alone, after every read.  It reads candidate chunks again
 * from the files' paths, and each kept record's own chunk: a kept record
 * holds no copy of its chunk, only where it is, a CRC of its bytes and
 * its positional decoding, delivered as it is when no definition fits or
 * the chunk no longer holds those bytes.  Only definitions are noted, not
 * copied (16 bytes each).
 */
typedef int	(*evtx_late_fn)(uint32_t file, const struct ev_record *rec,
		    uint32_t nuls, void *ctx);

struct evtx_tpls *evtx_tpls_new(void);	/* NULL when out of memory */
void		 evtx_tpls_free(struct evtx_tpls *);
/* 0, a negative return of fn, or EV_ENOMEM. */
int		 evtx_tpls_finish(struct evtx_tpls *, evtx_late_fn fn,
		    void *ctx, struct ev_err *err);

/* Opens path read-only for evidence (O_NOATIME retried without). */
int	evtx_open_evidence(const char *path);

#endif
