/*
 * binxml.h -- EVTX binary XML: from a record's token stream straight to
 * the fields of struct ev_record, without building XML text (internal to
 * src/evtx; native.c is the user, tests/check_evtx.c tests it directly).
 *
 * A decoder holds the state of one chunk: names and template definitions
 * are decoded once per chunk (cached by chunk offset) and reused by every
 * record that refers to them.  For each template it also works out once
 * which nodes give Provider/@Name, EventID, TimeCreated/@SystemTime, ...
 * so that a record is classified from its substitution values alone, and
 * unwanted records cost a few table look-ups.
 *
 * Canonical text of values (as libevtx 20181227 renders them, except
 * hex ints, which are rendered as Windows shows them):
 *   strings: UTF-8, invalid UTF-16 -> U+FFFD, NULs at the end dropped,
 *   an embedded NUL shown as U+2400 (SYMBOL FOR NULL: never a silent cut;
 *   see bx_record_nuls())
 *   ints: decimal; HexInt32/HexInt64 "0x" + lower-case hex without
 *   leading zeros ("0x3e7", 0 is "0x0"), SizeT as HexInt of its size; Bool "true"/"false"; GUID "{XXXXXXXX-...}" upper
 *   case; FILETIME "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" (9 digits);
 *   SYSTEMTIME "YYYY-MM-DDTHH:MM:SS.mmmZ"; SID "S-1-5-18"; binary: upper
 *   case hex; arrays: elements joined with ", "; char/entity references:
 *   the character they name (unknown entities stay "&name;").
 */
#ifndef EVTX_BINXML_H
#define EVTX_BINXML_H

#include <stdbool.h>
#include <stdint.h>

#include "../event.h"

/* Limits that keep hostile input bounded. */
#define BX_MAX_DEPTH	32		/* element + template nesting */
#define BX_MAX_WORK	200000		/* nodes visited per record */

struct bx_dec;

/* A decoder, or NULL when out of memory.  bx_free(NULL) is a no-op. */
struct bx_dec	*bx_new(void);
void		 bx_free(struct bx_dec *);

/*
 * Starts on a chunk: c[0..len) is the whole chunk (offsets in BinXML are
 * relative to it).  Forgets the names and templates of the previous chunk.
 * c must stay valid and unchanged until the next bx_chunk() or bx_free().
 */
void	bx_chunk(struct bx_dec *, const uint8_t *c, uint32_t len);

/*
 * Decodes the BinXML of one record at chunk bytes [off, end).  Sets in
 * *rec: record_id (System/EventRecordID, 0 when absent), event_id,
 * version, time (TimeCreated/@SystemTime, 0 when absent), provider,
 * channel, computer, user_sid (NULL when absent or empty), data/ndata and
 * kind.  When all is false and the record is not wanted (kind NONE), only
 * event_id and time are set.  Strings and data are borrowed from the
 * decoder until the next bx_record() or bx_chunk().
 * Returns 0, EV_ECORRUPT (not decodable) or EV_ENOMEM.
 */
int	bx_record(struct bx_dec *, uint32_t off, uint32_t end, bool all,
	    struct ev_record *rec);

/*
 * Tells the decoder whether the next records are allocated records of a
 * chunk whose header and records CRCs hold: their template instances are
 * then checked for identifier and value count, not for value types (the
 * definition is the one the chunk was written with).  Default false.
 */
void	bx_sound(struct bx_dec *, bool sound);

/*
 * The template id (first 4 bytes of the GUID) of the first instance of
 * the last bx_record() left without a verified template (when the record
 * came out unresolved).
 */
uint32_t	bx_record_unres_id(const struct bx_dec *);

/*
 * The template definitions the last bx_record() met inline in the record
 * (at most 8): for i below the count returned, *id and *off of the i-th.
 * A recovered record's are old copies its chunk's tables may no longer
 * name.
 */
uint32_t	bx_record_inline(const struct bx_dec *, uint32_t i, uint32_t *id,
		    uint32_t *off);

/*
 * Gives the decoder a template definition of another chunk: for the next
 * bx_record() calls, an instance whose template its own chunk does not
 * give also tries the definition at offset def of the chunk that other
 * was given (bx_chunk()), used only when it carries the instance's
 * identifier and its substitutions fit.  The strings and the chunk of
 * other must stay until then.  other NULL: none.
 */
void	bx_foreign(struct bx_dec *, struct bx_dec *other, uint32_t def);

/*
 * What decides whether a template definition fits an instance (the
 * check bx_foreign()'s definition passes): the identifier, and by
 * substitution index the definition's declared type (0xff: index unused)
 * or the type of the instance's value (0, the null type, for an empty
 * one).  t holds
 * n bytes, allocated by the function that fills the signature: free() it.
 */
struct bx_sig {
	uint32_t	 id, n;
	uint8_t		*t;
};

/* Does definition def fit instance inst? */
bool	bx_sig_fit(const struct bx_sig *def, const struct bx_sig *inst);

/*
 * The signature of the definition at chunk offset off, parsed as
 * bx_foreign()'s look-up parses it, into *sig: 0, EV_ECORRUPT (no sound
 * definition there: it fits no instance) or EV_ENOMEM.
 */
int	bx_tpl_sig(struct bx_dec *, uint32_t off, struct bx_sig *sig);

/*
 * The instances the last bx_record() asked bx_foreign()'s definition
 * for, as signatures into v[0..max): their count, or -1 when the
 * definition fitted one of them (the decoding depended on it), when there
 * were more than max, or out of memory (v is then left empty).  When the
 * count is known, a decoding of the record with another foreign
 * definition that fits none of them comes out the same.
 */
int	bx_record_asked(const struct bx_dec *, struct bx_sig *v,
	    uint32_t max);

/*
 * Strings of the last bx_record() that held an embedded NUL (each shown
 * with U+2400 in its place).
 */
uint32_t	bx_record_nuls(const struct bx_dec *);

/*
 * Canonical text of one substitution value (type as in the value
 * descriptor, data[0..size)) into buf of cap bytes, NUL-terminated;
 * returns the length, or -1 when it does not fit or the type is not a
 * value type.  For tests.
 */
int	bx_render_value(uint8_t type, const uint8_t *data, uint32_t size,
	    char *buf, uint32_t cap);

#endif
