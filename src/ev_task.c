/*
 * ev_task.c -- the Exec actions of a scheduled task's XML (Security
 * 4698 TaskContent, 4702 TaskContentNew), by a small bounded parser.
 *
 * The XML is evidence and may be hostile: at most EV_TASK_XML_MAX bytes
 * are read, every scan stops at the end, nothing is expanded but the
 * five predefined entities and numeric character references (no DTD,
 * no external or internal entities: a DOCTYPE is skipped whole).
 * Elements are recognised by their local name, so <Exec> and
 * <t:Exec> are the same; text inside Command / Arguments may be split
 * by comments and CDATA sections, which are joined as XML says.
 *
 * Also the columns of the TaskScheduler/Operational events (106, 129,
 * 140, 141, 200, 201), which log no XML: ev_tasksched_norm().
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ev_arena.h"
#include "ev_buf.h"
#include "ev_err.h"
#include "ev_util.h"
#include "event.h"

struct xp {
	const char	*p, *end;
};

/* Skips past the first occurrence of lit, or to the end. */
static void
skip_past(struct xp *x, const char *lit)
{
	size_t n = strlen(lit);

	while (x->p < x->end) {
		if ((size_t)(x->end - x->p) >= n && memcmp(x->p, lit, n) == 0) {
			x->p += n;
			return;
		}
		x->p++;
	}
}

static bool
at(const struct xp *x, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(x->end - x->p) >= n && memcmp(x->p, lit, n) == 0;
}

/* <!DOCTYPE ...[ ... ]> and other declarations: to the '>' outside []. */
static void
skip_decl(struct xp *x)
{
	int depth = 0;
	char quote = 0;

	for (; x->p < x->end; x->p++) {
		char c = *x->p;

		if (quote) {
			if (c == quote)
				quote = 0;
		} else if (c == '"' || c == '\'')
			quote = c;
		else if (c == '[')
			depth++;
		else if (c == ']' && depth > 0)
			depth--;
		else if (c == '>' && depth == 0) {
			x->p++;
			return;
		}
	}
}

/* A character reference's code point; NUL, surrogates and values past
   Unicode become U+FFFD (the text stays a C string of valid UTF-8). */
static void
add_utf8(struct ev_buf *b, uint32_t cp)
{
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	ev_buf_add_utf8(b, cp);
}

/* A reference at x->p ('&'): decoded into b; a bad one is kept as is. */
static void
reference(struct xp *x, struct ev_buf *b)
{
	static const struct { const char *name; char c; } ents[] = {
		{ "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' },
		{ "quot;", '"' }, { "apos;", '\'' },
	};
	const char *s = x->p + 1;
	uint32_t cp = 0;
	int digits = 0;
	bool hex;

	for (size_t i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
		size_t n = strlen(ents[i].name);

		if ((size_t)(x->end - s) >= n && memcmp(s, ents[i].name, n) == 0) {
			ev_buf_addc(b, ents[i].c);
			x->p = s + n;
			return;
		}
	}
	if (s < x->end && *s == '#') {
		s++;
		hex = s < x->end && (*s == 'x' || *s == 'X');
		if (hex)
			s++;
		for (; s < x->end && digits < 8; s++, digits++) {
			int v;

			if (*s >= '0' && *s <= '9')
				v = *s - '0';
			else if (hex && *s >= 'a' && *s <= 'f')
				v = *s - 'a' + 10;
			else if (hex && *s >= 'A' && *s <= 'F')
				v = *s - 'A' + 10;
			else
				break;
			cp = cp * (hex ? 16 : 10) + (uint32_t)v;
		}
		if (digits > 0 && s < x->end && *s == ';') {
			add_utf8(b, cp);
			x->p = s + 1;
			return;
		}
	}
	ev_buf_addc(b, '&');
	x->p++;
}

/*
 * The text content of the element whose start tag was just read, up to
 * its first child or end tag: character data, references and CDATA;
 * comments are skipped.  Into b; the value without surrounding white
 * space is b->buf[*vfrom .. *vfrom + *vlen).
 */
static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
text(struct xp *x, struct ev_buf *b, size_t *vfrom, size_t *vlen)
{
	size_t from, to;

	ev_buf_reset(b);
	while (x->p < x->end) {
		if (at(x, "<!--"))
			skip_past(x, "-->");
		else if (at(x, "<![CDATA[")) {
			const char *s = x->p + 9;

			x->p = s;
			skip_past(x, "]]>");
			ev_buf_add(b, s, (size_t)(x->p - s) -
			    (x->p - s >= 3 && memcmp(x->p - 3, "]]>", 3) == 0 ?
			    3 : 0));
		} else if (*x->p == '<')
			break;
		else if (*x->p == '&')
			reference(x, b);
		else
			ev_buf_addc(b, *x->p++);
	}
	for (from = 0; from < b->len && is_space(b->buf[from]); from++)
		;
	for (to = b->len; to > from && is_space(b->buf[to - 1]); to--)
		;
	*vfrom = from;
	*vlen = to - from;
}

enum tag { T_OTHER, T_EXEC, T_COMMAND, T_ARGUMENTS };

/*
 * A tag at x->p ('<', not a comment, CDATA or declaration): its kind by
 * local name, whether it closes, whether it is empty (<x/>).
 */
static enum tag
tag(struct xp *x, bool *closing, bool *empty)
{
	const char *name, *local, *e;
	char quote = 0;
	size_t n;

	x->p++;
	*closing = x->p < x->end && *x->p == '/';
	if (*closing)
		x->p++;
	name = local = x->p;
	while (x->p < x->end && !strchr(" \t\r\n/>", *x->p)) {
		if (*x->p == ':')
			local = x->p + 1;
		x->p++;
	}
	e = x->p;
	*empty = false;
	for (; x->p < x->end; x->p++) {
		if (quote) {
			if (*x->p == quote)
				quote = 0;
		} else if (*x->p == '"' || *x->p == '\'')
			quote = *x->p;
		else if (*x->p == '>') {
			*empty = x->p > name && x->p[-1] == '/';
			x->p++;
			break;
		}
	}
	n = (size_t)(e - local);
	if (n == 4 && memcmp(local, "Exec", 4) == 0)
		return T_EXEC;
	if (n == 7 && memcmp(local, "Command", 7) == 0)
		return T_COMMAND;
	if (n == 9 && memcmp(local, "Arguments", 9) == 0)
		return T_ARGUMENTS;
	return T_OTHER;
}

int
ev_task_actions(const char *xml, struct ev_arena *arena, const char **cmd,
    const char **args, int max)
{
	struct xp x;
	struct ev_buf b = EV_BUF_INIT;
	const char *c = NULL, *a = "";
	bool in_exec = false, oom = false, closing, empty;
	enum tag t;
	int n = 0;

	x.p = xml;
	x.end = xml + strnlen(xml, EV_TASK_XML_MAX);
	while (x.p < x.end && !oom) {
		if (*x.p != '<') {
			x.p++;
			continue;
		}
		if (at(&x, "<!--")) {
			skip_past(&x, "-->");
			continue;
		}
		if (at(&x, "<![CDATA[")) {
			skip_past(&x, "]]>");
			continue;
		}
		if (at(&x, "<?")) {
			skip_past(&x, "?>");
			continue;
		}
		if (at(&x, "<!")) {
			skip_decl(&x);
			continue;
		}
		t = tag(&x, &closing, &empty);
		if (t == T_EXEC) {
			if (!closing && !empty) {
				in_exec = true;
				c = NULL;
				a = "";
			} else if (closing && in_exec && c != NULL) {
				/* an action without a Command runs nothing */
				if (n < max) {
					cmd[n] = c;
					args[n] = a;
				}
				n++;
				in_exec = false;
			} else
				in_exec = false;
		} else if ((t == T_COMMAND || t == T_ARGUMENTS) && in_exec &&
		    !closing && !empty) {
			const char *v;
			size_t from, len;

			text(&x, &b, &from, &len);
			if (ev_buf_failed(&b) || (v = ev_arena_strndup(arena,
			    b.buf + from, len)) == NULL) {
				oom = true;
				break;
			}
			/* the schema has one of each; the last one wins */
			if (t == T_COMMAND)
				c = v;
			else
				a = v;
		}
	}
	ev_buf_release(&b);
	return oom ? -1 : n;
}

/* A data value, NULL when absent or empty. */
static const char *
value(const struct ev_event *ev, const char *name)
{
	const char *v = ev_data(ev, name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

/* An integer column in decimal; left NULL when v is not a number. */
static int
set_int(const char **c, enum ev_col col, const char *v,
    struct ev_arena *arena)
{
	char num[24];
	int64_t x;

	if (v == NULL || ev_parse_int_auto(v, &x) == -1)
		return 0;
	snprintf(num, sizeof(num), "%" PRId64, x);
	if ((c[col] = ev_arena_strdup(arena, num)) == NULL)
		return EV_ENOMEM;
	return 0;
}

int
ev_tasksched_norm(struct ev_event *ev, const char **c,
    struct ev_arena *arena)
{
	const char *user, *known, *action;

	c[EV_COL_TASK_NAME] = value(ev, "TaskName");
	switch (ev->event_id) {
	case 106:
	case 140:
	case 141:
		/* 106 names the user UserContext, 140/141 UserName; either
		   may be a SID */
		user = value(ev, ev->event_id == 106 ? "UserContext" :
		    "UserName");
		known = ev_sid_name(user);
		c[EV_COL_USER] = known != NULL ? known : user;
		return 0;
	case 129:
		c[EV_COL_IMAGE] = value(ev, "Path");
		c[EV_COL_COMMAND_LINE] = c[EV_COL_IMAGE];
		return set_int(c, EV_COL_TARGET_PID, value(ev, "ProcessID"),
		    arena);
	case 200:
	case 201:
		/* the program of an Exec action, else a COM handler's name */
		action = value(ev, "ActionName");
		c[EV_COL_IMAGE] = action;
		if (ev->event_id == 200)
			c[EV_COL_COMMAND_LINE] = action;
		c[EV_COL_TASK_INSTANCE_ID] = value(ev, "TaskInstanceId");
		if (set_int(c, EV_COL_TARGET_PID, value(ev, "EnginePID"),
		    arena) != 0)
			return EV_ENOMEM;
		return ev->event_id == 201 ? set_int(c, EV_COL_RESULT_CODE,
		    value(ev, "ResultCode"), arena) : 0;
	}
	return 0;
}
