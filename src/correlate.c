/*
 * correlate.c -- process trees over the events of a run; see correlate.h.
 *
 * One pass in time order fills three maps: GUID (computer, ProcessGuid)
 * -> node, PID (computer, pid) -> the latest live node with that pid,
 * and event pointer -> node.  A second pass resolves 4688/Sysmon twins
 * and lays children, network and image-load lists out as arrays (CSR).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ev_map.h"
#include "correlate.h"
#include "corr_index.h"
#include "corr_int.h"
#include "corr_part.h"
#include "corr_task.h"
#include "ev_buf.h"
#include "ev_par.h"
#include "ev_util.h"

#define CHAIN_GUARD	CORR_DEPTH_MAX	/* bound on walks over crafted trees */

/* "computer\x1fcommand line" (the line as logged) into b */
static bool
cmd_key(struct ev_buf *b, const struct ev_event *ev)
{
	return corr_key_as(b, ev, ev_col(ev, EV_COL_COMMAND_LINE), false);
}

static uint32_t
lookup(const struct ev_map *m, const struct ev_buf *b)
{
	const struct ev_map_ent *e = ev_map_get(m, b->buf, b->len);

	return e != NULL ? e->idx : NONE;
}

static bool
same_image(const char *a, const char *b)
{
	return a == b || a == NULL || b == NULL || *a == '\0' ||
	    *b == '\0' || strcasecmp(a, b) == 0;
}

struct build {
	struct corr	*c;
	struct ev_map	 guid, pid;
	struct ev_map	 cmd;		/* (computer, command line) -> the
					   latest process node */
	struct ev_buf	 key;
	struct att	*att;
	size_t		 natt;
};

static int
set_key(struct build *b, struct ev_map *m, uint32_t node)
{
	struct ev_map_ent *e = ev_map_put(m, b->key.buf, b->key.len, NULL);

	if (e == NULL)
		return EV_ENOMEM;
	e->idx = node;
	return 0;
}

/* The live process with ev's (computer, pid col); NONE if none fits. */
static uint32_t
by_pid(struct build *b, const struct ev_event *ev, enum ev_col pidcol,
    const char *image)
{
	uint32_t n;

	if (!corr_key(&b->key, ev, ev_col(ev, pidcol)))
		return NONE;
	n = lookup(&b->pid, &b->key);
	if (n == NONE || !same_image(b->c->procs[n].image, image))
		return NONE;
	return n;
}

/* ev, the k-th process creation of the run, as node k. */
static int
add_process(struct build *b, struct ev_event *ev, uint32_t k)
{
	struct corr *c = b->c;
	uint32_t p = NONE, q;
	struct proc *np = &c->procs[k];

	np->ev = ev;
	np->exit = NULL;
	np->image = ev_col(ev, EV_COL_IMAGE);
	np->canon = k;
	np->sysmon = ev->event_id == 1;

	if (np->sysmon && corr_key(&b->key, ev,
	    ev_col(ev, EV_COL_PARENT_PROCESS_GUID)))
		p = lookup(&b->guid, &b->key);
	if (p == NONE)
		p = by_pid(b, ev, EV_COL_PARENT_PID,
		    ev_col(ev, EV_COL_PARENT_IMAGE));
	np->parent = p;

	/*
	 * The same process in Sysmon 1 and 4688, or in two copies of one
	 * 4688 (a Security log and its forwarded or cleared-and-saved copy:
	 * other record ids, so not merged by the reader)?  The pid map holds
	 * the latest node only, so a copy is folded into the node already
	 * there and leaves the map to it: a Sysmon 1 then finds the first
	 * 4688, and a Sysmon 1 that came first takes every copy.
	 */
	q = by_pid(b, ev, EV_COL_PID, NULL);
	if (q != NONE) {
		struct proc *qp = &c->procs[q];
		bool same = qp->canon == q && qp->image != NULL &&
		    np->image != NULL && (qp->image == np->image ||
		    strcasecmp(qp->image, np->image) == 0);

		if (same && qp->sysmon != np->sysmon &&
		    ev_tdiff(qp->ev->time, ev->time) <= CORR_DUP_WINDOW) {
			if (np->sysmon && qp->ev->dup_record == 0 &&
			    ev->dup_record == 0) {
				qp->canon = k;
				ev->dup_record = qp->ev->record_id;
			} else if (!np->sysmon) {
				np->canon = q;
				if (qp->ev->dup_record == 0)
					qp->ev->dup_record = ev->record_id;
				return 0;	/* the map keeps the Sysmon */
			}
		} else if (same && !qp->sysmon && !np->sysmon &&
		    qp->ev->time == ev->time && ev_str_eq(ev_col(qp->ev, 
		    EV_COL_COMMAND_LINE), ev_col(ev, EV_COL_COMMAND_LINE))) {
			np->canon = q;	/* a copy of the 4688 q */
			return 0;	/* the map keeps the first */
		}
	}
	if (np->sysmon && corr_key(&b->key, ev, ev_col(ev,
	    EV_COL_PROCESS_GUID)))
		if (set_key(b, &b->guid, k) != 0)
			return EV_ENOMEM;
	if (corr_key(&b->key, ev, ev_col(ev, EV_COL_PID)))
		if (set_key(b, &b->pid, k) != 0)
			return EV_ENOMEM;
	/* PowerShell hosts, for by_cmd() (only they: the map costs) */
	if (corr_is_powershell(ev_col(ev, EV_COL_IMAGE)) &&
	    cmd_key(&b->key, ev))
		if (set_key(b, &b->cmd, k) != 0)
			return EV_ENOMEM;
	return 0;
}

/* The process whose command line a PowerShell event names as its host. */
static uint32_t
by_cmd(struct build *b, const struct ev_event *ev)
{
	return cmd_key(&b->key, ev) ? lookup(&b->cmd, &b->key) : NONE;
}

/* The node a Sysmon 3/5/7 or 4689 event belongs to, or NONE. */
static uint32_t
owner(struct build *b, const struct ev_event *ev)
{
	uint32_t n = NONE;

	if (ev->event_id != 4689 &&
	    corr_key(&b->key, ev, ev_col(ev, EV_COL_PROCESS_GUID)))
		n = lookup(&b->guid, &b->key);
	if (n == NONE)
		n = by_pid(b, ev, EV_COL_PID, ev_col(ev, EV_COL_IMAGE));
	return n == NONE ? NONE : b->c->procs[n].canon;
}

static void
end_process(struct build *b, const struct ev_event *ev)
{
	struct corr *c = b->c;
	uint32_t n = owner(b, ev);
	struct ev_map_ent *e;

	if (n == NONE)
		return;
	if (c->procs[n].exit == NULL)
		c->procs[n].exit = ev;
	/* a later creation with this pid is a new process */
	if (corr_key(&b->key, c->procs[n].ev, ev_col(c->procs[n].ev,
	    EV_COL_PID))
	    && (e = ev_map_get(&b->pid, b->key.buf, b->key.len)) != NULL &&
	    e->idx != NONE && c->procs[e->idx].canon == n)
		e->idx = NONE;
}

/* Counting sort of (node, event) pairs into a CSR list. */
static int
layout(struct list *l, size_t nprocs, const struct att *a, size_t na)
{
	l->off = ev_big_calloc(nprocs + 1, sizeof(*l->off));
	l->ev = na ? ev_big_calloc(na, sizeof(*l->ev)) : NULL;
	if (l->off == NULL || (na && l->ev == NULL))
		return EV_ENOMEM;
	for (size_t i = 0; i < na; i++)
		l->off[a[i].node + 1]++;
	for (size_t i = 0; i < nprocs; i++)
		l->off[i + 1] += l->off[i];
	for (size_t i = 0; i < na; i++)
		l->ev[l->off[a[i].node]++] = a[i].ev;
	for (size_t i = nprocs; i > 0; i--)
		l->off[i] = l->off[i - 1];
	l->off[0] = 0;
	return 0;
}

/*
 * Every node's depth (ancestors, at most CHAIN_GUARD; CHAIN_GUARD on a
 * cycle) in O(nprocs): a walk stops at the first node already known and
 * sets the nodes it passed on the way back.
 */
static int
depths(struct corr *c)
{
	enum { UNKNOWN, ON_PATH, DONE };
	uint8_t *state = calloc(c->nprocs ? c->nprocs : 1, 1);
	uint32_t *path = calloc(c->nprocs ? c->nprocs : 1, sizeof(*path));

	if (state == NULL || path == NULL) {
		free(state);
		free(path);
		return EV_ENOMEM;
	}
	for (size_t i = 0; i < c->nprocs; i++) {
		uint32_t a = (uint32_t)i, d;
		size_t k = 0;

		while (a != NONE && state[a] == UNKNOWN) {
			state[a] = ON_PATH;
			path[k++] = a;
			a = c->procs[a].parent;
		}
		/* d: the depth of the node above the path's top, plus one */
		if (a == NONE)
			d = 0;
		else if (state[a] == DONE)
			d = c->procs[a].depth + 1;
		else
			d = CHAIN_GUARD;	/* a cycle */
		while (k > 0) {
			a = path[--k];
			c->procs[a].depth = d < CHAIN_GUARD ? d : CHAIN_GUARD;
			state[a] = DONE;
			d = c->procs[a].depth + 1;
		}
	}
	free(state);
	free(path);
	return 0;
}

static void
list_free(struct list *l)
{
	ev_big_free(l->off);
	ev_big_free(l->ev);
}

/* ---- WMI subscriptions: filter, consumer and binding by name ---- */

/* "computer\x1fname" of a WMI name (case-insensitive, as WMI's). */
static bool
wmi_key(struct ev_buf *b, const struct ev_event *ev, enum ev_col col)
{
	return corr_key(b, ev, ev_col(ev, col));
}

/* The event m holds for ev's computer and name col, or NULL. */
static const struct ev_event *
wmi_get(const struct ev_map *m, struct ev_buf *key,
    struct ev_event *const *events, const struct ev_event *ev,
    enum ev_col col)
{
	uint32_t i;

	if (ev == NULL || !wmi_key(key, ev, col) ||
	    (i = lookup(m, key)) == NONE)
		return NULL;
	return events[i];
}

/* The latest event of each name: into m (one of the four below). */
static int
wmi_put(struct ev_map *m, struct ev_buf *key, const struct ev_event *ev,
    enum ev_col col, uint32_t i)
{
	struct ev_map_ent *e;

	if (!wmi_key(key, ev, col))
		return ev_buf_failed(key) ? EV_ENOMEM : 0;
	if ((e = ev_map_put(m, key->buf, key->len, NULL)) == NULL)
		return EV_ENOMEM;
	e->idx = i;
	return 0;
}

/*
 * c->wmi: per WMI event, the latest filter (19) and consumer (20) of its
 * computer with the names it has or its binding names, the latest
 * binding (21) of those names and the latest 5861 of the consumer.
 * Five maps, one pass to fill them and one to read them: linear in the
 * events, whatever the names.
 */
static int
wmi_join(struct corr *c, struct ev_event *const *events, size_t n)
{
	struct ev_map m[5];	/* filters, consumers, bindings by consumer,
				   bindings by filter, 5861s by consumer */
	struct ev_buf key = EV_BUF_INIT;
	size_t nw = 0;
	int rc = EV_ENOMEM;

	for (size_t i = 0; i < n; i++)
		if (events[i]->kind == EV_KIND_WMI)
			nw++;
	if (nw == 0)
		return 0;
	if ((c->wmi = calloc(nw, sizeof(*c->wmi))) == NULL)
		return EV_ENOMEM;
	for (int k = 0; k < 5; k++)
		ev_map_init(&m[k]);
	nw = 0;
	for (size_t i = 0; i < n && n <= NONE; i++) {
		const struct ev_event *ev = events[i];
		struct ev_map_ent *e;
		uint32_t id = (uint32_t)i;

		if (ev->kind != EV_KIND_WMI)
			continue;
		if ((e = ev_map_put(&c->wmiptr, &ev, sizeof(ev), NULL)) == NULL)
			goto out;
		e->idx = (uint32_t)nw;
		c->wmi[nw++].binding = ev;	/* the event, until below */
		if ((ev->event_id == 19 &&
		    wmi_put(&m[0], &key, ev, EV_COL_WMI_FILTER, id) != 0) ||
		    (ev->event_id == 20 &&
		    wmi_put(&m[1], &key, ev, EV_COL_WMI_CONSUMER, id) != 0) ||
		    (ev->event_id == 21 &&
		    (wmi_put(&m[2], &key, ev, EV_COL_WMI_CONSUMER, id) != 0 ||
		    wmi_put(&m[3], &key, ev, EV_COL_WMI_FILTER, id) != 0)) ||
		    (ev->event_id == 5861 &&
		    wmi_put(&m[4], &key, ev, EV_COL_WMI_CONSUMER, id) != 0))
			goto out;
	}
	for (size_t w = 0; w < nw; w++) {
		const struct ev_event *ev = c->wmi[w].binding, *b = ev, *fe, *ce;

		if (ev->event_id != 21) {
			b = wmi_get(&m[2], &key, events, ev, EV_COL_WMI_CONSUMER);
			if (b == NULL)
				b = wmi_get(&m[3], &key, events, ev,
				    EV_COL_WMI_FILTER);
		}
		fe = ev_col(ev, EV_COL_WMI_FILTER) != NULL ? ev : b;
		ce = ev_col(ev, EV_COL_WMI_CONSUMER) != NULL ? ev : b;
		c->wmi[w].binding = b;
		c->wmi[w].filter = wmi_get(&m[0], &key, events, fe,
		    EV_COL_WMI_FILTER);
		c->wmi[w].consumer = wmi_get(&m[1], &key, events, ce,
		    EV_COL_WMI_CONSUMER);
		c->wmi[w].registered = wmi_get(&m[4], &key, events, ce,
		    EV_COL_WMI_CONSUMER);
	}
	rc = ev_buf_failed(&key) ? EV_ENOMEM : 0;
out:
	for (int k = 0; k < 5; k++)
		ev_map_release(&m[k]);
	ev_buf_release(&key);
	return rc;
}

/*
 * The process a DNS query, file creation, task or PowerShell 4103 event
 * belongs to, or NONE: a task's pid is its registering process's (not
 * an instance of the action it names, so no image check); 4103 logs no
 * pid, only its host's command line.
 */
static uint32_t
act_owner(struct build *b, const struct ev_event *ev)
{
	if (ev->kind == EV_KIND_TASK)
		return by_pid(b, ev, EV_COL_PID, NULL);
	if (ev->kind == EV_KIND_POWERSHELL)
		return by_cmd(b, ev);
	return owner(b, ev);
}

/* Attachments a[0..n) point at kept nodes; their events at the process. */
static void
attach(struct corr *c, struct att *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		a[i].node = c->procs[a[i].node].canon;
		((struct ev_event *)a[i].ev)->process = c->procs[a[i].node].ev;
	}
}

/*
 * One thread's share of the first pass: the events of some hosts (part;
 * NULL: every event), with maps of its own, into the shared nodes (each
 * process creation has its node number already) and its own regions of
 * the attachment arrays.
 */
struct pass {
	struct build		 b;		/* maps and key; b.c shared */
	struct ev_event		**events;
	const struct corr_part	*part;
	size_t			 n;
	struct att		*net, *loads, *acts;	/* [n] each */
	size_t			 nnet, nloads, nacts;
	int			 rc;
};

/* The pass's j-th event. */
static struct ev_event *
pass_event(const struct pass *ps, size_t j)
{
	return ps->events[ps->part != NULL ? ps->part->idx[j] : j];
}

static void
first_pass(void *arg, unsigned t)
{
	struct pass *ps = &((struct pass *)arg)[t];
	struct build *b = &ps->b;
	uint32_t k = 0, o;

	for (size_t j = 0; j < ps->n && ps->rc == 0; j++) {
		struct ev_event *ev = pass_event(ps, j);

		/* the events are far apart: fetch ahead (event.h) */
		if (j + EV_PREFETCH < ps->n)
			__builtin_prefetch(pass_event(ps, j + EV_PREFETCH));
		if (j + EV_PREFETCH / 2 < ps->n)
			__builtin_prefetch(pass_event(ps, j +
			    EV_PREFETCH / 2)->colv);
		switch (ev->kind) {
		case EV_KIND_PROCESS:
			ps->rc = add_process(b, ev, ps->part != NULL ?
			    ps->part->rank[j] : k++);
			break;
		case EV_KIND_PROCESS_EXIT:
			end_process(b, ev);
			break;
		case EV_KIND_NETWORK:
		case EV_KIND_IMAGE_LOAD:
			if ((o = owner(b, ev)) == NONE)
				break;
			if (ev->kind == EV_KIND_NETWORK)
				ps->net[ps->nnet++] = (struct att){ o, ev };
			else
				ps->loads[ps->nloads++] = (struct att){ o, ev };
			break;
		case EV_KIND_DNS:
		case EV_KIND_FILE:
		case EV_KIND_REMOTE_THREAD:
		case EV_KIND_PROCESS_ACCESS:
		case EV_KIND_REGISTRY:
		case EV_KIND_STREAM_HASH:
		case EV_KIND_PIPE:
		case EV_KIND_TASK:
		case EV_KIND_POWERSHELL:
			if ((o = act_owner(b, ev)) != NONE)
				ps->acts[ps->nacts++] = (struct att){
				    b->c->procs[o].canon, ev };
			break;
		}
	}
	if (ev_buf_failed(&b->key))
		ps->rc = EV_ENOMEM;
	ev_map_release(&b->guid);
	ev_map_release(&b->pid);
	ev_map_release(&b->cmd);
	ev_buf_release(&b->key);
}

/*
 * The first pass over events[0..n), on up to jobs threads (by host:
 * corr_part.h), its attachments gathered into the arrays of b (each n
 * long) in the order of the passes: a node's attachments keep their
 * order, as layout() needs.  0 or EV_ENOMEM.
 */
static int
first_passes(struct build *b, struct ev_event **events, size_t n,
    unsigned jobs, struct att *loads, size_t *nloads, struct att *acts,
    size_t *nacts)
{
	struct corr_part *parts = NULL;
	struct pass *ps;
	unsigned np = 1;
	size_t off = 0;
	int rc = 0;

	if (jobs > 1 && corr_partition(events, n, jobs, &parts, &np) != 0)
		return EV_ENOMEM;
	if ((ps = calloc(np, sizeof(*ps))) == NULL) {
		corr_part_free(parts, np);
		return EV_ENOMEM;
	}
	for (unsigned t = 0; t < np; t++) {	/* calloc: empty maps */
		ps[t].b.c = b->c;
		ev_buf_init(&ps[t].b.key);
		ps[t].events = events;
		ps[t].part = parts != NULL ? &parts[t] : NULL;
		ps[t].n = parts != NULL ? parts[t].n : n;
		ps[t].net = b->att + off;
		ps[t].loads = loads + off;
		ps[t].acts = acts + off;
		off += ps[t].n;
	}
	ev_par_for(np, np, first_pass, ps);
	for (unsigned t = 0; t < np; t++) {
		rc = ps[t].rc != 0 ? ps[t].rc : rc;
		memmove(b->att + b->natt, ps[t].net, ps[t].nnet *
		    sizeof(*acts));
		memmove(loads + *nloads, ps[t].loads, ps[t].nloads *
		    sizeof(*acts));
		memmove(acts + *nacts, ps[t].acts, ps[t].nacts *
		    sizeof(*acts));
		b->natt += ps[t].nnet;
		*nloads += ps[t].nloads;
		*nacts += ps[t].nacts;
	}
	free(ps);
	corr_part_free(parts, np);
	return rc;
}

int
corr_build_jobs(struct ev_event **events, size_t n, unsigned jobs,
    struct corr **out, struct ev_err *err)
{
	struct build b;
	struct att *loads = NULL, *kids = NULL, *acts = NULL;
	struct ev_event **acting = NULL;
	size_t nprocs = 0, nloads = 0, nkids = 0, nacts = 0, nacting = 0,
	    actcap = 0;
	int rc = EV_ENOMEM;

	memset(&b, 0, sizeof(b));
	if ((b.c = calloc(1, sizeof(*b.c))) == NULL)
		goto out;
	ev_map_init(&b.c->wmiptr);
	/* the processes counted, and the few events the passes after the
	   trees read listed (in output order), so they look at no other */
	for (size_t i = 0; i < n; i++) {
		enum ev_kind k;

		ev_prefetch(events, i, n);
		if ((k = events[i]->kind) == EV_KIND_PROCESS)
			nprocs++;
		else if (k == EV_KIND_WMI || k == EV_KIND_SERVICE ||
		    k == EV_KIND_TASK || k == EV_KIND_SCRIPT) {
			if (EV_GROW(acting, nacting, actcap, 64) != 0)
				goto out;
			acting[nacting++] = events[i];
		}
	}
	b.c->procs = ev_big_calloc(nprocs ? nprocs : 1, sizeof(*b.c->procs));
	b.att = ev_big_calloc(n ? n : 1, sizeof(*b.att));
	loads = ev_big_calloc(n ? n : 1, sizeof(*loads));
	acts = ev_big_calloc(n ? n : 1, sizeof(*acts));
	if (b.c->procs == NULL || b.att == NULL || loads == NULL ||
	    acts == NULL)
		goto out;
	if (first_passes(&b, events, n, jobs, loads, &nloads, acts,
	    &nacts) != 0)
		goto out;
	b.c->nprocs = nprocs;
	if (corr_index_build(&b.c->nodes, events, n, b.c->procs,
	    sizeof(*b.c->procs), nprocs) != 0)
		goto out;

	/* resolve twins: attachments and parents point at kept nodes */
	kids = ev_big_calloc(nprocs ? nprocs : 1, sizeof(*kids));
	if (kids == NULL)
		goto out;
	/* a 4688 copy points at the first 4688, which a Sysmon 1 may have
	   taken since: one step reaches the kept node (a kept node is its
	   own canon, and only a 4688 that is its own canon is pointed at) */
	for (size_t i = 0; i < nprocs; i++)
		b.c->procs[i].canon =
		    b.c->procs[b.c->procs[i].canon].canon;
	for (size_t i = 0; i < nprocs; i++) {
		struct proc *p = &b.c->procs[i];

		if (p->canon != i) {
			p->parent = NONE;
			continue;
		}
		if (p->parent != NONE)
			p->parent = b.c->procs[p->parent].canon;
		if (p->parent == i)
			p->parent = NONE;
		if (p->parent != NONE)
			kids[nkids++] = (struct att){ p->parent, p->ev };
	}
	attach(b.c, b.att, b.natt);
	attach(b.c, loads, nloads);
	attach(b.c, acts, nacts);
	if (depths(b.c) != 0 ||
	    layout(&b.c->children, nprocs, kids, nkids) != 0 ||
	    layout(&b.c->net, nprocs, b.att, b.natt) != 0 ||
	    layout(&b.c->loads, nprocs, loads, nloads) != 0 ||
	    layout(&b.c->acts, nprocs, acts, nacts) != 0 ||
	    wmi_join(b.c, acting, nacting) != 0 ||
	    corr_origins(b.c, acting, nacting, jobs) != 0)
		goto out;
	*out = b.c;
	b.c = NULL;
	rc = 0;
out:
	if (rc != 0)
		EV_ERR(err, rc, 0, "correlation: out of memory");
	corr_free(b.c);
	ev_big_free(b.att);
	ev_big_free(loads);
	ev_big_free(acts);
	ev_big_free(kids);
	free(acting);
	return rc;
}

void
corr_free(struct corr *c)
{
	if (c == NULL)
		return;
	ev_big_free(c->procs);
	corr_index_free(&c->nodes);
	ev_map_release(&c->wmiptr);
	free(c->wmi);
	list_free(&c->children);
	list_free(&c->net);
	list_free(&c->loads);
	list_free(&c->acts);
	free(c->started);
	corr_tasks_free(c->tasks);
	free(c);
}

static uint32_t
node_of(const struct corr *c, const struct ev_event *ev)
{
	uint32_t k;

	if (ev == NULL || ev->kind != EV_KIND_PROCESS)
		return NONE;
	k = corr_index_find(&c->nodes, ev);
	return k != CORR_INDEX_NONE && c->procs[k].ev == ev ? k : NONE;
}

/* the kept node of a process event (or of a 3/7's process) */
static uint32_t
kept(const struct corr *c, const struct ev_event *ev)
{
	uint32_t n;

	if (ev != NULL && (ev->kind == EV_KIND_NETWORK ||
	    ev->kind == EV_KIND_IMAGE_LOAD || ev->kind == EV_KIND_DNS ||
	    ev->kind == EV_KIND_FILE || ev->kind == EV_KIND_TASK ||
	    ev->kind == EV_KIND_POWERSHELL ||
	    ev->kind == EV_KIND_REMOTE_THREAD ||
	    ev->kind == EV_KIND_PROCESS_ACCESS ||
	    ev->kind == EV_KIND_REGISTRY || ev->kind == EV_KIND_STREAM_HASH ||
	    ev->kind == EV_KIND_PIPE))
		ev = ev->process;
	n = node_of(c, ev);
	return n == NONE ? NONE : c->procs[n].canon;
}

bool
corr_is_duplicate(const struct corr *c, const struct ev_event *ev)
{
	uint32_t n = node_of(c, ev);

	return n != NONE && c->procs[n].canon != n;
}

const struct ev_event *
corr_process(const struct corr *c, const struct ev_event *ev)
{
	uint32_t n = kept(c, ev);

	return n == NONE ? NULL : c->procs[n].ev;
}

const struct ev_event *
corr_parent(const struct corr *c, const struct ev_event *proc)
{
	uint32_t n = kept(c, proc);

	if (n == NONE || c->procs[n].parent == NONE)
		return NULL;
	return c->procs[c->procs[n].parent].ev;
}

size_t
corr_chain(const struct corr *c, const struct ev_event *proc,
    const struct ev_event **chain, size_t max)
{
	uint32_t n = kept(c, proc);
	size_t k = 0;

	while (n != NONE && k < max && k < CHAIN_GUARD) {
		n = c->procs[n].parent;
		if (n == NONE)
			break;
		chain[k++] = c->procs[n].ev;
	}
	return k;
}

static size_t
list_get(const struct corr *c, const struct list *l,
    const struct ev_event *proc, const struct ev_event *const **out)
{
	uint32_t n = kept(c, proc);
	size_t cnt;

	*out = NULL;
	if (n == NONE)
		return 0;
	cnt = l->off[n + 1] - l->off[n];
	if (cnt > 0)
		*out = &l->ev[l->off[n]];
	return cnt;
}

size_t
corr_children(const struct corr *c, const struct ev_event *proc,
    const struct ev_event *const **list)
{
	return list_get(c, &c->children, proc, list);
}

size_t
corr_network(const struct corr *c, const struct ev_event *proc,
    const struct ev_event *const **list)
{
	return list_get(c, &c->net, proc, list);
}

size_t
corr_image_loads(const struct corr *c, const struct ev_event *proc,
    const struct ev_event *const **list)
{
	return list_get(c, &c->loads, proc, list);
}

size_t
corr_activity(const struct corr *c, const struct ev_event *proc,
    const struct ev_event *const **list)
{
	return list_get(c, &c->acts, proc, list);
}

const struct ev_event *
corr_origin(const struct corr *c, const struct ev_event *proc)
{
	uint32_t n = kept(c, proc);

	return n == NONE ? NULL : c->procs[n].origin;
}


bool
corr_task(const struct corr *c, const struct ev_event *ev,
    struct corr_task *out)
{
	const struct ev_event *p = ev->kind == EV_KIND_PROCESS ?
	    corr_process(c, ev) : NULL;

	return corr_tasks_run(c->tasks, p != NULL ? p : ev, out);
}

bool
corr_wmi(const struct corr *c, const struct ev_event *ev,
    struct corr_wmi *out)
{
	const struct ev_map_ent *e;

	memset(out, 0, sizeof(*out));
	if (ev == NULL || ev->kind != EV_KIND_WMI ||
	    (e = ev_map_get(&c->wmiptr, &ev, sizeof(ev))) == NULL)
		return false;
	*out = c->wmi[e->idx];
	return true;
}

const struct ev_event *
corr_script(const struct corr *c, const struct ev_event *proc)
{
	uint32_t n = kept(c, proc);

	return n == NONE ? NULL : c->procs[n].script;
}

const struct ev_event *
corr_exit(const struct corr *c, const struct ev_event *proc)
{
	uint32_t n = kept(c, proc);

	return n == NONE ? NULL : c->procs[n].exit;
}

size_t
corr_nprocs(const struct corr *c)
{
	return c->nprocs;
}

void
corr_row(const struct corr *c, size_t i, struct corr_row *row)
{
	const struct proc *p = &c->procs[i];

	memset(row, 0, sizeof(*row));
	row->ev = p->ev;
	if (p->canon != i) {
		row->duplicate_of = c->procs[p->canon].ev;
		return;
	}
	row->exit = p->exit;
	if (p->parent != NONE)
		row->parent = c->procs[p->parent].ev;
	row->depth = p->depth;
	row->nnet = c->net.off[i + 1] - c->net.off[i];
	row->net = row->nnet ? &c->net.ev[c->net.off[i]] : NULL;
	row->nloads = c->loads.off[i + 1] - c->loads.off[i];
	row->loads = row->nloads ? &c->loads.ev[c->loads.off[i]] : NULL;
	row->nacts = c->acts.off[i + 1] - c->acts.off[i];
	row->acts = row->nacts ? &c->acts.ev[c->acts.off[i]] : NULL;
	row->origin = p->origin;
	row->script = p->script;
}
