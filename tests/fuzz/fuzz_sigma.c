/*
 * fuzz_sigma.c -- libFuzzer harness for the Sigma loader: the input is
 * one rule file's text, loaded (YAML with its nesting limit, metadata,
 * detection values and modifiers, the condition), compiled (prefilter,
 * indexes) and, when loaded, matched against a few fixed events (Sysmon
 * 1, 3, 7 and a 4688 that leaves fields unknown), twice with the
 * prefilter and memos and once without: the hits must agree (abort()
 * otherwise, so the fuzzer reports it); correlation rules among them
 * are then evaluated over those hits (sigcorr.h).  Only rules that hit
 * are explained (sigma_explain()), with spans inside the values.  Built
 * by `make fuzz-sigma` / `make fuzz-smoke` (tests/sigma.am) with clang
 * -fsanitize=fuzzer,address,undefined; seeded with rules/ and
 * tests/fuzz/sigma-seeds/.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ev_arena.h"
#include "ev_err.h"
#include "ev_util.h"
#include "event.h"
#include "sigcorr.h"
#include "sigma/sigma.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct ev_arena arena = EV_ARENA_INIT;
static struct ev_event evs[4];
static size_t nevs;

static void
add_event(const char *provider, uint32_t id, uint8_t version,
    const struct ev_pair *pairs, uint32_t n)
{
	struct ev_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.event_id = id;
	rec.version = version;
	rec.provider = provider;
	rec.channel = "fuzz";
	rec.computer = "HOST";
	rec.kind = ev_classify(provider, strlen(provider), id);
	rec.data = pairs;
	rec.ndata = n;
	if (ev_normalise(&rec, &arena, &evs[nevs]) == 0) {
		/* a second apart, in output order */
		evs[nevs].time = 132223104000000000ULL + nevs * 10000000ULL;
		evs[nevs].seq = (uint32_t)nevs;
		nevs++;
	}
}

static void
make_events(void)
{
	static const struct ev_pair s1[] = {
		{ "Image", "C:\\Windows\\System32\\cmd.exe" },
		{ "CommandLine", "cmd.exe /c whoami -all AAAAAAAAAAAA" },
		{ "ParentImage", "C:\\Windows\\explorer.exe" },
		{ "ProcessGuid", "{6A3E1F0C-2B7D-65F1-1000-00100000A1B2}" },
		{ "ProcessId", "4100" },
		{ "User", "CORP\\alice" },
		{ "Hashes", "SHA256=00FF,IMPHASH=AB" },
		{ "OriginalFileName", "Cmd.Exe" },
	};
	static const struct ev_pair s3[] = {
		{ "Image", "C:\\Windows\\System32\\rundll32.exe" },
		{ "DestinationIp", "10.1.2.3" },
		{ "DestinationPort", "443" },
		{ "Initiated", "true" },
	};
	static const struct ev_pair s7[] = {
		{ "Image", "C:\\Windows\\System32\\svchost.exe" },
		{ "ImageLoaded", "C:\\Temp\\evil.dll" },
		{ "Signed", "false" },
	};
	static const struct ev_pair e4688[] = {
		{ "NewProcessName", "C:\\Windows\\System32\\certutil.exe" },
		{ "CommandLine", "certutil -urlcache -f http://x/y" },
		{ "ParentProcessName", "C:\\Windows\\System32\\cmd.exe" },
		{ "SubjectUserName", "alice" },
	};

	add_event(EV_PROVIDER_SYSMON, 1, 5, s1, NELEM(s1));
	add_event(EV_PROVIDER_SYSMON, 3, 5, s3, NELEM(s3));
	add_event(EV_PROVIDER_SYSMON, 7, 3, s7, NELEM(s7));
	add_event(EV_PROVIDER_SECURITY, 4688, 2, e4688, NELEM(e4688));
}

/* Correlations over the events' hits (matched again, kept per event). */
static size_t
correlate(const struct sigma_set *set)
{
	static uint32_t keep[4][256];
	struct ev_event *ptrs[4];
	struct sigma_scratch *sc = sigma_scratch_new(set);
	struct sigcorr sg;
	struct ev_err err = EV_ERR_INIT;
	const char *files[] = { "fuzz.evtx" };
	size_t touched = 0;

	if (sc == NULL)
		return 0;
	for (size_t i = 0; i < nevs; i++) {
		const uint32_t *hits;
		int n = sigma_match(set, sc, &evs[i], &hits);

		if (n < 0 || n > 256)
			n = 0;
		memcpy(keep[i], hits, (size_t)n * sizeof(*hits));
		evs[i].hits = keep[i];
		evs[i].nhits = (uint32_t)n;
		ptrs[i] = &evs[i];
	}
	sigma_scratch_free(sc);
	sigcorr_init(&sg);
	if (sigcorr_run(&sg, set, ptrs, nevs, files, 1, &err) == 0)
		for (size_t i = 0; i < sg.n; i++)
			touched += strlen(sg.v[i].details);
	sigcorr_release(&sg);
	for (size_t i = 0; i < nevs; i++) {
		evs[i].hits = NULL;
		evs[i].nhits = 0;
	}
	return touched;
}

/*
 * Explanations (sigma_explain()) of every loaded rule on ev: none for a
 * rule that did not hit (hits[0..n)), spans inside the event's values.
 */
static size_t
explain(const struct sigma_set *set, struct sigma_scratch *sc,
    const struct ev_event *ev, const uint32_t *hits, size_t n)
{
	struct sigma_why why[8];
	size_t touched = 0;

	for (uint32_t r = 0; r < sigma_count(set); r++) {
		int e = sigma_explain(set, sc, r, ev, why, 8);
		bool hit = false;

		for (size_t k = 0; k < n; k++)
			hit |= hits[k] == r;
		if (e > 0 && !hit) {
			fprintf(stderr, "rule %u explained, not matched\n", r);
			abort();
		}
		for (int k = 0; k < e; k++) {
			if (why[k].text != NULL &&
			    why[k].off + why[k].len > why[k].textlen)
				abort();
			touched += why[k].len;
		}
	}
	return touched;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sigma_set *set;
	struct sigma_scratch *sc, *sn;
	struct ev_err err = EV_ERR_INIT;
	const uint32_t *hits, *hits2;
	volatile size_t touched = 0;

	if (nevs == 0)
		make_events();
	if (size > SIGMA_MAX_FILE || (set = sigma_set_new()) == NULL)
		return 0;
	if (sigma_load_buffer(set, "fuzz.yml", (const char *)data, size,
	    &err) != 0 || sigma_compile(set, &err) != 0) {
		sigma_set_free(set);
		return 0;
	}
	for (size_t i = 0; i < sigma_count(set); i++) {
		const struct sigma_rule *r = sigma_rule_at(set, i);

		touched += strlen(r->path);
		if (r->status != SIGMA_LOADED)
			touched += strlen(r->reason) + strlen(r->reason_class);
		touched += r->title ? strlen(r->title) : 0;
		for (size_t k = 0; k < r->tags.n; k++)
			touched += strlen(r->tags.v[k]);
	}
	sc = sigma_scratch_new(set);
	sn = sigma_scratch_new(set);
	if (sc != NULL && sn != NULL) {
		sigma_scratch_prefilter(sn, false);
		sigma_scratch_memo(sn, false);
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < nevs; i++) {
				int n = sigma_match(set, sc, &evs[i], &hits);
				int m = sigma_match(set, sn, &evs[i], &hits2);

				if (n < 0 || m < 0)
					continue;	/* out of memory */
				if (n != m || memcmp(hits, hits2, (size_t)n *
				    sizeof(*hits)) != 0) {
					fprintf(stderr, "event %zu pass %d: "
					    "%d hits with the prefilter, %d "
					    "without\n", i, pass, n, m);
					abort();
				}
				touched += (size_t)n;
				if (pass == 0)
					touched += explain(set, sn, &evs[i],
					    hits, (size_t)n);
			}
	}
	if (sc != NULL && sn != NULL)
		touched += correlate(set);
	sigma_scratch_free(sc);
	sigma_scratch_free(sn);
	sigma_set_free(set);
	(void)touched;
	return 0;
}
