/*
 * findings_filter.c -- what drops a finding's reason (findings_int.h):
 * the lines of --suppress files, and the report filters.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "findings_int.h"

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Parses one non-empty line into *one; false when it is not valid. */
static bool
suppress_line(struct findings *fs, char *p, struct findings_suppress *one)
{
	char *field;
	bool any = false;

	while ((field = strsep(&p, "|")) != NULL) {
		char *eq, **slot;

		field = trim(field);
		if (*field == '\0')
			continue;
		if ((eq = strchr(field, '=')) == NULL)
			return false;
		*eq = '\0';
		if (strcmp(trim(field), "rule") == 0)
			slot = &one->rule;
		else if (strcmp(trim(field), "computer") == 0)
			slot = &one->computer;
		else if (strcmp(trim(field), "image") == 0)
			slot = &one->image;
		else if (strcmp(trim(field), "cmdline") == 0)
			slot = &one->cmdline;
		else
			return false;
		*slot = ev_arena_strdup(&fs->arena, trim(eq + 1));
		any = true;
	}
	return any;
}

int
findings_load_suppress(struct findings *fs, const char *path,
    struct ev_err *err)
{
	FILE *f = fopen(path, "r");
	char line[8192];
	unsigned lineno = 0;

	if (f == NULL)
		return EV_ERR_SYS(err, "cannot open '%s'", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		struct findings_suppress *sp, one = { 0 };
		char *hash;

		lineno++;
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		if (*trim(line) == '\0')
			continue;
		if (!suppress_line(fs, line, &one) || (sp = realloc(fs->sup,
		    (fs->nsup + 1) * sizeof(*sp))) == NULL) {
			fclose(f);
			return EV_ERR(err, EV_EUSAGE, 0, "%s:%u: expected "
			    "'rule=|computer=|image=|cmdline=' patterns "
			    "separated by '|'", path, lineno);
		}
		fs->sup = sp;
		fs->sup[fs->nsup++] = one;
	}
	fclose(f);
	return 0;
}

static bool
glob(const char *pat, const char *s)
{
	return pat == NULL || (s != NULL &&
	    fnmatch(pat, s, FNM_CASEFOLD) == 0);
}

/* Whether a --suppress line of fs drops r of ev. */
static bool
reason_suppressed(const struct findings *fs, const struct ev_event *ev,
    const struct finding_reason *r)
{
	for (size_t i = 0; i < fs->nsup; i++) {
		const struct findings_suppress *sp = &fs->sup[i];

		if (sp->rule != NULL && !glob(sp->rule, r->rule_id) &&
		    !glob(sp->rule, r->title))
			continue;
		if (glob(sp->computer, ev_col(ev, EV_COL_COMPUTER)) &&
		    glob(sp->image, ev_col(ev, EV_COL_IMAGE)) &&
		    glob(sp->cmdline, ev_col(ev, EV_COL_COMMAND_LINE)))
			return true;
	}
	return false;
}

/* Why the report filters drop r, or FINDINGS_KEEP. */
static enum findings_why
reason_filtered(const struct findings_filter *flt, const struct ev_event *ev,
    const struct finding_reason *r)
{
	if (flt->computer != NULL &&
	    !glob(flt->computer, ev_col(ev, EV_COL_COMPUTER)))
		return FINDINGS_FILTER;
	if (flt->rule != NULL && !glob(flt->rule, r->rule_id) &&
	    !glob(flt->rule, r->title))
		return FINDINGS_FILTER;
	if (r->level < flt->min_level)
		return FINDINGS_LEVEL;
	return FINDINGS_KEEP;
}

enum findings_why
findings_reason_drop(const struct findings *fs,
    const struct findings_filter *flt, const struct ev_event *ev,
    const struct finding_reason *r)
{
	return reason_suppressed(fs, ev, r) ? FINDINGS_SUPPRESS :
	    reason_filtered(flt, ev, r);
}
