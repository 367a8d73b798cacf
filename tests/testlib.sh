# testlib.sh -- what the command-level shell tests share; sourced, not run.
# Gives T (a temporary directory, removed on exit), PY (python3), ok, fail,
# expect STATUS NAME cmd... (runs cmd with stdout in $T/out and stderr in
# $T/err and checks its exit status) and finish (the closing count and the
# script's status).
: "${EVTXHUNT:?}" "${top_srcdir:?}"
TD=$top_srcdir/testdata
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
PY=${PYTHON3:-python3}
fails=0
ok() { echo "ok - $1"; }
fail() { echo "FAIL - $1"; fails=$((fails + 1)); }
expect() {
	want=$1 name=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$name (exit $got)"; else
		fail "$name: exit $got, want $want"; tail -5 "$T/err"; fi
}
finish() {
	echo "$fails failed"
	[ "$fails" -eq 0 ]
}
