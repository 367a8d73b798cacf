/*
 * report_hosts.c -- the hosts of a report (rp_hosts_begin(), report_int.h):
 * per computer, its telemetry counters, log clears and findings.
 *
 * The events are counted in stretches on the report's threads, each with
 * its own hosts in order of appearance; summing the stretches in order
 * then numbers the hosts, keeps their first computer string and lists the
 * clears as one pass over every event would.
 */
#include <stdlib.h>
#include <string.h>

#include "ev_map.h"
#include "ev_util.h"
#include "report/report_int.h"

#define STRETCH_MIN	16384	/* events: fewer are one stretch */

struct hstretch {
	size_t			 from, to;
	struct ev_map		 hm;		/* computer -> index */
	struct rp_host		*hosts;		/* order of appearance */
	size_t			 nhosts, cap;
	const struct ev_event	**clears;
	size_t			 nclears, clcap;
	uint64_t		 first, last;	/* event times, 0: none */
	int			 rc;
};

struct rp_hwalk {
	const struct ingest_run	*run;
	struct hstretch		*st;
	unsigned		 n;
};

/* The telemetry counters of one event's host. */
static void
count_event(struct rp_host *h, const struct ev_event *ev)
{
	if (ev->kind != EV_KIND_PROCESS && ev_examinable(ev))
		h->other_exam++;
	switch (ev->kind) {
	case EV_KIND_PROCESS:
		if (ev->event_id == 1) {
			h->sysmon1++;
			break;
		}
		h->sec4688++;
		h->tmpl[ev->version < 3 ? ev->version : 3]++;
		if (ev_col(ev, EV_COL_COMMAND_LINE) != NULL &&
		    ev_col(ev, EV_COL_COMMAND_LINE)[0] != '\0')
			h->sec4688_cmd++;
		break;
	case EV_KIND_NETWORK:
		h->sysmon3++;
		break;
	case EV_KIND_IMAGE_LOAD:
		h->sysmon7++;
		break;
	case EV_KIND_SCRIPT:
		h->ps4104++;
		break;
	case EV_KIND_SERVICE:
		h->services++;
		break;
	case EV_KIND_TASK:
		if (ev_is_tasksched(ev))
			h->tasksched++;
		else
			h->tasks++;
		break;
	case EV_KIND_DNS:
		h->sysmon22++;
		break;
	case EV_KIND_FILE:
		h->sysmon11++;
		break;
	case EV_KIND_REMOTE_THREAD:
		h->sysmon8++;
		break;
	case EV_KIND_PROCESS_ACCESS:
		h->sysmon10++;
		break;
	case EV_KIND_DRIVER_LOAD:
		h->sysmon6++;
		break;
	case EV_KIND_REGISTRY:
		h->sysmon12_14++;
		break;
	case EV_KIND_STREAM_HASH:
		h->sysmon15++;
		break;
	case EV_KIND_PIPE:
		h->sysmon17_18++;
		break;
	case EV_KIND_POWERSHELL:
		if (ev->event_id == 4103)
			h->ps4103++;
		else
			h->psclassic++;
		break;
	case EV_KIND_WMI:
		h->wmi++;
		break;
	case EV_KIND_PROCESS_EXIT:
		if (ev->event_id == 5)
			h->sysmon5++;
		else
			h->sec4689++;
		break;
	default:
		break;
	}
}

/* Time t into the span [*first, *last]; a time of 0 is none. */
static void
times(uint64_t *first, uint64_t *last, uint64_t t)
{
	if (t != 0 && (*first == 0 || t < *first))
		*first = t;
	if (t > *last)
		*last = t;
}

/* s's counters added to d's, and their times. */
static void
host_add(struct rp_host *d, const struct rp_host *s)
{
#define ADD(f)	d->f += s->f
	times(&d->first, &d->last, s->first);
	times(&d->first, &d->last, s->last);
	ADD(events);
	ADD(sysmon1); ADD(sysmon3); ADD(sysmon5); ADD(sysmon7);
	ADD(sec4688); ADD(sec4688_cmd); ADD(sec4689);
	for (int i = 0; i < 4; i++)
		ADD(tmpl[i]);
	ADD(clears);
	ADD(ps4104); ADD(services); ADD(tasks); ADD(ps4103); ADD(wmi);
	ADD(psclassic); ADD(sysmon22); ADD(sysmon11); ADD(sysmon8);
	ADD(sysmon10); ADD(tasksched); ADD(sysmon6); ADD(sysmon12_14);
	ADD(sysmon15); ADD(sysmon17_18); ADD(other_exam);
	ADD(findings);
	for (int i = 0; i < EV_NLEVELS; i++)
		ADD(byl[i]);
#undef ADD
}
/* a counter added to struct rp_host must be added above too */
_Static_assert(sizeof(struct rp_host) == sizeof(const char *) +
    (32 + EV_NLEVELS) * sizeof(uint64_t), "host_add() adds every counter");

struct rp_hwalk *
rp_hosts_begin(struct rp *rp, unsigned jobs, unsigned *n)
{
	const struct ingest_run *run = rp->r->run;
	struct rp_hwalk *w = calloc(1, sizeof(*w));
	size_t ns = run->nevents / STRETCH_MIN;

	if (ns > jobs)
		ns = jobs;
	if (ns == 0)
		ns = 1;
	if (w == NULL || (w->st = calloc(ns, sizeof(*w->st))) == NULL) {
		free(w);
		return NULL;
	}
	w->run = run;
	w->n = (unsigned)ns;
	for (size_t t = 0; t < ns; t++) {
		w->st[t].from = run->nevents / ns * t;
		w->st[t].to = t + 1 == ns ? run->nevents :
		    run->nevents / ns * (t + 1);
		ev_map_init(&w->st[t].hm);
	}
	*n = w->n;
	return w;
}

void
rp_hosts_stretch(struct rp_hwalk *w, unsigned t)
{
	struct hstretch *st = &w->st[t];
	struct ev_event *const *events = w->run->events;
	const char *last = NULL;
	uint32_t lastidx = 0;

	for (size_t i = st->from; i < st->to; i++) {
		const struct ev_event *ev;
		const char *comp;
		struct ev_map_ent *e;
		struct rp_host *h;
		bool isnew;

		ev_prefetch_cols(events, i, st->to);
		ev = events[i];
		comp = ev_col(ev, EV_COL_COMPUTER) != NULL ?
		    ev_col(ev, EV_COL_COMPUTER) : "";
		times(&st->first, &st->last, ev->time);
		/* computer names are shared strings: the last one again
		   needs no look-up */
		if (comp != last) {
			if ((e = ev_map_put(&st->hm, comp, strlen(comp),
			    &isnew)) == NULL || (isnew && EV_GROW(st->hosts,
			    st->nhosts, st->cap, 16) != 0)) {
				st->rc = EV_ENOMEM;
				return;
			}
			if (isnew) {
				e->idx = (uint32_t)st->nhosts;
				memset(&st->hosts[st->nhosts], 0, sizeof(*h));
				st->hosts[st->nhosts++].computer = comp;
			}
			last = comp;
			lastidx = e->idx;
		}
		h = &st->hosts[lastidx];
		h->events++;
		times(&h->first, &h->last, ev->time);
		count_event(h, ev);
		if (ev->kind == EV_KIND_LOG_CLEAR) {
			h->clears++;
			if (EV_GROW(st->clears, st->nclears, st->clcap, 8) !=
			    0) {
				st->rc = EV_ENOMEM;
				return;
			}
			st->clears[st->nclears++] = ev;
		}
	}
}

static int
cmp_host(const void *a, const void *b)
{
	return strcmp(((const struct rp_host *)a)->computer,
	    ((const struct rp_host *)b)->computer);
}

/* The stretches summed into rp: hosts, clears, times; 0 or EV_ENOMEM. */
static int
sum_stretches(struct rp *rp, struct rp_hwalk *w, struct ev_map *hm)
{
	size_t cap = 0, clcap = 0;

	for (unsigned t = 0; t < w->n; t++) {
		struct hstretch *st = &w->st[t];

		if (st->rc != 0)
			return st->rc;
		times(&rp->first, &rp->last, st->first);
		times(&rp->first, &rp->last, st->last);
		for (size_t k = 0; k < st->nhosts; k++) {
			const char *comp = st->hosts[k].computer;
			struct ev_map_ent *e;
			bool isnew;

			if ((e = ev_map_put(hm, comp, strlen(comp),
			    &isnew)) == NULL || (isnew && EV_GROW(rp->hosts,
			    rp->nhosts, cap, 16) != 0))
				return EV_ENOMEM;
			if (isnew) {
				e->idx = (uint32_t)rp->nhosts;
				memset(&rp->hosts[rp->nhosts], 0,
				    sizeof(*rp->hosts));
				rp->hosts[rp->nhosts++].computer = comp;
			}
			host_add(&rp->hosts[e->idx], &st->hosts[k]);
		}
		for (size_t k = 0; k < st->nclears; k++) {
			if (EV_GROW(rp->clears, rp->nclears, clcap, 8) != 0)
				return EV_ENOMEM;
			rp->clears[rp->nclears++] = st->clears[k];
		}
	}
	return 0;
}

int
rp_hosts_finish(struct rp *rp, struct rp_hwalk *w)
{
	struct ev_map hm = EV_MAP_INIT;
	struct ev_map_ent *e = NULL;
	const char *last = NULL;
	int rc = sum_stretches(rp, w, &hm);

	/* findings per host: computer names are shared strings, so the
	   last one again needs no look-up (as in rp_hosts_stretch()) */
	for (size_t i = 0; rc == 0 && i < rp->r->nfindings; i++) {
		const struct finding *f = &rp->r->findings[i];
		const char *comp = ev_col(f->ev, EV_COL_COMPUTER) != NULL ?
		    ev_col(f->ev, EV_COL_COMPUTER) : "";

		if (comp != last)
			e = ev_map_get(&hm, comp, strlen(comp));
		last = comp;
		if (e == NULL)
			continue;
		rp->hosts[e->idx].findings++;
		if ((unsigned)f->level < EV_NLEVELS)
			rp->hosts[e->idx].byl[f->level]++;
	}
	if (rc == 0 && rp->nhosts > 0)
		ev_qsort(rp->hosts, rp->nhosts, sizeof(*rp->hosts), cmp_host);
	for (unsigned t = 0; t < w->n; t++) {
		ev_map_release(&w->st[t].hm);
		free(w->st[t].hosts);
		free(w->st[t].clears);
	}
	free(w->st);
	free(w);
	ev_map_release(&hm);
	return rc;
}
