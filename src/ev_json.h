/*
 * ev_json.h -- JSON text for the store and every JSON writer: string
 * literals, and the EventData of an event as an object.  Values come from
 * logs and are hostile: see ev_json_str() for what is escaped.
 */
#ifndef EV_JSON_H
#define EV_JSON_H

#include "ev_buf.h"
#include "event.h"

/*
 * Appends s as a JSON string literal with its quotes (NULL: null);
 * controls as \uXXXX, also U+2028/9 and the bidirectional controls (so
 * that printing the JSON cannot reorder a terminal line; the decoded
 * value is unchanged).  Invalid UTF-8 becomes U+FFFD.
 */
void	ev_json_str(struct ev_buf *b, const char *s);

/* Appends v[0..n) as a JSON array of ev_json_str() strings. */
void	ev_json_strv(struct ev_buf *b, const char *const *v, size_t n);

/*
 * Appends the EventData of ev as a JSON object: names as logged, an
 * unnamed Data element as "Data1", "Data2"... by position.
 */
void	ev_json_data(struct ev_buf *b, const struct ev_event *ev);

#endif
