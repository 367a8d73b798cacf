/*
 * libevtx.c -- the reference reader: libevtx decodes, libxml2 reads the
 * XML that libevtx renders (`--parser libevtx`, see reader.h).
 *
 * One unit per file.  For every allocated record, then every recovered
 * record libevtx found, the cheap facts come first: record id, written
 * time, offset and event id (qualifiers masked off), then libevtx's
 * source name (Provider/@Name).  Only when ev_classify() wants the record
 * is its XML rendered and parsed with libxml2; fields are then taken by
 * name: System/Provider/@Name, EventID, Version, TimeCreated/@SystemTime
 * (libevtx prints 9 fractional digits; 100 ns kept), EventRecordID,
 * Channel, Computer, Security/@UserID, every EventData/Data (@Name, ""
 * when unnamed, and its text, in order) and, for UserData, the leaf
 * elements below its first child element (element name, text).
 *
 * Canonical text (so that both readers agree, see event.h): the XML from
 * libevtx is made valid UTF-8 before parsing (each invalid byte sequence
 * becomes U+FFFD), and it stops at the first NUL, so values never carry
 * NULs; values are the text libxml2 decodes, entities resolved, nothing
 * trimmed.
 *
 * What libevtx does not expose, and what is done instead:
 *  - record offsets: libevtx_record_get_offset() exists but is 0 for
 *    every chunk record in 20181227, so locate() walks the chunks on our
 *    own descriptor beside libevtx (chunk: 0 "ElfChnk\0", 24/32 first/last
 *    record id, 48 free space offset; record: 0 "**\0\0", 4 size, 8 id)
 *    and finds each allocated record's offset by its id; chunk = (offset
 *    - 4096) / 65536.  Recovered records keep offset 0 and chunk 0, and so
 *    does an allocated record the walk cannot find;
 *  - chunks: no chunk count; stats->chunks counts the distinct chunk slots
 *    that held at least one allocated record read, and header_chunks is
 *    the file header's u16 at offset 42;
 *  - bad chunks: libevtx skips them silently, so bad_chunks stays 0.
 * An allocated record is bad (stats->bad_records, sink->warn, skipped)
 * when libevtx cannot give it, its id or event id, or, for a wanted
 * record, its XML, or when libxml2 cannot parse that XML.  A bad record
 * whose id is known still goes to evtx_stats_note_id() so it does not
 * look like a gap.  A recovered record that fails is skipped silently:
 * libevtx offers every record-like fragment of slack space, many of them
 * partly overwritten, so stats->recovered counts the decodable ones only.
 *
 * Evidence is opened with evtx_open_evidence() (O_NOATIME).  When built
 * with HAVE_LIBBFIO (libbfio linked), libevtx reads through a libbfio
 * handle over that descriptor; otherwise libevtx opens the path itself
 * (read-only, without O_NOATIME) after our descriptor has checked it.
 *
 * Thread safety: all state is per struct; libxml2 is initialised once
 * (pthread_once) and each read() has its own parser context, so files
 * may be read in different threads at once.
 */

#include <config.h>

#include <ctype.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef HAVE_LIBBFIO
#include <libbfio.h>
#endif
#include <libevtx.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "../ev_arena.h"
#include "../ev_buf.h"
#include "../ev_time.h"
#include "../ev_util.h"
#include "format.h"
#include "reader.h"

#define MAX_PAIRS	4096	/* Data elements kept per record */
#define MAX_DEPTH	32	/* UserData nesting walked */
#define LOCATE_WINDOW	64	/* chunk slots searched past the cursor */

struct lx_file {
	libevtx_file_t		*file;
#ifdef HAVE_LIBBFIO
	libbfio_handle_t	*bfio;
#endif
	int			 fd;		/* ours; bfio reads it too */
	uint64_t		 size;
	bool			 recovered;	/* deliver recovered ones */
};

/* Scratch of one read() call. */
struct lx_read {
	struct lx_file		*lf;
	const struct evtx_sink	*sink;
	struct evtx_stats	*st;
	xmlParserCtxtPtr	 ctxt;
	struct ev_buf		 raw;		/* libevtx's UTF-8 */
	struct ev_buf		 xml;		/* the same, made valid */
	struct ev_buf		 tmp;		/* UTF-16 fallback */
	struct ev_arena		 arena;		/* per-record strings */
	struct ev_pair		*pairs;
	uint32_t		 npairs;
	size_t			 cap;
	uint8_t			*seen;		/* chunk slots with records */
	uint64_t		 nslots;
	/* record locator (see locate()) */
	uint8_t			*chunk;		/* EVTX_CHUNK_SIZE bytes */
	uint64_t		 slot;		/* slot in chunk, or UINT64_MAX */
	uint32_t		 pos;		/* next record to look at */
	uint32_t		 free_off;	/* chunk's free space offset */
};

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void
xml_init(void)
{
	xmlInitParser();
}

/*
 * libevtx's error as one line: the innermost message (the cause), without
 * the "function: " prefix and the full stop.  Frees the error.
 */
static void
lx_errtext(libevtx_error_t **lerr, char *buf, size_t size)
{
	char	 trace[2048];
	char	*line, *p;
	size_t	 n;

	snprintf(buf, size, "libevtx failed");
	if (lerr == NULL || *lerr == NULL)
		return;
	if (libevtx_error_backtrace_sprint(*lerr, trace, sizeof(trace)) > 0) {
		trace[sizeof(trace) - 1] = '\0';
		line = trace;
		line[strcspn(line, "\n")] = '\0';
		if ((p = strstr(line, ": ")) != NULL &&
		    strchr(line, ' ') == p + 1)
			line = p + 2;
		n = strlen(line);
		while (n > 0 && (line[n - 1] == '.' || line[n - 1] == ' ' ||
		    line[n - 1] == '\r'))
			line[--n] = '\0';
		snprintf(buf, size, "%s", line);
	}
	libevtx_error_free(lerr);
}

/*
 * Control characters survive libxml2 through an escape: XML 1.0 forbids
 * C0 controls other than tab, LF and CR (even as &#..; references), and
 * a parser turns CR and CRLF into LF.  So in the XML given to libxml2
 * every C0 byte but tab and LF is written as CTL_MARK followed by the
 * byte + 0x40, and CTL_MARK itself (U+10FFFF, a noncharacter) as two
 * CTL_MARKs; ctl_decode() undoes it in every value taken out.
 */
#define CTL_MARK	"\xf4\x8f\xbf\xbf"	/* U+10FFFF */
#define CTL_MARK_LEN	4

/*
 * Appends s[0..len) to out as valid UTF-8, stopping at a NUL: every byte
 * that does not start a well-formed sequence (overlong forms, surrogates
 * and code points above U+10FFFF included) becomes U+FFFD.  With ctl,
 * also escapes control characters (see CTL_MARK).
 */
static void
utf8_clean(struct ev_buf *out, const uint8_t *s, size_t len, bool ctl)
{
	size_t i = 0, start;

	while (i < len && s[i] != 0) {
		start = i;
		while (i < len && s[i] < 0x80 &&
		    (s[i] >= 0x20 || (s[i] != 0 && (!ctl || s[i] == '\t' ||
		    s[i] == '\n'))))
			i++;
		if (i > start)
			ev_buf_add(out, s + start, i - start);
		if (i >= len || s[i] == 0)
			break;

		uint8_t c = s[i];
		size_t need;
		uint32_t cp, min;

		if (c < 0x20) {
			ev_buf_add(out, CTL_MARK, CTL_MARK_LEN);
			ev_buf_addc(out, (char)(c + 0x40));
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1; cp = c & 0x1f; min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2; cp = c & 0x0f; min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3; cp = c & 0x07; min = 0x10000;
		} else {
			ev_buf_add(out, "\xef\xbf\xbd", 3);
			i++;
			continue;
		}
		size_t k;
		for (k = 1; k <= need; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				break;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (k <= need || cp < min || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff)) {
			ev_buf_add(out, "\xef\xbf\xbd", 3);
			i++;
			continue;
		}
		if (ctl && cp == 0x10ffff)
			ev_buf_add(out, CTL_MARK, CTL_MARK_LEN);
		ev_buf_add(out, s + i, need + 1);
		i += need + 1;
	}
}

/*
 * Appends UTF-16LE units u[0..n) to out as UTF-8, stopping at a NUL;
 * a lone surrogate becomes U+FFFD.
 */
static void
utf16_to_utf8(struct ev_buf *out, const uint8_t *u, size_t n)
{
	uint32_t	cp;

	for (size_t i = 0; i < n; i++) {
		cp = le16(u + 2 * i);
		if (cp == 0)
			break;
		if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n &&
		    le16(u + 2 * i + 2) >= 0xdc00 &&
		    le16(u + 2 * i + 2) <= 0xdfff) {
			cp = 0x10000 + ((cp - 0xd800) << 10) +
			    (le16(u + 2 * i + 2) - 0xdc00);
			i++;
		} else if (cp >= 0xd800 && cp <= 0xdfff)
			cp = 0xfffd;
		ev_buf_add_utf8(out, cp);
	}
}

/* Undoes the CTL_MARK escape of s (len bytes) into the arena; NULL: OOM. */
static const char *
ctl_decode(struct lx_read *r, const char *s, size_t len)
{
	char		*d, *p;
	const char	*m;

	if ((m = memmem(s, len, CTL_MARK, CTL_MARK_LEN)) == NULL)
		return s;
	if ((d = p = ev_arena_alloc(&r->arena, len + 1)) == NULL)
		return NULL;
	while (m != NULL) {
		memcpy(p, s, (size_t)(m - s));
		p += m - s;
		len -= (size_t)(m - s) + CTL_MARK_LEN;
		s = m + CTL_MARK_LEN;
		if (len >= CTL_MARK_LEN && memcmp(s, CTL_MARK,
		    CTL_MARK_LEN) == 0) {
			memcpy(p, CTL_MARK, CTL_MARK_LEN);
			p += CTL_MARK_LEN;
			s += CTL_MARK_LEN;
			len -= CTL_MARK_LEN;
		} else if (len >= 1 && (uint8_t)*s >= 0x40 &&
		    (uint8_t)*s < 0x60) {
			*p++ = (char)(*s - 0x40);
			s++;
			len--;
		}
		m = memmem(s, len, CTL_MARK, CTL_MARK_LEN);
	}
	memcpy(p, s, len);
	p[len] = '\0';
	return d;
}

/* Text of an element or attribute: its text children concatenated. */
static const char *
node_text(struct lx_read *r, xmlNodePtr first)
{
	xmlNodePtr	 n, one = NULL;
	size_t		 len = 0, nt = 0;
	char		*s, *p;

	for (n = first; n != NULL; n = n->next)
		if ((n->type == XML_TEXT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE) && n->content != NULL) {
			len += strlen((const char *)n->content);
			nt++;
			one = n;
		}
	if (nt == 0)
		return "";
	if (nt == 1)	/* borrowed from the document when not escaped */
		return ctl_decode(r, (const char *)one->content, len);
	if ((s = p = ev_arena_alloc(&r->arena, len + 1)) == NULL)
		return NULL;
	for (n = first; n != NULL; n = n->next)
		if ((n->type == XML_TEXT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE) && n->content != NULL) {
			size_t l = strlen((const char *)n->content);

			memcpy(p, n->content, l);
			p += l;
		}
	*p = '\0';
	return ctl_decode(r, s, len);
}

static const char *
attr_text(struct lx_read *r, xmlNodePtr el, const char *name)
{
	xmlAttrPtr a;

	for (a = el->properties; a != NULL; a = a->next)
		if (a->name != NULL && strcmp((const char *)a->name, name) == 0)
			return node_text(r, a->children);
	return NULL;
}

static bool
is_el(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->name != NULL &&
	    strcmp((const char *)n->name, name) == 0;
}

static bool
has_child_el(xmlNodePtr n)
{
	for (n = n->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return true;
	return false;
}

/*
 * libevtx pads HexInt32/HexInt64 values to their width
 * ("0x00000000000003e7"); Windows, and so Sigma rules, write them without
 * padding ("0x3e7").  The canonical form (evtxhunt-db(5)) is Windows':
 * a value of exactly "0x" and 8 or 16 lower-case hex digits loses its
 * leading zeros.  Upper-case digits are a string, not a HexInt: Sysmon
 * writes its own StartAddress "0x00007FF8C72C5EC0", kept as logged.
 * NULL when out of memory.
 */
static const char *
canon_hex(struct lx_read *r, const char *v)
{
	size_t n = strlen(v), z;
	char *s;

	if ((n != 10 && n != 18) || v[0] != '0' || v[1] != 'x' || v[2] != '0')
		return v;
	for (size_t i = 2; i < n; i++)
		if (!isdigit((unsigned char)v[i]) && (v[i] < 'a' || v[i] > 'f'))
			return v;
	for (z = 2; z < n - 1 && v[z] == '0'; z++)
		;
	if ((s = ev_arena_alloc(&r->arena, n - z + 3)) == NULL)
		return NULL;
	s[0] = '0';
	s[1] = 'x';
	memcpy(s + 2, v + z, n - z + 1);
	return s;
}

/* 0, EV_ENOMEM; pairs past MAX_PAIRS are dropped. */
static int
add_pair(struct lx_read *r, const char *name, const char *value)
{
	if (name == NULL || value == NULL ||
	    (value = canon_hex(r, value)) == NULL)
		return EV_ENOMEM;
	if (r->npairs >= MAX_PAIRS)
		return 0;
	if (EV_GROW(r->pairs, r->npairs, r->cap, 64) != 0)
		return EV_ENOMEM;
	r->pairs[r->npairs].name = name;
	r->pairs[r->npairs].value = value;
	r->npairs++;
	return 0;
}

/* The leaf elements below el, in document order (UserData). */
static int
add_leaves(struct lx_read *r, xmlNodePtr el, int depth)
{
	xmlNodePtr	n;
	int		rc;

	if (depth > MAX_DEPTH)
		return 0;
	for (n = el->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (has_child_el(n))
			rc = add_leaves(r, n, depth + 1);
		else
			rc = add_pair(r, (const char *)n->name,
			    node_text(r, n->children));
		if (rc != 0)
			return rc;
	}
	return 0;
}

static uint64_t
num_or(const char *s, uint64_t max, uint64_t dflt)
{
	uint64_t v;

	if (s == NULL || ev_parse_uint(s, 0, max, &v) != 0)
		return dflt;
	return v;
}

/*
 * Fills rec from the parsed document.  rec already holds the facts from
 * libevtx (ids, time, offset, kind); the XML's values win where present.
 * Returns 0, EV_ENOMEM, or EV_ECORRUPT (no Event/System).
 */
static int
from_doc(struct lx_read *r, xmlDocPtr doc, struct ev_record *rec)
{
	xmlNodePtr	 root, sec, n, sys = NULL;
	const char	*s;
	uint64_t	 t;
	int		 rc;

	root = xmlDocGetRootElement(doc);
	if (root == NULL || !is_el(root, "Event"))
		return EV_ECORRUPT;
	r->npairs = 0;
	for (sec = root->children; sec != NULL; sec = sec->next) {
		if (is_el(sec, "System"))
			sys = sec;
		else if (is_el(sec, "EventData")) {
			for (n = sec->children; n != NULL; n = n->next) {
				if (!is_el(n, "Data"))
					continue;
				s = attr_text(r, n, "Name");
				rc = add_pair(r, s != NULL ? s : "",
				    node_text(r, n->children));
				if (rc != 0)
					return rc;
			}
		} else if (is_el(sec, "UserData")) {
			for (n = sec->children; n != NULL; n = n->next)
				if (n->type == XML_ELEMENT_NODE)
					break;
			if (n != NULL && (rc = add_leaves(r, n, 0)) != 0)
				return rc;
		}
	}
	if (sys == NULL)
		return EV_ECORRUPT;
	for (n = sys->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is_el(n, "Provider")) {
			if ((s = attr_text(r, n, "Name")) != NULL)
				rec->provider = s;
		} else if (is_el(n, "EventID")) {
			rec->event_id = (uint32_t)num_or(node_text(r,
			    n->children), 0xffff, rec->event_id);
		} else if (is_el(n, "Version")) {
			rec->version = (uint8_t)num_or(node_text(r,
			    n->children), 0xff, 0);
		} else if (is_el(n, "TimeCreated")) {
			s = attr_text(r, n, "SystemTime");
			if (s != NULL && ev_time_parse(s, &t) == 0)
				rec->time = t;
		} else if (is_el(n, "EventRecordID")) {
			rec->record_id = num_or(node_text(r, n->children),
			    UINT64_MAX, rec->record_id);
		} else if (is_el(n, "Channel")) {
			rec->channel = node_text(r, n->children);
		} else if (is_el(n, "Computer")) {
			rec->computer = node_text(r, n->children);
		} else if (is_el(n, "Security")) {
			rec->user_sid = attr_text(r, n, "UserID");
		}
	}
	if (rec->provider == NULL || rec->channel == NULL ||
	    rec->computer == NULL)
		return EV_ENOMEM;
	rec->data = r->pairs;
	rec->ndata = r->npairs;
	return 0;
}

/* Counts and warns about a bad allocated record; msg is the cause. */
static void
warn_bad(struct lx_read *r, int idx, bool have_id, uint64_t id,
    const char *msg)
{
	char line[512];

	r->st->bad_records++;
	if (r->sink->warn == NULL)
		return;
	if (have_id)
		snprintf(line, sizeof(line), "record %llu: %s",
		    (unsigned long long)id, msg);
	else
		snprintf(line, sizeof(line), "record #%d: %s", idx, msg);
	r->sink->warn(r->sink->ctx, line);
}

/*
 * Fetches libevtx's UTF-8 source name into r->xml (cleaned).  Returns 0,
 * EV_ECORRUPT with *le set, or EV_ENOMEM.
 */
static int
source_name(struct lx_read *r, libevtx_record_t *lrec, libevtx_error_t **le)
{
	size_t	size = 0;
	int	got;

	ev_buf_reset(&r->xml);
	got = libevtx_record_get_utf8_source_name_size(lrec, &size, le);
	if (got < 0)
		return EV_ECORRUPT;
	if (got == 0 || size == 0)
		return 0;
	ev_buf_reset(&r->raw);
	if (!ev_buf_grow(&r->raw, size))
		return EV_ENOMEM;
	if (libevtx_record_get_utf8_source_name(lrec, (uint8_t *)r->raw.buf,
	    size, le) != 1)
		return EV_ECORRUPT;
	utf8_clean(&r->xml, (const uint8_t *)r->raw.buf, size, false);
	return ev_buf_failed(&r->xml) ? EV_ENOMEM : 0;
}

/* Loads chunk slot s into r->chunk; false when it is no chunk. */
static bool
load_slot(struct lx_read *r, uint64_t s)
{
	ssize_t got;

	r->slot = UINT64_MAX;
	do
		got = pread(r->lf->fd, r->chunk, EVTX_CHUNK_SIZE,
		    (off_t)EVTX_SLOT_OFF(s));
	while (got == -1 && errno == EINTR);
	if (got < EVTX_CHUNK_HDR_SIZE ||
	    memcmp(r->chunk, EVTX_CHUNK_SIG, 8) != 0)
		return false;
	if (got < EVTX_CHUNK_SIZE)
		memset(r->chunk + got, 0, EVTX_CHUNK_SIZE - (size_t)got);
	r->slot = s;
	r->pos = EVTX_CHUNK_HDR_SIZE;
	r->free_off = le32(r->chunk + EVTX_CH_FREE);
	if (r->free_off > EVTX_CHUNK_SIZE || r->free_off < EVTX_CHUNK_HDR_SIZE)
		r->free_off = EVTX_CHUNK_SIZE;
	return true;
}

/* Walks the loaded chunk from r->pos for record id; 1 found, 0 not. */
static int
walk_slot(struct lx_read *r, uint64_t id, uint64_t *off)
{
	const uint8_t	*c = r->chunk;
	uint32_t	 pos, size;

	for (pos = r->pos; pos <= r->free_off - EVTX_REC_HDR; pos += size) {
		if (le32(c + pos) != EVTX_REC_SIG)
			return 0;
		size = le32(c + pos + EVTX_REC_SIZE);
		if (size < EVTX_REC_MIN || size > r->free_off - pos)
			return 0;
		if (le64(c + pos + EVTX_REC_ID) == id) {
			*off = EVTX_SLOT_OFF(r->slot) + pos;
			r->pos = pos + size;
			return 1;
		}
	}
	return 0;
}

/*
 * The byte offset of allocated record id, which libevtx does not give
 * (libevtx_record_get_offset() is 0 for chunk records in 20181227):
 * libevtx hands out allocated records in chunk and record order, so a
 * cursor walks the chunks alongside, reading each one once.  A record is
 * looked for in the current chunk, then in the next LOCATE_WINDOW slots
 * whose id range holds it; when it is not found the cursor stays and the
 * offset is 0 (unknown).
 */
static uint64_t
locate(struct lx_read *r, uint64_t id)
{
	uint64_t off = 0, s, first, old_slot = r->slot;
	uint32_t old_pos = r->pos;

	if (r->chunk == NULL || r->nslots == 0)
		return 0;
	if (r->slot != UINT64_MAX && walk_slot(r, id, &off))
		return off;
	first = r->slot == UINT64_MAX ? 0 : r->slot + 1;
	if (r->slot != UINT64_MAX && r->pos != EVTX_CHUNK_HDR_SIZE) {
		/* out of order inside the chunk: look from its start */
		r->pos = EVTX_CHUNK_HDR_SIZE;
		if (walk_slot(r, id, &off))
			return off;
	}
	for (s = first; s < r->nslots && s < first + LOCATE_WINDOW; s++) {
		if (!load_slot(r, s))
			continue;
		if (id < le64(r->chunk + EVTX_CH_FIRST_ID) ||
		    id > le64(r->chunk + EVTX_CH_LAST_ID))
			continue;
		if (walk_slot(r, id, &off))
			return off;
	}
	/* not found: the cursor stays where it was */
	if (old_slot != UINT64_MAX && load_slot(r, old_slot))
		r->pos = old_pos;
	return 0;
}

/*
 * Renders the record's XML into r->xml (cleaned, controls escaped).
 * Returns 0, EV_ECORRUPT with *le set, or EV_ENOMEM.  libevtx 20181227
 * refuses a lone surrogate in UTF-8; UTF-16 is the fallback (where it
 * passes, the surrogate becomes U+FFFD).
 */
static int
render_xml(struct lx_read *r, libevtx_record_t *lrec, libevtx_error_t **le)
{
	libevtx_error_t	*le16 = NULL;
	size_t		 size = 0;

	ev_buf_reset(&r->raw);
	ev_buf_reset(&r->xml);
	if (libevtx_record_get_utf8_xml_string_size(lrec, &size, le) == 1 &&
	    size > 0) {
		if (!ev_buf_grow(&r->raw, size))
			return EV_ENOMEM;
		if (libevtx_record_get_utf8_xml_string(lrec,
		    (uint8_t *)r->raw.buf, size, le) == 1) {
			utf8_clean(&r->xml, (const uint8_t *)r->raw.buf, size,
			    true);
			return ev_buf_failed(&r->xml) ? EV_ENOMEM : 0;
		}
	}
	if (libevtx_record_get_utf16_xml_string_size(lrec, &size, &le16) != 1 ||
	    size == 0)
		goto fail;
	if (size > SIZE_MAX / 4 || !ev_buf_grow(&r->raw, size * 2))
		goto oom;
	if (libevtx_record_get_utf16_xml_string(lrec, (uint16_t *)r->raw.buf,
	    size, &le16) != 1)
		goto fail;
	ev_buf_reset(&r->tmp);
	utf16_to_utf8(&r->tmp, (const uint8_t *)r->raw.buf, size);
	if (ev_buf_failed(&r->tmp))
		goto oom;
	utf8_clean(&r->xml, (const uint8_t *)r->tmp.buf, r->tmp.len, true);
	if (*le != NULL)
		libevtx_error_free(le);
	return ev_buf_failed(&r->xml) ? EV_ENOMEM : 0;
oom:
	if (le16 != NULL)
		libevtx_error_free(&le16);
	return EV_ENOMEM;
fail:
	if (*le == NULL)
		*le = le16;
	else if (le16 != NULL)
		libevtx_error_free(&le16);
	return EV_ECORRUPT;
}

#define BAD_LE	1	/* a bad record: the reason in *le */
#define BAD_MSG	2	/* a bad record: the reason in msg */

/*
 * Renders wanted record lrec as XML, parses it, fills rec from it by name
 * and delivers it.  Returns 0, a negative sink return, EV_ENOMEM, BAD_LE
 * or BAD_MSG.
 */
static int
deliver_xml(struct lx_read *r, libevtx_record_t *lrec, struct ev_record *rec,
    libevtx_error_t **le, char *msg, size_t msgsz)
{
	xmlDocPtr doc;
	int rc;

	if ((rc = render_xml(r, lrec, le)) == EV_ENOMEM)
		return EV_ENOMEM;
	if (rc != 0)
		return BAD_LE;
	if (r->xml.len == 0 || r->xml.len > INT_MAX) {
		snprintf(msg, msgsz, "no XML");
		return BAD_MSG;
	}
	doc = xmlCtxtReadMemory(r->ctxt, r->xml.buf, (int)r->xml.len, NULL,
	    "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING | XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
	if (doc == NULL) {
		const xmlError *xe = xmlCtxtGetLastError(r->ctxt);

		snprintf(msg, msgsz, "unparsable XML: %s",
		    xe != NULL && xe->message != NULL ? xe->message :
		    "libxml2 failed");
		msg[strcspn(msg, "\n")] = '\0';
		return BAD_MSG;
	}
	ev_arena_reset(&r->arena);
	rc = from_doc(r, doc, rec);
	if (rc == EV_ECORRUPT) {
		xmlFreeDoc(doc);
		snprintf(msg, msgsz, "XML without Event/System");
		return BAD_MSG;
	}
	/* the channel decides records the wanted set names by channel */
	if (rc == 0 && rec->kind == EV_KIND_GENERIC)
		rec->kind = ev_classify_full(rec->provider ? rec->provider :
		    "", rec->provider ? strlen(rec->provider) : 0,
		    rec->channel ? rec->channel : "",
		    rec->channel ? strlen(rec->channel) : 0, rec->event_id);
	if (rc == 0 && rec->kind != EV_KIND_NONE) {
		r->st->events++;
		rc = r->sink->record(rec, r->sink->ctx);
		if (rc > 0)
			rc = 0;
	}
	xmlFreeDoc(doc);
	return rc;
}

/*
 * Reads record idx (allocated or recovered) and delivers it when wanted.
 * Returns 0 (also for a bad record, which is counted and warned about),
 * a negative sink return, or EV_ENOMEM.
 */
static int
one_record(struct lx_read *r, int idx, bool recovered, bool deliver)
{
	libevtx_record_t	*lrec = NULL;
	libevtx_error_t		*le = NULL;
	struct ev_record	 rec;
	char			 msg[256];
	uint64_t		 id = 0, wtime = 0;
	off64_t			 off = 0;
	uint32_t		 eid = 0;
	bool			 have_id = false;
	enum ev_kind		 kind;
	int			 rc = 0, got;

	got = recovered ?
	    libevtx_file_get_recovered_record_by_index(r->lf->file, idx,
	    &lrec, &le) :
	    libevtx_file_get_record_by_index(r->lf->file, idx, &lrec, &le);
	if (got != 1 || lrec == NULL)
		goto bad;
	if (libevtx_record_get_identifier(lrec, &id, &le) != 1)
		goto bad;
	have_id = true;
	if (libevtx_record_get_written_time(lrec, &wtime, &le) != 1)
		goto bad;
	if (libevtx_record_get_offset(lrec, &off, &le) != 1)
		goto bad;
	if (libevtx_record_get_event_identifier(lrec, &eid, &le) != 1)
		goto bad;
	eid &= 0xffff;

	memset(&rec, 0, sizeof(rec));
	rec.record_id = id;
	rec.time = wtime;
	rec.offset = off > 0 ? (uint64_t)off : recovered ? 0 : locate(r, id);
	rec.chunk = rec.offset >= EVTX_FILE_HDR_SIZE ?
	    (uint32_t)((rec.offset - EVTX_FILE_HDR_SIZE) / EVTX_CHUNK_SIZE) : 0;
	rec.event_id = eid;
	rec.recovered = recovered;
	if (rec.offset >= EVTX_FILE_HDR_SIZE && rec.chunk < r->nslots &&
	    r->seen != NULL)
		r->seen[rec.chunk] = 1;

	kind = EV_KIND_NONE;
	if (ev_wanted_id(eid)) {
		if ((got = source_name(r, lrec, &le)) == EV_ENOMEM) {
			rc = EV_ENOMEM;
			goto out;
		}
		if (got < 0)
			goto bad;
		kind = ev_classify(r->xml.buf, r->xml.len, eid);
	}
	if (kind == EV_KIND_NONE || !deliver)
		goto good;

	/* A wanted record: render, parse, extract by name. */
	rec.kind = kind;
	rc = deliver_xml(r, lrec, &rec, &le, msg, sizeof(msg));
	if (rc == BAD_LE)
		goto bad;
	if (rc == BAD_MSG) {
		rc = 0;
		goto badmsg;
	}
	if (rc != 0)
		goto out;
	/* FALLTHROUGH */
good:
	if (recovered)
		r->st->recovered++;
	else {
		r->st->records++;
		if (evtx_stats_note_id(r->st, id, wtime) != 0)
			rc = EV_ENOMEM;
	}
	evtx_stats_note_time(r->st, wtime);
	goto out;
bad:
	lx_errtext(&le, msg, sizeof(msg));
badmsg:
	if (recovered)
		goto out;	/* slack fragments: not damage */
	if (have_id && evtx_stats_note_id(r->st, id, wtime) != 0)
		rc = EV_ENOMEM;
	warn_bad(r, idx, have_id, id, msg);
out:
	if (le != NULL)
		libevtx_error_free(&le);
	if (lrec != NULL)
		libevtx_record_free(&lrec, NULL);
	return rc;
}

static int
lx_read(void *state, uint32_t first, uint32_t n,
    const struct evtx_sink *sink, struct evtx_stats *st, struct ev_err *err)
{
	struct lx_file	*lf = state;
	struct lx_read	 r;
	libevtx_error_t	*le = NULL;
	char		 msg[256];
	int		 nrec = 0, nrecov = 0, rc = 0;

	if (first > 0 || n == 0)
		return 0;	/* the single unit is 0 */
	memset(&r, 0, sizeof(r));
	r.lf = lf;
	r.sink = sink;
	r.st = st;
	ev_buf_init(&r.raw);
	ev_buf_init(&r.xml);
	ev_buf_init(&r.tmp);
	ev_arena_init(&r.arena);
	if (lf->size > EVTX_FILE_HDR_SIZE) {
		r.nslots = (lf->size - EVTX_FILE_HDR_SIZE + EVTX_CHUNK_SIZE -
		    1) / EVTX_CHUNK_SIZE;
		if ((r.seen = calloc(r.nslots, 1)) == NULL) {
			rc = EV_ERR(err, EV_ENOMEM, 0, "out of memory");
			goto done;
		}
	}
	r.slot = UINT64_MAX;
	if ((r.chunk = malloc(EVTX_CHUNK_SIZE)) == NULL ||
	    (r.ctxt = xmlNewParserCtxt()) == NULL) {
		rc = EV_ERR(err, EV_ENOMEM, 0, "out of memory");
		goto done;
	}
	if (libevtx_file_get_number_of_records(lf->file, &nrec, &le) != 1) {
		lx_errtext(&le, msg, sizeof(msg));
		if (sink->warn != NULL)
			sink->warn(sink->ctx, msg);
		nrec = 0;
	}
	for (int i = 0; i < nrec && rc == 0; i++)
		rc = one_record(&r, i, false, true);
	if (rc == 0 && libevtx_file_get_number_of_recovered_records(lf->file,
	    &nrecov, &le) != 1) {
		lx_errtext(&le, msg, sizeof(msg));
		if (sink->warn != NULL)
			sink->warn(sink->ctx, msg);
		nrecov = 0;
	}
	for (int i = 0; i < nrecov && rc == 0; i++)
		rc = one_record(&r, i, true, lf->recovered);
	if (rc == EV_ENOMEM)
		EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	for (uint64_t i = 0; i < r.nslots; i++)
		st->chunks += r.seen[i];
done:
	if (r.ctxt != NULL)
		xmlFreeParserCtxt(r.ctxt);
	free(r.seen);
	free(r.chunk);
	free(r.pairs);
	ev_buf_release(&r.raw);
	ev_buf_release(&r.xml);
	ev_buf_release(&r.tmp);
	ev_arena_release(&r.arena);
	return rc;
}

#ifdef HAVE_LIBBFIO
/*
 * A libbfio handle over our descriptor, so that libevtx reads through the
 * O_NOATIME descriptor.  The descriptor stays ours (lx_close closes it).
 */
struct fdio {
	int		fd;
	off64_t		pos;
	size64_t	size;
};

static int
fdio_free(intptr_t **h, libbfio_error_t **e)
{
	struct fdio *io;

	(void)e;
	if (h == NULL || *h == NULL)
		return 1;
	io = (struct fdio *)*h;
	free(io);
	*h = NULL;
	return 1;
}

static int
fdio_clone(intptr_t **dst, intptr_t *src, libbfio_error_t **e)
{
	(void)dst; (void)src; (void)e;
	return -1;	/* never needed: one handle per file */
}

static int
fdio_open(intptr_t *h, int flags, libbfio_error_t **e)
{
	(void)h; (void)e;
	return (flags & LIBBFIO_ACCESS_FLAG_WRITE) ? -1 : 1;
}

static int
fdio_close(intptr_t *h, libbfio_error_t **e)
{
	(void)h; (void)e;
	return 0;
}

static ssize_t
fdio_read(intptr_t *h, uint8_t *buf, size_t size, libbfio_error_t **e)
{
	struct fdio	*io = (struct fdio *)h;
	ssize_t		 got;

	(void)e;
	do
		got = pread(io->fd, buf, size, io->pos);
	while (got == -1 && errno == EINTR);
	if (got > 0)
		io->pos += got;
	return got;
}

static ssize_t
fdio_write(intptr_t *h, const uint8_t *buf, size_t size, libbfio_error_t **e)
{
	(void)h; (void)buf; (void)size; (void)e;
	return -1;	/* evidence is never written */
}

static off64_t
fdio_seek(intptr_t *h, off64_t off, int whence, libbfio_error_t **e)
{
	struct fdio *io = (struct fdio *)h;

	(void)e;
	if (whence == SEEK_CUR)
		off += io->pos;
	else if (whence == SEEK_END)
		off += (off64_t)io->size;
	else if (whence != SEEK_SET)
		return -1;
	if (off < 0)
		return -1;
	io->pos = off;
	return off;
}

static int
fdio_exists(intptr_t *h, libbfio_error_t **e)
{
	(void)h; (void)e;
	return 1;
}

static int
fdio_is_open(intptr_t *h, libbfio_error_t **e)
{
	(void)h; (void)e;
	return 1;
}

static int
fdio_get_size(intptr_t *h, size64_t *size, libbfio_error_t **e)
{
	(void)e;
	*size = ((struct fdio *)h)->size;
	return 1;
}
#endif

static void
lx_close(void *state)
{
	struct lx_file *lf = state;

	if (lf == NULL)
		return;
	if (lf->file != NULL) {
		libevtx_file_close(lf->file, NULL);
		libevtx_file_free(&lf->file, NULL);
	}
#ifdef HAVE_LIBBFIO
	if (lf->bfio != NULL)
		libbfio_handle_free(&lf->bfio, NULL);
#endif
	if (lf->fd != -1)
		close(lf->fd);
	free(lf);
}

static int
lx_open(const char *path, const struct evtx_open_opts *opts, void **state,
    struct evtx_stats *st, struct ev_err *err)
{
	struct lx_file	*lf;
	libevtx_error_t	*le = NULL;
	struct stat	 sb;
	uint8_t		 hdr[EVTX_FILE_HDR_SIZE];
	char		 msg[256];
	uint32_t	 flags = 0;
	ssize_t		 got;
	int		 rc;

	pthread_once(&xml_once, xml_init);
	if ((lf = calloc(1, sizeof(*lf))) == NULL)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	lf->recovered = opts->recovered;
	if ((lf->fd = evtx_open_evidence(path)) == -1) {
		free(lf);
		return EV_ERR_SYS(err, "cannot open '%s'", path);
	}
	if (fstat(lf->fd, &sb) == -1) {
		rc = EV_ERR_SYS(err, "cannot stat '%s'", path);
		goto fail;
	}
	if (!S_ISREG(sb.st_mode)) {
		rc = EV_ERR(err, EV_ENOTEVTX, 0, "'%s' is not a regular file",
		    path);
		goto fail;
	}
	lf->size = (uint64_t)sb.st_size;
	memset(hdr, 0, sizeof(hdr));
	do
		got = pread(lf->fd, hdr, sizeof(hdr), 0);
	while (got == -1 && errno == EINTR);
	if (got == -1) {
		rc = EV_ERR_SYS(err, "cannot read '%s'", path);
		goto fail;
	}
	if (got < 8 || memcmp(hdr, EVTX_FILE_SIG, 8) != 0) {
		rc = EV_ERR(err, EV_ENOTEVTX, 0, "'%s' is not an EVTX file "
		    "(no ElfFile signature)", path);
		goto fail;
	}
	if (got >= EVTX_FH_CHUNKS + 2)
		st->header_chunks = le16(hdr + EVTX_FH_CHUNKS);

	if (libevtx_file_initialize(&lf->file, &le) != 1) {
		libevtx_error_free(&le);
		rc = EV_ERR(err, EV_ENOMEM, 0, "out of memory");
		goto fail;
	}
#ifdef HAVE_LIBBFIO
	{
		struct fdio		*io;
		libbfio_error_t		*be = NULL;

		if ((io = calloc(1, sizeof(*io))) == NULL) {
			rc = EV_ERR(err, EV_ENOMEM, 0, "out of memory");
			goto fail;
		}
		io->fd = lf->fd;
		io->size = (size64_t)sb.st_size;
		if (libbfio_handle_initialize(&lf->bfio, (intptr_t *)io,
		    fdio_free, fdio_clone, fdio_open, fdio_close, fdio_read,
		    fdio_write, fdio_seek, fdio_exists, fdio_is_open,
		    fdio_get_size, LIBBFIO_FLAG_IO_HANDLE_MANAGED, &be) != 1) {
			libbfio_error_free(&be);
			free(io);
			rc = EV_ERR(err, EV_ENOMEM, 0, "out of memory");
			goto fail;
		}
	}
	if (libevtx_file_open_file_io_handle(lf->file, lf->bfio,
	    LIBEVTX_OPEN_READ, &le) != 1) {
#else
	if (libevtx_file_open(lf->file, path, LIBEVTX_OPEN_READ, &le) != 1) {
#endif
		/* our descriptor reads it: the file is what libevtx refuses */
		lx_errtext(&le, msg, sizeof(msg));
		libevtx_file_free(&lf->file, NULL);
		rc = EV_ERR(err, EV_ECORRUPT, 0, "'%s': %s", path, msg);
		goto fail;
	}
	if (libevtx_file_get_flags(lf->file, &flags, &le) == 1) {
		st->dirty = (flags & LIBEVTX_FILE_FLAG_IS_DIRTY) != 0;
		st->full = (flags & LIBEVTX_FILE_FLAG_IS_FULL) != 0;
	} else
		libevtx_error_free(&le);
	*state = lf;
	return 0;
fail:
	lx_close(lf);
	return rc;
}

static uint32_t
lx_units(const void *state)
{
	(void)state;
	return 1;
}

const struct evtx_impl evtx_libevtx_impl = {
	lx_open, lx_close, lx_units, lx_read
};
