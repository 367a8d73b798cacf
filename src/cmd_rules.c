/*
 * cmd_rules.c -- `evtxhunt rules check|list`: load Sigma rules, report
 * the rejected ones with file:line:column and reason, list the loaded
 * ones (evtxhunt-rules(1)).  Subcommands dispatch from a table.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd_opt.h"
#include "cmd_ruleset.h"
#include "ev_util.h"
#include "sigma/correlation.h"
#include "sigma/sigma.h"

static const char *const check_usage[] = {
	"usage: evtxhunt rules check [path ...]",
	NULL
};

static const char *const list_usage[] = {
	"usage: evtxhunt rules list [-f text | jsonl] [path ...]",
	NULL
};

static const struct cmd_opt check_options[] = {
	CMD_OPT_HELP_ROW,
	CMD_OPT_END_ROW
};

/* -f's names, in this order */
enum list_format { LIST_TEXT, LIST_JSONL };

struct list_args {
	int	 format;	/* enum list_format */
};

static const struct cmd_opt list_options[] = {
	{ "format", 'f', "text|jsonl", "one line per rule, or JSON Lines",
	    CMD_OPT_CHOICE_(struct list_args, format) },
	CMD_OPT_HELP_ROW,
	CMD_OPT_END_ROW
};

static const char *const rules_usage[] = {
	"usage: evtxhunt rules check [path ...]",
	"       evtxhunt rules list [-f text | jsonl] [path ...]",
	NULL
};

/* Loads paths (or the default dir) into a new set; NULL on error. */
static struct sigma_set *
load(int argc, char **argv, int *status)
{
	struct sigma_set *set = sigma_set_new();
	struct ev_err err = EV_ERR_INIT;

	*status = CMD_EXIT_OK;
	if (set == NULL) {
		cmd_warn("out of memory");
		*status = CMD_EXIT_ERROR;
		return NULL;
	}
	if (argc == 0) {
		const char *dir = cmd_rules_default_dir();

		if (sigma_load_path(set, dir, false, &err) != 0) {
			cmd_warn("%s", err.msg);
			*status = CMD_EXIT_ERROR;
		}
	}
	for (int i = 0; i < argc; i++) {
		ev_err_clear(&err);
		if (sigma_load_path(set, argv[i], true, &err) != 0) {
			cmd_warn("%s", err.msg);
			*status = CMD_EXIT_ERROR;
			if (err.code == EV_ENOMEM)
				break;
		}
	}
	ev_err_clear(&err);
	if (sigma_compile(set, &err) != 0) {
		cmd_warn("%s", err.msg);
		*status = CMD_EXIT_ERROR;
	}
	return set;
}

struct tally {
	const char	*what;
	size_t		 n;
};

static void
print_tally(const struct sigma_set *set, enum sigma_status st,
    const char *label)
{
	struct tally t[64];
	size_t nt = 0, other = 0;

	for (size_t i = 0; i < sigma_count(set); i++) {
		const struct sigma_rule *r = sigma_rule_at(set, i);
		size_t j;

		if (r->status != st)
			continue;
		for (j = 0; j < nt; j++)
			if (strcmp(t[j].what, r->reason_class) == 0)
				break;
		if (j == nt) {
			if (nt == NELEM(t)) {
				other++;
				continue;
			}
			t[nt].what = r->reason_class;
			t[nt++].n = 0;
		}
		t[j].n++;
	}
	for (size_t j = 0; j < nt; j++)
		printf("%s: %zu %s\n", label, t[j].n, t[j].what);
	if (other)
		printf("%s: %zu other\n", label, other);
}

static void text_str(const char *);

/*
 * The loaded correlations, one line each (rejected ones are listed with
 * the other rejections), and their tally, when there are any.
 */
static void
print_correlations(const struct sigma_set *set)
{
	size_t nrej = 0;
	char cond[128];

	for (size_t i = 0; i < sigma_count(set); i++) {
		const struct sigma_rule *r = sigma_rule_at(set, i);

		if (r->correlation == NULL && (r->status != SIGMA_REJECTED ||
		    strcmp(r->reason_class, "correlation") != 0))
			continue;
		if (r->status != SIGMA_LOADED) {
			nrej++;
			continue;
		}
		sigma_corr_cond_text(r->correlation, cond, sizeof(cond));
		printf("%s:%u: correlation ", r->path, r->doc_line);
		text_str(r->title);
		printf(": %s of %u rule%s within %s (%s)%s\n",
		    r->correlation->type_name, r->correlation->nrefs,
		    r->correlation->nrefs == 1 ? "" : "s",
		    r->correlation->timespan_text, cond,
		    r->silent ? ", part of another" : "");
	}
	if (sigma_corr_count(set) + nrej > 0)
		printf("correlations: %zu loaded, %zu rejected\n",
		    sigma_corr_count(set), nrej);
}

static int
rules_check(int argc, char **argv)
{
	struct cmd_getopt g;
	struct sigma_set *set;
	int status;
	size_t nrej;

	cmd_opt_init(&g, "rules check", check_usage, check_options, NULL);
	if (cmd_opt_next(&g, argc, argv) == CMD_OPT_STOP)
		return g.status;
	set = load(argc - optind, argv + optind, &status);
	if (set == NULL)
		return status;
	for (size_t i = 0; i < sigma_count(set); i++) {
		const struct sigma_rule *r = sigma_rule_at(set, i);

		if (r->status != SIGMA_REJECTED)
			continue;
		if (r->line > 0)
			printf("%s:%u:%u: %s\n", r->path, r->line, r->column,
			    r->reason);
		else
			printf("%s: %s\n", r->path, r->reason);
	}
	for (size_t i = 0; i < sigma_skip_count(set); i++)
		printf("%s: not loaded: %s\n", sigma_skip_at(set, i)->path,
		    sigma_skip_at(set, i)->reason);
	print_correlations(set);
	nrej = sigma_count_status(set, SIGMA_REJECTED);
	printf("rules: %zu loaded, %zu skipped, %zu rejected\n",
	    sigma_count_status(set, SIGMA_LOADED),
	    sigma_count_status(set, SIGMA_SKIPPED), nrej);
	print_tally(set, SIGMA_SKIPPED, "skipped");
	print_tally(set, SIGMA_REJECTED, "rejected");
	if (sigma_skip_count(set) > 0)
		printf("entries not loaded: %zu (see above)\n",
		    sigma_skip_count(set));
	sigma_set_free(set);
	if (nrej > 0)
		status = CMD_EXIT_MAX(status, CMD_EXIT_FINDINGS);
	return cmd_finish_stdout(status);
}

/* JSON string with the escapes RFC 8259 requires. */
static void
json_str(const char *s)
{
	if (s == NULL) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '\t')
			fputs("\\t", stdout);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

/* Text output: control characters from a rule shown as '?'. */
static void
text_str(const char *s)
{
	if (s == NULL || *s == '\0') {
		putchar('-');
		return;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		putchar(*p < 0x20 || *p == 0x7f ? '?' : *p);
}

static void
list_text(const struct sigma_rule *r)
{
	text_str(r->id);
	putchar('\t');
	text_str(ev_level_name(r->level));
	putchar('\t');
	text_str(r->rule_status);
	putchar('\t');
	text_str(r->product);
	putchar('/');
	text_str(r->category ? r->category : r->service);
	putchar('\t');
	text_str(r->title);
	putchar('\t');
	if (r->tags.n == 0)
		putchar('-');
	for (size_t i = 0; i < r->tags.n; i++) {
		if (i)
			putchar(',');
		text_str(r->tags.v[i]);
	}
	putchar('\t');
	text_str(r->path);
	putchar('\n');
}

static void
list_jsonl(const struct sigma_rule *r)
{
	fputs("{\"id\":", stdout);
	json_str(r->id);
	fputs(",\"title\":", stdout);
	json_str(r->title);
	fputs(",\"level\":", stdout);
	json_str(r->level ? ev_level_name(r->level) : NULL);
	fputs(",\"status\":", stdout);
	json_str(r->rule_status);
	fputs(",\"tags\":[", stdout);
	for (size_t i = 0; i < r->tags.n; i++) {
		if (i)
			putchar(',');
		json_str(r->tags.v[i]);
	}
	fputs("],\"logsource\":{\"product\":", stdout);
	json_str(r->product);
	fputs(",\"category\":", stdout);
	json_str(r->category);
	fputs(",\"service\":", stdout);
	json_str(r->service);
	fputs("},\"path\":", stdout);
	json_str(r->path);
	fputs("}\n", stdout);
}

static int
rules_list(int argc, char **argv)
{
	struct list_args a = { LIST_TEXT };
	void (*out)(const struct sigma_rule *);
	struct cmd_getopt g;
	struct sigma_set *set;
	int status;
	size_t nrej;

	cmd_opt_init(&g, "rules list", list_usage, list_options, &a);
	if (cmd_opt_next(&g, argc, argv) == CMD_OPT_STOP)
		return g.status;
	out = a.format == LIST_JSONL ? list_jsonl : list_text;
	set = load(argc - optind, argv + optind, &status);
	if (set == NULL)
		return status;
	for (size_t i = 0; i < sigma_count(set); i++) {
		const struct sigma_rule *r = sigma_rule_at(set, i);

		if (r->status == SIGMA_LOADED)
			out(r);
	}
	nrej = sigma_count_status(set, SIGMA_REJECTED);
	if (nrej > 0)
		cmd_warn("%zu rules rejected (see 'evtxhunt rules check')",
		    nrej);
	sigma_set_free(set);
	return cmd_finish_stdout(status);
}

static const struct cmd_sub subcommands[] = {
	{ "check",	rules_check,	NULL },
	{ "list",	rules_list,	NULL },
};

static void
usage(FILE *f)
{
	cmd_print_usage(f, rules_usage);
}

int
cmd_rules(int argc, char **argv)
{
	return cmd_dispatch("rules", subcommands, NELEM(subcommands), usage,
	    argc, argv);
}
