/*
 * memo.h -- per-thread memo of the matching work done on one field value
 * (internal to the sigma module).
 *
 * Logs repeat values: the same Image, ParentImage and command lines of
 * services, scheduled tasks and agents come back thousands of times.
 * What matching works out from a field value alone -- which shared
 * literals the field's scan finds, and the result of every item that
 * looks at that field only -- is the same each time, so the scratch keeps
 * it here, keyed by field id and the value's exact bytes (a hash picks
 * the slot; the bytes are compared, so a collision costs a miss, never a
 * wrong answer).
 *
 * A fixed number of slots, direct-mapped: a new value takes its slot's
 * place unless that slot was used by the event being matched (its stamp),
 * so entries the event holds stay put, and only when it was seen before
 * (a filter of hashes), so values that come once (source ports, GUIDs)
 * do not push out the ones that come back.  Values longer than
 * SIGMA_MEMO_MAXVAL, lists past their caps, and anything that would take
 * the entries' buffers past SIGMA_MEMO_BUDGET bytes are simply not kept:
 * a memo holds at most the slot table (4 MB) and the budget.
 */
#ifndef SIGMA_MEMO_H
#define SIGMA_MEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIGMA_MEMO_BITS		15
#define SIGMA_MEMO_SLOTS	(1u << SIGMA_MEMO_BITS)
#define SIGMA_MEMO_MAXVAL	1024	/* longest value kept, bytes */
#define SIGMA_MEMO_MAXFIND	256	/* scan finds kept per value */
#define SIGMA_MEMO_MAXRES	512	/* item results kept per value */
#define SIGMA_MEMO_BUDGET	(16u << 20)	/* bytes of entry buffers */
#define SIGMA_MEMO_INLINE	40	/* values kept in the slot, bytes */

/* A scan find: pattern id (< 2^24) and its OCC_* flags. */
#define MEMO_FIND(id, occ)	((uint32_t)(id) | (uint32_t)(occ) << 24)
#define MEMO_FIND_ID(x)		((x) & 0xffffffu)
#define MEMO_FIND_OCC(x)	((uint8_t)((x) >> 24))

/* An item result: item id and a three-valued result (0..2). */
#define MEMO_RES(item, r)	((uint32_t)(item) << 2 | (uint32_t)(r))
#define MEMO_RES_ITEM(x)	((x) >> 2)
#define MEMO_RES_VAL(x)		((int)((x) & 3u))

struct sigma_memo_ent {
	uint64_t	 hash;
	uint32_t	 fid;
	uint32_t	 stamp;		/* last event that used it; 0 none */
	uint32_t	 vlen;
	uint32_t	 gen;		/* bumped whenever the key changes
					   (at most once an event) */
	bool		 used;		/* holds a key */
	bool		 scanned;	/* find[] is the field's scan */
	char		*val;		/* vlen bytes: inl, or heap */
	uint32_t	*find, nfind, findcap;
	uint32_t	*res, nres, rescap;
	char		*heap;		/* values longer than inl (heapcap) */
	uint32_t	 heapcap;
	/* short values in the slot itself: no second cache miss */
	char		 inl[SIGMA_MEMO_INLINE];
};

#define SIGMA_MEMO_SEEN_BITS	18	/* the doorkeeper (sigma_memo_get) */

struct sigma_memo {
	struct sigma_memo_ent	 slot[SIGMA_MEMO_SLOTS];
	size_t			 bytes;		/* in entry buffers */
	uint64_t		 seen[(1u << SIGMA_MEMO_SEEN_BITS) / 64];
	uint32_t		 nseen;		/* bits set since cleared */
	/* slots with buffers, a bit each: freeing visits only these, not
	   the 4 MB of slots (pages a short run never touched) */
	uint64_t		 owned[SIGMA_MEMO_SLOTS / 64];
};

struct sigma_memo *sigma_memo_new(void);
void	sigma_memo_free(struct sigma_memo *);

/*
 * The entry of (fid, v[0..n)) for the event stamped stamp: the one held
 * (*hit true) or a fresh empty one in its slot (*hit false).  NULL when
 * the value is too long, the slot is held by another value in this
 * event, the slot is used and the value was not seen before (it is
 * noted), or out of memory: then the caller works without the memo.
 */
struct sigma_memo_ent *sigma_memo_get(struct sigma_memo *, uint32_t fid,
	    const char *v, size_t n, uint32_t stamp, bool *hit);

/* Keeps the scan's finds (MEMO_FIND values); false past the cap. */
bool	sigma_memo_keep_finds(struct sigma_memo *, struct sigma_memo_ent *,
	    const uint32_t *ids, const uint8_t *occ_by_id, uint32_t n);

/* Adds an item result (MEMO_RES value); false past the cap or OOM. */
bool	sigma_memo_add_res(struct sigma_memo *, struct sigma_memo_ent *,
	    uint32_t res);

/* Forgets every stamp (when the scratch's stamp wraps). */
void	sigma_memo_clear_stamps(struct sigma_memo *);

/*
 * The event memo: what the rules made of a whole event, keyed by the
 * memo entries (and their generations) of every field the event's source
 * scans, so by the values of those fields.  Kept: the hits of the rules
 * that read nothing else (decided by the key), and the other rules the
 * event had to evaluate (always run, or candidates by the scan), which
 * an event with the same key evaluates again.  Direct-mapped; an entry's
 * buffers stay with its slot; nothing past SIGMA_EVMEMO_BUDGET bytes.
 */
#define SIGMA_EVMEMO_BITS	14
#define SIGMA_EVMEMO_SLOTS	(1u << SIGMA_EVMEMO_BITS)
#define SIGMA_EVMEMO_MAXKEY	128	/* key words */
#define SIGMA_EVMEMO_BUDGET	(8u << 20)

struct sigma_evmemo_ent {
	uint64_t	 hash;
	uint64_t	*key;		/* nkey words (nkey 0: empty), then
					   the list, in one buffer (cap
					   words) */
	uint32_t	*list;		/* nhit hits, then nund rules */
	uint32_t	 nkey, nhit, nund, cap;
};

struct sigma_evmemo {
	size_t			 bytes;
	uint64_t		 owned[SIGMA_EVMEMO_SLOTS / 64];	/* as
						   sigma_memo's */
	struct sigma_evmemo_ent	 slot[SIGMA_EVMEMO_SLOTS];
};

struct sigma_evmemo *sigma_evmemo_new(void);
void	sigma_evmemo_free(struct sigma_evmemo *);

/* The hash of key words (for the two calls below). */
uint64_t sigma_evmemo_hash(const uint64_t *key, uint32_t nkey);

/* The entry of the key, or NULL. */
const struct sigma_evmemo_ent *sigma_evmemo_find(const struct sigma_evmemo *,
	    const uint64_t *key, uint32_t nkey, uint64_t hash);

/*
 * Keeps hits and und (the rules to evaluate again) under the key, in
 * place of its slot's entry; false when past the budget or OOM.
 */
bool	sigma_evmemo_put(struct sigma_evmemo *, const uint64_t *key,
	    uint32_t nkey, uint64_t hash, const uint32_t *hits, uint32_t nhit,
	    const uint32_t *und, uint32_t nund);

#endif
