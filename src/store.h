/*
 * store.h -- the SQLite database of a run: the one owner of its schema
 * (evtxhunt-db(5)).
 *
 * The reading stage keeps events in memory (ingest.h); the store turns a
 * run into the `files`, `events` and `record_gaps` tables, and the later
 * stages' results into theirs: the rules of a scan (store_add_rules()),
 * its findings (store_add_findings()) and the process trees
 * (store_add_processes()).  Each call writes its tables in a transaction
 * of its own.  A database is either in memory or the file it is given:
 * the command gives it a temporary and renames that into place once the
 * store is closed (cmd_out_open(), the one output policy), so a crash
 * never leaves a half-written database under the requested name.
 *
 * Event ids: events.id is the event's position in output order plus one
 * (store_event_id()), so other tables can reference an event they hold
 * as a struct ev_event.
 *
 * Tables beyond files, events and record_gaps (the man page has them all):
 *   rules(id INTEGER PRIMARY KEY, uuid, path, title, level, status, tags,
 *     load_status NOT NULL, reason)
 *	One row per rule file the scan saw, loaded or not; id is the
 *	position in the rule set plus one.
 *   findings(id INTEGER PRIMARY KEY, event NOT NULL, source NOT NULL,
 *     rule, level, score, title, details, tags, group_id)
 *	One row per reason of a finding: source 'rule' (rule set) or
 *	'baseline' (score); group_id: the report entry that collapsed
 *	identical findings (findings_group()); index findings_event.
 *   processes(event INTEGER PRIMARY KEY, computer TEXT, process_guid
 *     TEXT, pid INTEGER, image TEXT, start INTEGER, end INTEGER,
 *     exit_event INTEGER, parent INTEGER, depth INTEGER,
 *     duplicate_of INTEGER)
 *	One row per process creation event (Sysmon 1 or 4688).
 *	start/end are FILETIMEs (end NULL while no exit was logged);
 *	exit_event is the 4689 / Sysmon 5 that ended it; parent is the
 *	event of the parent process (NULL when not in the evidence);
 *	depth is the number of known ancestors (0 for a root);
 *	duplicate_of is set on a 4688 that logs the same process as a
 *	Sysmon 1 (the kept event); such rows have no parent and no edges.
 *   process_edges(parent INTEGER, child INTEGER)
 *	parent -> child creation links between processes rows.
 *   process_events(process INTEGER, event INTEGER, kind TEXT)
 *	The network ('network', Sysmon 3) and image load ('image_load',
 *	Sysmon 7) events attached to a process.
 *   Indexes: process_edges(child), process_events(event).
 */
#ifndef STORE_H
#define STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "correlate.h"
#include "ev_err.h"
#include "ev_level.h"
#include "findings.h"
#include "ingest.h"

#define STORE_SCHEMA_VERSION	5

struct store;

/*
 * Opens a new database in path, an empty or missing file (NULL: in
 * memory), with journaling and syncing off, and creates the schema.
 */
int	 store_open(const char *path, struct store **out, struct ev_err *err);

/* Inserts the files, events and record gaps of run, in one transaction. */
int	 store_add_run(struct store *, const struct ingest_run *run,
	    struct ev_err *err);

/* Closes the database.  Returns 0 or an error.  NULL is a no-op. */
int	 store_close(struct store *, struct ev_err *err);

static inline long long
store_event_id(const struct ev_event *ev)
{
	return (long long)ev->seq + 1;
}

/* One row of the rules table (NULL strings are NULL in the table). */
struct store_rule {
	const char	*uuid, *path, *title;
	enum ev_level	 level;		/* NONE: NULL */
	const char	*status;	/* the rule's own status: field */
	const char *const *tags;	/* joined with spaces; none: NULL */
	size_t		 ntags;
	const char	*load_status;	/* "loaded", "skipped", "rejected" */
	const char	*reason;	/* why not loaded, or NULL */
	const char	*description;	/* or NULL */
	const char *const *references;	/* a JSON array; none: NULL */
	size_t		 nreferences;
	const char *const *falsepositives;	/* the same */
	size_t		 nfalsepositives;
};

/* Creates and fills `rules`: rules[i] gets id i + 1. */
int	 store_add_rules(struct store *, const struct store_rule *rules,
	    size_t n, struct ev_err *err);

/*
 * Creates and fills `findings`, one row per reason; a rule reason refers
 * to rules.id reason->rule + 1 (store_add_rules() with the rule set in
 * its order).
 */
int	 store_add_findings(struct store *, const struct finding *f, size_t n,
	    struct ev_err *err);

/* Creates and fills `processes`, `process_edges` and `process_events`. */
int	 store_add_processes(struct store *, const struct corr *,
	    struct ev_err *err);

#endif
