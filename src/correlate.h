/*
 * correlate.h -- process trees: links process creations to their parents,
 * children, exits, network connections and image loads (SPEC §5).
 *
 * corr_build() takes the events of a run in output (time) order and
 * links them in O(n) with hash maps:
 *  - Sysmon 1 by (computer, ProcessGuid) / ParentProcessGuid;
 *  - Security 4688 by (computer, NewProcessId -> ProcessId) in time
 *    order: pids are reused, so the latest earlier creation of a pid that
 *    has not exited (4689, Sysmon 5) is the parent;
 *  - a Sysmon 1 whose parent GUID is not in the evidence falls back to
 *    the pid link (same computer, ParentImage equal when both are known);
 *  - Sysmon 3 and 7 are attached to their process by ProcessGuid (pid
 *    fallback as above) and get ev->process set, as do Sysmon 22 and 11
 *    and scheduled tasks (by the registering ClientProcessId);
 *  - WMI filters, consumers and bindings are joined by name (corr_wmi());
 *  - a process started by a service, task or WMI consumer, or by a
 *    PowerShell script block, is linked to it (corr_origin(),
 *    corr_script()); TaskScheduler/Operational events are joined into
 *    task runs (corr_task(), corr_task.h);
 *  - one process logged by both Sysmon 1 and 4688 (same computer, pid,
 *    image compared case-insensitively, times within 2 s) is one process:
 *    the Sysmon event is kept and its ev->dup_record is set to the 4688
 *    record id; the 4688 is a duplicate (corr_is_duplicate()).
 *
 * Lifetimes: the corr borrows the events (it keeps pointers, and writes
 * ev->process and ev->dup_record); they must outlive it.  Arrays returned
 * by the queries are borrowed and valid until corr_free().
 *
 * The store writes the processes of a correlation to the run database
 * (evtxhunt-db(5)) from corr_row(), one row per process creation event.
 */
#ifndef CORRELATE_H
#define CORRELATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "corr_task.h"
#include "ev_err.h"
#include "event.h"

struct corr;

#define CORR_CHAIN_MAX	5	/* ancestors reported with a finding */
#define CORR_DEPTH_MAX	4096	/* corr_row()'s depth is capped here */
#define CORR_DUP_WINDOW	20000000ULL	/* 2 s in FILETIME ticks */

/*
 * Links events[0..n) (output order).  Sets ev->process on Sysmon 3/7
 * events and ev->dup_record on Sysmon 1 events that have a 4688 twin.
 * Returns 0 and *out (free with corr_free()), or EV_ENOMEM.
 */
int	corr_build_jobs(struct ev_event **events, size_t n, unsigned jobs,
	    struct corr **out, struct ev_err *err);
/* corr_build_jobs() with jobs 1: jobs are threads for the first pass,
   by host (corr_part.h); the result is the same for any number. */
static inline int
corr_build(struct ev_event **events, size_t n, struct corr **out,
    struct ev_err *err)
{
	return corr_build_jobs(events, n, 1, out, err);
}
void	corr_free(struct corr *);

/*
 * true when ev is a 4688 that duplicates a Sysmon 1, or a copy of another
 * 4688 (same computer, pid, image, time and command line, another record
 * id: a forwarded or saved copy of the log): skip it.
 */
bool	corr_is_duplicate(const struct corr *, const struct ev_event *ev);

/*
 * The process event for ev: itself for a kept process creation, the kept
 * Sysmon event for a duplicate 4688, the owning process for Sysmon 3/7,
 * NULL otherwise or when not in the evidence.
 */
const struct ev_event *corr_process(const struct corr *,
	    const struct ev_event *ev);

/* The parent process event of a process event, or NULL. */
const struct ev_event *corr_parent(const struct corr *,
	    const struct ev_event *proc);

/*
 * Up to max (at most CORR_CHAIN_MAX is what findings show) ancestors of
 * proc into chain[], parent first.  Returns how many.
 */
size_t	corr_chain(const struct corr *, const struct ev_event *proc,
	    const struct ev_event **chain, size_t max);

/* The children / network events / image loads of proc, in time order;
 * returns the count and sets *list (borrowed; NULL when 0). */
size_t	corr_children(const struct corr *, const struct ev_event *proc,
	    const struct ev_event *const **list);
size_t	corr_network(const struct corr *, const struct ev_event *proc,
	    const struct ev_event *const **list);
size_t	corr_image_loads(const struct corr *, const struct ev_event *proc,
	    const struct ev_event *const **list);

/*
 * What else proc did, in time order: its DNS queries (Sysmon 22), file
 * creations (Sysmon 11), the threads it created in other processes and
 * the processes it opened (Sysmon 8 / 10, as their source, by
 * SourceProcessGuid, else computer, SourceProcessId and time), its
 * registry changes (Sysmon 12-14), alternate streams (15) and named
 * pipes created or connected (17, 18; by ProcessGuid, else computer,
 * ProcessId and time), the scheduled tasks it registered (4698 /
 * 4702 ClientProcessId) and, for PowerShell, its module logging,
 * engine start and pipeline events (4103, Windows PowerShell 400 and
 * 800: the latest process of the computer with the command line they
 * name as their host application); those events get ev->process set.
 */
size_t	corr_activity(const struct corr *, const struct ev_event *proc,
	    const struct ev_event *const **list);

/*
 * The service install (7045 / 4697), scheduled task (4698 / 4702) or WMI
 * consumer (Sysmon 20, WMI-Activity 5861) whose action started proc, or
 * NULL: the latest one on proc's computer, logged at or before proc,
 * whose action runs proc's image (by file name; %COMSPEC% is cmd.exe, no
 * extension is .exe) with arguments proc's command line contains
 * (arguments longer than a Windows command line, 32767 bytes, never
 * match; a WMI template's %Name%, a property WMI substitutes, matches
 * anything), when proc's parent is the service host (services.exe), task
 * host (svchost, taskeng, taskhostw) or WMI consumer host (scrcons.exe,
 * WmiPrvSE.exe), or not known.  A WMI script consumer's action is its
 * host, scrcons.exe, started from svchost.exe or WmiPrvSE.exe.  A WMI
 * consumer deleted or registered again under its name (corr_wmi()) by
 * then started nothing.  At most 64 candidates of one image are tried
 * per process, each compared in linear time.  A process no action
 * matches this way: the TaskScheduler 129 (else 200) that logged
 * launching it (corr_tasks_launch(): computer, pid, time, image), so a
 * task's run links to its process without a Security 4698, and a
 * process that has both is linked once, to the 4698.
 */
const struct ev_event *corr_origin(const struct corr *,
	    const struct ev_event *proc);

/*
 * The WMI subscription a WMI event (kind EV_KIND_WMI) belongs to, joined
 * by computer and name (case-insensitive): the latest filter (Sysmon 19)
 * with its filter name, the latest consumer (20) with its consumer name,
 * the latest binding (21) naming its consumer (else its filter), and the
 * latest WMI-Activity 5861 naming its consumer; a filter or consumer
 * takes the other name from that binding.  An event
 * may be its own filter, consumer or binding; a name re-registered on
 * a computer joins its latest registration.  false (out zeroed) when ev
 * is not a WMI event of the correlation.
 */
struct corr_wmi {
	const struct ev_event	*filter, *consumer, *binding, *registered;
};
bool	corr_wmi(const struct corr *, const struct ev_event *ev,
	    struct corr_wmi *out);

/*
 * The processes whose corr_origin() is origin (a service, task or WMI
 * consumer event), in time order: up to max into v[]; returns how many
 * there are.
 */
size_t	corr_started(const struct corr *, const struct ev_event *origin,
	    const struct ev_event **v, size_t max);

/*
 * The task run (corr_task.h) of ev: a TaskScheduler 129, 200 or 201, or
 * a process creation (the run that launched it, whatever its origin).
 * false (out zeroed) when none.
 */
bool	corr_task(const struct corr *, const struct ev_event *ev,
	    struct corr_task *out);

/*
 * The PowerShell script block (4104, joined) that ran proc, or NULL: when
 * proc's parent is PowerShell, the latest block of proc's computer logged
 * between the parent's start (10 minutes before proc when the parent is
 * not in the evidence) and proc whose text names proc's image (its file
 * name without extension).  4104 logs no process id: this is by host,
 * time and text, and at most 16 blocks are looked at.
 */
const struct ev_event *corr_script(const struct corr *,
	    const struct ev_event *proc);

/* The exit event (4689 / Sysmon 5) of proc, or NULL. */
const struct ev_event *corr_exit(const struct corr *,
	    const struct ev_event *proc);

/* One process creation event as the database shows it (corr_row()). */
struct corr_row {
	const struct ev_event	*ev;		/* Sysmon 1 or 4688 */
	const struct ev_event	*duplicate_of;	/* a 4688 twin: the kept Sysmon
						   event; then nothing below is
						   set */
	const struct ev_event	*exit;		/* 4689 / Sysmon 5, or NULL */
	const struct ev_event	*parent;	/* parent process, or NULL */
	size_t			 depth;		/* known ancestors; 0: a root;
						   at most CORR_DEPTH_MAX, also
						   on a (crafted) cycle */
	const struct ev_event	*const *net;	/* its Sysmon 3, time order */
	size_t			 nnet;
	const struct ev_event	*const *loads;	/* its Sysmon 7, time order */
	size_t			 nloads;
	const struct ev_event	*const *acts;	/* corr_activity() */
	size_t			 nacts;
	const struct ev_event	*origin;	/* corr_origin() */
	const struct ev_event	*script;	/* corr_script() */
};

/* Process creation events linked, and row i of them (0 <= i < n). */
size_t	corr_nprocs(const struct corr *);
void	corr_row(const struct corr *, size_t i, struct corr_row *row);

#endif
