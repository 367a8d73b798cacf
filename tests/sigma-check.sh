#!/bin/sh
# sigma-check.sh -- `evtxhunt rules check` over SigmaHQ's rules: at least
# 99.5% load, every rule in unsupported/ that uses pipes, near, count(),
# timeframe or a non-Sigma condition is rejected; exit statuses.
test -n "$SHARED_DIR" && test -d "$SHARED_DIR/sigma/rules" || {
	echo "SKIP: no shared sigma rules"; exit 77; }
S=$SHARED_DIR/sigma
out=${TMPDIR:-/tmp}/sigma-check.$$
trap 'rm -f "$out"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$EVTXHUNT" rules check "$S"/rules* > "$out"
rc=$?
cat "$out"
summary=$(grep '^rules: ' "$out")
loaded=$(echo "$summary" | sed 's/rules: \([0-9]*\) loaded.*/\1/')
rejected=$(echo "$summary" | sed 's/.* \([0-9]*\) rejected/\1/')
total=$(find "$S"/rules* -name '*.yml' | wc -l)
test "$rc" -eq $([ "$rejected" -gt 0 ] && echo 1 || echo 0) ||
	fail "exit status $rc with $rejected rejected"
test $((loaded * 1000)) -ge $((total * 995)) ||
	fail "only $loaded of $total rules loaded"
# every rejection has file:line:column and a reason
n=$(grep -c '^/.*\.yml:[0-9]*:[0-9]*: .' "$out")
test "$n" -eq "$rejected" || fail "$n located rejections for $rejected"

"$EVTXHUNT" rules check "$S/unsupported" > "$out"
test $? -eq 1 || fail "unsupported: exit status not 1"
for f in $(grep -lE 'timeframe:|condition:.*(\||near )|^action:' -r "$S/unsupported"); do
	grep -q "^$f:[0-9]*:[0-9]*: " "$out" || fail "$f not rejected"
done
grep -q "sysmon_always_install_elevated_parent_child_correlated.yml:.*condition" \
    "$out" || fail "non-Sigma condition not rejected"

"$EVTXHUNT" rules check "$S/no-such-dir" > /dev/null 2>&1
test $? -eq 2 || fail "missing path: exit status not 2"
"$EVTXHUNT" rules list -f jsonl "$S/rules" > "$out" || fail "rules list"
test "$(wc -l < "$out")" -gt 1000 || fail "rules list: too few lines"
echo "1 passed, 0 failed"
