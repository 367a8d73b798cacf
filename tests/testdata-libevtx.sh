#!/bin/sh
# tests/testdata-libevtx.sh -- the committed testdata/ is exactly what the
# writer makes from testdata/spec now, and libevtx reads every good file
# with the values its spec says (evtxgen --verify).
set -u

: "${top_srcdir:?}" "${top_builddir:?}"
gen=$top_builddir/tests/evtxgen
td=$top_srcdir/testdata
tmp=$(mktemp -d "${TMPDIR:-/tmp}/testdata.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0

# 1. Regenerate everything and compare byte for byte.
if ! sh "$top_srcdir/tests/gen-testdata.sh" "$gen" "$td" "$tmp"; then
	echo "FAIL: gen-testdata.sh"
	exit 1
fi
n=0
for f in $(cd "$tmp" && find . -type f | sort); do
	n=$((n + 1))
	if ! cmp -s "$tmp/$f" "$td/$f"; then
		echo "FAIL: testdata/$f differs from a fresh build (make testdata)"
		fail=1
	fi
done
if [ "$n" -lt 24 ]; then
	echo "FAIL: only $n generated files"
	fail=1
fi

# 2. Every spec's file is byte-identical and, unless damaged on purpose,
#    read by libevtx with every value the spec says.
for spec in "$td"/spec/*.spec; do
	rel=$(sed -n 's/^output[ 	]*//p' "$spec")
	"$gen" --verify "$spec" "$td/$rel" || fail=1
done
exit $fail
