/*
 * ev_par.h -- the one parallel-for every thread loop of evtxhunt uses
 * (ingest's read workers and their shard sorts, dump's formatting
 * rounds, scan's late matching).
 *
 * ev_par_for(n, threads, fn, arg) calls fn(arg, i) once for every i in
 * [0, n), on at most `threads` threads of which the calling thread is one,
 * and returns when every call has returned.  Indexes are handed out in
 * ascending order to whichever thread is free, so a thread that could not
 * be created costs speed, never work: the others take its share.  Callers
 * that need a result per index keep it in their own slot i (there is no
 * shared state between calls but arg).
 *
 * Threading: fn runs concurrently with itself for different i; what it
 * touches through arg must be safe for that.  Not reentrant from inside
 * fn in any useful way (it works, but runs the inner loop on one thread).
 */
#ifndef EV_PAR_H
#define EV_PAR_H

#include <stddef.h>

#include "ev_buf.h"

typedef void	(*ev_par_fn)(void *arg, unsigned i);

/* threads 0 counts as 1; threads beyond n are not started. */
void	ev_par_for(unsigned n, unsigned threads, ev_par_fn fn, void *arg);

/*
 * ev_par_for() whose fn is also told which thread runs it: t in
 * [0, threads), the calling thread 0, and no two calls at the same time
 * with the same t.  A caller keeps what a thread carries from index to
 * index (scratch, buffers, an arena) in its own slot t.
 */
typedef void	(*ev_par_tfn)(void *arg, unsigned i, unsigned t);
void	ev_par_for_t(unsigned n, unsigned threads, ev_par_tfn fn, void *arg);

/*
 * Output formatted in order on several threads (dump's and the report's
 * timelines): fn(arg, i, b) appends item i to b, for every i in [0, n);
 * slice t of the items (consecutive, of about n / threads) goes into
 * out[t].b, reset first, so that writing out[0..threads) in order gives
 * the bytes one thread would.  threads is at most EV_PAR_SLICES (0 counts
 * as 1); fn must be safe to run concurrently for different items.  Each
 * buffer has a cache line of its own: the threads update their lengths
 * at every append.
 */
#define EV_PAR_SLICES	16
struct ev_par_out {
	_Alignas(64) struct ev_buf	b;
};
typedef void	(*ev_par_item_fn)(void *arg, size_t i, struct ev_buf *b);
void	ev_par_slices(size_t n, unsigned threads, ev_par_item_fn fn,
	    void *arg, struct ev_par_out *out);

#endif
