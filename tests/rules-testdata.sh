#!/bin/sh
# tests/rules-testdata.sh -- the rule samples under testdata/rules/ must be
# exactly what their specs produce (evtxgen --verify: same bytes, and
# libevtx reads every record with the values the spec gives).
set -u
: "${top_srcdir:=.}"
: "${top_builddir:=.}"
gen=$top_builddir/tests/evtxgen
if [ ! -x "$gen" ]; then
	echo "rules-testdata.sh: $gen not built" >&2
	exit 99
fi
pass=0
fail=0
for spec in "$top_srcdir"/testdata/rules/pos/*.spec \
    "$top_srcdir"/testdata/rules/neg/*.spec; do
	[ -f "$spec" ] || continue
	rel=$(sed -n 's/^output[ 	]*//p' "$spec")
	if "$gen" --verify "$spec" "$top_srcdir/testdata/$rel" >/dev/null; then
		pass=$((pass + 1))
	else
		echo "FAIL: $spec" >&2
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$pass" -gt 0 ] && [ "$fail" -eq 0 ]
