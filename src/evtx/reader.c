/*
 * reader.c -- dispatch from the reader interface to an implementation,
 * and the counters every implementation shares (see reader.h).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"

struct evtx_file {
	const struct evtx_impl	*impl;
	void			*state;
};

int
evtx_parser_from_name(const char *name)
{
	if (strcmp(name, "native") == 0)
		return EVTX_PARSER_NATIVE;
	if (strcmp(name, "libevtx") == 0)
		return EVTX_PARSER_LIBEVTX;
	return -1;
}

const char *
evtx_parser_name(enum evtx_parser p)
{
	return p == EVTX_PARSER_LIBEVTX ? "libevtx" : "native";
}

int
evtx_open_evidence(const char *path)
{
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOATIME);
	if (fd == -1 && errno == EPERM)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd;
}

void
evtx_stats_init(struct evtx_stats *st)
{
	memset(st, 0, sizeof(*st));
}

void
evtx_stats_release(struct evtx_stats *st)
{
	free(st->gaps);
	evtx_stats_init(st);
}

static int
add_gap(struct evtx_stats *st, uint64_t after, uint64_t after_time,
    uint64_t before, uint64_t before_time)
{
	struct evtx_gap *g;

	if ((st->ngaps & (st->ngaps + 1)) == 0 || st->ngaps == 0) {
		/* grow at 1, 2, 4, 8, ... */
		size_t cap = st->ngaps ? (st->ngaps + 1) * 2 : 1;

		g = realloc(st->gaps, cap * sizeof(*g));
		if (g == NULL)
			return EV_ENOMEM;
		st->gaps = g;
	}
	g = &st->gaps[st->ngaps++];
	g->after_id = after;
	g->after_time = after_time;
	g->before_id = before;
	g->before_time = before_time;
	return 0;
}

void
evtx_stats_note_time(struct evtx_stats *st, uint64_t t)
{
	if (t == 0)
		return;
	if (st->first_time == 0 || t < st->first_time)
		st->first_time = t;
	if (t > st->last_time)
		st->last_time = t;
}

int
evtx_stats_note_id(struct evtx_stats *st, uint64_t id, uint64_t time)
{
	int rc = 0;

	if (st->first_id == 0 && st->last_id == 0) {
		st->first_id = st->last_id = id;
		st->head_time = time;
	} else {
		/*
		 * A gap is ids skipped while time goes on.  Ids that step
		 * back, or a jump back in time, mean interleaved sources (a
		 * forwarded-events log), not deletion: counted, no gap.
		 */
		if (st->tail_id != 0 && id < st->tail_id)
			st->id_backsteps++;
		else if (st->tail_id != 0 && id > st->tail_id + 1 &&
		    time >= st->tail_time)
			rc = add_gap(st, st->tail_id, st->tail_time, id, time);
		if (id < st->first_id)
			st->first_id = id;
		if (id > st->last_id)
			st->last_id = id;
	}
	st->tail_id = id;
	st->tail_time = time;
	return rc;
}

int
evtx_stats_merge(struct evtx_stats *dst, const struct evtx_stats *src)
{
	bool dst_has = dst->first_id != 0 || dst->last_id != 0;
	bool src_has = src->first_id != 0 || src->last_id != 0;

	dst->chunks += src->chunks;
	dst->bad_chunks += src->bad_chunks;
	dst->records += src->records;
	dst->recovered += src->recovered;
	dst->unresolved += src->unresolved;
	dst->bad_records += src->bad_records;
	dst->events += src->events;
	dst->id_backsteps += src->id_backsteps;
	dst->truncated |= src->truncated;
	dst->missing_chunks += src->missing_chunks;
	dst->cut_records += src->cut_records;
	dst->id_breaks += src->id_breaks;
	dst->nul_values += src->nul_values;
	dst->bytes_read += src->bytes_read;
	dst->sparse_slots += src->sparse_slots;
	if (src->first_time != 0 &&
	    (dst->first_time == 0 || src->first_time < dst->first_time))
		dst->first_time = src->first_time;
	if (src->last_time > dst->last_time)
		dst->last_time = src->last_time;
	if (!src_has)
		return 0;
	if (dst_has && dst->tail_id != 0 && src->first_id < dst->tail_id)
		dst->id_backsteps++;
	else if (dst_has && dst->tail_id != 0 &&
	    src->first_id > dst->tail_id + 1 &&
	    src->head_time >= dst->tail_time)
		/* the gap spans the boundary between the two ranges */
		if (add_gap(dst, dst->tail_id, dst->tail_time, src->first_id,
		    src->head_time) != 0)
			return EV_ENOMEM;
	for (size_t i = 0; i < src->ngaps; i++)
		if (add_gap(dst, src->gaps[i].after_id, src->gaps[i].after_time,
		    src->gaps[i].before_id, src->gaps[i].before_time) != 0)
			return EV_ENOMEM;
	if (!dst_has) {
		dst->first_id = src->first_id;
		dst->last_id = src->last_id;
		dst->head_time = src->head_time;
	} else {
		if (src->first_id < dst->first_id)
			dst->first_id = src->first_id;
		if (src->last_id > dst->last_id)
			dst->last_id = src->last_id;
	}
	dst->tail_id = src->tail_id;
	dst->tail_time = src->tail_time;
	return 0;
}

int
evtx_file_open(const char *path, const struct evtx_open_opts *opts,
    struct evtx_file **out, struct evtx_stats *st, struct ev_err *err)
{
	struct evtx_file *f;
	int rc;

	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	f->impl = opts->parser == EVTX_PARSER_LIBEVTX ? &evtx_libevtx_impl :
	    &evtx_native_impl;
	rc = f->impl->open(path, opts, &f->state, st, err);
	if (rc != 0) {
		free(f);
		return rc;
	}
	*out = f;
	return 0;
}

void
evtx_file_close(struct evtx_file *f)
{
	if (f == NULL)
		return;
	f->impl->close(f->state);
	free(f);
}

uint32_t
evtx_file_units(const struct evtx_file *f)
{
	return f->impl->units(f->state);
}

int
evtx_file_read(struct evtx_file *f, uint32_t first, uint32_t n,
    const struct evtx_sink *sink, struct evtx_stats *st, struct ev_err *err)
{
	return f->impl->read(f->state, first, n, sink, st, err);
}
