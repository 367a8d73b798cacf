/*
 * score.c -- scoring invocations of watched binaries against history.
 *
 * For an invocation of binary B with prior history of N invocations on H
 * hosts, each feature value v of type t seen in c of them adds, when it
 * is new or rare (c == 0 or c <= rare * N), its smoothed surprisal
 *	bits(v) = weight[t] * -log2((c + alpha) / (N + alpha * K))
 * with K the number of distinct values of t seen for B, plus one for the
 * unseen.  The whole shaped command line (args) only counts when no
 * single argument was rare (a new combination of known arguments).  The
 * score is the sum, over at most BASE_MAX_PER_TYPE values per type (the
 * first ones in command-line order; a long script split into words must
 * not add up to "critical" on its own); the level is the highest whose threshold it reaches;
 * below the low threshold nothing is reported.  Binaries with N <
 * min_history are listed as unbaselined instead.
 * Stacking (no prior model): the evidence is the history, and each
 * invocation is scored against all others (its own counts subtracted).
 * The work runs on the scan's threads by blocks of events and, for the
 * history, by binary (base_score_jobs()).
 */
#include <math.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ev_par.h"
#include "ev_util.h"
#include "baseline/baseline.h"
#include "correlate.h"

static const char *const nouns[BASE_F_NTYPES] = {
	"argument", "argument combination", "parent", "image path",
	"loaded module", "network destination", "child process",
};

/* "4,210" */
static void
add_count(struct ev_buf *b, uint64_t n)
{
	char tmp[32];
	size_t len = (size_t)snprintf(tmp, sizeof(tmp), "%llu",
	    (unsigned long long)n);

	for (size_t i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			ev_buf_addc(b, ',');
		ev_buf_addc(b, tmp[i]);
	}
}

static const struct ev_map_ent *
get2(const struct ev_map *m, struct ev_buf *k, const char *a, const char *b,
    const char *c)
{
	ev_buf_reset(k);
	ev_buf_adds(k, a);
	if (b != NULL) {
		ev_buf_addc(k, '\x1f');
		ev_buf_adds(k, b);
	}
	if (c != NULL) {
		ev_buf_addc(k, '\x1f');
		ev_buf_adds(k, c);
	}
	return ev_buf_failed(k) ? NULL : ev_map_get(m, k->buf, k->len);
}

static int
cmp_new(const void *a, const void *b)
{
	const struct base_new *x = a, *y = b;

	if (x->bits != y->bits)
		return x->bits < y->bits ? 1 : -1;
	if (x->type != y->type)
		return (int)x->type - (int)y->type;
	return strcmp(x->value, y->value);
}

static enum ev_level
level_of(const struct base_config *cfg, double score)
{
	enum ev_level l = EV_LEVEL_INFORMATIONAL;

	for (int i = EV_LEVEL_LOW; i < EV_NLEVELS; i++)
		if (score >= cfg->level_score[i])
			l = (enum ev_level)i;
	return l;
}

struct scorer {
	const struct base_config	*cfg;
	const struct base_model		*model;
	bool				 loo;
	struct base_result		*res;
	struct ev_arena			*arena;		/* res's strings */
	struct ev_buf			 key, text;
	/* findings grow here */
	size_t				 cap;
	/* unbaselined: binary -> index in res->unbaselined */
	struct ev_map			 unb;
	size_t				 ucap;
};

static char *
keep(struct scorer *s, const char *str)
{
	return ev_arena_strdup(s->arena, str);
}

static struct base_finding *
new_finding(struct scorer *s, const struct base_inv *inv)
{
	struct base_finding *f;

	if (EV_BIG_GROW(s->res->findings, s->res->nfindings, s->cap, 16) !=
	    0)
		return NULL;
	f = &s->res->findings[s->res->nfindings++];
	memset(f, 0, sizeof(*f));
	f->ev = inv->ev;
	f->binary = inv->bin->name;
	f->technique = inv->bin->technique;
	return f;
}

static int
renamed(struct scorer *s, const struct base_inv *inv)
{
	struct base_finding *f = new_finding(s, inv);
	const char *img = ev_col(inv->ev, EV_COL_IMAGE);
	const char *ofn = ev_col(inv->ev, EV_COL_ORIGINAL_FILE_NAME);
	const char *base = strrchr(img, '\\');

	if (f == NULL)
		return EV_ENOMEM;
	f->kind = BASE_FINDING_RENAMED;
	f->level = s->cfg->renamed_level;
	f->score = s->cfg->level_score[f->level];
	ev_buf_reset(&s->text);
	ev_buf_addf(&s->text, "renamed %s running as %s", inv->bin->name,
	    base ? base + 1 : img);
	f->title = keep(s, s->text.buf);
	ev_buf_reset(&s->text);
	/* base_identify() reads the Description only without a usable
	 * OriginalFileName */
	if (ofn != NULL && *ofn != '\0' && strcmp(ofn, "?") != 0 &&
	    strcmp(ofn, "-") != 0)
		ev_buf_addf(&s->text, "OriginalFileName %s but image %s", ofn,
		    img);
	else
		ev_buf_addf(&s->text, "PE Description '%s' but image %s",
		    ev_col(inv->ev, EV_COL_DESCRIPTION), img);
	f->details = keep(s, s->text.buf);
	return f->title && f->details && !ev_buf_failed(&s->text) ? 0 :
	    EV_ENOMEM;
}

static int
unbaselined(struct scorer *s, const struct base_inv *inv, uint64_t history)
{
	struct ev_map_ent *e;
	struct base_unbaselined *u;
	bool isnew;

	e = ev_map_put(&s->unb, inv->bin->name, strlen(inv->bin->name),
	    &isnew);
	if (e == NULL)
		return EV_ENOMEM;
	if (isnew) {
		if (EV_GROW(s->res->unbaselined, s->res->nunbaselined,
		    s->ucap, 8) != 0)
			return EV_ENOMEM;
		e->idx = (uint32_t)s->res->nunbaselined++;
		u = &s->res->unbaselined[e->idx];
		u->binary = inv->bin->name;
		u->invocations = 0;
		u->history = history;
	}
	u = &s->res->unbaselined[e->idx];
	u->invocations++;
	if (history > u->history)
		u->history = history;
	return 0;
}

/* "bin: argument `x` never seen in 4,210 prior invocations on 37 hosts" */
static void
describe_new(struct scorer *s, const char *bin, const struct base_new *w,
    uint64_t n, uint64_t hosts)
{
	ev_buf_addf(&s->text, "%s: %s `%s` ", bin, nouns[w->type], w->value);
	if (n == 0 && w->prior) {
		ev_buf_addf(&s->text, "is not a usual %s of %s (no %s "
		    "invocations)", nouns[w->type], bin, s->loo ? "other" :
		    "prior");
		return;
	}
	if (w->seen == 0)
		ev_buf_adds(&s->text, "never seen");
	else if (w->seen == 1)
		ev_buf_adds(&s->text, "seen once");
	else {
		ev_buf_adds(&s->text, "seen ");
		add_count(&s->text, w->seen);
		ev_buf_adds(&s->text, " times");
	}
	ev_buf_adds(&s->text, " in ");
	add_count(&s->text, n);
	ev_buf_adds(&s->text, s->loo ? " other invocations on " :
	    " prior invocations on ");
	add_count(&s->text, hosts);
	ev_buf_adds(&s->text, hosts == 1 ? " host" : " hosts");
	if (w->prior)
		ev_buf_addf(&s->text, ", not a usual %s of %s", nouns[w->type],
		    bin);
}

/*
 * One feature value: how many comparable invocations had it (*seen) and
 * its surprisal against n local invocations plus, when the binary's
 * prior has an opinion on the value, the prior's weight; 0 when it is
 * not rare enough to count.  *prior is set when the prior judged it.
 */
static double
value_bits(struct scorer *s, const struct base_inv *inv, size_t i,
    uint64_t n, uint64_t *seenp, bool *prior)
{
	const struct base_config *cfg = s->cfg;
	const struct base_prior *p = inv->bin->prior;
	enum base_ftype t = inv->feat[i].type;
	const char *bin = inv->bin->name, *tn = base_ftype_name(t);
	const char *v = inv->feat[i].value;
	const struct ev_map_ent *e;
	double w = 0, total, rare;
	uint64_t seen, k;
	int expect = base_prior_expects(p, t, v);

	*prior = expect >= 0;
	if (expect == 1)
		return 0;
	if (expect < 0 && n < cfg->min_history)
		return 0;		/* no prior, too little history */
	if (expect == 0)
		w = cfg->prior_weight;
	e = get2(&s->model->val, &s->key, bin, tn, v);
	seen = e ? e->count : 0;
	if (s->loo && seen > 0)
		seen--;
	*seenp = seen;
	total = (double)n + w;
	/* the prior's and the history's thresholds, weighted by size */
	rare = total > 0 ? (w * cfg->prior_rare + (double)n * cfg->rare) /
	    total : cfg->rare;
	if (seen > 0 && (double)seen > rare * total)
		return 0;
	e = get2(&s->model->kinds, &s->key, bin, tn, NULL);
	k = (e ? e->count : 0) + 1;
	if (s->loo && seen == 0 && k > 1)
		k--;	/* its only value was this one */
	if (expect == 0)
		k += p->npat[t];
	return cfg->weight[t] * -log2(((double)seen + cfg->alpha) /
	    (total + cfg->alpha * (double)k));
}

static int
score_one(struct scorer *s, const struct base_inv *inv)
{
	const struct base_config *cfg = s->cfg;
	const char *bin = inv->bin->name;
	const struct ev_map_ent *e;
	struct base_new *news;
	uint64_t n, hosts;
	size_t nn = 0, ntype[BASE_F_NTYPES] = { 0 };
	bool rare_arg = false, used_prior = false;
	double score = 0;
	struct base_finding *f;

	if (inv->renamed && renamed(s, inv) != 0)
		return EV_ENOMEM;
	e = get2(&s->model->bin, &s->key, bin, NULL, NULL);
	n = e ? e->count : 0;
	hosts = e ? e->idx : 0;
	if (s->loo && n > 0) {
		n--;
		e = get2(&s->model->host, &s->key, bin, inv->host, NULL);
		if (e != NULL && e->count == 1 && hosts > 0)
			hosts--;
	}
	if (n < cfg->min_history && inv->bin->prior == NULL)
		return unbaselined(s, inv, n);
	s->res->scored++;
	if ((news = calloc(inv->nfeat ? inv->nfeat : 1, sizeof(*news))) == NULL)
		return EV_ENOMEM;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < inv->nfeat; i++) {
			enum base_ftype t = inv->feat[i].type;
			uint64_t seen = 0;
			bool prior;
			double bits;

			/* args after the single arguments */
			if ((t == BASE_F_ARGS) != (pass == 1))
				continue;
			if (t == BASE_F_ARGS && rare_arg)
				continue;
			bits = value_bits(s, inv, i, n, &seen, &prior);
			if (bits <= 0 || ntype[t] == BASE_MAX_PER_TYPE)
				continue;
			ntype[t]++;
			if (t == BASE_F_ARG)
				rare_arg = true;
			used_prior |= prior;
			news[nn].type = t;
			news[nn].value = inv->feat[i].value;
			news[nn].seen = seen;
			news[nn].bits = bits;
			news[nn].prior = prior;
			score += bits;
			nn++;
		}
	}
	if (nn == 0 || level_of(cfg, score) == EV_LEVEL_INFORMATIONAL ||
	    (f = new_finding(s, inv)) == NULL) {
		bool oom = nn > 0 && level_of(cfg, score) !=
		    EV_LEVEL_INFORMATIONAL;

		free(news);
		return oom ? EV_ENOMEM : 0;
	}
	ev_qsort(news, nn, sizeof(*news), cmp_new);
	f->kind = BASE_FINDING_UNUSUAL;
	f->score = score;
	f->level = level_of(cfg, score);
	f->history = n;
	f->hosts = hosts;
	f->prior = used_prior;
	f->news = ev_arena_alloc(s->arena, nn * sizeof(*news));
	if (f->news == NULL) {
		free(news);
		return EV_ENOMEM;
	}
	ev_buf_reset(&s->text);
	for (size_t i = 0; i < nn; i++) {
		struct base_new *w = &f->news[i];

		*w = news[i];
		w->value = keep(s, news[i].value);
		if (w->value == NULL)
			break;
		if (i > 0)
			ev_buf_adds(&s->text, "; ");
		describe_new(s, bin, w, n, hosts);
		if (i == 0) {
			if ((f->title = keep(s, s->text.buf)) == NULL)
				break;
		}
	}
	f->nnews = nn;
	free(news);
	if (f->title == NULL || ev_buf_failed(&s->text))
		return EV_ENOMEM;
	ev_buf_addf(&s->text, " (score %.1f", score);
	if (used_prior) {
		ev_buf_adds(&s->text, "; history: ");
		add_count(&s->text, n);
		ev_buf_addf(&s->text, " %s and the prior (weight %g)",
		    s->loo ? "other" : "prior", cfg->prior_weight);
	}
	ev_buf_addc(&s->text, ')');
	f->details = keep(s, s->text.buf);
	return f->details ? 0 : EV_ENOMEM;
}

static int
cmp_unb(const void *a, const void *b)
{
	const struct base_unbaselined *x = a, *y = b;

	return strcmp(x->binary, y->binary);
}

/*
 * The invocations of watched binaries among events, found and then scored
 * on several threads, by blocks of FEAT_BLOCK events: block k has its
 * invocations in event order (v), and then its part of the result (its
 * findings, unbaselined binaries and count scored), which the parts of
 * the blocks before it precede.  Thread t has slot t (ev_par_for_t()):
 * the map keeping feature values and hosts once per thread (live until
 * the scoring ends), its buffers, and the arena of its findings' strings
 * (which the result takes).
 */
#define FEAT_BLOCK	8192

struct feat_slot {
	_Alignas(64) struct ev_shared strings;
	struct ev_arena		 feats;		/* the invocations' arrays */
	struct ev_buf		 key, text;
	struct ev_arena		 arena;
};

struct feat_blk {
	struct base_inv		*v;
	size_t			 n, cap;
	struct base_result	 part;		/* arena unused */
	int			 rc;
};

/*
 * Stacking: the evidence's counts and model by binary name, in up to
 * nslots parts.  Names are dealt, most invocations first, to the part
 * with the fewest so far; part p counts the invocations of its names and
 * sums them into its own model, on a thread of its own, and an
 * invocation is scored against the model of its name's part.  A binary's
 * model is the same whatever the parts: only its own counts make it.
 */
struct mpart {
	struct base_counts	 counts;
	struct base_model	 model;
	uint64_t		 load;		/* invocations dealt */
	int			 rc;
};

struct feats {
	const struct base_config *cfg;
	const struct corr	*corr;
	struct ev_event *const	*events;
	size_t			 n;
	const struct base_model	*model;		/* scoring against (a DB's) */
	bool			 loo;
	struct feat_slot	*slots;
	unsigned		 nslots;
	struct feat_blk		*blk;
	unsigned		 nblk;
	struct mpart		*parts;		/* stacking: the models */
	unsigned		 nparts;
	unsigned		*part_of;	/* per cfg->bins entry */
};

/* The part of inv's binary (inv->bin is one of cfg->bins). */
static unsigned
part_of(const struct feats *f, const struct base_inv *inv)
{
	return f->part_of[inv->bin - f->cfg->bins];
}

static void
feat_block(void *arg, unsigned k, unsigned t)
{
	struct feats *f = arg;
	struct feat_blk *b = &f->blk[k];
	size_t from = (size_t)k * FEAT_BLOCK, to = f->n - from < FEAT_BLOCK ?
	    f->n : from + FEAT_BLOCK;
	struct feat_slot *sl = &f->slots[t];

	for (size_t i = from; i < to && b->rc == 0; i++) {
		struct base_inv inv;

		ev_prefetch_cols(f->events, i, to);
		if (f->events[i]->kind != EV_KIND_PROCESS ||
		    (f->corr != NULL && corr_is_duplicate(f->corr,
		    f->events[i])))
			continue;
		if ((b->rc = base_features(f->cfg, f->corr, f->events[i],
		    &sl->strings, &sl->feats, &inv)) != 0 || inv.bin == NULL ||
		    (b->rc = EV_BIG_GROW(b->v, b->n, b->cap, 64)) != 0)
			base_inv_release(&inv);
		else
			b->v[b->n++] = inv;
	}
}

static void
score_block(void *arg, unsigned k, unsigned t)
{
	struct feats *f = arg;
	struct feat_blk *b = &f->blk[k];
	struct feat_slot *sl = &f->slots[t];
	struct scorer s = { .cfg = f->cfg, .model = f->model, .loo = f->loo,
	    .res = &b->part, .arena = &sl->arena, .key = sl->key,
	    .text = sl->text };

	ev_map_init(&s.unb);
	for (size_t i = 0; i < b->n && b->rc == 0; i++) {
		if (f->parts != NULL)
			s.model = &f->parts[part_of(f, &b->v[i])].model;
		b->rc = score_one(&s, &b->v[i]);
	}
	ev_map_release(&s.unb);
	sl->key = s.key;
	sl->text = s.text;
}

/* Part p's counts and model (ev_par_for() body). */
static void
part_count(void *arg, unsigned p)
{
	struct feats *f = arg;
	struct mpart *mp = &f->parts[p];

	for (unsigned k = 0; k < f->nblk && mp->rc == 0; k++)
		for (size_t i = 0; i < f->blk[k].n && mp->rc == 0; i++)
			if (part_of(f, &f->blk[k].v[i]) == p)
				mp->rc = base_counts_add(&mp->counts,
				    &f->blk[k].v[i]);
	if (mp->rc == 0)
		mp->rc = base_model_add_counts(&mp->model, &mp->counts);
	base_counts_release(&mp->counts);
}

/* A name's invocations, for dealing (first: its first cfg->bins entry). */
struct named {
	uint64_t	 n;
	size_t		 first;
	unsigned	 part;
};

static int
cmp_named(const void *a, const void *b)
{
	const struct named *x = *(const struct named *const *)a;
	const struct named *y = *(const struct named *const *)b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/*
 * The stacking models, by part (struct mpart): names dealt, then each
 * part counted on a thread.  0 or EV_ENOMEM.
 */
static int
stack_models(struct feats *f)
{
	size_t nb = f->cfg->nbins, nn = 0;
	uint64_t *per = calloc(nb + 1, sizeof(*per));
	struct named *nv = calloc(nb + 1, sizeof(*nv));
	struct named **order = calloc(nb + 1, sizeof(*order));
	size_t *name_of = calloc(nb + 1, sizeof(*name_of));
	struct ev_map names = EV_MAP_INIT;
	int rc = EV_ENOMEM;

	if (per == NULL || nv == NULL || order == NULL || name_of == NULL ||
	    (f->part_of = calloc(nb + 1, sizeof(*f->part_of))) == NULL)
		goto out;
	for (unsigned k = 0; k < f->nblk; k++)
		for (size_t i = 0; i < f->blk[k].n; i++)
			per[f->blk[k].v[i].bin - f->cfg->bins]++;
	for (size_t i = 0; i < nb; i++) {
		const char *name = f->cfg->bins[i].name;
		struct ev_map_ent *e;
		bool isnew;

		if ((e = ev_map_put(&names, name, strlen(name), &isnew)) ==
		    NULL)
			goto out;
		if (isnew) {
			e->idx = (uint32_t)nn;
			nv[nn] = (struct named){ 0, i, 0 };
			order[nn] = &nv[nn];
			nn++;
		}
		name_of[i] = e->idx;
		nv[e->idx].n += per[i];
	}
	f->nparts = f->nslots < nn ? f->nslots : nn ? (unsigned)nn : 1;
	if ((f->parts = calloc(f->nparts, sizeof(*f->parts))) == NULL)
		goto out;
	for (unsigned p = 0; p < f->nparts; p++) {
		base_counts_init(&f->parts[p].counts);
		base_model_init(&f->parts[p].model);
	}
	ev_qsort(order, nn, sizeof(*order), cmp_named);
	for (size_t k = 0; k < nn; k++) {
		unsigned best = 0;

		for (unsigned p = 1; p < f->nparts; p++)
			if (f->parts[p].load < f->parts[best].load)
				best = p;
		f->parts[best].load += order[k]->n;
		order[k]->part = best;
	}
	for (size_t i = 0; i < nb; i++)
		f->part_of[i] = nv[name_of[i]].part;
	ev_par_for(f->nparts, f->nparts, part_count, f);
	rc = 0;
	for (unsigned p = 0; p < f->nparts; p++)
		if (f->parts[p].rc != 0)
			rc = f->parts[p].rc;
out:
	free(per);
	free(nv);
	free(order);
	free(name_of);
	ev_map_release(&names);
	return rc;
}

/* The slots and blocks for events[0..n) on up to jobs threads. */
static int
feats_init(struct feats *f, unsigned jobs)
{
	f->nblk = (unsigned)((f->n + FEAT_BLOCK - 1) / FEAT_BLOCK);
	f->nslots = jobs < 1 ? 1 : jobs > f->nblk ? (f->nblk ? f->nblk : 1) :
	    jobs;
	if ((f->slots = aligned_alloc(64, f->nslots * sizeof(*f->slots))) ==
	    NULL)
		return EV_ENOMEM;
	/* what grows with the invocations is pooled: past the memory
	   budget (ev_arena_pool_file()), a temporary file's pages */
	for (unsigned t = 0; t < f->nslots; t++) {
		ev_shared_init(&f->slots[t].strings);
		ev_shared_pool(&f->slots[t].strings);
		ev_arena_init(&f->slots[t].feats);
		ev_arena_pool(&f->slots[t].feats);
		ev_buf_init(&f->slots[t].key);
		ev_buf_init(&f->slots[t].text);
		ev_arena_init(&f->slots[t].arena);
		ev_arena_pool(&f->slots[t].arena);
	}
	if ((f->blk = calloc(f->nblk + 1, sizeof(*f->blk))) == NULL)
		return EV_ENOMEM;
	return 0;
}

/* The first error of the blocks, or 0. */
static int
blocks_rc(const struct feats *f)
{
	for (unsigned k = 0; k < f->nblk; k++)
		if (f->blk[k].rc != 0)
			return f->blk[k].rc;
	return 0;
}

/*
 * The blocks' parts into res, in order: their findings, their unbaselined
 * binaries summed by name (first appearance first, as one scorer would
 * list them; sorted after), the count scored, and the slots' arenas.
 * 0 or EV_ENOMEM.
 */
static int
merge_parts(struct feats *f, struct base_result *res)
{
	struct ev_map unb = EV_MAP_INIT;	/* binary -> its entry */
	size_t nf = 0, ucap = 0;
	int rc = EV_ENOMEM;

	for (unsigned k = 0; k < f->nblk; k++)
		nf += f->blk[k].part.nfindings;
	if ((res->findings = ev_big_alloc((nf ? nf : 1) *
	    sizeof(*res->findings))) == NULL)
		goto out;
	for (unsigned k = 0; k < f->nblk; k++) {
		struct base_result *p = &f->blk[k].part;

		if (p->nfindings > 0)
			memcpy(res->findings + res->nfindings, p->findings,
			    p->nfindings * sizeof(*p->findings));
		res->nfindings += p->nfindings;
		res->scored += p->scored;
		for (size_t i = 0; i < p->nunbaselined; i++) {
			const struct base_unbaselined *u = &p->unbaselined[i];
			struct ev_map_ent *e;
			bool isnew;

			if ((e = ev_map_put(&unb, u->binary,
			    strlen(u->binary), &isnew)) == NULL ||
			    (isnew && EV_GROW(res->unbaselined,
			    res->nunbaselined, ucap, 8) != 0))
				goto out;
			if (isnew) {
				e->idx = (uint32_t)res->nunbaselined++;
				res->unbaselined[e->idx] = *u;
				continue;
			}
			res->unbaselined[e->idx].invocations += u->invocations;
			if (u->history > res->unbaselined[e->idx].history)
				res->unbaselined[e->idx].history = u->history;
		}
	}
	if ((res->arenas = calloc(f->nslots, sizeof(*res->arenas))) == NULL)
		goto out;
	for (unsigned t = 0; t < f->nslots; t++) {
		res->arenas[t] = f->slots[t].arena;
		ev_arena_init(&f->slots[t].arena);
	}
	res->narenas = f->nslots;
	rc = 0;
out:
	ev_map_release(&unb);
	return rc;
}

static void
feats_release(struct feats *f)
{
	for (unsigned k = 0; f->blk != NULL && k < f->nblk; k++) {
		for (size_t i = 0; i < f->blk[k].n; i++)
			base_inv_release(&f->blk[k].v[i]);
		ev_big_free(f->blk[k].v);
		ev_big_free(f->blk[k].part.findings);
		free(f->blk[k].part.unbaselined);
	}
	free(f->blk);
	for (unsigned p = 0; f->parts != NULL && p < f->nparts; p++) {
		base_counts_release(&f->parts[p].counts);
		base_model_release(&f->parts[p].model);
	}
	free(f->parts);
	free(f->part_of);
	for (unsigned t = 0; f->slots != NULL && t < f->nslots; t++) {
		ev_shared_release(&f->slots[t].strings);
		ev_arena_release(&f->slots[t].feats);
		ev_buf_release(&f->slots[t].key);
		ev_buf_release(&f->slots[t].text);
		ev_arena_release(&f->slots[t].arena);
	}
	free(f->slots);
}

int
base_score_jobs(const struct base_config *cfg, const struct base_model *prior,
    const struct corr *corr, struct ev_event *const *events, size_t n,
    unsigned jobs, struct base_result *res, struct ev_err *err)
{
	struct feats f = { .cfg = cfg, .corr = corr, .events = events,
	    .n = n, .model = prior };
	int rc = EV_ENOMEM;

	memset(res, 0, sizeof(*res));
	ev_arena_init(&res->arena);

	/* the features of every watched invocation, once */
	if (feats_init(&f, jobs) != 0)
		goto out;
	ev_par_for_t(f.nblk, f.nslots, feat_block, &f);
	if (blocks_rc(&f) != 0)
		goto out;
	/* stacking: the evidence is the history */
	if (prior == NULL) {
		if (stack_models(&f) != 0)
			goto out;
		f.loo = true;
	}
	ev_par_for_t(f.nblk, f.nslots, score_block, &f);
	if (blocks_rc(&f) != 0 || merge_parts(&f, res) != 0)
		goto out;
	if (res->nunbaselined > 1)
		ev_qsort(res->unbaselined, res->nunbaselined,
		    sizeof(*res->unbaselined), cmp_unb);
	rc = 0;
out:
	if (rc != 0) {
		EV_ERR(err, rc, 0, "baseline scoring: out of memory");
		base_result_release(res);
	}
	feats_release(&f);
#ifdef __GLIBC__
	/* the invocations' features were allocated by the threads, in
	   malloc arenas of their own that keep what is freed: give it
	   back, as the main arena would have been reused */
	if (f.nslots > 1)
		(void)malloc_trim(0);
#endif
	return rc;
}

void
base_result_release(struct base_result *res)
{
	ev_big_free(res->findings);
	free(res->unbaselined);
	ev_arena_release(&res->arena);
	for (unsigned t = 0; t < res->narenas; t++)
		ev_arena_release(&res->arenas[t]);
	free(res->arenas);
	memset(res, 0, sizeof(*res));
}
