/*
 * ev_time.h -- FILETIME (100 ns ticks since 1601-01-01 UTC) conversions.
 *
 * Times are stored as FILETIME integers and printed as ISO 8601 UTC with
 * seven fractional digits and a Z: 2019-03-04T11:22:33.1234567Z.
 */
#ifndef EV_TIME_H
#define EV_TIME_H

#include <stddef.h>
#include <stdint.h>

#define EV_TIME_ISO_LEN	28	/* "YYYY-MM-DDTHH:MM:SS.fffffffZ" */

/* Writes the ISO form into buf (at least EV_TIME_ISO_LEN + 1 bytes). */
void	ev_time_iso(uint64_t filetime, char *buf);

/*
 * Parses ISO 8601: a date, optionally followed by T or space and
 * HH:MM[:SS[.fraction]], optionally followed by Z or +HH[:MM] / -HH[:MM].
 * No offset means UTC.  Returns 0 and sets *filetime, or -1.
 */
int	ev_time_parse(const char *s, uint64_t *filetime);

/* SYSTEMTIME fields to FILETIME; -1 when they are not a valid time. */
int	ev_time_from_fields(int year, int mon, int day, int hour, int min,
	    int sec, uint32_t ticks, uint64_t *filetime);

/* Seconds since 1970 for a FILETIME (floor). */
int64_t	ev_time_unix(uint64_t filetime);

#endif
