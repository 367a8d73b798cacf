/*
 * load.c -- one Sigma rule text to a compiled matcher tree (libyaml
 * document API).  pySigma's semantics (SPEC §4): value escapes and
 * wildcards, modifiers applied left to right, conditions with
 * or < and < not, `1 of` / `all of` patterns.  Anything that cannot be run
 * exactly rejects the rule with a reason and file:line:column.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

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
#include "sigma_int.h"

/* Pattern units before compiling: 0..255 literal bytes, or these. */
#define U_STAR	256
#define U_QMARK	257

struct pat {
	uint16_t	*u;
	size_t		 n;
};

struct ident {
	const char	*name;
	yaml_node_t	*node;
	struct node	*compiled;
	bool		 busy;
};

struct lctx {
	struct sigma_set	*set;
	struct sigma_rule	*rule;
	yaml_document_t		*doc;
	struct ev_arena		 tmp;		/* freed after the rule */
	struct ident		*ids;
	size_t			 nids;
	uint32_t		 nvalues;
	bool			 failed;
	/* condition parsing */
	yaml_node_t		*condnode;
	const char		*cond;
	size_t			 pos;
	int			 depth;
	char			 tok[256];
	int			 toktype;
};

static int
reject_at(struct lctx *c, const yaml_mark_t *m, const char *cls,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
reject_at(struct lctx *c, const yaml_mark_t *m, const char *cls,
    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (c->failed)
		return -1;
	c->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->rule->status = SIGMA_REJECTED;
	c->rule->reason = sigma_set_strdup(c->set, msg, strlen(msg));
	c->rule->reason_class = cls;
	if (m != NULL) {
		c->rule->line = (uint32_t)m->line + 1;
		c->rule->column = (uint32_t)m->column + 1;
	}
	return -1;
}

#define REJECT(c, node, cls, ...) \
	reject_at((c), (node) ? &(node)->start_mark : NULL, (cls), __VA_ARGS__)

static yaml_node_t *
get_node(struct lctx *c, int idx)
{
	return yaml_document_get_node(c->doc, idx);
}

static bool
is_scalar(const yaml_node_t *n)
{
	return n != NULL && n->type == YAML_SCALAR_NODE;
}

static const char *
sval(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* PyYAML (YAML 1.1) resolution of plain scalars that pySigma sees. */
enum stype { S_STR, S_NULL, S_BOOL_TRUE, S_BOOL_FALSE, S_INT, S_FLOAT };

static enum stype
scalar_type(const yaml_node_t *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	static const char *const trues[] = { "true", "True", "TRUE", "yes",
	    "Yes", "YES", "on", "On", "ON" };
	static const char *const falses[] = { "false", "False", "FALSE", "no",
	    "No", "NO", "off", "Off", "OFF" };
	const char *s = sval(n), *p;

	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return S_STR;
	for (size_t i = 0; i < NELEM(nulls); i++)
		if (strcmp(s, nulls[i]) == 0)
			return S_NULL;
	for (size_t i = 0; i < NELEM(trues); i++)
		if (strcmp(s, trues[i]) == 0)
			return S_BOOL_TRUE;
	for (size_t i = 0; i < NELEM(falses); i++)
		if (strcmp(s, falses[i]) == 0)
			return S_BOOL_FALSE;
	p = s;
	if (*p == '-' || *p == '+')
		p++;
	if (isdigit((unsigned char)*p)) {
		const char *q = p;

		while (isdigit((unsigned char)*q))
			q++;
		if (*q == '\0')
			return S_INT;
		if (*q == '.') {
			char *end;

			errno = 0;
			(void)strtod(s, &end);
			if (*end == '\0' && errno == 0)
				return S_FLOAT;
		}
	}
	return S_STR;
}

static yaml_node_t *
map_get(struct lctx *c, yaml_node_t *map, const char *key)
{
	yaml_node_t *found = NULL;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = get_node(c, p->key);

		if (is_scalar(k) && strcmp(sval(k), key) == 0)
			found = get_node(c, p->value);	/* last wins */
	}
	return found;
}

static const char *
meta_str(struct lctx *c, yaml_node_t *map, const char *key)
{
	yaml_node_t *n = map_get(c, map, key);

	if (!is_scalar(n) || scalar_type(n) == S_NULL)
		return NULL;
	return sigma_set_strdup(c->set, sval(n), n->data.scalar.length);
}

static void
meta_list(struct lctx *c, yaml_node_t *map, const char *key,
    struct sigma_strv *out)
{
	yaml_node_t *n = map_get(c, map, key);
	const char **v;
	size_t cnt = 0;

	out->v = NULL;
	out->n = 0;
	if (n == NULL)
		return;
	if (is_scalar(n)) {
		if (scalar_type(n) == S_NULL)
			return;
		v = ev_arena_alloc(&c->set->arena, sizeof(*v));
		if (v == NULL)
			return;
		v[0] = sigma_set_strdup(c->set, sval(n), n->data.scalar.length);
		out->v = v;
		out->n = 1;
		return;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return;
	v = ev_arena_alloc(&c->set->arena, sizeof(*v) *
	    (size_t)(n->data.sequence.items.top - n->data.sequence.items.start
	    + 1));
	if (v == NULL)
		return;
	for (yaml_node_item_t *it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		yaml_node_t *e = get_node(c, *it);

		if (is_scalar(e) && scalar_type(e) != S_NULL)
			v[cnt++] = sigma_set_strdup(c->set, sval(e),
			    e->data.scalar.length);
	}
	out->v = v;
	out->n = cnt;
}

/* ---- values: pySigma strings as unit arrays ------------------------- */

static int
pat_alloc(struct lctx *c, struct pat *p, size_t n)
{
	p->u = ev_arena_alloc(&c->tmp, (n ? n : 1) * sizeof(*p->u));
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
	*out = ev_arena_alloc(&c->tmp, total * sizeof(**out));
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
	buf = ev_arena_alloc(&c->tmp, p->n + 3);
	enc = ev_arena_alloc(&c->tmp, (p->n + 3) / 3 * 4 + 8);
	*out = ev_arena_alloc(&c->tmp, nv * sizeof(**out));
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
	char *o = ev_arena_alloc(&c->set->arena, n * 2 + 1);

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
		char *o = ev_arena_alloc(&c->set->arena, p->n * 4 + 1);
		char *run = ev_arena_alloc(&c->tmp, p->n + 1);
		char *frun = ev_arena_alloc(&c->tmp, p->n * 2 + 1);
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
	raw = ev_arena_alloc(&c->tmp, hi - lo + 1);
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

struct vals {
	struct test	*tests;
	size_t		 ntests, cap;
	struct group	*groups;
	size_t		 ngroups, gcap;
};

static int
vals_add(struct lctx *c, struct vals *v, const struct test *t)
{
	if (++c->nvalues > SIGMA_MAX_VALUES)
		return reject_at(c, NULL, "limit",
		    "more than %u values after expansion", SIGMA_MAX_VALUES);
	if (v->ntests == v->cap) {
		size_t ncap = v->cap ? v->cap * 2 : 8;
		struct test *nt = ev_arena_alloc(&c->tmp, ncap * sizeof(*nt));

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

static int
vals_group(struct lctx *c, struct vals *v, size_t first)
{
	if (v->ngroups == v->gcap) {
		size_t ncap = v->gcap ? v->gcap * 2 : 8;
		struct group *ng = ev_arena_alloc(&c->tmp, ncap * sizeof(*ng));

		if (ng == NULL)
			return -1;
		if (v->ngroups)
			memcpy(ng, v->groups, v->ngroups * sizeof(*ng));
		v->groups = ng;
		v->gcap = ncap;
	}
	v->groups[v->ngroups].first = (uint32_t)first;
	v->groups[v->ngroups].n = (uint32_t)(v->ntests - first);
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
		return -1;
	}
	memset(t, 0, sizeof(*t));
	t->kind = T_RE;
	t->re = re;
	/* the source, for the prefilter's literal extraction */
	t->lit = sigma_set_strdup(c->set, sval(n), n->data.scalar.length);
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

/* One value of a field item through the modifiers: a group of tests. */
static int
compile_value(struct lctx *c, yaml_node_t *n, unsigned mods,
    const struct mod *order, size_t norder, struct vals *v)
{
	struct pat *cur, *next;
	size_t ncur = 1, first = v->ntests;
	enum stype st;
	struct test t;

	if (!is_scalar(n))
		return REJECT(c, n, "syntax",
		    "a value must be a scalar or a list of scalars");
	st = scalar_type(n);
	if (st == S_NULL) {
		if (mods & ~M_ALL)
			return REJECT(c, n, "modifier",
			    "modifiers cannot apply to null");
		memset(&t, 0, sizeof(t));
		t.kind = T_NULL;
		if (vals_add(c, v, &t) == -1)
			return -1;
		return vals_group(c, v, first);
	}
	if (mods & M_EXISTS) {
		if (st != S_BOOL_TRUE && st != S_BOOL_FALSE)
			return REJECT(c, n, "invalid value",
			    "exists: value must be true or false");
		memset(&t, 0, sizeof(t));
		t.kind = T_EXISTS;
		t.op = st == S_BOOL_TRUE;
		if (vals_add(c, v, &t) == -1)
			return -1;
		return vals_group(c, v, first);
	}
	if (mods & M_NUM) {
		char *end;

		memset(&t, 0, sizeof(t));
		t.kind = T_NUM;
		t.op = mods & M_GT ? NUM_GT : mods & M_GTE ? NUM_GTE :
		    mods & M_LT ? NUM_LT : NUM_LTE;
		errno = 0;
		t.num = strtod(sval(n), &end);
		if ((st != S_INT && st != S_FLOAT) || *end != '\0' ||
		    errno != 0 || !isfinite(t.num))
			return REJECT(c, n, "invalid value",
			    "%s: '%s' is not a number",
			    t.op == NUM_GT ? "gt" : t.op == NUM_GTE ? "gte" :
			    t.op == NUM_LT ? "lt" : "lte", sval(n));
		if (vals_add(c, v, &t) == -1)
			return -1;
		return vals_group(c, v, first);
	}
	if (mods & M_FIELDREF) {
		memset(&t, 0, sizeof(t));
		t.kind = T_FIELDREF;
		if (st != S_STR || n->data.scalar.length == 0)
			return REJECT(c, n, "invalid value",
			    "fieldref: value must be a field name");
		if (sigma_field_id(c->set, sval(n), n->data.scalar.length,
		    &t.field) != 0)
			return -1;
		t.cased = (mods & M_CASED) != 0;
		if (vals_add(c, v, &t) == -1)
			return -1;
		return vals_group(c, v, first);
	}
	if (mods & M_RE) {
		if (compile_re(c, n, mods, &t) == -1 || vals_add(c, v, &t) == -1)
			return -1;
		return vals_group(c, v, first);
	}
	if (mods & M_CIDR) {
		if (parse_cidr(c, n, &t) == -1 || vals_add(c, v, &t) == -1)
			return -1;
		return vals_group(c, v, first);
	}
	/* strings (numbers and booleans as pySigma prints them) */
	cur = ev_arena_alloc(&c->tmp, sizeof(*cur));
	if (cur == NULL)
		return -1;
	if (st == S_BOOL_TRUE || st == S_BOOL_FALSE) {
		const char *b = st == S_BOOL_TRUE ? "true" : "false";

		if (pat_plain(c, b, strlen(b), cur) == -1)
			return -1;
	} else if (st == S_INT) {
		char num[32];
		long long x;

		errno = 0;
		x = strtoll(sval(n), NULL, 10);
		if (errno != 0)
			return REJECT(c, n, "invalid value",
			    "number '%s' out of range", sval(n));
		snprintf(num, sizeof(num), "%lld", x);
		if (pat_plain(c, num, strlen(num), cur) == -1)
			return -1;
	} else if (pat_parse(c, sval(n), n->data.scalar.length, cur) == -1)
		return -1;

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

			parts = ev_arena_alloc(&c->tmp, ncur * sizeof(*parts));
			counts = ev_arena_alloc(&c->tmp, ncur * sizeof(*counts));
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
			next = ev_arena_alloc(&c->tmp, total * sizeof(*next));
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
	for (size_t i = 0; i < ncur; i++) {
		if (test_from_pat(c, &cur[i], (mods & M_CASED) != 0, &t) == -1 ||
		    vals_add(c, v, &t) == -1)
			return -1;
	}
	return vals_group(c, v, first);
}

static struct node *
new_node(struct lctx *c, uint8_t op, uint32_t n)
{
	struct node *nd = ev_arena_calloc(&c->set->arena, sizeof(*nd));

	if (nd == NULL)
		return NULL;
	nd->op = op;
	nd->n = n;
	if (n > 0) {
		nd->kid = ev_arena_calloc(&c->set->arena, n * sizeof(*nd->kid));
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
		return -1;
	if (sigma_set_keep_ac(c->set, ac) != 0) {
		sigma_ac_free(ac);
		return -1;
	}
	it->acpat = ev_arena_alloc(&c->set->arena,
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
			return -1;
		if ((uint32_t)id != it->nacpat)
			return 0;	/* duplicate literal: linear tests */
		it->acpat[it->nacpat++] = i;
	}
	if (sigma_ac_build(ac) != 0)
		return -1;
	it->ac = ac;
	return 0;
}

static struct node *
make_item(struct lctx *c, uint32_t field, bool all, struct vals *v)
{
	struct node *nd = new_node(c, N_ITEM, 0);
	struct item *it;

	if (nd == NULL)
		return NULL;
	it = ev_arena_calloc(&c->set->arena, sizeof(*it));
	if (it == NULL)
		return NULL;
	it->field = field;
	it->all = all;
	it->ngroups = (uint32_t)v->ngroups;
	it->ntests = (uint32_t)v->ntests;
	it->groups = ev_arena_alloc(&c->set->arena,
	    v->ngroups * sizeof(*it->groups) + 1);
	it->tests = ev_arena_alloc(&c->set->arena,
	    v->ntests * sizeof(*it->tests) + 1);
	if (it->groups == NULL || it->tests == NULL)
		return NULL;
	memcpy(it->groups, v->groups, v->ngroups * sizeof(*it->groups));
	memcpy(it->tests, v->tests, v->ntests * sizeof(*it->tests));
	if (item_automaton(c, it) == -1)
		return NULL;
	nd->item = it;
	return nd;
}

/* "Field|mod|mod": value (scalar, null or list) -> item node. */
static struct node *
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
		if (sigma_field_id(c->set, k, flen, &field) != 0)
			return NULL;
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
	return make_item(c, field, (mods & M_ALL) != 0, &v);
}

static int
check_nodes(struct lctx *c, yaml_node_t *n, int depth)
{
	if (n == NULL)
		return 0;
	if (depth > SIGMA_MAX_DEPTH)
		return REJECT(c, n, "limit", "nesting deeper than %d",
		    SIGMA_MAX_DEPTH);
	if (++c->nvalues > SIGMA_MAX_NODES)
		return REJECT(c, n, "limit", "more than %u YAML nodes",
		    SIGMA_MAX_NODES);
	if (n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		    it < n->data.sequence.items.top; it++)
			if (check_nodes(c, get_node(c, *it), depth + 1) == -1)
				return -1;
	} else if (n->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		    p < n->data.mapping.pairs.top; p++)
			if (check_nodes(c, get_node(c, p->key), depth + 1) ==
			    -1 || check_nodes(c, get_node(c, p->value),
			    depth + 1) == -1)
				return -1;
	}
	return 0;
}

/* A map of field items: AND. */
static struct node *
compile_map(struct lctx *c, yaml_node_t *map)
{
	size_t n = (size_t)(map->data.mapping.pairs.top -
	    map->data.mapping.pairs.start), i = 0;
	struct node *nd;

	if (n == 0) {
		REJECT(c, map, "syntax", "empty detection map");
		return NULL;
	}
	if ((nd = new_node(c, N_AND, (uint32_t)n)) == NULL)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = get_node(c, p->key), *v = get_node(c, p->value);

		if (!is_scalar(k) || v == NULL) {
			REJECT(c, k, "syntax", "field names must be scalars");
			return NULL;
		}
		if (v->type == YAML_MAPPING_NODE) {
			REJECT(c, v, "syntax",
			    "value of '%s' must not be a map", sval(k));
			return NULL;
		}
		if ((nd->kid[i++] = compile_field_item(c, k, v)) == NULL)
			return NULL;
	}
	return n == 1 ? nd->kid[0] : nd;
}

/* A detection identifier's definition. */
static struct node *
compile_ident(struct lctx *c, yaml_node_t *def)
{
	struct vals kw;
	struct node *nd;
	size_t n, i = 0, nmaps = 0;

	if (def->type == YAML_MAPPING_NODE)
		return compile_map(c, def);
	memset(&kw, 0, sizeof(kw));
	if (def->type == YAML_SCALAR_NODE) {
		if (compile_value(c, def, 0, NULL, 0, &kw) == -1)
			return NULL;
		if (kw.tests[0].kind == T_NULL) {
			REJECT(c, def, "syntax", "null is not a keyword");
			return NULL;
		}
		if (kw.tests[0].kind == T_EQ || kw.tests[0].kind == T_PREFIX ||
		    kw.tests[0].kind == T_SUFFIX)
			kw.tests[0].kind = T_CONTAINS;
		return make_item(c, ITEM_KEYWORD, false, &kw);
	}
	n = (size_t)(def->data.sequence.items.top -
	    def->data.sequence.items.start);
	if (n == 0) {
		REJECT(c, def, "syntax", "empty detection list");
		return NULL;
	}
	for (yaml_node_item_t *it = def->data.sequence.items.start;
	    it < def->data.sequence.items.top; it++) {
		yaml_node_t *e = get_node(c, *it);

		if (e->type == YAML_MAPPING_NODE)
			nmaps++;
		else if (e->type == YAML_SEQUENCE_NODE) {
			REJECT(c, e, "syntax", "nested lists in a detection");
			return NULL;
		}
	}
	/* keywords form one item; each map is one AND; all ORed */
	if ((nd = new_node(c, N_OR, (uint32_t)(nmaps + (nmaps < n))))
	    == NULL)
		return NULL;
	for (yaml_node_item_t *it = def->data.sequence.items.start;
	    it < def->data.sequence.items.top; it++) {
		yaml_node_t *e = get_node(c, *it);

		if (e->type == YAML_MAPPING_NODE) {
			if ((nd->kid[i++] = compile_map(c, e)) == NULL)
				return NULL;
		} else {
			size_t first = kw.ntests;

			if (compile_value(c, e, 0, NULL, 0, &kw) == -1)
				return NULL;
			for (size_t j = first; j < kw.ntests; j++) {
				enum test_kind k = kw.tests[j].kind;

				if (k == T_NULL) {
					REJECT(c, e, "syntax",
					    "null is not a keyword");
					return NULL;
				}
				if (k == T_EQ || k == T_PREFIX || k == T_SUFFIX)
					kw.tests[j].kind = T_CONTAINS;
			}
		}
	}
	if (nmaps < n &&
	    (nd->kid[i++] = make_item(c, ITEM_KEYWORD, false, &kw)) == NULL)
		return NULL;
	return nd->n == 1 ? nd->kid[0] : nd;
}

/* ---- conditions ----------------------------------------------------- */

enum { TK_END, TK_ID, TK_LP, TK_RP, TK_AND, TK_OR, TK_NOT, TK_ONE,
    TK_ALL, TK_OF, TK_THEM, TK_PIPE, TK_BAD };

static int
lex(struct lctx *c)
{
	const char *s = c->cond;
	size_t i = c->pos, n = 0;

	while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
		i++;
	c->tok[0] = '\0';
	if (s[i] == '\0') {
		c->pos = i;
		return c->toktype = TK_END;
	}
	if (s[i] == '(' || s[i] == ')' || s[i] == '|') {
		c->tok[0] = s[i];
		c->tok[1] = '\0';
		c->pos = i + 1;
		return c->toktype = s[i] == '(' ? TK_LP : s[i] == ')' ? TK_RP :
		    TK_PIPE;
	}
	while (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '-' ||
	    s[i] == '*' || s[i] == '.') {
		if (n + 1 < sizeof(c->tok))
			c->tok[n++] = s[i];
		i++;
	}
	c->tok[n] = '\0';
	if (n == 0) {
		c->tok[0] = s[i];
		c->tok[1] = '\0';
		c->pos = i + 1;
		return c->toktype = TK_BAD;
	}
	c->pos = i;
	if (strcmp(c->tok, "and") == 0)
		return c->toktype = TK_AND;
	if (strcmp(c->tok, "or") == 0)
		return c->toktype = TK_OR;
	if (strcmp(c->tok, "not") == 0)
		return c->toktype = TK_NOT;
	if (strcmp(c->tok, "1") == 0 || strcmp(c->tok, "any") == 0)
		return c->toktype = TK_ONE;
	if (strcmp(c->tok, "all") == 0)
		return c->toktype = TK_ALL;
	if (strcmp(c->tok, "of") == 0)
		return c->toktype = TK_OF;
	if (strcmp(c->tok, "them") == 0)
		return c->toktype = TK_THEM;
	return c->toktype = TK_ID;
}

static int
cond_error(struct lctx *c, const char *what)
{
	if (c->toktype == TK_PIPE)
		return REJECT(c, c->condnode, "aggregation",
		    "condition: aggregations ('| count()', '| near') are "
		    "not supported");
	if (c->toktype == TK_ID && strcmp(c->tok, "near") == 0)
		return REJECT(c, c->condnode, "aggregation",
		    "condition: 'near' is not supported");
	return REJECT(c, c->condnode, "condition",
	    "condition: %s at '%s' (column %zu of the condition)", what,
	    c->toktype == TK_END ? "end" : c->tok, c->pos);
}

static struct node *
ident_node(struct lctx *c, struct ident *id)
{
	if (id->compiled == NULL && !id->busy) {
		id->busy = true;
		id->compiled = compile_ident(c, id->node);
		id->busy = false;
	}
	return id->compiled;
}

static bool
glob_name(const char *pat, const char *s)
{
	if (*pat == '\0')
		return *s == '\0';
	if (*pat == '*')
		return glob_name(pat + 1, s) || (*s && glob_name(pat, s + 1));
	return *s == *pat && glob_name(pat + 1, s + 1);
}

static struct node *parse_or(struct lctx *);

static struct node *
parse_primary(struct lctx *c)
{
	struct node *nd;

	if (++c->depth > SIGMA_MAX_DEPTH) {
		REJECT(c, c->condnode, "limit",
		    "condition nested deeper than %d", SIGMA_MAX_DEPTH);
		return NULL;
	}
	switch (c->toktype) {
	case TK_LP:
		lex(c);
		if ((nd = parse_or(c)) == NULL)
			return NULL;
		if (c->toktype != TK_RP) {
			cond_error(c, "')' expected");
			return NULL;
		}
		lex(c);
		break;
	case TK_NOT:
		lex(c);
		if ((nd = parse_primary(c)) == NULL)
			return NULL;
		{
			struct node *x = new_node(c, N_NOT, 1);

			if (x == NULL)
				return NULL;
			x->kid[0] = nd;
			nd = x;
		}
		break;
	case TK_ONE:
	case TK_ALL: {
		bool all = c->toktype == TK_ALL;
		size_t cnt = 0, k = 0;
		bool them;

		if (lex(c) != TK_OF) {
			cond_error(c, "'of' expected");
			return NULL;
		}
		lex(c);
		if (c->toktype != TK_THEM && c->toktype != TK_ID) {
			cond_error(c, "identifier pattern expected");
			return NULL;
		}
		them = c->toktype == TK_THEM;
		for (size_t i = 0; i < c->nids; i++)
			if (c->ids[i].name[0] != '_' &&
			    (them || glob_name(c->tok, c->ids[i].name)))
				cnt++;
		if (cnt == 0) {
			REJECT(c, c->condnode, "condition",
			    "condition: '%s' matches no detection",
			    c->tok);
			return NULL;
		}
		if ((nd = new_node(c, all ? N_AND : N_OR, (uint32_t)cnt))
		    == NULL)
			return NULL;
		for (size_t i = 0; i < c->nids; i++)
			if (c->ids[i].name[0] != '_' &&
			    (them || glob_name(c->tok, c->ids[i].name)))
				if ((nd->kid[k++] = ident_node(c, &c->ids[i]))
				    == NULL)
					return NULL;
		lex(c);
		break;
	}
	case TK_ID: {
		size_t i;

		if (strchr(c->tok, '*') != NULL) {
			cond_error(c, "wildcard outside '1 of' / 'all of'");
			return NULL;
		}
		for (i = 0; i < c->nids; i++)
			if (strcmp(c->ids[i].name, c->tok) == 0)
				break;
		if (i == c->nids) {
			if (strcmp(c->tok, "near") == 0) {
				cond_error(c, "");
				return NULL;
			}
			REJECT(c, c->condnode, "condition",
			    "condition: unknown detection '%s'", c->tok);
			return NULL;
		}
		if ((nd = ident_node(c, &c->ids[i])) == NULL)
			return NULL;
		lex(c);
		break;
	}
	default:
		cond_error(c, "unexpected token");
		return NULL;
	}
	c->depth--;
	return nd;
}

static struct node *
parse_binary(struct lctx *c, int tk, uint8_t op)
{
	struct node *kids[256], *nd;
	size_t n = 0;

	for (;;) {
		struct node *k = tk == TK_OR ? parse_binary(c, TK_AND, N_AND) :
		    parse_primary(c);

		if (k == NULL)
			return NULL;
		if (n == NELEM(kids)) {
			REJECT(c, c->condnode, "limit",
			    "condition: more than %zu operands", NELEM(kids));
			return NULL;
		}
		kids[n++] = k;
		if (c->toktype != tk)
			break;
		lex(c);
	}
	if (n == 1)
		return kids[0];
	if ((nd = new_node(c, op, (uint32_t)n)) == NULL)
		return NULL;
	memcpy(nd->kid, kids, n * sizeof(*kids));
	return nd;
}

static struct node *
parse_or(struct lctx *c)
{
	return parse_binary(c, TK_OR, N_OR);
}

static struct node *
compile_condition(struct lctx *c, yaml_node_t *cn)
{
	struct node *nd;

	if (!is_scalar(cn) || scalar_type(cn) == S_NULL) {
		REJECT(c, cn, "syntax", "condition must be a string");
		return NULL;
	}
	c->condnode = cn;
	c->cond = sval(cn);
	c->pos = 0;
	c->depth = 0;
	lex(c);
	if ((nd = parse_or(c)) == NULL)
		return NULL;
	if (c->toktype != TK_END) {
		cond_error(c, "unexpected token");
		return NULL;
	}
	return nd;
}

static int
compile_detection(struct lctx *c, yaml_node_t *det)
{
	yaml_node_t *cond = NULL;
	struct node *root;
	size_t n, k = 0;

	if (det == NULL)
		return reject_at(c, NULL, "syntax", "no detection");
	if (det->type != YAML_MAPPING_NODE)
		return REJECT(c, det, "syntax", "detection must be a map");
	if (check_nodes(c, det, 0) == -1)
		return -1;
	c->nvalues = 0;
	n = (size_t)(det->data.mapping.pairs.top -
	    det->data.mapping.pairs.start);
	c->ids = ev_arena_alloc(&c->tmp, (n + 1) * sizeof(*c->ids));
	if (c->ids == NULL)
		return -1;
	for (yaml_node_pair_t *p = det->data.mapping.pairs.start;
	    p < det->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = get_node(c, p->key), *v = get_node(c, p->value);
		const char *key;

		if (!is_scalar(kn))
			return REJECT(c, kn, "syntax",
			    "detection keys must be scalars");
		key = sval(kn);
		if (strcmp(key, "condition") == 0) {
			cond = v;
			continue;
		}
		if (strcmp(key, "timeframe") == 0)
			return REJECT(c, kn, "timeframe",
			    "timeframe (temporal correlation) is not supported");
		if (v == NULL || (v->type == YAML_SCALAR_NODE &&
		    scalar_type(v) == S_NULL))
			return REJECT(c, kn, "syntax",
			    "detection '%s' is empty", key);
		c->ids[k].name = key;
		c->ids[k].node = v;
		c->ids[k].compiled = NULL;
		c->ids[k].busy = false;
		k++;
	}
	c->nids = k;
	if (cond == NULL)
		return REJECT(c, det, "syntax", "detection has no condition");
	if (cond->type == YAML_SEQUENCE_NODE) {
		size_t nc = (size_t)(cond->data.sequence.items.top -
		    cond->data.sequence.items.start), i = 0;

		if (nc == 0)
			return REJECT(c, cond, "syntax", "empty condition list");
		/* several conditions: the rule matches when any does */
		if ((root = new_node(c, N_OR, (uint32_t)nc)) == NULL)
			return -1;
		for (yaml_node_item_t *it = cond->data.sequence.items.start;
		    it < cond->data.sequence.items.top; it++)
			if ((root->kid[i++] = compile_condition(c,
			    get_node(c, *it))) == NULL)
				return -1;
		if (nc == 1)
			root = root->kid[0];
	} else if ((root = compile_condition(c, cond)) == NULL)
		return -1;
	c->rule->compiled->root = root;
	return 0;
}

/* logsource -> the events the rule reads (SPEC §4), or skipped. */
static int
logsource(struct lctx *c, yaml_node_t *root)
{
	struct sigma_rule *r = c->rule;
	unsigned src = 0;
	char msg[256];

	if (r->category != NULL) {
		if (strcasecmp(r->category, "process_creation") == 0)
			src = SIGMA_SRC_SYSMON1 | SIGMA_SRC_4688;
		else if (strcasecmp(r->category, "image_load") == 0)
			src = SIGMA_SRC_SYSMON7;
		else if (strcasecmp(r->category, "network_connection") == 0)
			src = SIGMA_SRC_SYSMON3;
		if (r->service != NULL) {
			if (strcasecmp(r->service, "sysmon") == 0)
				src &= ~SIGMA_SRC_4688;
			else if (strcasecmp(r->service, "security") == 0)
				src &= SIGMA_SRC_4688;
			else
				src = 0;
		}
		c->rule->compiled->map4688 = true;
	} else if (r->service != NULL) {
		if (strcasecmp(r->service, "sysmon") == 0)
			src = SIGMA_SRC_SYSMON1 | SIGMA_SRC_SYSMON3 |
			    SIGMA_SRC_SYSMON7;
		else if (strcasecmp(r->service, "security") == 0)
			src = SIGMA_SRC_4688;
	}
	if (r->product == NULL || strcasecmp(r->product, "windows") != 0)
		src = 0;
	if (src != 0) {
		r->sources = src;
		return 0;
	}
	snprintf(msg, sizeof(msg), "logsource%s%s%s%s%s%s not supported",
	    r->product ? " product=" : "", r->product ? r->product : "",
	    r->category ? " category=" : "", r->category ? r->category : "",
	    r->service ? " service=" : "", r->service ? r->service : "");
	r->status = SIGMA_SKIPPED;
	r->reason = sigma_set_strdup(c->set, msg, strlen(msg));
	r->reason_class = "logsource not supported";
	(void)root;
	return 1;
}

static int
load_doc(struct lctx *c, yaml_node_t *root)
{
	struct sigma_rule *r = c->rule;
	yaml_node_t *ls;

	if (root == NULL || root->type != YAML_MAPPING_NODE)
		return REJECT(c, root, "syntax", "a rule must be a YAML map");
	if (check_nodes(c, root, 0) == -1)
		return -1;
	if (map_get(c, root, "detection") == NULL &&
	    map_get(c, root, "logsource") == NULL &&
	    map_get(c, root, "correlation") == NULL &&
	    map_get(c, root, "action") == NULL &&
	    map_get(c, root, "filter") == NULL) {
		/* other YAML beside the rules (rules/watched.yml) */
		r->status = SIGMA_SKIPPED;
		r->reason = "not a Sigma rule (no logsource, no detection)";
		r->reason_class = "not a rule";
		return 0;
	}
	r->id = meta_str(c, root, "id");
	r->title = meta_str(c, root, "title");
	r->rule_status = meta_str(c, root, "status");
	r->description = meta_str(c, root, "description");
	r->author = meta_str(c, root, "author");
	r->date = meta_str(c, root, "date");
	r->modified = meta_str(c, root, "modified");
	r->level_name = meta_str(c, root, "level");
	if (r->level_name != NULL)
		r->level = ev_level_parse(r->level_name);
	meta_list(c, root, "tags", &r->tags);
	meta_list(c, root, "references", &r->references);
	meta_list(c, root, "falsepositives", &r->falsepositives);
	meta_list(c, root, "fields", &r->fields);
	if (map_get(c, root, "correlation") != NULL)
		return REJECT(c, map_get(c, root, "correlation"),
		    "correlation", "correlation rules are not supported");
	if (map_get(c, root, "action") != NULL)
		return REJECT(c, map_get(c, root, "action"), "collection",
		    "rule collections ('action') are not supported");
	if (map_get(c, root, "filter") != NULL &&
	    map_get(c, root, "detection") == NULL)
		return REJECT(c, map_get(c, root, "filter"), "filter",
		    "filter documents are not supported");
	ls = map_get(c, root, "logsource");
	if (ls == NULL || ls->type != YAML_MAPPING_NODE)
		return REJECT(c, ls ? ls : root, "syntax",
		    "rule has no logsource map");
	r->product = meta_str(c, ls, "product");
	r->category = meta_str(c, ls, "category");
	r->service = meta_str(c, ls, "service");
	if (r->level_name != NULL && r->level == EV_LEVEL_NONE)
		return REJECT(c, map_get(c, root, "level"), "syntax",
		    "unknown level '%s'", r->level_name);
	if (logsource(c, root) != 0)
		return 0;
	return compile_detection(c, map_get(c, root, "detection"));
}

/*
 * The nesting of every YAML document in text, from the parser's events,
 * before a document is built: libyaml's scanner does work proportional
 * to the open flow collections for every token, so a deep '[[[...' is
 * quadratic.  A node deeper than SIGMA_MAX_DEPTH rejects the rule as
 * check_nodes() would (same message and mark) after at most that many
 * collection events and the scanner's bounded look-ahead.  A syntax
 * error ends the pass; the document load reports it.  Counts the
 * events and input bytes the pass visited in the set (for tests).
 */
static int
check_depth(struct lctx *c, const char *text, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int depth = 0, ret = 0;
	bool done = false;

	if (!yaml_parser_initialize(&parser))
		return EV_ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
	    len);
	while (!done && yaml_parser_parse(&parser, &ev)) {
		c->set->yaml_events++;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
		case YAML_SCALAR_EVENT:
		case YAML_ALIAS_EVENT:
			if (depth > SIGMA_MAX_DEPTH) {
				reject_at(c, &ev.start_mark, "limit",
				    "nesting deeper than %d",
				    SIGMA_MAX_DEPTH);
				ret = -1;
				done = true;
			} else if (ev.type == YAML_SEQUENCE_START_EVENT ||
			    ev.type == YAML_MAPPING_START_EVENT)
				depth++;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	c->set->yaml_bytes += parser.mark.index;
	yaml_parser_delete(&parser);
	return ret;
}

int
sigma_load_rule(struct sigma_set *set, struct sigma_rule *rule,
    const char *text, size_t len)
{
	struct lctx c;
	yaml_parser_t parser;
	yaml_document_t doc, doc2;
	int ret = 0;

	memset(&c, 0, sizeof(c));
	c.set = set;
	c.rule = rule;
	ev_arena_init(&c.tmp);
	rule->status = SIGMA_LOADED;
	rule->compiled = ev_arena_calloc(&set->arena,
	    sizeof(*rule->compiled));
	if (rule->compiled == NULL)
		return EV_ENOMEM;
	if ((ret = check_depth(&c, text, len)) != 0) {
		if (ret == -1)
			ret = 0;	/* rejected */
		goto out;
	}
	if (!yaml_parser_initialize(&parser))
		return EV_ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
	    len);
	if (!yaml_parser_load(&parser, &doc)) {
		reject_at(&c, &parser.problem_mark, "yaml", "YAML: %s%s%s",
		    parser.problem ? parser.problem : "syntax error",
		    parser.context ? " " : "",
		    parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		goto out;
	}
	c.doc = &doc;
	if (yaml_document_get_root_node(&doc) == NULL) {
		reject_at(&c, NULL, "syntax", "empty file");
	} else if (load_doc(&c, yaml_document_get_root_node(&doc)) == 0 &&
	    !c.failed) {
		/* a second document makes a collection (pySigma) */
		if (!yaml_parser_load(&parser, &doc2)) {
			reject_at(&c, &parser.problem_mark, "yaml",
			    "YAML: %s", parser.problem ? parser.problem :
			    "syntax error");
		} else {
			yaml_node_t *r2 = yaml_document_get_root_node(&doc2);

			if (r2 != NULL)
				reject_at(&c, &r2->start_mark, "collection",
				    "multi-document rule files are not "
				    "supported");
			yaml_document_delete(&doc2);
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
out:
	if (!c.failed && rule->status == SIGMA_LOADED &&
	    rule->compiled->root == NULL) {
		/* an allocation failed on the way */
		ret = EV_ENOMEM;
	}
	if (c.failed && rule->reason == NULL)
		ret = EV_ENOMEM;
	if (rule->status != SIGMA_LOADED)
		rule->compiled = NULL;
	ev_arena_release(&c.tmp);
	return ret;
}
