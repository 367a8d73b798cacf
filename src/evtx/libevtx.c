/* libevtx.c -- TEMPORARY placeholder until the libevtx reader lands. */
#include "reader.h"

static int
open_(const char *path, const struct evtx_open_opts *o, void **s,
    struct evtx_stats *st, struct ev_err *err)
{
	(void)o; (void)s; (void)st;
	return EV_ERR(err, EV_EUNSUP, 0, "%s: libevtx reader not built yet", path);
}
static void close_(void *s) { (void)s; }
static uint32_t units_(const void *s) { (void)s; return 1; }
static int
read_(void *s, uint32_t f, uint32_t n, const struct evtx_sink *k,
    struct evtx_stats *st, struct ev_err *err)
{
	(void)s; (void)f; (void)n; (void)k; (void)st; (void)err;
	return EV_EUNSUP;
}
const struct evtx_impl evtx_libevtx_impl = { open_, close_, units_, read_ };
