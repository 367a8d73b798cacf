/*
 * ev_pwsh.c -- Windows PowerShell (the classic "Windows PowerShell"
 * log, provider PowerShell) 400 engine start and 800 pipeline details.
 *
 * Both log unnamed <Data> values; one of them is a "Key=Value" text, a
 * line a key (tab-indented): HostName, HostVersion, HostApplication,
 * EngineVersion, CommandLine, ...  The values are evidence: every scan
 * stops at the end of its string, and only EV_PWSH_TEXT_MAX bytes of a
 * value are looked at.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ev_arena.h"
#include "ev_err.h"
#include "event.h"

#define EV_PWSH_TEXT_MAX	(1u << 20)

/*
 * The value of "key=" at the start of a line of text (after blanks), to
 * the end of the line, trimmed, in arena; NULL when absent or empty.
 */
static const char *
key_value(const char *text, const char *key, struct ev_arena *arena,
    bool *oom)
{
	size_t kl = strlen(key);
	const char *p = text, *end, *e;
	char *out;

	if (text == NULL)
		return NULL;
	end = text + strnlen(text, EV_PWSH_TEXT_MAX);
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(end - p) > kl && memcmp(p, key, kl) == 0 &&
		    p[kl] == '=') {
			p += kl + 1;
			for (e = p; e < end && *e != '\r' && *e != '\n'; e++)
				;
			while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			if (e == p)
				return NULL;
			if ((out = ev_arena_strndup(arena, p,
			    (size_t)(e - p))) == NULL)
				*oom = true;
			return out;
		}
		while (p < end && *p != '\n')
			p++;
		if (p < end)
			p++;
	}
	return NULL;
}

/* The first data value with a "key=" line, or NULL. */
static const char *
details(const struct ev_event *ev, const char *key)
{
	size_t kl = strlen(key);

	for (uint32_t i = 0; i < ev->ndata; i++) {
		const char *v = ev->data[i].value, *p = v;
		const char *end = v + strnlen(v, EV_PWSH_TEXT_MAX);

		while (p < end) {
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			if ((size_t)(end - p) > kl &&
			    memcmp(p, key, kl) == 0 && p[kl] == '=')
				return v;
			while (p < end && *p != '\n')
				p++;
			if (p < end)
				p++;
		}
	}
	return NULL;
}

int
ev_pwsh_norm(struct ev_event *ev, const char **c, struct ev_arena *arena)
{
	const char *text, *cmd;
	bool oom = false;

	text = details(ev, "HostApplication");
	if (text == NULL)
		text = details(ev, ev->event_id == 800 ? "CommandLine" :
		    "HostName");
	if (text == NULL)
		return 0;
	c[EV_COL_COMMAND_LINE] = key_value(text, "HostApplication", arena,
	    &oom);
	c[EV_COL_IMAGE] = ev_cmd_image(c[EV_COL_COMMAND_LINE], arena, &oom);
	c[EV_COL_PS_HOST_NAME] = key_value(text, "HostName", arena, &oom);
	c[EV_COL_PS_HOST_VERSION] = key_value(text, "HostVersion", arena,
	    &oom);
	c[EV_COL_PS_ENGINE_VERSION] = key_value(text, "EngineVersion", arena,
	    &oom);
	/* what ran: the pipeline's command line (800: else its other
	   values, the pipeline's details; a 400's is the script it was
	   started for, often empty) */
	cmd = key_value(text, "CommandLine", arena, &oom);
	for (uint32_t i = 0; cmd == NULL && ev->event_id == 800 &&
	    i < ev->ndata; i++)
		if (ev->data[i].value != text && ev->data[i].value[0] != '\0')
			cmd = ev->data[i].value;
	c[EV_COL_SCRIPT_TEXT] = cmd;
	return oom ? EV_ENOMEM : 0;
}

bool
ev_pwsh_downgrade(const struct ev_event *ev)
{
	const char *v = ev_col(ev, EV_COL_PS_ENGINE_VERSION);

	if (v == NULL)
		v = ev_col(ev, EV_COL_PS_HOST_VERSION);
	return ev->kind == EV_KIND_POWERSHELL && ev->event_id == 400 &&
	    v != NULL && strncmp(v, "2.", 2) == 0;
}
