/*
 * check_sigma.c -- unit tests of the Sigma engine through sigma.h:
 * every modifier, escape and wildcard case of SPEC §4, windash, null vs
 * empty, three-valued 4688 evaluation, Sysmon 3/7 enrichment, rule
 * rejections with file:line:column, hostile rules (nesting, huge lists,
 * catastrophic regexes).  Table-driven: one row per case.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ev_arena.h"
#include "ev_util.h"
#include "event.h"
#include "sigma/ac.h"
#include "sigma/fold.h"
#include "sigma/memo.h"
#include "sigma/sigma.h"
#include "sigma/sigma_int.h"

#define MAXPAIRS 32

/* Event kinds the cases use. */
enum evk { S1, S3, S7, E4688V0, E4688V1, E4688V2,
	S1U	/* Sysmon 1, template: unresolved (positional values) */
};

struct evspec {
	enum evk	 k;
	const char	*data;		/* "Name=Value\n...", "^J": newline */
};

/*
 * Builds a normalised event (ev_normalise, as the pipeline does) from
 * spec; strings live in arena.
 */
static struct ev_event *
make_event(struct ev_arena *a, const struct evspec *sp)
{
	static const struct { uint32_t id; uint8_t ver; const char *prov; }
	    kinds[] = {
		[S1] = { 1, 5, EV_PROVIDER_SYSMON },
		[S3] = { 3, 5, EV_PROVIDER_SYSMON },
		[S7] = { 7, 3, EV_PROVIDER_SYSMON },
		[E4688V0] = { 4688, 0, EV_PROVIDER_SECURITY },
		[E4688V1] = { 4688, 1, EV_PROVIDER_SECURITY },
		[E4688V2] = { 4688, 2, EV_PROVIDER_SECURITY },
		[S1U] = { 1, 5, EV_PROVIDER_SYSMON },
	};
	struct ev_pair *pairs = ev_arena_calloc(a, MAXPAIRS * sizeof(*pairs));
	struct ev_record rec;
	struct ev_event *ev = ev_arena_calloc(a, sizeof(*ev));
	char *d = ev_arena_strdup(a, sp->data), *line, *save = NULL;
	uint32_t n = 0;

	ck_assert(pairs != NULL && ev != NULL && d != NULL);
	for (line = strtok_r(d, "\n", &save); line != NULL && n < MAXPAIRS;
	    line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');

		ck_assert_msg(eq != NULL, "bad event line '%s'", line);
		*eq = '\0';
		/* "^J" stands for a newline inside a value */
		for (char *j = strstr(eq + 1, "^J"); j != NULL;
		    j = strstr(j, "^J")) {
			*j = '\n';
			memmove(j + 1, j + 2, strlen(j + 2) + 1);
		}
		pairs[n].name = line;
		pairs[n].value = eq + 1;
		n++;
	}
	memset(&rec, 0, sizeof(rec));
	rec.event_id = kinds[sp->k].id;
	rec.version = kinds[sp->k].ver;
	rec.provider = kinds[sp->k].prov;
	rec.channel = "test";
	rec.computer = "host";
	rec.kind = ev_classify(rec.provider, strlen(rec.provider),
	    rec.event_id);
	rec.data = pairs;
	rec.ndata = n;
	rec.unresolved = sp->k == S1U;
	ck_assert_int_eq(ev_normalise(&rec, a, ev), 0);
	return ev;
}

/* A rule text around a detection block, for one logsource category. */
static char *
rule_text(const char *category, const char *detection)
{
	char *s;

	ck_assert(asprintf(&s, "title: test\nid: 00000000-0000-0000-0000-"
	    "000000000001\nstatus: test\nlevel: high\ntags:\n    - attack."
	    "t1218\nlogsource:\n    product: windows\n    category: %s\n"
	    "detection:\n%s", category, detection) != -1);
	return s;
}

/* Loads one rule; returns its status.  *setp kept for matching. */
static enum sigma_status
load_one(const char *text, struct sigma_set **setp,
    const struct sigma_rule **rp)
{
	struct sigma_set *set = sigma_set_new();
	struct ev_err err = EV_ERR_INIT;

	ck_assert(set != NULL);
	ck_assert_int_eq(sigma_load_buffer(set, "t.yml", text, strlen(text),
	    &err), 0);
	ck_assert_int_eq(sigma_compile(set, &err), 0);
	*setp = set;
	*rp = sigma_rule_at(set, 0);
	return (*rp)->status;
}

/* ---- matching cases -------------------------------------------------- */

struct mcase {
	const char	*name;
	const char	*category;
	const char	*detection;
	struct evspec	 ev;
	int		 want;		/* 1 fires, 0 does not */
};

#define PC "process_creation"
#define NC "network_connection"
#define IL "image_load"
#define SEL(x) "    selection:\n        " x "\n    condition: selection\n"
#define KW(x) "    keywords:\n        " x "\n    condition: keywords\n"

static const struct mcase mcases[] = {
	/* plain values: whole field, case-insensitive */
	{ "eq-case", PC, SEL("Image: 'C:\\Windows\\System32\\cmd.exe'"),
	    { S1, "Image=c:\\windows\\system32\\CMD.EXE" }, 1 },
	{ "eq-whole", PC, SEL("Image: 'cmd.exe'"),
	    { S1, "Image=C:\\Windows\\cmd.exe" }, 0 },
	{ "star", PC, SEL("Image: '*\\cmd.exe'"),
	    { S1, "Image=C:\\Windows\\cmd.exe" }, 1 },
	{ "star-empty", PC, SEL("Image: 'cmd*.exe'"),
	    { S1, "Image=cmd.exe" }, 1 },
	{ "qmark", PC, SEL("Image: 'c?d.exe'"), { S1, "Image=cmd.exe" }, 1 },
	{ "qmark-one", PC, SEL("Image: 'c?d.exe'"), { S1, "Image=cmmd.exe" },
	    0 },
	{ "qmark-utf8", PC, SEL("Image: 'c?d.exe'"),
	    { S1, "Image=c\xc3\xa9" "d.exe" }, 1 },
	{ "esc-star", PC, SEL("CommandLine: 'a\\*b'"),
	    { S1, "CommandLine=a*b" }, 1 },
	{ "esc-star-literal", PC, SEL("CommandLine: 'a\\*b'"),
	    { S1, "CommandLine=axxb" }, 0 },
	{ "esc-backslash-star", PC, SEL("CommandLine: 'a\\\\*'"),
	    { S1, "CommandLine=a\\zzz" }, 1 },
	{ "esc-backslash-star-no", PC, SEL("CommandLine: 'a\\\\*'"),
	    { S1, "CommandLine=azzz" }, 0 },
	{ "esc-qmark", PC, SEL("CommandLine: 'what\\?'"),
	    { S1, "CommandLine=what?" }, 1 },
	{ "esc-qmark-literal", PC, SEL("CommandLine: 'what\\?'"),
	    { S1, "CommandLine=whatx" }, 0 },
	{ "backslash-other", PC, SEL("Image: 'C:\\Windows\\x.exe'"),
	    { S1, "Image=C:\\Windows\\x.exe" }, 1 },
	{ "backslash-trailing", PC, SEL("CommandLine: 'dir\\'"),
	    { S1, "CommandLine=dir\\" }, 1 },
	{ "glob-middle", PC, SEL("CommandLine: '*a*b?c*'"),
	    { S1, "CommandLine=xxAyyBzCq" }, 1 },
	{ "glob-retry", PC, SEL("CommandLine: '*ab?d*'"),
	    { S1, "CommandLine=xabzyab\xc3\xa4" "d" }, 1 },
	{ "glob-retry-no", PC, SEL("CommandLine: '*ab?d*'"),
	    { S1, "CommandLine=xabzyabd" }, 0 },
	{ "glob-retry-invalid", PC, SEL("CommandLine: '*ab?d'"),
	    { S1, "CommandLine=\xe2" "ab\xe2(abzd" }, 1 },
	{ "glob-last-star", PC, SEL("CommandLine: 'a?*'"),
	    { S1, "CommandLine=a\xc3\xa4\xff" }, 1 },
	{ "glob-middle-no", PC, SEL("CommandLine: '*a*b?c*'"),
	    { S1, "CommandLine=xxAyyBCq" }, 0 },
	{ "unicode-fold", PC, SEL("Image|endswith: '\\\xc3\x84" "BC.exe'"),
	    { S1, "Image=C:\\\xc3\xa4" "bc.EXE" }, 1 },
	{ "unicode-sigma", PC, SEL("CommandLine: '\xce\xa3\xce\x91\xce\xa3'"),
	    { S1, "CommandLine=\xcf\x83\xce\xb1\xcf\x82" }, 1 },
	/* contains / startswith / endswith / all */
	{ "contains", PC, SEL("CommandLine|contains: 'URLCACHE'"),
	    { S1, "CommandLine=certutil -urlcache -f" }, 1 },
	{ "startswith", PC, SEL("CommandLine|startswith: 'certutil'"),
	    { S1, "CommandLine=CertUtil -f" }, 1 },
	{ "startswith-no", PC, SEL("CommandLine|startswith: 'util'"),
	    { S1, "CommandLine=CertUtil -f" }, 0 },
	{ "endswith", PC, SEL("Image|endswith: '\\regsvr32.exe'"),
	    { S1, "Image=C:\\x\\REGSVR32.exe" }, 1 },
	{ "list-or", PC, SEL("Image|endswith:\n            - 'a.exe'\n"
	    "            - 'b.exe'"), { S1, "Image=C:\\b.exe" }, 1 },
	{ "all", PC, SEL("CommandLine|contains|all:\n            - 'scrobj'\n"
	    "            - '/i:http'"),
	    { S1, "CommandLine=regsvr32 /s /i:http://x scrobj.dll" }, 1 },
	{ "all-missing", PC, SEL("CommandLine|contains|all:\n"
	    "            - 'scrobj'\n            - '/i:http'"),
	    { S1, "CommandLine=regsvr32 scrobj.dll" }, 0 },
	/* windash */
	{ "windash-slash", PC, SEL("CommandLine|contains|windash: ' -enc '"),
	    { S1, "CommandLine=powershell /enc AAA" }, 1 },
	{ "windash-endash", PC, SEL("CommandLine|contains|windash: ' -enc '"),
	    { S1, "CommandLine=powershell \xe2\x80\x93" "enc AAA" }, 1 },
	{ "windash-horizbar", PC, SEL("CommandLine|windash|contains: '-enc'"),
	    { S1, "CommandLine=powershell \xe2\x80\x95" "enc AAA" }, 1 },
	{ "windash-n2", PC, SEL("CommandLine|windash: 'x -a -b'"),
	    { S1, "CommandLine=x /a \xe2\x80\x94" "b" }, 1 },
	{ "windash-n2-mixed", PC, SEL("CommandLine|windash: 'x -a -b'"),
	    { S1, "CommandLine=x -a /b" }, 1 },
	{ "windash-n2-no", PC, SEL("CommandLine|windash: 'x -a -b'"),
	    { S1, "CommandLine=x -a +b" }, 0 },
	{ "windash-midword", PC, SEL("CommandLine|windash|contains: 'a-b'"),
	    { S1, "CommandLine=xa/by" }, 0 },
	/* re */
	{ "re-cased", PC, SEL("CommandLine|re: 'ab+c'"),
	    { S1, "CommandLine=xxABBC" }, 0 },
	{ "re-i", PC, SEL("CommandLine|re|i: 'ab+c'"),
	    { S1, "CommandLine=xxABBC" }, 1 },
	{ "re-unanchored", PC, SEL("CommandLine|re: 'ab+c'"),
	    { S1, "CommandLine=zzabbcz" }, 1 },
	{ "re-m", PC, SEL("CommandLine|re|m: '^b$'"),
	    { S1, "CommandLine=a^Jb^Jc" }, 1 },
	{ "re-no-m", PC, SEL("CommandLine|re: '^b$'"),
	    { S1, "CommandLine=a^Jb^Jc" }, 0 },
	{ "re-s", PC, SEL("CommandLine|re|s: 'a.b'"),
	    { S1, "CommandLine=a^Jb" }, 1 },
	{ "re-no-s", PC, SEL("CommandLine|re: 'a.b'"),
	    { S1, "CommandLine=a^Jb" }, 0 },
	/* re: literal chains checked before pcre2, exact for ".*" joins */
	{ "re-chain", PC, SEL("CommandLine|re: '\\+.*\\+.*\\+'"),
	    { S1, "CommandLine=a+b+c+" }, 1 },
	{ "re-chain-short", PC, SEL("CommandLine|re: '\\+.*\\+.*\\+'"),
	    { S1, "CommandLine=a+b+c" }, 0 },
	{ "re-chain-lines", PC, SEL("CommandLine|re: '\\+.*\\+.*\\+'"),
	    { S1, "CommandLine=a+b^J+c+" }, 0 },
	{ "re-chain-lines-s", PC, SEL("CommandLine|re|s: '\\+.*\\+.*\\+'"),
	    { S1, "CommandLine=a+b^J+c+" }, 1 },
	{ "re-chain-cased", PC, SEL("CommandLine|re: 'ab.*cd'"),
	    { S1, "CommandLine=xABzzCD" }, 0 },
	{ "re-chain-i", PC, SEL("CommandLine|re|i: 'ab.*cd'"),
	    { S1, "CommandLine=xABzzCD" }, 1 },
	{ "re-chain-order", PC, SEL("CommandLine|re|i: 'ab.*cd'"),
	    { S1, "CommandLine=cd ab" }, 0 },
	{ "re-chain-kelvin", PC, SEL("CommandLine|re|i: 'k.*s'"),
	    { S1, "CommandLine=\xe2\x84\xaa x \xc5\xbf" }, 1 },
	{ "re-chain-invalid-utf8", PC, SEL("CommandLine|re: '\\+.*\\+'"),
	    { S1, "CommandLine=+\xff+" }, 0 },
	{ "re-brace-literal", PC, SEL("CommandLine|re: 'xyz{|abc}'"),
	    { S1, "CommandLine=abc}" }, 1 },
	{ "re-posix-class", PC, SEL("CommandLine|re: '[[:digit:]]x'"),
	    { S1, "CommandLine=5x" }, 1 },
	{ "re-quantified-run", PC, SEL("CommandLine|re: 'abc{0}d'"),
	    { S1, "CommandLine=abd" }, 1 },
	{ "re-minlength", PC, SEL("CommandLine|re: 'a[0-9]{6}'"),
	    { S1, "CommandLine=a12345" }, 0 },
	/* prefilter clauses: every AND child's literals are needed */
	{ "cnf-both", PC, "    a:\n        Image|endswith: '\\cmd.exe'\n"
	    "    b:\n        CommandLine|contains: 'whoami'\n"
	    "    condition: a and b\n",
	    { S1, "Image=C:\\cmd.exe\nCommandLine=cmd /c whoami" }, 1 },
	{ "cnf-one", PC, "    a:\n        Image|endswith: '\\cmd.exe'\n"
	    "    b:\n        CommandLine|contains: 'whoami'\n"
	    "    condition: a and b\n",
	    { S1, "Image=C:\\cmd.exe\nCommandLine=cmd /c dir" }, 0 },
	{ "cnf-not", PC, "    a:\n        Image|endswith: '\\cmd.exe'\n"
	    "    b:\n        CommandLine|contains: 'whoami'\n"
	    "    condition: a and not b\n",
	    { S1, "Image=C:\\cmd.exe\nCommandLine=cmd /c dir" }, 1 },
	{ "cnf-or-of-and", PC, "    a:\n        Image|endswith: '\\cmd.exe'\n"
	    "    b:\n        CommandLine|contains: 'whoami'\n"
	    "    c:\n        Image|endswith: '\\net.exe'\n"
	    "    d:\n        CommandLine|contains: ' user '\n"
	    "    condition: (a and b) or (c and d)\n",
	    { S1, "Image=C:\\net.exe\nCommandLine=net user x" }, 1 },
	{ "cnf-all-groups", PC, SEL("CommandLine|contains|all:\n"
	    "            - 'abc'\n            - 'def'\n            - 'ghi'\n"
	    "            - 'jkl'\n            - 'mno'"),
	    { S1, "CommandLine=mno jkl ghi def abc" }, 1 },
	{ "cnf-all-groups-no", PC, SEL("CommandLine|contains|all:\n"
	    "            - 'abc'\n            - 'def'\n            - 'ghi'\n"
	    "            - 'jkl'\n            - 'mno'"),
	    { S1, "CommandLine=mno jkl ghi def ab" }, 0 },
	/* non-ASCII literals never match an ASCII value */
	{ "nonascii-no", PC, SEL("CommandLine|contains: '\xd0\xb0'"),
	    { S1, "CommandLine=cmd /c a" }, 0 },
	{ "nonascii-fold", PC, SEL("CommandLine|contains: '\xd0\xb0'"),
	    { S1, "CommandLine=cmd /c \xd0\x90" }, 1 },
	{ "nonascii-list", PC, SEL("CommandLine|contains:\n"
	    "            - '\xd0\xb0'\n            - '\xd0\xb5'"),
	    { S1, "CommandLine=cmd /c \xd0\x95" }, 1 },
	{ "nonascii-glob", PC, SEL("CommandLine: '*\xc3\xa4?x*'"),
	    { S1, "CommandLine=abc \xc3\x84yx" }, 1 },
	{ "ascii-kelvin", PC, SEL("CommandLine|contains: 'kb'"),
	    { S1, "CommandLine=a \xe2\x84\xaa" "B" }, 1 },
	{ "fold-swar", PC, SEL("CommandLine: 'abcdefghijklmnopqrstuvwxyz@[`{'"),
	    { S1, "CommandLine=ABCDEFGHIJKLMNOPQRSTUVWXYZ@[`{" }, 1 },
	{ "glob-chain", PC, SEL("CommandLine|contains: '>?%TEMP%\\'"),
	    { S1, "CommandLine=echo a >\"%temp%\\x" }, 1 },
	{ "glob-chain-no", PC, SEL("CommandLine|contains: '>?%TEMP%\\'"),
	    { S1, "CommandLine=echo a >%temp%\\x" }, 0 },
	/* cidr */
	{ "cidr4", NC, SEL("DestinationIp|cidr: '10.0.0.0/8'"),
	    { S3, "DestinationIp=10.1.2.3" }, 1 },
	{ "cidr4-no", NC, SEL("DestinationIp|cidr: '10.0.0.0/8'"),
	    { S3, "DestinationIp=11.0.0.1" }, 0 },
	{ "cidr4-odd", NC, SEL("DestinationIp|cidr: '172.16.0.0/12'"),
	    { S3, "DestinationIp=172.31.255.1" }, 1 },
	{ "cidr6", NC, SEL("DestinationIp|cidr: 'fe80::/10'"),
	    { S3, "DestinationIp=fe80::1" }, 1 },
	{ "cidr6-v4", NC, SEL("DestinationIp|cidr: 'fe80::/10'"),
	    { S3, "DestinationIp=10.0.0.1" }, 0 },
	{ "cidr-notip", NC, SEL("DestinationIp|cidr: '10.0.0.0/8'"),
	    { S3, "DestinationIp=10.0.0.1x" }, 0 },
	/* base64, base64offset, wide */
	{ "base64", PC, SEL("CommandLine|base64: 'hello'"),
	    { S1, "CommandLine=aGVsbG8=" }, 1 },
	{ "base64offset-0", PC, SEL("CommandLine|base64offset|contains: "
	    "'http://'"), { S1, "CommandLine=x aHR0cDovL y" }, 1 },
	{ "base64offset-1", PC, SEL("CommandLine|base64offset|contains: "
	    "'http://'"), { S1, "CommandLine=x h0dHA6Ly y" }, 1 },
	{ "base64offset-2", PC, SEL("CommandLine|base64offset|contains: "
	    "'http://'"), { S1, "CommandLine=x odHRwOi8v y" }, 1 },
	{ "wide-base64offset", PC, SEL("CommandLine|wide|base64offset|"
	    "contains: 'ping'"), { S1, "CommandLine=-e eHggcABpAG4AZwAgeXk=" },
	    1 },
	{ "wide-base64offset-no", PC, SEL("CommandLine|wide|base64offset|"
	    "contains: 'ping'"), { S1, "CommandLine=-e cGluZw==" }, 0 },
	/* cased, exists, fieldref, numbers */
	{ "cased", PC, SEL("CommandLine|cased: 'ABC'"),
	    { S1, "CommandLine=abc" }, 0 },
	{ "cased-yes", PC, SEL("CommandLine|contains|cased: 'ABC'"),
	    { S1, "CommandLine=xABCx" }, 1 },
	{ "exists", PC, SEL("ParentCommandLine|exists: true"),
	    { S1, "ParentCommandLine=" }, 1 },
	{ "exists-false", PC, SEL("ParentCommandLine|exists: false"),
	    { S1, "Image=x" }, 1 },
	{ "fieldref", PC, SEL("ParentImage|fieldref: Image"),
	    { S1, "Image=C:\\A.exe\nParentImage=c:\\a.exe" }, 1 },
	{ "fieldref-no", PC, SEL("ParentImage|fieldref: Image"),
	    { S1, "Image=C:\\A.exe\nParentImage=c:\\b.exe" }, 0 },
	{ "fieldref-len", PC, SEL("ParentImage|fieldref: Image"),
	    { S1, "Image=C:\\A.exe\nParentImage=c:\\a.exe " }, 0 },
	{ "fieldref-kelvin", PC, SEL("ParentImage|fieldref: Image"),
	    { S1, "Image=C:\\\xe2\x84\xaa.exe\nParentImage=c:\\k.exe" }, 1 },
	{ "fieldref-cyrillic", PC, SEL("ParentImage|fieldref: Image"),
	    { S1, "Image=C:\\\xd0\x90.exe\nParentImage=c:\\\xd0\xb0.exe" },
	    1 },
	{ "fieldref-cased", PC, SEL("ParentImage|fieldref|cased: Image"),
	    { S1, "Image=C:\\A.exe\nParentImage=c:\\a.exe" }, 0 },
	{ "gt", NC, SEL("DestinationPort|gt: 1000"),
	    { S3, "DestinationPort=8080" }, 1 },
	{ "gt-no", NC, SEL("DestinationPort|gt: 1000"),
	    { S3, "DestinationPort=80" }, 0 },
	{ "lte", NC, SEL("DestinationPort|lte: 80"),
	    { S3, "DestinationPort=80" }, 1 },
	{ "gte-nan", NC, SEL("DestinationPort|gte: 1"),
	    { S3, "DestinationPort=http" }, 0 },
	{ "number-eq", NC, SEL("DestinationPort: 445"),
	    { S3, "DestinationPort=445" }, 1 },
	{ "bool", NC, SEL("Initiated: true"), { S3, "Initiated=true" }, 1 },
	/* null vs empty */
	{ "null-absent", PC, SEL("CommandLine: null"), { S1, "Image=x" }, 1 },
	{ "null-empty", PC, SEL("CommandLine: null"), { S1, "CommandLine=" },
	    1 },
	{ "null-value", PC, SEL("CommandLine: null"), { S1, "CommandLine=x" },
	    0 },
	{ "empty-empty", PC, SEL("CommandLine: ''"), { S1, "CommandLine=" },
	    1 },
	{ "empty-absent", PC, SEL("CommandLine: ''"), { S1, "Image=x" }, 0 },
	{ "absent-false", PC, SEL("CommandLine|contains: 'x'"),
	    { S1, "Image=x" }, 0 },
	/* keywords: EventData values only, full-text */
	{ "keyword", PC, "    keywords:\n        - '\\perfc.dat'\n"
	    "    condition: keywords\n",
	    { S1, "CommandLine=rundll32 C:\\Windows\\PERFC.dat,#1" }, 1 },
	{ "keyword-no", PC, "    keywords:\n        - '\\perfc.dat'\n"
	    "    condition: keywords\n", { S1, "CommandLine=rundll32" }, 0 },
	/* keywords on values as logged: ASCII case, anchors, letters only */
	{ "keyword-upper", PC, KW("- '\\PERFC.DAT'"),
	    { S1, "Image=x\nCommandLine=c:\\perfc.dat" }, 1 },
	{ "keyword-at-end", PC, KW("- '.dat'"),
	    { S1, "CommandLine=a\nImage=C:\\X.DAT" }, 1 },
	{ "keyword-letters", PC, KW("- 'rundll'"),
	    { S1, "CommandLine=C:\\RunDLL32.exe" }, 1 },
	{ "keyword-letters-no", PC, KW("- 'rundll'"),
	    { S1, "CommandLine=C:\\RunDL32.exe" }, 0 },
	{ "keyword-longer", PC, KW("- 'abc.def'"),
	    { S1, "CommandLine=bc.def" }, 0 },
	{ "keyword-startswith", PC, KW("'|startswith': 'c:\\w'"),
	    { S1, "CommandLine=x C:\\W\nImage=C:\\Windows" }, 1 },
	/* (anchors are full-text too: a substring of a value) */
	{ "keyword-endswith", PC, KW("'|endswith': '.EXE'"),
	    { S1, "CommandLine=a.exe b" }, 1 },
	/* U+212A KELVIN SIGN folds to k: a literal with k is folded first */
	{ "keyword-kelvin", PC, KW("- 'mkdir'"),
	    { S1, "CommandLine=m\xe2\x84\xaa" "dir x" }, 1 },
	{ "keyword-re-chain", PC, "    keywords:\n        '|re': 'a.*b.*c'\n"
	    "    condition: keywords\n", { S1, "CommandLine=xaybzc" }, 1 },
	{ "keyword-re-chain-no", PC, "    keywords:\n        '|re': 'a.*b.*c'\n"
	    "    condition: keywords\n", { S1, "CommandLine=xcybza" }, 0 },
	/* conditions */
	{ "prec", PC, "    a:\n        Image: 'a'\n    b:\n        Image: 'b'\n"
	    "    c:\n        CommandLine: 'c'\n"
	    "    condition: a or b and not c\n",
	    { S1, "Image=a\nCommandLine=c" }, 1 },
	{ "prec-2", PC, "    a:\n        Image: 'a'\n    b:\n        Image: 'b'\n"
	    "    c:\n        CommandLine: 'c'\n"
	    "    condition: a or b and not c\n",
	    { S1, "Image=b\nCommandLine=c" }, 0 },
	{ "parens", PC, "    a:\n        Image: 'a'\n    b:\n        Image: 'b'\n"
	    "    c:\n        CommandLine: 'c'\n"
	    "    condition: (a or b) and not c\n",
	    { S1, "Image=a\nCommandLine=c" }, 0 },
	{ "1-of", PC, "    sel_a:\n        Image: 'a'\n    sel_b:\n"
	    "        Image: 'b'\n    condition: 1 of sel_*\n",
	    { S1, "Image=b" }, 1 },
	{ "all-of", PC, "    sel_a:\n        Image: 'a'\n    sel_b:\n"
	    "        CommandLine: 'b'\n    condition: all of sel_*\n",
	    { S1, "Image=a\nCommandLine=x" }, 0 },
	{ "them-underscore", PC, "    sel:\n        Image: 'a'\n    _x:\n"
	    "        Image: 'b'\n    condition: 1 of them\n",
	    { S1, "Image=b" }, 0 },
	{ "list-of-maps", PC, "    sel:\n        - Image: 'a'\n"
	    "        - CommandLine: 'b'\n    condition: sel\n",
	    { S1, "Image=x\nCommandLine=B" }, 1 },
	{ "condition-list", PC, "    a:\n        Image: 'a'\n    b:\n"
	    "        Image: 'b'\n    condition:\n        - a\n        - b\n",
	    { S1, "Image=b" }, 1 },
	/* 4688: mapped names, three-valued logic */
	{ "4688-image", PC, SEL("Image|endswith: '\\cmd.exe'"),
	    { E4688V2, "NewProcessName=C:\\Windows\\cmd.exe" }, 1 },
	{ "4688-parent", PC, SEL("ParentImage|endswith: '\\explorer.exe'"),
	    { E4688V2, "NewProcessName=C:\\x.exe\n"
	    "ParentProcessName=C:\\Windows\\explorer.exe" }, 1 },
	{ "4688-user", PC, SEL("User: 'NT AUTHORITY\\SYSTEM'"),
	    { E4688V2, "NewProcessName=x\nSubjectUserSid=S-1-5-18\n"
	    "TargetUserSid=S-1-0-0" }, 1 },
	{ "4688-integrity", PC, SEL("IntegrityLevel: 'High'"),
	    { E4688V2, "NewProcessName=x\nMandatoryLabel=S-1-16-12288" }, 1 },
	{ "4688-pid", PC, SEL("ProcessId: 1234"),
	    { E4688V2, "NewProcessName=x\nNewProcessId=0x4d2" }, 1 },
	{ "4688-not-unknown", PC, "    sel:\n        Image|endswith: 'cmd.exe'\n"
	    "    filter:\n        ParentCommandLine|contains: 'x'\n"
	    "    condition: sel and not filter\n",
	    { E4688V2, "NewProcessName=C:\\cmd.exe\nCommandLine=cmd" }, 0 },
	{ "sysmon-not-absent", PC, "    sel:\n        Image|endswith: 'cmd.exe'\n"
	    "    filter:\n        ParentCommandLine|contains: 'x'\n"
	    "    condition: sel and not filter\n",
	    { S1, "Image=C:\\cmd.exe\nCommandLine=cmd" }, 1 },
	{ "4688-or-unknown", PC, "    sel:\n        Image|endswith: 'cmd.exe'\n"
	    "    ofn:\n        OriginalFileName: 'cmd.exe'\n"
	    "    condition: sel or ofn\n",
	    { E4688V2, "NewProcessName=C:\\cmd.exe" }, 1 },
	{ "4688-and-unknown", PC, "    sel:\n        Image|endswith: 'cmd.exe'\n"
	    "    ofn:\n        OriginalFileName: 'cmd.exe'\n"
	    "    condition: sel and ofn\n",
	    { E4688V2, "NewProcessName=C:\\cmd.exe" }, 0 },
	{ "4688-and-false-unknown", PC, "    sel:\n        Image: 'x'\n"
	    "    ofn:\n        OriginalFileName: 'cmd.exe'\n"
	    "    condition: not (sel and ofn)\n",
	    { E4688V2, "NewProcessName=C:\\cmd.exe" }, 1 },
	{ "4688-v0-cmdline", PC, "    sel:\n        Image|endswith: 'cmd.exe'\n"
	    "    f:\n        CommandLine|contains: '/c'\n"
	    "    condition: sel and not f\n",
	    { E4688V0, "NewProcessName=C:\\cmd.exe" }, 0 },
	{ "4688-v1-cmdline", PC, SEL("CommandLine|contains: '/c'"),
	    { E4688V1, "NewProcessName=C:\\cmd.exe\nCommandLine=cmd /c x" }, 1 },
	{ "4688-v1-parent", PC, "    sel:\n        Image|endswith: 'cmd.exe'\n"
	    "    f:\n        ParentImage|endswith: 'explorer.exe'\n"
	    "    condition: sel and not f\n",
	    { E4688V1, "NewProcessName=C:\\cmd.exe" }, 0 },
	{ "4688-null-unknown", PC, SEL("OriginalFileName: null"),
	    { E4688V2, "NewProcessName=C:\\cmd.exe" }, 0 },
	{ "4688-raw-name", PC, SEL("TokenElevationType: '%%1937'"),
	    { E4688V2, "NewProcessName=x\nTokenElevationType=%%1937" }, 1 },
	/* template: unresolved: named fields unknown, keywords on values */
	{ "unresolved-not", PC, "    sel:\n        Image|endswith: 'x.exe'\n"
	    "    condition: not sel\n",
	    { S1U, "#1=-\n#5=C:\\cmd.exe" }, 0 },
	{ "positional-not", PC, "    sel:\n        Image|endswith: 'x.exe'\n"
	    "    condition: not sel\n",
	    { S1, "#1=-\n#5=C:\\cmd.exe" }, 1 },
	{ "unresolved-null", PC, SEL("CommandLine: null"),
	    { S1U, "#1=-\n#5=C:\\cmd.exe" }, 0 },
	{ "unresolved-keyword", PC, KW("- '\\cmd.exe'"),
	    { S1U, "#1=-\n#5=C:\\cmd.exe" }, 1 },
	/* short literals: the prefilter needs one rare byte of theirs */
	{ "short-caret", PC, SEL("CommandLine|contains: '^^'"),
	    { S1, "CommandLine=c^^md /c x" }, 1 },
	{ "short-caret-one", PC, SEL("CommandLine|contains: '^^'"),
	    { S1, "CommandLine=c^md /c x" }, 0 },
	{ "short-letter-case", PC, SEL("CommandLine|contains: 'a;'"),
	    { S1, "CommandLine=XA;Y" }, 1 },
	{ "short-cased", PC, SEL("CommandLine|contains|cased: 'A;'"),
	    { S1, "CommandLine=xa;y" }, 0 },
	{ "short-cased-2", PC, SEL("CommandLine|contains|cased: 'A;'"),
	    { S1, "CommandLine=xA;y" }, 1 },
	{ "short-nonascii-fold", PC, SEL("CommandLine|contains: '\xd0\x90'"),
	    { S1, "CommandLine=p\xd0\xb0th" }, 1 },
	{ "short-nonascii-ascii", PC, SEL("CommandLine|contains: '\xd0\x90'"),
	    { S1, "CommandLine=path" }, 0 },
	{ "short-re-runs", PC, SEL("CommandLine|re: '\\w+`\\w+'"),
	    { S1, "CommandLine=iE`x" }, 1 },
	{ "short-glob", PC, SEL("CommandLine|contains: 'a*|'"),
	    { S1, "CommandLine=xA b | y" }, 1 },
	{ "short-glob-order", PC, SEL("CommandLine|contains: 'a*|'"),
	    { S1, "CommandLine=x | bA" }, 0 },
	/* logsource routing */
	{ "route-il-on-s1", IL, SEL("Image|endswith: 'a.exe'"),
	    { S1, "Image=a.exe" }, 0 },
	{ "route-il", IL, SEL("ImageLoaded|endswith: '\\x.dll'"),
	    { S7, "Image=a.exe\nImageLoaded=C:\\x.dll" }, 1 },
};

static void
check_match(const struct mcase *mc)
{
	struct ev_arena a = EV_ARENA_INIT;
	struct sigma_set *set;
	const struct sigma_rule *r;
	struct sigma_scratch *sc;
	const uint32_t *hits;
	const struct ev_event *ev;
	char *text = rule_text(mc->category, mc->detection);
	int n;

	ck_assert_msg(load_one(text, &set, &r) == SIGMA_LOADED,
	    "%s: rejected: %s", mc->name, r->reason);
	sc = sigma_scratch_new(set);
	ck_assert(sc != NULL);
	ev = make_event(&a, &mc->ev);
	n = sigma_match(set, sc, ev, &hits);
	ck_assert_msg(n == mc->want, "%s: %d hits, want %d", mc->name, n,
	    mc->want);
	/* again: now answered from the memo of the values */
	n = sigma_match(set, sc, ev, &hits);
	ck_assert_msg(n == mc->want, "%s: %d hits from the memo, want %d",
	    mc->name, n, mc->want);
	sigma_scratch_memo(sc, false);
	n = sigma_match(set, sc, ev, &hits);
	ck_assert_msg(n == mc->want, "%s: %d hits without memo, want %d",
	    mc->name, n, mc->want);
	/* every shortcut off: the same answer */
	sigma_scratch_prefilter(sc, false);
	n = sigma_match(set, sc, ev, &hits);
	ck_assert_msg(n == mc->want, "%s: %d hits without prefilter, want %d",
	    mc->name, n, mc->want);
	sigma_scratch_free(sc);
	sigma_set_free(set);
	ev_arena_release(&a);
	free(text);
}

START_TEST(test_match)
{
	check_match(&mcases[_i]);
}
END_TEST

/*
 * The memo keeps per-value work across events: an event sharing one
 * value with an earlier one must still be judged on all of its own, and
 * a field that a 4688 rule reads under Sysmon names (Image is
 * NewProcessName) and another reads as logged (Image) must not lend one
 * value's item results to the other.
 */
START_TEST(test_memo_across_events)
{
	static const char mapped[] = "title: m\nid: 00000000-0000-0000-0000-"
	    "000000000001\nlogsource:\n    product: windows\n    category: "
	    "process_creation\ndetection:\n    sel:\n        Image|endswith: "
	    "'evil.exe'\n    cl:\n        CommandLine|contains: ' /x'\n"
	    "    condition: sel and cl\n";
	static const char native[] = "title: n\nid: 00000000-0000-0000-0000-"
	    "000000000002\nlogsource:\n    product: windows\n    service: "
	    "security\ndetection:\n    sel:\n        Image|endswith: "
	    "'evil.exe'\n    condition: sel\n";
	static const struct { struct evspec ev; int want; uint32_t hit; }
	    seq[] = {
		{ { S1, "Image=C:\\t\\evil.exe\nCommandLine=evil /x" }, 1, 0 },
		{ { S1, "Image=C:\\t\\evil.exe\nCommandLine=evil /y" }, 0, 0 },
		{ { E4688V2, "NewProcessName=C:\\t\\evil.exe\n"
		    "Image=C:\\good.exe\nCommandLine=evil /x" }, 1, 0 },
		{ { E4688V2, "NewProcessName=C:\\good.exe\n"
		    "Image=C:\\t\\evil.exe\nCommandLine=evil /x" }, 1, 1 },
		{ { S1, "Image=C:\\t\\evil.exe\nCommandLine=evil /x" }, 1, 0 },
		{ { E4688V2, "NewProcessName=C:\\good.exe\n"
		    "Image=C:\\t\\evil.exe\nCommandLine=evil /x" }, 1, 1 },
	};
	struct ev_arena a = EV_ARENA_INIT;
	struct ev_err err = EV_ERR_INIT;
	struct sigma_set *set = sigma_set_new();
	struct sigma_scratch *sc;
	struct sigma_match_stats st;
	const uint32_t *hits;

	ck_assert(set != NULL);
	ck_assert_int_eq(sigma_load_buffer(set, "m.yml", mapped,
	    strlen(mapped), &err), 0);
	ck_assert_int_eq(sigma_load_buffer(set, "n.yml", native,
	    strlen(native), &err), 0);
	ck_assert_int_eq(sigma_compile(set, &err), 0);
	ck_assert_int_eq(sigma_count_status(set, SIGMA_LOADED), 2);
	sc = sigma_scratch_new(set);
	ck_assert(sc != NULL);
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < NELEM(seq); i++) {
			const struct ev_event *ev = make_event(&a, &seq[i].ev);
			int n = sigma_match(set, sc, ev, &hits);

			ck_assert_msg(n == seq[i].want, "event %zu pass %d: "
			    "%d hits, want %d", i, pass, n, seq[i].want);
			if (n == 1)
				ck_assert_uint_eq(hits[0], seq[i].hit);
		}
	sigma_scratch_stats(sc, &st);
	ck_assert(st.memo_hits > 0);
	/* n looks at Image alone: answered whole when Image comes back */
	ck_assert(st.memo_rules > 0);
	/* the second pass's events were seen whole in the first */
	ck_assert(st.evmemo_hits >= NELEM(seq));
	sigma_scratch_free(sc);
	sigma_set_free(set);
	ev_arena_release(&a);
}
END_TEST

/*
 * The event memo answers for the rules that read only the scanned
 * fields; the others are evaluated again on every event, even when
 * every scanned value is as before: here a keyword rule reads a value
 * no rule scans, and a fieldref rule compares two fields.  A keyword in
 * a value a field scans is answered by that scan's finds.
 */
START_TEST(test_event_memo_undecided)
{
	static const char *const rules[] = {
	    "    sel:\n        Image|endswith: 'a.exe'\n"
	    "    condition: sel\n",
	    "    kw:\n        - 'evilword'\n    condition: kw\n",
	    "    sel:\n        ParentCommandLine|fieldref: CommandLine\n"
	    "    condition: sel\n",
	    "    sel:\n        CommandLine|contains: 'xyz'\n"
	    "    condition: sel\n",
	};
	static const struct { struct evspec ev; int want; } seq[] = {
		{ { S1, "Image=C:\\a.exe\nCommandLine=run\n"
		    "RuleName=evilword\nParentCommandLine=run" }, 3 },
		{ { S1, "Image=C:\\a.exe\nCommandLine=run\n"
		    "RuleName=none\nParentCommandLine=run" }, 2 },
		{ { S1, "Image=C:\\a.exe\nCommandLine=run\n"
		    "RuleName=none\nParentCommandLine=walk" }, 1 },
		{ { S1, "Image=C:\\a.exe\nCommandLine=run\n"
		    "RuleName=evilword\nParentCommandLine=run" }, 3 },
		/* the keyword in a scanned value: answered by the scan */
		{ { S1, "Image=C:\\a.exe\nCommandLine=run EVILWORD\n"
		    "RuleName=none\nParentCommandLine=x" }, 2 },
		{ { S1, "Image=C:\\a.exe\nCommandLine=run evilwor\n"
		    "RuleName=none\nParentCommandLine=x" }, 1 },
	};
	struct ev_arena a = EV_ARENA_INIT;
	struct ev_err err = EV_ERR_INIT;
	struct sigma_set *set = sigma_set_new();
	struct sigma_scratch *sc;
	struct sigma_match_stats st;
	const uint32_t *hits;

	ck_assert(set != NULL);
	for (size_t i = 0; i < NELEM(rules); i++) {
		char *text = rule_text(PC, rules[i]);

		ck_assert_int_eq(sigma_load_buffer(set, "r.yml", text,
		    strlen(text), &err), 0);
		free(text);
	}
	ck_assert_int_eq(sigma_compile(set, &err), 0);
	ck_assert_int_eq(sigma_count_status(set, SIGMA_LOADED), 4);
	sc = sigma_scratch_new(set);
	ck_assert(sc != NULL);
	for (size_t i = 0; i < NELEM(seq); i++) {
		int n = sigma_match(set, sc, make_event(&a, &seq[i].ev), &hits);

		ck_assert_msg(n == seq[i].want, "event %zu: %d hits, want %d",
		    i, n, seq[i].want);
	}
	sigma_scratch_stats(sc, &st);
	ck_assert_uint_ge(st.evmemo_hits, 2);
	sigma_scratch_free(sc);
	sigma_set_free(set);
	ev_arena_release(&a);
}
END_TEST

/* ---- rejections ------------------------------------------------------ */

struct rcase {
	const char	*name;
	const char	*text;		/* whole rule when not a detection */
	bool		 whole;
	const char	*reason;	/* substring of the reason */
	uint32_t	 line, column;	/* 0: not checked */
};

static const struct rcase rcases[] = {
	{ "unknown-modifier", SEL("CommandLine|windas: 'x'"), false,
	    "unknown modifier 'windas'", 12, 9 },
	{ "expand", SEL("CommandLine|expand: '%x%'"), false,
	    "placeholder", 12, 9 },
	{ "pipe", "    sel:\n        Image: x\n    condition: sel | count() > 5\n",
	    false, "aggregation", 13, 16 },
	{ "near", "    sel:\n        Image: x\n    b:\n        Image: y\n"
	    "    condition: sel | near b\n", false, "not supported", 0, 0 },
	{ "timeframe", "    sel:\n        Image: x\n    timeframe: 5m\n"
	    "    condition: sel\n", false, "timeframe", 13, 5 },
	{ "cond-syntax", "    sel:\n        Image: x\n    condition: sel and\n",
	    false, "condition", 0, 0 },
	{ "cond-unknown", "    sel:\n        Image: x\n    condition: sel and b\n",
	    false, "unknown detection 'b'", 0, 0 },
	{ "cond-nonsigma", "    sel:\n        Image: x\n"
	    "    condition: write ProcessGuid from (sel) -> alert\n",
	    false, "condition", 0, 0 },
	{ "cond-no-match", "    sel:\n        Image: x\n"
	    "    condition: 1 of filter_*\n", false, "matches no detection",
	    0, 0 },
	{ "cond-empty-parens", "    sel:\n        Image: x\n"
	    "    condition: ()\n", false, "condition", 0, 0 },
	{ "no-condition", "    sel:\n        Image: x\n", false,
	    "no condition", 0, 0 },
	{ "bad-regex", SEL("CommandLine|re: 'a(b'"), false,
	    "missing closing parenthesis at offset 3", 12, 25 },
	{ "bad-cidr", SEL("DestinationIp|cidr: '10.0.0.0/33'"), false,
	    "cidr", 0, 0 },
	{ "re-and-contains", SEL("CommandLine|re|contains: 'x'"), false,
	    "cannot be combined", 0, 0 },
	{ "gt-string", SEL("CommandLine|gt: 'abc'"), false, "not a number",
	    0, 0 },
	{ "base64-wildcard", SEL("CommandLine|base64: 'a*b'"), false,
	    "wildcards", 0, 0 },
	{ "utf16-bom", SEL("CommandLine|utf16|base64: 'a'"), false,
	    "utf16", 0, 0 },
	{ "yaml-error", "    sel:\n      - a\n     b: [\n", false, "YAML",
	    0, 0 },
	{ "correlation", "title: c\ncorrelation:\n    type: event_count\n"
	    "    rules: [x]\n", true, "correlation has no 'timespan'", 3, 5 },
	{ "collection", "action: global\ntitle: x\n", true, "collection", 0,
	    0 },
	{ "bad-level", "title: a\nlevel: severe\nlogsource:\n    product: "
	    "windows\n    category: process_creation\ndetection:\n    s:\n"
	    "        Image: x\n    condition: s\n", true, "unknown level", 2,
	    8 },
};

START_TEST(test_reject)
{
	const struct rcase *rc = &rcases[_i];
	struct sigma_set *set;
	const struct sigma_rule *r;
	char *text = rc->whole ? strdup(rc->text) : rule_text(PC, rc->text);

	ck_assert_msg(load_one(text, &set, &r) == SIGMA_REJECTED,
	    "%s: not rejected", rc->name);
	ck_assert_msg(strstr(r->reason, rc->reason) != NULL,
	    "%s: reason '%s' lacks '%s'", rc->name, r->reason, rc->reason);
	if (rc->line)
		ck_assert_msg(r->line == rc->line && r->column == rc->column,
		    "%s: at %u:%u, want %u:%u (%s)", rc->name, r->line,
		    r->column, rc->line, rc->column, r->reason);
	sigma_set_free(set);
	free(text);
}
END_TEST

static char *gen_rule(const char *, const char *, const char *,
    const char *);

START_TEST(test_skip_logsource)
{
	struct sigma_set *set;
	const struct sigma_rule *r;
	char *text = rule_text("file_access", SEL("TargetFilename: x"));

	ck_assert_int_eq(load_one(text, &set, &r), SIGMA_SKIPPED);
	ck_assert(strstr(r->reason, "category=file_access") != NULL);
	ck_assert_str_eq(r->reason_class, "Windows logsource not supported");
	ck_assert_int_eq(sigma_count_status(set, SIGMA_SKIPPED), 1);
	sigma_set_free(set);
	free(text);
	text = gen_rule("product: linux", "category: process_creation",
	    "1", SEL("Image: x"));
	ck_assert_int_eq(load_one(text, &set, &r), SIGMA_SKIPPED);
	ck_assert_str_eq(r->reason_class, "not a Windows logsource");
	sigma_set_free(set);
	free(text);
}
END_TEST

/* ---- log sources beyond process events (logsrc.c) -------------------- */

/* A rule for any logsource: "product: x", "category: y" or "service: z". */
static char *
gen_rule(const char *product, const char *src, const char *id,
    const char *detection)
{
	char *s;

	ck_assert(asprintf(&s, "title: t%s\nid: 00000000-0000-0000-0000-"
	    "%012d\nlevel: high\nlogsource:\n    %s\n    %s\n"
	    "detection:\n%s", id, atoi(id), product, src, detection) != -1);
	return s;
}

/* What each logsource names (tests/thor.yml of SigmaHQ, pySigma). */
static const struct {
	const char	*src;		/* "category: x" or "service: y" */
	const char	*src2;		/* a second key, or NULL */
	unsigned	 has[6];	/* classes it names (0-terminated) */
	unsigned	 hasnt[6];	/* and some it does not */
} lscases[] = {
	{ "category: process_creation", NULL, { LS_SYSMON(1), LS_4688 },
	    { LS_SECURITY, LS_SYSMON(5) } },
	{ "category: process_creation", "service: security", { LS_4688 },
	    { LS_SYSMON(1), LS_SECURITY } },
	{ "category: registry_add", NULL, { LS_SYSMON_12_ADD },
	    { LS_SYSMON(12), LS_SYSMON_12_DEL, LS_SYSMON(13) } },
	{ "category: registry_delete", NULL, { LS_SYSMON_12_DEL },
	    { LS_SYSMON(12), LS_SYSMON_12_ADD } },
	{ "category: registry_event", NULL, { LS_SYSMON(12),
	    LS_SYSMON_12_ADD, LS_SYSMON_12_DEL, LS_SYSMON(14) },
	    { LS_SYSMON(15) } },
	{ "category: pipe_created", NULL, { LS_SYSMON(17), LS_SYSMON(18) },
	    { LS_SYSMON(19) } },
	{ "category: sysmon_error", NULL, { LS_SYSMON_255 },
	    { LS_SYSMON_OTHER } },
	{ "category: ps_script", NULL, { LS_PS_4104 },
	    { LS_PS_4103, LS_PS_OTHER } },
	{ "category: ps_classic_start", NULL, { LS_PSC_400 },
	    { LS_PSC_800 } },
	{ "service: security", NULL, { LS_4688, LS_SECURITY },
	    { LS_SYSMON(1) } },
	{ "service: sysmon", NULL, { LS_SYSMON(1), LS_SYSMON(29),
	    LS_SYSMON_OTHER, LS_SYSMON_12_DEL }, { LS_4688 } },
	{ "service: powershell", NULL, { LS_PS_4103, LS_PS_4104,
	    LS_PS_OTHER }, { LS_PSC_400 } },
	{ "category: dns_query", "service: sysmon", { LS_SYSMON(22) },
	    { LS_SYSMON(1) } },
};

START_TEST(test_logsource_map)
{
	for (size_t i = 0; i < NELEM(lscases); i++) {
		struct sigma_set *set;
		const struct sigma_rule *r;
		char *text, *src;

		ck_assert(asprintf(&src, "%s%s%s", lscases[i].src,
		    lscases[i].src2 ? "\n    " : "",
		    lscases[i].src2 ? lscases[i].src2 : "") != -1);
		text = gen_rule("product: windows", src, "1",
		    SEL("Field: x"));
		ck_assert_msg(load_one(text, &set, &r) == SIGMA_LOADED,
		    "%s: %s", src, r->reason);
		for (size_t k = 0; lscases[i].has[k] != 0; k++)
			ck_assert_msg(sigma_srcset_has(&r->sources,
			    lscases[i].has[k]), "%s: lacks class %u", src,
			    lscases[i].has[k]);
		for (size_t k = 0; lscases[i].hasnt[k] != 0; k++)
			ck_assert_msg(!sigma_srcset_has(&r->sources,
			    lscases[i].hasnt[k]), "%s: has class %u", src,
			    lscases[i].hasnt[k]);
		sigma_set_free(set);
		free(text);
		free(src);
	}
}
END_TEST

/* Logsources evtxhunt has no events for are skipped, not approximated. */
START_TEST(test_logsource_unknown)
{
	static const char *const srcs[] = {
		"service: no-such-service", "category: no_such_category",
		"category: ps_script\n    service: sysmon",
	};

	for (size_t i = 0; i < NELEM(srcs); i++) {
		struct sigma_set *set;
		const struct sigma_rule *r;
		char *text = gen_rule("product: windows", srcs[i], "1",
		    SEL("Field: x"));

		ck_assert_msg(load_one(text, &set, &r) == SIGMA_SKIPPED,
		    "%s loaded", srcs[i]);
		sigma_set_free(set);
		free(text);
	}
}
END_TEST

/* A generic event as a reader delivers it. */
static struct ev_event *
gen_event(struct ev_arena *a, const char *prov, const char *chan,
    uint32_t id, const char *name, const char *value)
{
	struct ev_pair *pair = ev_arena_calloc(a, sizeof(*pair));
	struct ev_event *ev = ev_arena_calloc(a, sizeof(*ev));
	struct ev_record rec;

	ck_assert(pair != NULL && ev != NULL);
	pair->name = name;
	pair->value = value;
	memset(&rec, 0, sizeof(rec));
	rec.event_id = id;
	rec.provider = prov;
	rec.channel = chan;
	rec.computer = "host";
	rec.kind = EV_KIND_GENERIC;
	rec.data = pair;
	rec.ndata = 1;
	ck_assert_int_eq(ev_normalise(&rec, a, ev), 0);
	return ev;
}

/* Rules of each source fire on its events and on no other's. */
START_TEST(test_logsource_match)
{
	static const struct {
		const char	*src;
		const char	*prov, *chan;
		uint32_t	 id;
		const char	*name, *value;
		int		 want;
	} cases[] = {
		{ "category: dns_query", EV_PROVIDER_SYSMON, "x", 22,
		    "QueryName", "evil.example", 1 },
		{ "category: dns_query", EV_PROVIDER_SYSMON, "x", 23,
		    "QueryName", "evil.example", 0 },
		{ "category: dns_query", "Other", "x", 22,
		    "QueryName", "evil.example", 0 },
		{ "category: registry_add", EV_PROVIDER_SYSMON, "x", 12,
		    "EventType", "CreateKey", 1 },
		{ "category: registry_add", EV_PROVIDER_SYSMON, "x", 12,
		    "EventType", "DeleteKey", 0 },
		{ "category: registry_delete", EV_PROVIDER_SYSMON, "x", 12,
		    "EventType", "deletevalue", 1 },
		{ "category: ps_script", "Microsoft-Windows-PowerShell",
		    "PowerShellCore/Operational", 4104, "ScriptBlockText",
		    "evil.example", 1 },
		{ "category: ps_script", "Microsoft-Windows-PowerShell",
		    "Microsoft-Windows-PowerShell/Operational", 4103,
		    "ScriptBlockText", "evil.example", 0 },
		{ "category: ps_classic_script", "PowerShell",
		    "Windows PowerShell", 800, "Data", "evil.example", 1 },
		{ "service: system", "Service Control Manager", "SYSTEM", 7045,
		    "ImagePath", "evil.example", 1 },
		{ "service: system", "Service Control Manager", "Application",
		    7045, "ImagePath", "evil.example", 0 },
		{ "service: security", EV_PROVIDER_SECURITY, "Security", 4698,
		    "TaskContent", "evil.example", 1 },
		{ "service: windefend", "Microsoft-Windows-Windows Defender",
		    "Microsoft-Windows-Windows Defender/Operational", 1116,
		    "Path", "evil.example", 1 },
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct sigma_set *set;
		const struct sigma_rule *r;
		struct sigma_scratch *sc;
		struct ev_arena a;
		const uint32_t *hits;
		char *det, *text;

		ck_assert(asprintf(&det, SEL("%s|contains: evil.ex"),
		    strcmp(cases[i].name, "EventType") == 0 ? "TargetObject" :
		    cases[i].name) != -1);
		text = gen_rule("product: windows", cases[i].src, "1", det);
		ck_assert_int_eq(load_one(text, &set, &r), SIGMA_LOADED);
		ev_arena_init(&a);
		sc = sigma_scratch_new(set);
		ck_assert(sc != NULL);
		for (int pf = 0; pf < 2; pf++) {
			struct ev_event *ev = gen_event(&a, cases[i].prov,
			    cases[i].chan, cases[i].id, cases[i].name,
			    cases[i].value);
			struct ev_pair *two = ev_arena_calloc(&a,
			    2 * sizeof(*two));

			/* registry cases: the value the rule reads, too */
			two[0] = ev->data[0];
			two[1].name = "TargetObject";
			two[1].value = "HKLM\\evil.example";
			ev->data = two;
			ev->ndata = 2;
			ev->dlen = NULL;
			sigma_scratch_prefilter(sc, pf == 1);
			ck_assert_msg(sigma_match(set, sc, ev, &hits) ==
			    cases[i].want, "%s on %s/%u (prefilter %d)",
			    cases[i].src, cases[i].chan, cases[i].id, pf);
		}
		sigma_scratch_free(sc);
		ev_arena_release(&a);
		sigma_set_free(set);
		free(text);
		free(det);
	}
}
END_TEST

/*
 * Windows PowerShell 400: three unnamed values (readers give one per
 * string).  Sigma's Data reads them one per line, so a text in any of
 * them is found, with and without the prefilter.
 */
START_TEST(test_logsource_unnamed_data)
{
	static const struct {
		const char	*det;
		bool		 want;
	} cases[] = {
		{ SEL("Data|contains: 'HostApplication=powershell.exe -nop'"),
		    true },
		{ SEL("Data|contains|all:\n            - 'Available'\n"
		    "            - 'EngineVersion=5.'"), true },
		{ SEL("Data|re: 'HostId=[a-zA-Z0-9-]{36}\\s+EngineVersion='"),
		    true },
		{ SEL("Data|contains: 'Net.WebClient'"), false },
	};
	static const char *const vals[] = { "Available", "None",
	    "\tNewEngineState=Available\r\n\tHostName=ConsoleHost\r\n"
	    "\tHostId=85f0e1f8-7a02-4f49-9967-08916ffdb027\r\n"
	    "\tEngineVersion=5.1.19041.1\r\n"
	    "\tHostApplication=powershell.exe -nop -enc SQBFAFgA\r\n" };

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct sigma_set *set;
		const struct sigma_rule *r;
		struct sigma_scratch *sc;
		struct ev_arena a;
		const uint32_t *hits;
		char *text = gen_rule("product: windows",
		    "category: ps_classic_start", "1", cases[i].det);

		ck_assert_int_eq(load_one(text, &set, &r), SIGMA_LOADED);
		ev_arena_init(&a);
		sc = sigma_scratch_new(set);
		ck_assert(sc != NULL);
		for (int pf = 0; pf < 2; pf++) {
			struct ev_pair *p = ev_arena_calloc(&a, 3 * sizeof(*p));
			struct ev_event *ev = gen_event(&a, "PowerShell",
			    "Windows PowerShell", 400, "", vals[0]);

			for (int k = 0; k < 3; k++) {
				p[k].name = "";
				p[k].value = vals[k];
			}
			ev->data = p;
			ev->ndata = 3;
			ev->dlen = NULL;
			sigma_scratch_prefilter(sc, pf == 1);
			ck_assert_msg(sigma_match(set, sc, ev, &hits) ==
			    (cases[i].want ? 1 : 0), "case %zu (prefilter %d)",
			    i, pf);
		}
		sigma_scratch_free(sc);
		ev_arena_release(&a);
		sigma_set_free(set);
		free(text);
	}
}
END_TEST

/*
 * The wanted set follows the loaded rules: their classes, narrowed to
 * the event ids their conditions require.
 */
START_TEST(test_logsource_wants)
{
	static const char *const texts[][2] = {
		{ "service: security", "    sel:\n        EventID:\n"
		    "            - 4624\n            - 4625\n"
		    "        LogonType: 3\n    condition: sel\n" },
		{ "category: ps_script", SEL("ScriptBlockText|contains: x") },
		{ "category: dns_query", SEL("QueryName: x") },
		{ "service: application", SEL("Data|contains: x") },
		{ "service: system", "    a:\n        EventID: 7045\n"
		    "    b:\n        EventID: 7036\n    c:\n"
		    "        Param1: x\n    condition: (a or b) and c\n" },
	};
	struct sigma_set *set;
	struct ev_err err = EV_ERR_INIT;

	/* first without the whole-channel rule: ids are narrowed */
	for (int pass = 0; pass < 2; pass++) {
		ck_assert((set = sigma_set_new()) != NULL);
		for (size_t i = 0; i < NELEM(texts); i++) {
			char id[8], *t;

			if (pass == 0 && i == 3)
				continue;
			snprintf(id, sizeof(id), "%zu", i + 1);
			t = gen_rule("product: windows", texts[i][0], id,
			    texts[i][1]);
			ck_assert_int_eq(sigma_load_buffer(set, "t.yml", t,
			    strlen(t), &err), 0);
			free(t);
		}
		ck_assert_int_eq(sigma_compile(set, &err), 0);
		ck_assert_uint_eq(sigma_count_status(set, SIGMA_LOADED),
		    NELEM(texts) - (pass == 0));
		ck_assert_int_eq(sigma_want_install(set), 0);
		if (pass == 1)
			break;
		ck_assert(ev_wanted_id(4624) && ev_wanted_id(7045));
		ck_assert(!ev_wanted_id(4634) && !ev_wanted_id(70000));
		ck_assert_int_eq(ev_classify_full("any", 3, "Application", 11,
		    1000), EV_KIND_NONE);
		sigma_set_free(set);
	}
#define CL(p, c, id) ev_classify_full(p, strlen(p), c, strlen(c), id)
	ck_assert_int_eq(CL(EV_PROVIDER_SECURITY, "Security", 4624),
	    EV_KIND_GENERIC);
	ck_assert_int_eq(CL("x", "security", 4625), EV_KIND_GENERIC);
	ck_assert_int_eq(CL(EV_PROVIDER_SECURITY, "Security", 4634),
	    EV_KIND_NONE);
	ck_assert_int_eq(CL(EV_PROVIDER_SECURITY, "Security", 4688),
	    EV_KIND_PROCESS);
	ck_assert_int_eq(CL("y", "Microsoft-Windows-PowerShell/Operational",
	    4104), EV_KIND_GENERIC);
	ck_assert_int_eq(CL("y", "PowerShellCore/Operational", 4104),
	    EV_KIND_GENERIC);
	ck_assert_int_eq(CL("y", "Microsoft-Windows-PowerShell/Operational",
	    4103), EV_KIND_NONE);
	ck_assert_int_eq(CL(EV_PROVIDER_SYSMON, "z", 22), EV_KIND_DNS);
	ck_assert_int_eq(CL(EV_PROVIDER_SYSMON, "z", 23), EV_KIND_NONE);
	ck_assert_int_eq(CL(EV_PROVIDER_SYSMON, "z", 1), EV_KIND_PROCESS);
	/* a whole channel: every id of it, and of no other */
	ck_assert_int_eq(CL("any", "Application", 1), EV_KIND_GENERIC);
	ck_assert_int_eq(CL("any", "Application", 70000), EV_KIND_GENERIC);
	ck_assert_int_eq(CL("any", "Setup", 1), EV_KIND_NONE);
	ck_assert_int_eq(CL("any", "System", 7045), EV_KIND_GENERIC);
	ck_assert_int_eq(CL("any", "System", 7036), EV_KIND_GENERIC);
	ck_assert_int_eq(CL("any", "System", 7040), EV_KIND_NONE);
	/* the channel unknown yet (libevtx): a channel want may take it */
	ck_assert_int_eq(ev_classify("any", 3, 7045), EV_KIND_GENERIC);
#undef CL
	ev_want_reset();
	ck_assert_uint_eq(ev_want_count(), 0);
	ck_assert_int_eq(ev_classify("any", 3, 7045), EV_KIND_NONE);
	ck_assert(!ev_wanted_id(7036));
	sigma_set_free(set);
}
END_TEST

/* Other YAML beside the rules (rules/watched.yml) is skipped, not rejected. */
START_TEST(test_not_a_rule)
{
	struct sigma_set *set;
	const struct sigma_rule *r;

	ck_assert_int_eq(load_one("watched:\n    - name: x\n", &set, &r),
	    SIGMA_SKIPPED);
	ck_assert_str_eq(r->reason_class, "not a rule");
	sigma_set_free(set);
}
END_TEST

START_TEST(test_metadata)
{
	struct sigma_set *set;
	const struct sigma_rule *r;
	char *text = rule_text(PC, SEL("Image: x"));

	ck_assert_int_eq(load_one(text, &set, &r), SIGMA_LOADED);
	ck_assert_str_eq(r->title, "test");
	ck_assert_str_eq(r->id, "00000000-0000-0000-0000-000000000001");
	ck_assert_int_eq(r->level, EV_LEVEL_HIGH);
	ck_assert_str_eq(r->rule_status, "test");
	ck_assert_uint_eq(r->tags.n, 1);
	ck_assert_str_eq(r->tags.v[0], "attack.t1218");
	ck_assert_str_eq(r->category, "process_creation");
	for (unsigned c = 0; c < SIGMA_NCLASS; c++)
		ck_assert_int_eq(sigma_srcset_has(&r->sources, c),
		    c == LS_SYSMON(1) || c == LS_4688);
	sigma_set_free(set);
	free(text);
}
END_TEST

/* ---- enrichment (Sysmon 3/7 from their process) ---------------------- */

START_TEST(test_enrichment)
{
	struct ev_arena a = EV_ARENA_INIT;
	struct evspec p = { S1, "ProcessGuid={1}\nImage=C:\\rundll32.exe\n"
	    "CommandLine=rundll32 javascript:x" };
	struct evspec n = { S3, "ProcessGuid={1}\nImage=C:\\rundll32.exe\n"
	    "DestinationIp=1.2.3.4" };
	char *text = rule_text(NC, SEL("CommandLine|contains: 'javascript:'"));
	struct sigma_set *set;
	const struct sigma_rule *r;
	struct sigma_scratch *sc;
	struct ev_event *pe, *ne;
	const uint32_t *hits;

	ck_assert_int_eq(load_one(text, &set, &r), SIGMA_LOADED);
	sc = sigma_scratch_new(set);
	pe = make_event(&a, &p);
	ne = make_event(&a, &n);
	ck_assert_int_eq(sigma_match(set, sc, ne, &hits), 0);
	ne->process = pe;
	ck_assert_int_eq(sigma_match(set, sc, ne, &hits), 1);
	/* the process's own rule kind does not apply to it */
	ck_assert_int_eq(sigma_match(set, sc, pe, &hits), 0);
	sigma_scratch_free(sc);
	sigma_set_free(set);
	ev_arena_release(&a);
	free(text);
}
END_TEST

/* ---- hostile rules ---------------------------------------------------- */

START_TEST(test_deep_condition)
{
	struct sigma_set *set;
	const struct sigma_rule *r;
	size_t depth = 200, len = 0;
	char *det, *text;

	det = malloc(depth * 2 + 200);
	len += (size_t)sprintf(det, "    sel:\n        Image: x\n    "
	    "condition: ");
	for (size_t i = 0; i < depth; i++)
		det[len++] = '(';
	len += (size_t)sprintf(det + len, "sel");
	for (size_t i = 0; i < depth; i++)
		det[len++] = ')';
	strcpy(det + len, "\n");
	text = rule_text(PC, det);
	ck_assert_int_eq(load_one(text, &set, &r), SIGMA_REJECTED);
	ck_assert_msg(strstr(r->reason, "deeper") != NULL, "%s", r->reason);
	sigma_set_free(set);
	free(text);
	free(det);
}
END_TEST

START_TEST(test_deep_yaml)
{
	struct sigma_set *set;
	const struct sigma_rule *r;
	char *text, *det = malloc(4096);
	size_t len = 0;

	len += (size_t)sprintf(det, "    sel: ");
	for (int i = 0; i < 100; i++)
		det[len++] = '[';
	for (int i = 0; i < 100; i++)
		det[len++] = ']';
	strcpy(det + len, "\n    condition: sel\n");
	text = rule_text(PC, det);
	ck_assert_int_eq(load_one(text, &set, &r), SIGMA_REJECTED);
	ck_assert_msg(strstr(r->reason, "nesting") != NULL, "%s", r->reason);
	sigma_set_free(set);
	free(text);
	free(det);
}
END_TEST

START_TEST(test_huge_list)
{
	struct ev_arena a = EV_ARENA_INIT;
	struct sigma_set *set;
	const struct sigma_rule *r;
	struct sigma_scratch *sc;
	const uint32_t *hits;
	size_t cap = 20000 * 40 + 200, len = 0;
	char *det = malloc(cap), *text;
	struct evspec hit = { S1, "CommandLine=foo tok19999x bar" };
	struct evspec miss = { S1, "CommandLine=foo tok20000x bar" };
	struct evspec pre = { S1, "CommandLine=tok7-start" };

	len += (size_t)sprintf(det, "    sel:\n        CommandLine|contains:\n");
	for (int i = 0; i < 20000; i++)
		len += (size_t)sprintf(det + len, "            - 'tok%dx'\n", i);
	len += (size_t)sprintf(det + len, "    s2:\n        CommandLine|"
	    "startswith:\n");
	for (int i = 0; i < 50; i++)
		len += (size_t)sprintf(det + len, "            - 'tok%d-'\n", i);
	strcpy(det + len, "    condition: sel or s2\n");
	text = rule_text(PC, det);
	ck_assert_int_eq(load_one(text, &set, &r), SIGMA_LOADED);
	sc = sigma_scratch_new(set);
	ck_assert_int_eq(sigma_match(set, sc, make_event(&a, &hit), &hits), 1);
	ck_assert_int_eq(sigma_match(set, sc, make_event(&a, &miss), &hits),
	    0);
	ck_assert_int_eq(sigma_match(set, sc, make_event(&a, &pre), &hits), 1);
	sigma_scratch_free(sc);
	sigma_set_free(set);
	ev_arena_release(&a);
	free(text);
	free(det);
}
END_TEST

START_TEST(test_catastrophic_regex)
{
	struct ev_arena a = EV_ARENA_INIT;
	struct sigma_set *set;
	const struct sigma_rule *r;
	struct sigma_scratch *sc;
	struct sigma_match_stats st;
	const uint32_t *hits;
	char data[200] = "CommandLine=";
	struct evspec ev = { S1, data };
	char *text = rule_text(PC, SEL("CommandLine|re: '^(a+)+$'"));
	time_t t0 = time(NULL);

	for (int i = 0; i < 60; i++)
		strcat(data, "a");
	strcat(data, "!");
	ck_assert_int_eq(load_one(text, &set, &r), SIGMA_LOADED);
	sc = sigma_scratch_new(set);
	ck_assert_int_eq(sigma_match(set, sc, make_event(&a, &ev), &hits), 0);
	sigma_scratch_stats(sc, &st);
	ck_assert_uint_eq(st.regex_limit, 1);
	ck_assert_msg(time(NULL) - t0 < 10, "regex took too long");
	sigma_scratch_free(sc);
	sigma_set_free(set);
	ev_arena_release(&a);
	free(text);
}
END_TEST

/*
 * Numbered hostile-rule regressions (as the decoder's corrupt_000N
 * cases): each one a reproducer of issue 15 that once crashed, hung,
 * ran away or was silent.
 */

/*
 * hostile_rule_0001_deep_flow: 400 KB of '[' took libyaml minutes
 * (its scanner's work per token grows with the open flow levels) before
 * the depth limit saw the document.  The nesting pre-pass rejects it
 * after a bounded number of parser events and input bytes.
 */
START_TEST(hostile_rule_0001_deep_flow)
{
	struct sigma_set *set;
	const struct sigma_rule *r;
	size_t n = 400000, len = 0;
	char *det = malloc(n * 2 + 100), *text;

	len += (size_t)sprintf(det, "    sel: ");
	memset(det + len, '[', n);
	len += n;
	memset(det + len, ']', n);
	len += n;
	strcpy(det + len, "\n    condition: sel\n");
	text = rule_text(PC, det);
	ck_assert_int_eq(load_one(text, &set, &r), SIGMA_REJECTED);
	ck_assert_str_eq(r->reason_class, "limit");
	ck_assert_msg(strstr(r->reason, "nesting deeper than 32") != NULL,
	    "%s", r->reason);
	/* the header's nodes, then SIGMA_MAX_DEPTH + 1 sequences */
	ck_assert_uint_gt(set->yaml_events, SIGMA_MAX_DEPTH);
	ck_assert_uint_le(set->yaml_events, SIGMA_MAX_DEPTH + 40);
	/* the scanner's look-ahead is bounded (a simple key: 1024) */
	ck_assert_uint_le(set->yaml_bytes, 4096);
	sigma_set_free(set);
	free(text);
	free(det);
}
END_TEST

/*
 * hostile_rule_0002_regex_limit: a rule whose regex hits pcre2's match
 * limit did not fire and said nothing.  The hit is counted per rule,
 * once per event, the memo never hiding a repeat.
 */
START_TEST(hostile_rule_0002_regex_limit)
{
	static const char *const det[] = {
		SEL("CommandLine|re: '(A+)+Z|AAAAA$'"),
		SEL("CommandLine|re: 'AAAAA$'"),
	};
	struct ev_arena a = EV_ARENA_INIT;
	struct ev_err err = EV_ERR_INIT;
	struct sigma_set *set = sigma_set_new();
	struct sigma_scratch *sc;
	const uint32_t *hits;
	size_t n = 30000;
	char *data = malloc(n + 40);
	struct evspec ev = { S1, data };
	struct ev_event *e;

	strcpy(data, "CommandLine=x ");
	memset(data + strlen(data), 'A', n);
	data[14 + n] = '\0';
	for (size_t i = 0; i < NELEM(det); i++) {
		char *text = rule_text(PC, det[i]);

		ck_assert_int_eq(sigma_load_buffer(set, "re.yml", text,
		    strlen(text), &err), 0);
		free(text);
	}
	ck_assert_int_eq(sigma_compile(set, &err), 0);
	ck_assert_uint_eq(sigma_regex_limits(set, 0), 0);
	sc = sigma_scratch_new(set);
	e = make_event(&a, &ev);
	for (int k = 1; k <= 3; k++) {
		ck_assert_int_eq(sigma_match(set, sc, e, &hits), 1);
		ck_assert_uint_eq(hits[0], 1);
		ck_assert_uint_eq(sigma_regex_limits(set, 0), (uint64_t)k);
		ck_assert_uint_eq(sigma_regex_limits(set, 1), 0);
	}
	ck_assert_uint_eq(sigma_regex_limits(set, 2), 0);
	sigma_scratch_free(sc);
	sigma_set_free(set);
	ev_arena_release(&a);
	free(data);
}
END_TEST

static char *
tpath(const char *dir, const char *name)
{
	char *p;

	ck_assert(asprintf(&p, "%s/%s", dir, name) != -1);
	return p;
}

static void
tsymlink(const char *target, const char *dir, const char *name)
{
	char *p = tpath(dir, name);

	ck_assert_msg(symlink(target, p) == 0, "symlink %s: %s", p,
	    strerror(errno));
	free(p);
}

static void
twrite(const char *dir, const char *name, const char *text)
{
	char *p = tpath(dir, name);
	FILE *f = fopen(p, "w");

	ck_assert(f != NULL);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	free(p);
}

/* How many skips have a reason containing what. */
static size_t
nskips(const struct sigma_set *set, const char *what)
{
	size_t n = 0;

	for (size_t i = 0; i < sigma_skip_count(set); i++)
		n += strstr(sigma_skip_at(set, i)->reason, what) != NULL;
	return n;
}

/*
 * hostile_rule_0003_dir_loops: 'up -> ..' and 'self -> .' in a rules
 * directory were followed until the depth limit: 262,142 copies of one
 * rule from two links.  Each directory is now read once; the links
 * that lead back are counted as skips, and so are a FIFO, a dangling
 * link and a link to a device (once silently passed over).
 */
START_TEST(hostile_rule_0003_dir_loops)
{
	char tmpl[] = "/tmp/check_sigma.XXXXXX", *top, *l, *p;
	struct sigma_set *set = sigma_set_new();
	struct ev_err err = EV_ERR_INIT;
	char *text = rule_text(PC, SEL("Image: x"));

	ck_assert((top = mkdtemp(tmpl)) != NULL);
	l = tpath(top, "l");
	ck_assert_int_eq(mkdir(l, 0700), 0);
	twrite(l, "a.yml", text);
	tsymlink("..", l, "up");
	tsymlink(".", l, "self");
	tsymlink(".", l, "self2");
	tsymlink("nowhere.yml", l, "dangling.yml");
	tsymlink("/dev/zero", l, "zero.yml");
	p = tpath(l, "fifo.yml");
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	free(p);
	ck_assert_int_eq(sigma_load_path(set, l, false, &err), 0);
	/* one copy of the rule, and the skips counted with their reasons */
	ck_assert_uint_eq(sigma_count(set), 1);
	ck_assert_int_eq(sigma_rule_at(set, 0)->status, SIGMA_LOADED);
	ck_assert_uint_eq(nskips(set, "already visited"), 3);
	ck_assert_uint_eq(nskips(set, "dangling"), 1);
	ck_assert_uint_eq(nskips(set, "a FIFO"), 1);
	ck_assert_uint_eq(nskips(set, "character device"), 1);
	/* through 'up': the parent, whose only entry is l, seen already */
	ck_assert_uint_eq(sigma_skip_count(set), 6);
	ck_assert_int_eq(sigma_compile(set, &err), 0);
	sigma_set_free(set);
	ck_assert(asprintf(&p, "rm -rf '%s'", top) != -1);
	ck_assert_int_eq(system(p), 0);
	free(p);
	free(l);
	free(text);
}
END_TEST

/*
 * A directory is read and parsed on the set's threads ahead of the
 * loading (files.c): the set is the one a single thread makes, rule by
 * rule, whatever the files (good, broken, several documents, empty,
 * too large, not rules, in subdirectories) and however many threads.
 */
START_TEST(test_load_dir_jobs)
{
	char tmpl[] = "/tmp/check_sigma.XXXXXX", *top, *sub, *p, name[32];
	char *good = rule_text(PC, SEL("Image|endswith: '\\x.exe'"));
	char *big = malloc(SIGMA_MAX_FILE + 2);
	struct sigma_set *set[3];
	struct ev_err err = EV_ERR_INIT;
	static const unsigned jobs[3] = { 1, 2, 5 };

	ck_assert((top = mkdtemp(tmpl)) != NULL && big != NULL);
	sub = tpath(top, "sub");
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "r%03d.yml", i);
		twrite(i % 7 == 3 ? sub : top, name, i % 5 == 1 ?
		    "title: [unclosed\n" : i % 11 == 2 ? "" : i % 13 == 4 ?
		    "title: a\n---\ntitle: b\ndetection: {}\n" : good);
	}
	memset(big, '#', SIGMA_MAX_FILE + 1);
	big[SIGMA_MAX_FILE + 1] = '\0';
	twrite(sub, "big.yml", big);
	twrite(top, "notes.txt", "not a rule");
	for (int k = 0; k < 3; k++) {
		ck_assert((set[k] = sigma_set_new()) != NULL);
		sigma_set_jobs(set[k], jobs[k]);
		ck_assert_int_eq(sigma_load_path(set[k], top, false, &err), 0);
	}
	ck_assert_uint_gt(sigma_count(set[0]), 300);
	for (int k = 1; k < 3; k++) {
		ck_assert_uint_eq(sigma_count(set[k]), sigma_count(set[0]));
		for (size_t i = 0; i < sigma_count(set[0]); i++) {
			const struct sigma_rule *a = sigma_rule_at(set[0], i);
			const struct sigma_rule *b = sigma_rule_at(set[k], i);

			ck_assert_str_eq(a->path, b->path);
			ck_assert_int_eq(a->status, b->status);
			ck_assert_pstr_eq(a->reason, b->reason);
			ck_assert_pstr_eq(a->title, b->title);
			ck_assert_uint_eq(a->line, b->line);
			ck_assert_uint_eq(a->textlen, b->textlen);
		}
	}
	for (int k = 0; k < 3; k++) {
		ck_assert_int_eq(sigma_compile(set[k], &err), 0);
		sigma_set_free(set[k]);
	}
	ck_assert(asprintf(&p, "rm -rf '%s'", top) != -1);
	ck_assert_int_eq(system(p), 0);
	free(p);
	free(sub);
	free(big);
	free(good);
}
END_TEST

/*
 * hostile_rule_0004_explicit_special: 'ln -s /dev/zero z.yml' given as
 * a rule left a rule LOADED without a matcher and sigma_compile()
 * crashed; a FIFO given as a rule blocked in open() forever.  Both are
 * refused with an error before any rule is made.
 */
START_TEST(hostile_rule_0004_explicit_special)
{
	char tmpl[] = "/tmp/check_sigma.XXXXXX", *top, *p, *cmd;
	struct sigma_set *set = sigma_set_new();
	struct ev_err err = EV_ERR_INIT;

	ck_assert((top = mkdtemp(tmpl)) != NULL);
	tsymlink("/dev/zero", top, "z.yml");
	p = tpath(top, "z.yml");
	ck_assert_int_eq(sigma_load_path(set, p, true, &err), EV_EIO);
	ck_assert_msg(strstr(err.msg, "character device, not a regular "
	    "file") != NULL, "%s", err.msg);
	free(p);
	p = tpath(top, "f.yml");
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	ev_err_clear(&err);
	ck_assert_int_eq(sigma_load_path(set, p, true, &err), EV_EIO);
	ck_assert_msg(strstr(err.msg, "a FIFO") != NULL, "%s", err.msg);
	free(p);
	ck_assert_uint_eq(sigma_count(set), 0);
	ev_err_clear(&err);
	ck_assert_int_eq(sigma_compile(set, &err), 0);
	sigma_set_free(set);
	ck_assert(asprintf(&cmd, "rm -rf '%s'", top) != -1);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}
END_TEST

/* Folding ASCII 8 bytes at a time agrees with one byte at a time. */
START_TEST(test_fold_ascii)
{
	char in[160], out[320], want[160];
	bool ascii;

	for (int i = 0; i < 128; i++) {
		in[i] = (char)i;
		want[i] = (char)(i >= 'A' && i <= 'Z' ? i + 32 : i);
	}
	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; off + n <= 128; n += 7) {
			ck_assert_uint_eq(sigma_fold_ascii(in + off, n, out,
			    &ascii), n);
			ck_assert(ascii);
			ck_assert(memcmp(out, want + off, n) == 0);
		}
	/* a non-ASCII byte anywhere: not ASCII, the rest still folded */
	memcpy(in, "ABCDEFGH\xc3\x84IJKLMNOP", 18);
	ck_assert_uint_eq(sigma_fold_ascii(in, 18, out, &ascii), 18);
	ck_assert(!ascii);
	ck_assert(memcmp(out, "abcdefgh\xc3\xa4ijklmnop", 18) == 0);
}
END_TEST

/* sigma_ac_scan against a naive search: every (pattern, end) once. */
struct acfind {
	uint32_t	*id;
	size_t		*end;
	size_t		 n, cap;
};

static int
ac_collect(uint32_t id, size_t end, void *ctx)
{
	struct acfind *f = ctx;

	ck_assert(f->n < f->cap);
	f->id[f->n] = id;
	f->end[f->n] = end;
	f->n++;
	return 0;
}

static void
ac_check(uint32_t npat, unsigned seed)
{
	/* a two-letter alphabet: long shared prefixes, many overlaps */
	enum { TEXT = 300 };
	char (*pat)[48] = calloc(npat, sizeof(*pat));
	size_t *plen = calloc(npat, sizeof(*plen));
	int32_t *pid = calloc(npat, sizeof(*pid));
	struct sigma_ac *ac = sigma_ac_new();
	struct acfind f;
	char text[TEXT];

	ck_assert(pat != NULL && plen != NULL && pid != NULL && ac != NULL);
	srand(seed);
	for (uint32_t i = 0; i < npat; i++) {
		plen[i] = SIGMA_AC_MIN + (size_t)rand() % 30;
		for (size_t k = 0; k < plen[i]; k++)
			pat[i][k] = "ab"[rand() % 2];
		pid[i] = sigma_ac_add(ac, pat[i], plen[i]);
		ck_assert_int_ge(pid[i], 0);
	}
	ck_assert_int_eq(sigma_ac_build(ac), 0);
	f.cap = (size_t)TEXT * (npat + 1);
	f.id = malloc(f.cap * sizeof(*f.id));
	f.end = malloc(f.cap * sizeof(*f.end));
	ck_assert(f.id != NULL && f.end != NULL);
	for (int round = 0; round < 20; round++) {
		size_t len = 0, want = 0;

		/* patterns (so long ones occur) and letters between them */
		while (len < TEXT - 48) {
			uint32_t i = (uint32_t)rand() % npat;

			if (rand() % 3 == 0) {
				text[len++] = "ab"[rand() % 2];
				continue;
			}
			memcpy(text + len, pat[i], plen[i]);
			len += plen[i];
		}
		f.n = 0;
		ck_assert_int_eq(sigma_ac_scan(ac, text, len, ac_collect, &f), 0);
		/* every distinct pattern's occurrences are reported */
		for (uint32_t i = 0; i < npat; i++) {
			bool first = true;

			for (uint32_t j = 0; j < i; j++)
				if (pid[j] == pid[i])
					first = false;
			if (!first)
				continue;
			for (size_t at = 0; at + plen[i] <= len; at++) {
				bool found = false;

				if (memcmp(text + at, pat[i], plen[i]) != 0)
					continue;
				want++;
				for (size_t q = 0; q < f.n && !found; q++)
					found = f.id[q] == (uint32_t)pid[i] &&
					    f.end[q] == at + plen[i];
				ck_assert_msg(found, "pattern %u at %zu missed", i,
				    at);
			}
		}
		ck_assert_uint_eq(f.n, want);	/* and nothing else */
	}
	free(f.id);
	free(f.end);
	sigma_ac_free(ac);
	free(pat);
	free(plen);
	free(pid);
}

/*
 * The memo on its own: a value comes back with what was kept for it,
 * a value of another field or other bytes does not, an entry held by
 * the current event is not taken, a flood of distinct long values
 * stays within the budget, and in a full table a value takes a slot
 * only when it comes a second time.
 */
START_TEST(test_memo_table)
{
	struct sigma_memo *m = sigma_memo_new();
	struct sigma_memo_ent *e, *e2;
	uint32_t ids[2] = { 7, 9 };
	uint8_t occ[16] = { 0 };
	char big[SIGMA_MEMO_MAXVAL];
	bool hit;

	ck_assert(m != NULL);
	occ[7] = 1;
	occ[9] = 6;
	e = sigma_memo_get(m, 3, "cmd.exe", 7, 1, &hit);
	ck_assert(e != NULL && !hit);
	ck_assert(sigma_memo_keep_finds(m, e, ids, occ, 2));
	ck_assert(sigma_memo_add_res(m, e, MEMO_RES(5, 2)));
	e = sigma_memo_get(m, 3, "cmd.exe", 7, 2, &hit);
	ck_assert(e != NULL && hit && e->scanned && e->nfind == 2);
	ck_assert_uint_eq(MEMO_FIND_ID(e->find[1]), 9);
	ck_assert_uint_eq(MEMO_FIND_OCC(e->find[1]), 6);
	ck_assert_uint_eq(MEMO_RES_ITEM(e->res[0]), 5);
	ck_assert_int_eq(MEMO_RES_VAL(e->res[0]), 2);
	e2 = sigma_memo_get(m, 4, "cmd.exe", 7, 2, &hit);
	ck_assert(e2 == NULL || (!hit && e2 != e));
	e2 = sigma_memo_get(m, 3, "cmd.exE", 7, 2, &hit);
	ck_assert(e2 == NULL || !hit);
	e2 = sigma_memo_get(m, 3, "cmd.ex", 6, 2, &hit);
	ck_assert(e2 == NULL || !hit);
	ck_assert(sigma_memo_get(m, 3, big, sizeof(big) + 1, 3, &hit) == NULL);
	for (uint32_t i = 0; i < 4 * SIGMA_MEMO_SLOTS; i++) {
		memset(big, 'a' + (int)(i % 26), sizeof(big));
		memcpy(big, &i, sizeof(i));
		/* twice: a value seen once may not take a used slot */
		e = sigma_memo_get(m, 1, big, sizeof(big), 10 + 2 * i, &hit);
		ck_assert(!hit);
		if (e == NULL)
			e = sigma_memo_get(m, 1, big, sizeof(big),
			    11 + 2 * i, &hit);
		ck_assert(!hit);
		if (e != NULL) {
			ck_assert(memcmp(e->val, big, sizeof(big)) == 0);
			/* held by this event: another value may not take it */
			big[5] ^= 1;
			e2 = sigma_memo_get(m, 1, big, sizeof(big),
			    e->stamp, &hit);
			ck_assert(e2 != e);
		}
		ck_assert(m->bytes <= SIGMA_MEMO_BUDGET);
	}
	/* the table full of short values: a new value waits for its
	   second sighting */
	for (uint32_t i = 0; i < 8 * SIGMA_MEMO_SLOTS; i++) {
		char v[16];
		int n = snprintf(v, sizeof(v), "v%u", i);

		for (uint32_t k = 0; k < 2; k++)
			(void)sigma_memo_get(m, 2, v, (size_t)n,
			    (1u << 29) + 2 * i + k, &hit);
	}
	{
		uint32_t waited = 0;

		for (uint32_t i = 0; i < 1000; i++) {
			char v[16];
			int n = snprintf(v, sizeof(v), "once%u", i);
			uint32_t st0 = (1u << 30) + 3 * i;

			/* (the seen bits are a filter: some pass at once) */
			if (sigma_memo_get(m, 3, v, (size_t)n, st0, &hit) ==
			    NULL)
				waited++;
			e = sigma_memo_get(m, 3, v, (size_t)n, st0 + 1, &hit);
			ck_assert(e != NULL);
			e = sigma_memo_get(m, 3, v, (size_t)n, st0 + 2, &hit);
			ck_assert(e != NULL && hit);
		}
		ck_assert_uint_gt(waited, 500);
	}
	sigma_memo_free(m);
}
END_TEST

START_TEST(test_ac_naive)
{
	ac_check(3, 1);		/* searched one by one */
	ac_check(40, 2);	/* filters, slots and the 8-byte trie */
	ac_check(400, 3);
}
END_TEST

/* One-byte patterns: each reported once, where it first occurs. */
START_TEST(test_ac_bytes)
{
	static const char *const pats[] = { "^", "`", "abc", "^", "\xd0",
	    "bcd", "xyz", "abcdefghij", "q" };
	static const char text[] = "zabcd^x^`abcdefghij\xd0\xb0";
	struct sigma_ac *ac = sigma_ac_new();
	int32_t id[NELEM(pats)];
	uint32_t id_n[16];
	size_t end_n[16];
	struct acfind f = { id_n, end_n, 0, 16 };
	struct { int32_t id; size_t end; } want[8];
	size_t nwant = 0;

	ck_assert(ac != NULL);
	for (size_t i = 0; i < NELEM(pats); i++) {
		id[i] = sigma_ac_add(ac, pats[i], strlen(pats[i]));
		ck_assert_int_ge(id[i], 0);
	}
	ck_assert_int_eq(id[3], id[0]);		/* equal bytes, one id */
	ck_assert_int_lt(sigma_ac_add(ac, "ab", 2), 0);	/* 2 bytes: no */
	ck_assert_int_eq(sigma_ac_build(ac), 0);
	ck_assert_uint_eq(sigma_ac_patlen(ac, (uint32_t)id[1]), 1);
	ck_assert_int_eq(sigma_ac_scan(ac, text, strlen(text), ac_collect,
	    &f), 0);
	want[nwant].id = id[2]; want[nwant++].end = 4;		/* abc */
	want[nwant].id = id[5]; want[nwant++].end = 5;		/* bcd */
	want[nwant].id = id[0]; want[nwant++].end = 6;		/* ^, once */
	want[nwant].id = id[1]; want[nwant++].end = 9;		/* ` */
	want[nwant].id = id[2]; want[nwant++].end = 12;		/* abc */
	want[nwant].id = id[5]; want[nwant++].end = 13;		/* bcd */
	want[nwant].id = id[7]; want[nwant++].end = 19;		/* abc..j */
	want[nwant].id = id[4]; want[nwant++].end = 20;		/* 0xd0 */
	ck_assert_uint_eq(f.n, nwant);
	for (size_t w = 0; w < nwant; w++) {
		bool found = false;

		for (size_t q = 0; q < f.n && !found; q++)
			found = f.id[q] == (uint32_t)want[w].id &&
			    f.end[q] == want[w].end;
		ck_assert_msg(found, "find %zu missing", w);
	}
	/* a one-byte text: only the byte patterns can be in it */
	f.n = 0;
	ck_assert_int_eq(sigma_ac_scan(ac, "`", 1, ac_collect, &f), 0);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_uint_eq(f.id[0], (uint32_t)id[1]);
	sigma_ac_free(ac);
}
END_TEST

/*
 * A rule whose literals are all short is not run on every event: its
 * rare byte is a prefilter need, so an event without it evaluates
 * nothing.
 */
START_TEST(test_short_literal_need)
{
	struct ev_arena a = EV_ARENA_INIT;
	struct sigma_set *set;
	const struct sigma_rule *r;
	struct sigma_scratch *sc;
	struct sigma_match_stats st;
	const uint32_t *hits;
	struct evspec plain = { S1, "CommandLine=cmd /c dir" };
	struct evspec caret = { S1, "CommandLine=c^^md /c dir" };
	char *text = rule_text(PC, SEL("CommandLine|contains:\n"
	    "            - '^^'\n            - ',;,'"));

	ck_assert_int_eq(load_one(text, &set, &r), SIGMA_LOADED);
	sc = sigma_scratch_new(set);
	ck_assert(sc != NULL);
	ck_assert_int_eq(sigma_match(set, sc, make_event(&a, &plain), &hits),
	    0);
	sigma_scratch_stats(sc, &st);
	ck_assert_uint_eq(st.evaluated, 0);
	ck_assert_int_eq(sigma_match(set, sc, make_event(&a, &caret), &hits),
	    1);
	sigma_scratch_stats(sc, &st);
	ck_assert_uint_eq(st.evaluated, 1);
	sigma_scratch_free(sc);
	sigma_set_free(set);
	ev_arena_release(&a);
	free(text);
}
END_TEST

/* Several rules in one set: hits are the right indexes, ascending. */
START_TEST(test_multi_rule)
{
	struct ev_arena a = EV_ARENA_INIT;
	struct sigma_set *set = sigma_set_new();
	struct ev_err err = EV_ERR_INIT;
	struct sigma_scratch *sc;
	const uint32_t *hits;
	struct evspec ev = { S1, "Image=C:\\x\\certutil.exe\n"
	    "CommandLine=certutil -urlcache -f http://x" };
	const char *dets[] = {
		SEL("Image|endswith: '\\certutil.exe'"),
		SEL("Image|endswith: '\\mshta.exe'"),
		SEL("CommandLine|contains|windash: '-urlcache'"),
		SEL("CommandLine|re: 'http://'"),
		"    sel:\n        Image|endswith: certutil.exe\n    f:\n"
		"        CommandLine|contains: urlcache\n"
		"    condition: sel and not f\n",
	};

	for (size_t i = 0; i < NELEM(dets); i++) {
		char *t = rule_text(PC, dets[i]);

		ck_assert_int_eq(sigma_load_buffer(set, "m.yml", t, strlen(t),
		    &err), 0);
		free(t);
	}
	ck_assert_int_eq(sigma_compile(set, &err), 0);
	sc = sigma_scratch_new(set);
	ck_assert_int_eq(sigma_match(set, sc, make_event(&a, &ev), &hits), 3);
	ck_assert_uint_eq(hits[0], 0);
	ck_assert_uint_eq(hits[1], 2);
	ck_assert_uint_eq(hits[2], 3);
	sigma_scratch_free(sc);
	sigma_set_free(set);
	ev_arena_release(&a);
}
END_TEST

/*
 * Rules the scan cannot narrow down (no literal to look for) run on the
 * events of the ids their conditions allow; the answer is the one of
 * every rule run on every event, with the event memo too (events that
 * differ in their id alone).
 */
START_TEST(test_always_by_id)
{
	static const char *const dets[] = {
		/* 0: 4624 only */
		"    s:\n        EventID: 4624\n    f:\n"
		"        TargetUserName: x\n    condition: s and not f\n",
		/* 1: 4625, 4624 or 4634 */
		"    a:\n        EventID: 4625\n    b:\n"
		"        EventID:\n            - 4624\n            - 4634\n"
		"    condition: a or b\n",
		/* 2: any id (the NOT side) */
		"    s:\n        EventID: 4624\n    o:\n"
		"        LogonType: 3\n    condition: s or not o\n",
	};
	static const struct {
		uint32_t	 id;
		const char	*logon;
		unsigned	 want;	/* bit per rule */
	} evs[] = {
		{ 4625, "3", 2 }, { 4672, "3", 0 }, { 4624, "3", 7 },
		{ 4634, "3", 2 }, { 4672, "5", 4 }, { 4624, "5", 7 },
	};
	struct ev_arena a = EV_ARENA_INIT;
	struct sigma_set *set = sigma_set_new();
	struct ev_err err = EV_ERR_INIT;
	struct sigma_scratch *sc;
	const uint32_t *hits;

	for (size_t i = 0; i < NELEM(dets); i++) {
		char id[8], *t;

		snprintf(id, sizeof(id), "%zu", i + 1);
		t = gen_rule("product: windows", "service: security", id,
		    dets[i]);
		ck_assert_int_eq(sigma_load_buffer(set, "a.yml", t,
		    strlen(t), &err), 0);
		free(t);
	}
	ck_assert_int_eq(sigma_compile(set, &err), 0);
	sc = sigma_scratch_new(set);
	ck_assert(sc != NULL);
	/* twice with the prefilter (the second pass from the event
	   memo), once every rule on every event */
	for (int pass = 0; pass < 3; pass++) {
		sigma_scratch_prefilter(sc, pass < 2);
		for (size_t i = 0; i < NELEM(evs); i++) {
			struct ev_event *ev = gen_event(&a,
			    EV_PROVIDER_SECURITY, "Security", evs[i].id,
			    "LogonType", evs[i].logon);
			unsigned got = 0;
			int n = sigma_match(set, sc, ev, &hits);

			for (int k = 0; k < n; k++)
				got |= 1u << hits[k];
			ck_assert_msg(got == evs[i].want, "event %u logon %s "
			    "pass %d: rules %x, want %x", evs[i].id,
			    evs[i].logon, pass, got, evs[i].want);
		}
		if (pass == 1) {	/* the memo answered */
			struct sigma_match_stats st;

			sigma_scratch_stats(sc, &st);
			ck_assert_uint_gt(st.evmemo_hits, 0);
		}
	}
	sigma_scratch_free(sc);
	sigma_set_free(set);
	ev_arena_release(&a);
}
END_TEST

/* ---- explanations (sigma_explain) ------------------------------------ */

struct xcase {
	const char	*name;
	const char	*category;
	const char	*detection;
	struct evspec	 ev;
	/* "selection:Field|mods=value@matched" per entry, ';' between;
	   keywords: "selection:keywords(DataName)=value@matched"; a
	   negated selection: "!selection:..." */
	const char	*want;
};

static const struct xcase xcases[] = {
	{ "one-of-two", PC,
	    "    selection_img:\n        Image|endswith: '\\rundll32.exe'\n"
	    "    selection_cli:\n        CommandLine|contains: 'zzz'\n"
	    "    condition: 1 of selection*\n",
	    { S1, "Image=C:\\Windows\\RUNDLL32.EXE\nCommandLine=rundll32 x" },
	    "selection_img:Image|endswith=\\rundll32.exe@\\RUNDLL32.EXE" },
	{ "one-of-both", PC,
	    "    selection_img:\n        Image|endswith: '\\rundll32.exe'\n"
	    "    selection_cli:\n        CommandLine|contains: 'javascript:'\n"
	    "    condition: 1 of selection*\n",
	    { S1, "Image=C:\\rundll32.exe\nCommandLine=rundll32 JavaScript:x" },
	    "selection_img:Image|endswith=\\rundll32.exe@\\rundll32.exe;"
	    "selection_cli:CommandLine|contains=javascript:@JavaScript:" },
	{ "contains-all", PC,
	    SEL("CommandLine|contains|all:\n            - ' -w hidden'\n"
	    "            - '-enc'"),
	    { S1, "CommandLine=powershell -W Hidden -Enc AAAA" },
	    "selection:CommandLine|contains|all= -w hidden@ -W Hidden;"
	    "selection:CommandLine|contains|all=-enc@-Enc" },
	{ "first-of-list", PC,
	    SEL("Image|endswith:\n            - '\\mshta.exe'\n"
	    "            - '\\wscript.exe'\n            - '\\cscript.exe'"),
	    { S1, "Image=C:\\x\\wscript.exe" },
	    "selection:Image|endswith=\\wscript.exe@\\wscript.exe" },
	{ "regex", PC, SEL("CommandLine|re: 'https?://[0-9.]+/'"),
	    { S1, "CommandLine=certutil -f http://10.0.0.1/a.exe" },
	    "selection:CommandLine|re=https?://[0-9.]+/@http://10.0.0.1/" },
	{ "regex-runs", PC, SEL("CommandLine|re: 'mimikatz.*sekurlsa'"),
	    { S1, "CommandLine=run mimikatz then sekurlsa::x" },
	    "selection:CommandLine|re=mimikatz.*sekurlsa@mimikatz then sekurlsa" },
	{ "keyword", "ps_script",
	    "    keywords:\n        - 'Invoke-Mimikatz'\n"
	    "        - 'Invoke-Kerberoast'\n    condition: keywords\n",
	    { S1, "Image=C:\\a.exe\nCommandLine=powershell iex; "
	    "invoke-kerberoast -x" },
	    "" },
	{ "keyword-sysmon", PC,
	    "    keywords:\n        - 'Invoke-Mimikatz'\n"
	    "        - 'Invoke-Kerberoast'\n    condition: keywords\n",
	    { S1, "Image=C:\\a.exe\nCommandLine=powershell iex; "
	    "invoke-kerberoast -x" },
	    "keywords:keywords(CommandLine)=Invoke-Kerberoast@"
	    "invoke-kerberoast" },
	{ "not-filter", PC,
	    "    selection:\n        Image|endswith: '\\certutil.exe'\n"
	    "    filter:\n        CommandLine|contains: 'verifyctl'\n"
	    "    condition: selection and not filter\n",
	    { S1, "Image=C:\\certutil.exe\nCommandLine=certutil -urlcache" },
	    "selection:Image|endswith=\\certutil.exe@\\certutil.exe" },
	{ "not-filter-true-elsewhere", PC,
	    "    selection:\n        Image|endswith: '\\certutil.exe'\n"
	    "    filter_main:\n        ParentImage: 'C:\\x.exe'\n"
	    "    filter_opt:\n        CommandLine|contains: 'urlcache'\n"
	    "    condition: selection and not (filter_main and filter_opt)\n",
	    { S1, "Image=C:\\certutil.exe\nCommandLine=certutil -urlcache\n"
	    "ParentImage=C:\\y.exe" },
	    "selection:Image|endswith=\\certutil.exe@\\certutil.exe" },
	{ "windash", PC, SEL("CommandLine|windash|contains: ' -decode '"),
	    { S1, "CommandLine=certutil /decode a b" },
	    "selection:CommandLine|windash|contains= -decode @ /decode " },
	{ "folded-utf8", PC, SEL("CommandLine|contains: '\xc3\xa9t\xc3\xa9'"),
	    { S1, "CommandLine=x \xc3\x89T\xc3\x89 y" },
	    "selection:CommandLine|contains=\xc3\xa9t\xc3\xa9@"
	    "\xc3\x89T\xc3\x89" },
	{ "4688-mapped", PC, SEL("Image|endswith: '\\cmd.exe'"),
	    { E4688V2, "NewProcessName=C:\\Windows\\cmd.exe" },
	    "selection:Image|endswith=\\cmd.exe@\\cmd.exe" },
	{ "map-and-list", PC,
	    "    selection:\n        - Image|endswith: '\\a.exe'\n"
	    "        - ParentImage|endswith: '\\b.exe'\n"
	    "    condition: selection\n",
	    { S1, "Image=C:\\z.exe\nParentImage=C:\\B.exe" },
	    "selection:ParentImage|endswith=\\b.exe@\\B.exe" },
	{ "only-not", PC,
	    "    known:\n        Image|endswith:\n            - '.exe'\n"
	    "            - '.com'\n"
	    "    filter:\n        Image|contains: ':\\Windows\\Installer\\'\n"
	    "    condition: not known and not filter\n",
	    { S1, "Image=C:\\x\\payload.dat" },
	    "!known:Image|endswith=null@C:\\x\\payload.dat" },
	{ "first-alternative", PC,
	    "    selection:\n        - Image|endswith: '\\a.exe'\n"
	    "        - OriginalFileName: 'A.EXE'\n"
	    "    condition: selection\n",
	    { S1, "Image=C:\\a.exe\nOriginalFileName=a.exe" },
	    "selection:Image|endswith=\\a.exe@\\a.exe" },
	{ "exists", PC, SEL("OriginalFileName|exists: true"),
	    { S1, "OriginalFileName=x.exe" },
	    "selection:OriginalFileName|exists=true@x.exe" },
};

START_TEST(test_explain)
{
	const struct xcase *xc = &xcases[_i];
	struct ev_arena a = EV_ARENA_INIT;
	char *text = rule_text(xc->category, xc->detection), got[1024];
	struct sigma_why why[8];
	struct sigma_set *set;
	const struct sigma_rule *r;
	struct sigma_scratch *sc;
	struct ev_event *ev;
	const uint32_t *hits;
	size_t o = 0;
	int n;

	ck_assert_int_eq(load_one(text, &set, &r), SIGMA_LOADED);
	sc = sigma_scratch_new(set);
	ev = make_event(&a, &xc->ev);
	/* only what matched is explained: the matching rules first */
	n = sigma_match(set, sc, ev, &hits);
	ck_assert_int_eq(n, xc->want[0] != '\0');
	n = sigma_explain(set, sc, 0, ev, why, NELEM(why));
	ck_assert_int_ge(n, 0);
	got[0] = '\0';
	for (int i = 0; i < n; i++) {
		const struct sigma_why *w = &why[i];

		ck_assert(w->text != NULL && w->off + w->len <= w->textlen);
		if (w->field != NULL)
			o += (size_t)snprintf(got + o, sizeof(got) - o,
			    "%s%s%s:%s%s%s=%s@%.*s", i ? ";" : "",
			    w->negated ? "!" : "", w->selection,
			    w->field, *w->mods ? "|" : "", w->mods,
			    w->value ? w->value : "null", (int)w->len,
			    w->text + w->off);
		else
			o += (size_t)snprintf(got + o, sizeof(got) - o,
			    "%s%s:keywords(%s)=%s@%.*s", i ? ";" : "",
			    w->selection, w->data, w->value, (int)w->len,
			    w->text + w->off);
		ck_assert(o < sizeof(got));
	}
	ck_assert_msg(strcmp(got, xc->want) == 0, "%s: got '%s', want '%s'",
	    xc->name, got, xc->want);
	/* the scratch still matches as before */
	ck_assert_int_eq(sigma_match(set, sc, ev, &hits), xc->want[0] != '\0');
	sigma_scratch_free(sc);
	sigma_set_free(set);
	ev_arena_release(&a);
	free(text);
}
END_TEST

static Suite *
sigma_suite(void)
{
	Suite *s = suite_create("sigma");
	TCase *tc;

	tc = tcase_create("match");
	/* test_memo_table walks the whole memo several times: seconds
	   under valgrind or a loaded machine, not Check's default 4 */
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_match, 0, NELEM(mcases));
	tcase_add_test(tc, test_enrichment);
	tcase_add_test(tc, test_multi_rule);
	tcase_add_test(tc, test_always_by_id);
	tcase_add_test(tc, test_memo_across_events);
	tcase_add_test(tc, test_event_memo_undecided);
	tcase_add_test(tc, test_fold_ascii);
	tcase_add_test(tc, test_ac_naive);
	tcase_add_test(tc, test_ac_bytes);
	tcase_add_test(tc, test_short_literal_need);
	tcase_add_test(tc, test_memo_table);
	tcase_add_loop_test(tc, test_explain, 0, NELEM(xcases));
	suite_add_tcase(s, tc);
	tc = tcase_create("load");
	tcase_add_loop_test(tc, test_reject, 0, NELEM(rcases));
	tcase_add_test(tc, test_skip_logsource);
	tcase_add_test(tc, test_logsource_map);
	tcase_add_test(tc, test_logsource_unknown);
	tcase_add_test(tc, test_logsource_match);
	tcase_add_test(tc, test_logsource_unnamed_data);
	tcase_add_test(tc, test_logsource_wants);
	tcase_add_test(tc, test_not_a_rule);
	tcase_add_test(tc, test_metadata);
	suite_add_tcase(s, tc);
	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_deep_condition);
	tcase_add_test(tc, test_deep_yaml);
	tcase_add_test(tc, test_huge_list);
	tcase_add_test(tc, test_catastrophic_regex);
	tcase_add_test(tc, hostile_rule_0001_deep_flow);
	tcase_add_test(tc, hostile_rule_0002_regex_limit);
	tcase_add_test(tc, hostile_rule_0003_dir_loops);
	tcase_add_test(tc, hostile_rule_0004_explicit_special);
	tcase_add_test(tc, test_load_dir_jobs);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(sigma_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
