/*
 * ingest_walk.c -- the inputs of a run: the PATHs walked recursively in
 * byte order of their names, EVTX files recognised by their signature,
 * loops, special files and the run's own outputs noted (see ingest.h).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ev_buf.h"
#include "ev_util.h"
#include "evtx/format.h"
#include "ingest.h"

struct walk {
	struct ingest_run	*run;		/* for messages */
	struct ingest_file	*files;
	size_t			 nfiles, cap;
	struct { dev_t dev; ino_t ino; } *seen;	/* directories visited */
	size_t			 nseen, seencap;
	const struct ingest_opts *opts;
	char			*clash;		/* evidence that is an output */
	bool			 error;		/* a PATH was missing etc. */
	bool			 oom;
};

bool
ingest_run_msg(struct ingest_run *run, const char *fmt, ...)
{
	struct ev_buf b = EV_BUF_INIT;
	char **v;
	va_list ap;

	va_start(ap, fmt);
	ev_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (ev_buf_failed(&b) || (v = realloc(run->messages,
	    (run->nmessages + 1) * sizeof(*v))) == NULL) {
		ev_buf_release(&b);
		return false;
	}
	run->messages = v;
	v[run->nmessages++] = ev_buf_detach(&b, NULL);
	return true;
}

static void __attribute__((format(printf, 2, 3)))
walk_warn(struct walk *w, const char *fmt, ...)
{
	struct ev_buf b = EV_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	ev_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (ev_buf_failed(&b) || !ingest_run_msg(w->run, "%s", b.buf))
		w->oom = true;
	ev_buf_release(&b);
}

static struct ingest_file *
add_file(struct walk *w, const char *path, uint64_t size)
{
	struct ingest_file *f;

	if (w->nfiles == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;

		f = realloc(w->files, cap * sizeof(*f));
		if (f == NULL) {
			w->oom = true;
			return NULL;
		}
		w->files = f;
		w->cap = cap;
	}
	f = &w->files[w->nfiles];
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	if (f->path == NULL) {
		w->oom = true;
		return NULL;
	}
	f->size = size;
	evtx_stats_init(&f->stats);
	w->nfiles++;
	return f;
}

/*
 * A path the walk does not read (a loop, too deep, a special file): a
 * message, and a file of status skipped, so that the report lists it and
 * --strict fails.
 */
static void
walk_skip(struct walk *w, const char *path, const char *why)
{
	struct ingest_file *f;

	walk_warn(w, "%s: %s, skipped", path, why);
	if ((f = add_file(w, path, 0)) != NULL) {
		f->status = INGEST_SKIPPED;
		if ((f->message = strdup(why)) == NULL)
			w->oom = true;
	}
}

static bool
has_evtx_name(const char *path)
{
	size_t n = strlen(path);

	return n >= 5 && strcasecmp(path + n - 5, ".evtx") == 0;
}

/*
 * Looks at the first bytes: 1 for an EVTX file ("ElfFile\0", or a damaged
 * header followed by an "ElfChnk\0" chunk), 0 for something else, -1 when
 * the file cannot be read (errno set).
 */
static int
sniff(const char *path, uint64_t size)
{
	unsigned char b[8];
	int fd, rc = 0;

	if ((fd = evtx_open_evidence(path)) == -1)
		return -1;
	if (pread(fd, b, 8, 0) == 8 && memcmp(b, EVTX_FILE_SIG, 8) == 0)
		rc = 1;
	else if (size > EVTX_FILE_HDR_SIZE + 8 &&
	    pread(fd, b, 8, EVTX_FILE_HDR_SIZE) == 8 &&
	    memcmp(b, EVTX_CHUNK_SIG, 8) == 0)
		rc = 1;
	close(fd);
	return rc;
}

/*
 * Considers one regular file.  explicit: named on the command line (then a
 * non-EVTX file is an input error whatever its name).
 */
static void
walk_file(struct walk *w, const char *path, const struct stat *st,
    bool explicit)
{
	struct ingest_file *f;
	int kind;

	for (size_t i = 0; i < w->opts->nskip; i++) {
		if (w->opts->skip[i].dev != st->st_dev ||
		    w->opts->skip[i].ino != st->st_ino)
			continue;
		/* the run's own output: skipped, unless it is evidence */
		if ((explicit || (st->st_size > 0 &&
		    sniff(path, (uint64_t)st->st_size) == 1)) &&
		    w->clash == NULL && (w->clash = strdup(path)) == NULL)
			w->oom = true;
		return;
	}
	if (st->st_size == 0) {
		if (!explicit && !has_evtx_name(path))
			return;
		if ((f = add_file(w, path, 0)) != NULL) {
			f->status = INGEST_EMPTY;
			f->message = strdup("0-byte file");
		}
		return;
	}
	kind = sniff(path, (uint64_t)st->st_size);
	if (kind == 0 && !explicit && !has_evtx_name(path))
		return;		/* not evidence we read: other files in dirs */
	if ((f = add_file(w, path, (uint64_t)st->st_size)) == NULL)
		return;
	if (kind == -1) {
		char msg[300];

		snprintf(msg, sizeof(msg), "cannot open: %s", strerror(errno));
		f->status = INGEST_UNREADABLE;
		f->message = strdup(msg);
	} else if (kind == 0 && !has_evtx_name(path) && explicit) {
		f->status = INGEST_UNREADABLE;
		f->message = strdup("not an EVTX file (no ElfFile signature)");
	} else if (kind == 0) {
		/*
		 * Named .evtx without a signature: the reader still looks for
		 * chunks further in (a damaged header) and says no otherwise.
		 */
		f->status = INGEST_OK;
	}
}

static int
path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk_path(struct walk *, const char *, bool explicit, int depth);

static void
walk_dir(struct walk *w, const char *path, const struct stat *st, int depth)
{
	struct dirent *de;
	char **names = NULL, **tmp;
	size_t n = 0, cap = 0;
	DIR *d;

	for (size_t i = 0; i < w->nseen; i++)
		if (w->seen[i].dev == st->st_dev && w->seen[i].ino == st->st_ino) {
			walk_skip(w, path, "directory loop");
			return;
		}
	if (depth > 64) {
		walk_skip(w, path, "directories too deep");
		return;
	}
	if (w->nseen == w->seencap) {
		size_t c = w->seencap ? w->seencap * 2 : 16;
		void *p = realloc(w->seen, c * sizeof(*w->seen));

		if (p == NULL) {
			w->oom = true;
			return;
		}
		w->seen = p;
		w->seencap = c;
	}
	w->seen[w->nseen].dev = st->st_dev;
	w->seen[w->nseen].ino = st->st_ino;
	w->nseen++;

	if ((d = opendir(path)) == NULL) {
		walk_warn(w, "cannot open directory '%s': %s", path,
		    strerror(errno));
		w->error = true;
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		struct ev_buf b = EV_BUF_INIT;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			if ((tmp = realloc(names, cap * sizeof(*names))) ==
			    NULL) {
				w->oom = true;
				break;
			}
			names = tmp;
		}
		ev_buf_adds(&b, path);
		if (b.len > 0 && b.buf[b.len - 1] != '/')
			ev_buf_addc(&b, '/');
		ev_buf_adds(&b, de->d_name);
		if ((names[n] = ev_buf_detach(&b, NULL)) == NULL) {
			w->oom = true;
			break;
		}
		n++;
	}
	closedir(d);
	/* sorted, so that warnings and file ids do not depend on readdir */
	ev_qsort(names, n, sizeof(*names), path_cmp);
	for (size_t i = 0; i < n; i++) {
		if (!w->oom)
			walk_path(w, names[i], false, depth + 1);
		free(names[i]);
	}
	free(names);
out:
	w->nseen--;
}

static void
walk_path(struct walk *w, const char *path, bool explicit, int depth)
{
	struct stat st, lst;

	if (lstat(path, &lst) == -1) {
		walk_warn(w, "cannot open '%s': %s", path, strerror(errno));
		if (explicit)
			w->error = true;
		return;
	}
	if (stat(path, &st) == -1) {
		/* dangling symlink */
		walk_warn(w, "cannot open '%s': %s", path, strerror(errno));
		if (explicit)
			w->error = true;
		return;
	}
	if (S_ISDIR(st.st_mode))
		walk_dir(w, path, &st, depth);
	else if (S_ISREG(st.st_mode))
		walk_file(w, path, &st, explicit);
	else {
		walk_skip(w, path, "not a regular file");
		if (explicit)
			w->error = true;
	}
}

static int
file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ingest_file *)a)->path,
	    ((const struct ingest_file *)b)->path);
}

int
ingest_walk(char *const *paths, size_t npaths, const struct ingest_opts *opts,
    struct ingest_run *run, struct ev_err *err)
{
	struct walk w = { 0 };
	int rc = 0;

	w.run = run;
	w.opts = opts;
	for (size_t i = 0; i < npaths && !w.oom; i++)
		walk_path(&w, paths[i], true, 0);
	free(w.seen);
	run->files = w.files;
	run->nfiles = w.nfiles;
	run->input_error = w.error;
	if (w.clash != NULL) {
		rc = EV_ERR(err, EV_EUSAGE, 0, "'%s' is an input and the "
		    "output; nothing was read", w.clash);
		free(w.clash);
		return rc;
	}
	if (w.oom)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	/* ids follow path order, so sorting by id sorts by path */
	ev_qsort(run->files, run->nfiles, sizeof(*run->files), file_cmp);
	for (size_t i = 0; i < run->nfiles; i++)
		run->files[i].id = (uint32_t)i;
	return 0;
}
