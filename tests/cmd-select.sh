#!/bin/sh
# cmd-select.sh -- rule selection at load (scan --rule-level, --status,
# --tag, --technique, --exclude, --all-rules; evtxhunt-rules(5)): the
# loaded count is exactly what the selection keeps, the rest is "not
# selected" and never runs, and exclusion list errors stop the scan
# before any evidence is read.
set -u
. "$top_srcdir/tests/testlib.sh"
RULES=$top_srcdir/rules
W=$TD/wks01-sysmon.evtx
"$EVTXHUNT" rules list -f jsonl "$RULES" > "$T/list.jsonl"

# loaded N: the count on the report's rules line
loaded() { sed -n 's/^rules  *\([0-9]*\) loaded.*/\1/p' "$T/out"; }
# want SELECTOR: the rules list -f jsonl says how many rules pass it
want() {
	"$PY" - "$T/list.jsonl" "$1" <<'PYEOF'
import fnmatch, json, sys
rules = [json.loads(l) for l in open(sys.argv[1])]
rank = {"informational": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}
sel = sys.argv[2]
def ok(r):
    tags = [t.lower() for t in r["tags"]]
    if sel == "high":
        return rank.get(r["level"], 0) >= 4
    if sel == "stable,test":
        return r["status"] in ("stable", "test")
    if sel == "experimental":
        return r["status"] == "experimental"
    if sel == "tag":
        return any(fnmatch.fnmatch(t, "attack.defense?evasion") for t in tags)
    if sel == "technique":
        return any(fnmatch.fnmatch(t, "attack.t1218.01*") for t in tags)
print(sum(1 for r in rules if ok(r)))
PYEOF
}
check() {	# NAME SELECTOR scan-options...
	name=$1 sel=$2
	shift 2
	"$EVTXHUNT" scan -q --no-baseline -r "$RULES" "$@" "$W" > "$T/out" 2> "$T/err"
	w=$(want "$sel")
	[ "$(loaded)" = "$w" ] && ok "$name: $w rules loaded" ||
	    fail "$name: $(loaded) loaded, want $w"
}
check "--rule-level high" high --rule-level high
grep -q "not selected" "$T/out" && ok "--rule-level: 'not selected' counted" ||
    fail "--rule-level: not counted"
check "--status stable,test" stable,test --status stable,test
check "--status experimental" experimental --status experimental
check "--tag" tag --tag 'attack.defense?evasion'
check "--technique" technique --technique 'T1218.01*'
"$EVTXHUNT" scan -q --no-baseline -f csv -r "$RULES" --rule-level high "$W" > "$T/high.csv"
cut -d, -f4 "$T/high.csv" | sed 1d | grep -qv high && fail "--rule-level high ran lower rules" ||
    ok "--rule-level high: only high findings"
expect 2 "--rule-level bad" "$EVTXHUNT" scan --rule-level severe "$W"
expect 2 "--status bad" "$EVTXHUNT" scan --status stable,final "$W"

# exclusion lists
"$EVTXHUNT" scan -q --no-baseline -f csv -r "$RULES" "$W" > "$T/all.csv"
id=$(sed -n '2p' "$T/all.csv" | "$PY" -c 'import csv,sys; print(next(csv.reader(sys.stdin))[5].split(" | ")[0])')
n_all=$(grep -c "$id" "$T/all.csv")
printf '# a test list\n\n  %s   its title, a note\n' "$id" > "$T/ex.txt"
"$EVTXHUNT" scan -q --no-baseline -f csv -r "$RULES" --exclude "$T/ex.txt" "$W" > "$T/ex.csv"
[ "$n_all" -gt 0 ] && ! grep -q "$id" "$T/ex.csv" && ok "--exclude: rule $id (${n_all} findings) left out" ||
    fail "--exclude: $id still reported"
printf '%s\nrule:%s\n' "$id" "$id" > "$T/bad.txt"
expect 2 "--exclude bad line" "$EVTXHUNT" scan --exclude "$T/bad.txt" "$W"
grep -q "bad.txt:2: not a rule id" "$T/err" && ok "bad line named" || fail "bad line not named"
grep -q " files (" "$T/err" && fail "evidence read after a bad list" || ok "nothing read"
expect 2 "--exclude missing" "$EVTXHUNT" scan --exclude "$T/none.txt" "$W"

# the shipped list: every line an id, applied unless --all-rules
grep -v '^#' "$RULES/exclude-noisy.txt" | grep -v '^$' | grep -Evq '^[0-9a-f-]{36}	' &&
    fail "exclude-noisy.txt: a line that is not an id" || ok "exclude-noisy.txt: ids"
# ... whatever directory -r names: a rule under a listed SigmaHQ id in a
# directory of its own is left out, with the list named; rules with other
# ids there run
noisy=$(grep -v '^#' "$RULES/exclude-noisy.txt" | grep -v '^$' | head -1 | cut -f1)
mkdir "$T/other"
sed "s/^id: .*/id: $noisy/" "$RULES/windows/process_creation/regsvr32_scriptlet.yml" \
    > "$T/other/listed.yml"
cp "$RULES/windows/process_creation/mshta_remote_or_writable.yml" "$T/other/"
expect 1 "-r another dir" "$EVTXHUNT" scan --no-baseline --db "$T/other.db" -r "$T/other" "$W"
grep -q "^rules  *1 loaded, 1 skipped.*not selected 1" "$T/out" &&
    ok "-r another dir: the shipped list still leaves out a listed id" ||
    fail "-r another dir: shipped list not applied"
"$PY" - "$T/other.db" "$noisy" <<'PYEOF' && ok "the reason names the shipped list and --all-rules" || fail "reason of the shipped list"
import sqlite3, sys
r = sqlite3.connect(sys.argv[1]).execute("SELECT load_status, reason FROM rules WHERE uuid = ?", (sys.argv[2],)).fetchall()
assert len(r) == 1 and "exclude-noisy.txt" in r[0][1] and "--all-rules" in r[0][1], r
PYEOF
expect 1 "-r another dir, --all-rules" "$EVTXHUNT" scan --no-baseline --all-rules -r "$T/other" "$W"
grep -q "^rules  *2 loaded" "$T/out" && ok "--all-rules runs it from another dir too" || fail "--all-rules, another dir"
if [ -n "${SHARED_DIR:-}" ] && [ -d "$SHARED_DIR/sigma/rules" ]; then
	f=$(grep -rl "^id: 87911521-7098-470b-a459-9a57fc80bdfd" "$SHARED_DIR/sigma/rules")
	"$EVTXHUNT" scan -q --no-baseline -r "$f" "$W" > "$T/out" 2>&1
	grep -q "^rules  *0 loaded, 1 skipped.*not selected 1" "$T/out" &&
	    ok "the shipped list leaves out a noisy SigmaHQ rule" || fail "shipped list not applied"
	"$EVTXHUNT" scan -q --no-baseline --all-rules -r "$f" "$W" > "$T/out" 2>&1
	grep -q "^rules  *1 loaded" "$T/out" && ok "--all-rules loads it" || fail "--all-rules"
	for i in $(grep -v '^#' "$RULES/exclude-noisy.txt" | cut -f1); do
		grep -rqs "^id: $i" "$SHARED_DIR/sigma" || fail "exclude-noisy.txt: $i is no SigmaHQ rule"
	done
else
	echo "# no ../shared: the shipped list against SigmaHQ not checked"
fi

finish
