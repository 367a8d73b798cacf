/*
 * store.c -- writing a run into SQLite (see store.h; the schema is
 * documented in man/evtxhunt-db.5 and versioned by PRAGMA user_version).
 *
 * Speed: one prepared INSERT per table, bound column by column, inside a
 * single transaction, with journaling and syncing off: the file is the
 * command's temporary (cmd_out_open()), named only once complete.
 * Indexes are created after the bulk insert.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "ev_buf.h"
#include "ev_json.h"
#include "ev_level.h"
#include "store.h"

struct store {
	sqlite3	*db;
};

static int
store_exec(sqlite3 *db, const char *sql, struct ev_err *err)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		EV_ERR(err, EV_ESQL, 0, "sqlite: %s", msg ? msg :
		    sqlite3_errmsg(db));
		sqlite3_free(msg);
		return EV_ESQL;
	}
	return 0;
}

static int
create_schema(sqlite3 *db, struct ev_err *err)
{
	struct ev_buf b = EV_BUF_INIT;
	int rc;

	/* an event's row is wide (every column and its data as JSON, often
	   past 1 KB): on 16 KiB pages most fit a page of their own instead
	   of spilling into overflow pages (set before the first table) */
	ev_buf_adds(&b,
	    "PRAGMA page_size=16384;"
	    "PRAGMA journal_mode=OFF;"
	    "PRAGMA synchronous=OFF;"
	    "PRAGMA temp_store=MEMORY;"
	    "CREATE TABLE files("
	    " id INTEGER PRIMARY KEY, path TEXT NOT NULL, size INTEGER,"
	    " sha256 TEXT, dirty INTEGER, full INTEGER, chunks INTEGER,"
	    " records INTEGER, recovered INTEGER, bad_chunks INTEGER,"
	    " bad_records INTEGER, status TEXT NOT NULL, message TEXT,"
	    " header_bad INTEGER, events INTEGER, duplicates INTEGER,"
	    " warnings INTEGER, first_record_id INTEGER,"
	    " last_record_id INTEGER, first_time INTEGER,"
	    " last_time INTEGER);"
	    "CREATE TABLE record_gaps("
	    " file_id INTEGER NOT NULL REFERENCES files(id),"
	    " after_id INTEGER, before_id INTEGER, after_time INTEGER,"
	    " before_time INTEGER);"
	    "CREATE TABLE events("
	    " id INTEGER PRIMARY KEY,"
	    " file_id INTEGER NOT NULL REFERENCES files(id),"
	    " chunk INTEGER, offset INTEGER, record_id INTEGER,"
	    " recovered INTEGER, time INTEGER, event_id INTEGER,"
	    " version INTEGER, kind TEXT");
	for (int i = 0; i < EV_NCOL; i++)
		ev_buf_addf(&b, ", %s %s", ev_cols[i].name,
		    ev_cols[i].type == EV_T_TEXT ? "TEXT" : "INTEGER");
	ev_buf_addf(&b, ", user_sid TEXT, dup_record INTEGER, data TEXT);"
	    "PRAGMA user_version=%d;", STORE_SCHEMA_VERSION);
	if (ev_buf_failed(&b))
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	rc = store_exec(db, b.buf, err);
	ev_buf_release(&b);
	return rc;
}

int
store_open(const char *path, struct store **out, struct ev_err *err)
{
	struct store *s;
	int rc;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	if (sqlite3_open_v2(path ? path : ":memory:", &s->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = EV_ERR(err, EV_ESQL, 0, "sqlite: %s",
		    s->db ? sqlite3_errmsg(s->db) : "cannot open");
		goto fail;
	}
	if ((rc = create_schema(s->db, err)) != 0)
		goto fail;
	*out = s;
	return 0;
fail:
	store_close(s, NULL);
	return rc;
}

static int
sql_fail(sqlite3 *db, struct ev_err *err)
{
	return EV_ERR(err, EV_ESQL, 0, "sqlite: %s", sqlite3_errmsg(db));
}

static int
sql_fail_in(sqlite3 *db, struct ev_err *err, const char *what)
{
	return EV_ERR(err, EV_ESQL, 0, "%s: %s", what, sqlite3_errmsg(db));
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* An integer column from a logged value; text when it is not a number. */
static void
bind_int(sqlite3_stmt *st, int i, const char *s)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0') {
		sqlite3_bind_null(st, i);
		return;
	}
	v = strtoll(s, &end, 10);
	if (*end != '\0')
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, i, v);
}

/* Runs a prepared INSERT and makes it ready for the next row. */
static int
step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
insert_files(sqlite3 *db, const struct ingest_run *run, struct ev_err *err)
{
	sqlite3_stmt *st = NULL, *gap = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(db, "INSERT INTO files VALUES(?,?,?,?,?,?,?,?,"
	    "?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO record_gaps VALUES(?,?,?,?,?)",
	    -1, &gap, NULL) != SQLITE_OK) {
		rc = sql_fail(db, err);
		goto out;
	}
	for (size_t i = 0; i < run->nfiles && rc == 0; i++) {
		const struct ingest_file *f = &run->files[i];
		const struct evtx_stats *s = &f->stats;
		int c = 1;

		sqlite3_bind_int64(st, c++, (sqlite3_int64)f->id);
		bind_text(st, c++, f->path);
		sqlite3_bind_int64(st, c++, (sqlite3_int64)f->size);
		bind_text(st, c++, f->sha256[0] ? f->sha256 : NULL);
		sqlite3_bind_int(st, c++, s->dirty);
		sqlite3_bind_int(st, c++, s->full);
		sqlite3_bind_int64(st, c++, s->chunks);
		sqlite3_bind_int64(st, c++, (sqlite3_int64)s->records);
		sqlite3_bind_int64(st, c++, (sqlite3_int64)s->recovered);
		sqlite3_bind_int64(st, c++, s->bad_chunks);
		sqlite3_bind_int64(st, c++, (sqlite3_int64)s->bad_records);
		bind_text(st, c++, ingest_status_name(f->status));
		bind_text(st, c++, f->message);
		sqlite3_bind_int(st, c++, s->header_bad);
		sqlite3_bind_int64(st, c++, (sqlite3_int64)f->events);
		sqlite3_bind_int64(st, c++, (sqlite3_int64)f->duplicates);
		sqlite3_bind_int64(st, c++, (sqlite3_int64)f->warnings);
		if (s->first_id || s->last_id) {
			sqlite3_bind_int64(st, c++, (sqlite3_int64)s->first_id);
			sqlite3_bind_int64(st, c++, (sqlite3_int64)s->last_id);
		} else {
			sqlite3_bind_null(st, c++);
			sqlite3_bind_null(st, c++);
		}
		if (s->first_time) {
			sqlite3_bind_int64(st, c++,
			    (sqlite3_int64)s->first_time);
			sqlite3_bind_int64(st, c++,
			    (sqlite3_int64)s->last_time);
		} else {
			sqlite3_bind_null(st, c++);
			sqlite3_bind_null(st, c++);
		}
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = sql_fail(db, err);
		sqlite3_reset(st);
		for (size_t g = 0; g < s->ngaps && rc == 0; g++) {
			sqlite3_bind_int64(gap, 1, (sqlite3_int64)f->id);
			sqlite3_bind_int64(gap, 2,
			    (sqlite3_int64)s->gaps[g].after_id);
			sqlite3_bind_int64(gap, 3,
			    (sqlite3_int64)s->gaps[g].before_id);
			sqlite3_bind_int64(gap, 4,
			    (sqlite3_int64)s->gaps[g].after_time);
			sqlite3_bind_int64(gap, 5,
			    (sqlite3_int64)s->gaps[g].before_time);
			if (sqlite3_step(gap) != SQLITE_DONE)
				rc = sql_fail(db, err);
			sqlite3_reset(gap);
		}
	}
out:
	sqlite3_finalize(st);
	sqlite3_finalize(gap);
	return rc;
}

static int
insert_events(sqlite3 *db, const struct ingest_run *run, struct ev_err *err)
{
	struct ev_buf sql = EV_BUF_INIT, json = EV_BUF_INIT;
	struct ingest_cursor cur;
	struct ev_event *const *batch;
	ptrdiff_t nb = 0;
	sqlite3_stmt *st = NULL;
	int rc = 0, ncols = 10 + EV_NCOL + 3;

	ingest_cursor_init(&cur, run);
	ev_buf_adds(&sql, "INSERT INTO events VALUES(?");
	for (int i = 1; i < ncols; i++)
		ev_buf_add(&sql, ",?", 2);
	ev_buf_addc(&sql, ')');
	if (ev_buf_failed(&sql)) {
		rc = EV_ERR(err, EV_ENOMEM, 0, "out of memory");
		goto out;
	}
	if (sqlite3_prepare_v2(db, sql.buf, -1, &st, NULL) != SQLITE_OK) {
		rc = sql_fail(db, err);
		goto out;
	}
	for (ptrdiff_t i = 0; rc == 0; i++) {
		const struct ev_event *ev;
		int c = 1;

		if (i == nb) {
			if ((nb = ingest_cursor_next(&cur, 4096, &batch,
			    err)) <= 0) {
				rc = (int)nb;
				break;
			}
			i = 0;
		}
		ev = batch[i];
		sqlite3_bind_int64(st, c++, store_event_id(ev));
		sqlite3_bind_int64(st, c++, ev->file_id);
		sqlite3_bind_int64(st, c++, ev->chunk);
		sqlite3_bind_int64(st, c++, (sqlite3_int64)ev->offset);
		sqlite3_bind_int64(st, c++, (sqlite3_int64)ev->record_id);
		sqlite3_bind_int(st, c++, ev->recovered);
		sqlite3_bind_int64(st, c++, (sqlite3_int64)ev->time);
		sqlite3_bind_int64(st, c++, ev->event_id);
		sqlite3_bind_int(st, c++, ev->version);
		sqlite3_bind_text(st, c++, ev_kind_name(ev->kind), -1,
		    SQLITE_STATIC);
		for (int k = 0; k < EV_NCOL; k++, c++) {
			const char *v = ev_col(ev, k);

			if (v == NULL)
				sqlite3_bind_null(st, c);
			else if (ev_cols[k].type != EV_T_TEXT)
				sqlite3_bind_int64(st, c, strtoll(v, NULL, 10));
			else
				sqlite3_bind_text(st, c, v, -1, SQLITE_STATIC);
		}
		bind_text(st, c++, ev->user_sid);
		if (ev->dup_record)
			sqlite3_bind_int64(st, c++,
			    (sqlite3_int64)ev->dup_record);
		else
			sqlite3_bind_null(st, c++);
		ev_buf_reset(&json);
		ev_json_data(&json, ev);
		if (ev_buf_failed(&json)) {
			rc = EV_ERR(err, EV_ENOMEM, 0, "out of memory");
			break;
		}
		sqlite3_bind_text(st, c++, json.buf, (int)json.len,
		    SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = sql_fail(db, err);
		sqlite3_reset(st);
	}
out:
	sqlite3_finalize(st);
	ev_buf_release(&sql);
	ev_buf_release(&json);
	ingest_cursor_release(&cur);
	return rc;
}

int
store_add_run(struct store *s, const struct ingest_run *run,
    struct ev_err *err)
{
	int rc;

	if ((rc = store_exec(s->db, "BEGIN", err)) != 0)
		return rc;
	if ((rc = insert_files(s->db, run, err)) != 0 ||
	    (rc = insert_events(s->db, run, err)) != 0 ||
	    (rc = store_exec(s->db,
	    "CREATE INDEX events_time ON events(time);"
	    "CREATE INDEX events_process_guid ON events(process_guid);"
	    "CREATE INDEX events_image ON events(image);"
	    "CREATE INDEX events_computer_pid ON events(computer, pid);",
	    err)) != 0) {
		store_exec(s->db, "ROLLBACK", NULL);
		return rc;
	}
	return store_exec(s->db, "COMMIT", err);
}

int
store_add_rules(struct store *s, const struct store_rule *rules, size_t n,
    struct ev_err *err)
{
	sqlite3_stmt *ins = NULL;
	struct ev_buf tags = EV_BUF_INIT, refs = EV_BUF_INIT, fps = EV_BUF_INIT;
	int rc;

	if ((rc = store_exec(s->db, "BEGIN;"
	    "CREATE TABLE rules(id INTEGER PRIMARY KEY, uuid TEXT, path TEXT,"
	    " title TEXT, level TEXT, status TEXT, tags TEXT,"
	    " load_status TEXT NOT NULL, reason TEXT, description TEXT,"
	    " refs TEXT, falsepositives TEXT);", err)) != 0)
		return rc;
	if (sqlite3_prepare_v2(s->db, "INSERT INTO rules VALUES"
	    "(?,?,?,?,?,?,?,?,?,?,?,?)", -1, &ins, NULL) != SQLITE_OK)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const struct store_rule *r = &rules[i];

		sqlite3_bind_int64(ins, 1, (sqlite3_int64)i + 1);
		bind_text(ins, 2, r->uuid);
		bind_text(ins, 3, r->path);
		bind_text(ins, 4, r->title);
		bind_text(ins, 5, r->level != EV_LEVEL_NONE ?
		    ev_level_name(r->level) : NULL);
		bind_text(ins, 6, r->status);
		ev_buf_reset(&tags);
		for (size_t t = 0; t < r->ntags; t++)
			ev_buf_addf(&tags, "%s%s", t ? " " : "", r->tags[t]);
		if (ev_buf_failed(&tags)) {
			rc = EV_ERR(err, EV_ENOMEM, 0, "out of memory");
			goto out;
		}
		bind_text(ins, 7, r->ntags ? tags.buf : NULL);
		bind_text(ins, 8, r->load_status);
		bind_text(ins, 9, r->reason);
		bind_text(ins, 10, r->description);
		ev_buf_reset(&refs);
		ev_json_strv(&refs, r->references, r->nreferences);
		ev_buf_reset(&fps);
		ev_json_strv(&fps, r->falsepositives, r->nfalsepositives);
		if (ev_buf_failed(&refs) || ev_buf_failed(&fps)) {
			rc = EV_ERR(err, EV_ENOMEM, 0, "out of memory");
			goto out;
		}
		bind_text(ins, 11, r->nreferences ? refs.buf : NULL);
		bind_text(ins, 12, r->nfalsepositives ? fps.buf : NULL);
		if (step(ins) != 0)
			goto fail;
	}
	sqlite3_finalize(ins);
	ev_buf_release(&tags);
	ev_buf_release(&refs);
	ev_buf_release(&fps);
	return store_exec(s->db, "COMMIT", err);
fail:
	rc = sql_fail(s->db, err);
out:
	sqlite3_finalize(ins);
	ev_buf_release(&tags);
	ev_buf_release(&refs);
	ev_buf_release(&fps);
	store_exec(s->db, "ROLLBACK", NULL);
	return rc;
}

int
store_add_findings(struct store *s, const struct finding *f, size_t n,
    struct ev_err *err)
{
	sqlite3_stmt *ins = NULL;
	struct ev_buf m = EV_BUF_INIT;
	int rc;

	if ((rc = store_exec(s->db, "BEGIN;"
	    "CREATE TABLE findings(id INTEGER PRIMARY KEY,"
	    " event INTEGER NOT NULL REFERENCES events(id), source TEXT NOT NULL,"
	    " rule INTEGER REFERENCES rules(id), level TEXT, score REAL,"
	    " title TEXT, details TEXT, tags TEXT, group_id INTEGER,"
	    " matched TEXT);",
	    err)) != 0)
		return rc;
	if (sqlite3_prepare_v2(s->db, "INSERT INTO findings(event, source,"
	    " rule, level, score, title, details, tags, group_id, matched)"
	    " VALUES(?,?,?,?,?,?,?,?,?,?)", -1, &ins, NULL) != SQLITE_OK)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < f[i].nreasons; k++) {
			const struct finding_reason *r = &f[i].reasons[k];

			sqlite3_bind_int64(ins, 1, store_event_id(f[i].ev));
			bind_text(ins, 2, r->baseline ? "baseline" :
			    r->correlation ? "correlation" : "rule");
			if (!r->baseline)
				sqlite3_bind_int64(ins, 3,
				    (sqlite3_int64)r->rule + 1);
			bind_text(ins, 4, ev_level_name(r->level));
			if (r->baseline)
				sqlite3_bind_double(ins, 5, r->score);
			bind_text(ins, 6, r->title);
			bind_text(ins, 7, r->details);
			bind_text(ins, 8, r->tags);
			if (f[i].group != 0)
				sqlite3_bind_int64(ins, 9, f[i].group);
			ev_buf_reset(&m);
			findings_matched_line(&m, r);
			if (ev_buf_failed(&m)) {
				rc = EV_ERR(err, EV_ENOMEM, 0, "out of memory");
				goto out;
			}
			bind_text(ins, 10, r->nmatched > 0 ? m.buf : NULL);
			if (step(ins) != 0)
				goto fail;
		}
	}
	sqlite3_finalize(ins);
	ev_buf_release(&m);
	return store_exec(s->db, "CREATE INDEX findings_event ON "
	    "findings(event); COMMIT;", err);
fail:
	rc = sql_fail(s->db, err);
out:
	sqlite3_finalize(ins);
	ev_buf_release(&m);
	store_exec(s->db, "ROLLBACK", NULL);
	return rc;
}

static const char process_schema[] =
    "CREATE TABLE IF NOT EXISTS processes(event INTEGER PRIMARY KEY,"
    " computer TEXT, process_guid TEXT, pid INTEGER, image TEXT,"
    " start INTEGER, end INTEGER, exit_event INTEGER, parent INTEGER,"
    " depth INTEGER, duplicate_of INTEGER, origin INTEGER,"
    " script INTEGER);"
    "CREATE TABLE IF NOT EXISTS process_edges(parent INTEGER,"
    " child INTEGER, PRIMARY KEY(parent, child)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS process_edges_child"
    " ON process_edges(child);"
    "CREATE TABLE IF NOT EXISTS process_events(process INTEGER,"
    " event INTEGER, kind TEXT, PRIMARY KEY(process, event))"
    " WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS process_events_event"
    " ON process_events(event);";

/* The edge to its parent and the 3/7/11/22/task events of one kept
   process. */
static int
insert_links(sqlite3_stmt *es, sqlite3_stmt *as, const struct corr_row *p)
{
	const struct ev_event *const *ls[3] = { p->net, p->loads, p->acts };
	size_t ns[3] = { p->nnet, p->nloads, p->nacts };

	if (p->parent != NULL) {
		sqlite3_bind_int64(es, 1, store_event_id(p->parent));
		sqlite3_bind_int64(es, 2, store_event_id(p->ev));
		if (step(es) != 0)
			return -1;
	}
	for (int l = 0; l < 3; l++) {
		for (size_t j = 0; j < ns[l]; j++) {
			sqlite3_bind_int64(as, 1, store_event_id(p->ev));
			sqlite3_bind_int64(as, 2, store_event_id(ls[l][j]));
			bind_text(as, 3, ev_kind_name(ls[l][j]->kind));
			if (step(as) != 0)
				return -1;
		}
	}
	return 0;
}

int
store_add_processes(struct store *s, const struct corr *c,
    struct ev_err *err)
{
	sqlite3_stmt *ps = NULL, *es = NULL, *as = NULL;
	int rc;

	if ((rc = store_exec(s->db, "BEGIN", err)) != 0)
		return rc;
	if (sqlite3_exec(s->db, process_schema, NULL, NULL, NULL) !=
	    SQLITE_OK) {
		rc = sql_fail_in(s->db, err, "creating process tables");
		goto out;
	}
	if (sqlite3_prepare_v2(s->db, "INSERT INTO processes VALUES"
	    "(?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &ps, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO process_edges"
	    " VALUES(?,?)", -1, &es, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO process_events"
	    " VALUES(?,?,?)", -1, &as, NULL) != SQLITE_OK) {
		rc = sql_fail_in(s->db, err, "preparing process inserts");
		goto out;
	}
	for (size_t i = 0; i < corr_nprocs(c) && rc == 0; i++) {
		struct corr_row p;
		const struct ev_event *ev;

		corr_row(c, i, &p);
		ev = p.ev;
		sqlite3_bind_int64(ps, 1, store_event_id(ev));
		bind_text(ps, 2, ev_col(ev, EV_COL_COMPUTER));
		bind_text(ps, 3, ev_col(ev, EV_COL_PROCESS_GUID));
		bind_int(ps, 4, ev_col(ev, EV_COL_PID));
		bind_text(ps, 5, ev_col(ev, EV_COL_IMAGE));
		sqlite3_bind_int64(ps, 6, (sqlite3_int64)ev->time);
		if (p.exit != NULL) {
			sqlite3_bind_int64(ps, 7, (sqlite3_int64)p.exit->time);
			sqlite3_bind_int64(ps, 8, store_event_id(p.exit));
		}
		if (p.duplicate_of == NULL) {
			if (p.parent != NULL)
				sqlite3_bind_int64(ps, 9,
				    store_event_id(p.parent));
			sqlite3_bind_int64(ps, 10, (sqlite3_int64)p.depth);
			if (p.origin != NULL)
				sqlite3_bind_int64(ps, 12,
				    store_event_id(p.origin));
			if (p.script != NULL)
				sqlite3_bind_int64(ps, 13,
				    store_event_id(p.script));
		} else
			sqlite3_bind_int64(ps, 11,
			    store_event_id(p.duplicate_of));
		if (step(ps) != 0)
			rc = sql_fail_in(s->db, err, "inserting a process");
		else if (p.duplicate_of == NULL &&
		    insert_links(es, as, &p) != 0)
			rc = sql_fail_in(s->db, err, "inserting a process link");
	}
out:
	sqlite3_finalize(ps);
	sqlite3_finalize(es);
	sqlite3_finalize(as);
	if (rc != 0) {
		store_exec(s->db, "ROLLBACK", NULL);
		return rc;
	}
	return store_exec(s->db, "COMMIT", err);
}

int
store_close(struct store *s, struct ev_err *err)
{
	int rc = 0;

	if (s == NULL)
		return 0;
	if (s->db != NULL && sqlite3_close(s->db) != SQLITE_OK)
		rc = EV_ERR(err, EV_ESQL, 0, "sqlite: %s",
		    sqlite3_errmsg(s->db));
	free(s);
	return rc;
}
