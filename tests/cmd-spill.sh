#!/bin/sh
# cmd-spill.sh -- the memory budget (--memory, --tmpdir): under a tiny
# budget the events spill to temporary files and are merged, and the
# output is byte for byte the one of the unbounded run, the database rows
# the same, for any -j, for dump and for scan (which loads the events back
# with most of their data left in the spill); a --tmpdir that cannot be
# used is a clear error (exit 2) that leaves no output behind; no
# temporary file is left.
set -u
. "$top_srcdir/tests/testlib.sh"

# every table of a database, rows sorted, as text
dbrows() {
	"$PY" - "$1" <<'PYEOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
    print("table", t)
    for row in sorted(db.execute("SELECT * FROM " + t), key=repr):
        print(repr(row))
PYEOF
}

mkdir "$T/tmp"
# the whole of testdata: damage, recovered records, duplicates
"$EVTXHUNT" dump -q -j1 "$TD" >"$T/ref.jsonl"
"$EVTXHUNT" dump -q -j1 -f csv "$TD" >"$T/ref.csv"
"$EVTXHUNT" dump -q -j1 --db "$T/ref.db" "$TD"
dbrows "$T/ref.db" >"$T/ref.rows"
[ -s "$T/ref.jsonl" ] && grep -q "^table events" "$T/ref.rows" &&
    ok "reference run" || fail "no reference output"

# 1K: a run every few events, merged in passes; 1M: a few runs
for mem in 1K 1M; do
	for j in 1 3; do
		"$EVTXHUNT" dump -j$j --memory $mem --tmpdir "$T/tmp" "$TD" \
		    >"$T/out" 2>"$T/err"
		grep -q "over --memory .* sorted runs" "$T/err" &&
		    ok "--memory $mem -j$j spills" ||
		    fail "--memory $mem -j$j: no spill reported"
		cmp -s "$T/out" "$T/ref.jsonl" &&
		    ok "--memory $mem -j$j: JSON Lines identical" ||
		    fail "--memory $mem -j$j: JSON Lines differ"
		"$EVTXHUNT" dump -q -j$j -f csv --memory $mem \
		    --tmpdir "$T/tmp" "$TD" >"$T/out"
		cmp -s "$T/out" "$T/ref.csv" &&
		    ok "--memory $mem -j$j: CSV identical" ||
		    fail "--memory $mem -j$j: CSV differs"
		rm -f "$T/b.db"
		# the database and the text at once, both from the spill
		"$EVTXHUNT" dump -q -j$j --memory $mem --tmpdir "$T/tmp" \
		    --db "$T/b.db" -o "$T/b.jsonl" "$TD"
		dbrows "$T/b.db" | cmp -s - "$T/ref.rows" &&
		    ok "--memory $mem -j$j: database rows identical" ||
		    fail "--memory $mem -j$j: database rows differ"
		cmp -s "$T/b.jsonl" "$T/ref.jsonl" &&
		    ok "--memory $mem -j$j: text beside --db identical" ||
		    fail "--memory $mem -j$j: text beside --db differs"
	done
done
[ -z "$(ls -A "$T/tmp")" ] && ok "no temporary file left" ||
    fail "temporary files left: $(ls "$T/tmp")"

# a budget the events fit in writes nothing to disk
"$EVTXHUNT" dump -j2 --memory 1G --tmpdir "$T/tmp" "$TD" >"$T/out" 2>"$T/err"
! grep -q "over --memory" "$T/err" && cmp -s "$T/out" "$T/ref.jsonl" &&
    ok "under the budget: no spill, same output" ||
    fail "under the budget: spilled or different output"

# the man page's example, on testdata
expect 2 "man example: --memory 2G --tmpdir dir -o file" "$EVTXHUNT" dump \
    --memory 2G --tmpdir "$T/tmp" -o "$T/events.jsonl" "$TD"
cmp -s "$T/events.jsonl" "$T/ref.jsonl" && ok "man example output" ||
    fail "man example output differs"

# -- scan: every format, the database, the timeline of every event, the
# baseline over the evidence itself.  The report names the command (the
# text report wraps it), so the reference runs with a budget of the same
# length that nothing goes over (1T): the outputs may differ only there.
same_but_budget() {	# FILE REF: every differing byte is REF's 'T'
	[ "$(wc -c <"$1")" -eq "$(wc -c <"$2")" ] &&
	    cmp -l "$1" "$2" | awk '$3 != 124 { bad = 1 } END { exit bad }'
}
scan_same() {	# scan_same MEM J WHAT ARGS...: same output as unbounded
	mem=$1 j=$2 what=$3
	shift 3
	"$EVTXHUNT" scan -j$j --memory 1T --tmpdir "$T/tmp" "$@" "$TD" \
	    >"$T/sref" 2>"$T/err"
	grep -q "over --memory" "$T/err" &&
	    fail "scan --memory 1T -j$j $what: spilled"
	"$EVTXHUNT" scan -j$j --memory $mem --tmpdir "$T/tmp" "$@" \
	    "$TD" >"$T/sout" 2>"$T/err"
	grep -q "over --memory .* sorted runs" "$T/err" ||
	    fail "scan --memory $mem -j$j $what: no spill reported"
	same_but_budget "$T/sout" "$T/sref" &&
	    ok "scan --memory $mem -j$j $what: identical" ||
	    fail "scan --memory $mem -j$j $what: differs"
}
for j in 1 3; do
	for f in text jsonl csv html timesketch; do
		scan_same 1K $j "-f $f" -r "$top_srcdir/rules" -f $f
	done
	scan_same 1K $j "-a (every event)" -r "$top_srcdir/rules" -a -f jsonl
	scan_same 1M $j "--no-baseline" -r "$top_srcdir/rules" --no-baseline
done
# loaded back past the budget: in a temporary file's pages
"$EVTXHUNT" scan -j2 -r "$top_srcdir/rules" --memory 1K --tmpdir "$T/tmp" \
    "$TD" >/dev/null 2>"$T/err"
grep -q "the events loaded back take .* MB of a temporary file's pages" \
    "$T/err" && ok "scan --memory 1K: loaded events paged to a file" ||
    fail "scan --memory 1K: no paged events reported"
"$EVTXHUNT" scan -j2 -r "$top_srcdir/rules" --memory 1T --tmpdir "$T/tmp" \
    "$TD" >/dev/null 2>"$T/err"
! grep -q "temporary file's pages" "$T/err" &&
    ok "scan --memory 1T: nothing paged" || fail "scan --memory 1T: paged"
mkdir "$T/a" "$T/b"
(cd "$T/a" && "$EVTXHUNT" scan -q -j2 -r "$top_srcdir/rules" --memory 1T \
    --tmpdir "$T/tmp" --db s.db "$TD" >/dev/null)
(cd "$T/b" && "$EVTXHUNT" scan -q -j2 -r "$top_srcdir/rules" --memory 1K \
    --tmpdir "$T/tmp" --db s.db "$TD" >/dev/null)
dbrows "$T/a/s.db" >"$T/sref.rows"
dbrows "$T/b/s.db" >"$T/sout.rows"
same_but_budget "$T/sout.rows" "$T/sref.rows" &&
    ok "scan --memory 1K --db: rows identical" ||
    fail "scan --memory 1K --db: rows differ"
# SigmaHQ's rules for image loads and connections match the Sysmon 3/7
# events whose data, and their process's, are read back from the spill
if [ -n "${SHARED_DIR:-}" ] && [ -d "$SHARED_DIR/sigma/rules" ]; then
	scan_same 1K 2 "SigmaHQ" -r "$SHARED_DIR/sigma/rules" -f jsonl
fi
[ -z "$(ls -A "$T/tmp")" ] && ok "scan: no temporary file left" ||
    fail "scan: temporary files left: $(ls "$T/tmp")"

# -- sizes
expect 2 "--memory 0" "$EVTXHUNT" dump --memory 0 "$TD/wks01-sysmon.evtx"
expect 2 "--memory 12Q" "$EVTXHUNT" dump --memory 12Q "$TD/wks01-sysmon.evtx"
grep -q "memory: '12Q' is not a size" "$T/err" && ok "bad size named" ||
    fail "bad size not named"
expect 0 "--memory 64k" "$EVTXHUNT" dump -q --memory 64k --tmpdir "$T/tmp" \
    "$TD/wks01-sysmon.evtx"

# -- the budget is the reading threads' together: a file much larger than
# the others stays in memory when all their events fit, though not in a
# thread's even share of the budget (2,420 generated events, about 1.7 MB:
# 6M gives the events 3 MB, each of -j2's three shards 1 MB)
"${top_builddir:?}/tests/evtxgen" --big 2 "$T/big.evtx" >/dev/null ||
    fail "evtxgen --big 2"
"$EVTXHUNT" dump -q -j2 "$T/big.evtx" "$TD/wks01-sysmon.evtx" \
    >"$T/big-ref.jsonl"
"$EVTXHUNT" dump -j2 --memory 6M --tmpdir "$T/tmp" "$T/big.evtx" \
    "$TD/wks01-sysmon.evtx" >"$T/big.jsonl" 2>"$T/err"
! grep -q "over --memory" "$T/err" &&
    ok "one large file within the budget: in memory" ||
    fail "one large file within the budget spilled"
cmp -s "$T/big-ref.jsonl" "$T/big.jsonl" && ok "... the same output" ||
    fail "one large file: output differs"
"$EVTXHUNT" dump -j2 --memory 2M --tmpdir "$T/tmp" "$T/big.evtx" \
    "$TD/wks01-sysmon.evtx" >"$T/big.jsonl" 2>"$T/err"
grep -q "over --memory" "$T/err" && cmp -s "$T/big-ref.jsonl" "$T/big.jsonl" &&
    ok "... over it: spilled, the same output" ||
    fail "one large file over the budget: no spill or another output"

# -- a temporary directory that cannot be used
good="$TD/wks01-sysmon.evtx"
expect 2 "--tmpdir missing" "$EVTXHUNT" dump --memory 1K \
    --tmpdir "$T/nonexistent" -o "$T/o1.jsonl" "$good"
grep -q "cannot use '$T/nonexistent' for temporary files" "$T/err" &&
    ok "missing --tmpdir named" || fail "missing --tmpdir not named"
[ ! -e "$T/o1.jsonl" ] && ok "no output beside a bad --tmpdir" ||
    fail "output left beside a bad --tmpdir"
: >"$T/afile"
expect 2 "--tmpdir a file" "$EVTXHUNT" dump --memory 1K --tmpdir "$T/afile" \
    "$good"
grep -q "Not a directory" "$T/err" && ok "--tmpdir a file: why" ||
    fail "--tmpdir a file: no reason"
# TMPDIR is checked only when a spill needs it: the error then names it
expect 2 "TMPDIR missing, over the budget" \
    env TMPDIR="$T/nonexistent" "$EVTXHUNT" dump --memory 1K -o "$T/o2.jsonl" --db "$T/o2.db" "$good"
grep -q "cannot create a temporary file in '$T/nonexistent'" "$T/err" &&
    ok "missing TMPDIR named" || fail "missing TMPDIR not named"
[ ! -e "$T/o2.jsonl" ] && [ ! -e "$T/o2.db" ] &&
    ok "no output or database left" || fail "output left after the error"
[ -z "$(find "$T" -maxdepth 1 -name 'o2*')" ] &&
    ok "no temporary output left" || fail "temporary output left"
expect 0 "TMPDIR missing, under the budget" \
    env TMPDIR="$T/nonexistent" "$EVTXHUNT" dump -q -o "$T/o3.jsonl" "$good"
finish
