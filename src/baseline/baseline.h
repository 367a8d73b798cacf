/*
 * baseline.h -- per-binary baselines (SPEC §6): which binaries are
 * watched, how an invocation becomes features (argument shapes, parent,
 * image, loaded modules, network destinations), how features are counted
 * into a baseline database, and how an invocation is scored against
 * prior history (a baseline DB) or against the evidence itself
 * (stacking, leave-one-out).
 *
 * Pipeline:
 *	base_config_load()		rules/watched.yml
 *	base_score(cfg, model|NULL, corr, events)	-> struct base_result
 *	base_counts_add_events() + base_db_add()	learn (and --learn)
 *	base_db_load()			DB -> struct base_model (prior history)
 *	base_run()			all of it, as scan does
 *
 * Ownership: everything a function returns through an out-parameter
 * belongs to the caller and is released with the matching *_release() /
 * *_free().  Findings point at events (borrowed; they must outlive the
 * result) and at strings in the result's arena.
 */
#ifndef BASELINE_H
#define BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ev_map.h"
#include "ev_arena.h"
#include "ev_buf.h"
#include "ev_err.h"
#include "ev_level.h"
#include "event.h"

struct corr;
struct sqlite3;

/* ---- features ---------------------------------------------------- */

enum base_ftype {
	BASE_F_ARG,	/* one argument's shape: "/i:<url:http>" */
	BASE_F_ARGS,	/* the whole shaped command line, argv[0] dropped */
	BASE_F_PARENT,	/* parent image: "<windir>\explorer.exe" */
	BASE_F_IMAGE,	/* the image itself: "<system32>\rundll32.exe" */
	BASE_F_MODULE,	/* a loaded module (Sysmon 7): "<user-temp>\*.dll" */
	BASE_F_NET,	/* a destination (Sysmon 3): "public:443/tcp" */
	BASE_F_CHILD,	/* a child or grandchild's image: "<system32>\\cmd.exe" */
	BASE_F_NTYPES
};

/* "arg", "args", "parent", "image", "module", "net", "child"; -1 when
 * unknown */
const char	*base_ftype_name(enum base_ftype);
int		 base_ftype_parse(const char *name);

/* ---- configuration: rules/watched.yml ---------------------------- */

/*
 * Prior expectations of one binary (rules/priors.yml): per feature type,
 * the shapes of ordinary use as patterns ('*' matches any run of
 * characters; a leading '!' makes a pattern exclude; the first pattern
 * that matches decides).  A type with no patterns has no prior.  For
 * BASE_F_ARG the prior judges arguments naming a location (a path class
 * or a URL), and others only when a pattern matches them ("!-embedding");
 * a location naming an alternate data stream is never expected.
 */
struct base_prior {
	char	**pat[BASE_F_NTYPES];
	size_t	  npat[BASE_F_NTYPES];
};

struct base_binary {
	char	*name;		/* canonical, lower case: "rundll32.exe" */
	char	**names;	/* every image basename / OriginalFileName
				   that identifies it, lower case */
	size_t	 nnames;
	char	*technique;	/* "T1218.011", or NULL */
	bool	 comma;		/* split "dll,entry" arguments */
	bool	 search;	/* loads a bare "x.dll" through the DLL
				   search order, not from the current
				   directory */
	struct base_prior *prior;	/* or NULL */
};

struct base_config {
	struct base_binary	*bins;
	size_t			 nbins;
	uint64_t		 min_history;	/* prior invocations needed */
	double			 alpha;		/* additive smoothing */
	double			 rare;		/* share at or below which a
						   seen value still counts */
	double			 weight[BASE_F_NTYPES];
	double			 level_score[EV_NLEVELS]; /* minimum score
						   per level; [NONE] unused */
	enum ev_level	 renamed_level;
	double		 prior_weight;	/* invocations a prior stands for */
	double		 prior_rare;	/* the prior's `rare` */
	struct ev_map	 names;		/* name -> bins index */
	struct ev_map	 descs;		/* PE Description, lower case ->
					   bins index */
};

/* Defaults when watched.yml does not say (also in the man page). */
#define BASE_DEF_MIN_HISTORY	20
#define BASE_DEF_ALPHA		0.5
#define BASE_DEF_RARE		0.01
#define BASE_DEF_PRIOR_WEIGHT	20
#define BASE_DEF_PRIOR_RARE	0.25
#define BASE_MAX_PATTERNS	256	/* per binary and feature type */

/*
 * Loads the watched list and settings.  Returns 0 and *out (free with
 * base_config_free()), or EV_EIO / EV_ERULE with "file:line: why".
 */
int	base_config_load(const char *path, struct base_config **out,
	    struct ev_err *err);
/* Same, from text in memory; name is used in messages. */
int	base_config_parse(const char *text, size_t len, const char *name,
	    struct base_config **out, struct ev_err *err);
void	base_config_free(struct base_config *);
/*
 * Adds the priors of rules/priors.yml to a loaded watched list (every
 * binary named must be watched).  Returns 0, or EV_EIO / EV_ERULE with
 * "file:line: why" (the config keeps no part of a failed file).
 */
int	base_prior_load(struct base_config *, const char *path,
	    struct ev_err *err);
int	base_prior_parse(struct base_config *, const char *text, size_t len,
	    const char *name, struct ev_err *err);
/*
 * Whether the prior p expects value v of type t: 1 expected, 0 not,
 * -1 the prior has no opinion (no patterns for t, or an argument that
 * names no location).
 */
int	base_prior_expects(const struct base_prior *p, enum base_ftype t,
	    const char *v);
/*
 * The installed rules/watched.yml, or the source tree's when the program
 * runs uninstalled (static string).
 */
const char *base_config_default_path(void);
/*
 * Loads the watched list a scan uses: the watched.yml of the first of
 * dirs that has one, else base_config_default_path(); with priors, the
 * priors.yml beside it too, when there is one.  Returns as
 * base_config_load() (*out NULL after a failure).
 */
int	base_config_find(const char *const *dirs, size_t ndirs, bool priors,
	    struct base_config **out, struct ev_err *err);

/*
 * The watched binary ev (a process event) runs, or NULL: by its
 * OriginalFileName, else (older Sysmon, no OriginalFileName) by its PE
 * Description when watched.yml lists it, else by the image basename.
 * *renamed (may be NULL) is set when the OriginalFileName or Description
 * names a watched binary but the image basename is not one of its names
 * (a renamed copy).
 */
const struct base_binary *base_identify(const struct base_config *,
	    const struct ev_event *ev, bool *renamed);

/* ---- argument shapes --------------------------------------------- */

/*
 * Splits a command line as CommandLineToArgvW does (argv[0] by its own
 * rules; 2n backslashes + quote, 2n+1 backslashes + quote, "" inside
 * quotes).  Returns 0 and a malloc'ed NULL-terminated *argv of *argc
 * strings (free with base_argv_free()), or EV_ENOMEM.  At most
 * BASE_MAX_ARGS arguments are returned; the rest is dropped.
 */
#define BASE_MAX_ARGS		256
#define BASE_MAX_CMDLINE	32768	/* bytes considered */
#define BASE_MAX_SHAPE		256	/* bytes of one shaped argument */
int	base_argv(const char *cmdline, char ***argv, size_t *argc);
void	base_argv_free(char **argv);

/*
 * Appends the shape of one argument to out: lower case, switches literal
 * ("/i:" + the shape of its value), URLs "<url:scheme>", paths
 * "<class>\*.ext", GUIDs "<guid>", IPs "<ip>", hex "<hex>", base64 runs
 * "<base64>", free-standing numbers "<n>".  comma: shape the two sides
 * of the first ',' separately (rundll32 "dll,entry").
 */
void	base_shape_arg(const char *arg, bool comma, struct ev_buf *out);

/*
 * Appends the shapes of argv[1..] of a command line, separated by one
 * space, after removing cmd '^' escapes (outside quotes) and turning
 * U+2013/2014/2015 into '-'.  Used for BASE_F_ARGS; base_features()
 * gives the single arguments.
 */
void	base_shape_cmdline(const char *cmdline, bool comma, struct ev_buf *out);

/*
 * base_argv() of the command line after removing cmd '^' escapes and
 * normalising unicode dashes (what base_shape_cmdline() splits).
 */
int	base_shape_args(const char *cmdline, char ***argv, size_t *argc);

/*
 * A relative payload path in arg resolved against the process's current
 * directory cwd: "sub\\x.xml", ".\\x.dll", or a bare file name with a
 * payload extension (.dll, .sct, .hta, .xml, .csproj, ...), with the
 * rundll32 "dll,entry" tail kept when comma.  search: the binary loads a
 * bare "x.dll" (.ocx, .cpl) through the DLL search order, so such a name
 * is not resolved.  Returns a malloc'ed path, or NULL when there is
 * nothing to resolve (or no memory).
 */
char	*base_resolve_arg(const char *arg, const char *cwd, bool comma,
	    bool search);

/*
 * Directory class of a Windows path: "<system32>", "<syswow64>",
 * "<dotnet>", "<windir-temp>", "<windir>", "<program-files>",
 * "<programdata>", "<users-public>", "<user-temp>", "<user-profile>",
 * "<unc>", "<device>", "<short-name>" (a root-level 8.3 name such as
 * C:\\PROGRA~3), "<other>" (other absolute, e.g. a root-level folder),
 * "<relative>".
 */
const char *base_dirclass(const char *path);

/*
 * Appends "<class>\name" for a file (image, parent, module): the
 * basename lower-cased with GUIDs, hex and numbers shaped, or "*.ext" in
 * the user-temp, windir-temp and unc classes where names are throwaway.
 */
void	base_shape_file(const char *path, struct ev_buf *out);

/* "loopback", "private", "link-local", "multicast", "unspecified",
 * "public", or NULL when ip is not an IP address. */
const char *base_ip_class(const char *ip);

/* ---- one invocation ---------------------------------------------- */

struct base_feat {
	enum base_ftype	 type;
	const char	*value;
};

struct base_inv {
	const struct ev_event		*ev;
	const struct base_binary	*bin;
	bool				 renamed;
	const char			*host;	/* computer, lower case */
	struct base_feat		*feat;	/* distinct (type, value) */
	size_t				 nfeat;
	bool				 feat_kept;	/* in the caller's
							   arena */
	struct ev_arena			*arena;	/* host and values, unless
						   they are interned */
};

/*
 * Features of ev (a process event running a watched binary; NULL bin
 * and 0 returned with inv->bin NULL when it is not one).  corr (may be
 * NULL) gives the Sysmon 7 / 3 events of the process.  With strings not
 * NULL, the host and the values are stored once in that store (they live
 * until ev_shared_release(strings)), so invocations that share a
 * value share its bytes, and with arrays not NULL the features' array
 * is kept there (until ev_arena_release(arrays)); else they are copied into
 * an arena of inv's own.  Returns 0 or EV_ENOMEM; release inv with
 * base_inv_release() either way.
 */
int	base_features(const struct base_config *, const struct corr *,
	    const struct ev_event *ev, struct ev_shared *strings,
	    struct ev_arena *arrays, struct base_inv *inv);
void	base_inv_release(struct base_inv *);

/* ---- counts (what a baseline DB holds) --------------------------- */

/*
 * feat: key "binary\x1f" "type\x1f" "value\x1f" "host", count = invocations
 *	 with that value, first/last = FILETIMEs;
 * inv:	 key "binary\x1f" "host", count = invocations.
 */
struct base_counts {
	struct ev_map	feat;
	struct ev_map	inv;
};

void	base_counts_init(struct base_counts *);
void	base_counts_release(struct base_counts *);
int	base_counts_add(struct base_counts *, const struct base_inv *);
/*
 * Adds every watched invocation in events[0..n) (4688 duplicates of a
 * Sysmon 1 skipped).  Returns 0 or EV_ENOMEM.
 */
int	base_counts_add_events(struct base_counts *,
	    const struct base_config *, const struct corr *,
	    struct ev_event *const *events, size_t n, struct ev_err *err);

/* ---- the model scoring uses (counts summed over hosts) ----------- */

struct base_model {
	struct ev_map	val;	/* "bin\x1ftype\x1fvalue": count */
	struct ev_map	kinds;	/* "bin\x1ftype": count = distinct values */
	struct ev_map	bin;	/* "bin": count = invocations, idx = hosts,
				   first/last */
	struct ev_map	host;	/* "bin\x1fhost": count = invocations */
};

void	base_model_init(struct base_model *);
void	base_model_release(struct base_model *);
int	base_model_add_counts(struct base_model *, const struct base_counts *);
/* Adds count invocations having the value keyed "bin\x1ftype\x1fvalue". */
int	base_model_add_value(struct base_model *, const char *key, size_t klen,
	    uint64_t count);
/* Adds count invocations of bin on host between first and last. */
int	base_model_add_inv(struct base_model *, const char *bin,
	    const char *host, uint64_t count, uint64_t first, uint64_t last);

/* ---- baseline database ------------------------------------------- */

#define BASE_DB_VERSION		1		/* PRAGMA user_version */
#define BASE_DB_APPID		0x45564842	/* "EVHB" application_id */

/*
 * Opens a baseline DB.  create: make the schema in an empty file
 * (an existing baseline is accepted as is); otherwise the file must be
 * a baseline of this version.  Returns 0 and *db, or EV_ESQL / EV_EUSAGE.
 */
int	base_db_open(const char *path, bool create, bool readonly,
	    struct sqlite3 **db, struct ev_err *err);
/*
 * Whether path can be opened as a baseline (base_db_open(), read-only),
 * checked before any evidence is read.  may_be_new: a missing file is
 * fine (it is about to be created).  Returns 0, or EV_ESQL / EV_EUSAGE.
 */
int	base_db_check(const char *path, bool may_be_new, struct ev_err *err);
/* Adds counts (sums counts, min/max times) in one transaction. */
int	base_db_add(struct sqlite3 *db, const struct base_counts *,
	    struct ev_err *err);
/* Adds the baseline file inpath into db (one transaction). */
int	base_db_merge(struct sqlite3 *db, const char *inpath,
	    struct ev_err *err);
/*
 * Closes db (NULL: nothing).  Returns 0, or EV_ESQL when SQLite could not
 * close it cleanly (err: what it said, after "path: ").
 */
int	base_db_close(struct sqlite3 *db, const char *path,
	    struct ev_err *err);

/* What `baseline show` lists (evtxhunt-baseline(1)). */
struct base_db_row {
	const char	*binary;	/* a binary: its name (lower case) */
	const char	*feature;	/* a feature of it: "args", ...; NULL
					   in a binary's row */
	const char	*value;		/* the feature's value */
	int64_t		 count;		/* invocations (with the value) */
	int64_t		 hosts;		/* hosts that ran it (with it) */
	int64_t		 values;	/* a binary's distinct values */
	uint64_t	 first, last;	/* FILETIME: first and last seen */
};

/*
 * One row a binary of db, by name, to fn.  Returns 0, or EV_ESQL (err
 * set with SQLite's message).
 */
int	base_db_binaries(struct sqlite3 *db,
	    void (*fn)(void *arg, const struct base_db_row *), void *arg,
	    struct ev_err *err);
/*
 * The row of binary (any case), then one row a feature value of it (by
 * feature, most frequent first), to fn.  Returns 0, 1 when the baseline
 * does not know binary (fn not called), or EV_ESQL / EV_ENOMEM.
 */
int	base_db_binary(struct sqlite3 *db, const char *binary,
	    void (*fn)(void *arg, const struct base_db_row *), void *arg,
	    struct ev_err *err);
/* Sums the DB over hosts into model. */
int	base_db_load(struct sqlite3 *db, struct base_model *model,
	    struct ev_err *err);
/*
 * Learns from a run: base_counts_add_events() + base_db_add()
 * (what scan --learn does after scoring).
 */
int	base_learn(struct sqlite3 *db, const struct base_config *,
	    const struct corr *, struct ev_event *const *events, size_t n,
	    struct ev_err *err);

/* ---- scoring ----------------------------------------------------- */

#define BASE_MAX_PER_TYPE	3	/* rare values of one type that count */

struct base_new {
	enum base_ftype	 type;
	const char	*value;
	uint64_t	 seen;		/* prior invocations with it */
	double		 bits;		/* its surprisal (weighted) */
	bool		 prior;		/* judged with the binary's prior
					   (rules/priors.yml) */
};

enum base_finding_kind {
	BASE_FINDING_UNUSUAL,	/* rare features against history */
	BASE_FINDING_RENAMED,	/* watched binary under another name */
};

struct base_finding {
	const struct ev_event	*ev;
	enum base_finding_kind	 kind;
	const char		*binary;	/* canonical name */
	const char		*technique;	/* or NULL */
	double			 score;		/* sum of bits */
	enum ev_level		 level;
	const char		*title;		/* one line */
	const char		*details;	/* which features, what history */
	struct base_new		*news;		/* score order, largest first */
	size_t			 nnews;
	uint64_t		 history;	/* prior invocations */
	uint64_t		 hosts;		/* prior hosts */
	bool			 prior;		/* the priors had a say */
};

struct base_unbaselined {
	const char	*binary;
	uint64_t	 invocations;	/* in the evidence */
	uint64_t	 history;	/* prior invocations available */
};

struct base_result {
	struct base_finding	*findings;	/* output order of events */
	size_t			 nfindings;
	struct base_unbaselined	*unbaselined;	/* by name */
	size_t			 nunbaselined;
	uint64_t		 scored;	/* invocations scored */
	struct ev_arena		 arena;
	struct ev_arena		*arenas;	/* the scoring threads' */
	unsigned		 narenas;
};

/*
 * Scores every watched invocation in events[0..n).  prior: history from
 * a baseline DB (base_db_load()); NULL: stacking over the events
 * themselves, each invocation against all the others (leave-one-out).
 * Findings are invocations whose score reaches the low level, and renamed
 * binaries.  Up to jobs threads find the invocations and their features
 * and score them (by blocks of events), and count the evidence's history
 * when stacking (by binary); the result is the same for any number.
 * Returns 0 and fills *res (release with base_result_release()), or
 * EV_ENOMEM.
 */
int	base_score_jobs(const struct base_config *,
	    const struct base_model *prior, const struct corr *,
	    struct ev_event *const *events, size_t n, unsigned jobs,
	    struct base_result *res, struct ev_err *err);

/* base_score_jobs() on one thread. */
static inline int
base_score(const struct base_config *cfg, const struct base_model *prior,
    const struct corr *corr, struct ev_event *const *events, size_t n,
    struct base_result *res, struct ev_err *err)
{
	return base_score_jobs(cfg, prior, corr, events, n, 1, res, err);
}
void	base_result_release(struct base_result *);

/* ---- the baselines step of a scan -------------------------------- */

struct base_run {
	struct base_config	*cfg;		/* the watched list */
	struct base_model	 model;		/* prior history, if any */
	bool			 have_model;
	struct base_result	 res;
	const char		**unbaselined;	/* res.unbaselined's names */
	struct ev_map		 unusual;	/* (process event, module
						   shape) of new modules */
};

/*
 * Loads the watched list and priors (base_config_find(rule_dirs)), scores events[0..n) against
 * the baseline DB dbpath (NULL: stacking; opened read-only) and, when
 * learn_into is not NULL, writes dbpath's contents plus these events
 * into the new, empty database file learn_into (the command's temporary
 * for dbpath: dbpath itself is never written); only the events
 * learnable(learn_arg, ev) accepts are learned (NULL: all), asked after
 * the scoring, so r->res is there to consult.  The scoring runs on up
 * to jobs threads (base_score_jobs()).  Errors about a DB name it.
 * Release r with base_run_release() (also after a failure).
 */
int	base_run(struct base_run *r, const char *const *rule_dirs,
	    size_t ndirs, const char *dbpath, const char *learn_into,
	    bool (*learnable)(void *arg, const struct ev_event *ev),
	    void *learn_arg, const struct corr *,
	    struct ev_event *const *events, size_t n, unsigned jobs,
	    struct ev_err *err);
void	base_run_release(struct base_run *);

/*
 * Whether the scoring of run (a struct base_run *) found the module of
 * image load `load` new for the process that loaded it (the report's
 * load_unusual).  One hash lookup: base_run() indexes the new modules of
 * its findings by (process event, module shape).  Read-only, so callers
 * may ask from several threads.
 */
bool	base_load_unusual(void *run, const struct ev_event *load);

#endif
