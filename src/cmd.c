/*
 * cmd.c -- what every subcommand shares: messages, usage, dispatch,
 * stdout checks, and the one output policy (see cmd.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "ev_buf.h"
#include "ev_term.h"
#include "ev_time.h"
#include "ingest.h"

/*
 * The one way a message reaches stderr: formatted whole, then escaped
 * for the terminal (ev_term_safe()), so a file name or a rule value can
 * neither run escape sequences nor start a line of its own.
 */
static void
vmessage(const char *cmd, const char *fmt, va_list ap)
{
	struct ev_buf raw = EV_BUF_INIT, safe = EV_BUF_INIT;

	ev_buf_vaddf(&raw, fmt, ap);
	ev_term_safe(&safe, raw.buf);
	fflush(stdout);
	fprintf(stderr, "%s%s%s: %s\n", cmd_progname, cmd ? " " : "",
	    cmd ? cmd : "", ev_buf_failed(&raw) || ev_buf_failed(&safe) ?
	    "out of memory" : safe.buf);
	ev_buf_release(&raw);
	ev_buf_release(&safe);
}

void
cmd_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(NULL, fmt, ap);
	va_end(ap);
}

int
cmd_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(cmd, fmt, ap);
	va_end(ap);
	fprintf(stderr, "try '%s %s --help'\n", cmd_progname, cmd);
	return CMD_EXIT_ERROR;
}

int
cmd_time_zone(const char *cmd, const char *tz)
{
	if (tz != NULL && ev_time_set_zone(tz) != 0)
		return cmd_usage_error(cmd, "--tz: '%s' is not a time zone "
		    "(a name such as Europe/Berlin, a POSIX TZ string, or UTC)",
		    tz);
	if (tz == NULL && ev_time_set_zone(getenv("TZ")) != 0)
		cmd_warn("TZ: '%s' is not a time zone; times are shown in UTC",
		    getenv("TZ"));
	return 0;
}

void
cmd_print_usage(FILE *f, const char *const *lines)
{
	for (; *lines != NULL; lines++)
		fprintf(f, "%s\n", *lines);
}

int
cmd_finish_stdout(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: error writing standard output: %s\n",
		    cmd_progname, strerror(errno));
		return CMD_EXIT_ERROR;
	}
	return status;
}

int
cmd_dispatch(const char *cmd, const struct cmd_sub *subs, size_t nsubs,
    void (*usage)(FILE *), int argc, char **argv)
{
	char names[256] = "";
	size_t len = 0;

	if (argc < 2) {
		usage(stderr);
		return CMD_EXIT_ERROR;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return cmd_finish_stdout(CMD_EXIT_OK);
	}
	for (size_t i = 0; i < nsubs; i++)
		if (strcmp(argv[1], subs[i].name) == 0) {
			optind = 1;	/* getopt restarts for the command */
			return subs[i].fn(argc - 1, argv + 1);
		}
	if (cmd == NULL) {
		cmd_warn("'%s' is not a command", argv[1]);
		usage(stderr);
		return CMD_EXIT_ERROR;
	}
	for (size_t i = 0; i < nsubs && len < sizeof(names); i++)
		len += (size_t)snprintf(names + len, sizeof(names) - len,
		    "%s%s", i > 0 ? ", " : "", subs[i].name);
	return cmd_usage_error(cmd, "'%s' is not a %s command (%s)", argv[1],
	    cmd, names);
}

/* ---- outputs (see cmd.h) ---- */

#define OUT_MAX		16	/* claims and temporaries of one run */
#define OUT_SLOTS	(2 * OUT_MAX)

static struct ingest_skip claims[2 * OUT_MAX];
static size_t nclaims;

/*
 * Temporaries to remove on a signal: fixed buffers, so the handler needs
 * no allocator and a slot is never freed under it; a slot is in use
 * while its flag is set.
 */
static char slot_path[OUT_SLOTS][PATH_MAX];
static volatile sig_atomic_t slot_used[OUT_SLOTS];
static bool handlers_set;

static void
on_fatal_signal(int sig)
{
	int saved = errno;

	for (size_t i = 0; i < OUT_SLOTS; i++)
		if (slot_used[i])
			unlink(slot_path[i]);
	signal(sig, SIG_DFL);
	raise(sig);
	errno = saved;
}

static void
set_handlers(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, old;

	if (handlers_set)
		return;
	handlers_set = true;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		/* a signal the caller ignores (nohup) stays ignored */
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

/* Registers path (and suffix appended, when not NULL); slot or -1. */
static int
slot_add(const char *path, const char *suffix)
{
	size_t n = strlen(path), m = suffix ? strlen(suffix) : 0;

	if (n + m >= PATH_MAX)
		return -1;
	set_handlers();
	for (int i = 0; i < OUT_SLOTS; i++)
		if (!slot_used[i]) {
			memcpy(slot_path[i], path, n);
			memcpy(slot_path[i] + n, suffix ? suffix : "", m);
			slot_path[i][n + m] = '\0';
			slot_used[i] = 1;
			return i;
		}
	return -1;
}

static void
slot_clear(int i)
{
	if (i >= 0)
		slot_used[i] = 0;
}

static bool
is_stdout(const char *path)
{
	return path == NULL || strcmp(path, "-") == 0;
}

static void
claim_add(const struct stat *st)
{
	if (nclaims < sizeof(claims) / sizeof(claims[0])) {
		claims[nclaims].dev = st->st_dev;
		claims[nclaims].ino = st->st_ino;
		nclaims++;
	}
}

/*
 * Whether the temporary beside path can be created: its directory exists
 * and is writable.  Prints "cannot create 'path': reason" when not.
 */
static bool
dir_writable(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int e = 0;

	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir == NULL) {
		cmd_warn("out of memory");
		return false;
	}
	if (access(dir, W_OK | X_OK) == -1)
		e = errno;
	free(dir);
	if (e != 0) {
		cmd_warn("cannot create '%s': %s", path, strerror(e));
		return false;
	}
	return true;
}

int
cmd_out_claim(const char *path, unsigned flags)
{
	struct stat lst, st;

	if (path == NULL)
		return 0;
	if (is_stdout(path)) {
		if (flags & CMD_OUT_DB) {
			cmd_warn("cannot write a database to standard output");
			return CMD_EXIT_ERROR;
		}
		return 0;
	}
	if (lstat(path, &lst) == -1) {
		if (errno == ENOENT)	/* a new name */
			return dir_writable(path) ? 0 : CMD_EXIT_ERROR;
		cmd_warn("cannot access '%s': %s", path, strerror(errno));
		return CMD_EXIT_ERROR;
	}
	if (flags & CMD_OUT_NEW) {
		cmd_warn("'%s' exists (use --force to replace it)", path);
		return CMD_EXIT_ERROR;
	}
	claim_add(&lst);
	if (S_ISLNK(lst.st_mode) && stat(path, &st) == 0) {
		claim_add(&st);
		if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ||
		    S_ISFIFO(st.st_mode))
			lst = st;	/* written through the link */
	}
	if (S_ISDIR(lst.st_mode)) {
		cmd_warn("cannot write '%s': Is a directory", path);
		return CMD_EXIT_ERROR;
	}
	if ((flags & CMD_OUT_DB) && !S_ISREG(lst.st_mode) &&
	    !S_ISLNK(lst.st_mode)) {
		cmd_warn("cannot write a database to '%s': not a regular file",
		    path);
		return CMD_EXIT_ERROR;
	}
	/* replaced through a temporary beside it */
	if ((S_ISREG(lst.st_mode) || S_ISLNK(lst.st_mode)) &&
	    !dir_writable(path))
		return CMD_EXIT_ERROR;
	return 0;
}

bool
cmd_out_is_claimed(const char *path)
{
	struct stat st;

	if (path == NULL || stat(path, &st) == -1)
		return false;
	for (size_t i = 0; i < nclaims; i++)
		if (claims[i].dev == st.st_dev && claims[i].ino == st.st_ino)
			return true;
	return false;
}

const struct ingest_skip *
cmd_out_claims(size_t *n)
{
	*n = nclaims;
	return claims;
}

/* The process umask, read once (umask() can only be read by setting). */
static mode_t
file_mode(void)
{
	static mode_t mask;
	static bool have;

	if (!have) {
		mask = umask(077);
		umask(mask);
		have = true;
	}
	return 0666 & ~mask;
}

/*
 * 1 when path is to be written directly (a device or FIFO, or a link to
 * one), 0 when through a temporary, -1 on an error (message printed).
 */
static int
direct_target(const char *path, unsigned flags)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return 0;	/* new, or a dangling link: replaced */
	if (S_ISREG(st.st_mode))
		return 0;
	if (S_ISDIR(st.st_mode)) {
		cmd_warn("cannot write '%s': Is a directory", path);
		return -1;
	}
	if (flags & CMD_OUT_DB) {
		cmd_warn("cannot write a database to '%s': not a regular file",
		    path);
		return -1;
	}
	return 1;
}

int
cmd_out_open(struct cmd_out *o, const char *path, unsigned flags)
{
	struct stat st;
	int fd = -1, direct;

	memset(o, 0, sizeof(*o));
	o->path = path;
	o->flags = flags;
	o->slot = -1;
	if (is_stdout(path)) {
		if (flags & CMD_OUT_DB) {
			cmd_warn("cannot write a database to standard output");
			return -1;
		}
		o->fp = stdout;
		return 0;
	}
	/* a link is replaced unless it leads to a device or FIFO */
	if ((direct = direct_target(path, flags)) == -1)
		return -1;
	if (direct) {
		if ((fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC)) == -1 ||
		    fstat(fd, &st) == -1 || S_ISREG(st.st_mode) ||
		    (o->fp = fdopen(fd, "w")) == NULL) {
			if (fd != -1 && errno == 0)
				errno = EEXIST;	/* became a file meanwhile */
			cmd_warn("cannot open '%s': %s", path, strerror(errno));
			if (fd != -1)
				close(fd);
			return -1;
		}
		return 0;
	}
	if ((o->tmp = malloc(strlen(path) + 8)) == NULL) {
		cmd_warn("out of memory");
		return -1;
	}
	snprintf(o->tmp, strlen(path) + 8, "%s.XXXXXX", path);
	if ((fd = mkstemp(o->tmp)) == -1) {
		cmd_warn("cannot create '%s': %s", o->tmp, strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		return -1;
	}
	if ((o->slot = slot_add(o->tmp, NULL)) == -1) {
		cmd_warn("cannot create '%s': too many outputs or name too "
		    "long", o->tmp);
		goto fail;
	}
	if (fstat(fd, &st) == 0)
		claim_add(&st);
	if (fchmod(fd, file_mode()) == -1) {
		cmd_warn("cannot create '%s': %s", o->tmp, strerror(errno));
		goto fail;
	}
	if (flags & CMD_OUT_DB) {
		int j = slot_add(o->tmp, "-journal");

		(void)j;	/* SQLite's rollback journal, if any */
		close(fd);
		return 0;
	}
	if ((o->fp = fdopen(fd, "w")) == NULL) {
		cmd_warn("cannot create '%s': %s", o->tmp, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	close(fd);
	cmd_out_abort(o);
	return -1;
}

static void
forget_tmp(struct cmd_out *o)
{
	size_t n;

	if (o->tmp == NULL)
		return;
	/* the journal slot, if any, was taken right after o->slot */
	n = strlen(o->tmp);
	for (int i = 0; i < OUT_SLOTS; i++)
		if (slot_used[i] && strncmp(slot_path[i], o->tmp, n) == 0 &&
		    strcmp(slot_path[i] + n, "-journal") == 0)
			slot_used[i] = 0;
	slot_clear(o->slot);
	o->slot = -1;
	free(o->tmp);
	o->tmp = NULL;
}

int
cmd_out_commit(struct cmd_out *o)
{
	const char *name = is_stdout(o->path) ? "standard output" : o->path;
	int fd, rc = 0;

	if (o->fp == stdout) {
		o->fp = NULL;
		if (fflush(stdout) != 0 || ferror(stdout)) {
			cmd_warn("error writing standard output: %s",
			    strerror(errno));
			return -1;
		}
		return 0;
	}
	errno = 0;
	if (o->fp != NULL) {
		if (fflush(o->fp) != 0 || ferror(o->fp) ||
		    (o->tmp != NULL && fsync(fileno(o->fp)) != 0))
			rc = -1;
		if (fclose(o->fp) != 0)
			rc = -1;
		o->fp = NULL;
	} else if (o->tmp != NULL) {
		/* a database: durable before it gets its name */
		if ((fd = open(o->tmp, O_RDONLY | O_CLOEXEC)) == -1 ||
		    fsync(fd) != 0)
			rc = -1;
		if (fd != -1)
			close(fd);
	}
	if (rc == 0 && o->tmp != NULL && rename(o->tmp, o->path) == -1) {
		cmd_warn("cannot rename '%s' to '%s': %s", o->tmp, o->path,
		    strerror(errno));
		cmd_out_abort(o);
		return -1;
	}
	if (rc != 0) {
		cmd_warn("error writing '%s': %s", name, errno ?
		    strerror(errno) : "write error");
		cmd_out_abort(o);
		return -1;
	}
	forget_tmp(o);
	return 0;
}

void
cmd_out_abort(struct cmd_out *o)
{
	if (o->fp != NULL && o->fp != stdout)
		fclose(o->fp);
	o->fp = NULL;
	if (o->tmp != NULL) {
		unlink(o->tmp);
		if (o->flags & CMD_OUT_DB) {
			size_t n = strlen(o->tmp);
			char *j = malloc(n + 9);

			if (j != NULL) {
				memcpy(j, o->tmp, n);
				memcpy(j + n, "-journal", 9);
				unlink(j);
				free(j);
			}
		}
	}
	forget_tmp(o);
}

char *
cmd_line_join(const char *prog, int argc, char **argv)
{
	struct ev_buf b = EV_BUF_INIT;

	ev_buf_adds(&b, prog);
	for (int i = 0; i < argc; i++) {
		ev_buf_addc(&b, ' ');
		ev_buf_adds(&b, argv[i]);
	}
	return ev_buf_detach(&b, NULL);
}

int
cmd_out_db(const char *path, int (*fn)(const char *, void *, struct ev_err *),
    void *arg, struct ev_err *err)
{
	struct cmd_out o;
	int rc;

	if (cmd_out_open(&o, path, CMD_OUT_DB) != 0)
		return EV_ERR(err, EV_EIO, 0, "%s: not written", path);
	if ((rc = fn(o.tmp, arg, err)) != 0)
		cmd_out_abort(&o);
	else if (cmd_out_commit(&o) != 0)
		rc = EV_ERR(err, EV_EIO, 0, "%s: not written", path);
	return rc;
}
