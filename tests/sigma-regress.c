/*
 * sigma-regress.c -- conformance test: runs SigmaHQ's regression tests
 * (../shared/sigma/regression_data, and ../shared/sigma-full/regression_data
 * for the other log sources) through the engine.
 *
 * usage: sigma-regress [-sv] [-p native|libevtx] SIGMA_DIR
 *
 * Loads every rule under SIGMA_DIR/rules* and, for each info.yml under
 * SIGMA_DIR/regression_data, reads its .evtx with the reader interface,
 * normalises the events (Sysmon 3/7 get ev->process from their Sysmon 1
 * by ProcessGuid, as the pipeline does) and counts the events the tested
 * rule fires on: it must be at least match_count (1 when absent).  Tests
 * of rules the engine does not load are counted, not failed (the rule
 * check test covers rejections), unless -s (strict) is given.  Every event is also matched without
 * the prefilter: the hits must be the same.  Prints one line per failure and
 * "N passed, N failed, N skipped"; exit 1 on any failure, 77 when
 * SIGMA_DIR is empty or missing.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "ev_arena.h"
#include "ev_err.h"
#include "event.h"
#include "evtx/reader.h"
#include "sigma/sigma.h"

struct events {
	struct ev_arena	 arena;
	struct ev_event	**v;
	size_t		 n, cap;
	int		 oom;
};

static int
on_record(const struct ev_record *rec, void *ctx)
{
	struct events *e = ctx;
	struct ev_event *ev;

	if (rec->recovered)
		return 0;
	if (e->n == e->cap) {
		size_t ncap = e->cap ? e->cap * 2 : 64;
		struct ev_event **nv = realloc(e->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return e->oom = -1;
		e->v = nv;
		e->cap = ncap;
	}
	ev = ev_arena_calloc(&e->arena, sizeof(*ev));
	if (ev == NULL || ev_normalise(rec, &e->arena, ev) != 0)
		return e->oom = -1;
	e->v[e->n++] = ev;
	return 0;
}

static void
on_warn(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

/* Sysmon 3/7 -> the Sysmon 1 of the same ProcessGuid (latest earlier). */
static void
attach_processes(struct events *e)
{
	for (size_t i = 0; i < e->n; i++) {
		struct ev_event *ev = e->v[i];
		const char *g = ev_col(ev, EV_COL_PROCESS_GUID);

		if ((ev->kind != EV_KIND_NETWORK &&
		    ev->kind != EV_KIND_IMAGE_LOAD) || g == NULL)
			continue;
		for (size_t j = 0; j < e->n; j++) {
			const struct ev_event *p = e->v[j];

			if (p->kind == EV_KIND_PROCESS && p->event_id == 1 &&
			    ev_col(p, EV_COL_PROCESS_GUID) != NULL &&
			    strcasecmp(ev_col(p, EV_COL_PROCESS_GUID), g) == 0)
				ev->process = p;
		}
	}
}

struct test {
	char	 rule_id[64];
	char	 path[1024];
	long	 match_count;
};

static yaml_node_t *
mget(yaml_document_t *d, yaml_node_t *m, const char *key)
{
	if (m == NULL || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
	    p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);

		if (k->type == YAML_SCALAR_NODE &&
		    strcmp((char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

static yaml_node_t *
first(yaml_document_t *d, yaml_node_t *seq)
{
	if (seq == NULL || seq->type != YAML_SEQUENCE_NODE ||
	    seq->data.sequence.items.start == seq->data.sequence.items.top)
		return NULL;
	return yaml_document_get_node(d, *seq->data.sequence.items.start);
}

static const char *
sval(yaml_node_t *n)
{
	return n != NULL && n->type == YAML_SCALAR_NODE ?
	    (const char *)n->data.scalar.value : NULL;
}

/*
 * Reads info.yml: rule id, evtx path (relative to sigma dir), count.
 * -1 when unreadable, -2 when it has no .evtx test (a Cisco rule's raw
 * log, or its test commented out).
 */
static int
read_info(const char *file, struct test *t)
{
	FILE *f = fopen(file, "rb");
	yaml_parser_t p;
	yaml_document_t d;
	yaml_node_t *root, *meta, *info;
	const char *id, *path, *mc, *type;
	int ret = -1;

	if (f == NULL)
		return -1;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	if (!yaml_parser_load(&p, &d))
		goto out;
	root = yaml_document_get_root_node(&d);
	meta = first(&d, mget(&d, root, "rule_metadata"));
	info = first(&d, mget(&d, root, "regression_tests_info"));
	id = sval(mget(&d, meta, "id"));
	path = sval(mget(&d, info, "path"));
	mc = sval(mget(&d, info, "match_count"));
	type = sval(mget(&d, info, "type"));
	if (id != NULL && (info == NULL || (type != NULL &&
	    strcmp(type, "evtx") != 0)))
		ret = -2;
	else if (id != NULL && path != NULL) {
		snprintf(t->rule_id, sizeof(t->rule_id), "%s", id);
		snprintf(t->path, sizeof(t->path), "%s", path);
		t->match_count = mc ? strtol(mc, NULL, 10) : 1;
		ret = 0;
	}
	yaml_document_delete(&d);
out:
	yaml_parser_delete(&p);
	fclose(f);
	return ret;
}

struct run {
	const char		*sigma;
	struct sigma_set	*set;
	struct sigma_scratch	*sc;
	struct sigma_scratch	*plain;		/* without the prefilter */
	enum evtx_parser	 parser;
	int			 verbose;
	int			 strict;	/* -s */
	unsigned		 passed, failed, skipped;
};

static const struct sigma_rule *
find_rule(const struct sigma_set *set, const char *id, size_t *idx)
{
	for (size_t i = 0; i < sigma_count(set); i++) {
		const struct sigma_rule *r = sigma_rule_at(set, i);

		if (r->id != NULL && strcmp(r->id, id) == 0) {
			*idx = i;
			return r;
		}
	}
	return NULL;
}

static void
run_test(struct run *run, const char *info)
{
	struct test t;
	struct events e;
	struct evtx_open_opts oo = { run->parser, false, NULL, 0 };
	struct evtx_sink sink;
	struct evtx_stats st;
	struct evtx_file *ef;
	struct ev_err err = EV_ERR_INIT;
	const struct sigma_rule *r;
	char file[2048];
	size_t idx;
	long hits = 0;

	switch (read_info(info, &t)) {
	case -1:
		printf("FAIL %s: cannot read info.yml\n", info);
		run->failed++;
		return;
	case -2:
		printf("SKIP %s: no .evtx test\n", info);
		run->skipped++;
		return;
	}
	r = find_rule(run->set, t.rule_id, &idx);
	if (r == NULL || r->status != SIGMA_LOADED) {
		printf("%s %s: rule %s %s\n", run->strict ? "FAIL" : "SKIP",
		    info, t.rule_id, r == NULL ? "not found" : r->reason);
		if (run->strict)
			run->failed++;
		else
			run->skipped++;
		return;
	}
	snprintf(file, sizeof(file), "%s/%s", run->sigma, t.path);
	memset(&e, 0, sizeof(e));
	ev_arena_init(&e.arena);
	sink.record = on_record;
	sink.warn = on_warn;
	sink.ctx = &e;
	evtx_stats_init(&st);
	if (evtx_file_open(file, &oo, &ef, &st, &err) != 0) {
		printf("FAIL %s: %s\n", file, err.msg);
		run->failed++;
		goto out;
	}
	if (evtx_file_read(ef, 0, evtx_file_units(ef), &sink, &st,
	    &err) != 0) {
		printf("FAIL %s: %s\n", file, err.msg);
		run->failed++;
		evtx_file_close(ef);
		goto out;
	}
	evtx_file_close(ef);
	attach_processes(&e);
	for (size_t i = 0; i < e.n; i++) {
		const uint32_t *h, *h2;
		int n = sigma_match(run->set, run->sc, e.v[i], &h);
		int n2 = sigma_match(run->set, run->plain, e.v[i], &h2);

		for (int k = 0; k < n; k++)
			if (h[k] == idx)
				hits++;
		/* the prefilter and literal lookups must change nothing */
		if (n != n2 || (n > 0 && memcmp(h, h2, (size_t)n *
		    sizeof(*h)) != 0)) {
			printf("FAIL %s: event %zu: %d hits with the "
			    "prefilter, %d without\n", file, i, n, n2);
			run->failed++;
			goto out;
		}
	}
	if (hits >= t.match_count) {
		run->passed++;
		if (run->verbose)
			printf("PASS %s (%ld hits)\n", r->path, hits);
	} else {
		run->failed++;
		printf("FAIL %s: %ld hits, want %ld (%zu events, %s)\n",
		    r->path, hits, t.match_count, e.n, file);
	}
out:
	evtx_stats_release(&st);
	free(e.v);
	ev_arena_release(&e.arena);
}

static void
walk(struct run *run, const char *dir, int depth)
{
	struct dirent **names;
	int n;

	if (depth > 16 || (n = scandir(dir, &names, NULL, alphasort)) < 0)
		return;
	for (int i = 0; i < n; i++) {
		char p[2048];
		struct stat sb;

		if (names[i]->d_name[0] != '.') {
			snprintf(p, sizeof(p), "%s/%s", dir, names[i]->d_name);
			if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
				walk(run, p, depth + 1);
			else if (strcmp(names[i]->d_name, "info.yml") == 0)
				run_test(run, p);
		}
		free(names[i]);
	}
	free(names);
}

int
main(int argc, char **argv)
{
	static const char *const dirs[] = { "rules", "rules-emerging-threats",
	    "rules-threat-hunting", "rules-placeholder" };
	struct run run = { 0 };
	struct ev_err err = EV_ERR_INIT;
	struct sigma_match_stats ms;
	char p[2048];
	int i;

	run.parser = EVTX_PARSER_NATIVE;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-v") == 0)
			run.verbose = 1;
		else if (strcmp(argv[i], "-s") == 0)
			run.strict = 1;
		else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) {
			int x = evtx_parser_from_name(argv[++i]);

			if (x < 0) {
				fprintf(stderr, "unknown parser %s\n", argv[i]);
				return 2;
			}
			run.parser = (enum evtx_parser)x;
		} else {
			fprintf(stderr, "usage: sigma-regress [-sv] "
			    "[-p native|libevtx] SIGMA_DIR\n");
			return 2;
		}
	}
	if (i >= argc || argv[i][0] == '\0') {
		printf("SKIP: no shared sigma directory\n");
		return 77;
	}
	run.sigma = argv[i];
	snprintf(p, sizeof(p), "%s/regression_data", run.sigma);
	if (access(p, R_OK) != 0) {
		printf("SKIP: %s not found\n", p);
		return 77;
	}
	run.set = sigma_set_new();
	if (run.set == NULL)
		return 2;
	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		snprintf(p, sizeof(p), "%s/%s", run.sigma, dirs[d]);
		if (access(p, R_OK) == 0 &&
		    sigma_load_path(run.set, p, false, &err) != 0) {
			fprintf(stderr, "%s\n", err.msg);
			return 2;
		}
	}
	if (sigma_compile(run.set, &err) != 0 ||
	    (run.sc = sigma_scratch_new(run.set)) == NULL ||
	    (run.plain = sigma_scratch_new(run.set)) == NULL) {
		fprintf(stderr, "compile: %s\n", err.msg);
		return 2;
	}
	/* the readers decode what the rules read, as scan has them do */
	if (sigma_want_install(run.set) != 0) {
		fprintf(stderr, "out of memory\n");
		return 2;
	}
	sigma_scratch_prefilter(run.plain, false);
	snprintf(p, sizeof(p), "%s/regression_data", run.sigma);
	walk(&run, p, 0);
	sigma_scratch_stats(run.sc, &ms);
	printf("rules: %zu loaded, %zu skipped, %zu rejected; "
	    "%llu events, %llu rule evaluations\n",
	    sigma_count_status(run.set, SIGMA_LOADED),
	    sigma_count_status(run.set, SIGMA_SKIPPED),
	    sigma_count_status(run.set, SIGMA_REJECTED),
	    (unsigned long long)ms.events, (unsigned long long)ms.evaluated);
	printf("%u passed, %u failed, %u skipped\n", run.passed, run.failed,
	    run.skipped);
	sigma_scratch_free(run.sc);
	sigma_scratch_free(run.plain);
	sigma_set_free(run.set);
	return run.failed ? 1 : run.passed ? 0 : 77;
}
