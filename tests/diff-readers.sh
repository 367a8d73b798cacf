#!/bin/sh
# diff-readers.sh -- the differential test (tests/evtxdiff): the native
# decoder and libevtx must deliver the same normalised events for every
# record libevtx renders, over testdata/*.evtx, testdata/bad/*.evtx and,
# with SHARED_DIR, every file of the real corpus.  The canonical form and
# the allowlist are documented at the top of tests/evtxdiff.c.  Beyond the
# built-in kinds, every record of the Windows PowerShell channel is
# compared (its 400/800 values are string arrays).
# Skips (77) when there is no file to compare.
set -u
evtxdiff=$top_builddir/tests/evtxdiff
log=$top_builddir/tests/diff-readers.out	# not .log: that is the test driver's
list=$top_builddir/tests/diff-readers.files
: >"$list"
for f in "$top_srcdir"/testdata/*.evtx "$top_srcdir"/testdata/bad/*.evtx; do
	[ -f "$f" ] && printf '%s\0' "$f" >>"$list"
done
if [ -n "${SHARED_DIR:-}" ]; then
	corpus=$(flock "$top_builddir/test-corpus.lock" \
	    "$SHARED_DIR/tools/unpack-corpus" "$top_builddir/test-corpus") || {
		echo "cannot unpack the corpus"
		exit 1
	}
	find "$corpus" -type f -name '*.evtx' -print0 >>"$list"
fi
if [ ! -s "$list" ]; then
	echo "no testdata and no corpus: skipping"
	exit 77
fi
xargs -0 "$evtxdiff" -w "Windows PowerShell" <"$list" >"$log" 2>&1
rc=$?
grep -v '^[0-9]* passed, [0-9]* failed$' "$log" | grep -v '^events: ' |
    head -40
grep '^events: ' "$log"
awk '/^[0-9]+ passed, [0-9]+ failed$/ { p += $1; f += $3 }
END { printf "%d passed, %d failed\n", p, f; exit f > 0 }' "$log" || exit 1
[ $rc -eq 0 ] || { echo "evtxdiff exited $rc"; exit 1; }
exit 0
