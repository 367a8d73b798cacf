/*
 * report_html.h -- the constant part of the `html` report (private to
 * report_html*.c): its style sheet and its drawing script.
 */
#ifndef REPORT_HTML_H
#define REPORT_HTML_H

extern const char rp_html_css[];
extern const char rp_html_js[];

#endif
