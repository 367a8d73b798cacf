/*
 * ev_map.c -- open-addressing (linear probing) hash map with a seeded
 * word-at-a-time hash and the murmur finaliser; see ev_map.h.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ev_map.h"

static uint64_t map_seed;
static pthread_once_t seed_once = PTHREAD_ONCE_INIT;

/* Once per process, before any thread hashes (maps of every thread and
   ev_shared's value store hash with it). */
static void
seed_init(void)
{
	struct timespec ts;
	uint64_t s;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	s = ((uint64_t)time(NULL) ^ (uint64_t)ts.tv_nsec << 20) *
	    0x9e3779b97f4a7c15ULL;
	s ^= (uint64_t)getpid() << 17;
	s ^= (uint64_t)(uintptr_t)&map_seed;
	map_seed = s | 1;
}

/*
 * Eight bytes at a time (multiply and xor-shift), then the murmur
 * finaliser: keys are GUIDs, paths and command lines, tens of bytes.
 */
uint64_t
ev_map_hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h, w;
	size_t i = 0;

	pthread_once(&seed_once, seed_init);
	h = map_seed ^ (len * 0x9e3779b97f4a7c15ULL);
	for (; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	if (i < len) {
		w = 0;
		memcpy(&w, p + i, len - i);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

void
ev_map_init(struct ev_map *m)
{
	memset(m, 0, sizeof(*m));
	ev_arena_init(&m->arena);
}

void
ev_map_release(struct ev_map *m)
{
	ev_big_free(m->tab);
	ev_arena_release(&m->arena);
	ev_map_init(m);
}

static struct ev_map_ent *
find(const struct ev_map *m, const void *key, size_t klen, uint64_t h)
{
	size_t mask, i;

	if (m->cap == 0)
		return NULL;
	mask = m->cap - 1;
	for (i = h & mask;; i = (i + 1) & mask) {
		struct ev_map_ent *e = &m->tab[i];

		if (e->key == NULL)
			return e;
		if (e->hash == h && e->klen == klen &&
		    memcmp(e->key, key, klen) == 0)
			return e;
	}
}

struct ev_map_ent *
ev_map_get(const struct ev_map *m, const void *key, size_t klen)
{
	struct ev_map_ent *e = find(m, key, klen, ev_map_hash(key, klen));

	return e != NULL && e->key != NULL ? e : NULL;
}

static int
grow(struct ev_map *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	struct ev_map_ent *old = m->tab, *tab;
	size_t ocap = m->cap;

	if (ncap > SIZE_MAX / sizeof(*tab))
		return -1;
	tab = ev_big_calloc(ncap, sizeof(*tab));
	if (tab == NULL)
		return -1;
	m->tab = tab;
	m->cap = ncap;
	for (size_t i = 0; i < ocap; i++) {
		if (old[i].key != NULL) {
			struct ev_map_ent *e = find(m, old[i].key,
			    old[i].klen, old[i].hash);

			*e = old[i];
		}
	}
	ev_big_free(old);
	return 0;
}

struct ev_map_ent *
ev_map_put(struct ev_map *m, const void *key, size_t klen, bool *isnew)
{
	uint64_t h = ev_map_hash(key, klen);
	struct ev_map_ent *e;
	char *k;

	if (klen > UINT32_MAX)
		return NULL;
	e = find(m, key, klen, h);
	if (e != NULL && e->key != NULL) {
		if (isnew != NULL)
			*isnew = false;
		return e;
	}
	if ((m->n + 1) * 10 > m->cap * 7) {
		if (grow(m) == -1)
			return NULL;
		e = find(m, key, klen, h);
	}
	k = ev_arena_alloc(&m->arena, klen + 1);
	if (k == NULL)
		return NULL;
	memcpy(k, key, klen);
	k[klen] = '\0';
	memset(e, 0, sizeof(*e));
	e->key = k;
	e->klen = (uint32_t)klen;
	e->hash = h;
	m->n++;
	if (isnew != NULL)
		*isnew = true;
	return e;
}

struct ev_map_ent *
ev_map_next(const struct ev_map *m, size_t *pos)
{
	while (*pos < m->cap) {
		struct ev_map_ent *e = &m->tab[(*pos)++];

		if (e->key != NULL)
			return e;
	}
	return NULL;
}

bool
ev_iset_room(struct ev_iset *in)
{
	size_t ncap = in->cap ? in->cap * 2 : 256;
	struct ev_islot *nt;

	if (2 * (in->used + 1) <= in->cap)
		return true;
	if ((nt = calloc(ncap, sizeof(*nt))) == NULL)
		return false;
	for (size_t i = 0; i < in->cap; i++) {
		size_t j = in->t[i].hash & (ncap - 1);

		if (in->t[i].ref == 0)
			continue;
		while (nt[j].ref != 0)
			j = (j + 1) & (ncap - 1);
		nt[j] = in->t[i];
	}
	free(in->t);
	in->t = nt;
	in->cap = ncap;
	return true;
}

struct ev_islot *
ev_iset_find(struct ev_iset *in, uint64_t h,
    bool (*eq)(const struct ev_islot *, const void *), const void *arg)
{
	size_t j = h & (in->cap - 1);

	while (in->t[j].ref != 0 && (in->t[j].hash != h || !eq(&in->t[j],
	    arg)))
		j = (j + 1) & (in->cap - 1);
	return &in->t[j];
}

void
ev_iset_release(struct ev_iset *in)
{
	free(in->t);
	*in = (struct ev_iset)EV_ISET_INIT;
}
