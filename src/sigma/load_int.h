/*
 * load_int.h -- what the YAML walk (load.c) and value compilation
 * (value.c) share while one rule loads.  Internal to src/sigma/.
 *
 * load.c walks the document (metadata, logsource, detection maps and
 * lists, the condition) and calls value.c for each "Field|mod|mod:
 * values" entry and keyword value; value.c calls nothing in load.c but
 * reject_at() and the scalar helpers.
 */
#ifndef SIGMA_LOAD_INT_H
#define SIGMA_LOAD_INT_H

#include <yaml.h>

#include "sigma_int.h"

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
	bool			 failed;	/* rejected (reject_at) */
	bool			 oom;		/* an allocation failed */
	/* condition parsing */
	yaml_node_t		*condnode;
	const char		*cond;
	size_t			 pos;
	int			 depth;
	char			 tok[256];
	int			 toktype;
};

/*
 * Rejects the rule (once: the first reason wins) with a reason of class
 * cls at mark m (NULL: the whole file).  Returns -1.
 */
int	reject_at(struct lctx *c, const yaml_mark_t *m, const char *cls,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
#define REJECT(c, node, cls, ...) \
	reject_at((c), (node) ? &(node)->start_mark : NULL, (cls), __VA_ARGS__)

/* yaml_document_get_node(), inline: node idx (from 1) or NULL */
static inline yaml_node_t *
get_node(struct lctx *c, int idx)
{
	yaml_node_t *v = c->doc->nodes.start;

	return idx > 0 && idx <= c->doc->nodes.top - v ? v + idx - 1 : NULL;
}

static inline bool
is_scalar(const yaml_node_t *n)
{
	return n != NULL && n->type == YAML_SCALAR_NODE;
}

static inline const char *
sval(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* The value of key in map (the last when repeated), or NULL. */
yaml_node_t *map_get(struct lctx *, yaml_node_t *map, const char *key);
/* A scalar's text copied into the set; NULL when absent or null. */
const char *meta_str(struct lctx *, yaml_node_t *map, const char *key);
/* A scalar or a list of scalars, copied into the set. */
void	 meta_list(struct lctx *, yaml_node_t *map, const char *key,
	    struct sigma_strv *out);

/*
 * correlation.c: the 'correlation:' map corr of the document into
 * c->rule (rule->correlation), or the rule rejected.  0 or -1.
 */
int	 sigma_corr_parse(struct lctx *, yaml_node_t *corr);

/* PyYAML (YAML 1.1) resolution of plain scalars that pySigma sees. */
enum stype { S_STR, S_NULL, S_BOOL_TRUE, S_BOOL_FALSE, S_INT, S_FLOAT };

enum stype scalar_type(const yaml_node_t *);

/*
 * Allocation for the rule being loaded: every failure is noted in c->oom
 * where it happens, so "out of memory" is never guessed from a missing
 * reason or tree afterwards.  nomem() notes one and returns -1.
 */
int	 nomem(struct lctx *c);

static inline void *
l_alloc(struct lctx *c, struct ev_arena *a, size_t n)
{
	void *p = ev_arena_alloc(a, n);

	if (p == NULL)
		c->oom = true;
	return p;
}

static inline void *
l_calloc(struct lctx *c, struct ev_arena *a, size_t n)
{
	void *p = ev_arena_calloc(a, n);

	if (p == NULL)
		c->oom = true;
	return p;
}

static inline char *
l_strdup(struct lctx *c, const char *s, size_t n)
{
	char *p = sigma_set_strdup(c->set, s, n);

	if (p == NULL)
		c->oom = true;
	return p;
}

/* Tests and groups of one item, while its values compile (value.c). */
struct vals {
	struct test	*tests;
	size_t		 ntests, cap;
	struct group	*groups;
	const char	**gsrc;		/* per group: the value as written */
	size_t		 ngroups, gcap;
};

struct mod;

/* value.c */
/*
 * One value of a field item (or a keyword: mods 0, no order) through the
 * modifiers: a group of tests added to v.  -1 when the rule was rejected
 * or memory ran out.
 */
int	 compile_value(struct lctx *, yaml_node_t *n, unsigned mods,
	    const struct mod *order, size_t norder, struct vals *v);
/*
 * An item node of field over v's tests (key: as the rule writes it, NULL
 * for keywords); NULL on rejection or ENOMEM.
 */
struct node *make_item(struct lctx *, uint32_t field, bool all,
	    struct vals *v, const char *key);
/* "Field|mod|mod": value (scalar, null or list) -> item node, or NULL. */
struct node *compile_field_item(struct lctx *, yaml_node_t *key,
	    yaml_node_t *val);
/* A node of n kids in the set's arena; NULL when out of memory. */
struct node *new_node(struct lctx *, uint8_t op, uint32_t n);

/* compose.c: a rule file's YAML documents from one parser pass. */
enum ycend {
	YC_END,		/* the end of the stream (or building stopped) */
	YC_ERROR,	/* a YAML error in document ndocs */
	YC_DEEP,	/* a node nested deeper than SIGMA_MAX_DEPTH */
	YC_NOMEM	/* out of memory */
};

struct ycomp {
	yaml_document_t	*docs;		/* composed, in file order */
	size_t		 ndocs, doccap;
	enum ycend	 end;
	/* YC_ERROR: libyaml's words and mark; YC_DEEP: the node's mark */
	const char	*problem, *context;
	yaml_mark_t	 mark;
	struct ev_arena	 arena;		/* values, tags, kid lists */
	uint64_t	 events, bytes;	/* parser events, input bytes read */
};

/*
 * Composes the documents of text as yaml_parser_load() would, at most
 * maxdocs + 1 of them, checking the nesting of every event to the end
 * of the stream (or its first syntax error), counting the parser's
 * events and the input bytes it read in y.  Touches no set: the threads
 * of a directory's loading compose ahead of it (files.c).  Free y with
 * sigma_yaml_compose_free(), never with yaml_document_delete().
 */
void	 sigma_yaml_compose(const char *text, size_t len, size_t maxdocs,
	    struct ycomp *y);
void	 sigma_yaml_compose_free(struct ycomp *);
/*
 * sigma_load_rule() of a text sigma_yaml_compose() made into *y: its
 * rules into set, from rule on; *y is freed (and zeroed).  0 or
 * EV_ENOMEM.
 */
int	 sigma_load_composed(struct sigma_set *, struct sigma_rule *rule,
	    struct ycomp *y);

#endif
