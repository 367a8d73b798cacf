/*
 * cmd.h -- subcommand entry points and the exit statuses they return.
 *
 * Exit status (SPEC §1, §10): 2 beats 1 beats 0.  Only main() and the
 * cmd_* functions turn errors into exit statuses; library code never
 * calls exit().
 */
#ifndef CMD_H
#define CMD_H

#include <stdio.h>

#define CMD_EXIT_OK		0	/* success, nothing found */
#define CMD_EXIT_FINDINGS	1	/* success, findings reported
					   (rules check: a rule rejected) */
#define CMD_EXIT_ERROR		2	/* usage, unreadable input, ... */

/* max of two statuses under the precedence 2 > 1 > 0 */
#define CMD_EXIT_MAX(a, b)	((a) > (b) ? (a) : (b))

/* Each takes argv with argv[0] the subcommand name ("scan"). */
int	cmd_dump(int argc, char **argv);
int	cmd_scan(int argc, char **argv);
int	cmd_rules(int argc, char **argv);
int	cmd_baseline(int argc, char **argv);

/*
 * One row of a command table: main() dispatches the first word through
 * one, `rules` and `baseline` the second.  what: one line for a usage
 * list, or NULL.
 */
struct cmd_sub {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*what;
};

/*
 * Runs the row of subs named argv[1] with (argc - 1, argv + 1), getopt
 * reset (optind = 1), and returns its status.  cmd is the command the
 * table belongs to ("rules"), NULL for the top level.  No word: usage on
 * stderr and 2; "--help" or "-h": usage on stdout and 0; a word not in the
 * table: "'x' is not a CMD command (a, b)" and 2.
 */
int	cmd_dispatch(const char *cmd, const struct cmd_sub *subs, size_t nsubs,
	    void (*usage)(FILE *), int argc, char **argv);

/* The program name for messages ("evtxhunt"). */
extern const char *cmd_progname;

/*
 * Messages on stderr, worded as SPEC/STYLE H10 says:
 * "evtxhunt: cannot open 'x': No such file or directory".  Every message
 * of every command goes through cmd_warn() or cmd_usage_error(): the
 * whole line is escaped for the terminal as the text report is
 * (ev_term.h), so names and values from files cannot forge lines or run
 * escape sequences.
 */
void	cmd_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Usage error: message, then "try 'evtxhunt CMD --help'"; returns 2. */
int	cmd_usage_error(const char *cmd, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Prints usage lines (NULL-terminated) to f. */
void	cmd_print_usage(FILE *f, const char *const *lines);
/*
 * Flushes and checks stdout; returns status, or CMD_EXIT_ERROR when
 * writing failed (a full disk must not pass for success).
 */
int	cmd_finish_stdout(int status);

#endif
