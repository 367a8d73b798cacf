/*
 * report.c -- report_write(): the table of writers, and the analysis they
 * share (coverage per host, tampering, summary counts, watched binaries,
 * timeline entries, process context); see report.h and report_int.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ev_util.h"
#include "baseline/baseline.h"
#include "ev_map.h"
#include "ev_par.h"
#include "report/report_int.h"

/* The one format table (report.h): names, and writers in the same order. */
#define NAME(n)		#n,
#define WRITER(n)	report_##n,
const char *const report_formats[] = {
	REPORT_FORMAT_TABLE(NAME, NAME, NAME) NULL
};
static int (*const writers[])(FILE *, const struct rp *, struct ev_err *) = {
	REPORT_FORMAT_TABLE(WRITER, WRITER, WRITER)
};
#undef NAME
#undef WRITER

int
report_format_check(const char *name, struct ev_err *err)
{
	for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
		if (strcmp(name, report_formats[i]) == 0)
			return (int)i;
	EV_ERR(err, EV_EUSAGE, 0, "'%s' is not " REPORT_FORMAT_LIST, name);
	return -1;
}

void
report_set_findings(struct report *r, const struct findings *fs)
{
	r->findings = fs->v;
	r->nfindings = fs->n;
	r->suppressed = fs->suppressed;
	r->filtered = fs->filtered;
	r->below = fs->below;
	r->groups = fs->groups;
	r->ngroups = fs->ngroups;
	r->grouping = fs->grouping == FINDINGS_GROUP_EXACT ? "command line" :
	    fs->grouping == FINDINGS_GROUP_SHAPE ? "argument shape" : NULL;
}

void
report_set_baseline(struct report *r, struct base_run *run)
{
	r->watch = run->cfg;
	if (run->cfg != NULL) {
		r->load_unusual = base_load_unusual;
		r->load_arg = run;
	}
	r->unbaselined = run->unbaselined;
	r->nunbaselined = run->res.nunbaselined;
}

int
report_write(FILE *out, const struct report *r, struct ev_err *err)
{
	const char *fmt = r->opts.format != NULL ? r->opts.format : "text";
	struct rp rp;
	int rc;

	int i = report_format_check(fmt, err);

	if (i < 0)
		return EV_EUSAGE;
	if ((rc = rp_analyse(&rp, r, err)) != 0)
		return rc;
	rc = writers[i](out, &rp, err);
	rp_release(&rp);
	if (rc == 0 && fflush(out) == EOF)
		rc = EV_ERR_SYS(err, "cannot write the report");
	return rc;
}

int
rp_flush(FILE *out, struct ev_buf *b, struct ev_err *err)
{
	if (ev_buf_failed(b)) {
		ev_buf_release(b);
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	}
	if (b->len > 0 && fwrite(b->buf, 1, b->len, out) != b->len) {
		ev_buf_reset(b);
		return EV_ERR_SYS(err, "cannot write the report");
	}
	ev_buf_reset(b);
	return 0;
}

#define RP_BLOCK	256	/* items formatted per round: buffers that stay
				   in cache */

/* A round of rp_write_items() (item_one()). */
struct round {
	const struct rp		*rp;
	rp_item_fn		 fn;
	const struct rp_item	*items;
};

/* ev_par_slices() body: item i of the round into b */
static void
item_one(void *arg, size_t i, struct ev_buf *b)
{
	const struct round *r = arg;

	r->fn(b, r->rp, &r->items[i]);
}

static const struct finding_group *group_of(const struct rp *, size_t);

int
rp_write_items(FILE *out, const struct rp *rp, const struct rp_item *items,
    size_t n, rp_item_fn fn, struct ev_err *err)
{
	struct ev_par_out bufs[EV_PAR_SLICES];
	struct rp_item blk[RP_BLOCK];
	struct round r = { rp, fn, items };
	unsigned jobs = rp->r->jobs < 1 ? 1 : rp->r->jobs > EV_PAR_SLICES ?
	    EV_PAR_SLICES : rp->r->jobs;
	int rc = 0;

	for (unsigned k = 0; k < jobs; k++)
		ev_buf_init(&bufs[k].b);
	for (size_t at = 0; at < n && rc == 0; at += RP_BLOCK) {
		r.items = items + at;
		if (items == NULL) {
			/* the findings' entries, made a round at a time */
			for (size_t i = 0; i < RP_BLOCK && at + i < n; i++) {
				const struct finding *f =
				    &rp->r->findings[at + i];

				blk[i] = (struct rp_item){ f->ev, f,
				    group_of(rp, at + i) };
			}
			r.items = blk;
		}
		ev_par_slices(n - at < RP_BLOCK ? n - at : RP_BLOCK, jobs,
		    item_one, &r, bufs);
		for (unsigned k = 0; k < jobs && rc == 0; k++)
			rc = rp_flush(out, &bufs[k].b, err);
	}
	for (unsigned k = 0; k < jobs; k++)
		ev_buf_release(&bufs[k].b);
	return rc;
}

const char *
rp_col(const struct ev_event *ev, int c)
{
	if (ev_col(ev, c) == NULL && ev->process != NULL &&
	    (ev->kind == EV_KIND_NETWORK || ev->kind == EV_KIND_IMAGE_LOAD))
		return ev_col(ev->process, c);
	return ev_col(ev, c);
}

void
rp_endpoint(struct ev_buf *b, const char *ip, const char *port)
{
	bool v6 = ip != NULL && strchr(ip, ':') != NULL;

	ev_buf_addf(b, "%s%s%s:%s", v6 ? "[" : "", ip ? ip : "?",
	    v6 ? "]" : "", port ? port : "?");
}

void
rp_net_line(struct ev_buf *b, const struct ev_event *e, bool src)
{
	const char *host = ev_col(e, EV_COL_DST_HOSTNAME);

	ev_buf_adds(b, ev_col(e, EV_COL_PROTOCOL) ? ev_col(e, EV_COL_PROTOCOL) :
	    "?");
	ev_buf_addc(b, ' ');
	if (src) {
		rp_endpoint(b, ev_col(e, EV_COL_SRC_IP), ev_col(e,
		    EV_COL_SRC_PORT));
		ev_buf_adds(b, " -> ");
	}
	rp_endpoint(b, ev_col(e, EV_COL_DST_IP), ev_col(e, EV_COL_DST_PORT));
	if (host != NULL && *host != '\0')
		ev_buf_addf(b, " (%s)", host);
}

void
rp_net_cell(struct ev_buf *b, const struct rp_ctx *c)
{
	size_t n = c->nnet < RP_CTX_MAX ? c->nnet : RP_CTX_MAX;

	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			ev_buf_adds(b, "; ");
		rp_net_line(b, c->net[i], false);
	}
	if (c->nnet > n)
		ev_buf_addf(b, "; +%zu more", c->nnet - n);
}

void
rp_loads_cell(struct ev_buf *b, const struct rp_ctx *c)
{
	for (size_t i = 0; i < c->nloads; i++) {
		const char *p = ev_col(c->loads[i], EV_COL_IMAGE_LOADED);

		if (i > 0)
			ev_buf_adds(b, "; ");
		ev_buf_adds(b, p != NULL ? p : "?");
	}
	if (c->loads_total > c->nloads)
		ev_buf_addf(b, "; +%zu more", c->loads_total - c->nloads);
}

void
rp_chain_cell(struct ev_buf *b, const struct rp_ctx *c)
{
	for (size_t i = 0; i < c->nchain; i++) {
		const char *img = ev_col(c->chain[i], EV_COL_IMAGE);

		if (i > 0)
			ev_buf_adds(b, " <- ");
		ev_buf_adds(b, img != NULL ? img : "?");
	}
}

const char *
rp_cleared_channel(const struct ev_event *ev)
{
	const char *c;

	if (ev->event_id == 1102)
		return "Security";
	c = ev_data(ev, "Channel");
	return c != NULL ? c : "";
}

/* ---- reasons of a finding ---- */

const char *
rp_source(const struct finding *f)
{
	bool rule = false, base = false;

	for (size_t i = 0; i < f->nreasons; i++) {
		if (f->reasons[i].baseline)
			base = true;
		else
			rule = true;
	}
	return rule && base ? "rule+baseline" : base ? "baseline" : "rule";
}

static void
join(struct ev_buf *b, const struct finding *f, size_t field)
{
	bool first = true;

	for (size_t i = 0; i < f->nreasons; i++) {
		const char *s = *(const char *const *)(const void *)
		    ((const char *)&f->reasons[i] + field);

		if (s == NULL)
			continue;
		if (!first)
			ev_buf_adds(b, RP_SEP);
		ev_buf_adds(b, s);
		first = false;
	}
}

void
rp_join_titles(struct ev_buf *b, const struct finding *f)
{
	join(b, f, offsetof(struct finding_reason, title));
}

void
rp_join_ids(struct ev_buf *b, const struct finding *f)
{
	join(b, f, offsetof(struct finding_reason, rule_id));
}

void
rp_join_details(struct ev_buf *b, const struct finding *f)
{
	join(b, f, offsetof(struct finding_reason, details));
}

void
rp_join_matched(struct ev_buf *b, const struct finding *f)
{
	bool first = true;

	for (size_t i = 0; i < f->nreasons; i++) {
		if (f->reasons[i].nmatched == 0)
			continue;
		if (!first)
			ev_buf_adds(b, RP_SEP);
		findings_matched_line(b, &f->reasons[i]);
		first = false;
	}
}

/* Whether the word [w, w+n) occurs as a space-separated word in s[0..len). */
static bool
has_word(const char *s, size_t len, const char *w, size_t n)
{
	const char *p = s, *end = s + len;

	while (p < end) {
		const char *q = p;

		while (q < end && *q != ' ')
			q++;
		if ((size_t)(q - p) == n && memcmp(p, w, n) == 0)
			return true;
		p = q + 1;
	}
	return false;
}

void
rp_join_tags(struct ev_buf *b, const struct finding *f)
{
	size_t start = b->len;

	for (size_t i = 0; i < f->nreasons; i++) {
		const char *t = f->reasons[i].tags;

		while (t != NULL && *t != '\0') {
			size_t n;

			while (*t == ' ')
				t++;
			n = strcspn(t, " ");
			if (n > 0 && !has_word(b->buf + start, b->len - start,
			    t, n)) {
				if (b->len > start)
					ev_buf_addc(b, ' ');
				ev_buf_add(b, t, n);
			}
			t += n;
		}
	}
}

double
rp_score(const struct finding *f)
{
	double s = -1;

	for (size_t i = 0; i < f->nreasons; i++)
		if (f->reasons[i].baseline && f->reasons[i].score > s)
			s = f->reasons[i].score;
	return s;
}

size_t
rp_techniques(const char *tags, void (*fn)(void *, const char *, size_t),
    void *arg)
{
	size_t k = 0;

	while (tags != NULL && *tags != '\0') {
		size_t n, d;

		while (*tags == ' ')
			tags++;
		n = strcspn(tags, " ");
		/* attack.tNNNN or attack.tNNNN.NNN */
		if (n >= 12 && strncasecmp(tags, "attack.t", 8) == 0) {
			for (d = 8; d < n && isdigit((unsigned char)tags[d]);)
				d++;
			if (d == 12 && (n == 12 || (n == 16 && tags[12] ==
			    '.' && isdigit((unsigned char)tags[13]) &&
			    isdigit((unsigned char)tags[14]) &&
			    isdigit((unsigned char)tags[15])))) {
				fn(arg, tags + 7, n - 7);
				k++;
			}
		}
		tags += n;
	}
	return k;
}

/* ---- coverage ---- */

enum rp_cover
rp_host_cover(const struct rp_host *h)
{
	/* script blocks, services and tasks show what ran, not all of it */
	if (h->sysmon1 == 0 && h->sec4688 == 0)
		return h->other_exam > 0 ? RP_COVER_PARTIAL : RP_COVER_BLIND;
	if (h->sysmon1 == 0 && h->sec4688_cmd == 0)
		return h->other_exam > 0 ? RP_COVER_PARTIAL : RP_COVER_NOCMD;
	if (h->sysmon3 == 0 || h->sysmon7 == 0)
		return RP_COVER_PARTIAL;
	return RP_COVER_FULL;
}

const char *
rp_cover_name(enum rp_cover c)
{
	static const char *const names[] = {
		"full", "partial", "no-command-lines", "blind",
	};

	return names[c];
}

void
rp_host_missing(const struct rp_host *h, struct ev_buf *b, const char *sep)
{
	size_t start = b->len;

#define LINE(s) do {							\
	if (b->len > start)						\
		ev_buf_adds(b, sep);					\
	ev_buf_adds(b, (s));						\
} while (0)
	if (h->sysmon1 == 0 && h->sec4688 == 0 && h->other_exam > 0)
		LINE("no process creation events (Sysmon 1, Security 4688): "
		    "only PowerShell, services, tasks and WMI consumers were "
		    "examined");
	else if (h->sysmon1 == 0 && h->sec4688 == 0)
		LINE("no process creation events (Sysmon 1, Security 4688): "
		    "no findings here does NOT mean clean");
	else if (h->sysmon1 == 0 && h->sec4688_cmd == 0 && h->other_exam > 0)
		LINE("4688 without command lines (command-line auditing off "
		    "or template 0): only PowerShell, services, tasks and WMI "
		    "consumers were examined");
	else if (h->sysmon1 == 0 && h->sec4688_cmd == 0)
		LINE("4688 without command lines (command-line auditing off "
		    "or template 0): command-line rules cannot fire, no "
		    "findings here does NOT mean clean");
	else if (h->sysmon1 == 0 && h->sec4688_cmd < h->sec4688)
		LINE("some 4688 events lack command lines");
	if (h->sysmon1 == 0 && h->sec4688 > 0)
		LINE("no Sysmon 1: no hashes, no parent command lines, no "
		    "process GUIDs (parents linked by pid)");
	if (h->sysmon3 == 0)
		LINE("no Sysmon 3: network connections not visible");
	if (h->sysmon7 == 0)
		LINE("no Sysmon 7: image loads not visible");
	if (h->sysmon5 == 0 && h->sec4689 == 0)
		LINE("no process exits (Sysmon 5, 4689): pid reuse guessed");
#undef LINE
}

/* ---- analysis ---- */

static int
cmp_count_n(const void *a, const void *b)
{
	const struct rp_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	if (x->level != y->level)
		return x->level > y->level ? -1 : 1;
	return strcmp(x->key, y->key);
}

/*
 * Counts by key: one entry per distinct key (a map from the key to its
 * place in v), so memory follows the keys, not the findings.
 */
struct counts {
	struct ev_map	 map;
	struct rp_count	*v;
	size_t		 n, cap;
	bool		 oom;
};

/*
 * Counts key once more, its level the highest seen; title is the first
 * seen.  A key that is new is kept as given, or copied into arena when
 * one is given (the caller's buffer does not last).
 */
static void
counts_add(struct counts *c, const char *key, const char *title, int level,
    struct ev_arena *arena)
{
	struct ev_map_ent *e;
	bool isnew;

	if (c->oom)
		return;
	if ((e = ev_map_put(&c->map, key, strlen(key), &isnew)) == NULL) {
		c->oom = true;
		return;
	}
	if (isnew) {
		if (EV_GROW(c->v, c->n, c->cap, 16) != 0 || (arena != NULL &&
		    (key = ev_arena_strdup(arena, key)) == NULL)) {
			c->oom = true;
			return;
		}
		e->idx = (uint32_t)c->n;
		c->v[c->n++] = (struct rp_count){ key, title, level, 0 };
	}
	c->v[e->idx].n++;
	if (level > c->v[e->idx].level)
		c->v[e->idx].level = level;
}

/* Sorts by count (then level, key); the map goes. */
static void
counts_finish(struct counts *c)
{
	ev_map_release(&c->map);
	if (c->n > 1)
		ev_qsort(c->v, c->n, sizeof(c->v[0]), cmp_count_n);
}

/*
 * A finding's techniques, upper-cased, each once (tech_add()): slots of
 * TECH_SLOT bytes in b (rp_techniques() gives at most "t1234.567").
 */
#define TECH_SLOT	16
struct tech_arg {
	struct ev_buf	 b;
	size_t		 n;
};

static void
tech_add(void *arg, const char *t, size_t n)
{
	struct tech_arg *ta = arg;
	char up[TECH_SLOT] = { 0 };

	if (n >= sizeof(up))
		return;
	for (size_t i = 0; i < n; i++)
		up[i] = (char)toupper((unsigned char)t[i]);
	for (size_t i = 0; i < ta->n; i++)
		if (strcmp(ta->b.buf + i * TECH_SLOT, up) == 0)
			return;		/* twice in one finding: once */
	ev_buf_add(&ta->b, up, sizeof(up));
	ta->n++;
}

static bool
user_writable(const char *path)
{
	static const char *const dirs[] = {
		"\\users\\", "\\programdata\\", "\\windows\\temp\\",
		"\\temp\\", "\\appdata\\", "\\perflogs\\", "\\$recycle.bin\\",
		"\\windows\\tasks\\", "\\windows\\tracing\\",
		"\\windows\\debug\\", "\\downloads\\",
	};

	if (path == NULL)
		return false;
	if (path[0] == '\\' && path[1] == '\\')	/* UNC share */
		return true;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (strcasestr(path, dirs[i]) != NULL)
			return true;
	return false;
}

/* The k-th finding in the order of its event's seq (then its own). */
static inline const struct finding *
fseq_at(const struct rp *rp, size_t k)
{
	return &rp->r->findings[rp->fseq != NULL ? rp->fseq[k] : k];
}

/* The finding that r->run->events[at] carries last, or NULL. */
static const struct finding *
finding_at_seq(const struct rp *rp, size_t *pos, uint32_t at)
{
	const struct report *r = rp->r;
	const struct finding *f = NULL;
	size_t k = *pos;

	while (k < r->nfindings && fseq_at(rp, k)->ev->seq < at)
		k++;
	*pos = k;
	for (; k < r->nfindings && fseq_at(rp, k)->ev->seq == at; k++)
		if (at < r->run->nevents &&
		    r->run->events[at] == fseq_at(rp, k)->ev)
			f = fseq_at(rp, k);
	return f;
}

/* finding_at_seq() found by bisection. */
static const struct finding *
finding_of_seq(const struct rp *rp, uint32_t at)
{
	size_t lo = 0, hi = rp->r->nfindings;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (fseq_at(rp, mid)->ev->seq < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return finding_at_seq(rp, &lo, at);
}

/* A finding's place in seq order: its event's seq, then its index. */
struct fseq_key {
	uint32_t	 seq, i;
};

static int
fseq_cmp(const void *a, const void *b)
{
	const struct fseq_key *x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/*
 * rp->fseq: the findings in the order of their events' seq, unless
 * r->findings already are (a scan's are: output order).  0 or EV_ENOMEM.
 */
static int
finding_seq_index(struct rp *rp)
{
	const struct report *r = rp->r;
	struct fseq_key *k;
	size_t i;

	for (i = 1; i < r->nfindings; i++)
		if (r->findings[i].ev->seq < r->findings[i - 1].ev->seq)
			break;
	if (i >= r->nfindings)
		return 0;
	if ((k = malloc(r->nfindings * sizeof(*k))) == NULL ||
	    (rp->fseq = malloc(r->nfindings * sizeof(*rp->fseq))) == NULL) {
		free(k);
		return EV_ENOMEM;
	}
	for (i = 0; i < r->nfindings; i++)
		k[i] = (struct fseq_key){ r->findings[i].ev->seq, (uint32_t)i };
	qsort(k, r->nfindings, sizeof(*k), fseq_cmp);
	for (i = 0; i < r->nfindings; i++)
		rp->fseq[i] = k[i].i;
	free(k);
	return 0;
}

bool
rp_load_unusual(const struct rp *rp, const struct ev_event *load)
{
	const struct report *r = rp->r;
	const struct finding *f = finding_of_seq(rp, load->seq);

	if (f != NULL && f->ev == load)
		return true;
	if (r->load_unusual != NULL)
		return r->load_unusual(r->load_arg, load);
	return user_writable(ev_col(load, EV_COL_IMAGE_LOADED));
}

/*
 * A WMI event's subscription (the other events corr_wmi() joins to it)
 * and what its consumer ran: the processes started by it, by its
 * consumer (20) or by its 5861 (each process has one origin, so the
 * counts add up).
 */
static void
wmi_context(const struct corr *c, const struct ev_event *ev,
    struct rp_ctx *ctx)
{
	struct corr_wmi w;
	const struct ev_event *ran[3];
	size_t nran = 0;

	corr_wmi(c, ev, &w);
	ran[nran++] = ev;
	for (int i = 0; i < 4; i++) {
		const struct ev_event *e = i == 0 ? w.filter : i == 1 ?
		    w.consumer : i == 2 ? w.binding : w.registered;

		if (e == NULL || e == ev)
			continue;
		ctx->wmi[ctx->nwmi++] = e;
		if (e == w.consumer || e == w.registered)
			ran[nran++] = e;
	}
	for (size_t i = 0; i < nran; i++) {
		size_t room = RP_CTX_MAX - ctx->nstarted, n;

		n = corr_started(c, ran[i], ctx->started + ctx->nstarted,
		    room);
		ctx->started_total += n;
		ctx->nstarted += n < room ? n : room;
	}
}

void
rp_context(const struct rp *rp, const struct ev_event *ev, struct rp_ctx *ctx)
{
	const struct corr *c = rp->r->corr;
	const struct ev_event *const *loads;

	memset(ctx, 0, sizeof(*ctx));
	if (c != NULL && (ev->kind == EV_KIND_SERVICE ||
	    ev->kind == EV_KIND_TASK)) {
		ctx->started_total = corr_started(c, ev, ctx->started,
		    RP_CTX_MAX);
		ctx->nstarted = ctx->started_total < RP_CTX_MAX ?
		    ctx->started_total : RP_CTX_MAX;
	}
	if (c != NULL && ev->kind == EV_KIND_WMI)
		wmi_context(c, ev, ctx);
	if (c != NULL)
		rp_task_context(c, ev, ctx);
	if (c == NULL) {
		if (ev->kind == EV_KIND_PROCESS)
			ctx->proc = ev;
		return;
	}
	ctx->proc = corr_process(c, ev);
	if (ctx->proc == NULL && ev->kind == EV_KIND_PROCESS)
		ctx->proc = ev;
	if (ctx->proc == NULL)
		return;
	ctx->nchain = corr_chain(c, ctx->proc, ctx->chain, CORR_CHAIN_MAX);
	ctx->nnet = corr_network(c, ctx->proc, &ctx->net);
	ctx->nkids = corr_children(c, ctx->proc, &ctx->kids);
	ctx->origin = corr_origin(c, ctx->proc);
	ctx->script = corr_script(c, ctx->proc);
	ctx->nacts = corr_activity(c, ctx->proc, &ctx->acts);
	ctx->loads_all = corr_image_loads(c, ctx->proc, &loads);
	for (size_t i = 0; i < ctx->loads_all; i++) {
		if (!rp_load_unusual(rp, loads[i]))
			continue;
		if (ctx->nloads < RP_CTX_MAX)
			ctx->loads[ctx->nloads++] = loads[i];
		ctx->loads_total++;
	}
}

/*
 * Counts f under each rule once, and under one "baseline" row for all of
 * its baseline reasons (their kinds are one detector, not rules).
 */
static void
count_rules(struct rp *rp, struct counts *rules, const struct finding *f)
{
	int blevel = -1;

	for (size_t j = 0; j < f->nreasons; j++) {
		const struct finding_reason *rr = &f->reasons[j];
		bool dup = false;

		rp->by_rule_source[rr->baseline ? 1 : 0]++;
		if (rr->baseline) {
			if ((int)rr->level > blevel)
				blevel = (int)rr->level;
			continue;
		}
		/* the same rule twice in one finding (a folded twin) once */
		for (size_t k = 0; k < j; k++)
			if (!f->reasons[k].baseline && f->reasons[k].rule_id &&
			    rr->rule_id && strcmp(f->reasons[k].rule_id,
			    rr->rule_id) == 0)
				dup = true;
		if (!dup)
			counts_add(rules, rr->rule_id != NULL ? rr->rule_id :
			    "", rr->title, rr->level, NULL);
	}
	if (blevel >= 0)
		counts_add(rules, "baseline", "baseline: unusual for the "
		    "binary's history", blevel, NULL);
}

/* rp->groups: the report's, or one per finding when it has none. */
static int
analyse_groups(struct rp *rp)
{
	const struct report *r = rp->r;
	size_t n = r->nfindings;

	if (r->groups != NULL) {
		rp->groups = r->groups;
		rp->ngroups = r->ngroups;
		return 0;
	}
	if (n == 0)
		return 0;
	if ((rp->own_groups = calloc(n, sizeof(*rp->own_groups))) == NULL ||
	    (rp->own_members = calloc(n, sizeof(*rp->own_members))) == NULL)
		return EV_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct finding *f = &r->findings[i];

		rp->own_members[i] = f;
		rp->own_groups[i] = (struct finding_group){ (uint32_t)i + 1,
		    f, &rp->own_members[i], 1, f->ev->time, f->ev->time,
		    f->level };
	}
	rp->groups = rp->own_groups;
	rp->ngroups = n;
	return 0;
}

/* The group of the i-th finding. */
static const struct finding_group *
group_of(const struct rp *rp, size_t i)
{
	const struct finding *f = &rp->r->findings[i];

	if (rp->own_groups != NULL)
		return &rp->own_groups[i];
	if (f->group >= 1 && f->group <= rp->ngroups)
		return &rp->groups[f->group - 1];
	return NULL;
}

/* rp->items (the timeline) and rp->fitems (every finding). */
static int
timeline(struct rp *rp)
{
	const struct report *r = rp->r;
	const struct ingest_run *run = r->run;

	if (r->opts.all_events) {
		if (run->nevents > 0 && (rp->items = calloc(run->nevents,
		    sizeof(*rp->items))) == NULL)
			return EV_ENOMEM;
		size_t pos = 0;

		for (size_t i = 0; i < run->nevents; i++) {
			const struct finding *f = finding_at_seq(rp, &pos,
			    (uint32_t)i);

			rp->items[rp->nitems++] = (struct rp_item){
			    run->events[i], f, f != NULL ? group_of(rp,
			    (size_t)(f - r->findings)) : NULL };
		}
		rp->fitems = rp->items;
		rp->nfitems = rp->nitems;
		return 0;
	}
	if (r->nfindings == 0)
		return 0;
	/* rp->fitems NULL: rp_write_items() makes them from the findings */
	rp->nfitems = r->nfindings;
	if ((rp->items = calloc(rp->ngroups > 0 ? rp->ngroups : 1,
	    sizeof(*rp->items))) == NULL)
		return EV_ENOMEM;
	for (size_t i = 0; i < rp->ngroups; i++)
		rp->items[rp->nitems++] = (struct rp_item){
		    rp->groups[i].first->ev, rp->groups[i].first,
		    &rp->groups[i] };
	return 0;
}

/* The counts over the findings: by level, rule, host and technique. */
static int
analyse_findings(struct rp *rp)
{
	const struct report *r = rp->r;
	struct counts rules = { .map = EV_MAP_INIT }, hosts = rules,
	    techs = rules;

	for (size_t i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];
		const struct ev_event *ev = f->ev;
		struct ev_buf tags = EV_BUF_INIT;
		struct tech_arg ta = { EV_BUF_INIT, 0 };

		if (ev->time != 0 && (rp->ffirst == 0 || ev->time < rp->ffirst))
			rp->ffirst = ev->time;
		if (ev->time > rp->flast)
			rp->flast = ev->time;
		if ((unsigned)f->level < EV_NLEVELS)
			rp->byl[f->level]++;
		counts_add(&hosts, ev_col(ev, EV_COL_COMPUTER) != NULL ?
		    ev_col(ev, EV_COL_COMPUTER) : "", NULL, 0, NULL);
		count_rules(rp, &rules, f);
		/* techniques once per finding */
		rp_join_tags(&tags, f);
		rp_techniques(tags.buf, tech_add, &ta);
		if (ev_buf_failed(&tags) || ev_buf_failed(&ta.b))
			techs.oom = true;
		for (size_t t = 0; t < ta.n && !techs.oom; t++)
			counts_add(&techs, ta.b.buf + t * TECH_SLOT, NULL, 0,
			    &rp->arena);
		ev_buf_release(&tags);
		ev_buf_release(&ta.b);
	}
	counts_finish(&rules);
	counts_finish(&hosts);
	counts_finish(&techs);
	if (rules.oom || hosts.oom || techs.oom) {
		free(rules.v);
		free(hosts.v);
		free(techs.v);
		return EV_ENOMEM;
	}
	rp->rules = rules.v;
	rp->nrules = rules.n;
	rp->hostc = hosts.v;
	rp->nhostc = hosts.n;
	rp->techs = techs.v;
	rp->ntechs = techs.n;
	return 0;
}

/*
 * The walks of rp_analyse() over every finding or event: each writes its
 * own part of rp (the hosts' stretches their own counters, summed after),
 * so they run on the report's threads together, the longest first: the
 * watched binaries' walk, the hosts' stretches, the findings.
 */
struct walks {
	struct rp		*rp;
	struct rp_hwalk		*hw;
	unsigned		 nhs;		/* hosts' stretches */
	int			 rc[2];
};

static void
walk_main(void *arg, unsigned i)
{
	struct walks *w = arg;

	if (i == 0)
		w->rc[0] = rp_analyse_watched(w->rp);
	else if (i <= w->nhs)
		rp_hosts_stretch(w->hw, i - 1);
	else
		w->rc[1] = analyse_findings(w->rp);
}

int
rp_analyse(struct rp *rp, const struct report *r, struct ev_err *err)
{
	const struct ingest_run *run = r->run;
	struct walks w;
	size_t ng = 0;

	memset(rp, 0, sizeof(*rp));
	ev_arena_init(&rp->arena);
	rp->r = r;
	for (size_t i = 0; i < run->nfiles; i++) {
		const struct ingest_file *fl = &run->files[i];

		if ((unsigned)fl->status < INGEST_NSTATUS)
			rp->files_by[fl->status]++;
		ng += fl->stats.ngaps;
	}
	if (ng > 0) {
		if ((rp->gaps = calloc(ng, sizeof(*rp->gaps))) == NULL)
			goto oom;
		for (size_t i = 0; i < run->nfiles; i++)
			for (size_t j = 0; j < run->files[i].stats.ngaps; j++)
				rp->gaps[rp->ngaps++] = (struct rp_gap){
				    &run->files[i], &run->files[i].stats.gaps[j] };
	}
	if (finding_seq_index(rp) != 0)
		goto oom;
	w.rp = rp;
	w.rc[0] = w.rc[1] = 0;
	if ((w.hw = rp_hosts_begin(rp, r->jobs, &w.nhs)) == NULL)
		goto oom;
	ev_par_for(w.nhs + 2, r->jobs, walk_main, &w);
	if (rp_hosts_finish(rp, w.hw) != 0 || w.rc[0] != 0 || w.rc[1] != 0)
		goto oom;
	if (analyse_groups(rp) != 0 || timeline(rp) != 0)
		goto oom;
	return 0;
oom:
	rp_release(rp);
	return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
}

void
rp_release(struct rp *rp)
{
	free(rp->hosts);
	free(rp->clears);
	free(rp->gaps);
	free(rp->rules);
	free(rp->hostc);
	free(rp->techs);
	free(rp->watched);
	if (rp->fitems != rp->items)
		free(rp->fitems);
	free(rp->items);
	free(rp->own_groups);
	free(rp->own_members);
	free(rp->fseq);
	ev_arena_release(&rp->arena);
	memset(rp, 0, sizeof(*rp));
}
