/*
 * scans.c -- the field scans of sigma_compile() (prefilter.c): for each
 * field some source scans, one automaton of the rules' need literals,
 * their literal tests and the keyword literals, and per source and
 * pattern the rule clauses a find satisfies.
 */
#include <stdlib.h>
#include <string.h>

#include "ev_par.h"
#include "prefilter_int.h"

struct entry {
	uint32_t	 si, pat, rule;
};

static int
cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->si != y->si)
		return x->si < y->si ? -1 : 1;
	if (x->pat != y->pat)
		return x->pat < y->pat ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* A need of a rule (need k of rule r) or a test (tr->v[k]), by field. */
struct fref {
	uint32_t	 r, k;
};

/*
 * What build_field() adds, by field: each field's needs (nb[f] to
 * nb[f + 1] in nv) and literal tests (tb[f] to tb[f + 1] in tv), each in
 * rule order as a walk of every rule or test would meet them, and the
 * keyword tests.  Saves a walk of every rule and test per field.  And
 * the source indexes the scans serve each rule on (scan_serves()).
 */
struct byfield {
	uint32_t	*nb, *tb;
	struct fref	*nv, *tv, *kw;
	size_t		 nkw;
	struct sigma_srcset *served;	/* per rule, bits by source index */
};

/* The first source index from si on that m has, or nsi. */
static inline uint32_t
next_si(const struct sigma_srcset *m, uint32_t si, uint32_t nsi)
{
	while (si < nsi) {
		uint64_t w = m->w[si >> 6] >> (si & 63);

		if (w != 0) {
			si += (uint32_t)__builtin_ctzll(w);
			return si < nsi ? si : nsi;
		}
		si = (si | 63) + 1;
	}
	return nsi;
}

#define EACH_SI(si, m, nsi) \
	for (uint32_t si = next_si((m), 0, (nsi)); si < (nsi); \
	    si = next_si((m), si + 1, (nsi)))

/*
 * v[0 .. n) ordered by key stably into *out, with *beg[k] to *beg[k + 1]
 * the run of key k < nkeys (others left out).
 */
static int
bucket(const struct fref *v, const uint32_t *key, size_t n, uint32_t nkeys,
    uint32_t **beg, struct fref **out)
{
	uint32_t *b = calloc((size_t)nkeys + 2, sizeof(*b));

	*beg = b;
	*out = malloc((n + 1) * sizeof(**out));
	if (b == NULL || *out == NULL)
		return EV_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (key[i] < nkeys)
			b[key[i] + 2]++;
	for (uint32_t k = 2; k < nkeys + 2; k++)
		b[k] += b[k - 1];
	for (size_t i = 0; i < n; i++)
		if (key[i] < nkeys)
			(*out)[b[key[i] + 1]++] = v[i];
	return 0;
}

static void
byfield_free(struct byfield *bf)
{
	free(bf->nb);
	free(bf->tb);
	free(bf->nv);
	free(bf->tv);
	free(bf->kw);
	free(bf->served);
}

static int
byfield_make(struct sigma_set *s, const struct trefs *tr, struct byfield *bf)
{
	size_t n = 0, cap = 0;
	struct fref *v = NULL;
	uint32_t *key = NULL;
	int rc = EV_ENOMEM;

	memset(bf, 0, sizeof(*bf));
	if ((bf->served = calloc(s->nrules + 1, sizeof(*bf->served))) ==
	    NULL)
		goto out;
	for (size_t r = 0; r < s->nrules; r++) {
		const struct sigma_compiled *c = s->rules[r]->compiled;

		if (!sigma_rule_runs(s->rules[r]))
			continue;
		for (uint32_t si = 0; si < s->nsi; si++)
			if (scan_serves(s, s->rules[r], si))
				bf->served[r].w[si >> 6] |=
				    (uint64_t)1 << (si & 63);
		if (c->need == NULL)
			continue;
		for (uint32_t k = 0; k < c->nneed; k++) {
			if (sigma_grow((void **)&v, &cap, n, sizeof(*v)))
				goto out;
			v[n++] = (struct fref){ (uint32_t)r, k };
		}
	}
	if ((key = malloc((n > tr->n ? n : tr->n) * sizeof(*key) + 1)) ==
	    NULL)
		goto out;
	for (size_t i = 0; i < n; i++)
		key[i] = s->rules[v[i].r]->compiled->need[v[i].k].field;
	if (bucket(v, key, n, s->nfields, &bf->nb, &bf->nv) != 0)
		goto out;
	free(v);
	if ((v = malloc((tr->n + 1) * sizeof(*v))) == NULL ||
	    (bf->kw = malloc((tr->n + 1) * sizeof(*bf->kw))) == NULL)
		goto out;
	for (size_t i = 0; i < tr->n; i++) {
		v[i] = (struct fref){ tr->v[i].rule, (uint32_t)i };
		key[i] = tr->v[i].field;
		if (tr->v[i].field == ITEM_KEYWORD &&
		    tr->v[i].t->kwacid != NULL)
			bf->kw[bf->nkw++] = v[i];
	}
	rc = bucket(v, key, tr->n, s->nfields, &bf->tb, &bf->tv);
out:
	free(v);
	free(key);
	return rc;
}

/*
 * Field fid's automaton and its lists.  It writes only the field and the
 * tests of that field (their automaton ids), so fields are built on
 * several threads (build_one()); the flag bases come after, in field
 * order.
 */
static int
build_field(struct sigma_set *s, uint32_t fid, const struct trefs *tr,
    const struct byfield *bf)
{
	struct field *f = &s->fields[fid];
	struct entry *e = NULL;
	size_t ne = 0, cap = 0, nr = 0;
	uint32_t np;

	if ((f->ac = sigma_ac_new()) == NULL)
		return EV_ENOMEM;
	for (uint32_t j = bf->nb[fid]; j < bf->nb[fid + 1]; j++) {
		uint32_t r = bf->nv[j].r;
		const struct need *nd = &s->rules[r]->compiled->need[
		    bf->nv[j].k];
		int32_t id = sigma_ac_add(f->ac, nd->lit, nd->len);

		if (id < 0) {
			free(e);
			return EV_ENOMEM;
		}
		/* one list per event source */
		EACH_SI(si, &bf->served[r], s->nsi) {
			if (sigma_grow((void **)&e, &cap, ne, sizeof(*e))) {
				free(e);
				return EV_ENOMEM;
			}
			e[ne].si = si;
			e[ne].pat = (uint32_t)id;
			e[ne].rule = r * MAX_CLAUSES + nd->clause;
			ne++;
		}
	}
	for (uint32_t j = bf->tb[fid]; j < bf->tb[fid + 1]; j++) {
		struct test *t = tr->v[bf->tv[j].k].t;
		int32_t id;

		/* 4688 without mapping is resolved unlike the scan */
		if (next_si(&bf->served[bf->tv[j].r], 0, s->nsi) == s->nsi)
			continue;
		id = sigma_ac_add(f->ac, t->lit, t->len);
		if (id < 0) {
			free(e);
			return EV_ENOMEM;
		}
		t->acid = (uint32_t)id;
	}
	/* keyword literals, when the field's value is an EventData value */
	for (size_t j = 0; j < bf->nkw && (f->srcsys == FS_DATA ||
	    f->src4688 == FS_DATA || f->src4688 == FS_DATA_OR_UNKNOWN); j++) {
		struct test *t = tr->v[bf->kw[j].k].t;
		int32_t id = sigma_ac_add(f->ac, t->lit, t->len);

		if (id < 0) {
			free(e);
			return EV_ENOMEM;
		}
		t->kwacid[fid] = (uint32_t)id;
	}
	if (sigma_ac_build(f->ac) != 0) {
		free(e);
		return EV_ENOMEM;
	}
	np = sigma_ac_npatterns(f->ac);
	f->npat = np;
	f->patlen = malloc((np + 1) * sizeof(*f->patlen));
	if (f->patlen == NULL) {
		free(e);
		return EV_ENOMEM;
	}
	for (uint32_t i = 0; i < np; i++)
		f->patlen[i] = sigma_ac_patlen(f->ac, i);
	if (ne > 1)
		qsort(e, ne, sizeof(*e), cmp_entry);
	f->acrules = calloc(s->nsi * (size_t)np + 1, sizeof(*f->acrules));
	f->acnrules = calloc(s->nsi * (size_t)np + 1, sizeof(*f->acnrules));
	f->rulelist = malloc((ne + 1) * sizeof(*f->rulelist));
	if (f->acrules == NULL || f->acnrules == NULL || f->rulelist == NULL) {
		free(e);
		return EV_ENOMEM;
	}
	for (size_t i = 0; i < ne; i++) {
		size_t k = (size_t)e[i].si * np + e[i].pat;

		if (i > 0 && e[i].si == e[i - 1].si &&
		    e[i].pat == e[i - 1].pat && e[i].rule == e[i - 1].rule)
			continue;
		if (f->acnrules[k] == 0)
			f->acrules[k] = (uint32_t)nr;
		f->acnrules[k]++;
		f->rulelist[nr++] = e[i].rule;
	}
	free(e);
	return 0;
}

/* A field to build, with its size: its needs and literal tests. */
struct fbuild {
	size_t		 size;
	uint32_t	 fid;
	int		 rc;
};

/* The fields to build, largest first, shared by build_one()'s threads. */
struct builds {
	struct sigma_set	*s;
	const struct trefs	*tr;
	const struct byfield	*bf;
	struct fbuild		*v;
};

static void
build_one(void *arg, unsigned i)
{
	struct builds *b = arg;

	b->v[i].rc = build_field(b->s, b->v[i].fid, b->tr, b->bf);
}

static int
cmp_size(const void *a, const void *b)
{
	const struct fbuild *x = a, *y = b;

	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return x->fid < y->fid ? -1 : x->fid > y->fid;
}

int
sigma_scan_fields(struct sigma_set *s, const struct trefs *tr, bool *used)
{
	size_t fcap[LS_MAX] = { 0 };
	uint32_t nsi = s->nsi, nb = 0;
	struct byfield bf;
	struct builds b = { s, tr, &bf, NULL };
	int rc = EV_ENOMEM;

	if (byfield_make(s, tr, &bf) != 0 ||
	    (b.v = malloc((s->nfields + 1) * sizeof(*b.v))) == NULL)
		goto out;
	for (size_t r = 0; r < s->nrules; r++) {
		const struct sigma_compiled *c = s->rules[r]->compiled;

		if (!sigma_rule_runs(s->rules[r]))
			continue;
		for (uint32_t k = 0; k < c->nneed; k++)
			EACH_SI(i, &bf.served[r], nsi)
				used[c->need[k].field * nsi + i] = true;
	}
	for (size_t k = 0; k < tr->n; k++) {
		if (tr->v[k].field == ITEM_KEYWORD)
			continue;
		EACH_SI(i, &bf.served[tr->v[k].rule], nsi)
			used[tr->v[k].field * nsi + i] = true;
	}
	for (uint32_t f = 0; f < s->nfields; f++) {
		bool any = false;

		for (uint32_t i = 0; i < nsi; i++) {
			if (!used[f * nsi + i])
				continue;
			any = true;
			if (sigma_grow((void **)&s->fieldscan[i], &fcap[i],
			    s->nfieldscan[i], sizeof(uint32_t)))
				goto out;
			s->fieldscan[i][s->nfieldscan[i]++] = f;
		}
		if (any)
			b.v[nb++] = (struct fbuild){ bf.nb[f + 1] - bf.nb[f] +
			    bf.tb[f + 1] - bf.tb[f] + bf.nkw, f, 0 };
	}
	/* the largest first, so that the last to finish is a small one */
	qsort(b.v, nb, sizeof(*b.v), cmp_size);
	ev_par_for(nb, s->jobs, build_one, &b);
	rc = 0;
	for (uint32_t i = 0; i < nb; i++)
		if (b.v[i].rc != 0)
			rc = EV_ENOMEM;
	/* each field's flags after the fields before it */
	for (uint32_t f = 0; f < s->nfields && rc == 0; f++)
		if (s->fields[f].ac != NULL) {
			s->fields[f].flagbase = s->nflags;
			s->nflags += s->fields[f].npat;
		}
out:
	byfield_free(&bf);
	free(b.v);
	return rc;
}
