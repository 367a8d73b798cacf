/*
 * base_events.h -- test helper for check_corr and check_base: builds
 * normalised events in memory, through ev_normalise(), from name/value
 * pairs as a reader would deliver them.
 */
#ifndef BASE_EVENTS_H
#define BASE_EVENTS_H

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ev_arena.h"
#include "event.h"

#define TEV_MAXPAIRS	32
#define TEV_SECOND	10000000ULL
/* 2020-01-01T00:00:00Z */
#define TEV_T0		132223104000000000ULL

/*
 * Collects the NULL-terminated name, value pairs of ap into pairs[]
 * (TEV_MAXPAIRS at most; more aborts the test program).  Returns how many.
 */
static inline uint32_t
tev_pairs(struct ev_pair *pairs, va_list ap)
{
	const char *name;
	uint32_t n = 0;

	while ((name = va_arg(ap, const char *)) != NULL) {
		if (n == TEV_MAXPAIRS)
			abort();
		pairs[n].name = name;
		pairs[n].value = va_arg(ap, const char *);
		n++;
	}
	return n;
}

/*
 * A new event in arena: provider/event id, computer, time (seconds after
 * TEV_T0, tenths allowed via ticks), record id, then NULL-terminated
 * name, value pairs.  Aborts the test program on failure.
 */
static inline struct ev_event *
tev_make(struct ev_arena *arena, const char *provider, uint32_t id,
    const char *computer, uint64_t ticks, uint64_t recid, ...)
{
	struct ev_pair pairs[TEV_MAXPAIRS];
	struct ev_record rec;
	struct ev_event *ev;
	va_list ap;
	uint32_t n;

	memset(&rec, 0, sizeof(rec));
	va_start(ap, recid);
	n = tev_pairs(pairs, ap);
	va_end(ap);
	rec.record_id = recid;
	rec.time = TEV_T0 + ticks;
	rec.event_id = id;
	rec.provider = provider;
	rec.channel = strcmp(provider, EV_PROVIDER_SYSMON) == 0 ?
	    "Microsoft-Windows-Sysmon/Operational" : "Security";
	rec.computer = computer;
	rec.kind = ev_classify(provider, strlen(provider), id);
	rec.data = pairs;
	rec.ndata = n;
	ev = ev_arena_calloc(arena, sizeof(*ev));
	if (ev == NULL || ev_normalise(&rec, arena, ev) != 0)
		abort();
	return ev;
}

#define TEV_SYSMON(a, id, comp, t, rec, ...) \
	tev_make((a), EV_PROVIDER_SYSMON, (id), (comp), (t), (rec), __VA_ARGS__)
#define TEV_SEC(a, id, comp, t, rec, ...) \
	tev_make((a), EV_PROVIDER_SECURITY, (id), (comp), (t), (rec), __VA_ARGS__)

#endif
