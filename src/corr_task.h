/*
 * corr_task.h -- the runs of scheduled tasks in the TaskScheduler/
 * Operational log: which events are one run, which registration it
 * ran, and which process it launched.  Used by correlate.c (corr_task(),
 * corr_origin()); see correlate.h.
 *
 * A run is joined by computer: its 200 (action started) and 201 (action
 * completed) by TaskInstanceId (and ActionName: a task of two actions
 * logs two pairs under one instance); its 129 (process launched) to its
 * 200 by task name and process (ProcessID, EnginePID) within
 * CORR_TASK_WINDOW; its registration is the latest 106 / 140 / 4698 /
 * 4702 of the task's name (case-insensitive) logged at or before the
 * run, a Security 4698 / 4702 preferred to a 106 / 140 of the same
 * moment (it has the XML).  At most CORR_TASK_TRIES events of one key
 * are looked at per query.
 */
#ifndef CORR_TASK_H
#define CORR_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define CORR_TASK_WINDOW	50000000ULL	/* 5 s in FILETIME ticks */
#define CORR_TASK_TRIES		64

/* The events of one task run; absent ones NULL. */
struct corr_task {
	const struct ev_event	*registered;	/* 106 / 140 / 4698 / 4702 */
	const struct ev_event	*launched;	/* 129 */
	const struct ev_event	*started;	/* 200 */
	const struct ev_event	*completed;	/* 201 */
};

struct corr_tasks;
struct ev_buf;

/*
 * The key correlation joins a host's events by: "computer\x1fid" into b,
 * the computer ASCII-lower-cased, and id too when fold.  false when id is
 * absent or empty (or out of memory).
 */
bool	corr_key_as(struct ev_buf *b, const struct ev_event *ev,
	    const char *id, bool fold);

/* corr_key_as() of an identifier (GUID, pid, task name): folded. */
static inline bool
corr_key(struct ev_buf *b, const struct ev_event *ev, const char *id)
{
	return corr_key_as(b, ev, id, true);
}

/* Indexes the task events of events[0..n) (output order, borrowed: they
   must outlive the index).  0 and *out (NULL when there are none: every
   query then finds nothing), or EV_ENOMEM. */
int	corr_tasks_build(struct ev_event *const *events, size_t n,
	    struct corr_tasks **out);
void	corr_tasks_free(struct corr_tasks *);

/*
 * The TaskScheduler event that launched process creation proc: the 129
 * of proc's computer whose ProcessID is proc's pid, logged within
 * CORR_TASK_WINDOW of proc, whose Path has proc's image's file name
 * (when both are known), else such a 200 by its EnginePID; NULL if none.
 */
const struct ev_event *corr_tasks_launch(const struct corr_tasks *,
	    const struct ev_event *proc);

/*
 * The run ev (a TaskScheduler 129, 200 or 201, or a process creation:
 * the run corr_tasks_launch() finds for it) belongs to, into *out;
 * false (out zeroed) when ev is neither or has no run.
 */
bool	corr_tasks_run(const struct corr_tasks *, const struct ev_event *ev,
	    struct corr_task *out);

#endif
