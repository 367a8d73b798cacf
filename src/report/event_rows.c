/*
 * event_rows.c -- events as CSV rows and JSON objects (see event_rows.h).
 */
#include <inttypes.h>
#include <stdio.h>

#include "ev_json.h"
#include "ev_time.h"
#include "report/escape.h"
#include "report/event_rows.h"

static const char *const lead[] = {
	"time", "computer", "channel", "provider", "event_id", "kind",
	"record_id", "recovered", "template", "file", "chunk", "offset",
};

void
report_event_csv_header(struct ev_buf *b)
{
	for (size_t i = 0; i < sizeof(lead) / sizeof(lead[0]); i++) {
		ev_buf_adds(b, lead[i]);
		ev_buf_addc(b, ',');
	}
	for (int i = 0; i < EV_NCOL; i++) {
		if (i == EV_COL_COMPUTER || i == EV_COL_CHANNEL ||
		    i == EV_COL_PROVIDER)
			continue;
		ev_buf_adds(b, ev_cols[i].name);
		ev_buf_addc(b, ',');
	}
	ev_buf_adds(b, "user_sid,dup_record,data\r\n");
}

void
report_event_csv(struct ev_buf *b, const struct ingest_run *run,
    const struct ev_event *ev)
{
	char iso[EV_TIME_MAX_LEN + 1];
	struct ev_buf json = EV_BUF_INIT;

	/* a human format: in the display zone (--tz) */
	ev_time_format(ev->time, EV_TIME_LOCAL, iso);
	ev_buf_adds(b, iso);
	ev_buf_addc(b, ',');
	report_csv_cell(b, ev_col(ev, EV_COL_COMPUTER));
	ev_buf_addc(b, ',');
	report_csv_cell(b, ev_col(ev, EV_COL_CHANNEL));
	ev_buf_addc(b, ',');
	report_csv_cell(b, ev_col(ev, EV_COL_PROVIDER));
	ev_buf_addf(b, ",%" PRIu32 ",%s,%" PRIu64 ",%d,%s,", ev->event_id,
	    ev_kind_name(ev->kind), ev->record_id, ev->recovered ? 1 : 0,
	    ev->unresolved ? "unresolved" : "");
	report_csv_cell(b, ingest_file_of(run, ev)->path);
	ev_buf_addf(b, ",%" PRIu32 ",%" PRIu64 ",", ev->chunk, ev->offset);
	for (int i = 0; i < EV_NCOL; i++) {
		if (i == EV_COL_COMPUTER || i == EV_COL_CHANNEL ||
		    i == EV_COL_PROVIDER)
			continue;
		if (ev_col(ev, i) != NULL) {
			if (ev_cols[i].type == EV_T_TEXT)
				report_csv_cell(b, ev_col(ev, i));
			else
				ev_buf_adds(b, ev_col(ev, i));
		}
		ev_buf_addc(b, ',');
	}
	report_csv_cell(b, ev->user_sid);
	ev_buf_addc(b, ',');
	if (ev->dup_record)
		ev_buf_addf(b, "%" PRIu64, ev->dup_record);
	ev_buf_addc(b, ',');
	ev_json_data(&json, ev);
	report_csv_cell(b, json.buf);
	ev_buf_release(&json);
	ev_buf_add(b, "\r\n", 2);
}

/* ,"key": */
static void
add_key(struct ev_buf *b, const char *key)
{
	ev_buf_add(b, ",\"", 2);
	ev_buf_adds(b, key);
	ev_buf_add(b, "\":", 2);
}

void
report_event_json(struct ev_buf *b, const struct ingest_run *run,
    const struct ev_event *ev)
{
	char iso[EV_TIME_ISO_LEN + 1];

	/* the hot path of dump: plain appends, no printf */
	ev_time_iso(ev->time, iso);
	ev_buf_add(b, "{\"time\":\"", 9);
	ev_buf_add(b, iso, EV_TIME_ISO_LEN);
	ev_buf_add(b, "\",\"computer\":", 13);
	ev_json_str(b, ev_col(ev, EV_COL_COMPUTER));
	ev_buf_adds(b, ",\"channel\":");
	ev_json_str(b, ev_col(ev, EV_COL_CHANNEL));
	ev_buf_adds(b, ",\"provider\":");
	ev_json_str(b, ev_col(ev, EV_COL_PROVIDER));
	ev_buf_adds(b, ",\"event_id\":");
	ev_buf_add_u64(b, ev->event_id);
	ev_buf_adds(b, ",\"kind\":\"");
	ev_buf_adds(b, ev_kind_name(ev->kind));
	ev_buf_adds(b, "\",\"record_id\":");
	ev_buf_add_u64(b, ev->record_id);
	ev_buf_adds(b, ev->recovered ? ",\"recovered\":true" :
	    ",\"recovered\":false");
	if (ev->unresolved)
		ev_buf_adds(b, ",\"template\":\"unresolved\"");
	ev_buf_adds(b, ",\"file\":");
	ev_json_str(b, ingest_file_of(run, ev)->path);
	ev_buf_adds(b, ",\"chunk\":");
	ev_buf_add_u64(b, ev->chunk);
	ev_buf_adds(b, ",\"offset\":");
	ev_buf_add_u64(b, ev->offset);
	for (int i = 0; i < EV_NCOL; i++) {
		if (i == EV_COL_COMPUTER || i == EV_COL_CHANNEL ||
		    i == EV_COL_PROVIDER || ev_col(ev, i) == NULL)
			continue;
		add_key(b, ev_cols[i].name);
		if (ev_cols[i].type == EV_T_INT)
			ev_buf_adds(b, ev_col(ev, i));
		else if (ev_cols[i].type == EV_T_BOOL)
			ev_buf_adds(b, ev_col(ev, i)[0] == '1' ? "true" :
			    "false");
		else
			ev_json_str(b, ev_col(ev, i));
	}
	if (ev->user_sid != NULL) {
		ev_buf_adds(b, ",\"user_sid\":");
		ev_json_str(b, ev->user_sid);
	}
	if (ev->dup_record) {
		ev_buf_adds(b, ",\"dup_record\":");
		ev_buf_add_u64(b, ev->dup_record);
	}
	ev_buf_adds(b, ",\"data\":");
	ev_json_data(b, ev);
	ev_buf_addc(b, '}');
}
