/*
 * map.h -- open-addressing hash map from byte-string keys to a small
 * fixed record (an index and three counters), shared by correlation and
 * the baseline counters.
 *
 * Keys are copied into the map's own arena, so callers may pass
 * temporary buffers.  Entry pointers returned by base_map_get() and
 * base_map_put() stay valid only until the next base_map_put() (the table
 * may grow and move); keys stay valid until base_map_release().
 * The hash is seeded per process, so an attacker who controls the keys
 * (host names, command lines) cannot force collisions offline.
 */
#ifndef BASE_MAP_H
#define BASE_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ev_arena.h"

struct base_map_ent {
	const char	*key;		/* NULL: free slot */
	uint32_t	 klen;
	uint32_t	 idx;		/* caller's value */
	uint64_t	 hash;
	uint64_t	 count;		/* caller's counters */
	uint64_t	 first;
	uint64_t	 last;
};

struct base_map {
	struct base_map_ent	*tab;
	size_t			 cap;	/* power of two, or 0 */
	size_t			 n;
	struct ev_arena		 arena;	/* key storage */
};

#define BASE_MAP_INIT { NULL, 0, 0, EV_ARENA_INIT }

void	base_map_init(struct base_map *);
/* Frees everything; the map is empty and reusable. */
void	base_map_release(struct base_map *);

/* The entry for key, or NULL. */
struct base_map_ent *base_map_get(const struct base_map *, const void *key,
	    size_t klen);

/*
 * The entry for key, created zeroed (idx, counters 0) when absent; *isnew
 * (may be NULL) says which.  NULL when out of memory.
 */
struct base_map_ent *base_map_put(struct base_map *, const void *key,
	    size_t klen, bool *isnew);

/* Iteration: *pos starts at 0; returns the next used entry or NULL. */
struct base_map_ent *base_map_next(const struct base_map *, size_t *pos);

#endif
