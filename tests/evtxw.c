/*
 * evtxw.c -- the test EVTX writer and its text spec parser (see evtxw.h
 * for the on-disk layout that is produced).
 *
 * Every record is written straight into the open chunk buffer, so that
 * chunk-relative offsets (names, template definitions) are known while
 * writing.  Writes past the end of the chunk only set `overflow`; the
 * record is then undone (the 512-byte chunk header, which holds the string
 * and template hash tables, is restored from a snapshot) and written again
 * into a fresh chunk.
 *
 * Binary XML tokens used (first byte; 0x40 set = "more/with attributes"):
 *   0x00 end of fragment   0x01/0x41 open start element   0x02 close start
 *   0x03 close empty       0x04 end element               0x05 value text
 *   0x06/0x46 attribute    0x0c template instance         0x0d/0x0e normal
 *   / optional substitution                                0x0f fragment hdr
 * Element: token, u16 dependency, u32 size (bytes after this field up to and
 * including the end token), u32 name offset, [inline name], [u32 size of
 * attribute list].  Name: u32 next in hash chain, u16 hash, u16 chars,
 * UTF-16, u16 0.  Template instance: 0x0c 0x01, u32 id, u32 definition
 * offset, [definition: u32 next, GUID, u32 size, fragment], u32 value
 * count, count x (u16 size, u8 type, u8 0), values.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "ev_time.h"
#include "evtxw.h"

#define HDR_STRTAB	128
#define HDR_TPLTAB	384
#define NSYSVALUES	18
#define MAXDATA		256
#define NELEM_U(a)	(sizeof(a) / sizeof((a)[0]))

struct recidx {
	uint64_t	 off;		/* file offset of the record */
	uint64_t	 chunk;
	uint64_t	 id;
	uint32_t	 size;
	bool		 slack;
};

struct evtxw {
	struct evtxw_opts opts;
	uint8_t		*file;		/* memory mode: header + chunks */
	size_t		 len, cap;
	uint8_t		 chunk[EVTXW_CHUNK_SIZE];
	bool		 open;		/* chunk[] holds an unfinished chunk */
	bool		 overflow;	/* a write did not fit */
	bool		 slacked;	/* open chunk has a slack record */
	bool		 finished;
	uint32_t	 pos;		/* next write offset in chunk[] */
	uint32_t	 free_off;	/* end of allocated records */
	uint32_t	 last_off;
	uint64_t	 first_id, last_id, nrec;	/* open chunk */
	uint64_t	 nchunks;	/* chunks closed or skipped */
	uint64_t	 next_id;	/* after the highest allocated id */
	uint32_t	 last_def;	/* definition offset last referred to */
	bool		 stale;		/* next instance: EVTXW_EV_STALE_TPL */
	struct recidx	*recs;
	size_t		 nrecs, caprecs;
};

/* ---- CRC32 ---- */

uint32_t
evtxw_crc32(uint32_t crc, const uint8_t *p, size_t len)
{
	static uint32_t table[256];
	static bool init;

	if (!init) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;

			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
		init = true;
	}
	crc = ~crc;
	while (len-- > 0)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* ---- little-endian stores ---- */

static void
st16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
st32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void
st64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint16_t
ld16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
ld32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* ---- writing into the open chunk ---- */

static void
putbytes(struct evtxw *w, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (w->overflow || n > EVTXW_CHUNK_SIZE - w->pos) {
		w->overflow = true;
		return;
	}
	memcpy(w->chunk + w->pos, p, n);
	w->pos += (uint32_t)n;
}

static void
put8(struct evtxw *w, uint8_t v)
{
	putbytes(w, &v, 1);
}

static void
put16(struct evtxw *w, uint16_t v)
{
	uint8_t b[2];

	st16(b, v);
	putbytes(w, b, 2);
}

static void
put32(struct evtxw *w, uint32_t v)
{
	uint8_t b[4];

	st32(b, v);
	putbytes(w, b, 4);
}

static void
put64(struct evtxw *w, uint64_t v)
{
	uint8_t b[8];

	st64(b, v);
	putbytes(w, b, 8);
}

/* Patches a u32 written earlier at off (if it was written at all). */
static void
patch32(struct evtxw *w, uint32_t off, uint32_t v)
{
	if (!w->overflow && off + 4 <= w->pos)
		st32(w->chunk + off, v);
}

static void
patch16(struct evtxw *w, uint32_t off, uint16_t v)
{
	if (!w->overflow && off + 2 <= w->pos)
		st16(w->chunk + off, v);
}

/* ---- UTF-8 -> UTF-16 ---- */

/*
 * Converts UTF-8 s to UTF-16 units in out[max]; returns the number of
 * units, or -1 (invalid UTF-8 or too long).
 */
static long
utf8to16(const char *s, uint16_t *out, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	while (*p != '\0') {
		uint32_t c;
		int more;

		if (*p < 0x80) {
			c = *p++;
			more = 0;
		} else if ((*p & 0xe0) == 0xc0) {
			c = *p++ & 0x1f;
			more = 1;
		} else if ((*p & 0xf0) == 0xe0) {
			c = *p++ & 0x0f;
			more = 2;
		} else if ((*p & 0xf8) == 0xf0) {
			c = *p++ & 0x07;
			more = 3;
		} else
			return -1;
		for (; more > 0; more--, p++) {
			if ((*p & 0xc0) != 0x80)
				return -1;
			c = c << 6 | (*p & 0x3f);
		}
		if (c > 0x10ffff)
			return -1;
		if (c >= 0x10000) {
			if (n + 2 > max)
				return -1;
			c -= 0x10000;
			out[n++] = (uint16_t)(0xd800 | c >> 10);
			out[n++] = (uint16_t)(0xdc00 | (c & 0x3ff));
		} else {
			if (n + 1 > max)
				return -1;
			out[n++] = (uint16_t)c;
		}
	}
	return (long)n;
}

/* ---- names through the chunk string table ---- */

static uint16_t
name_hash(const uint16_t *u, size_t n)
{
	uint32_t h = 0;

	for (size_t i = 0; i < n; i++)
		h = h * 65599 + u[i];
	return (uint16_t)h;
}

/* Writes a name offset, and the name itself when the chunk lacks it. */
static int
put_name(struct evtxw *w, const char *name, struct ev_err *err)
{
	uint16_t u[256];
	long n = utf8to16(name, u, NELEM_U(u));
	uint16_t h;
	uint32_t head, off, cur;

	if (n < 0)
		return EV_ERR(err, EV_EUSAGE, 0, "name '%s' is not valid "
		    "UTF-8 or too long", name);
	h = name_hash(u, (size_t)n);
	head = ld32(w->chunk + HDR_STRTAB + 4 * (h % 64));
	for (off = head; off != 0; off = ld32(w->chunk + off)) {
		const uint8_t *e = w->chunk + off;

		if (ld16(e + 4) == h && ld16(e + 6) == (uint16_t)n) {
			long i;

			for (i = 0; i < n; i++)
				if (ld16(e + 8 + 2 * i) != u[i])
					break;
			if (i == n) {
				put32(w, off);
				return 0;
			}
		}
	}
	cur = w->pos + 4;
	put32(w, cur);
	put32(w, head);
	put16(w, h);
	put16(w, (uint16_t)n);
	for (long i = 0; i < n; i++)
		put16(w, u[i]);
	put16(w, 0);
	if (!w->overflow)
		st32(w->chunk + HDR_STRTAB + 4 * (h % 64), cur);
	return 0;
}

/* ---- binary XML building blocks ---- */

struct elem {
	uint32_t	 size_at;	/* offset of the element size field */
	uint32_t	 attrs_at;	/* offset of the attribute list size */
	bool		 attrs;
};

static int
elem_open(struct evtxw *w, struct elem *e, const char *name, bool attrs,
    uint16_t dep, struct ev_err *err)
{
	put8(w, attrs ? 0x41 : 0x01);
	put16(w, dep);
	e->size_at = w->pos;
	put32(w, 0);
	e->attrs = attrs;
	if (put_name(w, name, err) < 0)
		return -1;
	if (attrs) {
		e->attrs_at = w->pos;
		put32(w, 0);
	}
	return 0;
}

static int
attr(struct evtxw *w, const char *name, bool more, struct ev_err *err)
{
	put8(w, more ? 0x46 : 0x06);
	return put_name(w, name, err);
}

/* Ends the start tag: empty elements end here (0x03). */
static void
elem_start_done(struct evtxw *w, struct elem *e, bool empty)
{
	if (e->attrs)
		patch32(w, e->attrs_at, w->pos - (e->attrs_at + 4));
	put8(w, empty ? 0x03 : 0x02);
	if (empty)
		patch32(w, e->size_at, w->pos - (e->size_at + 4));
}

static void
elem_close(struct evtxw *w, struct elem *e)
{
	put8(w, 0x04);
	patch32(w, e->size_at, w->pos - (e->size_at + 4));
}

static void
subst(struct evtxw *w, bool optional, uint16_t id, uint8_t type)
{
	put8(w, optional ? 0x0e : 0x0d);
	put16(w, id);
	put8(w, type);
}

static int
text(struct evtxw *w, const char *s, struct ev_err *err)
{
	uint16_t u[1024];
	long n = utf8to16(s, u, 1024);

	if (n < 0)
		return EV_ERR(err, EV_EUSAGE, 0, "text '%s' is not valid UTF-8",
		    s);
	put8(w, 0x05);
	put8(w, EVTXW_T_STRING);
	put16(w, (uint16_t)n);
	for (long i = 0; i < n; i++)
		put16(w, u[i]);
	return 0;
}

/* <name>%id</name>, as the System template writes its simple elements. */
static int
simple_elem(struct evtxw *w, const char *name, uint16_t id, uint8_t type,
    struct ev_err *err)
{
	struct elem e;

	if (elem_open(w, &e, name, false, id, err) < 0)
		return -1;
	elem_start_done(w, &e, false);
	subst(w, true, id, type);
	elem_close(w, &e);
	return 0;
}

/* ---- template identity ---- */

static uint64_t
fnv64(const char *s, uint64_t h)
{
	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* A template's GUID: a hash of a text key describing its shape. */
static void
template_guid(const char *key, uint8_t guid[16])
{
	st64(guid, fnv64(key, 0xcbf29ce484222325ULL));
	st64(guid + 8, fnv64(key, 0x84222325cbf29ce4ULL));
}

typedef int (*body_fn)(struct evtxw *, const void *, struct ev_err *);

/*
 * Writes a template instance header: 0x0c 0x01 id offset, and the
 * definition (built by `body`) when this chunk does not hold it yet.
 */
static int
template_instance(struct evtxw *w, const char *key, body_fn body,
    const void *ctx, struct ev_err *err)
{
	uint8_t guid[16];
	uint32_t id, head, off, cur, size_at;

	template_guid(key, guid);
	id = ld32(guid);
	put8(w, 0x0c);
	put8(w, 0x01);
	put32(w, id);
	if (w->stale) {
		put32(w, w->last_def);
		return 0;
	}
	head = ld32(w->chunk + HDR_TPLTAB + 4 * (id % 32));
	for (off = head; off != 0; off = ld32(w->chunk + off))
		if (memcmp(w->chunk + off + 4, guid, 16) == 0) {
			put32(w, off);
			w->last_def = off;
			return 0;
		}
	cur = w->pos + 4;
	w->last_def = cur;
	put32(w, cur);
	put32(w, head);
	putbytes(w, guid, 16);
	size_at = w->pos;
	put32(w, 0);
	put8(w, 0x0f);
	put8(w, 0x01);
	put8(w, 0x01);
	put8(w, 0x00);
	if (body(w, ctx, err) < 0)
		return -1;
	put8(w, 0x00);
	patch32(w, size_at, w->pos - (size_at + 4));
	if (!w->overflow)
		st32(w->chunk + HDR_TPLTAB + 4 * (id % 32), cur);
	return 0;
}

/* ---- the System template (substitution numbers as Windows uses) ---- */

enum {
	S_LEVEL = 0, S_OPCODE, S_TASK, S_EVENTID, S_QUALIFIERS, S_KEYWORDS,
	S_TIME, S_ACTIVITY, S_PID, S_TID, S_RECORDID, S_VERSION, S_USERID,
	S_RELATED, S_PROVIDER, S_PROVGUID, S_CHANNEL, S_BODY
};

static int
system_body(struct evtxw *w, const void *ctx, struct ev_err *err)
{
	const struct evtxw_event *ev = ctx;
	struct elem event, sys, e;

	if (elem_open(w, &event, "Event", true, 0xffff, err) < 0 ||
	    attr(w, "xmlns", false, err) < 0 ||
	    text(w, "http://schemas.microsoft.com/win/2004/08/events/event",
	    err) < 0)
		return -1;
	elem_start_done(w, &event, false);
	if (elem_open(w, &sys, "System", false, 0xffff, err) < 0)
		return -1;
	elem_start_done(w, &sys, false);

	if (elem_open(w, &e, "Provider", true, 0xffff, err) < 0 ||
	    attr(w, "Name", true, err) < 0)
		return -1;
	subst(w, true, S_PROVIDER, EVTXW_T_STRING);
	if (attr(w, "Guid", false, err) < 0)
		return -1;
	subst(w, true, S_PROVGUID, EVTXW_T_GUID);
	elem_start_done(w, &e, true);

	if (elem_open(w, &e, "EventID", true, S_EVENTID, err) < 0 ||
	    attr(w, "Qualifiers", false, err) < 0)
		return -1;
	subst(w, true, S_QUALIFIERS, EVTXW_T_UINT16);
	elem_start_done(w, &e, false);
	subst(w, true, S_EVENTID, EVTXW_T_UINT16);
	elem_close(w, &e);

	if (simple_elem(w, "Version", S_VERSION, EVTXW_T_UINT8, err) < 0 ||
	    simple_elem(w, "Level", S_LEVEL, EVTXW_T_UINT8, err) < 0 ||
	    simple_elem(w, "Task", S_TASK, EVTXW_T_UINT16, err) < 0 ||
	    simple_elem(w, "Opcode", S_OPCODE, EVTXW_T_UINT8, err) < 0 ||
	    simple_elem(w, "Keywords", S_KEYWORDS, EVTXW_T_HEXINT64, err) < 0)
		return -1;

	if (elem_open(w, &e, "TimeCreated", true, 0xffff, err) < 0 ||
	    attr(w, "SystemTime", false, err) < 0)
		return -1;
	subst(w, true, S_TIME, EVTXW_T_FILETIME);
	elem_start_done(w, &e, true);

	if (simple_elem(w, "EventRecordID", S_RECORDID, EVTXW_T_UINT64,
	    err) < 0)
		return -1;

	if (elem_open(w, &e, "Correlation", true, 0xffff, err) < 0 ||
	    attr(w, "ActivityID", true, err) < 0)
		return -1;
	subst(w, true, S_ACTIVITY, EVTXW_T_GUID);
	if (attr(w, "RelatedActivityID", false, err) < 0)
		return -1;
	subst(w, true, S_RELATED, EVTXW_T_GUID);
	elem_start_done(w, &e, true);

	if (elem_open(w, &e, "Execution", true, 0xffff, err) < 0 ||
	    attr(w, "ProcessID", true, err) < 0)
		return -1;
	subst(w, true, S_PID, EVTXW_T_UINT32);
	if (attr(w, "ThreadID", false, err) < 0)
		return -1;
	subst(w, true, S_TID, EVTXW_T_UINT32);
	elem_start_done(w, &e, true);

	if (simple_elem(w, "Channel", S_CHANNEL, EVTXW_T_STRING, err) < 0)
		return -1;

	/* Windows writes the computer name as text into the template. */
	if (elem_open(w, &e, "Computer", false, 0xffff, err) < 0)
		return -1;
	elem_start_done(w, &e, false);
	if (text(w, ev->computer != NULL ? ev->computer : "", err) < 0)
		return -1;
	elem_close(w, &e);

	if (elem_open(w, &e, "Security", true, 0xffff, err) < 0 ||
	    attr(w, "UserID", false, err) < 0)
		return -1;
	subst(w, true, S_USERID, EVTXW_T_SID);
	elem_start_done(w, &e, true);

	elem_close(w, &sys);
	subst(w, true, S_BODY, EVTXW_T_BINXML);
	elem_close(w, &event);
	return 0;
}

/* ---- the nested EventData / UserData template ---- */

static uint8_t
decl_type(const struct evtxw_data *d)
{
	return d->decl != 0 ? d->decl : d->type;
}

static int
data_body(struct evtxw *w, const void *ctx, struct ev_err *err)
{
	const struct evtxw_event *ev = ctx;
	struct elem top, ud, e;
	bool userdata = ev->body == EVTXW_BODY_USERDATA;

	if (elem_open(w, &top, userdata ? "UserData" : "EventData", false,
	    0xffff, err) < 0)
		return -1;
	if (!userdata && ev->ndata == 0) {
		elem_start_done(w, &top, true);
		return 0;
	}
	elem_start_done(w, &top, false);
	if (userdata) {
		bool ns = ev->ud_ns != NULL;

		if (elem_open(w, &ud, ev->ud_name, ns, 0xffff, err) < 0)
			return -1;
		if (ns && (attr(w, "xmlns", false, err) < 0 ||
		    text(w, ev->ud_ns, err) < 0))
			return -1;
		elem_start_done(w, &ud, false);
	}
	for (size_t i = 0; i < ev->ndata; i++) {
		const struct evtxw_data *d = &ev->data[i];

		if (userdata) {
			if (elem_open(w, &e, d->name, false, 0xffff, err) < 0)
				return -1;
		} else if (d->name[0] == '\0') {
			/* <Data> without a Name (Windows PowerShell 400) */
			if (elem_open(w, &e, "Data", false, 0xffff, err) < 0)
				return -1;
		} else if (elem_open(w, &e, "Data", true, 0xffff, err) < 0 ||
		    attr(w, "Name", false, err) < 0 ||
		    text(w, d->name, err) < 0)
			return -1;
		elem_start_done(w, &e, false);
		subst(w, false, (uint16_t)i, decl_type(d));
		elem_close(w, &e);
	}
	if (userdata)
		elem_close(w, &ud);
	elem_close(w, &top);
	return 0;
}

/* ---- values ---- */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		int d = base == 16 ? hexval(*s) : (isdigit((unsigned char)*s) ?
		    *s - '0' : -1);

		if (d < 0 || v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return -1;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

static int
parse_guid(const char *s, uint8_t g[16])
{
	static const int bytepos[16] = { 3, 2, 1, 0, 5, 4, 7, 6,
	    8, 9, 10, 11, 12, 13, 14, 15 };
	uint8_t raw[16];
	int n = 0;
	bool brace = *s == '{';

	if (brace)
		s++;
	for (int i = 0; i < 36; i++, s++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (*s != '-')
				return -1;
			continue;
		}
		if (hexval(s[0]) < 0 || hexval(s[1]) < 0)
			return -1;
		raw[n++] = (uint8_t)(hexval(s[0]) << 4 | hexval(s[1]));
		s++;
		i++;
	}
	if (brace && *s++ != '}')
		return -1;
	if (*s != '\0' || n != 16)
		return -1;
	/* Data1..3 are little-endian on disk. */
	for (int i = 0; i < 16; i++)
		g[bytepos[i]] = raw[i];
	return 0;
}

/* SID text to bytes; returns the size or -1. */
static int
parse_sid(const char *s, uint8_t out[68])
{
	uint64_t v, auth;
	int n = 0;
	char *end;

	if (strncmp(s, "S-1-", 4) != 0)
		return -1;
	s += 4;
	errno = 0;
	auth = strtoull(s, &end, 10);
	if (end == s || errno != 0 || auth > 0xffffffffffffULL)
		return -1;
	s = end;
	out[0] = 1;
	for (int i = 0; i < 6; i++)
		out[2 + i] = (uint8_t)(auth >> (8 * (5 - i)));
	while (*s == '-') {
		s++;
		errno = 0;
		v = strtoull(s, &end, 10);
		if (end == s || errno != 0 || v > 0xffffffffULL || n == 15)
			return -1;
		st32(out + 8 + 4 * n, (uint32_t)v);
		n++;
		s = end;
	}
	if (*s != '\0')
		return -1;
	out[1] = (uint8_t)n;
	return 8 + 4 * n;
}

/* ISO time to SYSTEMTIME (16 bytes). */
static int
parse_systime(const char *s, uint8_t out[16])
{
	uint64_t ft;
	int64_t days, secs;
	int y, m, d, dow;
	uint16_t f[8];

	if (ev_time_parse(s, &ft) == -1)
		return -1;
	secs = (int64_t)(ft / 10000000ULL);
	days = secs / 86400;
	secs %= 86400;
	dow = (int)((days + 1) % 7);	/* 1601-01-01 was a Monday */
	/* civil from days since 1601-01-01 */
	{
		int64_t z = days - 134774 + 719468;	/* 0000-03-01 epoch */
		int64_t era = z / 146097;
		int64_t doe = z - era * 146097;
		int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) /
		    365;
		int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
		int64_t mp = (5 * doy + 2) / 153;

		d = (int)(doy - (153 * mp + 2) / 5 + 1);
		m = (int)(mp < 10 ? mp + 3 : mp - 9);
		y = (int)(yoe + era * 400 + (m <= 2));
	}
	f[0] = (uint16_t)y;
	f[1] = (uint16_t)m;
	f[2] = (uint16_t)dow;
	f[3] = (uint16_t)d;
	f[4] = (uint16_t)(secs / 3600);
	f[5] = (uint16_t)(secs / 60 % 60);
	f[6] = (uint16_t)(secs % 60);
	f[7] = (uint16_t)(ft / 10000 % 1000);
	for (int i = 0; i < 8; i++)
		st16(out + 2 * i, f[i]);
	return 0;
}

/*
 * Encodes one value into buf[max]; returns its size (0 for an empty /
 * NULL value) and sets *type to the type to record (NULL when empty and
 * not a string), or -1 when the text does not fit the type.
 */
static long
encode_value(const struct evtxw_data *d, uint8_t *buf, size_t max,
    uint8_t *type)
{
	const char *s = d->text != NULL ? d->text : "";
	uint64_t v;
	uint8_t t = d->type;

	*type = t;
	if (t == EVTXW_T_STRING || t == EVTXW_T_STRARR) {
		/* an array ends its last string with a NUL, as Windows */
		size_t nul = t == EVTXW_T_STRARR ? 2 : 0;
		long n;

		if (d->u16 != NULL) {
			if (d->u16len * 2 + nul > max)
				return -1;
			for (size_t i = 0; i < d->u16len; i++)
				st16(buf + 2 * i, d->u16[i]);
			n = (long)d->u16len;
		} else {
			uint16_t *u = malloc(max);

			if (u == NULL)
				return -1;
			n = utf8to16(s, u, (max - nul) / 2);
			for (long i = 0; i < n; i++)
				st16(buf + 2 * i, u[i]);
			free(u);
			if (n < 0)
				return -1;
		}
		if (t == EVTXW_T_STRARR) {
			if (n == 0) {
				*type = EVTXW_T_NULL;
				return 0;
			}
			st16(buf + 2 * n++, 0);
		}
		return n * 2;
	}
	if (*s == '\0' || t == EVTXW_T_NULL) {
		*type = EVTXW_T_NULL;
		return 0;
	}
	switch (t) {
	case EVTXW_T_UINT8:
		if (parse_u64(s, UINT8_MAX, &v) == -1)
			return -1;
		buf[0] = (uint8_t)v;
		return 1;
	case EVTXW_T_UINT16:
		if (parse_u64(s, UINT16_MAX, &v) == -1)
			return -1;
		st16(buf, (uint16_t)v);
		return 2;
	case EVTXW_T_UINT32:
	case EVTXW_T_HEXINT32:
		if (parse_u64(s, UINT32_MAX, &v) == -1)
			return -1;
		st32(buf, (uint32_t)v);
		return 4;
	case EVTXW_T_UINT64:
	case EVTXW_T_HEXINT64:
	case EVTXW_T_SIZET:
	case EVTXW_T_FILETIME:
		if (t == EVTXW_T_FILETIME) {
			if (ev_time_parse(s, &v) == -1)
				return -1;
		} else if (parse_u64(s, UINT64_MAX, &v) == -1)
			return -1;
		st64(buf, v);
		return 8;
	case EVTXW_T_BOOL:
		if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
			v = 1;
		else if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
			v = 0;
		else
			return -1;
		st32(buf, (uint32_t)v);
		return 4;
	case EVTXW_T_GUID:
		return parse_guid(s, buf) == -1 ? -1 : 16;
	case EVTXW_T_SYSTEMTIME:
		return parse_systime(s, buf) == -1 ? -1 : 16;
	case EVTXW_T_SID:
		return parse_sid(s, buf);
	case EVTXW_T_BINARY: {
		size_t n = strlen(s);

		if (n % 2 != 0 || n / 2 > max)
			return -1;
		for (size_t i = 0; i < n; i += 2) {
			if (hexval(s[i]) < 0 || hexval(s[i + 1]) < 0)
				return -1;
			buf[i / 2] = (uint8_t)(hexval(s[i]) << 4 |
			    hexval(s[i + 1]));
		}
		return (long)(n / 2);
	}
	default:
		return -1;
	}
}

/* Value descriptors followed by values: `n` given as (type, bytes). */
struct val {
	uint8_t		 type;
	uint32_t	 size;
	const uint8_t	*p;
};

static void
put_values(struct evtxw *w, const struct val *v, size_t n)
{
	put32(w, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		put16(w, (uint16_t)v[i].size);
		put8(w, v[i].size == 0 && v[i].type != EVTXW_T_STRING ?
		    EVTXW_T_NULL : v[i].type);
		put8(w, 0);
	}
	for (size_t i = 0; i < n; i++)
		putbytes(w, v[i].p, v[i].size);
}

/* The nested BinXml of value 17: fragment + EventData/UserData instance. */
static int
put_body(struct evtxw *w, const struct evtxw_event *ev, struct ev_err *err)
{
	char key[8192];
	size_t kl;
	struct val *vals;
	uint8_t *store;
	size_t used = 0, cap = 65536;
	int rc = 0;

	if (ev->ndata > MAXDATA)
		return EV_ERR(err, EV_EUSAGE, 0, "more than %d data fields",
		    MAXDATA);
	kl = (size_t)snprintf(key, sizeof(key), "%s|%s|%s|",
	    ev->body == EVTXW_BODY_USERDATA ? "UserData" : "EventData",
	    ev->ud_name != NULL ? ev->ud_name : "",
	    ev->ud_ns != NULL ? ev->ud_ns : "");
	for (size_t i = 0; i < ev->ndata && kl < sizeof(key); i++)
		kl += (size_t)snprintf(key + kl, sizeof(key) - kl, "%s:%u|",
		    ev->data[i].name, decl_type(&ev->data[i]));
	if (kl >= sizeof(key))
		return EV_ERR(err, EV_EUSAGE, 0, "too many data names");
	if (ev->tpl_key != NULL && snprintf(key, sizeof(key), "key|%s",
	    ev->tpl_key) >= (int)sizeof(key))
		return EV_ERR(err, EV_EUSAGE, 0, "template key too long");

	vals = calloc(ev->ndata + 1, sizeof(*vals));
	store = malloc(cap);
	if (vals == NULL || store == NULL) {
		free(vals);
		free(store);
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	}
	for (size_t i = 0; i < ev->ndata; i++) {
		long n = encode_value(&ev->data[i], store + used, cap - used,
		    &vals[i].type);

		if (n < 0) {
			rc = EV_ERR(err, EV_EUSAGE, 0, "data '%s': '%s' is "
			    "not a valid %s value", ev->data[i].name,
			    ev->data[i].text != NULL ? ev->data[i].text : "",
			    evtxw_type_name(ev->data[i].type));
			goto out;
		}
		if (n > UINT16_MAX) {
			rc = EV_ERR(err, EV_EUSAGE, 0, "data '%s' too long",
			    ev->data[i].name);
			goto out;
		}
		vals[i].size = (uint32_t)n;
		vals[i].p = store + used;
		used += (size_t)n;
	}
	put8(w, 0x0f);
	put8(w, 0x01);
	put8(w, 0x01);
	put8(w, 0x00);
	w->stale = (ev->flags & EVTXW_EV_STALE_TPL) != 0;
	rc = template_instance(w, key, data_body, ev, err);
	w->stale = false;
	if (rc < 0) {
		rc = -1;
		goto out;
	}
	put_values(w, vals, ev->ndata);
	put8(w, 0x00);
out:
	free(vals);
	free(store);
	return rc;
}

/* The record's binary XML: System template instance and its 18 values. */
static int
put_event_xml(struct evtxw *w, const struct evtxw_event *ev,
    struct ev_err *err)
{
	char key[512];
	uint8_t b[NSYSVALUES][72];
	uint16_t prov[512], chan[512];
	long nprov = 0, nchan = 0;
	struct val v[NSYSVALUES];
	uint32_t desc_at, body_at;
	int n;

	memset(v, 0, sizeof(v));
	snprintf(key, sizeof(key), "System|%s", ev->computer != NULL ?
	    ev->computer : "");
	if (ev->provider != NULL &&
	    (nprov = utf8to16(ev->provider, prov, NELEM_U(prov))) < 0)
		return EV_ERR(err, EV_EUSAGE, 0, "bad provider name");
	if (ev->channel != NULL &&
	    (nchan = utf8to16(ev->channel, chan, NELEM_U(chan))) < 0)
		return EV_ERR(err, EV_EUSAGE, 0, "bad channel name");

#define SETV(i, t, sz) do { v[i].type = (t); v[i].size = (sz); \
	v[i].p = b[i]; } while (0)
	b[S_LEVEL][0] = ev->level;
	SETV(S_LEVEL, EVTXW_T_UINT8, 1);
	b[S_OPCODE][0] = ev->opcode;
	SETV(S_OPCODE, EVTXW_T_UINT8, 1);
	st16(b[S_TASK], ev->task);
	SETV(S_TASK, EVTXW_T_UINT16, 2);
	st16(b[S_EVENTID], ev->event_id);
	SETV(S_EVENTID, EVTXW_T_UINT16, 2);
	if (ev->qualifiers >= 0) {
		st16(b[S_QUALIFIERS], (uint16_t)ev->qualifiers);
		SETV(S_QUALIFIERS, EVTXW_T_UINT16, 2);
	}
	st64(b[S_KEYWORDS], ev->keywords);
	SETV(S_KEYWORDS, EVTXW_T_HEXINT64, 8);
	st64(b[S_TIME], ev->time);
	SETV(S_TIME, EVTXW_T_FILETIME, 8);
	st32(b[S_PID], ev->pid);
	SETV(S_PID, EVTXW_T_UINT32, 4);
	st32(b[S_TID], ev->tid);
	SETV(S_TID, EVTXW_T_UINT32, 4);
	st64(b[S_RECORDID], ev->record_id);
	SETV(S_RECORDID, EVTXW_T_UINT64, 8);
	b[S_VERSION][0] = ev->version;
	SETV(S_VERSION, EVTXW_T_UINT8, 1);
	if (ev->user_sid != NULL) {
		if ((n = parse_sid(ev->user_sid, b[S_USERID])) < 0)
			return EV_ERR(err, EV_EUSAGE, 0, "bad user SID '%s'",
			    ev->user_sid);
		SETV(S_USERID, EVTXW_T_SID, (uint32_t)n);
	}
	v[S_PROVIDER].type = EVTXW_T_STRING;
	v[S_PROVIDER].size = (uint32_t)nprov * 2;
	v[S_PROVIDER].p = (const uint8_t *)prov;
	if (ev->provider_guid != NULL) {
		if (parse_guid(ev->provider_guid, b[S_PROVGUID]) == -1)
			return EV_ERR(err, EV_EUSAGE, 0, "bad provider GUID "
			    "'%s'", ev->provider_guid);
		SETV(S_PROVGUID, EVTXW_T_GUID, 16);
	}
	v[S_CHANNEL].type = EVTXW_T_STRING;
	v[S_CHANNEL].size = (uint32_t)nchan * 2;
	v[S_CHANNEL].p = (const uint8_t *)chan;
#undef SETV
	/* UTF-16 arrays are host order: store them little-endian. */
	for (long i = 0; i < nprov; i++)
		st16((uint8_t *)&prov[i], prov[i]);
	for (long i = 0; i < nchan; i++)
		st16((uint8_t *)&chan[i], chan[i]);

	put8(w, 0x0f);
	put8(w, 0x01);
	put8(w, 0x01);
	put8(w, 0x00);
	if (template_instance(w, key, system_body, ev, err) < 0)
		return -1;
	/* Value 17's size is known only once it is written: patch it. */
	put32(w, NSYSVALUES);
	desc_at = w->pos;
	for (int i = 0; i < NSYSVALUES; i++) {
		uint8_t t = v[i].size == 0 && v[i].type != EVTXW_T_STRING ?
		    EVTXW_T_NULL : v[i].type;

		if (i == S_BODY)
			t = ev->body == EVTXW_BODY_NONE ? EVTXW_T_NULL :
			    EVTXW_T_BINXML;
		put16(w, (uint16_t)v[i].size);
		put8(w, t);
		put8(w, 0);
	}
	for (int i = 0; i < S_BODY; i++)
		putbytes(w, v[i].p, v[i].size);
	body_at = w->pos;
	if (ev->body != EVTXW_BODY_NONE && put_body(w, ev, err) < 0)
		return -1;
	if (w->pos - body_at > UINT16_MAX)
		return EV_ERR(err, EV_EUSAGE, 0, "event data too large");
	patch16(w, desc_at + 4 * S_BODY, (uint16_t)(w->pos - body_at));
	put8(w, 0x00);
	return 0;
}

/* ---- chunks ---- */

static void
chunk_seal(uint8_t *c)
{
	uint32_t free_off = ld32(c + 48);
	uint32_t crc;

	if (free_off < EVTXW_CHUNK_HDR || free_off > EVTXW_CHUNK_SIZE)
		free_off = EVTXW_CHUNK_HDR;
	st32(c + 52, evtxw_crc32(0, c + EVTXW_CHUNK_HDR,
	    free_off - EVTXW_CHUNK_HDR));
	crc = evtxw_crc32(0, c, 120);
	crc = evtxw_crc32(crc, c + 128, EVTXW_CHUNK_HDR - 128);
	st32(c + 124, crc);
}

static void
chunk_begin(struct evtxw *w)
{
	memset(w->chunk, 0, sizeof(w->chunk));
	memcpy(w->chunk, "ElfChnk", 8);
	w->pos = w->free_off = EVTXW_CHUNK_HDR;
	w->last_off = 0;
	w->first_id = w->last_id = w->nrec = 0;
	w->slacked = false;
	w->open = true;
}

static int
emit_chunk(struct evtxw *w, const uint8_t *c, struct ev_err *err)
{
	if (w->opts.fd >= 0) {
		off_t at = (off_t)(EVTXW_HEADER_SIZE +
		    w->nchunks * (uint64_t)EVTXW_CHUNK_SIZE);
		size_t done = 0;

		while (done < EVTXW_CHUNK_SIZE) {
			ssize_t n = pwrite(w->opts.fd, c + done,
			    EVTXW_CHUNK_SIZE - done, at + (off_t)done);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return EV_ERR_SYS(err, "cannot write chunk "
				    "%llu", (unsigned long long)w->nchunks);
			done += (size_t)n;
		}
	} else {
		size_t need = EVTXW_HEADER_SIZE +
		    (w->nchunks + 1) * (size_t)EVTXW_CHUNK_SIZE;

		if (need > w->cap) {
			size_t cap = w->cap * 2 > need ? w->cap * 2 : need;
			uint8_t *p = realloc(w->file, cap);

			if (p == NULL)
				return EV_ERR(err, EV_ENOMEM, 0,
				    "out of memory");
			w->file = p;
			w->cap = cap;
		}
		if (w->len < need - EVTXW_CHUNK_SIZE)
			memset(w->file + w->len, 0,
			    need - EVTXW_CHUNK_SIZE - w->len);
		memcpy(w->file + need - EVTXW_CHUNK_SIZE, c,
		    EVTXW_CHUNK_SIZE);
		w->len = need;
	}
	w->nchunks++;
	return 0;
}

static int
chunk_end(struct evtxw *w, struct ev_err *err)
{
	uint8_t *c = w->chunk;

	if (!w->open)
		return 0;
	st64(c + 8, w->first_id);
	st64(c + 16, w->last_id);
	st64(c + 24, w->first_id);
	st64(c + 32, w->last_id);
	st32(c + 40, 128);
	st32(c + 44, w->last_off);
	st32(c + 48, w->free_off);
	chunk_seal(c);
	w->open = false;
	return emit_chunk(w, c, err);
}

/* ---- public ---- */

struct evtxw *
evtxw_new(const struct evtxw_opts *o)
{
	struct evtxw *w = calloc(1, sizeof(*w));
	struct evtxw_opts def = EVTXW_OPTS_INIT;

	if (w == NULL)
		return NULL;
	w->opts = o != NULL ? *o : def;
	if (w->opts.chunk_limit == 0 || w->opts.chunk_limit > EVTXW_CHUNK_SIZE)
		w->opts.chunk_limit = EVTXW_CHUNK_SIZE;
	if (w->opts.fd < 0) {
		w->cap = EVTXW_HEADER_SIZE + EVTXW_CHUNK_SIZE;
		if ((w->file = calloc(1, w->cap)) == NULL) {
			free(w);
			return NULL;
		}
	}
	w->len = EVTXW_HEADER_SIZE;
	return w;
}

void
evtxw_free(struct evtxw *w)
{
	if (w == NULL)
		return;
	free(w->file);
	free(w->recs);
	free(w);
}

uint64_t
evtxw_nchunks(const struct evtxw *w)
{
	return w->nchunks + (w->open ? 1 : 0);
}

uint64_t
evtxw_nrecords(const struct evtxw *w)
{
	return w->nrecs;
}

static int
add_index(struct evtxw *w, const struct recidx *r, struct ev_err *err)
{
	if (w->opts.fd >= 0)
		return 0;	/* mutations need it; streams have none */
	if (w->nrecs == w->caprecs) {
		size_t cap = w->caprecs ? w->caprecs * 2 : 64;
		struct recidx *p = realloc(w->recs, cap * sizeof(*p));

		if (p == NULL)
			return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
		w->recs = p;
		w->caprecs = cap;
	}
	w->recs[w->nrecs++] = *r;
	return 0;
}

int
evtxw_add(struct evtxw *w, const struct evtxw_event *ev, struct ev_err *err)
{
	uint8_t snap[EVTXW_CHUNK_HDR];
	bool slack = (ev->flags & EVTXW_EV_SLACK) != 0;
	struct recidx ri;

	if (w->finished)
		return EV_ERR(err, EV_EUSAGE, 0, "writer already finished");
	if (w->open && (w->slacked || (ev->flags & EVTXW_EV_NEWCHUNK) ||
	    w->free_off > w->opts.chunk_limit))
		if (chunk_end(w, err) < 0)
			return -1;
	for (int attempt = 0; attempt < 2; attempt++) {
		uint32_t start, size;

		if (!w->open)
			chunk_begin(w);
		memcpy(snap, w->chunk, sizeof(snap));
		w->overflow = false;
		start = w->pos;
		put32(w, 0x00002a2a);
		put32(w, 0);
		put64(w, ev->record_id);
		put64(w, ev->time);
		if (put_event_xml(w, ev, err) < 0)
			return -1;
		while (!w->overflow && (w->pos - start + 4) % 8 != 0)
			put8(w, 0);
		put32(w, 0);
		if (w->overflow) {
			memcpy(w->chunk, snap, sizeof(snap));
			memset(w->chunk + start, 0, EVTXW_CHUNK_SIZE - start);
			w->pos = start;
			if (w->nrec == 0 && !w->slacked)
				return EV_ERR(err, EV_EUSAGE, 0, "record %llu "
				    "does not fit in a chunk",
				    (unsigned long long)ev->record_id);
			if (chunk_end(w, err) < 0)
				return -1;
			continue;
		}
		size = w->pos - start;
		st32(w->chunk + start + 4, size);
		st32(w->chunk + w->pos - 4, size);
		ri.off = EVTXW_HEADER_SIZE + (w->opts.fd >= 0 ? 0 :
		    w->nchunks * (uint64_t)EVTXW_CHUNK_SIZE) + start;
		ri.chunk = w->nchunks;
		ri.id = ev->record_id;
		ri.size = size;
		ri.slack = slack;
		if (slack) {
			/* Slack is not allocated: the tables never saw it. */
			memcpy(w->chunk, snap, sizeof(snap));
			w->slacked = true;
		} else {
			if (w->nrec == 0)
				w->first_id = ev->record_id;
			w->last_id = ev->record_id;
			w->last_off = start;
			w->free_off = w->pos;
			w->nrec++;
			if (ev->record_id >= w->next_id)
				w->next_id = ev->record_id + 1;
		}
		return add_index(w, &ri, err);
	}
	return EV_ERR(err, EV_EUSAGE, 0, "record %llu does not fit",
	    (unsigned long long)ev->record_id);
}

int
evtxw_skip_chunks(struct evtxw *w, uint64_t n, struct ev_err *err)
{
	if (chunk_end(w, err) < 0)
		return -1;
	if (w->opts.fd >= 0) {
		w->nchunks += n;
		return 0;
	}
	if (n > 4096)
		return EV_ERR(err, EV_EUSAGE, 0, "too many holes in memory");
	for (uint64_t i = 0; i < n; i++) {
		static const uint8_t zero[EVTXW_CHUNK_SIZE];

		if (emit_chunk(w, zero, err) < 0)
			return -1;
	}
	return 0;
}

int
evtxw_finish(struct evtxw *w, struct ev_err *err)
{
	uint8_t h[EVTXW_HEADER_SIZE];
	uint64_t counted, next_id = 0;

	if (w->finished)
		return 0;
	if (w->nchunks == 0 && !w->open)
		chunk_begin(w);		/* a new, empty log has one chunk */
	if (chunk_end(w, err) < 0)
		return -1;
	counted = w->opts.hidden_chunks < w->nchunks ?
	    w->nchunks - w->opts.hidden_chunks : 1;
	for (size_t i = 0; i < w->nrecs; i++)
		if (!w->recs[i].slack && w->recs[i].chunk < counted &&
		    w->recs[i].id >= next_id)
			next_id = w->recs[i].id + 1;
	if (w->opts.fd >= 0)
		next_id = w->next_id;
	if (next_id == 0)
		next_id = 1;
	memset(h, 0, sizeof(h));
	memcpy(h, "ElfFile", 8);
	st64(h + 8, 0);
	st64(h + 16, counted - 1);
	st64(h + 24, next_id);
	st32(h + 32, 128);
	st16(h + 36, 1);
	st16(h + 38, 3);
	st16(h + 40, EVTXW_HEADER_SIZE);
	st16(h + 42, (uint16_t)counted);
	st32(h + 120, w->opts.file_flags);
	st32(h + 124, evtxw_crc32(0, h, 120));
	if (w->opts.fd >= 0) {
		off_t size = (off_t)(EVTXW_HEADER_SIZE +
		    w->nchunks * (uint64_t)EVTXW_CHUNK_SIZE);

		if (pwrite(w->opts.fd, h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
		    ftruncate(w->opts.fd, size) == -1)
			return EV_ERR_SYS(err, "cannot write file header");
	} else
		memcpy(w->file, h, sizeof(h));
	w->finished = true;
	return 0;
}

/* ---- mutations ---- */

static uint8_t *
chunk_at(struct evtxw *w, uint64_t c)
{
	uint64_t off = EVTXW_HEADER_SIZE + c * (uint64_t)EVTXW_CHUNK_SIZE;

	if (off + EVTXW_CHUNK_SIZE > w->len)
		return NULL;
	return w->file + off;
}

int
evtxw_mutate(struct evtxw *w, const char *m, struct ev_err *err)
{
	char name[32], rest[512];
	uint64_t n;
	uint8_t *c;

	if (!w->finished || w->opts.fd >= 0)
		return EV_ERR(err, EV_EUSAGE, 0, "mutate needs a finished "
		    "in-memory file");
	rest[0] = '\0';
	if (sscanf(m, "%31s %511[^\n]", name, rest) < 1)
		return EV_ERR(err, EV_EUSAGE, 0, "empty mutation");
	if (strcmp(name, "header-damage") == 0) {
		/* Keep the signature so that the file is still recognised. */
		for (int i = 8; i < 120; i++)
			w->file[i] = (uint8_t)(0xa5 ^ (i * 37));
		st32(w->file + 124, 0x12345678);
		return 0;
	}
	if (strcmp(name, "poke") == 0) {
		char *p = rest, *end;
		uint64_t off = strtoull(p, &end, 0);

		if (end == p)
			return EV_ERR(err, EV_EUSAGE, 0, "poke: no offset");
		for (p = end; *p != '\0'; p++) {
			if (isspace((unsigned char)*p))
				continue;
			if (hexval(p[0]) < 0 || hexval(p[1]) < 0 || off >= w->len)
				return EV_ERR(err, EV_EUSAGE, 0, "poke: bad "
				    "bytes or offset");
			w->file[off++] = (uint8_t)(hexval(p[0]) << 4 |
			    hexval(p[1]));
			p++;
		}
		return 0;
	}
	if (strcmp(name, "free-space") == 0) {
		/* chunk C's free-space offset set to OFF, CRCs made right */
		unsigned long long ch;
		unsigned off;

		if (sscanf(rest, "%llu %u", &ch, &off) != 2 || off > 65536 ||
		    (c = chunk_at(w, ch)) == NULL)
			return EV_ERR(err, EV_EUSAGE, 0, "free-space: '%s' is "
			    "not a chunk and an offset", rest);
		st32(c + 48, off);
		chunk_seal(c);
		return 0;
	}
	if (parse_u64(rest, UINT64_MAX, &n) == -1)
		return EV_ERR(err, EV_EUSAGE, 0, "%s: '%s' is not a number",
		    name, rest);
	if (strcmp(name, "truncate") == 0) {
		if (n > w->len)
			return EV_ERR(err, EV_EUSAGE, 0, "truncate past end");
		w->len = (size_t)n;
		return 0;
	}
	if (strcmp(name, "chunk-crc") == 0 ||
	    strcmp(name, "chunk-header-crc") == 0) {
		if ((c = chunk_at(w, n)) == NULL)
			return EV_ERR(err, EV_EUSAGE, 0, "no chunk %llu",
			    (unsigned long long)n);
		c[name[6] == 'c' ? 52 : 124] ^= 0x5a;
		return 0;
	}
	if (strcmp(name, "unlink-record") == 0) {
		/*
		 * Record R hidden inside the record before it, as log editors
		 * delete records: that record's size grows over R (its size
		 * copy moved to R's end), CRCs made right.
		 */
		struct recidx *r, *p;

		if (n == 0 || n >= w->nrecs || w->recs[n].slack ||
		    w->recs[n - 1].chunk != w->recs[n].chunk)
			return EV_ERR(err, EV_EUSAGE, 0, "record %llu has no "
			    "record before it in its chunk",
			    (unsigned long long)n);
		r = &w->recs[n];
		p = &w->recs[n - 1];
		if ((c = chunk_at(w, r->chunk)) == NULL)
			return EV_ERR(err, EV_EUSAGE, 0, "record %llu cut "
			    "off", (unsigned long long)n);
		st32(w->file + p->off + 4, p->size + r->size);
		st32(w->file + r->off + r->size - 4, p->size + r->size);
		chunk_seal(c);
		return 0;
	}
	if (strcmp(name, "binxml") == 0) {
		struct recidx *r;

		if (n >= w->nrecs)
			return EV_ERR(err, EV_EUSAGE, 0, "no record %llu",
			    (unsigned long long)n);
		r = &w->recs[n];
		if ((c = chunk_at(w, r->chunk)) == NULL ||
		    r->off + 29 > w->len)
			return EV_ERR(err, EV_EUSAGE, 0, "record %llu cut "
			    "off", (unsigned long long)n);
		/* The template instance token becomes an unknown token. */
		w->file[r->off + 28] = 0xff;
		chunk_seal(c);
		return 0;
	}
	return EV_ERR(err, EV_EUSAGE, 0, "unknown mutation '%s'", name);
}

const uint8_t *
evtxw_bytes(const struct evtxw *w, size_t *len)
{
	*len = w->file != NULL ? w->len : 0;
	return w->file;
}

int
evtxw_write(const struct evtxw *w, const char *path, struct ev_err *err)
{
	char tmp[4096];
	FILE *f;
	int fd;

	if (w->file == NULL || !w->finished)
		return EV_ERR(err, EV_EUSAGE, 0, "nothing to write");
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    sizeof(tmp))
		return EV_ERR(err, EV_EUSAGE, 0, "path too long");
	if ((fd = mkstemp(tmp)) == -1)
		return EV_ERR_SYS(err, "cannot create '%s'", tmp);
	if ((f = fdopen(fd, "wb")) == NULL) {
		close(fd);
		unlink(tmp);
		return EV_ERR_SYS(err, "cannot open '%s'", tmp);
	}
	if ((w->len > 0 && fwrite(w->file, w->len, 1, f) != 1) ||
	    fclose(f) != 0) {
		unlink(tmp);
		return EV_ERR_SYS(err, "cannot write '%s'", tmp);
	}
	if (chmod(tmp, 0644) == -1 || rename(tmp, path) == -1) {
		unlink(tmp);
		return EV_ERR_SYS(err, "cannot rename to '%s'", path);
	}
	return 0;
}

/* ---- types ---- */

static const struct {
	const char	*name;
	uint8_t		 type;
} type_names[] = {
	{ "null", EVTXW_T_NULL }, { "str", EVTXW_T_STRING },
	{ "u8", EVTXW_T_UINT8 }, { "u16", EVTXW_T_UINT16 },
	{ "u32", EVTXW_T_UINT32 }, { "u64", EVTXW_T_UINT64 },
	{ "bool", EVTXW_T_BOOL }, { "bin", EVTXW_T_BINARY },
	{ "guid", EVTXW_T_GUID }, { "sizet", EVTXW_T_SIZET },
	{ "filetime", EVTXW_T_FILETIME }, { "systime", EVTXW_T_SYSTEMTIME },
	{ "sid", EVTXW_T_SID }, { "hex32", EVTXW_T_HEXINT32 },
	{ "hex64", EVTXW_T_HEXINT64 }, { "strarr", EVTXW_T_STRARR },
};

int
evtxw_type_by_name(const char *s)
{
	for (size_t i = 0; i < NELEM_U(type_names); i++)
		if (strcmp(type_names[i].name, s) == 0)
			return type_names[i].type;
	return -1;
}

const char *
evtxw_type_name(uint8_t t)
{
	for (size_t i = 0; i < NELEM_U(type_names); i++)
		if (type_names[i].type == t)
			return type_names[i].name;
	return "?";
}

static const struct {
	const char	*provider;	/* substring of the provider name */
	const char	*name;
	uint8_t		 type, decl;
} default_types[] = {
	{ "Sysmon", "ProcessGuid", EVTXW_T_GUID, 0 },
	{ "Sysmon", "ParentProcessGuid", EVTXW_T_GUID, 0 },
	{ "Sysmon", "SourceProcessGuid", EVTXW_T_GUID, 0 },
	{ "Sysmon", "TargetProcessGuid", EVTXW_T_GUID, 0 },
	{ "Sysmon", "LogonGuid", EVTXW_T_GUID, 0 },
	{ "Sysmon", "ProcessId", EVTXW_T_UINT32, 0 },
	{ "Sysmon", "ParentProcessId", EVTXW_T_UINT32, 0 },
	{ "Sysmon", "TerminalSessionId", EVTXW_T_UINT32, 0 },
	{ "Sysmon", "LogonId", EVTXW_T_HEXINT64, 0 },
	{ "Sysmon", "SourcePort", EVTXW_T_UINT16, 0 },
	{ "Sysmon", "DestinationPort", EVTXW_T_UINT16, 0 },
	{ "Sysmon", "Initiated", EVTXW_T_BOOL, 0 },
	{ "Sysmon", "SourceIsIpv6", EVTXW_T_BOOL, 0 },
	{ "Sysmon", "DestinationIsIpv6", EVTXW_T_BOOL, 0 },
	{ "Security-Auditing", "SubjectUserSid", EVTXW_T_SID, 0 },
	{ "Security-Auditing", "TargetUserSid", EVTXW_T_SID, 0 },
	{ "Security-Auditing", "MandatoryLabel", EVTXW_T_SID, 0 },
	{ "Security-Auditing", "SubjectLogonId", EVTXW_T_HEXINT64, 0 },
	{ "Security-Auditing", "TargetLogonId", EVTXW_T_HEXINT64, 0 },
	{ "Security-Auditing", "NewProcessId", EVTXW_T_HEXINT64,
	    EVTXW_T_SIZET },
	{ "Security-Auditing", "ProcessId", EVTXW_T_HEXINT64, EVTXW_T_SIZET },
	{ "Security-Auditing", "LogonType", EVTXW_T_UINT32, 0 },
	{ "Security-Auditing", "IpPort", EVTXW_T_STRING, 0 },
	{ "Security-Auditing", "LogonGuid", EVTXW_T_GUID, 0 },
	{ "Eventlog", "SubjectUserSid", EVTXW_T_SID, 0 },
	{ "Eventlog", "SubjectLogonId", EVTXW_T_HEXINT64, 0 },
	/* 4697 service install, 4698/4702 scheduled tasks */
	{ "Security-Auditing", "ServiceType", EVTXW_T_HEXINT32, 0 },
	{ "Security-Auditing", "ServiceStartType", EVTXW_T_UINT32, 0 },
	{ "Security-Auditing", "ClientProcessId", EVTXW_T_UINT32, 0 },
	{ "Security-Auditing", "ParentProcessId", EVTXW_T_UINT32, 0 },
	{ "Security-Auditing", "ClientProcessStartKey", EVTXW_T_UINT64, 0 },
	{ "Security-Auditing", "RpcCallClientLocality", EVTXW_T_UINT32, 0 },
	/* 4104 script blocks (win:Int32 in the manifest) */
	{ "PowerShell", "MessageNumber", EVTXW_T_UINT32, 0 },
	{ "PowerShell", "MessageTotal", EVTXW_T_UINT32, 0 },
};

uint8_t
evtxw_default_type(const char *provider, const char *name, uint8_t *decl)
{
	*decl = 0;
	if (provider == NULL)
		return EVTXW_T_STRING;
	for (size_t i = 0; i < NELEM_U(default_types); i++)
		if (strcmp(default_types[i].name, name) == 0 &&
		    strstr(provider, default_types[i].provider) != NULL) {
			*decl = default_types[i].decl;
			return default_types[i].type;
		}
	return EVTXW_T_STRING;
}

/* ---- text specs ---- */

struct evtxw_spec {
	char		*output;
	bool		 drift_only;
	struct evtxw_opts opts;
	char		**muts;
	size_t		 nmut;
	struct evtxw_event *evs;
	size_t		 nev, capev;
	void		**owned;	/* every allocation the events use */
	size_t		 nowned, capowned;
};

static void *
own(struct evtxw_spec *s, void *p)
{
	if (p == NULL)
		return NULL;
	if (s->nowned == s->capowned) {
		size_t cap = s->capowned ? s->capowned * 2 : 64;
		void **q = realloc(s->owned, cap * sizeof(*q));

		if (q == NULL) {
			free(p);
			return NULL;
		}
		s->owned = q;
		s->capowned = cap;
	}
	s->owned[s->nowned++] = p;
	return p;
}

static char *
own_str(struct evtxw_spec *s, const char *str)
{
	return own(s, strdup(str));
}

void
evtxw_spec_free(struct evtxw_spec *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nowned; i++)
		free(s->owned[i]);
	for (size_t i = 0; i < s->nev; i++)
		free((void *)s->evs[i].data);
	free(s->owned);
	free(s->muts);
	free(s->evs);
	free(s);
}

static const struct {
	const char	*alias, *name, *guid;
} providers[] = {
	{ "security", "Microsoft-Windows-Security-Auditing",
	    "{54849625-5478-4994-A5BA-3E3B0328C30D}" },
	{ "sysmon", "Microsoft-Windows-Sysmon",
	    "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}" },
	{ "eventlog", "Microsoft-Windows-Eventlog",
	    "{fc65ddd8-d6ef-4962-83d5-6e5cfe9ce148}" },
	{ "powershell", "Microsoft-Windows-PowerShell",
	    "{A0C1853B-5C40-4B15-8766-3CF1C58F985A}" },
	{ "scm", "Service Control Manager",
	    "{555908d1-a6d7-4695-8e1e-26931d2012f4}" },
};

/* Windows' System values per provider and event (version is the newest). */
static const struct {
	const char	*provider;	/* substring; NULL matches any */
	int		 eid;		/* -1 matches any */
	uint8_t		 version, level, opcode;
	uint16_t	 task;
	uint64_t	 keywords;
} sys_defaults[] = {
	{ "Security-Auditing", 4688, 2, 0, 0, 13312, 0x8020000000000000ULL },
	{ "Security-Auditing", 4689, 0, 0, 0, 13313, 0x8020000000000000ULL },
	{ "Security-Auditing", 4624, 2, 0, 0, 12544, 0x8020000000000000ULL },
	{ "Security-Auditing", 4697, 0, 0, 0, 12289, 0x8020000000000000ULL },
	{ "Security-Auditing", 4698, 1, 0, 0, 12804, 0x8020000000000000ULL },
	{ "Security-Auditing", 4702, 1, 0, 0, 12804, 0x8020000000000000ULL },
	{ "PowerShell", 4104, 1, 5, 15, 2, 0x0ULL },
	{ "Service Control Manager", 7045, 0, 4, 0, 0, 0x8080000000000000ULL },
	{ "Security-Auditing", -1, 0, 0, 0, 0, 0x8020000000000000ULL },
	{ "Sysmon", 1, 5, 4, 0, 1, 0x8000000000000000ULL },
	{ "Sysmon", 3, 5, 4, 0, 3, 0x8000000000000000ULL },
	{ "Sysmon", 5, 3, 4, 0, 5, 0x8000000000000000ULL },
	{ "Sysmon", 7, 3, 4, 0, 7, 0x8000000000000000ULL },
	{ "Sysmon", 11, 2, 4, 0, 11, 0x8000000000000000ULL },
	{ "Sysmon", 22, 5, 4, 0, 22, 0x8000000000000000ULL },
	{ "Sysmon", -1, 2, 4, 0, 0, 0x8000000000000000ULL },
	{ "Eventlog", 1102, 0, 4, 0, 104, 0x4020000000000000ULL },
	{ "Eventlog", 104, 0, 4, 0, 104, 0x8000000000000000ULL },
	{ NULL, -1, 0, 4, 0, 0, 0x8000000000000000ULL },
};

static void
apply_defaults(struct evtxw_event *ev)
{
	for (size_t i = 0; i < NELEM_U(sys_defaults); i++) {
		if (sys_defaults[i].provider != NULL && (ev->provider == NULL ||
		    strstr(ev->provider, sys_defaults[i].provider) == NULL))
			continue;
		if (sys_defaults[i].eid != -1 &&
		    sys_defaults[i].eid != ev->event_id)
			continue;
		ev->version = sys_defaults[i].version;
		ev->level = sys_defaults[i].level;
		ev->opcode = sys_defaults[i].opcode;
		ev->task = sys_defaults[i].eid == -1 &&
		    strstr(sys_defaults[i].provider != NULL ?
		    sys_defaults[i].provider : "", "Sysmon") != NULL ?
		    ev->event_id : sys_defaults[i].task;
		ev->keywords = sys_defaults[i].keywords;
		return;
	}
}

/*
 * Decodes an `edata` value (UTF-8 with \\ \e \n \r \t \xHH \uHHHH escapes)
 * to UTF-16 units; returns the count or -1.
 */
static long
unescape16(const char *s, uint16_t *out, size_t max)
{
	size_t n = 0;
	char one[5];

	while (*s != '\0') {
		uint32_t c;

		if (n + 2 > max)
			return -1;
		if (*s != '\\') {
			size_t k = 1;
			long m;

			while ((s[k] & 0xc0) == 0x80 && k < 4)
				k++;
			memcpy(one, s, k);
			one[k] = '\0';
			if ((m = utf8to16(one, out + n, max - n)) < 0)
				return -1;
			n += (size_t)m;
			s += k;
			continue;
		}
		s++;
		switch (*s++) {
		case '\\': c = '\\'; break;
		case 'e': c = 0x1b; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'a': c = 0x07; break;
		case 'x':
		case 'u': {
			int digits = s[-1] == 'x' ? 2 : 4;

			c = 0;
			for (int i = 0; i < digits; i++, s++) {
				if (hexval(*s) < 0)
					return -1;
				c = c << 4 | (uint32_t)hexval(*s);
			}
			break;
		}
		default:
			return -1;
		}
		out[n++] = (uint16_t)c;
	}
	return (long)n;
}

static int
spec_data(struct evtxw_spec *s, struct evtxw_event *ev, char *arg,
    bool esc, size_t *cap, const char *where, struct ev_err *err)
{
	struct evtxw_data *d;
	char *eq = strchr(arg, '='), *colon;
	int t;

	if (eq == NULL)
		return EV_ERR(err, EV_EUSAGE, 0, "%s: data needs NAME=VALUE",
		    where);
	*eq = '\0';
	if (ev->ndata == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct evtxw_data *p = realloc((void *)ev->data,
		    ncap * sizeof(*p));

		if (p == NULL)
			return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
		ev->data = p;
		*cap = ncap;
	}
	d = (struct evtxw_data *)&ev->data[ev->ndata];
	memset(d, 0, sizeof(*d));
	if ((colon = strchr(arg, ':')) != NULL) {
		*colon = '\0';
		if ((t = evtxw_type_by_name(colon + 1)) < 0)
			return EV_ERR(err, EV_EUSAGE, 0, "%s: unknown type "
			    "'%s'", where, colon + 1);
		d->type = (uint8_t)t;
	} else
		d->type = evtxw_default_type(ev->provider, arg, &d->decl);
	/* an empty name: <Data> without one, as Windows PowerShell writes */
	if (*arg == '\0' && ev->ud_name != NULL)
		return EV_ERR(err, EV_EUSAGE, 0, "%s: empty data name", where);
	if ((d->name = own_str(s, arg)) == NULL ||
	    (d->text = own_str(s, eq + 1)) == NULL)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	if (esc) {
		size_t max = strlen(eq + 1) + 1;
		uint16_t *u = own(s, malloc(max * 2 + 4));
		long n;

		if (u == NULL)
			return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
		if (d->type != EVTXW_T_STRING && d->type != EVTXW_T_STRARR)
			return EV_ERR(err, EV_EUSAGE, 0, "%s: edata is for "
			    "strings", where);
		if ((n = unescape16(eq + 1, u, max + 2)) < 0)
			return EV_ERR(err, EV_EUSAGE, 0, "%s: bad escape or "
			    "UTF-8 in '%s'", where, eq + 1);
		d->u16 = u;
		d->u16len = (size_t)n;
	}
	ev->ndata++;
	return 0;
}

static int
spec_num(const char *arg, uint64_t max, uint64_t *v, const char *where,
    struct ev_err *err)
{
	if (parse_u64(arg, max, v) == -1)
		return EV_ERR(err, EV_EUSAGE, 0, "%s: '%s' is not a number in "
		    "0..%llu", where, arg, (unsigned long long)max);
	return 0;
}

static int
spec_line(struct evtxw_spec *s, char *kw, char *arg, size_t *cap,
    const char *where, struct ev_err *err)
{
	struct evtxw_event *ev = s->nev > 0 ? &s->evs[s->nev - 1] : NULL;
	uint64_t v;

	if (strcmp(kw, "output") == 0)
		return (s->output = own_str(s, arg)) == NULL ?
		    EV_ERR(err, EV_ENOMEM, 0, "out of memory") : 0;
	if (strcmp(kw, "file") == 0) {
		char opt[32];
		const char *val = "";

		if (sscanf(arg, "%31s", opt) != 1)
			return EV_ERR(err, EV_EUSAGE, 0, "%s: file needs an "
			    "option", where);
		if (strchr(arg, ' ') != NULL)
			val = strchr(arg, ' ') + 1;
		if (strcmp(opt, "dirty") == 0)
			s->opts.file_flags |= EVTXW_FILE_DIRTY;
		else if (strcmp(opt, "full") == 0)
			s->opts.file_flags |= EVTXW_FILE_FULL;
		else if (strcmp(opt, "hidden-chunks") == 0) {
			if (spec_num(val, 1000, &v, where, err) < 0)
				return -1;
			s->opts.hidden_chunks = (unsigned)v;
		} else if (strcmp(opt, "chunk-limit") == 0) {
			if (spec_num(val, EVTXW_CHUNK_SIZE, &v, where, err) < 0)
				return -1;
			s->opts.chunk_limit = (uint32_t)v;
		} else
			return EV_ERR(err, EV_EUSAGE, 0, "%s: unknown file "
			    "option '%s'", where, opt);
		return 0;
	}
	if (strcmp(kw, "verify") == 0) {
		if (strcmp(arg, "drift-only") != 0)
			return EV_ERR(err, EV_EUSAGE, 0, "%s: verify takes "
			    "drift-only", where);
		s->drift_only = true;
		return 0;
	}
	if (strcmp(kw, "mutate") == 0) {
		char **p = realloc(s->muts, (s->nmut + 1) * sizeof(*p));
		char *m;

		if (p == NULL)
			return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
		s->muts = p;
		if ((m = own_str(s, arg)) == NULL)
			return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
		s->muts[s->nmut++] = m;
		return 0;
	}
	if (strcmp(kw, "record") == 0) {
		struct evtxw_event next;

		if (ev != NULL) {
			next = *ev;
			next.record_id++;
		} else {
			memset(&next, 0, sizeof(next));
			next.qualifiers = -1;
			next.record_id = 1;
			next.pid = 4;
			next.tid = 8;
			next.level = 4;
		}
		next.data = NULL;
		next.ndata = 0;
		next.body = EVTXW_BODY_EVENTDATA;
		next.ud_name = next.ud_ns = NULL;
		next.flags = 0;
		next.tpl_key = NULL;
		if (strstr(arg, "slack") != NULL)
			next.flags |= EVTXW_EV_SLACK;
		if (strstr(arg, "newchunk") != NULL)
			next.flags |= EVTXW_EV_NEWCHUNK;
		if (strstr(arg, "stale-template") != NULL)
			next.flags |= EVTXW_EV_STALE_TPL;
		if (s->nev == s->capev) {
			size_t ncap = s->capev ? s->capev * 2 : 32;
			struct evtxw_event *p = realloc(s->evs,
			    ncap * sizeof(*p));

			if (p == NULL)
				return EV_ERR(err, EV_ENOMEM, 0,
				    "out of memory");
			s->evs = p;
			s->capev = ncap;
		}
		s->evs[s->nev++] = next;
		*cap = 0;
		return 0;
	}
	if (ev == NULL)
		return EV_ERR(err, EV_EUSAGE, 0, "%s: '%s' before the first "
		    "record", where, kw);
	if (strcmp(kw, "data") == 0 || strcmp(kw, "edata") == 0)
		return spec_data(s, ev, arg, kw[0] == 'e', cap, where, err);
	if (strcmp(kw, "provider") == 0) {
		/* NAME may hold blanks ("Service Control Manager"). */
		char *guid = strrchr(arg, ' ');

		if (*arg == '\0')
			return EV_ERR(err, EV_EUSAGE, 0, "%s: provider needs "
			    "a name", where);
		ev->provider_guid = NULL;
		for (size_t i = 0; i < NELEM_U(providers); i++)
			if (strcmp(providers[i].alias, arg) == 0) {
				ev->provider = providers[i].name;
				ev->provider_guid = providers[i].guid;
				return 0;
			}
		if (guid != NULL && guid[1] == '{') {
			*guid++ = '\0';
			if ((ev->provider_guid = own_str(s, guid)) == NULL)
				return EV_ERR(err, EV_ENOMEM, 0,
				    "out of memory");
		}
		if ((ev->provider = own_str(s, arg)) == NULL)
			return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
		return 0;
	}
	if (strcmp(kw, "eventid") == 0) {
		if (spec_num(arg, UINT16_MAX, &v, where, err) < 0)
			return -1;
		ev->event_id = (uint16_t)v;
		apply_defaults(ev);
		return 0;
	}
#define NUMFIELD(k, f, max) \
	if (strcmp(kw, k) == 0) { \
		if (spec_num(arg, max, &v, where, err) < 0) \
			return -1; \
		ev->f = (__typeof__(ev->f))v; \
		return 0; \
	}
	NUMFIELD("version", version, UINT8_MAX)
	NUMFIELD("level", level, UINT8_MAX)
	NUMFIELD("opcode", opcode, UINT8_MAX)
	NUMFIELD("task", task, UINT16_MAX)
	NUMFIELD("keywords", keywords, UINT64_MAX)
	NUMFIELD("recordid", record_id, UINT64_MAX)
	NUMFIELD("pid", pid, UINT32_MAX)
	NUMFIELD("tid", tid, UINT32_MAX)
#undef NUMFIELD
	if (strcmp(kw, "qualifiers") == 0) {
		if (strcmp(arg, "-") == 0) {
			ev->qualifiers = -1;
			return 0;
		}
		if (spec_num(arg, UINT16_MAX, &v, where, err) < 0)
			return -1;
		ev->qualifiers = (int32_t)v;
		return 0;
	}
	if (strcmp(kw, "time") == 0) {
		if (ev_time_parse(arg, &v) == -1)
			return EV_ERR(err, EV_EUSAGE, 0, "%s: bad time '%s'",
			    where, arg);
		ev->time = v;
		return 0;
	}
	if (strcmp(kw, "template-key") == 0)
		return (ev->tpl_key = own_str(s, arg)) == NULL ?
		    EV_ERR(err, EV_ENOMEM, 0, "out of memory") : 0;
	if (strcmp(kw, "channel") == 0 || strcmp(kw, "computer") == 0) {
		char *p = own_str(s, arg);

		if (p == NULL)
			return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
		if (kw[1] == 'h')
			ev->channel = p;
		else
			ev->computer = p;
		return 0;
	}
	if (strcmp(kw, "user") == 0) {
		uint8_t sid[68];

		if (strcmp(arg, "-") == 0) {
			ev->user_sid = NULL;
			return 0;
		}
		if (parse_sid(arg, sid) < 0)
			return EV_ERR(err, EV_EUSAGE, 0, "%s: bad SID '%s'",
			    where, arg);
		return (ev->user_sid = own_str(s, arg)) == NULL ?
		    EV_ERR(err, EV_ENOMEM, 0, "out of memory") : 0;
	}
	if (strcmp(kw, "userdata") == 0) {
		char name[256], ns[512];
		int n = sscanf(arg, "%255s %511s", name, ns);

		if (n < 1)
			return EV_ERR(err, EV_EUSAGE, 0, "%s: userdata needs "
			    "an element name", where);
		ev->body = EVTXW_BODY_USERDATA;
		if ((ev->ud_name = own_str(s, name)) == NULL ||
		    (n == 2 && (ev->ud_ns = own_str(s, ns)) == NULL))
			return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
		return 0;
	}
	if (strcmp(kw, "nodata") == 0) {
		ev->body = EVTXW_BODY_NONE;
		return 0;
	}
	return EV_ERR(err, EV_EUSAGE, 0, "%s: unknown keyword '%s'", where,
	    kw);
}

int
evtxw_spec_load(const char *path, struct evtxw_spec **out,
    struct ev_err *err)
{
	struct evtxw_spec *s;
	FILE *f;
	char *line = NULL, where[512];
	size_t lcap = 0, cap = 0;
	ssize_t len;
	unsigned lineno = 0;
	int rc = 0;

	if ((f = fopen(path, "r")) == NULL)
		return EV_ERR_SYS(err, "cannot open '%s'", path);
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		fclose(f);
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	}
	s->opts.fd = -1;
	while ((len = getline(&line, &lcap, f)) != -1) {
		char *p = line, *kw, *arg;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		kw = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		if (*p != '\0')
			*p++ = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		arg = p;
		snprintf(where, sizeof(where), "%s:%u", path, lineno);
		if ((rc = spec_line(s, kw, arg, &cap, where, err)) < 0)
			break;
	}
	if (rc == 0 && ferror(f))
		rc = EV_ERR_SYS(err, "cannot read '%s'", path);
	free(line);
	fclose(f);
	if (rc < 0) {
		evtxw_spec_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int
evtxw_spec_build(const struct evtxw_spec *s, struct evtxw **out,
    struct ev_err *err)
{
	struct evtxw *w = evtxw_new(&s->opts);

	if (w == NULL)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	for (size_t i = 0; i < s->nev; i++)
		if (evtxw_add(w, &s->evs[i], err) < 0) {
			ev_err_wrap(err, "record %zu", i);
			evtxw_free(w);
			return err != NULL ? err->code : EV_EUSAGE;
		}
	if (evtxw_finish(w, err) < 0) {
		evtxw_free(w);
		return err != NULL ? err->code : EV_EIO;
	}
	for (size_t i = 0; i < s->nmut; i++)
		if (evtxw_mutate(w, s->muts[i], err) < 0) {
			evtxw_free(w);
			return EV_EUSAGE;
		}
	*out = w;
	return 0;
}

const char *
evtxw_spec_output(const struct evtxw_spec *s)
{
	return s->output;
}

int
evtxw_spec_mutated(const struct evtxw_spec *s)
{
	return s->nmut > 0;
}

int
evtxw_spec_drift_only(const struct evtxw_spec *s)
{
	return s->drift_only;
}

size_t
evtxw_spec_nevents(const struct evtxw_spec *s)
{
	return s->nev;
}

const struct evtxw_event *
evtxw_spec_event(const struct evtxw_spec *s, size_t i)
{
	return i < s->nev ? &s->evs[i] : NULL;
}
