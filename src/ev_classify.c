/*
 * ev_classify.c -- which records become events, and of which kind: the
 * built-in sources by provider and EventID (SPEC §3) and the wanted set
 * that the loaded rules' log sources add as generic events.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ev_err.h"
#include "event.h"

/*
 * The wanted set: pairs sorted by id (EV_WANT_ANY last), so a record's
 * id finds its pairs by binary search.
 */
struct want {
	char		*name;
	size_t		 len;
	bool		 channel;
	uint32_t	 id;
};

uint64_t	 ev_want_ids[1024];
bool		 ev_want_bigids;
static struct want *wants;
static size_t	 nwants, wantcap;
static size_t	 want_any;	/* first EV_WANT_ANY pair */

void
ev_want_reset(void)
{
	for (size_t i = 0; i < nwants; i++)
		free(wants[i].name);
	free(wants);
	wants = NULL;
	nwants = wantcap = want_any = 0;
	memset(ev_want_ids, 0, sizeof(ev_want_ids));
	ev_want_bigids = false;
}

size_t
ev_want_count(void)
{
	return nwants;
}

int
ev_want_add(const char *name, bool channel, uint32_t id)
{
	size_t len = strlen(name), at;

	for (size_t i = 0; i < nwants; i++)
		if (wants[i].id == id && wants[i].channel == channel &&
		    wants[i].len == len &&
		    strncasecmp(wants[i].name, name, len) == 0)
			return 0;
	if (nwants >= EV_WANT_MAX)
		return EV_EUSAGE;
	if (nwants == wantcap) {
		size_t ncap = wantcap ? wantcap * 2 : 64;
		struct want *nw = realloc(wants, ncap * sizeof(*nw));

		if (nw == NULL)
			return EV_ENOMEM;
		wants = nw;
		wantcap = ncap;
	}
	for (at = nwants; at > 0 && wants[at - 1].id > id; at--)
		;
	memmove(wants + at + 1, wants + at, (nwants - at) * sizeof(*wants));
	if ((wants[at].name = strdup(name)) == NULL) {
		memmove(wants + at, wants + at + 1,
		    (nwants - at) * sizeof(*wants));
		return EV_ENOMEM;
	}
	wants[at].len = len;
	wants[at].channel = channel;
	wants[at].id = id;
	nwants++;
	if (id == EV_WANT_ANY) {
		memset(ev_want_ids, 0xff, sizeof(ev_want_ids));
		ev_want_bigids = true;
	} else if (id < 65536)
		ev_want_ids[id >> 6] |= (uint64_t)1 << (id & 63);
	else
		ev_want_bigids = true;
	for (want_any = nwants; want_any > 0 &&
	    wants[want_any - 1].id == EV_WANT_ANY; want_any--)
		;
	return 0;
}

static bool
provider_is(const char *p, size_t len, const char *want)
{
	size_t n = strlen(want);

	/* provider names compare case-insensitively, as Windows does;
	   logs spell them as registered, so the exact test comes first */
	return len == n && (memcmp(p, want, n) == 0 ||
	    strncasecmp(p, want, n) == 0);
}

/* Whether pair w takes the record (channel NULL: not known yet). */
static bool
want_takes(const struct want *w, const char *prov, size_t plen,
    const char *chan, size_t clen)
{
	if (!w->channel)
		return prov != NULL && w->len == plen &&
		    strncasecmp(prov, w->name, plen) == 0;
	return chan == NULL || (w->len == clen &&
	    strncasecmp(chan, w->name, clen) == 0);
}

static enum ev_kind
classify_want(const char *prov, size_t plen, const char *chan, size_t clen,
    uint32_t id)
{
	size_t lo = 0, hi = want_any;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (wants[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < want_any && wants[lo].id == id; lo++)
		if (want_takes(&wants[lo], prov, plen, chan, clen))
			return EV_KIND_GENERIC;
	for (size_t i = want_any; i < nwants; i++)
		if (want_takes(&wants[i], prov, plen, chan, clen))
			return EV_KIND_GENERIC;
	return EV_KIND_NONE;
}

static enum ev_kind
classify_builtin(const char *provider, size_t len, uint32_t id)
{
	switch (id) {
	case 4688:
		return provider_is(provider, len, EV_PROVIDER_SECURITY) ?
		    EV_KIND_PROCESS : EV_KIND_NONE;
	case 4689:
		return provider_is(provider, len, EV_PROVIDER_SECURITY) ?
		    EV_KIND_PROCESS_EXIT : EV_KIND_NONE;
	case 4697:
		return provider_is(provider, len, EV_PROVIDER_SECURITY) ?
		    EV_KIND_SERVICE : EV_KIND_NONE;
	case 4698:
	case 4702:
		return provider_is(provider, len, EV_PROVIDER_SECURITY) ?
		    EV_KIND_TASK : EV_KIND_NONE;
	case 106: case 129: case 140: case 141: case 200: case 201:
		return provider_is(provider, len, EV_PROVIDER_TASKSCHED) ?
		    EV_KIND_TASK : EV_KIND_NONE;
	case 7045:
		return provider_is(provider, len, EV_PROVIDER_SCM) ?
		    EV_KIND_SERVICE : EV_KIND_NONE;
	case 4104:
		return provider_is(provider, len, EV_PROVIDER_POWERSHELL) ?
		    EV_KIND_SCRIPT : EV_KIND_NONE;
	case 4103:
		return provider_is(provider, len, EV_PROVIDER_POWERSHELL) ?
		    EV_KIND_POWERSHELL : EV_KIND_NONE;
	case 400:
	case 800:
		return provider_is(provider, len, EV_PROVIDER_PSCLASSIC) ?
		    EV_KIND_POWERSHELL : EV_KIND_NONE;
	case 1102:
	case 104:
		return provider_is(provider, len, EV_PROVIDER_EVENTLOG) ?
		    EV_KIND_LOG_CLEAR : EV_KIND_NONE;
	case 5861:
		return provider_is(provider, len, EV_PROVIDER_WMI) ?
		    EV_KIND_WMI : EV_KIND_NONE;
	}
	if (!provider_is(provider, len, EV_PROVIDER_SYSMON))
		return EV_KIND_NONE;
	switch (id) {
	case 1:	return EV_KIND_PROCESS;
	case 3:	return EV_KIND_NETWORK;
	case 5:	return EV_KIND_PROCESS_EXIT;
	case 6:	return EV_KIND_DRIVER_LOAD;
	case 7:	return EV_KIND_IMAGE_LOAD;
	case 8:	return EV_KIND_REMOTE_THREAD;
	case 10: return EV_KIND_PROCESS_ACCESS;
	case 11: return EV_KIND_FILE;
	case 12: case 13: case 14: return EV_KIND_REGISTRY;
	case 15: return EV_KIND_STREAM_HASH;
	case 17: case 18: return EV_KIND_PIPE;
	case 19: case 20: case 21: return EV_KIND_WMI;
	case 22: return EV_KIND_DNS;
	}
	return EV_KIND_NONE;
}

enum ev_kind
ev_classify_full(const char *provider, size_t len, const char *channel,
    size_t clen, uint32_t id)
{
	enum ev_kind k;

	if (!ev_wanted_id(id))
		return EV_KIND_NONE;
	if (provider != NULL &&
	    (k = classify_builtin(provider, len, id)) != EV_KIND_NONE)
		return k;
	if (nwants == 0)
		return EV_KIND_NONE;
	return classify_want(provider, len, channel, clen, id);
}

enum ev_kind
ev_classify(const char *provider, size_t len, uint32_t id)
{
	if (provider == NULL)
		return EV_KIND_NONE;
	return ev_classify_full(provider, len, NULL, 0, id);
}
