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
#include "corr_part.h"
#include "corr_task.h"
#include "ev_buf.h"
#include "ev_par.h"
#include "ev_util.h"

#define NONE	UINT32_MAX
#define CHAIN_GUARD	CORR_DEPTH_MAX	/* bound on walks over crafted trees */

struct proc {
	struct ev_event		*ev;		/* first: corr_index.h */
	const struct ev_event	*exit;
	uint32_t		 parent;	/* node, or NONE */
	uint32_t		 canon;		/* kept node (self unless dup) */
	uint32_t		 depth;		/* ancestors, <= CHAIN_GUARD */
	bool			 sysmon;
	const struct ev_event	*origin;	/* service / task that started
						   it, or NULL */
	const struct ev_event	*script;	/* script block that ran it,
						   or NULL */
};

struct att {
	uint32_t		 node;
	const struct ev_event	*ev;
};

struct started;

struct list {
	uint32_t		*off;		/* nprocs + 1 offsets */
	const struct ev_event	**ev;
};

struct corr {
	struct proc	*procs;
	size_t		 nprocs;
	struct corr_index nodes;	/* an event's process node */
	struct ev_map	 wmiptr;	/* WMI event -> index in wmi */
	struct corr_wmi	*wmi;		/* per WMI event: its subscription */
	struct list	 children, net, loads, acts;
	struct started	*started;	/* processes with an origin, by
					   origin then time */
	size_t		 nstarted;
	struct corr_tasks *tasks;	/* TaskScheduler runs */
};

static bool	is_powershell(const char *image);

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
	return a == NULL || b == NULL || *a == '\0' || *b == '\0' ||
	    strcasecmp(a, b) == 0;
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
	if (n == NONE || !same_image(ev_col(b->c->procs[n].ev, EV_COL_IMAGE),
	    image))
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
		bool same = qp->canon == q &&
		    ev_col(qp->ev, EV_COL_IMAGE) != NULL &&
		    ev_col(ev, EV_COL_IMAGE) != NULL &&
		    strcasecmp(ev_col(qp->ev, EV_COL_IMAGE),
		    ev_col(ev, EV_COL_IMAGE)) == 0;

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
	if (is_powershell(ev_col(ev, EV_COL_IMAGE)) && cmd_key(&b->key, ev))
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
	l->off = calloc(nprocs + 1, sizeof(*l->off));
	l->ev = na ? calloc(na, sizeof(*l->ev)) : NULL;
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
	free(l->off);
	free(l->ev);
}

/* ---- what started a process: a service, a task, a script block ---- */

static bool
contains_ci(const char *hay, const char *needle)
{
	return ev_find_ci(hay, needle, strlen(needle)) != NULL;
}

/* The length of a WMI template's %Name% at t, or 0 when none is. */
static size_t
tpl_var(const char *t)
{
	size_t k = 1;

	if (t[0] != '%')
		return 0;
	while ((t[k] >= 'A' && t[k] <= 'Z') || (t[k] >= 'a' && t[k] <= 'z') ||
	    (t[k] >= '0' && t[k] <= '9') || t[k] == '_' || t[k] == '.')
		k++;
	return k > 1 && t[k] == '%' ? k + 1 : 0;
}

/*
 * Whether hay holds the literal runs of a WMI CommandLineTemplate's
 * arguments in order, each %Name% (a property WMI substitutes:
 * %ProcessId%, %TargetInstance.Name%) standing for anything.  Each run
 * is searched once from where the last one ended (ev_find_ci()): linear
 * in |hay| per run.
 */
static bool
contains_tpl(const char *hay, const char *tpl)
{
	while (*tpl != '\0') {
		size_t n = 0, v;

		while (tpl[n] != '\0' && tpl_var(tpl + n) == 0)
			n++;
		if (n > 0 && (hay = ev_find_ci(hay, tpl, n)) == NULL)
			return false;
		tpl += n;
		if ((v = tpl_var(tpl)) > 0)
			tpl += v;
	}
	return true;
}

/*
 * "computer\x1fbasename" of an image, lower-cased; %COMSPEC% is cmd.exe,
 * a name without an extension is an .exe (a WMI consumer's "regsvr32
 * ..."); a WMI script consumer's is its host's, scrcons.exe.
 */
static bool
image_key(struct ev_buf *b, const struct ev_event *ev)
{
	const char *base = ev_basename(ev_col(ev, EV_COL_IMAGE));

	if (ev->kind == EV_KIND_WMI && ev_col(ev, EV_COL_COMMAND_LINE) == NULL)
		base = "scrcons.exe";

	if (base != NULL && strcasecmp(base, "%COMSPEC%") == 0)
		base = "cmd.exe";
	if (!corr_key(b, ev, base))
		return false;
	if (strchr(base, '.') == NULL)
		ev_buf_adds(b, ".exe");
	return !ev_buf_failed(b);
}

/*
 * The arguments of a service's or task's action: its command line (the
 * first line: a task's first action) after the image, without the
 * surrounding blanks and quotes, into b.
 */
static void
action_args(struct ev_buf *b, const struct ev_event *ev)
{
	const char *cmd = ev_col(ev, EV_COL_COMMAND_LINE), *img =
	    ev_col(ev, EV_COL_IMAGE), *p, *e;

	ev_buf_reset(b);
	if (cmd == NULL || img == NULL)
		return;
	p = strstr(cmd, img);
	p = p != NULL ? p + strlen(img) : cmd;
	if (*p == '"')
		p++;
	while (*p == ' ' || *p == '\t')
		p++;
	e = p + strcspn(p, "\n");
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	ev_buf_add(b, p, (size_t)(e - p));
}

/* Whether a process with this parent image may be a's action. */
static bool
plausible_parent(const char *parent, const struct ev_event *a)
{
	int kind = a->kind;
	static const char *const task_hosts[] = {
		"svchost.exe", "taskeng.exe", "taskhostw.exe", "taskhost.exe",
	};
	const char *b = ev_basename(parent);

	if (b == NULL || *b == '\0')
		return true;	/* not known: the time and image decide */
	if (kind == EV_KIND_SERVICE)
		return strcasecmp(b, "services.exe") == 0;
	if (kind == EV_KIND_WMI && ev_col(a, EV_COL_COMMAND_LINE) == NULL)
		/* scrcons.exe, the script consumer host, started by DCOM */
		return strcasecmp(b, "svchost.exe") == 0 ||
		    strcasecmp(b, "wmiprvse.exe") == 0;
	if (kind == EV_KIND_WMI)	/* the consumer hosts */
		return strcasecmp(b, "scrcons.exe") == 0 ||
		    strcasecmp(b, "wmiprvse.exe") == 0;
	for (size_t i = 0; i < sizeof(task_hosts) / sizeof(*task_hosts); i++)
		if (strcasecmp(b, task_hosts[i]) == 0)
			return true;
	return false;
}

#define ORIGIN_TRIES	64	/* candidates looked at per process */
#define ORIGIN_ARGS_MAX	32767	/* a Windows command line's length: longer
				   arguments start no process */

/*
 * Whether ev is a service, task or WMI consumer that runs a command or
 * script (a consumer's deletion runs nothing).
 */
static bool
is_action(const struct ev_event *ev)
{
	const char *op = ev_col(ev, EV_COL_WMI_OPERATION);

	return ev->kind == EV_KIND_SERVICE ||
	    (ev->kind == EV_KIND_TASK && !ev_is_tasksched(ev)) ||
	    (ev->kind == EV_KIND_WMI && (ev_col(ev, EV_COL_COMMAND_LINE) !=
	    NULL || ev_col(ev, EV_COL_SCRIPT_TEXT) != NULL) &&
	    (op == NULL || strcasecmp(op, "Deleted") != 0));
}

static bool	wmi_replaced(const struct corr *, const struct ev_event *,
		    uint64_t);

/* A process and the service, task or WMI consumer that started it. */
struct started {
	const struct ev_event	*origin, *proc;
};

static int
started_cmp(const void *pa, const void *pb)
{
	const struct started *a = pa, *b = pb;

	if (a->origin->seq != b->origin->seq)
		return a->origin->seq < b->origin->seq ? -1 : 1;
	if (a->origin != b->origin)
		return a->origin < b->origin ? -1 : 1;
	return a->proc->seq < b->proc->seq ? -1 : a->proc->seq > b->proc->seq;
}

/* c->started: every process with an origin, by origin then time. */
static int
started_index(struct corr *c)
{
	size_t n = 0;

	for (size_t k = 0; k < c->nprocs; k++)
		if (c->procs[k].origin != NULL)
			n++;
	if (n == 0)
		return 0;
	if ((c->started = calloc(n, sizeof(*c->started))) == NULL)
		return EV_ENOMEM;
	for (size_t k = 0; k < c->nprocs; k++)
		if (c->procs[k].origin != NULL)
			c->started[c->nstarted++] = (struct started){
			    c->procs[k].origin, c->procs[k].ev };
	ev_qsort(c->started, c->nstarted, sizeof(*c->started), started_cmp);
	return 0;
}

/*
 * procs[].origin: the latest service, task or WMI consumer (same
 * computer, logged at or before the process) whose action runs the
 * process's image with arguments the process's command line contains,
 * and whose host process (services.exe; svchost/taskeng; scrcons /
 * WmiPrvSE) is the process's parent.
 */
static int
origins(struct corr *c, struct ev_event *const *events, size_t n)
{
	struct ev_map m = EV_MAP_INIT;
	struct ev_buf key = EV_BUF_INIT, args = EV_BUF_INIT;
	uint32_t *prev = NULL;	/* per event: the previous one of its key */
	size_t na = 0;
	int rc = EV_ENOMEM;

	for (size_t i = 0; i < n; i++)
		if (is_action(events[i]))
			na++;
	if (na == 0 || c->nprocs == 0)
		return 0;
	if ((prev = calloc(n, sizeof(*prev))) == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct ev_map_ent *e;
		bool isnew;

		if (!is_action(events[i]) || !image_key(&key, events[i]))
			continue;
		if ((e = ev_map_put(&m, key.buf, key.len, &isnew)) == NULL)
			goto out;
		prev[i] = isnew ? NONE : e->idx;
		e->idx = (uint32_t)i;	/* the latest one of the key */
	}
	for (size_t k = 0; k < c->nprocs; k++) {
		struct proc *p = &c->procs[k];
		const struct ev_map_ent *e;
		const char *cmd = ev_col(p->ev, EV_COL_COMMAND_LINE);
		size_t cmdlen;
		uint32_t j;
		int tries = 0;

		if (p->canon != k || !image_key(&key, p->ev) ||
		    (e = ev_map_get(&m, key.buf, key.len)) == NULL)
			continue;
		cmdlen = cmd != NULL ? strlen(cmd) : 0;
		for (j = e->idx; j != NONE && tries < ORIGIN_TRIES;
		    j = prev[j], tries++) {
			const struct ev_event *a = events[j];

			if (a->time > p->ev->time ||
			    !plausible_parent(ev_col(p->ev,
			    EV_COL_PARENT_IMAGE),
			    a) || wmi_replaced(c, a, p->ev->time))
				continue;
			action_args(&args, a);
			if (ev_buf_failed(&args))
				goto out;
			/* linear: contains_*() */
			if (args.len > 0 && (cmd == NULL ||
			    args.len > ORIGIN_ARGS_MAX ||
			    (a->kind == EV_KIND_WMI ? !contains_tpl(cmd,
			    args.buf) : args.len > cmdlen ||
			    !contains_ci(cmd, args.buf))))
				continue;
			p->origin = a;
			break;
		}
	}
	rc = ev_buf_failed(&key) ? EV_ENOMEM : 0;
out:
	ev_map_release(&m);
	ev_buf_release(&key);
	ev_buf_release(&args);
	free(prev);
	return rc;
}

/*
 * A process no service, task or consumer action matched: the
 * TaskScheduler 129 (else 200) that logged launching it, if any.
 */
static int
task_origins(struct corr *c, struct ev_event *const *events, size_t n)
{
	int rc = corr_tasks_build(events, n, &c->tasks);

	for (size_t k = 0; rc == 0 && c->tasks != NULL && k < c->nprocs; k++)
		if (c->procs[k].canon == k && c->procs[k].origin == NULL)
			c->procs[k].origin = corr_tasks_launch(c->tasks,
			    c->procs[k].ev);
	return rc;
}

#define SCRIPT_WINDOW	(600ULL * 10000000ULL)	/* 10 min, parent unknown */
#define SCRIPT_TRIES	16	/* script blocks looked at per process */

static bool
is_powershell(const char *image)
{
	const char *b = ev_basename(image);

	return b != NULL && (strcasecmp(b, "powershell.exe") == 0 ||
	    strcasecmp(b, "pwsh.exe") == 0 ||
	    strcasecmp(b, "powershell_ise.exe") == 0);
}

static int
script_cmp(const void *pa, const void *pb)
{
	const struct ev_event *a = *(const struct ev_event *const *)pa;
	const struct ev_event *b = *(const struct ev_event *const *)pb;
	const char *ca = ev_col(a, EV_COL_COMPUTER) ? ev_col(a, EV_COL_COMPUTER)
	    : "";
	const char *cb = ev_col(b, EV_COL_COMPUTER) ? ev_col(b, EV_COL_COMPUTER)
	    : "";
	int r = strcasecmp(ca, cb);

	if (r != 0)
		return r;
	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/*
 * procs[].script: for a process whose parent is PowerShell, the latest
 * script block of the same computer, logged after the parent started
 * (10 minutes when the parent is not in the evidence) and not after the
 * process, whose text names the process's image (regsvr32 for
 * regsvr32.exe).  PowerShell logs no process id in the block's data,
 * so this is by host, time and text.
 */
static int
scripts(struct corr *c, struct ev_event *const *events, size_t n)
{
	const struct ev_event **sv;
	size_t ns = 0;

	for (size_t i = 0; i < n; i++)
		if (events[i]->kind == EV_KIND_SCRIPT &&
		    ev_col(events[i], EV_COL_SCRIPT_TEXT) != NULL)
			ns++;
	if (ns == 0)
		return 0;
	if ((sv = calloc(ns, sizeof(*sv))) == NULL)
		return EV_ENOMEM;
	ns = 0;
	for (size_t i = 0; i < n; i++)
		if (events[i]->kind == EV_KIND_SCRIPT &&
		    ev_col(events[i], EV_COL_SCRIPT_TEXT) != NULL)
			sv[ns++] = events[i];
	ev_qsort(sv, ns, sizeof(*sv), script_cmp);
	for (size_t k = 0; k < c->nprocs; k++) {
		struct proc *p = &c->procs[k];
		const struct ev_event *ev = p->ev, *par = NULL;
		const char *comp = ev_col(ev, EV_COL_COMPUTER), *base;
		char stem[64];
		uint64_t from;
		size_t lo = 0, hi = ns, len;
		int tries = 0;

		if (p->canon != k)
			continue;
		if (p->parent != NONE)
			par = c->procs[p->parent].ev;
		if (!is_powershell(par != NULL ? ev_col(par, EV_COL_IMAGE) :
		    ev_col(ev, EV_COL_PARENT_IMAGE)))
			continue;
		if ((base = ev_basename(ev_col(ev, EV_COL_IMAGE))) == NULL ||
		    (len = strcspn(base, ".")) == 0 || len >= sizeof(stem))
			continue;
		memcpy(stem, base, len);
		stem[len] = '\0';
		from = par != NULL ? par->time : ev->time > SCRIPT_WINDOW ?
		    ev->time - SCRIPT_WINDOW : 0;
		/* the first block after (computer, ev->time) */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			const char *mc = ev_col(sv[mid], EV_COL_COMPUTER);
			int r = strcasecmp(mc ? mc : "", comp ? comp : "");

			if (r < 0 || (r == 0 && sv[mid]->time <= ev->time))
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t j = lo; j > 0 && tries < SCRIPT_TRIES; j--,
		    tries++) {
			const struct ev_event *s = sv[j - 1];
			const char *sc = ev_col(s, EV_COL_COMPUTER);

			if (strcasecmp(sc ? sc : "", comp ? comp : "") != 0 ||
			    s->time < from)
				break;
			if (contains_ci(ev_col(s, EV_COL_SCRIPT_TEXT), stem)) {
				p->script = s;
				break;
			}
		}
	}
	free(sv);
	return 0;
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

static void
first_pass(void *arg, unsigned t)
{
	struct pass *ps = &((struct pass *)arg)[t];
	struct build *b = &ps->b;
	uint32_t k = 0, o;

	for (size_t j = 0; j < ps->n && ps->rc == 0; j++) {
		struct ev_event *ev = ps->events[ps->part != NULL ?
		    ps->part->idx[j] : j];

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
	size_t nprocs = 0, nloads = 0, nkids = 0, nacts = 0;
	int rc = EV_ENOMEM;

	memset(&b, 0, sizeof(b));
	if ((b.c = calloc(1, sizeof(*b.c))) == NULL)
		goto out;
	ev_map_init(&b.c->wmiptr);
	for (size_t i = 0; i < n; i++)
		if (events[i]->kind == EV_KIND_PROCESS)
			nprocs++;
	b.c->procs = calloc(nprocs ? nprocs : 1, sizeof(*b.c->procs));
	b.att = calloc(n ? n : 1, sizeof(*b.att));
	loads = calloc(n ? n : 1, sizeof(*loads));
	acts = calloc(n ? n : 1, sizeof(*acts));
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
	kids = calloc(nprocs ? nprocs : 1, sizeof(*kids));
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
	    wmi_join(b.c, events, n) != 0 ||
	    origins(b.c, events, n) != 0 || task_origins(b.c, events, n) != 0 ||
	    started_index(b.c) != 0 || scripts(b.c, events, n) != 0)
		goto out;
	*out = b.c;
	b.c = NULL;
	rc = 0;
out:
	if (rc != 0)
		EV_ERR(err, rc, 0, "correlation: out of memory");
	corr_free(b.c);
	free(b.att);
	free(loads);
	free(acts);
	free(kids);
	return rc;
}

void
corr_free(struct corr *c)
{
	if (c == NULL)
		return;
	free(c->procs);
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

size_t
corr_started(const struct corr *c, const struct ev_event *origin,
    const struct ev_event **v, size_t max)
{
	size_t lo = 0, hi = c->nstarted, n = 0;

	if (origin == NULL)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ev_event *o = c->started[mid].origin;

		if (o->seq < origin->seq || (o->seq == origin->seq &&
		    o < origin))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < c->nstarted &&
	    c->started[i].origin == origin; i++, n++)
		if (n < max)
			v[n] = c->started[i].proc;
	return n;
}

/*
 * Whether WMI consumer a (20, 5861) was registered again, or deleted,
 * under its name on its computer at or before t: the latest event of
 * the name is another one, logged by then.
 */
bool
corr_task(const struct corr *c, const struct ev_event *ev,
    struct corr_task *out)
{
	const struct ev_event *p = ev->kind == EV_KIND_PROCESS ?
	    corr_process(c, ev) : NULL;

	return corr_tasks_run(c->tasks, p != NULL ? p : ev, out);
}

static bool
wmi_replaced(const struct corr *c, const struct ev_event *a, uint64_t t)
{
	struct corr_wmi w;
	const struct ev_event *l;

	if (!corr_wmi(c, a, &w))
		return false;
	l = a->event_id == 5861 ? w.registered : w.consumer;
	return l != NULL && l != a && l->time <= t;
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
