/*
 * ac.h -- Aho-Corasick multi-pattern automaton over bytes (internal to
 * the sigma module).  Used twice: the shared literal prefilter (one
 * automaton per field over every rule's required literals) and long
 * value lists inside one rule.
 *
 * The automaton is a full DFA over byte classes (bytes that occur in no
 * pattern share one class), so scanning is one table lookup per byte.
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

/*
 * Adds pattern s[0..len) (len >= 1) before sigma_ac_build().  Returns its
 * id: equal patterns share one id (ids count from 0 in order of first
 * addition).  Returns -1 when out of memory or too many states.
 */
int32_t	sigma_ac_add(struct sigma_ac *, const char *s, size_t len);

/* Computes the DFA.  0 or EV_ENOMEM.  No adds afterwards. */
int	sigma_ac_build(struct sigma_ac *);

/* Number of distinct patterns and of DFA bytes (memory). */
uint32_t sigma_ac_npatterns(const struct sigma_ac *);
size_t	sigma_ac_memory(const struct sigma_ac *);

/*
 * Scans text; for every occurrence of a pattern calls fn(id, end, ctx)
 * where end is the offset just past the occurrence.  A non-zero return
 * of fn stops the scan and is returned; else 0.
 */
int	sigma_ac_scan(const struct sigma_ac *, const char *text, size_t len,
	    int (*fn)(uint32_t id, size_t end, void *ctx), void *ctx);

#endif
