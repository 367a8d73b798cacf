#!/bin/sh
# tests/gen-rule-testdata.sh -- regenerate the rule test evidence under
# testdata/rules/{pos,neg}/ from the .spec next to each file
# (deterministic: same bytes every run).
#
# usage: gen-rule-testdata.sh EVTXGEN TESTDATA_DIR [OUT_DIR]
# Each spec's "output" line names its file relative to TESTDATA_DIR
# (rules/pos/SLUG.evtx); with OUT_DIR the files go there instead (drift check).
set -eu

if [ $# -lt 2 ]; then
	echo "usage: $0 EVTXGEN TESTDATA_DIR [OUT_DIR]" >&2
	exit 2
fi
gen=$1
src=$2
out=${3:-$2}

n=0
for spec in "$src"/rules/pos/*.spec "$src"/rules/neg/*.spec; do
	[ -f "$spec" ] || continue
	rel=$(sed -n 's/^output[ 	]*//p' "$spec")
	if [ -z "$rel" ]; then
		echo "$0: $spec: no output line" >&2
		exit 1
	fi
	mkdir -p "$out/$(dirname "$rel")"
	"$gen" "$spec" "$out/$rel"
	n=$((n + 1))
done
if [ "$n" -eq 0 ]; then
	echo "$0: no specs under $src/rules" >&2
	exit 1
fi
