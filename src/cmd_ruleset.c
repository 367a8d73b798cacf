/*
 * cmd_ruleset.c -- the Sigma rule set a command runs (see cmd_ruleset.h).
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd_ruleset.h"
#include "sha256.h"

static bool
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *
cmd_rules_default_dir(void)
{
	/* installed rules, or the source tree's when run uninstalled; when
	   neither is there, the installed path is the one to name */
	if (is_dir(EVH_RULESDIR) || !is_dir(EVH_SRC_RULESDIR))
		return EVH_RULESDIR;
	return EVH_SRC_RULESDIR;
}

void
cmd_rules_sha256(const struct sigma_set *set, char out[65])
{
	struct sha256 h;
	char buf[65536];
	size_t n;

	sha256_init(&h);
	for (size_t i = 0; i < sigma_count(set); i++) {
		const struct sigma_rule *r = sigma_rule_at(set, i);
		FILE *f;

		if (r->status != SIGMA_LOADED)
			continue;
		if ((f = fopen(r->path, "rb")) == NULL)
			continue;
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			sha256_update(&h, buf, n);
		fclose(f);
	}
	sha256_final_hex(&h, out);
}

/* Rejected rules on stderr (ten, and every one given by its path). */
static void
report_rejected(const struct sigma_set *set, bool quiet, int *status)
{
	size_t rejected = 0;

	for (size_t i = 0; i < sigma_count(set); i++) {
		const struct sigma_rule *r = sigma_rule_at(set, i);

		if (r->status != SIGMA_REJECTED)
			continue;
		rejected++;
		if (r->explicit_path)
			*status = CMD_EXIT_ERROR;
		if (!quiet && (r->explicit_path || rejected <= 10))
			cmd_warn("%s:%u:%u: %s", r->path, r->line, r->column,
			    r->reason);
	}
	if (rejected > 10 && !quiet)
		fprintf(stderr, "evtxhunt: %zu rules rejected in all; see "
		    "'evtxhunt rules check'\n", rejected);
	for (size_t i = 0; i < sigma_skip_count(set); i++)
		if (!quiet)
			cmd_warn("%s: not loaded: %s",
			    sigma_skip_at(set, i)->path,
			    sigma_skip_at(set, i)->reason);
}

int
cmd_rules_load(struct sigma_set **out, const char *const *paths,
    size_t npaths, bool quiet, int *status)
{
	struct ev_err err = EV_ERR_INIT;
	struct sigma_set *set;

	if ((*out = set = sigma_set_new()) == NULL) {
		cmd_warn("out of memory");
		return -1;
	}
	for (size_t i = 0; i < npaths; i++) {
		ev_err_clear(&err);
		if (sigma_load_path(set, paths[i], !is_dir(paths[i]), &err) !=
		    0) {
			cmd_warn("%s", err.msg);
			/* a rule path given explicitly: an error */
			*status = CMD_EXIT_ERROR;
			if (err.code == EV_ENOMEM)
				return -1;
		}
	}
	report_rejected(set, quiet, status);
	if (sigma_compile(set, &err) != 0) {
		cmd_warn("%s", err.msg);
		return -1;
	}
	/* the readers decode what the loaded rules read */
	switch (sigma_want_install(set)) {
	case 0:
		break;
	case EV_ENOMEM:
		cmd_warn("out of memory");
		return -1;
	default:
		cmd_warn("the rules read more than %d (channel, event id) "
		    "pairs", EV_WANT_MAX);
		return -1;
	}
	return 0;
}

struct store_rule *
cmd_rules_rows(const struct sigma_set *set)
{
	static const char *const st_names[] = { "loaded", "skipped",
	    "rejected" };
	size_t n = sigma_count(set);
	struct store_rule *rows = calloc(n + 1, sizeof(*rows));

	for (size_t i = 0; rows != NULL && i < n; i++) {
		const struct sigma_rule *r = sigma_rule_at(set, i);

		rows[i] = (struct store_rule){
			.uuid = r->id, .path = r->path, .title = r->title,
			.level = r->level, .status = r->rule_status,
			.tags = r->tags.v,
			.ntags = r->tags.n,
			.load_status = st_names[r->status],
			.reason = r->status == SIGMA_LOADED ? NULL : r->reason,
		};
	}
	return rows;
}

void
cmd_rules_summary(const struct sigma_set *set, struct ev_arena *arena,
    struct report_rules *rr)
{
	size_t n = sigma_count(set), k = 0;
	const char **names = ev_arena_calloc(arena, (n + 2) * sizeof(*names));
	size_t *counts = ev_arena_calloc(arena, (n + 2) * sizeof(*counts));

	rr->loaded = sigma_count_status(set, SIGMA_LOADED);
	rr->skipped = sigma_count_status(set, SIGMA_SKIPPED);
	rr->rejected = sigma_count_status(set, SIGMA_REJECTED);
	if (names == NULL || counts == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct sigma_rule *r = sigma_rule_at(set, i);
		const char *c = r->reason_class ? r->reason_class : "other";
		size_t j;

		if (r->status == SIGMA_LOADED) {
			/* events the rule may have missed */
			char what[300];

			counts[k] = (size_t)sigma_regex_limits(set, i);
			snprintf(what, sizeof(what), "regex limit %s",
			    r->id ? r->id : r->path);
			if (counts[k] > 0 && (names[k] = ev_arena_strdup(
			    arena, what)) != NULL)
				k++;
			counts[k] = 0;
			continue;
		}
		for (j = 0; j < k; j++)
			if (strcmp(names[j], c) == 0)
				break;
		if (j == k)
			names[k++] = c;
		counts[j]++;
	}
	if ((counts[k] = sigma_skip_count(set)) > 0)
		names[k++] = "entries not loaded";
	rr->reason_names = names;
	rr->reason_counts = counts;
	rr->nreasons = k;
}
