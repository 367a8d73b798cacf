#!/bin/sh
# eval-logic.sh -- the scorer of `make eval` (tests/eval/eval.py) on
# testdata with a small label file: its table must be the expected one, and
# a label that names no process event must be refused.  Skips (77) without
# python3.
set -u
py=${PYTHON3:-}
[ -n "$py" ] || py=$(command -v python3 || true)
if [ -z "$py" ]; then
	echo "python3 missing: skipping"
	exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/eval-logic.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
ev=$top_srcdir/tests/eval

"$py" "$ev/eval.py" --evtxhunt "$EVTXHUNT" --corpus "$top_srcdir/testdata" \
    --labels "$ev/test-labels.tsv" --clean "$ev/test-clean.txt" \
    --rules "$ev/test-rules" --jobs 1 --detail >"$work/out" 2>"$work/err"
rc=$?
if [ $rc -ne 0 ]; then
	echo "eval.py exited $rc"
	cat "$work/err"
	exit 1
fi
if ! diff -u "$ev/test-expected.txt" "$work/out"; then
	echo "eval.py's table differs from tests/eval/test-expected.txt"
	exit 1
fi

# record 5019 is a network connection, not a process: the labels are refused
tab=$(printf '\t')
sed "s/${tab}5018${tab}/${tab}5019${tab}/" "$ev/test-labels.tsv" >"$work/bad.tsv"
"$py" "$ev/eval.py" --evtxhunt "$EVTXHUNT" --corpus "$top_srcdir/testdata" \
    --labels "$work/bad.tsv" --rules "$ev/test-rules" >/dev/null \
    2>"$work/err"
rc=$?
if [ $rc -ne 2 ] || ! grep -q 'record 5019 is not a process event' \
    "$work/err"; then
	echo "a label on a non-process record: exit $rc, expected 2 and a message"
	cat "$work/err"
	exit 1
fi
exit 0
