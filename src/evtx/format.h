/*
 * format.h -- the on-disk layout of an EVTX file: sizes, signatures and
 * the byte offsets of the header fields the readers use (the one copy of
 * them; native.c, libevtx.c and ingest.c read them from here).  Fields
 * are little-endian, read with le16()/le32()/le64() over the bytes.
 *
 * File header (first 4096 bytes; 128 used):
 *    0 "ElfFile\0"   8 first chunk no u64   16 last chunk no u64
 *   24 next record id u64   32 header size u32 (128)   36 minor u16
 *   38 major u16 (3)   40 header block size u16 (4096)
 *   42 chunk count u16   120 flags u32 (1 dirty, 2 full)
 *  124 CRC32 of bytes 0..119
 * Chunk (64 KiB slots from byte 4096; slot n at 4096 + n * 65536):
 *    0 "ElfChnk\0"   8 first record no u64   16 last record no u64
 *   24 first record id u64   32 last record id u64
 *   40 header size u32 (128)   44 last record offset u32
 *   48 free-space offset u32   52 records CRC32 (512..free space)
 *  120 flags u32   124 header CRC32 (bytes 0..119 and 128..511)
 *  128 string offsets [64] u32   384 template offsets [32] u32
 *  512 records
 * Record: 0 "**\0\0" (0x00002a2a)   4 size u32   8 id u64
 *   16 written FILETIME   24 BinXML ...   size-4 size u32 again
 */
#ifndef EVTX_FORMAT_H
#define EVTX_FORMAT_H

/* file header */
#define EVTX_FILE_SIG		"ElfFile"	/* 8 bytes with its NUL */
#define EVTX_FILE_HDR_SIZE	4096		/* header block */
#define EVTX_FILE_HDR_USED	128		/* bytes with fields */
#define EVTX_FH_HDR_SIZE	32		/* u32, 128 */
#define EVTX_FH_MINOR		36		/* u16 */
#define EVTX_FH_MAJOR		38		/* u16, 3 */
#define EVTX_FH_BLOCK_SIZE	40		/* u16, 4096 */
#define EVTX_FH_CHUNKS		42		/* u16 */
#define EVTX_FH_FLAGS		120		/* u32 */
#define EVTX_FH_CRC		124		/* u32, CRC32 of 0..119 */
#define EVTX_MAJOR		3
#define EVTX_FLAG_DIRTY		1u
#define EVTX_FLAG_FULL		2u

/* chunk */
#define EVTX_CHUNK_SIG		"ElfChnk"	/* 8 bytes with its NUL */
#define EVTX_CHUNK_SIZE		65536
#define EVTX_CHUNK_HDR_SIZE	512		/* header with its tables */
#define EVTX_CH_FIRST_ID	24		/* u64 */
#define EVTX_CH_LAST_ID		32		/* u64 */
#define EVTX_CH_HDR_SIZE	40		/* u32, 128 */
#define EVTX_CH_FREE		48		/* u32 */
#define EVTX_CH_DATA_CRC	52		/* u32 */
#define EVTX_CH_HDR_CRC		124		/* u32 */
#define EVTX_CH_CRC_PART	120		/* CRC over 0..119, 128..511 */
#define EVTX_CH_TABLES		128		/* string, template offsets */
#define EVTX_CHUNK_HDR_LEN	128		/* value of the size field */

/* record */
#define EVTX_REC_SIG		0x00002a2au	/* "**\0\0" as le32 */
#define EVTX_REC_SIZE		4		/* u32 */
#define EVTX_REC_ID		8		/* u64 */
#define EVTX_REC_WRITTEN	16		/* FILETIME */
#define EVTX_REC_HDR		24		/* BinXML starts here */
#define EVTX_REC_MIN		28		/* header + size copy */

/* Byte offset of chunk slot n in the file. */
#define EVTX_SLOT_OFF(n)	(EVTX_FILE_HDR_SIZE + (uint64_t)(n) * \
				    EVTX_CHUNK_SIZE)

#endif
