#!/bin/sh
# corpus-counts.sh -- every real corpus file, read through the reader
# interface (tests/readcount), delivers at least the allocated Security
# 4688 and Sysmon 1/3/7 counts of the corpus manifest, and no file stops
# the run.  For the libevtx parser (the reference, built on the library
# that measured the manifest) the counts must be equal, and so must the
# allocated / bad record totals and the dirty / full flags; every
# delivered allocated record must have its byte offset.
#
# PARSER=native|libevtx selects the parser (default libevtx), so another
# test can run this one for the native decoder:  PARSER=native sh $0
# Skips (77) without SHARED_DIR.
set -u
if [ -z "${SHARED_DIR:-}" ]; then
	echo "SHARED_DIR not set: no corpus, skipping"
	exit 77
fi
parser=${PARSER:-libevtx}
readcount=$top_builddir/tests/readcount
out=$top_builddir/tests/corpus-counts-$parser.tsv
err=$top_builddir/tests/corpus-counts-$parser.err

# One unpack at a time (other corpus tests share the directory).
corpus=$(flock "$top_builddir/test-corpus.lock" \
    "$SHARED_DIR/tools/unpack-corpus" "$top_builddir/test-corpus") || {
	echo "cannot unpack the corpus"
	exit 1
}
manifest=$corpus/manifest.tsv

# readcount exits 2 when a file cannot be read at all (the 0-byte files);
# the per-file status column is checked below instead.
(cd "$corpus" && tail -n +2 manifest.tsv | cut -f1 |
    tr '\n' '\0' | xargs -0 "$readcount" --parser "$parser") \
    >"$out" 2>"$err"
rc=$?
if [ $rc -ne 0 ] && [ $rc -ne 2 ] && [ $rc -ne 123 ]; then
	echo "readcount failed with status $rc"
	tail -5 "$err"
	exit 1
fi

awk -F '\t' -v parser="$parser" '
FNR == NR {
	if (FNR > 1)
		m[$1] = $0
	next
}
{
	seen[$1] = 1
	if (!($1 in m)) {
		printf "%s: not in the manifest\n", $1
		bad++
		next
	}
	split(m[$1], w, "\t")
	# manifest: 2 size 5 dirty 6 full 10 pyevtx_records
	# 11 pyevtx_bad_alloc 15..18 sec4688 sysmon1 sysmon3 sysmon7
	# readcount: 2 status 3 records 4 recovered 5 bad 6 events
	# 7..10 kinds 11 dirty 12 full 17 delivered without offset
	if (w[2] == 0) {
		if ($2 != "not an EVTX file") {
			printf "%s: empty file read as \"%s\"\n", $1, $2
			bad++
		}
		next
	}
	if ($2 != "ok") {
		printf "%s: status \"%s\"\n", $1, $2
		bad++
		next
	}
	below = 0
	for (i = 0; i < 4; i++)
		if ($(7 + i) + 0 < w[15 + i] + 0)
			below = 1
	if (below) {
		printf "%s: kinds %s/%s/%s/%s below manifest %s/%s/%s/%s\n",
		    $1, $7, $8, $9, $10, w[15], w[16], w[17], w[18]
		bad++
		next
	}
	if (parser == "libevtx") {
		if ($7 != w[15] || $8 != w[16] || $9 != w[17] ||
		    $10 != w[18] || $3 != w[10] || $5 != w[11] ||
		    $11 != w[5] || $12 != w[6] || $17 != 0) {
			printf "%s: libevtx differs from the manifest\n", $1
			bad++
			next
		}
	}
	good++
}
END {
	for (p in m)
		if (!(p in seen)) {
			printf "%s: no output line\n", p
			bad++
		}
	printf "%d files match, %d differ\n", good, bad
	exit bad > 0
}' "$manifest" "$out"
