#!/bin/sh
# diff-readers.sh -- the differential test (tests/evtxdiff): the native
# decoder and libevtx must deliver the same normalised events for every
# record libevtx renders, over testdata/*.evtx, testdata/bad/*.evtx and,
# with SHARED_DIR, every file of the real corpus (every fourth in the
# sanitizer build: see below).  The canonical form and
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
	if [ -n "${EVH_SANITIZED:-}" ]; then
		# Under ASan+UBSan (the second `make check` of ./bootstrap
		# check) every fourth corpus file, in sorted order: the plain
		# build has just compared them all, corpus-counts.sh decodes
		# them all under the sanitizers, and libevtx's allocations
		# under ASan made this one test 4.5 of CI's 21 minutes.
		find "$corpus" -type f -name '*.evtx' -print0 | sort -z |
		    xargs -0 sh -c 'i=0
			for f do
				[ $((i % 4)) -eq 0 ] && printf "%s\0" "$f"
				i=$((i + 1))
			done' sh >>"$list"
	else
		find "$corpus" -type f -name '*.evtx' -print0 >>"$list"
	fi
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
