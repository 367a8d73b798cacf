/*
 * match_int.h -- a matching thread's scratch, shared by the matcher
 * (match.c), field values (resolve.c), the scratch's life cycle and memo
 * use (scratch.c) and explanations (explain.c).  Internal to src/sigma/.
 */
#ifndef SIGMA_MATCH_INT_H
#define SIGMA_MATCH_INT_H

#include <string.h>

#include "memo.h"
#include "sigma_int.h"

enum { F = 0, T = 1, U = 2 };		/* three-valued results */
enum { ST_ABSENT, ST_PRESENT, ST_UNKNOWN };

struct fval {
	uint32_t	 stamp;
	uint8_t		 state;
	bool		 folded;
	uint8_t		 plain;		/* 0 not known, 1 printable ASCII
					   without CR, LF; 2 not */
	bool		 ascii;		/* folded value is all ASCII */
	int32_t		 di;		/* index in the event's EventData, or
					   -1 (not from there, or unfolded) */
	const char	*v;
	size_t		 vlen;
	size_t		 foff, flen;	/* in scratch->fold */
	uint32_t	 mstamp;	/* stamp when me was looked up */
	uint32_t	 rstamp;	/* stamp when me's results were
					   made this event's (sc->ires) */
	struct sigma_memo_ent *me;	/* the value's memo entry, or NULL */
};

/* An item's result this event, from the memo entry ent. */
struct ires {
	uint32_t	 stamp;
	uint8_t		 r;
	const struct sigma_memo_ent *ent;
};

/* Where an EventData name is in an event (see index_event()). */
struct dslot {
	uint32_t	 stamp;
	int32_t		 exact, ci;	/* first index, -1 none */
	int32_t		 nosp;		/* first named so without its
					   spaces ("Threat Name") */
};

/* An EventData value of the event, folded (shared by fields, keywords). */
struct dfold {
	uint32_t	 stamp;
	bool		 ascii;
	size_t		 foff, flen;
	uint32_t	 scanstamp;	/* stamp when scanned as field sfid */
	uint32_t	 sfid;
};

/* The scan's finds in one field: found[first .. first + n). */
struct fhit {
	uint32_t	 stamp;
	uint32_t	 first, n;
};

/* Per rule, per event: queued, and which prefilter clauses were seen. */
struct rstate {
	uint32_t	 mark;		/* stamp when queued (or run anyway) */
	uint32_t	 cstamp;	/* stamp of cmask */
	uint8_t		 cmask;
	uint8_t		 full;		/* every clause (set->needfull) */
};

struct sigma_scratch {
	const struct sigma_set	*set;
	uint32_t		 stamp;
	struct dslot		*dix;		/* 2 per name: event, process */
	uint32_t		 dixstamp[2];	/* stamp when built */
	struct dfold		*dfold;		/* per EventData index */
	uint32_t		 ndfold;
	struct fval		*fv;		/* 2 per field: native, 4688 */
	struct rstate		*rs;		/* per rule */
	uint32_t		*cand, ncand;
	uint32_t		*hits, nhits;
	uint8_t			*fflags;	/* per scan pattern: OCC_* */
	uint32_t		*fstamp;	/* stamp when fflags is valid */
	/* pattern ids the scan found, field by field (see fhit) */
	uint32_t		*found, nfound;
	struct fhit		*fhit;		/* per field */
	char			*fold;
	size_t			 foldlen, foldcap;
	pcre2_match_data	*md;
	struct sigma_match_stats st;
	bool			 noprefilter;
	bool			 explaining;	/* sigma_explain(): no prefilter,
						   but its shortcuts */
	bool			 memo_want;	/* sigma_scratch_memo() */
	struct sigma_memo	*memo;		/* NULL: off, or not made yet */
	struct sigma_evmemo	*evmemo;	/* NULL: off */
	uint64_t		*key;		/* the event memo's key */
	uint32_t		*und;		/* rules it evaluates again */
	bool			 degraded;	/* folding ran out of memory */
	struct ires		*ires;		/* per item */
	/* the event being matched */
	const struct ev_event	*ev;
	unsigned		 cls;		/* its class (logsrc.c) */
	bool			 mapped;	/* rule maps names on 4688 */
	char			 evid[16];
	/* Data read from several unnamed values (resolve.c) */
	char			*join;
	size_t			 joinlen, joincap;
	uint32_t		 joinstamp;	/* stamp when join is valid */
};

/* resolve.c (FIELD VALUES of match.c's comment) */
/* Resolves field f (with 4688 names when map) into fv, not folded. */
void	 resolve_raw(struct sigma_scratch *, const struct field *f, bool map,
	    struct fval *fv);
/* Room for need more bytes in sc->fold; -1 when out of memory. */
int	 fold_room(struct sigma_scratch *, size_t need);
/*
 * Folds a present value (once per event).  Pointers into sc->fold are
 * valid until the next fold (it may grow): use fv->foff.  Out of memory,
 * fv->foff is SIZE_MAX (compare unfolded) and sc->degraded set.
 */
void	 fold_value(struct sigma_scratch *, struct fval *fv);

/* Whether the n bytes at s are all ASCII. */
static inline bool
ascii_only(const char *s, size_t n)
{
	unsigned char acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= (unsigned char)s[i];
	return acc < 0x80;
}

/* Whether a and b (n bytes) are equal ignoring ASCII case. */
static inline bool
ascii_caseeq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

		if (x != y && ((x | 0x20) != (y | 0x20) ||
		    (x | 0x20) < 'a' || (x | 0x20) > 'z'))
			return false;
	}
	return true;
}

/* Length of EventData value i of e: as the normaliser noted it, else strlen. */
static inline size_t
data_len(const struct ev_event *e, uint32_t i)
{
	if (e->dlen != NULL && e->dlen[i] != UINT32_MAX)
		return e->dlen[i];
	return strlen(e->data[i].value);
}

/*
 * The field's value on this event (under the current rule's names),
 * resolved once per event but not folded: enough for the memo.
 */
static inline struct fval *
resolve_value(struct sigma_scratch *sc, uint32_t fid)
{
	bool map = sc->mapped && sc->cls == LS_4688;
	struct fval *fv = &sc->fv[fid * 2 + map];

	if (fv->stamp != sc->stamp) {
		fv->stamp = sc->stamp;
		fv->folded = false;
		fv->plain = 0;
		resolve_raw(sc, &sc->set->fields[fid], map, fv);
	}
	return fv;
}

/* The field's value, resolved and, when present, folded. */
static inline struct fval *
resolve(struct sigma_scratch *sc, uint32_t fid)
{
	struct fval *fv = resolve_value(sc, fid);

	if (fv->state == ST_PRESENT && !fv->folded)
		fold_value(sc, fv);
	return fv;
}

/* match.c, for explain.c */
/* Starts matching ev: 0, or 1 when no loaded rule reads its class. */
int	 match_start(struct sigma_scratch *, const struct ev_event *ev);
/* A node's three-valued result (F, T, U) on the current event. */
int	 match_eval(struct sigma_scratch *, const struct node *);
/* Whether s is printable ASCII (a T_RE's rechain answers it). */
bool	 match_plain(const char *s, size_t n);
/* A string test (eq, prefix, suffix, contains, any, glob) on s. */
bool	 match_str_test(const struct test *t, const char *s, size_t n);
/* One test of field fid's item on its value fv (resolve()d). */
int	 match_test(struct sigma_scratch *, const struct test *t, uint32_t fid,
	    struct fval *fv);

/*
 * The memos as matching uses them (match.c: THE MEMOS): inline here, as
 * both files use them on every field value; the rest is in scratch.c.
 */
/*
 * The memo entry of a present field value, looked up once per event.
 * The item results it holds become this event's (sc->ires) when an item
 * first asks (memo_results()): with the event memo's answer, few do.
 */
static inline struct sigma_memo_ent *
memo_attach(struct sigma_scratch *sc, uint32_t fid, struct fval *fv)
{
	struct sigma_memo_ent *e;
	bool hit;

	if (fv->mstamp == sc->stamp)
		return fv->me;
	fv->mstamp = sc->stamp;
	fv->me = NULL;
	if (sc->memo == NULL || sc->noprefilter)
		return NULL;
	e = sigma_memo_get(sc->memo, fid, fv->v, fv->vlen, sc->stamp, &hit);
	if (e == NULL)
		return NULL;
	sc->st.memo_lookups++;
	if (hit)
		sc->st.memo_hits++;
	fv->me = e;
	return e;
}

/* memo_attach(), and the entry's item results made this event's. */
static inline struct sigma_memo_ent *
memo_results(struct sigma_scratch *sc, uint32_t fid, struct fval *fv)
{
	struct sigma_memo_ent *e = memo_attach(sc, fid, fv);

	if (e == NULL || fv->rstamp == sc->stamp)
		return e;
	fv->rstamp = sc->stamp;
	for (uint32_t k = 0; k < e->nres; k++) {
		struct ires *ir = &sc->ires[MEMO_RES_ITEM(e->res[k])];

		ir->stamp = sc->stamp;
		ir->r = (uint8_t)MEMO_RES_VAL(e->res[k]);
		ir->ent = e;
	}
	return e;
}

/* scratch.c */
const struct sigma_evmemo_ent *event_key(struct sigma_scratch *,
	    uint32_t si, uint32_t *nkey, uint64_t *hash);
void	 event_keep(struct sigma_scratch *, uint32_t si, uint32_t nkey,
	    uint64_t hash);
void	 memo_start(struct sigma_scratch *);

#endif
