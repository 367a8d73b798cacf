/*
 * report_task.c -- the TaskScheduler/Operational task events in a
 * report: their one-line summary and the task run shown in an entry's
 * context.
 */
#include <inttypes.h>
#include <stdint.h>

#include "ev_util.h"
#include "report/report_int.h"

static const char *
or_q(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : "?";
}

/* A ResultCode (decimal as logged) as the HRESULT hex Windows shows. */
static void
result_hex(struct ev_buf *b, const char *v)
{
	int64_t x;

	if (v == NULL || ev_parse_int_auto(v, &x) == -1 ||
	    x < INT32_MIN || x > (int64_t)UINT32_MAX)
		ev_buf_adds(b, or_q(v));
	else
		ev_buf_addf(b, "0x%" PRIx32, (uint32_t)x);
}

void
rp_tasksched_line(const struct ev_event *ev, struct ev_buf *b)
{
	const char *c[EV_NCOL], *name;

	ev_cols_unpack(ev, c);
	name = or_q(c[EV_COL_TASK_NAME]);

	switch (ev->event_id) {
	case 129:
		ev_buf_addf(b, "task %s launched %s (pid %s)", name,
		    or_q(c[EV_COL_IMAGE]), or_q(c[EV_COL_TARGET_PID]));
		return;
	case 200:
		ev_buf_addf(b, "task %s started %s (instance %s)", name,
		    or_q(c[EV_COL_IMAGE]), or_q(c[EV_COL_TASK_INSTANCE_ID]));
		return;
	case 201:
		ev_buf_addf(b, "task %s action completed, result ", name);
		result_hex(b, c[EV_COL_RESULT_CODE]);
		ev_buf_addf(b, " (instance %s)",
		    or_q(c[EV_COL_TASK_INSTANCE_ID]));
		return;
	}
	ev_buf_addf(b, "task %s %s by %s", name, ev->event_id == 106 ?
	    "registered" : ev->event_id == 140 ? "updated" :
	    ev->event_id == 141 ? "deleted" : "logged",
	    or_q(c[EV_COL_USER]));
}

void
rp_task_context(const struct corr *c, const struct ev_event *ev,
    struct rp_ctx *ctx)
{
	struct corr_task t;
	const struct ev_event *p = ev->kind == EV_KIND_PROCESS ? ev :
	    ev->kind == EV_KIND_TASK ? NULL : corr_process(c, ev);
	const struct ev_event *origin = p != NULL ? corr_origin(c, p) : NULL;

	if (!corr_task(c, p != NULL ? p : ev, &t))
		return;
	for (int i = 0; i < 4; i++) {
		const struct ev_event *e = i == 0 ? t.registered : i == 1 ?
		    t.launched : i == 2 ? t.started : t.completed;

		if (e != NULL && e != ev && e != origin)
			ctx->task[ctx->ntask++] = e;
	}
}
