#!/bin/sh
# corpus-counts-native.sh -- the native decoder over every real corpus
# file: no crash or hang, per-file allocated 4688 / Sysmon 1/3/7 counts at
# least the manifest's (tests/corpus-counts.sh with PARSER=native), and
# beyond that:
#   - every file reads at least the allocated records libevtx renders
#     (manifest pyevtx_records), with the same dirty / full flags;
#   - the 14 files where libevtx fails every record (value text token
#     0x05 in attribute values: pyevtx_records 0, pyevtx_bad_alloc > 0)
#     are read completely: as many records as libevtx announces, none bad.
# Skips (77) without SHARED_DIR.
set -u
if [ -z "${SHARED_DIR:-}" ]; then
	echo "SHARED_DIR not set: no corpus, skipping"
	exit 77
fi
PARSER=native "${SHELL:-/bin/sh}" "$top_srcdir/tests/corpus-counts.sh" ||
	exit 1
out=$top_builddir/tests/corpus-counts-native.tsv
corpus=$top_builddir/test-corpus/corpus
awk -F '\t' '
FNR == NR {
	if (FNR > 1)
		m[$1] = $0
	next
}
{
	split(m[$1], w, "\t")
	# manifest: 2 size 5 dirty 6 full 8 evtxinfo_records
	# 10 pyevtx_records 11 pyevtx_bad_alloc
	# readcount: 2 status 3 records 5 bad 11 dirty 12 full
	if (w[2] == 0 || $2 != "ok")
		next
	if ($3 + 0 < w[10] + 0 || $11 != w[5] || $12 != w[6]) {
		printf "%s: %s records (libevtx %s), dirty/full %s/%s " \
		    "(manifest %s/%s)\n", $1, $3, w[10], $11, $12, w[5], w[6]
		bad++
	}
	if (w[10] == 0 && w[11] > 0) {
		x05++
		if ($3 != w[8] || $5 != 0) {
			printf "%s: 0x05 file: %s records, %s bad " \
			    "(libevtx announces %s)\n", $1, $3, $5, w[8]
			bad++
		}
	}
}
END {
	printf "%d files where libevtx fails every record, all read\n", x05
	if (x05 != 14)
		bad++
	exit bad > 0
}' "$corpus/manifest.tsv" "$out"
