/*
 * value.c -- the values of a Sigma detection to tests: pySigma's value
 * escapes and wildcards as pattern units, modifiers applied left to
 * right (contains, windash, base64, utf16...), the special kinds (null,
 * exists, numbers, fieldref, regular expressions, CIDR) from a table,
 * and the item nodes that hold the tests (with an automaton over long
 * literal lists).  Called by load.c; a value that cannot be run exactly
 * rejects the rule (reject_at) with its position.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * pcre2's JIT code confuses valgrind (uninitialised-value reports inside
 * generated code): under valgrind, or with EVTXHUNT_NO_JIT set to a
 * non-empty value other than "0" (evtxhunt-rules(5)), the interpreter
 * runs instead; EVTXHUNT_NO_JIT=0 keeps the JIT even under valgrind
 * (callgrind).  Both give the same matches.
 */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define SIGMA_UNDER_VALGRIND() RUNNING_ON_VALGRIND
#endif
#endif
#ifndef SIGMA_UNDER_VALGRIND
#define SIGMA_UNDER_VALGRIND() 0
#endif

#include "../ev_util.h"
#include "fold.h"
#include "load_int.h"

/* Pattern units before compiling: 0..255 literal bytes, or these. */
#define U_STAR	256
#define U_QMARK	257

struct pat {
	uint16_t	*u;
	size_t		 n;
};

/* ---- values: pySigma strings as unit arrays ------------------------- */

static int
pat_alloc(struct lctx *c, struct pat *p, size_t n)
{
	p->u = l_alloc(c, &c->tmp, (n ? n : 1) * sizeof(*p->u));
	p->n = 0;
	return p->u == NULL ? -1 : 0;
}

/* pySigma's SigmaString: '*' '?' wildcards, '\' escapes only * ? \. */
static int
pat_parse(struct lctx *c, const char *s, size_t len, struct pat *p)
{
	bool esc = false;

	if (pat_alloc(c, p, len + 1) == -1)
		return -1;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (esc) {
			if (ch != '*' && ch != '?' && ch != '\\')
				p->u[p->n++] = '\\';
			p->u[p->n++] = ch;
			esc = false;
		} else if (ch == '\\')
			esc = true;
		else if (ch == '*')
			p->u[p->n++] = U_STAR;
		else if (ch == '?')
			p->u[p->n++] = U_QMARK;
		else
			p->u[p->n++] = ch;
	}
	if (esc)
		p->u[p->n++] = '\\';
	return 0;
}

static int
pat_plain(struct lctx *c, const char *s, size_t len, struct pat *p)
{
	if (pat_alloc(c, p, len) == -1)
		return -1;
	for (size_t i = 0; i < len; i++)
		p->u[p->n++] = (unsigned char)s[i];
	return 0;
}

static bool
pat_special(const struct pat *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->u[i] > 255)
			return true;
	return false;
}

/* contains / startswith / endswith: add '*' where there is none. */
static int
pat_wrap(struct lctx *c, struct pat *p, bool front, bool back)
{
	struct pat q;
	bool addf = front && !(p->n > 0 && p->u[0] == U_STAR);
	bool addb = back && !(p->n > 0 && p->u[p->n - 1] == U_STAR);

	if (pat_alloc(c, &q, p->n + 2) == -1)
		return -1;
	if (addf)
		q.u[q.n++] = U_STAR;
	memcpy(q.u + q.n, p->u, p->n * sizeof(*p->u));
	q.n += p->n;
	if (addb)
		q.u[q.n++] = U_STAR;
	*p = q;
	return 0;
}

static bool
word_byte(uint16_t u)
{
	/* Python's \w: letters, digits, '_'; non-ASCII counted as letters */
	return u < 256 && (isalnum(u) || u == '_' || u >= 0x80);
}

/*
 * windash: every '-' or '/' at the start of a word (pySigma's \B[-/]\b,
 * within a run of literal characters) becomes each of - / U+2013 U+2014
 * U+2015: 5^k patterns for k such characters.
 */
static int
pat_windash(struct lctx *c, const struct pat *p, struct pat **out,
    size_t *nout, const yaml_node_t *at)
{
	static const char *const dash[5] = { "-", "/", "\xe2\x80\x93",
	    "\xe2\x80\x94", "\xe2\x80\x95" };
	size_t pos[8], k = 0, total = 1;

	for (size_t i = 0; i < p->n; i++) {
		uint16_t u = p->u[i];
		bool before, after;

		if (u != '-' && u != '/')
			continue;
		before = i == 0 || !word_byte(p->u[i - 1]);
		after = i + 1 < p->n && word_byte(p->u[i + 1]);
		if (!before || !after)
			continue;
		if (k == NELEM(pos))
			return REJECT(c, at, "limit",
			    "windash: more than %zu dashes in one value",
			    NELEM(pos));
		pos[k++] = i;
		total *= 5;
	}
	*out = l_alloc(c, &c->tmp, total * sizeof(**out));
	if (*out == NULL)
		return -1;
	for (size_t x = 0; x < total; x++) {
		struct pat *q = &(*out)[x];
		size_t sel = x, j = 0;

		if (pat_alloc(c, q, p->n + 2 * k) == -1)
			return -1;
		for (size_t i = 0; i < p->n; i++) {
			if (j < k && pos[j] == i) {
				const char *d = dash[sel % 5];

				sel /= 5;
				j++;
				for (; *d; d++)
					q->u[q->n++] = (unsigned char)*d;
			} else
				q->u[q->n++] = p->u[i];
		}
	}
	*nout = total;
	return 0;
}

/* wide / utf16le / utf16be: each character to two bytes (ASCII only,
 * as pySigma, which cannot carry other characters through). */
static int
pat_wide(struct lctx *c, struct pat *p, bool be, const char *mod,
    const yaml_node_t *at)
{
	struct pat q;

	if (pat_alloc(c, &q, p->n * 2) == -1)
		return -1;
	for (size_t i = 0; i < p->n; i++) {
		uint16_t u = p->u[i];

		if (u > 255) {
			q.u[q.n++] = u;
			continue;
		}
		if (u >= 0x80)
			return REJECT(c, at, "modifier",
			    "%s: non-ASCII characters are not supported", mod);
		if (be) {
			q.u[q.n++] = 0;
			q.u[q.n++] = u;
		} else {
			q.u[q.n++] = u;
			q.u[q.n++] = 0;
		}
	}
	*p = q;
	return 0;
}

static void
b64(const unsigned char *in, size_t n, char *out, size_t *outlen)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0, i;

	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
		    in[i + 2];

		out[o++] = tab[v >> 18];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = tab[v >> 6 & 63];
		out[o++] = tab[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;

		out[o++] = tab[v >> 18];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;

		out[o++] = tab[v >> 18];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = tab[v >> 6 & 63];
		out[o++] = '=';
	}
	*outlen = o;
}

/*
 * base64 (offset false) or base64offset (3 patterns), pySigma's slices:
 * b64encode(i * b" " + value)[start[i] : end[(len + i) % 3]] with
 * start = (0, 2, 3), end = (none, -3, -2).
 */
static int
pat_base64(struct lctx *c, const struct pat *p, bool offset,
    struct pat **out, size_t *nout, const yaml_node_t *at)
{
	static const size_t start[3] = { 0, 2, 3 }, endcut[3] = { 0, 3, 2 };
	unsigned char *buf;
	char *enc;
	size_t nv = offset ? 3 : 1;

	if (pat_special(p))
		return REJECT(c, at, "modifier",
		    "base64: values with wildcards cannot be encoded");
	buf = l_alloc(c, &c->tmp, p->n + 3);
	enc = l_alloc(c, &c->tmp, (p->n + 3) / 3 * 4 + 8);
	*out = l_alloc(c, &c->tmp, nv * sizeof(**out));
	if (buf == NULL || enc == NULL || *out == NULL)
		return -1;
	for (size_t i = 0; i < nv; i++) {
		size_t el, s, e;

		memset(buf, ' ', i);
		for (size_t j = 0; j < p->n; j++)
			buf[i + j] = (unsigned char)p->u[j];
		b64(buf, p->n + i, enc, &el);
		s = offset ? start[i] : 0;
		e = offset ? el - endcut[(p->n + i) % 3] : el;
		if (e < s)
			e = s;
		if (pat_plain(c, enc + s, e - s, &(*out)[i]) == -1)
			return -1;
	}
	*nout = nv;
	return 0;
}

/* ---- tests ---------------------------------------------------------- */

static char *
fold_dup(struct lctx *c, const char *s, size_t n, bool cased, size_t *outn)
{
	char *o = l_alloc(c, &c->set->arena, n * 2 + 1);

	if (o == NULL)
		return NULL;
	if (cased) {
		memcpy(o, s, n);
		*outn = n;
	} else
		*outn = sigma_fold(s, n, o);
	o[*outn] = '\0';
	return o;
}

/* Compiles one wildcard pattern into a string test. */
static int
test_from_pat(struct lctx *c, const struct pat *p, bool cased,
    struct test *t)
{
	size_t nstar = 0, lo = 0, hi = p->n, n;
	bool glob = false;
	char *raw, *lit;

	memset(t, 0, sizeof(*t));
	t->cased = cased;
	for (size_t i = 0; i < p->n; i++) {
		if (p->u[i] == U_QMARK)
			glob = true;
		else if (p->u[i] == U_STAR) {
			nstar++;
			if (i != 0 && i != p->n - 1)
				glob = true;
		}
	}
	if (!glob && nstar == p->n && p->n > 0) {
		t->kind = T_ANY;
		return 0;
	}
	if (glob) {
		/* encode: fold each literal run, quote bytes <= 3 */
		char *o = l_alloc(c, &c->set->arena, p->n * 4 + 1);
		char *run = l_alloc(c, &c->tmp, p->n + 1);
		char *frun = l_alloc(c, &c->tmp, p->n * 2 + 1);
		size_t on = 0, i = 0;

		if (o == NULL || run == NULL || frun == NULL)
			return -1;
		while (i < p->n) {
			size_t rn = 0, fn;

			if (p->u[i] > 255) {
				o[on++] = p->u[i] == U_STAR ? PAT_STAR :
				    PAT_QMARK;
				i++;
				continue;
			}
			while (i < p->n && p->u[i] <= 255)
				run[rn++] = (char)p->u[i++];
			if (cased) {
				memcpy(frun, run, rn);
				fn = rn;
			} else
				fn = sigma_fold(run, rn, frun);
			for (size_t j = 0; j < fn; j++) {
				if ((unsigned char)frun[j] <= PAT_LIT)
					o[on++] = PAT_LIT;
				o[on++] = frun[j];
			}
		}
		o[on] = '\0';
		t->kind = T_GLOB;
		t->lit = o;
		t->len = (uint32_t)on;
		return 0;
	}
	if (p->n > 0 && p->u[0] == U_STAR)
		lo = 1;
	if (hi > lo && p->u[hi - 1] == U_STAR)
		hi--;
	t->kind = lo && hi < p->n ? T_CONTAINS : lo ? T_SUFFIX :
	    hi < p->n ? T_PREFIX : T_EQ;
	raw = l_alloc(c, &c->tmp, hi - lo + 1);
	if (raw == NULL)
		return -1;
	for (size_t i = lo; i < hi; i++)
		raw[i - lo] = (char)p->u[i];
	lit = fold_dup(c, raw, hi - lo, cased, &n);
	if (lit == NULL)
		return -1;
	t->lit = lit;
	t->len = (uint32_t)n;
	return 0;
}

/* ---- field items ---------------------------------------------------- */

enum {
	M_CONTAINS = 1u << 0, M_STARTSWITH = 1u << 1, M_ENDSWITH = 1u << 2,
	M_ALL = 1u << 3, M_WINDASH = 1u << 4, M_RE = 1u << 5,
	M_I = 1u << 6, M_M = 1u << 7, M_S = 1u << 8, M_CIDR = 1u << 9,
	M_BASE64 = 1u << 10, M_BASE64OFF = 1u << 11, M_WIDE = 1u << 12,
	M_CASED = 1u << 13, M_EXISTS = 1u << 14, M_FIELDREF = 1u << 15,
	M_GT = 1u << 16, M_GTE = 1u << 17, M_LT = 1u << 18, M_LTE = 1u << 19,
	M_EXPAND = 1u << 20,
};
#define M_TRANSFORM	(M_CONTAINS | M_STARTSWITH | M_ENDSWITH | M_WINDASH | \
	M_BASE64 | M_BASE64OFF | M_WIDE)
#define M_NUM		(M_GT | M_GTE | M_LT | M_LTE)
#define M_TYPE		(M_RE | M_CIDR | M_EXISTS | M_FIELDREF | M_NUM)

/* One modifier in the order given (string transforms only). */
struct mod {
	unsigned	 bit;
	uint8_t		 variant;	/* wide: 0 le, 1 be */
	const char	*name;
};

static const struct {
	const char	*name;
	unsigned	 bit;
	uint8_t		 variant;
} modtab[] = {
	{ "contains", M_CONTAINS, 0 }, { "startswith", M_STARTSWITH, 0 },
	{ "endswith", M_ENDSWITH, 0 }, { "all", M_ALL, 0 },
	{ "windash", M_WINDASH, 0 }, { "re", M_RE, 0 },
	{ "i", M_I, 0 }, { "ignorecase", M_I, 0 },
	{ "m", M_M, 0 }, { "multiline", M_M, 0 },
	{ "s", M_S, 0 }, { "dotall", M_S, 0 },
	{ "cidr", M_CIDR, 0 }, { "base64", M_BASE64, 0 },
	{ "base64offset", M_BASE64OFF, 0 }, { "wide", M_WIDE, 0 },
	{ "utf16le", M_WIDE, 0 }, { "utf16be", M_WIDE, 1 },
	{ "utf16", M_WIDE, 2 }, { "cased", M_CASED, 0 },
	{ "exists", M_EXISTS, 0 }, { "fieldref", M_FIELDREF, 0 },
	{ "gt", M_GT, 0 }, { "gte", M_GTE, 0 }, { "lt", M_LT, 0 },
	{ "lte", M_LTE, 0 }, { "expand", M_EXPAND, 0 },
};

static int
vals_add(struct lctx *c, struct vals *v, const struct test *t)
{
	if (++c->nvalues > SIGMA_MAX_VALUES)
		return reject_at(c, NULL, "limit",
		    "more than %u values after expansion", SIGMA_MAX_VALUES);
	if (v->ntests == v->cap) {
		size_t ncap = v->cap ? v->cap * 2 : 8;
		struct test *nt = l_alloc(c, &c->tmp, ncap * sizeof(*nt));

		if (nt == NULL)
			return -1;
		if (v->ntests)
			memcpy(nt, v->tests, v->ntests * sizeof(*nt));
		v->tests = nt;
		v->cap = ncap;
	}
	v->tests[v->ntests++] = *t;
	return 0;
}

/* Closes the group of tests from first on: value n, as written. */
static int
vals_group(struct lctx *c, struct vals *v, size_t first,
    const yaml_node_t *n)
{
	const char *src = NULL;

	if (v->ngroups == v->gcap) {
		size_t ncap = v->gcap ? v->gcap * 2 : 8;
		struct group *ng = l_alloc(c, &c->tmp, ncap * sizeof(*ng));
		const char **ns = l_alloc(c, &c->tmp, ncap * sizeof(*ns));

		if (ng == NULL || ns == NULL)
			return -1;
		if (v->ngroups) {
			memcpy(ng, v->groups, v->ngroups * sizeof(*ng));
			memcpy(ns, v->gsrc, v->ngroups * sizeof(*ns));
		}
		v->groups = ng;
		v->gsrc = ns;
		v->gcap = ncap;
	}
	if (scalar_type(n) != S_NULL &&
	    (src = l_strdup(c, sval(n), n->data.scalar.length)) == NULL)
		return -1;
	v->groups[v->ngroups].first = (uint32_t)first;
	v->groups[v->ngroups].n = (uint32_t)(v->ntests - first);
	v->gsrc[v->ngroups] = src;
	v->ngroups++;
	return 0;
}

static bool
no_jit(void)
{
	const char *e = getenv("EVTXHUNT_NO_JIT");

	if (e != NULL && *e != '\0')
		return strcmp(e, "0") != 0;
	return SIGMA_UNDER_VALGRIND();
}

static int
compile_re(struct lctx *c, const yaml_node_t *n, unsigned mods,
    struct test *t)
{
	uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
	int ecode;
	PCRE2_SIZE eoff;
	pcre2_code *re;

	if (mods & M_I)
		opts |= PCRE2_CASELESS;
	if (mods & M_M)
		opts |= PCRE2_MULTILINE;
	if (mods & M_S)
		opts |= PCRE2_DOTALL;
	re = pcre2_compile((PCRE2_SPTR)sval(n), n->data.scalar.length, opts,
	    &ecode, &eoff, NULL);
	if (re == NULL) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(ecode, msg, sizeof(msg));
		return REJECT(c, n, "invalid regex",
		    "invalid regular expression: %s at offset %zu",
		    (const char *)msg, (size_t)eoff);
	}
	if (!no_jit())
		(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	if (sigma_set_keep_re(c->set, re) != 0) {
		pcre2_code_free(re);
		return nomem(c);
	}
	memset(t, 0, sizeof(*t));
	t->kind = T_RE;
	t->re = re;
	/* the source, for the prefilter's literal extraction */
	t->lit = l_strdup(c, sval(n), n->data.scalar.length);
	t->len = t->lit ? (uint32_t)n->data.scalar.length : 0;
	return 0;
}

static int
parse_cidr(struct lctx *c, const yaml_node_t *n, struct test *t)
{
	char buf[64], *slash;
	uint64_t bits;
	int maxb;

	memset(t, 0, sizeof(*t));
	if (n->data.scalar.length >= sizeof(buf))
		goto bad;
	memcpy(buf, sval(n), n->data.scalar.length + 1);
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, t->net) == 1) {
		t->family = 4;
		maxb = 32;
	} else if (inet_pton(AF_INET6, buf, t->net) == 1) {
		t->family = 6;
		maxb = 128;
	} else
		goto bad;
	bits = (uint64_t)maxb;
	if (slash != NULL && ev_parse_uint(slash, 0, (uint64_t)maxb,
	    &bits) == -1)
		goto bad;
	t->bits = (uint8_t)bits;
	for (int i = 0; i < maxb / 8; i++) {
		int keep = (int)bits - i * 8;

		if (keep <= 0)
			t->net[i] = 0;
		else if (keep < 8)
			t->net[i] &= (uint8_t)(0xff << (8 - keep));
	}
	t->kind = T_CIDR;
	return 0;
bad:
	return REJECT(c, n, "invalid value",
	    "cidr: '%s' is not an IPv4 or IPv6 network", sval(n));
}

/*
 * The special kinds of value: each makes one test of its own kind
 * instead of a string pattern.  Tried in table order; the first whose
 * modifiers are given (S_NULL: whose value is null) applies.
 */
static int
value_null(struct lctx *c, const yaml_node_t *n, enum stype st,
    unsigned mods, struct test *t)
{
	(void)st;
	if (mods & ~M_ALL)
		return REJECT(c, n, "modifier",
		    "modifiers cannot apply to null");
	memset(t, 0, sizeof(*t));
	t->kind = T_NULL;
	return 0;
}

static int
value_exists(struct lctx *c, const yaml_node_t *n, enum stype st,
    unsigned mods, struct test *t)
{
	(void)mods;
	if (st != S_BOOL_TRUE && st != S_BOOL_FALSE)
		return REJECT(c, n, "invalid value",
		    "exists: value must be true or false");
	memset(t, 0, sizeof(*t));
	t->kind = T_EXISTS;
	t->op = st == S_BOOL_TRUE;
	return 0;
}

static int
value_num(struct lctx *c, const yaml_node_t *n, enum stype st,
    unsigned mods, struct test *t)
{
	char *end;

	memset(t, 0, sizeof(*t));
	t->kind = T_NUM;
	t->op = mods & M_GT ? NUM_GT : mods & M_GTE ? NUM_GTE :
	    mods & M_LT ? NUM_LT : NUM_LTE;
	errno = 0;
	t->num = strtod(sval(n), &end);
	if ((st != S_INT && st != S_FLOAT) || *end != '\0' ||
	    errno != 0 || !isfinite(t->num))
		return REJECT(c, n, "invalid value",
		    "%s: '%s' is not a number",
		    t->op == NUM_GT ? "gt" : t->op == NUM_GTE ? "gte" :
		    t->op == NUM_LT ? "lt" : "lte", sval(n));
	return 0;
}

static int
value_fieldref(struct lctx *c, const yaml_node_t *n, enum stype st,
    unsigned mods, struct test *t)
{
	memset(t, 0, sizeof(*t));
	t->kind = T_FIELDREF;
	if (st != S_STR || n->data.scalar.length == 0)
		return REJECT(c, n, "invalid value",
		    "fieldref: value must be a field name");
	if (sigma_field_id(c->set, sval(n), n->data.scalar.length,
	    &t->field) != 0)
		return nomem(c);
	t->cased = (mods & M_CASED) != 0;
	return 0;
}

static int
value_re(struct lctx *c, const yaml_node_t *n, enum stype st,
    unsigned mods, struct test *t)
{
	(void)st;
	return compile_re(c, n, mods, t);
}

static int
value_cidr(struct lctx *c, const yaml_node_t *n, enum stype st,
    unsigned mods, struct test *t)
{
	(void)st;
	(void)mods;
	return parse_cidr(c, n, t);
}

static const struct special {
	unsigned	 mods;		/* any of them given; 0: a null value */
	int		(*make)(struct lctx *, const yaml_node_t *,
			    enum stype, unsigned, struct test *);
} specials[] = {
	{ 0, value_null },
	{ M_EXISTS, value_exists },
	{ M_NUM, value_num },
	{ M_FIELDREF, value_fieldref },
	{ M_RE, value_re },
	{ M_CIDR, value_cidr },
};

/*
 * The string pattern of a scalar that is no special kind: numbers and
 * booleans as pySigma prints them, else the value's escapes and
 * wildcards.  -1 on rejection or ENOMEM.
 */
static int
string_pat(struct lctx *c, const yaml_node_t *n, enum stype st,
    struct pat *cur)
{
	if (st == S_BOOL_TRUE || st == S_BOOL_FALSE) {
		const char *b = st == S_BOOL_TRUE ? "true" : "false";

		return pat_plain(c, b, strlen(b), cur);
	}
	if (st == S_INT) {
		char num[32];
		long long x;

		errno = 0;
		x = strtoll(sval(n), NULL, 10);
		if (errno != 0)
			return REJECT(c, n, "invalid value",
			    "number '%s' out of range", sval(n));
		snprintf(num, sizeof(num), "%lld", x);
		return pat_plain(c, num, strlen(num), cur);
	}
	return pat_parse(c, sval(n), n->data.scalar.length, cur);
}

/*
 * The string transforms in the order given, on the patterns
 * (*curp)[0 .. *ncurp): wrapping, utf16, windash and base64 (which
 * multiply them).  -1 on rejection or ENOMEM.
 */
static int
apply_mods(struct lctx *c, const yaml_node_t *n, const struct mod *order,
    size_t norder, struct pat **curp, size_t *ncurp)
{
	struct pat *cur = *curp, *next;
	size_t ncur = *ncurp;

	for (size_t m = 0; m < norder; m++) {
		size_t nnext = 0;

		switch (order[m].bit) {
		case M_CONTAINS:
		case M_STARTSWITH:
		case M_ENDSWITH:
			for (size_t i = 0; i < ncur; i++)
				if (pat_wrap(c, &cur[i],
				    order[m].bit != M_STARTSWITH,
				    order[m].bit != M_ENDSWITH) == -1)
					return -1;
			break;
		case M_WIDE:
			if (order[m].variant == 2)
				return REJECT(c, n, "modifier",
				    "utf16 (with byte order mark) cannot be "
				    "expressed as a value");
			for (size_t i = 0; i < ncur; i++)
				if (pat_wide(c, &cur[i], order[m].variant == 1,
				    order[m].name, n) == -1)
					return -1;
			break;
		case M_WINDASH:
		case M_BASE64:
		case M_BASE64OFF: {
			struct pat **parts;
			size_t *counts, total = 0;

			parts = l_alloc(c, &c->tmp, ncur * sizeof(*parts));
			counts = l_alloc(c, &c->tmp, ncur * sizeof(*counts));
			if (parts == NULL || counts == NULL)
				return -1;
			for (size_t i = 0; i < ncur; i++) {
				int r = order[m].bit == M_WINDASH ?
				    pat_windash(c, &cur[i], &parts[i],
				    &counts[i], n) :
				    pat_base64(c, &cur[i],
				    order[m].bit == M_BASE64OFF, &parts[i],
				    &counts[i], n);

				if (r == -1)
					return -1;
				total += counts[i];
			}
			if (total > SIGMA_MAX_VALUES)
				return REJECT(c, n, "limit",
				    "value expands to more than %u patterns",
				    SIGMA_MAX_VALUES);
			next = l_alloc(c, &c->tmp, total * sizeof(*next));
			if (next == NULL)
				return -1;
			for (size_t i = 0; i < ncur; i++)
				for (size_t j = 0; j < counts[i]; j++)
					next[nnext++] = parts[i][j];
			cur = next;
			ncur = nnext;
			break;
		}
		}
	}
	*curp = cur;
	*ncurp = ncur;
	return 0;
}

/* One value of a field item through the modifiers: a group of tests. */
int
compile_value(struct lctx *c, yaml_node_t *n, unsigned mods,
    const struct mod *order, size_t norder, struct vals *v)
{
	struct pat *cur;
	size_t ncur = 1, first = v->ntests;
	enum stype st;
	struct test t;

	if (!is_scalar(n))
		return REJECT(c, n, "syntax",
		    "a value must be a scalar or a list of scalars");
	st = scalar_type(n);
	for (size_t k = 0; k < NELEM(specials); k++) {
		if (specials[k].mods == 0 ? st != S_NULL :
		    (mods & specials[k].mods) == 0)
			continue;
		if (specials[k].make(c, n, st, mods, &t) == -1 ||
		    vals_add(c, v, &t) == -1)
			return -1;
		return vals_group(c, v, first, n);
	}
	cur = l_alloc(c, &c->tmp, sizeof(*cur));
	if (cur == NULL || string_pat(c, n, st, cur) == -1 ||
	    apply_mods(c, n, order, norder, &cur, &ncur) == -1)
		return -1;
	for (size_t i = 0; i < ncur; i++) {
		if (test_from_pat(c, &cur[i], (mods & M_CASED) != 0, &t) == -1 ||
		    vals_add(c, v, &t) == -1)
			return -1;
	}
	return vals_group(c, v, first, n);
}

struct node *
new_node(struct lctx *c, uint8_t op, uint32_t n)
{
	struct node *nd = l_calloc(c, &c->set->arena, sizeof(*nd));

	if (nd == NULL)
		return NULL;
	nd->op = op;
	nd->n = n;
	if (n > 0) {
		nd->kid = l_calloc(c, &c->set->arena, n * sizeof(*nd->kid));
		if (nd->kid == NULL)
			return NULL;
	}
	return nd;
}

/* Plain OR lists of this many literals or more get a multi-pattern matcher. */
#define AC_MIN_LIST	8

static int
item_automaton(struct lctx *c, struct item *it)
{
	struct sigma_ac *ac;

	if (it->all || it->ntests < AC_MIN_LIST)
		return 0;
	for (uint32_t i = 0; i < it->ntests; i++) {
		const struct test *t = &it->tests[i];

		if (t->cased || t->len < SIGMA_AC_MIN || (t->kind != T_EQ &&
		    t->kind != T_PREFIX && t->kind != T_SUFFIX &&
		    t->kind != T_CONTAINS))
			return 0;
	}
	if ((ac = sigma_ac_new()) == NULL)
		return nomem(c);
	if (sigma_set_keep_ac(c->set, ac) != 0) {
		sigma_ac_free(ac);
		return nomem(c);
	}
	it->acpat = l_alloc(c, &c->set->arena,
	    it->ntests * sizeof(*it->acpat));
	if (it->acpat == NULL)
		return -1;
	/*
	 * Equal literals of different kinds share one pattern id: keep the
	 * first test per id and chain the others by scanning (rare).  To
	 * stay exact, give up on the automaton when that happens.
	 */
	for (uint32_t i = 0; i < it->ntests; i++) {
		int32_t id = sigma_ac_add(ac, it->tests[i].lit,
		    it->tests[i].len);

		if (id < 0)
			return nomem(c);	/* or too many patterns */
		if ((uint32_t)id != it->nacpat)
			return 0;	/* duplicate literal: linear tests */
		it->acpat[it->nacpat++] = i;
	}
	if (sigma_ac_build(ac) != 0)
		return nomem(c);
	it->ac = ac;
	return 0;
}

struct node *
make_item(struct lctx *c, uint32_t field, bool all, struct vals *v,
    const char *key)
{
	struct node *nd = new_node(c, N_ITEM, 0);
	struct item *it;

	if (nd == NULL)
		return NULL;
	it = l_calloc(c, &c->set->arena, sizeof(*it));
	if (it == NULL)
		return NULL;
	it->field = field;
	it->all = all;
	it->ngroups = (uint32_t)v->ngroups;
	it->ntests = (uint32_t)v->ntests;
	it->groups = l_alloc(c, &c->set->arena,
	    v->ngroups * sizeof(*it->groups) + 1);
	it->tests = l_alloc(c, &c->set->arena,
	    v->ntests * sizeof(*it->tests) + 1);
	if (it->groups == NULL || it->tests == NULL)
		return NULL;
	memcpy(it->groups, v->groups, v->ngroups * sizeof(*it->groups));
	it->gsrc = l_alloc(c, &c->set->arena,
	    v->ngroups * sizeof(*it->gsrc) + 1);
	if (it->gsrc == NULL || (key != NULL &&
	    (it->key = l_strdup(c, key, strlen(key))) == NULL))
		return NULL;
	memcpy(it->gsrc, v->gsrc, v->ngroups * sizeof(*it->gsrc));
	memcpy(it->tests, v->tests, v->ntests * sizeof(*it->tests));
	if (item_automaton(c, it) == -1)
		return NULL;
	nd->item = it;
	return nd;
}

/* "Field|mod|mod": value (scalar, null or list) -> item node. */
struct node *
compile_field_item(struct lctx *c, yaml_node_t *key, yaml_node_t *val)
{
	const char *k = sval(key), *bar = strchr(k, '|');
	size_t flen = bar ? (size_t)(bar - k) : strlen(k);
	struct mod order[16];
	size_t norder = 0;
	unsigned mods = 0;
	uint32_t field = ITEM_KEYWORD;
	struct vals v;

	memset(&v, 0, sizeof(v));
	while (bar != NULL) {
		const char *m = bar + 1, *e = strchr(m, '|');
		size_t ml = e ? (size_t)(e - m) : strlen(m);
		size_t i;

		for (i = 0; i < NELEM(modtab); i++)
			if (strlen(modtab[i].name) == ml &&
			    memcmp(modtab[i].name, m, ml) == 0)
				break;
		if (i == NELEM(modtab)) {
			REJECT(c, key, "unknown modifier",
			    "unknown modifier '%.*s'", (int)ml, m);
			return NULL;
		}
		if (modtab[i].bit == M_EXPAND) {
			REJECT(c, key, "placeholder",
			    "placeholder modifier 'expand' needs values "
			    "that evtxhunt does not have");
			return NULL;
		}
		if ((mods & modtab[i].bit) && modtab[i].bit != M_WIDE) {
			REJECT(c, key, "modifier", "modifier '%.*s' given twice",
			    (int)ml, m);
			return NULL;
		}
		mods |= modtab[i].bit;
		if ((modtab[i].bit & M_TRANSFORM) && norder < NELEM(order)) {
			order[norder].bit = modtab[i].bit;
			order[norder].variant = modtab[i].variant;
			order[norder].name = modtab[i].name;
			norder++;
		}
		bar = e;
	}
	/* combinations pySigma does not run */
	if (__builtin_popcount(mods & M_TYPE) > 1 ||
	    ((mods & M_TYPE) && (mods & M_TRANSFORM)) ||
	    ((mods & (M_I | M_M | M_S)) && !(mods & M_RE)) ||
	    ((mods & M_CASED) && (mods & (M_TYPE & ~M_FIELDREF))) ||
	    ((mods & M_BASE64) && (mods & M_BASE64OFF)) ||
	    (!!(mods & M_STARTSWITH) + !!(mods & M_ENDSWITH) +
	    !!(mods & M_CONTAINS) > 1)) {
		REJECT(c, key, "modifier", "modifiers '%s' cannot be combined",
		    strchr(k, '|') + 1);
		return NULL;
	}
	if (flen > 0) {
		if (sigma_field_id(c->set, k, flen, &field) != 0) {
			nomem(c);
			return NULL;
		}
	} else if (mods & (M_TYPE & ~M_RE)) {
		REJECT(c, key, "modifier",
		    "keyword search cannot use modifier '%s'", k + 1);
		return NULL;
	}
	if (val->type == YAML_SEQUENCE_NODE) {
		if (val->data.sequence.items.start ==
		    val->data.sequence.items.top) {
			REJECT(c, val, "syntax", "empty value list for '%s'", k);
			return NULL;
		}
		for (yaml_node_item_t *it = val->data.sequence.items.start;
		    it < val->data.sequence.items.top; it++)
			if (compile_value(c, get_node(c, *it), mods, order,
			    norder, &v) == -1)
				return NULL;
	} else if (compile_value(c, val, mods, order, norder, &v) == -1)
		return NULL;
	if (field == ITEM_KEYWORD) {
		/* keywords are full-text search: substring of a value */
		for (size_t i = 0; i < v.ntests; i++) {
			struct test *t = &v.tests[i];

			if (t->kind == T_EQ)
				t->kind = T_CONTAINS;
			else if (t->kind == T_PREFIX || t->kind == T_SUFFIX)
				t->kind = T_CONTAINS;
			else if (t->kind == T_NULL) {
				REJECT(c, val, "syntax",
				    "null is not a keyword");
				return NULL;
			}
		}
	}
	return make_item(c, field, (mods & M_ALL) != 0, &v, k);
}
