/*
 * prefilter_int.h -- what sigma_compile() (prefilter.c) and the build of
 * the field scans (scans.c) share.  Internal to src/sigma/.
 */
#ifndef SIGMA_PREFILTER_INT_H
#define SIGMA_PREFILTER_INT_H

#include "sigma_int.h"

/* A literal test of a rule, answered by the scan of its field. */
struct tref {
	uint32_t	 field, rule;
	struct test	*t;
};

struct trefs {
	struct tref	*v;
	size_t		 n, cap;
};

/*
 * Whether the field scans serve rule r on events of source index si: it
 * applies there, and on 4688 reads Sysmon names (rules under native
 * names, service: security, resolve fields unlike the scan).
 */
static inline bool
scan_serves(const struct sigma_set *s, const struct sigma_rule *r,
    uint32_t si)
{
	unsigned cls = s->cls_of[si];

	return sigma_srcset_has(&r->sources, cls) &&
	    (cls != LS_4688 || r->compiled->map4688);
}

/* Whether the scans serve rule r on some source index. */
static inline bool
scan_serves_any(const struct sigma_set *s, const struct sigma_rule *r)
{
	for (uint32_t si = 0; si < s->nsi; si++)
		if (scan_serves(s, r, si))
			return true;
	return false;
}

/*
 * The fields each source scans (used[field * nsi + si]: a need literal or
 * a literal test of a rule the scan serves is there) and their scan
 * automata.  0 or EV_ENOMEM.
 */
int	 sigma_scan_fields(struct sigma_set *, const struct trefs *,
	    bool *used);

#endif
