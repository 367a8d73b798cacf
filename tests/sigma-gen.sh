#!/bin/sh
# sigma-gen.sh -- generated positive and negative samples for SigmaHQ's
# Windows rules, every log source (tests/sigma-gen.py says how); skips
# without ../shared's sigma-full or without Python's yaml module.
test -n "$SHARED_DIR" && test -f "$SHARED_DIR/sigma-full/tests/thor.yml" || {
	echo "SKIP: no shared sigma-full"; exit 77; }
py=${PYTHON3:-python3}
"$py" -c 'import yaml' 2>/dev/null || {
	echo "SKIP: python3-yaml is not installed"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/sigma-gen.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT HUP INT TERM
"$py" "$top_srcdir/tests/sigma-gen.py" "$SHARED_DIR/sigma-full" \
    "$top_builddir/tests/evtxgen" "$EVTXHUNT" "$work"
