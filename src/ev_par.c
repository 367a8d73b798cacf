/*
 * ev_par.c -- the parallel-for (see ev_par.h): threads pull indexes from
 * one atomic counter until it passes n.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "ev_buf.h"
#include "ev_par.h"

#define PAR_STACK_THREADS	16	/* thread ids kept on the stack */

struct par {
	atomic_uint	 next;
	unsigned	 n;
	ev_par_tfn	 fn;
	void		*arg;
};

/* A thread of the loop: the loop and the thread's number. */
struct worker {
	struct par	*p;
	unsigned	 t;
	pthread_t	 tid;
};

static void *
par_main(void *arg)
{
	struct worker *w = arg;
	struct par *p = w->p;
	unsigned i;

	while ((i = atomic_fetch_add(&p->next, 1)) < p->n)
		p->fn(p->arg, i, w->t);
	return NULL;
}

void
ev_par_for_t(unsigned n, unsigned threads, ev_par_tfn fn, void *arg)
{
	struct par p;
	struct worker stack[PAR_STACK_THREADS], *w = stack;
	unsigned started = 0;

	if (n == 0)
		return;
	if (threads < 1)
		threads = 1;
	if (threads > n)
		threads = n;
	atomic_init(&p.next, 0);
	p.n = n;
	p.fn = fn;
	p.arg = arg;
	/* without memory for the threads, the calling thread does it all */
	if (threads > PAR_STACK_THREADS &&
	    (w = calloc(threads, sizeof(*w))) == NULL) {
		w = stack;
		threads = 1;
	}
	/* numbers in [0, threads): the calling thread is 0, the others
	   1 .. started, so a thread that could not start leaves a gap at
	   the top only */
	for (unsigned k = 0; k < threads; k++)
		w[k] = (struct worker){ &p, 0, 0 };
	for (unsigned k = 1; k < threads; k++) {
		w[started + 1].t = started + 1;
		if (pthread_create(&w[started + 1].tid, NULL, par_main,
		    &w[started + 1]) == 0)
			started++;
	}
	par_main(&w[0]);
	for (unsigned k = 1; k <= started; k++)
		pthread_join(w[k].tid, NULL);
	if (w != stack)
		free(w);
}

/* ev_par_for()'s fn, called as an ev_par_tfn. */
struct plain {
	ev_par_fn	 fn;
	void		*arg;
};

static void
plain_main(void *arg, unsigned i, unsigned t)
{
	const struct plain *pl = arg;

	(void)t;
	pl->fn(pl->arg, i);
}

void
ev_par_for(unsigned n, unsigned threads, ev_par_fn fn, void *arg)
{
	struct plain pl = { fn, arg };

	ev_par_for_t(n, threads, plain_main, &pl);
}

/* One slice of ev_par_slices(). */
struct slices {
	size_t		 n, per;
	ev_par_item_fn	 fn;
	void		*arg;
	struct ev_par_out *out;
};

static void
slice_main(void *arg, unsigned t)
{
	struct slices *s = arg;
	size_t from = (size_t)t * s->per, to = from + s->per;

	ev_buf_reset(&s->out[t].b);
	for (size_t i = from; i < to && i < s->n; i++)
		s->fn(s->arg, i, &s->out[t].b);
}

void
ev_par_slices(size_t n, unsigned threads, ev_par_item_fn fn, void *arg,
    struct ev_par_out *out)
{
	struct slices s = { n, 0, fn, arg, out };

	if (threads < 1)
		threads = 1;
	if (threads > EV_PAR_SLICES)
		threads = EV_PAR_SLICES;
	s.per = (n + threads - 1) / threads;
	ev_par_for(threads, threads, slice_main, &s);
}
