#!/bin/sh
# base_cmd.sh -- `evtxhunt baseline learn|show|merge` end to end on the
# generated testdata: merge of two learned baselines equals one learned
# on both, learn adds to an existing file, errors give status 2, and no
# temporary file is left behind.
set -u
: "${EVTXHUNT:?}" "${top_srcdir:?}"
T=$top_srcdir/testdata
for f in srv02-security srv02-sysmon wks01-security wks01-sysmon; do
	test -f "$T/$f.evtx" || { echo "skip: no $f.evtx"; exit 77; }
done
D=$(mktemp -d "${TMPDIR:-/tmp}/base_cmd.XXXXXX") || exit 1
trap 'rm -rf "$D"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
expect() {	# expect STATUS command...
	want=$1; shift
	"$@" >"$D/out" 2>"$D/err"; got=$?
	test "$got" = "$want" || { bad "$* -> $got, want $want"; cat "$D/err"; }
}

A="$T/srv02-security.evtx $T/srv02-sysmon.evtx"
B="$T/wks01-security.evtx $T/wks01-sysmon.evtx"
expect 0 "$EVTXHUNT" baseline learn -q -o "$D/a.db" $A
expect 0 "$EVTXHUNT" baseline learn -q -o "$D/b.db" $B
expect 0 "$EVTXHUNT" baseline learn -q -o "$D/all.db" $A $B
expect 0 "$EVTXHUNT" baseline merge -o "$D/m.db" "$D/a.db" "$D/b.db"

# merge equals combined learn, binary by binary
"$EVTXHUNT" baseline show "$D/all.db" >"$D/all.txt" || bad "show all.db"
"$EVTXHUNT" baseline show "$D/m.db" >"$D/m.txt" || bad "show m.db"
cmp -s "$D/all.txt" "$D/m.txt" || { bad "merge differs from learn"; diff "$D/all.txt" "$D/m.txt"; }
n=$(awk 'NR > 1' "$D/all.txt" | wc -l)
test "$n" -ge 5 || bad "only $n binaries learned"
for bin in $(awk 'NR > 1 { print $1 }' "$D/all.txt"); do
	"$EVTXHUNT" baseline show "$D/all.db" "$bin" >"$D/x1" || bad "show $bin"
	"$EVTXHUNT" baseline show "$D/m.db" "$bin" >"$D/x2" || bad "show $bin"
	cmp -s "$D/x1" "$D/x2" || bad "merged $bin differs"
	grep -q '^arg ' "$D/x1" || grep -q '^image ' "$D/x1" || bad "$bin: no features"
done
# case-insensitive binary name
expect 0 "$EVTXHUNT" baseline show "$D/all.db" MSBuild.EXE
grep -q '^msbuild.exe: [0-9]* invocations on 2 hosts' "$D/out" || bad "show msbuild: $(head -1 "$D/out")"

# learn adds to an existing baseline: counts double
expect 0 "$EVTXHUNT" baseline learn -q -o "$D/a.db" $A
"$EVTXHUNT" baseline show "$D/a.db" msbuild.exe | head -1 >"$D/x1"
grep -q ': 4 invocations on 1 hosts' "$D/x1" || bad "learn did not add: $(cat "$D/x1")"

# errors
expect 2 "$EVTXHUNT" baseline merge -o "$D/m.db" "$D/m.db"
expect 2 "$EVTXHUNT" baseline show "$T/srv02-sysmon.evtx"
expect 2 "$EVTXHUNT" baseline show "$D/all.db" notepad.exe
expect 2 "$EVTXHUNT" baseline show "$D/nonexistent.db"
test ! -e "$D/nonexistent.db" || bad "show created a file"
expect 2 "$EVTXHUNT" baseline merge -o "$D/x.db" "$D/nonexistent.db"
test ! -e "$D/x.db" || bad "failed merge left x.db"
expect 2 "$EVTXHUNT" baseline learn "$T/srv02-sysmon.evtx"
expect 2 "$EVTXHUNT" baseline learn -o "$D/y.db" -w "$D/none.yml" $A
expect 2 "$EVTXHUNT" baseline frobnicate
expect 2 "$EVTXHUNT" baseline
expect 0 "$EVTXHUNT" baseline learn --help
grep -q '^usage: evtxhunt baseline learn' "$D/out" || bad "learn --help"
expect 0 "$EVTXHUNT" baseline --help

# no temporary files left
ls "$D" | grep -q '\.db\.' && bad "temporary file left: $(ls "$D")"
exit $fail
