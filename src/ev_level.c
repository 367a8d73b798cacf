/*
 * ev_level.c -- level names (see ev_level.h).
 */
#include <strings.h>

#include "ev_level.h"

static const char *const level_names[EV_NLEVELS] = {
	"", "informational", "low", "medium", "high", "critical",
};

const char *
ev_level_name(enum ev_level l)
{
	return (unsigned)l < EV_NLEVELS ? level_names[l] : "";
}

enum ev_level
ev_level_parse(const char *name)
{
	for (int i = EV_LEVEL_INFORMATIONAL; i < EV_NLEVELS; i++)
		if (strcasecmp(name, level_names[i]) == 0)
			return (enum ev_level)i;
	return EV_LEVEL_NONE;
}
