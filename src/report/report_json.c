/*
 * report_json.c -- the JSON forms of the report: the header, timeline and
 * summary objects (shared with the HTML page), and the `jsonl` and
 * `timesketch` writers.  Keys are documented in evtxhunt-scan(1).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ev_json.h"
#include "ev_time.h"
#include "report/escape.h"
#include "report/report_int.h"

/* ,"k": (k a plain key: no escaping; the most frequent write here) */
static void
key(struct ev_buf *b, const char *k)
{
	ev_buf_add(b, ",\"", 2);
	ev_buf_adds(b, k);
	ev_buf_add(b, "\":", 2);
}

/* A time: UTC, or in the display zone when the JSON is the HTML page's. */
static void
jtime(struct ev_buf *b, const struct rp *rp, uint64_t t)
{
	char iso[EV_TIME_MAX_LEN + 1];

	if (t == 0) {
		ev_buf_adds(b, "null");
		return;
	}
	ev_time_format(t, rp->r->opts.format != NULL &&
	    strcmp(rp->r->opts.format, "html") == 0 ? EV_TIME_LOCAL : 0, iso);
	ev_buf_addc(b, '"');
	ev_buf_adds(b, iso);
	ev_buf_addc(b, '"');
}

/* An EV_T_INT column: the number, or null. */
static void
jint_col(struct ev_buf *b, const struct ev_event *ev, int col)
{
	if (ev_col(ev, col) != NULL && ev_col(ev, col)[0] != '\0')
		ev_buf_adds(b, ev_col(ev, col));
	else
		ev_buf_adds(b, "null");
}

static void
jbool_col(struct ev_buf *b, const struct ev_event *ev, int col)
{
	if (ev_col(ev, col) == NULL)
		ev_buf_adds(b, "null");
	else
		ev_buf_adds(b, ev_col(ev, col)[0] == '1' ? "true" : "false");
}

static void
jfile(struct ev_buf *b, const struct rp *rp, const struct ev_event *ev)
{
	const struct ingest_run *run = rp->r->run;

	ev_json_str(b, ev->file_id < run->nfiles ?
	    run->files[ev->file_id].path : NULL);
}

/* ---- header ---- */

static void
json_file(struct ev_buf *b, const struct rp *rp, const struct ingest_file *f)
{
	const struct evtx_stats *s = &f->stats;

	ev_buf_adds(b, "{\"path\":");
	ev_json_str(b, f->path);
	ev_buf_addf(b, ",\"size\":%" PRIu64 ",\"sha256\":", f->size);
	ev_json_str(b, f->sha256[0] != '\0' ? f->sha256 : NULL);
	ev_buf_addf(b, ",\"status\":\"%s\",\"message\":",
	    ingest_status_name(f->status));
	ev_json_str(b, f->message);
	ev_buf_addf(b, ",\"dirty\":%s,\"full\":%s,\"chunks\":%" PRIu32
	    ",\"bad_chunks\":%" PRIu32 ",\"records\":%" PRIu64
	    ",\"recovered\":%" PRIu64 ",\"bad_records\":%" PRIu64
	    ",\"events\":%" PRIu64 ",\"duplicates\":%" PRIu64,
	    s->dirty ? "true" : "false", s->full ? "true" : "false",
	    s->chunks, s->bad_chunks, s->records, s->recovered,
	    s->bad_records, s->events, f->duplicates);
	if (s->unresolved > 0)
		ev_buf_addf(b, ",\"unresolved\":%" PRIu64, s->unresolved);
	key(b, "first_time");
	jtime(b, rp, s->first_time);
	key(b, "last_time");
	jtime(b, rp, s->last_time);
	ev_buf_addf(b, ",\"gaps\":%zu}", s->ngaps);
}

static void
json_host(struct ev_buf *b, const struct rp *rp, const struct rp_host *h)
{
	struct ev_buf miss = EV_BUF_INIT;
	const char *p;

	ev_buf_adds(b, "{\"computer\":");
	ev_json_str(b, h->computer);
	ev_buf_addf(b, ",\"verdict\":\"%s\"", rp_cover_name(rp_host_cover(h)));
	key(b, "first");
	jtime(b, rp, h->first);
	key(b, "last");
	jtime(b, rp, h->last);
	ev_buf_addf(b, ",\"events\":%" PRIu64 ",\"sysmon_1\":%" PRIu64
	    ",\"sysmon_3\":%" PRIu64 ",\"sysmon_5\":%" PRIu64
	    ",\"sysmon_7\":%" PRIu64 ",\"security_4688\":%" PRIu64
	    ",\"security_4688_command_line\":%" PRIu64
	    ",\"security_4689\":%" PRIu64,
	    h->events, h->sysmon1, h->sysmon3, h->sysmon5, h->sysmon7,
	    h->sec4688, h->sec4688_cmd, h->sec4689);
	ev_buf_addf(b, ",\"powershell_4104\":%" PRIu64 ",\"powershell_4103"
	    "\":%" PRIu64 ",\"services\":%" PRIu64 ",\"tasks\":%" PRIu64
	    ",\"sysmon_22\":%" PRIu64 ",\"sysmon_11\":%" PRIu64
	    ",\"wmi\":%" PRIu64 ",\"powershell_classic\":%" PRIu64
	    ",\"sysmon_8\":%" PRIu64 ",\"sysmon_10\":%" PRIu64
	    ",\"taskscheduler\":%" PRIu64
	    ",\"sysmon_6\":%" PRIu64 ",\"sysmon_12_14\":%" PRIu64
	    ",\"sysmon_15\":%" PRIu64 ",\"sysmon_17_18\":%" PRIu64
	    ",\"security_4688_templates\":{", h->ps4104, h->ps4103,
	    h->services, h->tasks, h->sysmon22, h->sysmon11, h->wmi,
	    h->psclassic, h->sysmon8, h->sysmon10, h->tasksched, h->sysmon6,
	    h->sysmon12_14, h->sysmon15, h->sysmon17_18);
	for (int v = 0, first = 1; v < 4; v++) {
		if (h->tmpl[v] == 0)
			continue;
		ev_buf_addf(b, "%s\"%s\":%" PRIu64, first ? "" : ",",
		    v < 3 ? (const char *[]){ "0", "1", "2" }[v] : "other",
		    h->tmpl[v]);
		first = 0;
	}
	ev_buf_addf(b, "},\"log_clears\":%" PRIu64 ",\"findings\":%" PRIu64
	    ",\"missing\":[", h->clears, h->findings);
	rp_host_missing(h, &miss, "\n");
	for (p = miss.buf; *p != '\0';) {
		size_t n = strcspn(p, "\n");
		char *line = strndup(p, n);

		if (p != miss.buf)
			ev_buf_addc(b, ',');
		ev_json_str(b, line != NULL ? line : "");
		free(line);
		p += n;
		if (*p == '\n')
			p++;
	}
	ev_buf_adds(b, "]}");
	ev_buf_release(&miss);
}

static void
json_clear(struct ev_buf *b, const struct rp *rp, const struct ev_event *ev)
{
	ev_buf_adds(b, "{\"time\":");
	jtime(b, rp, ev->time);
	key(b, "computer");
	ev_json_str(b, ev_col(ev, EV_COL_COMPUTER));
	ev_buf_addf(b, ",\"event_id\":%" PRIu32 ",\"channel\":", ev->event_id);
	ev_json_str(b, rp_cleared_channel(ev));
	key(b, "user");
	ev_json_str(b, rp_col(ev, EV_COL_USER));
	key(b, "file");
	jfile(b, rp, ev);
	ev_buf_addf(b, ",\"record_id\":%" PRIu64 "}", ev->record_id);
}

void
rp_json_header(struct ev_buf *b, const struct rp *rp)
{
	const struct report *r = rp->r;
	const struct ingest_run *run = r->run;

	ev_buf_adds(b, "{\"type\":\"header\",\"version\":");
	ev_json_str(b, r->version);
	key(b, "command");
	ev_json_str(b, r->command);
	ev_buf_adds(b, ",\"files\":[");
	for (size_t i = 0; i < run->nfiles; i++) {
		if (i > 0)
			ev_buf_addc(b, ',');
		json_file(b, rp, &run->files[i]);
	}
	ev_buf_addf(b, "],\"files_by_status\":{\"ok\":%" PRIu64 ",\"damaged\":%"
	    PRIu64 ",\"empty\":%" PRIu64 ",\"unreadable\":%" PRIu64 "}",
	    rp->files_by[INGEST_OK], rp->files_by[INGEST_DAMAGED],
	    rp->files_by[INGEST_EMPTY], rp->files_by[INGEST_UNREADABLE]);
	ev_buf_addf(b, ",\"records\":%" PRIu64 ",\"recovered\":%" PRIu64
	    ",\"bad_records\":%" PRIu64 ",\"events\":%zu,\"duplicates\":%"
	    PRIu64 ",\"bytes\":%" PRIu64, run->records, run->recovered,
	    run->bad_records, run->nevents, run->duplicates, run->bytes);
	ev_buf_adds(b, ",\"time_range\":{\"first\":");
	jtime(b, rp, rp->first);
	key(b, "last");
	jtime(b, rp, rp->last);
	key(b, "from");
	jtime(b, rp, r->from);
	key(b, "to");
	jtime(b, rp, r->to);
	ev_buf_addf(b, "},\"rules\":{\"loaded\":%zu,\"skipped\":%zu,"
	    "\"rejected\":%zu,\"sha256\":", r->rules.loaded, r->rules.skipped,
	    r->rules.rejected);
	ev_json_str(b, r->rules.sha256);
	ev_buf_adds(b, ",\"by_reason\":{");
	for (size_t i = 0; i < r->rules.nreasons; i++) {
		if (i > 0)
			ev_buf_addc(b, ',');
		ev_json_str(b, r->rules.reason_names[i]);
		ev_buf_addf(b, ":%zu", r->rules.reason_counts[i]);
	}
	ev_buf_adds(b, "}},\"baseline\":");
	ev_json_str(b, r->baseline);
	ev_buf_adds(b, ",\"unbaselined\":[");
	for (size_t i = 0; i < r->nunbaselined; i++) {
		if (i > 0)
			ev_buf_addc(b, ',');
		ev_json_str(b, r->unbaselined[i]);
	}
	ev_buf_addf(b, "],\"findings\":%zu,\"entries\":%zu,\"grouping\":",
	    r->nfindings, r->opts.all_events ? rp->nitems : rp->ngroups);
	ev_json_str(b, r->grouping);
	ev_buf_addf(b, ",\"suppressed\":%" PRIu64 ",\"filtered\":%" PRIu64
	    ",\"below_level\":%" PRIu64 ",\"dropped_reasons\":{"
	    "\"suppressed\":%" PRIu64 ",\"filtered\":%" PRIu64
	    ",\"below_level\":%" PRIu64 "},\"min_level\":",
	    r->suppressed.findings, r->filtered.findings, r->below.findings,
	    r->suppressed.reasons, r->filtered.reasons, r->below.reasons);
	ev_json_str(b, r->opts.min_level > 0 ?
	    ev_level_name(r->opts.min_level) : NULL);
	ev_buf_addf(b, ",\"all_events\":%s,\"coverage\":[",
	    r->opts.all_events ? "true" : "false");
	for (size_t i = 0; i < rp->nhosts; i++) {
		if (i > 0)
			ev_buf_addc(b, ',');
		json_host(b, rp, &rp->hosts[i]);
	}
	ev_buf_adds(b, "],\"tampering\":{\"log_clears\":[");
	for (size_t i = 0; i < rp->nclears; i++) {
		if (i > 0)
			ev_buf_addc(b, ',');
		json_clear(b, rp, rp->clears[i]);
	}
	ev_buf_adds(b, "],\"gaps\":[");
	for (size_t i = 0; i < rp->ngaps; i++) {
		const struct evtx_gap *g = rp->gaps[i].gap;

		if (i > 0)
			ev_buf_addc(b, ',');
		ev_buf_adds(b, "{\"file\":");
		ev_json_str(b, rp->gaps[i].file->path);
		ev_buf_addf(b, ",\"after_id\":%" PRIu64 ",\"before_id\":%"
		    PRIu64 ",\"missing\":%" PRIu64 ",\"after_time\":",
		    g->after_id, g->before_id, g->before_id > g->after_id ?
		    g->before_id - g->after_id - 1 : 0);
		jtime(b, rp, g->after_time);
		key(b, "before_time");
		jtime(b, rp, g->before_time);
		ev_buf_addc(b, '}');
	}
	ev_buf_adds(b, "]}}");
}

/* ---- timeline entries ---- */

static void
json_proc(struct ev_buf *b, const struct rp *rp, const struct ev_event *p)
{
	ev_buf_adds(b, "{\"time\":");
	jtime(b, rp, p->time);
	ev_buf_addf(b, ",\"event_id\":%" PRIu32 ",\"image\":", p->event_id);
	ev_json_str(b, ev_col(p, EV_COL_IMAGE));
	key(b, "command_line");
	ev_json_str(b, ev_col(p, EV_COL_COMMAND_LINE));
	key(b, "user");
	ev_json_str(b, ev_col(p, EV_COL_USER));
	key(b, "pid");
	jint_col(b, p, EV_COL_PID);
	key(b, "process_guid");
	ev_json_str(b, ev_col(p, EV_COL_PROCESS_GUID));
	key(b, "file");
	jfile(b, rp, p);
	ev_buf_addf(b, ",\"record_id\":%" PRIu64 "}", p->record_id);
}

static void
json_net(struct ev_buf *b, const struct rp *rp, const struct ev_event *n)
{
	ev_buf_adds(b, "{\"time\":");
	jtime(b, rp, n->time);
	key(b, "protocol");
	ev_json_str(b, ev_col(n, EV_COL_PROTOCOL));
	key(b, "initiated");
	jbool_col(b, n, EV_COL_INITIATED);
	key(b, "src_ip");
	ev_json_str(b, ev_col(n, EV_COL_SRC_IP));
	key(b, "src_port");
	jint_col(b, n, EV_COL_SRC_PORT);
	key(b, "dst_ip");
	ev_json_str(b, ev_col(n, EV_COL_DST_IP));
	key(b, "dst_port");
	jint_col(b, n, EV_COL_DST_PORT);
	key(b, "dst_hostname");
	ev_json_str(b, ev_col(n, EV_COL_DST_HOSTNAME));
	ev_buf_addf(b, ",\"record_id\":%" PRIu64 "}", n->record_id);
}

static void
json_load(struct ev_buf *b, const struct rp *rp, const struct ev_event *l)
{
	ev_buf_adds(b, "{\"time\":");
	jtime(b, rp, l->time);
	key(b, "image_loaded");
	ev_json_str(b, ev_col(l, EV_COL_IMAGE_LOADED));
	key(b, "signed");
	jbool_col(b, l, EV_COL_SIGNED);
	key(b, "signature");
	ev_json_str(b, ev_col(l, EV_COL_SIGNATURE));
	key(b, "sha256");
	ev_json_str(b, ev_col(l, EV_COL_SHA256));
	ev_buf_addf(b, ",\"record_id\":%" PRIu64 "}", l->record_id);
}

/* An event of the execution sources in a context, or null. */
static void
json_source(struct ev_buf *b, const struct rp *rp, const struct ev_event *e)
{
	struct ev_buf t = EV_BUF_INIT;

	if (e == NULL) {
		ev_buf_adds(b, "null");
		return;
	}
	ev_buf_addf(b, "{\"kind\":\"%s\",\"time\":", ev_kind_name(e->kind));
	jtime(b, rp, e->time);
	rp_source_line(e, &t);
	key(b, "summary");
	ev_json_str(b, t.buf);
	ev_buf_addf(b, ",\"record_id\":%" PRIu64 "}", e->record_id);
	ev_buf_release(&t);
}

typedef void json_item(struct ev_buf *, const struct rp *,
    const struct ev_event *);

/* ",\"name\":[...]": the first n of v, each written by item. */
static void
json_list(struct ev_buf *b, const struct rp *rp, const char *name,
    json_item *item, const struct ev_event *const *v, size_t n)
{
	ev_buf_addf(b, ",\"%s\":[", name);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			ev_buf_addc(b, ',');
		item(b, rp, v[i]);
	}
	ev_buf_addc(b, ']');
}

#define MIN_CTX(n)	((n) < RP_CTX_MAX ? (n) : RP_CTX_MAX)

static void
json_context(struct ev_buf *b, const struct rp *rp, const struct ev_event *ev)
{
	struct rp_ctx c;
	size_t n;

	rp_context(rp, ev, &c);
	ev_buf_adds(b, "{\"process\":");
	if (c.proc != NULL && c.proc != ev)
		json_proc(b, rp, c.proc);
	else
		ev_buf_adds(b, "null");
	json_list(b, rp, "chain", json_proc, c.chain, c.nchain);
	json_list(b, rp, "network", json_net, c.net, MIN_CTX(c.nnet));
	ev_buf_addf(b, ",\"network_total\":%zu", c.nnet);
	json_list(b, rp, "image_loads", json_load, c.loads, c.nloads);
	ev_buf_addf(b, ",\"image_loads_unusual\":%zu"
	    ",\"image_loads_total\":%zu", c.loads_total, c.loads_all);
	json_list(b, rp, "children", json_proc, c.kids, MIN_CTX(c.nkids));
	ev_buf_addf(b, ",\"children_total\":%zu", c.nkids);
	key(b, "started_by");
	json_source(b, rp, c.origin != ev ? c.origin : NULL);
	key(b, "script");
	json_source(b, rp, c.script != ev ? c.script : NULL);
	ev_buf_adds(b, ",\"activity\":[");
	n = MIN_CTX(c.nacts);
	for (size_t i = 0, k = 0; i < n; i++) {
		if (c.acts[i] == ev)
			continue;
		if (k++ > 0)
			ev_buf_addc(b, ',');
		json_source(b, rp, c.acts[i]);
	}
	ev_buf_addf(b, "],\"activity_total\":%zu", c.nacts);
	json_list(b, rp, "ran", json_proc, c.started, c.nstarted);
	ev_buf_addf(b, ",\"ran_total\":%zu", c.started_total);
	json_list(b, rp, "subscription", json_source, c.wmi, c.nwmi);
	json_list(b, rp, "task", json_source, c.task, c.ntask);
	ev_buf_addc(b, '}');
}

static void
tech_json(void *arg, const char *t, size_t n)
{
	struct ev_buf *b = arg;

	if (b->buf[b->len - 1] != '[')
		ev_buf_addc(b, ',');
	ev_buf_addc(b, '"');
	for (size_t i = 0; i < n; i++)
		ev_buf_addc(b, (char)(t[i] >= 'a' && t[i] <= 'z' ? t[i] - 32 :
		    t[i]));
	ev_buf_addc(b, '"');
}

/*
 * The group of a finding: its id and size, and the time span.
 */
static void
json_group(struct ev_buf *b, const struct rp *rp,
    const struct finding_group *g)
{
	ev_buf_addf(b, ",\"group\":%" PRIu32 ",\"group_count\":%zu",
	    g->id, g->count);
	key(b, "group_first");
	jtime(b, rp, g->first_time);
	key(b, "group_last");
	jtime(b, rp, g->last_time);
}

/* The records of a group, for an entry that stands for it. */
static void
json_records(struct ev_buf *b, const struct rp *rp,
    const struct finding_group *g)
{
	ev_buf_adds(b, ",\"records\":[");
	for (size_t i = 0; i < g->count; i++) {
		const struct ev_event *ev = g->members[i]->ev;

		if (i > 0)
			ev_buf_addc(b, ',');
		ev_buf_adds(b, "{\"time\":");
		jtime(b, rp, ev->time);
		key(b, "file");
		jfile(b, rp, ev);
		ev_buf_addf(b, ",\"record_id\":%" PRIu64 "}", ev->record_id);
	}
	ev_buf_addc(b, ']');
}

/* A reason's rule: description, references, falsepositives, matched. */
static void
json_about(struct ev_buf *b, const struct finding_reason *rr)
{
	key(b, "description");
	ev_json_str(b, rr->description);
	key(b, "references");
	ev_json_strv(b, rr->references, rr->nreferences);
	key(b, "falsepositives");
	ev_json_strv(b, rr->falsepositives, rr->nfalsepositives);
	key(b, "matched");
	ev_buf_addc(b, '[');
	for (size_t i = 0; i < rr->nmatched; i++) {
		const struct finding_match *m = &rr->matched[i];

		ev_buf_adds(b, i > 0 ? ",{\"selection\":" : "{\"selection\":");
		ev_json_str(b, m->selection);
		key(b, "field");
		ev_json_str(b, m->field);
		key(b, "modifiers");
		ev_json_str(b, m->mods);
		key(b, "value");
		ev_json_str(b, m->value);
		key(b, "data");
		ev_json_str(b, m->data);
		key(b, "match");
		ev_json_str(b, m->match);
		ev_buf_adds(b, m->negated ? ",\"negated\":true}" :
		    ",\"negated\":false}");
	}
	ev_buf_addc(b, ']');
}

/* The reasons of f (an empty array for a plain event). */
static void
json_reasons(struct ev_buf *b, const struct finding *f)
{
	ev_buf_adds(b, ",\"reasons\":[");
	for (size_t i = 0; f != NULL && i < f->nreasons; i++) {
		const struct finding_reason *rr = &f->reasons[i];

		if (i > 0)
			ev_buf_addc(b, ',');
		ev_buf_addf(b, "{\"source\":\"%s\",\"level\":",
		    rr->baseline ? "baseline" : rr->correlation ?
		    "correlation" : "rule");
		ev_json_str(b, ev_level_name(rr->level));
		key(b, "title");
		ev_json_str(b, rr->title);
		key(b, "rule_id");
		ev_json_str(b, rr->rule_id);
		key(b, "rule_path");
		ev_json_str(b, rr->rule_path);
		key(b, "tags");
		ev_json_str(b, rr->tags);
		key(b, "details");
		ev_json_str(b, rr->details);
		key(b, "score");
		if (rr->baseline)
			ev_buf_addf(b, "%.2f", rr->score);
		else
			ev_buf_adds(b, "null");
		json_about(b, rr);
		ev_buf_addc(b, '}');
	}
	ev_buf_addc(b, ']');
}

/* The scalar fields of an entry (CSV's columns), after the opening '{'. */
static void
json_fields(struct ev_buf *b, const struct rp *rp, const struct rp_item *it)
{
	const struct ev_event *ev = it->ev;
	const struct finding *f = it->f;
	struct ev_buf t = EV_BUF_INIT;
	double score;

	ev_buf_adds(b, "\"time\":");
	jtime(b, rp, ev->time);
	key(b, "computer");
	ev_json_str(b, ev_col(ev, EV_COL_COMPUTER));
	key(b, "source");
	ev_json_str(b, f != NULL ? rp_source(f) : NULL);
	key(b, "level");
	ev_json_str(b, f != NULL ? ev_level_name(f->level) : NULL);
	if (f != NULL) {
		key(b, "title");
		rp_join_titles(&t, f);
		ev_json_str(b, t.buf);
		ev_buf_reset(&t);
		key(b, "rule_id");
		rp_join_ids(&t, f);
		ev_json_str(b, t.buf);
		ev_buf_reset(&t);
		key(b, "tags");
		rp_join_tags(&t, f);
		ev_json_str(b, t.len > 0 ? t.buf : NULL);
		ev_buf_reset(&t);
	} else
		ev_buf_adds(b, ",\"title\":null,\"rule_id\":null,\"tags\":null");
	ev_buf_addf(b, ",\"event_id\":%" PRIu32 ",\"image\":", ev->event_id);
	ev_json_str(b, ev_col(ev, EV_COL_IMAGE));
	key(b, "command_line");
	ev_json_str(b, rp_col(ev, EV_COL_COMMAND_LINE));
	key(b, "parent_image");
	ev_json_str(b, rp_col(ev, EV_COL_PARENT_IMAGE));
	key(b, "parent_command_line");
	ev_json_str(b, rp_col(ev, EV_COL_PARENT_COMMAND_LINE));
	key(b, "user");
	ev_json_str(b, rp_col(ev, EV_COL_USER));
	key(b, "process_guid");
	ev_json_str(b, ev_col(ev, EV_COL_PROCESS_GUID));
	key(b, "pid");
	jint_col(b, ev, EV_COL_PID);
	ev_buf_addf(b, ",\"record_id\":%" PRIu64 ",\"file\":", ev->record_id);
	jfile(b, rp, ev);
	key(b, "score");
	if (f != NULL && (score = rp_score(f)) >= 0)
		ev_buf_addf(b, "%.2f", score);
	else
		ev_buf_adds(b, "null");
	key(b, "details");
	if (f != NULL) {
		rp_join_details(&t, f);
		ev_json_str(b, t.len > 0 ? t.buf : NULL);
		ev_buf_reset(&t);
	} else
		ev_buf_adds(b, "null");
	key(b, "matched");
	if (f != NULL) {
		rp_join_matched(&t, f);
		ev_json_str(b, t.len > 0 ? t.buf : NULL);
		ev_buf_reset(&t);
	} else
		ev_buf_adds(b, "null");
	key(b, "channel");
	ev_json_str(b, ev_col(ev, EV_COL_CHANNEL));
	ev_buf_addf(b, ",\"kind\":\"%s\",\"recovered\":%s",
	    ev_kind_name(ev->kind), ev->recovered ? "true" : "false");
	key(b, "parent_pid");
	jint_col(b, ev, EV_COL_PARENT_PID);
	key(b, "parent_process_guid");
	ev_json_str(b, ev_col(ev, EV_COL_PARENT_PROCESS_GUID));
	key(b, "original_file_name");
	ev_json_str(b, ev_col(ev, EV_COL_ORIGINAL_FILE_NAME));
	key(b, "integrity_level");
	ev_json_str(b, ev_col(ev, EV_COL_INTEGRITY_LEVEL));
	key(b, "sha256");
	ev_json_str(b, ev_col(ev, EV_COL_SHA256));
	switch (ev->kind) {
	case EV_KIND_NETWORK:
		key(b, "network");
		json_net(b, rp, ev);
		break;
	case EV_KIND_IMAGE_LOAD:
		key(b, "image_load");
		json_load(b, rp, ev);
		break;
	case EV_KIND_LOG_CLEAR:
		key(b, "cleared_channel");
		ev_json_str(b, rp_cleared_channel(ev));
		break;
	default:
		if (rp_source_kind(ev->kind)) {
			key(b, "event");
			json_source(b, rp, ev);
		}
		break;
	}
	ev_buf_adds(b, ",\"techniques\":[");
	if (f != NULL) {
		rp_join_tags(&t, f);
		rp_techniques(t.buf, tech_json, b);
		ev_buf_reset(&t);
	}
	ev_buf_addc(b, ']');
	json_reasons(b, f);
	if (it->g != NULL)
		json_group(b, rp, it->g);
	ev_buf_release(&t);
}

void
rp_json_item(struct ev_buf *b, const struct rp *rp, const struct rp_item *it,
    bool context, bool records)
{
	ev_buf_addf(b, "{\"type\":\"%s\",", it->f != NULL ? "finding" :
	    "event");
	json_fields(b, rp, it);
	if (records && it->g != NULL)
		json_records(b, rp, it->g);
	if (context) {
		key(b, "context");
		if (it->f != NULL)
			json_context(b, rp, it->ev);
		else
			ev_buf_adds(b, "null");
	}
	ev_buf_addc(b, '}');
}

/* ---- summary ---- */

static void
json_counts(struct ev_buf *b, const char *name, const char *keyname,
    const struct rp_count *c, size_t n, bool rule)
{
	ev_buf_addf(b, ",\"%s\":[", name);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			ev_buf_addc(b, ',');
		ev_buf_addf(b, "{\"%s\":", keyname);
		ev_json_str(b, c[i].key);
		if (rule) {
			key(b, "title");
			ev_json_str(b, c[i].title);
			key(b, "level");
			ev_json_str(b, ev_level_name(c[i].level));
		}
		ev_buf_addf(b, ",\"count\":%" PRIu64 "}", c[i].n);
	}
	ev_buf_addc(b, ']');
}

void
rp_json_summary(struct ev_buf *b, const struct rp *rp)
{
	ev_buf_addf(b, "{\"type\":\"summary\",\"findings\":%zu,\"by_level\":{",
	    rp->r->nfindings);
	for (int l = EV_NLEVELS - 1; l >= 1; l--)
		ev_buf_addf(b, "\"%s\":%" PRIu64 "%s", ev_level_name(l),
		    rp->byl[l], l > 1 ? "," : "");
	ev_buf_addf(b, "},\"by_source\":{\"rule\":%" PRIu64 ",\"baseline\":%"
	    PRIu64 "}", rp->by_rule_source[0], rp->by_rule_source[1]);
	json_counts(b, "by_rule", "rule_id", rp->rules, rp->nrules, true);
	json_counts(b, "by_host", "computer", rp->hostc, rp->nhostc, false);
	json_counts(b, "by_technique", "technique", rp->techs, rp->ntechs,
	    false);
	ev_buf_adds(b, ",\"watched\":[");
	for (size_t i = 0; i < rp->nwatched; i++) {
		const struct rp_watched *w = &rp->watched[i];

		if (i > 0)
			ev_buf_addc(b, ',');
		ev_buf_adds(b, "{\"binary\":");
		ev_json_str(b, w->binary);
		ev_buf_addf(b, ",\"runs\":%" PRIu64 ",\"distinct\":%" PRIu64
		    ",\"top\":[", w->runs, w->distinct);
		for (size_t j = 0; j < w->ntop; j++) {
			if (j > 0)
				ev_buf_addc(b, ',');
			ev_buf_adds(b, "{\"command_line\":");
			ev_json_str(b, w->top[j].key);
			ev_buf_addf(b, ",\"count\":%" PRIu64 "}", w->top[j].n);
		}
		ev_buf_adds(b, "]}");
	}
	ev_buf_adds(b, "]}");
}

/* ---- writers ---- */

/* One line of the jsonl timeline (rp_write_items()). */
static void
jsonl_line(struct ev_buf *b, const struct rp *rp, const struct rp_item *it)
{
	rp_json_item(b, rp, it, true, false);
	ev_buf_addc(b, '\n');
}

int
report_jsonl(FILE *out, const struct rp *rp, struct ev_err *err)
{
	struct ev_buf b = EV_BUF_INIT;
	int rc;

	rp_json_header(&b, rp);
	ev_buf_addc(&b, '\n');
	if ((rc = rp_flush(out, &b, err)) != 0 || (rc = rp_write_items(out,
	    rp, rp->fitems, rp->nfitems, jsonl_line, err)) != 0) {
		ev_buf_release(&b);
		return rc;
	}
	rp_json_summary(&b, rp);
	ev_buf_addc(&b, '\n');
	rc = rp_flush(out, &b, err);
	ev_buf_release(&b);
	return rc;
}

/* Timesketch's message: "[level] title: image command line". */
static void
ts_message(struct ev_buf *b, const struct rp_item *it)
{
	const struct ev_event *ev = it->ev;
	struct ev_buf m = EV_BUF_INIT;
	const char *what;

	if (it->f != NULL) {
		ev_buf_addf(&m, "[%s] ", ev_level_name(it->f->level));
		rp_join_titles(&m, it->f);
		ev_buf_adds(&m, ": ");
	}
	switch (ev->kind) {
	case EV_KIND_NETWORK:
		ev_buf_addf(&m, "%s -> ", ev_col(ev, EV_COL_IMAGE) ?
		    ev_col(ev, EV_COL_IMAGE) : "?");
		rp_endpoint(&m, ev_col(ev, EV_COL_DST_IP),
		    ev_col(ev, EV_COL_DST_PORT));
		break;
	case EV_KIND_IMAGE_LOAD:
		ev_buf_addf(&m, "%s loaded %s", ev_col(ev, EV_COL_IMAGE) ?
		    ev_col(ev, EV_COL_IMAGE) : "?", ev_col(ev,
		    EV_COL_IMAGE_LOADED) ?
		    ev_col(ev, EV_COL_IMAGE_LOADED) : "?");
		break;
	case EV_KIND_LOG_CLEAR:
		ev_buf_addf(&m, "%s log cleared by %s", rp_cleared_channel(ev),
		    ev_col(ev, EV_COL_USER) ? ev_col(ev, EV_COL_USER) : "?");
		break;
	default:
		if (rp_source_kind(ev->kind)) {
			rp_source_line(ev, &m);
			break;
		}
		what = ev_col(ev, EV_COL_COMMAND_LINE) != NULL &&
		    ev_col(ev, EV_COL_COMMAND_LINE)[0] != '\0' ?
		    ev_col(ev, EV_COL_COMMAND_LINE) : ev_col(ev, EV_COL_IMAGE);
		ev_buf_adds(&m, what != NULL ? what : "?");
	}
	ev_json_str(b, m.buf);
	ev_buf_release(&m);
}

/* One line of the Timesketch timeline (rp_write_items()). */
static void
ts_line(struct ev_buf *b, const struct rp *rp, const struct rp_item *it)
{
	char iso[EV_TIME_ISO_LEN + 1];
	int64_t us = ev_time_unix(it->ev->time) * 1000000 +
	    (int64_t)(it->ev->time % 10000000) / 10;

	/* datetime with microseconds, as Timesketch parses it */
	ev_time_iso(it->ev->time, iso);
	ev_buf_adds(b, "{\"message\":");
	ts_message(b, it);
	ev_buf_addf(b, ",\"datetime\":\"%.26s+00:00\",\"timestamp\":%"
	    PRId64 ",\"timestamp_desc\":\"%s\",\"data_type\":"
	    "\"windows:evtx:%s\",", iso, us, rp_kind_desc(it->ev->kind),
	    ev_kind_name(it->ev->kind));
	json_fields(b, rp, it);
	ev_buf_adds(b, ",\"tag\":[");
	if (it->f != NULL)
		ev_buf_addf(b, "\"evtxhunt\",\"%s\"",
		    ev_level_name(it->f->level));
	ev_buf_adds(b, "]}\n");
}

int
report_timesketch(FILE *out, const struct rp *rp, struct ev_err *err)
{
	return rp_write_items(out, rp, rp->fitems, rp->nfitems, ts_line, err);
}
