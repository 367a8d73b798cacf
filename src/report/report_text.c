/*
 * report_text.c -- the `text` report, for a terminal or a pager, findings
 * first: sections Verdict, Timeline (one entry per group of identical
 * findings), Coverage, Tampering, Damaged files, Summary, and Scanned
 * (the run's facts and every file) last; lines fit opts.width
 * columns (default 100); every log string passes report_text_safe();
 * long values wrap onto indented continuation lines (never truncated);
 * ANSI colours only with opts.color.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ev_time.h"
#include "ev_util.h"
#include "report/escape.h"
#include "report/report_int.h"

#define LABEL_W	10	/* "command   " */
#define VERDICT_TOP	5	/* entries named in the verdict */
#define IND	4	/* fields under a timeline entry */

struct tw {
	struct ev_buf	*b;
	bool		 color;
	unsigned	 width;
	struct ev_buf	 tmp;	/* escaped value being wrapped */
};

enum { C_OFF, C_BOLD, C_DIM, C_RED, C_YELLOW, C_CYAN, C_MAGENTA, C_GREEN };

static void
sgr(struct tw *w, int c)
{
	static const char *const codes[] = {
		"0", "1", "2", "31", "33", "36", "1;35", "32",
	};

	if (w->color)
		ev_buf_addf(w->b, "\033[%sm", codes[c]);
}

static int
level_color(int level)
{
	switch (level) {
	case EV_LEVEL_CRITICAL:	return C_MAGENTA;
	case EV_LEVEL_HIGH:	return C_RED;
	case EV_LEVEL_MEDIUM:	return C_YELLOW;
	case EV_LEVEL_LOW:	return C_CYAN;
	}
	return C_DIM;
}

static void
spaces(struct ev_buf *b, unsigned n)
{
	while (n-- > 0)
		ev_buf_addc(b, ' ');
}

/* Columns of UTF-8 text (one per code point). */
static size_t
cols(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/*
 * Appends the already safe text s, starting at column col, wrapping at
 * w->width onto lines indented by ind; breaks after a space when one is
 * in the second half of the line, else mid-word.  Concatenating the
 * pieces gives s back exactly.
 */
static void
wrap(struct tw *w, const char *s, unsigned col, unsigned ind)
{
	size_t n = strlen(s);
	unsigned avail = w->width > col + 8 ? w->width - col : 8;

	for (;;) {
		size_t i = 0, c = 0, brk = 0;

		/* the longest prefix that fits */
		while (i < n && c < avail) {
			i++;
			while (i < n && ((unsigned char)s[i] & 0xc0) == 0x80)
				i++;
			c++;
		}
		if (i >= n) {
			ev_buf_add(w->b, s, n);
			return;
		}
		for (size_t k = i; k > 0; k--)
			if (s[k - 1] == ' ') {
				if (cols(s, k) > avail / 2)
					brk = k;
				break;
			}
		if (brk == 0)
			brk = i;
		ev_buf_add(w->b, s, brk);
		ev_buf_addc(w->b, '\n');
		spaces(w->b, ind);
		s += brk;
		n -= brk;
		avail = w->width > ind + 8 ? w->width - ind : 8;
	}
}

/* Hostile text s, made safe, wrapped from column col, indented by ind. */
static void
safe_wrap(struct tw *w, const char *s, unsigned col, unsigned ind)
{
	ev_buf_reset(&w->tmp);
	report_text_safe(&w->tmp, s);
	wrap(w, w->tmp.buf, col, ind);
}

/* "    label     value\n", value hostile, wrapped under itself. */
static void
field(struct tw *w, unsigned ind, const char *label, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	spaces(w->b, ind);
	sgr(w, C_DIM);
	ev_buf_addf(w->b, "%-*s", LABEL_W, label);
	sgr(w, C_OFF);
	safe_wrap(w, value, ind + LABEL_W, ind + LABEL_W);
	ev_buf_addc(w->b, '\n');
}

static void
heading(struct tw *w, const char *title)
{
	size_t n = strlen(title);

	ev_buf_addc(w->b, '\n');
	sgr(w, C_BOLD);
	ev_buf_addf(w->b, "== %s ", title);
	for (size_t i = n + 4; i < w->width; i++)
		ev_buf_addc(w->b, '=');
	sgr(w, C_OFF);
	ev_buf_addc(w->b, '\n');
}

static const char *
iso(uint64_t t, char *buf)
{
	if (t == 0)
		return "-";
	return ev_time_format(t, EV_TIME_LOCAL, buf);
}

/* ---- the verdict ---- */

/* "N findings in M entries (critical a, high b, ...)" */
static void
verdict_findings(struct tw *w, const struct rp *rp, struct ev_buf *t)
{
	const struct report *r = rp->r;
	bool any = false;

	ev_buf_reset(t);
	ev_buf_addf(t, "%zu", r->nfindings);
	if (rp->ngroups < r->nfindings && !r->opts.all_events)
		ev_buf_addf(t, " in %zu entries (identical findings grouped "
		    "by %s)", rp->ngroups, r->grouping ? r->grouping :
		    "command line");
	for (int l = EV_NLEVELS - 1; l >= 1; l--) {
		if (rp->byl[l] == 0)
			continue;
		ev_buf_addf(t, "%s%s %" PRIu64, any ? ", " : ": ",
		    ev_level_name(l), rp->byl[l]);
		any = true;
	}
	if (r->opts.min_level > EV_LEVEL_INFORMATIONAL)
		ev_buf_addf(t, " (minimum level %s)",
		    ev_level_name(r->opts.min_level));
	field(w, 0, "findings", t->buf);
}

/* What the filters dropped: findings, and reasons apart. */
static void
dropped(struct ev_buf *t, const char *what, const struct findings_drop *d)
{
	if (d->findings == 0 && d->reasons == 0)
		return;
	ev_buf_addf(t, "%s%" PRIu64 " finding%s %s (%" PRIu64 " reason%s)",
	    t->len ? "; " : "", d->findings, d->findings == 1 ? "" : "s", what,
	    d->reasons, d->reasons == 1 ? "" : "s");
}

static void
verdict_dropped(struct tw *w, const struct rp *rp, struct ev_buf *t)
{
	const struct report *r = rp->r;

	ev_buf_reset(t);
	dropped(t, "suppressed", &r->suppressed);
	dropped(t, "filtered out by --computer/--rule", &r->filtered);
	dropped(t, "below the minimum level", &r->below);
	field(w, 0, "dropped", t->buf);
}

static void
verdict_hosts(struct tw *w, const struct rp *rp, struct ev_buf *t)
{
	size_t blind = 0, k = 0;

	ev_buf_reset(t);
	ev_buf_addf(t, "%zu, %zu with findings", rp->nhosts, rp->nhostc);
	for (size_t i = 0; i < rp->nhostc && i < 5; i++)
		ev_buf_addf(t, "%s%s %" PRIu64, i ? ", " : ": ",
		    rp->hostc[i].key[0] ? rp->hostc[i].key : "?",
		    rp->hostc[i].n);
	if (rp->nhostc > 5)
		ev_buf_addf(t, ", +%zu more", rp->nhostc - 5);
	field(w, 0, "hosts", t->buf);
	for (size_t i = 0; i < rp->nhosts; i++)
		if (rp_host_cover(&rp->hosts[i]) >= RP_COVER_NOCMD)
			blind++;
	if (blind == 0)
		return;
	ev_buf_reset(t);
	ev_buf_addf(t, "%zu host%s without command lines, NOT known to be "
	    "clean", blind, blind == 1 ? "" : "s");
	for (size_t i = 0; i < rp->nhosts && k < 5; i++) {
		const struct rp_host *h = &rp->hosts[i];

		if (rp_host_cover(h) >= RP_COVER_NOCMD)
			ev_buf_addf(t, "%s%s", k++ ? ", " : ": ",
			    h->computer[0] ? h->computer : "(no computer)");
	}
	if (blind > k)
		ev_buf_addf(t, ", +%zu more (see Coverage)", blind - k);
	sgr(w, C_RED);
	ev_buf_addf(w->b, "%-*s", LABEL_W, "blind");
	sgr(w, C_OFF);
	safe_wrap(w, t->buf, LABEL_W, LABEL_W);
	ev_buf_addc(w->b, '\n');
}

static int
cmp_top(const void *a, const void *b)
{
	const struct finding_group *x = *(const struct finding_group *const *)a;
	const struct finding_group *y = *(const struct finding_group *const *)b;

	if (x->level != y->level)
		return x->level > y->level ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The most severe entries, one line each. */
static void
verdict_top(struct tw *w, const struct rp *rp, struct ev_buf *t)
{
	const struct finding_group **v;
	size_t n = rp->ngroups;

	if (n == 0 || (v = calloc(n, sizeof(*v))) == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		v[i] = &rp->groups[i];
	ev_qsort(v, n, sizeof(*v), cmp_top);
	for (size_t i = 0; i < n && i < VERDICT_TOP; i++) {
		const struct finding *f = v[i]->first;
		const char *comp = ev_col(f->ev, EV_COL_COMPUTER);

		ev_buf_reset(t);
		ev_buf_addf(t, "%-8s %s", ev_level_name(v[i]->level),
		    f->reasons[0].title ? f->reasons[0].title : "?");
		if (f->nreasons > 1)
			ev_buf_addf(t, " (+%zu)", f->nreasons - 1);
		ev_buf_addf(t, " -- %s", comp ? comp : "?");
		if (v[i]->count > 1)
			ev_buf_addf(t, " x%zu", v[i]->count);
		field(w, 0, i == 0 ? "top" : "", t->buf);
	}
	if (n > VERDICT_TOP) {
		ev_buf_reset(t);
		ev_buf_addf(t, "... %zu more entries in the timeline",
		    n - VERDICT_TOP);
		field(w, 0, "", t->buf);
	}
	free(v);
}

static void
verdict(struct tw *w, const struct rp *rp)
{
	const struct report *r = rp->r;
	char a[EV_TIME_MAX_LEN + 1], z[EV_TIME_MAX_LEN + 1];
	struct ev_buf t = EV_BUF_INIT;

	sgr(w, C_BOLD);
	ev_buf_adds(w->b, "evtxhunt scan report");
	sgr(w, C_OFF);
	ev_buf_addc(w->b, '\n');
	field(w, 0, "command", r->command);
	heading(w, "Verdict");
	verdict_findings(w, rp, &t);
	verdict_dropped(w, rp, &t);
	verdict_hosts(w, rp, &t);
	ev_buf_reset(&t);
	for (size_t i = 0; i < rp->ntechs && i < 12; i++)
		ev_buf_addf(&t, "%s%s %" PRIu64, i ? ", " : "",
		    rp->techs[i].key, rp->techs[i].n);
	if (rp->ntechs > 12)
		ev_buf_addf(&t, ", +%zu more", rp->ntechs - 12);
	field(w, 0, "technique", t.buf);
	verdict_top(w, rp, &t);
	ev_buf_reset(&t);
	if (rp->nclears > 0 || rp->ngaps > 0)
		ev_buf_addf(&t, "%zu log clear%s, %zu record-id gap%s (see "
		    "Tampering)", rp->nclears, rp->nclears == 1 ? "" : "s",
		    rp->ngaps, rp->ngaps == 1 ? "" : "s");
	field(w, 0, "tampering", t.buf);
	ev_buf_reset(&t);
	ev_buf_addf(&t, "%zu files, %" PRIu64 " damaged, %" PRIu64
	    " unreadable; %zu events %s .. %s", r->run->nfiles,
	    rp->files_by[INGEST_DAMAGED], rp->files_by[INGEST_UNREADABLE],
	    r->run->nevents, iso(rp->first, a), iso(rp->last, z));
	field(w, 0, "evidence", t.buf);
	ev_buf_release(&t);
}

/* ---- files and the scan ---- */

/* A file's status and path, and what was read from it. */
static void
file_line(struct tw *w, const struct ingest_file *f, struct ev_buf *t)
{
	const struct evtx_stats *s = &f->stats;
	bool bad = f->status == INGEST_DAMAGED ||
	    f->status == INGEST_UNREADABLE || f->status == INGEST_SKIPPED;

	spaces(w->b, 2);
	if (bad)
		sgr(w, f->status == INGEST_UNREADABLE ? C_RED : C_YELLOW);
	ev_buf_addf(w->b, "%-11s", ingest_status_name(f->status));
	if (bad)
		sgr(w, C_OFF);
	safe_wrap(w, f->path, 13, 15);
	ev_buf_addc(w->b, '\n');
	ev_buf_reset(t);
	if (f->status != INGEST_UNREADABLE && f->status != INGEST_SKIPPED)
		ev_buf_addf(t, "%" PRIu64 " records, %" PRIu64 " recovered, %"
		    PRIu64 " events", s->records, s->recovered, s->events);
	if (s->unresolved > 0)
		ev_buf_addf(t, " (%" PRIu64 " with template unresolved)",
		    s->unresolved);
	if (s->bad_chunks || s->bad_records)
		ev_buf_addf(t, ", %" PRIu32 " bad chunks, %" PRIu64
		    " bad records", s->bad_chunks, s->bad_records);
	if (s->nul_values)
		ev_buf_addf(t, ", %" PRIu64 " values with NUL (shown as "
		    "\xe2\x90\x80)", s->nul_values);
	if (s->dirty)
		ev_buf_adds(t, ", dirty");
	if (s->full)
		ev_buf_adds(t, ", full");
	if (s->ngaps)
		ev_buf_addf(t, ", %zu record-id gaps", s->ngaps);
	if (f->sha256[0] != '\0')
		ev_buf_addf(t, ", sha256 %s", f->sha256);
	if (f->message != NULL) {
		ev_buf_adds(t, t->len ? ": " : "");
		ev_buf_adds(t, f->message);
	}
	if (t->len > 0) {
		spaces(w->b, 12);
		safe_wrap(w, t->buf, 12, 14);
		ev_buf_addc(w->b, '\n');
	}
}

/* Files that were not read cleanly (dirty is not damage). */
static void
damaged(struct tw *w, const struct rp *rp)
{
	const struct ingest_run *run = rp->r->run;
	struct ev_buf t = EV_BUF_INIT;
	size_t n = rp->files_by[INGEST_DAMAGED] +
	    rp->files_by[INGEST_UNREADABLE] + rp->files_by[INGEST_SKIPPED];

	heading(w, "Damaged files");
	if (n == 0)
		ev_buf_adds(w->b, "none: every file was read without damage "
		    "(a dirty header flag is not damage)\n");
	for (size_t i = 0; i < run->nfiles; i++) {
		enum ingest_status st = run->files[i].status;

		if (st == INGEST_DAMAGED || st == INGEST_UNREADABLE ||
		    st == INGEST_SKIPPED)
			file_line(w, &run->files[i], &t);
	}
	ev_buf_release(&t);
}

/* What was scanned, with how: the facts of the run and every file. */
static void
scanned(struct tw *w, const struct rp *rp)
{
	const struct report *r = rp->r;
	const struct ingest_run *run = r->run;
	char a[EV_TIME_MAX_LEN + 1], z[EV_TIME_MAX_LEN + 1];
	struct ev_buf t = EV_BUF_INIT;

	heading(w, "Scanned");
	field(w, 0, "version", r->version);
	ev_buf_addf(&t, "%zu (ok %" PRIu64 ", dirty %" PRIu64 ", damaged %"
	    PRIu64 ", empty %" PRIu64 ", unreadable %" PRIu64, run->nfiles,
	    rp->files_by[INGEST_OK], rp->files_by[INGEST_DIRTY],
	    rp->files_by[INGEST_DAMAGED], rp->files_by[INGEST_EMPTY],
	    rp->files_by[INGEST_UNREADABLE]);
	if (rp->files_by[INGEST_SKIPPED])
		ev_buf_addf(&t, ", skipped %" PRIu64,
		    rp->files_by[INGEST_SKIPPED]);
	ingest_damage_text(run, &t);
	ev_buf_addc(&t, ')');
	field(w, 0, "files", t.buf);
	ev_buf_reset(&t);
	ev_buf_addf(&t, "%" PRIu64 " (%" PRIu64 " recovered, %" PRIu64
	    " undecodable); %zu events extracted, %" PRIu64
	    " duplicates dropped", run->records, run->recovered,
	    run->bad_records, run->nevents, run->duplicates);
	field(w, 0, "records", t.buf);
	ev_buf_reset(&t);
	ev_buf_addf(&t, "%s .. %s", iso(rp->first, a), iso(rp->last, z));
	if (r->from != 0 || r->to != 0)
		ev_buf_addf(&t, " (window %s .. %s)", iso(r->from, a),
		    iso(r->to, z));
	field(w, 0, "time", t.buf);
	ev_buf_reset(&t);
	ev_buf_addf(&t, "%zu loaded, %zu skipped, %zu rejected",
	    r->rules.loaded, r->rules.skipped, r->rules.rejected);
	for (size_t i = 0; i < r->rules.nreasons; i++)
		ev_buf_addf(&t, "%s%s %zu", i == 0 ? " (" : ", ",
		    r->rules.reason_names[i], r->rules.reason_counts[i]);
	if (r->rules.nreasons > 0)
		ev_buf_addc(&t, ')');
	field(w, 0, "rules", t.buf);
	field(w, 0, "rules sha", r->rules.sha256);
	ev_buf_reset(&t);
	if (r->baseline == NULL)
		ev_buf_adds(&t, "none (--no-baseline)");
	else if (strcmp(r->baseline, "self") == 0)
		ev_buf_adds(&t, "self (stacking over this evidence)");
	else
		ev_buf_adds(&t, r->baseline);
	field(w, 0, "baseline", t.buf);
	ev_buf_reset(&t);
	for (size_t i = 0; i < r->nunbaselined; i++)
		ev_buf_addf(&t, "%s%s", i ? ", " : "", r->unbaselined[i]);
	/* watched binaries with less history than a baseline needs */
	field(w, 0, "unscored", t.buf);
	for (size_t i = 0; i < run->nfiles; i++)
		file_line(w, &run->files[i], &t);
	ev_buf_release(&t);
}

static void
coverage(struct tw *w, const struct rp *rp)
{
	char a[EV_TIME_MAX_LEN + 1], z[EV_TIME_MAX_LEN + 1];
	struct ev_buf t = EV_BUF_INIT;

	heading(w, "Coverage");
	if (rp->nhosts == 0)
		ev_buf_adds(w->b, "no events: nothing is known about any "
		    "host\n");
	for (size_t i = 0; i < rp->nhosts; i++) {
		const struct rp_host *h = &rp->hosts[i];
		enum rp_cover cv = rp_host_cover(h);

		sgr(w, C_BOLD);
		safe_wrap(w, h->computer[0] ? h->computer : "(no computer)",
		    0, 2);
		sgr(w, C_OFF);
		ev_buf_adds(w->b, "  ");
		sgr(w, cv == RP_COVER_FULL ? C_GREEN : cv == RP_COVER_PARTIAL ?
		    C_YELLOW : C_RED);
		ev_buf_addf(w->b, "[%s]", rp_cover_name(cv));
		sgr(w, C_OFF);
		ev_buf_addf(w->b, "  %" PRIu64 " findings\n", h->findings);
		ev_buf_reset(&t);
		ev_buf_addf(&t, "%s .. %s", iso(h->first, a), iso(h->last, z));
		field(w, 2, "time", t.buf);
		ev_buf_reset(&t);
		ev_buf_addf(&t, "1: %" PRIu64 ", 3: %" PRIu64 ", 5: %" PRIu64
		    ", 7: %" PRIu64, h->sysmon1, h->sysmon3, h->sysmon5,
		    h->sysmon7);
		field(w, 2, "sysmon", t.buf);
		ev_buf_reset(&t);
		ev_buf_addf(&t, "4688: %" PRIu64 " (%" PRIu64
		    " with command line", h->sec4688, h->sec4688_cmd);
		for (int v = 0, k = 0; v < 4; v++)
			if (h->tmpl[v] > 0)
				ev_buf_addf(&t, "%s%s%s", k++ ? ", " :
				    "; template ", v < 3 ? "" : ">",
				    v < 3 ? (const char *[]){ "0", "1",
				    "2" }[v] : "2");
		ev_buf_addf(&t, "), 4689: %" PRIu64, h->sec4689);
		field(w, 2, "security", t.buf);
		if (h->ps4104 + h->ps4103 + h->services + h->tasks +
		    h->sysmon22 + h->sysmon11 + h->wmi + h->psclassic +
		    h->sysmon8 + h->sysmon10 + h->tasksched +
		    rp_sysmon_more(h) > 0) {
			ev_buf_reset(&t);
			ev_buf_addf(&t, "script blocks: %" PRIu64 ", powershell "
			    "4103: %" PRIu64 ", services: %" PRIu64
			    ", tasks: %" PRIu64 ", dns (22): %" PRIu64
			    ", files (11): %" PRIu64, h->ps4104, h->ps4103,
			    h->services, h->tasks, h->sysmon22, h->sysmon11);
			if (h->wmi > 0)
				ev_buf_addf(&t, ", wmi (19-21, 5861): %"
				    PRIu64, h->wmi);
			if (h->psclassic > 0)
				ev_buf_addf(&t, ", windows powershell (400, "
				    "800): %" PRIu64, h->psclassic);
			if (h->sysmon8 + h->sysmon10 > 0)
				ev_buf_addf(&t, ", remote threads (8): %"
				    PRIu64 ", process access (10): %" PRIu64,
				    h->sysmon8, h->sysmon10);
			if (h->tasksched > 0)
				ev_buf_addf(&t, ", task scheduler: %" PRIu64,
				    h->tasksched);
			if (rp_sysmon_more(h) > 0)
				ev_buf_addf(&t, ", drivers (6): %" PRIu64
				    ", registry (12-14): %" PRIu64 ", streams "
				    "(15): %" PRIu64 ", pipes (17, 18): %" PRIu64,
				    h->sysmon6, h->sysmon12_14, h->sysmon15,
				    h->sysmon17_18);
			field(w, 2, "execution", t.buf);
		}
		ev_buf_reset(&t);
		rp_host_missing(h, &t, "\n");
		for (const char *p = t.buf; *p != '\0';) {
			size_t n = strcspn(p, "\n");
			struct ev_buf one = EV_BUF_INIT;

			ev_buf_add(&one, p, n);
			spaces(w->b, 2);
			sgr(w, cv >= RP_COVER_NOCMD ? C_RED : C_YELLOW);
			ev_buf_addf(w->b, "%-*s", LABEL_W, "missing");
			sgr(w, C_OFF);
			wrap(w, one.buf, 2 + LABEL_W, 2 + LABEL_W);
			ev_buf_addc(w->b, '\n');
			ev_buf_release(&one);
			p += n;
			if (*p == '\n')
				p++;
		}
	}
	ev_buf_release(&t);
}

static void
tampering(struct tw *w, const struct rp *rp)
{
	const struct ingest_run *run = rp->r->run;
	char a[EV_TIME_MAX_LEN + 1], z[EV_TIME_MAX_LEN + 1];
	struct ev_buf t = EV_BUF_INIT;

	heading(w, "Tampering");
	if (rp->nclears == 0 && rp->ngaps == 0)
		ev_buf_adds(w->b, "no log clears (1102, 104), no record-id "
		    "gaps\n");
	for (size_t i = 0; i < rp->nclears; i++) {
		const struct ev_event *ev = rp->clears[i];

		ev_buf_reset(&t);
		ev_buf_addf(&t, "%s %s log cleared (%" PRIu32 ") on %s by %s; "
		    "%s #%" PRIu64, iso(ev->time, a), rp_cleared_channel(ev),
		    ev->event_id, ev_col(ev, EV_COL_COMPUTER) ?
		    ev_col(ev, EV_COL_COMPUTER) : "?", ev_col(ev, EV_COL_USER) ?
		    ev_col(ev, EV_COL_USER) : "?", ev->file_id < run->nfiles ?
		    run->files[ev->file_id].path : "?", ev->record_id);
		sgr(w, C_RED);
		ev_buf_addf(w->b, "%-*s", LABEL_W, "cleared");
		sgr(w, C_OFF);
		safe_wrap(w, t.buf, LABEL_W, LABEL_W);
		ev_buf_addc(w->b, '\n');
	}
	for (size_t i = 0; i < rp->ngaps; i++) {
		const struct evtx_gap *g = rp->gaps[i].gap;

		ev_buf_reset(&t);
		ev_buf_addf(&t, "%s: records %" PRIu64 "..%" PRIu64 " missing "
		    "(%" PRIu64 "), between %s and %s", rp->gaps[i].file->path,
		    g->after_id + 1, g->before_id - 1, g->before_id >
		    g->after_id ? g->before_id - g->after_id - 1 : 0,
		    iso(g->after_time, a), iso(g->before_time, z));
		sgr(w, C_YELLOW);
		ev_buf_addf(w->b, "%-*s", LABEL_W, "id gap");
		sgr(w, C_OFF);
		safe_wrap(w, t.buf, LABEL_W, LABEL_W);
		ev_buf_addc(w->b, '\n');
	}
	ev_buf_release(&t);
}

/* ---- timeline ---- */

static void
proc_line(struct tw *w, unsigned ind, const char *label,
    const struct ev_event *p)
{
	struct ev_buf t = EV_BUF_INIT;
	const char *image = ev_col(p, EV_COL_IMAGE);
	const char *cmd = ev_col(p, EV_COL_COMMAND_LINE);

	ev_buf_adds(&t, image ? image : "?");
	if (ev_col(p, EV_COL_PID))
		ev_buf_addf(&t, "  pid %s", ev_col(p, EV_COL_PID));
	if (ev_col(p, EV_COL_USER))
		ev_buf_addf(&t, "  %s", ev_col(p, EV_COL_USER));
	field(w, ind, label, t.buf);
	if (cmd && cmd[0]) {
		spaces(w->b, ind + LABEL_W + 2);
		safe_wrap(w, cmd, ind + LABEL_W + 2, ind + LABEL_W + 2);
		ev_buf_addc(w->b, '\n');
	}
	ev_buf_release(&t);
}

static void
context(struct tw *w, const struct rp *rp, const struct ev_event *ev)
{
	struct ev_buf t = EV_BUF_INIT;
	char a[EV_TIME_MAX_LEN + 1];
	struct rp_ctx c;
	size_t n;

	rp_context(rp, ev, &c);
	if (c.proc != NULL && c.proc != ev)
		proc_line(w, IND, "process", c.proc);
	for (size_t i = 0; i < c.nchain; i++) {
		char label[32];

		snprintf(label, sizeof(label), "parent %zu", i + 1);
		proc_line(w, IND, label, c.chain[i]);
	}
	n = c.nnet < RP_CTX_MAX ? c.nnet : RP_CTX_MAX;
	for (size_t i = 0; i < n; i++) {
		const struct ev_event *e = c.net[i];

		ev_buf_reset(&t);
		ev_buf_addf(&t, "%s ", iso(e->time, a));
		rp_net_line(&t, e, false);
		field(w, IND, i == 0 ? "network" : "", t.buf);
	}
	if (c.nnet > n) {
		ev_buf_reset(&t);
		ev_buf_addf(&t, "+%zu more connections (see jsonl/--db)",
		    c.nnet - n);
		field(w, IND, "", t.buf);
	}
	for (size_t i = 0; i < c.nloads; i++) {
		const struct ev_event *e = c.loads[i];

		ev_buf_reset(&t);
		ev_buf_adds(&t, ev_col(e, EV_COL_IMAGE_LOADED) ?
		    ev_col(e, EV_COL_IMAGE_LOADED) : "?");
		if (ev_col(e, EV_COL_SIGNED))
			ev_buf_adds(&t, ev_col(e, EV_COL_SIGNED)[0] == '1' ?
			    " (signed)" : " (unsigned)");
		field(w, IND, i == 0 ? "loads" : "", t.buf);
	}
	if (c.loads_total > c.nloads) {
		ev_buf_reset(&t);
		ev_buf_addf(&t, "+%zu more unusual loads", c.loads_total -
		    c.nloads);
		field(w, IND, "", t.buf);
	}
	if (c.nkids > 0) {
		ev_buf_reset(&t);
		ev_buf_addf(&t, "%zu:", c.nkids);
		n = c.nkids < RP_CTX_MAX ? c.nkids : RP_CTX_MAX;
		for (size_t i = 0; i < n; i++) {
			const char *b = ev_basename(ev_col(c.kids[i],
			    EV_COL_IMAGE));

			ev_buf_addf(&t, " %s", b ? b : "?");
		}
		if (c.nkids > n)
			ev_buf_adds(&t, " ...");
		field(w, IND, "children", t.buf);
	}
	for (size_t i = 0; i < c.nstarted; i++) {
		const struct ev_event *e = c.started[i];

		ev_buf_reset(&t);
		ev_buf_addf(&t, "%s %s", iso(e->time, a),
		    ev_col(e, EV_COL_COMMAND_LINE) != NULL &&
		    ev_col(e, EV_COL_COMMAND_LINE)[0] != '\0' ?
		    ev_col(e, EV_COL_COMMAND_LINE) : ev_col(e, EV_COL_IMAGE) !=
		    NULL ?
		    ev_col(e, EV_COL_IMAGE) : "?");
		field(w, IND, i == 0 ? "ran" : "", t.buf);
	}
	if (c.started_total > c.nstarted) {
		ev_buf_reset(&t);
		ev_buf_addf(&t, "+%zu more (see --db processes.origin)",
		    c.started_total - c.nstarted);
		field(w, IND, "", t.buf);
	}
	for (size_t i = 0; i < c.nwmi; i++) {
		ev_buf_reset(&t);
		ev_buf_addf(&t, "%s ", iso(c.wmi[i]->time, a));
		rp_source_line(c.wmi[i], &t);
		field(w, IND, i == 0 ? "wmi" : "", t.buf);
	}
	if (c.origin != NULL && c.origin != ev) {
		ev_buf_reset(&t);
		ev_buf_addf(&t, "%s ", iso(c.origin->time, a));
		rp_source_line(c.origin, &t);
		field(w, IND, "started", t.buf);
	}
	for (size_t i = 0; i < c.ntask; i++) {
		ev_buf_reset(&t);
		ev_buf_addf(&t, "%s ", iso(c.task[i]->time, a));
		rp_source_line(c.task[i], &t);
		field(w, IND, i == 0 ? "task" : "", t.buf);
	}
	if (c.script != NULL && c.script != ev) {
		ev_buf_reset(&t);
		ev_buf_addf(&t, "%s ", iso(c.script->time, a));
		rp_source_line(c.script, &t);
		field(w, IND, "script", t.buf);
	}
	n = c.nacts < RP_CTX_MAX ? c.nacts : RP_CTX_MAX;
	for (size_t i = 0, k = 0; i < n; i++) {
		if (c.acts[i] == ev)
			continue;
		ev_buf_reset(&t);
		ev_buf_addf(&t, "%s ", iso(c.acts[i]->time, a));
		rp_source_line(c.acts[i], &t);
		field(w, IND, k++ == 0 ? "activity" : "", t.buf);
	}
	if (c.nacts > n) {
		ev_buf_reset(&t);
		ev_buf_addf(&t, "+%zu more (see jsonl/--db)", c.nacts - n);
		field(w, IND, "", t.buf);
	}
	ev_buf_release(&t);
}

/* Whether the entry stands for a group of identical findings. */
static bool
grouped(const struct rp *rp, const struct rp_item *it)
{
	return !rp->r->opts.all_events && it->g != NULL && it->g->count > 1;
}

/* The group's count, time span and records (the first RP_CTX_MAX). */
static void
repeats(struct tw *w, const struct rp *rp, const struct finding_group *g,
    struct ev_buf *t)
{
	const struct ingest_run *run = rp->r->run;
	char a[EV_TIME_MAX_LEN + 1], z[EV_TIME_MAX_LEN + 1];
	uint32_t file = UINT32_MAX;
	size_t n = g->count < RP_CTX_MAX ? g->count : RP_CTX_MAX;

	ev_buf_reset(t);
	ev_buf_addf(t, "%zu identical findings, %s .. %s:", g->count,
	    iso(g->first_time, a), iso(g->last_time, z));
	for (size_t i = 0; i < n; i++) {
		const struct ev_event *ev = g->members[i]->ev;

		if (ev->file_id != file)
			ev_buf_addf(t, "%s %s", i ? ";" : "",
			    ev->file_id < run->nfiles ?
			    run->files[ev->file_id].path : "?");
		else
			ev_buf_addc(t, ',');
		file = ev->file_id;
		ev_buf_addf(t, " #%" PRIu64, ev->record_id);
	}
	if (g->count > n)
		ev_buf_addf(t, "; +%zu more (see jsonl/--db)", g->count - n);
	field(w, IND, "repeated", t->buf);
}

/* One line of a plain event (--all-events). */
static void
plain_entry(struct tw *w, const struct ev_event *ev)
{
	char a[EV_TIME_MAX_LEN + 1];
	struct ev_buf t = EV_BUF_INIT;
	const char *comp = ev_col(ev, EV_COL_COMPUTER) ? ev_col(ev,
	    EV_COL_COMPUTER) :
	    "?";

	ev_buf_addf(&t, "%s  %-8s %s  ", iso(ev->time, a), "-", comp);
	switch (ev->kind) {
	case EV_KIND_NETWORK:
		ev_buf_addf(&t, "net %s -> ",
		    ev_basename(ev_col(ev, EV_COL_IMAGE)) ?
		    ev_basename(ev_col(ev, EV_COL_IMAGE)) : "?");
		rp_endpoint(&t, ev_col(ev, EV_COL_DST_IP),
		    ev_col(ev, EV_COL_DST_PORT));
		break;
	case EV_KIND_IMAGE_LOAD:
		ev_buf_addf(&t, "load %s", ev_col(ev, EV_COL_IMAGE_LOADED) ?
		    ev_col(ev, EV_COL_IMAGE_LOADED) : "?");
		break;
	case EV_KIND_LOG_CLEAR:
		ev_buf_addf(&t, "LOG CLEARED %s by %s",
		    rp_cleared_channel(ev), ev_col(ev, EV_COL_USER) ?
		    ev_col(ev, EV_COL_USER) : "?");
		break;
	case EV_KIND_PROCESS_EXIT:
		ev_buf_addf(&t, "exit %s", ev_col(ev, EV_COL_IMAGE) ?
		    ev_col(ev, EV_COL_IMAGE) : "?");
		break;
	default:
		if (rp_source_kind(ev->kind)) {
			rp_source_line(ev, &t);
			break;
		}
		ev_buf_addf(&t, "proc %s", ev_col(ev, EV_COL_COMMAND_LINE) &&
		    ev_col(ev, EV_COL_COMMAND_LINE)[0] ?
		    ev_col(ev, EV_COL_COMMAND_LINE) : ev_col(ev, EV_COL_IMAGE) ?
		    ev_col(ev, EV_COL_IMAGE) : "?");
	}
	sgr(w, C_DIM);
	safe_wrap(w, t.buf, 0, IND + LABEL_W);
	sgr(w, C_OFF);
	ev_buf_addc(w->b, '\n');
	ev_buf_release(&t);
}

/* The length of s cut to at most n bytes, not inside a UTF-8 sequence. */
static size_t
cut_len(const char *s, size_t n)
{
	size_t m = strlen(s);

	if (m <= n)
		return m;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/*
 * Under a rule reason: what matched, and about the rule (its
 * description, cut to ABOUT_MAX bytes; references; false positives).
 */
#define ABOUT_MAX	160
static void
reason_about(struct tw *w, const struct finding_reason *rr, struct ev_buf *t)
{
	size_t n;

	if (rr->baseline)
		return;
	ev_buf_reset(t);
	findings_matched_line(t, rr);
	field(w, IND + 2, "matched", t->buf);
	if (rr->description != NULL) {
		ev_buf_reset(t);
		n = cut_len(rr->description, ABOUT_MAX);
		ev_buf_add(t, rr->description, n);
		if (rr->description[n] != '\0')
			ev_buf_adds(t, "...");
		field(w, IND + 2, "about", t->buf);
	}
	ev_buf_reset(t);
	for (size_t i = 0; i < rr->nreferences; i++)
		ev_buf_addf(t, "%s%s", i ? " " : "", rr->references[i]);
	field(w, IND + 2, "refs", t->buf);
	ev_buf_reset(t);
	for (size_t i = 0; i < rr->nfalsepositives; i++)
		ev_buf_addf(t, "%s%s", i ? "; " : "", rr->falsepositives[i]);
	field(w, IND + 2, "false pos", t->buf);
}

static void
entry(struct tw *w, const struct rp *rp, const struct rp_item *it)
{
	const struct ev_event *ev = it->ev;
	const struct finding *f = it->f;
	const struct ingest_run *run = rp->r->run;
	char a[EV_TIME_MAX_LEN + 1];
	struct ev_buf t = EV_BUF_INIT;
	const char *comp = ev_col(ev, EV_COL_COMPUTER) ? ev_col(ev,
	    EV_COL_COMPUTER) :
	    "?";

	if (f == NULL) {	/* --all-events: one line per plain event */
		plain_entry(w, ev);
		return;
	}
	ev_buf_addc(w->b, '\n');
	ev_buf_addf(w->b, "%s  ", iso(ev->time, a));
	sgr(w, level_color(f->level));
	ev_buf_addf(w->b, "%-8s", ev_level_name(f->level));
	sgr(w, C_OFF);
	ev_buf_addc(w->b, ' ');
	sgr(w, C_BOLD);
	safe_wrap(w, comp, strlen(a) + 11, IND + LABEL_W);
	sgr(w, C_OFF);
	ev_buf_addf(w->b, "  %s", rp_source(f));
	if (grouped(rp, it))
		ev_buf_addf(w->b, "  x%zu", it->g->count);
	ev_buf_addc(w->b, '\n');
	for (size_t i = 0; i < f->nreasons; i++) {
		const struct finding_reason *rr = &f->reasons[i];

		ev_buf_reset(&t);
		ev_buf_addf(&t, "[%s] %s", ev_level_name(rr->level),
		    rr->title ? rr->title : "?");
		if (rr->baseline && rr->score > 0)
			ev_buf_addf(&t, " (score %.2f)", rr->score);
		ev_buf_addf(&t, " -- %s", rr->rule_id ? rr->rule_id : "?");
		if (rr->tags && rr->tags[0])
			ev_buf_addf(&t, " -- %s", rr->tags);
		field(w, IND, i == 0 ? (f->nreasons > 1 ? "reasons" : "reason") :
		    "", t.buf);
		if (rr->details)
			field(w, IND + 2, "", rr->details);
		reason_about(w, rr, &t);
	}
	field(w, IND, "image", ev_col(ev, EV_COL_IMAGE));
	if (ev_col(ev, EV_COL_ORIGINAL_FILE_NAME) && ev_col(ev, EV_COL_IMAGE) &&
	    strcasecmp(ev_col(ev, EV_COL_ORIGINAL_FILE_NAME),
	    ev_basename(ev_col(ev, EV_COL_IMAGE))) != 0)
		field(w, IND, "orig name", ev_col(ev,
		    EV_COL_ORIGINAL_FILE_NAME));
	field(w, IND, "command", ev_col(ev, EV_COL_COMMAND_LINE));
	switch (ev->kind) {
	case EV_KIND_NETWORK:
		ev_buf_reset(&t);
		rp_net_line(&t, ev, true);
		field(w, IND, "connect", t.buf);
		break;
	case EV_KIND_IMAGE_LOAD:
		field(w, IND, "loaded", ev_col(ev, EV_COL_IMAGE_LOADED));
		field(w, IND, "signature", ev_col(ev, EV_COL_SIGNATURE));
		break;
	case EV_KIND_LOG_CLEAR:
		field(w, IND, "cleared", rp_cleared_channel(ev));
		break;
	default:
		if (rp_source_kind(ev->kind)) {
			ev_buf_reset(&t);
			rp_source_line(ev, &t);
			field(w, IND, "event", t.buf);
		}
		break;
	}
	field(w, IND, "user", ev_col(ev, EV_COL_USER));
	ev_buf_reset(&t);
	if (ev_col(ev, EV_COL_PID))
		ev_buf_adds(&t, ev_col(ev, EV_COL_PID));
	if (ev_col(ev, EV_COL_INTEGRITY_LEVEL))
		ev_buf_addf(&t, "%s%s integrity", t.len ? "  " : "",
		    ev_col(ev, EV_COL_INTEGRITY_LEVEL));
	if (ev_col(ev, EV_COL_PROCESS_GUID))
		ev_buf_addf(&t, "%s%s", t.len ? "  " : "",
		    ev_col(ev, EV_COL_PROCESS_GUID));
	field(w, IND, "pid", t.buf);
	/* the parent as the event names it, when correlation finds none */
	if (rp->r->corr == NULL || corr_parent(rp->r->corr,
	    corr_process(rp->r->corr, ev)) == NULL) {
		field(w, IND, "parent", ev_col(ev, EV_COL_PARENT_IMAGE));
		/* its command line under it, as in the parent chain */
		field(w, IND + 2, "", ev_col(ev, EV_COL_PARENT_COMMAND_LINE));
	}
	context(w, rp, ev);
	ev_buf_reset(&t);
	ev_buf_addf(&t, "%s #%" PRIu64 " (%s %" PRIu32 "%s)",
	    ev->file_id < run->nfiles ? run->files[ev->file_id].path : "?",
	    ev->record_id, ev_col(ev, EV_COL_CHANNEL) ? ev_col(ev,
	    EV_COL_CHANNEL) :
	    "?", ev->event_id, ev->recovered ? ", recovered" : "");
	field(w, IND, "source", t.buf);
	if (grouped(rp, it))
		repeats(w, rp, it->g, &t);
	ev_buf_release(&t);
}

/* ---- summary ---- */

static void
counts(struct tw *w, const char *label, const struct rp_count *c, size_t n,
    size_t max)
{
	struct ev_buf t = EV_BUF_INIT;

	for (size_t i = 0; i < n && i < max; i++) {
		ev_buf_reset(&t);
		ev_buf_addf(&t, "%6" PRIu64 "  ", c[i].n);
		if (c[i].level)
			ev_buf_addf(&t, "%-8s ", ev_level_name(c[i].level));
		if (c[i].title)
			ev_buf_addf(&t, "%s  (%s)", c[i].title, c[i].key);
		else
			ev_buf_adds(&t, c[i].key[0] ? c[i].key : "?");
		field(w, 0, i == 0 ? label : "", t.buf);
	}
	if (n > max) {
		ev_buf_reset(&t);
		ev_buf_addf(&t, "... %zu more (see jsonl)", n - max);
		field(w, 0, "", t.buf);
	}
	ev_buf_release(&t);
}

static void
summary(struct tw *w, const struct rp *rp)
{
	struct ev_buf t = EV_BUF_INIT;
	char a[EV_TIME_MAX_LEN + 1], z[EV_TIME_MAX_LEN + 1];

	heading(w, "Summary");
	ev_buf_addf(&t, "%zu", rp->r->nfindings);
	if (rp->ngroups < rp->r->nfindings && !rp->r->opts.all_events)
		ev_buf_addf(&t, " in %zu entries", rp->ngroups);
	if (rp->r->nfindings > 0)
		ev_buf_addf(&t, " from %s to %s", iso(rp->ffirst, a),
		    iso(rp->flast, z));
	field(w, 0, "findings", t.buf);
	sgr(w, C_DIM);
	ev_buf_addf(w->b, "%-*s", LABEL_W, "by level");
	sgr(w, C_OFF);
	for (int l = EV_NLEVELS - 1; l >= 1; l--) {
		if (rp->byl[l] > 0)
			sgr(w, level_color(l));
		ev_buf_addf(w->b, "%s %" PRIu64, ev_level_name(l),
		    rp->byl[l]);
		if (rp->byl[l] > 0)
			sgr(w, C_OFF);
		ev_buf_adds(w->b, l > 1 ? ", " : "\n");
	}
	counts(w, "by rule", rp->rules, rp->nrules, 30);
	counts(w, "by host", rp->hostc, rp->nhostc, 30);
	counts(w, "technique", rp->techs, rp->ntechs, 30);
	/* coverage warnings again, where nothing was found */
	for (size_t i = 0; i < rp->nhosts; i++) {
		const struct rp_host *h = &rp->hosts[i];

		if (h->findings > 0 || rp_host_cover(h) < RP_COVER_NOCMD)
			continue;
		ev_buf_reset(&t);
		ev_buf_addf(&t, "%s: no findings, but %s: NOT known to be "
		    "clean", h->computer[0] ? h->computer : "(no computer)",
		    rp_host_cover(h) == RP_COVER_BLIND ? "no process "
		    "creation events" : "no command lines logged");
		sgr(w, C_RED);
		ev_buf_addf(w->b, "%-*s", LABEL_W, "blind");
		sgr(w, C_OFF);
		safe_wrap(w, t.buf, LABEL_W, LABEL_W);
		ev_buf_addc(w->b, '\n');
	}
	if (rp->nwatched > 0) {
		ev_buf_adds(w->b, "\n");
		sgr(w, C_BOLD);
		ev_buf_adds(w->b, "Top command lines of watched binaries\n");
		sgr(w, C_OFF);
	}
	for (size_t i = 0; i < rp->nwatched; i++) {
		const struct rp_watched *wb = &rp->watched[i];

		ev_buf_reset(&t);
		ev_buf_addf(&t, "%s: %" PRIu64 " runs, %" PRIu64
		    " distinct command lines", wb->binary, wb->runs,
		    wb->distinct);
		spaces(w->b, 2);
		safe_wrap(w, t.buf, 2, 4);
		ev_buf_addc(w->b, '\n');
		for (size_t j = 0; j < wb->ntop; j++) {
			ev_buf_addf(w->b, "    %6" PRIu64 "  ", wb->top[j].n);
			safe_wrap(w, wb->top[j].key[0] ? wb->top[j].key :
			    "(no command line)", 12, 12);
			ev_buf_addc(w->b, '\n');
		}
	}
	ev_buf_release(&t);
}

/* A writer into b, as the options say. */
static struct tw
text_writer(const struct rp *rp, struct ev_buf *b)
{
	unsigned width = rp->r->opts.width ? rp->r->opts.width : 100;

	return (struct tw){ b, rp->r->opts.color, width < 40 ? 40 : width,
	    EV_BUF_INIT };
}

/* A timeline entry (rp_write_items(): entries are formatted in slices). */
static void
text_item(struct ev_buf *b, const struct rp *rp, const struct rp_item *it)
{
	struct tw w = text_writer(rp, b);

	entry(&w, rp, it);
	ev_buf_release(&w.tmp);
}

int
report_text(FILE *out, const struct rp *rp, struct ev_err *err)
{
	struct ev_buf b = EV_BUF_INIT;
	struct tw w = text_writer(rp, &b);
	int rc;

	verdict(&w, rp);
	heading(&w, rp->r->opts.all_events ? "Timeline (all events)" :
	    "Timeline (findings)");
	if (rp->nitems == 0)
		ev_buf_adds(&b, "no findings\n");
	if ((rc = rp_flush(out, &b, err)) != 0 || (rc = rp_write_items(out,
	    rp, rp->items, rp->nitems, text_item, err)) != 0)
		goto out;
	coverage(&w, rp);
	tampering(&w, rp);
	damaged(&w, rp);
	summary(&w, rp);
	scanned(&w, rp);
	rc = rp_flush(out, &b, err);
out:
	ev_buf_release(&b);
	ev_buf_release(&w.tmp);
	return rc;
}
