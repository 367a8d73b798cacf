/*
 * cmd.c -- what every subcommand shares: messages, usage, stdout checks.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

void
cmd_warn(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", cmd_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cmd_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s %s: ", cmd_progname, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntry '%s %s --help'\n", cmd_progname, cmd);
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
