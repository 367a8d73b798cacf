/*
 * findings_int.h -- between the files of the findings step (findings.c,
 * findings_filter.c): what drops a finding's reason.
 */
#ifndef FINDINGS_INT_H
#define FINDINGS_INT_H

struct ev_event;
struct finding_reason;
struct findings;
struct findings_filter;

/* One line of a --suppress file: every given pattern must match. */
struct findings_suppress {
	char	*rule, *computer, *image, *cmdline;
};

/* Why a reason is dropped (the order of struct findings' counts). */
enum findings_why {
	FINDINGS_KEEP, FINDINGS_SUPPRESS, FINDINGS_FILTER, FINDINGS_LEVEL
};

/*
 * Whether a --suppress line of fs drops r, a reason of ev, or else the
 * filters flt (a computer or rule pattern, the least level).
 */
enum findings_why findings_reason_drop(const struct findings *fs,
	    const struct findings_filter *flt, const struct ev_event *ev,
	    const struct finding_reason *r);

#endif
