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
expect 2 "damage with --strict" "$EVTXHUNT" scan --strict -r "$RULES" "$TD/bad/chunk-crc.evtx" "$TD/wks01-sysmon.evtx"
# a dirty header flag (every log copied from a live system) is not damage
expect 1 "dirty is not damage, even with --strict" "$EVTXHUNT" scan --strict -r "$RULES" "$TD/bad/dirty.evtx" "$TD/wks01-sysmon.evtx"
grep -q "^  dirty      .*dirty.evtx" "$T/out" && ok "dirty file listed as dirty" ||
    fail "dirty file not listed as dirty"
grep -q "== Damaged files" "$T/out" && ! sed -n '/== Damaged files/,/== Summary/p' "$T/out" | grep -q "dirty.evtx" &&
    ok "dirty file not among the damaged" || fail "dirty file among the damaged"
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
# without a baseline the summary's watched binaries still come from
# watched.yml: the one of a -r directory, which must be readable
mkdir -p "$T/wr"
printf 'binaries:\n  - { name: mshta.exe }\n' > "$T/wr/watched.yml"
expect 1 "--no-baseline, -r dir's watched.yml" "$EVTXHUNT" scan -q --no-baseline -f jsonl -r "$T/wr" -r "$RULES" "$TD/wks01-sysmon.evtx"
[ "$(grep '"type":"summary"' "$T/out" | grep -o '"binary":"[^"]*"')" = '"binary":"mshta.exe"' ] &&
    ok "--no-baseline: the watched summary follows watched.yml" ||
    fail "--no-baseline: watched summary not from watched.yml"
"$EVTXHUNT" scan -q --no-baseline -f jsonl -r "$RULES" "$TD/wks01-sysmon.evtx" > "$T/all.jsonl"
grep '"type":"summary"' "$T/all.jsonl" | grep -q '"binary":"rundll32.exe"' &&
    ok "--no-baseline: the installed watched.yml by default" ||
    fail "--no-baseline: no rundll32.exe in the default watched summary"
printf 'binaries: [\n' > "$T/wr/watched.yml"
expect 2 "--no-baseline, unreadable watched.yml" "$EVTXHUNT" scan --no-baseline -r "$T/wr" "$TD/wks01-sysmon.evtx"
grep -qF "$T/wr/watched.yml:" "$T/err" && ! grep -q . "$T/out" &&
    ok "unreadable watched.yml named, nothing read" ||
    fail "unreadable watched.yml: $(cat "$T/err")"
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
for f in csv jsonl timesketch html text navigator; do
	# shellcheck disable=SC2086
	"$EVTXHUNT" scan -q -j 1 -f $f -r "$RULES" $hosts > "$T/r1.$f"
	# shellcheck disable=SC2086
	"$EVTXHUNT" scan -q -j 3 -f $f -r "$RULES" $hosts > "$T/r3.$f"
done
cmp -s "$T/r1.csv" "$T/r3.csv" && ok "csv identical for -j1/-j3" || fail "csv differs with -j"
cmp -s "$T/r1.timesketch" "$T/r3.timesketch" && ok "timesketch identical for -j1/-j3" ||
    fail "timesketch differs with -j"
# the layer's metadata holds the command line (-j 1 / -j 3)
grep -v '"name":"command"' "$T/r1.navigator" > "$T/n1" 2>/dev/null
grep -v '"name":"command"' "$T/r3.navigator" > "$T/n3" 2>/dev/null
cmp -s "$T/n1" "$T/n3" && ok "navigator techniques identical for -j1/-j3" ||
    fail "navigator differs with -j"
# -- thousands of findings: built in parts on the threads, and the reports'
# entries formatted in slices over many rounds, the same at any -j (a
# generated file of about 6,600 findings in 4,200 entries: three parts at
# -j3), in memory and spilled (explanations read back on the threads)
"${top_builddir:?}/tests/evtxgen" --big 14 "$T/gen.evtx" >/dev/null ||
    fail "evtxgen --big 14"
for f in text html jsonl csv; do
	for j in 1 3; do
		"$EVTXHUNT" scan -q -j $j --group shape -f $f "$T/gen.evtx" |
		    sed -e 's/ -j [13] / -j N /' -e 's/"elapsed":[0-9.e+-]*//' \
		    >"$T/g$j.$f"
	done
	[ "$(wc -l <"$T/g1.$f")" -gt 3000 ] && cmp -s "$T/g1.$f" "$T/g3.$f" &&
	    ok "generated: $f identical for -j1/-j3" ||
	    fail "generated: $f differs with -j (or is short)"
done
"$EVTXHUNT" scan -q -j 3 --group shape -f jsonl --memory 2M --tmpdir "$T" \
    "$T/gen.evtx" | sed -e 's/ -j [13] / -j N /' \
    -e 's/ --memory 2M --tmpdir [^ ]*//' -e 's/"elapsed":[0-9.e+-]*//' \
    >"$T/gs.jsonl"
cmp -s "$T/g1.jsonl" "$T/gs.jsonl" && ok "generated: spilled at -j3, the same" ||
    fail "generated: spilled at -j3, another report"
"$PY" - "$T/r1.navigator" "$T/r1.jsonl" <<'PYEOF' && ok "navigator layer: techniques scored by findings" || fail "navigator layer"
import json, sys
nav = json.load(open(sys.argv[1], encoding="utf-8"))
summary = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")][-1]
assert nav["domain"] == "enterprise-attack" and nav["versions"]["layer"] == "4.5"
got = {t["techniqueID"]: t["score"] for t in nav["techniques"]}
assert got == {x["technique"]: x["count"] for x in summary["by_technique"]}, got
assert got.get("T1218", 0) > 0 and all(t["comment"] for t in nav["techniques"])
PYEOF
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
# CSV: one row per group of identical findings, with its count
ci = rows[0].index("count")
assert len(set(x["group"] for x in f1)) == len(rows) - 1, (len(f1), len(rows))
assert sum(int(r[ci]) for r in rows[1:]) == len(f1)
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
# explanations: every rule finding says what matched; rules keep their notes
assert q("SELECT count(*) FROM findings WHERE source = 'rule' AND matched IS NULL") == 0
assert q("SELECT count(*) FROM rules WHERE load_status = 'loaded' AND description IS NOT NULL") > 0
assert all(type(json.loads(r)) is list for (r,) in db.execute("SELECT refs FROM rules WHERE refs IS NOT NULL"))
PYEOF

# -- explanations: each rule reason lists the selections that matched, with
#    the part of the event's value; the csv matched column says the same
"$PY" - "$T/r1.jsonl" "$T/r1.csv" <<'PYEOF' && ok "rule reasons explained" || fail "rule reasons not explained"
import csv, json, sys
jl = [json.loads(l) for l in open(sys.argv[1])]
found = [x for x in jl if x.get("type") == "finding"]
rows = list(csv.DictReader(open(sys.argv[2], newline="", encoding="utf-8")))
assert list(csv.reader(open(sys.argv[2], newline="")))[0][-1] == "matched"
n = 0
for f in found:
    for r in f["reasons"]:
        if r["source"] != "rule":
            continue
        assert r["matched"], (r["title"], f["record_id"])
        assert "description" in r and isinstance(r["references"], list)
        for m in r["matched"]:
            assert m["selection"] and m["match"] is not None, m
            col = {"Image": "image", "CommandLine": "command_line"}.get(m["field"])
            if col and f[col]:
                assert m["match"].lower() in f[col].lower(), (m, f[col])
                n += 1
    assert f["matched"] is not None or all(r["source"] != "rule" for r in f["reasons"])
assert n > 0
byrec = {(x["file"], x["record_id"]): x["matched"] or "" for x in found}
for row in rows:
    k = (row["file"], int(row["record_id"]))
    if k in byrec:
        assert row["matched"] == byrec[k], (row["matched"], byrec[k])
PYEOF

# -- counts: filters, suppression and the level count findings, reasons apart;
#    grouping: every finding kept in jsonl and --db with its group
# shellcheck disable=SC2086
"$EVTXHUNT" scan -q -f jsonl -l high -r "$RULES" $hosts > "$T/high.jsonl"
# shellcheck disable=SC2086
"$EVTXHUNT" scan -q -f jsonl --computer 'srv02*' -r "$RULES" $hosts > "$T/srv.jsonl"
rid=$("$PY" -c 'import json,sys
f=[json.loads(l) for l in open(sys.argv[1]) if "\"finding\"" in l]
print(f[0]["reasons"][0]["rule_id"])' "$T/r1.jsonl")
printf 'rule=%s\n' "$rid" > "$T/sup1"
# shellcheck disable=SC2086
"$EVTXHUNT" scan -q -f jsonl --suppress "$T/sup1" -r "$RULES" $hosts > "$T/sup.jsonl"
# shellcheck disable=SC2086
"$EVTXHUNT" scan -q -f csv --no-group -r "$RULES" $hosts > "$T/nogroup.csv"
# shellcheck disable=SC2086
"$EVTXHUNT" scan -q -f jsonl --group shape -r "$RULES" $hosts > "$T/shape.jsonl"
"$PY" - "$T" "$rid" <<'PYEOF' && ok "counts of findings and reasons; groups" || fail "counts or groups"
import csv, json, sqlite3, sys
d, rid = sys.argv[1], sys.argv[2]
L = ["informational", "low", "medium", "high", "critical"]
def load(n):
    o = [json.loads(l) for l in open(d + "/" + n)]
    return o[0], [x for x in o if x["type"] == "finding"]
h, allf = load("r1.jsonl")
assert h["suppressed"] == h["filtered"] == h["below_level"] == 0
hh, high = load("high.jsonl")
lo = [f for f in allf if L.index(f["level"]) < 3]
assert len(high) == len(allf) - len(lo) > 0
assert hh["below_level"] == len(lo), (hh["below_level"], len(lo))
nr = sum(1 for f in allf for r in f["reasons"] if L.index(r["level"]) < 3)
assert hh["dropped_reasons"]["below_level"] == nr > hh["below_level"], nr
hs, srv = load("srv.jsonl")
other = [f for f in allf if not f["computer"].lower().startswith("srv02")]
assert len(srv) == len(allf) - len(other) > 0
assert hs["filtered"] == len(other)
assert hs["dropped_reasons"]["filtered"] == sum(len(f["reasons"]) for f in other)
hp, sup = load("sup.jsonl")
only = [f for f in allf if all(r["rule_id"] == rid for r in f["reasons"])]
some = sum(1 for f in allf for r in f["reasons"] if r["rule_id"] == rid)
assert hp["suppressed"] == len(only) and hp["dropped_reasons"]["suppressed"] == some
assert len(sup) == len(allf) - len(only)
# grouping: entries, group ids, the database
groups = {}
for f in allf:
    groups.setdefault(f["group"], []).append(f)
assert h["entries"] == len(groups) < len(allf), (h["entries"], len(allf))
for g, m in groups.items():
    k = {(f["computer"], f["image"], f["user"], f["command_line"], tuple(sorted(r["rule_id"] for r in f["reasons"]))) for f in m}
    assert len(k) == 1 and all(f["group_count"] == len(m) for f in m), k
rows = list(csv.reader(open(d + "/nogroup.csv", newline="")))
assert len(rows) - 1 == len(allf)
hg, shape = load("shape.jsonl")
assert len(shape) == len(allf) and hg["entries"] <= h["entries"] and hg["grouping"] == "argument shape"
db = sqlite3.connect(d + "/scan.db")
assert db.execute("SELECT count(DISTINCT group_id) FROM findings").fetchone()[0] == len(groups)
assert db.execute("SELECT count(*) FROM findings WHERE group_id IS NULL").fetchone()[0] == 0
PYEOF
expect 2 "bad --group" "$EVTXHUNT" scan --group words "$TD/wks01-sysmon.evtx"

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

# -- EVTXHUNT_TIMING: every phase, loading the rules first
EVTXHUNT_TIMING=1 "$EVTXHUNT" scan -q -r "$RULES" -o "$T/timing.txt" \
    "$TD/wks01-sysmon.evtx" 2>"$T/timing.err"
sed -n 's/^evtxhunt: timing: \([a-z0-9/ ]*[a-z0-9]\) .*/\1/p' "$T/timing.err" |
    head -2 | tr '\n' ',' | grep -qx "load rules,read and match," &&
    ok "timing: load rules, then read and match" ||
    fail "timing phases: $(cat "$T/timing.err")"

# -- the rule set's SHA-256: each loaded rule's file as it was loaded, in
#    load order (a file once per rule it holds), rejected files left out
mkdir "$T/hr"
cat > "$T/hr/a.yml" <<'YML'
title: one of two
logsource: { product: windows, category: process_creation }
detection: { sel: { Image|endswith: '\one.exe' }, condition: sel }
---
title: two of two
logsource: { product: windows, category: process_creation }
detection: { sel: { Image|endswith: '\two.exe' }, condition: sel }
YML
printf 'title: broken\ndetection: [\n' > "$T/hr/b.yml"
cat > "$T/hr/c.yml" <<'YML'
title: three
logsource: { product: windows, category: process_creation }
detection: { sel: { Image|endswith: '\three.exe' }, condition: sel }
YML
want=$(cat "$T/hr/a.yml" "$T/hr/a.yml" "$T/hr/c.yml" | sha256sum | cut -c1-64)
"$EVTXHUNT" scan -q --no-baseline -f jsonl -r "$T/hr" \
    "$TD/wks01-sysmon.evtx" > "$T/hr.jsonl" 2>/dev/null
head -1 "$T/hr.jsonl" | grep -q "\"rules\":{\"loaded\":3,[^}]*\"sha256\":\"$want\"" &&
    ok "rule set SHA-256: loaded files as loaded" ||
    fail "rule set SHA-256: want $want: $(head -1 "$T/hr.jsonl" | grep -o '"rules":{[^}]*')"

finish
