/* cmd_rules.c -- TEMPORARY placeholder until the rules subcommand lands. */
#include "cmd.h"

int
cmd_rules(int argc, char **argv)
{
	(void)argc; (void)argv;
	cmd_warn("rules: not built yet");
	return CMD_EXIT_ERROR;
}
