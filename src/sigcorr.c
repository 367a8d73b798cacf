/*
 * sigcorr.c -- Sigma correlation rules over the hits of a run (see
 * sigcorr.h for the semantics and bounds).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ev_buf.h"
#include "ev_time.h"
#include "ev_util.h"
#include "sigcorr.h"
#include "sigma/correlation.h"
#include "sigma/sigma.h"

/* One hit of a correlation's rule (or an inner match). */
struct entry {
	uint64_t		 t;
	const struct ev_event	*ev;		/* the event (inner: last) */
	const char *const	*group;		/* ngroup values */
	const char		*value;		/* value_count */
	uint32_t		 k;		/* position in 'rules:' */
	uint32_t		 vid;		/* value id in its group */
};

/* The run of one correlation. */
struct run {
	struct sigcorr			*sc;
	const struct sigma_set		*set;
	uint32_t			 rule;
	const struct sigma_correlation	*k;
	const char *const		*files;
	size_t				 nfiles;
	bool				 reported;
	struct entry			*e;
	size_t				 n, cap;
	struct ev_err			*err;
	/* per group scratch, as long as the longest group */
	uint32_t			*cnt;		/* per value id / k */
	size_t				*idx;
};

/* Ranges of sc->v holding each correlation's matches (for chains). */
struct span {
	size_t	 from, to;
};

void
sigcorr_init(struct sigcorr *sc)
{
	memset(sc, 0, sizeof(*sc));
	ev_arena_init(&sc->arena);
}

void
sigcorr_release(struct sigcorr *sc)
{
	free(sc->v);
	ev_arena_release(&sc->arena);
	memset(sc, 0, sizeof(*sc));
}

static int
add_entry(struct run *r, const struct entry *en)
{
	if (EV_GROW(r->e, r->n, r->cap, 256) != 0)
		return EV_ENOMEM;
	r->e[r->n++] = *en;
	return 0;
}

/* An event's hit of rules:[k] as an entry (left out without values). */
static int
event_entry(struct run *r, const struct ev_event *ev, uint32_t k)
{
	const struct sigma_correlation *c = r->k;
	uint32_t base = c->rules[k];
	const char **g = NULL;
	struct entry en = { ev->time, ev, NULL, NULL, k, 0 };
	char evid[12];
	int rc = 0;

	/* data left in the spill: the values are read from a copy that
	   lives as long as the matches */
	if (ev->spilled && (c->ngroup > 0 || c->type ==
	    SIGMA_CORR_VALUE_COUNT)) {
		if (r->sc->whole == NULL)
			return EV_EUSAGE;
		if ((rc = r->sc->whole(r->sc->whole_arg, ev, &r->sc->arena,
		    &ev, r->err)) != 0)
			return rc;
	}
	if (c->ngroup > 0 && (g = ev_arena_alloc(&r->sc->arena,
	    c->ngroup * sizeof(*g))) == NULL)
		return EV_ENOMEM;
	for (uint32_t i = 0; i < c->ngroup; i++) {
		const char *v = sigma_field_value(r->set, base,
		    c->gfield[i * c->nrefs + k], ev, evid);

		if (v == NULL) {
			r->sc->ungrouped++;
			return 0;
		}
		/* the event id buffer is reused: keep a copy */
		g[i] = v == evid ? ev_arena_strdup(&r->sc->arena, v) : v;
		if (g[i] == NULL)
			return EV_ENOMEM;
	}
	if (c->type == SIGMA_CORR_VALUE_COUNT) {
		const char *v = sigma_field_value(r->set, base, c->vfield[k],
		    ev, evid);

		if (v == NULL) {
			r->sc->ungrouped++;
			return 0;
		}
		en.value = v == evid ? ev_arena_strdup(&r->sc->arena, v) : v;
		if (en.value == NULL)
			return EV_ENOMEM;
	}
	en.group = g;
	return add_entry(r, &en);
}

/* An inner correlation's match as an entry of rules:[k]. */
static int
match_entry(struct run *r, const struct sigcorr_match *m, uint32_t k)
{
	const struct sigma_correlation *c = r->k;
	const char **g = NULL;
	struct entry en = { m->last->time, m->last, NULL, NULL, k, 0 };

	if (c->ngroup > 0 && (g = ev_arena_alloc(&r->sc->arena,
	    c->ngroup * sizeof(*g))) == NULL)
		return EV_ENOMEM;
	for (uint32_t i = 0; i < c->ngroup; i++)
		g[i] = m->group[c->gfield[i * c->nrefs + k]];
	if (c->type == SIGMA_CORR_VALUE_COUNT)
		en.value = m->group[c->vfield[k]];
	en.group = g;
	return add_entry(r, &en);
}

static int
group_cmp(const struct entry *x, const struct entry *y, uint32_t ngroup)
{
	for (uint32_t i = 0; i < ngroup; i++) {
		int c = strcmp(x->group[i], y->group[i]);

		if (c != 0)
			return c;
	}
	return 0;
}

/*
 * qsort() has no context argument: the group-by width and the entries
 * being ranked by value are passed here (sigcorr_run() is
 * single-threaded, see sigcorr.h).
 */
static uint32_t sort_ngroup;

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = group_cmp(x, y, sort_ngroup);

	if (c != 0)
		return c;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->ev->file_id != y->ev->file_id)
		return x->ev->file_id < y->ev->file_id ? -1 : 1;
	if (x->ev->record_id != y->ev->record_id)
		return x->ev->record_id < y->ev->record_id ? -1 : 1;
	if (x->ev->offset != y->ev->offset)
		return x->ev->offset < y->ev->offset ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

/* Whether two entries come from one event. */
static bool
same_event(const struct entry *x, const struct entry *y)
{
	return x->ev == y->ev;
}

static const struct entry *value_base;

static int
value_cmp(const void *a, const void *b)
{
	const struct entry *x = &value_base[*(const size_t *)a];
	const struct entry *y = &value_base[*(const size_t *)b];
	int c = strcmp(x->value, y->value);

	if (c != 0)
		return c;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static bool
cond_holds(const struct sigma_correlation *k, uint64_t v)
{
	for (uint32_t i = 0; i < k->ncond; i++) {
		uint64_t c = k->cond[i].value;
		bool ok = false;

		switch (k->cond[i].op) {
		case SIGMA_CORR_GT: ok = v > c; break;
		case SIGMA_CORR_GTE: ok = v >= c; break;
		case SIGMA_CORR_LT: ok = v < c; break;
		case SIGMA_CORR_LTE: ok = v <= c; break;
		case SIGMA_CORR_EQ: ok = v == c; break;
		case SIGMA_CORR_NEQ: ok = v != c; break;
		}
		if (!ok)
			return false;
	}
	return true;
}

/* Tested on arrival (only lower bounds), or when windows close. */
static bool
on_arrival(const struct sigma_correlation *k)
{
	if (!k->cond_given)
		return true;
	for (uint32_t i = 0; i < k->ncond; i++)
		if (k->cond[i].op != SIGMA_CORR_GT &&
		    k->cond[i].op != SIGMA_CORR_GTE)
			return false;
	return true;
}

static void
add_ref(struct ev_buf *b, const struct run *r, const struct ev_event *ev,
    const struct ev_event *prev)
{
	if (prev != NULL && prev->file_id == ev->file_id) {
		ev_buf_addf(b, " #%" PRIu64, ev->record_id);
		return;
	}
	if (prev != NULL)
		ev_buf_adds(b, ",");
	if (r->files != NULL && ev->file_id < r->nfiles &&
	    r->files[ev->file_id] != NULL)
		ev_buf_addf(b, " %s", r->files[ev->file_id]);
	else
		ev_buf_addf(b, " file %" PRIu32, ev->file_id);
	ev_buf_addf(b, " #%" PRIu64, ev->record_id);
}

/* Records the match of entries e[a..j] (the window) of one group. */
static int
emit(struct run *r, size_t a, size_t j, uint64_t value)
{
	struct sigcorr *sc = r->sc;
	const struct sigma_correlation *k = r->k;
	const struct sigma_rule *rule = sigma_rule_at(r->set, r->rule);
	struct sigcorr_match *m;
	const struct ev_event **evs;
	size_t cnt = j - a + 1, nl = cnt < SIGCORR_MAX_LISTED ? cnt :
	    SIGCORR_MAX_LISTED;
	struct ev_buf b = EV_BUF_INIT;
	char t0[EV_TIME_ISO_LEN + 1], t1[EV_TIME_ISO_LEN + 1], cond[128];

	if (EV_GROW(sc->v, sc->n, sc->cap, 64) != 0)
		return EV_ENOMEM;
	if ((evs = ev_arena_alloc(&sc->arena, nl * sizeof(*evs))) == NULL)
		return EV_ENOMEM;
	for (size_t i = 0; i < nl; i++)
		evs[i] = r->e[a + i].ev;
	m = &sc->v[sc->n];
	*m = (struct sigcorr_match){
		.rule = r->rule,
		.first = r->e[a].ev,
		.last = r->e[j].ev,
		.count = cnt,
		.value = value,
		.group = r->e[a].group,
		.events = evs,
		.nevents = (uint32_t)nl,
		.reported = !rule->silent,
	};
	sigma_corr_cond_text(k, cond, sizeof(cond));
	ev_time_iso(r->e[a].t, t0);
	ev_time_iso(r->e[j].t, t1);
	ev_buf_addf(&b, "correlation %s (%s within %s): %" PRIu64 " %s",
	    k->type_name, cond, k->timespan_text, value,
	    k->type == SIGMA_CORR_EVENT_COUNT ? "events" :
	    k->type == SIGMA_CORR_VALUE_COUNT ? "distinct values" : "rules");
	if (k->type == SIGMA_CORR_VALUE_COUNT)
		ev_buf_addf(&b, " of %s", k->value_field);
	if (k->type != SIGMA_CORR_EVENT_COUNT)
		ev_buf_addf(&b, " in %zu events", cnt);
	for (uint32_t g = 0; g < k->ngroup; g++)
		ev_buf_addf(&b, "%s%s=%s", g ? ", " : "; ", k->group_by[g],
		    m->group[g]);
	ev_buf_addf(&b, "; %s .. %s; records", t0, t1);
	for (size_t i = 0; i < nl; i++)
		add_ref(&b, r, evs[i], i ? evs[i - 1] : NULL);
	if (cnt > nl)
		ev_buf_addf(&b, " (+%zu more)", cnt - nl);
	if (ev_buf_failed(&b) ||
	    (m->details = ev_arena_strdup(&sc->arena, b.buf)) == NULL) {
		ev_buf_release(&b);
		return EV_ENOMEM;
	}
	ev_buf_release(&b);
	sc->n++;
	return 0;
}

/* value_count: value ids of e[from..to) into vid, 0..; how many. */
static int
value_ids(struct run *r, size_t from, size_t to, uint32_t *nv)
{
	size_t m = to - from;
	uint32_t id = 0;

	for (size_t i = 0; i < m; i++)
		r->idx[i] = from + i;
	value_base = r->e;
	ev_qsort(r->idx, m, sizeof(*r->idx), value_cmp);
	for (size_t i = 0; i < m; i++) {
		if (i > 0 && strcmp(r->e[r->idx[i]].value,
		    r->e[r->idx[i - 1]].value) != 0)
			id++;
		r->e[r->idx[i]].vid = id;
	}
	*nv = m > 0 ? id + 1 : 0;
	return 0;
}

/*
 * temporal_ordered on one group, as entries arrive: start[s] is the
 * latest time at which a chain of rules 0..s-1 (in order) started that
 * can still complete; hits of one event update it together.
 */
static int
ordered_group(struct run *r, size_t from, size_t to)
{
	const struct sigma_correlation *k = r->k;
	uint64_t start[SIGMA_CORR_MAX_RULES + 1], nstart[SIGMA_CORR_MAX_RULES
	    + 1];
	bool have[SIGMA_CORR_MAX_RULES + 1], nhave[SIGMA_CORR_MAX_RULES + 1];
	size_t lo = from;	/* first entry after the last match */

	memset(start, 0, sizeof(start));
	memset(have, 0, sizeof(have));
	for (size_t j = from; j < to; ) {
		size_t e = j;
		int rc;

		/* one event's entries at once: none follows another */
		while (e < to && same_event(&r->e[e], &r->e[j]))
			e++;
		memcpy(nstart, start, sizeof(start));
		memcpy(nhave, have, sizeof(have));
		for (size_t i = j; i < e; i++) {
			uint32_t s = r->e[i].k;
			uint64_t t = r->e[i].t;

			if (s == 0) {
				if (!nhave[1] || nstart[1] < t)
					nstart[1] = t;
				nhave[1] = true;
			} else if (have[s] && t - start[s] <= k->timespan &&
			    (!nhave[s + 1] || nstart[s + 1] < start[s])) {
				nstart[s + 1] = start[s];
				nhave[s + 1] = true;
			}
		}
		memcpy(start, nstart, sizeof(start));
		memcpy(have, nhave, sizeof(have));
		if (have[k->nrefs] && r->e[e - 1].t - start[k->nrefs] <=
		    k->timespan) {
			size_t a = lo;

			while (r->e[a].t < start[k->nrefs])
				a++;
			if ((rc = emit(r, a, e - 1, k->nrefs)) != 0)
				return rc;
			memset(have, 0, sizeof(have));
			lo = e;
		}
		j = e;
	}
	return 0;
}

/* The count a window's condition tests, kept as entries come and go. */
struct meter {
	const struct sigma_correlation	*k;
	uint32_t			*cnt;	/* per value id or rule */
	uint64_t			 events, distinct;
};

static void
meter_add(struct meter *mt, const struct entry *en, int d)
{
	uint32_t *c;

	mt->events += (uint64_t)(int64_t)d;
	if (mt->k->type == SIGMA_CORR_EVENT_COUNT)
		return;
	c = &mt->cnt[mt->k->type == SIGMA_CORR_VALUE_COUNT ? en->vid : en->k];
	if (d > 0 && (*c)++ == 0)
		mt->distinct++;
	else if (d < 0 && --(*c) == 0)
		mt->distinct--;
}

static uint64_t
meter_value(const struct meter *mt)
{
	return mt->k->type == SIGMA_CORR_EVENT_COUNT ? mt->events :
	    mt->distinct;
}

/* The counting types (and temporal) on one group e[from..to). */
static int
count_group(struct run *r, size_t from, size_t to)
{
	const struct sigma_correlation *k = r->k;
	struct meter mt = { k, r->cnt, 0, 0 };
	uint32_t nv = k->nrefs;
	size_t a = from;
	int rc;

	if (k->type == SIGMA_CORR_VALUE_COUNT)
		value_ids(r, from, to, &nv);
	memset(r->cnt, 0, (size_t)(nv + 1) * sizeof(*r->cnt));
	if (on_arrival(k)) {
		for (size_t j = from; j < to; j++) {
			meter_add(&mt, &r->e[j], 1);
			while (r->e[j].t - r->e[a].t > k->timespan)
				meter_add(&mt, &r->e[a++], -1);
			if (!(k->cond_given ? cond_holds(k, meter_value(&mt)) :
			    meter_value(&mt) >= k->nrefs))
				continue;
			if ((rc = emit(r, a, j, meter_value(&mt))) != 0)
				return rc;
			while (a <= j)
				meter_add(&mt, &r->e[a++], -1);
		}
		return 0;
	}
	/* tumbling windows, tested as they close */
	while (a < to) {
		size_t j = a;

		while (j < to && r->e[j].t - r->e[a].t <= k->timespan)
			meter_add(&mt, &r->e[j++], 1);
		if (cond_holds(k, meter_value(&mt)) &&
		    (rc = emit(r, a, j - 1, meter_value(&mt))) != 0)
			return rc;
		while (a < j)
			meter_add(&mt, &r->e[a++], -1);
	}
	return 0;
}

static int
run_one(struct run *r, struct ev_event *const *events, size_t n,
    const struct span *spans)
{
	const struct sigma_correlation *k = r->k;
	size_t longest = 0;
	int rc = 0;

	/* the entries: hits of detection rules, matches of inner ones */
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct ev_event *ev = events[i];

		for (uint32_t h = 0; h < ev->nhits && rc == 0; h++)
			for (uint32_t j = 0; j < k->nrefs && rc == 0; j++)
				if (k->rules[j] == ev->hits[h] &&
				    sigma_rule_at(r->set, k->rules[j])->
				    correlation == NULL)
					rc = event_entry(r, ev, j);
	}
	for (uint32_t j = 0; j < k->nrefs && rc == 0; j++) {
		const struct span *sp = &spans[k->rules[j]];

		for (size_t m = sp->from; m < sp->to && rc == 0; m++)
			rc = match_entry(r, &r->sc->v[m], j);
	}
	if (rc != 0)
		return rc;
	r->sc->entries += r->n;
	sort_ngroup = k->ngroup;
	ev_qsort(r->e, r->n, sizeof(*r->e), entry_cmp);
	for (size_t a = 0, b; a < r->n; a = b) {
		for (b = a + 1; b < r->n && group_cmp(&r->e[a], &r->e[b],
		    k->ngroup) == 0; b++)
			;
		if (b - a > longest)
			longest = b - a;
	}
	r->cnt = calloc(longest + k->nrefs + 1, sizeof(*r->cnt));
	r->idx = calloc(longest + 1, sizeof(*r->idx));
	if (r->cnt == NULL || r->idx == NULL)
		return EV_ENOMEM;
	for (size_t a = 0, b; a < r->n && rc == 0; a = b) {
		for (b = a + 1; b < r->n && group_cmp(&r->e[a], &r->e[b],
		    k->ngroup) == 0; b++)
			;
		rc = k->type == SIGMA_CORR_TEMPORAL_ORDERED ?
		    ordered_group(r, a, b) : count_group(r, a, b);
	}
	return rc;
}

int
sigcorr_run(struct sigcorr *sc, const struct sigma_set *set,
    struct ev_event *const *events, size_t n, const char *const *files,
    size_t nfiles, struct ev_err *err)
{
	struct span *spans;
	int rc = 0;

	if (sigma_corr_count(set) == 0)
		return 0;
	if ((spans = calloc(sigma_count(set) + 1, sizeof(*spans))) == NULL)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	for (size_t i = 0; i < sigma_corr_count(set) && rc == 0; i++) {
		uint32_t ri = sigma_corr_at(set, i);
		struct run r = { sc, set, ri, sigma_rule_at(set,
		    ri)->correlation, files, nfiles, false, NULL, 0, 0, err,
		    NULL, NULL };

		spans[ri].from = sc->n;
		rc = run_one(&r, events, n, spans);
		spans[ri].to = sc->n;
		free(r.e);
		free(r.cnt);
		free(r.idx);
	}
	free(spans);
	if (rc != 0)
		return err != NULL && err->code != 0 ? err->code :
		    EV_ERR(err, rc, 0, "%s", rc == EV_ENOMEM ? "out of memory" :
		    ev_err_name(rc));
	return 0;
}
