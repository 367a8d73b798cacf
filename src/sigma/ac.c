/*
 * ac.c -- multi-pattern search over bytes (see ac.h).
 *
 * Measured on real process events, a full Aho-Corasick DFA over every
 * rule's literals is tens of MB and each text byte is a cache miss, so
 * the search is hashed instead: patterns are grouped by their first
 * three bytes; a 2^18-bit filter over hashed 3-byte keys (32 KiB, cache
 * resident) rejects almost every text position with one load, and the
 * rest look their key up in an open-addressing table whose entry lists
 * the patterns with that prefix, each verified with memcmp.  Every
 * occurrence is reported, as with Aho-Corasick; patterns are at least
 * SIGMA_AC_MIN bytes.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../ev_err.h"
#include "ac.h"

#define FILTER_BITS	18
#define MAX_PATTERNS	(1u << 24)

struct pat {
	uint32_t	 off, len;	/* in text[] */
	uint32_t	 key;		/* first three bytes */
};

struct slot {
	uint32_t	 key;		/* UINT32_MAX: empty */
	uint32_t	 first, n;	/* in order[] */
};

struct sigma_ac {
	char		*text;		/* every pattern, concatenated */
	size_t		 textlen, textcap;
	struct pat	*pat;
	uint32_t	 npat, patcap;
	/* dedup while adding: hash of whole patterns -> id */
	uint32_t	*dedup;		/* id + 1, 0 empty */
	size_t		 dedupcap;
	/* built */
	uint64_t	*filter;
	struct slot	*slots;
	size_t		 nslots;	/* power of two */
	uint32_t	*order;		/* pattern ids grouped by key */
	bool		 built;
};

static uint32_t
key3(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

static uint32_t
hkey(uint32_t k)
{
	return (k * 0x9e3779b1u) >> (32 - FILTER_BITS);
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
	free(ac->filter);
	free(ac->slots);
	free(ac->order);
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

	if (ac->built || len < SIGMA_AC_MIN || len > UINT32_MAX / 2 ||
	    ac->npat >= MAX_PATTERNS)
		return -1;
	if ((ac->npat + 1) * 2 > ac->dedupcap && dedup_grow(ac) == -1)
		return -1;
	i = hbytes(s, len) & (ac->dedupcap - 1);
	while (ac->dedup[i] != 0) {
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
	ac->pat[ac->npat].key = key3((const unsigned char *)s);
	ac->textlen += len;
	ac->dedup[i] = ac->npat + 1;
	return (int32_t)ac->npat++;
}

static struct slot *
slot_find(const struct sigma_ac *ac, uint32_t key)
{
	size_t i = (key * 0x85ebca6bu) & (ac->nslots - 1);

	while (ac->slots[i].key != UINT32_MAX && ac->slots[i].key != key)
		i = (i + 1) & (ac->nslots - 1);
	return &ac->slots[i];
}

int
sigma_ac_build(struct sigma_ac *ac)
{
	uint32_t *cnt;

	if (ac->built)
		return 0;
	ac->nslots = 16;
	while (ac->nslots < (size_t)ac->npat * 2)
		ac->nslots *= 2;
	ac->filter = calloc((1u << FILTER_BITS) / 64, sizeof(uint64_t));
	ac->slots = calloc(ac->nslots, sizeof(*ac->slots));
	ac->order = malloc((ac->npat + 1) * sizeof(*ac->order));
	cnt = calloc(ac->nslots, sizeof(*cnt));
	if (ac->filter == NULL || ac->slots == NULL || ac->order == NULL ||
	    cnt == NULL) {
		free(cnt);
		return EV_ENOMEM;
	}
	for (size_t i = 0; i < ac->nslots; i++)
		ac->slots[i].key = UINT32_MAX;
	/* count per key, then place ids (grouped, in id order) */
	for (uint32_t id = 0; id < ac->npat; id++) {
		struct slot *sl = slot_find(ac, ac->pat[id].key);
		uint32_t h = hkey(ac->pat[id].key);

		sl->key = ac->pat[id].key;
		sl->n++;
		ac->filter[h >> 6] |= 1ull << (h & 63);
	}
	{
		uint32_t next = 0;

		for (size_t i = 0; i < ac->nslots; i++)
			if (ac->slots[i].key != UINT32_MAX) {
				ac->slots[i].first = next;
				next += ac->slots[i].n;
			}
	}
	for (uint32_t id = 0; id < ac->npat; id++) {
		struct slot *sl = slot_find(ac, ac->pat[id].key);
		size_t si = (size_t)(sl - ac->slots);

		ac->order[sl->first + cnt[si]++] = id;
	}
	free(cnt);
	free(ac->dedup);
	ac->dedup = NULL;
	ac->dedupcap = 0;
	ac->built = true;
	return 0;
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
	return ac->textlen + (size_t)ac->npat * (sizeof(struct pat) + 4) +
	    ac->nslots * sizeof(struct slot) + (1u << FILTER_BITS) / 8;
}

int
sigma_ac_scan(const struct sigma_ac *ac, const char *text, size_t len,
    int (*fn)(uint32_t, size_t, void *), void *ctx)
{
	const unsigned char *t = (const unsigned char *)text;
	const uint64_t *filter = ac->filter;
	int r;

	if (!ac->built || ac->npat == 0 || len < SIGMA_AC_MIN)
		return 0;
	for (size_t i = 0; i + SIGMA_AC_MIN <= len; i++) {
		uint32_t k = key3(t + i), h = hkey(k);
		const struct slot *sl;

		if (!(filter[h >> 6] & (1ull << (h & 63))))
			continue;
		sl = slot_find(ac, k);
		for (uint32_t j = 0; j < sl->n; j++) {
			uint32_t id = ac->order[sl->first + j];
			const struct pat *p = &ac->pat[id];

			const unsigned char *q =
			    (const unsigned char *)ac->text + p->off;

			if (p->len > len - i)
				continue;
			/* the prefix hashed equal: check it, then the rest */
			if (key3(q) != k || (p->len > 3 && (q[p->len - 1] !=
			    t[i + p->len - 1] || memcmp(t + i + 3, q + 3,
			    p->len - 4) != 0)))
				continue;
			if ((r = fn(id, i + p->len, ctx)) != 0)
				return r;
		}
	}
	return 0;
}
