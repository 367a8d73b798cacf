/*
 * report_sample.c -- writes a report without `scan`: the synthetic
 * fixture (tests/report_fixture.h), or the events of real .evtx PATHs
 * read with ingest_run() and correlated, with made-up rule reasons on
 * every run of a watched binary (rules/watched.yml) and every log clear.
 * Used by tests/report-parse.sh and `make screenshot`.
 *
 *	report-sample [-a] [-c] FORMAT [PATH ...]
 *	-a all events; -c colour (text)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline/baseline.h"
#include "report_fixture.h"

static int
from_paths(char **paths, int n, const char *fmt, bool all, bool color)
{
	struct ingest_opts io = { 0 };
	struct ingest_run run = { 0 };
	struct ev_err err = EV_ERR_INIT;
	struct base_config *cfg = NULL;
	struct report rep = { 0 };
	struct finding_reason *rs;
	struct finding *fs;
	struct corr *corr = NULL;
	char (*titles)[128];
	size_t nf = 0;
	int rc = 2;

	io.recovered = true;
	io.jobs = 1;
	io.quiet = true;
	io.progress = INGEST_PROGRESS_NEVER;
	if (base_config_load(base_config_default_path(), &cfg, &err) != 0 ||
	    ingest_run(paths, (size_t)n, &io, &run, &err) != 0 ||
	    corr_build(run.events, run.nevents, &corr, &err) != 0) {
		fprintf(stderr, "report-sample: %s\n", err.msg);
		goto out;
	}
	rs = calloc(run.nevents + 1, sizeof(*rs));
	fs = calloc(run.nevents + 1, sizeof(*fs));
	titles = calloc(run.nevents + 1, sizeof(*titles));
	if (rs == NULL || fs == NULL || titles == NULL)
		abort();
	for (size_t i = 0; i < run.nevents; i++) {
		const struct ev_event *ev = run.events[i];
		const struct base_binary *b;
		const char *cmd = ev_col(ev, EV_COL_COMMAND_LINE);
		int level;

		if (ev->kind == EV_KIND_LOG_CLEAR) {
			rs[nf] = (struct finding_reason){
			    .level = EV_LEVEL_HIGH,
			    .title = "Event log cleared",
			    .rule_id = "sample-log-clear",
			    .tags = "attack.defense-evasion attack.t1070.001" };
		} else if (ev->kind == EV_KIND_PROCESS &&
		    !corr_is_duplicate(corr, ev) &&
		    (b = base_identify(cfg, ev, NULL)) != NULL) {
			level = cmd != NULL && strstr(cmd, "http") ?
			    EV_LEVEL_HIGH : EV_LEVEL_MEDIUM;
			snprintf(titles[nf], sizeof(titles[nf]),
			    "Sample: %s proxy execution", b->name);
			rs[nf] = (struct finding_reason){ .level = level,
			    .title = titles[nf], .rule_id = "sample-watched",
			    .tags = b->technique ? "attack.defense-evasion" :
			    NULL };
		} else
			continue;
		fs[nf] = (struct finding){ ev, &rs[nf], 1,
		    rs[nf].level, 0 };
		nf++;
	}
	rep.run = &run;
	rep.corr = corr;
	rep.findings = fs;
	rep.nfindings = nf;
	rep.baseline = "self";
	rep.version = "evtxhunt (report-sample)";
	rep.command = "report-sample";
	rep.watch = cfg;
	rep.opts.format = fmt;
	rep.opts.all_events = all;
	rep.opts.color = color;
	rep.opts.width = 100;
	rc = report_write(stdout, &rep, &err) == 0 ? 0 : 2;
	if (rc != 0)
		fprintf(stderr, "report-sample: %s\n", err.msg);
	free(rs);
	free(fs);
	free(titles);
out:
	corr_free(corr);
	if (run.files != NULL)
		ingest_release(&run);
	base_config_free(cfg);
	return rc;
}

int
main(int argc, char **argv)
{
	struct ev_err err = EV_ERR_INIT;
	bool all = false, color = false;
	struct fx fx;
	int c, rc;

	while ((c = getopt(argc, argv, "ac")) != -1) {
		switch (c) {
		case 'a':
			all = true;
			break;
		case 'c':
			color = true;
			break;
		default:
			goto usage;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		goto usage;
	if (argc > 1)
		return from_paths(argv + 1, argc - 1, argv[0], all, color);
	fx_build(&fx, all, argv[0], color);
	rc = report_write(stdout, &fx.rep, &err);
	if (rc != 0)
		fprintf(stderr, "report-sample: %s\n", err.msg);
	fx_release(&fx);
	return rc == 0 ? 0 : 2;
usage:
	fprintf(stderr, "usage: report-sample [-ac] format [path ...]\n");
	return 2;
}
