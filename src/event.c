/*
 * event.c -- the event model: the column table, and normalisation of
 * 4688 / Sysmon records (SPEC §3, §10).  Which records are extracted is
 * ev_classify.c's.
 *
 * Fields are found by name, never by position: 4688 has three template
 * versions and Sysmon has reordered its fields across schema versions.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ev_arena.h"
#include "ev_buf.h"
#include "ev_err.h"
#include "ev_util.h"
#include "event.h"

const struct ev_col_def ev_cols[EV_NCOL] = {
	[EV_COL_COMPUTER]		= { "computer", EV_T_TEXT },
	[EV_COL_CHANNEL]		= { "channel", EV_T_TEXT },
	[EV_COL_PROVIDER]		= { "provider", EV_T_TEXT },
	[EV_COL_PROCESS_GUID]		= { "process_guid", EV_T_TEXT },
	[EV_COL_PID]			= { "pid", EV_T_INT },
	[EV_COL_IMAGE]			= { "image", EV_T_TEXT },
	[EV_COL_ORIGINAL_FILE_NAME]	= { "original_file_name", EV_T_TEXT },
	[EV_COL_COMMAND_LINE]		= { "command_line", EV_T_TEXT },
	[EV_COL_CURRENT_DIRECTORY]	= { "current_directory", EV_T_TEXT },
	[EV_COL_USER]			= { "user", EV_T_TEXT },
	[EV_COL_INTEGRITY_LEVEL]	= { "integrity_level", EV_T_TEXT },
	[EV_COL_LOGON_ID]		= { "logon_id", EV_T_TEXT },
	[EV_COL_HASHES]			= { "hashes", EV_T_TEXT },
	[EV_COL_MD5]			= { "md5", EV_T_TEXT },
	[EV_COL_SHA1]			= { "sha1", EV_T_TEXT },
	[EV_COL_SHA256]			= { "sha256", EV_T_TEXT },
	[EV_COL_IMPHASH]		= { "imphash", EV_T_TEXT },
	[EV_COL_COMPANY]		= { "company", EV_T_TEXT },
	[EV_COL_PRODUCT]		= { "product", EV_T_TEXT },
	[EV_COL_DESCRIPTION]		= { "description", EV_T_TEXT },
	[EV_COL_FILE_VERSION]		= { "file_version", EV_T_TEXT },
	[EV_COL_PARENT_PROCESS_GUID]	= { "parent_process_guid", EV_T_TEXT },
	[EV_COL_PARENT_PID]		= { "parent_pid", EV_T_INT },
	[EV_COL_PARENT_IMAGE]		= { "parent_image", EV_T_TEXT },
	[EV_COL_PARENT_COMMAND_LINE]	= { "parent_command_line", EV_T_TEXT },
	[EV_COL_PARENT_USER]		= { "parent_user", EV_T_TEXT },
	[EV_COL_IMAGE_LOADED]		= { "image_loaded", EV_T_TEXT },
	[EV_COL_SIGNED]			= { "signed", EV_T_BOOL },
	[EV_COL_SIGNATURE]		= { "signature", EV_T_TEXT },
	[EV_COL_SIGNATURE_STATUS]	= { "signature_status", EV_T_TEXT },
	[EV_COL_PROTOCOL]		= { "protocol", EV_T_TEXT },
	[EV_COL_INITIATED]		= { "initiated", EV_T_BOOL },
	[EV_COL_SRC_IP]			= { "src_ip", EV_T_TEXT },
	[EV_COL_SRC_PORT]		= { "src_port", EV_T_INT },
	[EV_COL_SRC_HOSTNAME]		= { "src_hostname", EV_T_TEXT },
	[EV_COL_DST_IP]			= { "dst_ip", EV_T_TEXT },
	[EV_COL_DST_PORT]		= { "dst_port", EV_T_INT },
	[EV_COL_DST_HOSTNAME]		= { "dst_hostname", EV_T_TEXT },
	[EV_COL_SCRIPT_BLOCK_ID]	= { "script_block_id", EV_T_TEXT },
	[EV_COL_SCRIPT_PART]		= { "script_part", EV_T_TEXT },
	[EV_COL_SCRIPT_PATH]		= { "script_path", EV_T_TEXT },
	[EV_COL_SCRIPT_TEXT]		= { "script_text", EV_T_TEXT },
	[EV_COL_SCRIPT_NOTE]		= { "script_note", EV_T_TEXT },
	[EV_COL_SERVICE_NAME]		= { "service_name", EV_T_TEXT },
	[EV_COL_START_TYPE]		= { "start_type", EV_T_TEXT },
	[EV_COL_TASK_NAME]		= { "task_name", EV_T_TEXT },
	[EV_COL_QUERY_NAME]		= { "query_name", EV_T_TEXT },
	[EV_COL_QUERY_RESULTS]		= { "query_results", EV_T_TEXT },
	[EV_COL_TARGET_FILENAME]	= { "target_filename", EV_T_TEXT },
	[EV_COL_WMI_OPERATION]		= { "wmi_operation", EV_T_TEXT },
	[EV_COL_WMI_FILTER]		= { "wmi_filter", EV_T_TEXT },
	[EV_COL_WMI_CONSUMER]		= { "wmi_consumer", EV_T_TEXT },
	[EV_COL_WMI_CONSUMER_CLASS]	= { "wmi_consumer_class", EV_T_TEXT },
	[EV_COL_WMI_NAMESPACE]		= { "wmi_namespace", EV_T_TEXT },
	[EV_COL_WMI_QUERY]		= { "wmi_query", EV_T_TEXT },
	[EV_COL_PS_HOST_NAME]		= { "ps_host_name", EV_T_TEXT },
	[EV_COL_PS_HOST_VERSION]	= { "ps_host_version", EV_T_TEXT },
	[EV_COL_PS_ENGINE_VERSION]	= { "ps_engine_version", EV_T_TEXT },
	[EV_COL_TARGET_PROCESS_GUID]	= { "target_process_guid",
					    EV_T_TEXT },
	[EV_COL_TARGET_PID]		= { "target_pid", EV_T_INT },
	[EV_COL_TARGET_IMAGE]		= { "target_image", EV_T_TEXT },
	[EV_COL_START_ADDRESS]		= { "start_address", EV_T_TEXT },
	[EV_COL_START_MODULE]		= { "start_module", EV_T_TEXT },
	[EV_COL_START_FUNCTION]	= { "start_function", EV_T_TEXT },
	[EV_COL_GRANTED_ACCESS]	= { "granted_access", EV_T_TEXT },
	[EV_COL_CALL_TRACE]		= { "call_trace", EV_T_TEXT },
	[EV_COL_TASK_INSTANCE_ID]	= { "task_instance_id", EV_T_TEXT },
	[EV_COL_RESULT_CODE]		= { "result_code", EV_T_INT },
	[EV_COL_EVENT_TYPE]		= { "event_type", EV_T_TEXT },
	[EV_COL_TARGET_OBJECT]		= { "target_object", EV_T_TEXT },
	[EV_COL_DETAILS]		= { "details", EV_T_TEXT },
	[EV_COL_NEW_NAME]		= { "new_name", EV_T_TEXT },
	[EV_COL_CONTENTS]		= { "contents", EV_T_TEXT },
	[EV_COL_PIPE_NAME]		= { "pipe_name", EV_T_TEXT },
};

static const char *const kind_names[EV_KIND_MAX] = {
	[EV_KIND_NONE]		= "none",
	[EV_KIND_PROCESS]	= "process",
	[EV_KIND_NETWORK]	= "network",
	[EV_KIND_IMAGE_LOAD]	= "image_load",
	[EV_KIND_PROCESS_EXIT]	= "process_exit",
	[EV_KIND_LOG_CLEAR]	= "log_clear",
	[EV_KIND_GENERIC]	= "generic",
	[EV_KIND_SCRIPT]	= "script_block",
	[EV_KIND_SERVICE]	= "service",
	[EV_KIND_TASK]		= "task",
	[EV_KIND_DNS]		= "dns_query",
	[EV_KIND_FILE]		= "file_create",
	[EV_KIND_POWERSHELL]	= "powershell",
	[EV_KIND_WMI]		= "wmi",
	[EV_KIND_REMOTE_THREAD]	= "create_remote_thread",
	[EV_KIND_PROCESS_ACCESS] = "process_access",
	[EV_KIND_DRIVER_LOAD]	= "driver_load",
	[EV_KIND_REGISTRY]	= "registry_event",
	[EV_KIND_STREAM_HASH]	= "create_stream_hash",
	[EV_KIND_PIPE]		= "pipe_created",
};

const char *
ev_kind_name(enum ev_kind k)
{
	return (unsigned)k < EV_KIND_MAX ? kind_names[k] : "none";
}

const char *
ev_sid_name(const char *sid)
{
	static const struct { const char *sid, *name; } known[] = {
		{ "S-1-5-18", "NT AUTHORITY\\SYSTEM" },
		{ "S-1-5-19", "NT AUTHORITY\\LOCAL SERVICE" },
		{ "S-1-5-20", "NT AUTHORITY\\NETWORK SERVICE" },
	};

	if (sid == NULL)
		return NULL;
	for (size_t i = 0; i < NELEM(known); i++)
		if (strcasecmp(sid, known[i].sid) == 0)
			return known[i].name;
	return NULL;
}

const char *
ev_integrity_name(const char *sid)
{
	static const struct { const char *sid, *name; } labels[] = {
		{ "S-1-16-0", "Untrusted" },
		{ "S-1-16-4096", "Low" },
		{ "S-1-16-8192", "Medium" },
		{ "S-1-16-8448", "MediumPlus" },
		{ "S-1-16-12288", "High" },
		{ "S-1-16-16384", "System" },
		{ "S-1-16-20480", "ProtectedProcess" },
	};

	if (sid == NULL)
		return NULL;
	for (size_t i = 0; i < NELEM(labels); i++)
		if (strcasecmp(sid, labels[i].sid) == 0)
			return labels[i].name;
	return NULL;
}

const char *
ev_data(const struct ev_event *ev, const char *name)
{
	for (uint32_t i = 0; i < ev->ndata; i++)
		if (strcmp(ev->data[i].name, name) == 0)
			return ev->data[i].value;
	return NULL;
}

int
ev_order_cmp(const struct ev_event *x, const struct ev_event *y)
{
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (x->file_id != y->file_id)
		return x->file_id < y->file_id ? -1 : 1;
	if (x->record_id != y->record_id)
		return x->record_id < y->record_id ? -1 : 1;
	if (x->recovered != y->recovered)
		return x->recovered ? 1 : -1;
	return (x->offset > y->offset) - (x->offset < y->offset);
}

/* FNV-1a over a string, for ev_dup_hash() */
static uint64_t
fnv(uint64_t h, const char *s)
{
	if (s == NULL)
		return h ^ 0xff;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

uint64_t
ev_dup_hash(const struct ev_event *e)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = fnv(h, ev_col(e, EV_COL_COMPUTER));
	h = fnv(h, ev_col(e, EV_COL_CHANNEL));
	h ^= e->record_id * 0x9e3779b97f4a7c15ULL;
	h ^= (e->time + e->event_id) * 0xc2b2ae3d27d4eb4fULL;
	return h ^ (h >> 29);
}

bool
ev_dup_equal(const struct ev_event *a, const struct ev_event *b)
{
	return a->record_id == b->record_id && a->time == b->time &&
	    a->event_id == b->event_id &&
	    ev_str_eq(ev_col(a, EV_COL_COMPUTER), ev_col(b, EV_COL_COMPUTER)) &&
	    ev_str_eq(ev_col(a, EV_COL_CHANNEL), ev_col(b, EV_COL_CHANNEL));
}

bool
ev_examinable(const struct ev_event *ev)
{
	const char *cmd = ev_col(ev, EV_COL_COMMAND_LINE);

	switch (ev->kind) {
	case EV_KIND_SCRIPT:
		return true;
	case EV_KIND_WMI:
		/* a consumer's command or script */
		return (cmd != NULL && cmd[0] != '\0') ||
		    ev_col(ev, EV_COL_SCRIPT_TEXT) != NULL;
	case EV_KIND_SERVICE:
	case EV_KIND_TASK:
	case EV_KIND_POWERSHELL:
		/* what it runs, not only that it exists */
		return cmd != NULL && cmd[0] != '\0';
	case EV_KIND_PROCESS:
		break;
	default:
		return false;
	}
	/* Sysmon 1 always carries its command line; a 4688 only with
	   command-line auditing on (template 2) */
	return ev->event_id == 1 || (cmd != NULL && cmd[0] != '\0');
}

bool
ev_examined(struct ev_event *const *events, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ev_examinable(events[i]))
			return true;
	return false;
}

/*
 * EventData names normalisation reads, and other frequent ones.  Known
 * names are not copied per event: the event points at this table's
 * strings.  One pass over the record's data fills norm.f[] by field id,
 * so every column costs an array index, not a search.
 */
#define FIELDS(X) \
	X(NewProcessName) X(CommandLine) X(ParentProcessName) \
	X(SubjectLogonId) X(NewProcessId) X(ProcessId) X(TargetUserSid) \
	X(TargetUserName) X(TargetDomainName) X(SubjectUserSid) \
	X(SubjectDomainName) X(SubjectUserName) X(MandatoryLabel) \
	X(ProcessName) X(ProcessGuid) X(Image) X(User) X(OriginalFileName) \
	X(CurrentDirectory) X(IntegrityLevel) X(LogonId) X(Company) \
	X(Product) X(Description) X(FileVersion) X(ParentProcessGuid) \
	X(ParentProcessId) X(ParentImage) X(ParentCommandLine) X(ParentUser) \
	X(ImageLoaded) X(Signed) X(Signature) X(SignatureStatus) X(Protocol) \
	X(Initiated) X(SourceIp) X(SourcePort) X(SourceHostname) \
	X(DestinationIp) X(DestinationPort) X(DestinationHostname) X(Hashes) \
	X(DomainName) X(UserName) \
	X(ScriptBlockId) X(ScriptBlockText) X(MessageNumber) X(MessageTotal) \
	X(Path) X(ServiceName) X(ImagePath) X(StartType) X(AccountName) \
	X(ServiceFileName) X(ServiceStartType) X(ServiceAccount) X(TaskName) \
	X(TaskContent) X(TaskContentNew) X(ClientProcessId) X(QueryName) \
	X(QueryResults) X(TargetFilename) X(ContextInfo) X(Payload) \
	X(SourceProcessGuid) X(SourceProcessGUID) X(SourceProcessId) \
	X(SourceImage) X(SourceUser) X(TargetProcessGuid) \
	X(TargetProcessGUID) X(TargetProcessId) X(TargetImage) \
	X(StartAddress) X(StartModule) X(StartFunction) X(GrantedAccess) \
	X(CallTrace) X(EventType) X(TargetObject) X(Details) X(NewName) \
	X(Hash) X(Contents) X(PipeName) \
	/* only interned */ \
	X(RuleName) X(UtcTime) X(LogonGuid) X(TerminalSessionId) \
	X(TokenElevationType) X(TargetLogonId) X(SourceIsIpv6) \
	X(SourcePortName) X(DestinationIsIpv6) X(DestinationPortName)

enum field {
#define AS_ENUM(name) F_##name,
	FIELDS(AS_ENUM)
#undef AS_ENUM
	F_COUNT
};

static const char *const field_names[F_COUNT] = {
#define AS_NAME(name) #name,
	FIELDS(AS_NAME)
#undef AS_NAME
};

/* Open-addressing table name -> field id + 1 (0 = empty), built once. */
#define FIELD_SLOTS	512
static uint8_t field_table[FIELD_SLOTS];
static uint8_t field_len[F_COUNT];
static pthread_once_t field_once = PTHREAD_ONCE_INIT;

/* Cheap hash: the names differ in length and in a few characters. */
static inline uint32_t
name_hash(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	return ((uint32_t)n * 31u + (unsigned char)s[0] * 7u +
	    (unsigned char)s[n - 1] * 13u + (unsigned char)s[n / 2] * 3u +
	    (unsigned char)s[n / 3]) % FIELD_SLOTS;
}

static void
field_table_build(void)
{
	for (int i = 0; i < F_COUNT; i++) {
		const char *nm = field_names[i];
		uint32_t h;

		field_len[i] = (uint8_t)strlen(nm);
		h = name_hash(nm, field_len[i]);
		while (field_table[h] != 0)
			h = (h + 1) % FIELD_SLOTS;
		field_table[h] = (uint8_t)(i + 1);
	}
}

/* The field id of an EventData name of n bytes, or -1. */
static inline int
field_id(const char *name, size_t n)
{
	uint32_t h = name_hash(name, n);

	for (; field_table[h] != 0; h = (h + 1) % FIELD_SLOTS) {
		int id = field_table[h] - 1;

		if (field_len[id] == n && memcmp(field_names[id], name, n) == 0)
			return id;
	}
	return -1;
}

/* Normalisation state: the event being built and where it allocates. */
struct norm {
	struct ev_event	*ev;
	const char	*col[EV_NCOL];	/* columns, packed at the end */
	uint64_t	 set[2];	/* the columns put() wrote, a bit each;
					   all ones: look at every column */
	struct ev_arena	*arena;
	struct ev_shared *sh;		/* values stored once, or NULL */
	const char	*f[F_COUNT];	/* data values by field id, or NULL */
	bool		 oom;
};

_Static_assert(EV_NCOL <= 128, "norm.set holds 128 columns");

/* Column c of the event being built is v. */
static inline void
put(struct norm *n, enum ev_col c, const char *v)
{
	n->col[c] = v;
	n->set[c / 64] |= (uint64_t)1 << (c % 64);
}

/*
 * s[0..len) kept for the event: stored once in n->sh when it stores
 * values (a derived column logs repeat: hashes, DOMAIN\user), else
 * copied into the arena.  Sets n->oom on failure.
 */
static const char *
keep_derived(struct norm *n, const char *s, size_t len)
{
	const char *p;

	if (n->sh != NULL && n->sh->values && len >= EV_INTERN_MIN &&
	    len <= EV_INTERN_MAX)
		p = ev_shared_value(n->sh, s, len);
	else
		p = ev_arena_strndup(n->arena, s, len);
	if (p == NULL)
		n->oom = true;
	return p;
}

static const char *
copy(struct norm *n, const char *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	p = ev_arena_strdup(n->arena, s);
	if (p == NULL)
		n->oom = true;
	return p;
}

#define get(n, name)	((n)->f[F_##name])

/* col = data[name] (already in the arena; no copy) */
#define take(n, column, name) do {					\
	if (get(n, name) != NULL)					\
		put((n), column, get(n, name));			\
} while (0)

/* Integer column from "1234" or "0x4d2"; left NULL when not a number. */
static void
take_int_value(struct norm *n, enum ev_col col, const char *v)
{
	char num[24], *p = num + sizeof(num);
	uint64_t u;
	int64_t x;
	bool neg;

	if (v == NULL || ev_parse_int_auto(v, &x) == -1)
		return;
	/* decimal by hand: this runs for every pid of every event */
	neg = x < 0;
	u = neg ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
	*--p = '\0';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (neg)
		*--p = '-';
	put(n, col, copy(n, p));
}
#define take_int(n, col, name)	take_int_value((n), (col), get(n, name))

/* Boolean column from "true"/"false" (Sysmon spelling) or 1/0. */
static void
take_bool_value(struct norm *n, enum ev_col col, const char *v)
{
	if (v == NULL)
		return;
	if (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0)
		put(n, col, "1");
	else if (strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0)
		put(n, col, "0");
}
#define take_bool(n, col, name)	take_bool_value((n), (col), get(n, name))

/* "SHA1=..,MD5=..,SHA256=..,IMPHASH=.." into the four hash columns. */
static void
split_hashes(struct norm *n, const char *hashes)
{
	static const struct { const char *key; enum ev_col col; } keys[] = {
		{ "MD5", EV_COL_MD5 }, { "SHA1", EV_COL_SHA1 },
		{ "SHA256", EV_COL_SHA256 }, { "IMPHASH", EV_COL_IMPHASH },
	};
	const char *p = hashes, *eq, *end;

	while (p != NULL && *p != '\0') {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq != NULL) {
			for (size_t i = 0; i < NELEM(keys); i++) {
				size_t kl = strlen(keys[i].key);

				if ((size_t)(eq - p) == kl &&
				    strncasecmp(p, keys[i].key, kl) == 0 &&
				    eq + 1 < end) {
					put(n, keys[i].col, keep_derived(n,
					    eq + 1, (size_t)(end - eq - 1)));
				}
			}
		}
		p = *end ? end + 1 : end;
	}
}

/* "DOMAIN\user", or the Sysmon spelling of a well-known SID. */
static const char *
domain_user(struct norm *n, const char *sid, const char *dom,
    const char *user)
{
	const char *known = ev_sid_name(sid);
	char buf[256], *s;
	size_t dl, ul;

	if (known != NULL)
		return known;
	if (user == NULL || *user == '\0' || strcmp(user, "-") == 0)
		return NULL;
	if (dom == NULL || *dom == '\0' || strcmp(dom, "-") == 0)
		return user;	/* already in the arena */
	dl = strlen(dom);
	ul = strlen(user);
	if (dl + ul + 2 <= sizeof(buf)) {
		memcpy(buf, dom, dl);
		buf[dl] = '\\';
		memcpy(buf + dl + 1, user, ul + 1);
		return keep_derived(n, buf, dl + ul + 1);
	}
	s = ev_arena_alloc(n->arena, dl + ul + 2);
	if (s == NULL) {
		n->oom = true;
		return NULL;
	}
	memcpy(s, dom, dl);
	s[dl] = '\\';
	memcpy(s + dl + 1, user, ul + 1);
	return s;
}

static void
norm_4688(struct norm *n)
{
	const char *tsid = get(n, TargetUserSid);
	const char *label;

	take(n, EV_COL_IMAGE, NewProcessName);
	take(n, EV_COL_COMMAND_LINE, CommandLine);
	take(n, EV_COL_PARENT_IMAGE, ParentProcessName);
	take(n, EV_COL_LOGON_ID, SubjectLogonId);
	take_int(n, EV_COL_PID, NewProcessId);
	take_int(n, EV_COL_PARENT_PID, ProcessId);
	/*
	 * Version 2 names the new process's user in Target*; when that is
	 * S-1-0-0 (NULL SID) or absent, the creator (Subject) is the user.
	 */
	if (tsid != NULL && strcmp(tsid, "S-1-0-0") != 0 &&
	    get(n, TargetUserName) != NULL)
		put(n, EV_COL_USER, domain_user(n, tsid,
		    get(n, TargetDomainName), get(n, TargetUserName)));
	if (n->col[EV_COL_USER] == NULL)
		put(n, EV_COL_USER, domain_user(n, get(n, SubjectUserSid),
		    get(n, SubjectDomainName), get(n, SubjectUserName)));
	label = ev_integrity_name(get(n, MandatoryLabel));
	if (label != NULL)
		put(n, EV_COL_INTEGRITY_LEVEL, label);
}

static void
norm_4689(struct norm *n)
{
	take(n, EV_COL_IMAGE, ProcessName);
	take_int(n, EV_COL_PID, ProcessId);
	take(n, EV_COL_LOGON_ID, SubjectLogonId);
	put(n, EV_COL_USER, domain_user(n, get(n, SubjectUserSid),
	    get(n, SubjectDomainName), get(n, SubjectUserName)));
}

/*
 * Sysmon 8 and 10: the source process is the event's process (its
 * guid, pid, image and user columns); the target process has its own.
 * Sysmon spells the guids SourceProcessGuid (8) and SourceProcessGUID
 * (10).
 */
static void
norm_sysmon_access(struct norm *n)
{
	struct ev_event *ev = n->ev;

	take(n, EV_COL_PROCESS_GUID, SourceProcessGuid);
	take(n, EV_COL_PROCESS_GUID, SourceProcessGUID);
	take_int(n, EV_COL_PID, SourceProcessId);
	take(n, EV_COL_IMAGE, SourceImage);
	take(n, EV_COL_USER, SourceUser);
	take(n, EV_COL_TARGET_PROCESS_GUID, TargetProcessGuid);
	take(n, EV_COL_TARGET_PROCESS_GUID, TargetProcessGUID);
	take_int(n, EV_COL_TARGET_PID, TargetProcessId);
	take(n, EV_COL_TARGET_IMAGE, TargetImage);
	if (ev->kind == EV_KIND_REMOTE_THREAD) {
		take(n, EV_COL_START_ADDRESS, StartAddress);
		take(n, EV_COL_START_MODULE, StartModule);
		take(n, EV_COL_START_FUNCTION, StartFunction);
	} else {
		take(n, EV_COL_GRANTED_ACCESS, GrantedAccess);
		take(n, EV_COL_CALL_TRACE, CallTrace);
	}
}

static void
norm_sysmon(struct norm *n)
{
	struct ev_event *ev = n->ev;
	const char *h;

	take(n, EV_COL_PROCESS_GUID, ProcessGuid);
	take_int(n, EV_COL_PID, ProcessId);
	take(n, EV_COL_IMAGE, Image);
	take(n, EV_COL_USER, User);
	switch (ev->kind) {
	case EV_KIND_PROCESS:
		take(n, EV_COL_ORIGINAL_FILE_NAME, OriginalFileName);
		take(n, EV_COL_COMMAND_LINE, CommandLine);
		take(n, EV_COL_CURRENT_DIRECTORY, CurrentDirectory);
		take(n, EV_COL_INTEGRITY_LEVEL, IntegrityLevel);
		take(n, EV_COL_LOGON_ID, LogonId);
		take(n, EV_COL_COMPANY, Company);
		take(n, EV_COL_PRODUCT, Product);
		take(n, EV_COL_DESCRIPTION, Description);
		take(n, EV_COL_FILE_VERSION, FileVersion);
		take(n, EV_COL_PARENT_PROCESS_GUID, ParentProcessGuid);
		take_int(n, EV_COL_PARENT_PID, ParentProcessId);
		take(n, EV_COL_PARENT_IMAGE, ParentImage);
		take(n, EV_COL_PARENT_COMMAND_LINE, ParentCommandLine);
		take(n, EV_COL_PARENT_USER, ParentUser);
		break;
	case EV_KIND_IMAGE_LOAD:
		take(n, EV_COL_ORIGINAL_FILE_NAME, OriginalFileName);
		take(n, EV_COL_COMPANY, Company);
		take(n, EV_COL_PRODUCT, Product);
		take(n, EV_COL_DESCRIPTION, Description);
		take(n, EV_COL_FILE_VERSION, FileVersion);
		/* and what a driver load logs too */
		/* FALLTHROUGH */
	case EV_KIND_DRIVER_LOAD:
		take(n, EV_COL_IMAGE_LOADED, ImageLoaded);
		take_bool(n, EV_COL_SIGNED, Signed);
		take(n, EV_COL_SIGNATURE, Signature);
		take(n, EV_COL_SIGNATURE_STATUS, SignatureStatus);
		break;
	case EV_KIND_NETWORK:
		take(n, EV_COL_PROTOCOL, Protocol);
		take_bool(n, EV_COL_INITIATED, Initiated);
		take(n, EV_COL_SRC_IP, SourceIp);
		take_int(n, EV_COL_SRC_PORT, SourcePort);
		take(n, EV_COL_SRC_HOSTNAME, SourceHostname);
		take(n, EV_COL_DST_IP, DestinationIp);
		take_int(n, EV_COL_DST_PORT, DestinationPort);
		take(n, EV_COL_DST_HOSTNAME, DestinationHostname);
		break;
	case EV_KIND_DNS:
		take(n, EV_COL_QUERY_NAME, QueryName);
		take(n, EV_COL_QUERY_RESULTS, QueryResults);
		break;
	case EV_KIND_FILE:
		take(n, EV_COL_TARGET_FILENAME, TargetFilename);
		break;
	case EV_KIND_REMOTE_THREAD:
	case EV_KIND_PROCESS_ACCESS:
		norm_sysmon_access(n);
		break;
	case EV_KIND_REGISTRY:
		take(n, EV_COL_EVENT_TYPE, EventType);
		take(n, EV_COL_TARGET_OBJECT, TargetObject);
		take(n, EV_COL_DETAILS, Details);
		take(n, EV_COL_NEW_NAME, NewName);
		break;
	case EV_KIND_STREAM_HASH:
		take(n, EV_COL_TARGET_FILENAME, TargetFilename);
		take(n, EV_COL_CONTENTS, Contents);
		break;
	case EV_KIND_PIPE:
		take(n, EV_COL_EVENT_TYPE, EventType);
		take(n, EV_COL_PIPE_NAME, PipeName);
		break;
	default:
		break;
	}
	/* Sysmon 1, 6 and 7 log Hashes (7 since schema 3.x), 15 Hash */
	if ((h = get(n, Hashes)) != NULL || (ev->kind == EV_KIND_STREAM_HASH &&
	    (h = get(n, Hash)) != NULL)) {
		put(n, EV_COL_HASHES, h);
		split_hashes(n, h);
	}
}

/* "" (as some logs write an absent value) counts as absent */
static const char *
nonempty(const char *s)
{
	return s != NULL && s[0] != '\0' && strcmp(s, "-") != 0 ? s : NULL;
}

/* PowerShell 4104: one part of a script block (ev_scripts_join()). */
static void
norm_script(struct norm *n)
{
	int64_t num = 1, tot = 1;
	char part[48];

	take(n, EV_COL_SCRIPT_BLOCK_ID, ScriptBlockId);
	put(n, EV_COL_SCRIPT_PATH, nonempty(get(n, Path)));
	if (get(n, MessageNumber) != NULL &&
	    ev_parse_int_auto(get(n, MessageNumber), &num) == -1)
		num = 0;
	if (get(n, MessageTotal) != NULL &&
	    ev_parse_int_auto(get(n, MessageTotal), &tot) == -1)
		tot = 0;
	snprintf(part, sizeof(part), "%lld/%lld", (long long)num,
	    (long long)tot);
	put(n, EV_COL_SCRIPT_PART, copy(n, part));
	/* one part: the block itself; more: ev_scripts_join() joins them */
	if (num == 1 && tot == 1)
		take(n, EV_COL_SCRIPT_TEXT, ScriptBlockText);
}

/*
 * The value of "key" at the start of a line of text (after blanks), up
 * to the end of that line, into the arena; NULL when absent or empty
 * ("Host Application = " in 4103 ContextInfo).
 */
static const char *
line_value(struct norm *n, const char *text, const char *key)
{
	size_t kl = strlen(key);
	const char *p = text, *e;
	char *out;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, key, kl) == 0) {
			p += kl;
			e = p + strcspn(p, "\r\n");
			while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			if (e == p)
				return NULL;
			if ((out = ev_arena_strndup(n->arena, p,
			    (size_t)(e - p))) == NULL)
				n->oom = true;
			return out;
		}
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return NULL;
}

static const char *cmd_image(struct norm *, const char *);

/*
 * PowerShell 4103 (module logging: ContextInfo, Payload): command_line
 * is the host application's command line (the PowerShell process's),
 * script_text what ran (Payload).
 */
static void
norm_powershell(struct norm *n)
{
	const char *host, *what;

	host = line_value(n, get(n, ContextInfo), "Host Application = ");
	what = nonempty(get(n, Payload));
	put(n, EV_COL_COMMAND_LINE, host);
	put(n, EV_COL_IMAGE, cmd_image(n, host));
	put(n, EV_COL_SCRIPT_TEXT, what);
}

/* 4697 ServiceStartType numbers, spelled as 7045 logs them. */
static const char *
start_type_name(const char *v)
{
	static const char *const names[] = {
		"boot start", "system start", "auto start", "demand start",
		"disabled",
	};
	int64_t x;

	if (v == NULL || ev_parse_int_auto(v, &x) == -1)
		return v;
	return x >= 0 && x < (int64_t)NELEM(names) ? names[x] : v;
}

/*
 * The executable of a command line into the arena: the quoted first
 * word, else up to the first ".exe" followed by a space or the end
 * when no switch (" /x", " -x") comes before it (an unquoted path with
 * spaces, as service image paths often are), else the first word.
 */
static const char *
cmd_image(struct norm *n, const char *cmd)
{
	const char *s, *e, *p;
	char *out;

	if (cmd == NULL)
		return NULL;
	for (s = cmd; *s == ' ' || *s == '\t'; s++)
		;
	if (*s == '"') {
		s++;
		e = strchr(s, '"');
		if (e == NULL)
			e = s + strlen(s);
	} else {
		e = NULL;
		for (p = s; *p != '\0'; p++)
			if (strncasecmp(p, ".exe", 4) == 0 &&
			    (p[4] == '\0' || p[4] == ' ')) {
				e = p + 4;
				break;
			}
		/* a switch before it: the ".exe" is an argument's */
		for (p = s; e != NULL && p + 1 < e; p++)
			if ((p[0] == ' ' || p[0] == '\t') &&
			    (p[1] == '/' || p[1] == '-'))
				e = NULL;
		if (e == NULL)
			e = s + strcspn(s, " \t");
	}
	if (e == s)
		return NULL;
	if ((out = ev_arena_strndup(n->arena, s, (size_t)(e - s))) == NULL)
		n->oom = true;
	return out;
}

/* System 7045, Security 4697: the service and what it runs. */
static void
norm_service(struct norm *n)
{
	const char *path, *acct;

	take(n, EV_COL_SERVICE_NAME, ServiceName);
	path = nonempty(get(n, ImagePath));
	if (path == NULL)
		path = nonempty(get(n, ServiceFileName));
	put(n, EV_COL_COMMAND_LINE, path);
	put(n, EV_COL_IMAGE, cmd_image(n, path));
	put(n, EV_COL_START_TYPE, nonempty(get(n, StartType)));
	if (n->col[EV_COL_START_TYPE] == NULL)
		put(n, EV_COL_START_TYPE,
		    start_type_name(nonempty(get(n, ServiceStartType))));
	/* the account the service runs as */
	acct = nonempty(get(n, AccountName));
	put(n, EV_COL_USER, acct != NULL ? acct :
	    nonempty(get(n, ServiceAccount)));
	take(n, EV_COL_LOGON_ID, SubjectLogonId);
}

/*
 * Security 4698 / 4702: the task, its Exec actions (command_line: each
 * "Command Arguments", one per line; image: the first Command) and the
 * process that registered it (ClientProcessId, Windows 10 and later).
 */
static void
norm_task(struct norm *n)
{
	const char *xml = get(n, TaskContentNew), *cmd[EV_TASK_ACTIONS_MAX];
	const char *args[EV_TASK_ACTIONS_MAX];
	struct ev_buf b = EV_BUF_INIT;
	int na;

	take(n, EV_COL_TASK_NAME, TaskName);
	put(n, EV_COL_USER, domain_user(n, get(n, SubjectUserSid),
	    get(n, SubjectDomainName), get(n, SubjectUserName)));
	take(n, EV_COL_LOGON_ID, SubjectLogonId);
	if (get(n, ClientProcessId) != NULL &&
	    strcmp(get(n, ClientProcessId), "0") != 0)
		take_int(n, EV_COL_PID, ClientProcessId);
	if (xml == NULL || xml[0] == '\0')
		xml = get(n, TaskContent);
	if (xml == NULL)
		return;
	na = ev_task_actions(xml, n->arena, cmd, args, EV_TASK_ACTIONS_MAX);
	if (na < 0) {
		n->oom = true;
		return;
	}
	if (na == 0)
		return;
	put(n, EV_COL_IMAGE, cmd[0]);
	for (int i = 0; i < na && i < EV_TASK_ACTIONS_MAX; i++) {
		if (i > 0)
			ev_buf_addc(&b, '\n');
		ev_buf_adds(&b, cmd[i]);
		if (args[i][0] != '\0')
			ev_buf_addf(&b, " %s", args[i]);
	}
	if (na > EV_TASK_ACTIONS_MAX)
		ev_buf_addf(&b, "\n(+%d more actions)",
		    na - EV_TASK_ACTIONS_MAX);
	if (ev_buf_failed(&b))
		n->oom = true;
	else
		put(n, EV_COL_COMMAND_LINE, copy(n, b.buf));
	ev_buf_release(&b);
}

const char *
ev_cmd_image(const char *cmd, struct ev_arena *arena, bool *oom)
{
	struct norm n;
	const char *img;

	n.arena = arena;
	n.sh = NULL;
	n.oom = false;
	img = cmd_image(&n, cmd);
	if (n.oom)
		*oom = true;
	return img;
}

static void
norm_log_clear(struct norm *n)
{
	/* 1102: UserData/LogFileCleared/Subject*; 104 names no SID */
	put(n, EV_COL_USER, domain_user(n, get(n, SubjectUserSid),
	    get(n, SubjectDomainName), get(n, SubjectUserName)));
	if (n->col[EV_COL_USER] == NULL)
		put(n, EV_COL_USER, domain_user(n, NULL,
		    get(n, DomainName), get(n, UserName)));
	take(n, EV_COL_LOGON_ID, SubjectLogonId);
}


/* Whether the value of field nm (nl bytes), vl bytes, is stored once. */
static inline bool
internable(const char *nm, size_t nl, size_t vl)
{
	return vl >= EV_INTERN_MIN && vl <= EV_INTERN_MAX &&
	    !(nl >= 4 && memcmp(nm + nl - 4, "Time", 4) == 0);
}

/*
 * Copies the record's EventData into the arena with one allocation for
 * every value and unknown name (values stored once in n->sh excepted),
 * and indexes the values by field id.
 */
static int
copy_data(struct norm *n, const struct ev_record *rec)
{
	struct ev_pair *data;
	size_t total = 0, vlen[128], nlen[128];
	int ids[128], id;
	char *buf;
	uint32_t nd = rec->ndata, *dlen;
	struct ev_shared *sh = n->sh != NULL && n->sh->values ? n->sh : NULL;

	data = ev_arena_alloc(n->arena, nd * sizeof(*data));
	dlen = ev_arena_alloc(n->arena, nd * sizeof(*dlen));
	if (data == NULL || dlen == NULL)
		return EV_ENOMEM;
	/* first pass: sizes and field ids (remembered for 128 fields);
	   values stored once are looked up (data[i].value set) */
	for (uint32_t i = 0; i < nd; i++) {
		const char *nm = rec->data[i].name ? rec->data[i].name : "";
		const char *v = rec->data[i].value ? rec->data[i].value : "";
		size_t nl = strlen(nm), vl = strlen(v);

		id = field_id(nm, nl);
		if (i < NELEM(ids)) {
			ids[i] = id;
			nlen[i] = nl;
			vlen[i] = vl;
		}
		if (id < 0)
			total += nl + 1;
		data[i].value = NULL;
		if (sh != NULL && i < NELEM(ids) && internable(nm, nl, vl)) {
			if ((data[i].value = ev_shared_value(sh, v,
			    vl)) == NULL)
				return EV_ENOMEM;
		} else
			total += vl + 1;
	}
	if ((buf = ev_arena_alloc(n->arena, total ? total : 1)) == NULL)
		return EV_ENOMEM;
	for (uint32_t i = 0; i < nd; i++) {
		const char *nm = rec->data[i].name ? rec->data[i].name : "";
		const char *v = rec->data[i].value ? rec->data[i].value : "";
		size_t nl, vl;

		if (i < NELEM(ids)) {
			id = ids[i];
			nl = nlen[i];
			vl = vlen[i];
		} else {
			nl = strlen(nm);
			vl = strlen(v);
			id = field_id(nm, nl);
		}
		if (id >= 0)
			data[i].name = field_names[id];
		else {
			memcpy(buf, nm, nl + 1);
			data[i].name = buf;
			buf += nl + 1;
		}
		if (data[i].value == NULL) {
			memcpy(buf, v, vl + 1);
			data[i].value = buf;
			buf += vl + 1;
		}
		dlen[i] = vl > UINT32_MAX ? UINT32_MAX : (uint32_t)vl;
		/* the first value of a name counts, as ev_data() finds it */
		if (id >= 0 && n->f[id] == NULL)
			n->f[id] = data[i].value;
	}
	n->ev->data = data;
	n->ev->dlen = dlen;
	n->ev->ndata = nd;
	return 0;
}


/* s as stored once in sh (slot: which System string it is). */
static const char *
shared_put(struct norm *n, struct ev_shared *sh, int slot, const char *s)
{
	const struct ev_map_ent *e;

	if (s == NULL)
		return NULL;
	if (sh->last[slot] != NULL && strcmp(sh->last[slot], s) == 0)
		return sh->last[slot];
	if ((e = ev_map_put(&sh->map, s, strlen(s), NULL)) == NULL) {
		n->oom = true;
		return NULL;
	}
	return sh->last[slot] = e->key;
}

/* s copied into the arena, or with sh, as shared_put() keeps it. */
static inline const char *
shared_copy(struct norm *n, struct ev_shared *sh, int slot, const char *s)
{
	return sh == NULL ? copy(n, s) : shared_put(n, sh, slot, s);
}

/*
 * The end of a normalisation: the columns packed, only those put() wrote
 * looked at (a dozen of EV_NCOL: this runs for every event).  0 or
 * EV_ENOMEM.
 */
static int
norm_end(struct norm *n)
{
	static const uint64_t all[2] = { UINT64_MAX, UINT64_MAX };

	if (n->oom)
		return EV_ENOMEM;
	return ev_cols_pack_set(n->ev, n->col, n->set[0] == UINT64_MAX ? all :
	    n->set, n->arena);
}

int
ev_normalise(const struct ev_record *rec, struct ev_arena *arena,
    struct ev_event *ev)
{
	return ev_normalise_shared(rec, arena, NULL, ev);
}

int
ev_normalise_shared(const struct ev_record *rec, struct ev_arena *arena,
    struct ev_shared *shared, struct ev_event *ev)
{
	struct norm n;

	pthread_once(&field_once, field_table_build);
	memset(ev, 0, sizeof(*ev));
	n.ev = ev;
	n.arena = arena;
	n.sh = shared;
	n.oom = false;
	memset(n.f, 0, sizeof(n.f));
	memset(n.col, 0, sizeof(n.col));
	n.set[0] = n.set[1] = 0;
	ev->time = rec->time;
	ev->record_id = rec->record_id;
	ev->offset = rec->offset;
	ev->chunk = rec->chunk;
	ev->event_id = rec->event_id;
	ev->version = rec->version;
	ev->recovered = rec->recovered;
	ev->unresolved = rec->unresolved;
	ev->kind = (uint8_t)rec->kind;
	put(&n, EV_COL_COMPUTER, shared_copy(&n, shared, 0,
	    rec->computer));
	put(&n, EV_COL_CHANNEL, shared_copy(&n, shared, 1, rec->channel));
	put(&n, EV_COL_PROVIDER, shared_copy(&n, shared, 2,
	    rec->provider));
	ev->user_sid = shared_copy(&n, shared, 3, rec->user_sid);
	if (n.oom || (rec->ndata > 0 && copy_data(&n, rec) != 0))
		return EV_ENOMEM;

	if (rec->kind == EV_KIND_GENERIC) {
		/* Sysmon's other events name their process as 1/3/7 do */
		if (rec->provider != NULL && strcasecmp(rec->provider,
		    EV_PROVIDER_SYSMON) == 0)
			norm_sysmon(&n);
		return norm_end(&n);
	}
	switch (rec->kind) {
	case EV_KIND_SCRIPT:
		norm_script(&n);
		break;
	case EV_KIND_SERVICE:
		norm_service(&n);
		break;
	case EV_KIND_TASK:
		if (ev_is_tasksched(ev)) {
			if (ev_tasksched_norm(ev, n.col, arena) != 0)
				n.oom = true;
			n.set[0] = n.set[1] = UINT64_MAX;	/* wrote n.col */
		} else
			norm_task(&n);
		break;
	case EV_KIND_POWERSHELL:
		if (rec->event_id == 4103)
			norm_powershell(&n);
		else if (ev_pwsh_norm(ev, n.col, arena) != 0)
			n.oom = true;
		n.set[0] = n.set[1] = UINT64_MAX;	/* wrote n.col */
		break;
	case EV_KIND_WMI:
		if (ev_wmi_norm(ev, n.col, arena) != 0)
			n.oom = true;
		n.set[0] = n.set[1] = UINT64_MAX;	/* wrote n.col */
		break;
	case EV_KIND_LOG_CLEAR:
		norm_log_clear(&n);
		break;
	default:
		if (rec->event_id == 4688)
			norm_4688(&n);
		else if (rec->event_id == 4689)
			norm_4689(&n);
		else
			norm_sysmon(&n);
		break;
	}
	return norm_end(&n);
}

/*
 * s copied into arena, or stored once in shared when not NULL; NULL
 * stays NULL.  Sets *oom on failure.
 */
static const char *
keep_str(struct ev_arena *arena, struct ev_shared *shared, const char *s,
    bool *oom)
{
	const char *c;

	if (s == NULL)
		return NULL;
	c = shared != NULL ? ev_shared_value(shared, s, strlen(s)) :
	    ev_arena_strdup(arena, s);
	if (c == NULL)
		*oom = true;
	return c;
}

int
ev_event_keep(struct ev_event *dst, const struct ev_event *src,
    bool data, struct ev_arena *arena, struct ev_shared *shared)
{
	struct ev_pair *d = NULL;
	uint32_t *dlen = NULL, *hits = NULL;
	const char *cols[EV_NCOL];
	bool oom = false;

	*dst = *src;
	dst->data = NULL;
	dst->dlen = NULL;
	dst->ndata = 0;
	dst->hits = NULL;
	dst->nhits = 0;
	if (data && src->ndata > 0) {
		d = ev_arena_alloc(arena, src->ndata * sizeof(*d));
		dlen = ev_arena_alloc(arena, src->ndata * sizeof(*dlen));
		if (d == NULL || dlen == NULL)
			return EV_ENOMEM;
		for (uint32_t i = 0; i < src->ndata; i++) {
			d[i].name = keep_str(arena, shared, src->data[i].name,
			    &oom);
			d[i].value = keep_str(arena, shared,
			    src->data[i].value, &oom);
			dlen[i] = src->dlen != NULL ? src->dlen[i] :
			    (uint32_t)strlen(src->data[i].value);
		}
		dst->data = d;
		dst->dlen = src->dlen != NULL ? dlen : NULL;
		dst->ndata = src->ndata;
	}
	if (shared != NULL)
		dst->user_sid = keep_str(arena, shared, src->user_sid, &oom);
	ev_cols_unpack(src, cols);
	for (int c = 0; c < EV_NCOL; c++) {
		uint32_t i;

		/* the System strings live in the reader's ev_shared */
		if ((shared == NULL && (c == EV_COL_COMPUTER ||
		    c == EV_COL_CHANNEL || c == EV_COL_PROVIDER)) ||
		    cols[c] == NULL)
			continue;
		/* a column taken from the data points at the copy */
		for (i = 0; d != NULL && i < src->ndata; i++)
			if (cols[c] == src->data[i].value)
				break;
		cols[c] = d != NULL && i < src->ndata ? d[i].value :
		    keep_str(arena, shared, cols[c], &oom);
	}
	if (!oom && ev_cols_pack(dst, cols, arena) != 0)
		return EV_ENOMEM;
	if (src->nhits > 0) {
		if ((hits = ev_arena_alloc(arena, src->nhits *
		    sizeof(*hits))) == NULL)
			return EV_ENOMEM;
		memcpy(hits, src->hits, src->nhits * sizeof(*hits));
		dst->hits = hits;
		dst->nhits = src->nhits;
	}
	return oom ? EV_ENOMEM : 0;
}
