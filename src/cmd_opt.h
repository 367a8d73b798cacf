/*
 * cmd_opt.h -- one table of options per command: it drives the parsing
 * (getopt_long), the "options:" lines of --help, and through them the
 * check that --help and the manual page name the same options
 * (tests/help-vs-man.sh).  A new option is one row.
 *
 * A row stores its value itself (CMD_OPT_TRUE, _STR, _LIST, _LEVEL: at
 * an offset into the command's state), or hands its id to the command's
 * switch (CMD_OPT_CASE) for values that need more than that.
 */
#ifndef CMD_OPT_H
#define CMD_OPT_H

#include <getopt.h>
#include <stddef.h>

enum cmd_opt_kind {
	CMD_OPT_END = 0,	/* the row that ends a table */
	CMD_OPT_CASE,		/* cmd_opt_next() returns id */
	CMD_OPT_TRUE,		/* bool at off: true */
	CMD_OPT_STR,		/* const char * at off: the argument */
	CMD_OPT_LIST,		/* const char ** at off, size_t count at
				   off_n: the argument appended */
	CMD_OPT_LEVEL,		/* enum ev_level at off: a level name */
	CMD_OPT_CHOICE,		/* int at off: the index of the argument
				   among the names of arg ("auto|never") */
	CMD_OPT_HELP		/* --help: usage and the option lines */
};

struct cmd_opt {
	const char		*lng;	/* "output", or NULL */
	int			 shrt;	/* 'o', or 0 */
	const char		*arg;	/* "file" as --help shows it; NULL:
					   the option takes no argument */
	const char		*what;	/* its line in --help */
	enum cmd_opt_kind	 kind;
	int			 id;	/* CMD_OPT_CASE: what the command's
					   switch sees (> 0) */
	size_t			 off, off_n;
};

/* The rest of a row, by kind (T: the type of the command's state). */
#define CMD_OPT_CASE_(id)	CMD_OPT_CASE, (id), 0, 0
#define CMD_OPT_TRUE_(T, f)	CMD_OPT_TRUE, 0, offsetof(T, f), 0
#define CMD_OPT_STR_(T, f)	CMD_OPT_STR, 0, offsetof(T, f), 0
#define CMD_OPT_LIST_(T, v, n)	CMD_OPT_LIST, 0, offsetof(T, v), \
				    offsetof(T, n)
#define CMD_OPT_LEVEL_(T, f)	CMD_OPT_LEVEL, 0, offsetof(T, f), 0
#define CMD_OPT_CHOICE_(T, f)	CMD_OPT_CHOICE, 0, offsetof(T, f), 0
#define CMD_OPT_HELP_ROW \
	{ "help", 'h', NULL, "this help", CMD_OPT_HELP, 0, 0, 0 }
#define CMD_OPT_END_ROW	{ NULL, 0, NULL, NULL, CMD_OPT_END, 0, 0, 0 }

/* The most rows of a table (the tables of every command, joined). */
#define CMD_OPT_MAX	96

/* The parsing of one command line, as cmd_opt_next() goes. */
struct cmd_getopt {
	const char		*cmd;	/* "scan", for messages */
	const char *const	*usage;	/* usage lines, for errors and --help */
	const struct cmd_opt	*opts;	/* the table */
	void			*base;	/* what the rows' offsets count in */
	int			 status; /* after CMD_OPT_STOP: the exit status */
	int			 help;	/* after CMD_OPT_STOP: --help printed */
	struct option		 lo[CMD_OPT_MAX + 1];
	char			 so[2 * CMD_OPT_MAX + 2];
};

#define CMD_OPT_DONE	(-1)	/* the options are over (optind: the first
				   operand) */
#define CMD_OPT_STOP	(-2)	/* stop: g->status (and g->help) say why */

/*
 * Starts parsing argv[1..] (optind reset) with the table opts; base is
 * the state the rows' offsets count in.
 */
void	cmd_opt_init(struct cmd_getopt *g, const char *cmd,
	    const char *const *usage, const struct cmd_opt *opts, void *base);

/*
 * The next option: stores it when its row says how and goes on; returns
 * the id of a CMD_OPT_CASE row (its argument in optarg), CMD_OPT_DONE,
 * or CMD_OPT_STOP after --help (g->help, g->status CMD_EXIT_OK) or a
 * usage error (message and usage printed, g->status CMD_EXIT_ERROR).
 */
int	cmd_opt_next(struct cmd_getopt *g, int argc, char **argv);

/*
 * --help: the usage lines, then "options:" and one line a row
 * ("  -o, --output file             what"), on stdout.  Returns
 * cmd_finish_stdout(CMD_EXIT_OK).
 */
int	cmd_opt_help(const char *const *usage, const struct cmd_opt *opts);

#endif
