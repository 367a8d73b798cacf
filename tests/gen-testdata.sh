#!/bin/sh
# tests/gen-testdata.sh -- regenerate the sample evidence under testdata/
# from testdata/spec/*.spec (deterministic: same bytes every run).
#
# usage: gen-testdata.sh EVTXGEN TESTDATA_DIR [OUT_DIR]
# Each spec's "output" line names its file relative to TESTDATA_DIR; with
# OUT_DIR the files go there instead (the drift check of make check).
set -eu

if [ $# -lt 2 ]; then
	echo "usage: $0 EVTXGEN TESTDATA_DIR [OUT_DIR]" >&2
	exit 2
fi
gen=$1
src=$2
out=${3:-$2}

for spec in "$src"/spec/*.spec; do
	rel=$(sed -n 's/^output[ 	]*//p' "$spec")
	if [ -z "$rel" ]; then
		echo "$0: $spec: no output line" >&2
		exit 1
	fi
	mkdir -p "$out/$(dirname "$rel")"
	"$gen" "$spec" "$out/$rel"
done

# Files that no spec can describe: not EVTX at all.
mkdir -p "$out/bad"
: > "$out/bad/empty.evtx"
printf 'This is not an event log.\r\nIt is a text file named .evtx.\r\n' \
	> "$out/bad/not-evtx.evtx"
