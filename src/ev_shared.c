/*
 * ev_shared.c -- the strings a reading thread stores once (event.h's
 * struct ev_shared): the System strings' map, and the EventData values
 * logs repeat, in an open-addressing table of their own.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ev_arena.h"
#include "ev_err.h"
#include "ev_map.h"
#include "event.h"

/* A stored value: the string (in varena), its length and hash. */
struct ev_intern_slot {
	const char	*s;	/* NULL: free */
	uint32_t	 len;
	uint32_t	 h;
};

/* Doubles sh's table (or makes the first).  0 or EV_ENOMEM. */
static int
intern_grow(struct ev_shared *sh)
{
	size_t cap = sh->vcap ? sh->vcap * 2 : 4096;
	struct ev_intern_slot *t = ev_big_calloc(cap, sizeof(*t));

	if (t == NULL)
		return EV_ENOMEM;
	for (size_t i = 0; i < sh->vcap; i++) {
		size_t j;

		if (sh->vtab[i].s == NULL)
			continue;
		for (j = sh->vtab[i].h & (cap - 1); t[j].s != NULL;
		    j = (j + 1) & (cap - 1))
			;
		t[j] = sh->vtab[i];
	}
	ev_big_free(sh->vtab);
	sh->vtab = t;
	sh->vcap = cap;
	return 0;
}

const char *
ev_shared_value(struct ev_shared *sh, const char *v, size_t len)
{
	uint32_t h;
	size_t j;
	char *p;

	h = (uint32_t)ev_map_hash(v, len);
	if ((sh->vn + 1) * 4 > sh->vcap * 3 && intern_grow(sh) != 0)
		return NULL;	/* kept at most 3/4 full */
	for (j = h & (sh->vcap - 1); sh->vtab[j].s != NULL;
	    j = (j + 1) & (sh->vcap - 1))
		if (sh->vtab[j].h == h && sh->vtab[j].len == len &&
		    memcmp(sh->vtab[j].s, v, len) == 0)
			return sh->vtab[j].s;
	if ((p = ev_arena_strndup(&sh->varena, v, len)) == NULL)
		return NULL;
	sh->vtab[j] = (struct ev_intern_slot){ p, (uint32_t)len, h };
	sh->vn++;
	return p;
}

void
ev_shared_init(struct ev_shared *sh)
{
	memset(sh, 0, sizeof(*sh));
	ev_map_init(&sh->map);
	ev_arena_init(&sh->varena);
}

void
ev_shared_release(struct ev_shared *sh)
{
	ev_map_release(&sh->map);
	ev_shared_reset_values(sh);
	ev_shared_init(sh);
}

void
ev_shared_reset_values(struct ev_shared *sh)
{
	ev_big_free(sh->vtab);
	sh->vtab = NULL;
	sh->vcap = sh->vn = 0;
	ev_arena_release(&sh->varena);	/* pooled stays pooled */
}

void
ev_shared_pool(struct ev_shared *sh)
{
	ev_arena_pool(&sh->varena);
	ev_arena_pool(&sh->map.arena);
}

void
ev_shared_seal(struct ev_shared *sh)
{
	ev_big_free(sh->vtab);
	sh->vtab = NULL;
	sh->vcap = sh->vn = 0;
}

size_t
ev_shared_value_bytes(const struct ev_shared *sh)
{
	return sh->varena.total - (size_t)(sh->varena.end - sh->varena.ptr) +
	    sh->vcap * sizeof(*sh->vtab);
}
