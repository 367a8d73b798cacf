/* cmd_scan.c -- TEMPORARY placeholder until the scan subcommand lands. */
#include "cmd.h"

int
cmd_scan(int argc, char **argv)
{
	(void)argc; (void)argv;
	cmd_warn("scan: not built yet");
	return CMD_EXIT_ERROR;
}
