/*
 * evtxw.h -- a small EVTX *writer* for tests: builds Windows XML Event Log
 * files the way Windows lays them out, so that the project never needs to
 * commit real evidence.  Also reads the text spec format of tests/evtxgen
 * (documented at the top of evtxgen.c and in testdata/README).
 *
 * What is written (offsets in bytes, all integers little-endian):
 *   file header (4096):  0 "ElfFile\0"  8 first chunk  16 last chunk
 *     24 next record id  32 header size (128)  36 minor (1)  38 major (3)
 *     40 block size (4096)  42 chunk count (u16)  120 flags (1 dirty,
 *     2 full)  124 CRC32 of bytes 0..120
 *   chunk (65536):  0 "ElfChnk\0"  8/16 first/last record number
 *     24/32 first/last record id  40 header size (128)  44 last record
 *     offset  48 free space offset  52 CRC32 of records (512..free)
 *     120 flags  124 CRC32 of header bytes 0..120 and 128..512
 *     128 string hash table (64 x u32)  384 template table (32 x u32)
 *   record:  0 "\x2a\x2a\0\0"  4 size  8 record id  16 FILETIME
 *     24 binary XML  size-4 copy of size
 * The binary XML of every record is a template instance of the Windows
 * "System" template (defined once per chunk, reused by offset) whose value
 * 17 is nested binary XML: a second template instance holding EventData
 * (<Data Name="n">%i</Data>) or UserData.  Names go through the chunk's
 * string table.
 *
 * Ownership: struct evtxw and struct evtxw_spec are opaque and owned by the
 * caller until *_free().  Strings in struct evtxw_event are borrowed for the
 * duration of evtxw_add() only (the writer copies what it needs).
 */
#ifndef EVTXW_H
#define EVTXW_H

#include <stddef.h>
#include <stdint.h>

#include "ev_err.h"

#define EVTXW_HEADER_SIZE	4096
#define EVTXW_CHUNK_SIZE	65536
#define EVTXW_CHUNK_HDR		512

/* File header flags. */
#define EVTXW_FILE_DIRTY	0x1
#define EVTXW_FILE_FULL		0x2

/* Substitution value types, as Windows numbers them. */
enum evtxw_type {
	EVTXW_T_NULL = 0x00,
	EVTXW_T_STRING = 0x01,
	EVTXW_T_UINT8 = 0x04,
	EVTXW_T_UINT16 = 0x06,
	EVTXW_T_UINT32 = 0x08,
	EVTXW_T_UINT64 = 0x0a,
	EVTXW_T_BOOL = 0x0d,
	EVTXW_T_BINARY = 0x0e,
	EVTXW_T_GUID = 0x0f,
	EVTXW_T_SIZET = 0x10,
	EVTXW_T_FILETIME = 0x11,
	EVTXW_T_SYSTEMTIME = 0x12,
	EVTXW_T_SID = 0x13,
	EVTXW_T_HEXINT32 = 0x14,
	EVTXW_T_HEXINT64 = 0x15,
	EVTXW_T_BINXML = 0x21,
	EVTXW_T_STRARR = 0x81,	/* array of NUL-terminated UTF-16 strings
				   (Windows PowerShell 400's one <Data>);
				   in text or u16, U+0000 separates them */
	EVTXW_T_DEFAULT = 0xff	/* pick by field name (see evtxw_default_type) */
};

/* One EventData <Data Name=...> or UserData child element. */
struct evtxw_data {
	const char	*name;		/* UTF-8 element / Name attribute */
	uint8_t		 type;		/* enum evtxw_type of the value */
	uint8_t		 decl;		/* type in the template; 0: same */
	const char	*text;		/* value as text: UTF-8 string, number
					 * (decimal or 0x), GUID {..}, SID S-1-..,
					 * ISO time, hex bytes, true/false; ""
					 * writes an empty (NULL for non-strings)
					 * value */
	const uint16_t	*u16;		/* STRING, STRARR: raw UTF-16 units (lone
					 * surrogates allowed); wins over text */
	size_t		 u16len;
};

enum evtxw_body {
	EVTXW_BODY_EVENTDATA = 0,	/* <EventData><Data Name=..>..</Data> */
	EVTXW_BODY_USERDATA,		/* <UserData><ud_name xmlns=ud_ns>.. */
	EVTXW_BODY_NONE			/* no value 17 (NULL) */
};

/* evtxw_event.flags */
#define EVTXW_EV_SLACK		0x1	/* write after the last allocated
					 * record (chunk slack); the next
					 * record starts a new chunk */
#define EVTXW_EV_NEWCHUNK	0x2	/* start a new chunk first */
#define EVTXW_EV_STALE_TPL	0x4	/* the EventData/UserData template
					 * instance names, as its definition,
					 * the offset of the System template
					 * just used (a definition overwritten
					 * by another template) and carries
					 * none itself: its definition is only
					 * where another record wrote it */

struct evtxw_event {
	const char	*provider;	/* Provider Name */
	const char	*provider_guid;	/* "{...}" or NULL (attribute absent) */
	uint16_t	 event_id;
	int32_t		 qualifiers;	/* -1: none */
	uint8_t		 version, level, opcode;
	uint16_t	 task;
	uint64_t	 keywords;
	uint64_t	 time;		/* FILETIME (TimeCreated and header) */
	uint64_t	 record_id;
	uint32_t	 pid, tid;	/* Execution ProcessID / ThreadID */
	const char	*channel;
	const char	*computer;
	const char	*user_sid;	/* "S-1-..." or NULL: <Security/> */
	int		 body;		/* enum evtxw_body */
	const char	*ud_name;	/* USERDATA: element name */
	const char	*ud_ns;		/* USERDATA: xmlns or NULL */
	const struct evtxw_data *data;
	size_t		 ndata;
	unsigned	 flags;		/* EVTXW_EV_* */
	const char	*tpl_key;	/* the EventData/UserData template's
					 * GUID is made from this text, not
					 * from its shape (a forgery: two
					 * shapes, one GUID); NULL: shape */
};

struct evtxw_opts {
	uint32_t	 file_flags;	/* EVTXW_FILE_* written in the header */
	unsigned	 hidden_chunks;	/* last N chunks not counted in header */
	uint32_t	 chunk_limit;	/* start a new chunk once the free space
					 * offset passes this (0: 65536) */
	int		 fd;		/* >= 0: stream chunks to this fd (big
					 * files; no mutations); -1: memory */
};

#define EVTXW_OPTS_INIT { 0, 0, 0, -1 }

struct evtxw;

/* Returns a new writer, or NULL when out of memory. */
struct evtxw	*evtxw_new(const struct evtxw_opts *);
void		 evtxw_free(struct evtxw *);

/*
 * Appends one event record.  Returns 0, or EV_EUSAGE (bad value text,
 * record larger than a chunk), EV_ENOMEM, EV_EIO (streaming) with *err set.
 */
int	evtxw_add(struct evtxw *, const struct evtxw_event *, struct ev_err *);

/*
 * Leaves `n` all-zero chunks (holes when streaming to a file) before the
 * next chunk; used to build > 4 GiB sparse files.
 */
int	evtxw_skip_chunks(struct evtxw *, uint64_t n, struct ev_err *);

/*
 * Closes the last chunk and writes the file header (and, when streaming,
 * extends the file over trailing holes).  Call once, after the last add.
 */
int	evtxw_finish(struct evtxw *, struct ev_err *);

/*
 * Applies a named mutation to a finished in-memory file:
 *   "truncate N"         cut the file to N bytes
 *   "chunk-crc C"        break the records CRC32 of chunk C
 *   "chunk-header-crc C" break the header CRC32 of chunk C
 *   "binxml R"           break the binary XML of record R (0-based, in
 *                        write order) and fix the chunk CRCs again
 *   "free-space C OFF"   set chunk C's free-space offset to OFF and fix
 *                        its CRCs (records past OFF are cut off)
 *   "unlink-record R"    hide record R (0-based) inside the record before
 *                        it, as log editors delete records; CRCs fixed
 *   "header-damage"      garble the file header after its signature
 *   "poke OFF HEX..."    overwrite bytes at OFF (CRCs left as they are)
 * Returns 0 or EV_EUSAGE.
 */
int	evtxw_mutate(struct evtxw *, const char *mutation, struct ev_err *);

/* The finished file (memory mode).  Borrowed until the next call. */
const uint8_t *evtxw_bytes(const struct evtxw *, size_t *len);

/* Writes the finished in-memory file to path (temp file + rename). */
int	evtxw_write(const struct evtxw *, const char *path, struct ev_err *);

/* Numbers of chunks and records written so far. */
uint64_t evtxw_nchunks(const struct evtxw *);
uint64_t evtxw_nrecords(const struct evtxw *);

/*
 * Type Windows uses for a field, by provider and name (Sysmon ProcessGuid
 * is a GUID, Security SubjectLogonId a HexInt64, ...); EVTXW_T_STRING when
 * unknown.  *decl gets the type declared in the template (SizeT for 4688
 * NewProcessId/ProcessId), which may differ from the value's type.
 */
uint8_t	evtxw_default_type(const char *provider, const char *name,
	    uint8_t *decl);

/* Value type by short name ("str", "u32", "hex64", ...), or -1. */
int	evtxw_type_by_name(const char *);
const char *evtxw_type_name(uint8_t type);

/* CRC32 (IEEE, as zlib) of len bytes, continuing from crc (start at 0). */
uint32_t evtxw_crc32(uint32_t crc, const uint8_t *, size_t len);

/* ---- text specs (format: see evtxgen.c / testdata/README) ---- */

struct evtxw_spec;

/*
 * Parses the spec file at path.  Returns 0 and *out (caller frees with
 * evtxw_spec_free), or EV_EIO / EV_EUSAGE ("path:line: message").
 */
int	evtxw_spec_load(const char *path, struct evtxw_spec **out,
	    struct ev_err *);
void	evtxw_spec_free(struct evtxw_spec *);

/*
 * Builds the file the spec describes (options, records, mutations) in
 * memory.  Returns 0 and *out (caller frees with evtxw_free), or <0.
 */
int	evtxw_spec_build(const struct evtxw_spec *, struct evtxw **out,
	    struct ev_err *);

/* "output" line of the spec (path relative to testdata/), or NULL. */
const char *evtxw_spec_output(const struct evtxw_spec *);
/* Non-zero when the spec has mutations (a damaged file). */
int	evtxw_spec_mutated(const struct evtxw_spec *);

/* Non-zero for "verify drift-only": libevtx is not expected to read it. */
int	evtxw_spec_drift_only(const struct evtxw_spec *);

/* The parsed events; borrowed until evtxw_spec_free(). */
size_t	evtxw_spec_nevents(const struct evtxw_spec *);
const struct evtxw_event *evtxw_spec_event(const struct evtxw_spec *,
	    size_t i);

#endif
