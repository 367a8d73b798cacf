/*
 * ev_map.h -- open-addressing hash map from byte-string keys to a small
 * fixed record (an index and three counters), shared by correlation,
 * the baseline counters and the report.
 *
 * Keys are copied into the map's own arena, so callers may pass
 * temporary buffers.  Entry pointers returned by ev_map_get() and
 * ev_map_put() stay valid only until the next ev_map_put() (the table
 * may grow and move); keys stay valid until ev_map_release().
 * The hash is seeded per process, so an attacker who controls the keys
 * (host names, command lines) cannot force collisions offline.
 */
#ifndef EV_MAP_H
#define EV_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ev_arena.h"

struct ev_map_ent {
	const char	*key;		/* NULL: free slot */
	uint32_t	 klen;
	uint32_t	 idx;		/* caller's value */
	uint64_t	 hash;
	uint64_t	 count;		/* caller's counters */
	uint64_t	 first;
	uint64_t	 last;
};

struct ev_map {
	struct ev_map_ent	*tab;
	size_t			 cap;	/* power of two, or 0 */
	size_t			 n;
	struct ev_arena		 arena;	/* key storage */
};

#define EV_MAP_INIT { NULL, 0, 0, EV_ARENA_INIT }

void	ev_map_init(struct ev_map *);
/* Frees everything; the map is empty and reusable. */
void	ev_map_release(struct ev_map *);

/* The entry for key, or NULL. */
struct ev_map_ent *ev_map_get(const struct ev_map *, const void *key,
	    size_t klen);

/*
 * The entry for key, created zeroed (idx, counters 0) when absent; *isnew
 * (may be NULL) says which.  NULL when out of memory.
 */
struct ev_map_ent *ev_map_put(struct ev_map *, const void *key,
	    size_t klen, bool *isnew);

/*
 * The maps' hash of key (len bytes): seeded once per process, eight bytes
 * a step.  For other tables of byte strings (ev_shared's values).
 */
uint64_t ev_map_hash(const void *key, size_t len);
/* Iteration: *pos starts at 0; returns the next used entry or NULL. */
struct ev_map_ent *ev_map_next(const struct ev_map *, size_t *pos);

/*
 * An interning set: slots of a hash, a reference to a thing the caller
 * keeps (ref: its index + 1; 0: a free slot) and a number of the
 * caller's.  The set keeps no keys (a thing costs its 16-byte slot):
 * ev_iset_find()'s eq compares the caller's candidate with the thing of
 * a slot of the same hash.  Linear probing, at most half full.
 */
struct ev_islot {
	uint64_t	 hash;
	uint32_t	 ref;
	uint32_t	 n;
};

struct ev_iset {
	struct ev_islot	*t;
	size_t		 cap, used;	/* cap: a power of two, or 0 */
};

#define EV_ISET_INIT { NULL, 0, 0 }

/* Room for one more (used + 1) at most half full; false: out of memory. */
bool	 ev_iset_room(struct ev_iset *);
/*
 * The slot (ev_iset_room() called) holding what eq() finds equal to arg
 * under hash h, or the free slot where it goes (the caller fills it and
 * counts it in used).
 */
struct ev_islot *ev_iset_find(struct ev_iset *, uint64_t h,
	    bool (*eq)(const struct ev_islot *, const void *), const void *arg);
void	 ev_iset_release(struct ev_iset *);

#endif
