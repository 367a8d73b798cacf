/*
 * explain.c -- why a rule matched an event (sigma_explain(), sigma.h).
 *
 * Matching records nothing of why a rule hit: that would cost every
 * event.  For the few (rule, event) pairs that hit, this file evaluates
 * the rule again, after the fact, the plain way (no prefilter scan, no
 * memo: match.c's WITHOUT THE PREFILTER path, but with the shortcuts that
 * need no scan: literal chains before a regex runs), and walks its
 * condition: under AND it descends into every true kid, under OR into
 * every true selection of the condition but only the first true
 * alternative inside a selection (a list of maps), never under NOT (a
 * filter that excluded nothing is no reason), and at a true item lists
 * the value that made it true -- the first of an OR list, each of an
 * |all list -- with where in the event's value it matched.  A rule true
 * only through a NOT ("not known_image_extension") gets that selection,
 * negated, with its fields' values instead (walk_not).
 *
 * Positions: a regular expression runs on the value as logged (pcre2's
 * match gives the span); other literals are compared folded, so the
 * match is found in the folded value and mapped back to the bytes of
 * the value as logged, code point by code point.  Tests without a
 * literal (null, exists, numbers, CIDR, fieldref, wildcards) give the
 * whole value.
 */
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "match_int.h"

struct xctx {
	struct sigma_scratch	*sc;
	struct sigma_why	*why;
	size_t			 n, max;
	char			*buf;		/* a folded value */
	size_t			 cap;
	int			 rc;
};

/* The offset in v (n bytes) where its folded form's byte fo begins. */
static size_t
raw_off(const char *v, size_t n, size_t fo)
{
	size_t i = 0, j = 0;
	char tmp[8];

	while (i < n && j < fo) {
		uint32_t cp;
		size_t l = sigma_utf8_dec((const unsigned char *)v + i, n - i,
		    &cp);

		j += sigma_fold(v + i, l, tmp);
		i += l;
	}
	return i;
}

/* Where p (m bytes) is in s (n bytes) as test kind k wants it, or -1. */
static long
lit_at(int k, const char *s, size_t n, const char *p, size_t m)
{
	if (m > n)
		return -1;
	switch (k) {
	case T_EQ:
		return m == n && memcmp(s, p, m) == 0 ? 0 : -1;
	case T_PREFIX:
		return memcmp(s, p, m) == 0 ? 0 : -1;
	case T_SUFFIX:
		return memcmp(s + n - m, p, m) == 0 ? (long)(n - m) : -1;
	case T_CONTAINS:
		for (size_t i = 0; i + m <= n; i++)
			if (memcmp(s + i, p, m) == 0)
				return (long)i;
		return -1;
	}
	return -1;
}

/* Folds v (n bytes) into x->buf; its folded length, or -1 (no memory). */
static long
fold_buf(struct xctx *x, const char *v, size_t n, bool *ascii)
{
	if (n * 2 + 1 > x->cap) {
		char *b = realloc(x->buf, n * 2 + 1);

		if (b == NULL)
			return -1;
		x->buf = b;
		x->cap = n * 2 + 1;
	}
	return (long)sigma_fold_ascii(v, n, x->buf, ascii);
}

/*
 * A regex that is its chain's runs joined by ".*" (rechain) on a plain
 * value: from its first run to its last, found in order in the folded
 * value (ASCII: the same offsets).  No regex runs: on long values it
 * would cost more than all of matching did.
 */
static int
chain_span(struct xctx *x, const struct test *t, const char *v, size_t n,
    size_t *off, size_t *len)
{
	size_t pos = 0, first = SIZE_MAX;
	bool ascii;
	long fl = fold_buf(x, v, n, &ascii);

	if (fl < 0)
		return -1;
	for (uint32_t i = 0; i < t->chainlen; ) {
		uint32_t m = (unsigned char)t->chain[i++];
		long at = lit_at(T_CONTAINS, x->buf + pos, (size_t)fl - pos,
		    t->chain + i, m);

		if (at < 0)
			return 0;
		if (first == SIZE_MAX)
			first = pos + (size_t)at;
		pos += (size_t)at + m;
		i += m;
	}
	*off = first == SIZE_MAX ? 0 : first;
	*len = pos - *off;
	return 1;
}

/*
 * Whether string or regex test t matches v (n bytes, as logged); *off,
 * *len the part that matched (the whole value for a test without a
 * literal).  -1 when out of memory.
 */
static int
value_span(struct xctx *x, const struct test *t, const char *v, size_t n,
    size_t *off, size_t *len)
{
	struct sigma_scratch *sc = x->sc;
	bool ascii;
	long at, fl;

	*off = 0;
	*len = n;
	if (t->kind == T_RE && t->rechain && t->chain != NULL &&
	    match_plain(v, n))
		return chain_span(x, t, v, n, off, len);
	if (t->kind == T_RE) {
		PCRE2_SIZE *ov;

		if (pcre2_match(t->re, (PCRE2_SPTR)v, n, 0, 0, sc->md,
		    sc->set->mctx) < 0)
			return 0;
		ov = pcre2_get_ovector_pointer(sc->md);
		if (ov[0] <= ov[1] && ov[1] <= n) {
			*off = ov[0];
			*len = ov[1] - ov[0];
		}
		return 1;
	}
	if (t->cased) {
		if (t->kind == T_ANY || t->kind == T_GLOB)
			return match_str_test(t, v, n);
		at = lit_at(t->kind, v, n, t->lit, t->len);
		if (at >= 0) {
			*off = (size_t)at;
			*len = t->len;
		}
		return at >= 0;
	}
	if ((fl = fold_buf(x, v, n, &ascii)) < 0)
		return -1;
	if (t->kind == T_ANY || t->kind == T_GLOB)
		return match_str_test(t, x->buf, (size_t)fl);
	if ((at = lit_at(t->kind, x->buf, (size_t)fl, t->lit, t->len)) < 0)
		return 0;
	if (ascii) {
		*off = (size_t)at;
		*len = t->len;
		return 1;
	}
	*off = raw_off(v, n, (size_t)at);
	*len = raw_off(v, n, (size_t)at + t->len) - *off;
	return 1;
}

static bool
has_literal(const struct test *t)
{
	return t->kind == T_EQ || t->kind == T_PREFIX ||
	    t->kind == T_SUFFIX || t->kind == T_CONTAINS || t->kind == T_RE ||
	    t->kind == T_ANY || t->kind == T_GLOB;
}

static void
add(struct xctx *x, const char *sel, const struct item *it, uint32_t g,
    const char *data, const char *text, size_t textlen, size_t off,
    size_t len)
{
	const struct sigma_set *set = x->sc->set;
	const char *bar = it->key != NULL ? strchr(it->key, '|') : NULL;

	if (x->n == x->max)
		return;
	x->why[x->n++] = (struct sigma_why){
		.selection = sel,
		.field = it->field == ITEM_KEYWORD ? NULL :
		    set->fields[it->field].name,
		.mods = bar != NULL ? bar + 1 : "",
		.value = it->gsrc[g],
		.data = data,
		.text = text,
		.textlen = textlen,
		.off = off,
		.len = len,
	};
}

/* Group g of a field item: its first test that is true, listed. */
static bool
field_group(struct xctx *x, const char *sel, const struct item *it,
    uint32_t g, struct fval *fv)
{
	const struct group *gr = &it->groups[g];

	for (uint32_t k = 0; k < gr->n; k++) {
		const struct test *t = &it->tests[gr->first + k];
		size_t off = 0, len = 0;
		int s;

		if (match_test(x->sc, t, it->field, fv) != T)
			continue;
		if (fv->state != ST_PRESENT) {
			add(x, sel, it, g, NULL, NULL, 0, 0, 0);
			return true;
		}
		len = fv->vlen;
		if (has_literal(t) &&
		    (s = value_span(x, t, fv->v, fv->vlen, &off, &len)) <= 0) {
			if (s < 0)
				x->rc = EV_ENOMEM;
			off = 0;
			len = fv->vlen;
		}
		add(x, sel, it, g, NULL, fv->v, fv->vlen, off, len);
		return true;
	}
	return false;
}

/* Group g of a keyword item: the first EventData value it is in. */
static bool
keyword_group(struct xctx *x, const char *sel, const struct item *it,
    uint32_t g)
{
	const struct ev_event *ev = x->sc->ev;
	const struct group *gr = &it->groups[g];

	for (uint32_t i = 0; i < ev->ndata; i++) {
		const char *v = ev->data[i].value;
		size_t n = data_len(ev, i);

		for (uint32_t k = 0; k < gr->n; k++) {
			size_t off, len;
			int s = value_span(x, &it->tests[gr->first + k], v, n,
			    &off, &len);

			if (s < 0) {
				x->rc = EV_ENOMEM;
				return false;
			}
			if (s > 0) {
				add(x, sel, it, g, ev->data[i].name, v, n, off,
				    len);
				return true;
			}
		}
	}
	return false;
}

static void
item_why(struct xctx *x, const char *sel, const struct item *it)
{
	struct fval *fv = NULL;

	if (it->field != ITEM_KEYWORD)
		fv = resolve(x->sc, it->field);
	for (uint32_t g = 0; g < it->ngroups && x->rc == 0; g++) {
		bool hit = fv != NULL ? field_group(x, sel, it, g, fv) :
		    keyword_group(x, sel, it, g);

		if (hit && !it->all)
			return;
	}
}

/* The field items of a negated selection, with the event's values. */
static void
not_items(struct xctx *x, const struct node *nd, const char *sel, int depth)
{
	const struct item *it = nd->item;
	struct fval *fv;

	if (depth > SIGMA_MAX_DEPTH * 2)
		return;
	if (nd->op != N_ITEM) {
		for (uint32_t i = 0; i < nd->n; i++)
			not_items(x, nd->kid[i], sel, depth + 1);
		return;
	}
	if (it->field == ITEM_KEYWORD || it->ngroups == 0)
		return;
	if (x->n == x->max)
		return;
	fv = resolve(x->sc, it->field);
	if (fv->state == ST_PRESENT)
		add(x, sel, it, 0, NULL, fv->v, fv->vlen, 0, fv->vlen);
	else
		add(x, sel, it, 0, NULL, NULL, 0, 0, 0);
	x->why[x->n - 1].negated = true;
	x->why[x->n - 1].value = NULL;
}

/*
 * The true parts of nd, not under a NOT; sel: the enclosing selection.
 * known: nd is known to be true (a kid of a true AND), so it is not
 * evaluated again.
 */
static void
walk(struct xctx *x, const struct node *nd, const char *sel, int depth,
    bool known)
{
	if (nd->sel != NULL)
		sel = nd->sel;
	if (depth > SIGMA_MAX_DEPTH * 2 || x->rc != 0 ||
	    (!known && match_eval(x->sc, nd) != T))
		return;
	switch (nd->op) {
	case N_ITEM:
		item_why(x, sel, nd->item);
		break;
	case N_AND:
		for (uint32_t i = 0; i < nd->n; i++)
			walk(x, nd->kid[i], sel, depth + 1, true);
		break;
	case N_OR:
		/* in the condition, every true selection; inside one, the
		   first true alternative (its list of maps) */
		for (uint32_t i = 0; i < nd->n; i++) {
			size_t n = x->n;

			walk(x, nd->kid[i], sel, depth + 1, false);
			if (sel != NULL && x->n > n)
				break;
		}
		break;
	case N_NOT:
		break;
	}
}

/*
 * A rule true only through a NOT: under the top of its condition (ANDs),
 * the first NOT of a selection, its fields' values listed as negated.
 */
static bool
walk_not(struct xctx *x, const struct node *nd, int depth)
{
	if (depth > SIGMA_MAX_DEPTH * 2)
		return false;
	if (nd->op == N_AND) {
		for (uint32_t i = 0; i < nd->n; i++)
			if (walk_not(x, nd->kid[i], depth + 1))
				return true;
		return false;
	}
	if (nd->op != N_NOT || nd->kid[0]->sel == NULL)
		return false;
	not_items(x, nd->kid[0], nd->kid[0]->sel, depth + 1);
	return x->n > 0;
}

int
sigma_explain(const struct sigma_set *set, struct sigma_scratch *sc,
    uint32_t i, const struct ev_event *ev, struct sigma_why *why,
    size_t max)
{
	struct xctx x = { sc, why, 0, max, NULL, 0, 0 };
	const struct sigma_compiled *c;
	bool noprefilter = sc->noprefilter;
	int rc;

	if (i >= set->nrules || !sigma_rule_runs(set->rules[i]))
		return 0;
	c = set->rules[i]->compiled;
	if ((rc = match_start(sc, ev)) != 0)
		return rc == 1 ? 0 : rc;
	if (!sigma_srcset_has(&set->rules[i]->sources, sc->cls))
		return 0;
	sc->noprefilter = true;
	sc->explaining = true;
	sc->mapped = c->map4688;
	walk(&x, c->root, NULL, 0, false);
	if (x.n == 0 && x.rc == 0 && match_eval(sc, c->root) == T)
		(void)walk_not(&x, c->root, 0);
	sc->noprefilter = noprefilter;
	sc->explaining = false;
	free(x.buf);
	return x.rc != 0 ? x.rc : (int)x.n;
}
