/*
 * check_rules.c -- tests of the shipped rules (rules/windows/...): every
 * rule loads, fires on its positive sample and stays quiet on benign ones.
 *
 * For each rule file rules/windows/CATEGORY/SLUG.yml there are two files
 * generated from specs (tests/gen-rule-testdata.sh):
 *   testdata/rules/pos/SLUG.evtx  attack events; EVERY extracted event in
 *                                 it must fire the rule
 *   testdata/rules/neg/SLUG.evtx  near-miss benign events (the same binary
 *                                 doing administration); NO shipped rule
 *                                 may fire on any of them
 * The files are read through the real pipeline (ingest_run, native parser)
 * and matched with sigma_match, so a regression in reader, normalisation
 * or engine that silences a rule fails here.
 *
 * Environment: top_srcdir (set by make check; "." otherwise).
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ev_err.h"
#include "event.h"
#include "ingest.h"
#include "sigma/sigma.h"

static struct sigma_set *set;
static size_t nfiles;		/* *.yml files found by our own walk */
static char srcdir[4096];

/* Counts *.yml files under dir (recursively), independently of the
 * engine's own walk. */
static size_t
count_yml(const char *dir, int depth)
{
	DIR *d;
	struct dirent *e;
	size_t n = 0;
	char p[4096];

	if (depth > 8 || (d = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		size_t l = strlen(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, e->d_name) >=
		    sizeof(p) || stat(p, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			n += count_yml(p, depth + 1);
		else if (S_ISREG(st.st_mode) && l > 4 &&
		    strcmp(e->d_name + l - 4, ".yml") == 0)
			n++;
	}
	closedir(d);
	return n;
}

/* "rules/windows/x/SLUG.yml" -> SLUG into out. */
static void
rule_slug(const struct sigma_rule *r, char *out, size_t len)
{
	const char *b = strrchr(r->path, '/');
	size_t n;

	b = b != NULL ? b + 1 : r->path;
	n = strlen(b);
	if (n > 4 && strcmp(b + n - 4, ".yml") == 0)
		n -= 4;
	if (n >= len)
		n = len - 1;
	memcpy(out, b, n);
	out[n] = '\0';
}

/* Reads one sample file; ck_asserts it is readable and not empty. */
static void
read_sample(const char *path, struct ingest_run *run)
{
	struct ingest_opts o;
	struct ev_err err = { 0 };
	char *paths[1];
	int rc;

	memset(&o, 0, sizeof(o));
	o.parser = EVTX_PARSER_NATIVE;
	o.recovered = false;
	o.jobs = 1;
	o.quiet = true;
	o.progress = INGEST_PROGRESS_NEVER;
	paths[0] = (char *)path;
	memset(run, 0, sizeof(*run));
	rc = ingest_run(paths, 1, &o, run, &err);
	ck_assert_msg(rc == 0, "%s: ingest_run failed: %s", path, err.msg);
	ck_assert_msg(!run->input_error, "%s: unreadable sample", path);
	ck_assert_msg(run->nevents > 0, "%s: no extracted events", path);
}

/* Does rule index `want` appear among the hits of ev? */
static int
fires(struct sigma_scratch *sc, const struct ev_event *ev, uint32_t want)
{
	const uint32_t *hits;
	int n = sigma_match(set, sc, ev, &hits);

	ck_assert_msg(n >= 0, "sigma_match failed");
	for (int i = 0; i < n; i++)
		if (hits[i] == want)
			return 1;
	return 0;
}

START_TEST(test_all_loaded)
{
	size_t n = sigma_count(set);

	ck_assert_msg(nfiles > 0, "no rule files under %s/rules/windows",
	    srcdir);
	ck_assert_msg(n == nfiles, "engine saw %zu rules, directory has %zu",
	    n, nfiles);
	for (size_t i = 0; i < n; i++) {
		const struct sigma_rule *r = sigma_rule_at(set, i);

		ck_assert_msg(r->status == SIGMA_LOADED, "%s: not loaded: %s",
		    r->path, r->reason != NULL ? r->reason : "?");
		ck_assert_msg(r->id != NULL && r->title != NULL &&
		    r->level != EV_LEVEL_NONE && r->tags.n > 0 &&
		    r->references.n > 0 && r->falsepositives.n > 0 &&
		    r->author != NULL && strcmp(r->author,
		    "evtxhunt project") == 0,
		    "%s: missing metadata", r->path);
		for (size_t j = 0; j < i; j++)
			ck_assert_msg(strcmp(sigma_rule_at(set, j)->id,
			    r->id) != 0, "%s: duplicate id", r->path);
	}
}
END_TEST

START_TEST(test_positive)
{
	const struct sigma_rule *r = sigma_rule_at(set, (size_t)_i);
	struct sigma_scratch *sc = sigma_scratch_new(set);
	struct ingest_run run;
	char slug[256], path[8192];
	size_t fired = 0;

	ck_assert_ptr_nonnull(sc);
	rule_slug(r, slug, sizeof(slug));
	snprintf(path, sizeof(path), "%s/testdata/rules/pos/%s.evtx", srcdir,
	    slug);
	read_sample(path, &run);
	for (size_t i = 0; i < run.nevents; i++) {
		const struct ev_event *ev = run.events[i];

		ck_assert_msg(fires(sc, ev, (uint32_t)_i),
		    "%s: positive record %llu (event %u) does not fire", slug,
		    (unsigned long long)ev->record_id, ev->event_id);
		fired++;
	}
	ck_assert_msg(fired >= 1, "%s: nothing fired", slug);
	ingest_release(&run);
	sigma_scratch_free(sc);
}
END_TEST

START_TEST(test_negative)
{
	const struct sigma_rule *r = sigma_rule_at(set, (size_t)_i);
	struct sigma_scratch *sc = sigma_scratch_new(set);
	struct ingest_run run;
	char slug[256], path[8192];

	ck_assert_ptr_nonnull(sc);
	rule_slug(r, slug, sizeof(slug));
	snprintf(path, sizeof(path), "%s/testdata/rules/neg/%s.evtx", srcdir,
	    slug);
	read_sample(path, &run);
	for (size_t i = 0; i < run.nevents; i++) {
		const struct ev_event *ev = run.events[i];
		const uint32_t *hits;
		int n = sigma_match(set, sc, ev, &hits);

		ck_assert_msg(n >= 0, "sigma_match failed");
		if (n > 0) {
			char other[256];

			rule_slug(sigma_rule_at(set, hits[0]), other,
			    sizeof(other));
			ck_abort_msg("%s: benign record %llu fires %s "
			    "(%d rule(s))", slug,
			    (unsigned long long)ev->record_id, other, n);
		}
	}
	ingest_release(&run);
	sigma_scratch_free(sc);
}
END_TEST

static Suite *
rules_suite(size_t n)
{
	Suite *s = suite_create("rules");
	TCase *tc;

	tc = tcase_create("load");
	tcase_add_test(tc, test_all_loaded);
	suite_add_tcase(s, tc);
	tc = tcase_create("positive");
	tcase_add_loop_test(tc, test_positive, 0, (int)n);
	suite_add_tcase(s, tc);
	tc = tcase_create("negative");
	tcase_add_loop_test(tc, test_negative, 0, (int)n);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	const char *top = getenv("top_srcdir");
	struct ev_err err = { 0 };
	char dir[8192];
	SRunner *sr;
	int failed;

	snprintf(srcdir, sizeof(srcdir), "%s", top != NULL && *top ? top :
	    ".");
	snprintf(dir, sizeof(dir), "%s/rules/windows", srcdir);
	nfiles = count_yml(dir, 0);
	if ((set = sigma_set_new()) == NULL ||
	    sigma_load_path(set, dir, false, &err) != 0 ||
	    sigma_compile(set, &err) != 0) {
		fprintf(stderr, "check_rules: %s: %s\n", dir, err.msg);
		sigma_set_free(set);
		return EXIT_FAILURE;
	}
	sr = srunner_create(rules_suite(sigma_count(set)));
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	sigma_set_free(set);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
