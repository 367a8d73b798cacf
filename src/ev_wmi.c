/*
 * ev_wmi.c -- WMI event subscriptions as Sysmon (19, 20, 21) and
 * WMI-Activity (5861) log them: quoted names, object paths and the MOF
 * text of a 5861's PossibleCause.
 *
 * The values are evidence and may be hostile: every scan stops at the
 * end of its string, at most EV_WMI_TEXT_MAX bytes of a 5861 text are
 * read, and nothing is allocated beyond one copy of what is returned.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "ev_arena.h"
#include "ev_err.h"
#include "event.h"

/*
 * The string starting at p (just after an opening '"') up to its closing
 * quote (or end), backslash escapes undone (\\ \" \n \r \t; another
 * escaped character stands for itself), into arena.  *endp: past the
 * closing quote.  NULL out of memory.
 */
static char *
unquote_at(const char *p, const char *end, const char **endp,
    struct ev_arena *arena)
{
	const char *q;
	char *out, *o;

	for (q = p; q < end && *q != '"'; q++)
		if (*q == '\\' && q + 1 < end)
			q++;
	if ((out = ev_arena_alloc(arena, (size_t)(q - p) + 1)) == NULL)
		return NULL;
	for (o = out; p < q; p++) {
		if (*p == '\\' && p + 1 < q) {
			p++;
			*o++ = *p == 'n' ? '\n' : *p == 'r' ? '\r' :
			    *p == 't' ? '\t' : *p;
		} else
			*o++ = *p;
	}
	*o = '\0';
	if (endp != NULL)
		*endp = q < end ? q + 1 : q;
	return out;
}

static bool
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

const char *
ev_wmi_unquote(const char *v, struct ev_arena *arena, bool *oom)
{
	const char *s, *e;
	char *out;

	if (v == NULL)
		return NULL;
	for (s = v; blank(*s); s++)
		;
	e = s + strlen(s);
	if (*s == '"')
		out = unquote_at(s + 1, e, NULL, arena);
	else {
		while (e > s && blank(e[-1]))
			e--;
		if (e == s)
			return NULL;
		out = ev_arena_strndup(arena, s, (size_t)(e - s));
	}
	if (out == NULL)
		*oom = true;
	else if (out[0] == '\0')
		return NULL;
	return out;
}

int
ev_wmi_ref(const char *path, struct ev_arena *arena, const char **cls,
    const char **name)
{
	const char *q, *s, *e, *colon;

	*cls = *name = NULL;
	if (path == NULL || *path == '\0')
		return 0;
	if ((q = strchr(path, '"')) == NULL)
		q = path + strlen(path);
	/* the class: before "=" or ".Name=", after the namespace's ':' */
	e = q;
	if (e > path && e[-1] == '=')
		e--;
	if (e - path >= 5 && strncasecmp(e - 5, ".Name", 5) == 0)
		e -= 5;
	s = path;
	for (colon = path; colon < e; colon++)
		if (*colon == ':')
			s = colon + 1;
	while (s < e && blank(*s))
		s++;
	if (e > s && (*cls = ev_arena_strndup(arena, s, (size_t)(e - s))) ==
	    NULL)
		return -1;
	if (*q == '"') {
		const char *end = q + 1 + strlen(q + 1);

		if ((*name = unquote_at(q + 1, end, NULL, arena)) == NULL)
			return -1;
		if ((*name)[0] == '\0')
			*name = NULL;
	}
	return 0;
}

/* Which instance of the MOF text a property belongs to. */
enum inst { I_NONE, I_FILTER, I_CONSUMER };

/* Sets the field of w that (instance, property) fills, or none. */
static const char **
cause_slot(struct ev_wmi_cause *w, enum inst in, const char *k, size_t kl)
{
	static const struct {
		enum inst	 in;
		const char	*name;
		size_t		 off;
	} props[] = {
		{ I_FILTER, "EventNamespace",
		    offsetof(struct ev_wmi_cause, ns) },
		{ I_FILTER, "Query", offsetof(struct ev_wmi_cause, query) },
		{ I_FILTER, "Name", offsetof(struct ev_wmi_cause, filter) },
		{ I_CONSUMER, "Name", offsetof(struct ev_wmi_cause, consumer) },
		{ I_CONSUMER, "CommandLineTemplate",
		    offsetof(struct ev_wmi_cause, cmd) },
		{ I_CONSUMER, "ExecutablePath",
		    offsetof(struct ev_wmi_cause, exe) },
		{ I_CONSUMER, "ScriptText",
		    offsetof(struct ev_wmi_cause, script) },
		{ I_CONSUMER, "ScriptFileName",
		    offsetof(struct ev_wmi_cause, script_file) },
	};

	for (size_t i = 0; i < sizeof(props) / sizeof(*props); i++)
		if (props[i].in == in && strlen(props[i].name) == kl &&
		    strncasecmp(props[i].name, k, kl) == 0)
			return (const char **)((char *)w + props[i].off);
	return NULL;
}

static bool
ident(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

int
ev_wmi_cause(const char *text, struct ev_arena *arena,
    struct ev_wmi_cause *w)
{
	const char *p, *end;
	enum inst in = I_NONE;

	memset(w, 0, sizeof(*w));
	if (text == NULL)
		return 0;
	p = text;
	end = p + strnlen(p, EV_WMI_TEXT_MAX);
	while (p < end) {
		const char *k, **slot;
		size_t kl;

		while (p < end && (blank(*p) || *p == ';' || *p == '{' ||
		    *p == '}'))
			p++;
		if (end - p > 12 && strncasecmp(p, "instance of ", 12) == 0) {
			/* __EventFilter, or the consumer's class */
			const char *c = p += 12;

			while (p < end && ident(*p))
				p++;
			in = (size_t)(p - c) == 13 &&
			    strncasecmp(c, "__EventFilter", 13) == 0 ?
			    I_FILTER : I_CONSUMER;
			if (in == I_CONSUMER && w->consumer_class == NULL &&
			    p > c && (w->consumer_class = ev_arena_strndup(
			    arena, c, (size_t)(p - c))) == NULL)
				return -1;
			continue;
		}
		/* "Key = value;" or any other word: skip to the line end */
		for (k = p; p < end && ident(*p); p++)
			;
		kl = (size_t)(p - k);
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (kl == 0 || p >= end || *p != '=') {
			while (p < end && *p != '\n')
				p++;
			continue;
		}
		for (p++; p < end && (*p == ' ' || *p == '\t'); p++)
			;
		slot = cause_slot(w, in, k, kl);
		if (p < end && *p == '"') {
			char *v = unquote_at(p + 1, end, &p, arena);

			if (v == NULL)
				return -1;
			if (slot != NULL && *slot == NULL && v[0] != '\0')
				*slot = v;
		}
		while (p < end && *p != '\n' && *p != ';')
			p++;
	}
	return 0;
}

/* A Sysmon 20 Type as the consumer class 21 and 5861 name. */
static const char *
wmi_class(const char *type)
{
	if (type == NULL || *type == '\0')
		return NULL;
	if (strcasecmp(type, "Command Line") == 0)
		return "CommandLineEventConsumer";
	if (strcasecmp(type, "Script") == 0)
		return "ActiveScriptEventConsumer";
	return type;
}

/* The consumer's command (its image too) or script: what it runs. */
static void
wmi_runs(const char **c, struct ev_arena *arena, const char *cmd,
    const char *script, bool *oom)
{
	c[EV_COL_COMMAND_LINE] = cmd;
	c[EV_COL_IMAGE] = ev_cmd_image(cmd, arena, oom);
	c[EV_COL_SCRIPT_TEXT] = script;
}

static const char *
value(const struct ev_event *ev, const char *name)
{
	const char *v = ev_data(ev, name);

	return v != NULL && *v != '\0' ? v : NULL;
}

/* 5861: Namespace, ESS (the filter), CONSUMER, PossibleCause's MOF. */
static int
norm_5861(const struct ev_event *ev, const char **c, struct ev_arena *arena)
{
	const char *cls, *name;
	struct ev_wmi_cause w;
	bool oom = false;

	if (ev_wmi_ref(value(ev, "CONSUMER"), arena, &cls, &name) != 0 ||
	    ev_wmi_cause(value(ev, "PossibleCause"), arena, &w) != 0)
		return EV_ENOMEM;
	c[EV_COL_WMI_FILTER] = value(ev, "ESS");
	if (c[EV_COL_WMI_FILTER] == NULL)
		c[EV_COL_WMI_FILTER] = w.filter;
	c[EV_COL_WMI_CONSUMER] = name != NULL ? name : w.consumer;
	c[EV_COL_WMI_CONSUMER_CLASS] = cls != NULL ? cls : w.consumer_class;
	/* where the filter's events come from, else the subscription's */
	c[EV_COL_WMI_NAMESPACE] = w.ns != NULL ? w.ns :
	    value(ev, "Namespace");
	c[EV_COL_WMI_QUERY] = w.query;
	wmi_runs(c, arena, w.cmd != NULL ? w.cmd : w.exe,
	    w.script != NULL ? w.script : w.script_file, &oom);
	return oom ? EV_ENOMEM : 0;
}

int
ev_wmi_norm(struct ev_event *ev, const char **c, struct ev_arena *arena)
{
	const char *cls, *name, *dst, *ref;
	bool oom = false;

	if (ev->event_id == 5861)
		return norm_5861(ev, c, arena);
	c[EV_COL_USER] = value(ev, "User");
	c[EV_COL_WMI_OPERATION] = value(ev, "Operation");
	switch (ev->event_id) {
	case 19:
		c[EV_COL_WMI_FILTER] = ev_wmi_unquote(value(ev, "Name"), arena,
		    &oom);
		c[EV_COL_WMI_NAMESPACE] = ev_wmi_unquote(value(ev,
		    "EventNamespace"), arena, &oom);
		c[EV_COL_WMI_QUERY] = ev_wmi_unquote(value(ev, "Query"), arena,
		    &oom);
		break;
	case 20:
		c[EV_COL_WMI_CONSUMER] = ev_wmi_unquote(value(ev, "Name"),
		    arena, &oom);
		c[EV_COL_WMI_CONSUMER_CLASS] = wmi_class(value(ev, "Type"));
		dst = ev_wmi_unquote(value(ev, "Destination"), arena, &oom);
		if (c[EV_COL_WMI_CONSUMER_CLASS] != NULL && strcmp(
		    c[EV_COL_WMI_CONSUMER_CLASS], "ActiveScriptEventConsumer")
		    == 0)
			wmi_runs(c, arena, NULL, dst, &oom);
		else
			wmi_runs(c, arena, dst, NULL, &oom);
		break;
	case 21:
		ref = ev_wmi_unquote(value(ev, "Consumer"), arena, &oom);
		if (ev_wmi_ref(ref, arena, &cls, &name) != 0)
			return EV_ENOMEM;
		c[EV_COL_WMI_CONSUMER] = name;
		c[EV_COL_WMI_CONSUMER_CLASS] = cls;
		ref = ev_wmi_unquote(value(ev, "Filter"), arena, &oom);
		if (ev_wmi_ref(ref, arena, &cls, &name) != 0)
			return EV_ENOMEM;
		c[EV_COL_WMI_FILTER] = name;
		break;
	}
	return oom ? EV_ENOMEM : 0;
}
