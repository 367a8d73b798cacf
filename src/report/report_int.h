/*
 * report_int.h -- what the report writers share (private to src/report/):
 * the facts every format shows, computed once by rp_analyse() from a
 * struct report: per-host telemetry coverage, tampering (log clears and
 * record-id gaps), summary counts, top command lines of the watched
 * binaries, the timeline entries and each entry's process context.
 *
 * Everything in a struct rp is owned by it (rp_release()) except the
 * strings, which are borrowed from the run / the findings (they outlive
 * the report).
 */
#ifndef REPORT_INT_H
#define REPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ev_arena.h"
#include "ev_buf.h"
#include "correlate.h"
#include "report/report.h"

#define RP_TOP_CMDLINES	5	/* command lines shown per watched binary */
#define RP_CTX_MAX	20	/* network / loads / children shown per
				   finding; the rest are counted as "more" */

/* Telemetry one computer gave (coverage section). */
struct rp_host {
	const char	*computer;
	uint64_t	 first, last;		/* event times */
	uint64_t	 events;
	uint64_t	 sysmon1, sysmon3, sysmon5, sysmon7;
	uint64_t	 sec4688, sec4688_cmd;	/* 4688; with a command line */
	uint64_t	 sec4689;
	uint64_t	 tmpl[4];		/* 4688 template 0, 1, 2, >2 */
	uint64_t	 clears;		/* 1102 / 104 */
	uint64_t	 ps4104, services, tasks;	/* execution sources */
	uint64_t	 ps4103;		/* module logging */
	uint64_t	 wmi;			/* Sysmon 19-21, WMI 5861 */
	uint64_t	 psclassic;		/* Windows PowerShell 400,
						   800 */
	uint64_t	 sysmon22, sysmon11;
	uint64_t	 sysmon8, sysmon10;	/* remote threads, process
						   access */
	uint64_t	 tasksched;		/* TaskScheduler/Operational
						   task events */
	uint64_t	 sysmon6;		/* drivers loaded */
	uint64_t	 sysmon12_14;		/* registry events */
	uint64_t	 sysmon15, sysmon17_18;	/* streams, pipes */
	uint64_t	 other_exam;		/* script blocks, services and
						   tasks that show what ran
						   (ev_examinable()) */
	uint64_t	 findings;
	uint64_t	 byl[EV_NLEVELS];	/* findings by level */
};

/* Verdict of a host's coverage, derived from its counters. */
enum rp_cover {
	RP_COVER_FULL,		/* Sysmon 1 or 4688 with command lines,
				   and Sysmon 3/7 */
	RP_COVER_PARTIAL,	/* command lines, but no Sysmon 3/7; or no
				   command lines but script blocks,
				   services or tasks */
	RP_COVER_NOCMD,		/* process creations without command lines */
	RP_COVER_BLIND,		/* no process creation events at all */
};
/* Sysmon 6, 12-14, 15, 17/18 events of h (drivers, registry, streams,
   pipes). */
static inline uint64_t
rp_sysmon_more(const struct rp_host *h)
{
	return h->sysmon6 + h->sysmon12_14 + h->sysmon15 + h->sysmon17_18;
}

enum rp_cover	 rp_host_cover(const struct rp_host *);
const char	*rp_cover_name(enum rp_cover);	/* "full", ... */
/* Missing telemetry as one sentence per line into b ("" when none). */
void		 rp_host_missing(const struct rp_host *, struct ev_buf *b,
		    const char *sep);

/* A key counted in the summary. */
struct rp_count {
	const char	*key;	/* rule id, computer, technique, cmdline */
	const char	*title;	/* rule title (by rule), or NULL */
	int		 level;	/* rule level (by rule) */
	uint64_t	 n;
};

/* A watched binary's invocations in the run. */
struct rp_watched {
	const char		*binary;	/* lower-case basename */
	uint64_t		 runs;		/* process events */
	uint64_t		 distinct;	/* distinct command lines */
	struct rp_count		 top[RP_TOP_CMDLINES];
	size_t			 ntop;
};

/* A record-id gap, with the file it is in. */
struct rp_gap {
	const struct ingest_file	*file;
	const struct evtx_gap		*gap;
};

/*
 * One entry of the timeline: an event, its finding if it is one, and the
 * finding's group (identical findings collapsed, findings.h); the entry
 * stands for the whole group when it is the group's first finding and
 * the timeline is grouped.
 */
struct rp_item {
	const struct ev_event		*ev;
	const struct finding		*f;	/* NULL: plain event */
	const struct finding_group	*g;	/* NULL: plain event */
};

/* Process context of a timeline entry. */
struct rp_ctx {
	const struct ev_event	*proc;	/* the process event (itself for a
					   process creation), or NULL */
	const struct ev_event	*chain[CORR_CHAIN_MAX];	/* parents first */
	size_t			 nchain;
	const struct ev_event	*const *net;	/* network events */
	size_t			 nnet;
	const struct ev_event	*loads[RP_CTX_MAX];	/* unusual loads */
	size_t			 nloads;	/* shown */
	size_t			 loads_total;	/* unusual, all */
	size_t			 loads_all;	/* loads of the process */
	const struct ev_event	*const *kids;	/* child processes */
	size_t			 nkids;
	const struct ev_event	*origin;	/* service / task that
						   started it, or NULL */
	const struct ev_event	*script;	/* script block that ran
						   it, or NULL */
	const struct ev_event	*const *acts;	/* its DNS queries, file
						   creations, tasks */
	size_t			 nacts;
	const struct ev_event	*started[RP_CTX_MAX];	/* a service or
						   task: the processes its
						   action started */
	size_t			 nstarted;	/* shown */
	size_t			 started_total;
	const struct ev_event	*wmi[4];	/* a WMI event: the other
						   filter, consumer,
						   binding and 5861 of its
						   subscription (corr_wmi) */
	size_t			 nwmi;
	const struct ev_event	*task[4];	/* its task run (corr_task):
						   registration, 129, 200,
						   201, but the entry's event
						   and its started_by */
	size_t			 ntask;
};

struct rp {
	const struct report	*r;
	uint64_t		 first, last;	/* all events, 0 when none */
	uint64_t		 ffirst, flast;	/* findings */
	struct rp_host		*hosts;		/* sorted by computer */
	size_t			 nhosts;
	const struct ev_event	**clears;	/* log clears, time order */
	size_t			 nclears;
	struct rp_gap		*gaps;
	size_t			 ngaps;
	uint64_t		 files_by[INGEST_NSTATUS]; /* by ingest_status */
	uint64_t		 byl[EV_NLEVELS];	/* findings by level */
	uint64_t		 by_rule_source[2];	/* reasons: rule, baseline */
	struct rp_count		*rules;		/* by count desc, key */
	size_t			 nrules;
	struct rp_count		*hostc;		/* findings by host */
	size_t			 nhostc;
	struct rp_count		*techs;		/* by ATT&CK technique */
	size_t			 ntechs;
	struct rp_watched	*watched;	/* binaries seen, by name */
	size_t			 nwatched;
	struct rp_item		*items;		/* timeline: one per group
						   (every event with
						   --all-events) */
	size_t			 nitems;
	struct rp_item		*fitems;	/* every event with
						   --all-events; NULL: one
						   per finding, made as they
						   are written (jsonl,
						   timesketch) */
	size_t			 nfitems;
	const struct finding_group *groups;	/* the report's, or one per
						   finding when it has none */
	size_t			 ngroups;
	struct finding_group	*own_groups;	/* made here */
	const struct finding	**own_members;
	/* indexes of the findings in the order of their events' seq
	   (NULL: the findings are in it) */
	uint32_t		*fseq;
	struct ev_arena		 arena;		/* strings made here */
};

/* Computes everything above.  0 or EV_ENOMEM. */
int	rp_analyse(struct rp *, const struct report *, struct ev_err *err);
void	rp_release(struct rp *);
/*
 * Part of rp_analyse(), in report_hosts.c: rp->hosts (each host's
 * telemetry counters and findings by level, sorted by name), rp->clears,
 * rp->first and rp->last.  The events are counted in stretches, up to
 * jobs of them: rp_hosts_begin() (NULL when out of memory; *n
 * stretches), rp_hosts_stretch() for each (concurrently), then
 * rp_hosts_finish() sums them in order (0 or EV_ENOMEM) and frees the
 * walk, as it does on every path.
 */
struct rp_hwalk;
struct rp_hwalk *rp_hosts_begin(struct rp *, unsigned jobs, unsigned *n);
void	rp_hosts_stretch(struct rp_hwalk *, unsigned i);
int	rp_hosts_finish(struct rp *, struct rp_hwalk *);

/*
 * Part of rp_analyse(), in report_watched.c: rp->watched, the runs of
 * each watched binary (report.watch) with their command lines, over
 * every process event.  0 or EV_ENOMEM.
 */
int	rp_analyse_watched(struct rp *);

/* Process context of ev (empty without correlation). */
void	rp_context(const struct rp *, const struct ev_event *ev,
	    struct rp_ctx *ctx);
/* Whether a load is shown as unusual (report->load_unusual, else the
 * user-writable directory test). */
bool	rp_load_unusual(const struct rp *, const struct ev_event *load);

/*
 * Joined values of a finding's reasons (CSV/JSON cells): source "rule",
 * "baseline" or "rule+baseline"; titles, rule ids and details joined by
 * RP_SEP; tags: the union, space-separated, in order of first appearance.
 */
#define RP_SEP	" | "
const char *rp_source(const struct finding *);
void	rp_join_titles(struct ev_buf *, const struct finding *);
void	rp_join_ids(struct ev_buf *, const struct finding *);
void	rp_join_details(struct ev_buf *, const struct finding *);
/* What matched, per rule reason (findings_matched_line), joined. */
void	rp_join_matched(struct ev_buf *, const struct finding *);
void	rp_join_tags(struct ev_buf *, const struct finding *);
/* Max baseline score of f, or < 0 when no reason has one. */
double	rp_score(const struct finding *);

/* ATT&CK technique ids in tags ("T1218.010"), appended one per call of
 * fn; returns how many. */
size_t	rp_techniques(const char *tags, void (*fn)(void *, const char *,
	    size_t), void *arg);

/*
 * Column c of ev, or, for a Sysmon 3/7 event that does not log it, of
 * the process that made the connection or loaded the module (its command
 * line, parent, user), so every finding row names the process.
 */
const char *rp_col(const struct ev_event *ev, int c);

/* "Process Creation", "Network Connection", ... for an event kind. */
const char *rp_kind_desc(int kind);
/*
 * One line about an event of the execution sources into b ("service
 * UpdSvc (demand start, LocalSystem): cmd /c ..."): the kind, what it
 * names and what it runs, a script block's text abridged to
 * RP_SCRIPT_ABRIDGED bytes with its length.  Nothing for other kinds.
 * Unescaped: the writer escapes it for its format.
 */
#define RP_SCRIPT_ABRIDGED	240
void	rp_source_line(const struct ev_event *, struct ev_buf *b);
/* rp_source_line() of a TaskScheduler/Operational event (report_task.c). */
void	rp_tasksched_line(const struct ev_event *, struct ev_buf *b);
/* ctx->task[]: the task run (corr_task()) of a TaskScheduler event, or
   of the process ev is or belongs to, but ev and the process's origin. */
void	rp_task_context(const struct corr *, const struct ev_event *ev,
	    struct rp_ctx *ctx);
/* Whether kind is one rp_source_line() describes (report_line.c). */
bool	rp_source_kind(int kind);

/* The channel cleared by a log-clear event ("Security" for 1102). */
const char *rp_cleared_channel(const struct ev_event *);

/*
 * ---- composite cells: one formatter each, for every writer ----
 *
 * The network line, the loads and the parent chain are written the same
 * way by the text, CSV and timesketch writers (and the HTML page's
 * script follows them); a missing value is "?".
 */
/* "ip:port"; an IPv6 address in brackets: "[2001:db8::1]:443". */
void	rp_endpoint(struct ev_buf *, const char *ip, const char *port);
/*
 * A connection (Sysmon 3): "tcp [2001:db8::1]:443 (host)"; with src, the
 * local end first: "tcp 10.0.0.5:50000 -> 10.0.0.9:443 (host)".  The
 * host name only when there is one.
 */
void	rp_net_line(struct ev_buf *, const struct ev_event *net, bool src);
/* The connections of c: "<line>; <line>; +N more". */
void	rp_net_cell(struct ev_buf *, const struct rp_ctx *c);
/* The unusual loads of c: "path; path; +N more". */
void	rp_loads_cell(struct ev_buf *, const struct rp_ctx *c);
/* The parent chain of c, images nearest first: "a.exe <- b.exe". */
void	rp_chain_cell(struct ev_buf *, const struct rp_ctx *c);

/* Writes b to out and resets it; EV_EIO when out fails. */
int	rp_flush(FILE *out, struct ev_buf *b, struct ev_err *err);

/*
 * Writes items[0..n) to out as fn formats each (fn: reads rp and the
 * item alone, so that calls run concurrently; items NULL: the entries of
 * the report's findings, rp->fitems' default): in rounds, each round's
 * items formatted in slices on report.jobs threads and the slices written
 * in order, so the output is the same for any number of threads.  0, or
 * rp_flush()'s error.
 */
typedef void	(*rp_item_fn)(struct ev_buf *, const struct rp *,
		    const struct rp_item *);
int	rp_write_items(FILE *out, const struct rp *rp,
	    const struct rp_item *items, size_t n, rp_item_fn fn,
	    struct ev_err *err);

/* Shared JSON pieces (jsonl, timesketch, html). */
void	rp_json_header(struct ev_buf *, const struct rp *);
/* context: the process context; records: every record of the entry's
 * group (an entry that stands for it) */
void	rp_json_item(struct ev_buf *, const struct rp *,
	    const struct rp_item *, bool context, bool records);
void	rp_json_summary(struct ev_buf *, const struct rp *);

/* The writers (one file each). */
int	report_text(FILE *, const struct rp *, struct ev_err *);
int	report_csv(FILE *, const struct rp *, struct ev_err *);
int	report_jsonl(FILE *, const struct rp *, struct ev_err *);
int	report_timesketch(FILE *, const struct rp *, struct ev_err *);
int	report_html(FILE *, const struct rp *, struct ev_err *);
int	report_navigator(FILE *, const struct rp *, struct ev_err *);

#endif
