/*
 * corr_task.c -- scheduled task runs of the TaskScheduler/Operational
 * log; see corr_task.h.
 *
 * Three hash maps over the task events: (computer, pid) -> the latest
 * 129 / 200 / 201 naming that process, (computer, instance id) -> the
 * latest 200 / 201 of that instance, (computer, task name) -> the latest
 * registration; each event links to the previous one of its key, so a
 * query walks one key's events from the latest back.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "corr_task.h"
#include "ev_buf.h"
#include "ev_err.h"
#include "ev_map.h"
#include "ev_util.h"

#define NONE	UINT32_MAX

enum { BY_PID, BY_INST, BY_NAME, NMAPS };

struct link {
	const struct ev_event	*ev;
	uint32_t		 prev;	/* previous link of the key, or NONE */
};

struct corr_tasks {
	struct ev_map	 map[NMAPS];
	struct link	*links;
	size_t		 nlinks;
};

bool
corr_key_as(struct ev_buf *b, const struct ev_event *ev, const char *id,
    bool fold)
{
	ev_buf_reset(b);
	if (id == NULL || *id == '\0')
		return false;
	ev_buf_add_lower(b, ev_col(ev, EV_COL_COMPUTER));
	ev_buf_addc(b, '\x1f');
	if (fold)
		ev_buf_add_lower(b, id);
	else
		ev_buf_adds(b, id);
	return !ev_buf_failed(b);
}

/* The key's column of ev for map m, or NULL when ev is not in m. */
static const char *
key_col(const struct ev_event *ev, int m)
{
	if (ev->kind != EV_KIND_TASK)
		return NULL;
	switch (m) {
	case BY_PID:
		return ev_is_tasksched(ev) ? ev_col(ev, EV_COL_TARGET_PID) : NULL;
	case BY_INST:
		return ev->event_id == 200 || ev->event_id == 201 ?
		    ev_col(ev, EV_COL_TASK_INSTANCE_ID) : NULL;
	default:
		return ev->event_id == 129 || ev->event_id == 200 ||
		    ev->event_id == 201 || ev->event_id == 141 ? NULL :
		    ev_col(ev, EV_COL_TASK_NAME);
	}
}

static int
put(struct corr_tasks *t, struct ev_buf *b, int m, const struct ev_event *ev)
{
	struct ev_map_ent *e;
	bool isnew;

	if (!corr_key(b, ev, key_col(ev, m)))
		return ev_buf_failed(b) ? EV_ENOMEM : 0;
	if ((e = ev_map_put(&t->map[m], b->buf, b->len, &isnew)) == NULL)
		return EV_ENOMEM;
	t->links[t->nlinks] = (struct link){ ev, isnew ? NONE : e->idx };
	e->idx = (uint32_t)t->nlinks++;
	return 0;
}

void
corr_tasks_free(struct corr_tasks *t)
{
	if (t == NULL)
		return;
	for (int m = 0; m < NMAPS; m++)
		ev_map_release(&t->map[m]);
	free(t->links);
	free(t);
}

int
corr_tasks_build(struct ev_event *const *events, size_t n,
    struct corr_tasks **out)
{
	struct corr_tasks *t;
	struct ev_buf b = EV_BUF_INIT;
	size_t nt = 0;
	int rc = 0;

	*out = NULL;
	for (size_t i = 0; i < n; i++)
		if (events[i]->kind == EV_KIND_TASK)
			nt++;
	if (nt == 0)
		return 0;
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->links = calloc(nt * NMAPS, sizeof(*t->links))) == NULL) {
		free(t);
		return EV_ENOMEM;
	}
	for (int m = 0; m < NMAPS; m++)
		ev_map_init(&t->map[m]);
	for (size_t i = 0; i < n && rc == 0; i++)
		for (int m = 0; m < NMAPS && rc == 0 &&
		    events[i]->kind == EV_KIND_TASK; m++)
			rc = put(t, &b, m, events[i]);
	ev_buf_release(&b);
	if (rc != 0) {
		corr_tasks_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

/* The latest link of ev's key in map m (by column value id), or NONE. */
static uint32_t
first(const struct corr_tasks *t, struct ev_buf *b, int m,
    const struct ev_event *ev, const char *id)
{
	const struct ev_map_ent *e;

	if (t == NULL || !corr_key(b, ev, id) ||
	    (e = ev_map_get(&t->map[m], b->buf, b->len)) == NULL)
		return NONE;
	return e->idx;
}

/* Whether an image as a task logs it (a path, a file name, a COM
   handler's name) may be the image of a process. */
static bool
image_agrees(const char *task_image, const char *image)
{
	const char *a = ev_basename(task_image), *b = ev_basename(image);

	return a == NULL || b == NULL || strchr(a, '.') == NULL ||
	    strcasecmp(a, b) == 0;
}

static bool
ci_eq(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcasecmp(a, b) == 0);
}

const struct ev_event *
corr_tasks_launch(const struct corr_tasks *t, const struct ev_event *proc)
{
	struct ev_buf b = EV_BUF_INIT;
	const struct ev_event *best = NULL;
	uint32_t j;

	/* no launch logged (no 129 or 200): nothing to look up */
	if (t == NULL || t->map[BY_PID].n == 0)
		return NULL;
	j = first(t, &b, BY_PID, proc, ev_col(proc, EV_COL_PID));

	ev_buf_release(&b);
	for (int tries = 0; j != NONE && tries < CORR_TASK_TRIES;
	    j = t->links[j].prev, tries++) {
		const struct ev_event *e = t->links[j].ev;

		if (e->event_id == 201 ||
		    ev_tdiff(e->time, proc->time) > CORR_TASK_WINDOW ||
		    !image_agrees(ev_col(e, EV_COL_IMAGE),
		    ev_col(proc, EV_COL_IMAGE)))
			continue;
		if (e->event_id == 129)
			return e;
		if (best == NULL)
			best = e;
	}
	return best;
}

/* The 200 or 201 (want) of ev's instance and action, nearest ev. */
static const struct ev_event *
by_instance(const struct corr_tasks *t, struct ev_buf *b,
    const struct ev_event *ev, uint32_t want)
{
	const struct ev_event *best = NULL;
	uint32_t j = first(t, b, BY_INST, ev, ev_col(ev, EV_COL_TASK_INSTANCE_ID));

	for (int tries = 0; j != NONE && tries < CORR_TASK_TRIES;
	    j = t->links[j].prev, tries++) {
		const struct ev_event *e = t->links[j].ev;

		if (e->event_id != want ||
		    !ci_eq(ev_col(e, EV_COL_IMAGE), ev_col(ev, EV_COL_IMAGE)) ||
		    (want == 201 ? e->time < ev->time : e->time > ev->time))
			continue;
		/* walking back: a 201 after ev, the earliest; a 200 before
		   it, the latest */
		best = e;
		if (want == 200)
			break;
	}
	return best;
}

/* The 129 or 200 (want) of ev's task and process within the window. */
static const struct ev_event *
by_process(const struct corr_tasks *t, struct ev_buf *b,
    const struct ev_event *ev, uint32_t want)
{
	uint32_t j = first(t, b, BY_PID, ev, ev_col(ev, EV_COL_TARGET_PID));

	for (int tries = 0; j != NONE && tries < CORR_TASK_TRIES;
	    j = t->links[j].prev, tries++) {
		const struct ev_event *e = t->links[j].ev;

		if (e->event_id == want && ev_tdiff(e->time, ev->time) <=
		    CORR_TASK_WINDOW && ci_eq(ev_col(e, EV_COL_TASK_NAME),
		    ev_col(ev, EV_COL_TASK_NAME)))
			return e;
	}
	return NULL;
}

/* The latest registration of ev's task at or before time t0. */
static const struct ev_event *
registration(const struct corr_tasks *t, struct ev_buf *b,
    const struct ev_event *ev, uint64_t t0)
{
	const struct ev_event *best = NULL;
	uint32_t j = first(t, b, BY_NAME, ev, ev_col(ev, EV_COL_TASK_NAME));

	for (int tries = 0; j != NONE && tries < CORR_TASK_TRIES;
	    j = t->links[j].prev, tries++) {
		const struct ev_event *e = t->links[j].ev;

		if (e->time > t0)
			continue;
		if (best != NULL && ev_tdiff(best->time, e->time) > CORR_TASK_WINDOW)
			break;
		/* the Security event of the same moment has the XML */
		if (best == NULL || (ev_is_tasksched(best) &&
		    !ev_is_tasksched(e)))
			best = e;
	}
	return best;
}

bool
corr_tasks_run(const struct corr_tasks *t, const struct ev_event *ev,
    struct corr_task *out)
{
	struct ev_buf b = EV_BUF_INIT;
	const struct ev_event *e;

	memset(out, 0, sizeof(*out));
	if (ev->kind == EV_KIND_PROCESS)
		ev = corr_tasks_launch(t, ev);
	if (t == NULL || ev == NULL || !ev_is_tasksched(ev) ||
	    (ev->event_id != 129 && ev->event_id != 200 &&
	    ev->event_id != 201))
		return false;
	if (ev->event_id == 129) {
		out->launched = ev;
		out->started = by_process(t, &b, ev, 200);
	} else if (ev->event_id == 200)
		out->started = ev;
	else {
		out->completed = ev;
		out->started = by_instance(t, &b, ev, 200);
	}
	if (out->started != NULL && out->completed == NULL)
		out->completed = by_instance(t, &b, out->started, 201);
	if (out->started != NULL && out->launched == NULL)
		out->launched = by_process(t, &b, out->started, 129);
	e = out->launched != NULL ? out->launched : out->started != NULL ?
	    out->started : ev;
	out->registered = registration(t, &b, e, e->time);
	ev_buf_release(&b);
	return true;
}
