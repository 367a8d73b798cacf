#!/bin/sh
# rules-hostile.sh -- rules are hostile input too (issue 15, reproducers
# 5, 6, 8, 10) through the commands: special files given as rules are
# refused without a crash or a hang, loops and special entries in a rules
# directory are counted and named, regex limit hits are reported with the
# rule id.  The library side is in check_sigma.c (hostile_rule_000N).
. "$top_srcdir/tests/testlib.sh"
EVTXGEN=${top_builddir:?}/tests/evtxgen
W=$TD/wks01-sysmon.evtx

# hostile_rule_0004: a link to /dev/zero given as a rule (once SIGSEGV)
ln -s /dev/zero "$T/z.yml"
expect 2 "rules check z.yml" "$EVTXHUNT" rules check "$T/z.yml"
grep -q "cannot load '.*z.yml': a character device, not a regular file" \
    "$T/err" && ok "z.yml: message" || fail "z.yml: message"
grep -q '^rules: 0 loaded, 0 skipped, 0 rejected$' "$T/out" &&
    ok "z.yml: no rule made" || fail "z.yml: no rule made"
expect 2 "scan -r z.yml" "$EVTXHUNT" scan -q -r "$T/z.yml" "$W"

# a FIFO given as a rule (once blocked forever): refused at once
mkfifo "$T/f.yml"
expect 2 "rules check FIFO" timeout 20 "$EVTXHUNT" rules check "$T/f.yml"
grep -q "a FIFO, not a regular file" "$T/err" && ok "FIFO: message" ||
    fail "FIFO: message"

# hostile_rule_0003: loops and special entries in a directory
mkdir "$T/l"
cat > "$T/l/a.yml" <<'R'
title: one rule
id: 0a0a0a0a-0000-0000-0000-000000000001
logsource:
  product: windows
  category: process_creation
detection:
  sel:
    Image|endswith: '\nomatch.exe'
  condition: sel
level: low
R
ln -s .. "$T/l/up"
ln -s . "$T/l/self"
ln -s . "$T/l/self2"
ln -s nowhere.yml "$T/l/dangling.yml"
mkfifo "$T/l/fifo.yml"
expect 0 "rules check loops" timeout 60 "$EVTXHUNT" rules check "$T/l"
grep -q '^rules: 1 loaded, 0 skipped, 0 rejected$' "$T/out" &&
    ok "loops: one copy" || fail "loops: one copy"
grep -q '^entries not loaded: 7 (see above)$' "$T/out" &&
    ok "loops: count" || { fail "loops: count"; cat "$T/out"; }
for e in "l/self: not loaded: directory already visited" \
    "l/dangling.yml: not loaded: dangling symbolic link" \
    "l/fifo.yml: not loaded: a FIFO, not a regular file" \
    "l/up/f.yml: not loaded: a FIFO"; do
	grep -q "$e" "$T/out" && ok "named: $e" || fail "named: $e"
done
expect 0 "scan -r loops" timeout 60 "$EVTXHUNT" scan -r "$T/l" -o "$T/rep" \
    --no-baseline "$W"
grep -q "evtxhunt: .*l/self2: not loaded: directory already visited" \
    "$T/err" && ok "scan: skip on stderr" || fail "scan: skip on stderr"
grep -q "^rules .*1 loaded.*entries not loaded 7" "$T/rep" &&
    ok "scan: count in report" || { fail "scan: count in report";
    grep "^rules " "$T/rep"; }

# a hostile name of a skipped entry is escaped on stderr like any message
mkdir "$T/esc"
mkfifo "$T/esc/$(printf 'x\033]0;PWN\007.yml')"
expect 0 "scan -r escaped skip" "$EVTXHUNT" scan -r "$T/esc" -o "$T/rep" \
    --no-baseline "$W"
if grep -q "not loaded: a FIFO" "$T/err" && ! grep -q "$(printf '\033')" \
    "$T/err"; then ok "skip name escaped"; else fail "skip name escaped"; fi

# hostile_rule_0002: regex limit hits, per rule, on stderr and in the report
mkdir "$T/re"
for k in 1 2; do
	case $k in
	1) re="'(A+)+Z|AAAAA\$'" ;;
	2) re="'AAAAA\$'" ;;
	esac
	cat > "$T/re/r$k.yml" <<R
title: regex $k
id: 0b0b0b0b-0000-0000-0000-00000000000$k
logsource:
  product: windows
  category: process_creation
detection:
  sel:
    CommandLine|re: $re
  condition: sel
level: high
R
done
{
	sed -n '/^record/,$p' "$TD/rules/pos/bginfo_script_exec.spec" |
	    grep -v '^data CommandLine='
	printf 'data CommandLine=x '
	"$PY" -c 'print("A" * 30000)'
} > "$T/long.spec"
"$EVTXGEN" "$T/long.spec" "$T/long.evtx" || fail "evtxgen long.spec"
expect 1 "scan regex limit" "$EVTXHUNT" scan -r "$T/re" -o "$T/rep" \
    --no-baseline "$T/long.evtx"
grep -q "re/r1.yml: rule 0b0b0b0b-0000-0000-0000-000000000001: regex limit hit on 1 events, counted as no match" \
    "$T/err" && ok "regex limit: stderr" || { fail "regex limit: stderr"
    cat "$T/err"; }
grep -q "r2.yml.*regex limit" "$T/err" && fail "regex limit: r2 named" ||
    ok "regex limit: r2 not named"
grep -q "^rules .*regex limit 0b0b0b0b-0000-0000-0000-000000000001 1" \
    "$T/rep" && ok "regex limit: report" || { fail "regex limit: report"
    grep "^rules " "$T/rep"; }
grep -q "regex 2" "$T/rep" && ok "regex limit: r2 fires" ||
    fail "regex limit: r2 fires"
# malformed and hostile correlation rules: rejected with a reason, in
# bounded time, never a crash (the library cases: check_sigcorr.c)
mkdir "$T/corr"
"$PY" - "$T/corr" <<'PY'
import sys
d = sys.argv[1]
base = ("---\ntitle: base\nname: base\nlogsource: {product: windows, "
        "category: process_creation}\ndetection: {s: {Image: x}, "
        "condition: s}\n")
def corr(name, rules, extra=""):
    return ("---\ntitle: %s\nname: %s\ncorrelation: {type: temporal, "
            "rules: [%s], timespan: 1m%s}\n" % (name, name, rules, extra))
# a chain 999 deep, each naming the next
open(d + "/chain.yml", "w").write(
    "".join(corr("c%d" % i, "c%d" % (i + 1) if i < 998 else "base")
            for i in range(999)) + base)
# a cycle through 999 correlations
open(d + "/cycle.yml", "w").write(
    "".join(corr("y%d" % i, "y%d" % ((i + 1) % 999)) for i in range(999)))
# too many rules, NUL in a name, an alias bomb, a huge count
open(d + "/odd.yml", "w").write(
    corr("many", ", ".join(["base"] * 1000)) +
    "---\ntitle: nul\ncorrelation: {type: temporal, rules: [\"a\\0b\"], "
    "timespan: 1m}\n" +
    "---\ntitle: bomb\ncorrelation:\n  type: temporal\n  rules: &a [base]\n"
    "  timespan: 1m\n  aliases: &b {x: {base: User}, y: *a}\n"
    "  group-by: *a\n" +
    "---\ntitle: huge\ncorrelation: {type: event_count, rules: [base], "
    "timespan: 1m, condition: {gte: 99999999999999999999999999}}\n" +
    "---\ntitle: span\ncorrelation: {type: event_count, rules: [base], "
    "timespan: 1m1s, condition: {gte: 1}}\n" + base)
PY
expect 1 "rules check hostile correlations" timeout 60 "$EVTXHUNT" rules \
    check "$T/corr"
grep -q "chain.yml:.*correlations chained deeper than 8" "$T/out" &&
    ok "correlations: chain depth" || fail "correlations: chain depth"
n=$(grep -c "cycle.yml:[0-9]*:[0-9]*: correlation" "$T/out")
[ "$n" -eq 999 ] && ok "correlations: every cycle member rejected" ||
    fail "correlations: $n cycle members rejected"
for e in "'rules' has more than 32 entries" \
    "'rules' entries must be non-empty names" \
    "an alias maps rule names to field names" \
    "'gte' needs a count from 0 to 10000" "timespan '1m1s'"; do
	grep -q "odd.yml:.*$e" "$T/out" && ok "correlations: $e" ||
	    fail "correlations: $e"
done
expect 0 "scan -r hostile correlations" timeout 60 "$EVTXHUNT" scan -q \
    --no-baseline -r "$T/corr" -o "$T/rep" "$W"
grep -q "^rules .*rejected" "$T/rep" && ok "scan: rejections counted" ||
    fail "scan: rejections counted"
finish
