/*
 * cmd_opt.c -- a command's option table turned into getopt_long's
 * arguments, the values its rows store, and the --help lines (cmd_opt.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd_opt.h"
#include "ev_level.h"

/* getopt_long's val for row i: out of the range of short options */
#define ROW_VAL(i)	(0x10000 + (int)(i))

void
cmd_opt_init(struct cmd_getopt *g, const char *cmd,
    const char *const *usage, const struct cmd_opt *opts, void *base)
{
	size_t n = 0, k = 0;

	memset(g, 0, sizeof(*g));
	g->cmd = cmd;
	g->usage = usage;
	g->opts = opts;
	g->base = base;
	for (size_t i = 0; opts[i].kind != CMD_OPT_END && i < CMD_OPT_MAX;
	    i++) {
		if (opts[i].lng != NULL)
			g->lo[n++] = (struct option){ opts[i].lng,
			    opts[i].arg ? required_argument : no_argument,
			    NULL, ROW_VAL(i) };
		if (opts[i].shrt != 0) {
			g->so[k++] = (char)opts[i].shrt;
			if (opts[i].arg != NULL)
				g->so[k++] = ':';
		}
	}
	g->so[k] = '\0';
	optind = 1;
}

/* Appends arg to the list of row o. */
static int
push(struct cmd_getopt *g, const struct cmd_opt *o, const char *arg)
{
	const char ***v = (const char ***)((char *)g->base + o->off);
	size_t *n = (size_t *)((char *)g->base + o->off_n);
	const char **p = realloc(*v, (*n + 1) * sizeof(*p));

	if (p == NULL) {
		cmd_warn("out of memory");
		return -1;
	}
	*v = p;
	p[(*n)++] = arg;
	return 0;
}

/* The row getopt_long's result c stands for, or NULL. */
static const struct cmd_opt *
row_of(const struct cmd_getopt *g, int c)
{
	if (c >= ROW_VAL(0) && c < ROW_VAL(CMD_OPT_MAX))
		return &g->opts[c - ROW_VAL(0)];
	for (const struct cmd_opt *o = g->opts; o->kind != CMD_OPT_END; o++)
		if (o->shrt != 0 && o->shrt == c)
			return o;
	return NULL;
}

static int
stop(struct cmd_getopt *g, int status)
{
	g->status = status;
	return CMD_OPT_STOP;
}

/* The option of row o as messages name it: "-f" or "--color". */
static const char *
opt_name(const struct cmd_opt *o, char buf[64])
{
	if (o->shrt != 0)
		snprintf(buf, 64, "-%c", o->shrt);
	else
		snprintf(buf, 64, "--%s", o->lng);
	return buf;
}

/*
 * The index of arg among the names of "a|b|c", or -1 after the usage
 * error "--opt: 'x' is not a, b or c".
 */
static int
choice(struct cmd_getopt *g, const struct cmd_opt *o, const char *arg)
{
	char name[64], list[256] = "";
	const char *p = o->arg;
	size_t len = 0;
	int i = 0;

	for (;; i++) {
		size_t n = strcspn(p, "|");

		if (strlen(arg) == n && strncmp(p, arg, n) == 0)
			return i;
		if (len < sizeof(list))
			len += (size_t)snprintf(list + len, sizeof(list) - len,
			    "%s%.*s", i == 0 ? "" : p[n] == '\0' ? " or " :
			    ", ", (int)n, p);
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	cmd_usage_error(g->cmd, "%s: '%s' is not %s", opt_name(o, name), arg,
	    list);
	return -1;
}

int
cmd_opt_next(struct cmd_getopt *g, int argc, char **argv)
{
	const struct cmd_opt *o;
	char *field;
	enum ev_level lvl;
	char name[64];
	int c, i;

	while ((c = getopt_long(argc, argv, g->so, g->lo, NULL)) != -1) {
		if ((o = row_of(g, c)) == NULL) {	/* getopt said why */
			cmd_print_usage(stderr, g->usage);
			return stop(g, CMD_EXIT_ERROR);
		}
		/* rows that store nothing may come with no state (NULL) */
		field = o->kind == CMD_OPT_CASE || o->kind == CMD_OPT_HELP ?
		    NULL : (char *)g->base + o->off;
		switch (o->kind) {
		case CMD_OPT_CASE:
			return o->id;
		case CMD_OPT_TRUE:
			*(bool *)(void *)field = true;
			break;
		case CMD_OPT_STR:
			*(const char **)(void *)field = optarg;
			break;
		case CMD_OPT_LIST:
			if (push(g, o, optarg) != 0)
				return stop(g, CMD_EXIT_ERROR);
			break;
		case CMD_OPT_LEVEL:
			if ((lvl = ev_level_parse(optarg)) == EV_LEVEL_NONE) {
				cmd_usage_error(g->cmd, "%s: '%s' is not "
				    "informational, low, medium, high or "
				    "critical", opt_name(o, name), optarg);
				return stop(g, CMD_EXIT_ERROR);
			}
			*(enum ev_level *)(void *)field = lvl;
			break;
		case CMD_OPT_CHOICE:
			if ((i = choice(g, o, optarg)) < 0)
				return stop(g, CMD_EXIT_ERROR);
			*(int *)(void *)field = i;
			break;
		case CMD_OPT_HELP:
			g->help = 1;
			return stop(g, cmd_opt_help(g->usage, g->opts));
		case CMD_OPT_END:
			break;
		}
	}
	return CMD_OPT_DONE;
}

int
cmd_opt_help(const char *const *usage, const struct cmd_opt *opts)
{
	char name[128];

	cmd_print_usage(stdout, usage);
	if (opts->kind != CMD_OPT_END)
		printf("\noptions:\n");
	for (; opts->kind != CMD_OPT_END; opts++) {
		if (opts->shrt != 0 && opts->lng != NULL)
			snprintf(name, sizeof(name), "-%c, --%s%s%s",
			    opts->shrt, opts->lng, opts->arg ? " " : "",
			    opts->arg ? opts->arg : "");
		else if (opts->shrt != 0)
			snprintf(name, sizeof(name), "-%c%s%s", opts->shrt,
			    opts->arg ? " " : "", opts->arg ? opts->arg : "");
		else
			snprintf(name, sizeof(name), "--%s%s%s", opts->lng,
			    opts->arg ? " " : "", opts->arg ? opts->arg : "");
		printf("  %-29s %s\n", name, opts->what);
	}
	return cmd_finish_stdout(CMD_EXIT_OK);
}
