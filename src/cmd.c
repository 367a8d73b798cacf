/*
 * cmd.c -- what every subcommand shares: messages, usage, stdout checks.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "ev_buf.h"
#include "ev_term.h"

/*
 * The one way a message reaches stderr: formatted whole, then escaped
 * for the terminal (ev_term_safe()), so a file name or a rule value can
 * neither run escape sequences nor start a line of its own.
 */
static void
vmessage(const char *cmd, const char *fmt, va_list ap)
{
	struct ev_buf raw = EV_BUF_INIT, safe = EV_BUF_INIT;

	ev_buf_vaddf(&raw, fmt, ap);
	ev_term_safe(&safe, raw.buf);
	fflush(stdout);
	fprintf(stderr, "%s%s%s: %s\n", cmd_progname, cmd ? " " : "",
	    cmd ? cmd : "", ev_buf_failed(&raw) || ev_buf_failed(&safe) ?
	    "out of memory" : safe.buf);
	ev_buf_release(&raw);
	ev_buf_release(&safe);
}

void
cmd_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(NULL, fmt, ap);
	va_end(ap);
}

int
cmd_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(cmd, fmt, ap);
	va_end(ap);
	fprintf(stderr, "try '%s %s --help'\n", cmd_progname, cmd);
	return CMD_EXIT_ERROR;
}

void
cmd_print_usage(FILE *f, const char *const *lines)
{
	for (; *lines != NULL; lines++)
		fprintf(f, "%s\n", *lines);
}

int
cmd_finish_stdout(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: error writing standard output: %s\n",
		    cmd_progname, strerror(errno));
		return CMD_EXIT_ERROR;
	}
	return status;
}

int
cmd_dispatch(const char *cmd, const struct cmd_sub *subs, size_t nsubs,
    void (*usage)(FILE *), int argc, char **argv)
{
	char names[256] = "";
	size_t len = 0;

	if (argc < 2) {
		usage(stderr);
		return CMD_EXIT_ERROR;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return cmd_finish_stdout(CMD_EXIT_OK);
	}
	for (size_t i = 0; i < nsubs; i++)
		if (strcmp(argv[1], subs[i].name) == 0) {
			optind = 1;	/* getopt restarts for the command */
			return subs[i].fn(argc - 1, argv + 1);
		}
	if (cmd == NULL) {
		cmd_warn("'%s' is not a command", argv[1]);
		usage(stderr);
		return CMD_EXIT_ERROR;
	}
	for (size_t i = 0; i < nsubs && len < sizeof(names); i++)
		len += (size_t)snprintf(names + len, sizeof(names) - len,
		    "%s%s", i > 0 ? ", " : "", subs[i].name);
	return cmd_usage_error(cmd, "'%s' is not a %s command (%s)", argv[1],
	    cmd, names);
}
