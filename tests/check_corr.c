/*
 * check_corr.c -- tests for src/correlate.c: Sysmon and 4688 process
 * trees, pid reuse and exits, Sysmon 3/7 attachment, 4688/Sysmon 1
 * de-duplication, and the process tables the store writes from them
 * (corr_row(), store_add_processes()).
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base_events.h"
#include "correlate.h"
#include "ev_util.h"
#include "store.h"

#define S	TEV_SECOND
#define G(n)	"{00000000-0000-0000-0000-00000000000" #n "}"

static struct ev_arena arena;
static struct ev_event *evs[CORR_DEPTH_MAX + 64];
static size_t nev;
static struct corr *corr;

static void
setup(void)
{
	ev_arena_init(&arena);
	nev = 0;
	corr = NULL;
}

static void
teardown(void)
{
	corr_free(corr);
	ev_arena_release(&arena);
	ck_assert_ptr_null(arena.head);
}

static struct ev_event *
push(struct ev_event *ev)
{
	ck_assert_uint_lt(nev, NELEM(evs));
	ev->seq = (uint32_t)nev;
	evs[nev++] = ev;
	return ev;
}

static void
build(void)
{
	struct ev_err err = EV_ERR_INIT;

	ck_assert_int_eq(corr_build(evs, nev, &corr, &err), 0);
}

static struct ev_event *
sysmon1(const char *comp, uint64_t t, const char *guid, const char *pid,
    const char *image, const char *pguid, const char *ppid,
    const char *pimage)
{
	static uint64_t rec = 1000;

	return push(TEV_SYSMON(&arena, 1, comp, t, rec++, "ProcessGuid", guid,
	    "ProcessId", pid, "Image", image, "CommandLine", image,
	    "ParentProcessGuid", pguid, "ParentProcessId", ppid,
	    "ParentImage", pimage, NULL));
}

static struct ev_event *
sec4688(const char *comp, uint64_t t, uint64_t rec, const char *pid,
    const char *image, const char *ppid, const char *pimage)
{
	if (pimage == NULL)	/* template version 1: no ParentProcessName */
		return push(TEV_SEC(&arena, 4688, comp, t, rec, "NewProcessId",
		    pid, "NewProcessName", image, "ProcessId", ppid, NULL));
	return push(TEV_SEC(&arena, 4688, comp, t, rec, "NewProcessId", pid,
	    "NewProcessName", image, "ProcessId", ppid, "ParentProcessName",
	    pimage, NULL));
}

START_TEST(sysmon_tree)
{
	struct ev_event *a, *b, *c, *d, *other, *x;
	const struct ev_event *chain[CORR_CHAIN_MAX];
	const struct ev_event *const *list;

	a = sysmon1("WS1", 1 * S, G(1), "100", "C:\\Windows\\explorer.exe",
	    G(0), "4", "C:\\Windows\\System32\\userinit.exe");
	/* same GUID on another computer must not link across hosts */
	other = sysmon1("WS2", 1 * S, G(1), "100", "C:\\Windows\\notepad.exe",
	    G(0), "4", "C:\\x.exe");
	b = sysmon1("WS1", 2 * S, G(2), "200", "C:\\Windows\\System32\\cmd.exe",
	    G(1), "100", "C:\\Windows\\explorer.exe");
	c = sysmon1("ws1", 3 * S, G(3), "300",
	    "C:\\Windows\\System32\\rundll32.exe", G(2), "200",
	    "C:\\Windows\\System32\\cmd.exe");
	d = sysmon1("WS1", 4 * S, G(4), "400", "C:\\Temp\\a.exe", G(3),
	    "300", "C:\\Windows\\System32\\rundll32.exe");
	x = sysmon1("WS1", 5 * S, G(5), "500", "C:\\Temp\\b.exe", G(2),
	    "200", "C:\\Windows\\System32\\cmd.exe");
	build();
	ck_assert_ptr_eq(corr_parent(corr, d), c);
	ck_assert_ptr_eq(corr_parent(corr, c), b);
	ck_assert_ptr_eq(corr_parent(corr, b), a);
	ck_assert_ptr_null(corr_parent(corr, a));
	ck_assert_ptr_null(corr_parent(corr, other));
	ck_assert_uint_eq(corr_chain(corr, d, chain, CORR_CHAIN_MAX), 3);
	ck_assert_ptr_eq(chain[0], c);
	ck_assert_ptr_eq(chain[2], a);
	ck_assert_uint_eq(corr_chain(corr, d, chain, 2), 2);
	ck_assert_uint_eq(corr_children(corr, b, &list), 2);
	ck_assert_ptr_eq(list[0], c);
	ck_assert_ptr_eq(list[1], x);
	ck_assert_uint_eq(corr_children(corr, d, &list), 0);
	ck_assert_ptr_null(list);
	ck_assert_uint_eq(corr_children(corr, other, &list), 0);
	ck_assert(!corr_is_duplicate(corr, a));
	ck_assert_ptr_eq(corr_process(corr, a), a);
}
END_TEST

START_TEST(pid_reuse_and_exit)
{
	struct ev_event *p1, *c1, *orphan, *p2, *c2, *c3, *other;
	const struct ev_event *chain[CORR_CHAIN_MAX];

	p1 = sec4688("DC1", 1 * S, 1, "0x64", "C:\\Windows\\explorer.exe",
	    "0x4", NULL);
	other = sec4688("DC2", 1 * S, 2, "0x1f4", "C:\\w\\other.exe", "0x64",
	    NULL);
	c1 = sec4688("DC1", 2 * S, 3, "0xc8", "C:\\Windows\\System32\\cmd.exe",
	    "0x64", "C:\\Windows\\explorer.exe");
	push(TEV_SEC(&arena, 4689, "DC1", 3 * S, 4, "ProcessId", "0x64",
	    "ProcessName", "C:\\Windows\\explorer.exe", NULL));
	/* after the exit and before the pid is reused: no parent */
	orphan = sec4688("DC1", 4 * S, 5, "0x12c", "C:\\w\\orphan.exe", "0x64",
	    NULL);
	p2 = sec4688("DC1", 5 * S, 6, "0x64", "C:\\Windows\\System32\\svchost.exe",
	    "0x4", NULL);
	c2 = sec4688("DC1", 6 * S, 7, "0x190", "C:\\w\\c2.exe", "0x64",
	    "C:\\Windows\\System32\\svchost.exe");
	/* parent image that does not fit the live pid: no link */
	c3 = sec4688("DC1", 7 * S, 8, "0x1a4", "C:\\w\\c3.exe", "0x64",
	    "C:\\Windows\\explorer.exe");
	build();
	ck_assert_ptr_eq(corr_parent(corr, c1), p1);
	ck_assert_ptr_null(corr_parent(corr, other));
	ck_assert_ptr_null(corr_parent(corr, orphan));
	ck_assert_ptr_eq(corr_parent(corr, c2), p2);
	ck_assert_ptr_null(corr_parent(corr, c3));
	ck_assert_ptr_eq(corr_exit(corr, p1), evs[3]);
	ck_assert_ptr_null(corr_exit(corr, p2));
	ck_assert_uint_eq(corr_chain(corr, c2, chain, CORR_CHAIN_MAX), 1);
}
END_TEST

START_TEST(sysmon_exit)
{
	struct ev_event *p1, *p2, *c;

	p1 = sysmon1("WS1", 1 * S, G(1), "100", "C:\\a.exe", G(0), "4",
	    "C:\\s.exe");
	push(TEV_SYSMON(&arena, 5, "WS1", 2 * S, 50, "ProcessGuid", G(1),
	    "ProcessId", "100", "Image", "C:\\a.exe", NULL));
	/* a 4688 child (pid link) after the Sysmon 5: no parent */
	c = sec4688("WS1", 3 * S, 51, "0x12c", "C:\\c.exe", "0x64", NULL);
	p2 = sec4688("WS1", 4 * S, 52, "0x64", "C:\\b.exe", "0x4", NULL);
	build();
	ck_assert_ptr_eq(corr_exit(corr, p1), evs[1]);
	ck_assert_ptr_null(corr_parent(corr, c));
	ck_assert_ptr_null(corr_exit(corr, p2));
}
END_TEST

START_TEST(attach_3_7)
{
	struct ev_event *p, *q, *n1, *l1, *l2, *stray, *n2;
	const struct ev_event *const *list;

	p = sysmon1("WS1", 1 * S, G(1), "100",
	    "C:\\Windows\\System32\\rundll32.exe", G(0), "4", "C:\\s.exe");
	q = sysmon1("WS1", 1 * S, G(2), "101", "C:\\q.exe", G(0), "4",
	    "C:\\s.exe");
	l1 = push(TEV_SYSMON(&arena, 7, "WS1", 2 * S, 60, "ProcessGuid", G(1),
	    "ProcessId", "100", "Image", "C:\\Windows\\System32\\rundll32.exe",
	    "ImageLoaded", "C:\\Users\\a\\AppData\\Local\\Temp\\x.dll", NULL));
	n1 = push(TEV_SYSMON(&arena, 3, "WS1", 3 * S, 61, "ProcessGuid", G(1),
	    "ProcessId", "100", "Image", "C:\\Windows\\System32\\rundll32.exe",
	    "DestinationIp", "8.8.8.8", "DestinationPort", "443", NULL));
	l2 = push(TEV_SYSMON(&arena, 7, "WS1", 4 * S, 62, "ProcessGuid", G(1),
	    "ProcessId", "100", "ImageLoaded", "C:\\Windows\\System32\\a.dll",
	    NULL));
	stray = push(TEV_SYSMON(&arena, 7, "WS1", 4 * S, 63, "ProcessGuid",
	    G(9), "ProcessId", "999", "ImageLoaded", "C:\\b.dll", NULL));
	/* pid fallback when the GUID is unknown: same pid and image */
	n2 = push(TEV_SYSMON(&arena, 3, "WS1", 5 * S, 64, "ProcessGuid", G(8),
	    "ProcessId", "101", "Image", "C:\\Q.EXE", "DestinationIp",
	    "10.0.0.1", "DestinationPort", "445", NULL));
	build();
	ck_assert_ptr_eq(l1->process, p);
	ck_assert_ptr_eq(l2->process, p);
	ck_assert_ptr_eq(n1->process, p);
	ck_assert_ptr_null(stray->process);
	ck_assert_ptr_eq(n2->process, q);
	ck_assert_ptr_eq(corr_process(corr, l1), p);
	ck_assert_uint_eq(corr_image_loads(corr, p, &list), 2);
	ck_assert_ptr_eq(list[0], l1);
	ck_assert_ptr_eq(list[1], l2);
	ck_assert_uint_eq(corr_network(corr, p, &list), 1);
	ck_assert_ptr_eq(list[0], n1);
	ck_assert_uint_eq(corr_network(corr, q, &list), 1);
	ck_assert_uint_eq(corr_image_loads(corr, q, &list), 0);
}
END_TEST

/* Sysmon 1 and 4688 of one process, in both orders and near misses. */
START_TEST(dedup)
{
	struct ev_event *s1, *a1, *s2, *a2, *s3, *a3, *a4, *s4, *child;
	const struct ev_event *const *list;

	/* 4688 first, Sysmon 1 a second later, image case differs */
	a1 = sec4688("WS1", 10 * S, 7001, "0x3e8",
	    "C:\\WINDOWS\\system32\\rundll32.exe", "0x4", NULL);
	s1 = sysmon1("WS1", 11 * S, G(1), "1000",
	    "C:\\Windows\\System32\\rundll32.exe", G(0), "4", "C:\\s.exe");
	/* Sysmon 1 first, 4688 1.5 s later */
	s2 = sysmon1("WS1", 20 * S, G(2), "2000", "C:\\Windows\\b.exe", G(1),
	    "1000", "C:\\Windows\\System32\\rundll32.exe");
	a2 = sec4688("WS1", 20 * S + 15 * S / 10, 7002, "0x7d0",
	    "C:\\Windows\\b.exe", "0x3e8", NULL);
	/* 3 s apart: two processes */
	s3 = sysmon1("WS1", 30 * S, G(3), "3000", "C:\\c.exe", G(0), "4",
	    "C:\\s.exe");
	a3 = sec4688("WS1", 33 * S, 7003, "0xbb8", "C:\\c.exe", "0x4", NULL);
	/* other image: two processes */
	s4 = sysmon1("WS1", 40 * S, G(4), "4000", "C:\\d.exe", G(0), "4",
	    "C:\\s.exe");
	a4 = sec4688("WS1", 40 * S, 7004, "0xfa0", "C:\\e.exe", "0x4", NULL);
	/* a 4688 child of the deduplicated process links to the Sysmon */
	child = sec4688("WS1", 50 * S, 7005, "0x1388", "C:\\f.exe", "0x7d0",
	    "C:\\Windows\\b.exe");
	build();
	ck_assert(corr_is_duplicate(corr, a1));
	ck_assert(!corr_is_duplicate(corr, s1));
	ck_assert_uint_eq(s1->dup_record, 7001);
	ck_assert_ptr_eq(corr_process(corr, a1), s1);
	ck_assert(corr_is_duplicate(corr, a2));
	ck_assert_uint_eq(s2->dup_record, 7002);
	ck_assert_ptr_eq(corr_parent(corr, s2), s1);
	/* a duplicate answers for the process it logs */
	ck_assert_ptr_eq(corr_parent(corr, a2), s1);
	ck_assert(!corr_is_duplicate(corr, a3));
	ck_assert(!corr_is_duplicate(corr, s3));
	ck_assert_uint_eq(s3->dup_record, 0);
	ck_assert(!corr_is_duplicate(corr, a4));
	ck_assert_uint_eq(s4->dup_record, 0);
	ck_assert_ptr_eq(corr_parent(corr, child), s2);
	ck_assert_uint_eq(corr_children(corr, s1, &list), 1);
	ck_assert_ptr_eq(list[0], s2);
}
END_TEST

/*
 * One process in two copies of a 4688 (a log and its forwarded or saved
 * copy: other record ids) and a Sysmon 1: one process, in either order
 * (issue 19: msxsl.exe pid 8756 on WKS01 gave two findings).
 */
START_TEST(dedup_copies)
{
	struct ev_event *a1, *a2, *s1, *b1, *b2, *s2, *c1, *c2, *d1, *d2;

	/* two copies, then the Sysmon 1 a second later */
	a1 = sec4688("WS1", 10 * S, 20134, "0x2234", "C:\\t\\msxsl.exe", "0x4",
	    NULL);
	a2 = sec4688("WS1", 10 * S, 20170, "0x2234", "C:\\t\\msxsl.exe", "0x4",
	    NULL);
	s1 = sysmon1("WS1", 11 * S, G(1), "8756", "C:\\t\\msxsl.exe", G(0), "4",
	    "C:\\s.exe");
	/* the Sysmon 1 first, then two copies */
	s2 = sysmon1("WS1", 20 * S, G(2), "2000", "C:\\b.exe", G(0), "4",
	    "C:\\s.exe");
	b1 = sec4688("WS1", 21 * S, 30001, "0x7d0", "C:\\b.exe", "0x4", NULL);
	b2 = sec4688("WS1", 21 * S, 40001, "0x7d0", "C:\\b.exe", "0x4", NULL);
	/* two copies and no Sysmon: one process */
	c1 = sec4688("WS1", 30 * S, 30002, "0xbb8", "C:\\c.exe", "0x4", NULL);
	c2 = sec4688("WS1", 30 * S, 40002, "0xbb8", "C:\\c.exe", "0x4", NULL);
	/* same pid and image 5 s apart: a new process, not a copy */
	d1 = sec4688("WS1", 40 * S, 30003, "0xfa0", "C:\\d.exe", "0x4", NULL);
	d2 = sec4688("WS1", 45 * S, 30004, "0xfa0", "C:\\d.exe", "0x4", NULL);
	build();
	ck_assert(corr_is_duplicate(corr, a1));
	ck_assert(corr_is_duplicate(corr, a2));
	ck_assert(!corr_is_duplicate(corr, s1));
	ck_assert_ptr_eq(corr_process(corr, a1), s1);
	ck_assert_ptr_eq(corr_process(corr, a2), s1);
	ck_assert_uint_eq(s1->dup_record, 20134);
	ck_assert(corr_is_duplicate(corr, b1));
	ck_assert(corr_is_duplicate(corr, b2));
	ck_assert_ptr_eq(corr_process(corr, b2), s2);
	ck_assert(!corr_is_duplicate(corr, c1));
	ck_assert(corr_is_duplicate(corr, c2));
	ck_assert_ptr_eq(corr_process(corr, c2), c1);
	ck_assert(!corr_is_duplicate(corr, d1));
	ck_assert(!corr_is_duplicate(corr, d2));
}
END_TEST

static long long
q1(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long v;

	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 :
	    sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

START_TEST(store)
{
	struct ev_err err = EV_ERR_INIT;
	char path[] = "/tmp/check_corr.XXXXXX";
	struct store *st;
	sqlite3 *db;
	int fd;

	sysmon1("WS1", 1 * S, G(1), "100", "C:\\a.exe", G(0), "4", "C:\\s.exe");
	sysmon1("WS1", 2 * S, G(2), "200", "C:\\b.exe", G(1), "100",
	    "C:\\a.exe");
	sec4688("WS1", 2 * S, 9, "0xc8", "C:\\b.exe", "0x64", NULL);
	push(TEV_SYSMON(&arena, 3, "WS1", 3 * S, 61, "ProcessGuid", G(2),
	    "ProcessId", "200", "DestinationIp", "8.8.8.8", NULL));
	push(TEV_SYSMON(&arena, 5, "WS1", 4 * S, 62, "ProcessGuid", G(2),
	    "ProcessId", "200", NULL));
	build();
	ck_assert_int_ne(fd = mkstemp(path), -1);
	close(fd);
	ck_assert_int_eq(store_open(path, &st, &err), 0);
	ck_assert_int_eq(store_add_processes(st, corr, &err), 0);
	ck_assert_int_eq(store_close(st, &err), 0);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(q1(db, "SELECT count(*) FROM processes"), 3);
	/* ids are events.id: output position + 1 (store_event_id()) */
	ck_assert_int_eq(q1(db, "SELECT parent FROM processes WHERE event=2"),
	    1);
	ck_assert_int_eq(q1(db, "SELECT depth FROM processes WHERE event=2"),
	    1);
	ck_assert_int_eq(q1(db, "SELECT duplicate_of FROM processes"
	    " WHERE event=3"), 2);
	ck_assert_int_eq(q1(db, "SELECT exit_event FROM processes"
	    " WHERE event=2"), 5);
	ck_assert_int_eq(q1(db, "SELECT count(*) FROM process_edges"), 1);
	ck_assert_int_eq(q1(db, "SELECT child FROM process_edges"), 2);
	ck_assert_int_eq(q1(db, "SELECT event FROM process_events"
	    " WHERE process=2 AND kind='network'"), 4);
	sqlite3_close(db);
	unlink(path);
}
END_TEST

/* A chain longer than the cap: each depth is right, the last capped. */
START_TEST(deep_chain)
{
	enum { N = CORR_DEPTH_MAX + 50 };
	struct corr_row row;
	char pid[24], ppid[24];

	for (size_t i = 0; i < N; i++) {
		snprintf(pid, sizeof(pid), "0x%zx", 8 + 4 * i);
		snprintf(ppid, sizeof(ppid), "0x%zx", 4 + 4 * i);
		sec4688("DC1", (1 + i) * S, 1 + i, ev_arena_strdup(&arena, pid),
		    "C:\\w\\x.exe", ev_arena_strdup(&arena, ppid), NULL);
	}
	build();
	ck_assert_uint_eq(corr_nprocs(corr), N);
	corr_row(corr, 0, &row);
	ck_assert_uint_eq(row.depth, 0);
	corr_row(corr, 100, &row);
	ck_assert_uint_eq(row.depth, 100);
	ck_assert_ptr_eq(row.parent, evs[99]);
	corr_row(corr, CORR_DEPTH_MAX, &row);
	ck_assert_uint_eq(row.depth, CORR_DEPTH_MAX);
	corr_row(corr, N - 1, &row);
	ck_assert_uint_eq(row.depth, CORR_DEPTH_MAX);
}
END_TEST

/*
 * corr_build_jobs() on 1 to 8 threads (the first pass dealt by host):
 * the same trees, twins, exits and attachments as one thread, over five
 * hosts of uneven size, one of them spelled in two cases, with pid
 * reuse, 4688/Sysmon 1 twins and Sysmon 3/5/7 in between.
 */
START_TEST(jobs_same)
{
	static const char *const comps[] = { "WS1", "ws1", "DC1", "SRV2",
	    "LAB3", "WS1" };
	static const unsigned jobs[] = { 2, 3, 8 };
	struct corr_row want, got;
	struct ev_event *procs_of[NELEM(comps)] = { NULL };
	const struct ev_event *proc1[256];
	char guid[64], pid[16], ppid[16];
	size_t nw;

	for (unsigned i = 0; i < 120; i++) {
		const char *c = comps[i % NELEM(comps)];
		unsigned h = i % NELEM(comps), p = 100 + i % 7;
		struct ev_event *ev;

		snprintf(guid, sizeof(guid), "{0000000%u-0000-0000-0000-%012u}",
		    h % 5, i);
		snprintf(pid, sizeof(pid), "%u", p);
		snprintf(ppid, sizeof(ppid), "%u", 100 + (i + 3) % 7);
		if (i % 4 == 1) {
			snprintf(pid, sizeof(pid), "0x%x", p);
			snprintf(ppid, sizeof(ppid), "0x%x", 100 + (i + 3) % 7);
			ev = sec4688(c, i * S, 5000 + i, pid, "C:\\w\\t.exe", ppid,
			    NULL);
		} else
			ev = sysmon1(c, i * S, guid, pid, "C:\\w\\t.exe",
			    procs_of[h] != NULL ? ev_col(procs_of[h],
			    EV_COL_PROCESS_GUID) : G(0), ppid, "C:\\w\\t.exe");
		procs_of[h] = ev;
		if (i % 5 == 2)		/* its twin, a second later */
			sec4688(c, i * S + S / 2, 9000 + i, "0x0", "C:\\w\\t.exe",
			    "0x4", NULL);
		if (i % 3 == 0)
			push(TEV_SYSMON(&arena, i % 2 ? 3 : 7, c, i * S + 1, 7000 + i,
			    "ProcessGuid", guid, "ProcessId", pid, "Image",
			    "C:\\w\\t.exe", NULL));
		if (i % 11 == 5)
			push(TEV_SYSMON(&arena, 5, c, i * S + 2, 8000 + i,
			    "ProcessGuid", guid, "ProcessId", pid, "Image",
			    "C:\\w\\t.exe", NULL));
	}
	build();
	nw = corr_nprocs(corr);
	ck_assert_uint_gt(nw, 100);
	for (size_t i = 0; i < nev && i < NELEM(proc1); i++)
		proc1[i] = evs[i]->process;
	for (size_t j = 0; j < NELEM(jobs); j++) {
		struct corr *c2 = NULL;
		struct ev_err err = EV_ERR_INIT;

		for (size_t i = 0; i < nev; i++) {
			evs[i]->process = NULL;
			evs[i]->dup_record = 0;
		}
		ck_assert_int_eq(corr_build_jobs(evs, nev, jobs[j], &c2, &err),
		    0);
		ck_assert_uint_eq(corr_nprocs(c2), nw);
		for (size_t i = 0; i < nw; i++) {
			corr_row(corr, i, &want);
			corr_row(c2, i, &got);
			ck_assert_ptr_eq(got.ev, want.ev);
			ck_assert_ptr_eq(got.duplicate_of,
			    want.duplicate_of);
			ck_assert_ptr_eq(got.exit, want.exit);
			ck_assert_ptr_eq(got.parent, want.parent);
			ck_assert_uint_eq(got.depth, want.depth);
			ck_assert_uint_eq(got.nnet, want.nnet);
			ck_assert_uint_eq(got.nloads,
			    want.nloads);
			for (size_t k = 0; k < got.nloads; k++)
				ck_assert_ptr_eq(got.loads[k],
				    want.loads[k]);
		}
		for (size_t i = 0; i < nev && i < NELEM(proc1); i++)
			ck_assert_ptr_eq(evs[i]->process, proc1[i]);
		corr_free(c2);
	}
}
END_TEST

START_TEST(empty)
{
	build();
	ck_assert(!corr_is_duplicate(corr, NULL));
	ck_assert_ptr_null(corr_parent(corr, NULL));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("corr");
	TCase *tc = tcase_create("tree");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, sysmon_tree);
	tcase_add_test(tc, pid_reuse_and_exit);
	tcase_add_test(tc, sysmon_exit);
	tcase_add_test(tc, attach_3_7);
	tcase_add_test(tc, dedup);
	tcase_add_test(tc, dedup_copies);
	tcase_add_test(tc, store);
	tcase_add_test(tc, deep_chain);
	tcase_add_test(tc, empty);
	tcase_add_test(tc, jobs_same);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
