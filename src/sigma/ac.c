/*
 * ac.c -- multi-pattern search over bytes (see ac.h).
 *
 * Measured on real process events, a full Aho-Corasick DFA over every
 * rule's literals is tens of MB and each text byte is a cache miss, so
 * the search is hashed instead: patterns are grouped by a prefix key of
 * 3, 4 or 8 bytes (the longest their length allows: long keys keep
 * groups small, as many literals share short prefixes like "c:\\w").
 * A filter over every pattern's hashed first three bytes (128 bits a
 * pattern, from 2^12 to 2^17 bits: 16 KiB at most, cache resident)
 * rejects almost every text position with one load;
 * the rest probe a like filter per key length, then look their key up in
 * an open-addressing table whose entry lists the patterns with that
 * prefix, each verified with memcmp.  Patterns of 8 bytes or more are a
 * trie of 8-byte chunks instead: hundreds of them can share a prefix
 * ("c:\windows\system32\"), and a list would be verified one by one at
 * every such position.  The first chunk's entry leads to a node; a node
 * lists the patterns ending within its next 8 bytes and finds its
 * children by the next chunk in one more table.  Every occurrence is
 * reported, as with Aho-Corasick; patterns are at least SIGMA_AC_MIN
 * bytes.  One-byte patterns (rare bytes the prefilter needs, such as
 * '^') are apart: a 256-bit set, and a pass over the text that reports
 * each at its first occurrence.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../ev_err.h"
#include "ac.h"

#define FILTER_BITS	17	/* filters' size at most, in bits (log2) */
#define FILTER_MIN	12	/* at least */
#define FILTER_PER_PAT	128	/* bits a pattern, between the two */
#define MAX_PATTERNS	(1u << 24)

#define NTIER	3
#define FEW_PATTERNS	4	/* searched one by one (scan_few) */
static const uint32_t tier_len[NTIER] = { 3, 4, 8 };

struct pat {
	uint32_t	 off, len;	/* in text[] */
	uint64_t	 key;		/* first tier_len[tier] bytes */
	uint8_t		 tier;		/* BYTE_TIER: one byte */
};

#define BYTE_TIER	NTIER

struct slot {
	uint64_t	 key;
	uint32_t	 first, n;	/* in order[]; n == 0: empty; tier 2:
					   first is the trie node */
};

#define TRIE_TIER	2
#define NO_NODE		UINT32_MAX

/*
 * A trie node at depth d (d + 1 chunks known): the patterns of length
 * 8(d+1) .. 8(d+2)-1 with those chunks, order[first .. first + n).
 */
struct tnode {
	uint32_t	 first, n;
	bool		 kids;
};

/* Child of node parent by the next 8 bytes (open addressing). */
struct kid {
	uint64_t	 key;
	uint32_t	 parent;	/* NO_NODE: empty */
	uint32_t	 node;
};

struct tier {
	uint64_t	*filter;
	struct slot	*slots;
	size_t		 nslots;	/* power of two */
	uint32_t	 npat;
};

struct sigma_ac {
	char		*text;		/* every pattern, concatenated */
	size_t		 textlen, textcap;
	struct pat	*pat;
	uint32_t	 npat, patcap;
	/* one-byte patterns: the set, and id + 1 by byte */
	uint64_t	 byteset[4];
	uint32_t	 byteid[256];
	uint32_t	 nbyte;
	/* dedup while adding: hash of whole patterns -> id */
	uint32_t	*dedup;		/* id + 1, 0 empty */
	size_t		 dedupcap;
	/* built */
	uint32_t	 fbits;		/* the filters have 1 << fbits bits */
	uint64_t	*gate;		/* filter over every pattern's first
					   three bytes: one probe per byte */
	struct tier	 tier[NTIER];
	uint32_t	*order;		/* pattern ids grouped by key */
	struct tnode	*nodes;
	uint32_t	 nnodes;
	struct kid	*kids;
	size_t		 nkids;		/* power of two */
	bool		 built;
};

static inline uint64_t
key_of(const unsigned char *p, uint32_t n)
{
	uint64_t k8;
	uint32_t k4;

	switch (n) {
	case 8:
		memcpy(&k8, p, 8);
		return k8;
	case 4:
		memcpy(&k4, p, 4);
		return k4;
	default:
		return (uint64_t)p[0] | (uint64_t)p[1] << 8 |
		    (uint64_t)p[2] << 16;
	}
}

static uint32_t
hkey(uint64_t k, uint32_t bits)
{
	return (uint32_t)((k * 0x9e3779b97f4a7c15ull) >> (64 - bits));
}

static uint8_t
tier_of(size_t len)
{
	return len >= 8 ? 2 : len >= 4 ? 1 : 0;
}

static uint64_t
hbytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

struct sigma_ac *
sigma_ac_new(void)
{
	return calloc(1, sizeof(struct sigma_ac));
}

void
sigma_ac_free(struct sigma_ac *ac)
{
	if (ac == NULL)
		return;
	free(ac->text);
	free(ac->pat);
	free(ac->dedup);
	free(ac->gate);
	for (int t = 0; t < NTIER; t++) {
		free(ac->tier[t].filter);
		free(ac->tier[t].slots);
	}
	free(ac->order);
	free(ac->nodes);
	free(ac->kids);
	free(ac);
}

static int
dedup_grow(struct sigma_ac *ac)
{
	size_t ncap = ac->dedupcap ? ac->dedupcap * 2 : 64;
	uint32_t *nd = calloc(ncap, sizeof(*nd));

	if (nd == NULL)
		return -1;
	for (uint32_t id = 0; id < ac->npat; id++) {
		size_t i = hbytes(ac->text + ac->pat[id].off, ac->pat[id].len) &
		    (ncap - 1);

		while (nd[i] != 0)
			i = (i + 1) & (ncap - 1);
		nd[i] = id + 1;
	}
	free(ac->dedup);
	ac->dedup = nd;
	ac->dedupcap = ncap;
	return 0;
}

int32_t
sigma_ac_add(struct sigma_ac *ac, const char *s, size_t len)
{
	size_t i;

	if (ac->built || len == 0 || (len < SIGMA_AC_MIN && len != 1) ||
	    len > UINT32_MAX / 2 || ac->npat >= MAX_PATTERNS)
		return -1;
	if (len == 1 && ac->byteid[(unsigned char)s[0]] != 0)
		return (int32_t)(ac->byteid[(unsigned char)s[0]] - 1);
	if ((ac->npat + 1) * 2 > ac->dedupcap && dedup_grow(ac) == -1)
		return -1;
	i = hbytes(s, len) & (ac->dedupcap - 1);
	while (len > 1 && ac->dedup[i] != 0) {
		const struct pat *p = &ac->pat[ac->dedup[i] - 1];

		if (p->len == len && memcmp(ac->text + p->off, s, len) == 0)
			return (int32_t)(ac->dedup[i] - 1);
		i = (i + 1) & (ac->dedupcap - 1);
	}
	if (ac->npat == ac->patcap) {
		uint32_t ncap = ac->patcap ? ac->patcap * 2 : 16;
		struct pat *np = realloc(ac->pat, ncap * sizeof(*np));

		if (np == NULL)
			return -1;
		ac->pat = np;
		ac->patcap = ncap;
	}
	if (ac->textlen + len > ac->textcap) {
		size_t ncap = ac->textcap ? ac->textcap : 256;
		char *nt;

		while (ncap < ac->textlen + len)
			ncap *= 2;
		if ((nt = realloc(ac->text, ncap)) == NULL)
			return -1;
		ac->text = nt;
		ac->textcap = ncap;
	}
	memcpy(ac->text + ac->textlen, s, len);
	ac->pat[ac->npat].off = (uint32_t)ac->textlen;
	ac->pat[ac->npat].len = (uint32_t)len;
	if (len >= SIGMA_AC_MIN) {
		ac->pat[ac->npat].tier = tier_of(len);
		ac->pat[ac->npat].key = key_of((const unsigned char *)s,
		    tier_len[tier_of(len)]);
	}
	ac->textlen += len;
	if (len == 1) {
		unsigned char b = (unsigned char)s[0];

		ac->pat[ac->npat].tier = BYTE_TIER;
		ac->byteset[b >> 6] |= 1ull << (b & 63);
		ac->byteid[b] = ac->npat + 1;
		ac->nbyte++;
	} else
		ac->dedup[i] = ac->npat + 1;
	return (int32_t)ac->npat++;
}

static struct slot *
slot_find(const struct tier *tr, uint64_t key)
{
	size_t i = (size_t)((key * 0xff51afd7ed558ccdull) >> 20) &
	    (tr->nslots - 1);

	while (tr->slots[i].n != 0 && tr->slots[i].key != key)
		i = (i + 1) & (tr->nslots - 1);
	return &tr->slots[i];
}

static struct kid *
kid_slot(const struct sigma_ac *ac, uint32_t parent, uint64_t key)
{
	size_t i = (size_t)(((key ^ (uint64_t)parent * 0x9e3779b97f4a7c15ull) *
	    0xff51afd7ed558ccdull) >> 24) & (ac->nkids - 1);

	while (ac->kids[i].parent != NO_NODE && (ac->kids[i].parent != parent ||
	    ac->kids[i].key != key))
		i = (i + 1) & (ac->nkids - 1);
	return &ac->kids[i];
}

/* The trie node of a tier-2 pattern (made when new). */
static uint32_t
trie_node(struct sigma_ac *ac, const struct pat *p)
{
	struct slot *sl = slot_find(&ac->tier[TRIE_TIER], p->key);
	const unsigned char *q = (const unsigned char *)ac->text + p->off;
	uint32_t node;

	if (sl->n == 0) {
		sl->key = p->key;
		sl->n = 1;
		sl->first = ac->nnodes++;
	}
	node = sl->first;
	for (uint32_t off = 8; p->len >= off + 8; off += 8) {
		uint64_t k = key_of(q + off, 8);
		struct kid *kd = kid_slot(ac, node, k);

		ac->nodes[node].kids = true;
		if (kd->parent == NO_NODE) {
			kd->parent = node;
			kd->key = k;
			kd->node = ac->nnodes++;
		}
		node = kd->node;
	}
	return node;
}

int
sigma_ac_build(struct sigma_ac *ac)
{
	uint32_t *cnt[NTIER] = { NULL }, *pnode = NULL, next = 0;
	size_t maxnodes = 1;
	int ret = EV_ENOMEM;

	if (ac->built)
		return 0;
	for (uint32_t id = 0; id < ac->npat; id++) {
		if (ac->pat[id].tier == BYTE_TIER)
			continue;
		ac->tier[ac->pat[id].tier].npat++;
		if (ac->pat[id].tier == TRIE_TIER)
			maxnodes += ac->pat[id].len / 8;
	}
	/* filters sized to the patterns: most automata hold a few */
	ac->fbits = FILTER_MIN;
	while (ac->fbits < FILTER_BITS && (1u << ac->fbits) / FILTER_PER_PAT <
	    ac->npat - ac->nbyte)
		ac->fbits++;
	ac->order = malloc((ac->npat + 1) * sizeof(*ac->order));
	ac->gate = calloc((1u << ac->fbits) / 64, sizeof(uint64_t));
	ac->nodes = calloc(maxnodes, sizeof(*ac->nodes));
	pnode = calloc(ac->npat + 1, sizeof(*pnode));
	ac->nkids = 16;
	while (ac->nkids < maxnodes * 2)
		ac->nkids *= 2;
	ac->kids = malloc(ac->nkids * sizeof(*ac->kids));
	if (ac->order == NULL || ac->gate == NULL || ac->nodes == NULL ||
	    pnode == NULL || ac->kids == NULL)
		goto out;
	for (size_t i = 0; i < ac->nkids; i++)
		ac->kids[i].parent = NO_NODE;
	for (int t = 0; t < NTIER; t++) {
		struct tier *tr = &ac->tier[t];

		if (tr->npat == 0)
			continue;
		tr->nslots = 16;
		while (tr->nslots < (size_t)tr->npat * 2)
			tr->nslots *= 2;
		tr->filter = calloc((1u << ac->fbits) / 64, sizeof(uint64_t));
		tr->slots = calloc(tr->nslots, sizeof(*tr->slots));
		cnt[t] = calloc(tr->nslots, sizeof(*cnt[t]));
		if (tr->filter == NULL || tr->slots == NULL || cnt[t] == NULL)
			goto out;
	}
	/* count per key (per trie node for tier 2), then place ids */
	for (uint32_t id = 0; id < ac->npat; id++) {
		struct tier *tr;
		uint32_t h;

		if (ac->pat[id].tier == BYTE_TIER)
			continue;
		tr = &ac->tier[ac->pat[id].tier];
		h = hkey(ac->pat[id].key, ac->fbits);
		tr->filter[h >> 6] |= 1ull << (h & 63);
		h = hkey(key_of((const unsigned char *)ac->text +
		    ac->pat[id].off, 3), ac->fbits);
		ac->gate[h >> 6] |= 1ull << (h & 63);
		if (ac->pat[id].tier == TRIE_TIER) {
			pnode[id] = trie_node(ac, &ac->pat[id]);
			ac->nodes[pnode[id]].n++;
		} else {
			struct slot *sl = slot_find(tr, ac->pat[id].key);

			sl->key = ac->pat[id].key;
			sl->n++;
		}
	}
	for (int t = 0; t < NTIER; t++)
		for (size_t i = 0; t != TRIE_TIER && i < ac->tier[t].nslots;
		    i++)
			if (ac->tier[t].slots[i].n != 0) {
				ac->tier[t].slots[i].first = next;
				next += ac->tier[t].slots[i].n;
			}
	for (uint32_t nd = 0; nd < ac->nnodes; nd++) {
		ac->nodes[nd].first = next;
		next += ac->nodes[nd].n;
		ac->nodes[nd].n = 0;
	}
	for (uint32_t id = 0; id < ac->npat; id++) {
		int t = ac->pat[id].tier;
		struct slot *sl;
		size_t si;

		if (t == BYTE_TIER)
			continue;
		if (t == TRIE_TIER) {
			struct tnode *nd = &ac->nodes[pnode[id]];

			ac->order[nd->first + nd->n++] = id;
			continue;
		}
		sl = slot_find(&ac->tier[t], ac->pat[id].key);
		si = (size_t)(sl - ac->tier[t].slots);
		ac->order[sl->first + cnt[t][si]++] = id;
	}
	free(ac->dedup);
	ac->dedup = NULL;
	ac->dedupcap = 0;
	ac->built = true;
	ret = 0;
out:
	for (int t = 0; t < NTIER; t++)
		free(cnt[t]);
	free(pnode);
	return ret;
}

uint32_t
sigma_ac_patlen(const struct sigma_ac *ac, uint32_t id)
{
	return id < ac->npat ? ac->pat[id].len : 0;
}

uint32_t
sigma_ac_npatterns(const struct sigma_ac *ac)
{
	return ac->npat;
}

size_t
sigma_ac_memory(const struct sigma_ac *ac)
{
	size_t m = ac->textlen + (size_t)ac->npat * (sizeof(struct pat) + 4);

	for (int t = 0; t < NTIER; t++)
		if (ac->tier[t].npat)
			m += ac->tier[t].nslots * sizeof(struct slot) +
			    (1u << ac->fbits) / 8;
	m += (size_t)ac->nnodes * sizeof(struct tnode) +
	    ac->nkids * sizeof(struct kid);
	return m + (ac->built ? (1u << ac->fbits) / 8 : 0);
}

/*
 * The tier-2 patterns at t (n bytes left, at offset at of the text),
 * from the trie node of t's first 8 bytes.
 */
static int
trie_scan(const struct sigma_ac *ac, uint32_t node, const unsigned char *t,
    size_t n, size_t at, int (*fn)(uint32_t, size_t, void *), void *ctx)
{
	int r;

	for (uint32_t off = 8;; off += 8) {
		const struct tnode *nd = &ac->nodes[node];
		const struct kid *kd;

		for (uint32_t j = 0; j < nd->n; j++) {
			uint32_t id = ac->order[nd->first + j];
			const struct pat *p = &ac->pat[id];

			if (p->len > n || memcmp(t + off, ac->text + p->off +
			    off, p->len - off) != 0)
				continue;
			if ((r = fn(id, at + p->len, ctx)) != 0)
				return r;
		}
		if (!nd->kids || n - off < 8)
			return 0;
		kd = kid_slot(ac, node, key_of(t + off, 8));
		if (kd->parent == NO_NODE)
			return 0;
		node = kd->node;
	}
}

/*
 * A handful of patterns: each searched on its own with memchr (vector
 * code) beats probing the filters at every byte.
 */
static int
scan_few(const struct sigma_ac *ac, const unsigned char *t, size_t len,
    int (*fn)(uint32_t, size_t, void *), void *ctx)
{
	int r;

	for (uint32_t id = 0; id < ac->npat; id++) {
		const unsigned char *q = (const unsigned char *)ac->text +
		    ac->pat[id].off;
		size_t m = ac->pat[id].len, i = 0;

		if (ac->pat[id].tier == BYTE_TIER)
			continue;
		while (m <= len - i) {
			const unsigned char *s = memchr(t + i, q[0],
			    len - i - m + 1);

			if (s == NULL)
				break;
			i = (size_t)(s - t);
			if (memcmp(s + 1, q + 1, m - 1) == 0 &&
			    (r = fn(id, i + m, ctx)) != 0)
				return r;
			i++;
		}
	}
	return 0;
}

/*
 * The one-byte patterns, each at its first occurrence.  They are rare
 * bytes, so the loop seldom leaves its one load and test per byte.
 */
static int
scan_bytes(const struct sigma_ac *ac, const unsigned char *t, size_t len,
    int (*fn)(uint32_t, size_t, void *), void *ctx)
{
	uint64_t left[4];
	uint32_t nleft = ac->nbyte;
	int r;

	memcpy(left, ac->byteset, sizeof(left));
	for (size_t i = 0; i < len; i++) {
		unsigned char b = t[i];

		if (!(left[b >> 6] & (1ull << (b & 63))))
			continue;
		left[b >> 6] &= ~(1ull << (b & 63));
		if ((r = fn(ac->byteid[b] - 1, i + 1, ctx)) != 0)
			return r;
		if (--nleft == 0)
			break;
	}
	return 0;
}

int
sigma_ac_scan(const struct sigma_ac *ac, const char *text, size_t len,
    int (*fn)(uint32_t, size_t, void *), void *ctx)
{
	const unsigned char *t = (const unsigned char *)text;
	uint64_t k3;
	int r;

	if (!ac->built)
		return 0;
	if (ac->nbyte > 0 && (r = scan_bytes(ac, t, len, fn, ctx)) != 0)
		return r;
	if (ac->npat == ac->nbyte || len < SIGMA_AC_MIN)
		return 0;
	if (ac->npat - ac->nbyte <= FEW_PATTERNS)
		return scan_few(ac, t, len, fn, ctx);
	k3 = (uint64_t)t[0] << 8 | (uint64_t)t[1] << 16;
	for (size_t i = 0; i + SIGMA_AC_MIN <= len; i++) {
		uint32_t g;

		/* the 3-byte key at i, rolled on by one byte */
		k3 = k3 >> 8 | (uint64_t)t[i + 2] << 16;
		g = hkey(k3, ac->fbits);
		if (!(ac->gate[g >> 6] & (1ull << (g & 63))))
			continue;
		for (int ti = 0; ti < NTIER; ti++) {
			const struct tier *tr = &ac->tier[ti];
			uint32_t kl = tier_len[ti], h;
			const struct slot *sl;
			uint64_t k;

			if (tr->npat == 0)
				continue;
			if (kl > len - i)
				break;
			k = ti == 0 ? k3 : key_of(t + i, kl);
			h = hkey(k, ac->fbits);
			if (!(tr->filter[h >> 6] & (1ull << (h & 63))))
				continue;
			sl = slot_find(tr, k);
			if (ti == TRIE_TIER) {
				if (sl->n != 0 && (r = trie_scan(ac, sl->first,
				    t + i, len - i, i, fn, ctx)) != 0)
					return r;
				continue;
			}
			for (uint32_t j = 0; j < sl->n; j++) {
				uint32_t id = ac->order[sl->first + j];
				const struct pat *p = &ac->pat[id];
				const unsigned char *q =
				    (const unsigned char *)ac->text + p->off;

				if (p->len > len - i ||
				    memcmp(t + i + kl, q + kl, p->len - kl) != 0)
					continue;
				if ((r = fn(id, i + p->len, ctx)) != 0)
					return r;
			}
		}
	}
	return 0;
}
