/*
 * run.c -- the baselines step of a scan (see base_run() in baseline.h):
 * the watched list, the prior history of a baseline DB or stacking,
 * scoring, --learn, and which image loads the scoring found unusual.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline/baseline.h"
#include "correlate.h"

void
base_run_release(struct base_run *r)
{
	base_result_release(&r->res);
	base_model_release(&r->model);
	base_config_free(r->cfg);
	free(r->unbaselined);
	ev_map_release(&r->unusual);
	memset(r, 0, sizeof(*r));
}

/* Closes db; a failure to close is an error when none came before. */
static int
close_db(sqlite3 *db, const char *path, int rc, struct ev_err *err)
{
	if (db != NULL && sqlite3_close(db) != SQLITE_OK && rc == 0)
		rc = EV_ERR(err, EV_ESQL, 0, "%s: cannot close the baseline",
		    path);
	return rc;
}

/* The key of a (process event, module shape) pair in r->unusual. */
static bool
unusual_key(struct ev_buf *key, const struct ev_event *proc,
    const char *shape, size_t len)
{
	ev_buf_reset(key);
	ev_buf_add(key, &proc, sizeof(proc));
	ev_buf_add(key, shape, len);
	return !ev_buf_failed(key);
}

/* Indexes the new modules of r's findings for base_load_unusual(). */
static int
index_unusual(struct base_run *r, struct ev_err *err)
{
	struct ev_buf key = EV_BUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < r->res.nfindings && rc == 0; i++) {
		const struct base_finding *f = &r->res.findings[i];

		for (size_t k = 0; k < f->nnews && rc == 0; k++)
			if (f->news[k].type == BASE_F_MODULE &&
			    (!unusual_key(&key, f->ev, f->news[k].value,
			    strlen(f->news[k].value)) ||
			    ev_map_put(&r->unusual, key.buf, key.len, NULL) ==
			    NULL))
				rc = EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	}
	ev_buf_release(&key);
	return rc;
}

/* The events learnable() accepts (all when NULL): *out to free, or NULL
   when out of memory. */
static struct ev_event **
learn_set(struct ev_event *const *events, size_t n,
    bool (*learnable)(void *, const struct ev_event *), void *arg,
    size_t *nout)
{
	struct ev_event **v = malloc((n ? n : 1) * sizeof(*v));

	*nout = 0;
	for (size_t i = 0; v != NULL && i < n; i++)
		if (learnable == NULL || learnable(arg, events[i]))
			v[(*nout)++] = events[i];
	return v;
}

int
base_run(struct base_run *r, const char *const *rule_dirs, size_t ndirs,
    const char *dbpath, const char *learn_into,
    bool (*learnable)(void *, const struct ev_event *), void *learn_arg,
    const struct corr *corr, struct ev_event *const *events, size_t n,
    unsigned jobs, struct ev_err *err)
{
	sqlite3 *db = NULL;
	bool fresh;
	int rc;

	memset(r, 0, sizeof(*r));
	base_model_init(&r->model);
	ev_map_init(&r->unusual);
	if ((rc = base_config_find(rule_dirs, ndirs, true, &r->cfg, err)) != 0)
		return rc;
	/* --learn into a new baseline: an empty history, nothing to merge */
	fresh = learn_into != NULL && access(dbpath, F_OK) != 0 &&
	    errno == ENOENT;
	if (dbpath != NULL && fresh)
		r->have_model = true;
	else if (dbpath != NULL) {
		if ((rc = base_db_open(dbpath, false, true, &db, err)) != 0 ||
		    (rc = base_db_load(db, &r->model, err)) != 0) {
			ev_err_wrap(err, "%s", dbpath);
			return close_db(db, dbpath, rc, err);
		}
		r->have_model = true;
	}
	if ((rc = base_score_jobs(r->cfg, r->have_model ? &r->model : NULL,
	    corr, events, n, jobs, &r->res, err)) != 0)
		return close_db(db, dbpath, rc, err);
	if ((rc = close_db(db, dbpath, 0, err)) != 0)
		return rc;
	if (learn_into != NULL) {
		size_t nl;
		struct ev_event **lv = learn_set(events, n, learnable,
		    learn_arg, &nl);

		if (lv == NULL)
			return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
		db = NULL;
		if ((rc = base_db_open(learn_into, true, false, &db, err)) !=
		    0 || (!fresh && (rc = base_db_merge(db, dbpath, err)) !=
		    0) ||
		    (rc = base_learn(db, r->cfg, corr, lv, nl, err)) != 0) {
			free(lv);
			ev_err_wrap(err, "%s", dbpath);
			return close_db(db, dbpath, rc, err);
		}
		free(lv);
		if ((rc = close_db(db, dbpath, 0, err)) != 0)
			return rc;
	}
	r->unbaselined = calloc(r->res.nunbaselined + 1,
	    sizeof(*r->unbaselined));
	if (r->unbaselined == NULL)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	for (size_t i = 0; i < r->res.nunbaselined; i++)
		r->unbaselined[i] = r->res.unbaselined[i].binary;
	return index_unusual(r, err);
}

bool
base_load_unusual(void *arg, const struct ev_event *load)
{
	const struct base_run *r = arg;
	struct ev_buf shape = EV_BUF_INIT, key = EV_BUF_INIT;
	bool found;

	if (load->process == NULL || ev_col(load, EV_COL_IMAGE_LOADED) == NULL
	    ||
	    r->unusual.n == 0)
		return false;
	base_shape_file(ev_col(load, EV_COL_IMAGE_LOADED), &shape);
	found = !ev_buf_failed(&shape) &&
	    unusual_key(&key, load->process, shape.buf, shape.len) &&
	    ev_map_get(&r->unusual, key.buf, key.len) != NULL;
	ev_buf_release(&shape);
	ev_buf_release(&key);
	return found;
}
