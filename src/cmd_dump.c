/* cmd_dump.c -- TEMPORARY placeholder until the dump subcommand lands. */
#include "cmd.h"

int
cmd_dump(int argc, char **argv)
{
	(void)argc; (void)argv;
	cmd_warn("dump: not built yet");
	return CMD_EXIT_ERROR;
}
