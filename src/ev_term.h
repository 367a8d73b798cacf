/*
 * ev_term.h -- making hostile text safe for a terminal, for the text
 * report and for every message on standard error alike.
 *
 * File names, rule paths, YAML values and log strings reach messages and
 * reports; none of them may move the cursor, set the window title, clear
 * the screen, reorder a line or start a new one.  This is the core's one
 * definition of that escaping (report/escape.h uses it for the text
 * report; cmd_warn() for every message).
 */
#ifndef EV_TERM_H
#define EV_TERM_H

#include "ev_buf.h"

/*
 * Appends s for a terminal: C0 and C1 controls, DEL and ESC as visible
 * escapes (\e, \x07, \x0a, \u009b), bidirectional controls as \u202e,
 * invalid UTF-8 as U+FFFD.  A NULL s appends nothing.
 */
void	ev_term_safe(struct ev_buf *b, const char *s);

#endif
