/*
 * version.h -- evtxhunt's version and those of the libraries it runs with.
 */
#ifndef VERSION_H
#define VERSION_H

#include <stdio.h>

/* Prints "evtxhunt X.Y.Z" and one line per library to f. */
void	version_print(FILE *f);

/* "evtxhunt X.Y.Z" */
const char *version_string(void);

#endif
