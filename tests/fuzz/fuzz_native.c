/*
 * fuzz_native.c -- libFuzzer harness for the native EVTX decoder: the
 * input is written to a memfd and read through the reader interface
 * (recovered records delivered), touching every delivered field.  Built
 * by `make fuzz` / `make fuzz-smoke` (tests/evtx.am) with clang
 * -fsanitize=fuzzer,address,undefined.
 *
 * Small inputs would rarely reach the BinXML decoder, so an input that
 * does not start with the file signature is also tried as one chunk
 * behind a valid file header (the harness adds the header).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ev_err.h"
#include "ev_util.h"
#include "event.h"
#include "evtx/crc32.h"
#include "evtx/reader.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static size_t touched;

static int
on_record(const struct ev_record *rec, void *ctx)
{
	(void)ctx;
	touched += strlen(rec->provider ? rec->provider : "");
	touched += rec->channel ? strlen(rec->channel) : 0;
	touched += rec->computer ? strlen(rec->computer) : 0;
	touched += rec->user_sid ? strlen(rec->user_sid) : 0;
	touched += rec->unresolved;	/* values named by position */
	for (uint32_t i = 0; i < rec->ndata; i++)
		touched += strlen(rec->data[i].name) +
		    strlen(rec->data[i].value);
	return 0;
}

static void
on_warn(void *ctx, const char *msg)
{
	(void)ctx;
	touched += strlen(msg);
}

static int
on_late(uint32_t file, const struct ev_record *rec, uint32_t nuls, void *ctx)
{
	touched += file + nuls;
	return on_record(rec, ctx);
}

/*
 * Reads the input twice, as files 0 and 1 of one run with a template
 * registry, then names the records kept for it (the cross-chunk and
 * cross-file look-up of reader.h).
 */
static void
read_fd(int fd)
{
	struct evtx_open_opts o = { EVTX_PARSER_NATIVE, true, NULL, 0 };
	struct evtx_sink sink = { on_record, on_warn, NULL };
	struct evtx_stats st;
	struct evtx_file *f;
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	o.tpls = evtx_tpls_new();
	for (o.file = 0; o.file < 2; o.file++) {
		evtx_stats_init(&st);
		if (evtx_file_open(path, &o, &f, &st, NULL) == 0) {
			evtx_file_read(f, 0, evtx_file_units(f), &sink, &st,
			    NULL);
			evtx_file_close(f);
		}
		evtx_stats_release(&st);
	}
	if (o.tpls != NULL)
		evtx_tpls_finish(o.tpls, on_late, NULL, NULL);
	evtx_tpls_free(o.tpls);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd == -1)
		return 0;
	if (size >= 8 && memcmp(data, "ElfFile", 8) == 0) {
		if (write(fd, data, size) == (ssize_t)size)
			read_fd(fd);
	} else {
		static uint8_t hdr[4096];
		uint32_t crc;

		memset(hdr, 0, sizeof(hdr));
		memcpy(hdr, "ElfFile", 8);
		hdr[32] = 128;			/* header size */
		hdr[36] = 1;			/* minor */
		hdr[38] = 3;			/* major */
		hdr[41] = 0x10;			/* block size 4096 */
		hdr[42] = 1;			/* one chunk */
		crc = evtx_crc32(0, hdr, 120);
		memcpy(hdr + 124, &crc, 4);
		if (write(fd, hdr, sizeof(hdr)) == (ssize_t)sizeof(hdr) &&
		    write(fd, data, size) == (ssize_t)size)
			read_fd(fd);
	}
	close(fd);
	return 0;
}
