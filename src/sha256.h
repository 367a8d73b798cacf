/*
 * sha256.h -- SHA-256 (FIPS 180-4) for chain-of-custody hashes of inputs
 * (--hash) and of the rule set.  Small and dependency-free.
 */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t	h[8];
	uint64_t	len;		/* bytes hashed so far */
	uint8_t		buf[64];
	size_t		nbuf;
};

void	sha256_init(struct sha256 *);
void	sha256_update(struct sha256 *, const void *, size_t);
/* Writes 64 lowercase hex digits and a NUL into hex[65]. */
void	sha256_final_hex(struct sha256 *, char hex[65]);

#endif
