/*
 * escape.h -- making attacker-controlled strings safe for each output.
 *
 * Every string that comes from a log (command lines, images, user names,
 * even field names) is hostile until escaped: terminal escape sequences
 * could rewrite the analyst's screen, a CSV cell starting with '=' runs a
 * formula in a spreadsheet, "</script>" ends a script in HTML.  Each
 * function appends the escaped form of s to b; a NULL s appends nothing
 * (JSON: null).  Invalid UTF-8 is replaced by U+FFFD in every form.
 */
#ifndef REPORT_ESCAPE_H
#define REPORT_ESCAPE_H

#include "ev_buf.h"
#include "ev_term.h"

/*
 * JSON text (n bytes, as built with ev_json_str()) made safe inside an
 * HTML <script> element: < > & become \u003c \u003e \u0026 and raw
 * U+2028/U+2029 become \u2028/\u2029.  Those characters can only occur
 * inside JSON strings, so the value is unchanged, but "</script>" or
 * "<!--" in a log string can no longer end or confuse the element.
 */
void	report_json_script(struct ev_buf *b, const char *json, size_t n);
/*
 * report_json_script() of what b holds from byte from on, in place (a
 * copy is made only when something needs escaping).  JSON text cut
 * between values escapes piece by piece as it would whole.
 */
void	report_json_script_tail(struct ev_buf *b, size_t from);

/*
 * One RFC 4180 CSV cell: quoted when it holds a comma, quote, CR or LF;
 * a cell starting with = + - @ TAB or CR gets a leading ' so that
 * spreadsheets show it as text instead of evaluating it.  Controls other
 * than TAB, CR and LF (ESC...), C1 controls and bidirectional overrides
 * become U+FFFD, so a CSV shown with cat or in a spreadsheet cannot move
 * the cursor or reorder text (the exact bytes stay in JSON and the DB).
 */
void	report_csv_cell(struct ev_buf *b, const char *s);

/*
 * Text for a terminal: the core's escaping (ev_term.h), the same as every
 * message on standard error gets, so nothing a log holds can move the
 * cursor, change colours or reorder what is shown.
 */
#define report_text_safe	ev_term_safe

/* HTML text or attribute value: & < > " ' escaped, controls dropped. */
void	report_html_str(struct ev_buf *b, const char *s);

#endif
