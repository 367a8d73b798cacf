/*
 * match.c -- evaluating compiled rules on one normalised event.
 *
 * FIELD VALUES
 *
 * resolve.c finds a field's value on the event (by the event's
 * EventData index or a column, with 4688's mapping and UNKNOWN for what
 * a record does not carry) and folds it, once per event each; the
 * scratch keeps the results stamped with the event's generation number,
 * so nothing is cleared between events (next_stamp clears all when it
 * wraps).
 *
 * THE PREFILTER SCAN
 *
 * For the event's source, every field some rule needs is scanned once
 * by that field's automaton (prefilter.c builds them) over the folded
 * value (scan_fields).  A find marks, per rule, the need clause its
 * literal belongs to; a rule whose every clause was seen becomes a
 * candidate.  Only candidates and the rules with no need list (always
 * run) are evaluated.
 *
 * EVALUATION
 *
 * A rule's tree is evaluated in three-valued logic (TRUE / FALSE /
 * UNKNOWN; only 4688 and unresolved records give UNKNOWN) and the rule
 * hits when its condition is TRUE.  Literal tests are answered from the
 * scan's finds (an item's arefs, a keyword's kwacid) instead of searching
 * again; regex and wildcard tests check their literal chain before
 * running.  A
 * regex that hits pcre2's match or depth limit counts as no match and
 * is counted, in the scratch's stats and per rule in the set
 * (sigma_regex_limits), once per rule and event.
 *
 * THE MEMOS
 *
 * Logs repeat values, so two memos (memo.h) spare repeated work.  The
 * value memo keeps, per field value, the scan's finds and the results
 * of the items that read that value alone (eval_memo).  The event memo
 * is keyed by the value memo entries of every scanned field of the
 * event: it keeps the hits of the rules those values decide, so an
 * event seen before only re-evaluates the rules that read something
 * else (event_key, event_keep).  A result cut short by a regex limit or
 * by folding out of memory is never kept.  Both are made by the first
 * match that uses them.
 *
 * WITHOUT THE PREFILTER
 *
 * With the prefilter off (sigma_scratch_prefilter) every rule of the
 * event's source is evaluated, every test runs directly, fields are
 * searched by name and no memo is used, so the two paths check each
 * other (tests, bench-sigma, the fuzz target).
 *
 * EXPLANATIONS
 *
 * explain.c re-evaluates one rule that hit on one event, after the fact
 * and without the prefilter or the memos, through match_start,
 * match_eval and match_test: matching itself records nothing of why.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../ev_util.h"
#include "correlation.h"
#include "fold.h"
#include "match_int.h"

/*
 * Whether the shortcuts that need no scan apply: necessary conditions
 * (literal chains, minimum lengths, non-ASCII literals on ASCII values)
 * and exact answers (a regex's chain on a plain value).  Matching takes
 * them; the prefilter off does not, so that the two paths check each
 * other; explanations (sc->explaining, no scan) do.
 */
static inline bool
shortcuts(const struct sigma_scratch *sc)
{
	return !sc->noprefilter || sc->explaining;
}

static bool
glob(const unsigned char *p, size_t pn, const unsigned char *t, size_t tn)
{
	size_t pi = 0, ti = 0, spi = SIZE_MAX, sti = 0;
	uint32_t cp;

	while (ti < tn) {
		if (pi < pn && p[pi] == PAT_STAR) {
			spi = ++pi;
			if (spi == pn)
				return true;	/* a last star takes the rest */
			sti = ti;
			continue;
		}
		if (pi < pn && p[pi] == PAT_QMARK) {
			pi++;
			ti += sigma_utf8_dec(t + ti, tn - ti, &cp);
			continue;
		}
		if (pi < pn) {
			size_t q = p[pi] == PAT_LIT ? pi + 1 : pi;

			if (q < pn && p[q] == t[ti]) {
				pi = q + 1;
				ti++;
				continue;
			}
		}
		if (spi == SIZE_MAX)
			return false;
		pi = spi;
		sti += sigma_utf8_dec(t + sti, tn - sti, &cp);
		if (p[pi] != PAT_QMARK) {
			/*
			 * The next try must start on the literal byte after
			 * the star: jump to it.  A byte that is not a UTF-8
			 * continuation byte starts a character wherever it
			 * is, as sigma_utf8_dec steps.
			 */
			unsigned char c = p[p[pi] == PAT_LIT ? pi + 1 : pi];
			const unsigned char *x;

			if (c < 0x80 || c >= 0xc0) {
				x = sti < tn ? memchr(t + sti, c, tn - sti) :
				    NULL;
				if (x == NULL)
					return false;
				sti = (size_t)(x - t);
			}
		}
		ti = sti;
	}
	while (pi < pn && p[pi] == PAT_STAR)
		pi++;
	return pi == pn;
}

/*
 * First occurrence of p[0..m) (m > 0) in s[0..n), or NULL.  Tuned for
 * short texts and needles (values of one event): memchr to the first
 * byte, a look at the last, memcmp the rest.
 */
static const char *
find(const char *s, size_t n, const char *p, size_t m)
{
	const char *end;

	if (m > n)
		return NULL;
	end = s + (n - m) + 1;
	while (s < end) {
		s = memchr(s, (unsigned char)p[0], (size_t)(end - s));
		if (s == NULL)
			return NULL;
		if (s[m - 1] == p[m - 1] && memcmp(s + 1, p + 1, m - 1) == 0)
			return s;
		s++;
	}
	return NULL;
}

/* Whether s[0..n) holds p[0..m). */
static inline bool
contains(const char *s, size_t n, const char *p, size_t m)
{
	return m == 0 || find(s, n, p, m) != NULL;
}

/*
 * Whether s[0..n) holds the runs of chain c (see sigma_int.h) in order,
 * not overlapping: a necessary condition of the test owning the chain.
 */
static bool
chain_ok(const char *c, uint32_t cn, const char *s, size_t n)
{
	size_t pos = 0;

	for (uint32_t i = 0; i < cn; ) {
		uint32_t m = (unsigned char)c[i++];
		const char *hit;

		if (m > n - pos)
			return false;
		hit = find(s + pos, n - pos, c + i, m);
		if (hit == NULL)
			return false;
		pos = (size_t)(hit - s) + m;
		i += m;
	}
	return true;
}

/* Whether s[0..n) is printable ASCII (space to '~', and tab). */
static bool
plain(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c >= 0x7f)
			return false;
	}
	return true;
}

static bool
fval_plain(struct fval *fv)
{
	if (fv->plain == 0)
		fv->plain = plain(fv->v, fv->vlen) ? 1 : 2;
	return fv->plain == 1;
}

static bool
str_test(const struct test *t, const char *s, size_t n)
{
	switch (t->kind) {
	case T_EQ:
		return n == t->len && memcmp(s, t->lit, n) == 0;
	case T_PREFIX:
		return n >= t->len && memcmp(s, t->lit, t->len) == 0;
	case T_SUFFIX:
		return n >= t->len && memcmp(s + n - t->len, t->lit,
		    t->len) == 0;
	case T_CONTAINS:
		return contains(s, n, t->lit, t->len);
	case T_ANY:
		return true;
	case T_GLOB:
		return glob((const unsigned char *)t->lit, t->len,
		    (const unsigned char *)s, n);
	}
	return false;
}

static bool
ip_in(const struct test *t, const char *v, size_t n)
{
	char buf[64];
	uint8_t a[16];
	int bits = t->bits;

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, v, n);
	buf[n] = '\0';
	if (inet_pton(t->family == 4 ? AF_INET : AF_INET6, buf, a) != 1)
		return false;
	for (int i = 0; bits > 0; i++, bits -= 8) {
		uint8_t m = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));

		if ((a[i] & m) != t->net[i])
			return false;
	}
	return true;
}

static bool
num_test(const struct test *t, const char *v, size_t n)
{
	char buf[64], *end;
	double x;
	int64_t i;

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, v, n);
	buf[n] = '\0';
	if (ev_parse_int_auto(buf, &i) == 0)
		x = (double)i;
	else {
		errno = 0;
		x = strtod(buf, &end);
		if (*end != '\0' || errno != 0 || end == buf)
			return false;
	}
	switch (t->op) {
	case NUM_GT:	return x > t->num;
	case NUM_GTE:	return x >= t->num;
	case NUM_LT:	return x < t->num;
	default:	return x <= t->num;
	}
}

static int
re_test(struct sigma_scratch *sc, const struct test *t, const char *v,
    size_t n)
{
	int rc = pcre2_match(t->re, (PCRE2_SPTR)v, n, 0, 0, sc->md,
	    sc->set->mctx);

	if (rc >= 0)
		return T;
	if (rc != PCRE2_ERROR_NOMATCH)
		sc->st.regex_limit++;	/* limit hit: no match, counted */
	return F;
}

/* One test on a field value (fv resolved for the item's field). */
static int
test_value(struct sigma_scratch *sc, const struct test *t, uint32_t fid,
    struct fval *fv)
{
	const char *fs;
	size_t fl;

	if (fv->state == ST_UNKNOWN)
		return U;
	if (fv->state == ST_ABSENT) {
		if (t->kind == T_NULL)
			return T;
		if (t->kind == T_EXISTS)
			return t->op ? F : T;
		return F;
	}
	switch (t->kind) {
	case T_NULL:
		return fv->vlen == 0 ? T : F;
	case T_EXISTS:
		return t->op ? T : F;
	case T_RE:
		if (!shortcuts(sc))
			return re_test(sc, t, fv->v, fv->vlen);
		if (fv->vlen < t->minlen)
			return F;
		if (t->chain != NULL && fv->foff != SIZE_MAX) {
			if (!chain_ok(t->chain, t->chainlen,
			    sc->fold + fv->foff, fv->flen))
				return F;
			if (t->rechain && fval_plain(fv))
				return T;
		}
		return re_test(sc, t, fv->v, fv->vlen);
	case T_CIDR:
		return ip_in(t, fv->v, fv->vlen) ? T : F;
	case T_NUM:
		return num_test(t, fv->v, fv->vlen) ? T : F;
	case T_FIELDREF: {
		size_t aoff, alen;
		const char *av = fv->v;
		size_t avlen = fv->vlen;
		struct fval *o = resolve_value(sc, t->field);

		if (o->state == ST_UNKNOWN)
			return U;
		if (o->state == ST_ABSENT)
			return F;
		/* equal as logged, or ASCII and unequal ignoring case:
		   settled without folding the other value */
		if (avlen == o->vlen && memcmp(av, o->v, avlen) == 0)
			return T;
		if (!t->cased && !sc->noprefilter && ascii_only(av, avlen) &&
		    ascii_only(o->v, o->vlen))
			return avlen == o->vlen &&
			    ascii_caseeq(av, o->v, avlen) ? T : F;
		if (!fv->folded)
			fold_value(sc, fv);	/* (an item of nofold) */
		aoff = fv->foff;
		alen = fv->flen;
		o = resolve(sc, t->field);
		if (t->cased || aoff == SIZE_MAX || o->foff == SIZE_MAX)
			return avlen == o->vlen &&
			    memcmp(av, o->v, avlen) == 0 ? T : F;
		return alen == o->flen &&
		    memcmp(sc->fold + aoff, sc->fold + o->foff, alen) == 0 ?
		    T : F;
	}
	}
	if (t->acid != ACID_NONE && !sc->noprefilter &&
	    (sc->cls != LS_4688 || sc->mapped)) {
		/* answered by the scan of this field */
		size_t idx = sc->set->fields[fid].flagbase + t->acid;
		uint8_t occ = sc->fstamp[idx] == sc->stamp ? sc->fflags[idx] : 0;

		switch (t->kind) {
		case T_CONTAINS:	return occ & OCC_ANY ? T : F;
		case T_PREFIX:		return occ & OCC_START ? T : F;
		case T_SUFFIX:		return occ & OCC_END ? T : F;
		default:		return occ & OCC_WHOLE ? T : F;
		}
	}
	if (t->cased || fv->foff == SIZE_MAX) {
		fs = fv->v;
		fl = fv->vlen;
	} else {
		fs = sc->fold + fv->foff;
		fl = fv->flen;
		if (shortcuts(sc) && ((t->nonascii && fv->ascii) ||
		    (t->chain != NULL && !chain_ok(t->chain, t->chainlen,
		    fs, fl))))
			return F;
	}
	return str_test(t, fs, fl) ? T : F;
}

static int
or3(int a, int b)
{
	return a == T || b == T ? T : a == U || b == U ? U : F;
}

static int
and3(int a, int b)
{
	return a == F || b == F ? F : a == U || b == U ? U : T;
}

struct acx {
	const struct item	*it;
	size_t			 len;
};

static int
ac_hit(uint32_t id, size_t end, void *ctx)
{
	const struct acx *x = ctx;
	const struct test *t = &x->it->tests[x->it->acpat[id]];

	switch (t->kind) {
	case T_CONTAINS:
		return 1;
	case T_PREFIX:
		return end == t->len;
	case T_SUFFIX:
		return end == x->len;
	case T_EQ:
		return end == t->len && end == x->len;
	}
	return 0;
}

/*
 * Whether s (n bytes) holds folded ASCII p (m bytes), ignoring ASCII
 * case: memchr to p's first byte that is not a letter, else a look at
 * every position.
 */
static bool
ci_contains(const char *s, size_t n, const char *p, size_t m)
{
	const char *q, *end;
	size_t j = 0;

	if (m == 0)
		return true;
	if (m > n)
		return false;
	while (j < m && p[j] >= 'a' && p[j] <= 'z')
		j++;
	if (j == m) {
		for (size_t i = 0; i + m <= n; i++)
			if (((unsigned char)s[i] | 0x20) == (unsigned char)p[0] &&
			    ascii_caseeq(s + i, p, m))
				return true;
		return false;
	}
	/* byte j of an occurrence at i is at s + i + j, i <= n - m */
	end = s + n - m + j + 1;
	for (q = s + j; q < end; q++) {
		if ((q = memchr(q, p[j], (size_t)(end - q))) == NULL)
			return false;
		if (ascii_caseeq(q - j, p, m))
			return true;
	}
	return false;
}

/* A rawci test (see sigma_int.h) on an unfolded value. */
static bool
rawci_test(const struct test *t, const char *s, size_t n)
{
	switch (t->kind) {
	case T_EQ:
		return n == t->len && ascii_caseeq(s, t->lit, n);
	case T_PREFIX:
		return n >= t->len && ascii_caseeq(s, t->lit, t->len);
	case T_SUFFIX:
		return n >= t->len && ascii_caseeq(s + n - t->len, t->lit, t->len);
	case T_CONTAINS:
		return ci_contains(s, n, t->lit, t->len);
	}
	return false;
}

/*
 * A keyword test on a value field sfid scanned this event (FIELD_NONE:
 * none did): 1 or 0 from the scan's finds when the test's literal is in
 * that field's matcher, else -1 (the value must be searched).
 */
static inline int
kw_found(const struct sigma_scratch *sc, const struct test *t, uint32_t sfid)
{
	size_t idx;

	if (sfid == FIELD_NONE || t->kwacid == NULL ||
	    t->kwacid[sfid] == ACID_NONE)
		return -1;
	idx = sc->set->fields[sfid].flagbase + t->kwacid[sfid];
	return sc->fstamp[idx] == sc->stamp &&
	    (sc->fflags[idx] & OCC_ANY) != 0;
}

/*
 * Keyword tests: any EventData value of the event itself.  A value some
 * field scanned this event is answered by the scan's finds when the
 * keyword's literal is in that field's matcher (kwacid).  Tests that
 * are all rawci look at the values as logged, without folding each.
 */
static int
keyword_group(struct sigma_scratch *sc, const struct item *it,
    const struct group *g)
{
	const struct ev_event *ev = sc->ev;

	for (uint32_t i = 0; i < ev->ndata; i++) {
		const char *v = ev->data[i].value;
		struct dfold *df = &sc->dfold[i];
		size_t n = data_len(ev, i), fl, base;
		/* (no field scans with the prefilter off) */
		uint32_t sfid = df->scanstamp == sc->stamp ? df->sfid :
		    FIELD_NONE;

		if (it->rawci && shortcuts(sc)) {
			for (uint32_t k = 0; k < g->n; k++) {
				const struct test *t = &it->tests[g->first + k];
				int kw = kw_found(sc, t, sfid);

				if (kw > 0 || (kw < 0 && rawci_test(t, v, n)))
					return T;
			}
			continue;
		}

		if (df->stamp == sc->stamp) {
			base = df->foff;
			fl = df->flen;
		} else {
			if (fold_room(sc, n * 2 + 1) == -1) {
				sc->degraded = true;
				return F;
			}
			base = sc->foldlen;
			fl = sigma_fold_ascii(v, n, sc->fold + base,
			    &df->ascii);
			sc->foldlen += fl;
			df->stamp = sc->stamp;
			df->foff = base;
			df->flen = fl;
		}
		for (uint32_t k = 0; k < g->n; k++) {
			const struct test *t = &it->tests[g->first + k];
			int kw = kw_found(sc, t, sfid);
			bool r;

			if (kw >= 0)
				r = kw > 0;
			else if (t->chain != NULL && shortcuts(sc) &&
			    !chain_ok(t->chain, t->chainlen, sc->fold + base,
			    fl))
				r = false;
			else if (t->kind == T_RE && t->rechain &&
			    shortcuts(sc) && plain(v, n))
				r = true;	/* chain found: exact */
			else if (t->kind == T_RE)
				r = n >= t->minlen && re_test(sc, t, v, n) == T;
			else if (t->cased)
				r = str_test(t, v, n);
			else
				r = str_test(t, sc->fold + base, fl);
			if (r)
				return T;
		}
	}
	return F;
}

/*
 * Whether a pattern the scan found in the item's field answers one of
 * its tests: each test's flags when it has few, else a filter and a
 * binary search per find.
 */
static bool
aref_hit(const struct sigma_scratch *sc, const struct item *it)
{
	const struct fhit *fh = &sc->fhit[it->field];
	uint32_t base = sc->set->fields[it->field].flagbase;

	if (fh->stamp != sc->stamp || fh->n == 0)
		return false;
	if (it->naref <= 2 * fh->n) {
		for (uint32_t i = 0; i < it->naref; i++) {
			uint32_t idx = base + it->aref[i].acid;

			if (sc->fstamp[idx] == sc->stamp &&
			    (sc->fflags[idx] & it->aref[i].occ))
				return true;
		}
		return false;
	}
	for (uint32_t i = 0; i < fh->n; i++) {
		uint32_t id = sc->found[fh->first + i];
		uint32_t lo = 0, hi = it->naref;

		if (!(it->abloom & AREF_BIT(id)))
			continue;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;

			if (it->aref[mid].acid < id)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < it->naref && it->aref[lo].acid == id &&
		    (sc->fflags[base + id] & it->aref[lo].occ))
			return true;
	}
	return false;
}

/*
 * An OR item on a present value, its literal tests answered by the
 * scan's finds, the rest one by one.
 */
static int
eval_item_found(struct sigma_scratch *sc, const struct item *it,
    struct fval *fv)
{
	int res = F;

	if (it->naref > 0 && aref_hit(sc, it))
		return T;
	for (uint32_t k = 0; k < it->nrest && res != T; k++) {
		res = or3(res, test_value(sc, &it->tests[it->rest[k]],
		    it->field, fv));
	}
	return res;
}

static int
eval_item_now(struct sigma_scratch *sc, const struct item *it)
{
	struct fval *fv = NULL;
	int res = it->all ? T : F;

	if (it->field != ITEM_KEYWORD) {
		fv = it->nofold && !sc->noprefilter ?
		    resolve_value(sc, it->field) : resolve(sc, it->field);
		if (fv->state == ST_UNKNOWN)
			return U;
		if (it->nonascii && fv->state == ST_PRESENT && fv->ascii &&
		    fv->foff != SIZE_MAX && shortcuts(sc))
			return F;
		if (it->aref != NULL && fv->state == ST_PRESENT &&
		    !sc->noprefilter && (sc->cls != LS_4688 ||
		    sc->mapped))
			return eval_item_found(sc, it, fv);
		if (it->ac != NULL && fv->state == ST_PRESENT &&
		    fv->foff != SIZE_MAX) {
			struct acx x = { it, fv->flen };

			return sigma_ac_scan(it->ac, sc->fold + fv->foff,
			    fv->flen, ac_hit, &x) ? T : F;
		}
	}
	for (uint32_t g = 0; g < it->ngroups; g++) {
		const struct group *gr = &it->groups[g];
		int gres = F;

		if (it->field == ITEM_KEYWORD)
			gres = keyword_group(sc, it, gr);
		else
			for (uint32_t k = 0; k < gr->n && gres != T; k++) {
				gres = or3(gres, test_value(sc,
				    &it->tests[gr->first + k], it->field, fv));
			}
		if (it->all) {
			res = and3(res, gres);
			if (res == F)
				return F;
		} else {
			res = or3(res, gres);
			if (res == T)
				return T;
		}
	}
	return res;
}

static int eval(struct sigma_scratch *, const struct node *);

/*
 * What an item or a rule (memo id mid, looking at field fid alone)
 * gives, answered from the memo when it was worked out on the same value
 * before; else evaluated (the item, or the rule's tree) and kept,
 * unless a regex limit cut it short.
 */
static int
eval_memo(struct sigma_scratch *sc, uint32_t mid, uint32_t fid,
    const struct item *it, const struct node *root)
{
	struct sigma_memo_ent *e = NULL;
	struct fval *fv = resolve_value(sc, fid);
	struct ires *ir = &sc->ires[mid];
	uint64_t limits = sc->st.regex_limit;
	int r;

	if (fv->state == ST_PRESENT &&
	    (e = memo_results(sc, fid, fv)) != NULL &&
	    ir->stamp == sc->stamp && ir->ent == e) {
		if (it == NULL)
			sc->st.memo_rules++;
		return ir->r;
	}
	r = it != NULL ? eval_item_now(sc, it) : eval(sc, root);
	/* (not when folding ran out of memory: tests compared cased) */
	if (e != NULL && sc->st.regex_limit == limits &&
	    !(fv->folded && fv->foff == SIZE_MAX) &&
	    sigma_memo_add_res(sc->memo, e, MEMO_RES(mid, r))) {
		ir->stamp = sc->stamp;
		ir->r = (uint8_t)r;
		ir->ent = e;
	}
	return r;
}

static inline int
eval_item(struct sigma_scratch *sc, const struct item *it)
{
	if (!it->memo || sc->memo == NULL || sc->noprefilter)
		return eval_item_now(sc, it);
	return eval_memo(sc, it->id, it->field, it, NULL);
}

static int
eval(struct sigma_scratch *sc, const struct node *nd)
{
	int r;

	switch (nd->op) {
	case N_ITEM:
		return eval_item(sc, nd->item);
	case N_NOT:
		r = eval(sc, nd->kid[0]);
		return r == U ? U : r == T ? F : T;
	case N_AND:
		r = T;
		for (uint32_t i = 0; i < nd->n && r != F; i++)
			r = and3(r, eval(sc, nd->kid[i]));
		return r;
	case N_OR:
		r = F;
		for (uint32_t i = 0; i < nd->n && r != T; i++)
			r = or3(r, eval(sc, nd->kid[i]));
		return r;
	}
	return F;
}

static void
eval_rule(struct sigma_scratch *sc, uint32_t r)
{
	const struct sigma_compiled *c = sc->set->rules[r]->compiled;
	int res;

	uint64_t limits = sc->st.regex_limit;

	sc->mapped = c->map4688;
	sc->st.evaluated++;
	if (c->mfield != FIELD_NONE && sc->memo != NULL && !sc->noprefilter)
		res = eval_memo(sc, c->mid, c->mfield, NULL, c->root);
	else
		res = eval(sc, c->root);
	if (sc->st.regex_limit != limits)
		atomic_fetch_add_explicit(&sc->set->relimit[r], 1,
		    memory_order_relaxed);
	if (res == T)
		sc->hits[sc->nhits++] = r;
}

struct scanx {
	struct sigma_scratch	*sc;
	const struct field	*f;
	size_t			 len;
	uint32_t		 si;		/* source index */
};

/* Pattern id of field f found where occ says: its flags, for the tests. */
static inline void
note_flags(struct sigma_scratch *sc, const struct field *f, uint32_t id,
    uint8_t occ)
{
	size_t idx = f->flagbase + id;

	if (sc->fstamp[idx] != sc->stamp) {
		sc->fstamp[idx] = sc->stamp;
		sc->fflags[idx] = occ;
		sc->found[sc->nfound++] = id;
	} else
		sc->fflags[idx] |= occ;
}

/*
 * The same, and the rules (for source index si) that now have a literal
 * of every clause queued.
 */
static inline void
note_find(struct sigma_scratch *sc, const struct field *f, uint32_t si,
    uint32_t id, uint8_t occ)
{
	size_t li = (size_t)si * f->npat + id;
	const uint32_t *rl = f->rulelist + f->acrules[li];
	uint32_t nrl = f->acnrules[li];

	note_flags(sc, f, id, occ);
	for (uint32_t i = 0; i < nrl; i++) {
		uint32_t r = rl[i] / MAX_CLAUSES;

		struct rstate *st = &sc->rs[r];

		if (st->mark == sc->stamp)
			continue;
		if (st->cstamp != sc->stamp) {
			st->cstamp = sc->stamp;
			st->cmask = 0;
		}
		st->cmask |= (uint8_t)(1u << (rl[i] % MAX_CLAUSES));
		if (st->cmask != st->full)
			continue;
		/* a literal of every clause seen */
		st->mark = sc->stamp;
		sc->cand[sc->ncand++] = r;
	}
}

static int
scan_hit(uint32_t id, size_t end, void *ctx)
{
	const struct scanx *x = ctx;
	size_t start = end - x->f->patlen[id];
	uint8_t occ = OCC_ANY;

	if (start == 0)
		occ |= OCC_START;
	if (end == x->len)
		occ |= OCC_END;
	if (start == 0 && end == x->len)
		occ |= OCC_WHOLE;
	note_find(x->sc, x->f, x->si, id, occ);
	return 0;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* A new event: the next stamp; when it wraps, every stamp forgotten. */
static void
next_stamp(struct sigma_scratch *sc)
{
	const struct sigma_set *set = sc->set;

	if (++sc->stamp != 0)
		return;
	memset(sc->fv, 0, (size_t)set->nfields * 2 * sizeof(*sc->fv));
	for (uint32_t r = 0; r < set->nrules; r++)
		sc->rs[r].mark = sc->rs[r].cstamp = 0;
	memset(sc->fstamp, 0, set->nflags * sizeof(*sc->fstamp));
	memset(sc->fhit, 0, set->nfields * sizeof(*sc->fhit));
	memset(sc->dix, 0, (size_t)set->nnames * 2 * sizeof(*sc->dix));
	memset(sc->dfold, 0, sc->ndfold * sizeof(*sc->dfold));
	memset(sc->ires, 0, set->nmemo * sizeof(*sc->ires));
	if (sc->memo != NULL)
		sigma_memo_clear_stamps(sc->memo);
	sc->dixstamp[0] = sc->dixstamp[1] = 0;
	sc->stamp = 1;
}

/*
 * Scans every field source index si scans: the prefilter's candidates
 * and the literal tests' answers (from the memo when the value was
 * scanned before; with the event memo's answer ee, the finds only
 * answer tests).  Returns 0 or EV_ENOMEM.
 */
static int
scan_fields(struct sigma_scratch *sc, uint32_t si,
    const struct sigma_evmemo_ent *ee)
{
	const struct sigma_set *set = sc->set;

	for (uint32_t i = 0; i < set->nfieldscan[si]; i++) {
		uint32_t fid = set->fieldscan[si][i];
		const struct field *f = &set->fields[fid];
		struct fval *fv = resolve_value(sc, fid);
		struct scanx x = { sc, f, 0, si };
		struct sigma_memo_ent *me;
		uint32_t first = sc->nfound;

		if (fv->state != ST_PRESENT)
			continue;
		sc->fhit[fid].stamp = sc->stamp;
		sc->fhit[fid].first = first;
		if (fv->di >= 0) {
			/* keywords read this value's finds (kwacid) */
			sc->dfold[fv->di].scanstamp = sc->stamp;
			sc->dfold[fv->di].sfid = fid;
		}
		me = memo_attach(sc, fid, fv);
		if (me != NULL && me->scanned) {
			for (uint32_t k = 0; k < me->nfind; k++)
				if (ee != NULL)
					note_flags(sc, f,
					    MEMO_FIND_ID(me->find[k]),
					    MEMO_FIND_OCC(me->find[k]));
				else
					note_find(sc, f, si,
					    MEMO_FIND_ID(me->find[k]),
					    MEMO_FIND_OCC(me->find[k]));
		} else {
			fold_value(sc, fv);
			if (fv->foff == SIZE_MAX)
				return EV_ENOMEM;
			x.len = fv->flen;
			sigma_ac_scan(f->ac, sc->fold + fv->foff, fv->flen,
			    scan_hit, &x);
			if (me != NULL)
				(void)sigma_memo_keep_finds(sc->memo, me,
				    sc->found + first,
				    sc->fflags + f->flagbase,
				    sc->nfound - first);
		}
		sc->fhit[fid].n = sc->nfound - first;
	}
	return 0;
}

int
match_start(struct sigma_scratch *sc, const struct ev_event *ev)
{
	const struct sigma_set *set = sc->set;

	sc->nhits = 0;
	sc->ncand = 0;
	sc->cls = sigma_event_class(ev);
	if (sc->cls == LS_NONE || set->si_of[sc->cls] == SI_NONE)
		return 1;
	next_stamp(sc);
	if (ev->ndata > sc->ndfold) {
		struct dfold *nd = realloc(sc->dfold, ev->ndata *
		    sizeof(*nd));

		if (nd == NULL)
			return EV_ENOMEM;
		memset(nd + sc->ndfold, 0, (ev->ndata - sc->ndfold) *
		    sizeof(*nd));
		sc->dfold = nd;
		sc->ndfold = ev->ndata;
	}
	sc->ev = ev;
	sc->foldlen = 0;
	sc->nfound = 0;
	sc->degraded = false;
	return 0;
}

int
match_eval(struct sigma_scratch *sc, const struct node *nd)
{
	return eval(sc, nd);
}

bool
match_plain(const char *s, size_t n)
{
	return plain(s, n);
}

bool
match_str_test(const struct test *t, const char *s, size_t n)
{
	return str_test(t, s, n);
}

int
match_test(struct sigma_scratch *sc, const struct test *t, uint32_t fid,
    struct fval *fv)
{
	return test_value(sc, t, fid, fv);
}

int
sigma_match(const struct sigma_set *set, struct sigma_scratch *sc,
    const struct ev_event *ev, const uint32_t **hits)
{
	const struct sigma_evmemo_ent *ee;
	uint32_t nkey;
	uint64_t hash = 0;
	uint32_t si;
	int rc;

	sc->st.events++;
	*hits = sc->hits;
	if ((rc = match_start(sc, ev)) != 0)
		return rc == 1 ? 0 : rc;
	si = set->si_of[sc->cls];
	if (sc->noprefilter) {
		for (uint32_t r = 0; r < set->nrules; r++)
			if (sigma_rule_runs(set->rules[r]) &&
			    sigma_srcset_has(&set->rules[r]->sources, sc->cls))
				eval_rule(sc, r);
		return (int)sc->nhits;
	}
	/* rules run anyway are not candidates too */
	for (uint32_t i = 0; i < set->nalways[si]; i++)
		sc->rs[set->always[si][i]].mark = sc->stamp;
	sc->mapped = true;
	if (sc->memo_want && sc->memo == NULL)
		memo_start(sc);
	ee = event_key(sc, (uint32_t)si, &nkey, &hash);
	/* scan first: the prefilter, and the literal tests' answers */
	if (scan_fields(sc, (uint32_t)si, ee) != 0)
		return EV_ENOMEM;
	if (ee != NULL) {
		/* the decided rules' hits, and the others evaluated again */
		sc->st.evmemo_hits++;
		memcpy(sc->hits, ee->list, ee->nhit * sizeof(*sc->hits));
		sc->nhits = ee->nhit;
		for (uint32_t i = 0; i < ee->nund; i++)
			eval_rule(sc, ee->list[ee->nhit + i]);
	} else {
		uint64_t limits = sc->st.regex_limit;
		const struct sigma_idrule *ir;
		uint32_t nir;

		/* of the rules run anyway, those that can be true on this
		   event's id */
		for (uint32_t i = 0; i < set->nalw_any[si]; i++)
			eval_rule(sc, set->alw_any[si][i]);
		ir = sigma_always_of_id(set, si, ev->event_id, &nir);
		for (uint32_t i = 0; i < nir; i++)
			eval_rule(sc, ir[i].rule);
		for (uint32_t i = 0; i < sc->ncand; i++)
			eval_rule(sc, sc->cand[i]);
		if (nkey > 0 && sc->st.regex_limit == limits && !sc->degraded)
			event_keep(sc, (uint32_t)si, nkey, hash);
	}
	if (sc->nhits > 1)
		qsort(sc->hits, sc->nhits, sizeof(*sc->hits), cmp_u32);
	return (int)sc->nhits;
}
