/*
 * set.c -- a set of Sigma rules: its life cycle, the rule list (files.c
 * fills it, load.c compiles each rule), the field table (names and how
 * each maps on 4688) and the things the set keeps for its rules.
 * sigma_compile() is in prefilter.c.  Nothing here calls the loader.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../ev_util.h"
#include "fold.h"
#include "sigma_int.h"

struct sigma_set *
sigma_set_new(void)
{
	struct sigma_set *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	ev_arena_init(&s->arena);
	return s;
}

void
sigma_set_jobs(struct sigma_set *s, unsigned jobs)
{
	s->jobs = jobs;
}

void
sigma_set_free(struct sigma_set *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nres; i++)
		pcre2_code_free(s->res[i]);
	for (size_t i = 0; i < s->nacs; i++)
		sigma_ac_free(s->acs[i]);
	for (uint32_t i = 0; i < s->nfields; i++) {
		sigma_ac_free(s->fields[i].ac);
		free(s->fields[i].acrules);
		free(s->fields[i].acnrules);
		free(s->fields[i].rulelist);
		free(s->fields[i].patlen);
	}
	for (int i = 0; i < LS_MAX; i++) {
		free(s->always[i]);
		free(s->alw_any[i]);
		free(s->alw_id[i]);
		free(s->fieldscan[i]);
	}
	pcre2_match_context_free(s->mctx);
	free(s->res);
	free(s->names);
	free(s->needfull);
	free(s->acs);
	free(s->fields);
	free(s->fieldidx);
	free(s->rules);
	free(s->skips);
	for (size_t i = 0; i < s->ntexts; i++)
		free(s->texts[i]);
	free(s->texts);
	free(s->relimit);
	ev_arena_release(&s->arena);
	free(s);
}

char *
sigma_set_strdup(struct sigma_set *s, const char *p, size_t n)
{
	return ev_arena_strndup(&s->arena, p, n);
}

int
sigma_grow(void **v, size_t *cap, size_t n, size_t size)
{
	void *nv;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	nv = realloc(*v, ncap * size);
	if (nv == NULL)
		return EV_ENOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

struct sigma_rule *
sigma_new_rule(struct sigma_set *s, const char *path)
{
	struct sigma_rule *r;

	if (sigma_grow((void **)&s->rules, &s->cap, s->nrules,
	    sizeof(*s->rules)))
		return NULL;
	r = ev_arena_calloc(&s->arena, sizeof(*r));
	if (r == NULL)
		return NULL;
	r->path = sigma_set_strdup(s, path, strlen(path));
	if (r->path == NULL)
		return NULL;
	/* until sigma_load_rule() has read it */
	r->status = SIGMA_REJECTED;
	r->reason = "not read";
	r->reason_class = "unreadable";
	s->rules[s->nrules++] = r;
	return r;
}

int
sigma_set_keep_re(struct sigma_set *s, pcre2_code *re)
{
	if (sigma_grow((void **)&s->res, &s->rescap, s->nres, sizeof(*s->res)))
		return EV_ENOMEM;
	s->res[s->nres++] = re;
	return 0;
}

int
sigma_set_keep_ac(struct sigma_set *s, struct sigma_ac *ac)
{
	if (sigma_grow((void **)&s->acs, &s->acscap, s->nacs, sizeof(*s->acs)))
		return EV_ENOMEM;
	s->acs[s->nacs++] = ac;
	return 0;
}

/*
 * Sysmon field names on a 4688 record (SPEC §3, §4; pySigma's Windows
 * audit pipeline).  Names not listed are looked up as logged.
 */
static const struct {
	const char	*name;
	uint8_t		 src;
	const char	*data;
	int		 col;
} map4688[] = {
	{ "Image", FS_DATA_OR_UNKNOWN, "NewProcessName", 0 },
	{ "ParentImage", FS_DATA_OR_UNKNOWN, "ParentProcessName", 0 },
	{ "CommandLine", FS_DATA_OR_UNKNOWN, "CommandLine", 0 },
	{ "LogonId", FS_DATA_OR_UNKNOWN, "SubjectLogonId", 0 },
	{ "ProcessId", FS_COL_OR_UNKNOWN, NULL, EV_COL_PID },
	{ "ParentProcessId", FS_COL_OR_UNKNOWN, NULL, EV_COL_PARENT_PID },
	{ "User", FS_COL_OR_UNKNOWN, NULL, EV_COL_USER },
	{ "IntegrityLevel", FS_COL_OR_UNKNOWN, NULL, EV_COL_INTEGRITY_LEVEL },
	/* Sysmon 1 fields a 4688 record never carries */
	{ "OriginalFileName", FS_UNKNOWN, NULL, 0 },
	{ "Hashes", FS_UNKNOWN, NULL, 0 },
	{ "Imphash", FS_UNKNOWN, NULL, 0 },
	{ "md5", FS_UNKNOWN, NULL, 0 },
	{ "sha1", FS_UNKNOWN, NULL, 0 },
	{ "sha256", FS_UNKNOWN, NULL, 0 },
	{ "ParentCommandLine", FS_UNKNOWN, NULL, 0 },
	{ "ParentUser", FS_UNKNOWN, NULL, 0 },
	{ "ParentProcessGuid", FS_UNKNOWN, NULL, 0 },
	{ "ProcessGuid", FS_UNKNOWN, NULL, 0 },
	{ "Company", FS_UNKNOWN, NULL, 0 },
	{ "Product", FS_UNKNOWN, NULL, 0 },
	{ "Description", FS_UNKNOWN, NULL, 0 },
	{ "FileVersion", FS_UNKNOWN, NULL, 0 },
	{ "CurrentDirectory", FS_UNKNOWN, NULL, 0 },
	{ "LogonGuid", FS_UNKNOWN, NULL, 0 },
	{ "TerminalSessionId", FS_UNKNOWN, NULL, 0 },
	{ "RuleName", FS_UNKNOWN, NULL, 0 },
	{ "UtcTime", FS_UNKNOWN, NULL, 0 },
};

static uint8_t
sys_field(const char *name)
{
	if (strcmp(name, "EventID") == 0)
		return FS_EVENT_ID;
	if (strcmp(name, "Channel") == 0)
		return FS_CHANNEL;
	if (strcmp(name, "Computer") == 0 || strcmp(name, "ComputerName") == 0)
		return FS_COMPUTER;
	if (strcmp(name, "Provider_Name") == 0)
		return FS_PROVIDER;
	return FS_DATA;
}

static uint32_t
field_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	return h;
}

/*
 * The slot of name in the field index: its entry or the empty one.  A
 * field is indexed by its name up to a NUL (namelen), the first field
 * of a name winning, as the first match of a walk in id order would.
 */
static uint32_t *
field_slot(const struct sigma_set *s, const char *name, size_t len)
{
	uint32_t mask = s->fieldidxcap - 1, i = field_hash(name, len) & mask;

	for (;; i = (i + 1) & mask) {
		const struct field *f;

		if (s->fieldidx[i] == 0)
			return &s->fieldidx[i];
		f = &s->fields[s->fieldidx[i] - 1];
		if (f->namelen == len && memcmp(f->name, name, len) == 0)
			return &s->fieldidx[i];
	}
}

/* Room in the field index for one more field; 0 or EV_ENOMEM. */
static int
field_index_grow(struct sigma_set *s)
{
	uint32_t ncap = s->fieldidxcap ? s->fieldidxcap * 2 : 64;

	if ((s->nfields + 1) * 2 <= s->fieldidxcap)
		return 0;
	free(s->fieldidx);
	if ((s->fieldidx = calloc(ncap, sizeof(*s->fieldidx))) == NULL) {
		s->fieldidxcap = 0;
		return EV_ENOMEM;
	}
	s->fieldidxcap = ncap;
	for (uint32_t i = 0; i < s->nfields; i++) {
		uint32_t *slot = field_slot(s, s->fields[i].name,
		    s->fields[i].namelen);

		if (*slot == 0)
			*slot = i + 1;
	}
	return 0;
}

int
sigma_field_id(struct sigma_set *s, const char *name, size_t len,
    uint32_t *id)
{
	struct field *f;
	size_t cap = s->fieldcap;
	uint32_t *slot;

	if (field_index_grow(s) != 0)
		return EV_ENOMEM;
	/* a name with a NUL is no field's name up to its NUL: a new one */
	slot = memchr(name, '\0', len) == NULL ? field_slot(s, name, len) :
	    NULL;
	if (slot != NULL && *slot != 0) {
		*id = *slot - 1;
		return 0;
	}
	if (sigma_grow((void **)&s->fields, &cap, s->nfields,
	    sizeof(*s->fields)))
		return EV_ENOMEM;
	s->fieldcap = (uint32_t)cap;
	f = &s->fields[s->nfields];
	memset(f, 0, sizeof(*f));
	f->name = sigma_set_strdup(s, name, len);
	if (f->name == NULL)
		return EV_ENOMEM;
	f->namelen = strlen(f->name);
	f->srcsys = sys_field(f->name);
	f->src4688 = f->srcsys;
	f->name4688 = f->name;
	for (size_t i = 0; i < NELEM(map4688); i++)
		if (strcmp(map4688[i].name, f->name) == 0) {
			f->src4688 = map4688[i].src;
			f->name4688 = map4688[i].data;
			f->col4688 = (uint32_t)map4688[i].col;
		}
	*id = s->nfields++;
	if (slot == NULL)
		slot = field_slot(s, f->name, f->namelen);
	if (*slot == 0)
		*slot = *id + 1;
	return 0;
}

uint64_t
sigma_regex_limits(const struct sigma_set *s, size_t i)
{
	if (s->relimit == NULL || i >= s->nrules)
		return 0;
	return atomic_load_explicit(&s->relimit[i], memory_order_relaxed);
}

size_t
sigma_count(const struct sigma_set *s)
{
	return s->nrules;
}

const struct sigma_rule *
sigma_rule_at(const struct sigma_set *s, size_t i)
{
	return i < s->nrules ? s->rules[i] : NULL;
}

int
sigma_deselect(struct sigma_set *s, size_t i, const char *reason)
{
	struct sigma_rule *r;
	char *why;

	if (s->compiled || i >= s->nrules ||
	    s->rules[i]->status != SIGMA_LOADED)
		return EV_EUSAGE;
	if ((why = ev_arena_strdup(&s->arena, reason)) == NULL)
		return EV_ENOMEM;
	r = s->rules[i];
	r->status = SIGMA_SKIPPED;
	r->reason = why;
	r->reason_class = "not selected";
	r->line = r->column = 0;
	return 0;
}

size_t
sigma_count_status(const struct sigma_set *s, enum sigma_status st)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nrules; i++)
		n += s->rules[i]->status == st;
	return n;
}
