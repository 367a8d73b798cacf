/*
 * report_navigator.c -- the `navigator` report: a MITRE ATT&CK Navigator
 * layer (JSON, layer format 4.5, domain enterprise-attack) of the
 * techniques in the findings, to open in the Navigator and see at a
 * glance which parts of the matrix the evidence touches.
 *
 * One entry per technique named by a finding's ATT&CK tags (attack.tNNNN,
 * attack.tNNNN.NNN; a finding counts once per technique, as in the
 * summary), scored by its number of findings, with a comment naming the
 * rules that found it most often.  The gradient runs from 0 to the
 * highest score.  Names of rules are JSON-escaped (ev_json_str); nothing
 * else comes from the evidence.  Times are UTC, as in jsonl.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ev_json.h"
#include "ev_time.h"
#include "ev_util.h"
#include "report/report_int.h"

#define NAV_TOP_RULES	5	/* rules named in a technique's comment */

/* One (technique, rule, finding) of the findings. */
struct nav_hit {
	char			 tech[12];	/* "T1218.011" */
	const struct finding_reason *reason;
	size_t			 finding;
};

struct nav_acc {
	struct nav_hit	*v;
	size_t		 n, cap;
	const struct finding_reason *reason;
	size_t		 finding;
	bool		 oom;
};

static void
hit_add(void *arg, const char *t, size_t n)
{
	struct nav_acc *a = arg;
	struct nav_hit *h;

	if (a->oom || n >= sizeof(h->tech))
		return;
	if (EV_GROW(a->v, a->n, a->cap, 64) != 0) {
		a->oom = true;
		return;
	}
	h = &a->v[a->n++];
	for (size_t i = 0; i < n; i++)
		h->tech[i] = (char)toupper((unsigned char)t[i]);
	h->tech[n] = '\0';
	h->reason = a->reason;
	h->finding = a->finding;
}

static const char *
hit_rule(const struct nav_hit *h)
{
	return h->reason->rule_id != NULL ? h->reason->rule_id : "";
}

/* technique, rule id, finding */
static int
cmp_hit(const void *a, const void *b)
{
	const struct nav_hit *x = a, *y = b;
	int c = strcmp(x->tech, y->tech);

	if (c == 0)
		c = strcmp(hit_rule(x), hit_rule(y));
	if (c == 0)
		c = x->finding < y->finding ? -1 : x->finding > y->finding;
	return c;
}

/* A rule within one technique: its first hit and its findings. */
struct nav_rule {
	const struct nav_hit	*hit;
	uint64_t		 n;
};

static int
cmp_rule(const void *a, const void *b)
{
	const struct nav_rule *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(hit_rule(x->hit), hit_rule(y->hit));
}

/* The label of a rule in a comment: its title, or the baseline kind. */
static const char *
rule_label(const struct finding_reason *r)
{
	if (r->baseline || r->title == NULL)
		return r->rule_id != NULL ? r->rule_id : "?";
	return r->title;
}

/*
 * The comment of the technique whose hits are v[0..n) (sorted): its
 * findings, then the rules with most findings first.
 */
static int
comment(struct ev_buf *c, const struct nav_hit *v, size_t n, uint64_t score)
{
	struct nav_rule *rules;
	size_t nr = 0;

	if ((rules = calloc(n, sizeof(*rules))) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (nr == 0 || strcmp(hit_rule(rules[nr - 1].hit),
		    hit_rule(&v[i])) != 0)
			rules[nr++] = (struct nav_rule){ &v[i], 0 };
		/* one finding once per rule */
		if (i == 0 || rules[nr - 1].hit == &v[i] ||
		    v[i - 1].finding != v[i].finding)
			rules[nr - 1].n++;
	}
	ev_qsort(rules, nr, sizeof(*rules), cmp_rule);
	ev_buf_addf(c, "%" PRIu64 " finding%s; %s: ", score,
	    score == 1 ? "" : "s", nr == 1 ? "rule" : "top rules");
	for (size_t i = 0; i < nr && i < NAV_TOP_RULES; i++)
		ev_buf_addf(c, "%s%s (%" PRIu64 ")", i ? "; " : "",
		    rule_label(rules[i].hit->reason), rules[i].n);
	if (nr > NAV_TOP_RULES)
		ev_buf_addf(c, "; +%zu more", nr - NAV_TOP_RULES);
	free(rules);
	return 0;
}

/* The hits of technique t in sorted v: *n of them from the result. */
static const struct nav_hit *
hits_of(const struct nav_acc *a, const char *t, size_t *n)
{
	size_t lo = 0, hi = a->n, e;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(a->v[mid].tech, t) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (e = lo; e < a->n && strcmp(a->v[e].tech, t) == 0;)
		e++;
	*n = e - lo;
	return &a->v[lo];
}

/* Whether a sub-technique of parent t ("T1218") is in the layer. */
static bool
has_sub(const struct rp *rp, const char *t)
{
	size_t n = strlen(t);

	for (size_t i = 0; i < rp->ntechs; i++)
		if (strncmp(rp->techs[i].key, t, n) == 0 &&
		    rp->techs[i].key[n] == '.')
			return true;
	return false;
}

static void
layer_head(struct ev_buf *b, const struct rp *rp)
{
	const struct report *r = rp->r;
	char a[EV_TIME_MAX_LEN + 1], z[EV_TIME_MAX_LEN + 1];
	struct ev_buf d = EV_BUF_INIT;

	ev_buf_adds(b, "{\"name\":\"evtxhunt findings\",\"versions\":{"
	    "\"layer\":\"4.5\",\"navigator\":\"5.1.0\"},"
	    "\"domain\":\"enterprise-attack\",\"description\":");
	ev_buf_addf(&d, "%zu findings of evtxhunt scan over %zu files; a "
	    "technique's score is its number of findings", r->nfindings,
	    r->run->nfiles);
	ev_json_str(b, d.buf);
	ev_buf_release(&d);
	ev_buf_adds(b, ",\"sorting\":3,\"layout\":{\"layout\":\"side\","
	    "\"showID\":true,\"showName\":true},\"hideDisabled\":false,"
	    "\"selectTechniquesAcrossTactics\":true,"
	    "\"selectSubtechniquesWithParent\":false,\"metadata\":["
	    "{\"name\":\"generated by\",\"value\":");
	ev_json_str(b, r->version);
	ev_buf_adds(b, "},{\"name\":\"command\",\"value\":");
	ev_json_str(b, r->command);
	ev_buf_adds(b, "}");
	if (rp->ffirst != 0) {
		ev_time_iso(rp->ffirst, a);
		ev_time_iso(rp->flast, z);
		ev_buf_addf(b, ",{\"name\":\"findings from\",\"value\":\"%s\"},"
		    "{\"name\":\"findings to\",\"value\":\"%s\"}", a, z);
	}
	ev_buf_adds(b, "]");
}

int
report_navigator(FILE *out, const struct rp *rp, struct ev_err *err)
{
	const struct report *r = rp->r;
	struct nav_acc acc = { 0 };
	struct ev_buf b = EV_BUF_INIT, c = EV_BUF_INIT;
	uint64_t max = 0;
	int rc;

	for (size_t i = 0; i < r->nfindings && !acc.oom; i++)
		for (size_t j = 0; j < r->findings[i].nreasons; j++) {
			acc.reason = &r->findings[i].reasons[j];
			acc.finding = i;
			rp_techniques(acc.reason->tags, hit_add, &acc);
		}
	if (acc.oom) {
		free(acc.v);
		EV_ERR(err, EV_ENOMEM, 0, "navigator layer: out of memory");
		return EV_ENOMEM;
	}
	ev_qsort(acc.v, acc.n, sizeof(*acc.v), cmp_hit);
	layer_head(&b, rp);
	ev_buf_adds(&b, ",\"techniques\":[");
	for (size_t i = 0; i < rp->ntechs; i++) {
		const struct rp_count *t = &rp->techs[i];
		const struct nav_hit *h;
		size_t n;

		if (t->n > max)
			max = t->n;
		h = hits_of(&acc, t->key, &n);
		ev_buf_reset(&c);
		if (comment(&c, h, n, t->n) != 0)
			ev_buf_adds(&c, "?");
		ev_buf_adds(&b, i ? ",\n" : "\n");
		ev_buf_adds(&b, "{\"techniqueID\":");
		ev_json_str(&b, t->key);
		ev_buf_addf(&b, ",\"score\":%" PRIu64 ",\"comment\":", t->n);
		ev_json_str(&b, c.buf);
		ev_buf_addf(&b, ",\"enabled\":true,\"metadata\":[],\"links\":[],"
		    "\"showSubtechniques\":%s}", strchr(t->key, '.') == NULL &&
		    has_sub(rp, t->key) ? "true" : "false");
	}
	ev_buf_addf(&b, "],\"gradient\":{\"colors\":[\"#ffffff\",\"#ffb000\","
	    "\"#d62d20\"],\"minValue\":0,\"maxValue\":%" PRIu64 "},"
	    "\"legendItems\":[],\"showTacticRowBackground\":false,"
	    "\"tacticRowBackground\":\"#dddddd\"}\n", max > 0 ? max : 1);
	free(acc.v);
	ev_buf_release(&c);
	rc = rp_flush(out, &b, err);
	ev_buf_release(&b);
	return rc;
}
