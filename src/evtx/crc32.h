/*
 * crc32.h -- CRC-32 (IEEE 802.3, reflected, as zlib and EVTX use it).
 *
 * EVTX checksums: the file header CRC covers bytes 0..119 of the header;
 * a chunk header CRC covers bytes 0..119 and 128..511; the event records
 * CRC covers the chunk's bytes from 512 to its free-space offset.
 */
#ifndef EVTX_CRC32_H
#define EVTX_CRC32_H

#include <stddef.h>
#include <stdint.h>

/*
 * Continues a CRC: evtx_crc32(0, p, n) is the CRC of p[0..n);
 * evtx_crc32(evtx_crc32(0, a, n), b, m) the CRC of a followed by b.
 * Uses carry-less multiplication (PCLMULQDQ) when the CPU has it, else a
 * slice-by-8 table; both give the same result.
 */
uint32_t	evtx_crc32(uint32_t crc, const void *p, size_t n);

/* The table version only (for tests that compare both). */
uint32_t	evtx_crc32_table(uint32_t crc, const void *p, size_t n);

#endif
