/*
 * cmd_read.c -- shared reading options, summary and exit status of the
 * evidence-reading commands (see cmd_read.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_read.h"
#include "ev_buf.h"
#include "ev_time.h"
#include "ev_util.h"

/* The progress line on stderr (ingest_opts.progress_show), in place. */
static void
show_progress(const char *line)
{
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
}

void
cmd_read_init(struct cmd_read *r)
{
	memset(r, 0, sizeof(*r));
	r->ingest.parser = EVTX_PARSER_NATIVE;
	r->ingest.recovered = true;
	r->ingest.jobs = ingest_default_jobs();
	r->ingest.progress = INGEST_PROGRESS_AUTO;
	r->ingest.progress_show = show_progress;
}

int
cmd_read_option(struct cmd_read *r, const char *cmd, int opt,
    const char *arg)
{
	uint64_t v;
	int p;

	switch (opt) {
	case 'j':
		if (ev_parse_uint(arg, 1, 256, &v) == -1)
			return cmd_usage_error(cmd, "-j: '%s' is not a number "
			    "in 1..256", arg);
		r->ingest.jobs = (unsigned)v;
		return 1;
	case 'q':
		r->ingest.quiet = true;
		return 1;
	case CMD_OPT_NO_RECOVERED:
		r->ingest.recovered = false;
		return 1;
	case CMD_OPT_STRICT:
		r->strict = true;
		return 1;
	case CMD_OPT_HASH:
		r->ingest.hash = true;
		return 1;
	case CMD_OPT_PARSER:
		if ((p = evtx_parser_from_name(arg)) == -1)
			return cmd_usage_error(cmd, "--parser: '%s' is not "
			    "native or libevtx", arg);
		r->ingest.parser = (enum evtx_parser)p;
		return 1;
	case CMD_OPT_FROM:
	case CMD_OPT_TO:
		if ((opt == CMD_OPT_FROM ? ev_time_parse(arg, &v) :
		    ev_time_parse_end(arg, &v)) == -1)
			return cmd_usage_error(cmd, "%s: '%s' is not an ISO "
			    "8601 time", opt == CMD_OPT_FROM ? "--from" :
			    "--to", arg);
		if (opt == CMD_OPT_FROM)
			r->ingest.from = v;
		else
			r->ingest.to = v;
		return 1;
	case CMD_OPT_PROGRESS:
		if (strcmp(arg, "auto") == 0)
			r->ingest.progress = INGEST_PROGRESS_AUTO;
		else if (strcmp(arg, "always") == 0)
			r->ingest.progress = INGEST_PROGRESS_ALWAYS;
		else if (strcmp(arg, "never") == 0)
			r->ingest.progress = INGEST_PROGRESS_NEVER;
		else
			return cmd_usage_error(cmd, "--progress: '%s' is not "
			    "auto, always or never", arg);
		return 1;
	case CMD_OPT_MEMORY:
		if (!r->budget)
			return 0;
		if (cmd_read_parse_size(arg, &v) == -1 || v == 0)
			return cmd_usage_error(cmd, "--memory: '%s' is not a "
			    "size such as 512M or 2G", arg);
		r->ingest.memory = v;
		r->memory_set = true;
		return 1;
	case CMD_OPT_TMPDIR:
		if (!r->budget)
			return 0;
		r->ingest.tmpdir = arg;
		r->tmpdir_set = true;
		return 1;
	}
	return 0;
}

int
cmd_read_parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0, mul = 1;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	switch (*p) {
	case 'k': case 'K': mul = 1ULL << 10; p++; break;
	case 'm': case 'M': mul = 1ULL << 20; p++; break;
	case 'g': case 'G': mul = 1ULL << 30; p++; break;
	case 't': case 'T': mul = 1ULL << 40; p++; break;
	}
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p != '\0' || (v != 0 && mul > UINT64_MAX / v))
		return -1;
	*out = v * mul;
	return 0;
}

/* A number from the first line of file path; 0 when none ("max"). */
static uint64_t
read_limit(const char *path)
{
	char line[64];
	uint64_t v = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return 0;
	if (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (ev_parse_uint(line, 1, UINT64_MAX, &v) == -1)
			v = 0;
	}
	fclose(f);
	return v;
}

/* The memory limit of this process's cgroup, 0 when none is set. */
static uint64_t
cgroup_limit(void)
{
	char line[512], path[700];
	uint64_t lim = 0, v;
	FILE *f = fopen("/proc/self/cgroup", "r");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *cg = strrchr(line, ':');

		if (cg == NULL)
			continue;
		cg[strcspn(cg, "\n")] = '\0';
		if (strncmp(line, "0::", 3) == 0)	/* v2 */
			snprintf(path, sizeof(path),
			    "/sys/fs/cgroup%s/memory.max", cg + 1);
		else if (strstr(line, ":memory:") != NULL)	/* v1 */
			snprintf(path, sizeof(path), "/sys/fs/cgroup/memory%s"
			    "/memory.limit_in_bytes", cg + 1);
		else
			continue;
		/* v1 writes "no limit" as a huge number */
		if ((v = read_limit(path)) != 0 && v < (1ULL << 60) &&
		    (lim == 0 || v < lim))
			lim = v;
	}
	fclose(f);
	return lim;
}

uint64_t
cmd_read_default_memory(void)
{
	char line[128];
	uint64_t avail = 0, lim = cgroup_limit(), kb;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "MemAvailable: %" SCNu64 " kB", &kb) == 1) {
			avail = kb * 1024;
			break;
		}
	if (f != NULL)
		fclose(f);
	if (lim != 0 && (avail == 0 || lim < avail))
		avail = lim;
	return avail / 2;
}

int
cmd_read_check(struct cmd_read *r, const char *cmd)
{
	char a[EV_TIME_ISO_LEN + 1], z[EV_TIME_ISO_LEN + 1];

	if (r->ingest.from != 0 && r->ingest.to != 0 &&
	    r->ingest.from > r->ingest.to) {
		ev_time_iso(r->ingest.from, a);
		ev_time_iso(r->ingest.to, z);
		return cmd_usage_error(cmd, "--from %s is after --to %s: the "
		    "window is empty", a, z);
	}
	if (r->budget) {
		const char *env = getenv("TMPDIR");
		struct stat st;

		if (r->ingest.tmpdir == NULL)
			r->ingest.tmpdir = env != NULL && *env != '\0' ? env :
			    "/tmp";
		if (r->ingest.tmpdir[0] == '\0')
			return cmd_usage_error(cmd, "--tmpdir: an empty path");
		if (!r->memory_set)
			r->ingest.memory = cmd_read_default_memory();
		/* a --tmpdir that cannot be one fails before reading */
		if (r->tmpdir_set) {
			int e = 0;

			if (stat(r->ingest.tmpdir, &st) == -1)
				e = errno;
			else if (!S_ISDIR(st.st_mode))
				e = ENOTDIR;
			if (e != 0) {
				cmd_warn("cannot use '%s' for temporary files: "
				    "%s", r->ingest.tmpdir, strerror(e));
				return CMD_EXIT_ERROR;
			}
		}
	}
	return 0;
}

int
cmd_read_run(struct cmd_read *r, char *const *paths, size_t npaths,
    struct ingest_run *run)
{
	struct ev_err err = EV_ERR_INIT;

	/* the output never replaces an input: refused before any reading */
	for (size_t i = 0; i < npaths; i++)
		if (cmd_out_is_claimed(paths[i])) {
			cmd_warn("'%s' is an input and the output; nothing was "
			    "read", paths[i]);
			return CMD_EXIT_ERROR;
		}
	r->ingest.skip = cmd_out_claims(&r->ingest.nskip);
	if (ingest_run(paths, npaths, &r->ingest, run, &err) != 0) {
		cmd_warn("%s", err.msg);
		return CMD_EXIT_ERROR;
	}
	for (size_t i = 0; i < run->nmessages && !r->ingest.quiet; i++)
		cmd_warn("%s", run->messages[i]);
	return 0;
}

void
cmd_read_summary(const struct cmd_read *r, const struct ingest_run *run,
    double secs)
{
	size_t n[INGEST_NSTATUS] = { 0 };
	struct ev_buf dmg = EV_BUF_INIT;

	if (r->ingest.quiet)
		return;
	for (size_t i = 0; i < run->nfiles; i++)
		n[run->files[i].status]++;
	ingest_damage_text(run, &dmg);
	cmd_warn("%zu files (%zu ok, %zu dirty, %zu damaged, %zu empty, "
	    "%zu unreadable%s), %llu records (%llu recovered, %llu "
	    "undecodable), %zu events, %llu duplicates, %.2f s",
	    run->nfiles, n[INGEST_OK], n[INGEST_DIRTY], n[INGEST_DAMAGED],
	    n[INGEST_EMPTY],
	    n[INGEST_UNREADABLE], dmg.buf, (unsigned long long)run->records,
	    (unsigned long long)run->recovered,
	    (unsigned long long)run->bad_records, run->nevents,
	    (unsigned long long)run->duplicates, secs);
	ev_buf_release(&dmg);
	if (run->spill != NULL)
		cmd_warn("over --memory %.1f MiB: the events went to '%s' in "
		    "%zu sorted runs, merged into %.1f MB", (double)
		    r->ingest.memory / 1048576, r->ingest.tmpdir,
		    run->spill_runs, (double)run->spill_bytes / 1e6);
	if (run->paged_bytes > 0)
		cmd_warn("over --memory: the events loaded back take %.1f MB "
		    "of a temporary file's pages there, which the system "
		    "writes out when memory runs short", (double)
		    run->paged_bytes / 1e6);
}

int
cmd_read_status(const struct cmd_read *r, const struct ingest_run *run)
{
	if (run->input_error || (r->strict && (run->damage ||
	    run->skipped > 0)))
		return CMD_EXIT_ERROR;
	return CMD_EXIT_OK;
}

double
cmd_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
cmd_cpu(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The line "name: N kB" of /proc/self/status, in MiB; 0 if unknown. */
static double
status_mib(const char *name)
{
	FILE *fp = fopen("/proc/self/status", "r");
	char line[128];
	size_t len = strlen(name);
	unsigned long long kb = 0;
	bool found = false;

	if (fp == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), fp) != NULL)
		found = strncmp(line, name, len) == 0 && line[len] == ':' &&
		    sscanf(line + len + 1, "%llu kB", &kb) == 1;
	fclose(fp);
	return found ? (double)kb / 1024.0 : 0;
}

double
cmd_anon_mib(void)
{
	return status_mib("RssAnon");
}

double
cmd_peak_mib(void)
{
	double peak = status_mib("VmHWM");
	FILE *fp;

	/* the next phase's peak starts from what is resident then */
	if ((fp = fopen("/proc/self/clear_refs", "w")) != NULL) {
		fputs("5", fp);
		fclose(fp);
	}
	return peak;
}

double
cmd_rss_mib(void)
{
	FILE *fp = fopen("/proc/self/statm", "r");
	unsigned long long size, rss;
	long page = sysconf(_SC_PAGESIZE);
	int n;

	if (fp == NULL)
		return 0;
	n = fscanf(fp, "%llu %llu", &size, &rss);
	fclose(fp);
	return n == 2 && page > 0 ? (double)rss * (double)page /
	    (1024.0 * 1024.0) : 0;
}
