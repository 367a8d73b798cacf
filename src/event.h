/*
 * event.h -- the event model: raw records from a reader, normalised
 * events for the store, the rules and the reports.
 *
 * Flow: a reader (src/evtx/) delivers a struct ev_record for every record
 * whose (provider, event id) ev_classify() wants; ev_normalise() turns it
 * into a struct ev_event whose strings live in the caller's arena.  The
 * column table ev_cols[] is the single list of typed columns: the store's
 * `events` table, the CSV/JSONL writers and the differential test all
 * iterate it, so a column is added in one place.
 *
 * All strings are UTF-8 and NUL-terminated.  Readers replace invalid
 * UTF-16 with U+FFFD and strip trailing NULs, so both readers deliver the
 * same canonical text (see evtxhunt-db(5), "Canonical values").
 */
#ifndef EVENT_H
#define EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ev_map.h"

#define EV_PROVIDER_SECURITY	"Microsoft-Windows-Security-Auditing"
#define EV_PROVIDER_SYSMON	"Microsoft-Windows-Sysmon"
#define EV_PROVIDER_EVENTLOG	"Microsoft-Windows-Eventlog"
#define EV_PROVIDER_POWERSHELL	"Microsoft-Windows-PowerShell"
#define EV_PROVIDER_SCM		"Service Control Manager"
#define EV_PROVIDER_WMI		"Microsoft-Windows-WMI-Activity"
#define EV_PROVIDER_PSCLASSIC	"PowerShell"	/* the Windows PowerShell
						   log */
#define EV_PROVIDER_TASKSCHED	"Microsoft-Windows-TaskScheduler"

enum ev_kind {
	EV_KIND_NONE = 0,	/* not extracted */
	EV_KIND_PROCESS,	/* Security 4688, Sysmon 1 */
	EV_KIND_NETWORK,	/* Sysmon 3 */
	EV_KIND_IMAGE_LOAD,	/* Sysmon 7 */
	EV_KIND_PROCESS_EXIT,	/* Security 4689, Sysmon 5 */
	EV_KIND_LOG_CLEAR,	/* Eventlog 1102 (Security), 104 (System) */
	EV_KIND_GENERIC,	/* another record a loaded rule wants
				   (ev_want_add): provider, channel, event
				   id and data as logged, no model */
	EV_KIND_SCRIPT,		/* PowerShell/Operational 4104 script block */
	EV_KIND_SERVICE,	/* System 7045, Security 4697 */
	EV_KIND_TASK,		/* Security 4698, 4702; TaskScheduler/
				   Operational 106, 140, 141 (registered,
				   updated, deleted), 129 (process
				   launched), 200, 201 (action started,
				   completed) */
	EV_KIND_DNS,		/* Sysmon 22 */
	EV_KIND_FILE,		/* Sysmon 11 */
	EV_KIND_POWERSHELL,	/* PowerShell/Operational 4103 module
				   logging; Windows PowerShell 400 engine
				   start, 800 pipeline */
	EV_KIND_WMI,		/* WMI event subscription: Sysmon 19
				   (filter), 20 (consumer), 21 (binding),
				   WMI-Activity 5861 (binding registered) */
	EV_KIND_REMOTE_THREAD,	/* Sysmon 8 CreateRemoteThread */
	EV_KIND_PROCESS_ACCESS,	/* Sysmon 10 ProcessAccess */
	EV_KIND_DRIVER_LOAD,	/* Sysmon 6 DriverLoad */
	EV_KIND_REGISTRY,	/* Sysmon 12 (key and value create,
				   delete), 13 (value set), 14 (rename) */
	EV_KIND_STREAM_HASH,	/* Sysmon 15 FileCreateStreamHash */
	EV_KIND_PIPE,		/* Sysmon 17 (pipe created), 18
				   (connected) */
	EV_KIND_MAX
};

/* "process", "network", "image_load", "process_exit", "log_clear",
   "generic", "script_block", "service", "task", "dns_query",
   "file_create", "powershell", "wmi", "create_remote_thread",
   "process_access", "driver_load", "registry_event",
   "create_stream_hash", "pipe_created" */
const char	*ev_kind_name(enum ev_kind);

/*
 * The wanted set: the records readers deliver beyond the built-in kinds
 * above, as (provider or channel name, event id or EV_WANT_ANY) pairs
 * the loaded rules read (sigma_want_install()).  Names compare ignoring
 * ASCII case, as Windows does.  Process-wide: ev_want_reset() and
 * ev_want_add() run before any reader starts and never while one runs;
 * readers only read the set.  Empty at start (built-in kinds only).
 */
#define EV_WANT_ANY	UINT32_MAX
#define EV_WANT_MAX	4096	/* pairs; ev_want_add() refuses more */

void	ev_want_reset(void);
/* Adds a pair (a duplicate is a no-op).  0, EV_ENOMEM or EV_EUSAGE
   (more than EV_WANT_MAX pairs). */
int	ev_want_add(const char *name, bool channel, uint32_t event_id);
/* Pairs in the set. */
size_t	ev_want_count(void);

/*
 * The kind of a record from its provider name and event id, EV_KIND_NONE
 * when evtxhunt does not extract it.  The provider is always checked with
 * the id: a 4688 from another provider is not a process creation.  A
 * record no built-in kind takes is EV_KIND_GENERIC when the wanted set
 * names its provider with that id, or names a channel with that id (the
 * channel is not known here: callers that know it use
 * ev_classify_full(), which decides).
 */
enum ev_kind	 ev_classify(const char *provider, size_t provider_len,
		    uint32_t event_id);
/* The same, knowing the channel (NULL: not known, as ev_classify()). */
enum ev_kind	 ev_classify_full(const char *provider, size_t provider_len,
		    const char *channel, size_t channel_len,
		    uint32_t event_id);

/* Ids of the wanted set (internal to ev_wanted_id()). */
extern uint64_t	 ev_want_ids[1024];	/* bit per id < 65536 */
extern bool	 ev_want_bigids;	/* EV_WANT_ANY or an id >= 65536 */

/* Cheap pre-check on the id alone: false means ev_classify() is NONE. */
static inline bool
ev_wanted_id(uint32_t id)
{
	switch (id) {
	case 1: case 3: case 5: case 6: case 7: case 8: case 10: case 11:
	case 12: case 13: case 14: case 15: case 17: case 18: case 19:
	case 20: case 21:
	case 22: case 104: case 106: case 129: case 140: case 141: case 200:
	case 201: case 400: case 800: case 1102: case 4103:
	case 4104: case 4688:
	case 4689: case 4697: case 4698: case 4702: case 5861: case 7045:
		return true;
	}
	if (id < 65536)
		return (ev_want_ids[id >> 6] >> (id & 63)) & 1;
	return ev_want_bigids;
}

/* One EventData <Data Name=...> (or UserData leaf element) as logged. */
struct ev_pair {
	const char	*name;	/* "" for an unnamed Data element */
	const char	*value;	/* never NULL; "" when empty */
};

/*
 * A wanted record as a reader delivers it.  Every pointer is borrowed from
 * the reader and valid only during the callback that receives it.
 */
struct ev_record {
	uint64_t		 record_id;	/* EventRecordID */
	uint64_t		 time;		/* TimeCreated, FILETIME */
	uint64_t		 offset;	/* of the record in the file */
	uint32_t		 chunk;		/* chunk slot number (0-based) */
	uint32_t		 event_id;
	uint8_t			 version;	/* System/Version, 0 if absent */
	bool			 recovered;	/* from slack / unlisted chunk */
	bool			 unresolved;	/* template: unresolved: data
						   named "#1", "#2"... by
						   position */
	enum ev_kind		 kind;		/* ev_classify() of it */
	const char		*provider;	/* Provider/@Name */
	const char		*channel;
	const char		*computer;
	const char		*user_sid;	/* Security/@UserID or NULL */
	const struct ev_pair	*data;
	uint32_t		 ndata;
};

/* Typed columns of an event, in the order of the `events` table. */
enum ev_col {
	EV_COL_COMPUTER,
	EV_COL_CHANNEL,
	EV_COL_PROVIDER,
	EV_COL_PROCESS_GUID,
	EV_COL_PID,
	EV_COL_IMAGE,
	EV_COL_ORIGINAL_FILE_NAME,
	EV_COL_COMMAND_LINE,
	EV_COL_CURRENT_DIRECTORY,
	EV_COL_USER,
	EV_COL_INTEGRITY_LEVEL,
	EV_COL_LOGON_ID,
	EV_COL_HASHES,
	EV_COL_MD5,
	EV_COL_SHA1,
	EV_COL_SHA256,
	EV_COL_IMPHASH,
	EV_COL_COMPANY,
	EV_COL_PRODUCT,
	EV_COL_DESCRIPTION,
	EV_COL_FILE_VERSION,
	EV_COL_PARENT_PROCESS_GUID,
	EV_COL_PARENT_PID,
	EV_COL_PARENT_IMAGE,
	EV_COL_PARENT_COMMAND_LINE,
	EV_COL_PARENT_USER,
	EV_COL_IMAGE_LOADED,
	EV_COL_SIGNED,
	EV_COL_SIGNATURE,
	EV_COL_SIGNATURE_STATUS,
	EV_COL_PROTOCOL,
	EV_COL_INITIATED,
	EV_COL_SRC_IP,
	EV_COL_SRC_PORT,
	EV_COL_SRC_HOSTNAME,
	EV_COL_DST_IP,
	EV_COL_DST_PORT,
	EV_COL_DST_HOSTNAME,
	EV_COL_SCRIPT_BLOCK_ID,		/* 4104 */
	EV_COL_SCRIPT_PART,
	EV_COL_SCRIPT_PATH,
	EV_COL_SCRIPT_TEXT,
	EV_COL_SCRIPT_NOTE,
	EV_COL_SERVICE_NAME,		/* 7045, 4697 */
	EV_COL_START_TYPE,
	EV_COL_TASK_NAME,		/* 4698, 4702 */
	EV_COL_QUERY_NAME,		/* Sysmon 22 */
	EV_COL_QUERY_RESULTS,
	EV_COL_TARGET_FILENAME,		/* Sysmon 11 */
	EV_COL_WMI_OPERATION,		/* Sysmon 19-21, 5861 */
	EV_COL_WMI_FILTER,
	EV_COL_WMI_CONSUMER,
	EV_COL_WMI_CONSUMER_CLASS,
	EV_COL_WMI_NAMESPACE,
	EV_COL_WMI_QUERY,
	EV_COL_PS_HOST_NAME,		/* Windows PowerShell 400, 800 */
	EV_COL_PS_HOST_VERSION,
	EV_COL_PS_ENGINE_VERSION,
	EV_COL_TARGET_PROCESS_GUID,	/* Sysmon 8, 10: the target */
	EV_COL_TARGET_PID,
	EV_COL_TARGET_IMAGE,
	EV_COL_START_ADDRESS,		/* Sysmon 8 */
	EV_COL_START_MODULE,
	EV_COL_START_FUNCTION,
	EV_COL_GRANTED_ACCESS,		/* Sysmon 10 */
	EV_COL_CALL_TRACE,
	EV_COL_TASK_INSTANCE_ID,	/* TaskScheduler 200, 201 */
	EV_COL_RESULT_CODE,		/* TaskScheduler 201 */
	EV_COL_EVENT_TYPE,		/* Sysmon 12-14, 17, 18 */
	EV_COL_TARGET_OBJECT,		/* Sysmon 12-14 */
	EV_COL_DETAILS,			/* Sysmon 13 */
	EV_COL_NEW_NAME,		/* Sysmon 14 */
	EV_COL_CONTENTS,		/* Sysmon 15 */
	EV_COL_PIPE_NAME,		/* Sysmon 17, 18 */
	EV_NCOL
};

enum ev_type {
	EV_T_TEXT,
	EV_T_INT,	/* decimal digits, optional '-'; emitted unquoted */
	EV_T_BOOL,	/* "0" or "1" */
};

struct ev_col_def {
	const char	*name;	/* SQL column / CSV header / JSON key */
	enum ev_type	 type;
};

extern const struct ev_col_def ev_cols[EV_NCOL];

struct ev_event;
struct ev_arena;

/*
 * A normalised event.  Strings live in the arena given to ev_normalise();
 * ev_col(ev, i) is NULL when the event does not give column i.  Typed
 * columns hold canonical text: EV_T_INT decimal ("1234" from "0x4d2"),
 * EV_T_BOOL "0"/"1".
 *
 * The columns are stored packed: colv holds the values of the columns
 * the event gives, and colidx[i] is column i's place in it plus one (0:
 * absent; colidx NULL: no column).  An event gives a dozen of the EV_NCOL
 * columns: a full array of pointers was two fifths of a scan's memory.
 * Events of one shape share their colidx (ev_arena_dedup()).  colv and
 * colidx are never written once set, so copies of an event may share
 * them; ev_col_set() makes new ones.
 *
 * Events packed in a pooled arena (ev_arena_pool(): the events reading
 * threads keep, those loaded back from the memory budget's spill), whose
 * strings are kept in pooled arenas too, hold in colv 32-bit offsets from
 * colv to each value in units of 8 bytes (colrel): half the size of
 * pointers.  A value from elsewhere (a constant, the tail of another
 * value) of up to 64 bytes is copied into the arena for it; a longer one,
 * or an arena not pooled, makes colv pointers.
 */
struct ev_event {
	uint64_t		 time;		/* FILETIME */
	uint64_t		 record_id;
	uint64_t		 offset;	/* provenance: byte offset */
	uint32_t		 chunk;		/* provenance: chunk slot */
	uint32_t		 file_id;	/* index into the run's files */
	uint32_t		 event_id;
	uint8_t			 version;
	bool			 recovered;
	bool			 unresolved;	/* template: unresolved (data
						   named "#1"... by position) */
	uint8_t			 kind;		/* enum ev_kind */
	bool			 spilled;	/* its EventData was left in
						   the memory budget's spill
						   file (ndata 0 here) */
	bool			 colrel;	/* colv: int32_t offsets,
						   not pointers (above) */
	uint32_t		 ndata;		/* of data (here: no padding) */
	const uint8_t		*colidx;	/* [EV_NCOL], see above */
	const void		*colv;
	const char		*user_sid;	/* System/Security/@UserID */
	const struct ev_pair	*data;		/* EventData as logged */
	const uint32_t		*dlen;		/* strlen of each data value
						   (ev_normalise), or NULL */

	/* Filled by later stages; zero after ev_normalise(). */
	const struct ev_event	*process;	/* 3/7/11/12-15/17/18/22,
						   a task's creator, 8/10's
						   source: the process
						   event */
	uint64_t		 dup_record;	/* Sysmon 1: record id of the
						   4688 of the same process */
	const uint32_t		*hits;		/* rule indexes that matched */
	uint32_t		 nhits;
	uint32_t		 seq;		/* position in output order */
};

_Static_assert(EV_NCOL < 255, "column places are bytes");
_Static_assert(sizeof(struct ev_event) <= 120 || sizeof(void *) > 8,
    "an event is 120 bytes: every loaded event pays for a field added");

/* Column c of ev, or NULL. */
static inline const char *
ev_col(const struct ev_event *ev, enum ev_col c)
{
	unsigned at = ev->colidx != NULL ? ev->colidx[c] : 0;

	if (at == 0)
		return NULL;
	if (ev->colrel)
		return (const char *)((uintptr_t)ev->colv + (uintptr_t)
		    ((intptr_t)((const int32_t *)ev->colv)[at - 1] * 8));
	return ((const char *const *)ev->colv)[at - 1];
}

/*
 * A pass over the events in output order reads them far apart in memory
 * (twice as fast with this, for correlation's): before v[i] of v[0..n),
 * ev_prefetch() asks the cache for the event EV_PREFETCH ahead, and
 * ev_prefetch_cols() also for the column array of the one EV_PREFETCH / 2
 * ahead, whose event has arrived by then.
 */
#define EV_PREFETCH	8

static inline void
ev_prefetch(struct ev_event *const *v, size_t i, size_t n)
{
	if (i + EV_PREFETCH < n)
		__builtin_prefetch(v[i + EV_PREFETCH]);
}

static inline void
ev_prefetch_cols(struct ev_event *const *v, size_t i, size_t n)
{
	ev_prefetch(v, i, n);
	if (i + EV_PREFETCH / 2 < n)
		__builtin_prefetch(v[i + EV_PREFETCH / 2]->colv);
}

/*
 * Sets ev's columns to the EV_NCOL values at cols (NULL: absent), packed
 * into an array of arena (offsets when the arena is pooled and every
 * value near, above).  0 or EV_ENOMEM.
 */
int	 ev_cols_pack(struct ev_event *ev, const char *const *cols,
	    struct ev_arena *arena);
/* ev_cols_pack() of the columns whose bits set has (others NULL). */
int	 ev_cols_pack_set(struct ev_event *ev, const char *const *cols,
	    const uint64_t set[2], struct ev_arena *arena);
/* All EV_NCOL columns of ev into cols (NULL where absent). */
void	 ev_cols_unpack(const struct ev_event *ev, const char **cols);
/*
 * Column c of ev set to v (NULL: removed), in a new packed array from
 * arena (copies of ev keep the old one).  0 or EV_ENOMEM.
 */
int	 ev_col_set(struct ev_event *ev, enum ev_col c, const char *v,
	    struct ev_arena *arena);

/*
 * Normalises rec into *ev, copying every string into arena (SPEC §3):
 * 4688 versions 0/1/2 by field name, Sysmon fields by name, hex pids to
 * decimal, user from Target or Subject names (well-known SIDs spelled as
 * Sysmon does), MandatoryLabel SID to an integrity level name, Hashes
 * split into md5/sha1/sha256/imphash, typed network columns.
 * Returns 0, or EV_ENOMEM.
 */
int	 ev_normalise(const struct ev_record *rec, struct ev_arena *arena,
	    struct ev_event *ev);

/*
 * Whether ev lets the rules see what ran on its host: a process creation
 * with its command line (a Sysmon 1, or a 4688 with CommandLine), a
 * PowerShell script block, a PowerShell module logging event with its
 * host application's command line, a service install, a scheduled
 * task or a WMI consumer (Sysmon 20, WMI-Activity 5861) with its
 * command or script.  A host without one is "blind" or "no-command-lines" in
 * the report's coverage.
 */
bool	 ev_examinable(const struct ev_event *ev);

/*
 * Whether the evidence events[0..n) could be examined at all: some event
 * is ev_examinable().  When not, finding nothing means nothing (scan
 * exits 3).
 */
bool	 ev_examined(struct ev_event *const *events, size_t n);

/*
 * The System strings nearly every event repeats (computer, channel,
 * provider, user SID), stored once: a reading thread keeps one and
 * passes it to every ev_normalise_shared() call.  The events point at
 * its map's keys, so it must outlive them.  Not thread-safe.
 */
#define EV_SHARED_NSLOTS	4
struct ev_intern_slot;
struct ev_shared {
	struct ev_map	 map;
	const char	*last[EV_SHARED_NSLOTS];	/* per string: the last
							   value, tried first */
	/*
	 * EventData values stored once (when values is set): logs repeat
	 * them (a process's Image, ProcessGuid and User in each of its
	 * image loads and connections; Hashes, Company, Signature of every
	 * load of a DLL; a service's command line), so each distinct value
	 * of EV_INTERN_MIN to EV_INTERN_MAX bytes is kept once, in varena,
	 * and events point at it.  Timestamps (names ending in "Time")
	 * are copied: they differ from event to event.
	 */
	bool			 values;
	struct ev_intern_slot	*vtab;		/* open addressing */
	size_t			 vcap, vn;	/* slots (power of 2), used */
	struct ev_arena		 varena;
};

#define EV_INTERN_MIN	8	/* bytes: shorter values are copied */
#define EV_INTERN_MAX	8192

void	ev_shared_init(struct ev_shared *);
/*
 * Keeps sh's strings in pooled arenas (ev_arena_pool()), through
 * ev_shared_reset_values(): events packed in a pooled arena then point at
 * them with offsets.
 */
void	ev_shared_pool(struct ev_shared *);
void	ev_shared_release(struct ev_shared *);
/*
 * Forgets the stored EventData values (and frees their memory), keeping
 * the System strings: for a reader whose events were written out (the
 * memory budget's spill), whose values nothing points at any longer.
 */
void	ev_shared_reset_values(struct ev_shared *);
/*
 * Frees the table the stored values are found by, keeping the values
 * (until ev_shared_release()): for a store nothing more is added to.
 * A value added after it is stored anew.
 */
void	ev_shared_seal(struct ev_shared *);
/* Bytes the stored values take, table included. */
size_t	ev_shared_value_bytes(const struct ev_shared *);
/* v (len bytes, any) as stored once in sh; NULL when out of memory. */
const char *ev_shared_value(struct ev_shared *, const char *v, size_t len);

/*
 * ev_normalise(), with the System strings taken from shared (stored
 * there when new) instead of copied into arena, and with shared->values
 * set, the EventData values too (above); shared NULL copies them.  The
 * event is the same either way, byte for byte, and its strings live as
 * long as shared's or arena's, whichever is shorter.
 */
int	 ev_normalise_shared(const struct ev_record *rec,
	    struct ev_arena *arena, struct ev_shared *shared,
	    struct ev_event *ev);

/*
 * Copies src, normalised into a short-lived arena, into *dst with its
 * strings and hits in arena, so src's arena can be reused.  With shared
 * NULL, the System strings (computer, channel, provider, user SID) are
 * not copied: src must have them from an ev_shared that outlives dst;
 * otherwise every string, those included, is stored once in shared
 * (ev_shared_value()), which must outlive dst.  With data false,
 * EventData is left out (ndata 0): for an event no later stage reads
 * the data of; its columns are kept either way.  0 or EV_ENOMEM.
 */
int	 ev_event_keep(struct ev_event *dst, const struct ev_event *src,
	    bool data, struct ev_arena *arena, struct ev_shared *shared);

/*
 * Output order (SPEC §10): time, then file id (file ids follow path
 * order), then record id, allocated before recovered, then offset: a
 * total order.  <0, 0 or >0.
 */
int	 ev_order_cmp(const struct ev_event *, const struct ev_event *);

/*
 * Whether a and b are the same record read twice (a live log and its
 * backup, a recovered copy of an allocated record): record id, time,
 * event id, computer and channel equal.  ev_dup_hash() agrees with it.
 */
bool	 ev_dup_equal(const struct ev_event *a, const struct ev_event *b);
uint64_t ev_dup_hash(const struct ev_event *);

/*
 * The Exec actions of a scheduled task's XML (4698 TaskContent, 4702
 * TaskContentNew): a small bounded parser, no DTDs, no external
 * entities; elements are matched by local name (any prefix), comments,
 * CDATA and the five predefined and numeric character references are
 * understood.  Input past EV_TASK_XML_MAX bytes is not read.  Sets
 * cmd[i] / args[i] (strings in arena; args "" when absent) for up to max
 * actions and returns how many Exec actions the XML has (may exceed
 * max), or -1 out of memory.
 */
#define EV_TASK_XML_MAX		(1u << 20)
#define EV_TASK_ACTIONS_MAX	8
int	 ev_task_actions(const char *xml, struct ev_arena *arena,
	    const char **cmd, const char **args, int max);

/*
 * The columns of a TaskScheduler/Operational event (kind EV_KIND_TASK,
 * data set), strings in arena: TaskName as task_name; 106 UserContext,
 * 140 / 141 UserName as user (a well-known SID as Sysmon spells it);
 * 129 Path as image and command_line and ProcessID as target_pid (the
 * process it launched); 200 / 201 ActionName as image (200: and
 * command_line), TaskInstanceId as task_instance_id, EnginePID as
 * target_pid; 201 ResultCode as result_code, into col (as
 * ev_wmi_norm()).  0 or EV_ENOMEM.
 */
int	 ev_tasksched_norm(struct ev_event *ev, const char **col,
	    struct ev_arena *arena);

/* Whether ev is a TaskScheduler/Operational task event (not 4698/4702). */
static inline bool
ev_is_tasksched(const struct ev_event *ev)
{
	return ev->kind == EV_KIND_TASK && ev->event_id != 4698 &&
	    ev->event_id != 4702;
}

/*
 * Joins PowerShell script blocks logged in parts (4104 MessageNumber /
 * MessageTotal of one ScriptBlockId on one computer): the first part
 * present gets the joined text (parts in number order, a part logged
 * twice counted once) in script_text, at most EV_SCRIPT_MAX bytes, and
 * script_note says what is missing or cut ("partial: parts 1, 3 of 3
 * (missing 2)"); the other parts get no script_text.  A block of one
 * part keeps its own text.  Strings are allocated in arena.  Returns 0
 * or EV_ENOMEM.
 */
#define EV_SCRIPT_MAX		(1u << 20)
#define EV_SCRIPT_PARTS_MAX	100000
int	 ev_scripts_join(struct ev_event **events, size_t n,
	    struct ev_arena *arena);

/*
 * The executable of a command line (the quoted first word, else up to
 * an ".exe" before any switch, else the first word) in arena; NULL for
 * NULL or none.  Sets *oom when out of memory.
 */
const char *ev_cmd_image(const char *cmd, struct ev_arena *arena, bool *oom);

/*
 * The columns of a WMI event (ev->kind EV_KIND_WMI, data set), strings in
 * arena: Sysmon 19 a filter (wmi_filter, wmi_namespace, wmi_query), 20 a
 * consumer (wmi_consumer, wmi_consumer_class, and its Destination as
 * command_line and image, or as script_text for a script consumer), 21 a
 * binding (wmi_consumer, wmi_consumer_class, wmi_filter from its object
 * paths), all three with wmi_operation and user; 5861 a binding
 * registered, with the filter and consumer instances it logs.  0 or
 * EV_ENOMEM.  col: the EV_NCOL columns being built (ev's are packed
 * from them after).
 */
int	 ev_wmi_norm(struct ev_event *ev, const char **col,
	    struct ev_arena *arena);

/*
 * The columns of a Windows PowerShell 400 (engine start) or 800
 * (pipeline) event (kind EV_KIND_POWERSHELL, data set), from the
 * "Key=Value" lines of its unnamed Data: HostApplication as command_line
 * and image, HostName, HostVersion, EngineVersion, and CommandLine (800:
 * else its first other non-empty value) as script_text, into col (as
 * ev_wmi_norm()).  0 or EV_ENOMEM.
 */
int	 ev_pwsh_norm(struct ev_event *ev, const char **col,
	    struct ev_arena *arena);

/*
 * Whether ev is a Windows PowerShell 400 starting the 2.0 engine
 * (EngineVersion, else HostVersion, 2.x): PowerShell 2 logs no script
 * blocks, the downgrade of MITRE ATT&CK T1059.001 evasion.
 */
bool	 ev_pwsh_downgrade(const struct ev_event *ev);

/*
 * WMI subscriptions (ev_wmi.c).  ev_wmi_unquote(): a value as Sysmon 19-21
 * log names, queries and destinations (blanks, then a quoted string with
 * backslash escapes: ` "C:\\x.exe"`) without the quotes and escapes; a
 * value without a leading quote is trimmed; NULL when v is NULL or the
 * result empty (*oom set when out of memory).
 */
const char *ev_wmi_unquote(const char *v, struct ev_arena *arena, bool *oom);

/*
 * The class and name of a WMI object path: Sysmon 21's Consumer / Filter
 * (unquoted: `\\.\root\subscription:CommandLineEventConsumer.Name="x"`)
 * or 5861's CONSUMER (`CommandLineEventConsumer="x"`).  *cls, *name in
 * arena, NULL when absent.  0, or -1 out of memory.
 */
int	 ev_wmi_ref(const char *path, struct ev_arena *arena,
	    const char **cls, const char **name);

/*
 * What a WMI-Activity 5861's PossibleCause text gives (the MOF of the
 * bound __EventFilter and consumer instances): the filter's name,
 * EventNamespace and Query, the consumer's class and name, and what it
 * runs (CommandLineTemplate, ExecutablePath, ScriptText,
 * ScriptFileName).  At most EV_WMI_TEXT_MAX bytes are read; values are
 * MOF strings unescaped into arena; absent ones NULL.  0, or -1 out of
 * memory.
 */
#define EV_WMI_TEXT_MAX		(1u << 20)
struct ev_wmi_cause {
	const char	*filter, *ns, *query;
	const char	*consumer, *consumer_class;
	const char	*cmd, *exe, *script, *script_file;
};
int	 ev_wmi_cause(const char *text, struct ev_arena *arena,
	    struct ev_wmi_cause *out);

/* Value of EventData name in ev (exact, case-sensitive), or NULL. */
const char *ev_data(const struct ev_event *ev, const char *name);

/* Name of a well-known SID as Sysmon spells it, or NULL. */
const char *ev_sid_name(const char *sid);

/* "Low", "Medium", "High", "System", "Untrusted" for a label SID. */
const char *ev_integrity_name(const char *sid);

#endif
