/*
 * ac.c -- Aho-Corasick automaton over byte classes (see ac.h).
 *
 * Build: a trie whose edges are kept in a hash of (state, byte) -> child;
 * then a breadth-first pass computes failure links and fills the dense
 * table delta[state * nclass + class] (a DFA: failure links folded in),
 * the pattern ending at each state and the "dictionary link" to the
 * nearest state on the failure chain where a pattern ends.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../ev_err.h"
#include "ac.h"

#define AC_MAX_STATES	(1u << 22)

struct edge {
	uint32_t	 from;		/* state + 1; 0 = empty slot */
	uint32_t	 to;
	uint8_t		 byte;
};

struct sigma_ac {
	/* build state */
	struct edge	*edges;		/* open addressing */
	size_t		 nedges, edgecap;
	uint32_t	 nstates;
	int32_t		*pat;		/* per state: pattern id or -1 */
	uint32_t	*depth;
	size_t		 statecap;
	uint32_t	 npat;
	bool		 used[256];
	/* built */
	uint8_t		 cls[256];
	uint32_t	 nclass;
	uint32_t	*delta;
	uint32_t	*dict;		/* state -> next state with a pattern
					   on the failure chain, 0 none */
	bool		 built;
};

struct sigma_ac *
sigma_ac_new(void)
{
	struct sigma_ac *ac = calloc(1, sizeof(*ac));

	if (ac == NULL)
		return NULL;
	ac->statecap = 64;
	ac->pat = malloc(ac->statecap * sizeof(*ac->pat));
	ac->depth = malloc(ac->statecap * sizeof(*ac->depth));
	if (ac->pat == NULL || ac->depth == NULL) {
		sigma_ac_free(ac);
		return NULL;
	}
	ac->nstates = 1;		/* root */
	ac->pat[0] = -1;
	ac->depth[0] = 0;
	return ac;
}

void
sigma_ac_free(struct sigma_ac *ac)
{
	if (ac == NULL)
		return;
	free(ac->edges);
	free(ac->pat);
	free(ac->depth);
	free(ac->delta);
	free(ac->dict);
	free(ac);
}

static size_t
edge_hash(uint32_t from, uint8_t b, size_t cap)
{
	uint64_t h = ((uint64_t)from << 8 | b) * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 20) & (cap - 1);
}

static struct edge *
edge_find(const struct sigma_ac *ac, uint32_t from, uint8_t b)
{
	size_t i;

	if (ac->edgecap == 0)
		return NULL;
	i = edge_hash(from, b, ac->edgecap);
	for (;;) {
		struct edge *e = &ac->edges[i];

		if (e->from == 0)
			return e;
		if (e->from == from + 1 && e->byte == b)
			return e;
		i = (i + 1) & (ac->edgecap - 1);
	}
}

static int
edges_grow(struct sigma_ac *ac)
{
	size_t ncap = ac->edgecap ? ac->edgecap * 2 : 256;
	struct edge *old = ac->edges, *ne;
	size_t ocap = ac->edgecap;

	ne = calloc(ncap, sizeof(*ne));
	if (ne == NULL)
		return -1;
	ac->edges = ne;
	ac->edgecap = ncap;
	for (size_t i = 0; i < ocap; i++)
		if (old[i].from != 0)
			*edge_find(ac, old[i].from - 1, old[i].byte) = old[i];
	free(old);
	return 0;
}

static int
new_state(struct sigma_ac *ac, uint32_t depth)
{
	if (ac->nstates >= AC_MAX_STATES)
		return -1;
	if (ac->nstates == ac->statecap) {
		size_t ncap = ac->statecap * 2;
		int32_t *p = realloc(ac->pat, ncap * sizeof(*p));
		uint32_t *d;

		if (p == NULL)
			return -1;
		ac->pat = p;
		d = realloc(ac->depth, ncap * sizeof(*d));
		if (d == NULL)
			return -1;
		ac->depth = d;
		ac->statecap = ncap;
	}
	ac->pat[ac->nstates] = -1;
	ac->depth[ac->nstates] = depth;
	return (int)ac->nstates++;
}

int32_t
sigma_ac_add(struct sigma_ac *ac, const char *s, size_t len)
{
	uint32_t st = 0;

	if (ac->built || len == 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		uint8_t b = (uint8_t)s[i];
		struct edge *e;
		int ns;

		if ((ac->nedges + 1) * 2 > ac->edgecap && edges_grow(ac) == -1)
			return -1;
		e = edge_find(ac, st, b);
		if (e->from != 0) {
			st = e->to;
			continue;
		}
		if ((ns = new_state(ac, (uint32_t)i + 1)) == -1)
			return -1;
		e = edge_find(ac, st, b);	/* still the free slot */
		e->from = st + 1;
		e->byte = b;
		e->to = (uint32_t)ns;
		ac->nedges++;
		ac->used[b] = true;
		st = (uint32_t)ns;
	}
	if (ac->pat[st] < 0)
		ac->pat[st] = (int32_t)ac->npat++;
	return ac->pat[st];
}

int
sigma_ac_build(struct sigma_ac *ac)
{
	uint32_t *queue = NULL, *fail = NULL, qh = 0, qt = 0, nc = 1;
	uint32_t nused = 0;
	uint8_t rep[256];

	if (ac->built)
		return 0;
	/*
	 * Class 0 holds every byte no pattern uses (rep[0] is one of them);
	 * when all 256 are used, classes are the bytes themselves.
	 */
	memset(ac->cls, 0, sizeof(ac->cls));
	rep[0] = 0;
	for (int b = 0; b < 256; b++)
		nused += ac->used[b];
	for (int b = 0; b < 256; b++) {
		if (!ac->used[b]) {
			rep[0] = (uint8_t)b;
			continue;
		}
		if (nused == 256)
			break;
		rep[nc] = (uint8_t)b;
		ac->cls[b] = (uint8_t)nc++;
	}
	if (nused == 256) {
		for (int b = 0; b < 256; b++) {
			rep[b] = (uint8_t)b;
			ac->cls[b] = (uint8_t)b;
		}
		nc = 256;
	}
	ac->nclass = nc;
	ac->delta = calloc((size_t)ac->nstates * nc, sizeof(*ac->delta));
	ac->dict = calloc(ac->nstates, sizeof(*ac->dict));
	queue = malloc(ac->nstates * sizeof(*queue));
	fail = calloc(ac->nstates, sizeof(*fail));
	if (ac->delta == NULL || ac->dict == NULL || queue == NULL ||
	    fail == NULL) {
		free(queue);
		free(fail);
		return EV_ENOMEM;
	}
	/* root: children or stay */
	for (uint32_t c = 0; c < nc; c++) {
		struct edge *e = edge_find(ac, 0, rep[c]);

		if (e != NULL && e->from != 0) {
			ac->delta[c] = e->to;
			fail[e->to] = 0;
			queue[qt++] = e->to;
		}
	}
	while (qh < qt) {
		uint32_t s = queue[qh++];
		uint32_t f = fail[s];

		ac->dict[s] = ac->pat[f] >= 0 ? f : ac->dict[f];
		for (uint32_t c = 0; c < nc; c++) {
			struct edge *e = edge_find(ac, s, rep[c]);

			if (e != NULL && e->from != 0) {
				fail[e->to] = ac->delta[(size_t)f * nc + c];
				ac->delta[(size_t)s * nc + c] = e->to;
				queue[qt++] = e->to;
			} else
				ac->delta[(size_t)s * nc + c] =
				    ac->delta[(size_t)f * nc + c];
		}
	}
	free(queue);
	free(fail);
	free(ac->edges);
	ac->edges = NULL;
	ac->edgecap = 0;
	free(ac->depth);
	ac->depth = NULL;
	ac->built = true;
	return 0;
}

uint32_t
sigma_ac_npatterns(const struct sigma_ac *ac)
{
	return ac->npat;
}

size_t
sigma_ac_memory(const struct sigma_ac *ac)
{
	return (size_t)ac->nstates * (ac->nclass + 2) * sizeof(uint32_t);
}

int
sigma_ac_scan(const struct sigma_ac *ac, const char *text, size_t len,
    int (*fn)(uint32_t, size_t, void *), void *ctx)
{
	const uint8_t *t = (const uint8_t *)text;
	const uint32_t *delta = ac->delta;
	uint32_t nc = ac->nclass, s = 0;
	int r;

	if (!ac->built)
		return 0;
	for (size_t i = 0; i < len; i++) {
		s = delta[(size_t)s * nc + ac->cls[t[i]]];
		if (s == 0)
			continue;
		if (ac->pat[s] >= 0 &&
		    (r = fn((uint32_t)ac->pat[s], i + 1, ctx)) != 0)
			return r;
		for (uint32_t d = ac->dict[s]; d != 0; d = ac->dict[d])
			if ((r = fn((uint32_t)ac->pat[d], i + 1, ctx)) != 0)
				return r;
	}
	return 0;
}
