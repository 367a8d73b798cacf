#!/bin/sh
# valgrind.sh -- `make check-valgrind`: the unit tests (in-process, CK_FORK=no)
# and the commands over testdata/ under valgrind; any error or leak fails.
set -u
: "${VALGRIND:?}" "${top_srcdir:?}" "${top_builddir:?}"
VG="$VALGRIND -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect"
status=0
run() {
	"$@" >/dev/null 2>"$top_builddir/valgrind.err"
	rc=$?
	if [ $rc -eq 99 ] || grep -q '==[0-9]*==' "$top_builddir/valgrind.err"; then
		echo "valgrind: FAIL: $*"
		cat "$top_builddir/valgrind.err"
		status=1
	else
		echo "valgrind: ok: $*"
	fi
}
CK_FORK=no
# testdata only: the corpus cases of the unit tests skip without it
SHARED_DIR=
# and the long randomised loops of the unit tests run short
EVH_TEST_QUICK=1
export SHARED_DIR EVH_TEST_QUICK
# PCRE2's JIT code makes valgrind report uninitialised reads it cannot
# see through; the interpreter gives the same matches
EVTXHUNT_NO_JIT=1
export CK_FORK EVTXHUNT_NO_JIT
for t in "$top_builddir"/tests/check_*; do
	[ -x "$t" ] || continue
	case "$t" in *.o|*.log|*.trs) continue ;; esac
	run $VG "$t"
done
td="$top_srcdir/testdata"
run $VG "$top_builddir/evtxhunt" dump -j 2 "$td"
run $VG "$top_builddir/evtxhunt" dump -j 1 -f csv --parser libevtx "$td"
run $VG "$top_builddir/evtxhunt" dump -j 2 --db "$top_builddir/vg.db" --force "$td"
rm -f "$top_builddir/vg.db"
# over the memory budget: runs spilled, merged in passes, read back
run $VG "$top_builddir/evtxhunt" dump -j 2 --memory 1K --tmpdir "$top_builddir" \
    --db "$top_builddir/vg.db" --force "$td"
rm -f "$top_builddir/vg.db"
run $VG "$top_builddir/evtxhunt" scan -q -j 2 -r "$top_srcdir/rules" "$td"
run $VG "$top_builddir/evtxhunt" scan -q -j 1 -f html -r "$top_srcdir/rules" "$td"
# scan over the budget: loaded back, data read back by offset
run $VG "$top_builddir/evtxhunt" scan -q -j 2 --memory 1K --tmpdir "$top_builddir" \
    --db "$top_builddir/vg.db" --force -r "$top_srcdir/rules" "$td"
rm -f "$top_builddir/vg.db"
rm -f "$top_builddir/valgrind.err"
exit $status
