/*
 * cmd.h -- subcommand entry points and the exit statuses they return.
 *
 * Exit status (SPEC §1, §10): 2 beats 1 beats 3 beats 0 (3 is scan's
 * alone).  Only main() and the cmd_* functions turn errors into exit
 * statuses; library code never calls exit().
 */
#ifndef CMD_H
#define CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct ev_err;
struct ingest_skip;

#define CMD_EXIT_OK		0	/* success, nothing found */
#define CMD_EXIT_FINDINGS	1	/* success, findings reported
					   (rules check: a rule rejected) */
#define CMD_EXIT_ERROR		2	/* usage, unreadable input, ... */
#define CMD_EXIT_UNEXAMINED	3	/* scan: success, but no host had
					   events the rules can examine
					   (ev_examined()): silence means
					   nothing */

/* The rank of a status in the precedence 2 > 1 > 3 > 0. */
static inline int
cmd_exit_rank(int status)
{
	switch (status) {
	case CMD_EXIT_OK:
		return 0;
	case CMD_EXIT_UNEXAMINED:
		return 1;
	case CMD_EXIT_FINDINGS:
		return 2;
	default:
		return 3;
	}
}

/* The stronger of two statuses under the precedence 2 > 1 > 3 > 0. */
#define CMD_EXIT_MAX(a, b)	\
	(cmd_exit_rank(a) >= cmd_exit_rank(b) ? (a) : (b))

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
/*
 * The display zone of the human formats (ev_time.h): tz (--tz), else $TZ,
 * else UTC.  Returns 0, or 2 after a usage message when tz names no zone
 * (an unknown $TZ only warns: times are then UTC).
 */
int	cmd_time_zone(const char *cmd, const char *tz);
/* Prints usage lines (NULL-terminated) to f. */
void	cmd_print_usage(FILE *f, const char *const *lines);

/*
 * Flushes and checks stdout; returns status, or CMD_EXIT_ERROR when
 * writing failed (a full disk must not pass for success).
 */
int	cmd_finish_stdout(int status);

/*
 * ---- outputs: one policy for every command and format ----
 *
 * A report, an event dump, a database or a baseline is written to a
 * temporary "PATH.XXXXXX" beside PATH, checked (fflush, ferror, fsync,
 * fclose) and renamed onto PATH only when complete, so a full disk or a
 * crash never leaves a truncated file in place of the old one.  PATH may
 * be a new name or a regular file; a symbolic link at PATH is replaced,
 * not followed (its target is left alone), unless it leads to a device or
 * FIFO; a device, a FIFO or "-" (standard output) is written directly.
 * Files are created with mode 0666 minus the umask.  The temporaries of
 * a run are removed on SIGINT, SIGTERM and SIGHUP (the handler unlinks
 * them, then dies of the signal).
 *
 * An output is claimed (cmd_out_claim()) while the options are parsed,
 * before any input is read: then cmd_out_is_claimed() refuses an input
 * that is an output (same device and inode), and the reading stage skips
 * a file of a walked directory that is one (a previous run's report), or
 * refuses the run if that file is EVTX evidence.
 */
#define CMD_OUT_DB	0x1	/* a database: a regular file or a new name */
#define CMD_OUT_NEW	0x2	/* refuse an existing PATH (no --force) */

struct cmd_out {
	const char	*path;		/* as given; NULL or "-": stdout */
	char		*tmp;		/* the temporary, NULL when direct */
	FILE		*fp;		/* the stream (not for CMD_OUT_DB) */
	int		 slot;		/* signal cleanup slot, or -1 */
	unsigned	 flags;
};

/*
 * Claims path (NULL: a no-op) for this run.  Returns 0, or
 * CMD_EXIT_ERROR after a message: a directory, a database to a device,
 * FIFO or "-", or an existing file with CMD_OUT_NEW.
 */
int	cmd_out_claim(const char *path, unsigned flags);

/*
 * True when path names (after symbolic links) a claimed output or one
 * of this run's temporaries.  A missing path is not.
 */
bool	cmd_out_is_claimed(const char *path);

/*
 * The identities (device, inode) claimed so far, for the reading stage:
 * *n set, the array borrowed until the next claim or open.
 */
const struct ingest_skip *cmd_out_claims(size_t *n);

/*
 * Opens an output as the policy above says.  For CMD_OUT_DB, o->tmp is
 * the empty file to write the database into (close it before the
 * commit); otherwise write to o->fp.  Returns 0, or -1 after a message
 * (nothing is left behind).
 */
int	cmd_out_open(struct cmd_out *o, const char *path, unsigned flags);

/*
 * Finishes o: flushes, checks and syncs, closes, and renames the
 * temporary onto PATH.  Returns 0, or -1 after a message naming PATH
 * (then the temporary is removed and PATH is as it was).
 */
int	cmd_out_commit(struct cmd_out *o);

/* Abandons o: closes it and removes the temporary.  Safe after commit. */
void	cmd_out_abort(struct cmd_out *o);

/*
 * Writes the database path as every output is written: fn(tmp, arg, err)
 * fills the new, empty file tmp, which is renamed onto path only when fn
 * returned 0.  Returns fn's result, or EV_EIO in err when path cannot be
 * written (after a message naming it; path is then as it was).
 */
int	cmd_out_db(const char *path,
	    int (*fn)(const char *tmp, void *arg, struct ev_err *err),
	    void *arg, struct ev_err *err);

/*
 * prog and argv[0..argc) joined by spaces (as recorded in a run's
 * database): a string the caller frees, or NULL when out of memory.
 */
char	*cmd_line_join(const char *prog, int argc, char **argv);

#endif
