/*
 * report_line.c -- one line for an event of an execution source (a
 * script block, service, task, DNS query, file, registry change, pipe,
 * driver ...), shared by the writers, which escape it; see report_int.h.
 */
#include <string.h>

#include "ev_util.h"
#include "report/report_int.h"

const char *
rp_kind_desc(int kind)
{
	switch (kind) {
	case EV_KIND_PROCESS:		return "Process Creation";
	case EV_KIND_NETWORK:		return "Network Connection";
	case EV_KIND_IMAGE_LOAD:	return "Image Load";
	case EV_KIND_PROCESS_EXIT:	return "Process Exit";
	case EV_KIND_LOG_CLEAR:		return "Log Cleared";
	case EV_KIND_SCRIPT:		return "PowerShell Script Block";
	case EV_KIND_SERVICE:		return "Service Installed";
	case EV_KIND_TASK:		return "Scheduled Task";
	case EV_KIND_DNS:		return "DNS Query";
	case EV_KIND_FILE:		return "File Created";
	case EV_KIND_POWERSHELL:	return "PowerShell Module";
	case EV_KIND_WMI:		return "WMI Subscription";
	case EV_KIND_REMOTE_THREAD:	return "Remote Thread Created";
	case EV_KIND_PROCESS_ACCESS:	return "Process Accessed";
	case EV_KIND_DRIVER_LOAD:	return "Driver Loaded";
	case EV_KIND_REGISTRY:		return "Registry Event";
	case EV_KIND_STREAM_HASH:	return "File Stream Created";
	case EV_KIND_PIPE:		return "Named Pipe";
	}
	return "Event";
}

/* s with line breaks and tabs as blanks, at most max bytes (UTF-8). */
static void
add_flat(struct ev_buf *b, const char *s, size_t max)
{
	size_t n = strlen(s), k;

	if (n > max) {
		for (k = max; k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80;
		    k--)
			;
		n = k;
	}
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\n' && i > 0 && s[i - 1] == '\r')
			continue;
		ev_buf_addc(b, c == '\r' || c == '\n' || c == '\t' ? ' ' : c);
	}
	if (n < strlen(s))
		ev_buf_addf(b, " ...(%zu bytes)", strlen(s));
}

static const char *
or_q(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : "?";
}

/* A WMI filter (19), consumer (20), binding (21, 5861) in one line. */
static void
wmi_line(const struct ev_event *ev, struct ev_buf *b)
{
	const char *c[EV_NCOL], *runs;

	ev_cols_unpack(ev, c);
	runs = c[EV_COL_COMMAND_LINE] != NULL ? c[EV_COL_COMMAND_LINE] :
	    c[EV_COL_SCRIPT_TEXT];

	switch (ev->event_id) {
	case 19:
		ev_buf_addf(b, "wmi filter %s (%s, %s): ",
		    or_q(c[EV_COL_WMI_FILTER]), or_q(c[EV_COL_WMI_OPERATION]),
		    or_q(c[EV_COL_WMI_NAMESPACE]));
		add_flat(b, or_q(c[EV_COL_WMI_QUERY]), 4 * RP_SCRIPT_ABRIDGED);
		return;
	case 20:
		ev_buf_addf(b, "wmi consumer %s (%s, %s): ",
		    or_q(c[EV_COL_WMI_CONSUMER]),
		    or_q(c[EV_COL_WMI_CONSUMER_CLASS]),
		    or_q(c[EV_COL_WMI_OPERATION]));
		add_flat(b, or_q(runs), 4 * RP_SCRIPT_ABRIDGED);
		return;
	}
	ev_buf_addf(b, "wmi binding %s: filter %s -> consumer %s (%s)",
	    ev->event_id == 5861 ? "registered" :
	    or_q(c[EV_COL_WMI_OPERATION]), or_q(c[EV_COL_WMI_FILTER]),
	    or_q(c[EV_COL_WMI_CONSUMER]), or_q(c[EV_COL_WMI_CONSUMER_CLASS]));
	if (runs != NULL || c[EV_COL_WMI_QUERY] != NULL) {
		ev_buf_adds(b, ": ");
		add_flat(b, runs != NULL ? runs : c[EV_COL_WMI_QUERY],
		    4 * RP_SCRIPT_ABRIDGED);
	}
}

/* Sysmon 8, 10: what the source did to the target process. */
static void
access_line(const struct ev_event *ev, struct ev_buf *b)
{
	const char *c[EV_NCOL];

	ev_cols_unpack(ev, c);
	ev_buf_addf(b, "%s %s (pid %s)", ev->kind == EV_KIND_REMOTE_THREAD ?
	    "remote thread into" : "access to", or_q(c[EV_COL_TARGET_IMAGE]),
	    or_q(c[EV_COL_TARGET_PID]));
	if (ev->kind == EV_KIND_PROCESS_ACCESS) {
		ev_buf_addf(b, " granted %s",
		    or_q(c[EV_COL_GRANTED_ACCESS]));
		return;
	}
	ev_buf_addf(b, " at %s", or_q(c[EV_COL_START_ADDRESS]));
	if (c[EV_COL_START_MODULE] != NULL || c[EV_COL_START_FUNCTION] != NULL)
		ev_buf_addf(b, " (%s!%s)", or_q(c[EV_COL_START_MODULE]),
		    or_q(c[EV_COL_START_FUNCTION]));
}

/* Sysmon 12, 13, 14: what the process did to a registry key or value. */
static void
registry_line(const struct ev_event *ev, struct ev_buf *b)
{
	const char *c[EV_NCOL], *t;

	ev_cols_unpack(ev, c);
	t = c[EV_COL_EVENT_TYPE];
	switch (ev->event_id) {
	case 13:
		ev_buf_addf(b, "registry set %s = ",
		    or_q(c[EV_COL_TARGET_OBJECT]));
		add_flat(b, or_q(c[EV_COL_DETAILS]), RP_SCRIPT_ABRIDGED);
		return;
	case 14:
		ev_buf_addf(b, "registry rename %s -> %s",
		    or_q(c[EV_COL_TARGET_OBJECT]), or_q(c[EV_COL_NEW_NAME]));
		return;
	}
	ev_buf_addf(b, "registry %s %s", t != NULL &&
	    strncmp(t, "Delete", 6) == 0 ? "delete" : "create",
	    or_q(c[EV_COL_TARGET_OBJECT]));
	if (t != NULL)
		ev_buf_addf(b, " (%s)", t);
}

/* Whether s is a value: Sysmon logs "-" (or nothing) for none. */
static bool
logged(const char *s)
{
	return s != NULL && s[0] != '\0' && strcmp(s, "-") != 0;
}

/* Sysmon 6, 15, 17, 18 in one line. */
static void
object_line(const struct ev_event *ev, struct ev_buf *b)
{
	const char *c[EV_NCOL], *s;

	ev_cols_unpack(ev, c);
	s = c[EV_COL_SIGNED];
	switch (ev->kind) {
	case EV_KIND_DRIVER_LOAD:
		ev_buf_addf(b, "driver loaded %s (signed: %s",
		    or_q(c[EV_COL_IMAGE_LOADED]), s == NULL ? "?" :
		    strcmp(s, "1") == 0 ? "true" : strcmp(s, "0") == 0 ?
		    "false" : s);
		if (logged(c[EV_COL_SIGNATURE]))
			ev_buf_addf(b, ", %s", c[EV_COL_SIGNATURE]);
		if (logged(c[EV_COL_SIGNATURE_STATUS]))
			ev_buf_addf(b, ", %s", c[EV_COL_SIGNATURE_STATUS]);
		ev_buf_adds(b, ")");
		break;
	case EV_KIND_STREAM_HASH:
		ev_buf_addf(b, "stream %s",
		    or_q(c[EV_COL_TARGET_FILENAME]));
		if (logged(c[EV_COL_CONTENTS])) {
			ev_buf_adds(b, ": ");
			add_flat(b, c[EV_COL_CONTENTS], RP_SCRIPT_ABRIDGED);
		}
		break;
	default:
		ev_buf_addf(b, "pipe %s %s", ev->event_id == 18 ? "connected" :
		    "created", or_q(c[EV_COL_PIPE_NAME]));
		break;
	}
}

bool
rp_source_kind(int kind)
{
	switch (kind) {
	case EV_KIND_SCRIPT:
	case EV_KIND_SERVICE:
	case EV_KIND_TASK:
	case EV_KIND_DNS:
	case EV_KIND_FILE:
	case EV_KIND_POWERSHELL:
	case EV_KIND_WMI:
	case EV_KIND_REMOTE_THREAD:
	case EV_KIND_PROCESS_ACCESS:
	case EV_KIND_DRIVER_LOAD:
	case EV_KIND_REGISTRY:
	case EV_KIND_STREAM_HASH:
	case EV_KIND_PIPE:
		return true;
	}
	return false;
}

void
rp_source_line(const struct ev_event *ev, struct ev_buf *b)
{
	const char *c[EV_NCOL];

	ev_cols_unpack(ev, c);
	switch (ev->kind) {
	case EV_KIND_SCRIPT:
		ev_buf_addf(b, "script block %s %s", or_q(c[EV_COL_SCRIPT_BLOCK_ID]),
		    or_q(c[EV_COL_SCRIPT_PART]));
		if (c[EV_COL_SCRIPT_PATH] != NULL)
			ev_buf_addf(b, " (%s)", c[EV_COL_SCRIPT_PATH]);
		if (c[EV_COL_SCRIPT_NOTE] != NULL)
			ev_buf_addf(b, " [%s]", c[EV_COL_SCRIPT_NOTE]);
		ev_buf_adds(b, ": ");
		add_flat(b, c[EV_COL_SCRIPT_TEXT] != NULL ?
		    c[EV_COL_SCRIPT_TEXT] : "(text in the block's first part)",
		    RP_SCRIPT_ABRIDGED);
		break;
	case EV_KIND_SERVICE:
		ev_buf_addf(b, "service %s (%s, %s): ",
		    or_q(c[EV_COL_SERVICE_NAME]), or_q(c[EV_COL_START_TYPE]),
		    or_q(c[EV_COL_USER]));
		add_flat(b, or_q(c[EV_COL_COMMAND_LINE]), 4 * RP_SCRIPT_ABRIDGED);
		break;
	case EV_KIND_TASK:
		if (ev_is_tasksched(ev)) {
			rp_tasksched_line(ev, b);
			break;
		}
		ev_buf_addf(b, "task %s %s by %s: ", or_q(c[EV_COL_TASK_NAME]),
		    ev->event_id == 4702 ? "updated" : "created",
		    or_q(c[EV_COL_USER]));
		add_flat(b, c[EV_COL_COMMAND_LINE] != NULL ?
		    c[EV_COL_COMMAND_LINE] : "(no Exec action)",
		    4 * RP_SCRIPT_ABRIDGED);
		break;
	case EV_KIND_DNS:
		ev_buf_addf(b, "dns %s -> ", or_q(c[EV_COL_QUERY_NAME]));
		add_flat(b, or_q(c[EV_COL_QUERY_RESULTS]), RP_SCRIPT_ABRIDGED);
		break;
	case EV_KIND_FILE:
		ev_buf_addf(b, "file %s", or_q(c[EV_COL_TARGET_FILENAME]));
		break;
	case EV_KIND_POWERSHELL:
		ev_buf_addf(b, "powershell %s", ev->event_id == 400 ?
		    "engine" : ev->event_id == 800 ? "pipeline" : "module");
		if (ev->event_id == 400)
			ev_buf_addf(b, " %s (%s)%s",
			    or_q(c[EV_COL_PS_ENGINE_VERSION]),
			    or_q(c[EV_COL_PS_HOST_NAME]),
			    ev_pwsh_downgrade(ev) ? " [downgrade]" : "");
		ev_buf_addf(b, "%s%s: ",
		    c[EV_COL_COMMAND_LINE] != NULL ? " in " : "",
		    c[EV_COL_COMMAND_LINE] != NULL ?
		    ev_basename(c[EV_COL_IMAGE]) != NULL ?
		    ev_basename(c[EV_COL_IMAGE]) : "?" : "");
		add_flat(b, c[EV_COL_SCRIPT_TEXT] != NULL ?
		    c[EV_COL_SCRIPT_TEXT] : or_q(c[EV_COL_COMMAND_LINE]),
		    RP_SCRIPT_ABRIDGED);
		break;
	case EV_KIND_WMI:
		wmi_line(ev, b);
		break;
	case EV_KIND_REMOTE_THREAD:
	case EV_KIND_PROCESS_ACCESS:
		access_line(ev, b);
		break;
	case EV_KIND_REGISTRY:
		registry_line(ev, b);
		break;
	case EV_KIND_DRIVER_LOAD:
	case EV_KIND_STREAM_HASH:
	case EV_KIND_PIPE:
		object_line(ev, b);
		break;
	default:
		break;
	}
}

