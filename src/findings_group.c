/*
 * findings_group.c -- identical findings grouped into entries
 * (findings_group(), findings.h): by computer, image, user, command line
 * (as logged, or its shape), what the event reached and the set of rules.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "baseline/baseline.h"
#include "ev_buf.h"
#include "ev_map.h"
#include "ev_par.h"
#include "findings.h"

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
key_part(struct ev_buf *k, const char *s)
{
	if (s != NULL)
		ev_buf_adds(k, s);
	ev_buf_addc(k, '\x1f');
}

/* The key that identical findings share (findings.h). */
static void
group_key(struct ev_buf *k, const struct finding *f,
    enum findings_grouping how)
{
	const struct ev_event *ev = f->ev, *p = ev->process;
	const char *ids[16];
	size_t n = 0;

#define COL(c) (ev_col(ev, c) != NULL || p == NULL ? ev_col(ev, c) : \
	ev_col(p, c))
	key_part(k, ev_col(ev, EV_COL_COMPUTER));
	key_part(k, COL(EV_COL_IMAGE));
	key_part(k, COL(EV_COL_USER));
	if (how == FINDINGS_GROUP_SHAPE && COL(EV_COL_COMMAND_LINE) != NULL)
		base_shape_cmdline(COL(EV_COL_COMMAND_LINE), false, k);
	else
		ev_buf_adds(k, COL(EV_COL_COMMAND_LINE) ?
		    COL(EV_COL_COMMAND_LINE) : "");
#undef COL
	ev_buf_addc(k, '\x1f');
	ev_buf_addf(k, "%d\x1f", (int)ev->kind);
	key_part(k, ev_col(ev, EV_COL_DST_IP));
	key_part(k, ev_col(ev, EV_COL_DST_HOSTNAME));
	key_part(k, ev_col(ev, EV_COL_DST_PORT));
	key_part(k, ev_col(ev, EV_COL_IMAGE_LOADED));
	if (ev->kind == EV_KIND_LOG_CLEAR)
		ev_buf_addf(k, "%u\x1f", (unsigned)ev->event_id);
	/* the set of rules, sorted */
	for (size_t i = 0; i < f->nreasons; i++) {
		if (n == sizeof(ids) / sizeof(ids[0])) {
			/* too many to sort here: never grouped */
			ev_buf_addf(k, "%p", (const void *)f);
			return;
		}
		ids[n++] = f->reasons[i].rule_id ? f->reasons[i].rule_id : "";
	}
	qsort(ids, n, sizeof(ids[0]), cmp_str);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(ids[i], ids[i - 1]) != 0)
			key_part(k, ids[i]);
}

/*
 * The hash of every finding's key, hv[i], in blocks on the threads: the
 * keys themselves are built again only where two hashes meet.
 */
#define GROUP_BLOCK	4096

struct hashes {
	const struct findings	*fs;
	enum findings_grouping	 how;
	uint64_t		*hv;
	atomic_bool		 oom;
};

static void
hash_block(void *arg, unsigned k)
{
	struct hashes *hs = arg;
	struct ev_buf key = EV_BUF_INIT;
	size_t to = (size_t)k * GROUP_BLOCK + GROUP_BLOCK;

	if (to > hs->fs->n)
		to = hs->fs->n;
	for (size_t i = (size_t)k * GROUP_BLOCK; i < to; i++) {
		ev_buf_reset(&key);
		group_key(&key, &hs->fs->v[i], hs->how);
		hs->hv[i] = ev_map_hash(key.buf, key.len);
	}
	if (ev_buf_failed(&key))
		atomic_store(&hs->oom, true);
	ev_buf_release(&key);
}

/* A finding whose group is looked for, and where keys are built. */
struct gkey {
	const struct findings	*fs;
	enum findings_grouping	 how;
	size_t			 i;	/* the finding */
	bool			*built;	/* its key is in key */
	struct ev_buf		*key;
	struct ev_buf		*other;	/* for a group's key */
};

/*
 * Whether the group in sl (ref: its first finding + 1) has the finding's
 * key: both keys are built here, the finding's once (keys are not kept:
 * a group costs a slot, not a copy of its command line).
 */
static bool
group_eq(const struct ev_islot *sl, const void *arg)
{
	const struct gkey *g = arg;

	if (!*g->built) {
		ev_buf_reset(g->key);
		group_key(g->key, &g->fs->v[g->i], g->how);
		*g->built = true;
	}
	ev_buf_reset(g->other);
	group_key(g->other, &g->fs->v[sl->ref - 1], g->how);
	return !ev_buf_failed(g->other) && !ev_buf_failed(g->key) &&
	    g->other->len == g->key->len &&
	    memcmp(g->other->buf, g->key->buf, g->key->len) == 0;
}

/* Group index of every finding into gi[]; the number of groups. */
static ssize_t
group_index(const struct findings *fs, enum findings_grouping how,
    uint32_t *gi, unsigned jobs)
{
	struct ev_buf k = EV_BUF_INIT, k2 = EV_BUF_INIT;
	bool built = false;
	struct gkey g = { fs, how, 0, &built, &k, &k2 };
	struct hashes hs = { fs, how, NULL, false };
	struct ev_iset t = EV_ISET_INIT;
	ssize_t rc = -1;

	if (how == FINDINGS_GROUP_NONE) {
		for (size_t i = 0; i < fs->n; i++)
			gi[i] = (uint32_t)i;
		return (ssize_t)fs->n;
	}
	if (fs->n >= UINT32_MAX ||
	    (hs.hv = ev_big_alloc(fs->n * sizeof(*hs.hv))) == NULL)
		goto out;
	ev_par_for((unsigned)((fs->n + GROUP_BLOCK - 1) / GROUP_BLOCK), jobs,
	    hash_block, &hs);
	if (atomic_load(&hs.oom))
		goto out;
	for (size_t i = 0; i < fs->n; i++) {
		struct ev_islot *sl;

		g.i = i;
		built = false;
		if (!ev_iset_room(&t))
			goto out;
		if ((sl = ev_iset_find(&t, hs.hv[i], group_eq, &g))->ref ==
		    0) {
			/* n: the group's number */
			*sl = (struct ev_islot){ hs.hv[i], (uint32_t)i + 1,
			    (uint32_t)t.used++ };
		}
		if (ev_buf_failed(&k) || ev_buf_failed(&k2))
			goto out;
		gi[i] = sl->n;
	}
	rc = (ssize_t)t.used;
out:
	ev_big_free(hs.hv);
	ev_iset_release(&t);
	ev_buf_release(&k);
	ev_buf_release(&k2);
	return rc;
}

int
findings_group(struct findings *fs, enum findings_grouping how,
    unsigned jobs)
{
	uint32_t *gi = NULL;
	size_t *at = NULL;
	ssize_t ng;
	int rc = EV_ENOMEM;

	ev_big_free(fs->groups);
	ev_big_free(fs->members);
	fs->groups = NULL;
	fs->members = NULL;
	fs->ngroups = 0;
	fs->grouping = how;
	if (fs->n == 0)
		return 0;
	if ((gi = ev_big_calloc(fs->n, sizeof(*gi))) == NULL ||
	    (ng = group_index(fs, how, gi, jobs)) < 0 ||
	    (fs->groups = ev_big_calloc((size_t)ng, sizeof(*fs->groups))) ==
	    NULL || (fs->members = ev_big_calloc(fs->n,
	    sizeof(*fs->members))) == NULL ||
	    (at = ev_big_calloc((size_t)ng, sizeof(*at))) == NULL)
		goto out;
	for (size_t i = 0; i < fs->n; i++)
		fs->groups[gi[i]].count++;
	for (size_t g = 0, sum = 0; g < (size_t)ng; g++) {
		at[g] = sum;
		fs->groups[g].members = fs->members + sum;
		fs->groups[g].id = (uint32_t)g + 1;
		sum += fs->groups[g].count;
	}
	for (size_t i = 0; i < fs->n; i++) {
		struct finding_group *g = &fs->groups[gi[i]];
		const struct finding *f = &fs->v[i];
		uint64_t t = f->ev->time;

		if (g->first == NULL) {
			g->first = f;
			g->first_time = g->last_time = t;
		}
		if (t != 0 && (g->first_time == 0 || t < g->first_time))
			g->first_time = t;
		if (t > g->last_time)
			g->last_time = t;
		if (f->level > g->level)
			g->level = f->level;
		fs->members[at[gi[i]]++] = f;
		fs->v[i].group = g->id;
	}
	fs->ngroups = (size_t)ng;
	rc = 0;
out:
	if (rc != 0) {
		ev_big_free(fs->groups);
		ev_big_free(fs->members);
		fs->groups = NULL;
		fs->members = NULL;
	}
	ev_big_free(gi);
	ev_big_free(at);
	return rc;
}
