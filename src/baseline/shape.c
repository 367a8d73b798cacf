/*
 * shape.c -- argument shapes (SPEC §6): CommandLineToArgvW splitting and
 * the typed placeholders that make two runs differing only in a temp
 * file name, a GUID or a port look the same.
 *
 * Splitting follows CommandLineToArgvW (as documented by Microsoft and
 * modelled by Wine): argv[0] ends at the next quote when it starts with
 * one, else at white space, and knows no escapes; later arguments end at
 * unquoted white space; 2n backslashes before a quote give n backslashes
 * and the quote toggles quoting; 2n+1 give n backslashes and a literal
 * quote; inside quotes "" gives a literal quote (and ends quoting);
 * backslashes not before a quote are literal.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "baseline/baseline.h"

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int
base_argv(const char *cmdline, char ***argvp, size_t *argcp)
{
	size_t len = cmdline ? strnlen(cmdline, BASE_MAX_CMDLINE) : 0;
	const char *s = cmdline ? cmdline : "", *end = s + len;
	char **argv, *d, *buf;
	size_t argc = 0;

	/* at most len/2 + 2 arguments; the strings fit in len + argc bytes */
	argv = calloc(BASE_MAX_ARGS + 2, sizeof(*argv));
	buf = malloc(2 * len + BASE_MAX_ARGS + 2);
	if (argv == NULL || buf == NULL) {
		free(argv);
		free(buf);
		return EV_ENOMEM;
	}
	d = buf;
	/* argv[0] */
	argv[argc++] = d;
	if (s < end && *s == '"') {
		for (s++; s < end && *s != '"'; s++)
			*d++ = *s;
		if (s < end)
			s++;
	} else {
		for (; s < end && *s != ' ' && *s != '\t'; s++)
			*d++ = *s;
	}
	*d++ = '\0';
	for (;;) {
		unsigned qcount = 0, bcount = 0;

		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		if (s >= end || argc > BASE_MAX_ARGS)
			break;
		argv[argc++] = d;
		while (s < end) {
			if ((*s == ' ' || *s == '\t') && qcount == 0)
				break;
			if (*s == '\\') {
				*d++ = *s++;
				bcount++;
			} else if (*s == '"') {
				if ((bcount & 1) == 0) {
					d -= bcount / 2;
					qcount++;
				} else {
					d -= bcount / 2 + 1;
					*d++ = '"';
				}
				s++;
				bcount = 0;
				/* consecutive quotes */
				while (s < end && *s == '"') {
					if (++qcount == 3) {
						*d++ = '"';
						qcount = 0;
					}
					s++;
				}
				if (qcount == 2)
					qcount = 0;
			} else {
				*d++ = *s++;
				bcount = 0;
			}
		}
		*d++ = '\0';
	}
	/* argv[] points into buf; argv[argc] is NULL, the block is freed
	 * through argv[0] */
	if (argc > BASE_MAX_ARGS + 1)
		argc = BASE_MAX_ARGS + 1;
	argv[argc] = NULL;
	*argvp = argv;
	*argcp = argc;
	return 0;
}

void
base_argv_free(char **argv)
{
	if (argv == NULL)
		return;
	free(argv[0]);
	free(argv);
}

/*
 * cmd '^' escapes removed outside quotes and unicode dashes made '-':
 * the command line as the program would see it after cmd.
 */
static char *
clean_cmdline(const char *s)
{
	size_t len = s ? strnlen(s, BASE_MAX_CMDLINE) : 0;
	char *out = malloc(len + 1), *d = out;
	bool quoted = false;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0xe2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
		    (unsigned char)s[i + 2] >= 0x93 &&
		    (unsigned char)s[i + 2] <= 0x95) {
			*d++ = '-';
			i += 2;
			continue;
		}
		if (c == '"')
			quoted = !quoted;
		else if (c == '^' && !quoted && i + 1 < len) {
			*d++ = s[++i];
			continue;
		}
		*d++ = (char)c;
	}
	*d = '\0';
	return out;
}

/* ---- directory classes ------------------------------------------- */

static const struct {
	const char	*prefix;	/* after the drive, lower case */
	const char	*cls;
} dirs[] = {
	{ "\\windows\\system32\\", "<system32>" },
	{ "\\windows\\sysnative\\", "<system32>" },
	{ "\\windows\\syswow64\\", "<syswow64>" },
	{ "\\windows\\microsoft.net\\", "<dotnet>" },
	{ "\\windows\\temp\\", "<windir-temp>" },
	{ "\\windows\\", "<windir>" },
	{ "\\program files\\", "<program-files>" },
	{ "\\program files (x86)\\", "<program-files>" },
	{ "\\programdata\\", "<programdata>" },
	{ "\\users\\public\\", "<users-public>" },
};

static const struct {
	const char	*var;		/* %var% lower case, with the '\' */
	const char	*as;		/* path it stands for, or class */
} envs[] = {
	{ "%windir%\\", "\\windows\\" },
	{ "%systemroot%\\", "\\windows\\" },
	{ "%programfiles%\\", "\\program files\\" },
	{ "%programfiles(x86)%\\", "\\program files\\" },
	{ "%programw6432%\\", "\\program files\\" },
	{ "%commonprogramfiles%\\", "\\program files\\" },
	{ "%programdata%\\", "\\programdata\\" },
	{ "%allusersprofile%\\", "\\programdata\\" },
	{ "%public%\\", "\\users\\public\\" },
	{ "%temp%\\", "\\users\\*\\appdata\\local\\temp\\" },
	{ "%tmp%\\", "\\users\\*\\appdata\\local\\temp\\" },
	{ "%localappdata%\\", "\\users\\*\\appdata\\local\\" },
	{ "%appdata%\\", "\\users\\*\\appdata\\roaming\\" },
	{ "%userprofile%\\", "\\users\\*\\" },
};

/* path lower-cased, '/' as '\', into b (bounded) */
static void
norm_path(const char *path, struct ev_buf *b)
{
	size_t len = strnlen(path, BASE_MAX_CMDLINE);

	for (size_t i = 0; i < len; i++)
		ev_buf_addc(b, path[i] == '/' ? '\\' : (char)lower(path[i]));
}

static bool
starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/*
 * Class of the normalised path p; *rest gets what follows the class
 * directory (or the whole path for <relative>/<other>).
 */
static const char *
classify(const char *p, const char **rest)
{
	const char *q = p;

	if (starts(q, "\\\\?\\") || starts(q, "\\??\\") || starts(q, "\\\\.\\"))
		q += 4;
	if (starts(q, "unc\\")) {
		*rest = q + 4;
		return "<unc>";
	}
	if (starts(q, "\\\\")) {
		*rest = q + 2;
		return "<unc>";
	}
	if (starts(q, "\\device\\")) {
		const char *s = strchr(q + 8, '\\');

		if (s == NULL) {
			*rest = q;
			return "<device>";
		}
		q = s;
	} else if (q[0] == '%') {
		for (size_t i = 0; i < sizeof(envs) / sizeof(envs[0]); i++)
			if (starts(q, envs[i].var)) {
				*rest = q + strlen(envs[i].var);
				/* classify what the variable stands for */
				if (strcmp(envs[i].as, "\\users\\*\\appdata"
				    "\\local\\temp\\") == 0)
					return "<user-temp>";
				if (starts(envs[i].as, "\\users\\*\\"))
					return "<user-profile>";
				for (size_t j = 0; j < sizeof(dirs) /
				    sizeof(dirs[0]); j++)
					if (strcmp(dirs[j].prefix,
					    envs[i].as) == 0)
						return dirs[j].cls;
			}
		*rest = q;
		return "<other>";
	} else if (isalpha((unsigned char)q[0]) && q[1] == ':' && q[2] == '\\')
		q += 2;
	else {
		*rest = q;
		return "<relative>";
	}
	/* q starts with '\' */
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (starts(q, dirs[i].prefix)) {
			*rest = q + strlen(dirs[i].prefix);
			return dirs[i].cls;
		}
	if (starts(q, "\\users\\") || starts(q, "\\documents and settings\\")) {
		const char *u = strchr(q + 1, '\\') + 1, *s = strchr(u, '\\');

		if (s == NULL) {
			*rest = u;
			return "<user-profile>";
		}
		s++;
		if (starts(s, "appdata\\local\\temp\\")) {
			*rest = s + strlen("appdata\\local\\temp\\");
			return "<user-temp>";
		}
		if (starts(s, "local settings\\temp\\")) {
			*rest = s + strlen("local settings\\temp\\");
			return "<user-temp>";
		}
		*rest = s;
		return "<user-profile>";
	}
	*rest = q + 1;
	/* a root-level 8.3 short name: "\\progra~3\\" */
	for (const char *t = q + 1; *t != '\0' && *t != '\\'; t++)
		if (t[0] == '~' && isdigit((unsigned char)t[1]))
			return "<short-name>";
	return "<other>";
}

const char *
base_dirclass(const char *path)
{
	struct ev_buf b = EV_BUF_INIT;
	const char *rest, *cls;

	norm_path(path, &b);
	cls = classify(b.buf, &rest);
	ev_buf_release(&b);
	return cls;
}

/* ".ext" of the last component (1..8 alnum), or "" */
static void
add_ext(struct ev_buf *out, const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t n;

	if (dot == NULL)
		return;
	n = strlen(dot + 1);
	if (n == 0 || n > 8)
		return;
	for (size_t i = 1; i <= n; i++)
		if (!isalnum((unsigned char)dot[i]))
			return;
	ev_buf_add(out, dot, n + 1);
}

/*
 * "*.ext" for a file name; a name with an alternate data stream
 * ("file.txt:payload.dll") gives "*.txt:*.dll".
 */
static void
add_star_ext(struct ev_buf *out, const char *name)
{
	const char *colon = strchr(name, ':');
	char *host;

	if (colon == NULL || colon[1] == '\0') {
		ev_buf_addc(out, '*');
		add_ext(out, name);
		return;
	}
	if ((host = strndup(name, (size_t)(colon - name))) == NULL) {
		out->oom = true;
		return;
	}
	ev_buf_addc(out, '*');
	add_ext(out, host);
	free(host);
	ev_buf_adds(out, ":*");
	add_ext(out, colon + 1);
}

static const char *
basename_of(const char *rest)
{
	const char *s = strrchr(rest, '\\');

	return s ? s + 1 : rest;
}

/* "<class>\*.ext" for a path argument */
static void
shape_path(const char *arg, struct ev_buf *out)
{
	struct ev_buf b = EV_BUF_INIT;
	const char *rest, *cls, *name;

	norm_path(arg, &b);
	cls = classify(b.buf, &rest);
	ev_buf_adds(out, cls);
	ev_buf_addc(out, '\\');
	name = basename_of(rest);
	if (*name != '\0')
		add_star_ext(out, name);
	ev_buf_release(&b);
}

/* ---- inline placeholders ----------------------------------------- */

static bool
is_word(int c)
{
	return isalnum(c) || c == '_';
}

static size_t
span_hex(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && isxdigit((unsigned char)s[n]))
		n++;
	return n;
}

/* length of a GUID (8-4-4-4-12 hex) at s, or 0 */
static size_t
guid_at(const char *s)
{
	static const size_t parts[] = { 8, 4, 4, 4, 12 };
	size_t off = 0;

	for (size_t i = 0; i < 5; i++) {
		if (span_hex(s + off, parts[i] + 1) != parts[i])
			return 0;
		off += parts[i];
		if (i < 4) {
			if (s[off] != '-')
				return 0;
			off++;
		}
	}
	return off;
}

/* length of a dotted IPv4 address (with :port) at s, or 0 */
static size_t
ipv4_at(const char *s, bool *port)
{
	size_t off = 0;

	*port = false;
	for (int i = 0; i < 4; i++) {
		size_t d = 0;

		while (d < 4 && isdigit((unsigned char)s[off + d]))
			d++;
		if (d == 0 || d > 3)
			return 0;
		off += d;
		if (i < 3) {
			if (s[off] != '.')
				return 0;
			off++;
		}
	}
	if (is_word((unsigned char)s[off]) || (s[off] == '.' &&
	    isdigit((unsigned char)s[off + 1])))
		return 0;
	if (s[off] == ':' && isdigit((unsigned char)s[off + 1])) {
		off++;
		while (isdigit((unsigned char)s[off]))
			off++;
		*port = true;
	}
	return off;
}

/* length of a base64 run at s (original case), or 0 */
static size_t
base64_at(const char *s)
{
	size_t n = 0, slashes = 0;
	bool up = false, lo = false, dig = false;

	while (isalnum((unsigned char)s[n]) || s[n] == '+' || s[n] == '/') {
		slashes += s[n] == '/';
		up |= isupper((unsigned char)s[n]) != 0;
		lo |= islower((unsigned char)s[n]) != 0;
		dig |= isdigit((unsigned char)s[n]) || s[n] == '+' || s[n] == '/';
		n++;
	}
	/* "a/b/c" paths and URLs have far more '/' than base64's 1 in 64 */
	if (n < 24 || !up || !lo || !dig || slashes * 16 > n)
		return 0;
	while (s[n] == '=')
		n++;
	return n;
}

/*
 * Length of a run of digits ending a word at s, or 0; "32" and "64"
 * are kept (shell32, win64: architecture, not a counter).
 */
static size_t
trailing_number(const char *s)
{
	size_t n = 0;

	while (isdigit((unsigned char)s[n]))
		n++;
	if (n == 0 || is_word((unsigned char)s[n]))
		return 0;
	if (n == 2 && ((s[0] == '3' && s[1] == '2') ||
	    (s[0] == '6' && s[1] == '4')))
		return 0;
	return n;
}

/* true when the word holding s[i] is a file extension ("ps1", "mp4") */
static bool
extension(const char *s, size_t i)
{
	size_t w = i;

	while (w > 0 && is_word((unsigned char)s[w - 1]))
		w--;
	return w > 0 && s[w - 1] == '.' && i - w <= 3;
}

/* the variable parts of s replaced, the rest lower-cased */
static void
shape_inline(const char *s, struct ev_buf *out)
{
	size_t i = 0, n;
	bool port;

	while (s[i] != '\0') {
		bool bound = i == 0 || !is_word((unsigned char)s[i - 1]);

		if (bound && (n = guid_at(s + i)) != 0 &&
		    !is_word((unsigned char)s[i + n])) {
			ev_buf_adds(out, "<guid>");
			i += n;
		} else if (bound && (n = ipv4_at(s + i, &port)) != 0) {
			ev_buf_adds(out, port ? "<ip>:<n>" : "<ip>");
			i += n;
		} else if (bound && (n = base64_at(s + i)) != 0) {
			ev_buf_adds(out, "<base64>");
			i += n;
		} else if (bound && s[i] == '0' && lower(s[i + 1]) == 'x' &&
		    (n = span_hex(s + i + 2, SIZE_MAX)) != 0 &&
		    !is_word((unsigned char)s[i + 2 + n])) {
			ev_buf_adds(out, "<hex>");
			i += 2 + n;
		} else if (bound && (n = span_hex(s + i, SIZE_MAX)) >= 8 &&
		    !is_word((unsigned char)s[i + n])) {
			size_t d = 0;

			for (size_t k = 0; k < n; k++)
				d += isdigit((unsigned char)s[i + k]) != 0;
			if (d == n || d == 0) {
				/* all digits: a number; no digit: a word */
				ev_buf_adds(out, d == n ? "<n>" : "");
				if (d == 0)
					for (size_t k = 0; k < n; k++)
						ev_buf_addc(out,
						    (char)lower(s[i + k]));
			} else
				ev_buf_adds(out, "<hex>");
			i += n;
		} else if (bound && isdigit((unsigned char)s[i])) {
			n = 0;
			while (isdigit((unsigned char)s[i + n]))
				n++;
			if (is_word((unsigned char)s[i + n])) {
				/* "2nd", "64bit": a word, kept */
				while (is_word((unsigned char)s[i]))
					ev_buf_addc(out, (char)lower(s[i++]));
				continue;
			}
			ev_buf_adds(out, "<n>");
			i += n;
		} else if (!bound && isdigit((unsigned char)s[i]) &&
		    isalpha((unsigned char)s[i - 1]) &&
		    (n = trailing_number(s + i)) != 0 &&
		    !extension(s, i)) {
			/* "seg99", "job2024": a counter on a word */
			ev_buf_adds(out, "<n>");
			i += n;
		} else if (!bound && is_word((unsigned char)s[i])) {
			ev_buf_addc(out, (char)lower(s[i++]));
		} else
			ev_buf_addc(out, (char)lower(s[i++]));
	}
}

/* ---- whole arguments --------------------------------------------- */

static const char *const pseudo_schemes[] = {
	"javascript", "vbscript", "mk", "ms-its", "its", "file", "about",
	"res", "shell", "ms-msdt", "search-ms", "ms-appinstaller", "http",
	"https", "ftp", "mhtml", "data", "script",
};

/* length of "scheme" when s is a URL ("x://" or a known "x:"), or 0 */
static size_t
url_at(const char *s)
{
	size_t n = 0;

	if (!isalpha((unsigned char)s[0]))
		return 0;
	while (n < 24 && (isalnum((unsigned char)s[n]) || s[n] == '+' ||
	    s[n] == '-' || s[n] == '.'))
		n++;
	if (n < 2 || s[n] != ':')
		return 0;
	if (s[n + 1] == '/' && s[n + 2] == '/')
		return n;
	for (size_t i = 0; i < sizeof(pseudo_schemes) /
	    sizeof(pseudo_schemes[0]); i++)
		if (strlen(pseudo_schemes[i]) == n &&
		    strncasecmp(s, pseudo_schemes[i], n) == 0)
			return n;
	return 0;
}

static bool
looks_path(const char *s)
{
	if (isalpha((unsigned char)s[0]) && s[1] == ':' &&
	    (s[2] == '\\' || s[2] == '/'))
		return true;
	if (s[0] == '\\' || (s[0] == '%' && strchr(s, '\\') != NULL))
		return true;
	if (s[0] == '.' && (s[1] == '\\' || (s[1] == '.' && s[2] == '\\')))
		return true;
	/* a relative path "dir\file" (not a regex or a domain\user) */
	return strchr(s, '\\') != NULL && strchr(s, '.') != NULL &&
	    strchr(s, ' ') == NULL;
}

static void shape_value(const char *s, struct ev_buf *out);

/* "/x", "-x", "--x", "//x" then ':' or '=' and a value */
static bool
shape_switch(const char *s, struct ev_buf *out)
{
	size_t n = 1;

	if (s[0] != '/' && s[0] != '-')
		return false;
	if (s[1] == s[0])
		n = 2;
	if (!isalpha((unsigned char)s[n]) && s[n] != '?')
		return false;
	/* "/windows/x" style paths are not switches: no second '/' */
	while (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '-' ||
	    s[n] == '?' || s[n] == '.')
		n++;
	for (size_t i = 0; i < n; i++)
		ev_buf_addc(out, (char)lower(s[i]));
	if (s[n] == ':' || s[n] == '=') {
		ev_buf_addc(out, s[n]);
		shape_value(s + n + 1, out);
	} else
		shape_inline(s + n, out);
	return true;
}

static void
shape_value(const char *s, struct ev_buf *out)
{
	size_t n;

	if ((n = url_at(s)) != 0) {
		ev_buf_adds(out, "<url:");
		for (size_t i = 0; i < n; i++)
			ev_buf_addc(out, (char)lower(s[i]));
		ev_buf_addc(out, '>');
	} else if (looks_path(s))
		shape_path(s, out);
	else
		shape_inline(s, out);
}

static void
shape_one(const char *arg, bool comma, struct ev_buf *out)
{
	const char *c;

	if (comma && (c = strchr(arg, ',')) != NULL) {
		char *left = strndup(arg, (size_t)(c - arg));

		if (left == NULL) {
			out->oom = true;
			return;
		}
		shape_one(left, false, out);
		free(left);
		ev_buf_addc(out, ',');
		shape_value(c + 1, out);
		return;
	}
	if (!shape_switch(arg, out))
		shape_value(arg, out);
}

void
base_shape_arg(const char *arg, bool comma, struct ev_buf *out)
{
	size_t start = out->len;

	shape_one(arg, comma, out);
	if (out->len - start > BASE_MAX_SHAPE && !ev_buf_failed(out)) {
		out->len = start + BASE_MAX_SHAPE;
		/* do not cut a UTF-8 sequence */
		while (out->len > start &&
		    ((unsigned char)out->buf[out->len] & 0xc0) == 0x80)
			out->len--;
		out->buf[out->len] = '\0';
		ev_buf_adds(out, "<...>");
	}
}

void
base_shape_cmdline(const char *cmdline, bool comma, struct ev_buf *out)
{
	char *clean = clean_cmdline(cmdline), **argv = NULL;
	size_t argc = 0;

	if (clean == NULL || base_argv(clean, &argv, &argc) != 0) {
		out->oom = true;
		free(clean);
		return;
	}
	for (size_t i = 1; i < argc; i++) {
		if (i > 1)
			ev_buf_addc(out, ' ');
		base_shape_arg(argv[i], comma, out);
	}
	base_argv_free(argv);
	free(clean);
}

int
base_shape_args(const char *cmdline, char ***argv, size_t *argc)
{
	char *clean = clean_cmdline(cmdline);
	int rc;

	if (clean == NULL)
		return EV_ENOMEM;
	rc = base_argv(clean, argv, argc);
	free(clean);
	return rc;
}

/* extensions of files a proxy is handed to run or load */
static const char *const payload_exts[] = {
	"dll", "ocx", "cpl", "exe", "sct", "wsc", "hta", "htm", "html",
	"js", "jse", "vbs", "vbe", "wsf", "ps1", "bat", "cmd", "xml", "xsl",
	"csproj", "vbproj", "proj", "targets", "inf", "msi", "txt", "dat",
	"tmp", "bin", "chm",
};

static bool
payload_ext(const char *name, bool search)
{
	const char *dot = strrchr(name, '.');

	if (dot == NULL)
		return false;
	if (search && (strcasecmp(dot, ".dll") == 0 ||
	    strcasecmp(dot, ".ocx") == 0 || strcasecmp(dot, ".cpl") == 0))
		return false;
	for (size_t i = 0; i < sizeof(payload_exts) / sizeof(payload_exts[0]);
	    i++)
		if (strcasecmp(dot + 1, payload_exts[i]) == 0)
			return true;
	return false;
}

char *
base_resolve_arg(const char *arg, const char *cwd, bool comma, bool search)
{
	struct ev_buf b = EV_BUF_INIT;
	size_t plen = strlen(arg), clen;
	const char *c = comma ? strchr(arg, ',') : NULL;
	char *part;
	bool sep;

	if (cwd == NULL || !((isalpha((unsigned char)cwd[0]) &&
	    cwd[1] == ':') || (cwd[0] == '\\' && cwd[1] == '\\')))
		return NULL;
	if (c != NULL)
		plen = (size_t)(c - arg);
	if (plen == 0 || plen > BASE_MAX_SHAPE || arg[0] == '/' ||
	    arg[0] == '-' || arg[0] == '\\' || arg[0] == '%' ||
	    url_at(arg) != 0 || (isalpha((unsigned char)arg[0]) &&
	    arg[1] == ':'))
		return NULL;
	if ((part = strndup(arg, plen)) == NULL)
		return NULL;
	sep = strpbrk(part, "\\/") != NULL;
	/* "x.dll" through the search order, "a b", "x" are not resolved */
	if (strchr(part, ' ') != NULL || (!sep && !payload_ext(part, search)) ||
	    (sep && strchr(part, '.') == NULL)) {
		free(part);
		return NULL;
	}
	clen = strnlen(cwd, BASE_MAX_CMDLINE);
	while (clen > 0 && (cwd[clen - 1] == '\\' || cwd[clen - 1] == '/'))
		clen--;
	ev_buf_add(&b, cwd, clen);
	ev_buf_addc(&b, '\\');
	ev_buf_adds(&b, part + ((part[0] == '.' && (part[1] == '\\' ||
	    part[1] == '/')) ? 2 : 0));
	if (c != NULL)
		ev_buf_adds(&b, c);
	free(part);
	if (ev_buf_failed(&b)) {
		ev_buf_release(&b);
		return NULL;
	}
	return b.buf;
}

void
base_shape_file(const char *path, struct ev_buf *out)
{
	struct ev_buf b = EV_BUF_INIT;
	const char *rest, *cls, *name;

	norm_path(path, &b);
	cls = classify(b.buf, &rest);
	ev_buf_adds(out, cls);
	ev_buf_addc(out, '\\');
	name = basename_of(rest);
	if (strcmp(cls, "<user-temp>") == 0 ||
	    strcmp(cls, "<windir-temp>") == 0 || strcmp(cls, "<unc>") == 0)
		add_star_ext(out, name);
	else
		shape_inline(name, out);
	ev_buf_release(&b);
}

const char *
base_ip_class(const char *ip)
{
	unsigned char a[16];

	if (ip == NULL)
		return NULL;
	if (inet_pton(AF_INET, ip, a) == 1) {
v4:
		if (a[0] == 127)
			return "loopback";
		if (a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
		    (a[0] == 192 && a[1] == 168) ||
		    (a[0] == 100 && (a[1] & 0xc0) == 64))
			return "private";
		if (a[0] == 169 && a[1] == 254)
			return "link-local";
		if ((a[0] & 0xf0) == 224 || (a[0] == 255 && a[1] == 255 &&
		    a[2] == 255 && a[3] == 255))
			return "multicast";
		if (a[0] == 0)
			return "unspecified";
		return "public";
	}
	if (inet_pton(AF_INET6, ip, a) == 1) {
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0,
		    0, 0, 0, 0xff, 0xff };
		static const unsigned char zero[16];

		if (memcmp(a, mapped, 12) == 0) {
			memmove(a, a + 12, 4);
			goto v4;
		}
		if (memcmp(a, zero, 15) == 0)
			return a[15] == 1 ? "loopback" : "unspecified";
		if ((a[0] & 0xfe) == 0xfc)
			return "private";
		if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
			return "link-local";
		if (a[0] == 0xff)
			return "multicast";
		return "public";
	}
	return NULL;
}
