/*
 * cmd_ruleset.c -- the Sigma rule set a command runs (see cmd_ruleset.h).
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
cmd_rules_warn_limits(const struct sigma_set *set)
{
	for (size_t i = 0; i < sigma_count(set); i++) {
		const struct sigma_rule *r = sigma_rule_at(set, i);
		uint64_t nl = sigma_regex_limits(set, i);

		if (nl > 0)
			cmd_warn("%s: rule %s: regex limit hit on %llu "
			    "events, counted as no match",
			    r->path, r->id ? r->id : "(no id)",
			    (unsigned long long)nl);
	}
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
		if (r->text != NULL) {
			/* the file as it was loaded, not read again */
			sha256_update(&h, r->text, r->textlen);
			continue;
		}
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

const char *const cmd_rule_status_names[CMD_RULE_STATUSES] = {
	"stable", "test", "experimental", "deprecated", "unsupported",
};

int
cmd_rule_statuses_parse(const char *arg, unsigned *bits)
{
	const char *p = arg;

	while (*p != '\0') {
		size_t n = strcspn(p, ","), i;

		for (i = 0; i < CMD_RULE_STATUSES; i++)
			if (strlen(cmd_rule_status_names[i]) == n &&
			    strncasecmp(p, cmd_rule_status_names[i], n) == 0)
				break;
		if (i == CMD_RULE_STATUSES)
			return -1;
		*bits |= 1u << i;
		p += n;
		if (*p == ',')
			p++;
	}
	return *bits != 0 ? 0 : -1;
}

/* An exclusion list: rule ids, one per line (evtxhunt-rules(5)). */
struct idlist {
	char	**v;
	size_t	 n;
};

static void
idlist_free(struct idlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/*
 * Adds the ids of the list file path to l.  A line is an id, then
 * optionally blanks and a note; '#' starts a comment.  An id is letters,
 * digits, '-' and '_' (a Sigma id is a UUID).  missing_ok: a file that
 * does not exist adds nothing.  Returns 0, or -1 after a message.
 */
static int
idlist_load(struct idlist *l, const char *path, bool missing_ok)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	unsigned lineno = 0;

	if (f == NULL) {
		if (missing_ok && errno == ENOENT)
			return 0;
		cmd_warn("cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p = line, *id, **v;
		size_t n;

		lineno++;
		p[strcspn(p, "#\r\n")] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			continue;
		for (n = 0; isalnum((unsigned char)p[n]) || p[n] == '-' ||
		    p[n] == '_'; n++)
			;
		if (n == 0 || (p[n] != '\0' && p[n] != ' ' && p[n] != '\t')) {
			cmd_warn("%s:%u: not a rule id", path, lineno);
			fclose(f);
			return -1;
		}
		if ((id = strndup(p, n)) == NULL || (v = realloc(l->v,
		    (l->n + 1) * sizeof(*v))) == NULL) {
			free(id);
			cmd_warn("out of memory");
			fclose(f);
			return -1;
		}
		l->v = v;
		l->v[l->n++] = id;
	}
	fclose(f);
	return 0;
}

static bool
idlist_has(const struct idlist *l, const char *id)
{
	for (size_t i = 0; id != NULL && i < l->n; i++)
		if (strcasecmp(l->v[i], id) == 0)
			return true;
	return false;
}

static bool
any_glob(const char *const *pats, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (fnmatch(pats[i], s, FNM_CASEFOLD) == 0)
			return true;
	return false;
}

/* Whether a tag of r matches a tag pattern, or its technique one. */
static bool
tag_selected(const struct sigma_rule *r, const char *const *pats, size_t n,
    bool technique)
{
	for (size_t i = 0; i < r->tags.n; i++) {
		const char *t = r->tags.v[i];

		if (technique) {
			if (strncasecmp(t, "attack.t", 8) != 0 ||
			    !isdigit((unsigned char)t[8]))
				continue;
			t += 7;		/* "t1218.011": globs are caseless */
		}
		if (any_glob(pats, n, t))
			return true;
	}
	return false;
}

/*
 * Why sel leaves r out, in buf; NULL when r is selected.  shipped: the
 * shipped list of noisy SigmaHQ rules; ex: the --exclude lists.
 */
static const char *
unselected(const struct sigma_rule *r, const struct cmd_rule_select *sel,
    const struct idlist *shipped, const struct idlist *ex, char *buf,
    size_t len)
{
	unsigned st = 0;

	if (sel->min_level != EV_LEVEL_NONE && r->level < sel->min_level) {
		snprintf(buf, len, "level %s below --rule-level %s",
		    r->level ? ev_level_name(r->level) : "(none)",
		    ev_level_name(sel->min_level));
		return buf;
	}
	if (sel->statuses != 0) {
		for (unsigned i = 0; i < CMD_RULE_STATUSES; i++)
			if (r->rule_status != NULL && strcasecmp(
			    r->rule_status, cmd_rule_status_names[i]) == 0)
				st = 1u << i;
		if (!(st & sel->statuses)) {
			snprintf(buf, len, "status %s not selected (--status)",
			    r->rule_status ? r->rule_status : "(none)");
			return buf;
		}
	}
	if (sel->ntags > 0 && !tag_selected(r, sel->tags, sel->ntags, false))
		return "no tag matches --tag";
	if (sel->ntechniques > 0 && !tag_selected(r, sel->techniques,
	    sel->ntechniques, true))
		return "no technique matches --technique";
	if (idlist_has(ex, r->id))
		return "in an --exclude list";
	if (idlist_has(shipped, r->id))
		return "in the shipped list of noisy rules, "
		    CMD_RULES_DEFAULT_EXCLUDE " (--all-rules runs it)";
	return NULL;
}

/*
 * Leaves out what sel does not select.  0, or -1 after a message.
 *
 * The shipped list is read from evtxhunt's own rules directory whatever
 * -r names: it lists SigmaHQ rule ids, so it leaves those rules out
 * wherever they are loaded from (a SigmaHQ checkout, a copy, a single
 * file), and rules with other ids are not touched.
 */
static int
select_rules(struct sigma_set *set, const struct cmd_rule_select *sel,
    int *status)
{
	struct idlist ex = { 0 }, shipped = { 0 };
	char path[4096], buf[200];
	int rc = 0;

	if (!sel->all_rules) {
		snprintf(path, sizeof(path), "%s/%s", cmd_rules_default_dir(),
		    CMD_RULES_DEFAULT_EXCLUDE);
		if (idlist_load(&shipped, path, true) != 0)
			rc = -1;
	}
	for (size_t i = 0; rc == 0 && i < sel->nexcludes; i++)
		if (idlist_load(&ex, sel->excludes[i], false) != 0)
			rc = -1;
	if (rc != 0) {
		*status = CMD_EXIT_ERROR;
		idlist_free(&ex);
		idlist_free(&shipped);
		return 0;	/* the command stops before reading */
	}
	for (size_t i = 0; i < sigma_count(set); i++) {
		const struct sigma_rule *r = sigma_rule_at(set, i);
		const char *why;

		if (r->status != SIGMA_LOADED || (why = unselected(r, sel,
		    &shipped, &ex, buf, sizeof(buf))) == NULL)
			continue;
		if (sigma_deselect(set, i, why) != 0) {
			cmd_warn("out of memory");
			idlist_free(&ex);
			idlist_free(&shipped);
			return -1;
		}
	}
	idlist_free(&ex);
	idlist_free(&shipped);
	return 0;
}

int
cmd_rules_load(struct sigma_set **out, const char *const *paths,
    size_t npaths, const struct cmd_rule_select *sel, unsigned jobs,
    bool quiet, int *status)
{
	struct ev_err err = EV_ERR_INIT;
	struct sigma_set *set;

	if ((*out = set = sigma_set_new()) == NULL) {
		cmd_warn("out of memory");
		return -1;
	}
	sigma_set_jobs(set, jobs);
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
	if (sel != NULL && select_rules(set, sel, status) != 0)
		return -1;
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
			.description = r->description,
			.references = r->references.v,
			.nreferences = r->references.n,
			.falsepositives = r->falsepositives.v,
			.nfalsepositives = r->falsepositives.n,
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
