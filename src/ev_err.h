/*
 * ev_err.h -- error values shared by every module of evtxhunt.
 *
 * Functions return 0 on success (iterators: 1 for an item, 0 at the end)
 * or a negative EV_E* code.  The same code is stored, with a message, in an
 * optional struct ev_err (NULL: the caller does not care).  The first error
 * set wins; callers add context with ev_err_wrap(), never by overwriting.
 */
#ifndef EV_ERR_H
#define EV_ERR_H

#include <stdint.h>

enum {
	EV_OK = 0,
	EV_ENOMEM = -1,		/* out of memory */
	EV_EIO = -2,		/* system call failed; sys holds errno */
	EV_ECORRUPT = -3,	/* evidence is damaged */
	EV_EUNSUP = -4,		/* valid but not supported */
	EV_ESQL = -5,		/* SQLite error; msg has sqlite3_errmsg() */
	EV_ERULE = -6,		/* rule cannot be loaded or compiled */
	EV_EUSAGE = -7,		/* bad arguments */
	EV_ENOTEVTX = -8,	/* input is not an EVTX file */
};

struct ev_err {
	int		 code;		/* 0 while no error is set */
	int		 sys;		/* errno for EV_EIO, else 0 */
	uint64_t	 off;		/* byte offset in the input, or 0 */
	const char	*func;		/* where it was set */
	int		 line;
	char		 msg[256];	/* lowercase, no full stop */
};

#define EV_ERR_INIT { 0, 0, 0, 0, 0, { 0 } }

/*
 * Sets *e (when e is not NULL and no error is set yet) and returns code,
 * so that a call site is one line:
 *	return EV_ERR(err, EV_ECORRUPT, off, "record overruns chunk");
 */
#define EV_ERR(e, c, o, ...) \
	ev_err_set((e), (c), (o), __func__, __LINE__, __VA_ARGS__)

int	ev_err_set(struct ev_err *, int code, uint64_t off, const char *func,
	    int line, const char *fmt, ...)
	    __attribute__((format(printf, 6, 7)));

/* Like EV_ERR with code EV_EIO; takes errno itself. */
#define EV_ERR_SYS(e, ...) ev_err_sys((e), __func__, __LINE__, __VA_ARGS__)
int	ev_err_sys(struct ev_err *, const char *func, int line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Prefixes the message with "fmt: " (context added by a caller). */
void	ev_err_wrap(struct ev_err *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Clears *e so it can be reused. */
void	ev_err_clear(struct ev_err *);

/* Short English name of a code ("corrupt data"), never NULL. */
const char *ev_err_name(int code);

#endif
