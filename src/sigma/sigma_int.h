/*
 * sigma_int.h -- the compiled form of Sigma rules, shared by the files
 * (files.c: paths -> rule texts), the loader (load.c, value.c: YAML ->
 * matcher tree), the set (set.c), sigma_compile() (prefilter.c: indexes,
 * prefilter) and the matcher (match.c).  Internal to src/sigma/.
 *
 * Calls run one way: files.c -> load.c -> value.c -> set.c, and
 * prefilter.c -> set.c; set.c calls none of them.
 *
 * A rule compiles to a tree of nodes (AND / OR / NOT over items).  An
 * item tests one field (or, for keywords, every EventData value) against
 * groups of tests: the item is the OR of its groups (AND with |all), and
 * a group is the OR of its tests (one value may expand to several tests:
 * windash, base64offset).  Literals are case-folded at compile time.
 * Everything lives in the set's arena, except pcre2 codes and automata,
 * which the set frees.
 */
#ifndef SIGMA_INT_H
#define SIGMA_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdatomic.h>

#include "../ev_arena.h"
#include "ac.h"
#include "sigma.h"

/*
 * logsrc.c: event classes.  LS_SYSMON(n) is Sysmon event id n (1..29);
 * 12 with EventType CreateKey or DeleteKey/DeleteValue has classes of its
 * own; LS_SERVICE + i is the i-th service of logsrc.c's table.
 */
enum {
	LS_NONE = 0,
	LS_SYSMON_255 = 30,
	LS_SYSMON_OTHER = 31,
	LS_SYSMON_12_ADD = 32,
	LS_SYSMON_12_DEL = 33,
	LS_4688 = 34,
	LS_SECURITY = 35,	/* Security channel but 4688 */
	LS_PS_4103 = 36,
	LS_PS_4104 = 37,
	LS_PS_OTHER = 38,
	LS_PSC_400 = 39,
	LS_PSC_600 = 40,
	LS_PSC_800 = 41,
	LS_PSC_OTHER = 42,
	LS_SERVICE = 43,
	LS_MAX = SIGMA_NCLASS
};
#define LS_SYSMON(n)	(n)

enum test_kind {
	T_EQ,		/* whole value equals lit */
	T_PREFIX,
	T_SUFFIX,
	T_CONTAINS,
	T_ANY,		/* '*': any value, even empty */
	T_GLOB,		/* general wildcard pattern (pat) */
	T_RE,
	T_CIDR,
	T_NUM,		/* gt/gte/lt/lte */
	T_NULL,		/* absent or empty */
	T_EXISTS,
	T_FIELDREF,
};

enum num_op { NUM_GT, NUM_GTE, NUM_LT, NUM_LTE };

/*
 * Pattern units as compiled for T_GLOB: plain bytes, with PAT_STAR and
 * PAT_QMARK as wildcards and PAT_LIT quoting the next byte (so any byte
 * value can be literal).
 */
#define PAT_STAR	0x01
#define PAT_QMARK	0x02
#define PAT_LIT		0x03

struct test {
	uint8_t		 kind;		/* enum test_kind */
	bool		 cased;		/* compare original bytes */
	uint8_t		 op;		/* enum num_op; T_EXISTS: wanted */
	uint8_t		 family;	/* T_CIDR: 4 or 6 */
	uint32_t	 len;		/* lit / pattern length */
	const char	*lit;		/* folded unless cased; T_RE: the
					   expression's source */
	pcre2_code	*re;
	double		 num;
	uint32_t	 field;		/* T_FIELDREF: other field id */
	uint8_t		 net[16];	/* T_CIDR: network, masked */
	uint8_t		 bits;		/* T_CIDR: prefix length */
	uint32_t	 acid;		/* pattern id in the field's scan
					   matcher (ACID_NONE: not there) */
	/*
	 * T_RE, T_GLOB (set by sigma_compile): runs of bytes every
	 * matching value holds in this order, folded, as <length byte>
	 * <bytes>... (chainlen bytes; NULL: none known), and for T_RE
	 * pcre2's minimum length in characters.  Checked before the
	 * expression or pattern runs.
	 */
	const char	*chain;
	uint32_t	 chainlen;
	uint32_t	 minlen;
	/*
	 * T_RE: the expression is nothing but its chain's runs joined by
	 * ".*": on a value of printable ASCII without CR or LF the chain
	 * answers it exactly.
	 */
	bool		 rechain;
	/* string tests, not cased: the literal has a byte >= 0x80 */
	bool		 nonascii;
	/*
	 * Not cased, T_EQ/T_PREFIX/T_SUFFIX/T_CONTAINS, an ASCII literal
	 * without k or s: on the unfolded value, ignoring ASCII case, the
	 * test answers as on the folded value (only U+017F and U+212A fold
	 * to ASCII, to s and k).
	 */
	bool		 rawci;
	/*
	 * Keyword T_CONTAINS tests (set by sigma_compile): per field id,
	 * the literal's pattern id in that field's scan matcher, so a value
	 * a field scanned is answered by its finds (NULL: none).
	 */
	uint32_t	*kwacid;
};

#define ACID_NONE	UINT32_MAX

/* Where a literal occurred in a field (set by the scan). */
#define OCC_ANY		0x1
#define OCC_START	0x2
#define OCC_END		0x4
#define OCC_WHOLE	0x8

/* A scan pattern some test of an item looks for, and where it must be. */
struct aref {
	uint32_t	 acid;
	uint8_t		 occ;		/* OCC_* any of which makes one true */
};

#define AREF_BIT(id)	(1ull << (((id) * 0x9e3779b9u) >> 26))

struct group {
	uint32_t	 first, n;	/* tests[first .. first + n) */
};

#define ITEM_KEYWORD	UINT32_MAX	/* item.field of a keyword item */

struct item {
	uint32_t	 field;		/* field id or ITEM_KEYWORD */
	bool		 all;		/* groups ANDed */
	uint32_t	 ngroups, ntests;
	struct group	*groups;
	struct test	*tests;
	/*
	 * Long OR lists of plain literals: one automaton over them;
	 * acpat[id] is the index of the test of pattern id.
	 */
	struct sigma_ac	*ac;
	uint32_t	*acpat;
	uint32_t	 nacpat;
	/* every test has a non-ASCII literal (false on an ASCII value) */
	bool		 nonascii;
	bool		 rawci;		/* every test is rawci */
	/* no test reads the folded value (fieldref, exists, null, numbers,
	   cidr): the item does not fold its field */
	bool		 nofold;
	/*
	 * Not all, not keywords (set by sigma_compile): the tests answered
	 * by the field's scan, one entry per pattern id, ascending, and
	 * the indexes of the other tests.  With the scan's list of what it
	 * found, the item costs a lookup per pattern found, not a look at
	 * every test.
	 */
	struct aref	*aref;
	uint32_t	 naref;
	uint64_t	 abloom;	/* bit AREF_BIT(acid) of every aref */
	uint32_t	*rest;
	uint32_t	 nrest;
	/*
	 * Set by sigma_compile: its memo id (see sigma_set.nmemo), and
	 * whether the item's result depends on its field's value alone (no
	 * keywords, no fieldref), so the scratch's memo may keep it per
	 * value.
	 */
	uint32_t	 id;
	bool		 memo;
	/*
	 * For explanations (explain.c), never read by matching: the key as
	 * the rule writes it ("CommandLine|contains|all", "|re"; NULL for
	 * keywords listed under an identifier) and, per group, its value as written (NULL: null).
	 */
	const char	*key;
	const char	**gsrc;
};

enum node_op { N_AND, N_OR, N_NOT, N_ITEM };

struct node {
	uint8_t		 op;
	uint32_t	 n;		/* kids */
	struct node	**kid;
	struct item	*item;
	const char	*sel;		/* the detection identifier this node
					   is the definition of, or NULL */
};

/*
 * A literal in a field; for each clause of a rule, one of its literals
 * must occur for the rule to be true.
 */
struct need {
	uint32_t	 field;
	uint32_t	 len;
	const char	*lit;		/* folded */
	uint8_t		 clause;	/* 0 .. MAX_CLAUSES - 1 */
};

#define MAX_CLAUSES	4

struct sigma_compiled {
	struct node	*root;
	bool		 map4688;	/* Sysmon names mapped on 4688 */
	struct need	*need;		/* NULL: evaluate on every event */
	uint32_t	 nneed;
	uint8_t		 nclause;
	/*
	 * Set by sigma_compile: when every item is memo and on one field,
	 * that field (the rule's result is a function of its value, kept
	 * in the memo under id mid); else FIELD_NONE.
	 */
	uint32_t	 mfield;
	uint32_t	 mid;
	/*
	 * Set by sigma_compile, bit si per source index: every item reads
	 * a field the source scans, through the memo (no keywords, no
	 * fieldref), and 4688 names are mapped -- so the event memo's key
	 * decides the rule's result.
	 */
	struct sigma_srcset decided;
};

#define FIELD_NONE	UINT32_MAX
#define SI_NONE		0xffu

/* How a field is found on an event of a given source. */
enum fsrc {
	FS_DATA,	/* EventData by name */
	FS_COL,		/* ev_col(ev, ) */
	FS_UNKNOWN,	/* 4688: not carried (three-valued unknown) */
	FS_DATA_OR_UNKNOWN,	/* 4688: data name; absent -> unknown */
	FS_COL_OR_UNKNOWN,	/* 4688: col; NULL -> unknown */
	FS_EVENT_ID,
	FS_CHANNEL,
	FS_COMPUTER,
	FS_PROVIDER,
};

struct field {
	const char	*name;		/* as in the rule */
	size_t		 namelen;
	uint8_t		 src4688;	/* enum fsrc on 4688 (mapped) */
	const char	*name4688;	/* FS_DATA*: name on 4688 */
	uint32_t	 col4688;	/* FS_COL*: column */
	uint8_t		 srcsys;	/* enum fsrc elsewhere */
	struct sigma_ac	*ac;		/* prefilter over need literals */
	/* per source index and pattern id: [si * npatterns + id] */
	uint32_t	*acrules;	/* first in rulelist */
	uint32_t	*acnrules;
	uint32_t	*rulelist;	/* rule * MAX_CLAUSES + clause */
	uint32_t	*patlen;	/* pattern id -> length */
	uint32_t	 npat;		/* patterns of ac */
	uint32_t	 flagbase;	/* first of this field's patterns in
					   the scratch's occurrence flags */
	uint32_t	 nid, nid4688;	/* EventData name ids (NID_NONE) */
};

#define NID_NONE	UINT32_MAX

/*
 * EventData names some field is looked up by, for the per-event index:
 * chained from a table hashed on the ASCII-lowercased name.
 */
struct dname {
	const char	*name;
	uint32_t	 len;
	uint32_t	 next;		/* in the same bucket, or NID_NONE */
};

#define NAME_BUCKETS	256

/* The bucket of a name: its length and three bytes, ASCII-lowercased. */
static inline uint32_t
sigma_name_hash(const char *s, size_t n)
{
	unsigned char a, b, c;

	if (n == 0)
		return 0;
	a = (unsigned char)s[0] | 0x20;
	b = (unsigned char)s[n - 1] | 0x20;
	c = (unsigned char)s[n / 2] | 0x20;
	return ((uint32_t)n * 131u + a * 31u + b * 7u + c) & (NAME_BUCKETS - 1);
}

/* A rule that can only be true on events of id id. */
struct sigma_idrule {
	uint32_t	 id, rule;
};

struct sigma_set {
	struct ev_arena	 arena;		/* rules, nodes, strings */
	struct sigma_rule **rules;
	size_t		 nrules, cap;
	struct field	*fields;
	uint32_t	 nfields, fieldcap;
	uint32_t	*fieldidx;	/* fields by name: id + 1, 0 empty */
	uint32_t	 fieldidxcap;	/* 0 or a power of two */
	pcre2_code	**res;		/* to free */
	size_t		 nres, rescap;
	struct sigma_ac	**acs;		/* per-item automata, to free */
	size_t		 nacs, acscap;
	bool		 compiled;
	/*
	 * After compile: the classes some loaded rule applies to, numbered
	 * densely as source indexes (si_of[class], SI_NONE; cls_of[si]),
	 * and per source index the rules, split by prefilter.
	 */
	uint8_t		 si_of[LS_MAX];
	uint8_t		 cls_of[LS_MAX];
	uint32_t	 nsi;
	uint32_t	*always[LS_MAX], nalways[LS_MAX];	/* no need:
							   always run */
	/*
	 * The same rules by the event ids they can be true on
	 * (sigma_rule_ids()): those true on any id, and (id, rule) pairs
	 * sorted by id, so an event runs the ones of its id alone.
	 */
	uint32_t	*alw_any[LS_MAX], nalw_any[LS_MAX];
	struct sigma_idrule *alw_id[LS_MAX];
	uint32_t	 nalw_id[LS_MAX];
	uint32_t	*fieldscan[LS_MAX], nfieldscan[LS_MAX];	/* fields to
							   scan */
	uint32_t	 nrules_src[LS_MAX];
	uint32_t	 nflags;	/* patterns of all scan matchers */
	uint32_t	 nmemo;		/* memo ids: items of loaded rules,
					   then single-field rules */
	uint8_t		*needfull;	/* per rule: mask of all its clauses */
	struct dname	*names;		/* EventData names, by name id */
	uint32_t	 nnames;
	uint32_t	 namehead[NAME_BUCKETS];	/* first id, NID_NONE */
	pcre2_match_context *mctx;
	/* entries the directory walks skipped (files.c) */
	struct sigma_skip *skips;
	size_t		 nskips, skipcap;
	char		**texts;	/* rule files' texts, to free */
	size_t		 ntexts, textcap;
	/*
	 * Per rule (after compile): events on which a regex of the rule hit
	 * a pcre2 limit.  Atomic: the one thing matching writes in the set,
	 * from every thread, and only when a limit is hit.
	 */
	_Atomic uint64_t *relimit;
	/* loaded correlations, evaluation order (correlation.c) */
	uint32_t	*corr_order;
	size_t		 ncorr;
	/* work of the YAML pass (compose.c), all rules: parser events, and
	   input bytes the scanner read (for tests of its bound) */
	uint64_t	 yaml_events, yaml_bytes;
	unsigned	 jobs;		/* sigma_set_jobs() */
};

/* set.c */
/* Grows *v (n used, *cap allocated, of size bytes each) to hold n + 1. */
int	 sigma_grow(void **v, size_t *cap, size_t n, size_t size);
int	 sigma_field_id(struct sigma_set *, const char *name, size_t len,
	    uint32_t *id);
int	 sigma_set_keep_re(struct sigma_set *, pcre2_code *);
int	 sigma_set_keep_ac(struct sigma_set *, struct sigma_ac *);
char	*sigma_set_strdup(struct sigma_set *, const char *s, size_t n);
/* A new rule of the set for path, REJECTED "not read"; NULL: ENOMEM. */
struct sigma_rule *sigma_new_rule(struct sigma_set *, const char *path);

/* A rule matched against events: loaded, and not a correlation. */
static inline bool
sigma_rule_runs(const struct sigma_rule *r)
{
	return r->status == SIGMA_LOADED && r->compiled != NULL;
}

/*
 * load.c: parses and compiles one rule text: its first YAML document
 * into rule, every further one into a new rule of the set (same path;
 * at most SIGMA_MAX_DOCS).  0: each rule is
 * LOADED, SKIPPED or REJECTED (with its reason); EV_ENOMEM: memory ran
 * out (noted where it happened, never inferred), the rule REJECTED as
 * "out of memory".
 */
int	 sigma_load_rule(struct sigma_set *, struct sigma_rule *rule,
	    const char *text, size_t len);


/* The classes a logsource names; -1 when evtxhunt has none of them. */
int	 sigma_logsource(const char *product, const char *category,
	    const char *service, struct sigma_srcset *out);
/* The class of an event (LS_NONE when no logsource names it). */
unsigned sigma_event_class(const struct ev_event *);
/*
 * The event ids a rule's condition root can be true on (a superset: an
 * EventID item's numbers, an AND's first constrained kid, an OR's
 * union), into ids[0 .. *n) (room for SIGMA_MAX_IDS); false when any id
 * may do.
 */
#define SIGMA_MAX_IDS	256
bool	 sigma_rule_ids(const struct sigma_set *, const struct node *root,
	    uint32_t *ids, uint32_t *n);

/*
 * The always-run rules of source index si that can be true on id: the
 * first of their (id, rule) pairs, *n of them.
 */
static inline const struct sigma_idrule *
sigma_always_of_id(const struct sigma_set *set, uint32_t si, uint32_t id,
    uint32_t *n)
{
	const struct sigma_idrule *v = set->alw_id[si];
	uint32_t lo = 0, hi = set->nalw_id[si], end;

	*n = 0;
	if (hi == 0)	/* no array at all: NULL + 0 is undefined */
		return NULL;
	while (lo < hi) {	/* the first pair of id >= id */
		uint32_t mid = lo + (hi - lo) / 2;

		if (v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < set->nalw_id[si] && v[end].id == id; end++)
		;
	*n = end - lo;
	return v + lo;
}

/*
 * correlation.c: resolves every correlation's references (rejecting
 * what cannot run), at the start of sigma_compile().  0 or EV_ENOMEM.
 */
int	 sigma_corr_resolve(struct sigma_set *);

#endif
