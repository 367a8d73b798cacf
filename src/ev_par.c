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
	ev_par_fn	 fn;
	void		*arg;
};

static void *
par_main(void *arg)
{
	struct par *p = arg;
	unsigned i;

	while ((i = atomic_fetch_add(&p->next, 1)) < p->n)
		p->fn(p->arg, i);
	return NULL;
}

void
ev_par_for(unsigned n, unsigned threads, ev_par_fn fn, void *arg)
{
	struct par p;
	pthread_t stack[PAR_STACK_THREADS], *tid = stack;
	unsigned started = 0;

	if (n == 0)
		return;
	if (threads > n)
		threads = n;
	atomic_init(&p.next, 0);
	p.n = n;
	p.fn = fn;
	p.arg = arg;
	/* without memory for the ids, the calling thread does it all */
	if (threads > PAR_STACK_THREADS &&
	    (tid = calloc(threads, sizeof(*tid))) == NULL)
		threads = 1;
	for (unsigned k = 1; k < threads; k++)
		if (pthread_create(&tid[started], NULL, par_main, &p) == 0)
			started++;
	par_main(&p);
	for (unsigned k = 0; k < started; k++)
		pthread_join(tid[k], NULL);
	if (tid != stack)
		free(tid);
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
