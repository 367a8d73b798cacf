/*
 * binxml.c -- EVTX binary XML to struct ev_record fields (see binxml.h).
 *
 * Token stream (offsets of names and templates are relative to the chunk):
 *   0x00 EOF
 *   0x01/0x41 OpenStartElement: [dependency id u16] data size u32,
 *             name offset u32 [inline name], [0x41: attr list size u32]
 *   0x02 CloseStartElement   0x03 CloseEmptyElement   0x04 EndElement
 *   0x05/0x45 Value text: type u8 (0x01), count u16, UTF-16 chars
 *   0x06/0x46 Attribute: name offset u32 [inline name], then value tokens
 *   0x07/0x47 CDATA: count u16, UTF-16    0x08/0x48 CharRef: u16
 *   0x09/0x49 EntityRef: name offset u32 [inline name]
 *   0x0a PITarget: name     0x0b PIData: count u16, UTF-16
 *   0x0c TemplateInstance: u8, id u32, definition offset u32, [inline
 *        definition: next u32, GUID[16], data size u32, data], value
 *        count u32, count x (size u16, type u8, pad u8), values
 *   0x0d/0x0e Normal/Optional substitution: index u16, type u8
 *   0x0f FragmentHeader: major u8, minor u8, flags u8
 * Name (at its offset): next u32, hash u16, count u16, UTF-16[count], 0 u16
 *
 * A stream is parsed into a small tree of nodes (elements, attributes and
 * text pieces: literal UTF-16, CDATA, references, substitutions, nested
 * template instances).  Template trees live in the chunk arena and are
 * built once per chunk; record trees live in the record arena.  Fields are
 * then found by walking Event/System/... with substitution values from
 * the record's template instance; nested BinXml values (type 0x21) and
 * template instances are spliced in place where they occur.
 *
 * Speed (the hot path never calls malloc once buffers have grown): every
 * string a record delivers is rendered once, straight into one per-record
 * buffer (out), at offsets that become pointers when the record is done;
 * Data/@Name literals are converted once per template (node lit).  Value
 * text and UTF-16 conversion are in binxml_value.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ev_arena.h"
#include "../ev_err.h"
#include "../ev_time.h"
#include "../ev_util.h"
#include "binxml_int.h"

static const char *const known_names[NM_MAX] = {
	[NM_EVENT] = "Event", [NM_SYSTEM] = "System",
	[NM_PROVIDER] = "Provider", [NM_NAME] = "Name",
	[NM_EVENTID] = "EventID", [NM_VERSION] = "Version",
	[NM_TIMECREATED] = "TimeCreated", [NM_SYSTEMTIME] = "SystemTime",
	[NM_EVENTRECORDID] = "EventRecordID", [NM_CHANNEL] = "Channel",
	[NM_COMPUTER] = "Computer", [NM_SECURITY] = "Security",
	[NM_USERID] = "UserID", [NM_EVENTDATA] = "EventData",
	[NM_USERDATA] = "UserData", [NM_DATA] = "Data",
};

/* strlen of known_names[] */
static const uint8_t known_len[NM_MAX] = {
	[NM_EVENT] = 5, [NM_SYSTEM] = 6, [NM_PROVIDER] = 8, [NM_NAME] = 4,
	[NM_EVENTID] = 7, [NM_VERSION] = 7, [NM_TIMECREATED] = 11,
	[NM_SYSTEMTIME] = 10, [NM_EVENTRECORDID] = 13, [NM_CHANNEL] = 7,
	[NM_COMPUTER] = 8, [NM_SECURITY] = 8, [NM_USERID] = 6,
	[NM_EVENTDATA] = 9, [NM_USERDATA] = 8, [NM_DATA] = 4,
};

struct bx_dec *
bx_new(void)
{
	struct bx_dec *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	ev_arena_init(&d->carena);
	ev_arena_init(&d->rarena);
	d->gen = 1;
	return d;
}

void
bx_free(struct bx_dec *d)
{
	if (d == NULL)
		return;
	ev_arena_release(&d->carena);
	ev_arena_release(&d->rarena);
	free(d->sb.p);
	free(d->out.p);
	free(d->pend);
	free(d->pairs);
	free(d->defs);
	free(d->tdefs);
	free(d);
}

void
bx_chunk(struct bx_dec *d, const uint8_t *c, uint32_t len)
{
	d->c = c;
	d->clen = len;
	if (++d->gen == 0) {
		memset(d->names, 0, sizeof(d->names));
		memset(d->tpls, 0, sizeof(d->tpls));
		d->defs_gen = d->tdefs_gen = d->slack_gen = 0;
		d->gen = 1;
	}
	ev_arena_reset(&d->carena);
}

/* ---- names and the parser ---- */

static const struct bx_name *
name_get(struct bx_dec *d, uint32_t off)
{
	struct name_slot *s = NULL;
	struct bx_name *nm;
	struct sbuf *tmp = &d->sb;	/* scratch: no field text is live */
	uint32_t h, n, i;
	char *str;

	h = bx_slot_hash(off, NAME_SLOTS);
	for (i = 0; i < 16; i++) {
		struct name_slot *t = &d->names[(h + i) & (NAME_SLOTS - 1)];

		if (t->gen != d->gen) {
			s = t;
			break;
		}
		if (t->off == off)
			return t->nm;
	}
	if (off > d->clen || d->clen - off < 10)
		return NULL;
	n = le16(d->c + off + 6);
	if ((d->clen - off - 10) / 2 < n ||
	    (!d->sound && !bx_name_sound(d->c + off, n, d->clen))) {
		if (s != NULL) {	/* remembered: not hashed again */
			s->off = off;
			s->gen = d->gen;
			s->nm = NULL;
		}
		return NULL;
	}
	tmp->len = 0;
	bx_sb_utf16(tmp, d->c + off + 8, n);
	if (tmp->oom) {
		d->oom = true;
		return NULL;
	}
	nm = ev_arena_alloc(&d->carena, sizeof(*nm));
	str = ev_arena_strndup(&d->carena, tmp->len ? tmp->p : "", tmp->len);
	if (nm == NULL || str == NULL) {
		d->oom = true;
		return NULL;
	}
	nm->s = str;
	nm->len = tmp->len;
	nm->id = NM_OTHER;
	for (int k = 1; k < NM_MAX; k++)
		if (known_len[k] == nm->len && memcmp(str, known_names[k],
		    nm->len) == 0) {
			nm->id = (uint8_t)k;
			break;
		}
	if (s != NULL) {
		s->off = off;
		s->gen = d->gen;
		s->nm = nm;
	}
	return nm;
}

/* Reads a name reference at *pos; skips an inline name.  NULL on error. */
static const struct bx_name *
parse_name(struct parser *p, uint32_t *pos)
{
	const uint8_t *c = p->d->c;
	uint32_t off;

	if (p->end - *pos < 4)
		return NULL;
	off = le32(c + *pos);
	*pos += 4;
	if (off == *pos) {
		uint32_t n;

		if (p->end - *pos < 10)
			return NULL;
		n = le16(c + off + 6);
		if ((p->end - *pos - 10) / 2 < n)
			return NULL;
		*pos += 10 + 2 * n;
	}
	return name_get(p->d, off);
}

static struct bx_node *
new_node(struct parser *p, uint8_t kind)
{
	struct bx_node *n = ev_arena_calloc(p->arena, sizeof(*n));

	if (n == NULL)
		p->d->oom = true;
	else
		n->kind = kind;
	return n;
}

/* A length-prefixed UTF-16 string at *pos into n. */
static bool
parse_str16(struct parser *p, uint32_t *pos, struct bx_node *n)
{
	uint32_t cnt;

	if (p->end - *pos < 2)
		return false;
	cnt = le16(p->d->c + *pos);
	*pos += 2;
	if ((p->end - *pos) / 2 < cnt)
		return false;
	n->ptr = p->d->c + *pos;
	n->len = cnt;
	*pos += 2 * cnt;
	return true;
}

static struct bx_node *parse_elem(struct parser *, uint32_t *pos);

#define MAX_SUBST	1024	/* substitution indexes of a template */

/*
 * Notes the declared type of substitution index num in the template
 * being parsed (the first declaration of an index counts); false when
 * out of memory or past MAX_SUBST.
 */
static bool
note_subst(struct parser *p, uint32_t num, uint8_t type)
{
	struct bx_tpl *t = p->tpl;

	if (num >= MAX_SUBST)
		return false;
	if (num >= p->cap) {
		uint32_t cap = p->cap ? p->cap : 32;
		uint8_t *v;

		while (cap <= num)
			cap *= 2;
		if ((v = ev_arena_alloc(p->arena, cap)) == NULL) {
			p->d->oom = true;
			return false;
		}
		if (t->nsub > 0)
			memcpy(v, t->decl, t->nsub);
		t->decl = v;
		p->cap = cap;
	}
	if (num >= t->nsub) {
		memset(t->decl + t->nsub, DECL_NONE, num + 1 - t->nsub);
		t->nsub = num + 1;
	}
	if (t->decl[num] == DECL_NONE)
		t->decl[num] = type;
	return true;
}

/*
 * Template instance at *pos (its token): 0x0c, u8, template id u32 (the
 * first 4 bytes of the definition's GUID), definition offset u32, then
 * the definition when it follows inline, the value count and values.
 * A record copied elsewhere (slack) still carries the inline definition
 * of the template it introduced, while its offset names the original
 * place, where another template may live now.  The template is used
 * only once verified (bx_tpl_resolve()); when none is, inst->tpl is NULL.
 */
static struct bx_node *
parse_tinst(struct parser *p, uint32_t *pos)
{
	const uint8_t *c = p->d->c;
	struct bx_node *n;
	struct bx_inst *inst;
	struct bx_val *vals;
	const uint8_t *desc;
	uint32_t id, def, own = NO_TPL, nvals;

	if (p->end - *pos < 10)
		return NULL;
	id = le32(c + *pos + 2);
	def = le32(c + *pos + 6);
	*pos += 10;
	if (def == *pos || (p->end - *pos >= 24 && le32(c + *pos + 4) == id &&
	    le32(c + *pos + 20) <= p->end - *pos - 24)) {
		uint32_t size;

		if (p->end - *pos < 24)
			return NULL;
		size = le32(c + *pos + 20);
		if (p->end - *pos - 24 < size)
			return NULL;
		own = *pos;
		if (p->d->ninline < INLINE_MAX) {	/* bx_record_inline() */
			p->d->inline_id[p->d->ninline] = id;
			p->d->inline_off[p->d->ninline++] = own;
		}
		*pos += 24 + size;
	}
	if (p->end - *pos < 4)
		return NULL;
	nvals = le32(c + *pos);
	*pos += 4;
	if ((p->end - *pos) / 4 < nvals)
		return NULL;
	desc = c + *pos;
	*pos += 4 * nvals;
	/* node, instance and values in one piece */
	{
		struct tinst_mem {
			struct bx_node	n;
			struct bx_inst	inst;
			struct bx_val	vals[];
		} *m = ev_arena_alloc(p->arena, sizeof(*m) + (size_t)nvals *
		    sizeof(m->vals[0]));

		if (m == NULL) {
			p->d->oom = true;
			return NULL;
		}
		memset(&m->n, 0, sizeof(m->n));
		m->n.kind = NK_TINST;
		n = &m->n;
		inst = &m->inst;
		vals = m->vals;
	}
	/* (locals: stores to vals[] could alias *pos) */
	{
		uint32_t at = *pos, end = p->end;

		for (uint32_t i = 0; i < nvals; i++) {
			uint32_t size = le16(desc + 4 * i);

			if (end - at < size)
				return NULL;
			vals[i].p = c + at;
			vals[i].size = size;
			vals[i].type = desc[4 * i + 2];
			at += size;
		}
		*pos = at;
	}
	inst->vals = vals;
	inst->nvals = nvals;
	inst->id = id;
	inst->tpl = bx_tpl_resolve(p->d, id, def, own, inst, p->depth + 1);
	if (inst->tpl == NULL && p->d->oom)
		return NULL;	/* (else found at the record's end) */
	n->inst = inst;
	return n;
}

/*
 * One content piece at *pos (token t): a node, or NULL with *skip set for
 * tokens that add nothing (PI, fragment headers), or NULL on error.
 */
static struct bx_node *
parse_piece(struct parser *p, uint32_t *pos, uint8_t t, bool *skip)
{
	const uint8_t *c = p->d->c;
	struct bx_node *n;

	*skip = false;
	switch (t) {
	case T_VALUE:
		if (p->end - *pos < 2)
			return NULL;
		if (c[*pos + 1] != V_STRING)
			return NULL;
		*pos += 2;
		if ((n = new_node(p, NK_TEXT)) == NULL ||
		    !parse_str16(p, pos, n))
			return NULL;
		return n;
	case T_CDATA:
		(*pos)++;
		if ((n = new_node(p, NK_CDATA)) == NULL ||
		    !parse_str16(p, pos, n))
			return NULL;
		return n;
	case T_CHARREF:
		if (p->end - *pos < 3)
			return NULL;
		if ((n = new_node(p, NK_CHARREF)) == NULL)
			return NULL;
		n->num = le16(c + *pos + 1);
		*pos += 3;
		return n;
	case T_ENTREF:
		(*pos)++;
		if ((n = new_node(p, NK_ENTREF)) == NULL ||
		    (n->name = parse_name(p, pos)) == NULL)
			return NULL;
		return n;
	case T_SUBST:
	case T_OSUBST:
		if (p->end - *pos < 4)
			return NULL;
		if ((n = new_node(p, NK_SUBST)) == NULL)
			return NULL;
		n->optional = t == T_OSUBST;
		n->num = le16(c + *pos + 1);
		n->vtype = c[*pos + 3];
		*pos += 4;
		if (p->tpl != NULL && !note_subst(p, n->num, n->vtype))
			return NULL;
		return n;
	case T_TEMPLATE:
		return parse_tinst(p, pos);
	case T_PITARGET:
		(*pos)++;
		if (parse_name(p, pos) == NULL)
			return NULL;
		*skip = true;
		return NULL;
	case T_PIDATA: {
		struct bx_node tmp;

		(*pos)++;
		if (!parse_str16(p, pos, &tmp))
			return NULL;
		*skip = true;
		return NULL;
	}
	case T_FRAGMENT:
		if (p->end - *pos < 4)
			return NULL;
		*pos += 4;
		*skip = true;
		return NULL;
	}
	return NULL;
}

/*
 * Content until EndElement (in_elem) or EOF / end of stream; appends to
 * *head.  0 or -1.
 */
int
bx_parse_content(struct parser *p, uint32_t *pos, struct bx_node **head,
    bool in_elem)
{
	struct bx_node **tail = head, *n;
	bool skip;

	while (*pos < p->end) {
		uint8_t raw = p->d->c[*pos], t = raw & ~T_MORE;

		if (++p->d->work > BX_MAX_WORK || (raw & 0xb0) != 0)
			return -1;
		if (t == T_EOF) {
			(*pos)++;
			return in_elem ? -1 : 0;
		}
		if (t == T_END) {
			if (!in_elem)
				return -1;
			(*pos)++;
			return 0;
		}
		if (t == T_OPEN)
			n = parse_elem(p, pos);
		else if (t == T_CLOSE_START || t == T_CLOSE_EMPTY ||
		    t == T_ATTR)
			return -1;
		else {
			n = parse_piece(p, pos, t, &skip);
			if (n == NULL && skip)
				continue;
		}
		if (n == NULL)
			return -1;
		*tail = n;
		tail = &n->next;
	}
	return in_elem ? -1 : 0;
}

/*
 * Where an element header with (dep) or without a dependency id puts its
 * name: 2 inline (right after the offset), 1 an earlier offset in the
 * chunk, 0 nowhere sensible.
 */
static int
elem_name_fit(struct parser *p, uint32_t start, bool dep)
{
	uint32_t at = start + 1 + (dep ? 2 : 0) + 4, off, n;

	if (p->end - start < 1 + (dep ? 2u : 0u) + 8)
		return 0;
	off = le32(p->d->c + at);
	if (off == at + 4)
		return 2;
	if (off < 512 || off >= start || p->d->clen - off < 10)
		return 0;
	n = le16(p->d->c + off + 6);
	return (p->d->clen - off - 10) / 2 >= n ? 1 : 0;
}

/*
 * An element parsed: the declared type of its content when that is one
 * substitution (e->vtype), and, for a Data element whose Name attribute
 * is one literal text, its UTF-8, made once here (once per template) and
 * set in the attribute's lit, so records use it as it is.  false when
 * out of memory.
 */
static bool
data_name(struct parser *p, struct bx_node *e)
{
	struct bx_node *a;
	struct sbuf *b = &p->d->sb;

	if (e->kids != NULL && e->kids->next == NULL &&
	    e->kids->kind == NK_SUBST)
		e->vtype = e->kids->vtype;
	if (e->name->id != NM_DATA)
		return true;
	for (a = e->attrs; a != NULL; a = a->next)
		if (a->name->id == NM_NAME)
			break;
	if (a == NULL || a->kids == NULL || a->kids->next != NULL ||
	    a->kids->kind != NK_TEXT)
		return true;
	b->len = 0;
	bx_sb_utf16(b, a->kids->ptr, a->kids->len);
	if (b->oom || (a->lit = ev_arena_strndup(p->arena, b->len ? b->p : "",
	    b->len)) == NULL) {
		p->d->oom = true;
		return false;
	}
	return true;
}

static struct bx_node *
parse_elem(struct parser *p, uint32_t *pos)
{
	const uint8_t *c = p->d->c;
	uint8_t t = c[*pos];
	struct bx_node *n, *a = NULL, **atail, **vtail = NULL, *v;
	bool dep = p->dep, skip;

	/*
	 * Template definitions carry a dependency id in element headers,
	 * records and nested BinXml values do not; writers disagree, so the
	 * other layout is taken when only it places the name sensibly.
	 */
	{
		int fit = elem_name_fit(p, *pos, dep);
		int other = elem_name_fit(p, *pos, !dep);

		if (other > fit)
			dep = !dep;
		else if (fit == 0)
			return NULL;
	}
	if (p->depth + 1 > BX_MAX_DEPTH)
		return NULL;
	*pos += 1 + (dep ? 2 : 0) + 4;
	if ((n = new_node(p, NK_ELEM)) == NULL ||
	    (n->name = parse_name(p, pos)) == NULL)
		return NULL;
	if (t & T_MORE) {
		if (p->end - *pos < 4)
			return NULL;
		*pos += 4;
	}
	atail = &n->attrs;
	for (;;) {
		uint8_t raw, u;

		if (*pos >= p->end || ++p->d->work > BX_MAX_WORK)
			return NULL;
		raw = c[*pos];
		u = raw & ~T_MORE;
		if ((raw & 0xb0) != 0)
			return NULL;
		if (u == T_ATTR) {
			(*pos)++;
			if ((a = new_node(p, NK_ATTR)) == NULL ||
			    (a->name = parse_name(p, pos)) == NULL)
				return NULL;
			*atail = a;
			atail = &a->next;
			vtail = &a->kids;
			continue;
		}
		if (u == T_CLOSE_START) {
			(*pos)++;
			p->depth++;
			if (bx_parse_content(p, pos, &n->kids, true) != 0)
				return NULL;
			p->depth--;
			return data_name(p, n) ? n : NULL;
		}
		if (u == T_CLOSE_EMPTY) {
			(*pos)++;
			return data_name(p, n) ? n : NULL;
		}
		if (vtail == NULL || u == T_OPEN || u == T_END || u == T_EOF)
			return NULL;
		v = parse_piece(p, pos, u, &skip);
		if (v == NULL) {
			if (skip)
				continue;
			return NULL;
		}
		*vtail = v;
		vtail = &v->next;
	}
}

/* ---- nested BinXml values ---- */

/* Parses a nested BinXml value into a node list (record arena). */
struct bx_node *
bx_nested(struct bx_dec *d, const struct bx_val *v, int depth)
{
	struct parser p;
	struct bx_node *head = NULL;
	/* (wraps to a big number below d->c) */
	uintptr_t off = (uintptr_t)v->p - (uintptr_t)d->c;
	uint32_t pos;

	if (depth + 1 > BX_MAX_DEPTH)
		return NULL;
	/* (a value of another chunk's template: not this chunk's bytes) */
	if (off > d->clen || d->clen - off < v->size)
		return NULL;
	p.d = d;
	p.arena = &d->rarena;
	pos = (uint32_t)off;
	p.end = pos + v->size;
	p.dep = false;
	p.depth = depth + 1;
	p.tpl = NULL;
	if (bx_parse_content(&p, &pos, &head, false) != 0)
		return NULL;
	return head;
}

/* ---- text of a field ---- */

static void
text_list(struct bx_dec *d, struct sbuf *b, const struct bx_node *list,
    const struct bx_inst *inst, int depth)
{
	for (const struct bx_node *n = list; n != NULL; n = n->next) {
		if (++d->work > BX_MAX_WORK)
			return;
		switch (n->kind) {
		case NK_TEXT:
		case NK_CDATA:
			bx_sb_utf16_val(b, n->ptr, n->len);
			break;
		case NK_CHARREF:
			if (n->num != 0 && sb_reserve(b, 4)) {
				uint32_t cp = n->num;

				if (cp >= 0xd800 && cp <= 0xdfff)
					cp = 0xfffd;
				put_cp(b->p, &b->len, cp);
			}
			break;
		case NK_ENTREF: {
			static const struct { const char *n, *v; } ents[] = {
				{ "amp", "&" }, { "lt", "<" }, { "gt", ">" },
				{ "quot", "\"" }, { "apos", "'" },
			};
			size_t i;

			for (i = 0; i < NELEM(ents); i++)
				if (strcmp(n->name->s, ents[i].n) == 0) {
					bx_sb_add(b, ents[i].v, 1);
					break;
				}
			if (i == NELEM(ents)) {
				bx_sb_add(b, "&", 1);
				bx_sb_add(b, n->name->s, n->name->len);
				bx_sb_add(b, ";", 1);
			}
			break;
		}
		case NK_SUBST: {
			const struct bx_val *v = subst_val(n, inst);

			if (v == NULL || v->type == V_BINXML)
				break;
			if (v->type == V_STRING)
				bx_sb_utf16_val(b, v->p, v->size / 2);
			else
				bx_render_val(b, v->type, v->p, v->size);
			break;
		}
		case NK_TINST:
			if (depth < BX_MAX_DEPTH && n->inst->tpl != NULL)
				text_list(d, b, n->inst->tpl->top, n->inst,
				    depth + 1);
			break;
		}
	}
}

/* Text of r into d->sb (reset first); false when r is absent. */
static bool
text(struct bx_dec *d, const struct fref *r)
{
	d->sb.len = 0;
	if (r->n == NULL)
		return false;
	text_list(d, &d->sb, r->n->kids, r->inst, 0);
	return true;
}

#define NO_OFF	UINT32_MAX

/*
 * Text of r appended to d->out with its NUL; returns its offset there, or
 * NO_OFF when r is absent (or empty with null_if_empty).  Offsets become
 * pointers in bx_record() once out no longer grows.
 */
static uint32_t
out_text(struct bx_dec *d, const struct fref *r, bool null_if_empty)
{
	uint32_t start = d->out.len;

	const struct bx_node *k;

	if (r->n == NULL)
		return NO_OFF;
	k = r->n->kids;
	if (k != NULL && k->next == NULL && k->kind == NK_SUBST &&
	    r->inst != NULL && k->num < r->inst->nvals) {
		/* the usual value: one substitution (as text_list does it) */
		const struct bx_val *v = &r->inst->vals[k->num];

		if (++d->work > BX_MAX_WORK)
			;	/* over the limit: nothing, as text_list */
		else if (v->type == V_STRING)
			bx_sb_utf16_val(&d->out, v->p, v->size / 2);
		else if (v->type != V_BINXML)
			bx_render_val(&d->out, v->type, v->p, v->size);
	} else {
		text_list(d, &d->out, k, r->inst, 0);
	}
	if (null_if_empty && d->out.len == start)
		return NO_OFF;
	if (sb_reserve(&d->out, 0))
		d->out.p[d->out.len++] = '\0';
	return start;
}

static const char *
out_ptr(const struct bx_dec *d, uint32_t off)
{
	return off == NO_OFF ? NULL : d->out.p + off;
}

/* Unsigned number of a field; its value directly when it is one. */
static bool
field_uint(struct bx_dec *d, const struct fref *r, uint64_t *out)
{
	const struct bx_node *k;
	uint64_t v = 0;

	if (r->n == NULL)
		return false;
	k = r->n->kids;
	if (k != NULL && k->next == NULL && k->kind == NK_SUBST) {
		const struct bx_val *val = subst_val(k, r->inst);

		if (val == NULL)
			return false;
		switch (val->type) {
		case V_UINT8:
			if (val->size < 1)
				return false;
			*out = val->p[0];
			return true;
		case V_UINT16:
			if (val->size < 2)
				return false;
			*out = le16(val->p);
			return true;
		case V_UINT32:
			if (val->size < 4)
				return false;
			*out = le32(val->p);
			return true;
		case V_UINT64:
			if (val->size < 8)
				return false;
			*out = le64(val->p);
			return true;
		}
	}
	if (!text(d, r) || d->sb.len == 0 || d->sb.len > 20)
		return false;
	for (uint32_t i = 0; i < d->sb.len; i++) {
		char ch = d->sb.p[i];

		if (ch < '0' || ch > '9')
			return false;
		v = v * 10 + (uint64_t)(ch - '0');
	}
	*out = v;
	return true;
}

/* TimeCreated/@SystemTime as FILETIME; 0 when absent or not a FILETIME. */
static uint64_t
field_time(struct bx_dec *d, const struct fref *r)
{
	const struct bx_node *k;
	uint64_t ft;

	if (r->n == NULL)
		return 0;
	k = r->n->kids;
	if (k != NULL && k->next == NULL && k->kind == NK_SUBST) {
		const struct bx_val *val = subst_val(k, r->inst);

		if (val != NULL && val->type == V_FILETIME && val->size >= 8)
			return le64(val->p);
	}
	/* text form: parse the ISO date the way it is printed */
	if (!text(d, r) || !sb_reserve(&d->sb, 1))
		return 0;
	d->sb.p[d->sb.len] = '\0';
	{
		int y, mo, dd, h, mi, s, nd = 0;
		char frac[16] = "";
		uint32_t ticks = 0;

		if (sscanf(d->sb.p, "%4d-%2d-%2dT%2d:%2d:%2d.%15[0-9]", &y, &mo,
		    &dd, &h, &mi, &s, frac) < 6)
			return 0;
		for (int i = 0; i < 7; i++) {
			if (frac[nd] != '\0')
				ticks = ticks * 10 + (uint32_t)(frac[nd++] - '0');
			else
				ticks *= 10;
		}
		if (ev_time_from_fields(y, mo, dd, h, mi, s, ticks, &ft) != 0)
			return 0;
	}
	return ft;
}

/* ---- EventData / UserData pairs ---- */

/* Room for one more pending pair; false when out of memory. */
static bool
pend_grow(struct bx_dec *d)
{
	uint32_t cap = d->cpairs ? d->cpairs * 2 : 64;
	struct ev_pair *pp;
	struct pend *pe;

	if (cap > 1u << 20 ||
	    (pe = realloc(d->pend, cap * sizeof(*pe))) == NULL) {
		d->oom = true;
		return false;
	}
	d->pend = pe;
	if ((pp = realloc(d->pairs, cap * sizeof(*pp))) == NULL) {
		d->oom = true;
		return false;
	}
	d->pairs = pp;
	d->cpairs = cap;
	return true;
}

/* A new pending pair, or NULL when out of memory. */
static inline struct pend *
pend_new(struct bx_dec *d)
{
	if (d->npairs == d->cpairs && !pend_grow(d))
		return NULL;
	return &d->pend[d->npairs++];
}

/* A pair: name (or, when NULL, the string at noff in out) and value r. */
static void
add_pair(struct bx_dec *d, const char *name, uint32_t noff,
    const struct fref *r)
{
	struct pend *pe;

	if (d->npairs == d->cpairs && !pend_grow(d))
		return;
	pe = &d->pend[d->npairs++];
	pe->name = name;
	pe->noff = noff;
	pe->voff = out_text(d, r, false);
}

/*
 * The values of an instance without a verified template, in order, as
 * pairs named "#1", "#2", ... by position (nested BinXml values are
 * left out; their positions stay unused); marks the record unresolved.
 */
static void
add_positional(struct bx_dec *d, const struct bx_inst *inst)
{
	if (!d->unres)
		d->unres_id = inst->id;
	d->unres = true;
	for (uint32_t i = 0; i < inst->nvals; i++) {
		const struct bx_val *v = &inst->vals[i];
		struct pend *pe;
		uint32_t noff;

		if (++d->work > BX_MAX_WORK || d->oom)
			return;
		if (v->type == V_BINXML || !sb_reserve(&d->out, 12))
			continue;
		noff = d->out.len;
		d->out.len += (uint32_t)snprintf(d->out.p + noff, 12, "#%u",
		    i + 1) + 1;
		if ((pe = pend_new(d)) == NULL)
			return;
		pe->name = NULL;
		pe->noff = noff;
		pe->voff = d->out.len;
		if (v->type == V_STRING)
			bx_sb_utf16_val(&d->out, v->p, v->size / 2);
		else
			bx_render_val(&d->out, v->type, v->p, v->size);
		if (sb_reserve(&d->out, 0))
			d->out.p[d->out.len++] = '\0';
	}
}

/*
 * A Data element (or UserData leaf) whose content is one substitution
 * holding an array of strings (UTF-16 or ANSI, each NUL-terminated:
 * Windows PowerShell 400/403/600/800 log their values so) gives one pair
 * per string, in order, all under the element's name, as libevtx renders
 * one element per string.  str_array() is the element's array, or NULL
 * (the caller adds one pair, as for an array without any string); only
 * an element whose template declares a string array is looked at (the
 * test costs one compare on the hot path).
 */
static inline const struct bx_val *
str_array(const struct fref *r)
{
	const struct bx_node *k = r->n->kids;
	const struct bx_val *v;

	if ((uint8_t)(r->n->vtype - (V_STRING | V_ARRAY)) > 1)
		return NULL;
	if (k == NULL || k->next != NULL || k->kind != NK_SUBST ||
	    (v = subst_val(k, r->inst)) == NULL ||
	    (uint8_t)(v->type - (V_STRING | V_ARRAY)) > 1 || v->size < 2)
		return NULL;
	return v;	/* (V_ANSI | V_ARRAY follows V_STRING | V_ARRAY) */
}

static void
add_strings(struct bx_dec *d, const char *name, uint32_t noff,
    const struct bx_val *v)
{
	bool ansi = v->type == (V_ANSI | V_ARRAY);
	uint32_t i = 0, n = ansi ? v->size : v->size / 2;

	while (i < n) {
		struct pend *pe;
		uint32_t j = i;

		if (++d->work > BX_MAX_WORK || d->oom)
			return;
		while (j < n && (ansi ? v->p[j] != 0 : le16(v->p + 2 * j) != 0))
			j++;
		if ((pe = pend_new(d)) == NULL)
			return;
		pe->name = name;
		pe->noff = noff;
		pe->voff = d->out.len;
		if (ansi)
			bx_render_val(&d->out, V_ANSI, v->p + i, j - i);
		else
			bx_sb_utf16(&d->out, v->p + 2 * i, j - i);
		if (sb_reserve(&d->out, 0))
			d->out.p[d->out.len++] = '\0';
		i = j + 1;
	}
}

#define WALK_EVENTDATA	0
#define WALK_USERDATA	1	/* looking for the first child element */
#define WALK_LEAVES	2

static bool
has_elem_kids(const struct bx_node *e)
{
	for (const struct bx_node *k = e->kids; k != NULL; k = k->next)
		if (k->kind == NK_ELEM || k->kind == NK_TINST)
			return true;
	return false;
}

/* Walks elements of list with splicing; returns true to stop. */
static bool
walk_data(struct bx_dec *d, const struct bx_node *list,
    const struct bx_inst *inst, int what, int depth)
{
	if (depth > BX_MAX_DEPTH)
		return true;
	for (const struct bx_node *n = list; n != NULL; n = n->next) {
		if (++d->work > BX_MAX_WORK || d->oom)
			return true;
		if (n->kind == NK_TINST) {
			if (n->inst->tpl == NULL)
				add_positional(d, n->inst);
			else if (walk_data(d, n->inst->tpl->top, n->inst,
			    what, depth + 1))
				return true;
			continue;
		}
		if (n->kind == NK_SUBST) {
			const struct bx_val *v = subst_val(n, inst);

			if (v != NULL && v->type == V_BINXML &&
			    walk_data(d, bx_nested(d, v, depth), inst, what,
			    depth + 1))
				return true;
			continue;
		}
		if (n->kind != NK_ELEM)
			continue;
		switch (what) {
		case WALK_EVENTDATA: {
			const struct bx_node *a;
			const struct bx_val *arr;
			struct fref r = { NULL, inst };
			const char *name = "";
			uint32_t noff = NO_OFF;

			if (n->name->id != NM_DATA)
				break;
			if ((a = attr(n, NM_NAME)) != NULL) {
				if (a->lit != NULL) {
					name = a->lit;
					d->work++;	/* its text node */
				} else {
					r.n = a;
					name = NULL;
					noff = out_text(d, &r, false);
				}
			}
			r.n = n;
			if ((arr = str_array(&r)) != NULL)
				add_strings(d, name, noff, arr);
			else
				add_pair(d, name, noff, &r);
			break;
		}
		case WALK_USERDATA:
			walk_data(d, n->kids, inst, WALK_LEAVES, depth + 1);
			return true;
		case WALK_LEAVES:
			if (has_elem_kids(n)) {
				walk_data(d, n->kids, inst, WALK_LEAVES,
				    depth + 1);
			} else {
				struct fref r = { n, inst };
				const struct bx_val *arr = str_array(&r);

				if (arr != NULL)
					add_strings(d, n->name->s, NO_OFF, arr);
				else
					add_pair(d, n->name->s, NO_OFF, &r);
			}
			break;
		}
	}
	return false;
}

/* ---- records ---- */

/*
 * The fields of a record's tree top into *f: a single template instance
 * takes its template's plan, and when that splices in values (nested
 * BinXml), scans the splice points alone when the plan's fields come
 * first (bx_splices), else the whole template with the values; other
 * trees are scanned, again with the values when the scan met a splice.
 */
static void
record_fields(struct bx_dec *d, const struct bx_node *top, struct fields *f)
{
	if (top->kind == NK_TINST && top->next == NULL &&
	    (!top->inst->tpl->plan.splice ||
	    (top->inst->tpl->sp.nsp <= BX_SPLICE_MAX &&
	    !top->inst->tpl->sp.late))) {
		/* the plan's fields, then (they come first) the splice
		   points alone scanned with the values */
		const struct bx_inst *inst = top->inst;
		const struct bx_splices *sp = &inst->tpl->sp;

		*f = inst->tpl->plan;
		f->prov.inst = f->eid.inst = f->ver.inst = f->time.inst =
		    f->recid.inst = f->chan.inst = f->comp.inst = f->uid.inst =
		    f->edata.inst = f->udata.inst = inst;
		f->sp = NULL;
		if (f->splice)
			d->work++;
		for (uint32_t j = 0; f->splice && j < sp->nsp; j++)
			bx_scan_node(d, sp->n[j], inst, sp->what[j],
			    1 + sp->depth[j], f);
	} else if (top->kind == NK_TINST && top->next == NULL) {
		/* splice points: scan with the values (the scan without them
		   would only meet the instance and note a splice) */
		memset(f, 0, sizeof(*f));
		d->work++;
		bx_scan_list(d, top, top->inst, SCAN_TOP, 0, f);
	} else {
		memset(f, 0, sizeof(*f));
		bx_scan_list(d, top, NULL, SCAN_TOP, 0, f);
		if (f->splice) {
			memset(f, 0, sizeof(*f));
			bx_scan_list(d, top, top->kind == NK_TINST ?
			    top->inst : NULL, SCAN_TOP, 0, f);
		}
	}
}

static int
record_once(struct bx_dec *d, uint32_t off, uint32_t end, bool all,
    struct ev_record *rec)
{
	struct parser p;
	struct bx_node *top = NULL;
	struct fields f;
	uint32_t pos = off, prov, chan, comp, uid, plen;
	uint64_t v;

	ev_arena_reset(&d->rarena);
	d->work = 0;
	d->oom = false;
	d->unres = false;
	d->sb.oom = false;
	d->out.oom = false;
	d->sb.nuls = d->out.nuls = 0;
	d->out.len = 0;
	d->npairs = 0;
	rec->record_id = 0;
	rec->event_id = 0;
	rec->version = 0;
	rec->time = 0;
	rec->provider = rec->channel = rec->computer = rec->user_sid = NULL;
	rec->data = NULL;
	rec->ndata = 0;
	rec->kind = EV_KIND_NONE;
	rec->unresolved = false;
	if (end > d->clen || off >= end)
		return EV_ECORRUPT;
	p.d = d;
	p.arena = &d->rarena;
	p.end = end;
	p.dep = false;
	p.depth = 0;
	p.tpl = NULL;
	if (bx_parse_content(&p, &pos, &top, false) != 0 || top == NULL)
		return d->oom ? EV_ENOMEM : EV_ECORRUPT;
	if (top->kind == NK_TINST && top->inst->tpl == NULL)
		return EV_ECORRUPT;	/* no System values without one */
	record_fields(d, top, &f);
	if (f.eid.n == NULL && f.prov.n == NULL)
		return d->oom ? EV_ENOMEM : EV_ECORRUPT;
	if (field_uint(d, &f.eid, &v) && v <= UINT32_MAX)
		rec->event_id = (uint32_t)v;
	rec->time = field_time(d, &f.time);
	if (!all && !ev_wanted_id(rec->event_id))
		return 0;
	prov = out_text(d, &f.prov, false);
	plen = prov == NO_OFF ? 0 : d->out.len - 1 - prov;
	rec->kind = ev_classify(prov == NO_OFF ? "" : d->out.p + prov, plen,
	    rec->event_id);
	if (!all && rec->kind == EV_KIND_NONE)
		return 0;
	chan = out_text(d, &f.chan, false);
	/* a wanted channel decides, now that it is known */
	if (rec->kind == EV_KIND_GENERIC)
		rec->kind = ev_classify_full(prov == NO_OFF ? "" :
		    d->out.p + prov, plen, chan == NO_OFF ? "" :
		    d->out.p + chan, chan == NO_OFF ? 0 :
		    d->out.len - 1 - chan, rec->event_id);
	if (!all && rec->kind == EV_KIND_NONE)
		return 0;
	comp = out_text(d, &f.comp, false);
	uid = out_text(d, &f.uid, true);
	if (field_uint(d, &f.ver, &v) && v <= 255)
		rec->version = (uint8_t)v;
	if (field_uint(d, &f.recid, &v))
		rec->record_id = v;
	if (f.edata.n != NULL)
		walk_data(d, f.edata.n->kids, f.edata.inst, WALK_EVENTDATA, 0);
	else if (f.udata.n != NULL)
		walk_data(d, f.udata.n->kids, f.udata.inst, WALK_USERDATA, 0);
	else if (f.unres != NULL)
		add_positional(d, f.unres);
	if (d->oom || d->sb.oom || d->out.oom)
		return EV_ENOMEM;
	if (d->work > BX_MAX_WORK)
		return EV_ECORRUPT;
	/* out grows no more: offsets to pointers */
	rec->provider = out_ptr(d, prov);
	rec->channel = out_ptr(d, chan);
	rec->computer = out_ptr(d, comp);
	rec->user_sid = out_ptr(d, uid);
	for (uint32_t i = 0; i < d->npairs; i++) {
		const struct pend *pe = &d->pend[i];

		d->pairs[i].name = pe->name ? pe->name : d->out.p + pe->noff;
		d->pairs[i].value = d->out.p + pe->voff;
	}
	rec->data = d->pairs;
	rec->ndata = d->npairs;
	rec->unresolved = d->unres;
	return 0;
}

/*
 * A template is first looked up without the scan of the chunk's slack
 * (most records never need it, and unwanted ones never do); a record
 * that then cannot be decoded, or is wanted with values left
 * positional, is decoded again with it when it holds a candidate.
 */
int
bx_record(struct bx_dec *d, uint32_t off, uint32_t end, bool all,
    struct ev_record *rec)
{
	int rc;

	/* (one call of record_once: inlined) */
	for (d->full = false;; d->full = true) {
		d->nmissed = d->ninline = d->nasked = 0;
		d->asked_hit = false;
		rc = record_once(d, off, end, all, rec);
		if (d->full || d->nmissed == 0 || (rc != EV_ECORRUPT &&
		    (rc != 0 || !rec->unresolved)) || !bx_tpl_slack_may(d))
			return rc;
	}
}

uint32_t
bx_record_nuls(const struct bx_dec *d)
{
	return d->sb.nuls + d->out.nuls;
}
