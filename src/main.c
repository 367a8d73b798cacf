/*
 * main.c -- evtxhunt's entry point: global options and the dispatch table
 * of subcommands.  Each subcommand lives in its own src/cmd_*.c.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

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

/*
 * glibc gives the top of its heap back to the kernel as soon as 128 KiB
 * of it is free, and takes it again on the next allocation.  Loading
 * rules frees every rule file's parser buffers and YAML nodes: that
 * churn (brk, TLB flushes, fresh page faults) was an eighth of the time
 * of loading SigmaHQ's rules.  Keep up to 32 MiB free at the top; serve
 * allocations below 4 MiB from the heap (bigger ones are mapped, and
 * grow by mremap).
 */
static void
malloc_tune(void)
{
#ifdef __GLIBC__
	(void)mallopt(M_MMAP_THRESHOLD, 4 << 20);
	(void)mallopt(M_TRIM_THRESHOLD, 32 << 20);
#endif
}

int
main(int argc, char **argv)
{
	malloc_tune();
	if (argc >= 2 && (strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "-V") == 0)) {
		version_print(stdout);
		return cmd_finish_stdout(CMD_EXIT_OK);
	}
	return cmd_dispatch(NULL, commands, sizeof(commands) /
	    sizeof(commands[0]), usage, argc, argv);
}
