/*
 * report_watched.c -- the watched binaries' summary of the report
 * (rp_analyse_watched()): how often each ran, with how many distinct
 * command lines, and the most frequent of them.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "baseline/baseline.h"
#include "ev_map.h"
#include "report/report_int.h"

/* Index of the watched binary a process event runs, or -1. */
static int
watched_of(const struct report *r, const struct ev_event *ev)
{
	const struct base_binary *b = base_identify(r->watch, ev, NULL);

	return b != NULL ? (int)(b - r->watch->bins) : -1;
}

/*
 * A distinct command line of a watched binary (rp_analyse_watched()): a slot
 * of an open-addressing table, one table a binary, that points at the
 * event's string instead of copying it.  16 bytes: on evidence whose
 * command lines all differ, the tables are most of the report's memory.
 */
struct wcount {
	const char	*cmd;		/* NULL: a free slot */
	uint32_t	 hash;
	uint32_t	 n;
};

struct wtable {
	struct wcount	*t;
	size_t		 cap, n;	/* slots (a power of two), used */
};

/* The slot of cmd in t (cap a power of two, never full). */
static struct wcount *
wc_slot(struct wcount *t, size_t cap, const char *cmd, uint32_t h)
{
	size_t i = h & (cap - 1);

	while (t[i].cmd != NULL && (t[i].hash != h ||
	    strcmp(t[i].cmd, cmd) != 0))
		i = (i + 1) & (cap - 1);
	return &t[i];
}

/*
 * Room in wt for one more command line (at most three quarters full);
 * false when out of memory.
 */
static bool
wc_room(struct wtable *wt)
{
	size_t ncap = wt->cap ? wt->cap * 2 : 64;
	struct wcount *nt;

	if (4 * (wt->n + 1) <= 3 * wt->cap)
		return true;
	if ((nt = calloc(ncap, sizeof(*nt))) == NULL)
		return false;
	for (size_t i = 0; i < wt->cap; i++)
		if (wt->t[i].cmd != NULL)
			*wc_slot(nt, ncap, wt->t[i].cmd, wt->t[i].hash) =
			    wt->t[i];
	free(wt->t);
	wt->t = nt;
	wt->cap = ncap;
	return true;
}

/* c into w's top command lines: most runs first, then by name. */
static void
wc_top(struct rp_watched *w, const struct wcount *c)
{
	size_t i = w->ntop < RP_TOP_CMDLINES ? w->ntop++ : RP_TOP_CMDLINES;

	w->distinct++;
	for (; i > 0; i--) {
		const struct rp_count *p = &w->top[i - 1];

		if (p->n > c->n || (p->n == c->n && strcmp(p->key,
		    c->cmd) < 0))
			break;
		if (i < RP_TOP_CMDLINES)
			w->top[i] = *p;
	}
	if (i < RP_TOP_CMDLINES)
		w->top[i] = (struct rp_count){ c->cmd, NULL, 0, c->n };
}

int
rp_analyse_watched(struct rp *rp)
{
	const struct report *r = rp->r;
	struct rp_watched *per = NULL;
	struct wtable *tabs = NULL;
	size_t nnames;
	int rc = EV_ENOMEM;

	if (r->watch == NULL)
		return 0;
	nnames = r->watch->nbins;
	if ((per = calloc(nnames + 1, sizeof(*per))) == NULL ||
	    (tabs = calloc(nnames + 1, sizeof(*tabs))) == NULL)
		goto out;
	for (size_t i = 0; i < r->run->nevents; i++) {
		const struct ev_event *ev = r->run->events[i];
		struct wcount *c;
		const char *cmd;
		uint32_t h;
		int w;

		ev_prefetch_cols(r->run->events, i, r->run->nevents);
		if (ev->kind != EV_KIND_PROCESS || (r->corr != NULL &&
		    corr_is_duplicate(r->corr, ev)))
			continue;
		if ((w = watched_of(r, ev)) < 0)
			continue;
		per[w].runs++;
		cmd = ev_col(ev, EV_COL_COMMAND_LINE) != NULL ?
		    ev_col(ev, EV_COL_COMMAND_LINE) : "";
		h = (uint32_t)ev_map_hash(cmd, strlen(cmd));
		if (!wc_room(&tabs[w]))
			goto out;
		if ((c = wc_slot(tabs[w].t, tabs[w].cap, cmd, h))->cmd ==
		    NULL) {
			*c = (struct wcount){ cmd, h, 0 };
			tabs[w].n++;
		}
		c->n++;
	}
	for (size_t w = 0; w < nnames; w++)
		for (size_t i = 0; i < tabs[w].cap; i++)
			if (tabs[w].t[i].cmd != NULL)
				wc_top(&per[w], &tabs[w].t[i]);
	for (size_t i = 0; i < nnames; i++)
		if (per[i].runs > 0)
			rp->nwatched++;
	if (rp->nwatched > 0 && (rp->watched = calloc(rp->nwatched,
	    sizeof(*rp->watched))) == NULL)
		goto out;
	/* watched.yml lists the binaries in any order: emit them by name */
	for (size_t i = 0, k = 0; i < nnames; i++)
		if (per[i].runs > 0) {
			rp->watched[k] = per[i];
			rp->watched[k++].binary = r->watch->bins[i].name;
		}
	for (size_t i = 1; i < rp->nwatched; i++)	/* insertion by name */
		for (size_t j = i; j > 0 && strcmp(rp->watched[j - 1].binary,
		    rp->watched[j].binary) > 0; j--) {
			struct rp_watched tmp = rp->watched[j];

			rp->watched[j] = rp->watched[j - 1];
			rp->watched[j - 1] = tmp;
		}
	rc = 0;
out:
	for (size_t w = 0; tabs != NULL && w < nnames; w++)
		free(tabs[w].t);
	free(tabs);
	free(per);
	return rc;
}

