/*
 * version.c -- `evtxhunt --version`: our version and the run-time versions
 * of the libraries (not the ones we were compiled against).
 */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <libevtx.h>
#include <libxml/parser.h>
#include <pcre2.h>
#include <sqlite3.h>
#include <yaml.h>
#include <stdlib.h>

#include "version.h"

const char *
version_string(void)
{
	return PACKAGE_NAME " " PACKAGE_VERSION;
}

void
version_print(FILE *f)
{
	char pcre[64] = "?";

	pcre2_config(PCRE2_CONFIG_VERSION, pcre);
	fprintf(f, "%s\n", version_string());
	fprintf(f, "libevtx %s\n", libevtx_get_version());
	fprintf(f, "SQLite %s\n", sqlite3_libversion());
	fprintf(f, "PCRE2 %s\n", pcre);
	/* xmlParserVersion is "20914" for 2.9.14 */
	long x = strtol(xmlParserVersion, NULL, 10);
	fprintf(f, "libxml2 %ld.%ld.%ld\n", x / 10000, x / 100 % 100, x % 100);
	fprintf(f, "libyaml %s\n", yaml_get_version_string());
}
