/*
 * memo.c -- the per-thread memo of per-value matching work (see memo.h).
 *
 * The hash reads the value eight bytes at a time (multiply and fold,
 * in two lanes); it only picks a slot, the key is compared in full.
 * Buffers of an entry are kept when its slot changes hands and grown
 * when needed, so a warm memo does no allocation.  The event memo (keys
 * of memo entries) is built the same way.
 */
#include <stdlib.h>
#include <string.h>

#include "ev_arena.h"
#include "memo.h"

struct sigma_memo *
sigma_memo_new(void)
{
	/*
	 * The slots, 4 MiB read at random: huge pages where the system
	 * has them (ev_table_alloc()), each already on cache lines (a
	 * short value shares its slot's lines).  Fresh pages come zeroed.
	 */
	return ev_table_alloc(sizeof(struct sigma_memo));
}

void
sigma_memo_free(struct sigma_memo *m)
{
	if (m == NULL)
		return;
	for (size_t w = 0; w < SIGMA_MEMO_SLOTS / 64; w++)
		for (uint64_t b = m->owned[w]; b != 0; b &= b - 1) {
			size_t i = w * 64 + (size_t)__builtin_ctzll(b);

			free(m->slot[i].heap);
			free(m->slot[i].find);
			free(m->slot[i].res);
		}
	ev_table_free(m, sizeof(*m));
}

/* Notes that slot e has (or may have) buffers of its own. */
static inline void
memo_own(struct sigma_memo *m, const struct sigma_memo_ent *e)
{
	size_t i = (size_t)(e - m->slot);

	m->owned[i / 64] |= 1ull << (i % 64);
}

static inline uint64_t
memo_mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15ull;
	return h ^ h >> 31;
}

static uint64_t
memo_hash(uint32_t fid, const char *v, size_t n)
{
	uint64_t a = ((uint64_t)fid << 32 | n) * 0x9e3779b97f4a7c15ull;
	uint64_t b = a ^ 0x243f6a8885a308d3ull, w, x;
	size_t i = 0;

	/* two lanes of multiply and fold, so that the multiplies overlap */
	for (; i + 16 <= n; i += 16) {
		memcpy(&w, v + i, 8);
		memcpy(&x, v + i + 8, 8);
		a = memo_mix(a, w);
		b = memo_mix(b, x);
	}
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, v + i, 8);
		a = memo_mix(a, w);
	}
	if (i < n) {
		w = 0;
		for (size_t k = 0; i + k < n; k++)
			w |= (uint64_t)(unsigned char)v[i + k] << (8 * k);
		b = memo_mix(b, w);
	}
	return memo_mix(a, b);
}

/*
 * Makes room for need elements of size sz in *buf (capacity *cap), the
 * bytes held (*bytes) staying within budget.
 */
static bool
memo_room(size_t *bytes, size_t budget, void **buf, uint32_t *cap,
    uint32_t need, size_t sz)
{
	uint32_t ncap = *cap ? *cap : 16;
	void *nb;

	if (need <= *cap)
		return true;
	while (ncap < need)
		ncap *= 2;
	if (*bytes + (size_t)(ncap - *cap) * sz > budget ||
	    (nb = realloc(*buf, (size_t)ncap * sz)) == NULL)
		return false;
	*bytes += (size_t)(ncap - *cap) * sz;
	*buf = nb;
	*cap = ncap;
	return true;
}

struct sigma_memo_ent *
sigma_memo_get(struct sigma_memo *m, uint32_t fid, const char *v, size_t n,
    uint32_t stamp, bool *hit)
{
	uint64_t h;
	struct sigma_memo_ent *e;

	*hit = false;
	if (n > SIGMA_MEMO_MAXVAL)
		return NULL;
	h = memo_hash(fid, v, n);
	e = &m->slot[h >> (64 - SIGMA_MEMO_BITS)];
	if (e->used && e->hash == h && e->fid == fid && e->vlen == n &&
	    memcmp(e->val, v, n) == 0) {
		e->stamp = stamp;
		*hit = true;
		return e;
	}
	if (e->used && e->stamp == stamp)
		return NULL;		/* held by another value of this event */
	if (e->used) {
		/*
		 * A value takes another's slot only when seen before
		 * (a bit per hash, cleared when a quarter are set): values
		 * that come once (ports, GUIDs) do not push out those that
		 * come back.
		 */
		uint32_t b = (uint32_t)(h & ((1u << SIGMA_MEMO_SEEN_BITS) - 1));

		if (!(m->seen[b >> 6] & (1ull << (b & 63)))) {
			m->seen[b >> 6] |= 1ull << (b & 63);
			if (++m->nseen > (1u << SIGMA_MEMO_SEEN_BITS) / 4) {
				memset(m->seen, 0, sizeof(m->seen));
				m->nseen = 0;
			}
			return NULL;
		}
	}
	e->used = false;
	if (n <= SIGMA_MEMO_INLINE)
		e->val = e->inl;
	else if (memo_room(&m->bytes, SIGMA_MEMO_BUDGET, (void **)&e->heap,
	    &e->heapcap, (uint32_t)n, 1)) {
		memo_own(m, e);
		e->val = e->heap;
	}
	else
		return NULL;
	memcpy(e->val, v, n);
	e->hash = h;
	e->fid = fid;
	e->vlen = (uint32_t)n;
	e->stamp = stamp;
	e->gen++;
	e->scanned = false;
	e->nfind = e->nres = 0;
	e->used = true;
	return e;
}

bool
sigma_memo_keep_finds(struct sigma_memo *m, struct sigma_memo_ent *e,
    const uint32_t *ids, const uint8_t *occ_by_id, uint32_t n)
{
	if (n > SIGMA_MEMO_MAXFIND || !memo_room(&m->bytes,
	    SIGMA_MEMO_BUDGET, (void **)&e->find, &e->findcap, n + 1,
	    sizeof(uint32_t)))
		return false;
	memo_own(m, e);
	for (uint32_t i = 0; i < n; i++)
		e->find[i] = MEMO_FIND(ids[i], occ_by_id[ids[i]]);
	e->nfind = n;
	e->scanned = true;
	return true;
}

bool
sigma_memo_add_res(struct sigma_memo *m, struct sigma_memo_ent *e,
    uint32_t res)
{
	if (e->nres >= SIGMA_MEMO_MAXRES || !memo_room(&m->bytes,
	    SIGMA_MEMO_BUDGET, (void **)&e->res, &e->rescap, e->nres + 1,
	    sizeof(uint32_t)))
		return false;
	memo_own(m, e);
	e->res[e->nres++] = res;
	return true;
}

void
sigma_memo_clear_stamps(struct sigma_memo *m)
{
	for (size_t i = 0; i < SIGMA_MEMO_SLOTS; i++)
		m->slot[i].stamp = 0;
}

struct sigma_evmemo *
sigma_evmemo_new(void)
{
	return calloc(1, sizeof(struct sigma_evmemo));
}

void
sigma_evmemo_free(struct sigma_evmemo *m)
{
	if (m == NULL)
		return;
	for (size_t w = 0; w < SIGMA_EVMEMO_SLOTS / 64; w++)
		for (uint64_t b = m->owned[w]; b != 0; b &= b - 1)
			free(m->slot[w * 64 + (size_t)__builtin_ctzll(b)].key);
	free(m);
}

uint64_t
sigma_evmemo_hash(const uint64_t *key, uint32_t nkey)
{
	uint64_t h = nkey;

	/* the multiplies are independent; only xor and rotate chain */
	for (uint32_t i = 0; i < nkey; i++) {
		h ^= key[i] * 0x9e3779b97f4a7c15ull;
		h = h << 27 | h >> 37;
	}
	return memo_mix(h, nkey);
}

const struct sigma_evmemo_ent *
sigma_evmemo_find(const struct sigma_evmemo *m, const uint64_t *key,
    uint32_t nkey, uint64_t hash)
{
	const struct sigma_evmemo_ent *e =
	    &m->slot[hash >> (64 - SIGMA_EVMEMO_BITS)];

	if (e->nkey != nkey || e->hash != hash ||
	    memcmp(e->key, key, nkey * sizeof(*key)) != 0)
		return NULL;
	return e;
}

bool
sigma_evmemo_put(struct sigma_evmemo *m, const uint64_t *key, uint32_t nkey,
    uint64_t hash, const uint32_t *hits, uint32_t nhit, const uint32_t *und,
    uint32_t nund)
{
	struct sigma_evmemo_ent *e = &m->slot[hash >> (64 - SIGMA_EVMEMO_BITS)];
	uint32_t nw = nkey + (nhit + nund + 1) / 2;	/* words */

	e->nkey = 0;
	if (nkey == 0 || nkey > SIGMA_EVMEMO_MAXKEY ||
	    !memo_room(&m->bytes, SIGMA_EVMEMO_BUDGET, (void **)&e->key,
	    &e->cap, nw, sizeof(*key)))
		return false;
	m->owned[(size_t)(e - m->slot) / 64] |= 1ull << ((size_t)(e - m->slot) %
	    64);
	/* one buffer: the key, then the hits and rules */
	memcpy(e->key, key, nkey * sizeof(*key));
	e->list = (uint32_t *)(e->key + nkey);
	memcpy(e->list, hits, nhit * sizeof(*hits));
	memcpy(e->list + nhit, und, nund * sizeof(*und));
	e->nhit = nhit;
	e->nund = nund;
	e->hash = hash;
	e->nkey = nkey;
	return true;
}
