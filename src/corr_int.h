/*
 * corr_int.h -- the process trees' own data, shared by the files of
 * correlation: correlate.c builds the nodes and their lists, and
 * corr_origin.c links a process to what started it.  Not a contract for
 * other modules (correlate.h is).
 */
#ifndef CORR_INT_H
#define CORR_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "corr_index.h"
#include "ev_map.h"
#include "event.h"

#define NONE	UINT32_MAX

struct corr_wmi;
struct corr_tasks;

struct proc {
	struct ev_event		*ev;		/* first: corr_index.h */
	const struct ev_event	*exit;
	const char		*image;		/* ev's, kept here: the
						   lookups by pid compare it
						   without reading ev (past
						   --memory, paged out) */
	uint32_t		 parent;	/* node, or NONE */
	uint32_t		 canon;		/* kept node (self unless dup) */
	uint32_t		 depth;		/* ancestors, <= CORR_DEPTH_MAX */
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

/* A process and the service, task or WMI consumer that started it. */
struct started {
	const struct ev_event	*origin, *proc;
};

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

/*
 * procs[].origin, the processes by origin (started) and procs[].script,
 * once the nodes, their twins and the WMI subscriptions are known: the
 * passes over the processes on up to jobs threads.  events[0..n): the
 * run's services, tasks, WMI and script block events in output order
 * (no other kind is looked at).  0 or EV_ENOMEM.
 */
int	corr_origins(struct corr *c, struct ev_event *const *events, size_t n,
	    unsigned jobs);
/* Whether image (a path or a name) is a PowerShell host. */
bool	corr_is_powershell(const char *image);

#endif
