/*
 * fold.h -- Unicode simple case folding of UTF-8 text (internal to the
 * sigma module).  ASCII takes a fast path; other code points use the
 * CaseFolding.txt table.  Bytes that are not valid UTF-8 pass unchanged,
 * so folding never fails and never drops input.
 */
#ifndef SIGMA_FOLD_H
#define SIGMA_FOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The simple case folding of code point c (c itself when none). */
uint32_t	sigma_fold_cp(uint32_t c);

/*
 * Folds len bytes of s into out, which must hold len * 2 bytes (a folded
 * code point is never more than twice as long as its original); returns
 * the folded length.  Not NUL-terminated.
 */
size_t		sigma_fold(const char *s, size_t len, char *out);
/* The same; *ascii tells whether every byte of s (so of out) is ASCII. */
size_t		sigma_fold_ascii(const char *s, size_t len, char *out,
		    bool *ascii);

/*
 * Decodes one UTF-8 code point at s (len > 0 bytes left): returns its
 * length in bytes (1 for an invalid byte, whose value goes to *cp).
 */
size_t		sigma_utf8_dec(const unsigned char *s, size_t len, uint32_t *cp);

#endif
