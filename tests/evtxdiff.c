/*
 * evtxdiff.c -- differential test of the two readers: every allocated
 * wanted record of each file is read with the native decoder and with
 * libevtx (through the reader interface), normalised with ev_normalise(),
 * and the two normalised events are compared field by field.
 *
 * usage: evtxdiff [-v] [-w channel]... file ...
 *
 * -w adds every record of that channel to the wanted set (ev_want_add),
 * so that records no built-in kind takes (classic PowerShell 400/800,
 * whose EventData is a string array) are compared as well.
 *
 * Canonical form (what "equal" means; both readers must already deliver
 * it, so the comparison is byte for byte on these texts):
 *   - events are matched by (record id, TimeCreated FILETIME, event id),
 *     in file order for equal keys; recovered records are not compared
 *     (libevtx does not render them); the byte offset is not compared
 *     (libevtx does not report it);
 *   - integers print in decimal (version, event id, kind number);
 *     typed columns hold ev_normalise()'s canonical text (EV_T_INT decimal,
 *     EV_T_BOOL "0"/"1"); a column that is NULL prints as "(null)", so
 *     NULL and "" differ;
 *   - strings are UTF-8 as the readers deliver them: GUIDs upper case in
 *     braces, invalid UTF-16 as U+FFFD, trailing NULs stripped; compared
 *     byte for byte;
 *   - HexInt32/64 values are unpadded lower case as Windows shows them
 *     ("0x3e7", "0x0"); libevtx pads them to 8/16 digits, so in every
 *     value (and each ", "-separated element of one) "0x" followed by
 *     exactly 8 or 16 lower-case hex digits loses its leading zeros on
 *     both sides before the comparison;
 *   - EventData / UserData pairs are compared in order, name and value;
 *   - in the canonical text each field is one "name=value" line, with
 *     backslash, LF, CR and TAB in values written as \\ \n \r \t.
 *
 * A record only libevtx delivers, or delivers differently, is a failure
 * unless the allowlist below names it (known libevtx defects).  Records
 * only the native decoder delivers are counted by reason: the libevtx
 * reader cannot open or read the file at all, or it skips the record.
 *
 * Prints one line per file with differences (all with -v) and a closing
 * "N passed, N failed" line counting files.  Exit 0 when every file
 * agrees, 1 otherwise, 2 on usage errors.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ev_arena.h"
#include "ev_buf.h"
#include "ev_err.h"
#include "ev_util.h"
#include "event.h"
#include "evtx/reader.h"

/*
 * Known libevtx defects where both readers deliver a record but libevtx's
 * text is wrong: (file name suffix, record id, reason).  Over the real
 * corpus every record libevtx renders agrees; these are crafted testdata
 * records.  A record that libevtx does not render at all is not listed
 * here; it is counted as "native only".
 */
static const struct {
	const char	*suffix;
	uint64_t	 record_id;
	const char	*reason;
} allowlist[] = {
	/* libxml2 turns CR LF inside a value into LF (XML end-of-line
	   normalisation); the record holds CR LF */
	{ "testdata/bad/hostile-strings.evtx", 8010, "CR LF read as LF" },
	/* a lone high surrogate followed by a BMP character: libevtx drops
	   that character as well; native gives U+FFFD and keeps it */
	{ "testdata/bad/hostile-strings.evtx", 8012,
	  "libevtx eats the unit after a lone surrogate" },
	/* libevtx 20181227 decodes the surrogate pair of U+1F600 as U+1F201 */
	{ "testdata/bad/lone-surrogate-end.evtx", 8202,
	  "libevtx mis-decodes a surrogate pair" },
	/* a NUL inside a value: libevtx's text stops there; native shows
	   it as U+2400 and keeps the rest (binxml.h) */
	{ "testdata/bad/lone-surrogate-end.evtx", 8203,
	  "an embedded NUL cuts libevtx's value" },
};
struct ev_canon {
	uint64_t	 id, time;
	uint32_t	 eid;
	uint32_t	 seq;		/* delivery order, for stable sorting */
	char		*text;		/* canonical form, malloc'ed */
};

struct side {
	struct ev_canon	*v;
	size_t		 n, cap;
	struct ev_arena	 arena;
	int		 oom;
};

/*
 * Length of a padded hex int at v ("0x" + exactly 8 or 16 lower-case hex
 * digits, then the end or ", "), 0 when there is none.
 */
static size_t
padded_hex(const char *v)
{
	size_t n = 0;

	if (v[0] != '0' || v[1] != 'x')
		return 0;
	while ((v[2 + n] >= '0' && v[2 + n] <= '9') ||
	    (v[2 + n] >= 'a' && v[2 + n] <= 'f'))
		n++;
	if (n != 8 && n != 16)
		return 0;
	if (v[2 + n] != '\0' && (v[2 + n] != ',' || v[3 + n] != ' '))
		return 0;
	return 2 + n;
}

/* name=value, with \\ \n \r \t escaped so that one field is one line */
static void
canon_add(struct ev_buf *b, const char *name, const char *v)
{
	bool elem = true;	/* at the start of a ", "-separated element */

	ev_buf_adds(b, name);
	ev_buf_addc(b, '=');
	if (v == NULL)
		ev_buf_adds(b, "(null)");
	else
		for (; *v != '\0'; v++) {
			size_t h = elem ? padded_hex(v) : 0;

			if (h != 0) {
				size_t i = 2;

				while (i + 1 < h && v[i] == '0')
					i++;
				ev_buf_adds(b, "0x");
				ev_buf_add(b, v + i, h - i);
				v += h - 1;
				elem = false;
				continue;
			}
			elem = v[0] == ',' && v[1] == ' ';
			if (elem) {
				ev_buf_adds(b, ", ");
				v++;
				continue;
			}
			switch (*v) {
			case '\\': ev_buf_adds(b, "\\\\"); break;
			case '\n': ev_buf_adds(b, "\\n"); break;
			case '\r': ev_buf_adds(b, "\\r"); break;
			case '\t': ev_buf_adds(b, "\\t"); break;
			default: ev_buf_addc(b, *v);
			}
		}
	ev_buf_addc(b, '\n');
}

static int
on_record(const struct ev_record *rec, void *ctx)
{
	struct side *s = ctx;
	struct ev_buf b = EV_BUF_INIT;
	struct ev_event ev;
	struct ev_canon *c;

	if (rec->recovered)
		return 0;
	if (ev_normalise(rec, &s->arena, &ev) != 0)
		return s->oom = 1, EV_ENOMEM;
	ev_buf_addf(&b, "event_id=%u\nversion=%u\nkind=%u\ntime=%llu\n",
	    ev.event_id, ev.version, ev.kind, (unsigned long long)ev.time);
	for (int i = 0; i < EV_NCOL; i++)
		canon_add(&b, ev_cols[i].name, ev_col(&ev, i));
	canon_add(&b, "user_sid", ev.user_sid);
	for (uint32_t i = 0; i < ev.ndata; i++) {
		ev_buf_adds(&b, "data:");
		canon_add(&b, ev.data[i].name, ev.data[i].value);
	}
	ev_arena_reset(&s->arena);
	if (ev_buf_failed(&b))
		return s->oom = 1, EV_ENOMEM;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;

		if ((c = realloc(s->v, cap * sizeof(*c))) == NULL) {
			ev_buf_release(&b);
			return s->oom = 1, EV_ENOMEM;
		}
		s->v = c;
		s->cap = cap;
	}
	c = &s->v[s->n];
	c->id = rec->record_id;
	c->time = rec->time;
	c->eid = rec->event_id;
	c->seq = (uint32_t)s->n;
	c->text = ev_buf_detach(&b, NULL);
	if (c->text == NULL)
		return s->oom = 1, EV_ENOMEM;
	s->n++;
	return 0;
}

static void
on_warn(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

static void
side_release(struct side *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].text);
	free(s->v);
	ev_arena_release(&s->arena);
	memset(s, 0, sizeof(*s));
}

/* Reads path with parser p into s; 0 or the EV_* code of the failure. */
static int
read_side(const char *path, enum evtx_parser p, struct side *s)
{
	struct evtx_open_opts opts = { p, false, NULL, 0 };
	struct evtx_sink sink = { on_record, on_warn, s };
	struct ev_err err = EV_ERR_INIT;
	struct evtx_stats st;
	struct evtx_file *f;
	int rc;

	ev_arena_init(&s->arena);
	evtx_stats_init(&st);
	rc = evtx_file_open(path, &opts, &f, &st, &err);
	if (rc == 0) {
		rc = evtx_file_read(f, 0, evtx_file_units(f), &sink, &st,
		    &err);
		evtx_file_close(f);
	}
	evtx_stats_release(&st);
	return rc;
}

static int
cmp_canon(const void *a, const void *b)
{
	const struct ev_canon *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (x->eid != y->eid)
		return x->eid < y->eid ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
key_cmp(const struct ev_canon *x, const struct ev_canon *y)
{
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (x->eid != y->eid)
		return x->eid < y->eid ? -1 : 1;
	return 0;
}

static const char *
allowed(const char *path, uint64_t id)
{
	size_t pl = strlen(path);

	for (size_t i = 0; i < NELEM(allowlist); i++) {
		size_t sl;

		sl = strlen(allowlist[i].suffix);
		if (pl >= sl && strcmp(path + pl - sl, allowlist[i].suffix) ==
		    0 && allowlist[i].record_id == id)
			return allowlist[i].reason;
	}
	return NULL;
}

/* First differing line of two canonical texts, for the report. */
static void
show_diff(const char *a, const char *b)
{
	while (*a != '\0' || *b != '\0') {
		const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
		size_t la = ea ? (size_t)(ea - a) : strlen(a);
		size_t lb = eb ? (size_t)(eb - b) : strlen(b);

		if (la != lb || memcmp(a, b, la) != 0) {
			printf("\tnative:  %.*s\n\tlibevtx: %.*s\n", (int)la, a,
			    (int)lb, b);
			return;
		}
		a += la + (ea != NULL);
		b += lb + (eb != NULL);
	}
}

struct totals {
	uint64_t	 same, differ, allowed, libevtx_only;
	uint64_t	 native_only_unreadable, native_only_skipped;
};

/* Compares one file; returns true when it agrees. */
static bool
diff_file(const char *path, bool verbose, struct totals *t)
{
	struct side nat = { 0 }, lib = { 0 };
	int nrc, lrc;
	size_t i = 0, j = 0;
	uint64_t same = 0, differ = 0, lonly = 0, nonly = 0;
	bool ok;

	nrc = read_side(path, EVTX_PARSER_NATIVE, &nat);
	lrc = read_side(path, EVTX_PARSER_LIBEVTX, &lib);
	if (nat.oom || lib.oom) {
		printf("%s: out of memory\n", path);
		side_release(&nat);
		side_release(&lib);
		return false;
	}
	ev_qsort(nat.v, nat.n, sizeof(*nat.v), cmp_canon);
	ev_qsort(lib.v, lib.n, sizeof(*lib.v), cmp_canon);
	while (i < nat.n || j < lib.n) {
		int c = i == nat.n ? 1 : j == lib.n ? -1 :
		    key_cmp(&nat.v[i], &lib.v[j]);

		if (c < 0) {
			nonly++;
			i++;
		} else if (c > 0) {
			const char *why = allowed(path, lib.v[j].id);

			if (why != NULL) {
				t->allowed++;
			} else {
				lonly++;
				printf("%s: record %llu only libevtx reads\n",
				    path, (unsigned long long)lib.v[j].id);
			}
			j++;
		} else {
			if (strcmp(nat.v[i].text, lib.v[j].text) == 0) {
				same++;
			} else if (allowed(path, nat.v[i].id) != NULL) {
				t->allowed++;
			} else {
				differ++;
				printf("%s: record %llu differs\n", path,
				    (unsigned long long)nat.v[i].id);
				show_diff(nat.v[i].text, lib.v[j].text);
			}
			i++;
			j++;
		}
	}
	t->same += same;
	t->differ += differ;
	t->libevtx_only += lonly;
	if (lrc != 0 && lib.n == 0)
		t->native_only_unreadable += nonly;
	else
		t->native_only_skipped += nonly;
	/* a file neither reader can open (empty, not EVTX) agrees */
	ok = differ == 0 && lonly == 0 && (nrc == 0 || lrc != 0);
	if (nrc != 0 && lrc == 0)
		printf("%s: native reader failed (%s)\n", path,
		    ev_err_name(nrc));
	if (verbose || !ok)
		printf("%s: %llu same, %llu differ, %llu libevtx only, "
		    "%llu native only%s\n", path, (unsigned long long)same,
		    (unsigned long long)differ, (unsigned long long)lonly,
		    (unsigned long long)nonly,
		    lrc != 0 ? " (libevtx cannot read the file)" : "");
	side_release(&nat);
	side_release(&lib);
	return ok;
}

int
main(int argc, char **argv)
{
	struct totals t = { 0 };
	bool verbose = false;
	int i = 1, passed = 0, failed = 0;

	for (; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0)
			verbose = true;
		else if (strcmp(argv[i], "-w") == 0 && i + 1 < argc) {
			if (ev_want_add(argv[++i], true, EV_WANT_ANY) != 0) {
				fputs("evtxdiff: cannot add a wanted channel\n",
				    stderr);
				return 2;
			}
		} else
			break;
	}
	if (i == argc) {
		fputs("usage: evtxdiff [-v] [-w channel]... file ...\n",
		    stderr);
		ev_want_reset();
		return 2;
	}
	for (; i < argc; i++) {
		if (diff_file(argv[i], verbose, &t))
			passed++;
		else
			failed++;
	}
	printf("events: %llu same, %llu differ, %llu allowlisted, "
	    "%llu only libevtx; native only: %llu in files libevtx cannot "
	    "read, %llu records libevtx skips\n",
	    (unsigned long long)t.same, (unsigned long long)t.differ,
	    (unsigned long long)t.allowed, (unsigned long long)t.libevtx_only,
	    (unsigned long long)t.native_only_unreadable,
	    (unsigned long long)t.native_only_skipped);
	printf("%d passed, %d failed\n", passed, failed);
	ev_want_reset();
	return failed ? 1 : 0;
}
