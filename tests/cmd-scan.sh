#!/bin/sh
# cmd-scan.sh -- `evtxhunt scan` end to end over testdata/: exit statuses
# (SPEC §1/§10), every format parses, identical findings for any -j,
# filters, --suppress, --db tables, -o, baselines, hostile strings.
set -u
. "$top_srcdir/tests/testlib.sh"
RULES=$top_srcdir/rules
hosts="$TD/wks01-sysmon.evtx $TD/wks01-security.evtx $TD/srv02-sysmon.evtx $TD/srv02-security.evtx $TD/sysmon-schemas.evtx $TD/security-4688-versions.evtx $TD/wec"

# -- exit statuses
# shellcheck disable=SC2086
expect 1 "findings on the sample hosts" "$EVTXHUNT" scan -r "$RULES" $hosts
grep -q "mshta" "$T/out" && ok "mshta attack reported" || fail "no mshta finding"
expect 3 "nothing examinable" "$EVTXHUNT" scan -r "$RULES" "$TD/ignored-events.evtx"
expect 2 "unreadable input" "$EVTXHUNT" scan -r "$RULES" "$TD/bad/not-evtx.evtx" "$TD/wks01-sysmon.evtx"
grep -q "mshta" "$T/out" && ok "report still written after an input error" ||
    fail "no report after an input error"
expect 1 "damaged inputs are not errors" "$EVTXHUNT" scan -r "$RULES" "$TD/bad/dirty.evtx" "$TD/bad/chunk-crc.evtx" "$TD/bad/truncated.evtx" "$TD/bad/broken-binxml.evtx" "$TD/wks01-sysmon.evtx"
expect 2 "damage with --strict" "$EVTXHUNT" scan --strict -r "$RULES" "$TD/bad/dirty.evtx" "$TD/wks01-sysmon.evtx"
cat > "$T/bad-rule.yml" <<'YML'
title: broken
logsource: { product: windows, category: process_creation }
detection:
  sel:
    Image|windas: x
  condition: sel
YML
expect 2 "explicit rule file rejected" "$EVTXHUNT" scan -r "$T/bad-rule.yml" "$TD/wks01-sysmon.evtx"
grep -q "bad-rule.yml:5" "$T/err" && ok "rejected rule named with its line" ||
    fail "rejected rule without file:line"
expect 2 "missing rules path" "$EVTXHUNT" scan -r "$T/none" "$TD/wks01-sysmon.evtx"
expect 0 "--no-rules --no-baseline" "$EVTXHUNT" scan --no-rules --no-baseline "$TD/wks01-sysmon.evtx"
expect 2 "--learn without -b" "$EVTXHUNT" scan --learn "$TD/wks01-sysmon.evtx"
expect 2 "bad level" "$EVTXHUNT" scan -l severe "$TD/wks01-sysmon.evtx"
expect 2 "bad format" "$EVTXHUNT" scan -f pdf "$TD/wks01-sysmon.evtx"
expect 0 "--help" "$EVTXHUNT" scan --help

# -- one process in two 4688 copies and a Sysmon 1 is one finding (SPEC §4)
"$EVTXHUNT" scan -q -f csv -r "$RULES" "$TD" > "$T/all.csv"
[ "$(grep -c 'msxsl.exe C:' "$T/all.csv")" -eq 1 ] && ok "msxsl pid 8756 folded into one finding" ||
    fail "msxsl pid 8756: $(grep -c 'msxsl.exe C:' "$T/all.csv") findings"

# -- filters and suppression
expect 0 "-l critical filters everything" "$EVTXHUNT" scan -l critical -r "$RULES" "$TD/wks01-sysmon.evtx"
expect 0 "--computer filter" "$EVTXHUNT" scan --computer 'nohost*' -r "$RULES" "$TD/wks01-sysmon.evtx"
expect 1 "--computer glob" "$EVTXHUNT" scan --computer 'wks01*' -r "$RULES" "$TD/wks01-sysmon.evtx"
printf '# everything on WKS01\ncomputer=WKS01* | rule=*\n' > "$T/sup"
expect 0 "--suppress" "$EVTXHUNT" scan --suppress "$T/sup" -r "$RULES" "$TD/wks01-sysmon.evtx"
grep -Eq "[1-9][0-9]* suppressed" "$T/err" && ok "suppressed count shown" ||
    fail "suppressed count missing"
printf 'computer=x\nbogus line\n' > "$T/sup2"
expect 2 "bad --suppress file" "$EVTXHUNT" scan --suppress "$T/sup2" -r "$RULES" "$TD/wks01-sysmon.evtx"
grep -q "sup2:2" "$T/err" && ok "suppress error names the line" ||
    fail "suppress error without line"

# -- formats parse; findings identical for any -j
for f in csv jsonl timesketch html text; do
	# shellcheck disable=SC2086
	"$EVTXHUNT" scan -q -j 1 -f $f -r "$RULES" $hosts > "$T/r1.$f"
	# shellcheck disable=SC2086
	"$EVTXHUNT" scan -q -j 3 -f $f -r "$RULES" $hosts > "$T/r3.$f"
done
cmp -s "$T/r1.csv" "$T/r3.csv" && ok "csv identical for -j1/-j3" || fail "csv differs with -j"
cmp -s "$T/r1.timesketch" "$T/r3.timesketch" && ok "timesketch identical for -j1/-j3" ||
    fail "timesketch differs with -j"
"$PY" - "$T/r1.csv" "$T/r1.jsonl" "$T/r1.timesketch" "$T/r3.jsonl" <<'PYEOF' && ok "csv/jsonl/timesketch parse and agree" || fail "format checks"
import csv, json, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
head = rows[0]
fixed = ["time", "computer", "source", "level", "title", "rule_id", "tags",
    "event_id", "image", "command_line", "parent_image", "parent_command_line",
    "user", "process_guid", "pid", "record_id", "file"]
assert head[:len(fixed)] == fixed, head
def lines(p):
    return [json.loads(l) for l in open(p, encoding="utf-8")]
j1, j3 = lines(sys.argv[2]), lines(sys.argv[4])
f1 = [x for x in j1 if x.get("type") == "finding"]
f3 = [x for x in j3 if x.get("type") == "finding"]
assert f1 == f3, "findings differ with -j"
assert len(f1) == len(rows) - 1, (len(f1), len(rows))
ts = lines(sys.argv[3])
assert len(ts) == len(f1)
for t in ts:
    assert t["message"] and t["datetime"] and t["timestamp_desc"]
PYEOF
grep -q "<script type=\"application/json\"" "$T/r1.html" && ok "html report" || fail "html report"
if grep -Eq 'src="https?:|href="https?:|@import|url\(http' "$T/r1.html"; then
	fail "html has external references"
else
	ok "html self-contained"
fi

# -- -o writes through a temporary file
expect 1 "-o file" "$EVTXHUNT" scan -q -f csv -o "$T/out.csv" -r "$RULES" "$TD/wks01-sysmon.evtx"
[ -s "$T/out.csv" ] && [ ! -s "$T/out" ] && ok "-o written, stdout empty" || fail "-o output"
ls "$T"/out.csv.* >/dev/null 2>&1 && fail "temporary report left" || ok "no temporary report left"

# -- the database
# shellcheck disable=SC2086
expect 1 "--db" "$EVTXHUNT" scan -q --db "$T/scan.db" -r "$RULES" $hosts
"$PY" - "$T/scan.db" "$T/r1.jsonl" <<'PYEOF' && ok "database tables" || fail "database tables"
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
q = lambda s: db.execute(s).fetchone()[0]
assert q("SELECT count(*) FROM rules WHERE load_status = 'loaded'") >= 50
nf = q("SELECT count(DISTINCT event) FROM findings")
jl = [json.loads(l) for l in open(sys.argv[2])]
assert nf == sum(1 for x in jl if x.get("type") == "finding"), nf
assert q("SELECT count(*) FROM findings f JOIN events e ON e.id = f.event") == q("SELECT count(*) FROM findings")
assert q("SELECT count(*) FROM processes") > 0
assert q("SELECT count(*) FROM process_edges") > 0
assert q("SELECT count(*) FROM findings WHERE source = 'rule' AND rule IS NULL") == 0
assert q("SELECT count(*) FROM findings f JOIN rules r ON r.id = f.rule WHERE r.title = f.title") == q("SELECT count(*) FROM findings WHERE source='rule'")
PYEOF

# -- baselines: learn, then score against the file, then --learn adds
# shellcheck disable=SC2086
expect 0 "baseline learn" "$EVTXHUNT" baseline learn -o "$T/base.db" $hosts
expect 1 "scan -b" "$EVTXHUNT" scan -b "$T/base.db" -r "$RULES" "$TD/wks01-sysmon.evtx"
expect 1 "scan -b --learn" "$EVTXHUNT" scan -b "$T/base.db" --learn -r "$RULES" "$TD/srv02-sysmon.evtx"
expect 1 "baseline only (--no-rules) finds the renamed binary" "$EVTXHUNT" scan --no-rules "$TD/wks01-sysmon.evtx"
grep -qi "renamed" "$T/out" && ok "renamed binary named" || fail "renamed binary not reported"

# -- the baseline demo: a month of known-good use on six hosts, then the
#    sample hosts scored against it with baselines alone
expect 0 "learn the fleet history" "$EVTXHUNT" baseline learn -o "$T/fleet.db" "$TD/history"
# shellcheck disable=SC2086
expect 1 "baselines alone flag the attacks" "$EVTXHUNT" scan -q --no-rules -f csv -b "$T/fleet.db" $hosts
"$PY" - "$T/out" <<'PYEOF' && ok "baseline explanations" || fail "baseline explanations"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
cmds = {r["command_line"]: r for r in rows}
def flagged(part):
    return [r for c, r in cmds.items() if part in c]
# attacks: scriptlet, download, temp DLL by ordinal, remote XSL, temp project
for part, why in (("/i:http", "/i:<url:http>"), ("-urlcache", "-urlcache"),
        ("upd.dll,#1", "<user-temp>"), ("evil.xsl", "/format:<url:http>"),
        ("x.csproj", "<user-temp>\\*.csproj")):
    hits = flagged(part)
    assert hits, "not flagged: " + part
    assert any(why in r["details"] and "never seen in" in r["details"] and
        "prior invocations on 6 hosts" in r["details"] for r in hits), (part, hits[0]["details"])
# benign administration seen in the history is not flagged
for part in ("Control_RunDLL desk.cpl", "7-zip.dll", "-hashfile"):
    assert not flagged(part), "benign flagged: " + part
PYEOF

# -- --learn keeps what it reported at medium or above out of the baseline
nbase() { cut -d, -f3 "$1" | grep -c baseline; }
for m in learn learn-all; do
	cp "$T/fleet.db" "$T/$m.db"
	# shellcheck disable=SC2086
	"$EVTXHUNT" scan -q -f csv -b "$T/$m.db" --$m -r "$RULES" $hosts > "$T/$m-1.csv"
	# shellcheck disable=SC2086
	"$EVTXHUNT" scan -q -f csv -b "$T/$m.db" -r "$RULES" $hosts > "$T/$m-2.csv"
done
[ "$(nbase "$T/learn-1.csv")" -gt 0 ] &&
    [ "$(nbase "$T/learn-2.csv")" -eq "$(nbase "$T/learn-1.csv")" ] &&
    ok "--learn: a rescan keeps its $(nbase "$T/learn-1.csv") baseline findings" ||
    fail "--learn learned findings: $(nbase "$T/learn-1.csv") -> $(nbase "$T/learn-2.csv")"
[ "$(nbase "$T/learn-all-2.csv")" -lt "$(nbase "$T/learn-all-1.csv")" ] &&
    ok "--learn-all learns everything" || fail "--learn-all did not learn the findings"

# -- hostile strings stay inert
"$EVTXHUNT" scan -q -a -r "$RULES" "$TD/bad/hostile-strings.evtx" > "$T/hostile.txt"
if LC_ALL=C grep -q "$(printf '\033')" "$T/hostile.txt"; then
	fail "ESC reaches the terminal"
else
	ok "no ESC in text output"
fi
"$EVTXHUNT" scan -q -a --color always -r "$RULES" "$TD/wks01-sysmon.evtx" > "$T/color.txt"
LC_ALL=C grep -q "$(printf '\033')\[" "$T/color.txt" && ok "--color always colours" ||
    fail "--color always has no colour"

finish
