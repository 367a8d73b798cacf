/*
 * features.c -- an invocation's features (argument shapes, parent,
 * image, loaded modules, network destinations), the per-host counts a
 * baseline holds, and the host-summed model scoring reads.
 */
#include <stdlib.h>
#include <string.h>

#include "baseline/baseline.h"
#include "ev_util.h"
#include "correlate.h"

#define MAX_FEATURES	1024	/* per invocation */
#define MAX_DESCENDANTS	64	/* children and grandchildren looked at */

/* v[0..len) stored for inv: interned in strings, else in its arena. */
static const char *
keep(struct base_inv *inv, struct ev_shared *strings, const char *v,
    size_t len)
{
	if (strings == NULL) {
		if (inv->arena == NULL) {
			if ((inv->arena = malloc(sizeof(*inv->arena))) ==
			    NULL)
				return NULL;
			ev_arena_init(inv->arena);
		}
		return ev_arena_strndup(inv->arena, v, len);
	}
	return ev_shared_value(strings, v, len);
}

static int
add_feat(struct base_inv *inv, struct ev_shared *strings, size_t *cap,
    enum base_ftype t, const char *v, size_t len)
{
	const char *s;

	for (size_t i = 0; i < inv->nfeat; i++)
		if (inv->feat[i].type == t && strlen(inv->feat[i].value) == len &&
		    memcmp(inv->feat[i].value, v, len) == 0)
			return 0;
	if (inv->nfeat == MAX_FEATURES)
		return 0;
	if (EV_GROW(inv->feat, inv->nfeat, *cap, 16) != 0)
		return EV_ENOMEM;
	if ((s = keep(inv, strings, v, len)) == NULL)
		return EV_ENOMEM;
	inv->feat[inv->nfeat].type = t;
	inv->feat[inv->nfeat].value = s;
	inv->nfeat++;
	return 0;
}

static int
add_buf(struct base_inv *inv, struct ev_shared *strings, size_t *cap,
    enum base_ftype t, struct ev_buf *b)
{
	int rc;

	if (ev_buf_failed(b))
		return EV_ENOMEM;
	rc = add_feat(inv, strings, cap, t, b->len ? b->buf : "", b->len);
	ev_buf_reset(b);
	return rc;
}

static int
add_child(struct base_inv *inv, struct ev_shared *strings, size_t *cap,
    const struct ev_event *child, struct ev_buf *b, size_t *seen)
{
	const char *img = ev_col(child, EV_COL_IMAGE);

	(*seen)++;
	if (img == NULL || *img == '\0')
		return 0;
	base_shape_file(img, b);
	return add_buf(inv, strings, cap, BASE_F_CHILD, b);
}

/*
 * The ARG features of the command line cmd (each argument's shape,
 * relative payloads resolved against the current directory cwd) and its
 * ARGS feature (the shapes joined, "<none>" without arguments).  b is
 * scratch.  0 or EV_ENOMEM.
 */
static int
add_args(struct base_inv *inv, struct ev_shared *strings, size_t *cap,
    const char *cmd, const char *cwd, struct ev_buf *b)
{
	struct ev_buf all = EV_BUF_INIT;
	char **argv;
	size_t argc;
	int rc = 0;

	if (base_shape_args(cmd, &argv, &argc) != 0)
		return EV_ENOMEM;
	for (size_t i = 1; i < argc && rc == 0; i++) {
		char *abs = base_resolve_arg(argv[i], cwd, inv->bin->comma,
		    inv->bin->search);

		base_shape_arg(abs ? abs : argv[i], inv->bin->comma, b);
		free(abs);
		if (i > 1)
			ev_buf_addc(&all, ' ');
		ev_buf_add(&all, b->buf, b->len);
		rc = add_buf(inv, strings, cap, BASE_F_ARG, b);
	}
	base_argv_free(argv);
	if (rc == 0 && all.len == 0)
		ev_buf_adds(&all, "<none>");
	if (rc == 0)
		rc = add_buf(inv, strings, cap, BASE_F_ARGS, &all);
	ev_buf_release(&all);
	return rc;
}

/*
 * The NET feature of a connection (Sysmon 3): the address class and
 * port it went to ("in:" and the local side when it came in), and the
 * protocol.  Nothing for an address without a class.  0 or EV_ENOMEM.
 */
static int
add_net(struct base_inv *inv, struct ev_shared *strings, size_t *cap,
    const struct ev_event *c, struct ev_buf *b)
{
	const char *cls = base_ip_class(ev_col(c, EV_COL_DST_IP));
	const char *port = ev_col(c, EV_COL_DST_PORT);
	const char *proto = ev_col(c, EV_COL_PROTOCOL);

	if (cls == NULL)
		return 0;
	if (ev_col(c, EV_COL_INITIATED) != NULL &&
	    strcmp(ev_col(c, EV_COL_INITIATED), "0") == 0) {
		/* inbound: the local port says more */
		ev_buf_adds(b, "in:");
		cls = base_ip_class(ev_col(c, EV_COL_SRC_IP));
		port = ev_col(c, EV_COL_SRC_PORT);
		if (cls == NULL)
			cls = "?";
	}
	ev_buf_addf(b, "%s:%s", cls, port ? port : "?");
	if (proto != NULL && *proto != '\0') {
		ev_buf_addc(b, '/');
		for (const char *p = proto; *p && p - proto < 8; p++)
			ev_buf_addc(b, (*p >= 'A' && *p <= 'Z') ?
			    (char)(*p + 32) : *p);
	}
	return add_buf(inv, strings, cap, BASE_F_NET, b);
}

int
base_features(const struct base_config *cfg, const struct corr *corr,
    const struct ev_event *ev, struct ev_shared *strings, struct ev_arena *arrays,
    struct base_inv *inv)
{
	const struct ev_event *const *list;
	const char *cmd = ev_col(ev, EV_COL_COMMAND_LINE);
	const char *pimg = ev_col(ev, EV_COL_PARENT_IMAGE);
	const char *comp = ev_col(ev, EV_COL_COMPUTER);
	struct ev_buf b = EV_BUF_INIT;
	size_t cap = 0, n;
	int rc = 0;

	memset(inv, 0, sizeof(*inv));
	inv->ev = ev;
	inv->bin = base_identify(cfg, ev, &inv->renamed);
	if (inv->bin == NULL)
		return 0;
	for (const char *p = comp != NULL ? comp : ""; *p != '\0'; p++)
		ev_buf_addc(&b, (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) :
		    *p);
	if (ev_buf_failed(&b) ||
	    (inv->host = keep(inv, strings, b.len ? b.buf : "", b.len)) ==
	    NULL) {
		ev_buf_release(&b);
		return EV_ENOMEM;
	}
	ev_buf_reset(&b);

	if (cmd != NULL && (rc = add_args(inv, strings, &cap, cmd,
	    ev_col(ev, EV_COL_CURRENT_DIRECTORY), &b)) != 0)
		goto out;
	if ((pimg == NULL || *pimg == '\0') && corr != NULL) {
		const struct ev_event *p = corr_parent(corr, ev);

		if (p != NULL)
			pimg = ev_col(p, EV_COL_IMAGE);
	}
	if (pimg != NULL && *pimg != '\0') {
		base_shape_file(pimg, &b);
		if ((rc = add_buf(inv, strings, &cap, BASE_F_PARENT, &b)) != 0)
			goto out;
	}
	if (ev_col(ev, EV_COL_IMAGE) != NULL && *ev_col(ev, EV_COL_IMAGE) !=
	    '\0') {
		base_shape_file(ev_col(ev, EV_COL_IMAGE), &b);
		if ((rc = add_buf(inv, strings, &cap, BASE_F_IMAGE, &b)) != 0)
			goto out;
	}
	if (corr == NULL)
		goto out;
	n = corr_image_loads(corr, ev, &list);
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *m = ev_col(list[i], EV_COL_IMAGE_LOADED);

		if (m == NULL || *m == '\0')
			continue;
		base_shape_file(m, &b);
		rc = add_buf(inv, strings, &cap, BASE_F_MODULE, &b);
	}
	n = corr_network(corr, ev, &list);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = add_net(inv, strings, &cap, list[i], &b);
	/* what it started: children and their children */
	n = corr_children(corr, ev, &list);
	for (size_t i = 0, seen = 0; i < n && rc == 0 &&
	    seen < MAX_DESCENDANTS; i++) {
		const struct ev_event *const *sub;
		size_t m = corr_children(corr, list[i], &sub);

		rc = add_child(inv, strings, &cap, list[i], &b, &seen);
		for (size_t j = 0; j < m && rc == 0 && seen < MAX_DESCENDANTS;
		    j++)
			rc = add_child(inv, strings, &cap, sub[j], &b, &seen);
	}
out:
	ev_buf_release(&b);
	if (rc == 0 && arrays != NULL && strings != NULL && inv->nfeat > 0) {
		/* scoring keeps every invocation: in the caller's arena
		   (pooled: past the memory budget, a file's pages) */
		struct base_feat *f = ev_arena_alloc(arrays, inv->nfeat *
		    sizeof(*f));

		if (f == NULL)
			return EV_ENOMEM;
		memcpy(f, inv->feat, inv->nfeat * sizeof(*f));
		free(inv->feat);
		inv->feat = f;
		inv->feat_kept = true;
	}
	return rc;
}

void
base_inv_release(struct base_inv *inv)
{
	if (!inv->feat_kept)
		free(inv->feat);
	if (inv->arena != NULL) {
		ev_arena_release(inv->arena);
		free(inv->arena);
	}
	memset(inv, 0, sizeof(*inv));
}

/* ---- counts ------------------------------------------------------ */

void
base_counts_init(struct base_counts *c)
{
	ev_map_init(&c->feat);
	ev_map_init(&c->inv);
}

void
base_counts_release(struct base_counts *c)
{
	ev_map_release(&c->feat);
	ev_map_release(&c->inv);
}

static void
tally(struct ev_map_ent *e, uint64_t count, uint64_t first, uint64_t last)
{
	if (e->count == 0 || first < e->first)
		e->first = first;
	if (e->count == 0 || last > e->last)
		e->last = last;
	e->count += count;
}

static void
key(struct ev_buf *b, const char *a, const char *c, const char *d,
    const char *e)
{
	const char *parts[4] = { a, c, d, e };

	ev_buf_reset(b);
	for (int i = 0; i < 4 && parts[i] != NULL; i++) {
		if (i > 0)
			ev_buf_addc(b, '\x1f');
		ev_buf_adds(b, parts[i]);
	}
}

int
base_counts_add(struct base_counts *c, const struct base_inv *inv)
{
	struct ev_buf b = EV_BUF_INIT;
	struct ev_map_ent *e;
	uint64_t t = inv->ev->time;
	int rc = 0;

	if (inv->bin == NULL)
		return 0;
	key(&b, inv->bin->name, inv->host, NULL, NULL);
	if (ev_buf_failed(&b) ||
	    (e = ev_map_put(&c->inv, b.buf, b.len, NULL)) == NULL) {
		rc = EV_ENOMEM;
		goto out;
	}
	tally(e, 1, t, t);
	for (size_t i = 0; i < inv->nfeat; i++) {
		key(&b, inv->bin->name, base_ftype_name(inv->feat[i].type),
		    inv->feat[i].value, inv->host);
		if (ev_buf_failed(&b) ||
		    (e = ev_map_put(&c->feat, b.buf, b.len, NULL)) == NULL) {
			rc = EV_ENOMEM;
			goto out;
		}
		tally(e, 1, t, t);
	}
out:
	ev_buf_release(&b);
	return rc;
}

int
base_counts_add_events(struct base_counts *c, const struct base_config *cfg,
    const struct corr *corr, struct ev_event *const *events, size_t n,
    struct ev_err *err)
{
	for (size_t i = 0; i < n; i++) {
		struct base_inv inv;
		int rc;

		ev_prefetch_cols(events, i, n);
		if (events[i]->kind != EV_KIND_PROCESS ||
		    (corr != NULL && corr_is_duplicate(corr, events[i])))
			continue;
		rc = base_features(cfg, corr, events[i], NULL, NULL, &inv);
		if (rc == 0)
			rc = base_counts_add(c, &inv);
		base_inv_release(&inv);
		if (rc != 0)
			return EV_ERR(err, rc, 0, "baseline: out of memory");
	}
	return 0;
}

/* ---- model ------------------------------------------------------- */

void
base_model_init(struct base_model *m)
{
	ev_map_init(&m->val);
	ev_map_init(&m->kinds);
	ev_map_init(&m->bin);
	ev_map_init(&m->host);
}

void
base_model_release(struct base_model *m)
{
	ev_map_release(&m->val);
	ev_map_release(&m->kinds);
	ev_map_release(&m->bin);
	ev_map_release(&m->host);
}

int
base_model_add_value(struct base_model *m, const char *k, size_t klen,
    uint64_t count)
{
	struct ev_map_ent *e;
	const char *s2;
	bool isnew;

	if ((e = ev_map_put(&m->val, k, klen, &isnew)) == NULL)
		return EV_ENOMEM;
	e->count += count;
	if (!isnew)
		return 0;
	/* a new distinct value of (bin, type) */
	s2 = memchr(k, '\x1f', klen);
	s2 = s2 ? memchr(s2 + 1, '\x1f', klen - (size_t)(s2 + 1 - k)) : NULL;
	if (s2 == NULL)
		return 0;
	if ((e = ev_map_put(&m->kinds, k, (size_t)(s2 - k), NULL)) == NULL)
		return EV_ENOMEM;
	e->count++;
	return 0;
}

int
base_model_add_inv(struct base_model *m, const char *bin, const char *host,
    uint64_t count, uint64_t first, uint64_t last)
{
	struct ev_buf b = EV_BUF_INIT;
	struct ev_map_ent *e, *h;
	bool isnew;
	int rc = EV_ENOMEM;

	key(&b, bin, host, NULL, NULL);
	if (ev_buf_failed(&b) ||
	    (h = ev_map_put(&m->host, b.buf, b.len, &isnew)) == NULL)
		goto out;
	h->count += count;
	if ((e = ev_map_put(&m->bin, bin, strlen(bin), NULL)) == NULL)
		goto out;
	if (count > 0)
		tally(e, count, first, last);
	if (isnew)
		e->idx++;
	rc = 0;
out:
	ev_buf_release(&b);
	return rc;
}

int
base_model_add_counts(struct base_model *m, const struct base_counts *c)
{
	struct ev_map_ent *e;
	size_t pos = 0;

	while ((e = ev_map_next(&c->feat, &pos)) != NULL) {
		/* drop the "\x1fhost" tail */
		const char *end = memrchr(e->key, '\x1f', e->klen);

		if (end == NULL)
			continue;
		if (base_model_add_value(m, e->key, (size_t)(end - e->key),
		    e->count) != 0)
			return EV_ENOMEM;
	}
	pos = 0;
	while ((e = ev_map_next(&c->inv, &pos)) != NULL) {
		const char *sep = memchr(e->key, '\x1f', e->klen);
		char *bin;
		int rc;

		if (sep == NULL)
			continue;
		if ((bin = strndup(e->key, (size_t)(sep - e->key))) == NULL)
			return EV_ENOMEM;
		rc = base_model_add_inv(m, bin, sep + 1, e->count, e->first,
		    e->last);
		free(bin);
		if (rc != 0)
			return rc;
	}
	return 0;
}
