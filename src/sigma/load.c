/*
 * load.c -- one Sigma rule text to a compiled matcher tree: the walk
 * of the YAML document (composed in one pass of libyaml's parser events
 * with the nesting limit enforced, compose.c), metadata, logsource,
 * detection maps and lists, and the condition (or < and < not, `1 of` /
 * `all of` patterns), with pySigma's semantics (SPEC §4).  Values and
 * their modifiers compile in value.c.  Anything that cannot be run
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

#include "../ev_util.h"
#include "fold.h"
#include "load_int.h"

int
nomem(struct lctx *c)
{
	c->oom = true;
	return -1;
}

int
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
	c->rule->reason = l_strdup(c, msg, strlen(msg));
	c->rule->reason_class = cls;
	if (m != NULL) {
		c->rule->line = (uint32_t)m->line + 1;
		c->rule->column = (uint32_t)m->column + 1;
	}
	return -1;
}

/* The YAML 1.1 null or boolean word s is, or S_STR. */
static enum stype
word_type(const char *s)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	static const char *const trues[] = { "true", "True", "TRUE", "yes",
	    "Yes", "YES", "on", "On", "ON" };
	static const char *const falses[] = { "false", "False", "FALSE", "no",
	    "No", "NO", "off", "Off", "OFF" };

	if (strnlen(s, 6) > 5)		/* longer than every word */
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
	return S_STR;
}

enum stype
scalar_type(const yaml_node_t *n)
{
	const char *s = sval(n), *p;
	enum stype w;

	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return S_STR;
	if ((w = word_type(s)) != S_STR)
		return w;
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

yaml_node_t *
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

const char *
meta_str(struct lctx *c, yaml_node_t *map, const char *key)
{
	yaml_node_t *n = map_get(c, map, key);

	if (!is_scalar(n) || scalar_type(n) == S_NULL)
		return NULL;
	return l_strdup(c, sval(n), n->data.scalar.length);
}

void
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
		v = l_alloc(c, &c->set->arena, sizeof(*v));
		if (v == NULL)
			return;
		v[0] = l_strdup(c, sval(n), n->data.scalar.length);
		out->v = v;
		out->n = 1;
		return;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return;
	v = l_alloc(c, &c->set->arena, sizeof(*v) *
	    (size_t)(n->data.sequence.items.top - n->data.sequence.items.start
	    + 1));
	if (v == NULL)
		return;
	for (yaml_node_item_t *it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		yaml_node_t *e = get_node(c, *it);

		if (is_scalar(e) && scalar_type(e) != S_NULL)
			v[cnt++] = l_strdup(c, sval(e),
			    e->data.scalar.length);
	}
	out->v = v;
	out->n = cnt;
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
		return make_item(c, ITEM_KEYWORD, false, &kw, NULL);
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
	    (nd->kid[i++] = make_item(c, ITEM_KEYWORD, false, &kw, NULL)) == NULL)
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
		if (id->compiled != NULL && id->compiled->sel == NULL &&
		    (id->compiled->sel = l_strdup(c, id->name,
		    strlen(id->name))) == NULL)
			return NULL;
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
	c->ids = l_alloc(c, &c->tmp, (n + 1) * sizeof(*c->ids));
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
	char msg[256];

	/* Sysmon names are mapped on 4688 for category rules */
	if (r->category != NULL)
		c->rule->compiled->map4688 = true;
	if (sigma_logsource(r->product, r->category, r->service,
	    &r->sources) == 0)
		return 0;
	snprintf(msg, sizeof(msg), "logsource%s%s%s%s%s%s not supported",
	    r->product ? " product=" : "", r->product ? r->product : "",
	    r->category ? " category=" : "", r->category ? r->category : "",
	    r->service ? " service=" : "", r->service ? r->service : "");
	r->status = SIGMA_SKIPPED;
	r->reason = l_strdup(c, msg, strlen(msg));
	r->reason_class = r->product != NULL &&
	    strcasecmp(r->product, "windows") == 0 ?
	    "Windows logsource not supported" : "not a Windows logsource";
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
	r->name = meta_str(c, root, "name");
	if (map_get(c, root, "correlation") != NULL) {
		if (map_get(c, root, "detection") != NULL)
			return REJECT(c, map_get(c, root, "detection"),
			    "correlation", "a correlation rule has no "
			    "detection");
		return sigma_corr_parse(c, map_get(c, root, "correlation"));
	}
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
 * Loads the document doc into rule: its own context, so each rule's
 * reasons, node count and out-of-memory note are its own.  0 or
 * EV_ENOMEM.
 */
static int
load_one(struct sigma_set *set, struct sigma_rule *rule,
    yaml_document_t *doc, struct lctx *pre)
{
	struct lctx c;
	int ret = 0;

	memset(&c, 0, sizeof(c));
	c.set = set;
	c.rule = rule;
	ev_arena_init(&c.tmp);
	if (pre != NULL) {
		/* the YAML pass's verdict on the whole file */
		c.failed = pre->failed;
		c.oom = pre->oom;
	} else
		rule->status = SIGMA_LOADED;
	if (!c.failed && !c.oom) {
		rule->compiled = l_calloc(&c, &set->arena,
		    sizeof(*rule->compiled));
		c.doc = doc;
		if (rule->compiled != NULL)
			(void)load_doc(&c, yaml_document_get_root_node(doc));
	}
	if (c.oom) {
		/* noted where it failed; no half-built rule is LOADED */
		rule->status = SIGMA_REJECTED;
		rule->reason = "out of memory";
		rule->reason_class = "memory";
		rule->line = rule->column = 0;
		ret = EV_ENOMEM;
	} else if (!c.failed && rule->status == SIGMA_LOADED &&
	    rule->correlation == NULL && rule->compiled->root == NULL) {
		/* neither rejected nor out of memory: never run it */
		reject_at(&c, NULL, "internal",
		    "internal error: the rule compiled to nothing");
	}
	if (rule->status != SIGMA_LOADED || rule->correlation != NULL)
		rule->compiled = NULL;
	ev_arena_release(&c.tmp);
	return ret;
}

/* Rejects rule (a fresh one) with the YAML error of y; 0 or EV_ENOMEM. */
static int
parse_error(struct sigma_set *set, struct sigma_rule *rule,
    const struct ycomp *y)
{
	struct lctx c;

	memset(&c, 0, sizeof(c));
	c.set = set;
	c.rule = rule;
	reject_at(&c, &y->mark, "yaml", "YAML: %s%s%s",
	    y->problem ? y->problem : "syntax error",
	    y->context ? " " : "", y->context ? y->context : "");
	if (c.oom) {
		rule->status = SIGMA_REJECTED;
		rule->reason = "out of memory";
		rule->reason_class = "memory";
		return EV_ENOMEM;
	}
	return 0;
}

_Static_assert(SIGMA_MAX_DOCS == 1000, "the message below says 1000");

/* Rejects rule (no document of its own) with reason; 0 or EV_ENOMEM. */
static int
reject_new(struct sigma_set *set, struct sigma_rule *rule, const char *cls,
    const char *reason)
{
	struct lctx c;

	memset(&c, 0, sizeof(c));
	c.set = set;
	c.rule = rule;
	reject_at(&c, NULL, cls, "%s", reason);
	return c.oom ? EV_ENOMEM : 0;
}

/*
 * The rules of one file: its YAML composed in one pass (compose.c), each
 * document a rule (pySigma's collections), in file order.  A node too
 * deep anywhere rejects the file as one rule.
 */
int
sigma_load_rule(struct sigma_set *set, struct sigma_rule *rule,
    const char *text, size_t len)
{
	struct ycomp y;

	sigma_yaml_compose(text, len, SIGMA_MAX_DOCS, &y);
	return sigma_load_composed(set, rule, &y);
}

int
sigma_load_composed(struct sigma_set *set, struct sigma_rule *rule,
    struct ycomp *y)
{
	struct lctx pre;
	struct sigma_rule *r = rule;
	bool explicit = rule->explicit_path;
	int ret = 0;

	memset(&pre, 0, sizeof(pre));
	pre.set = set;
	pre.rule = rule;
	rule->status = SIGMA_LOADED;
	set->yaml_events += y->events;
	set->yaml_bytes += y->bytes;
	if (y->end == YC_DEEP || y->end == YC_NOMEM) {
		if (y->end == YC_DEEP)
			reject_at(&pre, &y->mark, "limit",
			    "nesting deeper than %d", SIGMA_MAX_DEPTH);
		else
			nomem(&pre);
		ret = load_one(set, rule, NULL, &pre);
		sigma_yaml_compose_free(y);
		return ret;
	}
	for (size_t ndoc = 0;; ndoc++) {
		yaml_node_t *root;

		if (ndoc == y->ndocs && y->end == YC_END) {
			/* the end of the stream */
			if (ndoc == 0)
				ret = reject_new(set, r, "syntax",
				    "empty file");
			break;
		}
		if (ndoc > 0 && (r = sigma_new_rule(set, rule->path)) ==
		    NULL) {
			ret = EV_ENOMEM;
			break;
		}
		r->explicit_path = explicit;
		if (ndoc == y->ndocs) {
			ret = parse_error(set, r, y);
			break;
		}
		if (ndoc == SIGMA_MAX_DOCS) {
			ret = reject_new(set, r, "limit", "more than "
			    "1000 YAML documents");
			break;
		}
		root = yaml_document_get_root_node(&y->docs[ndoc]);
		r->status = SIGMA_LOADED;
		r->doc_line = (uint32_t)root->start_mark.line + 1;
		ret = load_one(set, r, &y->docs[ndoc], NULL);
		/* a collection ('action') is one rejected rule */
		if (ret != 0 || (r->reason_class != NULL &&
		    strcmp(r->reason_class, "collection") == 0))
			break;
	}
	sigma_yaml_compose_free(y);
	return ret;
}
