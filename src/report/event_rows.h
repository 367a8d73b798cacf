/*
 * event_rows.h -- one extracted event as a CSV row or a JSON object: the
 * output of `evtxhunt dump` (columns documented in evtxhunt-dump(1)).
 *
 * Fixed leading fields, then every column of ev_cols[] in order, then
 * dup_record and the EventData object.  JSON omits columns an event does
 * not give; CSV leaves their cells empty.
 */
#ifndef REPORT_EVENT_ROWS_H
#define REPORT_EVENT_ROWS_H

#include "ev_buf.h"
#include "ingest.h"

/* The CSV header line, with its CRLF. */
void	report_event_csv_header(struct ev_buf *b);
/* One CSV record for ev, with its CRLF. */
void	report_event_csv(struct ev_buf *b, const struct ingest_run *run,
	    const struct ev_event *ev);
/* One JSON object for ev, without a newline. */
void	report_event_json(struct ev_buf *b, const struct ingest_run *run,
	    const struct ev_event *ev);

#endif
