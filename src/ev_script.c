/*
 * ev_script.c -- PowerShell script blocks logged in parts (4104): the
 * parts of one block (ScriptBlockId on one computer) joined into the
 * text of the first part present, with a note of what is missing.
 *
 * PowerShell splits a block longer than about 32 KiB into MessageTotal
 * records numbered by MessageNumber.  Logs lose parts (a cleared or
 * rolled-over log, a collection of only one file) and forwarders
 * duplicate them, so parts may be missing, repeated or out of order;
 * the numbers are evidence and may be anything.  The join is bounded:
 * at most EV_SCRIPT_MAX bytes of text per block.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ev_arena.h"
#include "ev_buf.h"
#include "ev_err.h"
#include "ev_util.h"
#include "event.h"

struct part {
	struct ev_event	*ev;
	const char	*text;
	int64_t		 num, tot;
	size_t		 idx;		/* in output order */
};

static int
str_cmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcasecmp(a, b);
}

static int
part_cmp(const void *pa, const void *pb)
{
	const struct part *a = pa, *b = pb;
	int c;

	if ((c = str_cmp(ev_col(a->ev, EV_COL_COMPUTER),
	    ev_col(b->ev, EV_COL_COMPUTER))) != 0 ||
	    (c = str_cmp(ev_col(a->ev, EV_COL_SCRIPT_BLOCK_ID),
	    ev_col(b->ev, EV_COL_SCRIPT_BLOCK_ID))) != 0)
		return c;
	if (a->num != b->num)
		return a->num < b->num ? -1 : 1;
	if (a->ev->time != b->ev->time)
		return a->ev->time < b->ev->time ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int64_t
num_of(const struct ev_event *ev, const char *name)
{
	const char *v = ev_data(ev, name);
	int64_t x;

	if (v == NULL || ev_parse_int_auto(v, &x) == -1)
		return 0;
	return x;
}

/* The length of s cut to at most max bytes on a UTF-8 boundary. */
static size_t
utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

/* Joins the parts g[0..n) (sorted by number) of one block. */
static int
join(struct part *g, size_t n, struct ev_arena *arena)
{
	struct ev_event *first = NULL;
	struct ev_buf note = EV_BUF_INIT;
	int64_t tot = 0, prev = 0, present = 0, missing = 0;
	size_t total = 0, len;
	bool cut = false;
	char *text, *p;

	for (size_t i = 0; i < n; i++)
		if (g[i].tot > tot && g[i].tot <= EV_SCRIPT_PARTS_MAX)
			tot = g[i].tot;
	/* the text of the parts in range, each number once */
	for (size_t i = 0; i < n; i++) {
		if (g[i].num < 1 || g[i].num > tot || g[i].num == prev)
			continue;
		prev = g[i].num;
		present++;
		if (first == NULL)
			first = g[i].ev;
		total += strlen(g[i].text);
	}
	if (first == NULL)
		return 0;	/* no part numbered in range: nothing joins */
	if (total > EV_SCRIPT_MAX) {
		total = EV_SCRIPT_MAX;
		cut = true;
	}
	if ((text = ev_arena_alloc(arena, total + 1)) == NULL)
		return EV_ENOMEM;
	p = text;
	prev = 0;
	for (size_t i = 0; i < n; i++) {
		if (g[i].num < 1 || g[i].num > tot || g[i].num == prev)
			continue;
		/* missing numbers between this part and the last one */
		for (int64_t m = prev + 1; m < g[i].num; m++, missing++)
			if (missing < 5)
				ev_buf_addf(&note, "%s%lld", missing ? ", " :
				    "", (long long)m);
		prev = g[i].num;
		len = utf8_cut(g[i].text, strlen(g[i].text),
		    total - (size_t)(p - text));
		memcpy(p, g[i].text, len);
		p += len;
	}
	*p = '\0';
	for (int64_t m = prev + 1; m <= tot; m++, missing++)
		if (missing < 5)
			ev_buf_addf(&note, "%s%lld", missing ? ", " : "",
			    (long long)m);
	if (ev_col_set(first, EV_COL_SCRIPT_TEXT, text, arena) != 0) {
		ev_buf_release(&note);
		return EV_ENOMEM;
	}
	if (missing > 0 || cut) {
		struct ev_buf s = EV_BUF_INIT;

		if (missing > 0) {
			ev_buf_addf(&s, "partial: %lld of %lld parts "
			    "(missing %s", (long long)present, (long long)tot,
			    note.buf);
			if (missing > 5)
				ev_buf_addf(&s, " and %lld more",
				    (long long)(missing - 5));
			ev_buf_addc(&s, ')');
		}
		if (cut)
			ev_buf_addf(&s, "%scut at %u bytes", s.len ? "; " : "",
			    EV_SCRIPT_MAX);
		const char *v = ev_buf_failed(&s) ? NULL :
		    ev_arena_strdup(arena, s.buf);

		if (v == NULL || ev_col_set(first, EV_COL_SCRIPT_NOTE, v,
		    arena) != 0) {
			ev_buf_release(&s);
			ev_buf_release(&note);
			return EV_ENOMEM;
		}
		ev_buf_release(&s);
	}
	if (ev_buf_failed(&note)) {
		ev_buf_release(&note);
		return EV_ENOMEM;
	}
	ev_buf_release(&note);
	return 0;
}

int
ev_scripts_join(struct ev_event **events, size_t n, struct ev_arena *arena)
{
	struct part *parts;
	size_t np = 0;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		if (events[i]->kind == EV_KIND_SCRIPT &&
		    ev_col(events[i], EV_COL_SCRIPT_TEXT) == NULL &&
		    ev_col(events[i], EV_COL_SCRIPT_BLOCK_ID) != NULL)
			np++;
	if (np == 0)
		return 0;
	if ((parts = calloc(np, sizeof(*parts))) == NULL)
		return EV_ENOMEM;
	np = 0;
	for (size_t i = 0; i < n; i++) {
		struct ev_event *ev = events[i];
		const char *t;

		if (ev->kind != EV_KIND_SCRIPT ||
		    ev_col(ev, EV_COL_SCRIPT_TEXT) != NULL ||
		    ev_col(ev, EV_COL_SCRIPT_BLOCK_ID) == NULL)
			continue;
		t = ev_data(ev, "ScriptBlockText");
		parts[np++] = (struct part){ ev, t != NULL ? t : "",
		    num_of(ev, "MessageNumber"), num_of(ev, "MessageTotal"), i };
	}
	ev_qsort(parts, np, sizeof(*parts), part_cmp);
	for (size_t i = 0, j; i < np && rc == 0; i = j) {
		for (j = i + 1; j < np && str_cmp(ev_col(parts[i].ev, 
		    EV_COL_COMPUTER), ev_col(parts[j].ev, EV_COL_COMPUTER)) == 0
		    &&
		    str_cmp(ev_col(parts[i].ev, EV_COL_SCRIPT_BLOCK_ID),
		    ev_col(parts[j].ev, EV_COL_SCRIPT_BLOCK_ID)) == 0; j++)
			;
		rc = join(parts + i, j - i, arena);
	}
	free(parts);
	return rc;
}
