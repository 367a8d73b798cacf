/*
 * config.c -- rules/watched.yml: the watched binaries and the baseline
 * settings (see that file for the format), and base_identify().
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <yaml.h>

#include "baseline/baseline.h"
#include "ev_util.h"

static const char *const ftype_names[BASE_F_NTYPES] = {
	"arg", "args", "parent", "image", "module", "net", "child",
};

const char *
base_ftype_name(enum base_ftype t)
{
	return (unsigned)t < BASE_F_NTYPES ? ftype_names[t] : "?";
}

int
base_ftype_parse(const char *s)
{
	for (int i = 0; i < BASE_F_NTYPES; i++)
		if (strcmp(s, ftype_names[i]) == 0)
			return i;
	return -1;
}

const char *
base_config_default_path(void)
{
	static const char inst[] = EVH_RULESDIR "/watched.yml";

	if (access(inst, R_OK) == 0)
		return inst;
	return EVH_SRC_RULESDIR "/watched.yml";
}

static void
defaults(struct base_config *c)
{
	static const double w[BASE_F_NTYPES] = { 1.0, 0.5, 1.0, 1.0, 0.5,
	    1.0, 1.0 };

	c->min_history = BASE_DEF_MIN_HISTORY;
	c->alpha = BASE_DEF_ALPHA;
	c->rare = BASE_DEF_RARE;
	memcpy(c->weight, w, sizeof(w));
	c->level_score[EV_LEVEL_INFORMATIONAL] = 0;
	c->level_score[EV_LEVEL_LOW] = 5;
	c->level_score[EV_LEVEL_MEDIUM] = 10;
	c->level_score[EV_LEVEL_HIGH] = 20;
	c->level_score[EV_LEVEL_CRITICAL] = 35;
	c->renamed_level = EV_LEVEL_HIGH;
	c->prior_weight = BASE_DEF_PRIOR_WEIGHT;
	c->prior_rare = BASE_DEF_PRIOR_RARE;
}

static void
prior_free(struct base_prior *p)
{
	if (p == NULL)
		return;
	for (int t = 0; t < BASE_F_NTYPES; t++) {
		for (size_t i = 0; i < p->npat[t]; i++)
			free(p->pat[t][i]);
		free(p->pat[t]);
	}
	free(p);
}

void
base_config_free(struct base_config *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->nbins; i++) {
		for (size_t j = 0; j < c->bins[i].nnames; j++)
			free(c->bins[i].names[j]);
		free(c->bins[i].names);
		free(c->bins[i].name);
		free(c->bins[i].technique);
		prior_free(c->bins[i].prior);
	}
	free(c->bins);
	ev_map_release(&c->names);
	ev_map_release(&c->descs);
	free(c);
}

static const struct base_binary *lookup(const struct base_config *,
	    const struct ev_map *, const char *);

struct ld {
	yaml_document_t	*doc;
	const char	*file;
	struct ev_err	*err;
};

static int
bad(struct ld *l, yaml_node_t *n, const char *why, const char *what)
{
	return EV_ERR(l->err, EV_ERULE, 0, "%s:%lu: %s '%s'", l->file,
	    n ? (unsigned long)n->start_mark.line + 1 : 0UL, why, what);
}

static const char *
scalar(yaml_node_t *n)
{
	return n != NULL && n->type == YAML_SCALAR_NODE ?
	    (const char *)n->data.scalar.value : NULL;
}

static int
number(struct ld *l, yaml_node_t *n, const char *key, double min,
    double max, double *out)
{
	const char *s = scalar(n);
	char *end;
	double v;

	if (s == NULL)
		return bad(l, n, "expected a number for", key);
	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !isfinite(v) ||
	    v < min || v > max)
		return bad(l, n, "bad number for", key);
	*out = v;
	return 0;
}

static char *
lowdup(const char *s)
{
	char *d = strdup(s);

	for (char *p = d; p != NULL && *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	return d;
}

/* key names b in map m (c->names or c->descs), unless an earlier
   binary has it */
static int
index_key(struct base_config *c, struct ev_map *m, const char *key,
    const struct base_binary *b)
{
	bool isnew;
	struct ev_map_ent *e = ev_map_put(m, key, strlen(key), &isnew);

	if (e == NULL)
		return EV_ENOMEM;
	if (isnew)
		e->idx = (uint32_t)(b - c->bins);
	return 0;
}

static int
add_name(struct base_config *c, struct base_binary *b, const char *name)
{
	char *n = lowdup(name);
	char **v;

	if (n == NULL)
		return EV_ENOMEM;
	v = realloc(b->names, (b->nnames + 1) * sizeof(*v));
	if (v == NULL) {
		free(n);
		return EV_ENOMEM;
	}
	b->names = v;
	b->names[b->nnames++] = n;
	return index_key(c, &c->names, n, b);
}

/* a PE Description (lower case) that identifies b */
static int
add_desc(struct base_config *c, struct base_binary *b, const char *desc)
{
	char *d = lowdup(desc);
	int rc;

	if (d == NULL)
		return EV_ENOMEM;
	rc = index_key(c, &c->descs, d, b);
	free(d);
	return rc;
}

static int
load_settings(struct ld *l, struct base_config *c, yaml_node_t *m)
{
	if (m->type != YAML_MAPPING_NODE)
		return bad(l, m, "expected a mapping for", "settings");
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
	    p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
		const char *key = scalar(k) ? scalar(k) : "?";
		double d;
		int rc = 0, lv;

		if (strcmp(key, "min_history") == 0) {
			if ((rc = number(l, v, key, 1, 1e12, &d)) == 0)
				c->min_history = (uint64_t)d;
		} else if (strcmp(key, "alpha") == 0)
			rc = number(l, v, key, 1e-6, 100, &c->alpha);
		else if (strcmp(key, "rare") == 0)
			rc = number(l, v, key, 0, 1, &c->rare);
		else if (strcmp(key, "renamed_level") == 0) {
			if (scalar(v) == NULL ||
			    (lv = ev_level_parse(scalar(v))) == EV_LEVEL_NONE)
				return bad(l, v, "unknown level",
				    scalar(v) ? scalar(v) : "?");
			c->renamed_level = (enum ev_level)lv;
		} else if (strcmp(key, "weights") == 0 ||
		    strcmp(key, "levels") == 0) {
			bool w = key[0] == 'w';

			if (v->type != YAML_MAPPING_NODE)
				return bad(l, v, "expected a mapping for", key);
			for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
			    q < v->data.mapping.pairs.top && rc == 0; q++) {
				yaml_node_t *k2 = yaml_document_get_node(
				    l->doc, q->key);
				yaml_node_t *v2 = yaml_document_get_node(
				    l->doc, q->value);
				const char *name = scalar(k2) ? scalar(k2) : "?";
				int i = w ? base_ftype_parse(name) :
				    (int)ev_level_parse(name);

				if (i < 0 || (!w && i <= EV_LEVEL_INFORMATIONAL))
					return bad(l, k2, w ?
					    "unknown feature" : "unknown level",
					    name);
				rc = number(l, v2, name, 0, 1e6, w ?
				    &c->weight[i] : &c->level_score[i]);
			}
		} else
			return bad(l, k, "unknown setting", key);
		if (rc != 0)
			return rc;
	}
	for (int i = EV_LEVEL_LOW + 1; i < EV_NLEVELS; i++)
		if (c->level_score[i] < c->level_score[i - 1])
			return bad(l, m, "levels must not decrease at",
			    ev_level_name((enum ev_level)i));
	return 0;
}

static int
load_binary(struct ld *l, struct base_config *c, yaml_node_t *n)
{
	struct base_binary *b = &c->bins[c->nbins];
	yaml_node_t *names = NULL, *descs = NULL;
	const char *name = NULL;
	int rc;

	c->nbins++;	/* base_config_free() releases b, even on error */
	if (n->type == YAML_SCALAR_NODE)
		name = scalar(n);
	else if (n->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		    p < n->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
			yaml_node_t *v = yaml_document_get_node(l->doc,
			    p->value);
			const char *key = scalar(k) ? scalar(k) : "?";

			if (strcmp(key, "name") == 0 && scalar(v) != NULL)
				name = scalar(v);
			else if (strcmp(key, "technique") == 0 &&
			    scalar(v) != NULL) {
				free(b->technique);
				if ((b->technique = strdup(scalar(v))) == NULL)
					return EV_ENOMEM;
			} else if (strcmp(key, "comma") == 0 && scalar(v))
				b->comma = strcmp(scalar(v), "true") == 0;
			else if (strcmp(key, "search") == 0 && scalar(v))
				b->search = strcmp(scalar(v), "true") == 0;
			else if (strcmp(key, "names") == 0 &&
			    v->type == YAML_SEQUENCE_NODE)
				names = v;
			else if (strcmp(key, "descriptions") == 0 &&
			    v->type == YAML_SEQUENCE_NODE)
				descs = v;
			else
				return bad(l, k, "unknown or bad key", key);
		}
	}
	if (name == NULL || *name == '\0')
		return bad(l, n, "a binary needs a", "name");
	if ((b->name = lowdup(name)) == NULL)
		return EV_ENOMEM;
	if (ev_map_get(&c->names, b->name, strlen(b->name)) != NULL)
		return bad(l, n, "binary listed twice:", name);
	if ((rc = add_name(c, b, name)) != 0)
		return rc;
	for (yaml_node_item_t *it = names ? names->data.sequence.items.start :
	    NULL; names && it < names->data.sequence.items.top; it++) {
		yaml_node_t *v = yaml_document_get_node(l->doc, *it);

		if (scalar(v) == NULL)
			return bad(l, v, "expected a name in", "names");
		if ((rc = add_name(c, b, scalar(v))) != 0)
			return rc;
	}
	for (yaml_node_item_t *it = descs ? descs->data.sequence.items.start :
	    NULL; descs && it < descs->data.sequence.items.top; it++) {
		yaml_node_t *v = yaml_document_get_node(l->doc, *it);

		if (scalar(v) == NULL || *scalar(v) == '\0')
			return bad(l, v, "expected a description in",
			    "descriptions");
		if ((rc = add_desc(c, b, scalar(v))) != 0)
			return rc;
	}
	return 0;
}

/*
 * Loads text (from file, for messages) as a YAML document whose root is
 * a mapping.  Returns 0 with *doc (the caller's to delete) and *root, or
 * EV_ENOMEM / EV_ERULE with err set (nothing to delete).
 */
static int
load_doc(const char *text, size_t len, const char *file, yaml_document_t *doc,
    yaml_node_t **root, struct ev_err *err)
{
	yaml_parser_t parser;
	int rc;

	if (!yaml_parser_initialize(&parser))
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, doc)) {
		rc = EV_ERR(err, EV_ERULE, 0, "%s:%lu: %s", file,
		    (unsigned long)parser.problem_mark.line + 1,
		    parser.problem ? parser.problem : "bad YAML");
		yaml_parser_delete(&parser);
		return rc;
	}
	yaml_parser_delete(&parser);
	*root = yaml_document_get_root_node(doc);
	if (*root == NULL || (*root)->type != YAML_MAPPING_NODE) {
		rc = EV_ERR(err, EV_ERULE, 0, "%s:%lu: %s '%s'", file,
		    *root ? (unsigned long)(*root)->start_mark.line + 1 : 0UL,
		    "expected a mapping at", "top level");
		yaml_document_delete(doc);
		return rc;
	}
	return 0;
}

int
base_config_parse(const char *text, size_t len, const char *file,
    struct base_config **out, struct ev_err *err)
{
	yaml_document_t doc;
	struct base_config *c;
	struct ld l = { &doc, file, err };
	yaml_node_t *root;
	int rc = 0;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	defaults(c);
	ev_map_init(&c->names);
	ev_map_init(&c->descs);
	if ((rc = load_doc(text, len, file, &doc, &root, err)) != 0) {
		base_config_free(c);
		return rc;
	}
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	    p < root->data.mapping.pairs.top && rc == 0; p++) {
		yaml_node_t *k = yaml_document_get_node(&doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&doc, p->value);
		const char *key = scalar(k) ? scalar(k) : "?";

		if (strcmp(key, "settings") == 0)
			rc = load_settings(&l, c, v);
		else if (strcmp(key, "binaries") == 0) {
			size_t n;

			if (v->type != YAML_SEQUENCE_NODE) {
				rc = bad(&l, v, "expected a list for", key);
				break;
			}
			n = (size_t)(v->data.sequence.items.top -
			    v->data.sequence.items.start);
			free(c->bins);
			c->nbins = 0;
			if ((c->bins = calloc(n + 1, sizeof(*c->bins))) == NULL) {
				rc = EV_ENOMEM;
				break;
			}
			for (size_t i = 0; i < n && rc == 0; i++)
				rc = load_binary(&l, c,
				    yaml_document_get_node(&doc,
				    v->data.sequence.items.start[i]));
		} else
			rc = bad(&l, k, "unknown key", key);
	}
	if (rc == 0 && c->nbins == 0)
		rc = bad(&l, root, "no binaries listed under", "binaries");
	if (rc == EV_ENOMEM)
		EV_ERR(err, rc, 0, "out of memory");
	yaml_document_delete(&doc);
	if (rc != 0) {
		base_config_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

/* The whole file at path, malloc'ed, into *text and *len. */
static int
read_text(const char *path, char **textp, size_t *lenp, struct ev_err *err)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len = 0, cap = 0, n;
	int rc;

	if (f == NULL)
		return EV_ERR_SYS(err, "cannot open '%s'", path);
	do {
		if (len + 4096 > cap) {
			char *t;

			if (cap > (1u << 24)) {
				fclose(f);
				free(text);
				return EV_ERR(err, EV_ERULE, 0,
				    "%s: file too large", path);
			}
			cap = cap ? cap * 2 : 8192;
			if ((t = realloc(text, cap)) == NULL) {
				fclose(f);
				free(text);
				return EV_ERR(err, EV_ENOMEM, 0,
				    "out of memory");
			}
			text = t;
		}
		n = fread(text + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		rc = EV_ERR_SYS(err, "cannot read '%s'", path);
		fclose(f);
		free(text);
		return rc;
	}
	fclose(f);
	*textp = text;
	*lenp = len;
	return 0;
}

/*
 * Reads the file at path and parses it: with c NULL, a watched.yml into
 * a new *out; else a priors.yml added to c.
 */
static int
load_file(const char *path, struct base_config *c, struct base_config **out,
    struct ev_err *err)
{
	char *text;
	size_t len;
	int rc;

	if ((rc = read_text(path, &text, &len, err)) != 0)
		return rc;
	rc = c != NULL ? base_prior_parse(c, text, len, path, err) :
	    base_config_parse(text, len, path, out, err);
	free(text);
	return rc;
}

int
base_config_load(const char *path, struct base_config **out,
    struct ev_err *err)
{
	return load_file(path, NULL, out, err);
}

int
base_config_find(const char *const *dirs, size_t ndirs, bool priors,
    struct base_config **out, struct ev_err *err)
{
	struct ev_buf b = EV_BUF_INIT;
	int rc;

	*out = NULL;
	for (size_t i = 0; i < ndirs; i++) {
		ev_buf_reset(&b);
		ev_buf_addf(&b, "%s/watched.yml", dirs[i]);
		if (ev_buf_failed(&b) || access(b.buf, R_OK) == 0)
			break;
		ev_buf_reset(&b);
	}
	if (b.len == 0)
		ev_buf_adds(&b, base_config_default_path());
	if (ev_buf_failed(&b)) {
		ev_buf_release(&b);
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	}
	rc = base_config_load(b.buf, out, err);
	if (rc == 0 && priors) {
		/* the priors beside it, when there are any */
		char *slash = strrchr(b.buf, '/');

		b.len = slash != NULL ? (size_t)(slash + 1 - b.buf) : 0;
		b.buf[b.len] = '\0';
		ev_buf_adds(&b, "priors.yml");
		if (ev_buf_failed(&b))
			rc = EV_ERR(err, EV_ENOMEM, 0, "out of memory");
		else if (access(b.buf, F_OK) == 0)
			rc = base_prior_load(*out, b.buf, err);
		if (rc != 0) {
			base_config_free(*out);
			*out = NULL;
		}
	}
	ev_buf_release(&b);
	return rc;
}

/* ---- priors: rules/priors.yml ------------------------------------ */

static int
add_pattern(struct base_prior *p, int t, const char *s)
{
	char **v, *d;

	if (p->npat[t] == BASE_MAX_PATTERNS)
		return EV_ERULE;
	if ((d = lowdup(s)) == NULL)
		return EV_ENOMEM;
	if ((v = realloc(p->pat[t], (p->npat[t] + 1) * sizeof(*v))) == NULL) {
		free(d);
		return EV_ENOMEM;
	}
	p->pat[t] = v;
	p->pat[t][p->npat[t]++] = d;
	return 0;
}

/* one binary's mapping of feature type -> list of patterns */
static int
load_prior(struct ld *l, yaml_node_t *m, struct base_prior *p)
{
	if (m->type != YAML_MAPPING_NODE)
		return bad(l, m, "expected a mapping of feature types in",
		    "binaries");
	for (yaml_node_pair_t *q = m->data.mapping.pairs.start;
	    q < m->data.mapping.pairs.top; q++) {
		yaml_node_t *k = yaml_document_get_node(l->doc, q->key);
		yaml_node_t *v = yaml_document_get_node(l->doc, q->value);
		const char *key = scalar(k) ? scalar(k) : "?";
		int t = base_ftype_parse(key), rc;

		if (t < 0)
			return bad(l, k, "unknown feature", key);
		if (p->npat[t] > 0)
			return bad(l, k, "feature listed twice:", key);
		if (v->type != YAML_SEQUENCE_NODE)
			return bad(l, v, "expected a list of patterns for", key);
		for (yaml_node_item_t *it = v->data.sequence.items.start;
		    it < v->data.sequence.items.top; it++) {
			yaml_node_t *e = yaml_document_get_node(l->doc, *it);

			if (scalar(e) == NULL || *scalar(e) == '\0')
				return bad(l, e, "expected a pattern in", key);
			if ((rc = add_pattern(p, t, scalar(e))) == EV_ERULE)
				return bad(l, e, "too many patterns in", key);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

static int
load_prior_settings(struct ld *l, struct base_config *c, yaml_node_t *m,
    double *weight, double *rare)
{
	if (m->type != YAML_MAPPING_NODE)
		return bad(l, m, "expected a mapping for", "settings");
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
	    p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
		const char *key = scalar(k) ? scalar(k) : "?";
		int rc;

		if (strcmp(key, "weight") == 0)
			rc = number(l, v, key, 0, 1e9, weight);
		else if (strcmp(key, "rare") == 0)
			rc = number(l, v, key, 0, 1, rare);
		else
			return bad(l, k, "unknown setting", key);
		if (rc != 0)
			return rc;
	}
	(void)c;
	return 0;
}

int
base_prior_parse(struct base_config *c, const char *text, size_t len,
    const char *file, struct ev_err *err)
{
	yaml_document_t doc;
	struct ld l = { &doc, file, err };
	struct base_prior **got;
	yaml_node_t *root;
	double weight = c->prior_weight, rare = c->prior_rare;
	int rc = 0;

	if ((got = calloc(c->nbins + 1, sizeof(*got))) == NULL)
		return EV_ERR(err, EV_ENOMEM, 0, "out of memory");
	if ((rc = load_doc(text, len, file, &doc, &root, err)) != 0) {
		free(got);
		return rc;
	}
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	    p < root->data.mapping.pairs.top && rc == 0; p++) {
		yaml_node_t *k = yaml_document_get_node(&doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&doc, p->value);
		const char *key = scalar(k) ? scalar(k) : "?";

		if (strcmp(key, "settings") == 0) {
			rc = load_prior_settings(&l, c, v, &weight, &rare);
			continue;
		}
		if (strcmp(key, "binaries") != 0) {
			rc = bad(&l, k, "unknown key", key);
			break;
		}
		if (v->type != YAML_MAPPING_NODE) {
			rc = bad(&l, v, "expected a mapping for", key);
			break;
		}
		for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
		    q < v->data.mapping.pairs.top && rc == 0; q++) {
			yaml_node_t *bk = yaml_document_get_node(&doc, q->key);
			const char *name = scalar(bk) ? scalar(bk) : "?";
			const struct base_binary *b;
			size_t i;

			b = lookup(c, &c->names, name);
			if (b == NULL || strcasecmp(b->name, name) != 0) {
				rc = bad(&l, bk, "not a watched binary's name:",
				    name);
				break;
			}
			i = (size_t)(b - c->bins);
			if (got[i] != NULL) {
				rc = bad(&l, bk, "binary listed twice:", name);
				break;
			}
			if ((got[i] = calloc(1, sizeof(*got[i]))) == NULL) {
				rc = EV_ENOMEM;
				break;
			}
			rc = load_prior(&l, yaml_document_get_node(&doc,
			    q->value), got[i]);
		}
	}
	if (rc == EV_ENOMEM)
		EV_ERR(err, rc, 0, "out of memory");
	yaml_document_delete(&doc);
	for (size_t i = 0; i < c->nbins; i++) {
		if (rc == 0 && got[i] != NULL) {
			prior_free(c->bins[i].prior);
			c->bins[i].prior = got[i];
		} else
			prior_free(got[i]);
	}
	free(got);
	if (rc == 0) {
		c->prior_weight = weight;
		c->prior_rare = rare;
	}
	return rc;
}

int
base_prior_load(struct base_config *c, const char *path, struct ev_err *err)
{
	return load_file(path, c, NULL, err);
}

/* '*' matches any run of characters (iterative, linear backtracking) */
static bool
glob(const char *p, const char *s)
{
	const char *star = NULL, *mark = NULL;

	while (*s != '\0') {
		if (*p == '*') {
			star = p++;
			mark = s;
		} else if (*p == *s) {
			p++;
			s++;
		} else if (star != NULL) {
			p = star + 1;
			s = ++mark;
		} else
			return false;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

/* an argument shape naming a location: "<class>\..." or "<url:x>" */
static bool
names_location(const char *v)
{
	return strstr(v, ">\\") != NULL || strstr(v, "<url:") != NULL;
}

int
base_prior_expects(const struct base_prior *p, enum base_ftype t,
    const char *v)
{
	const char *bs;

	if (p == NULL || (unsigned)t >= BASE_F_NTYPES || p->npat[t] == 0)
		return -1;
	/* an alternate data stream: "<class>\*.txt:*.dll" */
	if (t == BASE_F_ARG && names_location(v) &&
	    (bs = strrchr(v, '\\')) != NULL && strcspn(bs, ":,") <
	    strcspn(bs, ","))
		return 0;
	for (size_t i = 0; i < p->npat[t]; i++) {
		const char *pat = p->pat[t][i];
		bool neg = pat[0] == '!';

		if (glob(pat + neg, v))
			return neg ? 0 : 1;
	}
	/* an argument naming no location only when a pattern names it */
	return t == BASE_F_ARG && !names_location(v) ? -1 : 0;
}

/* the binary m maps s to (case-insensitive), or NULL */
static const struct base_binary *
lookup(const struct base_config *c, const struct ev_map *m, const char *s)
{
	char buf[128];
	size_t n = strlen(s);
	const struct ev_map_ent *e;

	if (n == 0 || n >= sizeof(buf))
		return NULL;
	for (size_t i = 0; i <= n; i++)
		buf[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
	e = ev_map_get(m, buf, n);
	return e ? &c->bins[e->idx] : NULL;
}

static bool
known(const char *s)
{
	return s != NULL && *s != '\0' && strcmp(s, "?") != 0 &&
	    strcmp(s, "-") != 0;
}

const struct base_binary *
base_identify(const struct base_config *c, const struct ev_event *ev,
    bool *renamed)
{
	const char *img = ev_col(ev, EV_COL_IMAGE);
	const char *ofn = ev_col(ev, EV_COL_ORIGINAL_FILE_NAME);
	const struct base_binary *bi = NULL, *bo = NULL;

	if (renamed != NULL)
		*renamed = false;
	if (ev->kind != EV_KIND_PROCESS)
		return NULL;
	if (img != NULL && *img != '\0')
		bi = lookup(c, &c->names, ev_basename(img));
	if (known(ofn))
		bo = lookup(c, &c->names, ofn);
	else if (known(ev_col(ev, EV_COL_DESCRIPTION)))
		/* older Sysmon: no OriginalFileName, the PE Description */
		bo = lookup(c, &c->descs, ev_col(ev, EV_COL_DESCRIPTION));
	if (bo != NULL) {
		if (bi != bo && renamed != NULL && img != NULL && *img != '\0')
			*renamed = true;
		return bo;
	}
	return bi;
}
