/*
 * report_csv.c -- the `csv` report: RFC 4180, CRLF line ends, one header
 * row, one row per group of identical findings, with its count, time span
 * and records (or per event with --all-events).  Only
 * timeline rows: the header facts (files, rules, coverage, tampering) are
 * in the other formats.  The columns are fixed by evtxhunt-scan(1) and
 * only ever appended to.
 */
#include <inttypes.h>
#include <string.h>

#include "ev_time.h"
#include "report/escape.h"
#include "report/report_int.h"

static const char header[] =
    "time,computer,source,level,title,rule_id,tags,event_id,image,"
    "command_line,parent_image,parent_command_line,user,process_guid,pid,"
    "record_id,file,score,details,channel,kind,recovered,parent_chain,"
    "network,image_loads,group,count,first_time,last_time,records,"
    "matched\r\n";

static void
cell(struct ev_buf *b, const char *s)
{
	report_csv_cell(b, s);
	ev_buf_addc(b, ',');
}

static void
context_cells(struct ev_buf *b, const struct rp *rp, const struct ev_event *ev)
{
	struct ev_buf t = EV_BUF_INIT;
	struct rp_ctx c;

	rp_context(rp, ev, &c);
	rp_chain_cell(&t, &c);
	cell(b, t.buf);
	ev_buf_reset(&t);
	rp_net_cell(&t, &c);
	cell(b, t.buf);
	ev_buf_reset(&t);
	rp_loads_cell(&t, &c);
	cell(b, t.buf);
	ev_buf_release(&t);
}

/* The group columns: id, count, time span, every record ("path #id"). */
static void
group_cells(struct ev_buf *b, const struct rp *rp,
    const struct finding_group *g)
{
	const struct ingest_run *run = rp->r->run;
	char iso[EV_TIME_MAX_LEN + 1];
	struct ev_buf t = EV_BUF_INIT;
	uint32_t file = UINT32_MAX;

	ev_buf_addf(b, "%" PRIu32 ",%zu,", g->id, g->count);
	ev_time_format(g->first_time, EV_TIME_LOCAL, iso);
	ev_buf_addf(b, "%s,", iso);
	ev_time_format(g->last_time, EV_TIME_LOCAL, iso);
	ev_buf_addf(b, "%s,", iso);
	for (size_t i = 0; i < g->count; i++) {
		const struct ev_event *ev = g->members[i]->ev;

		if (ev->file_id != file)
			ev_buf_addf(&t, "%s%s", i ? "; " : "",
			    ev->file_id < run->nfiles ?
			    run->files[ev->file_id].path : "?");
		else
			ev_buf_addc(&t, ',');
		file = ev->file_id;
		ev_buf_addf(&t, " #%" PRIu64, ev->record_id);
	}
	report_csv_cell(b, t.buf);
	ev_buf_release(&t);
}

static void
row(struct ev_buf *b, const struct rp *rp, const struct rp_item *it)
{
	const struct ev_event *ev = it->ev;
	const struct finding *f = it->f;
	const struct ingest_run *run = rp->r->run;
	char iso[EV_TIME_MAX_LEN + 1];
	struct ev_buf t = EV_BUF_INIT;
	double score;

	ev_time_format(ev->time, EV_TIME_LOCAL, iso);
	ev_buf_adds(b, iso);
	ev_buf_addc(b, ',');
	cell(b, ev_col(ev, EV_COL_COMPUTER));
	if (f != NULL) {
		cell(b, rp_source(f));
		cell(b, ev_level_name(f->level));
		rp_join_titles(&t, f);
		cell(b, t.buf);
		ev_buf_reset(&t);
		rp_join_ids(&t, f);
		cell(b, t.buf);
		ev_buf_reset(&t);
		rp_join_tags(&t, f);
		cell(b, t.buf);
		ev_buf_reset(&t);
	} else
		ev_buf_adds(b, ",,,,,");
	ev_buf_addf(b, "%" PRIu32 ",", ev->event_id);
	cell(b, ev_col(ev, EV_COL_IMAGE));
	cell(b, rp_col(ev, EV_COL_COMMAND_LINE));
	cell(b, rp_col(ev, EV_COL_PARENT_IMAGE));
	cell(b, rp_col(ev, EV_COL_PARENT_COMMAND_LINE));
	cell(b, rp_col(ev, EV_COL_USER));
	cell(b, ev_col(ev, EV_COL_PROCESS_GUID));
	/* an integer column: digits and '-' only, but a leading '-' would
	 * still be a formula to a spreadsheet, so it goes through the cell
	 * escaping too */
	cell(b, ev_col(ev, EV_COL_PID));
	ev_buf_addf(b, "%" PRIu64 ",", ev->record_id);
	cell(b, ev->file_id < run->nfiles ? run->files[ev->file_id].path :
	    NULL);
	if (f != NULL && (score = rp_score(f)) >= 0)
		ev_buf_addf(b, "%.2f", score);
	ev_buf_addc(b, ',');
	if (f != NULL)
		rp_join_details(&t, f);
	cell(b, t.buf);
	cell(b, ev_col(ev, EV_COL_CHANNEL));
	cell(b, ev_kind_name(ev->kind));
	ev_buf_adds(b, ev->recovered ? "1," : "0,");
	if (f != NULL)
		context_cells(b, rp, ev);
	else
		ev_buf_adds(b, ",,,");
	if (it->g != NULL && !rp->r->opts.all_events)
		group_cells(b, rp, it->g);
	else if (it->g != NULL)
		ev_buf_addf(b, "%" PRIu32 ",%zu,,,", it->g->id, it->g->count);
	else
		ev_buf_adds(b, ",,,,");
	ev_buf_addc(b, ',');
	ev_buf_reset(&t);
	if (f != NULL)
		rp_join_matched(&t, f);
	report_csv_cell(b, t.buf);
	ev_buf_adds(b, "\r\n");
	ev_buf_release(&t);
}

int
report_csv(FILE *out, const struct rp *rp, struct ev_err *err)
{
	struct ev_buf b = EV_BUF_INIT;
	int rc;

	ev_buf_adds(&b, header);
	if ((rc = rp_flush(out, &b, err)) == 0)
		rc = rp_write_items(out, rp, rp->items, rp->nitems, row, err);
	ev_buf_release(&b);
	return rc;
}
