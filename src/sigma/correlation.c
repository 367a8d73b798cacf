/*
 * correlation.c -- Sigma correlation rules (correlation.h): the
 * 'correlation:' map of a document, checked as it loads, and the
 * resolution of every correlation's references when the set compiles.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ev_util.h"
#include "correlation.h"
#include "load_int.h"

/* ---- loading ---- */

static const struct {
	const char		*name;
	enum sigma_corr_type	 type;
} corr_types[] = {
	{ "event_count", SIGMA_CORR_EVENT_COUNT },
	{ "value_count", SIGMA_CORR_VALUE_COUNT },
	{ "temporal", SIGMA_CORR_TEMPORAL },
	{ "temporal_ordered", SIGMA_CORR_TEMPORAL_ORDERED },
};

static const char *const op_names[] = {
	"gt", "gte", "lt", "lte", "eq", "neq"
};

/* A scalar that is not null, or NULL. */
static yaml_node_t *
scalar(yaml_node_t *n)
{
	return is_scalar(n) && scalar_type(n) != S_NULL ? n : NULL;
}

/*
 * A scalar or a list of 1..max non-empty scalars into *v (set arena);
 * what names the attribute in messages.  0 or -1 (rejected).
 */
static int
str_list(struct lctx *c, yaml_node_t *n, yaml_node_t *at, const char *what,
    uint32_t max, const char *const **v, uint32_t *count)
{
	const char **out;
	size_t cnt = 0, total = 1;

	if (n != NULL && n->type == YAML_SEQUENCE_NODE)
		total = (size_t)(n->data.sequence.items.top -
		    n->data.sequence.items.start);
	else if (scalar(n) == NULL)
		return REJECT(c, n ? n : at, "correlation", "'%s' must be a "
		    "name or a list of names", what);
	if (total == 0)
		return REJECT(c, n, "correlation", "'%s' is empty", what);
	if (total > max)
		return REJECT(c, n, "correlation", "'%s' has more than %u "
		    "entries", what, max);
	if ((out = l_alloc(c, &c->set->arena, total * sizeof(*out))) == NULL)
		return -1;
	for (size_t i = 0; i < total; i++) {
		yaml_node_t *e = n->type == YAML_SEQUENCE_NODE ?
		    get_node(c, n->data.sequence.items.start[i]) : n;

		if (scalar(e) == NULL || e->data.scalar.length == 0 ||
		    strlen(sval(e)) != e->data.scalar.length)
			return REJECT(c, e, "correlation", "'%s' entries must "
			    "be non-empty names", what);
		if ((out[cnt++] = l_strdup(c, sval(e),
		    e->data.scalar.length)) == NULL)
			return -1;
	}
	*v = out;
	*count = (uint32_t)cnt;
	return 0;
}

/* "10s", "5m", "1h", "2d" -> ticks; 0 when malformed or out of range. */
static uint64_t
parse_timespan(const char *s)
{
	uint64_t v = 0, unit;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > SIGMA_CORR_MAX_SPAN)
			return 0;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	switch (*p) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	default: return 0;
	}
	if (p[1] != '\0' || v == 0 || v > SIGMA_CORR_MAX_SPAN / 10000000 / unit)
		return 0;
	return v * unit * 10000000;
}

static int
parse_condition(struct lctx *c, struct sigma_correlation *k, yaml_node_t *n,
    yaml_node_t *at)
{
	if (n == NULL || n->type != YAML_MAPPING_NODE)
		return REJECT(c, n ? n : at, "correlation", "'condition' must be a map "
		    "of gt, gte, lt, lte, eq, neq%s",
		    k->type == SIGMA_CORR_VALUE_COUNT ? " and field" : "");
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	    p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = get_node(c, p->key), *vn = get_node(c,
		    p->value);
		const char *key = is_scalar(kn) ? sval(kn) : "";
		size_t op;

		if (strcmp(key, "field") == 0) {
			if (k->type != SIGMA_CORR_VALUE_COUNT)
				return REJECT(c, kn, "correlation", "'field' "
				    "belongs to value_count conditions");
			if (scalar(vn) == NULL || vn->data.scalar.length == 0)
				return REJECT(c, vn ? vn : kn, "correlation",
				    "'field' must be a field name");
			if ((k->value_field = l_strdup(c, sval(vn),
			    vn->data.scalar.length)) == NULL)
				return -1;
			continue;
		}
		for (op = 0; op < NELEM(op_names); op++)
			if (strcmp(key, op_names[op]) == 0)
				break;
		if (op == NELEM(op_names))
			return REJECT(c, kn, "correlation", "unknown condition "
			    "'%s' (gt, gte, lt, lte, eq, neq%s)", key,
			    k->type == SIGMA_CORR_VALUE_COUNT ? ", field" : "");
		if (k->ncond == NELEM(k->cond))
			return REJECT(c, kn, "correlation", "too many "
			    "conditions");
		if (!is_scalar(vn) || scalar_type(vn) != S_INT ||
		    sval(vn)[0] == '-' || sval(vn)[0] == '+' ||
		    vn->data.scalar.length > 9 ||
		    strtoull(sval(vn), NULL, 10) > SIGMA_CORR_MAX_COUNT)
			return REJECT(c, vn ? vn : kn, "correlation",
			    "'%s' needs a count from 0 to %u", key,
			    SIGMA_CORR_MAX_COUNT);
		k->cond[k->ncond].op = (enum sigma_corr_op)op;
		k->cond[k->ncond++].value = strtoull(sval(vn), NULL, 10);
	}
	if (k->ncond == 0)
		return REJECT(c, n, "correlation", "'condition' has no count "
		    "(gt, gte, lt, lte, eq, neq)");
	if (k->type == SIGMA_CORR_VALUE_COUNT && k->value_field == NULL)
		return REJECT(c, n, "correlation", "a value_count condition "
		    "needs 'field'");
	k->cond_given = true;
	return 0;
}

static int
parse_aliases(struct lctx *c, struct sigma_correlation *k, yaml_node_t *n)
{
	const char **an, **ar, **af;
	size_t cnt = 0;

	if (n->type != YAML_MAPPING_NODE)
		return REJECT(c, n, "correlation", "'aliases' must be a map "
		    "of alias: {rule: field}");
	an = l_alloc(c, &c->set->arena, SIGMA_CORR_MAX_ALIASES * sizeof(*an));
	ar = l_alloc(c, &c->set->arena, SIGMA_CORR_MAX_ALIASES * sizeof(*ar));
	af = l_alloc(c, &c->set->arena, SIGMA_CORR_MAX_ALIASES * sizeof(*af));
	if (an == NULL || ar == NULL || af == NULL)
		return -1;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	    p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = get_node(c, p->key), *m = get_node(c,
		    p->value);

		if (scalar(kn) == NULL || m == NULL ||
		    m->type != YAML_MAPPING_NODE)
			return REJECT(c, kn, "correlation", "an alias maps "
			    "rule names to field names");
		for (yaml_node_pair_t *q = m->data.mapping.pairs.start;
		    q < m->data.mapping.pairs.top; q++) {
			yaml_node_t *rn = get_node(c, q->key), *fn =
			    get_node(c, q->value);

			if (scalar(rn) == NULL || scalar(fn) == NULL ||
			    fn->data.scalar.length == 0)
				return REJECT(c, rn, "correlation", "alias "
				    "'%s': entries are rule: field",
				    sval(kn));
			if (cnt == SIGMA_CORR_MAX_ALIASES)
				return REJECT(c, rn, "correlation", "more "
				    "than %u alias entries",
				    SIGMA_CORR_MAX_ALIASES);
			an[cnt] = l_strdup(c, sval(kn), kn->data.scalar.length);
			ar[cnt] = l_strdup(c, sval(rn), rn->data.scalar.length);
			af[cnt] = l_strdup(c, sval(fn), fn->data.scalar.length);
			if (an[cnt] == NULL || ar[cnt] == NULL ||
			    af[cnt] == NULL)
				return -1;
			cnt++;
		}
	}
	k->alias_name = an;
	k->alias_rule = ar;
	k->alias_field = af;
	k->naliases = (uint32_t)cnt;
	return 0;
}

int
sigma_corr_parse(struct lctx *c, yaml_node_t *cn)
{
	struct sigma_correlation *k;
	yaml_node_t *n;
	const char *t;

	if (cn->type != YAML_MAPPING_NODE)
		return REJECT(c, cn, "correlation", "'correlation' must be a "
		    "map");
	if ((k = l_calloc(c, &c->set->arena, sizeof(*k))) == NULL)
		return -1;
	k->line = (uint32_t)cn->start_mark.line + 1;
	k->column = (uint32_t)cn->start_mark.column + 1;
	for (yaml_node_pair_t *p = cn->data.mapping.pairs.start;
	    p < cn->data.mapping.pairs.top; p++) {
		static const char *const known[] = { "type", "rules",
		    "group-by", "timespan", "condition", "aliases",
		    "generate" };
		yaml_node_t *kn = get_node(c, p->key);
		size_t i;

		for (i = 0; i < NELEM(known); i++)
			if (is_scalar(kn) && strcmp(sval(kn), known[i]) == 0)
				break;
		if (i == NELEM(known))
			return REJECT(c, kn, "correlation", "unknown "
			    "correlation attribute '%s'",
			    is_scalar(kn) ? sval(kn) : "(not a name)");
	}
	if ((n = scalar(map_get(c, cn, "type"))) == NULL)
		return REJECT(c, cn, "correlation", "correlation has no "
		    "'type'");
	t = sval(n);
	for (size_t i = 0; i < NELEM(corr_types); i++)
		if (strcmp(t, corr_types[i].name) == 0) {
			k->type = corr_types[i].type;
			k->type_name = corr_types[i].name;
		}
	if (k->type_name == NULL)
		return REJECT(c, n, "correlation", "correlation type '%s' is "
		    "not supported (event_count, value_count, temporal, "
		    "temporal_ordered)", t);
	if (str_list(c, map_get(c, cn, "rules"), cn, "rules",
	    SIGMA_CORR_MAX_RULES, &k->refs, &k->nrefs) != 0)
		return -1;
	if ((n = map_get(c, cn, "group-by")) != NULL &&
	    !(is_scalar(n) && scalar_type(n) == S_NULL) &&
	    str_list(c, n, cn, "group-by", SIGMA_CORR_MAX_GROUP, &k->group_by,
	    &k->ngroup) != 0)
		return -1;
	if ((n = scalar(map_get(c, cn, "timespan"))) == NULL)
		return REJECT(c, map_get(c, cn, "timespan") ?
		    map_get(c, cn, "timespan") : cn, "correlation",
		    "correlation has no 'timespan'");
	if ((k->timespan = parse_timespan(sval(n))) == 0)
		return REJECT(c, n, "correlation", "timespan '%s': expected "
		    "a number of s, m, h or d, from 1s to 366d", sval(n));
	k->timespan_text = l_strdup(c, sval(n), n->data.scalar.length);
	n = map_get(c, cn, "condition");
	if (k->type == SIGMA_CORR_TEMPORAL_ORDERED && n != NULL)
		return REJECT(c, n, "correlation", "a condition on "
		    "temporal_ordered is not supported");
	if (n != NULL || k->type == SIGMA_CORR_EVENT_COUNT ||
	    k->type == SIGMA_CORR_VALUE_COUNT) {
		if (parse_condition(c, k, n, cn) != 0)
			return -1;
	}
	if ((n = map_get(c, cn, "aliases")) != NULL &&
	    parse_aliases(c, k, n) != 0)
		return -1;
	if ((n = map_get(c, cn, "generate")) != NULL) {
		enum stype st = is_scalar(n) ? scalar_type(n) : S_STR;

		if (st != S_BOOL_TRUE && st != S_BOOL_FALSE)
			return REJECT(c, n, "correlation", "'generate' must "
			    "be true or false");
		k->generate = st == S_BOOL_TRUE;
	}
	if (k->timespan_text == NULL)
		return -1;
	c->rule->correlation = k;
	return 0;
}

void
sigma_corr_cond_text(const struct sigma_correlation *k, char *buf,
    size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	if (!k->cond_given) {
		snprintf(buf, size, "all %u rules%s", k->nrefs,
		    k->type == SIGMA_CORR_TEMPORAL_ORDERED ? " in order" : "");
		return;
	}
	for (uint32_t i = 0; i < k->ncond && o < size; i++) {
		int w = snprintf(buf + o, size - o, "%s%s %" PRIu64,
		    i ? ", " : "", op_names[k->cond[i].op], k->cond[i].value);

		if (w < 0)
			break;
		o += (size_t)w;
	}
}

/* ---- resolution ---- */

struct resolve {
	struct sigma_set	*set;
	uint8_t			*color;		/* per rule: 0, 1 open, 2 done */
	uint32_t		*order;
	size_t			 norder;
};

/* Rejects correlation rule r (at its 'correlation:') with a message. */
static int
corr_reject(struct sigma_set *s, struct sigma_rule *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
corr_reject(struct sigma_set *s, struct sigma_rule *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->status = SIGMA_REJECTED;
	r->reason_class = "correlation";
	r->line = r->correlation->line;
	r->column = r->correlation->column;
	if ((r->reason = sigma_set_strdup(s, msg, strlen(msg))) == NULL) {
		r->reason = "out of memory";
		r->reason_class = "memory";
		return EV_ENOMEM;
	}
	return 0;
}

/*
 * The rule a correlation's reference names (by name, else by id): one
 * in the same file first, else the only one in the set.  Returns its
 * index, -1 when unknown, or -2 when ambiguous (*a, *b: two of them).
 */
static int64_t
find_ref(const struct sigma_set *s, size_t self, const char *ref,
    size_t *a, size_t *b)
{
	for (int pass = 0; pass < 2; pass++) {
		int64_t same = -1, any = -1;
		bool many = false;

		for (size_t i = 0; i < s->nrules; i++) {
			const struct sigma_rule *r = s->rules[i];
			const char *key = pass == 0 ? r->name : r->id;

			if (key == NULL || strcmp(key, ref) != 0)
				continue;
			if (strcmp(r->path, s->rules[self]->path) == 0) {
				if (same < 0)
					same = (int64_t)i;
			} else if (any < 0)
				any = (int64_t)i;
			else if (!many) {
				many = true;
				*a = (size_t)any;
				*b = i;
			}
		}
		if (same >= 0)
			return same;
		if (any >= 0)
			return many ? -2 : any;
	}
	return -1;
}

/* Resolves the references of correlation i; rejects it when needed. */
static int
resolve_refs(struct sigma_set *s, size_t i)
{
	struct sigma_rule *r = s->rules[i];
	struct sigma_correlation *k = (struct sigma_correlation *)
	    r->correlation;

	if ((k->rules = ev_arena_calloc(&s->arena, k->nrefs *
	    sizeof(*k->rules))) == NULL)
		return EV_ENOMEM;
	for (uint32_t j = 0; j < k->nrefs; j++) {
		size_t a = 0, o = 0;
		int64_t f = find_ref(s, i, k->refs[j], &a, &o);
		const struct sigma_rule *b;

		if (f == -1)
			return corr_reject(s, r, "unknown rule '%s' (no rule "
			    "has that name or id)", k->refs[j]);
		if (f == -2)
			return corr_reject(s, r, "rule '%s' is ambiguous (in "
			    "'%s' and '%s')", k->refs[j], s->rules[a]->path,
			    s->rules[o]->path);
		for (uint32_t m = 0; m < j; m++)
			if (k->rules[m] == (uint32_t)f)
				return corr_reject(s, r, "rule '%s' is named "
				    "twice", k->refs[j]);
		b = s->rules[f];
		if (b->status != SIGMA_LOADED && b->correlation == NULL)
			return corr_reject(s, r, "rule '%s' (%s:%u) is not "
			    "loaded: %s", k->refs[j], b->path, b->line ?
			    b->line : b->doc_line, b->reason);
		k->rules[j] = (uint32_t)f;
	}
	return 0;
}

/*
 * Depth-first over references: rejects correlations on a cycle, and
 * those referring to a rejected rule, and appends the rest in
 * evaluation order.  The depth is bounded by the number of
 * correlations (each is entered once) and SIGMA_CORR_MAX_CHAIN.
 */
static int
visit(struct resolve *rs, size_t i, unsigned depth)
{
	struct sigma_set *s = rs->set;
	struct sigma_rule *r = s->rules[i];
	const struct sigma_correlation *k = r->correlation;
	int rc;

	if (rs->color[i] == 2)
		return 0;
	if (depth > SIGMA_CORR_MAX_CHAIN) {
		rs->color[i] = 2;
		return corr_reject(s, r, "correlations chained deeper than "
		    "%u", SIGMA_CORR_MAX_CHAIN);
	}
	rs->color[i] = 1;
	for (uint32_t j = 0; j < k->nrefs && r->status == SIGMA_LOADED; j++) {
		uint32_t f = k->rules[j];
		const struct sigma_rule *b = s->rules[f];

		if (b->correlation == NULL)
			continue;
		if (rs->color[f] == 1) {
			rs->color[i] = 2;
			return corr_reject(s, r, "correlation cycle: '%s' "
			    "refers back to this rule", k->refs[j]);
		}
		if (b->status == SIGMA_LOADED && (rc = visit(rs, f, depth + 1)) != 0)
			return rc;
		if (b->status != SIGMA_LOADED) {
			rs->color[i] = 2;
			return corr_reject(s, r, "correlation '%s' (%s:%u) is "
			    "rejected", k->refs[j], b->path, b->doc_line);
		}
	}
	rs->color[i] = 2;
	if (r->status == SIGMA_LOADED)
		rs->order[rs->norder++] = (uint32_t)i;
	return 0;
}

/* The name a group-by (or value) field has on the hits of rule j. */
static const char *
field_for(const struct sigma_set *s, const struct sigma_correlation *k,
    uint32_t j, const char *name)
{
	const struct sigma_rule *b = s->rules[k->rules[j]];

	for (uint32_t a = 0; a < k->naliases; a++) {
		if (strcmp(k->alias_name[a], name) != 0)
			continue;
		if (strcmp(k->alias_rule[a], k->refs[j]) == 0 ||
		    (b->name && strcmp(k->alias_rule[a], b->name) == 0) ||
		    (b->id && strcmp(k->alias_rule[a], b->id) == 0))
			return k->alias_field[a];
	}
	return name;
}

/* Field ids (or a chained correlation's group-by index) to read. */
static int
bind_fields(struct sigma_set *s, size_t i)
{
	struct sigma_rule *r = s->rules[i];
	struct sigma_correlation *k = (struct sigma_correlation *)
	    r->correlation;
	size_t n = (size_t)k->ngroup * k->nrefs;

	for (uint32_t a = 0; a < k->naliases; a++) {
		bool known = false, grouped = false;

		for (uint32_t j = 0; j < k->nrefs; j++) {
			const struct sigma_rule *b = s->rules[k->rules[j]];

			known |= strcmp(k->alias_rule[a], k->refs[j]) == 0 ||
			    (b->name && strcmp(k->alias_rule[a], b->name) ==
			    0) || (b->id && strcmp(k->alias_rule[a], b->id) ==
			    0);
		}
		for (uint32_t g = 0; g < k->ngroup; g++)
			grouped |= strcmp(k->group_by[g], k->alias_name[a]) ==
			    0;
		if (k->value_field != NULL)
			grouped |= strcmp(k->value_field, k->alias_name[a]) ==
			    0;
		if (!known)
			return corr_reject(s, r, "alias '%s': '%s' is not one "
			    "of the correlation's rules", k->alias_name[a],
			    k->alias_rule[a]);
		if (!grouped)
			return corr_reject(s, r, "alias '%s' is not used by "
			    "group-by or the condition's field",
			    k->alias_name[a]);
	}
	k->gfield = ev_arena_alloc(&s->arena, (n + 1) * sizeof(*k->gfield));
	k->vfield = ev_arena_alloc(&s->arena, (k->nrefs + 1) *
	    sizeof(*k->vfield));
	if (k->gfield == NULL || k->vfield == NULL)
		return EV_ENOMEM;
	for (uint32_t j = 0; j < k->nrefs; j++) {
		const struct sigma_rule *b = s->rules[k->rules[j]];

		for (uint32_t g = 0; g <= k->ngroup; g++) {
			const char *name = g < k->ngroup ? k->group_by[g] :
			    k->value_field;
			uint32_t *slot = g < k->ngroup ?
			    &k->gfield[g * k->nrefs + j] : &k->vfield[j];

			*slot = UINT32_MAX;
			if (name == NULL)
				continue;
			name = field_for(s, k, j, name);
			if (b->correlation != NULL) {
				/* a chained correlation's output: its groups */
				const struct sigma_correlation *bk =
				    b->correlation;

				for (uint32_t h = 0; h < bk->ngroup; h++)
					if (strcmp(bk->group_by[h], name) == 0)
						*slot = h;
				if (*slot == UINT32_MAX)
					return corr_reject(s, r, "'%s' is not "
					    "a group-by field of correlation "
					    "'%s'", name, k->refs[j]);
			} else if (sigma_field_id(s, name, strlen(name),
			    slot) != 0)
				return EV_ENOMEM;
		}
	}
	return 0;
}

int
sigma_corr_resolve(struct sigma_set *s)
{
	struct resolve rs = { s, NULL, NULL, 0 };
	int rc = 0;

	rs.color = calloc(s->nrules + 1, 1);
	rs.order = calloc(s->nrules + 1, sizeof(*rs.order));
	if (rs.color == NULL || rs.order == NULL) {
		rc = EV_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < s->nrules && rc == 0; i++)
		if (s->rules[i]->correlation != NULL &&
		    s->rules[i]->status == SIGMA_LOADED)
			rc = resolve_refs(s, i);
	for (size_t i = 0; i < s->nrules && rc == 0; i++)
		if (s->rules[i]->correlation != NULL &&
		    s->rules[i]->status == SIGMA_LOADED)
			rc = visit(&rs, i, 0);
	/* fields after every rejection: a rule rejected late binds none */
	for (size_t o = 0; o < rs.norder && rc == 0; o++)
		rc = bind_fields(s, rs.order[o]);
	if (rc != 0)
		goto out;
	/* a chain whose inner correlation bind_fields() rejected */
	for (size_t o = 0, w = 0; o < rs.norder; o++) {
		const struct sigma_rule *r = s->rules[rs.order[o]];
		const struct sigma_correlation *k = r->correlation;
		bool ok = r->status == SIGMA_LOADED;

		for (uint32_t j = 0; ok && j < k->nrefs; j++)
			if (s->rules[k->rules[j]]->status != SIGMA_LOADED) {
				rc = corr_reject(s, s->rules[rs.order[o]],
				    "correlation '%s' (%s:%u) is rejected",
				    k->refs[j], s->rules[k->rules[j]]->path,
				    s->rules[k->rules[j]]->doc_line);
				ok = false;
			}
		if (ok)
			rs.order[w++] = rs.order[o];
		if (rc != 0)
			goto out;
		if (o + 1 == rs.norder) {
			rs.norder = w;
			break;
		}
	}
	/* generate: a referred rule is silent unless one asks for it */
	for (size_t o = 0; o < rs.norder; o++) {
		const struct sigma_correlation *k =
		    s->rules[rs.order[o]]->correlation;

		for (uint32_t j = 0; j < k->nrefs; j++)
			s->rules[k->rules[j]]->silent = true;
	}
	for (size_t o = 0; o < rs.norder; o++) {
		const struct sigma_correlation *k =
		    s->rules[rs.order[o]]->correlation;

		for (uint32_t j = 0; j < k->nrefs && k->generate; j++)
			s->rules[k->rules[j]]->silent = false;
	}
	s->corr_order = ev_arena_alloc(&s->arena, (rs.norder + 1) *
	    sizeof(*s->corr_order));
	if (s->corr_order == NULL) {
		rc = EV_ENOMEM;
		goto out;
	}
	memcpy(s->corr_order, rs.order, rs.norder * sizeof(*rs.order));
	s->ncorr = rs.norder;
out:
	free(rs.color);
	free(rs.order);
	return rc;
}

size_t
sigma_corr_count(const struct sigma_set *s)
{
	return s->compiled ? s->ncorr : 0;
}

uint32_t
sigma_corr_at(const struct sigma_set *s, size_t i)
{
	return s->corr_order[i];
}
