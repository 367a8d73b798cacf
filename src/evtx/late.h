/*
 * late.h -- internal to src/evtx: how the native reader fills a run's
 * template registry (struct evtx_tpls, see reader.h).
 *
 * Each evtx_file_read() call collects into its own struct late_buf (no
 * lock while reading) and hands it over with late_flush() when it ends;
 * evtx_tpls_finish() sorts what every call handed over, so what it
 * delivers does not depend on the order the calls ran in.
 */
#ifndef EVTX_LATE_H
#define EVTX_LATE_H

#include <stdbool.h>
#include <stdint.h>

#include "reader.h"

/* A template definition of a chunk's template table. */
struct late_def {
	uint32_t	 id;		/* first 4 bytes of its GUID */
	uint32_t	 file, slot, off;
};

/*
 * A recovered record left for evtx_tpls_finish(): where it is, the CRC
 * of its bytes, and its positional decoding (one allocation: the record,
 * its pairs and strings), delivered as it is when no definition fits or
 * its chunk cannot be read again unchanged.  No copy of the chunk.
 */
struct late_rec {
	uint32_t	 file, slot, pos, size;
	uint32_t	 id;		/* template id its values miss */
	uint32_t	 crc;		/* of its bytes [pos, pos + size) */
	uint32_t	 nuls;		/* bx_record_nuls() of fb */
	struct ev_record *fb;
};

struct late_buf {
	struct late_def	*defs;
	size_t		 ndefs, cdefs;
	struct late_rec	*recs;
	size_t		 nrecs, crecs;
	bool		 oom;
};

/* Notes path as file number file of the run; 0 or EV_ENOMEM. */
int	late_path(struct evtx_tpls *, uint32_t file, const char *path);

/*
 * Notes the definitions chunk c (len bytes, slot of file) chains in its
 * template table (bounded as the decoder follows them).
 */
void	late_note_defs(struct late_buf *, uint32_t file, uint32_t slot,
	    const uint8_t *c, uint32_t len);

/*
 * Notes the template definitions the last bx_record() of d met inline in
 * a recovered record of chunk slot of file (bx_record_inline()): an old
 * record in the slack may hold the last copy of its template.
 */
struct bx_dec;
void	late_note_inline(struct late_buf *, uint32_t file, uint32_t slot,
	    const struct bx_dec *);

/*
 * Keeps the record at pos (size bytes) of chunk c (slot of file), whose
 * values miss template id, for evtx_tpls_finish(), with rec, its
 * positional decoding (record id, time, offset and chunk set; nuls
 * values with an embedded NUL).  false when out of memory (the record is
 * then delivered as it is).
 */
bool	late_defer(struct late_buf *, uint32_t file, uint32_t slot,
	    const uint8_t *c, uint32_t pos, uint32_t size, uint32_t id,
	    const struct ev_record *rec, uint32_t nuls);

/* Hands b over to the registry and empties it; 0 or EV_ENOMEM. */
int	late_flush(struct evtx_tpls *, struct late_buf *);
void	late_buf_free(struct late_buf *);

#endif
