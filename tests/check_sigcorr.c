/*
 * check_sigcorr.c -- Sigma correlation rules (sigma/correlation.h,
 * sigcorr.h): the specification's examples for each type, group-by,
 * aliases, generate, temporal_ordered's order, the timespan's inclusive
 * edge, upper-bound conditions, chains, input-order independence, and
 * the rejections (unknown, unloaded and ambiguous references, cycles,
 * malformed correlation maps).  Events are normalised by ev_normalise()
 * and matched by sigma_match(), as in a scan.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base_events.h"
#include "ev_util.h"
#include "sigcorr.h"
#include "sigma/correlation.h"
#include "sigma/sigma.h"

#define S	TEV_SECOND

static struct ev_arena arena;
static struct ev_event *evs[128];
static size_t nev;
static struct sigma_set *set;
static struct sigcorr sc;

static void
setup(void)
{
	ev_arena_init(&arena);
	sigcorr_init(&sc);
	nev = 0;
	set = NULL;
}

static void
teardown(void)
{
	sigcorr_release(&sc);
	sigma_set_free(set);
	ev_arena_release(&arena);
}

/* Base rules: process creations by image name ending. */
#define BASE(name, image) \
	"---\ntitle: " name "\nname: " name "\nid: id-" name "\n" \
	"logsource: {product: windows, category: process_creation}\n" \
	"detection: {s: {Image|endswith: '\\" image "'}, condition: s}\n"

#define BASES BASE("whoami", "whoami.exe") BASE("net", "net.exe") \
	BASE("ipconfig", "ipconfig.exe")

/* Loads text as one file t.yml (plus more files, name then text). */
static void
load(const char *text, ...)
{
	struct ev_err err = EV_ERR_INIT;
	const char *name, *more;
	va_list ap;

	ck_assert_ptr_nonnull(set = sigma_set_new());
	ck_assert_int_eq(sigma_load_buffer(set, "t.yml", text, strlen(text),
	    &err), 0);
	va_start(ap, text);
	while ((name = va_arg(ap, const char *)) != NULL) {
		more = va_arg(ap, const char *);
		ck_assert_int_eq(sigma_load_buffer(set, name, more,
		    strlen(more), &err), 0);
	}
	va_end(ap);
	ck_assert_int_eq(sigma_compile(set, &err), 0);
}

/* The rule titled title. */
static const struct sigma_rule *
rule(const char *title)
{
	for (size_t i = 0; i < sigma_count(set); i++)
		if (sigma_rule_at(set, i)->title != NULL &&
		    strcmp(sigma_rule_at(set, i)->title, title) == 0)
			return sigma_rule_at(set, i);
	ck_abort_msg("no rule '%s'", title);
	return NULL;
}

static uint32_t
rule_index(const char *title)
{
	for (size_t i = 0; i < sigma_count(set); i++)
		if (sigma_rule_at(set, i) == rule(title))
			return (uint32_t)i;
	return UINT32_MAX;
}

/* A Sysmon 1 event at ticks after TEV_T0 (record id rec). */
static struct ev_event *
proc(uint64_t ticks, uint64_t rec, const char *user, const char *image)
{
	struct ev_event *ev = TEV_SYSMON(&arena, 1, "WKS01", ticks, rec,
	    "ProcessGuid", "{00000000-0000-0000-0000-000000000001}",
	    "ProcessId", "100", "Image", image, "User", user,
	    "ParentUser", "CORP\\admin", "CommandLine", image, NULL);

	ck_assert_uint_lt(nev, NELEM(evs));
	evs[nev++] = ev;
	return ev;
}

static int
ev_order(const void *a, const void *b)
{
	const struct ev_event *x = *(struct ev_event *const *)a;
	const struct ev_event *y = *(struct ev_event *const *)b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->record_id < y->record_id ? -1 : x->record_id > y->record_id;
}

/* Matches every event (sorted into output order unless keep) and runs. */
static void
run_order(bool keep)
{
	struct sigma_scratch *s = sigma_scratch_new(set);
	struct ev_err err = EV_ERR_INIT;

	ck_assert_ptr_nonnull(s);
	if (!keep)
		qsort(evs, nev, sizeof(*evs), ev_order);
	for (size_t i = 0; i < nev; i++) {
		const uint32_t *hits;
		int n = sigma_match(set, s, evs[i], &hits);
		uint32_t *copy;

		ck_assert_int_ge(n, 0);
		evs[i]->seq = (uint32_t)i;
		evs[i]->nhits = (uint32_t)n;
		if (n == 0)
			continue;
		copy = ev_arena_alloc(&arena, (size_t)n * sizeof(*copy));
		memcpy(copy, hits, (size_t)n * sizeof(*copy));
		evs[i]->hits = copy;
	}
	sigma_scratch_free(s);
	ck_assert_int_eq(sigcorr_run(&sc, set, evs, nev, NULL, 0, &err), 0);
}

static void
run(void)
{
	run_order(false);
}

/* Matches of the correlation titled title. */
static size_t
nmatch(const char *title)
{
	uint32_t ri = rule_index(title);
	size_t n = 0;

	for (size_t i = 0; i < sc.n; i++)
		n += sc.v[i].rule == ri;
	return n;
}

static const struct sigcorr_match *
match(const char *title, size_t k)
{
	uint32_t ri = rule_index(title);

	for (size_t i = 0; i < sc.n; i++)
		if (sc.v[i].rule == ri && k-- == 0)
			return &sc.v[i];
	ck_abort_msg("no match %zu of '%s'", k, title);
	return NULL;
}

#define WHOAMI	"C:\\Windows\\System32\\whoami.exe"
#define NET	"C:\\Windows\\System32\\net.exe"
#define IPCONFIG "C:\\Windows\\System32\\ipconfig.exe"

/* ---- event_count ---- */

#define COUNT(span, cond) \
	"title: many\nid: c-many\nlevel: high\ncorrelation:\n" \
	"  type: event_count\n  rules: [whoami]\n  group-by: [User]\n" \
	"  timespan: " span "\n  condition: " cond "\n" BASES

START_TEST(test_event_count)
{
	load(COUNT("10s", "{gte: 3}"), NULL);
	ck_assert_int_eq(rule("many")->status, SIGMA_LOADED);
	proc(0, 1, "bob", WHOAMI);
	proc(4 * S, 2, "bob", WHOAMI);
	proc(5 * S, 3, "alice", WHOAMI);	/* another group */
	proc(6 * S, 4, "bob", NET);		/* another rule */
	proc(8 * S, 5, "bob", WHOAMI);
	proc(9 * S, 6, "bob", WHOAMI);		/* consumed: starts anew */
	run();
	ck_assert_uint_eq(nmatch("many"), 1);
	ck_assert_uint_eq(match("many", 0)->count, 3);
	ck_assert_uint_eq(match("many", 0)->first->record_id, 1);
	ck_assert_uint_eq(match("many", 0)->last->record_id, 5);
	ck_assert_str_eq(match("many", 0)->group[0], "bob");
	ck_assert_uint_eq(match("many", 0)->nevents, 3);
	ck_assert_ptr_nonnull(strstr(match("many", 0)->details,
	    "3 events; User=bob"));
	/* generate defaults to false: the base rule is silent */
	ck_assert(rule("whoami")->silent);
	ck_assert(!rule("net")->silent);
	ck_assert(match("many", 0)->reported);
}
END_TEST

/* Both ends of the timespan are in it; one tick more is not. */
START_TEST(test_timespan_edge)
{
	load(COUNT("10s", "{gte: 2}"), NULL);
	proc(0, 1, "bob", WHOAMI);
	proc(10 * S, 2, "bob", WHOAMI);
	proc(100 * S, 3, "ann", WHOAMI);
	proc(110 * S + 1, 4, "ann", WHOAMI);
	run();
	ck_assert_uint_eq(nmatch("many"), 1);
	ck_assert_str_eq(match("many", 0)->group[0], "bob");
}
END_TEST

/* The window slides: an old hit expires and a later burst matches. */
START_TEST(test_sliding)
{
	load(COUNT("1m", "{gte: 3}"), NULL);
	proc(0, 1, "bob", WHOAMI);
	proc(50 * S, 2, "bob", WHOAMI);
	proc(70 * S, 3, "bob", WHOAMI);	/* 0 expired: 2 in window */
	proc(80 * S, 4, "bob", WHOAMI);	/* 50, 70, 80 */
	run();
	ck_assert_uint_eq(nmatch("many"), 1);
	ck_assert_uint_eq(match("many", 0)->first->record_id, 2);
	ck_assert_uint_eq(match("many", 0)->count, 3);
}
END_TEST

/* Upper bounds are tested on closed windows (tumbling). */
START_TEST(test_upper_bound)
{
	load(COUNT("10s", "{gt: 1, lte: 2}"), NULL);
	proc(0, 1, "bob", WHOAMI);
	proc(1 * S, 2, "bob", WHOAMI);
	proc(2 * S, 3, "bob", WHOAMI);		/* bob: 3 in 10 s: no */
	proc(0, 4, "ann", WHOAMI);
	proc(3 * S, 5, "ann", WHOAMI);		/* ann: 2: yes */
	proc(0, 6, "eve", WHOAMI);		/* eve: 1: no */
	run();
	ck_assert_uint_eq(nmatch("many"), 1);
	ck_assert_str_eq(match("many", 0)->group[0], "ann");
	ck_assert_uint_eq(match("many", 0)->value, 2);
}
END_TEST

START_TEST(test_neq_eq)
{
	load(COUNT("10s", "{eq: 1}"), NULL);
	proc(0, 1, "bob", WHOAMI);
	proc(0, 2, "ann", WHOAMI);
	proc(1 * S, 3, "ann", WHOAMI);
	proc(20 * S, 4, "ann", WHOAMI);	/* a window of its own */
	run();
	ck_assert_uint_eq(nmatch("many"), 2);
	ck_assert_str_eq(match("many", 0)->group[0], "ann");
	ck_assert_uint_eq(match("many", 0)->last->record_id, 4);
	ck_assert_str_eq(match("many", 1)->group[0], "bob");
}
END_TEST

/* An event without the group-by field is left out, and counted. */
START_TEST(test_ungrouped)
{
	load("title: many\ncorrelation:\n  type: event_count\n"
	    "  rules: [whoami]\n  group-by: [LogonGuid]\n  timespan: 1h\n"
	    "  condition: {gte: 1}\n" BASES, NULL);
	proc(0, 1, "bob", WHOAMI);
	run();
	ck_assert_uint_eq(nmatch("many"), 0);
	ck_assert_uint_eq(sc.ungrouped, 1);
}
END_TEST

/* ---- value_count ---- */

START_TEST(test_value_count)
{
	load("title: users\nid: c-users\ncorrelation:\n  type: value_count\n"
	    "  rules: [whoami, net]\n  group-by: [Computer]\n"
	    "  timespan: 1h\n  condition:\n    field: User\n    gte: 3\n"
	    BASES, NULL);
	proc(0, 1, "bob", WHOAMI);
	proc(1 * S, 2, "bob", NET);
	proc(2 * S, 3, "ann", WHOAMI);
	proc(3 * S, 4, "ann", WHOAMI);
	proc(4 * S, 5, "eve", NET);
	run();
	ck_assert_uint_eq(nmatch("users"), 1);
	ck_assert_uint_eq(match("users", 0)->value, 3);
	ck_assert_uint_eq(match("users", 0)->count, 5);
	ck_assert_str_eq(match("users", 0)->group[0], "WKS01");
	ck_assert_ptr_nonnull(strstr(match("users", 0)->details,
	    "3 distinct values of User in 5 events"));
}
END_TEST

/* ---- temporal ---- */

#define TEMPORAL(type, rules, extra) \
	"title: recon\nid: c-recon\ncorrelation:\n  type: " type "\n" \
	"  rules: " rules "\n  group-by: [User]\n  timespan: 5m\n" extra \
	BASES

START_TEST(test_temporal)
{
	load(TEMPORAL("temporal", "[whoami, net, ipconfig]", ""), NULL);
	proc(0, 1, "bob", IPCONFIG);		/* any order */
	proc(60 * S, 2, "bob", WHOAMI);
	proc(61 * S, 3, "ann", NET);
	proc(120 * S, 4, "bob", NET);
	proc(121 * S, 5, "ann", WHOAMI);	/* ann lacks ipconfig */
	run();
	ck_assert_uint_eq(nmatch("recon"), 1);
	ck_assert_uint_eq(match("recon", 0)->value, 3);
	ck_assert_uint_eq(match("recon", 0)->last->record_id, 4);
}
END_TEST

/* temporal with a condition: at least 2 of the 3 rules. */
START_TEST(test_temporal_condition)
{
	load(TEMPORAL("temporal", "[whoami, net, ipconfig]",
	    "  condition: {gte: 2}\n"), NULL);
	proc(61 * S, 3, "ann", NET);
	proc(121 * S, 5, "ann", WHOAMI);
	run();
	ck_assert_uint_eq(nmatch("recon"), 1);
}
END_TEST

START_TEST(test_temporal_ordered)
{
	load(TEMPORAL("temporal_ordered", "[whoami, net, ipconfig]", ""),
	    NULL);
	/* bob in order; ann out of order; eve in order but too slow */
	proc(0, 1, "bob", WHOAMI);
	proc(10 * S, 2, "bob", NET);
	proc(20 * S, 3, "bob", IPCONFIG);
	proc(0, 4, "ann", NET);
	proc(10 * S, 5, "ann", WHOAMI);
	proc(20 * S, 6, "ann", IPCONFIG);
	proc(0, 7, "eve", WHOAMI);
	proc(100 * S, 8, "eve", NET);
	proc(300 * S + 1, 9, "eve", IPCONFIG);
	run();
	ck_assert_uint_eq(nmatch("recon"), 1);
	ck_assert_str_eq(match("recon", 0)->group[0], "bob");
	ck_assert_uint_eq(match("recon", 0)->first->record_id, 1);
	ck_assert_uint_eq(match("recon", 0)->last->record_id, 3);
}
END_TEST

/* A later start of the chain is kept when an earlier one expires. */
START_TEST(test_temporal_ordered_restart)
{
	load(TEMPORAL("temporal_ordered", "[whoami, net]", ""), NULL);
	proc(0, 1, "bob", WHOAMI);
	proc(250 * S, 2, "bob", WHOAMI);
	proc(400 * S, 3, "bob", NET);	/* 400 - 250 <= 300 */
	run();
	ck_assert_uint_eq(nmatch("recon"), 1);
	ck_assert_uint_eq(match("recon", 0)->first->record_id, 2);
}
END_TEST

/* One event hitting both rules is not "one after the other". */
START_TEST(test_temporal_ordered_same_event)
{
	load("title: recon\ncorrelation:\n  type: temporal_ordered\n"
	    "  rules: [a, b]\n  timespan: 5m\n"
	    BASE("a", "who.exe") BASE("b", "o.exe"), NULL);
	proc(0, 1, "bob", "C:\\who.exe");
	run();
	ck_assert_uint_eq(nmatch("recon"), 0);
	proc(1, 2, "bob", "C:\\o.exe");
	sigcorr_release(&sc);
	sigcorr_init(&sc);
	run();
	ck_assert_uint_eq(nmatch("recon"), 1);
	ck_assert_uint_eq(match("recon", 0)->last->record_id, 2);
}
END_TEST

/* ---- aliases, chains, generate ---- */

START_TEST(test_aliases)
{
	load("title: handoff\ncorrelation:\n  type: temporal\n"
	    "  rules: [whoami, net]\n  group-by: [who]\n  timespan: 1m\n"
	    "  aliases:\n    who:\n      whoami: User\n      net: ParentUser\n"
	    BASES, NULL);
	proc(0, 1, "CORP\\admin", WHOAMI);	/* User = admin */
	proc(10 * S, 2, "bob", NET);		/* ParentUser = admin */
	run();
	ck_assert_uint_eq(nmatch("handoff"), 1);
	ck_assert_str_eq(match("handoff", 0)->group[0], "CORP\\admin");
}
END_TEST

/* The specification's example: many failures, then a success. */
START_TEST(test_chain)
{
	load("title: brute then success\nid: c-outer\nlevel: high\n"
	    "correlation:\n  type: temporal_ordered\n"
	    "  rules: [many_failed, success]\n  group-by: [User]\n"
	    "  timespan: 10m\n---\ntitle: many failed\nname: many_failed\n"
	    "correlation:\n  type: event_count\n  rules: [failed]\n"
	    "  group-by: [User]\n  timespan: 10m\n  condition: {gte: 3}\n"
	    BASE("failed", "net.exe") BASE("success", "whoami.exe"), NULL);
	ck_assert_int_eq(rule("brute then success")->status, SIGMA_LOADED);
	ck_assert_uint_eq(sigma_corr_count(set), 2);
	/* inner first */
	ck_assert_uint_eq(sigma_corr_at(set, 0), rule_index("many failed"));
	ck_assert(rule("many failed")->silent);
	proc(0, 1, "bob", NET);
	proc(1 * S, 2, "bob", NET);
	proc(2 * S, 3, "bob", NET);
	proc(3 * S, 4, "bob", WHOAMI);
	proc(0, 5, "ann", NET);
	proc(3 * S, 6, "ann", WHOAMI);		/* ann: too few */
	run();
	ck_assert_uint_eq(nmatch("many failed"), 1);
	ck_assert(!match("many failed", 0)->reported);
	ck_assert_uint_eq(nmatch("brute then success"), 1);
	ck_assert_str_eq(match("brute then success", 0)->group[0], "bob");
	ck_assert_uint_eq(match("brute then success", 0)->last->record_id, 4);
	ck_assert(match("brute then success", 0)->reported);
}
END_TEST

START_TEST(test_generate)
{
	load("title: g\ncorrelation:\n  type: event_count\n"
	    "  rules: [whoami]\n  timespan: 1m\n  condition: {gte: 1}\n"
	    "  generate: true\n---\ntitle: h\ncorrelation:\n"
	    "  type: event_count\n  rules: [net]\n  timespan: 1m\n"
	    "  condition: {gte: 1}\n  generate: false\n" BASES, NULL);
	ck_assert(!rule("whoami")->silent);
	ck_assert(rule("net")->silent);
	ck_assert(!rule("ipconfig")->silent);
}
END_TEST

/* Base rules in another file, by id; the same file wins on names. */
START_TEST(test_other_file)
{
	load("title: c\ncorrelation:\n  type: event_count\n"
	    "  rules: [id-whoami, net]\n  timespan: 1m\n"
	    "  condition: {gte: 2}\n" BASE("net", "net.exe"),
	    "b.yml", BASES, NULL);
	ck_assert_int_eq(rule("c")->status, SIGMA_LOADED);
	ck_assert_str_eq(sigma_rule_at(set,
	    rule("c")->correlation->rules[0])->path, "b.yml");
	ck_assert_str_eq(sigma_rule_at(set,
	    rule("c")->correlation->rules[1])->path, "t.yml");
	proc(0, 1, "bob", WHOAMI);
	proc(1, 2, "bob", NET);
	run();
	ck_assert_uint_eq(nmatch("c"), 1);
}
END_TEST

/* The result does not depend on the order events come in. */
START_TEST(test_input_order)
{
	char a[4096], b[4096];

	load(TEMPORAL("temporal", "[whoami, net]", ""), NULL);
	for (unsigned i = 0; i < 40; i++)
		proc((uint64_t)(i % 7) * 40 * S, 100 + i, i % 3 ? "bob" : "ann",
		    i % 2 ? WHOAMI : NET);
	run();
	a[0] = '\0';
	for (size_t i = 0; i < sc.n; i++)
		snprintf(a + strlen(a), sizeof(a) - strlen(a), "%s|",
		    sc.v[i].details);
	ck_assert_uint_gt(sc.n, 0);
	/* reversed output order: same matches */
	for (size_t i = 0; i < nev / 2; i++) {
		struct ev_event *t = evs[i];

		evs[i] = evs[nev - 1 - i];
		evs[nev - 1 - i] = t;
	}
	sigcorr_release(&sc);
	sigcorr_init(&sc);
	run_order(true);
	b[0] = '\0';
	for (size_t i = 0; i < sc.n; i++)
		snprintf(b + strlen(b), sizeof(b) - strlen(b), "%s|",
		    sc.v[i].details);
	ck_assert_str_eq(a, b);
}
END_TEST

/* ---- rejections ---- */

struct rej {
	const char	*name;
	const char	*text;
	const char	*reason;
};

static const struct rej rejs[] = {
	{ "unknown", "title: c\ncorrelation: {type: temporal, rules: [nope],"
	    " timespan: 1m}\n", "unknown rule 'nope'" },
	{ "unloaded", "title: c\ncorrelation: {type: temporal, rules: [f],"
	    " timespan: 1m}\n---\ntitle: f\nname: f\nlogsource: {product: "
	    "linux, category: process_creation}\ndetection: {s: {a: b}, "
	    "condition: s}\n", "rule 'f' (t.yml:4) is not loaded: logsource "
	    "product=linux category=process_creation not supported" },
	{ "rejected-base", "title: c\ncorrelation: {type: temporal, rules: "
	    "[f], timespan: 1m}\n---\ntitle: f\nname: f\nlogsource: {product: "
	    "windows, category: process_creation}\ndetection: {s: {Image|x: "
	    "b}, condition: s}\n", "rule 'f' (t.yml:7) is not loaded: "
	    "unknown modifier 'x'" },
	{ "self", "title: c\nname: c\ncorrelation: {type: temporal, rules: "
	    "[c], timespan: 1m}\n", "correlation cycle" },
	{ "twice", "title: c\ncorrelation: {type: temporal, rules: [whoami, "
	    "whoami], timespan: 1m}\n" BASES, "named twice" },
	{ "type", "title: c\ncorrelation: {type: value_sum, rules: [whoami],"
	    " timespan: 1m}\n" BASES, "correlation type 'value_sum' is not "
	    "supported" },
	{ "no-rules", "title: c\ncorrelation: {type: temporal, timespan: "
	    "1m}\n", "'rules' must be" },
	{ "empty-rules", "title: c\ncorrelation: {type: temporal, rules: [],"
	    " timespan: 1m}\n", "'rules' is empty" },
	{ "no-timespan", "title: c\ncorrelation: {type: temporal, rules: "
	    "[whoami]}\n" BASES, "no 'timespan'" },
	{ "timespan-unit", "title: c\ncorrelation: {type: temporal, rules: "
	    "[whoami], timespan: 5w}\n" BASES, "timespan '5w'" },
	{ "timespan-zero", "title: c\ncorrelation: {type: temporal, rules: "
	    "[whoami], timespan: 0s}\n" BASES, "timespan '0s'" },
	{ "timespan-huge", "title: c\ncorrelation: {type: temporal, rules: "
	    "[whoami], timespan: 99999999999999999999d}\n" BASES,
	    "timespan '99999999999999999999d'" },
	{ "no-condition", "title: c\ncorrelation: {type: event_count, rules: "
	    "[whoami], timespan: 1m}\n" BASES, "'condition' must be a map" },
	{ "bad-op", "title: c\ncorrelation: {type: event_count, rules: "
	    "[whoami], timespan: 1m, condition: {ge: 3}}\n" BASES,
	    "unknown condition 'ge'" },
	{ "negative", "title: c\ncorrelation: {type: event_count, rules: "
	    "[whoami], timespan: 1m, condition: {gte: -3}}\n" BASES,
	    "'gte' needs a count" },
	{ "too-big", "title: c\ncorrelation: {type: event_count, rules: "
	    "[whoami], timespan: 1m, condition: {gte: 10001}}\n" BASES,
	    "'gte' needs a count from 0 to 10000" },
	{ "value-no-field", "title: c\ncorrelation: {type: value_count, "
	    "rules: [whoami], timespan: 1m, condition: {gte: 3}}\n" BASES,
	    "needs 'field'" },
	{ "field-on-count", "title: c\ncorrelation: {type: event_count, "
	    "rules: [whoami], timespan: 1m, condition: {gte: 3, field: x}}\n"
	    BASES, "'field' belongs to value_count" },
	{ "ordered-condition", "title: c\ncorrelation: {type: "
	    "temporal_ordered, rules: [whoami], timespan: 1m, condition: "
	    "{gte: 1}}\n" BASES, "temporal_ordered is not supported" },
	{ "unknown-attr", "title: c\ncorrelation: {type: temporal, rules: "
	    "[whoami], timespan: 1m, ordered: true}\n" BASES,
	    "unknown correlation attribute 'ordered'" },
	{ "generate", "title: c\ncorrelation: {type: temporal, rules: "
	    "[whoami], timespan: 1m, generate: maybe}\n" BASES,
	    "'generate' must be true or false" },
	{ "alias-rule", "title: c\ncorrelation: {type: temporal, rules: "
	    "[whoami], timespan: 1m, group-by: [u], aliases: {u: {other: "
	    "User}}}\n" BASES, "alias 'u': 'other' is not one of" },
	{ "alias-unused", "title: c\ncorrelation: {type: temporal, rules: "
	    "[whoami], timespan: 1m, aliases: {u: {whoami: User}}}\n" BASES,
	    "alias 'u' is not used" },
	{ "alias-shape", "title: c\ncorrelation: {type: temporal, rules: "
	    "[whoami], timespan: 1m, aliases: {u: User}}\n" BASES,
	    "an alias maps rule names" },
	{ "with-detection", "title: c\ncorrelation: {type: temporal, rules: "
	    "[whoami], timespan: 1m}\ndetection: {s: {a: b}, condition: s}\n"
	    BASES, "a correlation rule has no detection" },
	{ "not-a-map", "title: c\ncorrelation: [1, 2]\n", "'correlation' "
	    "must be a map" },
	{ "chain-field", "title: c\ncorrelation: {type: temporal, rules: "
	    "[inner], timespan: 1m, group-by: [Computer]}\n---\ntitle: i\n"
	    "name: inner\ncorrelation: {type: event_count, rules: [whoami], "
	    "timespan: 1m, group-by: [User], condition: {gte: 1}}\n" BASES,
	    "'Computer' is not a group-by field of correlation 'inner'" },
};

START_TEST(test_reject)
{
	const struct rej *r = &rejs[_i];
	const struct sigma_rule *c;

	load(r->text, NULL);
	c = rule("c");
	ck_assert_msg(c->status == SIGMA_REJECTED, "%s: not rejected",
	    r->name);
	ck_assert_msg(strstr(c->reason, r->reason) != NULL,
	    "%s: reason '%s' lacks '%s'", r->name, c->reason, r->reason);
	ck_assert_str_eq(c->reason_class, "correlation");
	ck_assert_uint_gt(c->line, 0);
	/* rejected correlations silence nothing */
	for (size_t i = 0; i < sigma_count(set) && sigma_corr_count(set) == 0;
	    i++)
		ck_assert(!sigma_rule_at(set, i)->silent);
}
END_TEST

/* A cycle of two: both rejected, each saying why. */
START_TEST(test_cycle)
{
	load("title: a\nname: a\ncorrelation: {type: temporal, rules: [b, "
	    "whoami], timespan: 1m}\n---\ntitle: b\nname: b\ncorrelation: "
	    "{type: temporal, rules: [a, whoami], timespan: 1m}\n" BASES,
	    NULL);
	ck_assert_int_eq(rule("a")->status, SIGMA_REJECTED);
	ck_assert_int_eq(rule("b")->status, SIGMA_REJECTED);
	ck_assert_ptr_nonnull(strstr(rule("b")->reason, "correlation cycle"));
	ck_assert_ptr_nonnull(strstr(rule("a")->reason,
	    "correlation 'b' (t.yml:5) is rejected"));
	ck_assert_uint_eq(sigma_corr_count(set), 0);
	ck_assert_int_eq(rule("whoami")->status, SIGMA_LOADED);
	ck_assert(!rule("whoami")->silent);
}
END_TEST

/* The same name in two other files is ambiguous. */
START_TEST(test_ambiguous)
{
	load("title: c\ncorrelation: {type: temporal, rules: [whoami], "
	    "timespan: 1m}\n", "a.yml", BASE("whoami", "whoami.exe"),
	    "b.yml", BASE("whoami", "w.exe"), NULL);
	ck_assert_int_eq(rule("c")->status, SIGMA_REJECTED);
	ck_assert_str_eq(rule("c")->reason, "rule 'whoami' is ambiguous (in "
	    "'a.yml' and 'b.yml')");
}
END_TEST

/* Every document is a rule; a YAML error later keeps the earlier ones. */
START_TEST(test_documents)
{
	load(BASE("a", "a.exe") "---\ntitle: x\ndetection: [\n", NULL);
	ck_assert_uint_eq(sigma_count(set), 2);
	ck_assert_int_eq(sigma_rule_at(set, 0)->status, SIGMA_LOADED);
	ck_assert_uint_eq(sigma_rule_at(set, 0)->doc_line, 2);
	ck_assert_int_eq(sigma_rule_at(set, 1)->status, SIGMA_REJECTED);
	ck_assert_str_eq(sigma_rule_at(set, 1)->reason_class, "yaml");
}
END_TEST

START_TEST(test_documents_limit)
{
	size_t n = 1100, len = n * 10 + 1;
	char *text = malloc(len), *p = text;

	ck_assert_ptr_nonnull(text);
	for (size_t i = 0; i < n; i++)
		p += snprintf(p, len - (size_t)(p - text), "---\na: 1\n");
	load(text, NULL);
	ck_assert_uint_eq(sigma_count(set), 1001);
	ck_assert_str_eq(sigma_rule_at(set, 1000)->reason,
	    "more than 1000 YAML documents");
	free(text);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("sigcorr");
	TCase *tc = tcase_create("sigcorr");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_event_count);
	tcase_add_test(tc, test_timespan_edge);
	tcase_add_test(tc, test_sliding);
	tcase_add_test(tc, test_upper_bound);
	tcase_add_test(tc, test_neq_eq);
	tcase_add_test(tc, test_ungrouped);
	tcase_add_test(tc, test_value_count);
	tcase_add_test(tc, test_temporal);
	tcase_add_test(tc, test_temporal_condition);
	tcase_add_test(tc, test_temporal_ordered);
	tcase_add_test(tc, test_temporal_ordered_restart);
	tcase_add_test(tc, test_temporal_ordered_same_event);
	tcase_add_test(tc, test_aliases);
	tcase_add_test(tc, test_chain);
	tcase_add_test(tc, test_generate);
	tcase_add_test(tc, test_other_file);
	tcase_add_test(tc, test_input_order);
	tcase_add_loop_test(tc, test_reject, 0, (int)NELEM(rejs));
	tcase_add_test(tc, test_cycle);
	tcase_add_test(tc, test_ambiguous);
	tcase_add_test(tc, test_documents);
	tcase_add_test(tc, test_documents_limit);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
