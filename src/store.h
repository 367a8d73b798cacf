/*
 * store.h -- the SQLite database of a run (schema: evtxhunt-db(5)).
 *
 * The reading stage keeps events in memory (ingest.h); the store turns a
 * run into the `files`, `events` and `record_gaps` tables, and later
 * stages add theirs (rules, findings, processes, ...) through
 * store_db().  A database is either in memory or a file: a file is
 * written as a temporary "PATH.XXXXXX" beside PATH and renamed into place
 * by store_close(), so a crash never leaves a half-written database under
 * the requested name, and an existing PATH is refused unless force.
 *
 * Event ids: events.id is the event's position in output order plus one
 * (store_event_id()), so other tables can reference an event they hold
 * as a struct ev_event.
 */
#ifndef STORE_H
#define STORE_H

#include <stdbool.h>
#include <sqlite3.h>

#include "ev_err.h"
#include "ingest.h"

#define STORE_SCHEMA_VERSION	1

struct store;

/*
 * Opens a new database: path NULL for an in-memory one.  With a path,
 * EV_EUSAGE when it exists and !force.  Creates the schema.
 */
int	 store_open(const char *path, bool force, struct store **out,
	    struct ev_err *err);

/* The connection, for other modules' tables.  Borrowed. */
sqlite3	*store_db(struct store *);

/* Inserts the files, events and record gaps of run, in one transaction. */
int	 store_add_run(struct store *, const struct ingest_run *run,
	    struct ev_err *err);

/*
 * Closes the database.  commit: for a file, sync it and rename it into
 * place (else it is removed).  Returns 0 or an error.  NULL is a no-op.
 */
int	 store_close(struct store *, bool commit, struct ev_err *err);

static inline long long
store_event_id(const struct ev_event *ev)
{
	return (long long)ev->seq + 1;
}

/*
 * Runs SQL with no results (schema changes); EV_ESQL with the message.
 */
int	 store_exec(sqlite3 *db, const char *sql, struct ev_err *err);

#endif
