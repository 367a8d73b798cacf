/*
 * ev_time.h -- FILETIME (100 ns ticks since 1601-01-01 UTC) conversions.
 *
 * Times are stored as FILETIME integers and printed as ISO 8601 with
 * seven fractional digits: in UTC with a Z (2019-03-04T11:22:33.1234567Z:
 * the database, JSON Lines, Timesketch), or, in the human formats (text,
 * HTML, CSV), in the display zone a command set with ev_time_set_zone(),
 * with its offset (2019-03-04T12:22:33.1234567+01:00).  ev_time_format()
 * is the one formatter every writer calls.
 *
 * Threads: ev_time_set_zone() before any thread starts; the rest is
 * thread-safe.
 */
#ifndef EV_TIME_H
#define EV_TIME_H

#include <stddef.h>
#include <stdint.h>

#define EV_TIME_ISO_LEN	28	/* "YYYY-MM-DDTHH:MM:SS.fffffffZ" */
#define EV_TIME_MAX_LEN	33	/* "YYYY-MM-DDTHH:MM:SS.fffffff+HH:MM" */

/* Writes the UTC form into buf (at least EV_TIME_ISO_LEN + 1 bytes). */
void	ev_time_iso(uint64_t filetime, char *buf);

#define EV_TIME_LOCAL	0x1	/* a human format: in the display zone */

/*
 * Writes filetime into buf (at least EV_TIME_MAX_LEN + 1 bytes) and
 * returns buf: the UTC form, or with EV_TIME_LOCAL the time in the
 * display zone with its offset at that instant ("+01:00"; still the UTC
 * form with its Z when no zone was set).
 */
char	*ev_time_format(uint64_t filetime, unsigned flags, char *buf);

/*
 * Sets the display zone: a name from the time zone database
 * ("Europe/Berlin", looked up in $TZDIR or /usr/share/zoneinfo), a POSIX
 * TZ string ("CET-1CEST,M3.5.0,M10.5.0/3"), or "UTC"; NULL or "" is UTC.
 * Returns 0, or -1 when zone names no zone (the zone is then unchanged).
 */
int	ev_time_set_zone(const char *zone);

/* Whether a zone other than UTC is set. */
int	ev_time_zone_set(void);

/*
 * Parses ISO 8601: a date, optionally followed by T or space and
 * HH:MM[:SS[.fraction]], optionally followed by Z or +HH[:MM] / -HH[:MM].
 * No offset means UTC.  Returns 0 and sets *filetime, or -1.
 */
int	ev_time_parse(const char *s, uint64_t *filetime);

/*
 * As ev_time_parse(), for the end of a window: a date alone (with or
 * without an offset) means the last tick of that day, so "--to
 * 2019-05-02" covers the whole day.  Returns 0 and sets *filetime, or -1.
 */
int	ev_time_parse_end(const char *s, uint64_t *filetime);

/* SYSTEMTIME fields to FILETIME; -1 when they are not a valid time. */
int	ev_time_from_fields(int year, int mon, int day, int hour, int min,
	    int sec, uint32_t ticks, uint64_t *filetime);

/* Seconds since 1970 for a FILETIME (floor). */
int64_t	ev_time_unix(uint64_t filetime);

#endif
