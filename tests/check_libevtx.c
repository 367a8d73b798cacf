/*
 * check_libevtx.c -- Check suite for the libevtx + libxml2 reader
 * (src/evtx/libevtx.c) through the reader interface (reader.h).
 *
 * TCases:
 *   open     error codes of evtx_file_open() on files made here: missing,
 *            empty, not EVTX, signature with garbage, header only
 *   testdata generated files (testdata/bad): hostile strings as logged,
 *            a broken record skipped, flags, a slack record
 *   corpus   real files from ../shared (run only when SHARED_DIR is set):
 *            field values by name, UserData, counts, recovered delivery,
 *            damaged files read to the end, sink stop, truncated copies
 */

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ev_arena.h"
#include "ev_err.h"
#include "ev_time.h"
#include "ev_util.h"
#include "event.h"
#include "evtx/reader.h"

/* A delivered record, copied out of the callback. */
struct got_rec {
	struct ev_record	 r;
};

struct got {
	struct ev_arena		 arena;
	struct got_rec		*recs;
	size_t			 n, cap;
	unsigned		 warnings;
	char			 first_warning[256];
	long			 stop_after;	/* >= 0: return -99 then */
};

static char tmpdir[64];
static char corpus[4096];

static const char *
cdup(struct got *g, const char *s)
{
	char *c;

	if (s == NULL)
		return NULL;
	c = ev_arena_strdup(&g->arena, s);
	ck_assert_ptr_nonnull(c);
	return c;
}

static int
on_record(const struct ev_record *rec, void *ctx)
{
	struct got	*g = ctx;
	struct ev_pair	*p;

	if (g->stop_after >= 0 && (long)g->n == g->stop_after)
		return -99;
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 64;
		g->recs = realloc(g->recs, g->cap * sizeof(*g->recs));
		ck_assert_ptr_nonnull(g->recs);
	}
	g->recs[g->n].r = *rec;
	g->recs[g->n].r.provider = cdup(g, rec->provider);
	g->recs[g->n].r.channel = cdup(g, rec->channel);
	g->recs[g->n].r.computer = cdup(g, rec->computer);
	g->recs[g->n].r.user_sid = cdup(g, rec->user_sid);
	p = ev_arena_alloc(&g->arena, (rec->ndata + 1) * sizeof(*p));
	ck_assert_ptr_nonnull(p);
	for (uint32_t i = 0; i < rec->ndata; i++) {
		ck_assert_ptr_nonnull(rec->data[i].name);
		ck_assert_ptr_nonnull(rec->data[i].value);
		p[i].name = cdup(g, rec->data[i].name);
		p[i].value = cdup(g, rec->data[i].value);
	}
	g->recs[g->n].r.data = p;
	g->n++;
	return 0;
}

static void
on_warn(void *ctx, const char *msg)
{
	struct got *g = ctx;

	if (g->warnings++ == 0)
		snprintf(g->first_warning, sizeof(g->first_warning), "%s", msg);
}

static void
got_init(struct got *g)
{
	memset(g, 0, sizeof(*g));
	ev_arena_init(&g->arena);
	g->stop_after = -1;
}

static void
got_release(struct got *g)
{
	ev_arena_release(&g->arena);
	free(g->recs);
	memset(g, 0, sizeof(*g));
}

/* Opens and reads path; returns the read's status (open must succeed). */
static int
read_file(const char *path, bool recovered, struct got *g,
    struct evtx_stats *st)
{
	struct evtx_open_opts	 opts = { EVTX_PARSER_LIBEVTX, recovered, NULL, 0 };
	struct ev_err		 err = EV_ERR_INIT;
	struct evtx_file	*f = NULL;
	struct evtx_stats	 rst;
	struct evtx_sink	 sink = { on_record, on_warn, g };
	int			 rc;

	evtx_stats_init(st);
	rc = evtx_file_open(path, &opts, &f, st, &err);
	ck_assert_msg(rc == 0, "%s: open: %s", path, err.msg);
	ck_assert_uint_eq(evtx_file_units(f), 1);
	evtx_stats_init(&rst);
	rc = evtx_file_read(f, 0, 1, &sink, &rst, &err);
	ck_assert_int_eq(evtx_stats_merge(st, &rst), 0);
	evtx_stats_release(&rst);
	evtx_file_close(f);
	return rc;
}

static int
open_code(const char *path, struct ev_err *err)
{
	struct evtx_open_opts	 opts = { EVTX_PARSER_LIBEVTX, false, NULL, 0 };
	struct evtx_file	*f = NULL;
	struct evtx_stats	 st;
	int			 rc;

	evtx_stats_init(&st);
	rc = evtx_file_open(path, &opts, &f, &st, err);
	if (rc == 0)
		evtx_file_close(f);
	else
		ck_assert_ptr_null(f);
	evtx_stats_release(&st);
	return rc;
}

static void
write_file(const char *path, const void *buf, size_t len)
{
	FILE *fp = fopen(path, "wb");

	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(buf, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
}

static const char *
tpath(const char *name)
{
	static char p[128];

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	return p;
}

static void
tmp_setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_libevtx.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
tmp_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* ---- open ---- */

START_TEST(open_missing)
{
	struct ev_err err = EV_ERR_INIT;

	ck_assert_int_eq(open_code(tpath("nope.evtx"), &err), EV_EIO);
	ck_assert_int_eq(err.sys, ENOENT);
	ck_assert_msg(strstr(err.msg, "nope.evtx") != NULL, "%s", err.msg);
}
END_TEST

START_TEST(open_empty)
{
	struct ev_err err = EV_ERR_INIT;

	write_file(tpath("empty.evtx"), "", 0);
	ck_assert_int_eq(open_code(tpath("empty.evtx"), &err), EV_ENOTEVTX);
}
END_TEST

START_TEST(open_text)
{
	struct ev_err	err = EV_ERR_INIT;
	char		buf[8192];

	memset(buf, 'x', sizeof(buf));
	write_file(tpath("text.evtx"), buf, sizeof(buf));
	ck_assert_int_eq(open_code(tpath("text.evtx"), &err), EV_ENOTEVTX);
	/* a directory is no EVTX file either */
	ck_assert_int_eq(open_code(tmpdir, &err), EV_ENOTEVTX);
}
END_TEST

START_TEST(open_garbage_after_signature)
{
	struct ev_err	err = EV_ERR_INIT;
	uint8_t		buf[8192];

	/* every field after the signature 0xff: sizes libevtx refuses */
	memset(buf, 0xff, sizeof(buf));
	memcpy(buf, "ElfFile", 8);
	write_file(tpath("garbage.evtx"), buf, sizeof(buf));
	ck_assert_int_eq(open_code(tpath("garbage.evtx"), &err), EV_ECORRUPT);
	ck_assert_msg(err.msg[0] != '\0', "no message");
}
END_TEST

START_TEST(open_header_only)
{
	struct got		g;
	struct evtx_stats	st;
	uint8_t			hdr[4096];

	/* a valid empty log: header with 0 chunks, no chunk */
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, "ElfFile", 8);
	hdr[32] = 128;			/* header size */
	hdr[36] = 1;			/* minor */
	hdr[38] = 3;			/* major */
	hdr[41] = 0x10;			/* block size 4096 */
	hdr[120] = 1;			/* dirty */
	write_file(tpath("hdr.evtx"), hdr, sizeof(hdr));
	got_init(&g);
	ck_assert_int_eq(read_file(tpath("hdr.evtx"), true, &g, &st), 0);
	ck_assert_uint_eq(g.n, 0);
	ck_assert_uint_eq(st.records, 0);
	ck_assert_uint_eq(st.bad_records, 0);
	ck_assert(st.dirty);
	ck_assert(!st.full);
	got_release(&g);
	evtx_stats_release(&st);
}
END_TEST

static const char *
data(const struct ev_record *r, const char *name)
{
	for (uint32_t i = 0; i < r->ndata; i++)
		if (strcmp(r->data[i].name, name) == 0)
			return r->data[i].value;
	return NULL;
}

/* ---- testdata (written by tests/evtxw.c, see testdata/README) ---- */

static const char *
dpath(const char *rel)
{
	static char	 p[4096];
	const char	*src = getenv("top_srcdir");

	snprintf(p, sizeof(p), "%s/testdata/%s", src != NULL ? src : ".", rel);
	return p;
}

/* Control characters, CR LF, markup and formulas come through as logged. */
START_TEST(testdata_hostile_strings)
{
	struct got		 g;
	struct evtx_stats	 st;
	const char		*v;
	bool			 esc = false, crlf = false, markup = false;

	got_init(&g);
	ck_assert_int_eq(read_file(dpath("bad/hostile-strings.evtx"), false,
	    &g, &st), 0);
	ck_assert_uint_eq(st.bad_records, 0);
	ck_assert_uint_eq(g.warnings, 0);
	ck_assert_uint_eq(g.n, st.events);
	ck_assert_uint_ge(g.n, 10);
	for (size_t i = 0; i < g.n; i++) {
		if ((v = data(&g.recs[i].r, "CommandLine")) == NULL)
			continue;
		if (strcmp(v, "rundll32.exe \033[2J\033[1;31mC:\\evil.dll"
		    "\033[0m,#1") == 0)
			esc = true;
		if (strstr(v, "-decode a.b64 b.exe\r\n=HYPERLINK(") != NULL &&
		    strstr(v, "\tX") != NULL)
			crlf = true;
		if (strstr(v, "\"a<b>&c\"") != NULL)
			markup = true;
		ck_assert_msg(strstr(v, "\xf4\x8f\xbf\xbf") == NULL,
		    "escape mark left in %s", v);
	}
	ck_assert(esc);
	ck_assert(crlf);
	ck_assert(markup);
	got_release(&g);
	evtx_stats_release(&st);
}
END_TEST

/* One undecodable record is counted and skipped; the others arrive. */
START_TEST(testdata_broken_binxml)
{
	struct got		g;
	struct evtx_stats	st;

	got_init(&g);
	ck_assert_int_eq(read_file(dpath("bad/broken-binxml.evtx"), true,
	    &g, &st), 0);
	ck_assert_uint_eq(st.bad_records, 1);
	ck_assert_uint_eq(g.warnings, 1);
	ck_assert_msg(strncmp(g.first_warning, "record #", 8) == 0 ||
	    strncmp(g.first_warning, "record 7003", 11) == 0, "%s",
	    g.first_warning);
	ck_assert_uint_eq(st.records, 4);
	ck_assert_uint_eq(g.n, 4);
	for (size_t i = 0; i < g.n; i++)
		ck_assert_uint_ne(g.recs[i].r.record_id, 7003);
	got_release(&g);
	evtx_stats_release(&st);
}
END_TEST

START_TEST(testdata_flags)
{
	struct got		g;
	struct evtx_stats	st;

	got_init(&g);
	ck_assert_int_eq(read_file(dpath("bad/dirty.evtx"), false, &g, &st),
	    0);
	ck_assert(st.dirty);
	ck_assert_uint_eq(st.records, 4);
	got_release(&g);
	evtx_stats_release(&st);
	got_init(&g);
	ck_assert_int_eq(read_file(dpath("bad/slack-record.evtx"), true, &g,
	    &st), 0);
	ck_assert_uint_eq(st.recovered, 1);
	ck_assert_uint_eq(g.n, 4);
	ck_assert(g.recs[3].r.recovered);
	ck_assert_uint_eq(g.recs[3].r.record_id, 7004);
	got_release(&g);
	evtx_stats_release(&st);
}
END_TEST

/* ---- corpus ---- */

static const char *
cpath(const char *rel)
{
	static char p[8192];

	snprintf(p, sizeof(p), "%s/%s", corpus, rel);
	return p;
}

static uint64_t
ft(const char *iso)
{
	uint64_t t;

	ck_assert_int_eq(ev_time_parse(iso, &t), 0);
	return t;
}

/* Every delivered allocated record's offset holds a record with its id. */
static void
check_offsets(const char *path, const struct got *g)
{
	FILE	*fp = fopen(path, "rb");
	uint8_t	 b[16];

	ck_assert_ptr_nonnull(fp);
	for (size_t i = 0; i < g->n; i++) {
		const struct ev_record *r = &g->recs[i].r;

		if (r->recovered)
			continue;
		ck_assert_uint_ge(r->offset, 4096 + 512);
		ck_assert_uint_eq(r->chunk, (r->offset - 4096) / 65536);
		ck_assert_int_eq(fseeko(fp, (off_t)r->offset, SEEK_SET), 0);
		ck_assert_uint_eq(fread(b, 1, sizeof(b), fp), sizeof(b));
		ck_assert_msg(memcmp(b, "**\0\0", 4) == 0 &&
		    le64(b + 8) == r->record_id, "%s: record %llu at %llu",
		    path, (unsigned long long)r->record_id,
		    (unsigned long long)r->offset);
	}
	fclose(fp);
}

START_TEST(corpus_sysmon_fields)
{
	struct got		 g;
	struct evtx_stats	 st;
	const struct ev_record	*r;

	got_init(&g);
	ck_assert_int_eq(read_file(cpath("omerbenamram+evtx/samples/"
	    "sysmon.evtx"), false, &g, &st), 0);
	ck_assert_uint_eq(st.records, 358);
	ck_assert_uint_eq(st.bad_records, 0);
	/* 227 process creations, 2 connections, 34 file creations, 60
	   process accesses, 32 registry events (8 of 12, 24 of 13), 2
	   streams (15) */
	ck_assert_uint_eq(st.events, 357);
	ck_assert_uint_eq(g.n, 357);
	ck_assert(st.dirty);
	ck_assert_uint_eq(st.header_chunks, 1);
	ck_assert_uint_eq(g.warnings, 0);

	r = &g.recs[0].r;
	ck_assert_uint_eq(r->record_id, 1742);
	ck_assert_uint_eq(r->event_id, 1);
	ck_assert_uint_eq(r->version, 5);
	ck_assert_int_eq(r->kind, EV_KIND_PROCESS);
	ck_assert(!r->recovered);
	/* 9 digits in the XML, 100 ns kept */
	ck_assert_uint_eq(r->time, ft("2017-12-26T13:10:29.1368792Z"));
	ck_assert_str_eq(r->provider, EV_PROVIDER_SYSMON);
	ck_assert_str_eq(r->channel, "Microsoft-Windows-Sysmon/Operational");
	ck_assert_str_eq(r->computer, "DESKTOP-2KGM189");
	ck_assert_str_eq(r->user_sid, "S-1-5-18");
	ck_assert_uint_eq(r->ndata, 16);
	ck_assert_str_eq(r->data[0].name, "UtcTime");
	ck_assert_str_eq(r->data[0].value, "2017-12-26 13:10:29.134");
	ck_assert_str_eq(data(r, "Image"), "C:\\Windows\\SysWOW64\\PING.EXE");
	/* trailing blank kept as logged */
	ck_assert_str_eq(data(r, "CommandLine"), "ping  -n 6 127.0.0.1 ");
	ck_assert_str_eq(data(r, "LogonId"), "0x3e7");	/* canonical */
	ck_assert_str_eq(r->data[15].name, "ParentCommandLine");

	/* the two network events, in file order; the file creations */
	unsigned net = 0, files = 0, access = 0, reg = 0, streams = 0;
	uint64_t last = 0;
	for (size_t i = 0; i < g.n; i++) {
		r = &g.recs[i].r;
		ck_assert_uint_gt(r->record_id, last);
		last = r->record_id;
		if (r->kind == EV_KIND_NETWORK) {
			ck_assert_uint_eq(r->event_id, 3);
			ck_assert_ptr_nonnull(data(r, "DestinationIp"));
			net++;
		}
		if (r->kind == EV_KIND_FILE) {
			ck_assert_uint_eq(r->event_id, 11);
			ck_assert_ptr_nonnull(data(r, "TargetFilename"));
			files++;
		}
		if (r->kind == EV_KIND_PROCESS_ACCESS) {
			ck_assert_uint_eq(r->event_id, 10);
			ck_assert_ptr_nonnull(data(r, "TargetImage"));
			access++;
		}
		if (r->kind == EV_KIND_REGISTRY) {
			ck_assert(r->event_id == 12 || r->event_id == 13);
			ck_assert_ptr_nonnull(data(r, "TargetObject"));
			reg++;
		}
		if (r->kind == EV_KIND_STREAM_HASH) {
			ck_assert_uint_eq(r->event_id, 15);
			ck_assert_ptr_nonnull(data(r, "TargetFilename"));
			streams++;
		}
	}
	ck_assert_uint_eq(net, 2);
	ck_assert_uint_eq(files, 34);
	ck_assert_uint_eq(access, 60);
	ck_assert_uint_eq(reg, 32);
	ck_assert_uint_eq(streams, 2);
	ck_assert_uint_eq(st.first_id, 1742);
	ck_assert_uint_eq(g.recs[0].r.offset, 4096 + 512);
	ck_assert_uint_eq(g.recs[0].r.chunk, 0);
	ck_assert_uint_gt(g.recs[g.n - 1].r.chunk, 0);
	check_offsets(cpath("omerbenamram+evtx/samples/sysmon.evtx"), &g);
	ck_assert_uint_ge(st.chunks, 2);
	got_release(&g);
	evtx_stats_release(&st);
}
END_TEST

START_TEST(corpus_security_userdata)
{
	struct got		 g;
	struct evtx_stats	 st;
	const struct ev_record	*r = NULL;
	unsigned		 n4688 = 0;

	got_init(&g);
	ck_assert_int_eq(read_file(cpath("Velocidex+evtx/testdata/"
	    "Security.evtx"), false, &g, &st), 0);
	ck_assert_uint_eq(st.records, 739);
	ck_assert_uint_eq(st.bad_records, 0);
	for (size_t i = 0; i < g.n; i++) {
		if (g.recs[i].r.event_id == 1102)
			r = &g.recs[i].r;
		if (g.recs[i].r.event_id == 4688)
			n4688++;
	}
	ck_assert_uint_eq(n4688, 11);
	check_offsets(cpath("Velocidex+evtx/testdata/Security.evtx"), &g);
	ck_assert_ptr_nonnull(r);
	/* UserData/LogFileCleared leaves, by element name */
	ck_assert_int_eq(r->kind, EV_KIND_LOG_CLEAR);
	ck_assert_uint_eq(r->record_id, 31878);
	ck_assert_str_eq(r->provider, EV_PROVIDER_EVENTLOG);
	ck_assert_str_eq(r->channel, "Security");
	ck_assert_ptr_null(r->user_sid);
	ck_assert_uint_eq(r->ndata, 4);
	ck_assert_str_eq(r->data[0].name, "SubjectUserSid");
	ck_assert_str_eq(r->data[1].name, "SubjectUserName");
	ck_assert_str_eq(r->data[1].value, "test");
	ck_assert_str_eq(r->data[3].name, "SubjectLogonId");
	ck_assert_str_eq(r->data[3].value, "0x29936");	/* canonical */
	got_release(&g);
	evtx_stats_release(&st);
}
END_TEST

START_TEST(corpus_recovered)
{
	const char		*p = cpath("Velocidex+evtx/testdata/Security.evtx");
	struct got		 g, gr;
	struct evtx_stats	 st, str;
	size_t			 nrec = 0;

	got_init(&g);
	got_init(&gr);
	ck_assert_int_eq(read_file(p, false, &g, &st), 0);
	ck_assert_int_eq(read_file(p, true, &gr, &str), 0);
	/* counted either way, delivered only on request */
	ck_assert_uint_eq(st.recovered, str.recovered);
	ck_assert_uint_gt(st.recovered, 0);
	ck_assert_uint_eq(st.records, str.records);
	for (size_t i = 0; i < gr.n; i++)
		nrec += gr.recs[i].r.recovered;
	for (size_t i = 0; i < g.n; i++)
		ck_assert(!g.recs[i].r.recovered);
	ck_assert_uint_eq(gr.n, g.n + nrec);
	ck_assert_uint_eq(str.events, gr.n);
	ck_assert_uint_eq(st.events, g.n);
	got_release(&g);
	got_release(&gr);
	evtx_stats_release(&st);
	evtx_stats_release(&str);
}
END_TEST

/* libevtx fails every record of this file (unsupported token 0x05). */
START_TEST(corpus_bad_records_go_on)
{
	struct got		g;
	struct evtx_stats	st;

	got_init(&g);
	ck_assert_int_eq(read_file(cpath("Yamato-Security+hayabusa-sample-"
	    "evtx/EVTX-to-MITRE-Attack/Antivirus/ID1116-1117-Defender threat "
	    "detected.evtx"), true, &g, &st), 0);
	ck_assert_uint_eq(st.records, 0);
	ck_assert_uint_eq(st.bad_records, 6);
	ck_assert_uint_eq(g.warnings, 6);
	ck_assert_msg(strstr(g.first_warning, "unsupported type: 0x05") !=
	    NULL && strncmp(g.first_warning, "record ", 7) == 0, "%s",
	    g.first_warning);
	got_release(&g);
	evtx_stats_release(&st);
}
END_TEST

START_TEST(corpus_sink_stops)
{
	struct got		g;
	struct evtx_stats	st;

	got_init(&g);
	g.stop_after = 3;
	ck_assert_int_eq(read_file(cpath("omerbenamram+evtx/samples/"
	    "sysmon.evtx"), false, &g, &st), -99);
	ck_assert_uint_eq(g.n, 3);
	got_release(&g);
	evtx_stats_release(&st);
}
END_TEST

/* Truncated copies of a real file: every cut opens or fails cleanly. */
START_TEST(corpus_truncated)
{
	static const size_t	 cuts[] = { 4096, 4096 + 512, 4096 + 30000,
	    4096 + 65536, 4096 + 65536 + 7777, 200000 };
	struct got		 full;
	struct evtx_stats	 fst;
	FILE			*fp;
	uint8_t			*buf;
	size_t			 len;

	fp = fopen(cpath("omerbenamram+evtx/samples/sysmon.evtx"), "rb");
	ck_assert_ptr_nonnull(fp);
	buf = malloc(1 << 21);
	ck_assert_ptr_nonnull(buf);
	len = fread(buf, 1, 1 << 21, fp);
	fclose(fp);
	got_init(&full);
	ck_assert_int_eq(read_file(cpath("omerbenamram+evtx/samples/"
	    "sysmon.evtx"), false, &full, &fst), 0);
	for (size_t i = 0; i < NELEM(cuts); i++) {
		struct evtx_open_opts	 opts = { EVTX_PARSER_LIBEVTX, true, NULL, 0 };
		struct ev_err		 err = EV_ERR_INIT;
		struct evtx_file	*f = NULL;
		struct evtx_stats	 st;
		struct got		 g;
		struct evtx_sink	 sink = { on_record, on_warn, &g };
		int			 rc;

		ck_assert_uint_lt(cuts[i], len);
		write_file(tpath("cut.evtx"), buf, cuts[i]);
		got_init(&g);
		evtx_stats_init(&st);
		rc = evtx_file_open(tpath("cut.evtx"), &opts, &f, &st, &err);
		ck_assert_msg(rc == 0 || rc == EV_ECORRUPT, "cut %zu: %d %s",
		    cuts[i], rc, err.msg);
		if (rc == 0) {
			ck_assert_int_eq(evtx_file_read(f, 0, 1, &sink, &st,
			    &err), 0);
			evtx_file_close(f);
			/* what is delivered is a prefix of the whole file */
			ck_assert_uint_le(g.n, full.n);
			for (size_t k = 0; k < g.n; k++)
				if (!g.recs[k].r.recovered)
					ck_assert_uint_eq(g.recs[k].r.record_id,
					    full.recs[k].r.record_id);
		}
		got_release(&g);
		evtx_stats_release(&st);
	}
	got_release(&full);
	evtx_stats_release(&fst);
	free(buf);
}
END_TEST

/* Unpacks the corpus (shared with the corpus-*.sh tests, under a lock). */
static bool
corpus_ready(void)
{
	const char	*shared = getenv("SHARED_DIR");
	const char	*bld = getenv("top_builddir");
	char		 cmd[8192], lock[4096];
	FILE		*fp;
	int		 fd;

	if (shared == NULL || *shared == '\0' || bld == NULL)
		return false;
	snprintf(lock, sizeof(lock), "%s/test-corpus.lock", bld);
	if ((fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1 ||
	    flock(fd, LOCK_EX) == -1)
		return false;
	snprintf(cmd, sizeof(cmd), "'%s/tools/unpack-corpus' '%s/test-corpus'",
	    shared, bld);
	fp = popen(cmd, "r");
	if (fp != NULL) {
		if (fgets(corpus, sizeof(corpus), fp) == NULL)
			corpus[0] = '\0';
		corpus[strcspn(corpus, "\n")] = '\0';
		if (pclose(fp) != 0)
			corpus[0] = '\0';
	}
	close(fd);
	return corpus[0] != '\0';
}

static Suite *
libevtx_suite(bool with_corpus)
{
	Suite	*s = suite_create("libevtx");
	TCase	*tc;

	tc = tcase_create("open");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, open_missing);
	tcase_add_test(tc, open_empty);
	tcase_add_test(tc, open_text);
	tcase_add_test(tc, open_garbage_after_signature);
	tcase_add_test(tc, open_header_only);
	suite_add_tcase(s, tc);

	tc = tcase_create("testdata");
	tcase_add_test(tc, testdata_hostile_strings);
	tcase_add_test(tc, testdata_broken_binxml);
	tcase_add_test(tc, testdata_flags);
	suite_add_tcase(s, tc);

	if (with_corpus) {
		tc = tcase_create("corpus");
		tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
		tcase_set_timeout(tc, 60);
		tcase_add_test(tc, corpus_sysmon_fields);
		tcase_add_test(tc, corpus_security_userdata);
		tcase_add_test(tc, corpus_recovered);
		tcase_add_test(tc, corpus_bad_records_go_on);
		tcase_add_test(tc, corpus_sink_stops);
		tcase_add_test(tc, corpus_truncated);
		suite_add_tcase(s, tc);
	}
	return s;
}

int
main(void)
{
	SRunner	*sr;
	bool	 with_corpus = corpus_ready();
	int	 failed;

	if (!with_corpus)
		printf("no corpus (SHARED_DIR unset): corpus cases skipped\n");
	sr = srunner_create(libevtx_suite(with_corpus));
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
