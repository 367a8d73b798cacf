/*
 * findings.c -- from rule hits and baseline findings to findings (see
 * findings.h): matching in the reading threads and after correlation,
 * twin folding, and the findings built (--suppress and the report
 * filters: findings_filter.c).
 */
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "baseline/baseline.h"
#include "correlate.h"
#include "ev_buf.h"
#include "ev_map.h"
#include "ev_par.h"
#include "ev_util.h"
#include "findings.h"
#include "findings_int.h"
#include "ingest.h"
#include "sigcorr.h"
#include "sigma/correlation.h"
#include "sigma/sigma.h"

void
findings_init(struct findings *fs)
{
	memset(fs, 0, sizeof(*fs));
	ev_arena_init(&fs->arena);
}

void
findings_release(struct findings *fs)
{
	for (size_t i = 0; i < fs->nlate; i++)
		ev_arena_release(&fs->late[i]);
	free(fs->late);
	for (size_t i = 0; i < fs->nbuilt; i++)
		ev_arena_release(&fs->built[i]);
	free(fs->built);
	ev_big_free(fs->v);
	for (size_t i = 0; i < fs->nreasons; i++)
		ev_big_free(fs->reasons[i]);
	free(fs->reasons);
	ev_big_free(fs->groups);
	ev_big_free(fs->members);
	free(fs->sup);
	ev_arena_release(&fs->arena);
	memset(fs, 0, sizeof(*fs));
}

/* ---- matching ---- */

/* What each reading thread matches with. */
struct worker {
	struct findings_hook	*hook;
	struct sigma_scratch	*scratch;	/* NULL: out of memory */
};

void *
findings_worker_init(void *arg)
{
	struct worker *w = calloc(1, sizeof(*w));

	if (w != NULL) {
		w->hook = arg;
		w->scratch = sigma_scratch_new(w->hook->rules);
	}
	return w;
}

void
findings_worker_fini(void *arg)
{
	struct worker *w = arg;

	if (w != NULL)
		sigma_scratch_free(w->scratch);
	free(w);
}

static int
match_event(const struct sigma_set *set, struct sigma_scratch *sc,
    struct ev_event *ev, struct ev_arena *arena)
{
	const uint32_t *hits;
	uint32_t *copy;
	int n;

	if (sc == NULL)
		return EV_ENOMEM;
	n = sigma_match(set, sc, ev, &hits);
	if (n <= 0)
		return n;
	if ((copy = ev_arena_alloc(arena, (size_t)n * sizeof(*copy))) == NULL)
		return EV_ENOMEM;
	memcpy(copy, hits, (size_t)n * sizeof(*copy));
	ev->hits = copy;
	ev->nhits = (uint32_t)n;
	return 0;
}

int
findings_on_event(struct ev_event *ev, struct ev_arena *arena, void *arg)
{
	struct worker *w = arg;
	int rc;

	if (ev->kind == EV_KIND_NETWORK || ev->kind == EV_KIND_IMAGE_LOAD)
		return 0;	/* 3/7 wait for their process */
	if (w == NULL)
		return EV_ENOMEM;
	rc = match_event(w->hook->rules, w->scratch, ev, arena);
	if (rc == 0 && ev->nhits > 0)
		atomic_fetch_add_explicit(&w->hook->matched, 1,
		    memory_order_relaxed);
	return rc;
}

void
findings_progress(void *arg, char *buf, size_t size)
{
	struct findings_hook *hook = arg;

	snprintf(buf, size, "  %llu findings",
	    (unsigned long long)atomic_load(&hook->matched));
}

#define LATE_BLOCK	4096	/* events one late-matching task looks at */

/*
 * A thread's state in late matching (slot t of ev_par_for_t()): the 3/7
 * are not spread evenly over the events (one host's image loads may fill
 * a stretch), so tasks are blocks of events handed to whichever thread
 * is free, and a thread keeps its scratch (and its memos) from block to
 * block.
 */
struct late_slot {
	struct sigma_scratch	*sc;
	struct ev_arena		 tmp, ptmp;
	const struct ev_event	*lastp, *lastw;
	struct ev_err		 err;
};

struct late {
	const struct sigma_set	*rules;
	struct ingest_run	*run;
	unsigned		 nslots;
	struct late_slot	*slots;
	struct ev_arena		*arenas;	/* one per slot: the hits */
};

/*
 * Matches ev, whose data (or its process's) is in the spill: both read
 * back whole into tmp (the process's into ptmp, kept while the next
 * events are its own, as they mostly are), the hits into arena.
 */
static int
match_whole(struct late *l, struct late_slot *t, struct ev_event *ev,
    struct ev_arena *arena)
{
	const struct ev_event *w;
	struct ev_event x;
	int rc;

	ev_arena_reset(&t->tmp);
	if ((rc = ingest_event_whole(l->run, ev, &t->tmp, &w, &t->err)) != 0)
		return rc;
	x = *w;
	if (ev->process != NULL && ev->process != t->lastp) {
		ev_arena_reset(&t->ptmp);
		t->lastp = NULL;
		if ((rc = ingest_event_whole(l->run, ev->process, &t->ptmp,
		    &t->lastw, &t->err)) != 0)
			return rc;
		t->lastp = ev->process;
	}
	if (ev->process != NULL)
		x.process = t->lastw;
	if ((rc = match_event(l->rules, t->sc, &x, arena)) != 0)
		return EV_ERR(&t->err, rc, 0, "out of memory");
	ev->hits = x.hits;
	ev->nhits = x.nhits;
	return 0;
}

static void
late_block(void *arg, unsigned i, unsigned s)
{
	struct late *l = arg;
	size_t n = l->run->nevents, from = (size_t)i * LATE_BLOCK,
	    to = from + LATE_BLOCK < n ? from + LATE_BLOCK : n;
	struct late_slot *t = &l->slots[s];
	int rc;

	if (t->sc == NULL && t->err.code == 0 &&
	    (t->sc = sigma_scratch_new(l->rules)) == NULL)
		EV_ERR(&t->err, EV_ENOMEM, 0, "out of memory");
	for (size_t k = from; k < to && t->err.code == 0; k++) {
		struct ev_event *ev = l->run->events[k];

		ev_prefetch(l->run->events, k, to);
		if (ev->kind != EV_KIND_NETWORK &&
		    ev->kind != EV_KIND_IMAGE_LOAD)
			continue;
		if (ev->spilled || (ev->process != NULL &&
		    ev->process->spilled))
			(void)match_whole(l, t, ev, &l->arenas[s]);
		else if ((rc = match_event(l->rules, t->sc, ev,
		    &l->arenas[s])) != 0)
			EV_ERR(&t->err, rc, 0, "out of memory");
	}
}

int
findings_match_late(struct findings *fs, const struct sigma_set *rules,
    struct ingest_run *run, unsigned jobs, struct ev_err *err)
{
	struct late l = { rules, run, jobs ? jobs : 1, NULL, NULL };
	size_t nblocks = (run->nevents + LATE_BLOCK - 1) / LATE_BLOCK;
	int rc = 0;

	l.slots = calloc(l.nslots, sizeof(*l.slots));
	l.arenas = calloc(l.nslots, sizeof(*l.arenas));
	if (l.slots == NULL || l.arenas == NULL || nblocks > UINT_MAX) {
		free(l.slots);
		free(l.arenas);
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	}
	for (unsigned i = 0; i < l.nslots; i++) {
		ev_arena_init(&l.arenas[i]);
		ev_arena_init(&l.slots[i].tmp);
		ev_arena_init(&l.slots[i].ptmp);
	}
	ev_par_for_t((unsigned)nblocks, l.nslots, late_block, &l);
	for (unsigned i = 0; i < l.nslots; i++) {
		if (rc == 0 && l.slots[i].err.code != 0) {
			rc = l.slots[i].err.code;
			if (err != NULL)
				*err = l.slots[i].err;
		}
		ev_arena_release(&l.slots[i].tmp);
		ev_arena_release(&l.slots[i].ptmp);
		sigma_scratch_free(l.slots[i].sc);
	}
	fs->late = l.arenas;
	fs->nlate = l.nslots;
	free(l.slots);
	return rc;
}

/* The sorted union of two ascending hit lists into u; its length. */
static uint32_t
hits_union(const uint32_t *x, uint32_t nx, const uint32_t *y, uint32_t ny,
    uint32_t *u)
{
	uint32_t n = 0, a = 0, b = 0;

	while (a < nx || b < ny) {
		uint32_t p = a < nx ? x[a] : UINT32_MAX;
		uint32_t q = b < ny ? y[b] : UINT32_MAX;

		u[n++] = p <= q ? p : q;
		a += p <= q;
		b += q <= p;
	}
	return n;
}

int
findings_fold_twins(struct findings *fs, const struct corr *c,
    struct ev_event *const *events, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct ev_event *dup = events[i], *keep;
		const struct ev_event *k;
		uint32_t *u;

		ev_prefetch(events, i, n);
		if (dup->nhits == 0 || !corr_is_duplicate(c, dup))
			continue;
		/* the kept event, writable through the run's own array */
		k = corr_process(c, dup);
		keep = k != NULL && k->seq < n && events[k->seq] == k ?
		    events[k->seq] : NULL;
		if (keep != NULL && keep != dup) {
			u = ev_arena_alloc(&fs->arena, (keep->nhits +
			    dup->nhits) * sizeof(*u));
			if (u == NULL)
				return EV_ENOMEM;
			keep->nhits = hits_union(keep->hits, keep->nhits,
			    dup->hits, dup->nhits, u);
			keep->hits = u;
		}
		dup->hits = NULL;
		dup->nhits = 0;
	}
	return 0;
}

/* ---- findings ---- */

/*
 * The building state of a part of the events (findings_build() cuts them
 * in parts built on threads): reasons grow here, findings point in at
 * the end.
 */
struct build {
	const struct findings		*fs;
	const struct sigma_set		*rules;
	const struct base_result	*base;
	const struct findings_filter	*filter;
	struct ev_arena			*arena;	/* what the findings keep */
	struct findings_drop		 drop[3]; /* suppressed, filtered,
						   below (struct findings) */
	const char			**tags;	/* per rule, joined once */
	const struct sigcorr_match	*const *cm; /* reported correlation
						   matches, by event */
	struct sigma_scratch		*sc;	/* for explanations */
	struct ev_arena			 tmp;	/* an event read back whole
						   to be explained */
	size_t				 ncm, ci;
	struct finding_reason		*rs;
	size_t				 nrs, cap;
	size_t				 bi;	/* next baseline finding */
	struct ev_arena			 mtmp;	/* an explanation before it
						   is kept */
	struct ev_iset			 whys;	/* explanations kept */
	const struct finding_match	**whyv;	/* ... by whys' index */
	size_t				 nwhy, whycap;
	struct ev_iset			 runs;	/* reasons of findings */
	struct {
		const char	*technique, *tags;
	}				 tagc[8]; /* baseline reasons' tags */
	size_t				 ntagc;
};

static const char *
join_tags(struct ev_arena *arena, const struct sigma_rule *r)
{
	struct ev_buf b = EV_BUF_INIT;
	const char *out;

	for (size_t i = 0; i < r->tags.n; i++) {
		if (i > 0)
			ev_buf_addc(&b, ' ');
		ev_buf_adds(&b, r->tags.v[i]);
	}
	out = ev_arena_strdup(arena, b.buf);
	ev_buf_release(&b);
	return out;
}

static struct finding_reason *
new_reason(struct build *b)
{
	if (EV_BIG_GROW(b->rs, b->nrs, b->cap, 256) != 0)
		return NULL;
	return &b->rs[b->nrs++];
}

/* A new reason for rule, filled from it (NULL when out of memory). */
static struct finding_reason *
rule_reason(struct build *b, uint32_t rule)
{
	const struct sigma_rule *r = sigma_rule_at(b->rules, rule);
	struct finding_reason *rr = new_reason(b);

	if (rr == NULL)
		return NULL;
	if (b->tags[rule] == NULL)
		b->tags[rule] = join_tags(b->arena, r);
	*rr = (struct finding_reason){
		.level = r->level ? r->level : EV_LEVEL_INFORMATIONAL,
		.title = r->title,
		.rule_id = r->id ? r->id : r->path,
		.rule_path = r->path,
		.tags = b->tags[rule],
		.rule = rule,
		.description = r->description,
		.references = r->references.v,
		.nreferences = r->references.n,
		.falsepositives = r->falsepositives.v,
		.nfalsepositives = r->falsepositives.n,
	};
	return rr;
}

static int
rule_reasons(struct build *b, const struct ev_event *ev)
{
	for (uint32_t h = 0; h < ev->nhits; h++) {
		if (sigma_rule_at(b->rules, ev->hits[h])->silent)
			continue;	/* reported by its correlations */
		if (rule_reason(b, ev->hits[h]) == NULL)
			return EV_ENOMEM;
	}
	return 0;
}

/*
 * ---- interning ----
 *
 * Findings of one rule on like events explain themselves alike, and have
 * alike reasons: each distinct explanation (its matches) and each
 * distinct run of a finding's reasons is kept once and shared, so the
 * findings cost a few dozen bytes each however many there are.  A table
 * of hashes with what each stands for; equality is tested field by field
 * (strings by content where they are copies).
 */

static uint64_t
mix(uint64_t h, uint64_t x)
{
	h = (h ^ x) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

static uint64_t
mix_str(uint64_t h, const char *s)
{
	return mix(h, s != NULL ? ev_map_hash(s, strlen(s)) : 1);
}

static bool
str_eq(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* An explanation: its matches, and the ones kept. */
struct why_key {
	const struct finding_match	*m;
	size_t				 n;
	const struct finding_match	*const *kept;
};

static uint64_t
why_hash(const struct finding_match *m, size_t n)
{
	uint64_t h = n;

	for (size_t i = 0; i < n; i++) {
		h = mix(h, (uintptr_t)m[i].selection);
		h = mix(h, (uintptr_t)m[i].field);
		h = mix(h, (uintptr_t)m[i].mods);
		h = mix(h, (uintptr_t)m[i].value);
		h = mix_str(h, m[i].data);
		h = mix_str(h, m[i].match);
		h = mix(h, m[i].negated);
	}
	return h;
}

static bool
why_eq(const struct ev_islot *sl, const void *arg)
{
	const struct why_key *k = arg;
	const struct finding_match *x = k->kept[sl->ref - 1];

	if (sl->n != k->n)
		return false;
	for (size_t i = 0; i < k->n; i++) {
		const struct finding_match *y = &k->m[i];

		if (x[i].selection != y->selection || x[i].field != y->field ||
		    x[i].mods != y->mods || x[i].value != y->value ||
		    x[i].negated != y->negated || !str_eq(x[i].data,
		    y->data) || !str_eq(x[i].match, y->match))
			return false;
	}
	return true;
}

/*
 * The kept explanation equal to m[0..n) (strings in b->mtmp), copied into
 * b->arena when it is the first; NULL when out of memory.
 */
static const struct finding_match *
why_keep(struct build *b, const struct finding_match *m, size_t n)
{
	struct why_key k = { m, n, b->whyv };
	uint64_t h = why_hash(m, n);
	struct ev_islot *sl;
	struct finding_match *c;

	if (!ev_iset_room(&b->whys))
		return NULL;
	sl = ev_iset_find(&b->whys, h, why_eq, &k);
	if (sl->ref != 0)
		return b->whyv[sl->ref - 1];
	if (b->nwhy >= UINT32_MAX - 1 ||
	    EV_GROW(b->whyv, b->nwhy, b->whycap, 256) != 0 ||
	    (c = ev_arena_calloc(b->arena, n * sizeof(*c))) == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		c[i] = m[i];
		if ((m[i].data != NULL && (c[i].data = ev_arena_strdup(
		    b->arena, m[i].data)) == NULL) || (m[i].match != NULL &&
		    (c[i].match = ev_arena_strdup(b->arena, m[i].match)) ==
		    NULL))
			return NULL;
	}
	b->whyv[b->nwhy++] = c;
	*sl = (struct ev_islot){ h, (uint32_t)b->nwhy, (uint32_t)n };
	b->whys.used++;
	return c;
}

/* A finding's reasons: b->rs[at..at + n). */
struct run_key {
	const struct build	*b;
	size_t			 at, n;
};

static uint64_t
reason_hash(const struct finding_reason *r)
{
	uint64_t h = mix(r->rule, (uint64_t)r->level << 2 |
	    (uint64_t)r->baseline << 1 | r->correlation);

	h = mix(h, (uintptr_t)r->title);
	h = mix(h, (uintptr_t)r->tags);
	h = mix(h, (uintptr_t)r->details);
	return mix(h, (uintptr_t)r->matched);
}

static bool
reason_eq(const struct finding_reason *x, const struct finding_reason *y)
{
	return x->baseline == y->baseline && x->level == y->level &&
	    x->title == y->title && x->rule_id == y->rule_id &&
	    x->rule_path == y->rule_path && x->tags == y->tags &&
	    x->details == y->details &&
	    memcmp(&x->score, &y->score, sizeof(x->score)) == 0 &&
	    x->rule == y->rule && x->correlation == y->correlation &&
	    x->description == y->description &&
	    x->references == y->references &&
	    x->nreferences == y->nreferences &&
	    x->falsepositives == y->falsepositives &&
	    x->nfalsepositives == y->nfalsepositives &&
	    x->matched == y->matched && x->nmatched == y->nmatched;
}

static bool
run_eq(const struct ev_islot *sl, const void *arg)
{
	const struct run_key *k = arg;

	if (sl->n != k->n)
		return false;
	for (size_t i = 0; i < k->n; i++)
		if (!reason_eq(&k->b->rs[sl->ref - 1 + i],
		    &k->b->rs[k->at + i]))
			return false;
	return true;
}

/*
 * Where the reasons b->rs[at..at + n) of a finding are kept: the same
 * reasons of an earlier finding (the new ones dropped), or at.
 * SIZE_MAX when out of memory.
 */
static size_t
run_keep(struct build *b, size_t at, size_t n)
{
	struct run_key k = { b, at, n };
	uint64_t h = n;
	struct ev_islot *sl;

	for (size_t i = 0; i < n; i++)
		h = mix(h, reason_hash(&b->rs[at + i]));
	if (at >= UINT32_MAX - 1 || !ev_iset_room(&b->runs))
		return SIZE_MAX;
	sl = ev_iset_find(&b->runs, h, run_eq, &k);
	if (sl->ref != 0) {
		b->nrs = at;
		return (size_t)sl->ref - 1;
	}
	*sl = (struct ev_islot){ h, (uint32_t)at + 1, (uint32_t)n };
	b->runs.used++;
	return at;
}

/* The matched part of a value, cut to FINDINGS_MATCH_MAX bytes. */
static const char *
match_copy(struct ev_arena *a, const char *s, size_t n)
{
	char *out;
	size_t m = n;

	if (n > FINDINGS_MATCH_MAX) {
		m = FINDINGS_MATCH_MAX;
		while (m > 0 && ((unsigned char)s[m] & 0xc0) == 0x80)
			m--;	/* not inside a UTF-8 sequence */
	}
	if ((out = ev_arena_alloc(a, m + 4)) == NULL)
		return NULL;
	memcpy(out, s, m);
	memcpy(out + m, m < n ? "..." : "", m < n ? 4 : 1);
	return out;
}

/*
 * *ev, whose data stayed in the memory budget's spill, read back whole
 * into b->tmp (reset).  0 or EV_ENOMEM, or the read's error.
 */
static int
whole(struct build *b, const struct ev_event **ev)
{
	struct ev_err err = EV_ERR_INIT;

	ev_arena_reset(&b->tmp);
	if (b->fs->run == NULL)
		return EV_EUSAGE;
	return ingest_event_whole(b->fs->run, *ev, &b->tmp, ev, &err);
}

/*
 * What matched, for the rule reasons of ev that the filters kept
 * (rs[0..n)): worked out again here, once per reported reason, so
 * matching in the reading threads records nothing.
 */
static int
explain_reasons(struct build *b, const struct ev_event *ev,
    struct finding_reason *rs, size_t n)
{
	struct sigma_why why[FINDINGS_MATCHES_MAX];
	int rc;

	for (size_t k = 0; k < n; k++) {
		struct finding_reason *rr = &rs[k];
		const struct finding_match *kept;
		struct finding_match *m;
		int nw;

		if (rr->baseline || rr->correlation)
			continue;
		if (b->sc == NULL && (b->sc = sigma_scratch_new(b->rules)) ==
		    NULL)
			return EV_ENOMEM;
		if (ev->spilled && (rc = whole(b, &ev)) != 0)
			return rc;
		nw = sigma_explain(b->rules, b->sc, rr->rule, ev, why,
		    FINDINGS_MATCHES_MAX);
		if (nw < 0)
			return nw;
		if (nw == 0)
			continue;
		ev_arena_reset(&b->mtmp);
		m = ev_arena_calloc(&b->mtmp, (size_t)nw * sizeof(*m));
		if (m == NULL)
			return EV_ENOMEM;
		for (int i = 0; i < nw; i++) {
			const struct sigma_why *w = &why[i];

			m[i] = (struct finding_match){ w->selection, w->field,
			    w->mods, w->value, w->data, NULL, w->negated };
			if (w->text != NULL && (m[i].match = match_copy(
			    &b->mtmp, w->text + w->off, w->len)) == NULL)
				return EV_ENOMEM;
		}
		/* (a data name of a copy read back is copied: why_keep()) */
		if ((kept = why_keep(b, m, (size_t)nw)) == NULL)
			return EV_ENOMEM;
		rr->matched = kept;
		rr->nmatched = (size_t)nw;
	}
	return 0;
}

void
findings_matched_line(struct ev_buf *b, const struct finding_reason *r)
{
	for (size_t i = 0; i < r->nmatched; i++) {
		const struct finding_match *m = &r->matched[i];

		if (i > 0)
			ev_buf_adds(b, "; ");
		if (m->negated)
			ev_buf_adds(b, "not ");
		if (m->selection != NULL)
			ev_buf_addf(b, "%s: ", m->selection);
		if (m->field != NULL)
			ev_buf_addf(b, "%s%s%s", m->field, *m->mods ? "|" : "",
			    m->mods);
		else if (*m->mods)
			ev_buf_addf(b, "|%s", m->mods);
		if (m->negated)
			ev_buf_adds(b, m->match != NULL ? "" : " absent");
		else if (m->value != NULL)
			ev_buf_addf(b, "%s'%s'", m->field || *m->mods ? " " : "",
			    m->value);
		else
			ev_buf_addf(b, "%snull", m->field || *m->mods ? " " : "");
		if (m->data != NULL)
			ev_buf_addf(b, " in %s", m->data);
		if (m->match != NULL)
			ev_buf_addf(b, " = '%s'", m->match);
	}
}

static int
cm_cmp(const void *a, const void *b)
{
	const struct sigcorr_match *x = *(const struct sigcorr_match *const *)a;
	const struct sigcorr_match *y = *(const struct sigcorr_match *const *)b;

	if (x->last->seq != y->last->seq)
		return x->last->seq < y->last->seq ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * The reported correlation matches of fs in event order, into *cm (NULL
 * when there are none) and their number into *n.  0 or EV_ENOMEM.
 */
static int
sort_matches(const struct findings *fs, const struct sigcorr_match ***cm,
    size_t *n)
{
	const struct sigcorr *sc = fs->correlations;

	*cm = NULL;
	*n = 0;
	if (sc == NULL || sc->n == 0)
		return 0;
	if ((*cm = calloc(sc->n, sizeof(**cm))) == NULL)
		return EV_ENOMEM;
	for (size_t i = 0; i < sc->n; i++)
		if (sc->v[i].reported)
			(*cm)[(*n)++] = &sc->v[i];
	ev_qsort(*cm, *n, sizeof(**cm), cm_cmp);
	return 0;
}

static int
correlation_reasons(struct build *b, const struct ev_event *ev)
{
	while (b->ci < b->ncm && b->cm[b->ci]->last->seq < ev->seq)
		b->ci++;
	for (; b->ci < b->ncm && b->cm[b->ci]->last == ev; b->ci++) {
		const struct sigcorr_match *m = b->cm[b->ci];
		struct finding_reason *rr = rule_reason(b, m->rule);

		if (rr == NULL)
			return EV_ENOMEM;
		rr->correlation = true;
		rr->details = m->details;
	}
	return 0;
}

/*
 * The tags of a baseline reason of technique (NULL: none), lower case, in
 * b->arena: made once for each of the last few techniques seen (the
 * baselines' findings name a handful).  NULL when out of memory.
 */
static const char *
baseline_tags(struct build *b, const char *technique)
{
	struct ev_buf tg = EV_BUF_INIT;
	const char *tags;

	for (size_t i = 0; i < b->ntagc; i++)
		if (b->tagc[i].technique == technique)
			return b->tagc[i].tags;
	if (technique != NULL)
		ev_buf_addf(&tg, "attack.defense_evasion attack.%s",
		    technique);
	for (char *c = tg.buf; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	tags = ev_buf_failed(&tg) ? NULL : ev_arena_strdup(b->arena, tg.buf);
	ev_buf_release(&tg);
	if (tags != NULL && b->ntagc < sizeof(b->tagc) / sizeof(*b->tagc)) {
		b->tagc[b->ntagc].technique = technique;
		b->tagc[b->ntagc++].tags = tags;
	}
	return tags;
}

static int
baseline_reasons(struct build *b, const struct ev_event *ev)
{
	const struct base_result *br = b->base;

	if (br == NULL)
		return 0;
	while (b->bi < br->nfindings && br->findings[b->bi].ev->seq < ev->seq)
		b->bi++;
	for (; b->bi < br->nfindings && br->findings[b->bi].ev == ev;
	    b->bi++) {
		const struct base_finding *f = &br->findings[b->bi];
		struct finding_reason *rr = new_reason(b);
		const char *tags;

		if (rr == NULL || (tags = baseline_tags(b, f->technique)) ==
		    NULL)
			return EV_ENOMEM;
		*rr = (struct finding_reason){
			.baseline = true,
			.level = f->level,
			.title = f->title,
			.rule_id = f->kind == BASE_FINDING_RENAMED ?
			    "baseline:renamed" : "baseline:unusual",
			.tags = tags,
			.details = f->details,
			.score = f->score,
		};
	}
	return 0;
}

static int
reason_cmp(const void *a, const void *b)
{
	const struct finding_reason *x = a, *y = b;

	if (x->level != y->level)
		return x->level > y->level ? -1 : 1;
	if (x->baseline != y->baseline)
		return x->baseline ? 1 : -1;
	return strcmp(x->title ? x->title : "", y->title ? y->title : "");
}

/*
 * Drops the suppressed and filtered reasons from first on, counting them,
 * and the finding when none stays (findings.h: struct findings_drop);
 * how many stay.
 */
static size_t
keep_reasons(struct build *b, const struct ev_event *ev, size_t first)
{
	struct findings_drop *by[] = { NULL, &b->drop[0], &b->drop[1],
	    &b->drop[2] };
	bool seen[4] = { false };
	size_t w = first;

	for (size_t k = first; k < b->nrs; k++) {
		enum findings_why d = findings_reason_drop(b->fs, b->filter,
		    ev, &b->rs[k]);

		seen[d] = true;
		if (d == FINDINGS_KEEP)
			b->rs[w++] = b->rs[k];
		else
			by[d]->reasons++;
	}
	if (w == first && b->nrs > first)
		by[seen[FINDINGS_SUPPRESS] ? FINDINGS_SUPPRESS :
		    seen[FINDINGS_FILTER] ? FINDINGS_FILTER :
		    FINDINGS_LEVEL]->findings++;
	b->nrs = w;
	return w - first;
}

/*
 * A part of findings_build(): the findings of events [from, to), at most
 * one for each of its ncand candidates, in v (in fs->v, where the
 * candidates before it end), each one's first reason's index in b.rs in
 * first while they are built.
 */
struct part {
	_Alignas(64) struct build b;	/* (parts share no cache line) */
	size_t		 from, to, ncand;
	struct finding	*v;
	size_t		*first, nf;
	int		 rc;
};

/*
 * Which events findings_build() looks at, one byte each: those with rule
 * hits, found on up to jobs threads (cand_block()), and those a
 * correlation match ends at or a baseline finding is of (found by their
 * position, events[seq]; when one is not there, every event).  The rest,
 * most of a run, are not read again.  NULL when out of memory.
 */
#define CAND_BLOCK	16384

struct cands {
	struct ev_event *const	*events;
	size_t			 n;
	uint8_t			*cand;
};

static void
cand_block(void *arg, unsigned k)
{
	struct cands *c = arg;
	size_t to = c->n - (size_t)k * CAND_BLOCK < CAND_BLOCK ? c->n :
	    ((size_t)k + 1) * CAND_BLOCK;

	for (size_t i = (size_t)k * CAND_BLOCK; i < to; i++) {
		ev_prefetch(c->events, i, to);
		c->cand[i] = c->events[i]->nhits > 0;
	}
}

static void
cand_mark(struct cands *c, const struct ev_event *ev, bool *all)
{
	if (ev->seq < c->n && c->events[ev->seq] == ev)
		c->cand[ev->seq] = 1;
	else
		*all = true;
}

static uint8_t *
candidates(const struct sigcorr_match *const *cm, size_t ncm,
    const struct base_result *base, struct ev_event *const *events, size_t n,
    unsigned jobs)
{
	struct cands c = { events, n, malloc(n + 1) };
	bool all = false;

	if (c.cand == NULL)
		return NULL;
	ev_par_for((unsigned)((n + CAND_BLOCK - 1) / CAND_BLOCK), jobs,
	    cand_block, &c);
	for (size_t i = 0; i < ncm; i++)
		cand_mark(&c, cm[i]->last, &all);
	for (size_t i = 0; base != NULL && i < base->nfindings; i++)
		cand_mark(&c, base->findings[i].ev, &all);
	if (all)
		memset(c.cand, 1, n);
	return c.cand;
}

/* The findings of the candidate events of part p (ev_par_for()). */
struct parts {
	struct part		*p;
	struct ev_event *const	*events;
	const uint8_t		*cand;
};

static void
build_part(void *arg, unsigned i)
{
	const struct parts *ps = arg;
	struct part *p = &ps->p[i];
	struct build *b = &p->b;
	int rc = EV_ENOMEM;

	if (p->ncand > 0 && (p->first = malloc(p->ncand *
	    sizeof(*p->first))) == NULL)
		goto out;
	for (size_t k = p->from; k < p->to; k++) {
		const struct ev_event *ev = ps->events[k];
		size_t f0 = b->nrs, n;

		if (!ps->cand[k])
			continue;
		if (rule_reasons(b, ev) != 0 ||
		    correlation_reasons(b, ev) != 0 ||
		    baseline_reasons(b, ev) != 0)
			goto out;
		if ((n = keep_reasons(b, ev, f0)) == 0)
			continue;
		if ((rc = explain_reasons(b, ev, b->rs + f0, n)) != 0)
			goto out;
		rc = EV_ENOMEM;
		ev_qsort(b->rs + f0, n, sizeof(*b->rs), reason_cmp);
		if (p->nf == p->ncand || (f0 = run_keep(b, f0, n)) ==
		    SIZE_MAX)
			goto out;
		/* reasons move as they grow: point into them at the end */
		p->first[p->nf] = f0;
		p->v[p->nf] = (struct finding){ .ev = ev, .nreasons = n,
		    .level = b->rs[f0].level };
		p->nf++;
	}
	for (size_t k = 0; k < p->nf; k++)
		p->v[k].reasons = b->rs + p->first[k];
	rc = 0;
out:
	p->rc = rc;
	sigma_scratch_free(b->sc);
	ev_arena_release(&b->tmp);
	ev_arena_release(&b->mtmp);
	ev_iset_release(&b->whys);
	free(b->whyv);
	ev_iset_release(&b->runs);
	free(b->tags);
	b->sc = NULL;
	b->whyv = NULL;
	b->tags = NULL;
}

/*
 * How many parts the events are built in, and where each starts: about
 * as many candidates in each, at least FINDINGS_PART of them (each part
 * keeps its explanations and tags apart).
 */
#define FINDINGS_PART	2048

static size_t
cut_parts(const uint8_t *cand, size_t n, unsigned jobs, struct part *p)
{
	size_t nc = 0, np, k = 0, seen = 0, last = 0;

	for (size_t i = 0; i < n; i++)
		nc += cand[i];
	np = nc / FINDINGS_PART;
	if (np > jobs)
		np = jobs;
	if (np < 1)
		np = 1;
	p[0].from = 0;
	for (size_t i = 0; i < n && k + 1 < np; i++) {
		seen += cand[i];
		if (seen >= nc / np * (k + 1)) {
			p[k].to = i + 1;
			p[k].ncand = seen - last;
			last = seen;
			p[++k].from = i + 1;
		}
	}
	p[k].to = n;
	p[k].ncand = nc - last;
	return k + 1;
}

/*
 * The parts joined in order into fs: their findings moved down to follow
 * each other in fs->v, their reasons' arrays (which fs keeps), their
 * drop counts summed.
 */
static void
join_parts(struct findings *fs, struct part *p, size_t np)
{
	for (size_t i = 0; i < np; i++) {
		struct findings_drop *d = p[i].b.drop;

		if (p[i].nf > 0 && p[i].v != fs->v + fs->n)
			memmove(fs->v + fs->n, p[i].v, p[i].nf *
			    sizeof(*fs->v));
		fs->n += p[i].nf;
		fs->reasons[fs->nreasons++] = p[i].b.rs;
		p[i].b.rs = NULL;
		fs->suppressed.findings += d[0].findings;
		fs->suppressed.reasons += d[0].reasons;
		fs->filtered.findings += d[1].findings;
		fs->filtered.reasons += d[1].reasons;
		fs->below.findings += d[2].findings;
		fs->below.reasons += d[2].reasons;
	}
}

int
findings_build(struct findings *fs, const struct sigma_set *rules,
    const struct base_result *base, struct ev_event *const *events,
    size_t n, const struct findings_filter *filter, unsigned jobs)
{
	const struct sigcorr_match **cm = NULL;
	struct part *p = NULL;
	struct ev_arena *arenas;
	struct finding_reason **rv;
	uint8_t *cand = NULL;
	size_t ncm, np = 0, at = 0;
	int rc = EV_ENOMEM;

	if (jobs < 1)
		jobs = 1;
	ev_big_free(fs->v);
	fs->v = NULL;
	fs->n = 0;
	if (sort_matches(fs, &cm, &ncm) != 0 ||
	    (cand = candidates(cm, ncm, base, events, n, jobs)) == NULL ||
	    (p = aligned_alloc(64, jobs * sizeof(*p))) == NULL)
		goto out;
	memset(p, 0, jobs * sizeof(*p));
	np = cut_parts(cand, n, jobs, p);
	for (size_t i = 0; i < np; i++)
		at += p[i].ncand;
	/* room for a finding per candidate, given back after */
	if ((fs->v = ev_big_alloc((at ? at : 1) * sizeof(*fs->v))) == NULL ||
	    (arenas = realloc(fs->built, (fs->nbuilt + np) *
	    sizeof(*arenas))) == NULL)
		goto out;
	fs->built = arenas;
	if ((rv = realloc(fs->reasons, (fs->nreasons + np) *
	    sizeof(*rv))) == NULL)
		goto out;
	fs->reasons = rv;
	at = 0;
	for (size_t i = 0; i < np; i++) {
		struct build *b = &p[i].b;

		ev_arena_init(&arenas[fs->nbuilt]);
		*b = (struct build){ .fs = fs, .rules = rules, .base = base,
		    .filter = filter, .arena = &arenas[fs->nbuilt++],
		    .cm = cm, .ncm = ncm, .whys = EV_ISET_INIT,
		    .runs = EV_ISET_INIT };
		ev_arena_init(&b->tmp);
		ev_arena_init(&b->mtmp);
		p[i].v = fs->v + at;
		at += p[i].ncand;
		if ((b->tags = calloc(sigma_count(rules) + 1,
		    sizeof(*b->tags))) == NULL)
			goto out;
	}
	ev_par_for((unsigned)np, jobs, build_part,
	    &(struct parts){ p, events, cand });
	rc = 0;
	for (size_t i = 0; i < np && rc == 0; i++)
		rc = p[i].rc;
	if (rc == 0) {
		struct finding *v;

		join_parts(fs, p, np);
		if (fs->n > 0 && (v = ev_big_realloc(fs->v, fs->n *
		    sizeof(*v))) != NULL)
			fs->v = v;
	}
out:
	if (rc != 0)
		fs->n = 0;
	for (size_t i = 0; p != NULL && i < np; i++) {
		free(p[i].b.tags);
		ev_big_free(p[i].b.rs);
		free(p[i].first);
	}
	free(p);
	free(cm);
	free(cand);
	return rc;
}

/* ingest_event_whole() as sigcorr calls it (sigcorr.h) */
static int
run_whole(const void *run, const struct ev_event *ev, struct ev_arena *arena,
    const struct ev_event **out, struct ev_err *err)
{
	return ingest_event_whole(run, ev, arena, out, err);
}

int
findings_correlate(struct findings *fs, struct sigcorr *sc,
    const struct sigma_set *rules, const struct ingest_run *run,
    struct ev_err *err)
{
	const char **names;
	int rc;

	if (sigma_corr_count(rules) == 0)
		return 0;
	if ((names = calloc(run->nfiles + 1, sizeof(*names))) == NULL)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	for (size_t i = 0; i < run->nfiles; i++)
		names[i] = run->files[i].path;
	sc->whole = run_whole;
	sc->whole_arg = run;
	rc = sigcorr_run(sc, rules, run->events, run->nevents, names,
	    run->nfiles, err);
	free(names);
	fs->correlations = sc;
	return rc;
}

bool
findings_reported_at(const struct sigma_set *rules,
    const struct base_result *base, const struct ev_event *ev,
    enum ev_level level)
{
	size_t lo = 0, hi = base != NULL ? base->nfindings : 0;

	for (uint32_t i = 0; i < ev->nhits; i++)
		if (sigma_rule_at(rules, ev->hits[i])->level >= level)
			return true;
	/* the baseline's findings are in output order: ev's are found by
	   its place (each event of a run was asked: a walk over them all
	   made --learn quadratic, 67 s at generated 512 MiB) */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (base->findings[mid].ev->seq < ev->seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; base != NULL && i < base->nfindings &&
	    base->findings[i].ev->seq == ev->seq; i++)
		if (base->findings[i].ev == ev &&
		    base->findings[i].level >= level)
			return true;
	return false;
}
