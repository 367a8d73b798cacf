/*
 * main.c -- evtxhunt's entry point: global options and the dispatch table
 * of subcommands.  Each subcommand lives in its own src/cmd_*.c.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "version.h"

const char *cmd_progname = "evtxhunt";

static const struct cmd_sub commands[] = {
	{ "scan",	cmd_scan,	"detect proxy execution and write a timeline report" },
	{ "dump",	cmd_dump,	"extract process events to CSV, JSON Lines or SQLite" },
	{ "baseline",	cmd_baseline,	"learn, show and merge per-binary baselines" },
	{ "rules",	cmd_rules,	"check and list Sigma rules" },
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: evtxhunt [--version] [--help] <command> [args]\n\n"
	    "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "   %-10s %s\n", commands[i].name, commands[i].what);
	fprintf(f, "\nSee 'evtxhunt <command> --help' and evtxhunt(1).\n");
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "-V") == 0)) {
		version_print(stdout);
		return cmd_finish_stdout(CMD_EXIT_OK);
	}
	return cmd_dispatch(NULL, commands, sizeof(commands) /
	    sizeof(commands[0]), usage, argc, argv);
}
