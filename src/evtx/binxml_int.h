/*
 * binxml_int.h -- internals shared by binxml.c (the parser and the field
 * walk) and template.c (finding and verifying template definitions, the
 * scan for fields); nothing outside src/evtx includes it.  See binxml.h
 * for the contract.
 *
 * A decoder (struct bx_dec) is used by one thread.  Nodes, names and
 * templates point into the chunk given to bx_chunk() and into the
 * decoder's arenas: they live until the next bx_chunk() (templates,
 * names) or bx_record() (record trees).
 */
#ifndef EVTX_BINXML_INT_H
#define EVTX_BINXML_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "../ev_arena.h"
#include "../ev_util.h"
#include "binxml.h"
#include "binxml_value.h"

enum {
	T_EOF = 0x00, T_OPEN = 0x01, T_CLOSE_START = 0x02,
	T_CLOSE_EMPTY = 0x03, T_END = 0x04, T_VALUE = 0x05, T_ATTR = 0x06,
	T_CDATA = 0x07, T_CHARREF = 0x08, T_ENTREF = 0x09, T_PITARGET = 0x0a,
	T_PIDATA = 0x0b, T_TEMPLATE = 0x0c, T_SUBST = 0x0d, T_OSUBST = 0x0e,
	T_FRAGMENT = 0x0f,
};
#define T_MORE		0x40


enum { NK_ELEM, NK_ATTR, NK_TEXT, NK_CDATA, NK_CHARREF, NK_ENTREF,
	NK_SUBST, NK_TINST };

enum {
	NM_OTHER, NM_EVENT, NM_SYSTEM, NM_PROVIDER, NM_NAME, NM_EVENTID,
	NM_VERSION, NM_TIMECREATED, NM_SYSTEMTIME, NM_EVENTRECORDID,
	NM_CHANNEL, NM_COMPUTER, NM_SECURITY, NM_USERID, NM_EVENTDATA,
	NM_USERDATA, NM_DATA, NM_MAX
};


struct bx_name {
	const char	*s;		/* UTF-8, NUL-terminated */
	uint32_t	 len;
	uint8_t		 id;		/* NM_* */
};

struct bx_val {
	const uint8_t	*p;
	uint32_t	 size;
	uint8_t		 type;
};

struct bx_tpl;

struct bx_inst {
	const struct bx_tpl	*tpl;		/* NULL: no verified template
						   (values named #1, #2...) */
	const struct bx_val	*vals;
	uint32_t		 nvals;
	uint32_t		 id;		/* template id it names */
};

struct bx_node {
	uint8_t			 kind;		/* NK_* */
	uint8_t			 vtype;		/* NK_SUBST: declared type; ELEM:
						   its one substitution's, when
						   that is all it holds, else 0 */
	bool			 optional;	/* NK_SUBST */
	uint16_t		 num;		/* SUBST index, CHARREF value */
	uint32_t		 len;		/* TEXT/CDATA: UTF-16 units */
	const uint8_t		*ptr;		/* TEXT/CDATA: UTF-16 data */
	const struct bx_name	*name;		/* ELEM, ATTR, ENTREF */
	const char		*lit;		/* ATTR Data/@Name of literal
						   text: its UTF-8 (arena) */
	struct bx_node		*attrs;		/* ELEM */
	struct bx_node		*kids;		/* ELEM content, ATTR value */
	struct bx_node		*next;
	const struct bx_inst	*inst;		/* TINST */
};

/* Where a field comes from: a node and the values its substitutions use. */
struct fref {
	const struct bx_node	*n;
	const struct bx_inst	*inst;
};

#define BX_SPLICE_MAX	4

/*
 * The splice points a template's own scan met (nested BinXml values,
 * template instances), in document order, so that a record of it scans
 * only them (record_once()): node, scan level, depth of its list below
 * the template's top list.  late: a field of the plan comes after one,
 * so a value spliced in first could be the first of its kind; then, as
 * with more than BX_SPLICE_MAX, records scan the whole template.
 */
struct bx_splices {
	const struct bx_node	*n[BX_SPLICE_MAX];
	uint8_t			 what[BX_SPLICE_MAX];
	uint8_t			 depth[BX_SPLICE_MAX];
	uint8_t			 nsp;		/* BX_SPLICE_MAX + 1: more */
	bool			 late;
	int			 base;		/* depth the scan began at */
};

struct fields {
	struct fref	 prov, eid, ver, time, recid, chan, comp, uid, edata,
			 udata;
	const struct bx_inst *unres;	/* first unresolved instance met */
	bool		 splice;	/* template scan met a splice point */
	struct bx_splices *sp;		/* template scan: notes them, or NULL */
};

struct bx_tpl {
	uint32_t		 off;
	uint32_t		 id;		/* first 4 bytes of its GUID */
	bool			 busy;		/* being parsed (cycle guard) */
	bool			 bad;
	struct bx_node		*top;
	struct fields		 plan;		/* inst pointers NULL */
	struct bx_splices	 sp;		/* plan.sp points here */
	uint8_t			*decl;		/* declared type by index,
						   DECL_NONE: index unused */
	uint32_t		 nsub;		/* highest index + 1 */
};

#define DECL_NONE	0xff

#define NAME_SLOTS	2048
#define TPL_SLOTS	512

struct name_slot {
	uint32_t		 off, gen;
	struct bx_name		*nm;
};

struct tpl_slot {
	uint32_t		 off, gen;
	struct bx_tpl		*tpl;
};

/* A pair before its strings are placed: name or an offset in out. */
struct pend {
	const char	*name;		/* NULL: at noff in out */
	uint32_t	 noff, voff;
};

/* A definition of the chunk: identifier, offset. */
struct bx_tdef {
	uint32_t		 id, off;
};

#define MISSED_MAX	4
#define INLINE_MAX	8
#define ASKED_MAX	8

struct bx_dec {
	const uint8_t		*c;		/* chunk */
	uint32_t		 clen;
	uint32_t		 gen;
	struct ev_arena		 carena;	/* names, templates: per chunk */
	struct ev_arena		 rarena;	/* per record */
	struct name_slot	 names[NAME_SLOTS];
	struct tpl_slot		 tpls[TPL_SLOTS];
	struct sbuf		 sb;		/* scratch text of a field */
	struct sbuf		 out;		/* the record's strings */
	struct pend		*pend;		/* pairs as offsets in out */
	struct ev_pair		*pairs;
	uint32_t		 npairs, cpairs;
	uint32_t		 work;
	bool			 oom;
	bool			 unres;		/* record: an instance without
						   a verified template */
	uint32_t		 unres_id;	/* ... the first one's id */
	bool			 full;		/* look in the chunk's slack */
	uint32_t		 nmissed;	/* look-ups that stopped before
						   the slack (!full): distinct
						   ids, MISSED_MAX + 1: more */
	uint32_t		 missed[MISSED_MAX];	/* their ids */
	uint32_t		 ninline;	/* inline definitions the
						   record carries ... */
	uint32_t		 inline_id[INLINE_MAX], inline_off[INLINE_MAX];
	uint32_t		 slack_id, slack_gen;	/* in_slack() memo */
	bool			 slack_in;
	bool			 sound;		/* bx_sound() */
	struct bx_tdef		*tdefs;		/* tdef_index() of the chunk */
	uint32_t		 ntdefs, ctdefs, tdefs_gen;
	struct bx_tdef		*defs;		/* def_index() of the chunk */
	uint32_t		 ndefs, cdefs, defs_gen;
	struct bx_dec		*foreign;	/* bx_foreign(), or NULL */
	uint32_t		 foreign_def;
	uint32_t		 nasked;	/* instances foreign() was asked
						   for, ASKED_MAX + 1: more */
	const struct bx_inst	*asked[ASKED_MAX];
	bool			 asked_hit;	/* ... and it gave one */
};

struct parser {
	struct bx_dec		*d;
	struct ev_arena		*arena;
	uint32_t		 end;		/* limit of the stream */
	bool			 dep;		/* elements carry dependency ids */
	int			 depth;
	struct bx_tpl		*tpl;		/* a definition's: its table of
						   substitutions, else NULL */
	uint32_t		 cap;		/* of tpl->decl */
};

#define NO_TPL	UINT32_MAX

#define SCAN_TOP	0
#define SCAN_EVENT	1
#define SCAN_SYSTEM	2

/* Slot of chunk offset off in a table of nslots (a power of 2). */
static inline uint32_t
bx_slot_hash(uint32_t off, uint32_t nslots)
{
	return (off * 2654435761u) >> 7 & (nslots - 1);
}

/* binxml.c: content tokens from *pos up to p->end into *head; 0 or -1. */
int	bx_parse_content(struct parser *, uint32_t *pos, struct bx_node **head,
	    bool in_elem);
/* The first attribute of element e named id, or NULL. */
static inline const struct bx_node *
attr(const struct bx_node *e, int id)
{
	for (const struct bx_node *a = e->attrs; a != NULL; a = a->next)
		if (a->name->id == id)
			return a;
	return NULL;
}

/* The value a substitution node stands for, or NULL. */
static inline const struct bx_val *
subst_val(const struct bx_node *n, const struct bx_inst *inst)
{
	if (inst == NULL || n->num >= inst->nvals)
		return NULL;
	return &inst->vals[n->num];
}

/* binxml.c: a nested BinXml value parsed into a node list (record arena). */
struct bx_node *bx_nested(struct bx_dec *, const struct bx_val *v, int depth);

/*
 * template.c: finds the fields of list (with substitution values inst, NULL
 * for a template's own scan) into *f.
 */
void	bx_scan_list(struct bx_dec *, const struct bx_node *list,
	    const struct bx_inst *inst, int what, int depth, struct fields *f);
/* The same for node n of a list at depth alone. */
void	bx_scan_node(struct bx_dec *, const struct bx_node *n,
	    const struct bx_inst *inst, int what, int depth, struct fields *f);

/*
 * template.c: is the name at p (a name's 8-byte header, then n UTF-16
 * units) of a chunk of clen bytes intact, its chain link, NUL and stored
 * hash right?  Not asked for a sound chunk's allocated records (see
 * bx_tpl_fits()).
 */
bool	bx_name_sound(const uint8_t *p, uint32_t n, uint32_t clen);

/*
 * template.c: parses the definition at chunk offset off into the chunk's
 * arena and keeps it in slot s (NULL: the probe found no free slot);
 * NULL when it is not sound.
 */
struct bx_tpl	*bx_tpl_parse(struct bx_dec *, struct tpl_slot *s, uint32_t off,
	    int depth);

/* The definition at chunk offset off, parsed once per chunk, or NULL. */
static inline struct bx_tpl *
bx_tpl_get(struct bx_dec *d, uint32_t off, int depth)
{
	uint32_t h = bx_slot_hash(off, TPL_SLOTS);

	for (uint32_t i = 0; i < 16; i++) {
		struct tpl_slot *t = &d->tpls[(h + i) & (TPL_SLOTS - 1)];

		if (t->gen != d->gen)
			return bx_tpl_parse(d, t, off, depth);
		if (t->off == off)
			return t->tpl->busy || t->tpl->bad ? NULL : t->tpl;
	}
	return bx_tpl_parse(d, NULL, off, depth);
}

/*
 * Does instance inst (template id) fit template t: same identifier, one
 * value for each substitution index?  And (bx_tpl_types_fit(), template.c)
 * is each value of the declared type or one of its class (Windows
 * declares SizeT and writes HexInt64, ...), or NULL / empty as Windows
 * writes absent optional values?
 *
 * The types are not compared for an allocated record of a chunk whose
 * CRCs hold (bx_sound()), whose definition is the one the chunk's writer
 * made it against: a mismatch there is no overwrite but a forgery of the
 * whole chunk (both CRCs made again), which could as well forge the
 * values, so the check would only cost time on every record of every
 * sound chunk (about 0.8 % of the reader's instructions on the bench
 * file, where every instance of such records passes it).  Carved records
 * and every record of a chunk whose CRCs fail are checked in full.  Names such a record refers to are not hashed for the
 * same reason (binxml.c, name_get()); names and definitions are kept per
 * chunk offset, and one such a record found is the real one for every
 * other record that refers to that offset.  A definition found any
 * other way (bx_tpl_resolve_more()) is checked in full.
 */
static inline bool
bx_tpl_fits(const struct bx_tpl *t, uint32_t id, const struct bx_inst *inst)
{
	return t->id == id && inst->nvals == t->nsub;
}

bool	bx_tpl_types_fit(const struct bx_tpl *, const struct bx_inst *);

/*
 * template.c: can the look-ups of the chunk's slack and of another
 * chunk's definition (d->full) name an instance the last record_once()
 * left without a template (d->missed)?  false when no definition there
 * carries one of their identifiers (decoding again would change nothing).
 */
bool	bx_tpl_slack_may(struct bx_dec *);

/* template.c: the rest of bx_tpl_resolve(), out of line. */
const struct bx_tpl *bx_tpl_resolve_more(struct bx_dec *, uint32_t id,
	    uint32_t def, uint32_t own, const struct bx_inst *inst, int depth);

/*
 * The verified template for an instance with template id and values
 * inst, whose definition offset is def and whose inline copy of the
 * definition is at own (NO_TPL: none): the definition at def when it
 * carries id and fits, else see bx_tpl_resolve_more(); NULL when there
 * is none.  Verified once per chunk and offset: the parsed definition is
 * cached (bx_tpl_get()), the fit is per instance.
 */
static inline const struct bx_tpl *
bx_tpl_resolve(struct bx_dec *d, uint32_t id, uint32_t def, uint32_t own,
    const struct bx_inst *inst, int depth)
{
	const struct bx_tpl *t;

	if (def < d->clen && d->clen - def >= 24 &&
	    le32(d->c + def + 4) == id &&
	    (t = bx_tpl_get(d, def, depth)) != NULL &&
	    bx_tpl_fits(t, id, inst) &&
	    (d->sound || bx_tpl_types_fit(t, inst)))
		return t;
	return bx_tpl_resolve_more(d, id, def, own, inst, depth);
}

#endif
