/*
 * prefilter.c -- sigma_compile(): the shared literal prefilter, the
 * per-source rule index and the numbering the memos key on.
 *
 * Prefilter: for every loaded rule, a set of (field, literal) pairs one
 * of which must occur (case-folded) for the condition to be true is
 * derived from its tree (AND: the cheapest child's set; OR: the union;
 * NOT: nothing).  One automaton per field holds every rule's literals;
 * an event is scanned once per field and only rules whose literal was
 * seen (plus rules with no such set) are evaluated.  Regex and
 * wildcard tests get the chain of literal runs every match holds,
 * checked before the expression runs; literal tests are answered from
 * the scan's finds (split_item).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../ev_util.h"
#include "fold.h"
#include "prefilter_int.h"

/* ---- what a rule needs: literals and chains --------------------------- */

#define NEED_MIN	3	/* shorter literals are useless filters */
#define NEED_MAX	4096

struct nl {
	struct need	*v;
	size_t		 n, cap;
	bool		 ok;
};

static int
nl_add(struct nl *l, uint32_t field, const char *lit, uint32_t len)
{
	if (l->n >= NEED_MAX) {
		l->ok = false;
		return 0;
	}
	if (sigma_grow((void **)&l->v, &l->cap, l->n, sizeof(*l->v)))
		return EV_ENOMEM;
	l->v[l->n].field = field;
	l->v[l->n].lit = lit;
	l->v[l->n].len = len;
	l->n++;
	return 0;
}

static unsigned
nl_cost(const struct nl *l)
{
	unsigned c = 0;

	for (size_t i = 0; i < l->n; i++)
		c += l->v[i].len >= 8 ? 1 : l->v[i].len >= 5 ? 3 : 10;
	return c;
}

/*
 * The runs of ASCII characters a regular expression needs literally, in
 * the order every match holds them (not overlapping), folded, into out
 * as a chain: <length byte><bytes>..., a run longer than 255 split into
 * pieces.  out must hold 2 * n + 1 bytes, run (scratch) n + 1.  Returns
 * the chain's length (0: no run), or -1 when the expression is beyond
 * this reading.
 * Conservative: alternation at the top level, \Q, (?x), a '{' that is
 * not a quantifier and escapes it does not know give up; groups (and
 * their quantifiers), classes, '.', anchors, non-ASCII characters and
 * quantified characters end a run and are not in it.  Every match of
 * the expression, caseless or not, holds the chain's runs in order in
 * the folded value (pcre2's caseless equivalents of ASCII characters,
 * such as U+212A for k, fold to them).
 */
static ssize_t
re_runs(const char *re, size_t n, char *out, char *run)
{
	size_t rl = 0, ol = 0;
	int depth = 0;

#define END_RUN() do {							\
	for (size_t q_ = 0; q_ < rl; q_ += 255) {			\
		size_t m_ = rl - q_ < 255 ? rl - q_ : 255;		\
									\
		out[ol++] = (char)m_;					\
		memcpy(out + ol, run + q_, m_);				\
		ol += m_;						\
	}								\
	rl = 0;								\
} while (0)
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)re[i];

		if (ch == '\\') {
			unsigned char d;

			if (i + 1 >= n)
				return -1;
			d = (unsigned char)re[++i];
			if (!isalnum(d)) {
				if (depth == 0 && d < 0x80) {
					run[rl++] = (char)tolower(d);
					continue;
				}
				END_RUN();
				continue;
			}
			if (strchr("dDsSwWbBAzZGhHvVRNntrfea", d) == NULL)
				return -1;	/* \x.. \Q \p{..} \1 ...: give up */
			END_RUN();
			continue;
		}
		if (ch == '[') {
			i++;
			if (i < n && re[i] == '^')
				i++;
			if (i < n && re[i] == ']')
				i++;
			for (; i < n && re[i] != ']'; i++) {
				if (re[i] == '\\')
					i++;
				else if (re[i] == '[' && i + 1 < n &&
				    strchr(":.=", re[i + 1]) != NULL) {
					/* [:alpha:] and the like */
					char e = re[i + 1];

					for (i += 2; i + 1 < n && !(re[i] == e &&
					    re[i + 1] == ']'); i++)
						;
					i++;
				}
			}
			if (i >= n)
				return -1;
			END_RUN();
			continue;
		}
		if (ch == '(') {
			if (i + 1 < n && re[i + 1] == '?')
				for (size_t j = i + 2; j < n && re[j] != ':' &&
				    re[j] != ')'; j++)
					if (re[j] == 'x')
						return -1;
			depth++;
			END_RUN();
			continue;
		}
		if (ch == ')') {
			depth--;
			END_RUN();
			continue;
		}
		if (ch == '|') {
			if (depth == 0)
				return -1;
			continue;
		}
		if (ch == '{') {
			/* a quantifier ({n}, {n,}, {n,m}, {,m}) or give up */
			size_t j = i + 1;

			while (j < n && (isdigit((unsigned char)re[j]) ||
			    re[j] == ',' || re[j] == ' '))
				j++;
			if (j >= n || re[j] != '}' || j == i + 1)
				return -1;
			if (depth == 0 && rl > 0)
				rl--;
			if (depth == 0)
				END_RUN();
			i = j;
			continue;
		}
		if (depth > 0)
			continue;
		if (ch == '?' || ch == '*' || ch == '+') {
			/* the quantified character is not required as is */
			if (rl > 0)
				rl--;
			END_RUN();
			continue;
		}
		if (ch == '.' || ch == '^' || ch == '$' || ch >= 0x80) {
			END_RUN();
			continue;
		}
		run[rl++] = (char)tolower(ch);
	}
	END_RUN();
#undef END_RUN
	return depth == 0 ? (ssize_t)ol : -1;
}

/*
 * The longest run of the chain c[0..n) (see re_runs) into *lit, *len;
 * 0 when the chain is empty.
 */
static void
chain_longest(const char *c, size_t n, const char **lit, uint32_t *len)
{
	*len = 0;
	for (size_t i = 0; i < n; i += 1 + (unsigned char)c[i])
		if ((unsigned char)c[i] > *len) {
			*len = (unsigned char)c[i];
			*lit = c + i + 1;
		}
}

/* The longest literal a test requires, folded; 0 when none. */
static int
test_literal(struct sigma_set *s, const struct test *t, const char **lit,
    uint32_t *len)
{
	const char *p = t->lit;
	size_t best = 0, bstart = 0, n;
	char *run, *f;

	*len = 0;
	switch (t->kind) {
	case T_EQ: case T_PREFIX: case T_SUFFIX: case T_CONTAINS:
		if (t->len < NEED_MIN)
			return 0;
		if (!t->cased) {
			*lit = t->lit;
			*len = t->len;
			return 0;
		}
		bstart = 0;
		best = t->len;
		break;
	case T_GLOB: {
		size_t i = 0, start = 0, rl = 0;

		/* runs of literal units; quoted bytes are literal too */
		run = ev_arena_alloc(&s->arena, t->len + 1);
		if (run == NULL)
			return EV_ENOMEM;
		while (i <= t->len) {
			unsigned char b = i < t->len ? (unsigned char)p[i] : 0;

			if (i == t->len || b == PAT_STAR || b == PAT_QMARK) {
				if (rl > best) {
					best = rl;
					bstart = start;
				}
				rl = 0;
				i++;
				continue;
			}
			if (rl == 0)
				start = i;
			if (b == PAT_LIT)
				i++;
			rl++;
			i++;
		}
		if (best < NEED_MIN)
			return 0;
		/* decode the chosen run */
		n = 0;
		for (size_t j = bstart; n < best; j++) {
			if ((unsigned char)p[j] == PAT_LIT)
				j++;
			run[n++] = p[j];
		}
		p = run;
		bstart = 0;
		if (!t->cased) {
			*lit = run;
			*len = (uint32_t)best;
			return 0;
		}
		break;
	}
	case T_RE:
		if (t->chain != NULL)
			chain_longest(t->chain, t->chainlen, lit, len);
		if (*len < NEED_MIN)
			*len = 0;
		return 0;
	default:
		return 0;
	}
	f = ev_arena_alloc(&s->arena, best * 2 + 1);
	if (f == NULL)
		return EV_ENOMEM;
	n = sigma_fold(p + bstart, best, f);
	if (n < NEED_MIN)	/* folding can shorten (U+212A -> k) */
		return 0;
	*lit = f;
	*len = (uint32_t)n;
	return 0;
}

/*
 * How rare a byte is in logged values, lower is rarer: punctuation
 * that paths and ordinary command lines hardly use, then bytes of
 * non-ASCII characters, then shell and variable syntax; 3 for the rest
 * (letters, digits, space, path and option syntax), which is too common
 * to be worth a look.
 */
static int
byte_rarity(unsigned char b)
{
	if ((b < 0x20 && b != '\t') || b == 0x7f)
		return 0;
	if (b >= 0x80)
		return 1;
	if (strchr("^`~{}[]|;!@#<>*?+", b) != NULL)
		return 0;
	if (strchr("$%&'", b) != NULL)
		return 2;
	return 3;
}

/*
 * Of the n bytes at p (folded), the rarest worth a look as a need of its
 * own; -1 when none is.  With ascii_only (literals compared cased, which
 * the scan sees folded), only ASCII bytes that are not letters, which
 * folding leaves alone.
 */
static int
rare_byte(const char *p, size_t n, bool ascii_only)
{
	int best = -1, brank = 3;

	for (size_t i = 0; i < n; i++) {
		unsigned char b = (unsigned char)p[i];
		int r = byte_rarity(b);

		if (r < brank && !(ascii_only && b >= 0x80)) {
			brank = r;
			best = b;
		}
	}
	return best;
}

/*
 * The literal a test requires (test_literal), or failing that one rare
 * byte it requires (rare_byte): shorter literals, and regular
 * expressions and wildcard patterns with only short runs, still make a
 * filter when they hold a byte like '^', '`' or a non-ASCII character.
 */
static int
test_need(struct sigma_set *s, const struct test *t, const char **lit,
    uint32_t *len)
{
	int b = -1;
	char *one;

	if (test_literal(s, t, lit, len) != 0)
		return EV_ENOMEM;
	if (*len > 0)
		return 0;
	switch (t->kind) {
	case T_EQ: case T_PREFIX: case T_SUFFIX: case T_CONTAINS:
		b = rare_byte(t->lit, t->len, t->cased);
		break;
	case T_GLOB: case T_RE:
		/* the chain's length bytes are rare too: skip them */
		for (uint32_t i = 0; t->chain != NULL && i < t->chainlen;
		    i += 1 + (unsigned char)t->chain[i]) {
			int c = rare_byte(t->chain + i + 1,
			    (unsigned char)t->chain[i], false);

			if (c >= 0 && (b < 0 || byte_rarity((unsigned char)c) <
			    byte_rarity((unsigned char)b)))
				b = c;
		}
		break;
	default:
		break;
	}
	if (b < 0)
		return 0;
	if ((one = ev_arena_alloc(&s->arena, 1)) == NULL)
		return EV_ENOMEM;
	one[0] = (char)b;
	*lit = one;
	*len = 1;
	return 0;
}

/*
 * The chain (as re_runs) of a wildcard pattern's literal runs, which a
 * matching value holds in this order; out holds 2 * n + 1 bytes.
 */
static size_t
glob_runs(const char *p, size_t n, char *out)
{
	size_t ol = 0, at = 0, rl = 0;

	for (size_t i = 0; i <= n; i++) {
		unsigned char b = i < n ? (unsigned char)p[i] : PAT_STAR;

		if (b == PAT_STAR || b == PAT_QMARK || rl == 255) {
			if (rl > 0) {
				out[at] = (char)rl;
				ol = at + 1 + rl;
				rl = 0;
			}
			if (b == PAT_STAR || b == PAT_QMARK)
				continue;
		}
		if (rl == 0)
			at = ol;
		if (b == PAT_LIT && i + 1 < n)
			b = (unsigned char)p[++i];
		out[at + 1 + rl++] = (char)b;
	}
	return ol;
}

/*
 * Whether the expression is literal characters joined by ".*" (or
 * ".*?") and nothing else, with letters only when it is caseless: then
 * on a value of printable ASCII without line breaks (where '.' matches
 * every character) it matches exactly when its chain is found.
 */
static bool
re_is_chain(const pcre2_code *re, const char *p, size_t n)
{
	uint32_t opts = 0, nl = 0;
	bool caseless;

	if (pcre2_pattern_info(re, PCRE2_INFO_ALLOPTIONS, &opts) != 0 ||
	    pcre2_pattern_info(re, PCRE2_INFO_NEWLINE, &nl) != 0 ||
	    nl == PCRE2_NEWLINE_NUL)
		return false;
	if (opts & (PCRE2_EXTENDED | PCRE2_EXTENDED_MORE | PCRE2_LITERAL))
		return false;
	caseless = (opts & PCRE2_CASELESS) != 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch == '\\') {
			if (i + 1 >= n)
				return false;
			ch = (unsigned char)p[++i];
			if (isalnum(ch) || ch >= 0x80 || ch < 0x20)
				return false;
			continue;
		}
		if (ch == '.') {
			if (i + 1 >= n || p[i + 1] != '*')
				return false;
			i++;
			if (i + 1 < n && p[i + 1] == '?')
				i++;
			continue;
		}
		if (ch < 0x20 || ch >= 0x7f || strchr("^$|?*+()[]{}", ch))
			return false;
		if (isalpha(ch) && !caseless)
			return false;
	}
	return true;
}

/* Sets the chains (and regex minimum lengths) of an item's tests. */
static int
chain_item(struct sigma_set *s, struct item *it)
{
	it->nonascii = it->ntests > 0 && it->field != ITEM_KEYWORD;
	it->rawci = it->ntests > 0;
	it->nofold = it->field != ITEM_KEYWORD;
	for (uint32_t k = 0; k < it->ntests; k++) {
		struct test *t = &it->tests[k];
		char *out, *run;
		ssize_t n;
		bool strlit = !t->cased && t->lit != NULL && (t->kind == T_EQ ||
		    t->kind == T_PREFIX || t->kind == T_SUFFIX ||
		    t->kind == T_CONTAINS || t->kind == T_GLOB);

		if (t->kind != T_FIELDREF && t->kind != T_EXISTS &&
		    t->kind != T_NULL && t->kind != T_NUM && t->kind != T_CIDR)
			it->nofold = false;

		for (uint32_t i = 0; strlit && i < t->len; i++)
			if ((unsigned char)t->lit[i] >= 0x80)
				t->nonascii = true;
		if (!t->nonascii)
			it->nonascii = false;
		t->rawci = strlit && t->kind != T_GLOB && !t->nonascii &&
		    memchr(t->lit, 'k', t->len) == NULL &&
		    memchr(t->lit, 's', t->len) == NULL;
		if (!t->rawci)
			it->rawci = false;
		if ((t->kind != T_RE && t->kind != T_GLOB) || t->lit == NULL ||
		    (t->kind == T_GLOB && t->cased))
			continue;
		out = ev_arena_alloc(&s->arena, 2 * (size_t)t->len + 2);
		if (out == NULL)
			return EV_ENOMEM;
		if (t->kind == T_GLOB)
			n = (ssize_t)glob_runs(t->lit, t->len, out);
		else {
			uint32_t ml = 0;

			if ((run = malloc((size_t)t->len + 1)) == NULL)
				return EV_ENOMEM;
			n = re_runs(t->lit, t->len, out, run);
			free(run);
			if (pcre2_pattern_info(t->re, PCRE2_INFO_MINLENGTH,
			    &ml) == 0)
				t->minlen = ml;
			t->rechain = n > 0 && re_is_chain(t->re, t->lit,
			    t->len);
		}
		if (n > 0) {
			t->chain = out;
			t->chainlen = (uint32_t)n;
		}
	}
	return 0;
}

/*
 * Necessary literal sets of a subtree, as a conjunction of up to
 * MAX_CLAUSES clauses: every clause has a literal that occurs whenever
 * the subtree is true.
 */
struct cnf {
	struct nl	 c[MAX_CLAUSES];
	unsigned	 n;
};

static void
cnf_free(struct cnf *f)
{
	for (unsigned i = 0; i < f->n; i++)
		free(f->c[i].v);
	f->n = 0;
}

/* Adds clause l (taken) to f, keeping the MAX_CLAUSES cheapest. */
static void
cnf_add(struct cnf *f, struct nl *l)
{
	unsigned worst = 0;

	if (f->n < MAX_CLAUSES) {
		f->c[f->n++] = *l;
		return;
	}
	for (unsigned i = 1; i < f->n; i++)
		if (nl_cost(&f->c[i]) > nl_cost(&f->c[worst]))
			worst = i;
	if (nl_cost(l) < nl_cost(&f->c[worst])) {
		free(f->c[worst].v);
		f->c[worst] = *l;
	} else
		free(l->v);
}

static int need_of(struct sigma_set *, const struct node *, struct cnf *);

/* The literals of tests first .. first + n of an item: one clause. */
static int
need_tests(struct sigma_set *s, const struct item *it, uint32_t first,
    uint32_t n, struct nl *out)
{
	memset(out, 0, sizeof(*out));
	out->ok = true;
	for (uint32_t k = first; k < first + n && out->ok; k++) {
		const char *lit;
		uint32_t len;

		if (test_need(s, &it->tests[k], &lit, &len) != 0)
			return EV_ENOMEM;
		if (len == 0)
			out->ok = false;
		else if (nl_add(out, it->field, lit, len))
			return EV_ENOMEM;
	}
	return 0;
}

/* The literals of tests[first .. first + n) as one clause of out, if any. */
static int
need_clause(struct sigma_set *s, const struct item *it, uint32_t first,
    uint32_t n, struct cnf *out)
{
	struct nl cur;

	if (need_tests(s, it, first, n, &cur) != 0) {
		free(cur.v);
		return EV_ENOMEM;
	}
	if (cur.ok && cur.n > 0)
		cnf_add(out, &cur);
	else
		free(cur.v);
	return 0;
}

static int
need_item(struct sigma_set *s, const struct item *it, struct cnf *out)
{
	if (it->field == ITEM_KEYWORD)
		return 0;
	if (!it->all)
		return need_clause(s, it, 0, it->ntests, out);
	/* every group's literals are necessary */
	for (uint32_t g = 0; g < it->ngroups; g++)
		if (need_clause(s, it, it->groups[g].first, it->groups[g].n,
		    out) != 0)
			return EV_ENOMEM;
	return 0;
}

static int
need_of(struct sigma_set *s, const struct node *nd, struct cnf *out)
{
	out->n = 0;
	switch (nd->op) {
	case N_ITEM:
		return need_item(s, nd->item, out);
	case N_NOT:
		return 0;
	case N_AND:
		/* every child's clauses are necessary */
		for (uint32_t i = 0; i < nd->n; i++) {
			struct cnf k;

			if (need_of(s, nd->kid[i], &k) != 0) {
				cnf_free(out);
				return EV_ENOMEM;
			}
			for (unsigned j = 0; j < k.n; j++)
				cnf_add(out, &k.c[j]);
		}
		return 0;
	case N_OR: {
		/* one clause: the union of each child's cheapest */
		struct nl u = { 0 };

		u.ok = true;
		for (uint32_t i = 0; i < nd->n && u.ok; i++) {
			struct cnf k;
			unsigned best = 0;

			if (need_of(s, nd->kid[i], &k) != 0) {
				free(u.v);
				return EV_ENOMEM;
			}
			if (k.n == 0)
				u.ok = false;
			for (unsigned j = 1; j < k.n; j++)
				if (nl_cost(&k.c[j]) < nl_cost(&k.c[best]))
					best = j;
			for (size_t j = 0; u.ok && j < k.c[best].n; j++)
				if (nl_add(&u, k.c[best].v[j].field,
				    k.c[best].v[j].lit, k.c[best].v[j].len)) {
					cnf_free(&k);
					free(u.v);
					return EV_ENOMEM;
				}
			cnf_free(&k);
		}
		if (u.ok && u.n > 0)
			cnf_add(out, &u);
		else
			free(u.v);
		return 0;
	}
	}
	return 0;
}

/* Applies fn to every item of the tree under nd; the first error ends it. */
static int
each_item(struct sigma_set *s, const struct node *nd,
    int (*fn)(struct sigma_set *, struct item *))
{
	if (nd->op == N_ITEM)
		return fn(s, nd->item);
	for (uint32_t i = 0; i < nd->n; i++)
		if (each_item(s, nd->kid[i], fn) != 0)
			return EV_ENOMEM;
	return 0;
}

/* ---- the index: scans, always-run lists, memo ids -------------------- */

static int
collect_tests(struct sigma_set *s, const struct node *nd, uint32_t rule,
    struct trefs *tr)
{
	if (nd->op != N_ITEM) {
		for (uint32_t i = 0; i < nd->n; i++)
			if (collect_tests(s, nd->kid[i], rule, tr) != 0)
				return EV_ENOMEM;
		return 0;
	}
	for (uint32_t k = 0; k < nd->item->ntests; k++) {
		struct test *t = &nd->item->tests[k];

		t->acid = ACID_NONE;
		if (t->cased || t->len < SIGMA_AC_MIN || (t->kind != T_EQ &&
		    t->kind != T_PREFIX && t->kind != T_SUFFIX &&
		    t->kind != T_CONTAINS))
			continue;
		/* keywords: looked for in every scanned field (build_field) */
		if (nd->item->field == ITEM_KEYWORD) {
			if (t->kind != T_CONTAINS ||
			    (t->kwacid = ev_arena_alloc(&s->arena,
			    (s->nfields + 1) * sizeof(*t->kwacid))) == NULL)
				continue;
			for (uint32_t f = 0; f <= s->nfields; f++)
				t->kwacid[f] = ACID_NONE;
		}
		if (sigma_grow((void **)&tr->v, &tr->cap, tr->n,
		    sizeof(*tr->v)))
			return EV_ENOMEM;
		tr->v[tr->n].field = nd->item->field;
		tr->v[tr->n].rule = rule;
		tr->v[tr->n].t = t;
		tr->n++;
	}
	return 0;
}


/* The name id of an EventData name (added when new); NID_NONE on ENOMEM. */
static uint32_t
name_id(struct sigma_set *s, const char *name, size_t *cap)
{
	size_t n = strlen(name);
	uint32_t h = sigma_name_hash(name, n), id;

	for (id = s->namehead[h]; id != NID_NONE; id = s->names[id].next)
		if (s->names[id].len == n && memcmp(s->names[id].name, name,
		    n) == 0)
			return id;
	if (sigma_grow((void **)&s->names, cap, s->nnames, sizeof(*s->names)))
		return NID_NONE;
	id = s->nnames++;
	s->names[id].name = name;
	s->names[id].len = (uint32_t)n;
	s->names[id].next = s->namehead[h];
	s->namehead[h] = id;
	return id;
}

/* Name ids of every field looked up in EventData. */
static int
index_names(struct sigma_set *s)
{
	size_t cap = 0;

	for (uint32_t b = 0; b < NAME_BUCKETS; b++)
		s->namehead[b] = NID_NONE;
	for (uint32_t i = 0; i < s->nfields; i++) {
		struct field *f = &s->fields[i];

		f->nid = f->nid4688 = NID_NONE;
		if (f->srcsys == FS_DATA &&
		    (f->nid = name_id(s, f->name, &cap)) == NID_NONE)
			return EV_ENOMEM;
		if ((f->src4688 == FS_DATA || f->src4688 == FS_DATA_OR_UNKNOWN) &&
		    (f->nid4688 = name_id(s, f->name4688, &cap)) == NID_NONE)
			return EV_ENOMEM;
	}
	return 0;
}

static int
cmp_aref(const void *a, const void *b)
{
	const struct aref *x = a, *y = b;

	return x->acid < y->acid ? -1 : x->acid > y->acid;
}

/* An item's tests split into scan-answered (item->aref) and the rest. */
static int
split_item(struct sigma_set *s, struct item *it)
{
	uint32_t na = 0, nr = 0;

	if (it->all || it->field == ITEM_KEYWORD)
		return 0;
	it->aref = ev_arena_alloc(&s->arena, (it->ntests + 1) *
	    sizeof(*it->aref));
	it->rest = ev_arena_alloc(&s->arena, (it->ntests + 1) *
	    sizeof(*it->rest));
	if (it->aref == NULL || it->rest == NULL)
		return EV_ENOMEM;
	for (uint32_t k = 0; k < it->ntests; k++) {
		const struct test *t = &it->tests[k];

		if (t->acid == ACID_NONE) {
			it->rest[nr++] = k;
			continue;
		}
		it->aref[na].acid = t->acid;
		it->aref[na].occ = t->kind == T_CONTAINS ? OCC_ANY :
		    t->kind == T_PREFIX ? OCC_START :
		    t->kind == T_SUFFIX ? OCC_END : OCC_WHOLE;
		na++;
	}
	if (na > 1)
		qsort(it->aref, na, sizeof(*it->aref), cmp_aref);
	/* one entry per pattern id */
	it->naref = 0;
	for (uint32_t i = 0; i < na; i++) {
		if (it->naref > 0 &&
		    it->aref[it->naref - 1].acid == it->aref[i].acid)
			it->aref[it->naref - 1].occ |= it->aref[i].occ;
		else
			it->aref[it->naref++] = it->aref[i];
		it->abloom |= AREF_BIT(it->aref[i].acid);
	}
	it->nrest = nr;
	return 0;
}

/* Numbers an item and says whether its result is a function of its value. */
static int
number_item(struct sigma_set *s, struct item *it)
{
	it->id = s->nmemo++;
	it->memo = it->field != ITEM_KEYWORD;
	for (uint32_t k = 0; k < it->ntests && it->memo; k++)
		if (it->tests[k].kind == T_FIELDREF)
			it->memo = false;
	return 0;
}

#define FIELD_UNSEEN	(UINT32_MAX - 1)	/* rule_field(): none yet */

/*
 * The one field every item under nd looks at when all are memo, else
 * FIELD_NONE (*f starts as FIELD_UNSEEN).
 */
static void
rule_field(const struct node *nd, uint32_t *f)
{
	if (*f == FIELD_NONE)
		return;
	if (nd->op == N_ITEM) {
		if (!nd->item->memo ||
		    (*f != FIELD_UNSEEN && *f != nd->item->field))
			*f = FIELD_NONE;
		else
			*f = nd->item->field;
		return;
	}
	for (uint32_t i = 0; i < nd->n; i++)
		rule_field(nd->kid[i], f);
}

/*
 * Whether every item under nd is a memo item (so not a keyword) on a
 * field that source index si scans (used[field * nsi + si]): then the
 * fields' values decide the result.
 */
static bool
decided_by(const struct node *nd, const bool *used, uint32_t nsi,
    uint32_t si)
{
	if (nd->op == N_ITEM)
		return nd->item->memo &&
		    used[(size_t)nd->item->field * nsi + si];
	for (uint32_t i = 0; i < nd->n; i++)
		if (!decided_by(nd->kid[i], used, nsi, si))
			return false;
	return true;
}

/*
 * Rule r's prefilter: the literal chains of its tests, its literal tests
 * for the scans (into tr), its need list, and the per-source lists of
 * rules run on every event (cap: their capacities).
 */
static int
rule_needs(struct sigma_set *s, size_t r, struct trefs *tr, size_t *cap)
{
	struct sigma_compiled *c = s->rules[r]->compiled;
	struct cnf l;
	size_t nn = 0;

	if (each_item(s, c->root, chain_item) != 0 ||
	    collect_tests(s, c->root, (uint32_t)r, tr) != 0 ||
	    need_of(s, c->root, &l) != 0)
		return EV_ENOMEM;
	for (unsigned j = 0; j < l.n; j++)
		nn += l.c[j].n;
	if (l.n > 0) {
		c->need = ev_arena_alloc(&s->arena, nn * sizeof(*c->need));
		if (c->need == NULL) {
			cnf_free(&l);
			return EV_ENOMEM;
		}
		for (unsigned j = 0; j < l.n; j++)
			for (size_t k = 0; k < l.c[j].n; k++) {
				l.c[j].v[k].clause = (uint8_t)j;
				c->need[c->nneed++] = l.c[j].v[k];
			}
		c->nclause = (uint8_t)l.n;
		s->needfull[r] = (uint8_t)((1u << l.n) - 1);
	}
	cnf_free(&l);
	for (uint32_t i = 0; i < s->nsi; i++) {
		if (!sigma_srcset_has(&s->rules[r]->sources, s->cls_of[i]))
			continue;
		s->nrules_src[i]++;
		if (c->need != NULL && scan_serves(s, s->rules[r], i))
			continue;
		if (sigma_grow((void **)&s->always[i], &cap[i],
		    s->nalways[i], sizeof(uint32_t)))
			return EV_ENOMEM;
		s->always[i][s->nalways[i]++] = (uint32_t)r;
	}
	return 0;
}

/*
 * Once the scans are built: items split into scan-answered and other
 * tests and numbered for the memo, then rules on one field numbered
 * too, and what the event memo's key decides.
 */
static int
memo_ids(struct sigma_set *s, const bool *used)
{
	for (size_t r = 0; r < s->nrules; r++)
		if (sigma_rule_runs(s->rules[r]) &&
		    (each_item(s, s->rules[r]->compiled->root, split_item) != 0 ||
		    each_item(s, s->rules[r]->compiled->root, number_item) != 0))
			return EV_ENOMEM;
	for (size_t r = 0; r < s->nrules; r++) {
		struct sigma_compiled *c = s->rules[r]->compiled;

		if (!sigma_rule_runs(s->rules[r]))
			continue;
		c->mfield = FIELD_UNSEEN;
		rule_field(c->root, &c->mfield);
		if (c->mfield == FIELD_UNSEEN)
			c->mfield = FIELD_NONE;
		if (c->mfield != FIELD_NONE)
			c->mid = s->nmemo++;
		for (uint32_t i = 0; i < s->nsi; i++)
			if (scan_serves(s, s->rules[r], i) &&
			    decided_by(c->root, used, s->nsi, i))
				c->decided.w[i >> 6] |= (uint64_t)1 << (i & 63);
	}
	return 0;
}

static int
cmp_idrule(const void *a, const void *b)
{
	const struct sigma_idrule *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return (x->rule > y->rule) - (x->rule < y->rule);
}

/*
 * Each source's always-run rules by the event ids they can be true on
 * (alw_any, alw_id): most of SigmaHQ's Security and System rules test
 * EventID and little else the scan could look for.
 */
static int
always_by_id(struct sigma_set *s)
{
	uint32_t *ids = malloc(SIGMA_MAX_IDS * sizeof(*ids)), n;
	size_t capa, capi;

	if (ids == NULL)
		return EV_ENOMEM;
	for (uint32_t si = 0; si < s->nsi; si++) {
		capa = capi = 0;
		for (uint32_t k = 0; k < s->nalways[si]; k++) {
			uint32_t r = s->always[si][k];

			if (!sigma_rule_ids(s, s->rules[r]->compiled->root,
			    ids, &n)) {
				if (sigma_grow((void **)&s->alw_any[si], &capa,
				    s->nalw_any[si], sizeof(uint32_t)))
					goto oom;
				s->alw_any[si][s->nalw_any[si]++] = r;
				continue;
			}
			for (uint32_t j = 0; j < n; j++) {
				if (sigma_grow((void **)&s->alw_id[si], &capi,
				    s->nalw_id[si], sizeof(*s->alw_id[si])))
					goto oom;
				s->alw_id[si][s->nalw_id[si]++] =
				    (struct sigma_idrule){ ids[j], r };
			}
		}
		ev_qsort(s->alw_id[si], s->nalw_id[si],
		    sizeof(*s->alw_id[si]), cmp_idrule);
	}
	free(ids);
	return 0;
oom:
	free(ids);
	return EV_ENOMEM;
}

int
sigma_compile(struct sigma_set *s, struct ev_err *err)
{
	bool *used = NULL;
	size_t cap[LS_MAX] = { 0 };
	struct trefs tr = { NULL, 0, 0 };

	if (s->compiled)
		return 0;
	/* correlations first: they may add the fields they group by */
	if (sigma_corr_resolve(s) != 0)
		goto oom;
	s->mctx = pcre2_match_context_create(NULL);
	if (s->mctx == NULL)
		goto oom;
	pcre2_set_match_limit(s->mctx, SIGMA_RE_MATCH_LIMIT);
	pcre2_set_depth_limit(s->mctx, SIGMA_RE_DEPTH_LIMIT);
	if (index_names(s) != 0)
		goto oom;
	/* source indexes: the classes some loaded rule applies to */
	memset(s->si_of, SI_NONE, sizeof(s->si_of));
	for (size_t r = 0; r < s->nrules; r++)
		for (unsigned c = 1; c < LS_MAX; c++)
			if (sigma_rule_runs(s->rules[r]) &&
			    sigma_srcset_has(&s->rules[r]->sources, c) &&
			    s->si_of[c] == SI_NONE) {
				s->cls_of[s->nsi] = (uint8_t)c;
				s->si_of[c] = (uint8_t)s->nsi++;
			}
	s->needfull = calloc(s->nrules + 1, 1);
	s->relimit = calloc(s->nrules + 1, sizeof(*s->relimit));
	if (s->needfull == NULL || s->relimit == NULL)
		goto oom;
	for (size_t r = 0; r < s->nrules; r++)
		if (sigma_rule_runs(s->rules[r]) &&
		    rule_needs(s, r, &tr, cap) != 0)
			goto oom;
	if (always_by_id(s) != 0)
		goto oom;
	used = calloc(s->nfields + 1, sizeof(*used) * (s->nsi + 1));
	if (used == NULL || sigma_scan_fields(s, &tr, used) != 0 ||
	    memo_ids(s, used) != 0)
		goto oom;
	free(used);
	free(tr.v);
	s->compiled = true;
	return 0;
oom:
	free(used);
	free(tr.v);
	return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
}
