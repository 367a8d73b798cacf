/*
 * readcount.c -- test driver for the reader interface: reads EVTX files
 * with a chosen parser and prints what it saw.
 *
 * usage: readcount --parser native|libevtx [-r] [-d] file ...
 *
 * Default output, one TSV line per file (the corpus test compares it with
 * the corpus manifest):
 *   path status records recovered bad_records events sec4688 sysmon1
 *   sysmon3 sysmon7 dirty full chunks header_chunks first_time last_time
 *   nooffset
 * status is "ok" or the error code's name; the kind counts are allocated
 * records only (Provider + EventID); times are ISO 8601 or "-"; nooffset
 * counts the delivered allocated records whose offset is 0 (unknown).
 * -r delivers recovered records too (counted in events, not in the kinds).
 * -d dumps every delivered record instead, for field comparisons:
 *   R <tab> record_id <tab> event_id <tab> version <tab> time <tab>
 *     provider <tab> channel <tab> computer <tab> user_sid|- <tab> rec
 *   D <tab> name <tab> value            (one line per EventData pair)
 * with backslash, tab, CR and LF in strings written as \\ \t \r \n.
 * Warnings go to stderr as "path: warning".  Exit 0, or 2 on usage
 * errors or when a file could not be read at all (still printed).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ev_err.h"
#include "ev_time.h"
#include "event.h"
#include "evtx/reader.h"

struct counts {
	const char	*path;
	bool		 dump;
	uint64_t	 sec4688, sysmon1, sysmon3, sysmon7;
	uint64_t	 nooffset;	/* allocated, offset unknown (0) */
};

static void
put_esc(const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '\\': fputs("\\\\", stdout); break;
		case '\t': fputs("\\t", stdout); break;
		case '\r': fputs("\\r", stdout); break;
		case '\n': fputs("\\n", stdout); break;
		default: putchar(*s);
		}
}

static int
on_record(const struct ev_record *rec, void *ctx)
{
	struct counts	*c = ctx;
	char		 iso[EV_TIME_ISO_LEN + 1];

	if (c->dump) {
		ev_time_iso(rec->time, iso);
		printf("R\t%llu\t%u\t%u\t%s\t", (unsigned long long)rec->record_id,
		    rec->event_id, rec->version, iso);
		put_esc(rec->provider);
		putchar('\t');
		put_esc(rec->channel);
		putchar('\t');
		put_esc(rec->computer);
		putchar('\t');
		put_esc(rec->user_sid != NULL ? rec->user_sid : "-");
		printf("\t%d\n", rec->recovered);
		for (uint32_t i = 0; i < rec->ndata; i++) {
			fputs("D\t", stdout);
			put_esc(rec->data[i].name);
			putchar('\t');
			put_esc(rec->data[i].value);
			putchar('\n');
		}
	}
	if (rec->recovered)
		return 0;
	if (rec->offset == 0)
		c->nooffset++;
	switch (rec->kind) {
	case EV_KIND_PROCESS:
		if (rec->event_id == 4688)
			c->sec4688++;
		else
			c->sysmon1++;
		break;
	case EV_KIND_NETWORK:
		c->sysmon3++;
		break;
	case EV_KIND_IMAGE_LOAD:
		c->sysmon7++;
		break;
	default:
		break;
	}
	return 0;
}

static void
on_warn(void *ctx, const char *msg)
{
	const struct counts *c = ctx;

	fprintf(stderr, "%s: %s\n", c->path, msg);
}

static void
put_time(uint64_t t)
{
	char iso[EV_TIME_ISO_LEN + 1];

	if (t == 0) {
		fputs("\t-", stdout);
		return;
	}
	ev_time_iso(t, iso);
	printf("\t%s", iso);
}

static int
one_file(const char *path, const struct evtx_open_opts *opts, bool dump)
{
	struct ev_err		 err = EV_ERR_INIT;
	struct evtx_stats	 st, rst;
	struct evtx_file	*f = NULL;
	struct counts		 c = { path, dump, 0, 0, 0, 0, 0 };
	struct evtx_sink	 sink = { on_record, on_warn, &c };
	int			 rc;

	evtx_stats_init(&st);
	rc = evtx_file_open(path, opts, &f, &st, &err);
	if (rc == 0) {
		uint32_t units = evtx_file_units(f);

		for (uint32_t u = 0; u < units && rc == 0; u++) {
			evtx_stats_init(&rst);
			rc = evtx_file_read(f, u, 1, &sink, &rst, &err);
			if (rc == 0 && evtx_stats_merge(&st, &rst) != 0)
				rc = EV_ENOMEM;
			evtx_stats_release(&rst);
		}
		evtx_file_close(f);
	}
	if (rc != 0)
		fprintf(stderr, "%s: %s\n", path, err.msg);
	if (!dump) {
		fputs(path, stdout);
		printf("\t%s", rc == 0 ? "ok" : ev_err_name(rc));
		printf("\t%llu\t%llu\t%llu\t%llu",
		    (unsigned long long)st.records,
		    (unsigned long long)st.recovered,
		    (unsigned long long)st.bad_records,
		    (unsigned long long)st.events);
		printf("\t%llu\t%llu\t%llu\t%llu",
		    (unsigned long long)c.sec4688,
		    (unsigned long long)c.sysmon1,
		    (unsigned long long)c.sysmon3,
		    (unsigned long long)c.sysmon7);
		printf("\t%d\t%d\t%u\t%u", st.dirty, st.full, st.chunks,
		    st.header_chunks);
		put_time(st.first_time);
		put_time(st.last_time);
		printf("\t%llu\n", (unsigned long long)c.nooffset);
	}
	evtx_stats_release(&st);
	return rc;
}

int
main(int argc, char **argv)
{
	struct evtx_open_opts	 opts = { EVTX_PARSER_NATIVE, false, NULL, 0 };
	bool			 dump = false, parser_set = false;
	int			 i, p, status = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--parser") == 0 && i + 1 < argc) {
			if ((p = evtx_parser_from_name(argv[++i])) < 0)
				goto usage;
			opts.parser = (enum evtx_parser)p;
			parser_set = true;
		} else if (strcmp(argv[i], "-r") == 0)
			opts.recovered = true;
		else if (strcmp(argv[i], "-d") == 0)
			dump = true;
		else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else
			goto usage;
	}
	if (!parser_set || i >= argc)
		goto usage;
	for (; i < argc; i++)
		if (one_file(argv[i], &opts, dump) != 0)
			status = 2;
	if (fflush(stdout) != 0 || ferror(stdout))
		status = 2;
	return status;
usage:
	fputs("usage: readcount --parser native|libevtx [-r] [-d] file ...\n",
	    stderr);
	return 2;
}
