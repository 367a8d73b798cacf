#!/bin/sh
# sigma-regress.sh -- SigmaHQ regression tests through the engine, with
# both readers (skips without ../shared).
test -n "$SHARED_DIR" && test -d "$SHARED_DIR/sigma/regression_data" || {
	echo "SKIP: no shared sigma regression data"; exit 77; }
status=0
for p in native libevtx; do
	echo "# parser $p"
	"$top_builddir/tests/sigma-regress" -p $p "$SHARED_DIR/sigma" || status=1
	# the other log sources (registry, files, PowerShell, services...)
	if [ -d "$SHARED_DIR/sigma-full/regression_data" ]; then
		echo "# parser $p, sigma-full"
		"$top_builddir/tests/sigma-regress" -s -p $p \
		    "$SHARED_DIR/sigma-full" || status=1
	fi
done
exit $status
