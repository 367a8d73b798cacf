#!/bin/sh
# fleet.sh -- README's "Scaling out" recipe, run with GNU parallel over
# the testdata hosts as shards: per-host scans and baselines, merge, and
# scoring against the merged baseline.  The merged baseline equals one
# learned over everything, and the shards' findings against it equal one
# scan of everything against it.  Skips without GNU parallel (moreutils
# has a parallel too, with other options).
set -u
: "${EVTXHUNT:?}" "${top_srcdir:?}"
T=$top_srcdir/testdata
for f in srv02-security srv02-sysmon wks01-security wks01-sysmon; do
	test -f "$T/$f.evtx" || { echo "skip: no $f.evtx"; exit 77; }
done
parallel --will-cite --version 2>/dev/null | grep -q '^GNU parallel' ||
    { echo "skip: no GNU parallel"; exit 77; }
D=$(mktemp -d "${TMPDIR:-/tmp}/fleet.XXXXXX") || exit 1
trap 'rm -rf "$D"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# the evidence, one directory per host (the shards)
for h in srv02 wks01; do
	mkdir -p "$D/evidence/$h" || exit 1
	cp "$T/$h-security.evtx" "$T/$h-sysmon.evtx" "$D/evidence/$h/" || exit 1
done
mkdir "$D/out" && cd "$D/out" || exit 1
export EVTXHUNT

# on each host: a scan and a baseline (the README recipe)
ls -d "$D"/evidence/* | parallel --will-cite -j2 \
    '"$EVTXHUNT" scan -q -f jsonl -o {/}.jsonl --db {/}.db {} ; \
     "$EVTXHUNT" baseline learn -q -o {/}.base {}' ||
    bad "parallel scan/learn: $?"
for h in srv02 wks01; do
	for x in jsonl db base; do
		test -s "$h.$x" || bad "no $h.$x"
	done
done
"$EVTXHUNT" baseline merge -o fleet.db srv02.base wks01.base ||
    bad "merge: $?"
"$EVTXHUNT" baseline learn -q -o all.db "$D/evidence" || bad "learn all: $?"

# merged == learned over everything, binary by binary
"$EVTXHUNT" baseline show fleet.db >fleet.txt || bad "show fleet.db"
"$EVTXHUNT" baseline show all.db >all.txt || bad "show all.db"
cmp -s all.txt fleet.txt || { bad "merged baseline differs"; diff all.txt fleet.txt; }
n=$(awk 'NR > 1' all.txt | wc -l)
test "$n" -ge 5 || bad "only $n binaries learned"
for bin in $(awk 'NR > 1 { print $1 }' all.txt); do
	"$EVTXHUNT" baseline show all.db "$bin" >x1 || bad "show $bin"
	"$EVTXHUNT" baseline show fleet.db "$bin" >x2 || bad "show $bin"
	cmp -s x1 x2 || bad "merged $bin differs"
done

# the shards scored against the fleet == everything scored against it
ls -d "$D"/evidence/* | parallel --will-cite -j2 \
    '"$EVTXHUNT" scan -q -b fleet.db -f jsonl -o {/}.scored {}'
for h in srv02 wks01; do
	test -s "$h.scored" || bad "no $h.scored"
done
"$EVTXHUNT" scan -q -b fleet.db -f jsonl -o all.scored "$D/evidence"
test -s all.scored || bad "no all.scored"
# group ids are numbered per run: a shard's differ from the whole run's
grep -h '^{"type":"finding"' srv02.scored wks01.scored |
    sed -E 's/,"group":[0-9]+,/,/' | sort >shards.f
grep -h '^{"type":"finding"' all.scored | sed -E 's/,"group":[0-9]+,/,/' |
    sort >all.f
n=$(wc -l <all.f)
test "$n" -ge 10 || bad "only $n findings"
grep -q '"source":"baseline"\|"source":"rule+baseline"' all.f ||
    bad "no baseline finding"
cmp -s all.f shards.f || { bad "shards' findings differ"; diff all.f shards.f | head; }
test "$fail" = 0 && echo "ok: $n findings, $(awk 'NR > 1' all.txt | wc -l) binaries"
exit "$fail"
