/*
 * scratch.c -- a matching thread's scratch: its life cycle and counters,
 * and the memos (memo.h) as matching uses them: a field value's memo
 * entry (memo_attach, memo_results), the event memo's key and what is
 * kept under it (event_key, event_keep), and the memos' making at the
 * first match that uses them (memo_start).  match.c's THE MEMOS says
 * what they spare and when nothing is kept.
 */
#include <stdlib.h>
#include <string.h>

#include "match_int.h"

struct sigma_scratch *
sigma_scratch_new(const struct sigma_set *set)
{
	struct sigma_scratch *sc;

	if (!set->compiled)
		return NULL;
	sc = calloc(1, sizeof(*sc));
	if (sc == NULL)
		return NULL;
	sc->set = set;
	sc->fv = calloc((size_t)set->nfields * 2 + 1, sizeof(*sc->fv));
	sc->rs = calloc(set->nrules + 1, sizeof(*sc->rs));
	for (uint32_t r = 0; sc->rs != NULL && r < set->nrules; r++)
		sc->rs[r].full = set->needfull[r];
	sc->cand = malloc((set->nrules + 1) * sizeof(*sc->cand));
	sc->hits = malloc((set->nrules + 1) * sizeof(*sc->hits));
	sc->foldcap = 4096;
	sc->fold = malloc(sc->foldcap);
	sc->md = pcre2_match_data_create(1, NULL);
	sc->fflags = calloc(set->nflags + 1, 1);
	sc->dix = calloc((size_t)set->nnames * 2 + 1, sizeof(*sc->dix));
	sc->fstamp = calloc(set->nflags + 1, sizeof(*sc->fstamp));
	sc->found = malloc((set->nflags + 1) * sizeof(*sc->found));
	sc->fhit = calloc(set->nfields + 1, sizeof(*sc->fhit));
	sc->memo_want = true;	/* the memos are made by the first match */
	sc->key = malloc(SIGMA_EVMEMO_MAXKEY * sizeof(*sc->key));
	sc->und = malloc((set->nrules + 1) * sizeof(*sc->und));
	sc->ires = calloc(set->nmemo + 1, sizeof(*sc->ires));
	if (sc->ires == NULL || sc->key == NULL || sc->und == NULL ||
	    sc->fflags == NULL || sc->fstamp == NULL || sc->fv == NULL ||
	    sc->rs == NULL || sc->cand == NULL || sc->hits == NULL ||
	    sc->fold == NULL || sc->md == NULL || sc->dix == NULL ||
	    sc->found == NULL || sc->fhit == NULL) {
		sigma_scratch_free(sc);
		return NULL;
	}
	return sc;
}

void
sigma_scratch_free(struct sigma_scratch *sc)
{
	if (sc == NULL)
		return;
	free(sc->fv);
	free(sc->dix);
	free(sc->dfold);
	free(sc->rs);
	free(sc->cand);
	free(sc->hits);
	free(sc->fold);
	free(sc->join);
	free(sc->fflags);
	free(sc->fstamp);
	free(sc->found);
	free(sc->fhit);
	sigma_memo_free(sc->memo);
	sigma_evmemo_free(sc->evmemo);
	free(sc->key);
	free(sc->und);
	free(sc->ires);
	pcre2_match_data_free(sc->md);
	free(sc);
}

void
sigma_scratch_prefilter(struct sigma_scratch *sc, bool on)
{
	sc->noprefilter = !on;
}

void
sigma_scratch_memo(struct sigma_scratch *sc, bool on)
{
	sc->memo_want = on;
	if (!on) {
		sigma_memo_free(sc->memo);
		sigma_evmemo_free(sc->evmemo);
		sc->memo = NULL;
		sc->evmemo = NULL;
	}
}

void
sigma_scratch_reset_stats(struct sigma_scratch *sc)
{
	memset(&sc->st, 0, sizeof(sc->st));
}

void
sigma_scratch_stats(const struct sigma_scratch *sc,
    struct sigma_match_stats *st)
{
	*st = sc->st;
}

/*
 * The event memo's key of this event (source index si): per field the
 * source scans, its memo entry's slot and generation, or its state when
 * not present.  Sets *nkey (0 when there is no key: memo off, a
 * value not kept) and *hash; returns the event memo's entry of the key,
 * or NULL.  Attaches the values' memo entries on the way.
 */
const struct sigma_evmemo_ent *
event_key(struct sigma_scratch *sc, uint32_t si, uint32_t *nkey,
    uint64_t *hash)
{
	const struct sigma_set *set = sc->set;
	const struct sigma_evmemo_ent *ee;
	uint32_t n = 0;
	bool scanned = true;

	*nkey = 0;
	if (sc->evmemo == NULL || set->nfieldscan[si] + 1 > SIGMA_EVMEMO_MAXKEY)
		return NULL;
	/* the source and the event id: which always-run rules it runs */
	sc->key[n++] = (uint64_t)sc->ev->event_id << 8 | si;
	for (uint32_t i = 0; i < set->nfieldscan[si]; i++) {
		uint32_t fid = set->fieldscan[si][i];
		struct fval *fv = resolve_value(sc, fid);
		struct sigma_memo_ent *me;

		if (fv->state != ST_PRESENT) {
			sc->key[n++] = 1ull << 63 | fv->state;
			continue;
		}
		if ((me = memo_attach(sc, fid, fv)) == NULL)
			return NULL;
		scanned = scanned && me->scanned;
		/* the entry's slot and generation name the value */
		sc->key[n++] = (uint64_t)(me - sc->memo->slot) |
		    (uint64_t)me->gen << SIGMA_MEMO_BITS;
	}
	*nkey = n;
	*hash = sigma_evmemo_hash(sc->key, n);
	sc->st.evmemo_lookups++;
	ee = sigma_evmemo_find(sc->evmemo, sc->key, n, *hash);
	/* every value's finds must be there to answer tests */
	return scanned ? ee : NULL;
}

/* Whether the event memo's key decides rule r on source index si. */
static inline bool
decided(const struct sigma_set *set, uint32_t r, uint32_t si)
{
	return sigma_srcset_has(&set->rules[r]->compiled->decided, si);
}

/*
 * Keeps this event's outcome under its key: the hits of the rules the
 * key decides, and the other rules evaluated (always run, candidates).
 */
void
event_keep(struct sigma_scratch *sc, uint32_t si, uint32_t nkey,
    uint64_t hash)
{
	const struct sigma_set *set = sc->set;
	const struct sigma_idrule *ir;
	uint32_t nh, nu = 0, nir;

	/* into und[]: the decided hits, then the rules to run again */
	for (uint32_t i = 0; i < sc->nhits; i++)
		if (decided(set, sc->hits[i], si))
			sc->und[nu++] = sc->hits[i];
	nh = nu;
	for (uint32_t i = 0; i < set->nalw_any[si]; i++)
		if (!decided(set, set->alw_any[si][i], si))
			sc->und[nu++] = set->alw_any[si][i];
	ir = sigma_always_of_id(set, si, sc->ev->event_id, &nir);
	for (uint32_t i = 0; i < nir; i++)
		if (!decided(set, ir[i].rule, si))
			sc->und[nu++] = ir[i].rule;
	for (uint32_t i = 0; i < sc->ncand; i++)
		if (!decided(set, sc->cand[i], si))
			sc->und[nu++] = sc->cand[i];
	(void)sigma_evmemo_put(sc->evmemo, sc->key, nkey, hash, sc->und, nh,
	    sc->und + nh, nu - nh);
}

/*
 * The memos, made by the first match that uses them, not with the
 * scratch: ~5 MB a scratch that never matches with them should not pay
 * for.  Out of memory: the scratch works without.
 */
void
memo_start(struct sigma_scratch *sc)
{
	sc->memo = sigma_memo_new();
	sc->evmemo = sc->memo != NULL ? sigma_evmemo_new() : NULL;
	if (sc->evmemo == NULL) {
		sigma_memo_free(sc->memo);
		sc->memo = NULL;
		sc->memo_want = false;
	}
}
