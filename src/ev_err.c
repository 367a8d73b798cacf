/*
 * ev_err.c -- setting, wrapping and naming struct ev_err values.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ev_err.h"

/* Appends s to the NUL-terminated dst of size cap, cutting it to fit. */
static void
append(char *dst, size_t cap, const char *s)
{
	size_t n = strlen(dst), m = strlen(s);

	if (n + 1 >= cap)
		return;
	if (m > cap - n - 1)
		m = cap - n - 1;
	memcpy(dst + n, s, m);
	dst[n + m] = '\0';
}

int
ev_err_set(struct ev_err *e, int code, uint64_t off, const char *func,
    int line, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL || e->code != 0)
		return code;
	e->code = code;
	e->sys = 0;
	e->off = off;
	e->func = func;
	e->line = line;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}

int
ev_err_sys(struct ev_err *e, const char *func, int line, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (e == NULL || e->code != 0)
		return EV_EIO;
	e->code = EV_EIO;
	e->sys = saved;
	e->off = 0;
	e->func = func;
	e->line = line;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	append(e->msg, sizeof(e->msg), ": ");
	append(e->msg, sizeof(e->msg), strerror(saved));
	errno = saved;
	return EV_EIO;
}

void
ev_err_wrap(struct ev_err *e, const char *fmt, ...)
{
	char prefix[256], old[sizeof(e->msg)];
	va_list ap;

	if (e == NULL || e->code == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	/* the message may be cut to fit: it is for people, not parsing */
	e->msg[0] = '\0';
	append(e->msg, sizeof(e->msg), prefix);
	append(e->msg, sizeof(e->msg), ": ");
	append(e->msg, sizeof(e->msg), old);
}

void
ev_err_clear(struct ev_err *e)
{
	if (e != NULL)
		memset(e, 0, sizeof(*e));
}

const char *
ev_err_name(int code)
{
	switch (code) {
	case EV_OK:		return "success";
	case EV_ENOMEM:		return "out of memory";
	case EV_EIO:		return "input/output error";
	case EV_ECORRUPT:	return "corrupt data";
	case EV_EUNSUP:		return "unsupported";
	case EV_ESQL:		return "database error";
	case EV_ERULE:		return "rule error";
	case EV_EUSAGE:		return "usage error";
	case EV_ENOTEVTX:	return "not an EVTX file";
	}
	return "unknown error";
}
