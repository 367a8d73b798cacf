/*
 * ac.h -- multi-pattern search over bytes (internal to the sigma module):
 * reports every occurrence of every pattern, as Aho-Corasick does, but
 * with hashed 3-byte prefixes (see ac.c for why).  Used twice: the shared
 * literal prefilter (one matcher per field over every rule's required
 * literals) and long value lists inside one rule.
 *
 * Built once, then read-only: scanning from several threads is safe.
 */
#ifndef SIGMA_AC_H
#define SIGMA_AC_H

#include <stddef.h>
#include <stdint.h>

struct sigma_ac;

/* A new empty builder; NULL when out of memory. */
struct sigma_ac *sigma_ac_new(void);
void	sigma_ac_free(struct sigma_ac *);

/* Patterns are at least this long, or one byte. */
#define SIGMA_AC_MIN	3

/*
 * Adds pattern s[0..len) (len >= SIGMA_AC_MIN, or 1) before
 * sigma_ac_build().
 * Returns its id: equal patterns share one id (ids count from 0 in order
 * of first addition).  Returns -1 when len is out of range, out of
 * memory or too many patterns.
 */
int32_t	sigma_ac_add(struct sigma_ac *, const char *s, size_t len);

/* Builds the lookup tables.  0 or EV_ENOMEM.  No adds afterwards. */
int	sigma_ac_build(struct sigma_ac *);

/* Length of pattern id. */
uint32_t sigma_ac_patlen(const struct sigma_ac *, uint32_t id);

/* Number of distinct patterns and bytes of memory held. */
uint32_t sigma_ac_npatterns(const struct sigma_ac *);
size_t	sigma_ac_memory(const struct sigma_ac *);

/*
 * Scans text; for every occurrence of a pattern calls fn(id, end, ctx)
 * where end is the offset just past the occurrence (in no particular
 * order), but for a one-byte pattern only at its first occurrence.  A
 * non-zero return of fn stops the scan and is returned; else 0.
 */
int	sigma_ac_scan(const struct sigma_ac *, const char *text, size_t len,
	    int (*fn)(uint32_t id, size_t end, void *ctx), void *ctx);

#endif
