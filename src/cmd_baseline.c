/* cmd_baseline.c -- TEMPORARY placeholder until the baseline subcommand lands. */
#include "cmd.h"

int
cmd_baseline(int argc, char **argv)
{
	(void)argc; (void)argv;
	cmd_warn("baseline: not built yet");
	return CMD_EXIT_ERROR;
}
