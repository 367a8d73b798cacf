/*
 * template.c -- template definitions of a chunk: parsed once per chunk
 * (cached by offset), and found for a template instance only once
 * verified (see bx_tpl_resolve()): the definition carries the identifier
 * the instance names, and the instance's values fit its substitution
 * tokens.  When the referenced definition is gone (a record copied into
 * slack names the original place, where another template may live now),
 * the instance's inline copy, the chunk's template table chains and the
 * definitions left in the chunk's slack are tried, by identifier.  Also
 * the scan for a record's fields (bx_scan_list()), which makes each
 * template's plan once: its fields and the points where records splice
 * in values of their own.
 */
#include <stdlib.h>
#include <string.h>

#include "../ev_err.h"
#include "../ev_util.h"
#include "binxml_int.h"

struct bx_tpl *
bx_tpl_parse(struct bx_dec *d, struct tpl_slot *s, uint32_t off, int depth)
{
	struct bx_tpl *tpl;
	struct parser p;
	uint32_t size, pos;

	if (depth > BX_MAX_DEPTH || off > d->clen || d->clen - off < 24)
		return NULL;
	size = le32(d->c + off + 20);
	if (d->clen - off - 24 < size)
		return NULL;
	if ((tpl = ev_arena_calloc(&d->carena, sizeof(*tpl))) == NULL) {
		d->oom = true;
		return NULL;
	}
	tpl->off = off;
	tpl->id = le32(d->c + off + 4);
	tpl->busy = true;
	if (s != NULL) {
		s->off = off;
		s->gen = d->gen;
		s->tpl = tpl;
	}
	p.d = d;
	p.arena = &d->carena;
	p.end = off + 24 + size;
	p.dep = true;
	p.depth = depth;
	p.tpl = tpl;
	p.cap = 0;
	pos = off + 24;
	if (bx_parse_content(&p, &pos, &tpl->top, false) != 0)
		tpl->bad = true;
	else {
		tpl->sp.base = depth;
		tpl->plan.sp = &tpl->sp;
		bx_scan_list(d, tpl->top, NULL, SCAN_TOP, depth, &tpl->plan);
	}
	tpl->busy = false;
	return tpl->bad ? NULL : tpl;
}


/*
 * Is the name at p (n UTF-16 units) of a chunk of clen bytes intact: the
 * next name of its hash chain none or in the chunk's records, NUL-
 * terminated, and its hash (low 16 bits of h = h * 65599 + unit over the
 * units) the one stored?  A name overwritten since a template referred to
 * it seldom is.  (The cheap tests first: an offset that lands in other
 * bytes often reads a count of thousands of units.)
 */
bool
bx_name_sound(const uint8_t *p, uint32_t n, uint32_t clen)
{
	const uint32_t m1 = 65599u, m2 = m1 * m1, m3 = m2 * m1, m4 = m3 * m1;
	const uint8_t *u = p + 8;
	uint32_t h = 0, i = 0, next = le32(p);

	if ((next != 0 && (next < 512 || next >= clen)) ||
	    le16(u + 2 * n) != 0)
		return false;
	for (; n - i >= 4; i += 4)	/* four units a step */
		h = h * m4 + le16(u + 2 * i) * m3 + le16(u + 2 * i + 2) * m2 +
		    le16(u + 2 * i + 4) * m1 + le16(u + 2 * i + 6);
	for (; i < n; i++)
		h = h * m1 + le16(u + 2 * i);
	return (h & 0xffff) == le16(p + 4);
}

/* Integer, string or other: the classes a declared type may differ in. */
static int
type_class(uint8_t t)
{
	switch (t) {
	case V_INT8: case V_UINT8: case V_INT16: case V_UINT16:
	case V_INT32: case V_UINT32: case V_INT64: case V_UINT64:
	case V_HEX32: case V_HEX64: case V_SIZET: case V_BOOL:
		return 1;
	case V_STRING: case V_ANSI:
		return 2;
	}
	return 3 + t;
}

/* Are declared type dt and value type vt of one class, both arrays or not? */
static inline bool
class_fits(uint8_t dt, uint8_t vt)
{
	return (dt & V_ARRAY) == (vt & V_ARRAY) &&
	    type_class(dt & (uint8_t)~V_ARRAY) ==
	    type_class(vt & (uint8_t)~V_ARRAY);
}

bool
bx_tpl_types_fit(const struct bx_tpl *t, const struct bx_inst *inst)
{
	for (uint32_t i = 0; i < t->nsub; i++) {
		uint8_t dt = t->decl[i], vt = inst->vals[i].type;

		if (dt == vt || dt == DECL_NONE || dt == V_NULL ||
		    vt == V_NULL || inst->vals[i].size == 0)
			continue;
		if (!class_fits(dt, vt))
			return false;
	}
	return true;
}

bool
bx_sig_fit(const struct bx_sig *def, const struct bx_sig *inst)
{
	if (def->id != inst->id || def->n != inst->n)
		return false;
	for (uint32_t i = 0; i < def->n; i++) {
		uint8_t dt = def->t[i], vt = inst->t[i];

		/* (as bx_tpl_types_fit(): an empty value is V_NULL here) */
		if (dt == vt || dt == DECL_NONE || dt == V_NULL ||
		    vt == V_NULL)
			continue;
		if (!class_fits(dt, vt))
			return false;
	}
	return true;
}

int
bx_tpl_sig(struct bx_dec *d, uint32_t off, struct bx_sig *sig)
{
	const struct bx_tpl *t;

	sig->id = sig->n = 0;
	sig->t = NULL;
	d->work = 0;		/* as foreign() asks */
	d->oom = false;
	if ((t = bx_tpl_get(d, off, 1)) == NULL)
		return d->oom ? EV_ENOMEM : EV_ECORRUPT;
	if (t->nsub > 0 && (sig->t = malloc(t->nsub)) == NULL)
		return EV_ENOMEM;
	sig->id = t->id;
	sig->n = t->nsub;
	if (t->nsub > 0)
		memcpy(sig->t, t->decl, t->nsub);
	return 0;
}

int
bx_record_asked(const struct bx_dec *d, struct bx_sig *v, uint32_t max)
{
	uint32_t n = d->nasked;

	if (d->asked_hit || n > ASKED_MAX || n > max)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		const struct bx_inst *inst = d->asked[i];

		v[i].id = inst->id;
		v[i].n = inst->nvals;
		v[i].t = inst->nvals > 0 ? malloc(inst->nvals) : NULL;
		if (inst->nvals > 0 && v[i].t == NULL) {
			for (uint32_t k = 0; k <= i; k++)
				free(v[k].t);
			return -1;
		}
		for (uint32_t k = 0; k < inst->nvals; k++)
			v[i].t[k] = inst->vals[k].size == 0 ? V_NULL :
			    inst->vals[k].type;
	}
	return (int)n;
}

/* bx_tpl_fits() with the value types compared. */
static inline bool
tpl_fits(const struct bx_tpl *t, uint32_t id, const struct bx_inst *inst)
{
	return bx_tpl_fits(t, id, inst) && bx_tpl_types_fit(t, inst);
}

#define TPL_TABLE	384	/* chunk header: 32 template chain heads */
#define TPL_CHAIN	64	/* definitions followed per chain */
#define TPL_HITS	64	/* definitions tried in a chunk scan */

/*
 * The places in the chunk's slack that look like a template definition
 * (24-byte header, then a fragment header 0f 01 01 00, a size that fits),
 * in byte order: the inline copies in records of an earlier life of the
 * chunk are in no template table (those of its allocated records are).
 * Found with one pass over the slack (from the header's free-space offset,
 * or 512 when that is not sane) the first time a record of the chunk needs
 * them; false when out of memory.
 */
static bool
def_index(struct bx_dec *d)
{
	uint32_t from = d->clen >= 512 ? le32(d->c + 48) : 512;
	const uint8_t *h, *end = d->c + d->clen;

	if (d->defs_gen == d->gen)
		return true;
	if (from < 512 || from > d->clen)
		from = 512;
	h = d->c + from + 24;
	d->ndefs = 0;
	/* memchr for the first byte (0x0f is rare in slack): far faster
	   than memmem */
	while (end - h >= 4 &&
	    (h = memchr(h, 0x0f, (size_t)(end - h) - 3)) != NULL) {
		uint32_t o = (uint32_t)(h - d->c) - 24;

		if (le32(h++) != 0x0001010f ||
		    le32(d->c + o + 20) > d->clen - o - 24)
			continue;
		if (d->ndefs == d->cdefs) {
			uint32_t cap = d->cdefs ? d->cdefs * 2 : 256;
			struct bx_tdef *v = realloc(d->defs, cap * sizeof(*v));

			if (v == NULL) {
				d->oom = true;
				return false;
			}
			d->defs = v;
			d->cdefs = cap;
		}
		d->defs[d->ndefs].id = le32(d->c + o + 4);
		d->defs[d->ndefs].off = o;
		d->ndefs++;
	}
	d->defs_gen = d->gen;
	return true;
}

/*
 * The definitions the chunk's template table chains (at most TPL_CHAIN a
 * chain), in table order, built the first time an instance of the chunk
 * misses its definition (a compact array: a scan of it is cheaper than
 * following the chains through the chunk again); false when out of
 * memory.
 */
static bool
tdef_index(struct bx_dec *d)
{
	if (d->tdefs_gen == d->gen)
		return true;
	d->ntdefs = 0;
	for (uint32_t b = 0; b < 32 && d->clen >= 512; b++) {
		uint32_t o = le32(d->c + TPL_TABLE + 4 * b);

		for (int k = 0; k < TPL_CHAIN && o >= 512 && o < d->clen &&
		    d->clen - o >= 24; k++, o = le32(d->c + o)) {
			if (d->ntdefs == d->ctdefs) {
				uint32_t cap = d->ctdefs ? d->ctdefs * 2 : 128;
				struct bx_tdef *v = realloc(d->tdefs,
				    cap * sizeof(*v));

				if (v == NULL) {
					d->oom = true;
					return false;
				}
				d->tdefs = v;
				d->ctdefs = cap;
			}
			d->tdefs[d->ntdefs].id = le32(d->c + o + 4);
			d->tdefs[d->ntdefs].off = o;
			d->ntdefs++;
		}
	}
	d->tdefs_gen = d->gen;
	return true;
}

/*
 * The first definition of v[0..n) with identifier id, other than def and
 * own, that fits inst; at most TPL_HITS tried.
 */
static const struct bx_tpl *
tpl_find(struct bx_dec *d, const struct bx_tdef *v, uint32_t n, uint32_t id,
    uint32_t def, uint32_t own, const struct bx_inst *inst, int depth)
{
	const struct bx_tpl *t;
	int tried = 0;

	for (uint32_t i = 0; i < n && tried < TPL_HITS; i++) {
		uint32_t o = v[i].off;

		if (v[i].id != id || o == def || o == own)
			continue;
		tried++;
		if ((t = bx_tpl_get(d, o, depth)) != NULL &&
		    tpl_fits(t, id, inst))
			return t;
	}
	return NULL;
}

/* The definition bx_foreign() gave, when it has identifier id and fits. */
static const struct bx_tpl *
foreign(struct bx_dec *d, uint32_t id, const struct bx_inst *inst, int depth)
{
	struct bx_dec *o = d->foreign;
	const struct bx_tpl *t;
	uint32_t def = d->foreign_def;

	if (o == NULL)
		return NULL;
	/* (noted for bx_record_asked(), whatever the answer) */
	if (d->nasked < ASKED_MAX)
		d->asked[d->nasked] = inst;
	if (d->nasked <= ASKED_MAX)
		d->nasked++;
	if (def >= o->clen || o->clen - def < 24 ||
	    le32(o->c + def + 4) != id)
		return NULL;
	o->work = 0;
	o->oom = false;
	t = bx_tpl_get(o, def, depth);
	if (o->oom)
		d->oom = true;
	if (t == NULL || !tpl_fits(t, id, inst))
		return NULL;
	d->asked_hit = true;
	return t;
}

/* Notes id as missed by a look-up that stopped before the slack. */
static void
note_missed(struct bx_dec *d, uint32_t id)
{
	for (uint32_t i = 0; i < d->nmissed && i < MISSED_MAX; i++)
		if (d->missed[i] == id)
			return;
	if (d->nmissed < MISSED_MAX)
		d->missed[d->nmissed] = id;
	if (d->nmissed <= MISSED_MAX)
		d->nmissed++;
}

/* Does the chunk's slack hold a definition with identifier id? */
static bool
in_slack(struct bx_dec *d, uint32_t id)
{
	bool in = false;

	if (d->slack_gen == d->gen && d->slack_id == id)
		return d->slack_in;	/* (the records of a chunk mostly miss
					   one template) */
	for (uint32_t i = 0; i < d->ndefs && !in; i++)
		in = d->defs[i].id == id;
	d->slack_gen = d->gen;
	d->slack_id = id;
	d->slack_in = in;
	return in;
}

bool
bx_tpl_slack_may(struct bx_dec *d)
{
	if (d->nmissed > MISSED_MAX || d->foreign != NULL || !def_index(d))
		return true;	/* (out of memory: found again) */
	for (uint32_t k = 0; k < d->nmissed; k++)
		if (in_slack(d, d->missed[k]))
			return true;
	return false;
}

/*
 * bx_tpl_resolve() when the definition at the instance's offset did not
 * do: its own inline copy at own (NO_TPL: none), else another definition
 * of the chunk with the same identifier whose substitutions fit: first
 * those the template table chains (in table order), then any in the
 * chunk's slack (def_index(), only when d->full: else the id is noted
 * in d->missed),
 * then the definition of another chunk that bx_foreign() gave.  NULL
 * when there is none.  What is parsed here is not what the record's
 * writer made it against: names are checked as for a carved record.
 */
const struct bx_tpl *
bx_tpl_resolve_more(struct bx_dec *d, uint32_t id, uint32_t def,
    uint32_t own, const struct bx_inst *inst, int depth)
{
	const struct bx_tpl *t;
	bool sound = d->sound;

	d->sound = false;
	if (own != NO_TPL && own != def &&
	    (t = bx_tpl_get(d, own, depth)) != NULL && tpl_fits(t, id, inst))
		goto out;
	if (tdef_index(d) && (t = tpl_find(d, d->tdefs, d->ntdefs, id, def,
	    own, inst, depth)) != NULL)
		goto out;
	if (!d->full) {
		note_missed(d, id);
		t = NULL;
		goto out;
	}
	if (def_index(d) && (t = tpl_find(d, d->defs, d->ndefs, id, def,
	    own, inst, depth)) != NULL)
		goto out;
	t = foreign(d, id, inst, depth);
out:
	d->sound = sound;
	return t;
}

void
bx_sound(struct bx_dec *d, bool sound)
{
	d->sound = sound;
}

uint32_t
bx_record_inline(const struct bx_dec *d, uint32_t i, uint32_t *id,
    uint32_t *off)
{
	if (i < d->ninline) {
		*id = d->inline_id[i];
		*off = d->inline_off[i];
	}
	return d->ninline;
}

uint32_t
bx_record_unres_id(const struct bx_dec *d)
{
	return d->unres_id;
}

void
bx_foreign(struct bx_dec *d, struct bx_dec *other, uint32_t def)
{
	d->foreign = other;
	d->foreign_def = def;
}

/* ---- finding fields (the plan of a template, a record's scan) ---- */

/* r is the first field of its kind: n with inst (not when one is set). */
static void
set_ref(struct fields *f, struct fref *r, const struct bx_node *n,
    const struct bx_inst *inst)
{
	if (n != NULL && r->n == NULL) {
		r->n = n;
		r->inst = inst;
		if (f->splice && f->sp != NULL)
			f->sp->late = true;
	}
}

/* A template's own scan met splice point n (what, depth: its list's). */
static void
note_splice(struct fields *f, const struct bx_node *n, int what, int depth)
{
	struct bx_splices *sp = f->sp;

	f->splice = true;
	if (sp == NULL || sp->nsp > BX_SPLICE_MAX)
		return;
	if (sp->nsp < BX_SPLICE_MAX && depth >= sp->base &&
	    depth - sp->base <= BX_MAX_DEPTH) {
		sp->n[sp->nsp] = n;
		sp->what[sp->nsp] = (uint8_t)what;
		sp->depth[sp->nsp] = (uint8_t)(depth - sp->base);
	} else
		sp->nsp = BX_SPLICE_MAX;	/* (counted as too many) */
	sp->nsp++;
}

static void
scan_elem(struct bx_dec *d, const struct bx_node *e,
    const struct bx_inst *inst, int what, int depth, struct fields *f)
{
	switch (what) {
	case SCAN_TOP:
		if (e->name->id == NM_EVENT)
			bx_scan_list(d, e->kids, inst, SCAN_EVENT, depth + 1, f);
		break;
	case SCAN_EVENT:
		switch (e->name->id) {
		case NM_SYSTEM:
			bx_scan_list(d, e->kids, inst, SCAN_SYSTEM, depth + 1, f);
			break;
		case NM_EVENTDATA:
			set_ref(f, &f->edata, e, inst);
			break;
		case NM_USERDATA:
			set_ref(f, &f->udata, e, inst);
			break;
		}
		break;
	case SCAN_SYSTEM:
		switch (e->name->id) {
		case NM_PROVIDER:
			set_ref(f, &f->prov, attr(e, NM_NAME), inst);
			break;
		case NM_EVENTID:
			set_ref(f, &f->eid, e, inst);
			break;
		case NM_VERSION:
			set_ref(f, &f->ver, e, inst);
			break;
		case NM_TIMECREATED:
			set_ref(f, &f->time, attr(e, NM_SYSTEMTIME), inst);
			break;
		case NM_EVENTRECORDID:
			set_ref(f, &f->recid, e, inst);
			break;
		case NM_CHANNEL:
			set_ref(f, &f->chan, e, inst);
			break;
		case NM_COMPUTER:
			set_ref(f, &f->comp, e, inst);
			break;
		case NM_SECURITY:
			set_ref(f, &f->uid, attr(e, NM_USERID), inst);
			break;
		}
		break;
	}
}

/* One node of a list at depth (bx_scan_list()). */
static inline void
scan_one(struct bx_dec *d, const struct bx_node *n,
    const struct bx_inst *inst, int what, int depth, struct fields *f)
{
	if (n->kind == NK_ELEM) {
		scan_elem(d, n, inst, what, depth, f);
	} else if (n->kind == NK_TINST) {
		if (inst == NULL)
			note_splice(f, n, what, depth);
		else if (n->inst->tpl == NULL) {
			if (f->unres == NULL)
				f->unres = n->inst;
		} else
			bx_scan_list(d, n->inst->tpl->top, n->inst, what,
			    depth + 1, f);
	} else if (n->kind == NK_SUBST) {
		const struct bx_val *v;

		if (inst == NULL) {
			if (n->vtype == V_BINXML || n->vtype == V_EVTXML)
				note_splice(f, n, what, depth);
			return;
		}
		v = subst_val(n, inst);
		if (v != NULL && v->type == V_BINXML)
			bx_scan_list(d, bx_nested(d, v, depth), inst, what,
			    depth + 1, f);
	}
}

/*
 * Walks the element nodes of list (what: which level), splicing nested
 * BinXml values and template instances in place.  With inst NULL (a
 * template's own scan) splice points are only noted (f->splice, f->sp).
 */
void
bx_scan_list(struct bx_dec *d, const struct bx_node *list,
    const struct bx_inst *inst, int what, int depth, struct fields *f)
{
	if (depth > BX_MAX_DEPTH)
		return;
	for (const struct bx_node *n = list; n != NULL; n = n->next) {
		if (++d->work > BX_MAX_WORK)
			return;
		scan_one(d, n, inst, what, depth, f);
	}
}

void
bx_scan_node(struct bx_dec *d, const struct bx_node *n,
    const struct bx_inst *inst, int what, int depth, struct fields *f)
{
	if (depth > BX_MAX_DEPTH || ++d->work > BX_MAX_WORK)
		return;
	scan_one(d, n, inst, what, depth, f);
}
