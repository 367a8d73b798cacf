/*
 * files.c -- rule files and directories into a set: what
 * sigma_load_path() and sigma_load_buffer() do before load.c parses a
 * rule text.
 *
 * A rule file must be a regular file: a path is checked with stat()
 * first and then opened with O_NONBLOCK and checked again with fstat()
 * (a FIFO swapped in between neither blocks the open nor gets read).
 * A rule enters the set only once its file is known to be readable as
 * a regular file, or, inside a directory, as REJECTED with the reason.
 *
 * Directories are walked recursively in bytewise-sorted name order,
 * hidden entries skipped.  Entries that are neither directories nor
 * regular files (FIFOs, devices, sockets, dangling links), directories
 * already visited (a symlink loop, or a second link to one directory),
 * directories deeper than SIGMA_MAX_DIR_DEPTH and directories that
 * cannot be read are recorded as skips (sigma_skip_at()): each
 * directory is read at most once, so a walk does at most one pass per
 * directory whatever its links.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ev_par.h"
#include "load_int.h"
#include "sigma_int.h"

/* Directories visited by one walk: an open-addressed set of dev+ino. */
struct visited {
	struct dirid {
		dev_t	 dev;
		ino_t	 ino;
		bool	 used;
	}		*v;
	size_t		 n, cap;	/* cap: 0 or a power of two */
};

static size_t
dirid_hash(dev_t dev, ino_t ino, size_t cap)
{
	uint64_t h = (uint64_t)dev * 0x9e3779b97f4a7c15ull ^ (uint64_t)ino;

	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 29;
	return (size_t)h & (cap - 1);
}

/* Adds dev+ino; 1 when it was there already, 0 added, EV_ENOMEM. */
static int
visited_add(struct visited *vs, dev_t dev, ino_t ino)
{
	size_t i;

	if (vs->cap > 0)
		for (i = dirid_hash(dev, ino, vs->cap); vs->v[i].used;
		    i = (i + 1) & (vs->cap - 1))
			if (vs->v[i].dev == dev && vs->v[i].ino == ino)
				return 1;
	if ((vs->n + 1) * 2 > vs->cap) {
		size_t ncap = vs->cap ? vs->cap * 2 : 64;
		struct dirid *nv = calloc(ncap, sizeof(*nv));

		if (nv == NULL)
			return EV_ENOMEM;
		for (size_t k = 0; k < vs->cap; k++) {
			if (!vs->v[k].used)
				continue;
			for (i = dirid_hash(vs->v[k].dev, vs->v[k].ino, ncap);
			    nv[i].used; i = (i + 1) & (ncap - 1))
				;
			nv[i] = vs->v[k];
		}
		free(vs->v);
		vs->v = nv;
		vs->cap = ncap;
	}
	for (i = dirid_hash(dev, ino, vs->cap); vs->v[i].used;
	    i = (i + 1) & (vs->cap - 1))
		;
	vs->v[i].dev = dev;
	vs->v[i].ino = ino;
	vs->v[i].used = true;
	vs->n++;
	return 0;
}

/*
 * A rule file read and composed (prepare()) before it is loaded
 * (load_prepared()).  Reading and composing touch no set: for a
 * directory, up to the set's jobs threads do them while the calling
 * thread walks the directory and then loads the files in order
 * (load_walk()), so the set is what one thread would make.
 */
enum pfail { P_OK, P_OPEN, P_STAT, P_READ, P_KIND, P_BIG };

struct pending {
	char		*path;
	char		*buf;		/* the text; NULL: rejected (msg) */
	size_t		 len;
	enum pfail	 fail;		/* why there is no text */
	int		 errnum;	/* ... its errno */
	mode_t		 mode;		/* P_KIND: what the file is */
	struct ycomp	 y;
	int		 rc;		/* EV_ENOMEM */
	bool		 ready;		/* prepared (struct pipeline's mu) */
	char		 msg[300];	/* the rejection's reason */
};

struct pipeline;

/*
 * The files list grows while other threads prepare its files: each file
 * has its own allocation, and the list itself is read and grown under
 * the pipeline's mutex.
 */
struct walk {
	struct sigma_set	*set;
	struct visited		 seen;
	struct ev_err		*err;
	struct pending		**files;	/* in walk order */
	size_t			 nfiles, cap;
	struct pipeline		*pl;
};

int
sigma_load_buffer(struct sigma_set *s, const char *name, const char *text,
    size_t len, struct ev_err *err)
{
	struct sigma_rule *r;

	if (s->compiled)
		return EV_ERR(err, EV_EUSAGE, 0, "rules already compiled");
	if ((r = sigma_new_rule(s, name)) == NULL)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	if (sigma_load_rule(s, r, text, len) != 0)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	return 0;
}

/* What a file that is not regular or a directory is, for messages. */
static const char *
kind_name(mode_t m)
{
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISDIR(m))
		return "a directory";
	return "not a regular file";
}

/* Records a skip of the walk: path and why (copied). */
static int
add_skip(struct walk *w, const char *path, const char *why)
{
	struct sigma_set *s = w->set;
	struct sigma_skip *k;

	if (sigma_grow((void **)&s->skips, &s->skipcap, s->nskips,
	    sizeof(*s->skips)))
		return EV_ERR(w->err, EV_ENOMEM, 0, "out of memory");
	k = &s->skips[s->nskips];
	k->path = sigma_set_strdup(s, path, strlen(path));
	k->reason = sigma_set_strdup(s, why, strlen(why));
	if (k->path == NULL || k->reason == NULL)
		return EV_ERR(w->err, EV_ENOMEM, 0, "out of memory");
	s->nskips++;
	return 0;
}

static void
reject_file(struct sigma_set *s, struct sigma_rule *r, const char *why)
{
	r->status = SIGMA_REJECTED;
	r->reason = sigma_set_strdup(s, why, strlen(why));
	r->reason_class = "unreadable";
}

/* Reads the regular file open at fd (size from st) into *buf. */
static int
read_all(int fd, const struct stat *st, char **buf, size_t *len)
{
	size_t want = (size_t)st->st_size;

	*len = 0;
	if ((*buf = malloc(want + 1)) == NULL)
		return EV_ENOMEM;
	while (*len < want) {
		ssize_t n = read(fd, *buf + *len, want - *len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return EV_EIO;
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	(*buf)[*len] = '\0';
	return 0;
}

/*
 * Keeps buf (the set frees it) for the rule set's hash: the text that
 * was loaded, the file's rules r and those added after it.
 */
static void
keep_text(struct sigma_set *s, struct sigma_rule *r, char *buf, size_t len)
{
	size_t i = s->nrules;

	do {
		i--;
		s->rules[i]->text = buf;
		s->rules[i]->textlen = len;
	} while (s->rules[i] != r);
	s->texts[s->ntexts++] = buf;
}

/* Reads and composes the file of p (or notes why it cannot be). */
static void
prepare(struct pending *p)
{
	struct stat st;
	int fd = open(p->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), rc;

	if (fd == -1) {
		p->fail = P_OPEN;
		p->errnum = errno;
		snprintf(p->msg, sizeof(p->msg), "cannot open: %s",
		    strerror(errno));
		return;
	}
	if (fstat(fd, &st) == -1) {
		p->fail = P_STAT;
		p->errnum = errno;
		snprintf(p->msg, sizeof(p->msg), "cannot stat: %s",
		    strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		p->fail = P_KIND;
		p->mode = st.st_mode;
		snprintf(p->msg, sizeof(p->msg), "%s, not a regular file",
		    kind_name(st.st_mode));
	} else if ((size_t)st.st_size > SIGMA_MAX_FILE) {
		p->fail = P_BIG;
		snprintf(p->msg, sizeof(p->msg), "file larger than %u bytes",
		    SIGMA_MAX_FILE);
	} else if ((rc = read_all(fd, &st, &p->buf, &p->len)) != 0) {
		if (rc == EV_ENOMEM)
			p->rc = EV_ENOMEM;
		p->fail = P_READ;
		p->errnum = errno;
		snprintf(p->msg, sizeof(p->msg), "cannot read: %s",
		    strerror(errno));
		free(p->buf);
		p->buf = NULL;
	} else
		sigma_yaml_compose(p->buf, p->len, SIGMA_MAX_DOCS, &p->y);
	close(fd);
}

/*
 * The prepared file p into the set.  Explicit: every problem with the
 * file itself is returned (and no rule is added); else it is recorded
 * in a REJECTED rule (as a file too large is in both cases).
 */
static int
load_prepared(struct sigma_set *s, struct pending *p, bool explicit,
    struct ev_err *err)
{
	struct sigma_rule *r;

	if (p->rc != 0)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	if (explicit && p->fail == P_KIND)
		return EV_ERR(err, EV_EIO, 0,
		    "cannot load '%s': %s, not a regular file", p->path,
		    kind_name(p->mode));
	if (explicit && p->fail != P_OK && p->fail != P_BIG) {
		errno = p->errnum;
		return EV_ERR_SYS(err, "cannot %s '%s'", p->fail == P_OPEN ?
		    "open" : p->fail == P_STAT ? "stat" : "read", p->path);
	}
	if ((r = sigma_new_rule(s, p->path)) == NULL)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	r->explicit_path = explicit;
	if (p->buf == NULL) {
		reject_file(s, r, p->msg);
		if (p->fail == P_BIG)
			r->reason_class = "limit";
		return 0;
	}
	if (sigma_grow((void **)&s->texts, &s->textcap, s->ntexts,
	    sizeof(*s->texts)) != 0 || sigma_load_composed(s, r, &p->y) != 0)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	keep_text(s, r, p->buf, p->len);
	p->buf = NULL;
	return 0;
}

static void
pending_release(struct pending *p)
{
	free(p->path);
	free(p->buf);
	sigma_yaml_compose_free(&p->y);
}

/* Loads the rule file at path (load_prepared() says what explicit does). */
static int
load_file(struct sigma_set *s, const char *path, bool explicit,
    struct ev_err *err)
{
	struct pending p;
	int ret;

	memset(&p, 0, sizeof(p));
	if ((p.path = strdup(path)) == NULL)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	prepare(&p);
	ret = load_prepared(s, &p, explicit, err);
	pending_release(&p);
	return ret;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
rule_name(const char *n)
{
	size_t l = strlen(n);

	return (l > 4 && strcmp(n + l - 4, ".yml") == 0) ||
	    (l > 5 && strcmp(n + l - 5, ".yaml") == 0);
}

static int load_dir(struct walk *, const char *dir, int depth, bool top);

/*
 * The files of a walk, prepared on threads and loaded in order.  The
 * walk's files are read (up to PENDING_AHEAD past the loading, which
 * bounds the memory they hold) from the moment it lists them: the walk
 * is on thread 0, which then loads them.
 */
#define PENDING_AHEAD	256

struct pipeline {
	struct walk		*w;
	const char		*dir;		/* the directory walked */
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	bool			 walking;	/* files may still come */
	size_t			 next;		/* the next to prepare */
	size_t			 loaded;	/* files loaded */
	int			 ret;
};

/* A rule file of the walk, loaded after it (load_walk()). */
static int
add_pending(struct walk *w, const char *path)
{
	struct pending *p = calloc(1, sizeof(*p));
	int rc = 0;

	if (p == NULL || (p->path = strdup(path)) == NULL) {
		free(p);
		return EV_ERR(w->err, EV_ENOMEM, 0, "out of memory");
	}
	pthread_mutex_lock(&w->pl->mu);
	if (sigma_grow((void **)&w->files, &w->cap, w->nfiles,
	    sizeof(*w->files)) != 0)
		rc = EV_ENOMEM;
	else
		w->files[w->nfiles++] = p;
	pthread_cond_broadcast(&w->pl->cv);
	pthread_mutex_unlock(&w->pl->mu);
	if (rc != 0) {
		pending_release(p);
		free(p);
		return EV_ERR(w->err, EV_ENOMEM, 0, "out of memory");
	}
	return 0;
}

/*
 * Claims the next file to prepare (mu held), at most PENDING_AHEAD past
 * the loading: waiting for that and for the walk to list it, or not
 * (false then).  False when every file is taken.
 */
static bool
claim(struct pipeline *pl, size_t *i, bool wait)
{
	while (wait && pl->ret == 0 && (pl->next < pl->w->nfiles ?
	    pl->next >= pl->loaded + PENDING_AHEAD : pl->walking))
		pthread_cond_wait(&pl->cv, &pl->mu);
	if (pl->next >= pl->w->nfiles || pl->ret != 0 ||
	    pl->next >= pl->loaded + PENDING_AHEAD)
		return false;
	*i = pl->next++;
	return true;
}

static void
prepare_one(struct pipeline *pl, size_t i)
{
	struct pending *p = pl->w->files[i];

	pthread_mutex_unlock(&pl->mu);
	prepare(p);
	pthread_mutex_lock(&pl->mu);
	p->ready = true;
	pthread_cond_broadcast(&pl->cv);
}

/*
 * Thread 0 walks the directory, then loads its files in order and,
 * while the next is not ready, prepares the first no thread has taken
 * (the next itself, when no other thread could start); the others
 * prepare, at most PENDING_AHEAD ahead.
 */
static void
pipeline_run(void *arg, unsigned t)
{
	struct pipeline *pl = arg;
	struct pending *p;
	size_t i;
	int rc;

	if (t == 0) {
		rc = load_dir(pl->w, pl->dir, 0, true);
		pthread_mutex_lock(&pl->mu);
		pl->walking = false;
		pl->ret = rc;
		pthread_cond_broadcast(&pl->cv);
		pthread_mutex_unlock(&pl->mu);
	}
	pthread_mutex_lock(&pl->mu);
	if (t != 0) {
		while (claim(pl, &i, true))
			prepare_one(pl, i);
		pthread_mutex_unlock(&pl->mu);
		return;
	}
	while (pl->loaded < pl->w->nfiles && pl->ret == 0) {
		p = pl->w->files[pl->loaded];
		/* the next file not ready yet: prepare one rather than wait */
		if (!p->ready && claim(pl, &i, false)) {
			prepare_one(pl, i);
			continue;
		}
		while (!p->ready)
			pthread_cond_wait(&pl->cv, &pl->mu);
		pthread_mutex_unlock(&pl->mu);
		rc = load_prepared(pl->w->set, p, false, pl->w->err);
		pthread_mutex_lock(&pl->mu);
		pl->ret = rc;
		pl->loaded++;
		pthread_cond_broadcast(&pl->cv);
	}
	pthread_mutex_unlock(&pl->mu);
}

/* The directory dir walked and its rule files loaded (pipeline_run()). */
static int
load_walk(struct sigma_set *s, const char *dir, struct ev_err *err)
{
	struct walk w = { .set = s, .err = err };
	struct pipeline pl = { .w = &w, .dir = dir, .walking = true };
	unsigned threads = s->jobs > 1 ? s->jobs : 1;

	w.pl = &pl;
	pthread_mutex_init(&pl.mu, NULL);
	pthread_cond_init(&pl.cv, NULL);
	ev_par_for(threads, threads, pipeline_run, &pl);
	pthread_cond_destroy(&pl.cv);
	pthread_mutex_destroy(&pl.mu);
	for (size_t i = 0; i < w.nfiles; i++) {
		pending_release(w.files[i]);
		free(w.files[i]);
	}
	free(w.files);
	free(w.seen.v);
	return pl.ret;
}

/* One entry p (name n) of the directory open at dfd, at depth. */
static int
load_entry(struct walk *w, int dfd, const char *p, const char *n, int depth)
{
	struct stat st, lst;
	char msg[300];

	/* by name in the directory open at dfd: as stat(p), without
	   walking p again */
	if (fstatat(dfd, n, &st, 0) == -1) {
		if (errno == ENOENT &&
		    fstatat(dfd, n, &lst, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(lst.st_mode))
			return add_skip(w, p, "dangling symbolic link");
		snprintf(msg, sizeof(msg), "cannot stat: %s", strerror(errno));
		return add_skip(w, p, msg);
	}
	if (S_ISDIR(st.st_mode))
		return load_dir(w, p, depth + 1, false);
	if (S_ISREG(st.st_mode))
		return rule_name(n) ? add_pending(w, p) : 0;
	snprintf(msg, sizeof(msg), "%s, not a regular file",
	    kind_name(st.st_mode));
	return add_skip(w, p, msg);
}

/* The sorted non-hidden names in d (*names, *n; the caller frees). */
static int
read_names(DIR *d, char ***names, size_t *n)
{
	struct dirent *de;
	size_t cap = 0;

	*names = NULL;
	*n = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (sigma_grow((void **)names, &cap, *n, sizeof(**names)) ||
		    ((*names)[*n] = strdup(de->d_name)) == NULL)
			return EV_ENOMEM;
		(*n)++;
	}
	if (*n > 1)
		qsort(*names, *n, sizeof(**names), cmp_str);
	return 0;
}

static int
load_dir(struct walk *w, const char *dir, int depth, bool top)
{
	DIR *d;
	struct stat st;
	char **names = NULL, msg[300];
	size_t n = 0;
	int ret = 0;

	if (depth > SIGMA_MAX_DIR_DEPTH) {
		snprintf(msg, sizeof(msg), "directory deeper than %d levels",
		    SIGMA_MAX_DIR_DEPTH);
		return add_skip(w, dir, msg);
	}
	if ((d = opendir(dir)) == NULL) {
		if (top)
			return EV_ERR_SYS(w->err, "cannot open '%s'", dir);
		snprintf(msg, sizeof(msg), "cannot open: %s", strerror(errno));
		return add_skip(w, dir, msg);
	}
	if (fstat(dirfd(d), &st) == -1) {
		ret = top ? EV_ERR_SYS(w->err, "cannot stat '%s'", dir) :
		    add_skip(w, dir, "cannot stat");
		closedir(d);
		return ret;
	}
	if ((ret = visited_add(&w->seen, st.st_dev, st.st_ino)) != 0) {
		closedir(d);
		if (ret == 1)
			return add_skip(w, dir, "directory already "
			    "visited (a symbolic link loop or a second link)");
		return EV_ERR(w->err, EV_ENOMEM, 0, "out of memory");
	}
	if (read_names(d, &names, &n) != 0)
		ret = EV_ERR(w->err, EV_ENOMEM, 0, "out of memory");
	for (size_t i = 0; i < n && ret == 0; i++) {
		char *p;

		if (asprintf(&p, "%s/%s", dir, names[i]) == -1) {
			ret = EV_ERR(w->err, EV_ENOMEM, 0, "out of memory");
			break;
		}
		ret = load_entry(w, dirfd(d), p, names[i], depth);
		free(p);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return ret;
}

int
sigma_load_path(struct sigma_set *s, const char *path, bool explicit,
    struct ev_err *err)
{
	struct stat st;

	if (s->compiled)
		return EV_ERR(err, EV_EUSAGE, 0, "rules already compiled");
	if (stat(path, &st) == -1)
		return EV_ERR_SYS(err, "cannot open '%s'", path);
	if (S_ISDIR(st.st_mode))
		return load_walk(s, path, err);
	if (!S_ISREG(st.st_mode) && explicit)
		return EV_ERR(err, EV_EIO, 0,
		    "cannot load '%s': %s, not a regular file", path,
		    kind_name(st.st_mode));
	return load_file(s, path, explicit, err);
}

size_t
sigma_skip_count(const struct sigma_set *s)
{
	return s->nskips;
}

const struct sigma_skip *
sigma_skip_at(const struct sigma_set *s, size_t i)
{
	return i < s->nskips ? &s->skips[i] : NULL;
}
