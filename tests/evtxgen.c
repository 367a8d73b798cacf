/*
 * evtxgen.c -- write test .evtx files from text specs, check them with
 * libevtx, and make big / sparse benchmark inputs.
 *
 * Usage:
 *   evtxgen SPEC OUT.evtx          write the file SPEC describes
 *   evtxgen --verify SPEC FILE     FILE must be byte-identical to what SPEC
 *                                  gives now; unless SPEC mutates the file,
 *                                  libevtx must also read every record of
 *                                  FILE with the values SPEC says
 *   evtxgen --expect SPEC          print what a reader must find (the
 *                                  values rendered as libevtx does)
 *   evtxgen --big MB OUT           >= MB MiB of mixed 4688 + Sysmon 1/3/7
 *   evtxgen --big-sources MB OUT   the same, every other event from another
 *                                  source (PowerShell 4104, System 7045,
 *                                  Security 4624, TaskScheduler 200, WMI
 *                                  5861, Sysmon 11/22)
 *   evtxgen --sparse OUT           > 4 GiB, > 65535 chunks, mostly holes
 *
 * Spec format (one file per .evtx; UTF-8; one statement per line; leading
 * blanks ignored; lines starting with '#' are comments):
 *
 *   output PATH            where gen-testdata.sh writes it (under testdata/)
 *   file dirty | full      set the header flag
 *   file hidden-chunks N   the header does not count the last N chunks
 *   file chunk-limit N     start a new chunk once N bytes of it are used
 *   mutate M               damage the finished file (applied in order):
 *                          truncate N | chunk-crc C | chunk-header-crc C |
 *                          binxml R | header-damage | poke OFF HEXBYTES |
 *                          free-space C OFF | unlink-record R
 *   verify drift-only      --verify only compares bytes (libevtx cannot
 *                          read the file, e.g. a string ending in a lone
 *                          high surrogate)
 *   record [slack] [newchunk] [stale-template]
 *                          start a record.  It copies the System fields of
 *                          the previous record (record id + 1); data is
 *                          not copied.  slack: written after the last
 *                          allocated record of its chunk (recoverable);
 *                          newchunk: begins a new chunk; stale-template:
 *                          its EventData template instance names the
 *                          offset of the System template (a definition
 *                          overwritten by another template) and carries
 *                          no definition (one only if another record of
 *                          the same shape wrote it).
 *   template-key TEXT      the record's EventData template GUID is made
 *                          from TEXT, not from its shape: records of two
 *                          shapes with one key forge two templates with
 *                          one GUID
 *   provider NAME [GUID]   or an alias: security, sysmon, eventlog,
 *                          powershell, scm (Service Control Manager)
 *   eventid N              also resets version, level, task, opcode and
 *                          keywords to Windows' values for the provider and
 *                          event, so put overrides after it
 *   version N | level N | task N | opcode N | keywords N | qualifiers N|-
 *   time ISO-8601          TimeCreated and the record header (UTC, 100 ns)
 *   recordid N | pid N | tid N
 *   channel NAME | computer NAME
 *   user SID | user -      Security UserID (- : none)
 *   userdata NAME [NS]     body is <UserData><NAME xmlns=NS>, data lines
 *                          become its child elements
 *   nodata                 no EventData at all
 *   data NAME[:TYPE]=VALUE an EventData <Data Name="NAME"> (an empty NAME:
 *                          <Data> without a Name); the value is
 *                          literal to the end of the line (backslashes
 *                          are plain characters: Windows paths)
 *   edata NAME=VALUE       the same with escapes: \\ \e (ESC) \a \n \r \t
 *                          \xHH (U+00HH) \uHHHH (one UTF-16 unit, so lone
 *                          surrogates can be written)
 * TYPE is one of str u8 u16 u32 u64 bool bin guid sizet filetime systime
 * sid hex32 hex64 null strarr (an array of strings in one <Data>, as
 * Windows PowerShell 400 logs them: with edata, \x00 separates them;
 * readers give one value per string); without it the type is Windows' for that provider
 * and name (evtxw_default_type: Sysmon ProcessGuid guid, ProcessId u32,
 * Security SubjectLogonId hex64, NewProcessId hex64 declared sizet, ...).
 * Numbers are decimal or 0x hex; an empty non-string value is NULL.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libevtx.h>

#include "ev_buf.h"
#include "ev_time.h"
#include "ev_util.h"
#include "evtxw.h"

static void
usage(void)
{
	fprintf(stderr,
	    "usage: evtxgen SPEC OUT.evtx\n"
	    "       evtxgen --verify SPEC FILE\n"
	    "       evtxgen --expect SPEC\n"
	    "       evtxgen --big MB OUT\n"
	    "       evtxgen --big-sources MB OUT\n"
	    "       evtxgen --sparse OUT\n");
	exit(2);
}

static int
fail(const struct ev_err *e)
{
	fprintf(stderr, "evtxgen: %s\n", e->msg);
	return 1;
}

/* ---- rendering values the way libevtx 20181227 prints them ---- */

/*
 * Renders d's value into b.  With `quirk`, as libevtx 20181227 does: a
 * high surrogate followed by a non-low unit swallows that unit into one
 * U+FFFD.  Otherwise each lone surrogate becomes U+FFFD.
 */
static void
render(const struct evtxw_data *d, struct ev_buf *b, bool quirk)
{
	const char *s = d->text != NULL ? d->text : "";
	uint64_t v = 0;
	int64_t sv;
	char iso[EV_TIME_ISO_LEN + 1];

	ev_buf_reset(b);
	/* (an array's strings stay separated by NUL bytes: see nth_elem) */
	if (d->type == EVTXW_T_STRING || d->type == EVTXW_T_STRARR) {
		if (d->u16 == NULL) {
			ev_buf_adds(b, s);
			return;
		}
		for (size_t i = 0; i < d->u16len; i++) {
			uint32_t c = d->u16[i];

			if (c >= 0xd800 && c < 0xdc00 && i + 1 < d->u16len &&
			    d->u16[i + 1] >= 0xdc00 && d->u16[i + 1] < 0xe000)
				c = 0x10000 + ((c - 0xd800) << 10) +
				    (d->u16[++i] - 0xdc00);
			else if (c >= 0xd800 && c < 0xdc00 && quirk &&
			    i + 1 < d->u16len) {
				c = 0xfffd;
				i++;
			} else if (c >= 0xd800 && c < 0xe000)
				c = 0xfffd;	/* a lone surrogate */
			ev_buf_add_utf8(b, c);
		}
		return;
	}
	if (*s == '\0' || d->type == EVTXW_T_NULL)
		return;
	if (ev_parse_int_auto(s, &sv) == 0)
		v = (uint64_t)sv;
	else if (strncmp(s, "0x", 2) == 0)
		v = strtoull(s + 2, NULL, 16);
	else
		v = strtoull(s, NULL, 10);
	switch (d->type) {
	case EVTXW_T_UINT8:
	case EVTXW_T_UINT16:
	case EVTXW_T_UINT32:
	case EVTXW_T_UINT64:
		ev_buf_addf(b, "%" PRIu64, v);
		break;
	case EVTXW_T_HEXINT32:
		ev_buf_addf(b, "0x%08" PRIx64, v);
		break;
	case EVTXW_T_HEXINT64:
	case EVTXW_T_SIZET:
		ev_buf_addf(b, "0x%016" PRIx64, v);
		break;
	case EVTXW_T_BOOL:
		ev_buf_adds(b, strcmp(s, "true") == 0 || strcmp(s, "1") == 0 ?
		    "true" : "false");
		break;
	case EVTXW_T_GUID:
		if (*s != '{')
			ev_buf_addc(b, '{');
		for (; *s != '\0'; s++)
			ev_buf_addc(b, (char)(*s >= 'a' && *s <= 'f' ?
			    *s - 'a' + 'A' : *s));
		if (b->buf[b->len - 1] != '}')
			ev_buf_addc(b, '}');
		break;
	case EVTXW_T_BINARY:
		for (; *s != '\0'; s++)
			ev_buf_addc(b, (char)(*s >= 'a' && *s <= 'f' ?
			    *s - 'a' + 'A' : *s));
		break;
	case EVTXW_T_FILETIME:
		if (ev_time_parse(s, &v) == 0) {
			ev_time_iso(v, iso);
			iso[EV_TIME_ISO_LEN - 1] = '\0';	/* drop Z */
			ev_buf_addf(b, "%s00Z", iso);
		}
		break;
	case EVTXW_T_SYSTEMTIME:
		if (ev_time_parse(s, &v) == 0) {
			ev_time_iso(v, iso);
			iso[23] = '\0';		/* milliseconds */
			ev_buf_addf(b, "%sZ", iso);
		}
		break;
	default:
		ev_buf_adds(b, s);	/* SID: as written */
		break;
	}
}

/*
 * The strings a rendered value stands for, one after the other from *off
 * (start at 0): a string array (STRARR) is one <Data> per string, as
 * libevtx renders it; another value is one.  NULL past the last.
 */
static const char *
nth_elem(const struct evtxw_data *d, const struct ev_buf *b, size_t *off)
{
	const char *e;

	if (*off == SIZE_MAX || (*off > 0 && *off >= b->len))
		return NULL;
	e = b->buf + *off;
	*off = d->type == EVTXW_T_STRARR ? *off + strlen(e) + 1 : SIZE_MAX;
	return e;
}

static void
iso9(uint64_t ft, char *out)
{
	char iso[EV_TIME_ISO_LEN + 1];

	ev_time_iso(ft, iso);
	iso[EV_TIME_ISO_LEN - 1] = '\0';
	snprintf(out, 40, "%s00Z", iso);
}

static int
cmd_expect(const char *path)
{
	struct ev_err e = EV_ERR_INIT;
	struct evtxw_spec *s;
	struct ev_buf b = EV_BUF_INIT;
	char t[40];

	if (evtxw_spec_load(path, &s, &e) < 0)
		return fail(&e);
	for (size_t i = 0; i < evtxw_spec_nevents(s); i++) {
		const struct evtxw_event *ev = evtxw_spec_event(s, i);

		iso9(ev->time, t);
		printf("record %" PRIu64 "%s time=%s eid=%u provider=%s "
		    "channel=%s computer=%s\n", ev->record_id,
		    ev->flags & EVTXW_EV_SLACK ? " slack" : "", t,
		    ev->event_id, ev->provider ? ev->provider : "",
		    ev->channel ? ev->channel : "",
		    ev->computer ? ev->computer : "");
		for (size_t k = 0; k < ev->ndata; k++) {
			size_t off = 0;
			const char *el;

			render(&ev->data[k], &b, false);
			while ((el = nth_elem(&ev->data[k], &b, &off)) != NULL)
				printf("\t%s=%s\n", ev->data[k].name, el);
		}
	}
	ev_buf_release(&b);
	evtxw_spec_free(s);
	return ferror(stdout) ? 1 : 0;
}

/* ---- reading libevtx's XML back ---- */

/* Appends XML text s[0..n) to b with the five entities decoded. */
static void
unxml(struct ev_buf *b, const char *s, size_t n)
{
	static const struct {
		const char *ent;
		char c;
	} ents[] = { { "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' },
	    { "&quot;", '"' }, { "&apos;", '\'' } };

	ev_buf_reset(b);
	for (size_t i = 0; i < n; i++) {
		size_t k = NELEM(ents);

		if (s[i] == '&')
			for (k = 0; k < NELEM(ents); k++)
				if (n - i >= strlen(ents[k].ent) && memcmp(s + i,
				    ents[k].ent, strlen(ents[k].ent)) == 0)
					break;
		if (k < NELEM(ents)) {
			ev_buf_addc(b, ents[k].c);
			i += strlen(ents[k].ent) - 1;
		} else
			ev_buf_addc(b, s[i]);
	}
}

/* Text of the first <tag>text</tag> (or "" for <tag/>); -1 when absent. */
static int
xml_elem(const char *x, const char *tag, struct ev_buf *out)
{
	char open[64];
	const char *p, *q;
	size_t l = (size_t)snprintf(open, sizeof(open), "<%s", tag);

	for (p = strstr(x, open); p != NULL; p = strstr(p + 1, open))
		if (p[l] == '>' || p[l] == ' ' || p[l] == '/')
			break;
	if (p == NULL || (p = strchr(p, '>')) == NULL)
		return -1;
	if (p[-1] == '/') {
		ev_buf_reset(out);
		return 0;
	}
	p++;
	if ((q = strstr(p, "</")) == NULL)
		return -1;
	unxml(out, p, (size_t)(q - p));
	return 0;
}

/* Value of attribute `name` of the first element <tag ...>. */
static int
xml_attr(const char *x, const char *tag, const char *name,
    struct ev_buf *out)
{
	char open[64], at[64];
	const char *p, *end, *q;

	snprintf(open, sizeof(open), "<%s ", tag);
	snprintf(at, sizeof(at), " %s=\"", name);
	if ((p = strstr(x, open)) == NULL || (end = strchr(p, '>')) == NULL)
		return -1;
	if ((q = strstr(p, at)) == NULL || q > end)
		return -1;
	q += strlen(at);
	if ((end = strchr(q, '"')) == NULL)
		return -1;
	unxml(out, q, (size_t)(end - q));
	return 0;
}

/*
 * The i-th data item of the body: EventData <Data Name="n">v</Data>, or
 * the i-th child of the UserData element.  Returns 0, or -1 past the end.
 */
static int
xml_data(const char *x, size_t i, bool userdata, struct ev_buf *name,
    struct ev_buf *val)
{
	const char *p, *q, *e;

	if (!userdata) {
		/* <Data Name="n">v</Data>, or <Data>v</Data> unnamed */
		p = strstr(x, "<EventData>");
		for (size_t k = 0; p != NULL; k++) {
			while ((p = strstr(p, "<Data")) != NULL &&
			    p[5] != ' ' && p[5] != '>' && p[5] != '/')
				p += 5;
			if (p == NULL)
				return -1;
			p += 5;
			if (k == i)
				break;
		}
		if (p == NULL)
			return -1;
		if (strncmp(p, " Name=\"", 7) == 0) {
			p += 7;
			if ((q = strchr(p, '"')) == NULL)
				return -1;
			unxml(name, p, (size_t)(q - p));
		} else {
			ev_buf_reset(name);
			q = p - 1;	/* q[1] is '>' or '/' */
		}
		if (q[1] == '/') {
			ev_buf_reset(val);
			return 0;
		}
		q += 2;
		if ((e = strstr(q, "</Data>")) == NULL)
			return -1;
		unxml(val, q, (size_t)(e - q));
		return 0;
	}
	/* <UserData>\n <Elem ...>\n <child>v</child> ... */
	if ((p = strstr(x, "<UserData>")) == NULL ||
	    (p = strchr(p + 10, '<')) == NULL ||
	    (p = strchr(p, '>')) == NULL)
		return -1;
	for (size_t k = 0;; k++) {
		if ((p = strchr(p + 1, '<')) == NULL || p[1] == '/')
			return -1;
		for (q = p + 1; *q != '>' && *q != '/' && *q != ' '; q++)
			if (*q == '\0')
				return -1;
		if (k < i) {
			char close[160];

			snprintf(close, sizeof(close), "</%.*s>",
			    (int)(q - p - 1), p + 1);
			if (*q == '/')
				p = q;
			else if ((p = strstr(q, close)) == NULL)
				return -1;
			continue;
		}
		unxml(name, p + 1, (size_t)(q - p - 1));
		if (*q == '/') {
			ev_buf_reset(val);
			return 0;
		}
		if ((e = strstr(q, "</")) == NULL)
			return -1;
		unxml(val, q + 1, (size_t)(e - q - 1));
		return 0;
	}
}

struct check {
	const char	*path;
	int		 bad;
	struct ev_buf	 a, b;
};

static void
mismatch(struct check *c, uint64_t id, const char *what, const char *want,
    const char *got)
{
	if (c->bad++ < 20)
		fprintf(stderr, "%s: record %" PRIu64 ": %s: want '%s', "
		    "libevtx has '%s'\n", c->path, id, what, want, got);
}

static void
check_field(struct check *c, uint64_t id, const char *what,
    const char *want, int found, const struct ev_buf *got)
{
	if (found != 0)
		mismatch(c, id, what, want, "(missing)");
	else if (strcmp(want, got->buf) != 0)
		mismatch(c, id, what, want, got->buf);
}

static void
check_record(struct check *c, const struct evtxw_event *ev,
    libevtx_record_t *r)
{
	libevtx_error_t *le = NULL;
	char *xml = NULL, want[64];
	size_t sz = 0;
	uint64_t id = ev->record_id, ft = 0;
	struct ev_buf name = EV_BUF_INIT, val = EV_BUF_INIT;
	bool ud = ev->body == EVTXW_BODY_USERDATA;
	size_t k, x = 0;

	if (libevtx_record_get_utf8_xml_string_size(r, &sz, &le) != 1 ||
	    (xml = malloc(sz + 1)) == NULL ||
	    libevtx_record_get_utf8_xml_string(r, (uint8_t *)xml, sz,
	    &le) != 1) {
		mismatch(c, id, "xml", "an XML rendering", "(error)");
		libevtx_error_free(&le);
		free(xml);
		return;
	}
	xml[sz] = '\0';
	if (libevtx_record_get_written_time(r, &ft, &le) != 1 ||
	    ft != ev->time) {
		snprintf(want, sizeof(want), "%" PRIu64, ev->time);
		mismatch(c, id, "written time", want, "other");
		libevtx_error_free(&le);
	}
	snprintf(want, sizeof(want), "%u", ev->event_id);
	check_field(c, id, "EventID", want, xml_elem(xml, "EventID", &c->a),
	    &c->a);
	snprintf(want, sizeof(want), "%" PRIu64, ev->record_id);
	check_field(c, id, "EventRecordID", want,
	    xml_elem(xml, "EventRecordID", &c->a), &c->a);
	iso9(ev->time, want);
	check_field(c, id, "SystemTime", want,
	    xml_attr(xml, "TimeCreated", "SystemTime", &c->a), &c->a);
	check_field(c, id, "Provider", ev->provider ? ev->provider : "",
	    xml_attr(xml, "Provider", "Name", &c->a), &c->a);
	check_field(c, id, "Channel", ev->channel ? ev->channel : "",
	    xml_elem(xml, "Channel", &c->a), &c->a);
	check_field(c, id, "Computer", ev->computer ? ev->computer : "",
	    xml_elem(xml, "Computer", &c->a), &c->a);
	if (ev->user_sid != NULL)
		check_field(c, id, "UserID", ev->user_sid,
		    xml_attr(xml, "Security", "UserID", &c->a), &c->a);
	for (k = 0; k < ev->ndata; k++) {
		size_t off = 0;
		const char *e;

		render(&ev->data[k], &c->b, true);
		while ((e = nth_elem(&ev->data[k], &c->b, &off)) != NULL) {
			if (xml_data(xml, x++, ud, &name, &val) == -1) {
				mismatch(c, id, ev->data[k].name, "present",
				    "(missing)");
				k = ev->ndata;
				break;
			}
			check_field(c, id, "data name", ev->data[k].name, 0,
			    &name);
			check_field(c, id, ev->data[k].name, e, 0, &val);
		}
	}
	if (ev->body != EVTXW_BODY_NONE &&
	    xml_data(xml, x, ud, &name, &val) == 0)
		mismatch(c, id, "data count", "no more", name.buf);
	ev_buf_release(&name);
	ev_buf_release(&val);
	free(xml);
}

static int
libevtx_check(const char *path, const struct evtxw_spec *s)
{
	libevtx_file_t *f = NULL;
	libevtx_error_t *le = NULL;
	struct check c = { path, 0, EV_BUF_INIT, EV_BUF_INIT };
	size_t nev = evtxw_spec_nevents(s);
	bool *seen = calloc(nev + 1, 1);
	int n = 0, nrec = 0;

	if (seen == NULL ||
	    libevtx_file_initialize(&f, &le) != 1 ||
	    libevtx_file_open(f, path, LIBEVTX_OPEN_READ, &le) != 1) {
		fprintf(stderr, "%s: libevtx cannot open it\n", path);
		libevtx_error_free(&le);
		libevtx_file_free(&f, NULL);
		free(seen);
		return 1;
	}
	for (int pass = 0; pass < 2; pass++) {
		if ((pass == 0 ? libevtx_file_get_number_of_records(f, &n,
		    &le) : libevtx_file_get_number_of_recovered_records(f, &n,
		    &le)) != 1) {
			c.bad++;
			libevtx_error_free(&le);
			continue;
		}
		if (pass == 0)
			nrec = n;
		for (int i = 0; i < n; i++) {
			libevtx_record_t *r = NULL;
			uint64_t id = 0;
			size_t k;

			if ((pass == 0 ? libevtx_file_get_record_by_index(f, i,
			    &r, &le) : libevtx_file_get_recovered_record_by_index(
			    f, i, &r, &le)) != 1 ||
			    libevtx_record_get_identifier(r, &id, &le) != 1) {
				fprintf(stderr, "%s: libevtx cannot read "
				    "record %d\n", path, i);
				libevtx_error_free(&le);
				libevtx_record_free(&r, NULL);
				c.bad++;
				continue;
			}
			for (k = 0; k < nev; k++)
				if (evtxw_spec_event(s, k)->record_id == id &&
				    !(pass == 1 && seen[k]))
					break;
			if (k == nev) {
				/* recovered copies of allocated records */
				if (pass == 0)
					mismatch(&c, id, "record", "in spec",
					    "not in spec");
			} else if (!seen[k]) {
				seen[k] = true;
				check_record(&c, evtxw_spec_event(s, k), r);
			}
			libevtx_record_free(&r, NULL);
		}
	}
	for (size_t k = 0; k < nev; k++)
		if (!seen[k])
			mismatch(&c, evtxw_spec_event(s, k)->record_id,
			    "record", "read", "(not found)");
	libevtx_file_close(f, NULL);
	libevtx_file_free(&f, NULL);
	ev_buf_release(&c.a);
	ev_buf_release(&c.b);
	free(seen);
	if (c.bad == 0)
		printf("ok %s: %zu events, libevtx: %d records\n", path, nev,
		    nrec);
	return c.bad != 0;
}

static int
cmd_verify(const char *specpath, const char *path)
{
	struct ev_err e = EV_ERR_INIT;
	struct evtxw_spec *s;
	struct evtxw *w;
	const uint8_t *want;
	uint8_t *have = NULL;
	size_t wlen, hlen = 0, cap = 0;
	FILE *f;
	int rc = 0;

	if (evtxw_spec_load(specpath, &s, &e) < 0)
		return fail(&e);
	if (evtxw_spec_build(s, &w, &e) < 0) {
		evtxw_spec_free(s);
		return fail(&e);
	}
	want = evtxw_bytes(w, &wlen);
	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "evtxgen: cannot open '%s': %s\n", path,
		    strerror(errno));
		rc = 1;
		goto out;
	}
	for (;;) {
		size_t n;

		if (hlen == cap) {
			uint8_t *p = realloc(have, cap = cap ? cap * 2 : 65536);

			if (p == NULL)
				break;
			have = p;
		}
		if ((n = fread(have + hlen, 1, cap - hlen, f)) == 0)
			break;
		hlen += n;
	}
	fclose(f);
	if (hlen != wlen || (wlen > 0 && memcmp(have, want, wlen) != 0)) {
		size_t i = 0;

		while (i < hlen && i < wlen && have[i] == want[i])
			i++;
		fprintf(stderr, "%s: differs from what %s gives now (at byte "
		    "%zu; sizes %zu / %zu): run tests/gen-testdata.sh\n",
		    path, specpath, i, hlen, wlen);
		rc = 1;
	}
	if (rc == 0 && !evtxw_spec_mutated(s) && !evtxw_spec_drift_only(s))
		rc = libevtx_check(path, s);
	else if (rc == 0)
		printf("ok %s: identical (damaged on purpose)\n", path);
out:
	free(have);
	evtxw_free(w);
	evtxw_spec_free(s);
	return rc;
}

static int
cmd_gen(const char *specpath, const char *out)
{
	struct ev_err e = EV_ERR_INIT;
	struct evtxw_spec *s;
	struct evtxw *w;
	int rc;

	if (evtxw_spec_load(specpath, &s, &e) < 0)
		return fail(&e);
	if (evtxw_spec_build(s, &w, &e) < 0) {
		evtxw_spec_free(s);
		ev_err_wrap(&e, "%s", specpath);
		return fail(&e);
	}
	rc = evtxw_write(w, out, &e) < 0 ? fail(&e) : 0;
	evtxw_free(w);
	evtxw_spec_free(s);
	return rc;
}

/* ---- big and sparse files ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static const char *const big_images[] = {
	"C:\\Windows\\System32\\svchost.exe",
	"C:\\Windows\\System32\\cmd.exe",
	"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
	"C:\\Windows\\System32\\rundll32.exe",
	"C:\\Windows\\System32\\msiexec.exe",
	("C:\\Program Files (x86)\\Microsoft Visual Studio\\2019\\"
	    "Professional\\MSBuild\\Current\\Bin\\MSBuild.exe"),
	"C:\\Windows\\System32\\certutil.exe",
	"C:\\Windows\\System32\\conhost.exe",
	"C:\\Windows\\System32\\mshta.exe",
	"C:\\Windows\\System32\\regsvr32.exe",
};

static const char *const big_args[] = {
	"-k netsvcs -p -s Schedule", "/c dir %s", "-NoProfile -File %s.ps1",
	"shell32.dll,Control_RunDLL %s.cpl", "/i %s.msi /qn",
	"%s.sln /t:Build /p:Configuration=Release", "-hashfile %s.zip SHA256",
	"0xffffffff -ForceV1", "https://cdn.example.net/%s.hta",
	"/s \"C:\\Program Files\\Vendor\\%s.dll\"",
};

static void
big_word(char *out, size_t n)
{
	static const char al[] = "abcdefghijklmnopqrstuvwxyz0123456789_";
	size_t len = 4 + rng() % 12;

	if (len >= n)
		len = n - 1;
	for (size_t i = 0; i < len; i++)
		out[i] = al[rng() % (sizeof(al) - 1)];
	out[len] = '\0';
}

static int
big_event(struct evtxw *w, uint64_t id, uint64_t ft, const char *host,
    struct ev_err *e)
{
	char guid[64], pguid[64], cmd[512], word[32], pid[24], ppid[24],
	    utc[40], hexpid[24], hexppid[24];
	struct evtxw_data d[20];
	struct evtxw_event ev;
	size_t nd = 0, im = rng() % NELEM(big_images);
	unsigned kind = (unsigned)(rng() % 4);
	uint8_t decl;

	memset(&ev, 0, sizeof(ev));
	memset(d, 0, sizeof(d));
	big_word(word, sizeof(word));
	snprintf(cmd, sizeof(cmd), "\"%s\" ", big_images[im]);
	snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), big_args[im],
	    word);
	snprintf(guid, sizeof(guid), "{3F2504E0-4F89-11D3-9A0C-%012" PRIX64
	    "}", (uint64_t)(rng() & 0xffffffffffffULL));
	snprintf(pguid, sizeof(pguid), "{3F2504E0-4F89-11D3-9A0C-%012" PRIX64
	    "}", (uint64_t)(rng() & 0xffffffffffffULL));
	snprintf(pid, sizeof(pid), "%" PRIu64, 4 * (1 + rng() % 16000));
	snprintf(ppid, sizeof(ppid), "%" PRIu64, 4 * (1 + rng() % 16000));
	snprintf(hexpid, sizeof(hexpid), "0x%" PRIx64, 4 * (1 + rng() % 16000));
	snprintf(hexppid, sizeof(hexppid), "0x%" PRIx64,
	    4 * (1 + rng() % 16000));
	ev_time_iso(ft, utc);
	utc[10] = ' ';
	utc[23] = '\0';
	ev.qualifiers = -1;
	ev.time = ft;
	ev.record_id = id;
	ev.computer = host;
	ev.pid = 2812;
	ev.tid = 3656;
	ev.user_sid = "S-1-5-18";
#define D(n, v) do { d[nd].name = (n); d[nd].text = (v); \
	d[nd].type = evtxw_default_type(ev.provider, (n), &decl); \
	d[nd].decl = decl; nd++; } while (0)
	if (kind == 0) {
		ev.provider = "Microsoft-Windows-Security-Auditing";
		ev.provider_guid = "{54849625-5478-4994-A5BA-3E3B0328C30D}";
		ev.event_id = 4688;
		ev.version = 2;
		ev.task = 13312;
		ev.keywords = 0x8020000000000000ULL;
		ev.channel = "Security";
		ev.user_sid = NULL;
		D("SubjectUserSid", "S-1-5-18");
		D("SubjectUserName", "WKS01$");
		D("SubjectDomainName", "CORP");
		D("SubjectLogonId", "0x3e7");
		D("NewProcessId", hexpid);
		D("NewProcessName", big_images[im]);
		D("TokenElevationType", "%%1936");
		D("ProcessId", hexppid);
		D("CommandLine", cmd);
		D("TargetUserSid", "S-1-0-0");
		D("TargetUserName", "-");
		D("TargetDomainName", "-");
		D("TargetLogonId", "0x0");
		D("ParentProcessName", big_images[rng() % NELEM(big_images)]);
		D("MandatoryLabel", "S-1-16-16384");
	} else {
		ev.provider = "Microsoft-Windows-Sysmon";
		ev.provider_guid = "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}";
		ev.event_id = kind == 1 ? 1 : kind == 2 ? 3 : 7;
		ev.version = kind == 1 ? 5 : kind == 2 ? 5 : 3;
		ev.level = 4;
		ev.task = ev.event_id;
		ev.keywords = 0x8000000000000000ULL;
		ev.channel = "Microsoft-Windows-Sysmon/Operational";
		D("RuleName", "-");
		D("UtcTime", utc);
		D("ProcessGuid", guid);
		D("ProcessId", pid);
		D("Image", big_images[im]);
		if (kind == 1) {
			D("CommandLine", cmd);
			D("CurrentDirectory", "C:\\Windows\\system32\\");
			D("User", "CORP\\alice");
			D("LogonId", "0x5a3e1");
			D("IntegrityLevel", "Medium");
			D("Hashes", "SHA256=0F3A9B6C2D1E4F5A6B7C8D9E0F1A2B3C4D5E6"
			    "F708192A3B4C5D6E7F8091A2B");
			D("ParentProcessGuid", pguid);
			D("ParentProcessId", ppid);
			D("ParentImage", big_images[rng() % NELEM(big_images)]);
		} else if (kind == 2) {
			D("User", "CORP\\alice");
			D("Protocol", "tcp");
			D("Initiated", "true");
			D("SourceIp", "10.1.2.3");
			D("SourcePort", ppid);
			D("DestinationIp", "93.184.216.34");
			D("DestinationPort", "443");
		} else {
			D("ImageLoaded", cmd);
			D("Signed", "true");
			D("Signature", "Microsoft Windows");
			D("SignatureStatus", "Valid");
		}
	}
#undef D
	ev.data = d;
	ev.ndata = nd;
	return evtxw_add(w, &ev, e);
}

/*
 * One event of the other execution sources (--big-sources): PowerShell
 * script blocks, service installs, logons, scheduled task runs, WMI,
 * Sysmon file creates and DNS queries, in turn with big_event()'s
 * process events.
 */
static int
big_source_event(struct evtxw *w, uint64_t id, uint64_t ft, const char *host,
    struct ev_err *e)
{
	static const struct {
		const char	*provider, *guid, *channel;
		uint16_t	 event_id;
		const char	*names[4];
	} src[] = {
		{ "Microsoft-Windows-PowerShell",
		    "{A0C1853B-5C40-4B15-8766-3CF1C58F985A}",
		    "Microsoft-Windows-PowerShell/Operational", 4104,
		    { "MessageNumber", "MessageTotal", "ScriptBlockText",
		    "Path" } },
		{ "Service Control Manager",
		    "{555908D1-A6D7-4695-8E1E-26931D2012F4}", "System", 7045,
		    { "ServiceName", "ImagePath", "ServiceType",
		    "StartType" } },
		{ "Microsoft-Windows-Security-Auditing",
		    "{54849625-5478-4994-A5BA-3E3B0328C30D}", "Security", 4624,
		    { "TargetUserName", "TargetDomainName", "LogonType",
		    "IpAddress" } },
		{ "Microsoft-Windows-TaskScheduler",
		    "{DE7B24EA-73C8-4A09-985D-5BDADCFA9017}",
		    "Microsoft-Windows-TaskScheduler/Operational", 200,
		    { "TaskName", "ActionName", "TaskInstanceId",
		    "EnginePID" } },
		{ "Microsoft-Windows-WMI-Activity",
		    "{1418EF04-B0B4-4623-BF7E-D74AB47BBDAA}",
		    "Microsoft-Windows-WMI-Activity/Operational", 5861,
		    { "Namespace", "ESS", "CONSUMER", "PossibleCause" } },
		{ "Microsoft-Windows-Sysmon",
		    "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}",
		    "Microsoft-Windows-Sysmon/Operational", 11,
		    { "ProcessGuid", "Image", "TargetFilename",
		    "CreationUtcTime" } },
		{ "Microsoft-Windows-Sysmon",
		    "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}",
		    "Microsoft-Windows-Sysmon/Operational", 22,
		    { "ProcessGuid", "Image", "QueryName", "QueryResults" } },
	};
	char v[4][320], word[32];
	struct evtxw_data d[4];
	struct evtxw_event ev;
	size_t k = (size_t)(rng() % NELEM(src));
	const char *im = big_images[rng() % NELEM(big_images)];

	memset(&ev, 0, sizeof(ev));
	memset(d, 0, sizeof(d));
	big_word(word, sizeof(word));
	ev.qualifiers = -1;
	ev.time = ft;
	ev.record_id = id;
	ev.computer = host;
	ev.pid = 2812;
	ev.tid = 3656;
	ev.user_sid = "S-1-5-18";
	ev.level = 4;
	ev.keywords = 0x8000000000000000ULL;
	ev.provider = src[k].provider;
	ev.provider_guid = src[k].guid;
	ev.channel = src[k].channel;
	ev.event_id = src[k].event_id;
	switch (ev.event_id) {
	case 4104:
		snprintf(v[0], sizeof(v[0]), "1");
		snprintf(v[1], sizeof(v[1]), "1");
		snprintf(v[2], sizeof(v[2]), "$c = New-Object Net.WebClient; "
		    "$c.DownloadString('https://%s.example.net/a.ps1') | "
		    "Out-File $env:TEMP\\%s.ps1", word, word);
		snprintf(v[3], sizeof(v[3]), "C:\\Users\\alice\\%s.ps1",
		    word);
		break;
	case 7045:
		snprintf(v[0], sizeof(v[0]), "%s", word);
		snprintf(v[1], sizeof(v[1]), "%s -k %s", im, word);
		snprintf(v[2], sizeof(v[2]), "user mode service");
		snprintf(v[3], sizeof(v[3]), "demand start");
		break;
	case 4624:
		snprintf(v[0], sizeof(v[0]), "%s", word);
		snprintf(v[1], sizeof(v[1]), "CORP");
		snprintf(v[2], sizeof(v[2]), "%u", (unsigned)(2 + rng() % 9));
		snprintf(v[3], sizeof(v[3]), "10.1.%u.%u",
		    (unsigned)(rng() % 256), (unsigned)(rng() % 256));
		break;
	case 200:
		snprintf(v[0], sizeof(v[0]), "\\Microsoft\\Windows\\%s", word);
		snprintf(v[1], sizeof(v[1]), "%s", im);
		snprintf(v[2], sizeof(v[2]), "{3F2504E0-4F89-11D3-9A0C-%012"
		    PRIX64 "}", (uint64_t)(rng() & 0xffffffffffffULL));
		snprintf(v[3], sizeof(v[3]), "%u", (unsigned)(4 * rng() % 9000));
		break;
	case 5861:
		snprintf(v[0], sizeof(v[0]), "//./root/subscription");
		snprintf(v[1], sizeof(v[1]), "%s", word);
		snprintf(v[2], sizeof(v[2]), "CommandLineEventConsumer=\"%s\"",
		    word);
		snprintf(v[3], sizeof(v[3]), "Binding EventFilter: Name=\"%s\"",
		    word);
		break;
	default:	/* Sysmon 11, 22 */
		snprintf(v[0], sizeof(v[0]), "{3F2504E0-4F89-11D3-9A0C-%012"
		    PRIX64 "}", (uint64_t)(rng() & 0xffffffffffffULL));
		snprintf(v[1], sizeof(v[1]), "%s", im);
		if (ev.event_id == 11)
			snprintf(v[2], sizeof(v[2]), "C:\\Users\\alice\\"
			    "AppData\\Local\\Temp\\%s.dll", word);
		else
			snprintf(v[2], sizeof(v[2]), "%s.example.net", word);
		snprintf(v[3], sizeof(v[3]), ev.event_id == 11 ?
		    "2024-05-01 10:00:00.000" : "::ffff:93.184.216.34;");
		break;
	}
	for (size_t i = 0; i < 4; i++) {
		d[i].name = src[k].names[i];
		d[i].text = v[i];
		d[i].type = evtxw_default_type(ev.provider, d[i].name,
		    &d[i].decl);
	}
	ev.data = d;
	ev.ndata = 4;
	return evtxw_add(w, &ev, e);
}

static int
cmd_big(const char *mb, const char *out, bool sparse,
    bool sources)
{
	struct ev_err e = EV_ERR_INIT;
	struct evtxw_opts o = EVTXW_OPTS_INIT;
	struct evtxw *w;
	uint64_t want = 0, id = 1, ft = 133500000000000000ULL;
	int fd, rc = 0;

	if (!sparse && ev_parse_uint(mb, 1, 1 << 20, &want) == -1) {
		fprintf(stderr, "evtxgen: --big: '%s' is not a size in MB\n",
		    mb);
		return 2;
	}
	if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1) {
		fprintf(stderr, "evtxgen: cannot create '%s': %s\n", out,
		    strerror(errno));
		return 1;
	}
	o.fd = fd;
	if ((w = evtxw_new(&o)) == NULL) {
		close(fd);
		return 1;
	}
	if (sparse) {
		/* real chunks at start, middle and end; 70000 chunks total */
		static const uint64_t holes[] = { 34998, 34998 };

		for (int part = 0; part < 3 && rc == 0; part++) {
			uint64_t c0 = evtxw_nchunks(w);

			while (rc == 0 && evtxw_nchunks(w) <= c0 + 1)
				rc = big_event(w, id++, ft += 1234567,
				    "SRV02.corp.local", &e);
			/* the record that opened the next chunk is kept */
			if (rc == 0 && part < 2)
				rc = evtxw_skip_chunks(w, holes[part], &e);
		}
	} else
		while (rc == 0 && evtxw_nchunks(w) * (uint64_t)EVTXW_CHUNK_SIZE <
		    want << 20)
		{
			/* --big-sources: every other event another source */
			rc = (sources && id % 2 ? big_source_event :
			    big_event)(w, id, ft += 1234567, id % 3 ?
			    "WKS01.corp.local" : "SRV02.corp.local", &e);
			id++;
		}
	if (rc == 0)
		rc = evtxw_finish(w, &e);
	if (rc < 0)
		fail(&e);
	evtxw_free(w);
	if (close(fd) == -1 && rc == 0) {
		fprintf(stderr, "evtxgen: cannot write '%s': %s\n", out,
		    strerror(errno));
		rc = -1;
	}
	return rc < 0 ? 1 : 0;
}

int
main(int argc, char *argv[])
{
	if (argc == 3 && strcmp(argv[1], "--expect") == 0)
		return cmd_expect(argv[2]);
	if (argc == 4 && strcmp(argv[1], "--verify") == 0)
		return cmd_verify(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "--big") == 0)
		return cmd_big(argv[2], argv[3], false, false);
	if (argc == 4 && strcmp(argv[1], "--big-sources") == 0)
		return cmd_big(argv[2], argv[3], false, true);
	if (argc == 3 && strcmp(argv[1], "--sparse") == 0)
		return cmd_big(NULL, argv[2], true, false);
	if (argc == 3 && argv[1][0] != '-')
		return cmd_gen(argv[1], argv[2]);
	usage();
	return 2;
}
