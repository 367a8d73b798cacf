/*
 * resolve.c -- the field values of an event as matching reads them.
 *
 * A field is found on an event through a one-pass index of the event's
 * EventData names (index_event), or a column, by its source's mapping
 * (4688 maps Sysmon names; fields it does not carry are UNKNOWN, as are
 * the EventData fields and columns of a record whose template was not
 * found, template: unresolved, whose values are positional).  Each
 * value is resolved (resolve_raw) and case-folded (fold_value) at most
 * once per event and kept in the scratch, stamped with the event's
 * generation number (match_int.h: resolve_value, resolve).  With the
 * prefilter off, EventData is searched by name instead of indexed, so
 * the two ways check each other.  sigma_field_value() reads a field the
 * same way without a scratch (correlations).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "correlation.h"
#include "fold.h"
#include "match_int.h"

/*
 * Whether data name nm (n bytes, with a space) is name without its
 * spaces: Defender logs "Threat Name" where rules say ThreatName.
 */
static bool
nosp_eq(const char *nm, size_t n, const char *name, size_t len)
{
	size_t j = 0;

	for (size_t i = 0; i < n; i++) {
		if (nm[i] == ' ')
			continue;
		if (j == len || nm[i] != name[j])
			return false;
		j++;
	}
	return j == len;
}

/*
 * EventData value by name: exact, then ignoring ASCII case, then
 * ignoring the data name's spaces.
 */
static const char *
data_get(const struct ev_event *ev, const char *name)
{
	for (uint32_t i = 0; i < ev->ndata; i++)
		if (strcmp(ev->data[i].name, name) == 0)
			return ev->data[i].value;
	for (uint32_t i = 0; i < ev->ndata; i++)
		if (strcasecmp(ev->data[i].name, name) == 0)
			return ev->data[i].value;
	for (uint32_t i = 0; i < ev->ndata; i++) {
		const char *nm = ev->data[i].name;

		if (strchr(nm, ' ') != NULL && nosp_eq(nm, strlen(nm), name,
		    strlen(name)))
			return ev->data[i].value;
	}
	return NULL;
}

/* A data name with spaces, under the field name it is without them. */
static void
index_nosp(struct sigma_scratch *sc, struct dslot *ds, const char *nm,
    size_t n, uint32_t i)
{
	const struct sigma_set *set = sc->set;
	char buf[256];
	size_t m = 0;
	uint32_t id;

	for (size_t j = 0; j < n; j++)
		if (nm[j] != ' ') {
			if (m == sizeof(buf))
				return;
			buf[m++] = nm[j];
		}
	for (id = set->namehead[sigma_name_hash(buf, m)]; id != NID_NONE;
	    id = set->names[id].next) {
		const struct dname *d = &set->names[id];
		struct dslot *sl = &ds[id];

		if (d->len != m || memcmp(d->name, buf, m) != 0)
			continue;
		if (sl->stamp != sc->stamp) {
			sl->stamp = sc->stamp;
			sl->exact = sl->ci = sl->nosp = -1;
		}
		if (sl->nosp < 0)
			sl->nosp = (int32_t)i;
	}
}

/*
 * Indexes the EventData names of e (k: 0 the event, 1 its process) that
 * some field is looked up by: one pass instead of a search per field.
 */
static void
index_event(struct sigma_scratch *sc, const struct ev_event *e, int k)
{
	const struct sigma_set *set = sc->set;
	struct dslot *ds = sc->dix + (size_t)k * set->nnames;

	sc->dixstamp[k] = sc->stamp;
	for (uint32_t i = 0; i < e->ndata; i++) {
		const char *nm = e->data[i].name;
		size_t n = strlen(nm);
		uint32_t id = set->namehead[sigma_name_hash(nm, n)];

		for (; id != NID_NONE; id = set->names[id].next) {
			const struct dname *d = &set->names[id];
			struct dslot *sl = &ds[id];

			if (d->len != n)
				continue;
			if (sl->stamp != sc->stamp) {
				sl->stamp = sc->stamp;
				sl->exact = sl->ci = sl->nosp = -1;
			}
			if (memcmp(d->name, nm, n) == 0) {
				if (sl->exact < 0)
					sl->exact = (int32_t)i;
			} else if (sl->ci < 0 && ascii_caseeq(d->name, nm, n))
				sl->ci = (int32_t)i;
		}
		if (memchr(nm, ' ', n) != NULL)
			index_nosp(sc, ds, nm, n, i);
	}
}

/*
 * The index of the EventData value named nid in e (k as above): the
 * first exact match, else the first ignoring ASCII case, else the first
 * named so but for spaces (as data_get()), or -1.
 */
static int32_t
data_index(struct sigma_scratch *sc, const struct ev_event *e, int k,
    uint32_t nid)
{
	const struct dslot *sl;

	if (nid == NID_NONE)
		return -1;
	if (sc->dixstamp[k] != sc->stamp)
		index_event(sc, e, k);
	sl = &sc->dix[(size_t)k * sc->set->nnames + nid];
	if (sl->stamp != sc->stamp)
		return -1;
	return sl->exact >= 0 ? sl->exact : sl->ci >= 0 ? sl->ci : sl->nosp;
}

/*
 * EventData value of e by field name (nid its name id): by the index,
 * or searched when the prefilter is off (so the two ways are compared).
 * *di gets the index when e is the event itself, *len the value's
 * length (it stays SIZE_MAX when the value was searched by name).
 */
static const char *
data_value(struct sigma_scratch *sc, const struct ev_event *e, int k,
    const char *name, uint32_t nid, int32_t *di, size_t *len)
{
	int32_t i;

	if (sc->noprefilter)
		return data_get(e, name);
	if ((i = data_index(sc, e, k, nid)) < 0)
		return NULL;
	if (k == 0)
		*di = i;
	*len = data_len(e, (uint32_t)i);
	return e->data[i].value;
}

/*
 * Sigma's Data on an event with no value of that name: its unnamed
 * EventData values (Windows PowerShell 400/403/600/800 and other classic
 * providers log <Data> without a Name; readers give one value per
 * string), one per line in order, so that Data|contains finds a text in
 * any of them.  A single one is read as it is; several are joined in
 * the scratch, once per event (without a scratch: NULL).  NULL when
 * there is none, or out of memory.
 */
static const char *
unnamed_data(struct sigma_scratch *sc, const struct ev_event *ev,
    size_t *len)
{
	uint32_t n = 0, first = 0;
	size_t need = 0;

	for (uint32_t i = 0; i < ev->ndata; i++)
		if (ev->data[i].name[0] == '\0') {
			if (n++ == 0)
				first = i;
			need += data_len(ev, i) + 1;
		}
	if (n == 0 || (n > 1 && sc == NULL))
		return NULL;
	if (n == 1) {
		if (len != NULL)
			*len = data_len(ev, first);
		return ev->data[first].value;
	}
	if (sc->joinstamp != sc->stamp || sc->join == NULL) {
		char *o;

		if (need > sc->joincap) {
			if ((o = realloc(sc->join, need)) == NULL) {
				sc->degraded = true;
				return NULL;
			}
			sc->join = o;
			sc->joincap = need;
		}
		o = sc->join;
		for (uint32_t i = first; i < ev->ndata; i++) {
			size_t l;

			if (ev->data[i].name[0] != '\0')
				continue;
			if (i != first)
				*o++ = '\n';
			l = data_len(ev, i);
			memcpy(o, ev->data[i].value, l);
			o += l;
		}
		*o = '\0';
		sc->joinlen = (size_t)(o - sc->join);
		sc->joinstamp = sc->stamp;
	}
	*len = sc->joinlen;
	return sc->join;
}

/*
 * The field f of ev (an event of class cls) as matching reads it: map
 * selects the 4688 names.  With a scratch, EventData is found through
 * its per-event index (*di, *len as data_value()); without one (sc
 * NULL: sigma_field_value()), searched by name.  Sets *unknown for a
 * field a 4688 record does not carry.  The event id is written to evid.
 */
static const char *
field_raw(struct sigma_scratch *sc, const struct ev_event *ev, unsigned cls,
    const struct field *f, bool map, char evid[12], int32_t *di,
    size_t *len, bool *unknown)
{
	const char *v = NULL;
	uint8_t how = map ? f->src4688 : f->srcsys;

	*unknown = false;
	switch (how) {
	case FS_DATA:
		v = sc ? data_value(sc, ev, 0, f->name, map ? f->nid4688 :
		    f->nid, di, len) : data_get(ev, f->name);
		/* Sysmon 3/7: the process's fields (EDR-style enrichment) */
		if (v == NULL && ev->process != NULL &&
		    (cls == LS_SYSMON(3) || cls == LS_SYSMON(7)))
			v = sc ? data_value(sc, ev->process, 1, f->name,
			    map ? f->nid4688 : f->nid, di, len) :
			    data_get(ev->process, f->name);
		if (v == NULL && !map && strcmp(f->name, "Data") == 0)
			v = unnamed_data(sc, ev, len);
		break;
	case FS_DATA_OR_UNKNOWN:
		v = sc ? data_value(sc, ev, 0, f->name4688, f->nid4688, di,
		    len) : data_get(ev, f->name4688);
		*unknown = v == NULL;
		break;
	case FS_COL_OR_UNKNOWN:
		v = ev_col(ev, f->col4688);
		*unknown = v == NULL;
		break;
	case FS_COL:
		v = ev_col(ev, f->col4688);
		break;
	case FS_UNKNOWN:
		*unknown = true;
		break;
	case FS_EVENT_ID:
		snprintf(evid, 12, "%u", ev->event_id);
		v = evid;
		break;
	case FS_CHANNEL:
		v = ev_col(ev, EV_COL_CHANNEL);
		break;
	case FS_COMPUTER:
		v = ev_col(ev, EV_COL_COMPUTER);
		break;
	case FS_PROVIDER:
		v = ev_col(ev, EV_COL_PROVIDER);
		break;
	}
	return v;
}

/* Whether f is read by name from the event's data or columns. */
static bool
field_named(const struct field *f, bool map)
{
	uint8_t how = map ? f->src4688 : f->srcsys;

	return how == FS_DATA || how == FS_COL || how == FS_DATA_OR_UNKNOWN ||
	    how == FS_COL_OR_UNKNOWN;
}

void
resolve_raw(struct sigma_scratch *sc, const struct field *f, bool map,
    struct fval *fv)
{
	size_t len = SIZE_MAX;
	bool unknown;
	const char *v;

	fv->di = -1;
	v = field_raw(sc, sc->ev, sc->cls, f, map, sc->evid, &fv->di, &len,
	    &unknown);
	fv->state = unknown ? ST_UNKNOWN : ST_ABSENT;
	if (v != NULL) {
		fv->state = ST_PRESENT;
		fv->v = v;
		fv->vlen = len != SIZE_MAX ? len : strlen(v);
	} else if (sc->ev->unresolved && field_named(f, map)) {
		/* template: unresolved: its values are positional, so its
		   named fields are unknown, never absent (SPEC §4) */
		fv->state = ST_UNKNOWN;
	}
}

const char *
sigma_field_value(const struct sigma_set *set, uint32_t rule, uint32_t fid,
    const struct ev_event *ev, char evid[12])
{
	const struct sigma_rule *r = set->rules[rule];
	unsigned cls = sigma_event_class(ev);
	bool map = cls == LS_4688 && r->compiled != NULL &&
	    r->compiled->map4688;
	bool unknown;

	if (fid >= set->nfields)
		return NULL;
	return field_raw(NULL, ev, cls, &set->fields[fid], map, evid, NULL,
	    NULL, &unknown);
}

int
fold_room(struct sigma_scratch *sc, size_t need)
{
	char *n;
	size_t cap = sc->foldcap;

	if (sc->foldlen + need <= cap)
		return 0;
	while (cap < sc->foldlen + need)
		cap *= 2;
	if ((n = realloc(sc->fold, cap)) == NULL)
		return -1;
	sc->fold = n;
	sc->foldcap = cap;
	return 0;
}

/*
 * Folds a present value (once per event).  Pointers into sc->fold are
 * valid until the next fold (it may grow): use fv->foff.
 */
void
fold_value(struct sigma_scratch *sc, struct fval *fv)
{
	struct dfold *df = fv->di >= 0 ? &sc->dfold[fv->di] : NULL;

	if (df != NULL && df->stamp == sc->stamp) {
		fv->foff = df->foff;
		fv->flen = df->flen;
		fv->ascii = df->ascii;
	} else if (fold_room(sc, fv->vlen * 2 + 1) == -1) {
		/* out of memory: compare unfolded (cased) */
		fv->foff = SIZE_MAX;
		sc->degraded = true;
	} else {
		fv->foff = sc->foldlen;
		fv->flen = sigma_fold_ascii(fv->v, fv->vlen,
		    sc->fold + sc->foldlen, &fv->ascii);
		sc->foldlen += fv->flen;
		if (df != NULL) {
			df->stamp = sc->stamp;
			df->foff = fv->foff;
			df->flen = fv->flen;
			df->ascii = fv->ascii;
		}
	}
	fv->folded = true;
}
