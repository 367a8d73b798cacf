/*
 * db.c -- baseline database files (SQLite): schema, adding counts,
 * merging files, loading the host-summed model.
 *
 * Schema (PRAGMA user_version = BASE_DB_VERSION, application_id =
 * BASE_DB_APPID), documented in evtxhunt-baseline(1):
 *   invocations(binary, host, count, first, last)
 *	PRIMARY KEY(binary, host): invocations of a watched binary per host
 *   features(binary, feature, value, host, count, first, last)
 *	PRIMARY KEY(binary, feature, value, host): invocations having the
 *	feature value; feature is base_ftype_name()
 * first/last are FILETIMEs.  Adding and merging sum counts and take
 * min(first) / max(last), so the result does not depend on order.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline/baseline.h"
#include "correlate.h"

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS invocations(binary TEXT NOT NULL,"
    " host TEXT NOT NULL, count INTEGER NOT NULL, first INTEGER,"
    " last INTEGER, PRIMARY KEY(binary, host)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS features(binary TEXT NOT NULL,"
    " feature TEXT NOT NULL, value TEXT NOT NULL, host TEXT NOT NULL,"
    " count INTEGER NOT NULL, first INTEGER, last INTEGER,"
    " PRIMARY KEY(binary, feature, value, host)) WITHOUT ROWID;";

#define UPSERT_INV \
    " ON CONFLICT(binary, host) DO UPDATE SET" \
    " count = count + excluded.count, first = min(first, excluded.first)," \
    " last = max(last, excluded.last)"
#define UPSERT_FEAT \
    " ON CONFLICT(binary, feature, value, host) DO UPDATE SET" \
    " count = count + excluded.count, first = min(first, excluded.first)," \
    " last = max(last, excluded.last)"

/*
 * Baselines are input like evidence: a file from elsewhere may hold
 * views, triggers or schema tricks that turn a read into unbounded work
 * (a `features` view over a recursive CTE spins forever).  So every
 * connection is defensive (SQLITE_DBCONFIG_DEFENSIVE, no trusted schema,
 * views and triggers off), a baseline whose schema holds anything but
 * tables and their indexes is refused, and a progress handler stops any
 * statement once the connection has run more virtual-machine steps than
 * its files' size can need: BUDGET_BASE plus BUDGET_PER_PAGE per page
 * (a page holds at most a few hundred rows; a merge or a grouped read
 * costs well under a thousand steps a row, so the bound is ~10x beyond
 * the largest honest need).
 */
#define BUDGET_TICK	1000		/* VM steps per progress call */
#define BUDGET_BASE	10000000ULL	/* steps any baseline may take */
#define BUDGET_PER_PAGE	1000000ULL	/* and per page of its files */

struct budget {
	uint64_t	steps, limit;
	bool		hit;
};

static int
budget_check(void *arg)
{
	struct budget *b = arg;

	b->steps += BUDGET_TICK;
	if (b->steps <= b->limit)
		return 0;
	b->hit = true;
	return 1;		/* interrupts the statement */
}

/* evtxhunt_budget(pages): adds the allowance of a file of that size */
static void
budget_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct budget *b = sqlite3_user_data(ctx);
	sqlite3_int64 pages = argc == 1 ? sqlite3_value_int64(argv[0]) : 0;

	if (pages > 0 && (uint64_t)pages < UINT64_MAX / BUDGET_PER_PAGE)
		b->limit += (uint64_t)pages * BUDGET_PER_PAGE;
	sqlite3_result_null(ctx);
}

/* Allows the work a schema's file may need; 0 or -1. */
static int
budget_add(sqlite3 *db, const char *schema_name)
{
	char sql[96];

	snprintf(sql, sizeof(sql), "SELECT evtxhunt_budget(page_count) FROM "
	    "pragma_page_count('%s')", schema_name);
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* The defensive settings and the budget of every baseline connection. */
static int
harden(sqlite3 *db)
{
	struct budget *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return -1;
	b->limit = BUDGET_BASE;
	/* the function owns b: freed when the connection closes */
	if (sqlite3_create_function_v2(db, "evtxhunt_budget", 1, SQLITE_UTF8 |
	    SQLITE_DIRECTONLY, b, budget_fn, NULL, NULL, free) != SQLITE_OK)
		return -1;
	if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL) !=
	    SQLITE_OK ||
	    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL) !=
	    SQLITE_OK ||
	    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL) !=
	    SQLITE_OK ||
	    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_progress_handler(db, BUDGET_TICK, budget_check, b);
	return 0;
}

static int
fail(sqlite3 *db, struct ev_err *err, const char *what)
{
	if (db != NULL && sqlite3_errcode(db) == SQLITE_INTERRUPT)
		return EV_ERR(err, EV_ESQL, 0, "%s: stopped: more work than a "
		    "baseline of this size can need (a hostile file?)", what);
	return EV_ERR(err, EV_ESQL, 0, "%s: %s", what,
	    db ? sqlite3_errmsg(db) : "out of memory");
}

static int64_t
pragma(sqlite3 *db, const char *schema_name, const char *name)
{
	char sql[128];
	sqlite3_stmt *st;
	int64_t v = -1;

	snprintf(sql, sizeof(sql), "PRAGMA %s.%s", schema_name, name);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/*
 * 0 when schema_name is a baseline of this version holding only tables
 * and indexes (invocations and features among the tables), else
 * EV_EUSAGE naming what is wrong.
 */
static int
check(sqlite3 *db, const char *schema_name, const char *path,
    struct ev_err *err)
{
	int64_t v = pragma(db, schema_name, "user_version");
	int64_t a = pragma(db, schema_name, "application_id");
	sqlite3_stmt *st;
	char *sql;
	int s, tables = 0, rc = 0;

	if (a != BASE_DB_APPID)
		return EV_ERR(err, EV_EUSAGE, 0,
		    "'%s' is not an evtxhunt baseline", path);
	if (v != BASE_DB_VERSION)
		return EV_ERR(err, EV_EUSAGE, 0,
		    "'%s': baseline version %lld, expected %d", path,
		    (long long)v, BASE_DB_VERSION);
	sql = sqlite3_mprintf("SELECT type, name FROM \"%w\".sqlite_master",
	    schema_name);
	if (sql == NULL || sqlite3_prepare_v2(db, sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		sqlite3_free(sql);
		return fail(db, err, path);
	}
	sqlite3_free(sql);
	while ((s = sqlite3_step(st)) == SQLITE_ROW && rc == 0) {
		const char *type = (const char *)sqlite3_column_text(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);

		if (type == NULL || name == NULL)
			continue;
		if (strcmp(type, "table") == 0 && (strcmp(name,
		    "invocations") == 0 || strcmp(name, "features") == 0))
			tables++;
		else if (strcmp(type, "table") != 0 &&
		    strcmp(type, "index") != 0)
			rc = EV_ERR(err, EV_EUSAGE, 0, "'%s' is not a plain "
			    "evtxhunt baseline: it holds a %s '%s' (views and "
			    "triggers are refused)", path, type, name);
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = fail(db, err, path);
	sqlite3_finalize(st);
	if (rc == 0 && tables != 2)
		rc = EV_ERR(err, EV_EUSAGE, 0, "'%s' is not a plain evtxhunt "
		    "baseline: the invocations or features table is missing",
		    path);
	return rc;
}

int
base_db_open(const char *path, bool create, bool readonly, sqlite3 **out,
    struct ev_err *err)
{
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_URI | (readonly ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0));
	int rc;

	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		rc = EV_ERR(err, EV_ESQL, 0, "cannot open '%s': %s", path,
		    db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return rc;
	}
	sqlite3_busy_timeout(db, 5000);
	if (harden(db) != 0 || budget_add(db, "main") != 0) {
		rc = fail(db, err, path);
		sqlite3_close(db);
		return rc;
	}
	if (create && pragma(db, "main", "user_version") == 0 &&
	    pragma(db, "main", "application_id") == 0) {
		char *sql = sqlite3_mprintf("BEGIN; %s PRAGMA user_version = %d;"
		    " PRAGMA application_id = %d; COMMIT;", schema,
		    BASE_DB_VERSION, BASE_DB_APPID);
		int n = 0;
		sqlite3_stmt *st;

		/* only an empty file becomes a baseline */
		if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master",
		    -1, &st, NULL) == SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW)
				n = sqlite3_column_int(st, 0);
			sqlite3_finalize(st);
		}
		if (n == 0 && (sql == NULL ||
		    sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)) {
			rc = fail(db, err, path);
			sqlite3_free(sql);
			sqlite3_close(db);
			return rc;
		}
		sqlite3_free(sql);
	}
	if ((rc = check(db, "main", path, err)) != 0) {
		sqlite3_close(db);
		return rc;
	}
	*out = db;
	return 0;
}

int
base_db_check(const char *path, bool may_be_new, struct ev_err *err)
{
	sqlite3 *db = NULL;
	int rc;

	if (may_be_new && access(path, F_OK) != 0 && errno == ENOENT)
		return 0;
	rc = base_db_open(path, false, true, &db, err);
	sqlite3_close(db);
	return rc;
}

/* split "a\x1fb\x1fc..." into at most n parts (pointers into buf) */
static size_t
split(char *buf, char **parts, size_t n)
{
	size_t k = 0;

	parts[k++] = buf;
	for (char *p = buf; *p && k < n; p++)
		if (*p == '\x1f') {
			*p = '\0';
			parts[k++] = p + 1;
		}
	return k;
}

static int
put_rows(sqlite3 *db, const struct ev_map *m, const char *sql,
    size_t nparts, struct ev_err *err)
{
	struct ev_map_ent *e;
	sqlite3_stmt *st;
	size_t pos = 0;
	int rc = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail(db, err, "preparing baseline insert");
	while ((e = ev_map_next(m, &pos)) != NULL) {
		char *parts[4], *buf = strndup(e->key, e->klen);
		int i;

		if (buf == NULL) {
			rc = EV_ERR(err, EV_ENOMEM, 0, "out of memory");
			break;
		}
		if (split(buf, parts, nparts) != nparts) {
			free(buf);
			continue;
		}
		for (i = 0; i < (int)nparts; i++)
			sqlite3_bind_text(st, i + 1, parts[i], -1,
			    SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, i + 1, (sqlite3_int64)e->count);
		sqlite3_bind_int64(st, i + 2, (sqlite3_int64)e->first);
		sqlite3_bind_int64(st, i + 3, (sqlite3_int64)e->last);
		free(buf);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = fail(db, err, "adding to the baseline");
			break;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

int
base_db_add(sqlite3 *db, const struct base_counts *c, struct ev_err *err)
{
	int rc;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return fail(db, err, "starting a transaction");
	rc = put_rows(db, &c->inv, "INSERT INTO invocations VALUES"
	    "(?,?,?,?,?)" UPSERT_INV, 2, err);
	if (rc == 0)
		rc = put_rows(db, &c->feat, "INSERT INTO features VALUES"
		    "(?,?,?,?,?,?,?)" UPSERT_FEAT, 4, err);
	if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) !=
	    SQLITE_OK)
		rc = fail(db, err, "committing the baseline");
	if (rc != 0)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int
base_db_merge(sqlite3 *db, const char *inpath, struct ev_err *err)
{
	sqlite3_stmt *st;
	char *uri;
	int rc = 0;

	/* read-only, so a missing input is an error, not a new file */
	uri = sqlite3_mprintf("file:%q?mode=ro", inpath);
	if (uri == NULL)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	if (sqlite3_prepare_v2(db, "ATTACH ? AS src", -1, &st, NULL) !=
	    SQLITE_OK) {
		sqlite3_free(uri);
		return fail(db, err, "attaching");
	}
	sqlite3_bind_text(st, 1, uri, -1, sqlite3_free);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = EV_ERR(err, EV_ESQL, 0, "cannot open '%s': %s", inpath,
		    sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	if ((rc = check(db, "src", inpath, err)) == 0 &&
	    budget_add(db, "src") != 0)
		rc = fail(db, err, inpath);
	if (rc == 0) {
		if (sqlite3_exec(db, "BEGIN IMMEDIATE;"
		    " INSERT INTO main.invocations SELECT binary, host, count,"
		    " first, last FROM src.invocations WHERE true" UPSERT_INV ";"
		    " INSERT INTO main.features SELECT binary, feature, value,"
		    " host, count, first, last FROM src.features WHERE true"
		    UPSERT_FEAT "; COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
			char what[300];

			snprintf(what, sizeof(what), "merging '%s'", inpath);
			rc = fail(db, err, what);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		}
	}
	sqlite3_exec(db, "DETACH src", NULL, NULL, NULL);
	return rc;
}

int
base_db_load(sqlite3 *db, struct base_model *m, struct ev_err *err)
{
	sqlite3_stmt *st;
	struct ev_buf b = EV_BUF_INIT;
	int rc = 0, s;

	if (sqlite3_prepare_v2(db, "SELECT binary, feature, value, sum(count)"
	    " FROM features GROUP BY binary, feature, value", -1, &st, NULL) !=
	    SQLITE_OK)
		return fail(db, err, "reading the baseline");
	while ((s = sqlite3_step(st)) == SQLITE_ROW && rc == 0) {
		ev_buf_reset(&b);
		for (int i = 0; i < 3; i++) {
			const unsigned char *t = sqlite3_column_text(st, i);

			if (i > 0)
				ev_buf_addc(&b, '\x1f');
			ev_buf_adds(&b, t ? (const char *)t : "");
		}
		if (ev_buf_failed(&b) || base_model_add_value(m, b.buf, b.len,
		    (uint64_t)sqlite3_column_int64(st, 3)) != 0)
			rc = EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = fail(db, err, "reading the baseline");
	sqlite3_finalize(st);
	ev_buf_release(&b);
	if (rc != 0)
		return rc;
	if (sqlite3_prepare_v2(db, "SELECT binary, host, count, first, last"
	    " FROM invocations", -1, &st, NULL) != SQLITE_OK)
		return fail(db, err, "reading the baseline");
	while ((s = sqlite3_step(st)) == SQLITE_ROW && rc == 0) {
		const unsigned char *bin = sqlite3_column_text(st, 0);
		const unsigned char *host = sqlite3_column_text(st, 1);

		if (base_model_add_inv(m, bin ? (const char *)bin : "",
		    host ? (const char *)host : "",
		    (uint64_t)sqlite3_column_int64(st, 2),
		    (uint64_t)sqlite3_column_int64(st, 3),
		    (uint64_t)sqlite3_column_int64(st, 4)) != 0)
			rc = EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = fail(db, err, "reading the baseline");
	sqlite3_finalize(st);
	return rc;
}

int
base_learn(sqlite3 *db, const struct base_config *cfg,
    const struct corr *corr, struct ev_event *const *events, size_t n,
    struct ev_err *err)
{
	struct base_counts c;
	int rc;

	base_counts_init(&c);
	rc = base_counts_add_events(&c, cfg, corr, events, n, err);
	if (rc == 0)
		rc = base_db_add(db, &c, err);
	base_counts_release(&c);
	return rc;
}

int
base_db_close(sqlite3 *db, const char *path, struct ev_err *err)
{
	int rc = 0;

	if (db != NULL && sqlite3_close(db) != SQLITE_OK)
		rc = EV_ERR(err, EV_ESQL, 0, "%s: %s", path,
		    sqlite3_errmsg(db));
	return rc;
}

/* The message of a failed query (SQLite's) in err; EV_ESQL. */
static int
query_failed(sqlite3 *db, struct ev_err *err)
{
	return EV_ERR(err, EV_ESQL, 0, "%s", sqlite3_errmsg(db));
}

int
base_db_binaries(sqlite3 *db, void (*fn)(void *, const struct base_db_row *),
    void *arg, struct ev_err *err)
{
	struct base_db_row row;
	sqlite3_stmt *st;
	int s;

	if (sqlite3_prepare_v2(db, "SELECT i.binary, sum(i.count),"
	    " count(*), min(i.first), max(i.last),"
	    " (SELECT count(DISTINCT feature || '\x1f' || value)"
	    "  FROM features f WHERE f.binary = i.binary)"
	    " FROM invocations i GROUP BY i.binary ORDER BY i.binary",
	    -1, &st, NULL) != SQLITE_OK)
		return query_failed(db, err);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&row, 0, sizeof(row));
		row.binary = (const char *)sqlite3_column_text(st, 0);
		row.count = sqlite3_column_int64(st, 1);
		row.hosts = sqlite3_column_int64(st, 2);
		row.first = (uint64_t)sqlite3_column_int64(st, 3);
		row.last = (uint64_t)sqlite3_column_int64(st, 4);
		row.values = sqlite3_column_int64(st, 5);
		fn(arg, &row);
	}
	sqlite3_finalize(st);
	return s == SQLITE_DONE ? 0 : query_failed(db, err);
}

int
base_db_binary(sqlite3 *db, const char *binary,
    void (*fn)(void *, const struct base_db_row *), void *arg,
    struct ev_err *err)
{
	struct base_db_row row;
	sqlite3_stmt *st;
	int s, found = 0;
	char *low = strdup(binary);

	if (low == NULL)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	for (char *p = low; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	memset(&row, 0, sizeof(row));
	row.binary = low;
	if (sqlite3_prepare_v2(db, "SELECT sum(count), count(*), min(first),"
	    " max(last) FROM invocations WHERE binary = ?", -1, &st, NULL) !=
	    SQLITE_OK) {
		free(low);
		return query_failed(db, err);
	}
	sqlite3_bind_text(st, 1, low, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 1) > 0) {
		found = 1;
		row.count = sqlite3_column_int64(st, 0);
		row.hosts = sqlite3_column_int64(st, 1);
		row.first = (uint64_t)sqlite3_column_int64(st, 2);
		row.last = (uint64_t)sqlite3_column_int64(st, 3);
		fn(arg, &row);
	}
	sqlite3_finalize(st);
	if (!found) {
		free(low);
		return 1;
	}
	if (sqlite3_prepare_v2(db, "SELECT feature, value, sum(count),"
	    " count(*) FROM features WHERE binary = ? GROUP BY feature, value"
	    " ORDER BY feature, sum(count) DESC, value", -1, &st, NULL) !=
	    SQLITE_OK) {
		free(low);
		return query_failed(db, err);
	}
	sqlite3_bind_text(st, 1, low, -1, SQLITE_STATIC);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&row, 0, sizeof(row));
		row.binary = low;
		row.feature = (const char *)sqlite3_column_text(st, 0);
		row.value = (const char *)sqlite3_column_text(st, 1);
		row.count = sqlite3_column_int64(st, 2);
		row.hosts = sqlite3_column_int64(st, 3);
		fn(arg, &row);
	}
	sqlite3_finalize(st);
	free(low);
	return s == SQLITE_DONE ? 0 : query_failed(db, err);
}
