/*
 * ingest_load.c -- a run that went over the memory budget, loaded back
 * for the commands that need every event at once (ingest.h:
 * ingest_load(), ingest_event_whole()).
 *
 * The merged spill stays open: it holds every event whole, in output
 * order, so what is loaded back can leave out what no later stage reads
 * of most events -- their EventData -- and read it back by offset for
 * the few that need it (a Sysmon 3/7 matched late and its process, the
 * rule hits that are explained or correlated).  The strings of the events loaded are
 * stored once (a process's image, command line and GUID repeat in every
 * load and connection of it).
 */
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>
#include <unistd.h>

#include "ingest.h"

/*
 * Whether ev's EventData may stay in the spill: events of the kinds
 * whose columns say all that correlation, baselines and the report read
 * of them (the data of those with rule hits is read back for the Sigma
 * correlations and the explanations).  Script blocks, services, tasks,
 * WMI and module logging keep theirs (their columns are computed from it
 * later, and they are few); generic events loaded have theirs only when
 * a rule hit them.
 */
static bool
slim(const struct ev_event *ev)
{
	if (ev->ndata == 0)
		return false;
	switch (ev->kind) {
	case EV_KIND_PROCESS:
	case EV_KIND_NETWORK:
	case EV_KIND_IMAGE_LOAD:
	case EV_KIND_PROCESS_EXIT:
	case EV_KIND_DNS:
	case EV_KIND_FILE:
	case EV_KIND_REMOTE_THREAD:
	case EV_KIND_PROCESS_ACCESS:
	case EV_KIND_DRIVER_LOAD:
	case EV_KIND_REGISTRY:
	case EV_KIND_STREAM_HASH:
	case EV_KIND_PIPE:
		return true;
	default:
		return false;
	}
}

int
ingest_load(struct ingest_run *run, uint64_t memory, struct ev_err *err)
{
	struct ingest_cursor c;
	struct ev_event *const *v;
	ptrdiff_t n;
	size_t k = 0;
	int rc = 0;

	if (run->spill == NULL || run->loaded)
		return 0;
	/* past the budget, pooled memory is a temporary file's pages */
	if (!run->paged) {
		int fd = ev_spill_tmpfile(run->spill->dir, err);

		if (fd < 0)
			return fd;
		if (ev_arena_pool_file(fd, (size_t)memory) != 0)
			close(fd);	/* no pool: memory as before */
		else
			run->paged = true;
	}
#ifdef __GLIBC__
	/* what the reading threads freed, kept by malloc, back to the
	   system: the events loaded now take its place */
	(void)malloc_trim(0);
#endif
	/* past the budget: in the pool's file from the start */
	run->events = ev_big_alloc_paged((run->nevents ? run->nevents : 1) *
	    sizeof(*run->events));
	run->spill_at = ev_big_alloc_paged((run->nevents ? run->nevents : 1) *
	    sizeof(*run->spill_at));
	run->load_arena = malloc(sizeof(*run->load_arena));
	run->load_strings = malloc(sizeof(*run->load_strings));
	if (run->events == NULL || run->spill_at == NULL ||
	    run->load_arena == NULL || run->load_strings == NULL) {
		free(run->load_arena);
		free(run->load_strings);
		run->load_arena = NULL;
		run->load_strings = NULL;
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	}
	/* in the pool: the events' columns are offsets to their strings */
	ev_arena_init(run->load_arena);
	ev_arena_pool(run->load_arena);
	ev_shared_init(run->load_strings);
	ev_shared_pool(run->load_strings);
	ingest_cursor_init(&c, run);
	while (rc == 0 && (n = ingest_cursor_next(&c, 4096, &v, err)) > 0)
		for (ptrdiff_t i = 0; i < n && rc == 0; i++) {
			struct ev_event *e;
			bool data = !slim(v[i]);

			if (k == run->nevents) {
				rc = EV_ERR(err, EV_ECORRUPT, 0, "a temporary "
				    "file in '%s' is damaged", run->spill->dir);
				break;
			}
			e = ev_arena_alloc(run->load_arena, sizeof(*e));
			if (e == NULL || ev_event_keep(e, v[i], data,
			    run->load_arena, run->load_strings) != 0) {
				rc = EV_ERR(err, EV_ENOMEM, 0, "out of memory");
				break;
			}
			e->spilled = !data;
			run->spill_at[k] = c.at[i];
			run->events[k++] = e;
		}
	if (rc == 0 && n < 0)
		rc = (int)n;
	ingest_cursor_release(&c);
	/* the strings stay; the table that found them is not needed */
	ev_shared_seal(run->load_strings);
	if (rc == 0 && k != run->nevents)
		rc = EV_ERR(err, EV_ECORRUPT, 0, "a temporary file in '%s' is "
		    "damaged", run->spill->dir);
	if (rc == 0)
		run->loaded = true;
	run->paged_bytes = ev_arena_pool_paged();
	return rc;
}

void
ingest_load_release(struct ingest_run *run)
{
	ev_big_free(run->spill_at);
	if (run->load_arena != NULL)
		ev_arena_release(run->load_arena);
	free(run->load_arena);
	if (run->load_strings != NULL)
		ev_shared_release(run->load_strings);
	free(run->load_strings);
	run->spill_at = NULL;
	run->load_arena = NULL;
	run->load_strings = NULL;
	/* the slices freed above have left the file: it can go */
	if (run->paged)
		(void)ev_arena_pool_file(-1, 0);
	run->paged = false;
}

int
ingest_event_whole(const struct ingest_run *run, const struct ev_event *ev,
    struct ev_arena *arena, const struct ev_event **whole, struct ev_err *err)
{
	struct ev_event *rec, *w;
	int rc;

	*whole = ev;
	if (!ev->spilled)
		return 0;
	if (!run->loaded || ev->seq >= run->nevents)
		return EV_ERR(err, EV_EUSAGE, 0, "an event's data is not in "
		    "memory and the run has no spill to read it from");
	if ((rc = ev_spill_read_at(run->spill, run->spill_at[ev->seq], arena,
	    &rec, err)) != 0)
		return rc;
	if (rec->record_id != ev->record_id || rec->time != ev->time ||
	    rec->file_id != ev->file_id)
		return EV_ERR(err, EV_ECORRUPT, 0, "a temporary file in '%s' "
		    "is damaged", run->spill->dir);
	if ((w = ev_arena_alloc(arena, sizeof(*w))) == NULL)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	*w = *ev;
	w->data = rec->data;
	w->ndata = rec->ndata;
	w->dlen = rec->dlen;
	w->spilled = false;
	*whole = w;
	return 0;
}
