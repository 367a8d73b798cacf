/*
 * corr_origin.c -- what started a process: a service, a task, a WMI
 * consumer, a script block; see corr_int.h (corr_origins()) and
 * correlate.h (corr_origin(), corr_started(), corr_script()).
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "corr_int.h"
#include "corr_task.h"
#include "correlate.h"
#include "ev_buf.h"
#include "ev_err.h"
#include "ev_map.h"
#include "ev_par.h"
#include "ev_util.h"

/*
 * Whether WMI consumer a (20, 5861) was registered again, or deleted,
 * under its name on its computer at or before t: the latest event of
 * the name is another one, logged by then.
 */
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
	const char *op;

	if (ev->kind != EV_KIND_WMI)
		return ev->kind == EV_KIND_SERVICE ||
		    (ev->kind == EV_KIND_TASK && !ev_is_tasksched(ev));
	op = ev_col(ev, EV_COL_WMI_OPERATION);
	return (ev_col(ev, EV_COL_COMMAND_LINE) != NULL ||
	    ev_col(ev, EV_COL_SCRIPT_TEXT) != NULL) &&
	    (op == NULL || strcasecmp(op, "Deleted") != 0);
}

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

#define PROC_BLOCK	4096	/* processes one task of a pass links */

/* A pass over the kept processes, a block per ev_par_for() index. */
struct procpass {
	struct corr		*c;
	struct ev_event *const	*events;
	const struct ev_map	*m;	/* origins(): actions by image key */
	const uint32_t		*prev;	/* ... the previous one of a key */
	atomic_int		 rc;
};

static void
procs_par(struct procpass *pp, unsigned jobs, ev_par_fn fn)
{
	size_t nb = (pp->c->nprocs + PROC_BLOCK - 1) / PROC_BLOCK;

	ev_par_for((unsigned)nb, jobs, fn, pp);
}

/* The origin of process k, if one of the actions is; false: no memory. */
static bool
origin_of(struct procpass *pp, size_t k, struct ev_buf *key,
    struct ev_buf *args)
{
	struct proc *p = &pp->c->procs[k];
	const struct ev_map_ent *e;
	const char *cmd = ev_col(p->ev, EV_COL_COMMAND_LINE);
	size_t cmdlen;
	uint32_t j;
	int tries = 0;

	if (p->canon != k || !image_key(key, p->ev) ||
	    (e = ev_map_get(pp->m, key->buf, key->len)) == NULL)
		return !ev_buf_failed(key);
	cmdlen = cmd != NULL ? strlen(cmd) : 0;
	for (j = e->idx; j != NONE && tries < ORIGIN_TRIES;
	    j = pp->prev[j], tries++) {
		const struct ev_event *a = pp->events[j];

		if (a->time > p->ev->time || !plausible_parent(ev_col(p->ev,
		    EV_COL_PARENT_IMAGE), a) || wmi_replaced(pp->c, a,
		    p->ev->time))
			continue;
		action_args(args, a);
		if (ev_buf_failed(args))
			return false;
		/* linear: contains_*() */
		if (args->len > 0 && (cmd == NULL ||
		    args->len > ORIGIN_ARGS_MAX || (a->kind == EV_KIND_WMI ?
		    !contains_tpl(cmd, args->buf) : args->len > cmdlen ||
		    !contains_ci(cmd, args->buf))))
			continue;
		p->origin = a;
		break;
	}
	return true;
}

static void
origins_block(void *arg, unsigned blk)
{
	struct procpass *pp = arg;
	struct ev_buf key = EV_BUF_INIT, args = EV_BUF_INIT;
	size_t k = (size_t)blk * PROC_BLOCK, to = k + PROC_BLOCK;

	for (to = to < pp->c->nprocs ? to : pp->c->nprocs; k < to; k++)
		if (!origin_of(pp, k, &key, &args)) {
			atomic_store(&pp->rc, EV_ENOMEM);
			break;
		}
	ev_buf_release(&key);
	ev_buf_release(&args);
}

/*
 * procs[].origin: the latest service, task or WMI consumer (same
 * computer, logged at or before the process) whose action runs the
 * process's image with arguments the process's command line contains,
 * and whose host process (services.exe; svchost/taskeng; scrcons /
 * WmiPrvSE) is the process's parent.
 */
static int
origins(struct corr *c, struct ev_event *const *events, size_t n,
    unsigned jobs)
{
	struct ev_map m = EV_MAP_INIT;
	struct ev_buf key = EV_BUF_INIT;
	uint32_t *prev = NULL;	/* per event: the previous one of its key */
	struct procpass pp = { c, events, &m, NULL, 0 };
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
	if (ev_buf_failed(&key))
		goto out;
	pp.prev = prev;
	procs_par(&pp, jobs, origins_block);
	rc = atomic_load(&pp.rc);
out:
	ev_map_release(&m);
	ev_buf_release(&key);
	free(prev);
	return rc;
}

static void
task_origins_block(void *arg, unsigned blk)
{
	struct procpass *pp = arg;
	struct corr *c = pp->c;
	size_t k = (size_t)blk * PROC_BLOCK, to = k + PROC_BLOCK;

	for (to = to < c->nprocs ? to : c->nprocs; k < to; k++)
		if (c->procs[k].canon == k && c->procs[k].origin == NULL)
			c->procs[k].origin = corr_tasks_launch(c->tasks,
			    c->procs[k].ev);
}

/*
 * A process no service, task or consumer action matched: the
 * TaskScheduler 129 (else 200) that logged launching it, if any.
 */
static int
task_origins(struct corr *c, struct ev_event *const *events, size_t n,
    unsigned jobs)
{
	struct procpass pp = { c, events, NULL, NULL, 0 };
	int rc = corr_tasks_build(events, n, &c->tasks);

	if (rc == 0 && c->tasks != NULL)
		procs_par(&pp, jobs, task_origins_block);
	return rc;
}

#define SCRIPT_WINDOW	(600ULL * 10000000ULL)	/* 10 min, parent unknown */
#define SCRIPT_TRIES	16	/* script blocks looked at per process */

bool
corr_is_powershell(const char *image)
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
		if (!corr_is_powershell(par != NULL ? ev_col(par, EV_COL_IMAGE) :
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

int
corr_origins(struct corr *c, struct ev_event *const *events, size_t n,
    unsigned jobs)
{
	int rc;

	if ((rc = origins(c, events, n, jobs)) != 0 ||
	    (rc = task_origins(c, events, n, jobs)) != 0 ||
	    (rc = started_index(c)) != 0)
		return rc;
	return scripts(c, events, n);
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
