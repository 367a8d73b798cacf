/*
 * event.c -- the event model: which records are extracted, the column
 * table, and normalisation of 4688 / Sysmon records (SPEC §3, §10).
 *
 * Fields are found by name, never by position: 4688 has three template
 * versions and Sysmon has reordered its fields across schema versions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ev_arena.h"
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
};

static const char *const kind_names[EV_KIND_MAX] = {
	[EV_KIND_NONE]		= "none",
	[EV_KIND_PROCESS]	= "process",
	[EV_KIND_NETWORK]	= "network",
	[EV_KIND_IMAGE_LOAD]	= "image_load",
	[EV_KIND_PROCESS_EXIT]	= "process_exit",
	[EV_KIND_LOG_CLEAR]	= "log_clear",
};

const char *
ev_kind_name(enum ev_kind k)
{
	return (unsigned)k < EV_KIND_MAX ? kind_names[k] : "none";
}

static bool
provider_is(const char *p, size_t len, const char *want)
{
	size_t n = strlen(want);

	/* provider names compare case-insensitively, as Windows does */
	return len == n && strncasecmp(p, want, n) == 0;
}

enum ev_kind
ev_classify(const char *provider, size_t len, uint32_t id)
{
	if (!ev_wanted_id(id) || provider == NULL)
		return EV_KIND_NONE;
	switch (id) {
	case 4688:
		return provider_is(provider, len, EV_PROVIDER_SECURITY) ?
		    EV_KIND_PROCESS : EV_KIND_NONE;
	case 4689:
		return provider_is(provider, len, EV_PROVIDER_SECURITY) ?
		    EV_KIND_PROCESS_EXIT : EV_KIND_NONE;
	case 1102:
	case 104:
		return provider_is(provider, len, EV_PROVIDER_EVENTLOG) ?
		    EV_KIND_LOG_CLEAR : EV_KIND_NONE;
	}
	if (!provider_is(provider, len, EV_PROVIDER_SYSMON))
		return EV_KIND_NONE;
	switch (id) {
	case 1:	return EV_KIND_PROCESS;
	case 3:	return EV_KIND_NETWORK;
	case 5:	return EV_KIND_PROCESS_EXIT;
	case 7:	return EV_KIND_IMAGE_LOAD;
	}
	return EV_KIND_NONE;
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

/* Normalisation state: the event being built and where it allocates. */
struct norm {
	struct ev_event	*ev;
	struct ev_arena	*arena;
	bool		 oom;
};

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

static const char *
get(const struct ev_event *ev, const char *name)
{
	return ev_data(ev, name);
}

/* col = data[name] (already in the arena; no copy) */
static void
take(struct ev_event *ev, enum ev_col col, const char *name)
{
	const char *v = get(ev, name);

	if (v != NULL)
		ev->col[col] = v;
}

/* Integer column from "1234" or "0x4d2"; left NULL when not a number. */
static void
take_int(struct norm *n, enum ev_col col, const char *name)
{
	const char *v = get(n->ev, name);
	char num[24];
	int64_t x;

	if (v == NULL || ev_parse_int_auto(v, &x) == -1)
		return;
	snprintf(num, sizeof(num), "%lld", (long long)x);
	n->ev->col[col] = copy(n, num);
}

/* Boolean column from "true"/"false" (Sysmon spelling) or 1/0. */
static void
take_bool(struct ev_event *ev, enum ev_col col, const char *name)
{
	const char *v = get(ev, name);

	if (v == NULL)
		return;
	if (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0)
		ev->col[col] = "1";
	else if (strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0)
		ev->col[col] = "0";
}

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
					char *v = ev_arena_strndup(n->arena,
					    eq + 1, (size_t)(end - eq - 1));

					if (v == NULL)
						n->oom = true;
					n->ev->col[keys[i].col] = v;
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
	char *s;
	size_t dl, ul;

	if (known != NULL)
		return known;
	if (user == NULL || *user == '\0' || strcmp(user, "-") == 0)
		return NULL;
	if (dom == NULL || *dom == '\0' || strcmp(dom, "-") == 0)
		return copy(n, user);
	dl = strlen(dom);
	ul = strlen(user);
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
	struct ev_event *ev = n->ev;
	const char *tsid = get(ev, "TargetUserSid");
	const char *label;

	take(ev, EV_COL_IMAGE, "NewProcessName");
	take(ev, EV_COL_COMMAND_LINE, "CommandLine");
	take(ev, EV_COL_PARENT_IMAGE, "ParentProcessName");
	take(ev, EV_COL_LOGON_ID, "SubjectLogonId");
	take_int(n, EV_COL_PID, "NewProcessId");
	take_int(n, EV_COL_PARENT_PID, "ProcessId");
	/*
	 * Version 2 names the new process's user in Target*; when that is
	 * S-1-0-0 (NULL SID) or absent, the creator (Subject) is the user.
	 */
	if (tsid != NULL && strcmp(tsid, "S-1-0-0") != 0 &&
	    get(ev, "TargetUserName") != NULL)
		ev->col[EV_COL_USER] = domain_user(n, tsid,
		    get(ev, "TargetDomainName"), get(ev, "TargetUserName"));
	if (ev->col[EV_COL_USER] == NULL)
		ev->col[EV_COL_USER] = domain_user(n,
		    get(ev, "SubjectUserSid"), get(ev, "SubjectDomainName"),
		    get(ev, "SubjectUserName"));
	label = ev_integrity_name(get(ev, "MandatoryLabel"));
	if (label != NULL)
		ev->col[EV_COL_INTEGRITY_LEVEL] = label;
}

static void
norm_4689(struct norm *n)
{
	struct ev_event *ev = n->ev;

	take(ev, EV_COL_IMAGE, "ProcessName");
	take_int(n, EV_COL_PID, "ProcessId");
	take(ev, EV_COL_LOGON_ID, "SubjectLogonId");
	ev->col[EV_COL_USER] = domain_user(n, get(ev, "SubjectUserSid"),
	    get(ev, "SubjectDomainName"), get(ev, "SubjectUserName"));
}

static void
norm_sysmon(struct norm *n)
{
	struct ev_event *ev = n->ev;
	const char *h;

	take(ev, EV_COL_PROCESS_GUID, "ProcessGuid");
	take_int(n, EV_COL_PID, "ProcessId");
	take(ev, EV_COL_IMAGE, "Image");
	take(ev, EV_COL_USER, "User");
	switch (ev->kind) {
	case EV_KIND_PROCESS:
		take(ev, EV_COL_ORIGINAL_FILE_NAME, "OriginalFileName");
		take(ev, EV_COL_COMMAND_LINE, "CommandLine");
		take(ev, EV_COL_CURRENT_DIRECTORY, "CurrentDirectory");
		take(ev, EV_COL_INTEGRITY_LEVEL, "IntegrityLevel");
		take(ev, EV_COL_LOGON_ID, "LogonId");
		take(ev, EV_COL_COMPANY, "Company");
		take(ev, EV_COL_PRODUCT, "Product");
		take(ev, EV_COL_DESCRIPTION, "Description");
		take(ev, EV_COL_FILE_VERSION, "FileVersion");
		take(ev, EV_COL_PARENT_PROCESS_GUID, "ParentProcessGuid");
		take_int(n, EV_COL_PARENT_PID, "ParentProcessId");
		take(ev, EV_COL_PARENT_IMAGE, "ParentImage");
		take(ev, EV_COL_PARENT_COMMAND_LINE, "ParentCommandLine");
		take(ev, EV_COL_PARENT_USER, "ParentUser");
		break;
	case EV_KIND_IMAGE_LOAD:
		take(ev, EV_COL_IMAGE_LOADED, "ImageLoaded");
		take(ev, EV_COL_ORIGINAL_FILE_NAME, "OriginalFileName");
		take(ev, EV_COL_COMPANY, "Company");
		take(ev, EV_COL_PRODUCT, "Product");
		take(ev, EV_COL_DESCRIPTION, "Description");
		take(ev, EV_COL_FILE_VERSION, "FileVersion");
		take_bool(ev, EV_COL_SIGNED, "Signed");
		take(ev, EV_COL_SIGNATURE, "Signature");
		take(ev, EV_COL_SIGNATURE_STATUS, "SignatureStatus");
		break;
	case EV_KIND_NETWORK:
		take(ev, EV_COL_PROTOCOL, "Protocol");
		take_bool(ev, EV_COL_INITIATED, "Initiated");
		take(ev, EV_COL_SRC_IP, "SourceIp");
		take_int(n, EV_COL_SRC_PORT, "SourcePort");
		take(ev, EV_COL_SRC_HOSTNAME, "SourceHostname");
		take(ev, EV_COL_DST_IP, "DestinationIp");
		take_int(n, EV_COL_DST_PORT, "DestinationPort");
		take(ev, EV_COL_DST_HOSTNAME, "DestinationHostname");
		break;
	default:
		break;
	}
	/* Sysmon 1 and 7 both log Hashes (7 since schema 3.x) */
	if ((h = get(ev, "Hashes")) != NULL) {
		ev->col[EV_COL_HASHES] = h;
		split_hashes(n, h);
	}
}

static void
norm_log_clear(struct norm *n)
{
	struct ev_event *ev = n->ev;

	/* 1102: UserData/LogFileCleared/Subject*; 104 names no SID */
	ev->col[EV_COL_USER] = domain_user(n, get(ev, "SubjectUserSid"),
	    get(ev, "SubjectDomainName"), get(ev, "SubjectUserName"));
	if (ev->col[EV_COL_USER] == NULL)
		ev->col[EV_COL_USER] = domain_user(n, NULL,
		    get(ev, "DomainName"), get(ev, "UserName"));
	take(ev, EV_COL_LOGON_ID, "SubjectLogonId");
}

int
ev_normalise(const struct ev_record *rec, struct ev_arena *arena,
    struct ev_event *ev)
{
	struct norm n = { ev, arena, false };
	struct ev_pair *data = NULL;

	memset(ev, 0, sizeof(*ev));
	ev->time = rec->time;
	ev->record_id = rec->record_id;
	ev->offset = rec->offset;
	ev->chunk = rec->chunk;
	ev->event_id = rec->event_id;
	ev->version = rec->version;
	ev->recovered = rec->recovered;
	ev->kind = (uint8_t)rec->kind;
	ev->col[EV_COL_COMPUTER] = copy(&n, rec->computer);
	ev->col[EV_COL_CHANNEL] = copy(&n, rec->channel);
	ev->col[EV_COL_PROVIDER] = copy(&n, rec->provider);
	ev->user_sid = copy(&n, rec->user_sid);
	if (rec->ndata > 0) {
		data = ev_arena_alloc(arena, rec->ndata * sizeof(*data));
		if (data == NULL)
			return EV_ENOMEM;
		for (uint32_t i = 0; i < rec->ndata; i++) {
			data[i].name = copy(&n, rec->data[i].name);
			data[i].value = copy(&n, rec->data[i].value ?
			    rec->data[i].value : "");
		}
	}
	ev->data = data;
	ev->ndata = rec->ndata;
	if (n.oom)
		return EV_ENOMEM;

	switch (rec->event_id) {
	case 4688:
		norm_4688(&n);
		break;
	case 4689:
		norm_4689(&n);
		break;
	case 104:
	case 1102:
		norm_log_clear(&n);
		break;
	default:
		norm_sysmon(&n);
		break;
	}
	return n.oom ? EV_ENOMEM : 0;
}
