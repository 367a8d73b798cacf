#!/bin/sh
# sources-golden.sh -- the report of WKS03 (testdata/wks03: an intrusion
# told by every execution source) against its goldens, text and JSON
# Lines, every event included (-a); the shipped rules named relatively (-r
# rules) so that no rule_path depends on where the tree is.
# EVH_UPDATE_GOLDEN=1 rewrites them.
: "${top_srcdir:=.}"
: "${EVTXHUNT:=./evtxhunt}"
cd "$top_srcdir" || exit 99
status=0
for f in txt jsonl; do
	gold=tests/golden/wks03.$f
	out=$(mktemp "${TMPDIR:-/tmp}/wks03.XXXXXX") || exit 99
	fmt=text
	[ "$f" = jsonl ] && fmt=jsonl
	"$EVTXHUNT" scan -a -r rules -f "$fmt" testdata/wks03 > "$out" 2>/dev/null
	rc=$?
	if [ "$rc" -ne 1 ]; then
		echo "FAIL: scan -f $fmt testdata/wks03 exited $rc (want 1: findings)"
		status=1
	elif [ -n "${EVH_UPDATE_GOLDEN:-}" ]; then
		cp "$out" "$gold"
	elif ! diff -u "$gold" "$out"; then
		echo "FAIL: $gold differs (EVH_UPDATE_GOLDEN=1 rewrites it)"
		status=1
	else
		echo "ok: $gold"
	fi
	rm -f "$out"
done
# every execution source is in the golden, as its own kind
for k in script_block powershell service task dns_query file_create wmi \
    create_remote_thread process_access driver_load registry_event \
    create_stream_hash pipe_created; do
	grep -q "\"kind\":\"$k\"" tests/golden/wks03.jsonl || {
		echo "FAIL: no $k event in tests/golden/wks03.jsonl"; status=1; }
done
exit $status
