/*
 * compose.c -- the YAML documents of one rule file from a single pass of
 * libyaml's parser events, with the nesting limit enforced as the events
 * arrive.
 *
 * libyaml's scanner does work proportional to the open flow collections
 * for every token, so a deep '[[[...' is quadratic: the nesting is
 * checked on each event, before the scanner is asked for more, and a
 * node deeper than SIGMA_MAX_DEPTH ends the pass after at most that
 * many collection events and the scanner's bounded look-ahead.  The
 * documents are built as libyaml's own composer (yaml_parser_load())
 * builds them: nodes numbered in document order, an alias the index of
 * its anchor's node (so an alias bomb stays small here and is bounded
 * by check_nodes()), the same composer errors (an undefined alias, a
 * duplicate anchor) with the same words and marks.  Node values, tags
 * and child lists live in one arena freed with the documents (default
 * tags are shared, never written); the documents are never passed to
 * yaml_document_delete().
 *
 * The whole stream is read before any document is loaded, so a node too
 * deep anywhere (before a syntax error) rejects the file as one rule, as
 * the separate nesting pass did.  Building stops after a composer error
 * or SIGMA_MAX_DOCS + 1 documents; the nesting is still checked to the
 * end of the stream or its first syntax error.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "load_int.h"

/* A collection being composed: its node and where its kids start. */
struct open {
	int	 node;
	size_t	 kids;
};

struct anchor {
	const char	*name;
	int		 node;
	yaml_mark_t	 mark;
};

struct comp {
	struct ycomp	*y;
	size_t		 maxdocs;
	bool		 building;
	yaml_document_t	 doc;		/* the one being composed */
	size_t		 nodecap;
	int		*kids;		/* kids of the open collections */
	size_t		 nkids, kidcap;
	struct open	*open;
	size_t		 nopen, opencap;
	struct anchor	*anchors;	/* of the current document */
	size_t		 nanchors, anchorcap;
};

/* Grows *v (of elements of size sz) to hold n + 1; -1 out of memory. */
static int
grow(void **v, size_t *cap, size_t n, size_t sz)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap > SIZE_MAX / sz || (nv = realloc(*v, ncap * sz)) == NULL)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

static void
composer_error(struct comp *c, const char *context, const char *problem,
    yaml_mark_t mark)
{
	c->y->end = YC_ERROR;
	c->y->context = context;
	c->y->problem = problem;
	c->y->mark = mark;
	c->building = false;
}

/* The default tags, shared by the nodes that have no tag of their own. */
static yaml_char_t str_tag[] = YAML_DEFAULT_SCALAR_TAG;
static yaml_char_t seq_tag[] = YAML_DEFAULT_SEQUENCE_TAG;
static yaml_char_t map_tag[] = YAML_DEFAULT_MAPPING_TAG;

/* The tag as libyaml's composer keeps it: absent or "!" the default. */
static yaml_char_t *
node_tag(struct comp *c, const yaml_char_t *tag, yaml_char_t *def)
{
	if (tag == NULL || strcmp((const char *)tag, "!") == 0)
		return def;
	return (yaml_char_t *)ev_arena_strdup(&c->y->arena,
	    (const char *)tag);
}

/*
 * A new node from the event ev: numbered, anchored and listed as a kid
 * of the open collection.  Its index, 0 after a composer error, -1 out
 * of memory.
 */
static int
add_node(struct comp *c, const yaml_event_t *ev, yaml_node_type_t type,
    const yaml_char_t *tag, const yaml_char_t *anchor)
{
	yaml_document_t *d = &c->doc;
	size_t n = (size_t)(d->nodes.top - d->nodes.start);
	yaml_node_t *node;
	int idx;

	if (n >= (size_t)INT_MAX - 1)
		return -1;
	if (grow((void **)&d->nodes.start, &c->nodecap, n, sizeof(*node)))
		return -1;
	d->nodes.end = d->nodes.start + c->nodecap;
	d->nodes.top = d->nodes.start + n + 1;
	node = d->nodes.start + n;
	memset(node, 0, sizeof(*node));
	node->type = type;
	node->start_mark = ev->start_mark;
	node->end_mark = ev->end_mark;
	node->tag = node_tag(c, tag, type == YAML_SCALAR_NODE ? str_tag :
	    type == YAML_SEQUENCE_NODE ? seq_tag : map_tag);
	if (node->tag == NULL)
		return -1;
	idx = (int)n + 1;
	if (anchor != NULL) {
		for (size_t i = 0; i < c->nanchors; i++)
			if (strcmp(c->anchors[i].name,
			    (const char *)anchor) == 0) {
				composer_error(c, "found duplicate anchor; "
				    "first occurrence", "second occurrence",
				    ev->start_mark);
				return 0;
			}
		if (grow((void **)&c->anchors, &c->anchorcap, c->nanchors,
		    sizeof(*c->anchors)))
			return -1;
		c->anchors[c->nanchors].name = ev_arena_strdup(&c->y->arena,
		    (const char *)anchor);
		if (c->anchors[c->nanchors].name == NULL)
			return -1;
		c->anchors[c->nanchors].node = idx;
		c->anchors[c->nanchors].mark = ev->start_mark;
		c->nanchors++;
	}
	return idx;
}

/* Lists node idx as a kid of the open collection, if any. */
static int
add_kid(struct comp *c, int idx)
{
	if (c->nopen == 0)
		return 0;
	if (grow((void **)&c->kids, &c->kidcap, c->nkids, sizeof(*c->kids)))
		return -1;
	c->kids[c->nkids++] = idx;
	return 0;
}

/* The end of the open collection: its kids into the arena. */
static int
close_node(struct comp *c, const yaml_event_t *ev)
{
	struct open *o = &c->open[--c->nopen];
	yaml_node_t *node = c->doc.nodes.start + (o->node - 1);
	size_t n = c->nkids - o->kids;
	const int *k = c->kids + o->kids;

	node->end_mark = ev->end_mark;
	c->nkids = o->kids;
	if (n == 0)
		return 0;
	if (node->type == YAML_SEQUENCE_NODE) {
		yaml_node_item_t *it = ev_arena_alloc(&c->y->arena,
		    n * sizeof(*it));

		if (it == NULL)
			return -1;
		memcpy(it, k, n * sizeof(*it));
		node->data.sequence.items.start = it;
		node->data.sequence.items.top = it + n;
		node->data.sequence.items.end = it + n;
	} else {
		yaml_node_pair_t *p = ev_arena_alloc(&c->y->arena,
		    n / 2 * sizeof(*p));

		if (p == NULL)
			return -1;
		for (size_t i = 0; i < n / 2; i++) {
			p[i].key = k[2 * i];
			p[i].value = k[2 * i + 1];
		}
		node->data.mapping.pairs.start = p;
		node->data.mapping.pairs.top = p + n / 2;
		node->data.mapping.pairs.end = p + n / 2;
	}
	return 0;
}

static int
end_document(struct comp *c, const yaml_event_t *ev)
{
	struct ycomp *y = c->y;

	c->doc.end_mark = ev->end_mark;
	c->doc.end_implicit = ev->data.document_end.implicit;
	if (grow((void **)&y->docs, &y->doccap, y->ndocs, sizeof(*y->docs)))
		return -1;
	y->docs[y->ndocs++] = c->doc;
	memset(&c->doc, 0, sizeof(c->doc));
	c->nodecap = 0;
	if (y->ndocs > c->maxdocs)
		c->building = false;
	return 0;
}

/* One event into the document; 0, or -1 out of memory. */
static int
compose(struct comp *c, const yaml_event_t *ev)
{
	int idx;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		memset(&c->doc, 0, sizeof(c->doc));
		c->nodecap = 0;
		c->doc.start_mark = ev->start_mark;
		c->doc.start_implicit = ev->data.document_start.implicit;
		c->nanchors = 0;
		return 0;
	case YAML_DOCUMENT_END_EVENT:
		return end_document(c, ev);
	case YAML_ALIAS_EVENT:
		for (size_t i = 0; i < c->nanchors; i++)
			if (strcmp(c->anchors[i].name,
			    (const char *)ev->data.alias.anchor) == 0)
				return add_kid(c, c->anchors[i].node);
		composer_error(c, NULL, "found undefined alias",
		    ev->start_mark);
		return 0;
	case YAML_SCALAR_EVENT:
		idx = add_node(c, ev, YAML_SCALAR_NODE, ev->data.scalar.tag,
		    ev->data.scalar.anchor);
		if (idx <= 0)
			return idx;
		{
			yaml_node_t *n = c->doc.nodes.start + (idx - 1);
			char *v = ev_arena_strndup(&c->y->arena,
			    (const char *)ev->data.scalar.value,
			    ev->data.scalar.length);

			if (v == NULL)
				return -1;
			n->data.scalar.value = (yaml_char_t *)v;
			n->data.scalar.length = ev->data.scalar.length;
			n->data.scalar.style = ev->data.scalar.style;
		}
		return add_kid(c, idx);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (ev->type == YAML_SEQUENCE_START_EVENT) {
			idx = add_node(c, ev, YAML_SEQUENCE_NODE,
			    ev->data.sequence_start.tag,
			    ev->data.sequence_start.anchor);
			if (idx > 0)
				c->doc.nodes.start[idx - 1].data.sequence.style
				    = ev->data.sequence_start.style;
		} else {
			idx = add_node(c, ev, YAML_MAPPING_NODE,
			    ev->data.mapping_start.tag,
			    ev->data.mapping_start.anchor);
			if (idx > 0)
				c->doc.nodes.start[idx - 1].data.mapping.style
				    = ev->data.mapping_start.style;
		}
		if (idx <= 0)
			return idx;
		if (add_kid(c, idx) != 0 || grow((void **)&c->open,
		    &c->opencap, c->nopen, sizeof(*c->open)))
			return -1;
		c->open[c->nopen].node = idx;
		c->open[c->nopen].kids = c->nkids;
		c->nopen++;
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return c->nopen > 0 ? close_node(c, ev) : 0;
	default:
		return 0;
	}
}

/* The nesting limit on ev at depth *depth; false when too deep. */
static bool
depth_ok(const yaml_event_t *ev, int *depth)
{
	switch (ev->type) {
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
	case YAML_SCALAR_EVENT:
	case YAML_ALIAS_EVENT:
		if (*depth > SIGMA_MAX_DEPTH)
			return false;
		if (ev->type == YAML_SEQUENCE_START_EVENT ||
		    ev->type == YAML_MAPPING_START_EVENT)
			(*depth)++;
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		(*depth)--;
		break;
	default:
		break;
	}
	return true;
}

void
sigma_yaml_compose(const char *text, size_t len, size_t maxdocs,
    struct ycomp *y)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	struct comp c;
	int depth = 0;
	bool done = false;

	memset(y, 0, sizeof(*y));
	ev_arena_init(&y->arena);
	y->end = YC_END;
	if (!yaml_parser_initialize(&parser)) {
		y->end = YC_NOMEM;
		return;
	}
	memset(&c, 0, sizeof(c));
	c.y = y;
	c.maxdocs = maxdocs;
	c.building = true;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
	    len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			if (parser.error == YAML_MEMORY_ERROR)
				y->end = YC_NOMEM;
			else if (c.building) {
				y->end = YC_ERROR;
				y->problem = parser.problem;
				y->context = parser.context;
				y->mark = parser.problem_mark;
			}
			break;
		}
		y->events++;
		if (!depth_ok(&ev, &depth)) {
			y->end = YC_DEEP;
			y->mark = ev.start_mark;
			done = true;
		} else if (c.building && compose(&c, &ev) != 0) {
			y->end = YC_NOMEM;
			done = true;
		} else if (ev.type == YAML_STREAM_END_EVENT)
			done = true;
		yaml_event_delete(&ev);
	}
	y->bytes = parser.mark.index;
	yaml_parser_delete(&parser);
	free(c.doc.nodes.start);	/* a document left unfinished */
	free(c.kids);
	free(c.open);
	free(c.anchors);
}

void
sigma_yaml_compose_free(struct ycomp *y)
{
	for (size_t i = 0; i < y->ndocs; i++)
		free(y->docs[i].nodes.start);
	free(y->docs);
	ev_arena_release(&y->arena);
	memset(y, 0, sizeof(*y));
}
