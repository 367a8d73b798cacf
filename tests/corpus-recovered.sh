#!/bin/sh
# corpus-recovered.sh -- every recovered Sysmon 1 / Security 4688 event of
# the real corpus (`evtxhunt dump -f jsonl`) is either named right or
# marked template: unresolved with positional values: a named one has an
# Image (NewProcessName) that is a path, a ProcessId that is an integer
# (4688: 0x hex), times that parse; none has an empty data object.
# Values named from another template (the shifted names issue 16 found)
# fail these checks.  Skips (77) without SHARED_DIR or python3.
set -u
if [ -z "${SHARED_DIR:-}" ]; then
	echo "SHARED_DIR not set: no corpus, skipping"
	exit 77
fi
py=${PYTHON3:-}
[ -n "$py" ] || py=$(command -v python3 || true)
if [ -z "$py" ]; then
	echo "python3 missing: skipping"
	exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/corpus-recovered.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
corpus=$(flock "$top_builddir/test-corpus.lock" \
    "$SHARED_DIR/tools/unpack-corpus" "$top_builddir/test-corpus") || {
	echo "cannot unpack the corpus"
	exit 1
}
"$top_builddir/evtxhunt" dump -q -j 2 -f jsonl "$corpus" >"$work/out" \
    2>"$work/err"
rc=$?
# 0 clean, 1 damaged input (files of the corpus are damaged on purpose)
if [ $rc -gt 1 ]; then
	echo "evtxhunt dump failed with status $rc"
	tail -5 "$work/err"
	exit 1
fi
"$py" - "$work/out" <<'PY'
import json, re, sys
path = re.compile(r'^([A-Za-z]:\\|\\\\|\\)')
utc = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$')
iso = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d')
n = named = pos = bad = 0
for line in open(sys.argv[1], encoding='utf-8'):
    e = json.loads(line)
    if not e.get('recovered') or e.get('kind') != 'process':
        continue
    n += 1
    d = e.get('data', {})
    why = None
    if not d:
        why = 'empty data'
    elif e.get('template') == 'unresolved':
        pos += 1
        if any(not k.startswith('#') for k in d):
            why = 'unresolved with a named value'
    else:
        named += 1
        if e['event_id'] == 1:
            img, pid = d.get('Image', ''), d.get('ProcessId', '')
            ok = pid.isdigit() and utc.match(d.get('UtcTime', ''))
        else:
            img, pid = d.get('NewProcessName', ''), d.get('NewProcessId', '')
            ok = re.match(r'^0x[0-9a-f]+$', pid)
        if not (ok and path.match(img) and iso.match(e.get('time', ''))):
            why = 'named wrong: Image %r ProcessId %r' % (img, pid)
    if why:
        bad += 1
        if bad <= 10:
            print('%s offset %s: %s' % (e['file'], e['offset'], why))
print('%d recovered process events: %d named, %d positional, %d bad'
      % (n, named, pos, bad))
sys.exit(1 if bad or n == 0 else 0)
PY
