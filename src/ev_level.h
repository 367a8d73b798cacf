/*
 * ev_level.h -- the one severity scale of rules, baseline findings and
 * reports (Sigma's five levels, in order).
 *
 * EV_LEVEL_NONE (0) stands for "not given" (a rule without a level); the
 * levels compare as integers: informational < low < ... < critical.
 */
#ifndef EV_LEVEL_H
#define EV_LEVEL_H

enum ev_level {
	EV_LEVEL_NONE = 0,
	EV_LEVEL_INFORMATIONAL,
	EV_LEVEL_LOW,
	EV_LEVEL_MEDIUM,
	EV_LEVEL_HIGH,
	EV_LEVEL_CRITICAL,
};
#define EV_NLEVELS	6	/* NONE and the five */

/* "informational" ... "critical"; "" for NONE or a value out of range. */
const char	*ev_level_name(enum ev_level);

/* The level named name (case-insensitive), or EV_LEVEL_NONE. */
enum ev_level	 ev_level_parse(const char *name);

#endif
